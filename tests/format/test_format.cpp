// std::format of dorm's values, built by clang++ 19 with libc++ (tests/format/run.cmake):
// GCC 12's library has no <format>. Also proves the whole of <dorm/dorm.hpp> compiles warning
// free there with the flags users turn on. Exits non-zero, naming the case, on a mismatch.
#include <dorm/dorm.hpp>

#include <format>
#include <iostream>
#include <sstream>
#include <string>

#ifndef __cpp_lib_format
#error "this test needs a standard library with <format>"
#endif

namespace {
int failures = 0;

void expect_eq(const std::string& got, const std::string& want, const char* what) {
    if (got != want) {
        std::cerr << what << ": got [" << got << "], want [" << want << "]\n";
        ++failures;
    }
}

template <class T>
std::string streamed(const T& x) {
    std::ostringstream os;
    os << x;
    return os.str();
}
} // namespace

int main() {
    const dorm::Date d{2005, 7, 29};
    const dorm::Time t{10, 30, 0, 250};
    const dorm::DateTime dt{d, {10, 30, 0, 0}};
    expect_eq(std::format("{}", d), "2005-07-29", "Date");
    expect_eq(std::format("{}", t), "10:30:00.000250", "Time");
    expect_eq(std::format("{}", dt), "2005-07-29 10:30:00", "DateTime");
    expect_eq(std::format("[{:>12}]", d), "[  2005-07-29]", "Date, right-aligned in 12");
    expect_eq(std::format("[{:*<12}]", d), "[2005-07-29**]", "Date, filled with *");
    expect_eq(std::format("{}", dorm::Value(224.99)), "224.99", "Value double");
    expect_eq(std::format("{}", dorm::Value("it's")), streamed(dorm::Value("it's")), "Value text");
    expect_eq(std::format("{}", dorm::Value()), "NULL", "Value NULL");
    expect_eq(std::format("{} {}", dorm::Value(3), dorm::Value(d)),
              streamed(dorm::Value(3)) + " " + streamed(dorm::Value(d)), "Values as <<");
    if (failures == 0)
        std::cout << "std::format of Date, Time, DateTime and Value: ok\n";
    return failures == 0 ? 0 : 1;
}
