// libFuzzer target: any bytes as an OData response body. Parsing must either give a page
// whose rows can be read as every value type, or throw dorm::Error (MalformedResponse) —
// never crash, hang or throw anything else. Run by scripts/fuzz.
#include <dorm/dorm.hpp>
#include <dorm/remote/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)dorm::odata::parse_error(text);
    const nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
    if (body.is_discarded())
        return 0;
    for (auto version : {dorm::odata::Version::V2, dorm::odata::Version::V4}) {
        try {
            const dorm::odata::Page page = dorm::odata::parse_page(body, version);
            for (const auto& row : page.rows)
                for (const auto& [name, value] : row.items())
                    for (auto type : {dorm::ValueType::Integer, dorm::ValueType::Real,
                                      dorm::ValueType::Bool, dorm::ValueType::Text,
                                      dorm::ValueType::Date, dorm::ValueType::DateTime}) {
                        try {
                            (void)dorm::odata::parse_value(value, type, version, name);
                        } catch (const dorm::MalformedResponse&) {
                        }
                    }
        } catch (const dorm::MalformedResponse&) {
        }
    }
    return 0;
}
