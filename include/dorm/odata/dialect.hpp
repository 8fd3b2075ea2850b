#pragma once
// What an OData service can say in a query: the three dialects dorm knows, and the server's
// own text comparison (a setting apart from the dialect: Dynamics compares text ignoring
// case whatever the protocol version; the CAP test server does not).
#include <cstddef>
#include <cstdint>
#include <string>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

enum class Version { V2, V4 };

// How a ForeignKey (a lookup to another entity) is read, filtered and written.
enum class LookupForm {
    Plain,           // the mapped property holds the parent's key
    ValueAttribute,  // filters and rows: "_<name lower-cased>_value"; bodies bind
                     // "<Name>@odata.bind": "/<Set>(<key>)" (Dataverse)
    EntityReference, // filters: "<Name>/Id"; rows and bodies: the lookup itself, an object
                     // {"Id": key, "LogicalName": ...} (CRM 2011)
};

struct Dialect {
    std::string name;
    Version version = Version::V4;
    bool case_insensitive = false; // the server compares text ignoring case
    bool has_tolower = true;       // tolower()
    bool has_contains = true;      // contains(F,'v'); else V2's substringof('v',F)
    bool has_date_parts = true;    // year(F), month(F), ...
    bool has_in = true;            // F in ('a','b')
    bool has_skip = true;          // $skip
    std::int64_t max_skip = -1;    // the largest $skip the server honours (-1: no limit)
    bool has_count = true;         // $count=true (V4) / $inlinecount=allpages (V2)
    bool like_wildcards = false;   // % _ [ inside contains/startswith/endswith are wildcards
    bool has_batch = true;         // $batch with atomic changesets
    std::size_t max_batch = 1000;  // operations in one $batch (Dataverse's limit)
    LookupForm lookups = LookupForm::Plain; // how ForeignKeys are named (name is for messages)
};

// Microsoft Dynamics CRM 2011/2013 ("CDMS"), OData v2: substringof/startswith/endswith only,
// no date functions, no tolower, no in, no $inlinecount; the server ignores case.
Dialect crm2011();

// Any OData v4 service, with the standard's functions and `in`.
Dialect odata_v4(bool case_insensitive = false);

// A generic OData v2 service (the CAP test server's V2 endpoint): v2 syntax with its
// functions (substringof, tolower, year(), ...), no `in`.
Dialect odata_v2(bool case_insensitive = false);

// The Dynamics 365 / Dataverse Web API: v4 with only contains/startswith/endswith, whose %
// _ and [ are LIKE wildcards; no $skip (paging through Prefer: odata.maxpagesize); text
// compared ignoring case.
Dialect dataverse();

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/odata/dialect.ipp"
#endif
