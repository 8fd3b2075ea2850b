#pragma once
// The pages of a long read, fetched one page ahead of the caller: while the caller writes
// page k into the local store, a helper thread already waits for the remote's page k+1, so
// the local work hides behind the remote's. A read of one page starts no thread.
//
// Only the helper uses the Client while the stream is open (its log hook is then called on
// the helper's thread); the caller uses it again once next() has answered nullopt or the
// stream is gone. The helper stays at most one page ahead (the memory of two pages).
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/remote/client.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

class PageStream {
public:
    struct Page {
        std::vector<nlohmann::json> rows;
        std::size_t pages = 0; // pages so far, this one included
        std::size_t rows_so_far = 0;
    };

    explicit PageStream(odata::Client::Listing& listing) : listing_(listing) {}
    PageStream(const PageStream&) = delete;
    PageStream& operator=(const PageStream&) = delete;
    ~PageStream() { stop(); }

    // The next page; nullopt after the last. Rethrows the error that ended the listing.
    std::optional<Page> next() {
        if (!started_) { // the first page on the caller's thread: most reads have one
            started_ = true;
            if (listing_.done())
                return std::nullopt;
            Page first = read_page();
            if (!listing_.done())
                helper_ = std::thread([this] { fetch_rest(); });
            return first;
        }
        if (!helper_.joinable())
            return std::nullopt;
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
        if (!ready_.empty()) {
            Page p = std::move(ready_.front());
            ready_.pop_front();
            changed_.notify_all(); // room for the next page
            return p;
        }
        lock.unlock();
        stop();
        if (error_)
            std::rethrow_exception(error_);
        return std::nullopt;
    }

private:
    Page read_page() {
        Page p;
        p.rows = listing_.next();
        p.pages = listing_.pages();
        p.rows_so_far = listing_.rows();
        return p;
    }

    void fetch_rest() {
        std::exception_ptr error;
        try {
            while (!listing_.done()) {
                Page p = read_page();
                std::unique_lock lock(mutex_);
                ready_.push_back(std::move(p));
                changed_.notify_all();
                changed_.wait(lock, [&] { return ready_.empty() || cancelled_; });
                if (cancelled_)
                    break;
            }
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        error_ = error;
        finished_ = true;
        changed_.notify_all();
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            cancelled_ = true;
        }
        changed_.notify_all();
        if (helper_.joinable())
            helper_.join(); // after at most the request in flight (its timeout bounds it)
    }

    odata::Client::Listing& listing_;
    bool started_ = false;
    std::thread helper_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Page> ready_;
    bool finished_ = false, cancelled_ = false;
    std::exception_ptr error_;
};

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
