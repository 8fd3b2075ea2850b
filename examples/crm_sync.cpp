// A small CRM program: accounts and contacts kept in step with an OData service (here the
// local test server; a Dynamics CRM or Dataverse URL and dialect work the same way).
//
//   bash scripts/demo      # starts the test server, runs this, stops the server
//
// It shows a synced filter, get, create, save and delete, a skip_cdms read, and a write the
// remote refuses, rolled back locally. Each request the engine sends is printed as it happens
// (the client's log hook): method, URL below the service root, status and time.
#include <dorm/dorm.hpp>
#include <dorm/sync.hpp> // the sync engine and the OData client

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

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

// A log hook that prints each request: "    > GET Contacts(...) -> 200 (4 ms)".
// The hook never sees a password, token or cookie.
std::function<void(const dorm::odata::LoggedRequest&)> print_requests(std::string root,
                                                                      std::string who) {
    return [root = std::move(root), who = std::move(who)](const dorm::odata::LoggedRequest& r) {
        std::string_view url = r.url;
        if (url.starts_with(root))
            url.remove_prefix(root.size());
        // Shown decoded ("name eq 'Zoë'"), as a person reads it; it was sent %-encoded.
        std::string shown;
        for (std::size_t i = 0; i < url.size(); ++i) {
            if (url[i] == '%' && i + 2 < url.size()) {
                shown +=
                    static_cast<char>(std::stoi(std::string(url.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                shown += url[i];
            }
        }
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(r.duration);
        std::cout << "    " << who << "> " << r.method << " " << shown << " -> ";
        if (r.status == 0)
            std::cout << "no answer";
        else
            std::cout << r.status;
        std::cout << " (" << ms.count() << " ms)\n";
    };
}
} // namespace

int main() {
    const char* url = std::getenv("DORM_ODATA_V4");
    if (!url) {
        std::cerr << "crm_sync: set DORM_ODATA_V4 to the service root, or run bash scripts/demo\n";
        return 2;
    }
    try {
        const std::string root = std::string(url) + "/";
        std::cout << "remote: " << url << " (OData v4)\n";
        dorm::Database db("crm.sqlite3");
        std::cout << "local store: " << std::filesystem::absolute("crm.sqlite3").string() << "\n";
        dorm::set_default_database(db);
        dorm::create_tables<Account, Contact>(db);

        dorm::sync::Options options;
        options.client = dorm::odata::ClientOptions(url, dorm::odata::odata_v4());
        options.client.log = print_requests(root, "");
        auto engine = dorm::sync::attach(db, options);

        // A synced filter: the remote is asked first, the rows land in the local store.
        auto big = Account::objects().filter("employees__gte", 100).order_by("-employees");
        const auto how_many = big.count();
        std::cout << "accounts with 100+ employees: " << how_many << "\n";
        for (const Account& a : big.slice(0, 3))
            std::cout << "  " << a.name.value_or("(no name)") << ": " << *a.employees << "\n";

        // get() by remote key, and following a ForeignKey.
        Contact ann = Contact::objects().get("cdms_pk", "c1000000-0000-4000-8000-000000000001");
        const Account& employer = *ann.account; // its row, read through the engine
        std::cout << "contact: " << *ann.name << " of " << employer.name.value() << "\n";

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
        dorm::odata::ClientOptions someone(url, dorm::odata::odata_v4());
        someone.log = print_requests(root, "someone else ");
        dorm::odata::Client other(someone);
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
        std::cout << "deleted " << *zoe.name << "\n";
        expect(!Contact::objects().filter("name", *zoe.name).exists(), *zoe.name + " deleted");
        std::cout << "remote requests in all: " << engine->counters().requests << "\n";
        return 0;
    } catch (const dorm::Error& e) {
        std::cerr << "crm_sync: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
