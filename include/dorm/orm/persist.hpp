#pragma once
// Writing single model instances: INSERT, UPDATE, DELETE and reload by primary key, with
// Django's save() rule (UPDATE when the primary key is set, INSERT when nothing was
// updated or the key is unset) and the checks that protect the table (max_length, NULL).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sqlite/connection.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// The per-model statements, built once per process.
struct ModelStatements {
    std::string columns;           // "t"."a", "t"."b", ... in field order
    std::string insert_with_pk;    // every column
    std::string insert_without_pk; // every column but the auto primary key
    std::string select_by_pk;
    std::string delete_by_pk;
    std::vector<MemberPlan> bind_with_pk; // how insert_with_pk's parameters are bound
    std::vector<MemberPlan> bind_without_pk;
};

const ModelStatements& statements_for(const ModelMeta& m);

// Checks what the database would not: max_length (in characters, as Django counts them),
// text that is not UTF-8, dates and times that are not on the calendar (a stored
// 2021-02-30 would break every later read of the row). Runs before anything is written.
void validate(const ModelMeta& m, const void* obj);

// An auto primary key is unset while it holds 0 (or an empty optional), as Django's None.
bool pk_unset(const ModelMeta& m, const void* obj);

// INSERT; an auto primary key that is unset receives the new row id.
void insert_object(Database& db, const ModelMeta& m, void* obj);

// A run of INSERTs of one model (bulk_create): each of the model's two INSERT statements
// (with and without the primary key) is leased when first needed and kept for the run, so
// an object costs its binds and its step, not a statement lookup and a full reset.
class Inserter {
public:
    Inserter(Database& db, const ModelMeta& m);
    Inserter(const Inserter&) = delete;
    Inserter& operator=(const Inserter&) = delete;
    // What insert_object(db, m, obj) does; with_pk is !pk_unset(m, obj).
    void insert(void* obj, bool with_pk);

private:
    Database& db_;
    const ModelMeta& m_;
    const ModelStatements& s_;
    std::optional<Database::Lease> without_pk_, with_pk_;
};

// UPDATE of the given fields (all non-pk fields when empty); returns the rows matched.
std::int64_t update_object(Database& db, const ModelMeta& m, const void* obj,
                           const std::vector<const FieldMeta*>& fields);

// A general model's specialization_type: a new object's (adding) is its model's path; a
// loaded one keeps its row's unless empty.
void set_specialization(const ModelMeta& m, void* obj, bool adding);

void save_object(Database& db, const ModelMeta& m, void* obj, detail::InstanceState& st,
                 const SaveOptions& opts);

std::int64_t delete_object(Database& db, const ModelMeta& m, const void* obj);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/persist.ipp"
#endif
