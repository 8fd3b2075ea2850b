#pragma once
// Bodies of dorm/sqlite/functions.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/functions.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <new>
#include <optional>
#include <string>

#include "dorm/core/value.hpp"
#include "dorm/detail/calendar.hpp"
#include "dorm/detail/regex.hpp"
#include "dorm/detail/unicode.hpp"
#include "dorm/sqlite/statement.hpp"
#include "dorm/tree/lookups.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql::functions {

DORM_INLINE std::string_view arg_text(sqlite3_value* v) {
    const auto* t = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return t ? std::string_view(t, static_cast<std::size_t>(sqlite3_value_bytes(v)))
             : std::string_view();
}

DORM_INLINE void result_text(sqlite3_context* ctx, const std::string& s) {
    sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

DORM_INLINE void fold(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    result_text(ctx, detail::fold_case(arg_text(argv[0])));
}

DORM_INLINE std::string shown_pattern(std::string_view p) {
    if (p.size() <= 100)
        return "'" + std::string(p) + "'";
    std::size_t n = 100;
    while (n > 0 && (static_cast<unsigned char>(p[n]) & 0xC0) == 0x80)
        --n; // not inside a UTF-8 sequence
    return "'" + std::string(p.substr(0, n)) + "...' (" + std::to_string(p.size()) + " bytes)";
}

DORM_INLINE void regexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    const bool icase = sqlite3_value_int(argv[2]) != 0;
    const char* lookup = icase ? "iregex" : "regex";
    try {
        auto* re = static_cast<detail::Regex*>(sqlite3_get_auxdata(ctx, 1));
        if (!re) {
            try {
                re = new detail::Regex(arg_text(argv[1]), icase, true);
            } catch (const detail::RegexError& e) {
                const std::string msg = std::string(lookup) + ": invalid regular expression " +
                                        shown_pattern(arg_text(argv[1])) + " (" + e.what() + ")";
                return sqlite3_result_error(ctx, msg.c_str(), -1);
            }
            sqlite3_set_auxdata(ctx, 1, re, [](void* p) { delete static_cast<detail::Regex*>(p); });
            re = static_cast<detail::Regex*>(sqlite3_get_auxdata(ctx, 1));
            if (!re)
                return sqlite3_result_error_nomem(ctx);
        }
        // A REAL is searched as Python's str() gives it ("4.0", "1e+20"), as Django's
        // _sqlite_regexp does; SQLite's own text of it differs ("1.0e+20").
        std::optional<std::string> real;
        if (sqlite3_value_type(argv[0]) == SQLITE_FLOAT)
            real = lookup_text(Value(sqlite3_value_double(argv[0])));
        const std::string_view text = real ? std::string_view(*real) : arg_text(argv[0]);
        try {
            sqlite3_result_int(ctx, re->search(text) ? 1 : 0);
        } catch (const detail::RegexError& e) {
            const std::string msg = std::string(lookup) + ": the search for " +
                                    shown_pattern(arg_text(argv[1])) + " in a text of " +
                                    std::to_string(text.size()) + " bytes gave up (" + e.what() +
                                    "); anchor or simplify the pattern";
            sqlite3_result_error(ctx, msg.c_str(), -1);
            sqlite3_result_error_code(ctx, function_limit_code);
        }
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(ctx);
    }
}

DORM_INLINE void extract(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    const std::string_view text = arg_text(argv[1]);
    std::optional<DateTime> dt = DateTime::parse(text);
    if (!dt) {
        if (auto t = Time::parse(text))
            dt = DateTime(Date{}, *t);
    }
    if (!dt)
        return sqlite3_result_null(ctx);
    const Date d = dt->date;
    const Time t = dt->time;
    int r = 0;
    switch (static_cast<TransformKind>(sqlite3_value_int(argv[0]))) {
    case TransformKind::Year:
        r = d.year;
        break;
    case TransformKind::IsoYear:
        r = detail::iso_week(d.year, d.month, d.day).year;
        break;
    case TransformKind::Month:
        r = d.month;
        break;
    case TransformKind::Day:
        r = d.day;
        break;
    case TransformKind::Week:
        r = detail::iso_week(d.year, d.month, d.day).week;
        break;
    case TransformKind::WeekDay:
        r = detail::django_week_day(d.year, d.month, d.day);
        break;
    case TransformKind::IsoWeekDay:
        r = detail::iso_weekday(d.year, d.month, d.day);
        break;
    case TransformKind::Quarter:
        r = (d.month + 2) / 3;
        break;
    case TransformKind::Hour:
        r = t.hour;
        break;
    case TransformKind::Minute:
        r = t.minute;
        break;
    case TransformKind::Second:
        r = t.second;
        break;
    default:
        return sqlite3_result_null(ctx);
    }
    sqlite3_result_int(ctx, r);
}

DORM_INLINE void cast(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    auto dt = DateTime::parse(arg_text(argv[1]));
    if (!dt)
        return sqlite3_result_null(ctx);
    if (static_cast<TransformKind>(sqlite3_value_int(argv[0])) == TransformKind::Date)
        return result_text(ctx, dt->date.iso());
    result_text(ctx, dt->time.iso());
}

DORM_INLINE void trunc(sqlite3_context* ctx, int, sqlite3_value** argv) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    auto dt = DateTime::parse(arg_text(argv[1]));
    if (!dt)
        return sqlite3_result_null(ctx);
    const std::string_view kind = arg_text(argv[0]);
    const bool is_date = arg_text(argv[1]).size() == 10;
    DateTime r = *dt;
    if (kind == "year")
        r = DateTime(Date{dt->date.year, 1, 1});
    else if (kind == "quarter")
        r = DateTime(Date{dt->date.year, (dt->date.month - 1) / 3 * 3 + 1, 1});
    else if (kind == "month")
        r = DateTime(Date{dt->date.year, dt->date.month, 1});
    else if (kind == "week") {
        const auto days = detail::days_from_civil(dt->date.year, dt->date.month, dt->date.day) -
                          (detail::iso_weekday(dt->date.year, dt->date.month, dt->date.day) - 1);
        const auto c = detail::civil_from_days(days);
        r = DateTime(Date{c.year, c.month, c.day});
    } else if (kind == "day")
        r = DateTime(dt->date);
    else if (kind == "hour")
        r.time = Time{dt->time.hour, 0, 0, 0};
    else if (kind == "minute")
        r.time = Time{dt->time.hour, dt->time.minute, 0, 0};
    else if (kind == "second")
        r.time = Time{dt->time.hour, dt->time.minute, dt->time.second, 0};
    result_text(ctx, is_date ? r.date.iso() : r.iso());
}

DORM_INLINE void fit_int(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const sqlite3_int64 low = sqlite3_value_int64(argv[1]);
    const sqlite3_int64 high = sqlite3_value_int64(argv[2]);
    std::string got;
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL:
        return sqlite3_result_null(ctx);
    case SQLITE_INTEGER: {
        const sqlite3_int64 v = sqlite3_value_int64(argv[0]);
        if (v >= low && v <= high)
            return sqlite3_result_int64(ctx, v);
        got = "value " + std::to_string(v);
        break;
    }
    case SQLITE_FLOAT: {
        const double d = sqlite3_value_double(argv[0]);
        if (const auto v = detail::whole_int64(d); v && *v >= low && *v <= high)
            return sqlite3_result_int64(ctx, *v);
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        got = std::string("value ") + buf;
        break;
    }
    default:
        got = "a value that is not a number";
        break;
    }
    const std::string type = low == 0 && high == 1                             ? "bool"
                             : low == std::numeric_limits<std::int32_t>::min() ? "int32"
                                                                               : "int64";
    const std::string msg = std::string(arg_text(argv[3])) + ": " + got + " does not fit " + type +
                            " (" + std::to_string(low) + ".." + std::to_string(high) + ")";
    sqlite3_result_error(ctx, msg.c_str(), -1);
}

DORM_INLINE void fit_float(sqlite3_context* ctx, int, sqlite3_value** argv) {
    const int type = sqlite3_value_type(argv[0]);
    if (type == SQLITE_NULL)
        return sqlite3_result_null(ctx);
    const double d = sqlite3_value_double(argv[0]);
    if ((type == SQLITE_INTEGER || type == SQLITE_FLOAT) &&
        !(std::isfinite(d) &&
          std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())))
        return sqlite3_result_value(ctx, argv[0]);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    const std::string msg = std::string(arg_text(argv[1])) + ": " +
                            (type == SQLITE_FLOAT || type == SQLITE_INTEGER
                                 ? std::string("value ") + buf
                                 : std::string("a value that is not a number")) +
                            " does not fit float (+-3.40282347e+38)";
    sqlite3_result_error(ctx, msg.c_str(), -1);
}

DORM_INLINE void register_all(sqlite3* db) {
    constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "dorm_fold", 1, flags, nullptr, fold, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "dorm_regexp", 3, flags, nullptr, regexp, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "dorm_extract", 2, flags, nullptr, extract, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "dorm_cast", 2, flags, nullptr, cast, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "dorm_trunc", 2, flags, nullptr, trunc, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "dorm_fit_int", 4, flags, nullptr, fit_int, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "dorm_fit_float", 2, flags, nullptr, fit_float, nullptr, nullptr,
                               nullptr);
}

} // namespace sql::functions
} // namespace DORM_ABI
} // namespace dorm
