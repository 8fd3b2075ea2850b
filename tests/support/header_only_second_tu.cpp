// A second translation unit of test_header_only that includes every dorm header: in
// header-only mode each function defined by two TUs must be inline, so a body in
// include/dorm/impl/ without DORM_INLINE (or a header function without `inline`) is a
// "multiple definition" link error here.
#include <dorm/sync.hpp>

#include <string>

std::string header_only_second_tu_encode(const std::string& s) {
    return dorm::odata::url_encode(s);
}
