#pragma once
// Schema: create the tables and indexes of models if missing, add missing nullable
// columns, and refuse (SchemaError, naming the columns) a table that disagrees with its
// model. Nothing is ever dropped or rewritten.
#include <string>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/sqlite/transaction.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// Django's SQLite column types.
std::string column_type(const FieldMeta& f);

std::string column_definition(const FieldMeta& f);

std::string create_table_sql(const ModelMeta& m);

std::string create_index_sql(const ModelMeta& m, const FieldMeta& f);

// True when some index of the table has exactly this one column, whatever its name (Django
// names its indexes "<table>_<column>_<hash>"): no second index is made for it.
bool has_single_column_index(Database& db, const std::string& table, const std::string& column);

// SQLite's type affinity rules (section 3.1 of its datatype documentation).
char affinity(std::string type);

void ensure_table(Database& db, const ModelMeta& m);
// The names of the columns of a table, in order; empty when there is no such table.
std::vector<std::string> column_names(Database& db, const std::string& table);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

namespace dorm {
inline namespace DORM_ABI {

// Creates the tables of the given models if missing (and their indexes), adds missing
// nullable columns, all in one transaction.
template <class... Models>
void create_tables(Database& db) {
    atomic(db, [&] { (sql::ensure_table(db, Models::meta()), ...); });
}

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sqlite/schema.ipp"
#endif
