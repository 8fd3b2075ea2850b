// The schema of relations: create_tables<...>() for ForeignKey (nullable or not, to an
// integer, big integer or text primary key, to the model itself, with db_column), OneToOne,
// ManyToMany (automatic join table, db_table, through a declared model, to the model
// itself), compared statement by statement with what Django 3.2's schema editor writes for
// the same models; the indexes (one per ForeignKey column, a unique one over each join
// table's pair), the deferred key checks, and the relation options refused when the model is
// defined.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include "temp_dir.hpp"

#include "django_oracle.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

using dorm::Value;
using Strings = std::vector<std::string>;

// --- models ---------------------------------------------------------------------------------

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> friends; // to itself: from_person_id, to_person_id
    static void define(dorm::ModelDef<Person>& m) {
        m.table("rs_person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(50));
        m.field("friends", &Person::friends);
    }
};

struct Code : dorm::Model<Code> { // a text primary key
    std::string code;
    static void define(dorm::ModelDef<Code>& m) {
        m.table("rs_code");
        m.field("code", &Code::code, dorm::primary_key, dorm::max_length(10));
    }
};

struct Ticket : dorm::Model<Ticket> { // a big auto primary key
    std::int64_t id = 0;
    static void define(dorm::ModelDef<Ticket>& m) {
        m.table("rs_ticket");
        m.field("id", &Ticket::id, dorm::big_auto_pk);
    }
};

struct Status : dorm::Model<Status> {
    std::int64_t id = 0;
    static void define(dorm::ModelDef<Status>& m) {
        m.table("rs_status");
        m.field("id", &Status::id, dorm::auto_pk);
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    dorm::ForeignKey<Person> owner;
    dorm::ForeignKey<Ticket> ticket;
    static void define(dorm::ModelDef<Blog>& m) {
        m.table("rs_blog");
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
        m.field("ticket", &Blog::ticket, dorm::null, dorm::related_name("+"));
    }
};

struct Entry : dorm::Model<Entry> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog;
    dorm::ForeignKey<Person> editor;
    dorm::ForeignKey<Code> code;
    dorm::ForeignKey<Entry> parent;
    dorm::ForeignKey<Status> status;
    std::string headline;
    dorm::ManyToMany<Person> authors;
    dorm::ManyToMany<Code> tags;
    static void define(dorm::ModelDef<Entry>& m) {
        m.table("rs_entry");
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog);
        m.field("editor", &Entry::editor, dorm::db_column("editor_ref"),
                dorm::related_name("edited"), dorm::protect);
        m.field("code", &Entry::code, dorm::null, dorm::set_null);
        m.field("parent", &Entry::parent, dorm::null);
        m.field("status", &Entry::status, dorm::set_default, dorm::default_(1));
        m.field("headline", &Entry::headline, dorm::max_length(100));
        m.field("authors", &Entry::authors, dorm::related_name("entries"));
        m.field("tags", &Entry::tags, dorm::db_table("rs_entry_tagging"),
                dorm::related_name("tagged"));
    }
};

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("rs_place");
        m.field("id", &Place::id, dorm::auto_pk);
    }
};

struct Restaurant : dorm::Model<Restaurant> {
    std::int64_t id = 0;
    dorm::OneToOne<Place> place;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("rs_restaurant");
        m.field("id", &Restaurant::id, dorm::auto_pk);
        m.field("place", &Restaurant::place);
    }
};

struct Membership;

struct Group : dorm::Model<Group> {
    std::int64_t id = 0;
    dorm::ManyToMany<Person> members;
    static void define(dorm::ModelDef<Group>& m) {
        m.table("rs_group");
        m.field("id", &Group::id, dorm::auto_pk);
        m.field("members", &Group::members, dorm::through<Membership>());
    }
};

struct Membership : dorm::Model<Membership> {
    std::int64_t id = 0;
    dorm::ForeignKey<Group> group;
    dorm::ForeignKey<Person> person;
    std::string role;
    static void define(dorm::ModelDef<Membership>& m) {
        m.table("rs_membership");
        m.field("id", &Membership::id, dorm::auto_pk);
        m.field("group", &Membership::group);
        m.field("person", &Membership::person);
        m.field("role", &Membership::role, dorm::max_length(20));
    }
};

// Declared wrongly: found when the model is first used.
struct BadSetNull : dorm::Model<BadSetNull> {
    std::int64_t id = 0;
    dorm::ForeignKey<Person> owner;
    static void define(dorm::ModelDef<BadSetNull>& m) {
        m.table("rs_bad_set_null");
        m.field("id", &BadSetNull::id, dorm::auto_pk);
        m.field("owner", &BadSetNull::owner, dorm::set_null); // not nullable
    }
};

struct BadSetDefault : dorm::Model<BadSetDefault> {
    std::int64_t id = 0;
    dorm::ForeignKey<Person> owner;
    static void define(dorm::ModelDef<BadSetDefault>& m) {
        m.table("rs_bad_set_default");
        m.field("id", &BadSetDefault::id, dorm::auto_pk);
        m.field("owner", &BadSetDefault::owner, dorm::null, dorm::set_default); // no default_
    }
};

// --- the same models for Django -------------------------------------------------------------

using dorm_test::OracleField;
using dorm_test::OracleModel;
using json = nlohmann::json;

OracleField pk() {
    return {.name = "id", .type = "AutoField", .primary_key = true};
}

OracleField fk(std::string name, json extra, bool null = false, std::string column = {}) {
    return {.name = std::move(name),
            .column = std::move(column),
            .type = "ForeignKey",
            .null = null,
            .extra = std::move(extra)};
}

dorm_test::DjangoOracle django_models() {
    dorm_test::DjangoOracle o;
    o.add_model(
        {.name = "Person",
         .table = "rs_person",
         .fields = {pk(),
                    {.name = "name", .type = "CharField", .max_length = 50},
                    {.name = "friends", .type = "ManyToManyField", .extra = {{"to", "self"}}}}});
    o.add_model(
        {.name = "Code",
         .table = "rs_code",
         .fields = {{.name = "code", .type = "CharField", .primary_key = true, .max_length = 10}}});
    o.add_model({.name = "Ticket",
                 .table = "rs_ticket",
                 .fields = {{.name = "id", .type = "BigAutoField", .primary_key = true}}});
    o.add_model({.name = "Status", .table = "rs_status", .fields = {pk()}});
    o.add_model({.name = "Blog",
                 .table = "rs_blog",
                 .fields = {pk(), fk("owner", {{"to", "Person"}, {"on_delete", "SET_NULL"}}, true),
                            fk("ticket", {{"to", "Ticket"}, {"related_name", "+"}}, true)}});
    o.add_model(
        {.name = "Entry",
         .table = "rs_entry",
         .fields = {
             pk(),
             fk("blog", {{"to", "Blog"}}),
             fk("editor", {{"to", "Person"}, {"on_delete", "PROTECT"}, {"related_name", "edited"}},
                false, "editor_ref"),
             fk("code", {{"to", "Code"}, {"on_delete", "SET_NULL"}}, true),
             fk("parent", {{"to", "self"}}, true),
             fk("status", {{"to", "Status"}, {"on_delete", "SET_DEFAULT"}, {"default", 1}}),
             {.name = "headline", .type = "CharField", .max_length = 100},
             {.name = "authors",
              .type = "ManyToManyField",
              .extra = {{"to", "Person"}, {"related_name", "entries"}}},
             {.name = "tags",
              .type = "ManyToManyField",
              .extra = {
                  {"to", "Code"}, {"db_table", "rs_entry_tagging"}, {"related_name", "tagged"}}}}});
    o.add_model({.name = "Place", .table = "rs_place", .fields = {pk()}});
    o.add_model(
        {.name = "Restaurant",
         .table = "rs_restaurant",
         .fields = {pk(), {.name = "place", .type = "OneToOneField", .extra = {{"to", "Place"}}}}});
    o.add_model({.name = "Group",
                 .table = "rs_group",
                 .fields = {pk(),
                            {.name = "members",
                             .type = "ManyToManyField",
                             .extra = {{"to", "Person"}, {"through", "Membership"}}}}});
    o.add_model({.name = "Membership",
                 .table = "rs_membership",
                 .fields = {pk(),
                            fk("group", {{"to", "Group"}}),
                            fk("person", {{"to", "Person"}}),
                            {.name = "role", .type = "CharField", .max_length = 20}}});
    return o;
}

void create_all(dorm::Database& db) {
    dorm::create_tables<Person, Code, Ticket, Status, Blog, Entry, Place, Restaurant, Group,
                        Membership>(db);
}

// "CREATE TABLE \"x\" (...)" -> x
std::string table_of(const std::string& create) {
    const auto start = create.find('"') + 1;
    return create.substr(start, create.find('"', start) - start);
}

Strings query_strings(dorm::Database& db, const std::string& sql, dorm::Values params = {}) {
    Strings out;
    dorm::sql::Cursor c(db, sql, std::move(params));
    while (c.next())
        out.emplace_back(c.stmt().column(0).is_null() ? "" : std::string(c.stmt().text(0)));
    return out;
}

// Every index of a table as "unique|col1,col2" (names aside: Django's carry a hash).
std::multiset<std::string> index_shapes(dorm::Database& db, const std::string& table) {
    std::multiset<std::string> out;
    std::vector<std::pair<std::string, bool>> indexes;
    {
        dorm::sql::Cursor c(db, "SELECT name, \"unique\" FROM pragma_index_list(?)", {table});
        while (c.next())
            indexes.emplace_back(std::string(c.stmt().text(0)), c.stmt().column(1).as_int() != 0);
    }
    for (const auto& [name, unique] : indexes) {
        std::string shape = unique ? "unique|" : "index|";
        const Strings cols =
            query_strings(db, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", {name});
        for (std::size_t i = 0; i < cols.size(); ++i)
            shape += (i ? "," : "") + cols[i];
        out.insert(shape);
    }
    return out;
}

// Every ForeignKey column of the model and of its automatic join tables.
std::vector<std::pair<std::string, std::string>> fk_columns(const dorm::ModelMeta& m) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : m.fields)
        if (f.is_foreign_key())
            out.emplace_back(m.table, f.column);
    for (const auto& f : m.many_to_many)
        if (f.auto_through)
            for (const auto& tf : f.auto_through->fields)
                if (tf.is_foreign_key())
                    out.emplace_back(f.auto_through->table, tf.column);
    return out;
}

} // namespace

TEST_CASE("relation schema: CREATE TABLE text is Django's, table by table (oracle)") {
    INFO("Django importable by the oracle's python: " << dorm_test::django_available());
    dorm_test::TempDir dir;
    auto oracle = django_models();
    oracle.collect_schema_sql();
    const auto res = oracle.run(dir.file("oracle.sqlite3"));
    std::map<std::string, std::string> django;
    for (auto sql : res.schema_sql()) {
        if (!sql.empty() && sql.back() == ';')
            sql.pop_back();
        if (sql.rfind("CREATE TABLE", 0) == 0)
            django[table_of(sql)] = sql;
    }
    dorm::Database db(":memory:");
    create_all(db);
    std::map<std::string, std::string> mine;
    dorm::sql::Cursor c(db,
                        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name "
                        "NOT LIKE 'sqlite%'",
                        {});
    while (c.next())
        mine[std::string(c.stmt().text(0))] = std::string(c.stmt().text(1));

    // The same tables: the models' and the three automatic join tables (rs_person_friends,
    // rs_entry_authors, rs_entry_tagging; a through model has none of its own).
    Strings django_tables, my_tables;
    for (const auto& [t, sql] : django)
        django_tables.push_back(t);
    for (const auto& [t, sql] : mine)
        my_tables.push_back(t);
    CHECK(my_tables == django_tables);
    CHECK(my_tables.size() == 13);
    for (const auto& [table, sql] : django) {
        INFO("table " << table << "\n  django: " << sql
                      << "\n  dorm:   " << (mine.count(table) ? mine[table] : "(missing)"));
        CHECK(mine[table] == sql);
    }
    // create_table_sql() is what create_tables ran.
    CHECK(dorm::sql::create_table_sql(Entry::meta()) == mine["rs_entry"]);
    CHECK(dorm::sql::create_table_sql(*Entry::meta().many_to_many[0].auto_through) ==
          mine["rs_entry_authors"]);

    // Spelled out, for the reader: Django's inline, deferred key.
    CHECK(mine["rs_entry"].find("\"blog_id\" integer NOT NULL REFERENCES \"rs_blog\" (\"id\") "
                                "DEFERRABLE INITIALLY DEFERRED") != std::string::npos);
    CHECK(mine["rs_entry"].find("\"editor_ref\" integer NOT NULL REFERENCES \"rs_person\"") !=
          std::string::npos);
    CHECK(mine["rs_entry"].find("\"code_id\" varchar(10) NULL REFERENCES \"rs_code\" (\"code\")") !=
          std::string::npos);
    CHECK(mine["rs_blog"].find("\"ticket_id\" bigint NULL REFERENCES \"rs_ticket\" (\"id\")") !=
          std::string::npos);
    CHECK(mine["rs_restaurant"].find("\"place_id\" integer NOT NULL UNIQUE REFERENCES") !=
          std::string::npos);
}

TEST_CASE("relation schema: the indexes are Django's (oracle creates its tables)") {
    INFO("Django importable by the oracle's python: " << dorm_test::django_available());
    dorm_test::TempDir dir;
    const std::string django_file = dir.file("django.sqlite3");
    auto oracle = django_models();
    oracle.create_tables();
    const auto res = oracle.run(django_file);
    REQUIRE(res.raw().value("schema_existing", json::array()).empty());
    REQUIRE_FALSE(res.raw().contains("schema_error"));

    dorm::Database theirs(django_file);
    dorm::Database db(dir.file("dorm.sqlite3"));
    create_all(db);
    const Strings tables = query_strings(
        db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "ORDER BY name");
    CHECK(query_strings(theirs, "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                                "NOT LIKE 'sqlite%' ORDER BY name") == tables);
    std::size_t compared = 0;
    for (const auto& t : tables) {
        const auto mine = index_shapes(db, t);
        const auto django = index_shapes(theirs, t);
        std::string m, d;
        for (const auto& s : mine)
            m += " [" + s + "]";
        for (const auto& s : django)
            d += " [" + s + "]";
        INFO("table " << t << "\n  dorm:  " << m << "\n  django:" << d);
        CHECK(mine == django);
        compared += django.size();
    }
    CHECK(compared >= 17);
}

TEST_CASE("relation schema: every ForeignKey column is indexed, a join table's pair is unique") {
    dorm::Database db(":memory:");
    create_all(db);
    std::size_t n = 0;
    for (const dorm::ModelMeta* m : {&Person::meta(), &Blog::meta(), &Entry::meta(),
                                     &Restaurant::meta(), &Membership::meta()}) {
        for (const auto& [table, column] : fk_columns(*m)) {
            INFO(table << "." << column);
            const auto shapes = index_shapes(db, table);
            CHECK((shapes.count("index|" + column) == 1 || shapes.count("unique|" + column) == 1));
            ++n;
        }
    }
    CHECK(n == 2 + 2 + 5 + 4 + 1 + 2); // friends(2), Blog(2), Entry(5) + joins(4), O2O, Membership
    // Each automatic join table: one unique index over exactly its pair, in column order.
    for (const auto& [table, a, b] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"rs_entry_authors", "entry_id", "person_id"},
             {"rs_entry_tagging", "entry_id", "code_id"},
             {"rs_person_friends", "from_person_id", "to_person_id"}}) {
        INFO(table);
        CHECK(index_shapes(db, table).count("unique|" + a + "," + b) == 1);
    }
    // The through model's pair is not unique (Django adds no constraint either).
    CHECK(index_shapes(db, "rs_membership") ==
          std::multiset<std::string>{"index|group_id", "index|person_id"});
    // The unique index is enforced: a second link of the same pair fails.
    Person p;
    p.name = "p";
    p.save(db);
    Blog b;
    b.save(db);
    Status s;
    s.save(db);
    Entry e;
    e.blog = b;
    e.editor = p;
    e.status = s;
    e.save(db);
    db.exec("INSERT INTO rs_entry_authors (entry_id, person_id) VALUES (" + std::to_string(e.id) +
            ", " + std::to_string(p.id) + ")");
    CHECK_THROWS_AS(db.exec("INSERT INTO rs_entry_authors (entry_id, person_id) VALUES (" +
                            std::to_string(e.id) + ", " + std::to_string(p.id) + ")"),
                    dorm::IntegrityError);
    // create_tables again: nothing doubled.
    const auto before = index_shapes(db, "rs_entry");
    create_all(db);
    CHECK(index_shapes(db, "rs_entry") == before);
    CHECK(index_shapes(db, "rs_entry_authors").size() == 3);
}

TEST_CASE("relation schema: the key checks are deferred to COMMIT") {
    dorm::Database db(":memory:");
    create_all(db);
    // Inside a transaction a row may name a target that comes later.
    dorm::atomic(db, [&] {
        db.exec("INSERT INTO rs_blog (id, owner_id) VALUES (1, 7)");
        db.exec("INSERT INTO rs_person (id, name) VALUES (7, 'late')");
    });
    CHECK(query_strings(db, "SELECT owner_id FROM rs_blog") == Strings{"7"});
    // A row still dangling at COMMIT: IntegrityError, and the transaction is undone.
    CHECK_THROWS_AS(dorm::atomic(db,
                                 [&] {
                                     db.exec("INSERT INTO rs_person (id, name) VALUES (8, 'x')");
                                     db.exec("INSERT INTO rs_blog (id, owner_id) VALUES (2, 99)");
                                 }),
                    dorm::IntegrityError);
    CHECK(query_strings(db, "SELECT count(*) FROM rs_blog") == Strings{"1"});
    CHECK(query_strings(db, "SELECT count(*) FROM rs_person") == Strings{"1"});
    CHECK_FALSE(db.in_transaction());
    // A text key: the target is found by its code.
    db.exec("INSERT INTO rs_code (code) VALUES ('it''s %_')");
    db.exec("INSERT INTO rs_status (id) VALUES (1)");
    dorm::atomic(db, [&] {
        db.exec("INSERT INTO rs_entry (blog_id, editor_ref, code_id, status_id, headline) "
                "VALUES (1, 7, 'it''s %_', 1, 'h')");
    });
    CHECK_THROWS_AS(
        db.exec("INSERT INTO rs_entry (blog_id, editor_ref, code_id, status_id, headline) "
                "VALUES (1, 7, 'nope', 1, 'h')"),
        dorm::IntegrityError);
}

TEST_CASE("relation schema: on_delete options that cannot work are refused at definition") {
    // Django's system checks fields.E320 and fields.E321; dorm refuses when the model is
    // defined (its meta() is first built), naming the model and the field.
    try {
        BadSetNull::meta();
        FAIL("no FieldError");
    } catch (const dorm::FieldError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find("BadSetNull") != std::string::npos);
        CHECK(msg.find("'owner'") != std::string::npos);
        CHECK(msg.find("set_null") != std::string::npos);
        CHECK(msg.find("cannot be null") != std::string::npos);
    }
    try {
        BadSetDefault::meta();
        FAIL("no FieldError");
    } catch (const dorm::FieldError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find("BadSetDefault") != std::string::npos);
        CHECK(msg.find("'owner'") != std::string::npos);
        CHECK(msg.find("set_default") != std::string::npos);
        CHECK(msg.find("no default") != std::string::npos);
    }
    // Using the model says so too, every time; the other models are not affected.
    CHECK_THROWS_AS(BadSetNull::objects().count(), dorm::FieldError);
    dorm::Database db(":memory:");
    CHECK_THROWS_AS(dorm::create_tables<BadSetDefault>(db), dorm::FieldError);
    CHECK(query_strings(db, "SELECT name FROM sqlite_master WHERE name LIKE 'rs_bad%'").empty());
    create_all(db);
    Person p;
    p.name = "p";
    p.save(db);
    CHECK(p.delete_().total == 1);

    // What Django says of the same declarations.
    dorm_test::TempDir dir;
    dorm_test::DjangoOracle oracle = django_models();
    oracle.add_model(
        {.name = "BadSetNull",
         .table = "rs_bad_set_null",
         .fields = {pk(), fk("owner", {{"to", "Person"}, {"on_delete", "SET_NULL"}})}});
    oracle.add_model(
        {.name = "BadSetDefault",
         .table = "rs_bad_set_default",
         .fields = {pk(), fk("owner", {{"to", "Person"}, {"on_delete", "SET_DEFAULT"}}, true)}});
    oracle.query("set_null", "[e.id for e in BadSetNull.check()]");
    oracle.query("set_default", "[e.id for e in BadSetDefault.check()]");
    oracle.query("fine", "[str(e) for e in Entry.check() + Blog.check() + Person.check()]");
    const auto res = oracle.run(dir.file("oracle.sqlite3"));
    CHECK(res.result("set_null") == json::array({"fields.E320"}));
    CHECK(res.result("set_default") == json::array({"fields.E321"}));
    CHECK(res.result("fine") == json::array());
}
