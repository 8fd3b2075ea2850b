#pragma once
// Bodies of dorm/odata/dialect.hpp (dorm/detail/config.hpp).
#include "dorm/odata/dialect.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

DORM_INLINE Dialect crm2011() {
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
    d.lookups = LookupForm::EntityReference;
    return d;
}

DORM_INLINE Dialect odata_v4(bool case_insensitive) {
    Dialect d;
    d.name = "odata_v4";
    d.case_insensitive = case_insensitive;
    return d;
}

DORM_INLINE Dialect odata_v2(bool case_insensitive) {
    Dialect d;
    d.name = "odata_v2";
    d.version = Version::V2;
    d.case_insensitive = case_insensitive;
    d.has_contains = false;
    d.has_in = false;
    return d;
}

DORM_INLINE Dialect dataverse() {
    Dialect d;
    d.name = "dataverse";
    d.case_insensitive = true;
    d.has_tolower = false;
    d.has_date_parts = false;
    d.has_in = false;
    d.has_skip = false;
    d.like_wildcards = true;
    d.lookups = LookupForm::ValueAttribute;
    return d;
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
