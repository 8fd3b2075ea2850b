// The baseline: what a careful programmer writes by hand with the SQLite C API, reading
// into a plain struct (no dorm header is included here). Statements are prepared once per
// connection and reused (reset + bind), writes run in one transaction, text is bound
// without a copy (SQLITE_STATIC) and read straight into the object.
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "bench.hpp"

namespace bench::raw {

namespace {

[[noreturn]] void fail(sqlite3* db, const char* what) {
    throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
}

void read_row(sqlite3_stmt* s, Item& it) {
    it.id = sqlite3_column_int64(s, 0);
    const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    it.name.assign(name, static_cast<std::size_t>(sqlite3_column_bytes(s, 1)));
    it.qty = sqlite3_column_int64(s, 2);
    it.price = sqlite3_column_double(s, 3);
}

} // namespace

void Stmt::prepare(sqlite3* db, const char* sql) {
    finalize();
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK)
        fail(db, sql);
}

void Stmt::finalize() noexcept {
    sqlite3_finalize(s_);
    s_ = nullptr;
}

Connection::Connection(const std::string& path) {
    // The flags dorm::Database uses.
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open " + path + ": " + msg);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    if (cache_kib > 0)
        exec(("PRAGMA cache_size = -" + std::to_string(cache_kib)).c_str());
}

Connection::~Connection() {
    // The statements first (members are destroyed after this body runs).
    insert_.finalize();
    select_.finalize();
    get_.finalize();
    sqlite3_close_v2(db_);
}

void Connection::exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(db_, sql);
}

void Connection::insert_all(std::vector<Item>& items) {
    if (!insert_)
        insert_.prepare(
            db_, "INSERT INTO \"bench_item\" (\"name\", \"qty\", \"price\") VALUES (?, ?, ?)");
    exec("BEGIN IMMEDIATE");
    sqlite3_stmt* s = insert_.get();
    for (Item& it : items) {
        sqlite3_bind_text(s, 1, it.name.data(), static_cast<int>(it.name.size()), SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, it.qty);
        sqlite3_bind_double(s, 3, it.price);
        if (sqlite3_step(s) != SQLITE_DONE) {
            sqlite3_reset(s);
            exec("ROLLBACK");
            fail(db_, "insert");
        }
        sqlite3_reset(s);
        it.id = sqlite3_last_insert_rowid(db_);
    }
    sqlite3_clear_bindings(s);
    exec("COMMIT");
}

std::vector<Item> Connection::select_all() {
    if (!select_)
        select_.prepare(db_, "SELECT \"id\", \"name\", \"qty\", \"price\" FROM \"bench_item\"");
    sqlite3_stmt* s = select_.get();
    std::vector<Item> out;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        read_row(s, out.emplace_back());
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        fail(db_, "select");
    return out;
}

Item Connection::get(std::int64_t id) {
    if (!get_)
        get_.prepare(
            db_,
            "SELECT \"id\", \"name\", \"qty\", \"price\" FROM \"bench_item\" WHERE \"id\" = ?");
    sqlite3_stmt* s = get_.get();
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        throw std::runtime_error("raw get: no row with id " + std::to_string(id));
    }
    Item it;
    read_row(s, it);
    sqlite3_reset(s);
    return it;
}

std::uint64_t select_all(Connection& c) {
    return checksum(c.select_all());
}

std::uint64_t get_each(Connection& c, std::span<const std::int64_t> ids) {
    std::uint64_t sum = 0;
    for (std::int64_t id : ids)
        sum += checksum(c.get(id));
    return sum;
}

} // namespace bench::raw
