#pragma once
// Django's field validation without the database: what Model.clean_fields() checks for each
// field (null, blank, choices, max_length, the validators of the field's kind and its own),
// with Django's messages, and the label of a value among a field's choices.
#include <string>
#include <string_view>
#include <vector>

#include "dorm/core/coerce.hpp" // python_repr(): 5, 'x', "O'Brien", None
#include "dorm/core/errors.hpp"
#include "dorm/core/fields.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/detail/function_ref.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// EmailValidator, URLValidator (http, https, ftp, ftps) and validate_slug of Django.
bool valid_email(std::string_view s);
bool valid_url(std::string_view s);
bool valid_slug(std::string_view s);

// The messages of Field.clean() for one field's value (none: valid). `adding`: an unset
// auto primary key (0) is Django's None, which an AutoField accepts.
std::vector<std::string> field_messages(const FieldMeta& f, const Value& v);

// Whether the row a ForeignKey's value names exists (ForeignKey.validate() asks the database).
using RelatedExists = FunctionRef<bool(const FieldMeta&, const Value&)>;

// Model.clean_fields(): the messages of every field not in `exclude`, appended in field
// order; `exists` checks a relation's value once the field's own checks pass.
void clean_fields(const ModelMeta& m, const void* obj, const std::vector<std::string>& exclude,
                  ValidationError::MessageDict& errors, RelatedExists exists);

// A model's verbose_name from its class name ("BlogPost" -> "blog post"), and capfirst().
std::string verbose_name(std::string_view model_name);
std::string capfirst(std::string s);
// A field's verbose_name: its name with spaces for underscores ("first name").
std::string field_label(const FieldMeta& f);

// get_FOO_display(): the label of the field's value among its choices, else the value as
// text (Python's str: "None" for NULL). FieldError when the field has no choices.
std::string display(const FieldMeta& f, const Value& v);

// "Item: {'name': ['This field cannot be blank.'], ...}" (Django's str() of the error,
// after the model's name) with the valid choices of a field whose choice was refused.
[[noreturn]] void raise_validation(const ModelMeta& m, ValidationError::MessageDict errors);

// Adds a ValidationError's messages to `errors` (Django's update_error_dict): its
// message_dict, else its text under "__all__".
void merge_errors(ValidationError::MessageDict& errors, const ValidationError& e);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/validation.ipp"
#endif
