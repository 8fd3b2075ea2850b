#pragma once
// Reading a list request of the OData test server to its end, for the tests that compare the
// server's rows with the local query's: every page of V4 (`value` + `@odata.nextLink`,
// relative to the service root) and V2 (`d.results` + `d.__next`, absolute, host
// `localhost`), with plain GETs (the library's client is not what these tests exercise).
#include <nlohmann/json.hpp>

#include <dorm/odata/dialect.hpp>

#include "odata_accounts.hpp"
#include "odata_server.hpp"

#include <string>
#include <vector>

namespace odata_accounts {

struct Listing {
    Ids ids;
    std::vector<nlohmann::json> rows;
    int pages = 0;
    std::string error; // non-empty: a page failed
};

inline Listing list_all(const std::string& service_root, const std::string& url,
                        dorm::odata::Version v) {
    Listing out;
    std::string next = url;
    while (!next.empty()) {
        if (++out.pages > 20) {
            out.error = "more than 20 pages";
            return out;
        }
        const auto r = dorm_test::http_get(next);
        if (r.status != 200 || r.json.is_null()) {
            out.error = "GET " + next + " -> " + std::to_string(r.status) + ": " + r.body;
            return out;
        }
        const nlohmann::json* rows = nullptr;
        next.clear();
        if (v == dorm::odata::Version::V4) {
            rows = &r.json.at("value");
            if (r.json.contains("@odata.nextLink"))
                next = service_root + "/" + r.json["@odata.nextLink"].get<std::string>();
        } else {
            const auto& d = r.json.at("d");
            rows = d.is_array() ? &d : &d.at("results");
            if (d.is_object() && d.contains("__next")) {
                next = d["__next"].get<std::string>();
                const std::string host = "http://localhost:";
                if (next.rfind(host, 0) == 0)
                    next = "http://127.0.0.1:" + next.substr(host.size());
            }
        }
        for (const auto& row : *rows) {
            out.ids.insert(row.at("ID").get<std::string>());
            out.rows.push_back(row);
        }
    }
    return out;
}

// a0000000-...-000000000017 -> a17, b0000000-...-000000000003 -> b03 (ids in messages).
inline std::string short_ids(const Ids& ids) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : " ") + id.substr(0, 1) + id.substr(id.size() - 2);
    return "{" + out + "}";
}

} // namespace odata_accounts
