#pragma once
// Bodies of dorm/core/value.hpp and dorm/core/value_impl.hpp: parsing, formatting,
// conversions; inline in header-only mode, compiled into the library otherwise
// (dorm/detail/config.hpp).
#include "dorm/core/value_impl.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
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

// ---- Decimal ----------------------------------------------------------------------------

DORM_INLINE Decimal::Decimal(IntTag, std::int64_t i) {
    negative_ = i < 0;
    // Through unsigned: -2^63 has no positive int64.
    const std::uint64_t u = negative_ ? std::uint64_t{0} - static_cast<std::uint64_t>(i)
                                      : static_cast<std::uint64_t>(i);
    digits_ = std::to_string(u);
}

DORM_INLINE void Decimal::normalize_zero() noexcept {
    const auto first = digits_.find_first_not_of('0');
    if (first == std::string::npos)
        digits_ = "0";
    else if (first)
        digits_.erase(0, first);
}

DORM_INLINE std::optional<Decimal> Decimal::parse(std::string_view s) {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    Decimal d;
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        d.negative_ = s[i++] == '-';
    std::string digits;
    int fraction = 0;
    // Digits with single underscores between them (Python 3.6's literal grouping).
    auto run = [&](bool after_point) {
        std::size_t n = 0;
        while (i < s.size()) {
            if (s[i] >= '0' && s[i] <= '9') {
                digits += s[i++];
                ++n;
                if (after_point)
                    ++fraction;
            } else if (s[i] == '_' && n && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
                ++i;
            } else {
                break;
            }
        }
        return n;
    };
    std::size_t n = run(false);
    if (i < s.size() && s[i] == '.') {
        ++i;
        n += run(true);
    }
    if (n == 0)
        return std::nullopt;
    long long exp = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            exp_negative = s[i++] == '-';
        std::size_t e = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (exp < 100'000'000)
                exp = exp * 10 + (s[i] - '0');
            ++i;
            ++e;
        }
        if (e == 0)
            return std::nullopt;
        if (exp >= 100'000'000) // beyond any context Django uses
            return std::nullopt;
        if (exp_negative)
            exp = -exp;
    }
    if (i != s.size())
        return std::nullopt;
    d.digits_ = std::move(digits);
    d.exponent_ = static_cast<int>(exp - fraction);
    d.normalize_zero();
    return d;
}

DORM_INLINE Decimal Decimal::from_string(std::string_view s) {
    if (auto d = parse(s))
        return *d;
    throw ValueError("'" + std::string(s) + "' is not a decimal number");
}

DORM_INLINE std::optional<Decimal> Decimal::from_double(double v, int significant) {
    if (!(v == v) || v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
        return std::nullopt;
    if (significant < 1)
        significant = 1;
    if (significant > 800)
        significant = 800;
    // glibc's printf writes the exact binary value (at most 767 significant digits) and
    // rounds correctly, half to even. Python keeps the exact value when it has no more
    // digits than the context's precision, else rounds it to exactly that many.
    char exact[1100];
    std::snprintf(exact, sizeof exact, "%.800e", v);
    auto d = parse(exact);
    if (!d)
        return std::nullopt;
    if (d->is_zero()) {
        d->exponent_ = 0; // Python: Decimal from 0.0 is 0
        return d;
    }
    std::size_t zeros = 0;
    while (zeros + 1 < d->digits_.size() && d->digits_[d->digits_.size() - 1 - zeros] == '0')
        ++zeros;
    d->digits_.resize(d->digits_.size() - zeros);
    d->exponent_ += static_cast<int>(zeros);
    if (d->digits_.size() <= static_cast<std::size_t>(significant))
        return d;
    std::snprintf(exact, sizeof exact, "%.*e", significant - 1, v);
    return parse(exact);
}

DORM_INLINE std::string Decimal::str() const {
    std::string out = negative_ ? "-" : "";
    if (exponent_ >= 0) {
        out += digits_;
        if (!is_zero())
            out.append(static_cast<std::size_t>(exponent_), '0');
        return out;
    }
    const auto places = static_cast<std::size_t>(-exponent_);
    if (digits_.size() > places) {
        out.append(digits_, 0, digits_.size() - places);
        out += '.';
        out.append(digits_, digits_.size() - places, std::string::npos);
    } else {
        out += "0.";
        out.append(places - digits_.size(), '0');
        out += digits_;
    }
    return out;
}

DORM_INLINE int Decimal::whole_digits() const noexcept {
    if (is_zero())
        return 0;
    const int n = static_cast<int>(digits_.size()) + exponent_;
    return n > 0 ? n : 0;
}

DORM_INLINE Decimal Decimal::quantize(int to_places) const {
    Decimal out = *this;
    const int target = -to_places;
    if (exponent_ >= target) {
        if (!is_zero())
            out.digits_.append(static_cast<std::size_t>(exponent_ - target), '0');
        out.exponent_ = target;
        return out;
    }
    // Drop `drop` digits, rounding half to even.
    const auto drop = static_cast<std::size_t>(target - exponent_);
    std::string kept = drop < digits_.size() ? digits_.substr(0, digits_.size() - drop) : "0";
    const std::string gone = drop <= digits_.size()
                                 ? digits_.substr(digits_.size() - drop)
                                 : std::string(drop - digits_.size(), '0') + digits_;
    int cmp = 0; // the dropped part against one half
    if (gone[0] > '5')
        cmp = 1;
    else if (gone[0] < '5')
        cmp = -1;
    else
        cmp = gone.find_first_not_of('0', 1) == std::string::npos ? 0 : 1;
    const bool odd = (kept.back() - '0') % 2 == 1;
    if (cmp > 0 || (cmp == 0 && odd)) {
        std::size_t k = kept.size();
        while (k > 0 && kept[k - 1] == '9')
            kept[--k] = '0';
        if (k == 0)
            kept.insert(kept.begin(), '1');
        else
            ++kept[k - 1];
    }
    out.digits_ = std::move(kept);
    out.exponent_ = target;
    out.normalize_zero();
    return out;
}

DORM_INLINE double Decimal::to_double() const {
    const std::string s = (negative_ ? "-" : "") + digits_ + "e" + std::to_string(exponent_);
    return std::strtod(s.c_str(), nullptr);
}

DORM_INLINE int Decimal::compare(const Decimal& a, const Decimal& b) noexcept {
    const bool az = a.is_zero(), bz = b.is_zero();
    if (az && bz)
        return 0;
    const int sa = az ? 0 : (a.negative_ ? -1 : 1);
    const int sb = bz ? 0 : (b.negative_ ? -1 : 1);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    // Same sign, both non-zero: compare magnitudes, then flip for negatives.
    const long long ma = static_cast<long long>(a.digits_.size()) + a.exponent_;
    const long long mb = static_cast<long long>(b.digits_.size()) + b.exponent_;
    int m = 0;
    if (ma != mb) {
        m = ma < mb ? -1 : 1;
    } else {
        const std::size_t n = std::max(a.digits_.size(), b.digits_.size());
        for (std::size_t i = 0; i < n && m == 0; ++i) {
            const char ca = i < a.digits_.size() ? a.digits_[i] : '0';
            const char cb = i < b.digits_.size() ? b.digits_[i] : '0';
            if (ca != cb)
                m = ca < cb ? -1 : 1;
        }
    }
    return sa < 0 ? -m : m;
}

// ---- Uuid -------------------------------------------------------------------------------

DORM_INLINE std::optional<Uuid> Uuid::parse(std::string_view in) {
    // Python: hex.replace('urn:', '').replace('uuid:', '').strip('{}').replace('-', '')
    std::string s(in);
    for (const std::string_view drop : {std::string_view("urn:"), std::string_view("uuid:")})
        for (std::size_t at; (at = s.find(drop)) != std::string::npos;)
            s.erase(at, drop.size());
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == '{' || s[b] == '}'))
        ++b;
    while (e > b && (s[e - 1] == '{' || s[e - 1] == '}'))
        --e;
    std::string hex;
    for (std::size_t i = b; i < e; ++i)
        if (s[i] != '-')
            hex += s[i];
    if (hex.size() != 32)
        return std::nullopt;
    Uuid u;
    for (std::size_t i = 0; i < 32; ++i) {
        const char c = hex[i];
        int v = 0;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            return std::nullopt;
        u.bytes[i / 2] = static_cast<std::uint8_t>(u.bytes[i / 2] | (i % 2 ? v : v << 4));
    }
    return u;
}

DORM_INLINE Uuid Uuid::from_string(std::string_view s) {
    if (auto u = parse(s))
        return *u;
    throw ValueError("'" + std::string(s) + "' is not a valid UUID");
}

DORM_INLINE std::string Uuid::hex() const {
    constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(32);
    for (const std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

DORM_INLINE std::string Uuid::str() const {
    std::string h = hex();
    for (const std::size_t at : {20u, 16u, 12u, 8u})
        h.insert(at, 1, '-');
    return h;
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
DORM_INLINE Value::Value(Decimal d) : v_(std::in_place_index<9>, std::move(d)) {}
DORM_INLINE Value::Value(Uuid u) : v_(std::in_place_index<10>, u) {}
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
    case Kind::Decimal:
        return "decimal";
    case Kind::Uuid:
        return "uuid";
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

DORM_INLINE Decimal Value::as_decimal() const {
    if (auto p = std::get_if<Decimal>(&v_))
        return *p;
    if (auto p = std::get_if<std::int64_t>(&v_))
        return Decimal(*p);
    if (auto p = std::get_if<std::string>(&v_))
        if (auto d = Decimal::parse(*p))
            return *d;
    detail::value_kind_error(*this, "decimal");
}

DORM_INLINE Uuid Value::as_uuid() const {
    if (auto p = std::get_if<Uuid>(&v_))
        return *p;
    if (auto p = std::get_if<std::string>(&v_))
        if (auto u = Uuid::parse(*p))
            return *u;
    detail::value_kind_error(*this, "uuid");
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
    case Kind::Decimal:
        return std::get<Decimal>(v_).str();
    case Kind::Uuid:
        return std::get<Uuid>(v_).str();
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
DORM_INLINE std::ostream& operator<<(std::ostream& os, const Decimal& d) {
    return os << d.str();
}
DORM_INLINE std::ostream& operator<<(std::ostream& os, const Uuid& u) {
    return os << u.str();
}
DORM_INLINE std::ostream& operator<<(std::ostream& os, const Value& v) {
    return os << v.repr();
}

} // namespace DORM_ABI
} // namespace dorm
