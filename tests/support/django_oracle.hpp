// django_oracle.hpp - run queries through real Django for dorm's conformance tests.
//
// Builds a spec (models + queries) for tests/conformance/django_oracle.py, runs
// it with DORM_PYTHON, and returns the normalized JSON results:
//
//   dorm_test::DjangoOracle oracle;
//   oracle.add_model({.name = "Article", .table = "article", .ordering = {"-pub_date"},
//                     .fields = {{.name = "id", .type = "AutoField", .primary_key = true},
//                                {.name = "headline", .type = "CharField", .max_length = 100}}});
//   oracle.query("q1", "Article.objects.filter(headline__startswith='Wo').order_by('id')");
//   auto res = oracle.run(db_path);            // or run_on_copy(db_path) for writes
//   CHECK(res.result("q1") == nlohmann::json::array({1, 3}));
//
// Build macros (both optional):
//   DORM_PYTHON           interpreter with Django, default "/usr/bin/python3"
//   DORM_TEST_SOURCE_DIR  repository root; the script is
//                         DORM_TEST_SOURCE_DIR "/tests/conformance/django_oracle.py".
//                         Without it the path is derived from __FILE__.
// Runtime overrides (optional): environment DORM_ORACLE_PYTHON, DORM_ORACLE_SCRIPT.
// Set DORM_ORACLE_KEEP=1 to keep the temporary spec files for debugging.
//
// POSIX only (popen, mkstemps, waitpid status macros).
#pragma once

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifndef DORM_PYTHON
#define DORM_PYTHON "/usr/bin/python3"
#endif

namespace dorm_test {

using json = nlohmann::json;

// One model field. `column` empty -> Django's default column name.
// `max_length` 0 -> not passed. `extra` keys are merged into the field's spec
// object, for type-specific options, e.g. for relations
//   {"to": "Blog", "on_delete": "CASCADE", "related_name": "entries"}
// or {"default": 0}, {"blank": true}.
// Every member has a default member initializer so designated initializers may
// omit any of them without g++'s -Wmissing-field-initializers (-Wextra).
struct OracleField {
    std::string name{}, column{}, type{};
    bool primary_key = false, null = false, unique = false, db_index = false;
    int max_length = 0;
    nlohmann::json extra = nlohmann::json::object();
};

struct OracleModel {
    std::string name{}, table{};
    std::vector<std::string> ordering{};
    std::vector<OracleField> fields{};
    std::string get_latest_by{}; // Meta.get_latest_by; empty -> not set
    // Inheritance: `parent` names a model added before this one. Multi-table (proxy false):
    // the Django class subclasses the parent's, Django adds "<parent>_ptr", and `fields` are
    // the child's own. Proxy: Meta.proxy = True, no fields, no table of its own.
    std::string parent{};
    bool proxy = false;
};

inline json to_spec(const OracleField& f) {
    json j = json::object();
    j["name"] = f.name;
    j["type"] = f.type;
    if (!f.column.empty())
        j["column"] = f.column;
    if (f.primary_key)
        j["primary_key"] = true;
    if (f.null)
        j["null"] = true;
    if (f.unique)
        j["unique"] = true;
    if (f.db_index)
        j["db_index"] = true;
    if (f.max_length > 0)
        j["max_length"] = f.max_length;
    if (f.extra.is_object()) {
        for (auto it = f.extra.begin(); it != f.extra.end(); ++it)
            j[it.key()] = it.value();
    }
    return j;
}

inline json to_spec(const OracleModel& m) {
    json j = json::object();
    j["name"] = m.name;
    if (!m.table.empty())
        j["table"] = m.table;
    j["ordering"] = m.ordering;
    if (!m.get_latest_by.empty())
        j["get_latest_by"] = m.get_latest_by;
    if (!m.parent.empty())
        j["parent"] = m.parent;
    if (m.proxy)
        j["proxy"] = true;
    json fields = json::array();
    for (const auto& f : m.fields)
        fields.push_back(to_spec(f));
    j["fields"] = std::move(fields);
    return j;
}

namespace detail {

inline std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

inline std::string env_or(const char* name, const std::string& fallback) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

inline std::string python_path() {
    return env_or("DORM_ORACLE_PYTHON", DORM_PYTHON);
}

inline std::string script_path() {
#ifdef DORM_TEST_SOURCE_DIR
    std::string fallback =
        std::string(DORM_TEST_SOURCE_DIR) + "/tests/conformance/django_oracle.py";
#else
    // this header lives in <root>/tests/support/
    std::string fallback = (std::filesystem::path(__FILE__).parent_path().parent_path() /
                            "conformance" / "django_oracle.py")
                               .string();
#endif
    return env_or("DORM_ORACLE_SCRIPT", fallback);
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A uniquely named temporary file, removed on destruction unless kept.
class TempFile {
public:
    explicit TempFile(const std::string& suffix) {
        std::string templ =
            (std::filesystem::temp_directory_path() / "dorm_oracle_XXXXXX").string() + suffix;
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        int fd = ::mkstemps(buf.data(), static_cast<int>(suffix.size()));
        if (fd < 0)
            throw std::runtime_error("django_oracle: cannot create temporary file " + templ);
        ::close(fd);
        path_ = buf.data();
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (!keep_) {
            std::error_code ec;
            std::filesystem::remove(path_, ec);
        }
    }
    const std::string& path() const { return path_; }
    void keep() { keep_ = true; }

private:
    std::string path_;
    bool keep_ = false;
};

inline bool keep_files() {
    return std::getenv("DORM_ORACLE_KEEP") != nullptr;
}

struct ProcessOutput {
    int status = -1; // exit code, or -1 if not exited normally
    std::string out;
};

// Runs a shell command, returns its stdout and exit code.
inline ProcessOutput run_command(const std::string& cmd) {
    ProcessOutput res;
    FILE* pipe = ::popen(cmd.c_str(), "r");
    if (pipe == nullptr)
        throw std::runtime_error("django_oracle: popen failed for: " + cmd);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
        res.out.append(buf, n);
    int st = ::pclose(pipe);
    if (st != -1 && WIFEXITED(st))
        res.status = WEXITSTATUS(st);
    return res;
}

} // namespace detail

// True if DORM_PYTHON can import Django (checked once). Conformance tests must
// not skip on false: use it only to explain a failure.
inline bool django_available() {
    static const bool available = [] {
        std::string cmd =
            detail::shell_quote(detail::python_path()) + " -c 'import django' >/dev/null 2>&1";
        int st = std::system(cmd.c_str());
        return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }();
    return available;
}

class OracleResult {
public:
    OracleResult() = default;
    explicit OracleResult(json raw) : raw_(std::move(raw)) {}

    // Normalized result of query `id` (an {"error", "message"} object if Django raised).
    const json& result(const std::string& id) const {
        const json& results = raw_.at("results");
        auto it = results.find(id);
        if (it == results.end())
            throw std::out_of_range("django_oracle: no result for query '" + id + "'");
        return *it;
    }
    bool has_result(const std::string& id) const {
        return raw_.contains("results") && raw_["results"].contains(id);
    }
    // Django raised for `id`?  error(id) gives the exception class name ("" if none).
    bool is_error(const std::string& id) const {
        const json& r = result(id);
        return r.is_object() && r.size() == 2 && r.contains("error") && r.contains("message");
    }
    std::string error(const std::string& id) const {
        return is_error(id) ? result(id).at("error").get<std::string>() : std::string();
    }
    // Last SQL Django ran for `id` ("" if it ran none, e.g. filter(x__in=[])).
    std::string sql(const std::string& id) const {
        if (!raw_.contains("sql"))
            return {};
        const json& s = raw_["sql"];
        auto it = s.find(id);
        return (it == s.end() || !it->is_string()) ? std::string() : it->get<std::string>();
    }
    // Every SQL statement Django ran for `id`, in order.
    std::vector<std::string> sql_all(const std::string& id) const {
        std::vector<std::string> out;
        if (raw_.contains("sql_all") && raw_["sql_all"].contains(id))
            for (const auto& s : raw_["sql_all"][id])
                out.push_back(s.get<std::string>());
        return out;
    }
    // {table: [[row values...] ordered by pk]}; empty object if no dump was requested.
    json dump() const { return raw_.value("dump", json::object()); }
    json dump(const std::string& table) const { return dump().at(table); }
    json dump_columns() const { return raw_.value("dump_columns", json::object()); }
    // CREATE TABLE / CREATE INDEX statements (create_tables / schema_sql runs).
    std::vector<std::string> schema_sql() const {
        std::vector<std::string> out;
        if (raw_.contains("schema_sql"))
            for (const auto& s : raw_["schema_sql"])
                out.push_back(s.get<std::string>());
        return out;
    }
    std::string django_version() const { return raw_.value("django", std::string()); }
    const json& raw() const { return raw_; }

private:
    json raw_ = json::object();
};

class DjangoOracle {
public:
    DjangoOracle& add_model(OracleModel m) {
        models_.push_back(std::move(m));
        return *this;
    }
    DjangoOracle& query(std::string id, std::string expr) {
        json q = json::object();
        q["id"] = std::move(id);
        q["expr"] = std::move(expr);
        queries_.push_back(std::move(q));
        return *this;
    }
    // Executes the Python statement(s) `exec`, then evaluates `expr` (if non-empty).
    // Names bound by `exec` stay visible to later queries.
    DjangoOracle& exec_then(std::string id, std::string exec, std::string expr) {
        json q = json::object();
        q["id"] = std::move(id);
        q["exec"] = std::move(exec);
        if (!expr.empty())
            q["expr"] = std::move(expr);
        queries_.push_back(std::move(q));
        return *this;
    }
    // Have Django's schema editor create missing tables first (DDL in schema_sql()).
    DjangoOracle& create_tables(bool on = true) {
        create_tables_ = on;
        return *this;
    }
    // Only report the DDL Django would emit (schema_sql()); nothing is created.
    DjangoOracle& collect_schema_sql(bool on = true) {
        schema_sql_ = on;
        return *this;
    }
    void clear_queries() { queries_.clear(); }
    const std::vector<OracleModel>& models() const { return models_; }

    json spec(const std::string& db_path, bool dump = false) const {
        json s = json::object();
        s["db"] = std::filesystem::absolute(db_path).string();
        json ms = json::array();
        for (const auto& m : models_)
            ms.push_back(to_spec(m));
        s["models"] = std::move(ms);
        s["queries"] = queries_;
        if (dump)
            s["dump"] = true;
        if (create_tables_)
            s["create_tables"] = true;
        if (schema_sql_)
            s["schema_sql"] = true;
        return s;
    }

    // Runs every query against db_path (which Django may modify).
    OracleResult run(const std::string& db_path, bool dump = false) const {
        detail::TempFile spec_file(".json");
        detail::TempFile err_file(".stderr");
        {
            std::ofstream out(spec_file.path(), std::ios::binary);
            out << spec(db_path, dump).dump();
            if (!out)
                throw std::runtime_error("django_oracle: cannot write spec " + spec_file.path());
        }
        if (detail::keep_files()) {
            spec_file.keep();
            err_file.keep();
        }
        const std::string python = detail::python_path();
        const std::string script = detail::script_path();
        std::string cmd = detail::shell_quote(python) + " " + detail::shell_quote(script) + " " +
                          detail::shell_quote(spec_file.path()) + " 2>" +
                          detail::shell_quote(err_file.path());
        detail::ProcessOutput po = detail::run_command(cmd);

        auto fail = [&](const std::string& why) {
            spec_file.keep();
            std::ostringstream msg;
            msg << "django_oracle: " << why << "\n  command: " << cmd
                << "\n  spec kept at: " << spec_file.path();
            if (!django_available())
                msg << "\n  Django is NOT importable by " << python
                    << " (install python3-django; the conformance tests require it)";
            msg << "\n  --- stderr ---\n"
                << detail::read_file(err_file.path()) << "\n  --- stdout ---\n"
                << po.out.substr(0, 4000);
            return std::runtime_error(msg.str());
        };
        if (po.status != 0)
            throw fail("oracle exited with status " + std::to_string(po.status));
        json parsed = json::parse(po.out, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("results"))
            throw fail("oracle printed no valid JSON result");
        return OracleResult(std::move(parsed));
    }

    // Runs against a temporary copy of db_path, so writes leave the original intact.
    OracleResult run_on_copy(const std::string& db_path, bool dump = false) const {
        detail::TempFile copy(".sqlite3");
        std::filesystem::copy_file(db_path, copy.path(),
                                   std::filesystem::copy_options::overwrite_existing);
        return run(copy.path(), dump);
    }

private:
    std::vector<OracleModel> models_;
    json queries_ = json::array();
    bool create_tables_ = false;
    bool schema_sql_ = false;
};

// --------------------------------------------------------------------------
// Comparison helpers
// --------------------------------------------------------------------------

// Structural equality where numbers (integer or float) compare with tolerance:
// |a-b| <= max(abs_tol, rel_tol * max(|a|, |b|)). Booleans are not numbers.
inline bool json_close(const json& a, const json& b, double rel_tol = 1e-9,
                       double abs_tol = 1e-12) {
    if (a.is_number() && b.is_number()) {
        if (a.is_number_integer() && b.is_number_integer())
            return a == b; // exact, signed/unsigned aware
        const double x = a.get<double>();
        const double y = b.get<double>();
        if (x == y)
            return true;
        if (std::isnan(x) || std::isnan(y))
            return std::isnan(x) && std::isnan(y);
        return std::fabs(x - y) <=
               std::max(abs_tol, rel_tol * std::max(std::fabs(x), std::fabs(y)));
    }
    if (a.type() != b.type())
        return false;
    if (a.is_array()) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!json_close(a[i], b[i], rel_tol, abs_tol))
                return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size())
            return false;
        for (auto it = a.begin(); it != a.end(); ++it) {
            auto jt = b.find(it.key());
            if (jt == b.end() || !json_close(it.value(), *jt, rel_tol, abs_tol))
                return false;
        }
        return true;
    }
    return a == b;
}

// Two arrays holding the same elements as multisets (element order ignored,
// elements compared with json_close). Non-arrays fall back to json_close.
inline bool json_equal_unordered(const json& a, const json& b, double rel_tol = 1e-9,
                                 double abs_tol = 1e-12) {
    if (!a.is_array() || !b.is_array())
        return json_close(a, b, rel_tol, abs_tol);
    if (a.size() != b.size())
        return false;
    // Fast path: exact multiset equality via canonical text.
    std::vector<std::string> sa, sb;
    sa.reserve(a.size());
    sb.reserve(b.size());
    for (const auto& e : a)
        sa.push_back(e.dump());
    for (const auto& e : b)
        sb.push_back(e.dump());
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    if (sa == sb)
        return true;
    // Tolerant path: greedy matching.
    std::vector<bool> used(b.size(), false);
    for (const auto& e : a) {
        bool found = false;
        for (std::size_t i = 0; i < b.size(); ++i) {
            if (!used[i] && json_close(e, b[i], rel_tol, abs_tol)) {
                used[i] = true;
                found = true;
                break;
            }
        }
        if (!found)
            return false;
    }
    return true;
}

} // namespace dorm_test
