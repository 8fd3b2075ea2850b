// Minimal program built by the consumer projects (run.cmake) against dorm::dorm or
// dorm::compiled (CONSUMER_EXPECT_COMPILED says which, common.cmake), or with pkg-config's
// flags for dorm.pc or dorm-compiled.pc. CONSUMER_EXPECT_VERSION: project(dorm VERSION).
#include <dorm/dorm.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#define CONSUMER_STR2(x) #x
#define CONSUMER_STR(x) CONSUMER_STR2(x)
static_assert(std::string_view(DORM_VERSION_STRING) ==
                  CONSUMER_STR(DORM_VERSION_MAJOR) "." CONSUMER_STR(
                      DORM_VERSION_MINOR) "." CONSUMER_STR(DORM_VERSION_PATCH),
              "DORM_VERSION_STRING is not MAJOR.MINOR.PATCH");
static_assert(DORM_VERSION ==
              DORM_VERSION_MAJOR * 10000 + DORM_VERSION_MINOR * 100 + DORM_VERSION_PATCH);
#ifdef CONSUMER_EXPECT_VERSION
static_assert(std::string_view(DORM_VERSION_STRING) == CONSUMER_EXPECT_VERSION,
              "<dorm/version.hpp> is not project(dorm VERSION)");
#endif

#ifdef DORM_COMPILED
static_assert(CONSUMER_EXPECT_COMPILED == 1, "dorm::dorm must not define DORM_COMPILED");
#else
static_assert(CONSUMER_EXPECT_COMPILED == 0, "dorm::compiled must define DORM_COMPILED");
#endif

struct Note : dorm::Model<Note> {
    int64_t id = 0;
    std::string text;

    static void define(dorm::ModelDef<Note>& m) {
        m.table("note");
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("text", &Note::text, dorm::max_length(50));
    }
};

int main() {
    dorm::Database db(":memory:");
    dorm::create_tables<Note>(db);
    Note n;
    n.text = "hi";
    n.save(db);
    // The regex lookup runs PCRE2, which dorm's targets link for the consumer.
    if (Note::objects().using_(db).filter("text__iregex", "^H\\w$").count() != 1)
        return 1;
    // A non-template function: in compiled mode the program links it from dorm's library.
    return dorm::odata::url_encode("a b&c") == "a%20b%26c" ? 0 : 2;
}
