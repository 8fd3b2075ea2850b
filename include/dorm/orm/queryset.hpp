#pragma once
// QuerySet<T>: lazy, chainable, and caching its results after the first evaluation, as
// Django's. Evaluation runs the SQL compiler on the query and reads rows into T objects.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/execute.hpp"
#include "dorm/orm/full_clean.hpp"
#include "dorm/orm/prefetch.hpp"
#include "dorm/orm/sync_read.hpp"
#include "dorm/orm/values.hpp"
#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {

// What QuerySet<T>, Manager<T> and Model<T> do that does not depend on T: compiled once (in
// the library in compiled mode), not once per model.
namespace detail {
// A new query of model m (what Manager<T> starts from).
std::shared_ptr<const Query> new_query(const ModelMeta& m);
// qs[i] of a queryset not evaluated: the query of that one row.
std::shared_ptr<const Query> index_query(const Query& q, std::size_t i);
std::string does_not_exist_message(const ModelMeta& m);
std::string multiple_objects_message(const ModelMeta& m, std::size_t found);
// get_or_create() and update_or_create(): the query of the lookup...
std::shared_ptr<const Query> filter_kwargs(const Query& q, const Kwargs& kwargs);
// ...and the values of a created object: lookups with "__" are conditions only; plain names
// also become field values.
Kwargs merged(const Kwargs& lookup, const Kwargs& defaults);
// One field of an object of model m, set to the value of `arg`.
void set_field(const ModelMeta& m, void* obj, const std::string& name, const Arg& arg);
// A new instance: the fields' declared defaults, then the values given.
void init_object(const ModelMeta& m, void* obj, const Kwargs& values);
// bulk_create() in the local store: every INSERT in one transaction. When one fails, the
// objects already inserted get back their unset primary keys.
void insert_all(Database& db, const ModelMeta& m, const std::vector<void*>& objs);
// The addresses of the n objects of `size` bytes each stored from `first` on (a std::vector<T>
// as the std::vector<void*> the type-erased calls take), compiled once rather than per model.
std::vector<void*> object_pointers(void* first, std::size_t n, std::size_t size);
// in_bulk(): the unique field the objects are keyed by.
const FieldMeta& in_bulk_field(const ModelMeta& m, const std::string& field);
// update() and delete_() of a queryset, through the sync engine when the model is mapped
// (or extends a mapped model: the engine writes that model's part of the rows).
std::int64_t update_rows(const Query& q, const Evaluation& how, const Kwargs& values);
DeleteResult delete_rows(const Query& q, const Evaluation& how);
// Manager::raw(): the rows of the caller's SQL, each read into the object next(ctx) gives.
void read_raw(Database& db, const ModelMeta& m, const std::string& sql, const Values& params,
              sql::NextObject next, void* ctx);
// Model<T>::delete_(skip_cdms): the row of obj and what on_delete does to the rows that
// refer to it; an auto primary key is unset afterwards.
DeleteResult delete_instance(Database& db, const ModelMeta& m, void* obj);
bool contains(const std::vector<std::string>& names, const std::string& name);
} // namespace detail

template <class T>
class QuerySet : public QueryChain<QuerySet<T>> {
    using Base = QueryChain<QuerySet<T>>;
    using Base::how_;
    using Base::q_;

public:
    using value_type = T;
    using Base::Base;
    QuerySet() : Base(fresh()) {}

    // --- evaluation -----------------------------------------------------------------------
    const std::vector<T>& results() const {
        if (!cache_) // owned as ModelMeta's prefetch support owns a std::vector<T>
            cache_ = detail::ModelOps<T>::share_vector(read(*q_, how_));
        return *cache_;
    }
    auto begin() const { return results().begin(); }
    auto end() const { return results().end(); }
    std::size_t size() const { return results().size(); } // Django's len(qs)
    bool empty() const { return size() == 0; }
    std::vector<T> to_vector() const { return results(); }

    // qs[i]: from the cache when evaluated, else one row with LIMIT 1 OFFSET i. Past the end:
    // dorm::IndexError.
    T operator[](std::size_t i) const {
        if (cache_) {
            if (i >= cache_->size())
                detail::index_out_of_range(meta(), i);
            return (*cache_)[i];
        }
        auto one = read(*detail::index_query(*q_, i), how_);
        if (one.empty())
            detail::index_out_of_range(meta(), i);
        return std::move(one.front());
    }

    std::int64_t count() const {
        return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_, how_);
    }
    bool exists() const { return cache_ ? !cache_->empty() : detail::any_rows(*q_, how_); }

    T get() const { return get_one(q_); }
    T get(const Q& q) const { return get_one(detail::chain::filter(*q_, q, false)); }
    T get(std::string key, Arg value) const {
        return get_one(detail::chain::filter(*q_, std::move(key), std::move(value), false));
    }
    T get(std::initializer_list<Kwarg> conditions) const {
        return get_one(detail::chain::filter(*q_, conditions, false));
    }
    template <detail::kwarg_range R>
    T get(const R& conditions) const {
        return get_one(detail::chain::filter(*q_, detail::kwargs_of(conditions), false));
    }

    std::optional<T> first() const { return first_or_last(false); }
    std::optional<T> last() const { return first_or_last(true); }
    template <class... S>
    requires(detail::name_like<S>&&...) T latest(const S&... fields)
    const { return by_date(false, {std::string(fields)...}); }
    T latest(std::vector<std::string> fields) const { return by_date(false, std::move(fields)); }
    template <detail::name_range R>
    T latest(const R& fields) const {
        return by_date(false, std::vector<std::string>(detail::names_of(fields)));
    }
    template <class... S>
    requires(detail::name_like<S>&&...) T earliest(const S&... fields)
    const { return by_date(true, {std::string(fields)...}); }
    T earliest(std::vector<std::string> fields) const { return by_date(true, std::move(fields)); }
    template <detail::name_range R>
    T earliest(const R& fields) const {
        return by_date(true, std::vector<std::string>(detail::names_of(fields)));
    }

    // --- writes ---------------------------------------------------------------------------
    // Each call that takes (name, value) pairs takes them as a braced list, a dorm::Kwargs, or
    // any range of pairs built at run time (std::map<std::string, dorm::Arg>...).
    T create(T obj) const {
        SaveOptions opts;
        opts.using_ = &db();
        opts.force_insert = true;
        obj.save(opts);
        return obj;
    }
    T create(const Kwargs& values) const { return create(make(values)); }
    T create(std::initializer_list<Kwarg> values) const { return create(Kwargs(values)); }
    template <detail::kwarg_range R>
    T create(const R& values) const {
        return create(kwargs(values));
    }

    // Returns the object and whether it was created.
    std::pair<T, bool> get_or_create(const Kwargs& lookup, const Kwargs& defaults = {}) const {
        return atomic(db(), [&]() -> std::pair<T, bool> {
            try {
                return {get_one(detail::filter_kwargs(*q_, lookup)), false};
            } catch (const dorm::DoesNotExist&) {
            }
            return {create(detail::merged(lookup, defaults)), true};
        });
    }
    std::pair<T, bool> update_or_create(const Kwargs& lookup, const Kwargs& defaults = {}) const {
        return atomic(db(), [&]() -> std::pair<T, bool> {
            try {
                T obj = get_one(detail::filter_kwargs(*q_, lookup));
                for (const auto& [name, arg] : defaults)
                    detail::set_field(meta(), &obj, name, arg);
                obj.save(db());
                return {std::move(obj), false};
            } catch (const dorm::DoesNotExist&) {
            }
            return {create(detail::merged(lookup, defaults)), true};
        });
    }

    template <detail::kwarg_range L, detail::kwarg_range D = Kwargs>
    requires(!std::same_as<L, Kwargs> ||
             !std::same_as<D, Kwargs>) std::pair<T, bool> get_or_create(const L& lookup,
                                                                        const D& defaults = D())
    const { return get_or_create(kwargs(lookup), kwargs(defaults)); }
    template <detail::kwarg_range L, detail::kwarg_range D = Kwargs>
    requires(!std::same_as<L, Kwargs> ||
             !std::same_as<D, Kwargs>) std::pair<T, bool> update_or_create(const L& lookup,
                                                                           const D& defaults = D())
    const { return update_or_create(kwargs(lookup), kwargs(defaults)); }

    // INSERTs every object in one transaction and sets auto primary keys.
    std::vector<T>& bulk_create(std::vector<T>& objs) const {
        SyncHooks* s = detail::sync_of(*q_, how_);
        if (!s)
            return bulk_create_local(objs);
        // A failure after the local INSERTs (the remote refused) rolls them back: the
        // objects get back their keys and state.
        std::vector<void*> ptrs;
        std::vector<std::pair<Value, detail::InstanceState>> before;
        for (T& obj : objs) {
            sql::validate(meta(), &obj); // before anything is written, here or remote
            ptrs.push_back(&obj);
            before.emplace_back(obj.pk(), obj._state);
        }
        try {
            s->bulk_create(db(), meta(), ptrs, [&] { bulk_create_local(objs); });
        } catch (...) {
            for (std::size_t i = 0; i < objs.size(); ++i) {
                meta().pk().set(&objs[i], before[i].first);
                objs[i]._state = before[i].second;
            }
            throw;
        }
        return objs;
    }

private:
    std::vector<T>& bulk_create_local(std::vector<T>& objs) const {
        Database& d = db();
        // All or nothing (see insert_all); the state changes once everything is committed.
        detail::insert_all(d, meta(), pointers(objs));
        for (T& obj : objs) {
            obj._state.adding = false;
            obj._state.db = &d;
        }
        return objs;
    }

public:
    // Objects by primary key (or another unique field): key -> object.
    std::map<Value, T> in_bulk(const Values& ids, const std::string& field = "pk") const {
        const FieldMeta& f = detail::in_bulk_field(meta(), field);
        std::map<Value, T> out;
        if (ids.empty())
            return out;
        for (T& obj : read(*detail::chain::filter(*q_, field + "__in", ids, false), how_)) {
            Value key = f.get(&obj);
            out.emplace(std::move(key), std::move(obj));
        }
        return out;
    }
    std::map<Value, T> in_bulk() const {
        std::map<Value, T> out;
        for (T& obj : read(*q_, how_)) {
            Value key = meta().pk().get(&obj);
            out.emplace(std::move(key), std::move(obj));
        }
        return out;
    }

    std::int64_t update(const Kwargs& values) const {
        return detail::update_rows(*q_, how_, values);
    }
    std::int64_t update(std::initializer_list<Kwarg> values) const {
        return update(Kwargs(values));
    }
    template <detail::kwarg_range R>
    std::int64_t update(const R& values) const {
        return update(kwargs(values));
    }
    DeleteResult delete_() const { return detail::delete_rows(*q_, how_); }

    // --- other shapes ---------------------------------------------------------------------
    // Each takes the names as arguments, a braced list, a std::vector<std::string> or any
    // range of string-likes.
    template <class... S>
    requires(detail::name_like<S>&&...) ValuesQuerySet values(const S&... fields)
    const { return ValuesQuerySet(detail::chain::values(*q_, {std::string(fields)...}), how_); }
    ValuesQuerySet values(const std::vector<std::string>& fields) const {
        return ValuesQuerySet(detail::chain::values(*q_, fields), how_);
    }
    template <detail::name_range R>
    ValuesQuerySet values(const R& fields) const {
        return values(detail::names_of(fields));
    }
    template <class... S>
    requires(detail::name_like<S>&&...) ValuesListQuerySet values_list(const S&... fields)
    const { return ValuesListQuerySet(detail::chain::values(*q_, {std::string(fields)...}), how_); }
    ValuesListQuerySet values_list(const std::vector<std::string>& fields) const {
        return ValuesListQuerySet(detail::chain::values(*q_, fields), how_);
    }
    template <detail::name_range R>
    ValuesListQuerySet values_list(const R& fields) const {
        return values_list(detail::names_of(fields));
    }
    // values_list(dorm::flat, "id"): Django's values_list("id", flat=True), one value per row,
    // kept flat by later calls. More than one field: UsageError.
    template <class... S>
    requires(detail::name_like<S>&&...) FlatValuesListQuerySet values_list(Flat, const S&... fields)
    const { return values_list(flat, std::vector<std::string>{std::string(fields)...}); }
    FlatValuesListQuerySet values_list(Flat, const std::vector<std::string>& fields) const {
        return FlatValuesListQuerySet(detail::flat_values(*q_, fields), how_);
    }
    template <detail::name_range R>
    FlatValuesListQuerySet values_list(Flat, const R& fields) const {
        return values_list(flat, detail::names_of(fields));
    }
    // Deferred fields keep their default value in the loaded objects, and save() writes
    // only the loaded ones (C++ cannot load a member on first access, as Django does).
    QuerySet defer(const std::vector<std::string>& fields) const {
        return QuerySet(detail::chain::defer(*q_, fields, false), how_);
    }
    QuerySet only(const std::vector<std::string>& fields) const {
        return QuerySet(detail::chain::defer(*q_, fields, true), how_);
    }
    template <class... S>
    requires(detail::name_like<S>&&...) QuerySet defer(const S&... fields)
    const { return defer({std::string(fields)...}); }
    template <class... S>
    requires(detail::name_like<S>&&...) QuerySet only(const S&... fields)
    const { return only({std::string(fields)...}); }
    template <detail::name_range R>
    QuerySet defer(const R& fields) const {
        return defer(detail::names_of(fields));
    }
    template <detail::name_range R>
    QuerySet only(const R& fields) const {
        return only(detail::names_of(fields));
    }

    // A new, unsaved instance with field values (and the fields' declared defaults).
    static T make(const Kwargs& values) {
        T obj{};
        detail::init_object(meta(), &obj, values);
        return obj;
    }

protected:
    // Results known without a query (prefetch_related()).
    void set_cache(std::shared_ptr<const std::vector<T>> rows) const { cache_ = std::move(rows); }

private:
    static const ModelMeta& meta() { return T::meta(); }
    // (name, value) pairs as the Kwargs the writes take.
    template <class R>
    static decltype(auto) kwargs(const R& pairs) {
        if constexpr (std::is_same_v<R, Kwargs>)
            return (pairs);
        else {
            auto items = detail::kwargs_of(pairs);
            return Kwargs(items.begin(), items.end());
        }
    }

    static std::vector<void*> pointers(std::vector<T>& objs) {
        return detail::object_pointers(objs.data(), objs.size(), sizeof(T));
    }

    // The objects of a query, brought from the remote first when the model is mapped.
    static std::vector<T> read(const Query& q, const Evaluation& how,
                               ReadKind kind = ReadKind::Rows) {
        detail::sync_read(q, how, kind);
        return fetch(q, how);
    }
    // The objects of a query in the local store, with their prefetch_related() relations.
    static std::vector<T> fetch(const Query& q, const Evaluation& how) {
        std::vector<T> rows = sql::fetch<T>(q, how);
        if (!how.prefetch_related.empty() && !rows.empty())
            sql::prefetch_related(meta(), pointers(rows), how);
        return rows;
    }

    [[noreturn]] static void does_not_exist(const std::string& message) {
        throw typename T::DoesNotExist(message);
    }
    [[noreturn]] static void multiple_objects(const std::string& message) {
        throw typename T::MultipleObjectsReturned(message);
    }
    // get() on a query (see detail::get_query).
    T get_one(std::shared_ptr<const Query> q) const {
        q = detail::get_query(std::move(q));
        auto rows = read(*q, how_, how_.follows_relation ? ReadKind::Follow : ReadKind::Get);
        detail::check_get(meta(), rows.size(), &does_not_exist, &multiple_objects);
        return std::move(rows.front());
    }

    // Every Manager starts from the same empty query: a Query is never changed once shared
    // (each chained call that changes it copies it), so one per model serves all, without an
    // allocation.
    static std::shared_ptr<const Query> fresh() {
        static const std::shared_ptr<const Query> empty = detail::new_query(meta());
        return empty;
    }
    Database& db() const { return sql::db_of(how_); }

    std::optional<T> first_or_last(bool last) const {
        auto rows = read(*detail::first_query(*q_, last), how_);
        if (rows.empty())
            return std::nullopt;
        return std::move(rows.front());
    }
    T by_date(bool ascending, std::vector<std::string> fields) const {
        auto rows = read(*detail::by_date_query(*q_, ascending, std::move(fields)), how_);
        if (rows.empty())
            detail::check_get(meta(), 0, &does_not_exist, &multiple_objects);
        return std::move(rows.front());
    }

    template <class>
    friend class QuerySet;
    template <class>
    friend class RelatedManager;
    mutable std::shared_ptr<const std::vector<T>> cache_;
};

// Klass::objects(): the entry point of every query on a model, as Django's manager.
template <class T>
class Manager : public QuerySet<T> {
public:
    Manager() = default;

    // Django's Manager.raw(): SQL written by the caller, with bound parameters; columns are
    // matched to fields by column name, and others become annotations.
    std::vector<T> raw(const std::string& sql, const Values& params = {}) const {
        std::vector<T> out;
        detail::read_raw(sql::db_of(this->evaluation()), T::meta(), sql, params,
                         &sql::next_object<T>, &out);
        return out;
    }
};

// --- ModelApi<T> members that need the query layer ---------------------------------------------

template <class T>
Manager<T> ModelApi<T>::objects() {
    return Manager<T>();
}

template <class T>
void ModelApi<T>::save(const SaveOptions& opts) {
    Database& db = opts.using_ ? *opts.using_ : (state().db ? *state().db : default_database());
    T* self = static_cast<T*>(this);
    const auto local = [&] { sql::save_object(db, meta(), self, state(), opts); };
    // A mapped model, or one that extends a mapped model: the remote gets the mapped part.
    std::size_t offset = 0;
    if (const ModelMeta* mapped = detail::remote_part(meta(), offset))
        if (SyncHooks* s = db.sync()) {
            void* part = reinterpret_cast<char*>(self) + offset;
            if (!opts.skip_cdms) {
                sql::validate(meta(), self); // before the remote sees it
                return keep_state_on_failure([&] { s->save(db, *mapped, part, local); });
            }
            s->saved_locally(*mapped, part);
        }
    local();
}

template <class T>
template <class Fn>
void ModelApi<T>::keep_state_on_failure(Fn&& fn) {
    // A synced write that failed was rolled back locally: the object is as it was (an
    // auto primary key handed out by the rolled-back INSERT is taken back).
    const Value pk_before = pk();
    const detail::InstanceState before = state();
    try {
        fn();
    } catch (...) {
        meta().pk().set(static_cast<T*>(this), pk_before);
        state() = before;
        throw;
    }
}

template <class T>
DeleteResult ModelApi<T>::delete_() {
    Database& db = state().db ? *state().db : default_database();
    std::size_t offset = 0;
    if (const ModelMeta* mapped = detail::remote_part(meta(), offset))
        if (SyncHooks* s = db.sync()) {
            DeleteResult result;
            keep_state_on_failure([&] {
                s->remove(db, *mapped,
                          reinterpret_cast<const char*>(static_cast<const T*>(this)) + offset,
                          [&] { result = delete_(skip_cdms); });
            });
            return result;
        }
    return delete_(skip_cdms);
}

template <class T>
DeleteResult ModelApi<T>::delete_(SkipCdms) {
    Database& db = state().db ? *state().db : default_database();
    DeleteResult result = detail::delete_instance(db, meta(), static_cast<T*>(this));
    state().adding = true;
    return result;
}

template <class T>
template <class U>
U ModelApi<T>::child() const {
    static_assert(std::is_base_of_v<T, U>, "dorm: child<U>(): U must extend this model");
    Database& db = state().db ? *state().db : default_database();
    return U::objects().using_(db).get("pk", pk());
}

template <class T>
void ModelApi<T>::full_clean(const std::vector<std::string>& exclude, bool validate_unique) {
    Database& db = state().db ? *state().db : default_database();
    T* self = static_cast<T*>(this);
    detail::full_clean(db, meta(), self, state().adding, exclude, validate_unique, [self] {
        if constexpr (requires { self->clean(); })
            self->clean();
    });
}

template <class T>
std::string ModelApi<T>::display(std::string_view field) const {
    const FieldMeta& f = meta().field(field);
    return detail::display(f, f.get(static_cast<const T*>(this)));
}

template <class T>
void ModelApi<T>::clean_fields(const std::vector<std::string>& exclude) const {
    Database& db = state().db ? *state().db : default_database();
    ValidationError::MessageDict errors;
    detail::clean_fields(db, meta(), static_cast<const T*>(this), exclude, errors);
    if (!errors.empty())
        detail::raise_validation(meta(), std::move(errors));
}

template <class T>
void ModelApi<T>::validate_unique(const std::vector<std::string>& exclude) const {
    Database& db = state().db ? *state().db : default_database();
    ValidationError::MessageDict errors;
    detail::validate_unique(db, meta(), static_cast<const T*>(this), state().adding, exclude,
                            errors);
    if (!errors.empty())
        detail::raise_validation(meta(), std::move(errors));
}

template <class T>
void ModelApi<T>::refresh_from_db(std::vector<std::string> fields) {
    Database& db = state().db ? *state().db : default_database();
    auto qs = T::objects().using_(db).filter("pk", pk());
    if (!fields.empty()) {
        qs = qs.only(fields);
    }
    T fresh = qs.get();
    for (const auto& f : meta().fields) {
        const bool wanted = fields.empty() || detail::contains(fields, f.name);
        if (!wanted)
            continue;
        f.set(static_cast<T*>(this), f.get(&fresh));
        if (!state().deferred().empty())
            std::erase(state().extra().deferred, static_cast<std::uint16_t>(f.index));
    }
}

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/queryset.ipp"
#endif
