// The SQL text and parameters dorm generates (qs.sql(), and what count()/exists()/get() run),
// asserted exactly for representative where-trees. Values are always bound parameters: the
// last test cases prove that hostile values never change the SQL text.
#include <catch2/catch.hpp>

#include <dorm/detail/unicode.hpp>
#include <dorm/dorm.hpp>

#include <string>
#include <vector>

namespace Catch {
template <>
struct StringMaker<dorm::Value> {
    static std::string convert(const dorm::Value& v) { return v.repr(); }
};
} // namespace Catch

namespace {

using dorm::Date;
using dorm::DateTime;
using dorm::F;
using dorm::Q;
using dorm::Time;
using dorm::Value;
using dorm::Values;

std::string s8(std::u8string_view text) {
    return std::string(text.begin(), text.end());
}

struct Article : dorm::Model<Article> {
    std::int64_t id = 0;
    std::string headline;
    std::optional<std::string> subtitle;
    DateTime pub_date;
    std::optional<int> rating;
    std::optional<int> votes;
    bool published = false;
    static void define(dorm::ModelDef<Article>& m) {
        m.table("article").ordering({"-pub_date", "headline"});
        m.field("id", &Article::id, dorm::auto_pk);
        m.field("headline", &Article::headline, dorm::max_length(100));
        m.field("subtitle", &Article::subtitle);
        m.field("pub_date", &Article::pub_date);
        m.field("rating", &Article::rating);
        m.field("votes", &Article::votes);
        m.field("published", &Article::published);
    }
};

const std::string kCols =
    R"("article"."id", "article"."headline", "article"."subtitle", "article"."pub_date", )"
    R"("article"."rating", "article"."votes", "article"."published")";
const std::string kSelect = "SELECT " + kCols + R"( FROM "article")";
const std::string kOrder = R"( ORDER BY "article"."pub_date" DESC, "article"."headline" ASC)";
const std::string H = R"("article"."headline")";
const std::string S = R"("article"."subtitle")";
const std::string R = R"("article"."rating")";
const std::string VOTES = R"("article"."votes")";
const std::string ID = R"("article"."id")";
const std::string PUB = R"("article"."pub_date")";

// The SELECT of Article with this WHERE clause and the default (Meta) ordering.
std::string where(const std::string& w) {
    return kSelect + " WHERE " + w + kOrder;
}

dorm::Manager<Article> objects() {
    return Article::objects();
}

// Reference escapes, written independently of dorm's.
std::string glob_literal(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '*' || c == '?' || c == '[')
            out += std::string("[") + c + "]";
        else
            out += c;
    }
    return out;
}
std::string like_literal(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '%' || c == '_' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

std::string transform_sql(const char* fn, dorm::TransformKind k, const std::string& col) {
    return std::string(fn) + "(" + std::to_string(static_cast<int>(k)) + ", " + col + ")";
}

// The statements a database ran, with their parameters.
struct Recorder {
    dorm::Database db;
    std::vector<std::pair<std::string, Values>> ran;
    Recorder() {
        dorm::create_tables<Article>(db);
        db.set_query_log(
            [this](const dorm::LoggedQuery& q) { ran.emplace_back(std::string(q.sql), q.params); });
    }
    dorm::QuerySet<Article> qs() { return Article::objects().using_(db); }
};

} // namespace

TEST_CASE("SELECT of all rows: every column, Meta ordering, no parameters", "[sql]") {
    const auto c = objects().all().sql();
    CHECK(c.text == kSelect + kOrder);
    CHECK(c.params.empty());
}

TEST_CASE("exact and IS NULL", "[sql]") {
    auto c = objects().filter("headline", "x").sql();
    CHECK(c.text == where(H + " = ?"));
    CHECK(c.params == Values{"x"});

    c = objects().filter("rating", 3).sql();
    CHECK(c.text == where(R + " = ?"));
    CHECK(c.params == Values{3});

    c = objects().filter("published", true).sql();
    CHECK(c.text == where(R"("article"."published" = ?)"));
    CHECK(c.params == Values{true});

    c = objects().filter("pk", 7).sql();
    CHECK(c.text == where(ID + " = ?"));
    CHECK(c.params == Values{7});

    for (const char* key : {"rating", "rating__exact"}) {
        c = objects().filter(key, nullptr).sql();
        CHECK(c.text == where(R + " IS NULL"));
        CHECK(c.params.empty());
    }
    c = objects().filter("subtitle__iexact", nullptr).sql();
    CHECK(c.text == where(S + " IS NULL"));
    c = objects().filter("rating__isnull", true).sql();
    CHECK(c.text == where(R + " IS NULL"));
    CHECK(c.params.empty());
    c = objects().filter("rating__isnull", false).sql();
    CHECK(c.text == where(R + " IS NOT NULL"));
    CHECK(c.params.empty());
}

TEST_CASE("comparisons bind values of the field's type", "[sql]") {
    auto c = objects().filter("rating__gt", 3).sql();
    CHECK(c.text == where(R + " > ?"));
    CHECK(c.params == Values{3});
    c = objects().filter("rating__gte", 3.0).sql(); // an integral real becomes an integer
    CHECK(c.text == where(R + " >= ?"));
    CHECK(c.params == Values{3});
    c = objects().filter("pub_date__lt", Date{2005, 7, 29}).sql(); // a date widens to midnight
    CHECK(c.text == where(PUB + " < ?"));
    CHECK(c.params == Values{DateTime(2005, 7, 29)});
    c = objects().filter("pub_date__lte", "2005-07-29 10:30:00.000250").sql();
    CHECK(c.text == where(PUB + " <= ?"));
    CHECK(c.params == Values{DateTime(2005, 7, 29, 10, 30, 0, 250)});
}

TEST_CASE("pattern lookups: GLOB for case-sensitive, folded LIKE for the i-lookups",
          "[sql][escape]") {
    const std::string like = "dorm_fold(" + H + ") LIKE ? ESCAPE '\\'";
    const std::string glob = H + " GLOB ?";
    struct Case {
        const char* lookup;
        std::string value;
        std::string sql;
        std::string param;
    };
    const std::vector<Case> cases = {
        {"contains", "50%_", glob, "*50%_*"}, // % and _ are not special in GLOB
        {"contains", "a*b?c[d]", glob, "*a[*]b[?]c[[]d]*"},
        {"contains", "back\\slash", glob, "*back\\slash*"},
        {"contains", "", glob, "**"},
        {"startswith", "x*", glob, "x[*]*"},
        {"startswith", "Wo", glob, "Wo*"},
        {"endswith", "?", glob, "*[?]"},
        {"endswith", "]", glob, "*]"},
        {"icontains", "50%", like, "%50\\%%"},
        {"icontains", "A_B\\", like, "%a\\_b\\\\%"},
        {"icontains", "*?[", like, "%*?[%"}, // not special in LIKE
        {"istartswith", "X_", like, "x\\_%"},
        {"iendswith", "\\", like, "%\\\\"},
        {"iendswith", s8(u8"ÉCOLE"), like, s8(u8"%école")},
        {"icontains", s8(u8"ΣΊΣΥΦΟΣ"), like, s8(u8"%σίσυφοσ%")},
    };
    for (const auto& k : cases) {
        INFO("headline__" << k.lookup << " " << k.value);
        const auto c = objects().filter(std::string("headline__") + k.lookup, k.value).sql();
        CHECK(c.text == where(k.sql));
        CHECK(c.params == Values{k.param});
    }

    auto c = objects().filter("headline__iexact", s8(u8"ÉCOLE 50%")).sql();
    CHECK(c.text == where("dorm_fold(" + H + ") = ?"));
    CHECK(c.params == Values{s8(u8"école 50%")}); // = compares: nothing to escape

    c = objects().filter("headline__regex", "^a.*[b]$").sql();
    CHECK(c.text == where("dorm_regexp(" + H + ", ?, 0)"));
    CHECK(c.params == Values{"^a.*[b]$"});
    c = objects().filter("headline__iregex", "^A").sql();
    CHECK(c.text == where("dorm_regexp(" + H + ", ?, 1)"));
    CHECK(c.params == Values{"^A"}); // the pattern is folded by dorm_regexp, not here

    c = objects().filter("headline__search", "Foo  50%\tbar").sql();
    CHECK(c.text == where("(" + like + " AND " + like + " AND " + like + ")"));
    CHECK(c.params == Values{"%foo%", "%50\\%%", "%bar%"});
}

TEST_CASE("pattern lookups on numbers, booleans and dates compare the value's text",
          "[sql][escape][any_field]") {
    const std::string P = R"("article"."published")";
    struct Case {
        std::string key;
        Value value;
        std::string sql;
        Value param;
    };
    // The value's text is Python's str() of it (Django's prepare_rhs=False); the column is
    // converted to text by SQLite itself (GLOB, LIKE and dorm_fold take text).
    const std::vector<Case> cases = {
        {"rating__contains", 1, R + " GLOB ?", "*1*"},
        {"rating__contains", "*?[", R + " GLOB ?", "*[*][?][[]*"},
        {"rating__startswith", 2.5, R + " GLOB ?", "2.5*"},
        {"rating__endswith", 4.0, R + " GLOB ?", "*4.0"},
        {"rating__endswith", -1e20, R + " GLOB ?", "*-1e+20"},
        {"rating__contains", 1e-5, R + " GLOB ?", "*1e-05*"},
        {"rating__contains", 0.1 + 0.2, R + " GLOB ?", "*0.30000000000000004*"},
        {"rating__contains", 1e15, R + " GLOB ?", "*1000000000000000.0*"},
        {"rating__contains", 1e16, R + " GLOB ?", "*1e+16*"},
        {"rating__contains", 1e-4, R + " GLOB ?", "*0.0001*"},
        {"rating__contains", -0.0, R + " GLOB ?", "*-0.0*"},
        {"rating__contains", 123.456, R + " GLOB ?", "*123.456*"},
        {"rating__contains", 1.5e300, R + " GLOB ?", "*1.5e+300*"},
        {"rating__icontains", "1%_", "dorm_fold(" + R + ") LIKE ? ESCAPE '\\'", "%1\\%\\_%"},
        {"rating__istartswith", "\\", "dorm_fold(" + R + ") LIKE ? ESCAPE '\\'", "\\\\%"},
        {"rating__iexact", 3, "dorm_fold(" + R + ") = ?", "3"},
        {"rating__iexact", "'3'", "dorm_fold(" + R + ") = ?", "'3'"},
        {"published__contains", true, P + " GLOB ?", "*True*"},
        {"published__iexact", false, "dorm_fold(" + P + ") = ?", "false"},
        {"pub_date__startswith", Date{2005, 7, 29}, PUB + " GLOB ?", "2005-07-29*"},
        {"pub_date__contains", DateTime(2005, 7, 29, 10, 30, 0, 250), PUB + " GLOB ?",
         "*2005-07-29 10:30:00.000250*"},
        {"pub_date__iendswith", Time(10, 30), "dorm_fold(" + PUB + ") LIKE ? ESCAPE '\\'",
         "%10:30:00"},
    };
    for (const auto& k : cases) {
        INFO(k.key << " " << k.value.repr());
        const auto c = objects().filter(k.key, k.value).sql();
        CHECK(c.text == where(k.sql));
        CHECK(c.params == Values{k.param});
    }

    auto c = objects().filter("rating__regex", "^[45]$").sql();
    CHECK(c.text == where("dorm_regexp(" + R + ", ?, 0)"));
    CHECK(c.params == Values{"^[45]$"});
    c = objects().filter("pub_date__year__startswith", 200).sql();
    CHECK(c.text ==
          where(transform_sql("dorm_extract", dorm::TransformKind::Year, PUB) + " GLOB ?"));
    CHECK(c.params == Values{"200*"});
    // iexact=None is IS NULL on any field.
    c = objects().filter("rating__iexact", nullptr).sql();
    CHECK(c.text == where(R + " IS NULL"));
    CHECK(c.params.empty());
    // Booleans are ordered (false < true), as Django's BooleanField.
    c = objects().filter("published__gt", false).sql();
    CHECK(c.text == where(P + " > ?"));
    CHECK(c.params == Values{false});
    c = objects().filter("published__range", Values{false, true}).sql();
    CHECK(c.text == where(P + " BETWEEN ? AND ?"));
    CHECK(c.params == Values{false, true});
}

TEST_CASE("in-lists, the empty list, and range", "[sql]") {
    auto c = objects().filter("id__in", {1, 2, 3}).sql();
    CHECK(c.text == where(ID + " IN (?, ?, ?)"));
    CHECK(c.params == Values{1, 2, 3});

    c = objects().filter("rating__in", {1, nullptr, 2}).sql(); // NULL never matches: dropped
    CHECK(c.text == where(R + " IN (?, ?)"));
    CHECK(c.params == Values{1, 2});

    c = objects().filter("headline__in", std::vector<std::string>{"a", "b"}).sql();
    CHECK(c.text == where(H + " IN (?, ?)"));
    CHECK(c.params == Values{"a", "b"});

    // An empty list matches nothing: a constant false, no parameters.
    c = objects().filter("id__in", Values{}).sql();
    CHECK(c.text == where("0"));
    CHECK(c.params.empty());
    c = objects().filter("rating__in", {nullptr}).sql();
    CHECK(c.text == where("0"));
    c = objects().exclude("id__in", Values{}).sql();
    CHECK(c.text == where("NOT (0)"));
    c = objects().exclude("rating__in", Values{}).sql();
    CHECK(c.text == where("NOT (0 AND " + R + " IS NOT NULL)"));

    c = objects().filter("rating__range", {1, 5}).sql();
    CHECK(c.text == where(R + " BETWEEN ? AND ?"));
    CHECK(c.params == Values{1, 5});
    c = objects().filter("pub_date__range", {Date{2005, 1, 1}, "2005-12-31 23:59:59"}).sql();
    CHECK(c.text == where(PUB + " BETWEEN ? AND ?"));
    CHECK(c.params == Values{DateTime(2005, 1, 1), DateTime(2005, 12, 31, 23, 59, 59)});
}

TEST_CASE("transforms: dorm_extract and dorm_cast, then the comparison", "[sql][transform]") {
    using TK = dorm::TransformKind;
    auto c = objects().filter("pub_date__year", 2005).sql();
    CHECK(c.text == where(transform_sql("dorm_extract", TK::Year, PUB) + " = ?"));
    CHECK(c.params == Values{2005});
    c = objects().filter("pub_date__year__gte", 2005).sql();
    CHECK(c.text == where(transform_sql("dorm_extract", TK::Year, PUB) + " >= ?"));
    c = objects().filter("pub_date__week_day__in", {1, 7}).sql();
    CHECK(c.text == where(transform_sql("dorm_extract", TK::WeekDay, PUB) + " IN (?, ?)"));
    CHECK(c.params == Values{1, 7});
    c = objects().filter("pub_date__iso_year__range", {2004, 2008}).sql();
    CHECK(c.text == where(transform_sql("dorm_extract", TK::IsoYear, PUB) + " BETWEEN ? AND ?"));
    c = objects().filter("pub_date__date", Date{2005, 7, 29}).sql();
    CHECK(c.text == where(transform_sql("dorm_cast", TK::Date, PUB) + " = ?"));
    CHECK(c.params == Values{Date{2005, 7, 29}});
    c = objects().filter("pub_date__date__lt", "2005-07-29").sql();
    CHECK(c.text == where(transform_sql("dorm_cast", TK::Date, PUB) + " < ?"));
    CHECK(c.params == Values{Date{2005, 7, 29}});
    c = objects().filter("pub_date__time__gte", Time{10, 30}).sql();
    CHECK(c.text == where(transform_sql("dorm_cast", TK::Time, PUB) + " >= ?"));
    CHECK(c.params == Values{Time{10, 30}});
    c = objects().filter("pub_date__time__hour", 10).sql(); // a transform of a transform
    CHECK(c.text == where("dorm_extract(" + std::to_string(static_cast<int>(TK::Hour)) + ", " +
                          transform_sql("dorm_cast", TK::Time, PUB) + ") = ?"));
}

TEST_CASE("negation: NOT, with an IS NOT NULL guard for nullable columns", "[sql][null]") {
    auto c = objects().exclude("rating", 3).sql();
    CHECK(c.text == where("NOT (" + R + " = ? AND " + R + " IS NOT NULL)"));
    CHECK(c.params == Values{3});
    CHECK(objects().filter(~Q("rating", 3)).sql().text == c.text);

    c = objects().exclude("headline", "x").sql(); // not nullable: no guard
    CHECK(c.text == where("NOT (" + H + " = ?)"));

    c = objects().exclude("rating__gt", F("votes")).sql(); // both sides guarded
    CHECK(c.text == where("NOT (" + R + " > " + VOTES + " AND " + R + " IS NOT NULL AND " + VOTES +
                          " IS NOT NULL)"));
    CHECK(c.params.empty());

    c = objects().exclude("rating__isnull", true).sql(); // IS NULL needs no guard
    CHECK(c.text == where("NOT (" + R + " IS NULL)"));
    c = objects().exclude("rating", nullptr).sql();
    CHECK(c.text == where("NOT (" + R + " IS NULL)"));
    c = objects().exclude("rating__isnull", false).sql();
    CHECK(c.text == where("NOT (" + R + " IS NOT NULL)"));

    c = objects().exclude("subtitle__icontains", "x").sql();
    CHECK(c.text ==
          where("NOT (dorm_fold(" + S + ") LIKE ? ESCAPE '\\' AND " + S + " IS NOT NULL)"));

    // Double negation cancels, so no guard: ~ inside exclude.
    c = objects().exclude(Q("rating", 3) & ~Q("votes", 3)).sql();
    CHECK(c.text ==
          where("NOT ((" + R + " = ? AND " + R + " IS NOT NULL) AND NOT (" + VOTES + " = ?))"));
    CHECK(c.params == Values{3, 3});
}

TEST_CASE("AND/OR nesting and parentheses, parameters in text order", "[sql][Q]") {
    auto c = objects().filter(Q("rating", 3) | Q("rating", 5)).sql();
    CHECK(c.text == where("(" + R + " = ? OR " + R + " = ?)"));
    CHECK(c.params == Values{3, 5});

    c = objects().filter((Q("rating", 3) | Q("rating", 5)) & Q("headline", "x")).sql();
    CHECK(c.text == where("((" + R + " = ? OR " + R + " = ?) AND " + H + " = ?)"));
    CHECK(c.params == Values{3, 5, "x"});

    c = objects().filter(Q("rating", 3) | (Q("rating", 5) & Q("headline", "x"))).sql();
    CHECK(c.text == where("(" + R + " = ? OR (" + R + " = ? AND " + H + " = ?))"));
    CHECK(c.params == Values{3, 5, "x"});

    // a | b | c is flattened into one OR.
    c = objects().filter(Q("rating", 1) | Q("rating", 2) | Q("rating", 3)).sql();
    CHECK(c.text == where("(" + R + " = ? OR " + R + " = ? OR " + R + " = ?)"));

    c = objects().filter(~(Q("rating", 3) | Q("headline", "x"))).sql();
    CHECK(c.text == where("NOT ((" + R + " = ? AND " + R + " IS NOT NULL) OR " + H + " = ?)"));
    CHECK(c.params == Values{3, "x"});

    // Chained filters AND; exclude(a, b) is NOT (a AND b).
    c = objects().filter("rating", 3).filter("headline", "x").sql();
    CHECK(c.text == where("(" + R + " = ? AND " + H + " = ?)"));
    CHECK(c.params == Values{3, "x"});
    c = objects().exclude({{"rating", 3}, {"headline", "x"}}).sql();
    CHECK(c.text == where("NOT ((" + R + " = ? AND " + R + " IS NOT NULL) AND " + H + " = ?)"));
    CHECK(c.params == Values{3, "x"});
    c = objects().exclude("rating", 3).exclude("headline", "x").sql();
    CHECK(c.text ==
          where("(NOT (" + R + " = ? AND " + R + " IS NOT NULL) AND NOT (" + H + " = ?))"));

    // An empty Q says nothing: no WHERE at all.
    c = objects().filter(Q()).sql();
    CHECK(c.text == kSelect + kOrder);
    c = objects().filter(Q() | Q("rating", 3)).sql();
    CHECK(c.text == where(R + " = ?"));
}

TEST_CASE("F(): another column, arithmetic, and pattern lookups against a column", "[sql][F]") {
    auto c = objects().filter("rating__gt", F("votes")).sql();
    CHECK(c.text == where(R + " > " + VOTES));
    CHECK(c.params.empty());
    c = objects().filter("rating", F("votes") + 1).sql();
    CHECK(c.text == where(R + " = (" + VOTES + " + ?)"));
    CHECK(c.params == Values{1});
    c = objects().filter("rating__lt", (F("votes") - 1) * 2).sql();
    CHECK(c.text == where(R + " < ((" + VOTES + " - ?) * ?)"));
    CHECK(c.params == Values{1, 2});

    c = objects().filter("headline__contains", F("subtitle")).sql();
    CHECK(c.text == where("instr(" + H + ", " + S + ") > 0"));
    c = objects().filter("headline__icontains", F("subtitle")).sql();
    CHECK(c.text == where("instr(dorm_fold(" + H + "), dorm_fold(" + S + ")) > 0"));
    c = objects().filter("headline__startswith", F("subtitle")).sql();
    CHECK(c.text == where("substr(" + H + ", 1, length(" + S + ")) = " + S));
    c = objects().filter("headline__endswith", F("subtitle")).sql();
    CHECK(c.text ==
          where("(substr(" + H + ", -length(" + S + ")) = " + S + " OR length(" + S + ") = 0)"));
    c = objects().filter("headline__iexact", F("subtitle")).sql();
    CHECK(c.text == where("dorm_fold(" + H + ") = dorm_fold(" + S + ")"));
    c = objects().exclude("headline__contains", F("subtitle")).sql();
    CHECK(c.text == where("NOT (instr(" + H + ", " + S + ") > 0 AND " + S + " IS NOT NULL)"));
    CHECK(c.params.empty());
}

TEST_CASE("subqueries: a queryset stands for its primary keys", "[sql][subquery]") {
    auto c = objects().filter("id__in", objects().filter("rating", 3)).sql();
    CHECK(c.text ==
          where(ID + R"( IN (SELECT "article"."id" AS "pk" FROM "article" WHERE )" + R + " = ?)"));
    CHECK(c.params == Values{3});

    c = objects()
            .filter("rating__in", objects().filter("headline", "x").values_list("votes"))
            .sql();
    CHECK(c.text == where(R + R"( IN (SELECT "article"."votes" AS "votes" FROM "article" WHERE )" +
                          H + " = ?)"));
    CHECK(c.params == Values{"x"});

    // none() as a subquery is an empty list: a constant false.
    c = objects().filter("id__in", objects().filter("rating", 3).none()).sql();
    CHECK(c.text == where("0"));
    CHECK(c.params.empty());

    // A sliced subquery keeps its ordering and limit; parameters of both, in text order.
    c = objects()
            .filter("headline", "outer")
            .filter("id__in", objects().filter("rating", 3).slice(0, 2))
            .sql();
    CHECK(c.text == where("(" + H + " = ? AND " + ID +
                          R"( IN (SELECT "article"."id" AS "pk" FROM "article" WHERE )" + R +
                          " = ?" + kOrder + " LIMIT 2))"));
    CHECK(c.params == Values{"outer", 3});
}

TEST_CASE("ordering: Meta default, order_by, reverse, random", "[sql][order]") {
    CHECK(objects().order_by("headline").sql().text == kSelect + " ORDER BY " + H + " ASC");
    CHECK(objects().order_by("-rating", "pk").sql().text ==
          kSelect + " ORDER BY " + R + " DESC, " + ID + " ASC");
    CHECK(objects().reverse().sql().text == kSelect + " ORDER BY " + PUB + " ASC, " + H + " DESC");
    CHECK(objects().reverse().reverse().sql().text == kSelect + kOrder);
    CHECK(objects().order_by("headline").reverse().sql().text ==
          kSelect + " ORDER BY " + H + " DESC");
    CHECK(objects().order_by().sql().text == kSelect);
    CHECK(objects().order_by("?").sql().text == kSelect + " ORDER BY RANDOM()");
    // The last order_by() wins.
    CHECK(objects().order_by("headline").order_by("-id").sql().text ==
          kSelect + " ORDER BY " + ID + " DESC");
}

TEST_CASE("slicing: LIMIT and OFFSET", "[sql][slice]") {
    CHECK(objects().slice(2, 5).sql().text == kSelect + kOrder + " LIMIT 3 OFFSET 2");
    CHECK(objects().slice(0, 2).sql().text == kSelect + kOrder + " LIMIT 2");
    CHECK(objects().slice(3).sql().text == kSelect + kOrder + " LIMIT -1 OFFSET 3");
    CHECK(objects().slice(0, 2).slice(1).sql().text == kSelect + kOrder + " LIMIT 1 OFFSET 1");
    CHECK(objects().slice(1, 10).slice(2, 4).sql().text == kSelect + kOrder + " LIMIT 2 OFFSET 3");
    CHECK(objects().slice(4, 2).sql().text == kSelect + kOrder + " LIMIT 0 OFFSET 4");
    auto c = objects().filter("rating", 3).order_by("id").slice(10, 20).sql();
    CHECK(c.text == kSelect + " WHERE " + R + " = ? ORDER BY " + ID + " ASC LIMIT 10 OFFSET 10");
    CHECK(c.params == Values{3}); // limits are numbers in the text, never user strings
}

TEST_CASE("distinct, values and annotate with GROUP BY", "[sql][values]") {
    CHECK(objects().distinct().sql().text ==
          "SELECT DISTINCT " + kCols + R"( FROM "article")" + kOrder);

    auto c = objects().values("headline", "rating").sql();
    CHECK(c.text ==
          "SELECT " + H + R"( AS "headline", )" + R + R"( AS "rating" FROM "article")" + kOrder);
    // As Django documents under distinct(): the ordering's fields are selected too, so they
    // take part in DISTINCT (here Meta.ordering's pub_date; headline is already there).
    c = objects().values_list("headline").distinct().sql();
    CHECK(c.text ==
          "SELECT DISTINCT " + H + R"( AS "headline", )" + PUB + R"( FROM "article")" + kOrder);
    c = objects().values_list("headline").distinct().order_by("headline").sql();
    CHECK(c.text ==
          "SELECT DISTINCT " + H + R"( AS "headline" FROM "article" ORDER BY )" + H + " ASC");

    // values() then annotate(): GROUP BY the values; Meta.ordering does not apply (Django 3.1+).
    c = objects().values("rating").annotate("n", dorm::Count("id")).sql();
    CHECK(c.text == "SELECT " + R +
                        R"( AS "rating", COUNT("article"."id") AS "n" FROM "article" GROUP BY )" +
                        R);
    CHECK(c.params.empty());
    // distinct=true, which Count, Sum and Avg take.
    c = objects()
            .values("rating")
            .annotate({{"n", dorm::Count("id", true)},
                       {"s", dorm::Sum("id", true)},
                       {"a", dorm::Avg("id", true)}})
            .sql();
    CHECK(c.text ==
          "SELECT " + R +
              R"( AS "rating", COUNT(DISTINCT "article"."id") AS "n", )"
              R"(SUM(DISTINCT "article"."id") AS "s", AVG(DISTINCT "article"."id") AS "a" )"
              R"(FROM "article" GROUP BY )" +
              R);
    c = objects()
            .filter("published", true)
            .values("rating")
            .annotate("n", dorm::Count("id"))
            .order_by("-n")
            .sql();
    CHECK(c.text == "SELECT " + R +
                        R"( AS "rating", COUNT("article"."id") AS "n" FROM "article" WHERE )" +
                        R"("article"."published" = ? GROUP BY )" + R + R"( ORDER BY "n" DESC)");
    CHECK(c.params == Values{true});
    // A filter on the aggregate goes to HAVING.
    c = objects().values("rating").annotate("n", dorm::Count("id")).filter("n__gt", 1).sql();
    CHECK(c.text == "SELECT " + R +
                        R"( AS "rating", COUNT("article"."id") AS "n" FROM "article" GROUP BY )" +
                        R + R"( HAVING COUNT("article"."id") > ?)");
    CHECK(c.params == Values{1});
    // annotate() on objects groups by the primary key.
    c = objects().annotate("n", dorm::Count("id")).sql();
    CHECK(c.text ==
          "SELECT " + kCols + R"(, COUNT("article"."id") AS "n" FROM "article" GROUP BY )" + ID);
}

TEST_CASE("what count(), exists(), get() and none() run", "[sql][count]") {
    Recorder r;
    r.qs().filter("rating", 3).count();
    r.qs().filter("rating", 3).exists();
    r.qs().filter("rating", 3).slice(0, 2).count();
    r.qs().distinct().exists();
    r.qs().values("rating").annotate("n", dorm::Count("id")).count();
    try {
        r.qs().get("headline", "x");
    } catch (const Article::DoesNotExist&) {
    }
    r.qs().none().count(); // runs nothing
    r.qs().none().exists();
    const std::string where_r = " WHERE " + R + " = ?";
    const std::vector<std::pair<std::string, Values>> expected = {
        {R"(SELECT COUNT(*) FROM "article")" + where_r, {3}}, // no ORDER BY
        {R"(SELECT 1 FROM "article")" + where_r + " LIMIT 1", {3}},
        {"SELECT COUNT(*) FROM (" + kSelect + where_r + kOrder + " LIMIT 2) subquery", {3}},
        // The ordering of an unsliced subquery is dropped.
        {"SELECT 1 FROM (SELECT DISTINCT " + kCols + " FROM \"article\") subquery LIMIT 1", {}},
        {"SELECT COUNT(*) FROM (SELECT " + R +
             R"( AS "rating", COUNT("article"."id") AS "n" FROM "article" GROUP BY )" + R +
             ") subquery",
         {}},
        {kSelect + " WHERE " + H + " = ? LIMIT 21", {"x"}}, // get(): no ordering, 21 rows at most
    };
    REQUIRE(r.ran.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(r.ran[i].first == expected[i].first);
        CHECK(r.ran[i].second == expected[i].second);
    }
}

// The pattern that matches s literally in a regex (Python re syntax, PCRE2).
static std::string regex_literal(const std::string& s) {
    std::string out;
    for (char ch : s) {
        if (std::string_view("\\^$.|?*+()[]{}").find(ch) != std::string_view::npos)
            out += '\\';
        out += ch;
    }
    return out;
}

TEST_CASE("hostile values never reach the SQL text, the parameters carry them", "[sql][escape]") {
    const std::vector<std::string> hostile = {
        "'",
        "\"",
        "%",
        "_",
        "\\",
        "*",
        "?",
        "[",
        "]",
        "",
        "'; DROP TABLE article; --",
        "\" OR 1=1 --",
        "Robert'); DROP TABLE students;--",
        "?)) OR ((1=1",
        "\\' OR '1'='1",
        "%' ESCAPE '",
        "x\" GLOB \"*",
        "a%b_c\\d*e?f[g]h",
        std::string("nul\0byte", 8),
        s8(u8"é Ü ß Σσς Москва 😀"),
    };
    // Every lookup that takes one text value; the text must be the same as for a benign value.
    const std::vector<std::string> lookups = {"exact",      "iexact",      "contains", "icontains",
                                              "startswith", "istartswith", "endswith", "iendswith",
                                              "gt",         "lte",         "regex",    "iregex"};
    const auto fold = [](const std::string& s) { return dorm::detail::fold_case(s); };
    for (const auto& lookup : lookups) {
        const std::string key = "headline__" + lookup;
        const auto benign = objects().filter(key, "benign").sql();
        for (const auto& raw : hostile) {
            // A regex lookup takes a valid pattern: the hostile text, with its special
            // characters escaped, is what reaches the parameter.
            const bool is_regex = lookup == "regex" || lookup == "iregex";
            const std::string h = is_regex ? regex_literal(raw) : raw;
            INFO(key << " = [" << h << "]");
            const auto c = objects().filter(key, h).sql();
            // LIKE and GLOB stop at a NUL: such a value is compared as bytes, with its
            // length a parameter too.
            const bool pattern = lookup.find("contains") != std::string::npos ||
                                 lookup.find("with") != std::string::npos;
            if (pattern && h.find('\0') != std::string::npos) {
                CHECK(c.text.find(" AS BLOB)") != std::string::npos);
                const std::string b = lookup[0] == 'i' ? fold(h) : h;
                CHECK(c.params.back() == Value(dorm::Blob(b.begin(), b.end())));
                CHECK(c.params.size() == (lookup.find("contains") != std::string::npos ? 1u : 2u));
                continue;
            }
            CHECK(c.text == benign.text);
            if (h.size() >= 2)
                CHECK(c.text.find(h) == std::string::npos);
            REQUIRE(c.params.size() == 1);
            std::string expected = h;
            if (lookup == "iexact")
                expected = fold(h);
            if (lookup == "contains")
                expected = "*" + glob_literal(h) + "*";
            if (lookup == "startswith")
                expected = glob_literal(h) + "*";
            if (lookup == "endswith")
                expected = "*" + glob_literal(h);
            if (lookup == "icontains")
                expected = "%" + like_literal(fold(h)) + "%";
            if (lookup == "istartswith")
                expected = like_literal(fold(h)) + "%";
            if (lookup == "iendswith")
                expected = "%" + like_literal(fold(h));
            CHECK(c.params[0] == Value(expected));
        }
    }
    // Lists, pairs, search and exclude: the text never contains the value either.
    for (const auto& h : hostile) {
        INFO("[" << h << "]");
        std::vector<dorm::sql::Compiled> compiled = {
            objects().filter("headline__in", {h, "x"}).sql(),
            objects().filter("headline__range", {h, h + "z"}).sql(),
            objects().filter("headline__search", h).sql(),
            objects().exclude("subtitle__icontains", h).sql(),
            objects().filter(Q("headline", h) | ~Q("subtitle__startswith", h)).sql(),
            objects().filter("id__in", objects().filter("headline", h)).sql(),
        };
        for (const auto& c : compiled)
            if (h.size() >= 2)
                CHECK(c.text.find(h) == std::string::npos);
        CHECK(compiled[0].params == Values{h, "x"});
        CHECK(compiled[1].params == Values{h, h + "z"});
        CHECK(compiled[3].params.size() == 1);
        CHECK(compiled[4].params.size() == (h.find('\0') == std::string::npos ? 2u : 3u));
        CHECK(compiled[5].params == Values{h});
    }
}

TEST_CASE("hostile values round-trip through a real database", "[sql][escape]") {
    Recorder r;
    for (const char* h : {"'; DROP TABLE article; --", "\" OR 1=1 --", "50%_*?[x]\\"}) {
        Article a;
        a.headline = h;
        a.subtitle = h;
        a.save(r.db);
    }
    CHECK(r.qs().count() == 3);
    CHECK(r.qs().filter("headline", "'; DROP TABLE article; --").count() == 1);
    CHECK(r.qs().filter("headline__contains", "%_*?[").count() == 1);
    CHECK(r.qs().filter("subtitle__icontains", "\" or 1=1").count() == 1);
    CHECK(r.qs().exclude("headline__in", {"\" OR 1=1 --"}).count() == 2);
    CHECK(r.qs().count() == 3); // the table is still there, with every row
}

namespace {
struct Priced : dorm::Model<Priced> {
    std::int64_t id = 0;
    dorm::Decimal price;
    std::optional<dorm::Uuid> uid;
    dorm::Blob data;
    static void define(dorm::ModelDef<Priced>& m) {
        m.table("priced");
        m.field("id", &Priced::id, dorm::auto_pk);
        m.field("price", &Priced::price, dorm::max_digits(8), dorm::decimal_places(2));
        m.field("uid", &Priced::uid);
        m.field("data", &Priced::data);
    }
};
} // namespace

TEST_CASE("decimal, UUID and binary fields: Django's columns, values converted and bound",
          "[sql]") {
    using dorm::sql::column_definition;
    const dorm::ModelMeta& m = Priced::meta();
    CHECK(column_definition(*m.find("price")) == R"("price" decimal NOT NULL)");
    CHECK(column_definition(*m.find("uid")) == R"("uid" char(32) NULL)");
    CHECK(column_definition(*m.find("data")) == R"("data" BLOB NOT NULL)");

    const std::string select =
        R"(SELECT "priced"."id", "priced"."price", "priced"."uid", "priced"."data" FROM "priced")";
    auto c = Priced::objects().filter("price__gte", " 12.50 ").sql();
    CHECK(c.text == select + R"( WHERE "priced"."price" >= ?)");
    CHECK(c.params == Values{dorm::Decimal::from_string("12.50")});
    CHECK(c.params[0].repr() == "12.50"); // bound as the text Python's str(Decimal) gives

    c = Priced::objects().filter("price__range", Values{1, "2e1"}).sql();
    CHECK(c.text == select + R"( WHERE "priced"."price" BETWEEN ? AND ?)");
    CHECK(c.params == Values{dorm::Decimal(1), dorm::Decimal(20)});

    c = Priced::objects().filter("uid", "{12345678-1234-5678-1234-56781234567A}").sql();
    CHECK(c.text == select + R"( WHERE "priced"."uid" = ?)");
    CHECK(c.params == Values{dorm::Uuid::from_string("1234567812345678123456781234567a")});

    c = Priced::objects().filter("data__in", Values{dorm::Blob{'x', 0}, dorm::Blob{}}).sql();
    CHECK(c.text == select + R"( WHERE "priced"."data" IN (?, ?))");
    CHECK(c.params == Values{dorm::Blob{'x', 0}, dorm::Blob{}});

    // Hostile text is refused before any SQL is made, with Django's ValidationError.
    CHECK_THROWS_WITH(Priced::objects().filter("price", "1'; DROP TABLE priced; --"),
                      "\u201c1'; DROP TABLE priced; --\u201d value must be a decimal number. "
                      "(Priced.price lookup 'exact')");
    CHECK_THROWS_AS(Priced::objects().filter("uid", "' OR 1=1 --"), dorm::ValidationError);
    CHECK_THROWS_AS(Priced::objects().filter("data", "x"), dorm::ValueError);
}
