// expect-error: this member belongs to another class
// A member of another class given to ModelDef<T>::field(): one static_assert that says so.
#include <dorm/core/model.hpp> // what define() uses; dorm.hpp adds the rest

#include <cstdint>
#include <string>

struct Other {
    std::string name;
};

struct Note : dorm::Model<Note> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Note>& m) {
        m.field("id", &Note::id, dorm::auto_pk);
        m.field("name", &Other::name);
    }
};

int main() {
    return static_cast<int>(Note::meta().fields.size());
}
