#pragma once
// Bodies of dorm/sqlite/transaction.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/transaction.hpp"

#include <string>

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE Transaction::Transaction(Database& db) : db_(db), lock_(db.mutex()) {
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

DORM_INLINE Transaction::~Transaction() {
    if (!done_)
        rollback();
}

DORM_INLINE void Transaction::commit() {
    if (depth_ == 1)
        db_.exec("COMMIT");
    else
        db_.exec("RELEASE SAVEPOINT " + savepoint());
    finish();
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
