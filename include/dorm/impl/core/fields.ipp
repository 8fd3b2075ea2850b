#pragma once
// Bodies of dorm/core/fields.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include "dorm/core/fields.hpp"

namespace dorm {
inline namespace DORM_ABI {

DORM_INLINE FieldMeta::FieldMeta() noexcept = default;
DORM_INLINE FieldMeta::FieldMeta(const FieldMeta&) = default;
DORM_INLINE FieldMeta::FieldMeta(FieldMeta&&) noexcept = default;
DORM_INLINE FieldMeta& FieldMeta::operator=(const FieldMeta&) = default;
DORM_INLINE FieldMeta& FieldMeta::operator=(FieldMeta&&) noexcept = default;
DORM_INLINE FieldMeta::~FieldMeta() = default;

DORM_INLINE std::string_view field_kind_name(FieldKind k) {
    constexpr std::string_view names[] = {"AutoField",
                                          "BigAutoField",
                                          "IntegerField",
                                          "BigIntegerField",
                                          "FloatField",
                                          "BooleanField",
                                          "CharField",
                                          "TextField",
                                          "DateField",
                                          "DateTimeField",
                                          "ForeignKey",
                                          "OneToOneField",
                                          "ManyToManyField",
                                          "SmallIntegerField",
                                          "PositiveIntegerField",
                                          "PositiveSmallIntegerField",
                                          "PositiveBigIntegerField",
                                          "EmailField",
                                          "URLField",
                                          "SlugField",
"TimeField",
"JSONField",
"DecimalField",
"UUIDField",
"BinaryField",
"DurationField"};
    return names[static_cast<int>(k)];
}

DORM_INLINE Option choices(std::vector<Choice> list) {
    Option o(Option::Tag::Choices);
    o.choices = std::make_shared<const std::vector<Choice>>(std::move(list));
    return o;
}

namespace detail {
DORM_INLINE Option validator_option(Validator::Kind kind, Value limit) {
    Option o(Option::Tag::Validator);
    o.validator.kind = kind;
    o.validator.limit = std::move(limit);
    return o;
}
} // namespace detail

DORM_INLINE Option min_value(Value limit) {
    return detail::validator_option(Validator::Kind::MinValue, std::move(limit));
}
DORM_INLINE Option max_value(Value limit) {
    return detail::validator_option(Validator::Kind::MaxValue, std::move(limit));
}
DORM_INLINE Option min_length(std::int64_t n) {
    return detail::validator_option(Validator::Kind::MinLength, n);
}
DORM_INLINE Option validator(void (*check)(const Value&)) {
    Option o = detail::validator_option(Validator::Kind::Custom, {});
    o.validator.check = check;
    return o;
}

DORM_INLINE std::string_view value_type_name(ValueType t) {
    constexpr std::string_view names[] = {"integer", "real", "boolean", "text", "date", "datetime", "time", "json", "decimal", "uuid", "binary", "duration"};
    return names[static_cast<int>(t)];
}

DORM_INLINE ValueType value_type_of(FieldKind k) {
    switch (k) {
    case FieldKind::Auto:
    case FieldKind::BigAuto:
    case FieldKind::Integer:
    case FieldKind::BigInteger:
    case FieldKind::SmallInteger:
    case FieldKind::PositiveInteger:
    case FieldKind::PositiveSmallInteger:
    case FieldKind::PositiveBigInteger:
        return ValueType::Integer;
    case FieldKind::Float:
        return ValueType::Real;
    case FieldKind::Boolean:
        return ValueType::Bool;
    case FieldKind::Char:
    case FieldKind::Text:
    case FieldKind::Email:
    case FieldKind::URL:
    case FieldKind::Slug:
        return ValueType::Text;
    case FieldKind::Date:
        return ValueType::Date;
    case FieldKind::DateTime:
        return ValueType::DateTime;
    case FieldKind::Time:
        return ValueType::Time;
    case FieldKind::Json:
        return ValueType::Json;
    case FieldKind::Decimal:
        return ValueType::Decimal;
    case FieldKind::Uuid:
        return ValueType::Uuid;
    case FieldKind::Binary:
        return ValueType::Binary;
    case FieldKind::Duration:
        return ValueType::Duration;
    case FieldKind::ForeignKey: // the target's key type; FieldMeta::value_type() knows it
    case FieldKind::OneToOne:
    case FieldKind::ManyToMany:
        return ValueType::Integer;
    }
    return ValueType::Text;
}

namespace detail {

// Python's str(value) in a message: text as it is, other values as dorm writes them.
DORM_INLINE std::string message_text(const Value& v) {
    return v.kind() == Value::Kind::Text ? v.as_text() : v.repr();
}

DORM_INLINE Decimal decimal_to_python(const Value& v, const FieldMeta& f) {
    return decimal_to_python(v, f.max_digits);
}

DORM_INLINE Decimal decimal_to_python(const Value& v, int max_digits) {
    switch (v.kind()) {
    case Value::Kind::Decimal:
        return v.as_decimal();
    case Value::Kind::Integer:
        return Decimal(v.as_int());
    case Value::Kind::Bool:
        return Decimal(v.as_bool() ? 1 : 0);
    case Value::Kind::Text:
        if (auto d = Decimal::parse(v.as_text()))
            return *d;
        break;
    case Value::Kind::Real:
        if (auto d = Decimal::from_double(v.as_double(), max_digits > 0 ? max_digits : 28))
            return *d;
        break;
    default:
        break;
    }
    throw ValidationError("\u201c" + message_text(v) + "\u201d value must be a decimal number.");
}

DORM_INLINE Uuid uuid_to_python(const Value& v) {
    switch (v.kind()) {
    case Value::Kind::Uuid:
        return v.as_uuid();
    case Value::Kind::Text:
        if (auto u = Uuid::parse(v.as_text()))
            return *u;
        break;
    case Value::Kind::Integer:
    case Value::Kind::Bool: {
        const std::int64_t n = v.as_int();
        if (n < 0)
            break;
        Uuid u;
        for (int i = 0; i < 8; ++i)
            u.bytes[static_cast<std::size_t>(15 - i)] =
                static_cast<std::uint8_t>(static_cast<std::uint64_t>(n) >> (8 * i));
        return u;
    }
    default:
        break;
    }
    throw ValidationError("\u201c" + message_text(v) + "\u201d is not a valid UUID.");
}

DORM_INLINE Decimal decimal_from_store(const Value& stored, const FieldMeta& f) {
    std::optional<Decimal> d;
    switch (stored.kind()) {
    case Value::Kind::Real:
        d = Decimal::from_double(stored.as_double(), 15);
        break;
    case Value::Kind::Integer:
    case Value::Kind::Decimal:
        d = stored.as_decimal();
        break;
    case Value::Kind::Text:
        d = Decimal::parse(stored.as_text());
        break;
    default:
        break;
    }
    if (!d)
        throw ValueError(f.described_name() + ": the stored value " + stored.repr() +
                         " is not a decimal number");
    return d->quantize(f.decimal_places);
}

DORM_INLINE std::string decimal_for_save(const Decimal& d, const FieldMeta& f) {
    const Decimal q = d.quantize(f.decimal_places);
    if (q.digits().size() > static_cast<std::size_t>(f.max_digits))
        throw ValueError(f.described_name() + ": " + d.str() + " has more than " +
                         std::to_string(f.max_digits) + " digits once rounded to " +
                         std::to_string(f.decimal_places) + " decimal places");
    return q.str();
}

DORM_INLINE std::vector<std::string> decimal_problems(const Decimal& d, const FieldMeta& f) {
    // Django's DecimalValidator counts digits from the value's tuple (digits, exponent).
    const int n = static_cast<int>(d.digits().size());
    int digits = 0, decimals = 0;
    if (d.exponent() >= 0) {
        digits = n + d.exponent();
    } else if (-d.exponent() > n) {
        digits = decimals = -d.exponent();
    } else {
        digits = n;
        decimals = -d.exponent();
    }
    const auto plural = [](int k, const char* one, const char* many) {
        return std::to_string(k) + (k == 1 ? one : many);
    };
    if (digits > f.max_digits)
        return {"Ensure that there are no more than " + plural(f.max_digits, " digit", " digits") +
                " in total."};
    if (decimals > f.decimal_places)
        return {"Ensure that there are no more than " +
                plural(f.decimal_places, " decimal place", " decimal places") + "."};
    if (digits - decimals > f.max_digits - f.decimal_places)
        return {"Ensure that there are no more than " +
                plural(f.max_digits - f.decimal_places, " digit", " digits") +
                " before the decimal point."};
    return {};
}

} // namespace detail

} // namespace DORM_ABI
} // namespace dorm
