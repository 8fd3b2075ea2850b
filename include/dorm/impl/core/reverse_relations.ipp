#pragma once
// Bodies of dorm/core/reverse_relations.hpp: inline in header-only mode, compiled into the
// library otherwise (dorm/detail/config.hpp).
#include "dorm/core/reverse_relations.hpp"

#include <mutex>

#include "dorm/impl/core/model_meta_impl.ipp" // detail::model_registry()

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

DORM_INLINE std::string find_clash(const ModelMeta& target,
                                   const std::vector<ReverseRelation>& rs) {
    auto label = [](const ReverseRelation& r) { return r.model->name + "." + r.field->name; };
    for (std::size_t i = 0; i < rs.size(); ++i) {
        if (rs[i].hidden)
            continue;
        if (target.find(rs[i].query_name) || target.find_many_to_many(rs[i].query_name))
            return "Reverse query name '" + rs[i].query_name + "' for '" + label(rs[i]) +
                   "' clashes with field name '" + target.name + "." + rs[i].query_name +
                   "'. Add or change a related_name for '" + label(rs[i]) + "'";
        for (std::size_t k = i + 1; k < rs.size(); ++k) {
            if (rs[k].hidden)
                continue;
            const bool query = rs[i].query_name == rs[k].query_name;
            if (query || rs[i].accessor == rs[k].accessor)
                return std::string(query ? "Reverse query name '" + rs[i].query_name
                                         : "Reverse accessor '" + rs[i].accessor) +
                       "' for '" + label(rs[i]) + "' clashes with the one for '" + label(rs[k]) +
                       "'. Add or change a related_name for '" + label(rs[i]) + "' or '" +
                       label(rs[k]) + "'";
        }
    }
    return {};
}

DORM_INLINE ReverseRelation make_reverse(const ModelMeta& owner, const FieldMeta& f) {
    ReverseRelation r;
    r.model = &owner;
    r.field = &f;
    // A symmetrical many-to-many has no other side: both sides are the field itself.
    r.hidden = (!f.related_name.empty() && f.related_name.back() == '+') || f.symmetrical;
    r.query_name = !f.related_query_name.empty() ? f.related_query_name
                   : !f.related_name.empty()     ? f.related_name
                                                 : owner.query_name();
    r.accessor = !f.related_name.empty()         ? f.related_name
                 : f.kind == FieldKind::OneToOne ? owner.query_name()
                                                 : owner.query_name() + "_set";
    return r;
}

DORM_INLINE std::shared_ptr<const ReverseIndex> reverse_index() {
    static std::mutex mutex;
    static std::shared_ptr<const ReverseIndex> current;
    std::vector<const ModelMeta& (*)()> models;
    {
        auto& reg = model_registry();
        std::lock_guard lock(reg.mutex);
        {
            std::lock_guard current_lock(mutex);
            if (current && current->models_seen == reg.models.size())
                return current;
        }
        models = reg.models;
    }
    std::lock_guard lock(mutex);
    if (current && current->models_seen == models.size())
        return current;
    auto index = std::make_shared<ReverseIndex>();
    index->models_seen = models.size();
    for (auto meta : models) {
        const ModelMeta* built = nullptr;
        try {
            built = &meta();
        } catch (const Error&) {
            continue; // a model that cannot be defined says so where it is used
        }
        const ModelMeta& owner = *built;
        if (owner.proxy_for)
            continue; // its relations are its concrete model's
        // A model's own relations only (an inherited one is its parent's); a relation to a
        // proxy is one to the proxy's concrete model.
        for (const auto& f : owner.fields)
            if (f.is_foreign_key() && owner.owns(f))
                index->by_target[&f.related_model().concrete()].push_back(make_reverse(owner, f));
        for (const auto& f : owner.many_to_many)
            if (owner.owns(f))
                index->by_target[&f.related_model().concrete()].push_back(make_reverse(owner, f));
    }
    for (const auto& [target, relations] : index->by_target)
        if (std::string clash = find_clash(*target, relations); !clash.empty())
            index->clashes[target] = std::move(clash);
    current = std::move(index);
    return current;
}

DORM_INLINE std::vector<ReverseRelation> reverse_relations(const ModelMeta& target) {
    auto index = reverse_index();
    auto it = index->by_target.find(&target.concrete());
    return it == index->by_target.end() ? std::vector<ReverseRelation>{} : it->second;
}

DORM_INLINE std::optional<ReverseRelation> find_reverse(const ModelMeta& target,
                                                        std::string_view name, bool accessor) {
    auto index = reverse_index();
    auto it = index->by_target.find(&target.concrete());
    if (it == index->by_target.end())
        return std::nullopt;
    if (auto clash = index->clashes.find(&target.concrete()); clash != index->clashes.end())
        throw FieldError(clash->second);
    for (const auto& r : it->second)
        if (!r.hidden && (accessor ? r.accessor : r.query_name) == name)
            return r;
    return std::nullopt;
}

DORM_INLINE std::pair<const FieldMeta*, const FieldMeta*> through_fields(const FieldMeta& m2m) {
    const ModelMeta& through = m2m.through_model();
    const ModelMeta& source = *m2m.model;
    const ModelMeta& target = m2m.related_model();
    const FieldMeta* from = nullptr;
    const FieldMeta* to = nullptr;
    for (const auto& f : through.fields) {
        if (!f.is_foreign_key())
            continue;
        if (!from && &f.related_model() == &source)
            from = &f;
        else if (!to && &f.related_model() == &target)
            to = &f;
    }
    if (!from || !to)
        throw FieldError("The join model " + through.name + " of " + m2m.qualified_name() +
                         " needs a ForeignKey to " + source.name + " and one to " + target.name);
    return {from, to};
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
