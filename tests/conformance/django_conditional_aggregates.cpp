// Conformance with Django: conditional aggregation (Count, Sum, Avg, Min, Max with
// filter=Q(...)), in aggregate() and annotate(), across relations, through dorm and through
// Django 3.2 on the same SQLite file.
//
// The models are small twins of django_relations.cpp's (blogs, entries, authors, people),
// in tables of their own. The data is chosen so that a filter applied to the wrong rows
// (to the query instead of the aggregate, before a join instead of after, with a subquery
// instead of on the join) gives a different answer: blogs without entries, entries without
// ratings or authors, entries with several authors, and hostile text (' " % _ \, non-ASCII)
// that the filters compare with.
#include "conformance.hpp"

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

namespace aggconf {

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Person>& m) {
        m.table("cagg_person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(50));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Person> owner;
    static void define(dorm::ModelDef<Blog>& m) {
        m.table("cagg_blog").ordering({"name"});
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("name", &Blog::name, dorm::max_length(50));
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
    }
};

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("cagg_author").ordering({"-name"});
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
        m.table("cagg_entry");
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog);
        m.field("headline", &Entry::headline, dorm::max_length(100));
        m.field("rating", &Entry::rating);
        m.field("pub_date", &Entry::pub_date);
        m.field("editor", &Entry::editor, dorm::null, dorm::set_null, dorm::related_name("edited"));
        m.field("authors", &Entry::authors);
    }
};

} // namespace aggconf

using aggconf::Author;
using aggconf::Blog;
using aggconf::Entry;
using aggconf::Person;

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

// The data (as django_relations.cpp's):
// Persons: 1 Ann O'Neil, 2 bob %_\, 3 Çelik, 4 Dee, 5 Eve "E"
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
void seed(dorm::Database& db) {
    dorm::create_tables<Person, Blog, Author, Entry>(db);
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
    });
}

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Person>())
        .add_model(conf::oracle_model<Blog>())
        .add_model(conf::oracle_model<Author>())
        .add_model(conf::oracle_model<Entry>());
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
// annotate()
// ---------------------------------------------------------------------------------------------

void annotations(conf::Suite& s) {
    s.same(
        "count_reverse",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__rating__gt", 3))).order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__rating__gt=3))).order_by('id')]");
    // The filter is on the aggregate only: blogs whose entries all fail it are kept, with 0.
    s.same(
        "count_and_plain_count",
        [] {
            return with(B().annotate({{"all", Count("entry")},
                                      {"good", Count("entry", Q("entry__rating__gte", 4))}})
                            .order_by("id"),
                        {"all", "good"});
        },
        "[[b.pk, b.all, b.good] for b in Blog.objects.annotate(all=Count('entry'), "
        "good=Count('entry', filter=Q(entry__rating__gte=4))).order_by('id')]");
    s.same(
        "count_distinct_two_levels",
        [] {
            return with(B().annotate("n", Count("entry__authors", true, Q("entry__rating__gte", 3)))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry__authors', distinct=True, "
        "filter=Q(entry__rating__gte=3))).order_by('id')]");
    s.same(
        "count_not_distinct_two_levels",
        [] {
            return with(B().annotate("n", Count("entry__authors", Q("entry__rating__gte", 3)))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry__authors', "
        "filter=Q(entry__rating__gte=3))).order_by('id')]");
    s.same(
        "sum_avg_min_max",
        [] {
            return with(B().annotate({{"s", Sum("entry__rating", Q("entry__pub_date__year", 2008))},
                                      {"a", Avg("entry__rating", Q("entry__pub_date__year", 2008))},
                                      {"lo", Min("entry__pub_date", Q("entry__rating__lte", 4))},
                                      {"hi", Max("entry__headline", Q("entry__rating__gte", 4))}})
                            .order_by("id"),
                        {"s", "a", "lo", "hi"});
        },
        "[[b.pk, b.s, b.a, b.lo, b.hi] for b in Blog.objects.annotate("
        "s=Sum('entry__rating', filter=Q(entry__pub_date__year=2008)), "
        "a=Avg('entry__rating', filter=Q(entry__pub_date__year=2008)), "
        "lo=Min('entry__pub_date', filter=Q(entry__rating__lte=4)), "
        "hi=Max('entry__headline', filter=Q(entry__rating__gte=4))).order_by('id')]");
    s.same(
        "sum_avg_distinct",
        [] {
            return with(B().annotate({{"s", Sum("entry__rating", true, Q("entry__rating__gt", 1))},
                                      {"a", Avg("entry__rating", true, Q("entry__rating__gt", 1))}})
                            .order_by("id"),
                        {"s", "a"});
        },
        "[[b.pk, b.s, b.a] for b in Blog.objects.annotate("
        "s=Sum('entry__rating', distinct=True, filter=Q(entry__rating__gt=1)), "
        "a=Avg('entry__rating', distinct=True, filter=Q(entry__rating__gt=1))).order_by('id')]");
    // The filter crosses a relation the aggregate's argument does not: its join is added.
    s.same(
        "filter_adds_join",
        [] {
            return with(B().annotate("n", Count("id", Q("entry__rating__gt", 3))).order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('id', filter=Q(entry__rating__gt=3))).order_by('id')]");
    s.same(
        "filter_through_m2m",
        [] {
            return with(B().annotate("n", Count("entry", true,
                                                Q("entry__authors__name__startswith", "Bob")))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry', distinct=True, "
        "filter=Q(entry__authors__name__startswith='Bob'))).order_by('id')]");
    s.same(
        "filter_forward_two_levels",
        [] {
            return with(
                P().annotate("n", Count("blog__entry", Q("blog__entry__editor__name", "Çelik")))
                    .order_by("id"),
                {"n"});
        },
        "[[p.pk, p.n] for p in Person.objects.annotate(n=Count('blog__entry', "
        "filter=Q(blog__entry__editor__name='Çelik'))).order_by('id')]");
    // Negated, across a multi-valued relation: on the joined row, not "no related row".
    s.same(
        "negated_on_join",
        [] {
            return with(B().annotate("n", Count("entry", ~Q("entry__rating", 5))).order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=~Q(entry__rating=5))).order_by('id')]");
    s.same(
        "negated_m2m_on_join",
        [] {
            return with(
                E().annotate("n", Count("authors", ~Q("authors__name", "Alice"))).order_by("id"),
                {"n"});
        },
        "[[e.pk, e.n] for e in Entry.objects.annotate("
        "n=Count('authors', filter=~Q(authors__name='Alice'))).order_by('id')]");
    s.same(
        "or_and_isnull",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__rating__isnull", true) |
                                                             Q("entry__rating", 1)))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry', "
        "filter=Q(entry__rating__isnull=True) | Q(entry__rating=1))).order_by('id')]");
    // F() inside the filter: an entry rated at least its blog's id.
    s.same(
        "f_in_filter",
        [] {
            return with(
                B().annotate("n", Count("entry", Q("entry__rating__gte", F("id")))).order_by("id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__rating__gte=F('id')))).order_by('id')]");
    s.same(
        "f_across_relation_in_filter",
        [] {
            return with(E().annotate("n", Count("authors", Q("authors__id__lt", F("blog__id"))))
                            .order_by("id"),
                        {"n"});
        },
        "[[e.pk, e.n] for e in Entry.objects.annotate("
        "n=Count('authors', filter=Q(authors__id__lt=F('blog__id')))).order_by('id')]");
    // A filter on a non-aggregate annotation made before.
    s.same(
        "filter_on_annotation",
        [] {
            return with(E().annotate("r2", F("rating") * 2)
                            .annotate("n", Count("authors", Q("r2__gt", 6)))
                            .order_by("id"),
                        {"n"});
        },
        "[[e.pk, e.n] for e in Entry.objects.annotate(r2=F('rating') * 2)"
        ".annotate(n=Count('authors', filter=Q(r2__gt=6))).order_by('id')]");
    s.same(
        "empty_q_is_no_filter",
        [] { return with(B().annotate("n", Count("entry", Q())).order_by("id"), {"n"}); },
        "[[b.pk, b.n] for b in Blog.objects.annotate(n=Count('entry', filter=Q()))"
        ".order_by('id')]");
    s.same(
        "date_string",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__pub_date__gte", "2009-01-01")))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__pub_date__gte='2009-01-01'))).order_by('id')]");
}

// Hostile text inside the filter, each compared as a value (never SQL).
void hostile(conf::Suite& s) {
    s.same(
        "hostile_percent",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__headline__contains", "100%")))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__headline__contains='100%'))).order_by('id')]");
    s.same(
        "hostile_quote_underscore",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__headline", "Lennon's pasta_")))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__headline=\"Lennon's pasta_\"))).order_by('id')]");
    s.same(
        "hostile_backslash_icontains",
        [] {
            return with(
                B().annotate("n", Count("entry", Q("entry__headline__icontains", "\\ BACK")))
                    .order_by("id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__headline__icontains='\\\\ BACK'))).order_by('id')]");
    s.same(
        "hostile_double_quote_startswith",
        [] {
            return with(
                B().annotate("n", Count("entry", Q("entry__headline__startswith", "Zen \"")))
                    .order_by("id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__headline__startswith='Zen \"'))).order_by('id')]");
    s.same(
        "hostile_non_ascii_owner",
        [] {
            return with(A().annotate("n", Count("entry", Q("entry__blog__owner__name__in",
                                                           {"Çelik", "bob %_\\"})))
                            .order_by("id"),
                        {"n"});
        },
        "[[a.pk, a.n] for a in Author.objects.annotate(n=Count('entry', "
        "filter=Q(entry__blog__owner__name__in=['Çelik', 'bob %_\\\\']))).order_by('id')]");
    s.same(
        "hostile_like_wildcards_literal",
        [] {
            return with(
                A().annotate("n", Count("entry", Q("entry__authors__name__endswith", "_100%")))
                    .order_by("id"),
                {"n"});
        },
        "[[a.pk, a.n] for a in Author.objects.annotate(n=Count('entry', "
        "filter=Q(entry__authors__name__endswith='_100%'))).order_by('id')]");
}

// With the rest of the queryset: filter(), order_by(), HAVING, values(), count().
void combined(conf::Suite& s) {
    // The aggregate's parameters come in the SELECT list, before WHERE's.
    s.same(
        "queryset_filter_and_aggregate_filter",
        [] {
            return with(B().filter("name__contains", "e")
                            .annotate("n", Count("entry", Q("entry__headline__contains", "'")))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.filter(name__contains='e')"
        ".annotate(n=Count('entry', filter=Q(entry__headline__contains=\"'\"))).order_by('id')]");
    // filter() then annotate(): the aggregate reads the entries filter() kept, then its own.
    s.same(
        "filter_then_annotate_reuses_join",
        [] {
            return with(B().filter("entry__rating__gt", 1)
                            .annotate("n", Count("entry", Q("entry__rating__lt", 5)))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.filter(entry__rating__gt=1)"
        ".annotate(n=Count('entry', filter=Q(entry__rating__lt=5))).order_by('id')]");
    s.same(
        "order_by_annotation",
        [] {
            return with(
                B().annotate("n", Count("entry", Q("entry__rating__gte", 2))).order_by("-n", "id"),
                {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__rating__gte=2))).order_by('-n', 'id')]");
    s.same(
        "having",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__rating__gte", 2)))
                            .filter("n__gt", 1)
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__rating__gte=2))).filter(n__gt=1).order_by('id')]");
    // WHERE and HAVING both with parameters, and the SELECT list's before them.
    s.same(
        "where_and_having_params",
        [] {
            return with(B().annotate("n", Count("entry", Q("entry__headline__contains", "Lennon")))
                            .filter(Q("n__gte", 1) & Q("name__contains", "'"))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate("
        "n=Count('entry', filter=Q(entry__headline__contains='Lennon')))"
        ".filter(Q(n__gte=1) & Q(name__contains=\"'\")).order_by('id')]");
    s.same(
        "having_count",
        [] {
            return json(B().annotate("n", Count("entry", Q("entry__rating__gte", 2)))
                            .filter("n__gte", 1)
                            .count());
        },
        "Blog.objects.annotate(n=Count('entry', filter=Q(entry__rating__gte=2)))"
        ".filter(n__gte=1).count()");
    s.same(
        "values_annotate",
        [] {
            return rows(E().values("blog__name")
                            .annotate("n", Count("id", Q("rating__gte", 4)))
                            .order_by("blog__name"));
        },
        "list(Entry.objects.values('blog__name').annotate("
        "n=Count('id', filter=Q(rating__gte=4))).order_by('blog__name'))");
    s.same(
        "values_annotate_having",
        [] {
            return rows(E().filter("pub_date__year__lt", 2012)
                            .values("blog__name")
                            .annotate({{"n", Count("id", Q("authors__name__contains", "o"))},
                                       {"s", Sum("rating", Q("headline__contains", "Lennon"))}})
                            .filter("n__gt", 0)
                            .order_by("-n", "blog__name"));
        },
        "list(Entry.objects.filter(pub_date__year__lt=2012).values('blog__name').annotate("
        "n=Count('id', filter=Q(authors__name__contains='o')), "
        "s=Sum('rating', filter=Q(headline__contains='Lennon')))"
        ".filter(n__gt=0).order_by('-n', 'blog__name'))");
}

// ---------------------------------------------------------------------------------------------
// aggregate()
// ---------------------------------------------------------------------------------------------

void aggregates(conf::Suite& s) {
    s.same(
        "aggregate_reverse",
        [] {
            return conf::agg(B().aggregate(
                {{"n", Count("entry", Q("entry__rating__gt", 3))}, {"all", Count("entry")}}));
        },
        "Blog.objects.aggregate(n=Count('entry', filter=Q(entry__rating__gt=3)), "
        "all=Count('entry'))");
    s.same(
        "aggregate_forward_and_m2m",
        [] {
            return conf::agg(
                E().aggregate({{"s", Sum("rating", Q("blog__name__contains", "'"))},
                               {"c", Count("id", true, Q("authors__name", "Alice"))},
                               {"a", Avg("rating", Q("editor__isnull", false))},
                               {"lo", Min("headline", Q("blog__owner__name", "bob %_\\"))},
                               {"hi", Max("pub_date", Q("authors__name__icontains", "ÈVE"))}}));
        },
        "Entry.objects.aggregate(s=Sum('rating', filter=Q(blog__name__contains=\"'\")), "
        "c=Count('id', distinct=True, filter=Q(authors__name='Alice')), "
        "a=Avg('rating', filter=Q(editor__isnull=False)), "
        "lo=Min('headline', filter=Q(blog__owner__name='bob %_\\\\')), "
        "hi=Max('pub_date', filter=Q(authors__name__icontains='ÈVE')))");
    // A filter of the queryset and of the aggregate, both with parameters.
    s.same(
        "aggregate_with_queryset_filter",
        [] {
            return conf::agg(E().filter("headline__contains", "Lennon")
                                 .aggregate({{"n", Count("id", Q("rating__gte", 4))},
                                             {"s", Sum("rating", Q("pub_date__year", 2008))}}));
        },
        "Entry.objects.filter(headline__contains='Lennon').aggregate("
        "n=Count('id', filter=Q(rating__gte=4)), s=Sum('rating', filter=Q(pub_date__year=2008)))");
    s.same(
        "aggregate_nothing_matches",
        [] {
            return conf::agg(E().aggregate({{"n", Count("id", Q("rating__gt", 99))},
                                            {"s", Sum("rating", Q("rating__gt", 99))},
                                            {"m", Max("rating", Q("rating__gt", 99))}}));
        },
        "Entry.objects.aggregate(n=Count('id', filter=Q(rating__gt=99)), "
        "s=Sum('rating', filter=Q(rating__gt=99)), m=Max('rating', filter=Q(rating__gt=99)))");
    // Over a grouped queryset (a subquery): the filter names the aggregate annotation.
    s.same(
        "aggregate_over_annotation",
        [] {
            return conf::agg(B().annotate("n", Count("entry"))
                                 .aggregate({{"busy", Count("id", Q("n__gt", 1))},
                                             {"entries", Sum("n", Q("name__contains", "e"))}}));
        },
        "Blog.objects.annotate(n=Count('entry')).aggregate("
        "busy=Count('id', filter=Q(n__gt=1)), entries=Sum('n', filter=Q(name__contains='e')))");
    s.same(
        "aggregate_of_distinct",
        [] {
            return conf::agg(B().filter("entry__rating__gte", 4)
                                 .distinct()
                                 .aggregate({{"n", Count("id", Q("name__contains", "'"))}}));
        },
        "Blog.objects.filter(entry__rating__gte=4).distinct().aggregate("
        "n=Count('id', filter=Q(name__contains=\"'\")))");
    // Over a subquery, the filter (or the argument) reads a related table: the subquery
    // selects that column too (Django's __col<n>), which takes part in its DISTINCT or GROUP BY.
    s.same(
        "aggregate_of_distinct_filter_across_relation",
        [] {
            return conf::agg(
                B().distinct().aggregate({{"n", Count("id", Q("entry__rating__gt", 3))}}));
        },
        "Blog.objects.distinct().aggregate(n=Count('id', filter=Q(entry__rating__gt=3)))");
    s.same(
        "aggregate_of_distinct_related_argument",
        [] {
            return conf::agg(B().distinct().aggregate(
                {{"n", Count("entry__rating")},
                 {"s", Sum("entry__rating", Q("entry__headline__contains", "'"))}}));
        },
        "Blog.objects.distinct().aggregate(n=Count('entry__rating'), "
        "s=Sum('entry__rating', filter=Q(entry__headline__contains=\"'\")))");
    s.same(
        "aggregate_over_annotation_filter_across_relation",
        [] {
            return conf::agg(B().annotate("m", Count("entry"))
                                 .aggregate({{"n", Sum("m", Q("entry__rating__gt", 3))}}));
        },
        "Blog.objects.annotate(m=Count('entry')).aggregate("
        "n=Sum('m', filter=Q(entry__rating__gt=3)))");
    s.same(
        "aggregate_over_values_annotation_filter_across_relation",
        [] {
            return conf::agg(E().values("blog")
                                 .annotate("m", Count("authors"))
                                 .aggregate({{"n", Sum("m", Q("editor__name__contains", "b"))},
                                             {"k", Max("m", Q("blog__name__contains", "'"))}}));
        },
        "Entry.objects.values('blog').annotate(m=Count('authors')).aggregate("
        "n=Sum('m', filter=Q(editor__name__contains='b')), "
        "k=Max('m', filter=Q(blog__name__contains=\"'\")))");
    s.same(
        "aggregate_of_slice",
        [] {
            return conf::agg(E().order_by("id").slice(0, 5).aggregate(
                {{"n", Count("id", Q("headline__startswith", "Lennon"))}}));
        },
        "Entry.objects.order_by('id')[:5].aggregate("
        "n=Count('id', filter=Q(headline__startswith='Lennon')))");
}

// ---------------------------------------------------------------------------------------------
// Mistakes
// ---------------------------------------------------------------------------------------------

void errors(conf::Suite& s) {
    s.same_error(
        "star_with_filter",
        [] {
            return conf::agg(B().aggregate({{"n", Count("*", Q("name", "x"))}}));
        },
        "Blog.objects.aggregate(n=Count('*', filter=Q(name='x')))", /*with_message=*/true);
    s.same_error(
        "unknown_name_in_filter",
        [] { return with(B().annotate("n", Count("entry", Q("entry__ratin", 1))), {"n"}); },
        "[b.n for b in Blog.objects.annotate(n=Count('entry', filter=Q(entry__ratin=1)))]");
    s.same_error(
        "bad_value_in_filter",
        [] { return with(B().annotate("n", Count("entry", Q("entry__rating", "abc"))), {"n"}); },
        "[b.n for b in Blog.objects.annotate(n=Count('entry', filter=Q(entry__rating='abc')))]");
}

// Deliberate differences (docs/django-differences.md).
void differences(conf::Suite& s) {
    // A filter that can match no row (pk__in=[]): Django 3.2 writes the whole aggregate as
    // the literal 0 (its EmptyResultSet fallback), so Sum, Avg, Min and Max give 0; dorm gives
    // the aggregate of no rows, as for any other filter nothing matches: NULL (Count: 0).
    s.differs(
        "filter_matches_nothing",
        [] {
            return conf::agg(E().aggregate({{"n", Count("id", Q("pk__in", dorm::Values{}))},
                                            {"s", Sum("rating", Q("pk__in", dorm::Values{}))}}));
        },
        "Entry.objects.aggregate(n=Count('id', filter=Q(pk__in=[])), "
        "s=Sum('rating', filter=Q(pk__in=[])))",
        json{{"n", 0}, {"s", nullptr}}, json{{"n", 0}, {"s", 0}}, conf::Compare::Ordered);
    // A filter is a source expression of the aggregate in Django: no default alias.
    s.differs(
        "no_alias", [] { return conf::agg(B().aggregate(Count("id", Q("entry__rating__gt", 3)))); },
        "Blog.objects.aggregate(Count('id', filter=Q(entry__rating__gt=3)))",
        json{{"error", "ValueError"}}, json{{"error", "TypeError"}}, conf::Compare::Ordered);
    // An aggregate annotation inside the filter of another annotation: dorm refuses it;
    // Django writes an aggregate inside an aggregate, which SQLite refuses.
    s.differs(
        "filter_on_aggregate_annotation",
        [] {
            return with(B().annotate("m", Count("entry"))
                            .annotate("n", Count("id", Q("m__gt", 1)))
                            .order_by("id"),
                        {"n"});
        },
        "[[b.pk, b.n] for b in Blog.objects.annotate(m=Count('entry'))"
        ".annotate(n=Count('id', filter=Q(m__gt=1))).order_by('id')]",
        json{{"error", "FieldError"}}, json{{"error", "OperationalError"}}, conf::Compare::Ordered);
}

} // namespace

TEST_CASE("Conditional aggregates agree with Django", "[conformance][django][aggregates]") {
    conf::TempDir dir;
    const std::string path = dir.file("conditional_aggregates.sqlite3");
    {
        dorm::Database db(path);
        seed(db);
    }
    dorm::Database db(path);
    dorm::set_default_database(db);
    conf::Suite s(db);
    annotations(s);
    hostile(s);
    combined(s);
    aggregates(s);
    errors(s);
    differences(s);
    auto oracle = make_oracle();
    s.run(oracle, path);
    WARN(s.size() << " cases compared with Django, " << s.departures()
                  << " of them deliberate differences");
}
