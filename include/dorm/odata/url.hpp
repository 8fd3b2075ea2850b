#pragma once
// Percent-encoding of URL parts (RFC 3986).
#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

// Every byte but RFC 3986's unreserved characters as %XX (upper-case hex, as libcurl
// writes it): a value cannot add a '&' or a '=' to the query string.
std::string url_encode(std::string_view s);

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/odata/url.ipp"
#endif
