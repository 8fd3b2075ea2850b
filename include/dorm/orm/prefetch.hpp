#pragma once
// prefetch_related(): after a query's objects are read, one more query per relation reads the
// related objects of all of them (never one per object), and each object keeps its share:
// a ForeignKey its object, a related set or many-to-many its list (what related() returns
// without a query). "entry_set__authors" prefetches on the prefetched objects in turn.
#include <memory>
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/execute.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// Objects of any model from a query, each in its own allocation (see ModelMeta::new_instance).
std::vector<std::shared_ptr<void>> fetch_erased(const Query& q, const Evaluation& how);

// The related objects of `objs` (objects of m) through one relation path.
void prefetch(const ModelMeta& m, const std::vector<void*>& objs, const std::string& path,
              Database& db);

// Every prefetch_related() path of a queryset evaluated as `how` says, for the objects (of m)
// that it read.
void prefetch_related(const ModelMeta& m, const std::vector<void*>& objs, const Evaluation& how);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/prefetch.ipp"
#endif
