#pragma once
// Bodies of dorm/core/validation.hpp (dorm/detail/config.hpp). The checks follow what
// Django 3.2 documents and does (django.core.validators, Field.clean()); the messages are
// Django's, so that code that shows them to users keeps its texts.
#include "dorm/core/validation.hpp"

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <system_error>

#include "dorm/core/model.hpp"
#include "dorm/detail/json.hpp"
#include "dorm/detail/unicode.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

namespace validation {

DORM_INLINE bool ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A decimal number of `digits`, 0..max, without leading zeros when `strict`.
DORM_INLINE bool small_number(std::string_view s, unsigned max, bool strict) {
    if (s.empty() || s.size() > 3 || (strict && s.size() > 1 && s[0] == '0'))
        return false;
    unsigned n = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + static_cast<unsigned>(c - '0');
    }
    return n <= max;
}

// Python's ipaddress.IPv4Address: four decimal octets, no leading zeros.
DORM_INLINE bool valid_ipv4(std::string_view s) {
    for (int i = 0; i < 4; ++i) {
        const std::size_t dot = s.find('.');
        if ((dot == std::string_view::npos) != (i == 3))
            return false;
        if (!small_number(s.substr(0, dot), 255, true))
            return false;
        s = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
    }
    return true;
}

// Python's ipaddress.IPv6Address: eight groups of 1-4 hex digits, one "::" standing for one
// or more zero groups, an IPv4 address as the last two groups.
DORM_INLINE bool valid_ipv6(std::string_view s) {
    if (s.size() < 2)
        return false;
    const std::size_t gap = s.find("::");
    if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos)
        return false;
    auto groups = [](std::string_view part, bool last_may_be_v4, int& count) {
        if (part.empty())
            return true;
        while (true) {
            const std::size_t colon = part.find(':');
            const std::string_view g = part.substr(0, colon);
            if (colon == std::string_view::npos && last_may_be_v4 &&
                g.find('.') != std::string_view::npos) {
                count += 2;
                return valid_ipv4(g);
            }
            if (g.empty() || g.size() > 4)
                return false;
            for (char c : g)
                if (!std::isxdigit(static_cast<unsigned char>(c)))
                    return false;
            ++count;
            if (colon == std::string_view::npos)
                return true;
            part = part.substr(colon + 1);
        }
    };
    int count = 0;
    if (gap == std::string_view::npos)
        return groups(s, true, count) && count == 8;
    const std::string_view head = s.substr(0, gap), tail = s.substr(gap + 2);
    return groups(head, false, count) && groups(tail, true, count) && count < 8;
}

// One label of a URL's host name: letters (ASCII, or from U+00A1 on),
// digits and inner hyphens, 1 to 63 characters; a top-level one has no digits and at least
// two characters, or is "xn--" and ASCII letters or digits.
DORM_INLINE bool url_label(std::u32string_view l, bool top_level) {
    auto letter = [](char32_t c) {
        // Django's `ul` is U+00A1..U+FFFF; a host with characters beyond passes in its IDNA
        // form (xn--), which Django tries next.
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xA1;
    };
    auto digit = [](char32_t c) { return c >= '0' && c <= '9'; };
    if (top_level && l.size() > 4 && (l[0] == 'x' || l[0] == 'X') && (l[1] == 'n' || l[1] == 'N') &&
        l[2] == '-' && l[3] == '-' && l.size() <= 63) {
        bool ok = true;
        for (char32_t c : l.substr(4))
            ok = ok && c < 0x80 && (letter(c) || digit(c));
        if (ok)
            return true;
    }
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-')
        return false;
    if (top_level && l.size() < 2)
        return false;
    for (char32_t c : l)
        if (!(letter(c) || c == '-' || (!top_level && digit(c))))
            return false;
    return true;
}

DORM_INLINE bool url_host(std::u32string_view host) {
    if (host == U"localhost" || host == U"LOCALHOST")
        return true;
    std::string ascii;
    for (char32_t c : host)
        ascii += c < 0x80 ? static_cast<char>(c) : '\x7f';
    {
        std::string_view v4 = ascii;
        bool ok = true;
        for (int i = 0; i < 4 && ok; ++i) {
            const std::size_t dot = v4.find('.');
            ok = (dot == std::string_view::npos) == (i == 3) &&
                 small_number(v4.substr(0, dot), 255, true);
            v4 = dot == std::string_view::npos ? std::string_view() : v4.substr(dot + 1);
        }
        if (ok)
            return true;
    }
    if (!host.empty() && host.front() == '[')
        return host.size() > 2 && host.back() == ']' &&
               valid_ipv6(std::string_view(ascii).substr(1, ascii.size() - 2));
    if (!host.empty() && host.back() == '.') // one trailing dot
        host.remove_suffix(1);
    std::size_t labels = 0;
    while (true) {
        const std::size_t dot = host.find('.');
        const bool top = dot == std::u32string_view::npos;
        if (!url_label(host.substr(0, dot), top && labels > 0))
            return false;
        ++labels;
        if (top)
            return labels >= 2;
        host = host.substr(dot + 1);
    }
}

// The user part of an address: dot-separated atoms, or a quoted string.
DORM_INLINE bool email_user(std::string_view u) {
    if (u.size() >= 2 && u.front() == '"' && u.back() == '"') {
        // Printable ASCII but space, '"' and '\\', and control characters but NUL, tab, LF
        // and CR; or a backslash before any of those, or before a tab, space, '"' or '\\'.
        auto plain = [](unsigned c) {
            return (c >= 1 && c <= 8) || c == 11 || c == 12 || (c >= 14 && c <= 31) || c == 33 ||
                   (c >= 35 && c <= 91) || (c >= 93 && c <= 127);
        };
        const std::string_view in = u.substr(1, u.size() - 2);
        for (std::size_t i = 0; i < in.size(); ++i) {
            const auto c = static_cast<unsigned char>(in[i]);
            if (c == '\\') {
                if (++i == in.size())
                    return false;
                const auto e = static_cast<unsigned char>(in[i]);
                if (e == 0 || e == 10 || e == 13 || e > 127)
                    return false;
            } else if (!plain(c)) {
                return false;
            }
        }
        return true;
    }
    constexpr std::string_view specials = "-!#$%&'*+/=?^_`{}|~";
    bool atom_start = true;
    for (char c : u) {
        if (c == '.') {
            if (atom_start)
                return false;
            atom_start = true;
        } else if (ascii_alnum(c) || specials.find(c) != std::string_view::npos) {
            atom_start = false;
        } else {
            return false;
        }
    }
    return !atom_start;
}

// The length of a label's IDNA form "xn--" + Punycode (RFC 3492), which Python's idna codec
// gives a domain that is not ASCII; the code points are case-folded first (nameprep's main
// mapping).
DORM_INLINE std::size_t idna_length(std::string_view label) {
    std::u32string cps = utf8_code_points(label);
    for (char32_t& c : cps)
        c = fold_code_point(c);
    constexpr std::size_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
    auto adapt = [](std::size_t delta, std::size_t points, bool first) {
        delta = first ? delta / damp : delta / 2;
        delta += delta / points;
        std::size_t k = 0;
        while (delta > ((base - tmin) * tmax) / 2) {
            delta /= base - tmin;
            k += base;
        }
        return k + (base - tmin + 1) * delta / (delta + skew);
    };
    std::size_t basic = 0;
    for (char32_t c : cps)
        basic += c < 0x80;
    std::size_t out = basic + (basic ? 1 : 0), handled = basic, delta = 0, bias = 72;
    char32_t n = 0x80;
    while (handled < cps.size()) {
        char32_t m = U'\U0010FFFF';
        for (char32_t c : cps)
            if (c >= n && c < m)
                m = c;
        delta += (m - n) * (handled + 1);
        n = m;
        for (char32_t c : cps) {
            if (c < n)
                ++delta;
            if (c != n)
                continue;
            std::size_t q = delta;
            for (std::size_t k = base;; k += base) {
                const std::size_t t = k <= bias ? tmin : k >= bias + tmax ? tmax : k - bias;
                if (q < t)
                    break;
                ++out;
                q = (q - t) / (base - t);
            }
            ++out;
            bias = adapt(delta, handled + 1, handled == basic);
            delta = 0;
            ++handled;
        }
        ++delta;
        ++n;
    }
    return 4 + out;
}

// The domain of an address: labels of letters, digits and inner hyphens (1-63), then a
// top-level label of 2-63 of them not ending in '-'; a label of other letters as its IDNA
// (xn--) form. Or an IP address literal in brackets.
DORM_INLINE bool email_domain(std::string_view d) {
    if (d == "localhost")
        return true;
    if (d.size() > 2 && d.front() == '[' && d.back() == ']') {
        const std::string_view ip = d.substr(1, d.size() - 2);
        return valid_ipv4(ip) || valid_ipv6(ip);
    }
    std::size_t labels = 0;
    while (true) {
        const std::size_t dot = d.find('.');
        const std::string_view l = d.substr(0, dot);
        const bool top = dot == std::string_view::npos;
        bool non_ascii = false;
        for (char c : l) {
            if (static_cast<unsigned char>(c) >= 0x80)
                non_ascii = true;
            else if (!ascii_alnum(c) && c != '-')
                return false;
        }
        if (l.empty() || (non_ascii ? idna_length(l) : l.size()) > 63 || l.back() == '-')
            return false;
        if (top)
            return labels >= 1 && (non_ascii || l.size() >= 2);
        if (l.front() == '-')
            return false;
        ++labels;
        d = d.substr(dot + 1);
    }
}

// Django's ngettext messages: "1 character", "2 characters".
DORM_INLINE std::string characters(std::int64_t n) {
    return std::to_string(n) + (n == 1 ? " character" : " characters");
}

// a < b, for two values of the field's type (numbers across Integer and Real).
DORM_INLINE bool less(const Value& a, const Value& b) {
    const bool an = a.kind() == Value::Kind::Integer || a.kind() == Value::Kind::Real;
    const bool bn = b.kind() == Value::Kind::Integer || b.kind() == Value::Kind::Real;
    if (an && bn && (a.kind() == Value::Kind::Real || b.kind() == Value::Kind::Real))
        return a.as_double() < b.as_double();
    return a < b;
}

DORM_INLINE std::string at_least(const Value& limit) {
    return "Ensure this value is greater than or equal to " + python_str(limit) + ".";
}
DORM_INLINE std::string at_most(const Value& limit) {
    return "Ensure this value is less than or equal to " + python_str(limit) + ".";
}

// Field.run_validators(): the kind's validators, the field's own, then max_length (CharField
// appends it last). An integer field's range is not checked: Django on SQLite has none
// (integer_field_range() is (None, None)); the database's CHECK refuses a negative value of a
// positive field when it is written.
DORM_INLINE void run_validators(const FieldMeta& f, const Value& v, std::vector<std::string>& out) {
    const bool text = v.kind() == Value::Kind::Text;
    if (text && f.kind == FieldKind::Email && !valid_email(v.as_text()))
        out.emplace_back("Enter a valid email address.");
    if (text && f.kind == FieldKind::URL && !valid_url(v.as_text()))
        out.emplace_back("Enter a valid URL.");
    if (f.kind == FieldKind::Decimal && v.kind() == Value::Kind::Decimal) // DecimalValidator
        for (std::string& m : decimal_problems(v.as_decimal(), f))
            out.push_back(std::move(m));
    if (text && f.kind == FieldKind::Slug && !valid_slug(v.as_text()))
        out.emplace_back("Enter a valid \u201cslug\u201d consisting of letters, numbers, "
                         "underscores or hyphens.");
    for (const Validator& val : f.validators) {
        switch (val.kind) {
        case Validator::Kind::MinValue:
            if (less(v, val.limit))
                out.push_back(at_least(val.limit));
            break;
        case Validator::Kind::MaxValue:
            if (less(val.limit, v))
                out.push_back(at_most(val.limit));
            break;
        case Validator::Kind::MinLength:
        case Validator::Kind::MaxLength: {
            const auto n = static_cast<std::int64_t>(text ? utf8_length(v.as_text()) : 0);
            const std::int64_t limit = val.limit.as_int();
            if (val.kind == Validator::Kind::MinLength ? n < limit : n > limit)
                out.push_back(std::string("Ensure this value has ") +
                              (val.kind == Validator::Kind::MinLength ? "at least " : "at most ") +
                              characters(limit) + " (it has " + std::to_string(n) + ").");
            break;
        }
        case Validator::Kind::Custom:
            try {
                if (val.check)
                    val.check(v);
            } catch (const ValidationError& e) {
                out.emplace_back(e.what());
            }
            break;
        case Validator::Kind::None:
            break;
        }
    }
    if (text && f.max_length) {
        const auto n = static_cast<std::int64_t>(utf8_length(v.as_text()));
        if (n > f.max_length)
            out.push_back("Ensure this value has at most " + characters(f.max_length) +
                          " (it has " + std::to_string(n) + ").");
    }
}

DORM_INLINE bool same_choice(const Value& a, const Value& b) {
    if (a == b)
        return true;
    // Python compares True with 1 and 2 with 2.0.
    auto number = [](const Value& x) {
        return x.kind() == Value::Kind::Integer || x.kind() == Value::Kind::Real ||
               x.kind() == Value::Kind::Bool;
    };
    if (number(a) && number(b)) {
        auto d = [](const Value& x) {
            return x.kind() == Value::Kind::Bool ? (x.as_bool() ? 1.0 : 0.0) : x.as_double();
        };
        return d(a) == d(b);
    }
    return false;
}

} // namespace validation

DORM_INLINE std::string verbose_name(std::string_view model_name) {
    std::string out;
    for (std::size_t i = 0; i < model_name.size(); ++i) {
        const char c = model_name[i];
        const bool upper = c >= 'A' && c <= 'Z';
        const bool after_lower = i > 0 && model_name[i - 1] >= 'a' && model_name[i - 1] <= 'z';
        const bool before_lower =
            i + 1 < model_name.size() && !(model_name[i + 1] >= 'A' && model_name[i + 1] <= 'Z');
        if (upper && i > 0 && (after_lower || before_lower))
            out += ' ';
        out += upper ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

DORM_INLINE std::string capfirst(std::string s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z')
        s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s;
}

DORM_INLINE std::string field_label(const FieldMeta& f) {
    std::string out = f.name;
    for (char& c : out)
        if (c == '_')
            c = ' ';
    return out;
}

DORM_INLINE bool valid_slug(std::string_view s) {
    if (s.empty())
        return false;
    for (char c : s)
        if (!validation::ascii_alnum(c) && c != '-' && c != '_')
            return false;
    return true;
}

DORM_INLINE bool valid_email(std::string_view s) {
    const std::size_t at = s.rfind('@');
    if (s.empty() || at == std::string_view::npos)
        return false;
    return validation::email_user(s.substr(0, at)) && validation::email_domain(s.substr(at + 1));
}

DORM_INLINE bool valid_url(std::string_view s) {
    using namespace validation;
    if (s.find_first_of("\t\r\n") != std::string_view::npos)
        return false;
    const std::size_t sep = s.find("://");
    if (sep == std::string_view::npos)
        return false;
    std::string scheme(s.substr(0, sep));
    for (char& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https" && scheme != "ftp" && scheme != "ftps")
        return false;
    const std::u32string rest = utf8_code_points(s.substr(sep + 3));
    std::u32string_view r = rest;
    const std::size_t end = r.find_first_of(U"/?#");
    std::u32string_view netloc = r.substr(0, end);
    for (char32_t c : r)
        if (c < 0x80 ? (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) : is_unicode_space(c))
            return false;
    if (netloc.size() > 253)
        return false;
    // user[:password]@
    if (const std::size_t at = netloc.rfind('@'); at != std::u32string_view::npos) {
        const std::u32string_view user = netloc.substr(0, at);
        const std::size_t colon = user.find(':');
        const std::u32string_view name = user.substr(0, colon);
        if (name.empty() || name.find_first_of(U":@/") != std::u32string_view::npos)
            return false;
        if (colon != std::u32string_view::npos &&
            user.substr(colon + 1).find_first_of(U":@/") != std::u32string_view::npos)
            return false;
        netloc = netloc.substr(at + 1);
    }
    // :port of 2 to 5 digits
    std::u32string_view host = netloc;
    const std::size_t colon = netloc.rfind(':');
    if (colon != std::u32string_view::npos &&
        netloc.find(']', colon) == std::u32string_view::npos) {
        const std::u32string_view port = netloc.substr(colon + 1);
        if (port.size() < 2 || port.size() > 5)
            return false;
        for (char32_t c : port)
            if (c < '0' || c > '9')
                return false;
        host = netloc.substr(0, colon);
    }
    return url_host(host);
}

DORM_INLINE std::vector<std::string> field_messages(const FieldMeta& f, const Value& v) {
    const bool empty = v.is_null() || (v.kind() == Value::Kind::Text && v.as_text().empty()) ||
                       (f.auto_created() && v.kind() == Value::Kind::Integer && v.as_int() == 0);
    std::vector<std::string> out;
    if (empty && (f.blank || f.auto_created())) // an AutoField is blank=True
        return out;
    if (!f.choices.empty() && !empty) {
        bool found = false;
        for (const Choice& c : f.choices)
            found = found || validation::same_choice(c.value, v);
        if (!found) {
            out.push_back("Value " + python_repr(v) + " is not a valid choice.");
            return out;
        }
    }
    if (v.is_null() && !f.null()) {
        out.emplace_back("This field cannot be null.");
        return out;
    }
    if (empty && !f.blank) {
        out.emplace_back("This field cannot be blank.");
        return out;
    }
    if (!empty)
        validation::run_validators(f, v, out);
    return out;
}

DORM_INLINE void clean_fields(const ModelMeta& m, const void* obj,
                              const std::vector<std::string>& exclude,
                              ValidationError::MessageDict& errors, RelatedExists exists) {
    for (const FieldMeta& f : m.fields) {
        if (f.parent_link)
            continue; // the key Django sets itself
        bool excluded = false;
        for (const std::string& name : exclude)
            excluded = excluded || name == f.name;
        if (excluded)
            continue;
        const Value v = f.get(obj);
        std::vector<std::string> messages = field_messages(f, v);
        if (messages.empty() && f.is_foreign_key() && !v.is_null() && !exists(f, v)) {
            const ModelMeta& target = f.related_model();
            messages.push_back(verbose_name(target.name) + " instance with " + target.pk().name +
                               " " + python_repr(v) + " does not exist.");
        }
        if (!messages.empty())
            errors.emplace_back(f.name, std::move(messages));
    }
}

DORM_INLINE std::string display(const FieldMeta& f, const Value& v) {
    if (f.choices.empty())
        throw FieldError(f.qualified_name() + " has no choices: display() shows a choice's label");
    for (const Choice& c : f.choices)
        if (validation::same_choice(c.value, v))
            return c.label;
    return python_str(v);
}

DORM_INLINE void merge_errors(ValidationError::MessageDict& errors, const ValidationError& e) {
    auto add = [&](const std::string& field, const std::vector<std::string>& messages) {
        for (auto& [name, list] : errors)
            if (name == field) {
                list.insert(list.end(), messages.begin(), messages.end());
                return;
            }
        errors.emplace_back(field, messages);
    };
    if (e.message_dict().empty())
        add("__all__", {e.what()});
    for (const auto& [field, messages] : e.message_dict())
        add(field, messages);
}

DORM_INLINE void raise_validation(const ModelMeta& m, ValidationError::MessageDict errors) {
    std::string what = m.name + ": {";
    std::string choices;
    for (std::size_t i = 0; i < errors.size(); ++i) {
        const auto& [field, messages] = errors[i];
        what += (i ? ", " : "") + python_repr(field) + ": [";
        for (std::size_t j = 0; j < messages.size(); ++j)
            what += (j ? ", " : "") + python_repr(messages[j]);
        what += "]";
        const FieldMeta* f = m.find(field);
        if (!f || f->choices.empty())
            continue;
        choices += "; the choices of '" + field + "' are";
        for (std::size_t j = 0; j < f->choices.size(); ++j)
            choices += (j ? ", " : " ") + python_repr(f->choices[j].value) + " (" +
                       f->choices[j].label + ")";
    }
    throw ValidationError(what + "}" + choices, std::move(errors));
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
