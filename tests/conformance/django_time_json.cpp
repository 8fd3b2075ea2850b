// Conformance with Django: TimeField (and the field kinds added with it). The tables dorm
// creates are the ones Django's schema editor writes; the rows dorm saves read back the same
// in Django, and Django's rows in dorm, byte for byte in the file; the lookups and
// transforms, and the query values Django's to_python takes or refuses, give the same rows
// or the same exception class.
#include "conformance.hpp"

using conf::json;
using dorm::Time;

namespace {

struct Event : dorm::Model<Event> {
    std::int64_t id = 0;
    std::string name;
    Time at;                    // TimeField
    std::optional<Time> finish; // TimeField(null=True)

    static void define(dorm::ModelDef<Event>& m) {
        m.table("tj_event");
        m.field("id", &Event::id, dorm::auto_pk);
        m.field("name", &Event::name, dorm::max_length(40));
        m.field("at", &Event::at);
        m.field("finish", &Event::finish);
    }
};

// JSONField(null=True): documents with hostile keys and values, JSON null and SQL NULL.
struct Doc : dorm::Model<Doc> {
    std::int64_t id = 0;
    std::string name;
    std::optional<dorm::Json> data;

    static void define(dorm::ModelDef<Doc>& m) {
        m.table("tj_doc");
        m.field("id", &Doc::id, dorm::auto_pk);
        m.field("name", &Doc::name, dorm::max_length(40));
        m.field("data", &Doc::data);
    }
};

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Event>()).add_model(conf::oracle_model<Doc>());
    return o;
}

struct DocSeed {
    const char* name;
    std::optional<std::string> json;
};

const std::vector<DocSeed>& doc_rows() {
    static const std::vector<DocSeed> rows = {
        {"ann", R"({"owner": {"name": "Ann", "age": 30}, "tags": ["a", "b"], "n": 1})"},
        {"bob", R"({"owner": {"name": "bob"}, "tags": [], "n": 2.5, "x": null, "flag": true})"},
        {"nul", "null"},
        {"none", std::nullopt},
        {"odd",
         R"({"a\"b": 1, "$.x": 2, "ä": "ü 🙂", "back\\slash": true, "1": "one", "it's": "'"})"},
        {"list", R"([1, "two", {"three": 3}, [4], null, 1e-07, 12345678901234567890])"},
        {"num", R"({"n": 3, "f": 0.1, "big": 1e+16, "neg": -0.0, "s": "3"})"},
        {"str", R"("just text with \"quotes\" and \\ and \n")"},
    };
    return rows;
}

struct EventSeed {
    const char* name;
    Time at;
    std::optional<Time> finish;
};

const std::vector<EventSeed>& event_rows() {
    static const std::vector<EventSeed> rows = {
        {"standup", {9, 0, 0, 0}, Time{9, 15, 0, 0}},
        {"lunch", {12, 30, 0, 0}, std::nullopt},
        {"late", {23, 59, 59, 999999}, Time{0, 0, 0, 0}},
        {"early", {0, 0, 0, 1}, std::nullopt},
        {"tea", {16, 5, 7, 250}, Time{16, 30, 0, 500000}},
        {"it's", {10, 30, 0, 0}, Time{10, 30, 0, 0}},
    };
    return rows;
}

void seed(dorm::Database& db) {
    dorm::create_tables<Event, Doc>(db);
    dorm::atomic(db, [&] {
        for (const auto& r : doc_rows()) {
            Doc d;
            d.name = r.name;
            if (r.json)
                d.data = dorm::Json(*r.json);
            d.save(db);
        }
        for (const auto& r : event_rows()) {
            Event e;
            e.name = r.name;
            e.at = r.at;
            e.finish = r.finish;
            e.save(db);
        }
    });
}

dorm::Manager<Event> E() {
    return Event::objects();
}

json names(const dorm::QuerySet<Event>& qs) {
    json out = json::array();
    for (const auto& e : qs)
        out.push_back(e.name);
    return out;
}

void time_cases(conf::Suite& s) {
    s.same(
        "time_rows",
        [] { return conf::rows(E().order_by("id").values_list("name", "at", "finish")); },
        "Event.objects.order_by('id').values_list('name', 'at', 'finish')");
    // Query values as Django's TimeField.to_python takes them.
    const std::vector<std::pair<std::string, std::pair<dorm::Value, std::string>>> filters = {
        {"exact_time", {Time{12, 30, 0, 0}, "at=time(12, 30)"}},
        {"exact_text", {"12:30", "at='12:30'"}},
        {"exact_text_short", {"9:0", "at='9:0'"}},
        {"exact_text_micro", {"16:05:07.00025", "at='16:05:07.00025'"}},
        {"exact_text_comma", {"16:05:07,000250", "at='16:05:07,000250'"}},
        {"exact_text_trailing", {"12:30:00+02:00", "at='12:30:00+02:00'"}},
        {"exact_datetime", {dorm::DateTime(2020, 5, 1, 12, 30), "at=datetime(2020, 5, 1, 12, 30)"}},
    };
    for (const auto& [id, f] : filters) {
        const dorm::Value v = f.first;
        s.same(
            id, [v] { return names(E().filter("at", v).order_by("id")); },
            "[e.name for e in Event.objects.filter(" + f.second + ").order_by('id')]");
    }
    s.same(
        "lt", [] { return names(E().filter("at__lt", "10:30").order_by("id")); },
        "[e.name for e in Event.objects.filter(at__lt='10:30').order_by('id')]");
    s.same(
        "gte_micro",
        [] {
            return names(E().filter("at__gte", Time{16, 5, 7, 250}).order_by("id"));
        },
        "[e.name for e in Event.objects.filter(at__gte=time(16, 5, 7, 250)).order_by('id')]");
    s.same(
        "range",
        [] {
            return names(E().filter("at__range", dorm::Values{"9:00", "12:30"}).order_by("id"));
        },
        "[e.name for e in Event.objects.filter(at__range=('9:00', '12:30')).order_by('id')]");
    s.same(
        "in",
        [] {
            return names(E().filter("at__in", dorm::Values{"23:59:59.999999", Time{0, 0, 0, 1}})
                             .order_by("id"));
        },
        "[e.name for e in Event.objects.filter(at__in=['23:59:59.999999', time(0, 0, 0, "
        "1)]).order_by('id')]");
    s.same(
        "isnull", [] { return names(E().filter("finish__isnull", true).order_by("id")); },
        "[e.name for e in Event.objects.filter(finish__isnull=True).order_by('id')]");
    s.same(
        "hour", [] { return names(E().filter("at__hour", 23).order_by("id")); },
        "[e.name for e in Event.objects.filter(at__hour=23).order_by('id')]");
    s.same(
        "hour_text", [] { return names(E().filter("at__hour__gte", 12).order_by("id")); },
        "[e.name for e in Event.objects.filter(at__hour__gte=12).order_by('id')]");
    s.same(
        "minute", [] { return names(E().filter("at__minute", 30).order_by("id")); },
        "[e.name for e in Event.objects.filter(at__minute=30).order_by('id')]");
    s.same(
        "second", [] { return names(E().filter("at__second__gt", 0).order_by("id")); },
        "[e.name for e in Event.objects.filter(at__second__gt=0).order_by('id')]");
    s.same(
        "finish_hour", [] { return names(E().filter("finish__hour", 0).order_by("id")); },
        "[e.name for e in Event.objects.filter(finish__hour=0).order_by('id')]");
    s.same(
        "order", [] { return names(E().order_by("-at")); },
        "[e.name for e in Event.objects.order_by('-at')]");
    s.same(
        "values_hour", [] { return conf::flat(E().order_by("id").values_list("finish")); },
        "list(Event.objects.order_by('id').values_list('finish', flat=True))");
    s.same(
        "f_compare", [] { return names(E().filter("finish", dorm::F("at")).order_by("id")); },
        "[e.name for e in Event.objects.filter(finish=F('at')).order_by('id')]");
    // Refused as Django refuses them.
    for (const auto& [id, text] :
         std::vector<std::pair<std::string, std::string>>{{"bad_format", "abc"},
                                                          {"bad_hour", "25:00"},
                                                          {"bad_minute", "10:61"},
                                                          {"bad_empty", ""},
                                                          {"bad_hostile", "1'0:30\\"}}) {
        s.same_error(
            id, [t = text] { return names(E().filter("at", t)); },
            "list(Event.objects.filter(at=" + json(text).dump() + "))");
    }
}

json doc_names(const dorm::QuerySet<Doc>& qs) {
    json out = json::array();
    for (const auto& d : qs)
        out.push_back(d.name);
    return out;
}

void json_cases(conf::Suite& s) {
    struct C {
        std::string id, key;
        dorm::Arg value;
        std::string py;
    };
    const std::vector<C> cases = {
        {"key", "data__owner__name", "Ann", "'Ann'"},
        {"key_case", "data__owner__name", "ann", "'ann'"},
        {"key_int", "data__n", 1, "1"},
        {"key_float", "data__n", 2.5, "2.5"},
        {"key_float_small", "data__f", 0.1, "0.1"},
        {"key_bool", "data__flag", true, "True"},
        {"key_text_vs_number", "data__s", "3", "'3'"},
        {"key_number_vs_text", "data__s", 3, "3"},
        {"key_null", "data__x", nullptr, "None"},
        {"index", "data__tags__0", "a", "'a'"},
        {"index_top", "data__1", "two", "'two'"},
        {"index_nested", "data__2__three", 3, "3"},
        {"index_key_digit", "data__1", "one", "'one'"},
        {"key_gt", "data__n__gt", 1, "1"},
        {"key_gte", "data__n__gte", 1, "1"},
        {"key_lt_text", "data__owner__name__lt", "B", "'B'"},
        {"key_lte", "data__owner__age__lte", 30, "30"},
        {"key_icontains", "data__owner__name__icontains", "N", "'N'"},
        {"key_isnull_true", "data__x__isnull", true, "True"},
        {"key_isnull_false", "data__owner__isnull", false, "False"},
        {"key_in", "data__n__in", dorm::Values{1, 3, nullptr}, "[1, 3, None]"},
        {"key_in_text", "data__owner__name__in", dorm::Values{"Ann", "bob"}, "['Ann', 'bob']"},
        {"key_regex", "data__owner__name__regex", "^[AB]", "'^[AB]'"},
        {"has_key", "data__has_key", "tags", "'tags'"},
        {"has_key_nested", "data__owner__has_key", "age", "'age'"},
        {"has_keys", "data__has_keys", dorm::Values{"tags", "x"}, "['tags', 'x']"},
        {"has_any_keys", "data__has_any_keys", dorm::Values{"x", "$.x"}, "['x', '$.x']"},
        {"doc_null", "data", nullptr, "None"},
        {"doc_isnull", "data__isnull", true, "True"},
        {"doc_exact", "data", dorm::Json(R"({"n":3,"f":0.1,"big":1e16,"neg":-0.0,"s":"3"})"),
         "{'n': 3, 'f': 0.1, 'big': 1e16, 'neg': -0.0, 's': '3'}"},
        {"doc_exact_string", "data", dorm::Json::string("just text with \"quotes\" and \\ and \n"),
         "'just text with \"quotes\" and \\\\ and \\n'"},
        {"hostile_quote", "data__a\"b", 1, "1"},
        {"hostile_dollar", "data__$.x", 2, "2"},
        {"hostile_unicode", "data__ä", "ü 🙂", "'ü 🙂'"},
        {"hostile_backslash", "data__back\\slash", true, "True"},
        {"hostile_apostrophe", "data__it's", "'", "\"'\""},
    };
    for (const auto& c : cases) {
        const std::string py_key = json(c.key).dump();
        s.same(
            "json_" + c.id,
            [key = c.key, v = c.value] {
                return doc_names(Doc::objects().filter(key, v).order_by("id"));
            },
            "[d.name for d in Doc.objects.filter(**{" + py_key + ": " + c.py +
                "}).order_by('id')]");
        s.same(
            "json_not_" + c.id,
            [key = c.key, v = c.value] {
                return doc_names(Doc::objects().exclude(key, v).order_by("id"));
            },
            "[d.name for d in Doc.objects.exclude(**{" + py_key + ": " + c.py +
                "}).order_by('id')]");
    }
    s.same(
        "json_rows", [] { return conf::rows(Doc::objects().order_by("id").values_list("name")); },
        "Doc.objects.order_by('id').values_list('name')");
    s.same_error(
        "json_contains",
        [] { return doc_names(Doc::objects().filter("data__contains", dorm::Json("{}"))); },
        "list(Doc.objects.filter(data__contains={}))", true);
    s.same_error(
        "json_key_contains",
        [] { return doc_names(Doc::objects().filter("data__owner__contains", "A")); },
        "list(Doc.objects.filter(data__owner__contains='A'))", true);
    s.same_error(
        "json_contained_by",
        [] { return doc_names(Doc::objects().filter("data__contained_by", dorm::Json("{}"))); },
        "list(Doc.objects.filter(data__contained_by={}))", true);
}

} // namespace

TEST_CASE("json fields: lookups and key transforms agree with Django",
          "[conformance][django][json]") {
    conf::TempDir dir;
    const std::string path = dir.file("seed.sqlite3");
    {
        dorm::Database db(path);
        seed(db);
    }
    auto oracle = make_oracle();
    dorm::Database db(path);
    dorm::set_default_database(db);
    conf::Suite s(db);
    json_cases(s);
    s.run(oracle, path);
    WARN(s.size() << " json cases compared with Django");
}

TEST_CASE("json fields: the rows Django writes are the rows dorm writes",
          "[conformance][django][json]") {
    conf::TempDir dir;
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    {
        dorm::Database db(dorm_path);
        seed(db);
    }
    {
        dorm::Database db(django_path);
        dorm::create_tables<Event, Doc>(db);
    }
    auto oracle = make_oracle();
    std::string exec = "import json as _json; ";
    // Django's None is SQL NULL; JSON null is Value('null') (dorm: an empty optional, and
    // dorm::Json()).
    for (const auto& r : doc_rows())
        exec += "Doc.objects.create(name=" + json(r.name).dump() + ", data=" +
                (!r.json             ? std::string("None")
                 : *r.json == "null" ? std::string("Value('null')")
                                     : "_json.loads(" + json(*r.json).dump() + ")") +
                "); ";
    oracle.exec_then("write", exec, "Doc.objects.count()");
    const auto res = oracle.run(django_path, /*dump=*/true);
    CHECK(res.result("write") == json(doc_rows().size()));
    const json mine = conf::dump_table(dorm_path, "tj_doc", "id");
    const json theirs = res.dump("tj_doc");
    INFO("dorm:   " << mine.dump() << "\ndjango: " << theirs.dump());
    CHECK(mine == theirs);
    // And dorm reads Django's rows (the None document is SQL NULL: Django stores None so).
    dorm::Database db(django_path);
    const auto docs = Doc::objects().using_(db).order_by("id").to_vector();
    REQUIRE(docs.size() == doc_rows().size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
        INFO(doc_rows()[i].name);
        CHECK(docs[i].data.has_value() == doc_rows()[i].json.has_value());
        if (docs[i].data)
            CHECK(docs[i].data->dump() == dorm::Json(*doc_rows()[i].json).dump());
    }
}

TEST_CASE("time and json fields: the tables are Django's", "[conformance][django][time]") {
    conf::TempDir dir;
    auto oracle = make_oracle();
    const std::vector<std::string> django = conf::django_ddl(oracle, dir);
    REQUIRE(django.size() == 2);
    CHECK(dorm::sql::create_table_sql(Event::meta()) == django[0]);
    CHECK(dorm::sql::create_table_sql(Doc::meta()) == django[1]);
}

TEST_CASE("time fields: lookups and query values agree with Django",
          "[conformance][django][time]") {
    conf::TempDir dir;
    const std::string path = dir.file("seed.sqlite3");
    {
        dorm::Database db(path);
        seed(db);
    }
    auto oracle = make_oracle();
    dorm::Database db(path);
    dorm::set_default_database(db);
    conf::Suite s(db);
    time_cases(s);
    s.run(oracle, path);
    WARN(s.size() << " time cases compared with Django");
}

TEST_CASE("time fields: the rows Django writes are the rows dorm writes",
          "[conformance][django][time]") {
    conf::TempDir dir;
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    {
        dorm::Database db(dorm_path);
        seed(db);
    }
    {
        dorm::Database db(django_path);
        dorm::create_tables<Event, Doc>(db);
    }
    // Django writes the same rows into its own file.
    auto oracle = make_oracle();
    std::string exec;
    for (const auto& r : event_rows()) {
        auto py = [](const std::optional<Time>& t) {
            if (!t)
                return std::string("None");
            return "time(" + std::to_string(t->hour) + ", " + std::to_string(t->minute) + ", " +
                   std::to_string(t->second) + ", " + std::to_string(t->microsecond) + ")";
        };
        exec += "Event.objects.create(name=" + json(r.name).dump() + ", at=" + py(r.at) +
                ", finish=" + py(r.finish) + "); ";
    }
    oracle.exec_then("write", exec, "Event.objects.count()");
    const auto res = oracle.run(django_path, /*dump=*/true);
    CHECK(res.result("write") == json(event_rows().size()));
    const json mine = conf::dump_table(dorm_path, "tj_event", "id");
    const json theirs = res.dump("tj_event");
    INFO("dorm:   " << mine.dump() << "\ndjango: " << theirs.dump());
    CHECK(mine == theirs);
    // And dorm reads Django's rows.
    dorm::Database db(django_path);
    const auto objs = Event::objects().using_(db).order_by("id").to_vector();
    REQUIRE(objs.size() == event_rows().size());
    for (std::size_t i = 0; i < objs.size(); ++i) {
        CHECK(objs[i].at == event_rows()[i].at);
        CHECK(objs[i].finish == event_rows()[i].finish);
    }
}
