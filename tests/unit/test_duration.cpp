// DurationField: std::chrono::microseconds members, Django's bigint column of microseconds,
// query values (any std::chrono::duration; text and numbers refused, as Django 3.2's
// duration_microseconds refuses them), every lookup, Python's str()/repr() of a timedelta in
// messages and pattern lookups, and OData literals and JSON in both directions (V4
// Edm.Duration, V2 Edm.Time, both "P1DT2H3M4.5S").
#include <catch2/catch.hpp>
#include <dorm/dorm.hpp>
#include <dorm/remote/encode.hpp>
#include <dorm/remote/parse.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

using dorm::Value;
using dorm::Values;
using std::chrono::microseconds;
using namespace std::chrono_literals;
namespace od = dorm::odata;

namespace {

struct Task : dorm::Model<Task> {
    std::int64_t id = 0;
    std::optional<std::string> key;
    std::string name;
    microseconds took{0};
    std::optional<microseconds> pause;

    static void define(dorm::ModelDef<Task>& m) {
        m.table("du_task").remote("Tasks");
        m.field("id", &Task::id, dorm::auto_pk);
        m.field("key", &Task::key, dorm::max_length(36), dorm::remote_key("ID"));
        m.field("name", &Task::name, dorm::max_length(20), dorm::remote("name"));
        m.field("took", &Task::took, dorm::remote("took"));
        m.field("pause", &Task::pause, dorm::remote("pause"));
    }
};

struct Db {
    dorm::Database db;
    Db() {
        dorm::create_tables<Task>(db);
        add("a", 24h + 2h + 3min + 4500ms, 90s);  // 93784500000
        add("b", -1us, std::nullopt);             // -1 day, 23:59:59.999999
        add("c", 0us, 0us);                       // 0:00:00
        add("d", -48h + 5s, std::nullopt);        // -2 days, 0:00:05
        add("e", 86'400'000'000us, std::nullopt); // 1 day, 0:00:00
    }
    void add(const char* name, microseconds took, std::optional<microseconds> pause) {
        Task t;
        t.name = name;
        t.took = took;
        t.pause = pause;
        t.save(db);
    }
    dorm::QuerySet<Task> qs() { return Task::objects().using_(db).order_by("id"); }
    std::vector<std::string> names(const dorm::QuerySet<Task>& q) {
        std::vector<std::string> out;
        for (const auto& t : q)
            out.push_back(t.name);
        return out;
    }
};

using Names = std::vector<std::string>;

template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const dorm::Error& e) {
        return e.what();
    }
    return "no exception";
}

} // namespace

TEST_CASE("DurationField: Django's bigint column, its kind from a microseconds member",
          "[duration]") {
    const auto& f = *Task::meta().find("took");
    CHECK(f.kind == dorm::FieldKind::Duration);
    CHECK(dorm::field_kind_name(f.kind) == "DurationField");
    CHECK(f.value_type() == dorm::ValueType::Duration);
    CHECK(dorm::value_type_name(f.value_type()) == "duration");
    CHECK(dorm::sql::create_table_sql(Task::meta()) ==
          "CREATE TABLE \"du_task\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
          "\"key\" varchar(36) NULL, \"name\" varchar(20) NOT NULL, \"took\" bigint NOT NULL, "
          "\"pause\" bigint NULL)");
}

TEST_CASE("DurationField: any std::chrono::duration as a Value, rounded as Python's timedelta",
          "[duration]") {
    CHECK(Value(90s).kind() == Value::Kind::Duration);
    CHECK(Value(90s).as_duration() == 90'000'000us);
    CHECK(Value(2h) == Value(microseconds(7'200'000'000)));
    CHECK(Value(std::chrono::milliseconds(-3)).as_duration() == -3000us);
    // Finer than a microsecond: half to even, as timedelta(microseconds=1.5) == 2 µs.
    CHECK(Value(std::chrono::nanoseconds(1500)).as_duration() == 2us);
    CHECK(Value(std::chrono::nanoseconds(2500)).as_duration() == 2us);
    CHECK(Value(std::chrono::nanoseconds(2501)).as_duration() == 3us);
    CHECK(Value(std::chrono::nanoseconds(-1500)).as_duration() == -2us);
    CHECK(Value(std::chrono::nanoseconds(-1499)).as_duration() == -1us);
    CHECK(Value(std::chrono::duration<double>(4.5)).as_duration() == 4'500'000us);
    CHECK(Value(std::chrono::duration<double, std::micro>(2.5)).as_duration() == 2us);
    CHECK(Value(std::chrono::duration<unsigned>(3)).as_duration() == 3'000'000us);
    // Beyond 64-bit microseconds (what SQLite's INTEGER holds): OverflowError.
    CHECK_THROWS_AS(Value(std::chrono::hours(std::numeric_limits<std::int64_t>::max() / 1000)),
                    dorm::OverflowError);
    CHECK_THROWS_AS(Value(std::chrono::duration<double>(1e300)), dorm::OverflowError);
    CHECK_THROWS_AS(Value(std::chrono::duration<double>(std::numeric_limits<double>::quiet_NaN())),
                    dorm::OverflowError);
    CHECK_THROWS_AS(Value(std::chrono::duration<std::uint64_t, std::micro>(
                        std::numeric_limits<std::uint64_t>::max())),
                    dorm::OverflowError);
    CHECK(Value(microseconds::min()).as_duration() == microseconds::min());
    // An integer is microseconds to as_duration (the column's form).
    CHECK(Value(5).as_duration() == 5us);
    CHECK_THROWS_AS(Value("1 day").as_duration(), dorm::ValueError);
    CHECK(Value::kind_name(Value::Kind::Duration) == "duration");
}

TEST_CASE("DurationField: Python's str() and repr() of a timedelta", "[duration]") {
    CHECK(dorm::duration_str(24h + 2h + 3min + 4500ms) == "1 day, 2:03:04.500000");
    CHECK(dorm::duration_str(-1us) == "-1 day, 23:59:59.999999");
    CHECK(dorm::duration_str(0us) == "0:00:00");
    CHECK(dorm::duration_str(-48h + 5s) == "-2 days, 0:00:05");
    CHECK(dorm::duration_str(49h) == "2 days, 1:00:00");
    CHECK(dorm::duration_str(5us) == "0:00:00.000005");
    CHECK(dorm::duration_str(100h) == "4 days, 4:00:00");
    CHECK(Value(90s).repr() == "0:01:30");
    using dorm::detail::python_repr;
    CHECK(python_repr(Value(24h + 2h + 3min + 4500ms)) ==
          "datetime.timedelta(days=1, seconds=7384, microseconds=500000)");
    CHECK(python_repr(Value(-1us)) ==
          "datetime.timedelta(days=-1, seconds=86399, microseconds=999999)");
    CHECK(python_repr(Value(0us)) == "datetime.timedelta(0)");
    CHECK(python_repr(Value(5s)) == "datetime.timedelta(seconds=5)");
    CHECK(python_repr(Value(-48h + 5s)) == "datetime.timedelta(days=-2, seconds=5)");
}

TEST_CASE("DurationField: stored as Django's integer microseconds, read back", "[duration]") {
    Db t;
    std::string text;
    dorm::Database::Lease st(t.db, "SELECT took || '/' || typeof(took) || '/' || "
                                   "coalesce(pause, 'NULL') FROM du_task ORDER BY id");
    while (st->step())
        text += std::string(st->text(0)) + ";";
    CHECK(text == "93784500000/integer/90000000;-1/integer/NULL;0/integer/0;"
                  "-172795000000/integer/NULL;86400000000/integer/NULL;");
    const auto objs = t.qs().to_vector();
    REQUIRE(objs.size() == 5);
    CHECK(objs[0].took == 24h + 2h + 3min + 4500ms);
    CHECK(objs[0].pause == 90s);
    CHECK(objs[1].took == -1us);
    CHECK_FALSE(objs[1].pause.has_value());
    auto rows = t.qs().values_list("took", "pause").rows();
    REQUIRE(rows.size() == 5);
    CHECK(rows[0][0] == Value(24h + 2h + 3min + 4500ms));
    CHECK(rows[0][0].kind() == Value::Kind::Duration);
    CHECK(rows[1][1].is_null());
    // Assigned through a Value (create() with values) and saved again.
    const Task n = Task::objects().using_(t.db).create({{"name", "f"}, {"took", 1500ms}});
    CHECK(n.took == 1'500'000us);
    CHECK(Task::objects().using_(t.db).get("name", "f").took == 1500ms);
    // Text stored in the column is refused when read.
    t.db.exec("UPDATE du_task SET took = 'x' WHERE name = 'a'");
    CHECK_THROWS_AS(t.qs().to_vector(), dorm::DatabaseError);
}

TEST_CASE("DurationField: exact, comparisons, in, range, isnull, with Django's rows",
          "[duration]") {
    Db t;
    CHECK(t.names(t.qs().filter("took", 24h + 2h + 3min + 4500ms)) == Names{"a"});
    CHECK(t.names(t.qs().filter("took", 24h)) == Names{"e"});
    CHECK(t.names(t.qs().filter("took", std::chrono::duration<double>(93784.5))) == Names{"a"});
    CHECK(t.names(t.qs().filter("took__gt", 0us)) == Names{"a", "e"});
    CHECK(t.names(t.qs().filter("took__lte", -1us)) == Names{"b", "d"});
    CHECK(t.names(t.qs().filter("took__in", Values{0us, -1us})) == Names{"b", "c"});
    CHECK(t.names(t.qs().filter("took__range", Values{-24h, 24h})) == Names{"b", "c", "e"});
    CHECK(t.names(t.qs().filter("pause__isnull", true)) == Names{"b", "d", "e"});
    CHECK(t.names(t.qs().filter("pause", nullptr)) == Names{"b", "d", "e"});
    CHECK(t.names(t.qs().exclude("pause__gt", 1min)) == Names{"b", "c", "d", "e"});
    CHECK(t.names(t.qs().filter(dorm::Q("took__gte", 1h) | dorm::Q("pause", 0s))) ==
          Names{"a", "c", "e"});
    // The bound value is the column's: integer microseconds.
    const auto c = t.qs().filter("took__gt", 24h).sql();
    CHECK(c.text.find("WHERE \"du_task\".\"took\" > ?") != std::string::npos);
    CHECK(c.params == Values{Value(24h)});
    // Ordering and aggregates of the integer column.
    CHECK(t.names(Task::objects().using_(t.db).order_by("took")) == Names{"d", "b", "c", "e", "a"});
}

TEST_CASE("DurationField: pattern lookups compare the integer's text, as Django on SQLite",
          "[duration]") {
    Db t;
    CHECK(t.names(t.qs().filter("took__contains", "9378")) == Names{"a"});
    CHECK(t.names(t.qs().filter("took__contains", 9378)) == Names{"a"});
    CHECK(t.names(t.qs().filter("took__startswith", "-")) == Names{"b", "d"});
    CHECK(t.names(t.qs().filter("took__iexact", "0")) == Names{"c"});
    CHECK(t.names(t.qs().filter("took__endswith", 0)) == Names{"a", "c", "d", "e"});
    CHECK(t.names(t.qs().filter("took__regex", "^-1")) == Names{"b", "d"});
    CHECK(t.names(t.qs().filter("pause__iexact", nullptr)) == Names{"b", "d", "e"});
    // A duration in a pattern is Python's str() of it, which no integer's text contains.
    CHECK(t.names(t.qs().filter("took__contains", 0us)) == Names{});
    const auto c = t.qs().filter("took__contains", 24h).sql();
    CHECK(c.params == Values{Value("*1 day, 0:00:00*")});
}

TEST_CASE("DurationField: text and numbers refused, as Django's duration_microseconds",
          "[duration]") {
    Db t;
    CHECK(message_of([&] { (void)t.qs().filter("took", 5); }) ==
          "Field 'took' expected a duration (a std::chrono::duration) but got 5. "
          "(Task.took lookup 'exact')");
    CHECK(message_of([&] { (void)t.qs().filter("took__gt", "1 day"); }) ==
          "Field 'took' expected a duration (a std::chrono::duration) but got '1 day'. "
          "(Task.took lookup 'gt')");
    CHECK_THROWS_AS(t.qs().filter("took", 5), dorm::TypeError);
    CHECK_THROWS_AS(t.qs().filter("took", 1.5), dorm::TypeError);
    CHECK_THROWS_AS(t.qs().filter("took__in", Values{0}), dorm::TypeError);
    CHECK_THROWS_AS(t.qs().filter("took__range", Values{"P1D", 24h}), dorm::TypeError);
    CHECK_THROWS_AS(t.qs().filter("took", dorm::Date{2020, 1, 1}), dorm::TypeError);
    CHECK_THROWS_AS(Task::objects().using_(t.db).create({{"name", "x"}, {"took", "1 day"}}),
                    dorm::TypeError);
    // A duration compared with another kind of field, as Django's get_prep_value of it.
    CHECK(message_of([] { (void)Task::objects().filter("id", 24h); }) ==
          "Field 'id' expected a number but got datetime.timedelta(days=1). "
          "(Task.id lookup 'exact')");
    CHECK(Task::objects().filter("name", 90s).sql().params == Values{Value("0:01:30")});
    // Lookups a DurationField does not have.
    CHECK_THROWS_AS(t.qs().filter("took__year", 1), dorm::FieldError);
    CHECK_THROWS_AS(t.qs().filter("took__has_key", "a"), dorm::FieldError);
}

TEST_CASE("DurationField: ISO 8601 durations, OData V4 Edm.Duration and V2 Edm.Time",
          "[duration][odata]") {
    CHECK(od::iso_duration(24h + 2h + 3min + 4500ms) == "P1DT2H3M4.5S");
    CHECK(od::iso_duration(0us) == "PT0S");
    CHECK(od::iso_duration(-1us) == "-PT0.000001S");
    CHECK(od::iso_duration(48h) == "P2D");
    CHECK(od::iso_duration(2h) == "PT2H");
    CHECK(od::iso_duration(-48h + 5s) == "-P1DT23H59M55S");
    CHECK(od::iso_duration(microseconds::min()) == "-P106751991DT4H54.775808S");
    const Value v(24h + 2h + 3min + 4500ms);
    CHECK(od::literal(v, od::odata_v4()) == "duration'P1DT2H3M4.5S'");
    CHECK(od::literal(v, od::dataverse()) == "duration'P1DT2H3M4.5S'");
    CHECK(od::literal(v, od::odata_v2()) == "time'P1DT2H3M4.5S'");
    CHECK(od::literal(v, od::crm2011()) == "time'P1DT2H3M4.5S'");
    CHECK(od::json_value(v, od::Version::V4) == "P1DT2H3M4.5S");
    CHECK(od::json_value(v, od::Version::V2) == "P1DT2H3M4.5S");
    CHECK(Task::objects().filter("took__gte", 90s).odata(od::odata_v4()).filter ==
          "took ge duration'PT1M30S'");
    CHECK(Task::objects().filter("took__in", Values{1s, 2s}).odata(od::odata_v2()).filter ==
          "(took eq time'PT1S' or took eq time'PT2S')");
    // Pattern lookups compare SQLite's text of the integer: narrowed locally.
    CHECK_FALSE(Task::objects().filter("took__contains", "9").odata(od::odata_v4()).exact);

    using od::parse_iso_duration;
    CHECK(parse_iso_duration("P1DT2H3M4.5S") == 24h + 2h + 3min + 4500ms);
    CHECK(parse_iso_duration("-P1D") == -24h);
    CHECK(parse_iso_duration("PT0S") == 0us);
    CHECK(parse_iso_duration("PT1M") == 1min);
    CHECK(parse_iso_duration("+PT36H") == 36h);
    CHECK(parse_iso_duration("PT0.0000015S") == 2us); // half to even
    CHECK(parse_iso_duration("PT0.0000025S") == 2us);
    CHECK(parse_iso_duration("PT0.00000251S") == 3us);
    CHECK(parse_iso_duration("PT0.9999999S") == 1s);
    CHECK(parse_iso_duration("-P106751991DT4H54.775808S") == microseconds::min());
    for (const char* bad :
         {"", "P", "PT", "P1DT", "1D", "P1Y", "P1M", "P1W", "PT1.5H", "PT2M1H", "P1H", "PT1D",
          "P1DT2H3M4.S", "P-1D", "PT1S2S", "P99999999999999D", "PT 1S", "PT1S "})
        CHECK_FALSE(parse_iso_duration(bad).has_value());

    auto p = [](const nlohmann::json& j, od::Version ver) {
        return od::parse_value(j, dorm::ValueType::Duration, ver, "took");
    };
    CHECK(p("P1DT2H3M4.5S", od::Version::V4) == Value(24h + 2h + 3min + 4500ms));
    CHECK(p("PT10H30M", od::Version::V2) == Value(10h + 30min));
    CHECK(p(nullptr, od::Version::V4).is_null());
    CHECK_THROWS_AS(p(5, od::Version::V4), dorm::MalformedResponse);
    CHECK_THROWS_AS(p("10:30:00", od::Version::V4), dorm::MalformedResponse);
}
