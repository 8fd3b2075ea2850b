#pragma once
// Bodies of dorm/sqlite/schema.hpp (dorm/detail/config.hpp).
#include "dorm/sqlite/schema.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "dorm/sql/compiler.hpp"
#include "dorm/sqlite/operations.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace sql {

DORM_INLINE std::string column_type(const FieldMeta& f) {
    if (f.is_foreign_key()) { // the type of the target's key; an auto key is a plain integer
        const FieldMeta& target = f.related_model().pk();
        if (target.kind == FieldKind::Auto)
            return "integer";
        if (target.kind == FieldKind::BigAuto)
            return "bigint";
        return column_type(target);
    }
    switch (f.kind) {
    case FieldKind::Auto:
    case FieldKind::BigAuto:
    case FieldKind::Integer:
        return "integer";
    case FieldKind::BigInteger:
        return "bigint";
    case FieldKind::SmallInteger:
        return "smallint";
    case FieldKind::PositiveInteger:
        return "integer unsigned";
    case FieldKind::PositiveSmallInteger:
        return "smallint unsigned";
    case FieldKind::PositiveBigInteger:
        return "bigint unsigned";
    case FieldKind::Float:
        return "real";
    case FieldKind::Boolean:
        return "bool";
    case FieldKind::Char:
    case FieldKind::Email:
    case FieldKind::URL:
    case FieldKind::Slug:
        return "varchar(" + std::to_string(f.max_length) + ")";
    case FieldKind::Text:
        return "text";
    case FieldKind::Date:
        return "date";
    case FieldKind::DateTime:
        return "datetime";
    case FieldKind::Time:
        return "time";
    case FieldKind::Json:
        return "text";
    case FieldKind::Duration: // microseconds
        return "bigint";
    case FieldKind::Decimal: // Django's SQLite column types; "decimal" has NUMERIC affinity
        return "decimal";
    case FieldKind::Uuid:
        return "char(32)";
    case FieldKind::Binary:
        return "BLOB";
    case FieldKind::ForeignKey:
    case FieldKind::OneToOne:
    case FieldKind::ManyToMany:
        break;
    }
    return "text";
}

// The column's CHECK constraint, as Django's data_type_check_constraints; empty for none.
DORM_INLINE std::string column_check(const FieldMeta& f) {
    switch (f.kind) {
    case FieldKind::PositiveInteger:
    case FieldKind::PositiveSmallInteger:
    case FieldKind::PositiveBigInteger:
        return quote(f.column) + " >= 0";
    case FieldKind::Json: {
        const std::string c = quote(f.column);
        return "(JSON_VALID(" + c + ") OR " + c + " IS NULL)";
    }
    default:
        return {};
    }
}

DORM_INLINE std::string column_definition(const FieldMeta& f) {
    std::string d = quote(f.column) + " " + column_type(f);
    if (f.primary_key) {
        d += " NOT NULL PRIMARY KEY";
        if (f.auto_created()) {
            d += ' ';
            d += sqlite::operations().auto_key;
        }
    } else {
        d += f.null() ? " NULL" : " NOT NULL";
        if (f.unique)
            d += " UNIQUE";
    }
    if (std::string check = column_check(f); !check.empty())
        d += " CHECK (" + check + ")";
    if (f.is_foreign_key()) { // also a child's key, the pointer to its parent's row
        // Checked at COMMIT, as Django's: a transaction may hold a row before its target.
        const ModelMeta& target = f.related_model();
        d += " REFERENCES " + quote(target.table) + " (" + quote(target.pk().column) +
             ") DEFERRABLE INITIALLY DEFERRED";
    }
    return d;
}

DORM_INLINE std::string create_table_sql(const ModelMeta& m) {
    std::string sql = "CREATE TABLE " + quote(m.table) + " (";
    std::size_t n = 0;
    for (const auto& f : m.fields)
        if (m.owns(f)) // a parent's fields are in the parent's table
            sql += (n++ ? ", " : "") + column_definition(f);
    return sql + ")";
}

DORM_INLINE std::string create_index_sql(const ModelMeta& m, const FieldMeta& f) {
    return "CREATE INDEX IF NOT EXISTS " + quote(m.table + "_" + f.column + "_idx") + " ON " +
           quote(m.table) + " (" + quote(f.column) + ")";
}

DORM_INLINE bool has_single_column_index(Database& db, const std::string& table,
                                         const std::string& column) {
    Cursor c(db,
             "SELECT 1 FROM pragma_index_list(?1) AS il WHERE "
             "(SELECT count(*) FROM pragma_index_info(il.name)) = 1 AND "
             "(SELECT name FROM pragma_index_info(il.name)) = ?2",
             Values{table, column});
    return c.next();
}

DORM_INLINE char affinity(std::string type) {
    for (auto& c : type)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (type.find("INT") != std::string::npos)
        return 'I';
    if (type.find("CHAR") != std::string::npos || type.find("CLOB") != std::string::npos ||
        type.find("TEXT") != std::string::npos)
        return 'T';
    if (type.empty() || type.find("BLOB") != std::string::npos)
        return 'B';
    if (type.find("REAL") != std::string::npos || type.find("FLOA") != std::string::npos ||
        type.find("DOUB") != std::string::npos)
        return 'R';
    return 'N';
}

DORM_INLINE std::vector<std::string> column_names(Database& db, const std::string& table) {
    std::vector<std::string> names;
    Cursor c(db, "SELECT name FROM pragma_table_info(?)", Values{table});
    while (c.next())
        names.emplace_back(c.stmt().text(0));
    return names;
}

DORM_INLINE void ensure_table(Database& db, const ModelMeta& proxy_or_model) {
    const ModelMeta& m = proxy_or_model.concrete(); // a proxy has its concrete model's table
    if (m.parent) // multi-table inheritance: the parents' tables first
        ensure_table(db, *m.parent);
    struct Existing {
        std::string name, type;
        bool notnull, has_default, pk;
    };
    std::vector<Existing> cols;
    {
        Cursor c(
            db,
            "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)",
            Values{m.table});
        while (c.next())
            cols.push_back({std::string(c.stmt().text(0)), std::string(c.stmt().text(1)),
                            c.stmt().column(2).as_int() != 0, c.stmt().column(3).as_int() != 0,
                            c.stmt().column(4).as_int() != 0});
    }
    if (cols.empty()) {
        db.exec(create_table_sql(m));
    } else {
        std::vector<std::string> problems;
        std::vector<const FieldMeta*> to_add;
        for (const auto& f : m.fields) {
            if (!m.owns(f))
                continue;
            auto it = std::find_if(cols.begin(), cols.end(),
                                   [&](const Existing& e) { return e.name == f.column; });
            if (it == cols.end()) {
                if (f.null() && !f.unique && !f.primary_key)
                    to_add.push_back(&f);
                else
                    problems.push_back("column " + f.column + " (" + f.name +
                                       ") is missing and is not nullable");
                continue;
            }
            if (affinity(it->type) != affinity(column_type(f)))
                problems.push_back("column " + f.column + " is " + it->type + ", the model wants " +
                                   column_type(f));
            if (it->pk != f.primary_key)
                problems.push_back("column " + f.column + (f.primary_key ? " is not" : " is") +
                                   " the table's primary key");
        }
        for (const auto& e : cols) {
            const bool known = m.find(e.name) ||
                               std::any_of(m.fields.begin(), m.fields.end(),
                                           [&](const FieldMeta& f) { return f.column == e.name; });
            if (!known && e.notnull && !e.has_default)
                problems.push_back("column " + e.name +
                                   " is NOT NULL without a default and not in the model");
        }
        if (!problems.empty())
            throw SchemaError("table " + m.table + " disagrees with model " + m.name + ": " +
                              detail::join(problems, "; "));
        for (const FieldMeta* f : to_add)
            db.exec("ALTER TABLE " + quote(m.table) + " ADD COLUMN " + column_definition(*f));
    }
    // db_index fields and ForeignKeys (as Django) get an index, unless unique already.
    for (const auto& f : m.fields)
        if (m.owns(f) && (f.db_index || f.is_foreign_key()) && !f.unique && !f.primary_key &&
            !has_single_column_index(db, m.table, f.column))
            db.exec(create_index_sql(m, f));
    if (m.auto_created) // a many-to-many join table links a pair once
        db.exec("CREATE UNIQUE INDEX IF NOT EXISTS " +
                quote(m.table + "_" + m.fields[1].column + "_" + m.fields[2].column + "_uniq") +
                " ON " + quote(m.table) + " (" + quote(m.fields[1].column) + ", " +
                quote(m.fields[2].column) + ")");
    for (const auto& f : m.many_to_many)
        if (f.auto_through && m.owns(f))
            ensure_table(db, *f.auto_through);
}

} // namespace sql
} // namespace DORM_ABI
} // namespace dorm
