// Conformance with Django: a value is coerced as Django's Field.get_prep_value / to_python
// coerces it (dorm/core/coerce.hpp): "5" for an integer field, 100 for a CharField,
// "2010-1-3" for a DateField, 't' for a BooleanField, in filters and in writes, and what
// Django refuses is refused with Django's exception class (ValueError, TypeError,
// OverflowError, ValidationError). Hostile strings included: Python's int() takes " 5" and
// "٣"; none of them reaches SQL other than as a bound value.
#include <cmath>
#include <limits>

#include "conformance.hpp"

using conf::Item;
using conf::json;
using conf::pks;
using dorm::Value;

namespace {

dorm::Manager<Item> I() {
    return Item::objects();
}

using D = dorm::Date;
using DT = dorm::DateTime;

// filter(key=value) through both, compared in order (Item's ordering is total).
void same(conf::Suite& s, const std::string& id, const std::string& key, const Value& v,
          const std::string& py) {
    s.same(
        id, [key, v] { return pks(I().filter(key, v)); },
        "Item.objects.filter(" + key + "=" + py + ")");
}
void same_in(conf::Suite& s, const std::string& id, const std::string& key, const dorm::Values& vs,
             const std::string& py) {
    s.same(
        id, [key, vs] { return pks(I().filter(key, vs)); },
        "Item.objects.filter(" + key + "=" + py + ")");
}
// Both raise, the same class.
void error(conf::Suite& s, const std::string& id, const std::string& key, const Value& v,
           const std::string& py) {
    s.same_error(
        id, [key, v] { return pks(I().filter(key, v)); },
        "Item.objects.filter(" + key + "=" + py + ")");
}

void integers(conf::Suite& s) {
    same(s, "int_text", "rank", "7", "'7'");
    same(s, "int_text_negative", "rank", "-1", "'-1'");
    same(s, "int_text_plus", "rank", "+5", "'+5'");
    same(s, "int_text_space_before", "rank", " 5", "' 5'");
    same(s, "int_text_space_after", "rank", "5 ", "'5 '");
    same(s, "int_text_tab_newline", "rank", "\t6\n", "'\\t6\\n'");
    same(s, "int_text_unicode_space", "rank", "\u00a07\u3000", "'\\u00a07\\u3000'");
    same(s, "int_text_arabic_indic", "rank", "\u0663", "'\\u0663'");
    same(s, "int_text_devanagari", "rank", "\u0967\u0966", "'\\u0967\\u0966'");
    same(s, "int_text_leading_zeros", "rank", "007", "'007'");
    same(s, "int_text_underscore", "rank", "1_0", "'1_0'");
    same(s, "int_true", "rank", true, "True");
    same(s, "int_whole_double", "rank", 3.0, "3.0");
    same(s, "pk_text", "pk", "5", "'5'");
    same(s, "id_text", "id", "12", "'12'");
    same(s, "big_text", "big", "10000000000", "'10000000000'");
    same(s, "nullable_int_text", "rating", "5", "'5'");
    same(s, "int_gt_text", "rank__gt", "10", "'10'");
    same(s, "int_lte_text", "rank__lte", " 0 ", "' 0 '");
    same_in(s, "id_in_mixed", "id__in", {"1", 2, " 3"}, "['1', 2, ' 3']");
    same_in(s, "rank_range_text", "rank__range", {"2", "4"}, "['2', '4']");
    same_in(s, "pk_in_text", "pk__in", {"19", "20"}, "['19', '20']");

    error(s, "int_abc", "rank", "abc", "'abc'");
    error(s, "int_empty", "rank", "", "''");
    error(s, "int_hex", "rank", "0x10", "'0x10'");
    error(s, "int_exponent", "rank", "1e3", "'1e3'");
    error(s, "int_fraction_text", "rank", "1.5", "'1.5'");
    error(s, "int_trailing_underscore", "rank", "5_", "'5_'");
    error(s, "int_double_underscore", "rank", "1__0", "'1__0'");
    error(s, "int_inner_space", "rank", "1 0", "'1 0'");
    error(s, "int_file_separator", "rank",
          "\x1c"
          "5",
          "'\\x1c5'");
    error(s, "int_sql", "rank", "'; DROP TABLE conf_item; --", "\"'; DROP TABLE conf_item; --\"");
    error(s, "int_quote", "rank", "it's", "\"it's\"");
    error(s, "int_date", "rank", D{2010, 1, 3}, "date(2010, 1, 3)");
    error(s, "int_datetime", "rank__gte", DT(2010, 1, 3, 10, 0, 5),
          "datetime(2010, 1, 3, 10, 0, 5)");
    error(s, "int_nan", "rank", std::nan(""), "float('nan')");
    error(s, "int_inf", "rank", std::numeric_limits<double>::infinity(), "float('inf')");
    error(s, "int_text_too_large", "rank", "99999999999999999999", "'99999999999999999999'");
    error(s, "int_double_too_large", "rank", 1e20, "1e20");
    error(s, "pk_abc", "pk", "abc", "'abc'");
    s.same_error(
        "id_in_bad",
        [] {
            return pks(I().filter("id__in", dorm::Values{"1", "x"}));
        },
        "Item.objects.filter(id__in=['1', 'x'])");
    s.same_error(
        "rank_range_bad",
        [] {
            return pks(I().filter("rank__range", dorm::Values{"1", ""}));
        },
        "Item.objects.filter(rank__range=['1', ''])");

    // The one strictness dorm keeps (docs/django-differences.md): Django truncates 12.5 to 12.
    s.differs(
        "int_fraction_double", [] { return pks(I().filter("rank", 12.5)); },
        "Item.objects.filter(rank=12.5)", json{{"error", "ValueError"}}, json::array({18}),
        conf::Compare::Ordered);
}

void transforms(conf::Suite& s) {
    same(s, "year_text", "day__year", "2010", "'2010'");
    same(s, "year_text_space", "day__year", " 2004 ", "' 2004 '");
    same(s, "year_gte_text", "day__year__gte", "2011", "'2011'");
    same(s, "datetime_year_text", "stamp__year", "2008", "'2008'");
    same(s, "month_text", "day__month", "12", "'12'");
    same(s, "hour_text", "stamp__hour", "23", "'23'");
    same_in(s, "month_in_text", "day__month__in", {"1", "2"}, "['1', '2']");
    error(s, "year_abc", "day__year", "abc", "'abc'");
    error(s, "month_empty", "day__month", "", "''");
    error(s, "year_date", "day__year", D{2010, 1, 3}, "date(2010, 1, 3)");
    same(s, "date_of_datetime_text", "stamp__date", "2010-1-3", "'2010-1-3'");
    error(s, "date_of_datetime_bad", "stamp__date", "x", "'x'");
    error(s, "date_of_datetime_with_time", "stamp__date", "2010-01-03 18:45", "'2010-01-03 18:45'");
    same(s, "time_text", "stamp__time", "18:45:30", "'18:45:30'");
    same(s, "time_text_short", "stamp__time", "6:15:0.5", "'6:15:0.5'");
    same(s, "time_text_trailing", "stamp__time", "18:45:30abc", "'18:45:30abc'");
    error(s, "time_invalid", "stamp__time", "25:00", "'25:00'");
    error(s, "time_bad", "stamp__time", "x", "'x'");
    error(s, "time_int", "stamp__time", 5, "5");
    error(s, "time_date", "stamp__time", D{2010, 1, 3}, "date(2010, 1, 3)");
}

void reals(conf::Suite& s) {
    same(s, "float_text", "score", "1.5", "'1.5'");
    same(s, "float_text_spaces", "score", " -0.5 ", "' -0.5 '");
    same(s, "float_text_int", "score", "100", "'100'");
    same(s, "float_text_exponent", "score", "1e2", "'1e2'");
    same(s, "float_text_underscore", "score", "1_0.12_5", "'1_0.12_5'");
    same(s, "float_text_point", "score", "5.", "'5.'");
    same(s, "float_text_fraction_only", "score", ".1", "'.1'");
    same(s, "float_text_arabic_indic", "score", "\u0669", "'\\u0669'");
    same(s, "float_text_inf", "score", "-Infinity", "'-Infinity'");
    same(s, "float_text_huge", "score", "1e999", "'1e999'");
    same(s, "float_text_nan", "score", "nan", "'nan'");
    same(s, "float_true", "score", true, "True");
    same(s, "float_int", "score", 100, "100");
    same(s, "float_gt_text", "score__gt", "10", "'10'");
    same(s, "nullable_float_text", "weight", "0.5", "'0.5'");
    same_in(s, "float_in_text", "score__in", {"1.5", 0, "-2.25"}, "['1.5', 0, '-2.25']");
    error(s, "float_abc", "score", "abc", "'abc'");
    error(s, "float_empty", "score", "", "''");
    error(s, "float_hex", "score", "0x10", "'0x10'");
    error(s, "float_nan_payload", "score", "nan(1)", "'nan(1)'");
    error(s, "float_sql", "score", "1; DROP TABLE conf_item", "'1; DROP TABLE conf_item'");
    error(s, "float_date", "score", D{2010, 1, 3}, "date(2010, 1, 3)");
}

void booleans(conf::Suite& s) {
    same(s, "bool_t", "active", "t", "'t'");
    same(s, "bool_f", "active", "f", "'f'");
    same(s, "bool_True", "active", "True", "'True'");
    same(s, "bool_False", "active", "False", "'False'");
    same(s, "bool_1", "active", "1", "'1'");
    same(s, "bool_0", "active", "0", "'0'");
    same(s, "bool_int_1", "active", 1, "1");
    same(s, "bool_int_0", "active", 0, "0");
    same(s, "bool_double_1", "active", 1.0, "1.0");
    same(s, "nullable_bool_empty", "flag", "", "''");
    same(s, "nullable_bool_text", "flag", "False", "'False'");
    same_in(s, "nullable_bool_in_empty", "flag__in", {"", "t"}, "['', 't']");
    error(s, "bool_true_lower", "active", "true", "'true'");
    error(s, "bool_yes", "active", "yes", "'yes'");
    error(s, "bool_empty", "active", "", "''");
    error(s, "bool_space", "active", " 1", "' 1'");
    error(s, "bool_int_2", "active", 2, "2");
    error(s, "bool_date", "active", D{2010, 1, 3}, "date(2010, 1, 3)");
    error(s, "nullable_bool_yes", "flag", "yes", "'yes'");
}

void texts(conf::Suite& s) {
    // str(value): no row has such a name, but Django and dorm must both compare as text.
    same(s, "text_int", "name", 100, "100");
    same(s, "text_double", "name", 1.5, "1.5");
    same(s, "text_true", "name", true, "True");
    same(s, "text_date", "name", D{2010, 1, 3}, "date(2010, 1, 3)");
    same(s, "text_int_nullable", "note", 100, "100");
    same_in(s, "text_in_mixed", "name__in", {"HELLO", 5}, "['HELLO', 5]");
}

void dates(conf::Suite& s) {
    same(s, "date_text", "day", "2010-01-03", "'2010-01-03'");
    same(s, "date_text_short", "day", "2010-1-3", "'2010-1-3'");
    same(s, "date_text_newline", "day", "2010-01-03\n", "'2010-01-03\\n'");
    same(s, "date_text_arabic_indic", "day", "\u0662\u0660\u0661\u0660-\u0660\u0661-\u0660\u0663",
         "'\\u0662\\u0660\\u0661\\u0660-\\u0660\\u0661-\\u0660\\u0663'");
    same(s, "date_from_datetime", "day", DT(2010, 1, 3, 10, 0), "datetime(2010, 1, 3, 10, 0)");
    same(s, "date_gt_text", "day__gt", "2011-1-1", "'2011-1-1'");
    same(s, "nullable_date_text", "due", "2005-8-1", "'2005-8-1'");
    same_in(s, "date_range_text", "day__range", {"2004-2-29", "2005-1-1"},
            "['2004-2-29', '2005-1-1']");
    same_in(s, "date_in_text", "day__in", {"2010-1-3", D{2004, 2, 29}},
            "['2010-1-3', date(2004, 2, 29)]");
    error(s, "date_invalid", "day", "2004-02-30", "'2004-02-30'");
    error(s, "date_year_zero", "day", "0000-01-03", "'0000-01-03'");
    error(s, "date_with_time", "day", "2010-01-03 10:00", "'2010-01-03 10:00'");
    error(s, "date_space", "day", " 2010-01-03", "' 2010-01-03'");
    error(s, "date_abc", "day", "abc", "'abc'");
    error(s, "date_empty", "day", "", "''");
    error(s, "date_sql", "day", "2010-01-03' OR '1'='1", "\"2010-01-03' OR '1'='1\"");
    error(s, "date_int", "day", 5, "5");
    error(s, "date_double", "day", 5.5, "5.5");
    error(s, "date_bool", "day", true, "True");
    error(s, "date_time", "day", dorm::Time{10, 0}, "time(10, 0)");
    s.same_error(
        "date_in_bad",
        [] {
            return pks(I().filter("day__in", dorm::Values{"2010-1-3", "2010-13-1"}));
        },
        "Item.objects.filter(day__in=['2010-1-3', '2010-13-1'])");
}

void datetimes(conf::Suite& s) {
    same(s, "datetime_text", "stamp", "2010-01-03 18:45:30", "'2010-01-03 18:45:30'");
    same(s, "datetime_text_short", "stamp", "2010-1-3 18:45:30", "'2010-1-3 18:45:30'");
    same(s, "datetime_text_t", "stamp", "2010-01-03T18:45:30", "'2010-01-03T18:45:30'");
    same(s, "datetime_text_comma", "stamp", "2006-06-15 06:15:00,5", "'2006-06-15 06:15:00,5'");
    same(s, "datetime_text_micro", "stamp", "2007-12-31 23:59:59.999999",
         "'2007-12-31 23:59:59.999999'");
    same(s, "datetime_text_long_fraction", "stamp", "2007-12-31 23:59:59.9999991234",
         "'2007-12-31 23:59:59.9999991234'");
    same(s, "datetime_text_date", "stamp", "2008-01-01", "'2008-01-01'");
    same(s, "datetime_text_date_short", "stamp", "2008-1-1", "'2008-1-1'");
    same(s, "datetime_from_date", "stamp", D{2008, 1, 1}, "date(2008, 1, 1)");
    same(s, "datetime_gte_text", "stamp__gte", "2012-2-29 23:59", "'2012-2-29 23:59'");
    same(s, "nullable_datetime_text", "seen", "2008-01-01 00:00", "'2008-01-01 00:00'");
    error(s, "datetime_invalid_time", "stamp", "2010-01-03 25:00", "'2010-01-03 25:00'");
    error(s, "datetime_invalid_date", "stamp", "2010-02-30 10:00", "'2010-02-30 10:00'");
    error(s, "datetime_invalid_day", "stamp", "2010-02-30", "'2010-02-30'");
    error(s, "datetime_abc", "stamp", "abc", "'abc'");
    error(s, "datetime_too_long_fraction", "stamp", "2010-01-03 10:00:00.1234567890123",
          "'2010-01-03 10:00:00.1234567890123'");
    error(s, "datetime_aware", "stamp", "2010-01-03T18:45:30Z", "'2010-01-03T18:45:30Z'");
    error(s, "datetime_aware_offset", "stamp", "2010-01-03 18:45+05:30",
          "'2010-01-03 18:45+05:30'");
    error(s, "datetime_bad_offset", "stamp", "2010-01-03T10:00+25:00", "'2010-01-03T10:00+25:00'");
    error(s, "datetime_int", "stamp", 5, "5");
    error(s, "datetime_double", "stamp", 1.5, "1.5");
    error(s, "datetime_bool", "stamp", false, "False");
    error(s, "datetime_sql", "stamp", "'; DROP TABLE conf_item; --",
          "\"'; DROP TABLE conf_item; --\"");
}

// Writes: create(), update(), get_or_create() and update_or_create() prepare their values
// with the same get_prep_value; the tables are compared byte for byte afterwards.
void writes(conf::Suite& s) {
    s.step(
        "create_text_values",
        [] {
            return conf::pk_of(I().create({{"name", 100},
                                           {"rank", "3"},
                                           {"big", " 7 "},
                                           {"score", "1.5"},
                                           {"active", "t"},
                                           {"flag", ""},
                                           {"day", "2010-1-3"},
                                           {"stamp", "2010-01-03 10:00"}}));
        },
        "",
        "Item.objects.create(name=100, rank='3', big=' 7 ', score='1.5', active='t', flag='', "
        "day='2010-1-3', stamp='2010-01-03 10:00')");
    s.step(
        "create_other_kinds",
        [] {
            return conf::pk_of(I().create({{"name", 1e16},
                                           {"note", D{2010, 1, 3}},
                                           {"rank", true},
                                           {"rating", "\u0663"},
                                           {"big", "-1_000"},
                                           {"score", 2},
                                           {"weight", "1e-7"},
                                           {"active", 1},
                                           {"flag", "False"},
                                           {"day", DT(2010, 1, 3, 5, 6)},
                                           {"due", "2000-2-29"},
                                           {"stamp", D{2010, 1, 3}},
                                           {"seen", "2010-1-3 4:5:6.7"}}));
        },
        "",
        "Item.objects.create(name=1e16, note=date(2010, 1, 3), rank=True, rating='\\u0663', "
        "big='-1_000', score=2, weight='1e-7', active=1, flag='False', "
        "day=datetime(2010, 1, 3, 5, 6), due='2000-2-29', stamp=date(2010, 1, 3), "
        "seen='2010-1-3 4:5:6.7')");
    s.step(
        "filter_created_text", [] { return pks(I().filter("name", 100)); }, "",
        "Item.objects.filter(name=100)");
    s.step(
        "filter_created_float_text", [] { return pks(I().filter("name", 1e16)); }, "",
        "Item.objects.filter(name=1e16)");
    s.step(
        "filter_created_date_text",
        [] {
            return pks(I().filter("note", D{2010, 1, 3}));
        },
        "", "Item.objects.filter(note=date(2010, 1, 3))");
    s.step_error(
        "create_bad_int",
        [] {
            return conf::pk_of(I().create({{"name", "bad int"},
                                           {"rank", "abc"},
                                           {"big", 0},
                                           {"score", 0},
                                           {"active", true},
                                           {"day", "2010-01-01"},
                                           {"stamp", "2010-01-01"}}));
        },
        "",
        "Item.objects.create(name='bad int', rank='abc', big=0, score=0, active=True, "
        "day='2010-01-01', stamp='2010-01-01')");
    s.step_error(
        "create_bad_date",
        [] {
            return conf::pk_of(I().create({{"name", "bad date"},
                                           {"rank", 1},
                                           {"big", 0},
                                           {"score", 0},
                                           {"active", true},
                                           {"day", "2010-02-30"},
                                           {"stamp", "2010-01-01"}}));
        },
        "",
        "Item.objects.create(name='bad date', rank=1, big=0, score=0, active=True, "
        "day='2010-02-30', stamp='2010-01-01')");
    s.step_error(
        "create_bad_bool",
        [] {
            return conf::pk_of(I().create({{"name", "bad bool"},
                                           {"rank", 1},
                                           {"big", 0},
                                           {"score", 0},
                                           {"active", "yes"},
                                           {"day", "2010-01-01"},
                                           {"stamp", "2010-01-01"}}));
        },
        "",
        "Item.objects.create(name='bad bool', rank=1, big=0, score=0, active='yes', "
        "day='2010-01-01', stamp='2010-01-01')");
    s.step(
        "update_text_values",
        [] {
            return json(I().filter("pk", "1").update({{"rank", "9"},
                                                      {"name", 5},
                                                      {"active", "0"},
                                                      {"flag", ""},
                                                      {"score", " 2.5 "},
                                                      {"day", "2011-2-3"},
                                                      {"stamp", "2011-02-03 4:5:6.7"}}));
        },
        "",
        "Item.objects.filter(pk='1').update(rank='9', name=5, active='0', flag='', "
        "score=' 2.5 ', day='2011-2-3', stamp='2011-02-03 4:5:6.7')");
    s.step_error(
        "update_bad_int",
        [] {
            return json(I().filter("pk", 2).update({{"rank", "x"}}));
        },
        "", "Item.objects.filter(pk=2).update(rank='x')");
    s.step_error(
        "update_bad_date",
        [] {
            return json(I().filter("pk", 2).update({{"day", "x"}}));
        },
        "", "Item.objects.filter(pk=2).update(day='x')");
    s.step_error(
        "update_bad_datetime",
        [] {
            return json(I().filter("pk", 2).update({{"stamp", "2010-01-03 24:00"}}));
        },
        "", "Item.objects.filter(pk=2).update(stamp='2010-01-03 24:00')");
    s.step(
        "get_or_create_text",
        [] {
            auto [o, created] =
                I().get_or_create({{"name", "goc"}}, {{"rank", "4"},
                                                      {"big", "5"},
                                                      {"score", "0.25"},
                                                      {"active", "True"},
                                                      {"day", "2020-2-2"},
                                                      {"stamp", "2020-02-02T02:02"}});
            return json::array({conf::pk_of(o), created});
        },
        "",
        "(lambda r: [r[0].pk, r[1]])(Item.objects.get_or_create(name='goc', defaults={"
        "'rank': '4', 'big': '5', 'score': '0.25', 'active': 'True', 'day': '2020-2-2', "
        "'stamp': '2020-02-02T02:02'}))");
    s.step(
        "get_or_create_found_by_text",
        [] {
            auto [o, created] = I().get_or_create({{"rank", "4"}, {"name", "goc"}});
            return json::array({conf::pk_of(o), created});
        },
        "", "(lambda r: [r[0].pk, r[1]])(Item.objects.get_or_create(rank='4', name='goc'))");
    s.step(
        "update_or_create_text",
        [] {
            auto [o, created] =
                I().update_or_create({{"name", "goc"}}, {{"rank", "-4"}, {"day", "2021-3-4"}});
            return json::array({conf::pk_of(o), created});
        },
        "",
        "(lambda r: [r[0].pk, r[1]])(Item.objects.update_or_create(name='goc', defaults={"
        "'rank': '-4', 'day': '2021-3-4'}))");
}

} // namespace

TEST_CASE("values are coerced as Django coerces them", "[conformance][django][coercion]") {
    conf::TempDir dir;
    const std::string path = conf::make_seeded_file(dir);
    dorm::Database db(path);
    dorm::set_default_database(db);
    conf::Suite s(db);
    integers(s);
    transforms(s);
    reals(s);
    booleans(s);
    texts(s);
    dates(s);
    datetimes(s);
    auto oracle = conf::make_oracle();
    s.run(oracle, path);
    WARN(s.size() << " cases compared with Django, " << s.departures()
                  << " of them deliberate differences");
}

TEST_CASE("writes coerce values as Django's get_prep_value", "[conformance][django][coercion]") {
    conf::TempDir dir;
    const std::string seed = conf::make_seeded_file(dir);
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    std::filesystem::copy_file(seed, dorm_path);
    std::filesystem::copy_file(seed, django_path);
    auto oracle = conf::make_oracle();
    dorm_test::OracleResult django;
    {
        dorm::Database db(dorm_path);
        dorm::set_default_database(db);
        conf::Suite s(db);
        writes(s);
        django = s.run(oracle, django_path, /*dump=*/true);
    }
    const json mine = conf::dump_table(dorm_path, "conf_item", "id");
    const json theirs = django.dump("conf_item");
    INFO("dorm:   " << mine.dump() << "\ndjango: " << theirs.dump());
    CHECK(dorm_test::json_close(mine, theirs));
    CHECK(mine.size() == conf::seed_rows().size() + 3);
}
