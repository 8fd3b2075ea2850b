#pragma once
// Bodies of dorm/orm/persist.hpp (dorm/detail/config.hpp).
#include "dorm/orm/persist.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "dorm/detail/unicode.hpp"
#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE const ModelStatements& statements_for(const ModelMeta& m) {
    // The model asked for last, per thread: no lock and no lookup when saving in a loop.
    // (Entries are never removed, so the pointer stays valid.)
    thread_local const ModelMeta* last_model = nullptr;
    thread_local const ModelStatements* last = nullptr;
    if (last_model == &m)
        return *last;
    static std::mutex mutex;
    static std::unordered_map<const ModelMeta*, ModelStatements> cache;
    std::lock_guard lock(mutex);
    auto [it, inserted] = cache.try_emplace(&m);
    last_model = &m;
    last = &it->second;
    if (!inserted)
        return it->second;
    ModelStatements& s = it->second;
    const std::string table = quote(m.table);
    std::string all_cols, all_marks, some_cols, some_marks;
    for (const auto& f : m.fields) {
        if (!m.owns(f)) // a parent's field: written to the parent's table
            continue;
        if (!s.columns.empty())
            s.columns += ", ";
        s.columns += table + "." + quote(f.column);
        const std::string sep_all = all_cols.empty() ? "" : ", ";
        all_cols += sep_all + quote(f.column);
        all_marks += sep_all + "?";
        s.bind_with_pk.push_back(member_plan(f));
        if (f.primary_key && f.auto_created())
            continue;
        s.bind_without_pk.push_back(member_plan(f));
        const std::string sep = some_cols.empty() ? "" : ", ";
        some_cols += sep + quote(f.column);
        some_marks += sep + "?";
    }
    s.insert_with_pk = "INSERT INTO " + table + " (" + all_cols + ") VALUES (" + all_marks + ")";
    s.insert_without_pk = some_cols.empty() ? "INSERT INTO " + table + " DEFAULT VALUES"
                                            : "INSERT INTO " + table + " (" + some_cols +
                                                  ") VALUES (" + some_marks + ")";
    const std::string pk = table + "." + quote(m.pk().column);
    s.select_by_pk = "SELECT " + s.columns + " FROM " + table + " WHERE " + pk + " = ?";
    s.delete_by_pk = "DELETE FROM " + table + " WHERE " + pk + " = ?";
    return s;
}

// Whether every byte of s is below 0x80, eight at a time: such text is UTF-8 with no
// decoding, and most text is.
DORM_INLINE bool all_ascii(std::string_view s) noexcept {
    std::uint64_t bits = 0;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        bits |= w;
    }
    for (; i < s.size(); ++i)
        bits |= static_cast<unsigned char>(s[i]);
    return (bits & 0x8080808080808080u) == 0;
}

// validate() for one field of a type that has something to check.
DORM_INLINE void validate_field(const FieldMeta& f, const void* obj) {
    // The member's payload, or null for an empty optional.
    auto payload = [](const FieldMeta& field, const void* p, auto tag) -> const decltype(tag)* {
        using M = decltype(tag);
        if (!field.optional)
            return static_cast<const M*>(p);
        const auto& o = *static_cast<const std::optional<M>*>(p);
        return o ? &*o : nullptr;
    };
    const void* p = f.member(obj);
    std::string problem;
    switch (f.ctype) {
    case CType::String: {
        const std::string* text = payload(f, p, std::string{});
        if (!text)
            return;
        if (!all_ascii(*text) && detail::invalid_utf8_at(*text) != std::string_view::npos) {
            problem = detail::utf8_problem(*text);
            break;
        }
        if (!f.max_length)
            return;
        // A character takes at least one byte: short values need no counting.
        if (text->size() <= static_cast<std::size_t>(f.max_length))
            return;
        const std::size_t len = detail::utf8_length(*text);
        if (len > static_cast<std::size_t>(f.max_length))
            throw ValidationError(f.qualified_name() + ": ensure this value has at most " +
                                  std::to_string(f.max_length) + " characters (it has " +
                                  std::to_string(len) + ")");
        return;
    }
    case CType::Date:
        if (const Date* d = payload(f, p, Date{}))
            problem = detail::date_problem(*d);
        break;
    case CType::DateTime:
        if (const DateTime* dt = payload(f, p, DateTime{}))
            problem = detail::datetime_problem(*dt);
        break;
    case CType::Time:
        if (const Time* t = payload(f, p, Time{}))
            problem = detail::time_problem(*t);
        break;
    case CType::Decimal: // what save() would give SQLite must fit max_digits
        if (const Decimal* d = payload(f, p, Decimal{}))
            detail::decimal_for_save(*d, f);
        return;
    case CType::Related: {
        const Value id = f.get(obj);
        if (id.kind() == Value::Kind::Text)
            problem = detail::utf8_problem(id.as_text());
        break;
    }
    default:
        return;
    }
    if (!problem.empty())
        throw ValueError(f.described_name() + ": " + problem);
}

DORM_INLINE void validate(const ModelMeta& m, const void* obj) {
    for (const auto& f : m.fields) {
        switch (f.ctype) {
        case CType::String:
        case CType::Date:
        case CType::DateTime:
        case CType::Time:
        case CType::Decimal:
        case CType::Related:
            validate_field(f, obj);
            break;
        default: // numbers: nothing the database would not hold
            break;
        }
    }
}

DORM_INLINE bool pk_unset(const ModelMeta& m, const void* obj) {
    if (const ModelMeta& c = m.concrete(); c.parent) // the key is the parent's
        return pk_unset(*c.parent, static_cast<const char*>(obj) + m.parent_offset);
    const FieldMeta& pk = m.pk();
    if (pk.auto_created() && !pk.optional) { // a plain int32_t or int64_t member: read it
        const void* p = pk.member(obj);
        return pk.ctype == CType::I64 ? *static_cast<const std::int64_t*>(p) == 0
                                      : *static_cast<const std::int32_t*>(p) == 0;
    }
    const Value v = pk.get(obj);
    if (v.is_null())
        return true;
    return pk.auto_created() && v.as_int() == 0;
}

DORM_INLINE void check_insertable(const ModelMeta& m, bool with_pk) {
    if (!with_pk && !m.pk().auto_created())
        throw ValidationError(m.pk().qualified_name() +
                              ": the primary key must be set before saving");
}

// The INSERT of obj on stmt, leased for the statement with or without the primary key:
// binds, runs, logs and sets an unset auto key; leaves the statement to be reset.
DORM_INLINE void insert_leased(Database& db, const ModelMeta& m, const ModelStatements& s,
                               void* obj, Statement& stmt, bool with_pk) {
    const std::vector<MemberPlan>& binds = with_pk ? s.bind_with_pk : s.bind_without_pk;
    stmt.bind_row(binds.data(), binds.size(), obj);
    const auto started = db.log_start();
    try {
        stmt.step();
    } catch (const IntegrityError& e) {
        throw IntegrityError(m.name + ": " + e.what(), e.code);
    }
    if (db.logging()) {
        Values params;
        for (const auto& f : m.fields)
            if (m.owns(f) && (with_pk || !f.primary_key))
                params.push_back(f.get(obj));
        db.log(stmt.sql(), params, started);
    }
    if (!with_pk) {
        const FieldMeta& pk = m.pk();
        if (pk.ctype == CType::I64 && !pk.optional) // the usual auto key: no Value, no check
            *static_cast<std::int64_t*>(pk.member(obj)) = db.last_insert_rowid();
        else
            pk.set(obj, Value(db.last_insert_rowid()));
    }
}

// insert_object() when it is known whether the primary key is set.
DORM_INLINE void insert_one(Database& db, const ModelMeta& m, void* obj, bool with_pk) {
    const auto& s = statements_for(m);
    check_insertable(m, with_pk);
    Database::Lease stmt(db, with_pk ? s.insert_with_pk : s.insert_without_pk);
    stmt.keep_bindings();
    insert_leased(db, m, s, obj, *stmt, with_pk);
}

DORM_INLINE void insert_object(Database& db, const ModelMeta& m, void* obj) {
    if (m.specialized()) // a row of a general model says its type ("/" when it has none yet)
        set_specialization(m, obj, false);
    insert_one(db, m, obj, !pk_unset(m, obj));
}

DORM_INLINE Inserter::Inserter(Database& db, const ModelMeta& m)
    : db_(db), m_(m), s_(statements_for(m)) {}

DORM_INLINE void Inserter::insert(void* obj, bool with_pk) {
    check_insertable(m_, with_pk);
    std::optional<Database::Lease>& lease = with_pk ? with_pk_ : without_pk_;
    if (!lease)
        lease.emplace(db_, with_pk ? s_.insert_with_pk : s_.insert_without_pk);
    Statement& stmt = **lease;
    insert_leased(db_, m_, s_, obj, stmt, with_pk);
    stmt.rewind(); // every parameter is bound again by the next insert
}

DORM_INLINE std::int64_t update_object(Database& db, const ModelMeta& m, const void* obj,
                                       const std::vector<const FieldMeta*>& fields) {
    std::string sql = "UPDATE " + quote(m.table) + " SET ";
    Values params;
    std::size_t n = 0;
    for (const FieldMeta* f : fields) {
        if (f->primary_key || !m.owns(*f))
            continue;
        sql += (n++ ? ", " : "") + quote(f->column) + " = ?";
        params.push_back(f->get(obj));
    }
    if (!n) { // nothing to write: does the row exist?
        Cursor c(db, "SELECT 1 FROM " + quote(m.table) + " WHERE " + quote(m.pk().column) + " = ?",
                 Values{m.pk().get(obj)});
        return c.next() ? 1 : 0;
    }
    sql += " WHERE " + quote(m.pk().column) + " = ?";
    params.push_back(m.pk().get(obj));
    try {
        Cursor c(db, sql, std::move(params));
        return c.run();
    } catch (const IntegrityError& e) {
        throw IntegrityError(m.name + ": " + e.what(), e.code);
    }
}

// Django's _save_table: UPDATE the row of this table (of m's own fields), INSERT it when
// there is none or the key is unset. Leaves the instance's state to the caller.
DORM_INLINE bool save_table(Database& db, const ModelMeta& m, void* obj,
                            const detail::InstanceState& st, const SaveOptions& opts) {
    std::vector<const FieldMeta*> fields;
    for (const auto& n : opts.update_fields)
        if (const FieldMeta& f = m.field(n); m.owns(f))
            fields.push_back(&f);
    // A parent's update_fields only: nothing to write in this child's table (Django's too).
    if (m.parent && !opts.update_fields.empty() && fields.empty())
        return false;
    const bool unset = pk_unset(m, obj);
    if (!unset && !opts.force_insert) {
        if (opts.update_fields.empty()) { // every loaded field (only an UPDATE needs the list)
            for (const auto& f : m.fields)
                if (m.owns(f) && std::find(st.deferred().begin(), st.deferred().end(), f.index) ==
                                     st.deferred().end())
                    fields.push_back(&f);
        }
        if (update_object(db, m, obj, fields) > 0)
            return false;
        if (opts.force_update)
            throw DatabaseError(m.name + ": forced update did not affect any rows");
        // As Django: an instance with deferred fields saved to its own database saves its
        // loaded fields as update_fields; inserting would write defaults for the others.
        if (!opts.update_fields.empty() || (!st.deferred().empty() && st.db == &db))
            throw DatabaseError(m.name + ": save with update_fields did not affect any rows");
    }
    if (unset && opts.force_update)
        throw ValueError(m.name + ": cannot force an update without a primary key");
    insert_one(db, m, obj, !unset);
    return true;
}

// Multi-table inheritance: the parents' rows first (Django's _save_parents), whose key the
// child's row takes, then the child's, inserted without an UPDATE first when its parent's
// row was new. Returns whether this table's row was inserted.
DORM_INLINE bool save_tables(Database& db, const ModelMeta& m, void* obj,
                             const detail::InstanceState& st, const SaveOptions& opts) {
    if (!m.parent)
        return save_table(db, m, obj, st, opts);
    SaveOptions up = opts;
    up.update_fields.clear();
    for (const auto& n : opts.update_fields)
        if (m.parent->find(n))
            up.update_fields.push_back(n);
    bool parent_inserted = false;
    if (opts.update_fields.empty() || !up.update_fields.empty())
        parent_inserted =
            save_tables(db, *m.parent, static_cast<char*>(obj) + m.parent_offset, st, up);
    if (!parent_inserted)
        return save_table(db, m, obj, st, opts);
    SaveOptions insert = opts;
    insert.force_insert = true;
    insert.force_update = false;
    return save_table(db, m, obj, st, insert);
}

DORM_INLINE void set_specialization(const ModelMeta& m, void* obj, bool adding) {
    const FieldMeta& f = m.fields[static_cast<std::size_t>(m.specialization_field)];
    auto& type = *static_cast<std::string*>(f.member(obj));
    if (adding || type.empty()) // a new object is of its own type; a loaded one keeps its row's
        type = m.specialization;
}

DORM_INLINE void save_object(Database& db, const ModelMeta& m, void* obj, detail::InstanceState& st,
                             const SaveOptions& opts) {
    if (opts.force_insert && opts.force_update)
        throw ValueError("Cannot force both insert and updating in model saving.");
    for (const auto& n : opts.update_fields)
        m.field(n); // FieldError for a name that is not a field
    std::lock_guard lock(db.mutex());
    if (m.specialized())
        set_specialization(m, obj, st.adding);
    validate(m, obj);
    const ModelMeta& c = m.concrete();
    void* concrete = static_cast<char*>(obj) + m.concrete_offset;
    if (c.parent)
        atomic(db, [&] { save_tables(db, c, concrete, st, opts); });
    else
        save_table(db, c, concrete, st, opts);
    st.adding = false;
    st.db = &db;
}

DORM_INLINE std::int64_t delete_object(Database& db, const ModelMeta& m, const void* obj) {
    if (pk_unset(m, obj))
        throw ValueError(m.name + " object can't be deleted because its " + m.pk().name +
                         " attribute is not set");
    Cursor c(db, statements_for(m.concrete()).delete_by_pk, Values{m.pk().get(obj)});
    return c.run();
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
