#pragma once
// Compiling the questions asked about a query's rows rather than the rows themselves:
// count(), exists(), aggregate() and dates()/datetimes().
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sql/operations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

bool needs_subquery(const Query& q);

// The rows to count or aggregate over: the ordering matters only to a slice (and under
// DISTINCT would select its fields too), so it is dropped otherwise, as Django does.
Query rows_to_summarize(const Query& q);

Compiled compile_count(const Query& q, const Operations& ops);

Compiled compile_exists(const Query& q, const Operations& ops);

// SELECT aggregate, ... over the query's rows (a subquery when sliced, distinct or grouped).
Compiled compile_aggregate(const Query& q, const std::vector<SelectItem>& items,
                           const Operations& ops);

// dates()/datetimes(): the distinct truncated values of a field.
Compiled compile_dates(const Query& q, const FieldMeta& f, const std::string& kind, bool descending,
                       const Operations& ops);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sql/compile_summary.ipp"
#endif
