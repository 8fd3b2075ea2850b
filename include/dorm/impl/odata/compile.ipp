#pragma once
// Bodies of dorm/odata/compile.hpp (dorm/detail/config.hpp).
#include "dorm/odata/compile.hpp"

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "dorm/core/errors.hpp"
#include "dorm/detail/calendar.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

DORM_INLINE std::string Request::query_string() const {
    std::string out;
    auto add = [&](std::string_view name, const std::string& value) {
        if (value.empty())
            return;
        out += out.empty() ? "" : "&";
        out += name;
        out += '=';
        out += url_encode(value);
    };
    add("$filter", filter);
    add("$orderby", orderby);
    add("$select", select);
    if (top)
        add("$top", std::to_string(*top));
    if (skip)
        add("$skip", std::to_string(*skip));
    if (count)
        add(version == Version::V4 ? "$count" : "$inlinecount",
            version == Version::V4 ? "true" : "allpages");
    return out;
}

DORM_INLINE std::string Request::url(std::string_view base) const {
    std::string out(base);
    if (!out.empty() && out.back() != '/')
        out += '/';
    out += entity_set;
    const std::string q = query_string();
    if (!q.empty())
        out += '?' + q;
    return out;
}

namespace detail {

DORM_INLINE std::string lookup_attribute(const FieldMeta& fk, const Dialect& d) {
    switch (d.lookups) {
    case LookupForm::ValueAttribute: {
        std::string lower = fk.remote_name;
        for (auto& ch : lower)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return "_" + lower + "_value";
    }
    case LookupForm::EntityReference:
        return fk.remote_name + "/Id";
    case LookupForm::Plain:
        break;
    }
    return fk.remote_name;
}

DORM_INLINE std::string row_attribute(const FieldMeta& f, const Dialect& d) {
    return f.is_foreign_key() && d.lookups != LookupForm::EntityReference ? lookup_attribute(f, d)
                                                                          : f.remote_name;
}

// A node's translation: a filter expression, or always true / always false.
struct Bound {
    enum class Kind { Expr, True, False } kind = Kind::True;
    std::string text;
    static Bound yes() { return {Kind::True, {}}; }
    static Bound no() { return {Kind::False, {}}; }
    static Bound expr(std::string t) { return {Kind::Expr, std::move(t)}; }
};

// One condition: exact, an over-match (the remote may return more), or not expressible.
struct LeafTranslation {
    enum class Kind { Exact, Over, None } kind = Kind::None;
    std::string text;
};

class FilterCompiler {
public:
    FilterCompiler(const Query& q, const Dialect& d) : q_(q), d_(d) {}

    bool exact() const noexcept { return exact_; }
    // The first condition that was not translated exactly ("name__regex").
    const std::string& inexact() const noexcept { return inexact_; }

    // upper: the bound that may over-match (true when unsure); else the one that may
    // under-match (false when unsure).
    Bound translate(const WhereNode& n, bool upper) {
        // NOT swaps the bounds. The node is read in place, never copied: a copy per negated
        // level made compiling a deeply negated tree quadratic.
        if (n.negated)
            return negate(translate_unnegated(n, !upper));
        return translate_unnegated(n, upper);
    }

private:
    // The node as if it were not negated.
    Bound translate_unnegated(const WhereNode& n, bool upper) {
        switch (n.kind) {
        case WhereNode::Kind::Leaf:
            return leaf(*n.cond, upper);
        case WhereNode::Kind::Raw: // extra(where=...): SQL only
            not_exact("extra(where=...)");
            return upper ? Bound::yes() : Bound::no();
        case WhereNode::Kind::And:
        case WhereNode::Kind::Or:
            break;
        }
        const bool is_and = n.kind == WhereNode::Kind::And;
        std::vector<std::string> parts;
        for (const auto& child : n.children) {
            Bound b = translate(child, upper);
            if (b.kind == Bound::Kind::Expr) {
                parts.push_back(std::move(b.text));
                continue;
            }
            const bool absorbing =
                is_and ? b.kind == Bound::Kind::False : b.kind == Bound::Kind::True;
            if (absorbing)
                return b; // false AND x, true OR x
            // true AND x, false OR x: the child says nothing
        }
        if (parts.empty())
            return is_and ? Bound::yes() : Bound::no();
        if (parts.size() == 1)
            return Bound::expr(std::move(parts[0]));
        std::string out = "(";
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i)
                out += is_and ? " and " : " or ";
            out += parts[i];
        }
        return Bound::expr(out + ")");
    }

    static Bound negate(Bound b) {
        switch (b.kind) {
        case Bound::Kind::True:
            return Bound::no();
        case Bound::Kind::False:
            return Bound::yes();
        case Bound::Kind::Expr:
            break;
        }
        return Bound::expr("not " + (grouped(b.text) ? b.text : "(" + b.text + ")"));
    }
    // Is the whole text one parenthesized group ("(a and b)", not "(a) and (b)")?
    static bool grouped(const std::string& t) {
        if (t.empty() || t.front() != '(')
            return false;
        int depth = 0;
        bool in_literal = false;
        for (std::size_t i = 0; i < t.size(); ++i) {
            const char c = t[i];
            if (in_literal) {
                if (c == '\'' && i + 1 < t.size() && t[i + 1] == '\'')
                    ++i;
                else if (c == '\'')
                    in_literal = false;
            } else if (c == '\'') {
                in_literal = true;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0 && i + 1 != t.size()) {
                return false;
            }
        }
        return true;
    }

    Bound leaf(const Condition& c, bool upper) {
        LeafTranslation t = translate_condition(c);
        switch (t.kind) {
        case LeafTranslation::Kind::Exact:
            return Bound::expr(std::move(t.text));
        case LeafTranslation::Kind::Over:
            not_exact(describe(c));
            return upper ? Bound::expr(std::move(t.text)) : Bound::no();
        case LeafTranslation::Kind::None:
            break;
        }
        not_exact(describe(c));
        return upper ? Bound::yes() : Bound::no();
    }

    void not_exact(std::string why) {
        if (exact_)
            inexact_ = std::move(why);
        exact_ = false;
    }

    // A condition as it was written: "parent__name__exact", "founded__week_day__exact".
    std::string describe(const Condition& c) const {
        if (c.lhs.op != Expr::Op::Field || !c.lhs.field)
            return "a condition on an expression";
        std::string path = c.lhs.field->name;
        for (std::uint16_t a = c.lhs.alias; a != 0 && a <= q_.joins.size();) {
            const Join& j = q_.joins[a - 1u];
            if (!j.parent_field)
                break;
            path = j.parent_field->name + "__" + path;
            a = j.parent;
        }
        for (const TransformKind t : c.transforms)
            path += "__" + std::string(transform_def(t).name);
        return path + "__" + std::string(lookup_def(c.lookup).name);
    }

    // The remote's name for the left side: a mapped field of the model, or a ForeignKey's
    // lookup attribute when the condition is on the related model's remote key.
    struct Target {
        std::string name;
        const FieldMeta* field = nullptr;
        bool guid = false;
    };
    std::optional<Target> target(const Condition& c) const {
        if (c.lhs.op != Expr::Op::Field || !c.lhs.field)
            return std::nullopt;
        const FieldMeta& f = *c.lhs.field;
        if (c.lhs.alias == 0) {
            if (!f.remote_mapped())
                return std::nullopt;
            if (f.is_foreign_key()) // holds a local key: only NULL-ness can be said
                return c.lookup == LookupKind::IsNull
                           ? std::optional<Target>(Target{lookup_attribute(f), &f, true})
                           : std::nullopt;
            return Target{f.remote_name, &f, f.remote_role == RemoteRole::Key};
        }
        // fk__<remote key of the related model>: the lookup attribute holds that key.
        const Join& j = q_.joins[c.lhs.alias - 1];
        if (j.parent != 0 || !j.parent_field || !j.parent_field->is_foreign_key() ||
            !j.parent_field->remote_mapped() || f.remote_role != RemoteRole::Key ||
            j.field != &j.model->pk())
            return std::nullopt;
        return Target{lookup_attribute(*j.parent_field), &f, true};
    }
    std::string lookup_attribute(const FieldMeta& fk) const {
        return detail::lookup_attribute(fk, d_);
    }

    static bool ascii(const std::string& s) {
        for (const char ch : s)
            if (static_cast<unsigned char>(ch) >= 0x80)
                return false;
        return true;
    }

    LeafTranslation translate_condition(const Condition& c) const {
        using K = LeafTranslation::Kind;
        const auto t = target(c);
        if (!t)
            return {};
        if (!std::holds_alternative<Value>(c.rhs) && !std::holds_alternative<Values>(c.rhs))
            return {}; // F() or a subquery on the right
        if (c.lhs_type == ValueType::Json)
            return {}; // a JSON document is text on the remote: its keys are not reachable
        if (!c.transforms.empty())
            return transformed(c, *t);
        if (c.lhs_type == ValueType::DateTime && has_fraction(c))
            return whole_seconds(c, t->name);
        const bool text = c.lhs_type == ValueType::Text && !t->guid;
        // Bytes on V2: binary'hex' is the standard's literal, but servers read it otherwise
        // (CAP's V2 adapter passes it on as V4's base64): asked for as a superset.
        if (c.lhs_type == ValueType::Binary && c.lookup != LookupKind::IsNull &&
            d_.version == Version::V2)
            return {};
        // UUIDs in order: Django orders the hex text, SQL Server (Dynamics) orders its
        // uniqueidentifiers by byte groups: asked for as a superset.
        if (c.lhs_type == ValueType::Uuid &&
            (c.lookup == LookupKind::Gt || c.lookup == LookupKind::Gte ||
             c.lookup == LookupKind::Lt || c.lookup == LookupKind::Lte ||
             c.lookup == LookupKind::Range))
            return {};
        auto lit = [&](const Value& v) { return literal(v, d_, t->guid); };
        const std::string& F = t->name;
        // Text compared for equality on a server that ignores case: it may match more.
        const K eq_kind = text && d_.case_insensitive ? K::Over : K::Exact;
        switch (c.lookup) {
        case LookupKind::Exact:
            return {eq_kind, F + " eq " + lit(c.value())};
        case LookupKind::IsNull:
            return {K::Exact, F + (c.value().as_bool() ? " eq null" : " ne null")};
        case LookupKind::Gt:
        case LookupKind::Gte:
        case LookupKind::Lt:
        case LookupKind::Lte: {
            // Text order follows the server's collation: only a case-sensitive server orders
            // as SQLite does (by code point). A remote key is text here too: Dynamics orders
            // its GUIDs as SQL Server's uniqueidentifier, not as text. Booleans have no order
            // in OData (active__gt=False is Django's active > 0): narrowed locally.
            if ((c.lhs_type == ValueType::Text && d_.case_insensitive) ||
                c.lhs_type == ValueType::Bool)
                return {};
            static const char* ops[] = {" gt ", " ge ", " lt ", " le "};
            const int i = static_cast<int>(c.lookup) - static_cast<int>(LookupKind::Gt);
            return {K::Exact, F + ops[i] + lit(c.value())};
        }
        case LookupKind::Range: {
            if ((c.lhs_type == ValueType::Text && d_.case_insensitive) ||
                c.lhs_type == ValueType::Bool)
                return {};
            return {K::Exact, "(" + F + " ge " + lit(c.values()[0]) + " and " + F + " le " +
                                  lit(c.values()[1]) + ")"};
        }
        case LookupKind::In: {
            const Values& vs = c.values();
            if (vs.empty())
                return {K::Exact, "false"};
            std::string out;
            if (d_.has_in) {
                out = F + " in (";
                for (std::size_t i = 0; i < vs.size(); ++i)
                    out += (i ? "," : "") + lit(vs[i]);
                return {eq_kind, out + ")"};
            }
            for (std::size_t i = 0; i < vs.size(); ++i)
                out += (i ? " or " : "") + F + " eq " + lit(vs[i]);
            return {eq_kind, vs.size() > 1 ? "(" + out + ")" : out};
        }
        case LookupKind::IExact:
        case LookupKind::Contains:
        case LookupKind::IContains:
        case LookupKind::StartsWith:
        case LookupKind::IStartsWith:
        case LookupKind::EndsWith:
        case LookupKind::IEndsWith:
            // On another type they compare the value's text (Django's str() of it, SQLite's
            // text of the column), which OData cannot say: narrowed locally.
            return text ? pattern(c, F) : LeafTranslation{};
        case LookupKind::Regex:
        case LookupKind::IRegex:
        case LookupKind::Search:
        case LookupKind::HasKey:
        case LookupKind::HasKeys:
        case LookupKind::HasAnyKeys:
        case LookupKind::ContainedBy:
            return {};
        }
        return {};
    }

    // A datetime with a fraction of a second is not compared as written: servers keep
    // datetimes to a precision of their own and cut a finer literal to it (CAP: milliseconds,
    // so 10:00:00.000001 compares as 10:00:00; Dynamics: whole seconds). A condition on such
    // a value is widened to the whole seconds around it, a superset wherever the server cuts.
    static bool fractional(const Value& v) {
        return v.kind() == Value::Kind::DateTime && v.as_datetime().time.microsecond != 0;
    }
    static bool has_fraction(const Condition& c) {
        if (const Value* v = std::get_if<Value>(&c.rhs))
            return fractional(*v);
        for (const Value& v : c.values())
            if (fractional(v))
                return true;
        return false;
    }
    LeafTranslation whole_seconds(const Condition& c, const std::string& F) const {
        using K = LeafTranslation::Kind;
        const Values one = std::holds_alternative<Value>(c.rhs) ? Values{c.value()} : Values{};
        for (const Value& v : one.empty() ? c.values() : one)
            if (fractional(v) && v.as_datetime() >= DateTime(9999, 12, 31, 23, 59, 59))
                return {}; // no next second to end the range with
        auto lit = [&](const DateTime& dt) { return literal(Value(dt), d_); };
        auto floor = [](const Value& v) {
            DateTime dt = v.as_datetime();
            dt.time.microsecond = 0;
            return dt;
        };
        auto ceil = [&](const Value& v) { // the next whole second
            DateTime dt = floor(v);
            if (++dt.time.second == 60) {
                dt.time.second = 0;
                if (++dt.time.minute == 60) {
                    dt.time.minute = 0;
                    if (++dt.time.hour == 24) {
                        dt.time.hour = 0;
                        const auto civil = dorm::detail::civil_from_days(
                            dorm::detail::days_from_civil(dt.date.year, dt.date.month,
                                                          dt.date.day) +
                            1);
                        dt.date = Date{civil.year, civil.month, civil.day};
                    }
                }
            }
            return dt;
        };
        // F >= v (or > v), F <= v (or < v), F = v.
        auto from = [&](const Value& v, const char* op) {
            return fractional(v) ? F + " ge " + lit(floor(v)) : F + op + literal(v, d_);
        };
        auto upto = [&](const Value& v, const char* op) {
            return fractional(v) ? F + " lt " + lit(ceil(v)) : F + op + literal(v, d_);
        };
        auto eq = [&](const Value& v) {
            return fractional(v) ? "(" + from(v, "") + " and " + upto(v, "") + ")"
                                 : F + " eq " + literal(v, d_);
        };
        switch (c.lookup) {
        case LookupKind::Exact:
            return {K::Over, eq(c.value())};
        case LookupKind::Gt:
            return {K::Over, from(c.value(), " gt ")};
        case LookupKind::Gte:
            return {K::Over, from(c.value(), " ge ")};
        case LookupKind::Lt:
            return {K::Over, upto(c.value(), " lt ")};
        case LookupKind::Lte:
            return {K::Over, upto(c.value(), " le ")};
        case LookupKind::Range:
            return {K::Over, "(" + from(c.values()[0], " ge ") + " and " +
                                 upto(c.values()[1], " le ") + ")"};
        case LookupKind::In: {
            std::string out;
            for (std::size_t i = 0; i < c.values().size(); ++i)
                out += (i ? " or " : "") + eq(c.values()[i]);
            return {K::Over, c.values().size() > 1 ? "(" + out + ")" : out};
        }
        default:
            return {};
        }
    }

    // The text lookups. On a server that ignores case, a case-sensitive lookup over-matches
    // and a case-insensitive one is exact; on one that does not, the i-lookups need
    // tolower() (and ASCII, since servers lower-case ASCII only) or cannot be said.
    LeafTranslation pattern(const Condition& c, const std::string& F) const {
        using K = LeafTranslation::Kind;
        const std::string& v = c.value().as_text();
        const bool fold = c.lookup == LookupKind::IExact || c.lookup == LookupKind::IContains ||
                          c.lookup == LookupKind::IStartsWith || c.lookup == LookupKind::IEndsWith;
        K kind = K::Exact;
        std::string field = F;
        std::string value = v;
        bool lowered = false;
        if (fold && !d_.case_insensitive) {
            if (!d_.has_tolower || !ascii(v))
                return {};
            lowered = true;
        } else if (!fold && d_.case_insensitive) {
            kind = K::Over;
        }
        if (d_.like_wildcards && c.lookup != LookupKind::IExact)
            value = like_escaped(value);
        std::string lit = literal(Value(value), d_);
        if (lowered) {
            field = "tolower(" + field + ")";
            lit = "tolower(" + lit + ")";
        }
        switch (c.lookup) {
        case LookupKind::IExact:
            return {kind, field + " eq " + lit};
        case LookupKind::Contains:
        case LookupKind::IContains:
            return {kind, d_.has_contains ? "contains(" + field + "," + lit + ")"
                                          : "substringof(" + lit + "," + field + ")"};
        case LookupKind::StartsWith:
        case LookupKind::IStartsWith:
            return {kind, "startswith(" + field + "," + lit + ")"};
        default:
            return {kind, "endswith(" + field + "," + lit + ")"};
        }
    }

    // Transforms of dates and datetimes: date parts where the dialect has them; year and
    // date become ranges of the column everywhere they can (an index-friendly, exact form).
    LeafTranslation transformed(const Condition& c, const Target& t) const {
        using K = LeafTranslation::Kind;
        if (c.transforms.size() != 1 || t.guid)
            return {};
        const TransformKind tr = c.transforms[0];
        const bool datetime = t.field->value_type() == ValueType::DateTime;
        if (tr == TransformKind::Year || tr == TransformKind::Date)
            if (auto r = as_range(c, t, tr, datetime))
                return {K::Exact, *r};
        static const std::pair<TransformKind, const char*> parts[] = {
            {TransformKind::Year, "year"},     {TransformKind::Month, "month"},
            {TransformKind::Day, "day"},       {TransformKind::Hour, "hour"},
            {TransformKind::Minute, "minute"}, {TransformKind::Second, "second"}};
        const char* fn = nullptr;
        for (const auto& [kind, name] : parts)
            if (kind == tr)
                fn = name;
        if (!fn || !d_.has_date_parts || c.lhs_type != ValueType::Integer)
            return {};
        Condition plain = c;
        plain.transforms.clear();
        Target part = t;
        part.name = std::string(fn) + "(" + t.name + ")";
        part.guid = false;
        const std::string F = part.name;
        auto lit = [&](const Value& v) { return literal(v, d_); };
        switch (c.lookup) {
        case LookupKind::Exact:
            return {K::Exact, F + " eq " + lit(c.value())};
        case LookupKind::Gt:
            return {K::Exact, F + " gt " + lit(c.value())};
        case LookupKind::Gte:
            return {K::Exact, F + " ge " + lit(c.value())};
        case LookupKind::Lt:
            return {K::Exact, F + " lt " + lit(c.value())};
        case LookupKind::Lte:
            return {K::Exact, F + " le " + lit(c.value())};
        case LookupKind::Range:
            return {K::Exact, "(" + F + " ge " + lit(c.values()[0]) + " and " + F + " le " +
                                  lit(c.values()[1]) + ")"};
        case LookupKind::In: {
            if (c.values().empty())
                return {K::Exact, "false"};
            std::string out;
            for (std::size_t i = 0; i < c.values().size(); ++i)
                out += (i ? " or " : "") + F + " eq " + lit(c.values()[i]);
            return {K::Exact, "(" + out + ")"};
        }
        case LookupKind::IsNull:
            return {K::Exact, t.name + (c.value().as_bool() ? " eq null" : " ne null")};
        default:
            return {};
        }
    }

    // year = 2005 -> F ge 2005-01-01 and F lt 2006-01-01; date = d -> [d, d + 1 day).
    std::optional<std::string> as_range(const Condition& c, const Target& t, TransformKind tr,
                                        bool datetime) const {
        auto start_of = [&](const Value& v) -> std::optional<Date> {
            if (tr == TransformKind::Year) {
                const std::int64_t y = v.as_int();
                if (y < 1 || y > 9998)
                    return std::nullopt;
                return Date{static_cast<int>(y), 1, 1};
            }
            const Date d = v.as_date();
            if (d.year < 1 || d >= Date{9999, 12, 31}) // no next day to end the range with
                return std::nullopt;
            return d;
        };
        auto next_of = [&](const Date& d) -> Date {
            if (tr == TransformKind::Year)
                return Date{d.year + 1, 1, 1};
            const auto civil = dorm::detail::civil_from_days(
                dorm::detail::days_from_civil(d.year, d.month, d.day) + 1);
            return Date{civil.year, civil.month, civil.day};
        };
        auto bound = [&](const Date& d) {
            return datetime ? literal(Value(DateTime(d)), d_) : literal(Value(d), d_);
        };
        const std::string& F = t.name;
        auto ge = [&](const Date& d) { return F + " ge " + bound(d); };
        auto lt = [&](const Date& d) { return F + " lt " + bound(d); };
        auto one = [&](const Value& v) -> std::optional<std::string> {
            auto s = start_of(v);
            if (!s)
                return std::nullopt;
            return "(" + ge(*s) + " and " + lt(next_of(*s)) + ")";
        };
        switch (c.lookup) {
        case LookupKind::Exact:
            return one(c.value());
        case LookupKind::Gt:
        case LookupKind::Lte: {
            auto s = start_of(c.value());
            if (!s)
                return std::nullopt;
            return c.lookup == LookupKind::Gt ? ge(next_of(*s)) : lt(next_of(*s));
        }
        case LookupKind::Gte:
        case LookupKind::Lt: {
            auto s = start_of(c.value());
            if (!s)
                return std::nullopt;
            return c.lookup == LookupKind::Gte ? ge(*s) : lt(*s);
        }
        case LookupKind::Range: {
            auto a = start_of(c.values()[0]);
            auto b = start_of(c.values()[1]);
            if (!a || !b)
                return std::nullopt;
            return "(" + ge(*a) + " and " + lt(next_of(*b)) + ")";
        }
        case LookupKind::In: {
            if (c.values().empty())
                return "false";
            std::string out;
            for (std::size_t i = 0; i < c.values().size(); ++i) {
                auto r = one(c.values()[i]);
                if (!r)
                    return std::nullopt;
                out += (i ? " or " : "") + *r;
            }
            return c.values().size() > 1 ? "(" + out + ")" : out;
        }
        case LookupKind::IsNull:
            return F + (c.value().as_bool() ? " eq null" : " ne null");
        default:
            return std::nullopt;
        }
    }

    const Query& q_;
    const Dialect& d_;
    bool exact_ = true;
    std::string inexact_;
};

// The ordering the query applies (order_by(), else Meta.ordering), by remote name; nullopt
// when some term cannot be said remotely. `total`: the last term is unique (a key).
struct RemoteOrder {
    std::string text;
    bool total = false;
};
inline std::optional<RemoteOrder> remote_order(const Query& q, const Dialect& d) {
    if (q.random_order)
        return std::nullopt;
    std::vector<std::pair<const FieldMeta*, bool>> terms;
    if (q.order_by_set) {
        for (const auto& t : q.order_by) {
            if (t.expr.op != Expr::Op::Field || t.expr.alias != 0 || !t.expr.field)
                return std::nullopt;
            terms.emplace_back(t.expr.field, t.descending);
        }
    } else {
        for (std::string_view spec : q.model->ordering) {
            const bool desc = spec.starts_with('-');
            if (desc || spec.starts_with('+'))
                spec.remove_prefix(1);
            const FieldMeta* f = q.model->find(spec);
            if (!f)
                return std::nullopt;
            terms.emplace_back(f, desc);
        }
    }
    RemoteOrder out;
    for (auto [f, desc] : terms) {
        if (q.reversed)
            desc = !desc;
        // The server would order text (the remote key too: SQL Server orders GUIDs as
        // uniqueidentifier) by its own collation.
        if (!f->remote_mapped() || f->is_foreign_key() ||
            (f->value_type() == ValueType::Text && d.case_insensitive))
            return std::nullopt;
        out.text += (out.text.empty() ? "" : ",") + f->remote_name + (desc ? " desc" : " asc");
        // A unique field that may be NULL leaves its NULLs tied; every remote row has a key.
        out.total =
            ((f->unique || f->primary_key) && !f->optional) || f->remote_role == RemoteRole::Key;
    }
    return out;
}

// What a where tree matches for sure, whatever the rows: nothing (a condition that matches
// no row, as f__in with an empty list, where it decides the whole), everything, or unknown.
enum class Sure { nothing, everything, unknown };
DORM_INLINE Sure sure_of(const WhereNode& n) {
    Sure s = Sure::unknown;
    switch (n.kind) {
    case WhereNode::Kind::Leaf:
        if (n.cond->lookup == LookupKind::In && std::holds_alternative<Values>(n.cond->rhs) &&
            n.cond->values().empty())
            s = Sure::nothing;
        break;
    case WhereNode::Kind::Raw:
        break;
    case WhereNode::Kind::And:
    case WhereNode::Kind::Or: {
        // AND: nothing when a child is; everything when every child is. OR: the converse.
        const bool is_and = n.kind == WhereNode::Kind::And;
        const Sure absorbing = is_and ? Sure::nothing : Sure::everything;
        const Sure neutral = is_and ? Sure::everything : Sure::nothing;
        s = neutral;
        for (const auto& child : n.children) {
            const Sure c = sure_of(child);
            if (c == absorbing) {
                s = absorbing;
                break;
            }
            if (c == Sure::unknown)
                s = Sure::unknown;
        }
        break;
    }
    }
    if (n.negated && s != Sure::unknown)
        s = s == Sure::nothing ? Sure::everything : Sure::nothing;
    return s;
}

} // namespace detail

DORM_INLINE Request compile(const Query& q, const Dialect& d, bool count) {
    const ModelMeta& m = *q.model;
    if (!m.remote())
        throw UsageError(m.name + " is not mapped to a remote (ModelDef::remote(\"...Set\"))");
    Request r;
    r.entity_set = m.remote_entity_set;
    r.version = d.version;
    if (q.empty) {
        r.filter = "false";
        r.nothing = true;
        return r;
    }
    r.nothing = detail::sure_of(q.where) == detail::Sure::nothing;
    detail::FilterCompiler fc(q, d);
    detail::Bound b = fc.translate(q.where, true);
    if (!q.having.empty()) { // conditions on aggregates: local only
        r.exact = false;
        r.inexact = "a condition on an aggregate";
    }
    if (b.kind == detail::Bound::Kind::False)
        r.filter = "false";
    else if (b.kind == detail::Bound::Kind::Expr)
        r.filter = b.text;
    // Joins for order_by/values and annotations do not change which objects there are.
    if (r.exact && !fc.exact())
        r.inexact = fc.inexact();
    else if (r.exact && !q.extra_tables.empty())
        r.inexact = "extra(tables=...)";
    r.exact = r.exact && fc.exact() && q.extra_tables.empty();
    for (const auto& f : m.fields)
        if (f.remote_mapped())
            r.select += (r.select.empty() ? "" : ",") + detail::row_attribute(f, d);
    if (count) {
        // The remote counts every matching row, not a slice of them.
        if (q.is_sliced() && r.exact) {
            r.exact = false;
            r.inexact = "a slice";
        }
        r.count = d.has_count;
        r.top = d.has_count ? std::optional<std::int64_t>(0) : std::nullopt;
        r.select = m.remote_key() ? m.remote_key()->remote_name : std::string();
        return r;
    }
    const auto order = detail::remote_order(q, d);
    if (order)
        r.orderby = order->text;
    if (q.is_sliced()) {
        // A slice is the remote's only when the remote filters and orders exactly as the
        // local query (a total order): else every candidate row is fetched, sliced locally.
        if (r.exact && order && order->total && !order->text.empty() &&
            (q.offset == 0 || (d.has_skip && (d.max_skip < 0 || q.offset <= d.max_skip)))) {
            r.top = q.limit;
            if (q.offset)
                r.skip = q.offset;
        } else if (r.exact) {
            r.exact = false;
            r.inexact = "a slice the remote cannot take (its filter or ordering is not exact)";
        }
    }
    return r;
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
