#pragma once
// Expressions: F() references to fields, arithmetic on them, and the aggregates
// (Count, Sum, Avg, Min, Max). Users build them with names; resolving against a model fills
// in the field pointers, after which both compilers read them.
#include <memory>
#include <string>
#include <vector>

#include "dorm/core/errors.hpp"
#include "dorm/core/fields.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

// How deeply expressions may nest: F("a") + 1 is 1 level, (F("a") + 1) * 2 is 2. SQLite's
// parser overflows its stack on about 29 nested parenthesised operands, and a deep
// expression may stand inside a deep Q (see max_q_depth), so dorm stops at 12; building a
// deeper expression throws ValueError. Wide expressions are not the issue: depth is.
inline constexpr std::uint32_t max_expr_depth = 12;

struct Expr {
    enum class Op : std::uint8_t {
        Field,      // a model field (name -> field once resolved)
        Annotation, // an annotate() alias, by name
        Extra,      // an extra(select=...) alias, by name
        Literal,    // a bound value
        Add,
        Sub,
        Mul,
        Div,
        Mod,
        Neg,
        Count,
        Sum,
        Avg,
        Min,
        Max,
    };
    Op op = Op::Literal;
    std::string name;                    // Field / Annotation / Extra: the name; "*" for Count("*")
    const FieldMeta* field = nullptr;    // Field, once resolved
    std::uint16_t alias = 0;             // Field: the table it is read from (0: the model's)
    Value value;                         // Literal
    std::vector<Expr> args;              // operands, or the aggregate's argument
    bool distinct = false;               // Count(..., distinct)
    ValueType type = ValueType::Integer; // result type, once resolved
    std::uint32_t depth = 0;             // operator levels below and at this one

    // Recomputes depth from the operands, refusing one past max_expr_depth.
    void set_depth() {
        std::uint32_t d = 0;
        for (const auto& a : args)
            d = a.depth > d ? a.depth : d;
        if (d + 1 > max_expr_depth)
            throw ValueError("Expression nesting depth " + std::to_string(d + 1) +
                             " exceeds the maximum of " + std::to_string(max_expr_depth) +
                             " (dorm::max_expr_depth)");
        depth = d + 1;
    }

    bool is_aggregate() const noexcept { return op >= Op::Count; }
    bool contains_aggregate() const {
        if (is_aggregate())
            return true;
        for (const auto& a : args)
            if (a.contains_aggregate())
                return true;
        return false;
    }
    // Django's default alias of an aggregate: Sum("rating") -> "rating__sum".
    std::string default_alias() const;

    static Expr literal(Value v) {
        Expr e;
        e.value = std::move(v);
        return e;
    }
    // A resolved column: a field read from the table joined as `alias` (0: the query's own).
    static Expr column(const FieldMeta& f, std::uint16_t alias = 0) {
        Expr e;
        e.op = Op::Field;
        e.name = f.name;
        e.field = &f;
        e.alias = alias;
        e.type = f.value_type();
        return e;
    }
};

// F("rating"): the value of another field of the same row.
inline Expr F(std::string name) {
    Expr e;
    e.op = Expr::Op::Field;
    e.name = std::move(name);
    return e;
}

namespace detail {
inline Expr binary(Expr::Op op, Expr a, Expr b) {
    Expr e;
    e.op = op;
    e.args.push_back(std::move(a));
    e.args.push_back(std::move(b));
    e.set_depth();
    return e;
}
inline Expr aggregate(Expr::Op op, std::string field, bool distinct = false) {
    Expr e;
    e.op = op;
    e.distinct = distinct;
    // Not `field == "*"`: g++ 12 at -O2 warns (-Wmaybe-uninitialized, a false positive) on
    // that comparison of a moved-in temporary, in users' builds too.
    if (field.size() == 1 && field.front() == '*') {
        e.name = "*";
    } else {
        e.args.push_back(F(std::move(field)));
    }
    return e;
}
} // namespace detail

inline Expr operator+(Expr a, Expr b) {
    return detail::binary(Expr::Op::Add, std::move(a), std::move(b));
}
inline Expr operator-(Expr a, Expr b) {
    return detail::binary(Expr::Op::Sub, std::move(a), std::move(b));
}
inline Expr operator*(Expr a, Expr b) {
    return detail::binary(Expr::Op::Mul, std::move(a), std::move(b));
}
inline Expr operator/(Expr a, Expr b) {
    return detail::binary(Expr::Op::Div, std::move(a), std::move(b));
}
inline Expr operator%(Expr a, Expr b) {
    return detail::binary(Expr::Op::Mod, std::move(a), std::move(b));
}
inline Expr operator-(Expr a) {
    Expr e;
    e.op = Expr::Op::Neg;
    e.args.push_back(std::move(a));
    e.set_depth();
    return e;
}
inline Expr operator+(Expr a, Value b) {
    return std::move(a) + Expr::literal(std::move(b));
}
inline Expr operator-(Expr a, Value b) {
    return std::move(a) - Expr::literal(std::move(b));
}
inline Expr operator*(Expr a, Value b) {
    return std::move(a) * Expr::literal(std::move(b));
}
inline Expr operator/(Expr a, Value b) {
    return std::move(a) / Expr::literal(std::move(b));
}
inline Expr operator%(Expr a, Value b) {
    return std::move(a) % Expr::literal(std::move(b));
}
inline Expr operator+(Value a, Expr b) {
    return Expr::literal(std::move(a)) + std::move(b);
}
inline Expr operator-(Value a, Expr b) {
    return Expr::literal(std::move(a)) - std::move(b);
}
inline Expr operator*(Value a, Expr b) {
    return Expr::literal(std::move(a)) * std::move(b);
}
inline Expr operator/(Value a, Expr b) {
    return Expr::literal(std::move(a)) / std::move(b);
}

inline Expr Count(std::string field = "*", bool distinct = false) {
    return detail::aggregate(Expr::Op::Count, std::move(field), distinct);
}
inline Expr Sum(std::string field) {
    return detail::aggregate(Expr::Op::Sum, std::move(field));
}
inline Expr Avg(std::string field) {
    return detail::aggregate(Expr::Op::Avg, std::move(field));
}
inline Expr Min(std::string field) {
    return detail::aggregate(Expr::Op::Min, std::move(field));
}
inline Expr Max(std::string field) {
    return detail::aggregate(Expr::Op::Max, std::move(field));
}

inline std::string Expr::default_alias() const {
    const char* suffix = nullptr;
    switch (op) {
    case Op::Count:
        suffix = "count";
        break;
    case Op::Sum:
        suffix = "sum";
        break;
    case Op::Avg:
        suffix = "avg";
        break;
    case Op::Min:
        suffix = "min";
        break;
    case Op::Max:
        suffix = "max";
        break;
    default:
        return {};
    }
    if (name == "*")
        return std::string("__") + suffix;
    if (args.size() == 1 && args[0].op == Op::Field)
        return args[0].name + "__" + suffix;
    return {};
}

} // namespace DORM_ABI
} // namespace dorm
