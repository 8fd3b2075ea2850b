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
#include <ctime>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

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

inline std::string pcre2_message(int code) {
    PCRE2_UCHAR8 buf[256];
    const int n = pcre2_get_error_message_8(code, buf, sizeof buf);
    if (n < 0)
        return "PCRE2 error " + std::to_string(code);
    return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

// The pattern as PCRE2 should read it where the two read Python's syntax differently:
// - \Z is the very end of the text in Python, PCRE2's \z (PCRE2's \Z also matches before a
//   final newline);
// - outside a character class, \ and one or two digits (not three octal ones) is a
//   backreference in Python, an error when there is no such group; PCRE2 would read \12
//   as an octal escape when there are fewer than 12 groups, and \99999 as a literal. It
//   becomes \g{12}, so PCRE2 also refuses a reference to a group that does not exist.
// - {,n} is a repeat of at most n in Python, text in PCRE2 10.42; it becomes {0,n}.
// Other escapes are copied as pairs (so \\Z stays a backslash and a Z).
inline std::string python_pattern(std::string_view p) {
    const auto digit = [&](std::size_t i, char hi) {
        return i < p.size() && p[i] >= '0' && p[i] <= hi;
    };
    std::string out;
    out.reserve(p.size());
    bool in_class = false;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c != '\\' || i + 1 == p.size()) {
            if (!in_class && c == '[') {
                in_class = true;
                out += c;
                if (i + 1 < p.size() && p[i + 1] == '^')
                    out += p[++i];
                if (i + 1 < p.size() && p[i + 1] == ']') // a literal ] first in the class
                    out += p[++i];
            } else {
                if (c == ']')
                    in_class = false;
                out += c;
                if (!in_class && c == '{' && i + 1 < p.size() && p[i + 1] == ',') {
                    std::size_t j = i + 2;
                    while (digit(j, '9'))
                        ++j;
                    if (j < p.size() && p[j] == '}')
                        out += '0'; // {,n} is {0,n}
                }
            }
            continue;
        }
        const char e = p[++i];
        if (!in_class && e == 'Z') {
            out += "\\z";
        } else if (!in_class && digit(i, '9') && e != '0' &&
                   !(digit(i, '7') && digit(i + 1, '7') && digit(i + 2, '7'))) {
            out += "\\g{";
            out += e;
            if (digit(i + 1, '9'))
                out += p[++i];
            out += '}';
        } else {
            out += '\\';
            out += e;
        }
    }
    return out;
}

// Nanoseconds on the wall clock (<chrono> stays out of the public headers).
inline std::int64_t regex_clock_ns() noexcept {
    std::timespec ts{};
    std::timespec_get(&ts, TIME_UTC);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// A compiled pattern and what a search needs (match data, limits, JIT stack); one search
// at a time.
class Regex {
public:
    // Throws RegexError for an invalid pattern. searching: prepare for search() on many
    // texts: compile to machine code where PCRE2 can, and watch the time a search takes.
    Regex(std::string_view pattern, bool case_insensitive, bool searching = false) {
        const std::string p = python_pattern(pattern);
        int err = 0;
        PCRE2_SIZE offset = 0;
        code_ = compile(p, case_insensitive, err, offset);
        if (!code_)
            throw RegexError(pcre2_message(err) + " at offset " + std::to_string(offset));
        if (!searching)
            return;
        // A callout before every attempt at a starting position keeps an eye on the clock
        // (PCRE2's match limit does not count simple scans, which from every starting
        // position of a long text take time quadratic in its length). The group keeps a
        // top-level | inside; a pattern that only compiles alone (a (*VERB) that must
        // come first, an unterminated \Q or (?x) comment) goes untimed.
        if (pcre2_code_8* timed = compile("(?C1)(?:" + p + ")", case_insensitive, err, offset)) {
            pcre2_code_free_8(code_);
            code_ = timed;
            timed_ = true;
        }
        jit_ = pcre2_jit_compile_8(code_, PCRE2_JIT_COMPLETE) == 0;
        // A code unit every match contains: a text without it is no match, found without
        // trying each starting position (PCRE2 does this itself only for shorter texts).
        // ASCII only, either case; not k or s, whose other cases include K (Kelvin) and ſ.
        std::uint32_t type = 0;
        std::uint32_t unit = 0;
        if (pcre2_pattern_info_8(code_, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1 &&
            pcre2_pattern_info_8(code_, PCRE2_INFO_LASTCODEUNIT, &unit) == 0 && unit < 0x80) {
            const char c = static_cast<char>(unit);
            const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            if (lower != 'k' && lower != 's') {
                required_[0] = lower;
                required_[1] =
                    (lower >= 'a' && lower <= 'z') ? static_cast<char>(lower - 'a' + 'A') : lower;
                has_required_ = true;
            }
        }
    }
    Regex(const Regex&) = delete;
    Regex& operator=(const Regex&) = delete;
    ~Regex() {
        pcre2_match_data_free_8(data_);
        pcre2_match_context_free_8(context_);
        pcre2_jit_stack_free_8(stack_);
        pcre2_code_free_8(code_);
    }

    bool jit() const noexcept { return jit_; }
    bool timed() const noexcept { return timed_; }

    // Whether the pattern matches anywhere in text (as Python's re.search). Throws
    // RegexError when the search exceeds a limit. Invalid UTF-8 in text matches nothing.
    bool search(std::string_view text) {
        if (!data_)
            prepare();
        if (has_required_ && text.find(required_[0]) == std::string_view::npos &&
            text.find(required_[1]) == std::string_view::npos)
            return false;
        const auto* subject = reinterpret_cast<PCRE2_SPTR8>(text.data());
        deadline_ = regex_clock_ns() + regex_time_limit_ms * 1'000'000;
        int rc = pcre2_match_8(code_, subject, text.size(), 0, 0, data_, context_);
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT) // the interpreter's heap may hold it
            rc = pcre2_match_8(code_, subject, text.size(), 0, PCRE2_NO_JIT, data_, context_);
        if (rc >= 0)
            return true;
        if (rc == PCRE2_ERROR_NOMATCH)
            return false;
        if (rc == PCRE2_ERROR_NOMEMORY)
            throw std::bad_alloc();
        if (rc == PCRE2_ERROR_CALLOUT)
            throw RegexError("time limit exceeded: " + std::to_string(regex_time_limit_ms) + " ms");
        throw RegexError(pcre2_message(rc));
    }

private:
    static pcre2_code_8* compile(const std::string& p, bool case_insensitive, int& err,
                                 PCRE2_SIZE& offset) {
        pcre2_compile_context_8* cc = pcre2_compile_context_create_8(nullptr);
        if (!cc)
            throw std::bad_alloc();
        pcre2_set_newline_8(cc, PCRE2_NEWLINE_LF);
        pcre2_set_parens_nest_limit_8(cc, regex_parens_nest_limit);
        const std::uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
                                      PCRE2_NEVER_BACKSLASH_C |
                                      (case_insensitive ? PCRE2_CASELESS : 0u);
        pcre2_code_8* code = pcre2_compile_8(reinterpret_cast<PCRE2_SPTR8>(p.data()), p.size(),
                                             options, &err, &offset, cc);
        pcre2_compile_context_free_8(cc);
        return code;
    }

    // The callout at each starting position: give up once the search's time is over.
    static int on_start(pcre2_callout_block_8*, void* self) {
        return regex_clock_ns() > static_cast<Regex*>(self)->deadline_ ? PCRE2_ERROR_CALLOUT : 0;
    }

    void prepare() {
        context_ = pcre2_match_context_create_8(nullptr);
        if (!context_)
            throw std::bad_alloc();
        pcre2_set_match_limit_8(context_, regex_match_limit);
        pcre2_set_depth_limit_8(context_, regex_depth_limit);
        pcre2_set_heap_limit_8(context_, regex_heap_limit_kib);
        if (timed_)
            pcre2_set_callout_8(context_, &Regex::on_start, this);
        if (jit_) {
            stack_ = pcre2_jit_stack_create_8(32 * 1024, regex_jit_stack_max, nullptr);
            if (!stack_)
                throw std::bad_alloc();
            pcre2_jit_stack_assign_8(context_, nullptr, stack_);
        }
        data_ = pcre2_match_data_create_8(1, nullptr); // only whether it matched
        if (!data_)
            throw std::bad_alloc();
    }

    pcre2_code_8* code_ = nullptr;
    pcre2_match_context_8* context_ = nullptr;
    pcre2_jit_stack_8* stack_ = nullptr;
    pcre2_match_data_8* data_ = nullptr;
    std::int64_t deadline_ = 0;
    bool jit_ = false;
    bool timed_ = false;
    bool has_required_ = false;
    char required_[2] = {};
};

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
