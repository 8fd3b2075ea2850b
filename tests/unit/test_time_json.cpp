// TimeField: the column, the stored text, query values coerced as Django's TimeField
// (ValidationError with Django's messages), the hour/minute/second transforms, and OData
// literals and JSON in both directions (V2 Edm.Time "PT10H30M00S", V4 Edm.TimeOfDay).
#include <catch2/catch.hpp>
#include <dorm/dorm.hpp>
#include <dorm/remote/encode.hpp>
#include <dorm/remote/parse.hpp>

#include <optional>
#include <string>

using dorm::Time;
using dorm::Value;
using dorm::Values;
namespace od = dorm::odata;

namespace {

struct Slot : dorm::Model<Slot> {
    std::int64_t id = 0;
    std::optional<std::string> key;
    std::string name;
    Time start;
    std::optional<Time> finish;

    static void define(dorm::ModelDef<Slot>& m) {
        m.table("tj_slot").remote("Slots");
        m.field("id", &Slot::id, dorm::auto_pk);
        m.field("key", &Slot::key, dorm::max_length(36), dorm::remote_key("ID"));
        m.field("name", &Slot::name, dorm::max_length(20), dorm::remote("name"));
        m.field("start", &Slot::start, dorm::remote("start"));
        m.field("finish", &Slot::finish, dorm::remote("finish"));
    }
};

struct Db {
    dorm::Database db;
    Db() {
        dorm::create_tables<Slot>(db);
        add("a", {10, 30, 0, 0}, Time{11, 0, 0, 0});
        add("b", {9, 5, 7, 250}, std::nullopt);
        add("c", {23, 59, 59, 999999}, Time{0, 0, 0, 0});
    }
    void add(const char* name, Time start, std::optional<Time> finish) {
        Slot s;
        s.name = name;
        s.start = start;
        s.finish = finish;
        s.save(db);
    }
    dorm::QuerySet<Slot> qs() { return Slot::objects().using_(db).order_by("id"); }
    std::vector<std::string> names(const dorm::QuerySet<Slot>& q) {
        std::vector<std::string> out;
        for (const auto& s : q)
            out.push_back(s.name);
        return out;
    }
};

using Names = std::vector<std::string>;

} // namespace

TEST_CASE("TimeField: Django's column type, and its kind from a dorm::Time member", "[time]") {
    const auto& f = *Slot::meta().find("start");
    CHECK(f.kind == dorm::FieldKind::Time);
    CHECK(dorm::field_kind_name(f.kind) == "TimeField");
    CHECK(f.value_type() == dorm::ValueType::Time);
    CHECK(dorm::sql::create_table_sql(Slot::meta()) ==
          "CREATE TABLE \"tj_slot\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
          "\"key\" varchar(36) NULL, \"name\" varchar(20) NOT NULL, \"start\" time NOT NULL, "
          "\"finish\" time NULL)");
}

TEST_CASE("TimeField: stored as Django's text, read back, NULL in an optional", "[time]") {
    Db t;
    auto rows = t.qs().values_list("start", "finish").rows();
    REQUIRE(rows.size() == 3);
    CHECK(rows[0][0] == Value(Time{10, 30, 0, 0}));
    CHECK(rows[1][0] == Value(Time{9, 5, 7, 250}));
    CHECK(rows[1][1].is_null());
    const auto objs = t.qs().to_vector();
    CHECK(objs[2].start == Time{23, 59, 59, 999999});
    CHECK(objs[2].finish == Time{0, 0, 0, 0});
    CHECK_FALSE(objs[1].finish.has_value());
    // The column's text, as Python's str(time): seconds always, a fraction only when there
    // is one.
    std::string text;
    dorm::Database::Lease st(t.db, "SELECT start || '/' || coalesce(finish, 'NULL') FROM "
                                   "tj_slot ORDER BY id");
    while (st->step())
        text += std::string(st->text(0)) + ";";
    CHECK(text == "10:30:00/11:00:00;09:05:07.000250/NULL;23:59:59.999999/00:00:00;");
    // A stored text that is not a time is refused when read.
    t.db.exec("UPDATE tj_slot SET start = '25:00:00' WHERE name = 'a'");
    CHECK_THROWS_AS(t.qs().to_vector(), dorm::DatabaseError);
}

TEST_CASE("TimeField: comparisons, in, range, and the hour/minute/second transforms", "[time]") {
    Db t;
    CHECK(t.names(t.qs().filter("start", Time{10, 30})) == Names{"a"});
    CHECK(t.names(t.qs().filter("start", "10:30")) == Names{"a"});
    CHECK(t.names(t.qs().filter("start__lt", "10:00")) == Names{"b"});
    CHECK(t.names(t.qs().filter("start__gte", "9:5:7.00025")) == Names{"a", "b", "c"});
    CHECK(t.names(t.qs().filter("start__range", Values{"09:00", "11:00"})) == Names{"a", "b"});
    CHECK(t.names(t.qs().filter("start__in", Values{"23:59:59.999999", Time{9, 5, 7, 250}})) ==
          Names{"b", "c"});
    CHECK(t.names(t.qs().filter("finish__isnull", true)) == Names{"b"});
    CHECK(t.names(t.qs().filter("start__hour", 23)) == Names{"c"});
    CHECK(t.names(t.qs().filter("start__minute__gte", 30)) == Names{"a", "c"});
    CHECK(t.names(t.qs().filter("start__second", 7)) == Names{"b"});
    CHECK(t.names(t.qs().filter("finish__hour", 0)) == Names{"c"});
    // Django's time pattern is not anchored at the end: what follows a match is ignored.
    CHECK(t.names(t.qs().filter("start", "10:30:00+02:00")) == Names{"a"});
    // A datetime compared with a time field: its time (Django's to_python).
    CHECK(t.names(t.qs().filter("start", dorm::DateTime(2020, 1, 1, 10, 30))) == Names{"a"});
    // The bound value is the stored form.
    const auto c = t.qs().filter("start", "9:5").sql();
    CHECK(c.text.find("\"tj_slot\".\"start\" = ?") != std::string::npos);
    CHECK(c.params == Values{Time{9, 5, 0, 0}});
}

TEST_CASE("TimeField: invalid text is Django's ValidationError, naming the field", "[time]") {
    Db t;
    try {
        (void)t.qs().filter("start", "abc").count();
        FAIL("no exception");
    } catch (const dorm::ValidationError& e) {
        CHECK(std::string(e.what()) ==
              "“abc” value has an invalid format. It must be in HH:MM[:ss[.uuuuuu]] format. "
              "(Slot.start lookup 'exact')");
    }
    try {
        (void)t.qs().filter("start__lt", "25:00").count();
        FAIL("no exception");
    } catch (const dorm::ValidationError& e) {
        CHECK(std::string(e.what()) ==
              "“25:00” value has the correct format (HH:MM[:ss[.uuuuuu]]) but it is an invalid "
              "time. (Slot.start lookup 'lt')");
    }
    for (const char* bad : {"", "10", "10:", ":30", "1030", "x10:30", "\xc3\xa4:00"})
        CHECK_THROWS_AS(t.qs().filter("start", bad), dorm::ValidationError);
    CHECK_THROWS_AS(t.qs().filter("start", 5), dorm::ValueError);
    // Django's parse_time: ',' for '.', more than six fraction digits cut, trailing text ignored.
    auto parsed = [](const char* text) {
        auto name = [] { return std::string("start"); };
        return dorm::detail::coerce(dorm::Value(text), {dorm::ValueType::Time, false, name, name})
            .as_time();
    };
    CHECK(parsed("7:3:2,5") == Time{7, 3, 2, 500000});
    CHECK(parsed("07:03:02.1234567") == Time{7, 3, 2, 123456});
    CHECK(parsed("07:03:x") == Time{7, 3, 0, 0});
}

TEST_CASE("TimeField: text assigned to a member is parsed as Django's to_python", "[time]") {
    Db t;
    const Slot s = Slot::objects().using_(t.db).create({{"name", "d"}, {"start", "7:5"}});
    CHECK(s.start == Time{7, 5, 0, 0});
    CHECK(Slot::objects().using_(t.db).get("name", "d").start == Time{7, 5, 0, 0});
    try {
        (void)Slot::objects().using_(t.db).create({{"name", "e"}, {"start", "7h"}});
        FAIL("no exception");
    } catch (const dorm::ValidationError& e) {
        CHECK(std::string(e.what()) == "“7h” value has an invalid format. It must be in "
                                       "HH:MM[:ss[.uuuuuu]] format. (Slot.start (TimeField))");
    }
    CHECK_THROWS_AS(Slot::objects().using_(t.db).create({{"name", "f"}, {"finish", "24:00"}}),
                    dorm::ValidationError);
}

TEST_CASE("TimeField: OData literals, V2 Edm.Time and V4 Edm.TimeOfDay", "[time][odata]") {
    const Value v(Time{10, 30, 0, 0});
    CHECK(od::literal(v, od::odata_v2()) == "time'PT10H30M00S'");
    CHECK(od::literal(v, od::crm2011()) == "time'PT10H30M00S'");
    CHECK(od::literal(v, od::odata_v4()) == "10:30:00");
    CHECK(od::literal(Value(Time{9, 5, 7, 250}), od::odata_v2()) == "time'PT09H05M07.000250S'");
    CHECK(od::literal(Value(Time{9, 5, 7, 250}), od::odata_v4()) == "09:05:07.000250");
    CHECK(od::json_value(v, od::Version::V2) == "PT10H30M00S");
    CHECK(od::json_value(v, od::Version::V4) == "10:30:00");

    CHECK(Slot::objects().filter("start__gte", "10:30").odata(od::odata_v2()).filter ==
          "start ge time'PT10H30M00S'");
    CHECK(Slot::objects().filter("start__gte", "10:30").odata(od::odata_v4()).filter ==
          "start ge 10:30:00");
    CHECK(Slot::objects().filter("start__hour", 10).odata(od::odata_v4()).filter ==
          "hour(start) eq 10");
}

TEST_CASE("TimeField: the remote's time values parsed, refused when not a time of day",
          "[time][odata]") {
    using od::Version;
    auto p = [](const char* s, Version v) {
        return od::parse_value(nlohmann::json(s), dorm::ValueType::Time, v, "start");
    };
    CHECK(p("PT10H30M00S", Version::V2) == Value(Time{10, 30, 0, 0}));
    CHECK(p("PT10H30M", Version::V2) == Value(Time{10, 30, 0, 0}));
    CHECK(p("PT9H", Version::V2) == Value(Time{9, 0, 0, 0}));
    CHECK(p("PT45S", Version::V2) == Value(Time{0, 0, 45, 0}));
    CHECK(p("PT1H2M3.25S", Version::V2) == Value(Time{1, 2, 3, 250000}));
    CHECK(p("10:30:00", Version::V4) == Value(Time{10, 30, 0, 0}));
    CHECK(p("10:30:00.123", Version::V4) == Value(Time{10, 30, 0, 123000}));
    CHECK(od::parse_value(nlohmann::json(nullptr), dorm::ValueType::Time, Version::V4, "start")
              .is_null());
    for (const char* bad : {"PT", "P1DT2H", "PT24H", "PT10M30H", "PT1.5H", "10:30", "PTxH", ""})
        CHECK_THROWS_AS(p(bad, Version::V2), dorm::MalformedResponse);
    for (const char* bad : {"25:00:00", "PT10H", "10", "x", ""})
        CHECK_THROWS_AS(p(bad, Version::V4), dorm::MalformedResponse);
    CHECK_THROWS_AS(od::parse_value(nlohmann::json(5), dorm::ValueType::Time, Version::V4, "s"),
                    dorm::MalformedResponse);
}

// ---- JSONField ------------------------------------------------------------------------------

namespace {

struct Doc : dorm::Model<Doc> {
    std::int64_t id = 0;
    std::string name;
    std::optional<dorm::Json> data;

    static void define(dorm::ModelDef<Doc>& m) {
        m.table("tj_doc");
        m.field("id", &Doc::id, dorm::auto_pk);
        m.field("name", &Doc::name, dorm::max_length(20));
        m.field("data", &Doc::data);
    }
};

struct Docs {
    dorm::Database db;
    Docs() {
        dorm::create_tables<Doc>(db);
        add("ann", R"({"owner": {"name": "Ann", "age": 30}, "tags": ["a", "b"], "n": 1})");
        add("bob", R"({"owner": {"name": "bob"}, "tags": [], "n": 2.5, "x": null})");
        add("nul", "null");
        add("none", std::nullopt);
        add("odd", R"({"a\"b": 1, "$.x": 2, "ä": "ü", "back\\slash": true, "1": "one"})");
    }
    void add(const char* name, std::optional<const char*> json) {
        Doc d;
        d.name = name;
        if (json)
            d.data = dorm::Json(*json);
        d.save(db);
    }
    Names names(const std::string& key, const dorm::Arg& v) {
        Names out;
        for (const auto& d : Doc::objects().using_(db).filter(key, v).order_by("id"))
            out.push_back(d.name);
        return out;
    }
};

} // namespace

TEST_CASE("dorm::Json: Python's json.dumps text, refusals", "[json]") {
    CHECK(dorm::Json(R"({"b":1,"a":[1.0,2e-5,-0,"\u00e4ü"],"b":2})").dump() ==
          R"({"b": 2, "a": [1.0, 2e-05, 0, "\u00e4\u00fc"]})");
    CHECK(dorm::Json().dump() == "null");
    CHECK(dorm::Json::string("it's \"q\" \\ ä").dump() == R"("it's \"q\" \\ \u00e4")");
    for (const char* bad : {"", "{", "[1,]", "NaN", "Infinity", "1e400", "{'a': 1}", "\"\xc3\""})
        CHECK_THROWS_AS(dorm::Json(bad), dorm::ValueError);
    CHECK(dorm::detail::json_path({"owner", "name"}) == R"($."owner"."name")");
    CHECK(dorm::detail::json_path({"tags", "0"}) == R"($."tags"[0])");
    CHECK(dorm::detail::json_path({"a\"b", "$.x", "ä"}) == R"($."a\"b"."$.x"."\u00e4")");
}

TEST_CASE("JSONField: Django's column and check, the stored text, read back", "[json]") {
    CHECK(dorm::sql::create_table_sql(Doc::meta()) ==
          "CREATE TABLE \"tj_doc\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
          "\"name\" varchar(20) NOT NULL, \"data\" text NULL CHECK ((JSON_VALID(\"data\") OR "
          "\"data\" IS NULL)))");
    Docs t;
    const auto docs = Doc::objects().using_(t.db).order_by("id").to_vector();
    REQUIRE(docs.size() == 5);
    CHECK(docs[0].data->dump() ==
          R"({"owner": {"name": "Ann", "age": 30}, "tags": ["a", "b"], "n": 1})");
    CHECK(docs[2].data->is_null()); // JSON null, not SQL NULL
    CHECK_FALSE(docs[3].data.has_value());
    CHECK(docs[4].data->dump() ==
          R"({"a\"b": 1, "$.x": 2, "\u00e4": "\u00fc", "back\\slash": true, "1": "one"})");
    // The database refuses text that is not JSON.
    CHECK_THROWS_AS(t.db.exec("UPDATE tj_doc SET data = 'nope' WHERE id = 1"),
                    dorm::IntegrityError);
}

TEST_CASE("JSONField: key transforms, has_key, isnull, and Django's SQL", "[json]") {
    Docs t;
    CHECK(t.names("data__owner__name", "Ann") == Names{"ann"});
    CHECK(t.names("data__n", 1) == Names{"ann"});
    CHECK(t.names("data__n__gt", 1) == Names{"bob"});
    CHECK(t.names("data__tags__0", "a") == Names{"ann"});
    CHECK(t.names("data__owner__name__icontains", "B") == Names{"bob"});
    CHECK(t.names("data__owner__name__startswith", "A") == Names{"ann"});
    CHECK(t.names("data__owner__age__lt", 40) == Names{"ann"});
    CHECK(t.names("data__x", nullptr) == Names{"bob"}); // JSON null
    CHECK(t.names("data__x__isnull", true) == Names{"ann", "nul", "none", "odd"});
    CHECK(t.names("data__owner__isnull", false) == Names{"ann", "bob"});
    CHECK(t.names("data__has_key", "tags") == Names{"ann", "bob"});
    CHECK(t.names("data__owner__has_key", "age") == Names{"ann"});
    CHECK(t.names("data__has_keys", Values{"tags", "x"}) == Names{"bob"});
    CHECK(t.names("data__has_any_keys", Values{"x", "$.x"}) == Names{"bob", "odd"});
    CHECK(t.names("data__n__in", Values{1, 2.5, nullptr}) == Names{"ann", "bob"});
    CHECK(t.names("data", nullptr) == Names{"nul"});
    CHECK(t.names("data__isnull", true) == Names{"none"});
    CHECK(t.names("data", dorm::Json(R"({"tags":[],"owner":{"name":"bob"},"n":2.5,"x":null})")) ==
          Names{}); // the document's text, key order included (Django's exact)
    CHECK(t.names("data", dorm::Json(R"({"owner":{"name":"bob"},"tags":[],"n":2.5,"x":null})")) ==
          Names{"bob"});
    // Hostile keys reach SQL as a bound, quoted JSON path.
    // SQLite's JSON path reads a quoted label up to the next quote: Django's path for the key
    // a"b finds nothing there, and dorm's is the same (the conformance suite compares).
    CHECK(t.names("data__a\"b", 1) == Names{});
    CHECK(t.names("data__$.x", 2) == Names{"odd"});
    CHECK(t.names("data__ä", "ü") == Names{"odd"});
    CHECK(t.names("data__back\\slash", true) == Names{"odd"});
    CHECK(t.names("data__1", "one") == Names{}); // an integer is an index, as in Django
    const auto c = Doc::objects().filter("data__owner__name", "Ann").sql();
    CHECK(c.text.find("WHERE JSON_EXTRACT(\"tj_doc\".\"data\", ?) = JSON_EXTRACT(?, '$')") !=
          std::string::npos);
    CHECK(c.params == Values{R"($."owner"."name")", R"("Ann")"});
    const auto h = Doc::objects().filter("data__has_keys", Values{"a", "b"}).sql();
    CHECK(h.text.find("WHERE (JSON_TYPE(\"tj_doc\".\"data\", ?) IS NOT NULL AND "
                      "JSON_TYPE(\"tj_doc\".\"data\", ?) IS NOT NULL)") != std::string::npos);
    // As Django on SQLite.
    CHECK_THROWS_AS(Doc::objects().filter("data__contains", dorm::Json("{}")), dorm::NotSupported);
    CHECK_THROWS_AS(Doc::objects().filter("data__a__contains", "x"), dorm::NotSupported);
    CHECK_THROWS_AS(Doc::objects().filter("data__contained_by", dorm::Json("{}")),
                    dorm::NotSupported);
    CHECK_THROWS_AS(Doc::objects().filter("data", "not json"), dorm::ValueError);
    CHECK_THROWS_AS(Doc::objects().filter("data__gt", 1), dorm::FieldError);
}
