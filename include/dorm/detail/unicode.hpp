// Unicode simple case folding for dorm's case-insensitive lookups
// (iexact, icontains, istartswith, iendswith, iregex).
//
// fold_case() maps every code point through Unicode's simple case folding
// (CaseFolding.txt statuses C + S, plus U+0130 -> U+0069), so "ÉCOLE" and
// "école", "ΣΊΣΥΦΟΣ" and "σίσυφος", or "K" (Kelvin sign) and "k" compare equal
// after folding.  Simple folding never changes the number of code points:
// "ß" does NOT fold to "ss" and U+0131 (dotless ı) stays distinct from "i".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"
#include "unicode_fold_table.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

inline constexpr char32_t max_code_point = 0x10FFFF;

/// True if every byte of `s` is < 0x80.
[[nodiscard]] constexpr bool is_ascii(std::string_view s) noexcept {
    for (const char ch : s) {
        if (static_cast<unsigned char>(ch) >= 0x80) {
            return false;
        }
    }
    return true;
}

/// Simple case fold of one code point; values that are not mapped (including
/// surrogates and values above U+10FFFF) are returned unchanged.
[[nodiscard]] constexpr char32_t fold_code_point(char32_t cp) noexcept {
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

/// Result of decode_utf8: `length` is the number of bytes consumed (1-4), or 0
/// if the bytes at the position do not start a well-formed UTF-8 sequence.
struct utf8_decoded {
    char32_t code_point;
    std::size_t length;
};

/// Decodes one code point starting at `s[pos]` (requires pos < s.size()).
/// Accepts exactly the well-formed sequences of the Unicode standard (no
/// overlong forms, no surrogates, nothing above U+10FFFF).
[[nodiscard]] constexpr utf8_decoded decode_utf8(std::string_view s, std::size_t pos) noexcept {
    constexpr utf8_decoded invalid{0, 0};
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char b0 = byte(pos);
    if (b0 < 0x80) {
        return {b0, 1};
    }
    std::size_t length = 0;
    char32_t cp = 0;
    unsigned char lo = 0x80; // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0) {
            lo = 0xA0; // no overlong forms
        } else if (b0 == 0xED) {
            hi = 0x9F; // no surrogates
        }
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        cp = b0 & 0x07u;
        if (b0 == 0xF0) {
            lo = 0x90; // no overlong forms
        } else if (b0 == 0xF4) {
            hi = 0x8F; // nothing above U+10FFFF
        }
    } else {
        return invalid; // continuation byte, C0/C1, or F5..FF
    }
    if (s.size() - pos < length) {
        return invalid;
    }
    const unsigned char b1 = byte(pos + 1);
    if (b1 < lo || b1 > hi) {
        return invalid;
    }
    cp = (cp << 6) | (b1 & 0x3Fu);
    for (std::size_t i = 2; i < length; ++i) {
        const unsigned char b = byte(pos + i);
        if (b < 0x80 || b > 0xBF) {
            return invalid;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return {cp, length};
}

/// The offset of the first byte of `s` that is not part of a well-formed UTF-8 sequence,
/// or std::string_view::npos when all of `s` is well-formed UTF-8.
[[nodiscard]] constexpr std::size_t invalid_utf8_at(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = decode_utf8(s, i).length;
        if (length == 0) {
            return i;
        }
        i += length;
    }
    return std::string_view::npos;
}

/// Empty when `s` is well-formed UTF-8; else what is wrong, for an error message:
/// "text is not valid UTF-8 (byte 0xff at offset 3)".
[[nodiscard]] inline std::string utf8_problem(std::string_view s) {
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

/// Appends the UTF-8 encoding of `cp`.  Surrogates and values above U+10FFFF
/// are not encodable and are written as U+FFFD REPLACEMENT CHARACTER.
inline void append_utf8(std::string& out, char32_t cp) {
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

/// Simple-case-folds UTF-8 text.  Bytes that are not part of a well-formed
/// UTF-8 sequence are copied through unchanged, one at a time, so no input is
/// ever lost; the only possible exception is std::bad_alloc.
[[nodiscard]] inline std::string fold_case(std::string_view utf8) {
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
