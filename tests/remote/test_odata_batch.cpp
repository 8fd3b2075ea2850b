// Client::batch() — one atomic changeset in a `$batch` request — and ETags, against the real
// OData test server (SAP CAP) on its V4 and V2 endpoints:
//
// 1. A changeset of creates, updates and deletes is applied whole; values with quotes,
//    line breaks and text that looks like a multipart boundary arrive intact.
// 2. A changeset the server refuses (a missing key, a stale ETag) applies nothing: every
//    row is checked on the server afterwards; the typed error names the operation.
// 3. ETags of the Contacts entity: a single update with a stale ETag is a real 412
//    (PreconditionFailed), a current one passes and the new ETag comes back.
// 4. Limits (crm2011 has no $batch, a changeset over the dialect's size) refused before any
//    request; answers that are not a well-formed multipart are MalformedResponse, never
//    retried.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/remote/client.hpp>

#include "faulty_transport.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm_test::account_key;
using dorm_test::contact_key;
using dorm_test::Endpoint;
using dorm_test::FaultyTransport;
using dorm_test::fresh_key;
using dorm_test::V2;
using dorm_test::V4;
using Op = od::BatchOperation;

struct Fixture {
    dorm_test::ODataServer server;
    std::shared_ptr<FaultyTransport> transport = std::make_shared<FaultyTransport>();
    od::Client client;
    explicit Fixture(const Endpoint& e)
        : client(od::ClientOptions((server.*e.base)(), e.dialect), transport) {}

    // The entity as the server has it now, read with a plain GET on the V4 endpoint (not
    // through the client under test); null when the server says 404.
    nlohmann::json row(const std::string& set, const std::string& key) {
        const auto r = dorm_test::http_get(server.base_v4() + "/" + set + "(" + key + ")");
        if (r.status == 404)
            return nullptr;
        REQUIRE(r.status == 200);
        return r.json;
    }
    std::size_t rows(const std::string& set) {
        const auto r = dorm_test::http_get(server.base_v4() + "/" + set + "/$count");
        REQUIRE(r.status == 200);
        return std::stoul(r.body);
    }
};

std::string etag_of(const nlohmann::json& entity) {
    if (entity.contains("@odata.etag"))
        return entity["@odata.etag"];
    return entity.at("__metadata").at("etag");
}

const std::string hostile = "O'Brien \"&\" 100% _x_ back\\slash\r\n--batch_0\r\n"
                            "--changeset_0--\r\nHTTP/1.1 500 Oops\r\n\r\nM\u00fcller \U0001F680";

void applied_whole(const Endpoint& e) {
    Fixture f(e);
    INFO(e.name);
    const std::size_t before = f.rows("Accounts");
    const auto results = f.client.batch({
        Op::create("Accounts", {{"ID", fresh_key(1)}, {"name", hostile}, {"employees", 1}}),
        Op::create("Accounts", {{"ID", fresh_key(2)}, {"name", "second"}, {"active", false}}),
        Op::update("Accounts", account_key(2), {{"employees", 8}, {"name", "acme labs 'renamed'"}}),
        Op::delete_("Accounts", account_key(3)),
    });
    // One request for the whole changeset.
    CHECK(f.transport->calls == 1);
    CHECK(f.transport->methods == std::vector<std::string>{"POST"});

    REQUIRE(results.size() == 4);
    CHECK(results[0].status == 201);
    CHECK(results[0].entity.at("ID") == fresh_key(1));
    CHECK(results[0].entity.at("name") == hostile);
    CHECK(results[1].status == 201);
    CHECK(results[1].entity.at("active") == false);
    CHECK((results[2].status == 200 || results[2].status == 204));
    CHECK(results[3].status == 204);
    CHECK(results[3].entity.is_null());

    // What the server holds now.
    CHECK(f.row("Accounts", fresh_key(1)).at("name") == hostile);
    CHECK(f.row("Accounts", fresh_key(1)).at("employees") == 1);
    CHECK(f.row("Accounts", fresh_key(2)).at("name") == "second");
    const auto updated = f.row("Accounts", account_key(2));
    CHECK(updated.at("employees") == 8);
    CHECK(updated.at("name") == "acme labs 'renamed'");
    CHECK(updated.at("rating") == 2.25); // a field the update did not name is unchanged
    CHECK(f.row("Accounts", account_key(3)).is_null());
    CHECK(f.rows("Accounts") == before + 1);
}

void refused_applies_nothing(const Endpoint& e) {
    Fixture f(e);
    INFO(e.name);
    const std::size_t before = f.rows("Accounts");
    const std::string missing = fresh_key(99);
    try {
        f.client.batch({
            Op::create("Accounts", {{"ID", fresh_key(3)}, {"name", "never"}}),
            Op::update("Accounts", account_key(2), {{"employees", 9}}),
            Op::delete_("Accounts", account_key(4)),
            Op::update("Accounts", missing, {{"employees", 1}}),
        });
        FAIL("the changeset was accepted");
    } catch (const dorm::RemoteNotFound& ex) {
        const std::string what = ex.what();
        INFO(what);
        CHECK(ex.status == 404);
        CHECK(what.find("operation 4 of 4 (update of Accounts(") != std::string::npos);
        CHECK(what.find(missing) != std::string::npos);
        CHECK(what.find("the changeset was not applied") != std::string::npos);
    }
    CHECK(f.transport->calls == 1); // a write: not retried
    // Nothing of the changeset happened.
    CHECK(f.row("Accounts", fresh_key(3)).is_null());
    CHECK(f.row("Accounts", account_key(2)).at("employees") == 5);
    CHECK_FALSE(f.row("Accounts", account_key(4)).is_null());
    CHECK(f.rows("Accounts") == before);
}

void etags(const Endpoint& e) {
    Fixture f(e);
    INFO(e.name);
    // A single update with the current ETag passes and changes it; the old one is now stale.
    const auto first = f.client.get("Contacts", contact_key(2));
    const std::string old_etag = etag_of(first);
    CHECK(old_etag == "W/\"2020-01-01T00:00:00.000Z\"");
    f.client.update("Contacts", contact_key(2), {{"email", "bob@new.example"}}, old_etag);
    const auto second = f.client.get("Contacts", contact_key(2));
    CHECK(second.at("email") == "bob@new.example");
    const std::string new_etag = etag_of(second);
    CHECK(new_etag != old_etag);
    CHECK_THROWS_AS(
        f.client.update("Contacts", contact_key(2), {{"email", "lost@update"}}, old_etag),
        dorm::PreconditionFailed);
    CHECK(f.row("Contacts", contact_key(2)).at("email") == "bob@new.example");
    CHECK_THROWS_AS(f.client.delete_("Contacts", contact_key(2), old_etag),
                    dorm::PreconditionFailed);
    CHECK_FALSE(f.row("Contacts", contact_key(2)).is_null());

    // In a changeset: a stale ETag refuses the whole changeset.
    try {
        f.client.batch({
            Op::create("Contacts", {{"ID", fresh_key(10)}, {"name", "never"}}),
            Op::update("Contacts", contact_key(1), {{"email", "x@y"}},
                       "W/\"2000-01-01T00:00:00.000Z\""),
        });
        FAIL("the changeset was accepted");
    } catch (const dorm::PreconditionFailed& ex) {
        INFO(ex.what());
        CHECK(ex.status == 412);
        CHECK(std::string(ex.what()).find("operation 2 of 2") != std::string::npos);
    }
    CHECK(f.row("Contacts", fresh_key(10)).is_null());
    CHECK(f.row("Contacts", contact_key(1)).at("email") == "ann@example.com");

    // With current ETags it is applied, and each result carries the entity's new ETag.
    const std::string c1 = etag_of(f.client.get("Contacts", contact_key(1)));
    const auto results = f.client.batch({
        Op::update("Contacts", contact_key(1), {{"email", "ann@new.example"}}, c1),
        Op::delete_("Contacts", contact_key(2), new_etag),
    });
    REQUIRE(results.size() == 2);
    CHECK(f.row("Contacts", contact_key(1)).at("email") == "ann@new.example");
    CHECK(f.row("Contacts", contact_key(2)).is_null());
    if (results[0].status == 200) {
        REQUIRE(results[0].etag);
        CHECK(*results[0].etag != c1);
        CHECK(*results[0].etag == etag_of(f.client.get("Contacts", contact_key(1))));
    }
}

} // namespace

TEST_CASE("a changeset is applied whole V4", "[remote]") {
    applied_whole(V4);
}
TEST_CASE("a changeset is applied whole V2", "[remote]") {
    applied_whole(V2);
}
TEST_CASE("a refused changeset applies nothing and names the operation V4", "[remote]") {
    refused_applies_nothing(V4);
}
TEST_CASE("a refused changeset applies nothing and names the operation V2", "[remote]") {
    refused_applies_nothing(V2);
}
TEST_CASE("ETags are sent as If-Match and a stale one is PreconditionFailed V4", "[remote]") {
    etags(V4);
}
TEST_CASE("ETags are sent as If-Match and a stale one is PreconditionFailed V2", "[remote]") {
    etags(V2);
}

TEST_CASE("a changeset of 300 creates is one request", "[remote]") {
    Fixture f(V4);
    std::vector<Op> ops;
    for (int i = 0; i < 300; ++i)
        ops.push_back(Op::create("Accounts", {{"ID", fresh_key(1000 + i)}, {"name", "bulk"}}));
    const std::size_t before = f.rows("Accounts");
    const auto results = f.client.batch(ops);
    CHECK(f.transport->calls == 1);
    REQUIRE(results.size() == 300);
    for (int i = 0; i < 300; ++i)
        CHECK(results[static_cast<std::size_t>(i)].entity.at("ID") == fresh_key(1000 + i));
    CHECK(f.rows("Accounts") == before + 300);
}

TEST_CASE("batch limits are checked before any request", "[remote]") {
    auto transport = std::make_shared<FaultyTransport>();
    transport->before = [](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        FAIL("a request was sent");
        return std::nullopt;
    };
    const std::vector<Op> one{Op::delete_("Accounts", account_key(1))};

    od::Client crm(od::ClientOptions("http://127.0.0.1:9/crm", od::crm2011()), transport);
    try {
        crm.batch(one);
        FAIL("crm2011 accepted a $batch");
    } catch (const dorm::NotSupported& ex) {
        CHECK(std::string(ex.what()) == "the crm2011 dialect has no $batch");
    }

    od::Dialect small = od::odata_v4();
    small.max_batch = 2;
    od::Client v4(od::ClientOptions("http://127.0.0.1:9/crm", small), transport);
    std::vector<Op> three(3, one.front());
    try {
        v4.batch(three);
        FAIL("an oversized changeset was sent");
    } catch (const dorm::ValueError& ex) {
        CHECK(std::string(ex.what()) ==
              "a changeset of 3 operations: the odata_v4 dialect allows 2");
    }
    CHECK(v4.batch({}).empty());
    CHECK(transport->calls == 0);
}

TEST_CASE("a batch answer that is not a whole multipart is MalformedResponse", "[remote]") {
    Fixture f(V4);
    const std::vector<Op> ops{
        Op::update("Accounts", account_key(2), {{"employees", 11}}),
        Op::update("Accounts", account_key(6), {{"employees", 12}}),
    };
    const auto malformed = [&](std::function<void(od::HttpResponse&)> spoil) {
        f.transport->calls = 0;
        f.transport->after = [&](const od::HttpRequest&, int, od::HttpResponse& r) { spoil(r); };
        CHECK_THROWS_AS(f.client.batch(ops), dorm::MalformedResponse);
        CHECK(f.transport->calls == 1); // never retried: the server may have applied it
    };
    malformed([](od::HttpResponse& r) { // not multipart
        for (auto& [n, v] : r.headers)
            if (n == "content-type")
                v = "application/json";
    });
    malformed([](od::HttpResponse& r) { r.body.resize(r.body.size() / 2); }); // cut short
    malformed([](od::HttpResponse& r) { r.body.clear(); });
    malformed([](od::HttpResponse& r) { // one answer for two operations
        const auto b = r.body.find("boundary=") + 9;
        const std::string changeset =
            "\n--" + r.body.substr(b, r.body.find_first_of("\r\n;", b) - b);
        const auto second = r.body.find(changeset, r.body.find(changeset) + 1);
        r.body.erase(second, r.body.find(changeset + "--") - second);
    });
    // The real answers were applied (the spoiling happened after the server answered).
    CHECK(f.row("Accounts", account_key(2)).at("employees") == 11);
}

TEST_CASE("text that is not UTF-8 is a ValueError before any request V4", "[remote]") {
    Fixture f(V4);
    const std::size_t before = f.rows("Accounts");
    try {
        f.client.batch({
            Op::create("Accounts", {{"ID", fresh_key(20)}, {"name", "fine"}}),
            Op::update("Accounts", account_key(2), {{"employees", 9}, {"name", "bad \xc3("}}),
        });
        FAIL("the changeset was sent");
    } catch (const dorm::ValueError& ex) {
        const std::string what = ex.what();
        INFO(what);
        CHECK(what.find("Accounts") != std::string::npos);
        CHECK(what.find("'name'") != std::string::npos);
        CHECK(what.find("UTF-8") != std::string::npos);
    }
    CHECK(f.transport->calls == 0);
    CHECK(f.rows("Accounts") == before);
    CHECK(f.row("Accounts", fresh_key(20)).is_null());
    CHECK(f.row("Accounts", account_key(2)).at("employees") == 5);
}
