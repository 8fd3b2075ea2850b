#pragma once
// dorm's side of dorm_bench: the benchmark model and the tasks as a dorm user writes them.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <dorm/dorm.hpp>

#include "bench.hpp"

namespace bench {

// A typical 4-column model: auto primary key, a CharField, an integer and a float.
struct Item : dorm::Model<Item> {
    std::int64_t id = 0;
    std::string name;
    std::int64_t qty = 0;
    double price = 0;

    static void define(dorm::ModelDef<Item>& m) {
        m.table("bench_item");
        m.field("id", &Item::id, dorm::auto_pk);
        m.field("name", &Item::name, dorm::max_length(64));
        m.field("qty", &Item::qty);
        m.field("price", &Item::price);
    }
};

void configure(dorm::Database& db);

namespace orm {
void bulk_create(dorm::Database& db, std::vector<Item>& items);
void save_each(dorm::Database& db, std::vector<Item>& items);
std::uint64_t select_all(dorm::Database& db);
std::uint64_t get_each(dorm::Database& db, std::span<const std::int64_t> ids);
// Heap bytes held by the result of select_all's query while it is alive.
std::size_t select_heap_bytes(dorm::Database& db);
} // namespace orm

} // namespace bench
