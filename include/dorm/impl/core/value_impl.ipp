#pragma once
// Bodies of dorm/core/value.hpp and dorm/core/value_impl.hpp: parsing, formatting,
// conversions; inline in header-only mode, compiled into the library otherwise
// (dorm/detail/config.hpp).
#include "dorm/core/value_impl.hpp"

#include <charconv>
#include <cstdio>
#include <ostream>

#include "dorm/core/errors.hpp"
#include "dorm/core/json.hpp"
#include "dorm/detail/calendar.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE bool parse_fixed_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size())
        return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

DORM_INLINE void append_2(std::string& out, int v) {
    out += static_cast<char>('0' + v / 10 % 10);
    out += static_cast<char>('0' + v % 10);
}

} // namespace detail

DORM_INLINE bool Date::valid() const noexcept {
    return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= detail::days_in_month(year, month);
}

DORM_INLINE std::string Date::iso() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

DORM_INLINE std::optional<Date> Date::parse(std::string_view s) {
    Date d;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !detail::parse_fixed_int(s, 0, 4, d.year) ||
        !detail::parse_fixed_int(s, 5, 2, d.month) || !detail::parse_fixed_int(s, 8, 2, d.day) ||
        !d.valid())
        return std::nullopt;
    return d;
}

DORM_INLINE bool Time::valid() const noexcept {
    return hour >= 0 && hour < 24 && minute >= 0 && minute < 60 && second >= 0 && second < 60 &&
           microsecond >= 0 && microsecond < 1000000;
}

DORM_INLINE std::string Time::iso() const {
    std::string out;
    out.reserve(15);
    detail::append_2(out, hour);
    out += ':';
    detail::append_2(out, minute);
    out += ':';
    detail::append_2(out, second);
    if (microsecond) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%06d", microsecond);
        out += buf;
    }
    return out;
}

DORM_INLINE std::optional<Time> Time::parse(std::string_view s) {
    Time t;
    if (s.size() < 5 || s[2] != ':' || !detail::parse_fixed_int(s, 0, 2, t.hour) ||
        !detail::parse_fixed_int(s, 3, 2, t.minute))
        return std::nullopt;
    std::size_t pos = 5;
    if (pos < s.size()) {
        if (s[pos] != ':' || !detail::parse_fixed_int(s, pos + 1, 2, t.second))
            return std::nullopt;
        pos += 3;
        if (pos < s.size()) {
            if (s[pos] != '.')
                return std::nullopt;
            ++pos;
            // Up to six fraction digits, right-padded: ".5" is 500000 microseconds.
            int digits = 0;
            while (pos < s.size() && digits < 6 && s[pos] >= '0' && s[pos] <= '9') {
                t.microsecond = t.microsecond * 10 + (s[pos++] - '0');
                ++digits;
            }
            if (digits == 0)
                return std::nullopt;
            while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9')
                ++pos; // beyond microseconds
            for (; digits < 6; ++digits)
                t.microsecond *= 10;
        }
    }
    if (pos != s.size() || !t.valid())
        return std::nullopt;
    return t;
}

DORM_INLINE std::optional<DateTime> DateTime::parse(std::string_view s) {
    auto d = Date::parse(s.substr(0, 10));
    if (!d)
        return std::nullopt;
    if (s.size() == 10)
        return DateTime(*d);
    if (s[10] != ' ' && s[10] != 'T')
        return std::nullopt;
    auto t = Time::parse(s.substr(11));
    if (!t)
        return std::nullopt;
    return DateTime(*d, *t);
}

namespace detail {
DORM_INLINE std::optional<std::int64_t> whole_int64(double d) noexcept {
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
        d == static_cast<double>(static_cast<std::int64_t>(d)))
        return static_cast<std::int64_t>(d);
    return std::nullopt;
}

DORM_INLINE std::string date_problem(const Date& d) {
    if (d.valid())
        return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d is not a valid date", d.year, d.month, d.day);
    return buf;
}
DORM_INLINE std::string time_problem(const Time& t) {
    if (t.valid())
        return {};
    char buf[80];
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%06d is not a valid time of day", t.hour,
                  t.minute, t.second, t.microsecond);
    return buf;
}
DORM_INLINE std::string datetime_problem(const DateTime& dt) {
    std::string p = date_problem(dt.date);
    if (p.empty())
        p = time_problem(dt.time);
    return p;
}
DORM_INLINE std::string calendar_problem(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::Date:
        return date_problem(v.as_date());
    case Value::Kind::DateTime:
        return datetime_problem(v.as_datetime());
    case Value::Kind::Time:
        return time_problem(v.as_time());
    default:
        return {};
    }
}
} // namespace detail

namespace detail {
[[noreturn]] DORM_INLINE void duration_overflow(std::string_view what) {
    throw OverflowError(std::string(what));
}

// Python's divmod of microseconds into days (floored) and the microseconds of the day.
DORM_INLINE void split_duration(std::int64_t us, std::int64_t& days, std::int64_t& rest) {
    constexpr std::int64_t day = 86'400'000'000;
    days = us / day;
    rest = us % day;
    if (rest < 0) {
        rest += day;
        --days;
    }
}
} // namespace detail

DORM_INLINE std::string duration_str(std::chrono::microseconds d) {
    std::int64_t days = 0, rest = 0;
    detail::split_duration(d.count(), days, rest);
    const std::int64_t micro = rest % 1'000'000, secs = rest / 1'000'000;
    std::string out;
    if (days != 0)
        out = std::to_string(days) + (days == 1 || days == -1 ? " day, " : " days, ");
    out += std::to_string(secs / 3600) + ':';
    detail::append_2(out, static_cast<int>(secs / 60 % 60));
    out += ':';
    detail::append_2(out, static_cast<int>(secs % 60));
    if (micro != 0) {
        std::string f = std::to_string(micro);
        out += '.' + std::string(6 - f.size(), '0') + f;
    }
    return out;
}

namespace detail {
[[noreturn]] DORM_INLINE void value_kind_error(const Value& have, std::string_view want) {
    throw ValueError("expected " + std::string(want) + ", got " +
                     std::string(Value::kind_name(have.kind())) + " " + have.repr());
}
} // namespace detail

DORM_INLINE Value::Value() noexcept = default;
DORM_INLINE Value::Value(bool b) : v_(std::in_place_index<4>, b) {}
DORM_INLINE Value::Value(IntTag, std::int64_t i) : v_(std::in_place_index<1>, i) {}
DORM_INLINE Value::Value(double d) : v_(std::in_place_index<2>, d) {}
DORM_INLINE Value::Value(const char* s) : v_(std::in_place_index<3>, s) {}
DORM_INLINE Value::Value(std::string s) : v_(std::in_place_index<3>, std::move(s)) {}
DORM_INLINE Value::Value(std::string_view s) : v_(std::in_place_index<3>, s) {}
DORM_INLINE Value::Value(const Json& j) : v_(std::in_place_index<3>, j.dump()) {}
DORM_INLINE Value::Value(Date d) : v_(std::in_place_index<5>, d) {}
DORM_INLINE Value::Value(Time t) : v_(std::in_place_index<6>, t) {}
DORM_INLINE Value::Value(DateTime dt) : v_(std::in_place_index<7>, dt) {}
DORM_INLINE Value::Value(Blob b) : v_(std::in_place_index<8>, std::move(b)) {}
DORM_INLINE Value::Value(std::chrono::microseconds d)
    : v_(std::in_place_type<std::chrono::microseconds>, d) {}
DORM_INLINE Value::Value(const Value&) = default;
DORM_INLINE Value::Value(Value&&) noexcept = default;
DORM_INLINE Value& Value::operator=(const Value&) = default;
DORM_INLINE Value& Value::operator=(Value&&) noexcept = default;
DORM_INLINE Value::~Value() = default;

DORM_INLINE bool Value::equal(const Value& a, const Value& b) {
    return a.v_ == b.v_;
}

DORM_INLINE bool Value::less(const Value& a, const Value& b) {
    return a.v_ < b.v_;
}

DORM_INLINE std::string_view Value::kind_name(Kind k) {
    switch (k) {
    case Kind::Null:
        return "NULL";
    case Kind::Integer:
        return "integer";
    case Kind::Real:
        return "real";
    case Kind::Text:
        return "text";
    case Kind::Bool:
        return "boolean";
    case Kind::Date:
        return "date";
    case Kind::Time:
        return "time";
    case Kind::DateTime:
        return "datetime";
    case Kind::Blob:
        return "blob";
    case Kind::Duration:
        return "duration";
    }
    return "?";
}

DORM_INLINE Date Value::as_date() const {
    if (auto p = std::get_if<Date>(&v_))
        return *p;
    if (auto p = std::get_if<std::string>(&v_))
        if (auto dt = DateTime::parse(*p))
            return dt->date;
    if (auto p = std::get_if<DateTime>(&v_))
        return p->date;
    detail::value_kind_error(*this, "date ('YYYY-MM-DD')");
}

DORM_INLINE Time Value::as_time() const {
    if (auto p = std::get_if<Time>(&v_))
        return *p;
    if (auto p = std::get_if<DateTime>(&v_)) // Django's TimeField takes a datetime's time
        return p->time;
    if (auto p = std::get_if<std::string>(&v_))
        if (auto t = Time::parse(*p))
            return *t;
    detail::value_kind_error(*this, "time ('HH:MM[:SS[.ffffff]]')");
}

DORM_INLINE DateTime Value::as_datetime() const {
    if (auto p = std::get_if<DateTime>(&v_))
        return *p;
    if (auto p = std::get_if<Date>(&v_))
        return DateTime(*p);
    if (auto p = std::get_if<std::string>(&v_))
        if (auto dt = DateTime::parse(*p))
            return *dt;
    detail::value_kind_error(*this, "datetime ('YYYY-MM-DD HH:MM:SS[.ffffff]')");
}

DORM_INLINE std::string Value::repr() const {
    switch (kind()) {
    case Kind::Null:
        return "NULL";
    case Kind::Integer:
        return std::to_string(std::get<std::int64_t>(v_));
    case Kind::Real: { // the shortest text that reads back as the same double (224.99)
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, std::get<double>(v_));
        return std::string(buf, r.ptr);
    }
    case Kind::Text: {
        std::string out = "'";
        for (char c : std::get<std::string>(v_)) {
            if (c == '\'')
                out += '\'';
            out += c;
        }
        return out + "'";
    }
    case Kind::Bool:
        return std::get<bool>(v_) ? "true" : "false";
    case Kind::Date:
        return std::get<Date>(v_).iso();
    case Kind::Time:
        return std::get<Time>(v_).iso();
    case Kind::DateTime:
        return std::get<DateTime>(v_).iso();
    case Kind::Blob:
        return "<blob of " + std::to_string(std::get<Blob>(v_).size()) + " bytes>";
    case Kind::Duration:
        return duration_str(std::get<std::chrono::microseconds>(v_));
    }
    return "?";
}

DORM_INLINE std::ostream& operator<<(std::ostream& os, const Date& d) {
    return os << d.iso();
}
DORM_INLINE std::ostream& operator<<(std::ostream& os, const Time& t) {
    return os << t.iso();
}
DORM_INLINE std::ostream& operator<<(std::ostream& os, const DateTime& dt) {
    return os << dt.iso();
}
DORM_INLINE std::ostream& operator<<(std::ostream& os, const Value& v) {
    return os << v.repr();
}

} // namespace DORM_ABI
} // namespace dorm
