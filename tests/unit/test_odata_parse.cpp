// Reading OData responses (remote/parse.hpp): V2 /Date(ms)/ values, V4 ISO 8601 values,
// pages of both protocols, error bodies, and MalformedResponse for what OData does not send.
#include <catch2/catch.hpp>
#include <dorm/dorm.hpp>
#include <dorm/remote/encode.hpp>
#include <dorm/remote/parse.hpp>

#include <string>

using dorm::Date;
using dorm::DateTime;
using dorm::Value;
using dorm::ValueType;
using dorm::odata::Version;
using json = nlohmann::json;

namespace {
std::string v2(std::string_view s) {
    auto d = dorm::odata::parse_v2_date(s);
    return d ? d->iso() : "none";
}
std::string iso(std::string_view s) {
    auto d = dorm::odata::parse_iso(s);
    return d ? d->iso() : "none";
}
} // namespace

TEST_CASE("V2 /Date(ms)/: epoch, negative, offsets, bounds and garbage", "[odata][parse]") {
    CHECK(v2("/Date(0)/") == "1970-01-01 00:00:00");
    CHECK(v2("/Date(1456704000000)/") == "2016-02-29 00:00:00"); // a leap day
    CHECK(v2("/Date(1456747199999)/") == "2016-02-29 11:59:59.999000");
    CHECK(v2("/Date(-1)/") == "1969-12-31 23:59:59.999000"); // floor, not truncation
    CHECK(v2("/Date(-86400000)/") == "1969-12-31 00:00:00");
    // The milliseconds are UTC; the offset only says where the value was written.
    CHECK(v2("/Date(1456704000000+0000)/") == "2016-02-29 00:00:00");
    CHECK(v2("/Date(1456704000000+0060)/") == "2016-02-29 00:00:00");
    CHECK(v2("/Date(1456704000000-0300)/") == "2016-02-29 00:00:00");
    CHECK(v2("/Date(-62135596800000)/") == "0001-01-01 00:00:00");
    CHECK(v2("/Date(253402300799999)/") == "9999-12-31 23:59:59.999000");
    for (const char* bad : {"/Date()/", "/Date(-)/", "/Date(x)/", "/Date(1+00)/", "/Date(1+0a00)/",
                            "/Date(1)", "Date(1)/", "/Date(-62135596800001)/",
                            "/Date(99999999999999999999)/", "", "2016-02-29"}) {
        INFO(bad);
        CHECK(v2(bad) == "none");
    }
}

TEST_CASE("V4 ISO 8601: Z, offsets converted to UTC, 7 fraction digits, dates", "[odata][parse]") {
    CHECK(iso("2016-02-29T10:00:00Z") == "2016-02-29 10:00:00");
    CHECK(iso("2016-02-29T10:00:00.5Z") == "2016-02-29 10:00:00.500000");
    CHECK(iso("2016-02-29T10:00:00.1234567Z") == "2016-02-29 10:00:00.123456");
    CHECK(iso("2016-02-29T00:30:00+01:00") == "2016-02-28 23:30:00");
    CHECK(iso("2016-02-29T22:00:00-05:30") == "2016-03-01 03:30:00");
    CHECK(iso("2016-02-29") == "2016-02-29 00:00:00");
    for (const char* bad : {"2016-02-30", "2016-02-29 10:00:00", "2016-02-29T25:00:00Z", "x", ""}) {
        INFO(bad);
        CHECK(iso(bad) == "none");
    }
}

TEST_CASE("pages: V2 d.results, __next, __count, then V4 value, nextLink, count",
          "[odata][parse]") {
    auto p2 = dorm::odata::parse_page(
        json::parse(
            R"({"d":{"results":[{"Name":"a"},{"Name":"b"}],)"
            R"("__next":"http://localhost:4004/odata/v2/s/A?$skiptoken=2","__count":"7"}})"),
        Version::V2);
    CHECK(p2.rows.size() == 2);
    CHECK(p2.rows[1]["Name"] == "b");
    CHECK(p2.next == "http://localhost:4004/odata/v2/s/A?$skiptoken=2");
    CHECK(p2.count == 7);
    // A V1-style bare array, and an empty last page with no next link.
    CHECK(dorm::odata::parse_page(json::parse(R"({"d":[{"x":1}]})"), Version::V2).rows.size() == 1);
    auto last = dorm::odata::parse_page(json::parse(R"({"d":{"results":[]}})"), Version::V2);
    CHECK(last.rows.empty());
    CHECK_FALSE(last.next.has_value());

    auto p4 = dorm::odata::parse_page(
        json::parse(
            R"({"@odata.count":3,"value":[{"ID":"x"}],"@odata.nextLink":"A?$skiptoken=1"})"),
        Version::V4);
    CHECK(p4.rows.size() == 1);
    CHECK(p4.next == "A?$skiptoken=1");
    CHECK(p4.count == 3);
}

TEST_CASE("pages: what OData does not send is a MalformedResponse", "[odata][parse]") {
    for (const char* body :
         {R"([])", R"({"value":{}})", R"({"value":[1]})", R"({"value":[],"@odata.nextLink":5})",
          R"({"value":[],"@odata.count":"3"})", R"({"x":1})"}) {
        INFO(body);
        CHECK_THROWS_AS(dorm::odata::parse_page(json::parse(body), Version::V4),
                        dorm::MalformedResponse);
    }
    for (const char* body :
         {R"({"results":[]})", R"({"d":5})", R"({"d":{"results":{}}})",
          R"({"d":{"results":[],"__count":"many"}})", R"({"d":{"results":[],"__next":1}})"}) {
        INFO(body);
        CHECK_THROWS_AS(dorm::odata::parse_page(json::parse(body), Version::V2),
                        dorm::MalformedResponse);
    }
    // MalformedResponse is a RemoteError, is a dorm::Error.
    CHECK_THROWS_AS(dorm::odata::parse_page(json::parse("[]"), Version::V4), dorm::RemoteError);
}

TEST_CASE("values: each protocol's JSON forms become the field's value", "[odata][parse]") {
    using dorm::odata::parse_value;
    CHECK(parse_value(json(nullptr), ValueType::Text, Version::V4, "a").is_null());
    CHECK(parse_value(json(5), ValueType::Integer, Version::V4, "a") == Value(5));
    CHECK(parse_value(json("5"), ValueType::Integer, Version::V2, "a") ==
          Value(5)); // Int64 as text
    CHECK(parse_value(json("1.25"), ValueType::Real, Version::V2, "a") == Value(1.25)); // decimal
    CHECK(parse_value(json(1.25), ValueType::Real, Version::V4, "a") == Value(1.25));
    CHECK(parse_value(json(true), ValueType::Bool, Version::V4, "a") == Value(true));
    CHECK(parse_value(json("O'Brien \"Müller\" 😀"), ValueType::Text, Version::V4, "a") ==
          Value("O'Brien \"Müller\" 😀"));
    CHECK(parse_value(json("/Date(1456704000000)/"), ValueType::Date, Version::V2, "a") ==
          Value(Date{2016, 2, 29}));
    CHECK(parse_value(json("2016-02-29T10:00:00Z"), ValueType::DateTime, Version::V4, "a") ==
          Value(DateTime(2016, 2, 29, 10)));
    // A CRM 2011 lookup attribute is an EntityReference: its Id is the related row's key.
    CHECK(parse_value(json::parse(R"({"Id":"0d9a4b6f-0000-4c1e-9a5b-1234567890ab","Name":"x"})"),
                      ValueType::Text, Version::V2,
                      "ParentAccountId") == Value("0d9a4b6f-0000-4c1e-9a5b-1234567890ab"));
    CHECK(parse_value(json::parse(R"({"Id":null})"), ValueType::Text, Version::V2, "P").is_null());
    // The wrong form names the attribute.
    CHECK_THROWS_WITH(
        parse_value(json("12x"), ValueType::Integer, Version::V2, "NumberOfEmployees"),
        Catch::Contains("NumberOfEmployees") && Catch::Contains("\"12x\""));
    CHECK_THROWS_AS(parse_value(json("2016-02-30"), ValueType::Date, Version::V4, "a"),
                    dorm::MalformedResponse);
    CHECK_THROWS_AS(parse_value(json(1), ValueType::Bool, Version::V4, "a"),
                    dorm::MalformedResponse);
}

TEST_CASE("error bodies: V2 and V4 shapes, and text that is not JSON", "[odata][parse]") {
    auto [c2, m2] = dorm::odata::parse_error(
        R"({"error":{"code":"-2147220969","message":{"lang":"en-US","value":"Account Does Not Exist"}}})");
    CHECK(c2 == "-2147220969");
    CHECK(m2 == "Account Does Not Exist");
    auto [c4, m4] = dorm::odata::parse_error(R"({"error":{"code":"404","message":"Not Found"}})");
    CHECK(c4 == "404");
    CHECK(m4 == "Not Found");
    auto [c0, m0] = dorm::odata::parse_error("<html>502 Bad Gateway</html>");
    CHECK(c0.empty());
    CHECK(m0 == "<html>502 Bad Gateway</html>");
}

TEST_CASE("Edm.Decimal, Edm.Guid and Edm.Binary: JSON read exactly, literals per version") {
    namespace od = dorm::odata;
    using dorm::Decimal;
    const auto dec = [](const json& j, Version v) {
        return od::parse_value(j, ValueType::Decimal, v, "price").as_decimal().str();
    };
    // V2 sends decimals as strings: every digit kept, no double in between.
    CHECK(dec("12345678901234567890.123456789", Version::V2) == "12345678901234567890.123456789");
    CHECK(dec("0.10", Version::V2) == "0.10");
    // V4 sends numbers: the shortest text of the double (exact up to 15 digits).
    CHECK(dec(json::parse("12345678901.23"), Version::V4) == "12345678901.23");
    CHECK(dec(json::parse("0.1"), Version::V4) == "0.1");
    CHECK(dec(json::parse("-7"), Version::V4) == "-7");
    CHECK(dec(json::parse("18446744073709551615"), Version::V4) == "18446744073709551615");
    CHECK(dec("98765432109.87", Version::V4) == "98765432109.87"); // IEEE754Compatible
    CHECK(dec(json::parse(R"({"__metadata": {"type": "Microsoft.Crm.Sdk.Data.Services.Money"},
                              "Value": "1234.5000"})"),
              Version::V2) == "1234.5000"); // CRM 2011's Money
    CHECK(od::parse_value(json::parse(R"({"Value": null})"), ValueType::Decimal, Version::V2, "m")
              .is_null());
    CHECK_THROWS_AS(dec("12,5", Version::V2), dorm::MalformedResponse);
    CHECK_THROWS_AS(dec(true, Version::V4), dorm::MalformedResponse);

    const auto u =
        od::parse_value("6B3F2C1E-8A4D-4E0B-9C57-0D1E2F3A4B5C", ValueType::Uuid, Version::V4, "ID");
    CHECK(u.as_uuid().str() == "6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c");
    CHECK_THROWS_AS(od::parse_value("nope", ValueType::Uuid, Version::V4, "ID"),
                    dorm::MalformedResponse);

    const dorm::Blob b{0x00, 0x01, 0xff, 0x27, 0x5c, 0x67};
    CHECK(od::parse_value("AAH_J1xn", ValueType::Binary, Version::V4, "data").as_blob() == b);
    CHECK(od::parse_value("AAH/J1xn", ValueType::Binary, Version::V2, "data").as_blob() == b);
    CHECK(od::parse_value("eA==", ValueType::Binary, Version::V2, "data").as_blob() ==
          dorm::Blob{'x'});
    CHECK_THROWS_AS(od::parse_value("e A", ValueType::Binary, Version::V4, "data"),
                    dorm::MalformedResponse);

    // Written back: V2 decimals as strings, V4 as numbers (beyond 15 digits: a string).
    CHECK(od::json_value(Value(Decimal::from_string("12.50")), Version::V2) == "12.50");
    CHECK(od::json_value(Value(Decimal::from_string("12.50")), Version::V4).dump() == "12.5");
    CHECK(od::json_value(Value(Decimal::from_string("1234567890123456.78")), Version::V4) ==
          "1234567890123456.78");
    CHECK(od::json_value(Value(b), Version::V4) == "AAH/J1xn");
    CHECK(od::json_value(Value(u), Version::V2) == "6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c");

    // Literals: the M suffix and guid'...' on V2, bare on V4.
    const auto v2 = od::odata_v2(), v4 = od::odata_v4();
    CHECK(od::literal(Value(Decimal::from_string("12.50")), v2) == "12.50M");
    CHECK(od::literal(Value(Decimal::from_string("-0.001")), v4) == "-0.001");
    CHECK(od::literal(Value(Decimal::from_string("1e3")), v4) == "1000");
    CHECK(od::literal(u, v2) == "guid'6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c'");
    CHECK(od::literal(u, v4) == "6b3f2c1e-8a4d-4e0b-9c57-0d1e2f3a4b5c");
    CHECK(od::literal(Value(b), v4) == "binary'AAH_J1xn'");
    CHECK(od::literal(Value(b), v2) == "binary'0001FF275C67'");
}
