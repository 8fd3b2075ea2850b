#pragma once
// Q: what the user says, before it is checked. Q("headline__startswith", "Would") is one
// condition; &, | and ~ combine them. Resolving a Q against a model (resolve.hpp) turns it
// into the where-tree that the compilers read.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/tree/expressions.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct Query;
struct ModelMeta;
template <class D>
class QueryChain;

// How deeply a Q tree may nest, in levels: a group of conditions is one level more than
// its deepest member, a negated condition (~Q("a", 1)) is one level, a condition whose value
// is an expression counts the expression's depth, one whose value is a queryset counts that
// queryset's deepest filter plus 4, and a group wider than q_chunk_size (rendered in chunks,
// see sql/compiler.hpp) one more level per factor of q_chunk_size. SQLite's parser overflows
// its stack on about 22 nested NOT (...) groups, and the SQL for a condition adds some of its
// own (IS NOT NULL guards, subqueries), so dorm refuses a Q deeper than 12 with ValueError
// when &, |, ~, &= or |= would build it. Width is not limited.
inline constexpr std::uint32_t max_q_depth = 12;
// SQLite refuses an expression more than 1000 deep, and `a OR b OR c ...` is as deep as it is
// long: a group is written as parenthesised chunks of at most this many members.
inline constexpr std::size_t q_chunk_size = 32;

// The chunk levels a group of `width` members is written with (0 up to q_chunk_size).
constexpr std::uint32_t chunk_levels(std::size_t width) noexcept {
    std::uint32_t levels = 0;
    for (std::size_t cap = q_chunk_size; width > cap; ++levels) {
        if (cap > SIZE_MAX / q_chunk_size)
            return levels + 1;
        cap *= q_chunk_size;
    }
    return levels;
}

// A query used as a value: `id__in` a QuerySet (its primary keys) or a values_list of one
// field. `depth`: the deepest filter of that query, in Q levels.
struct Subquery {
    std::shared_ptr<const Query> query;
    std::uint32_t depth = 0;
};

// The right-hand side of a condition: a value, a list of values, an expression, a subquery.
// Its constructors, copies and accessors are defined in dorm/impl/tree/q.ipp: a translation
// unit of dorm's compiled mode instantiates no std::variant machinery for them.
class Arg {
public:
    template <class V>
    requires std::constructible_from<Value, V> Arg(V&& v)
        : Arg(FromValue{}, Value(std::forward<V>(v))) {}
    Arg(std::initializer_list<Value> list);
    Arg(Values list);
    template <class X>
    requires(std::constructible_from<Value, const X&> && !std::same_as<X, Value>)
        Arg(const std::vector<X>& list)
        : Arg(Values(list.begin(), list.end())) {}
    Arg(Expr e);
    Arg(Subquery s);
    template <class D>
    Arg(const QueryChain<D>& qs) : Arg(Subquery{qs.query_ptr(), qs.query().q_depth}) {}
    // A model instance stands for its primary key: filter("blog", blog).
    template <class M>
    requires requires(const M& m) {
        M::meta();
        m._state;
        m.pk();
    }
    Arg(const M& obj) : Arg(FromValue{}, obj.pk()) {
        model_ = &M::meta;
        unsaved_ = obj._state.adding && (obj.pk().is_null() || obj.pk() == Value(0));
    }
    Arg(const Arg&);
    Arg(Arg&&) noexcept;
    Arg& operator=(const Arg&);
    Arg& operator=(Arg&&) noexcept;
    ~Arg();

    // The model of an instance given as the value, and whether it was never saved.
    const ModelMeta* instance_model() const { return model_ ? &model_() : nullptr; }
    bool unsaved_instance() const noexcept { return unsaved_; }

    const Value* value() const;
    const Values* list() const;
    const Expr* expr() const;
    const Subquery* subquery() const;

private:
    struct FromValue {};
    Arg(FromValue, Value v);

    std::variant<Value, Values, Expr, Subquery> v_;
    const ModelMeta& (*model_)() = nullptr;
    bool unsaved_ = false;
};

using Kwarg = std::pair<std::string, Arg>;
using Kwargs = std::vector<Kwarg>;

class Q {
public:
    enum class Connector : std::uint8_t { And, Or };

    Q() noexcept; // matches everything
    Q(std::string key, Arg value);
    // Several conditions, ANDed: Q({{"rating", 3}, {"headline__contains", "x"}}).
    Q(std::initializer_list<Kwarg> conditions);
    Q(const Q&);
    Q(Q&&) noexcept;
    Q& operator=(const Q&);
    Q& operator=(Q&&) noexcept;
    ~Q();

    // q |= Q(...) and q &= Q(...) add to q in place (no copy of q): a long OR built in a
    // loop costs the length of the loop, not its square.
    Q& operator&=(Q other);
    Q& operator|=(Q other);
    // The operands are taken by value: std::move(q) | Q(...) moves q, a named q is copied.
    // (Hidden friends, found only by argument-dependent lookup: their short bodies stay here.)
    friend Q operator&(Q a, Q b) {
        a.add(std::move(b), Connector::And);
        return a;
    }
    friend Q operator|(Q a, Q b) {
        a.add(std::move(b), Connector::Or);
        return a;
    }
    friend Q operator~(Q a) {
        if (a.leaf_) // a negated condition is a group of its own in SQL: NOT (...)
            check(a.base_ + (a.negated_ ? 0 : 1));
        a.negated_ = !a.negated_;
        return a;
    }

    bool is_leaf() const noexcept { return leaf_ != nullptr; }
    bool empty() const noexcept { return !leaf_ && children_.empty(); }
    const Kwarg& condition() const { return *leaf_; }
    const std::vector<Q>& children() const noexcept { return children_; }
    Connector connector() const noexcept { return connector_; }
    bool negated() const noexcept { return negated_; }
    // The nesting depth in levels (see max_q_depth); never more than max_q_depth.
    std::uint32_t depth() const noexcept;

private:
    static void check(std::uint32_t depth);
    static std::uint32_t leaf_depth(const Arg& value);
    // Is this a group that `c` may add members to, rather than one member of a new group?
    bool open_group(Connector c) const noexcept { return !leaf_ && !negated_ && connector_ == c; }

    // *this = *this <c> other, flattening same-connector, non-negated groups so trees stay
    // shallow. The depth is checked before anything changes.
    void add(Q other, Connector c);

    std::shared_ptr<const Kwarg> leaf_;
    std::vector<Q> children_;
    std::uint32_t base_ = 0; // leaf: the value's depth; group: the deepest member's depth
    Connector connector_ = Connector::And;
    bool negated_ = false;
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/q.ipp"
#endif
