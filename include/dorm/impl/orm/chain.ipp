#pragma once
// Bodies of dorm/orm/chain.hpp (dorm/detail/config.hpp).
#include "dorm/orm/chain.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail::chain {

// A copy of the query, changed by `change`.
template <class Fn>
std::shared_ptr<const Query> derived(const Query& q, Fn&& change) {
    auto n = std::make_shared<Query>(q);
    change(*n);
    return n;
}

DORM_INLINE std::shared_ptr<const Query> copy(const Query& q) {
    return std::make_shared<Query>(q);
}
DORM_INLINE std::shared_ptr<const Query> filter(const Query& q, const Q& cond, bool exclude) {
    return derived(q, [&](Query& n) { add_filter(n, cond, exclude); });
}
DORM_INLINE std::shared_ptr<const Query> filter(const Query& q, std::string key, Arg value,
                                                bool exclude) {
    return filter(q, Q(std::move(key), std::move(value)), exclude);
}
DORM_INLINE std::shared_ptr<const Query>
filter(const Query& q, std::initializer_list<Kwarg> conditions, bool exclude) {
    return filter(q, kwargs_q(conditions), exclude);
}
DORM_INLINE std::shared_ptr<const Query> filter(const Query& q, std::span<const Kwarg> conditions,
                                                bool exclude) {
    return filter(q, kwargs_q(conditions), exclude);
}
DORM_INLINE std::shared_ptr<const Query> order_by(const Query& q,
                                                  const std::vector<std::string>& fields) {
    return derived(q, [&](Query& n) { set_ordering(n, fields); });
}
DORM_INLINE std::shared_ptr<const Query> reverse(const Query& q) {
    return derived(q, [](Query& n) {
        check_not_sliced(n, "reverse");
        n.reversed = !n.reversed;
    });
}
DORM_INLINE std::shared_ptr<const Query> distinct(const Query& q) {
    return derived(q, [](Query& n) { n.distinct = true; });
}
DORM_INLINE std::shared_ptr<const Query> distinct(const Query& q,
                                                  const std::vector<std::string>& fields) {
    if (fields.empty())
        return distinct(q);
    throw NotSupportedError("DISTINCT ON fields is not supported by this database backend");
}
DORM_INLINE std::shared_ptr<const Query> none(const Query& q) {
    return derived(q, [](Query& n) { n.empty = true; });
}
DORM_INLINE Evaluation using_(const Evaluation& how, Database& db) {
    Evaluation n = how;
    n.db = &db;
    return n;
}
DORM_INLINE Evaluation skip_cdms(const Evaluation& how) {
    Evaluation n = how;
    n.skip_remote = true;
    return n;
}
DORM_INLINE Evaluation sync_limit(const Evaluation& how, std::size_t limit) {
    Evaluation n = how;
    n.sync_limit = limit;
    return n;
}
DORM_INLINE Evaluation sync_stats(const Evaluation& how, SyncStats& stats) {
    Evaluation n = how;
    n.sync_stats = &stats;
    return n;
}
DORM_INLINE std::shared_ptr<const Query> slice(const Query& q, std::int64_t start,
                                               std::optional<std::int64_t> stop) {
    return derived(q, [&](Query& n) { set_slice(n, start, stop); });
}
DORM_INLINE std::shared_ptr<const Query> annotate(const Query& q, std::string alias,
                                                  const Expr& e) {
    return derived(q, [&](Query& n) { add_annotation(n, std::move(alias), e); });
}
DORM_INLINE std::shared_ptr<const Query>
annotate(const Query& q, std::initializer_list<std::pair<std::string, Expr>> items) {
    return annotate(q, std::span<const NamedExpr>(items.begin(), items.size()));
}
DORM_INLINE std::shared_ptr<const Query> annotate(const Query& q,
                                                  std::span<const NamedExpr> items) {
    return derived(q, [&](Query& n) {
        for (const auto& [alias, e] : items)
            add_annotation(n, alias, e);
    });
}
DORM_INLINE std::shared_ptr<const Query> extra(const Query& q, const Extra& e) {
    return derived(q, [&](Query& n) { add_extra(n, e); });
}
DORM_INLINE std::shared_ptr<const Query> select_for_update(const Query& q) {
    return derived(q, [](Query& n) { n.for_update = true; });
}
DORM_INLINE std::shared_ptr<const Query> select_related(const Query& q,
                                                        const std::vector<std::string>& paths) {
    return derived(q, [&](Query& n) {
        if (paths.empty())
            select_related_all(n, *n.model, {}, 5);
        for (const auto& p : paths)
            select_related_path(n, p);
    });
}
DORM_INLINE std::shared_ptr<const Query> select_related_depth(const Query& q, int depth) {
    return derived(q, [&](Query& n) { select_related_all(n, *n.model, {}, depth); });
}
DORM_INLINE Evaluation prefetch_related(const Evaluation& how,
                                        const std::vector<std::string>& relations) {
    Evaluation n = how;
    if (relations.empty())
        n.prefetch_related.clear(); // as Django: prefetch_related(None) clears
    for (auto& r : relations)
        n.prefetch_related.push_back(r);
    return n;
}
DORM_INLINE std::shared_ptr<const Query> values(const Query& q,
                                                const std::vector<std::string>& names) {
    return derived(q, [&](Query& n) { set_values(n, names); });
}
DORM_INLINE std::shared_ptr<const Query> defer(const Query& q,
                                               const std::vector<std::string>& fields, bool only) {
    return derived(q, [&](Query& n) { set_deferred(n, fields, only); });
}
DORM_INLINE sql::Compiled sql(const Query& q) {
    return sql::compile_select(q);
}
DORM_INLINE odata::Request odata(const Query& q, const odata::Dialect& dialect) {
    return odata::compile(q, dialect);
}

} // namespace detail::chain
} // namespace DORM_ABI
} // namespace dorm
