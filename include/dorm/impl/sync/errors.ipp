#pragma once
// Bodies of dorm/sync/errors.hpp (dorm/detail/config.hpp).
#include "dorm/sync/errors.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE ObjectsNotInSync::ObjectsNotInSync(const std::string& what, std::string key,
                                               Fields local_fields, Fields remote_fields)
    : SyncError(what), remote_key(std::move(key)), local(std::move(local_fields)),
      remote(std::move(remote_fields)) {}

} // namespace DORM_ABI
} // namespace dorm
