// conformance.hpp - shared pieces of dorm's Django conformance tests.
//
// The models are declared once, in dorm; their Django twins are built from dorm's metadata
// (oracle_model<T>()). A test seeds a SQLite file in a private temporary directory, then a
// Suite runs each case twice: the C++ lambda through dorm, the Python expression through
// real Django (one oracle run for the whole suite), and compares the normalized JSON:
//
//   conf::Suite s(db);
//   s.same("pk_order", [] { return conf::pks(Item::objects().order_by("id")); },
//          "Item.objects.order_by('id')");                  // ordered comparison
//   s.same_set("contains", [] { return conf::pks(...); }, "Item.objects.filter(...)");
//   s.differs("contains_case", [] { ... }, "Item.objects.filter(name__contains='hello')",
//             conf::Py{"[o.pk for o in Item.objects.all() if 'hello' in o.name]"},
//             json::array({1, 2, 3}));
//   s.run(oracle, db_path);
//
// differs(): a deliberate difference (docs/django-differences.md). dorm must give the
// documented result (a Python expression evaluated by the oracle, or a JSON literal), and
// Django on SQLite must still give what it gives today, so the test notices if it changes.
//
// A dorm exception becomes {"error": "<class>"}, compared by class name with Django's
// {"error": ..., "message": ...}.
#pragma once

#include <catch2/catch.hpp>
#include <django_oracle.hpp>
#include <dorm/dorm.hpp>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace conf {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// The models
// ---------------------------------------------------------------------------------------------

// Every field kind dorm has, nullable and not; "stamp" lives in a column of another name.
struct Item : dorm::Model<Item> {
    std::int64_t id = 0;
    std::string name;                   // CharField(max_length=40, unique=True)
    std::optional<std::string> note;    // TextField(null=True)
    std::int32_t rank = 0;              // IntegerField
    std::optional<std::int32_t> rating; // IntegerField(null=True)
    std::int64_t big = 0;               // BigIntegerField
    double score = 0;                   // FloatField
    std::optional<double> weight;       // FloatField(null=True)
    bool active = false;                // BooleanField
    std::optional<bool> flag;           // BooleanField(null=True)
    dorm::Date day;                     // DateField
    std::optional<dorm::Date> due;      // DateField(null=True)
    dorm::DateTime stamp;               // DateTimeField(db_column='stamp_at')
    std::optional<dorm::DateTime> seen; // DateTimeField(null=True)

    static void define(dorm::ModelDef<Item>& m) {
        m.table("conf_item").ordering({"-stamp", "name"}).get_latest_by("stamp");
        m.field("id", &Item::id, dorm::auto_pk);
        m.field("name", &Item::name, dorm::max_length(40), dorm::unique);
        m.field("note", &Item::note);
        m.field("rank", &Item::rank, dorm::db_index);
        m.field("rating", &Item::rating);
        m.field("big", &Item::big);
        m.field("score", &Item::score);
        m.field("weight", &Item::weight);
        m.field("active", &Item::active);
        m.field("flag", &Item::flag);
        m.field("day", &Item::day);
        m.field("due", &Item::due);
        m.field("stamp", &Item::stamp, dorm::db_column("stamp_at"));
        m.field("seen", &Item::seen);
    }
};

// A second table, for extra(tables=...) and subqueries; item_id is a plain integer.
struct Tag : dorm::Model<Tag> {
    std::int64_t id = 0;
    std::int32_t item_id = 0;
    std::string label;

    static void define(dorm::ModelDef<Tag>& m) {
        m.table("conf_tag");
        m.field("id", &Tag::id, dorm::auto_pk);
        m.field("item_id", &Tag::item_id);
        m.field("label", &Tag::label, dorm::max_length(20));
    }
};

// Django's name of an on_delete.
inline const char* on_delete_name(dorm::OnDelete d) {
    switch (d) {
    case dorm::OnDelete::Cascade:
        return "CASCADE";
    case dorm::OnDelete::Protect:
        return "PROTECT";
    case dorm::OnDelete::Restrict:
        return "RESTRICT";
    case dorm::OnDelete::SetNull:
        return "SET_NULL";
    case dorm::OnDelete::SetDefault:
        return "SET_DEFAULT";
    case dorm::OnDelete::DoNothing:
        return "DO_NOTHING";
    }
    return "CASCADE";
}

// The Django model of a dorm model, from dorm's metadata. Relations become ForeignKey,
// OneToOneField and ManyToManyField specs (target, on_delete, related_name,
// related_query_name; a many-to-many's db_table or through model). A model that extends
// another (meta.parent) subclasses the parent's twin, with only its own fields (Django adds
// "<parent>_ptr"); a proxy (meta.proxy_for) is a Django proxy of the concrete model's twin.
// The parent's twin must be added to the oracle first.
inline json to_json(const dorm::Value& v);

template <class T>
dorm_test::OracleModel oracle_model() {
    const dorm::ModelMeta& m = T::meta();
    dorm_test::OracleModel out;
    out.name = m.name;
    out.ordering = m.ordering;
    out.get_latest_by = m.get_latest_by;
    if (m.proxy_for) {
        out.parent = m.proxy_for->name;
        out.proxy = true;
        return out;
    }
    out.table = m.table;
    if (m.parent)
        out.parent = m.parent->name;
    for (const auto& f : m.fields) {
        if (!m.owns(f) || f.parent_link)
            continue; // a parent's field, or the "<parent>_ptr" Django adds itself
        dorm_test::OracleField of;
        of.name = f.name;
        of.column = f.column == f.name ? std::string() : f.column;
        of.type = std::string(dorm::field_kind_name(f.kind));
        of.primary_key = f.primary_key;
        of.null = f.null();
        of.unique = f.unique;
        of.db_index = f.db_index;
        of.max_length = static_cast<int>(f.max_length);
        if (f.blank)
            of.extra["blank"] = true;
        for (const auto& c : f.choices)
            of.extra["choices"].push_back(json::array({to_json(c.value), c.label}));
        for (const auto& v : f.validators) {
            static const char* const kinds[] = {"",           "min_value",  "max_value",
                                                "min_length", "max_length", ""};
            const char* kind = kinds[static_cast<int>(v.kind)];
            if (*kind) // a custom validator has no Django twin
                of.extra["validators"].push_back(json{{"kind", kind}, {"limit", to_json(v.limit)}});
        }
        if (f.kind == dorm::FieldKind::Decimal) {
            of.extra["max_digits"] = f.max_digits;
            of.extra["decimal_places"] = f.decimal_places;
        }
        if (f.is_foreign_key()) {
            if (f.column == f.name + "_id")
                of.column.clear(); // Django's default column
            of.extra["to"] = f.related_model().name;
            of.extra["on_delete"] = on_delete_name(f.on_delete);
            if (!f.related_name.empty())
                of.extra["related_name"] = f.related_name;
            if (!f.related_query_name.empty())
                of.extra["related_query_name"] = f.related_query_name;
            if (f.default_value) // on_delete=SET_DEFAULT needs it
                of.extra["default"] = to_json(*f.default_value);
            of.unique = f.unique && f.kind != dorm::FieldKind::OneToOne; // implied there
        }
        out.fields.push_back(std::move(of));
    }
    for (const auto& f : m.many_to_many) {
        if (!m.owns(f))
            continue;
        dorm_test::OracleField of;
        of.name = f.name;
        of.type = std::string(dorm::field_kind_name(f.kind));
        of.extra["to"] = f.related_model().name;
        if (!f.related_name.empty())
            of.extra["related_name"] = f.related_name;
        if (!f.related_query_name.empty())
            of.extra["related_query_name"] = f.related_query_name;
        if (f.through)
            of.extra["through"] = f.through_model().name;
        else if (!f.m2m_table.empty())
            of.extra["db_table"] = f.m2m_table;
        if (&f.related_model() == &m && !f.symmetrical)
            of.extra["symmetrical"] = false;
        out.fields.push_back(std::move(of));
    }
    return out;
}

inline dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(oracle_model<Item>()).add_model(oracle_model<Tag>());
    return o;
}

// ---------------------------------------------------------------------------------------------
// The data: hostile strings, NULLs, a leap day, microseconds, a year boundary
// ---------------------------------------------------------------------------------------------

struct Seed {
    const char* name;
    std::optional<std::string> note;
    int rank;
    std::optional<int> rating;
    std::int64_t big;
    double score;
    std::optional<double> weight;
    bool active;
    std::optional<bool> flag;
    dorm::Date day;
    std::optional<dorm::Date> due;
    dorm::DateTime stamp;
    std::optional<dorm::DateTime> seen;
};

inline const std::vector<Seed>& seed_rows() {
    using D = dorm::Date;
    using DT = dorm::DateTime;
    const auto none = std::nullopt;
    static const std::vector<Seed> rows = {
        // 1
        {"Hello World", "greeting", 1, 5, 10000000000LL, 1.5, 2.25, true, true, D{2005, 7, 29},
         D{2005, 8, 1}, DT(2005, 7, 29, 10, 30, 0), DT(2005, 7, 29, 10, 30, 0, 250)},
        // 2
        {"hello world", none, 2, none, -1, -0.5, none, false, none, D{2004, 2, 29}, none,
         DT(2004, 2, 29, 12, 0, 0), none},
        // 3: 2007-12-31 is a Monday, in ISO year 2008
        {"HELLO", "HELLO", 3, 3, 0, 0.0, 0.5, true, false, D{2007, 12, 31}, D{2008, 1, 1},
         DT(2007, 12, 31, 23, 59, 59, 999999), DT(2008, 1, 1, 0, 0, 0)},
        // 4
        {"100% sure", "100%", 3, 1, 42, 100.0, 0.001, false, true, D{2008, 1, 1}, none,
         DT(2008, 1, 1, 0, 0, 0), none},
        // 5
        {"under_score", "_", 4, 2, 7, 2.5, none, true, none, D{2006, 6, 15}, D{2006, 6, 15},
         DT(2006, 6, 15, 6, 15, 0, 500000), none},
        // 6
        {"back\\slash", "\\", -1, none, 1099511627776LL, -2.25, 3.0, false, false, D{2000, 1, 1},
         none, DT(2000, 1, 1, 0, 0, 0, 1), DT(2000, 1, 1, 0, 0, 0)},
        // 7
        {"it's", "'", 0, 0, 3, 0.1, 0.2, true, true, D{1999, 12, 31}, D{2000, 2, 29},
         DT(1999, 12, 31, 23, 59, 59), DT(1999, 12, 31, 23, 59, 59)},
        // 8: 2010-01-03 is a Sunday, in ISO year 2009 (week 53)
        {"say \"hi\"", "\"", 5, 5, 5, 5.5, none, false, none, D{2010, 1, 3}, none,
         DT(2010, 1, 3, 18, 45, 30), none},
        // 9: the empty string; 2004-12-31 is in ISO week 53
        {"", "", 0, none, 0, 0.0, none, false, false, D{2004, 12, 31}, none,
         DT(2004, 12, 31, 8, 0, 0), none},
        // 10
        {"Ärger im Büro", "ÄRGER", 6, 4, 6, 6.25, 6.5, true, true, D{2009, 3, 31}, D{2009, 4, 1},
         DT(2009, 3, 31, 14, 0, 0), DT(2009, 4, 1, 9, 9, 9)},
        // 11
        {"ärger", "ärger", 6, 4, 6, 6.25, none, false, none, D{2009, 4, 1}, none,
         DT(2009, 4, 1, 0, 0, 0, 10), none},
        // 12
        {"straße", "STRASSE", 7, 6, 8, 7.75, 1.0, true, true, D{2011, 11, 11}, D{2011, 11, 12},
         DT(2011, 11, 11, 11, 11, 11), DT(2011, 11, 11, 11, 11, 11, 110000)},
        // 13
        {"STRASSE", "straße", 7, 7, 9, 7.75, none, false, false, D{2011, 11, 12}, none,
         DT(2011, 11, 12, 11, 11, 11), none},
        // 14
        {"Σίσυφος", "ΣΊΣΥΦΟΣ", 8, 8, -8, -8.5, 8.5, true, none, D{2003, 3, 3}, D{2003, 3, 4},
         DT(2003, 3, 3, 3, 3, 3), DT(2003, 3, 4, 4, 4, 4)},
        // 15
        {"日本語テキスト", "日本", 9, none, 9, 9.0, none, false, true, D{2002, 9, 9}, none,
         DT(2002, 9, 9, 21, 9, 0), none},
        // 16
        {"emoji 🙂 face", "🙂", 10, 10, 10, 10.125, 10.0, true, false, D{2001, 1, 7},
         D{2001, 1, 8}, DT(2001, 1, 7, 7, 0, 0), DT(2001, 1, 8, 8, 0, 0)},
        // 17: GLOB's special characters
        {"a*b?[c]", "*", 11, 1, 11, 11.0, none, false, none, D{2013, 5, 5}, none,
         DT(2013, 5, 5, 5, 5, 5), none},
        // 18
        {"tab\tand\nnewline", "\n", 12, 2, 12, 12.0, 0.0, true, true, D{2014, 6, 30}, D{2014, 7, 1},
         DT(2014, 6, 30, 12, 0, 0, 1), DT(2014, 7, 1, 0, 0, 1)},
        // 19
        {"percent%_mix\\", "%_\\", 13, 3, 13, 13.0, none, false, false, D{2015, 10, 1}, none,
         DT(2015, 10, 1, 1, 2, 3), none},
        // 20: another leap day, the last second of it
        {"Zebra", "zebra", 14, 9, 14, 14.0, 14.0, true, true, D{2012, 2, 29}, D{2012, 3, 1},
         DT(2012, 2, 29, 23, 59, 59), DT(2012, 3, 1, 0, 0, 0)},
    };
    return rows;
}

struct TagSeed {
    int item_id;
    const char* label;
};

inline const std::vector<TagSeed>& tag_rows() {
    static const std::vector<TagSeed> rows = {
        {1, "red"},  {1, "blue"},  {3, "red"},     {4, "green"},
        {10, "red"}, {12, "Blue"}, {99, "orphan"},
    };
    return rows;
}

// Creates the tables with dorm and writes the rows with dorm's save().
inline void seed(dorm::Database& db) {
    dorm::create_tables<Item, Tag>(db);
    dorm::atomic(db, [&] {
        for (const Seed& s : seed_rows()) {
            Item it;
            it.name = s.name;
            it.note = s.note;
            it.rank = s.rank;
            it.rating = s.rating;
            it.big = s.big;
            it.score = s.score;
            it.weight = s.weight;
            it.active = s.active;
            it.flag = s.flag;
            it.day = s.day;
            it.due = s.due;
            it.stamp = s.stamp;
            it.seen = s.seen;
            it.save(db);
        }
        for (const TagSeed& t : tag_rows()) {
            Tag tag;
            tag.item_id = t.item_id;
            tag.label = t.label;
            tag.save(db);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Temporary directory
// ---------------------------------------------------------------------------------------------

class TempDir {
public:
    TempDir() {
        std::string templ = (std::filesystem::temp_directory_path() / "dorm_conf_XXXXXX").string();
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        if (::mkdtemp(buf.data()) == nullptr)
            throw std::runtime_error("cannot create a temporary directory from " + templ);
        path_ = buf.data();
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        if (std::getenv("DORM_ORACLE_KEEP") == nullptr) {
            std::error_code ec;
            std::filesystem::remove_all(path_, ec);
        }
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// A seeded database file, closed (so its WAL is checkpointed into the file).
// The statements Django's schema editor writes for the oracle's models (CREATE TABLE, CREATE
// INDEX), each without its final ';', in Django's order.
inline std::vector<std::string> django_ddl(dorm_test::DjangoOracle& oracle, const TempDir& dir) {
    oracle.collect_schema_sql();
    std::vector<std::string> out;
    for (auto sql : oracle.run(dir.file("ddl.sqlite3")).schema_sql()) {
        if (!sql.empty() && sql.back() == ';')
            sql.pop_back();
        out.push_back(std::move(sql));
    }
    return out;
}

inline std::string make_seeded_file(const TempDir& dir, const std::string& name = "seed.sqlite3") {
    const std::string path = dir.file(name);
    dorm::Database db(path);
    seed(db);
    return path;
}

// ---------------------------------------------------------------------------------------------
// Normalization to the oracle's JSON
// ---------------------------------------------------------------------------------------------

inline json to_json(const dorm::Value& v) {
    using K = dorm::Value::Kind;
    switch (v.kind()) {
    case K::Null:
        return nullptr;
    case K::Integer:
        return v.as_int();
    case K::Real:
        return v.as_double();
    case K::Text:
        return v.as_text();
    case K::Bool:
        return v.as_bool();
    case K::Date:
        return v.as_date().iso();
    case K::Time:
        return v.as_time().iso();
    case K::DateTime:
        return v.as_datetime().iso();
    case K::Duration: // the oracle's timedelta: total seconds
        return static_cast<double>(v.as_duration().count()) / 1e6;
    case K::Blob: {
        static const char* hex = "0123456789abcdef";
        std::string out;
        for (auto b : v.as_blob()) {
            out += hex[b >> 4];
            out += hex[b & 15];
        }
        return out;
    }
    case K::Decimal: // the oracle normalizes a Decimal to a float
        return v.as_decimal().to_double();
    case K::Uuid:
        return v.as_uuid().str();
    }
    return nullptr;
}

// The key of a Python dict, as str(key).
inline std::string key_of(const dorm::Value& v) {
    if (v.kind() == dorm::Value::Kind::Text)
        return v.as_text();
    const json j = to_json(v);
    return j.is_string() ? j.get<std::string>() : j.dump();
}

// An unset auto primary key (0) is Django's None.
template <class T>
json pk_of(const T& obj) {
    const dorm::Value pk = obj.pk();
    if (T::meta().pk().auto_created() && !pk.is_null() && pk.as_int() == 0)
        return nullptr;
    return to_json(pk);
}
template <class T>
json pk_of(const std::optional<T>& obj) {
    return obj ? pk_of(*obj) : json(nullptr);
}

// Primary keys of a queryset (or of a vector of objects), in iteration order.
template <class Range>
json pks(const Range& objs) {
    json out = json::array();
    for (const auto& o : objs)
        out.push_back(pk_of(o));
    return out;
}

inline json row_json(const dorm::Row& r) {
    json o = json::object();
    for (std::size_t i = 0; i < r.size(); ++i)
        o[r.names()[i]] = to_json(r[i]);
    return o;
}

inline json rows(const dorm::ValuesQuerySet& qs) {
    json out = json::array();
    for (const auto& r : qs)
        out.push_back(row_json(r));
    return out;
}

inline json rows(const dorm::ValuesListQuerySet& qs) {
    json out = json::array();
    for (const auto& r : qs.rows()) {
        json row = json::array();
        for (const auto& v : r)
            row.push_back(to_json(v));
        out.push_back(std::move(row));
    }
    return out;
}

inline json flat(const dorm::Values& vs) {
    json out = json::array();
    for (const auto& v : vs)
        out.push_back(to_json(v));
    return out;
}

inline json flat(const dorm::ValuesListQuerySet& qs) {
    return flat(qs.flat());
}

inline json flat(const dorm::FlatValuesListQuerySet& qs) {
    return flat(qs.flat());
}

inline json agg(const std::map<std::string, dorm::Value>& m) {
    json o = json::object();
    for (const auto& [k, v] : m)
        o[k] = to_json(v);
    return o;
}

template <class D>
json isos(const std::vector<D>& ds) {
    json out = json::array();
    for (const auto& d : ds)
        out.push_back(d.iso());
    return out;
}

// in_bulk(): {str(key): pk}.
template <class T>
json bulk(const std::map<dorm::Value, T>& m) {
    json o = json::object();
    for (const auto& [k, v] : m)
        o[key_of(k)] = pk_of(v);
    return o;
}

// ---------------------------------------------------------------------------------------------
// Raw dump of a table (as the oracle's "dump": storage values, ordered by the primary key)
// ---------------------------------------------------------------------------------------------

inline json dump_table(const std::string& path, const std::string& table, const std::string& pk) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    const std::string sql =
        "SELECT * FROM " + dorm::sql::quote(table) + " ORDER BY " + dorm::sql::quote(pk);
    sqlite3_stmt* st = nullptr;
    json out = json::array();
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        std::string msg = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("dump of " + table + ": " + msg);
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        json row = json::array();
        for (int i = 0; i < sqlite3_column_count(st); ++i) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
                row.push_back(sqlite3_column_int64(st, i));
                break;
            case SQLITE_FLOAT:
                row.push_back(sqlite3_column_double(st, i));
                break;
            case SQLITE_TEXT:
                row.push_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)),
                                          static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
                break;
            case SQLITE_BLOB: { // the oracle's bytes(value).hex()
                const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st, i));
                static const char* hex = "0123456789abcdef";
                std::string text;
                for (int k = 0; k < sqlite3_column_bytes(st, i); ++k) {
                    text += hex[b[k] >> 4];
                    text += hex[b[k] & 15];
                }
                row.push_back(text);
                break;
            }
            default:
                row.push_back(nullptr);
            }
        }
        out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

// ---------------------------------------------------------------------------------------------
// The table-driven suite
// ---------------------------------------------------------------------------------------------

// dorm's exception -> the class name Django would raise for the same mistake.
inline json error_json(const std::exception& e) {
    std::string name = "Exception";
    if (dynamic_cast<const dorm::IndexError*>(&e))
        name = "IndexError";
    else if (dynamic_cast<const dorm::MultipleObjectsReturned*>(&e))
        name = "MultipleObjectsReturned";
    else if (dynamic_cast<const dorm::DoesNotExist*>(&e))
        name = "DoesNotExist";
    else if (dynamic_cast<const dorm::Http404*>(&e))
        name = "Http404";
    else if (dynamic_cast<const dorm::FieldError*>(&e))
        name = "FieldError";
    else if (dynamic_cast<const dorm::ValidationError*>(&e))
        name = "ValidationError";
    else if (dynamic_cast<const dorm::TypeError*>(&e))
        name = "TypeError";
    else if (dynamic_cast<const dorm::OverflowError*>(&e))
        name = "OverflowError";
    else if (dynamic_cast<const dorm::ValueError*>(&e))
        name = "ValueError";
    else if (dynamic_cast<const dorm::UsageError*>(&e))
        name = "UsageError";
    else if (dynamic_cast<const dorm::NotSupported*>(&e))
        name = "NotSupportedError";
    else if (dynamic_cast<const dorm::IntegrityError*>(&e))
        name = "IntegrityError";
    else if (dynamic_cast<const dorm::OperationalError*>(&e))
        name = "OperationalError";
    else if (dynamic_cast<const dorm::DatabaseError*>(&e))
        name = "DatabaseError";
    else if (dynamic_cast<const dorm::Error*>(&e))
        name = "Error";
    return json{{"error", name}, {"message", e.what()}};
}

inline bool is_error(const json& j) {
    return j.is_object() && j.contains("error");
}

// The same error class, or two names for the same mistake: dorm's UsageError is the
// AssertionError (3.2) / TypeError (4.x) Django raises for a misuse such as filtering a
// sliced queryset.
inline bool same_error_class(const json& dorm_result, const json& django_result) {
    const auto a = dorm_result.at("error").get<std::string>();
    const auto b = django_result.at("error").get<std::string>();
    if (a == b)
        return true;
    return a == "UsageError" && (b == "AssertionError" || b == "TypeError");
}

// A Python expression evaluated by the oracle: the documented result of a departure.
struct Py {
    std::string expr;
};

enum class Compare { Ordered, Unordered };

class Suite {
public:
    explicit Suite(dorm::Database& db) : db_(db) {
        db_.set_query_log([this](const dorm::LoggedQuery& q) {
            std::string line(q.sql);
            if (!q.params.empty()) {
                line += "  -- params:";
                for (const auto& p : q.params)
                    line += " " + p.repr();
            }
            log_.push_back(std::move(line));
        });
    }
    Suite(const Suite&) = delete;
    Suite& operator=(const Suite&) = delete;
    ~Suite() { db_.set_query_log({}); }

    using Fn = std::function<json()>;

    // Ordered comparison: dorm's result must equal Django's, element by element.
    Suite& same(std::string id, Fn fn, std::string django) {
        return add(std::move(id), std::move(fn), std::move(django), Compare::Ordered);
    }
    // Both must raise, the same exception class (by name, see same_error_class()), and
    // with with_message, the same message.
    Suite& same_error(std::string id, Fn fn, std::string django, bool with_message = false) {
        add(std::move(id), std::move(fn), std::move(django), Compare::Ordered);
        cases_.back().expect_error = true;
        cases_.back().compare_message = with_message;
        return *this;
    }
    // Unordered comparison (a queryset with no total order): same elements.
    Suite& same_set(std::string id, Fn fn, std::string django) {
        return add(std::move(id), std::move(fn), std::move(django), Compare::Unordered);
    }
    // A step of a write scenario: Django runs the statements `exec` (names they bind stay
    // visible to later steps), then evaluates `expr`; dorm runs fn. Cases run in order.
    Suite& step(std::string id, Fn fn, std::string exec, std::string expr) {
        add(std::move(id), std::move(fn), std::move(expr), Compare::Ordered);
        cases_.back().exec = std::move(exec);
        return *this;
    }
    Suite& step_error(std::string id, Fn fn, std::string exec, std::string expr) {
        step(std::move(id), std::move(fn), std::move(exec), std::move(expr));
        cases_.back().expect_error = true;
        return *this;
    }
    // A deliberate difference: dorm gives `documented`, Django on SQLite gives `django_actual`.
    Suite& differs(std::string id, Fn fn, std::string django, std::variant<Py, json> documented,
                   json django_actual, Compare cmp = Compare::Unordered) {
        Case c{std::move(id), std::move(fn), std::move(django), cmp};
        c.departure = true;
        c.documented = std::move(documented);
        c.django_actual = std::move(django_actual);
        return push(std::move(c));
    }

    std::size_t size() const { return cases_.size(); }
    // How many statements the case being evaluated has run so far (to compare with
    // len(connection.queries) on Django's side).
    std::size_t queries_run() const { return log_.size(); }
    std::size_t departures() const {
        std::size_t n = 0;
        for (const auto& c : cases_)
            n += c.departure;
        return n;
    }

    // Runs every Django expression in one oracle run on `db_path` (with dump: the tables
    // are dumped afterwards), then every dorm lambda in order, and checks each case.
    dorm_test::OracleResult run(dorm_test::DjangoOracle& oracle, const std::string& db_path,
                                bool dump = false) {
        oracle.clear_queries();
        for (const auto& c : cases_) {
            if (c.exec.empty())
                oracle.query(c.id, c.django);
            else
                oracle.exec_then(c.id, c.exec, c.django);
            if (c.departure && std::holds_alternative<Py>(c.documented))
                oracle.query(c.id + "#documented", std::get<Py>(c.documented).expr);
        }
        dorm_test::OracleResult res = oracle.run(db_path, dump);
        for (auto& c : cases_)
            check(c, res);
        return res;
    }

    // Evaluates one dorm lambda, turning a dorm exception into {"error": ...}.
    json eval(const Fn& fn) {
        log_.clear();
        try {
            return fn();
        } catch (const dorm::Error& e) {
            return error_json(e);
        }
    }

private:
    struct Case {
        std::string id{};
        Fn fn{};
        std::string django{};
        Compare cmp = Compare::Ordered;
        std::string exec{};
        bool departure = false;
        bool expect_error = false;
        bool compare_message = false;
        std::variant<Py, json> documented{json()};
        json django_actual{};
    };

    Suite& add(std::string id, Fn fn, std::string django, Compare cmp) {
        return push(Case{std::move(id), std::move(fn), std::move(django), cmp});
    }
    // Django's results are keyed by id: a second case with the same id would be compared
    // with the other one's result.
    Suite& push(Case c) {
        for (const Case& other : cases_)
            if (other.id == c.id)
                throw std::logic_error("conformance: case id '" + c.id + "' is used twice");
        cases_.push_back(std::move(c));
        return *this;
    }

    static bool equal(const json& a, const json& b, Compare cmp) {
        if (is_error(a) || is_error(b))
            return is_error(a) && is_error(b) && same_error_class(a, b);
        return cmp == Compare::Ordered ? dorm_test::json_close(a, b, 1e-9, 1e-9)
                                       : dorm_test::json_equal_unordered(a, b, 1e-9, 1e-9);
    }

    std::string dorm_sql() const {
        std::string out;
        for (const auto& l : log_)
            out += "\n    " + l;
        return out.empty() ? "\n    (none)" : out;
    }

    void check(const Case& c, const dorm_test::OracleResult& res) {
        const json dorm_result = eval(c.fn);
        const json& django_result = res.result(c.id);
        std::ostringstream info;
        info << "case " << c.id << "\n  django: " << (c.exec.empty() ? "" : c.exec + "; ")
             << c.django << "\n  dorm result:   " << dorm_result.dump()
             << "\n  django result: " << django_result.dump() << "\n  dorm SQL:" << dorm_sql()
             << "\n  django SQL: " << res.sql(c.id);
        if (!c.departure) {
            INFO(info.str());
            // An error where none is expected (a typo on both sides) must not pass.
            CHECK(is_error(django_result) == c.expect_error);
            CHECK(equal(dorm_result, django_result, c.cmp));
            if (c.compare_message && is_error(dorm_result) && is_error(django_result))
                CHECK(dorm_result.value("message", "") == django_result.value("message", ""));
            return;
        }
        const json documented = std::holds_alternative<Py>(c.documented)
                                    ? res.result(c.id + "#documented")
                                    : std::get<json>(c.documented);
        info << "\n  documented (dorm must give): " << documented.dump()
             << "\n  django on SQLite expected:   " << c.django_actual.dump();
        INFO(info.str());
        CHECK(equal(dorm_result, documented, c.cmp));
        CHECK(equal(c.django_actual, django_result, c.cmp));
    }

    dorm::Database& db_;
    std::vector<Case> cases_;
    std::vector<std::string> log_;
};

// Delete results, compared as Django prints them.

// dorm's DeleteResult in Django's shape; a model listed twice is kept apart to be seen.
inline json delete_json(const dorm::DeleteResult& d) {
    json per = json::object();
    for (const auto& [model, n] : d.per_model)
        per[per.contains(model) ? model + " (again)" : model] = n;
    return json::array({d.total, per});
}

// Django's (total, {"dormoracle.Model": n}) without the app label.
inline json strip_label(const json& r) {
    if (!r.is_array() || r.size() != 2 || !r[1].is_object())
        return r;
    json per = json::object();
    for (auto it = r[1].begin(); it != r[1].end(); ++it) {
        const std::string& k = it.key();
        const auto dot = k.find('.');
        per[dot == std::string::npos ? k : k.substr(dot + 1)] = it.value();
    }
    return json::array({r[0], per});
}

} // namespace conf
