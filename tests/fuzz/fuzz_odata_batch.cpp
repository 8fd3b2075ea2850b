// libFuzzer target: any bytes as the answer to a $batch of one changeset: the first line is
// the Content-Type header, the rest the body. Reading must give one answer per operation or
// a single (failed) answer, or throw dorm::MalformedResponse — never crash, hang or throw
// anything else. Run by scripts/fuzz.
#include <dorm/remote/batch.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto nl = input.find('\n');
    if (nl == std::string_view::npos)
        return 0;
    for (std::size_t operations : {1u, 3u}) {
        try {
            const auto answer = dorm::odata::read_changeset_answer(
                input.substr(0, nl), input.substr(nl + 1), operations);
            if (answer.failed_operation && *answer.failed_operation >= operations)
                __builtin_trap();
            if (!answer.failed_operation && answer.responses.size() != operations &&
                answer.responses.size() != 1)
                __builtin_trap();
        } catch (const dorm::MalformedResponse&) {
        }
    }
    return 0;
}
