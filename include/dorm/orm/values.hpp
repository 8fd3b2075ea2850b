#pragma once
// values() and values_list(): querysets of rows instead of model objects.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/chain.hpp"
#include "dorm/orm/execute.hpp"
#include "dorm/orm/sync_read.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
std::vector<Row> read_rows(const Query& q, const Evaluation& how);
// aggregate() of any queryset: the sync engine's rows first, then the local aggregate.
std::map<std::string, Value> aggregate_rows(const Query& q, const Evaluation& how,
                                            const std::vector<std::pair<std::string, Expr>>& items);
} // namespace detail

// Rows as name -> value (Django's values()).
class ValuesQuerySet : public QueryChain<ValuesQuerySet> {
public:
    using QueryChain::QueryChain;

    const std::vector<Row>& rows() const;
    auto begin() const { return rows().begin(); }
    auto end() const { return rows().end(); }
    std::size_t size() const { return rows().size(); }
    const Row& operator[](std::size_t i) const { return rows().at(i); }
    std::int64_t count() const;
    bool exists() const;
    std::map<std::string, Value>
    aggregate(std::initializer_list<std::pair<std::string, Expr>> items) const;

private:
    mutable std::shared_ptr<const std::vector<Row>> cache_;
};

// Rows as tuples of values (Django's values_list()); flat() gives one value per row.
class ValuesListQuerySet : public QueryChain<ValuesListQuerySet> {
public:
    using QueryChain::QueryChain;

    std::vector<Values> rows() const;
    // values_list("id", flat=True): requires exactly one field.
    Values flat() const;
    auto begin() const { return values().begin(); }
    auto end() const { return values().end(); }
    std::size_t size() const { return values().size(); }
    std::int64_t count() const;
    bool exists() const;

private:
    const std::vector<Row>& values() const;
    mutable std::shared_ptr<const std::vector<Row>> cache_;
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/values.ipp"
#endif
