#pragma once
// Compiling the writes of a queryset: update() and delete().
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sql/operations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

void check_writable(const Query& q, std::string_view what);

// WHERE clause of an UPDATE or DELETE: the query's conditions, or pk IN (...) when the
// query needs more than its own table.
void write_where(const Query& q, std::string& out, Values& params, const Operations& ops);

Compiled compile_update(const Query& q, const std::vector<std::pair<const FieldMeta*, Expr>>& sets,
                        const Operations& ops);

Compiled compile_delete(const Query& q, const Operations& ops);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sql/compile_writes.ipp"
#endif
