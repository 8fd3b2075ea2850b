#pragma once
// The OData test server (tests/remote/server: SAP CAP from npm, installed by
// scripts/install-deps with `npm ci`) for tests labelled `remote`: started on 127.0.0.1 on a
// free port, stopped by PID. Also a tiny libcurl GET for tests (the library's own client is
// not what these tests exercise).
#include <curl/curl.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace dorm_test {

class ODataServer {
public:
    // service_path: the service's @path (srv/service.cds).
    explicit ODataServer(std::string service_path = "crm",
                         std::chrono::seconds timeout = std::chrono::seconds(30))
        : service_(std::move(service_path)) {
        const std::filesystem::path dir =
            std::filesystem::path(DORM_TEST_SOURCE_DIR) / "tests" / "remote" / "server";
        const std::filesystem::path exe = dir / "node_modules" / ".bin" / "cds-serve";
        if (!std::filesystem::exists(exe))
            throw std::runtime_error(exe.string() + " is missing: run scripts/install-deps");
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
        const std::string dir_s = dir.string(), exe_s = exe.string();
        pid_ = ::fork();
        if (pid_ < 0) {
            ::close(out[0]);
            ::close(out[1]);
            throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        }
        if (pid_ == 0) { // child: only async-signal-safe calls from here on
            ::dup2(out[1], STDOUT_FILENO);
            ::dup2(out[1], STDERR_FILENO);
            if (::chdir(dir_s.c_str()) != 0)
                ::_exit(126);
            ::setenv("NODE_ENV", "development", 1);
            ::execl(exe_s.c_str(), exe_s.c_str(), "--in-memory", "--port", "0",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(out[1]);
        fd_ = out[0];
        try {
            wait_until_listening(timeout);
        } catch (...) {
            stop();
            throw;
        }
        // Keep reading: the server logs every request, and a full pipe would block it.
        reader_ = std::thread([this] {
            while (!stopping_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 100) <= 0)
                    continue;
                char buf[4096];
                const ssize_t n = ::read(fd_, buf, sizeof buf);
                if (n <= 0)
                    return;
                std::lock_guard lock(mutex_);
                log_.append(buf, static_cast<std::size_t>(n));
            }
        });
    }
    ~ODataServer() { stop(); }
    ODataServer(const ODataServer&) = delete;
    ODataServer& operator=(const ODataServer&) = delete;

    pid_t pid() const noexcept { return pid_; }
    int port() const noexcept { return port_; }
    std::string base_v4() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/odata/v4/" + service_;
    }
    std::string base_v2() const {
        return "http://127.0.0.1:" + std::to_string(port_) + "/odata/v2/" + service_;
    }
    // What the server wrote to stdout/stderr so far (for failure messages).
    std::string log() const {
        std::lock_guard lock(mutex_);
        return log_;
    }

    // SIGTERM, then SIGKILL when it has not exited after 5 s. Idempotent.
    void stop() noexcept {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            int status = 0;
            pid_t r = 0;
            while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0 &&
                   std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (r == 0) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
            }
            pid_ = -1;
        }
        stopping_ = true;
        if (reader_.joinable())
            reader_.join();
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    void wait_until_listening(std::chrono::seconds timeout) {
        // "[cds] - server listening on { url: 'http://127.0.0.1:41235' }"
        static const std::regex listening(R"(server listening on \{ url: '[^']*:(\d+)')");
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        char buf[4096];
        for (;;) {
            std::smatch m;
            if (std::regex_search(log_, m, listening)) {
                port_ = std::stoi(m[1].str());
                return;
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0)
                throw std::runtime_error("the OData test server did not start in time:\n" + log_);
            pollfd p{fd_, POLLIN, 0};
            const int r = ::poll(&p, 1, static_cast<int>(left.count()));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                continue; // the deadline check above throws
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0)
                throw std::runtime_error("the OData test server exited:\n" + log_);
            log_.append(buf, static_cast<std::size_t>(n));
        }
    }

    std::string service_;
    pid_t pid_ = -1;
    int fd_ = -1;
    int port_ = 0;
    std::string log_;
    mutable std::mutex mutex_;
    std::atomic<bool> stopping_{false};
    std::thread reader_;
};

// A GET's answer: the HTTP status, the body, and the body as JSON (null when it is not JSON).
struct HttpResponse {
    long status = 0;
    std::string body;
    nlohmann::json json;
};

inline HttpResponse http_get(const std::string& url) {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl)
        throw std::runtime_error("curl_easy_init failed");
    HttpResponse r;
    auto write = +[](char* data, std::size_t size, std::size_t n, void* user) -> std::size_t {
        static_cast<std::string*>(user)->append(data, size * n);
        return size * n;
    };
    curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers, &curl_slist_free_all);
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
    const CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK)
        throw std::runtime_error("GET " + url + ": " + curl_easy_strerror(rc));
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
    r.json = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (r.json.is_discarded())
        r.json = nullptr;
    return r;
}

} // namespace dorm_test
