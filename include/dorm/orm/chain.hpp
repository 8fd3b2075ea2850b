#pragma once
// The chainable part of every queryset (model objects, values(), values_list()): a queryset
// is a Query (which rows: dorm/tree/query.hpp), shared and never changed, and an Evaluation
// (how they are read: dorm/core/evaluation.hpp) beside it. A call that changes the rows
// copies the Query and changes the copy; a call that changes only the evaluation (using_,
// skip_cdms, sync_limit, sync_stats, prefetch_related) shares the Query. Either returns a new
// queryset; nothing is shared that can change.
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "dorm/core/evaluation.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/odata/compile.hpp"
#include "dorm/orm/backend.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {

// The operations of QueryChain, each on a copy of the query or of the evaluation: compiled
// once (in the library in compiled mode), not once per queryset type. Every one returns the
// changed copy.
namespace detail::chain {
std::shared_ptr<const Query> copy(const Query& q);
std::shared_ptr<const Query> filter(const Query& q, const Q& cond, bool exclude);
std::shared_ptr<const Query> filter(const Query& q, std::string key, Arg value, bool exclude);
std::shared_ptr<const Query> filter(const Query& q, std::initializer_list<Kwarg> conditions,
                                    bool exclude);
std::shared_ptr<const Query> filter(const Query& q, std::span<const Kwarg> conditions,
                                    bool exclude);
std::shared_ptr<const Query> order_by(const Query& q, const std::vector<std::string>& fields);
std::shared_ptr<const Query> reverse(const Query& q);
std::shared_ptr<const Query> distinct(const Query& q);
// distinct(fields...) (DISTINCT ON): no fields is distinct(); SQLite has no DISTINCT ON.
std::shared_ptr<const Query> distinct(const Query& q, const std::vector<std::string>& fields);
std::shared_ptr<const Query> none(const Query& q);
Evaluation using_(const Evaluation& how, Database& db);
Evaluation skip_cdms(const Evaluation& how);
Evaluation sync_limit(const Evaluation& how, std::size_t n);
Evaluation sync_stats(const Evaluation& how, SyncStats& stats);
std::shared_ptr<const Query> slice(const Query& q, std::int64_t start,
                                   std::optional<std::int64_t> stop);
std::shared_ptr<const Query> annotate(const Query& q, std::string alias, const Expr& e);
std::shared_ptr<const Query> annotate(const Query& q,
                                      std::initializer_list<std::pair<std::string, Expr>> items);
std::shared_ptr<const Query> annotate(const Query& q, std::span<const NamedExpr> items);
std::shared_ptr<const Query> extra(const Query& q, const Extra& e);
std::shared_ptr<const Query> select_for_update(const Query& q);
std::shared_ptr<const Query> select_related(const Query& q, const std::vector<std::string>& paths);
std::shared_ptr<const Query> select_related_depth(const Query& q, int depth);
Evaluation prefetch_related(const Evaluation& how, const std::vector<std::string>& relations);
// values() and values_list() of model querysets.
std::shared_ptr<const Query> values(const Query& q, const std::vector<std::string>& names);
// defer() and only() of model querysets.
std::shared_ptr<const Query> defer(const Query& q, const std::vector<std::string>& fields,
                                   bool only);
sql::Compiled sql(const Query& q);
odata::Request odata(const Query& q, const odata::Dialect& dialect);
} // namespace detail::chain

// What every queryset reads the same way, whatever its rows' shape (bodies in
// dorm/impl/orm/values.ipp and queryset.ipp).
namespace detail {
// aggregate(): the sync engine's rows first, then the local aggregate.
std::map<std::string, Value> aggregate_rows(const Query& q, const Evaluation& how,
                                            std::span<const NamedExpr> items);
std::vector<Date> dates(const Query& q, const Evaluation& how, const std::string& field,
                        const std::string& kind, const std::string& order);
std::vector<DateTime> datetimes(const Query& q, const Evaluation& how, const std::string& field,
                                const std::string& kind, const std::string& order);
} // namespace detail

template <class Derived>
class QueryChain {
public:
    explicit QueryChain(std::shared_ptr<const Query> q, Evaluation how = {})
        : q_(std::move(q)), how_(std::move(how)) {}

    Derived all() const { return Derived(detail::chain::copy(*q_), how_); }
    Derived filter(const Q& q) const { return Derived(detail::chain::filter(*q_, q, false), how_); }
    Derived filter(std::string key, Arg value) const {
        return Derived(detail::chain::filter(*q_, std::move(key), std::move(value), false), how_);
    }
    Derived filter(std::initializer_list<Kwarg> conditions) const {
        return Derived(detail::chain::filter(*q_, conditions, false), how_);
    }
    // filter(conditions) of a container built at run time: a std::vector<Kwarg>, a
    // std::map<std::string, Arg>, any range of (name, value) pairs; ANDed, in its order.
    template <detail::kwarg_range R>
    Derived filter(const R& conditions) const {
        return Derived(detail::chain::filter(*q_, detail::kwargs_of(conditions), false), how_);
    }
    Derived exclude(const Q& q) const { return Derived(detail::chain::filter(*q_, q, true), how_); }
    Derived exclude(std::string key, Arg value) const {
        return Derived(detail::chain::filter(*q_, std::move(key), std::move(value), true), how_);
    }
    Derived exclude(std::initializer_list<Kwarg> conditions) const {
        return Derived(detail::chain::filter(*q_, conditions, true), how_);
    }
    template <detail::kwarg_range R>
    Derived exclude(const R& conditions) const {
        return Derived(detail::chain::filter(*q_, detail::kwargs_of(conditions), true), how_);
    }

    // order_by("-pub_date", "headline"); order_by() clears any ordering; "?" is random.
    // Each call that takes names also takes them as a container built at run time: a
    // std::vector<std::string> (or a braced list), any range of string-likes.
    template <class... S>
    requires(detail::name_like<S>&&...) Derived order_by(const S&... fields)
    const { return Derived(detail::chain::order_by(*q_, {std::string(fields)...}), how_); }
    Derived order_by(const std::vector<std::string>& fields) const {
        return Derived(detail::chain::order_by(*q_, fields), how_);
    }
    template <detail::name_range R>
    Derived order_by(const R& fields) const {
        return order_by(detail::names_of(fields));
    }
    Derived reverse() const { return Derived(detail::chain::reverse(*q_), how_); }
    Derived distinct() const { return Derived(detail::chain::distinct(*q_), how_); }
    // distinct("a", "b"): DISTINCT ON, which SQLite does not have: NotSupportedError (Django's
    // message), raised here rather than when the queryset is evaluated.
    template <class... S>
    requires(sizeof...(S) > 0 && (detail::name_like<S> && ...)) Derived distinct(const S&... fields)
    const { return distinct(std::vector<std::string>{std::string(fields)...}); }
    Derived distinct(const std::vector<std::string>& fields) const {
        return Derived(detail::chain::distinct(*q_, fields), how_);
    }
    template <detail::name_range R>
    Derived distinct(const R& fields) const {
        return distinct(detail::names_of(fields));
    }
    Derived none() const { return Derived(detail::chain::none(*q_), how_); }
    Derived using_(Database& db) const { return Derived(q_, detail::chain::using_(how_, db)); }
    // The local store alone, for every method (CDMS's skip_cdms): no remote request.
    Derived skip_cdms() const { return Derived(q_, detail::chain::skip_cdms(how_)); }
    // At most n rows read from the remote when this queryset is evaluated (the model's
    // sync limit otherwise).
    Derived sync_limit(std::size_t n) const {
        return Derived(q_, detail::chain::sync_limit(how_, n));
    }
    // Each evaluation adds its remote requests and rows to `stats` (kept alive by the caller).
    Derived sync_stats(SyncStats& stats) const {
        return Derived(q_, detail::chain::sync_stats(how_, stats));
    }
    // Django's qs[start:stop]; slice(start) has no end.
    Derived slice(std::int64_t start, std::optional<std::int64_t> stop = std::nullopt) const {
        return Derived(detail::chain::slice(*q_, start, stop), how_);
    }
    Derived annotate(std::string alias, const Expr& e) const {
        return Derived(detail::chain::annotate(*q_, std::move(alias), e), how_);
    }
    Derived annotate(const Expr& e) const { return annotate(std::string(), e); }
    Derived annotate(std::initializer_list<std::pair<std::string, Expr>> items) const {
        return Derived(detail::chain::annotate(*q_, items), how_);
    }
    // annotate() of named expressions built at run time: a std::vector<NamedExpr>, a
    // std::map<std::string, Expr>, any range of (name, Expr) pairs.
    template <detail::named_expr_range R>
    Derived annotate(const R& items) const {
        return Derived(detail::chain::annotate(*q_, detail::named_exprs_of(items)), how_);
    }
    Derived extra(const Extra& e) const { return Derived(detail::chain::extra(*q_, e), how_); }
    // A no-op on SQLite, whose write transactions lock the whole database (dorm::atomic takes
    // that lock at BEGIN IMMEDIATE).
    Derived select_for_update() const {
        return Derived(detail::chain::select_for_update(*q_), how_);
    }

    // Related objects read with the objects (joins): select_related() follows every
    // non-null ForeignKey (5 levels, as Django), select_related("blog", "blog__owner") the
    // ones named, select_related_depth(n) every non-null one to n levels.
    template <class... S>
    requires(detail::name_like<S>&&...) Derived select_related(const S&... paths)
    const { return Derived(detail::chain::select_related(*q_, {std::string(paths)...}), how_); }
    Derived select_related(const std::vector<std::string>& paths) const {
        return Derived(detail::chain::select_related(*q_, paths), how_);
    }
    template <detail::name_range R>
    Derived select_related(const R& paths) const {
        return select_related(detail::names_of(paths));
    }
    Derived select_related_depth(int depth) const {
        return Derived(detail::chain::select_related_depth(*q_, depth), how_);
    }
    // Related objects read by one more query per relation after the objects
    // (prefetch_related("authors", "entry_set", "entry_set__authors")).
    template <class... S>
    requires(detail::name_like<S>&&...) Derived prefetch_related(const S&... relations)
    const {
        return Derived(q_, detail::chain::prefetch_related(how_, {std::string(relations)...}));
    }
    Derived prefetch_related(const std::vector<std::string>& relations) const {
        return Derived(q_, detail::chain::prefetch_related(how_, relations));
    }
    template <detail::name_range R>
    Derived prefetch_related(const R& relations) const {
        return prefetch_related(detail::names_of(relations));
    }

    // aggregate({{"n", Count("id")}}), aggregate(Sum("rating"), Max("pub_date")) (Django's
    // default aliases), or named expressions built at run time (a std::vector<NamedExpr>, a
    // std::map<std::string, Expr>, any range of (name, Expr) pairs).
    std::map<std::string, Value> aggregate(std::initializer_list<NamedExpr> items) const {
        return detail::aggregate_rows(*q_, how_,
                                      std::span<const NamedExpr>(items.begin(), items.size()));
    }
    template <class... E>
    requires(std::same_as<E, Expr>&&...) std::map<std::string, Value> aggregate(const E&... items)
    const { return aggregate({NamedExpr{std::string(), items}...}); }
    template <detail::named_expr_range R>
    std::map<std::string, Value> aggregate(const R& items) const {
        return detail::aggregate_rows(*q_, how_, detail::named_exprs_of(items));
    }
    // The distinct truncated dates (datetimes) of a field of the model.
    std::vector<Date> dates(const std::string& field, const std::string& kind,
                            const std::string& order = "ASC") const {
        return detail::dates(*q_, how_, field, kind, order);
    }
    std::vector<DateTime> datetimes(const std::string& field, const std::string& kind,
                                    const std::string& order = "ASC") const {
        return detail::datetimes(*q_, how_, field, kind, order);
    }

    // The SQL and parameters this queryset would run.
    sql::Compiled sql() const { return detail::chain::sql(*q_); }
    // What it would ask of the remote in an OData dialect (a mapped model): the URL's query
    // options, and whether the remote's answer is exact or a superset the local query
    // narrows. request.url(base) is the whole URL.
    odata::Request odata(const odata::Dialect& dialect) const {
        return detail::chain::odata(*q_, dialect);
    }
    // Which rows (the tree the renderers read), and how they are read.
    const Query& query() const noexcept { return *q_; }
    std::shared_ptr<const Query> query_ptr() const noexcept { return q_; }
    const Evaluation& evaluation() const noexcept { return how_; }

protected:
    std::shared_ptr<const Query> q_;
    Evaluation how_;
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/chain.ipp"
#endif
