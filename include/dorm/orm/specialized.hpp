#pragma once
// SpecializedQuerySet<T>: a queryset of a general model (dorm::General<T>) or of one of its
// specializations whose rows come back as their most specialized objects (djeneralize's
// `specializations` manager). It is lazy, caches its results and chains like any queryset;
// its filters speak of T's fields. Evaluating it costs one query for T's rows and one per
// specialized type among them, whatever the number of rows.
//
//   for (const std::shared_ptr<WritingImplement>& w : WritingImplement::specializations())
//       if (auto pen = std::dynamic_pointer_cast<FountainPen>(w)) ...
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/chain.hpp"
#include "dorm/orm/sync_read.hpp"
#include "dorm/orm/values.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
// A row as its specialized object: the most derived object, and how far into it the part of
// the queryset's model starts.
struct SpecializedObject {
    std::shared_ptr<void> object;
    std::size_t offset = 0;
};
// The rows of q (a query of a specialized model), each as the object of its most
// specialized model, or with direct, of the model one step below q's.
std::vector<SpecializedObject> read_specialized(const Query& q, const Evaluation& how);
// get(): the one row of q, in two queries (its type, then the object), or in one when the
// type is known (a specialization_type condition of get()).
SpecializedObject get_specialized(const Query& q, const Evaluation& how,
                                  const std::optional<std::string>& type);
// raw(): the caller's rows (with the key and specialization_type), as specialized objects.
std::vector<SpecializedObject> raw_specialized(Database& db, const ModelMeta& m,
                                               const std::string& sql, const Values& params,
                                               bool direct);
// obj.get_as_specialization(final): the object of obj's row (of model m) as its type says, in
// one query; no object when that type is m itself.
SpecializedObject as_specialization(Database& db, const ModelMeta& m, const void* obj, bool final);
// The value of a specialization_type condition among get()'s, if there is one.
std::optional<std::string> type_condition(const Kwargs& conditions);

template <class T>
std::shared_ptr<T> as_pointer(const SpecializedObject& s) {
    return std::shared_ptr<T>(s.object,
                              reinterpret_cast<T*>(static_cast<char*>(s.object.get()) + s.offset));
}
} // namespace detail

template <class T>
class SpecializedQuerySet : public QueryChain<SpecializedQuerySet<T>> {
    using Base = QueryChain<SpecializedQuerySet<T>>;
    using Base::how_;
    using Base::q_;

public:
    using value_type = std::shared_ptr<T>;
    using Base::Base;
    SpecializedQuerySet() : Base(T::objects().query_ptr()) {
        static_assert(std::is_polymorphic_v<T>,
                      "dorm: specializations() hands out std::shared_ptr<T> whose dynamic type "
                      "is the specialization: derive the general model from dorm::General<T>");
    }

    const std::vector<std::shared_ptr<T>>& results() const {
        if (!cache_) {
            std::vector<std::shared_ptr<T>> out;
            for (const auto& s : detail::read_specialized(*q_, how_))
                out.push_back(detail::as_pointer<T>(s));
            cache_ = std::make_shared<const std::vector<std::shared_ptr<T>>>(std::move(out));
        }
        return *cache_;
    }
    auto begin() const { return results().begin(); }
    auto end() const { return results().end(); }
    std::size_t size() const { return results().size(); }
    bool empty() const { return size() == 0; }
    std::shared_ptr<T> operator[](std::size_t i) const { return results().at(i); }
    std::int64_t count() const {
        return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_, how_);
    }
    bool exists() const { return cache_ ? !cache_->empty() : detail::any_rows(*q_, how_); }

    // The most specialized object of each row (the default), or the one of the model one
    // step below this queryset's (a FountainPen row comes back as a Pen).
    SpecializedQuerySet final() const { return with_direct(false); }
    SpecializedQuerySet direct() const { return with_direct(true); }

    std::shared_ptr<T> get() const { return get_one(q_, std::nullopt); }
    std::shared_ptr<T> get(std::string key, Arg value) const {
        return get({Kwarg{std::move(key), std::move(value)}});
    }
    std::shared_ptr<T> get(std::initializer_list<Kwarg> conditions) const {
        Kwargs all(conditions);
        return get_one(detail::chain::filter(*q_, conditions, false), detail::type_condition(all));
    }
    std::shared_ptr<T> get(const Q& q) const {
        return get_one(detail::chain::filter(*q_, q, false), std::nullopt);
    }
    std::optional<std::shared_ptr<T>> first() const {
        auto one = SpecializedQuerySet(detail::first_query(*q_, false), how_).results();
        return one.empty() ? std::nullopt : std::optional(one.front());
    }
    std::optional<std::shared_ptr<T>> last() const {
        auto one = SpecializedQuerySet(detail::first_query(*q_, true), how_).results();
        return one.empty() ? std::nullopt : std::optional(one.front());
    }

    // Django's Manager.raw() on the specializations: the rows must hold T's primary key and
    // specialization_type; other columns become annotations of the specialized objects.
    std::vector<std::shared_ptr<T>> raw(const std::string& sql, const Values& params = {}) const {
        std::vector<std::shared_ptr<T>> out;
        for (const auto& s : detail::raw_specialized(sql::db_of(how_), T::meta(), sql, params,
                                                     how_.direct_specializations))
            out.push_back(detail::as_pointer<T>(s));
        return out;
    }

    // Rows, not objects: as T's querysets give them.
    template <class... S>
    ValuesQuerySet values(const S&... fields) const {
        return ValuesQuerySet(detail::chain::values(*q_, {std::string(fields)...}), how_);
    }
    template <class... S>
    ValuesListQuerySet values_list(const S&... fields) const {
        return ValuesListQuerySet(detail::chain::values(*q_, {std::string(fields)...}), how_);
    }

private:
    SpecializedQuerySet with_direct(bool direct) const {
        Evaluation how = how_;
        how.direct_specializations = direct;
        return SpecializedQuerySet(q_, std::move(how));
    }
    std::shared_ptr<T> get_one(std::shared_ptr<const Query> q,
                               const std::optional<std::string>& type) const {
        try {
            return detail::as_pointer<T>(detail::get_specialized(*q, how_, type));
        } catch (const dorm::DoesNotExist& e) {
            throw typename T::DoesNotExist(e.what());
        } catch (const dorm::MultipleObjectsReturned& e) {
            throw typename T::MultipleObjectsReturned(e.what());
        }
    }

    mutable std::shared_ptr<const std::vector<std::shared_ptr<T>>> cache_;
};

template <class T>
SpecializedQuerySet<T> ModelApi<T>::specializations() {
    return SpecializedQuerySet<T>();
}

template <class T>
std::shared_ptr<T> ModelApi<T>::get_as_specialization(bool final) const {
    static_assert(std::is_polymorphic_v<T>,
                  "dorm: get_as_specialization() needs a dorm::General model");
    Database& db = state().db ? *state().db : default_database();
    detail::SpecializedObject s;
    try {
        s = detail::as_specialization(db, meta(), static_cast<const T*>(this), final);
    } catch (const dorm::DoesNotExist& e) { // the specialized row is missing
        throw typename T::DoesNotExist(e.what());
    }
    if (!s.object) // the row is of T itself
        return std::make_shared<T>(*static_cast<const T*>(this));
    return detail::as_pointer<T>(s);
}

// Calls f with obj as the first of Ts that it is (its exact type first, then in the order
// given: list the most specialized first), or as Base when it is none of them.
template <class... Ts, class Base, class F>
decltype(auto) visit_as(Base& obj, F&& f) {
    using Result = decltype(f(obj));
    std::optional<std::conditional_t<std::is_void_v<Result>, bool, Result>> done;
    auto exact = [&](auto* tag) {
        using U =
            std::conditional_t<std::is_const_v<Base>, const std::remove_pointer_t<decltype(tag)>,
                               std::remove_pointer_t<decltype(tag)>>;
        if (done || typeid(obj) != typeid(U))
            return;
        if constexpr (std::is_void_v<Result>) {
            f(static_cast<U&>(obj)), done = true;
        } else {
            done = f(static_cast<U&>(obj));
        }
    };
    auto derived = [&](auto* tag) {
        using U =
            std::conditional_t<std::is_const_v<Base>, const std::remove_pointer_t<decltype(tag)>,
                               std::remove_pointer_t<decltype(tag)>>;
        if (done)
            return;
        if (auto* u = dynamic_cast<U*>(&obj)) {
            if constexpr (std::is_void_v<Result>) {
                f(*u), done = true;
            } else {
                done = f(*u);
            }
        }
    };
    (exact(static_cast<Ts*>(nullptr)), ...);
    (derived(static_cast<Ts*>(nullptr)), ...);
    if constexpr (std::is_void_v<Result>) {
        if (!done)
            f(obj);
    } else {
        return done ? std::move(*done) : f(obj);
    }
}

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/specialized.ipp"
#endif
