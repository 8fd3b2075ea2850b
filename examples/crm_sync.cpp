// A small CRM program: accounts and contacts kept in step with an OData service (here the
// local test server; a Dynamics CRM or Dataverse URL and dialect work the same way).
//
//   bash scripts/demo      # starts the test server, runs this, stops the server
//
// It shows a synced filter, get, create, save and delete, a skip_cdms read, and a write the
// remote refuses, rolled back locally.
#include <dorm/dorm.hpp>
#include <dorm/sync.hpp> // the sync engine and the OData client

#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

struct Account : dorm::Model<Account> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk; // the remote's key (a GUID)
    std::optional<std::string> name;
    std::optional<int> employees;
    dorm::DateTime modified_on;
    static void define(dorm::ModelDef<Account>& m) {
        m.table("account").remote("Accounts").ordering({"name"});
        m.field("id", &Account::id, dorm::auto_pk);
        m.field("cdms_pk", &Account::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Account::name, dorm::null, dorm::max_length(160), dorm::remote("name"));
        m.field("employees", &Account::employees, dorm::remote("employees"));
        m.field("modified_on", &Account::modified_on, dorm::remote_modified("modifiedOn"));
    }
};

struct Contact : dorm::Model<Contact> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::optional<std::string> name;
    std::optional<std::string> email;
    dorm::ForeignKey<Account> account;
    std::optional<dorm::DateTime> modified_on;
    std::string notes; // not mapped: stays local
    static void define(dorm::ModelDef<Contact>& m) {
        m.table("contact").remote("Contacts");
        m.field("id", &Contact::id, dorm::auto_pk);
        m.field("cdms_pk", &Contact::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Contact::name, dorm::max_length(160), dorm::remote("name"));
        m.field("email", &Contact::email, dorm::max_length(160), dorm::remote("email"));
        m.field("account", &Contact::account, dorm::null, dorm::remote("account_ID"));
        m.field("modified_on", &Contact::modified_on, dorm::remote_modified("modifiedOn"));
        m.field("notes", &Contact::notes);
    }
};

namespace {
void expect(bool ok, const std::string& what) {
    if (!ok)
        throw std::runtime_error("demo: expected " + what);
}
} // namespace

int main() {
    const char* url = std::getenv("DORM_ODATA_V4");
    if (!url) {
        std::cerr << "crm_sync: set DORM_ODATA_V4 to the service root, or run bash scripts/demo\n";
        return 2;
    }
    try {
        dorm::Database db("crm.sqlite3");
        dorm::set_default_database(db);
        dorm::create_tables<Account, Contact>(db);

        dorm::sync::Options options;
        options.client = dorm::odata::ClientOptions(url, dorm::odata::odata_v4());
        auto engine = dorm::sync::attach(db, options);

        // A synced filter: the remote is asked first, the rows land in the local store.
        auto big = Account::objects().filter("employees__gte", 100).order_by("-employees");
        std::cout << "accounts with 100+ employees: " << big.count() << "\n";
        for (const Account& a : big.slice(0, 3))
            std::cout << "  " << a.name.value_or("(no name)") << ": " << *a.employees << "\n";

        // get() by remote key, and following a ForeignKey.
        Contact ann = Contact::objects().get("cdms_pk", "c1000000-0000-4000-8000-000000000001");
        std::cout << "contact: " << *ann.name << " of " << ann.account->name.value() << "\n";

        // create: a local INSERT and a remote create, one request.
        const auto before = engine->counters().requests;
        Contact zoe;
        zoe.name = "Zo\u00eb O'Neil";
        zoe.email = "zoe@example.com";
        zoe.account = ann.account.get();
        zoe.notes = "met at the fair";
        zoe.save();
        std::cout << "created " << *zoe.name << " as " << *zoe.cdms_pk << " ("
                  << engine->counters().requests - before << " request)\n";

        // save: one PATCH of the changed fields, with the ETag the server gave.
        zoe.email = "zoe.oneil@example.com";
        zoe.save();
        std::cout << "saved her new email\n";

        // skip_cdms: the local store alone, no request.
        const auto r0 = engine->counters().requests;
        const auto local = Contact::objects().skip_cdms().count();
        std::cout << "contacts in the local store: " << local << " ("
                  << engine->counters().requests - r0 << " requests)\n";
        expect(engine->counters().requests == r0, "no request for a skip_cdms read");

        // A write the remote refuses: someone changed Ann remotely since we read her, so the
        // server answers 412; the local change is rolled back.
        dorm::odata::Client other(dorm::odata::ClientOptions(url, dorm::odata::odata_v4()));
        const auto now = other.get("Contacts", *ann.cdms_pk);
        other.update("Contacts", *ann.cdms_pk, {{"email", "ann@elsewhere.example"}},
                     dorm::odata::Client::etag_of(now));
        ann.email = "ann@mine.example";
        try {
            ann.save();
            expect(false, "the stale save to be refused");
        } catch (const dorm::ObjectsNotInSync& e) {
            std::cout << "refused: " << e.what() << "\n";
        }
        const Contact stored = Contact::objects().skip_cdms().get("id", ann.id);
        expect(stored.email == "ann@example.com", "the local row unchanged");
        std::cout << "local email still " << *stored.email << "\n";

        // delete: both sides.
        zoe.delete_();
        expect(!Contact::objects().filter("name", "Zo\u00eb O'Neil").exists(), "Zoe deleted");
        std::cout << "deleted Zoe; remote requests in all: " << engine->counters().requests
                  << "\n";
        return 0;
    } catch (const dorm::Error& e) {
        std::cerr << "crm_sync: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
