#pragma once
// Evaluation: how a queryset is evaluated, beside what it asks for. The resolved lookup tree
// (dorm/tree/query.hpp: Query) says which rows; this says on which database, whether the
// sync engine takes part and what it may cost, and what is read after the rows. The
// renderers (sql/, odata/) read only the tree; the ORM (orm/) and the sync engine (sync/,
// through SyncHooks) read both. A chained call that changes only this (using_, skip_cdms,
// sync_limit, sync_stats, prefetch_related) shares the queryset's Query.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

class Database;
struct SyncStats; // dorm/core/sync_hooks.hpp

struct Evaluation {
    Database* db = nullptr;                    // using(); nullptr: the default database
    bool skip_remote = false;                  // skip_cdms(): the local store only
    bool follows_relation = false;             // a ForeignKey's object is being loaded (get())
    std::optional<std::size_t> sync_limit;     // sync_limit(n): rows read from the remote
    SyncStats* sync_stats = nullptr;           // sync_stats(s): what the remote part cost
    std::vector<std::string> prefetch_related; // relation names, read after the rows
    bool direct_specializations = false;       // specializations().direct(): one step down

    // The default evaluation on database d (what using_(d) gives).
    static Evaluation on(Database& d) {
        Evaluation e;
        e.db = &d;
        return e;
    }
};

} // namespace DORM_ABI
} // namespace dorm
