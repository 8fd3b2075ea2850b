#pragma once
// Bodies of dorm/remote/client.hpp (dorm/detail/config.hpp).
#include "dorm/remote/client.hpp"

#include <algorithm>
#include <iterator>
#include <thread>

#include "dorm/core/errors.hpp"
#include "dorm/odata/literal.hpp"
#include "dorm/odata/url.hpp"
#include "dorm/remote/encode.hpp"
#include "dorm/remote/parse.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

DORM_INLINE Client::Client(ClientOptions opts, std::shared_ptr<Transport> transport)
    : opts_(std::move(opts)),
      transport_(transport ? std::move(transport) : std::make_shared<CurlTransport>()) {}

DORM_INLINE Client::Listing::Listing(Client& client, const Request& r, std::size_t row_limit)
    : client_(client), url_(r.url(client.opts_.base_url)),
      limit_(row_limit ? row_limit : client.opts_.max_rows), done_(r.nothing) {
} // no request for what has no row

DORM_INLINE std::vector<nlohmann::json> Client::Listing::next() {
    HttpResponse resp = client_.send_idempotent("GET", url_, client_.page_size_preference());
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

DORM_INLINE std::vector<nlohmann::json>
Client::list(const Request& r, std::size_t row_limit,
             const std::function<void(std::size_t pages, std::size_t rows)>& on_page) {
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

DORM_INLINE std::int64_t Client::count(const Query& q) {
    if (q.empty)
        return 0; // none(): no request
    Request r = compile(q, opts_.dialect, true);
    if (r.nothing)
        return 0; // f__in=[]: no request
    if (r.exact)
        return count_rows(r);
    if (q.is_sliced()) {
        // A slice of rows the remote counts exactly: Django's count of qs[a:b].
        Query whole = q;
        whole.offset = 0;
        whole.limit.reset();
        if (const Request w = compile(whole, opts_.dialect, true); w.exact) {
            const std::int64_t n = std::max<std::int64_t>(0, count_rows(w) - q.offset);
            return q.limit ? std::min(n, *q.limit) : n;
        }
    }
    // The remote would count a superset: its number is not the answer.
    throw NotSupported(q.model->name + ": count() on the remote of a query the " +
                       opts_.dialect.name + " dialect cannot say exactly (" + r.inexact +
                       "): the remote would count more rows than match. Count through the "
                       "sync engine (it reads the remote's superset and counts locally), or "
                       "list() the rows and narrow them yourself");
}

DORM_INLINE std::int64_t Client::count_rows(const Request& r) {
    if (!r.count)
        return static_cast<std::int64_t>(list(r).size());
    const std::string url = r.url(opts_.base_url);
    HttpResponse resp = send_idempotent("GET", url);
    Page page = parse_page(json_body(resp, "GET", url), opts_.dialect.version);
    if (!page.count)
        throw MalformedResponse("GET " + url + ": no count in the response");
    return *page.count;
}

DORM_INLINE nlohmann::json Client::get(const std::string& entity_set, const std::string& key) {
    const std::string url = entity_url(entity_set, key);
    HttpResponse resp = send_idempotent("GET", url);
    return entity(json_body(resp, "GET", url));
}

DORM_INLINE std::optional<nlohmann::json>
Client::get_if_changed(const std::string& entity_set, const std::string& key,
                       const std::optional<std::string>& etag) {
    if (!etag)
        return get(entity_set, key);
    const std::string url = entity_url(entity_set, key);
    HttpResponse resp = send_idempotent("GET", url, {{"If-None-Match", *etag}});
    if (resp.status == 304)
        return std::nullopt;
    return entity(json_body(resp, "GET", url));
}

DORM_INLINE nlohmann::json Client::create(const std::string& entity_set,
                                          const nlohmann::json& fields) {
    const std::string url = base() + entity_set;
    HttpRequest req{"POST", url, json_headers(), json_body_text(fields, entity_set)};
    req.headers.emplace_back("Prefer", "return=representation");
    HttpResponse resp = send_once(req);
    if (resp.body.empty())
        return nlohmann::json::object();
    return entity(json_body(resp, "POST", url));
}

DORM_INLINE nlohmann::json Client::update(const std::string& entity_set, const std::string& key,
                                          const nlohmann::json& changes,
                                          const std::optional<std::string>& etag) {
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

DORM_INLINE void Client::delete_(const std::string& entity_set, const std::string& key,
                                 const std::optional<std::string>& etag) {
    const std::string url = entity_url(entity_set, key);
    HttpRequest req{"DELETE", url, {{"Accept", "application/json"}}, {}};
    // A server that keeps ETags may insist on If-Match (428 without): * when none is known.
    req.headers.emplace_back("If-Match", etag ? *etag : "*");
    send_once(req);
}

DORM_INLINE std::vector<BatchResult> Client::batch(const std::vector<BatchOperation>& ops) {
    if (!opts_.dialect.has_batch)
        throw NotSupported("the " + opts_.dialect.name + " dialect has no $batch");
    if (ops.empty())
        return {};
    if (ops.size() > opts_.dialect.max_batch)
        throw ValueError("a changeset of " + std::to_string(ops.size()) + " operations: the " +
                         opts_.dialect.name + " dialect allows " +
                         std::to_string(opts_.dialect.max_batch));
    const BatchBody body =
        write_changeset(ops, opts_.dialect, [this](const std::string& set, const std::string& key) {
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
        return "operation " + std::to_string(i + 1) + " of " + std::to_string(ops.size()) + " (" +
               kinds[static_cast<int>(op.kind)] +
               (op.kind == BatchOperation::Kind::Create ? op.entity_set
                                                        : entity_path(op.entity_set, op.key)) +
               ")";
    };
    std::vector<BatchResult> results;
    for (std::size_t i = 0; i < answer.responses.size(); ++i) {
        const HttpResponse& r = answer.responses[i];
        if (r.status < 200 || r.status >= 300) {
            const std::string which = answer.failed_operation ? describe(*answer.failed_operation)
                                      : ops.size() == 1       ? describe(0)
                                                        : "an operation the server did not name";
            // A conforming server answers a refused changeset with the one failure: nothing
            // was applied. Successes before the failure mean a server that applied the
            // operations one by one: what it kept is not known.
            const std::string outcome =
                i == 0 ? "; the changeset was not applied"
                       : "; the server answered success to " + std::to_string(i) + " operation" +
                             (i == 1 ? "" : "s") +
                             " before it, so it may have applied part of the changeset: " +
                             changeset_outcome_unknown;
            throw_for_status("POST " + req.url + ": " + which + " refused" + outcome, r);
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

DORM_INLINE std::optional<std::string> Client::etag_of(const nlohmann::json& e) {
    if (auto t = e.find("@odata.etag"); t != e.end() && t->is_string())
        return t->get<std::string>();
    if (auto m = e.find("__metadata"); m != e.end() && m->is_object())
        if (auto t = m->find("etag"); t != m->end() && t->is_string())
            return t->get<std::string>();
    return std::nullopt;
}

DORM_INLINE std::string Client::base() const {
    std::string b = opts_.base_url;
    if (!b.empty() && b.back() != '/')
        b += '/';
    return b;
}

DORM_INLINE std::string Client::entity_path(const std::string& entity_set,
                                            const std::string& key) const {
    return entity_set + "(" + url_encode(literal(Value(key), opts_.dialect, true)) + ")";
}

DORM_INLINE std::string Client::entity_url(const std::string& entity_set,
                                           const std::string& key) const {
    return base() + entity_path(entity_set, key);
}

DORM_INLINE std::string Client::absolute(const std::string& next) const {
    if (next.find("://") != std::string::npos)
        return next;
    return base() + next;
}

DORM_INLINE std::vector<std::pair<std::string, std::string>> Client::json_headers() const {
    return {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
}

DORM_INLINE nlohmann::json Client::json_body(const HttpResponse& resp, const std::string& method,
                                             const std::string& url) const {
    nlohmann::json j = nlohmann::json::parse(resp.body, nullptr, false);
    if (j.is_discarded())
        throw MalformedResponse(method + " " + url + ": the body is not JSON (" +
                                    resp.body.substr(0, 200) + ")",
                                resp.status);
    return j;
}

DORM_INLINE nlohmann::json Client::entity(const nlohmann::json& j) const {
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

DORM_INLINE HttpResponse Client::attempt(const HttpRequest& req, int n) {
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

DORM_INLINE void Client::log(const HttpRequest& req, int status, int n,
                             std::chrono::steady_clock::time_point started) const {
    if (opts_.log)
        opts_.log({req.method, req.url, status, n, std::chrono::steady_clock::now() - started});
}

DORM_INLINE HttpResponse Client::send_once(const HttpRequest& req) {
    HttpResponse resp = attempt(req, 1);
    check(req, resp);
    return resp;
}

DORM_INLINE std::vector<std::pair<std::string, std::string>> Client::page_size_preference() const {
    if (!opts_.page_size || opts_.dialect.version != Version::V4)
        return {};
    return {{"Prefer", "odata.maxpagesize=" + std::to_string(opts_.page_size)}};
}

DORM_INLINE HttpResponse
Client::send_idempotent(const std::string& method, const std::string& url,
                        std::vector<std::pair<std::string, std::string>> extra) {
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

DORM_INLINE void Client::check(const HttpRequest& req, const HttpResponse& resp) const {
    if (resp.status >= 200 && resp.status < 300)
        return;
    if (resp.status == 304 && std::any_of(req.headers.begin(), req.headers.end(),
                                          [](const auto& h) { return h.first == "If-None-Match"; }))
        return; // the caller asked "only if changed"
    throw_for_status(req.method + " " + req.url, resp);
}

DORM_INLINE void Client::throw_for_status(const std::string& context, const HttpResponse& resp) {
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

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
