#pragma once
// The OData client: requests compiled by odata::compile() and single-entity calls (get,
// create, update, delete), over a Transport (libcurl by default; tests wrap it to inject
// faults). Every failure is a typed RemoteError carrying the HTTP status, the remote's
// error code and its message; idempotent requests (GET) are retried a bounded number of
// times on 429, 503 and timeouts, honouring Retry-After.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
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

class Client {
public:
    explicit Client(ClientOptions opts, std::shared_ptr<Transport> transport = nullptr)
        : opts_(std::move(opts)),
          transport_(transport ? std::move(transport) : std::make_shared<CurlTransport>()) {}

    const Dialect& dialect() const noexcept { return opts_.dialect; }

    // The pages of one listing, read one at a time: the next-page links followed (an empty
    // last page is normal) up to a number of rows. list() reads them all; the sync engine
    // writes each page locally while the next one is on its way.
    class Listing {
    public:
        Listing(Client& client, const Request& r, std::size_t row_limit)
            : client_(client), url_(r.url(client.opts_.base_url)),
              limit_(row_limit ? row_limit : client.opts_.max_rows) {}

        bool done() const noexcept { return done_; }
        std::size_t pages() const noexcept { return pages_; }
        std::size_t rows() const noexcept { return rows_; }

        // GET the next page (retried as every GET): its rows, cut at the row limit.
        std::vector<nlohmann::json> next() {
            HttpResponse resp =
                client_.send_idempotent("GET", url_, client_.page_size_preference());
            Page page = parse_page(client_.json_body(resp, "GET", url_), client_.dialect().version);
            ++pages_;
            if (page.rows.size() > limit_ - rows_)
                page.rows.resize(limit_ - rows_);
            rows_ += page.rows.size();
            done_ = rows_ >= limit_ || !page.next || page.rows.empty();
            if (!done_)
                url_ = client_.absolute(*page.next);
            return std::move(page.rows);
        }

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
         const std::function<void(std::size_t pages, std::size_t rows)>& on_page = {}) {
        Listing listing(*this, r, row_limit);
        std::vector<nlohmann::json> rows;
        while (!listing.done()) {
            std::vector<nlohmann::json> page = listing.next();
            if (rows.empty())
                rows = std::move(page);
            else
                std::move(page.begin(), page.end(), std::back_inserter(rows));
            if (on_page)
                on_page(listing.pages(), rows.size());
        }
        return rows;
    }

    // The number of rows of a request (the count option where the dialect has one, else
    // by listing the keys).
    std::int64_t count(const Query& q) {
        Request r = compile(q, opts_.dialect, true);
        if (!r.count)
            return static_cast<std::int64_t>(list(r).size());
        const std::string url = r.url(opts_.base_url);
        HttpResponse resp = send_idempotent("GET", url);
        Page page = parse_page(json_body(resp, "GET", url), opts_.dialect.version);
        if (!page.count)
            throw MalformedResponse("GET " + url + ": no count in the response");
        return *page.count;
    }

    // One entity by its remote key (a GUID).
    nlohmann::json get(const std::string& entity_set, const std::string& key) {
        const std::string url = entity_url(entity_set, key);
        HttpResponse resp = send_idempotent("GET", url);
        return entity(json_body(resp, "GET", url));
    }

    // One entity, unless it still has this ETag: sent as If-None-Match, a 304 (not
    // modified) answers nullopt. Without an ETag, get().
    std::optional<nlohmann::json> get_if_changed(const std::string& entity_set,
                                                 const std::string& key,
                                                 const std::optional<std::string>& etag) {
        if (!etag)
            return get(entity_set, key);
        const std::string url = entity_url(entity_set, key);
        HttpResponse resp = send_idempotent("GET", url, {{"If-None-Match", *etag}});
        if (resp.status == 304)
            return std::nullopt;
        return entity(json_body(resp, "GET", url));
    }

    // POST: the created entity as the server returns it (Dataverse answers 204 unless asked
    // for a representation, which this asks for).
    nlohmann::json create(const std::string& entity_set, const nlohmann::json& fields) {
        const std::string url = base() + entity_set;
        HttpRequest req{"POST", url, json_headers(), json_body_text(fields, entity_set)};
        req.headers.emplace_back("Prefer", "return=representation");
        HttpResponse resp = send_once(req);
        if (resp.body.empty())
            return nlohmann::json::object();
        return entity(json_body(resp, "POST", url));
    }

    // PATCH (MERGE on v2) of the changed fields only; If-Match when an ETag is known.
    // Returns the updated entity when the server sends it (asked for with Prefer:
    // return=representation; a v2 MERGE answers 204), else an empty object.
    nlohmann::json update(const std::string& entity_set, const std::string& key,
                          const nlohmann::json& changes,
                          const std::optional<std::string>& etag = {}) {
        const std::string url = entity_url(entity_set, key);
        HttpRequest req{"PATCH", url, json_headers(), json_body_text(changes, entity_set)};
        if (opts_.dialect.version == Version::V2) {
            req.method = "POST";
            req.headers.emplace_back("X-HTTP-Method", "MERGE");
        } else {
            req.headers.emplace_back("Prefer", "return=representation");
        }
        // Without If-Match, a PATCH to a missing key creates it on Dataverse.
        req.headers.emplace_back("If-Match", etag ? *etag : "*");
        const HttpResponse resp = send_once(req);
        if (resp.body.empty() || resp.status == 204)
            return nlohmann::json::object();
        return entity(json_body(resp, req.method, url));
    }

    void delete_(const std::string& entity_set, const std::string& key,
                 const std::optional<std::string>& etag = {}) {
        const std::string url = entity_url(entity_set, key);
        HttpRequest req{"DELETE", url, {{"Accept", "application/json"}}, {}};
        // A server that keeps ETags may insist on If-Match (428 without): * when none is known.
        req.headers.emplace_back("If-Match", etag ? *etag : "*");
        send_once(req);
    }

    // One atomic changeset in a `$batch` request: every operation is applied, or none (the
    // server rolls the changeset back). Returns one result per operation, in order. A refused
    // changeset throws the RemoteError of the operation the server named (its status, code
    // and message), saying which operation it was. Never retried (a write).
    std::vector<BatchResult> batch(const std::vector<BatchOperation>& ops) {
        if (!opts_.dialect.has_batch)
            throw NotSupported("the " + opts_.dialect.name + " dialect has no $batch");
        if (ops.empty())
            return {};
        if (ops.size() > opts_.dialect.max_batch)
            throw ValueError("a changeset of " + std::to_string(ops.size()) + " operations: the " +
                             opts_.dialect.name + " dialect allows " +
                             std::to_string(opts_.dialect.max_batch));
        const BatchBody body = write_changeset(
            ops, opts_.dialect, [this](const std::string& set, const std::string& key) {
                return entity_path(set, key);
            });
        HttpRequest req{"POST",
                        base() + "$batch",
                        {{"Accept", "multipart/mixed"}, {"Content-Type", body.content_type}},
                        body.body};
        const HttpResponse resp = send_once(req);
        const ChangesetAnswer answer =
            read_changeset_answer(resp.header("content-type").value_or(""), resp.body, ops.size());

        const auto describe = [&](std::size_t i) {
            const auto& op = ops[i];
            static constexpr const char* kinds[] = {"create in ", "update of ", "delete of "};
            return "operation " + std::to_string(i + 1) + " of " + std::to_string(ops.size()) +
                   " (" + kinds[static_cast<int>(op.kind)] +
                   (op.kind == BatchOperation::Kind::Create ? op.entity_set
                                                            : entity_path(op.entity_set, op.key)) +
                   ")";
        };
        std::vector<BatchResult> results;
        for (std::size_t i = 0; i < answer.responses.size(); ++i) {
            const HttpResponse& r = answer.responses[i];
            if (r.status < 200 || r.status >= 300) {
                const std::string which =
                    answer.failed_operation ? describe(*answer.failed_operation)
                    : ops.size() == 1       ? describe(0)
                                            : "an operation the server did not name";
                throw_for_status("POST " + req.url + ": " + which +
                                     " refused; the changeset was not applied",
                                 r);
            }
            if (answer.failed_operation || answer.responses.size() != ops.size())
                throw MalformedResponse("POST " + req.url + ": a single answer (HTTP " +
                                        std::to_string(r.status) + ") to " +
                                        std::to_string(ops.size()) + " operations");
            BatchResult out{r.status, nullptr, r.header("etag")};
            if (!r.body.empty() && r.status != 204) {
                out.entity = entity(json_body(r, "POST", req.url));
                if (!out.etag)
                    out.etag = etag_of(out.entity);
            }
            results.push_back(std::move(out));
        }
        return results;
    }

    // The ETag an entity carries in its body (V4 @odata.etag, V2 __metadata.etag).
    static std::optional<std::string> etag_of(const nlohmann::json& e) {
        if (auto t = e.find("@odata.etag"); t != e.end() && t->is_string())
            return t->get<std::string>();
        if (auto m = e.find("__metadata"); m != e.end() && m->is_object())
            if (auto t = m->find("etag"); t != m->end() && t->is_string())
                return t->get<std::string>();
        return std::nullopt;
    }

private:
    std::string base() const {
        std::string b = opts_.base_url;
        if (!b.empty() && b.back() != '/')
            b += '/';
        return b;
    }
    // "Accounts(guid'…')", relative to the service root, percent-encoded.
    std::string entity_path(const std::string& entity_set, const std::string& key) const {
        return entity_set + "(" + url_encode(literal(Value(key), opts_.dialect, true)) + ")";
    }
    std::string entity_url(const std::string& entity_set, const std::string& key) const {
        return base() + entity_path(entity_set, key);
    }
    // A next link may be relative to the service root (V4) or absolute (V2).
    std::string absolute(const std::string& next) const {
        if (next.find("://") != std::string::npos)
            return next;
        return base() + next;
    }
    std::vector<std::pair<std::string, std::string>> json_headers() const {
        return {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
    }
    nlohmann::json json_body(const HttpResponse& resp, const std::string& method,
                             const std::string& url) const {
        nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
        if (j.is_discarded())
            throw MalformedResponse(method + " " + url + ": the body is not JSON (" +
                                        resp.body.substr(0, 200) + ")",
                                    resp.status);
        return j;
    }
    nlohmann::json entity(const nlohmann::json& j) const {
        if (opts_.dialect.version == Version::V2) {
            auto d = j.find("d");
            if (d == j.end() || !d->is_object())
                throw MalformedResponse("a V2 entity response without \"d\"");
            if (auto r = d->find("results"); r != d->end() && r->is_object())
                return *r;
            return *d;
        }
        if (!j.is_object())
            throw MalformedResponse("an entity response that is not an object");
        return j;
    }

    HttpResponse attempt(const HttpRequest& req, int n) {
        const auto started = std::chrono::steady_clock::now();
        int status = 0;
        try {
            HttpResponse resp = transport_->send(req);
            status = resp.status;
            log(req, status, n, started);
            return resp;
        } catch (...) {
            log(req, status, n, started);
            throw;
        }
    }
    void log(const HttpRequest& req, int status, int n,
             std::chrono::steady_clock::time_point started) const {
        if (opts_.log)
            opts_.log({req.method, req.url, status, n, std::chrono::steady_clock::now() - started});
    }

    // One try: a write is never repeated (the first may have been applied).
    HttpResponse send_once(const HttpRequest& req) {
        HttpResponse resp = attempt(req, 1);
        check(req, resp);
        return resp;
    }

    // V4's way to ask for a page size (Dataverse honours it up to 5000; others may not).
    std::vector<std::pair<std::string, std::string>> page_size_preference() const {
        if (!opts_.page_size || opts_.dialect.version != Version::V4)
            return {};
        return {{"Prefer", "odata.maxpagesize=" + std::to_string(opts_.page_size)}};
    }

    HttpResponse send_idempotent(const std::string& method, const std::string& url,
                                 std::vector<std::pair<std::string, std::string>> extra = {}) {
        HttpRequest req{method, url, {{"Accept", "application/json"}}, {}};
        req.headers.insert(req.headers.end(), extra.begin(), extra.end());
        auto backoff = opts_.backoff;
        for (int n = 1;; ++n) {
            auto wait = backoff; // a Retry-After replaces this one wait only
            std::optional<HttpResponse> resp;
            try {
                resp = attempt(req, n);
            } catch (const RemoteTimeout&) {
                if (n > opts_.max_retries)
                    throw;
            } catch (const RemoteUnavailable&) {
                if (n > opts_.max_retries)
                    throw;
            }
            if (resp) {
                const bool retry = resp->status == 429 || resp->status == 503;
                if (!retry || n > opts_.max_retries) {
                    check(req, *resp);
                    return std::move(*resp);
                }
                if (auto after = resp->header("retry-after")) {
                    try {
                        wait = std::chrono::seconds(std::stol(*after));
                    } catch (...) {
                    }
                }
            }
            std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(wait, opts_.max_wait));
            backoff *= 2;
        }
    }

    // A status that is not success becomes the RemoteError of its kind.
    void check(const HttpRequest& req, const HttpResponse& resp) const {
        if (resp.status >= 200 && resp.status < 300)
            return;
        if (resp.status == 304 &&
            std::any_of(req.headers.begin(), req.headers.end(),
                        [](const auto& h) { return h.first == "If-None-Match"; }))
            return; // the caller asked "only if changed"
        throw_for_status(req.method + " " + req.url, resp);
    }
    [[noreturn]] static void throw_for_status(const std::string& context,
                                              const HttpResponse& resp) {
        auto [code, message] = parse_error(resp.body);
        const std::string what = context + ": HTTP " + std::to_string(resp.status) +
                                 (code.empty() ? "" : " [" + code + "]") +
                                 (message.empty() ? "" : ": " + message);
        const int s = resp.status;
        if (s == 404)
            throw RemoteNotFound(what, s, code, message);
        if (s == 412)
            throw PreconditionFailed(what, s, code, message);
        if (s == 401 || s == 403)
            throw Unauthorized(what, s, code, message);
        if (s == 429)
            throw Throttled(what, s, code, message);
        if (s >= 500)
            throw RemoteServerError(what, s, code, message);
        throw RemoteError(what, s, code, message);
    }

    ClientOptions opts_;
    std::shared_ptr<Transport> transport_;
};

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
