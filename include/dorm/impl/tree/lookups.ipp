#pragma once
// Bodies of dorm/tree/lookups.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/tree/lookups.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "dorm/detail/json.hpp"

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
        return detail::python_float_repr(v.as_double());
    case Value::Kind::Bool:
        return v.as_bool() ? "True" : "False";
    case Value::Kind::Date:
        return v.as_date().iso();
    case Value::Kind::Time:
        return v.as_time().iso();
    case Value::Kind::DateTime:
        return v.as_datetime().iso();
    case Value::Kind::Decimal: // str(Decimal): its digits as held
        return v.as_decimal().str();
    case Value::Kind::Uuid: // Django's UUIDTextMixin compares without hyphens
        return v.as_uuid().hex();
    case Value::Kind::Duration: // str(timedelta), as Django's prep_for_like_query
        return duration_str(v.as_duration());
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
