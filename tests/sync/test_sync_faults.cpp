// The sync engine's fault matrix (issue 5 §6), around the real OData test server (SAP CAP):
// every fault a remote shows, met by every synced operation.
//
//   faults      refused, connect timeout, read timeout, HTTP 400, 401, 404, 412, 429 (with
//               Retry-After), 500, 503, malformed JSON, a truncated body; for writes also
//               the two that come after the remote applied them: the answer lost, the
//               local COMMIT refused (the journal keeps them: docs/sync.md, Durability)
//   writes      save() of a new Contact (create), save() of a changed one, delete_(),
//               bulk_create(), queryset update(), queryset delete_()
//   reads       a filtered queryset, get() of a row the local store has (one GET by key),
//               get() of a row it lacks (the filter is read)
//
// A write that fails leaves the local store exactly as it was (a dump of every table), the
// object as it was, and throws its typed error; the server has the write only when the fault
// came after the server applied it (a truncated answer). A read that fails throws its typed
// error and leaves the local store as it was; with Offline::serve_stale the local store
// answers, counted in Counters::stale_reads and told to on_stale. After every cell a healthy
// read makes the local store the server's again (no duplicates), and a write that failed
// before reaching the server succeeds when retried. A process killed (SIGKILL) in the middle
// of a sync leaves a consistent store, and the next sync converges.
//
// How each fault is made, for the request under test only (every other request of the call
// goes through untouched):
//   refused          LoopbackProxy::stop_listening(): libcurl meets a closed port
//   connect timeout  a real one: the request goes to a listening socket whose accept queue is
//                    full (backlog 0, one connection never accepted), so Linux drops the SYN
//                    and libcurl's connect timeout (200 ms) expires
//   read timeout     LoopbackProxy Fault::stall: the request is read and never answered
//                    (libcurl's total timeout, 400 ms)
//   400 ... 503      FaultyTransport answers instead of the server (nothing is forwarded);
//                    the 429 carries Retry-After: 1
//   malformed JSON   FaultyTransport answers 200 (201 to a create) with JSON cut short, not
//                    forwarded; a DELETE's answer has no body the client reads, so there the
//                    real answer (the row deleted) gets the broken body
//   truncated body   LoopbackProxy Fault::truncate_body: the server's real answer cut at half
//                    its Content-Length (so the server applied the request); an empty answer
//                    (a DELETE's 204) has nothing to cut and arrives whole
//   answer lost      LoopbackProxy Fault::drop_answer: the request forwarded and applied, the
//                    server's whole answer read and none of it relayed
//   commit refused   forwarded; once its answer is back, an SQLite commit hook refuses the
//                    store's next COMMIT (the one that would keep the write)
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>
#include <dorm/sync/engine.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "faulty_transport.hpp"
#include "loopback_proxy.hpp"
#include "odata_contacts.hpp"
#include "odata_fixtures.hpp"
#include "odata_server.hpp"
#include "table_dump.hpp"
#include "temp_dir.hpp"

namespace {

namespace od = dorm::odata;
using dorm_test::account_key;
using dorm_test::contact_key;
using dorm_test::FaultyTransport;
using dorm_test::LoopbackProxy;
using namespace odata_accounts;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// --- The faults -------------------------------------------------------------------------------

enum class Fault {
    refused,
    connect_timeout,
    read_timeout,
    s400,
    s401,
    s404,
    s412,
    s429,
    s500,
    s503,
    malformed,
    truncated,
    // After the remote succeeded (writes only):
    answer_lost,    // the request forwarded and applied, its answer dropped
    commit_refused, // the remote's answer arrived, then the local COMMIT is refused
};
constexpr Fault all_faults[] = {Fault::refused,      Fault::connect_timeout,
                                Fault::read_timeout, Fault::s400,
                                Fault::s401,         Fault::s404,
                                Fault::s412,         Fault::s429,
                                Fault::s500,         Fault::s503,
                                Fault::malformed,    Fault::truncated};
constexpr std::size_t fault_count = std::size(all_faults);
// With the two faults that come after the remote applied a write (writes only).
constexpr std::size_t write_fault_count = fault_count + 2;

const char* name_of(Fault f) {
    static constexpr const char* names[] = {"refused",      "connect timeout",
                                            "read timeout", "400",
                                            "401",          "404",
                                            "412",          "429",
                                            "500",          "503",
                                            "malformed",    "truncated",
                                            "answer lost",  "commit refused"};
    return names[static_cast<int>(f)];
}
int status_of(Fault f) {
    switch (f) {
    case Fault::s400:
        return 400;
    case Fault::s401:
        return 401;
    case Fault::s404:
        return 404;
    case Fault::s412:
        return 412;
    case Fault::s429:
        return 429;
    case Fault::s500:
        return 500;
    case Fault::s503:
        return 503;
    default:
        return 0;
    }
}
// What a GET retries (client.hpp): 429, 503, a timeout, no connection or a dropped one.
bool retried_by_get(Fault f) {
    return f == Fault::refused || f == Fault::connect_timeout || f == Fault::read_timeout ||
           f == Fault::s429 || f == Fault::s503 || f == Fault::truncated;
}

// The most derived dorm error type of an exception ("none" without one).
std::string type_of(const std::exception& e) {
    if (dynamic_cast<const dorm::ObjectsNotInSync*>(&e))
        return "ObjectsNotInSync";
    if (dynamic_cast<const dorm::RemoteNotFound*>(&e))
        return "RemoteNotFound";
    if (dynamic_cast<const dorm::PreconditionFailed*>(&e))
        return "PreconditionFailed";
    if (dynamic_cast<const dorm::Unauthorized*>(&e))
        return "Unauthorized";
    if (dynamic_cast<const dorm::Throttled*>(&e))
        return "Throttled";
    if (dynamic_cast<const dorm::RemoteServerError*>(&e))
        return "RemoteServerError";
    if (dynamic_cast<const dorm::RemoteTimeout*>(&e))
        return "RemoteTimeout";
    if (dynamic_cast<const dorm::RemoteUnavailable*>(&e))
        return "RemoteUnavailable";
    if (dynamic_cast<const dorm::MalformedResponse*>(&e))
        return "MalformedResponse";
    if (dynamic_cast<const dorm::RemoteError*>(&e))
        return "RemoteError";
    if (dynamic_cast<const dorm::DoesNotExist*>(&e))
        return "DoesNotExist";
    if (dynamic_cast<const dorm::IntegrityError*>(&e))
        return "IntegrityError";
    if (dynamic_cast<const dorm::Error*>(&e))
        return "dorm::Error";
    return "std::exception";
}
std::string type_of(const std::exception_ptr& p) {
    if (!p)
        return "none";
    try {
        std::rethrow_exception(p);
    } catch (const std::exception& e) {
        return type_of(e);
    } catch (...) {
        return "(not a std::exception)";
    }
}
std::string what_of(const std::exception_ptr& p) {
    if (!p)
        return "(no error)";
    try {
        std::rethrow_exception(p);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "?";
    }
}

// A listening socket on 127.0.0.1 that never accepts, its accept queue full (backlog 0 holds
// one connection, made here and never accepted): Linux drops every further SYN, so a connect
// to it hangs until the client's connect timeout. A true connect timeout on loopback.
class Blackhole {
public:
    Blackhole() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(fd_, 0) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("Blackhole: cannot listen");
        port_ = ntohs(addr.sin_port);
        for (int i = 0; i < 2; ++i) { // the first fills the queue, the second waits in SYN_SENT
            const int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            (void)::connect(c, reinterpret_cast<sockaddr*>(&addr), len); // EINPROGRESS
            fillers_.push_back(c);
        }
        std::this_thread::sleep_for(50ms); // the first handshake completes
    }
    ~Blackhole() {
        for (int c : fillers_)
            ::close(c);
        ::close(fd_);
    }
    Blackhole(const Blackhole&) = delete;
    Blackhole& operator=(const Blackhole&) = delete;
    int port() const noexcept { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
    std::vector<int> fillers_;
};

// "http://127.0.0.1:<port>/..." with another port.
std::string with_port(const std::string& url, int port) {
    const std::string host = "127.0.0.1:";
    const auto at = url.find(host) + host.size();
    const auto end = url.find('/', at);
    return url.substr(0, at) + std::to_string(port) + url.substr(end);
}

// --- One server, one local store ------------------------------------------------------------

// A Contact's mapped fields, on either side.
struct Mirror {
    std::string name, email, account;
    dorm::DateTime stamp;
    bool operator==(const Mirror&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Mirror& m) {
    return os << "{" << m.name << ", " << m.email << ", " << m.account << ", " << m.stamp.iso()
              << "}";
}
using Mirrors = std::map<std::string, Mirror>; // by remote key

std::string text_or_null(const nlohmann::json& j) {
    return j.is_string() ? j.get<std::string>() : "(null)";
}
dorm::DateTime remote_stamp(const nlohmann::json& j) {
    std::string s = j.get<std::string>();
    if (!s.empty() && s.back() == 'Z')
        s.pop_back();
    const auto dt = dorm::DateTime::parse(s);
    REQUIRE(dt);
    return *dt;
}

struct Rig {
    dorm_test::ODataServer server;
    dorm_test::TempDir dir;
    dorm::Database db{dir.file("local.sqlite3")};
    Blackhole blackhole;

    Rig() {
        dorm::set_default_database(db);
        dorm::create_tables<Account, Contact>(db);
    }
    ~Rig() { dorm::detail::default_database_slot() = nullptr; }
    Rig(const Rig&) = delete;
    Rig& operator=(const Rig&) = delete;

    // Every row of the local tables, as text.
    std::string dump() {
        return dorm_test::dump_tables(db, {"account", "contact", "dorm_sync_etag"});
    }

    // The Contact entity on the server, read with a plain GET; null when it is not there.
    nlohmann::json remote(const std::string& key) {
        const auto r = dorm_test::http_get(server.base_v4() + "/Contacts(" + key + ")");
        return r.status == 200 ? r.json : nlohmann::json();
    }
    // Every Contact on the server (plain GETs, page by page).
    Mirrors remote_contacts() {
        Mirrors out;
        std::string url = server.base_v4() + "/Contacts?$orderby=ID";
        for (;;) {
            const auto r = dorm_test::http_get(url);
            REQUIRE(r.status == 200);
            for (const auto& row : r.json.at("value"))
                out[row.at("ID").get<std::string>()] =
                    Mirror{text_or_null(row.at("name")), text_or_null(row.at("email")),
                           text_or_null(row.at("account_ID")), remote_stamp(row.at("modifiedOn"))};
            const auto next = r.json.find("@odata.nextLink");
            if (next == r.json.end())
                return out;
            url = server.base_v4() + "/" + next->get<std::string>();
        }
    }
    // Every Contact of the local store; a key held twice fails.
    Mirrors local_contacts() {
        Mirrors out;
        dorm::sql::Cursor cur(db,
                              "SELECT c.cdms_pk, c.name, c.email, a.cdms_pk, c.modified_on "
                              "FROM contact c LEFT JOIN account a ON a.id = c.account_id",
                              {});
        while (cur.next()) {
            const auto col = [&](int i) {
                const dorm::Value v = cur.stmt().column(i);
                return v.is_null() ? std::string("(null)") : v.as_text();
            };
            const dorm::Value stamp = cur.stmt().column(4);
            CHECK(out.emplace(col(0),
                              Mirror{col(1), col(2), col(3),
                                     stamp.is_null() ? dorm::DateTime() : stamp.as_datetime()})
                      .second);
        }
        return out;
    }
    std::size_t remote_named(const std::string& name) {
        std::size_t n = 0;
        for (const auto& [k, m] : remote_contacts())
            n += m.name == name;
        return n;
    }
};

// One engine attached to the rig's database, talking to the server through its own proxy.
// While armed, the requests `target` picks (at most `limit` of them; 0: every one) meet
// `fault`; every request while armed is logged.
struct Channel {
    Rig& rig;
    LoopbackProxy proxy;
    std::shared_ptr<FaultyTransport> transport = std::make_shared<FaultyTransport>();
    std::shared_ptr<od::CurlTransport> quick; // short timeouts: the request under test
    std::shared_ptr<dorm::sync::Engine> engine;

    std::optional<Fault> fault; // none: a healthy channel
    std::function<bool(const od::HttpRequest&)> target = [](const od::HttpRequest&) {
        return true;
    };
    int limit = 0;
    bool armed = false;
    int faulted = 0;
    bool refuse_commit = false;     // Fault::commit_refused: the store's next COMMIT is refused
    std::vector<std::string> log;   // "METHOD url" of each request while armed
    std::vector<std::string> stale; // the error type of each stale read (Options::on_stale)

    explicit Channel(Rig& r, dorm::sync::Offline offline = dorm::sync::Offline::fail)
        : rig(r), proxy(r.server.port()) {
        od::CurlOptions normal;
        normal.connect_timeout = 5s;
        normal.total_timeout = 20s;
        transport->real = std::make_shared<od::CurlTransport>(normal);
        od::CurlOptions fast;
        fast.connect_timeout = 200ms;
        fast.total_timeout = 400ms;
        quick = std::make_shared<od::CurlTransport>(fast);
        transport->before = [this](const od::HttpRequest& req,
                                   int) -> std::optional<od::HttpResponse> {
            if (!armed)
                return std::nullopt;
            log.push_back(req.method + " " + req.url);
            if (!fault || !target(req) || (limit && faulted >= limit))
                return std::nullopt;
            ++faulted;
            return inject(req);
        };
        dorm::sync::Options o;
        o.client = od::ClientOptions(proxy.url("/odata/v4/crm"), od::odata_v4());
        o.client.backoff = 1ms;
        o.client.max_retries = 1;  // a GET is tried twice
        o.client.max_wait = 250ms; // the longest Retry-After honoured
        o.transport = transport;
        o.offline = offline;
        o.on_stale = [this](const dorm::ModelMeta&, const dorm::RemoteError& e) {
            stale.push_back(type_of(e));
        };
        engine = dorm::sync::attach(rig.db, o);
    }
    ~Channel() {
        if (rig.db.sync() == engine.get())
            rig.db.set_sync(nullptr);
    }
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;

    od::HttpResponse inject(const od::HttpRequest& req) {
        switch (*fault) {
        case Fault::refused:
            proxy.stop_listening();
            return quick->send(req);
        case Fault::connect_timeout: {
            od::HttpRequest to = req;
            to.url = with_port(req.url, rig.blackhole.port());
            return quick->send(to);
        }
        case Fault::read_timeout:
            proxy.next(LoopbackProxy::Fault::stall);
            return quick->send(req);
        case Fault::truncated:
            proxy.next(LoopbackProxy::Fault::truncate_body);
            return transport->real->send(req);
        case Fault::answer_lost:
            proxy.next(LoopbackProxy::Fault::drop_answer);
            return transport->real->send(req);
        case Fault::commit_refused:
            refuse_commit = true; // once the answer is here: the COMMIT that would keep it
            return transport->real->send(req);
        case Fault::malformed: {
            od::HttpResponse resp;
            if (req.method == "DELETE") {
                resp = transport->real->send(req);
            } else {
                const bool create = req.method == "POST" && !req.url.ends_with("$batch");
                resp.status = create ? 201 : 200;
            }
            resp.headers = {{"content-type", "application/json"}};
            resp.body = R"({"value":[{"ID":"c1000000-0000-4000)";
            return resp;
        }
        default: {
            od::HttpResponse resp;
            resp.status = status_of(*fault);
            resp.headers = {{"content-type", "application/json"}};
            if (*fault == Fault::s429)
                resp.headers.emplace_back("retry-after", "1");
            resp.body = R"({"error":{"code":")" + std::to_string(resp.status) +
                        R"(","message":"injected"}})";
            return resp;
        }
        }
    }

    // Runs `fn` armed; its exception, if any.
    std::exception_ptr run(const std::function<void()>& fn) {
        log.clear();
        faulted = 0;
        armed = true;
        std::exception_ptr error;
        try {
            fn();
        } catch (...) {
            error = std::current_exception();
        }
        armed = false;
        return error;
    }
};

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += s + "\n";
    return out;
}

// After a healthy read of every Contact, the local store holds exactly the server's.
void converges(Rig& rig) {
    Channel healthy(rig);
    Contact::objects().count();
    CHECK(rig.local_contacts() == rig.remote_contacts());
}

// --- Writes ---------------------------------------------------------------------------------

enum class WriteOp { create, save, delete_, bulk_create, update, bulk_delete };
const char* name_of(WriteOp op) {
    static constexpr const char* names[] = {"create",      "save",   "delete",
                                            "bulk_create", "update", "queryset delete"};
    return names[static_cast<int>(op)];
}

// What a write meets (docs/sync.md): the error it throws ("none": it succeeds), whether the
// server has the write afterwards, and the requests the call makes.
struct Outcome {
    const char* error;
    bool applied;
    std::size_t requests;
};
// An error, the server unchanged, one request (writes are never retried).
constexpr Outcome refused_by(const char* error) {
    return {error, false, 1};
}
// The lost answer of a create or bulk_create: the engine reads the keys once (docs/sync.md,
// save()); they are not there, and the write's own error is thrown.
constexpr Outcome looked_up(const char* error) {
    return {error, false, 2};
}

// Rows: faults (in all_faults order). Columns: create, save, delete, bulk_create, update,
// queryset delete.
constexpr Outcome write_matrix[write_fault_count][6] = {
    // refused: no connection, so nothing can have been applied: no lookup
    {refused_by("RemoteUnavailable"), refused_by("RemoteUnavailable"),
     refused_by("RemoteUnavailable"), refused_by("RemoteUnavailable"),
     refused_by("RemoteUnavailable"), refused_by("RemoteUnavailable")},
    // connect timeout
    {looked_up("RemoteTimeout"), refused_by("RemoteTimeout"), refused_by("RemoteTimeout"),
     looked_up("RemoteTimeout"), refused_by("RemoteTimeout"), refused_by("RemoteTimeout")},
    // read timeout
    {looked_up("RemoteTimeout"), refused_by("RemoteTimeout"), refused_by("RemoteTimeout"),
     looked_up("RemoteTimeout"), refused_by("RemoteTimeout"), refused_by("RemoteTimeout")},
    // 400
    {refused_by("RemoteError"), refused_by("RemoteError"), refused_by("RemoteError"),
     refused_by("RemoteError"), refused_by("RemoteError"), refused_by("RemoteError")},
    // 401
    {refused_by("Unauthorized"), refused_by("Unauthorized"), refused_by("Unauthorized"),
     refused_by("Unauthorized"), refused_by("Unauthorized"), refused_by("Unauthorized")},
    // 404: delete_() of an object or a queryset asks the entity set which rows are gone
    // (a 404 may come from a gateway): none are, so the refusal stands
    {refused_by("RemoteNotFound"),
     refused_by("RemoteNotFound"),
     {"RemoteNotFound", false, 2},
     refused_by("RemoteNotFound"),
     refused_by("RemoteNotFound"),
     {"RemoteNotFound", false, 2}},
    // 412: ObjectsNotInSync, except for a create (no If-Match is sent; the client's
    // PreconditionFailed passes through); delete_() of an object or a queryset first asks
    // whether the rows are still there (CAP answers 412 for a row that is gone): they are,
    // so ObjectsNotInSync
    {refused_by("PreconditionFailed"),
     refused_by("ObjectsNotInSync"),
     {"ObjectsNotInSync", false, 2},
     refused_by("ObjectsNotInSync"),
     refused_by("ObjectsNotInSync"),
     {"ObjectsNotInSync", false, 2}},
    // 429 with Retry-After: a write is not retried
    {refused_by("Throttled"), refused_by("Throttled"), refused_by("Throttled"),
     refused_by("Throttled"), refused_by("Throttled"), refused_by("Throttled")},
    // 500
    {looked_up("RemoteServerError"), refused_by("RemoteServerError"),
     refused_by("RemoteServerError"), looked_up("RemoteServerError"),
     refused_by("RemoteServerError"), refused_by("RemoteServerError")},
    // 503
    {looked_up("RemoteServerError"), refused_by("RemoteServerError"),
     refused_by("RemoteServerError"), looked_up("RemoteServerError"),
     refused_by("RemoteServerError"), refused_by("RemoteServerError")},
    // malformed JSON (a success status, a body that cannot be read): creates look their keys
    // up; a DELETE's body is not read (the row is deleted on both sides)
    {looked_up("MalformedResponse"),
     refused_by("MalformedResponse"),
     {"none", true, 1},
     looked_up("MalformedResponse"),
     refused_by("MalformedResponse"),
     refused_by("MalformedResponse")},
    // truncated body: the server applied the request. The lookup of a create or
    // bulk_create finds its keys: the write succeeds. Other writes throw, and local and
    // remote differ until the next read. A DELETE's 204 has nothing to cut.
    {{"none", true, 2},
     {"RemoteUnavailable", true, 1},
     {"none", true, 1},
     {"none", true, 2},
     {"RemoteUnavailable", true, 1},
     {"RemoteUnavailable", true, 1}},
    // answer lost (forwarded, applied, no answer: a DELETE's 204 included): as truncated,
    // but the DELETE's outcome is unknown too
    {{"none", true, 2},
     {"RemoteUnavailable", true, 1},
     {"RemoteUnavailable", true, 1},
     {"none", true, 2},
     {"RemoteUnavailable", true, 1},
     {"RemoteUnavailable", true, 1}},
    // commit refused: the remote applied the write and answered; the local store refuses to
    // keep it
    {{"IntegrityError", true, 1},
     {"IntegrityError", true, 1},
     {"IntegrityError", true, 1},
     {"IntegrityError", true, 1},
     {"IntegrityError", true, 1},
     {"IntegrityError", true, 1}},
};

// The objects one write cell works on, made through a healthy engine.
struct WriteCell {
    Rig& rig;
    WriteOp op;
    std::string tag; // unique per cell
    std::vector<Contact> objs;
    std::vector<std::string> keys; // remote keys of the rows the call changes or deletes
    std::string email;             // what save() and update() write
    std::int64_t changed = -1;     // what update() and delete_() of a queryset returned

    WriteCell(Rig& r, WriteOp o, Fault f)
        : rig(r), op(o), tag(std::string(name_of(o)) + " x " + name_of(f)),
          email("x" + std::to_string(static_cast<int>(o)) + "-" +
                std::to_string(static_cast<int>(f)) + "@fault.example") {
        Channel healthy(rig);
        const Account acme = Account::objects().get("cdms_pk", account_key(1));
        const auto fresh = [&](const std::string& name, bool saved) {
            Contact c;
            c.name = name;
            c.email = "before@fault.example";
            c.account = acme;
            if (saved) {
                c.save();
                keys.push_back(*c.cdms_pk);
            }
            objs.push_back(c);
        };
        switch (op) {
        case WriteOp::create:
            fresh(tag, false);
            break;
        case WriteOp::save:
            objs.push_back(Contact::objects().get("cdms_pk", contact_key(1)));
            objs[0].email = email;
            keys.push_back(contact_key(1));
            break;
        case WriteOp::delete_:
            fresh(tag, true);
            break;
        case WriteOp::bulk_create:
            fresh(tag + " #1", false);
            fresh(tag + " #2", false);
            break;
        case WriteOp::update:
        case WriteOp::bulk_delete:
            fresh(tag + " #1", true);
            fresh(tag + " #2", true);
            break;
        }
    }

    void run() {
        switch (op) {
        case WriteOp::create:
        case WriteOp::save:
            objs[0].save();
            break;
        case WriteOp::delete_:
            objs[0].delete_();
            break;
        case WriteOp::bulk_create:
            Contact::objects().bulk_create(objs);
            break;
        case WriteOp::update:
            changed = Contact::objects().filter("name__startswith", tag).update({{"email", email}});
            break;
        case WriteOp::bulk_delete:
            changed = Contact::objects().filter("name__startswith", tag).delete_().total;
            break;
        }
    }
    const char* method() const {
        return op == WriteOp::save ? "PATCH" : op == WriteOp::delete_ ? "DELETE" : "POST";
    }

    // Whether the server has this call's write.
    bool applied() {
        switch (op) {
        case WriteOp::create:
        case WriteOp::bulk_create: {
            bool all = true;
            for (const auto& c : objs) {
                REQUIRE(c.cdms_pk); // the client-made key stays on the object
                const auto r = rig.remote(*c.cdms_pk);
                all = all && r.is_object() && r.at("name") == *c.name;
            }
            return all;
        }
        case WriteOp::save:
        case WriteOp::update: {
            bool all = true;
            for (const auto& k : keys)
                all = all && rig.remote(k).at("email") == email;
            return all;
        }
        case WriteOp::delete_:
        case WriteOp::bulk_delete: {
            bool all = true;
            for (const auto& k : keys)
                all = all && rig.remote(k).is_null();
            return all;
        }
        }
        return false;
    }
};

// While alive: the store's next COMMIT after `armed` is set is refused (once).
struct CommitRefuser {
    sqlite3* db;
    bool& armed;
    CommitRefuser(sqlite3* handle, bool& flag) : db(handle), armed(flag) {
        sqlite3_commit_hook(db, refuse, &armed);
    }
    ~CommitRefuser() { sqlite3_commit_hook(db, nullptr, nullptr); }
    CommitRefuser(const CommitRefuser&) = delete;
    CommitRefuser& operator=(const CommitRefuser&) = delete;
    static int refuse(void* flag) {
        bool& a = *static_cast<bool*>(flag);
        return std::exchange(a, false) ? 1 : 0;
    }
};

// The journal entry an error names (docs/sync.md, Durability), if any.
std::optional<std::int64_t> journal_entry_of(const std::exception_ptr& p) {
    try {
        std::rethrow_exception(p);
    } catch (const dorm::Error& e) {
        return e.journal_entry();
    } catch (...) {
        return std::nullopt;
    }
}

void write_cell(Rig& rig, WriteOp op, Fault fault) {
    const Outcome want = write_matrix[static_cast<int>(fault)][static_cast<int>(op)];
    WriteCell cell(rig, op, fault);
    INFO(cell.tag);

    Channel ch(rig);
    const CommitRefuser refuser(rig.db.handle(), ch.refuse_commit);
    ch.fault = fault;
    ch.target = [](const od::HttpRequest& r) { return r.method != "GET"; };
    ch.limit = 1;
    const std::string before = rig.dump();
    const Mirrors remote_before = rig.remote_contacts();
    struct Was {
        std::int64_t id;
        bool adding;
        std::optional<dorm::DateTime> stamp;
    };
    std::vector<Was> was;
    for (const auto& c : cell.objs)
        was.push_back({c.id, c._state.adding, c.modified_on});

    const std::exception_ptr error = ch.run([&] { cell.run(); });
    INFO("error: " << what_of(error));
    INFO("requests:\n" << joined(ch.log));

    CHECK(type_of(error) == want.error);
    CHECK(ch.faulted == 1);
    REQUIRE_FALSE(ch.log.empty());
    CHECK(ch.log.front().starts_with(cell.method())); // the write itself met the fault
    CHECK(ch.log.size() == want.requests);
    if (fault == Fault::s429) // a write is never retried: the throttled request was sent once
        CHECK(std::count(ch.log.begin(), ch.log.end(), ch.log.front()) == 1);
    CHECK(cell.applied() == want.applied);

    if (error) {
        // Rolled back: the local store and the objects are as they were.
        CHECK(rig.dump() == before);
        for (std::size_t i = 0; i < was.size(); ++i) {
            CHECK(cell.objs[i].id == was[i].id);
            CHECK(cell.objs[i]._state.adding == was[i].adding);
            CHECK(cell.objs[i].modified_on == was[i].stamp);
        }
        if (!want.applied)
            CHECK(rig.remote_contacts() == remote_before);
        // Journalled until resolved, and said so, unless the remote's refusal is known (a
        // 4xx, or a connection never made): a lost answer or a 5xx may hide an applied write.
        const bool refused =
            fault == Fault::refused || (status_of(fault) >= 400 && status_of(fault) < 500);
        CHECK(journal_entry_of(error).has_value() == !refused);
        CHECK(ch.engine->pending().empty() == refused);
    } else {
        if (op == WriteOp::update || op == WriteOp::bulk_delete)
            CHECK(cell.changed == 2);
        const Mirrors local = rig.local_contacts();
        if (op == WriteOp::create || op == WriteOp::bulk_create) {
            // The lookup found the created rows: they are the objects', once each.
            for (const Contact& c : cell.objs) {
                CHECK(c.id > 0);
                CHECK_FALSE(c._state.adding);
                REQUIRE(local.count(*c.cdms_pk));
                CHECK(local.at(*c.cdms_pk) == rig.remote_contacts().at(*c.cdms_pk));
                CHECK(rig.remote_named(c.name.value_or("")) == 1);
            }
        } else { // delete_()
            CHECK(cell.objs[0].id == 0);
            CHECK_FALSE(local.count(cell.keys[0]));
            CHECK(rig.dump().find(cell.keys[0]) == std::string::npos); // its ETag too
        }
    }

    // A healthy read makes the local store the server's again (an engine that attaches
    // resolves the journal's entries first).
    converges(rig);
    CHECK(Channel(rig).engine->pending().empty());

    // A write refused before the server applied it succeeds when retried, once.
    if (error && !want.applied) {
        Channel healthy(rig);
        const std::exception_ptr again = healthy.run([&] { cell.run(); });
        INFO("retry: " << what_of(again));
        CHECK(type_of(again) == "none");
        CHECK(cell.applied());
        if (op == WriteOp::update || op == WriteOp::bulk_delete)
            CHECK(cell.changed == 2);
        if (op == WriteOp::create)
            CHECK(rig.remote_named(cell.tag) == 1);
        CHECK(rig.local_contacts() == rig.remote_contacts());
    }
}

// --- Reads ----------------------------------------------------------------------------------

// filter_written: a filter whose fault comes after rows were written in the local
// transaction: the check by key of a local row the remote did not return (delete_missing).
enum class ReadOp { filter, get_known, get_unknown, filter_written };
const char* name_of(ReadOp op) {
    static constexpr const char* names[] = {"filter", "get of a local row",
                                            "get of a row the local store lacks",
                                            "filter failing after rows were written"};
    return names[static_cast<int>(op)];
}

// The read's answer as text ("DoesNotExist" when get() found nothing).
std::string evaluate(ReadOp op, bool local_only) {
    const auto qs = [&] {
        return local_only ? Contact::objects().skip_cdms() : Contact::objects().all();
    };
    switch (op) {
    case ReadOp::filter: {
        std::string out;
        for (const auto& c : qs().filter("email__endswith", "@example.com").order_by("cdms_pk"))
            out += *c.cdms_pk + " " + *c.name + "\n";
        return out;
    }
    case ReadOp::get_known:
    case ReadOp::get_unknown:
        try {
            const Contact c = qs().get("cdms_pk", contact_key(op == ReadOp::get_known ? 1 : 3));
            return *c.cdms_pk + " " + *c.name;
        } catch (const Contact::DoesNotExist&) {
            return "DoesNotExist";
        }
    case ReadOp::filter_written: {
        std::string out;
        for (const auto& c : qs().filter("name__contains", "a").order_by("cdms_pk"))
            out += *c.cdms_pk + " " + *c.name + "\n";
        return out;
    }
    }
    return {};
}

// The error a read meets: that of the GET, after its retries.
std::string read_error(Fault f) {
    static constexpr const char* types[] = {
        "RemoteUnavailable", "RemoteTimeout",     "RemoteTimeout",      "RemoteError",
        "Unauthorized",      "RemoteNotFound",    "PreconditionFailed", "Throttled",
        "RemoteServerError", "RemoteServerError", "MalformedResponse",  "RemoteUnavailable"};
    return types[static_cast<int>(f)];
}

// The local store as a healthy read leaves it: every Contact but c3 (the row get_unknown
// asks for).
void reset_reads(Rig& rig) {
    Channel healthy(rig);
    Contact::objects().count();
    Contact::objects().skip_cdms().filter("cdms_pk", contact_key(3)).delete_();
    REQUIRE(Contact::objects().skip_cdms().count() == 2);
}

// A local row the server never had, inside the scope of filter_written.
const std::string phantom_key = dorm_test::fresh_key(99);

// reset_reads(), and for filter_written the phantom row: its read writes c3, then asks the
// server for the phantom by key (the request that fails), inside one transaction.
void prepare_read(Rig& rig, ReadOp op) {
    reset_reads(rig);
    if (op == ReadOp::get_known) {
        // A new remote version of c1 (the same values; the server moves its stamp and ETag):
        // get()'s conditional GET is answered 200 with a body for the fault to act on, not 304.
        od::Client(od::ClientOptions(rig.server.base_v4(), od::odata_v4()))
            .update("Contacts", contact_key(1), {{"name", "Ann Smith"}});
        return;
    }
    if (op != ReadOp::filter_written)
        return;
    Contact phantom;
    phantom.cdms_pk = phantom_key;
    phantom.name = "phantom a";
    phantom.save(dorm::skip_cdms);
}

// Every line of a dump that does not name `key`.
std::string without(const std::string& dump, const std::string& key) {
    std::string out;
    std::size_t at = 0;
    while (at < dump.size()) {
        const std::size_t eol = dump.find('\n', at) + 1;
        const std::string line = dump.substr(at, eol - at);
        if (line.find(key) == std::string::npos)
            out += line;
        at = eol;
    }
    return out;
}

// Does a dump hold the engine's ETag row of this key?
bool has_etag(const std::string& dump, const std::string& key) {
    for (std::size_t at = dump.find("dorm_sync_etag|"); at != std::string::npos;
         at = dump.find("dorm_sync_etag|", at + 1))
        if (dump.substr(at, dump.find('\n', at) - at).find(key) != std::string::npos)
            return true;
    return false;
}

void read_cell(Rig& rig, ReadOp op, Fault fault, dorm::sync::Offline offline) {
    const bool stale_ok = offline == dorm::sync::Offline::serve_stale;
    INFO(name_of(op) << " x " << name_of(fault) << (stale_ok ? " (serve_stale)" : ""));
    prepare_read(rig, op);
    const std::string local_answer = evaluate(op, true);
    const std::string before = rig.dump();

    Channel ch(rig, offline);
    ch.fault = fault; // every request, every attempt: the remote is down for this read
    if (op == ReadOp::filter_written)
        ch.target = [](const od::HttpRequest& r) {
            return r.url.find(phantom_key) != std::string::npos;
        };
    std::string answer;
    const auto started = Clock::now();
    const std::exception_ptr error = ch.run([&] { answer = evaluate(op, false); });
    const auto took = Clock::now() - started;
    INFO("error: " << what_of(error));
    INFO("requests:\n" << joined(ch.log));

    // One GET, tried twice when its fault is one a GET retries (after the filter's own
    // healthy GET for filter_written).
    CHECK(ch.log.size() ==
          (retried_by_get(fault) ? 2u : 1u) + (op == ReadOp::filter_written ? 1u : 0u));
    if (fault == Fault::s429) // Retry-After: 1 honoured, up to max_wait (the backoff is 1 ms)
        CHECK(took >= 240ms);

    if (op == ReadOp::get_known && fault == Fault::s404) {
        // docs/sync.md, get(): a remote 404 deletes the row locally and get() raises
        // DoesNotExist; an answer, not a failure: never stale.
        CHECK(type_of(error) == "none");
        CHECK(answer == "DoesNotExist");
        // Every line naming c1 goes, its ETag row with it (the whole dump is compared,
        // the ETag table too: a row deleted locally on a 404 once kept its ETag row).
        REQUIRE(has_etag(before, contact_key(1)));
        CHECK_FALSE(has_etag(rig.dump(), contact_key(1)));
        CHECK(rig.dump() == without(before, contact_key(1)));
        CHECK(ch.engine->counters().stale_reads == 0);
        CHECK(ch.stale.empty());
        return;
    }
    CHECK(rig.dump() == before);
    if (stale_ok) {
        CHECK(type_of(error) == "none");
        CHECK(answer == local_answer);
        CHECK(ch.engine->counters().stale_reads == 1);
        CHECK(ch.stale == std::vector<std::string>{read_error(fault)});
    } else {
        CHECK(type_of(error) == read_error(fault));
        CHECK(ch.engine->counters().stale_reads == 0);
        CHECK(ch.stale.empty());
    }
}

// A fault on the first try only: the GET is retried and the read succeeds.
void transient_read_cell(Rig& rig, ReadOp op, Fault fault) {
    INFO(name_of(op) << " x " << name_of(fault) << " once");
    prepare_read(rig, op);
    std::string want;
    {
        Channel healthy(rig);
        want = evaluate(op, false);
    }
    prepare_read(rig, op);
    Channel ch(rig);
    ch.fault = fault;
    ch.limit = 1;
    if (op == ReadOp::filter_written)
        ch.target = [](const od::HttpRequest& r) {
            return r.url.find(phantom_key) != std::string::npos;
        };
    std::string answer;
    const std::exception_ptr error = ch.run([&] { answer = evaluate(op, false); });
    INFO("error: " << what_of(error));
    INFO("requests:\n" << joined(ch.log));
    CHECK(type_of(error) == "none");
    CHECK(ch.faulted == 1);
    CHECK(answer == want);
    CHECK(answer != "DoesNotExist");
}

// --- SIGKILL --------------------------------------------------------------------------------

// Where the child kills itself: before its n-th request, after its n-th page, after the sync
// returned, or (a save) once the remote create answered.
struct KillPoint {
    const char* what;
    int request = 0;
    std::size_t page = 0;
    bool after_sync = false;
    const char* report = "tx=0"; // how the child's last words begin
};

// What the child tells the parent just before it dies.
// A request of a read's later pages is made by the page helper thread, which must not touch
// the connection: it reports only where it was.
std::thread::id child_main_thread;

[[noreturn]] void die(dorm::Database& db, int report, const std::string& more = "") {
    if (std::this_thread::get_id() != child_main_thread) {
        const std::string line = "page helper: " + more + "\n";
        (void)!::write(report, line.data(), line.size());
        ::raise(SIGKILL);
    }
    long rows = -1;
    {
        dorm::sql::Cursor cur(db, "SELECT count(*) FROM account", {});
        if (cur.next())
            rows = static_cast<long>(cur.stmt().column(0).as_int());
    }
    const std::string line = "tx=" + std::to_string(db.in_transaction() ? 1 : 0) +
                             " rows=" + std::to_string(rows) + " " + more + "\n";
    (void)!::write(report, line.data(), line.size());
    ::raise(SIGKILL);
    ::_exit(99); // not reached
}

// The child: opens the SQLite file itself and syncs every Account (or saves a Contact),
// killing itself at `kp`. Uses no Catch and no object of the parent; never returns.
[[noreturn]] void child(const std::string& file, const std::string& base, const KillPoint& kp,
                        bool save, int report) {
    int code = 3;
    child_main_thread = std::this_thread::get_id();
    try {
        dorm::Database db(file);
        dorm::set_default_database(db);
        db.exec("PRAGMA cache_size = 1"); // dirty pages spill into the WAL before the commit
        auto transport = std::make_shared<FaultyTransport>();
        std::optional<std::string> key;
        transport->before = [&](const od::HttpRequest& r,
                                int n) -> std::optional<od::HttpResponse> {
            if (n == kp.request)
                die(db, report, r.method + " " + r.url);
            return std::nullopt;
        };
        if (save)
            transport->after = [&](const od::HttpRequest& r, int, od::HttpResponse&) {
                if (r.method == "POST")
                    die(db, report, "key=" + key.value_or("?"));
            };
        dorm::sync::Options o;
        o.client = od::ClientOptions(base, od::odata_v4());
        o.transport = transport;
        o.progress = [&](const std::string&, std::size_t pages, std::size_t) {
            if (pages == kp.page)
                die(db, report, "page " + std::to_string(pages));
        };
        auto engine = dorm::sync::attach(db, o);
        if (save) {
            Contact c;
            c.name = "killed mid-save";
            c.cdms_pk = "c0ffee00-0000-4000-8000-00000000dead";
            key = c.cdms_pk;
            c.save();
        } else {
            Account::objects().count();
        }
        if (kp.after_sync)
            die(db, report, "after the sync");
        code = 4; // not killed
    } catch (...) {
    }
    ::_exit(code);
}

struct Killed {
    std::string report; // the child's last words
    std::uintmax_t wal = 0;
};

Killed run_child(const std::string& file, const std::string& base, const KillPoint& kp, bool save) {
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(p[0]);
        child(file, base, kp, save, p[1]);
    }
    ::close(p[1]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Killed k;
    char buf[1024];
    for (ssize_t n; (n = ::read(p[0], buf, sizeof buf)) > 0;)
        k.report.append(buf, static_cast<std::size_t>(n));
    ::close(p[0]);
    INFO("child: " << k.report << " status " << status);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    std::error_code ec;
    k.wal = std::filesystem::file_size(file + "-wal", ec);
    if (ec)
        k.wal = 0;
    return k;
}

std::string single_text(dorm::Database& db, const std::string& sql) {
    dorm::sql::Cursor cur(db, sql, {});
    std::string out;
    while (cur.next())
        out += cur.stmt().column(0).repr() + "\n";
    return out;
}

// The store is sound: SQLite's integrity check passes and every ForeignKey resolves.
void consistent(dorm::Database& db) {
    CHECK(single_text(db, "PRAGMA integrity_check") == "'ok'\n");
    CHECK(single_text(db, "PRAGMA foreign_key_check").empty());
}

// Every Account on the server: key -> (name, parent key).
std::map<std::string, std::pair<std::string, std::string>>
remote_accounts(const dorm_test::ODataServer& server) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    std::string url = server.base_v4() + "/Accounts?$orderby=ID";
    for (;;) {
        const auto r = dorm_test::http_get(url);
        REQUIRE(r.status == 200);
        for (const auto& row : r.json.at("value"))
            out[row.at("ID").get<std::string>()] = {text_or_null(row.at("name")),
                                                    text_or_null(row.at("parent_ID"))};
        const auto next = r.json.find("@odata.nextLink");
        if (next == r.json.end())
            return out;
        url = server.base_v4() + "/" + next->get<std::string>();
    }
}
std::map<std::string, std::pair<std::string, std::string>> local_accounts(dorm::Database& db) {
    std::map<std::string, std::pair<std::string, std::string>> out;
    dorm::sql::Cursor cur(db,
                          "SELECT a.cdms_pk, a.name, p.cdms_pk FROM account a "
                          "LEFT JOIN account p ON p.id = a.parent_id",
                          {});
    while (cur.next()) {
        const auto col = [&](int i) {
            const dorm::Value v = cur.stmt().column(i);
            return v.is_null() ? std::string("(null)") : v.as_text();
        };
        CHECK(out.emplace(col(0), std::make_pair(col(1), col(2))).second); // no duplicate
    }
    return out;
}

std::string dump_file(const std::string& file) {
    dorm::Database db(file);
    return dorm_test::dump_tables(db, {"account", "contact", "dorm_sync_etag"});
}

const std::string stale_key = "a0000000-0000-4000-8000-0000deadbeef"; // not on the server

// A SQLite file with the tables and one Account the server does not have (the sync deletes
// it: delete_missing), closed again: a connection must not cross fork().
std::string fresh_store(const dorm_test::TempDir& dir, const std::string& name) {
    const std::string file = dir.file(name);
    dorm::Database db(file);
    dorm::set_default_database(db);
    dorm::create_tables<Account, Contact>(db);
    dorm::sync::ETags::create(db);
    Account stale;
    stale.cdms_pk = stale_key;
    stale.name = "stale, deleted remotely";
    stale.modified_on = dorm::DateTime(2001, 1, 1);
    stale.save();
    dorm::detail::default_database_slot() = nullptr;
    return file;
}

} // namespace

// --- The test cases -------------------------------------------------------------------------

TEST_CASE("every fault met by save() and delete_() leaves the local store as it was", "[sync]") {
    Rig rig;
    for (const WriteOp op : {WriteOp::create, WriteOp::save, WriteOp::delete_})
        for (const Fault f : all_faults)
            write_cell(rig, op, f);
}

TEST_CASE("every fault met by bulk_create, update() and delete_() of a queryset leaves the "
          "local store as it was",
          "[sync]") {
    Rig rig;
    for (const WriteOp op : {WriteOp::bulk_create, WriteOp::update, WriteOp::bulk_delete})
        for (const Fault f : all_faults)
            write_cell(rig, op, f);
}

TEST_CASE("every write the remote applied before its answer or its COMMIT failed is journalled "
          "and converges",
          "[sync]") {
    Rig rig;
    for (const WriteOp op : {WriteOp::create, WriteOp::save, WriteOp::delete_, WriteOp::bulk_create,
                             WriteOp::update, WriteOp::bulk_delete})
        for (const Fault f : {Fault::answer_lost, Fault::commit_refused})
            write_cell(rig, op, f);
}

TEST_CASE("every fault met by a read is its typed error, or with serve_stale the local answer",
          "[sync]") {
    Rig rig;
    for (const ReadOp op :
         {ReadOp::filter, ReadOp::get_known, ReadOp::get_unknown, ReadOp::filter_written})
        for (const Fault f : all_faults) {
            read_cell(rig, op, f, dorm::sync::Offline::fail);
            read_cell(rig, op, f, dorm::sync::Offline::serve_stale);
            if (retried_by_get(f) && f != Fault::refused) // refused: the proxy stays closed
                transient_read_cell(rig, op, f);
        }
}

TEST_CASE("a sync killed with SIGKILL leaves a consistent store and the next sync converges",
          "[sync]") {
    dorm_test::ODataServer server;
    const auto remote = remote_accounts(server);
    REQUIRE(remote.size() == 65);
    // The first page is read before the local transaction; each page is written as it
    // comes, while the page helper thread reads the next one.
    const KillPoint points[] = {
        {"before the first request", 1, 0, false, "tx=0"},
        {"after the first page was written", 0, 1, false, "tx=1 rows="},
        {"before the second page's request, on the page helper", 2, 0, false, "page helper: GET"},
        // (rows=63: rows whose parent Account is on no page written yet wait for the end)
        {"after the last page was written", 0, 2, false, "tx=1 rows=63"},
        // The third request is the check by key of the local row the remote did not return
        // (delete_missing), made inside the transaction that wrote the 65 rows.
        {"inside the local transaction, every row written", 3, 0, false, "tx=1 rows=66"},
        {"after the sync committed", 0, 0, true, "tx=0"},
    };
    dorm_test::TempDir dir;
    int n = 0;
    for (const KillPoint& kp : points) {
        INFO("killed " << kp.what);
        const std::string file = fresh_store(dir, "kill" + std::to_string(++n) + ".sqlite3");
        const std::string before = dump_file(file);
        const Killed k = run_child(file, server.base_v4(), kp, false);
        INFO("child: " << k.report << "WAL: " << k.wal << " bytes");
        CHECK(k.report.starts_with(kp.report));
        if (std::string_view(kp.report).starts_with("tx=1") || kp.after_sync)
            CHECK(k.wal > 0); // the rows reached the file (uncommitted, or not checkpointed)

        dorm::Database db(file);
        dorm::set_default_database(db);
        consistent(db);
        if (kp.after_sync) { // committed: all of it
            CHECK(local_accounts(db) == remote);
        } else { // nothing of it
            CHECK(dump_file(file) == before);
        }
        // The next sync converges: the server's rows, each once, the stale row gone.
        {
            dorm::sync::Options o;
            o.client = od::ClientOptions(server.base_v4(), od::odata_v4());
            auto engine = dorm::sync::attach(db, o);
            CHECK(Account::objects().count() == 65);
            db.set_sync(nullptr);
        }
        consistent(db);
        CHECK(local_accounts(db) == remote);
        dorm::detail::default_database_slot() = nullptr;
    }
}

TEST_CASE("a save killed with SIGKILL after the remote create converges without a duplicate",
          "[sync]") {
    dorm_test::ODataServer server;
    dorm_test::TempDir dir;
    const std::string file = fresh_store(dir, "save.sqlite3");
    const std::string before = dump_file(file);
    const Killed k =
        run_child(file, server.base_v4(), {"after the POST answered", 0, 0, false, "tx=1"}, true);
    INFO("child: " << k.report);
    const std::string key = "c0ffee00-0000-4000-8000-00000000dead";
    CHECK(k.report.starts_with("tx=1")); // the local INSERT was not committed
    CHECK(k.report.find("key=" + key) != std::string::npos);

    dorm::Database db(file);
    dorm::set_default_database(db);
    consistent(db);
    CHECK(dump_file(file) == before); // the local INSERT is gone
    const auto created = dorm_test::http_get(server.base_v4() + "/Contacts(" + key + ")");
    REQUIRE(created.status == 200); // the remote create happened
    {
        dorm::sync::Options o;
        o.client = od::ClientOptions(server.base_v4(), od::odata_v4());
        auto engine = dorm::sync::attach(db, o);
        CHECK(Contact::objects().filter("name", "killed mid-save").count() == 1);
        CHECK(Contact::objects().count() == 4); // the seed's three and this one
        db.set_sync(nullptr);
    }
    consistent(db);
    CHECK(Contact::objects().skip_cdms().filter("cdms_pk", key).count() == 1);
    CHECK(Contact::objects().skip_cdms().count() == 4);
    dorm::detail::default_database_slot() = nullptr;
}
