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
    constexpr std::string_view names[] = {"integer",  "real", "boolean", "text",    "date",
                                          "datetime", "time", "json",    "duration"};
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
    case FieldKind::Duration:
        return ValueType::Duration;
    case FieldKind::ForeignKey: // the target's key type; FieldMeta::value_type() knows it
    case FieldKind::OneToOne:
    case FieldKind::ManyToMany:
        return ValueType::Integer;
    }
    return ValueType::Text;
}

} // namespace DORM_ABI
} // namespace dorm
