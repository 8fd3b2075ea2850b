#pragma once
// Bodies of dorm/sqlite/connection.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/connection.hpp"

#include <chrono>
#include <string>
#include <unordered_map>

#include "dorm/sqlite/functions.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct Database::Cached {
    Cached(sqlite3* db, const std::string& sql, sql::BusyWait* wait) : stmt(db, sql, wait) {}
    sql::Statement stmt;
    bool busy = false;
};

struct Database::Impl {
    std::unordered_map<std::string, std::unique_ptr<Cached>> statements;
    Cached* recent = nullptr; // the statement leased last (one of statements), or nullptr
};

DORM_INLINE Database::Database(std::string path, DatabaseOptions opts)
    : path_(std::move(path)), opts_(opts), impl_(std::make_unique<Impl>()) {
    const int flags =
        (opts.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
        SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    const int rc = sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = "cannot open database '" + path_ +
                          "': " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close(db_);
        throw OperationalError(msg, rc);
    }
    sqlite3_extended_result_codes(db_, 1);
    busy_.attach(db_, opts.busy_timeout_ms); // see sql::BusyWait
    sql::functions::register_all(db_);
    if (opts.foreign_keys)
        exec("PRAGMA foreign_keys = ON");
    if (opts.wal && !opts.read_only && path_ != ":memory:" && !path_.empty())
        exec("PRAGMA journal_mode = WAL");
}

DORM_INLINE Database::~Database() {
    impl_->recent = nullptr;
    impl_->statements.clear();
    sqlite3_close_v2(db_);
}

DORM_INLINE std::string Database::file() const {
    const char* f = sqlite3_db_filename(db_, "main");
    return f ? f : "";
}

DORM_INLINE void Database::on_commit(std::function<void()> fn) {
    std::unique_lock lock(mutex_);
    if (transaction_depth == 0) {
        lock.unlock();
        fn();
        return;
    }
    on_commit_.emplace_back(transaction_depth, std::move(fn));
}

DORM_INLINE void Database::set_query_log(QueryLog log) {
    std::lock_guard lock(mutex_);
    log_ = std::move(log);
}

DORM_INLINE void Database::log(std::string_view sql, const Values& params,
                               std::chrono::steady_clock::time_point started) const {
    if (!log_)
        return;
    const auto now = std::chrono::steady_clock::now();
    const bool timed = started != std::chrono::steady_clock::time_point{};
    log_({sql, params, timed ? now - started : std::chrono::nanoseconds(0)});
}

DORM_INLINE void Database::exec(const std::string& sql) {
    std::lock_guard lock(mutex_);
    const auto started = log_start();
    const char* next = sql.c_str();
    const char* const end = next + sql.size();
    while (next < end) {
        const char* tail = nullptr;
        sqlite3_stmt* raw =
            sql::prepare_waiting(db_, std::string_view(next, static_cast<std::size_t>(end - next)),
                                 0, &tail, &busy_, "executing " + sql);
        next = tail;
        if (!raw) // whitespace or a comment
            continue;
        const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
        busy_.start();
        bool rows = false;
        for (;;) {
            const int rc = sqlite3_step(raw);
            if (rc == SQLITE_ROW) {
                rows = true;
                continue;
            }
            if (rc == SQLITE_DONE)
                break;
            sqlite3_reset(raw);
            if (!sql::is_busy(rc))
                sql::throw_sqlite(db_, rc, "executing " + sql);
            const bool alone =
                sqlite3_get_autocommit(db_) && !sql::other_statement_active(db_, raw);
            if (!rows && (alone || is_commit(raw)) && busy_.again())
                continue;
            sql::throw_busy(db_, rc, "executing " + sql, &busy_);
        }
    }
    static const Values none;
    log(sql, none, started);
}

DORM_INLINE bool Database::is_commit(sqlite3_stmt* stmt) noexcept {
    const char* t = sqlite3_sql(stmt);
    while (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r')
        ++t;
    return sqlite3_strnicmp(t, "COMMIT", 6) == 0 || sqlite3_strnicmp(t, "END", 3) == 0;
}

DORM_INLINE Database::Lease::Lease(Database& db, const std::string& sql) : lock_(db.mutex_) {
    Impl& cache = *db.impl_;
    // The statement leased last is compared first, with no hashing: loops run the same
    // statement over and over.
    Cached* c = cache.recent;
    if (!c || c->busy || c->stmt.sql() != sql) {
        auto it = cache.statements.find(sql);
        if (it == cache.statements.end()) {
            if (cache.statements.size() >= db.opts_.statement_cache_size) {
                cache.recent = nullptr;
                std::erase_if(cache.statements, [](const auto& kv) { return !kv.second->busy; });
            }
            it = cache.statements.emplace(sql, std::make_unique<Cached>(db.db_, sql, &db.busy_))
                     .first;
        }
        c = it->second.get();
    }
    if (c->busy) {
        own_ = std::make_unique<sql::Statement>(db.db_, sql, &db.busy_);
        stmt_ = own_.get();
    } else {
        cached_ = c;
        cached_->busy = true;
        stmt_ = &cached_->stmt;
        cache.recent = c;
    }
}

DORM_INLINE Database::Lease::~Lease() {
    if (keep_bindings_)
        stmt_->rewind();
    else
        stmt_->reset();
    if (cached_)
        cached_->busy = false;
}

namespace detail {
DORM_INLINE Database*& default_database_slot() {
    static Database* db = nullptr;
    return db;
}
} // namespace detail

DORM_INLINE void set_default_database(Database& db) {
    detail::default_database_slot() = &db;
}

DORM_INLINE Database& default_database() {
    if (Database* db = detail::default_database_slot())
        return *db;
    throw UsageError("no database: call dorm::set_default_database(db) or use using_(db)");
}

namespace sql {

DORM_INLINE Cursor::Cursor(Database& db, const std::string& sql, Values params)
    : db_(db), lease_(db, sql), params_(std::move(params)), started_(db.log_start()) {
    // One value per parameter, before anything is bound or run: SQLite binds NULL to a
    // parameter left without a value, and refuses a value beyond the last.
    const int wanted = sqlite3_bind_parameter_count(lease_->handle());
    if (static_cast<std::size_t>(wanted) != params_.size())
        throw ValueError("The SQL has " + std::to_string(wanted) + " parameter" +
                         (wanted == 1 ? "" : "s") + " but " + std::to_string(params_.size()) +
                         " value" + (params_.size() == 1 ? " was" : "s were") + " given: " + sql);
    for (std::size_t i = 0; i < params_.size(); ++i)
        lease_->bind(static_cast<int>(i + 1), params_[i]);
}

DORM_INLINE Cursor::~Cursor() {
    db_.log(lease_->sql(), params_, started_);
}

DORM_INLINE std::int64_t Cursor::run() {
    while (lease_->step()) {
    }
    return db_.changes();
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
