#pragma once
// Values as the JSON a write carries (the inverse of parse_value): V4 ISO 8601 dates and
// datetimes in UTC, V2 "/Date(ms)/"; numbers, booleans and text as JSON has them.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "dorm/core/errors.hpp" // before value.hpp, which is not self-contained on its own
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

nlohmann::json json_value(const Value& v, Version version);

namespace detail {
// The first string (member name or value) in j that is not UTF-8, as a path for a message:
// "Name", "Lines[2].Note"; empty when there is none.
std::optional<std::string> non_utf8_path(const nlohmann::json& j, const std::string& at);
} // namespace detail

// The JSON text of a write's body. JSON carries only UTF-8 text: a member that is not
// (bytes a program put in a std::string) is a ValueError naming the entity set and the
// property, thrown before any request is sent, never nlohmann's type_error.
std::string json_body_text(const nlohmann::json& body, const std::string& entity_set);

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/remote/encode.ipp"
#endif
