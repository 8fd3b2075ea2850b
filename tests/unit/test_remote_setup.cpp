// Setting up the sync engine for a real CRM, as docs/sync.md shows it ("Connecting to a real
// CRM"): the transport's credentials (NTLM for Dynamics CRM on premises, a bearer token for
// Dataverse), the client options, attaching the engine to a database and detaching it. The
// blocks between "snippet" comments are quoted verbatim by docs/sync.md (tools/check_docs.py
// checks it), so the documentation's code is compiled here. Nothing is sent: the engines are
// built and attached, their dialects and compiled queries checked, and they are detached
// before any read, so that the reads that follow are local.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace {

// A Dynamics CRM 2011 / 2013 account, named as its OData v2 endpoint names it.
struct CrmAccount : dorm::Model<CrmAccount> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    dorm::DateTime modified_on;
    static void define(dorm::ModelDef<CrmAccount>& m) {
        m.table("crm_account").remote("AccountSet");
        m.field("id", &CrmAccount::id, dorm::auto_pk);
        m.field("cdms_pk", &CrmAccount::cdms_pk, dorm::remote_key("AccountId"), dorm::unique);
        m.field("name", &CrmAccount::name, dorm::max_length(160), dorm::remote("Name"));
        m.field("modified_on", &CrmAccount::modified_on, dorm::remote_modified("ModifiedOn"));
    }
};

// The same account on the Dataverse Web API (OData v4): lower-case logical names.
struct DvAccount : dorm::Model<DvAccount> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    dorm::DateTime modified_on;
    static void define(dorm::ModelDef<DvAccount>& m) {
        m.table("dv_account").remote("accounts");
        m.field("id", &DvAccount::id, dorm::auto_pk);
        m.field("cdms_pk", &DvAccount::cdms_pk, dorm::remote_key("accountid"), dorm::unique);
        m.field("name", &DvAccount::name, dorm::max_length(160), dorm::remote("name"));
        m.field("modified_on", &DvAccount::modified_on, dorm::remote_modified("modifiedon"));
    }
};

} // namespace

TEST_CASE("a Dynamics CRM on premises: NTLM and the OData v2 dialect, attached and detached",
          "[sync][docs]") {
    dorm::Database db(":memory:");
    dorm::create_tables<CrmAccount>(db);
    const std::string password = "not a real password";

    // snippet: crm on premises
    dorm::odata::CurlOptions http;
    http.auth = dorm::odata::CurlOptions::Auth::Ntlm;
    http.user = "CONTOSO\\svc-dorm"; // DOMAIN\user
    http.secret = password;
    http.connect_timeout = std::chrono::seconds(10);
    http.total_timeout = std::chrono::seconds(120); // per attempt

    dorm::sync::Options opts;
    opts.client = dorm::odata::ClientOptions(
        "https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc",
        dorm::odata::crm2011());
    opts.transport = std::make_shared<dorm::odata::CurlTransport>(http);
    auto engine = dorm::sync::attach(db, opts);
    // end snippet

    CHECK(db.sync() == engine.get());
    CHECK(engine->dialect().version == dorm::odata::Version::V2);
    CHECK(!engine->dialect().has_batch);
    const auto r = CrmAccount::objects().filter("name__icontains", "acme").odata(engine->dialect());
    CHECK(r.filter == "substringof('acme',Name)");
    CHECK(r.url(opts.client.base_url) ==
          "https://crm.example.org/ORG/XRMServices/2011/OrganizationData.svc/"
          "AccountSet?$filter=substringof%28%27acme%27%2CName%29"
          "&$select=AccountId%2CName%2CModifiedOn");
    CHECK(engine->counters().requests == 0);

    // snippet: detach
    db.set_sync(nullptr); // detach: from here on every call is local, as with skip_cdms
    engine.reset();       // the engine itself, once nothing else holds it
    // end snippet

    CHECK(db.sync() == nullptr);
    CHECK(CrmAccount::objects().using_(db).count() == 0); // local: no request, no DNS
}

TEST_CASE("Dataverse: a bearer token and the OData v4 Web API, attached and detached",
          "[sync][docs]") {
    dorm::Database db(":memory:");
    dorm::create_tables<DvAccount>(db);
    const std::string access_token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.not-a-real-token";

    // snippet: dataverse
    dorm::odata::CurlOptions http;
    http.auth = dorm::odata::CurlOptions::Auth::Bearer;
    http.secret = access_token; // an OAuth 2.0 access token for https://ORG.crm.dynamics.com

    dorm::sync::Options opts;
    opts.client = dorm::odata::ClientOptions("https://ORG.crm.dynamics.com/api/data/v9.2/",
                                             dorm::odata::dataverse());
    opts.client.page_size = 1000; // Prefer: odata.maxpagesize=1000 (Dataverse: at most 5000)
    opts.transport = std::make_shared<dorm::odata::CurlTransport>(http);
    auto engine = dorm::sync::attach(db, opts);
    // end snippet

    CHECK(db.sync() == engine.get());
    CHECK(engine->dialect().version == dorm::odata::Version::V4);
    CHECK(engine->dialect().case_insensitive);
    const auto r = DvAccount::objects().filter("name__startswith", "50%").odata(engine->dialect());
    CHECK(r.filter == "startswith(name,'50[%]')");
    CHECK(engine->counters().requests == 0);

    db.set_sync(nullptr);
    engine.reset();
    CHECK(db.sync() == nullptr);
    CHECK(DvAccount::objects().using_(db).count() == 0);
}
