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
    std::optional<dorm::Date> day;
    static void define(dorm::ModelDef<Post>& m) {
        m.table("post");
        m.field("id", &Post::id, dorm::auto_pk);
        m.field("title", &Post::title);
        m.field("rating", &Post::rating);
        m.field("votes", &Post::votes);
        m.field("day", &Post::day);
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

constexpr auto MAX = dorm::max_q_depth;

// A tree `levels` deep: each level is a group of the previous tree and one new condition
// (`make(i)`), joined by `join(i)`. Which shapes: see the callers.
template <class Make, class Join>
Q tower(std::uint32_t levels, Make make, Join join) {
    Q q = make(0u);
    for (std::uint32_t i = 1; q.depth() < levels; ++i)
        q = join(i, std::move(q), make(i));
    return q;
}

// Alternating OR / AND: a | (b & (c | ...)), each level one deeper.
Q alternating(std::uint32_t levels) {
    return tower(
        levels, [](std::uint32_t i) { return Q("votes__gte", static_cast<int>(i % 7)); },
        [](std::uint32_t i, Q deep, Q leaf) {
            return i % 2 ? std::move(leaf) | std::move(deep) : std::move(leaf) & std::move(deep);
        });
}

// ~(a & ~(b | ~(...))) over a nullable field: every level negated, every leaf guarded.
Q negated(std::uint32_t levels, const char* key = "rating") {
    return tower(
        levels,
        [&](std::uint32_t i) {
            const int v = static_cast<int>(i % 5);
            return std::string(key).find("__") == std::string::npos ? Q(key, v)
                                                                    : Q(key, std::to_string(v));
        },
        [](std::uint32_t i, Q deep, Q leaf) {
            return ~(i % 2 ? std::move(leaf) & std::move(deep) : std::move(leaf) | std::move(deep));
        });
}

// Levels whose groups are wider than q_chunk_size, so each is written in chunks.
Q wide_levels(std::uint32_t levels) {
    return tower(
        levels, [](std::uint32_t i) { return Q("rating", static_cast<int>(i % 5)); },
        [](std::uint32_t i, Q deep, Q leaf) {
            Q group = std::move(leaf);
            for (std::size_t k = 0; k < dorm::q_chunk_size; ++k) {
                if (i % 2)
                    group |= Q("votes", static_cast<int>(k));
                else
                    group &= ~Q("votes", static_cast<int>(k));
            }
            return i % 2 ? ~(std::move(group) | std::move(deep))
                         : std::move(group) & std::move(deep);
        });
}

} // namespace

TEST_CASE("Q depth: tracked by every operator, in levels") {
    const Q a("votes", 1), b("votes", 2);
    CHECK(a.depth() == 0);
    CHECK((~a).depth() == 1);
    CHECK((a | b).depth() == 1);
    CHECK((a | b | a | b).depth() == 1); // flattened
    CHECK((a | (b & a)).depth() == 2);
    CHECK((~(a | b)).depth() == 1);
    CHECK((a & ~(a | b)).depth() == 2);
    CHECK(Q("votes", F("rating") + 1).depth() == 1);
    CHECK(Q().depth() == 0);
    Q wide;
    for (int i = 0; i < 33; ++i)
        wide |= Q("votes", i);
    CHECK(wide.depth() == 2); // one group, written in two chunks
    CHECK(alternating(MAX).depth() == MAX);
    CHECK(negated(MAX).depth() == MAX);
}

TEST_CASE("Q depth: one level past max_q_depth is a ValueError naming the limit") {
    Q deep = alternating(MAX);
    const Q leaf("votes", 1);
    const std::string limit = std::to_string(MAX);
    // ~deep is a group of its own: anything joined to it is one level deeper.
    CHECK_THROWS_WITH(leaf & ~deep, Catch::Contains("maximum of " + limit));
    CHECK_THROWS_AS(leaf | ~deep, dorm::ValueError);
    CHECK_THROWS_AS(~deep & leaf, dorm::ValueError);
    // One of & and | flattens into deep's own group (no deeper); the other nests it.
    CHECK_THROWS_AS(deep.connector() == Q::Connector::Or ? leaf & deep : leaf | deep,
                    dorm::ValueError);
    CHECK_NOTHROW(deep.connector() == Q::Connector::Or ? leaf | deep : leaf & deep);
    // A refused |= or &= changes nothing.
    Q q = ~deep;
    CHECK_THROWS_AS(q |= leaf, dorm::ValueError);
    CHECK_THROWS_AS(q &= leaf, dorm::ValueError);
    CHECK(q.depth() == MAX);
    CHECK(q.negated());
    CHECK(q.children().size() == deep.children().size());
    // A negated condition is a level: ~ on a condition already at the limit is refused.
    dorm::Expr e = F("votes");
    for (std::uint32_t i = 0; i < MAX; ++i)
        e = e + 1;
    const Q at_limit("votes__lt", e);
    CHECK(at_limit.depth() == MAX);
    CHECK_THROWS_AS(~at_limit, dorm::ValueError);
    CHECK_THROWS_AS(negated(MAX + 1), dorm::ValueError);
    // Without the limit, a tree 40,000 deep overflowed the stack when resolved.
    Q runaway("votes", 0);
    CHECK_THROWS_AS(
        [&] {
            for (int i = 0; i < 40000; ++i)
                runaway = ~(runaway & Q("votes", i));
        }(),
        dorm::ValueError);
    CHECK(runaway.depth() == MAX);
}

TEST_CASE_METHOD(Fixture, "Q depth: the deepest accepted tree of every shape runs in SQLite") {
    const auto posts = Post::objects();
    auto runs = [&](const dorm::QuerySet<Post>& qs) {
        INFO(qs.sql().text);
        CHECK_NOTHROW(qs.count());
        CHECK_NOTHROW(qs.slice(1, 5).count()); // COUNT(*) over a subquery
        CHECK_NOTHROW(qs.to_vector());
        CHECK_NOTHROW(qs.values_list("title").slice(0, 2).count());
    };
    runs(posts.filter(alternating(MAX)));
    runs(posts.exclude(alternating(MAX)));
    runs(posts.filter(negated(MAX)));
    runs(posts.filter(negated(MAX - 1)).exclude(negated(MAX - 1)));
    // Across a multi-valued relation, negated: pk NOT IN (SELECT ...) at the deepest leaf.
    runs(posts.filter(negated(MAX, "reply__body")));
    runs(posts.exclude(negated(MAX - 1, "reply__body")));
    runs(posts.filter(wide_levels(MAX)));
    runs(posts.exclude(wide_levels(MAX - 1)));
    // A queryset as a value counts its own depth: the deepest subquery chain dorm accepts.
    const auto inner = posts.filter(negated(MAX - 5));
    CHECK(Q("id__in", inner).depth() == MAX - 1);
    runs(posts.filter(~Q("id__in", inner)));
    runs(posts.exclude(Q("id__in", inner)));
    runs(posts.filter(Q("id__in", inner) | Q("votes", 1)));
    runs(posts.filter(negated(MAX)).filter(Q("id__in", inner)));
    CHECK_THROWS_AS(posts.filter(~Q("id__in", inner) | Q("votes", 1)), dorm::ValueError);
    // A Subquery made by hand carries no depth: filter() counts its query's own.
    const auto deeper = posts.filter(negated(MAX - 3));
    const Q by_hand("id__in", dorm::Subquery{deeper.query_ptr()});
    CHECK(by_hand.depth() == 4);
    CHECK_THROWS_WITH(posts.exclude(by_hand), Catch::Contains("a subquery"));
    runs(posts.filter(Q("id__in", dorm::Subquery{inner.query_ptr()})));
    // Three querysets, each inside the next.
    const auto small = posts.filter("votes__gt", 1);
    const auto middle = posts.filter(Q("id__in", small));
    const auto outer = posts.filter(Q("id__in", middle));
    runs(posts.filter(Q("id__in", outer)));
    CHECK_THROWS_AS(posts.exclude(Q("id__in", outer)), dorm::ValueError);
    // An expression as the value counts its depth.
    dorm::Expr e = F("votes");
    for (std::uint32_t i = 0; i + 1 < MAX; ++i)
        e = i % 2 ? 2 * e : 1 + e; // (1 + (2 * (1 + ...))): nested on the right
    runs(posts.filter(~Q("votes__gte", e)));
    runs(posts.filter(~(Q("rating", 1) | Q("votes__lt", e))));
    // A deep tree gives the same rows as its plain meaning: not(not(x)) = x.
    Q twice = ~~Q("title", "a");
    CHECK(posts.filter(twice).count() == 1);
    CHECK(posts.exclude(negated(MAX)).count() + posts.filter(negated(MAX)).count() <= 3);
}

TEST_CASE_METHOD(Fixture, "Q depth: every way of running a maximal filter works in SQLite") {
    const auto posts = Post::objects();
    dorm::Expr deep_expr = F("votes");
    for (std::uint32_t i = 0; i < dorm::max_expr_depth; ++i)
        deep_expr = 1 + deep_expr;
    dorm::Expr half = F("votes");
    for (std::uint32_t i = 0; i < MAX / 2; ++i)
        half = 1 + half;
    // "r": an annotation, written out in full in the WHERE clause; its depth counts.
    for (const char* key : {"rating", "reply__body", "r"}) {
        INFO(key);
        const bool annotation = key == std::string("r");
        const auto base = posts.annotate("r", annotation ? half : deep_expr);
        const std::uint32_t levels = annotation ? MAX - MAX / 2 : MAX;
        CHECK_THROWS_AS(base.filter(negated(levels + 1, key)), dorm::ValueError);
        for (const auto& qs :
             {base.filter(negated(levels, key)), base.exclude(negated(levels, key)),
              base.filter(alternating(MAX)).exclude(negated(levels, key))}) {
            INFO(qs.sql().text);
            CHECK_NOTHROW(qs.count());
            CHECK_NOTHROW(qs.exists());
            CHECK_NOTHROW(qs.first());
            CHECK_NOTHROW(qs.to_vector());
            CHECK_NOTHROW(qs.values("title", "r").count());
            CHECK_NOTHROW(qs.values_list("title").slice(1).size());
            CHECK_NOTHROW(qs.aggregate(dorm::Sum("votes"), dorm::Max("r")));
            CHECK_NOTHROW(qs.annotate("n", dorm::Count("reply")).filter("n__gte", 0).count());
            CHECK_NOTHROW(qs.dates("day", "year"));
            CHECK_NOTHROW(qs.slice(0, 2).aggregate(dorm::Avg("votes")));
            // A queryset this deep is too deep to be a value in another.
            CHECK_THROWS_AS(posts.filter(Q("id__in", qs.values_list("id"))), dorm::ValueError);
            CHECK_NOTHROW(qs.distinct().order_by("-votes").slice(1, 2).count());
        }
        // Writes, inside a transaction that is rolled back.
        try {
            dorm::atomic(db, [&] {
                CHECK_NOTHROW(posts.filter(negated(MAX, key == std::string("r") ? "rating" : key))
                                  .update({{"votes", deep_expr}}));
                CHECK_NOTHROW(
                    posts.filter(negated(MAX, key == std::string("r") ? "rating" : key)).delete_());
                throw std::runtime_error("roll back");
            });
        } catch (const std::runtime_error&) {
        }
        CHECK(posts.count() == 3);
    }
}

TEST_CASE_METHOD(Fixture, "Q width: wide ORs, ANDs and 1,000 chained excludes run in SQLite") {
    // Built with |=, which adds in place (q = q | x copied the whole tree every time).
    Q any;
    for (int i = 0; i < 20000; ++i)
        any |= Q("votes", i * 10);
    CHECK(any.depth() == 1 + dorm::chunk_levels(20000));
    CHECK(any.children().size() == 20000);
    const auto posts = Post::objects();
    const auto compiled = posts.filter(any).sql();
    CHECK(compiled.params.size() == 20000);
    CHECK(compiled.params.front() == Value(0)); // the members stay in order
    CHECK(compiled.params.back() == Value(199990));
    // SQLite refused a flat chain of more than 1000 terms ("Expression tree is too large");
    // it plans an OR or AND in time quadratic in its terms, so the ones run here are smaller
    // (a 20,000-way OR takes it about 10 s).
    Q some;
    for (int i = 0; i < 2500; ++i)
        some |= Q("votes", i * 10);
    CHECK(posts.filter(some).count() == 3);
    CHECK(posts.exclude(some).count() == 0);
    CHECK(posts.filter(some | Q("rating", 1)).count() == 3);
    Q all;
    for (int i = 0; i < 1500; ++i)
        all &= ~Q("rating", 100 + i);
    CHECK(posts.filter(all).count() == 3); // NOT (rating = ? AND rating IS NOT NULL): NULL too
    CHECK(posts.filter(all & Q("votes__gt", 15)).count() == 2);
    auto qs = posts.all();
    for (int i = 0; i < 1000; ++i)
        qs = qs.exclude("votes", 1000 + i);
    CHECK(qs.count() == 3);
    qs = qs.exclude("rating", 1);
    CHECK(qs.count() == 2);
    // The top-level AND of the filters is written in chunks too: the deepest tree inside it.
    CHECK(qs.filter(negated(MAX)).slice(0, 5).count() <= 2);
    CHECK(qs.exclude(negated(MAX, "reply__body")).exists());
    CHECK(qs.values_list("title").slice(0, 1).count() == 1);
}

TEST_CASE("Expr depth: max_expr_depth levels, then ValueError") {
    dorm::Expr e = F("votes");
    for (std::uint32_t i = 0; i < dorm::max_expr_depth; ++i)
        e = e + 1;
    CHECK(e.depth == dorm::max_expr_depth);
    CHECK_THROWS_WITH(e + 1, Catch::Contains("maximum of " + std::to_string(dorm::max_expr_depth)));
    CHECK_THROWS_AS(-e, dorm::ValueError);
    CHECK_THROWS_AS(1 * e, dorm::ValueError);
    // Without the limit, F("x") + 1 + 1 ... 100,000 times overflowed the stack.
    CHECK_THROWS_AS(
        [] {
            dorm::Expr x = F("votes");
            for (int i = 0; i < 100000; ++i)
                x = std::move(x) + 1;
        }(),
        dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "Expr depth: the deepest expression runs in SQLite") {
    dorm::Expr right = F("votes"), left = F("votes"), neg = F("votes");
    for (std::uint32_t i = 0; i < dorm::max_expr_depth; ++i) {
        right = 1 + right;
        left = left - 1;
        neg = -neg;
    }
    const auto posts = Post::objects();
    CHECK(posts.filter("votes__lt", right).count() == 3);
    CHECK(posts.annotate("r", right).annotate("l", left).annotate("n", neg).count() == 3);
    CHECK(posts.annotate("r", right).filter(Q("r__gt", 0)).count() == 3);
    CHECK_NOTHROW(posts.update({{"votes", right}}));
    // An annotation named in another is written out in it: their depths add up.
    const auto a = posts.annotate("a", right);
    CHECK_THROWS_WITH(a.annotate("b", F("a") + 1), Catch::Contains("annotation 'b'"));
    CHECK_NOTHROW(posts.annotate("a", left).annotate("b", F("a")).annotate("c", F("b")));
    // A condition on it counts it (Q("a", 1) is 0 levels, the annotation 12).
    CHECK(a.filter("a__gt", 0).count() == 3);
    CHECK_THROWS_WITH(a.exclude("a", 1), Catch::Contains("the annotation 'a'"));
    CHECK_THROWS_AS(a.filter(Q("votes", 1) | Q("a", 1)), dorm::ValueError);
    dorm::Expr half = F("votes");
    for (std::uint32_t i = 0; i < MAX / 2; ++i)
        half = 1 + half;
    // The value F("h") + 1 + ... is counted 6 deep by Q and written 12 deep.
    const auto h = posts.annotate("h", half);
    dorm::Expr on_h = F("h");
    for (std::uint32_t i = 0; i < MAX / 2; ++i)
        on_h = 1 + on_h;
    CHECK(h.filter("votes__lt", on_h).count() == 3);
    CHECK_THROWS_AS(h.exclude("votes__lt", on_h), dorm::ValueError);
}

TEST_CASE("OData: a tree at the maximum depth and a very wide one compile in full") {
    const auto d = dorm::odata::odata_v4();
    const auto leads = Lead::objects();
    // ~(name eq 'n0' or ~(name eq 'n1' and ...)): every level written, once.
    Q deep = tower(
        MAX, [](std::uint32_t i) { return Q("name", "n" + std::to_string(i)); },
        [](std::uint32_t i, Q inner, Q leaf) {
            return ~(i % 2 ? std::move(leaf) | std::move(inner)
                           : std::move(leaf) & std::move(inner));
        });
    const auto r = leads.filter(deep).odata(d);
    CHECK(r.exact);
    std::size_t nots = 0;
    for (std::size_t at = 0; (at = r.filter.find("not (", at)) != std::string::npos; ++at)
        ++nots;
    CHECK(nots == MAX);
    CHECK(r.filter.find("Name eq 'n0'") != std::string::npos);
    CHECK(r.filter.find("Name eq 'n" + std::to_string(MAX) + "'") != std::string::npos);
    Q wide;
    for (int i = 0; i < 20000; ++i)
        wide |= Q("score", i);
    const auto w = leads.filter(wide).odata(d);
    CHECK(w.filter.rfind("(Score eq 0 or Score eq 1 or ", 0) == 0);
    CHECK(w.filter.find(" or Score eq 19999)") != std::string::npos);
    CHECK(w.filter.size() > 20000 * 12);
}

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
    CHECK_THROWS_AS(posts[static_cast<std::size_t>(BIG - 1)], dorm::IndexError);
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
