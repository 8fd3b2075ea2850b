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
