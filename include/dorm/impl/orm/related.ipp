#pragma once
// Bodies of dorm/orm/related.hpp (dorm/detail/config.hpp).
#include "dorm/orm/related.hpp"

#include "dorm/core/reverse_relations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE void check_assignable(const ModelMeta& m, const void* obj) {
    if (sql::pk_unset(m, obj))
        throw ValueError("Cannot assign an unsaved " + m.name +
                         " to a relation: save it first (its primary key is not set)");
}

DORM_INLINE Evaluation follow_evaluation(Database& db, bool local_only) {
    Evaluation how = Evaluation::on(db);
    how.follows_relation = true; // a synced parent is read once per evaluation
    how.skip_remote = local_only;
    return how;
}

DORM_INLINE const FieldMeta& relation_at(const ModelMeta& m, std::size_t offset) {
    for (const auto& f : m.fields)
        if (f.offset == offset && f.is_relation())
            return f;
    for (const auto& f : m.many_to_many)
        if (f.offset == offset)
            return f;
    throw FieldError("related(): the member is not a relation declared in " + m.name +
                     "::define()");
}

DORM_INLINE std::pair<const FieldMeta*, bool>
related_set(const ModelMeta& m, std::string_view accessor, const ModelMeta& target) {
    if (const FieldMeta* f = m.find_many_to_many(accessor)) {
        if (&f->related_model() != &target)
            throw FieldError(m.name + "." + f->name + " relates to " + f->related_model().name +
                             ", not " + target.name);
        return {f, false};
    }
    auto r = find_reverse(m, accessor, true);
    for (const ModelMeta* p = m.concrete().parent; !r && p; p = p->parent)
        r = find_reverse(*p, accessor, true); // a parent's, which the child shares
    if (!r || r->model != &target || !r->multi()) {
        std::vector<std::string> names;
        for (const auto& rel : reverse_relations(m))
            if (!rel.hidden && rel.multi())
                names.push_back(rel.accessor);
        for (const auto& mm : m.many_to_many)
            names.push_back(mm.name);
        throw FieldError(m.name + " has no related set '" + std::string(accessor) + "' of " +
                         target.name + suggestion(accessor, names) +
                         ". Related sets: " + join(names));
    }
    return {r->field, true};
}

DORM_INLINE std::shared_ptr<const Query> RelatedSet::query(const ModelMeta& target,
                                                           const FieldMeta& link, bool reverse,
                                                           const Value& owner) {
    const ModelMeta& owner_model =
        link.kind == FieldKind::ManyToMany && !reverse ? *link.model : link.related_model();
    if (owner.is_null() || (owner_model.pk().auto_created() && owner == Value(0)))
        throw ValueError("The " + owner_model.name +
                         " instance needs a primary key (save it) before its relation '" +
                         link.name + "' can be used");
    auto q = std::make_shared<Query>();
    init_query(*q, target);
    if (link.kind != FieldKind::ManyToMany) { // target's ForeignKey = owner
        Condition c;
        c.lhs = resolve_expr(F(link.name), *q);
        c.lhs_type = c.lhs.type;
        c.rhs = prepare_value(owner, c.lhs_type, link.qualified_name());
        q->where.children.push_back(WhereNode::leaf(std::move(c)));
        return q;
    }
    // target joined to the join table, whose column towards the owner = owner.
    auto [from, to] = through_fields(link);
    const FieldMeta* near = reverse ? to : from;
    const FieldMeta* far = reverse ? from : to;
    JoinScope scope;
    const auto alias =
        follow(*q, 0, {{{&link.through_model(), &target.pk(), far, true, true}}, nullptr}, scope);
    Condition c;
    c.lhs = Expr::column(*near, alias);
    c.lhs_type = c.lhs.type;
    c.rhs = prepare_value(owner, c.lhs_type, link.qualified_name());
    q->where.children.push_back(WhereNode::leaf(std::move(c)));
    require_joins(q->where.children.back(), *q);
    q->sticky_joins.push_back(alias);
    return q;
}

DORM_INLINE const FieldMeta* RelatedSet::near() const {
    auto [from, to] = through_fields(link_);
    return reverse_ ? to : from;
}

DORM_INLINE const FieldMeta* RelatedSet::far() const {
    auto [from, to] = through_fields(link_);
    return reverse_ ? from : to;
}

DORM_INLINE void RelatedSet::require_nullable(const char* what) const {
    if (!link_.null())
        throw UsageError(std::string(what) +
                         "() is only available on relations whose "
                         "ForeignKey may be NULL, and " +
                         link_.qualified_name() + " may not");
}

DORM_INLINE Value RelatedSet::saved_pk(const void* obj) const {
    if (sql::pk_unset(target_, obj))
        throw ValueError(target_.name +
                         " instance isn't saved: save the object first, then relate it");
    return target_.pk().get(obj);
}

// One link, unless it exists. A declared join model's row is made as a new instance of
// it (its members' initial values and declared defaults), as Django's add() uses the
// fields' defaults.
DORM_INLINE void RelatedSet::link(const Value& from, const Value& to) const {
    const ModelMeta& m = through();
    const std::string table = sql::quote(m.table);
    const std::string n = sql::quote(near()->column), f = sql::quote(far()->column);
    if (!link_.through) {
        sql::Cursor c(db_,
                      "INSERT INTO " + table + " (" + n + ", " + f +
                          ") SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE " +
                          n + " = ?1 AND " + f + " = ?2)",
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

DORM_INLINE void RelatedSet::clear() const {
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
                      "UPDATE " + sql::quote(target_.table) + " SET " + sql::quote(link_.column) +
                          " = NULL WHERE " + sql::quote(link_.column) + " = ?",
                      Values{owner_});
        c.run();
    });
}

DORM_INLINE void RelatedSet::add(const std::vector<void*>& objs) const {
    atomic(db_, [&] {
        if (many()) {
            for (void* o : objs) {
                const Value pk = saved_pk(o);
                link(owner_, pk);
                if (link_.symmetrical) // a friend of mine is a friend of his
                    link(pk, owner_);
            }
            return;
        }
        Values pks;
        for (void* o : objs)
            pks.push_back(saved_pk(o));
        if (pks.empty())
            return;
        // target.objects().using_(db).filter("pk__in", pks).update(link = owner)
        update_rows(*chain::filter(*new_query(target_), "pk__in", pks, false), Evaluation::on(db_),
                    {{link_.name, owner_}});
        for (void* o : objs)
            link_.set(o, owner_);
    });
}

DORM_INLINE void RelatedSet::remove(const std::vector<void*>& objs,
                                    void (*not_related)(const std::string& message)) const {
    atomic(db_, [&] {
        Values pks;
        for (void* o : objs)
            pks.push_back(saved_pk(o));
        if (pks.empty())
            return;
        if (many()) {
            std::string sql = "DELETE FROM " + sql::quote(through().table) + " WHERE " +
                              sql::quote(near()->column) + " = ? AND " + sql::quote(far()->column) +
                              " IN (";
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
        for (void* o : objs)
            if (!(link_.get(o) == owner_))
                not_related(target_.name + " " + target_.pk().get(o).repr() +
                            " is not related to this " + link_.related_model().name);
        // target.objects().using_(db).filter("pk__in", pks).update(link = NULL)
        update_rows(*chain::filter(*new_query(target_), "pk__in", pks, false), Evaluation::on(db_),
                    {{link_.name, Value()}});
        for (void* o : objs)
            link_.set(o, Value());
    });
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
