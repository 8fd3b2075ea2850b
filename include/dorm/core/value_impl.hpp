#pragma once
// Out-of-line parts of value.hpp: the helpers of parsing, formatting and conversions that
// other headers use. Their bodies, and those of Date, Time, DateTime and Value, are in
// dorm/impl/core/value_impl.ipp.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

bool parse_fixed_int(std::string_view s, std::size_t pos, std::size_t len, int& out);
void append_2(std::string& out, int v);

// The integer a double holds, when it is a whole number in int64's range (converting any
// other double, NaN included, to int64 is undefined). -2^63 and 2^63 are exact doubles.
std::optional<std::int64_t> whole_int64(double d) noexcept;

// Python's divmod(us, 86400 * 10**6): the days (floored) and the microseconds of the day.
void split_duration(std::int64_t us, std::int64_t& days, std::int64_t& rest);

// Empty when the value is a real calendar date (time of day); else what is wrong, for an
// error message: "2021-02-30 is not a valid date". The numbers are printed as given.
std::string date_problem(const Date& d);
std::string time_problem(const Time& t);
std::string datetime_problem(const DateTime& dt);
// The same for a Value holding a Date, DateTime or Time; empty for every other kind.
std::string calendar_problem(const Value& v);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/value_impl.ipp"
#endif
