#pragma once
// Bodies of dorm/sync/journal.hpp (dorm/detail/config.hpp).
#include "dorm/sync/journal.hpp"

#include <chrono>

#include "dorm/detail/function_ref.hpp"
#include "dorm/remote/parse.hpp"
#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {
// Runs `write` in a transaction on the journal's connection whose commit is synced to disk
// (synchronous=FULL), then returns the connection to NORMAL.
DORM_INLINE void journal_durably(Database& db, FunctionRef<void()> write) {
    db.exec("PRAGMA synchronous = FULL");
    struct Normal {
        Database& conn;
        ~Normal() {
            try {
                conn.exec("PRAGMA synchronous = NORMAL");
            } catch (...) {
            }
        }
    } normal{db};
    atomic(db, [&] { write(); });
}
} // namespace detail

namespace sync {

DORM_INLINE std::string Journal::path_for(const Database& store) {
    const std::string file = store.file();
    return file.empty() ? std::string() : file + suffix;
}

DORM_INLINE Journal::Journal(const Database& store)
    : db_(
          [&] {
              const std::string path = path_for(store);
              return path.empty() ? std::string(":memory:") : path;
          }(),
          DatabaseOptions{.wal = true, .foreign_keys = false}) {
    // WAL. An entry is committed with synchronous=FULL (add(): the WAL is synced once, so
    // the entry is on disk, power loss included, before the request it records leaves);
    // everything else with NORMAL (not synced: a clear lost to a power cut leaves an entry
    // whose resolution costs one GET). The next FULL commit syncs what came before it.
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec(std::string("CREATE TABLE IF NOT EXISTS ") + table +
             " (id INTEGER PRIMARY KEY AUTOINCREMENT, entity_set TEXT NOT NULL, "
             "local_table TEXT NOT NULL, remote_key TEXT NOT NULL, operation TEXT NOT NULL, "
             "body TEXT NOT NULL, if_match TEXT, state TEXT NOT NULL, created TEXT NOT NULL);"
             "CREATE INDEX IF NOT EXISTS dorm_sync_journal_row ON " +
             table + " (entity_set, remote_key)");
}

DORM_INLINE void Journal::add(std::vector<JournalEntry>& entries) {
    if (entries.empty())
        return;
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const std::string created = odata::detail::from_unix_us(now).iso();
    dorm::detail::journal_durably(db_, [&] {
        for (auto& e : entries) {
            e.created = created;
            sql::Cursor(db_,
                        std::string("INSERT INTO ") + table +
                            " (entity_set, local_table, remote_key, operation, body, if_match, "
                            "state, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        {Value(e.entity_set), Value(e.table), Value(e.key), Value(e.operation),
                         Value(e.body), e.if_match ? Value(*e.if_match) : Value(), Value(e.state),
                         Value(e.created)})
                .run();
            e.id = db_.last_insert_rowid();
        }
    });
}

DORM_INLINE void Journal::set_state(const std::vector<std::int64_t>& ids,
                                    const std::string& state) {
    dorm::detail::journal_durably(db_, [&] {
        for (const auto id : ids)
            sql::Cursor(db_, std::string("UPDATE ") + table + " SET state = ? WHERE id = ?",
                        {Value(state), Value(id)})
                .run();
    });
}

DORM_INLINE void Journal::clear(const std::vector<std::int64_t>& ids) {
    if (ids.empty())
        return;
    atomic(db_, [&] {
        for (const auto id : ids)
            sql::Cursor(db_, std::string("DELETE FROM ") + table + " WHERE id = ?", {Value(id)})
                .run();
    });
}

DORM_INLINE std::vector<JournalEntry> Journal::entries() {
    return select("", {});
}

DORM_INLINE std::vector<JournalEntry> Journal::of(const std::string& entity_set) {
    return select(" WHERE entity_set = ?", {Value(entity_set)});
}

DORM_INLINE std::vector<JournalEntry> Journal::of(const std::string& entity_set,
                                                  const std::string& key) {
    return select(" WHERE entity_set = ? AND remote_key = ?", {Value(entity_set), Value(key)});
}

DORM_INLINE std::vector<JournalEntry> Journal::select(const std::string& where, Values params) {
    std::vector<JournalEntry> out;
    sql::Cursor cur(db_,
                    std::string("SELECT id, entity_set, local_table, remote_key, operation, "
                                "body, if_match, state, created FROM ") +
                        table + where + " ORDER BY id",
                    std::move(params));
    while (cur.next()) {
        auto& s = cur.stmt();
        JournalEntry e;
        e.id = s.column(0).as_int();
        e.entity_set = s.column(1).as_text();
        e.table = s.column(2).as_text();
        e.key = s.column(3).as_text();
        e.operation = s.column(4).as_text();
        e.body = s.column(5).as_text();
        if (const Value im = s.column(6); !im.is_null())
            e.if_match = im.as_text();
        e.state = s.column(7).as_text();
        e.created = s.column(8).as_text();
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
