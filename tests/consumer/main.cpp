// Minimal program built by the consumer projects (run.cmake) against dorm::dorm or
// dorm::compiled (CONSUMER_EXPECT_COMPILED says which, common.cmake).
#include <dorm/dorm.hpp>

#include <cstdint>
#include <string>

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
