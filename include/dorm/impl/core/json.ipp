#pragma once
// Bodies of dorm/core/json.hpp (dorm/detail/config.hpp).
#include "dorm/core/json.hpp"

#include "dorm/core/errors.hpp"
#include "dorm/detail/json.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE Json::Json(std::string_view text) {
    std::string error;
    if (!detail::canonical_json(text, text_, error))
        throw ValueError("not JSON: " + error);
}

DORM_INLINE Json Json::string(std::string_view s) {
    Json j;
    j.text_.clear();
    if (!detail::append_json_string(j.text_, s))
        throw ValueError("Json::string: the text is not valid UTF-8");
    return j;
}

} // namespace DORM_ABI
} // namespace dorm
