// Conformance with Django: DurationField. The table dorm creates is the one Django's schema
// editor writes (bigint); the rows dorm saves are the microseconds Django saves, and Django's
// rows read back in dorm; every lookup (the pattern lookups on the integer's text) gives
// Django's rows; a duration compared with another field is prepared as Django prepares it.
// One documented difference: a text or a number given for a DurationField is a TypeError in
// dorm, an AttributeError ('int' object has no attribute 'days') in Django.
#include "conformance.hpp"

#include <chrono>

using conf::json;
using std::chrono::microseconds;

namespace {

struct Run : dorm::Model<Run> {
    std::int64_t id = 0;
    std::string name;
    microseconds took{0};             // DurationField
    std::optional<microseconds> rest; // DurationField(null=True)

    static void define(dorm::ModelDef<Run>& m) {
        m.table("du_run");
        m.field("id", &Run::id, dorm::auto_pk);
        m.field("name", &Run::name, dorm::max_length(40));
        m.field("took", &Run::took);
        m.field("rest", &Run::rest);
    }
};

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Run>());
    return o;
}

struct RunSeed {
    const char* name;
    std::int64_t took;
    std::optional<std::int64_t> rest;
};

// Microseconds: a day and a fraction, -1 µs (-1 day, 23:59:59.999999), zero, negative days,
// exactly a day, one microsecond, a name that is str() of a duration, 100 million days.
const std::vector<RunSeed>& run_rows() {
    static const std::vector<RunSeed> rows = {
        {"marathon", 93'784'500'000, 90'000'000},
        {"minus", -1, std::nullopt},
        {"zero", 0, 0},
        {"back", -172'795'000'000, std::nullopt},
        {"day", 86'400'000'000, 86'400'000'000},
        {"tick", 1, 999'999},
        {"0:01:30", 90'000'000, std::nullopt},
        {"it's", 8'640'000'000'000'000'000, -8'640'000'000'000'000'000},
    };
    return rows;
}

void seed(dorm::Database& db) {
    dorm::create_tables<Run>(db);
    dorm::atomic(db, [&] {
        for (const auto& r : run_rows()) {
            Run x;
            x.name = r.name;
            x.took = microseconds(r.took);
            if (r.rest)
                x.rest = microseconds(*r.rest);
            x.save(db);
        }
    });
}

dorm::Manager<Run> R() {
    return Run::objects();
}

json names(const dorm::QuerySet<Run>& qs) {
    json out = json::array();
    for (const auto& r : qs)
        out.push_back(r.name);
    return out;
}

std::string py(std::int64_t us) {
    return "timedelta(microseconds=" + std::to_string(us) + ")";
}

void duration_cases(conf::Suite& s) {
    s.same(
        "rows", [] { return conf::rows(R().order_by("id").values_list("name", "took", "rest")); },
        "Run.objects.order_by('id').values_list('name', 'took', 'rest')");
    s.same(
        "micro",
        [] {
            json out = json::array();
            for (const auto& r : R().order_by("id"))
                out.push_back(r.took.count());
            return out;
        },
        "[r.took // timedelta(microseconds=1) for r in Run.objects.order_by('id')]");
    struct C {
        std::string id, key;
        dorm::Arg value;
        std::string py;
    };
    const std::vector<C> cases = {
        {"exact", "took", microseconds(93'784'500'000), py(93'784'500'000)},
        {"exact_day", "took", std::chrono::hours(24), "timedelta(days=1)"},
        {"exact_minus", "took", microseconds(-1), "timedelta(microseconds=-1)"},
        {"exact_double", "took", std::chrono::duration<double>(93'784.5),
         "timedelta(seconds=93784.5)"},
        {"exact_null", "rest", nullptr, "None"},
        {"gt", "took__gt", microseconds(0), "timedelta(0)"},
        {"gte", "took__gte", microseconds(1), py(1)},
        {"lt", "took__lt", std::chrono::seconds(90), "timedelta(seconds=90)"},
        {"lte", "took__lte", microseconds(-1), py(-1)},
        {"in", "took__in", dorm::Values{microseconds(0), microseconds(-1), nullptr},
         "[timedelta(0), timedelta(microseconds=-1), None]"},
        {"range", "took__range", dorm::Values{std::chrono::hours(-24), std::chrono::hours(24)},
         "(timedelta(days=-1), timedelta(days=1))"},
        {"isnull", "rest__isnull", true, "True"},
        {"isnull_false", "rest__isnull", false, "False"},
        {"contains_text", "took__contains", "9378", "'9378'"},
        {"contains_int", "took__contains", 9378, "9378"},
        {"contains_duration", "took__contains", microseconds(0), "timedelta(0)"},
        {"icontains", "took__icontains", "000", "'000'"},
        {"startswith", "took__startswith", "-", "'-'"},
        {"istartswith", "took__istartswith", 8, "8"},
        {"endswith", "took__endswith", 0, "0"},
        {"iendswith", "took__iendswith", "1", "'1'"},
        {"iexact", "took__iexact", "0", "'0'"},
        {"iexact_null", "rest__iexact", nullptr, "None"},
        {"regex", "took__regex", "^-1", "'^-1'"},
        {"iregex", "took__iregex", "^[89]", "'^[89]'"},
        {"rest_gt", "rest__gt", std::chrono::minutes(1), "timedelta(minutes=1)"},
        {"name_duration", "name", std::chrono::seconds(90), "timedelta(seconds=90)"},
        {"name_contains_duration", "name__contains", std::chrono::seconds(90),
         "timedelta(seconds=90)"},
    };
    for (const auto& c : cases) {
        const std::string py_key = json(c.key).dump();
        s.same(
            c.id, [key = c.key, v = c.value] { return names(R().filter(key, v).order_by("id")); },
            "[r.name for r in Run.objects.filter(**{" + py_key + ": " + c.py +
                "}).order_by('id')]");
        s.same(
            "not_" + c.id,
            [key = c.key, v = c.value] { return names(R().exclude(key, v).order_by("id")); },
            "[r.name for r in Run.objects.exclude(**{" + py_key + ": " + c.py +
                "}).order_by('id')]");
    }
    s.same(
        "order", [] { return names(R().order_by("took", "id")); },
        "[r.name for r in Run.objects.order_by('took', 'id')]");
    s.same(
        "order_desc_null", [] { return names(R().order_by("-rest", "id")); },
        "[r.name for r in Run.objects.order_by('-rest', 'id')]");
    s.same(
        "f_compare", [] { return names(R().filter("took__gt", dorm::F("rest")).order_by("id")); },
        "[r.name for r in Run.objects.filter(took__gt=F('rest')).order_by('id')]");
    s.same(
        "max_min",
        [] {
            return conf::agg(R().aggregate({{"hi", dorm::Max("took")}, {"lo", dorm::Min("rest")}}));
        },
        "Run.objects.aggregate(hi=Max('took'), lo=Min('rest'))");
    s.same(
        "values_flat", [] { return conf::flat(R().order_by("id").values_list("rest")); },
        "list(Run.objects.order_by('id').values_list('rest', flat=True))");
    // A duration given for another kind of field: Django's get_prep_value of that field.
    s.same_error(
        "id_duration", [] { return names(R().filter("id", std::chrono::hours(24))); },
        "list(Run.objects.filter(id=timedelta(days=1)))");
    // Text and numbers for a DurationField: Django 3.2 fails in duration_microseconds
    // (AttributeError); dorm raises TypeError (docs/django-differences.md).
    const json type_error = {{"error", "TypeError"}};
    for (const auto& [id, value, pyv, attr] :
         std::vector<std::tuple<std::string, dorm::Value, std::string, std::string>>{
             {"int", 5, "5", "int"},
             {"text", "1 day, 2:03:04", "'1 day, 2:03:04'", "str"},
             {"iso", "P1DT2H", "'P1DT2H'", "str"},
             {"float", 1.5, "1.5", "float"}}) {
        s.differs(
            "refused_" + id, [v = value] { return names(R().filter("took", v)); },
            "list(Run.objects.filter(took=" + pyv + "))", type_error,
            json{{"error", "AttributeError"},
                 {"message", "'" + attr + "' object has no attribute 'days'"}});
    }
    s.differs(
        "refused_in", [] { return names(R().filter("took__in", dorm::Values{0})); },
        "list(Run.objects.filter(took__in=[0]))", type_error,
        json{{"error", "AttributeError"}, {"message", "'int' object has no attribute 'days'"}});
}

} // namespace

TEST_CASE("duration fields: the table is Django's", "[conformance][django][duration]") {
    conf::TempDir dir;
    auto oracle = make_oracle();
    const std::vector<std::string> django = conf::django_ddl(oracle, dir);
    REQUIRE(django.size() == 1);
    CHECK(dorm::sql::create_table_sql(Run::meta()) == django[0]);
}

TEST_CASE("duration fields: lookups and query values agree with Django",
          "[conformance][django][duration]") {
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
    duration_cases(s);
    s.run(oracle, path);
    WARN(s.size() << " duration cases compared with Django, " << s.departures()
                  << " documented differences");
}

TEST_CASE("duration fields: the rows Django writes are the rows dorm writes",
          "[conformance][django][duration]") {
    conf::TempDir dir;
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    {
        dorm::Database db(dorm_path);
        seed(db);
    }
    {
        dorm::Database db(django_path);
        dorm::create_tables<Run>(db);
    }
    auto oracle = make_oracle();
    std::string exec;
    for (const auto& r : run_rows())
        exec += "Run.objects.create(name=" + json(r.name).dump() + ", took=" + py(r.took) +
                ", rest=" + (r.rest ? py(*r.rest) : std::string("None")) + "); ";
    oracle.exec_then("write", exec, "Run.objects.count()");
    const auto res = oracle.run(django_path, /*dump=*/true);
    CHECK(res.result("write") == json(run_rows().size()));
    const json mine = conf::dump_table(dorm_path, "du_run", "id");
    const json theirs = res.dump("du_run");
    INFO("dorm:   " << mine.dump() << "\ndjango: " << theirs.dump());
    CHECK(mine == theirs);
    // And dorm reads Django's rows.
    dorm::Database db(django_path);
    const auto objs = Run::objects().using_(db).order_by("id").to_vector();
    REQUIRE(objs.size() == run_rows().size());
    for (std::size_t i = 0; i < objs.size(); ++i) {
        CHECK(objs[i].took.count() == run_rows()[i].took);
        CHECK(objs[i].rest.has_value() == run_rows()[i].rest.has_value());
        if (objs[i].rest)
            CHECK(objs[i].rest->count() == *run_rows()[i].rest);
    }
}
