// Conformance with Django: DecimalField, UUIDField and BinaryField. The tables are created by
// dorm and compared with the DDL of Django's schema editor; rows are written by both (save()
// and update(), rounding half to even to decimal_places, UUIDs in every form Django accepts),
// stored values compared byte for byte, then read back and filtered (each lookup, query
// values coerced as Django's to_python coerces them, invalid ones refused with
// ValidationError) through dorm and through Django 3.2 on the same SQLite file.
#include "conformance.hpp"

using conf::json;
using conf::pks;

namespace {

struct Product : dorm::Model<Product> {
    std::int64_t id = 0;
    std::string name;
    dorm::Decimal price;               // DecimalField(max_digits=14, decimal_places=2)
    std::optional<dorm::Decimal> cost; // DecimalField(max_digits=5, decimal_places=3, null=True)
    dorm::Uuid uid;                    // UUIDField
    std::optional<dorm::Uuid> ref;     // UUIDField(null=True)
    dorm::Blob data;                   // BinaryField
    std::optional<dorm::Blob> extra;   // BinaryField(null=True)

    static void define(dorm::ModelDef<Product>& m) {
        m.table("conf_product");
        m.field("id", &Product::id, dorm::auto_pk);
        m.field("name", &Product::name, dorm::max_length(20));
        m.field("price", &Product::price, dorm::max_digits(14), dorm::decimal_places(2));
        m.field("cost", &Product::cost, dorm::max_digits(5), dorm::decimal_places(3));
        m.field("uid", &Product::uid);
        m.field("ref", &Product::ref);
        m.field("data", &Product::data);
        m.field("extra", &Product::extra);
    }
};

dorm::Manager<Product> P() {
    return Product::objects();
}

dorm::Decimal dec(const char* s) {
    return dorm::Decimal::from_string(s);
}
dorm::Uuid uuid(const char* s) {
    return dorm::Uuid::from_string(s);
}
dorm::Blob bytes(std::initializer_list<int> b) {
    dorm::Blob out;
    for (int c : b)
        out.push_back(static_cast<std::uint8_t>(c));
    return out;
}

void writes(conf::Suite& s) {
    s.step(
        "create_big",
        [] {
            Product p;
            p.name = "big";
            p.price = dec("12345678901.23");
            p.cost = dec("1.2345"); // 1.234: half to even
            p.uid = uuid("12345678-1234-5678-1234-567812345678");
            p.data = bytes({0, 255, '\'', '%', '_', '\\'});
            p.save();
            return conf::pk_of(p);
        },
        "p = Product.objects.create(name='big', price=Decimal('12345678901.23'), "
        "cost=Decimal('1.2345'), uid=UUID('12345678-1234-5678-1234-567812345678'), "
        "data=bytes([0, 255, 39, 37, 95, 92]))",
        "p.pk");
    s.step(
        "create_forms",
        [] {
            // Values as text, converted as the field converts them.
            return conf::pk_of(P().create({{"name", "forms"},
                                           {"price", "0.10"},
                                           {"cost", "-0.0005"},
                                           {"uid", "{ABCDEF00-0000-4000-8000-00000000000A}"},
                                           {"ref", "urn:uuid:00000000-0000-0000-0000-000000000001"},
                                           {"data", dorm::Blob{}}}));
        },
        "p = Product.objects.create(name='forms', price='0.10', cost='-0.0005', "
        "uid='{ABCDEF00-0000-4000-8000-00000000000A}', "
        "ref='urn:uuid:00000000-0000-0000-0000-000000000001', data=b'')",
        "p.pk");
    s.step(
        "create_whole",
        [] {
            Product p;
            p.name = "whole";
            p.price = dorm::Decimal(7);
            p.uid = uuid("00000000000000000000000000000007");
            p.extra = bytes({1, 2, 3});
            p.save();
            return conf::pk_of(p);
        },
        "p = Product.objects.create(name='whole', price=7, "
        "uid='00000000000000000000000000000007', data=b'x', extra=b'\\x01\\x02\\x03')",
        "p.pk");
    s.step(
        "create_rounding",
        [] {
            Product p;
            p.name = "round";
            p.price = dec("-99.995"); // -100.00
            p.cost = dec("2.6755");   // 2.676 (through a double: 2.675)
            p.uid = uuid("ffffffff-ffff-ffff-ffff-ffffffffffff");
            p.data = bytes({'x'});
            p.save();
            return conf::pk_of(p);
        },
        "p = Product.objects.create(name='round', price=Decimal('-99.995'), "
        "cost=Decimal('2.6755'), uid='ffffffff-ffff-ffff-ffff-ffffffffffff', data=b'x')",
        "p.pk");
    s.step(
        "create_half_even",
        [] {
            Product p;
            p.name = "half";
            p.price = dec("2.675"); // 2.68, where the double 2.675 would give 2.67
            p.cost = dec("0.0125"); // 0.012
            p.uid = uuid("00000000-0000-0000-0000-0000000000ab");
            p.data = bytes({'y'});
            p.save();
            return conf::pk_of(p);
        },
        "p = Product.objects.create(name='half', price=Decimal('2.675'), cost=Decimal('0.0125'), "
        "uid='00000000-0000-0000-0000-0000000000ab', data=b'y')",
        "p.pk");
    // 'whole' has data=b'x' on Django's side: make dorm's the same, through update().
    s.step(
        "update_blob",
        [] {
            return P().filter("name", "whole").update({{"data", bytes({'x'})}});
        },
        "", "Product.objects.filter(name='whole').update(data=b'x')");
    s.step(
        "update_decimal_rounds",
        [] {
            return P().filter("name", "half").update({{"cost", "0.0135"}});
        },
        "", "Product.objects.filter(name='half').update(cost='0.0135')");
    s.step(
        "update_uuid_text",
        [] {
            return P()
                .filter("name", "round")
                .update({{"ref", "{00000000-0000-0000-0000-00000000ABCD}"}});
        },
        "",
        "Product.objects.filter(name='round').update(ref='{00000000-0000-0000-0000-00000000ABCD}'"
        ")");
}

void reads(conf::Suite& s) {
    s.same(
        "read_decimals_exact",
        [] {
            json out = json::array();
            for (const Product& p : P().order_by("id"))
                out.push_back(
                    json::array({p.price.str(), p.cost ? json(p.cost->str()) : json(nullptr)}));
            return out;
        },
        "[[str(p.price), None if p.cost is None else str(p.cost)] "
        "for p in Product.objects.order_by('id')]");
    s.same(
        "read_uuids",
        [] {
            json out = json::array();
            for (const Product& p : P().order_by("id"))
                out.push_back(
                    json::array({p.uid.str(), p.ref ? json(p.ref->str()) : json(nullptr)}));
            return out;
        },
        "[[str(p.uid), None if p.ref is None else str(p.ref)] "
        "for p in Product.objects.order_by('id')]");
    s.same(
        "read_bytes",
        [] {
            json out = json::array();
            for (const Product& p : P().order_by("id"))
                out.push_back(conf::to_json(dorm::Value(p.data)));
            return out;
        },
        "[bytes(p.data).hex() for p in Product.objects.order_by('id')]");
    s.same(
        "values_list", [] { return conf::rows(P().values_list().order_by("id")); },
        "Product.objects.order_by('id').values_list()");
    s.same(
        "values_list_decimal_digits",
        [] {
            json out = json::array();
            for (const dorm::Row& r : P().values("price", "cost").order_by("id"))
                out.push_back(json::array({r[std::size_t{0}].as_decimal().str(),
                                           r[std::size_t{1}].is_null()
                                               ? json(nullptr)
                                               : json(r[std::size_t{1}].as_decimal().str())}));
            return out;
        },
        "[[str(r['price']), None if r['cost'] is None else str(r['cost'])] "
        "for r in Product.objects.order_by('id').values('price', 'cost')]");
}

// DecimalValidator's messages (for model validation): dorm::detail::decimal_problems.
void decimal_validation(conf::Suite& s) {
    s.step(
        "decimal_validator_messages",
        [] {
            json out = json::array();
            for (const char* v :
                 {"12.3456", "123.4", "99.999", "0.0001", "1E+2", "-12.345", "0", "0.00000"}) {
                json messages = json::array();
                for (const auto& m :
                     dorm::detail::decimal_problems(dec(v), *Product::meta().find("cost")))
                    messages.push_back(m);
                out.push_back(messages);
            }
            return out;
        },
        "def msgs(f, v):\n"
        "    from django.core.exceptions import ValidationError\n"
        "    try:\n"
        "        Product._meta.get_field(f).run_validators(Decimal(v))\n"
        "        return []\n"
        "    except ValidationError as e:\n"
        "        return e.messages\n",
        "[msgs('cost', v) for v in ['12.3456', '123.4', '99.999', '0.0001', '1E+2', '-12.345', "
        "'0', '0.00000']]");
}

void decimal_lookups(conf::Suite& s) {
    s.same_set(
        "dec_exact_text", [] { return pks(P().filter("price", "0.1")); },
        "Product.objects.filter(price='0.1')");
    s.same_set(
        "dec_exact_decimal", [] { return pks(P().filter("price", dec("12345678901.23"))); },
        "Product.objects.filter(price=Decimal('12345678901.23'))");
    s.same_set(
        "dec_exact_int", [] { return pks(P().filter("price", 7)); },
        "Product.objects.filter(price=7)");
    s.same_set(
        "dec_exact_float", [] { return pks(P().filter("price", 0.1)); },
        "Product.objects.filter(price=0.1)");
    s.same_set(
        "dec_exact_spaces", [] { return pks(P().filter("price", " 7.000 ")); },
        "Product.objects.filter(price=' 7.000 ')");
    s.same_set(
        "dec_exponent", [] { return pks(P().filter("price", "7e0")); },
        "Product.objects.filter(price='7e0')");
    s.same_set(
        "dec_gt", [] { return pks(P().filter("price__gt", "100")); },
        "Product.objects.filter(price__gt='100')");
    s.same_set(
        "dec_lte_negative", [] { return pks(P().filter("price__lte", dec("-100"))); },
        "Product.objects.filter(price__lte=Decimal('-100'))");
    s.same_set(
        "dec_lt_float", [] { return pks(P().filter("price__lt", 1.5)); },
        "Product.objects.filter(price__lt=1.5)");
    s.same_set(
        "dec_in",
        [] {
            return pks(P().filter("price__in", dorm::Values{"0.10", dec("12345678901.23"), 7}));
        },
        "Product.objects.filter(price__in=['0.10', Decimal('12345678901.23'), 7])");
    s.same_set(
        "dec_range",
        [] {
            return pks(P().filter("price__range", dorm::Values{"0", "10"}));
        },
        "Product.objects.filter(price__range=('0', '10'))");
    s.same_set(
        "dec_nullable_exact", [] { return pks(P().filter("cost", "2.676")); },
        "Product.objects.filter(cost='2.676')");
    s.same_set(
        "dec_isnull", [] { return pks(P().filter("cost__isnull", true)); },
        "Product.objects.filter(cost__isnull=True)");
    s.same_set(
        "dec_exclude", [] { return pks(P().exclude("cost__gt", 0)); },
        "Product.objects.exclude(cost__gt=0)");
    s.same_error(
        "dec_invalid", [] { return pks(P().filter("price", "12,5")); },
        "Product.objects.filter(price='12,5')");
    s.same_error(
        "dec_invalid_in",
        [] {
            return pks(P().filter("price__in", dorm::Values{"1", "x"}));
        },
        "Product.objects.filter(price__in=['1', 'x'])");
    s.same_error(
        "dec_invalid_date",
        [] {
            return pks(P().filter("price", dorm::Date{2020, 1, 1}));
        },
        "Product.objects.filter(price=date(2020, 1, 1))");
    s.same(
        "dec_order", [] { return pks(P().order_by("price")); },
        "Product.objects.order_by('price')");
}

void uuid_lookups(conf::Suite& s) {
    s.same_set(
        "uuid_exact_dashes",
        [] { return pks(P().filter("uid", "12345678-1234-5678-1234-567812345678")); },
        "Product.objects.filter(uid='12345678-1234-5678-1234-567812345678')");
    s.same_set(
        "uuid_exact_hex", [] { return pks(P().filter("uid", "abcdef0000004000800000000000000a")); },
        "Product.objects.filter(uid='abcdef0000004000800000000000000a')");
    s.same_set(
        "uuid_exact_braces_upper",
        [] { return pks(P().filter("uid", "{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}")); },
        "Product.objects.filter(uid='{FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF}')");
    s.same_set(
        "uuid_exact_urn",
        [] { return pks(P().filter("ref", "urn:uuid:00000000-0000-0000-0000-000000000001")); },
        "Product.objects.filter(ref='urn:uuid:00000000-0000-0000-0000-000000000001')");
    s.same_set(
        "uuid_exact_object",
        [] { return pks(P().filter("uid", uuid("00000000-0000-0000-0000-000000000007"))); },
        "Product.objects.filter(uid=UUID('00000000-0000-0000-0000-000000000007'))");
    s.same_set(
        "uuid_exact_int", [] { return pks(P().filter("uid", 7)); },
        "Product.objects.filter(uid=7)");
    s.same_set(
        "uuid_in",
        [] {
            return pks(P().filter("uid__in", dorm::Values{"00000000-0000-0000-0000-0000000000AB",
                                                          "12345678123456781234567812345678"}));
        },
        "Product.objects.filter(uid__in=['00000000-0000-0000-0000-0000000000AB', "
        "'12345678123456781234567812345678'])");
    s.same_set(
        "uuid_gt",
        [] { return pks(P().filter("uid__gt", "80000000-0000-0000-0000-000000000000")); },
        "Product.objects.filter(uid__gt='80000000-0000-0000-0000-000000000000')");
    s.same_set(
        "uuid_isnull", [] { return pks(P().filter("ref__isnull", false)); },
        "Product.objects.filter(ref__isnull=False)");
    s.same_error(
        "uuid_invalid", [] { return pks(P().filter("uid", "nope")); },
        "Product.objects.filter(uid='nope')");
    s.same_error(
        "uuid_invalid_quote",
        [] { return pks(P().filter("uid", "12345678-1234-5678-1234-56781234567'")); },
        "Product.objects.filter(uid=\"12345678-1234-5678-1234-56781234567'\")");
    s.same_error(
        "uuid_urn_upper",
        [] { return pks(P().filter("uid", "URN:UUID:12345678-1234-5678-1234-567812345678")); },
        "Product.objects.filter(uid='URN:UUID:12345678-1234-5678-1234-567812345678')");
    s.same_error(
        "uuid_invalid_float", [] { return pks(P().filter("uid", 1.5)); },
        "Product.objects.filter(uid=1.5)");
}

void binary_lookups(conf::Suite& s) {
    s.same_set(
        "bin_exact",
        [] {
            return pks(P().filter("data", bytes({0, 255, '\'', '%', '_', '\\'})));
        },
        "Product.objects.filter(data=bytes([0, 255, 39, 37, 95, 92]))");
    s.same_set(
        "bin_exact_empty", [] { return pks(P().filter("data", dorm::Blob{})); },
        "Product.objects.filter(data=b'')");
    s.same_set(
        "bin_in",
        [] {
            return pks(P().filter("data__in", dorm::Values{bytes({'x'}), bytes({'y'})}));
        },
        "Product.objects.filter(data__in=[b'x', b'y'])");
    s.same_set(
        "bin_isnull", [] { return pks(P().filter("extra__isnull", true)); },
        "Product.objects.filter(extra__isnull=True)");
}

} // namespace

TEST_CASE("DecimalField, UUIDField and BinaryField agree with Django",
          "[conformance][django][field_kinds]") {
    conf::TempDir dir;
    const std::string seed = dir.file("seed.sqlite3");
    {
        dorm::Database db(seed);
        dorm::create_tables<Product>(db);
    }
    const std::string dorm_path = dir.file("dorm.sqlite3");
    const std::string django_path = dir.file("django.sqlite3");
    std::filesystem::copy_file(seed, dorm_path);
    std::filesystem::copy_file(seed, django_path);

    dorm_test::DjangoOracle oracle;
    oracle.add_model(conf::oracle_model<Product>());

    // The columns as Django's schema editor declares them.
    {
        dorm_test::DjangoOracle ddl;
        ddl.add_model(conf::oracle_model<Product>()).collect_schema_sql();
        const dorm_test::OracleResult res = ddl.run(dir.file("ddl.sqlite3"));
        std::string django_ddl;
        for (const auto& stmt : res.schema_sql())
            django_ddl += stmt + "\n";
        INFO(django_ddl);
        for (const char* column :
             {"\"price\" decimal NOT NULL", "\"cost\" decimal NULL", "\"uid\" char(32) NOT NULL",
              "\"ref\" char(32) NULL", "\"data\" BLOB NOT NULL", "\"extra\" BLOB NULL"}) {
            CHECK(django_ddl.find(column) != std::string::npos);
            CHECK(dorm::sql::column_definition(*Product::meta().find(std::string(column).substr(
                      1, std::string(column).find('"', 1) - 1))) == column);
        }
    }

    dorm_test::OracleResult django;
    std::size_t cases = 0;
    {
        dorm::Database db(dorm_path);
        dorm::set_default_database(db);
        conf::Suite s(db);
        writes(s);
        reads(s);
        decimal_validation(s);
        decimal_lookups(s);
        uuid_lookups(s);
        binary_lookups(s);
        django = s.run(oracle, django_path, /*dump=*/true);
        cases = s.size();
    }
    // Every stored value, as SQLite returns it (NUMERIC affinity: integers, reals).
    const json mine = conf::dump_table(dorm_path, "conf_product", "id");
    const json theirs = django.dump("conf_product");
    INFO("dorm:   " << mine.dump() << "\ndjango: " << theirs.dump());
    CHECK(mine == theirs);
    CHECK(mine.size() == 5);
    WARN(cases << " field-kind cases compared with Django");
}
