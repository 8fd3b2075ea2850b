#pragma once
// One HTTP exchange with the remote: the Transport interface the client sends through (tests
// wrap it to inject faults) and its libcurl implementation, with timeouts, TLS verification,
// authentication and cookies.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/core/errors.hpp" // what the functions throw
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

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

    std::optional<std::string> header(std::string_view name) const; // case-insensitive
};

// Sends one HTTP request. Throws RemoteTimeout when no answer came in time,
// RemoteUnavailable when there was no connection or it dropped before a whole answer.
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
    explicit CurlTransport(CurlOptions opts = {});
    CurlTransport(const CurlTransport&) = delete;
    CurlTransport& operator=(const CurlTransport&) = delete;
    DORM_INLINE ~CurlTransport() override;

    DORM_INLINE HttpResponse send(const HttpRequest& r) override;

private:
    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user);
    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user);

    CurlOptions opts_;
    void* handle_ = nullptr; // a CURL* (libcurl's easy handle, `typedef void CURL`)
};

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/remote/transport.ipp"
#endif
