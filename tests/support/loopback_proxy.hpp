#pragma once
// A loopback TCP proxy for the remote tests: it listens on 127.0.0.1 (a free port) and
// forwards each connection to 127.0.0.1:<target>, unless told to misbehave for the next
// connections. A client behind it meets real socket faults that a Transport wrapper cannot
// fake: a refused connection, an empty reply, a reset, a request that goes nowhere, a body
// cut short, an answer that never comes or comes late.
//
// One HTTP request per connection. The proxy reads the whole request (its head and a
// Content-Length body; chunked request bodies are not supported), sets its Connection header
// to "close" and forwards it. The server then answers "Connection: close" and closes after
// its answer, so the client opens a new connection for every request: "the next N
// connections" are "the next N requests", and a fault never lands on a reused connection
// (where libcurl would silently retry it). A request with "Expect: 100-continue" waits for
// the client's own expect timeout before its body comes (dorm sends small bodies: none).
//
// Each connection is served on its own thread; every wait polls a "quit" pipe too, so the
// destructor wakes, then joins, every thread. Plain POSIX sockets and poll().
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace dorm_test {

class LoopbackProxy {
public:
    enum class Fault {
        pass,               // forward faithfully
        close_on_accept,    // accept, then close at once (curl: empty reply / recv failure)
        reset,              // read the request, then close with SO_LINGER 0: an RST
        drop_after_request, // read the request, forward nothing, close
        truncate_body,      // forward; relay the answer's head and half its Content-Length body
                            // (the head only when it has none), then close; an empty body
                            // (204) is relayed whole
        drop_answer,        // forward; read the server's whole answer, relay none of it, close
                            // (the request was applied and its answer lost, even a 204)
        stall,              // read the request, never answer (until the client gives up)
        delay,              // read the request, wait, then forward faithfully
    };

    explicit LoopbackProxy(int target_port) : target_port_(target_port) {
        if (::pipe2(quit_, O_CLOEXEC) != 0 || ::pipe2(unlisten_, O_CLOEXEC) != 0) {
            const std::string why = std::strerror(errno);
            close_all();
            throw std::runtime_error("LoopbackProxy: pipe: " + why);
        }
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr = loopback(0);
        socklen_t len = sizeof addr;
        if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(listen_fd_, 64) != 0 ||
            ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            const std::string why = std::strerror(errno);
            close_all();
            throw std::runtime_error("LoopbackProxy: cannot listen: " + why);
        }
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~LoopbackProxy() {
        stop_listening();
        (void)!::write(quit_[1], "q", 1); // never read: every poll on it wakes from now on
        for (auto& t : handlers_)
            t.join();
        close_all();
    }
    LoopbackProxy(const LoopbackProxy&) = delete;
    LoopbackProxy& operator=(const LoopbackProxy&) = delete;

    int port() const noexcept { return port_; }
    // "http://127.0.0.1:<port>" followed by `path`.
    std::string url(const std::string& path = "") const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

    // The next `times` connections (after those already planned) get `fault`; `wait` is the
    // delay of Fault::delay.
    void next(Fault fault, int times = 1, std::chrono::milliseconds wait = {}) {
        std::lock_guard lock(mutex_);
        for (int i = 0; i < times; ++i)
            planned_.push_back({fault, wait});
    }
    // What a connection gets when nothing is planned for it (Fault::pass at first).
    void every(Fault fault, std::chrono::milliseconds wait = {}) {
        std::lock_guard lock(mutex_);
        otherwise_ = {fault, wait};
    }

    // Closes the listening socket: from now on a connection to port() is refused.
    // Connections already accepted go on. Idempotent.
    void stop_listening() {
        if (!acceptor_.joinable())
            return;
        (void)!::write(unlisten_[1], "u", 1);
        acceptor_.join();
        ::close(listen_fd_);
        listen_fd_ = -1;
    }

    // Connections accepted so far.
    int accepted() const noexcept { return accepted_; }
    // The request line ("GET /path HTTP/1.1") of every request read, in order of arrival.
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    struct Plan {
        Fault fault = Fault::pass;
        std::chrono::milliseconds wait{0};
    };
    // Closes a socket when it goes out of scope.
    struct Socket {
        int fd;
        explicit Socket(int f) : fd(f) {}
        ~Socket() {
            if (fd >= 0)
                ::close(fd);
        }
        Socket(const Socket&) = delete;
        Socket& operator=(const Socket&) = delete;
    };
    enum class Woke { ready, timeout, quit };

    static sockaddr_in loopback(int port) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        return addr;
    }

    void close_all() {
        for (int fd : {listen_fd_, quit_[0], quit_[1], unlisten_[0], unlisten_[1]})
            if (fd >= 0)
                ::close(fd);
    }

    void accept_loop() {
        for (;;) {
            pollfd p[2] = {{listen_fd_, POLLIN, 0}, {unlisten_[0], POLLIN, 0}};
            if (::poll(p, 2, -1) < 0 && errno != EINTR)
                return;
            if (p[1].revents)
                return;
            if (!p[0].revents)
                continue;
            const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0)
                continue;
            ++accepted_;
            Plan plan;
            {
                std::lock_guard lock(mutex_);
                plan = otherwise_;
                if (!planned_.empty()) {
                    plan = planned_.front();
                    planned_.pop_front();
                }
            }
            handlers_.emplace_back([this, fd, plan] {
                try {
                    serve(fd, plan);
                } catch (...) { // a malformed Content-Length: the connection just ends
                }
            });
        }
    }

    // Waits until `fd` has `events` (or an error or hang-up), the timeout passes (-1: none),
    // or the proxy quits.
    Woke wait_for(int fd, short events, int timeout_ms = -1) const {
        for (;;) {
            pollfd p[2] = {{fd, events, 0}, {quit_[0], POLLIN, 0}};
            const int r = ::poll(p, 2, timeout_ms);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0 || p[1].revents)
                return Woke::quit;
            return r == 0 ? Woke::timeout : Woke::ready;
        }
    }

    bool send_all(int fd, const char* data, std::size_t size) const {
        while (size > 0) {
            if (wait_for(fd, POLLOUT) != Woke::ready)
                return false;
            const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    // Up to 64 KiB more from `fd` appended to `out`; false at the end, on an error or on quit.
    bool receive(int fd, std::string& out) const {
        if (wait_for(fd, POLLIN) != Woke::ready)
            return false;
        char buf[65536];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return false;
        out.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    static bool iequals_prefix(const std::string& line, const std::string& name) {
        if (line.size() < name.size())
            return false;
        for (std::size_t i = 0; i < name.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(line[i])) != name[i])
                return false;
        return true;
    }

    // The Content-Length of an HTTP head, if it has one.
    static std::optional<std::size_t> content_length(const std::string& head) {
        std::size_t at = 0;
        while ((at = head.find("\r\n", at)) != std::string::npos) {
            at += 2;
            if (iequals_prefix(head.substr(at, 15), "content-length:"))
                return std::stoul(head.substr(at + 15));
        }
        return std::nullopt;
    }

    // Reads one whole request from the client: its head (through the blank line) and its
    // Content-Length body. Returns the size of the head, or 0 when it did not come.
    std::size_t read_request(int fd, std::string& request) {
        std::size_t end;
        while ((end = request.find("\r\n\r\n")) == std::string::npos)
            if (request.size() > (1u << 20) || !receive(fd, request))
                return 0;
        const std::size_t head = end + 4;
        const std::size_t want = head + content_length(request.substr(0, head)).value_or(0);
        while (request.size() < want)
            if (!receive(fd, request))
                return 0;
        std::lock_guard lock(mutex_);
        requests_.push_back(request.substr(0, request.find("\r\n")));
        return head;
    }

    // The request with its Connection and Keep-Alive headers replaced by "Connection: close".
    static std::string one_shot(const std::string& request, std::size_t head) {
        std::string out;
        std::size_t at = 0;
        while (at < head - 2) { // each line of the head but the blank one
            const std::size_t eol = request.find("\r\n", at) + 2;
            const std::string line = request.substr(at, eol - at);
            if (!iequals_prefix(line, "connection:") && !iequals_prefix(line, "keep-alive:"))
                out += line;
            at = eol;
        }
        return out + "Connection: close\r\n\r\n" + request.substr(head);
    }

    void serve(int client_fd, Plan plan) {
        Socket client(client_fd);
        if (plan.fault == Fault::close_on_accept)
            return;
        std::string request;
        const std::size_t head = read_request(client.fd, request);
        if (head == 0)
            return;
        switch (plan.fault) {
        case Fault::reset: {
            const linger hard{1, 0};
            ::setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
            return;
        }
        case Fault::drop_after_request:
            return;
        case Fault::stall: // until the client closes (its timeout) or the proxy quits
            for (std::string ignored; receive(client.fd, ignored); ignored.clear()) {
            }
            return;
        case Fault::delay:
            // The client closing early ends the wait too (poll reports it readable).
            if (wait_for(client.fd, POLLIN, static_cast<int>(plan.wait.count())) != Woke::timeout)
                return;
            break;
        default:
            break;
        }
        forward(client.fd, one_shot(request, head), plan.fault);
    }

    // Sends the request upstream and relays the answer until the server closes; with
    // Fault::truncate_body only the answer's head and half its body (none without a
    // Content-Length), with Fault::drop_answer nothing.
    void forward(int client, const std::string& request, Fault fault) {
        const bool truncate = fault == Fault::truncate_body;
        Socket up(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        const sockaddr_in addr = loopback(target_port_);
        if (up.fd < 0 ||
            ::connect(up.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
            return;
        if (!send_all(up.fd, request.data(), request.size()))
            return;
        std::string answer;
        std::size_t sent = 0;
        std::optional<std::size_t> limit; // known once the head is in, when truncating
        while (receive(up.fd, answer)) {
            if (fault == Fault::drop_answer)
                continue; // the whole answer, until the server closes: it has applied the request
            if (truncate && !limit) {
                const std::size_t end = answer.find("\r\n\r\n");
                if (end == std::string::npos)
                    continue;
                limit = end + 4 + content_length(answer.substr(0, end + 4)).value_or(0) / 2;
            }
            const std::size_t upto = limit ? std::min(answer.size(), *limit) : answer.size();
            if (!send_all(client, answer.data() + sent, upto - sent))
                return;
            sent = upto;
            if (limit && sent == *limit)
                return; // closing now leaves the client short of the Content-Length
        }
        if (truncate && !limit) // the server closed before a whole head: relay what came
            send_all(client, answer.data(), answer.size());
    }

    int target_port_;
    int port_ = 0;
    int listen_fd_ = -1;
    int quit_[2] = {-1, -1};
    int unlisten_[2] = {-1, -1};
    std::atomic<int> accepted_{0};
    mutable std::mutex mutex_; // planned_, otherwise_, requests_
    std::deque<Plan> planned_;
    Plan otherwise_;
    std::vector<std::string> requests_;
    std::thread acceptor_;
    std::vector<std::thread> handlers_; // pushed by the acceptor only; joined after it
};

} // namespace dorm_test
