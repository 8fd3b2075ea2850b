#pragma once
// values() and values_list(): querysets of rows instead of model objects. They chain as the
// model querysets do (filter, order_by, distinct, slices...), and they answer the same
// row-returning calls (qs[i], get, first, last, latest, earliest, aggregate), each row in the
// queryset's shape: a Row for values(), the tuple of values for values_list(), one value for
// values_list(dorm::flat, "f").
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/chain.hpp"
#include "dorm/orm/execute.hpp"
#include "dorm/orm/sync_read.hpp"

namespace dorm {
inline namespace DORM_ABI {

// What QuerySet<T> and the values querysets share (bodies in dorm/impl/orm/queryset.ipp).
namespace detail {
// qs[i] past the end: IndexError.
[[noreturn]] void index_out_of_range(const ModelMeta& m, std::size_t i);
// get(): the query limited to 21 rows, unordered. A query made for this call alone (the only
// owner, created by a chained call as a non-const Query) is limited in place; any other is
// copied first, so the queryset the user holds never changes.
std::shared_ptr<const Query> get_query(std::shared_ptr<const Query> q);
// get() found `found` rows of model m: unless exactly one, throws the model's DoesNotExist
// (through none) or MultipleObjectsReturned (through many) with Django's message. The
// message is built here once, not in every model's get().
void check_get(const ModelMeta& m, std::size_t found, void (*none)(const std::string&),
               void (*many)(const std::string&));
// first() (last: last()): ordered (by pk when there is no ordering) and sliced to one row.
std::shared_ptr<const Query> first_query(const Query& q, bool last);
// latest() (earliest: ascending) by these fields or the model's get_latest_by.
std::shared_ptr<const Query> by_date_query(const Query& q, bool ascending,
                                           std::vector<std::string> fields);

std::vector<Row> read_rows(const Query& q, const Evaluation& how);
// The rows of a values queryset, read once into `cache`.
const std::vector<Row>& cached_rows(std::shared_ptr<const std::vector<Row>>& cache, const Query& q,
                                    const Evaluation& how);
// qs[i] of the rows: the row, or IndexError.
const Row& row_at(const std::vector<Row>& rows, const Query& q, std::size_t i);
// get(): the one row of the query, else the model's DoesNotExist / MultipleObjectsReturned.
Row get_row(std::shared_ptr<const Query> q, const Evaluation& how);
// first() (last: last()) and latest() / earliest() (ascending) of the rows.
std::optional<Row> first_row(const Query& q, const Evaluation& how, bool last);
Row by_date_row(const Query& q, const Evaluation& how, bool ascending,
                std::vector<std::string> fields);
// values_list(dorm::flat, ...): one field at most.
std::shared_ptr<const Query> flat_values(const Query& q, const std::vector<std::string>& names);
} // namespace detail

// values_list(dorm::flat, "id"): Django's values_list("id", flat=True).
struct Flat {
    explicit Flat() = default;
};
inline constexpr Flat flat{};

// What the three shapes share. Derived::shape(row) is a row in the queryset's shape.
template <class Derived>
class RowQuerySet : public QueryChain<Derived> {
    using Base = QueryChain<Derived>;

protected:
    using Base::how_;
    using Base::q_;

public:
    using Base::Base;

    std::size_t size() const { return rows_().size(); }
    bool empty() const { return size() == 0; }
    std::int64_t count() const {
        return cache_ ? static_cast<std::int64_t>(cache_->size()) : detail::count_rows(*q_, how_);
    }
    bool exists() const { return cache_ ? !cache_->empty() : detail::any_rows(*q_, how_); }
    // qs[i] (the queryset is read once); past the end: dorm::IndexError.
    decltype(auto) operator[](std::size_t i) const {
        return Derived::shape(detail::row_at(rows_(), *q_, i));
    }

    auto get() const { return value_of(detail::get_row(q_, how_)); }
    auto get(const Q& q) const {
        return value_of(detail::get_row(detail::chain::filter(*q_, q, false), how_));
    }
    auto get(std::string key, Arg value) const {
        return value_of(detail::get_row(
            detail::chain::filter(*q_, std::move(key), std::move(value), false), how_));
    }
    auto get(std::initializer_list<Kwarg> conditions) const {
        return value_of(detail::get_row(detail::chain::filter(*q_, conditions, false), how_));
    }
    template <detail::kwarg_range R>
    auto get(const R& conditions) const {
        return value_of(detail::get_row(
            detail::chain::filter(*q_, detail::kwargs_of(conditions), false), how_));
    }
    auto first() const { return optional_of(detail::first_row(*q_, how_, false)); }
    auto last() const { return optional_of(detail::first_row(*q_, how_, true)); }
    template <class... S>
    requires(detail::name_like<S>&&...) auto latest(const S&... fields) const {
        return latest(std::vector<std::string>{std::string(fields)...});
    }
    auto latest(std::vector<std::string> fields) const {
        return value_of(detail::by_date_row(*q_, how_, false, std::move(fields)));
    }
    template <detail::name_range R>
    auto latest(const R& fields) const {
        return latest(std::vector<std::string>(detail::names_of(fields)));
    }
    template <class... S>
    requires(detail::name_like<S>&&...) auto earliest(const S&... fields) const {
        return earliest(std::vector<std::string>{std::string(fields)...});
    }
    auto earliest(std::vector<std::string> fields) const {
        return value_of(detail::by_date_row(*q_, how_, true, std::move(fields)));
    }
    template <detail::name_range R>
    auto earliest(const R& fields) const {
        return earliest(std::vector<std::string>(detail::names_of(fields)));
    }

protected:
    const std::vector<Row>& rows_() const { return detail::cached_rows(cache_, *q_, how_); }

private:
    template <class R>
    static auto value_of(R&& row) {
        return std::remove_cvref_t<decltype(Derived::shape(row))>(Derived::shape(row));
    }
    static auto optional_of(const std::optional<Row>& row) {
        using V = std::remove_cvref_t<decltype(Derived::shape(*row))>;
        return row ? std::optional<V>(Derived::shape(*row)) : std::optional<V>();
    }

    mutable std::shared_ptr<const std::vector<Row>> cache_;
};

// Rows as name -> value (Django's values()).
class ValuesQuerySet : public RowQuerySet<ValuesQuerySet> {
public:
    using RowQuerySet::RowQuerySet;
    using value_type = Row;

    const std::vector<Row>& rows() const { return rows_(); }
    auto begin() const { return rows().begin(); }
    auto end() const { return rows().end(); }

    static const Row& shape(const Row& r) noexcept { return r; }
};

// Rows as tuples of values (Django's values_list()); flat() gives one value per row.
class ValuesListQuerySet : public RowQuerySet<ValuesListQuerySet> {
public:
    using RowQuerySet::RowQuerySet;
    using value_type = Values;

    std::vector<Values> rows() const;
    // values_list("id", flat=True) of this queryset, read now: requires exactly one field.
    // (values_list(dorm::flat, "id") is the queryset of those values.)
    Values flat() const;
    auto begin() const { return rows_().begin(); }
    auto end() const { return rows_().end(); }

    static const Values& shape(const Row& r) noexcept { return r.values(); }
};

// One value per row (Django's values_list("id", flat=True)): values_list(dorm::flat, "id").
// Chained calls (filter, order_by, distinct, slices...) keep it flat.
class FlatValuesListQuerySet : public RowQuerySet<FlatValuesListQuerySet> {
public:
    using RowQuerySet::RowQuerySet;
    using value_type = Value;

    // The values, read once.
    const Values& flat() const;
    auto begin() const { return flat().begin(); }
    auto end() const { return flat().end(); }

    static const Value& shape(const Row& r) { return r[std::size_t{0}]; }

private:
    mutable std::shared_ptr<const Values> flat_;
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/values.ipp"
#endif
