#pragma once
// Bodies of dorm/remote/transport.hpp (dorm/detail/config.hpp).
#include "dorm/remote/transport.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "dorm/core/errors.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

DORM_INLINE std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n.size() == name.size() &&
            std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            return v;
    return std::nullopt;
}

DORM_INLINE CurlTransport::CurlTransport(CurlOptions opts) : opts_(std::move(opts)) {
    static const bool global = [] {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        return true;
    }();
    (void)global;
    handle_ = curl_easy_init();
    if (!handle_)
        throw RemoteError("libcurl: cannot make a handle");
    curl_easy_setopt(static_cast<CURL*>(handle_), CURLOPT_COOKIEFILE,
                     ""); // keep cookies between requests
}

DORM_INLINE HttpResponse CurlTransport::send(const HttpRequest& r) {
    CURL* h = static_cast<CURL*>(handle_);
    HttpResponse out;
    curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(h, CURLOPT_NOBODY, r.method == "HEAD" ? 1L : 0L);
    if (r.method == "GET") {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, nullptr);
    } else {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
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
                         opts_.auth == CurlOptions::Auth::Basic ? CURLAUTH_BASIC : CURLAUTH_NTLM);
        curl_easy_setopt(h, CURLOPT_USERNAME, opts_.user.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, opts_.secret.c_str());
        break;
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &CurlTransport::on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlTransport::on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &out.headers);
    char detail[CURL_ERROR_SIZE] = {}; // what happened, beyond the kind of failure
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
    const CURLcode rc = curl_easy_perform(h);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    const std::string why = detail[0] ? detail : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        throw RemoteTimeout(r.method + " " + r.url + ": no answer in time (" + why + ")");
    if (rc != CURLE_OK) {
        // Without a connection the request cannot have been applied.
        const bool sent = rc != CURLE_COULDNT_CONNECT && rc != CURLE_COULDNT_RESOLVE_HOST &&
                          rc != CURLE_COULDNT_RESOLVE_PROXY;
        throw RemoteUnavailable(r.method + " " + r.url + ": " + why, sent);
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    out.status = static_cast<int>(status);
    return out;
}

DORM_INLINE std::size_t CurlTransport::on_body(char* data, std::size_t size, std::size_t n,
                                               void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

DORM_INLINE std::size_t CurlTransport::on_header(char* data, std::size_t size, std::size_t n,
                                                 void* user) {
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

DORM_INLINE CurlTransport::~CurlTransport() {
    curl_easy_cleanup(static_cast<CURL*>(handle_));
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
