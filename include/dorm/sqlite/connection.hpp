#pragma once
// Database: one SQLite connection (a file or ":memory:") with WAL, foreign keys and a busy
// timeout, a prepared-statement cache and an optional query log.
//
// Threads: a Database may be shared between threads. Every statement, and every
// dorm::atomic() block as a whole, holds the connection's mutex, so a transaction never
// sees another thread's statements. For parallel work open one Database per thread on the
// same file: WAL lets readers run beside one writer, and the busy timeout makes writers
// wait for each other. Models' metadata is immutable and shared freely; a QuerySet object
// (which caches its results) belongs to one thread at a time; copies are independent.
#include <sqlite3.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dorm/core/sync_hooks.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/sqlite/functions.hpp"
#include "dorm/sqlite/statement.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct DatabaseOptions {
    int busy_timeout_ms = 5000;
    bool wal = true; // journal_mode=WAL (ignored for ":memory:")
    bool foreign_keys = true;
    bool read_only = false;
    std::size_t statement_cache_size = 512;
};

// What the query log sees of each statement once it has run.
struct LoggedQuery {
    std::string_view sql;
    const Values& params;
    std::chrono::nanoseconds duration;
};
using QueryLog = std::function<void(const LoggedQuery&)>;

class Database {
public:
    explicit Database(std::string path = ":memory:", DatabaseOptions opts = {})
        : path_(std::move(path)), opts_(opts) {
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
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database() {
        recent_ = nullptr;
        statements_.clear();
        sqlite3_close_v2(db_);
    }

    sqlite3* handle() const noexcept { return db_; }
    const std::string& path() const noexcept { return path_; }
    std::recursive_mutex& mutex() const noexcept { return mutex_; }
    // How long a statement waits for another connection's lock (DatabaseOptions). dorm waits
    // with its own busy handler, so SQLite's PRAGMA busy_timeout reads 0.
    int busy_timeout_ms() const noexcept { return busy_.timeout_ms(); }

    void set_query_log(QueryLog log) {
        std::lock_guard lock(mutex_);
        log_ = std::move(log);
    }
    bool logging() const noexcept { return static_cast<bool>(log_); }
    // started: when the statement began; the default (epoch) value, used when logging was
    // off at the start, reports a zero duration.
    void log(std::string_view sql, const Values& params,
             std::chrono::steady_clock::time_point started) const {
        if (!log_)
            return;
        const auto now = std::chrono::steady_clock::now();
        const bool timed = started != std::chrono::steady_clock::time_point{};
        log_({sql, params, timed ? now - started : std::chrono::nanoseconds(0)});
    }
    // The clock is read only when a log will see it (a clock read costs as much as a short
    // statement step).
    std::chrono::steady_clock::time_point log_start() const {
        return log_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    }

    // Runs SQL with no parameters (DDL, PRAGMA, transaction control; rows are ignored), one
    // statement after another. SQLITE_BUSY is retried within the busy timeout where that is
    // safe: outside a transaction with nothing else reading (BEGIN IMMEDIATE, a lone
    // statement), and COMMIT, which SQLite leaves open to be tried again.
    void exec(const std::string& sql) {
        std::lock_guard lock(mutex_);
        const auto started = log_start();
        const char* next = sql.c_str();
        const char* const end = next + sql.size();
        while (next < end) {
            const char* tail = nullptr;
            sqlite3_stmt* raw = sql::prepare_waiting(
                db_, std::string_view(next, static_cast<std::size_t>(end - next)), 0, &tail, &busy_,
                "executing " + sql);
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

    std::int64_t last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
    std::int64_t changes() const noexcept { return sqlite3_changes64(db_); }
    bool in_transaction() const noexcept { return !sqlite3_get_autocommit(db_); }

private:
    static bool is_commit(sqlite3_stmt* stmt) noexcept {
        const char* t = sqlite3_sql(stmt);
        while (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r')
            ++t;
        return sqlite3_strnicmp(t, "COMMIT", 6) == 0 || sqlite3_strnicmp(t, "END", 3) == 0;
    }
    struct Cached {
        Cached(sqlite3* db, const std::string& sql, sql::BusyWait* wait) : stmt(db, sql, wait) {}
        sql::Statement stmt;
        bool busy = false;
    };
    friend class Lease;

public:
    // A cached prepared statement, or a fresh one when the cached one is in use (a query
    // run while another of the same text is being read).
    class Lease {
    public:
        Lease(Database& db, const std::string& sql) : lock_(db.mutex_) {
            // The statement leased last is compared first, with no hashing: loops run the
            // same statement over and over.
            Cached* c = db.recent_;
            if (!c || c->busy || c->stmt.sql() != sql) {
                auto it = db.statements_.find(sql);
                if (it == db.statements_.end()) {
                    if (db.statements_.size() >= db.opts_.statement_cache_size) {
                        db.recent_ = nullptr;
                        std::erase_if(db.statements_,
                                      [](const auto& kv) { return !kv.second->busy; });
                    }
                    it = db.statements_
                             .emplace(sql, std::make_unique<Cached>(db.db_, sql, &db.busy_))
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
                db.recent_ = c;
            }
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() {
            stmt_->reset();
            if (cached_)
                cached_->busy = false;
        }
        sql::Statement& operator*() noexcept { return *stmt_; }
        sql::Statement* operator->() noexcept { return stmt_; }

    private:
        std::unique_lock<std::recursive_mutex> lock_;
        Cached* cached_ = nullptr;
        std::unique_ptr<sql::Statement> own_;
        sql::Statement* stmt_ = nullptr;
    };

    int transaction_depth = 0; // dorm::atomic nesting, managed by sql::Transaction

    // The sync engine attached to this database (dorm::sync::attach), or nullptr.
    SyncHooks* sync() const noexcept { return sync_.get(); }
    void set_sync(std::shared_ptr<SyncHooks> hooks) { sync_ = std::move(hooks); }

private:
    std::string path_;
    DatabaseOptions opts_;
    sqlite3* db_ = nullptr;
    sql::BusyWait busy_; // the connection's busy handler; outlives the statements
    mutable std::recursive_mutex mutex_;
    QueryLog log_;
    std::unordered_map<std::string, std::unique_ptr<Cached>> statements_;
    Cached* recent_ = nullptr; // the statement leased last (one of statements_), or nullptr
    std::shared_ptr<SyncHooks> sync_;
};

namespace detail {
inline Database*& default_database_slot() {
    static Database* db = nullptr;
    return db;
}
} // namespace detail

// The database used where no using_() or save(db) names one. Set it once at start-up,
// before threads use it.
inline void set_default_database(Database& db) {
    detail::default_database_slot() = &db;
}
inline Database& default_database() {
    if (Database* db = detail::default_database_slot())
        return *db;
    throw UsageError("no database: call dorm::set_default_database(db) or use using_(db)");
}

namespace sql {

// One execution of a statement: binds the parameters, steps through rows, and on
// destruction resets the statement and reports it to the query log.
class Cursor {
public:
    Cursor(Database& db, const std::string& sql, Values params)
        : db_(db), lease_(db, sql), params_(std::move(params)), started_(db.log_start()) {
        // One value per parameter, before anything is bound or run: SQLite binds NULL to a
        // parameter left without a value, and refuses a value beyond the last.
        const int wanted = sqlite3_bind_parameter_count(lease_->handle());
        if (static_cast<std::size_t>(wanted) != params_.size())
            throw ValueError("The SQL has " + std::to_string(wanted) + " parameter" +
                             (wanted == 1 ? "" : "s") + " but " + std::to_string(params_.size()) +
                             " value" + (params_.size() == 1 ? " was" : "s were") +
                             " given: " + sql);
        for (std::size_t i = 0; i < params_.size(); ++i)
            lease_->bind(static_cast<int>(i + 1), params_[i]);
    }
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor() { db_.log(lease_->sql(), params_, started_); }

    bool next() { return lease_->step(); }
    // Runs a statement that returns no rows; returns the number of rows changed.
    std::int64_t run() {
        while (lease_->step()) {
        }
        return db_.changes();
    }
    Statement& stmt() noexcept { return *lease_; }

private:
    Database& db_;
    Database::Lease lease_;
    Values params_;
    std::chrono::steady_clock::time_point started_;
};

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
