#pragma once
// Bodies of dorm/core/model_meta_impl.hpp: inline in header-only mode, compiled into the
// library otherwise (dorm/detail/config.hpp).
#include "dorm/core/coerce.hpp"
#include "dorm/core/model_meta_impl.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>

namespace dorm {
inline namespace DORM_ABI {

namespace detail {

DORM_INLINE void add_field(ModelMeta& meta, FieldMeta f, std::initializer_list<Option> opts) {
    const bool integral = f.ctype == CType::I32 || f.ctype == CType::I64;
    bool auto_field = false;
    bool big_auto = false;
    bool positive = false;
    std::optional<FieldKind> text_kind; // email_field, url_field, slug_field
    for (const Option& o : opts) {
        switch (o.tag) {
        case Option::Tag::PrimaryKey:
            f.primary_key = true;
            break;
        case Option::Tag::AutoPk:
        case Option::Tag::BigAutoPk:
            f.primary_key = true;
            auto_field = true;
            big_auto = o.tag == Option::Tag::BigAutoPk;
            break;
        case Option::Tag::Null:
            if (!f.optional && !f.is_relation())
                model_definition_error(meta, "field '" + f.name +
                                                 "' is null but its member is not a std::optional");
            break;
        case Option::Tag::Unique:
            f.unique = true;
            break;
        case Option::Tag::DbIndex:
            f.db_index = true;
            break;
        case Option::Tag::MaxLength:
            f.max_length = o.number;
            break;
        case Option::Tag::DbColumn:
            f.column = o.text;
            break;
        case Option::Tag::MaxDigits:
        case Option::Tag::DecimalPlaces:
            if (f.ctype != CType::Decimal)
                model_definition_error(meta, "field '" + f.name +
                                                 "': max_digits and decimal_places apply to a "
                                                 "dorm::Decimal member (DecimalField) only");
            if (o.number < 0 || o.number > 1000)
                model_definition_error(
                    meta, "field '" + f.name + "': " +
                              (o.tag == Option::Tag::MaxDigits ? "max_digits" : "decimal_places") +
                              " must be a number from 0 to 1000");
            (o.tag == Option::Tag::MaxDigits ? f.max_digits : f.decimal_places) =
                static_cast<int>(o.number);
            break;
        case Option::Tag::Default:
            f.default_value = o.value;
            break;
        case Option::Tag::OnDelete:
        case Option::Tag::RelatedName:
        case Option::Tag::RelatedQueryName:
            if (!f.is_relation())
                model_definition_error(meta, "field '" + f.name +
                                                 "' is not a relation: on_delete, "
                                                 "related_name and related_query_name "
                                                 "apply to relations only");
            if (o.tag == Option::Tag::OnDelete)
                f.on_delete = static_cast<OnDelete>(o.number);
            else if (o.tag == Option::Tag::RelatedName)
                f.related_name = o.text;
            else
                f.related_query_name = o.text;
            break;
        case Option::Tag::Remote:
            if (o.text.empty())
                model_definition_error(meta,
                                       "field '" + f.name + "': an empty remote attribute name");
            f.remote_name = o.text;
            f.remote_role = static_cast<RemoteRole>(o.number);
            break;
        case Option::Tag::Through:
        case Option::Tag::DbTable:
        case Option::Tag::Symmetrical:
            model_definition_error(meta, "field '" + f.name +
                                             "' is not a ManyToMany: through and "
                                             "db_table apply to many-to-many only");
        case Option::Tag::Blank:
            f.blank = true;
            break;
        case Option::Tag::Positive:
            positive = true;
            break;
        case Option::Tag::Kind:
            text_kind = static_cast<FieldKind>(o.number);
            break;
        case Option::Tag::Choices:
            f.choices = *o.choices;
            break;
        case Option::Tag::Validator:
            f.validators.push_back(o.validator);
            break;
        }
    }
    if (positive && (!(f.ctype == CType::I16 || integral) || auto_field))
        model_definition_error(meta, "field '" + f.name +
                                         "': positive applies to an integer field (an int16_t, "
                                         "int32_t or int64_t member) that is not an auto key");
    if (text_kind && f.ctype != CType::String)
        model_definition_error(meta, "field '" + f.name +
                                         "': " + std::string(field_kind_name(*text_kind)) +
                                         " needs a std::string member");
    if (text_kind && !f.max_length) // Django's defaults
        f.max_length = *text_kind == FieldKind::Email ? 254
                       : *text_kind == FieldKind::URL ? 200
                                                      : 50;
    if (text_kind == FieldKind::Slug && !has_option(opts, Option::Tag::DbIndex))
        f.db_index = !f.unique && !f.primary_key; // SlugField(db_index=True) by default
    if (f.is_relation()) {
        // A relation member says itself whether it may be NULL.
        f.optional = f.optional || has_option(opts, Option::Tag::Null);
        if (f.on_delete == OnDelete::SetNull && !f.optional)
            model_definition_error(meta, "field '" + f.name +
                                             "' specifies on_delete=set_null, but cannot be null");
        if (f.on_delete == OnDelete::SetDefault && !f.default_value)
            model_definition_error(meta, "field '" + f.name +
                                             "' specifies on_delete=set_default, but "
                                             "has no default value");
        if (f.column.empty())
            f.column = f.name + "_id";
    }
    if (f.column.empty())
        f.column = f.name;
    if (f.name.empty() || f.name.find("__") != std::string::npos || f.name == "pk")
        model_definition_error(meta, "invalid field name '" + f.name +
                                         "' (empty, 'pk', or containing '__')");
    if (const FieldMeta* other = meta.find(f.name); other && f.name != "pk") {
        if (other->parent_link)
            model_definition_error(
                meta, "field '" + f.name + "' clashes with the link to the parent " +
                          other->related_model().name + " (" + other->name + ", the primary key)");
        if (other->model) // inherited (this model's own fields are linked later)
            model_definition_error(meta, "field '" + f.name +
                                             "' clashes with the field of the same name from " +
                                             other->model->name);
        model_definition_error(meta, "field '" + f.name + "' is declared twice");
    }
    if (auto_field && !integral)
        model_definition_error(meta, "auto primary key '" + f.name +
                                         "' must be an int32_t or int64_t member");
    if (f.max_length && f.ctype != CType::String)
        model_definition_error(meta, "max_length on non-text field '" + f.name + "'");
    switch (f.ctype) {
    case CType::Related:
    case CType::None:
        break; // the kind was set by the declaration
    case CType::I32:
        f.kind = auto_field ? (big_auto ? FieldKind::BigAuto : FieldKind::Auto)
                            : (positive ? FieldKind::PositiveInteger : FieldKind::Integer);
        break;
    case CType::I64:
        f.kind = auto_field ? (big_auto ? FieldKind::BigAuto : FieldKind::Auto)
                            : (positive ? FieldKind::PositiveBigInteger : FieldKind::BigInteger);
        break;
    case CType::I16:
        f.kind = positive ? FieldKind::PositiveSmallInteger : FieldKind::SmallInteger;
        break;
    case CType::F64:
    case CType::F32:
        f.kind = FieldKind::Float;
        break;
    case CType::Bool:
        f.kind = FieldKind::Boolean;
        break;
    case CType::String:
        f.kind = text_kind ? *text_kind : f.max_length ? FieldKind::Char : FieldKind::Text;
        break;
    case CType::Date:
        f.kind = FieldKind::Date;
        break;
    case CType::DateTime:
        f.kind = FieldKind::DateTime;
        break;
    case CType::Time:
        f.kind = FieldKind::Time;
        break;
    case CType::Json:
        f.kind = FieldKind::Json;
        break;
    case CType::Decimal:
        // Django's checks (fields.E130-E134): both given, max_digits positive and not below
        // decimal_places.
        if (!has_option(opts, Option::Tag::MaxDigits) ||
            !has_option(opts, Option::Tag::DecimalPlaces))
            model_definition_error(meta, "DecimalField '" + f.name +
                                             "' needs max_digits(n) and decimal_places(n)");
        if (f.max_digits < 1)
            model_definition_error(meta, "DecimalField '" + f.name +
                                             "': max_digits must be a positive integer");
        if (f.decimal_places > f.max_digits)
            model_definition_error(meta, "DecimalField '" + f.name +
                                             "': max_digits must be greater or equal to "
                                             "decimal_places");
        f.kind = FieldKind::Decimal;
        break;
    case CType::Uuid:
        f.kind = FieldKind::Uuid;
        break;
    case CType::Blob:
        f.kind = FieldKind::Binary;
        break;
    case CType::Duration:
        f.kind = FieldKind::Duration;
        break;
    }
    f.index = meta.fields.size();
    meta.fields.push_back(std::move(f));
}

DORM_INLINE bool has_option(std::initializer_list<Option> opts, Option::Tag tag) {
    for (const Option& o : opts)
        if (o.tag == tag)
            return true;
    return false;
}

DORM_INLINE std::shared_ptr<const ModelMeta> make_auto_through(const ModelMeta& source,
                                                               const FieldMeta& f,
                                                               const ModelMeta& (*self)(),
                                                               std::string target_name) {
    auto m = std::make_shared<ModelMeta>();
    m->auto_created = true;
    m->table = f.m2m_table.empty() ? source.table + "_" + f.name : f.m2m_table;
    m->name = source.name + "_" + f.name;
    FieldMeta id;
    id.name = "id";
    id.column = "id";
    id.kind = FieldKind::Auto;
    id.ctype = CType::I64;
    id.primary_key = true;
    m->fields.push_back(id);
    // The target's meta may not be built yet (it may be building this one): its name comes
    // from its C++ type.
    const bool to_self = f.target == self;
    const std::string from = source.query_name();
    for (auto& c : target_name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int side = 0; side < 2; ++side) {
        FieldMeta fk;
        fk.kind = FieldKind::ForeignKey;
        fk.ctype = CType::Related;
        fk.target = side == 0 ? self : f.target;
        fk.on_delete = OnDelete::Cascade;
        fk.related_name = "+";
        fk.name = to_self ? (side == 0 ? "from_" : "to_") + from : (side == 0 ? from : target_name);
        fk.column = fk.name + "_id";
        fk.index = m->fields.size();
        m->fields.push_back(std::move(fk));
    }
    return m;
}

DORM_INLINE void add_many_to_many(ModelMeta& meta, FieldMeta f, const ModelMeta& (*self)(),
                                  std::string target_name, std::initializer_list<Option> opts) {
    for (const Option& o : opts) {
        switch (o.tag) {
        case Option::Tag::RelatedName:
            f.related_name = o.text;
            break;
        case Option::Tag::RelatedQueryName:
            f.related_query_name = o.text;
            break;
        case Option::Tag::Through:
            f.through = o.model;
            break;
        case Option::Tag::DbTable:
            f.m2m_table = o.text;
            break;
        case Option::Tag::Blank:
            f.blank = true;
            break;
        case Option::Tag::Symmetrical:
            if (o.number && !f.symmetrical)
                model_definition_error(meta, "field '" + f.name +
                                                 "': only a ManyToMany to its own model "
                                                 "can be symmetrical");
            f.symmetrical = o.number != 0;
            break;
        default:
            model_definition_error(meta, "field '" + f.name +
                                             "' is a ManyToMany: it takes related_name, "
                                             "related_query_name, through and db_table");
        }
    }
    if (f.name.empty() || f.name.find("__") != std::string::npos || f.name == "pk" ||
        meta.find(f.name) || meta.find_many_to_many(f.name))
        model_definition_error(meta, "invalid or repeated field name '" + f.name + "'");
    if (f.through && !f.m2m_table.empty())
        model_definition_error(meta,
                               "field '" + f.name + "': db_table and through exclude each other");
    f.column.clear();
    f.index = meta.many_to_many.size();
    if (!f.through)
        f.auto_through = make_auto_through(meta, f, self, std::move(target_name));
    meta.many_to_many.push_back(std::move(f));
}

DORM_INLINE void add_member_field(ModelMeta& meta, std::string name, CType ctype, bool optional,
                                  std::size_t offset, std::initializer_list<Option> opts) {
    FieldMeta f;
    f.name = std::move(name);
    f.ctype = ctype;
    f.optional = optional;
    f.offset = offset;
    add_field(meta, std::move(f), opts);
}

DORM_INLINE void add_relation_field(ModelMeta& meta, std::string name, FieldKind kind,
                                    const ModelMeta& (*target)(), std::size_t offset,
                                    std::initializer_list<Option> opts) {
    FieldMeta f;
    f.name = std::move(name);
    f.ctype = CType::Related;
    f.kind = kind;
    f.target = target;
    f.unique = kind == FieldKind::OneToOne;
    f.offset = offset;
    add_field(meta, std::move(f), opts);
}

DORM_INLINE void add_many_to_many_field(ModelMeta& meta, std::string name,
                                        const ModelMeta& (*target)(), bool symmetrical,
                                        std::size_t offset, const ModelMeta& (*self)(),
                                        std::string target_name,
                                        std::initializer_list<Option> opts) {
    FieldMeta f;
    f.name = std::move(name);
    f.ctype = CType::None;
    f.kind = FieldKind::ManyToMany;
    f.target = target;
    f.symmetrical = symmetrical;
    f.offset = offset;
    add_many_to_many(meta, std::move(f), self, std::move(target_name), opts);
}

DORM_INLINE void inherit_meta(ModelMeta& built, const ModelMeta& (*parent_meta)(),
                              std::size_t offset, bool proxy) {
    const ModelMeta& parent = parent_meta();
    if (parent.remote() && proxy)
        model_definition_error(built, "a proxy of " + parent.name +
                                          ", which is mapped to the remote, is not supported: "
                                          "use " +
                                          parent.name + " itself");
    // The parent's fields, where they are in this model's objects; each still says whose
    // table holds it (FieldMeta::model).
    auto moved = [&](std::vector<FieldMeta> fields) {
        for (auto& f : fields)
            f.offset += offset;
        return fields;
    };
    built.fields = moved(parent.fields);
    built.many_to_many = moved(parent.many_to_many);
    built.ordering = parent.ordering; // as Django: inherited unless the child sets its own
    built.get_latest_by = parent.get_latest_by;
    built.specialization_field = parent.specialization_field;
    if (proxy) {
        built.proxy_for = &parent.concrete();
        built.concrete_offset = parent.concrete_offset + offset;
        built.table = parent.table;
        built.pk_index = parent.pk_index;
        built.parent = parent.parent;
        built.parent_offset = parent.parent_offset + offset;
        built.specialization = parent.specialization;
        return;
    }
    if (parent.proxy_for)
        model_definition_error(built, "extends the proxy " + parent.name + "; extend " +
                                          parent.proxy_for->name + " instead");
    built.parent = &parent;
    built.parent_offset = offset;
    // The OneToOne to the parent's row, which is the primary key: the parent's key member
    // holds its value (Django's "<parent>_ptr").
    const FieldMeta& parent_pk = parent.pk();
    FieldMeta ptr;
    ptr.name = parent.query_name() + "_ptr";
    ptr.column = ptr.name + "_id";
    ptr.kind = FieldKind::OneToOne;
    ptr.ctype = parent_pk.ctype;
    ptr.primary_key = true;
    ptr.unique = true;
    ptr.parent_link = true;
    ptr.target = parent_meta;
    ptr.offset = parent_pk.offset + offset;
    ptr.index = built.fields.size();
    built.pk_index = ptr.index;
    built.fields.push_back(std::move(ptr));
}

DORM_INLINE void add_specialization_field(ModelMeta& built, std::size_t offset) {
    add_member_field(built, "specialization_type", CType::String, false, offset,
                     {Option(Option::Tag::DbIndex)});
    built.specialization_field = static_cast<std::ptrdiff_t>(built.fields.size() - 1);
    built.specialization = "/";
}

// The specialization path of a model that extends a general model.
DORM_INLINE void complete_specialization(ModelMeta& built) {
    const bool specializes = built.parent && built.parent->specialized() && !built.proxy_for;
    if (!specializes) {
        if (!built.specialization_step.empty())
            model_definition_error(built, "specialization(\"" + built.specialization_step +
                                              "\") applies only to a model that extends a "
                                              "dorm::General model (or one of its "
                                              "specializations)");
        return;
    }
    std::string step =
        built.specialization_step.empty() ? built.query_name() : built.specialization_step;
    const bool word = !step.empty() && std::all_of(step.begin(), step.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!word)
        model_definition_error(built,
                               "specialization \"" + step + "\": use letters, digits and '_' only");
    built.specialization = built.parent->specialization + step + "/";
}

DORM_INLINE void complete_meta(ModelMeta& built) {
    if (built.table.empty())
        built.table = built.name;
    // Inherited fields are linked to their model already; this model's own are not yet.
    auto own = [](const FieldMeta& f) { return f.model == nullptr; };
    if (built.proxy_for) {
        if (std::any_of(built.fields.begin(), built.fields.end(), own))
            model_definition_error(built, "a proxy model cannot declare fields (it shares " +
                                              built.proxy_for->name + "'s table)");
        if (built.table != built.proxy_for->table)
            model_definition_error(built, "a proxy model shares " + built.proxy_for->name +
                                              "'s table; it cannot name another");
        if (built.remote())
            model_definition_error(built, "a proxy model cannot be mapped to the remote (map " +
                                              built.proxy_for->name + ")");
        if (!built.specialization_step.empty())
            model_definition_error(built, "a proxy model is not a specialization of its own; "
                                          "it keeps " +
                                              built.proxy_for->name + "'s");
        return;
    }
    complete_specialization(built);
    std::size_t pks = 0;
    for (auto& f : built.fields) {
        if (f.primary_key && own(f)) {
            built.pk_index = f.index;
            ++pks;
        }
    }
    if (pks != 1)
        model_definition_error(built,
                               built.parent ? "declares a primary key; a model that extends " +
                                                  built.parent->name + " has " +
                                                  built.parent->query_name() + "_ptr as its key"
                               : pks ? "more than one primary key"
                                     : "no primary key (declare one field with dorm::auto_pk or "
                                       "dorm::primary_key)");
    if (built.parent && built.remote())
        model_definition_error(built, "extends " + built.parent->name +
                                          " and cannot be mapped to the remote itself (its own "
                                          "table is never sent); map the general model");
    if (built.parent)
        for (const auto& f : built.fields)
            if (own(f) && f.remote_mapped())
                model_definition_error(built, "extends " + built.parent->name +
                                                  ", whose fields alone are sent to the "
                                                  "remote; its own field '" +
                                                  f.name +
                                                  "' stays local (drop its dorm::remote(...))");
    if (built.remote() ||
        std::any_of(built.fields.begin(), built.fields.end(),
                    [&](const FieldMeta& f) { return own(f) && f.remote_mapped(); })) {
        auto count = [&](RemoteRole r) {
            return std::count_if(built.fields.begin(), built.fields.end(),
                                 [&](const FieldMeta& f) { return f.remote_role == r; });
        };
        if (!built.remote())
            model_definition_error(built, "fields are mapped to a remote but the model "
                                          "names no entity set (m.remote(\"...Set\"))");
        for (const auto& f : built.fields)
            if (f.remote_role == RemoteRole::Key && f.ctype != CType::String &&
                f.ctype != CType::Uuid)
                model_definition_error(
                    built, "the remote key field '" + f.name +
                               "' must be a std::optional<std::string> (or std::string) or a "
                               "dorm::Uuid member: it holds a GUID");
        if (count(RemoteRole::Key) != 1 || count(RemoteRole::Modified) > 1)
            model_definition_error(
                built, "a remote model needs exactly one dorm::remote_key(...) field (the "
                       "remote's key, a GUID) and at most one dorm::remote_modified(...)");
    }
}

// The deleter of own(): one type for every model.
struct OwnedDestroy {
    void (*destroy)(void*) noexcept;
    void operator()(void* p) const noexcept { destroy(p); }
};

DORM_INLINE std::shared_ptr<void> own(void* p, void (*destroy)(void*) noexcept) {
    return std::shared_ptr<void>(p, OwnedDestroy{destroy});
}

DORM_INLINE void link_meta(ModelMeta& m) {
    for (auto& f : m.fields)
        if (!f.model) // an inherited field stays its model's
            f.model = &m;
    for (auto& f : m.many_to_many) {
        if (f.model)
            continue;
        f.model = &m;
        if (f.auto_through) {
            auto& through = const_cast<ModelMeta&>(*f.auto_through);
            for (auto& tf : through.fields)
                tf.model = &through;
        }
    }
}

} // namespace detail

namespace detail {
struct ModelRegistry {
    std::mutex mutex;
    std::vector<const ModelMeta& (*)()> models;
};
DORM_INLINE ModelRegistry& model_registry() {
    static ModelRegistry r;
    return r;
}
} // namespace detail

DORM_INLINE void detail::register_model(const ModelMeta& (*meta)()) {
    auto& r = model_registry();
    std::lock_guard lock(r.mutex);
    if (std::find(r.models.begin(), r.models.end(), meta) == r.models.end())
        r.models.push_back(meta);
}

DORM_INLINE std::vector<const ModelMeta*> detail::registered_models() {
    std::vector<const ModelMeta& (*)()> metas;
    {
        auto& r = model_registry();
        std::lock_guard lock(r.mutex);
        metas = r.models;
    }
    std::vector<const ModelMeta*> out;
    for (auto meta : metas) {
        try {
            out.push_back(&meta());
        } catch (const Error&) {
            // A model that cannot be defined says so where it is used (as reverse_index()),
            // not in every query of the models that are.
        }
    }
    return out;
}

DORM_INLINE ValueType FieldMeta::value_type() const {
    if (is_relation())
        return related_model().pk().value_type();
    return value_type_of(kind);
}

DORM_INLINE CType FieldMeta::value_ctype() const {
    return is_relation() ? related_model().pk().ctype : ctype;
}

DORM_INLINE std::string FieldMeta::qualified_name() const {
    return (model ? model->name : std::string("?")) + "." + name;
}

DORM_INLINE std::string FieldMeta::described_name() const {
    return qualified_name() + " (" + std::string(field_kind_name(kind)) + ")";
}

namespace detail {
template <class M>
M& member_as(void* p) {
    return *static_cast<M*>(p);
}
template <class M>
const M& member_as(const void* p) {
    return *static_cast<const M*>(p);
}

template <class M>
Value get_member(const void* p, bool optional) {
    if (optional) {
        const auto& o = member_as<std::optional<M>>(p);
        return o ? Value(*o) : Value();
    }
    return Value(member_as<M>(p));
}

template <class M>
void set_member(void* p, bool optional, M v) {
    if (optional)
        member_as<std::optional<M>>(p) = std::move(v);
    else
        member_as<M>(p) = std::move(v);
}

DORM_INLINE std::int64_t checked_int(const Value& v, CType ct) {
    const std::int64_t i = v.as_int();
    if (ct == CType::I32 && (i < std::numeric_limits<std::int32_t>::min() ||
                             i > std::numeric_limits<std::int32_t>::max()))
        throw ValueError("value " + std::to_string(i) +
                         " does not fit int32 (-2147483648..2147483647)");
    if (ct == CType::I16 && (i < std::numeric_limits<std::int16_t>::min() ||
                             i > std::numeric_limits<std::int16_t>::max()))
        throw ValueError("value " + std::to_string(i) + " does not fit int16 (-32768..32767)");
    return i;
}

DORM_INLINE float checked_float(const Value& v) {
    const double d = v.as_double();
    if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max()))
        throw ValueError("value " + v.repr() + " does not fit float (+-3.40282347e+38)");
    return static_cast<float>(d);
}

DORM_INLINE Date checked_date(const Value& v) {
    const Date d = v.as_date();
    if (std::string p = date_problem(d); !p.empty())
        throw ValueError(p);
    return d;
}

DORM_INLINE Time checked_time(const Value& v) {
    const Time t = v.as_time();
    if (std::string p = time_problem(t); !p.empty())
        throw ValueError(p);
    return t;
}

DORM_INLINE DateTime checked_datetime(const Value& v) {
    const DateTime dt = v.as_datetime();
    if (std::string p = datetime_problem(dt); !p.empty())
        throw ValueError(p);
    return dt;
}
} // namespace detail

DORM_INLINE Value FieldMeta::get(const void* obj) const {
    const void* p = member(obj);
    switch (ctype) {
    case CType::I32:
        return detail::get_member<std::int32_t>(p, optional);
    case CType::I64:
        return detail::get_member<std::int64_t>(p, optional);
    case CType::I16:
        return detail::get_member<std::int16_t>(p, optional);
    case CType::F64:
        return detail::get_member<double>(p, optional);
    case CType::F32:
        return detail::get_member<float>(p, optional);
    case CType::Bool:
        return detail::get_member<bool>(p, optional);
    case CType::String:
        return detail::get_member<std::string>(p, optional);
    case CType::Date:
        return detail::get_member<Date>(p, optional);
    case CType::DateTime:
        return detail::get_member<DateTime>(p, optional);
    case CType::Time:
        return detail::get_member<Time>(p, optional);
    case CType::Json:
        if (optional) {
            const auto& o = *static_cast<const std::optional<Json>*>(p);
            return o ? Value(o->dump()) : Value();
        }
        return Value(static_cast<const Json*>(p)->dump());
    case CType::Decimal:
        return detail::get_member<Decimal>(p, optional);
    case CType::Uuid:
        return detail::get_member<Uuid>(p, optional);
    case CType::Blob:
        return detail::get_member<Blob>(p, optional);
    case CType::Duration:
        return detail::get_member<std::chrono::microseconds>(p, optional);
    case CType::Related:
        return static_cast<const RelatedObject*>(p)->id();
    case CType::None:
        break;
    }
    return {};
}

DORM_INLINE void FieldMeta::set(void* obj, const Value& v) const {
    void* p = member(obj);
    if (ctype == CType::None)
        throw ValueError(qualified_name() + " is a many-to-many relation: use related()");
    // As Django's get_prep_value: "3" for an integer field is 3, 100 for a CharField '100'
    // (dorm/core/coerce.hpp); a nullable BooleanField's '' is None.
    const bool as_is = v.is_null() || detail::of_type(v, value_type());
    const Value converted = as_is ? Value() : detail::coerce_for_field(v, *this);
    const Value& c = as_is ? v : converted;
    if (c.is_null() && !optional)
        throw ValueError(qualified_name() + " may not be NULL");
    if (ctype == CType::Related) {
        Value id = c;
        if (!c.is_null() && value_type() == ValueType::Integer) {
            try {
                id = Value(detail::checked_int(c, value_ctype()));
            } catch (const ValueError& e) {
                throw ValueError(described_name() + ": " + e.what());
            }
        }
        static_cast<RelatedObject*>(p)->set_id(std::move(id));
        return;
    }
    if (c.is_null()) {
        switch (ctype) {
        case CType::I32:
            detail::member_as<std::optional<std::int32_t>>(p).reset();
            break;
        case CType::I64:
            detail::member_as<std::optional<std::int64_t>>(p).reset();
            break;
        case CType::I16:
            detail::member_as<std::optional<std::int16_t>>(p).reset();
            break;
        case CType::F64:
            detail::member_as<std::optional<double>>(p).reset();
            break;
        case CType::F32:
            detail::member_as<std::optional<float>>(p).reset();
            break;
        case CType::Bool:
            detail::member_as<std::optional<bool>>(p).reset();
            break;
        case CType::String:
            detail::member_as<std::optional<std::string>>(p).reset();
            break;
        case CType::Date:
            detail::member_as<std::optional<Date>>(p).reset();
            break;
        case CType::DateTime:
            detail::member_as<std::optional<DateTime>>(p).reset();
            break;
        case CType::Time:
            detail::member_as<std::optional<Time>>(p).reset();
            break;
        case CType::Json:
            detail::member_as<std::optional<Json>>(p).reset();
            break;
        case CType::Decimal:
            detail::member_as<std::optional<Decimal>>(p).reset();
            break;
        case CType::Uuid:
            detail::member_as<std::optional<Uuid>>(p).reset();
            break;
        case CType::Blob:
            detail::member_as<std::optional<Blob>>(p).reset();
            break;
        case CType::Duration:
            detail::member_as<std::optional<std::chrono::microseconds>>(p).reset();
            break;
        case CType::Related:
        case CType::None:
            break;
        }
        return;
    }
    try {
        switch (ctype) {
        case CType::I32:
            detail::set_member(p, optional,
                               static_cast<std::int32_t>(detail::checked_int(c, ctype)));
            break;
        case CType::I64:
            detail::set_member(p, optional, c.as_int());
            break;
        case CType::I16:
            detail::set_member(p, optional,
                               static_cast<std::int16_t>(detail::checked_int(v, ctype)));
            break;
        case CType::F64:
            detail::set_member(p, optional, c.as_double());
            break;
        case CType::F32:
            detail::set_member(p, optional, detail::checked_float(c));
            break;
        case CType::Bool:
            detail::set_member(p, optional, c.as_bool());
            break;
        case CType::String:
            detail::set_member(p, optional, c.as_text());
            break;
        case CType::Date:
            detail::set_member(p, optional, detail::checked_date(c));
            break;
        case CType::DateTime:
            detail::set_member(p, optional, detail::checked_datetime(c));
            break;
        case CType::Time:
            detail::set_member(p, optional, detail::checked_time(c));
            break;
        case CType::Json: // canonical JSON text (what the column holds)
            detail::set_member(p, optional, Json(c.as_text()));
            break;
        case CType::Decimal: // a double read from the store: 15 digits, as Django reads it
            detail::set_member(p, optional,
                               v.kind() == Value::Kind::Real ? detail::decimal_from_store(v, *this)
                                                             : c.as_decimal());
            break;
        case CType::Uuid:
            detail::set_member(p, optional, c.as_uuid());
            break;
        case CType::Blob:
            detail::set_member(p, optional, c.as_blob());
            break;
        case CType::Duration: // a duration, or the column's integer microseconds
            detail::set_member(p, optional, c.as_duration());
            break;
        case CType::Related:
        case CType::None:
            break;
        }
    } catch (const ValueError& e) {
        throw ValueError(qualified_name() + " (" + std::string(field_kind_name(kind)) +
                         "): " + e.what());
    } catch (const ValidationError& e) {
        throw ValidationError(qualified_name() + ": " + e.what());
    }
}

} // namespace DORM_ABI
} // namespace dorm
