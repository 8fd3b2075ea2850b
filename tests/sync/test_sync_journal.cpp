// The sync engine's write journal (issue 12 §1) against the real OData test server (SAP CAP):
// every remote write is recorded before it is sent, in a file beside the store, and cleared
// once the local transaction holding it committed. The windows where the remote and the
// local store disagree, each made real here:
//   window 1  the answer to a PATCH or DELETE is lost after the server applied it
//   window 2  the server applied the write, then the local side fails: the answer cannot
//             be stored (its stamp is corrupted on the way back), or COMMIT fails (an SQLite
//             commit hook refuses it)
//   window 3  the caller's own dorm::atomic() rolls back after synced writes inside it:
//             nothing was sent (the block's writes wait for its COMMIT, test_sync_atomic),
//             and a block whose changeset was applied fails at COMMIT
//   SIGKILL   the process dies between the remote's answer and the local COMMIT
// Each leaves an entry (pending()), the error says the outcome is journalled, and recover(),
// a fresh attach, or the next write of the row makes the local row the remote's: field by
// field equal to a plain GET from the server, no second remote row, no lost field. A retried
// PATCH whose first answer was lost is adopted: no ObjectsNotInSync, no second PATCH.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "faulty_transport.hpp"
#include "odata_contacts.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"
#include "temp_dir.hpp"

namespace {

namespace od = dorm::odata;
using dorm_test::account_key;
using dorm_test::contact_key;
using dorm_test::FaultyTransport;
using namespace odata_accounts;

dorm::sync::Options options_for(const dorm_test::ODataServer& server,
                                std::shared_ptr<od::Transport> transport) {
    dorm::sync::Options o;
    o.client = od::ClientOptions(server.base_v4(), od::odata_v4());
    o.client.backoff = std::chrono::milliseconds(1);
    o.transport = std::move(transport);
    return o;
}

struct Synced {
    dorm_test::ODataServer server;
    dorm_test::TempDir dir;
    std::string file = dir.file("local.sqlite3");
    dorm::Database db{file};
    std::shared_ptr<FaultyTransport> transport = std::make_shared<FaultyTransport>();
    std::shared_ptr<dorm::sync::Engine> engine;

    Synced() {
        dorm::set_default_database(db);
        dorm::create_tables<Account, Contact>(db);
        engine = dorm::sync::attach(db, options_for(server, transport));
    }
    ~Synced() { dorm::detail::default_database_slot() = nullptr; }

    nlohmann::json remote(const std::string& key) {
        const auto r = dorm_test::http_get(server.base_v4() + "/Contacts(" + key + ")");
        return r.status == 200 ? r.json : nlohmann::json();
    }
    std::size_t remote_count() {
        return std::stoul(dorm_test::http_get(server.base_v4() + "/Contacts/$count").body);
    }
    // The methods of the requests sent from now on.
    void count_from_now() { transport->methods.clear(); }
    std::size_t sent(const std::string& method) const {
        return static_cast<std::size_t>(
            std::count(transport->methods.begin(), transport->methods.end(), method));
    }
};

// The local row of a remote key, read without the sync (skip_cdms), or nullopt.
std::optional<Contact> local_row(dorm::Database& db, const std::string& key) {
    auto rows = Contact::objects().using_(db).skip_cdms().filter("cdms_pk", key).to_vector();
    if (rows.empty())
        return std::nullopt;
    REQUIRE(rows.size() == 1);
    return rows.front();
}

std::string text_or_null(const nlohmann::json& j) {
    return j.is_null() ? "(null)" : j.get<std::string>();
}

// The local row is the server's, field by field (a GET from the server); both absent counts.
void local_is_remote(dorm::Database& db, Synced& s, const std::string& key) {
    const nlohmann::json r = s.remote(key);
    const std::optional<Contact> l = local_row(db, key);
    INFO("contact " << key << " remote " << r.dump());
    REQUIRE(l.has_value() == r.is_object());
    if (!l)
        return;
    CHECK(l->name.value_or("(null)") == text_or_null(r.at("name")));
    CHECK(l->email.value_or("(null)") == text_or_null(r.at("email")));
    std::string parent = "(null)";
    if (!l->account.id().is_null())
        parent =
            *Account::objects().using_(db).skip_cdms().get("id", l->account.id().as_int()).cdms_pk;
    CHECK(parent == text_or_null(r.at("account_ID")));
    REQUIRE(l->modified_on);
    CHECK(*l->modified_on == od::parse_value(r.at("modifiedOn"), dorm::ValueType::DateTime,
                                             od::Version::V4, "modifiedOn")
                                 .as_datetime());
    // Its ETag is the server's, so that the next write passes If-Match.
    dorm::sql::Cursor cur(db, "SELECT etag FROM dorm_sync_etag WHERE remote_key = ?",
                          {dorm::Value(key)});
    REQUIRE(cur.next());
    CHECK(cur.stmt().column(0).as_text() == r.at("@odata.etag").get<std::string>());
}

// The failure said what the caller must know: journalled, the entry, recover().
template <class E>
void journalled(const E& e, const std::string& outcome) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find(outcome) != std::string::npos);
    CHECK(what.find("journalled (entr") != std::string::npos);
    CHECK(what.find("engine->recover()") != std::string::npos);
    CHECK(e.journal_entry().has_value());
}

// Runs `write`, which must fail with E, and checks its error as journalled() does.
template <class E, class Write>
void fails_journalled(Write&& write, const std::string& outcome) {
    try {
        write();
    } catch (const E& e) {
        journalled(e, outcome);
        return;
    }
    FAIL("the write did not fail");
}

const char* const unknown = "the outcome is unknown";
const char* const applied = "the remote applied the write but the local store did not keep it";

// A commit hook that refuses every COMMIT while armed.
int refuse_commit(void* armed) {
    return *static_cast<bool*>(armed) ? 1 : 0;
}

} // namespace

TEST_CASE("the journal lives beside the store and is empty after writes that succeed", "[sync]") {
    Synced s;
    CHECK(s.engine->journal_path() ==
          std::filesystem::canonical(s.file).string() + ".dorm-sync-journal");
    CHECK(std::filesystem::exists(s.engine->journal_path()));
    Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    c.name = "journalled and cleared";
    c.save();
    Contact n;
    n.name = "new";
    n.save();
    n.delete_();
    CHECK(s.engine->pending().empty());
    CHECK(s.engine->counters().writes == 3);
    // A known refusal (400: not applied) clears its entry too.
    s.transport->before = [](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        if (r.method != "PATCH")
            return std::nullopt;
        od::HttpResponse resp;
        resp.status = 400;
        resp.body = R"({"error":{"code":"400","message":"refused"}})";
        return resp;
    };
    c.name = "refused";
    CHECK_THROWS_AS(c.save(), dorm::RemoteError);
    CHECK(s.engine->pending().empty());
    CHECK(s.engine->counters().writes == 3);
}

TEST_CASE("a COMMIT that fails after the remote applied the save is journalled and recovered",
          "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(2));
    const auto stamp = c.modified_on;
    bool armed = true;
    sqlite3_commit_hook(s.db.handle(), refuse_commit, &armed);
    c.name = "applied remotely, refused locally";
    c.email = "commit@example.com";
    fails_journalled<dorm::IntegrityError>([&] { c.save(); }, applied);
    armed = false;
    CHECK(c.modified_on == stamp); // the object's stamp is not the remote's
    CHECK(s.remote(contact_key(2)).at("name") == "applied remotely, refused locally");
    CHECK(local_row(s.db, contact_key(2))->name != "applied remotely, refused locally");
    CHECK(s.engine->counters().writes == 0); // no local commit

    const auto pending = s.engine->pending();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].operation == "update");
    CHECK(pending[0].entity_set == "Contacts");
    CHECK(pending[0].key == contact_key(2));
    CHECK(pending[0].state == "applied");
    CHECK(nlohmann::json::parse(pending[0].body).at("email") == "commit@example.com");
    CHECK(pending[0].if_match.has_value());

    // A fresh engine on the same file resolves it when it attaches.
    {
        dorm::Database other(s.file);
        auto engine = dorm::sync::attach(other, options_for(s.server, s.transport));
        CHECK(engine->pending().empty());
        local_is_remote(other, s, contact_key(2));
    }
    CHECK(s.engine->pending().empty());
    local_is_remote(s.db, s, contact_key(2));
    sqlite3_commit_hook(s.db.handle(), nullptr, nullptr);
}

TEST_CASE("an answer that cannot be stored after the remote applied it is journalled", "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    bool patched = false;
    s.transport->after = [&](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (r.method != "PATCH")
            return;
        REQUIRE(resp.status == 200); // the server applied it
        patched = true;
        auto body = nlohmann::json::parse(resp.body);
        body["modifiedOn"] = "not a stamp";
        resp.body = body.dump();
    };
    c.name = "stored remotely only";
    fails_journalled<dorm::MalformedResponse>([&] { c.save(); }, applied);
    s.transport->after = nullptr;
    REQUIRE(patched);
    CHECK(local_row(s.db, contact_key(1))->name != "stored remotely only");
    REQUIRE(s.engine->pending().size() == 1);
    CHECK(s.engine->recover() == 1);
    CHECK(s.engine->pending().empty());
    local_is_remote(s.db, s, contact_key(1));
    CHECK(local_row(s.db, contact_key(1))->name == "stored remotely only");
    // The row's ETag is the server's again: the next save passes If-Match.
    Contact again = Contact::objects().get("cdms_pk", contact_key(1));
    again.email = "after@example.com";
    again.save();
    CHECK(s.remote(contact_key(1)).at("email") == "after@example.com");
    CHECK(s.remote(contact_key(1)).at("name") == "stored remotely only");
}

TEST_CASE("the caller's rollback after synced writes sends nothing and leaves nothing to resolve",
          "[sync]") {
    Synced s;
    const std::size_t contacts = s.remote_count();
    Contact one = Contact::objects().get("cdms_pk", contact_key(1));
    Contact two = Contact::objects().get("cdms_pk", contact_key(2));
    Contact::objects().get("cdms_pk", contact_key(3)); // in the local store: update() finds it
    const nlohmann::json one_before = s.remote(contact_key(1));
    Contact added;
    added.name = "created, then rolled back";
    std::vector<Contact> many(2);
    many[0].name = "bulk one";
    many[1].name = "bulk two";
    s.count_from_now();
    CHECK_THROWS_AS(dorm::atomic(s.db,
                                 [&] {
                                     one.name = "saved, then rolled back";
                                     one.save();
                                     two.delete_();
                                     added.save();
                                     Contact::objects().bulk_create(many);
                                     Contact::objects()
                                         .filter("cdms_pk", contact_key(3))
                                         .update({{"email", "bulk@example.com"}});
                                     // Read inside the transaction: the local store has it.
                                     CHECK(Contact::objects().get("cdms_pk", contact_key(1)).name ==
                                           "saved, then rolled back");
                                     throw std::runtime_error("the caller's own failure");
                                 }),
                    std::runtime_error);
    // The writes waited for the block's COMMIT, which never came.
    CHECK(s.transport->methods.empty());
    CHECK(s.engine->pending().empty());
    CHECK(s.remote(contact_key(1)) == one_before);
    CHECK(s.remote_count() == contacts);
    CHECK(local_row(s.db, contact_key(1))->name != "saved, then rolled back");
    CHECK(local_row(s.db, contact_key(2)).has_value());
    CHECK_FALSE(local_row(s.db, *added.cdms_pk).has_value());
    CHECK(local_row(s.db, contact_key(3))->email != "bulk@example.com");
    for (const auto& key : {contact_key(1), contact_key(2), contact_key(3)})
        local_is_remote(s.db, s, key);
}

TEST_CASE("a block whose changeset the remote applied and whose COMMIT failed is journalled and "
          "recovered",
          "[sync]") {
    Synced s;
    const std::size_t contacts = s.remote_count();
    Contact one = Contact::objects().get("cdms_pk", contact_key(1));
    Contact two = Contact::objects().get("cdms_pk", contact_key(2));
    Contact::objects().get("cdms_pk", contact_key(3)); // in the local store: update() finds it
    Contact added;
    added.name = "created, then refused locally";
    bool armed = true;
    sqlite3_commit_hook(s.db.handle(), refuse_commit, &armed);
    s.count_from_now();
    try {
        dorm::atomic(s.db, [&] {
            one.name = "applied remotely, refused locally";
            one.save();
            two.delete_();
            added.save();
            Contact::objects()
                .filter("cdms_pk", contact_key(3))
                .update({{"email", "bulk@example.com"}});
        });
        FAIL("the block committed");
    } catch (const dorm::IntegrityError& e) {
        journalled(e, "the remote applied the block's writes but the local store did not keep "
                      "them");
    }
    armed = false;
    sqlite3_commit_hook(s.db.handle(), nullptr, nullptr);
    CHECK(s.sent("POST") == 1); // the one changeset
    CHECK(s.sent("PATCH") + s.sent("DELETE") == 0);
    // The remote has the four writes; the local store has none of them.
    CHECK(s.remote(contact_key(1)).at("name") == "applied remotely, refused locally");
    CHECK(s.remote(contact_key(2)).is_null());
    CHECK(s.remote(*added.cdms_pk).at("name") == "created, then refused locally");
    CHECK(s.remote(contact_key(3)).at("email") == "bulk@example.com");
    CHECK(s.remote_count() == contacts); // one deleted, one created
    CHECK(local_row(s.db, contact_key(2)).has_value());
    CHECK_FALSE(local_row(s.db, *added.cdms_pk).has_value());

    const auto pending = s.engine->pending();
    REQUIRE(pending.size() == 4);
    CHECK(pending[0].operation == "update");
    CHECK(pending[1].operation == "delete");
    CHECK(pending[2].operation == "create");
    CHECK(pending[3].operation == "update");
    for (const auto& p : pending)
        CHECK(p.state == "applied");
    CHECK(s.engine->recover() == 4);
    CHECK(s.engine->pending().empty());
    for (const auto& key : {contact_key(1), contact_key(2), *added.cdms_pk, contact_key(3)})
        local_is_remote(s.db, s, key);
    CHECK(local_row(s.db, contact_key(1))->name == "applied remotely, refused locally");
    CHECK_FALSE(local_row(s.db, contact_key(2)).has_value());
    CHECK(local_row(s.db, *added.cdms_pk)->name == "created, then refused locally");
    CHECK(local_row(s.db, contact_key(3))->email == "bulk@example.com");
}

TEST_CASE("a bulk write whose answer could not be stored is resolved before the next read",
          "[sync]") {
    Synced s;
    const std::size_t contacts = s.remote_count();
    std::vector<Contact> many(2);
    many[0].name = "bulk one";
    many[1].name = "bulk two";
    // The changeset is applied; the stamps of its answer are then spoilt on the way back.
    bool applied_remotely = false;
    s.transport->after = [&](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (r.method != "POST" || !r.url.ends_with("$batch"))
            return;
        applied_remotely = resp.status == 200;
        const std::string stamp = R"("modifiedOn":")";
        for (auto at = resp.body.find(stamp); at != std::string::npos;
             at = resp.body.find(stamp, at + 1))
            resp.body.insert(at + stamp.size(), "not a stamp ");
    };
    fails_journalled<dorm::MalformedResponse>([&] { Contact::objects().bulk_create(many); },
                                              applied);
    REQUIRE(applied_remotely);
    s.transport->after = nullptr;
    CHECK(s.engine->pending().size() == 2);
    CHECK(s.remote_count() == contacts + 2);
    CHECK(Contact::objects().skip_cdms().filter("name__startswith", "bulk").count() == 0);
    // The next read of the model resolves them first.
    CHECK(Contact::objects().filter("name__startswith", "bulk").count() == 2);
    CHECK(s.engine->pending().empty());
    for (const auto& c : many)
        local_is_remote(s.db, s, *c.cdms_pk);
}

TEST_CASE("a retried save whose lost PATCH the remote applied is adopted, not sent again",
          "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(2));
    s.transport->after = [](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (r.method == "PATCH" && resp.status == 200) // applied; the answer never arrives
            throw dorm::RemoteTimeout("injected: the answer to the PATCH was lost");
    };
    c.name = "lost answer";
    c.email = "lost@example.com";
    fails_journalled<dorm::RemoteTimeout>([&] { c.save(); }, unknown);
    s.transport->after = nullptr;
    REQUIRE(s.engine->pending().size() == 1);
    CHECK(s.engine->pending()[0].state == "unknown");
    CHECK(s.remote(contact_key(2)).at("name") == "lost answer");

    // The retry finds its own write on the remote: no 412 (ObjectsNotInSync), no PATCH.
    s.count_from_now();
    CHECK_NOTHROW(c.save());
    CHECK(s.sent("PATCH") == 0);
    CHECK(s.engine->pending().empty());
    local_is_remote(s.db, s, contact_key(2));
    CHECK(c.modified_on == local_row(s.db, contact_key(2))->modified_on);
    // And the next change goes through with the adopted ETag.
    c.email = "next@example.com";
    c.save();
    CHECK(s.sent("PATCH") == 1);
    local_is_remote(s.db, s, contact_key(2));
}

TEST_CASE("a retried save whose lost PATCH was not applied sends it again", "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(2));
    s.transport->before = [](const od::HttpRequest& r, int) -> std::optional<od::HttpResponse> {
        if (r.method == "PATCH") // never reaches the server
            throw dorm::RemoteTimeout("injected: no answer");
        return std::nullopt;
    };
    c.name = "second try";
    CHECK_THROWS_AS(c.save(), dorm::RemoteTimeout);
    s.transport->before = nullptr;
    REQUIRE(s.engine->pending().size() == 1);
    s.count_from_now();
    c.save();
    CHECK(s.sent("PATCH") == 1);
    CHECK(s.engine->pending().empty());
    CHECK(s.remote(contact_key(2)).at("name") == "second try");
    local_is_remote(s.db, s, contact_key(2));
}

TEST_CASE("lost answers to a PATCH and a DELETE are resolved by recover()", "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    Contact d = Contact::objects().get("cdms_pk", contact_key(3));
    s.transport->after = [](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (r.method == "PATCH" || r.method == "DELETE") { // applied; the answer is a 502
            resp.status = 502;
            resp.body = R"({"error":{"code":"502","message":"bad gateway"}})";
        }
    };
    c.name = "patched, answer lost";
    fails_journalled<dorm::RemoteServerError>([&] { c.save(); }, unknown);
    fails_journalled<dorm::RemoteServerError>([&] { d.delete_(); }, unknown);
    s.transport->after = nullptr;
    CHECK(local_row(s.db, contact_key(3)).has_value());
    CHECK(s.remote(contact_key(3)).is_null());
    REQUIRE(s.engine->pending().size() == 2);
    CHECK(s.engine->recover() == 2);
    CHECK(s.engine->pending().empty());
    local_is_remote(s.db, s, contact_key(1));
    CHECK_FALSE(local_row(s.db, contact_key(3)).has_value());
    CHECK(local_row(s.db, contact_key(1))->name == "patched, answer lost");
}

TEST_CASE("a changeset a server answered in part is not called 'not applied'", "[sync]") {
    Synced s;
    Contact::objects().count(); // the local store has the contacts
    // The server applies the changeset; the answer says the first update succeeded and the
    // second was refused, as a server that does not keep changesets atomic would.
    s.transport->after = [](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (!r.url.ends_with("$batch"))
            return;
        REQUIRE(resp.status == 200);
        resp.headers = {{"content-type", "multipart/mixed; boundary=b"}};
        resp.body = "--b\r\ncontent-type: multipart/mixed; boundary=c\r\n\r\n"
                    "--c\r\ncontent-type: application/http\r\n\r\n"
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{}\r\n"
                    "--c\r\ncontent-type: application/http\r\n\r\n"
                    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\r\n"
                    "{\"error\":{\"code\":\"400\",\"message\":\"refused\"}}\r\n"
                    "--c--\r\n--b--\r\n";
    };
    try {
        Contact::objects()
            .filter("cdms_pk__in", dorm::Values{Value(contact_key(1)), Value(contact_key(3))})
            .update({{"email", "partly@example.com"}});
        FAIL("the update did not fail");
    } catch (const dorm::RemoteError& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(e.status == 400);
        CHECK(what.find("not applied") == std::string::npos);
        CHECK(what.find("may have applied part of the changeset") != std::string::npos);
        journalled(e, unknown);
    }
    s.transport->after = nullptr;
    CHECK(s.engine->pending().size() == 2);
    CHECK(s.engine->recover() == 2);
    for (const auto& key : {contact_key(1), contact_key(3)}) {
        local_is_remote(s.db, s, key);
        CHECK(local_row(s.db, key)->email == "partly@example.com");
    }
}

TEST_CASE("recover() that cannot reach the remote keeps the entries, and attach does not throw",
          "[sync]") {
    Synced s;
    Contact c = Contact::objects().get("cdms_pk", contact_key(1));
    // The PATCH is applied; a gateway's 502 replaces its answer: the outcome is unknown.
    s.transport->after = [](const od::HttpRequest& r, int, od::HttpResponse& resp) {
        if (r.method == "PATCH" && resp.status == 200) {
            resp.status = 502;
            resp.body = "bad gateway";
        }
    };
    c.name = "answer lost";
    CHECK_THROWS_AS(c.save(), dorm::RemoteServerError);
    s.transport->after = nullptr;
    s.transport->before = [](const od::HttpRequest&, int) -> std::optional<od::HttpResponse> {
        od::HttpResponse resp;
        resp.status = 503;
        return resp;
    };
    CHECK_THROWS_AS(s.engine->recover(), dorm::RemoteServerError);
    CHECK(s.engine->pending().size() == 1);
    {
        dorm::Database other(s.file);
        std::shared_ptr<dorm::sync::Engine> engine;
        CHECK_NOTHROW(engine = dorm::sync::attach(other, options_for(s.server, s.transport)));
        CHECK(engine->pending().size() == 1);
    }
    s.transport->before = nullptr;
    CHECK(s.engine->recover() == 1);
    local_is_remote(s.db, s, contact_key(1));
}

namespace {

// What the killed child writes: contact 2 saved, contact 3 deleted, or both in one atomic
// block (one changeset).
enum class Killed { save, delete_, changeset };

// A child process that attaches to `file`, makes its write, and is killed (SIGKILL) once the
// server's answer arrived, before the local COMMIT.
void killed_child(const std::string& file, const std::string& base, Killed what) {
    try {
        dorm::Database db(file);
        dorm::set_default_database(db);
        auto t = std::make_shared<FaultyTransport>();
        t->after = [](const od::HttpRequest& r, int, od::HttpResponse&) {
            if (r.method == "PATCH" || r.method == "DELETE" ||
                (r.method == "POST" && r.url.ends_with("$batch")))
                ::raise(SIGKILL);
        };
        dorm::sync::Options o;
        o.client = od::ClientOptions(base, od::odata_v4());
        o.transport = t;
        auto engine = dorm::sync::attach(db, o);
        Contact two = Contact::objects().get("cdms_pk", contact_key(2));
        Contact three = Contact::objects().get("cdms_pk", contact_key(3));
        two.name = "killed before the local commit";
        switch (what) {
        case Killed::save:
            two.save();
            break;
        case Killed::delete_:
            three.delete_();
            break;
        case Killed::changeset:
            dorm::atomic(db, [&] {
                two.save();
                three.delete_();
            });
            break;
        }
    } catch (...) {
    }
    ::_exit(3); // not killed
}

} // namespace

TEST_CASE("a process killed between the remote's answer and the local COMMIT converges", "[sync]") {
    for (const Killed what : {Killed::save, Killed::delete_, Killed::changeset}) {
        const bool saved = what != Killed::delete_, deleted = what != Killed::save;
        INFO((what == Killed::save ? "save" : what == Killed::delete_ ? "delete" : "changeset"));
        dorm_test::ODataServer server;
        dorm_test::TempDir dir;
        const std::string file = dir.file("killed.sqlite3");
        {
            dorm::Database db(file);
            dorm::set_default_database(db);
            dorm::create_tables<Account, Contact>(db);
            dorm::sync::ETags::create(db);
        }
        dorm::detail::default_database_slot() = nullptr;
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0)
            killed_child(file, server.base_v4(), what);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        REQUIRE(WIFSIGNALED(status));
        REQUIRE(WTERMSIG(status) == SIGKILL);

        dorm::Database db(file);
        dorm::set_default_database(db);
        auto t = std::make_shared<FaultyTransport>();
        auto engine = dorm::sync::attach(db, options_for(server, t));
        CHECK(engine->pending().empty());
        const auto three =
            dorm_test::http_get(server.base_v4() + "/Contacts(" + contact_key(3) + ")");
        CHECK((three.status == 404) == deleted);
        CHECK(local_row(db, contact_key(3)).has_value() == !deleted);
        const auto two =
            dorm_test::http_get(server.base_v4() + "/Contacts(" + contact_key(2) + ")");
        REQUIRE(two.status == 200);
        REQUIRE(local_row(db, contact_key(2)).has_value());
        CHECK((two.json.at("name") == "killed before the local commit") == saved);
        CHECK(local_row(db, contact_key(2))->name == two.json.at("name").get<std::string>());
        CHECK(*local_row(db, contact_key(2))->modified_on ==
              od::parse_value(two.json.at("modifiedOn"), dorm::ValueType::DateTime, od::Version::V4,
                              "modifiedOn")
                  .as_datetime());
        dorm::detail::default_database_slot() = nullptr;
    }
}
