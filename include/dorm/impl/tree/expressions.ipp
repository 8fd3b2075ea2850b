#pragma once
// Bodies of dorm/tree/expressions.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <string>
#include <utility>

#include "dorm/core/errors.hpp"
#include "dorm/tree/expressions.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE Expr::Expr() noexcept = default;
DORM_INLINE Expr::Expr(const Expr&) = default;
DORM_INLINE Expr::Expr(Expr&&) noexcept = default;
DORM_INLINE Expr& Expr::operator=(const Expr&) = default;
DORM_INLINE Expr& Expr::operator=(Expr&&) noexcept = default;
DORM_INLINE Expr::~Expr() = default;

DORM_INLINE void Expr::set_depth() {
    std::uint32_t d = 0;
    for (const auto& a : args)
        d = a.depth > d ? a.depth : d;
    if (d + 1 > max_expr_depth)
        throw ValueError("Expression nesting depth " + std::to_string(d + 1) +
                         " exceeds the maximum of " + std::to_string(max_expr_depth) +
                         " (dorm::max_expr_depth)");
    depth = d + 1;
}

DORM_INLINE bool Expr::contains_aggregate() const {
    if (is_aggregate())
        return true;
    for (const auto& a : args)
        if (a.contains_aggregate())
            return true;
    return false;
}

DORM_INLINE Expr Expr::literal(Value v) {
    Expr e;
    e.value = std::move(v);
    return e;
}

DORM_INLINE Expr Expr::column(const FieldMeta& f, std::uint16_t alias) {
    Expr e;
    e.op = Op::Field;
    e.name = f.name;
    e.field = &f;
    e.alias = alias;
    e.type = f.value_type();
    return e;
}

DORM_INLINE Expr F(std::string name) {
    Expr e;
    e.op = Expr::Op::Field;
    e.name = std::move(name);
    return e;
}

namespace detail {
DORM_INLINE Expr binary(Expr::Op op, Expr a, Expr b) {
    Expr e;
    e.op = op;
    e.args.push_back(std::move(a));
    e.args.push_back(std::move(b));
    e.set_depth();
    return e;
}
DORM_INLINE Expr aggregate(Expr::Op op, std::string field, bool distinct) {
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

DORM_INLINE Expr operator+(Expr a, Expr b) {
    return detail::binary(Expr::Op::Add, std::move(a), std::move(b));
}
DORM_INLINE Expr operator-(Expr a, Expr b) {
    return detail::binary(Expr::Op::Sub, std::move(a), std::move(b));
}
DORM_INLINE Expr operator*(Expr a, Expr b) {
    return detail::binary(Expr::Op::Mul, std::move(a), std::move(b));
}
DORM_INLINE Expr operator/(Expr a, Expr b) {
    return detail::binary(Expr::Op::Div, std::move(a), std::move(b));
}
DORM_INLINE Expr operator%(Expr a, Expr b) {
    return detail::binary(Expr::Op::Mod, std::move(a), std::move(b));
}
DORM_INLINE Expr operator-(Expr a) {
    Expr e;
    e.op = Expr::Op::Neg;
    e.args.push_back(std::move(a));
    e.set_depth();
    return e;
}
DORM_INLINE Expr operator+(Expr a, Value b) {
    return std::move(a) + Expr::literal(std::move(b));
}
DORM_INLINE Expr operator-(Expr a, Value b) {
    return std::move(a) - Expr::literal(std::move(b));
}
DORM_INLINE Expr operator*(Expr a, Value b) {
    return std::move(a) * Expr::literal(std::move(b));
}
DORM_INLINE Expr operator/(Expr a, Value b) {
    return std::move(a) / Expr::literal(std::move(b));
}
DORM_INLINE Expr operator%(Expr a, Value b) {
    return std::move(a) % Expr::literal(std::move(b));
}
DORM_INLINE Expr operator+(Value a, Expr b) {
    return Expr::literal(std::move(a)) + std::move(b);
}
DORM_INLINE Expr operator-(Value a, Expr b) {
    return Expr::literal(std::move(a)) - std::move(b);
}
DORM_INLINE Expr operator*(Value a, Expr b) {
    return Expr::literal(std::move(a)) * std::move(b);
}
DORM_INLINE Expr operator/(Value a, Expr b) {
    return Expr::literal(std::move(a)) / std::move(b);
}

DORM_INLINE Expr Count(std::string field, bool distinct) {
    return detail::aggregate(Expr::Op::Count, std::move(field), distinct);
}
DORM_INLINE Expr Sum(std::string field, bool distinct) {
    return detail::aggregate(Expr::Op::Sum, std::move(field), distinct);
}
DORM_INLINE Expr Avg(std::string field, bool distinct) {
    return detail::aggregate(Expr::Op::Avg, std::move(field), distinct);
}
DORM_INLINE Expr Min(std::string field) {
    return detail::aggregate(Expr::Op::Min, std::move(field));
}
DORM_INLINE Expr Max(std::string field) {
    return detail::aggregate(Expr::Op::Max, std::move(field));
}

DORM_INLINE std::string Expr::default_alias() const {
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
    // With a filter, Django counts the filter among the aggregate's source expressions:
    // "Complex aggregates require an alias".
    if (args.size() == 1 && args[0].op == Op::Field && !filter)
        return args[0].name + "__" + suffix;
    return {};
}

} // namespace DORM_ABI
} // namespace dorm
