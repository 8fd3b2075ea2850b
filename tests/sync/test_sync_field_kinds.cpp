// DecimalField, UUIDField and BinaryField against the real OData test server (SAP CAP,
// entity Products: a UUID key, Decimal(15,2), Binary), on V4 and V2: the $filter literals
// (12.50M and guid'...' on V2, bare on V4, binary'base64url' on V4), values read from both
// JSON forms (V2 decimals as strings, V4 as numbers; base64) and written back exactly, and a
// dorm::Uuid member as the remote key.
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
#include <string>
#include <utility>
#include <vector>

namespace {

namespace od = dorm::odata;

// Mirrors entity dorm.test.Products (tests/remote/server/db/schema.cds).
struct Product : dorm::Model<Product> {
    std::int64_t id = 0;
    dorm::Uuid key; // nil until the remote key is given (a create makes one)
    std::optional<std::string> name;
    std::optional<dorm::Decimal> price;
    std::optional<dorm::Blob> data;
    dorm::DateTime modified_on;
    static void define(dorm::ModelDef<Product>& m) {
        m.table("product").remote("Products");
        m.field("id", &Product::id, dorm::auto_pk);
        m.field("key", &Product::key, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Product::name, dorm::max_length(64), dorm::remote("name"));
        m.field("price", &Product::price, dorm::max_digits(15), dorm::decimal_places(2),
                dorm::remote("price"));
        m.field("data", &Product::data, dorm::remote("data"));
        m.field("modified_on", &Product::modified_on, dorm::remote_modified("modifiedOn"));
    }
};

const dorm::Uuid big_key = dorm::Uuid::from_string("6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c");

dorm::Blob bytes(std::initializer_list<int> b) {
    dorm::Blob out;
    for (int c : b)
        out.push_back(static_cast<std::uint8_t>(c));
    return out;
}

std::string percent_decoded(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

struct Store {
    dorm_test::ODataServer& server;
    const dorm_test::Endpoint& endpoint;
    dorm_test::TempDir dir;
    dorm::Database db{dir.file("local.sqlite3")};
    std::shared_ptr<dorm_test::FaultyTransport> transport =
        std::make_shared<dorm_test::FaultyTransport>();
    std::shared_ptr<dorm::sync::Engine> engine;
    std::vector<od::HttpRequest> sent;

    Store(dorm_test::ODataServer& s, const dorm_test::Endpoint& e) : server(s), endpoint(e) {
        dorm::set_default_database(db);
        dorm::create_tables<Product>(db);
        dorm::sync::Options o;
        o.client = od::ClientOptions((s.*e.base)(), e.dialect);
        o.client.backoff = std::chrono::milliseconds(1);
        o.transport = transport;
        engine = dorm::sync::attach(db, o);
        transport->before = [this](const od::HttpRequest& r, int) {
            sent.push_back(r);
            return std::optional<od::HttpResponse>();
        };
    }
    ~Store() { dorm::detail::default_database_slot() = nullptr; }
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    std::vector<od::HttpRequest> take() { return std::exchange(sent, {}); }
    // The $filter of the one request sent since the last take().
    std::string filter() {
        const auto reqs = take();
        REQUIRE(reqs.size() == 1);
        const std::string url = percent_decoded(reqs[0].url);
        const auto at = url.find("$filter=");
        if (at == std::string::npos)
            return "";
        const auto end = url.find('&', at);
        return url.substr(at + 8, end == std::string::npos ? std::string::npos : end - at - 8);
    }
    bool v2() const { return endpoint.dialect.version == od::Version::V2; }
    nlohmann::json remote(const dorm::Uuid& k) {
        const auto r = dorm_test::http_get(server.base_v4() + "/Products(" + k.str() + ")");
        return r.status == 200 ? r.json : nlohmann::json();
    }
};

} // namespace

TEST_CASE("Decimal, UUID and Binary attributes through the sync engine", "[sync][field_kinds]") {
    for (const dorm_test::Endpoint* e : {&dorm_test::V4, &dorm_test::V2}) {
        INFO(e->name);
        dorm_test::ODataServer server; // the seed rows alone
        Store s(server, *e);

        // Reads: every seed row, decimals exact from either JSON form, bytes from base64.
        const auto all = Product::objects().order_by("name").all().to_vector();
        REQUIRE(all.size() == 3);
        CHECK(all[0].name == "big");
        CHECK(all[0].key == big_key);
        CHECK(all[0].price->str() == "12345678901.23");
        CHECK(all[0].data == bytes({0x00, 0x01, 0xff, 0x27, 0x5c, 0x67}));
        CHECK(all[1].name == "cheap");
        CHECK(all[1].price->str() == "0.10"); // the remote says 0.1: quantized as Django reads
        CHECK_FALSE(all[1].data);
        CHECK(all[2].price->str() == "-99.99");
        CHECK(all[2].data == bytes({'x'}));
        s.take();

        // $filter literals: Edm.Decimal with M on V2, Edm.Guid as guid'...' on V2.
        auto by_price = Product::objects().filter("price", "12345678901.23").to_vector();
        CHECK(s.filter() == (s.v2() ? "price eq 12345678901.23M" : "price eq 12345678901.23"));
        REQUIRE(by_price.size() == 1);
        CHECK(by_price[0].key == big_key);

        auto cheap = Product::objects().filter("price__lt", 1).order_by("name").to_vector();
        CHECK(s.filter() == (s.v2() ? "price lt 1M" : "price lt 1"));
        REQUIRE(cheap.size() == 2);
        CHECK(cheap[0].name == "cheap");
        CHECK(cheap[1].name == "negative");

        // The key as text in any form Django accepts, or as a Uuid.
        auto by_key =
            Product::objects().filter("key", "{6B3F2C1E-8A4D-4E0B-9C57-0D1E2F3A4B5C}").to_vector();
        CHECK(s.filter() == (s.v2() ? "ID eq guid'6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c'"
                                    : "ID eq 6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c"));
        REQUIRE(by_key.size() == 1);
        CHECK(by_key[0].name == "big");

        // Bytes: binary'base64url' on V4; on V2 (where servers read binary'...' differently)
        // a superset, narrowed locally.
        auto by_data = Product::objects().filter("data", bytes({'x'})).to_vector();
        CHECK(s.filter() == (s.v2() ? "" : "data eq binary'eA=='"));
        REQUIRE(by_data.size() == 1);
        CHECK(by_data[0].name == "negative");

        // A create: the client makes the key; the decimal is sent exactly (V2: a string).
        Product p;
        p.name = s.v2() ? "new v2" : "new v4";
        p.price = dorm::Decimal::from_string("98765432109.87");
        p.data = bytes({0, '\'', '"', 0xfe});
        p.save();
        const auto sent = s.take();
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].method == "POST");
        const auto body = nlohmann::json::parse(sent[0].body);
        if (s.v2())
            CHECK(body.at("price") == "98765432109.87");
        else
            CHECK(body.at("price").dump() == "98765432109.87");
        CHECK(body.at("data") == "ACci/g==");
        CHECK(p.key != dorm::Uuid{});
        CHECK(body.at("ID") == p.key.str());
        const auto remote = s.remote(p.key);
        REQUIRE(remote.is_object());
        CHECK(remote.at("price").dump() == "98765432109.87");
        CHECK(remote.at("data") == "ACci_g==");

        // Read back from the remote into a fresh object: the same value, digit for digit.
        auto again = Product::objects().get("key", p.key);
        CHECK(again.price->str() == "98765432109.87");
        CHECK(again.data == p.data);

        // An update sends only the changed decimal, rounded to decimal_places (half to
        // even) as the local store keeps it.
        s.take();
        again.price = dorm::Decimal::from_string("0.125");
        again.save();
        const auto patch = s.take();
        REQUIRE_FALSE(patch.empty());
        CHECK(patch.back().method == (s.v2() ? "POST" : "PATCH")); // V2: X-HTTP-Method: MERGE
        const auto changes = nlohmann::json::parse(patch.back().body);
        CHECK(changes.size() == 1);
        if (s.v2())
            CHECK(changes.at("price") == "0.12");
        else
            CHECK(changes.at("price").dump() == "0.12");
        CHECK(s.remote(p.key).at("price").dump() == "0.12");

        // The local row holds what Django would have stored.
        const Product local = Product::objects().skip_cdms().get("id", again.id);
        CHECK(local.price->str() == "0.12");
    }
}
