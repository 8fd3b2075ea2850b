// The OData test server (tests/remote/server, SAP CAP) and the OData compiler against it.
//
// 1. The server starts on 127.0.0.1 only, on a free port, and serves the seeded Accounts on
//    its V4 and V2 endpoints (server-driven paging included).
// 2. Differential: the same seed rows are loaded into a local SQLite store; for each queryset
//    below the compiled OData request (odata_v4 on the V4 endpoint, odata_v2 on the V2
//    endpoint; both case-sensitive, as CAP is) is sent to the server and every page read. The
//    server's rows must contain the local rows (the remote may over-match, never
//    under-match), and equal them when the compiler says the translation is exact.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include "odata_accounts.hpp"
#include "odata_fixtures.hpp"
#include "odata_listing.hpp"
#include "odata_server.hpp"
#include "temp_dir.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using dorm::Date;
using dorm::DateTime;
using dorm::Q;
using dorm::Value;
using dorm::Values;
using dorm_test::account_key;

using namespace odata_accounts;

bool listens_only_on_loopback(int port, std::string& why) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04X", port);
    bool loopback = false;
    for (const char* file : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(file);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream ls(line);
            std::string sl, local, remote, state;
            ls >> sl >> local >> remote >> state;
            const auto colon = local.rfind(':');
            if (colon == std::string::npos || local.substr(colon + 1) != hex || state != "0A")
                continue; // not our port, or not LISTEN
            const std::string addr = local.substr(0, colon);
            if (addr == "0100007F") {
                loopback = true;
            } else {
                why += std::string(file) + ": listening on " + addr + "\n";
                return false;
            }
        }
    }
    if (!loopback)
        why += "no LISTEN socket on 127.0.0.1:" + std::to_string(port) + "\n";
    return loopback;
}

const nlohmann::json& row_of(const Listing& l, const std::string& id) {
    for (const auto& r : l.rows)
        if (r.at("ID") == id)
            return r;
    FAIL("no row " << id);
    static const nlohmann::json none;
    return none;
}

} // namespace

TEST_CASE("server starts on 127.0.0.1 and serves the seed rows on V4 and V2", "[remote]") {
    dorm_test::ODataServer server;
    INFO(server.log());
    REQUIRE(server.port() > 0);
    std::string why;
    CHECK(listens_only_on_loopback(server.port(), why));
    INFO(why);

    const std::size_t seeded = seed().size() - 1;
    const std::string root = "http://127.0.0.1:" + std::to_string(server.port());

    // V4: 50 rows a page, then a next link; every seeded row comes back exactly once.
    const auto first = dorm_test::http_get(server.base_v4() + "/Accounts");
    REQUIRE(first.status == 200);
    CHECK(first.json.at("value").size() == 50);
    CHECK(first.json.contains("@odata.nextLink"));
    const Listing v4 = list_all(server.base_v4(), server.base_v4() + "/Accounts", od::Version::V4);
    REQUIRE(v4.error.empty());
    CHECK(v4.pages == 2); // 50 + 15
    CHECK(v4.rows.size() == seeded);
    CHECK(v4.ids.size() == seeded);

    const auto& obrien = row_of(v4, account_key(5));
    CHECK(obrien.at("name") == "O''Brien & Sons");
    CHECK(obrien.at("rating").is_null());
    CHECK(obrien.at("parent_ID") == account_key(4));
    CHECK(row_of(v4, account_key(6)).at("name") == "say \"hi\" corp");
    CHECK(row_of(v4, account_key(6)).at("modifiedOn") == "2020-01-01T00:00:00.500Z");
    CHECK(row_of(v4, account_key(9)).at("name") == "back\\slash");
    CHECK(row_of(v4, account_key(10)).at("name") == "M\u00fcller GmbH");
    CHECK(row_of(v4, account_key(13)).at("name") == "\U0001F680 Rocket");
    CHECK(row_of(v4, account_key(14)).at("name") == "null"); // the string, quoted in the CSV
    CHECK(row_of(v4, account_key(15)).at("name") == "");
    CHECK(row_of(v4, account_key(16)).at("name").is_null());
    CHECK(row_of(v4, account_key(16)).at("active").is_null());
    CHECK(row_of(v4, account_key(17)).at("name") == "semi;colon");
    CHECK(row_of(v4, account_key(18)).at("name") == "two\nlines");
    CHECK(row_of(v4, account_key(19)).at("name") == "  padded  ");
    CHECK(row_of(v4, account_key(1)).at("founded") == "2016-02-29");
    CHECK(row_of(v4, account_key(1)).at("active") == true);
    CHECK(row_of(v4, account_key(1)).at("employees") == 100);

    // V2: the same rows through the adapter, with V2's shapes.
    const Listing v2 = list_all(root, server.base_v2() + "/Accounts", od::Version::V2);
    REQUIRE(v2.error.empty());
    CHECK(v2.pages == 2);
    CHECK(v2.ids == v4.ids);
    CHECK(v2.rows.size() == seeded);
    const auto& acme = row_of(v2, account_key(1));
    CHECK(acme.at("founded") == "/Date(1456704000000)/");         // 2016-02-29
    CHECK(acme.at("modifiedOn") == "/Date(1456747200000+0000)/"); // 2016-02-29T12:00Z
    CHECK(acme.contains("__metadata"));
    CHECK(row_of(v2, account_key(22)).at("name") == "x') or true or ('");

    // A filter with a hostile literal, percent-encoded by the compiler's url().
    LocalStore local;
    const auto r = Account::objects().filter("name", "x') or true or ('").odata(od::odata_v4());
    const Listing one = list_all(server.base_v4(), r.url(server.base_v4()), od::Version::V4);
    REQUIRE(one.error.empty());
    CHECK(one.ids == Ids{account_key(22)});
}

namespace {

struct Case {
    std::string what;
    dorm::QuerySet<Account> qs;
};

std::vector<Case> cases() {
    const auto A = [] { return Account::objects().all(); };
    const std::string k1 = account_key(1), k4 = account_key(4), k10 = account_key(10),
                      k22 = account_key(22);
    std::vector<Case> c;
    auto add = [&](std::string what, dorm::QuerySet<Account> qs) {
        c.push_back({std::move(what), std::move(qs)});
    };
    add("all", A());
    add("none", A().none());
    // exact / iexact / isnull on text, hostile values
    add("name=O'Brien Ltd", A().filter("name", "O'Brien Ltd"));
    add("name=O''Brien & Sons", A().filter("name", "O''Brien & Sons"));
    add("name=say \"hi\" corp", A().filter("name", "say \"hi\" corp"));
    add("name=back\\slash", A().filter("name", "back\\slash"));
    add("name='' (empty)", A().filter("name", ""));
    add("name='null'", A().filter("name", "null"));
    add("name=two\\nlines", A().filter("name", "two\nlines"));
    add("name='  padded  '", A().filter("name", "  padded  "));
    add("name=a&b=c?d#e+f/g", A().filter("name", "a&b=c?d#e+f/g"));
    add("name=%25 literal", A().filter("name", "%25 literal"));
    add("name=injection", A().filter("name", "x') or true or ('"));
    add("name=Ünïcödé 東京", A().filter("name", "\u00dcn\u00efc\u00f6d\u00e9 \u6771\u4eac"));
    add("name__isnull", A().filter("name__isnull", true));
    add("name__isnull=false", A().filter("name__isnull", false));
    add("name__iexact=ACME", A().filter("name__iexact", "ACME"));
    add("name__iexact=müller kg (non-ASCII)", A().filter("name__iexact", "M\u00dcLLER KG"));
    // pattern lookups
    add("name__contains=%", A().filter("name__contains", "%"));
    add("name__contains=_", A().filter("name__contains", "_"));
    add("name__contains=\\", A().filter("name__contains", "\\"));
    add("name__contains='", A().filter("name__contains", "'"));
    add("name__contains=\"", A().filter("name__contains", "\""));
    add("name__contains=🚀", A().filter("name__contains", "\U0001F680"));
    add("name__contains=injection", A().filter("name__contains", "') or true or ('"));
    add("name__startswith=Mü", A().filter("name__startswith", "M\u00fc"));
    add("name__startswith=[bracket]", A().filter("name__startswith", "[bracket]"));
    add("name__endswith=off_now\\", A().filter("name__endswith", "off_now\\"));
    add("name__icontains=acme", A().filter("name__icontains", "acme"));
    add("name__icontains=müller (non-ASCII)", A().filter("name__icontains", "m\u00fcller"));
    add("name__istartswith=o'b", A().filter("name__istartswith", "o'b"));
    add("name__iendswith=LABS", A().filter("name__iendswith", "LABS"));
    add("name__regex=^A", A().filter("name__regex", "^A"));
    // in, comparisons on text
    add("name__in", A().filter("name__in", Values{"Acme", "ACME Corp", "x') or true or ('"}));
    add("name__in=[] ", A().filter("name__in", Values{}));
    add("name__gt=M", A().filter("name__gt", "M"));
    add("name__range=A..Z", A().filter("name__range", Values{"A", "Z"}));
    // numbers, booleans
    add("employees__gt=20", A().filter("employees__gt", 20));
    add("employees__lte=0", A().filter("employees__lte", 0));
    add("employees__range=10..50", A().filter("employees__range", Values{10, 50}));
    add("employees__in=0,3,100", A().filter("employees__in", Values{0, 3, 100}));
    add("employees__isnull", A().filter("employees__isnull", true));
    add("exclude employees__lt=20", A().exclude("employees__lt", 20));
    add("rating__gte=2.5", A().filter("rating__gte", 2.5));
    add("rating__lt=0", A().filter("rating__lt", 0));
    add("rating=0.25", A().filter("rating", 0.25));
    add("active=true", A().filter("active", true));
    add("active=false", A().filter("active", false));
    add("exclude active=true", A().exclude("active", true));
    add("active__isnull", A().filter("active__isnull", true));
    // dates
    add("founded=2016-02-29", A().filter("founded", Date{2016, 2, 29}));
    add("founded__year=2016", A().filter("founded__year", 2016));
    add("founded__month=2 & day=29", A().filter("founded__month", 2).filter("founded__day", 29));
    add("founded__gt=2016-02-28", A().filter("founded__gt", Date{2016, 2, 28}));
    add("founded__range",
        A().filter("founded__range", Values{Date{2000, 1, 1}, Date{2016, 2, 29}}));
    add("founded__year__in", A().filter("founded__year__in", Values{2000, 2012}));
    add("founded__year__gt=2016", A().filter("founded__year__gt", 2016));
    add("founded__isnull", A().filter("founded__isnull", true));
    add("founded__week_day=2", A().filter("founded__week_day", 2));
    // datetimes (UTC)
    add("modified_on__gte=2016-02-29", A().filter("modified_on__gte", DateTime(2016, 2, 29)));
    add("modified_on__lt=2016-02-29T12:00",
        A().filter("modified_on__lt", DateTime(2016, 2, 29, 12, 0, 0)));
    add("modified_on=2020-01-01T00:00:00.5",
        A().filter("modified_on", DateTime(2020, 1, 1, 0, 0, 0, 500000)));
    add("modified_on__gt=2020-01-01T00:00:00",
        A().filter("modified_on__gt", DateTime(2020, 1, 1, 0, 0, 0)));
    add("modified_on__date=2016-02-29", A().filter("modified_on__date", Date{2016, 2, 29}));
    add("modified_on__year=2017", A().filter("modified_on__year", 2017));
    add("modified_on__hour=23", A().filter("modified_on__hour", 23));
    add("modified_on__minute=59", A().filter("modified_on__minute", 59));
    add("modified_on__second__gte=59", A().filter("modified_on__second__gte", 59));
    // remote key and the FK's lookup attribute
    add("cdms_pk=k4", A().filter("cdms_pk", k4));
    add("cdms_pk__in", A().filter("cdms_pk__in", Values{k1, k22, k10}));
    add("parent__cdms_pk=k1", A().filter("parent__cdms_pk", k1));
    add("parent__cdms_pk__in", A().filter("parent__cdms_pk__in", Values{k10, k22}));
    add("parent__isnull", A().filter("parent__isnull", true));
    add("parent__isnull=false", A().filter("parent__isnull", false));
    add("parent__name=Acme (across the relation)", A().filter("parent__name", "Acme"));
    add("id__gt=3 (local field)", A().filter("id__gt", 3));
    // AND / OR / NOT nesting
    add("startswith Acme | employees>300",
        A().filter(Q("name__startswith", "Acme") | Q("employees__gt", 300)));
    add("active & (rating>3 | founded year 2017)",
        A().filter(Q("active", true) & (Q("rating__gt", 3) | Q("founded__year", 2017))));
    add("~contains Filler", A().filter(~Q("name__contains", "Filler")));
    add("~(employees>=10 & ~active=false)",
        A().filter(~(Q("employees__gte", 10) & ~Q("active", false))));
    add("exclude(regex | employees=3)", A().exclude(Q("name__regex", "x") | Q("employees", 3)));
    add("iregex | employees<5", A().filter(Q("name__iregex", "acme") | Q("employees__lt", 5)));
    add("~(icontains müller | rating isnull)",
        A().filter(~(Q("name__icontains", "m\u00fcller") | Q("rating__isnull", true))));
    add("filter(contains Filler).exclude(employees in ...)",
        A().filter("name__contains", "Filler").exclude("employees__in", Values{10, 20, 400}));
    add("(a | b) & ~(c | d)", A().filter((Q("name__contains", "'") | Q("name__contains", "%")) &
                                         ~(Q("active", false) | Q("employees__gt", 20))));
    add("~~(founded week_day) | name=Acme",
        A().filter(~~Q("founded__week_day", 2) | Q("name", "Acme")));
    // ordering and slices
    add("order_by employees [:5]", A().order_by("employees", "cdms_pk").slice(0, 5));
    add("order_by -cdms_pk [2:60]", A().order_by("-cdms_pk").slice(2, 60));
    return c;
}

// skip_fk_lookups: leave out the conditions on the ForeignKey's lookup attribute.
void differential(const std::string& base, const od::Dialect& dialect, int min_exact,
                  bool skip_fk_lookups = false) {
    LocalStore local;
    int exact = 0, nonempty = 0;
    for (const auto& c : cases()) {
        if (skip_fk_lookups &&
            (c.what.rfind("parent__cdms_pk", 0) == 0 || c.what.rfind("parent__isnull", 0) == 0))
            continue;
        const od::Request r = c.qs.odata(dialect);
        const std::string url = r.url(base);
        const Ids want = local_ids(c.qs);
        const Listing got = list_all(base, url, dialect.version);
        INFO(dialect.name << " | " << c.what << "\n  url: " << url
                          << "\n  exact: " << (r.exact ? "yes" : "no (superset)")
                          << "\n  local:  " << short_ids(want)
                          << "\n  remote: " << short_ids(got.ids) << "\n  " << got.error);
        CHECK(got.error.empty());
        Ids missing;
        std::set_difference(want.begin(), want.end(), got.ids.begin(), got.ids.end(),
                            std::inserter(missing, missing.end()));
        INFO("  missing remotely: " << short_ids(missing));
        CHECK(missing.empty()); // the remote may over-match, never under-match
        if (r.exact) {
            ++exact;
            CHECK(got.ids == want);
        }
        nonempty += !want.empty();
    }
    CHECK(exact >= min_exact);
    CHECK(nonempty >= 55);
}

} // namespace

TEST_CASE("differential odata_v4 on the V4 endpoint", "[remote]") {
    dorm_test::ODataServer server;
    differential(server.base_v4(), od::odata_v4(), 60);
}

TEST_CASE("differential odata_v2 on the V2 endpoint", "[remote]") {
    dorm_test::ODataServer server;
    differential(server.base_v2(), od::odata_v2(), 60);
}

// CRM 2011's dialect (no tolower, no date parts, no `in`) on the V2 endpoint, told that the
// server compares case-sensitively (CAP does): the superset paths run for real. CRM 2011
// filters a lookup through its EntityReference (`parent_ID/Id`), which CAP does not have:
// those conditions are left out here (odata_v2 above covers them on this endpoint).
TEST_CASE("differential crm2011 on the V2 endpoint", "[remote]") {
    dorm_test::ODataServer server;
    od::Dialect d = od::crm2011();
    d.case_insensitive = false;
    differential(server.base_v2(), d, 40, /*skip_fk_lookups=*/true);
}
