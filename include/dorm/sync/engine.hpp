#pragma once
// The sync engine: attached to a Database, it keeps the models mapped to a remote in step
// with it. Before a queryset of a mapped model is evaluated, the engine asks the remote for
// the query's rows (the compiled filter: exact or a superset), writes them into the local
// store in one transaction, and lets the local query decide the result.
//
//   auto remote = dorm::sync::attach(db, {.client = {url, dorm::odata::dataverse()}});
//   Account::objects().filter("name__startswith", "Acme").count(); // asks the remote first
//   Account::objects().skip_cdms().count();                        // the local store alone
//
// This is the only part of dorm that knows both the SQL and the remote side.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "dorm/core/sync_hooks.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/remote/client.hpp"
#include "dorm/sqlite/connection.hpp"
#include "dorm/sync/errors.hpp"
#include "dorm/sync/journal.hpp"
#include "dorm/sync/local_rows.hpp"
#include "dorm/sync/page_stream.hpp"
#include "dorm/sync/write_body.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

// What a read does when the remote fails: throw its RemoteError (the default), or let the
// local store answer and count the read as stale (Counters::stale_reads, Options::on_stale).
// Writes always fail: a write the remote refused is never kept locally.
enum class Offline { fail, serve_stale };

struct Options {
    odata::ClientOptions client;
    std::shared_ptr<odata::Transport> transport; // nullptr: libcurl
    std::size_t sync_limit = 10'000; // rows read from the remote per evaluation (sync_limit(n))
    // Local mapped rows inside a query's scope that the remote no longer has are deleted
    // locally (checked by key with the remote first).
    bool delete_missing = true;
    // Told after each page a read brings: the entity set, pages and rows so far.
    std::function<void(const std::string& entity_set, std::size_t pages, std::size_t rows)>
        progress;
    Offline offline = Offline::fail;
    std::function<void(const ModelMeta&, const RemoteError&)> on_stale;
};

// What the engine did, since it was attached.
struct Counters {
    std::size_t requests = 0;     // remote requests (first attempts)
    std::size_t writes = 0;       // remote writes that succeeded (counted at the local commit)
    std::size_t rows_fetched = 0; // rows the remote returned
    WriteCounts written;          // what became of them locally
    std::size_t deleted = 0;      // local rows deleted because the remote no longer has them
    std::size_t stale_reads = 0;  // reads the local store answered alone (Offline::serve_stale)
};

class Engine : public SyncHooks {
public:
    Engine(Database& db, Options opts);

    const odata::Dialect& dialect() const noexcept { return client_.dialect(); }
    odata::Client& client() noexcept { return client_; }
    const Counters& counters() const noexcept { return counters_; }

    DORM_INLINE void before_read(const Query& q, const Evaluation& how, ReadKind kind) override;

private:
    void read(const Query& q, const Evaluation& how, ReadKind kind);

public:
    // save(): the local INSERT or UPDATE and the remote create or update of the changed
    // mapped fields, in one local transaction; any remote failure rolls the local write
    // back. A new object gets its remote key here, so that a retry cannot create a second
    // remote row.
    DORM_INLINE void save(Database& db, const ModelMeta& m, void* obj,
                          detail::FunctionRef<void()> local) override;

    DORM_INLINE void saved_locally(const ModelMeta& m, void* obj) override;

    // delete_(): the local DELETE (with its cascades) and the remote DELETE, in one local
    // transaction. A row the remote no longer has is deleted locally all the same.
    DORM_INLINE void remove(Database& db, const ModelMeta& m, const void* obj,
                            detail::FunctionRef<void()> local) override;

    // bulk_create(): the local INSERTs and one changeset of remote creates.
    DORM_INLINE void bulk_create(Database& db, const ModelMeta& m, const std::vector<void*>& objs,
                                 detail::FunctionRef<void()> local) override;

    // Queryset update(): the local UPDATE, then one changeset updating the changed mapped
    // fields of every row it matched (their values read back: F() expressions included).
    DORM_INLINE std::int64_t bulk_update(Database& db, const Query& q,
                                         const std::vector<std::string>& names,
                                         detail::FunctionRef<std::int64_t()> local) override;

    // Queryset delete_(): the local DELETE (with its cascades), then one changeset deleting
    // the rows of this model on the remote (which applies its own cascades).
    DORM_INLINE void bulk_delete(Database& db, const Query& q,
                                 detail::FunctionRef<void()> local) override;

    // The write journal (dorm/sync/journal.hpp): every remote write is recorded before it
    // is sent and cleared once the local transaction holding it committed. pending() lists
    // the entries left (a failure whose outcome is unknown, the caller's rollback, a killed
    // process), oldest first; those of a transaction still open here are not listed.
    std::vector<JournalEntry> pending();
    // Resolves every pending entry from the remote, which is the system of record: the
    // local row is made the remote's (or deleted when the remote has none), then the entry
    // is cleared. Returns how many were resolved. When the remote fails, its error
    // propagates and the entries stay. attach() does this too, and so does the next read or
    // write of a row that has an entry.
    std::size_t recover();

    // Inside a dorm::atomic() block on the engine's database, the writes above are applied
    // locally at once and their remote writes queued; just before the block's COMMIT they
    // are sent as one changeset (a single write as its own request, one request per write
    // where the dialect has no $batch). A refusal throws from the commit, and the whole
    // block rolls back; what a savepoint that rolls back queued is dropped. Reads of a model
    // with queued writes are answered by the local store.
    DORM_INLINE void before_commit(Database& db) override;
    // The entries of what the block sent are left "applied", and the error says so.
    DORM_INLINE void commit_failed(Database& db, Error& error) noexcept override;
    DORM_INLINE void released(Database& db, int depth) override;
    DORM_INLINE void rolled_back(Database& db, int depth) noexcept override;
    // The journal's file ("" when it is in memory: the store has no file).
    std::string journal_path() const { return journal_path_; }

private:
    static constexpr std::size_t small_limit = 50;

    // Local wins a conflict: the local row's mapped fields are sent to the remote.
    // Inside the caller's atomic block (`later`) it is queued like the block's writes.
    void push_local(const ModelMeta& m, const Value& pk, const std::string& key, bool later);

    void check_batch_size(const ModelMeta& m, std::size_t n) const;
    std::vector<odata::BatchResult> send_batch(const std::vector<odata::BatchOperation>& ops);
    // Whether the remote has the row of this key, asked by listing its entity set with a
    // filter on the key: an empty list means gone, where a 404 could come from a gateway or a
    // wrong entity set as well. Such a 404 throws RemoteNotFound naming `answer`, the refusal
    // that made the engine ask.
    bool on_remote(const ModelMeta& m, const std::string& key, const RemoteError& answer);
    static DateTime utc_now();

    // A version 4 (random) GUID.
    static std::string new_guid();

    // A remote write of an atomic block, waiting for its COMMIT.
    struct Queued {
        int depth; // the transaction level it was made in
        const ModelMeta* m;
        Value pk; // the local row (null for a delete)
        std::string key;
        odata::BatchOperation op;
        bool follows = false; // the row was written earlier in the block
    };
    // Whether a write on db now joins the block open there.
    bool deferred(const Database& db) const {
        return &db == &db_ && db.transaction_depth > 0 && !flushing_;
    }
    void queue(Database& db, const ModelMeta& m, Value pk, std::string key,
               odata::BatchOperation op);
    bool queued_for(const ModelMeta& m) const;
    // Marks the writes of a row written earlier in the block. They are sent in order, as
    // made (merging them could move a write before another row's that it depends on); such a
    // write goes with the ETag the earlier write's answer gave the row, or in a changeset
    // with no If-Match (*): the earlier write checked the row in the same atomic changeset.
    static void mark_followers(std::vector<Queued>& writes);
    // Drops the writes that would name a row the remote must not see: a row created and
    // deleted in the block (all its writes), and the creates and updates of a row deleted
    // locally later in the block (its own delete, or its parent's, is what the remote gets).
    static void drop_moot(Database& db, std::vector<Queued>& writes);
    // One queued write as its own request, its answer stored; `remote_done` once the remote
    // applied it.
    void send_one(Database& db, const Queued& w, bool& remote_done);
    // The writes as one changeset, the answers stored; `remote_done` once applied. Deletes of
    // rows the remote no longer has fail a changeset (404, or CAP's 412): gone is fine, so it
    // is sent again without them, once. Also the immediate path of a queryset delete_().
    void send_changeset(Database& db, std::vector<Queued>& writes, bool& remote_done);

    // PATCH (MERGE) with If-Match; a 412 is ObjectsNotInSync.
    nlohmann::json update_remote(const ModelMeta& m, const std::string& key,
                                 const nlohmann::json& changes,
                                 const std::optional<std::string>& etag);
    // DELETE with If-Match. A 404 (or CAP's 412) is fine when the entity set answers without
    // the row: then the row is gone.
    void delete_remote(const ModelMeta& m, const std::string& key,
                       const std::optional<std::string>& etag);

    // POST with the client-made key. When the answer was lost (a timeout, a dropped
    // connection, a server error, a body that cannot be read) the create may have been
    // applied: the key is looked up once, and a row found there is this create's.
    nlohmann::json create_remote(const ModelMeta& m, const std::string& key,
                                 const nlohmann::json& body);

    // `send()`, and when its answer was lost `look_up()`: what that finds is the answer.
    // When the lookup fails too (RemoteNotFound: the write was not applied), the write's
    // own error is thrown.
    template <class Send, class LookUp>
    auto answer_lost(const Send& send, const LookUp& look_up) -> decltype(send()) {
        std::exception_ptr original;
        try {
            return send();
        } catch (const RemoteUnavailable& e) {
            if (!e.maybe_sent)
                throw;
            original = std::current_exception();
        } catch (const RemoteTimeout&) {
            original = std::current_exception();
        } catch (const RemoteServerError&) {
            original = std::current_exception();
        } catch (const MalformedResponse&) {
            original = std::current_exception();
        }
        try {
            return look_up();
        } catch (const RemoteError&) {
            std::rethrow_exception(original);
        }
    }

    // The creates of a changeset whose answer was lost: applied whole (every key is on the
    // remote) or not at all (RemoteNotFound; a changeset is atomic).
    std::vector<odata::BatchResult> batch_created_after_all(const ModelMeta& m,
                                                            const std::vector<std::string>& keys);

    // The remote rows of these keys that it has (one request per 50 keys: URLs of a few kB).
    std::vector<nlohmann::json> rows_by_key(const ModelMeta& m,
                                            const std::vector<std::string>& keys);

    // What the remote answered a write: its stamp goes into the local row (and is returned,
    // for the object), its ETag beside it.
    Value store_answer(Database& db, const ModelMeta& m, const Value& pk, const std::string& key,
                       const nlohmann::json& answer, std::optional<std::string> etag = {});

    static odata::Client make_client(const Options& o, Counters& c);
    LocalRows local_rows();

    // The local rows of the query in db (pk, remote key), slice and ordering aside; at most
    // `at_most` of them when given.
    std::vector<std::pair<Value, Value>> local_keys(Database& db, const Query& q,
                                                    std::optional<std::int64_t> at_most = {});

    // get() of a row the local store has, by its remote key: one GET, then the local row is
    // refreshed, removed (the remote says 404) or reported newer (ObjectsNotInSync).
    // False when the query does not name exactly one local row with a remote key.
    bool refresh_one(Database& db, const Query& q, ReadKind kind);
    ObjectsNotInSync not_in_sync(const ModelMeta& m, const Value& pk, const RemoteRow& rr);

    // Local rows in the query's scope that did not come back: asked for by key (a changed
    // row may have left the scope remotely); those the remote does not have are deleted.
    void remove_missing(Database& db, const Query& q, const std::vector<std::string>& seen_sorted,
                        LocalRows& local);

    // Rows the remote no longer has: deleted locally with their cascades, and their ETags.
    void delete_local(const ModelMeta& m, const Values& pks, const std::vector<std::string>& keys);

    // --- the journal ---
    JournalEntry entry(const ModelMeta& m, const std::string& key, const char* operation,
                       const nlohmann::json* body, const std::optional<std::string>& if_match);
    // Records entries before their request is sent; clears them once the outermost
    // transaction open on db commits. Returns their ids.
    std::vector<std::int64_t> journal(Database& db, std::vector<JournalEntry> entries);
    void forget(const std::vector<std::int64_t>& ids) noexcept;
    // Called in a catch block of a failed journalled write: an outcome known (a 4xx answer:
    // not applied) clears the entries; else they stay and the error (type kept) says so.
    // Rethrows.
    [[noreturn]] void failed(const std::vector<std::int64_t>& ids, bool remote_done);
    bool in_flight(std::int64_t id) const;
    std::vector<JournalEntry> unresolved(std::vector<JournalEntry> entries) const;
    const ModelMeta& model_of(const JournalEntry& e);
    // Makes the local rows of these entries the remote's, then clears the entries (once the
    // local transaction commits). `keep_if_match`: the row's ETag becomes the If-Match its
    // last entry sent (a retried write then meets the remote's changes as a conflict).
    void resolve(const std::vector<JournalEntry>& entries, const nlohmann::json* row = nullptr,
                 bool keep_if_match = false);
    // The pending entries of a model (before a read or a bulk write of it).
    void settle(const ModelMeta& m);
    // The pending entries of one row before save(): a retried update the remote already
    // holds is adopted (nothing to send again); the object's stamp follows the row.
    void settle_row(Database& db, const ModelMeta& m, void* obj, const std::string& key);

    Database& db_;
    Options opts_;
    Counters counters_;
    Journal journal_;
    std::string journal_path_;
    struct InFlight {
        Database* db;
        std::uint64_t serial; // the transaction it was written in
    };
    std::map<std::int64_t, InFlight> in_flight_;
    std::vector<Queued> queued_; // the remote writes of the atomic block open on db_
    bool flushing_ = false;      // sending them (before_commit)
    std::map<std::string, const ModelMeta*> models_; // "table\nentity set" -> model
    odata::Client client_;
    std::uint64_t generation_ = 0; // evaluations so far
    std::map<const ModelMeta*, std::pair<std::uint64_t, std::set<std::string>>> refreshed_;
};

// Attaches a sync engine to a database: from then on, querysets of its mapped models sync.
std::shared_ptr<Engine> attach(Database& db, Options opts);

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sync/engine.ipp"
#endif
