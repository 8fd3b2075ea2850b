#pragma once
// The OData client: requests compiled by odata::compile() and single-entity calls (get,
// create, update, delete), over a Transport (libcurl by default; tests wrap it to inject
// faults). Every failure is a typed RemoteError carrying the HTTP status, the remote's
// error code and its message; idempotent requests (GET) are retried a bounded number of
// times on 429, 503 and timeouts, honouring Retry-After.
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/odata/compile.hpp"
#include "dorm/remote/batch.hpp"
#include "dorm/remote/encode.hpp"
#include "dorm/remote/parse.hpp"
#include "dorm/remote/transport.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

// What the request log sees: never a password, token or cookie.
struct LoggedRequest {
    std::string_view method;
    std::string_view url;
    int status;  // 0 when there was no answer
    int attempt; // 1 for the first try
    std::chrono::nanoseconds duration;
};

struct ClientOptions {
    // A constructor rather than aggregate initialization: `{url, dialect}` with the other
    // members omitted would warn under -Wextra (-Wmissing-field-initializers).
    ClientOptions() = default;
    ClientOptions(std::string url, Dialect remote_dialect)
        : base_url(std::move(url)), dialect(std::move(remote_dialect)) {}

    std::string base_url; // ".../OrganizationData.svc", ".../api/data/v9.2", ".../odata/v4/crm"
    Dialect dialect = odata_v4();
    int max_retries = 3;                        // for idempotent requests
    std::chrono::milliseconds backoff{200};     // doubled at each retry
    std::chrono::milliseconds max_wait{30'000}; // the longest Retry-After honoured
    std::size_t max_rows = 100'000;             // list(): stop after this many rows
    std::size_t page_size = 0; // list() on v4: Prefer: odata.maxpagesize (0: the server's)
    std::function<void(const LoggedRequest&)> log;
};

// Ends the message of a refused changeset that a server may have applied in part (it
// answered success to operations before the refused one): its outcome is not known.
inline constexpr const char* changeset_outcome_unknown = "the outcome is unknown";

class Client {
public:
    explicit Client(ClientOptions opts, std::shared_ptr<Transport> transport = nullptr);

    const Dialect& dialect() const noexcept { return opts_.dialect; }

    // The pages of one listing, read one at a time: the next-page links followed (an empty
    // last page is normal) up to a number of rows. list() reads them all; the sync engine
    // writes each page locally while the next one is on its way.
    class Listing {
    public:
        Listing(Client& client, const Request& r, std::size_t row_limit);

        bool done() const noexcept { return done_; }
        std::size_t pages() const noexcept { return pages_; }
        std::size_t rows() const noexcept { return rows_; }

        // GET the next page (retried as every GET): its rows, cut at the row limit.
        std::vector<nlohmann::json> next();

    private:
        Client& client_;
        std::string url_;
        std::size_t limit_, pages_ = 0, rows_ = 0;
        bool done_ = false;
    };

    // Every row of a compiled request, up to `row_limit` rows (ClientOptions::max_rows by
    // default). `on_page(pages, rows)` is told after each page (progress of a long read).
    std::vector<nlohmann::json>
    list(const Request& r, std::size_t row_limit = 0,
         const std::function<void(std::size_t pages, std::size_t rows)>& on_page = {});

    // The number of rows of a query, as the remote counts them (the count option where the
    // dialect has one, else by listing the keys): only for a query the dialect says exactly
    // (Request::exact), or a slice of one. Any other query is NotSupported (naming what is
    // not exact): the remote would count a superset. none() and a filter that matches
    // nothing (f__in with an empty list) are 0 without a request.
    std::int64_t count(const Query& q);

    // One entity by its remote key (a GUID).
    nlohmann::json get(const std::string& entity_set, const std::string& key);

    // One entity, unless it still has this ETag: sent as If-None-Match, a 304 (not
    // modified) answers nullopt. Without an ETag, get().
    std::optional<nlohmann::json> get_if_changed(const std::string& entity_set,
                                                 const std::string& key,
                                                 const std::optional<std::string>& etag);

    // POST: the created entity as the server returns it (Dataverse answers 204 unless asked
    // for a representation, which this asks for).
    nlohmann::json create(const std::string& entity_set, const nlohmann::json& fields);

    // PATCH (MERGE on v2) of the changed fields only; If-Match when an ETag is known.
    // Returns the updated entity when the server sends it (asked for with Prefer:
    // return=representation; a v2 MERGE answers 204), else an empty object.
    nlohmann::json update(const std::string& entity_set, const std::string& key,
                          const nlohmann::json& changes,
                          const std::optional<std::string>& etag = {});

    void delete_(const std::string& entity_set, const std::string& key,
                 const std::optional<std::string>& etag = {});

    // One atomic changeset in a `$batch` request: every operation is applied, or none (the
    // server rolls the changeset back). Returns one result per operation, in order. A refused
    // changeset throws the RemoteError of the operation the server named (its status, code
    // and message), saying which operation it was. Never retried (a write).
    std::vector<BatchResult> batch(const std::vector<BatchOperation>& ops);

    // The ETag an entity carries in its body (V4 @odata.etag, V2 __metadata.etag).
    static std::optional<std::string> etag_of(const nlohmann::json& e);

private:
    // The remote's count of a compiled count request.
    std::int64_t count_rows(const Request& r);
    std::string base() const;
    // "Accounts(guid'…')", relative to the service root, percent-encoded.
    std::string entity_path(const std::string& entity_set, const std::string& key) const;
    std::string entity_url(const std::string& entity_set, const std::string& key) const;
    // A next link may be relative to the service root (V4) or absolute (V2).
    std::string absolute(const std::string& next) const;
    std::vector<std::pair<std::string, std::string>> json_headers() const;
    nlohmann::json json_body(const HttpResponse& resp, const std::string& method,
                             const std::string& url) const;
    nlohmann::json entity(const nlohmann::json& j) const;

    HttpResponse attempt(const HttpRequest& req, int n);
    void log(const HttpRequest& req, int status, int n,
             std::chrono::steady_clock::time_point started) const;

    // One try: a write is never repeated (the first may have been applied).
    HttpResponse send_once(const HttpRequest& req);

    // V4's way to ask for a page size (Dataverse honours it up to 5000; others may not).
    std::vector<std::pair<std::string, std::string>> page_size_preference() const;

    HttpResponse send_idempotent(const std::string& method, const std::string& url,
                                 std::vector<std::pair<std::string, std::string>> extra = {});

    // A status that is not success becomes the RemoteError of its kind.
    void check(const HttpRequest& req, const HttpResponse& resp) const;
    [[noreturn]] static void throw_for_status(const std::string& context, const HttpResponse& resp);

    ClientOptions opts_;
    std::shared_ptr<Transport> transport_;
};

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/remote/client.ipp"
#endif
