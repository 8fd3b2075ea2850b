#pragma once
// The pages of a long read, fetched one page ahead of the caller: while the caller writes
// page k into the local store, a helper thread already waits for the remote's page k+1, so
// the local work hides behind the remote's. A read of one page starts no thread.
//
// Only the helper uses the Client while the stream is open (its log hook is then called on
// the helper's thread); the caller uses it again once next() has answered nullopt or the
// stream is gone. The helper stays at most one page ahead (the memory of two pages).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <memory>
#include <optional>
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

    explicit PageStream(odata::Client::Listing& listing);
    PageStream(const PageStream&) = delete;
    PageStream& operator=(const PageStream&) = delete;
    ~PageStream();

    // The next page; nullopt after the last. Rethrows the error that ended the listing.
    std::optional<Page> next();

private:
    Page read_page();
    void fetch_rest();
    void stop();

    // The helper thread and what it shares with the caller (in the .ipp: <thread>, <mutex>
    // and <condition_variable> stay out of the header).
    struct Impl;
    odata::Client::Listing& listing_;
    bool started_ = false;
    std::unique_ptr<Impl> impl_;
};

} // namespace sync
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/sync/page_stream.ipp"
#endif
