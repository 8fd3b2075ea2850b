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
};

// Microsoft Dynamics CRM 2011/2013 ("CDMS"), OData v2: substringof/startswith/endswith only,
// no date functions, no tolower, no in, no $inlinecount; the server ignores case.
inline Dialect crm2011() {
    Dialect d;
    d.name = "crm2011";
    d.version = Version::V2;
    d.case_insensitive = true;
    d.has_tolower = false;
    d.has_contains = false;
    d.has_date_parts = false;
    d.has_in = false;
    d.has_count = false;
    d.max_skip = 5000; // paging past 5000 rows with $skip breaks on CRM 2011
    d.has_batch = false;
    return d;
}

// Any OData v4 service, with the standard's functions and `in`.
inline Dialect odata_v4(bool case_insensitive = false) {
    Dialect d;
    d.name = "odata_v4";
    d.case_insensitive = case_insensitive;
    return d;
}

// A generic OData v2 service (the CAP test server's V2 endpoint): v2 syntax with its
// functions (substringof, tolower, year(), ...), no `in`.
inline Dialect odata_v2(bool case_insensitive = false) {
    Dialect d;
    d.name = "odata_v2";
    d.version = Version::V2;
    d.case_insensitive = case_insensitive;
    d.has_contains = false;
    d.has_in = false;
    return d;
}

// The Dynamics 365 / Dataverse Web API: v4 with only contains/startswith/endswith, whose %
// _ and [ are LIKE wildcards; no $skip (paging through Prefer: odata.maxpagesize); text
// compared ignoring case.
inline Dialect dataverse() {
    Dialect d;
    d.name = "dataverse";
    d.case_insensitive = true;
    d.has_tolower = false;
    d.has_date_parts = false;
    d.has_in = false;
    d.has_skip = false;
    d.like_wildcards = true;
    return d;
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
