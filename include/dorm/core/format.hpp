#pragma once
// std::format for Date, Time, DateTime and Value, where the standard library has <format>
// (libstdc++ 13, libc++ 17 and later; GCC 12's has none, and there this header adds nothing):
// "{}" writes what << writes, and a string's format spec ("{:>12}") applies to that text.
#include <version> // defines __cpp_lib_format where <format> exists

#if defined(__cpp_lib_format)
#include <format>
#include <string_view>
#include <type_traits>

#include "dorm/core/value.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

template <class T>
struct TextFormatter : std::formatter<std::string_view, char> {
    template <class Context>
    auto format(const T& x, Context& ctx) const {
        if constexpr (std::is_same_v<T, Value>)
            return std::formatter<std::string_view, char>::format(x.repr(), ctx);
        else
            return std::formatter<std::string_view, char>::format(x.iso(), ctx);
    }
};

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

template <>
struct std::formatter<dorm::Date, char> : dorm::detail::TextFormatter<dorm::Date> {};
template <>
struct std::formatter<dorm::Time, char> : dorm::detail::TextFormatter<dorm::Time> {};
template <>
struct std::formatter<dorm::DateTime, char> : dorm::detail::TextFormatter<dorm::DateTime> {};
template <>
struct std::formatter<dorm::Value, char> : dorm::detail::TextFormatter<dorm::Value> {};

#endif
