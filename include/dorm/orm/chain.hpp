#pragma once
// The chainable part of every queryset (model objects, values(), values_list()): each call
// copies the Query, changes the copy and returns a new queryset. Nothing is shared that
// can change.
#include <memory>
#include <string>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/odata/compile.hpp"
#include "dorm/orm/backend.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {

template <class Derived>
class QueryChain {
public:
    explicit QueryChain(std::shared_ptr<const Query> q) : q_(std::move(q)) {}

    Derived all() const {
        return derive([](Query&) {});
    }
    Derived filter(const Q& q) const {
        return derive([&](Query& n) { detail::add_filter(n, q, false); });
    }
    Derived filter(std::string key, Arg value) const {
        return filter(Q(std::move(key), std::move(value)));
    }
    Derived filter(std::initializer_list<Kwarg> conditions) const {
        return filter(detail::kwargs_q(conditions));
    }
    Derived exclude(const Q& q) const {
        return derive([&](Query& n) { detail::add_filter(n, q, true); });
    }
    Derived exclude(std::string key, Arg value) const {
        return exclude(Q(std::move(key), std::move(value)));
    }
    Derived exclude(std::initializer_list<Kwarg> conditions) const {
        return exclude(detail::kwargs_q(conditions));
    }

    // order_by("-pub_date", "headline"); order_by() clears any ordering; "?" is random.
    template <class... S>
    Derived order_by(const S&... fields) const {
        std::vector<std::string> names{std::string(fields)...};
        return derive([&](Query& n) { detail::set_ordering(n, names); });
    }
    Derived order_by(const std::vector<std::string>& fields) const {
        return derive([&](Query& n) { detail::set_ordering(n, fields); });
    }
    Derived reverse() const {
        return derive([](Query& n) {
            detail::check_not_sliced(n, "reverse");
            n.reversed = !n.reversed;
        });
    }
    Derived distinct() const {
        return derive([](Query& n) { n.distinct = true; });
    }
    Derived none() const {
        return derive([](Query& n) { n.empty = true; });
    }
    Derived using_(Database& db) const {
        return derive([&](Query& n) { n.db = &db; });
    }
    // The local store alone, for every method (CDMS's skip_cdms): no remote request.
    Derived skip_cdms() const {
        return derive([](Query& n) { n.skip_remote = true; });
    }
    // At most n rows read from the remote when this queryset is evaluated (the model's
    // sync limit otherwise).
    Derived sync_limit(std::size_t n) const {
        return derive([&](Query& n2) { n2.sync_limit = n; });
    }
    // Each evaluation adds its remote requests and rows to `stats` (kept alive by the caller).
    Derived sync_stats(SyncStats& stats) const {
        return derive([&](Query& n) { n.sync_stats = &stats; });
    }
    // Django's qs[start:stop]; slice(start) has no end.
    Derived slice(std::int64_t start, std::optional<std::int64_t> stop = std::nullopt) const {
        return derive([&](Query& n) { detail::set_slice(n, start, stop); });
    }
    Derived annotate(std::string alias, const Expr& e) const {
        return derive([&](Query& n) { detail::add_annotation(n, std::move(alias), e); });
    }
    Derived annotate(const Expr& e) const { return annotate(std::string(), e); }
    Derived annotate(std::initializer_list<std::pair<std::string, Expr>> items) const {
        return derive([&](Query& n) {
            for (const auto& [alias, e] : items)
                detail::add_annotation(n, alias, e);
        });
    }
    Derived extra(const Extra& e) const {
        return derive([&](Query& n) { detail::add_extra(n, e); });
    }
    // A no-op on SQLite, whose write transactions lock the whole database (dorm::atomic takes
    // that lock at BEGIN IMMEDIATE).
    Derived select_for_update() const {
        return derive([](Query& n) { n.for_update = true; });
    }

    // Related objects read with the objects (joins): select_related() follows every
    // non-null ForeignKey (5 levels, as Django), select_related("blog", "blog__owner") the
    // ones named, select_related_depth(n) every non-null one to n levels.
    template <class... S>
    Derived select_related(const S&... paths) const {
        std::vector<std::string> names{std::string(paths)...};
        return derive([&](Query& n) {
            if (names.empty())
                detail::select_related_all(n, *n.model, {}, 5);
            for (const auto& p : names)
                detail::select_related_path(n, p);
        });
    }
    Derived select_related_depth(int depth) const {
        return derive([&](Query& n) { detail::select_related_all(n, *n.model, {}, depth); });
    }
    // Related objects read by one more query per relation after the objects
    // (prefetch_related("authors", "entry_set", "entry_set__authors")).
    template <class... S>
    Derived prefetch_related(const S&... relations) const {
        std::vector<std::string> names{std::string(relations)...};
        return derive([&](Query& n) {
            if (names.empty())
                n.prefetch_related.clear(); // as Django: prefetch_related(None) clears
            for (auto& r : names)
                n.prefetch_related.push_back(r);
        });
    }

    // The SQL and parameters this queryset would run.
    sql::Compiled sql() const;
    // What it would ask of the remote in an OData dialect (a mapped model): the URL's query
    // options, and whether the remote's answer is exact or a superset the local query
    // narrows. request.url(base) is the whole URL.
    odata::Request odata(const odata::Dialect& dialect) const;
    const Query& query() const noexcept { return *q_; }
    std::shared_ptr<const Query> query_ptr() const noexcept { return q_; }

protected:
    template <class Fn>
    Derived derive(Fn&& change) const {
        auto n = std::make_shared<Query>(*q_);
        change(*n);
        return Derived(std::move(n));
    }

    std::shared_ptr<const Query> q_;
};

template <class D>
sql::Compiled QueryChain<D>::sql() const {
    return sql::compile_select(*q_);
}

template <class D>
odata::Request QueryChain<D>::odata(const odata::Dialect& dialect) const {
    return odata::compile(*q_, dialect);
}

} // namespace DORM_ABI
} // namespace dorm
