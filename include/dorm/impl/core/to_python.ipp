#pragma once
// Bodies of dorm/core/to_python.hpp (dorm/detail/config.hpp).
#include "dorm/core/to_python.hpp"

#include <cstddef>
#include <string>

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

namespace to_python_detail {
// Reads 1..max decimal digits at pos (greedy); false when there is none.
DORM_INLINE bool digits(std::string_view s, std::size_t& pos, std::size_t max, int& out,
                        std::size_t* count = nullptr) {
    std::size_t n = 0;
    int v = 0;
    while (pos + n < s.size() && n < max && s[pos + n] >= '0' && s[pos + n] <= '9') {
        v = v * 10 + (s[pos + n] - '0');
        ++n;
    }
    if (n == 0)
        return false;
    pos += n;
    out = v;
    if (count)
        *count = n;
    return true;
}
} // namespace to_python_detail

DORM_INLINE Time time_to_python(std::string_view s) {
    using to_python_detail::digits;
    const std::string shown = "“" + std::string(s) + "”";
    Time t;
    std::size_t pos = 0;
    if (!digits(s, pos, 2, t.hour) || pos >= s.size() || s[pos] != ':' ||
        !digits(s, ++pos, 2, t.minute))
        throw ValidationError(shown + " value has an invalid format. It must be in "
                                      "HH:MM[:ss[.uuuuuu]] format.");
    // The optional ":ss[.ffffff]" part: taken only when it matches whole (the pattern's
    // optional group), the rest is ignored.
    std::size_t p = pos;
    int second = 0;
    if (p < s.size() && s[p] == ':' && digits(s, ++p, 2, second)) {
        t.second = second;
        std::size_t q = p;
        int frac = 0;
        std::size_t n = 0;
        if (q < s.size() && (s[q] == '.' || s[q] == ',') && digits(s, ++q, 6, frac, &n)) {
            for (; n < 6; ++n)
                frac *= 10;
            t.microsecond = frac;
        }
    }
    if (!t.valid())
        throw ValidationError(shown + " value has the correct format (HH:MM[:ss[.uuuuuu]]) but "
                                      "it is an invalid time.");
    return t;
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
