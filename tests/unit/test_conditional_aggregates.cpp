// Conditional aggregation (Django's filter=Q(...) on Count, Sum, Avg, Min and Max): the SQL
// text and parameters, in both forms dorm writes (FILTER (WHERE ...) on SQLite >= 3.30.1,
// CASE WHEN ... THEN ... ELSE NULL END before, selected here through a copy of the operations
// table), the parameter order with the queryset's own WHERE and HAVING, hostile values,
// the answers of both forms on real rows, the mistakes, and the OData side (an aggregate's
// filter does not reach the remote). Results are compared with Django 3.2 in
// tests/conformance/django_conditional_aggregates.cpp.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <dorm/dorm.hpp>

#include <optional>
#include <string>
#include <vector>

namespace Catch {
template <>
struct StringMaker<dorm::Value> {
    static std::string convert(const dorm::Value& v) { return v.repr(); }
};
} // namespace Catch

namespace {

using dorm::Count;
using dorm::F;
using dorm::Max;
using dorm::Min;
using dorm::Q;
using dorm::Sum;
using dorm::Value;
using dorm::Values;

struct Writer : dorm::Model<Writer> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Writer>& m) {
        m.table("ca_writer");
        m.field("id", &Writer::id, dorm::auto_pk);
        m.field("name", &Writer::name, dorm::max_length(50));
    }
};

struct Post : dorm::Model<Post> {
    std::int64_t id = 0;
    dorm::ForeignKey<Writer> writer;
    std::string title;
    std::optional<int> rating;
    static void define(dorm::ModelDef<Post>& m) {
        m.table("ca_post");
        m.field("id", &Post::id, dorm::auto_pk);
        m.field("writer", &Post::writer);
        m.field("title", &Post::title, dorm::max_length(100));
        m.field("rating", &Post::rating);
    }
};

const std::string WCOLS = R"("ca_writer"."id", "ca_writer"."name")";
const std::string JOIN =
    R"( LEFT OUTER JOIN "ca_post" ON ("ca_writer"."id" = "ca_post"."writer_id"))";
const std::string GROUP = R"( GROUP BY "ca_writer"."id")";

// SQLite's operations without the FILTER clause: the CASE WHEN form of older SQLite.
const dorm::sql::Operations& without_filter_clause() {
    static const dorm::sql::Operations ops = [] {
        dorm::sql::Operations o = dorm::sqlite::operations();
        o.aggregate_filter_clause = false;
        return o;
    }();
    return ops;
}
const dorm::sql::Operations& with_filter_clause() {
    static const dorm::sql::Operations ops = [] {
        dorm::sql::Operations o = dorm::sqlite::operations();
        o.aggregate_filter_clause = true;
        return o;
    }();
    return ops;
}

template <class QS>
dorm::sql::Compiled filter_form(const QS& qs) {
    return dorm::sql::compile_select(qs.query(), with_filter_clause());
}
template <class QS>
dorm::sql::Compiled case_form(const QS& qs) {
    return dorm::sql::compile_select(qs.query(), without_filter_clause());
}

struct Data {
    dorm::Database db;
    std::vector<std::pair<std::string, Values>> ran;
    Data() {
        dorm::create_tables<Writer, Post>(db);
        const char* names[] = {"Ann O'Neil", "bob %_\\", "Çelik"};
        std::vector<Writer> writers;
        for (const char* n : names) {
            Writer w;
            w.name = n;
            w.save(db);
            writers.push_back(w);
        }
        struct P {
            int writer;
            const char* title;
            std::optional<int> rating;
        };
        for (const P& p : {P{1, "it's", 5}, P{1, "100%", 2}, P{1, "a_b", std::nullopt},
                           P{2, "back\\slash", 4}, P{2, "it's", 1}}) {
            Post post;
            post.writer = writers[static_cast<std::size_t>(p.writer - 1)];
            post.title = p.title;
            post.rating = p.rating;
            post.save(db);
        }
        db.set_query_log(
            [this](const dorm::LoggedQuery& q) { ran.emplace_back(std::string(q.sql), q.params); });
    }
    dorm::QuerySet<Writer> writers() { return Writer::objects().using_(db); }
    dorm::QuerySet<Post> posts() { return Post::objects().using_(db); }

    // The rows of a compiled SELECT: the given columns of each row.
    std::vector<Values> run(const dorm::sql::Compiled& c, std::vector<int> columns) {
        dorm::sql::Cursor cur(db, c.text, c.params);
        std::vector<Values> out;
        while (cur.next()) {
            Values row;
            for (int col : columns)
                row.push_back(cur.stmt().column(col));
            out.push_back(std::move(row));
        }
        return out;
    }
};

} // namespace

TEST_CASE("the backend writes FILTER where SQLite has it", "[sql][aggregates]") {
    CHECK(dorm::sqlite::operations().aggregate_filter_clause ==
          (sqlite3_libversion_number() >= 3030001));
}

TEST_CASE("an aggregate's filter: FILTER (WHERE ...) and the CASE WHEN fallback",
          "[sql][aggregates]") {
    const auto qs = Writer::objects().annotate("n", Count("post", Q("post__rating__gt", 3)));
    auto c = filter_form(qs);
    CHECK(c.text == "SELECT " + WCOLS +
                        R"(, COUNT("ca_post"."id") FILTER (WHERE "ca_post"."rating" > ?) AS "n")"
                        R"( FROM "ca_writer")" +
                        JOIN + GROUP);
    CHECK(c.params == Values{3});
    c = case_form(qs);
    CHECK(c.text ==
          "SELECT " + WCOLS +
              R"(, COUNT(CASE WHEN "ca_post"."rating" > ? THEN "ca_post"."id" ELSE NULL END))"
              R"( AS "n" FROM "ca_writer")" +
              JOIN + GROUP);
    CHECK(c.params == Values{3});

    // distinct: inside the aggregate, before the CASE in the fallback (as Django).
    const auto d = Writer::objects().annotate(
        {{"n", Count("post__title", true, Q("post__rating__gte", 2))},
         {"s", Sum("post__rating", true, Q("post__title__startswith", "it"))}});
    c = filter_form(d);
    CHECK(c.text ==
          "SELECT " + WCOLS +
              R"(, COUNT(DISTINCT "ca_post"."title") FILTER (WHERE "ca_post"."rating" >= ?))"
              R"( AS "n", SUM(DISTINCT "ca_post"."rating") FILTER (WHERE "ca_post"."title")"
              R"( GLOB ?) AS "s" FROM "ca_writer")" +
              JOIN + GROUP);
    CHECK(c.params == Values{2, "it*"});
    c = case_form(d);
    CHECK(c.text == "SELECT " + WCOLS +
                        R"(, COUNT(DISTINCT CASE WHEN "ca_post"."rating" >= ? THEN)"
                        R"( "ca_post"."title" ELSE NULL END) AS "n", SUM(DISTINCT CASE WHEN)"
                        R"( "ca_post"."title" GLOB ? THEN "ca_post"."rating" ELSE NULL END))"
                        R"( AS "s" FROM "ca_writer")" +
                        JOIN + GROUP);
    CHECK(c.params == Values{2, "it*"});
}

TEST_CASE("an aggregate's filter: parameters before WHERE's, HAVING's after", "[sql][aggregates]") {
    const std::string hostile = "O'Brien \"%_\\ Ü";
    const auto qs = Writer::objects()
                        .filter("name", hostile)
                        .annotate("n", Count("post", Q("post__title", "it's %_\\")))
                        .filter("n__gt", 1)
                        .order_by("-n");
    const std::string agg = R"(COUNT("ca_post"."id") FILTER (WHERE "ca_post"."title" = ?))";
    auto c = filter_form(qs);
    CHECK(c.text == "SELECT " + WCOLS + ", " + agg + R"( AS "n" FROM "ca_writer")" + JOIN +
                        R"( WHERE "ca_writer"."name" = ?)" + GROUP + " HAVING " + agg +
                        R"( > ? ORDER BY "n" DESC)");
    CHECK(c.params == Values{"it's %_\\", hostile, "it's %_\\", 1});
    const std::string fallback =
        R"(COUNT(CASE WHEN "ca_post"."title" = ? THEN "ca_post"."id" ELSE NULL END))";
    c = case_form(qs);
    CHECK(c.text == "SELECT " + WCOLS + ", " + fallback + R"( AS "n" FROM "ca_writer")" + JOIN +
                        R"( WHERE "ca_writer"."name" = ?)" + GROUP + " HAVING " + fallback +
                        R"( > ? ORDER BY "n" DESC)");
    CHECK(c.params == Values{"it's %_\\", hostile, "it's %_\\", 1});
    // The values are parameters, never text.
    CHECK(c.text.find("it's") == std::string::npos);
    CHECK(c.text.find("O'Brien") == std::string::npos);
}

TEST_CASE("an aggregate's filter across relations, with F() and negation", "[sql][aggregates]") {
    // A forward ForeignKey that is never NULL: the join the filter adds is an INNER JOIN, as
    // Django's (only nullable joins are made outer).
    auto c = filter_form(Post::objects().annotate("n", Count("id", Q("writer__name", "x"))));
    CHECK(c.text == R"(SELECT "ca_post"."id", "ca_post"."writer_id", "ca_post"."title", )"
                    R"("ca_post"."rating", COUNT("ca_post"."id") FILTER (WHERE "ca_writer"."name")"
                    R"( = ?) AS "n" FROM "ca_post" INNER JOIN "ca_writer" ON)"
                    R"( ("ca_post"."writer_id" = "ca_writer"."id") GROUP BY "ca_post"."id")");
    // The filter's join is not required by the query: still LEFT OUTER, every writer kept.
    c = filter_form(Writer::objects().annotate("n", Count("id", Q("post__rating__gt", F("id")))));
    CHECK(c.text == "SELECT " + WCOLS +
                        R"(, COUNT("ca_writer"."id") FILTER (WHERE "ca_post"."rating" >)"
                        R"( "ca_writer"."id") AS "n" FROM "ca_writer")" +
                        JOIN + GROUP);
    CHECK(c.params.empty());
    // Negated across the multi-valued relation: on the joined row (no subquery), the NULLs
    // of the outer join kept out as Django does.
    c = filter_form(Writer::objects().annotate("n", Count("post", ~Q("post__title", "x"))));
    CHECK(c.text == "SELECT " + WCOLS +
                        R"(, COUNT("ca_post"."id") FILTER (WHERE NOT ("ca_post"."title" = ? AND)"
                        R"( "ca_post"."title" IS NOT NULL)) AS "n" FROM "ca_writer")" +
                        JOIN + GROUP);
    CHECK(c.params == Values{"x"});
}

TEST_CASE("aggregate() with a filter: the SQL it runs", "[sql][aggregates]") {
    Data d;
    const auto out = d.posts()
                         .filter("title__contains", "'")
                         .aggregate({{"n", Count("id", Q("writer__name", "Ann O'Neil"))},
                                     {"hi", Max("rating", Q("rating__lt", 5))}});
    REQUIRE(d.ran.size() == 1);
    CHECK(d.ran[0].first ==
          R"(SELECT COUNT("ca_post"."id") FILTER (WHERE "ca_writer"."name" = ?) AS "n", )"
          R"(MAX("ca_post"."rating") FILTER (WHERE "ca_post"."rating" < ?) AS "hi" )"
          R"(FROM "ca_post" INNER JOIN "ca_writer" ON ("ca_post"."writer_id" = "ca_writer"."id"))"
          R"( WHERE "ca_post"."title" GLOB ?)");
    CHECK(d.ran[0].second == Values{"Ann O'Neil", 5, "*'*"});
    CHECK(out.at("n") == Value(1));  // it's (Ann); bob's "it's" is not Ann's
    CHECK(out.at("hi") == Value(1)); // ratings 5 and 1 of the "it's" posts; 5 is not < 5
}

TEST_CASE("aggregate() over a subquery: related columns become the subquery's",
          "[sql][aggregates]") {
    Data d;
    auto out =
        d.writers()
            .filter("name__contains", "'")
            .distinct()
            .aggregate({{"n", Count("id", Q("post__rating__gt", 3) | Q("post__title", "it's"))}});
    REQUIRE(d.ran.size() == 1);
    CHECK(d.ran[0].first ==
          R"(SELECT COUNT(subquery."id") FILTER (WHERE (subquery."__col1" > ? OR )"
          R"(subquery."__col2" = ?)) AS "n" FROM (SELECT DISTINCT )" +
              WCOLS +
              R"(, "ca_post"."rating" AS "__col1", "ca_post"."title" AS "__col2")"
              R"( FROM "ca_writer")" +
              JOIN + R"( WHERE "ca_writer"."name" GLOB ?) subquery)");
    CHECK(d.ran[0].second == Values{3, "it's", "*'*"});
    CHECK(out.at("n") == Value(1)); // Ann's (5, it's); her other posts do not match
    // Grouped rows of objects: grouped by their columns and the related ones too.
    d.ran.clear();
    out = d.writers()
              .annotate("m", Count("post"))
              .aggregate({{"s", Sum("m", Q("post__rating__gte", 2))}});
    REQUIRE(d.ran.size() == 1);
    CHECK(d.ran[0].first ==
          R"(SELECT SUM("m") FILTER (WHERE subquery."__col1" >= ?) AS "s" FROM (SELECT )"
          R"("ca_writer"."id" AS "id", "ca_writer"."name" AS "name", COUNT("ca_post"."id"))"
          R"( AS "m", "ca_post"."rating" AS "__col1" FROM "ca_writer")" +
              JOIN +
              R"( GROUP BY "ca_writer"."id", "ca_writer"."name", "ca_post"."rating")"
              R"() subquery)");
    CHECK(out.at("s") == Value(3)); // (Ann, 5), (Ann, 2), (bob, 4): one post each
}

TEST_CASE("FILTER and CASE WHEN give the same answers", "[aggregates]") {
    Data d;
    const auto qs =
        d.writers()
            .filter("name__contains", "%")
            .annotate({{"n", Count("post", Q("post__title__contains", "'") | Q("post__rating", 2))},
                       {"s", Sum("post__rating", Q("post__rating__gte", 2))},
                       {"lo", Min("post__title", ~Q("post__title", "it's"))}})
            .order_by("id");
    // bob's posts: back\slash (4) and it's (1).
    const std::vector<Values> expected = {{Value(1), Value(4), Value("back\\slash")}};
    CHECK(d.run(filter_form(qs), {2, 3, 4}) == expected);
    CHECK(d.run(case_form(qs), {2, 3, 4}) == expected);
    const auto all = d.writers()
                         .annotate({{"n", Count("post", Q("post__rating__gt", 1))},
                                    {"s", Sum("post__rating", Q("post__title", "it's"))}})
                         .order_by("id");
    const std::vector<Values> expected_all = {
        {Value(2), Value(5)}, {Value(1), Value(1)}, {Value(0), Value()}};
    CHECK(d.run(filter_form(all), {2, 3}) == expected_all);
    CHECK(d.run(case_form(all), {2, 3}) == expected_all);
    // And through the queryset, on this machine's SQLite.
    std::vector<Values> read;
    for (const auto& w : all)
        read.push_back({w.annotation("n"), w.annotation("s")});
    CHECK(read == expected_all);
}

TEST_CASE("an aggregate's filter: the mistakes", "[aggregates][errors]") {
    Data d;
    // Django: "Star cannot be used with filter. Please specify a field." (ValueError)
    CHECK_THROWS_MATCHES(
        Count("*", Q("name", "x")), dorm::ValueError,
        Catch::Message("Star cannot be used with filter. Please specify a field."));
    CHECK_THROWS_AS(Count("*", true, Q()), dorm::ValueError);
    // A filter makes the aggregate complex: it needs an alias (Django's TypeError).
    CHECK_THROWS_WITH(d.writers().aggregate(Count("id", Q("name", "x"))),
                      Catch::Contains("require an alias"));
    CHECK_THROWS_AS(d.writers().annotate(Count("post", Q("post__rating", 1))), dorm::ValueError);
    // Names are checked against the model, with the choices.
    CHECK_THROWS_WITH(d.writers().annotate("n", Count("post", Q("post__ratin", 1))),
                      Catch::Contains("ratin") && Catch::Contains("rating"));
    CHECK_THROWS_AS(d.writers().annotate("n", Count("post", Q("post__rating", "abc"))),
                    dorm::ValueError);
    // An aggregate inside the filter, directly or through an annotation.
    CHECK_THROWS_WITH(d.writers().annotate("n", Count("post", Q("post__rating__gt", Count("id")))),
                      Catch::Contains("Count('post')") && Catch::Contains("holds an aggregate"));
    CHECK_THROWS_AS(
        d.writers().annotate("m", Count("post")).annotate("n", Count("id", Q("m__gt", 1))),
        dorm::FieldError);
    // ... which aggregate() over the grouped rows may name (a subquery).
    const auto busy =
        d.writers().annotate("m", Count("post")).aggregate({{"busy", Count("id", Q("m__gt", 1))}});
    CHECK(busy.at("busy") == Value(2));
    // The filter's levels count toward max_expr_depth.
    Q deep("name", "x");
    for (std::uint32_t i = 0; i < dorm::max_expr_depth; ++i)
        deep = ~(deep | Q("name", "y"));
    CHECK_THROWS_AS(Count("id", deep), dorm::ValueError);
    // Nothing was run by the refused calls.
    CHECK(d.ran.size() == 1);
}

namespace {

struct Account : dorm::Model<Account> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    static void define(dorm::ModelDef<Account>& m) {
        m.table("ca_account").remote("accounts");
        m.field("id", &Account::id, dorm::auto_pk);
        m.field("cdms_pk", &Account::cdms_pk, dorm::remote_key("accountid"));
        m.field("name", &Account::name, dorm::remote("name"));
    }
};

struct Contact : dorm::Model<Contact> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string last_name;
    dorm::ForeignKey<Account> account;
    static void define(dorm::ModelDef<Contact>& m) {
        m.table("ca_contact").remote("contacts");
        m.field("id", &Contact::id, dorm::auto_pk);
        m.field("cdms_pk", &Contact::cdms_pk, dorm::remote_key("contactid"));
        m.field("last_name", &Contact::last_name, dorm::remote("lastname"));
        m.field("account", &Contact::account, dorm::null, dorm::remote("parentcustomerid"));
    }
};

} // namespace

TEST_CASE("an aggregate's filter stays local: the remote request is the query's",
          "[odata][aggregates]") {
    namespace od = dorm::odata;
    Contact::meta(); // registers the reverse relation Account.contact
    const auto plain = Account::objects().filter("name__startswith", "A");
    const auto annotated =
        plain.annotate("n", Count("contact", Q("contact__last_name", "O'Neil %_")));
    for (const od::Dialect& dialect : {od::odata_v4(), od::crm2011(), od::dataverse()}) {
        const od::Request a = plain.odata(dialect);
        const od::Request b = annotated.odata(dialect);
        CHECK(b.filter == a.filter);
        CHECK(b.exact == a.exact);
        CHECK(b.filter.find("Neil") == std::string::npos);
    }
}
