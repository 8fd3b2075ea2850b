#pragma once
// Small string helpers for error messages: joining choices and suggesting the closest one.
#include <cstddef>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

std::size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'headline'?)" when one choice is close enough, else "".
std::string suggestion(std::string_view wrong, const std::vector<std::string>& choices);

// "Article" for struct ns::Article.
std::string type_name(const std::type_info& ti);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/detail/names.ipp"
#endif
