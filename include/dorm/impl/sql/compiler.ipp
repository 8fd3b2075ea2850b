#pragma once
// Bodies of dorm/sql/compiler.hpp (dorm/detail/config.hpp).
#include "dorm/sql/compiler.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dorm/detail/unicode.hpp"
#include "dorm/tree/resolve.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE void quote_into(std::string& out, std::string_view ident) {
    out += '"';
    for (std::size_t i = 0;;) {
        const std::size_t q = ident.find('"', i);
        if (q == std::string_view::npos) {
            out.append(ident.substr(i));
            break;
        }
        out.append(ident.substr(i, q + 1 - i));
        out += '"';
        i = q + 1;
    }
    out += '"';
}

DORM_INLINE std::string quote(std::string_view ident) {
    std::string out;
    out.reserve(ident.size() + 2);
    quote_into(out, ident);
    return out;
}

DORM_INLINE std::string like_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '%' || c == '_')
            out += '\\';
        out += c;
    }
    return out;
}

DORM_INLINE std::vector<std::string> split_words(std::string_view s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
        std::size_t j = i;
        while (j < s.size() && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
            ++j;
        if (j > i)
            words.emplace_back(s.substr(i, j - i));
        i = j;
    }
    return words;
}

DORM_INLINE QuotedNames& quoted_names_slot(const ModelMeta& m) {
    thread_local std::unordered_map<const ModelMeta*, QuotedNames> cache;
    return cache[&m];
}

DORM_INLINE const QuotedNames& quoted_names(const ModelMeta& m, const Operations& ops) {
    // The model compiled last is checked before the map (queries in a loop use one model).
    thread_local const ModelMeta* last_model = nullptr;
    thread_local QuotedNames* last = nullptr;
    QuotedNames& n = last_model == &m ? *last : quoted_names_slot(m);
    last_model = &m;
    last = &n;
    bool current = n.built && n.ops == &ops && n.raw_table == m.table &&
                   n.raw_columns.size() == m.fields.size();
    for (std::size_t i = 0; current && i < m.fields.size(); ++i)
        current = n.raw_columns[i] == m.fields[i].column;
    if (current)
        return n;
    n = QuotedNames{};
    n.built = true;
    n.ops = &ops;
    n.raw_table = m.table;
    ops.quote_into(n.table, m.table);
    for (const auto& f : m.fields) {
        n.raw_columns.push_back(f.column);
        // A parent's field is in the parent's table, which every query of the model joins
        // under its own name (dorm::detail::init_query).
        std::string col;
        if (f.model && f.model->table != m.table)
            ops.quote_into(col, f.model->table);
        else
            col = n.table;
        col += '.';
        ops.quote_into(col, f.column);
        if (!n.all_columns.empty())
            n.all_columns += ", ";
        n.all_columns += col;
        n.columns.push_back(std::move(col));
    }
    return n;
}

DORM_INLINE std::string Compiler::column(const FieldMeta& f) const {
    std::string out;
    append_column(out, f);
    return out;
}

DORM_INLINE void Compiler::append_column(std::string& out, std::uint16_t alias,
                                         const FieldMeta& f) const {
    if (alias && f.model && &q_.model_of(alias).concrete() != f.model) // a parent's field
        alias = detail::find_owner_alias(q_, alias, *f.model);
    if (!alias)
        return append_column(out, f);
    quote_into(out, q_.joins[alias - 1].alias);
    out += '.';
    quote_into(out, f.column);
}

DORM_INLINE void Compiler::append_column(std::string& out, const FieldMeta& f) const {
    const auto& fields = q_.model->fields;
    if (f.index < fields.size() && &fields[f.index] == &f) {
        out += names_.columns[f.index];
        return;
    }
    out += table_;
    out += '.';
    quote_into(out, f.column);
}

DORM_INLINE std::string Compiler::quote(std::string_view ident) const {
    std::string out;
    out.reserve(ident.size() + 2);
    quote_into(out, ident);
    return out;
}

DORM_INLINE void Compiler::param(std::string& out, Values& params, const Value& v) const {
    out += ops_.placeholder;
    params.push_back(v);
}

DORM_INLINE void Compiler::aggregate_filter(const WhereNode& n, std::string& out, Values& params,
                                            bool alias_refs) const {
    const bool outer = alias_refs_;
    alias_refs_ = alias_refs;
    try {
        if (!where(n, out, params)) { // says nothing: every row
            out += "NOT ";
            out += ops_.false_literal;
        }
    } catch (...) {
        alias_refs_ = outer;
        throw;
    }
    alias_refs_ = outer;
}

DORM_INLINE void Compiler::expr(const Expr& e, std::string& out, Values& params,
                                bool alias_refs) const {
    alias_refs = alias_refs || alias_refs_;
    switch (e.op) {
    case Expr::Op::Field:
        append_column(out, e.alias, *e.field);
        return;
    case Expr::Op::Annotation:
        if (alias_refs) {
            quote_into(out, e.name);
        } else if (auto a = q_.annotation(e.name)) {
            expr(a->expr, out, params);
        }
        return;
    case Expr::Op::Extra:
        quote_into(out, e.name);
        return;
    case Expr::Op::Literal:
        param(out, params, e.value);
        return;
    case Expr::Op::Neg:
        out += "(-";
        expr(e.args[0], out, params, alias_refs);
        out += ')';
        return;
    case Expr::Op::Add:
    case Expr::Op::Sub:
    case Expr::Op::Mul:
    case Expr::Op::Div:
    case Expr::Op::Mod: {
        static constexpr std::string_view arith[] = {" + ", " - ", " * ", " / ", " % "};
        out += '(';
        expr(e.args[0], out, params, alias_refs);
        out += arith[static_cast<int>(e.op) - static_cast<int>(Expr::Op::Add)];
        expr(e.args[1], out, params, alias_refs);
        out += ')';
        return;
    }
    case Expr::Op::Count:
    case Expr::Op::Sum:
    case Expr::Op::Avg:
    case Expr::Op::Min:
    case Expr::Op::Max: {
        static constexpr std::string_view fns[] = {"COUNT(", "SUM(", "AVG(", "MIN(", "MAX("};
        out += fns[static_cast<int>(e.op) - static_cast<int>(Expr::Op::Count)];
        if (e.distinct)
            out += "DISTINCT ";
        // With a filter (never on Count("*")), as Django: the argument where the condition
        // holds, else NULL, when the backend has no FILTER clause. The parameters follow the
        // text: the condition's before the argument's there, after them in FILTER (WHERE).
        const bool case_when = e.filter_where && !ops_.aggregate_filter_clause;
        if (case_when) {
            out += "CASE WHEN ";
            aggregate_filter(*e.filter_where, out, params, alias_refs);
            out += " THEN ";
        }
        if (e.args.empty())
            out += '*';
        else
            expr(e.args[0], out, params, alias_refs);
        if (case_when)
            out += " ELSE NULL END";
        out += ')';
        if (e.filter_where && !case_when) {
            out += " FILTER (WHERE ";
            aggregate_filter(*e.filter_where, out, params, alias_refs);
            out += ')';
        }
        return;
    }
    }
}

DORM_INLINE void Compiler::lhs(const Condition& c, std::string& out, Values& params) const {
    if (c.transforms.empty()) {
        expr(c.lhs, out, params);
        return;
    }
    std::string inner;
    expr(c.lhs, inner, params);
    for (TransformKind t : c.transforms)
        ops_.transform(inner, t);
    out += inner;
}

// A JSONField condition, as Django's json.py writes it for SQLite: a key is
// JSON_EXTRACT(doc, path) (the path bound), compared with JSON_EXTRACT(json_text, '$') for
// exact and in; JSON null is JSON_TYPE(...) = 'null'; has_key and isnull on a key ask
// JSON_TYPE(doc, path) for NULL (no such key).
DORM_INLINE void Compiler::json_condition(const Condition& c, std::string& out,
                                          Values& params) const {
    const bool on_key = !c.json_keys.empty();
    auto call = [&](std::string& s, std::string_view fn, const Value& path) {
        s += fn;
        s += '(';
        expr(c.lhs, s, params);
        s += ", ";
        param(s, params, path);
        s += ')';
    };
    const Value path(on_key ? detail::json_path(c.json_keys) : std::string("$"));
    auto json_param = [&](std::string& s, const Value& text) {
        if (!on_key)
            return param(s, params, text);
        s += ops_.json_extract;
        s += '(';
        param(s, params, text);
        s += ", '$')";
    };
    switch (c.lookup) {
    case LookupKind::HasKey:
    case LookupKind::HasKeys:
    case LookupKind::HasAnyKeys: {
        const Values& paths = c.values();
        if (paths.size() > 1)
            out += '(';
        for (std::size_t i = 0; i < paths.size(); ++i) {
            if (i)
                out += c.lookup == LookupKind::HasAnyKeys ? " OR " : " AND ";
            call(out, ops_.json_type, paths[i]);
            out += " IS NOT NULL";
        }
        if (paths.size() > 1)
            out += ')';
        if (paths.empty())
            out += c.lookup == LookupKind::HasAnyKeys ? ops_.false_literal : "1";
        return;
    }
    case LookupKind::IsNull:
        if (!on_key)
            break;
        call(out, ops_.json_type, path);
        out += c.value().as_bool() ? " IS NULL" : " IS NOT NULL";
        return;
    case LookupKind::Exact:
        if (c.value().is_null()) { // JSON null
            call(out, ops_.json_type, path);
            out += " = ";
            param(out, params, Value("null"));
            return;
        }
        if (on_key)
            call(out, ops_.json_extract, path);
        else
            expr(c.lhs, out, params);
        out += " = ";
        json_param(out, c.value());
        return;
    case LookupKind::In: {
        const Values& vs = c.values();
        if (vs.empty()) {
            out += ops_.false_literal;
            return;
        }
        if (on_key)
            call(out, ops_.json_extract, path);
        else
            expr(c.lhs, out, params);
        out += " IN (";
        for (std::size_t i = 0; i < vs.size(); ++i) {
            if (i)
                out += ", ";
            json_param(out, vs[i]);
        }
        out += ')';
        return;
    }
    default:
        break;
    }
    std::string l;
    if (on_key)
        call(l, ops_.json_extract, path);
    else
        expr(c.lhs, l, params);
    switch (c.lookup) {
    case LookupKind::Gt:
    case LookupKind::Gte:
    case LookupKind::Lt:
    case LookupKind::Lte: {
        static constexpr std::string_view ops[] = {" > ", " >= ", " < ", " <= "};
        out += l;
        out += ops[static_cast<int>(c.lookup) - static_cast<int>(LookupKind::Gt)];
        param(out, params, c.value());
        return;
    }
    case LookupKind::IsNull:
        return is_null(c, l, out);
    case LookupKind::IExact:
        return iexact(c, l, out, params);
    case LookupKind::Regex:
    case LookupKind::IRegex:
        return regex(c, l, out, params);
    default:
        return pattern(c, l, out, params);
    }
}

DORM_INLINE void Compiler::condition(const Condition& c, std::string& out, Values& params) const {
    if (c.lhs_type == ValueType::Json)
        return json_condition(c, out, params);
    // The comparisons write straight into out (no temporary for the left side).
    switch (c.lookup) {
    case LookupKind::Exact:
        return compare(c, 0, out, params);
    case LookupKind::Gt:
        return compare(c, 1, out, params);
    case LookupKind::Gte:
        return compare(c, 2, out, params);
    case LookupKind::Lt:
        return compare(c, 3, out, params);
    case LookupKind::Lte:
        return compare(c, 4, out, params);
    default:
        break;
    }
    std::string l;
    lhs(c, l, params);
    switch (c.lookup) {
    case LookupKind::Exact:
    case LookupKind::Gt:
    case LookupKind::Gte:
    case LookupKind::Lt:
    case LookupKind::Lte:
        return; // written above
    case LookupKind::IExact:
        return iexact(c, l, out, params);
    case LookupKind::Contains:
    case LookupKind::StartsWith:
    case LookupKind::EndsWith:
    case LookupKind::IContains:
    case LookupKind::IStartsWith:
    case LookupKind::IEndsWith:
        return pattern(c, l, out, params);
    case LookupKind::In:
        return in(c, l, out, params);
    case LookupKind::Range:
        return range(c, l, out, params);
    case LookupKind::IsNull:
        return is_null(c, l, out);
    case LookupKind::Regex:
    case LookupKind::IRegex:
        return regex(c, l, out, params);
    case LookupKind::Search:
        return search(c, l, out, params);
    case LookupKind::HasKey: // JSONField: written by json_condition
    case LookupKind::HasKeys:
    case LookupKind::HasAnyKeys:
    case LookupKind::ContainedBy:
        return json_condition(c, out, params);
    }
}

DORM_INLINE void Compiler::compare(const Condition& c, int cmp, std::string& out,
                                   Values& params) const {
    static constexpr std::string_view compare_ops[] = {" = ", " > ", " >= ", " < ", " <= "};
    lhs(c, out, params);
    out += compare_ops[cmp];
    if (const Expr* rhs_expr = std::get_if<Expr>(&c.rhs))
        expr(*rhs_expr, out, params);
    else
        param(out, params, c.value());
}

DORM_INLINE void Compiler::iexact(const Condition& c, const std::string& l, std::string& out,
                                  Values& params) const {
    ops_.fold(out, l);
    out += " = ";
    if (const Expr* rhs_expr = std::get_if<Expr>(&c.rhs)) {
        std::string r;
        expr(*rhs_expr, r, params);
        ops_.fold(out, r);
    } else {
        out += ops_.placeholder;
        params.emplace_back(detail::fold_case(c.value().as_text()));
    }
}

DORM_INLINE void Compiler::pattern(const Condition& c, const std::string& l, std::string& out,
                                   Values& params) const {
    PatternMatch m;
    m.fold = c.lookup == LookupKind::IContains || c.lookup == LookupKind::IStartsWith ||
             c.lookup == LookupKind::IEndsWith;
    m.head = c.lookup != LookupKind::EndsWith && c.lookup != LookupKind::IEndsWith;
    m.tail = c.lookup != LookupKind::StartsWith && c.lookup != LookupKind::IStartsWith;
    if (const Expr* rhs_expr = std::get_if<Expr>(&c.rhs)) {
        // The right side may be written more than once; its parameters are bound each time.
        std::string r;
        Values r_params;
        expr(*rhs_expr, r, r_params);
        const int uses = ops_.pattern_expr(out, l, r, m);
        for (int i = 0; i < uses; ++i)
            params.insert(params.end(), r_params.begin(), r_params.end());
        return;
    }
    const std::string& v = c.value().as_text();
    ops_.pattern_value(out, l, m.fold ? detail::fold_case(v) : v, m, params);
}

DORM_INLINE void Compiler::in(const Condition& c, const std::string& l, std::string& out,
                              Values& params) const {
    if (const Subquery* s = std::get_if<Subquery>(&c.rhs)) {
        Compiled inner = compile_select(*s->query, ops_);
        out += l + " IN (" + inner.text + ")";
        params.insert(params.end(), inner.params.begin(), inner.params.end());
        return;
    }
    const Values& vs = c.values();
    if (vs.empty()) {
        out += ops_.false_literal; // IN () matches nothing
        return;
    }
    out += l + " IN (";
    for (std::size_t i = 0; i < vs.size(); ++i) {
        if (i)
            out += ", ";
        param(out, params, vs[i]);
    }
    out += ')';
}

DORM_INLINE void Compiler::range(const Condition& c, const std::string& l, std::string& out,
                                 Values& params) const {
    out += l;
    out += " BETWEEN ";
    param(out, params, c.values()[0]);
    out += " AND ";
    param(out, params, c.values()[1]);
}

DORM_INLINE void Compiler::is_null(const Condition& c, const std::string& l,
                                   std::string& out) const {
    out += l + (c.value().as_bool() ? " IS NULL" : " IS NOT NULL");
}

DORM_INLINE void Compiler::regex(const Condition& c, const std::string& l, std::string& out,
                                 Values& params) const {
    ops_.regex(out, l, c.lookup == LookupKind::IRegex);
    params.push_back(c.value());
}

DORM_INLINE void Compiler::search(const Condition& c, const std::string& l, std::string& out,
                                  Values& params) const {
    const auto words = split_words(c.value().as_text());
    if (words.empty()) {
        out += l + " IS NOT NULL";
        return;
    }
    out += '(';
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i)
            out += " AND ";
        ops_.pattern_value(out, l, detail::fold_case(words[i]), PatternMatch{true, true, true},
                           params);
    }
    out += ')';
}

DORM_INLINE std::size_t Compiler::members(const std::vector<WhereNode>& children, std::size_t begin,
                                          std::size_t end, std::string_view sep, std::string& out,
                                          Values& params) const {
    const std::size_t n = end - begin;
    std::size_t piece = 1; // q_chunk_size^k: the fewest levels that hold n in chunks
    while (n && piece < (n - 1) / q_chunk_size + 1)
        piece *= q_chunk_size;
    std::size_t written = 0;
    for (std::size_t i = begin; i < end; i += piece) {
        const std::size_t mark = out.size();
        if (written)
            out += sep;
        bool wrote = false;
        if (piece == 1) {
            wrote = where(children[i], out, params);
        } else {
            const std::size_t open = out.size();
            out += '(';
            const std::size_t parts =
                members(children, i, std::min(end, i + piece), sep, out, params);
            if (parts > 1)
                out += ')';
            else if (parts == 1)
                out.erase(open, 1);
            wrote = parts != 0;
        }
        if (!wrote) {
            out.resize(mark); // an empty child wrote no parameters either
            continue;
        }
        ++written;
    }
    return written;
}

DORM_INLINE bool Compiler::where(const WhereNode& n, std::string& out, Values& params) const {
    // Written in place: out is cut back to `start` when the node says nothing.
    const std::size_t start = out.size();
    if (n.negated)
        out += "NOT ";
    switch (n.kind) {
    case WhereNode::Kind::Leaf:
        condition(*n.cond, out, params);
        break;
    case WhereNode::Kind::Raw:
        out += '(';
        out += n.raw_sql;
        out += ')';
        params.insert(params.end(), n.raw_params.begin(), n.raw_params.end());
        break;
    case WhereNode::Kind::And:
    case WhereNode::Kind::Or: {
        const char* sep = n.kind == WhereNode::Kind::And ? " AND " : " OR ";
        const std::size_t open = out.size();
        out += '('; // kept only for more than one part, or under NOT
        const std::size_t written = members(n.children, 0, n.children.size(), sep, out, params);
        if (!written) {
            out.resize(start);
            return false;
        }
        if (written > 1 || n.negated)
            out += ')';
        else
            out.erase(open, 1);
        break;
    }
    }
    return true;
}

DORM_INLINE std::vector<OrderTerm> Compiler::ordering() const {
    std::vector<OrderTerm> terms;
    if (q_.order_by_set) {
        terms = q_.order_by;
    } else if (!q_.has_aggregate_annotation()) {
        for (const auto& spec : q_.model->ordering)
            terms.push_back(detail::resolve_order(spec, q_));
    }
    if (q_.reversed)
        for (auto& t : terms)
            t.descending = !t.descending;
    return terms;
}

DORM_INLINE void Compiler::order_by(std::string& out, Values& params) const {
    if (q_.random_order) {
        out += " ORDER BY ";
        out += ops_.random_order;
        return;
    }
    const auto terms = ordering();
    for (std::size_t i = 0; i < terms.size(); ++i) {
        out += i ? ", " : " ORDER BY ";
        expr(terms[i].expr, out, params, true);
        out += terms[i].descending ? " DESC" : " ASC";
    }
}

DORM_INLINE void Compiler::limit(std::string& out) const {
    ops_.limit_offset(out, q_.limit, q_.offset);
}

DORM_INLINE void Compiler::joins(std::string& out) const {
    for (const Join& j : q_.joins) {
        out += j.outer() ? " LEFT OUTER JOIN " : " INNER JOIN ";
        quote_into(out, j.model->table);
        if (j.alias != j.model->table) {
            out += ' ';
            quote_into(out, j.alias);
        }
        out += " ON (";
        append_column(out, j.parent, *j.parent_field);
        out += " = ";
        quote_into(out, j.alias);
        out += '.';
        quote_into(out, j.field->column);
        out += ')';
    }
}

DORM_INLINE void Compiler::from_where(std::string& out, Values& params) const {
    out += " FROM ";
    out += table_;
    joins(out);
    for (const auto& t : q_.extra_tables) {
        out += ", ";
        quote_into(out, t);
    }
    const std::size_t before_where = out.size();
    out += " WHERE ";
    if (!where(q_.where, out, params))
        out.resize(before_where);
    if (q_.has_aggregate_annotation()) {
        out += " GROUP BY ";
        if (q_.values_mode && q_.group_by_values) {
            std::size_t written = 0;
            for (const auto& v : q_.values) {
                if (q_.uses_aggregate(v.expr))
                    continue;
                if (written++)
                    out += ", ";
                expr(v.expr, out, params);
            }
            if (!written)
                out += "NULL";
        } else {
            append_column(out, q_.model->pk());
        }
    }
    const std::size_t before_having = out.size();
    out += " HAVING ";
    if (!where(q_.having, out, params))
        out.resize(before_having);
}

DORM_INLINE std::vector<const FieldMeta*> Compiler::loaded_fields() const {
    std::vector<const FieldMeta*> out;
    for (const auto& f : q_.model->fields)
        if (!q_.is_deferred(f.index))
            out.push_back(&f);
    return out;
}

DORM_INLINE bool Compiler::selects_field(const FieldMeta* f) const {
    for (const auto& v : q_.values)
        if (v.expr.op == Expr::Op::Field && v.expr.field == f)
            return true;
    return false;
}

DORM_INLINE Compiled Compiler::select() const {
    Compiled c;
    c.text.reserve(128 + 32 * q_.model->fields.size());
    c.text = q_.distinct ? "SELECT DISTINCT " : "SELECT ";
    std::size_t n = 0;
    auto sep = [&] {
        if (n++)
            c.text += ", ";
    };
    if (q_.values_mode) {
        for (const auto& v : q_.values) {
            sep();
            if (v.expr.op == Expr::Op::Extra) {
                extra_select(*q_.extra(v.expr.name), c);
            } else {
                expr(v.expr, c.text, c.params);
                c.text += " AS ";
                quote_into(c.text, v.name);
            }
        }
        // As Django documents under distinct(): the fields the rows are ordered by are
        // selected too (after the values, which are all that is read), so they take part
        // in DISTINCT, Meta.ordering included.
        if (q_.distinct && !q_.random_order)
            for (const OrderTerm& t : ordering())
                if (t.expr.op == Expr::Op::Field && !selects_field(t.expr.field)) {
                    sep();
                    expr(t.expr, c.text, c.params);
                }
    } else {
        if (q_.deferred.empty() && !q_.model->fields.empty()) {
            sep();
            c.text += names_.all_columns;
        } else {
            for (const auto& f : q_.model->fields) {
                if (q_.is_deferred(f.index))
                    continue;
                sep();
                append_column(c.text, f);
            }
        }
        for (const auto& e : q_.extra_select) {
            sep();
            extra_select(e, c);
        }
        for (const auto& a : q_.annotations) {
            sep();
            expr(a.expr, c.text, c.params);
            c.text += " AS ";
            quote_into(c.text, a.name);
        }
        // select_related(): the columns of each related object, after the model's own.
        for (const auto& r : q_.select_related)
            for (const auto& f : q_.joins[r.alias - 1].model->fields) {
                sep();
                append_column(c.text, r.alias, f);
            }
        // As in values(): fields of related tables the rows are ordered by are selected
        // too (last, not read), so they take part in DISTINCT.
        if (q_.distinct && !q_.random_order)
            for (const OrderTerm& t : ordering())
                if (t.expr.op == Expr::Op::Field && t.expr.alias != 0) {
                    sep();
                    expr(t.expr, c.text, c.params);
                }
    }
    from_where(c.text, c.params);
    order_by(c.text, c.params);
    limit(c.text);
    return c;
}

DORM_INLINE void Compiler::extra_select(const ExtraSelect& e, Compiled& c) const {
    c.text += "(" + e.sql + ") AS " + quote(e.alias);
    c.params.insert(c.params.end(), e.params.begin(), e.params.end());
}

DORM_INLINE bool ordering_follows_relations(const ModelMeta& m) {
    for (std::string_view spec : m.ordering) {
        if (spec.starts_with('-') || spec.starts_with('+'))
            spec.remove_prefix(1);
        const FieldMeta* f = m.find(spec);
        if (spec.find("__") != std::string_view::npos ||
            (f && f->is_foreign_key() && f->name == spec))
            return true;
    }
    return false;
}

DORM_INLINE Compiled compile_select(const Query& q, const Operations& ops) {
    // Meta.ordering across relations needs joins: resolved on a copy of the query.
    if (!q.order_by_set && !q.has_aggregate_annotation() && ordering_follows_relations(*q.model)) {
        Query ordered = q;
        ordered.order_by_set = true;
        for (const auto& spec : q.model->ordering)
            for (auto& t : detail::resolve_order_terms(spec, ordered))
                ordered.order_by.push_back(std::move(t));
        return Compiler(ordered, ops).select();
    }
    return Compiler(q, ops).select();
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
