#pragma once
// Bodies of dorm/tree/q.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "dorm/core/errors.hpp"
#include "dorm/tree/q.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE Arg::Arg(FromValue, Value v) : v_(std::in_place_index<0>, std::move(v)) {}
DORM_INLINE Arg::Arg(std::initializer_list<Value> list) : v_(std::in_place_index<1>, list) {}
DORM_INLINE Arg::Arg(Values list) : v_(std::in_place_index<1>, std::move(list)) {}
DORM_INLINE Arg::Arg(Expr e) : v_(std::in_place_index<2>, std::move(e)) {}
DORM_INLINE Arg::Arg(Subquery s) : v_(std::in_place_index<3>, std::move(s)) {}
DORM_INLINE Arg::Arg(const Arg&) = default;
DORM_INLINE Arg::Arg(Arg&&) noexcept = default;
DORM_INLINE Arg& Arg::operator=(const Arg&) = default;
DORM_INLINE Arg& Arg::operator=(Arg&&) noexcept = default;
DORM_INLINE Arg::~Arg() = default;

DORM_INLINE const Value* Arg::value() const {
    return std::get_if<Value>(&v_);
}
DORM_INLINE const Values* Arg::list() const {
    return std::get_if<Values>(&v_);
}
DORM_INLINE const Expr* Arg::expr() const {
    return std::get_if<Expr>(&v_);
}
DORM_INLINE const Subquery* Arg::subquery() const {
    return std::get_if<Subquery>(&v_);
}

DORM_INLINE Q::Q() noexcept = default;
DORM_INLINE Q::Q(const Q&) = default;
DORM_INLINE Q::Q(Q&&) noexcept = default;
DORM_INLINE Q& Q::operator=(const Q&) = default;
DORM_INLINE Q& Q::operator=(Q&&) noexcept = default;
DORM_INLINE Q::~Q() = default;

DORM_INLINE Q::Q(std::string key, Arg value)
    : leaf_(std::make_shared<const Kwarg>(std::move(key), std::move(value))) {
    base_ = leaf_depth(leaf_->second);
    check(depth());
}

DORM_INLINE Q::Q(std::initializer_list<Kwarg> conditions)
    : Q(std::span<const Kwarg>(conditions.begin(), conditions.size())) {}

DORM_INLINE Q::Q(std::span<const Kwarg> conditions) {
    for (const auto& kv : conditions) {
        children_.emplace_back(kv.first, kv.second);
        base_ = std::max(base_, children_.back().depth());
    }
    check(depth());
}

DORM_INLINE Q& Q::operator&=(Q other) {
    add(std::move(other), Connector::And);
    return *this;
}

DORM_INLINE Q& Q::operator|=(Q other) {
    add(std::move(other), Connector::Or);
    return *this;
}

DORM_INLINE std::uint32_t Q::depth() const noexcept {
    if (leaf_)
        return base_ + (negated_ ? 1 : 0);
    if (children_.empty())
        return 0;
    return 1 + base_ + chunk_levels(children_.size());
}

DORM_INLINE void Q::check(std::uint32_t depth) {
    if (depth > max_q_depth)
        throw ValueError("Q nesting depth " + std::to_string(depth) + " exceeds the maximum of " +
                         std::to_string(max_q_depth) +
                         " (dorm::max_q_depth; a group of conditions, a negated condition, "
                         "an expression level and a subquery each add levels)");
}

DORM_INLINE std::uint32_t Q::leaf_depth(const Arg& value) {
    if (const Expr* e = value.expr())
        return e->depth;
    if (const Subquery* s = value.subquery())
        return s->depth + 4;
    return 0;
}

DORM_INLINE void Q::add(Q other, Connector c) {
    if (other.empty())
        return;
    if (empty()) {
        *this = std::move(other);
        return;
    }
    const bool mine = open_group(c), theirs = other.open_group(c);
    const std::uint32_t base =
        std::max(mine ? base_ : depth(), theirs ? other.base_ : other.depth());
    const std::size_t width = (mine ? children_.size() : 1) + (theirs ? other.children_.size() : 1);
    check(1 + base + chunk_levels(width));
    if (!mine) {
        Q group;
        group.connector_ = c;
        group.children_.push_back(std::move(*this));
        *this = std::move(group);
    }
    if (theirs) {
        for (auto& ch : other.children_)
            children_.push_back(std::move(ch));
    } else {
        children_.push_back(std::move(other));
    }
    base_ = base;
}

namespace detail {
// An aggregate with Django's filter=Q(...). The condition is written inside the aggregate
// (FILTER (WHERE ...)): its levels count toward the expression's depth (max_expr_depth).
DORM_INLINE Expr filtered_aggregate(Expr::Op op, std::string field, bool distinct,
                                    const Q& filter) {
    if (op == Expr::Op::Count && field.size() == 1 && field.front() == '*')
        throw ValueError("Star cannot be used with filter. Please specify a field.");
    Expr e = aggregate(op, std::move(field), distinct);
    if (filter.empty()) // Q() is no filter, as in Django
        return e;
    const std::uint32_t d = filter.depth() + 1;
    if (d > max_expr_depth)
        throw ValueError("Expression nesting depth " + std::to_string(d) +
                         " of the aggregate of '" + e.args.front().name +
                         "' with its filter exceeds the maximum of " +
                         std::to_string(max_expr_depth) + " (dorm::max_expr_depth)");
    e.depth = d;
    e.filter = std::make_shared<const Q>(filter);
    return e;
}
} // namespace detail

DORM_INLINE Expr Count(std::string field, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Count, std::move(field), false, filter);
}
DORM_INLINE Expr Count(std::string field, bool distinct, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Count, std::move(field), distinct, filter);
}
DORM_INLINE Expr Sum(std::string field, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Sum, std::move(field), false, filter);
}
DORM_INLINE Expr Sum(std::string field, bool distinct, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Sum, std::move(field), distinct, filter);
}
DORM_INLINE Expr Avg(std::string field, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Avg, std::move(field), false, filter);
}
DORM_INLINE Expr Avg(std::string field, bool distinct, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Avg, std::move(field), distinct, filter);
}
DORM_INLINE Expr Min(std::string field, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Min, std::move(field), false, filter);
}
DORM_INLINE Expr Max(std::string field, const Q& filter) {
    return detail::filtered_aggregate(Expr::Op::Max, std::move(field), false, filter);
}

} // namespace DORM_ABI
} // namespace dorm
