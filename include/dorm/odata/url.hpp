#pragma once
// Percent-encoding of URL parts (RFC 3986).
#include <string>
#include <string_view>

namespace dorm::odata {

// Every byte but RFC 3986's unreserved characters as %XX (upper-case hex, as libcurl
// writes it): a value cannot add a '&' or a '=' to the query string.
inline std::string url_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

} // namespace dorm::odata
