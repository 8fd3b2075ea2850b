// Conformance with Django: queries across relations (ForeignKey, OneToOneField,
// ManyToManyField; forward, reverse, several levels), through dorm and through Django 3.2 on
// the same SQLite file.
//
// The data is chosen so that each wrong semantics gives a different answer: blogs without
// entries, a blog without an owner whose name matches an exclude() (NOT IN over a NULL),
// entries without authors, entries with several authors, authors on several blogs, a blog
// where two different entries satisfy two conditions (one filter() vs two), NULL ratings,
// blog names whose alphabetical order differs from their ids, and hostile text (' " % _ \,
// tab, non-ASCII) in every table.
//
// Multi-valued relations repeat rows (Django's documented behaviour): those cases compare
// the primary keys as multisets (same_set: sorted, duplicates kept), so a wrong number of
// repetitions fails.
#include "conformance.hpp"

#include <algorithm>

using conf::json;
using conf::pks;
using conf::rows;
using dorm::Avg;
using dorm::Count;
using dorm::F;
using dorm::Max;
using dorm::Min;
using dorm::Q;
using dorm::Sum;

namespace relconf {

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Person>& m) {
        m.table("rel_person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(50));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Person> owner;
    static void define(dorm::ModelDef<Blog>& m) {
        m.table("rel_blog").ordering({"name"});
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("name", &Blog::name, dorm::max_length(50));
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
    }
};

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("rel_author").ordering({"-name"});
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(50));
    }
};

struct Entry : dorm::Model<Entry> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog;
    std::string headline;
    std::optional<std::int32_t> rating;
    dorm::Date pub_date;
    dorm::ForeignKey<Person> editor;
    dorm::ManyToMany<Author> authors;
    static void define(dorm::ModelDef<Entry>& m) {
        m.table("rel_entry");
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog);
        m.field("headline", &Entry::headline, dorm::max_length(100));
        m.field("rating", &Entry::rating);
        m.field("pub_date", &Entry::pub_date);
        m.field("editor", &Entry::editor, dorm::null, dorm::set_null, dorm::related_name("edited"));
        m.field("authors", &Entry::authors);
    }
};

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("rel_place");
        m.field("id", &Place::id, dorm::auto_pk);
        m.field("name", &Place::name, dorm::max_length(50));
    }
};

struct Restaurant : dorm::Model<Restaurant> {
    std::int64_t id = 0;
    dorm::OneToOne<Place> place;
    std::string name;
    bool serves_pizza = false;
    std::optional<std::int32_t> rating;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("rel_restaurant");
        m.field("id", &Restaurant::id, dorm::auto_pk);
        m.field("place", &Restaurant::place);
        m.field("name", &Restaurant::name, dorm::max_length(50));
        m.field("serves_pizza", &Restaurant::serves_pizza);
        m.field("rating", &Restaurant::rating);
    }
};

// A many-to-many through a declared model, with a related_name.
struct Club;
struct Membership;

struct Club : dorm::Model<Club> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> members;
    static void define(dorm::ModelDef<Club>& m);
};

struct Membership : dorm::Model<Membership> {
    std::int64_t id = 0;
    dorm::ForeignKey<Person> person;
    dorm::ForeignKey<Club> club;
    std::string role;
    static void define(dorm::ModelDef<Membership>& m) {
        m.table("rel_membership").ordering({"club", "person__name"});
        m.field("id", &Membership::id, dorm::auto_pk);
        m.field("person", &Membership::person);
        m.field("club", &Membership::club);
        m.field("role", &Membership::role, dorm::max_length(20));
    }
};

inline void Club::define(dorm::ModelDef<Club>& m) {
    m.table("rel_club").ordering({"-name"});
    m.field("id", &Club::id, dorm::auto_pk);
    m.field("name", &Club::name, dorm::max_length(30));
    m.field("members", &Club::members, dorm::through<Membership>(), dorm::related_name("clubs"));
}

// An automatic join table with its own name, and a reverse query name of its own.
struct Tag : dorm::Model<Tag> {
    std::int64_t id = 0;
    std::string label;
    static void define(dorm::ModelDef<Tag>& m) {
        m.table("rel_tag");
        m.field("id", &Tag::id, dorm::auto_pk);
        m.field("label", &Tag::label, dorm::max_length(20));
    }
};

struct Shelf : dorm::Model<Shelf> {
    std::int64_t id = 0;
    std::string title;
    dorm::ForeignKey<Person> keeper; // no reverse relation
    dorm::ManyToMany<Tag> tags;
    static void define(dorm::ModelDef<Shelf>& m) {
        m.table("rel_shelf");
        m.field("id", &Shelf::id, dorm::auto_pk);
        m.field("title", &Shelf::title, dorm::max_length(30));
        m.field("keeper", &Shelf::keeper, dorm::null, dorm::set_null, dorm::related_name("+"));
        m.field("tags", &Shelf::tags, dorm::db_table("rel_shelf_tag_links"),
                dorm::related_query_name("shelved"));
    }
};

} // namespace relconf

using relconf::Author;
using relconf::Blog;
using relconf::Club;
using relconf::Entry;
using relconf::Membership;
using relconf::Person;
using relconf::Place;
using relconf::Restaurant;
using relconf::Shelf;
using relconf::Tag;

namespace {

dorm::Manager<Person> P() {
    return Person::objects();
}
dorm::Manager<Blog> B() {
    return Blog::objects();
}
dorm::Manager<Author> A() {
    return Author::objects();
}
dorm::Manager<Entry> E() {
    return Entry::objects();
}

// ---------------------------------------------------------------------------------------------
// The data
// ---------------------------------------------------------------------------------------------
//
// Persons: 1 Ann O'Neil, 2 bob %_\, 3 Çelik, 4 Dee (owns nothing, edits nothing),
//          5 Eve "E" (owns nothing, edits entry 8)
// Blogs (Meta.ordering name): 1 The Beatles' Blog (Ann), 2 Cooking "100%" (bob),
//          3 Zen_Garden (no owner), 4 Äpfel (Çelik, no entries), 5 a\blog (Ann),
//          6 Beatles (no owner)
// Authors (Meta.ordering -name): 1 Alice, 2 Bob O'Brien, 3 carol_100%, 4 Dan \ back (no
//          entries), 5 Ève
// Entries: id blog headline               rating pub_date   editor authors
//          1  1    Lennon & McCartney     5      2008-03-01 bob    Alice, Bob
//          2  1    Lennon's return        2      2009-05-05 -      Alice
//          3  1    Ringo 100%             NULL   2008-07-07 Ann    -
//          4  2    Pasta al 100%          4      2008-02-02 bob    Bob, carol, Ève
//          5  2    Lennon's pasta_        5      2010-10-10 -      carol
//          6  3    Lennon tribute         1      2008-12-31 Çelik  Ève
//          7  3    Zen "quote"            5      2011-01-01 -      Alice, Ève
//          8  5    tab<TAB>there \ back   NULL   2012-02-29 Eve    Bob
//          9  6    Ode to Yoko            3      2008-06-06 Çelik  Alice, Bob, carol
// Places: 1 Joe's Diner, 2 100% Café, 3 Empty_lot (no restaurant), 4 Back\slash bar
// Restaurants: 1 at place 4 Slash "pizza" (pizza, 2), 2 at place 1 Joe's (pizza, 5),
//          3 at place 2 Café_100% (no pizza, NULL)
// Clubs (Meta.ordering -name; members through Membership, related_name "clubs"):
//          1 Chess_Club, 2 100% Runners, 3 Empty club.
// Memberships (Meta.ordering club, person__name: across relations): 1 Ann chair of 1,
//          2 bob it's "me" of 1, 3 bob chair of 2, 4 Çelik member of 2, 5 Ann member of 2
// Tags: 1 red, 2 it's, 3 %, 4 unused_. Shelves (keeper: no reverse; tags in
//          rel_shelf_tag_links, query name "shelved"): 1 top (Ann; red, it's), 2 middle (-; %),
//          3 bottom (bob; red), 4 floor (-; -)

void seed(dorm::Database& db) {
    dorm::create_tables<Person, Blog, Author, Entry, Place, Restaurant, Club, Membership, Tag,
                        Shelf>(db);
    dorm::atomic(db, [&] {
        std::vector<Person> people;
        for (const char* n : {"Ann O'Neil", "bob %_\\", "Çelik", "Dee", "Eve \"E\""}) {
            Person p;
            p.name = n;
            p.save(db);
            people.push_back(p);
        }
        struct BlogSeed {
            const char* name;
            int owner; // 0: none
        };
        std::vector<Blog> blogs;
        for (const BlogSeed& s : {BlogSeed{"The Beatles' Blog", 1}, BlogSeed{"Cooking \"100%\"", 2},
                                  BlogSeed{"Zen_Garden", 0}, BlogSeed{"Äpfel", 3},
                                  BlogSeed{"a\\blog", 1}, BlogSeed{"Beatles", 0}}) {
            Blog b;
            b.name = s.name;
            if (s.owner)
                b.owner = people[static_cast<std::size_t>(s.owner - 1)];
            b.save(db);
            blogs.push_back(b);
        }
        std::vector<Author> authors;
        for (const char* n : {"Alice", "Bob O'Brien", "carol_100%", "Dan \\ back", "Ève"}) {
            Author a;
            a.name = n;
            a.save(db);
            authors.push_back(a);
        }
        struct EntrySeed {
            int blog;
            const char* headline;
            std::optional<int> rating;
            dorm::Date day;
            int editor; // 0: none
            std::vector<int> authors;
        };
        const auto none = std::nullopt;
        const std::vector<EntrySeed> entries = {
            {1, "Lennon & McCartney", 5, {2008, 3, 1}, 2, {1, 2}},
            {1, "Lennon's return", 2, {2009, 5, 5}, 0, {1}},
            {1, "Ringo 100%", none, {2008, 7, 7}, 1, {}},
            {2, "Pasta al 100%", 4, {2008, 2, 2}, 2, {2, 3, 5}},
            {2, "Lennon's pasta_", 5, {2010, 10, 10}, 0, {3}},
            {3, "Lennon tribute", 1, {2008, 12, 31}, 3, {5}},
            {3, "Zen \"quote\"", 5, {2011, 1, 1}, 0, {1, 5}},
            {5, "tab\there \\ back", none, {2012, 2, 29}, 5, {2}},
            {6, "Ode to Yoko", 3, {2008, 6, 6}, 3, {1, 2, 3}},
        };
        for (const EntrySeed& s : entries) {
            Entry e;
            e.blog = blogs[static_cast<std::size_t>(s.blog - 1)];
            e.headline = s.headline;
            e.rating = s.rating;
            e.pub_date = s.day;
            if (s.editor)
                e.editor = people[static_cast<std::size_t>(s.editor - 1)];
            e.save(db);
            std::vector<Author> linked;
            for (int a : s.authors)
                linked.push_back(authors[static_cast<std::size_t>(a - 1)]);
            if (!linked.empty())
                e.related(&Entry::authors).add(linked);
        }
        std::vector<Place> places;
        for (const char* n : {"Joe's Diner", "100% Café", "Empty_lot", "Back\\slash bar"}) {
            Place p;
            p.name = n;
            p.save(db);
            places.push_back(p);
        }
        struct RestaurantSeed {
            int place;
            const char* name;
            bool pizza;
            std::optional<int> rating;
        };
        for (const RestaurantSeed& s :
             {RestaurantSeed{4, "Slash \"pizza\"", true, 2}, RestaurantSeed{1, "Joe's", true, 5},
              RestaurantSeed{2, "Café_100%", false, std::nullopt}}) {
            Restaurant r;
            r.place = places[static_cast<std::size_t>(s.place - 1)];
            r.name = s.name;
            r.serves_pizza = s.pizza;
            r.rating = s.rating;
            r.save(db);
        }
        std::vector<Club> clubs;
        for (const char* n : {"Chess_Club", "100% Runners", "Empty club"}) {
            Club c;
            c.name = n;
            c.save(db);
            clubs.push_back(c);
        }
        struct MembershipSeed {
            int person, club;
            const char* role;
        };
        for (const MembershipSeed& s :
             {MembershipSeed{1, 1, "chair"}, MembershipSeed{2, 1, "it's \"me\""},
              MembershipSeed{2, 2, "chair"}, MembershipSeed{3, 2, "member"},
              MembershipSeed{1, 2, "member"}}) {
            Membership ms;
            ms.person = people[static_cast<std::size_t>(s.person - 1)];
            ms.club = clubs[static_cast<std::size_t>(s.club - 1)];
            ms.role = s.role;
            ms.save(db);
        }
        std::vector<Tag> tags;
        for (const char* n : {"red", "it's", "%", "unused_"}) {
            Tag t;
            t.label = n;
            t.save(db);
            tags.push_back(t);
        }
        struct ShelfSeed {
            const char* title;
            int keeper;
            std::vector<int> tags;
        };
        for (const ShelfSeed& s : {ShelfSeed{"top", 1, {1, 2}}, ShelfSeed{"middle", 0, {3}},
                                   ShelfSeed{"bottom", 2, {1}}, ShelfSeed{"floor", 0, {}}}) {
            Shelf sh;
            sh.title = s.title;
            if (s.keeper)
                sh.keeper = people[static_cast<std::size_t>(s.keeper - 1)];
            sh.save(db);
            std::vector<Tag> linked;
            for (int t : s.tags)
                linked.push_back(tags[static_cast<std::size_t>(t - 1)]);
            if (!linked.empty())
                sh.related(&Shelf::tags).add(linked);
        }
    });
}

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Person>())
        .add_model(conf::oracle_model<Blog>())
        .add_model(conf::oracle_model<Author>())
        .add_model(conf::oracle_model<Entry>())
        .add_model(conf::oracle_model<Place>())
        .add_model(conf::oracle_model<Restaurant>())
        .add_model(conf::oracle_model<Club>())
        .add_model(conf::oracle_model<Membership>())
        .add_model(conf::oracle_model<Tag>())
        .add_model(conf::oracle_model<Shelf>());
    return o;
}

// [[pk, annotation]...] of a queryset.
template <class QS>
json with(const QS& qs, std::initializer_list<const char*> aliases) {
    json out = json::array();
    for (const auto& o : qs) {
        json row = json::array({conf::pk_of(o)});
        for (const char* a : aliases)
            row.push_back(conf::to_json(o.annotation(a)));
        out.push_back(std::move(row));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Lookups across relations
// ---------------------------------------------------------------------------------------------

void lookups(conf::Suite& s) {
    // Forward, several levels.
    s.same_set(
        "forward_one_level", [] { return pks(E().filter("blog__name", "The Beatles' Blog")); },
        R"(Entry.objects.filter(blog__name="The Beatles' Blog"))");
    s.same_set(
        "forward_two_levels_icontains",
        [] { return pks(E().filter("blog__owner__name__icontains", "BOB %_")); },
        "Entry.objects.filter(blog__owner__name__icontains='BOB %_')");
    s.same_set(
        "forward_two_levels_quote",
        [] { return pks(E().filter("blog__owner__name__icontains", "ann o'n")); },
        R"(Entry.objects.filter(blog__owner__name__icontains="ann o'n"))");
    s.same_set(
        "forward_backslash", [] { return pks(E().filter("blog__name__startswith", "a\\")); },
        R"(Entry.objects.filter(blog__name__startswith='a\\'))");
    s.same_set(
        "forward_underscore_literal", [] { return pks(E().filter("blog__name__contains", "n_G")); },
        "Entry.objects.filter(blog__name__contains='n_G')");
    s.same_set(
        "forward_non_ascii_exact", [] { return pks(B().filter("owner__name", "Çelik")); },
        "Blog.objects.filter(owner__name='Çelik')");
    s.same_set(
        "forward_three_levels_from_author",
        [] { return pks(A().filter("entry__blog__owner__name__icontains", "ann o'n")); },
        R"(Author.objects.filter(entry__blog__owner__name__icontains="ann o'n"))");
    s.same_set(
        "forward_in_list",
        [] {
            return pks(E().filter("blog__name__in", {"Beatles", "a\\blog"}));
        },
        R"(Entry.objects.filter(blog__name__in=['Beatles', 'a\\blog']))");

    // The relation itself: an object, an id, blog_id, blog__id, blog__pk, __in.
    s.same_set(
        "fk_instance", [] { return pks(E().filter("blog", B().get("pk", 2))); },
        "Entry.objects.filter(blog=Blog.objects.get(pk=2))");
    s.same_set(
        "fk_id_value", [] { return pks(E().filter("blog", 3)); }, "Entry.objects.filter(blog=3)");
    s.same_set(
        "fk_attname", [] { return pks(E().filter("blog_id", 1)); },
        "Entry.objects.filter(blog_id=1)");
    s.same_set(
        "fk_target_id", [] { return pks(E().filter("blog__id", 1)); },
        "Entry.objects.filter(blog__id=1)");
    s.same_set(
        "fk_target_pk", [] { return pks(E().filter("blog__pk__gt", 3)); },
        "Entry.objects.filter(blog__pk__gt=3)");
    s.same_set(
        "fk_gt", [] { return pks(E().filter("blog__gt", 3)); }, "Entry.objects.filter(blog__gt=3)");
    s.same_set(
        "fk_in_queryset",
        [] { return pks(E().filter("blog__in", B().filter("name__contains", "Beatles"))); },
        "Entry.objects.filter(blog__in=Blog.objects.filter(name__contains='Beatles'))");
    s.same_set(
        "fk_in_ids",
        [] {
            return pks(E().filter("blog__in", {2, 5}));
        },
        "Entry.objects.filter(blog__in=[2, 5])");
    s.same_set(
        "fk_in_values_list",
        [] {
            return pks(E().filter("blog__in", B().filter("owner__isnull", true).values_list("id")));
        },
        "Entry.objects.filter(blog__in=Blog.objects.filter(owner__isnull=True)"
        ".values_list('id', flat=True))");
    s.same_set(
        "fk_two_levels_attname", [] { return pks(E().filter("blog__owner_id", 1)); },
        "Entry.objects.filter(blog__owner_id=1)");
    s.same_set(
        "fk_two_levels_id", [] { return pks(E().filter("blog__owner", 2)); },
        "Entry.objects.filter(blog__owner=2)");
    s.same_set(
        "fk_none_is_null", [] { return pks(B().filter("owner", dorm::Value())); },
        "Blog.objects.filter(owner=None)");
    s.same_set(
        "fk_compared_with_f", [] { return pks(E().filter("editor", F("blog__owner"))); },
        "Entry.objects.filter(editor=F('blog__owner'))");
    s.same_set(
        "fk_excluded_with_f", [] { return pks(E().exclude("editor", F("blog__owner"))); },
        "Entry.objects.exclude(editor=F('blog__owner'))");
    s.same_set(
        "fk_attname_in",
        [] {
            return pks(E().filter("editor_id__in", {1, 5}));
        },
        "Entry.objects.filter(editor_id__in=[1, 5])");

    // Reverse ForeignKey: one row per matching entry.
    s.same_set(
        "reverse_contains", [] { return pks(B().filter("entry__headline__contains", "Lennon")); },
        "Blog.objects.filter(entry__headline__contains='Lennon')");
    s.same_set(
        "reverse_percent", [] { return pks(B().filter("entry__headline__contains", "100%")); },
        "Blog.objects.filter(entry__headline__contains='100%')");
    s.same_set(
        "reverse_underscore", [] { return pks(B().filter("entry__headline__endswith", "_")); },
        "Blog.objects.filter(entry__headline__endswith='_')");
    s.same_set(
        "reverse_backslash", [] { return pks(B().filter("entry__headline__contains", "\\")); },
        R"(Blog.objects.filter(entry__headline__contains='\\'))");
    s.same_set(
        "reverse_tab", [] { return pks(B().filter("entry__headline__startswith", "tab\t")); },
        R"(Blog.objects.filter(entry__headline__startswith='tab\t'))");
    s.same_set(
        "reverse_double_quote", [] { return pks(B().filter("entry__headline", "Zen \"quote\"")); },
        R"(Blog.objects.filter(entry__headline='Zen "quote"'))");
    s.same_set(
        "reverse_gte", [] { return pks(B().filter("entry__rating__gte", 4)); },
        "Blog.objects.filter(entry__rating__gte=4)");
    s.same_set(
        "reverse_year", [] { return pks(B().filter("entry__pub_date__year", 2008)); },
        "Blog.objects.filter(entry__pub_date__year=2008)");
    s.same_set(
        "reverse_by_pk", [] { return pks(B().filter("entry", 5)); },
        "Blog.objects.filter(entry=5)");
    s.same_set(
        "reverse_by_instance", [] { return pks(B().filter("entry", E().get("pk", 9))); },
        "Blog.objects.filter(entry=Entry.objects.get(pk=9))");
    s.same_set(
        "reverse_in_queryset", [] { return pks(B().filter("entry__in", E().filter("rating", 5))); },
        "Blog.objects.filter(entry__in=Entry.objects.filter(rating=5))");
    s.same_set(
        "reverse_two_levels_person", [] { return pks(P().filter("blog__entry__rating", 5)); },
        "Person.objects.filter(blog__entry__rating=5)");
    s.same_set(
        "reverse_related_name",
        [] { return pks(P().filter("edited__headline__contains", "100%")); },
        "Person.objects.filter(edited__headline__contains='100%')");
    s.same_set(
        "reverse_related_name_then_forward",
        [] { return pks(P().filter("edited__blog__name", "Cooking \"100%\"")); },
        R"(Person.objects.filter(edited__blog__name='Cooking "100%"'))");

    // Many-to-many, both sides.
    s.same_set(
        "m2m_forward", [] { return pks(E().filter("authors__name", "Bob O'Brien")); },
        R"(Entry.objects.filter(authors__name="Bob O'Brien"))");
    s.same_set(
        "m2m_forward_percent", [] { return pks(E().filter("authors__name__contains", "0%")); },
        "Entry.objects.filter(authors__name__contains='0%')");
    s.same_set(
        "m2m_forward_in_ids",
        [] {
            return pks(E().filter("authors__in", {1, 2}));
        },
        "Entry.objects.filter(authors__in=[1, 2])");
    s.same_set(
        "m2m_forward_instance", [] { return pks(E().filter("authors", A().get("pk", 1))); },
        "Entry.objects.filter(authors=Author.objects.get(pk=1))");
    s.same_set(
        "m2m_forward_id", [] { return pks(E().filter("authors__id", 5)); },
        "Entry.objects.filter(authors__id=5)");
    s.same_set(
        "m2m_reverse", [] { return pks(A().filter("entry__headline__startswith", "Lennon")); },
        "Author.objects.filter(entry__headline__startswith='Lennon')");
    s.same_set(
        "m2m_reverse_then_fk",
        [] { return pks(A().filter("entry__blog__name", "The Beatles' Blog")); },
        R"(Author.objects.filter(entry__blog__name="The Beatles' Blog"))");
    s.same_set(
        "m2m_reverse_non_ascii", [] { return pks(B().filter("entry__authors__name", "Ève")); },
        "Blog.objects.filter(entry__authors__name='Ève')");
    s.same_set(
        "m2m_from_blog", [] { return pks(B().filter("entry__authors__name", "carol_100%")); },
        "Blog.objects.filter(entry__authors__name='carol_100%')");
    s.same_set(
        "m2m_from_person", [] { return pks(P().filter("blog__entry__authors__name", "Ève")); },
        "Person.objects.filter(blog__entry__authors__name='Ève')");
    s.same_set(
        "m2m_reverse_in_queryset",
        [] { return pks(A().filter("entry__in", E().filter("blog", 1))); },
        "Author.objects.filter(entry__in=Entry.objects.filter(blog=1))");
    s.same_set(
        "m2m_author_to_author",
        [] { return pks(A().filter("entry__authors__name", "Dan \\ back")); },
        R"(Author.objects.filter(entry__authors__name='Dan \\ back'))");
    s.same_set(
        "m2m_coauthors", [] { return pks(A().filter("entry__authors__name", "carol_100%")); },
        "Author.objects.filter(entry__authors__name='carol_100%')");

    // isnull on forward, reverse and many-to-many paths.
    s.same_set(
        "isnull_forward", [] { return pks(B().filter("owner__isnull", true)); },
        "Blog.objects.filter(owner__isnull=True)");
    s.same_set(
        "isnull_forward_false", [] { return pks(B().filter("owner__isnull", false)); },
        "Blog.objects.filter(owner__isnull=False)");
    s.same_set(
        "isnull_forward_two_levels", [] { return pks(E().filter("blog__owner__isnull", true)); },
        "Entry.objects.filter(blog__owner__isnull=True)");
    s.same_set(
        "isnull_forward_field_of_null",
        [] { return pks(E().filter("blog__owner__name__isnull", true)); },
        "Entry.objects.filter(blog__owner__name__isnull=True)");
    s.same_set(
        "isnull_reverse", [] { return pks(B().filter("entry__isnull", true)); },
        "Blog.objects.filter(entry__isnull=True)");
    s.same_set(
        "isnull_reverse_false", [] { return pks(B().filter("entry__isnull", false)); },
        "Blog.objects.filter(entry__isnull=False)");
    s.same_set(
        "isnull_reverse_field", [] { return pks(B().filter("entry__rating__isnull", true)); },
        "Blog.objects.filter(entry__rating__isnull=True)");
    s.same_set(
        "isnull_reverse_field_false",
        [] { return pks(B().filter("entry__rating__isnull", false)); },
        "Blog.objects.filter(entry__rating__isnull=False)");
    s.same_set(
        "isnull_reverse_nullable_fk", [] { return pks(P().filter("blog__isnull", true)); },
        "Person.objects.filter(blog__isnull=True)");
    s.same_set(
        "isnull_reverse_nullable_fk_false", [] { return pks(P().filter("blog__isnull", false)); },
        "Person.objects.filter(blog__isnull=False)");
    s.same_set(
        "isnull_related_name", [] { return pks(P().filter("edited__isnull", true)); },
        "Person.objects.filter(edited__isnull=True)");
    s.same_set(
        "isnull_m2m", [] { return pks(E().filter("authors__isnull", true)); },
        "Entry.objects.filter(authors__isnull=True)");
    s.same_set(
        "isnull_m2m_false", [] { return pks(E().filter("authors__isnull", false)); },
        "Entry.objects.filter(authors__isnull=False)");
    s.same_set(
        "isnull_m2m_reverse", [] { return pks(A().filter("entry__isnull", true)); },
        "Author.objects.filter(entry__isnull=True)");
    s.same_set(
        "isnull_m2m_two_levels", [] { return pks(B().filter("entry__authors__isnull", true)); },
        "Blog.objects.filter(entry__authors__isnull=True)");

    // Mistakes.
    s.same_error(
        "unknown_field_after_relation", [] { return pks(B().filter("entry__nope", 1)); },
        "Blog.objects.filter(entry__nope=1)");
    s.same_error(
        "accessor_is_not_a_query_name", [] { return pks(B().filter("entry_set__headline", "x")); },
        "Blog.objects.filter(entry_set__headline='x')");
    s.same_error(
        "related_name_replaces_default", [] { return pks(P().filter("entry__headline", "x")); },
        "Person.objects.filter(entry__headline='x')");
    s.same_error(
        "wrong_model_instance", [] { return pks(E().filter("blog", A().get("pk", 1))); },
        "Entry.objects.filter(blog=Author.objects.get(pk=1))");
    s.same_error(
        "lookup_on_relation_text", [] { return pks(E().filter("blog__contains", "x")); },
        "Entry.objects.filter(blog__contains='x')");
    // A relation takes only the lookups that compare keys; a field of the related model,
    // even its key reached through the relation, takes every lookup (as any field).
    s.same_error(
        "lookup_on_relation_iexact", [] { return pks(E().filter("blog__iexact", 1)); },
        "Entry.objects.filter(blog__iexact=1)");
    s.same_error(
        "lookup_on_relation_regex", [] { return pks(E().filter("blog__regex", "1")); },
        "Entry.objects.filter(blog__regex='1')");
    s.same_error(
        "lookup_on_relation_attname", [] { return pks(E().filter("blog_id__startswith", 1)); },
        "Entry.objects.filter(blog_id__startswith=1)");
    s.same_error(
        "lookup_on_reverse_relation", [] { return pks(B().filter("entry__contains", 1)); },
        "Blog.objects.filter(entry__contains=1)");
    s.same(
        "lookup_on_related_key", [] { return pks(E().filter("blog__id__contains", 1)); },
        "Entry.objects.filter(blog__id__contains=1)");
    s.same(
        "lookup_on_relation_gt", [] { return pks(E().filter("blog__gt", 1)); },
        "Entry.objects.filter(blog__gt=1)");
}

// ---------------------------------------------------------------------------------------------
// Multi-valued relations: one filter() vs two, exclude(), Q, distinct, count
// ---------------------------------------------------------------------------------------------

void multi_valued(conf::Suite& s) {
    // One filter(): the same entry satisfies both conditions.
    s.same_set(
        "one_filter_same_entry",
        [] {
            return pks(B().filter({{"entry__headline__contains", "Lennon"}, {"entry__rating", 5}}));
        },
        "Blog.objects.filter(entry__headline__contains='Lennon', entry__rating=5)");
    s.same_set(
        "one_filter_q_and",
        [] {
            return pks(
                B().filter(Q("entry__headline__contains", "Lennon") & Q("entry__rating", 5)));
        },
        "Blog.objects.filter(Q(entry__headline__contains='Lennon') & Q(entry__rating=5))");
    s.same_set(
        "one_filter_repeats",
        [] {
            return pks(
                B().filter({{"entry__headline__contains", "Lennon"}, {"entry__rating__gte", 2}}));
        },
        "Blog.objects.filter(entry__headline__contains='Lennon', entry__rating__gte=2)");
    // Two filter() calls: each may be satisfied by a different entry, and rows multiply.
    s.same_set(
        "two_filters_any_entries",
        [] {
            return pks(
                B().filter("entry__headline__contains", "Lennon").filter("entry__rating", 5));
        },
        "Blog.objects.filter(entry__headline__contains='Lennon').filter(entry__rating=5)");
    s.same(
        "two_filters_count",
        [] {
            return B()
                .filter("entry__headline__contains", "Lennon")
                .filter("entry__rating", 5)
                .count();
        },
        "Blog.objects.filter(entry__headline__contains='Lennon').filter(entry__rating=5).count()");
    s.same(
        "two_filters_distinct",
        [] {
            return pks(B().filter("entry__headline__contains", "Lennon")
                           .filter("entry__rating", 5)
                           .distinct());
        },
        "Blog.objects.filter(entry__headline__contains='Lennon').filter(entry__rating=5)"
        ".distinct()");
    s.same_set(
        "two_filters_m2m",
        [] { return pks(E().filter("authors__name", "Alice").filter("authors__name", "Ève")); },
        "Entry.objects.filter(authors__name='Alice').filter(authors__name='Ève')");
    s.same_set(
        "one_filter_m2m_impossible",
        [] { return pks(E().filter(Q("authors__name", "Alice") & Q("authors__name", "Ève"))); },
        "Entry.objects.filter(Q(authors__name='Alice') & Q(authors__name='Ève'))");
    s.same_set(
        "two_filters_m2m_through_blog",
        [] {
            return pks(B().filter("entry__authors__name", "Alice")
                           .filter("entry__authors__name", "Bob O'Brien"));
        },
        R"(Blog.objects.filter(entry__authors__name='Alice').filter(entry__authors__name="Bob O'Brien"))");
    s.same_set(
        "filter_then_filter_forward_single_valued",
        [] {
            return pks(
                E().filter("blog__name__contains", "Beatles").filter("blog__owner__isnull", true));
        },
        "Entry.objects.filter(blog__name__contains='Beatles').filter(blog__owner__isnull=True)");

    // count() counts repeated rows; distinct() removes them.
    s.same(
        "count_repeated", [] { return B().filter("entry__rating__gte", 2).count(); },
        "Blog.objects.filter(entry__rating__gte=2).count()");
    s.same(
        "count_distinct", [] { return B().filter("entry__rating__gte", 2).distinct().count(); },
        "Blog.objects.filter(entry__rating__gte=2).distinct().count()");
    s.same(
        "len_repeated", [] { return B().filter("entry__authors__name", "Alice").size(); },
        "len(Blog.objects.filter(entry__authors__name='Alice'))");
    s.same(
        "distinct_ordered",
        [] { return pks(B().filter("entry__authors__name", "Alice").distinct()); },
        "Blog.objects.filter(entry__authors__name='Alice').distinct()");
    s.same(
        "count_m2m_isnull_false", [] { return E().filter("authors__isnull", false).count(); },
        "Entry.objects.filter(authors__isnull=False).count()");
    s.same(
        "exists_multi", [] { return B().filter("entry__authors__name", "Dan \\ back").exists(); },
        R"(Blog.objects.filter(entry__authors__name='Dan \\ back').exists())");
    s.same_error(
        "get_counts_repeated_rows",
        [] { return conf::pk_of(B().get("entry__authors__name", "Alice")); },
        "Blog.objects.get(entry__authors__name='Alice')", true);
    s.same(
        "get_through_relation",
        [] { return conf::pk_of(B().get("entry__headline", "Ringo 100%")); },
        "Blog.objects.get(entry__headline='Ringo 100%')");
    s.same(
        "slice_of_repeated",
        [] {
            return pks(
                B().filter("entry__rating__gte", 2).order_by("name", "entry__rating").slice(1, 4));
        },
        "Blog.objects.filter(entry__rating__gte=2).order_by('name', 'entry__rating')[1:4]");

    // exclude(): one condition, two conditions in one call, two calls.
    s.same_set(
        "exclude_reverse", [] { return pks(B().exclude("entry__headline__contains", "Lennon")); },
        "Blog.objects.exclude(entry__headline__contains='Lennon')");
    s.same_set(
        "exclude_reverse_rating", [] { return pks(B().exclude("entry__rating", 5)); },
        "Blog.objects.exclude(entry__rating=5)");
    s.same_set(
        "exclude_two_conditions",
        [] {
            return pks(
                B().exclude({{"entry__headline__contains", "Lennon"}, {"entry__rating", 5}}));
        },
        "Blog.objects.exclude(entry__headline__contains='Lennon', entry__rating=5)");
    s.same_set(
        "exclude_two_calls",
        [] {
            return pks(
                B().exclude("entry__headline__contains", "Lennon").exclude("entry__rating", 5));
        },
        "Blog.objects.exclude(entry__headline__contains='Lennon').exclude(entry__rating=5)");
    s.same_set(
        "exclude_same_entry_documented_way",
        [] {
            return pks(B().exclude("entry__in",
                                   E().filter({{"headline__contains", "Lennon"}, {"rating", 5}})));
        },
        "Blog.objects.exclude(entry__in=Entry.objects.filter(headline__contains='Lennon', "
        "rating=5))");
    s.same_set(
        "exclude_m2m", [] { return pks(B().exclude("entry__authors__name", "Alice")); },
        "Blog.objects.exclude(entry__authors__name='Alice')");
    s.same_set(
        "exclude_m2m_forward", [] { return pks(E().exclude("authors__name__contains", "o")); },
        "Entry.objects.exclude(authors__name__contains='o')");
    s.same_set(
        "exclude_m2m_reverse", [] { return pks(A().exclude("entry__blog__name", "Beatles")); },
        "Author.objects.exclude(entry__blog__name='Beatles')");
    s.same_set(
        "exclude_nullable_fk_reverse_null_in_subquery",
        [] { return pks(P().exclude("blog__name__contains", "Zen")); },
        "Person.objects.exclude(blog__name__contains='Zen')");
    s.same_set(
        "exclude_nullable_fk_reverse",
        [] { return pks(P().exclude("blog__name__contains", "Beatles")); },
        "Person.objects.exclude(blog__name__contains='Beatles')");
    s.same_set(
        "exclude_forward_nullable",
        [] { return pks(E().exclude("blog__owner__name", "Ann O'Neil")); },
        R"(Entry.objects.exclude(blog__owner__name="Ann O'Neil"))");
    s.same_set(
        "exclude_forward_nullable_id", [] { return pks(E().exclude("editor", 2)); },
        "Entry.objects.exclude(editor=2)");
    s.same_set(
        "exclude_reverse_isnull", [] { return pks(B().exclude("entry__isnull", true)); },
        "Blog.objects.exclude(entry__isnull=True)");
    s.same_set(
        "exclude_reverse_field_isnull",
        [] { return pks(B().exclude("entry__rating__isnull", true)); },
        "Blog.objects.exclude(entry__rating__isnull=True)");
    s.same_set(
        "exclude_reverse_field_isnull_false",
        [] { return pks(B().exclude("entry__rating__isnull", false)); },
        "Blog.objects.exclude(entry__rating__isnull=False)");
    s.same_set(
        "exclude_m2m_isnull", [] { return pks(E().exclude("authors__isnull", true)); },
        "Entry.objects.exclude(authors__isnull=True)");
    s.same_set(
        "exclude_reverse_mixed_with_local",
        [] {
            return pks(B().exclude({{"entry__rating", 5}, {"name__contains", "e"}}));
        },
        "Blog.objects.exclude(entry__rating=5, name__contains='e')");

    // Q objects.
    s.same_set(
        "not_q_in_filter",
        [] { return pks(B().filter(~Q("entry__headline__contains", "Lennon"))); },
        "Blog.objects.filter(~Q(entry__headline__contains='Lennon'))");
    s.same_set(
        "not_q_with_other",
        [] { return pks(B().filter(~Q("entry__rating", 5) & Q("owner__isnull", false))); },
        "Blog.objects.filter(~Q(entry__rating=5), Q(owner__isnull=False))");
    s.same_set(
        "not_q_two_conditions",
        [] {
            return pks(
                B().filter(~(Q("entry__headline__contains", "Lennon") & Q("entry__rating", 5))));
        },
        "Blog.objects.filter(~(Q(entry__headline__contains='Lennon') & Q(entry__rating=5)))");
    s.same_set(
        "or_across_relations_left_join",
        [] {
            return pks(
                B().filter(Q("entry__headline__contains", "Pasta al") | Q("owner__name", "Çelik")));
        },
        "Blog.objects.filter(Q(entry__headline__contains='Pasta al') | Q(owner__name='Çelik'))");
    s.same_set(
        "or_across_relations_repeats",
        [] { return pks(B().filter(Q("entry__rating", 4) | Q("owner__name", "Ann O'Neil"))); },
        R"(Blog.objects.filter(Q(entry__rating=4) | Q(owner__name="Ann O'Neil")))");
    s.same_set(
        "or_with_null_owner",
        [] { return pks(B().filter(Q("owner__isnull", true) | Q("entry__rating", 4))); },
        "Blog.objects.filter(Q(owner__isnull=True) | Q(entry__rating=4))");
    s.same_set(
        "or_m2m_and_fk",
        [] { return pks(E().filter(Q("authors__name", "Ève") | Q("blog__name", "a\\blog"))); },
        R"(Entry.objects.filter(Q(authors__name='Ève') | Q(blog__name='a\\blog')))");
    s.same_set(
        "or_of_not",
        [] { return pks(B().filter(~Q("entry__rating", 5) | Q("name__startswith", "Z"))); },
        "Blog.objects.filter(~Q(entry__rating=5) | Q(name__startswith='Z'))");
    s.same_set(
        "or_of_two_reverse_fields",
        [] {
            return pks(B().filter(Q("entry__rating", 1) | Q("entry__headline__startswith", "Ode")));
        },
        "Blog.objects.filter(Q(entry__rating=1) | Q(entry__headline__startswith='Ode'))");
}

// ---------------------------------------------------------------------------------------------
// Ordering and values across relations
// ---------------------------------------------------------------------------------------------

void ordering_and_values(conf::Suite& s) {
    s.same(
        "order_by_related_field", [] { return pks(E().order_by("blog__name", "id")); },
        "Entry.objects.order_by('blog__name', 'id')");
    s.same(
        "order_by_two_levels_desc", [] { return pks(E().order_by("-blog__owner__name", "id")); },
        "Entry.objects.order_by('-blog__owner__name', 'id')");
    s.same(
        "order_by_two_levels_asc", [] { return pks(E().order_by("blog__owner__name", "-id")); },
        "Entry.objects.order_by('blog__owner__name', '-id')");
    s.same(
        "order_by_relation_meta_ordering", [] { return pks(E().order_by("blog", "id")); },
        "Entry.objects.order_by('blog', 'id')");
    s.same(
        "order_by_relation_meta_ordering_desc", [] { return pks(E().order_by("-blog", "id")); },
        "Entry.objects.order_by('-blog', 'id')");
    s.same(
        "order_by_attname", [] { return pks(E().order_by("-blog_id", "id")); },
        "Entry.objects.order_by('-blog_id', 'id')");
    s.same(
        "order_by_target_id", [] { return pks(E().order_by("blog__id", "-id")); },
        "Entry.objects.order_by('blog__id', '-id')");
    s.same(
        "order_by_relation_without_ordering", [] { return pks(B().order_by("owner", "id")); },
        "Blog.objects.order_by('owner', 'id')");
    s.same(
        "order_by_two_level_relation", [] { return pks(E().order_by("blog__owner", "id")); },
        "Entry.objects.order_by('blog__owner', 'id')");
    s.same(
        "order_by_reverse_field_repeats", [] { return pks(B().order_by("entry__pub_date")); },
        "Blog.objects.order_by('entry__pub_date')");
    s.same(
        "order_by_reverse_field_desc", [] { return pks(B().order_by("-entry__pub_date")); },
        "Blog.objects.order_by('-entry__pub_date')");
    s.same(
        "order_by_m2m_name", [] { return pks(E().order_by("authors__name", "id")); },
        "Entry.objects.order_by('authors__name', 'id')");
    s.same(
        "order_by_m2m_meta_ordering", [] { return pks(E().order_by("authors", "id")); },
        "Entry.objects.order_by('authors', 'id')");
    s.same(
        "order_by_related_then_reverse",
        [] { return pks(E().order_by("blog__name", "id").reverse()); },
        "Entry.objects.order_by('blog__name', 'id').reverse()");
    s.same(
        "order_by_related_filtered",
        [] { return pks(E().filter("rating__gte", 2).order_by("-blog", "-rating")); },
        "Entry.objects.filter(rating__gte=2).order_by('-blog', '-rating')");
    s.same(
        "first_by_related", [] { return conf::pk_of(E().order_by("-blog__name", "id").first()); },
        "Entry.objects.order_by('-blog__name', 'id').first()");
    s.same(
        "order_by_o2o", [] { return pks(Restaurant::objects().order_by("place__name")); },
        "Restaurant.objects.order_by('place__name')");
    s.same(
        "order_by_reverse_o2o",
        [] { return pks(Place::objects().order_by("restaurant__rating", "id")); },
        "Place.objects.order_by('restaurant__rating', 'id')");

    s.same(
        "values_forward", [] { return rows(E().values("headline", "blog__name").order_by("id")); },
        "Entry.objects.values('headline', 'blog__name').order_by('id')");
    s.same(
        "values_two_levels_null",
        [] { return rows(E().values("id", "blog__owner__name").order_by("id")); },
        "Entry.objects.values('id', 'blog__owner__name').order_by('id')");
    s.same(
        "values_fk_and_attname",
        [] { return rows(E().values("id", "blog", "editor_id").order_by("id")); },
        "Entry.objects.values('id', 'blog', 'editor_id').order_by('id')");
    s.same(
        "values_reverse",
        [] {
            return rows(B().values("name", "entry__headline").order_by("name", "entry__headline"));
        },
        "Blog.objects.values('name', 'entry__headline').order_by('name', 'entry__headline')");
    s.same(
        "values_list_m2m",
        [] { return rows(E().values_list("id", "authors__name").order_by("id", "authors__name")); },
        "Entry.objects.values_list('id', 'authors__name').order_by('id', 'authors__name')");
    s.same(
        "values_list_flat_reverse_m2m",
        [] {
            return conf::flat(
                A().values_list("entry__blog__name").order_by("entry__blog__name", "id"));
        },
        "Author.objects.values_list('entry__blog__name', flat=True)"
        ".order_by('entry__blog__name', 'id')");
    s.same(
        "values_list_flat_distinct",
        [] {
            return conf::flat(
                A().values_list("entry__blog__name").distinct().order_by("entry__blog__name"));
        },
        "Author.objects.values_list('entry__blog__name', flat=True).distinct()"
        ".order_by('entry__blog__name')");
    s.same(
        "values_list_fk_value", [] { return rows(B().values_list("id", "owner").order_by("id")); },
        "Blog.objects.values_list('id', 'owner').order_by('id')");
    s.same(
        "values_reverse_related_name",
        [] { return rows(P().values("name", "edited__headline").order_by("id", "edited__id")); },
        "Person.objects.values('name', 'edited__headline').order_by('id', 'edited__id')");
    s.same(
        "values_reverse_o2o",
        [] { return rows(Place::objects().values("name", "restaurant__name").order_by("id")); },
        "Place.objects.values('name', 'restaurant__name').order_by('id')");
    s.same(
        "values_filtered_across",
        [] {
            return rows(
                B().filter("entry__rating", 5).values("name", "entry__headline").order_by("id"));
        },
        "Blog.objects.filter(entry__rating=5).values('name', 'entry__headline').order_by('id')");
    s.same(
        "values_annotate_group_by_related",
        [] {
            return rows(
                B().values("owner__name").annotate("n", Count("entry")).order_by("owner__name"));
        },
        "Blog.objects.values('owner__name').annotate(n=Count('entry')).order_by('owner__name')");
    s.same(
        "values_annotate_group_by_m2m",
        [] {
            return rows(
                E().values("authors__name").annotate("n", Count("id")).order_by("authors__name"));
        },
        "Entry.objects.values('authors__name').annotate(n=Count('id')).order_by('authors__name')");
    s.same(
        "values_f_across",
        [] {
            return rows(E().annotate("owner_name", F("blog__owner__name"))
                            .values("id", "owner_name")
                            .order_by("id"));
        },
        "Entry.objects.annotate(owner_name=F('blog__owner__name')).values('id', 'owner_name')"
        ".order_by('id')");
}

// ---------------------------------------------------------------------------------------------
// Aggregation across relations
// ---------------------------------------------------------------------------------------------

void aggregation(conf::Suite& s) {
    s.same(
        "annotate_count_reverse",
        [] { return with(B().annotate("n", Count("entry")).order_by("id"), {"n"}); },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry')).order_by('id')]");
    s.same(
        "annotate_count_reverse_distinct",
        [] { return with(B().annotate("n", Count("entry", true)).order_by("id"), {"n"}); },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry', distinct=True))"
        ".order_by('id')]");
    s.same(
        "annotate_avg_reverse",
        [] { return with(B().annotate("r", Avg("entry__rating")).order_by("id"), {"r"}); },
        "[[b.pk, b.r] for b in Blog.objects.annotate(r=Avg('entry__rating')).order_by('id')]");
    s.same(
        "annotate_count_m2m",
        [] { return with(E().annotate("n", Count("authors")).order_by("id"), {"n"}); },
        "[[e.pk, e.n] for e in Entry.objects.annotate(n=Count('authors')).order_by('id')]");
    s.same(
        "annotate_count_m2m_reverse",
        [] { return with(A().annotate("n", Count("entry")).order_by("id"), {"n"}); },
        "[[a.pk, a.n] for a in Author.objects.annotate(n=Count('entry')).order_by('id')]");
    s.same(
        "annotate_count_two_levels_distinct",
        [] { return with(A().annotate("n", Count("entry__blog", true)).order_by("id"), {"n"}); },
        "[[a.pk, a.n] for a in Author.objects.annotate(n=Count('entry__blog', distinct=True))"
        ".order_by('id')]");
    s.same(
        "annotate_max_forward",
        [] { return with(E().annotate("m", Max("blog__name")).order_by("id"), {"m"}); },
        "[[e.pk, e.m] for e in Entry.objects.annotate(m=Max('blog__name')).order_by('id')]");
    // Two aggregates over two joins multiply each other's rows (Django's documented
    // "Combining multiple aggregations" caveat): the numbers look wrong, and must be the same.
    s.same(
        "two_counts_chained_join",
        [] {
            return with(B().annotate({{"ne", Count("entry")}, {"na", Count("entry__authors")}})
                            .order_by("id"),
                        {"ne", "na"});
        },
        "[[b.pk, b.ne, b.na] for b in Blog.objects.annotate(ne=Count('entry'), "
        "na=Count('entry__authors')).order_by('id')]");
    s.same(
        "two_counts_two_joins",
        [] {
            return with(
                P().annotate({{"nb", Count("blog")}, {"ne", Count("edited")}}).order_by("id"),
                {"nb", "ne"});
        },
        "[[p.pk, p.nb, p.ne] for p in Person.objects.annotate(nb=Count('blog'), "
        "ne=Count('edited')).order_by('id')]");
    s.same(
        "two_counts_two_joins_distinct",
        [] {
            return with(P().annotate({{"nb", Count("blog", true)}, {"ne", Count("edited", true)}})
                            .order_by("id"),
                        {"nb", "ne"});
        },
        "[[p.pk, p.nb, p.ne] for p in Person.objects.annotate(nb=Count('blog', distinct=True), "
        "ne=Count('edited', distinct=True)).order_by('id')]");
    s.same(
        "two_annotate_calls_two_joins",
        [] {
            return with(
                P().annotate("nb", Count("blog")).annotate("ne", Count("edited")).order_by("id"),
                {"nb", "ne"});
        },
        "[[p.pk, p.nb, p.ne] for p in Person.objects.annotate(nb=Count('blog'))"
        ".annotate(ne=Count('edited')).order_by('id')]");
    s.same(
        "sum_and_count_two_joins",
        [] {
            return with(B().annotate({{"s", Sum("entry__rating")}, {"na", Count("entry__authors")}})
                            .order_by("id"),
                        {"s", "na"});
        },
        "[[b.pk, b.s, b.na] for b in Blog.objects.annotate(s=Sum('entry__rating'), "
        "na=Count('entry__authors')).order_by('id')]");

    // "Order of annotate() and filter() clauses" (Django's aggregation topic guide).
    s.same(
        "filter_then_annotate",
        [] {
            return with(
                B().filter("entry__rating__gt", 3).annotate("n", Count("entry")).order_by("id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.filter(entry__rating__gt=3)"
        ".annotate(n=Count('entry')).order_by('id')]");
    s.same(
        "annotate_then_filter_distinct",
        [] {
            return with(B().annotate("n", Count("entry", true))
                            .filter("entry__rating__gt", 3)
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry', distinct=True))"
        ".filter(entry__rating__gt=3).order_by('id')]");
    s.same(
        "annotate_then_filter",
        [] {
            return with(
                B().annotate("n", Count("entry")).filter("entry__rating__gt", 3).order_by("id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry'))"
        ".filter(entry__rating__gt=3).order_by('id')]");
    s.same(
        "filter_then_annotate_avg",
        [] {
            return with(B().filter("entry__rating__gt", 1)
                            .annotate("r", Avg("entry__rating"))
                            .order_by("id"),
                        {"r"});
        },
        "[[b.pk, b.r] for b in Blog.objects.filter(entry__rating__gt=1)"
        ".annotate(r=Avg('entry__rating')).order_by('id')]");
    s.same(
        "annotate_then_filter_avg",
        [] {
            return with(B().annotate("r", Avg("entry__rating"))
                            .filter("entry__rating__gt", 1)
                            .order_by("id"),
                        {"r"});
        },
        "[[b.pk, b.r] for b in Blog.objects.annotate(r=Avg('entry__rating'))"
        ".filter(entry__rating__gt=1).order_by('id')]");
    s.same(
        "annotate_then_exclude",
        [] {
            return with(
                B().annotate("n", Count("entry")).exclude("entry__rating", 5).order_by("id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry'))"
        ".exclude(entry__rating=5).order_by('id')]");
    s.same(
        "filter_m2m_then_annotate",
        [] {
            return with(A().filter("entry__blog__owner__isnull", true)
                            .annotate("n", Count("entry"))
                            .order_by("id"),
                        {"n"});
        },
        "[[a.pk, a.n] for a in Author.objects.filter(entry__blog__owner__isnull=True)"
        ".annotate(n=Count('entry')).order_by('id')]");
    s.same(
        "annotation_filter_having",
        [] { return pks(B().annotate("n", Count("entry")).filter("n__gte", 2).order_by("id")); },
        "Blog.objects.annotate(n=Count('entry')).filter(n__gte=2).order_by('id')");
    s.same(
        "annotation_exclude_having",
        [] { return pks(B().annotate("n", Count("entry")).exclude("n", 0).order_by("id")); },
        "Blog.objects.annotate(n=Count('entry')).exclude(n=0).order_by('id')");
    s.same(
        "annotation_order_by",
        [] { return pks(A().annotate("n", Count("entry")).order_by("-n", "name")); },
        "Author.objects.annotate(n=Count('entry')).order_by('-n', 'name')");
    s.same(
        "annotate_count_o2o_reverse",
        [] {
            return with(Place::objects().annotate("n", Count("restaurant")).order_by("id"), {"n"});
        },
        "[[p.pk, p.n] for p in Place.objects.annotate(n=Count('restaurant')).order_by('id')]");

    s.same(
        "aggregate_reverse_avg", [] { return conf::agg(B().aggregate(Avg("entry__rating"))); },
        "Blog.objects.aggregate(Avg('entry__rating'))");
    s.same(
        "aggregate_m2m_count",
        [] {
            return conf::agg(
                E().aggregate({{"n", Count("authors")}, {"nd", Count("authors", true)}}));
        },
        "Entry.objects.aggregate(n=Count('authors'), nd=Count('authors', distinct=True))");
    s.same(
        "aggregate_two_levels",
        [] { return conf::agg(A().aggregate(Max("entry__pub_date"), Min("entry__blog__name"))); },
        "Author.objects.aggregate(Max('entry__pub_date'), Min('entry__blog__name'))");
    s.same(
        "aggregate_filtered_across",
        [] {
            return conf::agg(B().filter("owner__isnull", false).aggregate(Sum("entry__rating")));
        },
        "Blog.objects.filter(owner__isnull=False).aggregate(Sum('entry__rating'))");
    s.same(
        "aggregate_two_joins_multiply",
        [] {
            return conf::agg(P().aggregate({{"nb", Count("blog")}, {"ne", Count("edited")}}));
        },
        "Person.objects.aggregate(nb=Count('blog'), ne=Count('edited'))");
    s.same(
        "aggregate_over_multi_valued_filter",
        [] { return conf::agg(B().filter("entry__rating__gte", 2).aggregate(Count("id"))); },
        "Blog.objects.filter(entry__rating__gte=2).aggregate(Count('id'))");
    s.same(
        "aggregate_of_annotation_across",
        [] {
            return conf::agg(B().annotate("n", Count("entry")).aggregate({{"avg_n", Avg("n")}}));
        },
        "Blog.objects.annotate(n=Count('entry')).aggregate(avg_n=Avg('n'))");
    s.same(
        "aggregate_forward",
        [] {
            return conf::agg(E().aggregate({{"m", Min("blog__owner__name")}}));
        },
        "Entry.objects.aggregate(m=Min('blog__owner__name'))");
}

// ---------------------------------------------------------------------------------------------
// Related objects: managers, select_related, prefetch_related
// ---------------------------------------------------------------------------------------------

template <class M>
json sorted_pks(const M& objs) {
    json out = pks(objs);
    std::sort(out.begin(), out.end());
    return out;
}

void loading(conf::Suite& s) {
    // Plain related managers.
    s.same(
        "manager_reverse_fk",
        [] {
            json out = json::array();
            for (const auto& b : B().order_by("id"))
                out.push_back({b.id, sorted_pks(b.related(&Entry::blog))});
            return out;
        },
        "[[b.pk, sorted(e.pk for e in b.entry_set.all())] for b in Blog.objects.order_by('id')]");
    s.same(
        "manager_by_accessor_filtered",
        [] {
            json out = json::array();
            for (const auto& b : B().order_by("id"))
                out.push_back(
                    {b.id, sorted_pks(b.related<Entry>("entry_set").filter("rating__gte", 3))});
            return out;
        },
        "[[b.pk, sorted(e.pk for e in b.entry_set.filter(rating__gte=3))] for b in "
        "Blog.objects.order_by('id')]");
    s.same(
        "manager_m2m_meta_ordering",
        [] {
            json out = json::array();
            for (const auto& e : E().order_by("id"))
                out.push_back({e.id, pks(e.related(&Entry::authors))});
            return out;
        },
        "[[e.pk, [a.pk for a in e.authors.all()]] for e in Entry.objects.order_by('id')]");
    s.same(
        "manager_m2m_reverse",
        [] {
            json out = json::array();
            for (const auto& a : A().order_by("id"))
                out.push_back({a.id, sorted_pks(a.related(&Entry::authors))});
            return out;
        },
        "[[a.pk, sorted(e.pk for e in a.entry_set.all())] for a in Author.objects.order_by('id')]");
    s.same(
        "manager_related_name",
        [] {
            json out = json::array();
            for (const auto& p : P().order_by("id"))
                out.push_back({p.id, sorted_pks(p.related(&Entry::editor)),
                               p.related(&Entry::editor).count()});
            return out;
        },
        "[[p.pk, sorted(e.pk for e in p.edited.all()), p.edited.count()] for p in "
        "Person.objects.order_by('id')]");
    s.same(
        "manager_m2m_filter_across",
        [] {
            json out = json::array();
            for (const auto& a : A().order_by("id"))
                out.push_back(
                    {a.id,
                     sorted_pks(a.related(&Entry::authors).filter("blog__owner__isnull", true))});
            return out;
        },
        "[[a.pk, sorted(e.pk for e in a.entry_set.filter(blog__owner__isnull=True))] for a in "
        "Author.objects.order_by('id')]");
    // A many-to-many manager's own condition and a filter() on the same relation: Django
    // makes the manager's filter "sticky", so the next filter() reuses its join.
    s.same(
        "manager_m2m_filter_same_relation",
        [] {
            json out = json::array();
            for (const auto& a : A().order_by("id"))
                out.push_back(
                    {a.id, sorted_pks(
                               a.related(&Entry::authors).filter("authors__name", "Bob O'Brien"))});
            return out;
        },
        "[[a.pk, sorted(e.pk for e in a.entry_set.filter(authors__name=\"Bob O'Brien\"))] for a "
        "in Author.objects.order_by('id')]");
    s.same(
        "manager_m2m_annotate_same_relation",
        [] {
            json out = json::array();
            for (const auto& e : E().order_by("id"))
                out.push_back(
                    {e.id,
                     with(e.related(&Entry::authors).annotate("n", Count("entry")).order_by("id"),
                          {"n"})});
            return out;
        },
        "[[e.pk, [[a.pk, a.n] for a in e.authors.annotate(n=Count('entry')).order_by('id')]] for e "
        "in Entry.objects.order_by('id')]");
    s.same(
        "manager_through_filter_role",
        [] {
            json out = json::array();
            for (const auto& p : P().order_by("id"))
                out.push_back(
                    {p.id,
                     sorted_pks(p.related(&Club::members).filter("membership__role", "chair"))});
            return out;
        },
        "[[p.pk, sorted(c.pk for c in p.clubs.filter(membership__role='chair'))] for p in "
        "Person.objects.order_by('id')]");
    s.same(
        "manager_reverse_fk_multi_valued_filter",
        [] {
            json out = json::array();
            for (const auto& b : B().order_by("id"))
                out.push_back({b.id, pks(b.related(&Entry::blog)
                                             .filter("authors__name__contains", "o")
                                             .order_by("id"))});
            return out;
        },
        "[[b.pk, [e.pk for e in b.entry_set.filter(authors__name__contains='o').order_by('id')]] "
        "for b in Blog.objects.order_by('id')]");
    s.same(
        "manager_get",
        [] { return conf::pk_of(B().get("pk", 1).related(&Entry::blog).get("rating", 2)); },
        "Blog.objects.get(pk=1).entry_set.get(rating=2)");
    s.same(
        "prefetch_sliced",
        [] {
            json out = json::array();
            for (const auto& e : E().order_by("id").slice(2, 5).prefetch_related("authors"))
                out.push_back({e.id, pks(e.related(&Entry::authors))});
            return out;
        },
        "[[e.pk, [a.pk for a in e.authors.all()]] for e in "
        "Entry.objects.order_by('id')[2:5].prefetch_related('authors')]");
    s.same(
        "forward_follow",
        [] {
            json out = json::array();
            for (const auto& e : E().order_by("id")) {
                const Person* owner = e.blog->owner.ptr();
                out.push_back({e.id, e.blog->name, owner ? json(owner->name) : json()});
            }
            return out;
        },
        "[[e.pk, e.blog.name, e.blog.owner.name if e.blog.owner else None] for e in "
        "Entry.objects.order_by('id')]");
    s.same(
        "o2o_reverse_object",
        [] {
            json out = json::array();
            for (const auto& p : Place::objects().order_by("id")) {
                try {
                    out.push_back({p.id, p.related(&Restaurant::place).name});
                } catch (const Restaurant::DoesNotExist&) {
                    out.push_back({p.id, nullptr});
                }
            }
            return out;
        },
        "[[p.pk, p.restaurant.name if hasattr(p, 'restaurant') else None] for p in "
        "Place.objects.order_by('id')]");
    s.same(
        "o2o_forward_lookups",
        [] {
            return json::array(
                {sorted_pks(Place::objects().filter("restaurant__serves_pizza", true)),
                 sorted_pks(Place::objects().filter("restaurant__isnull", true)),
                 sorted_pks(Place::objects().exclude("restaurant__rating", 2)),
                 sorted_pks(Restaurant::objects().filter("place__name__contains", "%")),
                 sorted_pks(Place::objects().filter("restaurant", 3))});
        },
        "[sorted(x.pk for x in qs) for qs in [Place.objects.filter(restaurant__serves_pizza=True),"
        " Place.objects.filter(restaurant__isnull=True), "
        "Place.objects.exclude(restaurant__rating=2),"
        " Restaurant.objects.filter(place__name__contains='%'), "
        "Place.objects.filter(restaurant=3)]]");

    // select_related: the same objects, the related ones read by the same query.
    s.same(
        "select_related_two_levels",
        [&s] {
            json out = json::array();
            for (const auto& e : E().select_related("blog__owner").order_by("id")) {
                const Person* owner = e.blog->owner.ptr();
                out.push_back({e.id, e.blog->name, owner ? json(owner->name) : json()});
            }
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[e.pk, e.blog.name, e.blog.owner.name if "
        "e.blog.owner else None] for e in Entry.objects.select_related('blog__owner')"
        ".order_by('id')])");
    s.same(
        "select_related_nullable_keeps_rows",
        [&s] {
            json out = json::array();
            for (const auto& b : B().select_related("owner"))
                out.push_back({b.id, b.owner.ptr() ? json(b.owner->name) : json()});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[b.pk, b.owner.name if b.owner else None] "
        "for b in Blog.objects.select_related('owner')])");
    s.same(
        "select_related_all_non_null",
        [] {
            json out = json::array();
            for (const auto& e :
                 E().select_related().filter("rating__gte", 3).order_by("-blog__name", "id"))
                out.push_back({e.id, e.blog->name});
            return out;
        },
        "[[e.pk, e.blog.name] for e in Entry.objects.select_related().filter(rating__gte=3)"
        ".order_by('-blog__name', 'id')]");
    s.same(
        "select_related_with_multi_valued_filter",
        [] {
            json out = json::array();
            for (const auto& e : E().select_related("blog").filter("authors__name__contains", "o"))
                out.push_back({e.id, e.blog->name});
            std::sort(out.begin(), out.end());
            return out;
        },
        "sorted([e.pk, e.blog.name] for e in Entry.objects.select_related('blog')"
        ".filter(authors__name__contains='o'))");
    s.same(
        "select_related_o2o",
        [] {
            json out = json::array();
            for (const auto& r : Restaurant::objects().select_related("place").order_by("id"))
                out.push_back({r.id, r.place->name});
            return out;
        },
        "[[r.pk, r.place.name] for r in "
        "Restaurant.objects.select_related('place').order_by('id')]");

    // prefetch_related: the same related objects, one query per relation.
    s.same(
        "prefetch_reverse_fk",
        [&s] {
            json out = json::array();
            for (const auto& b : B().prefetch_related("entry_set").order_by("id"))
                out.push_back({b.id, sorted_pks(b.related(&Entry::blog))});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[b.pk, sorted(e.pk for e in b.entry_set.all())]"
        " for b in Blog.objects.prefetch_related('entry_set').order_by('id')])");
    s.same(
        "prefetch_nested_m2m",
        [&s] {
            json out = json::array();
            for (const auto& b : B().prefetch_related("entry_set__authors").order_by("id")) {
                json es = json::array();
                std::vector<Entry> entries = b.related(&Entry::blog).to_vector();
                std::sort(entries.begin(), entries.end(),
                          [](const Entry& x, const Entry& y) { return x.id < y.id; });
                for (const auto& e : entries)
                    es.push_back({e.id, pks(e.related(&Entry::authors))});
                out.push_back({b.id, es});
            }
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[b.pk, [[e.pk, [a.pk for a in "
        "e.authors.all()]] for e in sorted(b.entry_set.all(), key=lambda e: e.pk)]] for b in "
        "Blog.objects.prefetch_related('entry_set__authors').order_by('id')])");
    s.same(
        "prefetch_m2m_meta_ordering",
        [&s] {
            json out = json::array();
            for (const auto& e : E().prefetch_related("authors").order_by("id"))
                out.push_back({e.id, pks(e.related(&Entry::authors))});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[e.pk, [a.pk for a in e.authors.all()]] "
        "for e in Entry.objects.prefetch_related('authors').order_by('id')])");
    s.same(
        "prefetch_m2m_reverse",
        [&s] {
            json out = json::array();
            for (const auto& a : A().prefetch_related("entry_set").order_by("id"))
                out.push_back({a.id, sorted_pks(a.related(&Entry::authors))});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[a.pk, sorted(e.pk for e in a.entry_set.all())]"
        " for a in Author.objects.prefetch_related('entry_set').order_by('id')])");
    s.same(
        "prefetch_related_name",
        [&s] {
            json out = json::array();
            for (const auto& p : P().prefetch_related("edited").order_by("id"))
                out.push_back({p.id, sorted_pks(p.related(&Entry::editor))});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[p.pk, sorted(e.pk for e in p.edited.all())]"
        " for p in Person.objects.prefetch_related('edited').order_by('id')])");
    s.same(
        "prefetch_forward_fk",
        [&s] {
            json out = json::array();
            for (const auto& e : E().prefetch_related("blog", "blog__owner").order_by("id")) {
                const Person* owner = e.blog->owner.ptr();
                out.push_back({e.id, e.blog->name, owner ? json(owner->name) : json()});
            }
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[e.pk, e.blog.name, e.blog.owner.name if "
        "e.blog.owner else None] for e in Entry.objects.prefetch_related('blog', 'blog__owner')"
        ".order_by('id')])");
    s.same(
        "prefetch_of_filtered_multi_valued",
        [] {
            json out = json::array();
            for (const auto& b : B().filter("entry__rating", 5).prefetch_related("entry_set"))
                out.push_back({b.id, sorted_pks(b.related(&Entry::blog))});
            std::sort(out.begin(), out.end());
            return out;
        },
        "sorted([b.pk, sorted(e.pk for e in b.entry_set.all())] for b in "
        "Blog.objects.filter(entry__rating=5).prefetch_related('entry_set'))");
}

// ---------------------------------------------------------------------------------------------
// A declared through model, a named join table, a hidden reverse relation, and ordering by
// relations that are not forward ForeignKeys
// ---------------------------------------------------------------------------------------------

dorm::Manager<Club> C() {
    return Club::objects();
}
dorm::Manager<Shelf> S() {
    return Shelf::objects();
}

void through_and_names(conf::Suite& s) {
    s.same_set(
        "through_forward", [] { return pks(C().filter("members__name", "Ann O'Neil")); },
        R"(Club.objects.filter(members__name="Ann O'Neil"))");
    s.same_set(
        "through_reverse_related_name",
        [] { return pks(P().filter("clubs__name__contains", "%")); },
        "Person.objects.filter(clubs__name__contains='%')");
    s.same_set(
        "through_model_reverse", [] { return pks(C().filter("membership__role", "it's \"me\"")); },
        R"(Club.objects.filter(membership__role='it\'s "me"'))");
    s.same_set(
        "through_model_from_person", [] { return pks(P().filter("membership__role", "chair")); },
        "Person.objects.filter(membership__role='chair')");
    s.same_set(
        "through_one_filter_members_and_role",
        [] {
            return pks(
                C().filter({{"members__name", "Ann O'Neil"}, {"membership__role", "chair"}}));
        },
        R"(Club.objects.filter(members__name="Ann O'Neil", membership__role='chair'))");
    s.same_set(
        "through_two_filters_members_and_role",
        [] {
            return pks(
                C().filter("members__name", "Ann O'Neil").filter("membership__role", "chair"));
        },
        R"(Club.objects.filter(members__name="Ann O'Neil").filter(membership__role='chair'))");
    s.same_set(
        "through_isnull", [] { return pks(C().filter("members__isnull", true)); },
        "Club.objects.filter(members__isnull=True)");
    s.same_set(
        "through_exclude", [] { return pks(P().exclude("clubs__name", "Chess_Club")); },
        "Person.objects.exclude(clubs__name='Chess_Club')");
    s.same(
        "through_annotate",
        [] {
            return with(
                C().annotate({{"n", Count("members")}, {"m", Count("membership")}}).order_by("id"),
                {"n", "m"});
        },
        "[[c.pk, c.n, c.m] for c in Club.objects.annotate(n=Count('members'), "
        "m=Count('membership')).order_by('id')]");
    s.same(
        "through_manager",
        [] {
            json out = json::array();
            for (const auto& c : C().order_by("id"))
                out.push_back({c.id, sorted_pks(c.related(&Club::members))});
            for (const auto& p : P().order_by("id"))
                out.push_back({p.id, sorted_pks(p.related(&Club::members))});
            return out;
        },
        "[[c.pk, sorted(p.pk for p in c.members.all())] for c in Club.objects.order_by('id')] + "
        "[[p.pk, sorted(c.pk for c in p.clubs.all())] for p in Person.objects.order_by('id')]");
    s.same(
        "through_prefetch",
        [] {
            json out = json::array();
            for (const auto& p : P().prefetch_related("clubs").order_by("id"))
                out.push_back({p.id, sorted_pks(p.related(&Club::members))});
            return out;
        },
        "[[p.pk, sorted(c.pk for c in p.clubs.all())] for p in "
        "Person.objects.prefetch_related('clubs').order_by('id')]");
    s.same(
        "through_values",
        [] {
            return rows(C().values("name", "members__name", "membership__role")
                            .order_by("id", "membership__id"));
        },
        "Club.objects.values('name', 'members__name', 'membership__role')"
        ".order_by('id', 'membership__id')");

    s.same_set(
        "db_table_m2m_forward", [] { return pks(S().filter("tags__label", "it's")); },
        R"(Shelf.objects.filter(tags__label="it's"))");
    s.same_set(
        "db_table_m2m_percent", [] { return pks(S().filter("tags__label__contains", "%")); },
        "Shelf.objects.filter(tags__label__contains='%')");
    s.same_set(
        "related_query_name_m2m",
        [] { return pks(Tag::objects().filter("shelved__title", "top")); },
        "Tag.objects.filter(shelved__title='top')");
    s.same_set(
        "related_query_name_isnull",
        [] { return pks(Tag::objects().filter("shelved__isnull", true)); },
        "Tag.objects.filter(shelved__isnull=True)");
    s.same_set(
        "related_query_name_exclude",
        [] { return pks(Tag::objects().exclude("shelved__keeper__isnull", true)); },
        "Tag.objects.exclude(shelved__keeper__isnull=True)");
    s.same_error(
        "related_query_name_replaces_default",
        [] { return pks(Tag::objects().filter("shelf__title", "top")); },
        "Tag.objects.filter(shelf__title='top')");
    s.same_error(
        "hidden_reverse", [] { return pks(P().filter("shelf__title", "top")); },
        "Person.objects.filter(shelf__title='top')");
    s.same_set(
        "hidden_reverse_forward_still_works",
        [] { return pks(S().filter("keeper__name__startswith", "bob %")); },
        "Shelf.objects.filter(keeper__name__startswith='bob %')");
    s.same(
        "db_table_annotate_two_joins",
        [] {
            return with(Tag::objects()
                            .annotate({{"n", Count("shelved")}, {"k", Count("shelved__keeper")}})
                            .order_by("id"),
                        {"n", "k"});
        },
        "[[t.pk, t.n, t.k] for t in Tag.objects.annotate(n=Count('shelved'), "
        "k=Count('shelved__keeper')).order_by('id')]");
    s.same(
        "db_table_manager",
        [] {
            json out = json::array();
            for (const auto& sh : S().order_by("id"))
                out.push_back({sh.id, sorted_pks(sh.related(&Shelf::tags))});
            for (const auto& t : Tag::objects().order_by("id"))
                out.push_back({t.id, sorted_pks(t.related(&Shelf::tags))});
            return out;
        },
        "[[s.pk, sorted(t.pk for t in s.tags.all())] for s in Shelf.objects.order_by('id')] + "
        "[[t.pk, sorted(s.pk for s in t.shelf_set.all())] for t in Tag.objects.order_by('id')]");

    // Meta.ordering across relations (Membership: club -> Club's -name, then person__name).
    auto M = [] { return Membership::objects(); };
    s.same(
        "meta_ordering_across", [M] { return pks(M().all()); }, "Membership.objects.all()");
    s.same(
        "meta_ordering_across_reverse", [M] { return pks(M().reverse()); },
        "Membership.objects.reverse()");
    s.same(
        "meta_ordering_across_filtered", [M] { return pks(M().filter("role", "member")); },
        "Membership.objects.filter(role='member')");
    s.same(
        "meta_ordering_across_first_last",
        [M] {
            return json::array({conf::pk_of(M().first()), conf::pk_of(M().last())});
        },
        "[Membership.objects.first(), Membership.objects.last()]");
    s.same(
        "meta_ordering_across_slice", [M] { return pks(M().slice(1, 3)); },
        "Membership.objects.all()[1:3]");
    s.same(
        "meta_ordering_across_select_related",
        [M] {
            json out = json::array();
            for (const auto& m : M().select_related("club", "person"))
                out.push_back({m.id, m.club->name, m.person->name});
            return out;
        },
        "[[m.pk, m.club.name, m.person.name] for m in "
        "Membership.objects.select_related('club', 'person')]");
    s.same(
        "meta_ordering_across_values_distinct", [M] { return rows(M().values("role").distinct()); },
        "Membership.objects.values('role').distinct()");
    s.same(
        "meta_ordering_across_distinct_count",
        [M] { return M().values("role").distinct().count(); },
        "Membership.objects.values('role').distinct().count()");
    // values().annotate() groups by the values only: Django's documented "Meta.ordering
    // won't be used in such queries" (3.1+), a known Django 3.2 departure (see
    // docs/django-differences.md) that also joins the relations Meta.ordering crosses.
    s.differs(
        "meta_ordering_across_values_annotate",
        [M] { return rows(M().values("role").annotate("n", Count("id"))); },
        "Membership.objects.values('role').annotate(n=Count('id'))",
        conf::Py{"Membership.objects.values('role').annotate(n=Count('id')).order_by()"},
        json::array({json{{"role", "chair"}, {"n", 1}}, json{{"role", "chair"}, {"n", 1}},
                     json{{"role", "it's \"me\""}, {"n", 1}}, json{{"role", "member"}, {"n", 1}},
                     json{{"role", "member"}, {"n", 1}}}));
    s.same(
        "meta_ordering_across_order_by_relation", [M] { return pks(M().order_by("-club", "id")); },
        "Membership.objects.order_by('-club', 'id')");
    s.same(
        "meta_ordering_across_related_manager",
        [] {
            json out = json::array();
            for (const auto& c : C().order_by("id"))
                out.push_back({c.id, pks(c.related(&Membership::club))});
            return out;
        },
        "[[c.pk, [m.pk for m in c.membership_set.all()]] for c in Club.objects.order_by('id')]");
    s.same(
        "meta_ordering_across_prefetch",
        [] {
            json out = json::array();
            for (const auto& c : C().prefetch_related("membership_set").order_by("id"))
                out.push_back({c.id, pks(c.related(&Membership::club))});
            return out;
        },
        "[[c.pk, [m.pk for m in c.membership_set.all()]] for c in "
        "Club.objects.prefetch_related('membership_set').order_by('id')]");
    s.same(
        "m2m_target_meta_ordering_manager",
        [] {
            json out = json::array();
            for (const auto& p : P().order_by("id"))
                out.push_back({p.id, pks(p.related(&Club::members))});
            return out;
        },
        "[[p.pk, [c.pk for c in p.clubs.all()]] for p in Person.objects.order_by('id')]");
    s.same(
        "m2m_target_meta_ordering_prefetch",
        [] {
            json out = json::array();
            for (const auto& p : P().prefetch_related("clubs").order_by("id"))
                out.push_back({p.id, pks(p.related(&Club::members))});
            return out;
        },
        "[[p.pk, [c.pk for c in p.clubs.all()]] for p in "
        "Person.objects.prefetch_related('clubs').order_by('id')]");
    s.same(
        "clubs_default_ordering_with_multi_valued_filter",
        [] { return pks(C().filter("membership__role", "member")); },
        "Club.objects.filter(membership__role='member')");

    // Ordering by a relation that is not a forward ForeignKey: Django orders by the related
    // model's Meta.ordering (Blog: name; Author: -name), else by its primary key.
    s.same(
        "order_by_m2m_meta_ordering_desc", [] { return pks(E().order_by("-authors", "id")); },
        "Entry.objects.order_by('-authors', 'id')");
    s.same(
        "order_by_reverse_fk_meta_ordering", [] { return pks(P().order_by("blog", "id")); },
        "Person.objects.order_by('blog', 'id')");
    s.same(
        "order_by_reverse_m2m_without_ordering", [] { return pks(A().order_by("entry", "id")); },
        "Author.objects.order_by('entry', 'id')");
    s.same(
        "order_by_reverse_o2o_without_ordering",
        [] { return pks(Place::objects().order_by("-restaurant", "id")); },
        "Place.objects.order_by('-restaurant', 'id')");
    s.same(
        "order_by_through_related_name", [] { return pks(P().order_by("clubs", "id")); },
        "Person.objects.order_by('clubs', 'id')");

    // More multi-valued shapes.
    s.same_set(
        "f_across_multi_valued", [] { return pks(E().filter("rating__gte", F("authors__id"))); },
        "Entry.objects.filter(rating__gte=F('authors__id'))");
    s.same_set(
        "reverse_range_dates",
        [] {
            return pks(B().filter("entry__pub_date__range",
                                  {dorm::Date{2008, 6, 1}, dorm::Date{2009, 12, 31}}));
        },
        "Blog.objects.filter(entry__pub_date__range=(date(2008, 6, 1), date(2009, 12, 31)))");
    s.same_set(
        "reverse_in_list_text",
        [] {
            return pks(B().filter("entry__headline__in", {"Ode to Yoko", "Zen \"quote\""}));
        },
        R"(Blog.objects.filter(entry__headline__in=['Ode to Yoko', 'Zen "quote"']))");
    s.same(
        "values_distinct_count_across",
        [] { return E().values("blog__owner__name").distinct().count(); },
        "Entry.objects.values('blog__owner__name').distinct().count()");
    s.same(
        "distinct_sliced_multi_valued",
        [] { return pks(B().filter("entry__rating__gte", 1).distinct().slice(1, 3)); },
        "Blog.objects.filter(entry__rating__gte=1).distinct()[1:3]");
    s.same(
        "values_annotate_max_across",
        [] {
            return rows(
                B().values("name").annotate("last", Max("entry__pub_date")).order_by("name"));
        },
        "Blog.objects.values('name').annotate(last=Max('entry__pub_date')).order_by('name')");
    s.same(
        "annotate_count_distinct_two_levels",
        [] { return with(B().annotate("n", Count("entry__authors", true)).order_by("id"), {"n"}); },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry__authors', distinct=True))"
        ".order_by('id')]");
    // Django documents dates(field) for "a DateField of your model"; Django 3.2 also takes a
    // path across relations. dorm takes the model's own fields only.
    s.differs(
        "dates_across_relation", [] { return conf::isos(B().dates("entry__pub_date", "year")); },
        "Blog.objects.dates('entry__pub_date', 'year')", json{{"error", "FieldError"}},
        json::array({"2008-01-01", "2009-01-01", "2010-01-01", "2011-01-01", "2012-01-01"}),
        conf::Compare::Ordered);
    s.same_set(
        "not_q_forward_nullable",
        [] { return pks(E().filter(~Q("blog__owner__name", "Ann O'Neil"))); },
        R"(Entry.objects.filter(~Q(blog__owner__name="Ann O'Neil")))");
    s.same_set(
        "exclude_forward_isnull_false",
        [] { return pks(E().exclude("blog__owner__isnull", false)); },
        "Entry.objects.exclude(blog__owner__isnull=False)");
    // Paths that come back to a table already joined (aliases).
    s.same_set(
        "path_back_to_same_table",
        [] { return pks(B().filter("entry__authors__entry__blog__name", "Beatles")); },
        "Blog.objects.filter(entry__authors__entry__blog__name='Beatles')");
    s.same_set(
        "path_forward_then_reverse",
        [] { return pks(E().filter("blog__entry__headline__startswith", "Zen")); },
        "Entry.objects.filter(blog__entry__headline__startswith='Zen')");
    s.same_set(
        "two_joins_to_one_table",
        [] {
            return pks(
                E().filter("blog__owner__name", "bob %_\\").filter("editor__name", "bob %_\\"));
        },
        R"(Entry.objects.filter(blog__owner__name='bob %_\\').filter(editor__name='bob %_\\'))");
    s.same(
        "values_two_joins_to_one_table",
        [] { return rows(E().values("id", "blog__owner__name", "editor__name").order_by("id")); },
        "Entry.objects.values('id', 'blog__owner__name', 'editor__name').order_by('id')");
    s.same(
        "annotate_path_back_to_same_table",
        [] {
            return with(B().annotate("n", Count("entry__authors__entry", true)).order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry__authors__entry', "
        "distinct=True)).order_by('id')]");
    s.same_set(
        "exclude_deep_through_nullable",
        [] { return pks(P().exclude("blog__entry__authors__name", "Alice")); },
        "Person.objects.exclude(blog__entry__authors__name='Alice')");
    s.same_set(
        "isnull_false_deep", [] { return pks(P().filter("blog__entry__isnull", false)); },
        "Person.objects.filter(blog__entry__isnull=False)");
    s.same_set(
        "isnull_true_deep", [] { return pks(P().filter("blog__entry__isnull", true)); },
        "Person.objects.filter(blog__entry__isnull=True)");
    s.same_set(
        "or_of_two_negations",
        [] { return pks(B().filter(~Q("entry__rating", 5) | ~Q("entry__rating", 2))); },
        "Blog.objects.filter(~Q(entry__rating=5) | ~Q(entry__rating=2))");

    // Relations named in values() and annotate(F()).
    s.same(
        "values_reverse_relation_itself",
        [] { return rows(B().values("id", "entry").order_by("id", "entry")); },
        "Blog.objects.values('id', 'entry').order_by('id', 'entry')");
    s.same(
        "values_list_m2m_itself",
        [] { return rows(E().values_list("id", "authors").order_by("id", "authors__id")); },
        "Entry.objects.values_list('id', 'authors').order_by('id', 'authors__id')");
    s.same_set(
        "annotate_f_multi_valued",
        [] { return rows(B().annotate("h", F("entry__headline")).values("id", "h")); },
        "Blog.objects.annotate(h=F('entry__headline')).values('id', 'h')");
    s.same(
        "distinct_with_order_by_multi_valued",
        [] {
            return pks(
                B().filter("entry__rating__gte", 1).distinct().order_by("entry__rating", "id"));
        },
        "Blog.objects.filter(entry__rating__gte=1).distinct().order_by('entry__rating', 'id')");
    s.same(
        "distinct_aggregate_multi_valued",
        [] {
            return conf::agg(B().filter("entry__rating__gte", 2).distinct().aggregate(Count("id")));
        },
        "Blog.objects.filter(entry__rating__gte=2).distinct().aggregate(Count('id'))");
    s.same(
        "annotate_filter_or_having",
        [] {
            return pks(B().annotate("n", Count("entry"))
                           .filter(Q("n__gte", 2) | Q("owner__isnull", true))
                           .order_by("id"));
        },
        "Blog.objects.annotate(n=Count('entry')).filter(Q(n__gte=2) | Q(owner__isnull=True))"
        ".order_by('id')");

    // Loading more shapes.
    s.same(
        "select_related_all_skips_nullable",
        [&s] {
            json out = json::array();
            for (const auto& e : E().select_related().order_by("id")) {
                const Person* owner = e.blog->owner.ptr();
                out.push_back({e.id, owner ? json(owner->name) : json()});
            }
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[e.pk, e.blog.owner.name if e.blog.owner "
        "else None] for e in Entry.objects.select_related().order_by('id')])");
    s.same(
        "prefetch_reverse_then_reverse",
        [&s] {
            json out = json::array();
            for (const auto& p : P().prefetch_related("blog_set__entry_set").order_by("id")) {
                json bs = json::array();
                for (const auto& b : p.related(&Blog::owner))
                    bs.push_back({b.id, sorted_pks(b.related(&Entry::blog))});
                out.push_back({p.id, bs});
            }
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[p.pk, [[b.pk, sorted(e.pk for e in "
        "b.entry_set.all())] for b in p.blog_set.all()]] for p in "
        "Person.objects.prefetch_related('blog_set__entry_set').order_by('id')])");
    s.same(
        "prefetch_forward_then_reverse",
        [&s] {
            json out = json::array();
            for (const auto& e : E().prefetch_related("blog__entry_set").order_by("id"))
                out.push_back({e.id, sorted_pks(e.blog->related(&Entry::blog))});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[e.pk, sorted(x.pk for x in "
        "e.blog.entry_set.all())] for e in Entry.objects.prefetch_related('blog__entry_set')"
        ".order_by('id')])");
    s.same(
        "select_related_then_prefetch",
        [&s] {
            json out = json::array();
            for (const auto& e :
                 E().select_related("blog").prefetch_related("authors").order_by("-blog", "id"))
                out.push_back({e.id, e.blog->name, pks(e.related(&Entry::authors))});
            return json::array({out, s.queries_run()});
        },
        "(lambda r: [r, len(connection.queries)])([[e.pk, e.blog.name, [a.pk for a in "
        "e.authors.all()]] for e in Entry.objects.select_related('blog')"
        ".prefetch_related('authors').order_by('-blog', 'id')])");

    s.same_set(
        "exclude_then_filter_same_relation",
        [] {
            return pks(B().exclude("entry__rating", 5).filter("entry__headline__contains", "o"));
        },
        "Blog.objects.exclude(entry__rating=5).filter(entry__headline__contains='o')");
}

// ---------------------------------------------------------------------------------------------
// Writes across relations (a separate pair of files: dorm writes one, Django the other)
// ---------------------------------------------------------------------------------------------

// delete()'s result as {total, {model: n}} without the models that lost no rows; Django names
// models "app.Model" (see docs/django-differences.md), so its side drops the app label.
json deleted(const dorm::DeleteResult& r) {
    json per = json::object();
    for (const auto& [model, n] : r.per_model)
        if (n != 0)
            per[model] = n;
    return json::array({r.total, per});
}
const char* const py_deleted = "(lambda r: [r[0], {k.split('.')[1]: v for k, v in r[1].items() "
                               "if v}])";

std::string py_del(const std::string& qs) {
    return std::string(py_deleted) + "(" + qs + ".delete())";
}

void writes(conf::Suite& s) {
    s.step(
        "update_filtered_across_fk",
        [] {
            return E().filter("blog__owner__name", "Ann O'Neil").update({{"rating", 7}});
        },
        "", R"(Entry.objects.filter(blog__owner__name="Ann O'Neil").update(rating=7))");
    s.step(
        "update_filtered_across_multi_valued",
        [] {
            return B().filter("entry__rating__gte", 5).update({{"name", "upd 'x' \"%_\\"}});
        },
        "", R"(Blog.objects.filter(entry__rating__gte=5).update(name='upd \'x\' "%_\\'))");
    s.step(
        "update_filtered_m2m_f",
        [] {
            return E().filter("authors__in", {1, 2}).update({{"rating", F("rating") + 1}});
        },
        "", "Entry.objects.filter(authors__in=[1, 2]).update(rating=F('rating') + 1)");
    s.step(
        "update_excluded_m2m",
        [] {
            return E().exclude("authors__name__contains", "o").update({{"headline", "no o"}});
        },
        "", "Entry.objects.exclude(authors__name__contains='o').update(headline='no o')");
    s.step(
        "update_fk_by_id",
        [] {
            return E().filter("blog__name", "Beatles").update({{"blog", 4}});
        },
        "", "Entry.objects.filter(blog__name='Beatles').update(blog=4)");
    s.step(
        "update_fk_to_null",
        [] {
            return E().filter("editor__name", "Çelik").update({{"editor", nullptr}});
        },
        "", "Entry.objects.filter(editor__name='Çelik').update(editor=None)");
    s.step(
        "state_after_updates",
        [] {
            return rows(
                E().values_list("id", "blog", "headline", "rating", "editor").order_by("id"));
        },
        "",
        "Entry.objects.values_list('id', 'blog', 'headline', 'rating', 'editor').order_by('id')");

    s.step_error(
        "update_f_across_relation",
        [] {
            return E().filter("pk", 1).update({{"headline", F("blog__name")}});
        },
        "", "Entry.objects.filter(pk=1).update(headline=F('blog__name'))");

    // Related managers.
    s.step(
        "m2m_add",
        [] {
            Entry e = E().get("pk", 3);
            Author dan = A().get("name", "Dan \\ back");
            Author eve = A().get("pk", 5);
            e.related(&Entry::authors).add(dan, eve);
            e.related(&Entry::authors).add(dan); // already there: no second row
            return pks(e.related(&Entry::authors));
        },
        R"(e = Entry.objects.get(pk=3); e.authors.add(Author.objects.get(name='Dan \\ back'), Author.objects.get(pk=5)); e.authors.add(Author.objects.get(name='Dan \\ back')))",
        "e.authors.all()");
    s.step(
        "m2m_remove_reverse_side",
        [] {
            Author alice = A().get("pk", 1);
            Entry e1 = E().get("pk", 1);
            Entry e9 = E().get("pk", 9);
            alice.related(&Entry::authors).remove(e1, e9);
            return sorted_pks(alice.related(&Entry::authors));
        },
        "a = Author.objects.get(pk=1); a.entry_set.remove(Entry.objects.get(pk=1), "
        "Entry.objects.get(pk=9))",
        "sorted(x.pk for x in a.entry_set.all())");
    s.step(
        "m2m_set",
        [] {
            Entry e = E().get("pk", 4);
            std::vector<Author> v = A().filter("pk__in", {1, 3, 4}).to_vector();
            e.related(&Entry::authors).set(v);
            return pks(e.related(&Entry::authors));
        },
        "e = Entry.objects.get(pk=4); e.authors.set(Author.objects.filter(pk__in=[1, 3, 4]))",
        "e.authors.all()");
    s.step(
        "m2m_clear",
        [] {
            Entry e = E().get("pk", 7);
            e.related(&Entry::authors).clear();
            return e.related(&Entry::authors).count();
        },
        "e = Entry.objects.get(pk=7); e.authors.clear()", "e.authors.count()");
    s.step(
        "m2m_create",
        [] {
            Entry e = E().get("pk", 2);
            Author a = e.related(&Entry::authors).create({{"name", "new \"author\" 100%"}});
            return json::array({conf::pk_of(a), pks(e.related(&Entry::authors))});
        },
        "e = Entry.objects.get(pk=2); a = e.authors.create(name='new \"author\" 100%')",
        "[a.pk, e.authors.all()]");
    s.step(
        "reverse_fk_create",
        [] {
            Blog b = B().get("name", "Äpfel");
            Entry e =
                b.related(&Entry::blog)
                    .create({{"headline", "it's new"}, {"pub_date", dorm::Date{2020, 2, 29}}});
            return json::array({conf::pk_of(e), sorted_pks(b.related(&Entry::blog))});
        },
        "b = Blog.objects.get(name='Äpfel'); e = b.entry_set.create(headline=\"it's new\", "
        "pub_date=date(2020, 2, 29))",
        "[e.pk, sorted(x.pk for x in b.entry_set.all())]");
    s.step(
        "reverse_fk_nullable_remove",
        [] {
            Person bob = P().get("pk", 2);
            Entry e1 = E().get("pk", 1);
            bob.related(&Entry::editor).remove(e1);
            return sorted_pks(bob.related(&Entry::editor));
        },
        "p = Person.objects.get(pk=2); p.edited.remove(Entry.objects.get(pk=1))",
        "sorted(x.pk for x in p.edited.all())");
    s.step(
        "reverse_fk_add_moves",
        [] {
            Blog b = B().get("pk", 6);
            Entry e = E().get("pk", 5);
            b.related(&Entry::blog).add(e);
            return sorted_pks(b.related(&Entry::blog));
        },
        "b = Blog.objects.get(pk=6); b.entry_set.add(Entry.objects.get(pk=5))",
        "sorted(x.pk for x in b.entry_set.all())");
    s.step(
        "db_table_m2m_add",
        [] {
            Shelf sh = S().get("title", "floor");
            Tag t = Tag::objects().get("label", "unused_");
            sh.related(&Shelf::tags).add(t);
            return sorted_pks(t.related(&Shelf::tags));
        },
        "sh = Shelf.objects.get(title='floor'); t = Tag.objects.get(label='unused_'); "
        "sh.tags.add(t)",
        "sorted(x.pk for x in t.shelf_set.all())");

    // Deletes: cascades, SET_NULL, join-table rows.
    s.step(
        "delete_filtered_m2m", [] { return deleted(E().filter("authors__name", "Ève").delete_()); },
        "", py_del("Entry.objects.filter(authors__name='Ève')"));
    s.step(
        "delete_blog_cascades", [] { return deleted(B().filter("name", "Beatles").delete_()); }, "",
        py_del("Blog.objects.filter(name='Beatles')"));
    s.step(
        "delete_person_set_null_and_cascade",
        [] { return deleted(P().filter("name", "Ann O'Neil").delete_()); }, "",
        py_del(R"(Person.objects.filter(name="Ann O'Neil"))"));
    s.step(
        "delete_place_cascades_o2o",
        [] { return deleted(Place::objects().filter("name__startswith", "Back\\").delete_()); }, "",
        py_del(R"(Place.objects.filter(name__startswith='Back\\'))"));
    s.step(
        "delete_instance_through",
        [] {
            Club c = C().get("name", "100% Runners");
            return deleted(c.delete_());
        },
        "", std::string(py_deleted) + "(Club.objects.get(name='100% Runners').delete())");
    s.step(
        "delete_tag_join_rows",
        [] { return deleted(Tag::objects().filter("shelved__title", "top").delete_()); }, "",
        py_del("Tag.objects.filter(shelved__title='top')"));
    s.step(
        "delete_author_reverse_filter",
        [] { return deleted(A().filter("entry__isnull", true).delete_()); }, "",
        py_del("Author.objects.filter(entry__isnull=True)"));
}

} // namespace

TEST_CASE("Queries across relations agree with Django", "[conformance][django][relations]") {
    conf::TempDir dir;
    const std::string path = dir.file("relations.sqlite3");
    {
        dorm::Database db(path);
        seed(db);
    }
    dorm::Database db(path);
    dorm::set_default_database(db);
    conf::Suite s(db);
    lookups(s);
    multi_valued(s);
    ordering_and_values(s);
    aggregation(s);
    loading(s);
    through_and_names(s);
    auto oracle = make_oracle();
    s.run(oracle, path);
    WARN(s.size() << " cases compared with Django, " << s.departures()
                  << " of them deliberate differences");
}

TEST_CASE("Writes across relations agree with Django", "[conformance][django][relations]") {
    conf::TempDir dir;
    const std::string seed_path = dir.file("seed.sqlite3");
    {
        dorm::Database db(seed_path);
        seed(db);
    }
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    std::filesystem::copy_file(seed_path, dorm_path);
    std::filesystem::copy_file(seed_path, django_path);
    auto oracle = make_oracle();
    dorm_test::OracleResult django;
    std::size_t cases = 0;
    {
        dorm::Database db(dorm_path);
        dorm::set_default_database(db);
        conf::Suite s(db);
        writes(s);
        django = s.run(oracle, django_path, /*dump=*/true);
        cases = s.size();
    }
    // Every table, byte for byte; the join tables' rows as (left, right) pairs, since the two
    // may number the rows they add in a different order.
    for (const auto& [table, pk] :
         std::vector<std::pair<std::string, std::string>>{{"rel_person", "id"},
                                                          {"rel_blog", "id"},
                                                          {"rel_author", "id"},
                                                          {"rel_entry", "id"},
                                                          {"rel_place", "id"},
                                                          {"rel_restaurant", "id"},
                                                          {"rel_club", "id"},
                                                          {"rel_membership", "id"},
                                                          {"rel_tag", "id"},
                                                          {"rel_shelf", "id"}}) {
        const json mine = conf::dump_table(dorm_path, table, pk);
        const json theirs = django.dump(table);
        INFO("table " << table << "\n  dorm:   " << mine.dump() << "\n  django: " << theirs.dump());
        CHECK(dorm_test::json_close(mine, theirs));
    }
    for (const char* table : {"rel_entry_authors", "rel_shelf_tag_links"}) {
        auto pairs = [](const json& rows) {
            json out = json::array();
            for (const auto& r : rows)
                out.push_back(json::array({r.at(1), r.at(2)}));
            return out;
        };
        const json mine = pairs(conf::dump_table(dorm_path, table, "id"));
        const json theirs = pairs(django.dump(table));
        INFO("table " << table << "\n  dorm:   " << mine.dump() << "\n  django: " << theirs.dump());
        CHECK(dorm_test::json_equal_unordered(mine, theirs));
        CHECK(!mine.empty());
    }
    WARN(cases << " write steps across relations compared with Django");
}
