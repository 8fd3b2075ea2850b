#pragma once
// Bodies of dorm/sql/compile_summary.hpp (dorm/detail/config.hpp).
#include "dorm/sql/compile_summary.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <variant>
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

// The columns an aggregate over a subquery reads that are not the query's own table's (a
// related table's, a parent's): the subquery selects them too, as Django's __col<n>. Each is
// kept once, with its SQL text in the outer query.
struct ForeignColumn {
    std::string text; // "T"."rating", as the compiler writes it
    Expr column;
    std::string name; // __col1, ...
};

DORM_INLINE void foreign_columns(const Expr& e, const Compiler& comp, std::string_view own,
                                 std::vector<ForeignColumn>& out);

DORM_INLINE void foreign_columns(const WhereNode& n, const Compiler& comp, std::string_view own,
                                 std::vector<ForeignColumn>& out) {
    if (n.kind == WhereNode::Kind::Leaf) {
        foreign_columns(n.cond->lhs, comp, own, out);
        if (const Expr* rhs = std::get_if<Expr>(&n.cond->rhs))
            foreign_columns(*rhs, comp, own, out);
    }
    for (const auto& c : n.children)
        foreign_columns(c, comp, own, out);
}

DORM_INLINE void foreign_columns(const Expr& e, const Compiler& comp, std::string_view own,
                                 std::vector<ForeignColumn>& out) {
    if (e.op == Expr::Op::Field && e.field) {
        std::string text;
        comp.append_column(text, e.alias, *e.field);
        if (text.starts_with(own))
            return;
        for (const auto& c : out)
            if (c.text == text)
                return;
        out.push_back({std::move(text), e, "__col" + std::to_string(out.size() + 1)});
        return;
    }
    for (const auto& a : e.args)
        foreign_columns(a, comp, own, out);
    if (e.filter_where)
        foreign_columns(*e.filter_where, comp, own, out);
}

// The subquery selects the foreign columns: as annotations of its rows, or as values. A
// grouped query of objects (GROUP BY its key) becomes a grouped query of values (its own
// columns, named by column, its annotations, and the foreign columns), so that it groups by
// the foreign columns too, as Django's does.
DORM_INLINE void select_foreign_columns(Query& inner, const std::vector<ForeignColumn>& cols,
                                        const Compiler& comp, std::string_view own) {
    if (cols.empty())
        return;
    if (!inner.values_mode && inner.has_aggregate_annotation()) {
        std::vector<SelectItem> values;
        for (const auto& f : inner.model->fields) {
            std::string text;
            comp.append_column(text, f);
            if (text.starts_with(own))
                values.push_back({f.column, Expr::column(f)});
        }
        for (const auto& a : inner.annotations) {
            Expr ref;
            ref.op = Expr::Op::Annotation;
            ref.name = a.name;
            ref.type = a.expr.type;
            values.push_back({a.name, std::move(ref)});
        }
        inner.values_mode = true;
        inner.group_by_values = true;
        inner.values = std::move(values);
    }
    for (const auto& c : cols) {
        if (inner.values_mode)
            inner.values.push_back({c.name, c.column});
        else
            inner.annotations.push_back({c.name, c.column});
    }
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
    const std::string prefix = comp.table() + ".";
    std::vector<ForeignColumn> foreign;
    for (const auto& item : items)
        foreign_columns(item.expr, comp, prefix, foreign);
    select_foreign_columns(inner, foreign, comp, prefix);
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
        // Columns of other tables are the subquery's __col<n>; qualified columns of the table
        // become columns of the subquery.
        for (const auto& col : foreign) {
            std::string to = "subquery.";
            comp.quote_into(to, col.name);
            for (std::size_t pos = 0; (pos = e.find(col.text, pos)) != std::string::npos;
                 pos += to.size())
                e.replace(pos, col.text.size(), to);
        }
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
