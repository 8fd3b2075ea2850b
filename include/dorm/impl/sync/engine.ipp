#pragma once
// Bodies of dorm/sync/engine.hpp (dorm/detail/config.hpp).
#include "dorm/sync/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

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
    : db_(db), opts_(std::move(opts)), client_(make_client(opts_, counters_)) {
    ETags::create(db_);
}

DORM_INLINE void Engine::before_read(const Query& q, const Evaluation& how, ReadKind kind) {
    remote_key_field(*q.model);
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
    const std::optional<Fields> before =
        sql::pk_unset(m, obj) ? std::nullopt : mapped_row(db, m, m.pk().get(obj));
    Value key = key_field.get(obj);
    const bool create = !before || key.is_null() || key.as_text().empty();
    if (create && (key.is_null() || key.as_text().empty())) {
        key = Value(new_guid());
        key_field.set(obj, key);
    }
    atomic(db, [&] {
        local();
        nlohmann::json answer;
        if (create) {
            answer = create_remote(m, key.as_text(), WriteBody(db, dialect()).of(m, obj, nullptr));
        } else {
            const nlohmann::json changes = WriteBody(db, dialect()).of(m, obj, &*before);
            if (changes.empty())
                return;
            try {
                answer = client_.update(m.remote_entity_set, key.as_text(), changes,
                                        ETags::get(db, m, key.as_text()));
            } catch (const PreconditionFailed& e) {
                throw ObjectsNotInSync(m.name + " " + key.as_text() +
                                           ": the remote row changed since it was read "
                                           "(HTTP 412); the local change was rolled back",
                                       key.as_text(), {}, {});
            }
        }
        ++counters_.writes;
        const Value stamp = store_answer(db, m, m.pk().get(obj), key.as_text(), answer);
        if (!stamp.is_null())
            remote_modified_field(m)->set(obj, stamp);
    });
}

DORM_INLINE void Engine::saved_locally(const ModelMeta& m, void* obj) {
    if (const FieldMeta* mod = remote_modified_field(m))
        mod->set(obj, Value(utc_now()));
    // The next get() must read the remote's version to compare (no If-None-Match).
    if (const Value key = remote_key_field(m).get(obj); !key.is_null())
        ETags::mark_local_change(db_, m, key.as_text());
}

DORM_INLINE void Engine::remove(Database& db, const ModelMeta& m, const void* obj,
                                detail::FunctionRef<void()> local) {
    const Value key = remote_key_field(m).get(obj);
    atomic(db, [&] {
        local();
        if (key.is_null() || key.as_text().empty())
            return; // never reached the remote
        try {
            client_.delete_(m.remote_entity_set, key.as_text(), ETags::get(db, m, key.as_text()));
        } catch (const RemoteNotFound& e) {
            // A 404 may come from a gateway or a wrong entity set as well as from a row that is
            // gone: gone is fine only when the entity set answers without the row.
            if (on_remote(m, key.as_text(), e))
                throw RemoteNotFound(m.name + " " + key.as_text() +
                                         ": the remote answered 404 to the DELETE but still has "
                                         "the row; the local delete was rolled back",
                                     e.status, e.code, e.remote_message);
            return ETags::erase(db, m, key.as_text());
        } catch (const PreconditionFailed& e) {
            // Some servers (CAP) answer 412 for a row that is gone: gone is fine.
            if (!on_remote(m, key.as_text(), e))
                return ETags::erase(db, m, key.as_text());
            throw ObjectsNotInSync(m.name + " " + key.as_text() +
                                       ": the remote row changed since it was read (HTTP "
                                       "412); the local delete was rolled back",
                                   key.as_text(), {}, {});
        }
        ++counters_.writes;
        ETags::erase(db, m, key.as_text());
    });
}

DORM_INLINE void Engine::bulk_create(Database& db, const ModelMeta& m,
                                     const std::vector<void*>& objs,
                                     detail::FunctionRef<void()> local) {
    const FieldMeta& key_field = remote_key_field(m);
    check_batch_size(m, objs.size());
    for (void* obj : objs) {
        const Value key = key_field.get(obj);
        if (key.is_null() || key.as_text().empty())
            key_field.set(obj, Value(new_guid()));
    }
    atomic(db, [&] {
        local();
        std::vector<odata::BatchOperation> ops;
        std::vector<std::string> keys;
        WriteBody body(db, dialect());
        for (void* obj : objs) {
            ops.push_back(
                odata::BatchOperation::create(m.remote_entity_set, body.of(m, obj, nullptr)));
            keys.push_back(key_field.get(obj).as_text());
        }
        const auto results = answer_lost([&] { return send_batch(ops); },
                                         [&] { return batch_created_after_all(m, keys); });
        for (std::size_t i = 0; i < objs.size(); ++i) {
            const Value stamp =
                store_answer(db, m, m.pk().get(objs[i]), key_field.get(objs[i]).as_text(),
                             results[i].entity, results[i].etag);
            if (!stamp.is_null())
                remote_modified_field(m)->set(objs[i], stamp);
        }
    });
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
    std::int64_t n = 0;
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
        std::vector<std::pair<Value, std::string>> targets; // those sent
        for (std::size_t i = 0; i < keyed.size(); ++i) {
            if (!bodies[i])
                continue;
            ops.push_back(odata::BatchOperation::update(m.remote_entity_set, keyed[i].second,
                                                        std::move(*bodies[i]),
                                                        ETags::get(db, m, keyed[i].second)));
            targets.push_back(keyed[i]);
        }
        check_batch_size(m, ops.size());
        const auto results = send_batch(ops);
        for (std::size_t i = 0; i < targets.size(); ++i)
            store_answer(db, m, targets[i].first, targets[i].second, results[i].entity,
                         results[i].etag);
    });
    return n;
}

DORM_INLINE void Engine::bulk_delete(Database& db, const Query& q,
                                     detail::FunctionRef<void()> local) {
    const ModelMeta& m = *q.model;
    atomic(db, [&] {
        const auto rows = local_keys(db, q);
        local();
        std::vector<odata::BatchOperation> ops;
        for (const auto& [pk, key] : rows)
            if (!key.is_null())
                ops.push_back(odata::BatchOperation::delete_(m.remote_entity_set, key.as_text(),
                                                             ETags::get(db, m, key.as_text())));
        check_batch_size(m, ops.size());
        // A row the remote no longer has fails the changeset (404, or CAP's 412): gone is
        // fine, so the changeset is sent again without such rows, once.
        const auto again_without_gone = [&] {
            if (!drop_gone(m, ops))
                throw; // every row is there: the refusal stands
            send_batch(ops);
        };
        try {
            send_batch(ops);
        } catch (const RemoteNotFound&) {
            again_without_gone();
        } catch (const ObjectsNotInSync&) {
            again_without_gone();
        }
        for (const auto& [pk, key] : rows)
            if (!key.is_null())
                ETags::erase(db, m, key.as_text());
    });
}

DORM_INLINE void Engine::push_local(const ModelMeta& m, const Value& pk, const std::string& key) {
    auto body = WriteBody(db_, dialect()).of_stored(m, mapped_fields(m, true), {pk});
    if (!body.front())
        return;
    const auto answer =
        client_.update(m.remote_entity_set, key, *body.front(), ETags::get(db_, m, key));
    ++counters_.writes;
    store_answer(db_, m, pk, key, answer);
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
        auto results = client_.batch(ops);
        counters_.writes += ops.size();
        return results;
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

DORM_INLINE bool Engine::drop_gone(const ModelMeta& m, std::vector<odata::BatchOperation>& ops) {
    std::vector<std::string> keys;
    for (const auto& op : ops)
        keys.push_back(op.key);
    std::set<std::string> present;
    for (const auto& row : rows_by_key(m, keys))
        present.insert(decode(m, row, dialect()).key);
    if (present.size() == ops.size())
        return false;
    std::erase_if(ops, [&](const auto& op) { return !present.contains(op.key); });
    return true;
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
        out.emplace_back(row[std::size_t{0}], row[std::size_t{1}]);
    return out;
}

DORM_INLINE bool Engine::refresh_one(Database& db, const Query& q, ReadKind kind) {
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
                push_local(m, found.front().first, key);
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
    return engine;
}

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
