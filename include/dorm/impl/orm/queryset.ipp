#pragma once
// Bodies of dorm/orm/queryset.hpp (dorm/detail/config.hpp).
#include "dorm/orm/queryset.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE std::vector<void*> object_pointers(void* first, std::size_t n, std::size_t size) {
    std::vector<void*> ptrs;
    ptrs.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        ptrs.push_back(static_cast<char*>(first) + i * size);
    return ptrs;
}

DORM_INLINE void check_get(const ModelMeta& m, std::size_t found, void (*none)(const std::string&),
                           void (*many)(const std::string&)) {
    if (found == 0)
        none(does_not_exist_message(m));
    if (found > 1)
        many(multiple_objects_message(m, found));
}

DORM_INLINE std::shared_ptr<const Query> new_query(const ModelMeta& m) {
    auto q = std::make_shared<Query>();
    init_query(*q, m);
    return q;
}

DORM_INLINE std::shared_ptr<const Query> index_query(const Query& q, std::size_t i) {
    // i + 1 must fit the int64 of a slice (a size_t past it would turn negative).
    if (i >= static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()))
        throw ValueError(q.model->name + " queryset index " + std::to_string(i) +
                         " out of range (at most " +
                         std::to_string(std::numeric_limits<std::int64_t>::max() - 1) +
                         "; negative indexing is not supported)");
    return chain::slice(q, static_cast<std::int64_t>(i), static_cast<std::int64_t>(i) + 1);
}

DORM_INLINE void index_out_of_range(const ModelMeta& m, std::size_t i) {
    throw IndexError(m.name + " queryset index " + std::to_string(i) + " out of range");
}

DORM_INLINE std::shared_ptr<const Query> get_query(std::shared_ptr<const Query> q) {
    if (q->is_sliced())
        return q;
    std::shared_ptr<Query> own = q.use_count() == 1 ? std::const_pointer_cast<Query>(std::move(q))
                                                    : std::make_shared<Query>(*q);
    // As Django: no ordering is needed to pick one row, and 21 rows say "more than 20".
    own->order_by_set = true;
    own->order_by.clear();
    own->random_order = false;
    own->limit = 21;
    return own;
}

DORM_INLINE std::string does_not_exist_message(const ModelMeta& m) {
    return m.name + " matching query does not exist.";
}

DORM_INLINE std::string multiple_objects_message(const ModelMeta& m, std::size_t found) {
    return "get() returned more than one " + m.name + " -- it returned " +
           (found > 20 ? std::string("more than 20") : std::to_string(found)) + "!";
}

DORM_INLINE std::shared_ptr<const Query> first_query(const Query& q, bool last) {
    const bool ordered =
        q.random_order || (q.order_by_set ? !q.order_by.empty() : !q.model->ordering.empty());
    auto n = std::make_shared<Query>(q);
    if (!ordered)
        set_ordering(*n, {"pk"});
    if (last) {
        check_not_sliced(*n, "reverse");
        n->reversed = !n->reversed;
    }
    set_slice(*n, 0, 1);
    return n;
}

DORM_INLINE std::shared_ptr<const Query> by_date_query(const Query& q, bool ascending,
                                                       std::vector<std::string> fields) {
    const ModelMeta& m = *q.model;
    if (fields.empty()) {
        if (m.get_latest_by.empty())
            throw ValueError(std::string(ascending ? "earliest" : "latest") +
                             "() requires either fields as arguments or 'get_latest_by' in the "
                             "model's Meta.");
        fields.push_back(m.get_latest_by);
    }
    if (!ascending)
        for (auto& f : fields)
            f = f.starts_with('-') ? f.substr(1) : "-" + f;
    auto n = std::make_shared<Query>(q);
    set_ordering(*n, fields);
    set_slice(*n, 0, 1);
    return n;
}

DORM_INLINE std::shared_ptr<const Query> filter_kwargs(const Query& q, const Kwargs& kwargs) {
    Q cond;
    for (const auto& [k, v] : kwargs)
        cond = cond & Q(k, v);
    return chain::filter(q, cond, false);
}

DORM_INLINE Kwargs merged(const Kwargs& lookup, const Kwargs& defaults) {
    Kwargs out;
    for (const auto& kv : lookup)
        if (kv.first.find("__") == std::string::npos)
            out.push_back(kv);
    for (const auto& kv : defaults)
        out.push_back(kv);
    return out;
}

DORM_INLINE void set_field(const ModelMeta& m, void* obj, const std::string& name, const Arg& arg) {
    const FieldMeta& f = m.field(name);
    const Value* v = arg.value();
    if (!v)
        throw ValueError(f.qualified_name() + ": expected a value");
    f.set(obj, *v);
}

DORM_INLINE void init_object(const ModelMeta& m, void* obj, const Kwargs& values) {
    for (const auto& f : m.fields)
        if (f.default_value)
            f.set(obj, *f.default_value);
    for (const auto& [name, arg] : values)
        set_field(m, obj, name, arg);
}

DORM_INLINE void insert_all(Database& db, const ModelMeta& m, const std::vector<void*>& objs) {
    // All or nothing: when one INSERT fails, the transaction is rolled back and the
    // objects already inserted get back their unset primary keys. An INSERT changes only
    // an unset (auto) primary key, so one byte per object says how to undo it.
    enum Undo : std::uint8_t { Keep, Zero, Null };
    if (m.concrete().parent) // as Django: the parents' keys would need one INSERT each
        throw ValueError("Can't bulk create a multi-table inherited model (" + m.name +
                         " extends " + m.concrete().parent->name + "); save() each object");
    if (m.specialized())
        for (void* obj : objs)
            sql::set_specialization(m, obj, true);
    const FieldMeta& pk = m.pk();
    std::vector<std::uint8_t> undo;
    undo.reserve(objs.size());
    try {
        atomic(db, [&] {
            sql::Inserter inserter(db, m);
            for (void* obj : objs) {
                sql::validate(m, obj);
                const bool with_pk = !sql::pk_unset(m, obj);
                const std::uint8_t u = with_pk                                ? Keep
                                       : pk.optional && pk.get(obj).is_null() ? Null
                                                                              : Zero;
                inserter.insert(obj, with_pk);
                undo.push_back(u);
            }
        });
    } catch (...) {
        for (std::size_t i = 0; i < undo.size(); ++i) {
            if (undo[i] == Zero)
                pk.set(objs[i], Value(0));
            if (undo[i] == Null)
                pk.set(objs[i], Value());
        }
        throw;
    }
}

DORM_INLINE const FieldMeta& in_bulk_field(const ModelMeta& m, const std::string& field) {
    const FieldMeta& f = m.field(field);
    if (!f.primary_key && !f.unique)
        throw ValueError("in_bulk()'s field_name must be a unique field but '" + field +
                         "' isn't.");
    return f;
}

// A write of the rows of q, a query of a model that extends a mapped model (a
// specialization), through the sync engine: the query of the same rows in the mapped model,
// whose part of them the remote holds. Null when q's model is mapped itself (sync_of()), or
// extends none, or the write is local (skip_cdms(), no engine).
DORM_INLINE std::shared_ptr<const Query> mapped_part(const Query& q, const Evaluation& how,
                                                     SyncHooks*& s) {
    std::size_t offset = 0;
    const ModelMeta* mapped = q.model->remote() ? nullptr : remote_part(*q.model, offset);
    s = mapped && !how.skip_remote ? sql::db_of(how).sync() : nullptr;
    if (!s)
        return nullptr;
    auto keys = std::make_shared<Query>(q);
    select_primary_keys(*keys);
    auto part = std::make_shared<Query>();
    init_query(*part, *mapped);
    add_filter(*part, Q("pk__in", Subquery{keys, q.q_depth}), false);
    return part;
}

DORM_INLINE std::int64_t update_rows(const Query& q, const Evaluation& how, const Kwargs& values) {
    SyncHooks* s = sync_of(q, how);
    std::shared_ptr<const Query> part = s ? nullptr : mapped_part(q, how, s);
    if (s) {
        std::vector<std::string> fields;
        for (const auto& kv : values)
            fields.push_back(kv.first);
        // A specialization's update: the engine sends the fields of the mapped model.
        return s->bulk_update(sql::db_of(how), part ? *part : q, fields,
                              [&] { return sql::update(q, how, values); });
    }
    return sql::update(q, how, values);
}

// delete_() in the local store: in one transaction, with the on_delete of the relations.
DORM_INLINE DeleteResult delete_local(const Query& q, const Evaluation& how) {
    Database& d = sql::db_of(how);
    try {
        return atomic(d, [&] { return sql::delete_rows(q, how); });
    } catch (const ProtectedError&) {
        throw;
    } catch (const RestrictedError&) {
        throw;
    } catch (const IntegrityError& e) {
        if (std::string_view(e.what()).starts_with("deleting "))
            throw;
        sql::Collector::refused_by_database(*q.model, e);
    }
}

DORM_INLINE DeleteResult delete_rows(const Query& q, const Evaluation& how) {
    SyncHooks* s = sync_of(q, how);
    std::shared_ptr<const Query> part = s ? nullptr : mapped_part(q, how, s);
    if (s) {
        // A specialization's delete: the remote deletes the rows of the mapped model.
        DeleteResult result;
        s->bulk_delete(sql::db_of(how), part ? *part : q, [&] { result = delete_local(q, how); });
        return result;
    }
    return delete_local(q, how);
}

DORM_INLINE std::vector<Date> dates(const Query& q, const Evaluation& how, const std::string& field,
                                    const std::string& kind, const std::string& order) {
    std::vector<Date> out;
    sync_read(q, how, ReadKind::Rows);
    for (const Value& v : sql::dates(q, how, field, kind, order, false))
        out.push_back(v.as_date());
    return out;
}

DORM_INLINE std::vector<DateTime> datetimes(const Query& q, const Evaluation& how,
                                            const std::string& field, const std::string& kind,
                                            const std::string& order) {
    std::vector<DateTime> out;
    sync_read(q, how, ReadKind::Rows);
    for (const Value& v : sql::dates(q, how, field, kind, order, true))
        out.push_back(v.as_datetime());
    return out;
}

DORM_INLINE void read_raw(Database& db, const ModelMeta& m, const std::string& sql,
                          const Values& params, sql::NextObject next, void* ctx) {
    sql::Cursor cur(db, sql, params);
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
    while (cur.next()) {
        auto [obj, state] = next(ctx);
        for (std::size_t t = 0; t < targets.size(); ++t) {
            const int i = static_cast<int>(t);
            if (targets[t])
                cur.stmt().read_member(i, *targets[t], obj, &db);
            else
                state->extra().annotations.emplace_back(cur.stmt().column_name(i),
                                                        cur.stmt().column(i));
        }
        for (const auto& f : m.fields)
            if (std::find(targets.begin(), targets.end(), &f) == targets.end())
                state->extra().deferred.push_back(static_cast<std::uint16_t>(f.index));
        state->adding = false;
        state->db = &db;
    }
}

DORM_INLINE DeleteResult delete_instance(Database& db, const ModelMeta& m, void* obj) {
    DeleteResult result;
    if (sql::has_dependents(m)) { // on_delete of the relations that point here
        if (sql::pk_unset(m, obj))
            sql::delete_object(db, m, obj); // says why it cannot
        sql::Collector collector(db);
        collector.collect(m, {m.pk().get(obj)});
        result = collector.run(m);
    } else {
        const std::int64_t n = sql::delete_object(db, m, obj);
        result.total = n;
        if (n)
            result.per_model.emplace_back(m.name, n);
    }
    // An auto primary key is unset (of the topmost parent, whose key the children share).
    std::size_t offset = 0;
    const ModelMeta& top = topmost_part(m, offset);
    if (top.pk().auto_created())
        top.pk().set(static_cast<char*>(obj) + offset, top.pk().optional ? Value() : Value(0));
    return result;
}

DORM_INLINE bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
