// dorm::odata::Client with the real CurlTransport against the real OData test server
// (tests/remote/server, SAP CAP), through a loopback TCP proxy that injects faults at the
// socket level (tests/support/loopback_proxy.hpp): a refused connection, a connection closed
// at once, a reset, a request that goes nowhere, a body shorter than its Content-Length, an
// answer that never comes or comes late. What a user checks:
//
// - the error type: RemoteUnavailable (status 0) for a connection that failed or dropped,
//   RemoteTimeout for no answer in time; never a MalformedResponse for half a body;
// - GETs (get, list, count) are retried up to ClientOptions::max_retries and then return
//   exactly the server's rows (ClientOptions::log shows each attempt);
// - writes are tried once; whether the remote applied one depends on where the connection
//   broke, which the server itself (asked directly, not through the proxy) tells.
//
// The proxy serves one request per connection, so "the next N connections" of the proxy are
// the client's next N requests.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/remote/client.hpp>

#include "loopback_proxy.hpp"
#include "odata_accounts.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm_test::account_key;
using dorm_test::fresh_key;
using Fault = dorm_test::LoopbackProxy::Fault;
using Clock = std::chrono::steady_clock;
using odata_accounts::Account;
using std::chrono::milliseconds;

constexpr std::size_t SEEDED = 65; // rows in tests/remote/server/db/data/dorm.test-Accounts.csv

struct Logged {
    std::string method, url;
    int status = 0;
    int attempt = 0;
};

// The real server, the proxy in front of it, and clients through the proxy (short timeouts,
// 1 ms backoff, max_retries 2) with a request log.
struct Rig {
    dorm_test::ODataServer server;
    dorm_test::LoopbackProxy proxy{server.port()};
    std::vector<Logged> log;
    od::CurlOptions curl;
    od::ClientOptions opts;

    explicit Rig(bool v2 = false) {
        curl.connect_timeout = milliseconds(1000);
        curl.total_timeout = milliseconds(3000);
        opts.base_url = proxy.url(v2 ? "/odata/v2/crm" : "/odata/v4/crm");
        opts.dialect = v2 ? od::odata_v2() : od::odata_v4();
        opts.max_retries = 2;
        opts.backoff = milliseconds(1);
        opts.log = [this](const od::LoggedRequest& r) {
            log.push_back({std::string(r.method), std::string(r.url), r.status, r.attempt});
        };
    }
    od::Client client() const {
        return od::Client(opts, std::make_shared<od::CurlTransport>(curl));
    }
    std::vector<int> attempts() const {
        std::vector<int> out;
        for (const auto& l : log)
            out.push_back(l.attempt);
        return out;
    }
    std::vector<int> statuses() const {
        std::vector<int> out;
        for (const auto& l : log)
            out.push_back(l.status);
        return out;
    }
    // The server's answer to a GET sent to it directly (not through the proxy).
    dorm_test::HttpResponse direct(const std::string& path) const {
        return dorm_test::http_get(server.base_v4() + path);
    }
    std::size_t rows_on_server() const {
        return direct("/Accounts/$count").json.get<std::size_t>();
    }
};

const char* name(Fault f) {
    switch (f) {
    case Fault::pass:
        return "pass";
    case Fault::close_on_accept:
        return "close_on_accept";
    case Fault::reset:
        return "reset";
    case Fault::drop_after_request:
        return "drop_after_request";
    case Fault::truncate_body:
        return "truncate_body";
    case Fault::drop_answer:
        return "drop_answer";
    case Fault::stall:
        return "stall";
    case Fault::delay:
        return "delay";
    }
    return "?";
}

// The faults that break a connection before a whole answer came.
const std::vector<Fault> DROPS{Fault::close_on_accept, Fault::reset, Fault::drop_after_request,
                               Fault::truncate_body, Fault::drop_answer};

// A row without V2's __metadata (its uri names the host and port the client asked).
nlohmann::json bare(nlohmann::json row) {
    row.erase("__metadata");
    return row;
}
std::vector<nlohmann::json> bare(const std::vector<nlohmann::json>& rows) {
    std::vector<nlohmann::json> out;
    for (const auto& r : rows)
        out.push_back(bare(r));
    return out;
}

// Every row of a list URL as the server gives it directly, following its next links.
std::vector<nlohmann::json> server_rows(const Rig& rig, std::string url, bool v2) {
    std::vector<nlohmann::json> rows;
    for (;;) {
        const auto page = dorm_test::http_get(url);
        REQUIRE(page.status == 200);
        const auto& body = v2 ? page.json.at("d") : page.json;
        const auto& value = v2 ? body.at("results") : body.at("value");
        for (const auto& r : value)
            rows.push_back(bare(r));
        const char* next = v2 ? "__next" : "@odata.nextLink";
        if (value.empty() || !body.contains(next))
            return rows;
        url = body.at(next).get<std::string>();
        if (url.find("://") == std::string::npos) // V4: relative to the service root
            url = rig.server.base_v4() + "/" + url;
    }
}

std::set<std::string> ids_of(const std::vector<nlohmann::json>& rows) {
    std::set<std::string> out;
    for (const auto& r : rows)
        out.insert(r.at("ID").get<std::string>());
    return out;
}

bool mentions(const std::exception& e, const std::string& text) {
    return std::string(e.what()).find(text) != std::string::npos;
}

} // namespace

TEST_CASE("a refused connection is RemoteUnavailable at once, GETs retried, writes tried once",
          "[remote]") {
    Rig rig;
    rig.curl.connect_timeout = std::chrono::seconds(10); // a try that waited for it shows
    auto c = rig.client();
    REQUIRE(c.get("Accounts", account_key(1)).at("name") == "Acme"); // the way through works
    rig.proxy.stop_listening();
    rig.log.clear();

    const auto started = Clock::now();
    try {
        c.get("Accounts", account_key(1));
        FAIL("no RemoteUnavailable");
    } catch (const dorm::RemoteUnavailable& ex) {
        CHECK(ex.status == 0);
        CHECK(mentions(ex, "GET " + rig.opts.base_url + "/Accounts("));
        CHECK(mentions(ex, "Failed to connect to 127.0.0.1 port")); // libcurl's detail
        CHECK_FALSE(ex.maybe_sent); // no connection: nothing can have been applied
    }
    // Refused at once: three tries took less than one connect timeout (10 s).
    CHECK(Clock::now() - started < std::chrono::seconds(10));
    CHECK(rig.attempts() == std::vector<int>{1, 2, 3}); // max_retries = 2
    CHECK(rig.statuses() == std::vector<int>{0, 0, 0});

    rig.log.clear();
    CHECK_THROWS_AS(c.create("Accounts", {{"ID", fresh_key(1)}, {"name", "refused"}}),
                    dorm::RemoteUnavailable);
    CHECK(rig.attempts() == std::vector<int>{1});
    CHECK(rig.direct("/Accounts(" + fresh_key(1) + ")").status == 404);
    CHECK(rig.proxy.accepted() == 1); // only the first GET got through
}

TEST_CASE("a GET whose connection drops twice is retried and returns the server's rows",
          "[remote]") {
    Rig rig;
    auto c = rig.client();
    const od::Request all = Account::objects().all().odata(od::odata_v4());
    const auto want_rows = server_rows(rig, all.url(rig.server.base_v4()), false);
    REQUIRE(want_rows.size() == SEEDED);
    const auto want_acme = rig.direct("/Accounts(" + account_key(1) + ")").json;
    REQUIRE(want_acme.at("name") == "Acme");

    for (Fault f : DROPS) {
        INFO(name(f));
        // get: two broken tries, then the row.
        rig.log.clear();
        int before = rig.proxy.accepted();
        rig.proxy.next(f, 2);
        CHECK(c.get("Accounts", account_key(1)) == want_acme);
        CHECK(rig.attempts() == std::vector<int>{1, 2, 3});
        CHECK(rig.statuses() == std::vector<int>{0, 0, 200});
        CHECK(rig.proxy.accepted() - before == 3); // one connection per try

        // list: page 1 twice broken, then pages 1 and 2.
        rig.log.clear();
        before = rig.proxy.accepted();
        rig.proxy.next(f, 2);
        CHECK(c.list(all) == want_rows);
        CHECK(rig.attempts() == std::vector<int>{1, 2, 3, 1});
        CHECK(rig.statuses() == std::vector<int>{0, 0, 200, 200});
        CHECK(rig.proxy.accepted() - before == 4);

        // count: the $count answer after two broken tries.
        rig.log.clear();
        rig.proxy.next(f, 2);
        CHECK(c.count(Account::objects().all().query()) == static_cast<std::int64_t>(SEEDED));
        CHECK(rig.attempts() == std::vector<int>{1, 2, 3});
    }
}

TEST_CASE("a connection that drops every time is RemoteUnavailable after max_retries+1 tries",
          "[remote]") {
    Rig rig;
    auto c = rig.client();
    const od::Request all = Account::objects().all().odata(od::odata_v4());
    for (Fault f : DROPS) {
        INFO(name(f));
        rig.proxy.every(f);
        rig.log.clear();
        const int before = rig.proxy.accepted();
        try {
            c.get("Accounts", account_key(1));
            FAIL("no RemoteUnavailable");
        } catch (const dorm::RemoteUnavailable& ex) {
            CHECK(ex.status == 0);
            CHECK(mentions(ex, "GET " + rig.opts.base_url + "/Accounts("));
        }
        CHECK(rig.attempts() == std::vector<int>{1, 2, 3});
        CHECK(rig.statuses() == std::vector<int>{0, 0, 0});
        CHECK(rig.proxy.accepted() - before == 3);

        rig.log.clear();
        CHECK_THROWS_AS(c.list(all), dorm::RemoteUnavailable);
        CHECK(rig.attempts() == std::vector<int>{1, 2, 3});
        rig.log.clear();
        CHECK_THROWS_AS(c.count(Account::objects().all().query()), dorm::RemoteUnavailable);
        CHECK(rig.attempts() == std::vector<int>{1, 2, 3});
    }
    // Fixed: the same client goes on working.
    rig.proxy.every(Fault::pass);
    CHECK(c.list(all).size() == SEEDED);
}

TEST_CASE("a body cut short on page 2 is fetched again, with no duplicate rows", "[remote]") {
    for (bool v2 : {false, true}) {
        Rig rig(v2);
        INFO((v2 ? "V2" : "V4"));
        auto c = rig.client();
        const od::Request all = Account::objects().all().odata(rig.opts.dialect);
        const auto want =
            server_rows(rig, all.url(v2 ? rig.server.base_v2() : rig.server.base_v4()), v2);
        REQUIRE(want.size() == SEEDED);

        rig.proxy.next(Fault::pass);          // page 1
        rig.proxy.next(Fault::truncate_body); // page 2, first try
        const auto rows = c.list(all);
        CHECK(bare(rows) == want); // the same rows in the same order
        CHECK(ids_of(rows).size() == SEEDED);
        REQUIRE(rig.log.size() == 3);
        CHECK(rig.attempts() == std::vector<int>{1, 1, 2});
        CHECK(rig.statuses() == std::vector<int>{200, 0, 200});
        CHECK(rig.log[1].url == rig.log[2].url); // page 2 again, through the proxy
        CHECK(rig.log[1].url != rig.log[0].url);
        const auto requests = rig.proxy.requests();
        REQUIRE(requests.size() == 3);
        CHECK(requests[1] == requests[2]);
    }
}

TEST_CASE("an answer that never comes is RemoteTimeout after the total timeout", "[remote]") {
    Rig rig;
    rig.curl.total_timeout = milliseconds(300);
    rig.opts.max_retries = 1;
    auto c = rig.client();
    rig.proxy.every(Fault::stall);

    auto started = Clock::now();
    try {
        c.get("Accounts", account_key(1));
        FAIL("no RemoteTimeout");
    } catch (const dorm::RemoteTimeout& ex) {
        CHECK(ex.status == 0);
        CHECK(mentions(ex, "GET " + rig.opts.base_url + "/Accounts("));
    }
    auto elapsed = Clock::now() - started;
    CHECK(elapsed >= milliseconds(550));       // two tries of 300 ms (curl may end a hair early)
    CHECK(elapsed < std::chrono::seconds(10)); // each gave up at its timeout (no hang)
    CHECK(rig.attempts() == std::vector<int>{1, 2});
    CHECK(rig.statuses() == std::vector<int>{0, 0});
    CHECK(rig.proxy.accepted() == 2); // connected both times: a read timeout

    // A write that times out is not retried, and this one never reached the server.
    rig.log.clear();
    started = Clock::now();
    CHECK_THROWS_AS(c.create("Accounts", {{"ID", fresh_key(1)}, {"name", "stalled"}}),
                    dorm::RemoteTimeout);
    elapsed = Clock::now() - started;
    CHECK(elapsed >= milliseconds(250));
    CHECK(elapsed < std::chrono::seconds(10));    // gave up at its timeout (no hang)
    CHECK(rig.attempts() == std::vector<int>{1}); // not retried
    CHECK(rig.direct("/Accounts(" + fresh_key(1) + ")").status == 404);

    // The same client works again once the answers come.
    rig.proxy.every(Fault::pass);
    CHECK(c.get("Accounts", account_key(1)).at("name") == "Acme");
}

TEST_CASE("a slow answer within the timeout succeeds, one beyond it is RemoteTimeout", "[remote]") {
    Rig rig;
    rig.curl.total_timeout = milliseconds(1000);
    auto c = rig.client();

    rig.proxy.next(Fault::delay, 1, milliseconds(300));
    auto started = Clock::now();
    CHECK(c.get("Accounts", account_key(1)).at("name") == "Acme");
    CHECK(Clock::now() - started >= milliseconds(300));
    CHECK(rig.attempts() == std::vector<int>{1}); // not retried

    rig.log.clear();
    rig.opts.max_retries = 0;
    auto once = rig.client();
    // The answer would come after 10 s (the proxy stops waiting when the client closes).
    rig.proxy.next(Fault::delay, 1, milliseconds(10'000));
    started = Clock::now();
    CHECK_THROWS_AS(once.get("Accounts", account_key(1)), dorm::RemoteTimeout);
    const auto elapsed = Clock::now() - started;
    CHECK(elapsed >= milliseconds(950));      // its 1 s timeout (curl may end a hair early)
    CHECK(elapsed < std::chrono::seconds(5)); // gave up at its timeout, before the late answer
    CHECK(rig.attempts() == std::vector<int>{1});
}

TEST_CASE("a write whose request went nowhere is tried once and not applied", "[remote]") {
    Rig rig;
    auto c = rig.client();
    const std::string k = fresh_key(1);

    rig.proxy.next(Fault::drop_after_request);
    try {
        c.create("Accounts", {{"ID", k}, {"name", "dropped"}});
        FAIL("no RemoteUnavailable");
    } catch (const dorm::RemoteUnavailable& ex) {
        CHECK(ex.status == 0);
        CHECK(mentions(ex, "POST " + rig.opts.base_url + "/Accounts"));
        CHECK(ex.maybe_sent); // the client cannot know that the proxy forwarded nothing
    }
    CHECK(rig.attempts() == std::vector<int>{1});
    REQUIRE(rig.proxy.requests().size() == 1);
    CHECK(rig.proxy.requests()[0].starts_with("POST ")); // the proxy had the whole request
    CHECK(rig.direct("/Accounts(" + k + ")").status == 404);
    CHECK(rig.rows_on_server() == SEEDED);

    // Sending it again (the same client-made key) creates it, once.
    CHECK(c.create("Accounts", {{"ID", k}, {"name", "dropped"}}).at("ID") == k);
    CHECK(rig.rows_on_server() == SEEDED + 1);

    // update and delete_ too: one try each, nothing changed.
    rig.log.clear();
    rig.proxy.next(Fault::drop_after_request);
    CHECK_THROWS_AS(c.update("Accounts", k, {{"name", "renamed"}}), dorm::RemoteUnavailable);
    rig.proxy.next(Fault::drop_after_request);
    CHECK_THROWS_AS(c.delete_("Accounts", k), dorm::RemoteUnavailable);
    CHECK(rig.attempts() == std::vector<int>{1, 1});
    CHECK(rig.direct("/Accounts(" + k + ")").json.at("name") == "dropped");
    CHECK(rig.rows_on_server() == SEEDED + 1);

    // A $batch changeset too: one try, none of it applied.
    rig.log.clear();
    rig.proxy.next(Fault::drop_after_request);
    CHECK_THROWS_AS(c.batch({od::BatchOperation::create("Accounts", {{"ID", fresh_key(3)}}),
                             od::BatchOperation::delete_("Accounts", k)}),
                    dorm::RemoteUnavailable);
    CHECK(rig.attempts() == std::vector<int>{1});
    CHECK(rig.direct("/Accounts(" + fresh_key(3) + ")").status == 404);
    CHECK(rig.direct("/Accounts(" + k + ")").status == 200);
    CHECK(rig.rows_on_server() == SEEDED + 1);
}

TEST_CASE("a write whose answer was lost after the server applied it is tried once, and the "
          "error says it may have been sent",
          "[remote]") {
    Rig rig;
    auto c = rig.client();
    const std::string k = fresh_key(4);
    c.create("Accounts", {{"ID", k}, {"name", "to lose"}});
    rig.log.clear();

    // PATCH: applied, its answer dropped.
    rig.proxy.next(Fault::drop_answer);
    try {
        c.update("Accounts", k, {{"name", "renamed, answer lost"}});
        FAIL("no RemoteUnavailable");
    } catch (const dorm::RemoteUnavailable& ex) {
        CHECK(ex.status == 0);
        CHECK(ex.maybe_sent);
        CHECK(mentions(ex, "PATCH " + rig.opts.base_url + "/Accounts(" + k + ")"));
    }
    CHECK(rig.direct("/Accounts(" + k + ")").json.at("name") == "renamed, answer lost");

    // DELETE: applied, its 204 dropped (Fault::truncate_body cannot cut an empty answer).
    rig.proxy.next(Fault::drop_answer);
    try {
        c.delete_("Accounts", k);
        FAIL("no RemoteUnavailable");
    } catch (const dorm::RemoteUnavailable& ex) {
        CHECK(ex.maybe_sent);
        CHECK(mentions(ex, "DELETE " + rig.opts.base_url + "/Accounts(" + k + ")"));
    }
    CHECK(rig.direct("/Accounts(" + k + ")").status == 404);
    CHECK(rig.attempts() == std::vector<int>{1, 1}); // neither write was sent twice
    CHECK(rig.proxy.requests().size() == 3);         // the create, the PATCH, the DELETE
    CHECK(rig.rows_on_server() == SEEDED);
}

TEST_CASE("a create whose answer was cut short was applied, and sending it again duplicates "
          "nothing",
          "[remote]") {
    Rig rig;
    auto c = rig.client();
    const std::string k = fresh_key(2);
    const nlohmann::json fields{{"ID", k}, {"name", "half answered"}};

    rig.proxy.next(Fault::truncate_body);
    try {
        c.create("Accounts", fields);
        FAIL("no RemoteUnavailable");
    } catch (const dorm::RemoteUnavailable& ex) {
        CHECK(ex.status == 0); // the 201 was seen, but not the whole answer
        CHECK(ex.maybe_sent);
        CHECK(mentions(ex, "transfer closed with")); // libcurl's detail
    }
    CHECK(rig.attempts() == std::vector<int>{1});
    // The server did create it: the client cannot tell from the error alone. This is why the
    // sync engine makes keys itself: a second try with the same key cannot make a second row.
    CHECK(rig.direct("/Accounts(" + k + ")").json.at("name") == "half answered");
    CHECK(rig.rows_on_server() == SEEDED + 1);

    rig.log.clear();
    try {
        c.create("Accounts", fields);
        FAIL("a second create of the same key succeeded");
    } catch (const dorm::RemoteServerError& ex) {
        // CAP reports a duplicate key as a 500 carrying SQLite's constraint error.
        CHECK(ex.status == 500);
        CHECK(ex.code == "SQLITE_CONSTRAINT_PRIMARYKEY");
    }
    CHECK(rig.attempts() == std::vector<int>{1});
    CHECK(rig.rows_on_server() == SEEDED + 1);

    // A $batch changeset whose answer is cut short was applied whole.
    rig.log.clear();
    rig.proxy.next(Fault::truncate_body);
    CHECK_THROWS_AS(c.batch({od::BatchOperation::create("Accounts", {{"ID", fresh_key(3)}}),
                             od::BatchOperation::delete_("Accounts", k)}),
                    dorm::RemoteUnavailable);
    CHECK(rig.attempts() == std::vector<int>{1});
    CHECK(rig.direct("/Accounts(" + fresh_key(3) + ")").status == 200);
    CHECK(rig.direct("/Accounts(" + k + ")").status == 404);
    CHECK(rig.rows_on_server() == SEEDED + 1);
}
