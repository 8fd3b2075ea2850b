// expect-error: dorm: field options are dorm::Option
// A relation given something that is not a field option: one static_assert.
#include <dorm/core/model.hpp> // define() needs no more than these two
#include <dorm/core/relations.hpp>

#include <cstdint>
#include <string>

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    static void define(dorm::ModelDef<Blog>& m) { m.field("id", &Blog::id, dorm::auto_pk); }
};

struct Note : dorm::Model<Note> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog;
    static void define(dorm::ModelDef<Note>& m) {
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("blog", &Note::blog, 50);
    }
};

int main() {
    return static_cast<int>(Note::meta().fields.size());
}
