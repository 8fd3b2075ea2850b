#pragma once
// The SQLite compiler: reads a resolved Query (never a lookup string) and writes SQL text
// with every value as a bound parameter. Identifiers come only from model metadata.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/detail/unicode.hpp"
#include "dorm/tree/query.hpp"
#include "dorm/tree/resolve.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

struct Compiled {
    std::string text;
    Values params;
};

// Appends ident as a quoted identifier ("a""b" for a"b), with no temporary string.
inline void quote_into(std::string& out, std::string_view ident) {
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

inline std::string quote(std::string_view ident) {
    std::string out;
    out.reserve(ident.size() + 2);
    quote_into(out, ident);
    return out;
}

// LIKE pattern text: '\' escapes itself, '%' and '_'.
inline std::string like_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '%' || c == '_')
            out += '\\';
        out += c;
    }
    return out;
}

// GLOB pattern text: '*', '?' and '[' each become a one-character class.
inline std::string glob_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '*' || c == '?' || c == '[') {
            out += '[';
            out += c;
            out += ']';
        } else {
            out += c;
        }
    }
    return out;
}

inline std::vector<std::string> split_words(std::string_view s) {
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

Compiled compile_select(const Query& q);

// A model's table and columns as quoted SQL, built once per model (and thread) instead of on
// every query. The raw names are kept to notice a different model at a reused address.
struct QuotedNames {
    bool built = false;
    std::string raw_table;
    std::vector<std::string> raw_columns;
    std::string table;                // "article"
    std::vector<std::string> columns; // "article"."id", ... by field index
    std::string all_columns;          // every column, ", "-separated, in field order
};

inline QuotedNames& quoted_names_slot(const ModelMeta& m) {
    thread_local std::unordered_map<const ModelMeta*, QuotedNames> cache;
    return cache[&m];
}

inline const QuotedNames& quoted_names(const ModelMeta& m) {
    // The model compiled last is checked before the map (queries in a loop use one model).
    thread_local const ModelMeta* last_model = nullptr;
    thread_local QuotedNames* last = nullptr;
    QuotedNames& n = last_model == &m ? *last : quoted_names_slot(m);
    last_model = &m;
    last = &n;
    bool current = n.built && n.raw_table == m.table && n.raw_columns.size() == m.fields.size();
    for (std::size_t i = 0; current && i < m.fields.size(); ++i)
        current = n.raw_columns[i] == m.fields[i].column;
    if (current)
        return n;
    n = QuotedNames{};
    n.built = true;
    n.raw_table = m.table;
    n.table = quote(m.table);
    for (const auto& f : m.fields) {
        n.raw_columns.push_back(f.column);
        std::string col = n.table + '.';
        quote_into(col, f.column);
        if (!n.all_columns.empty())
            n.all_columns += ", ";
        n.all_columns += col;
        n.columns.push_back(std::move(col));
    }
    return n;
}

class Compiler {
public:
    explicit Compiler(const Query& q)
        : q_(q), names_(quoted_names(*q.model)), table_(names_.table) {}

    std::string column(const FieldMeta& f) const {
        std::string out;
        append_column(out, f);
        return out;
    }
    // "alias"."column" of a joined table.
    void append_column(std::string& out, std::uint16_t alias, const FieldMeta& f) const {
        if (!alias)
            return append_column(out, f);
        quote_into(out, q_.joins[alias - 1].alias);
        out += '.';
        quote_into(out, f.column);
    }
    // "table"."column", appended in place (the compiler's most frequent output).
    void append_column(std::string& out, const FieldMeta& f) const {
        const auto& fields = q_.model->fields;
        if (f.index < fields.size() && &fields[f.index] == &f) {
            out += names_.columns[f.index];
            return;
        }
        out += table_;
        out += '.';
        quote_into(out, f.column);
    }

    void expr(const Expr& e, std::string& out, Values& params, bool alias_refs = false) const {
        switch (e.op) {
        case Expr::Op::Field:
            append_column(out, e.alias, *e.field);
            return;
        case Expr::Op::Annotation:
            if (alias_refs) {
                out += quote(e.name);
            } else if (auto a = q_.annotation(e.name)) {
                expr(a->expr, out, params);
            }
            return;
        case Expr::Op::Extra:
            out += quote(e.name);
            return;
        case Expr::Op::Literal:
            out += '?';
            params.push_back(e.value);
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
            static constexpr std::string_view ops[] = {" + ", " - ", " * ", " / ", " % "};
            out += '(';
            expr(e.args[0], out, params, alias_refs);
            out += ops[static_cast<int>(e.op) - static_cast<int>(Expr::Op::Add)];
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
            if (e.args.empty())
                out += '*';
            else
                expr(e.args[0], out, params, alias_refs);
            out += ')';
            return;
        }
        }
    }

    void lhs(const Condition& c, std::string& out, Values& params) const {
        if (c.transforms.empty()) {
            expr(c.lhs, out, params);
            return;
        }
        std::string inner;
        expr(c.lhs, inner, params);
        for (TransformKind t : c.transforms) {
            const std::string k = std::to_string(static_cast<int>(t));
            if (t == TransformKind::Date || t == TransformKind::Time)
                inner = "dorm_cast(" + k + ", " + inner + ")";
            else
                inner = "dorm_extract(" + k + ", " + inner + ")";
        }
        out += inner;
    }

    void condition(const Condition& c, std::string& out, Values& params) const {
        const Expr* rhs_expr = std::get_if<Expr>(&c.rhs);
        // The comparisons write straight into out (no temporary for the left side).
        static constexpr std::string_view compare_ops[] = {" = ", " > ", " >= ", " < ", " <= "};
        int cmp = -1;
        switch (c.lookup) {
        case LookupKind::Exact:
            cmp = 0;
            break;
        case LookupKind::Gt:
            cmp = 1;
            break;
        case LookupKind::Gte:
            cmp = 2;
            break;
        case LookupKind::Lt:
            cmp = 3;
            break;
        case LookupKind::Lte:
            cmp = 4;
            break;
        default:
            break;
        }
        if (cmp >= 0) {
            lhs(c, out, params);
            out += compare_ops[cmp];
            if (rhs_expr) {
                expr(*rhs_expr, out, params);
            } else {
                out += '?';
                params.push_back(c.value());
            }
            return;
        }
        std::string l;
        lhs(c, l, params);
        auto rhs = [&](std::string& o) {
            if (rhs_expr) {
                expr(*rhs_expr, o, params);
            } else {
                o += '?';
                params.push_back(c.value());
            }
        };
        auto pattern = [&](std::string_view op, std::string pat) {
            out += l;
            out += op;
            out += '?';
            params.emplace_back(std::move(pat));
        };
        auto folded = [&]() { return detail::fold_case(c.value().as_text()); };
        switch (c.lookup) {
        case LookupKind::Exact:
        case LookupKind::Gt:
        case LookupKind::Gte:
        case LookupKind::Lt:
        case LookupKind::Lte:
            return; // written above
        case LookupKind::IExact:
            out += "dorm_fold(" + l + ") = ";
            if (rhs_expr) {
                out += "dorm_fold(";
                rhs(out);
                out += ')';
            } else {
                out += '?';
                params.emplace_back(folded());
            }
            return;
        case LookupKind::Contains:
        case LookupKind::StartsWith:
        case LookupKind::EndsWith:
        case LookupKind::IContains:
        case LookupKind::IStartsWith:
        case LookupKind::IEndsWith: {
            const bool fold = c.lookup == LookupKind::IContains ||
                              c.lookup == LookupKind::IStartsWith ||
                              c.lookup == LookupKind::IEndsWith;
            const bool head = c.lookup != LookupKind::EndsWith && c.lookup != LookupKind::IEndsWith;
            const bool tail =
                c.lookup != LookupKind::StartsWith && c.lookup != LookupKind::IStartsWith;
            if (rhs_expr)
                return pattern_expr(c, fold, head, tail, l, out, params);
            if (c.value().as_text().find('\0') != std::string::npos)
                return pattern_bytes(fold ? folded() : c.value().as_text(), fold, head, tail, l,
                                     out, params);
            if (fold) {
                l = "dorm_fold(" + l + ")";
                pattern(" LIKE ", (tail ? "%" : "") + like_escape(folded()) + (head ? "%" : ""));
                out += " ESCAPE '\\'";
            } else {
                const std::string& v = c.value().as_text();
                pattern(" GLOB ", (tail ? "*" : "") + glob_escape(v) + (head ? "*" : ""));
            }
            return;
        }
        case LookupKind::In: {
            if (const Subquery* s = std::get_if<Subquery>(&c.rhs)) {
                Compiled inner = compile_select(*s->query);
                out += l + " IN (" + inner.text + ")";
                params.insert(params.end(), inner.params.begin(), inner.params.end());
                return;
            }
            const Values& vs = c.values();
            if (vs.empty()) {
                out += '0'; // IN () matches nothing
                return;
            }
            out += l + " IN (";
            for (std::size_t i = 0; i < vs.size(); ++i) {
                out += i ? ", ?" : "?";
                params.push_back(vs[i]);
            }
            out += ')';
            return;
        }
        case LookupKind::Range:
            out += l + " BETWEEN ? AND ?";
            params.push_back(c.values()[0]);
            params.push_back(c.values()[1]);
            return;
        case LookupKind::IsNull:
            out += l + (c.value().as_bool() ? " IS NULL" : " IS NOT NULL");
            return;
        case LookupKind::Regex:
        case LookupKind::IRegex:
            out += "dorm_regexp(" + l + ", ?, " + (c.lookup == LookupKind::IRegex ? "1)" : "0)");
            params.push_back(c.value());
            return;
        case LookupKind::Search: {
            const auto words = split_words(c.value().as_text());
            if (words.empty()) {
                out += l + " IS NOT NULL";
                return;
            }
            out += '(';
            for (std::size_t i = 0; i < words.size(); ++i) {
                if (i)
                    out += " AND ";
                if (words[i].find('\0') != std::string::npos) {
                    pattern_bytes(detail::fold_case(words[i]), true, true, true, l, out, params);
                    continue;
                }
                out += "dorm_fold(" + l + ") LIKE ? ESCAPE '\\'";
                params.emplace_back("%" + like_escape(detail::fold_case(words[i])) + "%");
            }
            out += ')';
            return;
        }
        }
    }

    // contains/startswith/endswith of a value holding NUL: LIKE and GLOB stop at a NUL in
    // the pattern (matching rows they should not), so the bytes are compared whole, as
    // blobs: instr for contains, substr for the ends. value: folded already when fold.
    void pattern_bytes(const std::string& value, bool fold, bool head, bool tail,
                       const std::string& l, std::string& out, Values& params) const {
        const std::string L = "CAST(" + (fold ? "dorm_fold(" + l + ")" : l) + " AS BLOB)";
        if (head && tail) {
            out += "instr(" + L + ", ?) > 0";
        } else {
            out += head ? "substr(" + L + ", 1, ?) = ?" : "substr(" + L + ", -?) = ?";
            params.emplace_back(static_cast<std::int64_t>(value.size()));
        }
        params.emplace_back(Blob(value.begin(), value.end()));
    }

    // contains/startswith/endswith against another column: instr and substr, no patterns.
    // The right side is written more than once; its parameters are bound each time.
    void pattern_expr(const Condition& c, bool fold, bool head, bool tail, const std::string& l,
                      std::string& out, Values& params) const {
        std::string r;
        Values r_params;
        expr(std::get<Expr>(c.rhs), r, r_params);
        const std::string L = fold ? "dorm_fold(" + l + ")" : l;
        const std::string R = fold ? "dorm_fold(" + r + ")" : r;
        int uses = 1;
        if (head && tail) {
            out += "instr(" + L + ", " + R + ") > 0";
        } else if (head) {
            out += "substr(" + L + ", 1, length(" + R + ")) = " + R;
            uses = 2;
        } else {
            out += "(substr(" + L + ", -length(" + R + ")) = " + R + " OR length(" + R + ") = 0)";
            uses = 3;
        }
        for (int i = 0; i < uses; ++i)
            params.insert(params.end(), r_params.begin(), r_params.end());
    }

    // The members [begin, end) of a group, joined by sep; returns how many parts were written.
    // SQLite refuses an expression more than 1000 deep and `a OR b OR ...` is as deep as it
    // is long, so more than q_chunk_size members are written as parenthesised chunks of at
    // most q_chunk_size (chunks of chunks when wider): chunk_levels() more levels of nesting.
    std::size_t members(const std::vector<WhereNode>& children, std::size_t begin, std::size_t end,
                        std::string_view sep, std::string& out, Values& params) const {
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

    // Returns false when the node says nothing (an empty AND): the caller leaves it out.
    bool where(const WhereNode& n, std::string& out, Values& params) const {
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

    // The ordering that applies: order_by(), else Meta.ordering (not for GROUP BY queries,
    // as Django 3.1+), reversed by reverse().
    std::vector<OrderTerm> ordering() const {
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

    void order_by(std::string& out, Values& params) const {
        if (q_.random_order) {
            out += " ORDER BY RANDOM()";
            return;
        }
        const auto terms = ordering();
        for (std::size_t i = 0; i < terms.size(); ++i) {
            out += i ? ", " : " ORDER BY ";
            expr(terms[i].expr, out, params, true);
            out += terms[i].descending ? " DESC" : " ASC";
        }
    }

    void limit(std::string& out) const {
        if (q_.limit) {
            out += " LIMIT ";
            out += std::to_string(*q_.limit);
        } else if (q_.offset) {
            out += " LIMIT -1";
        }
        if (q_.offset) {
            out += " OFFSET ";
            out += std::to_string(q_.offset);
        }
    }

    // The joins that follow relations, in the order they were made (a join's parent first).
    void joins(std::string& out) const {
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

    // FROM, WHERE, GROUP BY and HAVING of a SELECT.
    void from_where(std::string& out, Values& params) const {
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

    // The columns of a model row: loaded fields, then extra(select), then annotations.
    std::vector<const FieldMeta*> loaded_fields() const {
        std::vector<const FieldMeta*> out;
        for (const auto& f : q_.model->fields)
            if (!q_.is_deferred(f.index))
                out.push_back(&f);
        return out;
    }

    // Is the field among the values() of the query?
    bool selects_field(const FieldMeta* f) const {
        for (const auto& v : q_.values)
            if (v.expr.op == Expr::Op::Field && v.expr.field == f)
                return true;
        return false;
    }

    Compiled select() const {
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

    void extra_select(const ExtraSelect& e, Compiled& c) const {
        c.text += "(" + e.sql + ") AS " + quote(e.alias);
        c.params.insert(c.params.end(), e.params.begin(), e.params.end());
    }

    const std::string& table() const noexcept { return table_; }

private:
    const Query& q_;
    const QuotedNames& names_;
    const std::string& table_;
};

// Does Meta.ordering follow a relation ("blog__name", or a ForeignKey's own name)?
inline bool ordering_follows_relations(const ModelMeta& m) {
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

inline Compiled compile_select(const Query& q) {
    // Meta.ordering across relations needs joins: resolved on a copy of the query.
    if (!q.order_by_set && !q.has_aggregate_annotation() && ordering_follows_relations(*q.model)) {
        Query ordered = q;
        ordered.order_by_set = true;
        for (const auto& spec : q.model->ordering)
            for (auto& t : detail::resolve_order_terms(spec, ordered))
                ordered.order_by.push_back(std::move(t));
        return Compiler(ordered).select();
    }
    return Compiler(q).select();
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
