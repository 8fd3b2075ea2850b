#pragma once
// Django's to_python of the field kinds whose text forms need parsing (TimeField,
// DurationField, JSONField): what a query value or an assigned string becomes, and the
// ValidationError (with Django's message) when it cannot. Each is a plain function, so the
// one place that coerces query values per field kind can call it.
#include <cstdint>
#include <string>
#include <string_view>

#include "dorm/core/errors.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// TimeField: Django's parse_time ("H:M", "HH:MM:SS", "HH:MM:SS.ffffff", ',' for '.'; one or
// two digits each; what follows a match is ignored, as Django's unanchored pattern does).
// ValidationError "“x” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]]
// format." or "... has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid time."
Time time_to_python(std::string_view text);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/to_python.ipp"
#endif
