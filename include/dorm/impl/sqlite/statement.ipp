#pragma once
// Bodies of dorm/sqlite/statement.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/statement.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "dorm/core/model.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// BusyWait's clock; its deadline is kept as this clock's count of ticks, so that the
// header needs no <chrono>.
using BusyClock = std::chrono::steady_clock;
static_assert(sizeof(BusyClock::rep) <= sizeof(std::int64_t));
DORM_INLINE BusyClock::time_point busy_deadline(std::int64_t ticks) {
    return BusyClock::time_point(BusyClock::duration(ticks));
}

// "no such table: customer": whose table it is, and how to make it.
DORM_INLINE std::string missing_table_hint(std::string_view message) {
    constexpr std::string_view prefix = "no such table: ";
    if (!message.starts_with(prefix))
        return {};
    const std::string_view table = message.substr(prefix.size());
    for (const ModelMeta* m : detail::registered_models())
        if (m->table == table && !m->proxy_for)
            return " (the table of model " + m->name + ": create it with dorm::create_tables<" +
                   m->name + ">(db) before using the model)";
    return " (create the models' tables with dorm::create_tables<...>(db) before using them)";
}

DORM_INLINE void throw_sqlite(sqlite3* db, int rc, const std::string& context) {
    const int primary = rc & 0xff;
    const std::string what = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string msg = context + ": " + what + missing_table_hint(what);
    if (primary == SQLITE_CONSTRAINT)
        throw IntegrityError(msg, rc);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
        primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY || primary == SQLITE_FULL ||
        rc == function_limit_code)
        throw OperationalError(msg, rc);
    throw DatabaseError(msg, rc);
}

DORM_INLINE bool other_statement_active(sqlite3* db, sqlite3_stmt* self) noexcept {
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s))
        if (s != self && sqlite3_stmt_busy(s))
            return true;
    return false;
}

DORM_INLINE void throw_busy(sqlite3* db, int rc, const std::string& context, const BusyWait* busy) {
    std::string msg = context + ": " + sqlite3_errmsg(db);
    if (rc == SQLITE_BUSY_SNAPSHOT)
        msg += " (in WAL mode this connection's read transaction began before another "
               "connection's last commit and cannot become a write transaction; SQLite "
               "reports this at once. Roll back and run the transaction again; dorm::atomic "
               "takes the write lock first, with BEGIN IMMEDIATE)";
    else if (!busy || busy->spent())
        msg +=
            " (waited " + std::to_string(busy ? busy->waited_ms() : 0) + " ms, the busy timeout)";
    else
        msg += " (deadlock: this connection holds a read lock, in a transaction that began "
               "by reading or with a statement not finished, and needs the write lock that "
               "another connection holds while it waits for this one; SQLite reports this at "
               "once instead of waiting for the busy timeout. Roll back and run the "
               "transaction again; dorm::atomic takes the write lock first, with BEGIN "
               "IMMEDIATE)";
    throw OperationalError(msg, rc);
}

DORM_INLINE sqlite3_stmt* prepare_waiting(sqlite3* db, std::string_view sql, unsigned flags,
                                          const char** tail, BusyWait* busy,
                                          const std::string& context) {
    if (busy)
        busy->start();
    for (;;) {
        sqlite3_stmt* stmt = nullptr;
        const int rc =
            sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &stmt, tail);
        if (rc == SQLITE_OK)
            return stmt;
        if (is_busy(rc) && busy && busy->again())
            continue;
        if (is_busy(rc))
            throw_busy(db, rc, context, busy);
        throw_sqlite(db, rc, context);
    }
}

DORM_INLINE void BusyWait::attach(sqlite3* db, int timeout_ms) {
    db_ = db;
    timeout_ms_ = timeout_ms < 0 ? 0 : timeout_ms;
    seed_ = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(this) >> 4) ^
            static_cast<std::uint32_t>(BusyClock::now().time_since_epoch().count());
    install();
}

DORM_INLINE bool BusyWait::again() {
    arm();
    return pause();
}

DORM_INLINE std::int64_t BusyWait::waited_ms() const {
    if (!armed_)
        return 0;
    const auto begun = busy_deadline(deadline_) - std::chrono::milliseconds(timeout_ms_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(BusyClock::now() - begun).count();
}

DORM_INLINE void BusyWait::install() noexcept {
    sqlite3_busy_handler(db_, &BusyWait::on_busy, this);
    dirty_ = false;
}

DORM_INLINE int BusyWait::on_busy(void* self, int) {
    auto* w = static_cast<BusyWait*>(self);
    w->called_ = true;
    w->dirty_ = true;
    w->arm();
    return w->pause() ? 1 : 0;
}

DORM_INLINE void BusyWait::arm() {
    if (armed_)
        return;
    armed_ = true;
    polls_ = 0;
    deadline_ =
        (BusyClock::now() + std::chrono::milliseconds(timeout_ms_)).time_since_epoch().count();
}

DORM_INLINE bool BusyWait::pause() {
    const auto now = BusyClock::now();
    if (now >= busy_deadline(deadline_))
        return false;
    // 1, 2, 4, 4, ... ms, each between half and one and a half times that.
    const int base_us = 1000 << std::min(polls_, 2);
    ++polls_;
    seed_ = seed_ * 1664525u + 1013904223u;
    const auto jitter = static_cast<int>((seed_ >> 8) % static_cast<std::uint32_t>(base_us));
    const auto nap = std::chrono::microseconds(base_us / 2 + jitter);
    std::this_thread::sleep_for(std::min<BusyClock::duration>(nap, busy_deadline(deadline_) - now));
    return true;
}

DORM_INLINE Statement::Statement(sqlite3* db, const std::string& sql, BusyWait* busy)
    : db_(db), sql_(sql), busy_(busy) {
    stmt_ = prepare_waiting(db, sql, SQLITE_PREPARE_PERSISTENT, nullptr, busy_, "preparing " + sql);
}

DORM_INLINE void Statement::reset() noexcept {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    started_ = false;
    rows_ = false;
}

DORM_INLINE void Statement::rewind() noexcept {
    sqlite3_reset(stmt_);
    started_ = false;
    rows_ = false;
}

// Each column's value is taken once (sqlite3_column_value) and read with the sqlite3_value
// calls: one call to the statement per column instead of two (type and value, or text and
// length). SQLite calls such a value unprotected: it is not guarded by the connection's
// mutex. dorm opens every connection with SQLITE_OPEN_NOMUTEX (there is no such mutex) and
// reads the row while the statement is leased, under the Database's own lock, as the
// sqlite3_column_* calls are. Nothing is converted that read_member would not convert (an
// integer's type is asked before its value, text is asked for as text).
DORM_INLINE void Statement::read_row(const MemberPlan* plan, std::size_t n, void* obj,
                                     Database* db) const {
    for (std::size_t i = 0; i < n; ++i) {
        const MemberPlan& r = plan[i];
        const int col = static_cast<int>(i);
        void* p = static_cast<char*>(obj) + r.offset;
        switch (r.how) {
        case MemberPlan::How::I64: {
            sqlite3_value* v = sqlite3_column_value(stmt_, col);
            if (sqlite3_value_type(v) != SQLITE_INTEGER) // NULL, a real or text: checked there
                break;
            *static_cast<std::int64_t*>(p) = sqlite3_value_int64(v);
            continue;
        }
        case MemberPlan::How::F64: {
            const double v = sqlite3_column_double(stmt_, col);
            if (v == 0 && is_null(col))
                break;
            *static_cast<double*>(p) = v;
            continue;
        }
        case MemberPlan::How::String: {
            sqlite3_value* v = sqlite3_column_value(stmt_, col);
            const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(v));
            if (!t) // NULL (or out of memory): read_member tells which
                break;
            static_cast<std::string*>(p)->assign(t,
                                                 static_cast<std::size_t>(sqlite3_value_bytes(v)));
            continue;
        }
        case MemberPlan::How::Member:
            break;
        }
        read_member(col, *r.field, obj, db);
    }
}

DORM_INLINE bool Statement::step() {
    if (!started_) {
        started_ = true;
        if (busy_)
            busy_->start();
    }
    for (;;) {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) {
            rows_ = true;
            return true;
        }
        if (rc == SQLITE_DONE)
            return false;
        sqlite3_reset(stmt_); // keeps the bindings
        if (is_busy(rc) && retry_safe() && busy_ && busy_->again())
            continue;
        started_ = false; // the next step() is a new execution
        rows_ = false;
        if (is_busy(rc))
            throw_busy(db_, rc, "executing " + sql_, busy_);
        throw_sqlite(db_, rc, "executing " + sql_);
    }
}

DORM_INLINE void Statement::bind(int idx, const Value& v) {
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
        const auto& b = v.as_blob(); // an empty blob is X'', not NULL (no data pointer)
        rc = b.empty() ? sqlite3_bind_zeroblob(stmt_, idx, 0)
                       : sqlite3_bind_blob64(stmt_, idx, b.data(), b.size(), SQLITE_TRANSIENT);
        break;
    }
    case Value::Kind::Duration: // Django's duration_microseconds
        rc = sqlite3_bind_int64(stmt_, idx, v.as_duration().count());
        break;
    case Value::Kind::Decimal: // Django binds str(Decimal); NUMERIC affinity converts it
        rc = bind_text(idx, v.as_decimal().str());
        break;
    case Value::Kind::Uuid: // Django's UUIDField on SQLite: 32 hex digits, no dashes
        rc = bind_text(idx, v.as_uuid().hex());
        break;
    }
    if (rc != SQLITE_OK)
        throw_sqlite(db_, rc, "binding parameter " + std::to_string(idx));
}

DORM_INLINE void Statement::bind_member(int idx, const FieldMeta& f, const void* obj) {
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
    case CType::I16:
        sqlite3_bind_int(stmt_, idx, *static_cast<const std::int16_t*>(p));
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
    case CType::Time:
        bind_text(idx, static_cast<const Time*>(p)->iso());
        break;
    case CType::Json:
        bind_text(idx, static_cast<const Json*>(p)->dump());
        break;
    case CType::Duration:
        sqlite3_bind_int64(stmt_, idx, static_cast<const std::chrono::microseconds*>(p)->count());
        break;
    case CType::Decimal:
        bind_text(idx, detail::decimal_for_save(*static_cast<const Decimal*>(p), f));
        break;
    case CType::Uuid:
        bind_text(idx, static_cast<const Uuid*>(p)->hex());
        break;
    case CType::Blob: {
        const auto& b = *static_cast<const Blob*>(p);
        if (b.empty())
            sqlite3_bind_zeroblob(stmt_, idx, 0);
        else
            sqlite3_bind_blob64(stmt_, idx, b.data(), b.size(), SQLITE_STATIC);
        break;
    }
    case CType::Related: // bound above
    case CType::None:
        break;
    }
}

DORM_INLINE void Statement::bind_row(const MemberPlan* plan, std::size_t n, const void* obj) {
    for (std::size_t i = 0; i < n; ++i) {
        const MemberPlan& r = plan[i];
        const int idx = static_cast<int>(i + 1);
        const void* p = static_cast<const char*>(obj) + r.offset;
        switch (r.how) {
        case MemberPlan::How::I64:
            sqlite3_bind_int64(stmt_, idx, *static_cast<const std::int64_t*>(p));
            break;
        case MemberPlan::How::F64:
            sqlite3_bind_double(stmt_, idx, *static_cast<const double*>(p));
            break;
        case MemberPlan::How::String: {
            const auto& s = *static_cast<const std::string*>(p);
            sqlite3_bind_text64(stmt_, idx, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
            break;
        }
        case MemberPlan::How::Member:
            bind_member(idx, *r.field, obj);
            break;
        }
    }
}

DORM_INLINE void Statement::read_null(const FieldMeta& f, void* obj) const {
    if (!f.optional)
        throw DatabaseError("column " + f.column + " of " + f.qualified_name() +
                            " holds NULL but the field is not nullable");
    f.set(obj, Value());
}

DORM_INLINE int Statement::bind_text(int idx, const std::string& s) {
    return sqlite3_bind_text64(stmt_, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

DORM_INLINE void Statement::bad_number(const FieldMeta& f, int col, const std::string& want) const {
    throw DatabaseError("column " + f.column + " of " + f.qualified_name() + " holds " +
                        column(col).repr() + ", which does not fit " + want);
}

DORM_INLINE void Statement::read_other(int col, const FieldMeta& f, void* obj) const {
    void* p = f.member(obj);
    const Value v = column(col);
    if (v.is_null())
        return read_null(f, obj);
    switch (f.ctype) {
    case CType::Decimal:
        return store(f, p, detail::decimal_from_store(v, f));
    case CType::Uuid: {
        if (v.kind() != Value::Kind::Text)
            bad_stored(f, col);
        auto u = Uuid::parse(v.as_text());
        if (!u)
            bad_stored(f, col);
        return store(f, p, *u);
    }
    case CType::Blob:
        if (v.kind() == Value::Kind::Blob)
            return store(f, p, v.as_blob());
        if (v.kind() == Value::Kind::Text) { // Python's sqlite3 gives bytes of stored text too
            const std::string& t = v.as_text();
            return store(f, p, Blob(t.begin(), t.end()));
        }
        bad_stored(f, col);
    default:
        return;
    }
}

DORM_INLINE void Statement::bad_stored(const FieldMeta& f, int col) const {
    throw DatabaseError("column " + f.column + " of " + f.qualified_name() + " holds '" +
                        std::string(text(col)) + "', not a valid " +
                        std::string(field_kind_name(f.kind)) + " value");
}

DORM_INLINE void Statement::read_json(const FieldMeta& f, int col, void* p) const {
    try {
        store(f, p, Json(text(col)));
    } catch (const ValueError&) {
        bad_stored(f, col);
    }
}

DORM_INLINE bool Statement::has_value(CType c, const void* p) {
    return by_ctype(c, [p](auto tag) {
        return static_cast<const std::optional<decltype(tag)>*>(p)->has_value();
    });
}

DORM_INLINE const void* Statement::optional_payload(CType c, const void* p) {
    return by_ctype(c, [p](auto tag) { return payload<decltype(tag)>(p); });
}

DORM_INLINE bool Statement::retry_safe() const noexcept {
    return !rows_ && sqlite3_get_autocommit(db_) && !other_statement_active(db_, stmt_);
}

DORM_INLINE Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

DORM_INLINE std::string Statement::column_name(int col) const {
    return sqlite3_column_name(stmt_, col);
}

DORM_INLINE bool BusyWait::spent() const {
    return armed_ && BusyClock::now() >= busy_deadline(deadline_);
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
