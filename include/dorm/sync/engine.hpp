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

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dorm/query/build.hpp"
#include "dorm/remote/client.hpp"
#include "dorm/sql/collector.hpp"
#include "dorm/sql/execute.hpp"
#include "dorm/sql/transaction.hpp"
#include "dorm/sync/local_rows.hpp"

namespace dorm::sync {

struct Options {
    odata::ClientOptions client;
    std::shared_ptr<odata::Transport> transport; // nullptr: libcurl
    std::size_t sync_limit = 10'000; // rows read from the remote per evaluation (sync_limit(n))
    // Local mapped rows inside a query's scope that the remote no longer has are deleted
    // locally (checked by key with the remote first).
    bool delete_missing = true;
};

// What the engine did, since it was attached.
struct Counters {
    std::size_t requests = 0;     // remote requests made by reads
    std::size_t rows_fetched = 0; // rows the remote returned
    WriteCounts written;          // what became of them locally
    std::size_t deleted = 0;      // local rows deleted because the remote no longer has them
};

class Engine : public SyncHooks {
public:
    Engine(Database& db, Options opts)
        : db_(db), opts_(std::move(opts)), client_(make_client(opts_, counters_)) {}

    const odata::Dialect& dialect() const noexcept { return client_.dialect(); }
    odata::Client& client() noexcept { return client_; }
    const Counters& counters() const noexcept { return counters_; }

    void before_read(const Query& q, ReadKind kind) override {
        const ModelMeta& m = *q.model;
        remote_key_field(m);
        if (kind == ReadKind::Get && refresh_one(q))
            return;
        odata::Request r = odata::compile(q, dialect(), false);
        std::size_t limit = q.sync_limit.value_or(opts_.sync_limit);
        if (kind == ReadKind::Get)
            limit = std::min<std::size_t>(limit, 21); // get() reads at most 21 rows, as Django
        if (kind == ReadKind::Exists && r.exact)
            limit = 1; // any row the remote has is a local answer too
        if (r.filter.empty() && r.orderby.empty())
            if (const FieldMeta* mod = modified_field(m)) // the most recently modified first
                r.orderby = mod->remote_name + " desc";
        // A small limit is the remote's $top too (one short page); a large one is reached by
        // following pages, as some servers (Dataverse) stop paging when $top is given.
        if (limit <= small_limit && (!r.top || static_cast<std::size_t>(*r.top) > limit))
            r.top = static_cast<std::int64_t>(limit);
        const std::vector<nlohmann::json> rows = client_.list(r, limit);
        counters_.rows_fetched += rows.size();
        // Everything the remote has in the query's scope came: what the local store has in
        // it besides was deleted remotely.
        const bool whole = rows.size() < limit && !q.is_sliced() && !r.skip;

        atomic(db_, [&] {
            LocalRows local = local_rows();
            std::vector<RemoteRow> decoded;
            std::set<std::string> keys;
            for (const auto& row : rows) {
                decoded.push_back(decode(m, row, dialect()));
                keys.insert(decoded.back().key);
            }
            local.write_all(m, decoded, counters_.written);
            if (whole && opts_.delete_missing)
                remove_missing(q, keys, local);
        });
    }

private:
    static constexpr std::size_t small_limit = 50;

    static odata::Client make_client(const Options& o, Counters& c) {
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
    static const FieldMeta* modified_field(const ModelMeta& m) {
        for (const auto& f : m.fields)
            if (f.remote_role == RemoteRole::Modified)
                return &f;
        return nullptr;
    }
    LocalRows local_rows() {
        return LocalRows(db_, dialect(), [this](const ModelMeta& m, const std::string& key) {
            return client_.get(m.remote_entity_set, key);
        });
    }

    // The local rows of the query (pk, remote key), slice and ordering aside.
    std::vector<std::pair<Value, Value>> local_keys(const Query& q) {
        Query lq = q;
        lq.skip_remote = true;
        lq.offset = 0;
        lq.limit.reset();
        lq.annotations.clear();
        lq.having = {};
        lq.select_related.clear();
        lq.prefetch_related.clear();
        lq.deferred.clear();
        detail::set_values(lq, {"pk", remote_key_field(*q.model).name});
        std::vector<std::pair<Value, Value>> out;
        for (const Row& row : sql::fetch_rows(lq))
            out.emplace_back(row[std::size_t{0}], row[std::size_t{1}]);
        return out;
    }

    // get() of a row the local store has, by its remote key: one GET, then the local row is
    // refreshed, removed (the remote says 404) or reported newer (ObjectsNotInSync).
    // False when the query does not name exactly one local row with a remote key.
    bool refresh_one(const Query& q) {
        Query lq = q;
        lq.limit = 2;
        const auto found = local_keys_limited(lq);
        if (found.size() != 1 || found.front().second.is_null())
            return false;
        const ModelMeta& m = *q.model;
        const std::string key = found.front().second.as_text();
        nlohmann::json row;
        try {
            row = client_.get(m.remote_entity_set, key);
        } catch (const RemoteNotFound&) {
            atomic(db_, [&] { delete_local(m, {found.front().first}); });
            return true;
        }
        counters_.rows_fetched += 1;
        const RemoteRow rr = decode(m, row, dialect());
        atomic(db_, [&] {
            LocalRows local = local_rows();
            WriteCounts w;
            local.write(m, rr, w);
            counters_.written.inserted += w.inserted;
            counters_.written.updated += w.updated;
            counters_.written.unchanged += w.unchanged;
            if (w.local_newer) {
                ++counters_.written.local_newer;
                throw not_in_sync(m, found.front().first, rr);
            }
        });
        return true;
    }
    std::vector<std::pair<Value, Value>> local_keys_limited(const Query& q) {
        auto rows = local_keys(q);
        if (rows.size() > 2)
            rows.resize(2);
        return rows;
    }

    ObjectsNotInSync not_in_sync(const ModelMeta& m, const Value& pk, const RemoteRow& rr) {
        ObjectsNotInSync::Fields local, remote;
        std::string cols;
        for (const auto& [f, v] : rr.values)
            cols += (cols.empty() ? "" : ", ") + sql::quote(f->column);
        sql::Cursor cur(db_,
                        "SELECT " + cols + " FROM " + sql::quote(m.table) + " WHERE " +
                            sql::quote(m.pk().column) + " = ?",
                        {pk});
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

    // Local rows in the query's scope that did not come back: asked for by key (a changed
    // row may have left the scope remotely); those the remote does not have are deleted.
    void remove_missing(const Query& q, const std::set<std::string>& seen, LocalRows& local) {
        const ModelMeta& m = *q.model;
        const FieldMeta& key = remote_key_field(m);
        std::vector<std::pair<Value, Value>> candidates;
        for (auto& [pk, k] : local_keys(q))
            if (!k.is_null() && !seen.contains(k.as_text()))
                candidates.emplace_back(pk, k);
        constexpr std::size_t chunk = 50; // keys per request: a URL of a few kB
        for (std::size_t at = 0; at < candidates.size(); at += chunk) {
            Values keys;
            for (std::size_t i = at; i < std::min(candidates.size(), at + chunk); ++i)
                keys.push_back(candidates[i].second);
            Query kq;
            kq.model = &m;
            kq.db = &db_;
            detail::add_filter(kq, Q(key.name + "__in", keys), false);
            std::set<std::string> present;
            for (const auto& row : client_.list(odata::compile(kq, dialect(), false))) {
                const RemoteRow rr = decode(m, row, dialect());
                local.write(m, rr, counters_.written);
                present.insert(rr.key);
            }
            Values gone;
            for (std::size_t i = at; i < std::min(candidates.size(), at + chunk); ++i)
                if (!present.contains(candidates[i].second.as_text()))
                    gone.push_back(candidates[i].first);
            delete_local(m, gone);
        }
    }

    void delete_local(const ModelMeta& m, const Values& pks) {
        if (pks.empty())
            return;
        sql::Collector collector(db_);
        collector.collect(m, pks);
        collector.run(m);
        counters_.deleted += pks.size();
    }

    Database& db_;
    Options opts_;
    Counters counters_;
    odata::Client client_;
};

// Attaches a sync engine to a database: from then on, querysets of its mapped models sync.
inline std::shared_ptr<Engine> attach(Database& db, Options opts) {
    auto engine = std::make_shared<Engine>(db, std::move(opts));
    db.set_sync(engine);
    return engine;
}

} // namespace dorm::sync
