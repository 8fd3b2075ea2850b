#pragma once
// Values as the JSON a write carries (the inverse of parse_value): V4 ISO 8601 dates and
// datetimes in UTC, V2 "/Date(ms)/"; numbers, booleans and text as JSON has them.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "dorm/detail/calendar.hpp"
#include "dorm/errors.hpp"
#include "dorm/remote/dialect.hpp"
#include "dorm/remote/literal.hpp"
#include "dorm/value.hpp"

namespace dorm::odata {

inline nlohmann::json json_value(const Value& v, Version version) {
    const bool v2 = version == Version::V2;
    const auto v2_date = [](const DateTime& dt) {
        const std::int64_t days =
            dorm::detail::days_from_civil(dt.date.year, dt.date.month, dt.date.day);
        const std::int64_t ms =
            days * 86'400'000 +
            ((dt.time.hour * 60 + dt.time.minute) * 60 + dt.time.second) * std::int64_t{1000} +
            dt.time.microsecond / 1000;
        return "/Date(" + std::to_string(ms) + ")/";
    };
    switch (v.kind()) {
    case Value::Kind::Null:
        return nullptr;
    case Value::Kind::Integer:
        return v.as_int();
    case Value::Kind::Real:
        return v.as_double();
    case Value::Kind::Bool:
        return v.as_bool();
    case Value::Kind::Text:
        return v.as_text();
    case Value::Kind::Date:
        return v2 ? v2_date(v.as_datetime()) : v.as_date().iso();
    case Value::Kind::DateTime:
        return v2 ? v2_date(v.as_datetime()) : iso_utc(v.as_datetime()) + "Z";
    case Value::Kind::Time:
        return v.as_time().iso();
    case Value::Kind::Blob:
        break;
    }
    throw NotSupported("binary values are not sent to the remote");
}

} // namespace dorm::odata
