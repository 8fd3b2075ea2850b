#pragma once
// A prepared SQLite statement: binding Values and model members, reading columns back.
// Members are read and written through FieldMeta's offset and C++ type, one switch for all.
#include <sqlite3.h>

#include <string>

#include "dorm/errors.hpp"
#include "dorm/fields.hpp"
#include "dorm/relations.hpp"
#include "dorm/value.hpp"

namespace dorm::sql {

// The result code of one of dorm's SQL functions failing for what the query asked, not for
// the database (a regex search that exceeded its limits): SQLITE_ERROR with an extended
// code of dorm's own, reported as OperationalError.
inline constexpr int function_limit_code = SQLITE_ERROR | (0xd0 << 8);

[[noreturn]] inline void throw_sqlite(sqlite3* db, int rc, const std::string& context) {
    const int primary = rc & 0xff;
    std::string msg = context + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    if (primary == SQLITE_CONSTRAINT)
        throw IntegrityError(msg, rc);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
        primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_FULL ||
        rc == function_limit_code)
        throw OperationalError(msg, rc);
    throw DatabaseError(msg, rc);
}

class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
        const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
        if (rc != SQLITE_OK)
            throw_sqlite(db, rc, "preparing " + sql);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(stmt_); }

    sqlite3_stmt* handle() const noexcept { return stmt_; }
    const std::string& sql() const noexcept { return sql_; }

    void reset() noexcept {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    // True while there is a row.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        sqlite3_reset(stmt_);
        throw_sqlite(db_, rc, "executing " + sql_);
    }

    void bind(int idx, const Value& v) {
        int rc = SQLITE_OK;
        switch (v.kind()) {
        case Value::Kind::Null:
            rc = sqlite3_bind_null(stmt_, idx);
            break;
        case Value::Kind::Integer:
            rc = sqlite3_bind_int64(stmt_, idx, v.as_int());
            break;
        case Value::Kind::Real:
            rc = sqlite3_bind_double(stmt_, idx, v.as_double());
            break;
        case Value::Kind::Bool:
            rc = sqlite3_bind_int(stmt_, idx, v.as_bool() ? 1 : 0);
            break;
        case Value::Kind::Text:
            rc = bind_text(idx, v.as_text());
            break;
        case Value::Kind::Date:
            rc = bind_text(idx, v.as_date().iso());
            break;
        case Value::Kind::Time:
            rc = bind_text(idx, v.as_time().iso());
            break;
        case Value::Kind::DateTime:
            rc = bind_text(idx, v.as_datetime().iso());
            break;
        case Value::Kind::Blob: {
            const auto& b = v.as_blob();
            rc = sqlite3_bind_blob64(stmt_, idx, b.data(), b.size(), SQLITE_TRANSIENT);
            break;
        }
        }
        if (rc != SQLITE_OK)
            throw_sqlite(db_, rc, "binding parameter " + std::to_string(idx));
    }

    // Binds the field's member of obj directly, with no Value in between.
    void bind_member(int idx, const FieldMeta& f, const void* obj) {
        const void* p = f.member(obj);
        if (f.ctype == CType::Related)
            return bind(idx, static_cast<const RelatedObject*>(p)->id());
        if (f.optional) {
            if (!has_value(f.ctype, p)) {
                sqlite3_bind_null(stmt_, idx);
                return;
            }
            p = optional_payload(f.ctype, p);
        }
        switch (f.ctype) {
        case CType::I32:
            sqlite3_bind_int(stmt_, idx, *static_cast<const std::int32_t*>(p));
            break;
        case CType::I64:
            sqlite3_bind_int64(stmt_, idx, *static_cast<const std::int64_t*>(p));
            break;
        case CType::F64:
            sqlite3_bind_double(stmt_, idx, *static_cast<const double*>(p));
            break;
        case CType::F32:
            sqlite3_bind_double(stmt_, idx, *static_cast<const float*>(p));
            break;
        case CType::Bool:
            sqlite3_bind_int(stmt_, idx, *static_cast<const bool*>(p) ? 1 : 0);
            break;
        case CType::String: {
            const auto& s = *static_cast<const std::string*>(p);
            sqlite3_bind_text64(stmt_, idx, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
        case CType::Date:
            bind_text(idx, static_cast<const Date*>(p)->iso());
            break;
        case CType::DateTime:
            bind_text(idx, static_cast<const DateTime*>(p)->iso());
            break;
        case CType::Related: // bound above
        case CType::None:
            break;
        }
    }

    // Reads column col into the field's member of obj; bad stored data names the field.
    // One SQLite call per value in the common case: a NULL is told apart from 0 (numbers)
    // or by the null pointer (text) only when it could be one. Neither check converts the
    // stored value, so sqlite3_column_type still reports it as stored.
    // db: where the row comes from (a relation's object is read from there when followed).
    void read_member(int col, const FieldMeta& f, void* obj, Database* db = nullptr) const {
        void* p = f.member(obj);
        switch (f.ctype) {
        case CType::Related: {
            Value id = column_as(col, f.value_type());
            if (id.is_null() && !f.optional)
                return read_null(f, obj);
            detail::RelatedAccess::load(*static_cast<RelatedObject*>(p), std::move(id), db);
            return;
        }
        case CType::None:
            return;
        case CType::I32: {
            const std::int32_t v = sqlite3_column_int(stmt_, col);
            if (v == 0 && is_null(col))
                return read_null(f, obj);
            return store(f, p, v);
        }
        case CType::I64: {
            const std::int64_t v = sqlite3_column_int64(stmt_, col);
            if (v == 0 && is_null(col))
                return read_null(f, obj);
            return store(f, p, v);
        }
        case CType::F64: {
            const double v = sqlite3_column_double(stmt_, col);
            if (v == 0 && is_null(col))
                return read_null(f, obj);
            return store(f, p, v);
        }
        case CType::F32: {
            const double v = sqlite3_column_double(stmt_, col);
            if (v == 0 && is_null(col))
                return read_null(f, obj);
            return store(f, p, static_cast<float>(v));
        }
        case CType::Bool: {
            const bool v = sqlite3_column_int64(stmt_, col) != 0;
            if (!v && is_null(col))
                return read_null(f, obj);
            return store(f, p, v);
        }
        case CType::String: {
            const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
            if (!t && is_null(col))
                return read_null(f, obj);
            std::string* s = static_cast<std::string*>(p);
            if (f.optional) {
                auto& o = *static_cast<std::optional<std::string>*>(p);
                if (!o)
                    o.emplace();
                s = &*o;
            }
            if (t)
                s->assign(t, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
            else
                s->clear();
            return;
        }
        case CType::Date: {
            if (!sqlite3_column_text(stmt_, col) && is_null(col))
                return read_null(f, obj);
            auto d = Date::parse(text(col));
            if (!d)
                bad_stored(f, col);
            return store(f, p, *d);
        }
        case CType::DateTime: {
            if (!sqlite3_column_text(stmt_, col) && is_null(col))
                return read_null(f, obj);
            auto dt = DateTime::parse(text(col));
            if (!dt)
                bad_stored(f, col);
            return store(f, p, *dt);
        }
        }
    }

    std::string_view text(int col) const {
        const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return t ? std::string_view(t, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string_view();
    }

    // A column as a Value, as SQLite stores it (text stays text).
    Value column(int col) const {
        switch (sqlite3_column_type(stmt_, col)) {
        case SQLITE_INTEGER:
            return Value(sqlite3_column_int64(stmt_, col));
        case SQLITE_FLOAT:
            return Value(sqlite3_column_double(stmt_, col));
        case SQLITE_TEXT:
            return Value(std::string(text(col)));
        case SQLITE_BLOB: {
            const auto* b = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, col));
            return Value(Blob(b, b + sqlite3_column_bytes(stmt_, col)));
        }
        default:
            return Value();
        }
    }

    // A column converted to a value type (dates parsed, booleans from 0/1).
    Value column_as(int col, ValueType t) const {
        Value v = column(col);
        if (v.is_null())
            return v;
        switch (t) {
        case ValueType::Bool:
            return Value(v.as_int() != 0);
        case ValueType::Date:
            return Value(v.as_date());
        case ValueType::DateTime:
            return Value(v.as_datetime());
        case ValueType::Time:
            return Value(v.as_time());
        default:
            return v;
        }
    }

    int column_count() const noexcept { return sqlite3_column_count(stmt_); }
    std::string column_name(int col) const { return sqlite3_column_name(stmt_, col); }

private:
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    void read_null(const FieldMeta& f, void* obj) const {
        if (!f.optional)
            throw DatabaseError("column " + f.column + " of " + f.qualified_name() +
                                " holds NULL but the field is not nullable");
        f.set(obj, Value());
    }
    template <class M>
    static void store(const FieldMeta& f, void* p, const M& v) {
        if (f.optional)
            *static_cast<std::optional<M>*>(p) = v;
        else
            *static_cast<M*>(p) = v;
    }
    int bind_text(int idx, const std::string& s) {
        return sqlite3_bind_text64(stmt_, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    [[noreturn]] void bad_stored(const FieldMeta& f, int col) const {
        throw DatabaseError("column " + f.column + " of " + f.qualified_name() + " holds '" +
                            std::string(text(col)) + "', not a valid " +
                            std::string(field_kind_name(f.kind)) + " value");
    }
    template <class M>
    static const void* payload(const void* p) {
        return &**static_cast<const std::optional<M>*>(p);
    }
    template <class F>
    static auto by_ctype(CType c, F&& f) {
        switch (c) {
        case CType::I32:
            return f(std::int32_t{});
        case CType::I64:
            return f(std::int64_t{});
        case CType::F64:
            return f(double{});
        case CType::F32:
            return f(float{});
        case CType::Bool:
            return f(bool{});
        case CType::String:
            return f(std::string{});
        case CType::Date:
            return f(Date{});
        case CType::DateTime:
        case CType::Related:
        case CType::None:
            break;
        }
        return f(DateTime{});
    }
    static bool has_value(CType c, const void* p) {
        return by_ctype(c, [p](auto tag) {
            return static_cast<const std::optional<decltype(tag)>*>(p)->has_value();
        });
    }
    static const void* optional_payload(CType c, const void* p) {
        return by_ctype(c, [p](auto tag) { return payload<decltype(tag)>(p); });
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
};

} // namespace dorm::sql
