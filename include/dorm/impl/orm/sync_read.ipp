#pragma once
// Bodies of dorm/orm/sync_read.hpp (dorm/detail/config.hpp).
#include "dorm/orm/sync_read.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
DORM_INLINE SyncHooks* sync_of(const Query& q, const Evaluation& how) {
    if (how.skip_remote || !q.model->remote())
        return nullptr;
    return sql::db_of(how).sync();
}
DORM_INLINE void sync_read(const Query& q, const Evaluation& how, ReadKind kind) {
    if (SyncHooks* s = q.empty ? nullptr : sync_of(q, how))
        s->before_read(q, how, kind);
}
DORM_INLINE std::int64_t count_rows(const Query& q, const Evaluation& how) {
    sync_read(q, how, ReadKind::Count);
    return sql::count(q, how);
}
DORM_INLINE bool any_rows(const Query& q, const Evaluation& how) {
    sync_read(q, how, ReadKind::Exists);
    return sql::exists(q, how);
}
} // namespace detail

} // namespace DORM_ABI
} // namespace dorm
