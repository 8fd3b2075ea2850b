#pragma once
// Bodies of dorm/sync/local_rows.hpp (dorm/detail/config.hpp).
#include "dorm/sync/local_rows.hpp"

#include <algorithm>

#include "dorm/odata/compile.hpp"
#include "dorm/orm/persist.hpp"
#include "dorm/remote/client.hpp"
#include "dorm/remote/parse.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sqlite/schema.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

DORM_INLINE const FieldMeta& remote_key_field(const ModelMeta& m) {
    const FieldMeta* k = m.remote_key();
    if (!k)
        throw SyncError(m.name + " is mapped to the remote entity set " + m.remote_entity_set +
                        " but has no field declared with dorm::remote_key(...)");
    return *k;
}

DORM_INLINE Value remote_key_text(const Value& v) {
    return v.kind() == Value::Kind::Uuid ? Value(v.as_uuid().str()) : v;
}

DORM_INLINE Value key_of(const FieldMeta& key_field, const void* obj) {
    const Value v = key_field.get(obj);
    if (v.kind() == Value::Kind::Uuid && v.as_uuid() == Uuid{})
        return Value(""); // a default-constructed Uuid: no key yet, as an empty text key
    return remote_key_text(v);
}

DORM_INLINE Value key_param(const FieldMeta& key_field, const std::string& key) {
    if (key_field.kind == FieldKind::Uuid)
        if (auto u = Uuid::parse(key))
            return Value(*u);
    return Value(key);
}

DORM_INLINE const FieldMeta* remote_modified_field(const ModelMeta& m) {
    for (const auto& f : m.fields)
        if (f.remote_role == RemoteRole::Modified)
            return &f;
    return nullptr;
}

DORM_INLINE RemoteRow decode(const ModelMeta& m, const nlohmann::json& row,
                             const odata::Dialect& d) {
    if (!row.is_object())
        throw MalformedResponse(m.name + ": a remote row that is not an object");
    const FieldMeta& key = remote_key_field(m);
    RemoteRow out;
    for (const auto& f : m.fields) {
        if (!f.remote_mapped())
            continue;
        const std::string attr = odata::detail::row_attribute(f, d);
        const auto it = row.find(attr);
        if (it == row.end())
            throw MalformedResponse(m.remote_entity_set + ": a row without " + attr +
                                    " (the attribute of " + f.qualified_name() + ")");
        const ValueType t = f.is_foreign_key() ? ValueType::Text : f.value_type();
        Value v = odata::parse_value(*it, t, d.version, attr);
        if (&f == &key) {
            v = remote_key_text(v);
            if (v.kind() != Value::Kind::Text || v.as_text().empty())
                throw MalformedResponse(m.remote_entity_set + ": a row without its key " + attr);
            out.key = v.as_text();
            continue;
        }
        if (f.remote_role == RemoteRole::Modified && v.kind() == Value::Kind::DateTime)
            out.modified = v.as_datetime();
        out.values.emplace_back(&f, std::move(v));
    }
    out.etag = odata::Client::etag_of(row);
    return out;
}

DORM_INLINE void ETags::create(Database& db) {
    db.exec(std::string("CREATE TABLE IF NOT EXISTS ") + table +
            " (entity_set TEXT NOT NULL, remote_key TEXT NOT NULL, etag TEXT NOT NULL, "
            "local_changed INTEGER NOT NULL DEFAULT 0, "
            "PRIMARY KEY (entity_set, remote_key))");
    // A store made before the flag came gets it.
    const std::vector<std::string> columns = sql::column_names(db, table);
    if (std::find(columns.begin(), columns.end(), "local_changed") == columns.end())
        db.exec(std::string("ALTER TABLE ") + table +
                " ADD COLUMN local_changed INTEGER NOT NULL DEFAULT 0");
}

DORM_INLINE std::optional<std::string> ETags::get(Database& db, const ModelMeta& m,
                                                  const std::string& key) {
    static const std::string sql =
        std::string("SELECT etag FROM ") + table + " WHERE entity_set = ? AND remote_key = ?";
    return one(db, sql, m, key);
}

DORM_INLINE std::optional<std::string> ETags::get_in_step(Database& db, const ModelMeta& m,
                                                          const std::string& key) {
    static const std::string sql = std::string("SELECT etag FROM ") + table +
                                   " WHERE entity_set = ? AND remote_key = ? AND "
                                   "local_changed = 0";
    return one(db, sql, m, key);
}

DORM_INLINE void ETags::put(Database& db, const ModelMeta& m, const std::string& key,
                            const std::optional<std::string>& etag) {
    if (!etag) {
        erase(db, m, key);
        return;
    }
    static const std::string sql = std::string("INSERT INTO ") + table +
                                   " (entity_set, remote_key, etag, local_changed) VALUES "
                                   "(?, ?, ?, 0) ON CONFLICT (entity_set, remote_key) DO UPDATE "
                                   "SET etag = excluded.etag, local_changed = 0";
    sql::Cursor(db, sql, {Value(m.remote_entity_set), Value(key), Value(*etag)}).run();
}

DORM_INLINE void ETags::mark_local_change(Database& db, const ModelMeta& m,
                                          const std::string& key) {
    sql::Cursor(db,
                std::string("UPDATE ") + table +
                    " SET local_changed = 1 WHERE entity_set = ? AND remote_key = ?",
                {Value(m.remote_entity_set), Value(key)})
        .run();
}

DORM_INLINE void ETags::erase(Database& db, const ModelMeta& m, const std::string& key) {
    sql::Cursor(db,
                std::string("DELETE FROM ") + table + " WHERE entity_set = ? AND remote_key = ?",
                {Value(m.remote_entity_set), Value(key)})
        .run();
}

DORM_INLINE std::optional<std::string> ETags::one(Database& db, const std::string& sql,
                                                  const ModelMeta& m, const std::string& key) {
    sql::Cursor cur(db, sql, {Value(m.remote_entity_set), Value(key)});
    if (!cur.next())
        return std::nullopt;
    return cur.stmt().column(0).as_text();
}

DORM_INLINE std::optional<LocalRows::Found> LocalRows::find(const ModelMeta& m,
                                                            const std::string& key) {
    const FieldMeta* mod = remote_modified_field(m);
    std::string& sql = find_sql_[&m]; // built once per model: this runs for every row
    if (sql.empty())
        sql = "SELECT " + sql::quote(m.pk().column) +
              (mod ? ", " + sql::quote(mod->column) : std::string()) + " FROM " +
              sql::quote(m.table) + " WHERE " + sql::quote(remote_key_field(m).column) + " = ?";
    sql::Cursor cur(db_, sql, {key_param(remote_key_field(m), key)});
    if (!cur.next())
        return std::nullopt;
    Found f{cur.stmt().column(0), mod ? cur.stmt().column(1) : Value()};
    if (mod && !f.modified.is_null())
        f.modified = Value(f.modified.as_datetime());
    return f;
}

DORM_INLINE Value LocalRows::write(const ModelMeta& m, const RemoteRow& r, WriteCounts& counts,
                                   bool force) {
    if (const std::optional<Value> pk = try_write(m, r, counts, force))
        return *pk;
    throw SyncError(m.name + " " + r.key + ": its parent is not in the local store yet");
}

DORM_INLINE void LocalRows::write_all(const ModelMeta& m, std::vector<RemoteRow>& rows,
                                      WriteCounts& counts) {
    batch_model_ = &m;
    batch_.clear();
    for (auto& r : rows)
        batch_.emplace(r.key, &r);
    for (auto& r : rows)
        if (batch_.contains(r.key))
            write_batched(m, r, counts);
    batch_model_ = nullptr;
}

DORM_INLINE std::optional<Value> LocalRows::local_pk(const ModelMeta& m, const std::string& key,
                                                     WriteCounts& counts) {
    if (&m == batch_model_)
        if (const auto it = batch_.find(key); it != batch_.end())
            return write_batched(m, *it->second, counts);
    if (const auto found = find(m, key))
        return found->pk;
    if (deferring_)
        return std::nullopt;
    return write(m, decode(m, fetch_parent_(m, key), d_), counts);
}

DORM_INLINE std::optional<Value> LocalRows::try_write(const ModelMeta& m, const RemoteRow& r,
                                                      WriteCounts& counts, bool force) {
    const auto found = find(m, r.key);
    if (!force && found && found->modified.kind() == Value::Kind::DateTime && r.modified) {
        const DateTime local = found->modified.as_datetime();
        if (local == *r.modified && (!r.etag || ETags::get(db_, m, r.key) == r.etag)) {
            ++counts.unchanged;
            return found->pk;
        }
        if (*r.modified < local) {
            ++counts.local_newer;
            return found->pk;
        }
    }
    std::shared_ptr<void> obj = m.new_instance();
    remote_key_field(m).set(obj.get(), Value(r.key));
    std::vector<const FieldMeta*> changed;
    changed.reserve(r.values.size());
    for (const auto& [f, v] : r.values) {
        if (f->is_foreign_key()) {
            const std::optional<Value> parent = parent_pk(*f, v, counts);
            if (!parent)
                return std::nullopt;
            f->set(obj.get(), *parent);
        } else {
            f->set(obj.get(), v);
        }
        changed.push_back(f);
    }
    if (r.etag || found)
        ETags::put(db_, m, r.key, r.etag);
    if (found) {
        m.pk().set(obj.get(), found->pk);
        if (!changed.empty())
            sql::update_object(db_, m, obj.get(), changed);
        ++counts.updated;
        return found->pk;
    }
    // A row the remote made is of the general model itself: its specializations are local
    // (an update above leaves a local row's specialization_type alone: it is not mapped).
    if (m.specialized())
        sql::set_specialization(m, obj.get(), true);
    sql::insert_object(db_, m, obj.get());
    ++counts.inserted;
    return m.pk().get(obj.get());
}

DORM_INLINE std::optional<Value> LocalRows::write_batched(const ModelMeta& m, RemoteRow& r,
                                                          WriteCounts& counts) {
    if (in_progress_.contains(r.key))
        throw SyncError(m.name + " " + r.key + " is its own ancestor on the remote");
    in_progress_.insert(r.key);
    std::optional<Value> pk = try_write(m, r, counts, false);
    in_progress_.erase(r.key);
    batch_.erase(r.key);
    if (!pk)
        deferred_.push_back(std::move(r));
    return pk;
}

DORM_INLINE std::optional<Value> LocalRows::parent_pk(const FieldMeta& fk, const Value& remote_key,
                                                      WriteCounts& counts) {
    if (remote_key.is_null())
        return Value();
    const ModelMeta& parent = fk.related_model();
    if (!parent.remote() || !parent.remote_key())
        throw SyncError(fk.qualified_name() + " is mapped to the remote, but " + parent.name +
                        " has no remote entity set and remote_key to find its rows by");
    try {
        return local_pk(parent, remote_key.as_text(), counts);
    } catch (const RemoteNotFound&) {
        // A lookup to a row the remote no longer has (servers need not enforce them).
        if (fk.null())
            return Value();
        throw SyncError(fk.qualified_name() + " refers to " + parent.name + " " +
                        remote_key.as_text() + ", which the remote does not have, and " + fk.name +
                        " cannot be NULL");
    }
}

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
