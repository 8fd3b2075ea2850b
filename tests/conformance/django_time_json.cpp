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

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Event>());
    return o;
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
    dorm::create_tables<Event>(db);
    dorm::atomic(db, [&] {
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

} // namespace

TEST_CASE("time and json fields: the tables are Django's", "[conformance][django][time]") {
    conf::TempDir dir;
    auto oracle = make_oracle();
    oracle.collect_schema_sql();
    const auto res = oracle.run(dir.file("oracle.sqlite3"));
    std::vector<std::string> django;
    for (auto sql : res.schema_sql()) {
        if (!sql.empty() && sql.back() == ';')
            sql.pop_back();
        django.push_back(sql);
    }
    REQUIRE(django.size() == 1);
    CHECK(dorm::sql::create_table_sql(Event::meta()) == django[0]);
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
        dorm::create_tables<Event>(db);
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
