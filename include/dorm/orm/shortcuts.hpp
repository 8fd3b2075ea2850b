#pragma once
// Django's shortcuts: get_object_or_404 and get_list_or_404 throw dorm::Http404, which a web
// framework can map to a 404 response.
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/queryset.hpp"

namespace dorm {
inline namespace DORM_ABI {

template <class T, class... Args>
T get_object_or_404(const QuerySet<T>& qs, Args&&... args) {
    try {
        return qs.get(std::forward<Args>(args)...);
    } catch (const dorm::DoesNotExist&) {
        throw Http404("No " + T::meta().name + " matches the given query.");
    }
}

template <class T, class... Args>
std::vector<T> get_list_or_404(const QuerySet<T>& qs, Args&&... args) {
    std::vector<T> rows;
    if constexpr (sizeof...(Args) == 0)
        rows = qs.to_vector(); // get_list_or_404(qs), as Django's with no filter arguments
    else
        rows = qs.filter(std::forward<Args>(args)...).to_vector();
    if (rows.empty())
        throw Http404("No " + T::meta().name + " matches the given query.");
    return rows;
}

} // namespace DORM_ABI
} // namespace dorm
