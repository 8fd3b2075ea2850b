#pragma once
// Running compiled queries on a Database and reading their rows back: model objects,
// values() rows, counts, aggregates, updates and deletes. Only fetch() is a template. Each
// takes the query (which rows) and the queryset's Evaluation: its database (db_of), and for
// model objects whether their ForeignKeys stay local. None calls the sync engine.
#include <map>
#include <memory>
#include <span>
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

// The rows of a query read into blocks, then moved once into a vector of the exact size. A
// vector grown by doubling touches twice the memory of its final size on the way, and a
// large result's fresh pages are most of the cost of reading it (docs/performance.md):
// blocks stay below the allocator's mmap threshold and are reused as they are freed. A
// result that fits in its first block is that block, as a plain vector would be.
template <class T>
class RowBlocks {
public:
    static std::pair<void*, detail::InstanceState*> next(void* ctx) {
        auto& blocks = static_cast<RowBlocks*>(ctx)->blocks_;
        if (blocks.empty() || blocks.back().size() == block_size) {
            blocks.emplace_back();
            if (blocks.size() > 1)
                blocks.back().reserve(block_size);
        }
        T& obj = blocks.back().emplace_back();
        return std::pair<void*, detail::InstanceState*>(&obj, &obj._state);
    }
    std::vector<T> take() {
        if (blocks_.size() == 1)
            return std::move(blocks_.front());
        std::vector<T> out;
        if (blocks_.empty())
            return out;
        out.reserve(block_size * (blocks_.size() - 1) + blocks_.back().size());
        for (std::vector<T>& block : blocks_) {
            for (T& obj : block)
                out.emplace_back(std::move(obj));
            std::vector<T>().swap(block); // freed once moved: the peak stays near one copy
        }
        return out;
    }

private:
    // About 32 KiB of objects per block (glibc's mmap threshold starts at 128 KiB).
    static constexpr std::size_t block_size = sizeof(T) >= 32768 ? 1 : 32768 / sizeof(T);
    std::vector<std::vector<T>> blocks_;
};

template <class T>
std::vector<T> fetch(const Query& q, const Evaluation& how) {
    RowBlocks<T> rows;
    read_objects(q, how, &RowBlocks<T>::next, &rows);
    return rows.take();
}

std::vector<Row> fetch_rows(const Query& q, const Evaluation& how);
std::int64_t count(const Query& q, const Evaluation& how);
bool exists(const Query& q, const Evaluation& how);
std::map<std::string, Value> aggregate(const Query& query, const Evaluation& how,
                                       std::span<const NamedExpr> in);
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
