#pragma once
// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil algorithm),
// used for the date transforms (week_day, iso_week, ...) and date validation.
#include <cstdint>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

constexpr bool is_leap_year(int y) noexcept {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int days_in_month(int y, int m) noexcept {
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

// Days since 1970-01-01.
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = static_cast<unsigned>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    int year, month, day;
};

constexpr Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

// ISO 8601 day of week: Monday = 1 ... Sunday = 7.
constexpr int iso_weekday(int y, int m, int d) noexcept {
    const std::int64_t z = days_from_civil(y, m, d); // 1970-01-01 was a Thursday (4)
    return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1;
}

// Django's week_day: Sunday = 1 ... Saturday = 7.
constexpr int django_week_day(int y, int m, int d) noexcept {
    return iso_weekday(y, m, d) % 7 + 1;
}

struct IsoWeek {
    int year, week;
};

constexpr IsoWeek iso_week(int y, int m, int d) noexcept {
    // The ISO week belongs to the year that holds its Thursday.
    const std::int64_t z = days_from_civil(y, m, d);
    const std::int64_t thursday = z - (iso_weekday(y, m, d) - 1) + 3;
    const Civil t = civil_from_days(thursday);
    const std::int64_t first = days_from_civil(t.year, 1, 1);
    return {t.year, static_cast<int>((thursday - first) / 7 + 1)};
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
