#pragma once
// Bodies of dorm/detail/names.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/detail/names.hpp"

#include <algorithm>
#if __has_include(<cxxabi.h>)
#include <cstdlib>
#include <cxxabi.h>
#define DORM_HAS_CXXABI 1
#endif

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += sep;
        out += items[i];
    }
    return out;
}

DORM_INLINE std::size_t edit_distance(std::string_view a, std::string_view b) {
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

DORM_INLINE std::string suggestion(std::string_view wrong,
                                   const std::vector<std::string>& choices) {
    const std::string* best = nullptr;
    std::size_t best_distance = wrong.size() / 3 + 1;
    for (const auto& c : choices) {
        const std::size_t d = edit_distance(wrong, c);
        if (d <= best_distance && (!best || d < edit_distance(wrong, *best)))
            best = &c;
    }
    return best ? " (did you mean '" + *best + "'?)" : std::string();
}

DORM_INLINE std::string type_name(const std::type_info& ti) {
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
