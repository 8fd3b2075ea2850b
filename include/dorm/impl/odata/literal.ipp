#pragma once
// Bodies of dorm/odata/literal.hpp (dorm/detail/config.hpp).
#include "dorm/odata/literal.hpp"

#include <charconv>
#include <string>

#include "dorm/core/errors.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

DORM_INLINE std::string string_literal(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += '\'';
        out += c;
    }
    return out + "'";
}

DORM_INLINE bool is_guid(std::string_view s) {
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-'
                 : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

DORM_INLINE std::string base64(const Blob& b, bool url) {
    const char* table = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                            : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((b.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < b.size(); i += 3) {
        const std::uint32_t n = (std::uint32_t{b[i]} << 16) |
                                (i + 1 < b.size() ? std::uint32_t{b[i + 1]} << 8 : 0u) |
                                (i + 2 < b.size() ? std::uint32_t{b[i + 2]} : 0u);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += i + 1 < b.size() ? table[(n >> 6) & 63] : '=';
        out += i + 2 < b.size() ? table[n & 63] : '=';
    }
    return out;
}

DORM_INLINE std::optional<Blob> from_base64(std::string_view s) {
    Blob out;
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t i = 0;
    for (; i < s.size() && s[i] != '='; ++i) {
        const char c = s[i];
        int v = 0;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            v = c - '0' + 52;
        else if (c == '+' || c == '-')
            v = 62;
        else if (c == '/' || c == '_')
            v = 63;
        else
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
        }
    }
    for (; i < s.size(); ++i)
        if (s[i] != '=')
            return std::nullopt;
    return out;
}

DORM_INLINE std::string hex_of(const Blob& b) {
    constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const std::uint8_t c : b) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

DORM_INLINE std::string iso_utc(const DateTime& dt) {
    std::string s = dt.iso(); // "YYYY-MM-DD HH:MM:SS[.ffffff]"
    if (s.size() > 10 && s[10] == ' ')
        s[10] = 'T';
    return s;
}

DORM_INLINE std::string v2_time(const Time& t) {
    std::string iso = t.iso(); // "HH:MM:SS[.ffffff]"
    return "PT" + iso.substr(0, 2) + "H" + iso.substr(3, 2) + "M" + iso.substr(6) + "S";
}

DORM_INLINE std::optional<Time> parse_time_of_day(std::string_view s, Version v) {
    if (v != Version::V2) {
        auto t = Time::parse(s);
        if (!t || !t->valid())
            return std::nullopt;
        return t;
    }
    if (!s.starts_with("PT") || s.size() < 4)
        return std::nullopt;
    s.remove_prefix(2);
    Time t;
    // Each of H, M and S at most once and in that order; only the seconds have a fraction.
    const char units[] = {'H', 'M', 'S'};
    std::size_t next = 0;
    while (!s.empty()) {
        std::size_t n = 0;
        long long whole = 0;
        while (n < s.size() && s[n] >= '0' && s[n] <= '9' && n < 9)
            whole = whole * 10 + (s[n++] - '0');
        if (n == 0)
            return std::nullopt;
        int micro = 0;
        if (n < s.size() && s[n] == '.') {
            ++n;
            int digits = 0;
            while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
                if (digits < 6) {
                    micro = micro * 10 + (s[n] - '0');
                    ++digits;
                }
                ++n;
            }
            if (digits == 0)
                return std::nullopt;
            for (; digits < 6; ++digits)
                micro *= 10;
        }
        if (n >= s.size())
            return std::nullopt;
        const char unit = s[n];
        while (next < 3 && units[next] != unit)
            ++next;
        if (next == 3 || (micro && unit != 'S'))
            return std::nullopt;
        const int value = static_cast<int>(whole > 99 ? 99 : whole);
        (unit == 'H' ? t.hour : unit == 'M' ? t.minute : t.second) = value;
        if (unit == 'S')
            t.microsecond = micro;
        ++next;
        s.remove_prefix(n + 1);
    }
    if (!t.valid())
        return std::nullopt;
    return t;
}

DORM_INLINE std::string iso_duration(std::chrono::microseconds d) {
    const std::int64_t us = d.count();
    // |us| as unsigned: -2^63 has no positive int64.
    std::uint64_t rest =
        us < 0 ? static_cast<std::uint64_t>(-(us + 1)) + 1 : static_cast<std::uint64_t>(us);
    const std::uint64_t days = rest / 86'400'000'000, micro = rest % 1'000'000;
    rest = rest % 86'400'000'000 / 1'000'000; // whole seconds of the day
    std::string out = us < 0 ? "-P" : "P";
    if (days)
        out += std::to_string(days) + "D";
    const std::uint64_t h = rest / 3600, m = rest / 60 % 60, sec = rest % 60;
    if (h || m || sec || micro || !days) {
        out += 'T';
        if (h)
            out += std::to_string(h) + "H";
        if (m)
            out += std::to_string(m) + "M";
        if (sec || micro || (!h && !m)) {
            out += std::to_string(sec);
            if (micro) {
                std::string f = std::to_string(micro);
                f = std::string(6 - f.size(), '0') + f;
                f.erase(f.find_last_not_of('0') + 1);
                out += '.' + f;
            }
            out += 'S';
        }
    }
    return out;
}

DORM_INLINE std::optional<std::chrono::microseconds> parse_iso_duration(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (!s.starts_with('P'))
        return std::nullopt;
    s.remove_prefix(1);
    std::int64_t total = 0; // microseconds, with the sign
    bool any = false, in_time = false;
    const std::string_view units = "DTHMS"; // in this order, each at most once
    std::size_t next = 0;
    while (!s.empty()) {
        if (s[0] == 'T') {
            if (in_time || next > 1)
                return std::nullopt;
            in_time = true;
            next = 2;
            s.remove_prefix(1);
            if (s.empty())
                return std::nullopt; // "P1DT": T needs a part
            continue;
        }
        std::size_t n = 0;
        std::int64_t whole = 0;
        while (n < s.size() && s[n] >= '0' && s[n] <= '9') {
            if (__builtin_mul_overflow(whole, std::int64_t{10}, &whole) ||
                __builtin_add_overflow(whole, std::int64_t{s[n] - '0'}, &whole))
                return std::nullopt;
            ++n;
        }
        if (n == 0)
            return std::nullopt;
        std::int64_t micro = 0;
        if (n < s.size() && (s[n] == '.' || s[n] == ',')) {
            std::size_t digits = 0;
            int first_dropped = -1;
            bool sticky = false;
            for (++n; n < s.size() && s[n] >= '0' && s[n] <= '9'; ++n, ++digits) {
                if (digits < 6)
                    micro = micro * 10 + (s[n] - '0');
                else if (digits == 6)
                    first_dropped = s[n] - '0';
                else if (s[n] != '0')
                    sticky = true;
            }
            if (digits == 0)
                return std::nullopt;
            for (std::size_t i = digits; i < 6; ++i)
                micro *= 10;
            if (first_dropped > 5 || (first_dropped == 5 && (sticky || micro % 2 == 1)))
                ++micro; // half to even; 1000000 carries into the seconds below
        }
        if (n >= s.size())
            return std::nullopt;
        const char unit = s[n];
        const std::size_t at = units.find(unit);
        if (at == std::string_view::npos || at == 1 || at < next || (unit == 'D' && in_time) ||
            (unit != 'D' && !in_time) || (micro && unit != 'S'))
            return std::nullopt;
        next = at + 1;
        static constexpr std::int64_t scale[] = {86'400'000'000, 0, 3'600'000'000, 60'000'000,
                                                 1'000'000};
        std::int64_t part = 0;
        // Summed with the sign, so that -2^63 microseconds (no positive int64) reads back.
        if (__builtin_mul_overflow(whole, scale[at], &part) ||
            __builtin_add_overflow(part, micro, &part) ||
            (negative ? __builtin_sub_overflow(total, part, &total)
                      : __builtin_add_overflow(total, part, &total)))
            return std::nullopt;
        any = true;
        s.remove_prefix(n + 1);
    }
    if (!any)
        return std::nullopt;
    return std::chrono::microseconds(total);
}

DORM_INLINE std::string literal(const Value& v, const Dialect& d, bool guid) {
    const bool v2 = d.version == Version::V2;
    switch (v.kind()) {
    case Value::Kind::Null:
        return "null";
    case Value::Kind::Bool:
        return v.as_bool() ? "true" : "false";
    case Value::Kind::Integer:
        return std::to_string(v.as_int());
    case Value::Kind::Real: {
        char buf[32];
        const auto r = std::to_chars(buf, buf + sizeof buf, v.as_double());
        std::string s(buf, r.ptr);
        if (s == "inf" || s == "-inf" || s == "nan" || s == "-nan")
            throw ValueError("OData has no literal for " + s);
        return s;
    }
    case Value::Kind::Text: {
        const std::string& s = v.as_text();
        if (guid) {
            if (!is_guid(s))
                throw ValueError("remote key '" + s + "' is not a GUID");
            return v2 ? "guid'" + s + "'" : s;
        }
        return string_literal(s);
    }
    case Value::Kind::Date:
        return v2 ? "datetime'" + v.as_date().iso() + "T00:00:00'" : v.as_date().iso();
    case Value::Kind::DateTime:
        return v2 ? "datetime'" + iso_utc(v.as_datetime()) + "'" : iso_utc(v.as_datetime()) + "Z";
    case Value::Kind::Time:
        return v2 ? "time'" + v2_time(v.as_time()) + "'" : v.as_time().iso();
    case Value::Kind::Duration: // V4 Edm.Duration; V2's Edm.Time is an xs:duration
        return (v2 ? "time'" : "duration'") + iso_duration(v.as_duration()) + "'";
    case Value::Kind::Decimal: // Edm.Decimal: 12.50M on V2, bare on V4
        return v.as_decimal().str() + (v2 ? "M" : "");
    case Value::Kind::Uuid: // Edm.Guid
        return v2 ? "guid'" + v.as_uuid().str() + "'" : v.as_uuid().str();
    case Value::Kind::Blob: // Edm.Binary: binary'hex' on V2, binary'base64url' on V4
        return v2 ? "binary'" + hex_of(v.as_blob()) + "'" : "binary'" + base64(v.as_blob(), true) + "'";
    }
    throw ValueError("OData has no literal for this value");
}

DORM_INLINE std::string like_escaped(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '%' || c == '_' || c == '[') {
            out += '[';
            out += c;
            out += ']';
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
