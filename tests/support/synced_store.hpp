#pragma once
// A local store synced with the real OData test server (tests/remote/server) through a
// FaultyTransport that records every request: the fixture of the sync write tests. The
// default database while it lives.
#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "faulty_transport.hpp"
#include "odata_contacts.hpp"
#include "odata_server.hpp"
#include "table_dump.hpp"
#include "temp_dir.hpp"

namespace dorm_test {

struct SyncedStore {
    ODataServer server;
    TempDir dir;
    dorm::Database db{dir.file("local.sqlite3")};
    std::shared_ptr<FaultyTransport> transport = std::make_shared<FaultyTransport>();
    std::shared_ptr<dorm::sync::Engine> engine;
    std::vector<dorm::odata::HttpRequest> sent;

    // OData V4, or V2 with `v2`'s dialect.
    explicit SyncedStore(std::optional<dorm::odata::Dialect> v2 = std::nullopt) {
        namespace od = dorm::odata;
        dorm::set_default_database(db);
        dorm::create_tables<odata_accounts::Account, odata_accounts::Contact>(db);
        dorm::sync::Options o;
        o.client = v2 ? od::ClientOptions(server.base_v2(), *v2)
                      : od::ClientOptions(server.base_v4(), od::odata_v4());
        o.client.backoff = std::chrono::milliseconds(1);
        o.transport = transport;
        engine = dorm::sync::attach(db, o);
        transport->before = [this](const od::HttpRequest& r, int) {
            sent.push_back(r);
            return std::optional<od::HttpResponse>();
        };
    }
    ~SyncedStore() { dorm::detail::default_database_slot() = nullptr; }
    SyncedStore(const SyncedStore&) = delete;
    SyncedStore& operator=(const SyncedStore&) = delete;

    // Requests sent since the last call.
    std::vector<dorm::odata::HttpRequest> take() { return std::exchange(sent, {}); }
    // The entity on the server, read with a plain GET; null when it is not there.
    nlohmann::json remote(const std::string& set, const std::string& key) {
        const auto r = http_get(server.base_v4() + "/" + set + "(" + key + ")");
        return r.status == 200 ? r.json : nlohmann::json();
    }
    std::size_t remote_count(const std::string& set) {
        return std::stoul(http_get(server.base_v4() + "/" + set + "/$count").body);
    }
    // Every row of the local tables, as text: compared before and after a failed write.
    std::string dump() { return dump_tables(db, {"account", "contact", "dorm_sync_etag"}); }
};

} // namespace dorm_test
