#pragma once
// Remote rows into the local store: a row the remote returned, decoded into the values of
// the model's mapped fields, and written locally — inserted when new, updated when the
// remote's stamp is newer, left alone when equal (or when the local row is newer: a change
// saved with skip_cdms, which only get() reports). Unmapped fields are never touched.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"
#include "dorm/sqlite/connection.hpp"
#include "dorm/sync/errors.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

// One remote row as values of the model's mapped fields. A ForeignKey holds the parent's
// remote key here; LocalRows turns it into the parent's local primary key.
struct RemoteRow {
    std::string key;
    std::vector<std::pair<const FieldMeta*, Value>> values; // mapped fields but the key
    std::optional<DateTime> modified;                       // the remote_modified field's
    std::optional<std::string> etag;
};

// The field holding the remote key; a SyncError when the model has none.
const FieldMeta& remote_key_field(const ModelMeta& m);
// A remote key as the text the remote knows it by: a Uuid (a dorm::Uuid remote_key member)
// in its canonical form with dashes; text and NULL as they are.
Value remote_key_text(const Value& v);
// The remote key of obj, as remote_key_text; a nil Uuid (a default-constructed dorm::Uuid
// member) is "" (no key yet: a create gives it a new GUID).
Value key_of(const FieldMeta& key_field, const void* obj);
// A remote key as the key column is compared with in SQL (a Uuid for a UUIDField).
Value key_param(const FieldMeta& key_field, const std::string& key);

// The field holding the remote's stamp (remote_modified), or nullptr.
const FieldMeta* remote_modified_field(const ModelMeta& m);

RemoteRow decode(const ModelMeta& m, const nlohmann::json& row, const odata::Dialect& d);

// The ETags the remote gave the local rows, kept beside the models' tables (a model need
// not have a field for them): sent as If-Match with the next write of the row, and as
// If-None-Match by get() while the local row has not been changed locally since
// (`local_changed`: saved with skip_cdms, so the remote's version must be read to compare).
struct ETags {
    static constexpr const char* table = "dorm_sync_etag";
    static void create(Database& db);
    static std::optional<std::string> get(Database& db, const ModelMeta& m, const std::string& key);
    // The ETag of a row the local store has not changed since the remote sent it.
    static std::optional<std::string> get_in_step(Database& db, const ModelMeta& m,
                                                  const std::string& key);
    static void put(Database& db, const ModelMeta& m, const std::string& key,
                    const std::optional<std::string>& etag);
    static void mark_local_change(Database& db, const ModelMeta& m, const std::string& key);
    static void erase(Database& db, const ModelMeta& m, const std::string& key);

private:
    static std::optional<std::string> one(Database& db, const std::string& sql, const ModelMeta& m,
                                          const std::string& key);
};

struct WriteCounts {
    std::size_t inserted = 0, updated = 0, unchanged = 0, local_newer = 0;
};

// Writes remote rows into one Database; the caller holds the transaction. `fetch_parent`
// reads a parent the local store does not have (one remote GET, remembered for the call).
class LocalRows {
public:
    using FetchParent = std::function<nlohmann::json(const ModelMeta&, const std::string& key)>;
    LocalRows(Database& db, const odata::Dialect& d, FetchParent fetch_parent)
        : db_(db), d_(d), fetch_parent_(std::move(fetch_parent)) {}

    // The local row holding a remote key: its primary key and remote stamp, if any.
    struct Found {
        Value pk;
        Value modified;
    };
    std::optional<Found> find(const ModelMeta& m, const std::string& key);

    // Inserts or updates the local row of a remote row; returns its local primary key.
    // `force`: write the remote's version even over a locally newer row (remote wins).
    Value write(const ModelMeta& m, const RemoteRow& r, WriteCounts& counts, bool force = false);

    // Rows of one model, parents first where a row's parent is among them (so that a page
    // of a self-referencing model needs no extra request for parents it holds itself).
    // While parents are deferred, a row whose parent is neither here nor in the local store
    // waits in deferred() (a later page may bring the parent; else one GET, afterwards).
    void write_all(const ModelMeta& m, std::vector<RemoteRow>& rows, WriteCounts& counts);

    // Rows whose parent must come from the remote wait (the Client is busy with pages).
    void defer_missing_parents(bool on) { deferring_ = on; }
    std::vector<RemoteRow> take_deferred() { return std::exchange(deferred_, {}); }

    // The local primary key of the row with this remote key, read from the remote and
    // written locally when the local store does not have it (nullopt while deferring).
    std::optional<Value> local_pk(const ModelMeta& m, const std::string& key, WriteCounts& counts);

private:
    std::optional<Value> try_write(const ModelMeta& m, const RemoteRow& r, WriteCounts& counts,
                                   bool force);

    // Each row of the batch once; a row that is its own ancestor is a SyncError.
    std::optional<Value> write_batched(const ModelMeta& m, RemoteRow& r, WriteCounts& counts);

    std::optional<Value> parent_pk(const FieldMeta& fk, const Value& remote_key,
                                   WriteCounts& counts);

    Database& db_;
    const odata::Dialect& d_;
    FetchParent fetch_parent_;
    const ModelMeta* batch_model_ = nullptr;
    std::map<std::string, RemoteRow*> batch_; // rows of write_all() not written yet
    std::set<std::string> in_progress_;
    std::map<const ModelMeta*, std::string> find_sql_;
    bool deferring_ = false;
    std::vector<RemoteRow> deferred_;
};

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sync/local_rows.ipp"
#endif
