#pragma once
// A prepared SQLite statement: binding Values and model members, reading columns back.
// Members are read and written through FieldMeta's offset and C++ type, one switch for all.
#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/core/errors.hpp"
#include "dorm/core/fields.hpp"
#include "dorm/core/relations.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// The result code of one of dorm's SQL functions failing for what the query asked, not for
// the database (a regex search that exceeded its limits): SQLITE_ERROR with an extended
// code of dorm's own, reported as OperationalError.
inline constexpr int function_limit_code = SQLITE_ERROR | (0xd0 << 8);

[[noreturn]] void throw_sqlite(sqlite3* db, int rc, const std::string& context);
// For "no such table: customer": " (the table of model Customer: create it with ...)".
std::string missing_table_hint(std::string_view message);

inline bool is_busy(int rc) noexcept {
    return (rc & 0xff) == SQLITE_BUSY;
}

// Waiting for another connection's lock (SQLITE_BUSY), for at most the busy timeout.
//
// dorm installs this as the connection's busy handler instead of sqlite3_busy_timeout's:
// - the timeout is measured on the clock from the first wait of each statement, and the
//   polls are short (1 to 4 ms, jittered), so a waiting connection is not starved by the
//   ones that keep taking the lock between its polls (SQLite's handler polls every 100 ms
//   after the first quarter second, and in rollback-journal mode a waiter could lose every
//   poll for the whole timeout);
// - start() clears SQLite's count of handler calls before each statement. SQLite clears it
//   only when a statement starts executing, not when one is prepared or re-prepared: after
//   a statement gave up, its count stays "gave up" and SQLite then skips the handler
//   altogether when it reads the schema, failing at once with "database is locked";
// - again() is the same wait for the SQLITE_BUSY that SQLite returns without calling the
//   handler, where the caller knows that trying once more is safe.
class BusyWait {
public:
    BusyWait() = default;
    BusyWait(const BusyWait&) = delete;
    BusyWait& operator=(const BusyWait&) = delete;

    void attach(sqlite3* db, int timeout_ms);
    int timeout_ms() const noexcept { return timeout_ms_; }

    // A statement begins (a prepare, or an execution's first step): a fresh budget.
    void start() noexcept {
        armed_ = false;
        called_ = false;
        if (dirty_)
            install();
    }
    // After SQLITE_BUSY: waits a little and returns true while the budget lasts.
    bool again();
    // Whether the budget is spent (the wait reached the busy timeout).
    bool spent() const;
    // Whether SQLite called the handler since start().
    bool called() const noexcept { return called_; }
    std::int64_t waited_ms() const;

private:
    void install() noexcept;
    static int on_busy(void* self, int);
    void arm();
    bool pause();

    sqlite3* db_ = nullptr;
    int timeout_ms_ = 0;
    bool armed_ = false;  // deadline_ is set for this statement
    bool called_ = false; // SQLite called on_busy since start()
    bool dirty_ = false;  // SQLite's own count of calls may be left non-zero
    int polls_ = 0;
    std::uint32_t seed_ = 1;
    std::int64_t deadline_ = 0; // the steady clock's time_point, as its count of ticks
};

// True when db has a statement other than `self` that is part-way through (stepped, not
// reset): it holds the connection's read lock.
bool other_statement_active(sqlite3* db, sqlite3_stmt* self) noexcept;

// The error for an SQLITE_BUSY that is not retried: the busy timeout spent, or a deadlock
// SQLite reports at once.
[[noreturn]] void throw_busy(sqlite3* db, int rc, const std::string& context, const BusyWait* busy);

// Prepares the first statement of sql, retrying SQLITE_BUSY within the busy timeout:
// preparing runs nothing, so it may always be tried again (SQLite reads the schema here, and
// does not always call the busy handler for it). tail: where the next statement begins.
// Null for text that holds no statement (whitespace, a comment).
sqlite3_stmt* prepare_waiting(sqlite3* db, std::string_view sql, unsigned flags, const char** tail,
                              BusyWait* busy, const std::string& context);

// How one column is read into, or bound from, a model object's member, decided once per
// query or per model (member_plan()) so that each row runs a short loop
// (Statement::read_row, bind_row): a non-optional int64, double or std::string member is
// read or bound with no switch on the field's options; anything else goes through
// read_member or bind_member. The results and the errors are theirs in every case.
struct MemberPlan {
    enum class How : std::uint8_t { I64, F64, String, Member };
    How how = How::Member;
    std::size_t offset = 0;
    const FieldMeta* field = nullptr;
};

inline MemberPlan member_plan(const FieldMeta& f) noexcept {
    MemberPlan r;
    r.offset = f.offset;
    r.field = &f;
    if (!f.optional) {
        if (f.ctype == CType::I64)
            r.how = MemberPlan::How::I64;
        else if (f.ctype == CType::F64)
            r.how = MemberPlan::How::F64;
        else if (f.ctype == CType::String)
            r.how = MemberPlan::How::String;
    }
    return r;
}

class Statement {
public:
    // busy: the connection's wait for locks; SQLITE_BUSY is retried within its timeout where
    // that is safe (a prepare; an execution that has returned no row, outside a transaction).
    Statement(sqlite3* db, const std::string& sql, BusyWait* busy = nullptr);
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    sqlite3_stmt* handle() const noexcept { return stmt_; }
    const std::string& sql() const noexcept { return sql_; }

    void reset() noexcept;
    // Ready to run again with the same parameters bound (a run of INSERTs that binds every
    // parameter each time); reset() also clears them.
    void rewind() noexcept;

    // True while there is a row.
    bool step();

    void bind(int idx, const Value& v);

    // Binds the field's member of obj directly, with no Value in between.
    void bind_member(int idx, const FieldMeta& f, const void* obj);
    // Binds parameters 1..n from obj as plan says (MemberPlan).
    void bind_row(const MemberPlan* plan, std::size_t n, const void* obj);

    // Reads column col into the field's member of obj; bad stored data names the field.
    // Reals and text: one SQLite call per value in the common case, a NULL is told apart
    // from 0 (numbers) or by the null pointer (text) only when it could be one. Neither
    // check converts the stored value, so sqlite3_column_type still reports it as stored.
    // Integers and booleans: the stored type first, so a value the member cannot hold is
    // refused rather than cut.
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
            const auto v = read_int(col, f, std::numeric_limits<std::int32_t>::min(),
                                    std::numeric_limits<std::int32_t>::max());
            if (!v)
                return read_null(f, obj);
            return store(f, p, static_cast<std::int32_t>(*v));
        }
        case CType::I64: {
            const auto v = read_int(col, f, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max());
            if (!v)
                return read_null(f, obj);
            return store(f, p, *v);
        }
        case CType::I16: {
            const auto v = read_int(col, f, std::numeric_limits<std::int16_t>::min(),
                                    std::numeric_limits<std::int16_t>::max());
            if (!v)
                return read_null(f, obj);
            return store(f, p, static_cast<std::int16_t>(*v));
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
            // Finite and beyond float's range (compared without <cmath>).
            constexpr double most = std::numeric_limits<float>::max();
            constexpr double inf = std::numeric_limits<double>::infinity();
            if ((v > most && v < inf) || (v < -most && v > -inf))
                bad_number(f, col, "float");
            return store(f, p, static_cast<float>(v));
        }
        case CType::Bool: {
            const auto v = read_int(col, f, 0, 1);
            if (!v)
                return read_null(f, obj);
            return store(f, p, *v != 0);
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
        case CType::Time: {
            if (!sqlite3_column_text(stmt_, col) && is_null(col))
                return read_null(f, obj);
            auto t = Time::parse(text(col));
            if (!t || !t->valid())
                bad_stored(f, col);
            return store(f, p, *t);
        }
        case CType::Json: {
            if (!sqlite3_column_text(stmt_, col) && is_null(col))
                return read_null(f, obj);
            return read_json(f, col, p);
        }
        case CType::Duration: { // Django's bigint microseconds
            const auto v = read_int(col, f, std::numeric_limits<std::int64_t>::min(),
                                    std::numeric_limits<std::int64_t>::max());
            if (!v)
                return read_null(f, obj);
            return store(f, p, std::chrono::microseconds(*v));
        }
        case CType::Decimal:
        case CType::Uuid:
        case CType::Blob:
            return read_other(col, f, obj);
        }
    }

    // Reads columns 0..n-1 into obj as plan says (MemberPlan).
    void read_row(const MemberPlan* plan, std::size_t n, void* obj, Database* db) const;

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
        case ValueType::Duration:
            return Value(v.as_duration());
        case ValueType::Decimal: // Django's converter reads 15 digits of a stored double
            return v.kind() == Value::Kind::Real
                       ? Value(Decimal::from_double(v.as_double(), 15).value_or(Decimal()))
                       : Value(v.as_decimal());
        case ValueType::Uuid:
            return Value(v.as_uuid());
        default:
            return v;
        }
    }

    int column_count() const noexcept { return sqlite3_column_count(stmt_); }
    std::string column_name(int col) const;
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    // The column as a 64-bit integer, as SQLite converts it (a count, a rowid).
    std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }

private:
    void read_null(const FieldMeta& f, void* obj) const;
    // DecimalField, UUIDField and BinaryField columns (Django's converters).
    void read_other(int col, const FieldMeta& f, void* obj) const;
    template <class M>
    static void store(const FieldMeta& f, void* p, const M& v) {
        if (f.optional)
            *static_cast<std::optional<M>*>(p) = v;
        else
            *static_cast<M*>(p) = v;
    }
    int bind_text(int idx, const std::string& s);
    // An integer column read into a member that holds low..high: nullopt for NULL. A value
    // the member cannot hold (beyond its range, a fraction, text) is refused, not cut:
    // SQLite stores whatever it is given, and computes F() updates itself.
    std::optional<std::int64_t> read_int(int col, const FieldMeta& f, std::int64_t low,
                                         std::int64_t high) const {
        const int type = sqlite3_column_type(stmt_, col);
        if (type == SQLITE_NULL)
            return std::nullopt;
        std::int64_t v = 0;
        bool whole = type == SQLITE_INTEGER;
        if (whole) {
            v = sqlite3_column_int64(stmt_, col);
        } else if (type == SQLITE_FLOAT) { // a whole real in range is read as the number
            const auto i = detail::whole_int64(sqlite3_column_double(stmt_, col));
            whole = i.has_value();
            v = i.value_or(0);
        }
        if (!whole || v < low || v > high)
            bad_number(f, col,
                       f.ctype == CType::Bool  ? std::string("bool (0 or 1)")
                       : f.ctype == CType::I32 ? std::string("int32 (-2147483648..2147483647)")
                                               : std::string("int64"));
        return v;
    }
    [[noreturn]] void bad_number(const FieldMeta& f, int col, const std::string& want) const;
    [[noreturn]] void bad_stored(const FieldMeta& f, int col) const;
    void read_json(const FieldMeta& f, int col, void* p) const;
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
        case CType::I16:
            return f(std::int16_t{});
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
        case CType::Time:
            return f(Time{});
        case CType::Json:
            return f(Json{});
        case CType::Duration:
            return f(std::chrono::microseconds{});
        case CType::Decimal:
            return f(Decimal{});
        case CType::Uuid:
            return f(Uuid{});
        case CType::Blob:
            return f(Blob{});
        case CType::DateTime:
        case CType::Related:
        case CType::None:
            break;
        }
        return f(DateTime{});
    }
    static bool has_value(CType c, const void* p);
    static const void* optional_payload(CType c, const void* p);

    // An SQLITE_BUSY step may run again when it changed nothing a retry could repeat or
    // lose: no row was returned yet, and the connection is in autocommit with no other
    // statement reading, so the failed step was its own transaction and SQLite rolled it
    // back. Inside a transaction, or beside a statement still reading, this connection holds
    // a read lock: SQLite returns SQLITE_BUSY without waiting only when waiting could
    // deadlock, and that is reported, not retried.
    bool retry_safe() const noexcept;

    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::string sql_;
    BusyWait* busy_ = nullptr;
    bool started_ = false; // step() ran since the last reset()
    bool rows_ = false;    // a row was returned since the last reset()
};

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sqlite/statement.ipp"
#endif
