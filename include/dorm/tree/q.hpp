#pragma once
// Q: what the user says, before it is checked. Q("headline__startswith", "Would") is one
// condition; &, | and ~ combine them. Resolving a Q against a model (resolve.hpp) turns it
// into the where-tree that the compilers read.
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
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
// A named expression: aggregate() and annotate() items.
using NamedExpr = std::pair<std::string, Expr>;

// Arguments built at run time. Every call that takes names (order_by("a", "b")) also takes a
// container of them (a std::vector<std::string>, any range of string-likes); every call that
// takes name/value pairs (filter({{"a", 1}})) also takes a range of pairs (a
// std::vector<dorm::Kwarg>, a std::map<std::string, dorm::Arg>...). These concepts say which
// containers, and names_of / kwargs_of / named_exprs_of turn them into what the
// non-template cores take, without a copy when they already are that.
namespace detail {
// A name: std::string, std::string_view, const char*.
template <class S>
concept name_like = std::constructible_from<std::string, const S&>;
template <class R>
concept iterable = requires(const R& r) {
    std::begin(r);
    std::end(r);
};
template <class R>
using element_of = std::remove_cvref_t<decltype(*std::begin(std::declval<const R&>()))>;
// A range of names (and not a name itself: a std::string is a range of chars).
template <class R>
concept name_range = !name_like<R> && iterable<R> && name_like<element_of<R>>;
// A range of (name, V) pairs: each element has .first, a name, and .second, a V.
template <class R, class V>
concept pair_range = !name_like<R> && iterable<R> && requires(const element_of<R>& e) {
    requires name_like<std::remove_cvref_t<decltype(e.first)>>;
    requires std::constructible_from < V, const std::remove_cvref_t<decltype(e.second)>
    & > ;
};
template <class R>
concept kwarg_range = pair_range<R, Arg>;
template <class R>
concept named_expr_range = pair_range<R, Expr>;

// Names as the std::vector<std::string> the cores take (the same vector when it is one).
template <name_range R>
decltype(auto) names_of(const R& r) {
    if constexpr (std::is_same_v<R, std::vector<std::string>>) {
        return (r);
    } else {
        std::vector<std::string> out;
        for (const auto& s : r)
            out.emplace_back(s);
        return out;
    }
}
// Pairs as a contiguous sequence of std::pair<std::string, V> (the same elements when they
// are stored so: a std::vector<Kwarg>, an array, a span).
template <class V, class R>
auto pairs_of(const R& r) {
    using P = std::pair<std::string, V>;
    if constexpr (std::is_convertible_v<const R&, std::span<const P>>) {
        return std::span<const P>(r);
    } else {
        std::vector<P> out;
        for (const auto& e : r)
            out.emplace_back(std::string(e.first), V(e.second));
        return out;
    }
}
template <kwarg_range R>
auto kwargs_of(const R& r) {
    return pairs_of<Arg>(r);
}
template <named_expr_range R>
auto named_exprs_of(const R& r) {
    return pairs_of<Expr>(r);
}
} // namespace detail

class Q {
public:
    enum class Connector : std::uint8_t { And, Or };

    Q() noexcept; // matches everything
    Q(std::string key, Arg value);
    // Several conditions, ANDed: Q({{"rating", 3}, {"headline__contains", "x"}}).
    Q(std::initializer_list<Kwarg> conditions);
    // The same from a container built at run time (std::vector<Kwarg>, std::map<std::string,
    // Arg>...), in its order.
    explicit Q(std::span<const Kwarg> conditions);
    template <detail::kwarg_range R>
    requires(!std::is_convertible_v<const R&, std::span<const Kwarg>>) explicit Q(
        const R& conditions)
        : Q(std::span<const Kwarg>(detail::kwargs_of(conditions))) {}
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

// Conditional aggregation, Django's filter=Q(...): the aggregate reads only the rows the
// condition holds for, COUNT(...) FILTER (WHERE ...) (CASE WHEN on SQLite before 3.30.1).
// The condition may cross relations (the joins are added as LEFT OUTER JOINs, so that it
// drops no row of the query) and compare with F(); Q() is no filter. Count("*") takes none
// (ValueError, as Django): name a field.
//   Count("entry", Q("entry__rating__gt", 3))         Count(..., filter=Q(...))
//   Count("entry", true, Q("entry__rating__gt", 3))   Count(..., distinct=True, filter=...)
Expr Count(std::string field, const Q& filter);
Expr Count(std::string field, bool distinct, const Q& filter);
Expr Sum(std::string field, const Q& filter);
Expr Sum(std::string field, bool distinct, const Q& filter);
Expr Avg(std::string field, const Q& filter);
Expr Avg(std::string field, bool distinct, const Q& filter);
Expr Min(std::string field, const Q& filter);
Expr Max(std::string field, const Q& filter);

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/q.ipp"
#endif
