#pragma once
// The one literal encoder of each dialect: every value that reaches an OData query goes
// through here (strings quoted with '' doubled, booleans lower case, dates and datetimes as
// UTC, GUIDs, null), so no value can change the structure of a filter.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

std::string string_literal(std::string_view s);

bool is_guid(std::string_view s);

// "2005-01-01T10:20:30" with ".ffffff" when there are microseconds. dorm's datetimes are
// naive and are taken to be UTC.
std::string iso_utc(const DateTime& dt);

// A time of day as OData V2's Edm.Time (an xs:duration): "PT10H30M00S", with
// ".ffffff" seconds when there are microseconds. The literal is time'<this>'.
std::string v2_time(const Time& t);
// A time of day as the remote sends it: V2 "PT10H30M[15[.25]S]" (any of H, M, S, each
// optional), V4 Edm.TimeOfDay "10:30:00[.fff]". nullopt when it is neither or not a time
// of day (24 hours or more).
std::optional<Time> parse_time_of_day(std::string_view s, Version v);
// Base64 of bytes (RFC 4648; `url`: the URL-safe alphabet, -_, as OData v4's binary'...'),
// and back (either alphabet, padding optional); upper-case hex of bytes (V2's X'...').
std::string base64(const Blob& b, bool url = false);
std::optional<Blob> from_base64(std::string_view s);
std::string hex_of(const Blob& b);

// A duration as ISO 8601 / xs:duration text (OData V4's Edm.Duration, V2's Edm.Time):
// "P1DT2H3M4.5S", "-PT0.000001S", "PT0S"; days, hours, minutes and seconds only, each
// omitted when zero, the seconds' fraction without trailing zeros. The literal is
// duration'<this>' on V4 and time'<this>' on V2.
std::string iso_duration(std::chrono::microseconds d);
// The inverse: [+-]P[nD][T[nH][nM][n[.f]S]], at least one part; a fraction finer than a
// microsecond rounded half to even. nullopt for other text (years, months and weeks have no
// fixed length) or beyond 64-bit microseconds.
std::optional<std::chrono::microseconds> parse_iso_duration(std::string_view s);

// A value as a literal of the dialect. `guid`: the value is a remote key (a GUID).
std::string literal(const Value& v, const Dialect& d, bool guid = false);

// Dataverse: %, _ and [ inside contains/startswith/endswith are LIKE wildcards; [x] is x.
std::string like_escaped(std::string_view s);

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/odata/literal.ipp"
#endif
