#pragma once
// Doubles as text, both ways, the same on every standard library: Python's repr() of a
// double (what Django's messages, json.dumps and str() in the text lookups write), and
// reading a decimal number.
#include <string>
#include <string_view>
#include <system_error>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// Python's repr() (and str()) of a double: "1.0", "0.0001", "1e-05", "1e+16", "nan", "inf";
// the one writer of Python's float text in dorm.
std::string python_float_repr(double d);

// std::from_chars of a double (the whole of `text`, C locale): std::errc() and `out` set,
// std::errc::invalid_argument, or std::errc::result_out_of_range. libc++ before 20 has no
// floating-point from_chars; there strtod reads a copy.
std::errc parse_double(std::string_view text, double& out);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/detail/float_text.ipp"
#endif
