#pragma once
// Value: the one currency between models, queries and back ends. Date, Time and DateTime
// are naive (no time zone), stored in SQLite as text in Django's formats; a duration is
// std::chrono::microseconds (Python's timedelta), stored as integer microseconds.
#include <array>
#include <chrono>
#include <compare>
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct Date {
    int year = 1970;
    int month = 1;
    int day = 1;

    auto operator<=>(const Date&) const = default;
    bool valid() const noexcept;
    std::string iso() const;                            // "2005-07-29"
    static std::optional<Date> parse(std::string_view); // "YYYY-MM-DD"
};

struct Time {
    int hour = 0;
    int minute = 0;
    int second = 0;
    int microsecond = 0;

    auto operator<=>(const Time&) const = default;
    bool valid() const noexcept;
    std::string iso() const; // "10:30:00" or "10:30:00.000250", as Python's str(time)
    static std::optional<Time> parse(std::string_view);
};

struct DateTime {
    Date date;
    Time time;

    DateTime() = default;
    constexpr DateTime(Date d, Time t = {}) : date(d), time(t) {}
    DateTime(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int us = 0)
        : date{y, mo, d}, time{h, mi, s, us} {}

    auto operator<=>(const DateTime&) const = default;
    bool valid() const noexcept { return date.valid() && time.valid(); }
    // Django's SQLite storage format: "2005-07-29 10:30:00[.ffffff]".
    std::string iso() const { return date.iso() + ' ' + time.iso(); }
    // Accepts "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.f...]]" and the 'T' separator.
    static std::optional<DateTime> parse(std::string_view);
};

using Blob = std::vector<std::uint8_t>;
class Json;

// A duration as Python's str(timedelta) writes it: "1 day, 2:03:04.500000", "0:00:00",
// "-1 day, 23:59:59.999999" (the days are floored, the rest is positive).
std::string duration_str(std::chrono::microseconds d);

namespace detail {
[[noreturn]] void duration_overflow(std::string_view what);

// Any std::chrono::duration as whole microseconds: a coarser one exactly, a finer or
// floating-point one rounded half to even, as Python's timedelta rounds
// (timedelta(microseconds=1.5) == timedelta(microseconds=2)). OverflowError when the result
// does not fit 64 bits (what Django stores on SQLite), or for NaN.
template <class Rep, class Period>
std::chrono::microseconds to_microseconds(std::chrono::duration<Rep, Period> d) {
    constexpr auto lo = std::numeric_limits<std::int64_t>::min();
    constexpr auto hi = std::numeric_limits<std::int64_t>::max();
    if constexpr (std::is_floating_point_v<Rep>) {
        const long double us = std::chrono::duration<long double, std::micro>(d).count();
        if (!(us >= static_cast<long double>(lo) && us < static_cast<long double>(hi)))
            duration_overflow("the duration does not fit 64-bit microseconds");
        return std::chrono::round<std::chrono::microseconds>(
            std::chrono::duration<long double, std::micro>(us));
    } else {
        using R = std::ratio_divide<Period, std::micro>;
        static_assert(std::is_integral_v<Rep>, "a duration of an arithmetic type");
        if constexpr (std::is_unsigned_v<Rep>) {
            if (d.count() > static_cast<std::make_unsigned_t<std::int64_t>>(hi))
                duration_overflow("the duration does not fit 64-bit microseconds");
        }
        const auto n = static_cast<std::int64_t>(d.count());
        std::int64_t scaled = 0;
        if (__builtin_mul_overflow(n, static_cast<std::int64_t>(R::num), &scaled))
            duration_overflow("the duration does not fit 64-bit microseconds");
        if constexpr (R::den == 1) {
            return std::chrono::microseconds(scaled);
        } else {
            constexpr auto den = static_cast<std::int64_t>(R::den);
            std::int64_t q = scaled / den;
            const std::int64_t r = scaled % den;
            // Half to even: compare 2|r| with den.
            const std::int64_t twice = (r < 0 ? -r : r) * 2;
            if (twice > den || (twice == den && q % 2 != 0))
                q += r < 0 ? -1 : 1;
            return std::chrono::microseconds(q);
        }
    }
}
} // namespace detail
// An exact decimal number (Python's decimal.Decimal, Django's DecimalField): a sign, the
// digits of the coefficient and a power of ten, so "12.50" keeps its two places and no value
// passes through a double. Comparisons are numeric (12.5 == 12.50); str() gives the digits.
class Decimal {
public:
    Decimal() = default; // 0
    template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>) Decimal(I i)
        : Decimal(IntTag{}, static_cast<std::int64_t>(i)) {}
    // Python's Decimal(text): "12.50", "-3", "+.5", "1e3", "1_000.5", surrounding spaces.
    // NaN and the infinities are refused (nullopt), as text that is not a number.
    static std::optional<Decimal> parse(std::string_view s);
    // The value of text that parse() accepts; ValueError otherwise.
    static Decimal from_string(std::string_view s);
    // A double rounded to `significant` digits, half to even (Python's
    // Context(prec).create_decimal_from_float); nullopt for NaN and the infinities.
    static std::optional<Decimal> from_double(double d, int significant = 17);

    // Plain notation, never an exponent (Python's format(d, 'f')): "12.50", "-0.001", "1000".
    std::string str() const;
    bool negative() const noexcept { return negative_; }
    bool is_zero() const noexcept { return digits_ == "0"; }
    // The digits of the coefficient ("1250" for 12.50) and its power of ten (-2).
    const std::string& digits() const noexcept { return digits_; }
    int exponent() const noexcept { return exponent_; }
    // Digits after the decimal point (2 for 12.50, 0 for 1E+3), as Django's DecimalValidator
    // counts them; digits before it (2 for 12.50, 4 for 1E+3, 0 for 0.5).
    int places() const noexcept { return exponent_ < 0 ? -exponent_ : 0; }
    int whole_digits() const noexcept;
    // Rounded (half to even) or padded to `places` digits after the point (Python's
    // quantize(Decimal(1).scaleb(-places))).
    Decimal quantize(int places) const;
    // The nearest double (for F() arithmetic and FloatField comparisons).
    double to_double() const;

    friend bool operator==(const Decimal& a, const Decimal& b) noexcept {
        return compare(a, b) == 0;
    }
    friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) noexcept {
        return compare(a, b) <=> 0;
    }

private:
    struct IntTag {};
    Decimal(IntTag, std::int64_t i);
    static int compare(const Decimal& a, const Decimal& b) noexcept;
    void normalize_zero() noexcept;

    bool negative_ = false;
    std::string digits_ = "0"; // no leading zeros ("0" for zero)
    int exponent_ = 0;
};

// A UUID (Python's uuid.UUID, Django's UUIDField): 16 bytes. Django stores it on SQLite as
// 32 lower-case hex digits (hex()); str() is the canonical form with dashes.
struct Uuid {
    std::array<std::uint8_t, 16> bytes{};

    auto operator<=>(const Uuid&) const = default;
    // Python's UUID(hex=...): 32 hex digits, with or without dashes, braces, "urn:uuid:".
    static std::optional<Uuid> parse(std::string_view s);
    // The value of text that parse() accepts; ValueError otherwise.
    static Uuid from_string(std::string_view s);
    std::string hex() const; // "12345678123456781234567812345678"
    std::string str() const; // "12345678-1234-5678-1234-567812345678"
};

class Value {
public:
// GCC (12) takes a scoped enumerator for a declaration that shadows dorm::Blob.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
    enum class Kind : std::uint8_t {
        Null,
        Integer,
        Real,
        Text,
        Bool,
        Date,
        Time,
        DateTime,
        Blob,
        Decimal,
        Uuid,
        Duration
    };
#pragma GCC diagnostic pop

    // The constructors, copies and comparisons are defined in dorm/impl/core/value_impl.ipp,
    // so that a translation unit of dorm's compiled mode instantiates no std::variant
    // machinery for them.
    Value() noexcept;
    Value(std::nullptr_t) : Value() {}
    Value(std::nullopt_t) : Value() {}
    Value(bool b);
    template <std::integral I>
    requires(!std::same_as<I, bool> && !std::same_as<I, char>) Value(I i)
        : Value(IntTag{}, static_cast<std::int64_t>(i)) {}
    Value(double d);
    Value(float f) : Value(static_cast<double>(f)) {}
    Value(const char* s);
    Value(std::string s);
    Value(std::string_view s);
    Value(Date d);
    Value(Time t);
    Value(DateTime dt);
    Value(Blob b);
    Value(const Json& j); // its canonical text
    Value(Decimal d);
    Value(Uuid u);
    Value(std::chrono::microseconds d);
    // Any other std::chrono::duration: as microseconds (detail::to_microseconds: rounded half
    // to even below a microsecond, as Python's timedelta; OverflowError beyond 64 bits).
    template <class Rep, class Period>
    requires(!std::same_as<std::chrono::duration<Rep, Period>, std::chrono::microseconds>)
        Value(std::chrono::duration<Rep, Period> d)
        : Value(detail::to_microseconds(d)) {}
    template <class X>
    requires std::constructible_from<Value, const X&> Value(const std::optional<X>& o) {
        if (o)
            *this = Value(*o);
    }
    Value(const Value&);
    Value(Value&&) noexcept;
    Value& operator=(const Value&);
    Value& operator=(Value&&) noexcept;
    ~Value();

    Kind kind() const noexcept {
        return static_cast<Kind>(v_.index());
    }
    bool is_null() const noexcept {
        return v_.index() == 0;
    }
    explicit operator bool() const = delete; // ambiguous: use is_null() or as_bool()

    std::int64_t as_int() const;
    double as_double() const; // integers widen
    bool as_bool() const;     // integers 0/1 accepted
    const std::string& as_text() const;
    Date as_date() const; // text in ISO form accepted
    Time as_time() const;
    DateTime as_datetime() const; // a Date widens to midnight
    const Blob& as_blob() const;
    Decimal as_decimal() const; // integers and text ("12.50") accepted
    Uuid as_uuid() const;       // text in any form Uuid::parse accepts
    // A duration; an integer is microseconds (what the column of a DurationField holds).
    std::chrono::microseconds as_duration() const;

    // A short description for error messages: 'O''Brien' (text), 42, NULL, ...
    std::string repr() const;
    static std::string_view kind_name(Kind);

    friend bool operator==(const Value& a, const Value& b) {
        return equal(a, b);
    }
    friend bool operator<(const Value& a, const Value& b) {
        return less(a, b);
    }

private:
    struct IntTag {};
    Value(IntTag, std::int64_t i);
    static bool equal(const Value& a, const Value& b);
    static bool less(const Value& a, const Value& b);

    std::variant<std::monostate, std::int64_t, double, std::string, bool, Date, Time, DateTime,
                 Blob, Decimal, Uuid, std::chrono::microseconds>
        v_;
};

using Values = std::vector<Value>;

namespace detail {
// "expected <want>, got <kind> <repr>" (ValueError), for the accessors below.
[[noreturn]] void value_kind_error(const Value& have, std::string_view want);
} // namespace detail

// The accessors that only read the variant stay inline (they run for every value of every
// row); the conversions that parse are in dorm/impl/core/value_impl.ipp.
inline std::int64_t Value::as_int() const {
    if (auto p = std::get_if<std::int64_t>(&v_))
        return *p;
    if (auto b = std::get_if<bool>(&v_))
        return *b ? 1 : 0;
    detail::value_kind_error(*this, "integer");
}

inline double Value::as_double() const {
    if (auto p = std::get_if<double>(&v_))
        return *p;
    if (auto i = std::get_if<std::int64_t>(&v_))
        return static_cast<double>(*i);
    detail::value_kind_error(*this, "real");
}

inline bool Value::as_bool() const {
    if (auto p = std::get_if<bool>(&v_))
        return *p;
    if (auto i = std::get_if<std::int64_t>(&v_); i && (*i == 0 || *i == 1))
        return *i == 1;
    detail::value_kind_error(*this, "boolean");
}

inline const std::string& Value::as_text() const {
    if (auto p = std::get_if<std::string>(&v_))
        return *p;
    detail::value_kind_error(*this, "text");
}

inline const Blob& Value::as_blob() const {
    if (auto p = std::get_if<Blob>(&v_))
        return *p;
    detail::value_kind_error(*this, "blob");
}

inline std::chrono::microseconds Value::as_duration() const {
    if (auto p = std::get_if<std::chrono::microseconds>(&v_))
        return *p;
    if (auto i = std::get_if<std::int64_t>(&v_))
        return std::chrono::microseconds(*i);
    detail::value_kind_error(*this, "duration");
}

// Printing: `std::cout << date` writes its iso() text ("2005-07-29", "10:30:00",
// "2005-07-29 10:30:00"); a Value writes its repr() (NULL, 3, 0.1, 'text').
std::ostream& operator<<(std::ostream& os, const Date& d);
std::ostream& operator<<(std::ostream& os, const Time& t);
std::ostream& operator<<(std::ostream& os, const DateTime& dt);
std::ostream& operator<<(std::ostream& os, const Decimal& d);
std::ostream& operator<<(std::ostream& os, const Uuid& u);
std::ostream& operator<<(std::ostream& os, const Value& v);

} // namespace DORM_ABI
} // namespace dorm

#include "dorm/core/value_impl.hpp"
