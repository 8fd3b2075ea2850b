#pragma once
// Bodies of dorm/remote/encode.hpp (dorm/detail/config.hpp).
#include "dorm/remote/encode.hpp"

#include <cstdint>

#include "dorm/core/errors.hpp"
#include "dorm/detail/calendar.hpp"
#include "dorm/detail/unicode.hpp"
#include "dorm/odata/literal.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

DORM_INLINE nlohmann::json json_value(const Value& v, Version version) {
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
        return v2 ? v2_time(v.as_time()) : v.as_time().iso();
    case Value::Kind::Duration: // V4 Edm.Duration, V2 Edm.Time: "P1DT2H3M4.5S"
        return iso_duration(v.as_duration());
    case Value::Kind::Decimal: {
        // Edm.Decimal: V2 sends it as a string; V4 as a number, which a double carries
        // exactly up to 15 significant digits; beyond, as a string (the IEEE754Compatible
        // form), so that no digit is lost.
        const Decimal d = v.as_decimal();
        if (v2 || d.digits().size() > 15)
            return d.str();
        return nlohmann::json(d.to_double());
    }
    case Value::Kind::Uuid:
        return v.as_uuid().str();
    case Value::Kind::Blob: // Edm.Binary: base64 in both versions
        return base64(v.as_blob());
    }
    throw NotSupported("this value is not sent to the remote");
}

namespace detail {

DORM_INLINE std::optional<std::string> non_utf8_path(const nlohmann::json& j,
                                                     const std::string& at) {
    if (j.is_string())
        return dorm::detail::utf8_problem(j.get_ref<const std::string&>()).empty()
                   ? std::nullopt
                   : std::optional<std::string>(at);
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it) {
            const std::string name = at.empty() ? it.key() : at + "." + it.key();
            if (!dorm::detail::utf8_problem(it.key()).empty())
                return name;
            if (auto p = non_utf8_path(it.value(), name))
                return p;
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i)
            if (auto p = non_utf8_path(j[i], at + "[" + std::to_string(i) + "]"))
                return p;
    }
    return std::nullopt;
}

} // namespace detail

DORM_INLINE std::string json_body_text(const nlohmann::json& body, const std::string& entity_set) {
    try {
        return body.dump();
    } catch (const nlohmann::json::exception& e) {
        const auto path = detail::non_utf8_path(body, "");
        if (path)
            throw ValueError(entity_set + ": property '" + *path +
                             "' holds text that is not valid UTF-8; nothing was sent");
        throw ValueError(entity_set + ": the body cannot be written as JSON (" + e.what() +
                         "); nothing was sent");
    }
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
