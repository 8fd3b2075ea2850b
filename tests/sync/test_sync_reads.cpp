// The sync engine's reads against the real OData test server (SAP CAP): a queryset of a
// mapped model asks the remote first, writes what it returns into the local store in one
// transaction, and the local query decides the result.
//
// The oracle is a second local store holding the server's seed rows (LocalStore): after a
// sync, a queryset must give exactly what it gives there.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include "faulty_transport.hpp"
#include "odata_accounts.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm::Q;
using dorm::Value;
using dorm::Values;
using dorm_test::account_key;
using dorm_test::FaultyTransport;
using namespace odata_accounts;

// The answers of the seed rows, from a local store that holds all of them (no engine).
struct Oracle {
    std::vector<std::pair<std::string, Ids>> answers;
    explicit Oracle(const std::vector<std::pair<std::string, dorm::QuerySet<Account>>>& cases) {
        LocalStore all;
        for (const auto& [what, qs] : cases)
            answers.emplace_back(what, local_ids(qs));
    }
};

// An empty local store (a SQLite file) with the engine attached, on one endpoint.
struct Synced {
    dorm_test::ODataServer& server;
    dorm_test::TempDir dir;
    dorm::Database db;
    std::shared_ptr<FaultyTransport> transport = std::make_shared<FaultyTransport>();
    dorm::sync::Options options;
    std::shared_ptr<dorm::sync::Engine> engine;

    Synced(dorm_test::ODataServer& s, const od::Dialect& d, bool v2 = false)
        : server(s), db(dir.file("local.sqlite3")) {
        dorm::set_default_database(db);
        dorm::create_tables<Account>(db);
        options.client = od::ClientOptions(v2 ? s.base_v2() : s.base_v4(), d);
        options.client.backoff = std::chrono::milliseconds(1);
        options.transport = transport;
        engine = dorm::sync::attach(db, options);
    }
    // Attaches a new engine with changed options.
    void reattach() { engine = dorm::sync::attach(db, options); }
    ~Synced() { dorm::detail::default_database_slot() = nullptr; }

    std::size_t requests() const { return engine->counters().requests; }
    std::int64_t local_rows() { return Account::objects().skip_cdms().count(); }
    // A row on the server, read with a plain GET (not through the engine).
    nlohmann::json remote(const std::string& k) {
        const auto r = dorm_test::http_get(server.base_v4() + "/Accounts(" + k + ")");
        return r.status == 200 ? r.json : nlohmann::json();
    }
};

Ids ids(const std::vector<Account>& rows) {
    Ids out;
    for (const auto& a : rows)
        out.insert(*a.cdms_pk);
    return out;
}

std::vector<std::pair<std::string, dorm::QuerySet<Account>>> cases() {
    const auto A = [] { return Account::objects().all(); };
    return {
        {"name__startswith=Acme", A().filter("name__startswith", "Acme")},
        {"name__icontains=acme (superset on crm2011)", A().filter("name__icontains", "acme")},
        {"employees__gt=20 | ~active", A().filter(Q("employees__gt", 20) | ~Q("active", true))},
        {"founded__year=2016", A().filter("founded__year", 2016)},
        {"name__regex (local only)", A().filter("name__regex", "^[A-Z][a-z]+$")},
        {"parent__name=Acme (across the FK)", A().filter("parent__name", "Acme")},
        {"name=O'Brien Ltd", A().filter("name", "O'Brien Ltd")},
        {"order_by -employees [:3]", A().order_by("-employees", "cdms_pk").slice(0, 3)},
    };
}

void filters_match_the_oracle(const od::Dialect& d, bool v2) {
    const auto cs = cases();
    const Oracle oracle(cs);
    dorm_test::ODataServer server;
    for (std::size_t i = 0; i < cs.size(); ++i) {
        Synced s(server, d, v2);
        INFO(d.name << " | " << cs[i].first);
        const auto& qs = cs[i].second;
        // A fresh queryset of the same query (the oracle evaluated its own copy).
        const Ids got = ids(qs.all().to_vector());
        CHECK(got == oracle.answers[i].second);
        CHECK(s.requests() >= 1);
        // The rows the remote sent are local now; nothing else is.
        CHECK(s.local_rows() >= static_cast<std::int64_t>(got.size()));
        CHECK(s.local_rows() <= 65);
    }
}

} // namespace

TEST_CASE("a filtered queryset gives the seed's answer from an empty local store V4", "[sync]") {
    filters_match_the_oracle(od::odata_v4(), false);
}

TEST_CASE("a filtered queryset gives the seed's answer from an empty local store crm2011",
          "[sync]") {
    od::Dialect d = od::crm2011();
    d.case_insensitive = false; // CAP compares case-sensitively: i-lookups are supersets
    filters_match_the_oracle(d, true);
}

TEST_CASE("all() reads every page once, links parents, and count and exists follow", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    CHECK(Account::objects().count() == 65);
    CHECK(s.requests() == 2); // pages of 50: two GETs, no GET per parent
    CHECK(s.local_rows() == 65);
    CHECK(s.engine->counters().written.inserted == 65);

    const Account child = Account::objects().skip_cdms().get("cdms_pk", account_key(5));
    REQUIRE_FALSE(child.parent.is_null());
    CHECK(child.parent->cdms_pk == account_key(4));
    CHECK(child.name == "O''Brien & Sons");
    CHECK_FALSE(child.rating);
    CHECK(child.modified_on == dorm::DateTime(1999, 12, 31, 23, 59, 59));

    // Reading again: the same rows, nothing rewritten.
    CHECK(Account::objects().exists());
    CHECK(Account::objects().count() == 65);
    CHECK(s.engine->counters().written.inserted == 65);
    CHECK(s.engine->counters().written.updated == 0);
    CHECK(s.engine->counters().written.unchanged >= 65);
}

TEST_CASE("a parent on no page of a long read is read by key once, after the last page", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    std::vector<std::string> urls; // every request, in order
    s.options.client.log = [&](const od::LoggedRequest& r) { urls.emplace_back(r.url); };
    s.reattach();
    // 64 rows in two pages (the second read on the page helper while the first is written);
    // Acme (a01), the parent of seven of them, is on neither.
    CHECK(Account::objects().exclude("cdms_pk", account_key(1)).count() == 64);
    REQUIRE(urls.size() == 3);
    CHECK(urls[0].find("$filter") != std::string::npos);
    CHECK(urls[1].find("skiptoken") != std::string::npos);         // the second page
    CHECK(urls[2].ends_with("/Accounts(" + account_key(1) + ")")); // after the pages
    CHECK(s.local_rows() == 65);
    const Account child = Account::objects().skip_cdms().get("cdms_pk", account_key(3));
    REQUIRE_FALSE(child.parent.is_null());
    CHECK(child.parent->name == "Acme");
    CHECK(Account::objects().skip_cdms().filter("parent__cdms_pk", account_key(1)).count() == 7);
}

TEST_CASE("sync_limit reads the most recently modified rows first", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    const auto rows = Account::objects().sync_limit(10).order_by("-modified_on").to_vector();
    CHECK(s.local_rows() == 10);
    CHECK(rows.size() == 10);
    // The ten newest stamps of the seed.
    std::vector<dorm::DateTime> stamps;
    {
        LocalStore all;
        for (const auto& a : Account::objects().order_by("-modified_on").slice(0, 10))
            stamps.push_back(a.modified_on);
    }
    std::vector<dorm::DateTime> got;
    for (const auto& a : rows)
        got.push_back(a.modified_on);
    CHECK(got == stamps);
}

TEST_CASE("skip_cdms reads the local store alone", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    CHECK(Account::objects().skip_cdms().count() == 0);
    CHECK(Account::objects().skip_cdms().filter("name", "Acme").to_vector().empty());
    CHECK_FALSE(Account::objects().skip_cdms().exists());
    CHECK_THROWS_AS(Account::objects().skip_cdms().get("cdms_pk", account_key(1)),
                    Account::DoesNotExist);
    CHECK(s.transport->calls == 0);
    // Once synced, skip_cdms() reads what the store holds, still without a request.
    REQUIRE(Account::objects().filter("cdms_pk", account_key(1)).count() == 1);
    const int calls = s.transport->calls;
    CHECK(Account::objects().skip_cdms().get("cdms_pk", account_key(1)).name == "Acme");
    CHECK(Account::objects().skip_cdms().count() == 1);
    CHECK(s.transport->calls == calls);
}

TEST_CASE("a row changed remotely is updated locally, one deleted remotely is deleted", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    REQUIRE(Account::objects().count() == 65);
    const auto local_id = Account::objects().skip_cdms().get("cdms_pk", account_key(2)).id;

    // Remotely: a02 renamed with a newer stamp, a08 deleted, a03 renamed so that it leaves
    // the scope of the filter below.
    od::Client direct(od::ClientOptions(server.base_v4(), od::odata_v4()));
    direct.update("Accounts", account_key(2),
                  {{"name", "acme labs (renamed)"}, {"modifiedOn", "2030-01-01T00:00:00Z"}});
    direct.delete_("Accounts", account_key(8));
    const std::string a03 =
        Account::objects().skip_cdms().get("cdms_pk", account_key(3)).name.value();
    direct.update("Accounts", account_key(3),
                  {{"name", "zzz"}, {"modifiedOn", "2030-01-01T00:00:00Z"}});

    const auto before = s.engine->counters();
    CHECK(Account::objects().count() == 64);
    CHECK(s.engine->counters().written.updated - before.written.updated == 2);
    CHECK(s.engine->counters().deleted - before.deleted == 1);
    const Account a02 = Account::objects().skip_cdms().get("cdms_pk", account_key(2));
    CHECK(a02.name == "acme labs (renamed)");
    CHECK(a02.id == local_id); // updated in place: the local primary key is kept
    CHECK(a02.modified_on == dorm::DateTime(2030, 1, 1));
    CHECK_FALSE(Account::objects().skip_cdms().filter("cdms_pk", account_key(8)).exists());

    // A filtered read whose scope a03 left remotely: a03 is refreshed (asked for by key),
    // not deleted.
    const auto n = Account::objects().filter("name", a03).count();
    CHECK(n == 0);
    CHECK(Account::objects().skip_cdms().get("cdms_pk", account_key(3)).name == "zzz");
}

TEST_CASE("get() by remote key creates the local row, and a row gone remotely is DoesNotExist",
          "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    const Account a = Account::objects().get("cdms_pk", account_key(5));
    CHECK(a.name == "O''Brien & Sons");
    CHECK(s.local_rows() == 2); // a05 and its parent a04
    CHECK(s.requests() == 2);   // the filter, and the parent by key

    // get() of a row the local store has: one GET by key.
    const auto r0 = s.requests();
    CHECK(Account::objects().get("cdms_pk", account_key(5)).id == a.id);
    CHECK(s.requests() - r0 == 1);

    od::Client direct(od::ClientOptions(server.base_v4(), od::odata_v4()));
    direct.delete_("Accounts", account_key(5));
    CHECK_THROWS_AS(Account::objects().get("cdms_pk", account_key(5)), Account::DoesNotExist);
    CHECK_FALSE(Account::objects().skip_cdms().filter("cdms_pk", account_key(5)).exists());
}

TEST_CASE("get() of a row saved locally with skip_cdms after the remote is ObjectsNotInSync",
          "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    Account a = Account::objects().get("cdms_pk", account_key(1));
    a.name = "changed locally";
    const auto requests = s.requests();
    a.save(dorm::skip_cdms); // the local store only; its remote stamp moves to now
    CHECK(s.requests() == requests);
    CHECK(a.modified_on > dorm::DateTime(2026, 1, 1));
    try {
        Account::objects().get("cdms_pk", account_key(1));
        FAIL("no ObjectsNotInSync");
    } catch (const dorm::ObjectsNotInSync& e) {
        CHECK(e.remote_key == account_key(1));
        const auto field = [](const dorm::ObjectsNotInSync::Fields& f, const std::string& n) {
            for (const auto& [name, v] : f)
                if (name == n)
                    return v;
            return Value("(missing)");
        };
        CHECK(field(e.local, "name") == Value("changed locally"));
        CHECK(field(e.remote, "name") == Value("Acme"));
    }
    // Nothing was overwritten.
    CHECK(Account::objects().skip_cdms().get("cdms_pk", account_key(1)).name == "changed locally");
}

TEST_CASE("a remote failure during a read leaves the local store unchanged", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    // The second page fails (a 500 is not retried by a GET... a 503 would be).
    s.transport->before = [](const od::HttpRequest&, int n) -> std::optional<od::HttpResponse> {
        if (n != 2)
            return std::nullopt;
        od::HttpResponse r;
        r.status = 500;
        r.body = R"({"error":{"code":"500","message":"injected"}})";
        return r;
    };
    CHECK_THROWS_AS(Account::objects().count(), dorm::RemoteServerError);
    CHECK(s.local_rows() == 0);
    // A malformed row: nothing written either.
    s.transport->before = nullptr;
    s.transport->after = [](const od::HttpRequest&, int, od::HttpResponse& r) {
        auto j = nlohmann::json::parse(r.body);
        j["value"][3]["employees"] = "many";
        r.body = j.dump();
    };
    CHECK_THROWS_AS(Account::objects().count(), dorm::MalformedResponse);
    CHECK(s.local_rows() == 0);
}

TEST_CASE("following a ForeignKey reads each parent once per evaluation", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    const auto children = Account::objects().filter("parent__cdms_pk", account_key(1)).to_vector();
    REQUIRE(children.size() == 7);
    const auto r0 = s.requests();
    for (const auto& c : children)
        CHECK(c.parent->name == "Acme");
    CHECK(s.requests() - r0 == 1); // one GET of a01 for the seven children

    // A new evaluation reads the parent again when followed, and sees its change.
    od::Client(od::ClientOptions(server.base_v4(), od::odata_v4()))
        .update("Accounts", account_key(1),
                {{"name", "Acme (renamed)"}, {"modifiedOn", "2030-01-01T00:00:00Z"}});
    const auto again = Account::objects().filter("parent__cdms_pk", account_key(1)).to_vector();
    const auto r1 = s.requests();
    CHECK(again.front().parent->name == "Acme (renamed)");
    CHECK(again.back().parent->name == "Acme (renamed)");
    CHECK(s.requests() - r1 == 1);

    // An object from skip_cdms() follows its ForeignKey locally: no request, the local row.
    od::Client(od::ClientOptions(server.base_v4(), od::odata_v4()))
        .update("Accounts", account_key(1),
                {{"name", "Acme (renamed twice)"}, {"modifiedOn", "2031-01-01T00:00:00Z"}});
    const auto local = Account::objects().skip_cdms().filter("parent__cdms_pk", account_key(1));
    const auto r2 = s.requests();
    for (const auto& c : local)
        CHECK(c.parent->name == "Acme (renamed)");
    CHECK(s.requests() == r2);
}

TEST_CASE("a long read tells its progress page by page", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    std::vector<std::tuple<std::string, std::size_t, std::size_t>> told;
    s.options.progress = [&](const std::string& set, std::size_t pages, std::size_t rows) {
        told.emplace_back(set, pages, rows);
    };
    s.reattach();
    CHECK(Account::objects().count() == 65);
    using T = std::tuple<std::string, std::size_t, std::size_t>;
    CHECK(told == std::vector<T>{T{"Accounts", 1, 50}, T{"Accounts", 2, 65}});
}

namespace {
// The Accounts again, with a conflict policy: remote wins, local wins.
template <dorm::Conflict Policy>
struct PolicyAccount : dorm::Model<PolicyAccount<Policy>> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::optional<std::string> name;
    std::optional<int> employees;
    dorm::DateTime modified_on;
    static void define(dorm::ModelDef<PolicyAccount>& m) {
        m.table(Policy == dorm::Conflict::remote_wins ? "account_rw" : "account_lw")
            .remote("Accounts")
            .on_conflict(Policy);
        m.field("id", &PolicyAccount::id, dorm::auto_pk);
        m.field("cdms_pk", &PolicyAccount::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &PolicyAccount::name, dorm::null, dorm::max_length(160),
                dorm::remote("name"));
        m.field("employees", &PolicyAccount::employees, dorm::remote("employees"));
        m.field("modified_on", &PolicyAccount::modified_on, dorm::remote_modified("modifiedOn"));
    }
};
using RemoteWins = PolicyAccount<dorm::Conflict::remote_wins>;
using LocalWins = PolicyAccount<dorm::Conflict::local_wins>;
} // namespace

TEST_CASE("a model's conflict policy settles a locally newer row", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    dorm::create_tables<RemoteWins, LocalWins>(s.db);

    RemoteWins rw = RemoteWins::objects().get("cdms_pk", account_key(1));
    rw.name = "local change";
    rw.save(dorm::skip_cdms);
    const RemoteWins rw2 = RemoteWins::objects().get("cdms_pk", account_key(1));
    CHECK(rw2.name == "Acme"); // the remote's version replaced the local change
    CHECK(rw2.modified_on == dorm::DateTime(2016, 2, 29, 12, 0, 0));
    CHECK(s.remote(account_key(1)).at("name") == "Acme");

    LocalWins lw = LocalWins::objects().get("cdms_pk", account_key(2));
    lw.name = "local wins";
    lw.employees = 77;
    lw.save(dorm::skip_cdms);
    const LocalWins lw2 = LocalWins::objects().get("cdms_pk", account_key(2));
    CHECK(lw2.name == "local wins");
    CHECK(s.remote(account_key(2)).at("name") == "local wins"); // sent to the remote
    CHECK(s.remote(account_key(2)).at("employees") == 77);
}

TEST_CASE("with Offline::serve_stale a failed read is answered locally and counted", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    REQUIRE(Account::objects().count() == 65);
    std::vector<std::string> stale;
    s.options.offline = dorm::sync::Offline::serve_stale;
    s.options.on_stale = [&](const dorm::ModelMeta& m, const dorm::RemoteError& e) {
        stale.push_back(m.name + ": " + std::to_string(e.status));
    };
    s.reattach();
    s.transport->before = [](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        od::HttpResponse r;
        r.status = 500;
        r.body = R"({"error":{"code":"500","message":"down"}})";
        return r;
    };
    CHECK(Account::objects().filter("name", "Acme").count() == 1);
    CHECK(Account::objects().get("cdms_pk", account_key(1)).name == "Acme");
    CHECK(s.engine->counters().stale_reads == 2);
    CHECK(stale == std::vector<std::string>{"Account: 500", "Account: 500"});
    // Writes are never served stale: they fail, and nothing changes locally.
    Account a = Account::objects().skip_cdms().get("cdms_pk", account_key(1));
    a.name = "x";
    CHECK_THROWS_AS(a.save(), dorm::RemoteServerError);
    CHECK(Account::objects().skip_cdms().get("cdms_pk", account_key(1)).name == "Acme");
}

TEST_CASE("sync_stats counts what the evaluations of one queryset cost", "[sync]") {
    dorm_test::ODataServer server;
    Synced s(server, od::odata_v4());
    dorm::SyncStats all;
    const auto qs = Account::objects().sync_stats(all);
    CHECK(qs.count() == 65);
    CHECK(all.requests == 2);
    CHECK(all.rows_fetched == 65);
    CHECK(all.rows_written == 65);

    dorm::SyncStats one;
    CHECK(Account::objects().filter("name", "Acme").sync_stats(one).count() == 1);
    CHECK(one.requests == 1);
    CHECK(one.rows_fetched == 1);
    CHECK(one.rows_written == 0); // unchanged since the first read
    CHECK(all.requests == 2);     // the other queryset's stats are its own
}
