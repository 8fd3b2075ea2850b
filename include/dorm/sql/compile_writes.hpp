#pragma once
// Compiling the writes of a queryset: update() and delete().
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/compiler.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

inline void check_writable(const Query& q, std::string_view what) {
    if (q.is_sliced())
        throw UsageError("Cannot " + std::string(what) + " a query once a slice has been taken");
    if (q.distinct)
        throw UsageError("Cannot call " + std::string(what) + "() after distinct()");
}

// WHERE clause of an UPDATE or DELETE: the query's conditions, or pk IN (...) when the
// query needs more than its own table.
inline void write_where(const Query& q, std::string& out, Values& params) {
    Compiler comp(q);
    if (!q.extra_tables.empty() || !q.having.empty() || !q.joins.empty()) {
        Query inner = q;
        detail::select_primary_keys(inner);
        Compiled sub = Compiler(inner).select();
        out += " WHERE " + comp.column(q.model->pk()) + " IN (" + sub.text + ")";
        params.insert(params.end(), sub.params.begin(), sub.params.end());
        return;
    }
    std::string w;
    if (comp.where(q.where, w, params))
        out += " WHERE " + w;
}

inline Compiled compile_update(const Query& q,
                               const std::vector<std::pair<const FieldMeta*, Expr>>& sets) {
    check_writable(q, "update");
    Compiler comp(q);
    Compiled c{"UPDATE " + comp.table() + " SET ", {}};
    for (std::size_t i = 0; i < sets.size(); ++i) {
        if (i)
            c.text += ", ";
        const FieldMeta& f = *sets[i].first;
        c.text += quote(f.column) + " = ";
        // An expression on an integer or boolean member (or an integer foreign key) is
        // computed by SQLite, which neither wraps nor refuses what the member cannot hold:
        // dorm_fit_int / dorm_fit_float fail the statement instead.
        const bool expr = sets[i].second.op != Expr::Op::Literal;
        const CType ct = f.value_ctype();
        const bool fit = expr && (ct == CType::I32 || ct == CType::I64 || ct == CType::Bool);
        const bool fit_float = expr && ct == CType::F32;
        if (fit)
            c.text += "dorm_fit_int(";
        if (fit_float)
            c.text += "dorm_fit_float(";
        comp.expr(sets[i].second, c.text, c.params);
        if (fit) {
            std::int64_t low = 0, high = 1; // Bool
            if (ct == CType::I32) {
                low = std::numeric_limits<std::int32_t>::min();
                high = std::numeric_limits<std::int32_t>::max();
            } else if (ct == CType::I64) {
                low = std::numeric_limits<std::int64_t>::min();
                high = std::numeric_limits<std::int64_t>::max();
            }
            c.text += ", ?, ?, ?)";
            c.params.emplace_back(low);
            c.params.emplace_back(high);
        } else if (fit_float) {
            c.text += ", ?)";
        }
        if (fit || fit_float)
            c.params.emplace_back(f.described_name());
    }
    write_where(q, c.text, c.params);
    return c;
}

inline Compiled compile_delete(const Query& q) {
    check_writable(q, "delete");
    Compiled c{"DELETE FROM " + quote(q.model->table), {}};
    write_where(q, c.text, c.params);
    return c;
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
