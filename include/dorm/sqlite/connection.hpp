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

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The clocks and durations of std::chrono, for the query log. libstdc++ keeps them in
// <bits/chrono.h>, apart from <chrono>'s calendar and time zones (which bring <sstream>
// and cost a user's translation unit a good part of its parse time).
#if defined(__GLIBCXX__) && __has_include(<bits/chrono.h>)
#include <bits/chrono.h>
#else
#include <chrono>
#endif

#include "dorm/core/sync_hooks.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/sqlite/statement.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace sql {
class Transaction;
} // namespace sql

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
    explicit Database(std::string path = ":memory:", DatabaseOptions opts = {});
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    sqlite3* handle() const noexcept { return db_; }
    const std::string& path() const noexcept { return path_; }
    std::recursive_mutex& mutex() const noexcept { return mutex_; }
    // How long a statement waits for another connection's lock (DatabaseOptions). dorm waits
    // with its own busy handler, so SQLite's PRAGMA busy_timeout reads 0.
    int busy_timeout_ms() const noexcept { return busy_.timeout_ms(); }

    void set_query_log(QueryLog log);
    bool logging() const noexcept { return static_cast<bool>(log_); }
    // started: when the statement began; the default (epoch) value, used when logging was
    // off at the start, reports a zero duration.
    void log(std::string_view sql, const Values& params,
             std::chrono::steady_clock::time_point started) const;
    // The clock is read only when a log will see it (a clock read costs as much as a short
    // statement step).
    std::chrono::steady_clock::time_point log_start() const {
        return log_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    }

    // Runs SQL with no parameters (DDL, PRAGMA, transaction control; rows are ignored), one
    // statement after another. SQLITE_BUSY is retried within the busy timeout where that is
    // safe: outside a transaction with nothing else reading (BEGIN IMMEDIATE, a lone
    // statement), and COMMIT, which SQLite leaves open to be tried again.
    void exec(const std::string& sql);

    std::int64_t last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }
    std::int64_t changes() const noexcept { return sqlite3_changes64(db_); }
    // How many parameters one statement may bind.
    int max_variables() const noexcept {
        return sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    }
    bool in_transaction() const noexcept { return !sqlite3_get_autocommit(db_); }
    // The file this connection writes, or "" for ":memory:" and temporary databases.
    std::string file() const;

    // Runs fn once the outermost dorm::atomic() block open now has committed (as Django's
    // transaction.on_commit): dropped when that transaction, or the savepoint fn was
    // registered in, rolls back; run at once when no transaction is open. Callbacks run in
    // the order registered, after COMMIT, with the transaction closed; an exception from
    // one is rethrown by the commit once the others have run.
    void on_commit(std::function<void()> fn);
    // Outermost transactions begun on this connection so far: tells one from the next.
    std::uint64_t transaction_serial() const noexcept { return serial_; }

private:
    static bool is_commit(sqlite3_stmt* stmt) noexcept;
    // A statement of the cache, and the cache itself (connection.ipp): only the bodies of
    // Database and Lease use them.
    struct Cached;
    struct Impl;
    friend class Lease;
    friend class sql::Transaction;

public:
    // A cached prepared statement, or a fresh one when the cached one is in use (a query
    // run while another of the same text is being read).
    class Lease {
    public:
        Lease(Database& db, const std::string& sql);
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();
        sql::Statement& operator*() noexcept { return *stmt_; }
        sql::Statement* operator->() noexcept { return stmt_; }
        // Every parameter of this statement is bound again by whoever runs it next (an
        // INSERT binds them all, a Cursor checks their count): the release resets it
        // without clearing them.
        void keep_bindings() noexcept { keep_bindings_ = true; }

    private:
        std::unique_lock<std::recursive_mutex> lock_;
        Cached* cached_ = nullptr;
        std::unique_ptr<sql::Statement> own_;
        sql::Statement* stmt_ = nullptr;
        bool keep_bindings_ = false;
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
    std::unique_ptr<Impl> impl_; // the statement cache
    std::shared_ptr<SyncHooks> sync_;
    std::vector<std::pair<int, std::function<void()>>> on_commit_; // depth registered at, fn
    std::uint64_t serial_ = 0;
};

namespace detail {
Database*& default_database_slot();
} // namespace detail

// The database used where no using_() or save(db) names one. Set it once at start-up,
// before threads use it.
void set_default_database(Database& db);
Database& default_database();

namespace sql {

// One execution of a statement: binds the parameters, steps through rows, and on
// destruction resets the statement and reports it to the query log.
class Cursor {
public:
    Cursor(Database& db, const std::string& sql, Values params);
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    ~Cursor();

    bool next() { return lease_->step(); }
    // Runs a statement that returns no rows; returns the number of rows changed.
    std::int64_t run();
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

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sqlite/connection.ipp"
#endif
