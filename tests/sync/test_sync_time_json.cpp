// TimeField against the real OData test server (SAP CAP, entity Events): V4 sends and takes
// Edm.TimeOfDay ("10:30:00", literal 10:30:00), V2 Edm.Time ("PT10H30M00S", literal
// time'PT10H30M00S'). Reads with filters on a time and its hour, then a created row read back
// from the server.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include "faulty_transport.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm::Time;

struct Event : dorm::Model<Event> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    Time starts;
    std::optional<Time> ends;
    std::optional<dorm::Json> payload;

    static void define(dorm::ModelDef<Event>& m) {
        m.table("sync_event").remote("Events");
        m.field("id", &Event::id, dorm::auto_pk);
        m.field("cdms_pk", &Event::cdms_pk, dorm::max_length(36), dorm::unique,
                dorm::remote_key("ID"));
        m.field("name", &Event::name, dorm::max_length(80), dorm::remote("name"));
        m.field("starts", &Event::starts, dorm::remote("starts"));
        m.field("ends", &Event::ends, dorm::remote("ends"));
        m.field("payload", &Event::payload, dorm::remote("payload"));
    }
};

struct Synced {
    dorm_test::ODataServer& server;
    dorm_test::TempDir dir;
    dorm::Database db;
    std::shared_ptr<dorm_test::FaultyTransport> transport =
        std::make_shared<dorm_test::FaultyTransport>();
    std::vector<std::string> urls;
    dorm::sync::Options options;
    std::shared_ptr<dorm::sync::Engine> engine;

    Synced(dorm_test::ODataServer& s, const dorm_test::Endpoint& e)
        : server(s), db(dir.file("local.sqlite3")) {
        dorm::set_default_database(db);
        dorm::create_tables<Event>(db);
        options.client = od::ClientOptions((s.*e.base)(), e.dialect);
        options.client.backoff = std::chrono::milliseconds(1);
        transport->before = [this](const od::HttpRequest& r, int) {
            urls.push_back(r.method + " " + r.url.substr(r.url.find("/Events")));
            return std::optional<od::HttpResponse>();
        };
        options.transport = transport;
        engine = dorm::sync::attach(db, options);
    }
    ~Synced() { dorm::detail::default_database_slot() = nullptr; }
};

std::set<std::string> names(const dorm::QuerySet<Event>& qs) {
    std::set<std::string> out;
    for (const auto& e : qs)
        out.insert(e.name);
    return out;
}

using Names = std::set<std::string>;

void reads(const dorm_test::Endpoint& e, const std::string& ge_literal) {
    dorm_test::ODataServer server;
    {
        Synced s(server, e);
        CHECK(names(Event::objects().filter("starts__gte", "10:30")) ==
              Names{"lunch", "late", "it's"});
        REQUIRE(s.urls.size() == 1);
        CHECK(s.urls[0] == "GET /Events?$filter=starts%20ge%20" + ge_literal +
                               "&$select=ID%2Cname%2Cstarts%2Cends%2Cpayload");
        // What was read is stored as Django stores it, and read back as a dorm::Time.
        const Event late = Event::objects().skip_cdms().get("name", "late");
        CHECK(late.starts == Time{23, 59, 59, 0});
        CHECK(late.ends == Time{0, 0, 0, 0});
        CHECK_FALSE(Event::objects().skip_cdms().get("name", "lunch").ends.has_value());
        // A JSONField: the remote's text, kept as Django would store it.
        const Event standup = Event::objects().get("name", "standup"); // read from the remote
        REQUIRE(standup.payload.has_value());
        CHECK(standup.payload->dump() == R"({"room": "A", "n": 3})");
        CHECK_FALSE(late.payload.has_value());
    }
    {
        Synced s(server, e);
        CHECK(names(Event::objects().filter("starts__hour", 23)) == Names{"late"});
        CHECK(names(Event::objects().filter("ends", Time{10, 30})) == Names{"it's"});
        CHECK(names(Event::objects().filter("ends__isnull", true)) == Names{"lunch"});
        // A key of a JSON document is not sent: the remote gives every row, the local
        // query decides.
        s.urls.clear();
        CHECK(names(Event::objects().filter("payload__room", "A")) == Names{"standup"});
        REQUIRE(s.urls.size() == 1);
        CHECK(s.urls[0].find("$filter") == std::string::npos);
    }
}

void writes(const dorm_test::Endpoint& e, const std::string& key, const std::string& wire) {
    dorm_test::ODataServer server;
    Synced s(server, e);
    Event ev;
    ev.cdms_pk = key;
    ev.name = "retro";
    ev.starts = Time{8, 1, 2, 0};
    ev.payload = dorm::Json(R"({"it's": ["ä", 1.5, null]})");
    ev.save();
    const auto r = dorm_test::http_get(server.base_v2() + "/Events(guid'" + key + "')");
    REQUIRE(r.status == 200);
    CHECK(r.json["d"]["starts"] == wire);
    CHECK(r.json["d"]["ends"].is_null());
    CHECK(r.json["d"]["payload"] == R"({"it's": ["\u00e4", 1.5, null]})");
    // And read back through the engine from a new store.
    Synced fresh(server, e);
    const Event back = Event::objects().get("cdms_pk", key);
    CHECK(back.starts == Time{8, 1, 2, 0});
    CHECK_FALSE(back.ends.has_value());
    CHECK(back.payload == dorm::Json(R"({"it's": ["ä", 1.5, null]})"));
}

} // namespace

TEST_CASE("TimeField over OData V4: Edm.TimeOfDay literals and values", "[sync][time]") {
    reads(dorm_test::V4, "10%3A30%3A00");
    writes(dorm_test::V4, dorm_test::fresh_key(901), "PT08H01M02S");
}

TEST_CASE("TimeField over OData V2: Edm.Time literals and values", "[sync][time]") {
    reads(dorm_test::V2, "time%27PT10H30M00S%27");
    writes(dorm_test::V2, dorm_test::fresh_key(902), "PT08H01M02S");
}
