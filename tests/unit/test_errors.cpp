// Every misuse is a typed exception derived from dorm::Error, and its message names the model,
// the field and what was expected. Failed writes leave nothing half-written.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using Catch::Contains;
using Catch::StartsWith;
using dorm::Date;
using dorm::DateTime;
using dorm::F;
using dorm::Q;
using dorm::Values;

std::string s8(std::u8string_view text) {
    return std::string(text.begin(), text.end());
}

struct Article : dorm::Model<Article> {
    std::int64_t id = 0;
    std::string headline;
    std::string body;
    DateTime pub_date;
    Date day;
    std::optional<int> rating;
    bool published = false;
    double score = 0;
    static void define(dorm::ModelDef<Article>& m) {
        m.table("article").ordering({"-pub_date", "headline"});
        m.field("id", &Article::id, dorm::auto_pk);
        m.field("headline", &Article::headline, dorm::max_length(20), dorm::unique);
        m.field("body", &Article::body);
        m.field("pub_date", &Article::pub_date);
        m.field("day", &Article::day);
        m.field("rating", &Article::rating);
        m.field("published", &Article::published);
        m.field("score", &Article::score);
    }
};

struct Other : dorm::Model<Other> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Other>& m) {
        m.table("other");
        m.field("id", &Other::id, dorm::auto_pk);
        m.field("name", &Other::name);
    }
};

struct Fixture {
    dorm::Database db;
    Fixture() { dorm::create_tables<Article, Other>(db); }
    dorm::QuerySet<Article> qs() { return Article::objects().using_(db); }
    Article add(const std::string& headline, std::optional<int> rating = std::nullopt) {
        Article a;
        a.headline = headline;
        a.rating = rating;
        a.pub_date = DateTime(2005, 7, 29);
        a.save(db);
        return a;
    }
    std::vector<std::string> headlines() {
        std::vector<std::string> out;
        for (const auto& a : qs().order_by("id"))
            out.push_back(a.headline);
        return out;
    }
};

const char* kFieldList = "id, headline, body, pub_date, day, rating, published, score";

} // namespace

// --------------------------------------------------------------------------------------------
// The hierarchy
// --------------------------------------------------------------------------------------------

TEST_CASE("every dorm exception derives from dorm::Error", "[errors]") {
    STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, dorm::Error>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::FieldError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::ValueError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::UsageError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::ValidationError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::DoesNotExist>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::MultipleObjectsReturned>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::Http404>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::DatabaseError, dorm::IntegrityError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::DatabaseError, dorm::OperationalError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::DatabaseError, dorm::SchemaError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::Error, dorm::DatabaseError>);
    STATIC_REQUIRE(std::is_base_of_v<dorm::DoesNotExist, Article::DoesNotExist>);
    STATIC_REQUIRE(
        std::is_base_of_v<dorm::MultipleObjectsReturned, Article::MultipleObjectsReturned>);
    // Each model has its own classes.
    STATIC_REQUIRE_FALSE(std::is_base_of_v<Other::DoesNotExist, Article::DoesNotExist>);
    STATIC_REQUIRE_FALSE(std::is_same_v<Other::DoesNotExist, Article::DoesNotExist>);
    STATIC_REQUIRE_FALSE(std::is_base_of_v<dorm::DoesNotExist, dorm::MultipleObjectsReturned>);
}

// --------------------------------------------------------------------------------------------
// Names: fields and lookups
// --------------------------------------------------------------------------------------------

TEST_CASE("unknown field: names the model, the bad name, a suggestion and the fields",
          "[errors][field]") {
    Fixture t;
    REQUIRE_THROWS_AS(t.qs().filter("hedline", "x"), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("hedline", "x"),
                        Contains("Article") && Contains("'hedline'") &&
                            Contains("did you mean 'headline'?") && Contains(kFieldList));
    // The same check wherever a field name is accepted.
    REQUIRE_THROWS_AS(t.qs().exclude("hedline", "x"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter(Q("rating", 1) | Q("ratin", 2)), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter(Q("rating", 1) | Q("ratin", 2)),
                        Contains("Article") && Contains("'ratin'") &&
                            Contains("did you mean 'rating'?"));
    REQUIRE_THROWS_AS(t.qs().filter("hedline__startswith", "x"), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("hedline__startswith", "x"), Contains("'hedline'"));
    REQUIRE_THROWS_AS(t.qs().order_by("-pub_dat"), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().order_by("-pub_dat"),
                        Contains("Article") && Contains("did you mean 'pub_date'?"));
    REQUIRE_THROWS_AS(t.qs().values("hedline"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().values_list("id", "scor"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("rating__gt", F("scor")), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__gt", F("scor")), Contains("did you mean 'score'?"));
    REQUIRE_THROWS_AS(t.qs().aggregate(dorm::Sum("ratin")), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().only("hedline"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().get("hedline", "x"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().create({{"hedline", "x"}}), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().create({{"hedline", "x"}}),
                        Contains("Article") && Contains("'hedline'") &&
                            Contains("did you mean 'headline'?") && Contains(kFieldList));
    REQUIRE_THROWS_AS(t.qs().update({{"hedline", "x"}}), dorm::FieldError);
    // Nothing close: no suggestion, but still the list.
    REQUIRE_THROWS_WITH(t.qs().filter("zzzzzzzz", 1), Contains("'zzzzzzzz'") &&
                                                          !Contains("did you mean") &&
                                                          Contains(kFieldList));
    // A name that is not a field never reaches SQL.
    REQUIRE_THROWS_AS(t.qs().filter("headline\" = 'x' OR 1=1 --", 1), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().order_by("id; DROP TABLE article"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("", 1), dorm::FieldError);
    CHECK(t.qs().count() == 0); // the table is still there
}

TEST_CASE("unknown lookup: lists the lookups valid for the field's type", "[errors][lookup]") {
    Fixture t;
    REQUIRE_THROWS_AS(t.qs().filter("headline__foo", "x"), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("headline__foo", "x"),
                        Contains("'foo'") && Contains("Article.headline") &&
                            Contains("exact, iexact, contains, icontains") && Contains("regex") &&
                            !Contains("year"));
    REQUIRE_THROWS_WITH(t.qs().filter("headline__icontain", "x"),
                        Contains("'icontain'") && Contains("did you mean 'icontains'?"));
    // A date field lists its transforms, and not the time ones.
    REQUIRE_THROWS_AS(t.qs().filter("day__foo", 1), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("day__foo", 1),
                        Contains("Article.day") && Contains("'foo'") && Contains("year") &&
                            Contains("month") && Contains("week_day") && Contains("iso_year") &&
                            Contains("quarter") && !Contains("hour") && !Contains("search"));
    REQUIRE_THROWS_WITH(t.qs().filter("pub_date__yaer", 2005),
                        Contains("Article.pub_date") && Contains("did you mean 'year'?") &&
                            Contains("hour") && Contains("minute") && Contains("date") &&
                            Contains("time"));
    // After a transform, the lookups of the transform's type.
    REQUIRE_THROWS_AS(t.qs().filter("pub_date__year__foo", 2005), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("pub_date__year__foo", 2005),
                        Contains("'foo'") && Contains("Article.pub_date") && Contains("integer") &&
                            Contains("gte") && !Contains("month"));
    REQUIRE_THROWS_AS(t.qs().filter("pk__foo", 1), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("headline__", "x"), dorm::FieldError);
}

TEST_CASE("a lookup or transform that does not apply to the field's type", "[errors][lookup]") {
    Fixture t;
    // Every lookup but search applies to every field, as Django's are registered on Field.
    REQUIRE_THROWS_AS(t.qs().filter("rating__search", "1"), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__search", "1"),
                        Contains("'search'") && Contains("Article.rating") && Contains("integer") &&
                            Contains("exact, iexact, contains, icontains, in, gt, gte, lt, lte, "
                                     "startswith, istartswith, endswith, iendswith, range, "
                                     "isnull, regex, iregex"));
    REQUIRE_THROWS_AS(t.qs().filter("published__search", "1"), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("rating__year", 2005), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("headline__year", 2005), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("published__month", 1), dorm::FieldError);
    REQUIRE_THROWS_WITH(t.qs().filter("published__month", 1),
                        Contains("Article.published") && Contains("boolean"));
    REQUIRE_THROWS_AS(t.qs().filter("day__hour", 1), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("day__date", Date{2005, 7, 29}), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("day__year__month", 2), dorm::FieldError);
    REQUIRE_THROWS_AS(t.qs().filter("pub_date__search", "2005"), dorm::FieldError);
}

// --------------------------------------------------------------------------------------------
// Values
// --------------------------------------------------------------------------------------------

TEST_CASE("a value of the wrong type names the field, the lookup and both types",
          "[errors][value]") {
    Fixture t;
    // Django's classes and messages (Field.get_prep_value), then where dorm met the value.
    REQUIRE_THROWS_AS(t.qs().filter("rating", "abc"), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating", "abc"),
                        "Field 'rating' expected a number but got 'abc'. "
                        "(Article.rating lookup 'exact')");
    REQUIRE_THROWS_WITH(t.qs().filter("rating", "it's"),
                        StartsWith("Field 'rating' expected a number but got \"it's\"."));
    REQUIRE_THROWS_WITH(t.qs().filter("rating", "a\nb"),
                        StartsWith("Field 'rating' expected a number but got 'a\\nb'."));
    REQUIRE_THROWS_WITH(t.qs().filter("rating__gte", 3.5),
                        Contains("Article.rating") &&
                            Contains("expects integer value, got real 3.5"));
    REQUIRE_THROWS_AS(t.qs().filter("rating", Date{2010, 1, 3}), dorm::TypeError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating", DateTime(2010, 1, 3, 10, 0, 5)),
                        StartsWith("Field 'rating' expected a number but got "
                                   "datetime.datetime(2010, 1, 3, 10, 0, 5)."));
    REQUIRE_THROWS_AS(t.qs().filter("rating", "99999999999999999999"), dorm::OverflowError);
    REQUIRE_THROWS_WITH(t.qs().filter("score", "1.5x"),
                        "Field 'score' expected a number but got '1.5x'. "
                        "(Article.score lookup 'exact')");
    REQUIRE_THROWS_AS(t.qs().filter("published", "yes"), dorm::ValidationError);
    REQUIRE_THROWS_WITH(t.qs().filter("published", "yes"),
                        "\u201cyes\u201d value must be either True or False. "
                        "(Article.published lookup 'exact')");
    REQUIRE_THROWS_WITH(t.qs().filter("pub_date__year", "abc"),
                        "Field 'pub_date__year' expected a number but got 'abc'. "
                        "(Article.pub_date (transformed) lookup 'exact')");
    REQUIRE_THROWS_AS(t.qs().filter("rating__in", Values{1, "x"}), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__in", Values{1, "x"}),
                        Contains("'in'") && Contains("expected a number but got 'x'"));
    REQUIRE_THROWS_AS(t.qs().filter("day", "not a date"), dorm::ValidationError);
    REQUIRE_THROWS_WITH(t.qs().filter("day", "not a date"),
                        "\u201cnot a date\u201d value has an invalid date format. It must be in "
                        "YYYY-MM-DD format. (Article.day lookup 'exact')");
    REQUIRE_THROWS_AS(t.qs().filter("day", "2005-02-30"), dorm::ValidationError); // no such day
    REQUIRE_THROWS_WITH(t.qs().filter("day", "2005-02-30"),
                        StartsWith("\u201c2005-02-30\u201d value has the correct format "
                                   "(YYYY-MM-DD) but it is an invalid date."));
    REQUIRE_THROWS_WITH(t.qs().filter("pub_date", "2005-02-30 10:00"),
                        StartsWith("\u201c2005-02-30 10:00\u201d value has the correct format "
                                   "(YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ]) but it is an invalid "
                                   "date/time."));
    REQUIRE_THROWS_WITH(t.qs().filter("pub_date", "x"),
                        StartsWith("\u201cx\u201d value has an invalid format. It must be in "
                                   "YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format."));
    REQUIRE_THROWS_WITH(t.qs().filter("pub_date", "2005-01-01T10:00Z"),
                        StartsWith("SQLite backend does not support timezone-aware datetimes "
                                   "when USE_TZ is False."));
    // Writes prepare their values the same way.
    REQUIRE_THROWS_WITH(t.qs().create({{"headline", "w"}, {"rating", "high"}}),
                        "Field 'rating' expected a number but got 'high'. "
                        "(Article.rating (IntegerField))");
    REQUIRE_THROWS_AS(t.qs().update({{"day", "2005-02-30"}}), dorm::ValidationError);
    REQUIRE_THROWS_AS(t.qs().filter("pub_date__gt", 2005), dorm::ValueError);
    // A regular expression must be text (contains and the others compare any value's text).
    REQUIRE_THROWS_AS(t.qs().filter("headline__regex", 5), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("headline__regex", 5), Contains("Article.headline") &&
                                                                 Contains("'regex'") &&
                                                                 Contains("got integer 5"));
    REQUIRE_THROWS_AS(t.qs().filter("rating__isnull", "yes"), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__isnull", "yes"), Contains("expects true or false"));
    REQUIRE_THROWS_AS(t.qs().filter("rating__isnull", 2), dorm::ValueError);
    // An i-lookup or regex with a list; an in-lookup with one value; exact with a list.
    REQUIRE_THROWS_AS(t.qs().filter("rating__in", 3), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__in", 3),
                        Contains("'in'") && Contains("expects a list"));
    REQUIRE_THROWS_AS(t.qs().filter("rating", {1, 2}), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating", {1, 2}), Contains("expects a single value"));
    REQUIRE_THROWS_AS(t.qs().filter("headline__startswith", t.qs()), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().filter("rating__in", t.qs().values_list("id", "rating")),
                      dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__in", t.qs().values_list("id", "rating")),
                        Contains("exactly one field"));
    REQUIRE_THROWS_AS(t.qs().filter("rating__in", F("score")), dorm::ValueError);
}

TEST_CASE("NULL in a lookup other than exact/iexact, and range bounds", "[errors][value][null]") {
    Fixture t;
    REQUIRE_THROWS_AS(t.qs().filter("rating__gt", nullptr), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__gt", nullptr),
                        Contains("Article.rating") && Contains("'gt'") && Contains("NULL") &&
                            Contains("isnull"));
    REQUIRE_THROWS_AS(t.qs().filter("headline__contains", nullptr), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().filter("headline__regex", std::nullopt), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().filter("pub_date__year__gte", nullptr), dorm::ValueError);
    // (pub_date__year=NULL is allowed: as Django, it means the year IS NULL.)
    REQUIRE_NOTHROW(t.qs().filter("pub_date__year", nullptr));
    REQUIRE_THROWS_AS(t.qs().filter("rating__range", {1, nullptr}), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__range", {1, nullptr}), Contains("NULL"));

    REQUIRE_THROWS_AS(t.qs().filter("rating__range", {1}), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("rating__range", {1}),
                        Contains("Article.rating") && Contains("'range'") &&
                            Contains("two values (low, high), got 1"));
    REQUIRE_THROWS_WITH(t.qs().filter("rating__range", {1, 2, 3}), Contains("got 3"));
    REQUIRE_THROWS_AS(t.qs().filter("rating__range", 1), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().filter("rating__range", Values{}), dorm::ValueError);
}

// --------------------------------------------------------------------------------------------
// Usage
// --------------------------------------------------------------------------------------------

TEST_CASE("filtering, ordering, updating or deleting a slice is a UsageError", "[errors][usage]") {
    Fixture t;
    t.add("a", 1);
    t.add("b", 2);
    t.add("c", 3);
    const auto sliced = t.qs().order_by("id").slice(0, 2);
    REQUIRE_THROWS_AS(sliced.filter("rating", 1), dorm::UsageError);
    REQUIRE_THROWS_WITH(sliced.filter("rating", 1), Contains("slice"));
    REQUIRE_THROWS_AS(sliced.exclude("rating", 1), dorm::UsageError);
    REQUIRE_THROWS_AS(sliced.filter(Q()), dorm::UsageError);
    REQUIRE_THROWS_AS(sliced.order_by("headline"), dorm::UsageError);
    REQUIRE_THROWS_AS(sliced.reverse(), dorm::UsageError);
    REQUIRE_THROWS_AS(sliced.update({{"rating", 9}}), dorm::UsageError);
    REQUIRE_THROWS_WITH(sliced.update({{"rating", 9}}), Contains("update") && Contains("slice"));
    REQUIRE_THROWS_AS(sliced.delete_(), dorm::UsageError);
    REQUIRE_THROWS_WITH(sliced.delete_(), Contains("delete") && Contains("slice"));
    REQUIRE_THROWS_AS(t.qs().slice(1).update({{"rating", 9}}), dorm::UsageError);
    REQUIRE_THROWS_AS(t.qs().distinct().update({{"rating", 9}}), dorm::UsageError);
    REQUIRE_THROWS_AS(t.qs().distinct().delete_(), dorm::UsageError);
    // Nothing changed.
    CHECK(t.qs().count() == 3);
    CHECK(t.qs().filter("rating", 9).count() == 0);
    // What a slice still allows.
    CHECK(sliced.count() == 2);
    CHECK(sliced.slice(1).count() == 1);

    REQUIRE_THROWS_AS(t.qs().slice(-1), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().slice(0, -1), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().values_list("id", "headline").flat(), dorm::UsageError);
    REQUIRE_THROWS_AS(t.qs().update(dorm::Kwargs{}), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().annotate("rating", dorm::Count("id")), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().annotate("rating", dorm::Count("id")),
                        Contains("'rating'") && Contains("Article"));
    REQUIRE_THROWS_AS(t.qs().in_bulk({1}, "rating"), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().dates("day", "hour"), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().dates("headline", "year"), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().values("id")[0]["nope"], dorm::FieldError);
}

TEST_CASE("no database: a UsageError that says how to name one", "[errors][usage]") {
    // This file never sets a default database.
    REQUIRE_THROWS_AS(Article::objects().count(), dorm::UsageError);
    REQUIRE_THROWS_WITH(Article::objects().count(), Contains("set_default_database"));
    Article a;
    REQUIRE_THROWS_AS(a.save(), dorm::UsageError);
}

// --------------------------------------------------------------------------------------------
// get(): DoesNotExist and MultipleObjectsReturned
// --------------------------------------------------------------------------------------------

TEST_CASE("get() of nothing: the model's DoesNotExist, and only that model's", "[errors][get]") {
    Fixture t;
    t.add("a", 1);
    REQUIRE_THROWS_AS(t.qs().get("pk", 99), Article::DoesNotExist);
    REQUIRE_THROWS_AS(t.qs().get("pk", 99), dorm::DoesNotExist);
    REQUIRE_THROWS_AS(t.qs().get("pk", 99), dorm::ObjectDoesNotExist);
    REQUIRE_THROWS_AS(t.qs().get("pk", 99), dorm::Error);
    REQUIRE_THROWS_AS(t.qs().get("pk", 99), std::runtime_error);
    REQUIRE_THROWS_WITH(t.qs().get("pk", 99), "Article matching query does not exist.");
    REQUIRE_THROWS_AS(t.qs().filter("rating", 2).get(), Article::DoesNotExist);
    REQUIRE_THROWS_AS(t.qs().none().get(), Article::DoesNotExist);
    REQUIRE_THROWS_AS(Other::objects().using_(t.db).get("pk", 1), Other::DoesNotExist);
    REQUIRE_THROWS_WITH(Other::objects().using_(t.db).get("pk", 1), Contains("Other"));

    // Another model's DoesNotExist does not catch it.
    bool caught_by_other = false;
    bool caught_by_article = false;
    try {
        try {
            t.qs().get("pk", 99);
        } catch (const Other::DoesNotExist&) {
            caught_by_other = true;
        } catch (const dorm::MultipleObjectsReturned&) {
            caught_by_other = true;
        }
    } catch (const Article::DoesNotExist& e) {
        caught_by_article = true;
        CHECK(std::string(e.what()) == "Article matching query does not exist.");
    }
    CHECK_FALSE(caught_by_other);
    CHECK(caught_by_article);

    // latest()/earliest() of nothing, and get_object_or_404.
    REQUIRE_THROWS_AS(t.qs().filter("rating", 5).latest("pub_date"), Article::DoesNotExist);
    REQUIRE_THROWS_AS(dorm::get_object_or_404(t.qs(), "pk", 99), dorm::Http404);
    REQUIRE_THROWS_WITH(dorm::get_object_or_404(t.qs(), "pk", 99), Contains("Article"));
    bool http404_is_does_not_exist = false;
    try {
        dorm::get_object_or_404(t.qs(), "pk", 99);
    } catch (const dorm::DoesNotExist&) {
        http404_is_does_not_exist = true;
    } catch (const dorm::Http404&) {
    }
    CHECK_FALSE(http404_is_does_not_exist);
    // first() of nothing is not an error.
    CHECK_FALSE(t.qs().filter("rating", 5).first().has_value());
}

TEST_CASE("get() of several: the model's MultipleObjectsReturned, with how many", "[errors][get]") {
    Fixture t;
    t.add("a", 1);
    t.add("b", 1);
    REQUIRE_THROWS_AS(t.qs().get("rating", 1), Article::MultipleObjectsReturned);
    REQUIRE_THROWS_AS(t.qs().get("rating", 1), dorm::MultipleObjectsReturned);
    REQUIRE_THROWS_AS(t.qs().get("rating", 1), dorm::Error);
    REQUIRE_THROWS_WITH(t.qs().get("rating", 1),
                        "get() returned more than one Article -- it returned 2!");
    REQUIRE_THROWS_AS(t.qs().get(), Article::MultipleObjectsReturned);

    bool caught_by_other = false;
    bool caught_by_does_not_exist = false;
    bool caught_by_article = false;
    try {
        try {
            t.qs().get("rating", 1);
        } catch (const Other::MultipleObjectsReturned&) {
            caught_by_other = true;
        } catch (const dorm::DoesNotExist&) {
            caught_by_does_not_exist = true;
        }
    } catch (const Article::MultipleObjectsReturned&) {
        caught_by_article = true;
    }
    CHECK_FALSE(caught_by_other);
    CHECK_FALSE(caught_by_does_not_exist);
    CHECK(caught_by_article);

    for (int i = 0; i < 25; ++i)
        t.add("many " + std::to_string(i), 7);
    REQUIRE_THROWS_WITH(t.qs().get("rating", 7),
                        "get() returned more than one Article -- it returned more than 20!");
}

// --------------------------------------------------------------------------------------------
// Writes: validation, NULL, uniqueness — nothing half-written
// --------------------------------------------------------------------------------------------

TEST_CASE("max_length is checked on save, in characters, and nothing is written",
          "[errors][validation]") {
    Fixture t;
    Article a;
    a.headline = std::string(21, 'x');
    REQUIRE_THROWS_AS(a.save(t.db), dorm::ValidationError);
    REQUIRE_THROWS_WITH(a.save(t.db), Contains("Article.headline") &&
                                          Contains("at most 20 characters") &&
                                          Contains("it has 21"));
    CHECK(a.id == 0); // no primary key was assigned
    CHECK(t.qs().count() == 0);

    // 20 two-byte characters fit; 21 do not.
    a.headline = "";
    for (int i = 0; i < 20; ++i)
        a.headline += s8(u8"é");
    REQUIRE_NOTHROW(a.save(t.db));
    CHECK(a.id != 0);
    a.headline += s8(u8"é");
    REQUIRE_THROWS_AS(a.save(t.db), dorm::ValidationError);
    CHECK(t.qs().get("pk", a.id).headline.size() == 40); // the saved row is unchanged

    REQUIRE_THROWS_AS(t.qs().create({{"headline", std::string(25, 'y')}}), dorm::ValidationError);
    REQUIRE_THROWS_AS(t.qs().update({{"headline", std::string(25, 'y')}}), dorm::ValidationError);
    REQUIRE_THROWS_WITH(t.qs().update({{"headline", std::string(25, 'y')}}),
                        Contains("Article.headline"));
    CHECK(t.qs().count() == 1);
    CHECK(t.qs().get("pk", a.id).headline.size() == 40);

    // bulk_create is one transaction: one bad object and none is written.
    std::vector<Article> batch(3);
    batch[0].headline = "ok 1";
    batch[1].headline = std::string(30, 'z');
    batch[2].headline = "ok 3";
    REQUIRE_THROWS_AS(t.qs().bulk_create(batch), dorm::ValidationError);
    CHECK(t.qs().count() == 1);
}

TEST_CASE("NULL for a field that is not nullable", "[errors][null]") {
    Fixture t;
    REQUIRE_THROWS_AS(t.qs().create({{"headline", nullptr}}), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().create({{"headline", nullptr}}),
                        Contains("Article.headline") && Contains("NULL"));
    REQUIRE_THROWS_AS(t.qs().create({{"headline", "x"}, {"score", nullptr}}), dorm::ValueError);
    REQUIRE_THROWS_AS(t.qs().get_or_create({{"headline", "x"}}, {{"pub_date", nullptr}}),
                      dorm::ValueError);
    CHECK(t.qs().count() == 0);
    // A nullable field takes it.
    REQUIRE_NOTHROW(t.qs().create({{"headline", "y"}, {"rating", nullptr}}));
    // update() to NULL is refused before anything runs.
    REQUIRE_THROWS_AS(t.qs().update({{"body", nullptr}}), dorm::IntegrityError);
    REQUIRE_THROWS_WITH(t.qs().update({{"body", nullptr}}),
                        Contains("Article.body") && Contains("NULL"));
    CHECK(t.qs().count() == 1);
    CHECK(t.qs().get("headline", "y").body.empty());
    // A value of the wrong kind for a field.
    REQUIRE_THROWS_AS(t.qs().create({{"headline", "z"}, {"rating", "high"}}), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().create({{"headline", "z"}, {"rating", "high"}}),
                        Contains("Article.rating"));
    REQUIRE_THROWS_AS(t.qs().create({{"headline", "z"}, {"rating", std::int64_t{1} << 40}}),
                      dorm::ValueError);
    CHECK(t.qs().count() == 1);
}

TEST_CASE("a unique violation is an IntegrityError and nothing is half-written",
          "[errors][integrity]") {
    Fixture t;
    t.add("first", 1);
    REQUIRE_THROWS_AS(t.add("first", 2), dorm::IntegrityError);
    REQUIRE_THROWS_AS(t.add("first", 2), dorm::DatabaseError);
    REQUIRE_THROWS_WITH(t.add("first", 2),
                        Contains("Article") && Contains("UNIQUE") && Contains("article.headline"));
    try {
        t.add("first", 2);
        FAIL("no exception");
    } catch (const dorm::IntegrityError& e) {
        CHECK(e.code == SQLITE_CONSTRAINT_UNIQUE);
    }
    CHECK(t.headlines() == std::vector<std::string>{"first"});
    CHECK(t.qs().get("headline", "first").rating == 1);

    REQUIRE_THROWS_AS(t.qs().create({{"headline", "first"}}), dorm::IntegrityError);

    // In a transaction, the whole transaction is rolled back.
    REQUIRE_THROWS_AS(dorm::atomic(t.db,
                                   [&] {
                                       t.add("second", 1);
                                       t.add("first", 1);
                                   }),
                      dorm::IntegrityError);
    CHECK(t.headlines() == std::vector<std::string>{"first"});
    CHECK_FALSE(t.db.in_transaction());

    // bulk_create: a duplicate in the middle, and nothing of the batch is written.
    std::vector<Article> batch(3);
    batch[0].headline = "b1";
    batch[1].headline = "first";
    batch[2].headline = "b3";
    REQUIRE_THROWS_AS(t.qs().bulk_create(batch), dorm::IntegrityError);
    CHECK(t.headlines() == std::vector<std::string>{"first"});

    // update() that would make two rows equal changes neither.
    t.add("other", 2);
    REQUIRE_THROWS_AS(t.qs().update({{"headline", "same"}}), dorm::IntegrityError);
    REQUIRE_THROWS_WITH(t.qs().update({{"headline", "same"}}),
                        Contains("Article") && Contains("UNIQUE"));
    CHECK(t.headlines() == std::vector<std::string>{"first", "other"});

    // Saving an existing object to a taken value leaves both rows as they were.
    Article o = t.qs().get("headline", "other");
    o.headline = "first";
    o.rating = 42;
    REQUIRE_THROWS_AS(o.save(t.db), dorm::IntegrityError);
    CHECK(t.headlines() == std::vector<std::string>{"first", "other"});
    CHECK(t.qs().get("headline", "other").rating == 2);
}

TEST_CASE("an invalid regular expression is a ValueError when the filter is built",
          "[errors][regex]") {
    Fixture t;
    t.add("a");
    REQUIRE_THROWS_AS(t.qs().filter("headline__regex", "(unclosed"), dorm::ValueError);
    REQUIRE_THROWS_WITH(t.qs().filter("headline__iregex", "[z-a]"),
                        Contains("Article.headline") && Contains("'iregex'") &&
                            Contains("invalid regular expression '[z-a]'"));
    CHECK(t.qs().filter("headline__regex", "^a$").count() == 1); // the connection still works
}

// --------------------------------------------------------------------------------------------
// Schema
// --------------------------------------------------------------------------------------------

TEST_CASE("create_tables on an existing table that disagrees: SchemaError, nothing changed",
          "[errors][schema]") {
    SECTION("a column of another type") {
        dorm::Database db;
        db.exec(R"(CREATE TABLE "article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                   "headline" integer NOT NULL, "body" text NOT NULL, "pub_date" datetime NOT NULL,
                   "day" date NOT NULL, "rating" integer NULL, "published" bool NOT NULL,
                   "score" real NOT NULL))");
        REQUIRE_THROWS_AS((dorm::create_tables<Other, Article>(db)), dorm::SchemaError);
        REQUIRE_THROWS_AS((dorm::create_tables<Other, Article>(db)), dorm::DatabaseError);
        REQUIRE_THROWS_WITH((dorm::create_tables<Other, Article>(db)),
                            Contains("article") && Contains("Article") && Contains("headline") &&
                                Contains("integer", Catch::CaseSensitive::No) &&
                                Contains("varchar(20)"));
        // One transaction: the other model's table was not created either.
        REQUIRE_THROWS_AS(Other::objects().using_(db).count(), dorm::DatabaseError);
        CHECK_FALSE(db.in_transaction());
    }
    SECTION("a column the model needs is missing and may not be NULL") {
        dorm::Database db;
        db.exec(R"(CREATE TABLE "article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                   "body" text NOT NULL, "pub_date" datetime NOT NULL, "day" date NOT NULL,
                   "rating" integer NULL, "published" bool NOT NULL, "score" real NOT NULL))");
        REQUIRE_THROWS_AS(dorm::create_tables<Article>(db), dorm::SchemaError);
        REQUIRE_THROWS_WITH(dorm::create_tables<Article>(db),
                            Contains("Article") && Contains("headline") && Contains("missing"));
    }
    SECTION("an extra NOT NULL column without a default, unknown to the model") {
        dorm::Database db;
        db.exec(R"(CREATE TABLE "other" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                   "name" text NOT NULL, "owner" integer NOT NULL))");
        REQUIRE_THROWS_AS(dorm::create_tables<Other>(db), dorm::SchemaError);
        REQUIRE_THROWS_WITH(dorm::create_tables<Other>(db),
                            Contains("Other") && Contains("owner") && Contains("NOT NULL"));
    }
    SECTION("another primary key") {
        dorm::Database db;
        db.exec(
            R"(CREATE TABLE "other" ("id" integer NOT NULL, "name" text NOT NULL PRIMARY KEY))");
        REQUIRE_THROWS_AS(dorm::create_tables<Other>(db), dorm::SchemaError);
        REQUIRE_THROWS_WITH(dorm::create_tables<Other>(db),
                            Contains("Other") && Contains("primary key"));
    }
    SECTION("a compatible table is accepted; a missing nullable column is added") {
        dorm::Database db;
        db.exec(R"(CREATE TABLE "article" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
                   "headline" varchar(20) NOT NULL UNIQUE, "body" text NOT NULL,
                   "pub_date" datetime NOT NULL, "day" date NOT NULL, "published" bool NOT NULL,
                   "score" real NOT NULL, "legacy" text NULL))");
        REQUIRE_NOTHROW(dorm::create_tables<Article>(db));
        Article a;
        a.headline = "x";
        a.rating = 5;
        a.save(db);
        CHECK(Article::objects().using_(db).get("rating", 5).headline == "x");
    }
}

// --------------------------------------------------------------------------------------------
// Model definitions
// --------------------------------------------------------------------------------------------

namespace {
struct NoPk : dorm::Model<NoPk> {
    int x = 0;
    static void define(dorm::ModelDef<NoPk>& m) { m.field("x", &NoPk::x); }
};
struct TwoPks : dorm::Model<TwoPks> {
    std::int64_t a = 0, b = 0;
    static void define(dorm::ModelDef<TwoPks>& m) {
        m.field("a", &TwoPks::a, dorm::auto_pk);
        m.field("b", &TwoPks::b, dorm::primary_key);
    }
};
struct BadName : dorm::Model<BadName> {
    std::int64_t id = 0;
    int x = 0;
    static void define(dorm::ModelDef<BadName>& m) {
        m.field("id", &BadName::id, dorm::auto_pk);
        m.field("x__y", &BadName::x);
    }
};
struct Twice : dorm::Model<Twice> {
    std::int64_t id = 0;
    int x = 0, y = 0;
    static void define(dorm::ModelDef<Twice>& m) {
        m.field("id", &Twice::id, dorm::auto_pk);
        m.field("x", &Twice::x);
        m.field("x", &Twice::y);
    }
};
struct NullNotOptional : dorm::Model<NullNotOptional> {
    std::int64_t id = 0;
    int x = 0;
    static void define(dorm::ModelDef<NullNotOptional>& m) {
        m.field("id", &NullNotOptional::id, dorm::auto_pk);
        m.field("x", &NullNotOptional::x, dorm::null);
    }
};
} // namespace

TEST_CASE("a wrong model definition is a FieldError naming the model", "[errors][model]") {
    REQUIRE_THROWS_AS(NoPk::meta(), dorm::FieldError);
    REQUIRE_THROWS_WITH(NoPk::meta(), Contains("NoPk") && Contains("primary key"));
    REQUIRE_THROWS_WITH(TwoPks::meta(),
                        Contains("TwoPks") && Contains("more than one primary key"));
    REQUIRE_THROWS_WITH(BadName::meta(), Contains("BadName") && Contains("'x__y'"));
    REQUIRE_THROWS_WITH(Twice::meta(), Contains("Twice") && Contains("'x'") && Contains("twice"));
    REQUIRE_THROWS_WITH(NullNotOptional::meta(),
                        Contains("NullNotOptional") && Contains("std::optional"));
}

TEST_CASE("a missing table names its model and how to create it", "[errors]") {
    dorm::Database db; // no create_tables
    CHECK_THROWS_WITH(Other::objects().using_(db).count(),
                      Catch::Contains("no such table: other (the table of model Other: create "
                                      "it with dorm::create_tables<Other>(db) before using the "
                                      "model)"));
    CHECK_THROWS_AS(Other::objects().using_(db).count(), dorm::DatabaseError);
}
