#pragma once
// Bodies of dorm/sync/write_body.hpp (dorm/detail/config.hpp).
#include "dorm/sync/write_body.hpp"

#include <cctype>
#include <memory>

#include "dorm/remote/encode.hpp"
#include "dorm/sync/local_rows.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

DORM_INLINE std::string select_by_pk(const ModelMeta& m,
                                     const std::vector<const FieldMeta*>& fields) {
    std::string cols;
    for (const FieldMeta* f : fields)
        cols += (cols.empty() ? "" : ", ") + sql::quote(f->column);
    return "SELECT " + cols + " FROM " + sql::quote(m.table) + " WHERE " +
           sql::quote(m.pk().column) + " = ?";
}

DORM_INLINE std::vector<const FieldMeta*> mapped_fields(const ModelMeta& m, bool plain) {
    std::vector<const FieldMeta*> out;
    for (const auto& f : m.fields)
        if (f.remote_mapped() && (!plain || f.remote_role == RemoteRole::Plain))
            out.push_back(&f);
    return out;
}

DORM_INLINE std::optional<Fields> mapped_row(Database& db, const ModelMeta& m, const Value& pk) {
    sql::Cursor cur(db, select_by_pk(m, mapped_fields(m, false)), {pk});
    if (!cur.next())
        return std::nullopt;
    Fields out;
    for (int i = 0; i < cur.stmt().column_count(); ++i)
        out.push_back(cur.stmt().column(i));
    return out;
}

DORM_INLINE nlohmann::json WriteBody::of(const ModelMeta& m, const void* obj,
                                         const Fields* before) {
    nlohmann::json body = nlohmann::json::object();
    std::size_t i = 0;
    for (const FieldMeta* f : mapped_fields(m, false)) {
        const std::size_t at = i++;
        if (f->remote_role == RemoteRole::Modified)
            continue;
        if (before && f->remote_role == RemoteRole::Key)
            continue;
        const Value v = f->get(obj);
        if (before && same(*f, (*before)[at], v))
            continue;
        put(body, *f, v);
    }
    return body;
}

DORM_INLINE std::vector<std::optional<nlohmann::json>>
WriteBody::of_stored(const ModelMeta& m, const std::vector<const FieldMeta*>& fields,
                     const Values& pks) {
    const std::string sql = select_by_pk(m, fields);
    std::vector<std::optional<nlohmann::json>> out;
    for (const Value& pk : pks) {
        sql::Cursor cur(db_, sql, {pk});
        if (!cur.next()) {
            out.emplace_back();
            continue;
        }
        std::shared_ptr<void> obj = m.new_instance();
        nlohmann::json body = nlohmann::json::object();
        for (std::size_t i = 0; i < fields.size(); ++i) {
            // Through the member: the store's 0/1 and ISO text become the field's own kind.
            fields[i]->set(obj.get(), cur.stmt().column(static_cast<int>(i)));
            put(body, *fields[i], fields[i]->get(obj.get()));
        }
        out.emplace_back(std::move(body));
    }
    return out;
}

DORM_INLINE void WriteBody::put(nlohmann::json& body, const FieldMeta& f, const Value& v) {
    if (f.is_foreign_key())
        put_lookup(body, f, v);
    else if (f.kind == FieldKind::Decimal && !v.is_null()) // as the local store keeps it
        body[f.remote_name] =
            odata::json_value(Value(v.as_decimal().quantize(f.decimal_places)), d_.version);
    else
        body[f.remote_name] = odata::json_value(v, d_.version);
}

DORM_INLINE bool WriteBody::same(const FieldMeta& f, const Value& stored, const Value& now) {
    if (stored.is_null() || now.is_null())
        return stored.is_null() == now.is_null();
    switch (f.value_type()) { // the store gives text for dates and integers for booleans
    case ValueType::Date:
        return stored.as_date() == now.as_date();
    case ValueType::DateTime:
        return stored.as_datetime() == now.as_datetime();
    case ValueType::Bool:
        return stored.as_bool() == now.as_bool();
    case ValueType::Duration: // the store gives integer microseconds
        return stored.as_duration() == now.as_duration();
    case ValueType::Decimal:
        return detail::decimal_from_store(stored, f) == detail::decimal_from_store(now, f);
    case ValueType::Uuid:
        return stored.as_uuid() == now.as_uuid();
    default:
        return stored == now;
    }
}

DORM_INLINE void WriteBody::put_lookup(nlohmann::json& body, const FieldMeta& fk, const Value& pk) {
    if (pk.is_null()) {
        body[fk.remote_name] = nullptr;
        return;
    }
    const ModelMeta& parent = fk.related_model();
    sql::Cursor cur(db_, select_by_pk(parent, {&remote_key_field(parent)}), {pk});
    if (!cur.next() || cur.stmt().column(0).is_null())
        throw SyncError(fk.qualified_name() + ": the " + parent.name + " " + pk.repr() +
                        " has no remote key (save it with sync first)");
    const FieldMeta& key_field = remote_key_field(parent);
    const Value stored = cur.stmt().column(0);
    const std::string key = key_field.kind == FieldKind::Uuid
                                ? stored.as_uuid().str() // stored as 32 hex digits
                                : stored.as_text();
    // A lookup is written as the dialect spells ForeignKeys (odata::LookupForm).
    if (d_.lookups == odata::LookupForm::ValueAttribute) { // Dataverse
        body[fk.remote_name + "@odata.bind"] = "/" + parent.remote_entity_set + "(" + key + ")";
    } else if (d_.lookups == odata::LookupForm::EntityReference) { // CRM 2011
        std::string logical = parent.remote_entity_set;
        if (logical.ends_with("Set"))
            logical.resize(logical.size() - 3);
        for (auto& c : logical)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        body[fk.remote_name] = {{"Id", key}, {"LogicalName", logical}};
    } else {
        body[fk.remote_name] = key;
    }
}

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
