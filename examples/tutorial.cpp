// The program docs/tutorial.md builds step by step, whole: a first model, its table, saving
// and querying objects, a relation, then two models mapped to an OData service and kept in
// step by the sync engine. The tutorial quotes this file (tools/check_docs.py checks that
// every quoted block is here, unchanged), and CTest runs it against the local OData test
// server (example_tutorial):
//
//   bash scripts/with-odata-server build/examples/example_tutorial
#include <dorm/dorm.hpp>
#include <dorm/sync.hpp> // the sync engine and the OData client

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

// A first model: a task on a to-do list.
struct Task : dorm::Model<Task> {
    std::int64_t id = 0; // auto primary key: 0 until the first save()
    std::string title;
    bool done = false;
    std::optional<int> priority; // std::optional: the column allows NULL
    dorm::Date due;

    static void define(dorm::ModelDef<Task>& m) {
        m.table("task").ordering({"due", "title"});
        m.field("id", &Task::id, dorm::auto_pk);
        m.field("title", &Task::title, dorm::max_length(200));
        m.field("done", &Task::done);
        m.field("priority", &Task::priority);
        m.field("due", &Task::due);
    }
};

// A relation: each comment belongs to one task (Django's ForeignKey).
struct Comment : dorm::Model<Comment> {
    std::int64_t id = 0;
    dorm::ForeignKey<Task> task; // column task_id; deleting a task deletes its comments
    std::string text;

    static void define(dorm::ModelDef<Comment>& m) {
        m.table("comment");
        m.field("id", &Comment::id, dorm::auto_pk);
        m.field("task", &Comment::task);
        m.field("text", &Comment::text);
    }
};

// Two models mapped to the remote's entity sets Accounts and Contacts.
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
        m.field("name", &Account::name, dorm::max_length(160), dorm::remote("name"));
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
    std::string notes; // not mapped: stays in the local store

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
        throw std::runtime_error("tutorial: expected " + what);
}
} // namespace

int main() {
    const char* url = std::getenv("DORM_ODATA_V4"); // the OData service's root URL
    if (!url) {
        std::cerr << "tutorial: set DORM_ODATA_V4, or run it with scripts/with-odata-server\n";
        return 2;
    }
    try {
        // The database and its tables.
        dorm::Database db("tutorial.sqlite3");                    // the file is created if missing
        dorm::set_default_database(db);                           // where no database is named
        dorm::create_tables<Task, Comment, Account, Contact>(db); // CREATE TABLE if missing

        // Saving objects.
        Task write;
        write.title = "Write the tutorial";
        write.due = dorm::Date{2026, 12, 1};
        write.priority = 1;
        write.save(); // INSERT: write.id is set from the new row
        write.done = true;
        write.save(); // UPDATE, because write.id is set

        Task::objects().create({{"title", "Review it"}, {"due", dorm::Date{2026, 12, 3}}});
        Task::objects().create({{"title", "Publish it"}, {"due", dorm::Date{2026, 12, 7}}});
        std::cout << "saved task " << write.id << " and two more\n";

        // Queries.
        using dorm::Q;
        auto open = Task::objects().filter("done", false);
        auto later = Task::objects().exclude("due__lt", dorm::Date{2026, 12, 2});
        auto urgent =
            Task::objects().filter(Q("priority__lte", 1) | Q("due__lte", dorm::Date{2026, 12, 3}));
        for (const Task& t : open.order_by("-due")) // the query runs here, once
            std::cout << "open: " << t.title << ", due " << t.due << "\n";
        std::cout << later.count() << " due from December 2, " << urgent.count() << " urgent\n";

        Task review = Task::objects().get("title", "Review it");
        try {
            Task::objects().get("title", "Nothing like it");
        } catch (const Task::DoesNotExist& e) {
            std::cout << e.what() << "\n"; // Task matching query does not exist.
        }
        expect(open.count() == 2 && later.count() == 2 && urgent.count() == 2, "the counts");

        // Relations.
        Comment note;
        note.task = review; // the task's key; the object is cached
        note.text = "Check that the examples compile";
        note.save();
        auto comments = review.related(&Comment::task);   // Django: review.comment_set
        comments.create({{"text", "and that they run"}}); // task is set for you
        std::cout << comments.count() << " comments on " << note.task->title << "\n";
        for (const Comment& c : Comment::objects().select_related("task")) // one query, joined
            std::cout << "  " << c.task->title << ": " << c.text << "\n";
        auto discussed = Task::objects().filter("comment__text__contains", "examples");
        expect(discussed.get().id == review.id, "the commented task");

        // The sync engine: from here on, the mapped models talk to the remote.
        dorm::sync::Options options;
        options.client = dorm::odata::ClientOptions(url, dorm::odata::odata_v4());
        auto engine = dorm::sync::attach(db, options);

        auto acme = Account::objects().filter("name__icontains", "acme"); // asks the remote
        for (const Account& a : acme)
            std::cout << "account: " << a.name.value_or("?") << "\n";
        for (const Contact& c : Contact::objects().filter("email__endswith", "@example.com"))
            std::cout << "contact: " << c.name.value_or("?") << "\n";
        Contact ann = Contact::objects().get("cdms_pk", "c1000000-0000-4000-8000-000000000001");
        std::cout << *ann.name << " of " << ann.account->name.value() << "\n";

        Contact zoe;
        zoe.name = "Zoe Adams";
        zoe.email = "zoe@example.com";
        zoe.account = ann.account.get();
        zoe.save(); // a local INSERT and a remote create: zoe.cdms_pk is set
        zoe.email = "zoe.adams@example.com";
        zoe.save();    // one PATCH of the changed field
        zoe.delete_(); // deleted on both sides
        std::cout << "remote requests so far: " << engine->counters().requests << "\n";
        expect(acme.count() >= 3, "the remote's Acme accounts");

        // skip_cdms: the local store alone.
        const auto requests = engine->counters().requests;
        const auto local = Contact::objects().skip_cdms().count(); // no request
        Contact bob = Contact::objects().skip_cdms().get("name", "O'Hara, Bob");
        bob.notes = "prefers email";
        bob.save(dorm::skip_cdms); // a local UPDATE only
        std::cout << local << " contacts in the local store, "
                  << engine->counters().requests - requests << " requests\n";
        expect(engine->counters().requests == requests, "no request with skip_cdms");

        // Errors: each is a type.
        try {
            Task::objects().filter("titel", "x").count();
        } catch (const dorm::FieldError& e) {
            // Cannot resolve keyword 'titel' into field of Task (did you mean 'title'?) ...
            std::cout << e.what() << "\n";
        }
        // Someone changes Ann on the remote after we read her: our save is refused (HTTP 412)
        // and the local change is rolled back.
        dorm::odata::Client other(dorm::odata::ClientOptions(url, dorm::odata::odata_v4()));
        const auto theirs = other.get("Contacts", *ann.cdms_pk);
        other.update("Contacts", *ann.cdms_pk, {{"email", "ann@elsewhere.example"}},
                     dorm::odata::Client::etag_of(theirs));
        ann.email = "ann@mine.example";
        try {
            ann.save();
        } catch (const dorm::ObjectsNotInSync& e) {
            std::cout << "refused: " << e.what() << "\n";
        }
        const Contact stored = Contact::objects().skip_cdms().get("id", ann.id);
        std::cout << "local email still " << stored.email.value() << "\n";
        expect(stored.email == "ann@example.com", "the refused change rolled back");
        return 0;
    } catch (const dorm::Error& e) {
        std::cerr << "tutorial: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
