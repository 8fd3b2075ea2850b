#pragma once
// Bodies of dorm/remote/parse.hpp (dorm/detail/config.hpp).
#include "dorm/remote/parse.hpp"

#include <charconv>
#include <cstdint>
#include <utility>

#include "dorm/core/errors.hpp"
#include "dorm/detail/calendar.hpp"
#include "dorm/detail/float_text.hpp"
#include "dorm/odata/literal.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

namespace detail {

DORM_INLINE void malformed(const std::string& what) {
    throw MalformedResponse("malformed OData response: " + what);
}

DORM_INLINE DateTime from_unix_us(std::int64_t us) {
    // Floor division: /Date(-1)/ is 1969-12-31 23:59:59.999.
    constexpr std::int64_t day = 86'400'000'000;
    std::int64_t days = us / day;
    std::int64_t rest = us % day;
    if (rest < 0) {
        rest += day;
        --days;
    }
    const auto c = dorm::detail::civil_from_days(days);
    const auto sec = rest / 1'000'000;
    return DateTime(c.year, c.month, c.day, static_cast<int>(sec / 3600),
                    static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60),
                    static_cast<int>(rest % 1'000'000));
}

DORM_INLINE DateTime from_unix_ms(std::int64_t ms) {
    return from_unix_us(ms * 1000);
}

} // namespace detail

DORM_INLINE std::optional<DateTime> parse_v2_date(std::string_view s) {
    constexpr std::string_view head = "/Date(", tail = ")/";
    if (!s.starts_with(head) || !s.ends_with(tail))
        return std::nullopt;
    s = s.substr(head.size(), s.size() - head.size() - tail.size());
    std::size_t end = 0;
    if (!s.empty() && s[0] == '-')
        end = 1;
    while (end < s.size() && s[end] >= '0' && s[end] <= '9')
        ++end;
    if (end == 0 || (end == 1 && s[0] == '-') || end > 19)
        return std::nullopt;
    std::int64_t ms = 0;
    if (std::from_chars(s.data(), s.data() + end, ms).ec != std::errc())
        return std::nullopt;
    std::string_view offset = s.substr(end);
    if (!offset.empty()) {
        if (offset.size() != 5 || (offset[0] != '+' && offset[0] != '-'))
            return std::nullopt;
        for (char c : offset.substr(1))
            if (c < '0' || c > '9')
                return std::nullopt;
    }
    // Years 1..9999 only (what dorm::Date holds).
    if (ms < -62'135'596'800'000 || ms > 253'402'300'799'999)
        return std::nullopt;
    return detail::from_unix_ms(ms);
}

DORM_INLINE std::optional<DateTime> parse_iso(std::string_view s) {
    if (s.size() == 10) {
        auto d = Date::parse(s);
        if (!d)
            return std::nullopt;
        return DateTime(*d);
    }
    if (s.size() < 19 || s[10] != 'T')
        return std::nullopt;
    int offset_minutes = 0;
    if (s.back() == 'Z') {
        s.remove_suffix(1);
    } else if (s.size() >= 25 && (s[s.size() - 6] == '+' || s[s.size() - 6] == '-') &&
               s[s.size() - 3] == ':') {
        const auto sign = s[s.size() - 6] == '-' ? -1 : 1;
        int h = 0, m = 0;
        const auto tz = s.substr(s.size() - 5);
        if (std::from_chars(tz.data(), tz.data() + 2, h).ec != std::errc() ||
            std::from_chars(tz.data() + 3, tz.data() + 5, m).ec != std::errc())
            return std::nullopt;
        offset_minutes = sign * (h * 60 + m);
        s.remove_suffix(6);
    }
    std::string text(s);
    text[10] = ' ';
    // Django's storage form takes up to 6 fraction digits; OData may send 7.
    if (const auto dot = text.find('.'); dot != std::string::npos && text.size() - dot > 7)
        text.resize(dot + 7);
    auto dt = DateTime::parse(text);
    if (!dt)
        return std::nullopt;
    if (offset_minutes) {
        const std::int64_t days =
            dorm::detail::days_from_civil(dt->date.year, dt->date.month, dt->date.day);
        const std::int64_t ms = (days * 86'400 + dt->time.hour * 3600 + dt->time.minute * 60 +
                                 dt->time.second - offset_minutes * 60) *
                                    1000 +
                                dt->time.microsecond / 1000;
        DateTime utc = detail::from_unix_ms(ms);
        utc.time.microsecond = dt->time.microsecond;
        return utc;
    }
    return dt;
}

DORM_INLINE Page parse_page(nlohmann::json body, Version v) {
    Page p;
    if (!body.is_object())
        detail::malformed("the body is not a JSON object");
    nlohmann::json* rows = nullptr;
    if (v == Version::V2) {
        auto d = body.find("d");
        if (d == body.end())
            detail::malformed("no \"d\" in a V2 response");
        if (d->is_array()) {
            rows = &*d;
        } else if (d->is_object()) {
            auto r = d->find("results");
            if (r == d->end() || !r->is_array())
                detail::malformed("no \"d.results\" array in a V2 list response");
            rows = &*r;
            if (auto n = d->find("__next"); n != d->end()) {
                if (!n->is_string())
                    detail::malformed("\"__next\" is not a string");
                p.next = n->get<std::string>();
            }
            if (auto c = d->find("__count"); c != d->end()) {
                std::int64_t count = 0;
                const std::string text = c->is_string() ? c->get<std::string>() : c->dump();
                if (std::from_chars(text.data(), text.data() + text.size(), count).ec !=
                    std::errc())
                    detail::malformed("\"__count\" is not a number");
                p.count = count;
            }
        } else {
            detail::malformed("\"d\" is neither an object nor an array");
        }
    } else {
        auto r = body.find("value");
        if (r == body.end() || !r->is_array())
            detail::malformed("no \"value\" array in a V4 list response");
        rows = &*r;
        if (auto n = body.find("@odata.nextLink"); n != body.end()) {
            if (!n->is_string())
                detail::malformed("\"@odata.nextLink\" is not a string");
            p.next = n->get<std::string>();
        }
        if (auto c = body.find("@odata.count"); c != body.end()) {
            if (!c->is_number_integer())
                detail::malformed("\"@odata.count\" is not an integer");
            p.count = c->get<std::int64_t>();
        }
    }
    p.rows.reserve(rows->size());
    for (auto& row : *rows) {
        if (!row.is_object())
            detail::malformed("a row is not a JSON object");
        p.rows.push_back(std::move(row));
    }
    return p;
}

DORM_INLINE Value parse_value(const nlohmann::json& j, ValueType t, Version v,
                              std::string_view attribute) {
    auto bad = [&](const char* expected) -> Value {
        detail::malformed("attribute " + std::string(attribute) + " is " + j.dump() + ", not " +
                          expected);
    };
    if (j.is_null())
        return Value();
    switch (t) {
    case ValueType::Integer:
        if (j.is_number_integer())
            return Value(j.get<std::int64_t>());
        if (j.is_string()) { // V2 Int64 / Decimal as text
            const std::string s = j.get<std::string>();
            std::int64_t n = 0;
            const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
            if (r.ec == std::errc() && r.ptr == s.data() + s.size())
                return Value(n);
        }
        return bad("an integer");
    case ValueType::Real:
        if (j.is_number())
            return Value(j.get<double>());
        if (j.is_string()) { // V2 decimals
            const std::string s = j.get<std::string>();
            double d = 0;
            if (dorm::detail::parse_double(s, d) == std::errc())
                return Value(d);
        }
        return bad("a number");
    case ValueType::Bool:
        if (j.is_boolean())
            return Value(j.get<bool>());
        return bad("a boolean");
    case ValueType::Text:
        if (j.is_string())
            return Value(j.get<std::string>());
        if (j.is_object() && v == Version::V2) { // a CRM 2011 lookup: {"Id": guid, ...}
            auto id = j.find("Id");
            if (id != j.end() && (id->is_string() || id->is_null()))
                return id->is_null() ? Value() : Value(id->get<std::string>());
        }
        return bad("a string");
    case ValueType::Date:
    case ValueType::DateTime: {
        if (!j.is_string())
            return bad("a date");
        const std::string s = j.get<std::string>();
        auto dt = v == Version::V2 && s.starts_with("/Date(") ? parse_v2_date(s) : parse_iso(s);
        if (!dt)
            return bad(v == Version::V2 ? "a /Date(ms)/ value" : "an ISO 8601 date");
        return t == ValueType::Date ? Value(dt->date) : Value(*dt);
    }
    case ValueType::Json: // a JSONField: Edm.String holding the JSON text
        return Value(j.is_string() ? j.get<std::string>() : j.dump());
    case ValueType::Time: {
        if (!j.is_string())
            return bad("a time of day");
        if (auto tod = parse_time_of_day(j.get_ref<const std::string&>(), v))
            return Value(*tod);
        return bad(v == Version::V2 ? "an Edm.Time value (PT10H30M00S)"
                                    : "an Edm.TimeOfDay value (10:30:00)");
    }
    case ValueType::Duration: { // V4 Edm.Duration, V2 Edm.Time: "P1DT2H3M4.5S"
        if (!j.is_string())
            return bad("a duration");
        if (auto d = parse_iso_duration(j.get_ref<const std::string&>()))
            return Value(*d);
        return bad("an ISO 8601 duration (P1DT2H3M4.5S)");
    }
    case ValueType::Decimal:
        // V2 (and V4's IEEE754Compatible form): text, read exactly. V4: a number, read as
        // the shortest text that gives the same double (exact up to 15 significant digits).
        // CRM 2011's Money is an object {"Value": "12.50", "__metadata": ...}.
        if (j.is_object() && v == Version::V2) {
            const auto value = j.find("Value");
            if (value != j.end() && !value->is_object())
                return parse_value(*value, t, v, attribute);
        } else if (j.is_string()) {
            if (auto d = Decimal::parse(j.get_ref<const std::string&>()))
                return Value(*d);
        } else if (j.is_number_integer()) {
            return j.is_number_unsigned() ? Value(Decimal::from_string(j.dump()))
                                          : Value(Decimal(j.get<std::int64_t>()));
        } else if (j.is_number_float()) {
            char buf[32];
            const auto r = std::to_chars(buf, buf + sizeof buf, j.get<double>());
            if (auto d =
                    Decimal::parse(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf))))
                return Value(*d);
        }
        return bad("a decimal number");
    case ValueType::Uuid:
        if (j.is_string())
            if (auto u = Uuid::parse(j.get_ref<const std::string&>()))
                return Value(*u);
        return bad("a GUID");
    case ValueType::Binary:
        if (j.is_string())
            if (auto b = from_base64(j.get_ref<const std::string&>()))
                return Value(std::move(*b));
        return bad("base64 text");
    }
    return bad("a supported value");
}

DORM_INLINE std::pair<std::string, std::string> parse_error(std::string_view body) {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return {{}, std::string(body.substr(0, 500))};
    auto e = j.find("error");
    if (e == j.end() || !e->is_object())
        return {{}, std::string(body.substr(0, 500))};
    std::string code, message;
    if (auto c = e->find("code"); c != e->end())
        code = c->is_string() ? c->get<std::string>() : c->dump();
    if (auto m = e->find("message"); m != e->end()) {
        if (m->is_string())
            message = m->get<std::string>();
        else if (m->is_object() && m->contains("value") && (*m)["value"].is_string())
            message = (*m)["value"].get<std::string>();
        else
            message = m->dump();
    }
    return {code, message};
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
