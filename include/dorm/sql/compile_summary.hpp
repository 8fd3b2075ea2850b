#pragma once
// Compiling the questions asked about a query's rows rather than the rows themselves:
// count(), exists(), aggregate() and dates()/datetimes().
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/compiler.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

inline bool needs_subquery(const Query& q) {
    return q.distinct || q.is_sliced() || q.has_aggregate_annotation();
}

// The rows to count or aggregate over: the ordering matters only to a slice (and under
// DISTINCT would select its fields too), so it is dropped otherwise, as Django does.
inline Query rows_to_summarize(const Query& q) {
    Query inner = q;
    if (!inner.is_sliced()) {
        inner.order_by_set = true;
        inner.order_by.clear();
        inner.random_order = false;
    }
    return inner;
}

inline Compiled compile_count(const Query& q) {
    Compiler comp(q);
    if (needs_subquery(q)) {
        Compiled inner = compile_select(rows_to_summarize(q));
        return {"SELECT COUNT(*) FROM (" + inner.text + ") subquery", std::move(inner.params)};
    }
    Compiled c{"SELECT COUNT(*)", {}};
    comp.from_where(c.text, c.params);
    return c;
}

inline Compiled compile_exists(const Query& q) {
    Compiler comp(q);
    if (needs_subquery(q)) {
        Compiled inner = compile_select(rows_to_summarize(q));
        return {"SELECT 1 FROM (" + inner.text + ") subquery LIMIT 1", std::move(inner.params)};
    }
    Compiled c{"SELECT 1", {}};
    comp.from_where(c.text, c.params);
    c.text += " LIMIT 1";
    return c;
}

// SELECT aggregate, ... over the query's rows (a subquery when sliced, distinct or grouped).
inline Compiled compile_aggregate(const Query& q, const std::vector<SelectItem>& items) {
    Compiler comp(q);
    Compiled c{"SELECT ", {}};
    if (!needs_subquery(q)) {
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i)
                c.text += ", ";
            comp.expr(items[i].expr, c.text, c.params);
            c.text += " AS " + quote(items[i].name);
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
    Compiled sub = compile_select(inner);
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
        outer += e + " AS " + quote(items[i].name);
    }
    c.text += outer + " FROM (" + sub.text + ") subquery";
    c.params = std::move(outer_params);
    c.params.insert(c.params.end(), sub.params.begin(), sub.params.end());
    return c;
}

// dates()/datetimes(): the distinct truncated values of a field.
inline Compiled compile_dates(const Query& q, const FieldMeta& f, const std::string& kind,
                              bool descending) {
    Compiler comp(q);
    Compiled c{"SELECT DISTINCT dorm_trunc(?, " + comp.column(f) + ") AS \"datefield\"",
               {Value(kind)}};
    Query inner = q;
    WhereNode guard = detail::is_not_null(detail::resolve_expr(F(f.name), q));
    if (inner.where.kind == WhereNode::Kind::And && !inner.where.negated) {
        inner.where.children.push_back(std::move(guard));
    } else {
        WhereNode both;
        both.children = {inner.where, std::move(guard)};
        inner.where = std::move(both);
    }
    Compiler(inner).from_where(c.text, c.params);
    c.text += std::string(" ORDER BY \"datefield\" ") + (descending ? "DESC" : "ASC");
    return c;
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
