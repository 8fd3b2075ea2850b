// Input that must not crash, hang or silently corrupt: integers beyond their member's range
// (literals and F() updates, and stored values another program wrote), dates and times
// that are not on the calendar, text that is not UTF-8, and NUL inside pattern lookups.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using Catch::Contains;
using dorm::Date;
using dorm::DateTime;
using dorm::F;
using dorm::Time;
using dorm::Value;

struct Item : dorm::Model<Item> {
    std::int64_t id = 0;
    std::int32_t qty = 0;
    std::int64_t big = 0;
    bool flag = false;
    float ratio = 0;
    std::string name;
    std::optional<std::string> note;
    Date day{2000, 1, 1};
    std::optional<DateTime> at;
    static void define(dorm::ModelDef<Item>& m) {
        m.table("item").ordering({"id"});
        m.field("id", &Item::id, dorm::auto_pk);
        m.field("qty", &Item::qty);
        m.field("big", &Item::big);
        m.field("flag", &Item::flag);
        m.field("ratio", &Item::ratio);
        m.field("name", &Item::name, dorm::max_length(50));
        m.field("note", &Item::note);
        m.field("day", &Item::day);
        m.field("at", &Item::at);
    }
};

struct Fixture {
    dorm::Database db{":memory:"};
    Fixture() {
        dorm::create_tables<Item>(db);
        dorm::set_default_database(db);
    }
    static dorm::QuerySet<Item> items() { return Item::objects().all(); }
    static Item make(std::string name, std::int32_t qty = 0) {
        Item i;
        i.name = std::move(name);
        i.qty = qty;
        return i;
    }
};

constexpr std::int32_t i32_max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t i64_max = std::numeric_limits<std::int64_t>::max();

} // namespace

// ---------------------------------------------------------------- integers

TEST_CASE_METHOD(Fixture, "update(): an integer literal beyond int32 is refused as create() does",
                 "[input][int]") {
    const Item a = items().create({{"name", "a"}, {"qty", 1}});
    CHECK_THROWS_AS(items().create({{"name", "b"}, {"qty", std::int64_t{1} << 40}}),
                    dorm::ValueError);
    CHECK_THROWS_AS(items().update({{"qty", std::int64_t{1} << 40}}), dorm::ValueError);
    CHECK_THROWS_WITH(items().update({{"qty", std::int64_t{1} << 40}}),
                      Contains("Item.qty") && Contains("1099511627776") &&
                          Contains("int32 (-2147483648..2147483647)"));
    CHECK_THROWS_AS(items().update({{"qty", std::int64_t{i32_max} + 1}}), dorm::ValueError);
    CHECK(items().get("pk", a.id).qty == 1);
    // The ends of the range are values like any other.
    items().update({{"qty", i32_max}});
    CHECK(items().get("pk", a.id).qty == i32_max);
    items().update({{"qty", std::numeric_limits<std::int32_t>::min()}});
    CHECK(items().get("pk", a.id).qty == std::numeric_limits<std::int32_t>::min());
}

TEST_CASE_METHOD(Fixture, "update(): F() arithmetic past the member's range fails the statement",
                 "[input][int]") {
    const Item top = items().create({{"name", "top"}, {"qty", i32_max}, {"big", i64_max}});
    const Item low = items().create({{"name", "low"}, {"qty", 5}, {"big", 5}});
    // SQLite computes 2147483648 and would store it; reading it back as int32 wrapped to
    // -2147483648 while qty__gt=0 still matched. Now the UPDATE fails as a whole.
    CHECK_THROWS_AS(items().update({{"qty", F("qty") + 1}}), dorm::DatabaseError);
    CHECK_THROWS_WITH(items().update({{"qty", F("qty") + 1}}),
                      Contains("Item.qty") && Contains("2147483648") && Contains("int32"));
    CHECK(items().get("pk", top.id).qty == i32_max);
    CHECK(items().get("pk", low.id).qty == 5); // not half-applied
    CHECK(items().filter("qty__gt", 0).count() == 2);
    // int64: SQLite turns the overflow into a real (9.2e18).
    CHECK_THROWS_WITH(items().update({{"big", F("big") + 1}}),
                      Contains("Item.big") && Contains("int64"));
    CHECK(items().get("pk", top.id).big == i64_max);
    // A fraction cannot be held either; a whole real is the number.
    CHECK_THROWS_WITH(items().filter("pk", low.id).update({{"qty", F("qty") * 1.5}}),
                      Contains("Item.qty") && Contains("7.5"));
    CHECK(items().get("pk", low.id).qty == 5);
    items().filter("pk", low.id).update({{"qty", F("qty") * 2.0}});
    CHECK(items().get("pk", low.id).qty == 10);
    // A boolean holds 0 or 1: an expression that gives 10 would make the row unreadable.
    CHECK_THROWS_WITH(items().filter("pk", low.id).update({{"flag", F("qty")}}),
                      Contains("Item.flag") && Contains("10") && Contains("bool"));
    CHECK_FALSE(items().get("pk", low.id).flag);
    items().filter("pk", low.id).update({{"flag", F("qty") - 9}});
    CHECK(items().get("pk", low.id).flag);
    // In range: as before.
    items().filter("pk", low.id).update({{"qty", F("qty") + 1}, {"big", F("big") - 1}});
    const Item after = items().get("pk", low.id);
    CHECK(after.qty == 11);
    CHECK(after.big == 4);
}

TEST_CASE_METHOD(Fixture, "a float member refuses a double beyond its range on every write",
                 "[input][float]") {
    // Converting 1e300 to float is undefined; stored, the row could not be read back.
    CHECK_THROWS_WITH(items().create({{"name", "x"}, {"ratio", 1e300}}),
                      Contains("Item.ratio") && Contains("float"));
    const Item a = items().create({{"name", "a"}, {"ratio", 2.0}});
    CHECK_THROWS_WITH(items().update({{"ratio", -1e39}}),
                      Contains("Item.ratio") && Contains("float"));
    CHECK_THROWS_AS(items().update({{"ratio", F("ratio") * 1e300}}), dorm::DatabaseError);
    CHECK(items().get("pk", a.id).ratio == 2.0f);
    items().update({{"ratio", F("ratio") * 2}});
    CHECK(items().get("pk", a.id).ratio == 4.0f);
}

TEST_CASE_METHOD(Fixture, "read: a stored value the member cannot hold is a DatabaseError",
                 "[input][int]") {
    db.exec("INSERT INTO item (id, qty, big, flag, ratio, name, day) VALUES "
            "(1, 2147483648, 0, 0, 0, 'wide', '2000-01-01'), "
            "(2, 2.5, 0, 0, 0, 'fraction', '2000-01-01'), "
            "(3, 0, 9.3e18, 0, 0, 'huge', '2000-01-01'), "
            "(4, 0, 0, 2, 0, 'two', '2000-01-01'), "
            "(5, 0, 0, 0, 1e300, 'far', '2000-01-01'), "
            "(6, 'abc', 0, 0, 0, 'text', '2000-01-01'), "
            "(7, 7, 7.0, 1, 0.5, 'fine', '2000-01-01')");
    CHECK_THROWS_AS(items().get("pk", 1), dorm::DatabaseError);
    CHECK_THROWS_WITH(items().get("pk", 1),
                      Contains("Item.qty") && Contains("2147483648") && Contains("int32"));
    CHECK_THROWS_WITH(items().get("pk", 2), Contains("Item.qty") && Contains("2.5"));
    CHECK_THROWS_WITH(items().get("pk", 3), Contains("Item.big") && Contains("int64"));
    CHECK_THROWS_WITH(items().get("pk", 4), Contains("Item.flag") && Contains("2"));
    CHECK_THROWS_WITH(items().get("pk", 5), Contains("Item.ratio") && Contains("float"));
    CHECK_THROWS_WITH(items().get("pk", 6), Contains("Item.qty") && Contains("'abc'"));
    const Item fine = items().get("pk", 7);
    CHECK(fine.qty == 7);
    CHECK(fine.big == 7);
    CHECK(fine.flag);
    // values() reads what is stored, as Django does.
    CHECK(items().filter("pk", 1).values("qty")[0]["qty"] == Value(std::int64_t{2147483648}));
}

// ---------------------------------------------------------------- dates and times

TEST_CASE_METHOD(Fixture, "writes: a date or time that is not on the calendar is a ValueError",
                 "[input][date]") {
    CHECK_THROWS_AS(items().create({{"name", "x"}, {"day", Date{2021, 2, 30}}}), dorm::ValueError);
    CHECK_THROWS_WITH(items().create({{"name", "x"}, {"day", Date{2021, 2, 30}}}),
                      Contains("Item.day") && Contains("2021-02-30"));
    CHECK_THROWS_WITH(items().create({{"name", "x"}, {"at", DateTime(2021, 1, 1, 25)}}),
                      Contains("Item.at") && Contains("25:00:00"));
    Item bad = make("bad");
    bad.day = Date{2021, 2, 29}; // not a leap year
    CHECK_THROWS_WITH(bad.save(), Contains("Item.day") && Contains("2021-02-29"));
    bad.day = Date{2020, 2, 29};
    bad.at = DateTime(2020, 1, 1, 23, 60);
    CHECK_THROWS_WITH(bad.save(), Contains("Item.at") && Contains("23:60"));
    bad.at = DateTime(Date{0, 1, 1});
    CHECK_THROWS_WITH(bad.save(), Contains("Item.at") && Contains("0000-01-01"));
    std::vector<Item> batch{make("one"), make("two")};
    batch[1].day = Date{2021, 13, 1};
    CHECK_THROWS_WITH(items().bulk_create(batch), Contains("Item.day") && Contains("2021-13-01"));
    CHECK_THROWS_AS(items().get_or_create({{"name", "g"}}, {{"day", Date{2021, 4, 31}}}),
                    dorm::ValueError);
    CHECK(items().count() == 0); // nothing was written
    CHECK(items().all().size() == 0);

    const Item ok = items().create({{"name", "ok"}, {"day", Date{2020, 2, 29}}});
    CHECK_THROWS_AS(items().update({{"day", Date{2021, 2, 30}}}), dorm::ValueError);
    CHECK_THROWS_WITH(items().update({{"at", DateTime(2021, 1, 1, 24)}}), Contains("Item.at"));
    CHECK_THROWS_AS(items().update_or_create({{"name", "ok"}}, {{"day", Date{2021, 2, 30}}}),
                    dorm::ValueError);
    const Item back = items().get("pk", ok.id);
    CHECK(back.day == Date{2020, 2, 29});
    CHECK_FALSE(back.at);
    CHECK(items().all().size() == 1); // every row still reads
}

TEST_CASE_METHOD(Fixture, "filters: a date or time that is not on the calendar is a ValueError",
                 "[input][date]") {
    // Django: DateField.to_python raises "... has the correct format (YYYY-MM-DD) but it is
    // an invalid date."
    CHECK_THROWS_AS(items().filter("day", Date{2021, 2, 30}), dorm::ValueError);
    CHECK_THROWS_WITH(items().filter("day", Date{2021, 2, 30}),
                      Contains("Item.day") && Contains("2021-02-30"));
    CHECK_THROWS_WITH(items().filter("day__gte", DateTime(2021, 2, 1, 25)), Contains("Item.day"));
    CHECK_THROWS_WITH(items().filter("at__lt", DateTime(2021, 2, 30)), Contains("Item.at"));
    CHECK_THROWS_WITH(items().filter("at__time", Time{25, 0, 0}),
                      Contains("Item.at") && Contains("25:00:00"));
    CHECK_THROWS_AS(items().filter("day__in", dorm::Values{Date{2021, 1, 1}, Date{2021, 1, 32}}),
                    dorm::ValueError);
    CHECK_THROWS_AS(items().exclude("day__range", dorm::Values{Date{2021, 1, 1}, Date{2021, 0, 1}}),
                    dorm::ValueError);
    // Text is read as Django reads it: a ValidationError with Django's message.
    CHECK_THROWS_AS(items().filter("day", "2021-02-30"), dorm::ValidationError);
    CHECK_NOTHROW(items().filter("day", Date{2020, 2, 29}).count());
}

// ---------------------------------------------------------------- text

TEST_CASE_METHOD(Fixture, "text that is not UTF-8 is a ValueError, for writes and filters alike",
                 "[input][utf8]") {
    const std::string bad = "caf\xc3";
    CHECK_THROWS_AS(items().create({{"name", bad}}), dorm::ValueError);
    CHECK_THROWS_WITH(items().create({{"name", bad}}),
                      Contains("Item.name") && Contains("not valid UTF-8") && Contains("offset 3"));
    Item i = make("ok");
    i.note = "\xff\xfe";
    CHECK_THROWS_WITH(i.save(), Contains("Item.note") && Contains("UTF-8"));
    std::vector<Item> batch{make("one"), make("\xed\xa0\x80")}; // a surrogate
    CHECK_THROWS_AS(items().bulk_create(batch), dorm::ValueError);
    CHECK(items().count() == 0);

    items().create({{"name", "\xc3\xa9t\xc3\xa9"}}); // "été"
    items().create({{"name", "plain"}});
    CHECK_THROWS_AS(items().update({{"name", bad}}), dorm::ValueError);
    CHECK_THROWS_AS(items().update({{"note", "\x80"}}), dorm::ValueError);
    CHECK(items().filter("note__isnull", true).count() == 2);
    // Filters: a lone 0xc3 used to match "\xff\xfe" and any text starting with 0xc3.
    for (const char* lookup :
         {"name", "name__iexact", "name__contains", "name__icontains", "name__startswith",
          "name__istartswith", "name__endswith", "name__iendswith", "name__regex", "name__gt"}) {
        INFO(lookup);
        CHECK_THROWS_WITH(items().filter(lookup, "\xc3"),
                          Contains("Item.name") && Contains("not valid UTF-8"));
    }
    CHECK_THROWS_AS(items().exclude("name__startswith", "\xc3"), dorm::ValueError);
    CHECK_THROWS_AS(items().get("name", "\xc3"), dorm::ValueError);
    CHECK_THROWS_AS(items().filter("name__in", dorm::Values{"plain", "\xc3"}), dorm::ValueError);
    CHECK_THROWS_AS(items().filter(dorm::Q("name", "x") | dorm::Q("name", "\xff")),
                    dorm::ValueError);
    CHECK_THROWS_WITH(items().update({{"name", F("name") + Value("\xff")}}),
                      Contains("Item.name") && Contains("UTF-8"));
    CHECK(items().filter("name__startswith", "\xc3\xa9").count() == 1);
}

TEST_CASE_METHOD(Fixture, "stored text that is not UTF-8 reads back and does not break lookups",
                 "[input][utf8]") {
    // Another program may have written any bytes.
    db.exec("INSERT INTO item (id, qty, big, flag, ratio, name, day) VALUES "
            "(1, 0, 0, 0, 0, CAST(X'FFFE41' AS TEXT), '2000-01-01'), "
            "(2, 0, 0, 0, 0, 'abc', '2000-01-01')");
    CHECK(items().get("pk", 1).name == "\xff\xfe"
                                       "A");
    CHECK(items().filter("name__icontains", "a").count() == 2);
    CHECK(items().filter("name__iexact", "ABC").count() == 1);
    CHECK(items().filter("name__regex", "^a").count() == 1);
    CHECK(items().filter("name__startswith", "\xc3\xa9").count() == 0);
}

TEST_CASE_METHOD(Fixture, "pattern lookups: a NUL in the value matches exactly", "[input][nul]") {
    using namespace std::string_literals;
    items().create({{"name", "abc"}});
    items().create({{"name", "xyz"}});
    items().create({{"name", "a\0b"s}});
    items().create({{"name", "xA\0Bz"s}});
    auto names = [](const dorm::QuerySet<Item>& qs) {
        std::vector<std::string> out;
        for (const Item& i : qs)
            out.push_back(i.name);
        return out;
    };
    using V = std::vector<std::string>;
    // LIKE and GLOB stop at the NUL: "a\0zz" was "a", and "\0zz" matched every row.
    CHECK(names(items().filter("name__contains", "a\0zz"s)).empty());
    CHECK(names(items().filter("name__contains", "\0zz"s)).empty());
    CHECK(names(items().filter("name__endswith", "\0zz"s)).empty());
    CHECK(names(items().filter("name__icontains", "\0zz"s)).empty());
    CHECK(names(items().filter("name__contains", "a\0b"s)) == V{"a\0b"s});
    CHECK(names(items().filter("name__icontains", "a\0b"s)) == V{"a\0b"s, "xA\0Bz"s});
    CHECK(names(items().filter("name__startswith", "a\0"s)) == V{"a\0b"s});
    CHECK(names(items().filter("name__istartswith", "XA\0"s)) == V{"xA\0Bz"s});
    CHECK(names(items().filter("name__endswith", "\0b"s)) == V{"a\0b"s});
    CHECK(names(items().filter("name__iendswith", "\0bz"s)) == V{"xA\0Bz"s});
    CHECK(names(items().filter("name__endswith", "xA\0Bzz"s)).empty()); // longer than any
    CHECK(names(items().exclude("name__contains", "\0zz"s)).size() == 4);
    CHECK(names(items().exclude("name__contains", "\0"s)) == V{"abc", "xyz"});
    CHECK(names(items().filter("name__search", "\0B"s)) == V{"a\0b"s, "xA\0Bz"s});
    CHECK(names(items().filter("name", "a\0b"s)) == V{"a\0b"s});
}

// ---------------------------------------------------------------- found by fuzz_query

TEST_CASE_METHOD(Fixture, "update(): a date column takes a date, not arithmetic on its text",
                 "[input][date]") {
    const Item a = items().create({{"name", "a"}, {"qty", 36}, {"day", Date{2021, 3, 4}}});
    // SQLite would compute '2021-03-04' + 1 = 2022 and store the number.
    CHECK_THROWS_AS(items().update({{"day", F("day") + 1}}), dorm::FieldError);
    CHECK_THROWS_WITH(items().update({{"day", F("qty")}}),
                      Contains("Item.day") && Contains("type integer"));
    CHECK_THROWS_AS(items().update({{"at", F("day")}}), dorm::FieldError);
    CHECK_THROWS_AS(items().update({{"qty", F("name")}}), dorm::FieldError);
    CHECK(items().get("pk", a.id).day == Date{2021, 3, 4}); // every row still reads
    // A column of the same type, and a value given as an expression, are fine.
    CHECK(items().update({{"day", dorm::Expr::literal(Value("2022-05-06"))}}) == 1);
    CHECK(items().get("pk", a.id).day == Date{2022, 5, 6});
    CHECK_THROWS_AS(items().update({{"day", dorm::Expr::literal(Value(36))}}), dorm::ValueError);
    CHECK(items().update({{"name", F("qty")}}) == 1); // a number is stored as its text
    CHECK(items().get("pk", a.id).name == "36");
}

TEST_CASE_METHOD(Fixture, "a real beyond int64 compared with an integer field is a ValueError",
                 "[input][int]") {
    items().create({{"name", "a"}, {"qty", 1}});
    // Converting 1e300 or NaN to int64 to see whether it is whole is undefined behaviour.
    CHECK_THROWS_AS(items().filter("big", 1e300).count(), dorm::ValueError);
    CHECK_THROWS_AS(items().filter("big", -9223372036854775808.0 * 2).count(), dorm::ValueError);
    CHECK_THROWS_AS(items().filter("big", std::numeric_limits<double>::quiet_NaN()).count(),
                    dorm::ValueError);
    CHECK(items().filter("qty", 1.0).count() == 1);
}

TEST_CASE_METHOD(Fixture, "column aliases: Django's forbidden characters, NUL and bad UTF-8",
                 "[input][alias]") {
    items().create({{"name", "a"}, {"qty", 1}});
    for (const std::string& alias :
         {std::string("n\"x"), std::string("a b"), std::string("x;"), std::string("a--"),
          std::string("/*c"), std::string("q'"), std::string("t\0u", 3), std::string("\xc3")}) {
        CAPTURE(alias);
        CHECK_THROWS_AS(items().annotate(alias, dorm::Count("id")), dorm::ValueError);
        CHECK_THROWS_AS(items().aggregate({{alias, dorm::Sum("qty")}}), dorm::ValueError);
        dorm::Extra e;
        e.select.emplace_back(alias, "1");
        CHECK_THROWS_AS(items().extra(e), dorm::ValueError);
    }
    CHECK_THROWS_WITH(items().annotate("a b", dorm::Count("id")),
                      Contains("Column aliases cannot contain") && Contains("Item"));
    CHECK(items().annotate("n_é", dorm::Count("id")).values("n_é").count() == 1);
}
