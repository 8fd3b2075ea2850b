#pragma once
// Following relations in lookup paths: "entry__blog__name" from Author walks a many-to-many
// (two joins), then a ForeignKey (one join), then stops at a column. Joins are shared as
// Django shares them: a single-valued join always; a multi-valued one only within one
// filter() call (so that its conditions hold for the same related row), or by any use that
// does not filter (order_by, values, annotate).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/tree/query.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

struct ReverseRelation; // dorm/core/reverse_relations.hpp

struct JoinScope {
    std::vector<std::uint16_t> reusable; // multi-valued joins made by this filter() call
    bool reuse_all = false;
    // A negated condition across a multi-valued relation becomes a subquery (exclude()'s
    // "no related row matches"); not in an aggregate's filter, which speaks of the joined
    // row itself (Django's split_subq=False).
    bool split_subq = true;
};

// One step across a relation from a model: the joins it takes (one, or two through a join
// table) and the model it reaches.
struct RelationStep {
    struct Hop {
        const ModelMeta* model;
        const FieldMeta* parent_field;
        const FieldMeta* field;
        bool nullable;
        bool multi;
    };
    std::vector<Hop> hops;
    const ModelMeta* target = nullptr;
    bool multi() const;
};

RelationStep forward_step(const FieldMeta& fk);
RelationStep reverse_step(const ModelMeta& from, const ReverseRelation& r);
RelationStep many_to_many_step(const ModelMeta& from, const FieldMeta& m2m);

// The relation called `name` on a model: a ForeignKey/OneToOne (by name), a ManyToMany, or
// the reverse of another model's relation (by its query name).
std::optional<RelationStep> relation_step(const ModelMeta& m, std::string_view name);

// Every name a path may take at a model, for messages: fields, relations both ways, "pk".
std::vector<std::string> path_choices(const ModelMeta& m);

bool names_field(const ModelMeta& m, std::string_view name);

std::uint16_t add_join(Query& q, std::uint16_t parent, const RelationStep::Hop& hop,
                       bool parent_nullable, bool parent_multi, JoinScope& scope);

std::uint16_t follow(Query& q, std::uint16_t from, const RelationStep& step, JoinScope& scope);

// Multi-table inheritance: the hop from a child's table to its parent's (child.ptr = parent.pk).
RelationStep::Hop parent_hop(const ModelMeta& child);
// The alias of `owner`'s table for the row at `alias` (a model that extends owner): the
// joins up the parents, added (or shared) as needed.
std::uint16_t owner_alias(Query& q, std::uint16_t alias, const ModelMeta& owner, JoinScope& scope);
// The same in a query already built (the renderers): the joins must be there.
std::uint16_t find_owner_alias(const Query& q, std::uint16_t alias, const ModelMeta& owner);
// A query of model m, with nothing asked yet: the joins to its parents' tables (multi-table
// inheritance), which every query of it reads.
void init_query(Query& q, const ModelMeta& m);
// Multi-table inheritance: the joins to every parent table of the row at `alias`, so that
// all of its fields can be read.
void ensure_parents(Query& q, std::uint16_t alias, JoinScope& scope);

struct PathEnd {
    Expr field;                         // a resolved Field expression (field and alias set)
    std::size_t used = 0;               // how many parts named fields and relations
    bool ends_at_relation = false;      // the last name was a relation (compared by key)
    const ModelMeta* related = nullptr; // then: the model whose fields a next name would name
};

// "; 'ink_colour' is a field of Pen, which extends WritingImplement: ..." when a model that
// extends m has the field (for messages; empty otherwise).
std::string field_below(const ModelMeta& m, std::string_view name);

[[noreturn]] void no_such_path_name(const ModelMeta& m, std::string_view name,
                                    std::string_view path);

// Walks the names of a path from the query's model, adding the joins it needs (or, with
// q == nullptr, only telling whether it crosses a multi-valued relation). Stops at the first
// part that is not a field or relation name: the rest are transforms and a lookup.
PathEnd walk_path(Query* q, const ModelMeta& start, const std::vector<std::string_view>& parts,
                  JoinScope& scope, std::string_view path, bool* crosses_many = nullptr);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/paths.ipp"
#endif
