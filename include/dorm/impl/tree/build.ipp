#pragma once
// Bodies of dorm/tree/build.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <algorithm>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "dorm/core/errors.hpp"
#include "dorm/detail/names.hpp"
#include "dorm/detail/unicode.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE void check_not_sliced(const Query& q, std::string_view what) {
    if (q.is_sliced())
        throw UsageError("Cannot " + std::string(what) + " a query once a slice has been taken");
}

DORM_INLINE bool uses_aggregate(const WhereNode& n, const Query& q) {
    if (n.kind == WhereNode::Kind::Leaf) {
        if (q.uses_aggregate(n.cond->lhs))
            return true;
        const Expr* rhs = std::get_if<Expr>(&n.cond->rhs);
        return rhs && q.uses_aggregate(*rhs);
    }
    for (const auto& c : n.children)
        if (uses_aggregate(c, q))
            return true;
    return false;
}

// The deepest expression the conditions of a tree compare, as written.
DORM_INLINE std::uint32_t written_depth(const WhereNode& n, const Query& q) {
    std::uint32_t d = 0;
    if (n.kind == WhereNode::Kind::Leaf) {
        d = written_depth(n.cond->lhs, q);
        if (const Expr* rhs = std::get_if<Expr>(&n.cond->rhs))
            d = std::max(d, written_depth(*rhs, q));
    }
    for (const auto& c : n.children)
        d = std::max(d, written_depth(c, q));
    return d;
}

DORM_INLINE std::uint32_t written_depth(const Expr& e, const Query& q) {
    if (e.op == Expr::Op::Annotation) {
        const SelectItem* a = q.annotation(e.name);
        return a ? written_depth(a->expr, q) : 0;
    }
    std::uint32_t d = 0;
    for (const auto& a : e.args)
        d = std::max(d, written_depth(a, q) + 1);
    // An aggregate's filter: its levels (e.depth) and what its conditions compare.
    if (e.filter_where)
        d = std::max(d, e.depth + written_depth(*e.filter_where, q));
    return d;
}

// An aggregate whose filter names an aggregate annotation (an aggregate inside an aggregate).
DORM_INLINE const Expr* filter_on_aggregate(const Expr& e, const Query& q) {
    if (e.filter_where && uses_aggregate(*e.filter_where, q))
        return &e;
    for (const auto& a : e.args)
        if (const Expr* found = filter_on_aggregate(a, q))
            return found;
    return nullptr;
}

DORM_INLINE void uncounted_depth(const WhereNode& n, const Query& q, UncountedDepth& out) {
    if (n.kind != WhereNode::Kind::Leaf) {
        for (const auto& child : n.children)
            uncounted_depth(child, q, out);
        return;
    }
    auto consider = [&](std::uint32_t written, std::uint32_t counted, auto what) {
        if (written > counted && written - counted > out.extra) {
            out.extra = written - counted;
            out.what = what();
        }
    };
    auto expr = [&](const Expr& e, std::uint32_t counted) {
        consider(written_depth(e, q), counted, [&] {
            return e.op == Expr::Op::Annotation ? "the annotation '" + e.name + "'"
                                                : std::string("an expression");
        });
    };
    expr(n.cond->lhs, 0);
    if (const Expr* rhs = std::get_if<Expr>(&n.cond->rhs))
        expr(*rhs, rhs->depth);
    if (const Subquery* sub = std::get_if<Subquery>(&n.cond->rhs))
        consider(sub->query->q_depth, sub->depth, [] { return std::string("a subquery"); });
}

DORM_INLINE void add_filter(Query& q, const Q& cond, bool exclude) {
    check_not_sliced(q, "filter");
    if (cond.empty())
        return;
    // exclude() negates: a condition becomes a group of its own (see max_q_depth).
    const std::uint32_t depth = cond.depth() + (exclude && cond.is_leaf() ? 1 : 0);
    // Two calls rather than `exclude ? ~cond : cond`, which would copy cond. One scope per
    // call: its conditions on a multi-valued relation share the join (the same related row).
    JoinScope scope;
    scope.reusable = std::move(q.sticky_joins);
    q.sticky_joins.clear();
    WhereNode node = exclude ? resolve_q(~cond, q, false, scope) : resolve_q(cond, q, false, scope);
    // A condition on an annotation writes the annotation's expression out in full.
    UncountedDepth more;
    uncounted_depth(node, q, more);
    if (depth + more.extra > max_q_depth)
        throw ValueError("Q nesting depth " + std::to_string(depth + more.extra) +
                         " exceeds the maximum of " + std::to_string(max_q_depth) +
                         " (dorm::max_q_depth): the conditions are " + std::to_string(depth) +
                         " deep and " + more.what + " they compare is written out " +
                         std::to_string(more.extra) + " levels deeper than counted");
    q.q_depth = std::max(q.q_depth, depth + more.extra);
    if (uses_aggregate(node, q)) {
        q.having.children.push_back(std::move(node));
        return;
    }
    require_joins(node, q);
    q.where.children.push_back(std::move(node));
}

DORM_INLINE Q kwargs_q(std::span<const Kwarg> conditions) {
    Q q;
    for (const auto& kv : conditions)
        q &= Q(kv.first, kv.second);
    return q;
}

DORM_INLINE void set_ordering(Query& q, const std::vector<std::string>& fields) {
    check_not_sliced(q, "reorder");
    q.order_by.clear();
    q.random_order = false;
    q.order_by_set = true;
    for (const auto& f : fields) {
        if (f == "?") {
            q.random_order = true;
            continue;
        }
        for (auto& t : resolve_order_terms(f, q))
            q.order_by.push_back(std::move(t));
    }
}

DORM_INLINE void check_alias(const std::string& alias, const ModelMeta& m) {
    bool forbidden = alias.find("--") != std::string::npos ||
                     alias.find("/*") != std::string::npos || alias.find("*/") != std::string::npos;
    for (const char c : alias)
        if (std::string_view("'`\"[];\0 \t\n\v\f\r", 13).find(c) != std::string_view::npos)
            forbidden = true;
    if (forbidden)
        throw ValueError("Column aliases cannot contain whitespace characters, quotation marks, "
                         "semicolons, NUL or SQL comments: " +
                         Value(alias).repr() + " on " + m.name);
    if (const std::string problem = utf8_problem(alias); !problem.empty())
        throw ValueError("Column alias on " + m.name + ": " + problem);
}

DORM_INLINE void add_annotation(Query& q, std::string alias, const Expr& e) {
    if (alias.empty())
        alias = e.default_alias();
    if (alias.empty())
        throw ValueError("complex annotations require an alias");
    check_alias(alias, *q.model);
    if (q.model->find(alias))
        throw ValueError("The annotation '" + alias + "' conflicts with a field on the model " +
                         q.model->name);
    if (q.annotation(alias))
        throw ValueError("The annotation '" + alias + "' is already set");
    JoinScope scope; // an annotation shares the joins made before it (filter-then-annotate)
    scope.reuse_all = true;
    Expr resolved = resolve_expr(e, q, scope);
    if (const Expr* bad = filter_on_aggregate(resolved, q))
        throw FieldError("Cannot compute " + aggregate_call(*bad) + " of " + q.model->name +
                         " in annotation '" + alias +
                         "': its filter refers to an aggregate annotation");
    // An annotation named in another is written out in it: the two depths add up.
    if (const std::uint32_t written = written_depth(resolved, q); written > max_expr_depth)
        throw ValueError("Expression nesting depth " + std::to_string(written) +
                         " of annotation '" + alias + "' of " + q.model->name +
                         " (with the annotations it names written out) exceeds the maximum of " +
                         std::to_string(max_expr_depth) + " (dorm::max_expr_depth)");
    if (q.values_mode) {
        q.values.push_back({alias, [&] {
                                Expr ref;
                                ref.op = Expr::Op::Annotation;
                                ref.name = alias;
                                ref.type = resolved.type;
                                return ref;
                            }()});
        if (resolved.contains_aggregate())
            q.group_by_values = true;
    }
    q.annotations.push_back({std::move(alias), std::move(resolved)});
}

DORM_INLINE void set_values(Query& q, const std::vector<std::string>& names) {
    q.values_mode = true;
    q.values.clear();
    if (names.empty()) { // as Django: a ForeignKey appears as its id ("blog_id")
        for (const auto& f : q.model->fields)
            q.values.push_back(
                {f.is_foreign_key() ? f.name + "_id" : f.name, resolve_expr(F(f.name), q)});
        for (const auto& e : q.extra_select) {
            Expr ref;
            ref.op = Expr::Op::Extra;
            ref.name = e.alias;
            q.values.push_back({e.alias, ref});
        }
        for (const auto& a : q.annotations)
            q.values.push_back({a.name, resolve_expr(F(a.name), q)});
        return;
    }
    JoinScope scope;
    scope.reuse_all = true;
    for (const auto& n : names)
        q.values.push_back({n, resolve_expr(F(n), q, scope)});
}

DORM_INLINE void set_slice(Query& q, std::int64_t start, std::optional<std::int64_t> stop) {
    if (start < 0 || (stop && *stop < 0))
        throw ValueError("Negative indexing is not supported");
    // A slice of a slice narrows the first one, as Django. Offsets add up: past INT64_MAX
    // there is no row to start from (and no OFFSET SQLite or a remote could take).
    std::int64_t new_offset = 0;
    if (__builtin_add_overflow(q.offset, start, &new_offset))
        throw ValueError("Slice start out of range: offset " + std::to_string(q.offset) + " + " +
                         std::to_string(start) + " exceeds " +
                         std::to_string(std::numeric_limits<std::int64_t>::max()) + " (" +
                         q.model->name + ")");
    std::optional<std::int64_t> new_limit;
    if (stop)
        new_limit = std::max<std::int64_t>(0, *stop - start);
    if (q.limit) {
        const std::int64_t remaining = std::max<std::int64_t>(0, *q.limit - start);
        new_limit = new_limit ? std::min(*new_limit, remaining) : remaining;
    }
    q.offset = new_offset;
    q.limit = new_limit;
}

DORM_INLINE void set_deferred(Query& q, const std::vector<std::string>& names, bool only) {
    std::vector<std::uint16_t> named;
    for (const auto& n : names)
        named.push_back(static_cast<std::uint16_t>(q.model->field(n).index));
    if (only) {
        q.deferred.clear();
        for (const auto& f : q.model->fields) {
            const bool kept =
                f.primary_key || std::find(named.begin(), named.end(), f.index) != named.end();
            if (!kept)
                q.deferred.push_back(static_cast<std::uint16_t>(f.index));
        }
    } else {
        for (auto i : named)
            if (!q.model->fields[i].primary_key && !q.is_deferred(i))
                q.deferred.push_back(i);
    }
}

DORM_INLINE int select_related_path(Query& q, std::string_view path) {
    const auto parts = split_path(path);
    const ModelMeta* m = q.model;
    std::uint16_t alias = 0;
    int parent = -1;
    JoinScope scope;
    scope.reuse_all = true;
    for (const auto name : parts) {
        const FieldMeta* f = m->find(name);
        if (!f || !f->is_foreign_key() || f->name != name || f->parent_link) {
            std::vector<std::string> choices;
            for (const auto& field : m->fields)
                if (field.is_foreign_key() && !field.parent_link)
                    choices.push_back(field.name);
            throw FieldError("Invalid field name(s) given in select_related: '" +
                             std::string(name) + "' of " + m->name + suggestion(name, choices) +
                             ". Choices are: " + (choices.empty() ? "(none)" : join(choices)));
        }
        if (!m->owns(*f)) // a parent's ForeignKey: from the parent's table
            alias = owner_alias(q, alias, *f->model, scope);
        alias = follow(q, alias, forward_step(*f), scope);
        ensure_parents(q, alias, scope);
        int found = -1;
        for (std::size_t i = 0; i < q.select_related.size(); ++i)
            if (q.select_related[i].alias == alias)
                found = static_cast<int>(i);
        if (found < 0) {
            q.select_related.push_back({alias, f, parent});
            found = static_cast<int>(q.select_related.size() - 1);
        }
        parent = found;
        m = &f->related_model();
    }
    return parent;
}

DORM_INLINE void select_related_all(Query& q, const ModelMeta& m, const std::string& prefix,
                                    int depth) {
    if (depth <= 0)
        return;
    for (const auto& f : m.fields) {
        if (!f.is_foreign_key() || f.null() || f.parent_link)
            continue;
        const std::string path = prefix.empty() ? f.name : prefix + "__" + f.name;
        select_related_path(q, path);
        select_related_all(q, f.related_model(), path, depth - 1);
    }
}

DORM_INLINE PlaceholderScan scan_placeholders(std::string_view sql) {
    PlaceholderScan out;
    auto id_char = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '_' || c == '$';
    };
    const std::size_t n = sql.size();
    for (std::size_t i = 0; i < n; ++i) {
        const char c = sql[i];
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            const char close = c == '[' ? ']' : c;
            std::size_t j = i + 1;
            for (;; ++j) {
                if (j >= n) {
                    out.problem = std::string("an unterminated ") +
                                  (c == '\'' ? "string literal" : "quoted identifier");
                    return out;
                }
                if (sql[j] != close)
                    continue;
                if (close != ']' && j + 1 < n && sql[j + 1] == close) { // '' "" ``
                    ++j;
                    continue;
                }
                break;
            }
            i = j;
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            const std::size_t eol = sql.find('\n', i);
            if (eol == std::string_view::npos) {
                out.problem = "a -- comment that runs to the end of the statement";
                return out;
            }
            i = eol;
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            const std::size_t close = sql.find("*/", i + 2);
            if (close == std::string_view::npos) {
                out.problem = "an unterminated /* comment";
                return out;
            }
            i = close + 1;
        } else if (c == '?') {
            if (i + 1 < n && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
                out.problem = "a numbered parameter (?NNN)";
                return out;
            }
            ++out.count;
        } else if ((c == ':' || c == '@' || c == '$') && (i == 0 || !id_char(sql[i - 1])) &&
                   i + 1 < n && id_char(sql[i + 1])) {
            out.problem = std::string("a named parameter (") + c + "name)";
            return out;
        } else if (id_char(c)) {
            while (i + 1 < n && id_char(sql[i + 1]))
                ++i;
        }
    }
    return out;
}

DORM_INLINE std::size_t extra_placeholders(const std::string& what, std::string_view sql) {
    PlaceholderScan scan = scan_placeholders(sql);
    if (!scan.problem.empty())
        throw ValueError("extra(" + what + "): the clause '" + std::string(sql) + "' has " +
                         scan.problem + "; use '?' placeholders and complete SQL");
    return scan.count;
}

DORM_INLINE void add_extra(Query& q, const Extra& e) {
    // select_params are shared out to the select clauses in order, one per placeholder, so
    // each clause keeps its own when values() picks or reorders them (as Django's).
    std::size_t next = 0;
    for (const auto& [alias, sql] : e.select) {
        check_alias(alias, *q.model);
        const std::size_t n = extra_placeholders("select", sql);
        if (next + n > e.select_params.size())
            throw ValueError("extra(): the select clauses have more '?' placeholders than the " +
                             std::to_string(e.select_params.size()) + " select_params");
        Values params(e.select_params.begin() + static_cast<std::ptrdiff_t>(next),
                      e.select_params.begin() + static_cast<std::ptrdiff_t>(next + n));
        next += n;
        q.extra_select.push_back({alias, sql, std::move(params)});
    }
    if (next != e.select_params.size())
        throw ValueError("extra(): " + std::to_string(e.select_params.size()) +
                         " select_params for " + std::to_string(next) +
                         " '?' placeholders in the select clauses");
    q.extra_tables.insert(q.extra_tables.end(), e.tables.begin(), e.tables.end());
    if (e.where.empty() && !e.params.empty())
        throw ValueError("extra(): " + std::to_string(e.params.size()) +
                         " params for 0 '?' placeholders (there is no where clause)");
    if (!e.where.empty()) {
        // Every '?' gets a value and every value a '?': SQLite would bind NULL to a '?' left
        // without one, and refuse a value beyond the last.
        std::size_t wanted = 0;
        for (const auto& clause : e.where)
            wanted += extra_placeholders("where", clause);
        if (wanted != e.params.size())
            throw ValueError("extra(where): " + std::to_string(e.params.size()) + " params for " +
                             std::to_string(wanted) + " '?' placeholders in the where clauses ('" +
                             join(e.where, "', '") + "')");
        WhereNode raw;
        raw.kind = WhereNode::Kind::Raw;
        raw.raw_sql = join(e.where, ") AND (");
        raw.raw_params = e.params;
        q.where.children.push_back(std::move(raw));
    }
    if (!e.order_by.empty())
        set_ordering(q, e.order_by);
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
