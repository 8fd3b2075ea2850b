#pragma once
// Bodies of dorm/tree/resolve.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "dorm/core/coerce.hpp"
#include "dorm/core/errors.hpp"
#include "dorm/core/json.hpp"
#include "dorm/detail/json.hpp"
#include "dorm/detail/names.hpp"
#include "dorm/detail/regex.hpp"
#include "dorm/detail/unicode.hpp"
#include "dorm/tree/resolve.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE std::vector<std::string_view> split_path(std::string_view key) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto pos = key.find("__", start);
        if (pos == std::string_view::npos) {
            parts.push_back(key.substr(start));
            return parts;
        }
        parts.push_back(key.substr(start, pos - start));
        start = pos + 2;
    }
}

DORM_INLINE std::vector<std::string> name_choices(const Query& q) {
    auto names = path_choices(*q.model);
    names.emplace_back("pk");
    for (const auto& a : q.annotations)
        names.push_back(a.name);
    for (const auto& e : q.extra_select)
        names.push_back(e.alias);
    return names;
}

[[noreturn]] DORM_INLINE void unknown_name(const Query& q, std::string_view name) {
    const auto choices = name_choices(q);
    throw FieldError("Cannot resolve keyword '" + std::string(name) + "' into field of " +
                     q.model->name + suggestion(name, choices) + ". Choices are: " + join(choices) +
                     field_below(*q.model, name));
}

DORM_INLINE Expr resolve_expr(const Expr& in, const Query& q) {
    return resolve_expr(in, q, nullptr, nullptr);
}
DORM_INLINE Expr resolve_expr(const Expr& in, Query& q, JoinScope& scope) {
    return resolve_expr(in, q, &q, &scope);
}

DORM_INLINE std::string aggregate_name(Expr::Op op) {
    switch (op) {
    case Expr::Op::Count:
        return "Count";
    case Expr::Op::Sum:
        return "Sum";
    case Expr::Op::Avg:
        return "Avg";
    case Expr::Op::Min:
        return "Min";
    case Expr::Op::Max:
        return "Max";
    default:
        return "an expression";
    }
}

// Does a resolved condition hold an aggregate expression itself (not through an annotation)?
DORM_INLINE bool holds_aggregate(const WhereNode& n) {
    if (n.kind == WhereNode::Kind::Leaf) {
        if (n.cond->lhs.contains_aggregate())
            return true;
        const Expr* rhs = std::get_if<Expr>(&n.cond->rhs);
        return rhs && rhs->contains_aggregate();
    }
    for (const auto& c : n.children)
        if (holds_aggregate(c))
            return true;
    return false;
}

// "Count('entry')", for messages.
DORM_INLINE std::string aggregate_call(const Expr& e) {
    return aggregate_name(e.op) + "('" + (e.args.empty() ? std::string("*") : e.args[0].name) +
           "')";
}

// An aggregate's filter (Django's filter=Q(...)), resolved as Django resolves a Q used as an
// expression: its names may cross relations, whose joins are added to the query and left
// optional (not required: a join that may find no row stays a LEFT OUTER JOIN, so that the
// condition drops no row of the query); a negated condition across a multi-valued relation
// stays on the join (no subquery); and it holds no aggregate. Without a query to add joins
// to (mq == nullptr), a name across a relation is refused, as other joined references are.
DORM_INLINE std::shared_ptr<const WhereNode> resolve_aggregate_filter(const Expr& e, const Query& q,
                                                                      Query* mq, JoinScope* scope) {
    WhereNode w;
    if (mq) {
        JoinScope fs = *scope;
        fs.split_subq = false;
        w = resolve_q(*e.filter, *mq, false, fs);
        scope->reusable = std::move(fs.reusable);
    } else {
        Query copy = q;
        JoinScope fs;
        fs.reuse_all = true;
        fs.split_subq = false;
        w = resolve_q(*e.filter, copy, false, fs);
        if (copy.joins.size() != q.joins.size())
            throw FieldError("Joined field references are not permitted in this query: the "
                             "filter of " +
                             aggregate_call(e) + " of " + q.model->name);
    }
    if (holds_aggregate(w))
        throw FieldError("Cannot compute " + aggregate_call(e) + " of " + q.model->name +
                         ": its filter holds an aggregate");
    if (w.empty())
        return nullptr;
    return std::make_shared<const WhereNode>(std::move(w));
}

DORM_INLINE Expr resolve_expr(const Expr& in, const Query& q, Query* mq, JoinScope* scope) {
    Expr e = in;
    switch (e.op) {
    case Expr::Op::Field: {
        const FieldMeta* f = q.model->find(e.name);
        if (f) {
            e.field = f;
            e.name = f->name;
            e.type = f->value_type();
        } else if (auto a = q.annotation(e.name)) {
            e.op = Expr::Op::Annotation;
            e.type = a->expr.type;
        } else if (q.extra(e.name)) {
            e.op = Expr::Op::Extra;
            e.type = ValueType::Real;
        } else {
            const auto parts = split_path(e.name);
            if (parts.size() == 1 && !names_field(*q.model, parts[0]))
                unknown_name(q, e.name);
            if (!mq)
                throw FieldError("Joined field references are not permitted in this query: '" +
                                 e.name + "' of " + q.model->name);
            PathEnd end = walk_path(mq, *q.model, parts, *scope, e.name);
            if (end.used != parts.size() && end.related)
                no_such_path_name(*end.related, parts[end.used], e.name);
            if (end.used != parts.size())
                throw FieldError("Cannot resolve '" + e.name + "' into a field of " +
                                 q.model->name + ": '" + std::string(parts[end.used]) +
                                 "' is not a field of the related model");
            return end.field;
        }
        return e;
    }
    case Expr::Op::Annotation:
    case Expr::Op::Extra:
        return e;
    case Expr::Op::Literal:
        switch (e.value.kind()) {
        case Value::Kind::Integer:
            e.type = ValueType::Integer;
            break;
        case Value::Kind::Real:
            e.type = ValueType::Real;
            break;
        case Value::Kind::Bool:
            e.type = ValueType::Bool;
            break;
        case Value::Kind::Date:
            e.type = ValueType::Date;
            break;
        case Value::Kind::DateTime:
            e.type = ValueType::DateTime;
            break;
        case Value::Kind::Time:
            e.type = ValueType::Time;
            break;
        case Value::Kind::Decimal:
            e.type = ValueType::Decimal;
            break;
        case Value::Kind::Uuid:
            e.type = ValueType::Uuid;
            break;
        case Value::Kind::Blob:
            e.type = ValueType::Binary;
            break;
        case Value::Kind::Duration:
            e.type = ValueType::Duration;
            break;
        default:
            e.type = ValueType::Text;
            break;
        }
        return e;
    default:
        break;
    }
    // Only Count takes "*" (an aggregate with no argument): SUM(*), AVG(*), ... are not SQL.
    if (e.is_aggregate() && e.args.empty() && e.op != Expr::Op::Count)
        throw FieldError(aggregate_name(e.op) + "('*') of " + q.model->name +
                         ": only Count takes '*'; name a field");
    if (e.op == Expr::Op::Count && e.args.empty() && e.distinct)
        throw FieldError("Count('*', distinct) of " + q.model->name +
                         ": DISTINCT needs a field; name one");
    for (auto& a : e.args) {
        a = resolve_expr(a, q, mq, scope);
        if (e.is_aggregate() && a.contains_aggregate())
            throw FieldError("Cannot compute an aggregate of an aggregate ('" + a.name + "')");
    }
    if (e.filter && !e.filter_where)
        e.filter_where = resolve_aggregate_filter(e, q, mq, scope);
    switch (e.op) {
    case Expr::Op::Count:
        e.type = ValueType::Integer;
        break;
    case Expr::Op::Avg:
        e.type = ValueType::Real;
        break;
    case Expr::Op::Sum:
    case Expr::Op::Min:
    case Expr::Op::Max:
        e.type = e.args.at(0).type;
        break;
    case Expr::Op::Div:
    case Expr::Op::Add:
    case Expr::Op::Sub:
    case Expr::Op::Mul:
    case Expr::Op::Mod:
        e.type = (e.args[0].type == ValueType::Real || e.args[1].type == ValueType::Real)
                     ? ValueType::Real
                     : e.args[0].type;
        break;
    case Expr::Op::Neg:
        e.type = e.args[0].type;
        break;
    default:
        break;
    }
    return e;
}

// Text that reaches SQL must be UTF-8: SQLite compares and matches other bytes
// unpredictably (a lone 0xc3 as a prefix of 0xff 0xfe), and JSON cannot carry them.
template <class What>
const Value& checked_text(const Value& v, const What& what) {
    if (std::string p = utf8_problem(v.as_text()); !p.empty())
        throw ValueError(what() + ": " + p);
    return v;
}

// Converts a query value to the type it is compared with, as Django's get_prep_value
// (dorm/core/coerce.hpp); the message names `what`.
DORM_INLINE Value prepare_value(const Value& v, ValueType t, const std::string& what) {
    auto where = [&] { return what; };
    return coerce(v, CoerceTarget{t, false, where, where});
}

DORM_INLINE bool expr_nullable(const Expr& e, const Query& q) {
    if (e.op == Expr::Op::Field)
        return (e.field && e.field->null()) || (e.alias && q.joins[e.alias - 1].outer());
    if (e.op == Expr::Op::Annotation || e.op == Expr::Op::Extra)
        return true;
    if (e.is_aggregate())
        return e.op != Expr::Op::Count;
    for (const auto& a : e.args)
        if (expr_nullable(a, q))
            return true;
    return false;
}

DORM_INLINE WhereNode is_not_null(const Expr& e) {
    Condition c;
    c.lhs = e;
    c.lhs_type = e.type;
    c.lookup = LookupKind::IsNull;
    c.rhs = Value(false);
    return WhereNode::leaf(std::move(c));
}

DORM_INLINE void reject_extra_alias(const Expr& e, const Query& q) {
    if (e.op == Expr::Op::Extra)
        throw FieldError("Cannot use extra(select) alias '" + e.name + "' of " + q.model->name +
                         " in a condition or update(); use extra(where) or the SQL itself");
    for (const auto& a : e.args)
        reject_extra_alias(a, q);
}

DORM_INLINE void require_alias(Query& q, std::uint16_t alias) {
    for (; alias; alias = q.joins[alias - 1].parent)
        q.joins[alias - 1].required = true;
}
DORM_INLINE void require_joins(const WhereNode& n, Query& q) {
    if (n.negated)
        return;
    if (n.kind == WhereNode::Kind::And) {
        for (const auto& child : n.children)
            require_joins(child, q);
        return;
    }
    if (n.kind != WhereNode::Kind::Leaf)
        return;
    const Condition& c = *n.cond;
    if (c.lookup == LookupKind::IsNull && c.value().as_bool())
        return;
    if (c.lhs.op == Expr::Op::Field)
        require_alias(q, c.lhs.alias);
    if (const Expr* rhs = std::get_if<Expr>(&c.rhs); rhs && rhs->op == Expr::Op::Field)
        require_alias(q, rhs->alias);
}

DORM_INLINE void select_primary_keys(Query& q) {
    q.values_mode = true;
    q.values = {{"pk", resolve_expr(F("pk"), q)}};
    q.order_by_set = true;
    q.order_by.clear();
    q.random_order = false;
}

DORM_INLINE WhereNode related_rows_subquery(const Kwarg& kv, const Query& q) {
    auto inner = std::make_shared<Query>();
    init_query(*inner, *q.model);
    JoinScope inner_scope;
    inner->where.children.push_back(resolve_condition(kv, *inner, false, inner_scope));
    require_joins(inner->where.children.back(), *inner);
    select_primary_keys(*inner);
    Condition c;
    c.lhs = resolve_expr(F("pk"), q);
    c.lhs_type = c.lhs.type;
    c.lookup = LookupKind::In;
    c.rhs = Subquery{std::move(inner)};
    return WhereNode::leaf(std::move(c));
}

// The left-hand side of one condition, its names resolved: the column (or annotation or
// extra alias) compared, and where the transforms and lookup of the path begin.
struct ConditionLhs {
    Expr expr;
    std::size_t first_lookup = 1;       // the part after the names of fields and relations
    bool at_relation = false;           // the path ends at a relation (compared by key)
    const ModelMeta* related = nullptr; // at_relation: the model reached
};

// Does the path cross a multi-valued relation? Only tells; adds no join to the query.
DORM_INLINE bool crosses_multi_valued(const Query& q, const std::vector<std::string_view>& parts,
                                      std::string_view key) {
    bool crosses_many = false;
    JoinScope dry;
    walk_path(nullptr, *q.model, parts, dry, key, &crosses_many);
    return crosses_many;
}

// The names of a condition's path: an annotation or extra(select) alias (when the first name
// is not one of the model's), or fields and relations from the query's model, whose joins are
// added to q. `own_name`: the first name is a field or relation of the model.
DORM_INLINE ConditionLhs resolve_condition_lhs(Query& q, const std::vector<std::string_view>& parts,
                                               bool own_name, JoinScope& scope,
                                               std::string_view key) {
    ConditionLhs out;
    if (!own_name) {
        out.expr = resolve_expr(F(std::string(parts[0])), q);
        return out;
    }
    PathEnd end = walk_path(&q, *q.model, parts, scope, key);
    out.expr = std::move(end.field);
    out.first_lookup = end.used;
    out.at_relation = end.ends_at_relation;
    out.related = end.related;
    return out;
}

// The field (or alias) a condition is on, for messages: "Entry.rating".
DORM_INLINE std::string condition_subject(const Condition& c, const Query& q) {
    return c.field() ? c.field()->qualified_name() : q.model->name + "." + c.lhs.name;
}

// The condition and its lookup, for messages: "Entry.rating lookup 'gt'".
DORM_INLINE std::string condition_lookup_name(const Condition& c, const LookupDef& lookup,
                                              const Query& q) {
    return condition_subject(c, q) + (c.transforms.empty() ? "" : " (transformed)") + " lookup '" +
           std::string(lookup.name) + "'";
}

// Does the condition compare a relation ("blog", "blog_id", a child's "pk", a reverse
// relation), not a field of the related model ("blog__id", "blog__pk": the same column)? As
// Django's related fields, it takes only the lookups that compare keys; the text lookups
// every other field has (contains, regex...) are FieldErrors there.
DORM_INLINE bool on_relation(const Condition& c, const ConditionLhs& lhs,
                             const std::vector<std::string_view>& parts) {
    if (lhs.at_relation)
        return true;
    const FieldMeta* f = c.field();
    if (!f || !f->is_foreign_key() || lhs.first_lookup == 0)
        return false;
    const std::string_view last = parts[lhs.first_lookup - 1];
    if (lhs.first_lookup == 1)
        return true; // "blog_id", or "pk" of a model whose key is its parent link
    return last != "pk" && last != f->related_model().pk().name;
}
DORM_INLINE bool relation_lookup(LookupKind k) {
    switch (k) {
    case LookupKind::Exact:
    case LookupKind::In:
    case LookupKind::Gt:
    case LookupKind::Gte:
    case LookupKind::Lt:
    case LookupKind::Lte:
    case LookupKind::Range:
    case LookupKind::IsNull:
        return true;
    default:
        return false;
    }
}

// The transforms and the lookup that follow the names of a condition's path ("year",
// "gte"): the transforms are added to c and c.lhs_type becomes their output type. A path
// that names no lookup means exact.
DORM_INLINE const LookupDef& resolve_lookup(Condition& c, const Query& q,
                                            const std::vector<std::string_view>& parts,
                                            const ConditionLhs& lhs, std::string_view key) {
    for (std::size_t i = lhs.first_lookup; i < parts.size(); ++i) {
        const bool last = i + 1 == parts.size();
        if (last)
            if (const LookupDef* lookup = find_lookup(parts[i], c.lhs_type)) {
                if (c.transforms.empty() && on_relation(c, lhs, parts) &&
                    !relation_lookup(lookup->kind))
                    throw FieldError("Related Field got invalid lookup: " + std::string(parts[i]) +
                                     " (" + condition_subject(c, q) +
                                     " is a relation: exact, in, gt, gte, lt, lte, range, isnull)");
                return *lookup;
            }
        if (auto t = find_transform(parts[i], c.lhs_type)) {
            c.transforms.push_back(t->kind);
            c.lhs_type = t->output;
            continue;
        }
        const auto choices = lookup_choices(c.lhs_type);
        if (lhs.related &&
            i == lhs.first_lookup) { // "entry__hedline": a field or a lookup was meant
            auto fields = path_choices(*lhs.related);
            fields.emplace_back("pk");
            auto all = fields;
            all.insert(all.end(), choices.begin(), choices.end());
            throw FieldError("Cannot resolve keyword '" + std::string(parts[i]) +
                             "' into field of " + lhs.related->name + " (in '" + std::string(key) +
                             "')" + suggestion(parts[i], all) + ". Choices are: " + join(fields) +
                             "; or a lookup of " + condition_subject(c, q) + ": " + join(choices));
        }
        throw FieldError("Unsupported lookup '" + std::string(parts[i]) + "' for " +
                         condition_subject(c, q) + " (" + std::string(value_type_name(c.lhs_type)) +
                         ")" + suggestion(parts[i], choices) + ". Choices are: " + join(choices));
    }
    return *find_lookup("exact", c.lhs_type);
}

// A model instance, or a queryset of objects, stands for primary keys: of the related
// model when the path ends at a ForeignKey, else of the model the column belongs to.
DORM_INLINE const ModelMeta* key_model(const Condition& c, const Query& q, bool at_relation) {
    const FieldMeta* f = c.field();
    const ModelMeta& here = q.model_of(c.lhs.alias);
    if (f && f->is_foreign_key() && f != &here.pk())
        return &f->related_model();
    if (f && (f == &here.pk() || at_relation))
        return &here;
    return nullptr;
}

// A model instance given as the value must be of the model whose keys are compared, and saved.
DORM_INLINE void check_instance_value(const Arg& arg, const Condition& c, const LookupDef& lookup,
                                      const Query& q, bool at_relation) {
    const ModelMeta* given = arg.instance_model();
    if (!given)
        return;
    const ModelMeta* wanted = key_model(c, q, at_relation);
    // A proxy's, or a child's (multi-table: the same key), is one of the wanted model's too.
    if (given != wanted && !(wanted && given->extends(*wanted)))
        throw ValueError("Cannot query \"" + given->name + "\": Must be \"" +
                         (wanted ? wanted->name : std::string("a relation's")) + "\" instance (" +
                         condition_lookup_name(c, lookup, q) + ")");
    if (arg.unsaved_instance())
        throw ValueError("Model instances passed to related filters must be saved (" +
                         condition_lookup_name(c, lookup, q) + ")");
}

// The right-hand side is an expression: F("rating") + 1, resolved (it may add joins).
DORM_INLINE void prepare_expression_rhs(Condition& c, const LookupDef& lookup, const Expr& e,
                                        Query& q, JoinScope& scope) {
    if (lookup.shape == RhsShape::List || lookup.shape == RhsShape::Pair ||
        lookup.shape == RhsShape::Flag || c.lookup == LookupKind::Regex ||
        c.lookup == LookupKind::IRegex || c.lookup == LookupKind::Search)
        throw ValueError(condition_lookup_name(c, lookup, q) + " does not take an expression");
    Expr rhs = resolve_expr(e, q, scope);
    reject_extra_alias(rhs, q);
    c.rhs = std::move(rhs);
}

// The right-hand side is a queryset: the lookup becomes IN (the subquery).
DORM_INLINE void prepare_subquery_rhs(Condition& c, const LookupDef& lookup, const Subquery& s,
                                      const Query& q, bool at_relation) {
    auto what = [&] { return condition_lookup_name(c, lookup, q); };
    if (at_relation && !s.query->values_mode) {
        const ModelMeta* target = key_model(c, q, at_relation);
        if (target && s.query->model != target)
            throw ValueError("Cannot use QuerySet for \"" + s.query->model->name +
                             "\": Use a QuerySet for \"" + target->name + "\" (" + what() + ")");
    }
    if (c.lookup != LookupKind::In && c.lookup != LookupKind::Exact)
        throw ValueError(what() + " does not take a QuerySet");
    if (s.query->values_mode && s.query->values.size() != 1)
        throw ValueError(what() + ": the subquery must select exactly one field, not " +
                         std::to_string(s.query->values.size()));
    c.lookup = LookupKind::In;
    Subquery sub = s;
    if (!sub.query->values_mode || !sub.query->is_sliced()) {
        // A queryset of objects stands for its primary keys; order does not matter inside IN.
        auto inner = std::make_shared<Query>(*sub.query);
        if (!inner->values_mode) {
            inner->values_mode = true;
            inner->values = {{"pk", resolve_expr(F("pk"), *inner)}};
        }
        if (!inner->is_sliced()) {
            inner->order_by_set = true;
            inner->order_by.clear();
            inner->random_order = false;
        }
        sub.query = std::move(inner);
    }
    c.rhs = std::move(sub);
    // A none() queryset matches nothing: an empty list, as Django's EmptyResultSet.
    if (s.query->empty)
        c.rhs = Values{};
}

// Django's name of what the lookup compares with, for "Field 'rank' expected a number":
// the field ("rank"; a ForeignKey's target key, "id"), or the path of a transform
// ("day__year", where Django says 'None').
DORM_INLINE std::string django_field_name(const Condition& c) {
    const FieldMeta* f = c.field();
    std::string name = !f                                            ? c.lhs.name
                       : f->is_foreign_key() && c.transforms.empty() ? f->related_model().pk().name
                                                                     : f->name;
    for (const TransformKind t : c.transforms)
        name += "__" + std::string(transform_def(t).name);
    return name;
}

// One value of a condition, prepared by the type it is compared with (dorm/core/coerce.hpp).
DORM_INLINE Value prepare_condition_value(const Value& v, const Condition& c,
                                          const LookupDef& lookup, const Query& q) {
    auto name = [&] { return django_field_name(c); };
    auto where = [&] { return condition_lookup_name(c, lookup, q); };
    const FieldMeta* f = c.field();
    const bool nullable = f && f->null() && c.transforms.empty();
    return coerce(v, CoerceTarget{c.lhs_type, nullable, name, where});
}

// The right-hand side of in (a list) or range (two bounds): each value converted.
DORM_INLINE void prepare_list_rhs(Condition& c, const LookupDef& lookup, const Arg& arg,
                                  const Query& q) {
    auto what = [&] { return condition_lookup_name(c, lookup, q); };
    const Values* list = arg.list();
    if (!list)
        throw ValueError(what() + " expects a list of values");
    if (lookup.shape == RhsShape::Pair && list->size() != 2)
        throw ValueError(what() + " expects two values (low, high), got " +
                         std::to_string(list->size()));
    Values prepared;
    for (const auto& v : *list) {
        if (v.is_null()) {
            if (lookup.shape == RhsShape::Pair)
                throw ValueError(what() + ": cannot use NULL as a bound");
            continue; // as Django: NULL never matches IN
        }
        Value p = prepare_condition_value(v, c, lookup, q);
        if (p.is_null()) { // a nullable BooleanField's '': None, which never matches
            if (lookup.shape == RhsShape::Pair)
                throw ValueError(what() + ": cannot use NULL as a bound");
            continue;
        }
        prepared.push_back(std::move(p));
    }
    c.rhs = std::move(prepared);
}

// The text of iexact, contains, startswith, regex, ...: UTF-8, and a regular expression
// that compiles. As Django (prepare_rhs=False), iexact, contains and the others compare the
// text of any value (lookup_text: 5 is "5", on any field); a regular expression must be text.
DORM_INLINE Value checked_pattern(const Value& v, const Condition& c, const LookupDef& lookup,
                                  const Query& q) {
    auto what = [&] { return condition_lookup_name(c, lookup, q); };
    const bool text_only = c.lookup == LookupKind::Regex || c.lookup == LookupKind::IRegex ||
                           c.lookup == LookupKind::Search;
    const std::optional<std::string> text =
        text_only && v.kind() != Value::Kind::Text ? std::nullopt : lookup_text(v);
    if (!text)
        throw ValueError(what() + " expects text, got " + std::string(Value::kind_name(v.kind())) +
                         " " + v.repr());
    Value out(*text);
    checked_text(out, what);
    if (c.lookup == LookupKind::Regex || c.lookup == LookupKind::IRegex) {
        try {
            const Regex checked(*text, c.lookup == LookupKind::IRegex);
        } catch (const RegexError& err) {
            throw ValueError(what() + ": invalid regular expression " + v.repr() + " (" +
                             err.what() + ")");
        }
    }
    return out;
}

// The right-hand side of a lookup that takes one value: a flag (isnull), NULL (exact=None
// is IS NULL), a pattern, or a value of the compared type.
DORM_INLINE void prepare_single_rhs(Condition& c, const LookupDef& lookup, const Arg& arg,
                                    const Query& q) {
    auto what = [&] { return condition_lookup_name(c, lookup, q); };
    const Value* v = arg.value();
    if (!v)
        throw ValueError(what() + " expects a single value, not a list");
    if (lookup.shape == RhsShape::Flag) {
        if (v->kind() != Value::Kind::Bool &&
            !(v->kind() == Value::Kind::Integer && (v->as_int() == 0 || v->as_int() == 1)))
            throw ValueError(what() + " expects true or false, got " + v->repr());
        c.rhs = Value(v->as_bool());
    } else if (v->is_null()) {
        if (c.lookup != LookupKind::Exact && c.lookup != LookupKind::IExact)
            throw ValueError(what() + ": cannot use NULL as a query value (use isnull)");
        c.lookup = LookupKind::IsNull; // as Django: exact=None means IS NULL
        c.rhs = Value(true);
    } else if (lookup.shape == RhsShape::Pattern || c.lookup == LookupKind::IExact) {
        c.rhs = checked_pattern(*v, c, lookup, q);
    } else if (c.lookup == LookupKind::IExact) { // not prepared (Django's prepare_rhs = False)
        if (v->kind() != Value::Kind::Text)
            throw ValueError(what() + " expects text value, got " +
                             std::string(Value::kind_name(v->kind())) + " " + v->repr());
        c.rhs = checked_text(*v, what);
    } else {
        Value p = prepare_condition_value(*v, c, lookup, q);
        if (p.is_null()) { // a nullable BooleanField's '' is None: exact=None is IS NULL
            if (c.lookup != LookupKind::Exact)
                throw ValueError(what() + ": cannot use None as a query value");
            c.lookup = LookupKind::IsNull;
            p = Value(true);
        }
        c.rhs = std::move(p);
    }
}

// A condition under negation: leaf AND lhs IS NOT NULL [AND rhs IS NOT NULL] where they may
// be NULL, so that NOT(...) keeps the rows where they are.
DORM_INLINE WhereNode null_guarded(const Condition& c, const Query& q) {
    const Expr lhs = c.lhs;
    const Expr* rhs_expr = std::get_if<Expr>(&c.rhs);
    const bool rhs_nullable =
        rhs_expr && rhs_expr->op == Expr::Op::Field && expr_nullable(*rhs_expr, q);
    WhereNode leaf = WhereNode::leaf(c);
    WhereNode guarded; // leaf AND lhs IS NOT NULL [AND rhs IS NOT NULL]
    if (expr_nullable(lhs, q))
        guarded.children.push_back(is_not_null(lhs));
    if (rhs_nullable)
        guarded.children.push_back(is_not_null(*rhs_expr));
    if (guarded.children.empty())
        return leaf;
    guarded.children.insert(guarded.children.begin(), std::move(leaf));
    return guarded;
}

// ---- JSONField (Django's fields/json.py on SQLite) ----------------------------------------

// The names after a JSONField that are lookups when they come last; any other name is a key.
DORM_INLINE bool json_lookup_name(std::string_view n) {
    static constexpr std::string_view names[] = {
        "exact",     "iexact",       "in",           "gt",         "gte",         "lt",
        "lte",       "contains",     "icontains",    "startswith", "istartswith", "endswith",
        "iendswith", "regex",        "iregex",       "isnull",     "range",       "has_key",
        "has_keys",  "has_any_keys", "contained_by", "search"};
    for (auto x : names)
        if (x == n)
            return true;
    return false;
}

// A key named in has_key / has_keys: text (or an integer, an array index).
template <class What>
std::string json_key_of(const Value& v, const What& what) {
    if (v.kind() == Value::Kind::Integer)
        return std::to_string(v.as_int());
    if (v.kind() != Value::Kind::Text)
        throw ValueError(what() + " expects a key (text), got " + v.repr());
    checked_text(v, what);
    return v.as_text();
}

DORM_INLINE WhereNode resolve_json_condition(Condition c, const Query& q,
                                             const std::vector<std::string_view>& parts,
                                             const ConditionLhs& lhs, const Arg& arg,
                                             bool negated) {
    std::string_view name = "exact";
    for (std::size_t i = lhs.first_lookup; i < parts.size(); ++i) {
        if (i + 1 == parts.size() && json_lookup_name(parts[i]))
            name = parts[i];
        else
            c.json_keys.emplace_back(parts[i]);
    }
    for (const auto& k : c.json_keys)
        checked_text(Value(k), [&] { return condition_subject(c, q) + " key"; });
    const bool on_key = !c.json_keys.empty();
    auto what = [&] {
        return condition_subject(c, q) + (on_key ? " key '" + join(c.json_keys, "__") + "'" : "") +
               " lookup '" + std::string(name) + "'";
    };
    if (name == "contains" || name == "contained_by")
        throw NotSupported(std::string(name) +
                           " lookup is not supported on this database backend.");
    if (name == "range" || name == "search" ||
        (!on_key && name != "exact" && name != "isnull" && name != "in" &&
         !name.starts_with("has_")))
        throw FieldError("Unsupported lookup '" + std::string(name) + "' for " +
                         condition_subject(c, q) +
                         " (JSONField): the document takes exact, in, isnull, has_key, "
                         "has_keys and has_any_keys; a key (data__owner__...) also takes "
                         "iexact, gt, gte, lt, lte, icontains, startswith, istartswith, "
                         "endswith, iendswith, regex and iregex");
    const LookupDef* def = nullptr;
    for (const auto& d : lookup_defs)
        if (d.name == name)
            def = &d;
    c.lookup = def->kind;
    c.lhs_type = ValueType::Json;
    if (arg.expr() || arg.subquery())
        throw ValueError(what() + " does not take an expression or a queryset");
    const Value* v = arg.value();
    const Values* list = arg.list();
    switch (c.lookup) {
    case LookupKind::HasKey: {
        if (!v)
            throw ValueError(what() + " expects one key");
        auto keys = c.json_keys;
        keys.push_back(json_key_of(*v, what));
        c.rhs = Values{Value(json_path(keys))};
        break;
    }
    case LookupKind::HasKeys:
    case LookupKind::HasAnyKeys: {
        if (!list)
            throw ValueError(what() + " expects a list of keys");
        Values paths;
        for (const auto& k : *list) {
            auto keys = c.json_keys;
            keys.push_back(json_key_of(k, what));
            paths.emplace_back(json_path(keys));
        }
        c.rhs = std::move(paths);
        break;
    }
    case LookupKind::In: {
        if (!list)
            throw ValueError(what() + " expects a list of values");
        Values texts;
        for (const auto& x : *list)
            if (!x.is_null()) // as Django: None is left out
                texts.emplace_back(json_text(x, !on_key, what));
        c.rhs = std::move(texts);
        break;
    }
    case LookupKind::IsNull:
        if (!v || (v->kind() != Value::Kind::Bool && v->kind() != Value::Kind::Integer))
            throw ValueError(what() + " expects true or false");
        c.rhs = Value(v->as_bool());
        break;
    case LookupKind::Exact: // None is JSON null here (Django's JSONExact)
        if (!v)
            throw ValueError(what() + " expects a single value, not a list");
        c.rhs = v->is_null() ? Value() : Value(json_text(*v, !on_key, what));
        break;
    case LookupKind::Gt:
    case LookupKind::Gte:
    case LookupKind::Lt:
    case LookupKind::Lte:
        // The value itself (Django: json.loads of its dumps), compared with the extracted one.
        if (!v || v->is_null() ||
            !(v->kind() == Value::Kind::Text || v->kind() == Value::Kind::Integer ||
              v->kind() == Value::Kind::Real || v->kind() == Value::Kind::Bool))
            throw ValueError(what() + " expects text, a number or a boolean");
        c.rhs = v->kind() == Value::Kind::Bool   ? Value(v->as_bool() ? 1 : 0)
                : v->kind() == Value::Kind::Text ? checked_text(*v, what)
                                                 : *v;
        break;
    default: // the text lookups on the extracted value
        if (!v)
            throw ValueError(what() + " expects a single value, not a list");
        c.rhs = checked_pattern(*v, c, *def, q);
        break;
    }
    // As Django: no IS NOT NULL beside a negated isnull, nor beside a comparison with JSON
    // null (Django adds it only when the value is not None).
    const bool json_null = c.lookup == LookupKind::Exact && c.value().is_null();
    if (!negated || c.lookup == LookupKind::IsNull || json_null)
        return WhereNode::leaf(std::move(c));
    return null_guarded(c, q);
}

DORM_INLINE WhereNode resolve_condition(const Kwarg& kv, Query& q, bool negated, JoinScope& scope) {
    const auto parts = split_path(kv.first);
    if (parts[0].empty())
        unknown_name(q, kv.first);
    const bool own_name = names_field(*q.model, parts[0]);
    if (!own_name && !q.annotation(parts[0]) && !q.extra(parts[0]))
        unknown_name(q, parts[0]);
    if (own_name && negated && parts.size() > 1 && scope.split_subq &&
        crosses_multi_valued(q, parts, kv.first))
        return related_rows_subquery(kv, q);
    ConditionLhs lhs = resolve_condition_lhs(q, parts, own_name, scope, kv.first);

    Condition c;
    c.lhs = std::move(lhs.expr);
    reject_extra_alias(c.lhs, q);
    c.lhs_type = c.lhs.type;
    if (c.lhs_type == ValueType::Json && c.field())
        return resolve_json_condition(std::move(c), q, parts, lhs, kv.second, negated);
    const LookupDef& lookup = resolve_lookup(c, q, parts, lhs, kv.first);
    c.lookup = lookup.kind;

    const Arg& arg = kv.second;
    check_instance_value(arg, c, lookup, q, lhs.at_relation);
    if (const Expr* e = arg.expr())
        prepare_expression_rhs(c, lookup, *e, q, scope);
    else if (const Subquery* s = arg.subquery())
        prepare_subquery_rhs(c, lookup, *s, q, lhs.at_relation);
    else if (lookup.shape == RhsShape::List || lookup.shape == RhsShape::Pair)
        prepare_list_rhs(c, lookup, arg, q);
    else
        prepare_single_rhs(c, lookup, arg, q);

    if (!negated || c.lookup == LookupKind::IsNull)
        return WhereNode::leaf(std::move(c));
    return null_guarded(c, q);
}

DORM_INLINE WhereNode resolve_q(const Q& node, Query& q, bool negated, JoinScope& scope) {
    const bool here = negated != node.negated();
    WhereNode out;
    if (node.is_leaf()) {
        out = resolve_condition(node.condition(), q, here, scope);
        if (node.negated()) {
            if (out.kind == WhereNode::Kind::Leaf || out.negated) {
                WhereNode wrap;
                wrap.children.push_back(std::move(out));
                out = std::move(wrap);
            }
            out.negated = true;
        }
        return out;
    }
    out.kind = node.connector() == Q::Connector::Or ? WhereNode::Kind::Or : WhereNode::Kind::And;
    out.negated = node.negated();
    for (const auto& child : node.children())
        out.children.push_back(resolve_q(child, q, here, scope));
    return out;
}

DORM_INLINE std::vector<OrderTerm> resolve_order_terms(std::string_view spec, Query& q, int depth) {
    bool descending = false;
    std::string_view name = spec;
    if (!name.empty() && (name[0] == '-' || name[0] == '+')) {
        descending = name[0] == '-';
        name.remove_prefix(1);
    }
    if (name == "?" || q.annotation(name) || q.extra(name) ||
        (q.model->find(name) && !q.model->find(name)->is_foreign_key()))
        return {resolve_order(spec, q)};
    const auto parts = split_path(name);
    if (!names_field(*q.model, parts[0]))
        unknown_name(q, name);
    JoinScope scope;
    scope.reuse_all = true;
    PathEnd end = walk_path(&q, *q.model, parts, scope, name);
    if (end.used != parts.size() && end.related)
        no_such_path_name(*end.related, parts[end.used], name);
    if (end.used != parts.size())
        throw FieldError("Cannot resolve '" + std::string(name) + "' into a field of " +
                         q.model->name + " for order_by()");
    std::vector<OrderTerm> out;
    // Any relation (forward, reverse, many-to-many) orders by its model's Meta.ordering.
    const ModelMeta* related_model = end.ends_at_relation ? end.related : nullptr;
    if (related_model && !related_model->ordering.empty() && depth < 4) {
        // Follow the relation and order by the related model's own ordering.
        for (const auto& related : related_model->ordering) {
            const bool desc = related.starts_with('-');
            const std::string rel_name = desc ? related.substr(1) : related;
            if (rel_name == "?")
                continue;
            const std::string joined = std::string(name) + "__" + rel_name;
            for (auto& t : resolve_order_terms(joined, q, depth + 1)) {
                t.descending = t.descending != (desc != descending);
                out.push_back(std::move(t));
            }
        }
        return out;
    }
    out.push_back({std::move(end.field), descending});
    return out;
}

DORM_INLINE OrderTerm resolve_order(std::string_view spec, const Query& q) {
    OrderTerm t;
    if (spec == "?") {
        t.expr = Expr::literal(Value("?"));
        return t;
    }
    if (!spec.empty() && spec[0] == '-') {
        t.descending = true;
        spec.remove_prefix(1);
    } else if (!spec.empty() && spec[0] == '+') {
        spec.remove_prefix(1);
    }
    if (spec.find("__") != std::string_view::npos)
        unknown_name(q, spec);
    t.expr = resolve_expr(F(std::string(spec)), q);
    return t;
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
