#pragma once
// Building ModelMeta from a model's define(), and reading/writing fields through it. The
// non-template parts are in dorm/impl/core/model_meta_impl.ipp.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
// What ModelDef<T>::field() does once the member is described: the options applied and
// checked, the field added to meta (model_definition_error on a wrong declaration).
void add_field(ModelMeta& meta, FieldMeta f, std::initializer_list<Option> opts);
bool has_option(std::initializer_list<Option> opts, Option::Tag tag);
void add_many_to_many(ModelMeta& meta, FieldMeta f, const ModelMeta& (*self)(),
                      std::string target_name, std::initializer_list<Option> opts);
// The automatic join table of a ManyToManyField (Django's "<table>_<field>"): an id and one
// ForeignKey to each side, "<source>_id" and "<target>_id" ("from_"/"to_" for a relation of a
// model to itself), unique together.
std::shared_ptr<const ModelMeta> make_auto_through(const ModelMeta& source, const FieldMeta& f,
                                                   const ModelMeta& (*self)(),
                                                   std::string target_name);
// What Model<T>::meta() does once T::define() has run: the table name defaulted, the primary
// key and the remote mapping checked (model_definition_error when wrong).
void complete_meta(ModelMeta& built);
// Pointers from fields to their model, set once the meta object has its address.
void link_meta(ModelMeta& m);
// A shared_ptr owning p, which destroy(p) deletes (also when making the shared_ptr throws).
std::shared_ptr<void> own(void* p, void (*destroy)(void*) noexcept);
// ModelMeta's functions that make and reach objects of T without knowing T: plain functions
// over `new`/`delete`, owned by a shared_ptr<void> whose control block dorm builds (own()), so
// that a model instantiates no std::make_shared<T> machinery of its own.
template <class T>
struct ModelOps {
    static void destroy(void* p) noexcept { delete static_cast<T*>(p); }
    static void destroy_vector(void* p) noexcept { delete static_cast<std::vector<T>*>(p); }
    static std::shared_ptr<void> new_instance() { return detail::own(new T(), &destroy); }
    static std::shared_ptr<void> share(T obj) {
        return detail::own(new T(std::move(obj)), &destroy);
    }
    static std::shared_ptr<const std::vector<T>> share_vector(std::vector<T> objs) {
        auto* v = new std::vector<T>(std::move(objs));
        return {detail::own(v, &destroy_vector), v};
    }
    static InstanceState* state_of(void* obj) { return &static_cast<T*>(obj)->_state; }
    [[noreturn]] static void does_not_exist(const std::string& message) {
        throw typename T::DoesNotExist(message);
    }
    [[noreturn]] static void multiple_objects(const std::string& message) {
        throw typename T::MultipleObjectsReturned(message);
    }
    // A std::vector<T> of copies of objs (objects of T).
    static std::shared_ptr<void> new_vector(std::vector<std::shared_ptr<void>>& objs) {
        auto* v = new std::vector<T>();
        std::shared_ptr<void> owner = detail::own(v, &destroy_vector);
        v->reserve(objs.size());
        // emplace_back() and assignment: what reading a query's rows already instantiates.
        for (auto& o : objs)
            v->emplace_back() = *static_cast<const T*>(o.get());
        return owner;
    }
};
} // namespace detail

template <class T>
void ModelDef<T>::add(FieldMeta f, std::initializer_list<Option> opts) {
    detail::add_field(meta_, std::move(f), opts);
}

template <class T>
bool ModelDef<T>::has_option(std::initializer_list<Option> opts, Option::Tag tag) {
    return detail::has_option(opts, tag);
}

template <class T>
void ModelDef<T>::add_many_to_many(FieldMeta f, const ModelMeta& (*self)(), std::string target_name,
                                   std::initializer_list<Option> opts) {
    detail::add_many_to_many(meta_, std::move(f), self, std::move(target_name), opts);
}

template <class T>
const ModelMeta& ModelApi<T>::meta() {
    static ModelMeta m = [] {
        ModelMeta built;
        built.name = detail::type_name(typeid(T));
        const T probe{};
        const auto offset_of = [&](const auto* part) {
            return static_cast<std::size_t>(reinterpret_cast<const char*>(part) -
                                            reinterpret_cast<const char*>(&probe));
        };
        if constexpr (detail::inherits_model<T>) {
            using I = typename T::dorm_inherits;
            using P = typename I::parent;
            detail::inherit_meta(built, &P::meta, offset_of(static_cast<const P*>(&probe)),
                                 I::proxy);
        }
        if constexpr (requires(ModelDef<T> & d) { T::define(d); }) {
            ModelDef<T> def(built, probe);
            T::define(def);
        }
        if constexpr (!detail::inherits_model<T> && std::is_base_of_v<General<T>, T>)
            detail::add_specialization_field(
                built, offset_of(&static_cast<const General<T>&>(probe).specialization_type));
        detail::complete_meta(built);
        built.new_instance = &detail::ModelOps<T>::new_instance;
        built.state_of = &detail::ModelOps<T>::state_of;
        built.new_vector = &detail::ModelOps<T>::new_vector;
        if constexpr (requires {
                          typename T::DoesNotExist;
                          typename T::MultipleObjectsReturned;
                      }) {
            built.does_not_exist = &detail::ModelOps<T>::does_not_exist;
            built.multiple_objects = &detail::ModelOps<T>::multiple_objects;
        }
        return built;
    }();
    // Pointers from fields to their model are set once the meta object has its address.
    static const bool linked = (detail::link_meta(m), true);
    (void)linked;
    return m;
}

namespace detail {
// Range checks of set(), also used where a value is bound for a field.
std::int64_t checked_int(const Value& v, CType ct);
// A float member holds a double only up to FLT_MAX (converting a larger one is undefined).
float checked_float(const Value& v);
Date checked_date(const Value& v);
Time checked_time(const Value& v);
DateTime checked_datetime(const Value& v);
} // namespace detail

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/model_meta_impl.ipp"
#endif
