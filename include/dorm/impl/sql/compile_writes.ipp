#pragma once
// Bodies of dorm/sql/compile_writes.hpp (dorm/detail/config.hpp).
#include "dorm/sql/compile_writes.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/tree/resolve.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE void check_writable(const Query& q, std::string_view what) {
    if (q.is_sliced())
        throw UsageError("Cannot " + std::string(what) + " a query once a slice has been taken");
    if (q.distinct)
        throw UsageError("Cannot call " + std::string(what) + "() after distinct()");
}

DORM_INLINE void write_where(const Query& q, std::string& out, Values& params,
                             const Operations& ops) {
    Compiler comp(q, ops);
    if (!q.extra_tables.empty() || !q.having.empty() || !q.joins.empty()) {
        Query inner = q;
        detail::select_primary_keys(inner);
        Compiled sub = Compiler(inner, ops).select();
        out += " WHERE " + comp.column(q.model->pk()) + " IN (" + sub.text + ")";
        params.insert(params.end(), sub.params.begin(), sub.params.end());
        return;
    }
    std::string w;
    if (comp.where(q.where, w, params))
        out += " WHERE " + w;
}

DORM_INLINE Compiled compile_update(const Query& q,
                                    const std::vector<std::pair<const FieldMeta*, Expr>>& sets,
                                    const Operations& ops) {
    check_writable(q, "update");
    Compiler comp(q, ops);
    Compiled c{"UPDATE " + comp.table() + " SET ", {}};
    for (std::size_t i = 0; i < sets.size(); ++i) {
        if (i)
            c.text += ", ";
        const FieldMeta& f = *sets[i].first;
        comp.quote_into(c.text, f.column);
        c.text += " = ";
        if (sets[i].second.op == Expr::Op::Literal) {
            comp.expr(sets[i].second, c.text, c.params);
            continue;
        }
        // An expression: computed by the database, checked by the backend.
        std::string e;
        comp.expr(sets[i].second, e, c.params);
        ops.assign_expression(c.text, e, f, c.params);
    }
    write_where(q, c.text, c.params, ops);
    return c;
}

DORM_INLINE Compiled compile_delete(const Query& q, const Operations& ops) {
    check_writable(q, "delete");
    Compiled c{"DELETE FROM ", {}};
    ops.quote_into(c.text, q.model->table);
    write_where(q, c.text, c.params, ops);
    return c;
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
