#pragma once
// Transactions: dorm::atomic(db, fn) runs fn in a transaction (BEGIN IMMEDIATE) or, when
// nested, in a savepoint; it commits when fn returns and rolls back when fn throws.
#include <exception>
#include <mutex>
#include <string>
#include <utility>

#include "dorm/detail/config.hpp"
#include "dorm/sqlite/connection.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

class Transaction {
public:
    explicit Transaction(Database& db) : db_(db), lock_(db.mutex()) {
        depth_ = ++db_.transaction_depth;
        try {
            if (depth_ == 1)
                // IMMEDIATE takes the write lock now, so two connections writing the same file
                // wait for each other (busy timeout) instead of failing on lock upgrade.
                db_.exec("BEGIN IMMEDIATE");
            else
                db_.exec("SAVEPOINT " + savepoint());
        } catch (...) {
            --db_.transaction_depth;
            throw;
        }
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (!done_)
            rollback();
    }

    void commit() {
        if (depth_ == 1)
            db_.exec("COMMIT");
        else
            db_.exec("RELEASE SAVEPOINT " + savepoint());
        finish();
    }

    void rollback() noexcept {
        try {
            if (depth_ == 1) {
                if (db_.in_transaction())
                    db_.exec("ROLLBACK");
            } else if (db_.in_transaction()) {
                db_.exec("ROLLBACK TO SAVEPOINT " + savepoint());
                db_.exec("RELEASE SAVEPOINT " + savepoint());
            }
        } catch (...) {
            // A failed rollback leaves SQLite's own state; nothing more can be done here.
        }
        finish();
    }

private:
    std::string savepoint() const { return "dorm_sp_" + std::to_string(depth_); }
    void finish() noexcept {
        if (!done_)
            --db_.transaction_depth;
        done_ = true;
    }

    Database& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    int depth_ = 0;
    bool done_ = false;
};

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

namespace dorm {
inline namespace DORM_ABI {

// Runs fn() in a transaction on db: a savepoint when already inside one. Commits when fn
// returns, rolls back and rethrows when it throws. Returns what fn returns.
template <class Fn>
decltype(auto) atomic(Database& db, Fn&& fn) {
    sql::Transaction tx(db);
    if constexpr (std::is_void_v<decltype(fn())>) {
        std::forward<Fn>(fn)();
        tx.commit();
    } else {
        decltype(auto) result = std::forward<Fn>(fn)();
        tx.commit();
        return result;
    }
}

template <class Fn>
decltype(auto) atomic(Fn&& fn) {
    return atomic(default_database(), std::forward<Fn>(fn));
}

} // namespace DORM_ABI
} // namespace dorm
