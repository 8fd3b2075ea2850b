#pragma once
// Transactions: dorm::atomic(db, fn) runs fn in a transaction (BEGIN IMMEDIATE) or, when
// nested, in a savepoint; it commits when fn returns and rolls back when fn throws.
#include <functional>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>

#include "dorm/detail/config.hpp"
#include "dorm/sqlite/connection.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

class Transaction {
public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    void commit();

    void rollback() noexcept;

private:
    std::string savepoint() const;
    void finish() noexcept;

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

// Runs fn once the outermost atomic() block open on db has committed; dropped on rollback;
// at once outside a transaction (Database::on_commit, as Django's transaction.on_commit).
inline void on_commit(Database& db, std::function<void()> fn) {
    db.on_commit(std::move(fn));
}
inline void on_commit(std::function<void()> fn) {
    default_database().on_commit(std::move(fn));
}

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sqlite/transaction.ipp"
#endif
