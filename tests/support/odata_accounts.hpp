#pragma once
// The Accounts of the OData test server (tests/remote/server) on both sides: the dorm model
// mapped to the entity set, the server's seed CSV read as CAP reads it, and a local SQLite
// store holding the same rows, for the tests that compare the server with the local query.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace odata_accounts {

using dorm::Date;
using dorm::DateTime;
using dorm::Value;
using Ids = std::set<std::string>;

// Mirrors entity dorm.test.Accounts (tests/remote/server/db/schema.cds).
struct Account : dorm::Model<Account> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::optional<std::string> name;
    std::optional<int> employees;
    std::optional<double> rating;
    std::optional<bool> active;
    std::optional<Date> founded;
    DateTime modified_on;
    dorm::ForeignKey<Account> parent;
    static void define(dorm::ModelDef<Account>& m) {
        m.table("account").remote("Accounts");
        m.field("id", &Account::id, dorm::auto_pk);
        m.field("cdms_pk", &Account::cdms_pk, dorm::remote_key("ID"), dorm::unique);
        m.field("name", &Account::name, dorm::null, dorm::max_length(160), dorm::remote("name"));
        m.field("employees", &Account::employees, dorm::remote("employees"));
        m.field("rating", &Account::rating, dorm::remote("rating"));
        m.field("active", &Account::active, dorm::remote("active"));
        m.field("founded", &Account::founded, dorm::remote("founded"));
        m.field("modified_on", &Account::modified_on, dorm::remote_modified("modifiedOn"));
        m.field("parent", &Account::parent, dorm::null, dorm::remote("parent_ID"));
    }
};

inline const std::string SERVER_DIR = std::string(DORM_TEST_SOURCE_DIR) + "/tests/remote/server";
inline const std::string SEED_CSV = SERVER_DIR + "/db/data/dorm.test-Accounts.csv";

// One CSV cell as CAP reads it (@sap/cds lib/compile/etc/csv.js): a quoted cell is taken
// verbatim ("" is a quote, line breaks allowed); an unquoted one is trimmed, and empty is NULL.
using Cell = std::optional<std::string>;
inline std::vector<std::vector<Cell>> read_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    std::vector<std::vector<Cell>> rows;
    std::vector<Cell> row;
    std::string cell;
    bool quoted = false, in_quotes = false;
    auto end_cell = [&] {
        if (quoted) {
            row.emplace_back(cell);
        } else {
            const auto b = cell.find_first_not_of(" \t\r");
            const auto e = cell.find_last_not_of(" \t\r");
            row.push_back(b == std::string::npos ? Cell{} : Cell{cell.substr(b, e - b + 1)});
        }
        cell.clear();
        quoted = false;
    };
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (in_quotes) {
            if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                in_quotes = false;
            } else {
                cell += c;
            }
        } else if (c == '"' && cell.find_first_not_of(' ') == std::string::npos) {
            cell.clear();
            in_quotes = quoted = true;
        } else if (c == ';') {
            end_cell();
        } else if (c == '\n') {
            end_cell();
            rows.push_back(std::move(row));
            row.clear();
        } else {
            cell += c;
        }
    }
    if (!cell.empty() || !row.empty()) {
        end_cell();
        rows.push_back(std::move(row));
    }
    return rows;
}

// The seed rows (header first).
inline const std::vector<std::vector<Cell>>& seed() {
    static const auto rows = read_csv(SEED_CSV);
    return rows;
}

// The seed rows saved into the (default) local database; parents linked by remote key.
inline void load_seed() {
    const auto& rows = seed();
    REQUIRE(rows.size() > 51); // more than one server page
    REQUIRE(rows[0] == std::vector<Cell>{"ID", "name", "employees", "rating", "active", "founded",
                                         "modifiedOn", "parent_ID"});
    std::map<std::string, Account> by_key;
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const auto& r = rows[i];
        REQUIRE(r.size() == 8);
        Account a;
        a.cdms_pk = r[0];
        a.name = r[1];
        if (r[2])
            a.employees = std::stoi(*r[2]);
        if (r[3])
            a.rating = std::stod(*r[3]);
        if (r[4])
            a.active = *r[4] == "true";
        if (r[5])
            a.founded = Date::parse(*r[5]);
        REQUIRE(r[6]);
        std::string stamp = *r[6];
        REQUIRE(stamp.back() == 'Z');
        stamp.pop_back();
        const auto dt = DateTime::parse(stamp);
        REQUIRE(dt);
        a.modified_on = *dt;
        a.save();
        by_key.emplace(*r[0], a);
    }
    for (std::size_t i = 1; i < rows.size(); ++i) {
        if (!rows[i][7])
            continue;
        Account& a = by_key.at(*rows[i][0]);
        a.parent = by_key.at(*rows[i][7]);
        a.save();
    }
}

struct LocalStore {
    dorm::Database db{":memory:"};
    LocalStore() {
        dorm::set_default_database(db);
        dorm::create_tables<Account>(db);
        load_seed();
    }
    ~LocalStore() { dorm::detail::default_database_slot() = nullptr; }
    LocalStore(const LocalStore&) = delete;
    LocalStore& operator=(const LocalStore&) = delete;
};

inline Ids local_ids(const dorm::QuerySet<Account>& qs) {
    Ids out;
    for (const Value& v : qs.values_list("cdms_pk").flat())
        out.insert(v.as_text());
    return out;
}

} // namespace odata_accounts
