// dorm relations: a blog with entries, authors and comments, walked the way Django's
// documentation walks it ("Making queries"). ForeignKey, OneToOne and ManyToMany fields,
// related managers, lookups across relations, select_related / prefetch_related, and a
// delete that cascades. It checks what it prints and exits non-zero on a surprise.
//
// It writes blog.sqlite3 in the current directory (and removes an old one first).
#include <dorm/dorm.hpp>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

// --- models -------------------------------------------------------------------------------

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;

    static void define(dorm::ModelDef<Person>& m) {
        m.table("person").ordering({"name"});
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(100));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Person> owner; // nullable: a blog may have no owner

    static void define(dorm::ModelDef<Blog>& m) {
        m.table("blog").ordering({"name"});
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("name", &Blog::name, dorm::max_length(100), dorm::unique);
        // Deleting the owner keeps the blog, without an owner.
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
    }
};

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;

    static void define(dorm::ModelDef<Author>& m) {
        m.table("author").ordering({"name"});
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(100));
    }
};

struct Entry : dorm::Model<Entry> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog; // column blog_id; deleting the blog deletes its entries
    std::string headline;
    dorm::Date pub_date;
    int rating = 0;
    dorm::ManyToMany<Author> authors; // join table entry_authors

    static void define(dorm::ModelDef<Entry>& m) {
        m.table("entry").ordering({"-pub_date", "headline"});
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog, dorm::related_name("entries"));
        m.field("headline", &Entry::headline, dorm::max_length(255));
        m.field("pub_date", &Entry::pub_date);
        m.field("rating", &Entry::rating);
        m.field("authors", &Entry::authors);
    }
};

// One extra detail per entry: a OneToOne, whose reverse side is one object, not a set.
struct EntryStats : dorm::Model<EntryStats> {
    std::int64_t id = 0;
    dorm::OneToOne<Entry> entry;
    int views = 0;

    static void define(dorm::ModelDef<EntryStats>& m) {
        m.table("entry_stats");
        m.field("id", &EntryStats::id, dorm::auto_pk);
        m.field("entry", &EntryStats::entry);
        m.field("views", &EntryStats::views);
    }
};

// --- a little checking ----------------------------------------------------------------------

static int failures = 0;

template <class A, class B>
void expect(const char* what, const A& got, const B& want) {
    const bool ok = got == want;
    std::cout << (ok ? "  ok    " : "  WRONG ") << what << ": " << got << "\n";
    if (!ok) {
        std::cout << "        expected " << want << "\n";
        ++failures;
    }
}

std::string names(const std::vector<Author>& authors) {
    std::string out;
    for (const auto& a : authors)
        out += (out.empty() ? "" : ", ") + a.name;
    return out;
}

int main() try {
    const char* path = "blog.sqlite3";
    std::filesystem::remove(path);
    dorm::Database db(path);
    dorm::set_default_database(db);
    dorm::create_tables<Person, Blog, Author, Entry, EntryStats>(db);

    // Count every statement, to show what select_related and prefetch_related save.
    int statements = 0;
    db.set_query_log([&](const dorm::LoggedQuery&) { ++statements; });

    std::cout << "Creating objects\n";
    Person pat = Person::objects().create({{"name", "Pat"}});
    Blog beatles = Blog::objects().create({{"name", "Beatles Blog"}, {"owner", pat}});
    Blog cooking = Blog::objects().create({{"name", "Cheddar Talk"}});

    Author john = Author::objects().create({{"name", "John"}});
    Author paul = Author::objects().create({{"name", "Paul"}});
    Author ringo = Author::objects().create({{"name", "Ringo"}});

    Entry e1;
    e1.blog = beatles; // assigning an object sets blog_id
    e1.headline = "Lennon's new song";
    e1.pub_date = dorm::Date(2008, 3, 1);
    e1.rating = 5;
    e1.save();
    e1.related(&Entry::authors).add(john, paul);
    e1.related(&Entry::authors).add(john); // already linked: nothing happens, as in Django

    // Through the related manager: the new entry's blog is set for us.
    Entry e2 =
        beatles.related(&Entry::blog)
            .create(
                {{"headline", "Paul's bass"}, {"pub_date", dorm::Date(2009, 6, 2)}, {"rating", 2}});
    e2.related(&Entry::authors).add(paul);
    Entry e3 = cooking.related<Entry>("entries").create(
        {{"headline", "Cheese and Lennon"}, {"pub_date", dorm::Date(2008, 7, 3)}, {"rating", 4}});
    e3.related(&Entry::authors).add(ringo);
    EntryStats::objects().create({{"entry", e1}, {"views", 120}});

    std::cout << "Following relations\n";
    Entry loaded = Entry::objects().get("headline", "Paul's bass");
    statements = 0;
    expect("entry.blog->name", loaded.blog->name, std::string("Beatles Blog"));
    expect("  (queries to load the blog)", statements, 1);
    expect("entry.blog->name again", loaded.blog->name, std::string("Beatles Blog"));
    expect("  (queries now: cached)", statements, 1);
    expect("entry.blog.id() (Django's blog_id)", loaded.blog.id().as_int(), beatles.id);
    expect("blog owner", loaded.blog->owner->name, std::string("Pat"));
    expect("cheddar blog has no owner", cooking.owner.ptr() == nullptr, true);

    expect("beatles.entries count", beatles.related(&Entry::blog).count(), std::int64_t{2});
    expect("authors of entry 1", names(e1.related(&Entry::authors).to_vector()),
           std::string("John, Paul"));
    expect("entries by Paul", paul.related(&Entry::authors).count(), std::int64_t{2});
    expect("stats of entry 1 (one-to-one)", e1.related(&EntryStats::entry).views, 120);

    std::cout << "Lookups that span relationships\n";
    expect("blogs with an entry mentioning Lennon",
           Blog::objects().filter("entries__headline__contains", "Lennon").count(),
           std::int64_t{2});
    expect("entries of blogs owned by Pat",
           Entry::objects().filter("blog__owner__name", "Pat").count(), std::int64_t{2});
    expect("authors who wrote for the Beatles blog (distinct)",
           Author::objects().filter("entry__blog__name", "Beatles Blog").distinct().count(),
           std::int64_t{2});
    expect("blogs without entries rated 5", Blog::objects().exclude("entries__rating", 5).count(),
           std::int64_t{1});
    // One filter() call: the same entry must match both conditions. Two calls: any entries.
    expect("same entry: mentions Lennon and is rated 2",
           Blog::objects()
               .filter({{"entries__headline__contains", "Lennon"}, {"entries__rating", 2}})
               .count(),
           std::int64_t{0});
    expect("chained: some entry Lennon, some entry rated 2",
           Blog::objects()
               .filter("entries__headline__contains", "Lennon")
               .filter("entries__rating", 2)
               .count(),
           std::int64_t{1});

    std::cout << "Aggregating across relations\n";
    for (const auto& row :
         Blog::objects().annotate("n", dorm::Count("entries")).order_by("name").values("name", "n"))
        std::cout << "  " << row["name"].as_text() << ": " << row["n"].as_int() << " entries\n";
    auto avg =
        Blog::objects().filter("name", "Beatles Blog").aggregate(dorm::Avg("entries__rating"));
    expect("average rating on the Beatles blog", avg["entries__rating__avg"].as_double(), 3.5);

    std::cout << "Loading related objects up front\n";
    statements = 0;
    std::size_t owners = 0;
    for (const auto& e : Entry::objects().select_related("blog__owner"))
        owners += e.blog->owner.ptr() != nullptr;
    expect("entries whose blog has an owner", owners, std::size_t{2});
    expect("  (queries: one, with joins)", statements, 1);

    statements = 0;
    std::size_t links = 0;
    for (const auto& e : Entry::objects().prefetch_related("authors"))
        links += e.related(&Entry::authors).size();
    expect("author links over all entries", links, std::size_t{4});
    expect("  (queries: the entries, then all their authors)", statements, 2);

    std::cout << "Deleting\n";
    auto deleted = beatles.delete_();
    expect("rows deleted with the Beatles blog (blog, entries, links, stats)", deleted.total,
           std::int64_t{1 + 2 + 3 + 1});
    expect("entries left", Entry::objects().count(), std::int64_t{1});
    pat.delete_();
    expect("Pat's blogs keep existing (set_null)", Blog::objects().count(), std::int64_t{1});

    std::cout << (failures ? "FAILED\n" : "all good\n");
    return failures ? 1 : 0;
} catch (const dorm::Error& e) {
    std::cerr << "dorm error: " << e.what() << "\n";
    return 1;
}
