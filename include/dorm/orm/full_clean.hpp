#pragma once
// Django's model validation with the database: Model.full_clean(), clean_fields() with the
// existence of related rows, and validate_unique() (dorm/core/validation.hpp has the checks
// that need no database).
#include <string>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/core/validation.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/detail/function_ref.hpp"
#include "dorm/sqlite/connection.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// Model.clean_fields(exclude): the field checks, and for a ForeignKey whether its row exists.
void clean_fields(Database& db, const ModelMeta& m, const void* obj,
                  const std::vector<std::string>& exclude, ValidationError::MessageDict& errors);

// Model.validate_unique(exclude): for each unique field (the primary key of an object being
// added too), whether another row of its table holds the same value. NULL is never a clash.
void validate_unique(Database& db, const ModelMeta& m, const void* obj, bool adding,
                     const std::vector<std::string>& exclude, ValidationError::MessageDict& errors);

// Model.full_clean(exclude, validate_unique): clean_fields(), the model's own clean()
// (`model_clean`), then the unique checks of the fields that passed; one ValidationError with
// every message.
void full_clean(Database& db, const ModelMeta& m, const void* obj, bool adding,
                const std::vector<std::string>& exclude, bool unique,
                FunctionRef<void()> model_clean);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/full_clean.ipp"
#endif
