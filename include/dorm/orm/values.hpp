#pragma once
// values() and values_list(): querysets of rows instead of model objects.
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/chain.hpp"
#include "dorm/orm/execute.hpp"
#include "dorm/orm/sync_read.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
inline std::vector<Row> read_rows(const Query& q) {
    sync_read(q, ReadKind::Rows);
    return sql::fetch_rows(q);
}
} // namespace detail

// Rows as name -> value (Django's values()).
class ValuesQuerySet : public QueryChain<ValuesQuerySet> {
public:
    using QueryChain::QueryChain;

    const std::vector<Row>& rows() const {
        if (!cache_)
            cache_ = std::make_shared<const std::vector<Row>>(detail::read_rows(*q_));
        return *cache_;
    }
    auto begin() const { return rows().begin(); }
    auto end() const { return rows().end(); }
    std::size_t size() const { return rows().size(); }
    const Row& operator[](std::size_t i) const { return rows().at(i); }
    std::int64_t count() const {
        return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_);
    }
    bool exists() const { return cache_ ? !cache_->empty() : detail::any_rows(*q_); }
    std::map<std::string, Value>
    aggregate(std::initializer_list<std::pair<std::string, Expr>> items) const {
        detail::sync_read(*q_, ReadKind::Rows);
        return sql::aggregate(*q_, items);
    }

private:
    mutable std::shared_ptr<const std::vector<Row>> cache_;
};

// Rows as tuples of values (Django's values_list()); flat() gives one value per row.
class ValuesListQuerySet : public QueryChain<ValuesListQuerySet> {
public:
    using QueryChain::QueryChain;

    std::vector<Values> rows() const {
        std::vector<Values> out;
        for (const Row& r : values())
            out.push_back(r.values());
        return out;
    }
    // values_list("id", flat=True): requires exactly one field.
    Values flat() const {
        if (q_->values.size() != 1)
            throw UsageError(
                "flat is not valid when values_list is called with more than one field");
        Values out;
        for (const Row& r : values())
            out.push_back(r[std::size_t{0}]);
        return out;
    }
    auto begin() const { return values().begin(); }
    auto end() const { return values().end(); }
    std::size_t size() const { return values().size(); }
    std::int64_t count() const {
        return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_);
    }
    bool exists() const { return cache_ ? !cache_->empty() : detail::any_rows(*q_); }

private:
    const std::vector<Row>& values() const {
        if (!cache_)
            cache_ = std::make_shared<const std::vector<Row>>(detail::read_rows(*q_));
        return *cache_;
    }
    mutable std::shared_ptr<const std::vector<Row>> cache_;
};

} // namespace DORM_ABI
} // namespace dorm
