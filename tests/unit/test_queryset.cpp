// The QuerySet API: laziness, chaining, caching, every query method and the shapes of
// results (objects, values(), values_list(), aggregates, dates), checked against the rows a
// user would expect and the SQL statements the query log sees.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using dorm::Date;
using dorm::DateTime;
using dorm::F;
using dorm::Q;
using dorm::Value;
using dorm::Values;
using Strings = std::vector<std::string>;
using Ids = std::vector<std::int64_t>;

struct Article : dorm::Model<Article> {
    std::int64_t id = 0;
    std::string headline;
    dorm::DateTime pub_date;
    std::optional<int> rating;
    bool published = false;
    double score = 0;
    static void define(dorm::ModelDef<Article>& m) {
        m.table("article").ordering({"-pub_date", "headline"}).get_latest_by("pub_date");
        m.field("id", &Article::id, dorm::auto_pk);
        m.field("headline", &Article::headline, dorm::max_length(100), dorm::unique);
        m.field("pub_date", &Article::pub_date);
        m.field("rating", &Article::rating);
        m.field("published", &Article::published);
        m.field("score", &Article::score);
    }
};

// No Meta ordering and no get_latest_by.
struct Note : dorm::Model<Note> {
    std::int64_t id = 0;
    std::string text;
    static void define(dorm::ModelDef<Note>& m) {
        m.table("note");
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("text", &Note::text);
    }
};

struct Event : dorm::Model<Event> {
    std::int64_t id = 0;
    std::optional<dorm::Date> day;
    std::optional<dorm::DateTime> at;
    static void define(dorm::ModelDef<Event>& m) {
        m.table("event");
        m.field("id", &Event::id, dorm::auto_pk);
        m.field("day", &Event::day);
        m.field("at", &Event::at);
    }
};

// What the query log saw, copied out of the callback.
struct Logged {
    std::string sql;
    Values params;
    std::chrono::nanoseconds duration;
};

// Five articles; Meta ordering (-pub_date, headline) gives ids 5, 4, 3, 2, 1.
//   id headline pub_date          rating published score
//   1  Alpha    2005-07-26 10:00  3      true      1.5
//   2  Beta     2005-07-27 11:30  5      true      2.0
//   3  Gamma    2005-07-28 09:15  NULL   false     0.5
//   4  Delta    2005-07-29 12:00  3      false     4.0
//   5  Epsilon  2006-01-02 08:00  1      true      3.0
struct Fixture {
    dorm::Database db{":memory:"};
    std::vector<Logged> log;

    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Article, Note, Event>(db);
        add("Alpha", DateTime(2005, 7, 26, 10, 0), 3, true, 1.5);
        add("Beta", DateTime(2005, 7, 27, 11, 30), 5, true, 2.0);
        add("Gamma", DateTime(2005, 7, 28, 9, 15), std::nullopt, false, 0.5);
        add("Delta", DateTime(2005, 7, 29, 12, 0), 3, false, 4.0);
        add("Epsilon", DateTime(2006, 1, 2, 8, 0), 1, true, 3.0);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    void add(std::string h, DateTime d, std::optional<int> r, bool p, double s) {
        Article a;
        a.headline = std::move(h);
        a.pub_date = d;
        a.rating = r;
        a.published = p;
        a.score = s;
        a.save();
    }
    void start_log() {
        log.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) {
            log.push_back({std::string(q.sql), q.params, q.duration});
        });
    }
    std::size_t statements() const { return log.size(); }
    std::size_t statements_on(const std::string& table) const {
        return static_cast<std::size_t>(std::count_if(log.begin(), log.end(), [&](const Logged& l) {
            return l.sql.find("\"" + table + "\"") != std::string::npos;
        }));
    }
};

template <class QS>
Strings heads(const QS& qs) {
    Strings out;
    for (const auto& a : qs)
        out.push_back(a.headline);
    return out;
}
template <class QS>
Ids ids(const QS& qs) {
    Ids out;
    for (const auto& a : qs)
        out.push_back(a.id);
    return out;
}
bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}
bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

using Articles = dorm::QuerySet<Article>;
Articles objects() {
    return Article::objects();
}

} // namespace

// --- laziness, chaining, caching ------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "QuerySet: building and chaining runs no SQL until evaluation") {
    start_log();
    auto qs = objects()
                  .filter("rating__gte", 3)
                  .exclude("published", false)
                  .order_by("headline")
                  .reverse()
                  .distinct()
                  .slice(0, 10);
    auto more = qs.all().using_(db).select_for_update();
    (void)qs.sql();
    (void)Article::objects().values("headline").filter("rating", 3);
    (void)Article::objects().values_list("headline").order_by("headline");
    CHECK(statements() == 0);

    CHECK(heads(qs) == Strings{"Beta", "Alpha"});
    REQUIRE(statements() == 1);
    CHECK(log[0].sql.rfind("SELECT DISTINCT ", 0) == 0);
    CHECK(more.size() == 2);
    CHECK(statements() == 2);
}

TEST_CASE_METHOD(Fixture, "QuerySet: results are cached after the first evaluation") {
    auto qs = objects().filter("published", true);
    start_log();
    CHECK(heads(qs) == Strings{"Epsilon", "Beta", "Alpha"});
    CHECK(statements() == 1);
    // A second iteration, len(), count(), exists(), indexing and to_vector() read the cache.
    CHECK(heads(qs) == Strings{"Epsilon", "Beta", "Alpha"});
    CHECK(qs.size() == 3);
    CHECK(qs.count() == 3);
    CHECK(qs.exists());
    CHECK_FALSE(qs.empty());
    CHECK(qs[1].headline == "Beta");
    CHECK(qs.to_vector().size() == 3);
    CHECK(statements() == 1);

    // Rows changed after evaluation are not seen by the cached queryset, as Django's.
    Article::objects().filter("headline", "Beta").update({{"published", false}});
    CHECK(qs.count() == 3);
    CHECK(objects().filter("published", true).count() == 2);
}

TEST_CASE_METHOD(Fixture, "QuerySet: count() and exists() run SQL when not evaluated") {
    auto qs = objects().filter("rating", 3);
    start_log();
    CHECK(qs.count() == 2);
    CHECK(qs.exists());
    CHECK(qs.count() == 2); // still not evaluated: each call asks the database
    REQUIRE(statements() == 3);
    CHECK(log[0].sql.rfind("SELECT COUNT(*) FROM \"article\"", 0) == 0);
    CHECK(ends_with(log[1].sql, "LIMIT 1"));
    CHECK(log[1].sql.rfind("SELECT 1 FROM", 0) == 0);
    CHECK_FALSE(objects().filter("rating", 99).exists());
    CHECK(objects().filter("rating", 99).count() == 0);
}

TEST_CASE_METHOD(Fixture, "QuerySet: chained calls return new querysets and leave the original "
                          "unchanged") {
    const auto base = objects().all();
    const std::string before = base.sql().text;
    const auto filtered = base.filter("rating", 3);
    const auto excluded = base.exclude("rating", 3);
    const auto ordered = base.order_by("headline");
    const auto reversed = base.reverse();
    const auto sliced = base.slice(1, 2);
    const auto distinct = base.distinct();
    const auto none = base.none();
    const auto annotated = base.annotate("twice", F("score") * 2);
    const auto deferred = base.defer("score");
    CHECK(&filtered.query() != &base.query());
    CHECK(base.sql().text == before);
    CHECK(base.query().where.empty());
    CHECK_FALSE(base.query().is_sliced());
    CHECK(base.count() == 5);
    CHECK(filtered.count() == 2);
    CHECK(excluded.count() == 3);
    CHECK(heads(ordered).front() == "Alpha");
    CHECK(heads(reversed).front() == "Alpha");
    CHECK(heads(base).front() == "Epsilon");
    CHECK(sliced.size() == 1);
    CHECK(distinct.count() == 5);
    CHECK(none.count() == 0);
    CHECK(annotated.first()->annotation("twice") == Value(6.0));
    CHECK(base.sql().text == before);
}

TEST_CASE_METHOD(Fixture, "QuerySet: calls that change only how it is evaluated share its query") {
    dorm::Database other(":memory:");
    dorm::create_tables<Article>(other);
    dorm::SyncStats stats;
    const auto base = objects().filter("rating", 3);
    const auto elsewhere = base.using_(other);
    const auto policy = base.skip_cdms().sync_limit(5).sync_stats(stats);
    CHECK(&elsewhere.query() == &base.query()); // the Query is shared, not copied
    CHECK(&policy.query() == &base.query());
    CHECK(base.evaluation().db == nullptr);
    CHECK(elsewhere.evaluation().db == &other);
    CHECK(policy.evaluation().skip_remote);
    CHECK(policy.evaluation().sync_limit == std::optional<std::size_t>(5));
    CHECK(policy.evaluation().sync_stats == &stats);
    CHECK_FALSE(base.evaluation().skip_remote);
    CHECK(elsewhere.sql().text == base.sql().text); // the renderers see only the Query
    CHECK(base.count() == 2);
    CHECK(elsewhere.count() == 0);
    // A call that changes the rows keeps the evaluation.
    const auto narrowed = elsewhere.filter("published", true);
    CHECK(&narrowed.query() != &elsewhere.query());
    CHECK(narrowed.evaluation().db == &other);
    CHECK(narrowed.values("headline").evaluation().db == &other);
    const auto prefetching = base.prefetch_related("a", "b");
    CHECK(&prefetching.query() == &base.query());
    CHECK(prefetching.evaluation().prefetch_related == Strings{"a", "b"});
    CHECK(prefetching.prefetch_related().evaluation().prefetch_related.empty());
}

TEST_CASE_METHOD(Fixture, "QuerySet: copies share no mutable state") {
    const auto a = objects().filter("published", true);
    auto b = a; // a copy of an unevaluated queryset
    b = b.filter("rating", 5);
    start_log();
    CHECK(heads(b) == Strings{"Beta"});
    CHECK(statements() == 1);
    // Evaluating the copy did not fill the original's cache, nor change its filter.
    CHECK(heads(a) == Strings{"Epsilon", "Beta", "Alpha"});
    CHECK(statements() == 2);
    // all() of an evaluated queryset starts without a cache.
    const auto c = a.all();
    CHECK(c.size() == 3);
    CHECK(statements() == 3);
    // Evaluating the clone does not fill the original either.
    const auto d = objects().filter("published", true);
    const auto e = d.all();
    CHECK(e.size() == 3);
    CHECK(d.size() == 3);
    CHECK(statements() == 5);
}

TEST_CASE_METHOD(Fixture, "QuerySet: range-for, size and indexing") {
    Strings seen;
    for (const Article& a : Article::objects())
        seen.push_back(a.headline);
    CHECK(seen == Strings{"Epsilon", "Delta", "Gamma", "Beta", "Alpha"});
    CHECK(Article::objects().size() == 5);
    CHECK(Article::objects().filter("rating", 99).empty());

    start_log();
    const auto qs = objects().order_by("pk");
    const Article third = qs[2];
    CHECK(third.headline == "Gamma");
    REQUIRE(statements() == 1);
    CHECK(ends_with(log[0].sql, "ORDER BY \"article\".\"id\" ASC LIMIT 1 OFFSET 2"));
    CHECK(qs[0].headline == "Alpha");
    CHECK(ends_with(log[1].sql, "LIMIT 1"));
    CHECK_THROWS_AS(qs[5], dorm::IndexError);
    CHECK(statements() == 3);
    // Once evaluated, indexing reads the cache.
    CHECK(qs.size() == 5);
    CHECK(qs[4].headline == "Epsilon");
    CHECK_THROWS_AS(qs[5], dorm::IndexError);
    CHECK(statements() == 4);
}

TEST_CASE_METHOD(Fixture, "QuerySet: a large result comes back whole, in order, without slack") {
    // sql::fetch reads rows into blocks of 32 KiB of objects and moves them into one vector
    // of the exact size; a result within the first block is that block. Sizes around and
    // across the block boundaries:
    const std::size_t per_block = 32768 / sizeof(Note);
    std::vector<Note> notes;
    for (int i = 0; i < 3000; ++i) {
        Note n;
        n.text = "note " + std::to_string(i) + (i % 7 == 0 ? ", a text too long for SSO" : "");
        notes.push_back(std::move(n));
    }
    Note::objects().bulk_create(notes);
    for (const std::size_t n : {std::size_t{1}, per_block - 1, per_block, per_block + 1,
                                2 * per_block, 2 * per_block + 1, std::size_t{3000}}) {
        const auto rows = Note::objects().order_by("id").slice(0, static_cast<std::int64_t>(n));
        const std::vector<Note>& got = rows.results();
        REQUIRE(got.size() == n);
        if (n > per_block)
            CHECK(got.capacity() == n);
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(got[i].id == notes[i].id);
            REQUIRE(got[i].text == notes[i].text);
        }
        CHECK(got.back()._state.db == &db);
    }
}

// --- filter, exclude, ordering, slicing -----------------------------------------------------

TEST_CASE_METHOD(Fixture, "filter and exclude: Q objects, key/value pairs and brace lists") {
    CHECK(heads(objects().filter("rating", 3)) == Strings{"Delta", "Alpha"});
    CHECK(heads(objects().filter(Q("rating", 3) | Q("rating", 5))) ==
          Strings{"Delta", "Beta", "Alpha"});
    CHECK(heads(objects().filter(Q("rating", 3) & Q("published", true))) == Strings{"Alpha"});
    // Negation keeps the rows where the nullable column is NULL, as Django's exclude.
    CHECK(heads(objects().filter(~Q("rating", 3))) == Strings{"Epsilon", "Gamma", "Beta"});
    CHECK(heads(objects().exclude("rating", 3)) == Strings{"Epsilon", "Gamma", "Beta"});
    CHECK(heads(objects().filter({{"rating", 3}, {"published", false}})) == Strings{"Delta"});
    // exclude(a, b) is NOT (a AND b).
    CHECK(heads(objects().exclude({{"rating", 3}, {"published", true}})) ==
          Strings{"Epsilon", "Delta", "Gamma", "Beta"});
    CHECK(heads(objects().filter("rating", 3).filter("published", false)) == Strings{"Delta"});
    CHECK(heads(objects().filter("published", true).exclude("rating__gt", 2)) ==
          Strings{"Epsilon"});
    CHECK(heads(objects().filter("headline__in", {"Alpha", "Gamma", "Nope"})) ==
          Strings{"Gamma", "Alpha"});
    CHECK(heads(objects().filter("rating__isnull", true)) == Strings{"Gamma"});
    CHECK(heads(objects().filter("rating", nullptr)) == Strings{"Gamma"});
    CHECK(heads(objects().filter("pub_date__year", 2006)) == Strings{"Epsilon"});
    CHECK(objects().filter(Q()).count() == 5);
    CHECK_THROWS_AS(objects().filter("ratin", 3), dorm::FieldError);
    CHECK_THROWS_WITH(objects().filter("ratin", 3), Catch::Contains("rating"));
    CHECK_THROWS_AS(objects().filter("rating", "three"), dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "order_by: several fields, descending, random, Meta ordering, clearing") {
    CHECK(ids(objects()) == Ids{5, 4, 3, 2, 1});
    CHECK(contains(objects().sql().text,
                   " ORDER BY \"article\".\"pub_date\" DESC, \"article\".\"headline\" ASC"));
    // NULL sorts first ascending on SQLite, as with Django.
    CHECK(heads(objects().order_by("rating", "headline")) ==
          Strings{"Gamma", "Epsilon", "Alpha", "Delta", "Beta"});
    CHECK(heads(objects().order_by("-rating", "-headline")) ==
          Strings{"Beta", "Delta", "Alpha", "Epsilon", "Gamma"});
    CHECK(ids(objects().order_by("pk")) == Ids{1, 2, 3, 4, 5});
    CHECK(ids(objects().order_by("-pk")) == Ids{5, 4, 3, 2, 1});
    CHECK(ids(objects().order_by(std::vector<std::string>{"published", "-score"})) ==
          Ids{4, 3, 5, 2, 1});
    // A later order_by() replaces an earlier one.
    CHECK(ids(objects().order_by("headline").order_by("-pk")) == Ids{5, 4, 3, 2, 1});
    // "?" is random: same rows, ORDER BY RANDOM().
    const auto random = objects().order_by("?");
    CHECK(contains(random.sql().text, "ORDER BY RANDOM()"));
    Ids r = ids(random);
    std::sort(r.begin(), r.end());
    CHECK(r == Ids{1, 2, 3, 4, 5});
    // order_by() with no fields clears Meta ordering too.
    CHECK_FALSE(contains(objects().order_by().sql().text, "ORDER BY"));
    CHECK(objects().order_by().size() == 5);
    CHECK_FALSE(contains(Note::objects().sql().text, "ORDER BY"));
    CHECK_THROWS_AS(objects().order_by("nope"), dorm::FieldError);
}

TEST_CASE_METHOD(Fixture, "reverse: reverses the ordering that applies") {
    CHECK(heads(objects().reverse()) == Strings{"Alpha", "Beta", "Gamma", "Delta", "Epsilon"});
    CHECK(ids(objects().reverse().reverse()) == Ids{5, 4, 3, 2, 1});
    CHECK(heads(objects().order_by("headline").reverse()) ==
          Strings{"Gamma", "Epsilon", "Delta", "Beta", "Alpha"});
    CHECK(ids(objects().order_by("-pk").reverse()) == Ids{1, 2, 3, 4, 5});
    CHECK_THROWS_AS(objects().slice(0, 2).reverse(), dorm::UsageError);
}

TEST_CASE_METHOD(Fixture, "distinct: removes duplicate rows") {
    const auto ratings = objects().values_list("rating").order_by("rating").distinct();
    CHECK(ratings.sql().text.rfind("SELECT DISTINCT ", 0) == 0);
    CHECK(ratings.flat() == Values{Value(), 1, 3, 5});
    CHECK(objects().values_list("rating").order_by("rating").flat().size() == 5);
    CHECK(objects().values("published").order_by("published").distinct().size() == 2);
    CHECK(objects().distinct().count() == 5);
    CHECK(objects().values("rating").order_by("rating").distinct().count() == 4);
}

TEST_CASE_METHOD(Fixture, "slicing: offset and limit, slices of slices") {
    const auto by_pk = objects().order_by("pk");
    CHECK(ids(by_pk.slice(1, 3)) == Ids{2, 3});
    CHECK(ends_with(by_pk.slice(1, 3).sql().text, "LIMIT 2 OFFSET 1"));
    CHECK(ids(by_pk.slice(3)) == Ids{4, 5});
    CHECK(ends_with(by_pk.slice(3).sql().text, "LIMIT -1 OFFSET 3"));
    CHECK(ids(by_pk.slice(0, 2)) == Ids{1, 2});
    CHECK(ids(by_pk.slice(1, 5).slice(1, 3)) == Ids{3, 4});
    CHECK(ids(by_pk.slice(1, 3).slice(1)) == Ids{3});
    CHECK(ids(by_pk.slice(2).slice(1, 2)) == Ids{4});
    CHECK(ids(by_pk.slice(1, 3).slice(5, 8)).empty());
    CHECK(ids(by_pk.slice(2, 2)).empty());
    CHECK(ids(by_pk.slice(4, 100)) == Ids{5});
    CHECK(by_pk.slice(1, 3).count() == 2);
    CHECK(by_pk.slice(3).count() == 2);
    CHECK(by_pk.slice(1, 3).exists());
    CHECK_FALSE(by_pk.slice(5).exists());
    CHECK_THROWS_AS(by_pk.slice(0, 2).filter("rating", 3), dorm::UsageError);
    CHECK_THROWS_AS(by_pk.slice(0, 2).order_by("headline"), dorm::UsageError);
    CHECK_THROWS_AS(by_pk.slice(-1), dorm::ValueError);
}

// --- single objects -------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "get: one object, DoesNotExist, MultipleObjectsReturned") {
    CHECK(objects().get("pk", 1).headline == "Alpha");
    CHECK(objects().get(Q("headline", "Beta")).id == 2);
    CHECK(objects().get({{"rating", 3}, {"published", false}}).headline == "Delta");
    CHECK(objects().filter("rating", 5).get().headline == "Beta");

    start_log();
    CHECK(objects().get("headline", "Gamma").id == 3);
    // As Django: no ORDER BY and LIMIT 21.
    REQUIRE(statements() == 1);
    CHECK_FALSE(contains(log[0].sql, "ORDER BY"));
    CHECK(ends_with(log[0].sql, "LIMIT 21"));

    CHECK_THROWS_AS(objects().get("pk", 99), Article::DoesNotExist);
    CHECK_THROWS_AS(objects().get("pk", 99), dorm::DoesNotExist);
    CHECK_THROWS_AS(objects().get("pk", 99), dorm::ObjectDoesNotExist);
    CHECK_THROWS_WITH(objects().get("pk", 99), "Article matching query does not exist.");
    CHECK_THROWS_AS(objects().get("rating", 3), Article::MultipleObjectsReturned);
    CHECK_THROWS_AS(objects().get("rating", 3), dorm::MultipleObjectsReturned);
    CHECK_THROWS_WITH(objects().get("rating", 3),
                      "get() returned more than one Article -- it returned 2!");
    CHECK_THROWS_WITH(objects().get(), "get() returned more than one Article -- it returned 5!");

    for (int i = 0; i < 25; ++i)
        Note::objects().create({{"text", "n" + std::to_string(i)}});
    CHECK_THROWS_WITH(Note::objects().get(),
                      "get() returned more than one Note -- it returned more than 20!");
    CHECK_THROWS_WITH(Note::objects().slice(0, 20).get(),
                      "get() returned more than one Note -- it returned 20!");
}

TEST_CASE_METHOD(Fixture, "first and last: with the ordering that applies, else by pk") {
    CHECK(objects().first()->headline == "Epsilon");
    CHECK(objects().last()->headline == "Alpha");
    CHECK(objects().order_by("headline").first()->headline == "Alpha");
    CHECK(objects().order_by("headline").last()->headline == "Gamma");
    CHECK(objects().filter("published", false).first()->headline == "Delta");
    CHECK_FALSE(objects().filter("rating", 99).first());
    CHECK_FALSE(objects().filter("rating", 99).last());

    start_log();
    CHECK(objects().order_by().first()->id == 1);
    CHECK(objects().order_by().last()->id == 5);
    REQUIRE(statements() == 2);
    CHECK(ends_with(log[0].sql, "ORDER BY \"article\".\"id\" ASC LIMIT 1"));
    CHECK(ends_with(log[1].sql, "ORDER BY \"article\".\"id\" DESC LIMIT 1"));

    Note::objects().create({{"text", "b"}});
    Note::objects().create({{"text", "a"}});
    Note::objects().create({{"text", "c"}});
    CHECK(Note::objects().first()->text == "b");
    CHECK(Note::objects().last()->text == "c");
    CHECK(Note::objects().order_by("text").last()->text == "c");
    CHECK(Note::objects().order_by("-text").last()->text == "a");
}

TEST_CASE_METHOD(Fixture, "latest and earliest: by arguments or get_latest_by") {
    CHECK(objects().latest().headline == "Epsilon");
    CHECK(objects().earliest().headline == "Alpha");
    CHECK(objects().latest("pub_date").headline == "Epsilon");
    CHECK(objects().earliest("score").headline == "Gamma");
    CHECK(objects().latest("score").headline == "Delta");
    CHECK(objects().latest("-score").headline == "Gamma");
    CHECK(objects().latest("rating", "headline").headline == "Beta");
    CHECK(objects().latest("published", "-pub_date").headline == "Alpha");
    CHECK(objects().filter("published", false).latest().headline == "Delta");
    CHECK_THROWS_AS(objects().filter("rating", 99).latest(), Article::DoesNotExist);
    Note::objects().create({{"text", "x"}});
    CHECK_THROWS_AS(Note::objects().latest(), dorm::ValueError);
    CHECK_THROWS_WITH(Note::objects().earliest(), Catch::Contains("get_latest_by"));
    CHECK(Note::objects().latest("id").text == "x");
}

TEST_CASE_METHOD(Fixture, "none: an empty queryset that runs no SQL") {
    const auto none = objects().none();
    start_log();
    CHECK(none.size() == 0);
    CHECK(none.count() == 0);
    CHECK_FALSE(none.exists());
    CHECK_FALSE(none.first());
    CHECK(none.filter("rating", 3).count() == 0);
    CHECK(none.values("headline").size() == 0);
    CHECK(none.values_list("headline").flat().empty());
    CHECK(none.dates("pub_date", "year").empty());
    const auto agg = none.aggregate(dorm::Count("id"), dorm::Sum("rating"));
    CHECK(agg.at("id__count") == Value(0));
    CHECK(agg.at("rating__sum").is_null());
    CHECK(none.update({{"rating", 1}}) == 0);
    CHECK(none.delete_().total == 0);
    CHECK_THROWS_AS(none.get("pk", 1), Article::DoesNotExist);
    CHECK(statements_on("article") == 0);
    CHECK(objects().count() == 5);
    CHECK(objects().filter("rating", 1).update({{"rating", 2}}) == 1);
}

// --- writes ---------------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "create: from field values and from an object") {
    const Article z =
        objects().create({{"headline", "Zeta"}, {"pub_date", DateTime(2010, 1, 1)}, {"rating", 7}});
    CHECK(z.id == 6);
    CHECK_FALSE(z._state.adding);
    CHECK(z._state.db == &db);
    const Article fetched = objects().get("pk", 6);
    CHECK(fetched.headline == "Zeta");
    CHECK(fetched.rating == 7);
    CHECK(fetched.pub_date == DateTime(2010, 1, 1));

    Article obj;
    obj.headline = "Eta";
    obj.score = 9.5;
    const Article created = objects().create(obj);
    CHECK(created.id == 7);
    CHECK(objects().get("headline", "Eta").score == 9.5);

    // A duplicate of a unique field, an unknown field and a value Django's get_prep_value
    // refuses are refused (5 for a CharField is '5', as in Django).
    CHECK_THROWS_AS(objects().create({{"headline", "Alpha"}}), dorm::IntegrityError);
    CHECK_THROWS_AS(objects().create({{"headlin", "x"}}), dorm::FieldError);
    CHECK_THROWS_AS(objects().create({{"headline", "Theta"}, {"score", "abc"}}), dorm::ValueError);
    CHECK(objects().count() == 7);
    // create() always INSERTs: an existing pk is an IntegrityError, not an UPDATE.
    Article dup = objects().get("pk", 1);
    dup.headline = "Other";
    CHECK_THROWS_AS(objects().create(dup), dorm::IntegrityError);
    CHECK(objects().get("pk", 1).headline == "Alpha");
}

TEST_CASE_METHOD(Fixture, "get_or_create: created flag, defaults, lookups not copied") {
    start_log();
    auto [alpha, created] = objects().get_or_create({{"headline", "Alpha"}}, {{"rating", 9}});
    CHECK_FALSE(created);
    CHECK(alpha.id == 1);
    CHECK(alpha.rating == 3); // defaults are not applied to an existing object
    for (const auto& l : log)
        CHECK_FALSE(contains(l.sql, "INSERT"));
    CHECK(objects().get("pk", 1).rating == 3);

    auto [zeta, made] = objects().get_or_create(
        {{"headline", "Zeta"}}, {{"rating", 7}, {"pub_date", DateTime(2010, 1, 1)}});
    CHECK(made);
    CHECK(zeta.id == 6);
    CHECK(zeta.headline == "Zeta");
    CHECK(zeta.rating == 7);
    CHECK(objects().get("headline", "Zeta").pub_date == DateTime(2010, 1, 1));

    // A lookup with "__" is a condition only; the value comes from defaults.
    auto [eta, new_eta] =
        objects().get_or_create({{"headline__iexact", "ETA"}}, {{"headline", "Eta"}});
    CHECK(new_eta);
    CHECK(eta.headline == "Eta");
    auto [eta2, again] =
        objects().get_or_create({{"headline__iexact", "eta"}}, {{"headline", "X"}});
    CHECK_FALSE(again);
    CHECK(eta2.id == eta.id);
    CHECK(objects().count() == 7);

    CHECK_THROWS_AS(objects().get_or_create({{"rating", 3}}), Article::MultipleObjectsReturned);
}

TEST_CASE_METHOD(Fixture, "update_or_create: updates with defaults or creates") {
    auto [alpha, created] = objects().update_or_create({{"headline", "Alpha"}}, {{"rating", 10}});
    CHECK_FALSE(created);
    CHECK(alpha.id == 1);
    CHECK(alpha.rating == 10);
    CHECK(objects().get("pk", 1).rating == 10);
    CHECK(objects().get("pk", 1).score == 1.5); // other fields kept

    auto [eta, made] = objects().update_or_create({{"headline", "Eta"}}, {{"rating", 2}});
    CHECK(made);
    CHECK(eta.id == 6);
    CHECK(objects().get("headline", "Eta").rating == 2);
    CHECK(objects().count() == 6);
    CHECK_THROWS_AS(objects().update_or_create({{"published", true}}, {{"score", 0}}),
                    Article::MultipleObjectsReturned);
}

TEST_CASE_METHOD(Fixture, "bulk_create: sets primary keys, in one transaction") {
    std::vector<Article> objs(3);
    objs[0].headline = "B1";
    objs[1].headline = "B2";
    objs[2].headline = "B3";
    objs[2].rating = 4;
    start_log();
    objects().bulk_create(objs);
    REQUIRE(statements() == 5);
    CHECK(log.front().sql == "BEGIN IMMEDIATE");
    CHECK(log.back().sql == "COMMIT");
    CHECK(std::count_if(log.begin(), log.end(),
                        [](const Logged& l) { return l.sql.rfind("INSERT", 0) == 0; }) == 3);
    CHECK(ids(objs) == Ids{6, 7, 8});
    for (const auto& a : objs)
        CHECK_FALSE(a._state.adding);
    CHECK(objects().count() == 8);
    CHECK(objects().get("pk", 8).rating == 4);
}

TEST_CASE_METHOD(Fixture, "bulk_create: a unique violation inserts nothing") {
    std::vector<Article> objs(3);
    objs[0].headline = "New1";
    objs[1].headline = "New2";
    objs[2].headline = "Alpha"; // already there
    CHECK_THROWS_AS(objects().bulk_create(objs), dorm::IntegrityError);
    CHECK(objects().count() == 5);
    CHECK_FALSE(objects().filter("headline__in", {"New1", "New2"}).exists());
    // The objects are left as they were: unsaved, without primary keys.
    for (const auto& a : objs) {
        CHECK(a.id == 0);
        CHECK(a._state.adding);
    }
    // So the same objects can be inserted once the duplicate is fixed.
    objs[2].headline = "New3";
    objects().bulk_create(objs);
    CHECK(ids(objs) == Ids{6, 7, 8});
    CHECK(objects().count() == 8);
}

TEST_CASE_METHOD(Fixture, "in_bulk: objects by primary key or another unique field") {
    const auto by_id = objects().in_bulk({1, 3, 99});
    REQUIRE(by_id.size() == 2);
    CHECK(by_id.at(Value(1)).headline == "Alpha");
    CHECK(by_id.at(Value(3)).headline == "Gamma");
    CHECK(by_id.count(Value(99)) == 0);

    const auto by_headline = objects().in_bulk({"Beta", "Delta"}, "headline");
    REQUIRE(by_headline.size() == 2);
    CHECK(by_headline.at(Value("Delta")).id == 4);

    CHECK(objects().filter("published", true).in_bulk({1, 3}).size() == 1);
    CHECK(objects().in_bulk().size() == 5);
    CHECK(objects().filter("rating", 3).in_bulk().size() == 2);
    start_log();
    CHECK(objects().in_bulk(Values{}).empty());
    CHECK(statements() == 0);
    CHECK_THROWS_AS(objects().in_bulk({1}, "rating"), dorm::ValueError);
    CHECK_THROWS_WITH(objects().in_bulk({1}, "rating"), Catch::Contains("unique"));
}

// --- values, values_list, aggregates --------------------------------------------------------

TEST_CASE_METHOD(Fixture, "values: all fields, named fields, annotations") {
    const auto all = objects().order_by("pk").values();
    REQUIRE(all.size() == 5);
    CHECK(all[0].names() == Strings{"id", "headline", "pub_date", "rating", "published", "score"});
    CHECK(all[0]["id"] == Value(1));
    CHECK(all[0]["headline"] == Value("Alpha"));
    CHECK(all[0]["pub_date"] == Value(DateTime(2005, 7, 26, 10, 0)));
    CHECK(all[0]["published"] == Value(true));
    CHECK(all[0]["score"] == Value(1.5));
    CHECK(all[2]["rating"].is_null());

    const auto named = objects().values("headline", "rating").filter("rating__gte", 3);
    REQUIRE(named.size() == 3);
    CHECK(named[0].names() == Strings{"headline", "rating"});
    CHECK(named[0]["headline"] == Value("Delta")); // Meta ordering applies
    CHECK(named.count() == 3);
    CHECK_THROWS_AS(named[0]["score"], dorm::FieldError);

    const auto annotated = objects().annotate("twice", F("score") * 2).order_by("pk").values();
    CHECK(annotated[0].names().back() == "twice");
    CHECK(annotated[0]["twice"] == Value(3.0));
    const auto picked = objects().annotate("twice", F("score") * 2).values("headline", "twice");
    CHECK(picked[0]["twice"] == Value(6.0)); // Epsilon first
    CHECK_THROWS_AS(objects().values("nope"), dorm::FieldError);
}

TEST_CASE_METHOD(Fixture, "values: results are cached, count and exists use the cache") {
    const auto rows = objects().values("headline");
    start_log();
    CHECK(rows.size() == 5);
    CHECK(rows.count() == 5);
    CHECK(rows.exists());
    Strings seen;
    for (const auto& r : rows)
        seen.push_back(r["headline"].as_text());
    CHECK(seen.size() == 5);
    CHECK(statements() == 1);
}

TEST_CASE_METHOD(Fixture, "values_list: rows, flat, and flat with two fields") {
    const auto pairs = objects().values_list("id", "headline").order_by("pk");
    CHECK(
        pairs.rows() ==
        std::vector<Values>{{1, "Alpha"}, {2, "Beta"}, {3, "Gamma"}, {4, "Delta"}, {5, "Epsilon"}});
    CHECK(objects().values_list("headline").order_by("pk").flat() ==
          Values{"Alpha", "Beta", "Gamma", "Delta", "Epsilon"});
    CHECK(objects().filter("rating", 3).values_list("id").flat() == Values{4, 1});
    CHECK_THROWS_AS(pairs.flat(), dorm::UsageError);
    std::size_t n = 0;
    for (const auto& row : pairs)
        n += row.size();
    CHECK(n == 10);

    // Evaluated once: rows(), flat(), iteration, count() and exists() share the cache.
    const auto heads_only = objects().values_list("headline");
    start_log();
    CHECK(heads_only.flat().size() == 5);
    CHECK(heads_only.rows().size() == 5);
    CHECK(heads_only.count() == 5);
    CHECK(heads_only.exists());
    CHECK(statements() == 1);
    // A values_list queryset is a subquery for __in.
    CHECK(heads(objects().filter("id__in", objects().filter("rating", 3).values_list("id"))) ==
          Strings{"Delta", "Alpha"});
}

TEST_CASE_METHOD(Fixture, "annotate: per-object values and values() grouping") {
    const auto counted = objects().annotate("n", dorm::Count("id")).order_by("pk");
    CHECK(counted.size() == 5);
    for (const auto& a : counted)
        CHECK(a.annotation("n") == Value(1));
    CHECK_THROWS_AS(counted[0].annotation("m"), dorm::FieldError);

    CHECK(heads(objects().annotate("twice", F("score") * 2).filter("twice__gt", 5)) ==
          Strings{"Epsilon", "Delta"});
    CHECK(heads(objects().annotate("twice", F("score") * 2).order_by("-twice").slice(0, 2)) ==
          Strings{"Delta", "Epsilon"});

    const auto by_published =
        objects().values("published").annotate("n", dorm::Count("id")).order_by("published");
    CHECK(contains(by_published.sql().text, "GROUP BY \"article\".\"published\""));
    REQUIRE(by_published.size() == 2);
    CHECK(by_published[0]["published"] == Value(false));
    CHECK(by_published[0]["n"] == Value(2));
    CHECK(by_published[1]["n"] == Value(3));

    // Meta ordering does not apply to a grouped query (Django 3.1+).
    const auto by_rating = objects().values("rating").annotate("total", dorm::Sum("score"));
    CHECK_FALSE(contains(by_rating.sql().text, "pub_date"));
    CHECK(by_rating.size() == 4);
    const auto sorted = by_rating.order_by("rating");
    CHECK(sorted[0]["rating"].is_null());
    CHECK(sorted[2]["rating"] == Value(3));
    CHECK(sorted[2]["total"] == Value(5.5));
    CHECK(sorted[2].names() == Strings{"rating", "total"});
    // Django 3.2 still adds Meta.ordering columns to this GROUP BY (ticket #32546, fixed in
    // 4.0) and finds no group; the documented behaviour (3.1 release notes) is one group.
    CHECK(objects().values("rating").annotate("n", dorm::Count("id")).filter("n__gt", 1).size() ==
          1);

    CHECK_THROWS_AS(objects().annotate("rating", dorm::Count("id")), dorm::ValueError);
    CHECK_THROWS_AS(objects().annotate("n", dorm::Count("nope")), dorm::FieldError);
}

TEST_CASE_METHOD(Fixture, "aggregate: Count, Sum, Avg, Min, Max, empty sets and aliases") {
    const auto all = objects().aggregate(dorm::Count("id"), dorm::Sum("rating"), dorm::Avg("score"),
                                         dorm::Min("pub_date"), dorm::Max("rating"));
    CHECK(all.size() == 5);
    CHECK(all.at("id__count") == Value(5));
    CHECK(all.at("rating__sum") == Value(12));
    CHECK(all.at("score__avg").as_double() == Approx(2.2));
    CHECK(all.at("pub_date__min") == Value(DateTime(2005, 7, 26, 10, 0)));
    CHECK(all.at("rating__max") == Value(5));
    CHECK(objects().aggregate(dorm::Count("rating")).at("rating__count") == Value(4)); // not NULL
    CHECK(objects().aggregate(dorm::Count("rating", true)).at("rating__count") == Value(3));
    CHECK(objects().filter("published", true).aggregate(dorm::Sum("rating")).at("rating__sum") ==
          Value(9));

    const auto empty = objects()
                           .filter("rating", 99)
                           .aggregate(dorm::Count("id"), dorm::Sum("rating"), dorm::Avg("score"),
                                      dorm::Max("pub_date"));
    CHECK(empty.at("id__count") == Value(0));
    CHECK(empty.at("rating__sum").is_null());
    CHECK(empty.at("score__avg").is_null());
    CHECK(empty.at("pub_date__max").is_null());

    const auto named = objects().aggregate({{"total", dorm::Sum("rating")}, {"n", dorm::Count()}});
    CHECK(named.size() == 2);
    CHECK(named.at("total") == Value(12));
    CHECK(named.at("n") == Value(5));
    // Over a slice: the aggregate runs over the sliced rows.
    CHECK(objects().order_by("pk").slice(0, 2).aggregate(dorm::Sum("rating")).at("rating__sum") ==
          Value(8));
    CHECK(objects().values("headline").aggregate({{"m", dorm::Max("headline")}}).at("m") ==
          Value("Gamma"));
    CHECK_THROWS_AS(objects().aggregate({{"x", F("rating")}}), dorm::ValueError);
    CHECK_THROWS_AS(objects().aggregate(dorm::Sum("rating") * 2), dorm::ValueError);
}

TEST_CASE_METHOD(Fixture, "aggregate: over an aggregate annotation, through a subquery") {
    // Ratings 3, 5, NULL, 3, 1: per rating group the counts are 1 (NULL), 1, 2, 1.
    const auto groups = objects().values("rating").annotate("n", dorm::Count("id"));
    const auto avg = groups.aggregate({{"mean", dorm::Avg("n")}, {"most", dorm::Max("n")}});
    CHECK(avg.at("mean") == Value(1.25));
    CHECK(avg.at("most") == Value(2));
    // Per object, every Count("id") is 1.
    const auto per_object = objects().annotate("n", dorm::Count("id"));
    CHECK(per_object.aggregate({{"total", dorm::Sum("n")}}).at("total") == Value(5));
}

TEST_CASE_METHOD(Fixture, "extra: a select alias in a condition or update is refused") {
    dorm::Extra high;
    high.select = {{"high", "\"article\".\"rating\" >= 3"}};
    const auto flagged = objects().extra(high);
    CHECK_THROWS_AS(flagged.filter("high", 1), dorm::FieldError);
    CHECK_THROWS_WITH(flagged.filter("high", 1), Catch::Contains("high"));
    CHECK_THROWS_AS(flagged.update({{"high", 1}}), dorm::FieldError);
    // The alias still orders, as Django's extra(order_by=...).
    CHECK(ids(flagged.order_by("-high", "pk")) == Ids{1, 2, 4, 5, 3});
}

TEST_CASE_METHOD(Fixture, "F(): comparing columns in filters") {
    CHECK(heads(objects().filter("score__gt", F("rating"))) == Strings{"Epsilon", "Delta"});
    CHECK(heads(objects().filter("score__lt", F("rating") - 1)) == Strings{"Beta", "Alpha"});
    CHECK(objects().filter("rating", F("rating")).count() == 4); // NULL never equals
    CHECK(heads(objects().exclude("score__gt", F("rating"))) == Strings{"Gamma", "Beta", "Alpha"});
    CHECK(heads(objects().filter("score__gte", F("rating") * 0.5 + 0.5)) ==
          Strings{"Epsilon", "Delta"});
    CHECK_THROWS_AS(objects().filter("score__gt", F("nope")), dorm::FieldError);
}

TEST_CASE_METHOD(Fixture, "update: values, F() arithmetic, NULL, row counts") {
    CHECK(objects().filter("rating", 3).update({{"published", true}}) == 2);
    CHECK(objects().filter("published", true).count() == 4);

    CHECK(objects().update({{"rating", F("rating") + 1}, {"score", F("score") * 2}}) == 5);
    CHECK(objects().order_by("pk").values_list("rating").flat() == Values{4, 6, Value(), 4, 2});
    CHECK(objects().get("pk", 4).score == 8.0);

    CHECK(objects().filter("headline", "Beta").update({{"rating", nullptr}}) == 1);
    CHECK_FALSE(objects().get("pk", 2).rating);
    CHECK(objects().filter("rating", 99).update({{"rating", 1}}) == 0);

    CHECK_THROWS_AS(objects().update({{"headline", nullptr}}), dorm::IntegrityError);
    CHECK_THROWS_AS(objects().update({{"headline", std::string(101, 'x')}}), dorm::ValidationError);
    CHECK_THROWS_AS(objects().update({{"headline", "same"}}), dorm::IntegrityError); // unique
    CHECK_THROWS_AS(objects().update({{"nope", 1}}), dorm::FieldError);
    CHECK_THROWS_AS(objects().order_by("pk").slice(0, 2).update({{"rating", 1}}), dorm::UsageError);
    CHECK_THROWS_AS(objects().distinct().update({{"rating", 1}}), dorm::UsageError);
    CHECK(objects().get("pk", 1).headline == "Alpha");
}

TEST_CASE_METHOD(Fixture, "delete_: returns the count per model") {
    const dorm::DeleteResult r = objects().filter("rating", 3).delete_();
    CHECK(r.total == 2);
    REQUIRE(r.per_model.size() == 1);
    CHECK(r.per_model[0].first == "Article");
    CHECK(r.per_model[0].second == 2);
    CHECK(heads(objects()) == Strings{"Epsilon", "Gamma", "Beta"});
    CHECK(objects().filter("rating", 99).delete_().total == 0);
    CHECK_THROWS_AS(objects().order_by("pk").slice(0, 1).delete_(), dorm::UsageError);
    CHECK(objects().delete_().total == 3);
    CHECK(objects().count() == 0);
}

TEST_CASE_METHOD(Fixture, "dates and datetimes: each kind, DESC, NULLs skipped") {
    auto event = [&](std::optional<Date> d, std::optional<DateTime> t) {
        Event e;
        e.day = d;
        e.at = t;
        e.save();
    };
    event(Date{2005, 7, 26}, DateTime(2005, 7, 26, 10, 15, 30));
    event(Date{2005, 7, 29}, DateTime(2005, 7, 29, 10, 45, 0));
    event(Date{2005, 8, 1}, DateTime(2005, 8, 1, 23, 59, 59, 500000));
    event(Date{2006, 1, 1}, std::nullopt);
    event(std::nullopt, DateTime(2006, 2, 3, 4, 5, 6));
    const auto events = Event::objects();
    using DL = std::vector<Date>;
    using DTL = std::vector<DateTime>;

    CHECK(events.dates("day", "year") == DL{{2005, 1, 1}, {2006, 1, 1}});
    CHECK(events.dates("day", "quarter") == DL{{2005, 7, 1}, {2006, 1, 1}});
    CHECK(events.dates("day", "month") == DL{{2005, 7, 1}, {2005, 8, 1}, {2006, 1, 1}});
    // Weeks start on Monday; 2006-01-01 is a Sunday.
    CHECK(events.dates("day", "week") == DL{{2005, 7, 25}, {2005, 8, 1}, {2005, 12, 26}});
    CHECK(events.dates("day", "day") ==
          DL{{2005, 7, 26}, {2005, 7, 29}, {2005, 8, 1}, {2006, 1, 1}});
    CHECK(events.dates("day", "month", "DESC") == DL{{2006, 1, 1}, {2005, 8, 1}, {2005, 7, 1}});
    CHECK(events.filter("day__year", 2005).dates("day", "month") == DL{{2005, 7, 1}, {2005, 8, 1}});
    CHECK(events.dates("at", "day") ==
          DL{{2005, 7, 26}, {2005, 7, 29}, {2005, 8, 1}, {2006, 2, 3}});

    CHECK(events.datetimes("at", "year") == DTL{DateTime(2005, 1, 1), DateTime(2006, 1, 1)});
    CHECK(events.datetimes("at", "month") ==
          DTL{DateTime(2005, 7, 1), DateTime(2005, 8, 1), DateTime(2006, 2, 1)});
    CHECK(events.datetimes("at", "hour") == DTL{DateTime(2005, 7, 26, 10),
                                                DateTime(2005, 7, 29, 10), DateTime(2005, 8, 1, 23),
                                                DateTime(2006, 2, 3, 4)});
    CHECK(events.datetimes("at", "minute", "DESC").front() == DateTime(2006, 2, 3, 4, 5));
    CHECK(events.datetimes("at", "second")[2] == DateTime(2005, 8, 1, 23, 59, 59));
    CHECK(events.datetimes("at", "day").size() == 4); // the NULL row is skipped

    CHECK_THROWS_AS(events.dates("day", "hour"), dorm::ValueError);
    CHECK_THROWS_AS(events.dates("day", "month", "down"), dorm::ValueError);
    CHECK_THROWS_AS(events.datetimes("day", "year"), dorm::ValueError);
    CHECK_THROWS_AS(events.dates("id", "year"), dorm::ValueError);
}

// --- raw SQL --------------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "extra: select, where with params, tables") {
    dorm::Extra high;
    high.select = {{"high", "\"article\".\"rating\" >= 3"}};
    const auto flagged = objects().extra(high).order_by("pk");
    CHECK(flagged[0].annotation("high") == Value(1));
    CHECK(flagged[2].annotation("high").is_null());
    CHECK(flagged[4].annotation("high") == Value(0));
    CHECK(ids(objects().extra(high).order_by("-high", "pk")) == Ids{1, 2, 4, 5, 3});

    dorm::Extra plus;
    plus.select = {{"plus", "\"article\".\"rating\" + ?"}};
    plus.select_params = {10};
    plus.where = {"\"article\".\"score\" > ?"};
    plus.params = {1.0};
    const auto added = objects().extra(plus).filter("rating__lt", 5).order_by("pk");
    CHECK(ids(added) == Ids{1, 4, 5});
    CHECK(added[0].annotation("plus") == Value(13));
    CHECK(added.count() == 3);

    // Each select clause keeps its own parameters when values() picks or reorders them.
    dorm::Extra two;
    two.select = {{"a", "? + 0"}, {"lit", "'?'"}, {"b", "? * 2"}};
    two.select_params = {1, 2};
    const auto both = objects().extra(two).order_by("pk");
    CHECK(both[0].annotation("a") == Value(1));
    CHECK(both[0].annotation("lit") == Value("?"));
    CHECK(both[0].annotation("b") == Value(4));
    CHECK(both.values("b")[0]["b"] == Value(4));
    const auto swapped = both.values("b", "a");
    CHECK(swapped[0]["b"] == Value(4));
    CHECK(swapped[0]["a"] == Value(1));
    two.select_params = {1};
    CHECK_THROWS_AS(objects().extra(two), dorm::ValueError);
    two.select_params = {1, 2, 3};
    CHECK_THROWS_AS(objects().extra(two), dorm::ValueError);

    dorm::Extra where;
    where.where = {"\"article\".\"rating\" > ?", "\"article\".\"headline\" <> ?"};
    where.params = {2, "Beta"};
    CHECK(heads(objects().extra(where)) == Strings{"Delta", "Alpha"});

    db.exec("CREATE TABLE tag (id integer PRIMARY KEY, article_id integer, name text)");
    db.exec("INSERT INTO tag VALUES (1, 2, 'news'), (2, 4, 'news'), (3, 4, 'sport')");
    dorm::Extra tagged;
    tagged.tables = {"tag"};
    tagged.where = {"tag.article_id = \"article\".\"id\"", "tag.name = ?"};
    tagged.params = {"news"};
    CHECK(heads(objects().extra(tagged)) == Strings{"Delta", "Beta"});
    CHECK(objects().extra(tagged).count() == 2);
    CHECK(objects().extra(tagged).update({{"rating", 0}}) == 2);
    CHECK(objects().filter("rating", 0).count() == 2);
}

TEST_CASE_METHOD(Fixture, "raw: models from SQL, extra columns as annotations") {
    const auto rows = Article::objects().raw(
        "SELECT id, headline, rating FROM article WHERE rating = ? ORDER BY id", {3});
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].id == 1);
    CHECK(rows[0].headline == "Alpha");
    CHECK(rows[1].rating == 3);
    CHECK(rows[0].pub_date == DateTime()); // not selected: keeps its default
    CHECK_FALSE(rows[0]._state.adding);

    const auto twice =
        Article::objects().raw("SELECT *, score * 2 AS twice FROM article ORDER BY id DESC");
    REQUIRE(twice.size() == 5);
    CHECK(twice[0].headline == "Epsilon");
    CHECK(twice[0].annotation("twice") == Value(6.0));
    CHECK(twice[0].pub_date == DateTime(2006, 1, 2, 8, 0));

    CHECK_THROWS_AS(Article::objects().raw("SELECT headline FROM article"), dorm::ValueError);
    CHECK_THROWS_AS(Article::objects().raw("SELECT nonsense FROM nowhere"), dorm::DatabaseError);
}

// --- loading less, locking, shortcuts, introspection ----------------------------------------

TEST_CASE_METHOD(Fixture, "defer and only: deferred members keep defaults, save writes loaded") {
    const Article only = objects().only("headline").get("pk", 1);
    CHECK(only.id == 1);
    CHECK(only.headline == "Alpha");
    CHECK_FALSE(only.rating);    // deferred: default
    CHECK(only.score == 0);      // deferred: default
    CHECK_FALSE(only.published); // deferred: default
    const auto sql = objects().only("headline").sql().text;
    CHECK(sql.rfind("SELECT \"article\".\"id\", \"article\".\"headline\" FROM", 0) == 0);

    const Article deferred = objects().defer("score", "rating").get("pk", 2);
    CHECK(deferred.headline == "Beta");
    CHECK(deferred.published);
    CHECK(deferred.score == 0);
    CHECK_FALSE(deferred.rating);

    // Saving writes only the loaded fields: the deferred columns keep their stored values.
    Article edit = objects().only("headline").get("pk", 1);
    edit.headline = "Alpha2";
    edit.rating = 42; // deferred: not written
    start_log();
    edit.save();
    REQUIRE(statements() == 1);
    CHECK(log[0].sql == "UPDATE \"article\" SET \"headline\" = ? WHERE \"id\" = ?");
    const Article stored = objects().get("pk", 1);
    CHECK(stored.headline == "Alpha2");
    CHECK(stored.rating == 3);
    CHECK(stored.score == 1.5);
    CHECK(stored.pub_date == DateTime(2005, 7, 26, 10, 0));

    // refresh_from_db() loads the rest; save then writes every field.
    edit.refresh_from_db();
    CHECK(edit.rating == 3);
    edit.score = 7;
    edit.save();
    CHECK(objects().get("pk", 1).score == 7);

    CHECK_THROWS_AS(objects().only("nope"), dorm::FieldError);
    CHECK_THROWS_AS(objects().defer("nope"), dorm::FieldError);
}

TEST_CASE_METHOD(Fixture, "defer and only: saving an object whose row is gone is an error") {
    // As Django: the loaded fields are saved as update_fields, so nothing is INSERTed with
    // default values standing in for the deferred ones.
    Article partial = objects().only("headline").get("pk", 2);
    objects().filter("pk", 2).delete_();
    partial.headline = "Back";
    CHECK_THROWS_AS(partial.save(), dorm::DatabaseError);
    CHECK_THROWS_WITH(partial.save(), Catch::Contains("did not affect any rows"));
    CHECK(objects().count() == 4);
    // A fully loaded object in the same situation is inserted again (Django's save rule).
    Article full = objects().get("pk", 3);
    objects().filter("pk", 3).delete_();
    full.save();
    CHECK(objects().get("pk", 3).headline == "Gamma");
}

TEST_CASE_METHOD(Fixture, "select_for_update: a no-op with the same results") {
    const auto plain = objects().filter("published", true);
    const auto locked = plain.select_for_update();
    CHECK(locked.sql().text == plain.sql().text);
    CHECK(ids(locked) == ids(plain));
    const auto in_tx = dorm::atomic(db, [&] { return ids(objects().select_for_update()); });
    CHECK(in_tx == Ids{5, 4, 3, 2, 1});
}

TEST_CASE_METHOD(Fixture, "get_object_or_404 and get_list_or_404 throw Http404") {
    CHECK(dorm::get_object_or_404(Article::objects(), "pk", 1).headline == "Alpha");
    CHECK(dorm::get_object_or_404(objects().filter("published", true), "rating", 5).id == 2);
    CHECK_THROWS_AS(dorm::get_object_or_404(Article::objects(), "pk", 99), dorm::Http404);
    CHECK_THROWS_WITH(dorm::get_object_or_404(Article::objects(), "pk", 99),
                      "No Article matches the given query.");
    // More than one is not a 404.
    CHECK_THROWS_AS(dorm::get_object_or_404(Article::objects(), "rating", 3),
                    Article::MultipleObjectsReturned);
    CHECK(heads(dorm::get_list_or_404(Article::objects(), "rating", 3)) ==
          Strings{"Delta", "Alpha"});
    CHECK_THROWS_AS(dorm::get_list_or_404(Article::objects(), "rating", 99), dorm::Http404);
    CHECK_THROWS_AS(dorm::get_list_or_404(objects().none()), dorm::Http404);
}

TEST_CASE_METHOD(Fixture, "sql(): the statement text and its parameters") {
    const auto c = objects().filter("rating", 3).sql();
    CHECK(c.text ==
          "SELECT \"article\".\"id\", \"article\".\"headline\", \"article\".\"pub_date\", "
          "\"article\".\"rating\", \"article\".\"published\", \"article\".\"score\" "
          "FROM \"article\" WHERE \"article\".\"rating\" = ? "
          "ORDER BY \"article\".\"pub_date\" DESC, \"article\".\"headline\" ASC");
    CHECK(c.params == Values{3});
    const auto v = objects()
                       .values_list("headline")
                       .filter(Q("pub_date__gte", Date{2005, 7, 27}) | Q("headline", "Alpha"))
                       .order_by()
                       .sql();
    CHECK(v.text == "SELECT \"article\".\"headline\" AS \"headline\" FROM \"article\" WHERE "
                    "(\"article\".\"pub_date\" >= ? OR \"article\".\"headline\" = ?)");
    CHECK(v.params == Values{DateTime(2005, 7, 27), "Alpha"});
    // Values are never spliced into the text.
    const auto evil = objects().filter("headline", "x'; DROP TABLE article; --").sql();
    CHECK_FALSE(contains(evil.text, "DROP"));
    CHECK(evil.params == Values{"x'; DROP TABLE article; --"});
}

TEST_CASE_METHOD(Fixture, "query log: every statement with its parameters and duration") {
    start_log();
    objects().create({{"headline", "Logged"}, {"rating", 8}});
    CHECK(objects().filter("rating__gt", 7).count() == 1);
    dorm::atomic(db, [&] { objects().filter("rating", 8).update({{"score", 1.25}}); });
    REQUIRE(statements() == 5);
    CHECK(log[0].sql.rfind("INSERT INTO \"article\"", 0) == 0);
    CHECK(std::find(log[0].params.begin(), log[0].params.end(), Value("Logged")) !=
          log[0].params.end());
    CHECK(log[1].sql.rfind("SELECT COUNT(*)", 0) == 0);
    CHECK(log[1].params == Values{7});
    CHECK(log[2].sql == "BEGIN IMMEDIATE");
    CHECK(log[3].sql.rfind("UPDATE \"article\" SET \"score\" = ?", 0) == 0);
    CHECK(log[3].params == Values{1.25, 8});
    CHECK(log[4].sql == "COMMIT");
    for (const auto& l : log)
        CHECK(l.duration.count() >= 0);

    db.set_query_log(nullptr);
    CHECK(objects().count() == 6);
    CHECK(statements() == 5);
}
