#pragma once
// Shared pieces of dorm_bench: the data every task uses, and the two implementations of each
// task: hand-written SQLite C API reading into a plain struct (bench_raw.cpp, which knows
// nothing of dorm) and dorm (bench_dorm.hpp, bench_dorm.cpp). Both sides receive the same
// inputs and return the same checksums, so the driver (bench_main.cpp) can check that they
// did the same work.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace bench {

// n new (unsaved) objects of either side's struct: id 0, name "item-<i>", qty i % 1000,
// price i * 0.25.
template <class T>
std::vector<T> make_items(std::size_t n) {
    std::vector<T> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        out[i].name = "item-" + std::to_string(i);
        out[i].qty = static_cast<std::int64_t>(i % 1000);
        out[i].price = static_cast<double>(i) * 0.25;
    }
    return out;
}

// A checksum of one object (id, name, quantity, price) of either side, to compare results.
template <class T>
std::uint64_t checksum(const T& it) {
    std::uint64_t h = static_cast<std::uint64_t>(it.id) * 1000003u;
    for (char c : it.name)
        h = h * 31 + static_cast<unsigned char>(c);
    h += static_cast<std::uint64_t>(it.qty) * 7919u;
    h += static_cast<std::uint64_t>(it.price * 4);
    return h;
}
template <class T>
std::uint64_t checksum(const std::vector<T>& items) {
    std::uint64_t sum = 0;
    for (const T& it : items)
        sum += checksum(it);
    return sum;
}

// n ids drawn uniformly from 1..max with a fixed seed.
std::vector<std::int64_t> random_ids(std::size_t n, std::int64_t max);

// --cache-mib: when positive, every connection of both sides runs
// PRAGMA cache_size = -(cache_kib) after opening; 0 keeps SQLite's default (2 MiB).
extern int cache_kib;

// Bytes of heap in use now (glibc's mallinfo2: arena chunks + mmapped blocks).
std::size_t heap_in_use();

// The table both sides use, written out by hand for the raw side. bench_main checks at
// start-up that it is exactly the DDL dorm::create_tables<Item> writes.
inline constexpr const char* item_ddl =
    "CREATE TABLE \"bench_item\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
    "\"name\" varchar(64) NOT NULL, \"qty\" bigint NOT NULL, \"price\" real NOT NULL)";

// --- hand-written SQLite C API, no dorm ----------------------------------------------------
namespace raw {

// The row as a careful programmer declares it: the same members as dorm's bench::Item,
// nothing else.
struct Item {
    std::int64_t id = 0;
    std::string name;
    std::int64_t qty = 0;
    double price = 0;
};

// A prepared statement (or none yet), finalized at the end of its life.
class Stmt {
public:
    Stmt() = default;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() { finalize(); }
    void prepare(sqlite3* db, const char* sql);
    void finalize() noexcept;
    sqlite3_stmt* get() const noexcept { return s_; }
    explicit operator bool() const noexcept { return s_ != nullptr; }

private:
    sqlite3_stmt* s_ = nullptr;
};

// One connection and its statements, each prepared on first use and reused (reset + bind)
// for the connection's life, as an application keeps them.
class Connection {
public:
    // Opens path as dorm::Database does: same open flags, extended result codes, busy
    // timeout 5000 ms, foreign_keys=ON, journal_mode=WAL.
    explicit Connection(const std::string& path);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();
    sqlite3* handle() const noexcept { return db_; }
    void exec(const char* sql);

    // INSERT of every object in one transaction; sets their ids.
    void insert_all(std::vector<Item>& items);
    // Every row.
    std::vector<Item> select_all();
    // The row with this id; throws when there is none.
    Item get(std::int64_t id);

private:
    sqlite3* db_ = nullptr;
    Stmt insert_, select_, get_;
};

// Every row read into a vector of objects; returns their checksum.
std::uint64_t select_all(Connection& c);
// One primary-key lookup per id; returns the checksum of the objects read.
std::uint64_t get_each(Connection& c, std::span<const std::int64_t> ids);

} // namespace raw

} // namespace bench
