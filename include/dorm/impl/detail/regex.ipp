#pragma once
// Bodies of dorm/detail/regex.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp). Only this file sees <pcre2.h>.
#include "dorm/detail/regex.hpp"

#include <ctime>
#include <new>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE std::string pcre2_message(int code) {
    PCRE2_UCHAR8 buf[256];
    const int n = pcre2_get_error_message_8(code, buf, sizeof buf);
    if (n < 0)
        return "PCRE2 error " + std::to_string(code);
    return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

DORM_INLINE std::string python_pattern(std::string_view p) {
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

DORM_INLINE std::int64_t regex_clock_ns() noexcept {
    std::timespec ts{};
    std::timespec_get(&ts, TIME_UTC);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// What Regex holds: the PCRE2 objects and the state of the current search.
struct Regex::State {
    pcre2_code_8* code = nullptr;
    pcre2_match_context_8* context = nullptr;
    pcre2_jit_stack_8* stack = nullptr;
    pcre2_match_data_8* data = nullptr;
    std::int64_t deadline = 0;
    bool jit = false;
    bool timed = false;
    bool has_required = false;
    char required[2] = {};

    State() = default;
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
        pcre2_match_data_free_8(data);
        pcre2_match_context_free_8(context);
        pcre2_jit_stack_free_8(stack);
        pcre2_code_free_8(code);
    }

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
        return regex_clock_ns() > static_cast<State*>(self)->deadline ? PCRE2_ERROR_CALLOUT : 0;
    }

    void prepare() {
        context = pcre2_match_context_create_8(nullptr);
        if (!context)
            throw std::bad_alloc();
        pcre2_set_match_limit_8(context, regex_match_limit);
        pcre2_set_depth_limit_8(context, regex_depth_limit);
        pcre2_set_heap_limit_8(context, regex_heap_limit_kib);
        if (timed)
            pcre2_set_callout_8(context, &State::on_start, this);
        if (jit) {
            stack = pcre2_jit_stack_create_8(32 * 1024, regex_jit_stack_max, nullptr);
            if (!stack)
                throw std::bad_alloc();
            pcre2_jit_stack_assign_8(context, nullptr, stack);
        }
        data = pcre2_match_data_create_8(1, nullptr); // only whether it matched
        if (!data)
            throw std::bad_alloc();
    }
};

DORM_INLINE Regex::Regex(std::string_view pattern, bool case_insensitive, bool searching)
    : state_(new State) {
    State& s = *state_;
    try {
        const std::string p = python_pattern(pattern);
        int err = 0;
        PCRE2_SIZE offset = 0;
        s.code = State::compile(p, case_insensitive, err, offset);
        if (!s.code)
            throw RegexError(pcre2_message(err) + " at offset " + std::to_string(offset));
        if (!searching)
            return;
        // A callout before every attempt at a starting position keeps an eye on the clock
        // (PCRE2's match limit does not count simple scans, which from every starting
        // position of a long text take time quadratic in its length). The group keeps a
        // top-level | inside; a pattern that only compiles alone (a (*VERB) that must
        // come first, an unterminated \Q or (?x) comment) goes untimed.
        if (pcre2_code_8* timed =
                State::compile("(?C1)(?:" + p + ")", case_insensitive, err, offset)) {
            pcre2_code_free_8(s.code);
            s.code = timed;
            s.timed = true;
        }
        s.jit = pcre2_jit_compile_8(s.code, PCRE2_JIT_COMPLETE) == 0;
        // A code unit every match contains: a text without it is no match, found without
        // trying each starting position (PCRE2 does this itself only for shorter texts).
        // ASCII only, either case; not k or s, whose other cases include K (Kelvin) and ſ.
        std::uint32_t type = 0;
        std::uint32_t unit = 0;
        if (pcre2_pattern_info_8(s.code, PCRE2_INFO_LASTCODETYPE, &type) == 0 && type == 1 &&
            pcre2_pattern_info_8(s.code, PCRE2_INFO_LASTCODEUNIT, &unit) == 0 && unit < 0x80) {
            const char c = static_cast<char>(unit);
            const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            if (lower != 'k' && lower != 's') {
                s.required[0] = lower;
                s.required[1] =
                    (lower >= 'a' && lower <= 'z') ? static_cast<char>(lower - 'a' + 'A') : lower;
                s.has_required = true;
            }
        }
    } catch (...) {
        delete state_;
        throw;
    }
}

DORM_INLINE Regex::~Regex() {
    delete state_;
}

DORM_INLINE bool Regex::jit() const noexcept {
    return state_->jit;
}

DORM_INLINE bool Regex::timed() const noexcept {
    return state_->timed;
}

DORM_INLINE bool Regex::search(std::string_view text) {
    State& s = *state_;
    if (!s.data)
        s.prepare();
    if (s.has_required && text.find(s.required[0]) == std::string_view::npos &&
        text.find(s.required[1]) == std::string_view::npos)
        return false;
    const auto* subject = reinterpret_cast<PCRE2_SPTR8>(text.data());
    s.deadline = regex_clock_ns() + regex_time_limit_ms * 1'000'000;
    int rc = pcre2_match_8(s.code, subject, text.size(), 0, 0, s.data, s.context);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) // the interpreter's heap may hold it
        rc = pcre2_match_8(s.code, subject, text.size(), 0, PCRE2_NO_JIT, s.data, s.context);
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

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
