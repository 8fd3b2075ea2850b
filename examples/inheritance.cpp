// dorm model inheritance and specializations: djeneralize's writing implements. A general
// model, WritingImplement, has specializations (Pen, and below it FountainPen and BallPointPen;
// Pencil), each a Django multi-table child with its own table. WritingImplement::
// specializations() yields every row as its most specialized object. See docs/inheritance.md.
// It checks what it prints and exits non-zero on a surprise.
//
// The database is in memory: nothing is written to disk.
#include <dorm/dorm.hpp>

#include <cstdint>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

// --- models -------------------------------------------------------------------------------
// The general model derives from dorm::General<Self>: it is polymorphic, and it has the
// specialization_type field ("/pen/fountain_pen/") that save() keeps.

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

// Each specialization extends its parent (C++ inheritance: a Pen *is* a WritingImplement) and
// declares only its own fields; its table's key is "writingimplement_ptr_id".
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

// --- a little checking ----------------------------------------------------------------------

static int failures = 0;

template <class A, class B>
void expect(const char* what, const A& got, const B& want) {
    const bool ok = got == want;
    std::cout << (ok ? "  ok    " : "  WRONG ") << what << ": " << got << "\n";
    if (!ok) {
        std::cout << "        expected " << want << "\n";
        ++failures;
    }
}

// "FountainPen: Fountain pen", as djeneralize's documentation prints the objects. visit_as
// calls the lambda with the object as its own type (the most specialized listed first).
std::string repr(const WritingImplement& w) {
    return dorm::visit_as<FountainPen, BallPointPen, Pen, Pencil>(
        w, [](const auto& o) { return std::decay_t<decltype(o)>::meta().name + ": " + o.name; });
}

template <class Range>
std::string reprs(const Range& objects) {
    std::string out;
    for (const std::shared_ptr<WritingImplement>& o : objects)
        out += (out.empty() ? "" : ", ") + repr(*o);
    return out;
}

int main() try {
    dorm::Database db(":memory:");
    dorm::set_default_database(db);
    // The parents' tables come first: writing_writingimplement, writing_pen, ...
    dorm::create_tables<WritingImplement, Pencil, Pen, FountainPen, BallPointPen>(db);

    int statements = 0;
    db.set_query_log([&](const dorm::LoggedQuery&) { ++statements; });

    std::cout << "Saving one object of each type\n";
    FountainPen fountain;
    fountain.name = "Fountain pen";
    fountain.length = 14;
    fountain.ink_colour = "Black";
    fountain.nib_width = 1.25;
    statements = 0;
    fountain.save(); // one transaction: a row in writing_writingimplement, writing_pen, ...
    expect("statements of one save (BEGIN, 3 INSERTs, COMMIT)", statements, 5);
    expect("its type", fountain.specialization_type, std::string("/pen/fountain_pen/"));

    Pen pen;
    pen.name = "General pen";
    pen.length = 15;
    pen.ink_colour = "Blue";
    pen.save();

    BallPointPen ballpoint;
    ballpoint.name = "Ballpoint pen";
    ballpoint.length = 9;
    ballpoint.ink_colour = "Green";
    ballpoint.replaceable_insert = true;
    ballpoint.save();

    Pencil pencil;
    pencil.name = "Pencil";
    pencil.length = 12;
    pencil.lead = "H5";
    pencil.save();

    std::cout << "\nSpecialized querysets (djeneralize's examples)\n";
    statements = 0;
    const auto all = WritingImplement::specializations().all();
    expect("all()", reprs(all),
           std::string("FountainPen: Fountain pen, Pen: General pen, BallPointPen: Ballpoint pen, "
                       "Pencil: Pencil"));
    expect("queries: the general rows, then one per type present", statements, 5);
    const auto long_ones = WritingImplement::specializations().filter("length__gte", 10);
    expect("filter(length__gte=10)", reprs(long_ones),
           std::string("FountainPen: Fountain pen, Pen: General pen, Pencil: Pencil"));
    expect(".filter(name__endswith='pen')", reprs(long_ones.filter("name__endswith", "pen")),
           std::string("FountainPen: Fountain pen, Pen: General pen"));
    expect("direct()", reprs(WritingImplement::specializations().direct()),
           std::string("Pen: Fountain pen, Pen: General pen, Pen: Ballpoint pen, Pencil: Pencil"));

    // The objects are of their own types: dynamic_cast reaches every level's fields.
    if (auto fp = std::dynamic_pointer_cast<FountainPen>(all[0]))
        expect("all()[0] as a FountainPen: nib_width", fp->nib_width, 1.25);
    else
        expect("all()[0] is a FountainPen", false, true);

    statements = 0;
    const auto found = WritingImplement::specializations().get("length", 9);
    expect("get(length=9)", repr(*found), std::string("BallPointPen: Ballpoint pen"));
    expect("queries of get(): its type, then the object", statements, 2);
    statements = 0;
    WritingImplement::specializations().get(
        {{"specialization_type", "/pen/ballpoint_pen/"}, {"length", 9}});
    expect("queries of get() with the type given", statements, 1);

    // extra(select) and annotate() values are carried to the specialized objects.
    dorm::Extra extra;
    extra.select = {{"description", "'The ' || name || ' is ' || length"}};
    std::string described;
    for (const auto& row : WritingImplement::specializations()
                               .extra(extra)
                               .filter("length__lt", 13)
                               .values_list("description")
                               .flat())
        described += (described.empty() ? "" : "; ") + row.as_text();
    expect("extra(select) values_list, flat", described,
           std::string("The Ballpoint pen is 9; The Pencil is 12"));
    const auto doubled =
        WritingImplement::specializations().annotate("twice", dorm::F("length") * 2);
    expect("annotate() on a FountainPen", doubled[0]->annotation("twice").as_int(),
           std::int64_t{28});

    // A general object, read as such, becomes its specialization on demand.
    const WritingImplement general = WritingImplement::objects().get("name", "Fountain pen");
    expect("get_as_specialization()", repr(*general.get_as_specialization()),
           std::string("FountainPen: Fountain pen"));
    expect("get_as_specialization(false)", repr(*general.get_as_specialization(false)),
           std::string("Pen: Fountain pen"));

    std::cout << "\nMulti-table queries\n";
    // A child's queryset joins its parents' tables and filters on their fields.
    const auto pens = FountainPen::objects().filter("name__endswith", "pen");
    std::cout << "  " << pens.sql().text << "\n";
    expect("FountainPen::objects().filter(name__endswith='pen')", pens.size(), std::size_t{1});
    // A parent reaches its child (Django's pen.fountainpen) and filters through it.
    const Pen as_pen = Pen::objects().get("name", "Fountain pen");
    expect("pen.child<FountainPen>().nib_width", as_pen.child<FountainPen>().nib_width, 1.25);
    expect("Pen filtered by fountainpen__nib_width",
           Pen::objects().filter("fountainpen__nib_width__gt", 1).count(), std::int64_t{1});
    // update() writes each table that holds one of the fields.
    expect("update() of ink_colour and nib_width",
           FountainPen::objects().update({{"ink_colour", "Sepia"}, {"nib_width", 0.8}}),
           std::int64_t{1});
    expect("ink_colour after update()", Pen::objects().get("name", "Fountain pen").ink_colour,
           std::string("Sepia"));

    // Deleting a child deletes its parents' rows; deleting a general row, its children's.
    const dorm::DeleteResult gone = ballpoint.delete_();
    expect("rows deleted with the ballpoint pen", gone.total, std::int64_t{3});
    WritingImplement::objects().filter("name", "Pencil").delete_();
    expect("pencils left", Pencil::objects().count(), std::int64_t{0});
    expect("left", reprs(WritingImplement::specializations()),
           std::string("FountainPen: Fountain pen, Pen: General pen"));

    std::cout << (failures ? "\nSome results were wrong.\n" : "\nAll as expected.\n");
    return failures ? 1 : 0;
} catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
}
