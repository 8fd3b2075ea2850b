#pragma once
// Bodies of dorm/tree/paths.hpp: inline in header-only mode, compiled into the library
// otherwise (dorm/detail/config.hpp).
#include <algorithm>
#include <string>

#include "dorm/core/errors.hpp"
#include "dorm/core/reverse_relations.hpp"
#include "dorm/detail/names.hpp"
#include "dorm/tree/paths.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE bool RelationStep::multi() const {
    for (const auto& h : hops)
        if (h.multi)
            return true;
    return false;
}

DORM_INLINE RelationStep forward_step(const FieldMeta& fk) {
    const ModelMeta& target = fk.related_model();
    return {{{&target, &fk, &target.pk(), fk.null(), false}}, &target};
}

DORM_INLINE RelationStep reverse_step(const ModelMeta& from, const ReverseRelation& r) {
    RelationStep s;
    if (r.field->kind == FieldKind::ManyToMany) {
        // from is the target of the many-to-many: join table, then the declaring model.
        auto [to_owner, to_from] = through_fields(*r.field);
        const ModelMeta& through = r.field->through_model();
        s.hops.push_back({&through, &from.pk(), to_from, true, true});
        s.hops.push_back({r.model, to_owner, &r.model->pk(), true, false});
    } else {
        s.hops.push_back({r.model, &from.pk(), r.field, true, r.multi()});
    }
    s.target = r.model;
    return s;
}

DORM_INLINE RelationStep many_to_many_step(const ModelMeta& from, const FieldMeta& m2m) {
    auto [to_from, to_target] = through_fields(m2m);
    const ModelMeta& through = m2m.through_model();
    const ModelMeta& target = m2m.related_model();
    RelationStep s;
    s.hops.push_back({&through, &from.pk(), to_from, true, true});
    s.hops.push_back({&target, to_target, &target.pk(), true, false});
    s.target = &target;
    return s;
}

DORM_INLINE RelationStep::Hop parent_hop(const ModelMeta& child) {
    const ModelMeta& parent = *child.parent;
    return {&parent, &child.pk(), &parent.pk(), false, false};
}

DORM_INLINE std::uint16_t owner_alias(Query& q, std::uint16_t alias, const ModelMeta& owner,
                                      JoinScope& scope) {
    for (const ModelMeta* m = &q.model_of(alias).concrete(); m != &owner.concrete();
         m = m->parent) {
        if (!m->parent)
            throw UsageError("dorm: " + owner.name + " is not a parent of " +
                             q.model_of(alias).name);
        const bool nullable = alias && q.joins[alias - 1].nullable;
        const bool multi = alias && q.joins[alias - 1].multi;
        JoinScope all{{}, true}; // the parent's row of a row is one: always shared
        alias = add_join(q, alias, parent_hop(*m), nullable, multi, multi ? scope : all);
        // A hop up from the query's table needs the parent's row: INNER JOIN.
        q.joins[alias - 1].required = q.joins[alias - 1].required || !nullable;
    }
    return alias;
}

DORM_INLINE std::uint16_t find_owner_alias(const Query& q, std::uint16_t alias,
                                           const ModelMeta& owner) {
    for (const ModelMeta* m = &q.model_of(alias).concrete(); m != &owner.concrete();
         m = m->parent) {
        if (!m->parent)
            break;
        const RelationStep::Hop hop = parent_hop(*m);
        std::uint16_t found = 0;
        for (std::size_t i = 0; i < q.joins.size() && !found; ++i) {
            const Join& j = q.joins[i];
            if (j.parent == alias && j.field == hop.field &&
                (j.parent_field == hop.parent_field ||
                 (j.parent_field->parent_link &&
                  j.parent_field->target == hop.parent_field->target)))
                found = static_cast<std::uint16_t>(i + 1);
        }
        if (!found)
            break;
        alias = found;
    }
    if (&q.model_of(alias).concrete() == &owner.concrete())
        return alias;
    throw UsageError("dorm: internal error: no join to " + owner.name + "'s table in a query of " +
                     q.model->name);
}

DORM_INLINE void init_query(Query& q, const ModelMeta& m) {
    q.model = &m;
    if (m.concrete().parent) {
        JoinScope scope;
        ensure_parents(q, 0, scope);
    }
}

DORM_INLINE void ensure_parents(Query& q, std::uint16_t alias, JoinScope& scope) {
    const ModelMeta* top = &q.model_of(alias).concrete();
    while (top->parent)
        top = top->parent;
    owner_alias(q, alias, *top, scope);
}

DORM_INLINE std::optional<RelationStep> relation_step(const ModelMeta& m, std::string_view name) {
    if (const FieldMeta* f = m.find(name); f && f->is_foreign_key() && f->name == name)
        return forward_step(*f);
    if (const FieldMeta* f = m.find_many_to_many(name))
        return many_to_many_step(m, *f);
    if (auto r = find_reverse(m, name))
        return reverse_step(m, *r);
    return std::nullopt;
}

DORM_INLINE std::vector<std::string> path_choices(const ModelMeta& m) {
    auto names = m.field_names();
    auto index = reverse_index();
    for (const ModelMeta* p = &m.concrete(); p; p = p->parent)
        if (auto it = index->by_target.find(p); it != index->by_target.end())
            for (const auto& r : it->second)
                if (!r.hidden)
                    names.push_back(r.query_name);
    return names;
}

DORM_INLINE bool names_field(const ModelMeta& m, std::string_view name) {
    if (name == "pk" || m.find(name) || m.find_many_to_many(name))
        return true;
    // A reverse relation of the model or of a parent (multi-table inheritance).
    for (const ModelMeta* p = &m.concrete(); p; p = p->parent)
        if (find_reverse(*p, name))
            return true;
    return false;
}

DORM_INLINE std::uint16_t add_join(Query& q, std::uint16_t parent, const RelationStep::Hop& hop,
                                   bool parent_nullable, bool parent_multi, JoinScope& scope) {
    for (std::size_t i = 0; i < q.joins.size(); ++i) {
        const Join& j = q.joins[i];
        const auto alias = static_cast<std::uint16_t>(i + 1);
        if (j.parent != parent || j.parent_field != hop.parent_field || j.field != hop.field)
            continue;
        const bool in_scope =
            std::find(scope.reusable.begin(), scope.reusable.end(), alias) != scope.reusable.end();
        if (!j.multi || scope.reuse_all || in_scope)
            return alias;
    }
    Join j;
    j.model = hop.model;
    j.parent = parent;
    j.parent_field = hop.parent_field;
    j.field = hop.field;
    j.nullable = parent_nullable || hop.nullable;
    j.multi = parent_multi || hop.multi;
    bool taken = hop.model->table == q.model->table;
    for (const auto& other : q.joins)
        taken = taken || other.alias == hop.model->table;
    j.alias = taken ? "T" + std::to_string(q.joins.size() + 2) : hop.model->table;
    if (q.joins.size() >= 0xfffe)
        throw UsageError("too many joins in one query");
    q.joins.push_back(std::move(j));
    const auto alias = static_cast<std::uint16_t>(q.joins.size());
    scope.reusable.push_back(alias);
    return alias;
}

DORM_INLINE std::uint16_t follow(Query& q, std::uint16_t from, const RelationStep& step,
                                 JoinScope& scope) {
    for (const auto& hop : step.hops) {
        const bool nullable = from && q.joins[from - 1].nullable;
        const bool multi = from && q.joins[from - 1].multi;
        from = add_join(q, from, hop, nullable, multi, scope);
    }
    return from;
}

DORM_INLINE std::string field_below(const ModelMeta& m, std::string_view name) {
    for (const ModelMeta* other : registered_models())
        if (other != &m && !other->proxy_for && other->extends(m))
            if (const FieldMeta* f = other->find(name); f && other->owns(*f)) {
                std::string down = std::string(name);
                for (const ModelMeta* c = other; c && c != &m.concrete(); c = c->parent)
                    down = c->query_name() + "__" + down;
                return "; '" + std::string(name) + "' is a field of " + other->name +
                       ", which extends " + m.name + ": filter " + other->name +
                       "::objects(), or " + m.name + " by '" + down + "'";
            }
    return {};
}

[[noreturn]] DORM_INLINE void no_such_path_name(const ModelMeta& m, std::string_view name,
                                                std::string_view path) {
    const auto choices = path_choices(m);
    throw FieldError("Cannot resolve keyword '" + std::string(name) + "' into field of " + m.name +
                     (path.empty() ? std::string() : " (in '" + std::string(path) + "')") +
                     suggestion(name, choices) + ". Choices are: " + join(choices) + ", pk" +
                     field_below(m, name));
}

DORM_INLINE PathEnd walk_path(Query* q, const ModelMeta& start,
                              const std::vector<std::string_view>& parts, JoinScope& scope,
                              std::string_view path, bool* crosses_many) {
    const ModelMeta* m = &start;
    std::uint16_t alias = 0;
    auto field_expr = [&](const FieldMeta& f, std::size_t used) {
        Expr e;
        e.op = Expr::Op::Field;
        for (std::size_t k = 0; k < used; ++k) {
            if (k)
                e.name += "__";
            e.name += parts[k];
        }
        e.field = &f;
        e.alias = alias;
        e.type = f.value_type();
        return e;
    };
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string_view name = parts[i];
        const bool more = i + 1 < parts.size();
        const FieldMeta* f = m->find(name);
        if (f && q && !m->owns(*f)) // a parent's field: in the parent's table
            alias = owner_alias(*q, alias, *f->model, scope);
        if (f && !(f->is_foreign_key() && f->name == name)) // a column (or "blog_id")
            return {field_expr(*f, i + 1), i + 1, false};
        if (f) { // a ForeignKey by name
            const ModelMeta& target = f->related_model();
            if (more && (parts[i + 1] == "pk" || parts[i + 1] == target.pk().name) &&
                !(i + 2 < parts.size() && names_field(target, parts[i + 2])))
                return {field_expr(*f, i + 2), i + 2, false}; // blog__id: the blog_id column itself
            if (!more || !names_field(target, parts[i + 1]))
                return {field_expr(*f, i + 1), i + 1, true, &target};
            if (q)
                alias = follow(*q, alias, forward_step(*f), scope);
            m = &target;
            continue;
        }
        auto step = relation_step(*m, name);
        // The reverse relations of a parent are the child's too, from the parent's table.
        for (const ModelMeta* p = m->concrete().parent; !step && p; p = p->parent)
            if ((step = relation_step(*p, name)) && q)
                alias = owner_alias(*q, alias, *p, scope);
        if (!step)
            no_such_path_name(*m, name, path);
        if (crosses_many && step->multi())
            *crosses_many = true;
        if (q)
            alias = follow(*q, alias, *step, scope);
        m = step->target;
        if (!more || !names_field(*m, parts[i + 1]))
            return {field_expr(m->pk(), i + 1), i + 1, true, m};
    }
    no_such_path_name(*m, parts.empty() ? std::string_view() : parts.back(), path);
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
