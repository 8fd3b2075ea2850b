// Built in header-only mode (dorm::dorm), linked into a compiled-mode program: see
// compiled.cpp.
#include <dorm/odata/dialect.hpp>

#include <string>

std::string dialect_name(const dorm::odata::Dialect& d) {
    return d.name;
}
