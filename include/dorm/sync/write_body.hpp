#pragma once
// The body of a remote write: a model's mapped fields in the dialect's JSON form, from an
// object (a create, or the fields a save changed) or from rows of the local store (a
// queryset update(), a local version that wins a conflict). A ForeignKey is written as the
// parent's remote key, in the form the dialect binds lookups with.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"
#include "dorm/sqlite/connection.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

// "SELECT <the fields' columns> FROM <table> WHERE <pk> = ?"
std::string select_by_pk(const ModelMeta& m, const std::vector<const FieldMeta*>& fields);

// The model's fields the remote has, in field order; `plain`: only those a write may send
// (not the remote key, not the remote stamp).
std::vector<const FieldMeta*> mapped_fields(const ModelMeta& m, bool plain);

using Fields = std::vector<Value>; // the mapped fields of a row, in mapped_fields() order

// The local row's mapped fields as stored (nullopt when there is no row with this key).
std::optional<Fields> mapped_row(Database& db, const ModelMeta& m, const Value& pk);

class WriteBody {
public:
    WriteBody(Database& db, const odata::Dialect& d) : db_(db), d_(d) {}

    // Every mapped field (a create), or those that differ from `before` (an update); never
    // the remote stamp, which the remote keeps itself.
    nlohmann::json of(const ModelMeta& m, const void* obj, const Fields* before);

    // The named fields of stored rows, one body per primary key (nullopt: no such row).
    std::vector<std::optional<nlohmann::json>>
    of_stored(const ModelMeta& m, const std::vector<const FieldMeta*>& fields, const Values& pks);

private:
    void put(nlohmann::json& body, const FieldMeta& f, const Value& v);

    static bool same(const FieldMeta& f, const Value& stored, const Value& now);

    // A ForeignKey is written as the parent's remote key, in the dialect's form.
    void put_lookup(nlohmann::json& body, const FieldMeta& fk, const Value& pk);

    Database& db_;
    const odata::Dialect& d_;
};

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sync/write_body.ipp"
#endif
