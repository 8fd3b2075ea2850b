#pragma once
// The members that hold relations in a model struct:
//
//   struct Entry : dorm::Model<Entry> {
//       std::int64_t id = 0;
//       dorm::ForeignKey<Blog> blog;         // Django's entry.blog, entry.blog_id
//       dorm::ManyToMany<Author> authors;    // entry.related(&Entry::authors)
//       ...
//   };
//
// A ForeignKey holds the target's primary key (the "<name>_id" column) and, once it has been
// followed or loaded by select_related(), the target object itself. The target may be an
// incomplete type where the member is declared (a model that refers to itself).
#include <memory>
#include <string>

#include "dorm/core/errors.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

class Database;

namespace detail {
struct RelatedAccess;
}

// What every ForeignKey<T> and OneToOne<T> holds, whatever T is.
class RelatedObject {
public:
    // The raw id (Django's entry.blog_id); NULL when there is no related object.
    const Value& id() const noexcept { return id_; }
    void set_id(Value id) {
        id_ = std::move(id);
        cache_.reset();
    }
    bool is_null() const noexcept { return id_.is_null(); }
    explicit operator bool() const noexcept { return !id_.is_null(); }
    // True when the related object is in memory (followed once, or select_related()).
    bool is_cached() const noexcept { return cache_ != nullptr; }

protected:
    Value id_;
    mutable std::shared_ptr<void> cache_; // the related object, once loaded
    Database* db_ = nullptr;  // where the owner was loaded from: the object is read there
    bool local_only_ = false; // the owner came from a skip_cdms() queryset: so does the object

    friend struct detail::RelatedAccess;
};

namespace detail {
// dorm's own access to a relation member (reading rows, select_related, prefetch).
struct RelatedAccess {
    static RelatedObject& of(void* member) { return *static_cast<RelatedObject*>(member); }
    static const RelatedObject& of(const void* member) {
        return *static_cast<const RelatedObject*>(member);
    }
    static void load(RelatedObject& r, Value id, Database* db) {
        if (!(r.id_ == id))
            r.cache_.reset();
        r.id_ = std::move(id);
        r.db_ = db;
        r.local_only_ = false;
    }
    static void set_local_only(RelatedObject& r) { r.local_only_ = true; }
    static bool local_only(const RelatedObject& r) { return r.local_only_; }
    static void set_cache(RelatedObject& r, std::shared_ptr<void> obj) {
        r.cache_ = std::move(obj);
    }
    static const std::shared_ptr<void>& cache(const RelatedObject& r) { return r.cache_; }
    static Database* db(const RelatedObject& r) { return r.db_; }
};
} // namespace detail

// A many-to-one relation to T (Django's ForeignKey). Assigning an object of another model
// does not compile; assigning an unsaved object is a ValueError.
template <class T>
class ForeignKey : public RelatedObject {
public:
    using target_type = T;
    ForeignKey() = default;
    ForeignKey(const T& obj) { *this = obj; } // NOLINT: as Django's Entry(blog=b)

    ForeignKey& operator=(const T& obj);
    ForeignKey& operator=(std::nullptr_t) {
        set_id(Value());
        return *this;
    }

    // The related object: read from the database the first time, cached after. Throws
    // T::DoesNotExist when the id is NULL or names no row.
    T& get() const;
    T* operator->() const { return &get(); }
    T& operator*() const { return get(); }
    // The related object, or nullptr when the id is NULL.
    T* ptr() const { return is_null() ? nullptr : &get(); }
};

// A one-to-one relation to T (Django's OneToOneField): a unique ForeignKey whose reverse side
// is one object instead of a set.
template <class T>
class OneToOne : public ForeignKey<T> {
public:
    using ForeignKey<T>::ForeignKey;
    using ForeignKey<T>::operator=;
};

// A many-to-many relation to T (Django's ManyToManyField). It holds nothing: the links are
// rows of a join table, reached through owner.related(&Owner::field).
template <class T>
struct ManyToMany {
    using target_type = T;
};

} // namespace DORM_ABI
} // namespace dorm
