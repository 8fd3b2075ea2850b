// Model validation beyond what the Django conformance suite compares: the text of the
// ValidationError (model, fields, valid choices), a model's own clean(), custom validators,
// display() of a field without choices, 16-bit members, and declarations that are refused.
// (tests/conformance/django_validation.cpp compares full_clean() and display() with Django.)
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using Catch::Contains;

void no_spaces(const dorm::Value& v) {
    if (v.as_text().find(' ') != std::string::npos)
        throw dorm::ValidationError("Spaces are not allowed here.");
}

struct Lead : dorm::Model<Lead> {
    std::int64_t id = 0;
    std::string topic;
    std::int32_t source = 1;
    std::int16_t priority = 0;
    std::optional<std::int16_t> stars;
    std::string handle = "x";

    static void define(dorm::ModelDef<Lead>& m) {
        m.table("lead");
        m.field("id", &Lead::id, dorm::auto_pk);
        m.field("topic", &Lead::topic, dorm::max_length(30));
        m.field("source", &Lead::source,
                dorm::choices({{1, "Advertisement"}, {2, "Employee Referral"}, {3, "Web"}}));
        m.field("priority", &Lead::priority);
        m.field("stars", &Lead::stars, dorm::positive, dorm::blank);
        m.field("handle", &Lead::handle, dorm::max_length(20), dorm::validator(&no_spaces));
    }

    // Django's Model.clean(): a rule about several fields.
    void clean() {
        if (topic == "spam" && source == 3)
            throw dorm::ValidationError("Web leads about spam are refused.");
    }
};

struct Fixture {
    dorm::Database db{":memory:"};
    Fixture() {
        dorm::create_tables<Lead>(db);
        dorm::set_default_database(db);
    }
};

Lead lead(std::string topic) {
    Lead l;
    l.topic = std::move(topic);
    return l;
}

} // namespace

TEST_CASE_METHOD(Fixture, "full_clean: one error with every field's messages", "[validation]") {
    Lead l = lead("");
    l.source = 9;
    l.handle = "two words";
    try {
        l.full_clean();
        FAIL("full_clean() accepted the lead");
    } catch (const dorm::ValidationError& e) {
        const dorm::ValidationError::MessageDict expected{
            {"topic", {"This field cannot be blank."}},
            {"source", {"Value 9 is not a valid choice."}},
            {"handle", {"Spaces are not allowed here."}}};
        CHECK(e.message_dict() == expected);
        CHECK(e.messages("source") == std::vector<std::string>{"Value 9 is not a valid choice."});
        CHECK(e.messages("stars").empty());
        // The text names the model, each field and message, and the valid choices.
        const std::string what = e.what();
        CHECK(what == "Lead: {'topic': ['This field cannot be blank.'], 'source': ['Value 9 is "
                      "not a valid choice.'], 'handle': ['Spaces are not allowed here.']}; the "
                      "choices of 'source' are 1 (Advertisement), 2 (Employee Referral), 3 (Web)");
    }
    CHECK(Lead::objects().count() == 0); // full_clean() writes nothing
}

TEST_CASE_METHOD(Fixture, "full_clean: the model's clean() reports under __all__", "[validation]") {
    Lead l = lead("spam");
    l.source = 3;
    try {
        l.full_clean();
        FAIL("full_clean() accepted the lead");
    } catch (const dorm::ValidationError& e) {
        CHECK(e.messages("__all__") ==
              std::vector<std::string>{"Web leads about spam are refused."});
        CHECK(e.message_dict().size() == 1);
    }
    l.source = 1;
    CHECK_NOTHROW(l.full_clean());
    l.save();
    CHECK_NOTHROW(l.full_clean()); // its own row is no clash
}

TEST_CASE_METHOD(Fixture,
                 "full_clean: exclude skips fields, clean_fields and validate_unique "
                 "run alone",
                 "[validation]") {
    Lead l = lead("");
    CHECK_NOTHROW(l.full_clean({"topic"}));
    CHECK_THROWS_AS(l.clean_fields(), dorm::ValidationError);
    CHECK_NOTHROW(l.clean_fields({"topic"}));
    CHECK_NOTHROW(l.validate_unique());
}

TEST_CASE_METHOD(Fixture, "display: the label, the value, or a FieldError", "[validation]") {
    Lead l = lead("a");
    l.source = 2;
    CHECK(l.display("source") == "Employee Referral");
    l.source = 42;
    CHECK(l.display("source") == "42");
    CHECK_THROWS_WITH(l.display("topic"), Contains("Lead.topic has no choices"));
    CHECK_THROWS_AS(l.display("nope"), dorm::FieldError);
}

TEST_CASE_METHOD(Fixture, "int16_t members are SmallIntegerFields", "[validation]") {
    const dorm::ModelMeta& m = Lead::meta();
    CHECK(m.field("priority").kind == dorm::FieldKind::SmallInteger);
    CHECK(m.field("stars").kind == dorm::FieldKind::PositiveSmallInteger);
    Lead l = lead("a");
    l.priority = std::numeric_limits<std::int16_t>::min();
    l.stars = std::numeric_limits<std::int16_t>::max();
    l.save();
    const Lead back = Lead::objects().get("pk", l.id);
    CHECK(back.priority == -32768);
    CHECK(back.stars == std::optional<std::int16_t>(32767));
    CHECK(Lead::objects().filter("priority__lt", -1).count() == 1);
    // A value the member cannot hold is refused, not cut.
    CHECK_THROWS_WITH(Lead::objects().update({{"priority", 40000}}),
                      Contains("does not fit int16 (-32768..32767)"));
    CHECK_THROWS_WITH(Lead::objects().create({{"topic", "b"}, {"priority", -40000}}),
                      Contains("does not fit int16"));
    // A stored value beyond the member's range (another program wrote it) is an error.
    db.exec("UPDATE lead SET priority = 70000");
    CHECK_THROWS_AS(Lead::objects().get("pk", l.id), dorm::DatabaseError);
    // The positive field's CHECK constraint refuses a negative value when it is written.
    db.exec("UPDATE lead SET priority = 0");
    Lead n = lead("neg");
    n.stars = -1;
    CHECK_THROWS_AS(n.save(), dorm::IntegrityError);
    CHECK(Lead::objects().count() == 1);
}

namespace {
struct BadPositive : dorm::Model<BadPositive> {
    std::int64_t id = 0;
    double ratio = 0;
    static void define(dorm::ModelDef<BadPositive>& m) {
        m.field("id", &BadPositive::id, dorm::auto_pk);
        m.field("ratio", &BadPositive::ratio, dorm::positive);
    }
};
struct BadEmail : dorm::Model<BadEmail> {
    std::int64_t id = 0;
    std::int32_t mail = 0;
    static void define(dorm::ModelDef<BadEmail>& m) {
        m.field("id", &BadEmail::id, dorm::auto_pk);
        m.field("mail", &BadEmail::mail, dorm::email_field);
    }
};
struct Kinds : dorm::Model<Kinds> {
    std::int64_t id = 0;
    std::string mail, site, slug, long_slug;
    static void define(dorm::ModelDef<Kinds>& m) {
        m.field("id", &Kinds::id, dorm::auto_pk);
        m.field("mail", &Kinds::mail, dorm::email_field);
        m.field("site", &Kinds::site, dorm::url_field);
        m.field("slug", &Kinds::slug, dorm::slug_field);
        m.field("long_slug", &Kinds::long_slug, dorm::slug_field, dorm::max_length(100));
    }
};
} // namespace

TEST_CASE("field kinds: Django's defaults, and declarations that are refused", "[validation]") {
    const dorm::ModelMeta& k = Kinds::meta();
    CHECK(k.field("mail").kind == dorm::FieldKind::Email);
    CHECK(k.field("mail").max_length == 254);
    CHECK(k.field("site").max_length == 200);
    CHECK(k.field("slug").max_length == 50);
    CHECK(k.field("slug").db_index);
    CHECK(k.field("long_slug").max_length == 100);
    CHECK(dorm::field_kind_name(k.field("site").kind) == "URLField");
    CHECK_THROWS_WITH(BadPositive::meta(), Contains("positive applies to an integer field"));
    CHECK_THROWS_WITH(BadEmail::meta(), Contains("EmailField needs a std::string member"));
}

TEST_CASE_METHOD(Fixture, "save() does not run full_clean(), as Django", "[validation]") {
    Lead l = lead("");
    l.source = 9; // not a choice: Django's save() stores it too
    l.save();
    CHECK(Lead::objects().get("pk", l.id).source == 9);
}
