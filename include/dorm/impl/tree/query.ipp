#pragma once
// Bodies of dorm/tree/query.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/tree/query.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE bool Query::has_aggregate_annotation() const {
    for (const auto& a : annotations)
        if (a.expr.contains_aggregate())
            return true;
    return false;
}

DORM_INLINE bool Query::uses_aggregate(const Expr& e) const {
    if (e.is_aggregate())
        return true;
    if (e.op == Expr::Op::Annotation) {
        const SelectItem* a = annotation(e.name);
        return a && a->expr.contains_aggregate();
    }
    for (const auto& arg : e.args)
        if (uses_aggregate(arg))
            return true;
    return false;
}

DORM_INLINE const SelectItem* Query::annotation(std::string_view alias) const {
    for (const auto& a : annotations)
        if (a.name == alias)
            return &a;
    return nullptr;
}

DORM_INLINE const ExtraSelect* Query::extra(std::string_view alias) const {
    for (const auto& e : extra_select)
        if (e.alias == alias)
            return &e;
    return nullptr;
}

DORM_INLINE bool Query::is_deferred(std::size_t field_index) const {
    for (auto i : deferred)
        if (i == field_index)
            return true;
    return false;
}

} // namespace DORM_ABI
} // namespace dorm
