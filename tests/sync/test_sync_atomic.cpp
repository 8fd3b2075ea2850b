// dorm::atomic with synced models (issue 12 §2), against the real OData test server (SAP
// CAP, V4): the synced writes of a block are applied locally at once and queued; just
// before the block's COMMIT they go to the remote as one $batch changeset (a single write
// as its own request). A refusal rolls the whole block back on both sides; a block that
// throws, or the part of it a nested atomic rolls back, sends nothing. Reads inside the
// block see the local state.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "odata_fixtures.hpp"
#include "synced_store.hpp"

namespace {

namespace od = dorm::odata;
using dorm_test::account_key;
using dorm_test::contact_key;
using dorm_test::FaultyTransport;
using namespace odata_accounts;

// V4, or (no_batch) V2 with a dialect that has no $batch, as crm2011.
od::Dialect without_batch() {
    od::Dialect v2 = od::odata_v2();
    v2.has_batch = false;
    return v2;
}

struct Rig : dorm_test::SyncedStore {
    explicit Rig(bool no_batch = false)
        : SyncedStore(no_batch ? std::optional(without_batch()) : std::nullopt) {}

    // The writes sent since the last take() ("METHOD url").
    std::vector<std::string> writes() {
        std::vector<std::string> out;
        for (const auto& r : take())
            if (r.method != "GET")
                out.push_back(r.method + " " + r.url);
        return out;
    }
    // The Contact on the server, read with a plain GET; null when it is not there.
    nlohmann::json remote(const std::string& key) { return SyncedStore::remote("Contacts", key); }
    std::size_t remote_count() { return SyncedStore::remote_count("Contacts"); }
    Contact seeded(int n) { return Contact::objects().get("cdms_pk", contact_key(n)); }
    Contact fresh(const std::string& name) {
        Contact c;
        c.name = name;
        c.email = "fresh@block.example";
        c.account = Account::objects().get("cdms_pk", account_key(1));
        return c;
    }
    // The local row of a key as the remote has it: name, email and stamp agree.
    void in_step(const std::string& key) {
        const nlohmann::json r = remote(key);
        REQUIRE(r.is_object());
        const Contact c = Contact::objects().skip_cdms().get("cdms_pk", key);
        CHECK(c.name == r.at("name").get<std::string>());
        CHECK(c.email == r.at("email").get<std::string>());
        std::string stamp = r.at("modifiedOn").get<std::string>();
        stamp.pop_back(); // Z
        CHECK(c.modified_on == dorm::DateTime::parse(stamp));
    }
};

// How many times `what` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("the synced writes of an atomic block are one changeset, sent just before its commit",
          "[sync]") {
    Rig s;
    Contact ann = s.seeded(1);
    Contact zoe = s.seeded(3);
    Contact made = s.fresh("made in a block");
    const std::size_t count_before = s.remote_count();
    s.take();
    std::vector<std::string> sent_inside;
    dorm::atomic(s.db, [&] {
        made.save();
        ann.email = "ann@block.example";
        ann.save();
        zoe.delete_();
        sent_inside = s.writes();
        // Reads inside the block see the local state, and ask the remote nothing.
        CHECK(Contact::objects().get("cdms_pk", contact_key(1)).email == "ann@block.example");
        CHECK_FALSE(Contact::objects().filter("cdms_pk", contact_key(3)).exists());
        CHECK(Contact::objects().filter("name", "made in a block").count() == 1);
        CHECK(s.take().empty());
    });
    CHECK(sent_inside.empty());
    const auto sent = s.take();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "POST");
    CHECK(sent[0].url == s.server.base_v4() + "/$batch");
    CHECK(occurrences(sent[0].body, "\r\nPOST Contacts HTTP/1.1") == 1);
    CHECK(occurrences(sent[0].body, "\r\nPATCH Contacts(" + contact_key(1) + ") HTTP/1.1") == 1);
    CHECK(occurrences(sent[0].body, "\r\nDELETE Contacts(" + contact_key(3) + ") HTTP/1.1") == 1);
    CHECK(occurrences(sent[0].body, "Content-Type: multipart/mixed; boundary=changeset") == 1);

    // Applied on the remote, and the local rows carry the remote's stamps.
    REQUIRE(made.cdms_pk);
    CHECK(s.remote_count() == count_before); // one created, one deleted
    CHECK(s.remote(*made.cdms_pk).at("name") == "made in a block");
    CHECK(s.remote(contact_key(1)).at("email") == "ann@block.example");
    CHECK(s.remote(contact_key(3)).is_null());
    s.in_step(*made.cdms_pk);
    s.in_step(contact_key(1));
    CHECK_FALSE(Contact::objects().skip_cdms().filter("cdms_pk", contact_key(3)).exists());
    CHECK(s.engine->pending().empty());

    // The next save of the same row sends the ETag the changeset's answer gave it.
    s.take();
    Contact again = Contact::objects().skip_cdms().get("cdms_pk", contact_key(1));
    again.email = "ann@after.example";
    again.save();
    CHECK(s.writes() == std::vector<std::string>{"PATCH " + s.server.base_v4() + "/Contacts(" +
                                                 contact_key(1) + ")"});
    s.in_step(contact_key(1));
}

TEST_CASE("a changeset the remote refuses rolls the whole block back on both sides", "[sync]") {
    Rig s;
    Contact ann = s.seeded(1);
    Contact bob = s.seeded(2);
    // Bob changes on the remote after this program read him: his If-Match is stale.
    od::Client(od::ClientOptions(s.server.base_v4(), od::odata_v4()))
        .update("Contacts", contact_key(2), {{"email", "elsewhere@example.com"}});
    const nlohmann::json ann_before = s.remote(contact_key(1));
    const std::size_t count_before = s.remote_count();
    const std::string local_before = s.dump();
    Contact made = s.fresh("refused with its block");
    s.take();

    try {
        dorm::atomic(s.db, [&] {
            made.save();
            ann.email = "ann@refused.example";
            ann.save();
            bob.email = "bob@refused.example";
            bob.save();
        });
        FAIL("the block committed");
    } catch (const dorm::ObjectsNotInSync& e) {
        CHECK(std::string(e.what()).find("the local change was rolled back") != std::string::npos);
    }
    const auto writes = s.writes();
    REQUIRE(writes.size() == 1); // the one changeset
    CHECK(writes[0] == "POST " + s.server.base_v4() + "/$batch");
    CHECK(s.dump() == local_before);
    CHECK(s.remote_count() == count_before);
    CHECK(s.remote(contact_key(1)) == ann_before);
    CHECK(s.remote(contact_key(2)).at("email") == "elsewhere@example.com");
    CHECK(s.engine->pending().empty()); // a refusal: known not applied
}

TEST_CASE("a block that throws sends nothing, and a nested atomic that rolls back drops its "
          "writes",
          "[sync]") {
    Rig s;
    Contact ann = s.seeded(1);
    const std::string local_before = s.dump();
    const std::size_t count_before = s.remote_count();
    s.take();

    SECTION("the block throws") {
        Contact made = s.fresh("never sent");
        CHECK_THROWS_AS(dorm::atomic(s.db,
                                     [&] {
                                         made.save();
                                         ann.email = "ann@never.example";
                                         ann.save();
                                         throw std::runtime_error("the caller's own failure");
                                     }),
                        std::runtime_error);
        CHECK(s.writes().empty());
        CHECK(s.dump() == local_before);
        CHECK(s.remote_count() == count_before);
        CHECK(s.remote(contact_key(1)).at("email") == "ann@example.com");
        CHECK(s.engine->pending().empty());
    }
    SECTION("a nested block rolls back: its writes are dropped, the rest is sent") {
        Contact zoe = s.seeded(3);
        s.take();
        Contact kept = s.fresh("kept");
        Contact dropped = s.fresh("dropped");
        dorm::atomic(s.db, [&] {
            kept.save();
            try {
                dorm::atomic(s.db, [&] {
                    dropped.save();
                    ann.email = "ann@dropped.example";
                    ann.save();
                    throw std::runtime_error("rolled back to the savepoint");
                });
            } catch (const std::runtime_error&) {
            }
            // A nested block that commits is sent with the outer one.
            dorm::atomic(s.db, [&] { zoe.delete_(); });
        });
        const auto writes = s.writes();
        REQUIRE(writes.size() == 1);
        CHECK(writes[0] == "POST " + s.server.base_v4() + "/$batch");
        REQUIRE(kept.cdms_pk);
        CHECK(s.remote(*kept.cdms_pk).at("name") == "kept");
        CHECK(s.remote(contact_key(3)).is_null());
        CHECK(s.remote(contact_key(1)).at("email") == "ann@example.com");
        CHECK(s.remote_count() == count_before); // one created, one deleted, nothing else
        CHECK_FALSE(Contact::objects().skip_cdms().filter("name", "dropped").exists());
        s.in_step(*kept.cdms_pk);
    }
}

TEST_CASE("one synced write in an atomic block is its own request, as outside one", "[sync]") {
    Rig s;
    Contact ann = s.seeded(1);
    s.take();
    dorm::atomic(s.db, [&] {
        ann.email = "ann@alone.example";
        ann.save();
    });
    CHECK(s.writes() == std::vector<std::string>{"PATCH " + s.server.base_v4() + "/Contacts(" +
                                                 contact_key(1) + ")"});
    s.in_step(contact_key(1));
}

TEST_CASE("without $batch the block's writes go one by one at its commit, and a refusal part-way "
          "leaves the applied ones journalled",
          "[sync]") {
    Rig s(/*no_batch=*/true);
    Contact ann = s.seeded(1);
    Contact bob = s.seeded(2);
    const nlohmann::json bob_before = s.remote(contact_key(2));
    // The remote refuses Bob's write (a 400 instead of the server's answer).
    s.transport->before = [&s](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        s.sent.push_back(r);
        if (r.method == "GET" || r.url.find(contact_key(2)) == std::string::npos)
            return std::nullopt;
        od::HttpResponse resp;
        resp.status = 400;
        resp.body = R"({"error":{"code":"400","message":{"lang":"en","value":"refused"}}})";
        return resp;
    };
    s.take();
    std::vector<std::string> sent_inside{"(not run)"};
    CHECK_THROWS_AS(dorm::atomic(s.db,
                                 [&] {
                                     ann.email = "ann@one-by-one.example";
                                     ann.save();
                                     bob.email = "bob@one-by-one.example";
                                     bob.save();
                                     sent_inside = s.writes();
                                 }),
                    dorm::RemoteError);
    CHECK(sent_inside.empty());
    const auto writes = s.writes();
    REQUIRE(writes.size() == 2); // Ann's, then Bob's: one request each
    CHECK(writes[0].find(contact_key(1)) != std::string::npos);
    CHECK(writes[1].find(contact_key(2)) != std::string::npos);
    // Ann's write was applied before Bob's was refused; the block rolled back locally.
    CHECK(s.remote(contact_key(1)).at("email") == "ann@one-by-one.example");
    CHECK(s.remote(contact_key(2)) == bob_before);
    CHECK(Contact::objects().skip_cdms().get("cdms_pk", contact_key(1)).email == "ann@example.com");
    const auto pending = s.engine->pending();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].key == contact_key(1));
    CHECK(pending[0].state == "applied");
    // Resolved from the remote: the local row is the remote's again.
    CHECK(s.engine->recover() == 1);
    CHECK(s.engine->pending().empty());
    s.in_step(contact_key(1));
    s.in_step(contact_key(2));
}

TEST_CASE("writes of one row around another row's in a block keep their order, the later ones "
          "without a stale If-Match",
          "[sync]") {
    Rig s;
    Contact ann = s.seeded(1);
    Contact made = s.fresh("made between two saves of Ann");
    Contact gone = s.fresh("created and deleted in the block");
    const std::size_t count_before = s.remote_count();
    s.take();
    dorm::atomic(s.db, [&] {
        ann.email = "ann@first.example";
        ann.save();
        made.save();
        gone.save();
        ann.email = "ann@second.example";
        ann.save();
        gone.delete_();
    });
    const auto sent = s.take();
    REQUIRE(sent.size() == 1);
    const std::string& body = sent[0].body;
    const std::string patch_ann = "\r\nPATCH Contacts(" + contact_key(1) + ") HTTP/1.1";
    // In the order made: PATCH Ann, POST, PATCH Ann; the row created and deleted in the
    // block is never sent.
    const auto first = body.find(patch_ann);
    const auto second = body.find(patch_ann, first + 1);
    REQUIRE(first != std::string::npos);
    REQUIRE(second != std::string::npos);
    const auto posts = body.find("\r\nPOST Contacts HTTP/1.1", first);
    REQUIRE(posts != std::string::npos);
    CHECK(first < posts);
    CHECK(posts < second);
    CHECK(occurrences(body, "\r\nPOST Contacts HTTP/1.1") == 1);
    CHECK(occurrences(body, "\r\nDELETE ") == 0);
    CHECK(occurrences(body, "created and deleted in the block") == 0);
    CHECK(occurrences(body, "If-Match: *") == 1);  // Ann's second save
    CHECK(occurrences(body, "If-Match: W/") == 1); // Ann's first save: the row as read
    CHECK(s.remote(contact_key(1)).at("email") == "ann@second.example");
    REQUIRE(made.cdms_pk);
    REQUIRE(gone.cdms_pk);
    CHECK(s.remote(*made.cdms_pk).at("name") == "made between two saves of Ann");
    CHECK(s.remote(*gone.cdms_pk).is_null());
    CHECK(s.remote_count() == count_before + 1);
    s.in_step(contact_key(1));
    s.in_step(*made.cdms_pk);
    CHECK(s.engine->pending().empty());
}
