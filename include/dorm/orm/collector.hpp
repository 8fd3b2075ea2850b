#pragma once
// Deleting rows that other rows refer to, as Django's Collector: it walks the relations that
// point at the deleted rows and applies each ForeignKey's on_delete (cascade deletes the
// referring rows too, set_null/set_default updates them, protect/restrict refuse the whole
// delete), removes many-to-many links, then runs every change in one transaction.
#include <memory>
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sqlite/connection.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// Does deleting a row of m need more than deleting the row?
bool has_dependents(const ModelMeta& m);

class Collector {
public:
    explicit Collector(Database& db);
    ~Collector();

    // Adds the rows of m with these primary keys, and what their deletion does to the rows
    // that refer to them.
    void collect(const ModelMeta& m, const Values& pks);

    // Applies what was collected, in one transaction; refuses it all when a protected or
    // restricted row would be left pointing at a deleted one.
    DeleteResult run(const ModelMeta& first);

    // A delete that the database refused when it checked the keys (at COMMIT).
    [[noreturn]] static void refused_by_database(const ModelMeta& m, const IntegrityError& e);

private:
    struct Impl; // dorm/impl/orm/collector.ipp
    std::unique_ptr<Impl> impl_;
};

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/collector.ipp"
#endif
