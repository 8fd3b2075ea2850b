// Conformance with Django: multi-table inheritance (and a proxy). Place is extended by
// Restaurant, which Italian extends in turn, and by Bar; PlaceByName is a proxy of Place. The
// Django twins subclass each other as the dorm models do (oracle_model<T>() reads meta.parent
// and meta.proxy_for), so Django adds the "<parent>_ptr" keys itself. Compared:
//   - the tables: CREATE TABLE text, and the columns and foreign keys of the tables Django's
//     schema editor creates;
//   - saves: the same objects saved by dorm and by Django give the same stored rows; what
//     dorm saved is read by Django and what Django saved is read by dorm (every level);
//   - queries across the levels: parent fields from a child, children from the parent,
//     exclude, count, exists, Q;
//   - writes: save() of a child changing parent and own fields, queryset update();
//   - deletes in both directions, with Django's (total, {model: n}).
#include "conformance.hpp"

#include <functional>

using conf::json;
using conf::pks;
using conf::rows;
using dorm::Q;

namespace {

using Strings = std::vector<std::string>;

// A Python string literal (a JSON string is one).
std::string py(const std::string& s) {
    return json(s).dump();
}

// --- models (the Django twins are built from their metadata) -------------------------------

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    std::string name;
    std::string address;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("di_place");
        m.field("id", &Place::id, dorm::auto_pk);
        m.field("name", &Place::name, dorm::max_length(50));
        m.field("address", &Place::address, dorm::max_length(80));
    }
};

struct Restaurant : dorm::Extends<Restaurant, Place> {
    bool serves_pizza = false;
    std::optional<std::int32_t> seats;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("di_restaurant");
        m.field("serves_pizza", &Restaurant::serves_pizza);
        m.field("seats", &Restaurant::seats);
    }
};

struct Italian : dorm::Extends<Italian, Restaurant> {
    std::int32_t stars = 0;
    static void define(dorm::ModelDef<Italian>& m) {
        m.table("di_italian");
        m.field("stars", &Italian::stars);
    }
};

struct Bar : dorm::Extends<Bar, Place> {
    bool open_late = false;
    static void define(dorm::ModelDef<Bar>& m) {
        m.table("di_bar");
        m.field("open_late", &Bar::open_late);
    }
};

struct PlaceByName : dorm::ProxyOf<PlaceByName, Place> {
    static void define(dorm::ModelDef<PlaceByName>& m) { m.ordering({"name", "id"}); }
};

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Place>())
        .add_model(conf::oracle_model<Restaurant>())
        .add_model(conf::oracle_model<Italian>())
        .add_model(conf::oracle_model<Bar>())
        .add_model(conf::oracle_model<PlaceByName>());
    return o;
}

// The tables and their primary key columns.
const std::vector<std::pair<std::string, std::string>>& tables() {
    static const std::vector<std::pair<std::string, std::string>> t = {
        {"di_place", "id"},
        {"di_restaurant", "place_ptr_id"},
        {"di_italian", "restaurant_ptr_id"},
        {"di_bar", "place_ptr_id"}};
    return t;
}

// --- the data ----------------------------------------------------------------------------------

enum class Kind { Place, Restaurant, Italian, Bar };

struct Seed {
    Kind kind;
    std::string name, address;
    bool flag = false; // serves_pizza, or open_late
    std::optional<int> seats{};
    int stars = 0;
};

// pk = position + 1 (one sequence: Place's).
const std::vector<Seed>& seeds() {
    static const std::vector<Seed> s = {
        {Kind::Place, "Town hall", "1 Main St"},
        {Kind::Place, "it's 100% _sure\\", "Ünï \"q\""},
        {Kind::Restaurant, "Joe's", "2 Main St", true, 40},
        {Kind::Restaurant, "Café_ü", "3 Rue %", false, std::nullopt},
        {Kind::Italian, "Luigi's", "4 Via Roma", true, 20, 4},
        {Kind::Italian, "Mario's 100%", "5 Via \\ Appia", true, std::nullopt, 2},
        {Kind::Italian, "Pizza \\ Napoli ⭐", "6 Corso_", false, 12, 5},
        {Kind::Bar, "Moe's", "7 Evergreen", true},
        {Kind::Bar, "O\"Hara_%", "8 Quay", false},
    };
    return s;
}

void save_seed(const Seed& s, dorm::Database& db) {
    switch (s.kind) {
    case Kind::Place: {
        Place p;
        p.name = s.name;
        p.address = s.address;
        p.save(db);
        break;
    }
    case Kind::Restaurant: {
        Restaurant r;
        r.name = s.name;
        r.address = s.address;
        r.serves_pizza = s.flag;
        r.seats = s.seats;
        r.save(db);
        break;
    }
    case Kind::Italian: {
        Italian i;
        i.name = s.name;
        i.address = s.address;
        i.serves_pizza = s.flag;
        i.seats = s.seats;
        i.stars = s.stars;
        i.save(db);
        break;
    }
    case Kind::Bar: {
        Bar b;
        b.name = s.name;
        b.address = s.address;
        b.open_late = s.flag;
        b.save(db);
        break;
    }
    }
}

// The same objects, saved by Django.
std::string django_seed() {
    std::string code;
    for (const Seed& s : seeds()) {
        const std::string common = "name=" + py(s.name) + ", address=" + py(s.address);
        const std::string flag = s.flag ? "True" : "False";
        const std::string seats = s.seats ? std::to_string(*s.seats) : "None";
        switch (s.kind) {
        case Kind::Place:
            code += "Place(" + common + ").save()\n";
            break;
        case Kind::Restaurant:
            code += "Restaurant(" + common + ", serves_pizza=" + flag + ", seats=" + seats +
                    ").save()\n";
            break;
        case Kind::Italian:
            code += "Italian(" + common + ", serves_pizza=" + flag + ", seats=" + seats +
                    ", stars=" + std::to_string(s.stars) + ").save()\n";
            break;
        case Kind::Bar:
            code += "Bar(" + common + ", open_late=" + flag + ").save()\n";
            break;
        }
    }
    return code;
}

void create_tables(dorm::Database& db) {
    dorm::create_tables<Place, Restaurant, Italian, Bar>(db);
}

// A file with the tables (created by dorm) and the objects saved by dorm.
std::string dorm_seeded_file(const conf::TempDir& dir, const std::string& name) {
    const std::string path = dir.file(name);
    dorm::Database db(path);
    create_tables(db);
    dorm::atomic(db, [&] {
        for (const Seed& s : seeds())
            save_seed(s, db);
    });
    return path;
}

// A file with the tables (created by dorm) and the objects saved by Django.
std::string django_seeded_file(const conf::TempDir& dir, const std::string& name) {
    const std::string path = dir.file(name);
    {
        dorm::Database db(path);
        create_tables(db);
    }
    auto oracle = make_oracle();
    oracle.exec_then("seed", django_seed(), "Place.objects.count()");
    const auto res = oracle.run(path);
    INFO("django seed: " << res.result("seed").dump());
    REQUIRE(res.result("seed") == json(seeds().size()));
    return path;
}

json dump_all(const std::string& path) {
    json out = json::object();
    for (const auto& [table, pk] : tables())
        out[table] = conf::dump_table(path, table, pk);
    return out;
}

// --- reads, the same on a file saved by dorm and on one saved by Django ----------------------

void reads(conf::Suite& s) {
    // Every level, every field (values() of each model, as Django names the keys).
    s.same(
        "place_values",
        [] { return rows(Place::objects().order_by("id").values("id", "name", "address")); },
        "Place.objects.order_by('id').values('id', 'name', 'address')");
    s.same(
        "restaurant_values",
        [] {
            return rows(Restaurant::objects().order_by("id").values(
                "id", "name", "address", "place_ptr", "serves_pizza", "seats"));
        },
        "Restaurant.objects.order_by('id').values('id', 'name', 'address', 'place_ptr', "
        "'serves_pizza', 'seats')");
    s.same(
        "italian_values",
        [] {
            return rows(Italian::objects().order_by("pk").values(
                "id", "name", "address", "place_ptr", "serves_pizza", "seats", "restaurant_ptr",
                "stars"));
        },
        "Italian.objects.order_by('pk').values('id', 'name', 'address', 'place_ptr', "
        "'serves_pizza', 'seats', 'restaurant_ptr', 'stars')");
    s.same(
        "italian_values_all", [] { return rows(Italian::objects().order_by("pk").values()); },
        "Italian.objects.order_by('pk').values()");
    s.same(
        "restaurant_values_list_all",
        [] { return rows(Restaurant::objects().order_by("pk").values_list()); },
        "Restaurant.objects.order_by('pk').values_list()");
    s.same(
        "bar_values", [] { return rows(Bar::objects().order_by("pk").values()); },
        "Bar.objects.order_by('pk').values()");
    s.same(
        "italian_objects",
        [] {
            json out = json::array();
            for (const Italian& i : Italian::objects().order_by("id"))
                out.push_back(json::array({conf::pk_of(i), i.id, i.name, i.address, i.serves_pizza,
                                           i.seats ? json(*i.seats) : json(), i.stars}));
            return out;
        },
        "[[i.pk, i.id, i.name, i.address, i.serves_pizza, i.seats, i.stars] for i in "
        "Italian.objects.order_by('id')]");
    s.same(
        "pk_is_parent_id",
        [] { return conf::flat(Italian::objects().order_by("pk").values_list("pk")); },
        "Italian.objects.order_by('pk').values_list('pk', flat=True)");

    // A child filtered and ordered by its parents' fields.
    s.same(
        "child_name_endswith",
        [] { return pks(Italian::objects().filter("name__endswith", "'s").order_by("id")); },
        "Italian.objects.filter(name__endswith=\"'s\").order_by('id')");
    s.same(
        "child_name_contains_percent",
        [] { return pks(Italian::objects().filter("name__contains", "100%").order_by("id")); },
        "Italian.objects.filter(name__contains='100%').order_by('id')");
    s.same(
        "child_address_contains_backslash",
        [] { return pks(Restaurant::objects().filter("address__contains", "\\").order_by("id")); },
        "Restaurant.objects.filter(address__contains='\\\\').order_by('id')");
    s.same(
        "child_address_endswith_underscore",
        [] { return pks(Restaurant::objects().filter("address__endswith", "_").order_by("id")); },
        "Restaurant.objects.filter(address__endswith='_').order_by('id')");
    s.same(
        "child_name_exact_non_ascii",
        [] { return pks(Restaurant::objects().filter("name", "Café_ü")); },
        "Restaurant.objects.filter(name='Café_ü')");
    s.same(
        "grandchild_name_icontains",
        [] { return pks(Italian::objects().filter("name__icontains", "napoli ⭐")); },
        "Italian.objects.filter(name__icontains='napoli ⭐')");
    s.same(
        "grandchild_grandparent_and_parent",
        [] {
            return pks(Italian::objects()
                           .filter("serves_pizza", true)
                           .filter("name__startswith", "M")
                           .order_by("id"));
        },
        "Italian.objects.filter(serves_pizza=True, name__startswith='M').order_by('id')");
    s.same(
        "order_by_parent_field", [] { return pks(Italian::objects().order_by("-name")); },
        "Italian.objects.order_by('-name')");
    s.same(
        "order_by_two_levels",
        [] { return pks(Restaurant::objects().order_by("serves_pizza", "address")); },
        "Restaurant.objects.order_by('serves_pizza', 'address')");
    s.same(
        "values_list_parent_fields",
        [] { return rows(Italian::objects().order_by("name").values_list("name", "address")); },
        "Italian.objects.order_by('name').values_list('name', 'address')");
    s.same(
        "values_list_flat_parent",
        [] { return conf::flat(Italian::objects().order_by("stars").values_list("name")); },
        "Italian.objects.order_by('stars').values_list('name', flat=True)");
    s.same(
        "get_by_parent_field",
        [] { return json(Italian::objects().get("name", "Mario's 100%").stars); },
        "Italian.objects.get(name='Mario\\'s 100%').stars");
    s.same_error(
        "get_parent_row_as_child",
        [] { return json(Italian::objects().get("name", "Joe's").stars); },
        "Italian.objects.get(name=\"Joe's\").stars");

    // The parent filtered through its children.
    s.same(
        "parent_by_child_field",
        [] {
            return pks(Place::objects().filter("restaurant__serves_pizza", true).order_by("id"));
        },
        "Place.objects.filter(restaurant__serves_pizza=True).order_by('id')");
    s.same(
        "parent_by_grandchild_field",
        [] {
            return pks(
                Place::objects().filter("restaurant__italian__stars__gte", 4).order_by("id"));
        },
        "Place.objects.filter(restaurant__italian__stars__gte=4).order_by('id')");
    s.same(
        "parent_has_child",
        [] { return pks(Place::objects().filter("restaurant__isnull", false).order_by("id")); },
        "Place.objects.filter(restaurant__isnull=False).order_by('id')");
    s.same(
        "parent_has_no_child",
        [] { return pks(Place::objects().filter("bar__isnull", true).order_by("id")); },
        "Place.objects.filter(bar__isnull=True).order_by('id')");
    s.same(
        "child_not_grandchild",
        [] { return pks(Restaurant::objects().filter("italian__isnull", true).order_by("id")); },
        "Restaurant.objects.filter(italian__isnull=True).order_by('id')");
    s.same(
        "parent_by_child_nullable",
        [] {
            return pks(Place::objects().filter("restaurant__seats__isnull", true).order_by("id"));
        },
        "Place.objects.filter(restaurant__seats__isnull=True).order_by('id')");
    s.same(
        "parent_values_through_child",
        [] {
            return rows(Place::objects()
                            .filter("restaurant__isnull", false)
                            .order_by("id")
                            .values("name", "restaurant__seats", "restaurant__italian__stars"));
        },
        "Place.objects.filter(restaurant__isnull=False).order_by('id').values('name', "
        "'restaurant__seats', 'restaurant__italian__stars')");

    // exclude, count, exists, Q.
    s.same(
        "exclude_parent_field",
        [] { return pks(Italian::objects().exclude("name__contains", "'").order_by("id")); },
        "Italian.objects.exclude(name__contains=\"'\").order_by('id')");
    s.same(
        "exclude_through_child",
        [] {
            return pks(Place::objects().exclude("restaurant__serves_pizza", true).order_by("id"));
        },
        "Place.objects.exclude(restaurant__serves_pizza=True).order_by('id')");
    s.same(
        "exclude_through_grandchild",
        [] {
            return pks(
                Place::objects().exclude("restaurant__italian__stars__lt", 4).order_by("id"));
        },
        "Place.objects.exclude(restaurant__italian__stars__lt=4).order_by('id')");
    s.same(
        "count_levels",
        [] {
            return json::array({Place::objects().count(), Restaurant::objects().count(),
                                Italian::objects().count(), Bar::objects().count()});
        },
        "[Place.objects.count(), Restaurant.objects.count(), Italian.objects.count(), "
        "Bar.objects.count()]");
    s.same(
        "count_filtered",
        [] { return json(Restaurant::objects().filter("name__contains", "_").count()); },
        "Restaurant.objects.filter(name__contains='_').count()");
    s.same(
        "exists",
        [] {
            return json::array({Italian::objects().filter("name", "Joe's").exists(),
                                Restaurant::objects().filter("name", "Joe's").exists(),
                                Bar::objects().filter("name__endswith", "_%").exists(),
                                Place::objects().filter("bar__open_late", true).exists()});
        },
        "[Italian.objects.filter(name=\"Joe's\").exists(), "
        "Restaurant.objects.filter(name=\"Joe's\").exists(), "
        "Bar.objects.filter(name__endswith='_%').exists(), "
        "Place.objects.filter(bar__open_late=True).exists()]");
    s.same(
        "q_or_not",
        [] {
            return pks(Italian::objects()
                           .filter(Q("name__endswith", "'s") | ~Q("stars__gte", 4))
                           .order_by("id"));
        },
        "Italian.objects.filter(Q(name__endswith=\"'s\") | ~Q(stars__gte=4)).order_by('id')");
    s.same(
        "q_nullable_or",
        [] {
            return pks(Restaurant::objects()
                           .filter(Q("seats__isnull", true) | Q("name__icontains", "JOE"))
                           .order_by("id"));
        },
        "Restaurant.objects.filter(Q(seats__isnull=True) | Q(name__icontains='JOE'))"
        ".order_by('id')");
    s.same(
        "q_not_nullable",
        [] { return pks(Restaurant::objects().filter(~Q("seats", 20)).order_by("id")); },
        "Restaurant.objects.filter(~Q(seats=20)).order_by('id')");
    s.same(
        "q_parent_down",
        [] {
            return pks(Place::objects()
                           .filter(Q("restaurant__italian__stars", 5) | Q("bar__open_late", true) |
                                   Q("address__contains", "%"))
                           .order_by("id"));
        },
        "Place.objects.filter(Q(restaurant__italian__stars=5) | Q(bar__open_late=True) | "
        "Q(address__contains='%')).order_by('id')");
    s.same(
        "q_not_parent_down",
        [] {
            return pks(
                Place::objects().filter(~Q("restaurant__serves_pizza", false)).order_by("id"));
        },
        "Place.objects.filter(~Q(restaurant__serves_pizza=False)).order_by('id')");

    // Aggregates, annotations and F() across the levels.
    s.same(
        "aggregate_levels",
        [] {
            return conf::agg(Italian::objects().aggregate(dorm::Max("seats"), dorm::Count("id"),
                                                          dorm::Min("name"), dorm::Sum("stars")));
        },
        "Italian.objects.aggregate(Max('seats'), Count('id'), Min('name'), Sum('stars'))");
    s.same(
        "annotate_count_children",
        [] {
            return rows(Place::objects()
                            .annotate("n", dorm::Count("restaurant"))
                            .order_by("id")
                            .values("id", "n"));
        },
        "Place.objects.annotate(n=Count('restaurant')).order_by('id').values('id', 'n')");
    s.same(
        "annotate_f_parent",
        [] {
            return rows(Italian::objects()
                            .annotate("label", dorm::F("name"))
                            .filter("seats__gt", dorm::F("stars"))
                            .order_by("id")
                            .values("label", "seats"));
        },
        "Italian.objects.annotate(label=F('name')).filter(seats__gt=F('stars'))"
        ".order_by('id').values('label', 'seats')");
    s.same(
        "values_group_by_parent_level",
        [] {
            return rows(Italian::objects()
                            .values("serves_pizza")
                            .annotate("n", dorm::Count("id"))
                            .order_by("serves_pizza"));
        },
        "Italian.objects.values('serves_pizza').annotate(n=Count('id')).order_by('serves_pizza')");
    s.same(
        "first_last",
        [] {
            return json::array({conf::pk_of(Italian::objects().order_by("name").first()),
                                conf::pk_of(Restaurant::objects().order_by("address").last()),
                                conf::pk_of(Bar::objects().first())});
        },
        "[Italian.objects.order_by('name').first(), Restaurant.objects.order_by('address')"
        ".last(), Bar.objects.first()]");
    s.same(
        "in_bulk_child",
        [] {
            return conf::bulk(Restaurant::objects().in_bulk({3, 5, 1}));
        },
        "Restaurant.objects.in_bulk([3, 5, 1])");
    s.same(
        "child_pk_in",
        [] {
            return pks(
                Italian::objects().filter("pk__in", dorm::Values{1, 3, 6, 7}).order_by("pk"));
        },
        "Italian.objects.filter(pk__in=[1, 3, 6, 7]).order_by('pk')");
    s.same(
        "child_ptr_lookup",
        [] {
            return pks(
                Italian::objects().filter("restaurant_ptr__seats__isnull", false).order_by("pk"));
        },
        "Italian.objects.filter(restaurant_ptr__seats__isnull=False).order_by('pk')");
    s.same(
        "child_subquery_parent",
        [] {
            return pks(Place::objects()
                           .filter("id__in", Italian::objects().filter("stars__lt", 5).values("id"))
                           .order_by("id"));
        },
        "Place.objects.filter(id__in=Italian.objects.filter(stars__lt=5).values('id'))"
        ".order_by('id')");

    // The proxy: Place's rows, its own ordering.
    s.same(
        "proxy_ordering", [] { return pks(PlaceByName::objects().all()); },
        "PlaceByName.objects.all()");
    s.same(
        "proxy_filter_down",
        [] { return pks(PlaceByName::objects().filter("restaurant__isnull", false)); },
        "PlaceByName.objects.filter(restaurant__isnull=False)");
    s.same(
        "proxy_values",
        [] { return rows(PlaceByName::objects().filter("name__contains", "'").values("name")); },
        "PlaceByName.objects.filter(name__contains=\"'\").values('name')");
}

// --- writes: save() of each level, update() -------------------------------------------------

// Every level, every row, as each model reads it.
void checkpoint(conf::Suite& s, const std::string& id) {
    s.same(
        id + "#place", [] { return rows(Place::objects().order_by("id").values_list()); },
        "Place.objects.order_by('id').values_list()");
    s.same(
        id + "#restaurant", [] { return rows(Restaurant::objects().order_by("id").values_list()); },
        "Restaurant.objects.order_by('id').values_list()");
    s.same(
        id + "#italian", [] { return rows(Italian::objects().order_by("id").values_list()); },
        "Italian.objects.order_by('id').values_list()");
    s.same(
        id + "#bar", [] { return rows(Bar::objects().order_by("id").values_list()); },
        "Bar.objects.order_by('id').values_list()");
}

void writes(conf::Suite& s) {
    // save() of a child: a grandparent's field, a parent's and its own.
    s.step(
        "save_grandchild",
        [] {
            Italian i = Italian::objects().get("pk", 5);
            i.name = "Luigi's 🍕 100%";
            i.seats = std::nullopt;
            i.stars = 1;
            i.save();
            return conf::pk_of(i);
        },
        "i = Italian.objects.get(pk=5)\ni.name = \"Luigi's 🍕 100%\"\ni.seats = None\n"
        "i.stars = 1\ni.save()",
        "i.pk");
    s.step(
        "save_child_parent_field_only",
        [] {
            Restaurant r = Restaurant::objects().get("name", "Café_ü");
            r.address = "3 Rue \\ \"x\"";
            r.save();
            return conf::pk_of(r);
        },
        "r = Restaurant.objects.get(name='Café_ü')\nr.address = '3 Rue \\\\ \"x\"'\nr.save()",
        "r.pk");
    s.step(
        "save_parent_of_child",
        [] {
            Place p = Place::objects().get("pk", 6);
            p.name = "Mario's 200%";
            p.save();
            return conf::pk_of(p);
        },
        "p = Place.objects.get(pk=6)\np.name = \"Mario's 200%\"\np.save()", "p.pk");
    s.step(
        "create_grandchild",
        [] {
            Italian i;
            i.name = "Nuovo_%\\'";
            i.address = "10 Ü";
            i.serves_pizza = true;
            i.seats = 7;
            i.stars = 3;
            i.save();
            return conf::pk_of(i);
        },
        "i = Italian(name='Nuovo_%\\\\\\'', address='10 Ü', serves_pizza=True, seats=7, "
        "stars=3)\ni.save()",
        "i.pk");
    s.step(
        "create_child_through_manager",
        [] {
            return conf::pk_of(Bar::objects().create(
                {{"name", "Bar ß"}, {"address", "11 Quay"}, {"open_late", true}}));
        },
        "", "Bar.objects.create(name='Bar ß', address='11 Quay', open_late=True)");
    checkpoint(s, "after_saves");

    // update(): rows updated, as Django counts them.
    s.step(
        "update_parent_and_own",
        [] {
            return json(Italian::objects()
                            .filter("name__contains", "%")
                            .update({{"name", "renamed 'it' 100%"}, {"stars", 9}}));
        },
        "",
        "Italian.objects.filter(name__contains='%').update(name=\"renamed 'it' 100%\", "
        "stars=9)");
    s.step(
        "update_three_levels",
        [] {
            return json(Italian::objects()
                            .filter("stars__gte", 5)
                            .update({{"address", "Via _\\"},
                                     {"serves_pizza", true},
                                     {"seats", nullptr},
                                     {"stars", 6}}));
        },
        "",
        "Italian.objects.filter(stars__gte=5).update(address='Via _\\\\', serves_pizza=True, "
        "seats=None, stars=6)");
    s.step(
        "update_parent_field_only",
        [] {
            return json(Restaurant::objects()
                            .filter("italian__isnull", true)
                            .update({{"address", "non-italian ünï"}}));
        },
        "", "Restaurant.objects.filter(italian__isnull=True).update(address='non-italian ünï')");
    s.step(
        "update_own_field_only",
        [] {
            return json(
                Restaurant::objects().filter("name__startswith", "J").update({{"seats", 41}}));
        },
        "", "Restaurant.objects.filter(name__startswith='J').update(seats=41)");
    s.step(
        "update_no_match_parent_field",
        [] {
            return json(Italian::objects().filter("stars", 99).update({{"name", "none"}}));
        },
        "", "Italian.objects.filter(stars=99).update(name='none')");
    s.step(
        "update_no_match_both",
        [] {
            return json(
                Italian::objects().filter("stars", 99).update({{"name", "none"}, {"stars", 0}}));
        },
        "", "Italian.objects.filter(stars=99).update(name='none', stars=0)");
    s.step(
        "update_parent_from_child_filter",
        [] {
            return json(Place::objects()
                            .filter("restaurant__italian__stars", 6)
                            .update({{"name", "six stars"}}));
        },
        "", "Place.objects.filter(restaurant__italian__stars=6).update(name='six stars')");
    checkpoint(s, "after_updates");

    // A proxy writes Place's table.
    s.step(
        "proxy_save",
        [] {
            PlaceByName p = PlaceByName::objects().get("pk", 1);
            p.address = "proxied 'addr' %";
            p.save();
            return conf::pk_of(p);
        },
        "p = PlaceByName.objects.get(pk=1)\np.address = \"proxied 'addr' %\"\np.save()", "p.pk");
    s.step(
        "proxy_update",
        [] {
            return json(PlaceByName::objects()
                            .filter("restaurant__isnull", false)
                            .update({{"address", "via proxy"}}));
        },
        "", "PlaceByName.objects.filter(restaurant__isnull=False).update(address='via proxy')");
    checkpoint(s, "after_proxy");
}

// --- deletes --------------------------------------------------------------------------------

using conf::delete_json;
using conf::strip_label;

class DeleteRunner {
public:
    DeleteRunner() : seed_(dorm_seeded_file(dir_, "seed.sqlite3")), seed_dump_(dump_all(seed_)) {}

    std::size_t cases() const { return cases_; }

    // Deletes on a fresh copy of the seed with dorm, on another with Django, and compares the
    // counts and every table. Returns dorm's counts. A documented difference in the counts
    // (docs/django-differences.md): dorm must give `documented`, Django `django_actual`;
    // the tables must still be the same.
    json run(const std::string& name, const std::function<dorm::DeleteResult()>& fn,
             const std::string& python, const json& documented = nullptr,
             const json& django_actual = nullptr) {
        ++cases_;
        const std::string stem = std::to_string(cases_) + "_" + name;
        const std::string mine_path = dir_.file(stem + "_dorm.sqlite3");
        const std::string theirs_path = dir_.file(stem + "_django.sqlite3");
        std::filesystem::copy_file(seed_, mine_path);
        std::filesystem::copy_file(seed_, theirs_path);
        json mine;
        {
            dorm::Database db(mine_path);
            dorm::set_default_database(db);
            struct Unset {
                ~Unset() { dorm::detail::default_database_slot() = nullptr; }
            } unset;
            try {
                mine = delete_json(fn());
            } catch (const dorm::Error& e) {
                mine = conf::error_json(e);
            }
        }
        auto oracle = make_oracle();
        oracle.query(name, python);
        const dorm_test::OracleResult res = oracle.run(theirs_path, /*dump=*/true);
        const json theirs = strip_label(res.result(name));
        INFO("case " << name << "\n  django: " << python << "\n  dorm result:   " << mine.dump()
                     << "\n  django result: " << theirs.dump()
                     << "\n  django SQL: " << res.sql(name));
        CHECK_FALSE(conf::is_error(mine));
        CHECK_FALSE(conf::is_error(theirs));
        if (documented.is_null()) {
            CHECK(dorm_test::json_close(mine, theirs));
        } else {
            INFO("documented (dorm must give): "
                 << documented.dump() << "\n  django on SQLite expected: " << django_actual.dump());
            CHECK(mine == documented);
            CHECK(theirs == django_actual);
        }
        const json django_dump = res.dump();
        bool changed = false;
        for (const auto& [table, pk] : tables()) {
            const json m = conf::dump_table(mine_path, table, pk);
            const json t = django_dump.value(table, json());
            INFO("table " << table << "\n  dorm:   " << m.dump() << "\n  django: " << t.dump());
            CHECK(dorm_test::json_close(m, t));
            changed = changed || m != seed_dump_.at(table);
        }
        CHECK(changed); // a delete that deletes nothing proves nothing
        return mine;
    }

private:
    conf::TempDir dir_;
    std::string seed_;
    json seed_dump_;
    std::size_t cases_ = 0;
};

template <class T>
T get(std::int64_t pk) {
    return T::objects().get("pk", pk);
}

std::string table_of(const std::string& create) {
    const auto start = create.find('"') + 1;
    return create.substr(start, create.find('"', start) - start);
}

// The rows of a query, each column as text ("" for NULL).
Strings query_strings(dorm::Database& db, const std::string& sql, dorm::Values params = {}) {
    Strings out;
    dorm::sql::Cursor c(db, sql, std::move(params));
    while (c.next()) {
        std::string row;
        for (int i = 0; i < c.stmt().column_count(); ++i)
            row += (i ? "|" : "") +
                   (c.stmt().column(i).is_null() ? std::string() : c.stmt().column(i).repr());
        out.push_back(std::move(row));
    }
    return out;
}

} // namespace

TEST_CASE("inheritance: the twins are valid Django models", "[conformance][django][inheritance]") {
    conf::TempDir dir;
    auto oracle = make_oracle();
    oracle.query("checks", "[str(e) for m in [Place, Restaurant, Italian, Bar, PlaceByName] for "
                           "e in m.check()]");
    oracle.query("fields", "[[f.name for f in m._meta.get_fields() if f.concrete] for m in "
                           "[Place, Restaurant, Italian, Bar, PlaceByName]]");
    oracle.query("pks",
                 "[m._meta.pk.name for m in [Place, Restaurant, Italian, Bar, PlaceByName]]");
    oracle.query("proxy", "[PlaceByName._meta.proxy, PlaceByName._meta.db_table]");
    const auto res = oracle.run(dir.file("empty.sqlite3"));
    CHECK(res.result("checks") == json::array());
    // Django's fields, in dorm's order (a parent's first, then the pointer, then its own).
    json dorm_fields = json::array();
    json dorm_pks = json::array();
    for (const dorm::ModelMeta* m : {&Place::meta(), &Restaurant::meta(), &Italian::meta(),
                                     &Bar::meta(), &PlaceByName::meta()}) {
        json names = json::array();
        for (const auto& f : m->fields)
            names.push_back(f.name);
        dorm_fields.push_back(names);
        dorm_pks.push_back(m->pk().name);
    }
    CHECK(res.result("fields") == dorm_fields);
    CHECK(res.result("pks") == dorm_pks);
    CHECK(res.result("proxy") == json::array({true, PlaceByName::meta().table}));
}

TEST_CASE("inheritance: the tables are Django's", "[conformance][django][inheritance]") {
    conf::TempDir dir;
    // The CREATE TABLE text Django's schema editor writes for the twins.
    auto oracle = make_oracle();
    std::map<std::string, std::string> django;
    Strings django_other;
    for (const auto& sql : conf::django_ddl(oracle, dir)) {
        if (sql.rfind("CREATE TABLE", 0) == 0)
            django[table_of(sql)] = sql;
        else
            django_other.push_back(sql);
    }
    const std::string dorm_path = dir.file("dorm.sqlite3");
    dorm::Database db(dorm_path);
    create_tables(db);
    std::map<std::string, std::string> mine;
    {
        dorm::sql::Cursor c(db,
                            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name "
                            "NOT LIKE 'sqlite%'",
                            {});
        while (c.next())
            mine[std::string(c.stmt().text(0))] = std::string(c.stmt().text(1));
    }
    CHECK(mine.size() == 4);
    CHECK(django.size() == 4);
    for (const auto& [table, pk] : tables()) {
        INFO("table " << table << "\n  django: " << django[table] << "\n  dorm:   " << mine[table]);
        CHECK(mine[table] == django[table]);
    }
    // No index either side (each pointer is the primary key).
    CHECK(django_other == Strings{});
    CHECK(query_strings(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT "
                            "LIKE 'sqlite%'") == Strings{});

    // The tables Django creates: the same columns and foreign keys as dorm's.
    auto creator = make_oracle();
    creator.create_tables();
    const std::string django_path = dir.file("django.sqlite3");
    const auto created = creator.run(django_path);
    REQUIRE_FALSE(created.raw().contains("schema_error"));
    dorm::Database theirs(django_path);
    for (const auto& [table, pk] : tables()) {
        const std::string info =
            "SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?)";
        const std::string fks = "SELECT id, seq, \"table\", \"from\", \"to\", on_update, "
                                "on_delete, match FROM pragma_foreign_key_list(?)";
        INFO("table " << table);
        CHECK(query_strings(db, info, {table}) == query_strings(theirs, info, {table}));
        CHECK(query_strings(db, fks, {table}) == query_strings(theirs, fks, {table}));
        CHECK(query_strings(theirs, info, {table}).size() >= 2);
    }
    CHECK(query_strings(theirs, "SELECT \"table\", \"to\" FROM pragma_foreign_key_list(?)",
                        {std::string("di_italian")}) == Strings{"'di_restaurant'|'place_ptr_id'"});
}

TEST_CASE("inheritance: the rows dorm saves are the rows Django saves",
          "[conformance][django][inheritance]") {
    conf::TempDir dir;
    const std::string by_dorm = dorm_seeded_file(dir, "by_dorm.sqlite3");
    const std::string by_django = django_seeded_file(dir, "by_django.sqlite3");
    const json mine = dump_all(by_dorm);
    const json theirs = dump_all(by_django);
    for (const auto& [table, pk] : tables()) {
        INFO("table " << table << "\n  dorm:   " << mine[table].dump()
                      << "\n  django: " << theirs[table].dump());
        CHECK(dorm_test::json_close(mine[table], theirs[table]));
    }
    CHECK(mine["di_place"].size() == seeds().size());
    CHECK(mine["di_restaurant"].size() == 5);
    CHECK(mine["di_italian"].size() == 3);
    CHECK(mine["di_bar"].size() == 2);
}

TEST_CASE("inheritance: Django reads what dorm saved and dorm reads what Django saved",
          "[conformance][django][inheritance]") {
    conf::TempDir dir;
    std::size_t cases = 0;
    for (const bool django_saved : {false, true}) {
        INFO((django_saved ? "rows saved by Django" : "rows saved by dorm"));
        const std::string path = django_saved ? django_seeded_file(dir, "by_django.sqlite3")
                                              : dorm_seeded_file(dir, "by_dorm.sqlite3");
        auto oracle = make_oracle();
        dorm::Database db(path);
        dorm::set_default_database(db);
        conf::Suite s(db);
        reads(s);
        s.run(oracle, path);
        cases += s.size();
        dorm::detail::default_database_slot() = nullptr;
    }
    WARN(cases << " inheritance reads compared with Django");
}

TEST_CASE("inheritance: save() and update() of each level agree with Django",
          "[conformance][django][inheritance]") {
    conf::TempDir dir;
    const std::string seed = dorm_seeded_file(dir, "seed.sqlite3");
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    std::filesystem::copy_file(seed, dorm_path);
    std::filesystem::copy_file(seed, django_path);
    auto oracle = make_oracle();
    dorm_test::OracleResult django;
    std::size_t cases = 0;
    {
        dorm::Database db(dorm_path);
        dorm::set_default_database(db);
        conf::Suite s(db);
        writes(s);
        django = s.run(oracle, django_path, /*dump=*/true);
        cases = s.size();
        dorm::detail::default_database_slot() = nullptr;
    }
    for (const auto& [table, pk] : tables()) {
        const json mine = conf::dump_table(dorm_path, table, pk);
        const json theirs = django.dump(table);
        INFO("table " << table << "\n  dorm:   " << mine.dump() << "\n  django: " << theirs.dump());
        CHECK(dorm_test::json_close(mine, theirs));
    }
    WARN(cases << " inheritance write steps compared with Django");
}

TEST_CASE("inheritance: deletes in both directions agree with Django",
          "[conformance][django][inheritance]") {
    DeleteRunner r;
    // A child: its parents' rows go too.
    const json one = r.run(
        "italian_instance", [] { return get<Italian>(5).delete_(); },
        "Italian.objects.get(pk=5).delete()");
    CHECK(one == json::array({3, {{"Italian", 1}, {"Restaurant", 1}, {"Place", 1}}}));
    r.run(
        "italian_queryset",
        [] { return Italian::objects().filter("name__contains", "100%").delete_(); },
        "Italian.objects.filter(name__contains='100%').delete()");
    r.run(
        "italians_all", [] { return Italian::objects().all().delete_(); },
        "Italian.objects.all().delete()");
    r.run(
        "restaurant_instance_plain", [] { return get<Restaurant>(3).delete_(); },
        "Restaurant.objects.get(pk=3).delete()");
    // A middle level whose row is also an Italian: the Italian row goes, and the Place row.
    r.run(
        "restaurant_instance_of_italian", [] { return get<Restaurant>(7).delete_(); },
        "Restaurant.objects.get(pk=7).delete()");
    r.run(
        "restaurants_queryset",
        [] { return Restaurant::objects().filter("name__endswith", "'s").delete_(); },
        "Restaurant.objects.filter(name__endswith=\"'s\").delete()");
    r.run(
        "bar_queryset",
        [] {
            return Bar::objects()
                .filter(Q("name__contains", "\"") | ~Q("open_late", false))
                .delete_();
        },
        "Bar.objects.filter(Q(name__contains='\"') | ~Q(open_late=False)).delete()");
    // A parent: its children's rows go, at every level.
    r.run(
        "place_instance_of_italian", [] { return get<Place>(6).delete_(); },
        "Place.objects.get(pk=6).delete()");
    r.run(
        "place_instance_plain", [] { return get<Place>(2).delete_(); },
        "Place.objects.get(pk=2).delete()");
    r.run(
        "places_queryset", [] { return Place::objects().filter("name__contains", "'").delete_(); },
        "Place.objects.filter(name__contains=\"'\").delete()");
    r.run(
        "places_by_child",
        [] { return Place::objects().filter("restaurant__italian__stars__gte", 4).delete_(); },
        "Place.objects.filter(restaurant__italian__stars__gte=4).delete()");
    r.run(
        "places_all", [] { return Place::objects().all().delete_(); },
        "Place.objects.all().delete()");
    // Through a proxy: the same rows go. dorm counts them by the model whose table holds
    // them; Django counts the rows it collected from the proxy as the proxy's (a departure).
    r.run(
        "proxy_instance_of_bar", [] { return get<PlaceByName>(8).delete_(); },
        "PlaceByName.objects.get(pk=8).delete()", json::array({2, {{"Bar", 1}, {"Place", 1}}}),
        json::array({2, {{"Bar", 1}, {"PlaceByName", 1}}}));
    // Django's split between Place and PlaceByName is the order of its DELETEs: Italian 6's
    // parent row, collected as a Place, goes first, and the proxy's DELETE of 8 and 6 then
    // counts one row.
    r.run(
        "proxy_queryset",
        [] { return PlaceByName::objects().filter("name__startswith", "M").delete_(); },
        "PlaceByName.objects.filter(name__startswith='M').delete()",
        json::array({5, {{"Bar", 1}, {"Italian", 1}, {"Place", 2}, {"Restaurant", 1}}}),
        json::array(
            {5,
             {{"Bar", 1}, {"Italian", 1}, {"Place", 1}, {"PlaceByName", 1}, {"Restaurant", 1}}}));
    r.run(
        "proxy_plain_place", [] { return get<PlaceByName>(1).delete_(); },
        "PlaceByName.objects.get(pk=1).delete()", json::array({1, {{"Place", 1}}}),
        json::array({1, {{"PlaceByName", 1}}}));
    WARN(r.cases() << " inheritance deletes compared with Django");
}
