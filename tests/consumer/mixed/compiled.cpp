// Built in compiled mode (dorm::compiled). A program must not mix the modes: the two put dorm
// in different inline namespaces, so dialect_name(), defined in header_only.cpp for
// dorm::v0_header_only::odata::Dialect, is not the function declared here for
// dorm::v0_compiled::odata::Dialect. The program must fail to link (run.cmake checks it).
#include <dorm/odata/dialect.hpp>

#include <string>

std::string dialect_name(const dorm::odata::Dialect& d);

int main() {
    return dialect_name(dorm::odata::odata_v4()) == "odata_v4" ? 0 : 1;
}
