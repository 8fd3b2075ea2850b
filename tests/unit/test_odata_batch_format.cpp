// The multipart/mixed text of a $batch with one changeset (remote/batch.hpp): the request
// written per dialect, and the server's answer read back, including the line endings,
// quoting and orderings servers use, and MalformedResponse for everything else.
#include <catch2/catch.hpp>

#include <dorm/remote/batch.hpp>

#include <regex>
#include <string>
#include <vector>

namespace {

namespace od = dorm::odata;
using Op = od::BatchOperation;

std::string path(const std::string& set, const std::string& key) {
    return set + "(guid'" + key + "')";
}

// The body with its two random boundaries replaced by fixed names.
std::string fixed(const od::BatchBody& b) {
    const std::string batch = b.content_type.substr(b.content_type.find('=') + 1);
    const auto at = b.body.find("boundary=") + 9;
    const std::string changeset = b.body.substr(at, b.body.find('\r', at) - at);
    std::string out = std::regex_replace(b.body, std::regex(batch), "BATCH");
    return std::regex_replace(out, std::regex(changeset), "CS");
}

od::ChangesetAnswer read(const std::string& content_type, const std::string& body,
                         std::size_t operations) {
    return od::read_changeset_answer(content_type, body, operations);
}

const std::string applied = "--b\r\n"
                            "Content-Type: multipart/mixed; boundary=c\r\n"
                            "\r\n"
                            "--c\r\n"
                            "Content-Type: application/http\r\n"
                            "Content-ID: 2\r\n"
                            "\r\n"
                            "HTTP/1.1 204 No Content\r\n"
                            "\r\n"
                            "\r\n"
                            "--c\r\n"
                            "Content-Type: application/http\r\n"
                            "Content-ID: 1\r\n"
                            "\r\n"
                            "HTTP/1.1 201 Created\r\n"
                            "Content-Type: application/json\r\n"
                            "ETag: W/\"1\"\r\n"
                            "\r\n"
                            "{\"ID\":\"k\",\"name\":\"line\\r\\n--c\"}\r\n"
                            "--c--\r\n"
                            "--b--\r\n";

} // namespace

TEST_CASE("a changeset is written as multipart with one part per operation", "[odata][batch]") {
    const std::vector<Op> ops{
        Op::create("Accounts", {{"ID", "k1"}, {"name", "O'Brien\r\n--batch_x"}}),
        Op::update("Accounts", "k2", {{"employees", 8}}, "W/\"e2\""),
        Op::delete_("Accounts", "k3"),
    };
    const auto v2 = od::write_changeset(ops, od::odata_v2(), path);
    CHECK(v2.content_type.starts_with("multipart/mixed; boundary=batch_"));
    CHECK(fixed(v2) == "--BATCH\r\n"
                       "Content-Type: multipart/mixed; boundary=CS\r\n"
                       "\r\n"
                       "--CS\r\n"
                       "Content-Type: application/http\r\n"
                       "Content-Transfer-Encoding: binary\r\n"
                       "Content-ID: 1\r\n"
                       "\r\n"
                       "POST Accounts HTTP/1.1\r\n"
                       "Accept: application/json\r\n"
                       "Content-Type: application/json\r\n"
                       "Prefer: return=representation\r\n"
                       "\r\n"
                       "{\"ID\":\"k1\",\"name\":\"O'Brien\\r\\n--batch_x\"}\r\n"
                       "--CS\r\n"
                       "Content-Type: application/http\r\n"
                       "Content-Transfer-Encoding: binary\r\n"
                       "Content-ID: 2\r\n"
                       "\r\n"
                       "MERGE Accounts(guid'k2') HTTP/1.1\r\n"
                       "Accept: application/json\r\n"
                       "Content-Type: application/json\r\n"
                       "If-Match: W/\"e2\"\r\n"
                       "\r\n"
                       "{\"employees\":8}\r\n"
                       "--CS\r\n"
                       "Content-Type: application/http\r\n"
                       "Content-Transfer-Encoding: binary\r\n"
                       "Content-ID: 3\r\n"
                       "\r\n"
                       "DELETE Accounts(guid'k3') HTTP/1.1\r\n"
                       "Accept: application/json\r\n"
                       "If-Match: *\r\n"
                       "\r\n"
                       "\r\n"
                       "--CS--\r\n"
                       "--BATCH--\r\n");
    // v4 updates with PATCH; boundaries differ from one batch to the next.
    const auto v4 = od::write_changeset(ops, od::odata_v4(), path);
    CHECK(fixed(v4).find("PATCH Accounts(guid'k2') HTTP/1.1\r\n") != std::string::npos);
    CHECK(v4.content_type != v2.content_type);
}

TEST_CASE("an applied changeset is read in operation order by Content-ID", "[odata][batch]") {
    const auto a = read("multipart/mixed; boundary=b", applied, 2);
    CHECK_FALSE(a.failed_operation);
    REQUIRE(a.responses.size() == 2);
    CHECK(a.responses[0].status == 201);
    CHECK(a.responses[0].header("etag") == "W/\"1\"");
    CHECK(a.responses[0].body == "{\"ID\":\"k\",\"name\":\"line\\r\\n--c\"}");
    CHECK(a.responses[1].status == 204);
    CHECK(a.responses[1].body.empty());

    // LF line endings, a quoted boundary with parameters after it, no Content-IDs (then
    // the order of the parts is the order of the operations).
    std::string lf = std::regex_replace(applied, std::regex("\r\n"), "\n");
    lf = std::regex_replace(lf, std::regex("Content-ID: .\n"), "");
    const auto b = read("Multipart/Mixed; boundary=\"b\"; charset=utf-8", lf, 2);
    REQUIRE(b.responses.size() == 2);
    CHECK(b.responses[0].status == 204);
    CHECK(b.responses[1].status == 201);
}

TEST_CASE("a refused changeset is one answer naming the operation", "[odata][batch]") {
    const std::string body = "--b\r\n"
                             "content-type: application/http\r\n"
                             "content-id: 3\r\n"
                             "\r\n"
                             "HTTP/1.1 404 Not Found\r\n"
                             "content-type: application/json\r\n"
                             "\r\n"
                             "{\"error\":{\"code\":\"404\",\"message\":\"Not Found\"}}\r\n"
                             "--b--\r\n";
    const auto a = read("multipart/mixed;boundary=b", body, 4);
    REQUIRE(a.responses.size() == 1);
    CHECK(a.failed_operation == 2u);
    CHECK(a.responses[0].status == 404);
    CHECK(a.responses[0].body == "{\"error\":{\"code\":\"404\",\"message\":\"Not Found\"}}");
    // A Content-ID the changeset does not have names no operation.
    CHECK_FALSE(read("multipart/mixed;boundary=b",
                     std::regex_replace(body, std::regex("content-id: 3"), "content-id: 9"), 4)
                    .failed_operation);
}

TEST_CASE("answers that are not a whole multipart are MalformedResponse", "[odata][batch]") {
    const std::string ct = "multipart/mixed; boundary=b";
    using dorm::MalformedResponse;
    CHECK_THROWS_AS(read("application/json", applied, 2), MalformedResponse);
    CHECK_THROWS_AS(read("multipart/mixed", applied, 2), MalformedResponse);
    CHECK_THROWS_AS(read(ct, "", 2), MalformedResponse);
    CHECK_THROWS_AS(read(ct, applied.substr(0, applied.size() / 2), 2), MalformedResponse);
    CHECK_THROWS_AS(read(ct, applied, 3), MalformedResponse); // 2 answers to 3 operations
    CHECK_THROWS_AS(
        read(ct, std::regex_replace(applied, std::regex("Content-ID: 1"), "Content-ID: 2"), 2),
        MalformedResponse); // two answers to operation 2
    CHECK_THROWS_AS(
        read(ct, std::regex_replace(applied, std::regex("HTTP/1.1 201"), "HTTP/1.1 2x1"), 2),
        MalformedResponse);
    CHECK_THROWS_AS(
        read(ct, std::regex_replace(applied, std::regex("HTTP/1.1 201 Created"), "201 Created"), 2),
        MalformedResponse);
    CHECK_THROWS_AS(read(ct, std::regex_replace(applied, std::regex("--b--"), "--b"), 2),
                    MalformedResponse);
    try {
        read(ct, "junk", 1);
        FAIL("junk was read");
    } catch (const MalformedResponse& ex) {
        CHECK(std::string(ex.what()) == "malformed $batch response: no part delimited by --b");
    }
}
