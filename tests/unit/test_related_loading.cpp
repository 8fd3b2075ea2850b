// Loading related objects ahead: select_related() (joins, one query) and prefetch_related()
// (one more query per relation level, whatever the number of rows), counted with the query log
// and compared with what following the relations one object at a time gives.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

using dorm::Value;
using dorm::Values;
using Strings = std::vector<std::string>;

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Person>& m) {
        m.table("person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(50));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Person> owner; // nullable: select_related() leaves it alone
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

// Two levels of non-null ForeignKeys: Comment -> Entry -> Blog (-> Person, nullable).
struct Comment : dorm::Model<Comment> {
    std::int64_t id = 0;
    dorm::ForeignKey<Entry> entry;
    std::string text;
    static void define(dorm::ModelDef<Comment>& m) {
        m.table("comment");
        m.field("id", &Comment::id, dorm::auto_pk);
        m.field("entry", &Comment::entry);
        m.field("text", &Comment::text);
    }
};

struct Fixture {
    dorm::Database db{":memory:"};
    std::vector<std::string> log;

    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Person, Blog, Author, Entry, Comment>(db);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    void start_log() {
        log.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) { log.emplace_back(q.sql); });
    }
    void stop_log() { db.set_query_log(nullptr); }
    std::size_t statements() const { return log.size(); }
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
Entry entry(const Blog& b, const std::string& headline, int rating = 0) {
    Entry e;
    e.blog = b;
    e.headline = headline;
    e.rating = rating;
    e.save();
    return e;
}
Comment comment(const Entry& e, const std::string& text) {
    Comment c;
    c.entry = e;
    c.text = text;
    c.save();
    return c;
}

template <class QS>
Strings names(const QS& qs) {
    Strings out;
    for (const auto& o : qs)
        out.push_back(o.name);
    std::sort(out.begin(), out.end());
    return out;
}
template <class QS>
Strings heads(const QS& qs) {
    Strings out;
    for (const auto& o : qs)
        out.push_back(o.headline);
    std::sort(out.begin(), out.end());
    return out;
}
bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}
template <class Fn>
std::string error_of(Fn&& fn) {
    try {
        fn();
    } catch (const dorm::Error& e) {
        return e.what();
    }
    return {};
}

// Three owners, five blogs (two without owner), ten entries, each with a comment.
struct Small : Fixture {
    Small() {
        Person ann = person("Ann"), bob = person("Bob");
        const Person* owners[] = {&ann, &bob, nullptr, &ann, nullptr};
        for (int i = 0; i < 5; ++i) {
            Blog b = blog("blog" + std::to_string(i), owners[i]);
            for (int k = 0; k < 2; ++k)
                comment(entry(b, "e" + std::to_string(i) + std::to_string(k), i + k), "c");
        }
    }
};

// Fifty blogs with 0-3 entries each, and entries with 0-2 of five authors.
struct Many : Fixture {
    std::vector<Author> authors;
    Many() {
        for (const char* n : {"Ann", "Bob", "Cy", "Dee", "Eve"}) {
            Author a;
            a.name = n;
            a.save();
            authors.push_back(a);
        }
        int n = 0;
        for (int i = 0; i < 50; ++i) {
            Blog b = blog("blog" + std::to_string(100 + i));
            for (int k = 0; k < i % 4; ++k) {
                Entry e = entry(b, "entry" + std::to_string(1000 + n), n % 5);
                auto links = e.related(&Entry::authors);
                if (n % 3 != 0)
                    links.add(authors[static_cast<std::size_t>(n % 5)]);
                if (n % 3 == 2)
                    links.add(authors[static_cast<std::size_t>((n + 2) % 5)]);
                ++n;
            }
        }
    }
};

} // namespace

// --- select_related -------------------------------------------------------------------------

TEST_CASE_METHOD(Small, "select_related: one query, and following the loaded relation costs "
                        "none") {
    // Without it: one query for the entries, then one per entry.
    start_log();
    std::map<std::string, std::string> lazy;
    for (const auto& e : Entry::objects().all())
        lazy[e.headline] = e.blog->name;
    CHECK(statements() == 1 + 10);

    start_log();
    std::map<std::string, std::string> joined;
    const auto qs = Entry::objects().select_related("blog");
    for (const auto& e : qs) {
        CHECK(e.blog.is_cached());
        joined[e.headline] = e.blog->name;
    }
    CHECK(statements() == 1);
    CHECK(joined == lazy);
    CHECK(joined.size() == 10);
    REQUIRE_FALSE(log.empty());
    CHECK(contains(log[0], "INNER JOIN \"blog\" ON (\"entry\".\"blog_id\" = \"blog\".\"id\")"));
    // The loaded object is complete.
    const Entry& first = qs.results().front();
    CHECK(first.blog->id == first.blog.id().as_int());
    CHECK(first.blog->owner.id() == Blog::objects().get("pk", first.blog.id()).owner.id());

    // get() too.
    start_log();
    Entry one = Entry::objects().select_related("blog").get("headline", "e31");
    CHECK(one.blog->name == "blog3");
    CHECK(statements() == 1);
}

TEST_CASE_METHOD(Small, "select_related: nested blog__owner") {
    start_log();
    std::map<std::string, std::string> owners;
    for (const auto& e : Entry::objects().select_related("blog__owner")) {
        CHECK(e.blog.is_cached());
        const Person* owner = e.blog->owner.ptr();
        owners[e.headline] = owner ? owner->name : "-";
    }
    CHECK(statements() == 1);
    CHECK(owners == std::map<std::string, std::string>{{"e00", "Ann"},
                                                       {"e01", "Ann"},
                                                       {"e10", "Bob"},
                                                       {"e11", "Bob"},
                                                       {"e20", "-"},
                                                       {"e21", "-"},
                                                       {"e30", "Ann"},
                                                       {"e31", "Ann"},
                                                       {"e40", "-"},
                                                       {"e41", "-"}});
    // A nullable relation is an outer join: entries of blogs without owner are all there.
    CHECK(contains(log[0], "LEFT OUTER JOIN \"person\""));

    // Three levels from Comment.
    start_log();
    Strings three;
    for (const auto& c : Comment::objects().select_related("entry__blog__owner"))
        if (const Person* p = c.entry->blog->owner.ptr())
            three.push_back(c.entry->headline + ":" + p->name);
    CHECK(statements() == 1);
    std::sort(three.begin(), three.end());
    CHECK(three == Strings{"e00:Ann", "e01:Ann", "e10:Bob", "e11:Bob", "e30:Ann", "e31:Ann"});
}

TEST_CASE_METHOD(Small, "select_related: a NULL relation loads as absent, with no error and no "
                        "query") {
    start_log();
    int absent = 0, present = 0;
    for (const auto& b : Blog::objects().select_related("owner")) {
        if (b.owner.is_null()) {
            CHECK(b.owner.ptr() == nullptr);
            CHECK_FALSE(b.owner.is_cached());
            ++absent;
        } else {
            CHECK(b.owner.is_cached());
            CHECK_FALSE(b.owner->name.empty());
            ++present;
        }
    }
    CHECK(absent == 2);
    CHECK(present == 3);
    CHECK(statements() == 1);
}

TEST_CASE_METHOD(Small, "select_related() with no names follows the non-null ForeignKeys only") {
    start_log();
    const auto qs = Comment::objects().select_related();
    std::size_t rows = 0;
    for (const auto& c : qs) {
        CHECK(c.entry.is_cached());
        CHECK(c.entry->blog.is_cached());
        CHECK_FALSE(c.entry->blog->owner.is_cached()); // nullable: not followed
        ++rows;
    }
    CHECK(rows == 10);
    REQUIRE(statements() == 1);
    CHECK(contains(log[0], "JOIN \"entry\""));
    CHECK(contains(log[0], "JOIN \"blog\""));
    CHECK_FALSE(contains(log[0], "\"person\""));
    // Following the nullable relation is one query.
    const Comment& first = qs.results().front();
    REQUIRE_FALSE(first.entry->blog->owner.is_null());
    CHECK(first.entry->blog->owner->name == "Ann");
    CHECK(statements() == 2);

    // Entry: the blog, not its owner.
    for (const auto& e : Entry::objects().select_related())
        CHECK((e.blog.is_cached() && !e.blog->owner.is_cached()));
}

TEST_CASE_METHOD(Small, "select_related_depth(1) stops after one level") {
    start_log();
    const auto qs = Comment::objects().select_related_depth(1);
    for (const auto& c : qs) {
        CHECK(c.entry.is_cached());
        CHECK_FALSE(c.entry->blog.is_cached());
    }
    REQUIRE(statements() == 1);
    CHECK(contains(log[0], "JOIN \"entry\""));
    CHECK_FALSE(contains(log[0], "JOIN \"blog\""));
    // The second level costs one query, then it is cached.
    const Comment& c = qs.results().front();
    CHECK(c.entry->blog->name == "blog0");
    CHECK(statements() == 2);
    CHECK(c.entry->blog->name == "blog0");
    CHECK(statements() == 2);

    // Depth 2 reaches the blog.
    for (const auto& d : Comment::objects().select_related_depth(2))
        CHECK(d.entry->blog.is_cached());
}

TEST_CASE_METHOD(Small, "select_related: an unknown name is a FieldError listing the choices") {
    const std::string msg = error_of([] { Entry::objects().select_related("blg"); });
    CHECK(contains(msg, "'blg'"));
    CHECK(contains(msg, "Entry"));
    CHECK(contains(msg, "did you mean 'blog'"));
    CHECK(contains(msg, "Choices are: blog"));
    CHECK_THROWS_AS(Entry::objects().select_related("blg"), dorm::FieldError);
    // Not a relation, a reverse relation, a many-to-many: not for select_related().
    CHECK_THROWS_AS(Entry::objects().select_related("headline"), dorm::FieldError);
    CHECK_THROWS_AS(Entry::objects().select_related("authors"), dorm::FieldError);
    CHECK_THROWS_AS(Blog::objects().select_related("entry_set"), dorm::FieldError);
    // A bad name at the second level names the model there.
    const std::string nested = error_of([] { Entry::objects().select_related("blog__ownr"); });
    CHECK(contains(nested, "'ownr'"));
    CHECK(contains(nested, "Blog"));
    CHECK(contains(nested, "Choices are: owner"));
    // Person has no ForeignKey: there is nothing to choose.
    CHECK(contains(error_of([] { Entry::objects().select_related("blog__owner__x"); }), "(none)"));
}

// --- prefetch_related -----------------------------------------------------------------------

TEST_CASE_METHOD(Many, "prefetch_related: a many-to-many costs one more query for all the rows") {
    std::map<std::string, Strings> expected;
    for (const auto& e : Entry::objects().all())
        expected[e.headline] = names(e.related(&Entry::authors));
    REQUIRE(expected.size() == 73);

    start_log();
    std::map<std::string, Strings> got;
    for (const auto& e : Entry::objects().prefetch_related("authors"))
        got[e.headline] = names(e.related(&Entry::authors));
    CHECK(statements() == 2);
    CHECK(got == expected);
    // Some entries have no author: an empty list, still without a query.
    CHECK(std::count_if(got.begin(), got.end(), [](const auto& kv) { return kv.second.empty(); }) ==
          25);
    REQUIRE(statements() == 2);
    CHECK(contains(log[1], "FROM \"author\""));
    CHECK(contains(log[1], "\"entry_authors\""));

    // From the other side of the many-to-many.
    std::map<std::string, Strings> by_author;
    for (const auto& a : Author::objects().all())
        by_author[a.name] = heads(a.related(&Entry::authors));
    start_log();
    for (const auto& a : Author::objects().prefetch_related("entry_set")) {
        CHECK(heads(a.related(&Entry::authors)) == by_author[a.name]);
        CHECK(a.related<Entry>("entry_set").count() ==
              static_cast<std::int64_t>(by_author[a.name].size()));
    }
    CHECK(statements() == 2);
}

TEST_CASE_METHOD(Many, "prefetch_related: a reverse ForeignKey (entry_set)") {
    std::map<std::string, Strings> expected;
    for (const auto& b : Blog::objects().all())
        expected[b.name] = heads(b.related(&Entry::blog));
    REQUIRE(expected.size() == 50);

    start_log();
    std::map<std::string, Strings> got;
    for (const auto& b : Blog::objects().prefetch_related("entry_set")) {
        auto entries = b.related(&Entry::blog);
        got[b.name] = heads(entries);
        CHECK(entries.count() == static_cast<std::int64_t>(got[b.name].size()));
        CHECK(entries.size() == got[b.name].size());
        CHECK(entries.exists() == !got[b.name].empty());
    }
    CHECK(statements() == 2);
    CHECK(got == expected);
    CHECK(got["blog100"].empty());
    CHECK(got["blog103"].size() == 3);

    // The prefetched entries are complete objects.
    const auto blogs = Blog::objects().prefetch_related("entry_set").to_vector();
    for (const auto& b : blogs)
        for (const auto& e : b.related(&Entry::blog))
            CHECK(e.blog.id() == Value(b.id));
}

TEST_CASE_METHOD(Many, "prefetch_related: two levels (entry_set__authors)") {
    std::map<std::string, Strings> expected; // "blog/entry" -> authors
    for (const auto& b : Blog::objects().all())
        for (const auto& e : b.related(&Entry::blog))
            expected[b.name + "/" + e.headline] = names(e.related(&Entry::authors));
    REQUIRE(expected.size() == 73);

    for (const auto& paths :
         std::vector<Strings>{{"entry_set__authors"}, {"entry_set", "entry_set__authors"}}) {
        INFO(paths.size());
        start_log();
        auto qs = paths.size() == 1 ? Blog::objects().prefetch_related(paths[0])
                                    : Blog::objects().prefetch_related(paths[0], paths[1]);
        std::map<std::string, Strings> got;
        for (const auto& b : qs)
            for (const auto& e : b.related(&Entry::blog))
                got[b.name + "/" + e.headline] = names(e.related(&Entry::authors));
        CHECK(statements() == 3); // blogs, their entries, the entries' authors
        CHECK(got == expected);
    }
}

TEST_CASE_METHOD(Many, "prefetch_related: filter() on a prefetched manager asks the database") {
    const auto blogs = Blog::objects().prefetch_related("entry_set").to_vector();
    const Blog& b = blogs[3]; // blog103: three entries, ratings 3, 4, 0
    REQUIRE(b.name == "blog103");
    start_log();
    auto entries = b.related(&Entry::blog);
    CHECK(heads(entries) == Strings{"entry1003", "entry1004", "entry1005"});
    CHECK(statements() == 0);
    CHECK(heads(entries.filter("rating__gte", 3)) == Strings{"entry1003", "entry1004"});
    CHECK(statements() == 1);
    CHECK(heads(entries.exclude("rating", 0)) == Strings{"entry1003", "entry1004"});
    CHECK(entries.filter("rating", 0).count() == 1);
    CHECK(statements() == 3);

    // The prefetched list is a snapshot; the database answers filter() with what it holds now.
    Entry::objects().filter("headline", "entry1003").update({{"rating", 0}});
    CHECK(heads(b.related(&Entry::blog)).size() == 3);
    CHECK(heads(b.related(&Entry::blog).filter("rating", 0)) == Strings{"entry1003", "entry1005"});
}

TEST_CASE_METHOD(Many, "prefetch_related: all() of a related manager uses the prefetched objects") {
    std::size_t total = 0;
    start_log();
    for (const auto& b : Blog::objects().prefetch_related("entry_set")) {
        auto all = b.related(&Entry::blog).all(); // Django's blog.entry_set.all()
        total += all.size();
        CHECK(all.count() == static_cast<std::int64_t>(all.size()));
    }
    CHECK(statements() == 2);
    CHECK(total == 73);
    // A filter on it is a new query, as in Django.
    const auto blogs = Blog::objects().prefetch_related("entry_set").to_vector();
    start_log();
    (void)blogs[3].related(&Entry::blog).all().filter("rating", 0).count();
    CHECK(statements() == 1);
}

TEST_CASE_METHOD(Small, "prefetch_related: a forward ForeignKey") {
    start_log();
    std::map<std::string, std::string> got;
    for (const auto& e : Entry::objects().prefetch_related("blog")) {
        CHECK(e.blog.is_cached());
        got[e.headline] = e.blog->name;
    }
    REQUIRE(statements() == 2);
    CHECK(got.size() == 10);
    CHECK(got["e31"] == "blog3");
    CHECK(got["e00"] == "blog0");
    // Each blog is read once although two entries point at it.
    CHECK(contains(log[1], "FROM \"blog\""));
    CHECK(contains(log[1], "IN (?, ?, ?, ?, ?)"));

    // A nullable ForeignKey: the NULL ones stay NULL, the others are loaded.
    start_log();
    int loaded = 0;
    for (const auto& b : Blog::objects().prefetch_related("owner")) {
        CHECK(b.owner.is_cached() == !b.owner.is_null());
        if (const Person* p = b.owner.ptr()) {
            CHECK((p->name == "Ann" || p->name == "Bob"));
            ++loaded;
        }
    }
    CHECK(loaded == 3);
    CHECK(statements() == 2);
}

TEST_CASE_METHOD(Small, "prefetch_related: combined with select_related, and on no rows") {
    auto owners_of_comments = [this] {
        start_log();
        Strings owners;
        for (const auto& c : Comment::objects()
                                 .select_related("entry__blog")
                                 .prefetch_related("entry__blog__owner"))
            if (const Person* p = c.entry->blog->owner.ptr())
                owners.push_back(p->name);
        std::sort(owners.begin(), owners.end());
        return owners;
    };
    CHECK(owners_of_comments() == Strings{"Ann", "Ann", "Ann", "Ann", "Bob", "Bob"});
    // The comments, then only the owners: the levels select_related() loaded are not read
    // again (as Django); more rows cost no more queries.
    const std::size_t queries = statements();
    CHECK(queries == 2);
    stop_log();
    for (const auto& e : Entry::objects().all())
        for (int i = 0; i < 3; ++i)
            comment(e, "more");
    CHECK(owners_of_comments().size() == 4 * 6);
    CHECK(statements() == queries);

    start_log();
    CHECK(Entry::objects().filter("headline", "nothing").prefetch_related("authors").size() == 0);
    CHECK(statements() == 1); // no rows: nothing to prefetch
}

TEST_CASE_METHOD(Small, "prefetch_related: an unknown name is a FieldError listing the choices") {
    const std::string msg =
        error_of([] { (void)Blog::objects().prefetch_related("entyr_set").to_vector(); });
    CHECK(contains(msg, "'entyr_set'"));
    CHECK(contains(msg, "Blog"));
    CHECK(contains(msg, "did you mean 'entry_set'"));
    CHECK(contains(msg, "owner"));
    CHECK(contains(msg, "entry_set"));
    CHECK_THROWS_AS(Blog::objects().prefetch_related("entyr_set").to_vector(), dorm::FieldError);
    // At the second level, the choices are Entry's relations.
    const std::string nested =
        error_of([] { (void)Blog::objects().prefetch_related("entry_set__authrs").to_vector(); });
    CHECK(contains(nested, "'authrs'"));
    CHECK(contains(nested, "Entry"));
    CHECK(contains(nested, "did you mean 'authors'"));
    CHECK(contains(nested, "blog"));
    // A field that is not a relation.
    CHECK_THROWS_AS(Entry::objects().prefetch_related("headline").to_vector(), dorm::FieldError);
}
