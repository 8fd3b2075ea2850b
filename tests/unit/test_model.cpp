// Model instances: Django's save() rule, save options, delete, refresh, validation, state,
// per-model exceptions, primary key kinds, column names, defaults and every member type.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace {

using dorm::Date;
using dorm::DateTime;
using dorm::Value;
using dorm::Values;
using Strings = std::vector<std::string>;

struct Article : dorm::Model<Article> {
    std::int64_t id = 0;
    std::string headline;
    std::optional<int> rating;
    double score = 0;
    static void define(dorm::ModelDef<Article>& m) {
        m.table("article").ordering({"id"});
        m.field("id", &Article::id, dorm::auto_pk);
        m.field("headline", &Article::headline, dorm::max_length(10));
        m.field("rating", &Article::rating);
        m.field("score", &Article::score);
    }
};

// A primary key that is not assigned by the database.
struct Country : dorm::Model<Country> {
    std::string code;
    std::string name;
    static void define(dorm::ModelDef<Country>& m) {
        m.table("country");
        m.field("code", &Country::code, dorm::primary_key, dorm::max_length(2));
        m.field("name", &Country::name, dorm::max_length(50));
    }
};

struct BigThing : dorm::Model<BigThing> {
    std::int64_t id = 0;
    std::string label;
    static void define(dorm::ModelDef<BigThing>& m) {
        m.table("big_thing");
        m.field("id", &BigThing::id, dorm::big_auto_pk);
        m.field("label", &BigThing::label);
    }
};

struct Renamed : dorm::Model<Renamed> {
    std::int64_t id = 0;
    std::string title;
    static void define(dorm::ModelDef<Renamed>& m) {
        m.table("renamed");
        m.field("id", &Renamed::id, dorm::auto_pk, dorm::db_column("renamed_id"));
        m.field("title", &Renamed::title, dorm::db_column("title_text"), dorm::max_length(20));
    }
};

struct WithDefault : dorm::Model<WithDefault> {
    std::int64_t id = 0;
    std::string label;
    std::string status;
    int priority = 0;
    std::optional<double> weight;
    static void define(dorm::ModelDef<WithDefault>& m) {
        m.table("with_default");
        m.field("id", &WithDefault::id, dorm::auto_pk);
        m.field("label", &WithDefault::label);
        m.field("status", &WithDefault::status, dorm::default_("draft"));
        m.field("priority", &WithDefault::priority, dorm::default_(5));
        m.field("weight", &WithDefault::weight, dorm::default_(1.5));
    }
};

// Every member type, plain and optional.
struct Kinds : dorm::Model<Kinds> {
    std::int32_t id = 0;
    float f = 0;
    bool flag = false;
    std::optional<std::int32_t> oi32;
    std::optional<std::int64_t> oi64;
    std::optional<double> od;
    std::optional<float> of;
    std::optional<bool> ob;
    std::optional<std::string> os;
    std::optional<dorm::Date> odate;
    std::optional<dorm::DateTime> odt;
    static void define(dorm::ModelDef<Kinds>& m) {
        m.table("kinds");
        m.field("id", &Kinds::id, dorm::auto_pk);
        m.field("f", &Kinds::f);
        m.field("flag", &Kinds::flag);
        m.field("oi32", &Kinds::oi32);
        m.field("oi64", &Kinds::oi64);
        m.field("od", &Kinds::od);
        m.field("of", &Kinds::of, dorm::null);
        m.field("ob", &Kinds::ob);
        m.field("os", &Kinds::os, dorm::max_length(5));
        m.field("odate", &Kinds::odate);
        m.field("odt", &Kinds::odt);
    }
};

struct Fixture {
    dorm::Database db{":memory:"};
    std::vector<std::string> log;

    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Article, Country, BigThing, Renamed, WithDefault, Kinds>(db);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;

    void start_log() {
        log.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) { log.emplace_back(q.sql); });
    }
    // The first word of each logged statement: "INSERT", "UPDATE", ...
    Strings verbs() const {
        Strings out;
        for (const auto& s : log)
            out.push_back(s.substr(0, s.find(' ')));
        return out;
    }
    Value scalar(const std::string& sql) {
        dorm::sql::Cursor c(db, sql, {});
        REQUIRE(c.next());
        return c.stmt().column(0);
    }
};

Article article(std::string headline, std::optional<int> rating = std::nullopt) {
    Article a;
    a.headline = std::move(headline);
    a.rating = rating;
    return a;
}

} // namespace

// --- save -----------------------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "save: pk 0 INSERTs and receives the new primary key") {
    Article a = article("First", 1);
    CHECK(a._state.adding);
    start_log();
    a.save();
    CHECK(verbs() == Strings{"INSERT"});
    CHECK(a.id == 1);
    CHECK(a.pk() == Value(1));
    CHECK_FALSE(a._state.adding);
    CHECK(a._state.db == &db);
    Article b = article("Second");
    b.save();
    CHECK(b.id == 2);
    CHECK(Article::objects().get("pk", 1).headline == "First");
}

TEST_CASE_METHOD(Fixture, "save: an existing primary key UPDATEs") {
    Article a = article("First", 1);
    a.save();
    a.headline = "Changed";
    a.rating.reset();
    start_log();
    a.save();
    CHECK(verbs() == Strings{"UPDATE"});
    CHECK(a.id == 1);
    CHECK(Article::objects().count() == 1);
    const Article stored = Article::objects().get("pk", 1);
    CHECK(stored.headline == "Changed");
    CHECK_FALSE(stored.rating);
}

TEST_CASE_METHOD(Fixture, "save: an explicit primary key that does not exist UPDATEs then "
                          "INSERTs") {
    Article a = article("Explicit", 4);
    a.id = 42;
    start_log();
    a.save();
    CHECK(verbs() == Strings{"UPDATE", "INSERT"});
    CHECK(a.id == 42);
    CHECK_FALSE(a._state.adding);
    CHECK(Article::objects().get("pk", 42).headline == "Explicit");
    // The next automatic key follows the largest one.
    Article b = article("Next");
    b.save();
    CHECK(b.id == 43);
}

TEST_CASE_METHOD(Fixture, "save(db): writes to another database") {
    dorm::Database other(":memory:");
    dorm::create_tables<Article>(other);
    Article a = article("Here", 1);
    a.save();
    Article copy = Article::objects().get("pk", 1);
    copy.save(other); // UPDATE finds nothing there, so INSERT with the same pk
    CHECK(copy._state.db == &other);
    CHECK(Article::objects().using_(other).get("pk", 1).headline == "Here");
    // The instance now belongs to the other database: a plain save() goes there.
    copy.headline = "There";
    copy.save();
    CHECK(Article::objects().using_(other).get("pk", 1).headline == "There");
    CHECK(Article::objects().get("pk", 1).headline == "Here");
    // An object loaded from a database saves back to it, not to the default.
    Article loaded = Article::objects().using_(other).get("pk", 1);
    CHECK(loaded._state.db == &other);
    loaded.rating = 9;
    loaded.save();
    CHECK(Article::objects().using_(other).get("pk", 1).rating == 9);
    CHECK(Article::objects().get("pk", 1).rating == 1);
    dorm::SaveOptions opts;
    opts.using_ = &db;
    loaded.save(opts);
    CHECK(Article::objects().get("pk", 1).rating == 9);
}

TEST_CASE_METHOD(Fixture, "save: force_insert, force_update and their errors") {
    Article a = article("Forced");
    dorm::SaveOptions insert;
    insert.force_insert = true;
    start_log();
    a.save(insert);
    CHECK(verbs() == Strings{"INSERT"});
    CHECK(a.id == 1);
    // force_insert of an existing row fails, and the row is unchanged.
    a.headline = "Again";
    CHECK_THROWS_AS(a.save(insert), dorm::IntegrityError);
    CHECK(Article::objects().get("pk", 1).headline == "Forced");

    dorm::SaveOptions update;
    update.force_update = true;
    a.save(update);
    CHECK(Article::objects().get("pk", 1).headline == "Again");
    Article missing = article("Missing");
    missing.id = 77;
    CHECK_THROWS_AS(missing.save(update), dorm::DatabaseError);
    CHECK_THROWS_WITH(missing.save(update), Catch::Contains("did not affect any rows"));
    Article unsaved = article("Unsaved");
    CHECK_THROWS_AS(unsaved.save(update), dorm::ValueError);
    dorm::SaveOptions both;
    both.force_insert = both.force_update = true;
    CHECK_THROWS_AS(unsaved.save(both), dorm::ValueError);
    CHECK(Article::objects().count() == 1);
}

TEST_CASE_METHOD(Fixture, "save: update_fields writes only the named columns") {
    Article a = article("Original", 1);
    a.score = 1.5;
    a.save();
    a.headline = "Renamed";
    a.rating = 2;
    a.score = 9;
    dorm::SaveOptions opts;
    opts.update_fields = {"rating"};
    start_log();
    a.save(opts);
    REQUIRE(log.size() == 1);
    CHECK(log[0] == "UPDATE \"article\" SET \"rating\" = ? WHERE \"id\" = ?");
    const Article stored = Article::objects().get("pk", a.id);
    CHECK(stored.rating == 2);
    CHECK(stored.headline == "Original");
    CHECK(stored.score == 1.5);

    opts.update_fields = {"nope"};
    CHECK_THROWS_AS(a.save(opts), dorm::FieldError);
    Article missing = article("Missing");
    missing.id = 99;
    opts.update_fields = {"headline"};
    CHECK_THROWS_AS(missing.save(opts), dorm::DatabaseError);
    CHECK_FALSE(Article::objects().filter("pk", 99).exists());
}

// --- delete and refresh ---------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "delete_: removes the row and resets the primary key") {
    Article a = article("Doomed");
    a.save();
    Article keep = article("Kept");
    keep.save();
    const dorm::DeleteResult r = a.delete_();
    CHECK(r.total == 1);
    REQUIRE(r.per_model.size() == 1);
    CHECK(r.per_model[0] == std::pair<std::string, std::int64_t>{"Article", 1});
    CHECK(a.id == 0);
    CHECK(a._state.adding);
    CHECK(Article::objects().count() == 1);
    CHECK_FALSE(Article::objects().filter("headline", "Doomed").exists());
    // Saving it again makes a new row.
    a.save();
    CHECK(a.id == 3);
    CHECK(Article::objects().count() == 2);
    // Deleting an unsaved object is an error; a row already gone deletes nothing.
    Article unsaved = article("Never");
    CHECK_THROWS_AS(unsaved.delete_(), dorm::ValueError);
    Article gone = Article::objects().get("pk", 3);
    Article::objects().filter("pk", 3).delete_();
    CHECK(gone.delete_().total == 0);
}

TEST_CASE_METHOD(Fixture, "refresh_from_db: every field or some") {
    Article a = article("Fresh", 1);
    a.score = 1;
    a.save();
    Article::objects()
        .filter("pk", a.id)
        .update({{"headline", "Stale"}, {"rating", 5}, {"score", 2}});
    CHECK(a.headline == "Fresh");
    a.refresh_from_db();
    CHECK(a.headline == "Stale");
    CHECK(a.rating == 5);
    CHECK(a.score == 2);

    Article::objects().filter("pk", a.id).update({{"headline", "Newer"}, {"rating", nullptr}});
    a.score = 100; // a local change that is not refreshed
    a.refresh_from_db({"rating"});
    CHECK_FALSE(a.rating);
    CHECK(a.headline == "Stale");
    CHECK(a.score == 100);
    CHECK_THROWS_AS(a.refresh_from_db({"nope"}), dorm::FieldError);

    Article::objects().filter("pk", a.id).delete_();
    CHECK_THROWS_AS(a.refresh_from_db(), Article::DoesNotExist);
}

// --- validation and state -------------------------------------------------------------------

TEST_CASE_METHOD(Fixture, "max_length counts characters, not bytes") {
    Article ten = article("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
                          "\xC3\xA9"); // ten times e-acute: 10 characters, 20 bytes
    REQUIRE(ten.headline.size() == 20);
    ten.save();
    CHECK(Article::objects().get("pk", ten.id).headline == ten.headline);
    Article cjk = article("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"
                          "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xF0\x9F\x98\x80"); // 9 CJK + emoji
    cjk.save();

    Article eleven = article(ten.headline + "x");
    CHECK_THROWS_AS(eleven.save(), dorm::ValidationError);
    CHECK_THROWS_WITH(eleven.save(), Catch::Contains("Article.headline") &&
                                         Catch::Contains("at most 10 characters") &&
                                         Catch::Contains("it has 11"));
    CHECK(eleven.id == 0);
    CHECK(eleven._state.adding);
    CHECK_THROWS_AS(Article::objects().create({{"headline", "12345678901"}}),
                    dorm::ValidationError);
    CHECK_THROWS_AS(Article::objects().filter("pk", ten.id).update({{"headline", "12345678901"}}),
                    dorm::ValidationError);
    CHECK(Article::objects().count() == 2);
}

TEST_CASE_METHOD(Fixture, "_state.adding: new, saved, loaded, deleted") {
    Article a = article("State");
    CHECK(a._state.adding);
    CHECK(a._state.db == nullptr);
    a.save();
    CHECK_FALSE(a._state.adding);
    const Article loaded = Article::objects().get("pk", a.id);
    CHECK_FALSE(loaded._state.adding);
    CHECK(loaded._state.db == &db);
    for (const auto& x : Article::objects())
        CHECK_FALSE(x._state.adding);
    const Article made = Article::objects().create({{"headline", "Made"}});
    CHECK_FALSE(made._state.adding);
    a.delete_();
    CHECK(a._state.adding);
}

// The same members as Article, without dorm: what the model costs per object is the rest.
struct PlainArticle {
    std::int64_t id = 0;
    std::string headline;
    std::optional<int> rating;
    double score = 0;
};
static_assert(sizeof(Article) - sizeof(PlainArticle) <= 16,
              "Model<T>'s per-instance state must cost at most 16 bytes per object");

TEST_CASE_METHOD(Fixture, "_state: 16 bytes per object, and annotations and deferred fields are "
                          "copied with the object") {
    CHECK(sizeof(Article) - sizeof(PlainArticle) <= 16);
    CHECK(sizeof(dorm::detail::InstanceState) <= 2 * sizeof(void*));
    article("One", 1).save();
    Article plain = Article::objects().get("pk", 1);
    CHECK(plain._state.deferred().empty());
    CHECK(plain._state.annotations().empty());
    CHECK(plain._state.prefetched().empty());

    Article noted = Article::objects().annotate("n", dorm::Count("id")).get("pk", 1);
    Article copy = noted;
    CHECK(copy.annotation("n") == Value(1));
    copy._state.extra().annotations.clear();
    CHECK(noted.annotation("n") == Value(1)); // a copy, not shared
    CHECK_THROWS_AS(copy.annotation("n"), dorm::FieldError);
    copy = noted; // copy assignment replaces the state
    CHECK(copy.annotation("n") == Value(1));
    CHECK_FALSE(copy._state.adding);
    CHECK(copy._state.db == &db);
    Article moved = std::move(copy);
    CHECK(moved.annotation("n") == Value(1));
    CHECK_FALSE(moved._state.adding);

    Article partial = Article::objects().only({"headline"}).get("pk", 1);
    CHECK(partial._state.deferred().size() == 2);
    Article other = Article::objects().get("pk", 1);
    other = partial;
    CHECK(other._state.deferred() == partial._state.deferred());
    other.refresh_from_db({"rating"});
    CHECK(other._state.deferred().size() == 1);
    CHECK(partial._state.deferred().size() == 2);
    Article fresh = article("Two", 2);
    fresh._state = other._state; // the state alone, as keep_state_on_failure does
    CHECK_FALSE(fresh._state.adding);
    CHECK(fresh._state.deferred().size() == 1);
}

TEST_CASE_METHOD(Fixture, "DoesNotExist and MultipleObjectsReturned are per model") {
    bool as_article = false, as_country = false;
    try {
        Country::objects().get("pk", "zz");
    } catch (const Article::DoesNotExist&) {
        as_article = true;
    } catch (const Country::DoesNotExist& e) {
        as_country = true;
        CHECK(std::string(e.what()) == "Country matching query does not exist.");
    }
    CHECK_FALSE(as_article);
    CHECK(as_country);
    // Both derive from dorm's common types.
    CHECK_THROWS_AS(Country::objects().get("pk", "zz"), dorm::DoesNotExist);
    Country::objects().create({{"code", "fr"}, {"name", "France"}});
    Country::objects().create({{"code", "de"}, {"name", "Germany"}});
    bool multiple_as_article = false, multiple_as_country = false;
    try {
        Country::objects().get();
    } catch (const Article::MultipleObjectsReturned&) {
        multiple_as_article = true;
    } catch (const Country::MultipleObjectsReturned&) {
        multiple_as_country = true;
    }
    CHECK_FALSE(multiple_as_article);
    CHECK(multiple_as_country);
    CHECK_THROWS_AS(Country::objects().get(), dorm::MultipleObjectsReturned);
}

// --- primary keys, columns, defaults --------------------------------------------------------

TEST_CASE_METHOD(Fixture, "a non-auto string primary key") {
    CHECK(scalar("SELECT sql FROM sqlite_master WHERE name = 'country'") ==
          Value("CREATE TABLE \"country\" (\"code\" varchar(2) NOT NULL PRIMARY KEY, "
                "\"name\" varchar(50) NOT NULL)"));
    Country fr;
    fr.code = "fr";
    fr.name = "France";
    start_log();
    fr.save();
    CHECK(verbs() == Strings{"UPDATE", "INSERT"}); // the key is set: UPDATE first
    fr.name = "République française";
    log.clear();
    fr.save();
    CHECK(verbs() == Strings{"UPDATE"});
    CHECK(Country::objects().count() == 1);
    CHECK(Country::objects().get("pk", "fr").name == "République française");
    CHECK(Country::objects().get("code__startswith", "f").pk() == Value("fr"));
    CHECK(Country::objects().in_bulk({"fr", "xx"}).size() == 1);

    CHECK_THROWS_AS(Country::objects().create({{"code", "fr"}, {"name", "Again"}}),
                    dorm::IntegrityError);
    Country de = Country::objects().create({{"code", "de"}, {"name", "Germany"}});
    CHECK(de.code == "de");
    CHECK(de.delete_().total == 1);
    CHECK(de.code == "de"); // a key the database did not assign is kept
    CHECK(Country::objects().count() == 1);
}

TEST_CASE_METHOD(Fixture, "big_auto_pk: 64-bit keys assigned by the database") {
    CHECK(scalar("SELECT sql FROM sqlite_master WHERE name = 'big_thing'") ==
          Value("CREATE TABLE \"big_thing\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                "\"label\" text NOT NULL)"));
    BigThing big;
    big.id = 5'000'000'000;
    big.label = "big";
    big.save();
    const BigThing next = BigThing::objects().create({{"label", "next"}});
    CHECK(next.id == 5'000'000'001);
    CHECK(BigThing::objects().get("pk", 5'000'000'000).label == "big");
    CHECK(BigThing::objects().filter("id__gt", std::int64_t{4'294'967'296}).count() == 2);
}

TEST_CASE_METHOD(Fixture, "db_column: the column name differs from the field name") {
    CHECK(scalar("SELECT group_concat(name) FROM pragma_table_info('renamed')") ==
          Value("renamed_id,title_text"));
    Renamed r;
    r.title = "Hello";
    r.save();
    CHECK(r.id == 1);
    CHECK(Renamed::objects().get("title", "Hello").id == 1);
    CHECK(Renamed::objects().order_by("-title").first()->title == "Hello");
    CHECK(Renamed::objects().values("title")[0]["title"] == Value("Hello"));
    CHECK(Renamed::objects().filter("pk", 1).update({{"title", "World"}}) == 1);
    CHECK(scalar("SELECT title_text FROM renamed WHERE renamed_id = 1") == Value("World"));
    r.refresh_from_db();
    CHECK(r.title == "World");
    const auto raw = Renamed::objects().raw("SELECT renamed_id, title_text FROM renamed");
    REQUIRE(raw.size() == 1);
    CHECK(raw[0].title == "World");
    CHECK(r.delete_().total == 1);
    CHECK(Renamed::objects().count() == 0);
}

TEST_CASE_METHOD(Fixture, "default_: applied to objects dorm makes from field values") {
    const WithDefault made = WithDefault::objects().create({{"label", "a"}});
    CHECK(made.status == "draft");
    CHECK(made.priority == 5);
    CHECK(made.weight == 1.5);
    const WithDefault stored = WithDefault::objects().get("pk", made.id);
    CHECK(stored.status == "draft");
    CHECK(stored.priority == 5);
    // Explicit values win over defaults, NULL included.
    const WithDefault explicit_ = WithDefault::objects().create(
        {{"label", "b"}, {"status", "final"}, {"priority", 1}, {"weight", nullptr}});
    CHECK(explicit_.status == "final");
    CHECK(explicit_.priority == 1);
    CHECK_FALSE(WithDefault::objects().get("pk", explicit_.id).weight);
    auto [got, created] = WithDefault::objects().get_or_create({{"label", "c"}});
    CHECK(created);
    CHECK(got.status == "draft");
    // A struct built in C++ has its member initializers; default_ is not applied to it.
    WithDefault plain;
    CHECK(plain.status.empty());
    CHECK(dorm::QuerySet<WithDefault>::make({}).status == "draft");
}

TEST_CASE_METHOD(Fixture, "float and bool members") {
    Kinds k;
    k.f = 1.25f;
    k.flag = true;
    k.save();
    Kinds other;
    other.f = -0.5f;
    other.save();
    const Kinds stored = Kinds::objects().get("pk", k.id);
    CHECK(stored.f == 1.25f);
    CHECK(stored.flag);
    CHECK(scalar("SELECT flag FROM kinds WHERE id = 1") == Value(1)); // stored as 0/1
    CHECK(Kinds::objects().filter("flag", true).count() == 1);
    CHECK(Kinds::objects().filter("flag", false).get().f == -0.5f);
    CHECK(Kinds::objects().filter("f__lt", 0).count() == 1);
    CHECK(Kinds::objects().values_list("flag").order_by("id").flat() == Values{true, false});
}

TEST_CASE_METHOD(Fixture, "std::optional of every kind: NULL and values round-trip") {
    const std::string schema =
        scalar("SELECT sql FROM sqlite_master WHERE name = 'kinds'").as_text();
    CHECK(schema == "CREATE TABLE \"kinds\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                    "\"f\" real NOT NULL, \"flag\" bool NOT NULL, \"oi32\" integer NULL, "
                    "\"oi64\" bigint NULL, \"od\" real NULL, \"of\" real NULL, \"ob\" bool NULL, "
                    "\"os\" varchar(5) NULL, \"odate\" date NULL, \"odt\" datetime NULL)");
    Kinds empty;
    empty.save();
    CHECK(
        scalar("SELECT count(*) FROM kinds WHERE oi32 IS NULL AND oi64 IS NULL AND od IS NULL "
               "AND of IS NULL AND ob IS NULL AND os IS NULL AND odate IS NULL AND odt IS NULL") ==
        Value(1));
    const Kinds e = Kinds::objects().get("pk", empty.id);
    CHECK_FALSE(e.oi32);
    CHECK_FALSE(e.oi64);
    CHECK_FALSE(e.od);
    CHECK_FALSE(e.of);
    CHECK_FALSE(e.ob);
    CHECK_FALSE(e.os);
    CHECK_FALSE(e.odate);
    CHECK_FALSE(e.odt);

    Kinds full;
    full.oi32 = -7;
    full.oi64 = std::int64_t{1} << 40;
    full.od = 2.5;
    full.of = 0.25f;
    full.ob = false; // a value, not NULL
    full.os = "";    // a value, not NULL
    full.odate = Date{2005, 7, 29};
    full.odt = DateTime(2005, 7, 29, 10, 30, 0, 1);
    full.save();
    const Kinds f = Kinds::objects().get("pk", full.id);
    CHECK(f.oi32 == -7);
    CHECK(f.oi64 == std::int64_t{1} << 40);
    CHECK(f.od == 2.5);
    CHECK(f.of == 0.25f);
    CHECK(f.ob == false);
    CHECK(f.os == std::string());
    CHECK(f.odate == Date{2005, 7, 29});
    CHECK(f.odt == DateTime(2005, 7, 29, 10, 30, 0, 1));

    CHECK(Kinds::objects().filter("ob__isnull", true).get().id == empty.id);
    CHECK(Kinds::objects().filter("os", "").get().id == full.id);
    CHECK(Kinds::objects().filter("odate", nullptr).get().id == empty.id);
    // Setting back to NULL through save() and through update().
    Kinds back = f;
    back.oi32.reset();
    back.save();
    CHECK_FALSE(Kinds::objects().get("pk", full.id).oi32);
    Kinds::objects().filter("pk", full.id).update({{"odt", nullptr}, {"ob", true}});
    const Kinds updated = Kinds::objects().get("pk", full.id);
    CHECK_FALSE(updated.odt);
    CHECK(updated.ob == true);
    // A 32-bit member refuses a value that does not fit.
    CHECK_THROWS_AS(Kinds::objects().create({{"oi32", std::int64_t{1} << 40}}), dorm::ValueError);
}
