#pragma once
// Field kinds, field options and the runtime description of one field (FieldMeta).
// A field is reached through its byte offset and its C++ type code, so reading and writing
// fields costs no template instantiation per field: one switch per C++ type serves all.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "dorm/core/errors.hpp"
#include "dorm/core/json.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

// GCC (12) takes a scoped enumerator for a declaration that shadows dorm::Decimal, dorm::Uuid
// and dorm::Blob.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
// What the database sees (Django's field classes).
enum class FieldKind : std::uint8_t {
    Auto,                 // AutoField: integer primary key assigned by the database
    BigAuto,              // BigAutoField
    Integer,              // IntegerField (32-bit member)
    BigInteger,           // BigIntegerField (64-bit member)
    Float,                // FloatField
    Boolean,              // BooleanField
    Char,                 // CharField: text with max_length, checked on save
    Text,                 // TextField
    Date,                 // DateField
    DateTime,             // DateTimeField (microseconds)
    ForeignKey,           // ForeignKey: the target's primary key in a "<name>_id" column
    OneToOne,             // OneToOneField: a unique ForeignKey
    ManyToMany,           // ManyToManyField: no column; rows of a join table
    SmallInteger,         // SmallIntegerField (16-bit member)
    PositiveInteger,      // PositiveIntegerField: an int32_t member with dorm::positive
    PositiveSmallInteger, // PositiveSmallIntegerField: an int16_t member with dorm::positive
    PositiveBigInteger,   // PositiveBigIntegerField: an int64_t member with dorm::positive
    Email,                // EmailField: a CharField (max_length 254) of e-mail addresses
    URL,                  // URLField: a CharField (max_length 200) of URLs
    Slug,                 // SlugField: a CharField (max_length 50, indexed) of slugs
    Time,                 // TimeField: a dorm::Time member, text "HH:MM:SS[.ffffff]"
    Json,                 // JSONField: a dorm::Json member, its canonical text
    Decimal,              // DecimalField(max_digits, decimal_places): a dorm::Decimal member
    Uuid,                 // UUIDField: a dorm::Uuid member
    Binary,               // BinaryField: a dorm::Blob (std::vector<std::uint8_t>) member
    Duration,             // DurationField: a std::chrono::microseconds member, bigint microseconds
};

// What deleting a referenced row does to the rows that refer to it (Django's on_delete).
enum class OnDelete : std::uint8_t { Cascade, Protect, Restrict, SetNull, SetDefault, DoNothing };

// The type a value of the field (or of a transform of it) has in a query.
enum class ValueType : std::uint8_t {
    Integer,
    Real,
    Bool,
    Text,
    Date,
    DateTime,
    Time,
    Json,
    Decimal,
    Uuid,
    Binary,
    Duration
};

// "CharField" for FieldKind::Char (Django's class names).
std::string_view field_kind_name(FieldKind k);
// "integer" for ValueType::Integer.
std::string_view value_type_name(ValueType t);
// The type of the field's values in a query (of a relation: FieldMeta::value_type()).
ValueType value_type_of(FieldKind k);

// The C++ type of the member that holds the field.
// Related: a ForeignKey<T> / OneToOne<T> member (its id is a Value); None: no column.
enum class CType : std::uint8_t {
    I32,
    I64,
    F64,
    F32,
    Bool,
    String,
    Date,
    DateTime,
    Related,
    None,
    I16,
    Time,
    Json,
    Decimal,
    Uuid,
    Blob,
    Duration,
};

#pragma GCC diagnostic pop

namespace detail {
template <class M>
struct ctype_of;
template <>
struct ctype_of<std::int32_t> : std::integral_constant<CType, CType::I32> {};
template <>
struct ctype_of<std::int16_t> : std::integral_constant<CType, CType::I16> {};
template <>
struct ctype_of<std::int64_t> : std::integral_constant<CType, CType::I64> {};
template <>
struct ctype_of<double> : std::integral_constant<CType, CType::F64> {};
template <>
struct ctype_of<float> : std::integral_constant<CType, CType::F32> {};
template <>
struct ctype_of<bool> : std::integral_constant<CType, CType::Bool> {};
template <>
struct ctype_of<std::string> : std::integral_constant<CType, CType::String> {};
template <>
struct ctype_of<dorm::Date> : std::integral_constant<CType, CType::Date> {};
template <>
struct ctype_of<dorm::DateTime> : std::integral_constant<CType, CType::DateTime> {};
template <>
struct ctype_of<dorm::Time> : std::integral_constant<CType, CType::Time> {};
template <>
struct ctype_of<dorm::Json> : std::integral_constant<CType, CType::Json> {};
template <>
struct ctype_of<dorm::Decimal> : std::integral_constant<CType, CType::Decimal> {};
template <>
struct ctype_of<dorm::Uuid> : std::integral_constant<CType, CType::Uuid> {};
template <>
struct ctype_of<dorm::Blob> : std::integral_constant<CType, CType::Blob> {};
template <>
struct ctype_of<std::chrono::microseconds> : std::integral_constant<CType, CType::Duration> {};

template <class M>
struct member_traits {
    using type = M;
    static constexpr bool optional = false;
};
template <class M>
struct member_traits<std::optional<M>> {
    using type = M;
    static constexpr bool optional = true;
};

template <class M>
concept field_member = requires {
    ctype_of<typename member_traits<M>::type>::value;
};
} // namespace detail

struct ModelMeta;

// One of the values a field with choices may take, and its label (Django's choices, a CRM
// OptionSet's options): {1, "Active"}.
struct Choice {
    Value value;
    std::string label;
};

// A check full_clean() runs on a field's non-empty value (Django's validators=[...]).
struct Validator {
    enum class Kind : std::uint8_t { None, MinValue, MaxValue, MinLength, MaxLength, Custom };
    Kind kind = Kind::None;
    Value limit; // MinValue, MaxValue: the bound; MinLength, MaxLength: the length
    // Custom: throws dorm::ValidationError with the message to report for the field.
    void (*check)(const Value&) = nullptr;
};

// One field option; combine several in a field declaration.
struct Option {
    enum class Tag : std::uint8_t {
        PrimaryKey,
        AutoPk,
        BigAutoPk,
        Null,
        Unique,
        DbIndex,
        MaxLength,
        DbColumn,
        Default,
        OnDelete,         // relations: number is the OnDelete
        RelatedName,      // relations: the reverse accessor and query name ("+": none)
        RelatedQueryName, // relations: the reverse query name alone
        Through,          // many-to-many: the model of the join table
        DbTable,          // many-to-many: the name of the automatic join table
        Symmetrical,      // many-to-many to the same model: number 0 or 1
        Remote,           // the field's name on the remote (text); number: RemoteRole
        Blank,            // full_clean() accepts the empty value
        Positive,         // an integer field of values >= 0 (PositiveIntegerField, ...)
        Kind,             // a CharField of a kind with a validator: number is the FieldKind
        Choices,          // the values the field may take, with their labels (choices)
        Validator,        // a validator full_clean() runs (validator)
        MaxDigits,        // DecimalField: digits in all
        DecimalPlaces,    // DecimalField: digits after the point
    };
    explicit Option(Tag t, std::int64_t n = 0, std::string s = {}, Value v = {},
                    const ModelMeta& (*m)() = nullptr)
        : tag(t), number(n), text(std::move(s)), value(std::move(v)), model(m) {}
    Tag tag;
    std::int64_t number;
    std::string text;
    Value value;
    const ModelMeta& (*model)();
    std::shared_ptr<const std::vector<Choice>> choices; // Tag::Choices
    Validator validator;                                // Tag::Validator
};

inline const Option primary_key{Option::Tag::PrimaryKey};
inline const Option auto_pk{Option::Tag::AutoPk};        // AutoField(primary_key=True)
inline const Option big_auto_pk{Option::Tag::BigAutoPk}; // BigAutoField(primary_key=True)
inline const Option null{Option::Tag::Null}; // optional: a std::optional member already implies it
inline const Option unique{Option::Tag::Unique};
inline const Option db_index{Option::Tag::DbIndex};
inline Option max_length(std::int64_t n) {
    return Option(Option::Tag::MaxLength, n);
}
inline Option db_column(std::string name) {
    return Option(Option::Tag::DbColumn, 0, std::move(name));
}
// DecimalField(max_digits=12, decimal_places=2): both are required on a dorm::Decimal member.
inline Option max_digits(std::int64_t n) {
    return Option(Option::Tag::MaxDigits, n);
}
inline Option decimal_places(std::int64_t n) {
    return Option(Option::Tag::DecimalPlaces, n);
}
// The value a new instance made by dorm (create() with field values, get_or_create, ...)
// starts with; a member initializer in the struct is the C++ way to say the same.
inline Option default_(Value v) {
    return Option(Option::Tag::Default, 0, {}, std::move(v));
}

// full_clean() accepts the empty value (NULL, "") for the field (Django's blank=True).
inline const Option blank{Option::Tag::Blank};
// An integer field whose values are >= 0 (PositiveIntegerField, PositiveSmallIntegerField,
// PositiveBigIntegerField for an int32_t, int16_t, int64_t member): a CHECK constraint.
inline const Option positive{Option::Tag::Positive};
// Text fields of a kind that full_clean() validates (EmailField, URLField, SlugField): a
// CharField of Django's default max_length (254, 200, 50) unless max_length() is given.
inline const Option email_field{Option::Tag::Kind, static_cast<int>(FieldKind::Email)};
inline const Option url_field{Option::Tag::Kind, static_cast<int>(FieldKind::URL)};
inline const Option slug_field{Option::Tag::Kind, static_cast<int>(FieldKind::Slug)};
// The values the field may take, and their labels: choices({{1, "Active"}, {2, "Inactive"}}).
// full_clean() refuses other values; obj.display("field") gives the label.
Option choices(std::vector<Choice> list);
// Validators full_clean() runs on a non-empty value (Django's MinValueValidator, ...):
// min_value(0), max_value(100), min_length(2), and validator(fn) where fn throws
// dorm::ValidationError("message") for a value it refuses.
Option min_value(Value limit);
Option max_value(Value limit);
Option min_length(std::int64_t n);
Option validator(void (*check)(const Value&));

// on_delete of a ForeignKey or OneToOneField; cascade when none is given.
inline const Option cascade{Option::Tag::OnDelete, static_cast<int>(OnDelete::Cascade)};
inline const Option protect{Option::Tag::OnDelete, static_cast<int>(OnDelete::Protect)};
inline const Option restrict {Option::Tag::OnDelete, static_cast<int>(OnDelete::Restrict)};
inline const Option set_null{Option::Tag::OnDelete, static_cast<int>(OnDelete::SetNull)};
inline const Option set_default{Option::Tag::OnDelete, static_cast<int>(OnDelete::SetDefault)};
inline const Option do_nothing{Option::Tag::OnDelete, static_cast<int>(OnDelete::DoNothing)};
// The name of the reverse relation: blog.related("entries") and filter("entries__...").
inline Option related_name(std::string name) {
    return Option(Option::Tag::RelatedName, 0, std::move(name));
}
inline Option related_query_name(std::string name) {
    return Option(Option::Tag::RelatedQueryName, 0, std::move(name));
}
// A ManyToMany of a model to itself is symmetrical by default (Django's): adding b to a's
// friends makes a one of b's. symmetrical(false) makes it one-way.
inline Option symmetrical(bool yes) {
    return Option(Option::Tag::Symmetrical, yes ? 1 : 0);
}
inline Option db_table(std::string name) {
    return Option(Option::Tag::DbTable, 0, std::move(name));
}
// What a field is to the remote (a model mapped with ModelDef::remote()).
enum class RemoteRole : std::uint8_t { None, Plain, Key, Modified };

// The field's attribute on the remote: remote("Name"). A ForeignKey maps to the remote's
// lookup attribute. Unmapped fields stay local.
inline Option remote(std::string attribute) {
    return Option(Option::Tag::Remote, static_cast<int>(RemoteRole::Plain), std::move(attribute));
}
// The field that keeps the remote's key of the row (a GUID, Django's cdms_pk).
inline Option remote_key(std::string attribute) {
    return Option(Option::Tag::Remote, static_cast<int>(RemoteRole::Key), std::move(attribute));
}
// The field that keeps the remote's last-modified stamp (e.g. ModifiedOn).
inline Option remote_modified(std::string attribute) {
    return Option(Option::Tag::Remote, static_cast<int>(RemoteRole::Modified),
                  std::move(attribute));
}

// ManyToManyField(through=M): M has a ForeignKey to each side.
template <class M>
Option through() {
    return Option(Option::Tag::Through, 0, {}, {}, &M::meta);
}

struct FieldMeta {
    std::string name;
    std::string column;
    FieldKind kind = FieldKind::Text;
    CType ctype = CType::String;
    bool optional = false; // held in a std::optional: NULL is allowed
    bool primary_key = false;
    bool unique = false;
    bool db_index = false;
    bool blank = false; // full_clean() accepts NULL and "" (Django's blank=True)
    std::int64_t max_length = 0;
    int max_digits = 0;     // DecimalField
    int decimal_places = 0; // DecimalField
    std::optional<Value> default_value;
    std::vector<Choice> choices;       // empty: any value
    std::vector<Validator> validators; // full_clean()'s checks beyond the field kind's
    std::size_t offset = 0;            // of the member inside the model object
    std::size_t index = 0;             // position in ModelMeta::fields (or ModelMeta::many_to_many)
    const ModelMeta* model = nullptr;

    // Relations (ForeignKey, OneToOne, ManyToMany).
    const ModelMeta& (*target)() = nullptr; // the related model
    OnDelete on_delete = OnDelete::Cascade;
    std::string related_name;       // "" : Django's default; "+" : no reverse relation
    std::string related_query_name; // "" : related_name, else the model's name in lower case
    const ModelMeta& (*through)() = nullptr;       // many-to-many: a declared join model
    std::shared_ptr<const ModelMeta> auto_through; // many-to-many: the automatic join model
    std::string m2m_table;                         // many-to-many: db_table option
    bool symmetrical = false; // many-to-many to its own model: links go both ways
    // The OneToOne of a multi-table child to its parent ("<parent>_ptr"): the child's primary
    // key, held in the parent's key member (its ctype is that key's, not Related).
    bool parent_link = false;

    // The remote (OData) side: the attribute's name, empty when the field stays local.
    std::string remote_name;
    RemoteRole remote_role = RemoteRole::None;

    // Defined in dorm/impl/core/fields.ipp (no container machinery in a user's translation
    // unit of dorm's compiled mode).
    FieldMeta() noexcept;
    FieldMeta(const FieldMeta&);
    FieldMeta(FieldMeta&&) noexcept;
    FieldMeta& operator=(const FieldMeta&);
    FieldMeta& operator=(FieldMeta&&) noexcept;
    ~FieldMeta();

    bool remote_mapped() const noexcept { return !remote_name.empty(); }

    bool null() const noexcept { return optional; }
    bool auto_created() const noexcept {
        return kind == FieldKind::Auto || kind == FieldKind::BigAuto;
    }
    bool is_relation() const noexcept { return target != nullptr; }
    bool is_foreign_key() const noexcept {
        return kind == FieldKind::ForeignKey || kind == FieldKind::OneToOne;
    }
    const ModelMeta& related_model() const { return target(); }
    const ModelMeta& through_model() const { return through ? through() : *auto_through; }
    ValueType value_type() const; // of a relation: the type of the target's primary key
    CType value_ctype() const;    // the C++ type holding the value: the target key's for a relation

    void* member(void* obj) const noexcept { return static_cast<char*>(obj) + offset; }
    const void* member(const void* obj) const noexcept {
        return static_cast<const char*>(obj) + offset;
    }

    Value get(const void* obj) const;
    void set(void* obj, const Value& v) const; // checks the kind; names the field on error
    std::string qualified_name() const;        // "Article.headline"
    std::string described_name() const;        // "Article.headline (CharField)"
};

namespace detail {
// The values of DecimalField and UUIDField, as Django's field classes prepare them (the
// query-value coercion calls these; a remote row and a stored column come through them too).

// DecimalField.to_python: a Decimal as is, an integer or bool exactly, text as Python's
// Decimal(text) reads it, a double rounded to max_digits digits
// (Context(prec=max_digits).create_decimal_from_float). Anything else, NaN and the
// infinities: ValidationError "“abc” value must be a decimal number.".
Decimal decimal_to_python(const Value& v, const FieldMeta& f);
Decimal decimal_to_python(const Value& v, int max_digits); // a query value: no field at hand
// UUIDField.to_python: a Uuid as is, text in any form Uuid::parse accepts, a non-negative
// integer as UUID(int=n). Else ValidationError "“abc” is not a valid UUID.".
Uuid uuid_to_python(const Value& v);
// What Django reads from a SQLite DecimalField column (its converter): the stored number to
// 15 significant digits, then quantized to decimal_places. Text that is a number is read.
Decimal decimal_from_store(const Value& stored, const FieldMeta& f);
// What Django gives SQLite on save (adapt_decimalfield_value / format_number): the value
// rounded half to even to decimal_places, in plain notation ("12.50"). A value with more than
// max_digits digits once rounded is refused (ValueError; Django's decimal.InvalidOperation).
std::string decimal_for_save(const Decimal& d, const FieldMeta& f);
// DecimalValidator (full_clean): Django's messages, empty when the value fits:
// "Ensure that there are no more than 5 digits in total.", "... no more than 2 decimal
// places.", "... no more than 3 digits before the decimal point.".
std::vector<std::string> decimal_problems(const Decimal& d, const FieldMeta& f);
} // namespace detail

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/fields.ipp"
#endif
