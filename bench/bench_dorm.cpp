// The same tasks written as a dorm user writes them.
#include <cstdint>
#include <vector>

#include "bench_dorm.hpp"

namespace bench::orm {

void bulk_create(dorm::Database& db, std::vector<Item>& items) {
    Item::objects().using_(db).bulk_create(items);
}

void save_each(dorm::Database& db, std::vector<Item>& items) {
    dorm::set_default_database(db);
    dorm::atomic(db, [&] {
        for (Item& it : items)
            it.save();
    });
}

std::uint64_t select_all(dorm::Database& db) {
    std::uint64_t sum = 0;
    const auto qs = Item::objects().using_(db).all();
    for (const Item& it : qs)
        sum += checksum(it);
    return sum;
}

std::uint64_t get_each(dorm::Database& db, std::span<const std::int64_t> ids) {
    dorm::set_default_database(db);
    std::uint64_t sum = 0;
    for (std::int64_t id : ids)
        sum += checksum(Item::objects().get("pk", id));
    return sum;
}

std::size_t select_heap_bytes(dorm::Database& db) {
    const std::size_t before = heap_in_use();
    const auto qs = Item::objects().using_(db).all();
    std::uint64_t sum = 0;
    for (const Item& it : qs) // evaluates the queryset, which keeps the objects
        sum += static_cast<std::uint64_t>(it.id);
    const std::size_t after = heap_in_use();
    return sum ? after - before : 0;
}

} // namespace bench::orm
