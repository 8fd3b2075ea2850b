#pragma once
// The write journal: before the sync engine sends a remote write, it records what it sends
// (entity set, key, operation, body, If-Match) and commits that before the request leaves.
// The entry is cleared once the remote answered and the local transaction holding the write
// committed; whatever happens in between (an exception, a lost answer, a failed COMMIT, the
// caller's rollback, a killed process) leaves it, and the engine resolves it from the remote.
//
// The journal is not a table of the store: it is a sibling SQLite file with its own
// connection, `<store file>.dorm-sync-journal` (":memory:" for a store that has no file).
// The entry must be committed while the caller's dorm::atomic() may hold the store's write
// lock: a second connection to the store could not write then, and a table written on the
// store's own connection would be rolled back with the caller's transaction.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sqlite/connection.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

// One remote write whose outcome the local store has not settled.
struct JournalEntry {
    std::int64_t id = 0;
    std::string entity_set;
    std::string table;                   // the model's local table
    std::string key;                     // the row's remote key
    std::string operation;               // "create", "update" or "delete"
    std::string body;                    // the JSON sent (create, update); empty for a delete
    std::optional<std::string> if_match; // the If-Match sent
    // "sent": the request may have gone out; "unknown": its answer was lost; "applied": the
    // remote applied it and the local store did not keep it.
    std::string state = "sent";
    std::string created; // UTC, ISO 8601
};

class Journal {
public:
    static constexpr const char* suffix = ".dorm-sync-journal";
    static constexpr const char* table = "dorm_sync_journal";

    // The journal of a store: its file beside the store's, or one in memory.
    explicit Journal(const Database& store);
    // The journal's file for a store's ("" for a store without a file).
    static std::string path_for(const Database& store);

    // Records entries in one transaction, durable before it returns; sets their ids.
    void add(std::vector<JournalEntry>& entries);
    void set_state(const std::vector<std::int64_t>& ids, const std::string& state);
    void clear(const std::vector<std::int64_t>& ids);
    // Every entry, oldest first; or those of one entity set, or of one row.
    std::vector<JournalEntry> entries();
    std::vector<JournalEntry> of(const std::string& entity_set);
    std::vector<JournalEntry> of(const std::string& entity_set, const std::string& key);
    Database& database() noexcept { return db_; }

private:
    std::vector<JournalEntry> select(const std::string& where, Values params);
    Database db_;
};

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sync/journal.ipp"
#endif
