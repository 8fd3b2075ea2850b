#pragma once
// The SQL backend the ORM runs on: the compilers of dorm/sql/ with SQLite's operations table
// (dorm/sqlite/operations.hpp), under the signatures they had before they took one.
#include <string>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/compile_summary.hpp"
#include "dorm/sql/compile_writes.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sqlite/operations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// The operations of the backend the ORM compiles for.
inline const Operations& backend_operations() {
    return sqlite::operations();
}

inline Compiled compile_select(const Query& q) {
    return compile_select(q, backend_operations());
}

inline Compiled compile_count(const Query& q) {
    return compile_count(q, backend_operations());
}

inline Compiled compile_exists(const Query& q) {
    return compile_exists(q, backend_operations());
}

inline Compiled compile_aggregate(const Query& q, const std::vector<SelectItem>& items) {
    return compile_aggregate(q, items, backend_operations());
}

inline Compiled compile_dates(const Query& q, const FieldMeta& f, const std::string& kind,
                              bool descending) {
    return compile_dates(q, f, kind, descending, backend_operations());
}

inline Compiled compile_update(const Query& q,
                               const std::vector<std::pair<const FieldMeta*, Expr>>& sets) {
    return compile_update(q, sets, backend_operations());
}

inline Compiled compile_delete(const Query& q) {
    return compile_delete(q, backend_operations());
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
