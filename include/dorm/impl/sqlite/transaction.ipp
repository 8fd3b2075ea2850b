#pragma once
// Bodies of dorm/sqlite/transaction.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/transaction.hpp"

#include <exception>
#include <string>
#include <utility>

#include "dorm/core/errors.hpp"
#include "dorm/core/sync_hooks.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE Transaction::Transaction(Database& db) : db_(db), lock_(db.mutex()) {
    depth_ = ++db_.transaction_depth;
    try {
        if (depth_ == 1)
            ++db_.serial_;
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

DORM_INLINE Transaction::~Transaction() {
    if (!done_)
        rollback();
}

DORM_INLINE void Transaction::commit() {
    SyncHooks* const sync = db_.sync();
    if (depth_ != 1) {
        db_.exec("RELEASE SAVEPOINT " + savepoint());
        for (auto& [depth, fn] : db_.on_commit_) // now the enclosing level's
            if (depth == depth_)
                depth = depth_ - 1;
        if (sync)
            sync->released(db_, depth_);
        finish();
        return;
    }
    if (sync) { // the sync engine sends the block's queued remote writes (dorm/sync/engine.hpp)
        try {
            sync->before_commit(db_);
        } catch (...) {
            rollback(); // they are gone from the queue: a second commit() must not keep the rest
            throw;
        }
    }
    try {
        db_.exec("COMMIT");
    } catch (Error& e) {
        if (sync)
            sync->commit_failed(db_, e);
        throw;
    }
    auto callbacks = std::exchange(db_.on_commit_, {});
    finish();
    lock_.unlock(); // the callbacks may open transactions of their own
    std::exception_ptr first;
    for (auto& [depth, fn] : callbacks) {
        try {
            fn();
        } catch (...) {
            if (!first)
                first = std::current_exception();
        }
    }
    if (first)
        std::rethrow_exception(first);
}

DORM_INLINE void Transaction::rollback() noexcept {
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
    // The callbacks of what was rolled back are dropped, and so are its queued remote writes.
    std::erase_if(db_.on_commit_, [&](const auto& c) { return c.first >= depth_; });
    if (SyncHooks* sync = db_.sync())
        sync->rolled_back(db_, depth_);
    finish();
}

DORM_INLINE std::string Transaction::savepoint() const {
    return "dorm_sp_" + std::to_string(depth_);
}

DORM_INLINE void Transaction::finish() noexcept {
    if (!done_)
        --db_.transaction_depth;
    done_ = true;
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
