#pragma once
// The seam between the local ORM and the sync engine (dorm/sync/): a Database may carry a
// SyncHooks object, and the query layer calls it before it evaluates a queryset of a model
// mapped to a remote. The ORM knows only this interface; the engine that speaks OData
// implements it. Without an attached engine, mapped models are local only.
#include <cstdint>

namespace dorm {

struct Query;

// What an evaluation needs from the remote: every row of the query (iteration, size,
// aggregates), a count, whether any row exists, or the one row of get().
enum class ReadKind : std::uint8_t { Rows, Count, Exists, Get };

class SyncHooks {
public:
    virtual ~SyncHooks() = default;
    // Called before the local store answers `q` (never for skip_cdms() querysets). Brings the
    // rows of the query's scope from the remote into the local store; throws a RemoteError
    // when the remote fails (the local store is then unchanged).
    virtual void before_read(const Query& q, ReadKind kind) = 0;
};

} // namespace dorm
