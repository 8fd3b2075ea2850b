#pragma once
// What a value given to a query or a write becomes for a field: Django's
// Field.get_prep_value / to_python (django/db/models/fields/__init__.py), one function per
// ValueType, so that "5" compares with an integer field as 5, 100 with a CharField as '100'
// and "2010-1-3" with a DateField as 2010-01-03, and what Django refuses is refused with
// Django's exception class and message. A new kind of field adds its case here.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/core/fields.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/detail/function_ref.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// The field a value is prepared for. `name` and `where` are called only to write a message.
struct CoerceTarget {
    ValueType type;
    bool null;                        // nullable: a BooleanField then reads '' as None
    FunctionRef<std::string()> name;  // Django's: "rank" in "Field 'rank' expected a number"
    FunctionRef<std::string()> where; // dorm's: "Item.rank lookup 'exact'"
    int max_digits = 0;               // a DecimalField's (its to_python rounds to it); 0: none
};

// Django's get_prep_value for t.type. The result has the kind of the type (Integer, Real,
// Bool, Text, Date, DateTime, Time, Duration), or is NULL (a nullable BooleanField given '').
// Throws ValueError, TypeError, OverflowError or ValidationError as Django does; a non-integral
// double for an integer field is a ValueError (Django truncates 12.5 to 12).
Value coerce(const Value& v, const CoerceTarget& t);

Value coerce_integer(const Value& v, const CoerceTarget& t);  // int(value)
Value coerce_real(const Value& v, const CoerceTarget& t);     // float(value)
Value coerce_bool(const Value& v, const CoerceTarget& t);     // BooleanField.to_python
Value coerce_text(const Value& v, const CoerceTarget& t);     // str(value)
Value coerce_date(const Value& v, const CoerceTarget& t);     // DateField.to_python
Value coerce_datetime(const Value& v, const CoerceTarget& t); // DateTimeField.to_python
Value coerce_time(const Value& v, const CoerceTarget& t);     // TimeField.to_python
Value coerce_json(const Value& v, const CoerceTarget& t);     // JSONField: json.dumps text
Value coerce_decimal(const Value& v, const CoerceTarget& t);  // DecimalField.to_python
Value coerce_uuid(const Value& v, const CoerceTarget& t);     // UUIDField.to_python
Value coerce_duration(const Value& v, const CoerceTarget& t); // DurationField: a duration only

// A value as JSON text, as Django's JSONField.get_prep_value (json.dumps) writes it: of the
// whole document, text is JSON text (parsed and written canonically); of a key, text is a JSON
// string. A ValueError (through `where`) for what has no JSON form.
std::string json_text(const Value& v, bool text_is_json, FunctionRef<std::string()> where);

// Whether v already has the kind of values of type t (nothing to convert).
bool of_type(const Value& v, ValueType t) noexcept;

// The value for field f (a write: create(), update(), FieldMeta::set); messages name it.
Value coerce_for_field(const Value& v, const FieldMeta& f);

// Python's int() of text: white space around, a sign, digits of any script, '_' between
// digits. `overflow` is set when the number does not fit 64 bits.
std::optional<std::int64_t> python_int(std::string_view text, bool& overflow);
// Python's float() of text: also a fraction, an exponent, "inf", "infinity" and "nan".
std::optional<double> python_float(std::string_view text);
// Python's str() and repr() of a value, for str(100) == '100' and for messages.
std::string python_str(const Value& v);
std::string python_repr(const Value& v);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/coerce.ipp"
#endif
