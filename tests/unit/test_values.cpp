// dorm::Value and the naive date/time types: construction, kinds, conversions, parsing and
// formatting (Django's SQLite storage formats, microseconds, invalid dates), and how they
// travel through SQLite.
#include <catch2/catch.hpp>

#include <dorm/core/coerce.hpp>
#include <dorm/dorm.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

namespace {

using dorm::Date;
using dorm::DateTime;
using dorm::Time;
using dorm::Value;

// A model holding every date/time kind, for the round trips through SQLite.
struct Stamp : dorm::Model<Stamp> {
    std::int64_t id = 0;
    dorm::Date day;
    dorm::DateTime at;
    std::optional<dorm::DateTime> maybe;
    static void define(dorm::ModelDef<Stamp>& m) {
        m.table("stamp");
        m.field("id", &Stamp::id, dorm::auto_pk);
        m.field("day", &Stamp::day);
        m.field("at", &Stamp::at);
        m.field("maybe", &Stamp::maybe);
    }
};

std::string stored_text(dorm::Database& db, const std::string& sql) {
    dorm::sql::Cursor c(db, sql, {});
    REQUIRE(c.next());
    return std::string(c.stmt().text(0));
}

} // namespace

TEST_CASE("Date: ISO formatting pads to YYYY-MM-DD") {
    CHECK(Date{2005, 7, 29}.iso() == "2005-07-29");
    CHECK(Date{5, 1, 2}.iso() == "0005-01-02");
    CHECK(Date{9999, 12, 31}.iso() == "9999-12-31");
    CHECK(Date{}.iso() == "1970-01-01");
}

TEST_CASE("Date: parse accepts valid dates and round-trips") {
    auto d = Date::parse("2005-07-29");
    REQUIRE(d);
    CHECK(d->year == 2005);
    CHECK(d->month == 7);
    CHECK(d->day == 29);
    CHECK(Date::parse(d->iso()) == d);
    CHECK(Date::parse("2020-02-29") == Date{2020, 2, 29}); // leap year
    CHECK(Date::parse("2000-02-29") == Date{2000, 2, 29}); // divisible by 400
    CHECK(Date::parse("0001-01-01") == Date{1, 1, 1});
}

TEST_CASE("Date: parse rejects invalid dates and malformed text") {
    CHECK_FALSE(Date::parse("2021-02-29")); // not a leap year
    CHECK_FALSE(Date::parse("1900-02-29")); // divisible by 100, not by 400
    CHECK_FALSE(Date::parse("2021-04-31"));
    CHECK_FALSE(Date::parse("2021-13-01"));
    CHECK_FALSE(Date::parse("2021-00-10"));
    CHECK_FALSE(Date::parse("2021-01-00"));
    CHECK_FALSE(Date::parse("0000-01-01")); // year 0 is outside Python's date range
    CHECK_FALSE(Date::parse("2021-1-01"));
    CHECK_FALSE(Date::parse("2021/01/01"));
    CHECK_FALSE(Date::parse("2021-01-01 "));
    CHECK_FALSE(Date::parse("2021-01-0a"));
    CHECK_FALSE(Date::parse("+021-01-01"));
    CHECK_FALSE(Date::parse(""));
}

TEST_CASE("Date: valid() and ordering") {
    CHECK(Date{2024, 2, 29}.valid());
    CHECK_FALSE(Date{2023, 2, 29}.valid());
    CHECK_FALSE(Date{2023, 6, 31}.valid());
    CHECK_FALSE(Date{10000, 1, 1}.valid());
    CHECK(Date{2005, 7, 29} < Date{2005, 7, 30});
    CHECK(Date{2004, 12, 31} < Date{2005, 1, 1});
    CHECK(Date{2005, 7, 29} == Date{2005, 7, 29});
}

TEST_CASE("Time: formatting as Python's str(time), microseconds only when non-zero") {
    CHECK(Time{10, 30, 0, 0}.iso() == "10:30:00");
    CHECK(Time{0, 0, 0, 0}.iso() == "00:00:00");
    CHECK(Time{10, 30, 5, 250}.iso() == "10:30:05.000250");
    CHECK(Time{23, 59, 59, 999999}.iso() == "23:59:59.999999");
    CHECK(Time{1, 2, 3, 500000}.iso() == "01:02:03.500000");
}

TEST_CASE("Time: parse with and without seconds and fractions") {
    CHECK(Time::parse("10:30") == Time{10, 30, 0, 0});
    CHECK(Time::parse("10:30:15") == Time{10, 30, 15, 0});
    CHECK(Time::parse("10:30:15.5") == Time{10, 30, 15, 500000}); // right-padded
    CHECK(Time::parse("10:30:15.000250") == Time{10, 30, 15, 250});
    CHECK(Time::parse("10:30:15.123456") == Time{10, 30, 15, 123456});
    CHECK(Time::parse("10:30:15.1234567") == Time{10, 30, 15, 123456}); // beyond us dropped
    const Time t{7, 8, 9, 10};
    CHECK(Time::parse(t.iso()) == t);
}

TEST_CASE("Time: parse rejects invalid times") {
    CHECK_FALSE(Time::parse("24:00"));
    CHECK_FALSE(Time::parse("10:60"));
    CHECK_FALSE(Time::parse("10:30:60"));
    CHECK_FALSE(Time::parse("10:30:15."));
    CHECK_FALSE(Time::parse("10:30:15.x"));
    CHECK_FALSE(Time::parse("10:3"));
    CHECK_FALSE(Time::parse("1030"));
    CHECK_FALSE(Time::parse("10:30:1"));
    CHECK_FALSE(Time::parse("10:30:15 "));
    CHECK_FALSE(Time::parse(""));
    CHECK_FALSE(Time{0, 0, 0, 1000000}.valid());
    CHECK_FALSE(Time{-1, 0, 0, 0}.valid());
}

TEST_CASE("DateTime: Django's SQLite storage format, microseconds when non-zero") {
    CHECK(DateTime(2005, 7, 29, 10, 30).iso() == "2005-07-29 10:30:00");
    CHECK(DateTime(2005, 7, 29, 10, 30, 0, 250).iso() == "2005-07-29 10:30:00.000250");
    CHECK(DateTime(2005, 7, 29).iso() == "2005-07-29 00:00:00");
    CHECK(DateTime(Date{2001, 2, 3}).iso() == "2001-02-03 00:00:00");
}

TEST_CASE("DateTime: parse accepts date only, minutes, space or T separator, fractions") {
    CHECK(DateTime::parse("2005-07-29") == DateTime(2005, 7, 29));
    CHECK(DateTime::parse("2005-07-29 10:30") == DateTime(2005, 7, 29, 10, 30));
    CHECK(DateTime::parse("2005-07-29T10:30:15") == DateTime(2005, 7, 29, 10, 30, 15));
    CHECK(DateTime::parse("2005-07-29 10:30:15.000001") == DateTime(2005, 7, 29, 10, 30, 15, 1));
    const DateTime dt(1999, 12, 31, 23, 59, 59, 999999);
    CHECK(DateTime::parse(dt.iso()) == dt);
}

TEST_CASE("DateTime: parse rejects invalid dates, times and separators") {
    CHECK_FALSE(DateTime::parse("2005-02-30 10:00:00"));
    CHECK_FALSE(DateTime::parse("2005-07-29 25:00:00"));
    CHECK_FALSE(DateTime::parse("2005-07-29X10:00:00"));
    CHECK_FALSE(DateTime::parse("2005-07-29 "));
    CHECK_FALSE(DateTime::parse("2005-07"));
    CHECK_FALSE(DateTime::parse("not a date"));
    CHECK_FALSE(DateTime(2005, 2, 30).valid());
    CHECK_FALSE(DateTime(2005, 1, 1, 0, 0, 0, -1).valid());
}

TEST_CASE("DateTime: ordering compares date then time") {
    CHECK(DateTime(2005, 7, 29, 10) < DateTime(2005, 7, 29, 11));
    CHECK(DateTime(2005, 7, 28, 23, 59, 59, 999999) < DateTime(2005, 7, 29));
    CHECK(DateTime(2005, 7, 29, 0, 0, 0, 1) > DateTime(2005, 7, 29));
}

TEST_CASE("Value: kinds of the constructors") {
    CHECK(Value().kind() == Value::Kind::Null);
    CHECK(Value(nullptr).is_null());
    CHECK(Value(std::nullopt).is_null());
    CHECK(Value(true).kind() == Value::Kind::Bool);
    CHECK(Value(3).kind() == Value::Kind::Integer);
    CHECK(Value(std::int64_t{1} << 40).kind() == Value::Kind::Integer);
    CHECK(Value(std::uint16_t{7}).kind() == Value::Kind::Integer);
    CHECK(Value(2.5).kind() == Value::Kind::Real);
    CHECK(Value(2.5f).kind() == Value::Kind::Real);
    CHECK(Value("x").kind() == Value::Kind::Text);
    CHECK(Value(std::string("x")).kind() == Value::Kind::Text);
    CHECK(Value(std::string_view("x")).kind() == Value::Kind::Text);
    CHECK(Value(Date{2005, 7, 29}).kind() == Value::Kind::Date);
    CHECK(Value(Time{1, 2, 3, 0}).kind() == Value::Kind::Time);
    CHECK(Value(DateTime(2005, 7, 29)).kind() == Value::Kind::DateTime);
    CHECK(Value(dorm::Blob{1, 2}).kind() == Value::Kind::Blob);
    CHECK(Value(std::optional<int>()).is_null());
    CHECK(Value(std::optional<int>(4)) == Value(4));
    CHECK(Value(std::optional<std::string>("a")) == Value("a"));
}

TEST_CASE("Value: conversions that are allowed") {
    CHECK(Value(42).as_int() == 42);
    CHECK(Value(true).as_int() == 1);
    CHECK(Value(3).as_double() == 3.0);
    CHECK(Value(2.5).as_double() == 2.5);
    CHECK(Value(1).as_bool());
    CHECK_FALSE(Value(0).as_bool());
    CHECK(Value(false).as_bool() == false);
    CHECK(Value("abc").as_text() == "abc");
    CHECK(Value("2005-07-29").as_date() == Date{2005, 7, 29});
    CHECK(Value("2005-07-29 10:30:00").as_date() == Date{2005, 7, 29});
    CHECK(Value(DateTime(2005, 7, 29, 10)).as_date() == Date{2005, 7, 29});
    CHECK(Value(Date{2005, 7, 29}).as_datetime() == DateTime(2005, 7, 29)); // midnight
    CHECK(Value("2005-07-29 10:30:00.5").as_datetime() == DateTime(2005, 7, 29, 10, 30, 0, 500000));
    CHECK(Value("10:30").as_time() == Time{10, 30, 0, 0});
    CHECK(Value(dorm::Blob{1, 2, 3}).as_blob().size() == 3);
}

TEST_CASE("Value: conversions that are refused throw ValueError naming the kinds") {
    CHECK_THROWS_AS(Value("1").as_int(), dorm::ValueError);
    CHECK_THROWS_AS(Value(1.5).as_int(), dorm::ValueError);
    CHECK_THROWS_AS(Value().as_int(), dorm::ValueError);
    CHECK_THROWS_AS(Value("1.5").as_double(), dorm::ValueError);
    CHECK_THROWS_AS(Value(2).as_bool(), dorm::ValueError);
    CHECK_THROWS_AS(Value("true").as_bool(), dorm::ValueError);
    CHECK_THROWS_AS(Value(1).as_text(), dorm::ValueError);
    CHECK_THROWS_AS(Value("2005-02-30").as_date(), dorm::ValueError);
    CHECK_THROWS_AS(Value("yesterday").as_datetime(), dorm::ValueError);
    CHECK_THROWS_AS(Value(Date{2005, 1, 1}).as_time(), dorm::ValueError);
    CHECK_THROWS_AS(Value(1).as_blob(), dorm::ValueError);
    CHECK_THROWS_WITH(Value(1).as_text(), Catch::Contains("text") && Catch::Contains("integer"));
}

TEST_CASE("Value: a refused conversion says what was wanted and what the value is", "[values]") {
    // The messages docs/queries.md ("dorm::Value") shows.
    CHECK_THROWS_WITH(Value(1.5).as_int(), "expected integer, got real 1.5");
    CHECK_THROWS_WITH(Value("1.5").as_double(), "expected real, got text '1.5'");
    CHECK_THROWS_WITH(Value(2).as_bool(), "expected boolean, got integer 2");
    CHECK_THROWS_WITH(Value(1).as_text(), "expected text, got integer 1");
    CHECK_THROWS_WITH(Value("yesterday").as_date(),
                      "expected date ('YYYY-MM-DD'), got text 'yesterday'");
    CHECK_THROWS_WITH(Value(Date{2005, 1, 1}).as_time(),
                      "expected time ('HH:MM[:SS[.ffffff]]'), got date 2005-01-01");
    CHECK_THROWS_WITH(Value("yesterday").as_datetime(),
                      "expected datetime ('YYYY-MM-DD HH:MM:SS[.ffffff]'), got text 'yesterday'");
    CHECK_THROWS_WITH(Value(1).as_blob(), "expected blob, got integer 1");
    CHECK_THROWS_WITH(Value().as_int(), "expected integer, got NULL NULL");
    CHECK(Value(1) != Value(1.0));
    CHECK(Value() < Value(0)); // by kind first
    CHECK(Value::kind_name(Value::Kind::Text) == "text");
}

TEST_CASE("Value: repr for messages") {
    CHECK(Value().repr() == "NULL");
    CHECK(Value(42).repr() == "42");
    CHECK(Value(-7).repr() == "-7");
    CHECK(Value(0.5).repr() == "0.5");
    CHECK(Value(224.99).repr() == "224.99"); // the shortest text that reads back
    CHECK(Value(0.1 + 0.2).repr() == "0.30000000000000004");
    CHECK(Value(1e300).repr() == "1e+300");
    CHECK(Value("O'Brien").repr() == "'O''Brien'");
    CHECK(Value(true).repr() == "true");
    CHECK(Value(Date{2005, 7, 29}).repr() == "2005-07-29");
    CHECK(Value(DateTime(2005, 7, 29, 1, 2, 3, 4)).repr() == "2005-07-29 01:02:03.000004");
    CHECK(Value(dorm::Blob{1, 2, 3}).repr() == "<blob of 3 bytes>");
}

TEST_CASE("Value: equality and ordering") {
    CHECK(Value(1) == Value(std::int64_t{1}));
    CHECK(Value("a") == Value(std::string("a")));
    CHECK(Value() == Value(nullptr));
    CHECK(Value(1) != Value(2));
    CHECK(Value(1) != Value("1"));
    CHECK(Value(1) < Value(2));
    CHECK(Value("a") < Value("b"));
    CHECK(Value(Date{2005, 1, 1}) < Value(Date{2005, 1, 2}));
}

TEST_CASE("Date and DateTime: stored in Django's text formats and read back exactly") {
    dorm::Database db(":memory:");
    dorm::create_tables<Stamp>(db);
    Stamp s;
    s.day = Date{2005, 7, 29};
    s.at = DateTime(2005, 7, 29, 10, 30, 5, 250);
    s.save(db);
    Stamp t;
    t.day = Date{1, 1, 1};
    t.at = DateTime(2005, 7, 29, 10, 30);
    t.maybe = DateTime(2000, 2, 29, 23, 59, 59, 999999);
    t.save(db);

    CHECK(stored_text(db, "SELECT day FROM stamp WHERE id = 1") == "2005-07-29");
    CHECK(stored_text(db, "SELECT at FROM stamp WHERE id = 1") == "2005-07-29 10:30:05.000250");
    CHECK(stored_text(db, "SELECT at FROM stamp WHERE id = 2") == "2005-07-29 10:30:00");
    CHECK(stored_text(db, "SELECT day FROM stamp WHERE id = 2") == "0001-01-01");
    CHECK(stored_text(db, "SELECT maybe FROM stamp WHERE id = 2") == "2000-02-29 23:59:59.999999");

    const Stamp a = Stamp::objects().using_(db).get("pk", 1);
    CHECK(a.day == Date{2005, 7, 29});
    CHECK(a.at == DateTime(2005, 7, 29, 10, 30, 5, 250));
    CHECK_FALSE(a.maybe);
    const Stamp b = Stamp::objects().using_(db).get("pk", 2);
    CHECK(b.maybe == DateTime(2000, 2, 29, 23, 59, 59, 999999));

    // Microseconds take part in comparisons.
    CHECK(Stamp::objects().using_(db).filter("at__gt", DateTime(2005, 7, 29, 10, 30, 5)).count() ==
          1);
    CHECK(Stamp::objects().using_(db).filter("at", DateTime(2005, 7, 29, 10, 30, 5, 250)).count() ==
          1);
    // A date given as text is parsed, and an invalid one is refused before SQL runs.
    CHECK(Stamp::objects().using_(db).filter("day", "2005-07-29").count() == 1);
    CHECK_THROWS_AS(Stamp::objects().using_(db).filter("day", "2005-02-30"),
                    dorm::ValidationError); // as Django's DateField.to_python
}

TEST_CASE("Date and DateTime: stored text that is not a valid date is a DatabaseError") {
    dorm::Database db(":memory:");
    dorm::create_tables<Stamp>(db);
    db.exec("INSERT INTO stamp (id, day, at) VALUES (1, '2005-02-30', '2005-01-01 00:00:00')");
    db.exec("INSERT INTO stamp (id, day, at) VALUES (2, '2005-01-01', '2005-01-01 24:00:00')");
    CHECK_THROWS_AS(Stamp::objects().using_(db).get("pk", 1), dorm::DatabaseError);
    CHECK_THROWS_WITH(Stamp::objects().using_(db).get("pk", 1),
                      Catch::Contains("Stamp.day") && Catch::Contains("2005-02-30"));
    CHECK_THROWS_WITH(Stamp::objects().using_(db).get("pk", 2),
                      Catch::Contains("Stamp.at") && Catch::Contains("24:00:00"));
}

TEST_CASE("Value: values() returns typed dates, datetimes and booleans") {
    dorm::Database db(":memory:");
    dorm::create_tables<Stamp>(db);
    Stamp s;
    s.day = Date{2005, 7, 29};
    s.at = DateTime(2005, 7, 29, 10, 30, 5, 250);
    s.save(db);
    const auto rows = Stamp::objects().using_(db).values("day", "at", "maybe");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0]["day"].kind() == Value::Kind::Date);
    CHECK(rows[0]["day"] == Value(Date{2005, 7, 29}));
    CHECK(rows[0]["at"] == Value(DateTime(2005, 7, 29, 10, 30, 5, 250)));
    CHECK(rows[0]["maybe"].is_null());
}

TEST_CASE("Value, Date, Time and DateTime print with <<", "[values]") {
    std::ostringstream out;
    out << Date{2005, 7, 29} << " | " << dorm::Time{10, 30, 0, 250} << " | "
        << DateTime(2005, 7, 29, 10, 30) << " | " << Value("Zoë") << " | " << Value() << " | "
        << Value(224.99);
    CHECK(out.str() ==
          "2005-07-29 | 10:30:00.000250 | 2005-07-29 10:30:00 | 'Zoë' | NULL | 224.99");
}

TEST_CASE("Decimal: parse and str keep the digits, compare by value, quantize half to even") {
    using dorm::Decimal;
    CHECK(Decimal::from_string("12.50").str() == "12.50");
    CHECK(Decimal::from_string("-0.001").str() == "-0.001");
    CHECK(Decimal::from_string("+.5").str() == "0.5");
    CHECK(Decimal::from_string("5.").str() == "5");
    CHECK(Decimal::from_string("1e3").str() == "1000");
    CHECK(Decimal::from_string("1.5E-3").str() == "0.0015");
    CHECK(Decimal::from_string(" 1_000.5 ").str() == "1000.5");
    CHECK(Decimal::from_string("007.10").str() == "7.10");
    CHECK(Decimal::from_string("12345678901234567890.123456789").str() ==
          "12345678901234567890.123456789");
    CHECK(Decimal(std::int64_t{-9223372036854775807} - 1).str() == "-9223372036854775808");
    for (const char* bad : {"", "abc", "1,5", "1.2.3", "e5", "1e", "NaN", "Infinity", "--1", "1__0",
                            "_1", "1_", "0x10", "1 2", "'1'"})
        CHECK_FALSE(Decimal::parse(bad));
    CHECK_THROWS_AS(Decimal::from_string("1,5"), dorm::ValueError);

    CHECK(Decimal::from_string("12.5") == Decimal::from_string("12.50"));
    CHECK(Decimal::from_string("0") == Decimal::from_string("-0.00"));
    CHECK(Decimal::from_string("-1") < Decimal::from_string("-0.5"));
    CHECK(Decimal::from_string("99.99") < Decimal(100));
    CHECK(Decimal::from_string("1e2") == Decimal(100));
    CHECK(Decimal::from_string("0.0001") > Decimal::from_string("-1000"));

    CHECK(Decimal::from_string("2.675").quantize(2).str() == "2.68");  // half to even: up
    CHECK(Decimal::from_string("2.665").quantize(2).str() == "2.66");  // half to even: down
    CHECK(Decimal::from_string("2.6651").quantize(2).str() == "2.67"); // above half
    CHECK(Decimal::from_string("-99.995").quantize(2).str() == "-100.00");
    CHECK(Decimal::from_string("7").quantize(2).str() == "7.00");
    CHECK(Decimal::from_string("0.004").quantize(2).str() == "0.00");
    CHECK(Decimal::from_string("0.5").quantize(0).str() == "0");
    CHECK(Decimal::from_string("1.5").quantize(0).str() == "2");
    CHECK(Decimal::from_string("1E+3").quantize(1).str() == "1000.0");

    // A double as Python's Context(prec).create_decimal_from_float gives it.
    CHECK(Decimal::from_double(12.5, 5)->str() == "12.5");
    CHECK(Decimal::from_double(1.1, 5)->str() == "1.1000");
    CHECK(Decimal::from_double(12345678901.23, 15)->str() == "12345678901.2300");
    CHECK(Decimal::from_double(0.1, 17)->str() == "0.10000000000000001");
    CHECK_FALSE(Decimal::from_double(std::numeric_limits<double>::infinity()));
    CHECK(Decimal::from_string("98765432109.87").to_double() == 98765432109.87);

    const Value v(Decimal::from_string("1.50"));
    CHECK(v.kind() == Value::Kind::Decimal);
    CHECK(v.repr() == "1.50");
    CHECK(Value(7).as_decimal() == Decimal(7));
    CHECK(Value("3.25").as_decimal().str() == "3.25");
    CHECK_THROWS_AS(Value(1.5).as_decimal(), dorm::ValueError);
}

TEST_CASE("Uuid: parse accepts Django's forms, hex() is the stored form, str() the canonical one") {
    using dorm::Uuid;
    const Uuid u = Uuid::from_string("12345678-1234-5678-9abc-def012345678");
    CHECK(u.hex() == "12345678123456789abcdef012345678");
    CHECK(u.str() == "12345678-1234-5678-9abc-def012345678");
    for (const char* form :
         {"12345678123456789abcdef012345678", "{12345678-1234-5678-9ABC-DEF012345678}",
          "urn:uuid:12345678-1234-5678-9abc-def012345678",
          "1234-5678-1234-5678-9abc-def0-1234-5678"})
        CHECK(Uuid::parse(form) == u);
    for (const char* bad :
         {"", "nope", "12345678123456789abcdef01234567", "12345678123456789abcdef0123456789",
          "URN:UUID:12345678123456789abcdef012345678", "12345678-1234-5678-9abc-def01234567g"})
        CHECK_FALSE(Uuid::parse(bad));
    CHECK_THROWS_AS(Uuid::from_string("x'y"), dorm::ValueError);
    CHECK(Value(u).as_uuid() == u);
    CHECK(Value("{12345678-1234-5678-9abc-def012345678}").as_uuid() == u);
    CHECK(Value(u).repr() == "12345678-1234-5678-9abc-def012345678");
    CHECK(Uuid{} < u);
}

// What Django's get_prep_value builds on (dorm/core/coerce.hpp); each expected value is what
// Python 3.11 gives.
TEST_CASE("coercion: Python's str() of a double, int() and float() of text") {
    using dorm::detail::python_float;
    using dorm::detail::python_int;
    using dorm::detail::python_str;
    CHECK(python_str(Value(1.0)) == "1.0");
    CHECK(python_str(Value(0.0001)) == "0.0001");
    CHECK(python_str(Value(1e-05)) == "1e-05");
    CHECK(python_str(Value(1e16)) == "1e+16");
    CHECK(python_str(Value(1e15)) == "1000000000000000.0");
    CHECK(python_str(Value(123456789012345678.0)) == "1.2345678901234568e+17");
    CHECK(python_str(Value(-1.5e-7)) == "-1.5e-07");
    CHECK(python_str(Value(-0.0)) == "-0.0");
    CHECK(python_str(Value(0.1 + 0.2)) == "0.30000000000000004");
    CHECK(python_str(Value(5e-324)) == "5e-324");
    CHECK(python_str(Value(1.7976931348623157e308)) == "1.7976931348623157e+308");
    CHECK(python_str(Value(std::numeric_limits<double>::infinity())) == "inf");
    CHECK(python_str(Value(true)) == "True");
    CHECK(python_str(Value(DateTime(2010, 1, 3, 4, 5, 6, 7))) == "2010-01-03 04:05:06.000007");

    bool overflow = false;
    CHECK(python_int(" 5\t", overflow) == 5);
    CHECK(python_int("\u0663", overflow) == 3);             // Arabic-Indic three
    CHECK(python_int("\u00a0-1_0\u3000", overflow) == -10); // no-break and ideographic spaces
    CHECK(python_int("007", overflow) == 7);
    CHECK(python_int("-9223372036854775808", overflow) == std::numeric_limits<std::int64_t>::min());
    CHECK(python_int("9223372036854775807", overflow) == std::numeric_limits<std::int64_t>::max());
    CHECK_FALSE(python_int("9223372036854775808", overflow));
    CHECK(overflow);
    for (const char* bad : {"", " ", "+", "5_", "_5", "1__0", "0x10", "1e3", "1.0", "1 0",
                            "\x1c"
                            "5",
                            "five", "\xc3"}) {
        INFO(bad);
        CHECK_FALSE(python_int(bad, overflow));
        CHECK_FALSE(overflow);
    }

    CHECK(python_float("1.5") == 1.5);
    CHECK(python_float(" -1_0.2_5e1_0 ") == -10.25e10);
    CHECK(python_float(".5") == 0.5);
    CHECK(python_float("5.") == 5.0);
    CHECK(python_float("\u0669") == 9.0);
    CHECK(python_float("1e999") == std::numeric_limits<double>::infinity());
    CHECK(python_float("-1e999") == -std::numeric_limits<double>::infinity());
    CHECK(python_float("1e-999") == 0.0);
    CHECK(python_float("-InFiNiTy") == -std::numeric_limits<double>::infinity());
    CHECK(std::isnan(*python_float("NaN")));
    for (const char* bad :
         {"", ".", "e5", "1e", "1e+", "nan(1)", "0x10", "1_.5", "1._5", "--1", "infinit", "1.5x"}) {
        INFO(bad);
        CHECK_FALSE(python_float(bad));
    }
}
