// libFuzzer target: any bytes as a V2 /Date(ms)/ or a V4 ISO 8601 value. A parsed value is
// always a valid date and time, and a /Date(ms)/ value survives a round trip through the
// milliseconds it names. Run by scripts/fuzz.
#include <dorm/detail/calendar.hpp>
#include <dorm/dorm.hpp>
#include <dorm/remote/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto dt = dorm::odata::parse_v2_date(text)) {
        if (!dt->valid())
            std::abort();
        const std::int64_t days =
            dorm::detail::days_from_civil(dt->date.year, dt->date.month, dt->date.day);
        const std::int64_t ms = (days * 86'400 + dt->time.hour * 3600 + dt->time.minute * 60 +
                                 dt->time.second) *
                                    1000 +
                                dt->time.microsecond / 1000;
        if (!(dorm::odata::detail::from_unix_ms(ms) == *dt))
            std::abort();
    }
    if (auto dt = dorm::odata::parse_iso(text))
        if (!dt->valid())
            std::abort();
    return 0;
}
