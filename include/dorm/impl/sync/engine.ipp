#pragma once
// Bodies of dorm/sync/engine.hpp (dorm/detail/config.hpp).
#include "dorm/sync/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string_view>

#include "dorm/orm/collector.hpp"
#include "dorm/orm/execute.hpp"
#include "dorm/remote/encode.hpp"
#include "dorm/remote/parse.hpp"
#include "dorm/sqlite/transaction.hpp"
#include "dorm/sync/page_stream.hpp"
#include "dorm/tree/build.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

DORM_INLINE Engine::Engine(Database& db, Options opts)
    : db_(db), opts_(std::move(opts)), journal_(db), journal_path_(Journal::path_for(db)),
      client_(make_client(opts_, counters_)) {
    ETags::create(db_);
}

DORM_INLINE void Engine::before_read(const Query& q, const Evaluation& how, ReadKind kind) {
    remote_key_field(*q.model);
    if (queued_for(*q.model))
        return; // inside an atomic block that wrote it: the block's own rows answer
    const Counters before = counters_;
    struct Tally { // adds what this evaluation cost to the queryset's stats, however it ends
        const Counters& before;
        const Counters& now;
        SyncStats* stats;
        ~Tally() {
            if (!stats)
                return;
            stats->requests += now.requests - before.requests;
            stats->rows_fetched += now.rows_fetched - before.rows_fetched;
            stats->rows_written += (now.written.inserted - before.written.inserted) +
                                   (now.written.updated - before.written.updated) +
                                   (now.deleted - before.deleted);
        }
    } tally{before, counters_, how.sync_stats};
    if (opts_.offline != Offline::fail) {
        try {
            read(q, how, kind);
        } catch (const RemoteError& e) {
            // The remote failed: the local store answers, and the read is marked stale.
            ++counters_.stale_reads;
            if (opts_.on_stale)
                opts_.on_stale(*q.model, e);
        }
        return;
    }
    read(q, how, kind);
}

DORM_INLINE void Engine::read(const Query& q, const Evaluation& how, ReadKind kind) {
    const ModelMeta& m = *q.model;
    Database& db = sql::db_of(how); // the queryset's database: its local rows
    settle(m); // writes of this model whose outcome is unknown: the remote's rows first
    if ((kind == ReadKind::Get || kind == ReadKind::Follow) && refresh_one(db, q, kind))
        return;
    odata::Request r = odata::compile(q, dialect(), false);
    if (r.nothing)
        return; // f__in=[] (none() never comes here): no row anywhere, nothing to ask
    std::size_t limit = how.sync_limit.value_or(opts_.sync_limit);
    if (kind == ReadKind::Get || kind == ReadKind::Follow)
        limit = std::min<std::size_t>(limit, 21); // get() reads at most 21 rows, as Django
    if (kind == ReadKind::Exists && r.exact)
        limit = 1; // any row the remote has is a local answer too
    if (r.filter.empty() && r.orderby.empty())
        if (const FieldMeta* mod = remote_modified_field(m)) // the most recently modified first
            r.orderby = mod->remote_name + " desc";
    // A small limit is the remote's $top too (one short page); a large one is reached by
    // following pages, as some servers (Dataverse) stop paging when $top is given.
    if (limit <= small_limit && (!r.top || static_cast<std::size_t>(*r.top) > limit))
        r.top = static_cast<std::int64_t>(limit);
    if (kind != ReadKind::Get && kind != ReadKind::Follow)
        ++generation_; // a new evaluation: followed ForeignKeys refresh their parent again
    // Each page is written while the next one is on its way (PageStream); all of them in
    // one local transaction, so a failure on any page leaves the store as it was. The
    // first page comes before the transaction: a read of one page never holds the
    // store's write lock while it waits for the remote.
    odata::Client::Listing listing(client_, r, limit);
    PageStream pages(listing);
    std::optional<PageStream::Page> page = pages.next();
    atomic(db_, [&] {
        LocalRows local = local_rows();
        std::vector<std::string> keys;     // what came back, for remove_missing
        local.defer_missing_parents(true); // until the last page: the helper has the Client
        for (; page; page = pages.next()) {
            counters_.rows_fetched += page->rows.size();
            std::vector<RemoteRow> decoded;
            decoded.reserve(page->rows.size());
            for (const auto& row : page->rows)
                decoded.push_back(decode(m, row, dialect()));
            page->rows.clear();
            if (opts_.delete_missing)
                for (const auto& d : decoded)
                    keys.push_back(d.key);
            local.write_all(m, decoded, counters_.written);
            if (opts_.progress)
                opts_.progress(m.remote_entity_set, page->pages, page->rows_so_far);
        }
        local.defer_missing_parents(false);
        std::vector<RemoteRow> waiting = local.take_deferred();
        local.write_all(m, waiting, counters_.written);
        // Everything the remote has in the query's scope came: what the local store has
        // in it besides was deleted remotely.
        const bool whole = listing.rows() < limit && !q.is_sliced() && !r.skip;
        if (whole && opts_.delete_missing) {
            std::sort(keys.begin(), keys.end());
            remove_missing(db, q, keys, local);
        }
    });
}

DORM_INLINE void Engine::save(Database& db, const ModelMeta& m, void* obj,
                              detail::FunctionRef<void()> local) {
    const FieldMeta& key_field = remote_key_field(m);
    const FieldMeta* mod = remote_modified_field(m);
    Value key = key_of(key_field, obj);
    // A create retried after an attempt whose outcome is unknown: the remote's row, when the
    // attempt was applied, is its answer.
    std::optional<nlohmann::json> created;
    std::string created_body; // what that attempt sent
    std::vector<std::int64_t> settled;
    if (!key.is_null() && !key.as_text().empty()) {
        auto entries = unresolved(journal_.of(m.remote_entity_set, key.as_text()));
        if (!entries.empty() && entries.back().operation == "create" &&
            !local_rows().find(m, key.as_text())) {
            for (const auto& e : entries)
                settled.push_back(e.id);
            created_body = entries.back().body;
            if (auto rows = rows_by_key(m, {key.as_text()}); !rows.empty())
                created = std::move(rows.front());
        } else if (!entries.empty()) {
            settle_row(db, m, obj, key.as_text());
        }
    }
    const std::optional<Fields> before =
        sql::pk_unset(m, obj) ? std::nullopt : mapped_row(db, m, m.pk().get(obj));
    const bool create = !before || key.is_null() || key.as_text().empty();
    if (create && (key.is_null() || key.as_text().empty())) {
        key = Value(new_guid());
        key_field.set(obj, key);
    }
    const Value stamp_before = mod ? mod->get(obj) : Value();
    std::vector<std::int64_t> ids;
    bool remote_done = false;
    // Inside the caller's atomic block the remote write waits for its COMMIT.
    const bool later = deferred(db);
    try {
        atomic(db, [&] {
            local();
            if (!settled.empty())
                db.on_commit([this, settled] { forget(settled); });
            nlohmann::json answer;
            const Value pk = m.pk().get(obj);
            if (create) {
                const nlohmann::json body = WriteBody(db, dialect()).of(m, obj, nullptr);
                if (created && created_body == body.dump()) {
                    answer = *created; // the earlier attempt's: nothing to send again
                } else if (created) {  // the earlier attempt's row, then what changed since
                    const auto etag = odata::Client::etag_of(*created);
                    if (later)
                        return queue(db, m, pk, key.as_text(),
                                     odata::BatchOperation::update(m.remote_entity_set,
                                                                   key.as_text(), body, etag));
                    ids = journal(db, {entry(m, key.as_text(), "update", &body, etag)});
                    answer = client_.update(m.remote_entity_set, key.as_text(), body, etag);
                } else {
                    if (later)
                        return queue(db, m, pk, key.as_text(),
                                     odata::BatchOperation::create(m.remote_entity_set, body));
                    ids = journal(db, {entry(m, key.as_text(), "create", &body, std::nullopt)});
                    answer = create_remote(m, key.as_text(), body);
                }
            } else {
                const nlohmann::json changes = WriteBody(db, dialect()).of(m, obj, &*before);
                if (changes.empty())
                    return;
                const auto etag = ETags::get(db, m, key.as_text());
                if (later)
                    return queue(db, m, pk, key.as_text(),
                                 odata::BatchOperation::update(m.remote_entity_set, key.as_text(),
                                                               changes, etag));
                ids = journal(db, {entry(m, key.as_text(), "update", &changes, etag)});
                answer = update_remote(m, key.as_text(), changes, etag);
            }
            remote_done = true;
            db.on_commit([this] { ++counters_.writes; });
            const Value stamp = store_answer(db, m, pk, key.as_text(), answer);
            if (!stamp.is_null())
                mod->set(obj, stamp);
        });
    } catch (...) {
        if (mod) // the object as it was: its stamp is not the remote's
            mod->set(obj, stamp_before);
        failed(ids, remote_done);
    }
}

DORM_INLINE void Engine::saved_locally(const ModelMeta& m, void* obj) {
    if (const FieldMeta* mod = remote_modified_field(m))
        mod->set(obj, Value(utc_now()));
    // The next get() must read the remote's version to compare (no If-None-Match).
    if (const Value key = key_of(remote_key_field(m), obj); !key.is_null())
        ETags::mark_local_change(db_, m, key.as_text());
}

DORM_INLINE void Engine::remove(Database& db, const ModelMeta& m, const void* obj,
                                detail::FunctionRef<void()> local) {
    const Value key = key_of(remote_key_field(m), obj);
    if (!key.is_null() && !key.as_text().empty())
        if (auto entries = unresolved(journal_.of(m.remote_entity_set, key.as_text()));
            !entries.empty())
            resolve(entries);
    std::vector<std::int64_t> ids;
    bool remote_done = false;
    // Inside the caller's atomic block the remote write waits for its COMMIT.
    const bool later = deferred(db);
    try {
        atomic(db, [&] {
            local();
            if (key.is_null() || key.as_text().empty())
                return; // never reached the remote
            const auto etag = ETags::get(db, m, key.as_text());
            if (later)
                return queue(
                    db, m, Value(), key.as_text(),
                    odata::BatchOperation::delete_(m.remote_entity_set, key.as_text(), etag));
            ids = journal(db, {entry(m, key.as_text(), "delete", nullptr, etag)});
            delete_remote(m, key.as_text(), etag);
            remote_done = true;
            db.on_commit([this] { ++counters_.writes; });
            ETags::erase(db, m, key.as_text());
        });
    } catch (...) {
        failed(ids, remote_done);
    }
}

DORM_INLINE void Engine::bulk_create(Database& db, const ModelMeta& m,
                                     const std::vector<void*>& objs,
                                     detail::FunctionRef<void()> local) {
    const FieldMeta& key_field = remote_key_field(m);
    const FieldMeta* mod = remote_modified_field(m);
    check_batch_size(m, objs.size());
    settle(m);
    for (void* obj : objs) {
        const Value key = key_of(key_field, obj);
        if (key.is_null() || key.as_text().empty())
            key_field.set(obj, Value(new_guid()));
    }
    Values stamps_before;
    for (void* obj : objs)
        stamps_before.push_back(mod ? mod->get(obj) : Value());
    std::vector<std::int64_t> ids;
    bool remote_done = false;
    // Inside the caller's atomic block the remote write waits for its COMMIT.
    const bool later = deferred(db);
    try {
        atomic(db, [&] {
            local();
            std::vector<odata::BatchOperation> ops;
            std::vector<std::string> keys;
            std::vector<JournalEntry> entries;
            WriteBody body(db, dialect());
            for (void* obj : objs) {
                nlohmann::json b = body.of(m, obj, nullptr);
                keys.push_back(key_of(key_field, obj).as_text());
                entries.push_back(entry(m, keys.back(), "create", &b, std::nullopt));
                ops.push_back(odata::BatchOperation::create(m.remote_entity_set, std::move(b)));
            }
            if (later) {
                for (std::size_t i = 0; i < objs.size(); ++i)
                    queue(db, m, m.pk().get(objs[i]), keys[i], std::move(ops[i]));
                return;
            }
            ids = journal(db, std::move(entries));
            const auto results = answer_lost([&] { return send_batch(ops); },
                                             [&] { return batch_created_after_all(m, keys); });
            remote_done = true;
            db.on_commit([this, n = ops.size()] { counters_.writes += n; });
            for (std::size_t i = 0; i < objs.size(); ++i) {
                const Value stamp =
                    store_answer(db, m, m.pk().get(objs[i]), key_of(key_field, objs[i]).as_text(),
                                 results[i].entity, results[i].etag);
                if (!stamp.is_null())
                    mod->set(objs[i], stamp);
            }
        });
    } catch (...) {
        if (mod)
            for (std::size_t i = 0; i < objs.size(); ++i)
                mod->set(objs[i], stamps_before[i]);
        failed(ids, remote_done);
    }
}

DORM_INLINE std::int64_t Engine::bulk_update(Database& db, const Query& q,
                                             const std::vector<std::string>& names,
                                             detail::FunctionRef<std::int64_t()> local) {
    const ModelMeta& m = *q.model;
    remote_key_field(m);
    std::vector<const FieldMeta*> fields;
    for (const auto& n : names)
        if (const FieldMeta* f = m.find(n);
            f && f->remote_mapped() && f->remote_role == RemoteRole::Plain)
            fields.push_back(f);
    if (fields.empty())
        return local(); // nothing the remote has
    settle(m);
    std::int64_t n = 0;
    std::vector<std::int64_t> ids;
    bool remote_done = false;
    // Inside the caller's atomic block the remote write waits for its COMMIT.
    const bool later = deferred(db);
    try {
        atomic(db, [&] {
            const auto rows = local_keys(db, q); // before the update: it may leave the filter
            n = local();
            std::vector<std::pair<Value, std::string>> keyed; // pk, remote key
            Values pks;
            for (const auto& [pk, key] : rows)
                if (!key.is_null()) {
                    keyed.emplace_back(pk, key.as_text());
                    pks.push_back(pk);
                }
            auto bodies = WriteBody(db, dialect()).of_stored(m, fields, pks);
            std::vector<odata::BatchOperation> ops;
            std::vector<JournalEntry> entries;
            std::vector<std::pair<Value, std::string>> targets; // those sent
            for (std::size_t i = 0; i < keyed.size(); ++i) {
                if (!bodies[i])
                    continue;
                const auto etag = ETags::get(db, m, keyed[i].second);
                entries.push_back(entry(m, keyed[i].second, "update", &*bodies[i], etag));
                ops.push_back(odata::BatchOperation::update(m.remote_entity_set, keyed[i].second,
                                                            std::move(*bodies[i]), etag));
                targets.push_back(keyed[i]);
            }
            check_batch_size(m, ops.size());
            if (later) {
                for (std::size_t i = 0; i < ops.size(); ++i)
                    queue(db, m, targets[i].first, targets[i].second, std::move(ops[i]));
                return;
            }
            ids = journal(db, std::move(entries));
            const auto results = send_batch(ops);
            remote_done = true;
            db.on_commit([this, k = ops.size()] { counters_.writes += k; });
            for (std::size_t i = 0; i < targets.size(); ++i)
                store_answer(db, m, targets[i].first, targets[i].second, results[i].entity,
                             results[i].etag);
        });
    } catch (...) {
        failed(ids, remote_done);
    }
    return n;
}

DORM_INLINE void Engine::bulk_delete(Database& db, const Query& q,
                                     detail::FunctionRef<void()> local) {
    const ModelMeta& m = *q.model;
    settle(m);
    std::vector<std::int64_t> ids;
    bool remote_done = false;
    // Inside the caller's atomic block the remote write waits for its COMMIT.
    const bool later = deferred(db);
    try {
        atomic(db, [&] {
            const auto rows = local_keys(db, q);
            local();
            std::vector<odata::BatchOperation> ops;
            std::vector<JournalEntry> entries;
            for (const auto& [pk, key] : rows)
                if (!key.is_null()) {
                    const auto etag = ETags::get(db, m, key.as_text());
                    entries.push_back(entry(m, key.as_text(), "delete", nullptr, etag));
                    ops.push_back(
                        odata::BatchOperation::delete_(m.remote_entity_set, key.as_text(), etag));
                }
            check_batch_size(m, ops.size());
            std::vector<Queued> writes;
            for (auto& op : ops) {
                std::string key = op.key;
                if (later)
                    queue(db, m, Value(), std::move(key), std::move(op));
                else
                    writes.push_back(
                        {db.transaction_depth, &m, Value(), std::move(key), std::move(op)});
            }
            if (writes.empty())
                return;
            ids = journal(db, std::move(entries));
            // Rows gone remotely are dropped and the changeset sent again (send_changeset).
            send_changeset(db, writes, remote_done);
            db.on_commit([this, k = writes.size()] { counters_.writes += k; });
        });
    } catch (...) {
        failed(ids, remote_done);
    }
}

DORM_INLINE std::vector<JournalEntry> Engine::pending() {
    return unresolved(journal_.entries());
}

DORM_INLINE std::size_t Engine::recover() {
    const auto entries = pending();
    if (!entries.empty())
        resolve(entries);
    return entries.size();
}

DORM_INLINE JournalEntry Engine::entry(const ModelMeta& m, const std::string& key,
                                       const char* operation, const nlohmann::json* body,
                                       const std::optional<std::string>& if_match) {
    models_[m.table + '\n' + m.remote_entity_set] = &m;
    JournalEntry e;
    e.entity_set = m.remote_entity_set;
    e.table = m.table;
    e.key = key;
    e.operation = operation;
    if (body)
        e.body = body->dump();
    e.if_match = if_match;
    return e;
}

DORM_INLINE std::vector<std::int64_t> Engine::journal(Database& db,
                                                      std::vector<JournalEntry> entries) {
    journal_.add(entries);
    std::vector<std::int64_t> ids;
    for (const auto& e : entries) {
        ids.push_back(e.id);
        in_flight_[e.id] = {&db, db.transaction_serial()};
    }
    if (!ids.empty())
        db.on_commit([this, ids] { forget(ids); });
    return ids;
}

DORM_INLINE void Engine::forget(const std::vector<std::int64_t>& ids) noexcept {
    try {
        journal_.clear(ids);
    } catch (...) {
        // The entries stay: resolving them later costs a read of their rows, nothing more.
    }
    for (const auto id : ids)
        in_flight_.erase(id);
}

DORM_INLINE void Engine::failed(const std::vector<std::int64_t>& ids, bool remote_done) {
    if (ids.empty())
        throw;
    bool not_applied = false; // known: the remote refused it
    if (!remote_done) {
        try {
            throw;
        } catch (const ObjectsNotInSync&) {
            not_applied = true;
        } catch (const RemoteUnavailable& e) {
            not_applied = !e.maybe_sent;
        } catch (const RemoteError& e) {
            not_applied = e.status >= 400 && e.status < 500 &&
                          std::string_view(e.what()).find(odata::changeset_outcome_unknown) ==
                              std::string_view::npos;
        } catch (...) {
        }
    }
    if (not_applied) {
        forget(ids);
        try {
            throw;
        } catch (Error& e) { // as the 412 messages say it
            if (std::string_view(e.what()).find("rolled back") == std::string_view::npos)
                e.add_note("; the local change was rolled back");
            throw;
        }
    }
    for (const auto id : ids)
        in_flight_.erase(id);
    try {
        journal_.set_state(ids, remote_done ? "applied" : "unknown");
    } catch (...) {
    }
    const std::string which = ids.size() == 1 ? "entry " + std::to_string(ids.front())
                                              : "entries " + std::to_string(ids.front()) + " to " +
                                                    std::to_string(ids.back());
    std::string said;
    try {
        throw;
    } catch (const std::exception& e) {
        said = e.what();
    }
    const std::string note =
        (remote_done ? std::string("; the remote applied the write but the local store did not "
                                   "keep it")
         : said.find(odata::changeset_outcome_unknown) != std::string::npos
             ? std::string("; the local change was rolled back") // the outcome: said already
             : std::string("; the local change was rolled back, and the outcome is unknown (the "
                           "remote may have applied the write)")) +
        ": the write is journalled (" + which +
        ") and will be resolved from the remote: engine->recover()";
    try {
        throw;
    } catch (Error& e) {
        e.set_journal_entry(ids.front(), note);
        throw;
    }
}

DORM_INLINE bool Engine::in_flight(std::int64_t id) const {
    const auto it = in_flight_.find(id);
    return it != in_flight_.end() && it->second.db->transaction_depth > 0 &&
           it->second.db->transaction_serial() == it->second.serial;
}

DORM_INLINE std::vector<JournalEntry> Engine::unresolved(std::vector<JournalEntry> entries) const {
    std::erase_if(entries, [&](const JournalEntry& e) { return in_flight(e.id); });
    return entries;
}

DORM_INLINE const ModelMeta& Engine::model_of(const JournalEntry& e) {
    const std::string id = e.table + '\n' + e.entity_set;
    if (const auto it = models_.find(id); it != models_.end())
        return *it->second;
    for (const ModelMeta* m : detail::registered_models())
        if (m->table == e.table && m->remote_entity_set == e.entity_set)
            return *(models_[id] = m);
    throw SyncError("sync journal entry " + std::to_string(e.id) + ": no model has the table " +
                    e.table + " and the entity set " + e.entity_set);
}

DORM_INLINE void Engine::resolve(const std::vector<JournalEntry>& entries,
                                 const nlohmann::json* row, bool keep_if_match) {
    std::map<const ModelMeta*, std::vector<const JournalEntry*>> by_model;
    for (const auto& e : entries)
        by_model[&model_of(e)].push_back(&e);
    for (const auto& [mp, of_model] : by_model) {
        const ModelMeta& m = *mp;
        std::vector<std::string> keys;
        std::map<std::string, std::optional<std::string>> if_match; // of each row's last entry
        for (const JournalEntry* e : of_model) {
            if (!if_match.contains(e->key))
                keys.push_back(e->key);
            if_match[e->key] = e->if_match;
        }
        std::vector<nlohmann::json> rows;
        if (row)
            rows.push_back(*row);
        else
            rows = rows_by_key(m, keys); // a failure here leaves the entries
        std::vector<std::int64_t> ids;
        for (const JournalEntry* e : of_model)
            ids.push_back(e->id);
        atomic(db_, [&] {
            LocalRows local = local_rows();
            std::set<std::string> found;
            for (const auto& r : rows) {
                const RemoteRow rr = decode(m, r, dialect());
                local.write(m, rr, counters_.written, /*force=*/true);
                if (keep_if_match)
                    ETags::put(db_, m, rr.key, if_match[rr.key]);
                found.insert(rr.key);
            }
            Values gone;
            std::vector<std::string> gone_keys;
            for (const auto& k : keys) {
                if (found.contains(k))
                    continue;
                if (const auto f = local.find(m, k)) {
                    gone.push_back(f->pk);
                    gone_keys.push_back(k);
                } else {
                    ETags::erase(db_, m, k);
                }
            }
            delete_local(m, gone, gone_keys);
            db_.on_commit([this, ids] { forget(ids); });
        });
    }
}

DORM_INLINE void Engine::settle(const ModelMeta& m) {
    models_[m.table + '\n' + m.remote_entity_set] = &m;
    if (auto entries = unresolved(journal_.of(m.remote_entity_set)); !entries.empty())
        resolve(entries);
}

DORM_INLINE void Engine::settle_row(Database& db, const ModelMeta& m, void* obj,
                                    const std::string& key) {
    const auto entries = unresolved(journal_.of(m.remote_entity_set, key));
    if (entries.empty())
        return;
    const auto rows = rows_by_key(m, {key});
    const JournalEntry& last = entries.back();
    // The remote holds what the last attempt sent: that attempt was applied, and is adopted.
    // Else its If-Match stays the row's, so that a retry meets a remote change as a conflict.
    bool ours = !rows.empty() && last.operation == "update";
    if (ours) {
        const nlohmann::json sent = nlohmann::json::parse(last.body, nullptr, false);
        const nlohmann::json& remote = rows.front();
        ours = sent.is_object();
        for (auto it = sent.begin(); ours && it != sent.end(); ++it) {
            const auto r = remote.find(it.key());
            if (r == remote.end()) {
                ours = false;
            } else if (*r != it.value()) {
                ours = false;
                for (const FieldMeta* f : mapped_fields(m, true))
                    if (f->remote_name == it.key())
                        try {
                            ours = odata::parse_value(*r, f->value_type(), dialect().version,
                                                      it.key()) ==
                                   odata::parse_value(it.value(), f->value_type(),
                                                      dialect().version, it.key());
                        } catch (const Error&) {
                        }
            }
        }
    }
    if (rows.empty())
        resolve(entries, nullptr);
    else
        resolve(entries, &rows.front(), !ours && last.operation == "update");
    if (const FieldMeta* mod = remote_modified_field(m))
        if (const auto f = local_rows().find(m, key))
            mod->set(obj, f->modified);
    (void)db;
}

DORM_INLINE void Engine::queue(Database& db, const ModelMeta& m, Value pk, std::string key,
                               odata::BatchOperation op) {
    queued_.push_back({db.transaction_depth, &m, std::move(pk), std::move(key), std::move(op)});
}

DORM_INLINE bool Engine::queued_for(const ModelMeta& m) const {
    return std::any_of(queued_.begin(), queued_.end(), [&](const Queued& w) { return w.m == &m; });
}

DORM_INLINE void Engine::released(Database& db, int depth) {
    if (&db != &db_)
        return;
    for (Queued& w : queued_) // now the enclosing level's
        if (w.depth == depth)
            w.depth = depth - 1;
}

DORM_INLINE void Engine::rolled_back(Database& db, int depth) noexcept {
    if (&db == &db_)
        std::erase_if(queued_, [&](const Queued& w) { return w.depth >= depth; });
}

DORM_INLINE void Engine::drop_moot(Database& db, std::vector<Queued>& writes) {
    using Kind = odata::BatchOperation::Kind;
    std::set<std::pair<std::string, std::string>> created, born_and_gone; // (entity set, key)
    for (const Queued& w : writes) {
        const auto id = std::make_pair(w.op.entity_set, w.key);
        if (w.op.kind == Kind::Create)
            created.insert(id);
        else if (w.op.kind == Kind::Delete && created.contains(id))
            born_and_gone.insert(id);
    }
    std::erase_if(writes, [&](const Queued& w) {
        if (born_and_gone.contains({w.op.entity_set, w.key}))
            return true; // the remote never had it
        if (w.op.kind == Kind::Delete)
            return false;
        // Deleted locally later in the block (by a cascade too): its delete, or its parent's,
        // goes to the remote; a create or update of it would name what is no longer there.
        sql::Cursor cur(db, select_by_pk(*w.m, {&w.m->pk()}), {w.pk});
        return !cur.next();
    });
}

DORM_INLINE void Engine::mark_followers(std::vector<Queued>& writes) {
    std::set<std::pair<std::string, std::string>> written; // (entity set, key)
    for (Queued& w : writes)
        w.follows = !written.emplace(w.op.entity_set, w.key).second;
}

DORM_INLINE void Engine::before_commit(Database& db) {
    if (&db != &db_ || queued_.empty())
        return;
    std::vector<Queued> writes = std::exchange(queued_, {});
    drop_moot(db, writes);
    if (writes.empty())
        return;
    mark_followers(writes);
    flushing_ = true;
    struct Done {
        bool& flag;
        ~Done() { flag = false; }
    } done{flushing_};
    using Kind = odata::BatchOperation::Kind;
    const auto entry_of = [&](const Queued& w) {
        const char* operation = w.op.kind == Kind::Create   ? "create"
                                : w.op.kind == Kind::Update ? "update"
                                                            : "delete";
        return entry(*w.m, w.key, operation, w.op.kind == Kind::Delete ? nullptr : &w.op.fields,
                     w.op.etag);
    };
    if (writes.size() > 1 && dialect().has_batch) {
        if (writes.size() > dialect().max_batch)
            throw ValueError(std::to_string(writes.size()) +
                             " remote writes in one atomic block; the remote takes " +
                             std::to_string(dialect().max_batch) +
                             " in one atomic changeset (split the block)");
        for (Queued& w : writes)
            if (w.follows)
                w.op.etag.reset(); // If-Match: *
        std::vector<JournalEntry> entries;
        for (const Queued& w : writes)
            entries.push_back(entry_of(w));
        std::vector<std::int64_t> ids;
        bool remote_done = false;
        try {
            ids = journal(db, std::move(entries));
            send_changeset(db, writes, remote_done);
            db.on_commit([this, n = writes.size()] { counters_.writes += n; });
        } catch (...) {
            failed(ids, remote_done);
        }
        return;
    }
    // One write, or a dialect without $batch: one request each, in order. A failure part-way
    // leaves the writes before it applied on the remote while the block rolls back: their
    // entries stay ("applied"), the error says so, and the remote's rows are read back into
    // the store later.
    std::vector<std::int64_t> applied;
    for (Queued& w : writes) {
        if (w.follows) // the ETag the earlier write's answer gave the row
            w.op.etag = ETags::get(db, *w.m, w.key);
        std::vector<std::int64_t> ids;
        bool remote_done = false;
        try {
            try {
                ids = journal(db, {entry_of(w)});
                send_one(db, w, remote_done);
            } catch (...) {
                failed(ids, remote_done);
            }
        } catch (Error& e) {
            if (applied.empty())
                throw;
            for (const auto id : applied)
                in_flight_.erase(id);
            try {
                journal_.set_state(applied, "applied");
            } catch (...) {
            }
            e.set_journal_entry(applied.front(),
                                "; the block's writes sent before it were applied on the remote "
                                "while the block rolled back: they are journalled (entries " +
                                    std::to_string(applied.front()) + " to " +
                                    std::to_string(applied.back()) +
                                    ") and will be resolved from the remote: engine->recover()");
            throw;
        }
        applied.insert(applied.end(), ids.begin(), ids.end());
    }
    db.on_commit([this, n = writes.size()] { counters_.writes += n; });
}

DORM_INLINE void Engine::commit_failed(Database& db, Error& error) noexcept {
    std::vector<std::int64_t> ids; // what this transaction sent
    for (const auto& [id, f] : in_flight_)
        if (f.db == &db && f.serial == db.transaction_serial())
            ids.push_back(id);
    if (ids.empty())
        return;
    for (const auto id : ids)
        in_flight_.erase(id);
    try {
        journal_.set_state(ids, "applied");
        error.set_journal_entry(
            ids.front(), "; the remote applied the block's writes but the local store did not "
                         "keep them: the writes are journalled (" +
                             (ids.size() == 1 ? "entry " + std::to_string(ids.front())
                                              : "entries " + std::to_string(ids.front()) + " to " +
                                                    std::to_string(ids.back())) +
                             ") and will be resolved from the remote: engine->recover()");
    } catch (...) {
        // The entries stay as they were ("sent"): pending() lists them all the same.
    }
}

DORM_INLINE void Engine::send_one(Database& db, const Queued& w, bool& remote_done) {
    const ModelMeta& m = *w.m;
    nlohmann::json answer;
    switch (w.op.kind) {
    case odata::BatchOperation::Kind::Create:
        answer = create_remote(m, w.key, w.op.fields);
        break;
    case odata::BatchOperation::Kind::Update:
        answer = update_remote(m, w.key, w.op.fields, w.op.etag);
        break;
    case odata::BatchOperation::Kind::Delete:
        delete_remote(m, w.key, w.op.etag);
        remote_done = true;
        return ETags::erase(db, m, w.key);
    }
    remote_done = true;
    store_answer(db, m, w.pk, w.key, answer);
}

DORM_INLINE void Engine::send_changeset(Database& db, std::vector<Queued>& writes,
                                        bool& remote_done) {
    using Kind = odata::BatchOperation::Kind;
    if (writes.empty())
        return;
    const auto ops_of = [&] {
        std::vector<odata::BatchOperation> ops;
        for (const Queued& w : writes)
            ops.push_back(w.op);
        return ops;
    };
    // Rows a delete names that the remote no longer has fail the changeset (404, or CAP's
    // 412): gone is fine, so it is sent again without those deletes, once.
    const auto without_gone = [&] {
        std::map<const ModelMeta*, std::vector<std::string>> deleted;
        for (const Queued& w : writes)
            if (w.op.kind == Kind::Delete)
                deleted[w.m].push_back(w.key);
        std::set<std::pair<const ModelMeta*, std::string>> present;
        for (const auto& [m, keys] : deleted)
            for (const auto& row : rows_by_key(*m, keys))
                present.emplace(m, decode(*m, row, dialect()).key);
        const std::size_t before = writes.size();
        std::vector<Queued> gone;
        std::erase_if(writes, [&](const Queued& w) {
            if (w.op.kind != Kind::Delete || present.contains({w.m, w.key}))
                return false;
            gone.push_back(w);
            return true;
        });
        for (const Queued& w : gone)
            ETags::erase(db, *w.m, w.key);
        return writes.size() != before;
    };
    std::vector<odata::BatchResult> results;
    const bool creates_only = std::all_of(writes.begin(), writes.end(), [&](const Queued& w) {
        return w.op.kind == Kind::Create && w.m == writes.front().m;
    });
    try {
        if (creates_only) {
            std::vector<std::string> keys;
            for (const Queued& w : writes)
                keys.push_back(w.key);
            results = answer_lost([&] { return send_batch(ops_of()); },
                                  [&] { return batch_created_after_all(*writes.front().m, keys); });
        } else {
            results = send_batch(ops_of());
        }
    } catch (const RemoteNotFound&) {
        if (!without_gone())
            throw;
        results = send_batch(ops_of());
    } catch (const ObjectsNotInSync&) {
        if (!without_gone())
            throw;
        results = send_batch(ops_of());
    }
    remote_done = true;
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const Queued& w = writes[i];
        if (w.op.kind == Kind::Delete)
            ETags::erase(db, *w.m, w.key);
        else
            store_answer(db, *w.m, w.pk, w.key, results[i].entity, results[i].etag);
    }
}

DORM_INLINE nlohmann::json Engine::update_remote(const ModelMeta& m, const std::string& key,
                                                 const nlohmann::json& changes,
                                                 const std::optional<std::string>& etag) {
    try {
        return client_.update(m.remote_entity_set, key, changes, etag);
    } catch (const PreconditionFailed&) {
        throw ObjectsNotInSync(m.name + " " + key +
                                   ": the remote row changed since it was read (HTTP 412); the "
                                   "local change was rolled back",
                               key, {}, {});
    }
}

DORM_INLINE void Engine::delete_remote(const ModelMeta& m, const std::string& key,
                                       const std::optional<std::string>& etag) {
    try {
        client_.delete_(m.remote_entity_set, key, etag);
    } catch (const RemoteNotFound& e) {
        // A 404 may come from a gateway or a wrong entity set as well as from a row that is
        // gone: gone is fine only when the entity set answers without the row.
        if (on_remote(m, key, e))
            throw RemoteNotFound(m.name + " " + key +
                                     ": the remote answered 404 to the DELETE but still has the "
                                     "row; the local delete was rolled back",
                                 e.status, e.code, e.remote_message);
    } catch (const PreconditionFailed& e) {
        // Some servers (CAP) answer 412 for a row that is gone: gone is fine.
        if (on_remote(m, key, e))
            throw ObjectsNotInSync(m.name + " " + key +
                                       ": the remote row changed since it was read (HTTP 412); "
                                       "the local delete was rolled back",
                                   key, {}, {});
    }
}

DORM_INLINE void Engine::push_local(const ModelMeta& m, const Value& pk, const std::string& key,
                                    bool later) {
    auto body = WriteBody(db_, dialect()).of_stored(m, mapped_fields(m, true), {pk});
    if (!body.front())
        return;
    const auto etag = ETags::get(db_, m, key);
    if (later)
        return queue(db_, m, pk, key,
                     odata::BatchOperation::update(m.remote_entity_set, key, *body.front(), etag));
    // A remote write like any other: journalled before it is sent.
    const std::vector<std::int64_t> ids =
        journal(db_, {entry(m, key, "update", &*body.front(), etag)});
    bool remote_done = false;
    try {
        const auto answer = update_remote(m, key, *body.front(), etag);
        remote_done = true;
        db_.on_commit([this] { ++counters_.writes; });
        store_answer(db_, m, pk, key, answer);
    } catch (...) {
        failed(ids, remote_done);
    }
}

DORM_INLINE void Engine::check_batch_size(const ModelMeta& m, std::size_t n) const {
    if (n > dialect().max_batch)
        throw ValueError(
            m.name + ": " + std::to_string(n) + " rows in one bulk write; the remote takes " +
            std::to_string(dialect().max_batch) + " in one atomic changeset (split the call)");
}

DORM_INLINE std::vector<odata::BatchResult>
Engine::send_batch(const std::vector<odata::BatchOperation>& ops) {
    if (ops.empty())
        return {};
    try {
        return client_.batch(ops);
    } catch (const PreconditionFailed& e) {
        throw ObjectsNotInSync(std::string(e.what()) +
                                   " (a row changed remotely since it was read); the local "
                                   "change was rolled back",
                               {}, {}, {});
    }
}

DORM_INLINE bool Engine::on_remote(const ModelMeta& m, const std::string& key,
                                   const RemoteError& answer) {
    try {
        return !rows_by_key(m, {key}).empty();
    } catch (const RemoteNotFound& e) {
        throw RemoteNotFound(
            m.name + " " + key + ": the remote answered " + std::to_string(answer.status) +
                " to the DELETE, and 404 to a listing of its entity set '" + m.remote_entity_set +
                "' (" + e.what() + "); the local delete was rolled back",
            answer.status, answer.code, answer.remote_message);
    }
}

DORM_INLINE DateTime Engine::utc_now() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return odata::detail::from_unix_us(
        std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

DORM_INLINE std::string Engine::new_guid() {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const std::uint64_t hi = (random() & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
    const std::uint64_t lo = (random() & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                  static_cast<unsigned long long>(hi >> 32),
                  static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                  static_cast<unsigned long long>(hi & 0xFFFF),
                  static_cast<unsigned long long>(lo >> 48),
                  static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
    return buf;
}

DORM_INLINE nlohmann::json Engine::create_remote(const ModelMeta& m, const std::string& key,
                                                 const nlohmann::json& body) {
    return answer_lost([&] { return client_.create(m.remote_entity_set, body); },
                       [&] { return client_.get(m.remote_entity_set, key); });
}

DORM_INLINE std::vector<odata::BatchResult>
Engine::batch_created_after_all(const ModelMeta& m, const std::vector<std::string>& keys) {
    std::map<std::string, nlohmann::json> found;
    for (auto& row : rows_by_key(m, keys)) {
        std::string key = decode(m, row, dialect()).key;
        found.emplace(std::move(key), std::move(row));
    }
    if (found.size() != keys.size())
        throw RemoteNotFound(m.name + ": " + std::to_string(keys.size() - found.size()) +
                                 " of the created rows are not on the remote",
                             404, {}, {});
    std::vector<odata::BatchResult> out;
    for (const auto& k : keys) {
        nlohmann::json& row = found.at(k);
        out.push_back({201, row, odata::Client::etag_of(row)});
    }
    return out;
}

DORM_INLINE std::vector<nlohmann::json> Engine::rows_by_key(const ModelMeta& m,
                                                            const std::vector<std::string>& keys) {
    constexpr std::size_t chunk = 50;
    std::vector<nlohmann::json> out;
    for (std::size_t at = 0; at < keys.size(); at += chunk) {
        Values some;
        for (std::size_t i = at; i < std::min(keys.size(), at + chunk); ++i)
            some.push_back(Value(keys[i]));
        Query kq;
        kq.model = &m;
        detail::add_filter(kq, Q(remote_key_field(m).name + "__in", some), false);
        for (auto& row : client_.list(odata::compile(kq, dialect(), false)))
            out.push_back(std::move(row));
    }
    return out;
}

DORM_INLINE Value Engine::store_answer(Database& db, const ModelMeta& m, const Value& pk,
                                       const std::string& key, const nlohmann::json& answer,
                                       std::optional<std::string> etag) {
    ETags::put(db, m, key, etag ? etag : odata::Client::etag_of(answer));
    const FieldMeta* mod = remote_modified_field(m);
    if (!mod || !answer.is_object())
        return Value();
    const auto it = answer.find(mod->remote_name);
    if (it == answer.end() || it->is_null())
        return Value();
    const Value stamp =
        odata::parse_value(*it, mod->value_type(), dialect().version, mod->remote_name);
    sql::Cursor(db,
                "UPDATE " + sql::quote(m.table) + " SET " + sql::quote(mod->column) +
                    " = ? WHERE " + sql::quote(m.pk().column) + " = ?",
                {stamp, pk})
        .run();
    return stamp;
}

DORM_INLINE odata::Client Engine::make_client(const Options& o, Counters& c) {
    odata::ClientOptions co = o.client;
    auto user_log = co.log;
    co.log = [&c, user_log](const odata::LoggedRequest& r) {
        if (r.attempt == 1)
            ++c.requests;
        if (user_log)
            user_log(r);
    };
    return odata::Client(co, o.transport);
}

DORM_INLINE LocalRows Engine::local_rows() {
    return LocalRows(db_, dialect(), [this](const ModelMeta& m, const std::string& key) {
        return client_.get(m.remote_entity_set, key);
    });
}

DORM_INLINE std::vector<std::pair<Value, Value>>
Engine::local_keys(Database& db, const Query& q, std::optional<std::int64_t> at_most) {
    Query lq = q;
    lq.offset = 0;
    lq.limit = at_most;
    lq.annotations.clear();
    lq.having = {};
    lq.select_related.clear();
    lq.deferred.clear();
    detail::set_values(lq, {"pk", remote_key_field(*q.model).name});
    std::vector<std::pair<Value, Value>> out;
    for (const Row& row : sql::fetch_rows(lq, Evaluation::on(db)))
        out.emplace_back(row[std::size_t{0}], remote_key_text(row[std::size_t{1}]));
    return out;
}

DORM_INLINE bool Engine::refresh_one(Database& db, const Query& q, ReadKind kind) {
    const bool later = deferred(db_); // a local_wins push waits for the caller's block
    const auto found = local_keys(db, q, 2);
    if (found.size() != 1 || found.front().second.is_null())
        return false;
    const ModelMeta& m = *q.model;
    const std::string key = found.front().second.as_text();
    // Following the ForeignKeys of the rows of one evaluation reads each parent once.
    auto& seen = refreshed_[&m];
    if (kind == ReadKind::Follow && seen.first == generation_ && seen.second.contains(key))
        return true;
    if (seen.first != generation_)
        seen = {generation_, {}};
    seen.second.insert(key);
    std::optional<nlohmann::json> row;
    try {
        // Conditional when the local row is as the remote last sent it: 304, nothing to do.
        row = client_.get_if_changed(m.remote_entity_set, key, ETags::get_in_step(db_, m, key));
    } catch (const RemoteNotFound&) {
        atomic(db_, [&] { delete_local(m, {found.front().first}, {key}); });
        return true;
    }
    if (!row) {
        ++counters_.written.unchanged;
        return true;
    }
    counters_.rows_fetched += 1;
    const RemoteRow rr = decode(m, *row, dialect());
    atomic(db_, [&] {
        LocalRows local = local_rows();
        WriteCounts w;
        local.write(m, rr, w);
        counters_.written.inserted += w.inserted;
        counters_.written.updated += w.updated;
        counters_.written.unchanged += w.unchanged;
        if (w.local_newer) {
            ++counters_.written.local_newer;
            switch (m.conflict) {
            case Conflict::raise:
                throw not_in_sync(m, found.front().first, rr);
            case Conflict::remote_wins:
                local.write(m, rr, w, /*force=*/true);
                break;
            case Conflict::local_wins:
                push_local(m, found.front().first, key, later);
                break;
            }
        }
    });
    return true;
}

DORM_INLINE ObjectsNotInSync Engine::not_in_sync(const ModelMeta& m, const Value& pk,
                                                 const RemoteRow& rr) {
    ObjectsNotInSync::Fields local, remote;
    std::vector<const FieldMeta*> fields;
    for (const auto& [f, v] : rr.values)
        fields.push_back(f);
    sql::Cursor cur(db_, select_by_pk(m, fields), {pk});
    cur.next();
    int i = 0;
    for (const auto& [f, v] : rr.values) {
        local.emplace_back(f->name, cur.stmt().column(i++));
        remote.emplace_back(f->name, v);
    }
    return ObjectsNotInSync(m.name + " " + rr.key +
                                ": the local row was changed after the remote's version "
                                "(saved with skip_cdms?); the remote was not read into it",
                            rr.key, std::move(local), std::move(remote));
}

DORM_INLINE void Engine::remove_missing(Database& db, const Query& q,
                                        const std::vector<std::string>& seen_sorted,
                                        LocalRows& local) {
    const ModelMeta& m = *q.model;
    std::map<std::string, Value> candidates; // remote key -> local pk
    for (auto& [pk, k] : local_keys(db, q))
        if (!k.is_null() &&
            !std::binary_search(seen_sorted.begin(), seen_sorted.end(), k.as_text()))
            candidates.emplace(k.as_text(), pk);
    if (candidates.empty())
        return;
    std::vector<std::string> keys;
    for (const auto& [k, pk] : candidates)
        keys.push_back(k);
    for (const auto& row : rows_by_key(m, keys)) {
        const RemoteRow rr = decode(m, row, dialect());
        local.write(m, rr, counters_.written);
        candidates.erase(rr.key);
    }
    Values gone;
    std::vector<std::string> gone_keys;
    for (const auto& [k, pk] : candidates) {
        gone.push_back(pk);
        gone_keys.push_back(k);
    }
    delete_local(m, gone, gone_keys);
}

DORM_INLINE void Engine::delete_local(const ModelMeta& m, const Values& pks,
                                      const std::vector<std::string>& keys) {
    if (pks.empty())
        return;
    sql::Collector collector(db_);
    collector.collect(m, pks);
    collector.run(m);
    for (const auto& k : keys)
        ETags::erase(db_, m, k);
    counters_.deleted += pks.size();
}

DORM_INLINE std::shared_ptr<Engine> attach(Database& db, Options opts) {
    auto engine = std::make_shared<Engine>(db, std::move(opts));
    db.set_sync(engine);
    try {
        engine->recover(); // writes a previous run left unresolved
    } catch (const Error&) {
        // The remote cannot be reached (or a model is not known): the entries stay pending,
        // resolved before their rows are next read or written, or by recover().
    }
    return engine;
}

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
