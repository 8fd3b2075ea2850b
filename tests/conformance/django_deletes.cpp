// Conformance with Django: deletes across relations. One seeded SQLite file is copied twice
// per case; dorm deletes on one copy, Django 3.2 runs the same delete on the other, and then
// (a) every table of both files is dumped raw and compared, and (b) the deletion counts are
// compared: Django's delete() returns (total, {"app_label.Model": n}), dorm's DeleteResult is
// turned into the same shape. A delete that Django refuses (ProtectedError, RestrictedError,
// IntegrityError at COMMIT) must be refused by dorm with the same exception class, and both
// files must then be unchanged.
#include "conformance.hpp"

#include <functional>

using conf::json;

namespace {

// Quotes, LIKE wildcards, a backslash, non-ASCII.
const std::string hostile = "it's 100% _sure\\ \"Ünï\" 😀";

// A Python string literal (a JSON string is one).
std::string py(const std::string& s) {
    return json(s).dump();
}

// --- models (the Django twins are built from their metadata) -------------------------------

struct Owner : dorm::Model<Owner> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Owner>& m) {
        m.table("dd_owner");
        m.field("id", &Owner::id, dorm::auto_pk);
        m.field("name", &Owner::name, dorm::max_length(60));
    }
};

struct Blog : dorm::Model<Blog> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Owner> owner;
    static void define(dorm::ModelDef<Blog>& m) {
        m.table("dd_blog");
        m.field("id", &Blog::id, dorm::auto_pk);
        m.field("name", &Blog::name, dorm::max_length(60));
        m.field("owner", &Blog::owner, dorm::null, dorm::set_null);
    }
};

struct Author : dorm::Model<Author> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Author>& m) {
        m.table("dd_author");
        m.field("id", &Author::id, dorm::auto_pk);
        m.field("name", &Author::name, dorm::max_length(60));
    }
};

struct Entry : dorm::Model<Entry> {
    std::int64_t id = 0;
    dorm::ForeignKey<Blog> blog;
    std::string headline;
    dorm::ManyToMany<Author> authors;
    static void define(dorm::ModelDef<Entry>& m) {
        m.table("dd_entry");
        m.field("id", &Entry::id, dorm::auto_pk);
        m.field("blog", &Entry::blog);
        m.field("headline", &Entry::headline, dorm::max_length(100));
        m.field("authors", &Entry::authors);
    }
};

struct Comment : dorm::Model<Comment> {
    std::int64_t id = 0;
    dorm::ForeignKey<Entry> entry;
    dorm::ForeignKey<Comment> parent;
    std::string text;
    static void define(dorm::ModelDef<Comment>& m) {
        m.table("dd_comment");
        m.field("id", &Comment::id, dorm::auto_pk);
        m.field("entry", &Comment::entry);
        m.field("parent", &Comment::parent, dorm::null, dorm::related_name("replies"));
        m.field("text", &Comment::text, dorm::max_length(60));
    }
};

struct Category : dorm::Model<Category> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Category>& m) {
        m.table("dd_category");
        m.field("id", &Category::id, dorm::auto_pk);
        m.field("name", &Category::name, dorm::max_length(60));
    }
};

struct Shop : dorm::Model<Shop> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Shop>& m) {
        m.table("dd_shop");
        m.field("id", &Shop::id, dorm::auto_pk);
        m.field("name", &Shop::name, dorm::max_length(60));
    }
};

struct Product : dorm::Model<Product> {
    std::int64_t id = 0;
    std::string name;
    dorm::ForeignKey<Category> category;
    dorm::ForeignKey<Shop> shop;
    static void define(dorm::ModelDef<Product>& m) {
        m.table("dd_product");
        m.field("id", &Product::id, dorm::auto_pk);
        m.field("name", &Product::name, dorm::max_length(60));
        m.field("category", &Product::category, dorm::protect);
        m.field("shop", &Product::shop);
    }
};

struct Sale : dorm::Model<Sale> {
    std::int64_t id = 0;
    dorm::ForeignKey<Product> product;
    int qty = 0;
    static void define(dorm::ModelDef<Sale>& m) {
        m.table("dd_sale");
        m.field("id", &Sale::id, dorm::auto_pk);
        m.field("product", &Sale::product, dorm::protect);
        m.field("qty", &Sale::qty);
    }
};

struct Artist : dorm::Model<Artist> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Artist>& m) {
        m.table("dd_artist");
        m.field("id", &Artist::id, dorm::auto_pk);
        m.field("name", &Artist::name, dorm::max_length(10));
    }
};

struct Album : dorm::Model<Album> {
    std::int64_t id = 0;
    dorm::ForeignKey<Artist> artist;
    static void define(dorm::ModelDef<Album>& m) {
        m.table("dd_album");
        m.field("id", &Album::id, dorm::auto_pk);
        m.field("artist", &Album::artist);
    }
};

struct Song : dorm::Model<Song> {
    std::int64_t id = 0;
    dorm::ForeignKey<Artist> artist;
    dorm::ForeignKey<Album> album;
    static void define(dorm::ModelDef<Song>& m) {
        m.table("dd_song");
        m.field("id", &Song::id, dorm::auto_pk);
        m.field("artist", &Song::artist);
        m.field("album", &Song::album, dorm::restrict);
    }
};

struct Status : dorm::Model<Status> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Status>& m) {
        m.table("dd_status");
        m.field("id", &Status::id, dorm::auto_pk);
        m.field("name", &Status::name, dorm::max_length(20));
    }
};

struct Task : dorm::Model<Task> {
    std::int64_t id = 0;
    std::string title;
    dorm::ForeignKey<Status> status;
    static void define(dorm::ModelDef<Task>& m) {
        m.table("dd_task");
        m.field("id", &Task::id, dorm::auto_pk);
        m.field("title", &Task::title, dorm::max_length(20));
        m.field("status", &Task::status, dorm::set_default, dorm::default_(1));
    }
};

struct Device : dorm::Model<Device> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Device>& m) {
        m.table("dd_device");
        m.field("id", &Device::id, dorm::auto_pk);
        m.field("name", &Device::name, dorm::max_length(20));
    }
};

struct Reading : dorm::Model<Reading> {
    std::int64_t id = 0;
    dorm::ForeignKey<Device> device;
    int value = 0;
    static void define(dorm::ModelDef<Reading>& m) {
        m.table("dd_reading");
        m.field("id", &Reading::id, dorm::auto_pk);
        m.field("device", &Reading::device, dorm::do_nothing);
        m.field("value", &Reading::value);
    }
};

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> friends; // to itself: dd_person_friends
    static void define(dorm::ModelDef<Person>& m) {
        m.table("dd_person");
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(60));
        m.field("friends", &Person::friends);
    }
};

struct Membership;

struct Club : dorm::Model<Club> {
    std::int64_t id = 0;
    std::string name;
    dorm::ManyToMany<Person> members;
    static void define(dorm::ModelDef<Club>& m) {
        m.table("dd_club");
        m.field("id", &Club::id, dorm::auto_pk);
        m.field("name", &Club::name, dorm::max_length(60));
        m.field("members", &Club::members, dorm::through<Membership>());
    }
};

struct Membership : dorm::Model<Membership> {
    std::int64_t id = 0;
    dorm::ForeignKey<Club> club;
    dorm::ForeignKey<Person> person;
    std::string role;
    static void define(dorm::ModelDef<Membership>& m) {
        m.table("dd_membership");
        m.field("id", &Membership::id, dorm::auto_pk);
        m.field("club", &Membership::club);
        m.field("person", &Membership::person);
        m.field("role", &Membership::role, dorm::max_length(20));
    }
};

struct Place : dorm::Model<Place> {
    std::int64_t id = 0;
    std::string name;
    static void define(dorm::ModelDef<Place>& m) {
        m.table("dd_place");
        m.field("id", &Place::id, dorm::auto_pk);
        m.field("name", &Place::name, dorm::max_length(60));
    }
};

struct Restaurant : dorm::Model<Restaurant> {
    std::int64_t id = 0;
    dorm::OneToOne<Place> place;
    static void define(dorm::ModelDef<Restaurant>& m) {
        m.table("dd_restaurant");
        m.field("id", &Restaurant::id, dorm::auto_pk);
        m.field("place", &Restaurant::place);
    }
};

// --- the Django twins -----------------------------------------------------------------------

// The 21 models, each target before the models that refer to it (a join model after both
// sides).
dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Owner>())
        .add_model(conf::oracle_model<Blog>())
        .add_model(conf::oracle_model<Author>())
        .add_model(conf::oracle_model<Entry>())
        .add_model(conf::oracle_model<Comment>())
        .add_model(conf::oracle_model<Category>())
        .add_model(conf::oracle_model<Shop>())
        .add_model(conf::oracle_model<Product>())
        .add_model(conf::oracle_model<Sale>())
        .add_model(conf::oracle_model<Artist>())
        .add_model(conf::oracle_model<Album>())
        .add_model(conf::oracle_model<Song>())
        .add_model(conf::oracle_model<Status>())
        .add_model(conf::oracle_model<Task>())
        .add_model(conf::oracle_model<Device>())
        .add_model(conf::oracle_model<Reading>())
        .add_model(conf::oracle_model<Person>())
        .add_model(conf::oracle_model<Club>())
        .add_model(conf::oracle_model<Membership>())
        .add_model(conf::oracle_model<Place>())
        .add_model(conf::oracle_model<Restaurant>());
    return o;
}

// --- the data ---------------------------------------------------------------------------------
//
// Owners: 1 Ann (blogs 1, 2), 2 Bo (blogs 4, 5), 3 Cy (no blog).
// Blogs: 1 daily (Ann), 2 news (Ann), 3 <hostile> (no owner), 4 quiet (Bo, no entries),
//        5 "100 of us" (Bo; an unescaped LIKE '%100% _%' would match it).
// Authors: 1 a1, 2 a2, 3 "a3 ü", 4 "a4 O'Brien \ %_" (no entry).
// Entries: id blog headline          authors
//          1  1    daily one         a1, a2
//          2  1    daily two         a3 ü
//          3  2    news one          a1, a3 ü
//          4  2    news two          a2
//          5  3    it's "hostile"    a2, a3 ü
//          6  5    of us             -
//          (only the news entries start with "n", in either case)
// Comments: id entry parent
//           1  1     -      the head of a reply chain 1 <- 2 <- 3 <- 4,
//           2  1     1      and 1 <- 10 from another entry
//           3  1     2
//           4  1     3
//           5  3     -
//           6  3     5
//           7  5     -
//           8  4     9      a cycle of two: 8 <-> 9
//           9  4     8
//           10 2     1
//           11 6     -
// Categories: 1 tools (protects products 1, 2), 2 empty. Shops: 1 corner, 2 online.
// Products: 1 hammer (tools, corner), 2 saw (tools, online). Sales (protect): 1, 2 of
//           product 1, qty 1 and 5.
// Artists/albums/songs: Django's RESTRICT example: albums 1 (artist 1), 2 (artist 2); songs
//           1 (artist 1, album 1), 2 (artist 1, album 2).
// Statuses: 1 new (Task.status' default), 2 doing, 3 done. Tasks: t1 new, t2 doing, t3 doing,
//           t4 done.
// Devices: 1 d1 (readings 1, 2; do_nothing), 2 d2 (no reading).
// Persons: p1..p4; friends (symmetrical): p1-p2, p1-p3, p2-p4.
// Clubs: c1 (p1 chair, p2), c2 (p2 it's "me", p3), c3 (p4).
// Places: 1 Joe's (restaurant 1), 2 100% Café (restaurant 2), 3 Empty_lot.

void seed(dorm::Database& db) {
    dorm::create_tables<Owner, Blog, Author, Entry, Comment, Category, Shop, Product, Sale, Artist,
                        Album, Song, Status, Task, Device, Reading, Person, Club, Membership, Place,
                        Restaurant>(db);
    dorm::atomic(db, [&] {
        for (const char* n : {"Ann", "Bo", "Cy"}) {
            Owner o;
            o.name = n;
            o.save(db);
        }
        struct BlogSeed {
            std::string name;
            int owner; // 0: none
        };
        for (const BlogSeed& s : {BlogSeed{"daily", 1}, BlogSeed{"news", 1}, BlogSeed{hostile, 0},
                                  BlogSeed{"quiet", 2}, BlogSeed{"100 of us", 2}}) {
            Blog b;
            b.name = s.name;
            if (s.owner)
                b.owner.set_id(s.owner);
            b.save(db);
        }
        std::vector<Author> authors;
        for (const char* n : {"a1", "a2", "a3 ü", "a4 O'Brien \\ %_"}) {
            Author a;
            a.name = n;
            a.save(db);
            authors.push_back(a);
        }
        struct EntrySeed {
            int blog;
            std::string headline;
            std::vector<int> authors;
        };
        for (const EntrySeed& s :
             {EntrySeed{1, "daily one", {1, 2}}, EntrySeed{1, "daily two", {3}},
              EntrySeed{2, "news one", {1, 3}}, EntrySeed{2, "news two", {2}},
              EntrySeed{3, "it's \"hostile\" 100% _\\", {2, 3}}, EntrySeed{5, "of us", {}}}) {
            Entry e;
            e.blog.set_id(s.blog);
            e.headline = s.headline;
            e.save(db);
            std::vector<Author> linked;
            for (int a : s.authors)
                linked.push_back(authors[static_cast<std::size_t>(a - 1)]);
            if (!linked.empty())
                e.related(&Entry::authors).add(linked);
        }
        struct CommentSeed {
            int entry;
            int parent; // 0: none
            std::string text;
        };
        const std::vector<CommentSeed> comments = {
            {1, 0, "first"},          {1, 1, "re: first"}, {1, 2, "re: re: first"},
            {1, 3, "re: re: re"},     {3, 0, "it's news"}, {3, 5, "100% _agreed\\"},
            {5, 0, hostile},          {4, 0, "ping"},      {4, 8, "pong"},
            {2, 1, "from daily two"}, {6, 0, "us"},
        };
        std::vector<Comment> saved;
        for (const CommentSeed& s : comments) {
            Comment c;
            c.entry.set_id(s.entry);
            if (s.parent)
                c.parent.set_id(s.parent);
            c.text = s.text;
            c.save(db);
            saved.push_back(c);
        }
        // Close the cycle: 8 replies to 9, which replies to 8.
        saved[7].parent.set_id(9);
        saved[7].save(db);

        for (const char* n : {"tools", "empty"}) {
            Category c;
            c.name = n;
            c.save(db);
        }
        for (const char* n : {"corner", "online"}) {
            Shop s;
            s.name = n;
            s.save(db);
        }
        struct ProductSeed {
            const char* name;
            int category, shop;
        };
        for (const ProductSeed& s : {ProductSeed{"hammer", 1, 1}, ProductSeed{"saw", 1, 2}}) {
            Product p;
            p.name = s.name;
            p.category.set_id(s.category);
            p.shop.set_id(s.shop);
            p.save(db);
        }
        for (int qty : {1, 5}) {
            Sale s;
            s.product.set_id(1);
            s.qty = qty;
            s.save(db);
        }

        for (const char* n : {"artist one", "artist two"}) {
            Artist a;
            a.name = n;
            a.save(db);
        }
        for (int artist : {1, 2}) {
            Album a;
            a.artist.set_id(artist);
            a.save(db);
        }
        for (int album : {1, 2}) {
            Song s;
            s.artist.set_id(1);
            s.album.set_id(album);
            s.save(db);
        }

        for (const char* n : {"new", "doing", "done"}) {
            Status s;
            s.name = n;
            s.save(db);
        }
        struct TaskSeed {
            const char* title;
            int status;
        };
        for (const TaskSeed& s :
             {TaskSeed{"t1", 1}, TaskSeed{"t2", 2}, TaskSeed{"t3", 2}, TaskSeed{"t4", 3}}) {
            Task t;
            t.title = s.title;
            t.status.set_id(s.status);
            t.save(db);
        }

        for (const char* n : {"d1", "d2"}) {
            Device d;
            d.name = n;
            d.save(db);
        }
        for (int v : {10, 11}) {
            Reading r;
            r.device.set_id(1);
            r.value = v;
            r.save(db);
        }

        std::vector<Person> people;
        for (const char* n : {"p1", "p2", "p3", "p4"}) {
            Person p;
            p.name = n;
            p.save(db);
            people.push_back(p);
        }
        people[0].related(&Person::friends).add(people[1], people[2]);
        people[1].related(&Person::friends).add(people[3]);
        for (const char* n : {"c1", "c2", "c3"}) {
            Club c;
            c.name = n;
            c.save(db);
        }
        struct MembershipSeed {
            int club, person;
            const char* role;
        };
        for (const MembershipSeed& s :
             {MembershipSeed{1, 1, "chair"}, MembershipSeed{1, 2, "member"},
              MembershipSeed{2, 2, "it's \"me\""}, MembershipSeed{2, 3, "member"},
              MembershipSeed{3, 4, "member"}}) {
            Membership m;
            m.club.set_id(s.club);
            m.person.set_id(s.person);
            m.role = s.role;
            m.save(db);
        }

        for (const char* n : {"Joe's", "100% Café", "Empty_lot"}) {
            Place p;
            p.name = n;
            p.save(db);
        }
        for (int place : {1, 2}) {
            Restaurant r;
            r.place.set_id(place);
            r.save(db);
        }
    });
}

// --- running a delete on both sides ------------------------------------------------------------

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Every table of a file, raw, ordered by id: {table: [[row...], ...]}.
json dump_all(const std::string& path) {
    std::vector<std::string> tables;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &st, nullptr) != SQLITE_OK) {
        const std::string msg = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("tables of " + path + ": " + msg);
    }
    while (sqlite3_step(st) == SQLITE_ROW)
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    sqlite3_close(db);
    json out = json::object();
    for (const auto& t : tables)
        out[t] = conf::dump_table(path, t, "id");
    return out;
}

// What each side gave: [total, {"Model": n}] or {"error": class, "message": ...}.
struct Outcome {
    json mine;
    json theirs;
};

std::string message(const json& r) {
    return r.is_object() ? r.value("message", std::string()) : std::string();
}

// Django's message without its final period (dorm's goes on with the rows).
std::string django_message(const json& r) {
    std::string m = message(r);
    if (!m.empty() && m.back() == '.')
        m.pop_back();
    return m;
}

json dorm_error(const dorm::Error& e) {
    std::string cls;
    if (dynamic_cast<const dorm::ProtectedError*>(&e))
        cls = "ProtectedError";
    else if (dynamic_cast<const dorm::RestrictedError*>(&e))
        cls = "RestrictedError";
    else
        cls = conf::error_json(e).at("error").get<std::string>();
    return json{{"error", cls}, {"message", e.what()}};
}

using conf::delete_json;
using conf::strip_label;

// The Python run for a case: an expression, or statements that set `result`. Django's
// exception becomes {"error", "message": its first argument} (str() of a ProtectedError is
// the repr of a tuple).
std::string python_case(const std::string& code) {
    return "_source = " + py(code) +
           "\n"
           "_error = None\n"
           "result = None\n"
           "try:\n"
           "    try:\n"
           "        _code = compile(_source, '<case>', 'eval')\n"
           "    except SyntaxError:\n"
           "        exec(compile(_source, '<case>', 'exec'))\n"
           "    else:\n"
           "        result = eval(_code)\n"
           "except Exception as _e:\n"
           "    _error = _e\n";
}

const char* python_outcome = "result if _error is None else {'error': type(_error).__name__, "
                             "'message': str(_error.args[0]) if _error.args else str(_error)}";

class Runner {
public:
    struct Case {
        Case(std::string name_, std::function<dorm::DeleteResult()> fn_, std::string python_,
             bool expect_refusal_ = false)
            : name(std::move(name_)), fn(std::move(fn_)), python(std::move(python_)),
              expect_refusal(expect_refusal_) {}
        std::string name;
        std::function<dorm::DeleteResult()> fn;
        std::string python;
        bool expect_refusal;
    };

    Runner() : seed_(dir_.file("seed.sqlite3")) {
        {
            dorm::Database db(seed_);
            seed(db);
        } // closed: the WAL is in the file
        seed_dump_ = dump_all(seed_);
    }

    const json& seed_dump() const { return seed_dump_; }
    std::size_t cases() const { return cases_; }

    // Deletes on a fresh copy of the seed with dorm, on another with Django, and compares.
    Outcome run(const Case& c) {
        ++cases_;
        const std::string stem = std::to_string(cases_) + "_" + c.name;
        const std::string mine_path = dir_.file(stem + "_dorm.sqlite3");
        const std::string theirs_path = dir_.file(stem + "_django.sqlite3");
        std::filesystem::copy_file(seed_, mine_path);
        std::filesystem::copy_file(seed_, theirs_path);

        Outcome out;
        {
            dorm::Database db(mine_path);
            dorm::set_default_database(db);
            struct Unset {
                ~Unset() { dorm::detail::default_database_slot() = nullptr; }
            } unset;
            try {
                out.mine = delete_json(c.fn());
            } catch (const dorm::Error& e) {
                out.mine = dorm_error(e);
            }
        } // closed: the WAL is in the file

        auto oracle = make_oracle();
        oracle.exec_then(c.name, python_case(c.python), python_outcome);
        const dorm_test::OracleResult res = oracle.run(theirs_path, /*dump=*/true);
        out.theirs = strip_label(res.result(c.name));

        INFO("case " << c.name << "\n  django: " << c.python << "\n  dorm result:   "
                     << out.mine.dump() << "\n  django result: " << out.theirs.dump()
                     << "\n  django SQL: " << res.sql(c.name));
        // (b) the counts, or (c) the same refusal.
        CHECK(conf::is_error(out.mine) == c.expect_refusal);
        CHECK(conf::is_error(out.theirs) == c.expect_refusal);
        if (conf::is_error(out.mine) && conf::is_error(out.theirs))
            CHECK(out.mine.at("error") == out.theirs.at("error"));
        else
            CHECK(dorm_test::json_close(out.mine, out.theirs));
        // (a) every table of both files.
        const json django_dump = res.dump();
        bool changed = false;
        for (auto it = seed_dump_.begin(); it != seed_dump_.end(); ++it) {
            const std::string& table = it.key();
            const json mine = conf::dump_table(mine_path, table, "id");
            const json theirs = django_dump.value(table, json());
            INFO("table " << table << "\n  seed:   " << it.value().dump()
                          << "\n  dorm:   " << mine.dump() << "\n  django: " << theirs.dump());
            CHECK(dorm_test::json_close(mine, theirs));
            if (c.expect_refusal) { // nothing changed on either side
                CHECK(dorm_test::json_close(mine, it.value()));
                CHECK(dorm_test::json_close(theirs, it.value()));
            }
            changed = changed || mine != it.value();
        }
        CHECK(django_dump.size() == seed_dump_.size());
        CHECK(changed != c.expect_refusal); // a delete that deletes nothing proves nothing
        return out;
    }

private:
    conf::TempDir dir_;
    std::string seed_;
    json seed_dump_;
    std::size_t cases_ = 0;
};

template <class T>
T get(std::int64_t pk) {
    return T::objects().get("pk", pk);
}

} // namespace

TEST_CASE("deletes: the models are valid Django models", "[conformance][django][deletes]") {
    conf::TempDir dir;
    auto oracle = make_oracle();
    std::string all = "[str(e) for m in [";
    for (const auto& m : oracle.models())
        all += m.name + ", ";
    all += "] for e in m.check()]";
    oracle.query("checks", all);
    const auto res = oracle.run(dir.file("empty.sqlite3"));
    CHECK(res.result("checks") == json::array());
    CHECK(oracle.models().size() == 21);
}

TEST_CASE("deletes: cascade agrees with Django", "[conformance][django][deletes]") {
    Runner r;
    // 23 tables: 21 models, Entry.authors' and Person.friends' join tables.
    CHECK(r.seed_dump().size() == 23);
    // A blog: its entries, their comments (a reply chain) and author links.
    r.run({"blog_instance", [] { return get<Blog>(1).delete_(); },
           "Blog.objects.get(pk=1).delete()"});
    r.run({"blogs_queryset",
           [] {
               return Blog::objects().filter("name__in", dorm::Values{"news", hostile}).delete_();
           },
           "Blog.objects.filter(name__in=['news', " + py(hostile) + "]).delete()"});
    r.run({"all_blogs", [] { return Blog::objects().all().delete_(); },
           "Blog.objects.all().delete()"});
    // A comment: its replies, down the chain; a cycle of two.
    r.run({"comment_chain", [] { return get<Comment>(1).delete_(); },
           "Comment.objects.get(pk=1).delete()"});
    r.run({"comment_cycle", [] { return get<Comment>(8).delete_(); },
           "Comment.objects.get(pk=8).delete()"});
    // OneToOne.
    r.run({"place", [] { return get<Place>(1).delete_(); }, "Place.objects.get(pk=1).delete()"});
    r.run({"restaurant", [] { return Restaurant::objects().all().delete_(); },
           "Restaurant.objects.all().delete()"});
}

TEST_CASE("deletes: querysets filtered across relations agree with Django",
          "[conformance][django][deletes]") {
    Runner r;
    r.run({"entries_of_blog_named",
           [] { return Entry::objects().filter("blog__name", hostile).delete_(); },
           "Entry.objects.filter(blog__name=" + py(hostile) + ").delete()"});
    r.run({"entries_contains_wildcards",
           [] { return Entry::objects().filter("blog__name__contains", "100% _").delete_(); },
           "Entry.objects.filter(blog__name__contains='100% _').delete()"});
    // A reverse, multi-valued lookup matching one blog through two entries.
    r.run({"blogs_by_entry",
           [] { return Blog::objects().filter("entry__headline__startswith", "n").delete_(); },
           "Blog.objects.filter(entry__headline__startswith='n').delete()"});
    r.run({"blogs_by_author",
           [] { return Blog::objects().filter("entry__authors__name", "a3 ü").delete_(); },
           "Blog.objects.filter(entry__authors__name='a3 ü').delete()"});
    r.run({"comments_two_levels",
           [] { return Comment::objects().filter("entry__blog__owner__name", "Ann").delete_(); },
           "Comment.objects.filter(entry__blog__owner__name='Ann').delete()"});
    // A model nothing refers to (dorm's one-statement path).
    r.run({"sales_by_category",
           [] {
               return Sale::objects()
                   .filter("product__category__name", "tools")
                   .filter("qty__gt", 1)
                   .delete_();
           },
           "Sale.objects.filter(product__category__name='tools', qty__gt=1).delete()"});
}

TEST_CASE("deletes: many-to-many links go with either side", "[conformance][django][deletes]") {
    Runner r;
    r.run({"author", [] { return get<Author>(1).delete_(); }, "Author.objects.get(pk=1).delete()"});
    r.run({"entry", [] { return get<Entry>(3).delete_(); }, "Entry.objects.get(pk=3).delete()"});
    r.run({"authors_queryset", [] { return Author::objects().exclude("name", "a2").delete_(); },
           "Author.objects.exclude(name='a2').delete()"});
    // A declared join model (and links to itself, from both columns).
    r.run({"person_through", [] { return get<Person>(1).delete_(); },
           "Person.objects.get(pk=1).delete()"});
    r.run({"club_through", [] { return Club::objects().filter("name", "c1").delete_(); },
           "Club.objects.filter(name='c1').delete()"});
    r.run({"people",
           [] {
               return Person::objects().filter("name__in", dorm::Values{"p2", "p3"}).delete_();
           },
           "Person.objects.filter(name__in=['p2', 'p3']).delete()"});
    r.run({"clubs_of_member",
           [] { return Club::objects().filter("members__name", "p2").delete_(); },
           "Club.objects.filter(members__name='p2').delete()"});
}

TEST_CASE("deletes: set_null and set_default agree with Django", "[conformance][django][deletes]") {
    Runner r;
    r.run({"owner", [] { return get<Owner>(1).delete_(); }, "Owner.objects.get(pk=1).delete()"});
    r.run({"owner_by_blog", [] { return Owner::objects().filter("blog__name", "quiet").delete_(); },
           "Owner.objects.filter(blog__name='quiet').delete()"});
    r.run({"owners", [] { return Owner::objects().all().delete_(); },
           "Owner.objects.all().delete()"});
    r.run({"status", [] { return get<Status>(2).delete_(); }, "Status.objects.get(pk=2).delete()"});
    // The default's own row: the tasks would point at it after the delete; both refuse.
    r.run({"status_default", [] { return get<Status>(1).delete_(); },
           "Status.objects.get(pk=1).delete()", true});
}

TEST_CASE("deletes: protect, restrict and do_nothing refuse as Django does",
          "[conformance][django][deletes]") {
    Runner r;
    const Outcome protect = r.run({"category", [] { return get<Category>(1).delete_(); },
                                   "Category.objects.get(pk=1).delete()", true});
    r.run({"categories", [] { return Category::objects().all().delete_(); },
           "Category.objects.all().delete()", true});
    // Reached through a cascade: the shop's product is protected by its sales.
    const Outcome deep = r.run(
        {"shop", [] { return get<Shop>(1).delete_(); }, "Shop.objects.get(pk=1).delete()", true});
    // ... while the other shop's product has none.
    r.run({"shop_free", [] { return get<Shop>(2).delete_(); }, "Shop.objects.get(pk=2).delete()"});
    r.run({"empty_category", [] { return get<Category>(2).delete_(); },
           "Category.objects.get(pk=2).delete()"});
    // dorm's message is Django's, then the rows: "... 'Product.category' (Product 1, 2)".
    CHECK(django_message(protect.theirs) ==
          "Cannot delete some instances of model 'Category' because they are referenced "
          "through protected foreign keys: 'Product.category'");
    CHECK(message(protect.mine) == django_message(protect.theirs) + " (Product 1, 2)");
    // Reached through a cascade, Django names the model deleted and the relation it cascades
    // through ('Shop', 'Product.shop'); dorm the model and relation that protect ('Product',
    // 'Sale.product'). Both refuse, for the same rows (Sale 1 and 2).
    CHECK(django_message(deep.theirs) ==
          "Cannot delete some instances of model 'Shop' because they are referenced "
          "through protected foreign keys: 'Product.shop'");
    CHECK(message(deep.mine) ==
          "Cannot delete some instances of model 'Product' because they are referenced "
          "through protected foreign keys: 'Sale.product' (Sale 1, 2)");

    // Django's documented RESTRICT example.
    const Outcome restrict = r.run({"album_one", [] { return get<Album>(1).delete_(); },
                                    "Album.objects.get(pk=1).delete()", true});
    CHECK(django_message(restrict.theirs) ==
          "Cannot delete some instances of model 'Album' because they are referenced "
          "through restricted foreign keys: 'Song.album'");
    CHECK(starts_with(message(restrict.mine), django_message(restrict.theirs) + " (Song 1)"));
    // Through a cascade: as for protect, Django names the model deleted ('Artist'), dorm the
    // one restricted ('Album'); the relation and the row (Song 2) are the same.
    const Outcome restrict_deep = r.run({"artist_two", [] { return get<Artist>(2).delete_(); },
                                         "Artist.objects.get(pk=2).delete()", true});
    r.run({"artist_one", [] { return get<Artist>(1).delete_(); },
           "Artist.objects.get(pk=1).delete()"});
    CHECK(django_message(restrict_deep.theirs) ==
          "Cannot delete some instances of model 'Artist' because they are referenced "
          "through restricted foreign keys: 'Song.album'");
    CHECK(message(restrict_deep.mine) ==
          "Cannot delete some instances of model 'Album' because they are referenced "
          "through restricted foreign keys: 'Song.album' (Song 2)");
    r.run({"artists", [] { return Artist::objects().all().delete_(); },
           "Artist.objects.all().delete()"});
    r.run({"albums", [] { return Album::objects().all().delete_(); },
           "Album.objects.all().delete()", true});

    // do_nothing: the deferred key check fails at COMMIT.
    r.run({"device", [] { return get<Device>(1).delete_(); }, "Device.objects.get(pk=1).delete()",
           true});
    r.run({"devices", [] { return Device::objects().all().delete_(); },
           "Device.objects.all().delete()", true});
    r.run({"device_spare", [] { return get<Device>(2).delete_(); },
           "Device.objects.get(pk=2).delete()"});
    // ... unless the rows go too, in the same transaction.
    r.run({"device_with_readings",
           [] {
               return dorm::atomic([] {
                   dorm::DeleteResult d = get<Device>(1).delete_();
                   d.total += Reading::objects().filter("device_id", 1).delete_().total;
                   return d;
               });
           },
           "with transaction.atomic():\n"
           "    result = Device.objects.get(pk=1).delete()\n"
           "    result = (result[0] + Reading.objects.filter(device_id=1).delete()[0], "
           "result[1])",
           false});
    WARN(r.cases() << " deletes compared with Django");
}

// A departure, pinned on both sides: deleting nothing.
TEST_CASE("deletes: counts when nothing is deleted", "[conformance][django][deletes]") {
    conf::TempDir dir;
    const std::string path = dir.file("seed.sqlite3");
    {
        dorm::Database db(path);
        seed(db);
        dorm::set_default_database(db);
        const dorm::DeleteResult none = Blog::objects().filter("name", "none").delete_();
        const dorm::DeleteResult plain = Sale::objects().filter("qty", 99).delete_();
        dorm::detail::default_database_slot() = nullptr;
        // dorm, as Django: no model is listed with 0, on the collector and the fast path.
        CHECK(none.total == 0);
        CHECK(none.per_model.empty());
        CHECK(plain.total == 0);
        CHECK(plain.per_model.empty());
    }
    auto oracle = make_oracle();
    oracle.query("none", "Blog.objects.filter(name='none').delete()");
    oracle.query("plain", "Sale.objects.filter(qty=99).delete()");
    const auto res = oracle.run_on_copy(path);
    // Django 3.2: an empty dict.
    CHECK(res.result("none") == json::array({0, json::object()}));
    CHECK(res.result("plain") == json::array({0, json::object()}));
}
