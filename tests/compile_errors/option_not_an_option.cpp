// expect-error: dorm: field options are dorm::Option
// Something that is not a field option after the member pointer: one static_assert.
#include <dorm/core/model.hpp> // what define() uses; dorm.hpp adds the rest

#include <cstdint>
#include <string>

struct Note : dorm::Model<Note> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Note>& m) {
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("name", &Note::name, 50);
    }
};

int main() {
    return static_cast<int>(Note::meta().fields.size());
}
