#pragma once
// SQL functions dorm registers on every connection, for what SQLite cannot say itself:
// Unicode case folding, regular expressions, and the date transforms (ISO weeks and
// years, Django's week_day, quarters). Each returns NULL for a NULL argument.
#include <sqlite3.h>

#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql::functions {

// The argument as text (empty for NULL); the result as a copy of s.
std::string_view arg_text(sqlite3_value* v);

void result_text(sqlite3_context* ctx, const std::string& s);

// dorm_fold(text): Unicode simple case folding.
void fold(sqlite3_context* ctx, int, sqlite3_value** argv);

// The pattern of a regex lookup as error messages show it: quoted, cut after 100 bytes.
std::string shown_pattern(std::string_view p);

// dorm_regexp(text, pattern, case_insensitive): PCRE2 regular expressions read as Python's
// re reads them (detail/regex.hpp), searched anywhere in the text as Django's regex lookup;
// case_insensitive as re.IGNORECASE (Unicode). The compiled pattern (JIT where PCRE2 has
// it), its match data and JIT stack are kept for the rest of the statement. A search that
// exceeds PCRE2's limits fails the statement with function_limit_code, which dorm reports
// as OperationalError.
void regexp(sqlite3_context* ctx, int, sqlite3_value** argv);

// dorm_extract(part, value): a date/time part as an integer; part is a TransformKind.
void extract(sqlite3_context* ctx, int, sqlite3_value** argv);

// dorm_cast(part, value): the date (TransformKind::Date) or time (Time) of a datetime, as
// text in the format values are bound in.
void cast(sqlite3_context* ctx, int, sqlite3_value** argv);

// dorm_trunc(kind, value): the start of the year/month/week/day/hour/minute/second that
// holds value, for dates() and datetimes(). kind: 'year', 'month', ...
void trunc(sqlite3_context* ctx, int, sqlite3_value** argv);

// dorm_fit_int(value, low, high, name): the value when it is a whole number in low..high
// (a whole real becomes an integer; 0..1 is a boolean), NULL for NULL; anything else fails
// the statement with a message naming the field. update() wraps an expression set on an
// integer or boolean field in it:
// SQLite neither wraps nor refuses F("qty") + 1 at the top of a 32-bit range (it widens
// to 64 bits, then to a real), so the member could not hold what it stored.
void fit_int(sqlite3_context* ctx, int, sqlite3_value** argv);

// dorm_fit_float(value, name): the value when a float member can hold it (NULL for NULL);
// else the statement fails, as dorm_fit_int.
void fit_float(sqlite3_context* ctx, int, sqlite3_value** argv);

// Registers every function above on a new connection.
void register_all(sqlite3* db);

} // namespace sql::functions
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sqlite/functions.ipp"
#endif
