// Inputs at and past dorm's limits: Q trees as deep as dorm accepts (and one level deeper,
// refused with ValueError before any SQL), very wide groups, long exclude() chains, deep
// expressions; slices whose offsets would overflow; aggregates of "*"; extra() and raw()
// with the wrong number of parameters. Every query dorm accepts must be one SQLite accepts:
// the deepest accepted trees are run, not only built.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using dorm::F;
using dorm::Q;
using dorm::Value;
using dorm::Values;

struct Post : dorm::Model<Post> {
    std::int64_t id = 0;
    std::string title;
    std::optional<int> rating; // nullable: a negated condition on it gets IS NOT NULL guards
    int votes = 0;
    static void define(dorm::ModelDef<Post>& m) {
        m.table("post");
        m.field("id", &Post::id, dorm::auto_pk);
        m.field("title", &Post::title);
        m.field("rating", &Post::rating);
        m.field("votes", &Post::votes);
    }
};

// Many replies per post: a negated condition across it becomes a subquery.
struct Reply : dorm::Model<Reply> {
    std::int64_t id = 0;
    dorm::ForeignKey<Post> post;
    std::optional<std::string> body;
    static void define(dorm::ModelDef<Reply>& m) {
        m.table("reply");
        m.field("id", &Reply::id, dorm::auto_pk);
        m.field("post", &Reply::post);
        m.field("body", &Reply::body);
    }
};

// Mapped to a remote, for the OData compiler.
struct Lead : dorm::Model<Lead> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    std::optional<int> score;
    dorm::DateTime modified;
    static void define(dorm::ModelDef<Lead>& m) {
        m.table("lead").remote("LeadSet");
        m.field("id", &Lead::id, dorm::auto_pk);
        m.field("cdms_pk", &Lead::cdms_pk, dorm::remote_key("LeadId"));
        m.field("name", &Lead::name, dorm::remote("Name"));
        m.field("score", &Lead::score, dorm::remote("Score"));
        m.field("modified", &Lead::modified, dorm::remote_modified("ModifiedOn"));
    }
};

// Three posts: (a, 1, 10), (b, NULL, 20), (c, 3, 30); post a has a reply "x".
struct Fixture {
    dorm::Database db{":memory:"};
    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Post, Reply, Lead>(db);
        add("a", 1, 10);
        add("b", std::nullopt, 20);
        add("c", 3, 30);
        Reply r;
        r.post = Post::objects().get("title", "a");
        r.body = "x";
        r.save();
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
    static void add(std::string title, std::optional<int> rating, int votes) {
        Post p;
        p.title = std::move(title);
        p.rating = rating;
        p.votes = votes;
        p.save();
    }
};

} // namespace

TEST_CASE_METHOD(Fixture, "slices: offsets that would overflow are a ValueError") {
    constexpr auto BIG = std::numeric_limits<std::int64_t>::max();
    const auto posts = Post::objects().order_by("id");
    CHECK(posts.slice(BIG).count() == 0);
    CHECK(posts.slice(BIG - 1, BIG).to_vector().empty());
    // Before: the offsets were added unchecked, OFFSET went negative and every row came back.
    CHECK_THROWS_WITH(posts.slice(BIG).slice(10), Catch::Contains("out of range"));
    CHECK_THROWS_AS(posts.slice(1).slice(BIG), dorm::ValueError);
    CHECK_THROWS_AS(posts.slice(BIG, BIG).slice(1, 2), dorm::ValueError);
    CHECK(posts.slice(1).slice(BIG - 1).count() == 0);
    CHECK(posts.slice(1, 3).slice(1).count() == 1);
    CHECK_THROWS_WITH(posts.slice(-1), Catch::Contains("Negative indexing is not supported"));
    CHECK_THROWS_AS(posts.slice(0, -1), dorm::ValueError);
    // qs[i] with an index past INT64_MAX (a negative index converted to size_t).
    CHECK_THROWS_WITH(posts[static_cast<std::size_t>(-1)],
                      Catch::Contains("negative indexing is not supported"));
    CHECK_THROWS_AS(posts[static_cast<std::size_t>(BIG)], dorm::ValueError);
    CHECK_THROWS_AS(posts[static_cast<std::size_t>(BIG - 1)], std::out_of_range);
    CHECK(posts[2].title == "c");
    // The remote is asked for the same slice.
    const auto r =
        Lead::objects().order_by("cdms_pk").slice(BIG - 5, BIG).odata(dorm::odata::odata_v4());
    CHECK(r.skip == std::optional<std::int64_t>(BIG - 5));
    CHECK_THROWS_AS(Lead::objects().slice(BIG - 5).slice(6), dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "aggregates: only Count takes '*'") {
    const auto posts = Post::objects();
    CHECK(posts.aggregate(dorm::Count("*"))["__count"] == Value(3));
    // Before: Sum/Min/Max("*") threw std::out_of_range, Avg("*") ran AVG(*) (an SQLite error).
    for (auto [agg, name] : {std::pair{dorm::Sum("*"), "Sum"}, std::pair{dorm::Avg("*"), "Avg"},
                             std::pair{dorm::Min("*"), "Min"}, std::pair{dorm::Max("*"), "Max"}}) {
        INFO(name);
        CHECK_THROWS_AS(posts.aggregate(agg), dorm::FieldError);
        CHECK_THROWS_WITH(posts.aggregate(agg),
                          Catch::Contains(std::string(name) + "('*')") && Catch::Contains("Post"));
        CHECK_THROWS_AS(posts.annotate("x", agg), dorm::FieldError);
    }
    CHECK_THROWS_AS(posts.aggregate(dorm::Count("*", true)), dorm::FieldError);
    CHECK(posts.aggregate(dorm::Count("rating", true))["rating__count"] == Value(2));
}

TEST_CASE_METHOD(Fixture, "extra(where) and raw(): the number of values must match the '?'s") {
    const auto posts = Post::objects();
    auto where = [](std::vector<std::string> clauses, Values params) {
        dorm::Extra e;
        e.where = std::move(clauses);
        e.params = std::move(params);
        return e;
    };
    CHECK(posts.extra(where({"votes > ?"}, {Value(15)})).count() == 2);
    CHECK(posts.extra(where({"votes > ?", "title <> ?"}, {Value(15), Value("c")})).count() == 1);
    // Before: a '?' without a value was bound NULL (no rows, no error).
    CHECK_THROWS_WITH(posts.extra(where({"votes > ?", "title <> ?"}, {Value(15)})),
                      Catch::Contains("1 params for 2 '?' placeholders") &&
                          Catch::Contains("title <> ?"));
    CHECK_THROWS_AS(posts.extra(where({"votes > ?"}, {Value(1), Value(2)})), dorm::ValueError);
    CHECK_THROWS_AS(posts.extra(where({}, {Value(1)})), dorm::ValueError);
    // Not placeholders: '?' in literals, quoted identifiers and comments.
    CHECK(posts
              .extra(where({"title <> '?' AND \"title\" <> ? /* ? */ AND [title] <> 'q?'"},
                           {Value("b")}))
              .count() == 2);
    CHECK(posts.extra(where({"votes > ? -- ?\n"}, {Value(15)})).count() == 2);
    CHECK(posts.extra(where({"title <> 'it''s ?' AND votes > ?"}, {Value(15)})).count() == 2);
    // What cannot be embedded in the statement dorm writes around the clause.
    CHECK_THROWS_WITH(posts.extra(where({"votes > ?1"}, {Value(1)})), Catch::Contains("?NNN"));
    CHECK_THROWS_AS(posts.extra(where({"votes > :v"}, {Value(1)})), dorm::ValueError);
    CHECK_THROWS_AS(posts.extra(where({"votes > @v"}, {Value(1)})), dorm::ValueError);
    CHECK_THROWS_AS(posts.extra(where({"votes > $v"}, {Value(1)})), dorm::ValueError);
    CHECK_THROWS_AS(posts.extra(where({"votes > 1 -- x"}, {})), dorm::ValueError);
    CHECK_THROWS_AS(posts.extra(where({"title = 'x"}, {})), dorm::ValueError);
    CHECK_THROWS_AS(posts.extra(where({"votes > 1 /* x"}, {})), dorm::ValueError);
    dorm::Extra sel;
    sel.select = {{"twice", "votes * ?"}};
    CHECK_THROWS_AS(posts.extra(sel), dorm::ValueError);

    // raw(): SQLite counts the parameters of the prepared statement, before anything runs.
    const auto& objects = Post::objects();
    CHECK(objects.raw("SELECT * FROM post WHERE votes > ?", {Value(15)}).size() == 2);
    CHECK(objects.raw("SELECT * FROM post WHERE votes > ?1 AND votes < ?1 + 15", {Value(15)})
              .size() == 1);
    CHECK(objects.raw("SELECT * FROM post WHERE votes > :v", {Value(15)}).size() == 2);
    CHECK_THROWS_WITH(objects.raw("SELECT * FROM post WHERE votes > ? AND title <> ?", {Value(15)}),
                      Catch::Contains("2 parameters but 1 value was given"));
    CHECK_THROWS_AS(objects.raw("SELECT * FROM post WHERE votes > ?", {Value(1), Value(2)}),
                    dorm::ValueError);
    CHECK_THROWS_AS(objects.raw("SELECT * FROM post", {Value(1)}), dorm::ValueError);
    CHECK(objects.raw("SELECT * FROM post WHERE title <> '?'").size() == 3);
}
