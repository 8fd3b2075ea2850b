#pragma once
// Where the query layer meets the sync engine: every evaluation of a queryset of a mapped
// model first calls the engine attached to its database (dorm/detail/sync_hooks.hpp).
#include "dorm/core/sync_hooks.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/orm/execute.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
// The engine that takes part in reads and writes of this query's model evaluated as `how`
// says, or nullptr (not mapped, skip_cdms(), or no engine attached to its database).
SyncHooks* sync_of(const Query& q, const Evaluation& how);
// Before the local store answers a query of a mapped model: the attached sync engine, if
// any, brings the query's rows from the remote (dorm/core/sync_hooks.hpp).
void sync_read(const Query& q, const Evaluation& how, ReadKind kind);
// count() and exists() of a queryset not yet evaluated.
std::int64_t count_rows(const Query& q, const Evaluation& how);
bool any_rows(const Query& q, const Evaluation& how);
} // namespace detail

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/sync_read.ipp"
#endif
