#pragma once
// Bodies of dorm/detail/json.hpp (dorm/detail/config.hpp).
#include "dorm/detail/json.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

namespace json_detail {

DORM_INLINE void append_u(std::string& out, unsigned cu) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04x", cu);
    out += buf;
}

DORM_INLINE void append_code_point(std::string& out, std::uint32_t cp) {
    switch (cp) {
    case '"':
        out += "\\\"";
        return;
    case '\\':
        out += "\\\\";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    case '\b':
        out += "\\b";
        return;
    case '\f':
        out += "\\f";
        return;
    default:
        break;
    }
    if (cp >= 0x20 && cp <= 0x7e) {
        out += static_cast<char>(cp);
    } else if (cp > 0xffff) {
        const std::uint32_t v = cp - 0x10000;
        append_u(out, 0xd800 + (v >> 10));
        append_u(out, 0xdc00 + (v & 0x3ff));
    } else {
        append_u(out, cp);
    }
}

// One UTF-8 sequence at s[i]; false when it is not one (overlong, surrogate, beyond U+10FFFF).
DORM_INLINE bool next_utf8(std::string_view s, std::size_t& i, std::uint32_t& cp) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (b < 0x80) {
        cp = b;
        ++i;
        return true;
    }
    if ((b & 0xe0) == 0xc0) {
        n = 1;
        cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
        n = 2;
        cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
        n = 3;
        cp = b & 0x07;
    } else {
        return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
        if (i + k >= s.size())
            return false;
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xc0) != 0x80)
            return false;
        cp = (cp << 6) | (c & 0x3f);
    }
    static constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return false;
    i += n + 1;
    return true;
}

struct Parser {
    std::string_view s;
    std::size_t i = 0;
    std::string error;
    int depth = 0;

    bool fail(const std::string& what) {
        if (error.empty())
            error = what + " at offset " + std::to_string(i);
        return false;
    }
    void ws() {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
    }
    bool hex4(unsigned& v) {
        if (i + 4 > s.size())
            return fail("a \\u escape needs four hex digits");
        v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s[i++];
            v <<= 4;
            if (c >= '0' && c <= '9')
                v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                v |= static_cast<unsigned>(c - 'A' + 10);
            else
                return fail("a \\u escape needs four hex digits");
        }
        return true;
    }
    bool string(std::string& out) {
        ++i; // the opening quote
        out += '"';
        while (true) {
            if (i >= s.size())
                return fail("unterminated string");
            const char c = s[i];
            if (c == '"') {
                ++i;
                out += '"';
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return fail("a control character in a string");
            if (c != '\\') {
                std::uint32_t cp = 0;
                if (!next_utf8(s, i, cp))
                    return fail("text that is not UTF-8");
                append_code_point(out, cp);
                continue;
            }
            ++i;
            if (i >= s.size())
                return fail("unterminated string");
            const char e = s[i++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                append_code_point(out, static_cast<unsigned char>(e));
                break;
            case 'b':
                out += "\\b";
                break;
            case 'f':
                out += "\\f";
                break;
            case 'n':
                out += "\\n";
                break;
            case 'r':
                out += "\\r";
                break;
            case 't':
                out += "\\t";
                break;
            case 'u': {
                unsigned v = 0;
                if (!hex4(v))
                    return false;
                if (v >= 0xd800 && v <= 0xdbff && i + 6 <= s.size() && s[i] == '\\' &&
                    s[i + 1] == 'u') {
                    const std::size_t mark = i;
                    i += 2;
                    unsigned lo = 0;
                    if (!hex4(lo))
                        return false;
                    if (lo >= 0xdc00 && lo <= 0xdfff) {
                        append_code_point(out, 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00));
                        break;
                    }
                    i = mark; // a lone high surrogate, then another escape
                }
                append_code_point(out, v); // lone surrogates stay, as in Python
                break;
            }
            default:
                return fail("an invalid escape");
            }
        }
    }
    bool number(std::string& out) {
        const std::size_t start = i;
        if (s[i] == '-')
            ++i;
        if (i >= s.size() || s[i] < '0' || s[i] > '9')
            return fail("an invalid number");
        if (s[i] == '0')
            ++i;
        else
            while (i < s.size() && s[i] >= '0' && s[i] <= '9')
                ++i;
        bool is_float = false;
        if (i < s.size() && s[i] == '.') {
            is_float = true;
            ++i;
            if (i >= s.size() || s[i] < '0' || s[i] > '9')
                return fail("an invalid number");
            while (i < s.size() && s[i] >= '0' && s[i] <= '9')
                ++i;
        }
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
            is_float = true;
            ++i;
            if (i < s.size() && (s[i] == '+' || s[i] == '-'))
                ++i;
            if (i >= s.size() || s[i] < '0' || s[i] > '9')
                return fail("an invalid number");
            while (i < s.size() && s[i] >= '0' && s[i] <= '9')
                ++i;
        }
        const std::string_view text = s.substr(start, i - start);
        if (!is_float) {
            out += text == "-0" ? std::string_view("0") : text;
            return true;
        }
        double d = 0;
        if (parse_double(text, d) != std::errc() || !std::isfinite(d))
            return fail("a number beyond a double");
        out += python_float_repr(d);
        return true;
    }
    bool literal(std::string_view word, std::string& out) {
        if (s.substr(i, word.size()) != word)
            return fail("an invalid value");
        i += word.size();
        out += word;
        return true;
    }
    bool value(std::string& out) {
        ws();
        if (i >= s.size())
            return fail("a value was expected");
        const char c = s[i];
        if (c == '"')
            return string(out);
        if (c == '{' || c == '[') {
            if (++depth > 500)
                return fail("JSON nested deeper than 500");
            const bool ok = c == '{' ? object(out) : array(out);
            --depth;
            return ok;
        }
        if (c == 't')
            return literal("true", out);
        if (c == 'f')
            return literal("false", out);
        if (c == 'n')
            return literal("null", out);
        if (c == '-' || (c >= '0' && c <= '9'))
            return number(out);
        return fail("an invalid value (NaN and Infinity are not JSON)");
    }
    bool array(std::string& out) {
        ++i;
        out += '[';
        ws();
        if (i < s.size() && s[i] == ']') {
            ++i;
            out += ']';
            return true;
        }
        for (bool first = true;; first = false) {
            if (!first)
                out += ", ";
            if (!value(out))
                return false;
            ws();
            if (i < s.size() && s[i] == ',') {
                ++i;
                continue;
            }
            if (i < s.size() && s[i] == ']') {
                ++i;
                out += ']';
                return true;
            }
            return fail("',' or ']' was expected");
        }
    }
    bool object(std::string& out) {
        ++i;
        std::vector<std::pair<std::string, std::string>> members;
        ws();
        if (i < s.size() && s[i] == '}') {
            ++i;
            out += "{}";
            return true;
        }
        while (true) {
            ws();
            if (i >= s.size() || s[i] != '"')
                return fail("a key (a string) was expected");
            std::string key, val;
            if (!string(key))
                return false;
            ws();
            if (i >= s.size() || s[i] != ':')
                return fail("':' was expected");
            ++i;
            if (!value(val))
                return false;
            bool replaced = false; // Python's dict: the last value, in the first key's place
            for (auto& m : members)
                if (m.first == key) {
                    m.second = std::move(val);
                    replaced = true;
                    break;
                }
            if (!replaced)
                members.emplace_back(std::move(key), std::move(val));
            ws();
            if (i < s.size() && s[i] == ',') {
                ++i;
                continue;
            }
            if (i < s.size() && s[i] == '}') {
                ++i;
                break;
            }
            return fail("',' or '}' was expected");
        }
        out += '{';
        for (std::size_t k = 0; k < members.size(); ++k) {
            if (k)
                out += ", ";
            out += members[k].first;
            out += ": ";
            out += members[k].second;
        }
        out += '}';
        return true;
    }
};

} // namespace json_detail

DORM_INLINE bool canonical_json(std::string_view text, std::string& out, std::string& error) {
    json_detail::Parser p;
    p.s = text;
    std::string result;
    if (!p.value(result)) {
        error = p.error;
        return false;
    }
    p.ws();
    if (p.i != text.size()) {
        p.fail("text after the JSON value");
        error = p.error;
        return false;
    }
    out = std::move(result);
    return true;
}

DORM_INLINE bool append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        if (!json_detail::next_utf8(s, i, cp))
            return false;
        json_detail::append_code_point(out, cp);
    }
    out += '"';
    return true;
}

DORM_INLINE std::string json_path(const std::vector<std::string>& keys) {
    std::string path = "$";
    for (const std::string& key : keys) {
        // Python's int(key): surrounding whitespace, a sign, ASCII digits.
        std::size_t b = 0, e = key.size();
        while (b < e && (key[b] == ' ' || (key[b] >= '\t' && key[b] <= '\r')))
            ++b;
        while (e > b && (key[e - 1] == ' ' || (key[e - 1] >= '\t' && key[e - 1] <= '\r')))
            --e;
        std::size_t d = b;
        if (d < e && (key[d] == '+' || key[d] == '-'))
            ++d;
        bool integer = d < e;
        for (std::size_t k = d; k < e && integer; ++k)
            integer = key[k] >= '0' && key[k] <= '9';
        if (integer) {
            std::size_t z = d; // int() drops leading zeros
            while (z + 1 < e && key[z] == '0')
                ++z;
            const bool negative = key[b] == '-' && key.substr(z, e - z) != "0";
            path += "[" + std::string(negative ? "-" : "") + key.substr(z, e - z) + "]";
            continue;
        }
        path += '.';
        if (!append_json_string(path, key))
            path += "\"\""; // not UTF-8: refused before a path is made
    }
    return path;
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
