#pragma once
// Query: which rows a QuerySet asks for, resolved against the model. Immutable once built; a
// chained QuerySet call that changes it copies it and changes the copy. How the query is
// evaluated (database, sync options, prefetch_related) is not here: it rides beside the
// Query on the queryset (dorm/core/evaluation.hpp), and the renderers never see it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dorm/core/model.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/tree/where.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct OrderTerm {
    Expr expr; // a resolved field, annotation or extra alias; Literal "?" means random
    bool descending = false;
};

struct SelectItem {
    std::string name;
    Expr expr;
};

struct ExtraSelect {
    std::string alias;
    std::string sql; // raw SQL from the user, as in Django's extra(); never a value
    Values params;   // its share of extra(select_params=...), one per '?' in sql
};

// A table joined to follow a relation: `alias`.`field` = `parent alias`.`parent_field`.
struct Join {
    const ModelMeta* model = nullptr;
    std::uint16_t parent = 0; // the alias joined to; 0 is the query's own table
    const FieldMeta* parent_field = nullptr;
    const FieldMeta* field = nullptr;
    bool nullable = false; // some rows of the query have no joined row: LEFT OUTER JOIN
    bool required = false; // a filter needs a joined row: INNER JOIN, whatever nullable says
    bool multi = false;    // one row of the parent may meet several joined rows

    bool outer() const noexcept { return nullable && !required; }
    std::string alias; // the SQL name: the table's, or T<n> when the table is taken
};

// select_related(): a related object read in the same query, from a join.
struct RelatedSelection {
    std::uint16_t alias = 0;          // the join whose columns are read
    const FieldMeta* field = nullptr; // the ForeignKey (on the parent) that receives it
    int parent = -1;                  // the selection it hangs from; -1: the query's objects
};

struct Query {
    const ModelMeta* model = nullptr;

    WhereNode where;  // AND of all filter()/exclude() calls
    WhereNode having; // conditions on aggregate annotations

    std::vector<OrderTerm> order_by;
    bool order_by_set = false; // order_by() was called: Meta.ordering no longer applies
    bool random_order = false;
    bool reversed = false;

    std::int64_t offset = 0;
    std::optional<std::int64_t> limit;

    bool distinct = false;
    bool empty = false;      // none()
    bool for_update = false; // select_for_update(): a no-op on SQLite
    // The deepest Q given to filter() or exclude(), in levels (see max_q_depth).
    std::uint32_t q_depth = 0;

    std::vector<SelectItem> annotations; // annotate()
    std::vector<ExtraSelect> extra_select;
    std::vector<std::string> extra_tables;

    std::vector<std::uint16_t> deferred; // fields not loaded, by index (defer/only)

    bool values_mode = false;       // values() / values_list(): rows, not objects
    std::vector<SelectItem> values; // the projection in values_mode
    bool group_by_values = false;   // values() came before annotate(): GROUP BY them

    std::vector<Join> joins; // alias i + 1 is joins[i]
    // Joins the next filter()/exclude() may share although they are multi-valued: a related
    // manager's own join, so that its filters speak of the same link row (Django's sticky).
    std::vector<std::uint16_t> sticky_joins;
    std::vector<RelatedSelection> select_related;

    const ModelMeta& model_of(std::uint16_t alias) const {
        return alias ? *joins[alias - 1].model : *model;
    }

    bool is_sliced() const noexcept { return offset != 0 || limit.has_value(); }
    bool has_aggregate_annotation() const;
    // True when the expression is, or refers to an annotation that is, an aggregate.
    bool uses_aggregate(const Expr& e) const;
    const SelectItem* annotation(std::string_view alias) const;
    const ExtraSelect* extra(std::string_view alias) const;
    bool is_deferred(std::size_t field_index) const;
};

} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/query.ipp"
#endif
