#pragma once
// Bodies of dorm/tree/lookups.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/tree/lookups.hpp"

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
