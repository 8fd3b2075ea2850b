#pragma once
// Bodies of dorm/remote/batch.hpp (dorm/detail/config.hpp).
#include "dorm/remote/batch.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <random>

#include "dorm/core/errors.hpp"
#include "dorm/remote/encode.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

namespace detail {

DORM_INLINE std::optional<std::string> MimePart::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name)
            return v;
    return std::nullopt;
}

DORM_INLINE std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

DORM_INLINE std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

DORM_INLINE std::optional<std::string_view> next_line(std::string_view s, std::size_t& pos) {
    if (pos >= s.size())
        return std::nullopt;
    const auto nl = s.find('\n', pos);
    std::string_view line = s.substr(pos, nl == std::string_view::npos ? s.npos : nl - pos);
    pos = nl == std::string_view::npos ? s.size() : nl + 1;
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

DORM_INLINE std::vector<std::pair<std::string, std::string>> read_headers(std::string_view s,
                                                                          std::size_t& pos) {
    std::vector<std::pair<std::string, std::string>> headers;
    while (auto line = next_line(s, pos)) {
        if (line->empty())
            return headers;
        const auto colon = line->find(':');
        if (colon == std::string_view::npos)
            throw MalformedResponse("malformed $batch response: a header line without ':'");
        headers.emplace_back(lower(trim(line->substr(0, colon))),
                             std::string(trim(line->substr(colon + 1))));
    }
    throw MalformedResponse("malformed $batch response: headers without an end");
}

DORM_INLINE std::optional<std::string> multipart_boundary(std::string_view content_type) {
    if (!lower(content_type).starts_with("multipart/mixed"))
        return std::nullopt;
    const auto at = lower(content_type).find("boundary=");
    if (at == std::string::npos)
        return std::nullopt;
    std::string_view b = content_type.substr(at + 9);
    b = b.substr(0, b.find(';'));
    b = trim(b);
    if (b.size() >= 2 && b.front() == '"' && b.back() == '"')
        b = b.substr(1, b.size() - 2);
    if (b.empty() || b.size() > 70)
        return std::nullopt;
    return std::string(b);
}

DORM_INLINE std::vector<MimePart> split_multipart(std::string_view body,
                                                  const std::string& boundary) {
    const std::string delimiter = "--" + boundary;
    std::vector<MimePart> parts;
    std::size_t at = body.starts_with(delimiter) ? 0 : body.find("\n" + delimiter);
    if (at == std::string_view::npos)
        throw MalformedResponse("malformed $batch response: no part delimited by " + delimiter);
    if (at != 0)
        ++at; // past the '\n'
    for (;;) {
        std::size_t pos = at + delimiter.size();
        if (body.substr(pos, 2) == "--")
            return parts;     // the closing delimiter
        next_line(body, pos); // the rest of the delimiter line
        const auto end = body.find("\n" + delimiter, pos);
        if (end == std::string_view::npos)
            throw MalformedResponse("malformed $batch response: a part without a closing " +
                                    delimiter);
        std::string_view content = body.substr(pos, end - pos);
        if (!content.empty() && content.back() == '\r')
            content.remove_suffix(1);
        MimePart part;
        std::size_t p = 0;
        part.headers = read_headers(content, p);
        part.body = std::string(content.substr(std::min(p, content.size())));
        parts.push_back(std::move(part));
        at = end + 1;
    }
}

DORM_INLINE HttpResponse read_http_response(std::string_view text) {
    std::size_t pos = 0;
    const auto status_line = next_line(text, pos);
    if (!status_line || !status_line->starts_with("HTTP/"))
        throw MalformedResponse("malformed $batch response: a part without an HTTP status line");
    const auto sp = status_line->find(' ');
    HttpResponse out;
    if (sp == std::string_view::npos || sp + 4 > status_line->size())
        throw MalformedResponse("malformed $batch response: a bad HTTP status line");
    const std::string_view code = status_line->substr(sp + 1, 3);
    for (const char c : code)
        if (c < '0' || c > '9')
            throw MalformedResponse("malformed $batch response: a bad HTTP status line");
    out.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    out.headers = read_headers(text, pos);
    out.body = std::string(text.substr(std::min(pos, text.size())));
    return out;
}

} // namespace detail

namespace detail {

DORM_INLINE std::string changeset_part(std::size_t i, const BatchOperation& op,
                                       const Dialect& dialect, const std::string& target) {
    std::string method, body;
    std::vector<std::pair<std::string, std::string>> headers;
    switch (op.kind) {
    case BatchOperation::Kind::Create:
        method = "POST";
        body = json_body_text(op.fields, op.entity_set);
        headers = {{"Content-Type", "application/json"}, {"Prefer", "return=representation"}};
        break;
    case BatchOperation::Kind::Update:
        // Inside a batch v2 takes MERGE as the method itself (no tunnelling needed).
        method = dialect.version == Version::V2 ? "MERGE" : "PATCH";
        body = json_body_text(op.fields, op.entity_set);
        headers = {{"Content-Type", "application/json"}, {"If-Match", op.etag.value_or("*")}};
        break;
    case BatchOperation::Kind::Delete:
        method = "DELETE";
        headers = {{"If-Match", op.etag.value_or("*")}};
        break;
    }
    std::string t = "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
                    "Content-ID: " +
                    std::to_string(i + 1) + "\r\n\r\n" + method + " " + target +
                    " HTTP/1.1\r\nAccept: application/json\r\n";
    for (const auto& [n, v] : headers)
        t += n + ": " + v + "\r\n";
    t += "\r\n" + body;
    return t;
}

DORM_INLINE BatchBody changeset_body(const std::vector<std::string>& texts) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    const auto fresh = [](const char* prefix) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%s_%016llx", prefix,
                      static_cast<unsigned long long>(random()));
        return std::string(buf);
    };
    std::string batch, changeset;
    const auto occurs = [&](const std::string& b) {
        for (const auto& t : texts)
            if (t.find(b) != std::string::npos)
                return true;
        return false;
    };
    do
        batch = fresh("batch"), changeset = fresh("changeset");
    while (occurs(batch) || occurs(changeset));

    std::string out =
        "--" + batch + "\r\nContent-Type: multipart/mixed; boundary=" + changeset + "\r\n\r\n";
    for (const auto& t : texts)
        out += "--" + changeset + "\r\n" + t + "\r\n";
    out += "--" + changeset + "--\r\n--" + batch + "--\r\n";
    return {"multipart/mixed; boundary=" + batch, std::move(out)};
}

} // namespace detail

DORM_INLINE ChangesetAnswer read_changeset_answer(std::string_view content_type,
                                                  std::string_view body, std::size_t operations) {
    const auto boundary = detail::multipart_boundary(content_type);
    if (!boundary)
        throw MalformedResponse("malformed $batch response: Content-Type is not multipart (" +
                                std::string(content_type.substr(0, 100)) + ")");
    const auto parts = detail::split_multipart(body, *boundary);
    if (parts.size() != 1)
        throw MalformedResponse("malformed $batch response: " + std::to_string(parts.size()) +
                                " parts for one changeset");
    const auto& part = parts.front();
    const auto content_id = [&](const detail::MimePart& p,
                                const HttpResponse& r) -> std::optional<std::size_t> {
        auto id = p.header("content-id");
        if (!id)
            id = r.header("content-id");
        if (!id)
            return std::nullopt;
        std::size_t n = 0;
        for (const char c : *id) {
            if (c < '0' || c > '9' || n > operations)
                return std::nullopt;
            n = n * 10 + static_cast<std::size_t>(c - '0');
        }
        if (n == 0 || n > operations)
            return std::nullopt;
        return n - 1;
    };

    ChangesetAnswer answer;
    if (const auto inner = detail::multipart_boundary(part.header("content-type").value_or(""))) {
        const auto responses = detail::split_multipart(part.body, *inner);
        if (responses.size() != operations)
            throw MalformedResponse(
                "malformed $batch response: " + std::to_string(responses.size()) + " answers to " +
                std::to_string(operations) + " operations");
        answer.responses.resize(operations);
        std::vector<bool> seen(operations);
        for (std::size_t i = 0; i < responses.size(); ++i) {
            HttpResponse r = detail::read_http_response(responses[i].body);
            const std::size_t at = content_id(responses[i], r).value_or(i);
            if (seen[at])
                throw MalformedResponse("malformed $batch response: two answers to operation " +
                                        std::to_string(at + 1));
            seen[at] = true;
            answer.responses[at] = std::move(r);
        }
        return answer;
    }
    // One application/http part: the whole changeset's answer, an error when it failed.
    HttpResponse r = detail::read_http_response(part.body);
    answer.failed_operation = content_id(part, r);
    answer.responses.push_back(std::move(r));
    return answer;
}

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm
