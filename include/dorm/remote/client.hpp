#pragma once
// The OData client: requests compiled by odata::compile() and single-entity calls (get,
// create, update, delete), over a Transport (libcurl by default; tests wrap it to inject
// faults). Every failure is a typed RemoteError carrying the HTTP status, the remote's
// error code and its message; idempotent requests (GET) are retried a bounded number of
// times on 429, 503 and timeouts, honouring Retry-After.
#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "dorm/remote/compile.hpp"
#include "dorm/remote/parse.hpp"

namespace dorm::odata {

struct HttpRequest {
    std::string method; // GET, POST, PATCH, DELETE
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers; // names in lower case
    std::string body;

    std::optional<std::string> header(std::string_view name) const {
        for (const auto& [n, v] : headers)
            if (n.size() == name.size() &&
                std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                }))
                return v;
        return std::nullopt;
    }
};

// Sends one HTTP request. Throws RemoteTimeout when no answer came in time, RemoteError
// (status 0) when there was no answer at all.
class Transport {
public:
    virtual ~Transport() = default;
    virtual HttpResponse send(const HttpRequest& request) = 0;
};

struct CurlOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{60'000};
    bool verify_tls = true;
    enum class Auth { None, Bearer, Basic, Ntlm } auth = Auth::None;
    std::string user;
    std::string secret; // the password, or the bearer token
};

class CurlTransport : public Transport {
public:
    explicit CurlTransport(CurlOptions opts = {}) : opts_(std::move(opts)) {
        static const bool global = [] {
            curl_global_init(CURL_GLOBAL_DEFAULT);
            return true;
        }();
        (void)global;
        handle_ = curl_easy_init();
        if (!handle_)
            throw RemoteError("libcurl: cannot make a handle");
        curl_easy_setopt(handle_, CURLOPT_COOKIEFILE, ""); // keep cookies between requests
    }
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;
    ~CurlTransport() override { curl_easy_cleanup(handle_); }

    HttpResponse send(const HttpRequest& r) override {
        CURL* h = handle_;
        HttpResponse out;
        curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
        curl_easy_setopt(h, CURLOPT_NOBODY, r.method == "HEAD" ? 1L : 0L);
        if (r.method == "GET") {
            curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
            curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);
        } else {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.c_str());
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(r.body.size()));
        }
        curl_slist* headers = nullptr;
        for (const auto& [n, v] : r.headers)
            headers = curl_slist_append(headers, (n + ": " + v).c_str());
        std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> guard(headers,
                                                                          &curl_slist_free_all);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(opts_.connect_timeout.count()));
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(opts_.total_timeout.count()));
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, opts_.verify_tls ? 1L : 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, opts_.verify_tls ? 2L : 0L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        switch (opts_.auth) {
        case CurlOptions::Auth::None:
            break;
        case CurlOptions::Auth::Bearer:
            curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
            curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, opts_.secret.c_str());
            break;
        case CurlOptions::Auth::Basic:
        case CurlOptions::Auth::Ntlm:
            curl_easy_setopt(h, CURLOPT_HTTPAUTH,
                             opts_.auth == CurlOptions::Auth::Basic ? CURLAUTH_BASIC
                                                                    : CURLAUTH_NTLM);
            curl_easy_setopt(h, CURLOPT_USERNAME, opts_.user.c_str());
            curl_easy_setopt(h, CURLOPT_PASSWORD, opts_.secret.c_str());
            break;
        }
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlTransport::on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &out.body);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlTransport::on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &out.headers);
        const CURLcode rc = curl_easy_perform(h);
        if (rc == CURLE_OPERATION_TIMEDOUT)
            throw RemoteTimeout(r.method + " " + r.url + ": no answer in time (" +
                                curl_easy_strerror(rc) + ")");
        if (rc != CURLE_OK)
            throw RemoteError(r.method + " " + r.url + ": " + curl_easy_strerror(rc));
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        out.status = static_cast<int>(status);
        return out;
    }

private:
    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
        static_cast<std::string*>(user)->append(data, size * n);
        return size * n;
    }
    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
        auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
        std::string_view line(data, size * n);
        if (line.starts_with("HTTP/")) // a new response (after a redirect or 100 Continue)
            headers->clear();
        const auto colon = line.find(':');
        if (colon != std::string_view::npos) {
            std::string name(line.substr(0, colon));
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            while (!value.empty() && (value.back() == '\r' || value.back() == '\n'))
                value.remove_suffix(1);
            headers->emplace_back(std::move(name), std::string(value));
        }
        return size * n;
    }

    CurlOptions opts_;
    CURL* handle_ = nullptr;
};

// What the request log sees: never a password, token or cookie.
struct LoggedRequest {
    std::string_view method;
    std::string_view url;
    int status;  // 0 when there was no answer
    int attempt; // 1 for the first try
    std::chrono::nanoseconds duration;
};

struct ClientOptions {
    std::string base_url; // ".../OrganizationData.svc", ".../api/data/v9.2", ".../odata/v4/crm"
    Dialect dialect = odata_v4();
    int max_retries = 3;                        // for idempotent requests
    std::chrono::milliseconds backoff{200};     // doubled at each retry
    std::chrono::milliseconds max_wait{30'000}; // the longest Retry-After honoured
    std::size_t max_rows = 100'000;             // list(): stop after this many rows
    std::function<void(const LoggedRequest&)> log;
};

class Client {
public:
    explicit Client(ClientOptions opts, std::shared_ptr<Transport> transport = nullptr)
        : opts_(std::move(opts)),
          transport_(transport ? std::move(transport) : std::make_shared<CurlTransport>()) {}

    const Dialect& dialect() const noexcept { return opts_.dialect; }

    // Every row of a compiled request, following the next-page links (an empty last page
    // is normal) up to `row_limit` rows (ClientOptions::max_rows by default).
    std::vector<nlohmann::json> list(const Request& r, std::size_t row_limit = 0) {
        const std::size_t limit = row_limit ? row_limit : opts_.max_rows;
        std::vector<nlohmann::json> rows;
        std::string url = r.url(opts_.base_url);
        for (;;) {
            HttpResponse resp = send_idempotent("GET", url);
            Page page = parse_page(json_body(resp, "GET", url), opts_.dialect.version);
            for (auto& row : page.rows) {
                if (rows.size() >= limit)
                    return rows;
                rows.push_back(std::move(row));
            }
            if (!page.next || page.rows.empty())
                return rows;
            url = absolute(*page.next);
        }
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

    // POST: the created entity as the server returns it (Dataverse answers 204 unless asked
    // for a representation, which this asks for).
    nlohmann::json create(const std::string& entity_set, const nlohmann::json& fields) {
        const std::string url = base() + entity_set;
        HttpRequest req{"POST", url, json_headers(), fields.dump()};
        req.headers.emplace_back("Prefer", "return=representation");
        HttpResponse resp = send_once(req);
        if (resp.body.empty())
            return nlohmann::json::object();
        return entity(json_body(resp, "POST", url));
    }

    // PATCH (MERGE on v2) of the changed fields only; If-Match when an ETag is known.
    void update(const std::string& entity_set, const std::string& key,
                const nlohmann::json& changes, const std::optional<std::string>& etag = {}) {
        const std::string url = entity_url(entity_set, key);
        HttpRequest req{"PATCH", url, json_headers(), changes.dump()};
        if (opts_.dialect.version == Version::V2) {
            req.method = "POST";
            req.headers.emplace_back("X-HTTP-Method", "MERGE");
        }
        // Without If-Match, a PATCH to a missing key creates it on Dataverse.
        req.headers.emplace_back("If-Match", etag ? *etag : "*");
        send_once(req);
    }

    void delete_(const std::string& entity_set, const std::string& key,
                 const std::optional<std::string>& etag = {}) {
        const std::string url = entity_url(entity_set, key);
        HttpRequest req{"DELETE", url, {{"Accept", "application/json"}}, {}};
        if (etag)
            req.headers.emplace_back("If-Match", *etag);
        send_once(req);
    }

private:
    std::string base() const {
        std::string b = opts_.base_url;
        if (!b.empty() && b.back() != '/')
            b += '/';
        return b;
    }
    std::string entity_url(const std::string& entity_set, const std::string& key) const {
        return base() + entity_set + "(" + url_encode(literal(Value(key), opts_.dialect, true)) +
               ")";
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

    HttpResponse send_idempotent(const std::string& method, const std::string& url) {
        HttpRequest req{method, url, {{"Accept", "application/json"}}, {}};
        auto backoff = opts_.backoff;
        for (int n = 1;; ++n) {
            auto wait = backoff; // a Retry-After replaces this one wait only
            std::optional<HttpResponse> resp;
            try {
                resp = attempt(req, n);
            } catch (const RemoteTimeout&) {
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
        auto [code, message] = parse_error(resp.body);
        const std::string what =
            req.method + " " + req.url + ": HTTP " + std::to_string(resp.status) +
            (code.empty() ? "" : " [" + code + "]") + (message.empty() ? "" : ": " + message);
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

} // namespace dorm::odata
