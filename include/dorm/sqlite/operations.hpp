#pragma once
// SQLite's operations table (dorm/sql/operations.hpp): how the SQL renderer writes for
// SQLite, with the functions dorm registers on every connection (dorm/sqlite/functions.hpp:
// dorm_fold, dorm_regexp, dorm_extract, dorm_cast, dorm_trunc, dorm_fit_int, dorm_fit_float).
#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"
#include "dorm/sql/operations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sqlite {

const sql::Operations& operations();

// GLOB pattern text: '*', '?' and '[' each become a one-character class.
std::string glob_escape(std::string_view s);

} // namespace sqlite
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sqlite/operations.ipp"
#endif
