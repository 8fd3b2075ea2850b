#pragma once
// Bodies of dorm/tree/lookups.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/tree/lookups.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE const LookupDef* find_lookup(std::string_view name, ValueType t) {
    for (const auto& d : lookup_defs)
        if (d.name == name && (d.types & detail::type_bit(t)))
            return &d;
    return nullptr;
}

DORM_INLINE const TransformDef* find_transform(std::string_view name, ValueType t) {
    for (const auto& d : transform_defs)
        if (d.name == name && (d.input_types & detail::type_bit(t)))
            return &d;
    return nullptr;
}

namespace detail {
// Python's repr() of a float (what str() gives): the shortest digits that read back, fixed
// notation with at least one decimal between 1e-4 and 1e16, else "1e+20" / "1.5e-05".
DORM_INLINE std::string python_float_text(double d) {
    if (std::isnan(d))
        return "nan";
    if (std::isinf(d))
        return d < 0 ? "-inf" : "inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    const std::string_view s(buf, static_cast<std::size_t>(r.ptr - buf)); // "-1.25e+17"
    const std::size_t e = s.find('e');
    const int exp = std::atoi(std::string(s.substr(e + 1)).c_str());
    const bool negative = s.front() == '-';
    std::string digits;
    for (const char c : s.substr(negative ? 1 : 0, e - (negative ? 1 : 0)))
        if (c != '.')
            digits += c;
    std::string out = negative ? "-" : "";
    if (exp < -4 || exp >= 16) {
        out += digits[0];
        if (digits.size() > 1)
            out += "." + digits.substr(1);
        out += exp < 0 ? "e-" : "e+";
        const int a = std::abs(exp);
        out += (a < 10 ? "0" : "") + std::to_string(a);
        return out;
    }
    if (exp < 0)
        return out + "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    const auto point = static_cast<std::size_t>(exp) + 1; // digits before the point
    if (digits.size() <= point)
        out += digits + std::string(point - digits.size(), '0') + ".0";
    else
        out += digits.substr(0, point) + "." + digits.substr(point);
    return out;
}
} // namespace detail

DORM_INLINE std::optional<std::string> lookup_text(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::Null:
    case Value::Kind::Blob:
        return std::nullopt;
    case Value::Kind::Text:
        return v.as_text();
    case Value::Kind::Integer:
        return std::to_string(v.as_int());
    case Value::Kind::Real:
        return detail::python_float_text(v.as_double());
    case Value::Kind::Bool:
        return v.as_bool() ? "True" : "False";
    case Value::Kind::Date:
        return v.as_date().iso();
    case Value::Kind::Time:
        return v.as_time().iso();
    case Value::Kind::DateTime:
        return v.as_datetime().iso();
    }
    return std::nullopt;
}

DORM_INLINE std::vector<std::string> lookup_choices(ValueType t) {
    std::vector<std::string> out;
    for (const auto& d : lookup_defs)
        if (d.types & detail::type_bit(t))
            out.emplace_back(d.name);
    for (const auto& d : transform_defs)
        if (d.input_types & detail::type_bit(t))
            out.emplace_back(d.name);
    return out;
}

} // namespace DORM_ABI
} // namespace dorm
