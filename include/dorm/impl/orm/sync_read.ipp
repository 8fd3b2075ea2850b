#pragma once
// Bodies of dorm/orm/sync_read.hpp (dorm/detail/config.hpp).
#include "dorm/orm/sync_read.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
DORM_INLINE SyncHooks* sync_of(const Query& q) {
    if (q.skip_remote || !q.model->remote())
        return nullptr;
    return sql::db_of(q).sync();
}
DORM_INLINE void sync_read(const Query& q, ReadKind kind) {
    if (SyncHooks* s = q.empty ? nullptr : sync_of(q))
        s->before_read(q, kind);
}
DORM_INLINE std::int64_t count_rows(const Query& q) {
    sync_read(q, ReadKind::Count);
    return sql::count(q);
}
DORM_INLINE bool any_rows(const Query& q) {
    sync_read(q, ReadKind::Exists);
    return sql::exists(q);
}
} // namespace detail

} // namespace DORM_ABI
} // namespace dorm
