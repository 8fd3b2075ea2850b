#pragma once
// Model inheritance, as Django's, in C++'s own spelling: a model that extends another *is*
// one (it inherits the members), and its metadata says which table holds what.
//
//   struct Place : dorm::Model<Place> { ... };                  // a table of its own
//   struct Restaurant : dorm::Extends<Restaurant, Place> { ... }; // multi-table: its own
//       // table, with the OneToOne "place_ptr" to Place as primary key; Place's fields
//       // are queried, saved and deleted with it
//   struct OrderedPlace : dorm::ProxyOf<OrderedPlace, Place> { ... }; // Place's table, other
//       // ordering; no fields of its own
//
// Abstract base models need nothing from dorm: a plain struct with the members, and a
// template define() that the models call (ModelDef<T>::field takes a base's members).
//
// General<T> is a model with specializations (djeneralize): it is polymorphic, and its rows
// keep their most specialized type, so that T::specializations() (dorm/orm/specialized.hpp)
// yields each row as the object of that type.
#include <cstddef>
#include <string>
#include <type_traits>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

namespace detail {
// What ModelApi<T>::meta() does for a model that inherits `parent`, whose part of an object
// starts `offset` bytes into it: the parent's fields (and, multi-table, the "<parent>_ptr"
// primary key), or for a proxy the parent's table and fields.
void inherit_meta(ModelMeta& built, const ModelMeta& (*parent)(), std::size_t offset, bool proxy);
// The specialization_type field of a general model (at `offset` in its objects).
void add_specialization_field(ModelMeta& built, std::size_t offset);

// An empty member that lists model T when its class is instantiated (see Model<T>::_state);
// one type per model, so that a grandchild's two take no room.
template <class T>
struct Listed {
    constexpr explicit Listed(const bool*) noexcept {}
};

template <class T, class Parent, bool Proxy>
struct Inherits {
    using model = T;
    using parent = Parent;
    static constexpr bool proxy = Proxy;
};

// T inherits a model through Extends<T, ...> or ProxyOf<T, ...> (not only through its parent).
template <class T>
concept inherits_model = requires {
    typename T::dorm_inherits;
}
&&std::is_same_v<typename T::dorm_inherits::model, T>;
} // namespace detail

template <class T, class Parent, bool Proxy>
class InheritedModel : public Parent, public ModelApi<T> {
public:
    using dorm_inherits = detail::Inherits<T, Parent, Proxy>;
    // As Django's: catching the parent's DoesNotExist catches the child's too.
    struct DoesNotExist : Parent::DoesNotExist {
        using Parent::DoesNotExist::DoesNotExist;
    };
    struct MultipleObjectsReturned : Parent::MultipleObjectsReturned {
        using Parent::MultipleObjectsReturned::MultipleObjectsReturned;
    };

    // T's own, not the parent's (both are bases).
    using ModelApi<T>::meta;
    using ModelApi<T>::objects;
    using ModelApi<T>::specializations;
    using ModelApi<T>::get_as_specialization;
    using ModelApi<T>::save;
    using ModelApi<T>::delete_;
    using ModelApi<T>::refresh_from_db;
    using ModelApi<T>::pk;
    using ModelApi<T>::annotation;
    using ModelApi<T>::related;
    using ModelApi<T>::child;

    [[no_unique_address]] detail::Listed<T> dorm_listed_{&detail::Registration<T>::done};
};

// Multi-table inheritance: T's own fields in its own table, Parent's in Parent's.
template <class T, class Parent>
using Extends = InheritedModel<T, Parent, false>;

// A proxy model: Parent's table and fields, with its own ordering, name and manager.
template <class T, class Parent>
using ProxyOf = InheritedModel<T, Parent, true>;

// A model with specializations (djeneralize's general model): polymorphic, so that a row
// read as its most specialized model can be handed out as a std::shared_ptr<T>, and with
// the field that keeps that type ("/pen/fountain_pen/"), which save() maintains.
template <class T>
class General : public Model<T> {
public:
    General() = default;
    General(const General&) = default;
    General(General&&) = default;
    General& operator=(const General&) = default;
    General& operator=(General&&) = default;
    virtual ~General() = default;

    std::string specialization_type;
};

} // namespace DORM_ABI
} // namespace dorm
