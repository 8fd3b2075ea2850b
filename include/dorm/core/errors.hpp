#pragma once
// The exception hierarchy. Every error dorm throws derives from dorm::Error, and its message
// names the model, the field and what was expected.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dorm/detail/config.hpp"

namespace dorm {
inline namespace DORM_ABI {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
    // A synced write whose outcome is unknown (the remote may have applied it, the local
    // store did not keep it): the entry of the sync journal that records it, which the
    // engine resolves from the remote (dorm::sync::Engine::pending(), recover()).
    std::optional<std::int64_t> journal_entry() const noexcept { return journal_entry_; }
    // Marks this error journalled: `note` is appended to its message; its type is kept.
    void set_journal_entry(std::int64_t entry, const std::string& note) {
        add_note(note);
        journal_entry_ = entry;
    }
    // Appends `note` to the message; the type is kept (what a rethrow adds to the error).
    void add_note(const std::string& note) {
        static_cast<std::runtime_error&>(*this) = std::runtime_error(std::string(what()) + note);
    }

private:
    std::optional<std::int64_t> journal_entry_;
};

// Query results.
struct ObjectDoesNotExist : Error {
    using Error::Error;
};
struct DoesNotExist : ObjectDoesNotExist {
    using ObjectDoesNotExist::ObjectDoesNotExist;
};
struct MultipleObjectsReturned : Error {
    using Error::Error;
};
// What get_object_or_404 / get_list_or_404 throw; a web framework maps it to a 404 page.
struct Http404 : Error {
    using Error::Error;
};

// Misuse of the API.
struct FieldError : Error { // unknown field, lookup or transform; a path that does not resolve
    using Error::Error;
};
struct ValueError : Error { // a value of the wrong kind or shape for a field or lookup
    using Error::Error;
};
// A value of a kind the field cannot take at all, where Django raises Python's TypeError: a
// date compared with an integer field, a number with a date field.
struct TypeError : ValueError {
    using ValueError::ValueError;
};
// A number too large for the database (Python's OverflowError): an integer beyond SQLite's
// 64 bits, an infinite double given for an integer field.
struct OverflowError : ValueError {
    using ValueError::ValueError;
};
struct UsageError : Error { // an operation not allowed in this state (update of a slice, ...)
    using Error::Error;
};
// A value or a model instance that is not valid (max_length, NULL, choices, full_clean()).
struct ValidationError : Error {
    using Error::Error;
    // Each field's messages, in field order (Django's message_dict; "__all__" for a model's
    // clean()). What full_clean() raises has them; a single value's error has none.
    using MessageDict = std::vector<std::pair<std::string, std::vector<std::string>>>;
    ValidationError(const std::string& what, MessageDict messages)
        : Error(what), dict_(std::make_shared<const MessageDict>(std::move(messages))) {}
    const MessageDict& message_dict() const noexcept {
        static const MessageDict none;
        return dict_ ? *dict_ : none;
    }
    // The messages of one field (empty when it has none).
    std::vector<std::string> messages(std::string_view field) const {
        for (const auto& [name, list] : message_dict())
            if (name == field)
                return list;
        return {};
    }

private:
    std::shared_ptr<const MessageDict> dict_; // shared: copying an exception does not throw
};
struct NotSupported : Error { // a feature dorm or the database does not have
    using Error::Error;
};
using NotSupportedError = NotSupported; // Django's name (django.db.NotSupportedError)
// qs[i] past the end (Python's IndexError). Not also a std::out_of_range: a second
// std::exception base would make `catch (const std::exception&)` miss it.
struct IndexError : Error {
    using Error::Error;
};

// The database.
struct DatabaseError : Error {
    DatabaseError(const std::string& what, int sqlite_code = 0) : Error(what), code(sqlite_code) {}
    int code; // the SQLite result code, when there is one
};
struct IntegrityError : DatabaseError { // a constraint failed: UNIQUE, NOT NULL, FOREIGN KEY
    using DatabaseError::DatabaseError;
};
// delete() refused: rows refer to the deleted ones through an on_delete=protect (restrict)
// ForeignKey. Nothing was deleted.
struct ProtectedError : IntegrityError {
    using IntegrityError::IntegrityError;
};
struct RestrictedError : IntegrityError {
    using IntegrityError::IntegrityError;
};
struct OperationalError : DatabaseError { // locked, busy, I/O, cannot open
    using DatabaseError::DatabaseError;
};
struct SchemaError : DatabaseError { // an existing table disagrees with its model
    using DatabaseError::DatabaseError;
};
struct TransactionManagementError : DatabaseError {
    using DatabaseError::DatabaseError;
};

// The sync engine (dorm/sync/): the local store and the remote disagree in a way the engine
// may not settle alone (ObjectsNotInSync, in dorm/sync/errors.hpp), or a model cannot sync.
struct SyncError : Error {
    using Error::Error;
};

// The remote (OData). Every error carries the HTTP status (0 when there was no response),
// the remote's error code and its message.
struct RemoteError : Error {
    RemoteError(const std::string& what, int http_status = 0, std::string remote_code = {},
                std::string message = {})
        : Error(what), status(http_status), code(std::move(remote_code)),
          remote_message(std::move(message)) {}
    int status;
    std::string code;
    std::string remote_message;
};
struct RemoteNotFound : RemoteError { // 404
    using RemoteError::RemoteError;
};
struct PreconditionFailed : RemoteError { // 412: the ETag did not match
    using RemoteError::RemoteError;
};
struct Unauthorized : RemoteError { // 401, 403
    using RemoteError::RemoteError;
};
struct Throttled : RemoteError { // 429
    using RemoteError::RemoteError;
};
struct RemoteServerError : RemoteError { // 5xx
    using RemoteError::RemoteError;
};
struct RemoteTimeout : RemoteError { // no answer in time
    using RemoteError::RemoteError;
};
// No connection (refused, unresolvable, TLS failure), or it dropped before a whole answer
// came (nothing received, a reset, a body shorter than its Content-Length). For a write the
// remote may or may not have applied it.
struct RemoteUnavailable : RemoteError {
    explicit RemoteUnavailable(const std::string& what, bool may_have_been_sent = true)
        : RemoteError(what), maybe_sent(may_have_been_sent) {}
    // False when no connection was made (refused, unresolvable): a write was not applied.
    // True when the request may have reached the server, which may have applied it.
    bool maybe_sent;
};
struct MalformedResponse : RemoteError { // a body that is not what OData promises
    using RemoteError::RemoteError;
};

} // namespace DORM_ABI
} // namespace dorm
