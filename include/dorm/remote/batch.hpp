#pragma once
// OData `$batch` with one atomic changeset (multipart/mixed, the form OData v2, v4 and
// Dataverse all accept): writing the request body and reading the server's answer. A
// changeset is all or nothing on the server; its answer is either one response per
// operation, or a single error response naming the operation that failed (Content-ID).
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/core/errors.hpp" // what the functions throw
#include "dorm/detail/config.hpp"
#include "dorm/odata/dialect.hpp"
#include "dorm/remote/transport.hpp"

namespace dorm {
inline namespace DORM_ABI {
namespace odata {

// One write of a changeset. `path` is the entity set or the entity relative to the service
// root ("Accounts", "Accounts(guid'…')"), made by the client from model metadata.
struct BatchOperation {
    enum class Kind { Create, Update, Delete };
    Kind kind = Kind::Create;
    std::string entity_set;
    std::string key;       // Update, Delete: the remote key
    nlohmann::json fields; // Create: the new entity; Update: the changed fields only
    std::optional<std::string> etag;

    static BatchOperation create(std::string entity_set, nlohmann::json fields) {
        return {Kind::Create, std::move(entity_set), {}, std::move(fields), std::nullopt};
    }
    static BatchOperation update(std::string entity_set, std::string key, nlohmann::json changes,
                                 std::optional<std::string> etag = {}) {
        return {Kind::Update, std::move(entity_set), std::move(key), std::move(changes),
                std::move(etag)};
    }
    static BatchOperation delete_(std::string entity_set, std::string key,
                                  std::optional<std::string> etag = {}) {
        return {Kind::Delete, std::move(entity_set), std::move(key), nullptr, std::move(etag)};
    }
};

// The answer to one operation of a changeset that was applied.
struct BatchResult {
    int status = 0;
    nlohmann::json entity; // the created or updated entity when the server sent it, else null
    std::optional<std::string> etag;
};

namespace detail {

struct MimePart {
    std::vector<std::pair<std::string, std::string>> headers; // names in lower case
    std::string body;

    std::optional<std::string> header(std::string_view name) const;
};

std::string lower(std::string_view s);

std::string_view trim(std::string_view s);

// The next line of `s` from `pos` (without its CR LF or LF); npos when there is none.
std::optional<std::string_view> next_line(std::string_view s, std::size_t& pos);

// Header lines up to the first empty line; `pos` is left at the body.
std::vector<std::pair<std::string, std::string>> read_headers(std::string_view s, std::size_t& pos);

// The `boundary` parameter of a multipart Content-Type; nullopt when it is not multipart.
std::optional<std::string> multipart_boundary(std::string_view content_type);

// The parts of a multipart body (RFC 2046): what lies between "--boundary" lines, up to the
// closing "--boundary--". A part's body ends before the line break that precedes the next
// delimiter.
std::vector<MimePart> split_multipart(std::string_view body, const std::string& boundary);

// An application/http part: "HTTP/1.1 201 Created", headers, body.
HttpResponse read_http_response(std::string_view text);

} // namespace detail

// The answer to one changeset: a response per operation in the order of the changeset
// (matched by Content-ID), or a single response when the changeset failed.
struct ChangesetAnswer {
    std::vector<HttpResponse> responses;
    // When the changeset failed: the 0-based index of the operation the server named, if any.
    std::optional<std::size_t> failed_operation;
};

// A multipart/mixed batch body holding one changeset. The boundaries are random and checked
// not to occur in any operation's text.
struct BatchBody {
    std::string content_type;
    std::string body;
};

namespace detail {
// The part of the changeset for operation i (0-based) of `target`, the entity set of a
// create or the encoded entity path of an update or delete.
std::string changeset_part(std::size_t i, const BatchOperation& op, const Dialect& dialect,
                           const std::string& target);
// The multipart body of the parts, with fresh boundaries that occur in none of them.
BatchBody changeset_body(const std::vector<std::string>& parts);
} // namespace detail

// Writes the changeset. `entity_path(set, key)` gives "Accounts(<key literal>)", encoded.
template <class EntityPath>
BatchBody write_changeset(const std::vector<BatchOperation>& ops, const Dialect& dialect,
                          EntityPath entity_path) {
    std::vector<std::string> texts;
    texts.reserve(ops.size());
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto& op = ops[i];
        texts.push_back(detail::changeset_part(i, op, dialect,
                                               op.kind == BatchOperation::Kind::Create
                                                   ? op.entity_set
                                                   : entity_path(op.entity_set, op.key)));
    }
    return detail::changeset_body(texts);
}

// Reads the answer to a batch of one changeset of `operations` operations.
ChangesetAnswer read_changeset_answer(std::string_view content_type, std::string_view body,
                                      std::size_t operations);

} // namespace odata
} // namespace DORM_ABI
} // namespace dorm

#if DORM_INCLUDE_IMPL
#include "dorm/impl/remote/batch.ipp"
#endif
