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
/// surrogates and values above U+10FFFF) are returned unchanged. The table
/// (unicode_fold_table.hpp) is read only by the bodies (dorm/impl/detail/unicode.ipp).
[[nodiscard]] char32_t fold_code_point(char32_t cp) noexcept;

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

/// The number of characters of UTF-8 text (code points, as Python's len() and Django's
/// max_length count them): the bytes that do not continue a sequence.
[[nodiscard]] constexpr std::size_t utf8_length(std::string_view s) noexcept {
    std::size_t n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

/// The code points of UTF-8 text; a byte that does not start a well-formed sequence is
/// U+FFFD.
[[nodiscard]] std::u32string utf8_code_points(std::string_view s);

/// Empty when `s` is well-formed UTF-8; else what is wrong, for an error message:
/// "text is not valid UTF-8 (byte 0xff at offset 3)".
[[nodiscard]] std::string utf8_problem(std::string_view s);

/// Appends the UTF-8 encoding of `cp`.  Surrogates and values above U+10FFFF
/// are not encodable and are written as U+FFFD REPLACEMENT CHARACTER.
void append_utf8(std::string& out, char32_t cp);

/// The value of a decimal digit of any script (Unicode category Nd: '٣' is 3, as Python's
/// int() and the regular expression \d read it), or -1.
[[nodiscard]] int decimal_digit_value(char32_t cp) noexcept;

/// Python's str.isspace() for a code point above U+007F (U+00A0, U+2000..U+200A, U+3000...):
/// int() and float() skip these around a number as they skip ASCII white space.
[[nodiscard]] bool is_unicode_space(char32_t cp) noexcept;

/// Simple-case-folds UTF-8 text.  Bytes that are not part of a well-formed
/// UTF-8 sequence are copied through unchanged, one at a time, so no input is
/// ever lost; the only possible exception is std::bad_alloc.
[[nodiscard]] std::string fold_case(std::string_view utf8);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/detail/unicode.ipp"
#endif
