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
DORM_INLINE std::map<std::string, Value> aggregate_rows(const Query& q, const Evaluation& how,
                                                        std::span<const NamedExpr> items) {
    sync_read(q, how, ReadKind::Rows);
    return sql::aggregate(q, how, items);
}
DORM_INLINE const std::vector<Row>& cached_rows(std::shared_ptr<const std::vector<Row>>& cache,
                                                const Query& q, const Evaluation& how) {
    if (!cache)
        cache = std::make_shared<const std::vector<Row>>(read_rows(q, how));
    return *cache;
}
DORM_INLINE const Row& row_at(const std::vector<Row>& rows, const Query& q, std::size_t i) {
    if (i >= rows.size())
        index_out_of_range(*q.model, i);
    return rows[i];
}
[[noreturn]] DORM_INLINE void no_row(const std::string& message) {
    throw DoesNotExist(message);
}
[[noreturn]] DORM_INLINE void many_rows(const std::string& message) {
    throw MultipleObjectsReturned(message);
}
// check_get() with the model's own DoesNotExist / MultipleObjectsReturned.
DORM_INLINE void check_one_row(const ModelMeta& m, std::size_t found) {
    check_get(m, found, m.does_not_exist ? m.does_not_exist : &no_row,
              m.multiple_objects ? m.multiple_objects : &many_rows);
}
DORM_INLINE Row get_row(std::shared_ptr<const Query> q, const Evaluation& how) {
    q = get_query(std::move(q));
    sync_read(*q, how, ReadKind::Get);
    std::vector<Row> rows = sql::fetch_rows(*q, how);
    check_one_row(*q->model, rows.size());
    return std::move(rows.front());
}
DORM_INLINE std::optional<Row> first_row(const Query& q, const Evaluation& how, bool last) {
    std::vector<Row> rows = read_rows(*first_query(q, last), how);
    if (rows.empty())
        return std::nullopt;
    return std::move(rows.front());
}
DORM_INLINE Row by_date_row(const Query& q, const Evaluation& how, bool ascending,
                            std::vector<std::string> fields) {
    std::vector<Row> rows = read_rows(*by_date_query(q, ascending, std::move(fields)), how);
    if (rows.empty())
        check_one_row(*q.model, 0);
    return std::move(rows.front());
}
// values_list(..., flat=True)'s check, with Django's message.
DORM_INLINE void check_flat(bool valid) {
    if (!valid)
        throw UsageError("flat is not valid when values_list is called with more than one field");
}
DORM_INLINE std::shared_ptr<const Query> flat_values(const Query& q,
                                                     const std::vector<std::string>& names) {
    check_flat(names.size() <= 1);
    return chain::values(q, names);
}
DORM_INLINE Values first_column(const std::vector<Row>& rows) {
    Values out;
    out.reserve(rows.size());
    for (const Row& r : rows)
        out.push_back(r[std::size_t{0}]);
    return out;
}
} // namespace detail

DORM_INLINE std::vector<Values> ValuesListQuerySet::rows() const {
    std::vector<Values> out;
    for (const Row& r : rows_())
        out.push_back(r.values());
    return out;
}
DORM_INLINE Values ValuesListQuerySet::flat() const {
    detail::check_flat(q_->values.size() == 1);
    return detail::first_column(rows_());
}

DORM_INLINE const Values& FlatValuesListQuerySet::flat() const {
    if (!flat_)
        flat_ = std::make_shared<const Values>(detail::first_column(rows_()));
    return *flat_;
}

} // namespace DORM_ABI
} // namespace dorm
