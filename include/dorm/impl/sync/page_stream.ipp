#pragma once
// Bodies of dorm/sync/page_stream.hpp (dorm/detail/config.hpp).
#include "dorm/sync/page_stream.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>

namespace dorm {
inline namespace DORM_ABI {
namespace sync {

struct PageStream::Impl {
    std::thread helper;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Page> ready;
    bool finished = false, cancelled = false;
    std::exception_ptr error;
};

DORM_INLINE PageStream::PageStream(odata::Client::Listing& listing)
    : listing_(listing), impl_(std::make_unique<Impl>()) {}

DORM_INLINE PageStream::~PageStream() {
    stop();
}

DORM_INLINE std::optional<PageStream::Page> PageStream::next() {
    Impl& s = *impl_;
    if (!started_) { // the first page on the caller's thread: most reads have one
        started_ = true;
        if (listing_.done())
            return std::nullopt;
        Page first = read_page();
        if (!listing_.done())
            s.helper = std::thread([this] { fetch_rest(); });
        return first;
    }
    if (!s.helper.joinable())
        return std::nullopt;
    std::unique_lock lock(s.mutex);
    s.changed.wait(lock, [&] { return !s.ready.empty() || s.finished; });
    if (!s.ready.empty()) {
        Page p = std::move(s.ready.front());
        s.ready.pop_front();
        s.changed.notify_all(); // room for the next page
        return p;
    }
    lock.unlock();
    stop();
    if (s.error)
        std::rethrow_exception(s.error);
    return std::nullopt;
}

DORM_INLINE PageStream::Page PageStream::read_page() {
    Page p;
    p.rows = listing_.next();
    p.pages = listing_.pages();
    p.rows_so_far = listing_.rows();
    return p;
}

DORM_INLINE void PageStream::fetch_rest() {
    Impl& s = *impl_;
    std::exception_ptr error;
    try {
        while (!listing_.done()) {
            Page p = read_page();
            std::unique_lock lock(s.mutex);
            s.ready.push_back(std::move(p));
            s.changed.notify_all();
            s.changed.wait(lock, [&] { return s.ready.empty() || s.cancelled; });
            if (s.cancelled)
                break;
        }
    } catch (...) {
        error = std::current_exception();
    }
    std::lock_guard lock(s.mutex);
    s.error = error;
    s.finished = true;
    s.changed.notify_all();
}

DORM_INLINE void PageStream::stop() {
    Impl& s = *impl_;
    {
        std::lock_guard lock(s.mutex);
        s.cancelled = true;
    }
    s.changed.notify_all();
    if (s.helper.joinable())
        s.helper.join(); // after at most the request in flight (its timeout bounds it)
}

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm
