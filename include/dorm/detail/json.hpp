#pragma once
// JSON text as Django's JSONField stores it: Python's json.dumps(json.loads(text)), written
// without a JSON library (nlohmann/json belongs to remote/ and sync/). Also the JSON paths
// of Django's key transforms (compile_json_path).
#include <string>
#include <string_view>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/detail/float_text.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

// The canonical text of a JSON document: ", " and ": " separators, strings with every
// character outside ' '..'~' escaped (\uXXXX, lower case, surrogate pairs beyond U+FFFF),
// floats as Python's repr, integers as written (-0 is 0), a repeated key's last value in its
// first place. false with a reason in `error` when the text is not JSON, or holds NaN,
// Infinity or a number beyond a double (Python would write them, SQLite's JSON_VALID
// refuses them), or nests deeper than 500.
bool canonical_json(std::string_view text, std::string& out, std::string& error);

// json.dumps(s) of a UTF-8 string (ensure_ascii); false when s is not UTF-8.
bool append_json_string(std::string& out, std::string_view s);

// Django's compile_json_path: "$" then [n] for a key that is an integer, ."<json.dumps(key)>"
// for any other ("$.\"owner\".\"name\"", "$.\"tags\"[0]").
std::string json_path(const std::vector<std::string>& keys);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/detail/json.ipp"
#endif
