#pragma once
// The OData compiler: reads the same resolved Query as the SQL compiler (never a lookup
// string) and writes $filter, $orderby, $top, $skip and $select for one dialect.
//
// Where the dialect cannot say a condition (regex, week_day on crm2011, a field that is not
// mapped, ...) it writes the smallest expressible superset, following the tree's polarity:
// every node has an upper bound (what the remote may return: a condition it cannot say is
// "true") and a lower bound (what it surely returns: "false"); NOT swaps them. The result
// says whether the translation is exact. The remote may over-match; the local query, run
// on what the remote returned, decides.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"
#include "dorm/odata/literal.hpp"
#include "dorm/odata/url.hpp"
#include "dorm/tree/query.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

// What a query asks of the remote.
struct Request {
    std::string entity_set;
    std::string filter;  // empty: every row
    std::string orderby; // empty: the server's order
    std::string select;
    std::optional<std::int64_t> top, skip;
    bool count = false; // ask for the number of rows ($count=true / $inlinecount=allpages)
    bool exact = true;  // the remote returns exactly the query's rows (else a superset)
    // When not exact, why: the first condition the dialect cannot say exactly
    // ("name__regex"), or "a slice", "extra(where=...)", ...
    std::string inexact;
    Version version = Version::V4;

    // No row matches, whatever the rows: none(), or a condition that matches nothing (as
    // f__in with an empty list) where it decides the whole. No request is needed.
    bool nothing = false;

    // The query options, percent-encoded: "$filter=...&$orderby=...".
    std::string query_string() const;
    // "<base>/<entity set>?<query options>"
    std::string url(std::string_view base) const;
};

namespace detail {

// The attribute that holds a ForeignKey's remote key in filters (Dialect::lookups):
// Dataverse's "_<name>_value", CRM 2011's "<Name>/Id", else the mapped name itself.
std::string lookup_attribute(const FieldMeta& fk, const Dialect& d);

// The property that holds a mapped field in a row the remote returns: a ForeignKey's
// lookup attribute (CRM 2011, LookupForm::EntityReference, returns the lookup itself, an
// object with its Id).
std::string row_attribute(const FieldMeta& f, const Dialect& d);

} // namespace detail

// The request for the rows of a query (count: for their number only).
Request compile(const Query& q, const Dialect& d, bool count = false);

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/odata/compile.ipp"
#endif
