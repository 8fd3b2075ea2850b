#pragma once
// Bodies of dorm/orm/specialized.hpp (dorm/detail/config.hpp).
#include "dorm/orm/specialized.hpp"

#include <algorithm>
#include <map>

#include "dorm/orm/prefetch.hpp"
#include "dorm/orm/queryset.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {
namespace specialized {

// A row read as an object of `model` (not yet specialized).
struct Loaded {
    std::shared_ptr<void> object;
    const ModelMeta* model;
};

struct Reading {
    const ModelMeta* model;
    std::vector<std::shared_ptr<void>> objects;
};

DORM_INLINE std::pair<void*, InstanceState*> next_object(void* ctx) {
    auto& r = *static_cast<Reading*>(ctx);
    r.objects.push_back(r.model->new_instance());
    void* obj = r.objects.back().get();
    return {obj, r.model->state_of(obj)};
}

// The models that specialize `general`, below it (not proxies).
DORM_INLINE std::vector<const ModelMeta*> below(const ModelMeta& general) {
    std::vector<const ModelMeta*> out;
    for (const ModelMeta* m : registered_models())
        if (!m->proxy_for && m != &general && m->specialized() && m->extends(general))
            out.push_back(m);
    return out;
}

// The model a row of `general` whose type is `path` is read as: the model of that path (or,
// direct, of its first step below general's). A path no model of this program has (a type
// written by another program) gives the deepest model above it that there is.
DORM_INLINE const ModelMeta& model_for(const ModelMeta& general,
                                       const std::vector<const ModelMeta*>& models,
                                       const std::string& path, bool direct) {
    std::string want = path;
    if (direct && path.size() > general.specialization.size() &&
        path.starts_with(general.specialization)) {
        const std::size_t end = path.find('/', general.specialization.size());
        want = path.substr(0, end == std::string::npos ? path.size() : end + 1);
    }
    const ModelMeta* best = &general;
    for (const ModelMeta* m : models)
        if (want.starts_with(m->specialization) &&
            m->specialization.size() > best->specialization.size())
            best = m;
    return *best;
}

// How far into an object of `model` the part of `general` (one of its ancestors) starts.
DORM_INLINE std::size_t offset_of(const ModelMeta& model, const ModelMeta& general) {
    std::size_t offset = 0;
    for (const ModelMeta* m = &model; m != &general; m = m->parent)
        offset += m->parent_offset;
    return offset;
}

DORM_INLINE const ModelMeta& checked(const ModelMeta& m) {
    if (m.proxy_for)
        throw UsageError("specializations() of the proxy " + m.name + ": use " + m.proxy_for->name +
                         "::specializations()");
    if (!m.specialized())
        throw UsageError(m.name + " has no specializations: specializations() is for a "
                                  "dorm::General model and the models that extend it");
    return m;
}

// Each of the rows (objects of `general`) as its specialized object: one query per
// specialized model among them, by key. A row whose specialized part is missing stays as it
// is. Annotations and extra(select) values are carried over.
DORM_INLINE std::vector<SpecializedObject> specialize(const ModelMeta& general,
                                                      std::vector<std::shared_ptr<void>> rows,
                                                      Database& db, bool direct, bool local_only) {
    const FieldMeta& type = general.fields[static_cast<std::size_t>(general.specialization_field)];
    const auto models = below(general);
    std::vector<SpecializedObject> out(rows.size());
    std::vector<std::pair<const ModelMeta*, std::vector<std::size_t>>> groups;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        out[i] = {rows[i], 0};
        const Value path = type.get(rows[i].get());
        const ModelMeta& m = model_for(general, models, path.as_text(), direct);
        if (&m == &general)
            continue;
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& entry) { return entry.first == &m; });
        if (g == groups.end())
            g = groups.insert(groups.end(), {&m, {}});
        g->second.push_back(i);
    }
    Evaluation how = Evaluation::on(db);
    how.skip_remote = local_only;
    const std::size_t per_query = sql::detail_prefetch::max_keys(db);
    for (const auto& [model, members] : groups) {
        std::map<Value, std::shared_ptr<void>> by_key;
        for (std::size_t at = 0; at < members.size(); at += per_query) {
            Values keys;
            for (std::size_t k = at; k < std::min(members.size(), at + per_query); ++k)
                keys.push_back(general.pk().get(rows[members[k]].get()));
            Query q;
            init_query(q, *model);
            add_filter(q, Q("pk__in", keys), false);
            q.order_by_set = true; // the rows go back to their places by key
            Reading r{model, {}};
            sql::read_objects(q, how, &next_object, &r);
            for (auto& obj : r.objects) {
                Value key = model->pk().get(obj.get());
                by_key.emplace(std::move(key), std::move(obj));
            }
        }
        const std::size_t offset = offset_of(*model, general);
        for (const std::size_t i : members) {
            auto hit = by_key.find(general.pk().get(rows[i].get()));
            if (hit == by_key.end())
                continue;
            const InstanceState& from = *general.state_of(rows[i].get());
            if (!from.annotations().empty())
                model->state_of(hit->second.get())->extra().annotations = from.annotations();
            out[i] = {hit->second, offset};
        }
    }
    return out;
}

} // namespace specialized

DORM_INLINE std::vector<SpecializedObject> read_specialized(const Query& q, const Evaluation& how) {
    const ModelMeta& general = specialized::checked(*q.model);
    sync_read(q, how, ReadKind::Rows);
    specialized::Reading r{&general, {}};
    sql::read_objects(q, how, &specialized::next_object, &r);
    return specialized::specialize(general, std::move(r.objects), sql::db_of(how),
                                   how.direct_specializations, how.skip_remote);
}

DORM_INLINE SpecializedObject get_specialized(const Query& q, const Evaluation& how,
                                              const std::optional<std::string>& type) {
    const ModelMeta& general = specialized::checked(*q.model);
    auto one = [&](std::size_t found) {
        if (found == 0)
            throw dorm::DoesNotExist(does_not_exist_message(general));
        if (found > 1)
            throw dorm::MultipleObjectsReturned(multiple_objects_message(general, found));
    };
    const bool carried = !q.annotations.empty() || !q.extra_select.empty();
    if (type && !carried) {
        // The type is known: the specialized object in one query, of the rows q selects.
        const ModelMeta& m = specialized::model_for(general, specialized::below(general), *type,
                                                    how.direct_specializations);
        if (&m != &general) {
            sync_read(q, how, ReadKind::Get);
            auto keys = std::make_shared<Query>(q);
            select_primary_keys(*keys);
            Query target;
            init_query(target, m);
            add_filter(target, Q("pk__in", Subquery{keys, q.q_depth}), false);
            auto limited = get_query(std::make_shared<const Query>(std::move(target)));
            specialized::Reading r{&m, {}};
            sql::read_objects(*limited, how, &specialized::next_object, &r);
            one(r.objects.size());
            return {r.objects.front(), specialized::offset_of(m, general)};
        }
    }
    // Which type (the general row), then the object of that type.
    auto limited = get_query(std::make_shared<const Query>(q));
    sync_read(*limited, how, ReadKind::Get);
    specialized::Reading r{&general, {}};
    sql::read_objects(*limited, how, &specialized::next_object, &r);
    one(r.objects.size());
    return specialized::specialize(general, std::move(r.objects), sql::db_of(how),
                                   how.direct_specializations, how.skip_remote)
        .front();
}

DORM_INLINE std::vector<SpecializedObject> raw_specialized(Database& db, const ModelMeta& m,
                                                           const std::string& sql,
                                                           const Values& params, bool direct) {
    const ModelMeta& general = specialized::checked(m);
    specialized::Reading r{&general, {}};
    read_raw(db, general, sql, params, &specialized::next_object, &r);
    const std::uint16_t type = static_cast<std::uint16_t>(general.specialization_field);
    for (const auto& obj : r.objects) {
        const auto& deferred = general.state_of(obj.get())->deferred();
        if (std::find(deferred.begin(), deferred.end(), type) != deferred.end())
            throw ValueError("Raw query of " + general.name +
                             "::specializations() must include specialization_type (the "
                             "row's type)");
    }
    return specialized::specialize(general, std::move(r.objects), db, direct, false);
}

DORM_INLINE SpecializedObject as_specialization(Database& db, const ModelMeta& m, const void* obj,
                                                bool final) {
    const ModelMeta& general = specialized::checked(m);
    const FieldMeta& type = general.fields[static_cast<std::size_t>(general.specialization_field)];
    const ModelMeta& target = specialized::model_for(general, specialized::below(general),
                                                     type.get(obj).as_text(), !final);
    if (&target == &general)
        return {}; // the object itself
    Query q;
    init_query(q, target);
    add_filter(q, Q("pk", general.pk().get(obj)), false);
    specialized::Reading r{&target, {}};
    sql::read_objects(q, Evaluation::on(db), &specialized::next_object, &r);
    if (r.objects.empty())
        throw dorm::DoesNotExist(does_not_exist_message(target));
    return {r.objects.front(), specialized::offset_of(target, general)};
}

DORM_INLINE std::optional<std::string> type_condition(const Kwargs& conditions) {
    for (const auto& [key, arg] : conditions)
        if ((key == "specialization_type" || key == "specialization_type__exact") && arg.value() &&
            arg.value()->kind() == Value::Kind::Text)
            return arg.value()->as_text();
    return std::nullopt;
}

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm
