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
    constexpr std::string_view names[] = {
        "AutoField",    "BigAutoField",  "IntegerField",    "BigIntegerField", "FloatField",
        "BooleanField", "CharField",     "TextField",       "DateField",       "DateTimeField",
        "ForeignKey",   "OneToOneField", "ManyToManyField", "TimeField",       "JSONField"};
    return names[static_cast<int>(k)];
}

DORM_INLINE std::string_view value_type_name(ValueType t) {
    constexpr std::string_view names[] = {"integer", "real",     "boolean", "text",
                                          "date",    "datetime", "time",    "json"};
    return names[static_cast<int>(t)];
}

DORM_INLINE ValueType value_type_of(FieldKind k) {
    switch (k) {
    case FieldKind::Auto:
    case FieldKind::BigAuto:
    case FieldKind::Integer:
    case FieldKind::BigInteger:
        return ValueType::Integer;
    case FieldKind::Float:
        return ValueType::Real;
    case FieldKind::Boolean:
        return ValueType::Bool;
    case FieldKind::Char:
    case FieldKind::Text:
        return ValueType::Text;
    case FieldKind::Date:
        return ValueType::Date;
    case FieldKind::DateTime:
        return ValueType::DateTime;
    case FieldKind::Time:
        return ValueType::Time;
    case FieldKind::Json:
        return ValueType::Json;
    case FieldKind::ForeignKey: // the target's key type; FieldMeta::value_type() knows it
    case FieldKind::OneToOne:
    case FieldKind::ManyToMany:
        return ValueType::Integer;
    }
    return ValueType::Text;
}

} // namespace DORM_ABI
} // namespace dorm
