#pragma once
// The seam between the SQL renderer (dorm/sql/) and a database backend, as Django's
// DatabaseOperations: what a backend writes differently (its
// placeholders, quoting, LIMIT, functions, pattern matching, dates), as a table of data and
// function pointers. The renderer names no backend function or keyword quirk itself; the
// backend's table comes in as a parameter (sqlite::operations() is the first one).
//
// Placeholders are positional: parameters are bound in the order their placeholders are
// written (a backend with numbered placeholders would renumber the finished text).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/core/fields.hpp"
#include "dorm/core/value.hpp"
#include "dorm/detail/config.hpp"
#include "dorm/tree/lookups.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

// A contains / startswith / endswith lookup, case-folded or not.
struct PatternMatch {
    bool fold = false; // icontains, istartswith, iendswith, search: both sides case-folded
    bool head = true;  // the match may be followed by more text (contains, startswith)
    bool tail = true;  // the match may be preceded by more text (contains, endswith)
};

// Everything the renderer asks a backend. Every member is set by the backend (the function
// pointers are never null). `out` is the SQL text being written; `params`, where given, the
// parameters bound to it, in order.
struct Operations {
    std::string_view vendor; // "sqlite"

    // --- text --------------------------------------------------------------------------
    std::string_view placeholder;   // a bound parameter: "?"
    std::string_view false_literal; // a condition that matches nothing: "0"
    std::string_view random_order;  // ORDER BY this for order_by("?"): "RANDOM()"
    // Appends ident as a quoted identifier.
    void (*quote_into)(std::string& out, std::string_view ident);
    // Appends the LIMIT / OFFSET clause (with its leading space) of a slice; nothing for
    // neither. offset 0 means no offset.
    void (*limit_offset)(std::string& out, std::optional<std::int64_t> limit, std::int64_t offset);
    // An aggregate's filter is written FILTER (WHERE condition) after it (Django's
    // supports_aggregate_filter_clause); without, its argument becomes CASE WHEN condition
    // THEN argument ELSE NULL END, Django's fallback.
    bool aggregate_filter_clause;

    // --- case folding and patterns ---------------------------------------------------------
    // Appends operand case-folded as detail::fold_case() folds a value (iexact compares
    // fold(lhs) with a folded value).
    void (*fold)(std::string& out, std::string_view operand);
    // Appends the condition: lhs contains / starts with / ends with value (folded already
    // when m.fold; lhs is then folded by the backend).
    void (*pattern_value)(std::string& out, std::string_view lhs, const std::string& value,
                          PatternMatch m, Values& params);
    // The same against another expression, rhs. Returns how many times rhs was written: the
    // caller binds rhs's parameters that many times.
    int (*pattern_expr)(std::string& out, std::string_view lhs, std::string_view rhs,
                        PatternMatch m);
    // Appends the condition: lhs matches the regular expression bound as the one parameter
    // written (case-insensitively when fold).
    void (*regex)(std::string& out, std::string_view lhs, bool fold);

    // --- dates -------------------------------------------------------------------------
    // Rewrites operand as the transform of it: __date, __time (casts), __year, __month ...
    // (extractions).
    void (*transform)(std::string& operand, TransformKind t);
    // Appends operand truncated to kind ("year", "quarter", "month", "week", "day", "hour",
    // "minute", "second"): dates() and datetimes().
    void (*truncate_date)(std::string& out, std::string_view operand, const std::string& kind,
                          Values& params);

    // --- writes ------------------------------------------------------------------------
    // Appends the value update() sets field f to, where the database computes it from
    // expr (the expression's SQL): checked so that the statement fails when the member
    // cannot hold the result, where the database would not refuse it itself.
    void (*assign_expression)(std::string& out, std::string_view expr, const FieldMeta& f,
                              Values& params);

    // --- JSON (JSONField key transforms and has_key) -------------------------------------
    std::string_view json_extract; // f(document, path): the value at path ("JSON_EXTRACT")
    std::string_view json_type;    // f(document, path): its type, NULL when absent ("JSON_TYPE")

    // --- schema ---------------------------------------------------------------------------
    std::string_view auto_key; // after PRIMARY KEY on an auto key: "AUTOINCREMENT"
};

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
