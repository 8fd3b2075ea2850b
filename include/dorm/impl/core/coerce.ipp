#pragma once
// Bodies of dorm/core/coerce.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <system_error>

#include "dorm/core/coerce.hpp"
#include "dorm/core/errors.hpp"
#include "dorm/core/model.hpp"
#include "dorm/core/value_impl.hpp"
#include "dorm/detail/json.hpp"
#include "dorm/detail/unicode.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Python's str(), repr(), int() and float()
// ---------------------------------------------------------------------------------------------

DORM_INLINE std::string python_str(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::Null:
        return "None";
    case Value::Kind::Real:
        return python_float_repr(v.as_double());
    case Value::Kind::Bool:
        return v.as_bool() ? "True" : "False";
    case Value::Kind::Text:
        return v.as_text();
    case Value::Kind::Duration: // str(timedelta): "1 day, 2:03:04.500000"
        return duration_str(v.as_duration());
    default: // an integer; a date, time or datetime in ISO form, as Python's str()
        return v.repr();
    }
}

// A code point Python's repr() escapes: controls, and the non-ASCII white space and
// format characters (no-break space, zero-width space, byte order mark...).
DORM_INLINE bool python_unprintable(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad || is_unicode_space(c) ||
           (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064) || c == 0xfeff;
}

DORM_INLINE std::string python_text_repr(std::string_view s) {
    const bool dq = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
    const char quote = dq ? '"' : '\'';
    std::string out(1, quote);
    for (std::size_t i = 0; i < s.size();) {
        const utf8_decoded d = decode_utf8(s, i);
        char buf[16];
        if (d.length == 0) { // not UTF-8: the byte, as Python shows an undecodable one
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i]));
            out += buf;
            ++i;
            continue;
        }
        const char32_t c = d.code_point;
        if (c == static_cast<char32_t>(quote) || c == U'\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == U'\t') {
            out += "\\t";
        } else if (c == U'\n') {
            out += "\\n";
        } else if (c == U'\r') {
            out += "\\r";
        } else if (python_unprintable(c)) {
            const auto u = static_cast<unsigned>(c);
            std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : "\\u%04x", u);
            out += buf;
        } else {
            out.append(s.substr(i, d.length));
        }
        i += d.length;
    }
    return out + quote;
}

DORM_INLINE std::string python_repr(const Value& v) {
    const auto time_args = [](const Time& t) {
        std::string out = std::to_string(t.hour) + ", " + std::to_string(t.minute);
        if (t.second || t.microsecond)
            out += ", " + std::to_string(t.second);
        if (t.microsecond)
            out += ", " + std::to_string(t.microsecond);
        return out;
    };
    const auto date_args = [](const Date& d) {
        return std::to_string(d.year) + ", " + std::to_string(d.month) + ", " +
               std::to_string(d.day);
    };
    switch (v.kind()) {
    case Value::Kind::Text:
        return python_text_repr(v.as_text());
    case Value::Kind::Date:
        return "datetime.date(" + date_args(v.as_date()) + ")";
    case Value::Kind::DateTime: {
        const DateTime dt = v.as_datetime();
        return "datetime.datetime(" + date_args(dt.date) + ", " + time_args(dt.time) + ")";
    }
    case Value::Kind::Time:
        return "datetime.time(" + time_args(v.as_time()) + ")";
    case Value::Kind::Duration: { // datetime.timedelta(days=1, seconds=7384, microseconds=5)
        std::int64_t days = 0, rest = 0;
        split_duration(v.as_duration().count(), days, rest);
        std::string args;
        const auto arg = [&](const char* name, std::int64_t n) {
            if (n != 0)
                args += (args.empty() ? "" : ", ") + std::string(name) + "=" + std::to_string(n);
        };
        arg("days", days);
        arg("seconds", rest / 1'000'000);
        arg("microseconds", rest % 1'000'000);
        return "datetime.timedelta(" + (args.empty() ? std::string("0") : args) + ")";
    }
    default:
        return python_str(v);
    }
}

// Python's _PyUnicode_TransformDecimalAndSpaceToASCII, the first step of int() and float():
// digits of any script become ASCII digits, other white space a space; any other non-ASCII
// character (or a byte that is not UTF-8) makes the text no number.
DORM_INLINE std::optional<std::string> ascii_number_text(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            out += s[i++];
            continue;
        }
        const utf8_decoded d = decode_utf8(s, i);
        if (d.length == 0)
            return std::nullopt;
        if (is_unicode_space(d.code_point))
            out += ' ';
        else if (const int digit = decimal_digit_value(d.code_point); digit >= 0)
            out += static_cast<char>('0' + digit);
        else
            return std::nullopt;
        i += d.length;
    }
    return out;
}

DORM_INLINE bool ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

// Without Python's (ASCII) white space at both ends.
DORM_INLINE std::string_view python_strip(std::string_view s) {
    constexpr std::string_view space = " \t\n\v\f\r";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

// Digits with single underscores between them ("1_000"), appended to `out` without the
// underscores; false when there is no digit at pos.
DORM_INLINE bool scan_digits(std::string_view s, std::size_t& pos, std::string& out) {
    const std::size_t start = pos;
    while (pos < s.size()) {
        if (ascii_digit(s[pos]))
            out += s[pos++];
        else if (s[pos] == '_' && pos > start && ascii_digit(s[pos - 1]) && pos + 1 < s.size() &&
                 ascii_digit(s[pos + 1]))
            ++pos;
        else
            break;
    }
    return pos > start;
}

DORM_INLINE bool equals_lower(std::string_view s, std::string_view lower) {
    if (s.size() != lower.size())
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

DORM_INLINE std::optional<std::int64_t> python_int(std::string_view text, bool& overflow) {
    overflow = false;
    const auto ascii = ascii_number_text(text);
    if (!ascii)
        return std::nullopt;
    const std::string_view s = python_strip(*ascii);
    std::size_t pos = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+'))
        ++pos;
    std::string digits;
    if (!scan_digits(s, pos, digits) || pos != s.size())
        return std::nullopt;
    constexpr std::uint64_t limit = std::uint64_t{1} << 63; // |INT64_MIN|
    std::uint64_t magnitude = 0;
    for (char c : digits) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (limit - digit) / 10) {
            overflow = true;
            return std::nullopt;
        }
        magnitude = magnitude * 10 + digit;
    }
    if (negative)
        return magnitude == limit ? std::numeric_limits<std::int64_t>::min()
                                  : -static_cast<std::int64_t>(magnitude);
    if (magnitude == limit) {
        overflow = true;
        return std::nullopt;
    }
    return static_cast<std::int64_t>(magnitude);
}

DORM_INLINE std::optional<double> python_float(std::string_view text) {
    const auto ascii = ascii_number_text(text);
    if (!ascii)
        return std::nullopt;
    std::string_view s = python_strip(*ascii);
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+'))
        s.remove_prefix(1);
    const double sign = negative ? -1.0 : 1.0;
    if (equals_lower(s, "inf") || equals_lower(s, "infinity"))
        return sign * std::numeric_limits<double>::infinity();
    if (equals_lower(s, "nan"))
        return std::numeric_limits<double>::quiet_NaN();
    std::size_t pos = 0;
    std::string whole, fraction, exponent;
    scan_digits(s, pos, whole);
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        scan_digits(s, pos, fraction);
    }
    if (whole.empty() && fraction.empty())
        return std::nullopt;
    bool exponent_negative = false;
    if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
        ++pos;
        if (pos < s.size() && (s[pos] == '-' || s[pos] == '+'))
            exponent_negative = s[pos++] == '-';
        if (!scan_digits(s, pos, exponent))
            return std::nullopt;
    }
    if (pos != s.size())
        return std::nullopt;
    const std::string clean = (whole.empty() ? "0" : whole) + "." + fraction + "e" +
                              (exponent_negative ? "-" : "") + (exponent.empty() ? "0" : exponent);
    double d = 0;
    const std::errc ec = parse_double(clean, d);
    if (ec == std::errc::result_out_of_range) {
        // Too large is infinite, too small zero (as Python): compare the position of the
        // first significant digit with the exponent.
        const std::string all = whole + fraction;
        const auto first = all.find_first_not_of('0');
        long long magnitude = static_cast<long long>(whole.size()) - static_cast<long long>(first);
        const long long e = exponent.size() > 6 ? 1000000 : std::stoll("0" + exponent);
        magnitude += exponent_negative ? -e : e;
        d = magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
    } else if (ec != std::errc()) {
        return std::nullopt;
    }
    return sign * d;
}

// ---------------------------------------------------------------------------------------------
// Django's date, datetime and time formats (django/utils/dateparse.py): \d is a digit of any
// script, `$` also matches before a final newline
// ---------------------------------------------------------------------------------------------

enum class DateParse : std::uint8_t { NoMatch, Invalid, Aware, Ok };

struct DateCodePoints {
    std::u32string s;
    std::size_t pos = 0;

    explicit DateCodePoints(std::string_view utf8) : s(utf8_code_points(utf8)) {}
    bool peek(char32_t c) const { return pos < s.size() && s[pos] == c; }
    bool take(char32_t c) {
        if (!peek(c))
            return false;
        ++pos;
        return true;
    }
    bool digit_next() const { return pos < s.size() && decimal_digit_value(s[pos]) >= 0; }
    // Up to `most` digits (greedy); false when fewer than `least`.
    bool digits(std::size_t least, std::size_t most, int& value) {
        std::size_t n = 0;
        value = 0;
        while (n < most && digit_next()) {
            value = value * 10 + decimal_digit_value(s[pos++]);
            ++n;
        }
        return n >= least;
    }
    bool at_end() const { return pos == s.size() || (pos + 1 == s.size() && s[pos] == U'\n'); }
};

// (?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})
DORM_INLINE bool scan_date(DateCodePoints& in, Date& d) {
    return in.digits(4, 4, d.year) && in.take(U'-') && in.digits(1, 2, d.month) && in.take(U'-') &&
           in.digits(1, 2, d.day);
}

// (?::(?P<second>\d{1,2})(?:[\.,](?P<microsecond>\d{1,6})\d{0,6})?)? after HH:MM; `anchored`:
// the text must end after it (a datetime), so a ':' or '.' that starts no part is no match.
DORM_INLINE bool scan_seconds(DateCodePoints& in, Time& t, bool anchored) {
    if (!in.peek(U':'))
        return true;
    const std::size_t colon = in.pos++;
    if (!in.digits(1, 2, t.second)) {
        in.pos = colon;
        return !anchored;
    }
    if ((in.peek(U'.') || in.peek(U',')) && in.pos + 1 < in.s.size() &&
        decimal_digit_value(in.s[in.pos + 1]) >= 0) {
        ++in.pos;
        int us = 0, n = 0;
        for (; n < 6 && in.digit_next(); ++n)
            us = us * 10 + decimal_digit_value(in.s[in.pos++]);
        for (int i = 0; i < 6 && in.digit_next(); ++i)
            ++in.pos; // digits beyond microseconds
        for (; n < 6; ++n)
            us *= 10; // ljust(6, '0')
        t.microsecond = us;
    }
    return true;
}

DORM_INLINE DateParse parse_django_date(std::string_view text, Date& d) {
    DateCodePoints in(text);
    if (!scan_date(in, d) || !in.at_end())
        return DateParse::NoMatch;
    return d.valid() ? DateParse::Ok : DateParse::Invalid;
}

DORM_INLINE DateParse parse_django_datetime(std::string_view text, DateTime& dt) {
    DateCodePoints in(text);
    if (!scan_date(in, dt.date) || !(in.take(U'T') || in.take(U' ')) ||
        !in.digits(1, 2, dt.time.hour) || !in.take(U':') || !in.digits(1, 2, dt.time.minute) ||
        !scan_seconds(in, dt.time, true))
        return DateParse::NoMatch;
    // (?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?
    bool aware = false;
    int offset = 0;
    if (in.take(U'Z')) {
        aware = true;
    } else if (in.peek(U'+') || in.peek(U'-')) {
        const bool west = in.s[in.pos++] == U'-';
        int hours = 0, minutes = 0;
        if (!in.digits(2, 2, hours))
            return DateParse::NoMatch;
        if (in.take(U':') || in.digit_next())
            if (!in.digits(2, 2, minutes))
                return DateParse::NoMatch;
        aware = true;
        offset = (west ? -1 : 1) * (hours * 60 + minutes);
    }
    if (!in.at_end())
        return DateParse::NoMatch;
    if (!dt.valid() || offset <= -1440 || offset >= 1440) // a time zone within a day
        return DateParse::Invalid;
    return aware ? DateParse::Aware : DateParse::Ok;
}

// Matched at the start only (parse_time uses re.match with no `$`): "10:00abc" is 10:00.
DORM_INLINE DateParse parse_django_time(std::string_view text, Time& t) {
    DateCodePoints in(text);
    if (!in.digits(1, 2, t.hour) || !in.take(U':') || !in.digits(1, 2, t.minute))
        return DateParse::NoMatch;
    scan_seconds(in, t, false);
    return t.valid() ? DateParse::Ok : DateParse::Invalid;
}

// ---------------------------------------------------------------------------------------------
// The messages
// ---------------------------------------------------------------------------------------------

DORM_INLINE std::string coerce_where(const CoerceTarget& t) {
    return " (" + t.where() + ")";
}

// "Item.rank lookup 'exact' expects integer value, got blob <blob of 2 bytes>": dorm's
// message where Django's is Python's own ("expected string or bytes-like object").
DORM_INLINE std::string wrong_kind_message(const Value& v, const CoerceTarget& t) {
    return t.where() + " expects " + std::string(value_type_name(t.type)) + " value, got " +
           std::string(Value::kind_name(v.kind())) + " " + v.repr();
}

// A value of a kind the type cannot take (a number for a date, a blob): TypeError.
[[noreturn]] DORM_INLINE void wrong_kind(const Value& v, const CoerceTarget& t) {
    throw TypeError(wrong_kind_message(v, t));
}

// "Field 'rank' expected a number but got 'abc'." (IntegerField and FloatField)
DORM_INLINE std::string expected_number(const Value& v, const CoerceTarget& t) {
    return "Field '" + t.name() + "' expected a number but got " + python_repr(v) + "." +
           coerce_where(t);
}

// Django's messages quote the value as “value”.
DORM_INLINE std::string quoted_value(const Value& v) {
    return "\u201c" + python_str(v) + "\u201d";
}

DORM_INLINE const Value& checked_utf8(const Value& v, const CoerceTarget& t) {
    if (std::string p = utf8_problem(v.as_text()); !p.empty())
        throw ValueError(t.where() + ": " + p);
    return v;
}

// A Date, DateTime or Time built in C++ off the calendar (2021-02-30, 25:00): dorm's check,
// as Python could not build it.
DORM_INLINE void check_calendar(const Value& v, const CoerceTarget& t) {
    if (std::string p = calendar_problem(v); !p.empty())
        throw ValueError(t.where() + ": " + p);
}

inline constexpr const char* invalid_date_format_message =
    " value has an invalid date format. It must be in YYYY-MM-DD format.";
inline constexpr const char* invalid_date_message =
    " value has the correct format (YYYY-MM-DD) but it is an "
    "invalid date.";

// ---------------------------------------------------------------------------------------------
// One function per type
// ---------------------------------------------------------------------------------------------

DORM_INLINE Value coerce_integer(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
    case Value::Kind::Integer:
        return v;
    case Value::Kind::Bool:
        return Value(std::int64_t{v.as_bool() ? 1 : 0});
    case Value::Kind::Real: {
        const double d = v.as_double();
        if (std::isnan(d))
            throw ValueError(expected_number(v, t));
        if (std::isinf(d))
            throw OverflowError("Field '" + t.name() +
                                "': cannot convert float infinity to integer" + coerce_where(t));
        if (const auto i = whole_int64(d))
            return Value(*i);
        if (std::trunc(d) == d)
            throw OverflowError("Field '" + t.name() + "': " + python_repr(v) +
                                " is too large for SQLite's INTEGER" + coerce_where(t));
        // dorm's one strictness (docs/django-differences.md): Django truncates 12.5 to 12.
        throw ValueError(wrong_kind_message(v, t) +
                         " (not a whole number; Django would truncate it)");
    }
    case Value::Kind::Text: {
        checked_utf8(v, t);
        bool overflow = false;
        if (const auto i = python_int(v.as_text(), overflow))
            return Value(*i);
        if (overflow)
            throw OverflowError("Field '" + t.name() + "': " + python_repr(v) +
                                " is too large for SQLite's INTEGER" + coerce_where(t));
        throw ValueError(expected_number(v, t));
    }
    case Value::Kind::Decimal: { // int(Decimal): a whole number; a fraction as a double's
        const Decimal d = v.as_decimal();
        bool overflow = false;
        if (d.quantize(0) == d)
            if (const auto i = python_int(d.quantize(0).str(), overflow))
                return Value(*i);
        if (overflow || d.quantize(0) == d)
            throw OverflowError("Field '" + t.name() + "': " + python_repr(v) +
                                " is too large for SQLite's INTEGER" + coerce_where(t));
        throw ValueError(wrong_kind_message(v, t) +
                         " (not a whole number; Django would truncate it)");
    }
    case Value::Kind::Date:
    case Value::Kind::DateTime:
    case Value::Kind::Time:
    case Value::Kind::Duration:
        throw TypeError(expected_number(v, t));
    case Value::Kind::Blob:
    case Value::Kind::Uuid:
        break;
    }
    wrong_kind(v, t);
}

DORM_INLINE Value coerce_real(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
    case Value::Kind::Real:
        return v;
    case Value::Kind::Integer:
        return Value(v.as_double());
    case Value::Kind::Bool:
        return Value(v.as_bool() ? 1.0 : 0.0);
    case Value::Kind::Text:
        checked_utf8(v, t);
        if (const auto d = python_float(v.as_text()))
            return Value(*d);
        throw ValueError(expected_number(v, t));
    case Value::Kind::Decimal: // float(Decimal)
        return Value(v.as_decimal().to_double());
    case Value::Kind::Date:
    case Value::Kind::DateTime:
    case Value::Kind::Time:
    case Value::Kind::Duration:
        throw TypeError(expected_number(v, t));
    case Value::Kind::Blob:
    case Value::Kind::Uuid:
        break;
    }
    wrong_kind(v, t);
}

DORM_INLINE Value coerce_bool(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
    case Value::Kind::Bool:
        return v;
    case Value::Kind::Integer: // value in (True, False): 1 == True, 0 == False
        if (v.as_int() == 0 || v.as_int() == 1)
            return Value(v.as_int() == 1);
        break;
    case Value::Kind::Real:
        if (v.as_double() == 0.0 || v.as_double() == 1.0)
            return Value(v.as_double() == 1.0);
        break;
    case Value::Kind::Text: {
        const std::string& s = checked_utf8(v, t).as_text();
        if (s == "t" || s == "True" || s == "1")
            return Value(true);
        if (s == "f" || s == "False" || s == "0")
            return Value(false);
        if (s.empty() && t.null)
            return Value(); // one of Django's empty values: None
        break;
    }
    case Value::Kind::Blob:
        wrong_kind(v, t);
    default:
        break;
    }
    throw ValidationError(quoted_value(v) + " value must be either True" +
                          (t.null ? ", False, or None." : " or False.") + coerce_where(t));
}

DORM_INLINE Value coerce_text(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
        return v;
    case Value::Kind::Text:
        return checked_utf8(v, t);
    case Value::Kind::Blob:
        wrong_kind(v, t);
    default:
        check_calendar(v, t);
        return Value(python_str(v));
    }
}

DORM_INLINE Value coerce_date(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
        return v;
    case Value::Kind::Date:
    case Value::Kind::DateTime: // datetime.date()
        check_calendar(v, t);
        return Value(v.as_date());
    case Value::Kind::Text: {
        Date d;
        switch (parse_django_date(checked_utf8(v, t).as_text(), d)) {
        case DateParse::Ok:
        case DateParse::Aware:
            return Value(d);
        case DateParse::Invalid:
            throw ValidationError(quoted_value(v) + invalid_date_message + coerce_where(t));
        case DateParse::NoMatch:
            break;
        }
        throw ValidationError(quoted_value(v) + invalid_date_format_message + coerce_where(t));
    }
    default:
        wrong_kind(v, t);
    }
}

DORM_INLINE Value coerce_datetime(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
        return v;
    case Value::Kind::DateTime:
    case Value::Kind::Date: // midnight
        check_calendar(v, t);
        return Value(v.as_datetime());
    case Value::Kind::Text: {
        const std::string& s = checked_utf8(v, t).as_text();
        DateTime dt;
        switch (parse_django_datetime(s, dt)) {
        case DateParse::Ok:
            return Value(dt);
        case DateParse::Aware: // settings.USE_TZ = False: Django's SQLite backend refuses it
            throw ValueError("SQLite backend does not support timezone-aware datetimes when "
                             "USE_TZ is False." +
                             coerce_where(t));
        case DateParse::Invalid:
            throw ValidationError(quoted_value(v) +
                                  " value has the correct format (YYYY-MM-DD "
                                  "HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid date/time." +
                                  coerce_where(t));
        case DateParse::NoMatch:
            break;
        }
        Date d;
        switch (parse_django_date(s, d)) {
        case DateParse::Ok:
        case DateParse::Aware:
            return Value(DateTime(d));
        case DateParse::Invalid:
            throw ValidationError(quoted_value(v) + invalid_date_message + coerce_where(t));
        case DateParse::NoMatch:
            break;
        }
        throw ValidationError(quoted_value(v) +
                              " value has an invalid format. It must be in YYYY-MM-DD "
                              "HH:MM[:ss[.uuuuuu]][TZ] format." +
                              coerce_where(t));
    }
    default:
        wrong_kind(v, t);
    }
}

DORM_INLINE Value coerce_time(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
        return v;
    case Value::Kind::Time:
    case Value::Kind::DateTime: // datetime.time()
        check_calendar(v, t);
        return Value(v.kind() == Value::Kind::Time ? v.as_time() : v.as_datetime().time);
    case Value::Kind::Text: {
        Time tm;
        switch (parse_django_time(checked_utf8(v, t).as_text(), tm)) {
        case DateParse::Ok:
        case DateParse::Aware:
            return Value(tm);
        case DateParse::Invalid:
            throw ValidationError(
                quoted_value(v) +
                " value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an "
                "invalid time." +
                coerce_where(t));
        case DateParse::NoMatch:
            break;
        }
        throw ValidationError(quoted_value(v) +
                              " value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] "
                              "format." +
                              coerce_where(t));
    }
    default:
        wrong_kind(v, t);
    }
}

// Django 3.2's DurationField prepares a value with duration_microseconds(value) alone (its
// get_prep_value does not call to_python): anything but a timedelta fails there
// (AttributeError "'int' object has no attribute 'days'"). dorm raises TypeError.
DORM_INLINE Value coerce_duration(const Value& v, const CoerceTarget& t) {
    switch (v.kind()) {
    case Value::Kind::Null:
    case Value::Kind::Duration:
        return v;
    default:
        throw TypeError("Field '" + t.name() +
                        "' expected a duration (a std::chrono::duration) but got " +
                        python_repr(v) + "." + coerce_where(t));
    }
}

DORM_INLINE Value coerce(const Value& v, const CoerceTarget& t) {
    switch (t.type) {
    case ValueType::Integer:
        return coerce_integer(v, t);
    case ValueType::Real:
        return coerce_real(v, t);
    case ValueType::Bool:
        return coerce_bool(v, t);
    case ValueType::Text:
        return coerce_text(v, t);
    case ValueType::Date:
        return coerce_date(v, t);
    case ValueType::DateTime:
        return coerce_datetime(v, t);
    case ValueType::Time:
        return coerce_time(v, t);
    case ValueType::Json:
        return coerce_json(v, t);
    case ValueType::Decimal:
        return coerce_decimal(v, t);
    case ValueType::Uuid:
        return coerce_uuid(v, t);
    case ValueType::Binary: // Django binds bytes as they are
        if (v.kind() == Value::Kind::Blob || v.is_null())
            return v;
        wrong_kind(v, t);
    case ValueType::Duration:
        return coerce_duration(v, t);
    }
    wrong_kind(v, t);
}

DORM_INLINE bool of_type(const Value& v, ValueType t) noexcept {
    switch (t) {
    case ValueType::Integer:
        return v.kind() == Value::Kind::Integer;
    case ValueType::Real:
        return v.kind() == Value::Kind::Real;
    case ValueType::Bool:
        return v.kind() == Value::Kind::Bool;
    case ValueType::Text:
        return v.kind() == Value::Kind::Text;
    case ValueType::Date:
        return v.kind() == Value::Kind::Date;
    case ValueType::DateTime:
        return v.kind() == Value::Kind::DateTime;
    case ValueType::Time:
        return v.kind() == Value::Kind::Time;
    case ValueType::Json: // text is parsed: it becomes the canonical text
        return false;
    case ValueType::Decimal:
        return v.kind() == Value::Kind::Decimal;
    case ValueType::Uuid:
        return v.kind() == Value::Kind::Uuid;
    case ValueType::Binary:
        return v.kind() == Value::Kind::Blob;
    case ValueType::Duration:
        return v.kind() == Value::Kind::Duration;
    }
    return false;
}

DORM_INLINE std::string json_text(const Value& v, bool text_is_json,
                                  FunctionRef<std::string()> what) {
    switch (v.kind()) {
    case Value::Kind::Text: {
        std::string out, error;
        if (text_is_json) {
            if (!canonical_json(v.as_text(), out, error))
                throw ValueError(what() + ": " + v.repr() + " is not JSON (" + error + ")");
        } else if (!append_json_string(out, v.as_text())) {
            throw ValueError(what() + ": " + utf8_problem(v.as_text()));
        }
        return out;
    }
    case Value::Kind::Integer:
        return std::to_string(v.as_int());
    case Value::Kind::Bool:
        return v.as_bool() ? "true" : "false";
    case Value::Kind::Real:
        if (v.as_double() != v.as_double() || v.as_double() - v.as_double() != 0)
            throw ValueError(what() + ": " + v.repr() + " has no JSON form");
        return python_float_repr(v.as_double());
    default:
        throw ValueError(what() +
                         " expects a JSON value (text, number, boolean, null, or a "
                         "dorm::Json), got " +
                         std::string(Value::kind_name(v.kind())) + " " + v.repr());
    }
}

// Django's DecimalField.to_python and UUIDField.to_python (dorm/core/fields.hpp): their
// ValidationError, with where the value was met.
DORM_INLINE Value coerce_decimal(const Value& v, const CoerceTarget& t) {
    if (v.is_null())
        return v;
    try {
        return Value(decimal_to_python(v, t.max_digits));
    } catch (const ValidationError& e) {
        throw ValidationError(e.what() + coerce_where(t));
    }
}

DORM_INLINE Value coerce_uuid(const Value& v, const CoerceTarget& t) {
    if (v.is_null())
        return v;
    try {
        return Value(uuid_to_python(v));
    } catch (const ValidationError& e) {
        throw ValidationError(e.what() + coerce_where(t));
    }
}

DORM_INLINE Value coerce_json(const Value& v, const CoerceTarget& t) {
    return Value(json_text(v, true, t.where));
}

DORM_INLINE Value coerce_for_field(const Value& v, const FieldMeta& f) {
    // A ForeignKey prepares its value with the target's key (Django: "Field 'id' ...").
    auto name = [&] { return f.is_foreign_key() ? f.related_model().pk().name : f.name; };
    auto where = [&] { return f.described_name(); };
    return coerce(v, CoerceTarget{f.value_type(), f.null(), name, where,
                                  static_cast<int>(f.is_foreign_key() ? 0 : f.max_digits)});
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
