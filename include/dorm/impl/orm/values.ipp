#pragma once
// Bodies of dorm/orm/values.hpp (dorm/detail/config.hpp).
#include "dorm/orm/values.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
DORM_INLINE std::vector<Row> read_rows(const Query& q, const Evaluation& how) {
    sync_read(q, how, ReadKind::Rows);
    return sql::fetch_rows(q, how);
}
DORM_INLINE std::map<std::string, Value>
aggregate_rows(const Query& q, const Evaluation& how,
               const std::vector<std::pair<std::string, Expr>>& items) {
    sync_read(q, how, ReadKind::Rows);
    return sql::aggregate(q, how, items);
}
} // namespace detail

DORM_INLINE const std::vector<Row>& ValuesQuerySet::rows() const {
    if (!cache_)
        cache_ = std::make_shared<const std::vector<Row>>(detail::read_rows(*q_, how_));
    return *cache_;
}
DORM_INLINE std::int64_t ValuesQuerySet::count() const {
    return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_, how_);
}
DORM_INLINE bool ValuesQuerySet::exists() const {
    return cache_ ? !cache_->empty() : detail::any_rows(*q_, how_);
}
DORM_INLINE std::map<std::string, Value>
ValuesQuerySet::aggregate(std::initializer_list<std::pair<std::string, Expr>> items) const {
    return detail::aggregate_rows(*q_, how_, items);
}

DORM_INLINE std::vector<Values> ValuesListQuerySet::rows() const {
    std::vector<Values> out;
    for (const Row& r : values())
        out.push_back(r.values());
    return out;
}
DORM_INLINE Values ValuesListQuerySet::flat() const {
    if (q_->values.size() != 1)
        throw UsageError("flat is not valid when values_list is called with more than one field");
    Values out;
    for (const Row& r : values())
        out.push_back(r[std::size_t{0}]);
    return out;
}
DORM_INLINE std::int64_t ValuesListQuerySet::count() const {
    return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_, how_);
}
DORM_INLINE bool ValuesListQuerySet::exists() const {
    return cache_ ? !cache_->empty() : detail::any_rows(*q_, how_);
}
DORM_INLINE const std::vector<Row>& ValuesListQuerySet::values() const {
    if (!cache_)
        cache_ = std::make_shared<const std::vector<Row>>(detail::read_rows(*q_, how_));
    return *cache_;
}

} // namespace DORM_ABI
} // namespace dorm
