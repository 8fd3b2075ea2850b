// Minimal program built against an installed dorm (see run.cmake).
#include <dorm/dorm.hpp>

#include <cstdint>
#include <string>

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
    // The regex lookup runs PCRE2, which dorm::dorm links for the consumer.
    return Note::objects().using_(db).filter("text__iregex", "^H\\w$").count() == 1 ? 0 : 1;
}
