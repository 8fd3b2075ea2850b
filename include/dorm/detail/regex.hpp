#pragma once
// The regular expressions of the regex and iregex lookups: PCRE2, set up to read patterns
// as Python's re does for a str pattern (Django's regex lookups on SQLite call re.search):
// UTF-8 code points, Unicode \w \d \s \b and case-insensitivity, '.' and '$' with LF as the
// only newline. The lookup compiles the pattern when the filter is built, to reject an
// invalid one; SQLite's dorm_regexp compiles it again (with the JIT) and searches each row.
//
// A search has bounded time and memory: PCRE2 gives up after regex_match_limit
// backtracking steps, when its backtracking memory (regex_heap_limit_kib for the
// interpreter, regex_jit_stack_max for the JIT) runs out, or, checked at each starting
// position, after regex_time_limit_ms; search() then throws RegexError. No step recurses on the
// machine stack, and compiling refuses groups nested deeper than regex_parens_nest_limit, so no
// pattern and no text can overflow the stack.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// Backtracking steps one search of one row may take (PCRE2's default). Python's re has no
// limit: a pattern such as ^(a+)+$ can take it hours; dorm stops it well within a second.
inline constexpr std::uint32_t regex_match_limit = 10'000'000;
// Nested backtracking points of the interpreter (PCRE2's default); it keeps them on the
// heap, bounded by regex_heap_limit_kib.
inline constexpr std::uint32_t regex_depth_limit = 10'000'000;
inline constexpr std::uint32_t regex_heap_limit_kib = 512 * 1024; // 512 MiB
// The JIT's backtracking stack (reserved address space, used as needed).
inline constexpr std::size_t regex_jit_stack_max = std::size_t{256} << 20; // 256 MiB
// Milliseconds one search of one row may take, in case the limits above do not stop it.
inline constexpr std::int64_t regex_time_limit_ms = 1000;
// Groups nested deeper than this are a compile error (PCRE2's default).
inline constexpr std::uint32_t regex_parens_nest_limit = 250;

// An invalid pattern (from the constructor) or a search that exceeded a limit.
struct RegexError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// PCRE2's message for an error code.
std::string pcre2_message(int code);

// The pattern as PCRE2 should read it where the two read Python's syntax differently:
// - \Z is the very end of the text in Python, PCRE2's \z (PCRE2's \Z also matches before a
//   final newline);
// - outside a character class, \ and one or two digits (not three octal ones) is a
//   backreference in Python, an error when there is no such group; PCRE2 would read \12
//   as an octal escape when there are fewer than 12 groups, and \99999 as a literal. It
//   becomes \g{12}, so PCRE2 also refuses a reference to a group that does not exist.
// - {,n} is a repeat of at most n in Python, text in PCRE2 10.42; it becomes {0,n}.
// Other escapes are copied as pairs (so \\Z stays a backslash and a Z).
std::string python_pattern(std::string_view p);

// Nanoseconds on the wall clock (<chrono> stays out of the public headers).
std::int64_t regex_clock_ns() noexcept;

// A compiled pattern and what a search needs (match data, limits, JIT stack); one search
// at a time. The PCRE2 objects live in State (dorm/impl/detail/regex.ipp), so <pcre2.h>
// stays out of the public headers.
class Regex {
public:
    // Throws RegexError for an invalid pattern. searching: prepare for search() on many
    // texts: compile to machine code where PCRE2 can, and watch the time a search takes.
    Regex(std::string_view pattern, bool case_insensitive, bool searching = false);
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    ~Regex();

    bool jit() const noexcept;
    bool timed() const noexcept;

    // Whether the pattern matches anywhere in text (as Python's re.search). Throws
    // RegexError when the search exceeds a limit. Invalid UTF-8 in text matches nothing.
    bool search(std::string_view text);

private:
    struct State;
    State* state_;
};

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/detail/regex.ipp"
#endif
