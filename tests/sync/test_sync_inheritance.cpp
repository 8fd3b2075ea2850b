// Model inheritance and specializations under sync (issue 13), against the real OData test
// server (SAP CAP, V4): a general model (dorm::General) mapped to the server's Contacts, and
// two local specializations of it (Customer, and VipCustomer below it, as djeneralize's
// FountainPen below Pen). Reads of the general model sync as any mapped model's; the
// specializations' own tables are never sent and follow the local rows (a row deleted
// remotely takes its specialized rows with it). Saving or deleting a specialization sends its
// general part, and a remote refusal leaves every local table as it was. Mapping a
// specialization itself is refused at definition.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "faulty_transport.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"
#include "table_dump.hpp"
#include "temp_dir.hpp"

namespace {

namespace od = dorm::odata;
using dorm::DateTime;
using dorm::Value;
using dorm_test::contact_key;
using Strings = std::vector<std::string>;

// The general model: mapped to the server's Contacts (account_ID is not mapped).
struct Party : dorm::General<Party> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<DateTime> modified_on;
    static void define(dorm::ModelDef<Party>& m) {
        m.table("party").remote("Contacts");
        m.field("id", &Party::id, dorm::auto_pk);
        m.field("cdms_pk", &Party::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Party::name, dorm::max_length(160), dorm::remote("name"));
        m.field("email", &Party::email, dorm::max_length(160), dorm::remote("email"));
        m.field("modified_on", &Party::modified_on, dorm::remote_modified("modifiedOn"));
    }
};

// Local specializations: their own tables stay local.
struct Customer : dorm::Extends<Customer, Party> {
    std::string tier;
    static void define(dorm::ModelDef<Customer>& m) {
        m.table("party_customer").specialization("customer");
        m.field("tier", &Customer::tier, dorm::max_length(20));
    }
};

struct VipCustomer : dorm::Extends<VipCustomer, Customer> {
    std::int32_t perks = 0;
    static void define(dorm::ModelDef<VipCustomer>& m) {
        m.table("party_vipcustomer").specialization("vip");
        m.field("perks", &VipCustomer::perks);
    }
};

struct Store {
    dorm_test::ODataServer server;
    dorm_test::TempDir dir;
    dorm::Database db{dir.file("local.sqlite3")};
    std::shared_ptr<dorm_test::FaultyTransport> transport =
        std::make_shared<dorm_test::FaultyTransport>();
    std::shared_ptr<dorm::sync::Engine> engine;
    std::vector<od::HttpRequest> sent;
    Strings sql; // the local statements, once log_sql() was called

    Store() {
        dorm::set_default_database(db);
        dorm::create_tables<Party, Customer, VipCustomer>(db);
        dorm::sync::Options o;
        o.client = od::ClientOptions(server.base_v4(), od::odata_v4());
        o.client.backoff = std::chrono::milliseconds(1);
        o.transport = transport;
        engine = dorm::sync::attach(db, o);
        record();
    }
    ~Store() { dorm::detail::default_database_slot() = nullptr; }
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    void record() {
        transport->before = [this](const od::HttpRequest& r, int) {
            sent.push_back(r);
            return std::optional<od::HttpResponse>();
        };
    }
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
    void log_sql() {
        sql.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) { sql.emplace_back(q.sql); });
    }
    // Requests sent since the last call, as "METHOD path" (the path after the service root).
    Strings take() {
        Strings out;
        const std::string base = server.base_v4();
        for (const auto& r : std::exchange(sent, {})) {
            std::string url = r.url;
            if (url.starts_with(base))
                url = url.substr(base.size());
            out.push_back(r.method + " " + url.substr(0, url.find('?')));
        }
        return out;
    }
    std::vector<od::HttpRequest> take_requests() { return std::exchange(sent, {}); }
    // The server's row, read past the engine; null when it is not there.
    nlohmann::json remote(const std::string& key) {
        const auto r = dorm_test::http_get(server.base_v4() + "/Contacts(" + key + ")");
        return r.status == 200 ? r.json : nlohmann::json();
    }
    std::size_t remote_count() {
        return std::stoul(dorm_test::http_get(server.base_v4() + "/Contacts/$count").body);
    }
    // Someone else's client.
    od::Client other() { return od::Client(od::ClientOptions(server.base_v4(), od::odata_v4())); }
    // Someone else renames a row on the server (the server stamps it anew).
    void rename_remotely(const std::string& key, const std::string& name) {
        od::Client c = other();
        const auto now = c.get("Contacts", key);
        c.update("Contacts", key, {{"name", name}}, od::Client::etag_of(now));
    }
    std::string dump() {
        return dorm_test::dump_tables(
            db, {"party", "party_customer", "party_vipcustomer", "dorm_sync_etag"});
    }
    std::int64_t rows(const std::string& table) {
        dorm::sql::Cursor cur(db, "SELECT count(*) FROM \"" + table + "\"", {});
        cur.next();
        return cur.stmt().column(0).as_int();
    }
    // The specialization_type column of a row (past the ORM).
    std::string type_of(std::int64_t id) {
        dorm::sql::Cursor cur(db, "SELECT specialization_type FROM party WHERE id = ?",
                              {Value(id)});
        REQUIRE(cur.next());
        return cur.stmt().column(0).as_text();
    }
    // Rows whose foreign keys point nowhere.
    std::int64_t broken_keys() {
        dorm::sql::Cursor cur(db, "PRAGMA foreign_key_check", {});
        std::int64_t n = 0;
        while (cur.next())
            ++n;
        return n;
    }
};

Customer new_customer(const std::string& name, const std::string& tier) {
    Customer c;
    c.name = name;
    c.email = "customer@example.com";
    c.tier = tier;
    return c;
}

VipCustomer new_vip(const std::string& name, std::int32_t perks) {
    VipCustomer v;
    v.name = name;
    v.email = "vip@example.com";
    v.tier = "platinum";
    v.perks = perks;
    return v;
}

// "Customer: Cu" for each object, by its dynamic type.
template <class Range>
Strings reprs(const Range& objects) {
    Strings out;
    for (const auto& o : objects)
        out.push_back(dorm::visit_as<VipCustomer, Customer>(*o, [](const auto& x) {
            return std::decay_t<decltype(x)>::meta().name + ": " + x.name.value_or("(null)");
        }));
    return out;
}

Strings keys_of(const nlohmann::json& body) {
    Strings out;
    for (auto it = body.begin(); it != body.end(); ++it)
        out.push_back(it.key());
    return out;
}

// The statements of the log that write the model tables (not the sync engine's own).
Strings writes_to_tables(const Strings& sql) {
    Strings out;
    for (const auto& s : sql)
        if ((s.starts_with("INSERT INTO \"party") || s.starts_with("UPDATE \"party") ||
             s.starts_with("DELETE FROM \"party")))
            out.push_back(s);
    return out;
}

} // namespace

TEST_CASE("reads of the general model sync, and the specializations' own tables are read locally",
          "[sync][inheritance]") {
    Store s;
    Customer cu = new_customer("Cu Stomer", "gold");
    cu.save();
    VipCustomer vip = new_vip("Vi P", 3);
    vip.save();
    REQUIRE(s.take() == Strings{"POST /Contacts", "POST /Contacts"});

    // The general model: one read of the entity set, as any mapped model; each row comes
    // back as its most specialized object, the specialized parts read locally.
    const auto all = Party::specializations().order_by("name");
    CHECK(reprs(all) == Strings{"Party: Ann Smith", "Customer: Cu Stomer", "Party: O'Hara, Bob",
                                "VipCustomer: Vi P", "Party: Zo\u00eb \u00dcnal"});
    CHECK(s.take() == Strings{"GET /Contacts"});
    // Rows the read brought are of the general model itself.
    for (const auto& p : all)
        if (typeid(*p) == typeid(Party))
            CHECK(p->specialization_type == "/");

    // Filters on the specialization's path and fields: the remote cannot say them and is
    // asked for the superset (the whole entity set); the local query decides.
    CHECK(Party::objects().filter("specialization_type__startswith", "/customer/").count() == 2);
    CHECK(Party::objects().filter("customer__tier", "gold").count() == 1);
    CHECK(Party::objects().filter("customer__vipcustomer__perks__gte", 1).get().name == "Vi P");
    // (get() of a row the local store has: one GET by key)
    CHECK(s.take() ==
          Strings{"GET /Contacts", "GET /Contacts", "GET /Contacts(" + *vip.cdms_pk + ")"});

    // The specializations' querysets are local: no request at all.
    CHECK(Customer::objects().count() == 2); // the VipCustomer is a Customer too
    CHECK(Customer::objects().get("tier", "gold").name == "Cu Stomer");
    CHECK(VipCustomer::objects().get("perks", 3).tier == "platinum");
    CHECK(reprs(Customer::specializations().order_by("name")) ==
          Strings{"Customer: Cu Stomer", "VipCustomer: Vi P"});
    CHECK(s.take().empty());

    // A specialized object's general fields are the synced ones: renamed on the server, the
    // next read of the general model brings the name, and the object comes back as the
    // specialization with it (its own fields untouched).
    s.rename_remotely(*cu.cdms_pk, "Cu (renamed remotely)");
    s.rename_remotely(*vip.cdms_pk, "Vi P (renamed remotely)");
    const std::shared_ptr<Party> one = Party::specializations().get("cdms_pk", *cu.cdms_pk);
    CHECK(s.take() == Strings{"GET /Contacts(" + *cu.cdms_pk + ")"});
    const auto as_customer = std::dynamic_pointer_cast<Customer>(one);
    REQUIRE(as_customer);
    CHECK(typeid(*one) == typeid(Customer));
    CHECK(as_customer->name == "Cu (renamed remotely)");
    CHECK(as_customer->tier == "gold");
    CHECK(as_customer->id == cu.id);
    CHECK(Party::objects().count() == 5);
    CHECK(s.take() == Strings{"GET /Contacts"});
    const VipCustomer v = VipCustomer::objects().get("pk", vip.id);
    CHECK(v.name == "Vi P (renamed remotely)");
    CHECK(v.perks == 3);
    CHECK(v.specialization_type == "/customer/vip/");
    CHECK(s.take().empty());
}

TEST_CASE("a row deleted remotely takes its specialized rows with it", "[sync][inheritance]") {
    Store s;
    Customer cu = new_customer("Cu Stomer", "gold");
    cu.save();
    VipCustomer vip = new_vip("Vi P", 3);
    vip.save();
    CHECK(Party::objects().count() == 5);
    CHECK(s.rows("party_customer") == 2);
    CHECK(s.rows("party_vipcustomer") == 1);
    s.take();

    // Deleted on the server; the next whole read of the general model deletes the local
    // row, and the collector takes the specialized rows (children first); the COMMIT keeps it.
    s.other().delete_("Contacts", *vip.cdms_pk);
    const auto before = s.engine->counters();
    s.log_sql();
    CHECK(Party::objects().count() == 4);
    CHECK(s.engine->counters().deleted - before.deleted == 1);
    CHECK(writes_to_tables(s.sql) ==
          Strings{"DELETE FROM \"party_vipcustomer\" WHERE \"customer_ptr_id\" IN (?)",
                  "DELETE FROM \"party_customer\" WHERE \"party_ptr_id\" IN (?)",
                  "DELETE FROM \"party\" WHERE \"id\" IN (?)"});
    CHECK(std::find(s.sql.begin(), s.sql.end(), "COMMIT") != s.sql.end());
    CHECK(s.rows("party") == 4);
    CHECK(s.rows("party_customer") == 1);
    CHECK(s.rows("party_vipcustomer") == 0);
    CHECK(s.broken_keys() == 0);
    CHECK_FALSE(VipCustomer::objects().filter("pk", vip.id).exists());

    // get() of a row the server no longer has (one GET by key, 404): the same, through
    // the Customer's two tables.
    s.other().delete_("Contacts", *cu.cdms_pk);
    s.take();
    CHECK_THROWS_AS(Party::specializations().get("cdms_pk", *cu.cdms_pk), Party::DoesNotExist);
    CHECK(s.take() == Strings{"GET /Contacts(" + *cu.cdms_pk + ")"});
    CHECK(s.rows("party") == 3);
    CHECK(s.rows("party_customer") == 0);
    CHECK(s.broken_keys() == 0);
    CHECK(Customer::objects().count() == 0);
    CHECK(Party::objects().skip_cdms().count() == 3);
}

TEST_CASE("saving a specialization sends its general part only and writes its own table "
          "locally",
          "[sync][inheritance]") {
    Store s;
    const std::size_t remote_rows = s.remote_count();
    s.log_sql();

    // New: one POST of the general model's mapped fields; the child's own field stays local.
    VipCustomer vip = new_vip("Vi P", 3);
    vip.save();
    auto sent = s.take_requests();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "POST");
    const auto body = nlohmann::json::parse(sent[0].body);
    CHECK(keys_of(body) == Strings{"ID", "email", "name"});
    REQUIRE(vip.cdms_pk);
    CHECK(body.at("ID") == *vip.cdms_pk);
    CHECK(body.at("name") == "Vi P");
    CHECK(s.remote_count() == remote_rows + 1);
    const auto remote = s.remote(*vip.cdms_pk);
    REQUIRE(remote.is_object());
    CHECK(remote.at("name") == "Vi P");
    CHECK(remote.at("email") == "vip@example.com");
    CHECK_FALSE(remote.contains("tier"));
    CHECK(vip.id > 0);
    REQUIRE(vip.modified_on);
    CHECK(Party::objects().skip_cdms().get("pk", vip.id).modified_on == vip.modified_on);
    CHECK(
        writes_to_tables(s.sql) ==
        Strings{"INSERT INTO \"party\" (\"cdms_pk\", \"name\", \"email\", \"modified_on\", "
                "\"specialization_type\") VALUES (?, ?, ?, ?, ?)",
                "INSERT INTO \"party_customer\" (\"party_ptr_id\", \"tier\") VALUES (?, ?)",
                "INSERT INTO \"party_vipcustomer\" (\"customer_ptr_id\", \"perks\") VALUES (?, ?)",
                "UPDATE \"party\" SET \"modified_on\" = ? WHERE \"id\" = ?"});
    CHECK(s.type_of(vip.id) == "/customer/vip/");
    CHECK(VipCustomer::objects().skip_cdms().get("pk", vip.id).perks == 3);

    // Existing, only the child's own fields changed: no request, the child tables updated.
    vip.tier = "diamond";
    vip.perks = 4;
    vip.save();
    CHECK(s.take().empty());
    const VipCustomer local = VipCustomer::objects().get("pk", vip.id);
    CHECK(local.tier == "diamond");
    CHECK(local.perks == 4);

    // A general field and a child's: one PATCH of the general field alone.
    vip.email = "vip@new.example";
    vip.perks = 5;
    vip.save();
    sent = s.take_requests();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "PATCH");
    CHECK(sent[0].url == s.server.base_v4() + "/Contacts(" + *vip.cdms_pk + ")");
    CHECK(nlohmann::json::parse(sent[0].body) == nlohmann::json{{"email", "vip@new.example"}});
    CHECK(s.remote(*vip.cdms_pk).at("email") == "vip@new.example");
    CHECK(VipCustomer::objects().get("pk", vip.id).perks == 5);
}

TEST_CASE("a remote refusal of a specialization's save rolls back every local table",
          "[sync][inheritance]") {
    Store s;
    Customer cu = new_customer("Cu Stomer", "gold");
    cu.save();
    const std::size_t remote_rows = s.remote_count();
    const std::string before = s.dump();
    s.refuse_writes();
    s.take();

    // New: the INSERTs into party, party_customer and party_vipcustomer are rolled back and
    // the object is unsaved again.
    VipCustomer vip = new_vip("Vi P", 3);
    CHECK_THROWS_AS(vip.save(), dorm::RemoteServerError);
    // A 5xx may come after the server applied the create: the engine looks the key up once.
    REQUIRE(vip.cdms_pk); // kept, so that a retry cannot create a second row
    CHECK(s.take() == Strings{"POST /Contacts", "GET /Contacts(" + *vip.cdms_pk + ")"});
    CHECK(vip.id == 0);
    CHECK(vip.pk() == Value(std::int64_t{0}));
    CHECK(vip.tier == "platinum");
    CHECK(vip.perks == 3);
    CHECK_FALSE(vip.modified_on);
    CHECK(s.dump() == before);
    CHECK(s.remote_count() == remote_rows);

    // Existing: a general field and a child's changed; both tables as they were, the object
    // keeps what the caller set and its stamp.
    const auto stamp = cu.modified_on;
    cu.name = "never";
    cu.tier = "never";
    CHECK_THROWS_AS(cu.save(), dorm::RemoteServerError);
    CHECK(s.take() == Strings{"PATCH /Contacts(" + *cu.cdms_pk + ")"});
    CHECK(s.dump() == before);
    CHECK(cu.modified_on == stamp);
    CHECK(cu.tier == "never");
    CHECK(s.remote(*cu.cdms_pk).at("name") == "Cu Stomer");

    // Once the server takes writes again, the same objects save (each first settles its
    // journalled attempt, whose outcome a 500 left unknown: one read by key).
    s.record();
    vip.save();
    cu.save();
    CHECK(s.take() == Strings{"GET /Contacts", "POST /Contacts", "GET /Contacts",
                              "PATCH /Contacts(" + *cu.cdms_pk + ")"});
    CHECK(s.engine->pending().empty());
    CHECK(s.remote(*vip.cdms_pk).at("name") == "Vi P");
    CHECK(VipCustomer::objects().get("pk", vip.id).perks == 3);
    CHECK(Customer::objects().get("pk", cu.id).tier == "never");
}

TEST_CASE("deleting a specialization deletes the remote row and every local table's row",
          "[sync][inheritance]") {
    Store s;
    VipCustomer vip = new_vip("Vi P", 3);
    vip.save();
    Customer cu = new_customer("Cu Stomer", "gold");
    cu.save();
    const std::string key = *vip.cdms_pk;
    s.take();
    s.log_sql();

    const dorm::DeleteResult r = vip.delete_();
    CHECK(s.take() == Strings{"DELETE /Contacts(" + key + ")"});
    CHECK(s.remote(key).is_null());
    CHECK(r.total == 3);
    const std::map<std::string, std::int64_t> per_model(r.per_model.begin(), r.per_model.end());
    CHECK(per_model ==
          std::map<std::string, std::int64_t>{{"VipCustomer", 1}, {"Customer", 1}, {"Party", 1}});
    CHECK(writes_to_tables(s.sql) ==
          Strings{"DELETE FROM \"party_vipcustomer\" WHERE \"customer_ptr_id\" IN (?)",
                  "DELETE FROM \"party_customer\" WHERE \"party_ptr_id\" IN (?)",
                  "DELETE FROM \"party\" WHERE \"id\" IN (?)"});
    CHECK(vip.id == 0);
    CHECK(s.rows("party_vipcustomer") == 0);
    CHECK(s.rows("party_customer") == 1);
    CHECK_FALSE(Party::objects().skip_cdms().filter("cdms_pk", key).exists());

    // A refused delete leaves both sides and the object as they were.
    const std::string before = s.dump();
    const auto id = cu.id;
    s.refuse_writes();
    CHECK_THROWS_AS(cu.delete_(), dorm::RemoteServerError);
    CHECK(cu.id == id);
    CHECK(s.dump() == before);
    CHECK(s.remote(*cu.cdms_pk).is_object());

    // A row already gone on the server is deleted locally all the same.
    s.record();
    s.other().delete_("Contacts", *cu.cdms_pk);
    cu.delete_();
    CHECK(s.rows("party_customer") == 0);
    CHECK(s.rows("party") == 0);
    CHECK(s.broken_keys() == 0);
}

TEST_CASE("update() and delete_() of a specialization's queryset send its general part",
          "[sync][inheritance]") {
    Store s;
    Customer gold = new_customer("Gold", "gold");
    gold.save();
    Customer silver = new_customer("Silver", "silver");
    silver.save();
    VipCustomer vip = new_vip("Vi P", 3);
    vip.save();
    const std::size_t remote_rows = s.remote_count();
    s.take();

    // A general field: the local UPDATE of party, and one changeset with a PATCH of that
    // field for each row the queryset matched (a filter on the child's own field).
    CHECK(Customer::objects().filter("tier", "gold").update({{"email", "gold@example.com"}}) == 1);
    auto sent = s.take_requests();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].method == "POST");
    CHECK(sent[0].url == s.server.base_v4() + "/$batch");
    CHECK(sent[0].body.find("PATCH Contacts(" + *gold.cdms_pk + ")") != std::string::npos);
    CHECK(sent[0].body.find("\"tier\"") == std::string::npos);
    CHECK(s.remote(*gold.cdms_pk).at("email") == "gold@example.com");
    CHECK(s.remote(*silver.cdms_pk).at("email") == "customer@example.com");
    CHECK(Party::objects().skip_cdms().get("pk", gold.id).email == "gold@example.com");

    // The child's own field only: local, no request.
    CHECK(Customer::objects().filter("tier", "gold").update({{"tier", "bronze"}}) == 1);
    CHECK(s.take().empty());
    CHECK(Customer::objects().get("pk", gold.id).tier == "bronze");

    // A refused changeset leaves every local table as it was.
    const std::string before = s.dump();
    s.refuse_writes();
    CHECK_THROWS_AS(VipCustomer::objects().all().update({{"name", "never"}, {"perks", 9}}),
                    dorm::RemoteServerError);
    CHECK_THROWS_AS(Customer::objects().filter("tier", "silver").delete_(),
                    dorm::RemoteServerError);
    CHECK(s.dump() == before);
    CHECK(s.remote_count() == remote_rows);
    s.record();
    s.engine->recover(); // the 500s left the outcome unknown

    // delete_(): the rows of every table, and one DELETE per row on the remote.
    s.take();
    const dorm::DeleteResult r = Customer::objects().filter("tier", "silver").delete_();
    CHECK(r.total == 2);
    CHECK(s.take() == Strings{"POST /$batch"});
    CHECK(s.remote(*silver.cdms_pk).is_null());
    CHECK(s.remote_count() == remote_rows - 1);
    CHECK_FALSE(Party::objects().skip_cdms().filter("pk", silver.id).exists());
    // The next read of the general model does not bring it back.
    CHECK(Party::objects().count() == 5);
    CHECK(s.rows("party_customer") == 2);
    CHECK(s.broken_keys() == 0);
}

TEST_CASE("specializations saved in an atomic block are one changeset of their general parts",
          "[sync][inheritance]") {
    Store s;
    Customer cu = new_customer("Cu Stomer", "gold");
    cu.save();
    // Changed on the server after this program read it: its If-Match is stale.
    s.rename_remotely(*cu.cdms_pk, "changed elsewhere");
    const std::size_t remote_rows = s.remote_count();
    const std::string before = s.dump();
    s.take();

    // Refused (412): the whole block rolls back, every table of both objects.
    VipCustomer vip = new_vip("Vi P", 3);
    CHECK_THROWS_AS(dorm::atomic(s.db,
                                 [&] {
                                     vip.save();
                                     cu.email = "cu@refused.example";
                                     cu.tier = "refused";
                                     cu.save();
                                 }),
                    dorm::ObjectsNotInSync);
    CHECK(s.take() == Strings{"POST /$batch"});
    CHECK(s.dump() == before);
    CHECK(s.remote_count() == remote_rows);
    CHECK(s.engine->pending().empty());

    // Read again through the general model (the remote's version), then applied: one
    // changeset, the stamps stored in the general rows.
    CHECK(Party::objects().get("pk", cu.id).name == "changed elsewhere");
    cu = Customer::objects().get("pk", cu.id);
    VipCustomer vip2 = new_vip("Vi P 2", 4);
    s.take();
    dorm::atomic(s.db, [&] {
        vip2.save();
        cu.email = "cu@applied.example";
        cu.tier = "applied";
        cu.save();
    });
    CHECK(s.take() == Strings{"POST /$batch"});
    CHECK(s.remote(*vip2.cdms_pk).at("name") == "Vi P 2");
    CHECK(s.remote(*cu.cdms_pk).at("email") == "cu@applied.example");
    CHECK(VipCustomer::objects().get("pk", vip2.id).perks == 4);
    CHECK(Customer::objects().get("pk", cu.id).tier == "applied");
    CHECK(Party::objects().skip_cdms().get("pk", vip2.id).modified_on.has_value());
}

TEST_CASE("a specialized row refreshed from the remote keeps its specialization_type",
          "[sync][inheritance]") {
    Store s;
    VipCustomer vip = new_vip("Vi P", 3);
    vip.save();
    CHECK(Party::objects().count() == 4);

    // The server changes a mapped field; the next read of the general model writes the
    // mapped columns only.
    s.rename_remotely(*vip.cdms_pk, "Vi P (renamed remotely)");
    s.log_sql();
    const auto before = s.engine->counters();
    const auto all = Party::specializations().filter("name__startswith", "Vi P");
    REQUIRE(all.size() == 1);
    CHECK(s.engine->counters().written.updated - before.written.updated == 1);
    CHECK(writes_to_tables(s.sql) ==
          Strings{"UPDATE \"party\" SET \"name\" = ?, \"email\" = ?, \"modified_on\" = ? WHERE "
                  "\"id\" = ?"});
    CHECK(s.type_of(vip.id) == "/customer/vip/");
    const auto again = std::dynamic_pointer_cast<VipCustomer>(all[0]);
    REQUIRE(again);
    CHECK(again->name == "Vi P (renamed remotely)");
    CHECK(again->perks == 3);
    CHECK(again->specialization_type == "/customer/vip/");

    // The same through get() by key (one GET), and through the direct specialization.
    s.rename_remotely(*vip.cdms_pk, "Vi P (again)");
    const auto got = Party::specializations().get("cdms_pk", *vip.cdms_pk);
    CHECK(typeid(*got) == typeid(VipCustomer));
    CHECK(got->name == "Vi P (again)");
    CHECK(s.type_of(vip.id) == "/customer/vip/");
    const auto direct = Party::specializations().direct().get("cdms_pk", *vip.cdms_pk);
    CHECK(typeid(*direct) == typeid(Customer));
}

TEST_CASE("mapping a specialization itself to the remote is refused at definition",
          "[sync][inheritance]") {
    struct MappedCustomer : dorm::Extends<MappedCustomer, Party> {
        std::string tier;
        static void define(dorm::ModelDef<MappedCustomer>& m) {
            m.table("party_mapped").remote("Contacts");
            m.field("tier", &MappedCustomer::tier);
        }
    };
    CHECK_THROWS_AS(MappedCustomer::meta(), dorm::FieldError);
    CHECK_THROWS_WITH(MappedCustomer::meta(),
                      "model MappedCustomer: extends Party and cannot be mapped to the remote "
                      "itself (its own table is never sent); map the general model");
    // One of its own fields mapped: the same rule, said of the field.
    struct MappedField : dorm::Extends<MappedField, Party> {
        std::string tier;
        static void define(dorm::ModelDef<MappedField>& m) {
            m.table("party_mapped_field");
            m.field("tier", &MappedField::tier, dorm::remote("tier"));
        }
    };
    CHECK_THROWS_WITH(MappedField::meta(),
                      "model MappedField: extends Party, whose fields alone are sent to the "
                      "remote; its own field 'tier' stays local (drop its dorm::remote(...))");
    // The models that are well defined still read and write (the refused ones are not theirs).
    Store s;
    Customer cu = new_customer("Cu Stomer", "gold");
    cu.save();
    CHECK(reprs(Party::specializations().filter("pk", cu.id)) == Strings{"Customer: Cu Stomer"});
}
