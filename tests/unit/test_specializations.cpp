// Specializations (djeneralize's documented examples): WritingImplement::specializations()
// yields each row as its most specialized object, in one query for the general rows and one
// per specialized type among them (counted with the query log).
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

namespace {

using Strings = std::vector<std::string>;

struct WritingImplement : dorm::General<WritingImplement> {
    std::int64_t id = 0;
    std::string name;
    std::int32_t length = 0;
    static void define(dorm::ModelDef<WritingImplement>& m) {
        m.table("writing_writingimplement");
        m.field("id", &WritingImplement::id, dorm::auto_pk);
        m.field("name", &WritingImplement::name, dorm::max_length(30));
        m.field("length", &WritingImplement::length);
    }
};

struct Pencil : dorm::Extends<Pencil, WritingImplement> {
    std::string lead; // HB, B2, H5
    static void define(dorm::ModelDef<Pencil>& m) {
        m.table("writing_pencil").specialization("pencil");
        m.field("lead", &Pencil::lead, dorm::max_length(2));
    }
};

struct Pen : dorm::Extends<Pen, WritingImplement> {
    std::string ink_colour;
    static void define(dorm::ModelDef<Pen>& m) {
        m.table("writing_pen").specialization("pen");
        m.field("ink_colour", &Pen::ink_colour, dorm::max_length(30));
    }
};

struct FountainPen : dorm::Extends<FountainPen, Pen> {
    double nib_width = 0;
    static void define(dorm::ModelDef<FountainPen>& m) {
        m.table("writing_fountainpen").specialization("fountain_pen");
        m.field("nib_width", &FountainPen::nib_width);
    }
};

struct BallPointPen : dorm::Extends<BallPointPen, Pen> {
    bool replaceable_insert = false;
    static void define(dorm::ModelDef<BallPointPen>& m) {
        m.table("writing_ballpointpen").specialization("ballpoint_pen");
        m.field("replaceable_insert", &BallPointPen::replaceable_insert);
    }
};

// "<FountainPen: Fountain pen>", as djeneralize's docs print the objects.
std::string repr(const WritingImplement& w) {
    return dorm::visit_as<FountainPen, BallPointPen, Pen, Pencil>(
        w, [](const auto& o) { return std::decay_t<decltype(o)>::meta().name + ": " + o.name; });
}

template <class Range>
Strings reprs(const Range& objects) {
    Strings out;
    for (const auto& o : objects)
        out.push_back(repr(*o));
    return out;
}

struct Fixture {
    dorm::Database db{":memory:"};
    std::vector<std::string> log;
    Fixture() {
        dorm::set_default_database(db);
        dorm::create_tables<WritingImplement, Pencil, Pen, FountainPen, BallPointPen>(db);
        FountainPen f;
        f.name = "Fountain pen";
        f.length = 14;
        f.ink_colour = "Black";
        f.nib_width = 1.25;
        f.save();
        Pen p;
        p.name = "General pen";
        p.length = 15;
        p.ink_colour = "Blue";
        p.save();
        BallPointPen b;
        b.name = "Ballpoint pen";
        b.length = 9;
        b.ink_colour = "Green";
        b.replaceable_insert = true;
        b.save();
        Pencil c;
        c.name = "Pencil";
        c.length = 12;
        c.lead = "H5";
        c.save();
    }
    ~Fixture() { dorm::detail::default_database_slot() = nullptr; }
    Fixture(const Fixture&) = delete;
    Fixture& operator=(const Fixture&) = delete;
    void start_log() {
        log.clear();
        db.set_query_log([this](const dorm::LoggedQuery& q) { log.emplace_back(q.sql); });
    }
};

} // namespace

TEST_CASE("specializations: all() yields each row as its most specialized object",
          "[specializations]") {
    Fixture fx;
    fx.start_log();
    const auto qs = WritingImplement::specializations().all();
    CHECK(fx.log.empty()); // lazy
    CHECK(reprs(qs) == Strings{"FountainPen: Fountain pen", "Pen: General pen",
                               "BallPointPen: Ballpoint pen", "Pencil: Pencil"});
    // One query for the general rows, one per specialized type present.
    CHECK(fx.log.size() == 5);
    CHECK(reprs(qs).size() == 4);
    CHECK(fx.log.size() == 5); // cached
    // The objects are of their own types, with every level's fields.
    auto fountain = std::dynamic_pointer_cast<FountainPen>(qs[0]);
    REQUIRE(fountain);
    CHECK(fountain->nib_width == 1.25);
    CHECK(fountain->ink_colour == "Black");
    CHECK(fountain->length == 14);
    CHECK(fountain->specialization_type == "/pen/fountain_pen/");
    CHECK(typeid(*qs[3]) == typeid(Pencil));
    CHECK(std::dynamic_pointer_cast<Pencil>(qs[3])->lead == "H5");
}

TEST_CASE("specializations: filters chain and stay specialized and take the general "
          "model's fields",
          "[specializations]") {
    Fixture fx;
    const auto qs1 = WritingImplement::specializations().filter("length__gte", 10);
    CHECK(reprs(qs1) == Strings{"FountainPen: Fountain pen", "Pen: General pen", "Pencil: Pencil"});
    const auto qs2 = qs1.filter("name__endswith", "pen");
    CHECK(reprs(qs2) == Strings{"FountainPen: Fountain pen", "Pen: General pen"});
    CHECK_THROWS_WITH(WritingImplement::specializations().filter("ink_colour", "Blue"),
                      Catch::Contains("Cannot resolve keyword 'ink_colour' into field of "
                                      "WritingImplement") &&
                          Catch::Contains("'ink_colour' is a field of Pen, which extends "
                                          "WritingImplement: filter Pen::objects(), or "
                                          "WritingImplement by 'pen__ink_colour'"));
    CHECK(qs2.count() == 2);
    CHECK(qs2.exists());
    CHECK(repr(**qs1.order_by("length").first()) == "Pencil: Pencil");
    CHECK(repr(**qs1.order_by("length").last()) == "Pen: General pen");
    CHECK_FALSE(qs1.filter("length", 99).first().has_value());
    CHECK(reprs(WritingImplement::specializations().filter("pen__ink_colour", "Blue")) ==
          Strings{"Pen: General pen"});
}

TEST_CASE("specializations: aggregate() is over the general rows, as T::objects()'s",
          "[specializations]") {
    Fixture fx;
    const auto qs = WritingImplement::specializations().filter("length__gte", 10);
    const auto totals = qs.aggregate(dorm::Count("id"), dorm::Max("length"));
    CHECK(totals == WritingImplement::objects()
                        .filter("length__gte", 10)
                        .aggregate(dorm::Count("id"), dorm::Max("length")));
    CHECK(totals.at("id__count") == dorm::Value(3));
}

TEST_CASE("specializations: direct() gives the type one step down, final() the last",
          "[specializations]") {
    Fixture fx;
    const auto direct = WritingImplement::specializations().direct();
    CHECK(reprs(direct) ==
          Strings{"Pen: Fountain pen", "Pen: General pen", "Pen: Ballpoint pen", "Pencil: Pencil"});
    CHECK(typeid(*direct[0]) == typeid(Pen));
    const auto final = direct.final();
    CHECK(reprs(final) == Strings{"FountainPen: Fountain pen", "Pen: General pen",
                                  "BallPointPen: Ballpoint pen", "Pencil: Pencil"});
    // Pen's own specializations: its rows, below it.
    CHECK(reprs(Pen::specializations().order_by("name")) ==
          Strings{"BallPointPen: Ballpoint pen", "FountainPen: Fountain pen", "Pen: General pen"});
}

TEST_CASE("specializations: get() takes two queries, one when the type is given",
          "[specializations]") {
    Fixture fx;
    fx.start_log();
    CHECK(repr(*WritingImplement::specializations().get("length", 9)) ==
          "BallPointPen: Ballpoint pen");
    CHECK(fx.log.size() == 2);
    fx.start_log();
    const auto pen = WritingImplement::specializations().get(
        {{"specialization_type", "/pen/ballpoint_pen/"}, {"length", 9}});
    CHECK(repr(*pen) == "BallPointPen: Ballpoint pen");
    CHECK(fx.log.size() == 1);
    CHECK_THROWS_AS(WritingImplement::specializations().get("length", 99),
                    WritingImplement::DoesNotExist);
    CHECK_THROWS_AS(WritingImplement::specializations().get("length__gte", 10),
                    WritingImplement::MultipleObjectsReturned);
    // A type that is not the row's: no such object.
    CHECK_THROWS_AS(WritingImplement::specializations().get(
                        {{"specialization_type", "/pencil/"}, {"length", 9}}),
                    WritingImplement::DoesNotExist);
}

TEST_CASE("specializations: get_as_specialization() on a general object", "[specializations]") {
    Fixture fx;
    const WritingImplement wi = WritingImplement::objects().get("name", "Fountain pen");
    CHECK(repr(*wi.get_as_specialization()) == "FountainPen: Fountain pen");
    CHECK(repr(*wi.get_as_specialization(false)) == "Pen: Fountain pen");
    CHECK(repr(*wi.get_as_specialization(true)) == "FountainPen: Fountain pen");
}

TEST_CASE("specializations: extra(select) and annotate() are carried to the specialized "
          "objects, and raw() yields them",
          "[specializations]") {
    Fixture fx;
    dorm::Extra extra;
    extra.select = {{"description", "'The ' || name || ' is ' || length"}};
    const auto described = WritingImplement::specializations().extra(extra);
    CHECK(described.filter("length__lt", 13).values_list("description").flat() ==
          dorm::Values{"The Ballpoint pen is 9", "The Pencil is 12"});
    CHECK(described[0]->annotation("description") == dorm::Value("The Fountain pen is 14"));
    const auto annotated =
        WritingImplement::specializations().annotate("twice", dorm::F("length") * 2);
    CHECK(std::dynamic_pointer_cast<FountainPen>(annotated[0]));
    CHECK(annotated[0]->annotation("twice") == dorm::Value(std::int64_t{28}));
    CHECK(annotated[2]->annotation("twice") == dorm::Value(std::int64_t{18}));
    const auto raw = WritingImplement::specializations().raw(
        "SELECT id, specialization_type, length + 1 AS longer FROM writing_writingimplement "
        "WHERE length > ? ORDER BY id DESC",
        {10});
    REQUIRE(raw.size() == 3);
    CHECK(typeid(*raw[0]) == typeid(Pencil));
    CHECK(raw[0]->name == "Pencil");
    CHECK(raw[0]->annotation("longer") == dorm::Value(std::int64_t{13}));
    CHECK(typeid(*raw[2]) == typeid(FountainPen));
    CHECK_THROWS_WITH(
        WritingImplement::specializations().raw("SELECT id FROM writing_writingimplement"),
        Catch::Contains("must include specialization_type"));
}

TEST_CASE("specializations: save() keeps the row's type, and deleting through the general model "
          "takes the specialized rows",
          "[specializations]") {
    Fixture fx;
    // The general part of a fountain pen, saved as such, keeps its type.
    WritingImplement wi = WritingImplement::objects().get("name", "Fountain pen");
    wi.length = 20;
    wi.save();
    CHECK(WritingImplement::objects().get("name", "Fountain pen").specialization_type ==
          "/pen/fountain_pen/");
    CHECK(typeid(*WritingImplement::specializations().get("name", "Fountain pen")) ==
          typeid(FountainPen));
    WritingImplement plain;
    plain.name = "Quill";
    plain.save();
    CHECK(plain.specialization_type == "/");
    CHECK(typeid(*WritingImplement::specializations().get("name", "Quill")) ==
          typeid(WritingImplement));
    WritingImplement::objects().filter("name__endswith", "pen").delete_();
    CHECK(FountainPen::objects().count() == 0);
    CHECK(Pen::objects().count() == 0);
    CHECK(BallPointPen::objects().count() == 0);
    CHECK(Pencil::objects().count() == 1);
}

TEST_CASE("specializations: a 10,000-row hierarchy of 4 types loads in 5 queries",
          "[specializations]") {
    Fixture fx;
    dorm::atomic(fx.db, [] {
        for (int i = 0; i < 2500; ++i) {
            FountainPen f;
            f.name = "f" + std::to_string(i);
            f.save();
            Pen p;
            p.name = "p" + std::to_string(i);
            p.save();
            BallPointPen b;
            b.name = "b" + std::to_string(i);
            b.save();
            Pencil c;
            c.name = "c" + std::to_string(i);
            c.save();
        }
    });
    fx.start_log();
    const auto all = WritingImplement::specializations().filter("id__gt", 4);
    std::size_t fountain = 0, pencils = 0;
    for (const auto& w : all) {
        fountain += typeid(*w) == typeid(FountainPen);
        pencils += typeid(*w) == typeid(Pencil);
    }
    CHECK(all.size() == 10000);
    CHECK(fountain == 2500);
    CHECK(pencils == 2500);
    CHECK(fx.log.size() == 5);
    CHECK(all[9999]->name == "c2499");
}
