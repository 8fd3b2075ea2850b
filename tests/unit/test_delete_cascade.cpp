// Deleting rows that other rows refer to: obj.delete_() and qs.delete_() through the collector.
// Every on_delete (cascade over several levels, protect, restrict with Django 3.1+'s
// "allowed when the restricting rows go by another cascade", set_null, set_default,
// do_nothing), many-to-many links from either side, a declared join model, OneToOne, a
// self-referential ForeignKey with a cycle, the DeleteResult counts (the numbers Django
// reports for the same deletes, checked against Django itself in
// tests/conformance/django_deletes.cpp), one transaction per delete (query log) and the fast
// path of a model nothing refers to.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using dorm::Value;
using Strings = std::vector<std::string>;
using Counts = std::map<std::string, std::int64_t>;

// Hostile text: quotes, LIKE wildcards, a backslash, non-ASCII.
const std::string hostile = "it's 100% _sure\\ \"Ünï\" 😀";

// --- models ---------------------------------------------------------------------------------

struct Owner : dorm::Model<Owner> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Owner>& m) {
        m.table("dc_owner");
        m.field("id", &Owner::id, dorm::auto_pk);
        m.field("name", &Owner::name, dorm::max_length(60));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Owner> owner;
    static void define(dorm::ModelDef<Blog>& m) {
        m.table("dc_blog");
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("name", &Blog::name, dorm::max_length(60));
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
    }
};

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("dc_author");
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(60));
    }
};

struct Entry : dorm::Model<Entry> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog; // cascade
    std::string headline;
    dorm::ManyToMany<Author> authors; // join table dc_entry_authors, model "Entry_authors"
    static void define(dorm::ModelDef<Entry>& m) {
        m.table("dc_entry");
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog);
        m.field("headline", &Entry::headline, dorm::max_length(100));
        m.field("authors", &Entry::authors);
    }
};

struct Comment : dorm::Model<Comment> {
    std::int64_t id = 0;
    dorm::ForeignKey<Entry> entry;    // cascade
    dorm::ForeignKey<Comment> parent; // cascade, to itself
    std::string text;
    static void define(dorm::ModelDef<Comment>& m) {
        m.table("dc_comment");
        m.field("id", &Comment::id, dorm::auto_pk);
        m.field("entry", &Comment::entry);
        m.field("parent", &Comment::parent, dorm::null, dorm::related_name("replies"));
        m.field("text", &Comment::text);
    }
};

// A relation with no reverse name ("+"): deletes still follow it.
struct Bookmark : dorm::Model<Bookmark> {
    std::int64_t id = 0;
    dorm::ForeignKey<Entry> entry;
    static void define(dorm::ModelDef<Bookmark>& m) {
        m.table("dc_bookmark");
        m.field("id", &Bookmark::id, dorm::auto_pk);
        m.field("entry", &Bookmark::entry, dorm::related_name("+"));
    }
};

// Protects an entry while being deleted itself by the cascade from its blog.
struct Pin : dorm::Model<Pin> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog;
    dorm::ForeignKey<Entry> entry;
    static void define(dorm::ModelDef<Pin>& m) {
        m.table("dc_pin");
        m.field("id", &Pin::id, dorm::auto_pk);
        m.field("blog", &Pin::blog);
        m.field("entry", &Pin::entry, dorm::protect);
    }
};

struct Category : dorm::Model<Category> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Category>& m) {
        m.table("dc_category");
        m.field("id", &Category::id, dorm::auto_pk);
        m.field("name", &Category::name, dorm::max_length(60));
    }
};

struct Shop : dorm::Model<Shop> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Shop>& m) {
        m.table("dc_shop");
        m.field("id", &Shop::id, dorm::auto_pk);
        m.field("name", &Shop::name, dorm::max_length(60));
    }
};

struct Product : dorm::Model<Product> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Category> category;
    dorm::ForeignKey<Shop> shop;
    static void define(dorm::ModelDef<Product>& m) {
        m.table("dc_product");
        m.field("id", &Product::id, dorm::auto_pk);
        m.field("name", &Product::name, dorm::max_length(60));
        m.field("category", &Product::category, dorm::protect);
        m.field("shop", &Product::shop, dorm::cascade);
    }
};

// Nothing refers to a Sale: it is deleted by the fast path even though it has ForeignKeys.
struct Sale : dorm::Model<Sale> {
    std::int64_t id = 0;
    dorm::ForeignKey<Product> product;
    int qty = 0;
    static void define(dorm::ModelDef<Sale>& m) {
        m.table("dc_sale");
        m.field("id", &Sale::id, dorm::auto_pk);
        m.field("product", &Sale::product, dorm::protect);
        m.field("qty", &Sale::qty);
    }
};

// Django's documentation of RESTRICT, model for model.
struct Artist : dorm::Model<Artist> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Artist>& m) {
        m.table("dc_artist");
        m.field("id", &Artist::id, dorm::auto_pk);
        m.field("name", &Artist::name, dorm::max_length(10));
    }
};

struct Album : dorm::Model<Album> {
    std::int64_t id = 0;
    dorm::ForeignKey<Artist> artist;
    static void define(dorm::ModelDef<Album>& m) {
        m.table("dc_album");
        m.field("id", &Album::id, dorm::auto_pk);
        m.field("artist", &Album::artist, dorm::cascade);
    }
};

struct Song : dorm::Model<Song> {
    std::int64_t id = 0;
    dorm::ForeignKey<Artist> artist;
    dorm::ForeignKey<Album> album;
    static void define(dorm::ModelDef<Song>& m) {
        m.table("dc_song");
        m.field("id", &Song::id, dorm::auto_pk);
        m.field("artist", &Song::artist, dorm::cascade);
        m.field("album", &Song::album, dorm::restrict);
    }
};

struct Status : dorm::Model<Status> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Status>& m) {
        m.table("dc_status");
        m.field("id", &Status::id, dorm::auto_pk);
        m.field("name", &Status::name, dorm::max_length(20));
    }
};

struct Task : dorm::Model<Task> {
    std::int64_t id = 0;
    std::string title;
    dorm::ForeignKey<Status> status;
    static void define(dorm::ModelDef<Task>& m) {
        m.table("dc_task");
        m.field("id", &Task::id, dorm::auto_pk);
        m.field("title", &Task::title, dorm::max_length(20));
        m.field("status", &Task::status, dorm::set_default, dorm::default_(1));
    }
};

struct Device : dorm::Model<Device> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Device>& m) {
        m.table("dc_device");
        m.field("id", &Device::id, dorm::auto_pk);
        m.field("name", &Device::name, dorm::max_length(20));
    }
};

struct Reading : dorm::Model<Reading> {
    std::int64_t id = 0;
    dorm::ForeignKey<Device> device;
    int value = 0;
    static void define(dorm::ModelDef<Reading>& m) {
        m.table("dc_reading");
        m.field("id", &Reading::id, dorm::auto_pk);
        m.field("device", &Reading::device, dorm::do_nothing);
        m.field("value", &Reading::value);
    }
};

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Person>& m) {
        m.table("dc_person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(60));
    }
};

struct Membership;

struct Club : dorm::Model<Club> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> members;
    static void define(dorm::ModelDef<Club>& m) {
        m.table("dc_club");
        m.field("id", &Club::id, dorm::auto_pk);
        m.field("name", &Club::name, dorm::max_length(60));
        m.field("members", &Club::members, dorm::through<Membership>());
    }
};

struct Membership : dorm::Model<Membership> {
    std::int64_t id = 0;
    dorm::ForeignKey<Club> club;
    dorm::ForeignKey<Person> person;
    std::string role;
    static void define(dorm::ModelDef<Membership>& m) {
        m.table("dc_membership");
        m.field("id", &Membership::id, dorm::auto_pk);
        m.field("club", &Membership::club);
        m.field("person", &Membership::person);
        m.field("role", &Membership::role, dorm::max_length(20));
    }
};

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("dc_place");
        m.field("id", &Place::id, dorm::auto_pk);
        m.field("name", &Place::name, dorm::max_length(60));
    }
};

struct Restaurant : dorm::Model<Restaurant> {
    std::int64_t id = 0;
    dorm::OneToOne<Place> place;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("dc_restaurant");
        m.field("id", &Restaurant::id, dorm::auto_pk);
        m.field("place", &Restaurant::place);
    }
};

// A many-to-many of a model to itself: join table dc_member_follows (from_member_id,
// to_member_id).
struct Member : dorm::Model<Member> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Member> follows;
    static void define(dorm::ModelDef<Member>& m) {
        m.table("dc_member");
        m.field("id", &Member::id, dorm::auto_pk);
        m.field("name", &Member::name, dorm::max_length(20));
        m.field("follows", &Member::follows);
    }
};

// No relations at all.
struct Plain : dorm::Model<Plain> {
    std::int64_t id = 0;
    int x = 0;
    static void define(dorm::ModelDef<Plain>& m) {
        m.table("dc_plain");
        m.field("id", &Plain::id, dorm::auto_pk);
        m.field("x", &Plain::x);
    }
};

// --- helpers --------------------------------------------------------------------------------

Value scalar(dorm::Database& db, const std::string& sql, dorm::Values params = {}) {
    dorm::sql::Cursor c(db, sql, std::move(params));
    REQUIRE(c.next());
    return c.stmt().column(0);
}

// Rows in every table of the database (join tables included).
Counts table_counts(dorm::Database& db) {
    Strings tables;
    {
        dorm::sql::Cursor c(db,
                            "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                            "NOT LIKE 'sqlite%' ORDER BY name",
                            {});
        while (c.next())
            tables.emplace_back(c.stmt().text(0));
    }
    Counts out;
    for (const auto& t : tables)
        out[t] = scalar(db, "SELECT count(*) FROM " + dorm::sql::quote(t)).as_int();
    return out;
}

// per_model as a map (the order of the models is not part of the contract, as in Django's
// dict).
Counts per_model(const dorm::DeleteResult& r) {
    Counts out;
    for (const auto& [model, n] : r.per_model) {
        CHECK(out.count(model) == 0); // each model once
        out[model] += n;
    }
    return out;
}

// What Django's delete() reports, as (total, {model: n}) without the app label: every
// model with at least one deleted row, and only those.
void check_result(const dorm::DeleteResult& r, std::int64_t total, const Counts& expected) {
    INFO("total " << r.total);
    CHECK(r.total == total);
    Counts got;
    for (const auto& [model, n] : per_model(r))
        if (n != 0)
            got[model] = n;
    CHECK(got == expected);
    std::int64_t sum = 0;
    for (const auto& [model, n] : r.per_model)
        sum += n;
    CHECK(sum == r.total);
}

// Every statement the connection runs.
struct Log {
    Strings sql;
    explicit Log(dorm::Database& db) : db_(db) {
        db.set_query_log([this](const dorm::LoggedQuery& q) { sql.emplace_back(q.sql); });
    }
    ~Log() { db_.set_query_log({}); }
    Log(const Log&) = delete;
    Log& operator=(const Log&) = delete;

    std::size_t count_prefix(const std::string& prefix) const {
        return static_cast<std::size_t>(std::count_if(
            sql.begin(), sql.end(), [&](const auto& s) { return s.rfind(prefix, 0) == 0; }));
    }
    std::string text() const {
        std::string out;
        for (const auto& s : sql)
            out += "\n  " + s;
        return out;
    }
    // One BEGIN ... COMMIT, no ROLLBACK, and every write between them.
    void check_one_transaction() const {
        INFO("statements:" << text());
        CHECK(count_prefix("BEGIN") == 1);
        CHECK(count_prefix("COMMIT") == 1);
        CHECK(count_prefix("ROLLBACK") == 0);
        const auto begin = std::find_if(sql.begin(), sql.end(),
                                        [](const auto& s) { return s.rfind("BEGIN", 0) == 0; });
        const auto commit = std::find(sql.begin(), sql.end(), std::string("COMMIT"));
        REQUIRE(begin < commit);
        for (auto it = sql.begin(); it != sql.end(); ++it) {
            const bool write = it->rfind("DELETE", 0) == 0 || it->rfind("UPDATE", 0) == 0 ||
                               it->rfind("INSERT", 0) == 0;
            if (write) {
                INFO("write outside the transaction: " << *it);
                CHECK((it > begin && it < commit));
            }
        }
    }

private:
    dorm::Database& db_;
};

struct Fixture {
    dorm::Database db{":memory:"};

    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Owner, Blog, Author, Entry, Comment, Bookmark, Pin, Category, Shop,
                            Product, Sale, Artist, Album, Song, Status, Task, Device, Reading,
                            Person, Club, Membership, Place, Restaurant, Member, Plain>(db);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    Counts counts() { return table_counts(db); }
};

Owner owner(const std::string& name) {
    Owner o;
    o.name = name;
    o.save();
    return o;
}

Blog blog(const std::string& name, Owner* o = nullptr) {
    Blog b;
    b.name = name;
    if (o)
        b.owner = *o;
    b.save();
    return b;
}

Entry entry(const Blog& b, const std::string& headline) {
    Entry e;
    e.blog = b;
    e.headline = headline;
    e.save();
    return e;
}

Author author(const std::string& name) {
    Author a;
    a.name = name;
    a.save();
    return a;
}

Comment comment(const Entry& e, const std::string& text, const Comment* parent = nullptr) {
    Comment c;
    c.entry = e;
    c.text = text;
    if (parent)
        c.parent = *parent;
    c.save();
    return c;
}

template <class T>
Strings names(const dorm::QuerySet<T>& qs, std::string T::*member) {
    Strings out;
    for (const auto& o : qs)
        out.push_back(o.*member);
    std::sort(out.begin(), out.end());
    return out;
}

// Two blogs, each with entries, comments (a reply to a comment), authors linked to entries.
struct Blogs : Fixture {
    Owner ann = owner("Ann");
    Blog news = blog("news", &ann);
    Blog other = blog(hostile, &ann);
    Entry n1 = entry(news, "n1");
    Entry n2 = entry(news, "n2");
    Entry o1 = entry(other, "o1");
    Author a1 = author("a1");
    Author a2 = author("a2");
    Comment c1 = comment(n1, "c1");
    Comment c2 = comment(n1, "c2 replies to c1", &c1);
    Comment c3 = comment(n2, "c3");
    Comment c4 = comment(o1, "c4");

    Blogs() {
        n1.related(&Entry::authors).add(a1, a2);
        n2.related(&Entry::authors).add(a1);
        o1.related(&Entry::authors).add(a2);
    }
};

} // namespace

// --- cascade --------------------------------------------------------------------------------

TEST_CASE_METHOD(Blogs, "cascade: deleting a blog deletes its entries, their comments and links") {
    const Counts before = counts();
    const dorm::DeleteResult r = news.delete_();
    // Django: (9, {'Blog': 1, 'Entry': 2, 'Comment': 3, 'Entry_authors': 3}): c1, c2 and c3
    // are news' comments; n1 has two authors, n2 one.
    check_result(r, 9, {{"Blog", 1}, {"Entry", 2}, {"Comment", 3}, {"Entry_authors", 3}});
    Counts after = before;
    after["dc_blog"] -= 1;
    after["dc_entry"] -= 2;
    after["dc_comment"] -= 3;
    after["dc_entry_authors"] -= 3;
    CHECK(counts() == after);
    // The other blog is whole; authors and the owner are not touched.
    CHECK(names(Entry::objects().all(), &Entry::headline) == Strings{"o1"});
    CHECK(names(Comment::objects().all(), &Comment::text) == Strings{"c4"});
    CHECK(o1.related(&Entry::authors).count() == 1);
    CHECK(Author::objects().count() == 2);
    CHECK(Owner::objects().count() == 1);
    // The instance is unsaved again (its auto key reset, as Django sets pk to None).
    CHECK(news.id == 0);
}

TEST_CASE_METHOD(Blogs, "cascade: queryset delete_ over several blogs") {
    const dorm::DeleteResult r = Blog::objects().all().delete_();
    check_result(r, 13, {{"Blog", 2}, {"Entry", 3}, {"Comment", 4}, {"Entry_authors", 4}});
    for (const auto& [table, n] : counts()) {
        INFO(table);
        if (table == "dc_owner" || table == "dc_author")
            CHECK(n > 0);
        else
            CHECK(n == 0);
    }
    // Again: nothing left, nothing deleted.
    CHECK(Blog::objects().all().delete_().total == 0);
}

TEST_CASE_METHOD(Blogs, "cascade: a queryset filtered across a relation, hostile value") {
    // The entries of the blog whose name is the hostile string, with their comments and links.
    const dorm::DeleteResult r = Entry::objects().filter("blog__name", hostile).delete_();
    check_result(r, 3, {{"Entry", 1}, {"Comment", 1}, {"Entry_authors", 1}});
    CHECK(names(Entry::objects().all(), &Entry::headline) == Strings{"n1", "n2"});
    CHECK(Blog::objects().count() == 2); // the blog itself stays
    // The LIKE wildcards in the value are literal: "%" matches no other blog.
    CHECK(Entry::objects().filter("blog__name__contains", "100% _").delete_().total == 0);
    CHECK(Entry::objects().count() == 2);
    // A reverse, multi-valued lookup: news matches through two entries, and is deleted once.
    const dorm::DeleteResult r2 =
        Blog::objects().filter("entry__headline__startswith", "n").delete_();
    check_result(r2, 1 + 2 + 3 + 3,
                 {{"Blog", 1}, {"Entry", 2}, {"Comment", 3}, {"Entry_authors", 3}});
    CHECK(Blog::objects().values_list("name").flat() == dorm::Values{hostile});
    // ... and across a forward relation into a reverse one.
    Entry again = entry(other, "again");
    comment(again, "x");
    CHECK(Comment::objects().filter("entry__blog__owner__name", "Ann").delete_().total == 1);
}

TEST_CASE_METHOD(Blogs, "cascade: deleting one entry, one comment, one author") {
    // A comment cascades to its replies (Comment.parent).
    check_result(c1.delete_(), 2, {{"Comment", 2}});
    CHECK(names(Comment::objects().all(), &Comment::text) == Strings{"c3", "c4"});
    // An entry: its comments and its links; the authors stay.
    check_result(n2.delete_(), 3, {{"Entry", 1}, {"Comment", 1}, {"Entry_authors", 1}});
    CHECK(Author::objects().count() == 2);
    // An author: its links only; the entries stay, linked to the other author.
    check_result(a2.delete_(), 3, {{"Author", 1}, {"Entry_authors", 2}});
    CHECK(Entry::objects().count() == 2);
    CHECK(names(n1.related(&Entry::authors), &Author::name) == Strings{"a1"});
    CHECK(o1.related(&Entry::authors).count() == 0);
    CHECK(scalar(db, "SELECT count(*) FROM dc_entry_authors") == Value(1));
    CHECK(names(a1.related(&Entry::authors), &Entry::headline) == Strings{"n1"});
}

TEST_CASE_METHOD(Fixture, "cascade: self-referential ForeignKey, a deep tree and a cycle") {
    Blog b = blog("b");
    Entry e = entry(b, "e");
    // A chain of 30 replies, each to the one before.
    std::vector<Comment> chain{comment(e, "root")};
    for (int i = 1; i < 30; ++i)
        chain.push_back(comment(e, "reply " + std::to_string(i), &chain.back()));
    Comment other = comment(e, "other");
    check_result(chain[10].delete_(), 20, {{"Comment", 20}});
    CHECK(Comment::objects().count() == 10 + 1);
    // A cycle: x -> y -> x. The collector visits each row once and stops.
    Comment x = comment(e, "x");
    Comment y = comment(e, "y", &x);
    x.parent = y;
    x.save();
    CHECK(Comment::objects().get("pk", x.id).parent.id() == Value(y.id));
    check_result(x.delete_(), 2, {{"Comment", 2}});
    CHECK(Comment::objects().filter("text__in", dorm::Values{"x", "y"}).count() == 0);
    // A row that refers to itself.
    Comment self = comment(e, "self");
    self.parent = self;
    self.save();
    check_result(Comment::objects().filter("pk", self.id).delete_(), 1, {{"Comment", 1}});
    CHECK(Comment::objects().count() == 11);
    // Deleting the entry takes the rest, whatever their parents.
    check_result(e.delete_(), 12, {{"Entry", 1}, {"Comment", 11}});
    (void)other;
}

TEST_CASE_METHOD(Fixture, "cascade: OneToOne and a relation with no reverse name") {
    Place p;
    p.name = "p";
    p.save();
    Place q;
    q.name = "q";
    q.save();
    Restaurant r;
    r.place = p;
    r.save();
    Restaurant s;
    s.place = q;
    s.save();
    check_result(p.delete_(), 2, {{"Place", 1}, {"Restaurant", 1}});
    // The other direction deletes the restaurant only.
    check_result(s.delete_(), 1, {{"Restaurant", 1}});
    CHECK(Place::objects().count() == 1);

    Blog b = blog("b");
    Entry e = entry(b, "e");
    Bookmark bm;
    bm.entry = e;
    bm.save();
    check_result(Entry::objects().filter("pk", e.id).delete_(), 2, {{"Entry", 1}, {"Bookmark", 1}});
    CHECK(Bookmark::objects().count() == 0);
}

TEST_CASE_METHOD(Fixture, "cascade: more rows than one statement takes (chunks of keys)") {
    Blog b = blog("big");
    Blog keep = blog("keep");
    dorm::atomic(db, [&] {
        for (int i = 0; i < 1201; ++i) {
            Entry e = entry(b, "e" + std::to_string(i));
            comment(e, "c");
        }
        comment(entry(keep, "kept"), "kept");
    });
    const Counts before = counts();
    check_result(b.delete_(), 1 + 1201 + 1201, {{"Blog", 1}, {"Entry", 1201}, {"Comment", 1201}});
    CHECK(Entry::objects().count() == 1);
    CHECK(Comment::objects().count() == 1);
    CHECK(counts().at("dc_blog") == before.at("dc_blog") - 1);
}

// --- protect --------------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "protect: ProtectedError names the model, the field and the rows") {
    Category tools;
    tools.name = "tools";
    tools.save();
    Category empty;
    empty.name = "empty";
    empty.save();
    Shop shop;
    shop.name = "shop";
    shop.save();
    Shop corner;
    corner.name = "corner";
    corner.save();
    std::vector<Product> products;
    for (const char* n : {"hammer", "saw"}) {
        Product p;
        p.name = n;
        p.category = tools;
        p.shop = n == std::string("hammer") ? shop : corner;
        p.save();
        products.push_back(p);
    }
    Sale sale;
    sale.product = products[0];
    sale.qty = 2;
    sale.save();
    const Counts before = counts();

    // Directly: the category is referenced by two products.
    try {
        tools.delete_();
        FAIL("no ProtectedError");
    } catch (const dorm::ProtectedError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find("'Category'") != std::string::npos);
        CHECK(msg.find("'Product.category'") != std::string::npos);
        CHECK(msg.find(std::to_string(products[0].id)) != std::string::npos);
        CHECK(msg.find(std::to_string(products[1].id)) != std::string::npos);
    }
    CHECK(counts() == before);
    CHECK(tools.id != 0); // not deleted: still saved
    CHECK_THROWS_AS(Category::objects().all().delete_(), dorm::ProtectedError);
    CHECK_THROWS_AS(Category::objects().filter("name", "tools").delete_(), dorm::IntegrityError);
    CHECK(counts() == before);

    // Through a cascade: the shop's product is protected by a sale. Nothing goes, not even
    // what the cascade would delete before reaching the sale.
    try {
        shop.delete_();
        FAIL("no ProtectedError");
    } catch (const dorm::ProtectedError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find("'Product'") != std::string::npos);
        CHECK(msg.find("'Sale.product'") != std::string::npos);
        CHECK(msg.find(std::to_string(sale.id)) != std::string::npos);
    }
    CHECK(counts() == before);

    // A category with no products, and a shop whose product no sale protects, can go.
    check_result(empty.delete_(), 1, {{"Category", 1}});
    check_result(corner.delete_(), 2, {{"Shop", 1}, {"Product", 1}});
    // Once the sale is gone, so can the rest.
    check_result(sale.delete_(), 1, {{"Sale", 1}});
    check_result(Shop::objects().all().delete_(), 2, {{"Shop", 1}, {"Product", 1}});
    check_result(tools.delete_(), 1, {{"Category", 1}});
}

TEST_CASE_METHOD(Fixture, "protect: refuses even when the protecting rows would be deleted too") {
    // Unlike restrict: the pin is deleted by the blog's cascade, but protect still refuses
    // (Django raises ProtectedError here too).
    Blog b = blog("b");
    Entry e = entry(b, "e");
    Pin pin;
    pin.blog = b;
    pin.entry = e;
    pin.save();
    const Counts before = counts();
    try {
        b.delete_();
        FAIL("no ProtectedError");
    } catch (const dorm::ProtectedError& err) {
        INFO(err.what());
        CHECK(std::string(err.what()).find("'Pin.entry'") != std::string::npos);
        CHECK(std::string(err.what()).find("'Entry'") != std::string::npos);
    }
    CHECK(counts() == before);
    CHECK(b.id != 0);
}

// --- restrict -------------------------------------------------------------------------------

// The example of Django's documentation of RESTRICT (Django 3.1+).
struct Music : Fixture {
    Artist artist_one = make_artist("one");
    Artist artist_two = make_artist("two");
    Album album_one = make_album(artist_one);
    Album album_two = make_album(artist_two);
    Song song_one = make_song(artist_one, album_one);
    Song song_two = make_song(artist_one, album_two);

    static Artist make_artist(const char* name) {
        Artist a;
        a.name = name;
        a.save();
        return a;
    }
    static Album make_album(const Artist& a) {
        Album al;
        al.artist = a;
        al.save();
        return al;
    }
    static Song make_song(const Artist& a, const Album& al) {
        Song s;
        s.artist = a;
        s.album = al;
        s.save();
        return s;
    }
};

TEST_CASE_METHOD(Music, "restrict: Django's documented example") {
    const Counts before = counts();
    // album_one is referenced by song_one, which nothing else deletes.
    try {
        album_one.delete_();
        FAIL("no RestrictedError");
    } catch (const dorm::RestrictedError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.find("'Album'") != std::string::npos);
        CHECK(msg.find("'Song.album'") != std::string::npos);
        CHECK(msg.find(std::to_string(song_one.id)) != std::string::npos);
    }
    CHECK(counts() == before);
    // artist_two cascades to album_two, which song_two (of artist_one) restricts.
    CHECK_THROWS_AS(artist_two.delete_(), dorm::RestrictedError);
    CHECK(counts() == before);
    CHECK_THROWS_AS(Album::objects().all().delete_(), dorm::RestrictedError);
    CHECK_THROWS_AS(Artist::objects().filter("name", "two").delete_(), dorm::RestrictedError);
    CHECK(counts() == before);
    // artist_one: album_one is restricted by song_one, but song_one goes by the cascade from
    // the artist, so the delete is allowed. Django: (4, {'Song': 2, 'Album': 1, 'Artist': 1}).
    check_result(artist_one.delete_(), 4, {{"Song", 2}, {"Album", 1}, {"Artist", 1}});
    CHECK(Album::objects().count() == 1);
    CHECK(Song::objects().count() == 0);
    // Nothing restricts album_two any more.
    check_result(artist_two.delete_(), 2, {{"Artist", 1}, {"Album", 1}});
}

TEST_CASE_METHOD(Music, "restrict: a queryset delete that covers the restricting rows is allowed") {
    // Every artist: all the songs go by the artist cascade.
    check_result(Artist::objects().all().delete_(), 6, {{"Artist", 2}, {"Album", 2}, {"Song", 2}});
    for (const auto& [table, n] : counts())
        if (table == "dc_artist" || table == "dc_album" || table == "dc_song")
            CHECK(n == 0);
}

TEST_CASE_METHOD(Music, "restrict: deleting the restricting rows first") {
    check_result(song_one.delete_(), 1, {{"Song", 1}});
    check_result(album_one.delete_(), 1, {{"Album", 1}});
    CHECK_THROWS_AS(album_two.delete_(), dorm::RestrictedError);
    check_result(Song::objects().all().delete_(), 1, {{"Song", 1}});
    check_result(album_two.delete_(), 1, {{"Album", 1}});
}

// --- set_null, set_default ------------------------------------------------------------------

TEST_CASE_METHOD(Blogs, "set_null: the referring rows stay, with NULL") {
    Owner bob = owner("Bob");
    Blog bobs = blog("bob's", &bob);
    const Counts before = counts();
    check_result(ann.delete_(), 1, {{"Owner", 1}});
    Counts after = before;
    after["dc_owner"] -= 1;
    CHECK(counts() == after);
    CHECK(Blog::objects().filter("owner__isnull", true).count() == 2);
    CHECK(Blog::objects().get("pk", news.id).owner.is_null());
    CHECK(Blog::objects().get("pk", bobs.id).owner.id() == Value(bob.id));
    // Through a queryset, with the value on the relation's far side.
    check_result(Owner::objects().filter("blog__name", "bob's").delete_(), 1, {{"Owner", 1}});
    CHECK(Blog::objects().get("pk", bobs.id).owner.is_null());
    CHECK(Blog::objects().count() == 3);
}

TEST_CASE_METHOD(Fixture, "set_default: the referring rows take the default") {
    Status open;
    open.name = "open"; // id 1: the default of Task.status
    open.save();
    REQUIRE(open.id == 1);
    Status doing;
    doing.name = "doing";
    doing.save();
    auto task = [](const char* title, const Status& s) {
        Task t;
        t.title = title;
        t.status = s;
        t.save();
        return t;
    };
    Task t1 = task("t1", doing);
    Task t2 = task("t2", doing);
    Task t3 = task("t3", open);
    check_result(doing.delete_(), 1, {{"Status", 1}});
    for (const Task& t : {t1, t2, t3})
        CHECK(Task::objects().get("pk", t.id).status.id() == Value(1));
    // Deleting the default itself: the tasks would point at the deleted row; the deferred
    // key check refuses at COMMIT (as Django's), and nothing changes.
    const Counts before = counts();
    CHECK_THROWS_AS(open.delete_(), dorm::IntegrityError);
    CHECK(counts() == before);
    CHECK(Task::objects().filter("status", 1).count() == 3);
}

// --- do_nothing -----------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "do_nothing: dangling rows fail the deferred key check at COMMIT") {
    Device d;
    d.name = "d";
    d.save();
    Device spare;
    spare.name = "spare";
    spare.save();
    for (int v : {1, 2}) {
        Reading r;
        r.device = d;
        r.value = v;
        r.save();
    }
    const Counts before = counts();
    {
        Log log(db);
        CHECK_THROWS_AS(d.delete_(), dorm::IntegrityError);
        INFO(log.text());
        CHECK(log.count_prefix("DELETE FROM \"dc_device\"") == 1); // it ran, then COMMIT failed
        CHECK(log.count_prefix("ROLLBACK") == 1);
        CHECK(log.count_prefix("SELECT \"id\" FROM \"dc_reading\"") == 0); // not even looked at
    }
    CHECK(counts() == before);
    CHECK(db.transaction_depth == 0);
    CHECK_FALSE(db.in_transaction());
    CHECK_THROWS_WITH(d.delete_(), Catch::Contains("Device") && Catch::Contains("FOREIGN KEY"));
    CHECK_THROWS_AS(Device::objects().filter("name", "d").delete_(), dorm::IntegrityError);
    // The queryset delete names the model too (its COMMIT is the queryset's own).
    CHECK_THROWS_WITH(Device::objects().filter("name", "d").delete_(),
                      Catch::Contains("deleting Device") && Catch::Contains("FOREIGN KEY"));
    CHECK(counts() == before);
    // A device nothing refers to goes.
    check_result(spare.delete_(), 1, {{"Device", 1}});
    // The readings deleted in the same transaction: the check at COMMIT passes.
    const std::int64_t id = d.id;
    dorm::atomic(db, [&] {
        check_result(d.delete_(), 1, {{"Device", 1}});
        CHECK(Reading::objects().filter("device_id", id).delete_().total == 2);
    });
    CHECK(Device::objects().count() == 0);
    CHECK(Reading::objects().count() == 0);
}

// --- many-to-many through a declared model --------------------------------------------------

TEST_CASE_METHOD(Fixture, "through: the join model's rows cascade from either side") {
    Person p1, p2;
    p1.name = "p1";
    p1.save();
    p2.name = "p2";
    p2.save();
    Club c1, c2;
    c1.name = "c1";
    c1.save();
    c2.name = "c2";
    c2.save();
    auto join = [](Club& c, Person& p, const char* role) {
        Membership m;
        m.club = c;
        m.person = p;
        m.role = role;
        m.save();
    };
    join(c1, p1, "chair");
    join(c1, p2, "member");
    join(c2, p1, "member");
    CHECK(c1.related(&Club::members).count() == 2);
    check_result(p1.delete_(), 3, {{"Person", 1}, {"Membership", 2}});
    CHECK(c1.related(&Club::members).count() == 1);
    CHECK(c2.related(&Club::members).count() == 0);
    check_result(Club::objects().filter("name", "c1").delete_(), 2,
                 {{"Club", 1}, {"Membership", 1}});
    CHECK(Membership::objects().count() == 0);
    CHECK(Person::objects().count() == 1);
}

TEST_CASE_METHOD(Fixture, "many-to-many to itself: the links go from both columns") {
    std::vector<Member> ms;
    for (const char* n : {"a", "b", "c"}) {
        Member m;
        m.name = n;
        m.save();
        ms.push_back(m);
    }
    // Written directly, so that the rows do not depend on how add() treats symmetry.
    auto link = [&](const Member& from, const Member& to) {
        db.exec("INSERT INTO dc_member_follows (from_member_id, to_member_id) VALUES (" +
                std::to_string(from.id) + ", " + std::to_string(to.id) + ")");
    };
    link(ms[0], ms[1]);
    link(ms[1], ms[0]);
    link(ms[2], ms[0]);
    link(ms[1], ms[2]);
    check_result(ms[0].delete_(), 4, {{"Member", 1}, {"Member_follows", 3}});
    CHECK(scalar(db, "SELECT from_member_id || '>' || to_member_id FROM dc_member_follows") ==
          Value(std::to_string(ms[1].id) + ">" + std::to_string(ms[2].id)));
    CHECK(scalar(db, "SELECT count(*) FROM dc_member_follows") == Value(1));
}

// --- one transaction ------------------------------------------------------------------------

TEST_CASE_METHOD(Blogs, "transaction: one BEGIN..COMMIT wraps every write of a delete") {
    {
        Log log(db);
        news.delete_();
        log.check_one_transaction();
        // Blog, Entry, Comment, join rows: one DELETE per table (the keys fit one statement).
        CHECK(log.count_prefix("DELETE") == 4);
    }
    {
        Log log(db);
        ann.delete_(); // set_null: an UPDATE and a DELETE
        log.check_one_transaction();
        CHECK(log.count_prefix("UPDATE \"dc_blog\" SET \"owner_id\" = ?") == 1);
        CHECK(log.count_prefix("DELETE") == 1);
    }
    {
        Log log(db);
        Blog::objects().all().delete_();
        log.check_one_transaction();
    }
}

TEST_CASE_METHOD(Blogs, "transaction: a failure halfway leaves nothing changed") {
    // The last statement of the delete fails, after the entries, comments and links are gone
    // inside the transaction.
    db.exec("CREATE TRIGGER dc_blog_guard BEFORE DELETE ON dc_blog WHEN old.name = 'news' "
            "BEGIN SELECT RAISE(ABORT, 'news is guarded'); END");
    db.exec("CREATE TRIGGER dc_owner_guard BEFORE DELETE ON dc_owner WHEN old.name = 'Ann' "
            "BEGIN SELECT RAISE(ABORT, 'Ann is guarded'); END");
    const Counts before = counts();
    {
        Log log(db);
        CHECK_THROWS_AS(news.delete_(), dorm::IntegrityError);
        INFO(log.text());
        CHECK(log.count_prefix("DELETE FROM \"dc_comment\"") == 1); // it was halfway
        CHECK(log.count_prefix("DELETE FROM \"dc_entry\"") == 1);
        CHECK(log.count_prefix("ROLLBACK") == 1);
    }
    CHECK(counts() == before);
    CHECK(news.id != 0);
    CHECK(n1.related(&Entry::authors).count() == 2);
    CHECK_THROWS_AS(Blog::objects().all().delete_(), dorm::IntegrityError);
    CHECK(counts() == before);
    // set_null: the UPDATE ran, then the owner's DELETE failed; the owner is still set.
    {
        Log log(db);
        CHECK_THROWS_AS(ann.delete_(), dorm::IntegrityError);
        INFO(log.text());
        CHECK(log.count_prefix("UPDATE \"dc_blog\"") == 1);
    }
    CHECK(counts() == before);
    CHECK(Blog::objects().filter("owner", ann).count() == 2);
    CHECK(db.transaction_depth == 0);
    CHECK_FALSE(db.in_transaction());
    // Inside the caller's transaction the delete is a savepoint: its failure is undone
    // alone, the caller's own work stays.
    dorm::atomic(db, [&] {
        owner("Cy");
        CHECK_THROWS_AS(news.delete_(), dorm::IntegrityError);
        CHECK(Entry::objects().count() == 3);
    });
    CHECK(Owner::objects().count() == 2);
    CHECK(Entry::objects().count() == 3);
}

// --- the fast path --------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "fast path: a model nothing refers to is deleted by one DELETE") {
    for (int i = 0; i < 5; ++i) {
        Plain p;
        p.x = i;
        p.save();
    }
    Plain first = Plain::objects().get("x", 0);
    {
        Log log(db);
        check_result(first.delete_(), 1, {{"Plain", 1}});
        INFO(log.text());
        REQUIRE(log.sql.size() == 1);
        CHECK(log.sql[0].rfind("DELETE FROM \"dc_plain\" WHERE", 0) == 0);
    }
    {
        Log log(db);
        check_result(Plain::objects().filter("x__gte", 3).delete_(), 2, {{"Plain", 2}});
        INFO(log.text());
        CHECK(log.count_prefix("DELETE") == 1);
        CHECK(log.count_prefix("SELECT") == 0);
    }
    // ForeignKeys of its own do not matter, only what refers to the model: a Sale is deleted
    // by one statement, also when the filter crosses relations.
    Category c;
    c.name = hostile;
    c.save();
    Shop s;
    s.name = "s";
    s.save();
    Product p;
    p.name = "p";
    p.category = c;
    p.shop = s;
    p.save();
    for (int q : {1, 2, 3}) {
        Sale sale;
        sale.product = p;
        sale.qty = q;
        sale.save();
    }
    {
        Log log(db);
        check_result(Sale::objects()
                         .filter("product__category__name", hostile)
                         .filter("qty__lt", 3)
                         .delete_(),
                     2, {{"Sale", 2}});
        INFO(log.text());
        CHECK(log.count_prefix("DELETE FROM \"dc_sale\" WHERE") == 1);
        CHECK(log.count_prefix("SELECT") == 0);
    }
    CHECK(Sale::objects().get().qty == 3);
}

TEST_CASE_METHOD(Fixture, "delete_: what cannot be deleted says why") {
    Blog unsaved;
    CHECK_THROWS_AS(unsaved.delete_(), dorm::ValueError);
    blog("b");
    CHECK_THROWS_AS(Blog::objects().order_by("pk").slice(0, 1).delete_(), dorm::UsageError);
    CHECK_THROWS_AS(Blog::objects().distinct().delete_(), dorm::UsageError);
    CHECK(Blog::objects().count() == 1);
}
