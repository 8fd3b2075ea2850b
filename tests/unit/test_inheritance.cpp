// Model inheritance as Django's: multi-table (a child's own table, keyed by the OneToOne
// "<parent>_ptr"), abstract bases (plain structs) and proxies (the parent's table). The SQL
// is asserted exactly; what Django itself makes of the same models is in
// tests/conformance/django_inheritance.cpp.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace {

using Strings = std::vector<std::string>;

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    std::string name;
    std::string address;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("place");
        m.field("id", &Place::id, dorm::auto_pk);
        m.field("name", &Place::name, dorm::max_length(50));
        m.field("address", &Place::address, dorm::max_length(80));
    }
};

struct Restaurant : dorm::Extends<Restaurant, Place> {
    bool serves_pizza = false;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("restaurant");
        m.field("serves_pizza", &Restaurant::serves_pizza);
    }
};

struct Italian : dorm::Extends<Italian, Restaurant> {
    std::int32_t stars = 0;
    static void define(dorm::ModelDef<Italian>& m) {
        m.table("italian");
        m.field("stars", &Italian::stars);
    }
};

// A relation to a child model.
struct Review : dorm::Model<Review> {
    std::int64_t id = 0;
    dorm::ForeignKey<Restaurant> restaurant;
    std::string text;
    static void define(dorm::ModelDef<Review>& m) {
        m.table("review");
        m.field("id", &Review::id, dorm::auto_pk);
        m.field("restaurant", &Review::restaurant);
        m.field("text", &Review::text);
    }
};

// A proxy: Place's table, ordered by name.
struct PlaceByName : dorm::ProxyOf<PlaceByName, Place> {
    static void define(dorm::ModelDef<PlaceByName>& m) { m.ordering({"name"}); }
};

// An abstract base: a plain struct; each model declares its fields through it.
struct CommonInfo {
    std::string label;
    std::int32_t age = 0;
    template <class T>
    static void define_common(dorm::ModelDef<T>& m) {
        m.field("label", &CommonInfo::label, dorm::max_length(40));
        m.field("age", &CommonInfo::age);
        m.ordering({"label"});
    }
};

struct Student : dorm::Model<Student>, CommonInfo {
    std::int64_t id = 0;
    std::string home_group;
    static void define(dorm::ModelDef<Student>& m) {
        m.table("student");
        m.field("id", &Student::id, dorm::auto_pk);
        define_common(m);
        m.field("home_group", &Student::home_group, dorm::max_length(5));
    }
};

struct Fixture {
    dorm::Database db{":memory:"};
    std::vector<std::string> log;
    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<Place, Restaurant, Italian, Student, Review>(db);
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
    void start_log() {
        log.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) { log.emplace_back(q.sql); });
    }
    Strings tables() {
        Strings out;
        dorm::sql::Cursor cur(db,
                              "SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN "
                              "('place', 'restaurant', 'italian') ORDER BY name",
                              {});
        while (cur.next())
            out.emplace_back(cur.stmt().text(0));
        return out;
    }
};

Italian make_italian(const std::string& name, int stars) {
    Italian i;
    i.name = name;
    i.address = "1 Main St";
    i.serves_pizza = true;
    i.stars = stars;
    i.save();
    return i;
}

} // namespace

TEST_CASE("inheritance: a child's table holds its own fields and the pointer to its parent",
          "[inheritance]") {
    Fixture fx;
    CHECK(fx.tables() ==
          Strings{"CREATE TABLE \"italian\" (\"restaurant_ptr_id\" integer NOT NULL PRIMARY KEY "
                  "REFERENCES \"restaurant\" (\"place_ptr_id\") DEFERRABLE INITIALLY DEFERRED, "
                  "\"stars\" integer NOT NULL)",
                  "CREATE TABLE \"place\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
                  "\"name\" varchar(50) NOT NULL, \"address\" varchar(80) NOT NULL)",
                  "CREATE TABLE \"restaurant\" (\"place_ptr_id\" integer NOT NULL PRIMARY KEY "
                  "REFERENCES \"place\" (\"id\") DEFERRABLE INITIALLY DEFERRED, "
                  "\"serves_pizza\" bool NOT NULL)"});
    const auto& m = Italian::meta();
    Strings names;
    for (const auto& f : m.fields)
        names.push_back(f.name);
    CHECK(names ==
          Strings{"id", "name", "address", "place_ptr", "serves_pizza", "restaurant_ptr", "stars"});
    CHECK(m.pk().name == "restaurant_ptr");
}

TEST_CASE("inheritance: save() writes every table in one transaction, parents first",
          "[inheritance]") {
    Fixture fx;
    fx.start_log();
    Italian i = make_italian("Luigi's", 4);
    CHECK(i.id == 1);
    CHECK(i.pk() == dorm::Value(std::int64_t{1}));
    CHECK(fx.log ==
          Strings{"BEGIN IMMEDIATE", "INSERT INTO \"place\" (\"name\", \"address\") VALUES (?, ?)",
                  "INSERT INTO \"restaurant\" (\"place_ptr_id\", \"serves_pizza\") "
                  "VALUES (?, ?)",
                  "INSERT INTO \"italian\" (\"restaurant_ptr_id\", \"stars\") VALUES (?, ?)",
                  "COMMIT"});
    // Saved again: an UPDATE of each table.
    i.stars = 5;
    i.name = "Luigi's Trattoria";
    fx.start_log();
    i.save();
    CHECK(fx.log ==
          Strings{"BEGIN IMMEDIATE",
                  "UPDATE \"place\" SET \"name\" = ?, \"address\" = ? WHERE \"id\" = ?",
                  "UPDATE \"restaurant\" SET \"serves_pizza\" = ? WHERE \"place_ptr_id\" = ?",
                  "UPDATE \"italian\" SET \"stars\" = ? WHERE \"restaurant_ptr_id\" = ?",
                  "COMMIT"});
    const Place p = Place::objects().get("pk", 1);
    CHECK(p.name == "Luigi's Trattoria");
}

TEST_CASE("inheritance: a child's query joins its parents and filters on their fields",
          "[inheritance]") {
    Fixture fx;
    make_italian("Luigi's", 4);
    make_italian("Mario's", 2);
    Place plain;
    plain.name = "Town hall";
    plain.save();
    const auto qs = Italian::objects().filter("name__endswith", "'s").filter("stars__gte", 3);
    CHECK(qs.sql().text ==
          "SELECT \"place\".\"id\", \"place\".\"name\", \"place\".\"address\", "
          "\"restaurant\".\"place_ptr_id\", \"restaurant\".\"serves_pizza\", "
          "\"italian\".\"restaurant_ptr_id\", \"italian\".\"stars\" FROM \"italian\" "
          "INNER JOIN \"restaurant\" ON (\"italian\".\"restaurant_ptr_id\" = "
          "\"restaurant\".\"place_ptr_id\") INNER JOIN \"place\" ON "
          "(\"restaurant\".\"place_ptr_id\" = \"place\".\"id\") WHERE "
          "(\"place\".\"name\" GLOB ? AND \"italian\".\"stars\" >= ?)");
    REQUIRE(qs.size() == 1);
    CHECK(qs[0].name == "Luigi's");
    CHECK(qs[0].address == "1 Main St");
    CHECK(qs[0].serves_pizza);
    CHECK(qs[0].id == 1);
    CHECK(Restaurant::objects().count() == 2);
    CHECK(Place::objects().count() == 3);
    // The parent reaches the child (Django's place.restaurant), and filters through it.
    CHECK(Place::objects().filter("restaurant__italian__stars", 2).get().name == "Mario's");
    const Place luigi = Place::objects().get("name", "Luigi's");
    CHECK(luigi.child<Italian>().stars == 4);
    CHECK_THROWS_AS(plain.child<Restaurant>(), Restaurant::DoesNotExist);
    CHECK_THROWS_AS(plain.child<Restaurant>(), Place::DoesNotExist);
    // values() and order_by() on a parent's field.
    Strings names;
    for (const auto& row : Italian::objects().order_by("-name").values_list("name"))
        names.push_back(row[0].as_text());
    CHECK(names == Strings{"Mario's", "Luigi's"});
}

TEST_CASE("inheritance: relations to a child read its parents' fields, and a parent's reverse "
          "relations serve the child",
          "[inheritance]") {
    Fixture fx;
    const Italian luigi = make_italian("Luigi's", 4);
    Review r;
    r.restaurant = Restaurant::objects().get("pk", luigi.id);
    r.text = "great";
    r.save();
    const auto qs = Review::objects().select_related("restaurant");
    CHECK(qs.sql().text ==
          "SELECT \"review\".\"id\", \"review\".\"restaurant_id\", \"review\".\"text\", "
          "\"place\".\"id\", \"place\".\"name\", \"place\".\"address\", "
          "\"restaurant\".\"place_ptr_id\", \"restaurant\".\"serves_pizza\" FROM \"review\" "
          "INNER JOIN \"restaurant\" ON (\"review\".\"restaurant_id\" = "
          "\"restaurant\".\"place_ptr_id\") INNER JOIN \"place\" ON "
          "(\"restaurant\".\"place_ptr_id\" = \"place\".\"id\")");
    fx.start_log();
    const Review loaded = qs.get();
    CHECK(loaded.restaurant->name == "Luigi's");
    CHECK(loaded.restaurant->serves_pizza);
    CHECK(fx.log.size() == 1);
    // Review's reverse relation is Restaurant's; Italian, which extends it, has it too.
    CHECK(Italian::objects().filter("review__text", "great").count() == 1);
    CHECK(Review::objects().filter("restaurant__name", "Luigi's").count() == 1);
    CHECK(Review::objects().filter("restaurant__italian__stars", 4).count() == 1);
}

TEST_CASE("inheritance: deleting a child deletes its parents' rows, and deleting a parent its "
          "children's",
          "[inheritance]") {
    Fixture fx;
    Italian luigi = make_italian("Luigi's", 4);
    Italian mario = make_italian("Mario's", 2);
    const dorm::DeleteResult r = luigi.delete_();
    CHECK(r.total == 3);
    const std::map<std::string, std::int64_t> per_model(r.per_model.begin(), r.per_model.end());
    CHECK(per_model ==
          std::map<std::string, std::int64_t>{{"Italian", 1}, {"Restaurant", 1}, {"Place", 1}});
    CHECK(Place::objects().count() == 1);
    CHECK(luigi.id == 0);
    Place::objects().filter("name", "Mario's").delete_();
    CHECK(Italian::objects().count() == 0);
    CHECK(Restaurant::objects().count() == 0);
    CHECK(Place::objects().count() == 0);
}

TEST_CASE("inheritance: update() writes each table that holds one of the fields", "[inheritance]") {
    Fixture fx;
    make_italian("Luigi's", 4);
    make_italian("Mario's", 2);
    fx.start_log();
    CHECK(Italian::objects().filter("stars", 2).update({{"name", "Mario"}, {"stars", 3}}) == 1);
    CHECK(fx.log.size() == 5); // BEGIN, the keys, two UPDATEs, COMMIT
    CHECK(Italian::objects().get("name", "Mario").stars == 3);
    CHECK(Place::objects().filter("name", "Luigi's").exists());
    // Only a parent's field: the parent table's count (as Django's, whose own UPDATE is
    // empty then).
    CHECK(Italian::objects().filter("stars", 3).update({{"address", "2 Main St"}}) == 1);
    CHECK(Place::objects().get("name", "Mario").address == "2 Main St");
    CHECK(Restaurant::objects().update({{"address", "3 Main St"}}) == 2);
}

TEST_CASE("inheritance: a proxy shares its parent's table with its own ordering", "[inheritance]") {
    Fixture fx;
    for (const char* n : {"b", "c", "a"}) {
        Place p;
        p.name = n;
        p.save();
    }
    Strings names;
    for (const auto& p : PlaceByName::objects())
        names.push_back(p.name);
    CHECK(names == Strings{"a", "b", "c"});
    PlaceByName first = PlaceByName::objects().first().value();
    first.address = "here";
    first.save();
    CHECK(Place::objects().get("name", "a").address == "here");
    first.delete_();
    CHECK(Place::objects().count() == 2);
}

TEST_CASE("inheritance: an abstract base's fields and options belong to each model",
          "[inheritance]") {
    Fixture fx;
    Student s;
    s.label = "Zoe";
    s.age = 12;
    s.home_group = "7B";
    s.save();
    Student t;
    t.label = "Adam";
    t.save();
    CHECK(Student::objects().first()->label == "Adam"); // ordering from the base
    CHECK(Student::objects().get("age", 12).home_group == "7B");
}

TEST_CASE("inheritance: wrong declarations say what is wrong", "[inheritance]") {
    struct Twice : dorm::Extends<Twice, Place> {
        std::string extra;
        static void define(dorm::ModelDef<Twice>& m) { m.field("name", &Twice::extra); }
    };
    CHECK_THROWS_WITH(Twice::meta(), "model Twice: field 'name' clashes with the field of the "
                                     "same name from Place");
    struct Link : dorm::Extends<Link, Place> {
        std::string extra;
        static void define(dorm::ModelDef<Link>& m) { m.field("place_ptr", &Link::extra); }
    };
    CHECK_THROWS_WITH(Link::meta(), "model Link: field 'place_ptr' clashes with the link to the "
                                    "parent Place (place_ptr, the primary key)");
    struct Mapped : dorm::ProxyOf<Mapped, Place> {
        static void define(dorm::ModelDef<Mapped>& m) { m.remote("PlaceSet"); }
    };
    CHECK_THROWS_WITH(Mapped::meta(),
                      "model Mapped: a proxy model cannot be mapped to the remote (map Place)");
    struct Keyed : dorm::Extends<Keyed, Place> {
        std::int64_t own_id = 0;
        static void define(dorm::ModelDef<Keyed>& m) {
            m.field("own_id", &Keyed::own_id, dorm::auto_pk);
        }
    };
    CHECK_THROWS_WITH(Keyed::meta(), "model Keyed: declares a primary key; a model that extends "
                                     "Place has place_ptr as its key");
    struct Step : dorm::Extends<Step, Place> {
        static void define(dorm::ModelDef<Step>& m) { m.specialization("step"); }
    };
    CHECK_THROWS_WITH(Step::meta(), Catch::Contains("applies only to a model that extends a "
                                                    "dorm::General model"));
}

TEST_CASE("inheritance: update() of a parent's fields counts the rows, and expressions read the "
          "updated table only",
          "[inheritance]") {
    Fixture fx;
    make_italian("Luigi's", 4);
    make_italian("Mario's", 2);
    CHECK(Italian::objects().update({{"address", "2 High St"}}) == 2);
    CHECK(Place::objects().filter("address", "2 High St").count() == 2);
    // A parent's key is the row's own key; another table's field is refused, as Django.
    CHECK(Italian::objects().update({{"stars", dorm::F("id")}}) == 2);
    CHECK(Italian::objects().get("name", "Mario's").stars == 2);
    CHECK_THROWS_WITH(Italian::objects().update({{"stars", dorm::F("serves_pizza")}}),
                      Catch::StartsWith("Joined field references are not permitted in this "
                                        "query: 'serves_pizza'"));
    // A child instance stands for its key where the parent's is wanted.
    const Italian luigi = Italian::objects().get("name", "Luigi's");
    Review r;
    r.restaurant = Restaurant::objects().get("pk", luigi.id);
    r.save();
    CHECK(Review::objects().filter("restaurant", luigi).count() == 1);
    CHECK(luigi.related<Review>("review_set").count() == 1);
}

TEST_CASE("inheritance: a child's update_fields of a parent's field writes the parent's table "
          "alone",
          "[inheritance]") {
    Fixture fx;
    Italian i = make_italian("Luigi's", 4);
    i.name = "Luigi";
    i.stars = 1;
    fx.start_log();
    dorm::SaveOptions o;
    o.update_fields = {"name"};
    i.save(o);
    CHECK(fx.log == Strings{"BEGIN IMMEDIATE", "UPDATE \"place\" SET \"name\" = ? WHERE \"id\" = ?",
                            "COMMIT"});
    CHECK(Italian::objects().get("pk", i.id).stars == 4);
}
