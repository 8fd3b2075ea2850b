#pragma once
// QuerySet<T>: lazy, chainable, and caching its results after the first evaluation, as
// Django's. Evaluation runs the SQL compiler on the query and reads rows into T objects.
#include <limits>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/execute.hpp"
#include "dorm/orm/prefetch.hpp"
#include "dorm/orm/sync_read.hpp"
#include "dorm/orm/values.hpp"
#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {

template <class T>
class QuerySet : public QueryChain<QuerySet<T>> {
    using Base = QueryChain<QuerySet<T>>;
    using Base::q_;

public:
    using value_type = T;
    using Base::Base;
    QuerySet() : Base(fresh()) {}

    // --- evaluation -----------------------------------------------------------------------
    const std::vector<T>& results() const {
        if (!cache_)
            cache_ = std::make_shared<const std::vector<T>>(read(*q_));
        return *cache_;
    }
    auto begin() const { return results().begin(); }
    auto end() const { return results().end(); }
    std::size_t size() const { return results().size(); } // Django's len(qs)
    bool empty() const { return size() == 0; }
    std::vector<T> to_vector() const { return results(); }

    // qs[i]: from the cache when evaluated, else one row with LIMIT 1 OFFSET i.
    T operator[](std::size_t i) const {
        if (cache_)
            return cache_->at(i);
        // i + 1 must fit the int64 of a slice (a size_t past it would turn negative).
        if (i >= static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()))
            throw ValueError(meta().name + " queryset index " + std::to_string(i) +
                             " out of range (at most " +
                             std::to_string(std::numeric_limits<std::int64_t>::max() - 1) +
                             "; negative indexing is not supported)");
        auto one =
            read(*this->slice(static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1).q_);
        if (one.empty())
            throw std::out_of_range(meta().name + " queryset index " + std::to_string(i) +
                                    " out of range");
        return std::move(one.front());
    }

    std::int64_t count() const {
        return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_);
    }
    bool exists() const { return cache_ ? !cache_->empty() : detail::any_rows(*q_); }

    T get() const { return get_one(q_); }
    T get(const Q& q) const { return get_one(this->filter(q).q_); }
    T get(std::string key, Arg value) const {
        return get_one(this->filter(Q(std::move(key), std::move(value))).q_);
    }
    T get(std::initializer_list<Kwarg> conditions) const {
        return get_one(this->filter(conditions).q_);
    }

    std::optional<T> first() const {
        auto rows = read(*ordered_or_pk().slice(0, 1).q_);
        if (rows.empty())
            return std::nullopt;
        return std::move(rows.front());
    }
    std::optional<T> last() const {
        auto rows = read(*ordered_or_pk().reverse().slice(0, 1).q_);
        if (rows.empty())
            return std::nullopt;
        return std::move(rows.front());
    }
    template <class... S>
    T latest(const S&... fields) const {
        return by_date(false, {std::string(fields)...});
    }
    template <class... S>
    T earliest(const S&... fields) const {
        return by_date(true, {std::string(fields)...});
    }

    // --- writes ---------------------------------------------------------------------------
    T create(T obj) const {
        SaveOptions opts;
        opts.using_ = &db();
        opts.force_insert = true;
        obj.save(opts);
        return obj;
    }
    T create(const Kwargs& values) const { return create(make(values)); }
    T create(std::initializer_list<Kwarg> values) const { return create(Kwargs(values)); }

    // Returns the object and whether it was created.
    std::pair<T, bool> get_or_create(const Kwargs& lookup, const Kwargs& defaults = {}) const {
        return atomic(db(), [&]() -> std::pair<T, bool> {
            try {
                return {filter_kwargs(lookup).get(), false};
            } catch (const dorm::DoesNotExist&) {
            }
            return {create(merged(lookup, defaults)), true};
        });
    }
    std::pair<T, bool> update_or_create(const Kwargs& lookup, const Kwargs& defaults = {}) const {
        return atomic(db(), [&]() -> std::pair<T, bool> {
            try {
                T obj = filter_kwargs(lookup).get();
                for (const auto& [name, arg] : defaults)
                    set_field(obj, name, arg);
                obj.save(db());
                return {std::move(obj), false};
            } catch (const dorm::DoesNotExist&) {
            }
            return {create(merged(lookup, defaults)), true};
        });
    }

    // INSERTs every object in one transaction and sets auto primary keys.
    std::vector<T>& bulk_create(std::vector<T>& objs) const {
        SyncHooks* s = detail::sync_of(*q_);
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
        // All or nothing: when one INSERT fails, the transaction is rolled back and the
        // objects already inserted get back their unset primary keys and state. An INSERT
        // changes only an unset (auto) primary key, so one byte per object says how to undo
        // it, and the state changes once everything is committed.
        enum Undo : std::uint8_t { Keep, Zero, Null };
        const ModelMeta& m = meta();
        const FieldMeta& pk = m.pk();
        std::vector<std::uint8_t> undo;
        undo.reserve(objs.size());
        try {
            atomic(d, [&] {
                for (T& obj : objs) {
                    sql::validate(m, &obj);
                    const std::uint8_t u = !sql::pk_unset(m, &obj)                 ? Keep
                                           : pk.optional && pk.get(&obj).is_null() ? Null
                                                                                   : Zero;
                    sql::insert_object(d, m, &obj);
                    undo.push_back(u);
                }
            });
        } catch (...) {
            for (std::size_t i = 0; i < undo.size(); ++i) {
                if (undo[i] == Zero)
                    pk.set(&objs[i], Value(0));
                if (undo[i] == Null)
                    pk.set(&objs[i], Value());
            }
            throw;
        }
        for (T& obj : objs) {
            obj._state.adding = false;
            obj._state.db = &d;
        }
        return objs;
    }

public:
    // Objects by primary key (or another unique field): key -> object.
    std::map<Value, T> in_bulk(const Values& ids, const std::string& field = "pk") const {
        const FieldMeta& f = meta().field(field);
        if (!f.primary_key && !f.unique)
            throw ValueError("in_bulk()'s field_name must be a unique field but '" + field +
                             "' isn't.");
        std::map<Value, T> out;
        if (ids.empty())
            return out;
        for (T& obj : read(*this->filter(field + "__in", ids).q_)) {
            Value key = f.get(&obj);
            out.emplace(std::move(key), std::move(obj));
        }
        return out;
    }
    std::map<Value, T> in_bulk() const {
        std::map<Value, T> out;
        for (T& obj : read(*q_)) {
            Value key = meta().pk().get(&obj);
            out.emplace(std::move(key), std::move(obj));
        }
        return out;
    }

    std::int64_t update(const Kwargs& values) const {
        if (SyncHooks* s = detail::sync_of(*q_)) {
            std::vector<std::string> fields;
            for (const auto& kv : values)
                fields.push_back(kv.first);
            return s->bulk_update(*q_, fields, [&] { return sql::update(*q_, values); });
        }
        return sql::update(*q_, values);
    }
    std::int64_t update(std::initializer_list<Kwarg> values) const {
        return update(Kwargs(values));
    }
    DeleteResult delete_() const {
        if (SyncHooks* s = detail::sync_of(*q_)) {
            DeleteResult result;
            s->bulk_delete(*q_, [&] { result = delete_local(); });
            return result;
        }
        return delete_local();
    }

private:
    DeleteResult delete_local() const {
        Database& d = db();
        try {
            return atomic(d, [&] { return sql::delete_rows(*q_); });
        } catch (const ProtectedError&) {
            throw;
        } catch (const RestrictedError&) {
            throw;
        } catch (const IntegrityError& e) {
            if (std::string_view(e.what()).starts_with("deleting "))
                throw;
            sql::Collector::refused_by_database(meta(), e);
        }
    }

public:
    // --- other shapes ---------------------------------------------------------------------
    template <class... S>
    ValuesQuerySet values(const S&... fields) const {
        auto n = std::make_shared<Query>(*q_);
        detail::set_values(*n, {std::string(fields)...});
        return ValuesQuerySet(std::move(n));
    }
    template <class... S>
    ValuesListQuerySet values_list(const S&... fields) const {
        auto n = std::make_shared<Query>(*q_);
        detail::set_values(*n, {std::string(fields)...});
        return ValuesListQuerySet(std::move(n));
    }
    std::map<std::string, Value>
    aggregate(std::initializer_list<std::pair<std::string, Expr>> items) const {
        detail::sync_read(*q_, ReadKind::Rows);
        return sql::aggregate(*q_, items);
    }
    template <class... E>
    requires(std::same_as<E, Expr>&&...) std::map<std::string, Value> aggregate(const E&... items)
    const {
        detail::sync_read(*q_, ReadKind::Rows);
        return sql::aggregate(*q_, {std::pair<std::string, Expr>{std::string(), items}...});
    }
    std::vector<Date> dates(const std::string& field, const std::string& kind,
                            const std::string& order = "ASC") const {
        std::vector<Date> out;
        detail::sync_read(*q_, ReadKind::Rows);
        for (const Value& v : sql::dates(*q_, field, kind, order, false))
            out.push_back(v.as_date());
        return out;
    }
    std::vector<DateTime> datetimes(const std::string& field, const std::string& kind,
                                    const std::string& order = "ASC") const {
        std::vector<DateTime> out;
        detail::sync_read(*q_, ReadKind::Rows);
        for (const Value& v : sql::dates(*q_, field, kind, order, true))
            out.push_back(v.as_datetime());
        return out;
    }
    // Deferred fields keep their default value in the loaded objects, and save() writes
    // only the loaded ones (C++ cannot load a member on first access, as Django does).
    QuerySet defer(const std::vector<std::string>& fields) const {
        return this->derive([&](Query& n) { detail::set_deferred(n, fields, false); });
    }
    QuerySet only(const std::vector<std::string>& fields) const {
        return this->derive([&](Query& n) { detail::set_deferred(n, fields, true); });
    }
    template <class... S>
    QuerySet defer(const S&... fields) const {
        return defer({std::string(fields)...});
    }
    template <class... S>
    QuerySet only(const S&... fields) const {
        return only({std::string(fields)...});
    }

    // A new, unsaved instance with field values (and the fields' declared defaults).
    static T make(const Kwargs& values) {
        T obj{};
        for (const auto& f : meta().fields)
            if (f.default_value)
                f.set(&obj, *f.default_value);
        for (const auto& [name, arg] : values)
            set_field(obj, name, arg);
        return obj;
    }

protected:
    // Results known without a query (prefetch_related()).
    void set_cache(std::shared_ptr<const std::vector<T>> rows) const { cache_ = std::move(rows); }

private:
    static const ModelMeta& meta() { return T::meta(); }

    // The objects of a query, brought from the remote first when the model is mapped.
    static std::vector<T> read(const Query& q, ReadKind kind = ReadKind::Rows) {
        detail::sync_read(q, kind);
        return fetch(q);
    }
    // The objects of a query in the local store, with their prefetch_related() relations.
    static std::vector<T> fetch(const Query& q) {
        std::vector<T> rows = sql::fetch<T>(q);
        if (!q.prefetch_related.empty() && !rows.empty()) {
            std::vector<void*> ptrs;
            ptrs.reserve(rows.size());
            for (T& r : rows)
                ptrs.push_back(&r);
            const auto& paths = q.prefetch_related;
            for (std::size_t i = 0; i < paths.size(); ++i) {
                // "a" is done by "a__b" (and a repeated path once).
                bool covered = false;
                for (std::size_t k = 0; k < paths.size(); ++k)
                    covered = covered || (k != i && (paths[k].starts_with(paths[i] + "__") ||
                                                     (paths[k] == paths[i] && k < i)));
                if (!covered)
                    sql::prefetch(meta(), ptrs, paths[i], sql::db_of(q));
            }
        }
        return rows;
    }

    // get() on a query. A query made for this call alone (filter(...).get(...): the only
    // owner, created by derive() as a non-const Query) is limited in place; any other is
    // copied first, so the queryset the user holds never changes.
    static T get_one(std::shared_ptr<const Query> q) {
        if (!q->is_sliced()) {
            std::shared_ptr<Query> own = q.use_count() == 1
                                             ? std::const_pointer_cast<Query>(std::move(q))
                                             : std::make_shared<Query>(*q);
            // As Django: no ordering is needed to pick one row, and 21 rows say "more than 20".
            own->order_by_set = true;
            own->order_by.clear();
            own->random_order = false;
            own->limit = 21;
            q = std::move(own);
        }
        auto rows = read(*q, q->follows_relation ? ReadKind::Follow : ReadKind::Get);
        if (rows.empty())
            throw typename T::DoesNotExist(meta().name + " matching query does not exist.");
        if (rows.size() > 1)
            throw typename T::MultipleObjectsReturned(
                "get() returned more than one " + meta().name + " -- it returned " +
                (rows.size() > 20 ? std::string("more than 20") : std::to_string(rows.size())) +
                "!");
        return std::move(rows.front());
    }

    // Every Manager starts from the same empty query: a Query is never changed once shared
    // (each chained call copies it), so one per model serves all, without an allocation.
    static std::shared_ptr<const Query> fresh() {
        static const std::shared_ptr<const Query> empty = [] {
            auto q = std::make_shared<Query>();
            q->model = &meta();
            return q;
        }();
        return empty;
    }
    Database& db() const { return sql::db_of(*q_); }

    static void set_field(T& obj, const std::string& name, const Arg& arg) {
        const FieldMeta& f = meta().field(name);
        const Value* v = arg.value();
        if (!v)
            throw ValueError(f.qualified_name() + ": expected a value");
        f.set(&obj, *v);
    }
    // Lookups with "__" are conditions only; plain names also become field values.
    static Kwargs merged(const Kwargs& lookup, const Kwargs& defaults) {
        Kwargs out;
        for (const auto& kv : lookup)
            if (kv.first.find("__") == std::string::npos)
                out.push_back(kv);
        for (const auto& kv : defaults)
            out.push_back(kv);
        return out;
    }
    QuerySet filter_kwargs(const Kwargs& kwargs) const {
        Q q;
        for (const auto& [k, v] : kwargs)
            q = q & Q(k, v);
        return this->filter(q);
    }
    QuerySet ordered_or_pk() const {
        const Query& q = *q_;
        const bool ordered =
            q.random_order || (q.order_by_set ? !q.order_by.empty() : !meta().ordering.empty());
        return ordered ? *this : this->order_by("pk");
    }
    T by_date(bool ascending, std::vector<std::string> fields) const {
        if (fields.empty()) {
            if (meta().get_latest_by.empty())
                throw ValueError(std::string(ascending ? "earliest" : "latest") +
                                 "() requires either fields as arguments or 'get_latest_by' in the "
                                 "model's Meta.");
            fields.push_back(meta().get_latest_by);
        }
        if (!ascending)
            for (auto& f : fields)
                f = f.starts_with('-') ? f.substr(1) : "-" + f;
        auto q = this->order_by(fields).slice(0, 1);
        auto rows = read(*q.q_);
        if (rows.empty())
            throw typename T::DoesNotExist(meta().name + " matching query does not exist.");
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
        Database& d = sql::db_of(this->query());
        const ModelMeta& m = T::meta();
        sql::Cursor cur(d, sql, params);
        std::vector<const FieldMeta*> targets;
        for (int i = 0; i < cur.stmt().column_count(); ++i) {
            const FieldMeta* hit = nullptr;
            for (const auto& f : m.fields)
                if (f.column == cur.stmt().column_name(i))
                    hit = &f;
            targets.push_back(hit);
        }
        if (std::find(targets.begin(), targets.end(), &m.pk()) == targets.end())
            throw ValueError("Raw query must include the primary key (" + m.pk().column + ")");
        std::vector<T> out;
        while (cur.next()) {
            T& obj = out.emplace_back();
            for (std::size_t t = 0; t < targets.size(); ++t) {
                const int i = static_cast<int>(t);
                if (targets[t])
                    cur.stmt().read_member(i, *targets[t], &obj, &d);
                else
                    obj._state.extra().annotations.emplace_back(cur.stmt().column_name(i),
                                                                cur.stmt().column(i));
            }
            for (const auto& f : m.fields)
                if (std::find(targets.begin(), targets.end(), &f) == targets.end())
                    obj._state.extra().deferred.push_back(static_cast<std::uint16_t>(f.index));
            obj._state.adding = false;
            obj._state.db = &d;
        }
        return out;
    }
};

// --- Model<T> members that need the query layer ---------------------------------------------

template <class T>
Manager<T> Model<T>::objects() {
    return Manager<T>();
}

template <class T>
void Model<T>::save(const SaveOptions& opts) {
    Database& db = opts.using_ ? *opts.using_ : (_state.db ? *_state.db : default_database());
    const auto local = [&] { sql::save_object(db, meta(), static_cast<T*>(this), _state, opts); };
    if (meta().remote())
        if (SyncHooks* s = db.sync()) {
            if (!opts.skip_cdms) {
                sql::validate(meta(), static_cast<T*>(this)); // before the remote sees it
                return keep_state_on_failure(
                    [&] { s->save(db, meta(), static_cast<T*>(this), local); });
            }
            s->saved_locally(meta(), static_cast<T*>(this));
        }
    local();
}

template <class T>
template <class Fn>
void Model<T>::keep_state_on_failure(Fn&& fn) {
    // A synced write that failed was rolled back locally: the object is as it was (an
    // auto primary key handed out by the rolled-back INSERT is taken back).
    const Value pk_before = pk();
    const detail::InstanceState before = _state;
    try {
        fn();
    } catch (...) {
        meta().pk().set(static_cast<T*>(this), pk_before);
        _state = before;
        throw;
    }
}

template <class T>
DeleteResult Model<T>::delete_() {
    Database& db = _state.db ? *_state.db : default_database();
    if (meta().remote())
        if (SyncHooks* s = db.sync()) {
            DeleteResult result;
            keep_state_on_failure([&] {
                s->remove(db, meta(), static_cast<const T*>(this),
                          [&] { result = delete_(skip_cdms); });
            });
            return result;
        }
    return delete_(skip_cdms);
}

template <class T>
DeleteResult Model<T>::delete_(SkipCdms) {
    Database& db = _state.db ? *_state.db : default_database();
    DeleteResult result;
    if (sql::has_dependents(meta())) { // on_delete of the relations that point here
        if (sql::pk_unset(meta(), static_cast<T*>(this)))
            sql::delete_object(db, meta(), static_cast<T*>(this)); // says why it cannot
        sql::Collector collector(db);
        collector.collect(meta(), {pk()});
        result = collector.run(meta());
    } else {
        const std::int64_t n = sql::delete_object(db, meta(), static_cast<T*>(this));
        result.total = n;
        if (n)
            result.per_model.emplace_back(meta().name, n);
    }
    if (meta().pk().auto_created())
        meta().pk().set(static_cast<T*>(this), meta().pk().optional ? Value() : Value(0));
    _state.adding = true;
    return result;
}

template <class T>
void Model<T>::refresh_from_db(std::vector<std::string> fields) {
    Database& db = _state.db ? *_state.db : default_database();
    auto qs = T::objects().using_(db).filter("pk", pk());
    if (!fields.empty()) {
        qs = qs.only(fields);
    }
    T fresh = qs.get();
    for (const auto& f : meta().fields) {
        const bool wanted =
            fields.empty() || std::find(fields.begin(), fields.end(), f.name) != fields.end();
        if (!wanted)
            continue;
        f.set(static_cast<T*>(this), f.get(&fresh));
        if (!_state.deferred().empty())
            std::erase(_state.extra().deferred, static_cast<std::uint16_t>(f.index));
    }
}

} // namespace DORM_ABI
} // namespace dorm
