#pragma once
// Q: what the user says, before it is checked. Q("headline__startswith", "Would") is one
// condition; &, | and ~ combine them. Resolving a Q against a model (resolve.hpp) turns it
// into the where-tree that the compilers read.
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "dorm/query/expressions.hpp"
#include "dorm/value.hpp"

namespace dorm {

struct Query;
struct ModelMeta;
template <class D>
class QueryChain;

// A query used as a value: `id__in` a QuerySet (its primary keys) or a values_list of one
// field.
struct Subquery {
    std::shared_ptr<const Query> query;
};

// The right-hand side of a condition: a value, a list of values, an expression, a subquery.
class Arg {
public:
    template <class V>
    requires std::constructible_from<Value, V> Arg(V&& v) : v_(Value(std::forward<V>(v))) {}
    Arg(std::initializer_list<Value> list) : v_(Values(list)) {}
    Arg(Values list) : v_(std::move(list)) {}
    template <class X>
    requires(std::constructible_from<Value, const X&> && !std::same_as<X, Value>)
        Arg(const std::vector<X>& list)
        : v_(Values(list.begin(), list.end())) {}
    Arg(Expr e) : v_(std::move(e)) {}
    Arg(Subquery s) : v_(std::move(s)) {}
    template <class D>
    Arg(const QueryChain<D>& qs) : v_(Subquery{qs.query_ptr()}) {}
    // A model instance stands for its primary key: filter("blog", blog).
    template <class M>
    requires requires(const M& m) {
        M::meta();
        m._state;
        m.pk();
    }
    Arg(const M& obj) : v_(obj.pk()), model_(&M::meta) {
        unsaved_ = obj._state.adding && (obj.pk().is_null() || obj.pk() == Value(0));
    }

    // The model of an instance given as the value, and whether it was never saved.
    const ModelMeta* instance_model() const { return model_ ? &model_() : nullptr; }
    bool unsaved_instance() const noexcept { return unsaved_; }

    const Value* value() const { return std::get_if<Value>(&v_); }
    const Values* list() const { return std::get_if<Values>(&v_); }
    const Expr* expr() const { return std::get_if<Expr>(&v_); }
    const Subquery* subquery() const { return std::get_if<Subquery>(&v_); }

private:
    std::variant<Value, Values, Expr, Subquery> v_;
    const ModelMeta& (*model_)() = nullptr;
    bool unsaved_ = false;
};

using Kwarg = std::pair<std::string, Arg>;
using Kwargs = std::vector<Kwarg>;

class Q {
public:
    enum class Connector : std::uint8_t { And, Or };

    Q() = default; // matches everything
    Q(std::string key, Arg value)
        : leaf_(std::make_shared<const Kwarg>(std::move(key), std::move(value))) {}
    // Several conditions, ANDed: Q({{"rating", 3}, {"headline__contains", "x"}}).
    Q(std::initializer_list<Kwarg> conditions) {
        for (const auto& kv : conditions)
            children_.emplace_back(kv.first, kv.second);
    }

    friend Q operator&(Q a, Q b) { return combine(std::move(a), std::move(b), Connector::And); }
    friend Q operator|(Q a, Q b) { return combine(std::move(a), std::move(b), Connector::Or); }
    friend Q operator~(Q a) {
        a.negated_ = !a.negated_;
        return a;
    }

    bool is_leaf() const noexcept { return leaf_ != nullptr; }
    bool empty() const noexcept { return !leaf_ && children_.empty(); }
    const Kwarg& condition() const { return *leaf_; }
    const std::vector<Q>& children() const noexcept { return children_; }
    Connector connector() const noexcept { return connector_; }
    bool negated() const noexcept { return negated_; }

private:
    static Q combine(Q a, Q b, Connector c) {
        if (a.empty())
            return b;
        if (b.empty())
            return a;
        Q out;
        out.connector_ = c;
        // Flatten same-connector, non-negated groups so trees stay shallow.
        for (Q* side : {&a, &b}) {
            if (!side->leaf_ && !side->negated_ && side->connector_ == c)
                for (auto& ch : side->children_)
                    out.children_.push_back(std::move(ch));
            else
                out.children_.push_back(std::move(*side));
        }
        return out;
    }

    std::shared_ptr<const Kwarg> leaf_;
    std::vector<Q> children_;
    Connector connector_ = Connector::And;
    bool negated_ = false;
};

} // namespace dorm
