#pragma once
// A Transport that forwards to the real CurlTransport and lets a test replace or rewrite the
// answer of a given call, or throw instead: faults injected around the real server.
#include <dorm/remote/client.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dorm_test {

// Forwards to the real server through a CurlTransport; `fault` may replace the answer of a
// call (1-based), rewrite the real answer, or throw.
struct FaultyTransport : dorm::odata::Transport {
    std::shared_ptr<dorm::odata::Transport> real = std::make_shared<dorm::odata::CurlTransport>();
    // Before the real request: a replacement answer, or nullopt to forward.
    std::function<std::optional<dorm::odata::HttpResponse>(const dorm::odata::HttpRequest&, int)>
        before;
    // After the real request: may change the real answer.
    std::function<void(const dorm::odata::HttpRequest&, int, dorm::odata::HttpResponse&)> after;
    int calls = 0;
    int forwarded = 0;
    std::vector<std::string> methods;

    dorm::odata::HttpResponse send(const dorm::odata::HttpRequest& r) override {
        ++calls;
        methods.push_back(r.method);
        if (before)
            if (auto replaced = before(r, calls))
                return *replaced;
        ++forwarded;
        dorm::odata::HttpResponse resp = real->send(r);
        if (after)
            after(r, calls, resp);
        return resp;
    }
};

} // namespace dorm_test
