#pragma once
// Related objects: following a ForeignKey (entry.blog.get()), and the managers of the other
// sides of relations (blog.related(&Entry::blog), entry.related(&Entry::authors)), with
// Django's add, remove, clear, set and create.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/orm/queryset.hpp"

namespace dorm {
inline namespace DORM_ABI {

template <class T>
ForeignKey<T>& ForeignKey<T>::operator=(const T& obj) {
    if (sql::pk_unset(T::meta(), &obj))
        throw ValueError("Cannot assign an unsaved " + T::meta().name +
                         " to a relation: save it first (its primary key is not set)");
    id_ = obj.pk();
    cache_ = std::make_shared<T>(obj);
    db_ = obj._state.db;
    return *this;
}

template <class T>
T& ForeignKey<T>::get() const {
    if (!cache_) {
        if (is_null())
            throw
                typename T::DoesNotExist("No related " + T::meta().name + ": the relation is NULL");
        Database& db = db_ ? *db_ : default_database();
        auto q = std::make_shared<Query>(T::objects().using_(db).query());
        q->follows_relation = true; // a synced parent is read once per evaluation
        q->skip_remote = local_only_;
        cache_ = std::make_shared<T>(QuerySet<T>(std::move(q)).get("pk", id_));
    }
    return *static_cast<T*>(cache_.get());
}

namespace detail {
// The field of model U whose member a member pointer names.
template <class U, class F>
const FieldMeta& field_of_member(F U::*member) {
    // Not cached: two members of the same type (friends, follows) share this instantiation.
    static const U probe{};
    const auto offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*member)) -
                                                 reinterpret_cast<const char*>(&probe));
    const ModelMeta& m = U::meta();
    for (const auto& f : m.fields)
        if (f.offset == offset && f.is_relation())
            return f;
    for (const auto& f : m.many_to_many)
        if (f.offset == offset)
            return f;
    throw FieldError("related(): the member is not a relation declared in " + m.name +
                     "::define()");
}

template <class F>
struct is_many_to_many : std::false_type {};
template <class X>
struct is_many_to_many<ManyToMany<X>> : std::true_type {};
template <class F>
struct is_one_to_one : std::false_type {};
template <class X>
struct is_one_to_one<OneToOne<X>> : std::true_type {};
} // namespace detail

// The objects on the other side of one instance's relation: a QuerySet of them (filter,
// count, iterate...) and the writes that change which objects are related.
//  - reverse ForeignKey (blog.related(&Entry::blog)): `link` is the ForeignKey of T;
//  - many-to-many (either side): `link` is the ManyToMany field, `reverse` from its target.
template <class T>
class RelatedManager : public QuerySet<T> {
public:
    RelatedManager(const FieldMeta& link, bool reverse, Value owner_pk, Database& db,
                   const detail::InstanceState& owner_state)
        : QuerySet<T>(query_for(link, reverse, owner_pk, db)), link_(link), reverse_(reverse),
          owner_(std::move(owner_pk)), db_(db) {
        for (const auto& p : owner_state.prefetched())
            if (p.field == &link && p.reverse == reverse)
                prefetched_ = std::static_pointer_cast<const std::vector<T>>(p.objects);
        if (prefetched_)
            this->set_cache(prefetched_);
    }

    // All the related objects; after prefetch_related(), the prefetched ones, with no query
    // (Django's blog.entry_set.all()).
    QuerySet<T> all() const {
        QuerySet<T> qs = QuerySet<T>::all();
        if (prefetched_)
            qs.set_cache(prefetched_);
        return qs;
    }

    // A new object, saved, related to the owner.
    T create(const Kwargs& values) const {
        return atomic(db_, [&] {
            T obj = QuerySet<T>::make(values);
            if (many())
                return add_created(obj);
            link_.set(&obj, owner_);
            SaveOptions opts;
            opts.using_ = &db_;
            opts.force_insert = true;
            obj.save(opts);
            return obj;
        });
    }
    T create(std::initializer_list<Kwarg> values) const { return create(Kwargs(values)); }

    // Relates saved objects to the owner (adding a link that exists does nothing).
    template <class... O>
    requires(std::same_as<O, T>&&...) void add(O&... objs) const {
        std::vector<T*> list{&objs...};
        add_all(list);
    }
    void add(std::vector<T>& objs) const {
        std::vector<T*> list;
        for (auto& o : objs)
            list.push_back(&o);
        add_all(list);
    }
    template <class... O>
    requires(std::same_as<O, T>&&...) void remove(O&... objs) const {
        std::vector<T*> list{&objs...};
        remove_all(list);
    }
    void remove(std::vector<T>& objs) const {
        std::vector<T*> list;
        for (auto& o : objs)
            list.push_back(&o);
        remove_all(list);
    }
    // Unrelates every object (a ForeignKey must be nullable: its rows are kept, with NULL).
    void clear() const {
        atomic(db_, [&] {
            if (many()) {
                sql::Cursor c(db_,
                              "DELETE FROM " + sql::quote(through().table) + " WHERE " +
                                  sql::quote(near()->column) + " = ?" +
                                  (link_.symmetrical ? " OR " + sql::quote(far()->column) + " = ?"
                                                     : std::string()),
                              link_.symmetrical ? Values{owner_, owner_} : Values{owner_});
                c.run();
                return;
            }
            require_nullable("clear");
            sql::Cursor c(db_,
                          "UPDATE " + sql::quote(T::meta().table) + " SET " +
                              sql::quote(link_.column) + " = NULL WHERE " +
                              sql::quote(link_.column) + " = ?",
                          Values{owner_});
            c.run();
        });
    }
    // Makes exactly these objects related: the others are removed, the new ones added.
    void set(std::vector<T>& objs) const {
        atomic(db_, [&] {
            if (!many() && !link_.null()) { // rows cannot lose a non-null key: add only
                add(objs);
                return;
            }
            Values keep;
            for (auto& o : objs)
                keep.push_back(saved_pk(o));
            std::vector<T> old = this->all().exclude("pk__in", keep).to_vector();
            remove(old);
            add(objs);
        });
    }

private:
    static std::shared_ptr<const Query> query_for(const FieldMeta& link, bool reverse,
                                                  const Value& owner, Database& db) {
        const ModelMeta& owner_model =
            link.kind == FieldKind::ManyToMany && !reverse ? *link.model : link.related_model();
        if (owner.is_null() || (owner_model.pk().auto_created() && owner == Value(0)))
            throw ValueError("The " + owner_model.name +
                             " instance needs a primary key (save it) before its relation '" +
                             link.name + "' can be used");
        auto q = std::make_shared<Query>();
        q->model = &T::meta();
        q->db = &db;
        if (link.kind != FieldKind::ManyToMany) { // T's ForeignKey = owner
            Condition c;
            c.lhs = detail::resolve_expr(F(link.name), *q);
            c.lhs_type = c.lhs.type;
            c.rhs = detail::prepare_value(owner, c.lhs_type, link.qualified_name());
            q->where.children.push_back(WhereNode::leaf(std::move(c)));
            return q;
        }
        // T joined to the join table, whose column towards the owner = owner.
        auto [from, to] = detail::through_fields(link);
        const FieldMeta* near = reverse ? to : from;
        const FieldMeta* far = reverse ? from : to;
        detail::JoinScope scope;
        const auto alias = detail::follow(
            *q, 0, {{{&link.through_model(), &T::meta().pk(), far, true, true}}, nullptr}, scope);
        Condition c;
        c.lhs = Expr::column(*near, alias);
        c.lhs_type = c.lhs.type;
        c.rhs = detail::prepare_value(owner, c.lhs_type, link.qualified_name());
        q->where.children.push_back(WhereNode::leaf(std::move(c)));
        detail::require_joins(q->where.children.back(), *q);
        q->sticky_joins.push_back(alias);
        return q;
    }

    bool many() const noexcept { return link_.kind == FieldKind::ManyToMany; }
    const ModelMeta& through() const { return link_.through_model(); }
    const FieldMeta* near() const {
        auto [from, to] = detail::through_fields(link_);
        return reverse_ ? to : from;
    }
    const FieldMeta* far() const {
        auto [from, to] = detail::through_fields(link_);
        return reverse_ ? from : to;
    }
    void require_nullable(const char* what) const {
        if (!link_.null())
            throw UsageError(std::string(what) +
                             "() is only available on relations whose "
                             "ForeignKey may be NULL, and " +
                             link_.qualified_name() + " may not");
    }
    static Value saved_pk(const T& obj) {
        if (sql::pk_unset(T::meta(), &obj))
            throw ValueError(T::meta().name +
                             " instance isn't saved: save the object first, then relate it");
        return obj.pk();
    }
    T add_created(T& obj) const {
        SaveOptions opts;
        opts.using_ = &db_;
        opts.force_insert = true;
        obj.save(opts);
        std::vector<T*> one{&obj};
        add_all(one);
        return obj;
    }
    // One link, unless it exists. A declared join model's row is made as a new instance of
    // it (its members' initial values and declared defaults), as Django's add() uses the
    // fields' defaults.
    void link(const Value& from, const Value& to) const {
        const ModelMeta& m = through();
        const std::string table = sql::quote(m.table);
        const std::string n = sql::quote(near()->column), f = sql::quote(far()->column);
        if (!link_.through) {
            sql::Cursor c(db_,
                          "INSERT INTO " + table + " (" + n + ", " + f +
                              ") SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM " + table +
                              " WHERE " + n + " = ?1 AND " + f + " = ?2)",
                          Values{from, to});
            c.run();
            return;
        }
        {
            sql::Cursor c(db_, "SELECT 1 FROM " + table + " WHERE " + n + " = ? AND " + f + " = ?",
                          Values{from, to});
            if (c.next())
                return;
        }
        std::shared_ptr<void> row = m.new_instance();
        for (const auto& field : m.fields)
            if (field.default_value)
                field.set(row.get(), *field.default_value);
        near()->set(row.get(), from);
        far()->set(row.get(), to);
        sql::insert_object(db_, m, row.get());
    }

    void add_all(const std::vector<T*>& objs) const {
        atomic(db_, [&] {
            if (many()) {
                for (T* o : objs) {
                    const Value pk = saved_pk(*o);
                    link(owner_, pk);
                    if (link_.symmetrical) // a friend of mine is a friend of his
                        link(pk, owner_);
                }
                return;
            }
            Values pks;
            for (T* o : objs)
                pks.push_back(saved_pk(*o));
            if (pks.empty())
                return;
            T::objects().using_(db_).filter("pk__in", pks).update({{link_.name, owner_}});
            for (T* o : objs)
                link_.set(o, owner_);
        });
    }
    void remove_all(const std::vector<T*>& objs) const {
        atomic(db_, [&] {
            Values pks;
            for (T* o : objs)
                pks.push_back(saved_pk(*o));
            if (pks.empty())
                return;
            if (many()) {
                std::string sql = "DELETE FROM " + sql::quote(through().table) + " WHERE " +
                                  sql::quote(near()->column) + " = ? AND " +
                                  sql::quote(far()->column) + " IN (";
                Values params{owner_};
                for (std::size_t i = 0; i < pks.size(); ++i) {
                    sql += i ? ", ?" : "?";
                    params.push_back(pks[i]);
                }
                sql::Cursor c(db_, sql + ")", std::move(params));
                c.run();
                if (link_.symmetrical) {
                    std::string mirror = "DELETE FROM " + sql::quote(through().table) + " WHERE " +
                                         sql::quote(far()->column) + " = ? AND " +
                                         sql::quote(near()->column) + " IN (";
                    for (std::size_t i = 0; i < pks.size(); ++i)
                        mirror += i ? ", ?" : "?";
                    Values mirror_params{owner_};
                    mirror_params.insert(mirror_params.end(), pks.begin(), pks.end());
                    sql::Cursor m(db_, mirror + ")", std::move(mirror_params));
                    m.run();
                }
                return;
            }
            require_nullable("remove");
            for (T* o : objs)
                if (!(link_.get(o) == owner_))
                    throw typename T::DoesNotExist(T::meta().name + " " + o->pk().repr() +
                                                   " is not related to this " +
                                                   link_.related_model().name);
            T::objects().using_(db_).filter("pk__in", pks).update({{link_.name, Value()}});
            for (T* o : objs)
                link_.set(o, Value());
        });
    }

    const FieldMeta& link_;
    std::shared_ptr<const std::vector<T>> prefetched_;
    bool reverse_;
    Value owner_;
    Database& db_;
};

template <class T>
template <class U, class F>
auto Model<T>::related(F U::*member) const {
    const T& self = *static_cast<const T*>(this);
    Database& db = _state.db ? *_state.db : default_database();
    const FieldMeta& f = detail::field_of_member(member);
    if constexpr (detail::is_many_to_many<F>::value) {
        using X = typename F::target_type;
        if constexpr (std::is_same_v<U, T>) {
            return RelatedManager<X>(f, false, pk(), db, _state); // the targets of self's links
        } else {
            static_assert(std::is_same_v<X, T>,
                          "dorm: related(): the relation is not to this model");
            return RelatedManager<U>(f, true, pk(), db, _state); // the models that link to self
        }
    } else {
        static_assert(std::is_base_of_v<ForeignKey<T>, F>,
                      "dorm: related(): the member is not a relation to this model");
        if constexpr (detail::is_one_to_one<F>::value) {
            (void)self;
            return U::objects().using_(db).get(f.name, pk()); // U::DoesNotExist when none
        } else {
            return RelatedManager<U>(f, true, pk(), db, _state);
        }
    }
}

template <class T>
template <class U>
auto Model<T>::related(std::string_view accessor) const {
    Database& db = _state.db ? *_state.db : default_database();
    const ModelMeta& m = T::meta();
    if (const FieldMeta* f = m.find_many_to_many(accessor)) {
        if (&f->related_model() != &U::meta())
            throw FieldError(m.name + "." + f->name + " relates to " + f->related_model().name +
                             ", not " + U::meta().name);
        return RelatedManager<U>(*f, false, pk(), db, _state);
    }
    auto r = detail::find_reverse(m, accessor, true);
    if (!r || r->model != &U::meta() || !r->multi()) {
        std::vector<std::string> names;
        for (const auto& rel : detail::reverse_relations(m))
            if (!rel.hidden && rel.multi())
                names.push_back(rel.accessor);
        for (const auto& mm : m.many_to_many)
            names.push_back(mm.name);
        throw FieldError(m.name + " has no related set '" + std::string(accessor) + "' of " +
                         U::meta().name + detail::suggestion(accessor, names) +
                         ". Related sets: " + detail::join(names));
    }
    return RelatedManager<U>(*r->field, true, pk(), db, _state);
}

} // namespace DORM_ABI
} // namespace dorm
