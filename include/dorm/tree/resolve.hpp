#pragma once
// Resolving what the user said against the model, once: lookup paths
// ("pub_date__year__gte"), values, F() expressions and ordering names. Every error names
// the model, the field and the valid choices.
#include <string>
#include <string_view>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/tree/paths.hpp"
#include "dorm/tree/query.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace detail {

std::vector<std::string_view> split_path(std::string_view key);

// Names a query may refer to besides fields, for "Choices:" in messages.
std::vector<std::string> name_choices(const Query& q);

[[noreturn]] void unknown_name(const Query& q, std::string_view name);

// Resolves names in an expression against the query's model and annotations. A name that
// follows relations ("entry__rating") adds joins to `mq`; without it (update(), which
// writes one table) such a name is an error, as in Django.
Expr resolve_expr(const Expr& in, const Query& q, Query* mq, JoinScope* scope);
Expr resolve_expr(const Expr& in, const Query& q);
Expr resolve_expr(const Expr& in, Query& q, JoinScope& scope);

std::string aggregate_name(Expr::Op op);
// "Count('entry')", for messages.
std::string aggregate_call(const Expr& e);

// Converts a query value to the type it is compared with; the message names the field
// (`what`). Text must be UTF-8, and a Date, DateTime or Time must be on the calendar.
Value prepare_value(const Value& v, ValueType t, const std::string& what);

// May the expression be NULL? A column reached through a join that may find no row may.
bool expr_nullable(const Expr& e, const Query& q);

WhereNode is_not_null(const Expr& e);

// An extra(select=...) alias exists only in the SELECT list, so a condition cannot name it
// (as Django); in WHERE, SQLite would read an unknown quoted name as a string literal.
void reject_extra_alias(const Expr& e, const Query& q);

// One condition "path__lookup" = value. `negated` is the polarity of the place the
// condition stands in, as Django's current_negated: under negation, a nullable column gets
// "AND col IS NOT NULL" so that NOT(...) keeps the rows where the column is NULL.
WhereNode resolve_condition(const Kwarg& kv, Query& q, bool negated, JoinScope& scope);

// Joins that every row of the result needs become INNER JOINs, as Django's join demotion: a
// condition that holds only when the joined row exists (not isnull=True, not under OR or NOT)
// in the top-level AND of the query.
void require_alias(Query& q, std::uint16_t alias);
void require_joins(const WhereNode& n, Query& q);

// Under negation, a condition across a multi-valued relation means "no related row
// matches" (Django's exclude): pk NOT IN (the rows where one does). The caller negates it.
// The query made to select the primary keys of its rows, in no order: the inside of an
// IN (...), or the rows a delete or an update starts from.
void select_primary_keys(Query& q);

WhereNode related_rows_subquery(const Kwarg& kv, const Query& q);

WhereNode resolve_q(const Q& node, Query& q, bool negated, JoinScope& scope);

OrderTerm resolve_order(std::string_view spec, const Query& q);

// "-pub_date", "headline", "pk", "?", an annotation, an extra(select) alias, or a path
// across relations ("blog__name"). A relation orders by its model's Meta.ordering (else its
// key), as Django.
std::vector<OrderTerm> resolve_order_terms(std::string_view spec, Query& q, int depth = 0);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/resolve.ipp"
#endif
