// Conformance with Django: model validation and the field kinds it needs. The models use
// choices (integer CRM OptionSets and text codes), blank, SmallIntegerField, the positive
// integer fields, EmailField, URLField, SlugField, min/max validators, unique fields and a
// ForeignKey. Compared with Django 3.2 on the same file: the CREATE TABLE text, full_clean()'s
// message_dict (every message, in order), display() against get_FOO_display(), and what the
// database says to a negative positive integer.
#include "conformance.hpp"

using conf::json;

namespace {

struct Account : dorm::Model<Account> {
    std::int64_t id = 0;
    std::string name;
    std::int32_t status = 1;
    std::optional<std::int32_t> tier;
    std::int16_t rank = 0;
    std::int32_t seats = 0;
    std::int16_t floor = 0;
    std::int64_t budget = 0;
    std::string email = "a@example.com";
    std::string website;
    std::string slug = "acme";
    std::string code = "gb";
    std::optional<std::string> note;
    std::int32_t score = 0;
    dorm::Decimal balance;

    static void define(dorm::ModelDef<Account>& m) {
        m.table("conf_account");
        m.field("id", &Account::id, dorm::auto_pk);
        m.field("name", &Account::name, dorm::max_length(20), dorm::unique);
        m.field("status", &Account::status, dorm::choices({{1, "Active"}, {2, "Inactive"}}));
        m.field("tier", &Account::tier, dorm::blank, dorm::choices({{10, "Gold"}, {20, "Silver"}}));
        m.field("rank", &Account::rank);
        m.field("seats", &Account::seats, dorm::positive);
        m.field("floor", &Account::floor, dorm::positive);
        m.field("budget", &Account::budget, dorm::positive, dorm::max_value(1000000000000));
        m.field("email", &Account::email, dorm::email_field);
        m.field("website", &Account::website, dorm::url_field, dorm::blank);
        m.field("slug", &Account::slug, dorm::slug_field, dorm::unique);
        m.field("code", &Account::code, dorm::max_length(8),
                dorm::choices({{"gb", "United Kingdom"}, {"fr", "France"}, {"O'B", "O'Brien"}}));
        m.field("note", &Account::note, dorm::blank, dorm::min_length(3));
        m.field("score", &Account::score, dorm::min_value(-5), dorm::max_value(5));
        m.field("balance", &Account::balance, dorm::max_digits(6), dorm::decimal_places(2));
    }
};

struct Contact : dorm::Model<Contact> {
    std::int64_t id = 0;
    dorm::ForeignKey<Account> account;
    std::string name;

    static void define(dorm::ModelDef<Contact>& m) {
        m.table("conf_contact");
        m.field("id", &Contact::id, dorm::auto_pk);
        m.field("account", &Contact::account, dorm::cascade);
        m.field("name", &Contact::name, dorm::max_length(10));
    }
};

dorm_test::DjangoOracle make_oracle() {
    dorm_test::DjangoOracle o;
    o.add_model(conf::oracle_model<Account>()).add_model(conf::oracle_model<Contact>());
    return o;
}

json to_json(const dorm::ValidationError::MessageDict& d) {
    json out = json::object();
    for (const auto& [field, messages] : d)
        out[field] = messages;
    return out;
}

// full_clean()'s messages ({} when valid), as Django's e.message_dict.
template <class T>
json clean(T obj, const std::vector<std::string>& exclude = {}) {
    try {
        obj.full_clean(exclude);
        return json::object();
    } catch (const dorm::ValidationError& e) {
        return to_json(e.message_dict());
    }
}

// The Python side: mdict(obj) is {} or full_clean()'s message_dict.
const char* const setup = R"(
from django.core.exceptions import ValidationError
def mdict(o, exclude=None):
    try:
        o.full_clean(exclude=exclude)
        return {}
    except ValidationError as e:
        return e.message_dict
def acc(**kw):
    base = dict(name='New', status=1, rank=0, seats=0, floor=0, budget=0,
                email='a@example.com', website='', slug='new', code='gb', score=0,
                balance=Decimal('0'))
    base.update(kw)
    return Account(**base)
)";

// An Account with one member changed, in C++ and in Python.
template <class Set>
Account account(Set set) {
    Account a;
    a.name = "New";
    a.slug = "new";
    set(a);
    return a;
}

void fields(conf::Suite& s) {
    s.step(
        "setup", [] { return json(nullptr); }, setup, "None");
    auto check = [&](const std::string& id, auto set, const std::string& py_args) {
        s.step(
            id, [set] { return clean(account(set)); }, "", "mdict(acc(" + py_args + "))");
    };
    check(
        "valid", [](Account&) {}, "");
    check(
        "blank_name", [](Account& a) { a.name = ""; }, "name=''");
    check(
        "long_name", [](Account& a) { a.name = std::string(21, 'x'); }, "name='x' * 21");
    check(
        "long_name_non_ascii",
        [](Account& a) {
            a.name.clear();
            for (int i = 0; i < 21; ++i)
                a.name += "\xc3\xa9"; // é
        },
        "name='\u00e9' * 21");
    check(
        "bad_status", [](Account& a) { a.status = 3; }, "status=3");
    check(
        "tier_none", [](Account& a) { a.tier.reset(); }, "tier=None");
    check(
        "tier_bad", [](Account& a) { a.tier = 5; }, "tier=5");
    check(
        "tier_good", [](Account& a) { a.tier = 20; }, "tier=20");
    check(
        "code_bad", [](Account& a) { a.code = "de"; }, "code='de'");
    check(
        "code_quote", [](Account& a) { a.code = "O'Brien"; }, "code=\"O'Brien\"");
    check(
        "code_quote_ok", [](Account& a) { a.code = "O'B"; }, "code=\"O'B\"");
    check(
        "code_blank", [](Account& a) { a.code = ""; }, "code=''");
    check(
        "code_backslash", [](Account& a) { a.code = "a\\b\"c'"; }, "code='a\\\\b\"c\\''");
    check(
        "seats_negative", [](Account& a) { a.seats = -1; }, "seats=-1");
    check(
        "floor_negative", [](Account& a) { a.floor = -32768; }, "floor=-32768");
    check(
        "rank_extremes", [](Account& a) { a.rank = -32768; }, "rank=-32768");
    check(
        "budget_over", [](Account& a) { a.budget = 1000000000001; }, "budget=10**12 + 1");
    check(
        "budget_max", [](Account& a) { a.budget = 1000000000000; }, "budget=10**12");
    check(
        "score_low", [](Account& a) { a.score = -6; }, "score=-6");
    check(
        "score_high", [](Account& a) { a.score = 6; }, "score=6");
    check(
        "note_short", [](Account& a) { a.note = "ab"; }, "note='ab'");
    check(
        "note_one_char", [](Account& a) { a.note = "a"; }, "note='a'");
    check(
        "note_empty", [](Account& a) { a.note = ""; }, "note=''");
    check(
        "many_at_once",
        [](Account& a) {
            a.name = "";
            a.status = 9;
            a.email = "nope";
            a.slug = "no slug";
            a.score = 99;
        },
        "name='', status=9, email='nope', slug='no slug', score=99");
    check(
        "email_too_long_and_bad", [](Account& a) { a.email = std::string(260, 'x'); },
        "email='x' * 260");
    check(
        "slug_blank", [](Account& a) { a.slug = ""; }, "slug=''");
}

void formats(conf::Suite& s) {
    int n = 0;
    auto email = [&](const std::string& value, const std::string& py) {
        s.step(
            "email_" + std::to_string(n++),
            [value] { return clean(account([&](Account& a) { a.email = value; })); }, "",
            "mdict(acc(email=" + py + "))");
    };
    email("first.last+tag@example.co.uk", "'first.last+tag@example.co.uk'");
    email("user@localhost", "'user@localhost'");
    email("user@[127.0.0.1]", "'user@[127.0.0.1]'");
    email("user@[IPv6:2001:db8::1]", "'user@[IPv6:2001:db8::1]'");
    email("user@[300.1.1.1]", "'user@[300.1.1.1]'");
    email("\"quoted name\"@example.com", "'\"quoted name\"@example.com'");
    email("user@ex\xc3\xa4mple.com", "'user@ex\u00e4mple.com'");
    email("Zo\xc3\xab@example.com", "'Zo\u00eb@example.com'");
    email("a@b", "'a@b'");
    email("a@b.c", "'a@b.c'");
    email("a..b@example.com", "'a..b@example.com'");
    email(".a@example.com", "'.a@example.com'");
    email("a@-example.com", "'a@-example.com'");
    email("a@example-.com", "'a@example-.com'");
    email("a@example.com\n", "'a@example.com\\n'");
    email("a b@example.com", "'a b@example.com'");
    email("a@example.123", "'a@example.123'");
    email("a@b@example.com", "'a@b@example.com'");
    email("{}|~@example.com", "'{}|~@example.com'");
    email("a@example.com.", "'a@example.com.'");
    email("a%b'c@example.com", "'a%b\\'c@example.com'");

    n = 0;
    auto url = [&](const std::string& value, const std::string& py) {
        s.step(
            "url_" + std::to_string(n++),
            [value] { return clean(account([&](Account& a) { a.website = value; })); }, "",
            "mdict(acc(website=" + py + "))");
    };
    for (const char* u : {"http://example.com",
                          "https://example.com:8080/path?q=1#f",
                          "ftp://user:pass@host.example.org/",
                          "HTTP://EXAMPLE.COM",
                          "http://127.0.0.1",
                          "http://010.1.1.1/",
                          "http://[::1]:80/",
                          "http://[::1::2]/",
                          "http://localhost",
                          "http://localhost:8000/x",
                          "http://a.b-c.de.",
                          "example.com",
                          "http://",
                          "http://example",
                          "http://-bad.com",
                          "http://bad-.com",
                          "http://exa mple.com",
                          "http://example.com:1/",
                          "http://example.com:123456/",
                          "mailto:a@b.com",
                          "http://999.1.1.1",
                          "http://example.c0m",
                          "http://example.com/a b",
                          "http://example.com/%27%22",
                          "http://user@example.com",
                          "http://:pw@example.com",
                          "https://xn--e1afmkfd.xn--p1ai/",
                          "gopher://example.com",
                          "http://example.com\t"}) {
        std::string py = "'";
        for (const char* p = u; *p; ++p)
            py += *p == '\t' ? std::string("\\t") : std::string(1, *p);
        url(u, py + "'");
    }
    url("http://\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95",
        "'http://\u4f8b\u5b50.\u6d4b\u8bd5'");
    url("http://" + std::string(250, 'a') + ".com", "'http://' + 'a' * 250 + '.com'");
    url("http://\xf0\x9f\x98\x80.com", "'http://\\U0001F600.com'");
    url("http://example.com/\xf0\x9f\x98\x80", "'http://example.com/\\U0001F600'");
    email("a@b\xc3\xbc.c", "'a@b\\u00fc.c'");
    for (int k : {10, 55, 56, 57, 60}) { // the IDNA form's length decides
        std::string label;
        for (int i = 0; i < k; ++i)
            label += i % 3 ? "\xc3\xa4" : "b"; // "bää..."
        email("a@" + label + ".com",
              "'a@' + ''.join('b' if i % 3 == 0 else '\\u00e4' for i in range(" +
                  std::to_string(k) + ")) + '.com'");
    }

    n = 0;
    for (const char* v : {"hello-world_2", "hello world", "h\xc3\xa9llo", "UPPER", "-", "a.b"}) {
        s.step(
            "slug_" + std::to_string(n++),
            [v] { return clean(account([&](Account& a) { a.slug = v; })); }, "",
            "mdict(acc(slug=" + conf::to_json(dorm::Value(v)).dump() + "))");
    }
}

void unique_and_relations(conf::Suite& s) {
    s.step(
        "unique_name_taken", [] { return clean(account([](Account& a) { a.name = "Acme"; })); }, "",
        "mdict(acc(name='Acme'))");
    s.step(
        "unique_both_taken",
        [] {
            return clean(account([](Account& a) {
                a.name = "Acme";
                a.slug = "acme";
            }));
        },
        "", "mdict(acc(name='Acme', slug='acme'))");
    s.step(
        "unique_excluded",
        [] { return clean(account([](Account& a) { a.name = "Acme"; }), {"name"}); }, "",
        "mdict(acc(name='Acme'), exclude=['name'])");
    s.step(
        "unique_invalid_is_skipped",
        [] {
            return clean(account([](Account& a) {
                a.slug = "acme";
                a.name = "";
            }));
        },
        "", "mdict(acc(slug='acme', name=''))");
    s.step(
        "loaded_is_valid", [] { return clean(Account::objects().get("name", "Acme")); }, "",
        "mdict(Account.objects.get(name='Acme'))");
    s.step(
        "loaded_takes_other_name",
        [] {
            Account a = Account::objects().get("name", "Acme");
            a.name = "Beta";
            return clean(a);
        },
        "a = Account.objects.get(name='Acme'); a.name = 'Beta'", "mdict(a)");
    s.step(
        "explicit_pk_taken",
        [] {
            Account a = account([](Account&) {});
            a.id = Account::objects().get("name", "Acme").id;
            return clean(a);
        },
        "", "mdict(acc(id=Account.objects.get(name='Acme').id))");
    s.step(
        "fk_missing",
        [] {
            Contact c;
            c.account.set_id(999);
            c.name = "x";
            return clean(c);
        },
        "", "mdict(Contact(account_id=999, name='x'))");
    s.step(
        "fk_present",
        [] {
            Contact c;
            c.account = Account::objects().get("name", "Acme");
            c.name = "x";
            return clean(c);
        },
        "", "mdict(Contact(account=Account.objects.get(name='Acme'), name='x'))");
    s.step(
        "fk_missing_and_long_name",
        [] {
            Contact c;
            c.account.set_id(999);
            c.name = std::string(11, 'n');
            return clean(c);
        },
        "", "mdict(Contact(account_id=999, name='n' * 11))");
}

void display(conf::Suite& s) {
    auto show = [&](const std::string& id, auto set, const std::string& field,
                    const std::string& py) {
        s.step(
            id, [set, field] { return json(account(set).display(field)); }, "",
            "str(acc(" + py + ").get_" + field + "_display())");
    };
    show(
        "display_status", [](Account&) {}, "status", "");
    show(
        "display_status_2", [](Account& a) { a.status = 2; }, "status", "status=2");
    show(
        "display_status_unknown", [](Account& a) { a.status = 7; }, "status", "status=7");
    show(
        "display_tier_none", [](Account& a) { a.tier.reset(); }, "tier", "");
    show(
        "display_code", [](Account& a) { a.code = "O'B"; }, "code", "code=\"O'B\"");
}

void writes(conf::Suite& s) {
    // The CHECK constraint of a positive field, as Django's schema: the database refuses.
    s.step_error(
        "negative_seats_insert",
        [] {
            Account a = account([](Account& x) {
                x.name = "Neg";
                x.slug = "neg";
                x.seats = -1;
            });
            a.save();
            return json(a.id);
        },
        "", "acc(name='Neg', slug='neg', seats=-1).save()");
}

} // namespace

TEST_CASE("validation: the tables are Django's", "[conformance][django][validation]") {
    conf::TempDir dir;
    auto oracle = make_oracle();
    std::map<std::string, std::string> django;
    for (const auto& sql : conf::django_ddl(oracle, dir)) {
        if (sql.rfind("CREATE TABLE", 0) == 0)
            django[sql.substr(14, sql.find('"', 14) - 14)] = sql;
    }
    dorm::Database db(dir.file("dorm.sqlite3"));
    dorm::create_tables<Account, Contact>(db);
    for (const char* table : {"conf_account", "conf_contact"}) {
        dorm::sql::Cursor c(db, "SELECT sql FROM sqlite_master WHERE name = ?", {table});
        REQUIRE(c.next());
        const std::string mine(c.stmt().text(0));
        INFO("table " << table << "\n  django: " << django[table] << "\n  dorm:   " << mine);
        CHECK(mine == django[table]);
    }
    // The slug is indexed (SlugField's db_index=True), as the ForeignKey.
    dorm::sql::Cursor idx(db,
                          "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                          "tbl_name = 'conf_account' AND sql IS NOT NULL",
                          {});
    REQUIRE(idx.next());
    CHECK(idx.stmt().column(0).as_int() == 0); // slug is unique: its UNIQUE index suffices
}

TEST_CASE("validation: full_clean() and display() agree with Django",
          "[conformance][django][validation]") {
    conf::TempDir dir;
    const std::string path = dir.file("validation.sqlite3");
    auto oracle = make_oracle();
    std::size_t cases = 0;
    {
        dorm::Database db(path);
        dorm::set_default_database(db);
        dorm::create_tables<Account, Contact>(db);
        Account acme;
        acme.name = "Acme";
        acme.slug = "acme";
        acme.save();
        conf::Suite s(db);
        fields(s);
        formats(s);
        unique_and_relations(s);
        display(s);
        writes(s);
        s.run(oracle, path);
        cases = s.size();
    }
    CHECK(cases > 100);
}
