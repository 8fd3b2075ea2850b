#pragma once
// The reverse side of relations: which fields of which models point at a model. Built from
// every model listed at start-up (detail::register_model), once, and again only when more
// models have been listed since.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

struct ReverseRelation {
    const ModelMeta* model = nullptr; // the model that declares the field
    const FieldMeta* field = nullptr; // a ForeignKey/OneToOne of model->fields, or a ManyToMany
    std::string query_name;           // in lookups on the target: "entry"
    std::string accessor;             // the related manager's name: "entry_set"
    bool hidden = false;              // related_name "+": no name, but deletes still follow it

    bool multi() const noexcept { return field->kind != FieldKind::OneToOne; }
};

struct ReverseIndex {
    std::size_t models_seen = 0;
    std::unordered_map<const ModelMeta*, std::vector<ReverseRelation>> by_target;
    // Reverse names that two relations (or a relation and a field) both claim, per target:
    // naming a reverse relation of that model is then an error, as Django's check E302-E305.
    std::unordered_map<const ModelMeta*, std::string> clashes;
};

// The first clash of reverse names among the relations that point at target, for an error
// message; empty when there is none.
std::string find_clash(const ModelMeta& target, const std::vector<ReverseRelation>& rs);

ReverseRelation make_reverse(const ModelMeta& owner, const FieldMeta& f);

// The reverse relations of every model listed so far (rebuilt when more have been listed).
std::shared_ptr<const ReverseIndex> reverse_index();

// The relations that point at a model (what deleting one of its rows must look at).
std::vector<ReverseRelation> reverse_relations(const ModelMeta& target);

// A reverse relation by its name in lookups ("entry") or, with accessor, its manager's name.
std::optional<ReverseRelation> find_reverse(const ModelMeta& target, std::string_view name,
                                            bool accessor = false);

// The two ForeignKeys of a many-to-many's join model: to the declaring model and to the
// target (for a model related to itself: the first and the second).
std::pair<const FieldMeta*, const FieldMeta*> through_fields(const FieldMeta& m2m);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/core/reverse_relations.ipp"
#endif
