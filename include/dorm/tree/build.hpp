#pragma once
// The chainable QuerySet operations, as plain functions on a Query copy. QuerySet<T> and
// the values querysets only forward to these, so they are compiled once, not per model.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"
#include "dorm/tree/resolve.hpp"

namespace dorm {
inline namespace DORM_ABI {

// extra(): raw SQL fragments, as Django's QuerySet.extra(). The SQL is the caller's own
// text and goes into the query as written; values belong in params.
struct Extra {
    std::vector<std::pair<std::string, std::string>> select; // alias -> SQL expression
    Values select_params;
    std::vector<std::string> where; // SQL conditions, ANDed
    Values params;                  // for the where conditions, in order
    std::vector<std::string> tables;
    std::vector<std::string> order_by;
};

struct DeleteResult {
    std::int64_t total = 0;
    std::vector<std::pair<std::string, std::int64_t>> per_model; // "Article" -> 3
};

namespace detail {

void check_not_sliced(const Query& q, std::string_view what);

// Conditions on aggregates (annotate("n", Count(...)).filter("n__gt", 1)) go to HAVING.
bool uses_aggregate(const WhereNode& n, const Query& q);

// The depth of an expression as the SQL writes it: an annotation is written out in full
// where it is named (in WHERE, in the SELECT list of a later annotation).
std::uint32_t written_depth(const Expr& e, const Query& q);

// How much deeper the conditions of a resolved tree are written than the Q they came from
// counted: the Q counted an expression value's own depth, not the annotations it names,
// nor the annotation a condition is on; and a Subquery made by hand (not from a queryset)
// came with no depth. The deepest such condition, wherever it stands.
struct UncountedDepth {
    std::uint32_t extra = 0;
    std::string what; // for the message: "the annotation 'n'", ...
};
void uncounted_depth(const WhereNode& n, const Query& q, UncountedDepth& out);

void add_filter(Query& q, const Q& cond, bool exclude);

Q kwargs_q(std::span<const Kwarg> conditions);

void set_ordering(Query& q, const std::vector<std::string>& fields);

// Django's rule for column aliases (annotate, aggregate, extra(select)): an alias is written
// quoted into the SQL, so it may not hold what could end or comment out the quoting. A NUL
// would end the SQL text itself; text that is not UTF-8 is refused as every other text.
void check_alias(const std::string& alias, const ModelMeta& m);

void add_annotation(Query& q, std::string alias, const Expr& e);

void set_values(Query& q, const std::vector<std::string>& names);

void set_slice(Query& q, std::int64_t start, std::optional<std::int64_t> stop);

void set_deferred(Query& q, const std::vector<std::string>& names, bool only);

// select_related("blog", "blog__owner"): joins the related tables and reads their objects in
// the same query. Forward ForeignKey and OneToOne relations only, as Django's.
int select_related_path(Query& q, std::string_view path);

// select_related() with no names: every non-null ForeignKey, to `depth` levels.
void select_related_all(Query& q, const ModelMeta& m, const std::string& prefix, int depth);

// The '?' placeholders of an SQL fragment, as SQLite's tokenizer sees them: not inside
// string literals ('...'), quoted identifiers ("...", [...], `...`) or comments (-- and
// /* */). `problem` says why the fragment cannot be embedded in a larger statement: it
// ends inside a literal, identifier or comment (the rest of the statement would be
// swallowed), or it uses a numbered or named parameter (?3, :name, @name, $name), which
// would change the numbering of the statement's own '?' parameters.
struct PlaceholderScan {
    std::size_t count = 0;
    std::string problem;
};

PlaceholderScan scan_placeholders(std::string_view sql);

// The placeholders of extra() clauses, each checked to be embeddable.
std::size_t extra_placeholders(const std::string& what, std::string_view sql);

void add_extra(Query& q, const Extra& e);

} // namespace detail
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/tree/build.ipp"
#endif
