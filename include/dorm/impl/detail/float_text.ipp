#pragma once
// Bodies of dorm/detail/float_text.hpp (dorm/detail/config.hpp).
#include "dorm/detail/float_text.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// repr(float): the shortest text that reads back as the same double, in Python's layout
// ("1.0", "0.0001", "1e-05", "1e+16", "nan", "inf").
DORM_INLINE std::string python_float_repr(double d) {
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? "-inf" : "inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf));
    std::string out = s.starts_with('-') ? "-" : "";
    const std::size_t e_at = s.find('e');
    std::string digits;
    for (char c : s.substr(0, e_at))
        if (c >= '0' && c <= '9')
            digits += c;
    int exponent = 0;
    const std::string_view e_text = s.substr(e_at + 1);
    std::from_chars(e_text.data() + (e_text.starts_with('+') ? 1 : 0),
                    e_text.data() + e_text.size(), exponent);
    const int point = exponent + 1; // digits before the decimal point
    const int n = static_cast<int>(digits.size());
    if (point > -4 && point <= 16) {
        if (point <= 0)
            return out + "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
        if (point >= n)
            return out + digits + std::string(static_cast<std::size_t>(point - n), '0') + ".0";
        return out + digits.substr(0, static_cast<std::size_t>(point)) + "." +
               digits.substr(static_cast<std::size_t>(point));
    }
    out += digits.substr(0, 1);
    if (n > 1)
        out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + e;
}

DORM_INLINE std::errc parse_double(std::string_view text, double& out) {
#if defined(_LIBCPP_VERSION) && _LIBCPP_VERSION < 200000
    // strtod reads the locale's decimal point: the copy is written with it.
    std::string copy(text);
    const char point = *std::localeconv()->decimal_point;
    for (char& c : copy)
        if (c == '.')
            c = point;
    if (copy.empty() || std::isspace(static_cast<unsigned char>(copy[0])))
        return std::errc::invalid_argument;
    errno = 0;
    char* end = nullptr;
    const double d = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size())
        return std::errc::invalid_argument;
    if (errno == ERANGE && (d == 0 || std::isinf(d))) // a subnormal result is a value
        return std::errc::result_out_of_range;
    out = d;
    return std::errc();
#else
    double d = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), d);
    if (r.ec != std::errc())
        return r.ec;
    if (r.ptr != text.data() + text.size())
        return std::errc::invalid_argument;
    out = d;
    return std::errc();
#endif
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
