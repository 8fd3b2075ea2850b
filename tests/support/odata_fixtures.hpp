#pragma once
// What the OData tests share about the test server (tests/remote/server): the keys of its
// seed rows, keys no seed row has, and its two endpoints with the dialect each is driven by.
#include <dorm/odata/dialect.hpp>

#include <cstdio>
#include <string>

#include "odata_server.hpp"

namespace dorm_test {

// The seed's Accounts: a0000000-...-0000000000NN (and b0000000-... for the fillers).
inline std::string account_key(int n) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "a0000000-0000-4000-8000-0000000000%02d", n);
    return buf;
}
// The seed's Contacts: c1000000-...-0000000000NN.
inline std::string contact_key(int n) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "c1000000-0000-4000-8000-0000000000%02d", n);
    return buf;
}
// A key no seed row has.
inline std::string fresh_key(int n) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "c0ffee00-0000-4000-8000-%012d", n);
    return buf;
}

struct Endpoint {
    const char* name;
    dorm::odata::Dialect dialect;
    std::string (ODataServer::*base)() const;
};
inline const Endpoint V4{"V4", dorm::odata::odata_v4(), &ODataServer::base_v4};
inline const Endpoint V2{"V2", dorm::odata::odata_v2(), &ODataServer::base_v2};

} // namespace dorm_test
