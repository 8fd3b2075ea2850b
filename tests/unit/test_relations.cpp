// Relations: ForeignKey, OneToOne and ManyToMany fields, following them from either side
// (lazy loads, related managers), lookups, ordering, values and aggregates across them, and the
// SQL they compile to. Expected results follow Django's documentation ("Making queries",
// "Related objects reference", "Spanning multi-valued relationships"); several were checked
// against Django 3.2 on the same data.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include "temp_dir.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using dorm::Q;
using dorm::Value;
using dorm::Values;
using Strings = std::vector<std::string>;

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> friends; // a relation of a model to itself: symmetrical
    dorm::ManyToMany<Person> follows; // ... and one declared one-way
    static void define(dorm::ModelDef<Person>& m) {
        m.table("person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(50));
        m.field("friends", &Person::friends);
        m.field("follows", &Person::follows, dorm::symmetrical(false));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Person> owner;
    static void define(dorm::ModelDef<Blog>& m) {
        m.table("blog").ordering({"name"});
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("name", &Blog::name, dorm::max_length(50));
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
    }
};

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("author");
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(50));
    }
};

struct Entry : dorm::Model<Entry> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog;
    std::string headline;
    int rating = 0;
    dorm::ManyToMany<Author> authors;
    static void define(dorm::ModelDef<Entry>& m) {
        m.table("entry");
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog);
        m.field("headline", &Entry::headline, dorm::max_length(100));
        m.field("rating", &Entry::rating);
        m.field("authors", &Entry::authors);
    }
};

// A nullable ForeignKey with a related_name and its own column name.
struct Note : dorm::Model<Note> {
    std::int64_t id = 0;
    std::string text;
    dorm::ForeignKey<Blog> blog;
    static void define(dorm::ModelDef<Note>& m) {
        m.table("note");
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("text", &Note::text);
        m.field("blog", &Note::blog, dorm::null, dorm::set_null, dorm::related_name("notes"),
                dorm::db_column("blog_ref"));
    }
};

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("place");
        m.field("id", &Place::id, dorm::auto_pk);
        m.field("name", &Place::name);
    }
};

struct Restaurant : dorm::Model<Restaurant> {
    std::int64_t id = 0;
    dorm::OneToOne<Place> place;
    bool serves_pizza = false;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("restaurant");
        m.field("id", &Restaurant::id, dorm::auto_pk);
        m.field("place", &Restaurant::place);
        m.field("serves_pizza", &Restaurant::serves_pizza);
    }
};

// A many-to-many through a declared join model.
struct Group;
struct Membership : dorm::Model<Membership> {
    std::int64_t id = 0;
    dorm::ForeignKey<Person> person;
    dorm::ForeignKey<Group> group;
    std::string role;
    static void define(dorm::ModelDef<Membership>& m);
};

struct Group : dorm::Model<Group> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> members;
    static void define(dorm::ModelDef<Group>& m) {
        m.table("grp");
        m.field("id", &Group::id, dorm::auto_pk);
        m.field("name", &Group::name);
        m.field("members", &Group::members, dorm::through<Membership>());
    }
};

void Membership::define(dorm::ModelDef<Membership>& m) {
    m.table("membership");
    m.field("id", &Membership::id, dorm::auto_pk);
    m.field("person", &Membership::person);
    m.field("group", &Membership::group);
    m.field("role", &Membership::role, dorm::default_("guest"));
}

// A ForeignKey does not take an object of another model, nor an unrelated type.
static_assert(!std::is_assignable_v<dorm::ForeignKey<Blog>&, const Author&>);
static_assert(!std::is_assignable_v<dorm::ForeignKey<Blog>&, const Entry&>);
static_assert(!std::is_constructible_v<dorm::ForeignKey<Blog>, const Author&>);
static_assert(std::is_assignable_v<dorm::ForeignKey<Blog>&, const Blog&>);
static_assert(std::is_assignable_v<dorm::ForeignKey<Blog>&, std::nullptr_t>);
static_assert(!std::is_assignable_v<dorm::OneToOne<Place>&, const Blog&>);
static_assert(std::is_assignable_v<dorm::OneToOne<Place>&, const Place&>);

void create_all(dorm::Database& db) {
    dorm::create_tables<Person, Blog, Author, Entry, Note, Place, Restaurant, Group, Membership>(
        db);
}

// A fresh in-memory database, the default one while the test runs, and a counter of the
// statements it runs (off until start_log()).
struct Fixture {
    dorm::Database db{":memory:"};
    std::vector<std::string> log;

    Fixture() {
        dorm::set_default_database(db);
        create_all(db);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    void start_log() {
        log.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) { log.emplace_back(q.sql); });
    }
    std::size_t statements() const { return log.size(); }

    // One integer from raw SQL (row counts of join tables and the like).
    std::int64_t scalar(const std::string& sql, Values params = {}) {
        dorm::sql::Cursor c(db, sql, std::move(params));
        REQUIRE(c.next());
        return c.stmt().column(0).as_int();
    }
    Strings column_names(const std::string& table) {
        Strings out;
        dorm::sql::Cursor c(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid", {table});
        while (c.next())
            out.push_back(c.stmt().column(0).as_text());
        return out;
    }
};

Person person(const std::string& name) {
    Person p;
    p.name = name;
    p.save();
    return p;
}
Blog blog(const std::string& name, const Person* owner = nullptr) {
    Blog b;
    b.name = name;
    if (owner)
        b.owner = *owner;
    b.save();
    return b;
}
Author author(const std::string& name) {
    Author a;
    a.name = name;
    a.save();
    return a;
}
Entry entry(const Blog& b, const std::string& headline, int rating = 0) {
    Entry e;
    e.blog = b;
    e.headline = headline;
    e.rating = rating;
    e.save();
    return e;
}
Note note(const std::string& text, const Blog* b) {
    Note n;
    n.text = text;
    if (b)
        n.blog = *b;
    n.save();
    return n;
}

template <class QS>
Strings names(const QS& qs) {
    Strings out;
    for (const auto& o : qs)
        out.push_back(o.name);
    return out;
}
template <class QS>
Strings heads(const QS& qs) {
    Strings out;
    for (const auto& o : qs)
        out.push_back(o.headline);
    return out;
}
template <class QS>
Strings texts(const QS& qs) {
    Strings out;
    for (const auto& o : qs)
        out.push_back(o.text);
    return out;
}
Strings sorted(Strings v) {
    std::sort(v.begin(), v.end());
    return v;
}
bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

// The message of the dorm::Error a call throws ("" when it throws none).
template <class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const dorm::Error& e) {
        return e.what();
    }
    return {};
}

// Blogs A..D for the multi-valued tests, as in Django's "Spanning multi-valued relationships":
//   A: "Lennon tribute" (5)                 one entry matching both conditions
//   B: "Lennon bio" (2), "Other B" (5)      each condition met by a different entry
//   C: "Other C" (5)                        the rating condition only
//   D: no entries
struct MultiValued : Fixture {
    Blog a = blog("A"), b = blog("B"), c = blog("C"), d = blog("D");
    MultiValued() {
        entry(a, "Lennon tribute", 5);
        entry(b, "Lennon bio", 2);
        entry(b, "Other B", 5);
        entry(c, "Other C", 5);
    }
};

} // namespace

// --- declarations ---------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "declarations: relation fields, their columns and join tables") {
    const auto& blog_field = Entry::meta().field("blog");
    CHECK(blog_field.kind == dorm::FieldKind::ForeignKey);
    CHECK(blog_field.column == "blog_id");
    CHECK(&blog_field.related_model() == &Blog::meta());
    CHECK_FALSE(blog_field.null());
    CHECK(blog_field.on_delete == dorm::OnDelete::Cascade);
    // "blog_id" names the same field (Django's attname).
    CHECK(Entry::meta().find("blog_id") == &blog_field);

    const auto& owner = Blog::meta().field("owner");
    CHECK(owner.null());
    CHECK(owner.on_delete == dorm::OnDelete::SetNull);
    CHECK(owner.column == "owner_id");

    const auto& note_blog = Note::meta().field("blog");
    CHECK(note_blog.column == "blog_ref"); // db_column
    CHECK(note_blog.related_name == "notes");

    const auto& place = Restaurant::meta().field("place");
    CHECK(place.kind == dorm::FieldKind::OneToOne);
    CHECK(place.unique);
    CHECK(place.column == "place_id");

    // Columns as the database has them; a ManyToMany has none of its own.
    CHECK(column_names("entry") == Strings{"id", "blog_id", "headline", "rating"});
    CHECK(column_names("blog") == Strings{"id", "name", "owner_id"});
    CHECK(column_names("note") == Strings{"id", "text", "blog_ref"});
    CHECK(column_names("restaurant") == Strings{"id", "place_id", "serves_pizza"});

    // Automatic join tables: "<table>_<field>", one key column to each side; from_/to_ for a
    // model related to itself.
    const auto* authors = Entry::meta().find_many_to_many("authors");
    REQUIRE(authors);
    CHECK(authors->through_model().table == "entry_authors");
    CHECK(authors->through_model().name == "Entry_authors");
    CHECK(column_names("entry_authors") == Strings{"id", "entry_id", "author_id"});
    const auto* friends = Person::meta().find_many_to_many("friends");
    REQUIRE(friends);
    CHECK(&friends->related_model() == &Person::meta());
    CHECK(column_names("person_friends") == Strings{"id", "from_person_id", "to_person_id"});
    const auto* members = Group::meta().find_many_to_many("members");
    REQUIRE(members);
    CHECK(&members->through_model() == &Membership::meta());

    // The foreign keys reference the related tables.
    CHECK(scalar("SELECT COUNT(*) FROM pragma_foreign_key_list('entry') WHERE \"table\" = 'blog' "
                 "AND \"from\" = 'blog_id' AND \"to\" = 'id'") == 1);
    CHECK(scalar("SELECT COUNT(*) FROM pragma_foreign_key_list('note') WHERE \"table\" = 'blog' "
                 "AND \"from\" = 'blog_ref'") == 1);
    CHECK(scalar("SELECT COUNT(*) FROM pragma_foreign_key_list('entry_authors')") == 2);
}

// --- forward ForeignKey ---------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "forward ForeignKey: the first access loads with one query, later "
                          "ones use the cache") {
    Person pat = person("Pat");
    Blog b = blog("Beatles", &pat);
    const auto id = entry(b, "Lennon", 5).id;

    Entry e = Entry::objects().get("pk", id);
    CHECK(e.blog.id() == Value(b.id));
    CHECK_FALSE(e.blog.is_cached());
    start_log();
    CHECK(e.blog->name == "Beatles");
    REQUIRE(statements() == 1);
    CHECK(contains(log[0], "FROM \"blog\""));
    CHECK(e.blog.is_cached());
    CHECK(e.blog.get().name == "Beatles");
    CHECK((*e.blog).id == b.id);
    CHECK(e.blog.ptr() == &e.blog.get());
    CHECK(statements() == 1);

    // The loaded object is a full Blog: its own relation loads lazily too, once.
    CHECK(e.blog->owner->name == "Pat");
    CHECK(statements() == 2);
    CHECK(e.blog->owner->name == "Pat");
    CHECK(statements() == 2);

    // The cache is a snapshot: a change in the database is not seen until the id changes.
    Blog::objects().filter("pk", b.id).update({{"name", "Renamed"}});
    CHECK(e.blog->name == "Beatles");
    e.blog.set_id(b.id);
    CHECK_FALSE(e.blog.is_cached());
    CHECK(e.blog->name == "Renamed");
}

TEST_CASE_METHOD(Fixture, "forward ForeignKey: the raw id is read and written as blog_id") {
    Blog b1 = blog("One"), b2 = blog("Two");
    Entry e = entry(b1, "x");
    CHECK(e.blog.id() == Value(b1.id));
    CHECK(e.blog.is_cached()); // assigning an object keeps it

    e.blog.set_id(b2.id); // Django's e.blog_id = b2.id
    CHECK_FALSE(e.blog.is_cached());
    CHECK(e.blog.id() == Value(b2.id));
    e.save();
    CHECK(scalar("SELECT blog_id FROM entry WHERE id = ?", {e.id}) == b2.id);
    CHECK(Entry::objects().get("pk", e.id).blog->name == "Two");
    CHECK(e.blog->name == "Two");
    CHECK(Entry::objects().filter("blog_id", b2.id).count() == 1);
    CHECK(Entry::objects().filter("blog_id", b1.id).count() == 0);

    // A ForeignKey made from an object, as Django's Entry(blog=b).
    dorm::ForeignKey<Blog> fk = b1;
    CHECK(fk.id() == Value(b1.id));
    CHECK(fk->name == "One");
}

TEST_CASE_METHOD(Fixture, "forward ForeignKey: assigning an unsaved object is a ValueError") {
    Blog saved = blog("Saved");
    Entry e = entry(saved, "x");
    Blog unsaved;
    unsaved.name = "Unsaved";
    CHECK_THROWS_AS(e.blog = unsaved, dorm::ValueError);
    const std::string msg = error_of([&] { e.blog = unsaved; });
    CHECK(contains(msg, "unsaved Blog"));
    // Nothing changed.
    CHECK(e.blog.id() == Value(saved.id));
    CHECK(e.blog->name == "Saved");
    CHECK_THROWS_AS(dorm::ForeignKey<Blog>(unsaved), dorm::ValueError);
    // An object of another model does not compile (static_asserts at the top of this file).
    CHECK(std::is_assignable_v<dorm::ForeignKey<Blog>&, const Blog&>);
    CHECK_FALSE(std::is_assignable_v<dorm::ForeignKey<Blog>&, const Author&>);
}

TEST_CASE_METHOD(Fixture, "forward ForeignKey: nullptr clears a nullable relation") {
    Person pat = person("Pat");
    Blog b = blog("Blog", &pat);
    CHECK_FALSE(b.owner.is_null());
    CHECK(static_cast<bool>(b.owner));
    b.owner = nullptr;
    CHECK(b.owner.is_null());
    CHECK_FALSE(static_cast<bool>(b.owner));
    CHECK_FALSE(b.owner.is_cached());
    start_log();
    CHECK(b.owner.ptr() == nullptr); // no query for a NULL relation
    CHECK(statements() == 0);
    b.save();
    CHECK(scalar("SELECT owner_id IS NULL FROM blog WHERE id = ?", {b.id}) == 1);
    Blog again = Blog::objects().get("pk", b.id);
    CHECK(again.owner.is_null());
    CHECK(again.owner.ptr() == nullptr);
    CHECK(Blog::objects().filter("owner__isnull", true).count() == 1);
    CHECK(Blog::objects().filter("owner", nullptr).count() == 1); // exact=None is IS NULL

    // A non-nullable ForeignKey may not be saved as NULL.
    Entry e = entry(b, "x");
    e.blog = nullptr;
    CHECK_THROWS_AS(e.save(), dorm::IntegrityError);
    CHECK(scalar("SELECT blog_id FROM entry WHERE id = ?", {e.id}) == b.id);
}

TEST_CASE_METHOD(Fixture, "forward ForeignKey: get() on a NULL or dangling id throws the related "
                          "model's DoesNotExist") {
    Blog b = blog("No owner");
    CHECK_THROWS_AS(b.owner.get(), Person::DoesNotExist);
    CHECK_THROWS_AS(b.owner->name, Person::DoesNotExist);
    CHECK_THROWS_AS(*b.owner, dorm::ObjectDoesNotExist);
    CHECK(contains(error_of([&] { b.owner.get(); }), "Person"));

    Entry e;
    e.blog.set_id(987654); // no such blog
    CHECK_THROWS_AS(e.blog.get(), Blog::DoesNotExist);
    CHECK_THROWS_AS(e.blog.ptr(), Blog::DoesNotExist); // ptr() is nullptr only for NULL
    CHECK_FALSE(e.blog.is_cached());
    // Another model's DoesNotExist is not thrown.
    bool wrong_type = false;
    try {
        e.blog.get();
    } catch (const Person::DoesNotExist&) {
        wrong_type = true;
    } catch (const Blog::DoesNotExist&) {
    }
    CHECK_FALSE(wrong_type);
    // Nor may it be saved: the database checks the key.
    e.headline = "dangling";
    CHECK_THROWS_AS(e.save(), dorm::IntegrityError);
    CHECK(Entry::objects().count() == 0);
}

TEST_CASE("forward ForeignKey: loads from the database the owner was read from") {
    dorm_test::TempDir dir;
    dorm::Database one(dir.file("one.sqlite3")), two(dir.file("two.sqlite3"));
    create_all(one);
    create_all(two);
    dorm::set_default_database(one);
    Blog b1 = blog("In one");
    entry(b1, "entry");
    Blog b2;
    b2.name = "In two";
    b2.save(two);
    Entry e2;
    e2.blog = b2;
    e2.headline = "entry";
    e2.save(two);
    REQUIRE(b1.id == b2.id); // the same key in both files

    Entry from_two = Entry::objects().using_(two).get("pk", e2.id);
    CHECK(from_two.blog->name == "In two");
    Entry from_one = Entry::objects().get("pk", e2.id);
    CHECK(from_one.blog->name == "In one");
    // The related managers of an object read from its database too.
    CHECK(heads(b2.related(&Entry::blog)) == Strings{"entry"});
    CHECK(Blog::objects().using_(two).get("pk", b2.id).related(&Entry::blog).count() == 1);
    dorm::detail::default_database_slot() = nullptr;
}

// --- reverse ForeignKey: related managers ---------------------------------------------------

TEST_CASE_METHOD(Fixture, "reverse ForeignKey manager: all, filter, exclude, count") {
    Blog b = blog("Beatles"), other = blog("Other");
    entry(b, "Lennon", 5);
    entry(b, "McCartney", 3);
    entry(b, "Harrison", 4);
    entry(other, "Elsewhere", 5);

    auto entries = b.related(&Entry::blog);
    CHECK(sorted(heads(entries)) == Strings{"Harrison", "Lennon", "McCartney"});
    CHECK(entries.count() == 3);
    CHECK(heads(entries.filter("rating__gte", 4).order_by("headline")) ==
          Strings{"Harrison", "Lennon"});
    CHECK(heads(entries.exclude("headline", "Lennon").order_by("-rating")) ==
          Strings{"Harrison", "McCartney"});
    CHECK(heads(entries.all().order_by("headline")) == Strings{"Harrison", "Lennon", "McCartney"});
    CHECK(entries.get("headline", "Lennon").rating == 5);
    CHECK_THROWS_AS(entries.get("headline", "Elsewhere"), Entry::DoesNotExist);
    CHECK(other.related(&Entry::blog).count() == 1);
    CHECK(blog("Empty").related(&Entry::blog).count() == 0);
    // The manager's query is "blog_id = <owner>".
    CHECK(contains(entries.sql().text, "\"entry\".\"blog_id\" = ?"));
    CHECK(entries.sql().params == Values{b.id});
    // By accessor name: Django's blog.entry_set.
    CHECK(b.related<Entry>("entry_set").count() == 3);

    // An unsaved owner has no related objects to ask about.
    Blog unsaved;
    CHECK_THROWS_AS(unsaved.related(&Entry::blog), dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "reverse ForeignKey manager: create and add") {
    Blog b = blog("Beatles"), other = blog("Other");
    auto entries = b.related(&Entry::blog);

    Entry made = entries.create({{"headline", "Created"}, {"rating", 4}});
    CHECK(made.id != 0);
    CHECK(made.blog.id() == Value(b.id));
    CHECK(Entry::objects().get("pk", made.id).blog.id() == Value(b.id));
    CHECK(heads(b.related(&Entry::blog)) == Strings{"Created"});

    // add() moves saved objects to this blog (an UPDATE), and sets their member.
    Entry moved = entry(other, "Moved");
    Entry moved2 = entry(other, "Moved too");
    entries.add(moved, moved2);
    CHECK(moved.blog.id() == Value(b.id));
    CHECK(moved2.blog.id() == Value(b.id));
    CHECK(sorted(heads(b.related(&Entry::blog))) == Strings{"Created", "Moved", "Moved too"});
    CHECK(other.related(&Entry::blog).count() == 0);
    std::vector<Entry> list{entry(other, "From a vector")};
    entries.add(list);
    CHECK(list[0].blog.id() == Value(b.id));
    CHECK(b.related(&Entry::blog).count() == 4);

    // An unsaved object is a ValueError, and nothing is written.
    Entry unsaved;
    unsaved.headline = "Unsaved";
    unsaved.blog = other;
    CHECK_THROWS_AS(entries.add(unsaved), dorm::ValueError);
    Entry saved = entry(other, "Saved");
    CHECK_THROWS_AS(entries.add(saved, unsaved), dorm::ValueError);
    CHECK(Entry::objects().get("pk", saved.id).blog.id() == Value(other.id));
    CHECK(Entry::objects().count() == 5);
}

TEST_CASE_METHOD(Fixture, "reverse ForeignKey manager: remove and clear need a nullable "
                          "ForeignKey") {
    Blog b = blog("Beatles"), other = blog("Other");
    Entry e1 = entry(b, "One"), e2 = entry(b, "Two");

    // Entry.blog may not be NULL: no remove() nor clear(), as Django.
    auto entries = b.related(&Entry::blog);
    CHECK_THROWS_AS(entries.remove(e1), dorm::UsageError);
    CHECK_THROWS_AS(entries.clear(), dorm::UsageError);
    const std::string msg = error_of([&] { entries.clear(); });
    CHECK(contains(msg, "Entry.blog"));
    CHECK(entries.count() == 2);

    // Note.blog may: remove() and clear() set it to NULL and keep the rows.
    Note n1 = note("n1", &b), n2 = note("n2", &b), n3 = note("n3", &b),
         elsewhere = note("x", &other);
    auto notes = b.related(&Note::blog);
    notes.remove(n1);
    CHECK(n1.blog.is_null());
    CHECK(sorted(texts(b.related(&Note::blog))) == Strings{"n2", "n3"});
    CHECK(Note::objects().get("pk", n1.id).blog.is_null());
    CHECK(Note::objects().count() == 4);

    // Removing an object that is not related is Note::DoesNotExist; nothing changes.
    CHECK_THROWS_AS(notes.remove(elsewhere), Note::DoesNotExist);
    CHECK_THROWS_AS(notes.remove(n2, elsewhere), Note::DoesNotExist);
    CHECK(Note::objects().get("pk", elsewhere.id).blog.id() == Value(other.id));
    CHECK(b.related(&Note::blog).count() == 2);

    notes.clear();
    CHECK(b.related(&Note::blog).count() == 0);
    CHECK(Note::objects().count() == 4);
    CHECK(Note::objects().filter("blog__isnull", true).count() == 3);
    CHECK(other.related(&Note::blog).count() == 1); // other blogs' notes untouched
    (void)n2;
    (void)n3;
}

TEST_CASE_METHOD(Fixture, "reverse ForeignKey manager: set() makes exactly these objects "
                          "related") {
    Blog b = blog("Beatles"), other = blog("Other");
    Note n1 = note("n1", &b), n2 = note("n2", &b), n3 = note("n3", &other),
         n4 = note("n4", nullptr);
    std::vector<Note> wanted{n2, n3, n4};
    b.related(&Note::blog).set(wanted);
    CHECK(sorted(texts(b.related(&Note::blog))) == Strings{"n2", "n3", "n4"});
    CHECK(Note::objects().get("pk", n1.id).blog.is_null()); // removed, not deleted
    CHECK(other.related(&Note::blog).count() == 0);
    for (const auto& n : wanted)
        CHECK(n.blog.id() == Value(b.id));
    std::vector<Note> none;
    b.related(&Note::blog).set(none);
    CHECK(b.related(&Note::blog).count() == 0);
    CHECK(Note::objects().count() == 4);

    // A non-nullable ForeignKey cannot lose rows: set() only adds (Django does the same).
    Entry e1 = entry(b, "e1"), e2 = entry(other, "e2");
    std::vector<Entry> entries{e2};
    b.related(&Entry::blog).set(entries);
    CHECK(sorted(heads(b.related(&Entry::blog))) == Strings{"e1", "e2"});
    (void)e1;

    // An unsaved object is a ValueError; nothing changes.
    Note unsaved;
    unsaved.text = "unsaved";
    std::vector<Note> bad{n1, unsaved};
    CHECK_THROWS_AS(b.related(&Note::blog).set(bad), dorm::ValueError);
    CHECK(b.related(&Note::blog).count() == 0);
}

TEST_CASE_METHOD(Fixture, "related_name: the accessor and the query name") {
    Blog b = blog("Beatles");
    note("hello", &b);
    note("world", &b);
    entry(b, "Lennon");

    CHECK(sorted(texts(b.related<Note>("notes"))) == Strings{"hello", "world"});
    CHECK(b.related<Entry>("entry_set").count() == 1);
    // related_name replaces the default accessor and query name ("note_set", "note").
    const std::string msg = error_of([&] { b.related<Note>("note_set"); });
    CHECK(contains(msg, "Blog"));
    CHECK(contains(msg, "note_set"));
    CHECK(contains(msg, "entry_set"));
    CHECK(contains(msg, "notes"));
    CHECK_THROWS_AS(b.related<Note>("note_set"), dorm::FieldError);
    // The name of another model's relation is not taken as this one's.
    CHECK_THROWS_AS(b.related<Note>("entry_set"), dorm::FieldError);

    CHECK(names(Blog::objects().filter("notes__text", "hello")) == Strings{"Beatles"});
    CHECK(Blog::objects().filter("notes__text", "nope").count() == 0);
    CHECK_THROWS_AS(Blog::objects().filter("note__text", "hello"), dorm::FieldError);
    // The db_column is used in the join.
    CHECK(contains(Blog::objects().filter("notes__text", "x").sql().text,
                   "ON (\"blog\".\"id\" = \"note\".\"blog_ref\")"));
    CHECK(Note::objects().filter("blog_id", b.id).count() == 2);
    CHECK(Note::objects().filter("blog__name", "Beatles").count() == 2);
}

TEST_CASE_METHOD(Fixture, "OneToOne: the reverse side is one object or DoesNotExist") {
    Place diner, park;
    diner.name = "Diner";
    diner.save();
    park.name = "Park";
    park.save();
    Restaurant r;
    r.place = diner;
    r.serves_pizza = true;
    r.save();

    Restaurant found = diner.related(&Restaurant::place);
    CHECK(found.id == r.id);
    CHECK(found.serves_pizza);
    CHECK(found.place->name == "Diner");
    CHECK_THROWS_AS(park.related(&Restaurant::place), Restaurant::DoesNotExist);

    CHECK(names(Place::objects().filter("restaurant__serves_pizza", true)) == Strings{"Diner"});
    CHECK(names(Place::objects().filter("restaurant__isnull", true)) == Strings{"Park"});
    CHECK(Restaurant::objects().filter("place__name", "Diner").count() == 1);
    // Unique: a second restaurant at the same place is refused.
    Restaurant again;
    again.place = diner;
    CHECK_THROWS_AS(again.save(), dorm::IntegrityError);
}

// --- many-to-many ---------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "ManyToMany: add, remove, clear, set and create from the declaring "
                          "side") {
    Blog b = blog("Blog");
    Entry e = entry(b, "Entry"), other = entry(b, "Other");
    Author ann = author("Ann"), bob = author("Bob"), cy = author("Cy");
    auto links = [&] { return scalar("SELECT COUNT(*) FROM entry_authors"); };

    auto authors = e.related(&Entry::authors);
    CHECK(authors.count() == 0);
    authors.add(ann, bob);
    CHECK(sorted(names(e.related(&Entry::authors))) == Strings{"Ann", "Bob"});
    CHECK(links() == 2);
    // Adding a link that exists does nothing.
    authors.add(ann);
    authors.add(ann, bob);
    CHECK(links() == 2);
    CHECK(e.related(&Entry::authors).count() == 2);
    CHECK(names(authors.filter("name__startswith", "B")) == Strings{"Bob"});
    CHECK(names(authors.exclude("name", "Bob")) == Strings{"Ann"});

    other.related(&Entry::authors).add(bob);
    CHECK(links() == 3);

    authors.remove(ann);
    CHECK(names(e.related(&Entry::authors)) == Strings{"Bob"});
    CHECK(Author::objects().count() == 3); // the author itself is kept
    authors.remove(cy);                    // not linked: nothing happens
    CHECK(links() == 2);

    std::vector<Author> wanted{ann, cy};
    authors.set(wanted);
    CHECK(sorted(names(e.related(&Entry::authors))) == Strings{"Ann", "Cy"});
    CHECK(names(other.related(&Entry::authors)) == Strings{"Bob"}); // other links untouched
    CHECK(links() == 3);

    Author dee = authors.create({{"name", "Dee"}});
    CHECK(dee.id != 0);
    CHECK(Author::objects().filter("name", "Dee").count() == 1);
    CHECK(sorted(names(e.related(&Entry::authors))) == Strings{"Ann", "Cy", "Dee"});

    authors.clear();
    CHECK(e.related(&Entry::authors).count() == 0);
    CHECK(links() == 1);
    CHECK(Author::objects().count() == 4);

    // Unsaved objects are a ValueError.
    Author unsaved;
    unsaved.name = "Unsaved";
    CHECK_THROWS_AS(authors.add(unsaved), dorm::ValueError);
    CHECK_THROWS_AS(authors.add(ann, unsaved), dorm::ValueError);
    CHECK(links() == 1); // all or nothing
    CHECK_THROWS_AS(authors.remove(unsaved), dorm::ValueError);
    Entry unsaved_entry;
    CHECK_THROWS_AS(unsaved_entry.related(&Entry::authors), dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "ManyToMany: the same links from the target side") {
    Blog b = blog("Blog");
    Entry e1 = entry(b, "E1"), e2 = entry(b, "E2"), e3 = entry(b, "E3");
    Author ann = author("Ann"), bob = author("Bob");
    e1.related(&Entry::authors).add(ann);

    auto entries = ann.related(&Entry::authors); // Django's ann.entry_set
    CHECK(heads(entries) == Strings{"E1"});
    entries.add(e2, e1);
    CHECK(sorted(heads(ann.related(&Entry::authors))) == Strings{"E1", "E2"});
    CHECK(names(e2.related(&Entry::authors)) == Strings{"Ann"}); // seen from both sides
    CHECK(scalar("SELECT COUNT(*) FROM entry_authors") == 2);
    CHECK(heads(ann.related<Entry>("entry_set").order_by("headline")) == Strings{"E1", "E2"});

    entries.remove(e1);
    CHECK(heads(ann.related(&Entry::authors)) == Strings{"E2"});
    CHECK(e1.related(&Entry::authors).count() == 0);

    std::vector<Entry> wanted{e3};
    entries.set(wanted);
    CHECK(heads(ann.related(&Entry::authors)) == Strings{"E3"});

    Entry made = entries.create({{"headline", "Made"}, {"blog", b.id}, {"rating", 1}});
    CHECK(names(made.related(&Entry::authors)) == Strings{"Ann"});
    CHECK(sorted(heads(ann.related(&Entry::authors))) == Strings{"E3", "Made"});

    bob.related(&Entry::authors).add(e3);
    entries.clear();
    CHECK(ann.related(&Entry::authors).count() == 0);
    CHECK(names(e3.related(&Entry::authors)) == Strings{"Bob"});
    CHECK(Entry::objects().count() == 4);
}

TEST_CASE_METHOD(Fixture, "ManyToMany: a model related to itself is symmetrical, as Django's") {
    Person ann = person("Ann"), bob = person("Bob"), cy = person("Cy");
    ann.related(&Person::friends).add(bob, cy);
    bob.related(&Person::friends).add(cy);
    bob.related(&Person::friends).add(ann); // exists already, both ways: nothing changes

    // Every link is stored both ways, as Django's symmetrical ManyToManyField("self").
    CHECK(scalar("SELECT COUNT(*) FROM person_friends") == 6);
    CHECK(scalar("SELECT COUNT(*) FROM person_friends WHERE from_person_id = ? AND "
                 "to_person_id = ?",
                 {bob.id, ann.id}) == 1);
    CHECK(sorted(names(ann.related(&Person::friends))) == Strings{"Bob", "Cy"});
    CHECK(sorted(names(bob.related(&Person::friends))) == Strings{"Ann", "Cy"});
    CHECK(sorted(names(cy.related(&Person::friends))) == Strings{"Ann", "Bob"});
    // There is no other side to name: "person_set" is the one-way "follows" relation.
    CHECK(bob.related<Person>("person_set").count() == 0);
    CHECK(sorted(names(Person::objects().filter("friends__name", "Cy"))) == Strings{"Ann", "Bob"});
    const std::string sql = Person::objects().filter("friends__name", "Cy").sql().text;
    CHECK(contains(sql, "ON (\"person\".\"id\" = \"person_friends\".\"from_person_id\")"));
    CHECK(contains(sql, "ON (\"person_friends\".\"to_person_id\" = \"T3\".\"id\")"));

    ann.related(&Person::friends).remove(cy); // both directions go
    CHECK(names(ann.related(&Person::friends)) == Strings{"Bob"});
    CHECK(names(cy.related(&Person::friends)) == Strings{"Bob"});
    bob.related(&Person::friends).clear();
    CHECK(ann.related(&Person::friends).count() == 0);
    CHECK(cy.related(&Person::friends).count() == 0);
    CHECK(scalar("SELECT COUNT(*) FROM person_friends") == 0);
}

TEST_CASE_METHOD(Fixture, "ManyToMany: a model related to itself with symmetrical(false)") {
    Person ann = person("Ann"), bob = person("Bob"), cy = person("Cy");
    // The other ManyToMany<Person> member first: each member finds its own field.
    CHECK(ann.related(&Person::friends).count() == 0);
    ann.related(&Person::follows).add(bob, cy);
    bob.related(&Person::follows).add(cy);

    CHECK(scalar("SELECT COUNT(*) FROM person_follows") == 3);
    CHECK(scalar("SELECT COUNT(*) FROM person_follows WHERE from_person_id = ? AND "
                 "to_person_id = ?",
                 {ann.id, bob.id}) == 1);
    CHECK(sorted(names(ann.related(&Person::follows))) == Strings{"Bob", "Cy"});
    CHECK(names(bob.related(&Person::follows)) == Strings{"Cy"});
    CHECK(cy.related(&Person::follows).count() == 0);
    // The links are directed: the other side is "person_set" / "person".
    CHECK(names(bob.related<Person>("person_set")) == Strings{"Ann"});
    CHECK(sorted(names(cy.related<Person>("person_set"))) == Strings{"Ann", "Bob"});

    CHECK(sorted(names(Person::objects().filter("follows__name", "Cy"))) == Strings{"Ann", "Bob"});
    CHECK(names(Person::objects().filter("person__name", "Ann").order_by("name")) ==
          Strings{"Bob", "Cy"});
    CHECK(names(Person::objects().filter("follows__follows__name", "Cy")) == Strings{"Ann"});

    ann.related(&Person::follows).remove(cy);
    CHECK(names(ann.related(&Person::follows)) == Strings{"Bob"});
    CHECK(names(cy.related<Person>("person_set")) == Strings{"Bob"});
}

TEST_CASE_METHOD(Fixture, "ManyToMany: through a declared join model") {
    Person ann = person("Ann"), bob = person("Bob"), cy = person("Cy");
    Group chess, choir;
    chess.name = "Chess";
    chess.save();
    choir.name = "Choir";
    choir.save();
    auto join = [](const Person& p, const Group& g, const std::string& role) {
        Membership m;
        m.person = p;
        m.group = g;
        m.role = role;
        m.save();
    };
    join(ann, chess, "captain");
    join(bob, chess, "member");
    join(bob, choir, "tenor");
    (void)cy;

    CHECK(sorted(names(chess.related(&Group::members))) == Strings{"Ann", "Bob"});
    CHECK(names(choir.related(&Group::members)) == Strings{"Bob"});
    CHECK(sorted(names(bob.related(&Group::members))) == Strings{"Chess", "Choir"});
    CHECK(cy.related(&Group::members).count() == 0);
    CHECK(names(chess.related(&Group::members).filter("name__startswith", "B")) == Strings{"Bob"});

    CHECK(names(Group::objects().filter("members__name", "Ann")) == Strings{"Chess"});
    CHECK(sorted(names(Person::objects().filter("group__name", "Chess"))) == Strings{"Ann", "Bob"});
    CHECK(names(Person::objects().filter("membership__role", "tenor")) == Strings{"Bob"});
    CHECK(names(Group::objects().filter("membership__role", "captain")) == Strings{"Chess"});
    // Conditions on the member and on the membership in one filter() use the same link.
    CHECK(names(Group::objects().filter({{"membership__person__name", "Bob"},
                                         {"membership__role", "tenor"}})) == Strings{"Choir"});
    CHECK(names(Person::objects().filter("group__isnull", true)) == Strings{"Cy"});

    // add() through a declared join model makes a new Membership: the members' initial
    // values and declared defaults fill its other fields (Django uses the fields' defaults).
    choir.related(&Group::members).add(cy);
    choir.related(&Group::members).add(cy); // linked already: nothing more
    CHECK(sorted(names(choir.related(&Group::members))) == Strings{"Bob", "Cy"});
    CHECK(scalar("SELECT COUNT(*) FROM membership WHERE person_id = ? AND role = 'guest'",
                 {cy.id}) == 1);
    choir.related(&Group::members).remove(cy);
    CHECK(names(choir.related(&Group::members)) == Strings{"Bob"});
    // A filter needs the joined rows: INNER JOINs (Django's join demotion); order_by does not.
    CHECK(contains(Group::objects().filter("members__name", "x").sql().text,
                   "INNER JOIN \"membership\" ON (\"grp\".\"id\" = "
                   "\"membership\".\"group_id\") INNER JOIN \"person\" ON "
                   "(\"membership\".\"person_id\" = \"person\".\"id\")"));
    CHECK(contains(Group::objects().order_by("members__name").sql().text,
                   "LEFT OUTER JOIN \"membership\" ON (\"grp\".\"id\" = "
                   "\"membership\".\"group_id\") LEFT OUTER JOIN \"person\" ON "
                   "(\"membership\".\"person_id\" = \"person\".\"id\")"));
}

// --- lookups across relations ---------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "lookups across relations: forward, reverse and several levels") {
    Person pat = person("Pat"), sam = person("Sam");
    Blog beatles = blog("Beatles Blog", &pat), cooking = blog("Cooking", &sam),
         empty = blog("Empty");
    Entry lennon = entry(beatles, "Lennon", 5), mccartney = entry(beatles, "McCartney", 3),
          soup = entry(cooking, "Soup", 4);
    Author ann = author("Ann"), bob = author("Bob");
    lennon.related(&Entry::authors).add(ann, bob);
    soup.related(&Entry::authors).add(bob);
    (void)mccartney;
    (void)empty;

    // Forward.
    CHECK(sorted(heads(Entry::objects().filter("blog__name", "Beatles Blog"))) ==
          Strings{"Lennon", "McCartney"});
    CHECK(heads(Entry::objects().filter("blog__name__istartswith", "cook")) == Strings{"Soup"});
    CHECK(heads(Entry::objects().filter("blog__owner__name", "Sam")) == Strings{"Soup"});
    // Reverse.
    CHECK(names(Blog::objects().filter("entry__headline", "Soup")) == Strings{"Cooking"});
    CHECK(names(Person::objects().filter("blog__entry__rating__gte", 5)) == Strings{"Pat"});
    // Several levels, through a many-to-many.
    CHECK(sorted(names(Author::objects().filter("entry__blog__name__icontains", "BEATLES"))) ==
          Strings{"Ann", "Bob"});
    CHECK(names(Author::objects().filter("entry__blog__owner__name", "Sam")) == Strings{"Bob"});
    CHECK(names(Person::objects().filter("blog__entry__authors__name", "Ann")) == Strings{"Pat"});
    // ManyToMany by field name.
    CHECK(sorted(heads(Entry::objects().filter("authors__name", "Bob"))) ==
          Strings{"Lennon", "Soup"});
    CHECK(heads(Entry::objects().filter("authors__name", "Ann")) == Strings{"Lennon"});
    CHECK(heads(Entry::objects().filter("authors", ann)) == Strings{"Lennon"});
    // F() across a relation: "Lennon" < "Pat", "McCartney" < "Pat", not "Soup" < "Sam".
    CHECK(sorted(heads(Entry::objects().filter("headline__lt", dorm::F("blog__owner__name")))) ==
          Strings{"Lennon", "McCartney"});
}

TEST_CASE_METHOD(Fixture, "lookups across relations: blog=obj, blog_id and blog__id need no join") {
    Blog b1 = blog("One"), b2 = blog("Two");
    entry(b1, "a");
    entry(b1, "b");
    entry(b2, "c");
    const std::string plain = "SELECT \"entry\".\"id\", \"entry\".\"blog_id\", "
                              "\"entry\".\"headline\", \"entry\".\"rating\" FROM \"entry\" "
                              "WHERE \"entry\".\"blog_id\" = ?";

    for (const char* key : {"blog", "blog_id", "blog__id", "blog__pk"}) {
        INFO(key);
        const auto qs = Entry::objects().filter(key, b1.id);
        CHECK(qs.sql().text == plain);
        CHECK(qs.sql().params == Values{b1.id});
        CHECK(sorted(heads(qs)) == Strings{"a", "b"});
    }
    const auto by_object = Entry::objects().filter("blog", b2);
    CHECK(by_object.sql().text == plain);
    CHECK(heads(by_object) == Strings{"c"});
    CHECK(heads(Entry::objects().filter("blog__exact", b2)) == Strings{"c"});
    CHECK(sorted(heads(Entry::objects().filter("blog__in", Values{b1.id, b2.id}))) ==
          Strings{"a", "b", "c"});
    CHECK(heads(Entry::objects().exclude("blog", b1)) == Strings{"c"});

    // An object of the wrong model, or an unsaved one, is a ValueError.
    Author a = author("Ann");
    const std::string msg = error_of([&] { Entry::objects().filter("blog", a); });
    CHECK(contains(msg, "Author"));
    CHECK(contains(msg, "Blog"));
    CHECK_THROWS_AS(Entry::objects().filter("blog", a), dorm::ValueError);
    Blog unsaved;
    CHECK_THROWS_AS(Entry::objects().filter("blog", unsaved), dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "lookups across relations: __in with a queryset, and isnull across a "
                          "reverse relation") {
    Blog alpha = blog("Alpha"), beta = blog("Beta"), gamma = blog("Gamma");
    entry(alpha, "a1");
    entry(alpha, "a2");
    entry(beta, "b1");
    (void)gamma;

    const auto qs = Entry::objects().filter("blog__in", Blog::objects().filter("name__lt", "Beta"));
    CHECK(sorted(heads(qs)) == Strings{"a1", "a2"});
    CHECK(contains(qs.sql().text, "\"entry\".\"blog_id\" IN (SELECT \"blog\".\"id\""));
    // The subquery is not ordered (Blog's Meta.ordering does not matter inside IN).
    CHECK_FALSE(contains(qs.sql().text, "ORDER BY"));
    CHECK(Entry::objects().filter("blog__in", Blog::objects().none()).count() == 0);
    CHECK_THROWS_AS(Entry::objects().filter("blog__in", Author::objects().all()), dorm::ValueError);

    CHECK(names(Blog::objects().filter("entry__isnull", true)) == Strings{"Gamma"});
    // isnull=false repeats a blog once per entry, as Django's; distinct() makes it one.
    CHECK(names(Blog::objects().filter("entry__isnull", false)) ==
          Strings{"Alpha", "Alpha", "Beta"});
    CHECK(names(Blog::objects().filter("entry__isnull", false).distinct()) ==
          Strings{"Alpha", "Beta"});
    CHECK(names(Blog::objects().exclude("entry__isnull", false)) == Strings{"Gamma"});
}

// --- multi-valued relations -----------------------------------------------------------------

TEST_CASE_METHOD(MultiValued, "multi-valued relations: one filter() call versus chained "
                              "filter() calls") {
    // One call: both conditions on the same entry.
    const auto one =
        Blog::objects().filter({{"entry__headline__contains", "Lennon"}, {"entry__rating", 5}});
    CHECK(names(one) == Strings{"A"});
    CHECK(names(Blog::objects().filter(Q("entry__headline__contains", "Lennon") &
                                       Q("entry__rating", 5))) == Strings{"A"});
    // Chained: each condition may hold for a different entry (Django's second join).
    const auto chained =
        Blog::objects().filter("entry__headline__contains", "Lennon").filter("entry__rating", 5);
    CHECK(names(chained) == Strings{"A", "B"});
    CHECK(one.sql().text ==
          "SELECT \"blog\".\"id\", \"blog\".\"name\", \"blog\".\"owner_id\" FROM \"blog\" INNER "
          "JOIN \"entry\" ON (\"blog\".\"id\" = \"entry\".\"blog_id\") WHERE "
          "(\"entry\".\"headline\" GLOB ? AND \"entry\".\"rating\" = ?) ORDER BY \"blog\".\"name\" "
          "ASC");
    CHECK(chained.sql().text ==
          "SELECT \"blog\".\"id\", \"blog\".\"name\", \"blog\".\"owner_id\" FROM \"blog\" INNER "
          "JOIN \"entry\" ON (\"blog\".\"id\" = \"entry\".\"blog_id\") INNER JOIN "
          "\"entry\" \"T3\" ON (\"blog\".\"id\" = \"T3\".\"blog_id\") WHERE "
          "(\"entry\".\"headline\" GLOB ? AND \"T3\".\"rating\" = ?) ORDER BY \"blog\".\"name\" "
          "ASC");
    // Single-valued relations share their join either way.
    CHECK(Entry::objects().filter("blog__name", "B").filter("blog__id__gt", 0).sql().text ==
          Entry::objects().filter({{"blog__name", "B"}, {"blog__id__gt", 0}}).sql().text);
}

TEST_CASE_METHOD(MultiValued, "multi-valued relations: exclude() means no related row matches") {
    CHECK(names(Blog::objects().exclude("entry__headline__contains", "Lennon")) ==
          Strings{"C", "D"});
    CHECK(names(Blog::objects().exclude("entry__rating", 5)) == Strings{"D"});
    // As Django's documentation says, the conditions of one exclude() call need not hold for
    // the same entry: blogs with a Lennon entry and a rating-5 entry are excluded (A and B).
    CHECK(names(Blog::objects().exclude({{"entry__headline__contains", "Lennon"},
                                         {"entry__rating", 5}})) == Strings{"C", "D"});
    // Excluding the blogs with one entry matching both takes a subquery, as Django's docs show.
    CHECK(names(Blog::objects().exclude(
              "pk__in", Blog::objects().filter({{"entry__headline__contains", "Lennon"},
                                                {"entry__rating", 5}}))) == Strings{"B", "C", "D"});
    CHECK(names(Blog::objects().filter(~Q("entry__headline__contains", "Lennon"))) ==
          Strings{"C", "D"});
    CHECK(names(Blog::objects()
                    .exclude("entry__headline__contains", "Lennon")
                    .exclude("entry__rating", 5)) == Strings{"D"});
    CHECK(Blog::objects().exclude("entry__headline", "Lennon tribute").sql().text ==
          "SELECT \"blog\".\"id\", \"blog\".\"name\", \"blog\".\"owner_id\" FROM \"blog\" WHERE "
          "NOT (\"blog\".\"id\" IN (SELECT \"blog\".\"id\" AS \"pk\" FROM \"blog\" INNER "
          "JOIN \"entry\" ON (\"blog\".\"id\" = \"entry\".\"blog_id\") WHERE "
          "\"entry\".\"headline\" = ?)) ORDER BY \"blog\".\"name\" ASC");
}

TEST_CASE_METHOD(MultiValued, "multi-valued relations: distinct() removes rows repeated by the "
                              "join") {
    const auto qs = Blog::objects().filter("entry__rating__gte", 1);
    CHECK(names(qs) == Strings{"A", "B", "B", "C"});
    CHECK(qs.count() == 4);
    CHECK(names(qs.distinct()) == Strings{"A", "B", "C"});
    CHECK(qs.distinct().count() == 3);
    CHECK(names(Blog::objects().filter("entry__rating", 5).distinct()) == Strings{"A", "B", "C"});
}

// --- ordering, values, aggregates -----------------------------------------------------------

TEST_CASE_METHOD(Fixture, "order_by across relations, and by a relation (its Meta.ordering)") {
    Person zed = person("Zed"), amy = person("Amy");
    Blog x = blog("X", &amy), y = blog("Y", &zed), a = blog("A");
    entry(x, "x1");
    entry(y, "y1");
    entry(a, "a2");
    entry(a, "a1");
    entry(x, "x0");

    CHECK(heads(Entry::objects().order_by("blog__name", "headline")) ==
          Strings{"a1", "a2", "x0", "x1", "y1"});
    CHECK(heads(Entry::objects().order_by("-blog__name", "-headline")) ==
          Strings{"y1", "x1", "x0", "a2", "a1"});
    // order_by("blog") orders by Blog's Meta.ordering (name), not its id.
    CHECK(heads(Entry::objects().order_by("blog", "headline")) ==
          Strings{"a1", "a2", "x0", "x1", "y1"});
    CHECK(heads(Entry::objects().order_by("-blog", "headline")) ==
          Strings{"y1", "x0", "x1", "a1", "a2"});
    CHECK(Entry::objects().order_by("blog").sql().text ==
          "SELECT \"entry\".\"id\", \"entry\".\"blog_id\", \"entry\".\"headline\", "
          "\"entry\".\"rating\" FROM \"entry\" INNER JOIN \"blog\" ON (\"entry\".\"blog_id\" = "
          "\"blog\".\"id\") ORDER BY \"blog\".\"name\" ASC");
    // blog_id / blog__id order by the column itself.
    CHECK_FALSE(contains(Entry::objects().order_by("blog_id").sql().text, "JOIN"));
    // Two levels; a blog with no owner sorts first (NULL), as SQLite does.
    CHECK(heads(Entry::objects().order_by("blog__owner__name", "headline")) ==
          Strings{"a1", "a2", "x0", "x1", "y1"});
    CHECK(heads(Entry::objects().order_by("-blog__owner__name", "headline")) ==
          Strings{"y1", "x0", "x1", "a1", "a2"});
    // Blogs by a reverse relation: one row per entry.
    CHECK(names(Blog::objects().order_by("entry__headline")) == Strings{"A", "A", "X", "X", "Y"});
}

TEST_CASE_METHOD(MultiValued, "values() over related fields") {
    std::vector<std::pair<std::string, Value>> rows;
    for (const auto& r :
         Blog::objects().values("name", "entry__headline").order_by("name", "entry__headline"))
        rows.emplace_back(r["name"].as_text(), r["entry__headline"]);
    // A blog without entries gives one row with NULL, as Django's LEFT OUTER JOIN.
    CHECK(rows == std::vector<std::pair<std::string, Value>>{{"A", Value("Lennon tribute")},
                                                             {"B", Value("Lennon bio")},
                                                             {"B", Value("Other B")},
                                                             {"C", Value("Other C")},
                                                             {"D", Value()}});
    Strings pairs;
    for (const auto& r : Entry::objects().values("headline", "blog__name").order_by("headline"))
        pairs.push_back(r["headline"].as_text() + "@" + r["blog__name"].as_text());
    CHECK(pairs == Strings{"Lennon bio@B", "Lennon tribute@A", "Other B@B", "Other C@C"});
    CHECK(Entry::objects().values("blog__name").sql().text ==
          "SELECT \"blog\".\"name\" AS \"blog__name\" FROM \"entry\" INNER JOIN \"blog\" ON "
          "(\"entry\".\"blog_id\" = \"blog\".\"id\")");
    // values_list() too, and "blog" alone is the key.
    Values keys;
    for (const auto& r : Entry::objects().values_list("blog").order_by("headline"))
        keys.push_back(r[0]);
    CHECK(keys == Values{b.id, a.id, b.id, c.id});
}

TEST_CASE_METHOD(MultiValued, "annotate() and aggregate() across relations") {
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (const auto& blog : Blog::objects().annotate("n", dorm::Count("entry")))
        counts.emplace_back(blog.name, blog.annotation("n").as_int());
    CHECK(counts == std::vector<std::pair<std::string, std::int64_t>>{
                        {"A", 1}, {"B", 2}, {"C", 1}, {"D", 0}});
    CHECK(names(Blog::objects().annotate("n", dorm::Count("entry")).filter("n__gte", 2)) ==
          Strings{"B"});
    CHECK(names(Blog::objects().annotate("n", dorm::Count("entry")).order_by("-n", "name")) ==
          Strings{"B", "A", "C", "D"});

    const auto avg = Blog::objects().aggregate(dorm::Avg("entry__rating"));
    REQUIRE(avg.count("entry__rating__avg") == 1);
    CHECK(avg.at("entry__rating__avg").as_double() == Approx(4.25)); // (5 + 2 + 5 + 5) / 4
    const auto b_only = Blog::objects().filter("name", "B").aggregate(dorm::Avg("entry__rating"));
    CHECK(b_only.at("entry__rating__avg").as_double() == Approx(3.5));
    CHECK(Blog::objects()
              .filter("name", "D")
              .aggregate(dorm::Avg("entry__rating"))
              .at("entry__rating__avg") == Value());
    const auto total =
        Entry::objects().filter("blog__name__in", Values{"A", "B"}).aggregate(dorm::Count("id"));
    CHECK(total.at("id__count") == Value(3));
}

// --- hostile values and errors ----------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "hostile strings in related-field filters are values, never SQL") {
    const Strings hostile = {
        "O'Brien \"quoted\"", "100% pure_fun",  "back\\slash\\",          "glob *?[a]",
        "Ünïcödé straße",     "emoji 🎸🥁", "'; DROP TABLE entry; --"};
    for (const auto& name : hostile) {
        Blog b = blog(name);
        entry(b, "re: " + name);
        author(name);
    }
    entry(blog("plain"), "plain");
    REQUIRE(Entry::objects().count() == 8);

    for (const auto& name : hostile) {
        INFO(name);
        const auto qs = Entry::objects().filter("blog__name", name);
        CHECK(heads(qs) == Strings{"re: " + name});
        CHECK_FALSE(contains(qs.sql().text, name));
        CHECK(names(Blog::objects().filter("entry__headline", "re: " + name)) == Strings{name});
        CHECK(names(Blog::objects().filter("entry__headline__endswith", name)) == Strings{name});
        CHECK(Blog::objects().exclude("entry__headline", "re: " + name).count() == 7);
    }
    auto blogs_of = [](const std::string& lookup, const std::string& v) {
        return sorted(names(Blog::objects().filter("entry__headline__" + lookup, v)));
    };
    // Wildcards of LIKE and GLOB match themselves.
    CHECK(blogs_of("contains", "%") == Strings{"100% pure_fun"});
    CHECK(blogs_of("contains", "_") == Strings{"100% pure_fun"});
    CHECK(blogs_of("icontains", "%") == Strings{"100% pure_fun"});
    CHECK(blogs_of("icontains", "_F") == Strings{"100% pure_fun"});
    CHECK(blogs_of("contains", "\\") == Strings{"back\\slash\\"});
    CHECK(blogs_of("icontains", "\\") == Strings{"back\\slash\\"});
    CHECK(blogs_of("contains", "*?[") == Strings{"glob *?[a]"});
    CHECK(blogs_of("contains", "[a]") == Strings{"glob *?[a]"});
    CHECK(blogs_of("startswith", "re: 100%") == Strings{"100% pure_fun"});
    CHECK(blogs_of("contains", "'") == Strings{"'; DROP TABLE entry; --", "O'Brien \"quoted\""});
    CHECK(blogs_of("icontains", "o'brien") == Strings{"O'Brien \"quoted\""});
    CHECK(blogs_of("contains", "straße") == Strings{"Ünïcödé straße"});
    CHECK(blogs_of("contains", "🥁") == Strings{"emoji 🎸🥁"});
    CHECK(blogs_of("icontains", "EMOJI 🎸") == Strings{"emoji 🎸🥁"});
    // Across a many-to-many, and in an __in list.
    CHECK(names(Author::objects().filter("name__contains", "%")) == Strings{"100% pure_fun"});
    CHECK(sorted(heads(Entry::objects().filter("blog__name__in", hostile))).size() == 7);
    CHECK(Entry::objects().filter("blog__name__in", Strings{"'", "%", "_"}).count() == 0);
    CHECK(Entry::objects().count() == 8); // the table is still there
}

TEST_CASE_METHOD(Fixture, "errors across relations name the model, the field and the choices") {
    // A typo after a relation: the related model's fields are the choices.
    const std::string hedline = error_of([] { Blog::objects().filter("entry__hedline", "x"); });
    CHECK(contains(hedline, "hedline"));
    CHECK(contains(hedline, "Entry"));
    CHECK(contains(hedline, "did you mean 'headline'"));
    CHECK(contains(hedline, "authors")); // relation names are among the choices
    CHECK(contains(hedline, "blog"));
    CHECK(contains(hedline, "exact")); // so are the lookups of the relation's key
    CHECK_THROWS_AS(Blog::objects().filter("entry__hedline", "x"), dorm::FieldError);

    // A typo in the relation name: the choices include the reverse relations.
    const std::string entyr = error_of([] { Blog::objects().filter("entyr__headline", "x"); });
    CHECK(contains(entyr, "'entyr'"));
    CHECK(contains(entyr, "Blog"));
    CHECK(contains(entyr, "did you mean 'entry'"));
    CHECK(contains(entyr, "notes"));
    CHECK(contains(entyr, "owner"));

    // Two levels down.
    const std::string nmae = error_of([] { Entry::objects().filter("blog__owner__nmae", "x"); });
    CHECK(contains(nmae, "nmae"));
    CHECK(contains(nmae, "Person"));
    CHECK(contains(nmae, "did you mean 'name'"));
    CHECK(contains(nmae, "friends"));
    CHECK(contains(nmae, "membership")); // reverse relations too
    // A mistyped lookup right after a relation is suggested as a lookup.
    CHECK(contains(error_of([] { Entry::objects().filter("blog__exactt", 1); }),
                   "did you mean 'exact'"));

    // A lookup that does not exist on the related field still names the lookups.
    const std::string lookup =
        error_of([] { Entry::objects().filter("blog__name__startswth", "x"); });
    CHECK(contains(lookup, "startswth"));
    CHECK(contains(lookup, "Blog.name"));
    CHECK(contains(lookup, "startswith"));

    // order_by() and values() across a relation.
    const std::string order = error_of([] { Entry::objects().order_by("blog__nmae"); });
    CHECK(contains(order, "nmae"));
    CHECK(contains(order, "Blog"));
    CHECK(contains(order, "did you mean 'name'"));
    CHECK(contains(order, "entry"));
    CHECK_THROWS_AS(Entry::objects().order_by("blog__nmae"), dorm::FieldError);
    const std::string values = error_of([] { Entry::objects().values("blog__nmae"); });
    CHECK(contains(values, "nmae"));
    CHECK(contains(values, "Blog"));
    CHECK(contains(values, "did you mean 'name'"));
    CHECK_THROWS_AS(Entry::objects().values("blog__nmae"), dorm::FieldError);

    // Aggregates over an unknown relation.
    CHECK_THROWS_AS(Blog::objects().annotate("n", dorm::Count("entri")), dorm::FieldError);
    CHECK_THROWS_AS(Blog::objects().aggregate(dorm::Avg("entry__ratng")), dorm::FieldError);
    CHECK(contains(error_of([] { Blog::objects().aggregate(dorm::Avg("entry__ratng")); }),
                   "did you mean 'rating'"));
}

// --- the SQL of joins -----------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "SQL of joins: forward, reverse, many-to-many and exclude") {
    const auto forward = Entry::objects().filter("blog__name", "x").sql();
    CHECK(forward.text == "SELECT \"entry\".\"id\", \"entry\".\"blog_id\", \"entry\".\"headline\", "
                          "\"entry\".\"rating\" FROM \"entry\" INNER JOIN \"blog\" ON "
                          "(\"entry\".\"blog_id\" = \"blog\".\"id\") WHERE \"blog\".\"name\" = ?");
    CHECK(forward.params == Values{"x"});
    // A nullable ForeignKey is joined with LEFT OUTER JOIN unless a filter needs the row.
    CHECK(contains(Blog::objects().order_by("owner__name").sql().text,
                   "FROM \"blog\" LEFT OUTER JOIN \"person\" ON (\"blog\".\"owner_id\" = "
                   "\"person\".\"id\")"));
    CHECK(contains(
        Blog::objects().filter(dorm::Q("owner__name", "x") | dorm::Q("name", "y")).sql().text,
        "FROM \"blog\" LEFT OUTER JOIN \"person\""));
    CHECK(contains(Blog::objects().filter("owner__name", "x").sql().text,
                   "FROM \"blog\" INNER JOIN \"person\" ON (\"blog\".\"owner_id\" = "
                   "\"person\".\"id\")"));

    const auto reverse = Blog::objects().filter("entry__headline", "x").sql();
    CHECK(reverse.text == "SELECT \"blog\".\"id\", \"blog\".\"name\", \"blog\".\"owner_id\" FROM "
                          "\"blog\" INNER JOIN \"entry\" ON (\"blog\".\"id\" = "
                          "\"entry\".\"blog_id\") WHERE \"entry\".\"headline\" = ? ORDER BY "
                          "\"blog\".\"name\" ASC");
    CHECK(reverse.params == Values{"x"});

    const auto m2m = Entry::objects().filter("authors__name", "x").sql();
    CHECK(m2m.text == "SELECT \"entry\".\"id\", \"entry\".\"blog_id\", \"entry\".\"headline\", "
                      "\"entry\".\"rating\" FROM \"entry\" INNER JOIN \"entry_authors\" ON "
                      "(\"entry\".\"id\" = \"entry_authors\".\"entry_id\") INNER JOIN "
                      "\"author\" ON (\"entry_authors\".\"author_id\" = \"author\".\"id\") WHERE "
                      "\"author\".\"name\" = ?");
    const auto m2m_reverse = Author::objects().filter("entry__headline", "x").sql();
    CHECK(m2m_reverse.text ==
          "SELECT \"author\".\"id\", \"author\".\"name\" FROM \"author\" INNER JOIN "
          "\"entry_authors\" ON (\"author\".\"id\" = \"entry_authors\".\"author_id\") INNER "
          "JOIN \"entry\" ON (\"entry_authors\".\"entry_id\" = \"entry\".\"id\") WHERE "
          "\"entry\".\"headline\" = ?");

    const auto excluded = Entry::objects().exclude("authors__name", "x").sql();
    CHECK(excluded.text ==
          "SELECT \"entry\".\"id\", \"entry\".\"blog_id\", \"entry\".\"headline\", "
          "\"entry\".\"rating\" FROM \"entry\" WHERE NOT (\"entry\".\"id\" IN (SELECT "
          "\"entry\".\"id\" AS \"pk\" FROM \"entry\" INNER JOIN \"entry_authors\" ON "
          "(\"entry\".\"id\" = \"entry_authors\".\"entry_id\") INNER JOIN \"author\" ON "
          "(\"entry_authors\".\"author_id\" = \"author\".\"id\") WHERE \"author\".\"name\" = ?))");
    CHECK(excluded.params == Values{"x"});
    // Excluding across a single-valued relation needs no subquery.
    CHECK(Entry::objects().exclude("blog__name", "x").sql().text ==
          "SELECT \"entry\".\"id\", \"entry\".\"blog_id\", \"entry\".\"headline\", "
          "\"entry\".\"rating\" FROM \"entry\" INNER JOIN \"blog\" ON (\"entry\".\"blog_id\" = "
          "\"blog\".\"id\") WHERE NOT (\"blog\".\"name\" = ?)");
}

// --- reverse names that clash ----------------------------------------------------------------

struct Code : dorm::Model<Code> {
    std::int64_t id = 0;
    static void define(dorm::ModelDef<Code>& m) {
        m.table("code");
        m.field("id", &Code::id, dorm::auto_pk);
    }
};
// Two relations to Code with the same default reverse name "labelled" (Django: E304/E305).
struct Labelled : dorm::Model<Labelled> {
    std::int64_t id = 0;
    dorm::ForeignKey<Code> code;
    dorm::ManyToMany<Code> tags;
    static void define(dorm::ModelDef<Labelled>& m) {
        m.table("labelled");
        m.field("id", &Labelled::id, dorm::auto_pk);
        m.field("code", &Labelled::code);
        m.field("tags", &Labelled::tags);
    }
};

TEST_CASE_METHOD(Fixture, "reverse names that clash are a FieldError naming both fields") {
    dorm::create_tables<Code, Labelled>(db);
    const std::string msg =
        error_of([] { (void)Code::objects().filter("labelled__id", 1).count(); });
    CHECK(contains(msg, "Labelled.code"));
    CHECK(contains(msg, "Labelled.tags"));
    CHECK(contains(msg, "related_name"));
    // The forward side, and deleting, still work.
    Code c;
    c.save();
    Labelled l;
    l.code = c;
    l.save();
    CHECK(Labelled::objects().filter("code", c).count() == 1);
    CHECK(c.delete_().total == 2);
}
