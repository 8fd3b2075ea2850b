#pragma once
// Bodies of dorm/orm/prefetch.hpp (dorm/detail/config.hpp).
#include "dorm/orm/prefetch.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "dorm/core/reverse_relations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE std::vector<std::shared_ptr<void>> fetch_erased(const Query& q, const Evaluation& how) {
    struct Into {
        std::vector<std::shared_ptr<void>> out;
        const ModelMeta* model;
    } into{{}, q.model};
    read_objects(
        q, how,
        [](void* ctx) {
            auto& in = *static_cast<Into*>(ctx);
            void* obj = in.out.emplace_back(in.model->new_instance()).get();
            return std::pair<void*, detail::InstanceState*>(obj, in.model->state_of(obj));
        },
        &into);
    return std::move(into.out);
}

namespace detail_prefetch {

// How many keys one query may bind (the backend's limit, less room for the rest of the
// query).
DORM_INLINE std::size_t max_keys(Database& db) {
    const int limit = db.max_variables();
    return limit > 1100 ? static_cast<std::size_t>(limit - 100) : 999;
}

DORM_INLINE Condition key_in(Expr column, Values keys) {
    Condition c;
    c.lhs = std::move(column);
    c.lhs_type = c.lhs.type;
    c.lookup = LookupKind::In;
    c.rhs = std::move(keys);
    return c;
}

} // namespace detail_prefetch

// The related objects of `objs` through one relation; `key_of` names the owner of each.
struct PrefetchStep {
    const FieldMeta* field = nullptr;
    bool reverse = false;
    bool forward_fk = false;
    const ModelMeta* related = nullptr;
};

DORM_INLINE PrefetchStep prefetch_step(const ModelMeta& m, std::string_view name) {
    PrefetchStep s;
    if (const FieldMeta* f = m.find(name); f && f->is_foreign_key() && f->name == name) {
        s = {f, false, true, &f->related_model()};
    } else if (const FieldMeta* mm = m.find_many_to_many(name)) {
        s = {mm, false, false, &mm->related_model()};
    } else if (auto r = detail::find_reverse(m, name, true)) {
        if (!r->multi())
            throw NotSupported("prefetch_related('" + std::string(name) + "') on " + m.name +
                               ": the reverse side of a OneToOne is not prefetched; use " +
                               "select_related() from the other side");
        s = {r->field, true, false, r->model};
    } else {
        std::vector<std::string> choices;
        for (const auto& field : m.fields)
            if (field.is_foreign_key())
                choices.push_back(field.name);
        for (const auto& field : m.many_to_many)
            choices.push_back(field.name);
        for (const auto& rel : detail::reverse_relations(m))
            if (!rel.hidden && rel.multi())
                choices.push_back(rel.accessor);
        throw FieldError("Cannot find '" + std::string(name) + "' on " + m.name + " object, '" +
                         std::string(name) + "' is an invalid parameter to prefetch_related()" +
                         ::dorm::detail::suggestion(name, choices) +
                         ". Choices are: " + ::dorm::detail::join(choices));
    }
    return s;
}

DORM_INLINE void prefetch(const ModelMeta& m, const std::vector<void*>& objs,
                          const std::string& path, Database& db) {
    if (objs.empty())
        return;
    const auto split = path.find("__");
    const std::string name = path.substr(0, split);
    const std::string rest = split == std::string::npos ? std::string() : path.substr(split + 2);
    const PrefetchStep step = prefetch_step(m, name);
    const ModelMeta& r = *step.related;

    // The key of each owner: its ForeignKey's id (forward), else its primary key. A forward
    // relation already loaded (select_related, or followed) is not read again.
    std::vector<std::pair<Value, std::shared_ptr<void>>> found;
    Values keys;
    std::set<Value> seen;
    for (void* o : objs) {
        Value k = step.forward_fk ? step.field->get(o) : m.pk().get(o);
        if (k.is_null() || !seen.insert(k).second)
            continue;
        if (step.forward_fk) {
            const auto& member = ::dorm::detail::RelatedAccess::of(step.field->member(o));
            if (const auto& cached = ::dorm::detail::RelatedAccess::cache(member)) {
                found.emplace_back(std::move(k), cached);
                continue;
            }
        }
        keys.push_back(std::move(k));
    }

    // One query (per SQLite's bound-variable limit) for the related objects of all owners,
    // each with the key of the owner it belongs to.
    const std::size_t per_query = detail_prefetch::max_keys(db);
    const Evaluation on_db = Evaluation::on(db);
    for (std::size_t i = 0; i < keys.size(); i += per_query) {
        Values chunk(keys.begin() + static_cast<std::ptrdiff_t>(i),
                     keys.begin() +
                         static_cast<std::ptrdiff_t>(std::min(keys.size(), i + per_query)));
        Query q;
        ::dorm::detail::init_query(q, r);
        Expr key;
        if (step.forward_fk) {
            key = Expr::column(r.pk());
        } else if (step.field->kind != FieldKind::ManyToMany) {
            key = Expr::column(*step.field);
        } else {
            auto [from, to] = ::dorm::detail::through_fields(*step.field);
            const FieldMeta* near = step.reverse ? to : from;
            const FieldMeta* far = step.reverse ? from : to;
            ::dorm::detail::JoinScope scope;
            const auto alias = ::dorm::detail::follow(
                q, 0, {{{&step.field->through_model(), &r.pk(), far, false, true}}, nullptr},
                scope);
            key = Expr::column(*near, alias);
        }
        q.where.children.push_back(WhereNode::leaf(detail_prefetch::key_in(key, std::move(chunk))));
        q.annotations.push_back({"_prefetch_key", key});
        for (auto& obj : fetch_erased(q, on_db)) {
            auto& notes = r.state_of(obj.get())->extra().annotations;
            Value k = notes.back().second;
            notes.pop_back();
            found.emplace_back(std::move(k), std::move(obj));
        }
    }

    if (!rest.empty()) {
        std::vector<void*> next;
        for (auto& [k, obj] : found)
            next.push_back(obj.get());
        prefetch(r, next, rest, db);
    }

    std::map<Value, std::vector<std::shared_ptr<void>>> by_key;
    for (auto& [k, obj] : found)
        by_key[k].push_back(obj);
    for (void* o : objs) {
        if (step.forward_fk) {
            auto& member = ::dorm::detail::RelatedAccess::of(step.field->member(o));
            auto it = by_key.find(member.id());
            if (it != by_key.end())
                ::dorm::detail::RelatedAccess::set_cache(member, it->second.front());
            continue;
        }
        auto it = by_key.find(m.pk().get(o));
        std::vector<std::shared_ptr<void>> none;
        auto& list = it == by_key.end() ? none : it->second;
        m.state_of(o)->extra().prefetched.push_back({step.field, step.reverse, r.new_vector(list)});
    }
}

DORM_INLINE void prefetch_related(const ModelMeta& m, const std::vector<void*>& objs,
                                  const Evaluation& how) {
    const auto& paths = how.prefetch_related;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        // "a" is done by "a__b" (and a repeated path once).
        bool covered = false;
        for (std::size_t k = 0; k < paths.size(); ++k)
            covered = covered || (k != i && (paths[k].starts_with(paths[i] + "__") ||
                                             (paths[k] == paths[i] && k < i)));
        if (!covered)
            prefetch(m, objs, paths[i], db_of(how));
    }
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
