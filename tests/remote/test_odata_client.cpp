// dorm::odata::Client against the real OData test server (tests/remote/server, SAP CAP), on
// its V4 and V2 endpoints:
//
// 1. list() follows the server's paging, stops at a row limit, and returns the rows a local
//    SQLite store (the same seed rows) says the query has; count() asks $count / $inlinecount.
// 2. get / create / update / delete_ of single entities by remote key.
// 3. Faults injected by a Transport that wraps the real CurlTransport: retries of GETs on
//    429 / 503 / timeouts (honouring Retry-After, capped by max_wait), writes never retried,
//    each HTTP status as its typed RemoteError.
// 4. A real timeout against a loopback listener that never answers, and a request log that
//    never shows the credentials.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/remote/client.hpp>

#include "faulty_transport.hpp"
#include "odata_accounts.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm::Date;
using dorm::DateTime;
using dorm::Value;
using dorm::Values;
using dorm_test::account_key;
using dorm_test::Endpoint;
using dorm_test::FaultyTransport;
using dorm_test::fresh_key;
using dorm_test::V2;
using dorm_test::V4;

using namespace odata_accounts;

// What the client's log hook saw (copied: LoggedRequest holds views).
struct Logged {
    std::string method, url;
    int status = 0;
    int attempt = 0;
};
struct Log {
    std::vector<Logged> entries;
    std::function<void(const od::LoggedRequest&)> hook() {
        return [this](const od::LoggedRequest& r) {
            entries.push_back({std::string(r.method), std::string(r.url), r.status, r.attempt});
        };
    }
    int count(const std::string& method) const {
        return static_cast<int>(std::count_if(entries.begin(), entries.end(),
                                              [&](const Logged& l) { return l.method == method; }));
    }
};

od::ClientOptions options(const std::string& base, const od::Dialect& d, Log& log) {
    od::ClientOptions o;
    o.base_url = base;
    o.dialect = d;
    o.backoff = std::chrono::milliseconds(1);
    o.max_wait = std::chrono::milliseconds(50);
    o.log = log.hook();
    return o;
}

Ids ids_of(const std::vector<nlohmann::json>& rows) {
    Ids out;
    for (const auto& r : rows)
        out.insert(r.at("ID").get<std::string>());
    return out;
}

// A GUID no seed row has (seed keys start with a or b).

od::HttpResponse status_only(int status, std::string retry_after = {}, std::string body = {}) {
    od::HttpResponse r;
    r.status = status;
    if (!retry_after.empty())
        r.headers.emplace_back("retry-after", retry_after);
    r.body = body.empty() ? R"({"error":{"code":")" + std::to_string(status) +
                                R"(","message":"injected )" + std::to_string(status) + R"("}})"
                          : body;
    r.headers.emplace_back("content-type", "application/json");
    return r;
}

} // namespace

namespace {

struct Filtered {
    std::string what;
    dorm::QuerySet<Account> qs;
};

void listing(const Endpoint& e) {
    dorm_test::ODataServer server;
    LocalStore local;
    const std::size_t seeded = seed().size() - 1;
    REQUIRE(seeded == 65);
    Log log;
    od::Client c(options((server.*e.base)(), e.dialect, log));
    INFO(e.name);

    // Every row: 50 on the first page, 15 on the second.
    const od::Request all = Account::objects().all().odata(e.dialect);
    const auto rows = c.list(all);
    CHECK(rows.size() == seeded);
    CHECK(ids_of(rows) == local_ids(Account::objects().all()));
    CHECK(log.count("GET") == 2);
    for (const auto& l : log.entries) {
        CHECK(l.status == 200);
        CHECK(l.attempt == 1);
    }
    REQUIRE(rows.size() > 0);
    CHECK_FALSE(rows.front().contains("d")); // V2: rows come out of d.results

    // A row limit stops early: within the first page one GET, past it two.
    log.entries.clear();
    CHECK(c.list(all, 10).size() == 10);
    CHECK(log.count("GET") == 1);
    log.entries.clear();
    const auto sixty = c.list(all, 60);
    CHECK(sixty.size() == 60);
    CHECK(ids_of(sixty).size() == 60);
    CHECK(log.count("GET") == 2);
    // ClientOptions::max_rows is the default limit.
    {
        Log l2;
        auto o = options((server.*e.base)(), e.dialect, l2);
        o.max_rows = 3;
        od::Client small(o);
        CHECK(small.list(all).size() == 3);
    }
    // ClientOptions::page_size asks a V4 server for pages of that size on every page (CAP
    // ignores the preference: the rows are the same); V2 has no such preference.
    {
        Log l3;
        auto o = options((server.*e.base)(), e.dialect, l3);
        o.page_size = 20;
        auto t = std::make_shared<FaultyTransport>();
        std::vector<std::string> prefer;
        t->before = [&](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
            for (const auto& [n, v] : r.headers)
                if (n == "Prefer")
                    prefer.push_back(v);
            return std::nullopt;
        };
        od::Client paged(o, t);
        CHECK(ids_of(paged.list(all)) == local_ids(Account::objects().all()));
        CHECK(t->calls == 2);
        if (e.dialect.version == od::Version::V4)
            CHECK(prefer == std::vector<std::string>(2, "odata.maxpagesize=20"));
        else
            CHECK(prefer.empty());
    }

    // Counting every row: one GET with $count / $inlinecount.
    log.entries.clear();
    CHECK(c.count(Account::objects().all().query()) == static_cast<std::int64_t>(seeded));
    REQUIRE(log.entries.size() == 1);
    CHECK(log.entries[0].url.find(e.dialect.version == od::Version::V4
                                      ? "$count=true"
                                      : "$inlinecount=allpages") != std::string::npos);

    // Filtered lists and counts equal the local store's answer.
    const auto A = [] { return Account::objects().all(); };
    const std::vector<Filtered> cases{
        {"employees__gt=20", A().filter("employees__gt", 20)},
        {"name__contains=Filler", A().filter("name__contains", "Filler")},
        {"name=O'Brien Ltd", A().filter("name", "O'Brien Ltd")},
        {"active | employees<5", A().filter(dorm::Q("active", true) | dorm::Q("employees__lt", 5))},
        {"founded__year=2016", A().filter("founded__year", 2016)},
        {"none matches", A().filter("name", "no such account")},
    };
    int nonempty = 0;
    for (const auto& f : cases) {
        const od::Request r = f.qs.odata(e.dialect);
        const Ids want = local_ids(f.qs);
        INFO(f.what << "\n  url: " << r.url((server.*e.base)()));
        REQUIRE(r.exact);
        CHECK(ids_of(c.list(r)) == want);
        CHECK(c.count(f.qs.query()) == static_cast<std::int64_t>(want.size()));
        nonempty += !want.empty();
    }
    CHECK(nonempty == 5); // every case but "none matches"
}

} // namespace

TEST_CASE("list follows paging, stops at a row limit, filters and counts as local V4", "[remote]") {
    listing(V4);
}

TEST_CASE("list follows paging, stops at a row limit, filters and counts as local V2", "[remote]") {
    listing(V2);
}

namespace {

// count() of what the remote cannot count exactly, and of what has no row.
void counting(const Endpoint& e) {
    dorm_test::ODataServer server;
    LocalStore local;
    Log log;
    od::Client c(options((server.*e.base)(), e.dialect, log));
    const auto A = [] { return Account::objects().all(); };

    // The remote cannot say a regex: it would count all 65 rows, where two names begin with
    // a lowercase a ("acme labs", "a&b=c?d#e+f/g"). Refused, before any request.
    const auto regex = A().filter("name__regex", "^a");
    REQUIRE(regex.count() == 2); // the local store's answer
    REQUIRE_FALSE(regex.odata(e.dialect).exact);
    try {
        (void)c.count(regex.query());
        FAIL("no NotSupported");
    } catch (const dorm::NotSupported& ex) {
        const std::string what = ex.what();
        INFO(what);
        CHECK(what.starts_with("Account: count() on the remote"));
        CHECK(what.find("(name__regex)") != std::string::npos);
        CHECK(what.find("sync engine") != std::string::npos);
    }
    // So is an exact condition beside it, and one across a ForeignKey.
    CHECK_THROWS_AS(c.count(A().filter("employees__gt", 20).filter("name__regex", "^a").query()),
                    dorm::NotSupported);
    CHECK_THROWS_WITH(c.count(A().filter("parent__name", "Acme").query()),
                      Catch::Contains("(parent__name__exact)"));
    CHECK(log.entries.empty());

    // A slice of an exactly said filter: the remote's count, sliced (48 rows have more
    // than 20 employees).
    CHECK(A().filter("employees__gt", 20).count() == 48);
    CHECK(c.count(A().filter("employees__gt", 20).slice(2, 10).query()) == 8);
    CHECK(c.count(A().filter("employees__gt", 20).slice(45, 100).query()) == 3);
    CHECK(c.count(A().slice(60, 100).query()) == 5);
    CHECK(c.count(A().slice(70, 100).query()) == 0);
    CHECK(log.entries.size() == 4); // one count request each

    // none() and an empty __in list: no row, and no request.
    log.entries.clear();
    CHECK(c.count(A().none().query()) == 0);
    CHECK(c.count(A().filter("name__in", Values{}).query()) == 0);
    CHECK(c.count(A().filter("employees__gt", 20).filter("cdms_pk__in", Values{}).query()) == 0);
    CHECK(c.list(A().none().odata(e.dialect)).empty());
    CHECK(c.list(A().filter("name__in", Values{}).odata(e.dialect)).empty());
    CHECK(log.entries.empty());
    // Under OR the empty list says nothing; under NOT it is every row.
    CHECK(c.count(A().filter(dorm::Q("name__in", Values{}) | dorm::Q("name", "Acme")).query()) ==
          1);
    CHECK(c.count(A().exclude("name__in", Values{}).query()) == 65);
    CHECK(log.entries.size() == 2);
}

} // namespace

TEST_CASE("count() refuses what the remote cannot count exactly and asks nothing for no rows V4",
          "[remote]") {
    counting(V4);
}

TEST_CASE("count() refuses what the remote cannot count exactly and asks nothing for no rows V2",
          "[remote]") {
    counting(V2);
}

namespace {

// The server's own error message for a GET (V4 message string, V2 message.value).
std::string server_message(const std::string& url) {
    const auto r = dorm_test::http_get(url);
    if (!r.json.is_object() || !r.json.contains("error"))
        return "(no error body: " + r.body + ")";
    const auto& m = r.json["error"]["message"];
    return m.is_string() ? m.get<std::string>() : m.at("value").get<std::string>();
}

void entities(const Endpoint& e) {
    dorm_test::ODataServer server;
    LocalStore local;
    Log log;
    auto t = std::make_shared<FaultyTransport>();
    std::vector<od::HttpRequest> sent;
    t->before = [&](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        sent.push_back(r);
        return std::nullopt;
    };
    od::Client c(options((server.*e.base)(), e.dialect, log), t);
    const bool v2 = e.dialect.version == od::Version::V2;
    INFO(e.name);

    // get: a seed row, unwrapped from V2's "d".
    const auto acme = c.get("Accounts", account_key(1));
    CHECK(acme.at("ID") == account_key(1));
    CHECK(acme.at("name") == "Acme");
    CHECK(acme.at("employees") == 100);
    CHECK_FALSE(acme.contains("d"));
    CHECK(acme.contains("__metadata") == v2);
    CHECK(c.get("Accounts", account_key(5)).at("name") == "O''Brien & Sons");

    // get of a missing key: 404 with the server's message, not retried.
    const std::string missing = fresh_key(v2 ? 2999 : 4999);
    t->calls = 0;
    try {
        c.get("Accounts", missing);
        FAIL("no RemoteNotFound");
    } catch (const dorm::RemoteNotFound& ex) {
        CHECK(ex.status == 404);
        REQUIRE_FALSE(ex.remote_message.empty());
        CHECK(ex.remote_message == server_message(log.entries.back().url));
        CHECK(std::string(ex.what()).find(ex.remote_message) != std::string::npos);
    }
    CHECK(t->calls == 1);

    // create with a client-supplied key; then it exists.
    const std::string k = fresh_key(v2 ? 2001 : 4001);
    const nlohmann::json fields{
        {"ID", k}, {"name", "New 'quoted' & M\u00fcller %_\\"}, {"employees", 7}, {"active", true}};
    const auto created = c.create("Accounts", fields);
    CHECK(created.at("ID") == k);
    CHECK_FALSE(created.contains("d"));
    CHECK(sent.back().method == "POST");
    const auto got = c.get("Accounts", k);
    CHECK(got.at("name") == fields["name"]);
    CHECK(got.at("employees") == 7);
    CHECK(got.at("active") == true);
    CHECK(c.count(Account::objects().all().query()) == 66);

    // update changes only the given field; PATCH on V4, POST + X-HTTP-Method: MERGE on V2;
    // If-Match: * without an ETag.
    c.update("Accounts", k, {{"employees", 8}});
    const auto& req = sent.back();
    auto header = [&](const std::string& name) -> std::string {
        for (const auto& [n, v] : req.headers)
            if (n == name)
                return v;
        return "(none)";
    };
    CHECK(req.method == (v2 ? "POST" : "PATCH"));
    CHECK(header("X-HTTP-Method") == (v2 ? "MERGE" : "(none)"));
    CHECK(header("If-Match") == "*");
    CHECK(nlohmann::json::parse(req.body) == nlohmann::json{{"employees", 8}});
    const auto updated = c.get("Accounts", k);
    CHECK(updated.at("employees") == 8);
    CHECK(updated.at("name") == fields["name"]);
    CHECK(updated.at("active") == true);
    CHECK(c.get("Accounts", account_key(1)).at("employees") == 100); // another row untouched

    // delete_: then get is RemoteNotFound, and the count is the seed's again.
    c.delete_("Accounts", k);
    CHECK(sent.back().method == "DELETE");
    CHECK_THROWS_AS(c.get("Accounts", k), dorm::RemoteNotFound);
    CHECK(c.count(Account::objects().all().query()) == 65);
    // Deleting it again: 404.
    CHECK_THROWS_AS(c.delete_("Accounts", k), dorm::RemoteNotFound);
    // Updating a missing key: If-Match: * makes it a 404 (or 412), never an upsert.
    CHECK_THROWS_AS(c.update("Accounts", missing, {{"employees", 1}}), dorm::RemoteError);
    CHECK_THROWS_AS(c.get("Accounts", missing), dorm::RemoteNotFound);
}

} // namespace

TEST_CASE("get create update delete_ by remote key V4", "[remote]") {
    entities(V4);
}

TEST_CASE("get create update delete_ by remote key V2", "[remote]") {
    entities(V2);
}

TEST_CASE("create and update with text that is not UTF-8: ValueError, nothing sent", "[remote]") {
    dorm_test::ODataServer server;
    Log log;
    auto t = std::make_shared<FaultyTransport>();
    od::Client c(options(server.base_v4(), V4.dialect, log), t);
    const std::string k = fresh_key(4101);
    // nlohmann::json's dump() throws its type_error for such text; callers catch dorm::Error.
    try {
        c.create("Accounts", {{"ID", k}, {"name", "caf\xe9"}, {"employees", 1}});
        FAIL("the create was sent");
    } catch (const dorm::ValueError& ex) {
        CHECK(std::string(ex.what()) ==
              "Accounts: property 'name' holds text that is not valid UTF-8; nothing was sent");
    }
    try {
        c.update("Accounts", account_key(1), {{"employees", 2}, {"name", "\xff"}});
        FAIL("the update was sent");
    } catch (const dorm::ValueError& ex) {
        CHECK(std::string(ex.what()).find("Accounts: property 'name'") == 0);
    }
    CHECK(t->calls == 0);
    CHECK(log.entries.empty());
    CHECK_THROWS_AS(c.get("Accounts", k), dorm::RemoteNotFound);
    CHECK(c.get("Accounts", account_key(1)).at("employees") == 100);
}

namespace {

struct Faults {
    dorm_test::ODataServer server;
    Log log;
    std::shared_ptr<FaultyTransport> t = std::make_shared<FaultyTransport>();
    od::ClientOptions opts;
    explicit Faults(const Endpoint& e = V4) : opts(options((server.*e.base)(), e.dialect, log)) {}
    od::Client client() { return od::Client(opts, t); }
    std::vector<int> statuses() const {
        std::vector<int> out;
        for (const auto& l : log.entries)
            out.push_back(l.status);
        return out;
    }
    std::vector<int> attempts() const {
        std::vector<int> out;
        for (const auto& l : log.entries)
            out.push_back(l.attempt);
        return out;
    }
};

} // namespace

TEST_CASE("429 with Retry-After 0 then success is retried", "[remote]") {
    Faults f;
    f.t->before = [](const od::HttpRequest&, int n) -> std::optional<od::HttpResponse> {
        if (n == 1)
            return status_only(429, "0");
        return std::nullopt;
    };
    auto c = f.client();
    CHECK(c.get("Accounts", account_key(1)).at("name") == "Acme");
    CHECK(f.statuses() == std::vector<int>{429, 200});
    CHECK(f.attempts() == std::vector<int>{1, 2});
    CHECK(f.t->calls == 2);
}

TEST_CASE("503 twice then success is retried", "[remote]") {
    for (const Endpoint* e : {&V4, &V2}) {
        Faults f(*e);
        INFO(e->name);
        f.t->before = [](const od::HttpRequest&, int n) -> std::optional<od::HttpResponse> {
            if (n <= 2)
                return status_only(503);
            return std::nullopt;
        };
        auto c = f.client();
        const auto rows = c.list(Account::objects().all().odata(e->dialect));
        CHECK(rows.size() == 65);
        // Two failed tries of page 1, then page 1 and page 2.
        CHECK(f.statuses() == std::vector<int>{503, 503, 200, 200});
        CHECK(f.attempts() == std::vector<int>{1, 2, 3, 1});
    }
}

TEST_CASE("503 beyond max_retries is RemoteServerError", "[remote]") {
    Faults f;
    f.opts.max_retries = 2;
    f.t->before = [](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        return status_only(503);
    };
    auto c = f.client();
    try {
        c.get("Accounts", account_key(1));
        FAIL("no RemoteServerError");
    } catch (const dorm::RemoteServerError& ex) {
        CHECK(ex.status == 503);
        CHECK(ex.code == "503");
        CHECK(ex.remote_message == "injected 503");
    }
    CHECK(f.t->calls == 3); // the first try and max_retries more
    CHECK(f.attempts() == std::vector<int>{1, 2, 3});
}

TEST_CASE("429 beyond max_retries is Throttled", "[remote]") {
    Faults f;
    f.opts.max_retries = 1;
    f.t->before = [](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        return status_only(429, "0");
    };
    auto c = f.client();
    try {
        c.list(Account::objects().all().odata(od::odata_v4()));
        FAIL("no Throttled");
    } catch (const dorm::Throttled& ex) {
        CHECK(ex.status == 429);
        CHECK(ex.remote_message == "injected 429");
    }
    CHECK(f.t->calls == 2);
}

TEST_CASE("writes that get 503 are not retried", "[remote]") {
    Faults f;
    f.opts.max_retries = 3;
    // The write reaches the server, its answer is lost: a retry would apply it twice.
    f.t->after = [](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (r.method != "GET")
            resp = status_only(503);
    };
    auto c = f.client();
    const std::string k = fresh_key(7001);
    CHECK_THROWS_AS(c.create("Accounts", {{"ID", k}, {"name", "once"}}), dorm::RemoteServerError);
    CHECK(f.t->methods == std::vector<std::string>{"POST"});
    CHECK(f.attempts() == std::vector<int>{1});
    CHECK(f.statuses() == std::vector<int>{503});
    CHECK(c.get("Accounts", k).at("name") == "once"); // applied once

    f.t->methods.clear();
    CHECK_THROWS_AS(c.update("Accounts", k, {{"name", "twice"}}), dorm::RemoteServerError);
    CHECK(f.t->methods == std::vector<std::string>{"PATCH"});
    f.t->methods.clear();
    CHECK_THROWS_AS(c.delete_("Accounts", k), dorm::RemoteServerError);
    CHECK(f.t->methods == std::vector<std::string>{"DELETE"});
}

TEST_CASE("a body that is not JSON is MalformedResponse", "[remote]") {
    Faults f;
    f.t->after = [](const od::HttpRequest&, int, od::HttpResponse& resp) {
        resp.body = "<html>gateway says hi";
    };
    auto c = f.client();
    try {
        c.get("Accounts", account_key(1));
        FAIL("no MalformedResponse");
    } catch (const dorm::MalformedResponse& ex) {
        CHECK(ex.status == 200);
    }
    CHECK_THROWS_AS(c.list(Account::objects().all().odata(od::odata_v4())),
                    dorm::MalformedResponse);
    CHECK_THROWS_AS(c.count(Account::objects().all().query()), dorm::MalformedResponse);
    CHECK(f.t->calls == 3); // not retried
    // JSON, but not OData's shape.
    f.t->after = [](const od::HttpRequest&, int, od::HttpResponse& resp) {
        resp.body = R"({"rows": []})";
    };
    CHECK_THROWS_AS(c.list(Account::objects().all().odata(od::odata_v4())),
                    dorm::MalformedResponse);
}

TEST_CASE("a timeout on the first GET is retried", "[remote]") {
    Faults f;
    f.t->before = [](const od::HttpRequest&, int n) -> std::optional<od::HttpResponse> {
        if (n == 1)
            throw dorm::RemoteTimeout("injected timeout");
        return std::nullopt;
    };
    auto c = f.client();
    CHECK(c.list(Account::objects().all().odata(od::odata_v4())).size() == 65);
    CHECK(f.statuses() == std::vector<int>{0, 200, 200});
    CHECK(f.attempts() == std::vector<int>{1, 2, 1});

    // Timeouts beyond max_retries: RemoteTimeout.
    f.opts.max_retries = 2;
    f.t->calls = 0;
    f.t->before = [](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        throw dorm::RemoteTimeout("injected timeout");
    };
    auto c2 = f.client();
    CHECK_THROWS_AS(c2.get("Accounts", account_key(1)), dorm::RemoteTimeout);
    CHECK(f.t->calls == 3);
}

TEST_CASE("401 and 403 are Unauthorized, 412 PreconditionFailed, none retried", "[remote]") {
    Faults f;
    int reply = 401;
    f.t->before = [&](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        return status_only(reply);
    };
    auto c = f.client();
    for (int s : {401, 403}) {
        reply = s;
        f.t->calls = 0;
        try {
            c.get("Accounts", account_key(1));
            FAIL("no Unauthorized");
        } catch (const dorm::Unauthorized& ex) {
            CHECK(ex.status == s);
            CHECK(ex.remote_message == "injected " + std::to_string(s));
        }
        CHECK(f.t->calls == 1);
    }

    // 412 on an update with an ETag: If-Match carries it.
    reply = 412;
    std::string if_match;
    f.t->before = [&](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        for (const auto& [n, v] : r.headers)
            if (n == "If-Match")
                if_match = v;
        return status_only(reply);
    };
    f.t->calls = 0;
    try {
        c.update("Accounts", account_key(1), {{"employees", 1}}, std::string("W/\"stale\""));
        FAIL("no PreconditionFailed");
    } catch (const dorm::PreconditionFailed& ex) {
        CHECK(ex.status == 412);
    }
    CHECK(if_match == "W/\"stale\"");
    CHECK_THROWS_AS(c.delete_("Accounts", account_key(1), std::string("W/\"stale\"")),
                    dorm::PreconditionFailed);
    CHECK(f.t->calls == 2);
    // Other 4xx: a plain RemoteError with the status.
    reply = 400;
    try {
        c.get("Accounts", account_key(1));
        FAIL("no RemoteError");
    } catch (const dorm::RemoteError& ex) {
        CHECK(ex.status == 400);
    }
    // Nothing was changed on the server.
    f.t->before = nullptr;
    CHECK(c.get("Accounts", account_key(1)).at("employees") == 100);
}

TEST_CASE("Retry-After beyond max_wait is capped", "[remote]") {
    Faults f;
    f.opts.max_wait = std::chrono::milliseconds(50);
    f.t->before = [](const od::HttpRequest&, int n) -> std::optional<od::HttpResponse> {
        if (n <= 2)
            return status_only(n == 1 ? 429 : 503, "30");
        return std::nullopt;
    };
    auto c = f.client();
    const auto started = std::chrono::steady_clock::now();
    CHECK(c.get("Accounts", account_key(1)).at("name") == "Acme");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(f.statuses() == std::vector<int>{429, 503, 200});
    CHECK(elapsed >= std::chrono::milliseconds(100)); // two waits of max_wait
    // Far above two waits of 50 ms (no flake on a loaded machine), far below one honoured
    // Retry-After of 30 s.
    CHECK(elapsed < std::chrono::seconds(15));
}

TEST_CASE("a server that never answers is RemoteTimeout", "[remote]") {
    // A loopback listener that accepts (in the kernel's backlog) and never answers.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 8) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    const std::string base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/odata";

    od::CurlOptions co;
    co.total_timeout = std::chrono::milliseconds(200);
    Log log;
    auto o = options(base, od::odata_v4(), log);
    o.max_retries = 1;
    od::Client c(o, std::make_shared<od::CurlTransport>(co));
    const auto started = std::chrono::steady_clock::now();
    try {
        c.get("Accounts", account_key(1));
        FAIL("no RemoteTimeout");
    } catch (const dorm::RemoteTimeout& ex) {
        CHECK(ex.status == 0);
    }
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(elapsed >= std::chrono::milliseconds(400)); // two tries of 200 ms
    CHECK(elapsed < std::chrono::seconds(10));        // each try gave up at its timeout (no hang)
    REQUIRE(log.entries.size() == 2);
    CHECK(log.entries[0].status == 0);
    CHECK(log.entries[1].attempt == 2);
    ::close(fd);
}

TEST_CASE("the request log never shows the credentials", "[remote]") {
    dorm_test::ODataServer server;
    const std::string secret = "s3cr3t-P4ss\u00e9";
    const std::string user = "dorm-user";
    for (const Endpoint* e : {&V4, &V2}) {
        INFO(e->name);
        od::CurlOptions co;
        co.auth = od::CurlOptions::Auth::Basic;
        co.user = user;
        co.secret = secret;
        std::vector<std::string> fields;
        od::ClientOptions o;
        o.base_url = (server.*e->base)();
        o.dialect = e->dialect;
        o.backoff = std::chrono::milliseconds(1);
        o.log = [&](const od::LoggedRequest& r) {
            fields.emplace_back(r.method);
            fields.emplace_back(r.url);
        };
        od::Client c(o, std::make_shared<od::CurlTransport>(co));
        LocalStore local;
        const std::string k = fresh_key(e == &V4 ? 8001 : 8002);
        CHECK(c.list(Account::objects().all().odata(e->dialect)).size() == 65);
        c.create("Accounts", {{"ID", k}, {"name", secret}}); // the secret as data is not logged
        c.update("Accounts", k, {{"employees", 3}});
        c.delete_("Accounts", k);
        CHECK_THROWS_AS(c.get("Accounts", k), dorm::RemoteNotFound);
        REQUIRE(fields.size() == 2 * 6);
        for (const auto& s : fields) {
            INFO(s);
            CHECK(s.find(secret) == std::string::npos);
            CHECK(s.find("s3cr3t") == std::string::npos);
            CHECK(s.find(user) == std::string::npos);
        }
    }
}

TEST_CASE("backoff continues after a Retry-After of 0", "[remote]") {
    // Retry-After sets one wait; the next retry without it waits the doubled backoff again.
    Faults f;
    f.opts.backoff = std::chrono::milliseconds(100);
    f.opts.max_wait = std::chrono::seconds(30);
    f.t->before = [](const od::HttpRequest&, int n) -> std::optional<od::HttpResponse> {
        if (n == 1)
            return status_only(429, "0");
        if (n == 2)
            return status_only(503);
        return std::nullopt;
    };
    auto c = f.client();
    const auto started = std::chrono::steady_clock::now();
    CHECK(c.get("Accounts", account_key(1)).at("name") == "Acme");
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(f.statuses() == std::vector<int>{429, 503, 200});
    CHECK(elapsed >= std::chrono::milliseconds(200)); // 0, then 2 x 100 ms
    // A Retry-After of 0 is no wait, not "as long as allowed": far below max_wait (30 s).
    CHECK(elapsed < std::chrono::seconds(15));
}
