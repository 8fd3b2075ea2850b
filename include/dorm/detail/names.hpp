#pragma once
// Small string helpers for error messages: joining choices and suggesting the closest one.
#include <algorithm>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>
#if __has_include(<cxxabi.h>)
#include <cstdlib>
#include <cxxabi.h>

#include "dorm/detail/config.hpp"
#define DORM_HAS_CXXABI 1
#endif

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += sep;
        out += items[i];
    }
    return out;
}

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

// " (did you mean 'headline'?)" when one choice is close enough, else "".
inline std::string suggestion(std::string_view wrong, const std::vector<std::string>& choices) {
    const std::string* best = nullptr;
    std::size_t best_distance = wrong.size() / 3 + 1;
    for (const auto& c : choices) {
        const std::size_t d = edit_distance(wrong, c);
        if (d <= best_distance && (!best || d < edit_distance(wrong, *best)))
            best = &c;
    }
    return best ? " (did you mean '" + *best + "'?)" : std::string();
}

// "Article" for struct ns::Article.
inline std::string type_name(const std::type_info& ti) {
    std::string name = ti.name();
#ifdef DORM_HAS_CXXABI
    int status = 0;
    if (char* d = abi::__cxa_demangle(ti.name(), nullptr, nullptr, &status)) {
        if (status == 0)
            name = d;
        std::free(d);
    }
#endif
    if (auto pos = name.rfind("::"); pos != std::string::npos)
        name.erase(0, pos + 2);
    return name;
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
