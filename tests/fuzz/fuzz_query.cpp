// libFuzzer target: the query API itself. The input is read as a small program: conditions
// (field paths, transforms and lookups, known or made up; values of every kind, hostile text
// included), Q trees combined with &, |, ~ and |= to any depth, filter/exclude chains,
// order_by, values, annotate with aggregates, extra(where) with too few or too many
// parameters, slices with extreme bounds, and update() inside a block that rolls back. Each
// queryset is then compiled (sql()), run against a real SQLite database holding rows
// (count(), rows read back) and compiled to OData in every dialect.
//
// A dorm::Error is an answer. Anything else is a failure: another exception, a crash, a hang
// (libFuzzer's -timeout), SQL that SQLite refuses to prepare or bind, or rows that cannot be
// read back after an update() that was accepted. Run by scripts/fuzz; its findings are
// regression inputs in tests/fuzz/corpus/query.
#include <dorm/dorm.hpp>
#include <dorm/odata/compile.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Person : dorm::Model<Person> {
    std::int64_t id = 0;
    std::string name;
    std::optional<dorm::DateTime> seen;
    static void define(dorm::ModelDef<Person>& m) {
        m.table("person").ordering({"name"});
        m.field("id", &Person::id, dorm::auto_pk);
        m.field("name", &Person::name, dorm::max_length(40));
        m.field("seen", &Person::seen);
    }
};

// Mapped to a remote entity set: every kind of field, a self FK, an FK to a local model.
struct Account : dorm::Model<Account> {
    std::int64_t id = 0;
    std::optional<std::string> cdms_pk;
    std::string name;
    std::optional<std::string> notes;
    std::optional<std::int32_t> employees;
    std::optional<double> revenue;
    float score = 0;
    bool active = false;
    std::optional<dorm::Date> founded;
    dorm::DateTime modified;
    dorm::ForeignKey<Account> parent;
    dorm::ForeignKey<Person> owner;
    std::int64_t ref = 0;
    static void define(dorm::ModelDef<Account>& m) {
        m.table("account").remote("AccountSet").ordering({"name"});
        m.field("id", &Account::id, dorm::auto_pk);
        m.field("cdms_pk", &Account::cdms_pk, dorm::remote_key("AccountId"), dorm::unique);
        m.field("name", &Account::name, dorm::max_length(160), dorm::remote("Name"));
        m.field("notes", &Account::notes, dorm::remote("Description"));
        m.field("employees", &Account::employees, dorm::remote("NumberOfEmployees"));
        m.field("revenue", &Account::revenue, dorm::remote("Revenue"));
        m.field("score", &Account::score);
        m.field("active", &Account::active, dorm::remote("IsActive"));
        m.field("founded", &Account::founded, dorm::remote("Founded"));
        m.field("modified", &Account::modified, dorm::remote_modified("ModifiedOn"));
        m.field("parent", &Account::parent, dorm::null, dorm::remote("ParentAccountId"));
        m.field("owner", &Account::owner, dorm::null);
        m.field("ref", &Account::ref, dorm::remote("AccountNumber"));
    }
};

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_query: %s: %s\n", what, detail.c_str());
    std::abort();
}

dorm::Database& database() {
    static dorm::Database& db = []() -> dorm::Database& {
        auto& d = *new dorm::Database(":memory:"); // lives as long as the process
        dorm::create_tables<Person, Account>(d);
        Person ada;
        ada.name = "Ada";
        ada.seen = dorm::DateTime(2021, 3, 4, 5, 6, 7, 8);
        ada.save(d);
        Person bob;
        bob.name = "b%_\\'\"é";
        bob.save(d);
        const char* names[] = {"Acme", "acme ltd", "Ünïcødé Corp", "50% off_", "x'; DROP", ""};
        std::int64_t ref = 1;
        for (const char* n : names) {
            Account a;
            a.name = n;
            a.notes =
                ref % 2 ? std::optional<std::string>("note " + std::to_string(ref)) : std::nullopt;
            a.employees = ref % 3 ? std::optional<std::int32_t>(static_cast<std::int32_t>(ref * 7))
                                  : std::nullopt;
            if (ref == 2)
                a.employees = std::numeric_limits<std::int32_t>::max();
            a.revenue =
                ref % 2 ? std::optional<double>(1.5 * static_cast<double>(ref)) : std::nullopt;
            a.score = static_cast<float>(ref) / 4;
            a.active = ref % 2 == 0;
            a.founded = dorm::Date{1990 + static_cast<int>(ref), static_cast<int>(ref), 28};
            a.modified = dorm::DateTime(2020, 2, 29, 23, 59, 59, static_cast<int>(ref));
            a.ref = ref;
            if (ref > 2)
                a.parent = Account::objects().using_(d).get("ref", ref - 1);
            if (ref % 2)
                a.owner = ada;
            a.save(d);
            ++ref;
        }
        return d;
    }();
    return db;
}

const char* const kPaths[] = {"id",
                              "pk",
                              "cdms_pk",
                              "name",
                              "notes",
                              "employees",
                              "revenue",
                              "score",
                              "active",
                              "founded",
                              "modified",
                              "parent",
                              "parent__name",
                              "parent__parent__employees",
                              "parent__modified",
                              "owner",
                              "owner__name",
                              "owner__seen",
                              "owner__account__name",
                              "account__name",
                              "account__parent__founded",
                              "parent_id",
                              "owner_id"};
const char* const kTransforms[] = {"date", "year",     "iso_year",     "month",    "day",
                                   "week", "week_day", "iso_week_day", "quarter",  "time",
                                   "hour", "minute",   "second",       "unaccent", "lower"};
const char* const kLookups[] = {"exact",       "iexact",   "contains",  "icontains", "in",
                                "gt",          "gte",      "lt",        "lte",       "startswith",
                                "istartswith", "endswith", "iendswith", "range",     "isnull",
                                "regex",       "iregex",   "search"};
const std::string kHostile[] = {"'",
                                "''",
                                "%",
                                "_",
                                "\\",
                                "\\%",
                                "*",
                                "?",
                                "[",
                                "]",
                                "[a-",
                                "é",
                                "ÉCOLE",
                                "a*b",
                                "(a|b)*c",
                                "^(a+)+$",
                                "\\1",
                                "(",
                                "\xc3",
                                "\xff\xfe",
                                std::string("a\0b", 3),
                                "1' OR '1'='1",
                                "$filter",
                                "&",
                                "#",
                                "+",
                                "2021-02-30",
                                "25:00:00",
                                "2021-01-01T00:00:00",
                                "NaN",
                                "-0",
                                "9223372036854775808"};

template <class T, std::size_t N>
const T& pick(FuzzedDataProvider& in, const T (&items)[N]) {
    return items[in.ConsumeIntegralInRange<std::size_t>(0, N - 1)];
}

std::string any_text(FuzzedDataProvider& in) {
    if (in.ConsumeBool())
        return pick(in, kHostile);
    return in.ConsumeRandomLengthString(24);
}

dorm::Value any_value(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 10)) {
    case 0:
        return dorm::Value();
    case 1:
        return dorm::Value(in.ConsumeIntegral<std::int64_t>());
    case 2:
        return dorm::Value(in.ConsumeIntegralInRange<std::int64_t>(-3, 8));
    case 3:
        return dorm::Value(in.ConsumeFloatingPoint<double>());
    case 4:
        return dorm::Value(in.ConsumeBool());
    case 5:
        return dorm::Value(dorm::Date{in.ConsumeIntegralInRange(-10, 10000),
                                      in.ConsumeIntegralInRange(-1, 14),
                                      in.ConsumeIntegralInRange(-1, 32)});
    case 6:
        return dorm::Value(
            dorm::DateTime(in.ConsumeIntegralInRange(1, 9999), in.ConsumeIntegralInRange(0, 13),
                           in.ConsumeIntegralInRange(0, 32), in.ConsumeIntegralInRange(-1, 25),
                           in.ConsumeIntegralInRange(-1, 61), in.ConsumeIntegralInRange(-1, 61),
                           in.ConsumeIntegralInRange(-1, 1000000)));
    case 7:
        return dorm::Value(
            dorm::Time{in.ConsumeIntegralInRange(-1, 25), in.ConsumeIntegralInRange(-1, 61),
                       in.ConsumeIntegralInRange(-1, 61), in.ConsumeIntegralInRange(-1, 1000000)});
    default:
        return dorm::Value(any_text(in));
    }
}

std::string any_path(FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange(0, 15) == 0)
        return in.ConsumeRandomLengthString(16);
    std::string key = pick(in, kPaths);
    const int transforms =
        in.ConsumeIntegralInRange(0, 3) == 0 ? in.ConsumeIntegralInRange(1, 2) : 0;
    for (int i = 0; i < transforms; ++i)
        key += std::string("__") + pick(in, kTransforms);
    if (in.ConsumeBool())
        key += std::string("__") + pick(in, kLookups);
    return key;
}

dorm::Expr any_expr(FuzzedDataProvider& in, int depth = 0) {
    const int kind = in.ConsumeIntegralInRange(0, depth > 3 ? 1 : 5);
    switch (kind) {
    case 0:
        return dorm::F(pick(in, kPaths));
    case 1:
        return dorm::Expr::literal(any_value(in));
    case 2:
        return any_expr(in, depth + 1) + any_expr(in, depth + 1);
    case 3:
        return any_expr(in, depth + 1) * any_expr(in, depth + 1);
    case 4:
        return any_expr(in, depth + 1) / any_expr(in, depth + 1);
    default:
        return any_expr(in, depth + 1) - any_expr(in, depth + 1);
    }
}

dorm::Arg any_arg(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 7)) {
    case 0: {
        dorm::Values list;
        const int n = in.ConsumeIntegralInRange(0, 4);
        for (int i = 0; i < n; ++i)
            list.push_back(any_value(in));
        return dorm::Arg(std::move(list));
    }
    case 1:
        return dorm::Arg(any_expr(in));
    case 2:
        return dorm::Arg(Person::objects().filter("name__startswith", any_text(in)));
    default:
        return dorm::Arg(any_value(in));
    }
}

dorm::Q any_q(FuzzedDataProvider& in, int depth = 0) {
    const int op = in.ConsumeIntegralInRange(0, depth > 6 ? 0 : 6);
    switch (op) {
    case 0:
        return dorm::Q(any_path(in), any_arg(in));
    case 1:
        return any_q(in, depth + 1) & any_q(in, depth + 1);
    case 2:
        return any_q(in, depth + 1) | any_q(in, depth + 1);
    case 3:
        return ~any_q(in, depth + 1);
    case 4: { // deep: ~(q | leaf) nested many times, or a wide OR built with |=
        dorm::Q q = any_q(in, depth + 1);
        const int n = in.ConsumeIntegralInRange(0, 3000);
        const dorm::Q leaf(any_path(in), any_arg(in));
        if (in.ConsumeBool()) {
            for (int i = 0; i < n; ++i)
                q = ~(std::move(q) | leaf);
        } else {
            for (int i = 0; i < n; ++i)
                q |= dorm::Q("ref", i);
        }
        return q;
    }
    default:
        return dorm::Q();
    }
}

// SQLite refused SQL that dorm wrote: a defect, not an answer.
bool refused_by_sqlite(const dorm::DatabaseError& e) {
    const std::string_view w = e.what();
    return w.starts_with("preparing ") || w.find("bind") != std::string_view::npos ||
           w.find("column index out of range") != std::string_view::npos;
}

template <class Fn>
void answer(Fn&& fn) {
    try {
        fn();
    } catch (const dorm::DatabaseError& e) {
        if (refused_by_sqlite(e))
            fail("SQLite refused dorm's SQL", e.what());
    } catch (const dorm::Error&) {
    } catch (const std::exception& e) {
        fail("an exception that is not a dorm::Error", e.what());
    }
}

struct RolledBack {};

template <class QS>
void evaluate(const QS& qs) {
    answer([&] { (void)qs.sql(); });
    answer([&] { (void)qs.count(); });
    answer([&] { (void)qs.size(); });
    for (const auto& d : {dorm::odata::crm2011(), dorm::odata::odata_v2(), dorm::odata::odata_v4(),
                          dorm::odata::odata_v4(true), dorm::odata::dataverse()})
        answer([&] { (void)qs.odata(d); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    dorm::Database& db = database();
    auto qs = Account::objects().using_(db);
    while (in.remaining_bytes() > 0) {
        switch (in.ConsumeIntegralInRange(0, 11)) {
        case 0:
        case 1:
            answer([&] { qs = qs.filter(any_q(in)); });
            break;
        case 2:
            answer([&] { qs = qs.exclude(any_q(in)); });
            break;
        case 3: {
            std::vector<std::string> names;
            const int n = in.ConsumeIntegralInRange(0, 3);
            for (int i = 0; i < n; ++i)
                names.push_back((in.ConsumeBool() ? "-" : "") + any_path(in));
            if (in.ConsumeIntegralInRange(0, 7) == 0)
                names.emplace_back("?");
            answer([&] { qs = qs.order_by(names); });
            break;
        }
        case 4:
            answer([&] {
                qs = qs.slice(in.ConsumeIntegral<std::int64_t>(),
                              in.ConsumeBool()
                                  ? std::optional<std::int64_t>(in.ConsumeIntegral<std::int64_t>())
                                  : std::nullopt);
            });
            break;
        case 5: {
            const std::string field = in.ConsumeBool() ? "*" : any_path(in);
            const std::string alias = in.ConsumeBool() ? "" : in.ConsumeRandomLengthString(8);
            answer([&] {
                switch (in.ConsumeIntegralInRange(0, 4)) {
                case 0:
                    qs = qs.annotate(alias, dorm::Count(field, in.ConsumeBool()));
                    break;
                case 1:
                    qs = qs.annotate(alias, dorm::Sum(field));
                    break;
                case 2:
                    qs = qs.annotate(alias, dorm::Avg(field));
                    break;
                case 3:
                    qs = qs.annotate(alias, dorm::Min(field));
                    break;
                default:
                    qs = qs.annotate(alias, dorm::Max(field));
                    break;
                }
            });
            break;
        }
        case 6: { // extra(where) with as many parameters as the fuzzer likes
            dorm::Extra e;
            e.where.emplace_back(in.ConsumeBool() ? "account.ref > ? OR account.name = ?"
                                                  : "account.name <> '?' AND account.ref <> ?");
            const int n = in.ConsumeIntegralInRange(0, 3);
            for (int i = 0; i < n; ++i)
                e.params.push_back(any_value(in));
            answer([&] { qs = qs.extra(e); });
            break;
        }
        case 7:
            answer([&] {
                std::vector<std::string> fields;
                const int n = in.ConsumeIntegralInRange(0, 3);
                for (int i = 0; i < n; ++i)
                    fields.push_back(pick(in, kPaths));
                auto vqs = fields.empty() ? qs.values() : qs.values(fields.at(0));
                evaluate(vqs);
            });
            break;
        case 8: // an update that is rolled back: what it wrote must read back
            answer([&] {
                const std::string field = pick(in, kPaths);
                const dorm::Arg value =
                    in.ConsumeBool() ? dorm::Arg(any_value(in)) : dorm::Arg(any_expr(in));
                try {
                    dorm::atomic(db, [&] {
                        (void)qs.update({{field, value}});
                        try {
                            (void)Account::objects().using_(db).to_vector();
                        } catch (const dorm::Error& e) {
                            fail("update() wrote a value that cannot be read back", e.what());
                        }
                        throw RolledBack{};
                    });
                } catch (const RolledBack&) {
                }
            });
            break;
        case 9:
            answer([&] { qs = qs.distinct(); });
            break;
        case 10:
            answer([&] { qs = qs.reverse(); });
            break;
        default:
            evaluate(qs);
            break;
        }
    }
    evaluate(qs);
    return 0;
}
