// Every lookup and transform, run on SQLite: for each one, rows chosen so that a wrong
// translation (a missing escape, a lost NULL guard, an off-by-one bound, a wrong week
// convention) selects a different set of rows. Each check asserts the exact set of ids.
//
// Where dorm's semantics are Django's (everything but the deliberate differences listed in
// the brief: case-sensitive contains, Unicode folding, regex limits, search), the last
// test cases run the same queries through Django 3.2 on the same file and compare.
#include <catch2/catch.hpp>

#include <dorm/detail/unicode.hpp>
#include <dorm/dorm.hpp>

#include "django_oracle.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Catch::Matchers::Contains;
using dorm::Date;
using dorm::DateTime;
using dorm::F;
using dorm::Q;
using dorm::Time;
using dorm::Values;
using V = std::vector<std::int64_t>;

// u8"" literals are UTF-8 whatever the execution character set.
std::string s8(std::u8string_view text) {
    return std::string(text.begin(), text.end());
}

// One model with a field of every kind, most of them nullable.
struct Item : dorm::Model<Item> {
    std::int64_t id = 0;
    std::string name;
    std::optional<std::string> note;
    std::optional<int> rating;
    std::optional<int> other;
    std::optional<double> score;
    std::optional<bool> flag;
    std::optional<Date> day;
    std::optional<DateTime> at;
    static void define(dorm::ModelDef<Item>& m) {
        m.table("lk_item").ordering({"id"});
        m.field("id", &Item::id, dorm::auto_pk);
        m.field("name", &Item::name);
        m.field("note", &Item::note);
        m.field("rating", &Item::rating);
        m.field("other", &Item::other);
        m.field("score", &Item::score);
        m.field("flag", &Item::flag);
        m.field("day", &Item::day);
        m.field("at", &Item::at);
    }
};

// Text with hostile content, one row per string.
struct Txt : dorm::Model<Txt> {
    std::int64_t id = 0;
    std::string s;
    static void define(dorm::ModelDef<Txt>& m) {
        m.table("lk_txt").ordering({"id"});
        m.field("id", &Txt::id, dorm::auto_pk);
        m.field("s", &Txt::s);
    }
};

// Two text columns, for pattern lookups whose right side is another column.
struct Pair : dorm::Model<Pair> {
    std::int64_t id = 0;
    std::string a;
    std::optional<std::string> b;
    static void define(dorm::ModelDef<Pair>& m) {
        m.table("lk_pair").ordering({"id"});
        m.field("id", &Pair::id, dorm::auto_pk);
        m.field("a", &Pair::a);
        m.field("b", &Pair::b);
    }
};

template <class QS>
V ids(const QS& qs) {
    V out;
    for (const auto& o : qs)
        out.push_back(o.id);
    std::sort(out.begin(), out.end());
    return out;
}

// The rows of Item, as the comments of each test case refer to them:
//  id name      note  rating other score  flag   day         at
//  1  alpha     x     1      2     1.5    true   2005-07-28  2005-07-28 23:59:59.999999
//  2  beta      NULL  3      3     2.0    false  2005-07-29  2005-07-29 00:00:00
//  3  gamma     y     5      1     -0.5   NULL   2004-02-29  2005-07-29 10:30:00.000250
//  4  delta     x     NULL   3     NULL   true   2007-12-31  2005-07-29 10:30:00
//  5  epsilon   NULL  3      NULL  2.25   false  2008-01-01  2007-12-31 12:00:00
//  6  zeta      z     -2     NULL  1e10   NULL   NULL        NULL
//  7  eta       ""    0      0     0.0    true   2005-01-02  2004-02-29 06:07:08
// Days: 2005-07-28 Thu, 2005-07-29 Fri, 2004-02-29 Sun (leap day), 2007-12-31 Mon (ISO
// 2008-W01), 2008-01-01 Tue (ISO 2008-W01), 2005-01-02 Sun (ISO 2004-W53).
struct Items {
    dorm::Database db;
    explicit Items(const std::string& path = ":memory:") : db(path) {
        dorm::create_tables<Item, Txt, Pair>(db);
        add("alpha", "x", 1, 2, 1.5, true, Date{2005, 7, 28},
            DateTime(2005, 7, 28, 23, 59, 59, 999999));
        add("beta", {}, 3, 3, 2.0, false, Date{2005, 7, 29}, DateTime(2005, 7, 29));
        add("gamma", "y", 5, 1, -0.5, {}, Date{2004, 2, 29}, DateTime(2005, 7, 29, 10, 30, 0, 250));
        add("delta", "x", {}, 3, {}, true, Date{2007, 12, 31}, DateTime(2005, 7, 29, 10, 30));
        add("epsilon", {}, 3, {}, 2.25, false, Date{2008, 1, 1}, DateTime(2007, 12, 31, 12));
        add("zeta", "z", -2, {}, 1e10, {}, {}, {});
        add("eta", "", 0, 0, 0.0, true, Date{2005, 1, 2}, DateTime(2004, 2, 29, 6, 7, 8));
    }
    void add(std::string name, std::optional<std::string> note, std::optional<int> rating,
             std::optional<int> other, std::optional<double> score, std::optional<bool> flag,
             std::optional<Date> day, std::optional<DateTime> at) {
        Item i;
        i.name = std::move(name);
        i.note = std::move(note);
        i.rating = rating;
        i.other = other;
        i.score = score;
        i.flag = flag;
        i.day = day;
        i.at = at;
        i.save(db);
    }
    dorm::QuerySet<Item> qs() { return Item::objects().using_(db); }
};

// The hostile strings of the Txt table; row id = index + 1.
const std::vector<std::string>& txt_rows() {
    static const std::vector<std::string> rows = {
        "Hello World",             // 1
        "hello world",             // 2
        "50%_off",                 // 3
        "50 percent off",          // 4
        "a_b",                     // 5
        "axb",                     // 6
        "O'Brien",                 // 7
        "say \"hi\"",              // 8
        "back\\slash",             // 9
        "star*glob",               // 10
        "starXglob",               // 11
        "what?",                   // 12
        "whatX",                   // 13
        "[a]",                     // 14
        "cat",                     // 15
        "",                        // 16
        s8(u8"Ünïcödé"),           // 17
        s8(u8"ünïcödé"),           // 18
        s8(u8"Straße"),            // 19
        "STRASSE",                 // 20
        s8(u8"ΣΊΣΥΦΟΣ"),           // 21
        s8(u8"σίσυφος"),           // 22
        s8(u8"Москва"),            // 23
        s8(u8"МОСКВА"),            // 24
        s8(u8"emoji 😀 party"),     // 25
        "a]b",                     // 26
        "'; DROP TABLE lk_txt; --" // 27
    };
    return rows;
}

V all_txt() {
    V out;
    for (std::size_t i = 0; i < txt_rows().size(); ++i)
        out.push_back(static_cast<std::int64_t>(i + 1));
    return out;
}

struct Texts {
    dorm::Database db;
    explicit Texts(const std::string& path = ":memory:") : db(path) {
        dorm::create_tables<Item, Txt, Pair>(db);
        for (const auto& s : txt_rows()) {
            Txt t;
            t.s = s;
            t.save(db);
        }
    }
    dorm::QuerySet<Txt> qs() { return Txt::objects().using_(db); }
};

// Rows of Pair: a, b.
struct Pairs {
    dorm::Database db;
    Pairs() {
        dorm::create_tables<Pair>(db);
        add("Hello World", "World");        // 1
        add("hello world", "World");        // 2
        add("50%_off", "%_");               // 3
        add("axb", "a_b");                  // 4
        add("abc", "");                     // 5
        add("abc", {});                     // 6
        add(s8(u8"Ünïcödé"), s8(u8"ÜNÏ"));  // 7
        add("star*glob", "r*g");            // 8
        add("starXglob", "r*g");            // 9
        add("World Hello", "World");        // 10
        add("same", "same");                // 11
        add("SAME", "same");                // 12
        add(s8(u8"ünïcödé"), s8(u8"CÖDÉ")); // 13
    }
    void add(std::string a, std::optional<std::string> b) {
        Pair p;
        p.a = std::move(a);
        p.b = std::move(b);
        p.save(db);
    }
    dorm::QuerySet<Pair> qs() { return Pair::objects().using_(db); }
};

} // namespace

// --------------------------------------------------------------------------------------------
// Integers, the primary key and NULL
// --------------------------------------------------------------------------------------------

TEST_CASE("integer lookups: exact, comparisons, in, range", "[lookups][integer]") {
    Items t;
    CHECK(ids(t.qs().filter("rating", 3)) == V{2, 5});
    CHECK(ids(t.qs().filter("rating__exact", 3)) == V{2, 5});
    CHECK(ids(t.qs().filter("rating", 3.0)) == V{2, 5}); // an integral real is accepted
    CHECK(ids(t.qs().filter("rating__gt", 3)) == V{3});
    CHECK(ids(t.qs().filter("rating__gte", 3)) == V{2, 3, 5});
    CHECK(ids(t.qs().filter("rating__lt", 1)) == V{6, 7});
    CHECK(ids(t.qs().filter("rating__lte", 1)) == V{1, 6, 7});
    CHECK(ids(t.qs().filter("rating__lt", 0)) == V{6});
    CHECK(ids(t.qs().filter("rating__in", {1, 5})) == V{1, 3});
    CHECK(ids(t.qs().filter("rating__in", std::vector<int>{3, 0})) == V{2, 5, 7});
    CHECK(ids(t.qs().filter("rating__in", {42})) == V{});
    // range is inclusive at both ends; a reversed range matches nothing (BETWEEN).
    CHECK(ids(t.qs().filter("rating__range", {1, 3})) == V{1, 2, 5});
    CHECK(ids(t.qs().filter("rating__range", {-2, 0})) == V{6, 7});
    CHECK(ids(t.qs().filter("rating__range", {3, 3})) == V{2, 5});
    CHECK(ids(t.qs().filter("rating__range", {3, 1})) == V{});
}

TEST_CASE("NULL: exact=NULL, isnull, and exclude keeps NULL rows as Django", "[lookups][null]") {
    Items t;
    CHECK(ids(t.qs().filter("rating", nullptr)) == V{4});
    CHECK(ids(t.qs().filter("rating", std::nullopt)) == V{4});
    CHECK(ids(t.qs().filter("rating__exact", nullptr)) == V{4});
    CHECK(ids(t.qs().filter("rating__isnull", true)) == V{4});
    CHECK(ids(t.qs().filter("rating__isnull", false)) == V{1, 2, 3, 5, 6, 7});
    CHECK(ids(t.qs().exclude("rating", nullptr)) == V{1, 2, 3, 5, 6, 7});
    CHECK(ids(t.qs().exclude("rating__isnull", true)) == V{1, 2, 3, 5, 6, 7});
    CHECK(ids(t.qs().exclude("rating__isnull", false)) == V{4});
    // NOT (rating = 3) alone would drop row 4 (NULL): Django keeps it.
    CHECK(ids(t.qs().exclude("rating", 3)) == V{1, 3, 4, 6, 7});
    CHECK(ids(t.qs().filter(~Q("rating", 3))) == V{1, 3, 4, 6, 7});
    CHECK(ids(t.qs().exclude("rating__gt", 0)) == V{4, 6, 7});
    CHECK(ids(t.qs().exclude("rating__in", {1, 5})) == V{2, 4, 5, 6, 7});
    CHECK(ids(t.qs().exclude("rating__range", {1, 3})) == V{3, 4, 6, 7});
    // A NULL inside an in-list never matches (and does not turn the list into NULL).
    CHECK(ids(t.qs().filter("rating__in", {1, 5, nullptr})) == V{1, 3});
    CHECK(ids(t.qs().filter("rating__in", {nullptr})) == V{});
    CHECK(ids(t.qs().exclude("rating__in", {1, nullptr})) == V{2, 3, 4, 5, 6, 7});
    // An empty in-list matches nothing; excluding it matches everything, NULLs included.
    CHECK(ids(t.qs().filter("rating__in", Values{})) == V{});
    CHECK(t.qs().filter("rating__in", Values{}).count() == 0);
    CHECK_FALSE(t.qs().filter("rating__in", Values{}).exists());
    CHECK(ids(t.qs().exclude("rating__in", Values{})) == V{1, 2, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().exclude("id__in", std::vector<int>{})) == V{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("pk is an alias of the primary key", "[lookups][pk]") {
    Items t;
    CHECK(ids(t.qs().filter("pk", 3)) == V{3});
    CHECK(ids(t.qs().filter("pk__in", {1, 2, 99})) == V{1, 2});
    CHECK(ids(t.qs().filter("pk__gt", 5)) == V{6, 7});
    CHECK(ids(t.qs().filter("pk__range", {2, 4})) == V{2, 3, 4});
    CHECK(ids(t.qs().exclude("pk", 1)) == V{2, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().filter(Q("pk", 2) | Q("id", 4))) == V{2, 4});
    CHECK(t.qs().get("pk", 5).name == "epsilon");
    CHECK(ids(t.qs().filter("rating__gt", F("pk"))) == V{2, 3}); // 3 > 2, 5 > 3
}

TEST_CASE("F() compares two columns, and NULL on either side never matches", "[lookups][F]") {
    Items t;
    CHECK(ids(t.qs().filter("rating", F("other"))) == V{2, 7});
    CHECK(ids(t.qs().filter("rating__gt", F("other"))) == V{3});
    CHECK(ids(t.qs().filter("rating__gte", F("other"))) == V{2, 3, 7});
    CHECK(ids(t.qs().filter("rating__lt", F("other"))) == V{1});
    CHECK(ids(t.qs().filter("rating__lte", F("other"))) == V{1, 2, 7});
    CHECK(ids(t.qs().filter("rating__gte", F("other") + 2)) == V{3});
    CHECK(ids(t.qs().filter("rating", F("other") * 5 - 0)) == V{3, 7});
    // exclude keeps the rows where either side is NULL (4: rating, 5 and 6: other).
    CHECK(ids(t.qs().exclude("rating", F("other"))) == V{1, 3, 4, 5, 6});
    CHECK(ids(t.qs().exclude("rating__gt", F("other"))) == V{1, 2, 4, 5, 6, 7});
    // A real column against an integer one.
    CHECK(ids(t.qs().filter("score__gt", F("rating"))) == V{1, 6});
}

// --------------------------------------------------------------------------------------------
// Reals and booleans
// --------------------------------------------------------------------------------------------

TEST_CASE("float lookups", "[lookups][float]") {
    Items t;
    CHECK(ids(t.qs().filter("score", 2)) == V{2}); // an integer value widens
    CHECK(ids(t.qs().filter("score", 2.0)) == V{2});
    CHECK(ids(t.qs().filter("score", 2.25)) == V{5});
    CHECK(ids(t.qs().filter("score__gt", 1.5)) == V{2, 5, 6});
    CHECK(ids(t.qs().filter("score__gte", 1.5)) == V{1, 2, 5, 6});
    CHECK(ids(t.qs().filter("score__lt", 0)) == V{3});
    CHECK(ids(t.qs().filter("score__lte", 0)) == V{3, 7});
    CHECK(ids(t.qs().filter("score__in", {1.5, 2})) == V{1, 2});
    CHECK(ids(t.qs().filter("score__range", {1.5, 2.25})) == V{1, 2, 5});
    CHECK(ids(t.qs().filter("score__range", {1.5000001, 2.2499999})) == V{2});
    CHECK(ids(t.qs().filter("score__isnull", true)) == V{4});
    CHECK(ids(t.qs().filter("score", nullptr)) == V{4});
    CHECK(ids(t.qs().exclude("score__gt", 1)) == V{3, 4, 7});
}

TEST_CASE("boolean lookups", "[lookups][bool]") {
    Items t;
    CHECK(ids(t.qs().filter("flag", true)) == V{1, 4, 7});
    CHECK(ids(t.qs().filter("flag", false)) == V{2, 5});
    CHECK(ids(t.qs().filter("flag", 1)) == V{1, 4, 7});
    CHECK(ids(t.qs().filter("flag", 0)) == V{2, 5});
    CHECK(ids(t.qs().filter("flag", nullptr)) == V{3, 6});
    CHECK(ids(t.qs().filter("flag__isnull", false)) == V{1, 2, 4, 5, 7});
    CHECK(ids(t.qs().filter("flag__in", {true})) == V{1, 4, 7});
    CHECK(ids(t.qs().filter("flag__in", {false, nullptr})) == V{2, 5});
    CHECK(ids(t.qs().exclude("flag", true)) == V{2, 3, 5, 6});
    CHECK(ids(t.qs().exclude("flag", false)) == V{1, 3, 4, 6, 7});
}

// --------------------------------------------------------------------------------------------
// Dates, datetimes and their transforms
// --------------------------------------------------------------------------------------------

TEST_CASE("date lookups", "[lookups][date]") {
    Items t;
    CHECK(ids(t.qs().filter("day", Date{2005, 7, 29})) == V{2});
    CHECK(ids(t.qs().filter("day", "2005-07-29")) == V{2});
    CHECK(ids(t.qs().filter("day", DateTime(2005, 7, 29, 13, 0))) == V{2}); // the date part
    CHECK(ids(t.qs().filter("day", Date{2004, 2, 29})) == V{3});            // leap day
    CHECK(ids(t.qs().filter("day__gt", Date{2005, 7, 28})) == V{2, 4, 5});
    CHECK(ids(t.qs().filter("day__gte", Date{2005, 7, 28})) == V{1, 2, 4, 5});
    CHECK(ids(t.qs().filter("day__lt", Date{2005, 1, 2})) == V{3});
    CHECK(ids(t.qs().filter("day__lte", "2005-01-02")) == V{3, 7});
    CHECK(ids(t.qs().filter("day__range", {Date{2004, 2, 29}, Date{2005, 7, 28}})) == V{1, 3, 7});
    CHECK(ids(t.qs().filter("day__in", {Date{2004, 2, 29}, Date{2008, 1, 1}})) == V{3, 5});
    CHECK(ids(t.qs().filter("day__isnull", true)) == V{6});
    CHECK(ids(t.qs().exclude("day__gte", Date{2005, 7, 28})) == V{3, 6, 7});
}

TEST_CASE("date transforms: year, month, day, quarter", "[lookups][date][transform]") {
    Items t;
    CHECK(ids(t.qs().filter("day__year", 2005)) == V{1, 2, 7});
    CHECK(ids(t.qs().filter("day__year__gte", 2007)) == V{4, 5});
    CHECK(ids(t.qs().filter("day__year__lt", 2005)) == V{3});
    CHECK(ids(t.qs().filter("day__year__in", {2004, 2008})) == V{3, 5});
    CHECK(ids(t.qs().filter("day__year__range", {2005, 2007})) == V{1, 2, 4, 7});
    CHECK(ids(t.qs().filter("day__month", 2)) == V{3});
    CHECK(ids(t.qs().filter("day__month__in", {1, 2})) == V{3, 5, 7});
    CHECK(ids(t.qs().filter("day__day", 29)) == V{2, 3});
    CHECK(ids(t.qs().filter("day__day__gt", 28)) == V{2, 3, 4});
    CHECK(ids(t.qs().filter({{"day__month", 2}, {"day__day", 29}})) == V{3});
    CHECK(ids(t.qs().filter("day__quarter", 1)) == V{3, 5, 7});
    CHECK(ids(t.qs().filter("day__quarter", 3)) == V{1, 2});
    CHECK(ids(t.qs().filter("day__quarter", 4)) == V{4});
    CHECK(ids(t.qs().filter("day__quarter", 2)) == V{});
}

TEST_CASE("date transforms: week_day (1 = Sunday), iso_week_day, week, iso_year",
          "[lookups][date][transform]") {
    Items t;
    CHECK(ids(t.qs().filter("day__week_day", 1)) == V{3, 7}); // Sundays
    CHECK(ids(t.qs().filter("day__week_day", 2)) == V{4});    // Monday
    CHECK(ids(t.qs().filter("day__week_day", 3)) == V{5});    // Tuesday
    CHECK(ids(t.qs().filter("day__week_day", 5)) == V{1});    // Thursday
    CHECK(ids(t.qs().filter("day__week_day", 6)) == V{2});    // Friday
    CHECK(ids(t.qs().filter("day__week_day", 7)) == V{});     // no Saturday
    CHECK(ids(t.qs().filter("day__week_day__gte", 5)) == V{1, 2});
    CHECK(ids(t.qs().filter("day__iso_week_day", 7)) == V{3, 7});
    CHECK(ids(t.qs().filter("day__iso_week_day", 1)) == V{4});
    CHECK(ids(t.qs().filter("day__iso_week_day", 5)) == V{2});
    // 2007-12-31 and 2008-01-01 are in ISO week 1 of 2008; 2005-01-02 is in week 53 of 2004.
    CHECK(ids(t.qs().filter("day__week", 1)) == V{4, 5});
    CHECK(ids(t.qs().filter("day__week", 53)) == V{7});
    CHECK(ids(t.qs().filter("day__week", 30)) == V{1, 2});
    CHECK(ids(t.qs().filter("day__week", 9)) == V{3});
    CHECK(ids(t.qs().filter("day__iso_year", 2008)) == V{4, 5});
    CHECK(ids(t.qs().filter("day__year", 2008)) == V{5});
    CHECK(ids(t.qs().filter("day__iso_year", 2007)) == V{});
    CHECK(ids(t.qs().filter("day__year", 2007)) == V{4});
    CHECK(ids(t.qs().filter("day__iso_year", 2004)) == V{3, 7});
    CHECK(ids(t.qs().filter("day__iso_year", 2005)) == V{1, 2});
    CHECK(ids(t.qs().filter("day__iso_year__gte", 2008)) == V{4, 5});
    CHECK(ids(t.qs().filter({{"day__iso_year", 2008}, {"day__week", 1}})) == V{4, 5});
}

TEST_CASE("exclude on transforms keeps NULL rows", "[lookups][date][transform][null]") {
    Items t;
    // A transform compared with NULL is IS NULL, as Django.
    CHECK(ids(t.qs().filter("day__year", nullptr)) == V{6});
    CHECK(ids(t.qs().exclude("day__year", nullptr)) == V{1, 2, 3, 4, 5, 7});
    CHECK(ids(t.qs().filter("at__date", nullptr)) == V{6});
    CHECK(ids(t.qs().exclude("day__year", 2005)) == V{3, 4, 5, 6});
    CHECK(ids(t.qs().exclude("day__week_day", 1)) == V{1, 2, 4, 5, 6});
    CHECK(ids(t.qs().exclude("day__month__in", {1, 2})) == V{1, 2, 4, 6});
    CHECK(ids(t.qs().filter(~Q("day__iso_year", 2008))) == V{1, 2, 3, 6, 7});
    CHECK(ids(t.qs().exclude("at__year", 2005)) == V{5, 6, 7});
    CHECK(ids(t.qs().exclude("at__hour", 10)) == V{1, 2, 5, 6, 7});
    CHECK(ids(t.qs().exclude("at__date", Date{2005, 7, 29})) == V{1, 5, 6, 7});
    CHECK(ids(t.qs().exclude("at__time__gte", Time{10, 30})) == V{2, 6, 7});
}

TEST_CASE("datetime lookups, with microseconds", "[lookups][datetime]") {
    Items t;
    CHECK(ids(t.qs().filter("at", DateTime(2005, 7, 29, 10, 30, 0, 250))) == V{3});
    CHECK(ids(t.qs().filter("at", DateTime(2005, 7, 29, 10, 30))) == V{4});
    CHECK(ids(t.qs().filter("at", "2005-07-29 10:30:00.000250")) == V{3});
    CHECK(ids(t.qs().filter("at", "2005-07-29T10:30")) == V{4});
    CHECK(ids(t.qs().filter("at", Date{2005, 7, 29})) == V{2}); // midnight
    CHECK(ids(t.qs().filter("at__gt", DateTime(2005, 7, 29, 10, 30))) == V{3, 5});
    CHECK(ids(t.qs().filter("at__gte", DateTime(2005, 7, 29, 10, 30))) == V{3, 4, 5});
    CHECK(ids(t.qs().filter("at__gte", Date{2005, 7, 29})) == V{2, 3, 4, 5});
    CHECK(ids(t.qs().filter("at__lt", Date{2005, 7, 29})) == V{1, 7});
    CHECK(ids(t.qs().filter("at__lte", DateTime(2005, 7, 28, 23, 59, 59, 999999))) == V{1, 7});
    CHECK(ids(t.qs().filter("at__lt", DateTime(2005, 7, 28, 23, 59, 59, 999999))) == V{7});
    CHECK(ids(t.qs().filter("at__gt", DateTime(2005, 7, 28, 23, 59, 59, 999998))) ==
          V{1, 2, 3, 4, 5});
    // Inclusive bounds: 10:30:00 is in, 10:30:00.000250 is out.
    CHECK(ids(t.qs().filter("at__range", {DateTime(2005, 7, 29), DateTime(2005, 7, 29, 10, 30)})) ==
          V{2, 4});
    CHECK(ids(t.qs().filter("at__in", {DateTime(2005, 7, 29, 10, 30),
                                       DateTime(2004, 2, 29, 6, 7, 8)})) == V{4, 7});
    CHECK(ids(t.qs().filter("at__isnull", true)) == V{6});
}

TEST_CASE("datetime transforms: date and time followed by comparisons",
          "[lookups][datetime][transform]") {
    Items t;
    CHECK(ids(t.qs().filter("at__date", Date{2005, 7, 29})) == V{2, 3, 4});
    CHECK(ids(t.qs().filter("at__date", "2005-07-29")) == V{2, 3, 4});
    CHECK(ids(t.qs().filter("at__date__lt", Date{2005, 7, 29})) == V{1, 7});
    CHECK(ids(t.qs().filter("at__date__gte", Date{2005, 7, 29})) == V{2, 3, 4, 5});
    CHECK(ids(t.qs().filter("at__date__range", {Date{2005, 7, 28}, Date{2005, 7, 29}})) ==
          V{1, 2, 3, 4});
    CHECK(ids(t.qs().filter("at__date__in", {Date{2004, 2, 29}, Date{2007, 12, 31}})) == V{5, 7});
    CHECK(ids(t.qs().filter("at__date", DateTime(2005, 7, 28, 5))) == V{1});
    CHECK(ids(t.qs().filter("at__time", Time{10, 30})) == V{4});
    CHECK(ids(t.qs().filter("at__time", Time{10, 30, 0, 250})) == V{3});
    CHECK(ids(t.qs().filter("at__time", "10:30:00.000250")) == V{3});
    CHECK(ids(t.qs().filter("at__time__gte", Time{10, 30})) == V{1, 3, 4, 5});
    CHECK(ids(t.qs().filter("at__time__gt", Time{10, 30})) == V{1, 3, 5});
    CHECK(ids(t.qs().filter("at__time__lt", Time{6, 7, 8})) == V{2});
    CHECK(ids(t.qs().filter("at__time__gt", Time{23, 59, 59})) == V{1});
    CHECK(ids(t.qs().filter("at__time__range", {Time{6}, Time{12}})) == V{3, 4, 5, 7});
}

TEST_CASE("datetime transforms: parts of the date and of the time",
          "[lookups][datetime][transform]") {
    Items t;
    CHECK(ids(t.qs().filter("at__year", 2005)) == V{1, 2, 3, 4});
    CHECK(ids(t.qs().filter("at__year__gte", 2005)) == V{1, 2, 3, 4, 5});
    CHECK(ids(t.qs().filter("at__year__lt", 2005)) == V{7});
    CHECK(ids(t.qs().filter("at__month", 12)) == V{5});
    CHECK(ids(t.qs().filter("at__day", 29)) == V{2, 3, 4, 7});
    CHECK(ids(t.qs().filter({{"at__year", 2004}, {"at__month", 2}, {"at__day", 29}})) == V{7});
    CHECK(ids(t.qs().filter("at__week_day", 6)) == V{2, 3, 4}); // Friday
    CHECK(ids(t.qs().filter("at__week_day", 2)) == V{5});       // Monday
    CHECK(ids(t.qs().filter("at__week_day", 1)) == V{7});       // Sunday
    CHECK(ids(t.qs().filter("at__iso_week_day", 7)) == V{7});
    CHECK(ids(t.qs().filter("at__iso_year", 2008)) == V{5});
    CHECK(ids(t.qs().filter("at__year", 2008)) == V{});
    CHECK(ids(t.qs().filter("at__week", 1)) == V{5});
    CHECK(ids(t.qs().filter("at__quarter", 3)) == V{1, 2, 3, 4});
    CHECK(ids(t.qs().filter("at__hour", 10)) == V{3, 4});
    CHECK(ids(t.qs().filter("at__hour__gte", 12)) == V{1, 5});
    CHECK(ids(t.qs().filter("at__hour", 0)) == V{2});
    CHECK(ids(t.qs().filter("at__minute", 30)) == V{3, 4});
    CHECK(ids(t.qs().filter("at__minute__lt", 7)) == V{2, 5});
    CHECK(ids(t.qs().filter("at__second", 59)) == V{1});
    CHECK(ids(t.qs().filter("at__second", 8)) == V{7});
    CHECK(ids(t.qs().filter("at__second__in", {0, 8})) == V{2, 3, 4, 5, 7});
}

// --------------------------------------------------------------------------------------------
// Text
// --------------------------------------------------------------------------------------------

TEST_CASE("text lookups on plain ASCII, and text ordering", "[lookups][text]") {
    Items t;
    CHECK(ids(t.qs().filter("name", "beta")) == V{2});
    CHECK(ids(t.qs().filter("name", "Beta")) == V{});
    CHECK(ids(t.qs().filter("name__iexact", "BETA")) == V{2});
    CHECK(ids(t.qs().filter("name__gt", "epsilon")) == V{3, 6, 7});
    CHECK(ids(t.qs().filter("name__lt", "beta")) == V{1});
    CHECK(ids(t.qs().filter("name__lte", "beta")) == V{1, 2});
    CHECK(ids(t.qs().filter("name__range", {"beta", "delta"})) == V{2, 4});
    CHECK(ids(t.qs().filter("name__in", {"alpha", "zeta", "nope"})) == V{1, 6});
    CHECK(ids(t.qs().filter("name__contains", "eta")) == V{2, 6, 7});
    CHECK(ids(t.qs().filter("name__startswith", "e")) == V{5, 7});
    CHECK(ids(t.qs().filter("name__endswith", "ta")) == V{2, 4, 6, 7});
    CHECK(ids(t.qs().filter("name__regex", "^[a-d]")) == V{1, 2, 4});
    CHECK(ids(t.qs().filter("name__search", "ET")) == V{2, 6, 7});
}

TEST_CASE("nullable text: NULL, empty string and exclude", "[lookups][text][null]") {
    Items t;
    CHECK(ids(t.qs().filter("note", "x")) == V{1, 4});
    CHECK(ids(t.qs().filter("note", "")) == V{7});
    CHECK(ids(t.qs().filter("note", nullptr)) == V{2, 5});
    CHECK(ids(t.qs().filter("note__iexact", nullptr)) == V{2, 5}); // as Django: IS NULL
    CHECK(ids(t.qs().filter("note__isnull", false)) == V{1, 3, 4, 6, 7});
    CHECK(ids(t.qs().exclude("note", "x")) == V{2, 3, 5, 6, 7});
    CHECK(ids(t.qs().exclude("note", "")) == V{1, 2, 3, 4, 5, 6});
    CHECK(ids(t.qs().exclude("note__contains", "x")) == V{2, 3, 5, 6, 7});
    CHECK(ids(t.qs().exclude("note__icontains", "X")) == V{2, 3, 5, 6, 7});
    CHECK(ids(t.qs().exclude("note__regex", "^[xy]$")) == V{2, 5, 6, 7});
    CHECK(ids(t.qs().filter("note__contains", "")) == V{1, 3, 4, 6, 7}); // not NULL
    CHECK(ids(t.qs().filter("note__startswith", "")) == V{1, 3, 4, 6, 7});
    CHECK(ids(t.qs().filter("note__in", {"x", nullptr})) == V{1, 4});
    CHECK(ids(t.qs().filter("note__gt", "")) == V{1, 3, 4, 6});
}

TEST_CASE("contains/startswith/endswith are case-sensitive, the i-variants fold Unicode",
          "[lookups][text][unicode]") {
    Texts t;
    CHECK(ids(t.qs().filter("s__contains", "World")) == V{1});
    CHECK(ids(t.qs().filter("s__icontains", "WORLD")) == V{1, 2});
    CHECK(ids(t.qs().filter("s", "hello world")) == V{2});
    CHECK(ids(t.qs().filter("s__iexact", "HELLO WORLD")) == V{1, 2});
    CHECK(ids(t.qs().filter("s__startswith", "hello")) == V{2});
    CHECK(ids(t.qs().filter("s__istartswith", "hello")) == V{1, 2});
    CHECK(ids(t.qs().filter("s__endswith", "World")) == V{1});
    CHECK(ids(t.qs().filter("s__iendswith", "WORLD")) == V{1, 2});

    CHECK(ids(t.qs().filter("s__contains", s8(u8"ünï"))) == V{18});
    CHECK(ids(t.qs().filter("s__icontains", s8(u8"ÜNÏ"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s__startswith", s8(u8"Ü"))) == V{17});
    CHECK(ids(t.qs().filter("s__istartswith", s8(u8"ü"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s__endswith", s8(u8"ödé"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s__iendswith", s8(u8"CÖDÉ"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s", s8(u8"Ünïcödé"))) == V{17});
    CHECK(ids(t.qs().filter("s__iexact", s8(u8"ÜNÏCÖDÉ"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s__in", {s8(u8"ünïcödé"), "cat"})) == V{15, 18});

    // Simple case folding: ß stays ß (it does not become "ss"), ẞ folds to ß.
    CHECK(ids(t.qs().filter("s__iexact", s8(u8"STRAßE"))) == V{19});
    CHECK(ids(t.qs().filter("s__iexact", s8(u8"STRAẞE"))) == V{19});
    CHECK(ids(t.qs().filter("s__iexact", "strasse")) == V{20});
    CHECK(ids(t.qs().filter("s__contains", s8(u8"ß"))) == V{19});
    CHECK(ids(t.qs().filter("s__icontains", s8(u8"ẞ"))) == V{19});

    // Greek: Σ, σ and final ς all fold to σ.
    CHECK(ids(t.qs().filter("s__iexact", s8(u8"σίσυφος"))) == V{21, 22});
    CHECK(ids(t.qs().filter("s__icontains", s8(u8"ΦΟΣ"))) == V{21, 22});
    CHECK(ids(t.qs().filter("s__iendswith", s8(u8"ς"))) == V{21, 22});
    CHECK(ids(t.qs().filter("s__contains", s8(u8"ΣΥ"))) == V{21});
    CHECK(ids(t.qs().filter("s__endswith", s8(u8"ς"))) == V{22});

    // Cyrillic and emoji.
    CHECK(ids(t.qs().filter("s__icontains", s8(u8"москва"))) == V{23, 24});
    CHECK(ids(t.qs().filter("s__contains", s8(u8"Моск"))) == V{23});
    CHECK(ids(t.qs().filter("s__istartswith", s8(u8"мОс"))) == V{23, 24});
    CHECK(ids(t.qs().filter("s__contains", s8(u8"😀"))) == V{25});
    CHECK(ids(t.qs().filter("s__icontains", s8(u8"😀 PARTY"))) == V{25});
    CHECK(ids(t.qs().filter("s__iexact", s8(u8"EMOJI 😀 PARTY"))) == V{25});
}

TEST_CASE("% and _ are literal in every pattern lookup", "[lookups][text][escape]") {
    Texts t;
    // Unescaped, LIKE '%50%%' would also match "50 percent off" and '%a_b%' "axb".
    CHECK(ids(t.qs().filter("s__contains", "50%")) == V{3});
    CHECK(ids(t.qs().filter("s__contains", "50%_")) == V{3});
    CHECK(ids(t.qs().filter("s__icontains", "50%")) == V{3});
    CHECK(ids(t.qs().filter("s__icontains", "A_B")) == V{5});
    CHECK(ids(t.qs().filter("s__contains", "a_b")) == V{5});
    CHECK(ids(t.qs().filter("s__startswith", "50%")) == V{3});
    CHECK(ids(t.qs().filter("s__istartswith", "50%")) == V{3});
    CHECK(ids(t.qs().filter("s__istartswith", "A_")) == V{5});
    CHECK(ids(t.qs().filter("s__endswith", "_b")) == V{5});
    CHECK(ids(t.qs().filter("s__iendswith", "_B")) == V{5});
    CHECK(ids(t.qs().filter("s__iendswith", "%_OFF")) == V{3});
    CHECK(ids(t.qs().filter("s__iexact", "A_B")) == V{5});
    CHECK(ids(t.qs().filter("s__iexact", "%")) == V{});
    CHECK(ids(t.qs().filter("s__search", "50%")) == V{3});
    CHECK(ids(t.qs().filter("s__search", "a_b")) == V{5});
}

TEST_CASE("star, question mark and bracket are literal in the case-sensitive pattern lookups",
          "[lookups][text][escape]") {
    Texts t;
    // Unescaped, GLOB '*r*g*' would also match "starXglob", '*[a]*' any text with an 'a'.
    CHECK(ids(t.qs().filter("s__contains", "r*g")) == V{10});
    CHECK(ids(t.qs().filter("s__contains", "t?")) == V{12});
    CHECK(ids(t.qs().filter("s__contains", "[a]")) == V{14});
    CHECK(ids(t.qs().filter("s__contains", "]")) == V{14, 26});
    CHECK(ids(t.qs().filter("s__contains", "a]b")) == V{26});
    CHECK(ids(t.qs().filter("s__startswith", "[")) == V{14});
    CHECK(ids(t.qs().filter("s__startswith", "star*")) == V{10});
    CHECK(ids(t.qs().filter("s__endswith", "?")) == V{12});
    CHECK(ids(t.qs().filter("s__endswith", "*glob")) == V{10});
    CHECK(ids(t.qs().filter("s__icontains", "[A]")) == V{14});
    CHECK(ids(t.qs().filter("s__istartswith", "STAR*")) == V{10});
    CHECK(ids(t.qs().filter("s__iendswith", "T?")) == V{12});
    CHECK(ids(t.qs().filter("s", "what?")) == V{12});
}

TEST_CASE("quotes, backslash and the empty string", "[lookups][text][escape]") {
    Texts t;
    CHECK(ids(t.qs().filter("s__contains", "'")) == V{7, 27});
    CHECK(ids(t.qs().filter("s__iexact", "o'brien")) == V{7});
    CHECK(ids(t.qs().filter("s", "'; DROP TABLE lk_txt; --")) == V{27});
    CHECK(ids(t.qs().filter("s__contains", "\"hi\"")) == V{8});
    CHECK(ids(t.qs().filter("s__icontains", "SAY \"")) == V{8});
    CHECK(ids(t.qs().filter("s__contains", "\\")) == V{9});
    CHECK(ids(t.qs().filter("s__icontains", "\\")) == V{9});
    CHECK(ids(t.qs().filter("s__istartswith", "BACK\\")) == V{9});
    CHECK(ids(t.qs().filter("s__iendswith", "\\SLASH")) == V{9});
    CHECK(ids(t.qs().filter("s", "back\\slash")) == V{9});
    CHECK(ids(t.qs().filter("s__iexact", "BACK\\SLASH")) == V{9});
    CHECK(ids(t.qs().filter("s", "")) == V{16});
    CHECK(ids(t.qs().filter("s__iexact", "")) == V{16});
    CHECK(ids(t.qs().filter("s__contains", "")) == all_txt());
    CHECK(ids(t.qs().filter("s__icontains", "")) == all_txt());
    CHECK(ids(t.qs().filter("s__startswith", "")) == all_txt());
    CHECK(ids(t.qs().filter("s__iendswith", "")) == all_txt());
    CHECK(ids(t.qs().filter("s__in", {"Hello World", "axb", "nope", ""})) == V{1, 6, 16});
    CHECK(t.qs().count() == static_cast<std::int64_t>(txt_rows().size())); // nothing dropped
}

TEST_CASE("every hostile string, as every pattern lookup, matches what a plain string search finds",
          "[lookups][text][escape][unicode]") {
    Texts t;
    std::vector<std::string> needles = txt_rows();
    for (const char* extra : {"%", "_", "\\", "*", "?", "[", "]", "'", "\"", "%%", "\\%", "[*]",
                              "a%b_c\\d*e?f[g]h", "o", "O", "L"})
        needles.emplace_back(extra);
    for (const auto& extra : {s8(u8"é"), s8(u8"Ü"), s8(u8"ß"), s8(u8"Σσς"), s8(u8"ВА"), s8(u8"😀")})
        needles.push_back(extra);
    using dorm::detail::fold_case;
    for (const auto& needle : needles) {
        INFO("needle: " << needle);
        V exact, iexact, contains, icontains, starts, istarts, ends, iends;
        const std::string fn = fold_case(needle);
        for (std::size_t i = 0; i < txt_rows().size(); ++i) {
            const std::string& hay = txt_rows()[i];
            const std::string fh = fold_case(hay);
            const auto id = static_cast<std::int64_t>(i + 1);
            if (hay == needle)
                exact.push_back(id);
            if (fh == fn)
                iexact.push_back(id);
            if (hay.find(needle) != std::string::npos)
                contains.push_back(id);
            if (fh.find(fn) != std::string::npos)
                icontains.push_back(id);
            if (hay.starts_with(needle))
                starts.push_back(id);
            if (fh.starts_with(fn))
                istarts.push_back(id);
            if (hay.ends_with(needle))
                ends.push_back(id);
            if (fh.ends_with(fn))
                iends.push_back(id);
        }
        CHECK(ids(t.qs().filter("s", needle)) == exact);
        CHECK(ids(t.qs().filter("s__iexact", needle)) == iexact);
        CHECK(ids(t.qs().filter("s__contains", needle)) == contains);
        CHECK(ids(t.qs().filter("s__icontains", needle)) == icontains);
        CHECK(ids(t.qs().filter("s__startswith", needle)) == starts);
        CHECK(ids(t.qs().filter("s__istartswith", needle)) == istarts);
        CHECK(ids(t.qs().filter("s__endswith", needle)) == ends);
        CHECK(ids(t.qs().filter("s__iendswith", needle)) == iends);
        CHECK(ids(t.qs().filter("s__in", {needle})) == exact);
    }
}

TEST_CASE("regex and iregex are Python re syntax (PCRE2), searched anywhere",
          "[lookups][text][regex]") {
    Texts t;
    CHECK(ids(t.qs().filter("s__regex", "^Hello")) == V{1});
    CHECK(ids(t.qs().filter("s__iregex", "^hello")) == V{1, 2});
    CHECK(ids(t.qs().filter("s__regex", "World$")) == V{1});
    CHECK(ids(t.qs().filter("s__regex", "o W")) == V{1});             // not anchored: a search
    CHECK(ids(t.qs().filter("s__regex", "Hello(?= World)")) == V{1}); // lookahead
    CHECK(ids(t.qs().filter("s__regex", "\\d+%")) == V{3});
    CHECK(ids(t.qs().filter("s__regex", "^\\d+ \\w+")) == V{4});
    CHECK(ids(t.qs().filter("s__regex", "^$")) == V{16});
    CHECK(ids(t.qs().filter("s__regex", "\\[a\\]")) == V{14});
    CHECK(ids(t.qs().filter("s__regex", "^a.b$")) == V{5, 6, 26});
    CHECK(ids(t.qs().filter("s__regex", "^a\\.b$")) == V{});
    CHECK(ids(t.qs().filter("s__regex", "\\\\")) == V{9});
    CHECK(ids(t.qs().filter("s__regex", "'")) == V{7, 27});
    CHECK(ids(t.qs().filter("s__iregex", "strasse")) == V{20});
    CHECK(ids(t.qs().filter("s__regex", s8(u8"^Ünï"))) == V{17});
    // iregex ignores case in Unicode, as re.IGNORECASE (Django's iregex is '(?i)' + pattern).
    CHECK(ids(t.qs().filter("s__iregex", s8(u8"^ünï"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s__iregex", s8(u8"МОСКВА$"))) == V{23, 24});
    CHECK(ids(t.qs().filter("s__iregex", "\\S+ \\S+")) == V{1, 2, 4, 8, 25, 27});
    CHECK(ids(t.qs().filter("s__iregex", "^\\D")) == V{1,  2,  5,  6,  7,  8,  9,  10,
                                                       11, 12, 13, 14, 15, 17, 18, 19,
                                                       20, 21, 22, 23, 24, 25, 26, 27});
    // Unicode classes and code points, as Python 3's str patterns (checked against re):
    // \w is any letter, digit or _; '.' is one code point, not one byte.
    CHECK(ids(t.qs().filter("s__regex", "^\\w+$")) ==
          V{5, 6, 11, 13, 15, 17, 18, 19, 20, 21, 22, 23, 24});
    CHECK(ids(t.qs().filter("s__regex", "^[^\\W\\d_]+$")) ==
          V{6, 11, 13, 15, 17, 18, 19, 20, 21, 22, 23, 24});
    CHECK(ids(t.qs().filter("s__regex", "^.{6}$")) == V{19, 23, 24});
    CHECK(ids(t.qs().filter("s__regex", "^.{7}$")) == V{3, 7, 17, 18, 20, 21, 22});
    CHECK(ids(t.qs().filter("s__regex", "\\w\\W\\w")) == V{1, 2, 3, 4, 7, 9, 10, 26, 27});
    CHECK(ids(t.qs().filter("s__iregex", s8(u8"ΣΊΣΥΦΟΣ"))) == V{21, 22}); // final ς too
    CHECK(ids(t.qs().filter("s__iregex", s8(u8"straße"))) == V{19});      // ß is not ss
    CHECK(ids(t.qs().filter("s__regex", "(?i)STRASSE")) == V{20});
    CHECK(ids(t.qs().filter("s__regex", "(?P<x>[ab])_(?P=x)")) == V{});
    CHECK(ids(t.qs().filter("s__regex", "(?P<x>l)(?P=x)")) == V{1, 2});
}

// A table of a few rows, for the regex cases below.
struct TextRows {
    dorm::Database db;
    explicit TextRows(const std::vector<std::string>& rows) {
        dorm::create_tables<Txt>(db);
        for (const auto& r : rows) {
            if (!dorm::detail::utf8_problem(r).empty()) {
                // save() refuses text that is not UTF-8; another program may have written it.
                std::string hex;
                for (unsigned char c : r) {
                    hex += "0123456789abcdef"[c >> 4];
                    hex += "0123456789abcdef"[c & 15];
                }
                db.exec("INSERT INTO lk_txt (s) VALUES (CAST(X'" + hex + "' AS TEXT))");
                continue;
            }
            Txt t;
            t.s = r;
            t.save(db);
        }
    }
    dorm::QuerySet<Txt> qs() { return Txt::objects().using_(db); }
};

TEST_CASE("regex follows Python's re on Unicode text", "[lookups][text][regex]") {
    TextRows t({s8(u8"école"), s8(u8"ÉCOLE"), s8(u8"café au lait"), s8(u8"٣ (Arabic-Indic three)"),
                "line\n", s8(u8"🙂"), "abc"});
    CHECK(ids(t.qs().filter("s__regex", "^\\w")) ==
          V{1, 2, 3, 4, 5, 7}); // é, ٣ are word characters
    CHECK(ids(t.qs().filter("s__regex", "^[^\\W\\d]")) == V{1, 2, 3, 5, 7});
    CHECK(ids(t.qs().filter("s__regex", s8(u8"\\bau\\b"))) == V{3});
    CHECK(ids(t.qs().filter("s__iregex", s8(u8"ÉCOLE"))) == V{1, 2});
    CHECK(ids(t.qs().filter("s__iregex", s8(u8"^é"))) == V{1, 2});
    CHECK(ids(t.qs().filter("s__regex", s8(u8"ÉCOLE"))) == V{2});
    CHECK(ids(t.qs().filter("s__regex", "^\\d")) == V{4});   // any decimal digit, as re
    CHECK(ids(t.qs().filter("s__regex", "^.$")) == V{6});    // one code point
    CHECK(ids(t.qs().filter("s__regex", "line$")) == V{5});  // $ before a final newline
    CHECK(ids(t.qs().filter("s__regex", "line\\Z")) == V{}); // \Z: only at the very end
    CHECK(ids(t.qs().filter("s__regex", "line.")) == V{});   // '.' is not a newline
    CHECK(ids(t.qs().filter("s__regex", "(?s)line.")) == V{5});
    // A backreference to a group that does not exist is an error, as in re; \101 is octal.
    CHECK_THROWS_AS(t.qs().filter("s__regex", "\\10"), dorm::ValueError);
    CHECK(ids(t.qs().filter("s__regex", "\\101\\x62")) == V{}); // "Ab"
    CHECK(ids(t.qs().filter("s__iregex", "\\101\\x62")) == V{4, 7});
    CHECK(ids(t.qs().filter("s__regex", "(b)\\1|(c)")) == V{1, 3, 4, 7});
}

TEST_CASE("regex searches are bounded: catastrophic patterns give errors, not hangs or crashes",
          "[lookups][text][regex][limits]") {
    // std::regex recursed once per character (a 100 KB row overflowed the stack) and
    // backtracked without limit; PCRE2 runs with match, depth and heap limits.
    const std::string a100k(100'000, 'a');
    const std::string a30k(30'000, 'a');
    const std::string a1m(1'000'000, 'a');
    TextRows t({a100k, a30k, a1m + "b", a1m, std::string(28, 'a') + "!", std::string(20, 'a'),
                "a\xff\xfe b", "ok"});
    CHECK(ids(t.qs().filter("s__regex", "a*b")) == V{3, 7});
    CHECK(ids(t.qs().filter("s__regex", "^a*b$")) == V{3});
    CHECK(ids(t.qs().filter("s__regex", "(a|b)*c")) == V{});
    CHECK(ids(t.qs().filter("s__regex", "(a|b)*b")) == V{3, 7});
    CHECK(ids(t.qs().filter("s__regex", "^(a|b)+$")) == V{1, 2, 3, 4, 6});
    CHECK(ids(t.qs().filter("s__iregex", "^A{60000}")) == V{1, 3, 4});

    // Exponential backtracking: PCRE2's match limit stops it; an OperationalError that
    // names the lookup and the pattern. Python's re (Django) would run for hours.
    const auto catastrophic = t.qs().filter("s__regex", "^(a+)+$");
    REQUIRE_THROWS_AS(catastrophic.count(), dorm::OperationalError);
    REQUIRE_THROWS_WITH(ids(t.qs().filter("s__iregex", "^(a+)+$")),
                        Contains("iregex") && Contains("'^(a+)+$'") && Contains("limit"));
    try {
        (void)catastrophic.count();
    } catch (const dorm::OperationalError& e) {
        CHECK(e.code == dorm::sql::function_limit_code);
    }
    // A pattern with no required character that rescans a long text from every starting
    // position: quadratic in its length, which PCRE2's step limit does not count under
    // the JIT; the per-row time limit (or the step limit) stops it.
    std::string ab;
    for (int i = 0; i < 500'000; ++i)
        ab += "ab";
    TextRows long_text({ab});
    REQUIRE_THROWS_WITH(long_text.qs().filter("s__regex", "(a|b)*[cd]").count(),
                        Contains("regex: the search for '(a|b)*[cd]' in a text of 1000000 bytes "
                                 "gave up"));
    CHECK(long_text.qs().filter("s__regex", "(a|b)*c").count() == 0); // no c: found at once
    CHECK(long_text.qs().filter("s__regex", "^(ab)+$").count() == 1);
    // The same pattern on text it matches quickly is fine.
    TextRows quick({std::string(20, 'a'), "b"});
    CHECK(ids(quick.qs().filter("s__regex", "^(a+)+$")) == V{1});

    // Patterns that do not compile are ValueErrors when the filter is built: a repeated
    // quantifier (re: "multiple repeat"), 100,000 nested groups (std::regex overflowed the
    // stack compiling it), a backreference to group 99999999999999999999 (a signed
    // overflow in libstdc++; re: "invalid group reference").
    CHECK_THROWS_AS(t.qs().filter("s__regex", "a********b"), dorm::ValueError);
    const std::string nested = std::string(100'000, '(') + std::string(100'000, ')');
    CHECK_THROWS_WITH(t.qs().filter("s__regex", nested), Contains("invalid regular expression"));
    CHECK_THROWS_AS(t.qs().filter("s__iregex", nested), dorm::ValueError);
    CHECK_THROWS_AS(t.qs().filter("s__regex", "\\99999999999999999999"), dorm::ValueError);
    // 250 nested groups are allowed.
    CHECK(ids(t.qs().filter("s__regex", std::string(250, '(') + "ok" + std::string(250, ')'))) ==
          V{8});

    // Invalid UTF-8 in the text matches nothing where it stands, and breaks nothing else.
    CHECK(ids(t.qs().filter("s__regex", " b$")) == V{7});
    CHECK(ids(t.qs().filter("s__regex", "^a.. b")) == V{});
    // The connection still works after the errors.
    CHECK(t.qs().filter("s__regex", "^ok$").count() == 1);
}

TEST_CASE("search matches rows that contain every word, in any case and order",
          "[lookups][text][search]") {
    Texts t;
    CHECK(ids(t.qs().filter("s__search", "hello world")) == V{1, 2});
    CHECK(ids(t.qs().filter("s__search", "WORLD   hello")) == V{1, 2});
    CHECK(ids(t.qs().filter("s__search", "hello party")) == V{});
    CHECK(ids(t.qs().filter("s__search", "off 50")) == V{3, 4});
    CHECK(ids(t.qs().filter("s__search", "percent")) == V{4});
    CHECK(ids(t.qs().filter("s__search", s8(u8"ünï CÖDÉ"))) == V{17, 18});
    CHECK(ids(t.qs().filter("s__search", s8(u8"PARTY 😀"))) == V{25});
    // Latin 'o' only: not ö (17, 18) nor Cyrillic о (23, 24).
    CHECK(ids(t.qs().filter("s__search", "o")) == V{1, 2, 3, 4, 7, 10, 11, 25, 27});
    CHECK(ids(t.qs().exclude("s__search", "O")) ==
          V{5, 6, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 26});
}

TEST_CASE("pattern lookups against another column (F)", "[lookups][text][F]") {
    Pairs t;
    // 3: % and _ in the other column are literal; 4: "a_b" is not a pattern for "axb";
    // 9: neither is "r*g" for "starXglob"; 5: every text contains, starts and ends with "".
    CHECK(ids(t.qs().filter("a__contains", F("b"))) == V{1, 3, 5, 8, 10, 11});
    CHECK(ids(t.qs().filter("a__icontains", F("b"))) == V{1, 2, 3, 5, 7, 8, 10, 11, 12, 13});
    CHECK(ids(t.qs().filter("a__startswith", F("b"))) == V{5, 10, 11});
    CHECK(ids(t.qs().filter("a__istartswith", F("b"))) == V{5, 7, 10, 11, 12});
    CHECK(ids(t.qs().filter("a__endswith", F("b"))) == V{1, 5, 11});
    CHECK(ids(t.qs().filter("a__iendswith", F("b"))) == V{1, 2, 5, 11, 12, 13});
    CHECK(ids(t.qs().filter("a", F("b"))) == V{11});
    CHECK(ids(t.qs().filter("a__iexact", F("b"))) == V{11, 12});
    // Row 6 (b NULL) never matches, and exclude keeps it.
    CHECK(ids(t.qs().exclude("a__contains", F("b"))) == V{2, 4, 6, 7, 9, 12, 13});
    CHECK(ids(t.qs().exclude("a__istartswith", F("b"))) == V{1, 2, 3, 4, 6, 8, 9, 13});
    CHECK(ids(t.qs().exclude("a__endswith", F("b"))) == V{2, 3, 4, 6, 7, 8, 9, 10, 12, 13});
    // A column against itself: every row but the NULL one.
    CHECK(ids(t.qs().filter("b__contains", F("b"))) == V{1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13});
}

// --------------------------------------------------------------------------------------------
// Combining conditions
// --------------------------------------------------------------------------------------------

TEST_CASE("Q trees: &, |, ~ and nesting", "[lookups][Q]") {
    Items t;
    CHECK(ids(t.qs().filter(Q("rating", 3) | Q("rating", 5))) == V{2, 3, 5});
    CHECK(ids(t.qs().filter(Q("rating", 3) & Q("other", 3))) == V{2});
    CHECK(ids(t.qs().filter(Q({{"rating", 3}, {"other", 3}}))) == V{2});
    CHECK(ids(t.qs().filter((Q("rating__gte", 3) | Q("other", 2)) & ~Q("id", 3))) == V{1, 2, 5});
    CHECK(ids(t.qs().filter(~(Q("rating", 3) | Q("rating", 1)))) == V{3, 4, 6, 7});
    CHECK(ids(t.qs().filter(~(Q("rating", 3) & Q("other", 3)))) == V{1, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().filter((Q("rating", 3) & ~Q("other", 3)) | Q("pk", 1))) == V{1, 5});
    CHECK(ids(t.qs().filter(~~Q("rating", 3))) == V{2, 5});
    CHECK(ids(t.qs().filter(Q("name__startswith", "e") |
                            (Q("rating__lt", 0) & Q("flag__isnull", true)))) == V{5, 6, 7});
    CHECK(ids(t.qs().filter(Q("day__year", 2005) & (Q("at__hour", 0) | Q("at__hour", 23)))) ==
          V{1, 2});
    CHECK(ids(t.qs().filter(~(Q("day__year", 2005) | Q("day__isnull", true)))) == V{3, 4, 5});
    CHECK(ids(t.qs().filter(Q() | Q("rating", 3))) == V{2, 5});
    CHECK(ids(t.qs().filter(Q())) == V{1, 2, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().exclude(Q("rating", 3) & ~Q("other", 3))) == V{1, 2, 3, 4, 6, 7});
    CHECK(ids(t.qs().exclude(~Q("rating", 3))) == V{2, 5});
    CHECK(ids(t.qs().filter(Q("rating", 3) | Q("rating", 5) | Q("rating", nullptr))) ==
          V{2, 3, 4, 5});
}

TEST_CASE("chained filters AND, and exclude(a, b) is NOT (a AND b)", "[lookups][Q]") {
    Items t;
    CHECK(ids(t.qs().filter("rating__gte", 1).filter("other__lte", 2)) == V{1, 3});
    CHECK(ids(t.qs().filter(Q("rating__gte", 1) | Q("other__lte", 2))) == V{1, 2, 3, 5, 7});
    CHECK(ids(t.qs().filter({{"rating__gte", 1}, {"other__lte", 2}})) == V{1, 3});
    CHECK(ids(t.qs().exclude({{"rating", 3}, {"other", 3}})) == V{1, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().exclude(Q("rating", 3) & Q("other", 3))) == V{1, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().exclude("rating", 3).exclude("other", 3)) == V{1, 3, 6, 7});
    CHECK(ids(t.qs().filter("rating", 3).exclude("other", 3)) == V{5});
    CHECK(ids(t.qs().exclude(Q("rating", 3) | Q("other", 3))) == V{1, 3, 6, 7});
}

TEST_CASE("in with a subquery: a queryset or a values_list", "[lookups][subquery]") {
    Items t;
    CHECK(ids(t.qs().filter("id__in", t.qs().filter("rating", 3))) == V{2, 5});
    CHECK(ids(t.qs().filter("pk__in", t.qs().filter("name__startswith", "e"))) == V{5, 7});
    CHECK(ids(t.qs().filter("id__in", t.qs().filter("rating", 3).values_list("id"))) == V{2, 5});
    CHECK(ids(t.qs().filter("id__in", t.qs().filter("rating", 3).values("id"))) == V{2, 5});
    CHECK(ids(t.qs().exclude("id__in", t.qs().filter("flag", true))) == V{2, 3, 5, 6});
    // Another column of the same table: the others of rows 1 and 3 are 2 and 1.
    CHECK(ids(t.qs().filter("rating__in", t.qs().filter("pk__in", {1, 3}).values_list("other"))) ==
          V{1});
    // A NULL in the subquery's column never matches.
    CHECK(ids(t.qs().filter("other__in", t.qs().values_list("rating"))) == V{2, 3, 4, 7});
    // A sliced subquery keeps its ordering and limit.
    CHECK(ids(t.qs().filter("id__in", t.qs().order_by("-id").slice(0, 2))) == V{6, 7});
    // NULL sorts first: 4, 6, 7, 1, ...
    CHECK(ids(t.qs().filter("id__in", t.qs().order_by("rating").slice(2, 4))) == V{1, 7});
    // none() as a subquery matches nothing (Django's EmptyResultSet), and excluding it nothing.
    CHECK(ids(t.qs().filter("id__in", t.qs().none())) == V{});
    CHECK(ids(t.qs().filter("id__in", t.qs().filter("rating", 3).none().values_list("id"))) == V{});
    CHECK(ids(t.qs().exclude("id__in", t.qs().none())) == V{1, 2, 3, 4, 5, 6, 7});
    CHECK(ids(t.qs().exclude("rating__in", t.qs().none().values_list("rating"))) ==
          V{1, 2, 3, 4, 5, 6, 7});
    // A subquery that matches nothing.
    CHECK(ids(t.qs().filter("id__in", t.qs().filter("rating__in", Values{}))) == V{});
    // A subquery on another model.
    for (const char* s : {"beta", "zeta", "nope"}) {
        Txt x;
        x.s = s;
        x.save(t.db);
    }
    CHECK(ids(t.qs().filter("name__in", Txt::objects().using_(t.db).values_list("s"))) == V{2, 6});
    CHECK(ids(t.qs().exclude(
              "name__in",
              Txt::objects().using_(t.db).filter("s__startswith", "z").values_list("s"))) ==
          V{1, 2, 3, 4, 5, 7});
}

// --------------------------------------------------------------------------------------------
// The same queries through Django
// --------------------------------------------------------------------------------------------

namespace {

// A fresh directory for the database files Django reads too; removed with its contents.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string templ =
            (std::filesystem::temp_directory_path() / "dorm_lookups_XXXXXX").string();
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        const char* dir = ::mkdtemp(buf.data());
        if (dir == nullptr)
            throw std::runtime_error("mkdtemp failed for " + templ);
        path = dir;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string db(const std::string& stem) const { return (path / (stem + ".sqlite3")).string(); }
};

dorm_test::OracleModel item_model() {
    using dorm_test::OracleField;
    return {.name = "Item",
            .table = "lk_item",
            .ordering = {"id"},
            .fields = {{.name = "id", .type = "AutoField", .primary_key = true},
                       {.name = "name", .type = "TextField"},
                       {.name = "note", .type = "TextField", .null = true},
                       {.name = "rating", .type = "IntegerField", .null = true},
                       {.name = "other", .type = "IntegerField", .null = true},
                       {.name = "score", .type = "FloatField", .null = true},
                       {.name = "flag", .type = "BooleanField", .null = true},
                       {.name = "day", .type = "DateField", .null = true},
                       {.name = "at", .type = "DateTimeField", .null = true}}};
}

dorm_test::OracleModel txt_model() {
    return {.name = "Txt",
            .table = "lk_txt",
            .ordering = {"id"},
            .fields = {{.name = "id", .type = "AutoField", .primary_key = true},
                       {.name = "s", .type = "TextField"}}};
}

// A Python string literal (JSON's escapes are Python's).
std::string py(const std::string& s) {
    return nlohmann::json(s).dump();
}

template <class QS>
nlohmann::json json_ids(const QS& qs) {
    nlohmann::json out = nlohmann::json::array();
    for (auto id : ids(qs))
        out.push_back(id);
    return out;
}

} // namespace

TEST_CASE("Django agrees: numbers, booleans, dates, NULL, Q trees, F and subqueries",
          "[lookups][django]") {
    const TempDir dir;
    const std::string path = dir.db("items");
    Items t(path);
    struct Case {
        std::string django; // a Django filter expression on Item.objects
        std::function<dorm::QuerySet<Item>()> dorm;
    };
    const std::vector<Case> cases = {
        {"filter(rating=3)", [&] { return t.qs().filter("rating", 3); }},
        {"filter(rating__gt=3)", [&] { return t.qs().filter("rating__gt", 3); }},
        {"filter(rating__lte=1)", [&] { return t.qs().filter("rating__lte", 1); }},
        {"filter(rating__in=[1, 5, None])",
         [&] {
             return t.qs().filter("rating__in", {1, 5, nullptr});
         }},
        {"exclude(rating__in=[1, None])",
         [&] {
             return t.qs().exclude("rating__in", {1, nullptr});
         }},
        {"exclude(rating__in=[])", [&] { return t.qs().exclude("rating__in", Values{}); }},
        {"filter(rating__range=(1, 3))",
         [&] {
             return t.qs().filter("rating__range", {1, 3});
         }},
        {"filter(rating=None)", [&] { return t.qs().filter("rating", nullptr); }},
        {"filter(rating__isnull=False)", [&] { return t.qs().filter("rating__isnull", false); }},
        {"exclude(rating=3)", [&] { return t.qs().exclude("rating", 3); }},
        {"exclude(rating__gt=0)", [&] { return t.qs().exclude("rating__gt", 0); }},
        {"exclude(rating=None)", [&] { return t.qs().exclude("rating", nullptr); }},
        {"exclude(rating__isnull=False)", [&] { return t.qs().exclude("rating__isnull", false); }},
        {"filter(pk__range=(2, 4))",
         [&] {
             return t.qs().filter("pk__range", {2, 4});
         }},
        {"filter(rating__gt=F('other'))", [&] { return t.qs().filter("rating__gt", F("other")); }},
        {"filter(rating=F('other'))", [&] { return t.qs().filter("rating", F("other")); }},
        {"exclude(rating=F('other'))", [&] { return t.qs().exclude("rating", F("other")); }},
        {"exclude(rating__gt=F('other'))",
         [&] { return t.qs().exclude("rating__gt", F("other")); }},
        {"filter(rating__gte=F('other') + 2)",
         [&] { return t.qs().filter("rating__gte", F("other") + 2); }},
        {"filter(score__gt=F('rating'))", [&] { return t.qs().filter("score__gt", F("rating")); }},
        {"filter(score__range=(1.5, 2.25))",
         [&] {
             return t.qs().filter("score__range", {1.5, 2.25});
         }},
        {"exclude(score__gt=1)", [&] { return t.qs().exclude("score__gt", 1); }},
        {"filter(flag=True)", [&] { return t.qs().filter("flag", true); }},
        {"exclude(flag=True)", [&] { return t.qs().exclude("flag", true); }},
        {"filter(flag__in=[False, None])",
         [&] {
             return t.qs().filter("flag__in", {false, nullptr});
         }},
        {"filter(note='')", [&] { return t.qs().filter("note", ""); }},
        {"filter(note__iexact=None)", [&] { return t.qs().filter("note__iexact", nullptr); }},
        {"exclude(note='x')", [&] { return t.qs().exclude("note", "x"); }},
        {"exclude(note__icontains='X')", [&] { return t.qs().exclude("note__icontains", "X"); }},
        {"filter(note__gt='')", [&] { return t.qs().filter("note__gt", ""); }},
        {"filter(name__range=('beta', 'delta'))",
         [&] {
             return t.qs().filter("name__range", {"beta", "delta"});
         }},
        {"filter(name__gt='epsilon')", [&] { return t.qs().filter("name__gt", "epsilon"); }},
        {"filter(day=date(2005, 7, 29))",
         [&] {
             return t.qs().filter("day", Date{2005, 7, 29});
         }},
        {"filter(day__lte='2005-01-02')", [&] { return t.qs().filter("day__lte", "2005-01-02"); }},
        {"filter(day__range=(date(2004, 2, 29), date(2005, 7, 28)))",
         [&] {
             return t.qs().filter("day__range", {Date{2004, 2, 29}, Date{2005, 7, 28}});
         }},
        {"filter(day__year=2005)", [&] { return t.qs().filter("day__year", 2005); }},
        {"filter(day__year__gte=2007)", [&] { return t.qs().filter("day__year__gte", 2007); }},
        {"filter(day__month=2, day__day=29)",
         [&] {
             return t.qs().filter({{"day__month", 2}, {"day__day", 29}});
         }},
        {"filter(day__quarter=1)", [&] { return t.qs().filter("day__quarter", 1); }},
        {"filter(day__week_day=1)", [&] { return t.qs().filter("day__week_day", 1); }},
        {"filter(day__week_day=2)", [&] { return t.qs().filter("day__week_day", 2); }},
        {"filter(day__week_day__gte=5)", [&] { return t.qs().filter("day__week_day__gte", 5); }},
        {"filter(day__iso_week_day=7)", [&] { return t.qs().filter("day__iso_week_day", 7); }},
        {"filter(day__week=1)", [&] { return t.qs().filter("day__week", 1); }},
        {"filter(day__week=53)", [&] { return t.qs().filter("day__week", 53); }},
        // Django 3.2 rewrites iso_year exact/gt/gte/lt/lte into a BETWEEN over the calendar
        // year (a bug fixed in Django 4.0), so only `in` is compared for iso_year; the
        // ISO-year test case above checks dorm against Django's documented meaning.
        {"filter(day__iso_year__in=[2008])",
         [&] { return t.qs().filter("day__iso_year__in", {2008}); }},
        {"filter(day__iso_year__in=[2004])",
         [&] { return t.qs().filter("day__iso_year__in", {2004}); }},
        {"exclude(day__year=2005)", [&] { return t.qs().exclude("day__year", 2005); }},
        {"exclude(day__week_day=1)", [&] { return t.qs().exclude("day__week_day", 1); }},
        {"filter(at=datetime(2005, 7, 29, 10, 30, 0, 250))",
         [&] { return t.qs().filter("at", DateTime(2005, 7, 29, 10, 30, 0, 250)); }},
        {"filter(at=datetime(2005, 7, 29, 10, 30))",
         [&] { return t.qs().filter("at", DateTime(2005, 7, 29, 10, 30)); }},
        {"filter(at__gt=datetime(2005, 7, 29, 10, 30))",
         [&] { return t.qs().filter("at__gt", DateTime(2005, 7, 29, 10, 30)); }},
        {"filter(at__lt=datetime(2005, 7, 28, 23, 59, 59, 999999))",
         [&] { return t.qs().filter("at__lt", DateTime(2005, 7, 28, 23, 59, 59, 999999)); }},
        {"filter(at__range=(datetime(2005, 7, 29), datetime(2005, 7, 29, 10, 30)))",
         [&] {
             return t.qs().filter("at__range",
                                  {DateTime(2005, 7, 29), DateTime(2005, 7, 29, 10, 30)});
         }},
        {"filter(at__date=date(2005, 7, 29))",
         [&] {
             return t.qs().filter("at__date", Date{2005, 7, 29});
         }},
        {"filter(at__date__lt=date(2005, 7, 29))",
         [&] {
             return t.qs().filter("at__date__lt", Date{2005, 7, 29});
         }},
        {"filter(at__time__gte=time(10, 30))",
         [&] {
             return t.qs().filter("at__time__gte", Time{10, 30});
         }},
        {"filter(at__time=time(10, 30, 0, 250))",
         [&] {
             return t.qs().filter("at__time", Time{10, 30, 0, 250});
         }},
        {"filter(at__time__lt=time(6, 7, 8))",
         [&] {
             return t.qs().filter("at__time__lt", Time{6, 7, 8});
         }},
        {"filter(at__year__gte=2005)", [&] { return t.qs().filter("at__year__gte", 2005); }},
        {"filter(at__week_day=6)", [&] { return t.qs().filter("at__week_day", 6); }},
        {"filter(at__iso_year__in=[2008])",
         [&] { return t.qs().filter("at__iso_year__in", {2008}); }},
        {"filter(at__week=1)", [&] { return t.qs().filter("at__week", 1); }},
        {"filter(at__quarter=3)", [&] { return t.qs().filter("at__quarter", 3); }},
        {"filter(at__hour=10)", [&] { return t.qs().filter("at__hour", 10); }},
        {"filter(at__minute__lt=7)", [&] { return t.qs().filter("at__minute__lt", 7); }},
        {"filter(at__second=59)", [&] { return t.qs().filter("at__second", 59); }},
        {"exclude(at__year=2005)", [&] { return t.qs().exclude("at__year", 2005); }},
        {"exclude(at__date=date(2005, 7, 29))",
         [&] {
             return t.qs().exclude("at__date", Date{2005, 7, 29});
         }},
        {"exclude(at__time__gte=time(10, 30))",
         [&] {
             return t.qs().exclude("at__time__gte", Time{10, 30});
         }},
        {"filter((Q(rating__gte=3) | Q(other=2)) & ~Q(id=3))",
         [&] { return t.qs().filter((Q("rating__gte", 3) | Q("other", 2)) & ~Q("id", 3)); }},
        {"filter(~(Q(rating=3) | Q(rating=1)))",
         [&] { return t.qs().filter(~(Q("rating", 3) | Q("rating", 1))); }},
        {"filter(~(Q(rating=3) & Q(other=3)))",
         [&] { return t.qs().filter(~(Q("rating", 3) & Q("other", 3))); }},
        {"filter((Q(rating=3) & ~Q(other=3)) | Q(pk=1))",
         [&] { return t.qs().filter((Q("rating", 3) & ~Q("other", 3)) | Q("pk", 1)); }},
        {"filter(~(Q(day__year=2005) | Q(day__isnull=True)))",
         [&] { return t.qs().filter(~(Q("day__year", 2005) | Q("day__isnull", true))); }},
        {"exclude(Q(rating=3) & ~Q(other=3))",
         [&] { return t.qs().exclude(Q("rating", 3) & ~Q("other", 3)); }},
        {"exclude(rating=3, other=3)",
         [&] {
             return t.qs().exclude({{"rating", 3}, {"other", 3}});
         }},
        {"exclude(rating=3).exclude(other=3)",
         [&] { return t.qs().exclude("rating", 3).exclude("other", 3); }},
        {"exclude(Q(rating=3) | Q(other=3))",
         [&] { return t.qs().exclude(Q("rating", 3) | Q("other", 3)); }},
        {"filter(rating__gte=1).filter(other__lte=2)",
         [&] { return t.qs().filter("rating__gte", 1).filter("other__lte", 2); }},
        {"filter(id__in=Item.objects.filter(rating=3))",
         [&] { return t.qs().filter("id__in", t.qs().filter("rating", 3)); }},
        {"exclude(id__in=Item.objects.filter(flag=True))",
         [&] { return t.qs().exclude("id__in", t.qs().filter("flag", true)); }},
        {"filter(other__in=Item.objects.values_list('rating'))",
         [&] { return t.qs().filter("other__in", t.qs().values_list("rating")); }},
        {"filter(day__year=None)", [&] { return t.qs().filter("day__year", nullptr); }},
        {"exclude(day__year=None)", [&] { return t.qs().exclude("day__year", nullptr); }},
        // Only a plain column on the right gets an IS NOT NULL guard, in both.
        {"exclude(rating__gte=F('other') + 2)",
         [&] { return t.qs().exclude("rating__gte", F("other") + 2); }},
        {"exclude(other__in=Item.objects.values_list('rating'))",
         [&] { return t.qs().exclude("other__in", t.qs().values_list("rating")); }},
        {"filter(rating__in=[])", [&] { return t.qs().filter("rating__in", Values{}); }},
        {"filter(id__in=Item.objects.none())",
         [&] { return t.qs().filter("id__in", t.qs().none()); }},
        {"exclude(id__in=Item.objects.none())",
         [&] { return t.qs().exclude("id__in", t.qs().none()); }},
        {"filter(name__contains=F('note'))",
         [&] { return t.qs().filter("name__contains", F("note")); }},
        {"exclude(name__contains=F('note'))",
         [&] { return t.qs().exclude("name__contains", F("note")); }},
        {"filter(name__startswith=F('note'))",
         [&] { return t.qs().filter("name__startswith", F("note")); }},
        {"filter(name__endswith=F('note'))",
         [&] { return t.qs().filter("name__endswith", F("note")); }},
        {"filter(name__iexact=F('note'))",
         [&] { return t.qs().filter("name__iexact", F("note")); }},
        {"filter(rating__in=Item.objects.filter(pk__in=[1, 3]).values_list('other', flat=True))",
         [&] {
             return t.qs().filter("rating__in",
                                  t.qs().filter("pk__in", {1, 3}).values_list("other"));
         }},
    };
    dorm_test::DjangoOracle oracle;
    oracle.add_model(item_model());
    for (std::size_t i = 0; i < cases.size(); ++i)
        oracle.query("q" + std::to_string(i), "list(Item.objects." + cases[i].django +
                                                  ".order_by('id').values_list('id', flat=True))");
    const auto res = oracle.run(path);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO("Django: Item.objects." << cases[i].django);
        INFO("SQL: " << res.sql("q" + std::to_string(i)));
        CHECK(json_ids(cases[i].dorm()) == res.result("q" + std::to_string(i)));
    }
}

TEST_CASE("Django agrees: iexact, icontains, istartswith, iendswith on ASCII hostile strings",
          "[lookups][django][escape]") {
    // Django on SQLite is ASCII-case-insensitive (LIKE) for all of these; for ASCII needles
    // and rows whose non-ASCII letters do not fold to ASCII, dorm must agree exactly, and both
    // must treat %, _ and \ literally.
    const TempDir dir;
    const std::string path = dir.db("texts");
    Texts t(path);
    dorm_test::DjangoOracle oracle;
    oracle.add_model(txt_model());
    std::vector<std::pair<std::string, std::string>> cases; // lookup, needle
    for (const char* needle : {"%",     "_",     "\\",  "'",      "\"",          "50%",   "50%_",
                               "A_B",   "%_OFF", "_b",  "BACK\\", "\\SLASH",     "[A]",   "T?",
                               "STAR*", "",      "o'b", "WORLD",  "hello world", "; drop"})
        for (const char* lookup : {"iexact", "icontains", "istartswith", "iendswith"})
            cases.emplace_back(lookup, needle);
    // regex agrees with Python's re for these patterns.
    for (const char* pattern : {"^Hello", "World$", "\\d+%", "^a.b$", "\\[a\\]", "^$"})
        cases.emplace_back("regex", pattern);
    cases.emplace_back("iregex", "^hello");
    for (std::size_t i = 0; i < cases.size(); ++i)
        oracle.query("q" + std::to_string(i), "list(Txt.objects.filter(s__" + cases[i].first + "=" +
                                                  py(cases[i].second) +
                                                  ").order_by('id').values_list('id', flat=True))");
    const auto res = oracle.run(path);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        INFO("s__" << cases[i].first << " = " << py(cases[i].second));
        INFO("Django SQL: " << res.sql("q" + std::to_string(i)));
        CHECK(json_ids(t.qs().filter("s__" + cases[i].first, cases[i].second)) ==
              res.result("q" + std::to_string(i)));
    }
}
