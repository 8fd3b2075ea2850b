#pragma once
// Bodies of dorm/sql/compile_summary.hpp (dorm/detail/config.hpp).
#include "dorm/sql/compile_summary.hpp"

#include <string>
#include <utility>
#include <vector>

#include "dorm/tree/resolve.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE bool needs_subquery(const Query& q) {
    return q.distinct || q.is_sliced() || q.has_aggregate_annotation();
}

DORM_INLINE Query rows_to_summarize(const Query& q) {
    Query inner = q;
    if (!inner.is_sliced()) {
        inner.order_by_set = true;
        inner.order_by.clear();
        inner.random_order = false;
    }
    return inner;
}

DORM_INLINE Compiled compile_count(const Query& q, const Operations& ops) {
    Compiler comp(q, ops);
    if (needs_subquery(q)) {
        Compiled inner = compile_select(rows_to_summarize(q), ops);
        return {"SELECT COUNT(*) FROM (" + inner.text + ") subquery", std::move(inner.params)};
    }
    Compiled c{"SELECT COUNT(*)", {}};
    comp.from_where(c.text, c.params);
    return c;
}

DORM_INLINE Compiled compile_exists(const Query& q, const Operations& ops) {
    Compiler comp(q, ops);
    if (needs_subquery(q)) {
        Compiled inner = compile_select(rows_to_summarize(q), ops);
        Compiled c{"SELECT 1 FROM (" + inner.text + ") subquery", std::move(inner.params)};
        ops.limit_offset(c.text, 1, 0);
        return c;
    }
    Compiled c{"SELECT 1", {}};
    comp.from_where(c.text, c.params);
    ops.limit_offset(c.text, 1, 0);
    return c;
}

DORM_INLINE Compiled compile_aggregate(const Query& q, const std::vector<SelectItem>& items,
                                       const Operations& ops) {
    Compiler comp(q, ops);
    Compiled c{"SELECT ", {}};
    if (!needs_subquery(q)) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i)
                c.text += ", ";
            comp.expr(items[i].expr, c.text, c.params);
            c.text += " AS ";
            comp.quote_into(c.text, items[i].name);
        }
        comp.from_where(c.text, c.params);
        return c;
    }
    // Aggregate over the inner rows: fields are then columns of the subquery.
    Query inner = rows_to_summarize(q);
    if (!inner.values_mode) {
        inner.deferred.clear();
        inner.extra_select.clear();
    }
    Compiled sub = compile_select(inner, ops);
    std::string outer;
    Values outer_params;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            outer += ", ";
        std::string e;
        // Annotations are columns of the subquery too: annotate("n",
        // Count(..)).aggregate(Avg("n")).
        comp.expr(items[i].expr, e, outer_params, true);
        // Qualified columns of the table become columns of the subquery.
        const std::string prefix = comp.table() + ".";
        for (std::size_t pos; (pos = e.find(prefix)) != std::string::npos;)
            e.replace(pos, prefix.size(), "subquery.");
        outer += e + " AS " + comp.quote(items[i].name);
    }
    c.text += outer + " FROM (" + sub.text + ") subquery";
    c.params = std::move(outer_params);
    c.params.insert(c.params.end(), sub.params.begin(), sub.params.end());
    return c;
}

DORM_INLINE Compiled compile_dates(const Query& q, const FieldMeta& f, const std::string& kind,
                                   bool descending, const Operations& ops) {
    Compiler comp(q, ops);
    Compiled c{"SELECT DISTINCT ", {}};
    ops.truncate_date(c.text, comp.column(f), kind, c.params);
    c.text += " AS ";
    comp.quote_into(c.text, "datefield");
    Query inner = q;
    WhereNode guard = detail::is_not_null(detail::resolve_expr(F(f.name), q));
    if (inner.where.kind == WhereNode::Kind::And && !inner.where.negated) {
        inner.where.children.push_back(std::move(guard));
    } else {
        WhereNode both;
        both.children = {inner.where, std::move(guard)};
        inner.where = std::move(both);
    }
    Compiler(inner, ops).from_where(c.text, c.params);
    c.text += " ORDER BY ";
    comp.quote_into(c.text, "datefield");
    c.text += descending ? " DESC" : " ASC";
    return c;
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
