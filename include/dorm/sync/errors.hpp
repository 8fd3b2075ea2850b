#pragma once
// ObjectsNotInSync: a row changed locally (saved with skip_cdms) after the remote's last
// version of it, met where the engine must choose between the two. It carries both.
#include <string>
#include <utility>
#include <vector>

#include "dorm/core/errors.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct ObjectsNotInSync : SyncError {
    using Fields = std::vector<std::pair<std::string, Value>>; // mapped field -> value
    ObjectsNotInSync(const std::string& what, std::string key, Fields local_fields,
                     Fields remote_fields);
    std::string remote_key;
    Fields local;  // the local row's mapped fields
    Fields remote; // the remote's version of them
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sync/errors.ipp"
#endif
