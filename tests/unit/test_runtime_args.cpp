// Queries built at run time: every call that takes names or (name, value) pairs also takes a
// container of them (std::vector<std::string>, std::vector<dorm::Kwarg>, std::map<std::string,
// dorm::Arg>, std::map<std::string, dorm::Expr>...). Each case builds the same query both
// ways and compares the SQL, the parameters and the rows. Also the querysets of rows
// (values(), values_list(), values_list(dorm::flat, ...)) answering as querysets do: qs[i],
// get, first, last, latest, earliest, aggregate, and their errors (IndexError, distinct(fields)).
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <array>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

using dorm::Count;
using dorm::DateTime;
using dorm::Expr;
using dorm::F;
using dorm::Kwarg;
using dorm::Max;
using dorm::NamedExpr;
using dorm::Q;
using dorm::Sum;
using dorm::Value;
using dorm::Values;
using Strings = std::vector<std::string>;

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("author");
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(50));
    }
};

struct Post : dorm::Model<Post> {
    std::int64_t id = 0;
    std::string title;
    int rank = 0;
    dorm::DateTime stamp;
    dorm::ForeignKey<Author> author;
    static void define(dorm::ModelDef<Post>& m) {
        m.table("post").get_latest_by("stamp");
        m.field("id", &Post::id, dorm::auto_pk);
        m.field("title", &Post::title, dorm::max_length(50), dorm::unique);
        m.field("rank", &Post::rank);
        m.field("stamp", &Post::stamp);
        m.field("author", &Post::author);
    }
};

//   id title rank stamp             author
//   1  a     3    2020-01-03 10:00  Ann
//   2  b     1    2020-01-01 10:00  Ann
//   3  c     2    2020-01-05 10:00  Bob
//   4  d     3    2020-01-02 10:00  Bob
struct Fixture {
    dorm::Database db{":memory:"};
    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Author, Post>(db);
        const Author ann = Author::objects().create({{"name", "Ann"}});
        const Author bob = Author::objects().create({{"name", "Bob"}});
        add("a", 3, DateTime(2020, 1, 3, 10, 0), ann);
        add("b", 1, DateTime(2020, 1, 1, 10, 0), ann);
        add("c", 2, DateTime(2020, 1, 5, 10, 0), bob);
        add("d", 3, DateTime(2020, 1, 2, 10, 0), bob);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    static void add(std::string title, int rank, DateTime stamp, const Author& a) {
        Post::objects().create(
            {{"title", std::move(title)}, {"rank", rank}, {"stamp", stamp}, {"author", a}});
    }
};

dorm::Manager<Post> posts() {
    return Post::objects();
}

// The message of the dorm::Error fn throws.
template <class Fn>
std::string message_of(Fn fn) {
    try {
        fn();
    } catch (const dorm::Error& e) {
        return e.what();
    }
    return "(no exception)";
}

template <class A, class B>
void same_query(const A& a, const B& b) {
    const dorm::sql::Compiled x = a.sql();
    const dorm::sql::Compiled y = b.sql();
    CHECK(x.text == y.text);
    CHECK(x.params == y.params);
}

std::vector<std::int64_t> ids(const dorm::QuerySet<Post>& qs) {
    std::vector<std::int64_t> out;
    for (const Post& p : qs)
        out.push_back(p.id);
    return out;
}

} // namespace

TEST_CASE_METHOD(Fixture, "run-time args: filter, exclude, get and Q take ranges of pairs") {
    const std::vector<Kwarg> conditions{{"rank__gte", 2}, {"title__in", Values{"a", "c", "d"}}};
    const auto braced = posts().filter({{"rank__gte", 2}, {"title__in", Values{"a", "c", "d"}}});
    same_query(braced, posts().filter(conditions));
    same_query(braced, posts().filter(Q(conditions)));
    same_query(posts().filter(Q({{"rank__gte", 2}, {"title__in", Values{"a", "c", "d"}}})),
               posts().filter(Q(conditions)));
    CHECK(ids(posts().filter(conditions).order_by("id")) == std::vector<std::int64_t>{1, 3, 4});

    // A std::map (in its key order), and pairs of other types (string_view, plain values).
    const std::map<std::string, dorm::Arg> by_name{{"rank", 3}, {"title", "d"}};
    same_query(posts().filter({{"rank", 3}, {"title", "d"}}), posts().filter(by_name));
    same_query(posts().exclude({{"rank", 3}, {"title", "d"}}), posts().exclude(by_name));
    const std::map<std::string, int> ranks{{"rank__gt", 1}, {"rank__lt", 3}};
    same_query(posts().filter({{"rank__gt", 1}, {"rank__lt", 3}}), posts().filter(ranks));
    const std::array<std::pair<std::string_view, int>, 1> one{{{"rank", 1}}};
    same_query(posts().filter({{"rank", 1}}), posts().filter(one));
    CHECK(posts().get(one).title == "b");
    CHECK(posts().get(by_name).title == "d");
    CHECK(posts().get(std::vector<Kwarg>{{"title", "a"}}).rank == 3);
    CHECK_THROWS_AS(posts().get(std::map<std::string, dorm::Arg>{{"rank", 3}}),
                    Post::MultipleObjectsReturned);

    // Across a relation, and with an expression as the value.
    const std::vector<Kwarg> rel{{"author__name", "Bob"}, {"rank__lt", F("id")}};
    same_query(posts().filter({{"author__name", "Bob"}, {"rank__lt", F("id")}}),
               posts().filter(rel));
    CHECK(ids(posts().filter(rel).order_by("id")) == std::vector<std::int64_t>{3, 4});
    // An empty container is no condition, as filter({}).
    same_query(posts().all(), posts().filter(std::vector<Kwarg>{}));
}

TEST_CASE_METHOD(Fixture, "run-time args: names as containers") {
    const Strings order{"-rank", "title"};
    same_query(posts().order_by("-rank", "title"), posts().order_by(order));
    const std::list<std::string_view> order_list{"-rank", "title"};
    same_query(posts().order_by("-rank", "title"), posts().order_by(order_list));
    const std::array<const char*, 2> order_array{"-rank", "title"};
    same_query(posts().order_by("-rank", "title"), posts().order_by(order_array));
    CHECK(ids(posts().order_by(order_list)) == std::vector<std::int64_t>{1, 4, 3, 2});

    const Strings fields{"title", "rank"};
    same_query(posts().values("title", "rank"), posts().values(fields));
    same_query(posts().values_list("title", "rank"), posts().values_list(fields));
    same_query(posts().values("title", "rank"), posts().values({"title", "rank"}));
    same_query(posts().only("title", "rank"),
               posts().only(std::array<std::string, 2>{"title", "rank"}));
    same_query(posts().defer("title", "rank"),
               posts().defer(std::list<std::string>{"title", "rank"}));
    same_query(posts().select_related("author"), posts().select_related(Strings{"author"}));
    same_query(posts().select_related("author"),
               posts().select_related(std::array<std::string_view, 1>{"author"}));
    CHECK(posts().prefetch_related(Strings{"author"}).evaluation().prefetch_related ==
          posts().prefetch_related("author").evaluation().prefetch_related);
    CHECK(posts().values(fields).order_by("id").first()->operator[]("title") == Value("a"));

    const Strings by_stamp{"stamp"};
    CHECK(posts().latest(by_stamp).id == posts().latest("stamp").id);
    CHECK(posts().earliest(std::list<std::string>{"rank", "-stamp"}).id ==
          posts().earliest("rank", "-stamp").id);
    CHECK(posts().latest(Strings{}).id == 3); // get_latest_by
    CHECK(posts().earliest(Strings{"stamp"}).id == 2);

    // distinct() of no names is distinct(); of names, DISTINCT ON: not on SQLite.
    same_query(posts().distinct(), posts().distinct(Strings{}));
    CHECK_THROWS_AS(posts().distinct(Strings{"rank"}), dorm::NotSupportedError);
}

TEST_CASE_METHOD(Fixture, "run-time args: aggregate and annotate take named expressions") {
    const std::vector<NamedExpr> items{{"n", Count("id")}, {"top", Max("rank")}};
    CHECK(posts().aggregate(items) ==
          posts().aggregate({{"n", Count("id")}, {"top", Max("rank")}}));
    const std::map<std::string, Expr> by_name{{"total", Sum("rank")}};
    CHECK(posts().aggregate(by_name) == std::map<std::string, Value>{{"total", 9}});
    CHECK(posts().values("rank").aggregate(items) ==
          std::map<std::string, Value>{{"n", 4}, {"top", 3}});

    same_query(posts().annotate({{"n", Count("id")}, {"top", Max("rank")}}),
               posts().annotate(items));
    const auto by_author = Author::objects()
                               .annotate(std::map<std::string, Expr>{{"posts", Count("post")}})
                               .order_by("id")
                               .values_list("posts");
    CHECK(by_author.rows() == std::vector<Values>{{2}, {2}});
}

TEST_CASE_METHOD(Fixture, "run-time args: get_or_create, update_or_create, create and update") {
    const std::map<std::string, dorm::Arg> lookup{{"title", "e"}};
    const std::map<std::string, dorm::Arg> defaults{
        {"rank", 7}, {"stamp", DateTime(2021, 1, 1, 0, 0)}, {"author", 1}};
    auto [made, created] = posts().get_or_create(lookup, defaults);
    CHECK(created);
    CHECK(made.rank == 7);
    auto [again, created_again] = posts().get_or_create(lookup);
    CHECK_FALSE(created_again);
    CHECK(again.id == made.id);

    const std::vector<Kwarg> bump{{"rank", 8}};
    auto [updated, was_created] = posts().update_or_create(lookup, bump);
    CHECK_FALSE(was_created);
    CHECK(posts().get("title", "e").rank == 8);
    CHECK(updated.rank == 8);

    CHECK(posts().filter(lookup).update(std::map<std::string, int>{{"rank", 9}}) == 1);
    CHECK(posts().get(lookup).rank == 9);
    const Post f = posts().create(std::map<std::string, dorm::Arg>{
        {"title", "f"}, {"rank", 1}, {"stamp", DateTime(2021, 1, 2, 0, 0)}, {"author", 2}});
    CHECK(posts().get("title", "f").id == f.id);
}

TEST_CASE_METHOD(Fixture,
                 "querysets of rows: get, first, last, latest, earliest, [], aggregate, dates") {
    const auto rows = posts().values("id", "title").order_by("id");
    CHECK(rows.get("title", "c")["id"] == Value(3));
    CHECK(rows.get({{"rank", 1}})["title"] == Value("b"));
    CHECK(rows.filter("rank", 1).get()["title"] == Value("b"));
    CHECK_THROWS_AS(rows.get("title", "zz"), Post::DoesNotExist);
    CHECK_THROWS_WITH(rows.get("title", "zz"), "Post matching query does not exist.");
    CHECK_THROWS_AS(rows.get("rank", 3), Post::MultipleObjectsReturned);
    CHECK(rows.first()->operator[]("title") == Value("a"));
    CHECK(rows.last()->operator[]("title") == Value("d"));
    CHECK_FALSE(rows.filter("rank", 99).first());
    CHECK(rows.latest()["title"] == Value("c")); // get_latest_by: stamp
    CHECK(rows.earliest("stamp")["title"] == Value("b"));
    CHECK(rows[1]["title"] == Value("b"));
    CHECK(rows.aggregate({{"n", Count("id")}}) == std::map<std::string, Value>{{"n", 4}});
    CHECK(rows.filter("rank", 3).dates("stamp", "day") ==
          std::vector<dorm::Date>{dorm::Date{2020, 1, 2}, dorm::Date{2020, 1, 3}});
    CHECK(posts().values_list(dorm::flat, "id").datetimes("stamp", "month") ==
          std::vector<DateTime>{DateTime(2020, 1, 1, 0, 0)});

    const auto tuples = posts().values_list("title", "rank").order_by("id");
    CHECK(tuples.get("title", "c") == Values{"c", 2});
    CHECK(tuples.first() == Values{"a", 3});
    CHECK(tuples.last() == Values{"d", 3});
    CHECK(tuples.latest("rank", "stamp") == Values{"a", 3});
    CHECK(tuples.earliest("rank") == Values{"b", 1});
    CHECK(tuples[2] == Values{"c", 2});
    CHECK(tuples.aggregate(Sum("rank")) == std::map<std::string, Value>{{"rank__sum", 9}});
    CHECK_THROWS_AS(tuples.get("rank", 3), Post::MultipleObjectsReturned);
}

TEST_CASE_METHOD(Fixture, "values_list(flat): one value per row, kept flat by chained calls") {
    const auto titles = posts().values_list(dorm::flat, "title");
    // order_by, filter, distinct and slices keep it flat (the same type, values not tuples).
    const dorm::FlatValuesListQuerySet ordered = titles.order_by("-id");
    CHECK(ordered.flat() == Values{"d", "c", "b", "a"});
    CHECK(titles.filter("rank", 3).order_by("id").flat() == Values{"a", "d"});
    CHECK(titles.order_by("title").slice(1, 3).flat() == Values{"b", "c"});
    const auto ranks = posts().values_list(dorm::flat, "rank").order_by("rank").distinct();
    CHECK(ranks.flat() == Values{1, 2, 3});
    Values seen;
    for (const Value& v : ranks)
        seen.push_back(v);
    CHECK(seen == Values{1, 2, 3});
    CHECK(ranks[2] == Value(3));
    CHECK(ranks.size() == 3);
    CHECK(ranks.count() == 3);
    CHECK(titles.get("rank", 1) == Value("b"));
    CHECK(titles.order_by("id").first() == Value("a"));
    CHECK(titles.order_by("id").last() == Value("d"));
    CHECK(titles.latest() == Value("c"));
    CHECK(titles.earliest() == Value("b"));
    // The same SQL as values_list("title"), from a container too.
    same_query(titles, posts().values_list("title"));
    same_query(titles, posts().values_list(dorm::flat, Strings{"title"}));
    // No field: the first column (the primary key), as Django's.
    CHECK(posts().values_list(dorm::flat).order_by("id").flat() == Values{1, 2, 3, 4});
    // A subquery for __in.
    CHECK(ids(posts()
                  .filter("id__in", posts().filter("rank", 3).values_list(dorm::flat, "id"))
                  .order_by("id")) == std::vector<std::int64_t>{1, 4});
    CHECK_THROWS_AS(posts().values_list(dorm::flat, "title", "rank"), dorm::UsageError);
    CHECK_THROWS_WITH(posts().values_list(dorm::flat, "title", "rank"),
                      "flat is not valid when values_list is called with more than one field");
}

TEST_CASE_METHOD(Fixture,
                 "qs[i] past the end is IndexError: a dorm::Error, caught as std::exception") {
    const auto objects = posts().order_by("id");
    const auto values = posts().values("id").order_by("id");
    const auto tuples = posts().values_list("id").order_by("id");
    const auto flat = posts().values_list(dorm::flat, "id").order_by("id");
    CHECK_THROWS_AS(objects[4], dorm::IndexError);
    CHECK_THROWS_AS(objects[4], std::exception);
    CHECK_THROWS_AS(objects[4], dorm::Error);
    CHECK(message_of([&] { (void)objects[4]; }) == "Post queryset index 4 out of range");
    (void)objects.size(); // evaluated: the same from the cache
    CHECK_THROWS_AS(objects[4], dorm::IndexError);
    CHECK(message_of([&] { (void)objects[4]; }) == "Post queryset index 4 out of range");
    CHECK_THROWS_AS(values[4], dorm::IndexError);
    CHECK_THROWS_AS(values[4], dorm::Error);
    CHECK(message_of([&] { (void)values[4]; }) == "Post queryset index 4 out of range");
    CHECK_THROWS_AS(tuples[7], dorm::IndexError);
    CHECK_THROWS_AS(flat[4], dorm::IndexError);
    CHECK_THROWS_AS(flat[4], dorm::Error);
    CHECK(flat[3] == Value(4));
    // A program's catch-all for std::exception sees it, with its message.
    CHECK_THROWS_WITH(objects[9], "Post queryset index 9 out of range");
}

TEST_CASE_METHOD(Fixture,
                 "distinct(fields) is NotSupportedError on SQLite, with Django's message") {
    CHECK_THROWS_AS(posts().distinct("rank"), dorm::NotSupportedError);
    CHECK_THROWS_AS(posts().distinct("rank", "title"), dorm::Error);
    CHECK_THROWS_WITH(posts().values("rank").distinct("rank"),
                      "DISTINCT ON fields is not supported by this database backend");
    CHECK_THROWS_AS(posts().values_list(dorm::flat, "rank").distinct("rank"), dorm::NotSupported);
}
