#pragma once
// The seam between the local ORM and the sync engine (dorm/sync/): a Database may carry a
// SyncHooks object, and the query layer calls it before it evaluates a queryset of a model
// mapped to a remote. The ORM knows only this interface; the engine that speaks OData
// implements it. Without an attached engine, mapped models are local only.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dorm/core/evaluation.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/detail/function_ref.hpp"

namespace dorm {
inline namespace DORM_ABI {

class Database;
struct Error;
struct ModelMeta;
struct Query;

// What an evaluation needs from the remote: every row of the query (iteration, size,
// aggregates), a count, whether any row exists, the one row of get(), or the object a
// ForeignKey points to (get() while following the relation).
enum class ReadKind : std::uint8_t { Rows, Count, Exists, Get, Follow };

// What the evaluations of one queryset cost on the remote: qs.sync_stats(stats) makes them
// add to `stats` (the caller keeps it alive while the queryset is evaluated).
struct SyncStats {
    std::size_t requests = 0;     // remote requests (first attempts)
    std::size_t rows_fetched = 0; // rows the remote returned
    std::size_t rows_written = 0; // local rows inserted, updated or deleted by the sync
};

class SyncHooks {
public:
    virtual ~SyncHooks() = default;
    // Called before the local store answers `q` evaluated as `how` says (never for
    // skip_cdms() querysets): its database, sync_limit and sync_stats. Brings the rows of
    // the query's scope from the remote into the local store; throws a RemoteError when the
    // remote fails (the local store is then unchanged).
    virtual void before_read(const Query& q, const Evaluation& how, ReadKind kind) = 0;

    // save() of an object of a mapped model: `local` writes it to the local store; the
    // engine runs it inside one transaction with the remote write, so that a refused remote
    // write leaves the local store as it was.
    virtual void save(Database& db, const ModelMeta& m, void* obj,
                      detail::FunctionRef<void()> local) = 0;
    // save(dorm::skip_cdms) of an object of a mapped model: the local row is now newer than
    // the remote's (the engine moves its remote stamp to now).
    virtual void saved_locally(const ModelMeta& m, void* obj) = 0;
    // delete_() of an object of a mapped model: `local` deletes it (with its cascades).
    virtual void remove(Database& db, const ModelMeta& m, const void* obj,
                        detail::FunctionRef<void()> local) = 0;

    // bulk_create(), queryset update() and queryset delete_() of a mapped model: `local` does
    // the local part, and the engine sends the remote part as one atomic changeset in the
    // same transaction: all or nothing, on both sides.
    virtual void bulk_create(Database& db, const ModelMeta& m, const std::vector<void*>& objs,
                             detail::FunctionRef<void()> local) = 0;
    virtual std::int64_t bulk_update(Database& db, const Query& q,
                                     const std::vector<std::string>& fields,
                                     detail::FunctionRef<std::int64_t()> local) = 0;
    virtual void bulk_delete(Database& db, const Query& q, detail::FunctionRef<void()> local) = 0;

    // The transactions (dorm::atomic) of the database this is attached to: just before the
    // outermost COMMIT (an exception abandons the commit, and the transaction rolls back),
    // once a savepoint of nesting `depth` is released into the level below it, and once the
    // transaction (depth 1) or a savepoint rolled back.
    virtual void before_commit(Database&) {}
    // The outermost COMMIT failed (the transaction is rolled back): `error` is about to be
    // thrown, and may say what the hooks had sent that the store did not keep.
    virtual void commit_failed(Database&, Error& /*error*/) noexcept {}
    virtual void released(Database&, int /*depth*/) {}
    virtual void rolled_back(Database&, int /*depth*/) noexcept {}
};

} // namespace DORM_ABI
} // namespace dorm
