// expect-error: dorm: unsupported member type
// A member type dorm cannot store: one static_assert naming the types it can, no cascade.
#include <dorm/core/model.hpp> // what define() uses; dorm.hpp adds the rest

#include <cstdint>
#include <vector>

struct Note : dorm::Model<Note> {
    std::int64_t id = 0;
    std::vector<int> scores;
    static void define(dorm::ModelDef<Note>& m) {
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("scores", &Note::scores);
    }
};

int main() {
    return static_cast<int>(Note::meta().fields.size());
}
