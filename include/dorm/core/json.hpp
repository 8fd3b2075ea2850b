#pragma once
// dorm::Json: the member type of a JSONField. It holds the document's canonical text, the
// text Django's JSONField stores (Python's json.dumps of the parsed value), so the same
// rows read back the same in Django and in dorm.
#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"
#include "dorm/detail/json.hpp"

namespace dorm {
inline namespace DORM_ABI {

class Json {
public:
    Json() = default; // JSON null
    // Parses JSON text: R"({"owner": {"name": "Ann"}, "tags": ["a", "b"]})". A ValueError
    // says where it is not JSON (NaN, Infinity and numbers beyond a double are refused:
    // SQLite's JSON_VALID does not take what Python writes for them).
    explicit Json(std::string_view text);
    // A JSON string holding s (UTF-8): Json::string("Ann") is "Ann" with its quotes.
    static Json string(std::string_view s);

    const std::string& dump() const noexcept { return text_; } // the canonical text
    bool is_null() const noexcept { return text_ == "null"; }
    friend bool operator==(const Json& a, const Json& b) { return a.text_ == b.text_; }

private:
    std::string text_ = "null";
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/json.ipp"
#endif
