#pragma once
// Every lookup and transform, defined once (as Django's lookups.py): its name, the value
// types it applies to and the shape of value it takes. The SQL and OData compilers each
// render a LookupKind; nothing else in dorm knows lookup names.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dorm/core/fields.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

enum class LookupKind : std::uint8_t {
    Exact,
    IExact,
    Contains,
    IContains,
    In,
    Gt,
    Gte,
    Lt,
    Lte,
    StartsWith,
    IStartsWith,
    EndsWith,
    IEndsWith,
    Range,
    IsNull,
    Regex,
    IRegex,
    Search,
    // JSONField (resolved by their own rules, tree/resolve: Django's json.py)
    HasKey,
    HasKeys,
    HasAnyKeys,
    ContainedBy,
};

enum class TransformKind : std::uint8_t {
    Date,
    Time,
    Year,
    IsoYear,
    Month,
    Day,
    Week,
    WeekDay,
    IsoWeekDay,
    Quarter,
    Hour,
    Minute,
    Second
};

// The value a lookup takes.
enum class RhsShape : std::uint8_t {
    Single,  // one value of the field's type (NULL allowed only for exact / iexact)
    Pattern, // one non-NULL text value
    List,    // a list of values, or a subquery
    Pair,    // two values: range
    Flag,    // a boolean: isnull
};

namespace detail {
constexpr unsigned type_bit(ValueType t) {
    return 1u << static_cast<unsigned>(t);
}
// Every type but Json (whose lookups resolve by their own rules, tree/resolve).
constexpr unsigned any_type =
    ((1u << (static_cast<unsigned>(ValueType::Duration) + 1)) - 1) & ~type_bit(ValueType::Json);
constexpr unsigned text_type = type_bit(ValueType::Text);
constexpr unsigned date_types = type_bit(ValueType::Date) | type_bit(ValueType::DateTime);
constexpr unsigned time_types = type_bit(ValueType::DateTime) | type_bit(ValueType::Time);
} // namespace detail

struct LookupDef {
    std::string_view name;
    LookupKind kind;
    RhsShape shape;
    unsigned types; // bit set of ValueType the lookup applies to
};

inline constexpr LookupDef lookup_defs[] = {
    {"exact", LookupKind::Exact, RhsShape::Single, detail::any_type},
    {"iexact", LookupKind::IExact, RhsShape::Single, detail::any_type},
    {"contains", LookupKind::Contains, RhsShape::Pattern, detail::any_type},
    {"icontains", LookupKind::IContains, RhsShape::Pattern, detail::any_type},
    {"in", LookupKind::In, RhsShape::List, detail::any_type},
    {"gt", LookupKind::Gt, RhsShape::Single, detail::any_type},
    {"gte", LookupKind::Gte, RhsShape::Single, detail::any_type},
    {"lt", LookupKind::Lt, RhsShape::Single, detail::any_type},
    {"lte", LookupKind::Lte, RhsShape::Single, detail::any_type},
    {"startswith", LookupKind::StartsWith, RhsShape::Pattern, detail::any_type},
    {"istartswith", LookupKind::IStartsWith, RhsShape::Pattern, detail::any_type},
    {"endswith", LookupKind::EndsWith, RhsShape::Pattern, detail::any_type},
    {"iendswith", LookupKind::IEndsWith, RhsShape::Pattern, detail::any_type},
    {"range", LookupKind::Range, RhsShape::Pair, detail::any_type},
    {"isnull", LookupKind::IsNull, RhsShape::Flag, detail::any_type},
    {"regex", LookupKind::Regex, RhsShape::Pattern, detail::any_type},
    {"iregex", LookupKind::IRegex, RhsShape::Pattern, detail::any_type},
    {"search", LookupKind::Search, RhsShape::Pattern, detail::text_type},
    {"has_key", LookupKind::HasKey, RhsShape::Single, detail::type_bit(ValueType::Json)},
    {"has_keys", LookupKind::HasKeys, RhsShape::List, detail::type_bit(ValueType::Json)},
    {"has_any_keys", LookupKind::HasAnyKeys, RhsShape::List, detail::type_bit(ValueType::Json)},
    {"contained_by", LookupKind::ContainedBy, RhsShape::Single, detail::type_bit(ValueType::Json)},
};

struct TransformDef {
    std::string_view name;
    TransformKind kind;
    unsigned input_types;
    ValueType output;
};

inline constexpr TransformDef transform_defs[] = {
    {"date", TransformKind::Date, detail::type_bit(ValueType::DateTime), ValueType::Date},
    {"time", TransformKind::Time, detail::type_bit(ValueType::DateTime), ValueType::Time},
    {"year", TransformKind::Year, detail::date_types, ValueType::Integer},
    {"iso_year", TransformKind::IsoYear, detail::date_types, ValueType::Integer},
    {"month", TransformKind::Month, detail::date_types, ValueType::Integer},
    {"day", TransformKind::Day, detail::date_types, ValueType::Integer},
    {"week", TransformKind::Week, detail::date_types, ValueType::Integer},
    {"week_day", TransformKind::WeekDay, detail::date_types, ValueType::Integer},
    {"iso_week_day", TransformKind::IsoWeekDay, detail::date_types, ValueType::Integer},
    {"quarter", TransformKind::Quarter, detail::date_types, ValueType::Integer},
    {"hour", TransformKind::Hour, detail::time_types, ValueType::Integer},
    {"minute", TransformKind::Minute, detail::time_types, ValueType::Integer},
    {"second", TransformKind::Second, detail::time_types, ValueType::Integer},
};

const LookupDef* find_lookup(std::string_view name, ValueType t);
inline const LookupDef& lookup_def(LookupKind k) {
    return lookup_defs[static_cast<int>(k)];
}

const TransformDef* find_transform(std::string_view name, ValueType t);
inline const TransformDef& transform_def(TransformKind k) {
    return transform_defs[static_cast<int>(k)];
}

// The text Django's pattern lookups (iexact, contains, startswith, ...) compare a value as,
// on any field: Python's str() of it ("5", "4.0", "1e+20", "True", "2005-07-29",
// "2005-07-29 10:30:00.000250"); nullopt for NULL and bytes. The regexp function gives a
// column's REAL values the same text ("4.0", as Django's _sqlite_regexp sees them).
std::optional<std::string> lookup_text(const Value& v);

// The lookups and transforms valid after a value of type t, for error messages.
std::vector<std::string> lookup_choices(ValueType t);

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/lookups.ipp"
#endif
