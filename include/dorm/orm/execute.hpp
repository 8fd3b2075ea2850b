#pragma once
// Running compiled queries on a Database and reading their rows back: model objects,
// values() rows, counts, aggregates, updates and deletes. Only fetch() is a template. Each
// takes the query (which rows) and the queryset's Evaluation: its database (db_of), and for
// model objects whether their ForeignKeys stay local. None calls the sync engine.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dorm/core/evaluation.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/orm/backend.hpp"
#include "dorm/orm/collector.hpp"
#include "dorm/orm/persist.hpp"
#include "dorm/sql/compile_summary.hpp"
#include "dorm/sql/compile_writes.hpp"
#include "dorm/sql/compiler.hpp"
#include "dorm/sqlite/connection.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {

// One values() row: the selected names and their values, in order.
class Row {
public:
    Row(std::shared_ptr<const std::vector<std::string>> names, Values values)
        : names_(std::move(names)), values_(std::move(values)) {}
    const Value& operator[](std::string_view name) const;
    const Value& operator[](std::size_t i) const { return values_.at(i); }
    const std::vector<std::string>& names() const noexcept { return *names_; }
    const Values& values() const noexcept { return values_; }
    std::size_t size() const noexcept { return values_.size(); }
    friend bool operator==(const Row& a, const Row& b) {
        return *a.names_ == *b.names_ && a.values_ == b.values_;
    }

private:
    std::shared_ptr<const std::vector<std::string>> names_;
    Values values_;
};

namespace sql {

// The database a queryset is evaluated on: using_()'s, else the default one.
inline Database& db_of(const Evaluation& how) {
    return how.db ? *how.db : default_database();
}

// The object the next row of a query is read into, and its state: next(ctx) makes it.
using NextObject = std::pair<void*, detail::InstanceState*> (*)(void* ctx);

// Runs the query and reads each row into the object next(ctx) gives.
void read_objects(const Query& q, const Evaluation& how, NextObject next, void* ctx);

// The NextObject of a std::vector<T>: a new T at its end.
template <class T>
std::pair<void*, detail::InstanceState*> next_object(void* ctx) {
    T& obj = static_cast<std::vector<T>*>(ctx)->emplace_back();
    return std::pair<void*, detail::InstanceState*>(&obj, &obj._state);
}

template <class T>
std::vector<T> fetch(const Query& q, const Evaluation& how) {
    std::vector<T> out;
    read_objects(q, how, &next_object<T>, &out);
    return out;
}

std::vector<Row> fetch_rows(const Query& q, const Evaluation& how);
std::int64_t count(const Query& q, const Evaluation& how);
bool exists(const Query& q, const Evaluation& how);
std::map<std::string, Value> aggregate(const Query& query, const Evaluation& how,
                                       const std::vector<std::pair<std::string, Expr>>& in);
std::int64_t update(const Query& q, const Evaluation& how, const Kwargs& values);
DeleteResult delete_rows(const Query& q, const Evaluation& how);
std::vector<Value> dates(const Query& q, const Evaluation& how, const std::string& field,
                         const std::string& kind, const std::string& order, bool datetimes);

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/orm/execute.ipp"
#endif
