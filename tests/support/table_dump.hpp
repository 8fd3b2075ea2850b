#pragma once
// Every row of some local tables as text, to compare a store before and after an operation
// that must leave it unchanged.
#include <dorm/dorm.hpp>

#include <initializer_list>
#include <string>

namespace dorm_test {

inline std::string dump_tables(dorm::Database& db, std::initializer_list<const char*> tables) {
    std::string out;
    for (const char* t : tables) {
        dorm::sql::Cursor cur(db, std::string("SELECT * FROM ") + t + " ORDER BY 1, 2", {});
        while (cur.next()) {
            out += t;
            for (int i = 0; i < cur.stmt().column_count(); ++i)
                out += "|" + cur.stmt().column(i).repr();
            out += "\n";
        }
    }
    return out;
}

} // namespace dorm_test
