// The sync engine's writes against the real OData test server (SAP CAP, V4): save() of a new
// object is a local INSERT and a remote create, of an existing one a local UPDATE and one
// PATCH of the changed mapped fields with If-Match; delete_() deletes on both sides. A
// remote refusal or failure leaves the local store (compared as a dump) and the object as
// they were. skip_cdms writes locally only.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include "odata_fixtures.hpp"
#include "synced_store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm::Value;
using dorm_test::account_key;
using dorm_test::contact_key;
using dorm_test::FaultyTransport;
using namespace odata_accounts;

struct Synced : dorm_test::SyncedStore {
    // From now on every write is answered 500 (reads pass), and still recorded.
    void refuse_writes() {
        transport->before = [this](const od::HttpRequest& r,
                                   int) -> std::optional<od::HttpResponse> {
            sent.push_back(r);
            if (r.method == "GET")
                return std::nullopt;
            od::HttpResponse resp;
            resp.status = 500;
            resp.body = R"({"error":{"code":"500","message":"injected"}})";
            return resp;
        };
    }
};

// CAP's ETag of a Contact: its stamp to the millisecond.
std::string cap_etag(const dorm::DateTime& dt) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "W/\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"", dt.date.year,
                  dt.date.month, dt.date.day, dt.time.hour, dt.time.minute, dt.time.second,
                  dt.time.microsecond / 1000);
    return buf;
}

std::string header(const od::HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers)
        if (n == name)
            return v;
    return "(none)";
}

} // namespace

TEST_CASE("save() of a new object creates it on both sides in one request", "[sync]") {
    Synced s;
    const Account acme = Account::objects().get("cdms_pk", account_key(1));
    s.take();

    Contact c;
    c.name = "New O'Hara \"100%\" _x_ \\ M\u00fcller";
    c.email = "new@example.com";
    c.account = acme;
    c.notes = "kept locally";
    c.save();

    const auto sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "POST");
    const auto body = nlohmann::json::parse(sent[0].body);
    CHECK_FALSE(body.contains("notes"));      // an unmapped field stays local
    CHECK_FALSE(body.contains("modifiedOn")); // the remote keeps its own stamp
    CHECK(body.at("account_ID") == account_key(1));

    REQUIRE(c.cdms_pk);
    CHECK(od::is_guid(*c.cdms_pk));
    CHECK(c.cdms_pk->at(14) == '4'); // a version 4 GUID, made by the client
    CHECK(c.id > 0);
    const auto remote = s.remote("Contacts", *c.cdms_pk);
    REQUIRE(remote.is_object());
    CHECK(remote.at("name") == *c.name);
    CHECK(remote.at("account_ID") == account_key(1));
    // The remote's stamp is the local row's and the object's; its ETag is kept.
    REQUIRE(c.modified_on);
    const Contact local = Contact::objects().skip_cdms().get("id", c.id);
    CHECK(local.modified_on == c.modified_on);
    CHECK(local.notes == "kept locally");
    CHECK(remote.at("@odata.etag") == cap_etag(*c.modified_on));
}

TEST_CASE("save() of a changed object sends one PATCH of the changed fields with If-Match",
          "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(2));
    const auto before_stamp = c.modified_on;
    s.take();

    c.email = "bob@new.example";
    c.notes = "local only";
    c.save();
    auto sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "PATCH");
    CHECK(nlohmann::json::parse(sent[0].body) == nlohmann::json{{"email", "bob@new.example"}});
    CHECK(header(sent[0], "If-Match") == "W/\"2020-01-01T00:00:00.000Z\"");
    CHECK(s.remote("Contacts", contact_key(2)).at("email") == "bob@new.example");
    CHECK(c.modified_on > before_stamp); // the remote's new stamp

    // Nothing mapped changed: no request at all.
    c.notes = "still local";
    c.save();
    CHECK(s.take().empty());
    CHECK(Contact::objects().skip_cdms().get("id", c.id).notes == "still local");

    // The next save carries the new ETag.
    const std::string etag = cap_etag(*c.modified_on);
    c.name = "Bob O'Hara";
    c.save();
    sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(header(sent[0], "If-Match") == etag);
}

TEST_CASE("a remote change since the read is ObjectsNotInSync and the save is rolled back",
          "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    // Someone else changes the row remotely (a new ETag).
    od::Client other(od::ClientOptions(s.server.base_v4(), od::odata_v4()));
    const auto now = other.get("Contacts", contact_key(1));
    other.update("Contacts", contact_key(1), {{"name", "changed elsewhere"}},
                 od::Client::etag_of(now));

    const std::string before = s.dump();
    c.email = "lost@update";
    CHECK_THROWS_AS(c.save(), dorm::ObjectsNotInSync);
    CHECK(s.dump() == before); // the local UPDATE was rolled back
    CHECK(s.remote("Contacts", contact_key(1)).at("email") == "ann@example.com");
    CHECK(s.remote("Contacts", contact_key(1)).at("name") == "changed elsewhere");
}

TEST_CASE("a failed remote write leaves the local store and the object as they were", "[sync]") {
    Synced s;
    const Account acme = Account::objects().get("cdms_pk", account_key(1));
    const std::size_t remote_contacts = s.remote_count("Contacts");
    const std::string before = s.dump();
    s.take();

    // A create refused by the server (400: a name longer than the entity allows).
    Contact c;
    c.name = std::string(161, 'x');
    c.account = acme;
    // dorm's own max_length check fires first: a ValidationError, no request.
    CHECK_THROWS_AS(c.save(), dorm::ValidationError);
    CHECK(s.take().empty());

    // Every write answered 500: nothing is left locally, the object is unsaved again.
    s.refuse_writes();
    c.name = "never";
    CHECK_THROWS_AS(c.save(), dorm::RemoteServerError);
    CHECK(c.id == 0);
    CHECK(s.dump() == before);
    CHECK(s.remote_count("Contacts") == remote_contacts);

    // An update and a delete likewise.
    s.transport->before = nullptr;
    Contact ann = Contact::objects().get("cdms_pk", contact_key(1));
    const std::string loaded = s.dump();
    s.transport->before = [&](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        if (r.method == "GET")
            return std::nullopt;
        od::HttpResponse resp;
        resp.status = 503;
        resp.body = "{}";
        return resp;
    };
    ann.email = "x@y";
    CHECK_THROWS_AS(ann.save(), dorm::RemoteServerError);
    CHECK(s.dump() == loaded);
    const auto id = ann.id;
    CHECK_THROWS_AS(ann.delete_(), dorm::RemoteServerError);
    CHECK(ann.id == id); // the object keeps its key
    CHECK(s.dump() == loaded);
    CHECK(s.remote("Contacts", contact_key(1)).at("email") == "ann@example.com");
}

TEST_CASE("text that is not UTF-8 is a ValueError before anything is written", "[sync]") {
    Synced s;
    const Account acme = Account::objects().get("cdms_pk", account_key(1));
    Contact ann = Contact::objects().get("cdms_pk", contact_key(1));
    const std::size_t remote_contacts = s.remote_count("Contacts");
    const std::string before = s.dump();
    s.take();

    // Before: the local INSERT ran, then the JSON body threw nlohmann's type_error (not a
    // dorm::Error) and the local write was rolled back.
    Contact c;
    c.name = "caf\xe9";
    c.account = acme;
    CHECK_THROWS_AS(c.save(), dorm::ValueError);
    CHECK_THROWS_WITH(c.save(), Catch::Contains("Contact.name") && Catch::Contains("UTF-8"));
    CHECK(c.id == 0);
    CHECK_FALSE(c.cdms_pk);
    ann.email = "\xff@example.com";
    CHECK_THROWS_AS(ann.save(), dorm::ValueError);
    std::vector<Contact> many(2);
    many[0].name = "fine";
    many[1].name = "\xc3";
    CHECK_THROWS_AS(Contact::objects().bulk_create(many), dorm::ValueError);
    CHECK(many[0].id == 0);
    CHECK_THROWS_AS(Contact::objects().filter("pk", ann.id).update({{"email", "\x80"}}),
                    dorm::ValueError);
    CHECK(s.take().empty()); // no request
    CHECK(s.dump() == before);
    CHECK(s.remote_count("Contacts") == remote_contacts);
    CHECK(s.remote("Contacts", contact_key(1)).at("email") == "ann@example.com");
}

TEST_CASE("a failed synced write says that the local change was rolled back", "[sync]") {
    Synced s;
    const std::string before = s.dump();
    // Not sent at all (the connection was refused): not applied, nothing journalled.
    s.transport->before = [](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        if (r.method == "POST")
            throw dorm::RemoteUnavailable("POST: connection refused (injected)", false);
        return std::nullopt;
    };
    Contact c;
    c.name = "refused";
    try {
        c.save();
        FAIL("the save succeeded");
    } catch (const dorm::RemoteUnavailable& e) {
        CHECK(std::string(e.what()) ==
              "POST: connection refused (injected); the local change was rolled back");
        CHECK_FALSE(e.journal_entry());
    }
    CHECK(s.dump() == before);
    // Answered 500: the remote may have applied it; rolled back locally and journalled.
    s.refuse_writes();
    try {
        c.save();
        FAIL("the save succeeded");
    } catch (const dorm::RemoteServerError& e) {
        CHECK_THAT(e.what(), Catch::Contains("; the local change was rolled back, and the "
                                             "outcome is unknown (the remote may have applied "
                                             "the write): the write is journalled (entry "));
        CHECK(e.journal_entry());
    }
    CHECK(s.dump() == before);
}

TEST_CASE("a create whose answer was lost is found by its key, not made twice", "[sync]") {
    Synced s;
    const std::size_t remote_contacts = s.remote_count("Contacts");
    // The POST reaches the server, but its answer is lost.
    s.transport->after = [](const od::HttpRequest& r, int, od::HttpResponse&) {
        if (r.method == "POST")
            throw dorm::RemoteUnavailable("POST: the connection dropped (injected)", true);
    };
    Contact c;
    c.name = "answer lost";
    c.save();
    CHECK(s.remote_count("Contacts") == remote_contacts + 1);
    REQUIRE(c.cdms_pk);
    CHECK(s.remote("Contacts", *c.cdms_pk).at("name") == "answer lost");
    CHECK(Contact::objects().skip_cdms().filter("cdms_pk", *c.cdms_pk).count() == 1);
}

TEST_CASE("delete_() deletes on both sides, and a row already gone remotely is deleted locally",
          "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(3));
    s.take();
    c.delete_();
    const auto sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "DELETE");
    CHECK(header(sent[0], "If-Match") == "W/\"2021-06-30T23:59:59.000Z\"");
    CHECK(s.remote("Contacts", contact_key(3)).is_null());
    CHECK_FALSE(Contact::objects().skip_cdms().filter("cdms_pk", contact_key(3)).exists());

    Contact b = Contact::objects().get("cdms_pk", contact_key(2));
    od::Client(od::ClientOptions(s.server.base_v4(), od::odata_v4()))
        .delete_("Contacts", contact_key(2));
    b.delete_();
    CHECK_FALSE(Contact::objects().skip_cdms().filter("cdms_pk", contact_key(2)).exists());
}

TEST_CASE("a 404 to a DELETE deletes locally only when the entity set answers without the row",
          "[sync]") {
    Synced s;
    // Answers 404 to the DELETE (nothing forwarded), and to the listing too when asked.
    const auto answer_404 = [&](bool listing_too) {
        s.transport->before = [&s, listing_too](const od::HttpRequest& r,
                                                int) -> std::optional<od::HttpResponse> {
            s.sent.push_back(r);
            if (r.method != "DELETE" && !listing_too)
                return std::nullopt;
            od::HttpResponse resp;
            resp.status = 404;
            resp.body = R"({"error":{"code":"404","message":"injected"}})";
            return resp;
        };
    };
    Contact c = Contact::objects().get("cdms_pk", contact_key(2));
    const std::string before = s.dump();

    SECTION("a 404 from something other than the row (a gateway): the remote still has it") {
        answer_404(false);
        s.take();
        try {
            c.delete_();
            FAIL("delete_() succeeded");
        } catch (const dorm::RemoteNotFound& e) {
            CHECK(std::string(e.what()).find("still has the row; the local delete was rolled "
                                             "back") != std::string::npos);
            CHECK(e.status == 404);
        }
        const auto sent = s.take();
        REQUIRE(sent.size() == 2);
        CHECK(sent[0].method == "DELETE");
        CHECK(sent[1].method == "GET"); // the listing by key
        CHECK(sent[1].url.find("$filter=") != std::string::npos);
        CHECK(s.dump() == before);
        CHECK_FALSE(s.remote("Contacts", contact_key(2)).is_null());
    }
    SECTION("a 404 of the whole entity set (a wrong set, a gateway): the refusal stands") {
        answer_404(true);
        try {
            c.delete_();
            FAIL("delete_() succeeded");
        } catch (const dorm::RemoteNotFound& e) {
            CHECK(std::string(e.what()).find("404 to a listing of its entity set 'Contacts'") !=
                  std::string::npos);
        }
        CHECK(s.dump() == before);
        CHECK_FALSE(s.remote("Contacts", contact_key(2)).is_null());
    }
    SECTION("the row is gone remotely: the local delete goes ahead") {
        od::Client(od::ClientOptions(s.server.base_v4(), od::odata_v4()))
            .delete_("Contacts", contact_key(2));
        answer_404(false);
        c.delete_();
        CHECK_FALSE(Contact::objects().skip_cdms().filter("cdms_pk", contact_key(2)).exists());
        CHECK(dorm_test::dump_tables(s.db, {"dorm_sync_etag"}).find(contact_key(2)) ==
              std::string::npos);
    }
}

TEST_CASE("get() of a row with a known ETag is conditional: 304 leaves it, 200 refreshes it",
          "[sync]") {
    Synced s;
    REQUIRE(Contact::objects().count() == 3);
    s.take();
    const auto fetched = s.engine->counters().rows_fetched;
    const Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    auto sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(header(sent[0], "If-None-Match") == "W/\"2016-02-29T12:00:00.000Z\"");
    CHECK(s.engine->counters().rows_fetched == fetched); // 304: no body
    CHECK(c.name == "Ann Smith");

    // Changed remotely: the same GET answers 200 with the new version.
    od::Client(od::ClientOptions(s.server.base_v4(), od::odata_v4()))
        .update("Contacts", contact_key(1), {{"name", "Ann (changed remotely)"}});
    CHECK(Contact::objects().get("cdms_pk", contact_key(1)).name == "Ann (changed remotely)");
    sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(header(sent[0], "If-None-Match") == "W/\"2016-02-29T12:00:00.000Z\"");
    CHECK(s.engine->counters().rows_fetched == fetched + 1);

    // Saved with skip_cdms: the remote's version must be read to compare, so no If-None-Match.
    Contact mine = Contact::objects().skip_cdms().get("cdms_pk", contact_key(1));
    mine.notes = "local only";
    mine.save(dorm::skip_cdms);
    CHECK_THROWS_AS(Contact::objects().get("cdms_pk", contact_key(1)), dorm::ObjectsNotInSync);
    sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(header(sent[0], "If-None-Match") == "(none)");
}

TEST_CASE("get_or_create and update_or_create sync through their get() and save()", "[sync]") {
    Synced s;
    // A row the remote has and the local store lacks: read from the remote, not created.
    const auto [ann, created] =
        Contact::objects().get_or_create({{"cdms_pk", contact_key(1)}}, {{"name", "unused"}});
    CHECK_FALSE(created);
    CHECK(ann.name == "Ann Smith");
    const std::size_t remote_contacts = s.remote_count("Contacts");

    // A row nobody has: the filtered read finds nothing, then one create on both sides.
    s.take();
    const auto [made, was_made] = Contact::objects().get_or_create({{"name", "from get_or_create"}},
                                                                   {{"email", "g@example.com"}});
    CHECK(was_made);
    auto sent = s.take();
    REQUIRE(sent.size() == 2);
    CHECK(sent[0].method == "GET");
    CHECK(sent[1].method == "POST");
    CHECK(s.remote_count("Contacts") == remote_contacts + 1);
    REQUIRE(made.cdms_pk);
    CHECK(s.remote("Contacts", *made.cdms_pk).at("email") == "g@example.com");

    // update_or_create of that row: a conditional GET (304) and one PATCH of the defaults.
    const auto [updated, again] = Contact::objects().update_or_create(
        {{"name", "from get_or_create"}}, {{"email", "u@example.com"}});
    CHECK_FALSE(again);
    CHECK(updated.id == made.id);
    sent = s.take();
    REQUIRE(sent.size() == 2);
    CHECK(header(sent[0], "If-None-Match") != "(none)");
    CHECK(sent[1].method == "PATCH");
    CHECK(sent[1].body == R"({"email":"u@example.com"})");
    CHECK(s.remote("Contacts", *made.cdms_pk).at("email") == "u@example.com");
    CHECK(s.remote_count("Contacts") == remote_contacts + 1);
}

TEST_CASE("skip_cdms writes the local store only", "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    s.take();
    c.email = "local@only";
    c.save(dorm::skip_cdms);
    Contact d;
    d.name = "local only";
    d.save(dorm::skip_cdms);
    CHECK_FALSE(d.cdms_pk); // no remote key: it never reached the remote
    c.delete_(dorm::skip_cdms);
    CHECK(s.take().empty());
    CHECK(s.remote("Contacts", contact_key(1)).at("email") == "ann@example.com");
    CHECK(Contact::objects().skip_cdms().count() == 1);

    // Saved with sync later, the local-only object is created remotely.
    d.save();
    REQUIRE(d.cdms_pk);
    CHECK(s.remote("Contacts", *d.cdms_pk).at("name") == "local only");
}

TEST_CASE("bulk_create, update() and delete_() are one changeset each", "[sync]") {
    Synced s;
    const Account acme = Account::objects().get("cdms_pk", account_key(1));
    REQUIRE(Contact::objects().count() == 3);
    const std::size_t remote_contacts = s.remote_count("Contacts");
    s.take();

    std::vector<Contact> many(3);
    for (std::size_t i = 0; i < many.size(); ++i) {
        many[i].name = "bulk '" + std::to_string(i) + "' %_";
        many[i].account = acme;
    }
    Contact::objects().bulk_create(many);
    auto sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].url.ends_with("/$batch"));
    CHECK(s.remote_count("Contacts") == remote_contacts + 3);
    for (const auto& c : many) {
        REQUIRE(c.cdms_pk);
        CHECK(c.id > 0);
        REQUIRE(c.modified_on); // the remote's stamp
        const auto r = s.remote("Contacts", *c.cdms_pk);
        CHECK(r.at("name") == *c.name);
        CHECK(r.at("account_ID") == account_key(1));
        CHECK(Contact::objects().skip_cdms().get("id", c.id).modified_on == c.modified_on);
    }

    // update(): the matched rows, their changed mapped fields, one changeset with If-Match.
    const auto n = Contact::objects()
                       .filter("name__startswith", "bulk")
                       .update({{"email", "bulk@example.com"}, {"notes", "local"}});
    CHECK(n == 3);
    sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].body.find("If-Match: W/\"") != std::string::npos);
    CHECK(sent[0].body.find("notes") == std::string::npos);
    for (const auto& c : many)
        CHECK(s.remote("Contacts", *c.cdms_pk).at("email") == "bulk@example.com");
    // The new ETags were kept: a second update passes If-Match.
    CHECK(Contact::objects().filter("name__startswith", "bulk").update({{"email", "b2@x"}}) == 3);
    s.take();

    // delete_(): one changeset, both sides.
    const auto deleted = Contact::objects().filter("name__startswith", "bulk").delete_();
    CHECK(deleted.total == 3);
    sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(s.remote_count("Contacts") == remote_contacts);
    for (const auto& c : many)
        CHECK(s.remote("Contacts", *c.cdms_pk).is_null());
    CHECK(Contact::objects().skip_cdms().count() == 3);
}

TEST_CASE("a queryset delete_() of rows some of which are gone remotely deletes the rest",
          "[sync]") {
    Synced s;
    REQUIRE(Contact::objects().count() == 3);
    // Contact 2 is deleted elsewhere: the changeset deleting all three is refused for it
    // (CAP: 412), the engine asks which rows are there and sends the other two again.
    od::Client(od::ClientOptions(s.server.base_v4(), od::odata_v4()))
        .delete_("Contacts", contact_key(2));
    s.take();
    CHECK(Contact::objects().all().delete_().total == 3);
    const auto sent = s.take();
    REQUIRE(sent.size() == 3); // the changeset; which rows are there; the changeset again
    CHECK(sent[0].url.ends_with("/$batch"));
    CHECK(sent[1].method == "GET");
    CHECK(sent[2].url.ends_with("/$batch"));
    CHECK(sent[2].body.find(contact_key(1)) != std::string::npos);
    CHECK(sent[2].body.find(contact_key(2)) == std::string::npos);
    CHECK(s.remote_count("Contacts") == 0);
    CHECK(Contact::objects().skip_cdms().count() == 0);
    CHECK(s.dump().find(contact_key(1)) == std::string::npos); // the ETags went too
}

TEST_CASE("a bulk_create whose answer was lost is found by its keys, not made twice", "[sync]") {
    Synced s;
    const std::size_t remote_contacts = s.remote_count("Contacts");
    // The changeset reaches the server, but its answer is lost.
    s.transport->after = [](const od::HttpRequest& r, int, od::HttpResponse&) {
        if (r.url.ends_with("$batch"))
            throw dorm::RemoteTimeout("POST $batch: no answer in time (injected)");
    };
    std::vector<Contact> two(2);
    two[0].name = "lost #1";
    two[1].name = "lost #2";
    Contact::objects().bulk_create(two);
    CHECK(s.remote_count("Contacts") == remote_contacts + 2);
    for (const auto& c : two) {
        CHECK(c.id > 0);
        REQUIRE(c.cdms_pk);
        CHECK(s.remote("Contacts", *c.cdms_pk).at("name") == *c.name);
        REQUIRE(c.modified_on); // the remote's stamp, from the lookup
        CHECK(Contact::objects().skip_cdms().get("id", c.id).modified_on == c.modified_on);
    }
    // The ETags came with the lookup: an update passes If-Match.
    s.transport->after = nullptr;
    CHECK(Contact::objects().filter("name__startswith", "lost #").update({{"email", "l@x"}}) == 2);
}

TEST_CASE("a refused changeset rolls back the whole bulk write", "[sync]") {
    Synced s;
    REQUIRE(Contact::objects().count() == 3);
    // Contact 1 changes remotely: its stored ETag is stale.
    od::Client other(od::ClientOptions(s.server.base_v4(), od::odata_v4()));
    other.update("Contacts", contact_key(1), {{"name", "changed elsewhere"}});
    const std::string before = s.dump();
    s.take();

    CHECK_THROWS_AS(Contact::objects().all().update({{"email", "all@x"}}), dorm::ObjectsNotInSync);
    CHECK(s.dump() == before);
    CHECK(s.remote("Contacts", contact_key(2)).at("email") == "bob@example.com");
    CHECK_THROWS_AS(Contact::objects().all().delete_(), dorm::ObjectsNotInSync);
    CHECK(s.dump() == before);
    CHECK_FALSE(s.remote("Contacts", contact_key(2)).is_null());

    // A bulk_create the server refuses (500): nothing stays, the objects are unsaved again.
    s.refuse_writes();
    std::vector<Contact> two(2);
    two[0].name = "a";
    two[1].name = "b";
    CHECK_THROWS_AS(Contact::objects().bulk_create(two), dorm::RemoteServerError);
    CHECK(two[0].id == 0);
    CHECK(two[1].id == 0);
    CHECK(s.dump() == before);
}

TEST_CASE("a changeset over the server's body limit is refused whole and writes nothing",
          "[sync]") {
    Synced s;
    REQUIRE(Contact::objects().count() == 3);
    const std::string before = s.dump();
    const std::size_t remote_contacts = s.remote_count("Contacts");
    s.take();
    // 900 creates with 150-character names: a body of some 200 kB, over CAP's 100 kB.
    std::vector<Contact> many(900);
    for (std::size_t i = 0; i < many.size(); ++i)
        many[i].name = std::to_string(i) + std::string(150, 'x');
    try {
        Contact::objects().bulk_create(many);
        FAIL("the server took a changeset over its body limit");
    } catch (const dorm::RemoteError& e) {
        CHECK(e.status == 413);
    }
    CHECK(s.take().size() == 1); // not split, not looked up
    CHECK(s.dump() == before);
    CHECK(s.remote_count("Contacts") == remote_contacts);
    for (const auto& c : many)
        CHECK(c.id == 0);
}

TEST_CASE("bulk writes on skip_cdms() stay local", "[sync]") {
    Synced s;
    REQUIRE(Contact::objects().count() == 3);
    s.take();
    std::vector<Contact> many(2);
    many[0].name = "one";
    many[1].name = "two";
    Contact::objects().skip_cdms().bulk_create(many);
    CHECK(Contact::objects()
              .skip_cdms()
              .filter("name__in", dorm::Values{"one", "two"})
              .update({{"notes", "n"}}) == 2);
    CHECK(Contact::objects().skip_cdms().filter("notes", "n").delete_().total == 2);
    CHECK(s.take().empty());
}
