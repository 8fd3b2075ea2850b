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
    // libc++ 19 has no floating-point from_chars: dorm reads doubles with strtod there.
    auto parsed = [](const char* text) {
        double v = -1;
        const std::errc ec = dorm::detail::parse_double(text, v);
        return ec == std::errc() ? std::format("{}", v)
                                 : ec == std::errc::result_out_of_range ? "out of range"
                                                                        : "invalid";
    };
    expect_eq(parsed("1.5"), "1.5", "parse_double 1.5");
    expect_eq(parsed("-2.5e-3"), "-0.0025", "parse_double exponent");
    expect_eq(parsed("5e-324"), "5e-324", "parse_double subnormal");
    expect_eq(parsed("1e999"), "out of range", "parse_double overflow");
    expect_eq(parsed("1.5x"), "invalid", "parse_double trailing text");
    expect_eq(parsed(" 1"), "invalid", "parse_double leading space");
    expect_eq(dorm::detail::python_float_repr(0.1 + 0.2), "0.30000000000000004", "repr");
    // A filter value in text reaches the query as the field's number (Python's float()).
    expect_eq(std::format("{}", dorm::detail::coerce(dorm::Value(" 1e3 "),
                                                     {dorm::ValueType::Real, false,
                                                      [] { return std::string("x"); },
                                                      [] { return std::string("x"); }})),
              "1000", "float() of text");
    if (failures == 0)
        std::cout << "std::format of Date, Time, DateTime and Value, and doubles read: ok\n";
    return failures == 0 ? 0 : 1;
}
