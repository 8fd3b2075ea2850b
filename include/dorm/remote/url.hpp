#pragma once
// Percent-encoding of URL parts, through libcurl (the client's transport).
#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "dorm/errors.hpp"

namespace dorm::odata {

// Every byte but RFC 3986's unreserved characters as %XX: a value cannot add a '&' or a
// '=' to the query string.
inline std::string url_encode(std::string_view s) {
    if (s.empty())
        return {};
    std::unique_ptr<char, decltype(&curl_free)> out(
        curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size())), &curl_free);
    if (!out)
        throw std::bad_alloc();
    return out.get();
}

} // namespace dorm::odata
