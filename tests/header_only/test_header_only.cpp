// The header-only mode (CMake target dorm::dorm, no library): the rest of the suite links
// dorm::compiled, so this executable proves that the headers alone still define everything
// a program uses: schema, writes, filters, aggregates, transactions, and the OData text.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <vector>

#ifdef DORM_COMPILED
#error "test_header_only must be built in header-only mode (dorm::dorm)"
#endif

std::string header_only_second_tu_encode(const std::string& s); // support/header_only_second_tu.cpp

namespace {

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    int books = 0;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("ho_author").ordering({"name"});
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(100));
        m.field("books", &Author::books);
    }
};

// Mapped to an OData entity set (nothing is sent: only the request text is compiled).
struct Account : dorm::Model<Account> {
    std::int64_t id = 0;
    std::string cdms_pk;
    std::string name;
    int employees = 0;
    static void define(dorm::ModelDef<Account>& m) {
        m.table("ho_account").remote("AccountSet");
        m.field("id", &Account::id, dorm::auto_pk);
        m.field("cdms_pk", &Account::cdms_pk, dorm::remote_key("AccountId"), dorm::unique);
        m.field("name", &Account::name, dorm::max_length(100), dorm::remote("Name"));
        m.field("employees", &Account::employees, dorm::remote("NumberOfEmployees"));
    }
};

// Inheritance: a general model and a specialization of it (multi-table).
struct Shape : dorm::General<Shape> {
    std::int64_t id = 0;
    std::string label;
    static void define(dorm::ModelDef<Shape>& m) {
        m.table("ho_shape");
        m.field("id", &Shape::id, dorm::auto_pk);
        m.field("label", &Shape::label);
    }
};

struct Circle : dorm::Extends<Circle, Shape> {
    double radius = 0;
    static void define(dorm::ModelDef<Circle>& m) {
        m.table("ho_circle");
        m.field("radius", &Circle::radius);
    }
};

} // namespace

TEST_CASE("header-only: inheritance and specializations", "[header_only]") {
    dorm::Database db(":memory:");
    dorm::create_tables<Shape, Circle>(db);
    Circle c;
    c.label = "wheel";
    c.radius = 2.5;
    c.save(db);
    Shape s;
    s.label = "blob";
    s.save(db);
    const auto all = Shape::specializations().using_(db).order_by("label");
    REQUIRE(all.size() == 2);
    CHECK(typeid(*all[0]) == typeid(Shape));
    const auto circle = std::dynamic_pointer_cast<Circle>(all[1]);
    REQUIRE(circle);
    CHECK(circle->radius == 2.5);
    CHECK(Circle::objects().using_(db).get("label", "wheel").id == c.id);
}

TEST_CASE("header-only: create, filter, aggregate, update and delete on SQLite", "[header_only]") {
    dorm::Database db(":memory:");
    dorm::create_tables<Author>(db);
    for (const auto& [name, books] :
         std::vector<std::pair<std::string, int>>{{"Ann", 3}, {"Bob", 0}, {"O'Brien 100%_", 7}}) {
        Author a;
        a.name = name;
        a.books = books;
        a.save(db);
    }
    auto qs = Author::objects().using_(db);
    std::vector<std::string> names;
    for (const Author& a : qs.filter(dorm::Q("books__gt", 0) | dorm::Q("name__icontains", "%_")))
        names.push_back(a.name);
    CHECK(names == std::vector<std::string>{"Ann", "O'Brien 100%_"});
    CHECK(qs.get("name", "Bob").books == 0);
    CHECK(qs.aggregate(dorm::Sum("books")).at("books__sum").as_int() == 10);
    CHECK(qs.filter("books", 0).update({{"books", dorm::F("books") + 2}}) == 1);
    CHECK(qs.get("name", "Bob").books == 2);
    dorm::atomic(db, [&] { qs.filter("name__startswith", "O'").delete_(); });
    CHECK(qs.count() == 2);
    CHECK_THROWS_AS(qs.filter("nmae", "x").count(), dorm::FieldError);
}

TEST_CASE("header-only: the OData text of a filter", "[header_only]") {
    CHECK(header_only_second_tu_encode("a b&c") == "a%20b%26c");
    dorm::Database db(":memory:");
    const auto request = Account::objects()
                             .using_(db)
                             .filter(dorm::Q("name__startswith", "O'B") | ~dorm::Q("employees", 2))
                             .odata(dorm::odata::odata_v4());
    CHECK(request.entity_set == "AccountSet");
    CHECK(request.filter == "(startswith(Name,'O''B') or not (NumberOfEmployees eq 2))");
}
