#pragma once
// Model<T>: the CRTP base of every model, and ModelDef<T>, the one place where a model
// declares its table, fields and options. ModelMeta is the runtime description both query
// compilers read.
//
//   struct Article : dorm::Model<Article> {
//       std::int64_t id = 0;
//       std::string headline;
//       std::optional<int> rating;
//       static void define(dorm::ModelDef<Article>& m) {
//           m.table("article").ordering({"-id"});
//           m.field("id", &Article::id, dorm::auto_pk);
//           m.field("headline", &Article::headline, dorm::max_length(100));
//           m.field("rating", &Article::rating);
//       }
//   };
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include "dorm/core/fields.hpp"
#include "dorm/core/relations.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/detail/names.hpp"

namespace dorm {
inline namespace DORM_ABI {

class Database;
template <class T>
class Manager;
template <class T>
class SpecializedQuerySet;
struct DeleteResult;

namespace detail {
struct InstanceState;
}

enum class Conflict : std::uint8_t { raise, remote_wins, local_wins };

struct ModelMeta {
    std::string name;                    // "Article", for messages
    std::string table;                   // "article"
    std::vector<FieldMeta> fields;       // the fields with a column, in column order
    std::vector<FieldMeta> many_to_many; // ManyToManyFields (no column)
    std::size_t pk_index = 0;
    std::vector<std::string> ordering; // Meta.ordering: "-pub_date", "headline"
    std::string get_latest_by;
    bool auto_created = false;     // the automatic join table of a ManyToManyField
    std::string remote_entity_set; // the remote's entity set ("AccountSet"); empty: local only
    Conflict conflict = Conflict::raise; // a synced get() meeting a locally newer row

    // Inheritance (dorm/core/inheritance.hpp). Multi-table: `parent` is the model extended,
    // whose fields come first in `fields` (FieldMeta::model says whose table holds each);
    // the primary key is the OneToOne "<parent>_ptr" to it, and the parent's part of an
    // object starts `parent_offset` bytes into it. Proxy: `proxy_for` is the concrete model
    // whose table and fields it shares.
    const ModelMeta* parent = nullptr;
    std::size_t parent_offset = 0;
    const ModelMeta* proxy_for = nullptr;
    std::size_t concrete_offset = 0; // a proxy: where the concrete model's part starts
    // Specializations (djeneralize): the field that keeps each row's most specialized type, on
    // the general model and its descendants; this model's path ("/pen/fountain_pen/", "/" for
    // the general model); its last step as declared (m.specialization("fountain_pen")).
    std::ptrdiff_t specialization_field = -1; // index in fields, or -1
    std::string specialization;
    std::string specialization_step;

    // Making and reaching instances without knowing their C++ type (related objects).
    std::shared_ptr<void> (*new_instance)() = nullptr;
    detail::InstanceState* (*state_of)(void*) = nullptr;
    std::shared_ptr<void> (*new_vector)(std::vector<std::shared_ptr<void>>&) = nullptr;
    // Throw the model's DoesNotExist / MultipleObjectsReturned with a message (get() of a
    // queryset that does not know the C++ type: values(), values_list()).
    void (*does_not_exist)(const std::string&) = nullptr;
    void (*multiple_objects)(const std::string&) = nullptr;

    // Defined in dorm/impl/core/model.ipp (no container machinery in a user's translation
    // unit of dorm's compiled mode).
    ModelMeta() noexcept;
    ModelMeta(const ModelMeta&);
    ModelMeta(ModelMeta&&) noexcept;
    ModelMeta& operator=(const ModelMeta&);
    ModelMeta& operator=(ModelMeta&&) noexcept;
    ~ModelMeta();

    const FieldMeta& pk() const noexcept { return fields[pk_index]; }
    // The model whose table holds the rows: itself, or the model a proxy stands for.
    const ModelMeta& concrete() const noexcept { return proxy_for ? *proxy_for : *this; }
    // Whether this model's own table holds the field's column (not a parent's).
    bool owns(const FieldMeta& f) const noexcept { return f.model == &concrete(); }
    // This model or one of its ancestors is `other` (or a proxy of it).
    bool extends(const ModelMeta& other) const noexcept;
    bool specialized() const noexcept { return specialization_field >= 0; }
    bool remote() const noexcept { return !remote_entity_set.empty(); }
    // The field holding the remote key (remote_key option), or nullptr.
    const FieldMeta* remote_key() const noexcept;
    // A field with a column by name, or a relation by its id name ("blog_id"); "pk" is the
    // primary key. nullptr when there is none.
    const FieldMeta* find(std::string_view field_name) const noexcept;
    const FieldMeta* find_many_to_many(std::string_view field_name) const noexcept;
    // "entry": the default name of this model in reverse lookups.
    std::string query_name() const;
    std::vector<std::string> field_names() const;
    // "Article has no field 'hedline'; did you mean 'headline'? Fields: id, headline, ..."
    [[noreturn]] void no_such_field(std::string_view field_name) const;
    const FieldMeta& field(std::string_view field_name) const;
};

namespace detail {
// The rarely used part of an instance's state, allocated the first time one of its members
// is written (defer()/only(), annotate()/extra(select=...), prefetch_related()).
struct InstanceExtra {
    std::vector<std::uint16_t> deferred; // fields not loaded (defer/only), by index
    std::vector<std::pair<std::string, Value>> annotations; // annotate(), extra(select=...)
    // prefetch_related(): the related objects of each relation, as a std::vector of the
    // related model, keyed by the relation's field and direction.
    struct Prefetched {
        const FieldMeta* field;
        bool reverse;
        std::shared_ptr<const void> objects;
    };
    std::vector<Prefetched> prefetched;
};

// What a model instance knows about itself beyond its fields (Django's _state). Two words
// on every object: the database, and the adding flag packed with a pointer to the
// InstanceExtra (an object loaded by a plain query never allocates one). Copying an
// instance copies all of it.
struct InstanceState {
    using Prefetched = InstanceExtra::Prefetched;

    Database* db = nullptr; // where it was loaded from or saved to
    bool adding : 1 = true; // not loaded from, nor saved to, a database

    InstanceState() = default;
    explicit InstanceState(const bool*) {} // see Model<T>::_state
    InstanceState(const InstanceState& o) : db(o.db), adding(o.adding), extra_(0) {
        if (o.extra_)
            set_ptr(copy_extra(*o.ptr()));
    }
    InstanceState(InstanceState&& o) noexcept : db(o.db), adding(o.adding), extra_(o.extra_) {
        o.extra_ = 0;
    }
    InstanceState& operator=(const InstanceState& o) {
        if (this != &o)
            *this = InstanceState(o);
        return *this;
    }
    InstanceState& operator=(InstanceState&& o) noexcept {
        if (this != &o) {
            if (extra_)
                delete_extra(ptr());
            db = o.db;
            adding = o.adding;
            extra_ = o.extra_;
            o.extra_ = 0;
        }
        return *this;
    }
    ~InstanceState() {
        if (extra_)
            delete_extra(ptr());
    }

    // Read access: empty when nothing was ever written.
    const std::vector<std::uint16_t>& deferred() const noexcept {
        return extra_ ? ptr()->deferred : empty().deferred;
    }
    const std::vector<std::pair<std::string, Value>>& annotations() const noexcept {
        return extra_ ? ptr()->annotations : empty().annotations;
    }
    const std::vector<Prefetched>& prefetched() const noexcept {
        return extra_ ? ptr()->prefetched : empty().prefetched;
    }
    // Write access: allocates the InstanceExtra on first use.
    InstanceExtra& extra() {
        if (!extra_)
            set_ptr(new_extra());
        return *ptr();
    }
    // The fields not loaded, replaced (allocates only when there are some).
    void set_deferred(const std::vector<std::uint16_t>& fields) {
        if (!fields.empty())
            extra().deferred = fields;
        else if (extra_)
            ptr()->deferred.clear();
    }

private:
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion" // the shifted value fits the bit-field
#endif
    void set_ptr(InstanceExtra* p) noexcept {
        extra_ = reinterpret_cast<std::uintptr_t>(p) >> 1;
    }
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    InstanceExtra* ptr() const noexcept {
        return reinterpret_cast<InstanceExtra*>(static_cast<std::uintptr_t>(extra_) << 1);
    }
    // The InstanceExtra's life, out of line (dorm/impl/core/model.ipp): a translation unit
    // that copies or destroys model objects instantiates none of its containers.
    static InstanceExtra* new_extra();
    static InstanceExtra* copy_extra(const InstanceExtra& from);
    static void delete_extra(InstanceExtra* p) noexcept;
    static const InstanceExtra& empty() noexcept;
    // The InstanceExtra* without its lowest bit (always 0: the object is aligned), so that
    // it shares a word with the adding flag (GCC and Clang: 16 bytes in all).
    std::uintptr_t extra_ : sizeof(std::uintptr_t) * 8 - 1 = 0;
};

// Every model is listed here when the program starts (before main), so that the reverse
// side of a relation is known even before the model that declares it was used.
void register_model(const ModelMeta& (*meta)());
// The metadata of every model registered so far; a model whose definition is refused is
// left out (its own meta() throws where it is used).
std::vector<const ModelMeta*> registered_models();
template <class T>
struct Registration {
    static inline const bool done = (register_model(&T::meta), true);
};

[[noreturn]] void model_definition_error(const ModelMeta& m, const std::string& what);

// The model whose rows the remote holds for an object of m: m itself when it is mapped, or
// (multi-table inheritance) the mapped topmost parent, whose part of the object starts
// `offset` bytes into it; nullptr when neither is mapped.
const ModelMeta* remote_part(const ModelMeta& m, std::size_t& offset) noexcept;
// The topmost concrete model of m's hierarchy (m's concrete model when it extends none), and
// where its part starts in an object of m.
const ModelMeta& topmost_part(const ModelMeta& m, std::size_t& offset) noexcept;

// The non-template part of ModelDef<T>::field(): the FieldMeta of a member at `offset`
// built and added to meta with its options (dorm/impl/core/model_meta_impl.ipp).
void add_member_field(ModelMeta& meta, std::string name, CType ctype, bool optional,
                      std::size_t offset, std::initializer_list<Option> opts);
void add_relation_field(ModelMeta& meta, std::string name, FieldKind kind,
                        const ModelMeta& (*target)(), std::size_t offset,
                        std::initializer_list<Option> opts);
void add_many_to_many_field(ModelMeta& meta, std::string name, const ModelMeta& (*target)(),
                            bool symmetrical, std::size_t offset, const ModelMeta& (*self)(),
                            std::string target_name, std::initializer_list<Option> opts);
} // namespace detail

template <class T>
class ModelDef {
public:
    ModelDef(ModelMeta& meta, const T& probe) : meta_(meta), probe_(probe) {}

    ModelDef& table(std::string name) {
        meta_.table = std::move(name);
        return *this;
    }
    ModelDef& name(std::string model_name) {
        meta_.name = std::move(model_name);
        return *this;
    }
    ModelDef& ordering(std::vector<std::string> fields) {
        meta_.ordering = std::move(fields);
        return *this;
    }
    // The model also lives on a remote, in this entity set; fields declared with
    // dorm::remote("Attr") / remote_key / remote_modified are mapped, the others stay local.
    ModelDef& remote(std::string entity_set) {
        meta_.remote_entity_set = std::move(entity_set);
        return *this;
    }
    // What a synced get() does with a row changed locally (skip_cdms) after the remote's
    // version: raise ObjectsNotInSync (the default), take the remote's, or send the local one.
    ModelDef& on_conflict(Conflict c) {
        meta_.conflict = c;
        return *this;
    }
    ModelDef& get_latest_by(std::string field_name) {
        meta_.get_latest_by = std::move(field_name);
        return *this;
    }

    template <class M, class... Opts>
    ModelDef& field(std::string field_name, M T::*member, const Opts&... opts) {
        static_assert(detail::field_member<M>,
                      "dorm: unsupported member type; use int16_t, int32_t, int64_t, double, "
                      "float, bool, std::string, dorm::Date, dorm::DateTime, dorm::Time, "
                      "dorm::Decimal, dorm::Uuid, dorm::Blob, dorm::Json, "
                      "std::chrono::microseconds or std::optional of one of them");
        static_assert((std::is_same_v<Opts, Option> && ...),
                      "dorm: field options are dorm::Option");
        // Else only the static_assert above reports, not a cascade of errors below it.
        if constexpr (detail::field_member<M> && (std::is_same_v<Opts, Option> && ...)) {
            using traits = detail::member_traits<M>;
            detail::add_member_field(meta_, std::move(field_name),
                                     detail::ctype_of<typename traits::type>::value,
                                     traits::optional, offset_of(member), {opts...});
        }
        return *this;
    }
    // ForeignKey<U>, OneToOne<U>: a column holding U's primary key, "<name>_id".
    template <class U, class... Opts>
    ModelDef& field(std::string field_name, ForeignKey<U> T::*member, const Opts&... opts) {
        return relation(std::move(field_name), member, FieldKind::ForeignKey, &U::meta, opts...);
    }
    template <class U, class... Opts>
    ModelDef& field(std::string field_name, OneToOne<U> T::*member, const Opts&... opts) {
        return relation(std::move(field_name), member, FieldKind::OneToOne, &U::meta, opts...);
    }
    // ManyToMany<U>: rows of a join table ("<table>_<name>", or through<M>()).
    template <class U, class... Opts>
    ModelDef& field(std::string field_name, ManyToMany<U> T::*member, const Opts&... opts) {
        static_assert((std::is_same_v<Opts, Option> && ...),
                      "dorm: field options are dorm::Option");
        if constexpr ((std::is_same_v<Opts, Option> && ...))
            detail::add_many_to_many_field(meta_, std::move(field_name), &U::meta,
                                           std::is_same_v<U, T>, offset_of(member), &T::meta,
                                           detail::type_name(typeid(U)), {opts...});
        return *this;
    }
    // A member of a base class of T: an abstract base's fields (a plain struct whose define()
    // the models call), declared for each model that derives from it.
    template <class M, class U, class... Opts>
    requires(!std::is_same_v<U, T> &&
             std::is_base_of_v<U, T>) ModelDef& field(std::string field_name, M U::*member,
                                                      const Opts&... opts) {
        return field(std::move(field_name), static_cast<M T::*>(member), opts...);
    }
    // A member of another class does not compile, and says so.
    template <class M, class U, class... Opts>
    requires(!std::is_base_of_v<U, T>) ModelDef& field(std::string, M U::*, const Opts&...) {
        static_assert(std::is_base_of_v<U, T>,
                      "dorm: ModelDef<T>::field() takes a member of T (or of a base class of "
                      "T): this member belongs to another class");
        return *this;
    }

    // A specialization of a general model (djeneralize's Meta.specialization): the step this
    // model adds to the path kept in specialization_type ("fountain_pen" under "/pen/" gives
    // "/pen/fountain_pen/"); letters, digits and '_'. The model's name in lower case when not
    // given.
    ModelDef& specialization(std::string step) {
        meta_.specialization_step = std::move(step);
        return *this;
    }

private:
    template <class M, class... Opts>
    ModelDef& relation(std::string field_name, M T::*member, FieldKind kind,
                       const ModelMeta& (*target)(), const Opts&... opts) {
        static_assert((std::is_same_v<Opts, Option> && ...),
                      "dorm: field options are dorm::Option");
        if constexpr ((std::is_same_v<Opts, Option> && ...))
            detail::add_relation_field(meta_, std::move(field_name), kind, target,
                                       offset_of(member), {opts...});
        return *this;
    }
    // Where the member is inside the model object.
    template <class M>
    std::size_t offset_of(M T::*member) const {
        return static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe_.*member)) -
                                        reinterpret_cast<const char*>(&probe_));
    }
    void add(FieldMeta f, std::initializer_list<Option> opts);
    static bool has_option(std::initializer_list<Option> opts, Option::Tag tag);
    void add_many_to_many(FieldMeta f, const ModelMeta& (*self)(), std::string target_name,
                          std::initializer_list<Option> opts);

    ModelMeta& meta_;
    const T& probe_;
};

// Options of save(); Django's save(force_insert, force_update, using, update_fields).
struct SaveOptions {
    Database* using_ = nullptr;
    bool force_insert = false;
    bool force_update = false;
    std::vector<std::string> update_fields; // empty: every (loaded) field
    bool skip_cdms = false; // a mapped model: write the local store only (out of sync after)
};

// obj.save(dorm::skip_cdms), obj.delete_(dorm::skip_cdms): the local store only.
struct SkipCdms {};
inline constexpr SkipCdms skip_cdms{};

// What every model offers, for the model T: the manager, save(), delete_() and the rest.
// Model<T> adds the instance's state; Extends<T, Parent> and ProxyOf<T, Parent> (dorm/core/
// inheritance.hpp) add it to a model that inherits another.
template <class T>
class ModelApi {
public:
    static const ModelMeta& meta();
    static Manager<T> objects();
    // A dorm::General model (or one that extends it): querysets whose rows come back as their
    // most specialized objects (dorm/orm/specialized.hpp).
    static SpecializedQuerySet<T> specializations();

    void save(const SaveOptions& opts = {});
    void save(Database& db) {
        SaveOptions opts;
        opts.using_ = &db;
        save(opts);
    }
    void save(SkipCdms) {
        SaveOptions opts;
        opts.skip_cdms = true;
        save(opts);
    }
    DeleteResult delete_(); // delete is a C++ keyword
    DeleteResult delete_(SkipCdms);
    void refresh_from_db(std::vector<std::string> fields = {});

    // Django's model validation: each field's checks (null, blank, choices, max_length, the
    // validators of its kind and its own, a ForeignKey's row), the model's own `void clean()`
    // when it has one, then the unique checks; one dorm::ValidationError whose
    // message_dict() has every field's messages. Nothing is written.
    void full_clean(const std::vector<std::string>& exclude = {}, bool validate_unique = true);
    void clean_fields(const std::vector<std::string>& exclude = {}) const;
    void validate_unique(const std::vector<std::string>& exclude = {}) const;
    // The label of a field's value among its choices (Django's get_FOO_display()); the value
    // as text when it is not one of them.
    std::string display(std::string_view field) const;

    Value pk() const { return meta().pk().get(static_cast<const T*>(this)); }
    // A value computed by annotate() or extra(select=...); NULL when absent.
    Value annotation(std::string_view alias) const {
        for (const auto& [name, v] : state().annotations())
            if (name == alias)
                return v;
        throw FieldError(meta().name + " instance has no annotation '" + std::string(alias) + "'");
    }

    // The relation of this instance through a field of any model: a forward ForeignKey's
    // object is the member itself; a reverse relation gives a manager of the related
    // objects (blog.related(&Entry::blog)), a ManyToMany one of the linked objects from
    // either side (entry.related(&Entry::authors), author.related(&Entry::authors)), and the
    // reverse of a OneToOne the one related object (place.related(&Restaurant::place)).
    template <class U, class F>
    auto related(F U::*field) const;
    // The same by the reverse relation's name: blog.related<Entry>("entry_set").
    template <class U>
    auto related(std::string_view accessor) const;

    // A model that extends this one, for the same row (Django's pen.fountainpen):
    // U::DoesNotExist when the row is not one.
    template <class U>
    U child() const;
    // This object's row as its most specialized model (final) or the one just below T
    // (djeneralize's get_as_specialization): one query, none when the row is of T itself.
    std::shared_ptr<T> get_as_specialization(bool final = true) const;

private:
    template <class Fn>
    void keep_state_on_failure(Fn&& fn);
    const detail::InstanceState& state() const { return static_cast<const T*>(this)->_state; }
    detail::InstanceState& state() { return static_cast<T*>(this)->_state; }
};

template <class T>
class Model : public ModelApi<T> {
public:
    struct DoesNotExist : dorm::DoesNotExist {
        using dorm::DoesNotExist::DoesNotExist;
    };
    struct MultipleObjectsReturned : dorm::MultipleObjectsReturned {
        using dorm::MultipleObjectsReturned::MultipleObjectsReturned;
    };

    // Listed as a model at start-up (the address is only taken so that it is instantiated).
    detail::InstanceState _state{&detail::Registration<T>::done};
};

} // namespace DORM_ABI
} // namespace dorm

#include "dorm/core/inheritance.hpp"
#include "dorm/core/model_meta_impl.hpp"

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/model.ipp"
#endif
