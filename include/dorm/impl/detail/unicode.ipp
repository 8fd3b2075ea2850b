#pragma once
// Bodies of dorm/detail/unicode.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp). The case folding table is parsed only here.
#include "dorm/detail/unicode.hpp"
#include "dorm/detail/unicode_fold_table.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE char32_t fold_code_point(char32_t cp) noexcept {
    if (cp < 0x80) {
        return (cp >= U'A' && cp <= U'Z') ? static_cast<char32_t>(cp + 0x20) : cp;
    }
    const auto& table = unicode::fold_ranges;
    // Find the last range whose `first` is <= cp.
    std::size_t lo = 0;
    std::size_t hi = unicode::fold_range_count;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (table[mid].first <= cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return cp;
    }
    const unicode::fold_range& r = table[lo - 1];
    if (cp > r.last || (cp - r.first) % r.stride != 0) {
        return cp;
    }
    // Unsigned (modular) addition of a possibly negative delta.
    return static_cast<char32_t>(cp + static_cast<char32_t>(r.delta));
}

DORM_INLINE int decimal_digit_value(char32_t cp) noexcept {
    if (cp >= U'0' && cp <= U'9')
        return static_cast<int>(cp - U'0');
    // The zero of every run of ten decimal digits (category Nd) of Unicode 14, the version
    // of Python 3.11, whose int() Django's IntegerField uses.
    static constexpr char32_t zeros[] = {
        0x30,    0x660,   0x6F0,   0x7C0,   0x966,   0x9E6,   0xA66,   0xAE6,   0xB66,   0xBE6,
        0xC66,   0xCE6,   0xD66,   0xDE6,   0xE50,   0xED0,   0xF20,   0x1040,  0x1090,  0x17E0,
        0x1810,  0x1946,  0x19D0,  0x1A80,  0x1A90,  0x1B50,  0x1BB0,  0x1C40,  0x1C50,  0xA620,
        0xA8D0,  0xA900,  0xA9D0,  0xA9F0,  0xAA50,  0xABF0,  0xFF10,  0x104A0, 0x10D30, 0x11066,
        0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0,
        0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2,
        0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0};
    std::size_t lo = 0;
    std::size_t hi = sizeof zeros / sizeof zeros[0];
    while (lo < hi) { // the last zero <= cp
        const std::size_t mid = lo + (hi - lo) / 2;
        if (zeros[mid] <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || cp - zeros[lo - 1] > 9)
        return -1;
    return static_cast<int>(cp - zeros[lo - 1]);
}

DORM_INLINE bool is_unicode_space(char32_t cp) noexcept {
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

DORM_INLINE std::u32string utf8_code_points(std::string_view s) {
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        const utf8_decoded d = decode_utf8(s, i);
        out += d.length ? d.code_point : U'\uFFFD';
        i += d.length ? d.length : 1;
    }
    return out;
}

DORM_INLINE std::string utf8_problem(std::string_view s) {
    const std::size_t at = invalid_utf8_at(s);
    if (at == std::string_view::npos) {
        return {};
    }
    constexpr char hex[] = "0123456789abcdef";
    const auto b = static_cast<unsigned char>(s[at]);
    std::string out = "text is not valid UTF-8 (byte 0x";
    out += hex[b >> 4];
    out += hex[b & 0xF];
    out += " at offset " + std::to_string(at) + ")";
    return out;
}

DORM_INLINE void append_utf8(std::string& out, char32_t cp) {
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > max_code_point) {
        cp = 0xFFFD;
    }
    const auto put = [&out](char32_t v) {
        out.push_back(static_cast<char>(static_cast<unsigned char>(v)));
    };
    if (cp < 0x80) {
        put(cp);
    } else if (cp < 0x800) {
        put(0xC0 | (cp >> 6));
        put(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        put(0xE0 | (cp >> 12));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    } else {
        put(0xF0 | (cp >> 18));
        put(0x80 | ((cp >> 12) & 0x3F));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    }
}

DORM_INLINE std::string fold_case(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    const std::size_t n = utf8.size();
    while (i < n) {
        const char ch = utf8[i];
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x80) {
            out.push_back((b >= 'A' && b <= 'Z') ? static_cast<char>(b + 0x20) : ch);
            ++i;
            continue;
        }
        const utf8_decoded d = decode_utf8(utf8, i);
        if (d.length == 0) {
            out.push_back(ch); // invalid byte: pass through untouched
            ++i;
            continue;
        }
        const char32_t folded = fold_code_point(d.code_point);
        if (folded == d.code_point) {
            out.append(utf8.substr(i, d.length));
        } else {
            append_utf8(out, folded);
        }
        i += d.length;
    }
    return out;
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
