#pragma once
// Reading OData responses: a page of rows (V2 `d.results` / `__next` / `__count`, V4
// `value` / `@odata.nextLink` / `@odata.count`), values in each protocol's JSON forms (V2
// `/Date(ms)/` with or without an offset, decimals as strings; V4 ISO 8601), and error
// bodies. Anything that is not what OData promises is a MalformedResponse.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/core/errors.hpp" // what the functions throw
#include "dorm/core/fields.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

struct Page {
    std::vector<nlohmann::json> rows;
    std::optional<std::string> next; // the next page's URL (absolute on V2, may be relative on V4)
    std::optional<std::int64_t> count; // $count / $inlinecount
};

namespace detail {

[[noreturn]] void malformed(const std::string& what);

DateTime from_unix_us(std::int64_t us);
DateTime from_unix_ms(std::int64_t ms);

} // namespace detail

// V2's "/Date(1456704000000)/", "/Date(-1000)/", "/Date(1456704000000+0060)/". The
// milliseconds are UTC; an offset (in minutes) only says where the value was written.
std::optional<DateTime> parse_v2_date(std::string_view s);

// V4's "2016-02-29T10:00:00Z", "...T10:00:00.123+01:00", "2016-02-29" -> UTC.
std::optional<DateTime> parse_iso(std::string_view s);

// One page of an entity set's rows.
Page parse_page(nlohmann::json body, Version v); // by value: the rows are moved out

// One attribute of a row as the Value a field of type t holds.
Value parse_value(const nlohmann::json& j, ValueType t, Version v, std::string_view attribute);

// The code and message of an OData error body (V2 message {lang, value}, V4 a string).
std::pair<std::string, std::string> parse_error(std::string_view body);

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/remote/parse.ipp"
#endif
