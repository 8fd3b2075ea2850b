#pragma once
// Related objects: following a ForeignKey (entry.blog.get()), and the managers of the other
// sides of relations (blog.related(&Entry::blog), entry.related(&Entry::authors)), with
// Django's add, remove, clear, set and create.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/queryset.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
// ForeignKey<T>::operator=(obj): obj (of model m) must be saved.
void check_assignable(const ModelMeta& m, const void* obj);
// ForeignKey<T>::get(): how the object a relation points to is read (on db; local_only: the
// relation of a skip_cdms() object).
Evaluation follow_evaluation(Database& db, bool local_only);
// The relation of model m whose member is at this offset in m's objects (related()).
const FieldMeta& relation_at(const ModelMeta& m, std::size_t offset);
// Model<T>::related<U>("entry_set"): the many-to-many field of m (reverse: false) or the
// reverse relation (reverse: true) by that name, to model `target`.
std::pair<const FieldMeta*, bool> related_set(const ModelMeta& m, std::string_view accessor,
                                              const ModelMeta& target);

// What a RelatedManager does that does not depend on its model: the objects of model
// `target` on the other side of relation `link` from one owner (its primary key), in db.
//  - reverse ForeignKey (blog.related(&Entry::blog)): `link` is the ForeignKey of target;
//  - many-to-many (either side): `link` is the ManyToMany field, `reverse` from its target.
class RelatedSet {
public:
    RelatedSet(const ModelMeta& target, const FieldMeta& link, bool reverse, Value owner,
               Database& db)
        : target_(target), link_(link), reverse_(reverse), owner_(std::move(owner)), db_(db) {}

    // The query of the related objects.
    static std::shared_ptr<const Query> query(const ModelMeta& target, const FieldMeta& link,
                                              bool reverse, const Value& owner);

    const FieldMeta& link() const noexcept { return link_; }
    const Value& owner() const noexcept { return owner_; }
    Database& db() const noexcept { return db_; }
    bool many() const noexcept { return link_.kind == FieldKind::ManyToMany; }

    // The primary key of a related object, which must be saved.
    Value saved_pk(const void* obj) const;
    // add(), remove() and clear() of objects of the target model; remove() throws what
    // not_related throws for an object that is not related.
    void add(const std::vector<void*>& objs) const;
    void remove(const std::vector<void*>& objs,
                void (*not_related)(const std::string& message)) const;
    void clear() const;

private:
    const ModelMeta& through() const { return link_.through_model(); }
    const FieldMeta* near() const;
    const FieldMeta* far() const;
    void require_nullable(const char* what) const;
    void link(const Value& from, const Value& to) const;

    const ModelMeta& target_;
    const FieldMeta& link_;
    bool reverse_;
    Value owner_;
    Database& db_;
};
} // namespace detail

template <class T>
ForeignKey<T>& ForeignKey<T>::operator=(const T& obj) {
    detail::check_assignable(T::meta(), &obj);
    id_ = obj.pk();
    cache_ = detail::ModelOps<T>::share(obj);
    db_ = obj._state.db;
    return *this;
}

template <class T>
T& ForeignKey<T>::get() const {
    if (!cache_) {
        if (is_null())
            throw
                typename T::DoesNotExist("No related " + T::meta().name + ": the relation is NULL");
        Database& db = db_ ? *db_ : default_database();
        // From the model's shared empty query; a synced parent is read once per evaluation.
        cache_ = detail::ModelOps<T>::share(
            QuerySet<T>(QuerySet<T>().query_ptr(), detail::follow_evaluation(db, local_only_))
                .get("pk", id_));
    }
    return *static_cast<T*>(cache_.get());
}

namespace detail {
// The field of model U whose member a member pointer names.
template <class U, class F>
const FieldMeta& field_of_member(F U::*member) {
    // Not cached: two members of the same type (friends, follows) share this instantiation.
    static const U probe{};
    const auto offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*member)) -
                                                 reinterpret_cast<const char*>(&probe));
    return relation_at(U::meta(), offset);
}

template <class F>
struct is_many_to_many : std::false_type {};
template <class X>
struct is_many_to_many<ManyToMany<X>> : std::true_type {};
template <class F>
struct is_one_to_one : std::false_type {};
template <class X>
struct is_one_to_one<OneToOne<X>> : std::true_type {};
} // namespace detail

// The objects on the other side of one instance's relation: a QuerySet of them (filter,
// count, iterate...) and the writes that change which objects are related.
//  - reverse ForeignKey (blog.related(&Entry::blog)): `link` is the ForeignKey of T;
//  - many-to-many (either side): `link` is the ManyToMany field, `reverse` from its target.
template <class T>
class RelatedManager : public QuerySet<T> {
public:
    RelatedManager(const FieldMeta& link, bool reverse, Value owner_pk, Database& db,
                   const detail::InstanceState& owner_state)
        : QuerySet<T>(detail::RelatedSet::query(T::meta(), link, reverse, owner_pk),
                      Evaluation::on(db)),
          set_(T::meta(), link, reverse, std::move(owner_pk), db) {
        for (const auto& p : owner_state.prefetched())
            if (p.field == &link && p.reverse == reverse)
                prefetched_ = std::static_pointer_cast<const std::vector<T>>(p.objects);
        if (prefetched_)
            this->set_cache(prefetched_);
    }

    // All the related objects; after prefetch_related(), the prefetched ones, with no query
    // (Django's blog.entry_set.all()).
    QuerySet<T> all() const {
        QuerySet<T> qs = QuerySet<T>::all();
        if (prefetched_)
            qs.set_cache(prefetched_);
        return qs;
    }

    // A new object, saved, related to the owner.
    T create(const Kwargs& values) const {
        return atomic(set_.db(), [&] {
            T obj = QuerySet<T>::make(values);
            if (set_.many())
                return add_created(obj);
            set_.link().set(&obj, set_.owner());
            SaveOptions opts;
            opts.using_ = &set_.db();
            opts.force_insert = true;
            obj.save(opts);
            return obj;
        });
    }
    T create(std::initializer_list<Kwarg> values) const { return create(Kwargs(values)); }

    // Relates saved objects to the owner (adding a link that exists does nothing).
    template <class... O>
    requires(std::same_as<O, T>&&...) void add(O&... objs) const {
        set_.add(std::vector<void*>{static_cast<void*>(&objs)...});
    }
    void add(std::vector<T>& objs) const { set_.add(pointers(objs)); }
    template <class... O>
    requires(std::same_as<O, T>&&...) void remove(O&... objs) const {
        set_.remove(std::vector<void*>{static_cast<void*>(&objs)...}, &not_related);
    }
    void remove(std::vector<T>& objs) const { set_.remove(pointers(objs), &not_related); }
    // Unrelates every object (a ForeignKey must be nullable: its rows are kept, with NULL).
    void clear() const { set_.clear(); }
    // Makes exactly these objects related: the others are removed, the new ones added.
    void set(std::vector<T>& objs) const {
        atomic(set_.db(), [&] {
            if (!set_.many() && !set_.link().null()) { // rows cannot lose a non-null key: add only
                add(objs);
                return;
            }
            Values keep;
            for (auto& o : objs)
                keep.push_back(set_.saved_pk(&o));
            std::vector<T> old = this->all().exclude("pk__in", keep).to_vector();
            remove(old);
            add(objs);
        });
    }

private:
    static std::vector<void*> pointers(std::vector<T>& objs) {
        return detail::object_pointers(objs.data(), objs.size(), sizeof(T));
    }
    [[noreturn]] static void not_related(const std::string& message) {
        throw typename T::DoesNotExist(message);
    }
    T add_created(T& obj) const {
        SaveOptions opts;
        opts.using_ = &set_.db();
        opts.force_insert = true;
        obj.save(opts);
        set_.add(std::vector<void*>{&obj});
        return obj;
    }

    detail::RelatedSet set_;
    std::shared_ptr<const std::vector<T>> prefetched_;
};

template <class T>
template <class U, class F>
auto ModelApi<T>::related(F U::*member) const {
    const T& self = *static_cast<const T*>(this);
    Database& db = state().db ? *state().db : default_database();
    const FieldMeta& f = detail::field_of_member(member);
    if constexpr (detail::is_many_to_many<F>::value) {
        using X = typename F::target_type;
        if constexpr (std::is_same_v<U, T>) {
            return RelatedManager<X>(f, false, pk(), db, state()); // the targets of self's links
        } else {
            static_assert(std::is_same_v<X, T>,
                          "dorm: related(): the relation is not to this model");
            return RelatedManager<U>(f, true, pk(), db, state()); // the models that link to self
        }
    } else {
        static_assert(std::is_base_of_v<ForeignKey<T>, F>,
                      "dorm: related(): the member is not a relation to this model");
        if constexpr (detail::is_one_to_one<F>::value) {
            (void)self;
            return U::objects().using_(db).get(f.name, pk()); // U::DoesNotExist when none
        } else {
            return RelatedManager<U>(f, true, pk(), db, state());
        }
    }
}

template <class T>
template <class U>
auto ModelApi<T>::related(std::string_view accessor) const {
    Database& db = state().db ? *state().db : default_database();
    const auto [f, reverse] = detail::related_set(T::meta(), accessor, U::meta());
    return RelatedManager<U>(*f, reverse, pk(), db, state());
}

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/related.ipp"
#endif
