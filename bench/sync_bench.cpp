// dorm_sync_bench: the sync engine against the real OData test server (SAP CAP,
// tests/remote/server), which the program starts on 127.0.0.1 and fills with 10,000 rows of
// the entity set Rows (server-driven pages of 1,000). It times
//
//   dorm: Row::objects().count() on a fresh local SQLite file with a sync engine attached
//         (the whole evaluation: the remote's pages, the rows written locally, the count);
//   raw:  the same pages fetched with a plain libcurl easy handle and parsed with
//         nlohmann::json into structs, following @odata.nextLink (no dorm code);
//
// and counts the remote requests of single synced operations. It prints
//
//   sync_10k: N rows in P pages, R reps; wall: raw median = X ms, dorm median = Y ms; ...
//   sync_10k dorm/raw = <ratio>
//   <op> requests = <n>      for save, create, get, delete and filter_10k
//
// Usage: dorm_sync_bench [--reps N] [--rows N] [--sync-limit N] [--clock wall|cpu]
//                        [--verbose] [--check] [--profile]
//   --reps        timed repetitions per side (default 11), after one untimed warm-up
//   --rows        rows on the server (default 10,000; the task name stays sync_10k)
//   --sync-limit  the engine's Options::sync_limit for the timed read (default 100,000: every
//                 row, and the read knows it has them all); the raw side stops at as many
//   --clock       the time the ratio is computed from: wall (default: the server's work is
//                 in another process, and both sides wait for it) or cpu (this process's
//                 user + system CPU time only). Both medians are printed either way.
//   --verbose     every repetition's times, and the requests of each operation
//   --check       exit status 1 when the ratio or a request count misses its target
//   --profile     also time the steps of dorm's read one by one, without the network (the
//                 pages fetched once): parsing, decoding, each part of the local write
//
// Each repetition runs both sides, alternating which goes first. Both must read the same
// URLs, in the same order, and end with the same rows (a checksum of key, name, quantity and
// price: the raw side's parsed structs, dorm's local table afterwards).
#include <curl/curl.h>
#include <time.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include "odata_server.hpp" // tests/support: starts the CAP server (no test framework)
#include "temp_dir.hpp"     // tests/support: a scratch directory, removed at the end

namespace sync_bench {

namespace od = dorm::odata;

// Mirrors entity dorm.test.Rows (tests/remote/server/db/schema.cds): bench::Item's four
// columns plus the remote key and the server's stamp.
struct Row : dorm::Model<Row> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    std::int64_t qty = 0;
    double price = 0;
    std::optional<dorm::DateTime> modified_on;
    static void define(dorm::ModelDef<Row>& m) {
        m.table("bench_sync_row").remote("Rows");
        m.field("id", &Row::id, dorm::auto_pk);
        m.field("cdms_pk", &Row::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Row::name, dorm::max_length(64), dorm::remote("name"));
        m.field("qty", &Row::qty, dorm::remote("qty"));
        m.field("price", &Row::price, dorm::remote("price"));
        m.field("modified_on", &Row::modified_on, dorm::remote_modified("modifiedOn"));
    }
};

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::size_t rows = 10000;
    // Large enough for every row: the read is whole (the last page says there is no more).
    std::size_t sync_limit = 100'000;
    int reps = 11;
    bool wall_clock = true;
    bool verbose = false;
    bool check = false;
    bool profile = false;
};

double cpu_now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One row's checksum (order-independent sums of these compare the two sides).
std::uint64_t checksum(const std::string& key, const std::string& name, std::int64_t qty,
                       double price) {
    std::uint64_t h = 1469598103934665603u;
    for (char c : key)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211u;
    for (char c : name)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211u;
    return h + static_cast<std::uint64_t>(qty) * 7919u + static_cast<std::uint64_t>(price * 4);
}

void remove_db(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(path + suffix);
}

// One side's repetition: times, what it read, and where the time went.
struct Run {
    double wall = 0, cpu = 0;
    std::uint64_t sum = 0;
    std::size_t rows = 0;
    std::vector<std::string> urls;  // the pages read, in order
    double http_ms = 0;             // inside the HTTP exchanges (libcurl's perform)
    double pages_ms = 0;            // from the start to the last page read (dorm: and written)
    std::vector<double> request_ms; // each HTTP exchange
};

// --- raw: libcurl + nlohmann::json, what a careful programmer writes -------------------------

struct RawRow {
    std::string id;
    std::string name;
    std::int64_t qty = 0;
    double price = 0;
    std::string modified;
};

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

// Up to `limit` rows, as the dorm client reads them: stop at the limit, at a page without a
// next link, or at an empty page.
Run raw_read(const std::string& base, const std::string& first_url, std::size_t limit) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl)
        throw std::runtime_error("curl_easy_init failed");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, "Accept: application/json"), &curl_slist_free_all);
    CURL* h = curl.get();
    std::string body;
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);

    Run r;
    std::vector<RawRow> rows;
    const double c0 = cpu_now_ms();
    const auto t0 = Clock::now();
    std::string url = first_url;
    for (;;) {
        r.urls.push_back(url);
        body.clear();
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        const auto h0 = Clock::now();
        const CURLcode rc = curl_easy_perform(h);
        r.request_ms.push_back(ms_since(h0));
        r.http_ms += r.request_ms.back();
        if (rc != CURLE_OK)
            throw std::runtime_error("GET " + url + ": " + curl_easy_strerror(rc));
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200)
            throw std::runtime_error("GET " + url + ": HTTP " + std::to_string(status));
        const nlohmann::json page = nlohmann::json::parse(body);
        const nlohmann::json& value = page.at("value");
        for (const auto& row : value) {
            if (rows.size() >= limit)
                break;
            rows.push_back({row.at("ID").get<std::string>(), row.at("name").get<std::string>(),
                            row.at("qty").get<std::int64_t>(), row.at("price").get<double>(),
                            row.at("modifiedOn").get<std::string>()});
        }
        const auto next = page.find("@odata.nextLink");
        if (rows.size() >= limit || next == page.end() || value.empty())
            break;
        const std::string link = next->get<std::string>();
        url = link.find("://") != std::string::npos ? link : base + "/" + link;
    }
    r.pages_ms = ms_since(t0);
    r.wall = r.pages_ms;
    r.cpu = cpu_now_ms() - c0;
    r.rows = rows.size();
    for (const auto& row : rows)
        r.sum += checksum(row.id, row.name, row.qty, row.price);
    return r;
}

// --- dorm: a fresh local store with a sync engine, one count() ------------------------------

// The default database for the objects' save() and delete_(), reset when done.
struct DefaultDatabase {
    explicit DefaultDatabase(dorm::Database& db) { dorm::set_default_database(db); }
    ~DefaultDatabase() { dorm::detail::default_database_slot() = nullptr; }
    DefaultDatabase(const DefaultDatabase&) = delete;
    DefaultDatabase& operator=(const DefaultDatabase&) = delete;
};

// What the engine asked the remote, for the request counts and the page URLs.
struct RequestLog {
    std::vector<std::string> requests; // "GET <url>"
    std::vector<double> request_ms;
    double http_ms = 0;
    void clear() {
        requests.clear();
        request_ms.clear();
        http_ms = 0;
    }
};

dorm::sync::Options engine_options(const dorm_test::ODataServer& server, const Options& opt,
                                   RequestLog& log) {
    dorm::sync::Options o;
    o.client = od::ClientOptions(server.base_v4(), od::odata_v4());
    o.client.log = [&log](const od::LoggedRequest& r) {
        log.requests.push_back(std::string(r.method) + " " + std::string(r.url));
        log.request_ms.push_back(std::chrono::duration<double, std::milli>(r.duration).count());
        log.http_ms += log.request_ms.back();
    };
    o.sync_limit = opt.sync_limit;
    return o;
}

Run dorm_read(const dorm_test::ODataServer& server, const Options& opt,
              const dorm_test::TempDir& dir, int rep) {
    const std::string path = dir.file("dorm_" + std::to_string(rep) + ".sqlite3");
    remove_db(path);
    Run r;
    {
        RequestLog log; // outlives the engine, which the database holds
        dorm::Database db(path);
        dorm::create_tables<Row>(db);
        dorm::sync::Options o = engine_options(server, opt, log);
        Clock::time_point last_page{};
        o.progress = [&](const std::string&, std::size_t, std::size_t) {
            last_page = Clock::now();
        };
        auto engine = dorm::sync::attach(db, o);
        DefaultDatabase default_db(db);

        std::int64_t n = 0;
        const double c0 = cpu_now_ms();
        const auto t0 = Clock::now();
        n = Row::objects().count();
        r.wall = ms_since(t0);
        r.cpu = cpu_now_ms() - c0;
        r.pages_ms = std::chrono::duration<double, std::milli>(last_page - t0).count();
        r.http_ms = log.http_ms;
        r.request_ms = log.request_ms;

        for (const auto& req : log.requests) {
            if (!req.starts_with("GET "))
                throw std::runtime_error("dorm: an unexpected request during the read: " + req);
            r.urls.push_back(req.substr(4));
        }
        r.rows = static_cast<std::size_t>(n);
        for (const Row& row : Row::objects().skip_cdms().all())
            r.sum += checksum(row.cdms_pk.value_or(""), row.name, row.qty, row.price);
        if (engine->counters().rows_fetched != r.rows)
            throw std::runtime_error("dorm: fetched " +
                                     std::to_string(engine->counters().rows_fetched) +
                                     " rows, counted " + std::to_string(r.rows));
    }
    remove_db(path);
    return r;
}

// --- the server's rows --------------------------------------------------------------------

// `rows` new rows through the dorm client, in $batch changesets of `per_batch` creates. (A
// changeset of 1,000 creates, the dialect's max_batch, is a 271 kB body here: CAP refuses it
// with HTTP 413, its body parser taking 100 kB by default; 250 creates are 67 kB.)
constexpr std::size_t per_batch = 250;
void seed(const dorm_test::ODataServer& server, std::size_t rows) {
    od::Client client(od::ClientOptions(server.base_v4(), od::odata_v4()));
    for (std::size_t at = 0; at < rows; at += per_batch) {
        std::vector<od::BatchOperation> ops;
        for (std::size_t i = at; i < std::min(rows, at + per_batch); ++i)
            ops.push_back(
                od::BatchOperation::create("Rows", {{"name", "row-" + std::to_string(i)},
                                                    {"qty", static_cast<std::int64_t>(i % 1000)},
                                                    {"price", static_cast<double>(i) * 0.25}}));
        const auto results = client.batch(ops);
        if (results.size() != ops.size())
            throw std::runtime_error("seeding: " + std::to_string(results.size()) + " answers to " +
                                     std::to_string(ops.size()) + " creates");
    }
}

// --- requests per operation ------------------------------------------------------------------

struct OpCount {
    std::string op;
    std::size_t requests = 0;
    std::size_t target = 0; // 0: for information, no target
    std::vector<std::string> seen;
};

// The requests of single operations on an engine with the default Options, the local store
// holding every row first (as after the timed read).

std::vector<OpCount> count_requests(const dorm_test::ODataServer& server, const Options& opt,
                                    const dorm_test::TempDir& dir) {
    const std::string path = dir.file("ops.sqlite3");
    remove_db(path);
    std::vector<OpCount> out;
    {
        RequestLog log; // outlives the engine, which the database holds
        dorm::Database db(path);
        dorm::create_tables<Row>(db);
        dorm::sync::Options o = engine_options(server, opt, log);
        o.sync_limit = dorm::sync::Options{}.sync_limit;
        auto engine = dorm::sync::attach(db, o);
        DefaultDatabase default_db(db);
        if (Row::objects().sync_limit(opt.sync_limit).count() !=
            static_cast<std::int64_t>(opt.rows))
            throw std::runtime_error("ops: the first read did not bring every row");
        const std::size_t pages = (opt.rows + 999) / 1000;

        auto measure = [&](const std::string& op, std::size_t target, const auto& fn) {
            log.clear();
            const std::size_t before = engine->counters().requests;
            fn();
            out.push_back({op, engine->counters().requests - before, target, log.requests});
        };
        const std::int64_t some_pk = Row::objects().skip_cdms().order_by("pk").first()->id;
        Row changed;
        measure("get", 1, [&] { changed = Row::objects().get("pk", some_pk); });
        changed.name = "changed";
        changed.qty += 1;
        measure("save", 1, [&] { changed.save(); });
        Row fresh;
        fresh.name = "new row";
        fresh.qty = 7;
        fresh.price = 1.5;
        measure("create", 1, [&] { fresh.save(); });
        measure("delete", 1, [&] { fresh.delete_(); });
        // Every row matches (qty is i % 1000, one row has 1 more): the whole set, filtered,
        // with the default sync_limit (10,000) and with the timed read's.
        const auto all = Row::objects().filter("qty__lt", 1001);
        std::int64_t matched = 0, matched_whole = 0;
        measure("filter_10k", pages, [&] { matched = all.count(); });
        measure("filter_10k with sync_limit " + std::to_string(opt.sync_limit), 0,
                [&] { matched_whole = all.sync_limit(opt.sync_limit).count(); });
        if (matched != static_cast<std::int64_t>(opt.rows) || matched_whole != matched)
            throw std::runtime_error("ops: the filter matched " + std::to_string(matched) +
                                     " and " + std::to_string(matched_whole) + " rows, expected " +
                                     std::to_string(opt.rows));
        // Check that the writes reached the server.
        const auto remote =
            dorm_test::http_get(server.base_v4() + "/Rows(" + *changed.cdms_pk + ")");
        if (remote.status != 200 || remote.json.value("name", "") != "changed")
            throw std::runtime_error("ops: the saved change is not on the server");
        const auto gone = dorm_test::http_get(server.base_v4() + "/Rows(" + *fresh.cdms_pk + ")");
        if (gone.status != 404)
            throw std::runtime_error("ops: the deleted row is still on the server");
    }
    remove_db(path);
    return out;
}

// --- --profile: where dorm's time goes, step by step, without the network -------------------

// The pages' bodies, fetched once with libcurl.
std::vector<std::string> fetch_bodies(const std::vector<std::string>& urls) {
    std::vector<std::string> out;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
        curl_slist_append(nullptr, "Accept: application/json"), &curl_slist_free_all);
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &append_body);
    for (const auto& url : urls) {
        out.emplace_back();
        curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &out.back());
        curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
        if (curl_easy_perform(curl.get()) != CURLE_OK)
            throw std::runtime_error("GET " + url + " failed");
    }
    return out;
}

// The steps of Engine::read and LocalRows::write_all for one full read, each timed on its
// own (a fresh local store for each write step), medians over `reps`.
void profile(const std::vector<std::string>& urls, const Options& opt,
             const dorm_test::TempDir& dir) {
    const std::vector<std::string> bodies = fetch_bodies(urls);
    const dorm::ModelMeta& m = Row::meta();
    const od::Dialect dialect = od::odata_v4();
    std::vector<std::pair<std::string, std::vector<double>>> steps;
    auto record = [&](const std::string& step, double ms) {
        for (auto& [name, v] : steps)
            if (name == step)
                return v.push_back(ms);
        steps.push_back({step, {ms}});
    };
    auto timed = [&](const std::string& step, const auto& fn) {
        const auto t0 = Clock::now();
        fn();
        record(step, ms_since(t0));
    };
    // A fresh store with the model's table and the engine's ETag table.
    int n_db = 0;
    auto fresh = [&](const auto& fn) {
        const std::string path = dir.file("profile_" + std::to_string(n_db++) + ".sqlite3");
        remove_db(path);
        {
            dorm::Database db(path);
            dorm::create_tables<Row>(db);
            dorm::sync::ETags::create(db);
            fn(db);
        }
        remove_db(path);
    };
    auto no_parent = [](const dorm::ModelMeta&, const std::string&) -> nlohmann::json {
        throw std::runtime_error("no parents here");
    };
    for (int rep = 0; rep <= opt.reps; ++rep) {
        // 1. raw: parse + structs (the raw side minus HTTP).
        std::size_t raw_rows = 0;
        timed("raw: json::parse + structs", [&] {
            std::vector<RawRow> rows;
            for (const auto& b : bodies) {
                const nlohmann::json page = nlohmann::json::parse(b);
                for (const auto& row : page.at("value"))
                    rows.push_back(
                        {row.at("ID").get<std::string>(), row.at("name").get<std::string>(),
                         row.at("qty").get<std::int64_t>(), row.at("price").get<double>(),
                         row.at("modifiedOn").get<std::string>()});
            }
            raw_rows = rows.size();
        });
        // 2. Client::list minus HTTP: parse, parse_page (copies each row), move into the result.
        std::vector<nlohmann::json> rows;
        timed("dorm: json::parse + parse_page + collect (Client::list)", [&] {
            for (const auto& b : bodies) {
                od::Page page = od::parse_page(nlohmann::json::parse(b), od::Version::V4);
                for (auto& row : page.rows)
                    rows.push_back(std::move(row));
            }
        });
        if (rows.size() != raw_rows)
            throw std::runtime_error("profile: the two parses differ");
        // 3. decode (and the set of keys Engine::read keeps).
        std::vector<dorm::sync::RemoteRow> decoded;
        timed("dorm: decode (json -> RemoteRow)", [&] {
            for (const auto& row : rows)
                decoded.push_back(dorm::sync::decode(m, row, dialect));
        });
        timed("dorm: std::set of the keys (Engine::read)", [&] {
            std::set<std::string> keys;
            for (const auto& r : decoded)
                keys.insert(r.key);
        });
        // 4. LocalRows::write_all in one transaction, as Engine::read does.
        fresh([&](dorm::Database& db) {
            dorm::sync::WriteCounts counts;
            Clock::time_point written;
            timed("dorm: write_all + commit", [&] {
                dorm::atomic(db, [&] {
                    dorm::sync::LocalRows local(db, dialect, no_parent);
                    local.write_all(m, decoded, counts);
                    written = Clock::now();
                });
            });
            record("  of which the commit", ms_since(written));
            if (counts.inserted != decoded.size())
                throw std::runtime_error("profile: write_all did not insert every row");
            timed("dorm: local count()",
                  [&] { (void)Row::objects().using_(db).skip_cdms().count(); });
            timed("dorm: local (pk, key) of every row (remove_missing)", [&] {
                std::size_t n = 0;
                for (const auto& row :
                     Row::objects().using_(db).skip_cdms().values_list("pk", "cdms_pk"))
                    n += row.size();
                if (n != 2 * decoded.size())
                    throw std::runtime_error("profile: values_list");
            });
        });
        // The same with a page cache that holds the whole transaction (SQLite's default,
        // 2 MiB, spills dirty pages of the two tables and the key index before the commit).
        fresh([&](dorm::Database& db) {
            db.exec("PRAGMA cache_size = -65536");
            dorm::sync::WriteCounts counts;
            timed("dorm: write_all + commit, cache_size 64 MiB", [&] {
                dorm::atomic(db, [&] {
                    dorm::sync::LocalRows local(db, dialect, no_parent);
                    local.write_all(m, decoded, counts);
                });
            });
        });
        // 5. The parts of write(), each alone in one transaction on a fresh store.
        fresh([&](dorm::Database& db) {
            dorm::sync::LocalRows local(db, dialect, no_parent);
            timed("  part: find() by remote key, 10k misses", [&] {
                dorm::atomic(db, [&] {
                    for (const auto& r : decoded)
                        if (local.find(m, r.key))
                            throw std::runtime_error("profile: found a row");
                });
            });
        });
        fresh([&](dorm::Database& db) {
            timed("  part: new_instance + set fields + insert_object", [&] {
                dorm::atomic(db, [&] {
                    for (const auto& r : decoded) {
                        std::shared_ptr<void> obj = m.new_instance();
                        m.remote_key()->set(obj.get(), dorm::Value(r.key));
                        for (const auto& [f, v] : r.values)
                            f->set(obj.get(), v);
                        dorm::sql::insert_object(db, m, obj.get());
                    }
                });
            });
        });
        fresh([&](dorm::Database& db) {
            timed("  part: ETags::put", [&] {
                dorm::atomic(db, [&] {
                    for (const auto& r : decoded)
                        dorm::sync::ETags::put(db, m, r.key, r.etag);
                });
            });
        });
        // The bookkeeping of write_all: every row into a map by key (a std::string copy),
        // then per row an insert into and erase from the in-progress set and an erase from
        // the map.
        timed("  part: write_all's map and set of keys", [&] {
            std::map<std::string, const dorm::sync::RemoteRow*> batch;
            std::set<std::string> in_progress;
            for (const auto& r : decoded)
                batch.emplace(r.key, &r);
            for (const auto& r : decoded) {
                if (!batch.contains(r.key))
                    continue;
                in_progress.insert(r.key);
                in_progress.erase(r.key);
                batch.erase(r.key);
            }
        });
        // 6. The floor: the same rows with one prepared INSERT (the SQLite C API).
        fresh([&](dorm::Database& db) {
            sqlite3* h = db.handle();
            timed("floor: prepared INSERT of the 5 columns (C API)", [&] {
                sqlite3_exec(h, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
                sqlite3_stmt* st = nullptr;
                sqlite3_prepare_v2(h,
                                   "INSERT INTO \"bench_sync_row\" (\"cdms_pk\", \"name\", "
                                   "\"qty\", \"price\", \"modified_on\") VALUES (?, ?, ?, ?, ?)",
                                   -1, &st, nullptr);
                for (const auto& r : rows) {
                    const std::string id = r.at("ID").get<std::string>();
                    const std::string name = r.at("name").get<std::string>();
                    const std::string mod = r.at("modifiedOn").get<std::string>();
                    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
                    sqlite3_bind_text(st, 2, name.c_str(), -1, SQLITE_TRANSIENT);
                    sqlite3_bind_int64(st, 3, r.at("qty").get<std::int64_t>());
                    sqlite3_bind_double(st, 4, r.at("price").get<double>());
                    sqlite3_bind_text(st, 5, mod.c_str(), -1, SQLITE_TRANSIENT);
                    if (sqlite3_step(st) != SQLITE_DONE)
                        throw std::runtime_error("profile: INSERT failed");
                    sqlite3_reset(st);
                }
                sqlite3_finalize(st);
                sqlite3_exec(h, "COMMIT", nullptr, nullptr, nullptr);
            });
        });
        // Engine::read frees what it read before it returns.
        timed("dorm: freeing the json rows and the RemoteRows", [&] {
            rows = {};
            decoded = {};
        });
    }
    std::printf("profile: %zu rows in %zu pages, medians of %d reps (+1 warm-up), ms:\n", opt.rows,
                bodies.size(), opt.reps);
    for (auto& [name, v] : steps) {
        v.erase(v.begin()); // the warm-up
        std::printf("  %-60s %8.1f\n", name.c_str(), median(v));
    }
}

// --- driver --------------------------------------------------------------------------------

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--reps") {
            o.reps = std::stoi(next());
        } else if (a == "--rows") {
            o.rows = std::stoul(next());
        } else if (a == "--sync-limit") {
            o.sync_limit = std::stoul(next());
        } else if (a == "--clock") {
            const std::string c = next();
            if (c != "cpu" && c != "wall")
                throw std::runtime_error("--clock takes wall or cpu");
            o.wall_clock = c == "wall";
        } else if (a == "--verbose") {
            o.verbose = true;
        } else if (a == "--check") {
            o.check = true;
        } else if (a == "--profile") {
            o.profile = true;
        } else if (a == "--help" || a == "-h") {
            std::puts("usage: dorm_sync_bench [--reps N] [--rows N] [--sync-limit N] "
                      "[--clock wall|cpu] [--verbose] [--check] [--profile]");
            std::exit(0);
        } else {
            throw std::runtime_error("unknown argument '" + a + "' (try --help)");
        }
    }
    if (o.reps < 1 || o.rows < 1)
        throw std::runtime_error("--reps and --rows must be positive");
    if (o.sync_limit < 1)
        throw std::runtime_error("--sync-limit must be positive");
    return o;
}

int run(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    constexpr double target = 1.20;
    dorm_test::TempDir dir;

    const auto s0 = Clock::now();
    dorm_test::ODataServer server;
    std::printf("dorm_sync_bench: CAP test server on 127.0.0.1:%d (started in %.0f ms), "
                "SQLite %s, %s\n",
                server.port(), ms_since(s0), sqlite3_libversion(), curl_version());
    const auto f0 = Clock::now();
    seed(server, opt.rows);
    std::printf("seeded %zu rows in %.0f ms ($batch changesets of %zu creates); "
                "sync_limit %zu; %d timed repetitions per side (+1 warm-up); files in %s\n",
                opt.rows, ms_since(f0), per_batch, opt.sync_limit, opt.reps, dir.path.c_str());
    std::fflush(stdout);

    std::vector<double> raw_wall, dorm_wall, raw_cpu, dorm_cpu, paired;
    std::vector<double> raw_http, raw_parse, dorm_http, dorm_pages, dorm_local;
    std::vector<std::string> urls;
    std::uint64_t sum = 0;
    for (int rep = 0; rep <= opt.reps; ++rep) { // rep 0 is the warm-up
        Run d, r;
        if (rep == 0 || rep % 2) {
            d = dorm_read(server, opt, dir, rep);
            // The raw side starts where dorm starts: the first URL of the warm-up's read.
            r = raw_read(server.base_v4(), rep == 0 ? d.urls.front() : urls.front(),
                         opt.sync_limit);
        } else {
            r = raw_read(server.base_v4(), urls.front(), opt.sync_limit);
            d = dorm_read(server, opt, dir, rep);
        }
        if (rep == 0) {
            urls = d.urls;
            sum = d.sum;
        }
        if (d.urls != urls || r.urls != urls) {
            std::string what = "the two sides did not read the same pages:\n dorm:";
            for (const auto& u : d.urls)
                what += "\n  " + u;
            what += "\n raw:";
            for (const auto& u : r.urls)
                what += "\n  " + u;
            throw std::runtime_error(what);
        }
        if (d.sum != sum || r.sum != sum || d.rows != opt.rows || r.rows != opt.rows)
            throw std::runtime_error("the two sides did not read the same rows (dorm " +
                                     std::to_string(d.rows) + ", raw " + std::to_string(r.rows) +
                                     ")");
        if (opt.verbose)
            std::printf("  rep %d%s: wall raw %.1f ms, dorm %.1f ms; cpu raw %.1f ms, dorm "
                        "%.1f ms\n",
                        rep, rep ? "" : " (warm-up)", r.wall, d.wall, r.cpu, d.cpu);
        if (opt.verbose) {
            for (const auto* side : {&r, &d}) {
                std::printf("    %s requests (ms):", side == &r ? "raw " : "dorm");
                for (double ms : side->request_ms)
                    std::printf(" %.1f", ms);
                std::printf("\n");
            }
        }
        if (rep == 0)
            continue;
        paired.push_back(opt.wall_clock ? d.wall / r.wall : d.cpu / r.cpu);
        raw_wall.push_back(r.wall);
        dorm_wall.push_back(d.wall);
        raw_cpu.push_back(r.cpu);
        dorm_cpu.push_back(d.cpu);
        raw_http.push_back(r.http_ms);
        raw_parse.push_back(r.wall - r.http_ms);
        dorm_http.push_back(d.http_ms);
        dorm_pages.push_back(d.pages_ms - d.http_ms);
        dorm_local.push_back(d.wall - d.pages_ms);
    }
    const double rw = median(raw_wall), dw = median(dorm_wall);
    const double rc = median(raw_cpu), dc = median(dorm_cpu);
    const double ratio = opt.wall_clock ? dw / rw : dc / rc;
    std::printf("sync_10k: %zu rows in %zu pages, %d reps; wall: raw median = %.1f ms, dorm "
                "median = %.1f ms; cpu (this process): raw median = %.1f ms, dorm median = "
                "%.1f ms; ratio from %s time (median of the repetitions' own ratios: %.2f), "
                "target <= %.2f%s\n",
                opt.rows, urls.size(), opt.reps, rw, dw, rc, dc, opt.wall_clock ? "wall" : "cpu",
                median(paired), target, ratio <= target ? "" : " (MISSED)");
    std::printf("sync_10k split (medians, wall ms): raw: http %.1f, parse %.1f; dorm: http "
                "%.1f, pages beyond http (parse, decode, write: overlapped with the next request) "
                "%.1f, after the last page (rows waiting for parents, remove_missing, commit, "
                "count) %.1f\n",
                median(raw_http), median(raw_parse), median(dorm_http), median(dorm_pages),
                median(dorm_local));
    std::printf("sync_10k dorm/raw = %.2f\n", ratio);
    std::fflush(stdout);
    bool met = ratio <= target;
    if (opt.profile)
        profile(urls, opt, dir);

    for (const auto& c : count_requests(server, opt, dir)) {
        if (c.target)
            std::printf("%s requests = %zu\n", c.op.c_str(), c.requests);
        else
            std::printf("  (%s: %zu requests)\n", c.op.c_str(), c.requests);
        if (opt.verbose)
            for (const auto& s : c.seen)
                std::printf("  %s\n", s.c_str());
        if (c.target && c.requests > c.target) {
            std::printf("  (target %zu: MISSED)\n", c.target);
            met = false;
        }
    }
    return opt.check && !met ? 1 : 0;
}

} // namespace
} // namespace sync_bench

int main(int argc, char** argv) {
    try {
        return sync_bench::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dorm_sync_bench: %s\n", e.what());
        return 2;
    }
}
