// dorm_bench: times dorm against hand-written SQLite C API code doing the same work on a
// file database (WAL, foreign keys, busy timeout on both sides), and prints, per task,
//
//   <task>: N rows, R reps, cpu: raw median = X ms, dorm median = Y ms; wall: ...; target ...
//   <task> dorm/raw = <ratio>
//
// Usage: dorm_bench [--quick] [--tasks a,b] [--reps N] [--rows N] [--clock cpu|wall]
//                   [--cache-mib N] [--keep-heap] [--verbose] [--check]
//   --quick    10,000 rows instead of 100,000 (task names stay the same)
//   --tasks    a comma-separated subset of: bulk_create_100k save_100k select_100k get_100k
//   --reps     timed repetitions per side (default 11), after one untimed warm-up
//   --clock    the time the ratio is computed from: cpu (default; the process's user + system
//              CPU time, which other processes disturb less than wall time) or wall. Both
//              medians are printed either way.
//   --cache-mib  SQLite page cache per connection, both sides (PRAGMA cache_size);
//              default SQLite's 2 MiB, which holds about half of the 100k-row table
//   --keep-heap  glibc keeps freed memory (mallopt: no mmap below 32 MiB, no trimming), so
//              that a repetition does not pay page faults for memory the previous one gave
//              back; by default both sides run with glibc's defaults and pay them: before
//              each timed call the heap's free memory is given back (malloc_trim), so
//              that neither side reuses pages the other one, or its own last run, left
//   --verbose  every repetition's times
//   --check    exit status 1 when a ratio misses its target
//
// Each repetition times both sides, alternating which goes first (get_100k alternates in
// blocks of 5,000 lookups). Tasks that write start every repetition from a new database
// file; tasks that read share one file written once. The ratio is dorm's median over raw's.
#include <malloc.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bench.hpp"
#include "bench_dorm.hpp"

namespace bench {

int cache_kib = 0;

void configure(dorm::Database& db) {
    if (cache_kib > 0)
        db.exec("PRAGMA cache_size = -" + std::to_string(cache_kib));
}

std::vector<std::int64_t> random_ids(std::size_t n, std::int64_t max) {
    std::mt19937_64 rng(20240607);
    std::uniform_int_distribution<std::int64_t> pick(1, max);
    std::vector<std::int64_t> out(n);
    for (auto& id : out)
        id = pick(rng);
    return out;
}

std::size_t heap_in_use() {
    const struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

// busy_timeout_ms: the connection's busy timeout, passed in because dorm waits with its own
// busy handler (PRAGMA busy_timeout reads 0 there).
std::string connection_settings(sqlite3* db, int busy_timeout_ms) {
    std::string out = "busy_timeout=" + std::to_string(busy_timeout_ms);
    for (const char* pragma : {"journal_mode", "foreign_keys", "synchronous", "cache_size",
                               "page_size", "locking_mode", "temp_store"}) {
        sqlite3_stmt* s = nullptr;
        const std::string sql = std::string("PRAGMA ") + pragma;
        sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
        std::string value = "?";
        if (s && sqlite3_step(s) == SQLITE_ROW)
            value = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        out += std::string(out.empty() ? "" : " ") + pragma + "=" + value;
    }
    return out;
}

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    std::size_t rows = 100000;
    int reps = 11;
    bool verbose = false;
    bool check = false;
    bool wall_clock = false;
    bool keep_heap = false;
    std::vector<std::string> tasks;
};

// A scratch directory for the database files, removed at the end.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "dorm_bench.XXXXXX").string();
        if (!mkdtemp(tmpl.data()))
            throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

void remove_db(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
        std::filesystem::remove(path + suffix);
}

double cpu_now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Wall-clock and CPU milliseconds of one call.
struct Times {
    double wall = 0;
    double cpu = 0;
};

// Without --keep-heap: each timed call starts from a trimmed heap. Otherwise whether a run
// page-faults its result in again depends on what ran just before it: glibc trims the
// heap's top only past a threshold that its largest freed block raised. In select_100k
// the heap was trimmed after each dorm run and not after a raw run, so a run that followed
// raw's reused its pages (raw 14 ms instead of 53, dorm 27 instead of 70) and, the sides
// alternating, the medians mixed the two regimes.
bool trim_before_timing = true;

template <class Fn>
Times time_ms(Fn&& fn) {
    if (trim_before_timing)
        malloc_trim(0);
    const double c0 = cpu_now_ms();
    const auto t0 = Clock::now();
    fn();
    const auto t1 = Clock::now();
    const double c1 = cpu_now_ms();
    return {std::chrono::duration<double, std::milli>(t1 - t0).count(), c1 - c0};
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One side of a task: runs it once (setup untimed), returns the timed milliseconds and a
// checksum of what it produced.
struct Run {
    Times ms;
    std::uint64_t sum = 0;
};
using Side = std::function<Run(int rep)>;

// Both sides of one repetition together, for tasks that interleave them in blocks.
using Paired = std::function<std::pair<Run, Run>(int rep)>;

// Heap bytes each side holds for the objects of one task's result: {raw, dorm}.
using Memory = std::function<std::pair<std::size_t, std::size_t>()>;

struct Task {
    std::string name;
    double target;
    Side raw;
    Side dorm;
    Paired paired; // when set, used instead of raw and dorm
    Memory memory; // when set, measured once after the timed repetitions
};

// Checksum of a table's rows, read with the C API (for the write tasks).
std::uint64_t table_checksum(const std::string& path, std::size_t expected_rows) {
    raw::Connection db(path);
    const auto rows = db.select_all();
    const std::uint64_t sum = checksum(rows);
    const std::size_t n = rows.size();
    if (n != expected_rows)
        throw std::runtime_error("table has " + std::to_string(n) + " rows, expected " +
                                 std::to_string(expected_rows));
    return sum;
}

// A write task: a new database file per run, objects built before the clock starts.
Task write_task(const std::string& name, double target, const TempDir& dir, const Options& opt,
                void (*dorm_fn)(dorm::Database&, std::vector<Item>&)) {
    auto raw_side = [&dir, &opt, name](int rep) {
        const std::string path = dir.file(name + "_raw_" + std::to_string(rep) + ".sqlite3");
        remove_db(path);
        Run r;
        std::vector<raw::Item> items;
        {
            raw::Connection db(path);
            db.exec(item_ddl);
            items = make_items<raw::Item>(opt.rows);
            r.ms = time_ms([&] { db.insert_all(items); });
        }
        if (items.back().id != static_cast<std::int64_t>(opt.rows))
            throw std::runtime_error(name + " (raw): ids were not set");
        r.sum = checksum(items) ^ table_checksum(path, opt.rows);
        remove_db(path);
        return r;
    };
    auto dorm_side = [&dir, &opt, name, dorm_fn](int rep) {
        const std::string path = dir.file(name + "_dorm_" + std::to_string(rep) + ".sqlite3");
        remove_db(path);
        Run r;
        std::vector<Item> items;
        {
            dorm::Database db(path);
            configure(db);
            dorm::create_tables<Item>(db);
            items = make_items<Item>(opt.rows);
            r.ms = time_ms([&] { dorm_fn(db, items); });
        }
        if (items.back().id != static_cast<std::int64_t>(opt.rows))
            throw std::runtime_error(name + " (dorm): ids were not set");
        r.sum = checksum(items) ^ table_checksum(path, opt.rows);
        remove_db(path);
        return r;
    };
    return {name, target, raw_side, dorm_side, {}, {}};
}

// A read task: both sides keep one connection to the shared file for all their runs.
struct ReadConnections {
    std::unique_ptr<raw::Connection> raw_db;
    std::unique_ptr<dorm::Database> dorm_db;
};

std::vector<Task> make_tasks(const TempDir& dir, const Options& opt, const std::string& read_db,
                             ReadConnections& conn, const std::vector<std::int64_t>& ids) {
    std::vector<Task> tasks;
    tasks.push_back(write_task("bulk_create_100k", 1.10, dir, opt, &orm::bulk_create));
    tasks.push_back(write_task("save_100k", 1.15, dir, opt, &orm::save_each));
    auto raw_conn = [&conn, read_db]() -> raw::Connection& {
        if (!conn.raw_db)
            conn.raw_db = std::make_unique<raw::Connection>(read_db);
        return *conn.raw_db;
    };
    auto dorm_conn = [&conn, read_db]() -> dorm::Database& {
        if (!conn.dorm_db) {
            conn.dorm_db = std::make_unique<dorm::Database>(read_db);
            configure(*conn.dorm_db);
        }
        return *conn.dorm_db;
    };
    tasks.push_back({"select_100k",
                     1.15,
                     [raw_conn](int) {
                         raw::Connection& db = raw_conn();
                         Run r;
                         r.ms = time_ms([&] { r.sum = raw::select_all(db); });
                         return r;
                     },
                     [dorm_conn](int) {
                         dorm::Database& db = dorm_conn();
                         Run r;
                         r.ms = time_ms([&] { r.sum = orm::select_all(db); });
                         return r;
                     },
                     {},
                     [raw_conn, dorm_conn] {
                         std::size_t raw_bytes = 0;
                         {
                             const std::size_t before = heap_in_use();
                             const auto rows = raw_conn().select_all();
                             raw_bytes = heap_in_use() - before;
                         }
                         return std::pair{raw_bytes, orm::select_heap_bytes(dorm_conn())};
                     }});
    // 100k lookups per side and repetition, run in blocks of 5,000 that alternate between
    // the sides, so that a slow spell of the machine falls on both alike.
    Task get{"get_100k", 1.30, {}, {}, {}, {}};
    get.paired = [raw_conn, dorm_conn, &ids](int rep) {
        raw::Connection& rdb = raw_conn();
        dorm::Database& ddb = dorm_conn();
        const std::span<const std::int64_t> all(ids);
        constexpr std::size_t block = 5000;
        Run r, d;
        for (std::size_t at = 0, k = 0; at < all.size(); at += block, ++k) {
            const auto part = all.subspan(at, std::min(block, all.size() - at));
            auto run_raw = [&] {
                const Times t = time_ms([&] { r.sum += raw::get_each(rdb, part); });
                r.ms.wall += t.wall;
                r.ms.cpu += t.cpu;
            };
            auto run_dorm = [&] {
                const Times t = time_ms([&] { d.sum += orm::get_each(ddb, part); });
                d.ms.wall += t.wall;
                d.ms.cpu += t.cpu;
            };
            if ((k + static_cast<std::size_t>(rep)) % 2) {
                run_raw();
                run_dorm();
            } else {
                run_dorm();
                run_raw();
            }
        }
        return std::pair{r, d};
    };
    tasks.push_back(std::move(get));
    return tasks;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::runtime_error(a + " needs a value");
            return argv[++i];
        };
        if (a == "--quick") {
            o.rows = 10000;
        } else if (a == "--tasks") {
            std::stringstream ss(next());
            for (std::string t; std::getline(ss, t, ',');)
                if (!t.empty())
                    o.tasks.push_back(t);
        } else if (a == "--reps") {
            o.reps = std::stoi(next());
        } else if (a == "--rows") {
            o.rows = std::stoul(next());
        } else if (a == "--clock") {
            const std::string c = next();
            if (c != "cpu" && c != "wall")
                throw std::runtime_error("--clock takes cpu or wall");
            o.wall_clock = c == "wall";
        } else if (a == "--cache-mib") {
            cache_kib = std::stoi(next()) * 1024;
        } else if (a == "--keep-heap") {
            o.keep_heap = true;
        } else if (a == "--verbose") {
            o.verbose = true;
        } else if (a == "--check") {
            o.check = true;
        } else if (a == "--help" || a == "-h") {
            std::puts("usage: dorm_bench [--quick] [--tasks a,b] [--reps N] [--rows N] "
                      "[--clock cpu|wall] [--cache-mib N] [--keep-heap] [--verbose] [--check]\n"
                      "tasks: bulk_create_100k save_100k select_100k get_100k");
            std::exit(0);
        } else {
            throw std::runtime_error("unknown argument '" + a + "' (try --help)");
        }
    }
    if (o.reps < 1 || o.rows < 1)
        throw std::runtime_error("--reps and --rows must be positive");
    return o;
}

// Both sides must run with the same settings and the same table.
void check_setup(const TempDir& dir) {
    const std::string raw_path = dir.file("setup_raw.sqlite3");
    const std::string dorm_path = dir.file("setup_dorm.sqlite3");
    raw::Connection rc(raw_path);
    sqlite3* r = rc.handle();
    rc.exec(item_ddl);
    dorm::Database d(dorm_path);
    configure(d);
    dorm::create_tables<Item>(d);
    sqlite3_stmt* timeout = nullptr;
    sqlite3_prepare_v2(r, "PRAGMA busy_timeout", -1, &timeout, nullptr);
    const int raw_timeout =
        timeout && sqlite3_step(timeout) == SQLITE_ROW ? sqlite3_column_int(timeout, 0) : -1;
    sqlite3_finalize(timeout);
    const std::string raw_settings = connection_settings(r, raw_timeout);
    const std::string dorm_settings = connection_settings(d.handle(), d.busy_timeout_ms());
    std::printf("raw  connection: %s\ndorm connection: %s\n", raw_settings.c_str(),
                dorm_settings.c_str());
    auto ddl = [](sqlite3* db) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = 'bench_item'", -1, &s,
                           nullptr);
        std::string out = sqlite3_step(s) == SQLITE_ROW
                              ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0))
                              : "";
        sqlite3_finalize(s);
        return out;
    };
    const std::string raw_ddl = ddl(r), dorm_ddl = ddl(d.handle());
    if (raw_settings != dorm_settings)
        throw std::runtime_error("the raw and dorm connections differ in their settings");
    if (raw_ddl != dorm_ddl)
        throw std::runtime_error("table definitions differ:\n  raw:  " + raw_ddl +
                                 "\n  dorm: " + dorm_ddl);
}

int run(int argc, char** argv) {
    const Options opt = parse(argc, argv);
    if (opt.keep_heap) {
        trim_before_timing = false;
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
        mallopt(M_TOP_PAD, 64 << 20);
    }
    TempDir dir;
    std::printf("dorm_bench: SQLite %s, %zu rows, %d timed repetitions per side (+1 warm-up), "
                "%s, files in %s\n",
                sqlite3_libversion(), opt.rows, opt.reps,
                opt.keep_heap ? "--keep-heap" : "glibc malloc defaults", dir.path.c_str());
    check_setup(dir);

    const std::string read_db = dir.file("read.sqlite3");
    const auto ids = random_ids(opt.rows, static_cast<std::int64_t>(opt.rows));
    ReadConnections conn;
    std::vector<Task> tasks = make_tasks(dir, opt, read_db, conn, ids);

    std::vector<const Task*> selected;
    if (opt.tasks.empty()) {
        for (const auto& t : tasks)
            selected.push_back(&t);
    } else {
        for (const auto& name : opt.tasks) {
            auto it = std::find_if(tasks.begin(), tasks.end(),
                                   [&](const Task& t) { return t.name == name; });
            if (it == tasks.end())
                throw std::runtime_error("unknown task '" + name +
                                         "'; tasks: bulk_create_100k save_100k select_100k "
                                         "get_100k");
            selected.push_back(&*it);
        }
    }

    // The file the read tasks share, written once with the C API.
    if (std::any_of(selected.begin(), selected.end(), [](const Task* t) {
            return t->name == "select_100k" || t->name == "get_100k";
        })) {
        raw::Connection db(read_db);
        db.exec(item_ddl);
        auto items = make_items<raw::Item>(opt.rows);
        db.insert_all(items);
    }

    bool all_met = true;
    for (const Task* t : selected) {
        std::vector<double> raw_cpu, dorm_cpu, raw_wall, dorm_wall;
        std::uint64_t raw_sum = 0, dorm_sum = 0;
        for (int rep = 0; rep <= opt.reps; ++rep) { // rep 0 is the warm-up
            Run r, d;
            if (t->paired) {
                std::tie(r, d) = t->paired(rep);
            } else if (rep % 2) {
                r = t->raw(rep);
                d = t->dorm(rep);
            } else {
                d = t->dorm(rep);
                r = t->raw(rep);
            }
            if (r.sum != d.sum || (rep > 0 && (r.sum != raw_sum || d.sum != dorm_sum)))
                throw std::runtime_error(t->name + ": raw and dorm results differ");
            raw_sum = r.sum;
            dorm_sum = d.sum;
            if (opt.verbose)
                std::printf("  %s rep %d%s: cpu raw %.2f ms, dorm %.2f ms; wall raw %.2f ms, "
                            "dorm %.2f ms\n",
                            t->name.c_str(), rep, rep ? "" : " (warm-up)", r.ms.cpu, d.ms.cpu,
                            r.ms.wall, d.ms.wall);
            if (rep == 0)
                continue;
            raw_cpu.push_back(r.ms.cpu);
            dorm_cpu.push_back(d.ms.cpu);
            raw_wall.push_back(r.ms.wall);
            dorm_wall.push_back(d.ms.wall);
        }
        const double rc = median(raw_cpu), dc = median(dorm_cpu);
        const double rw = median(raw_wall), dw = median(dorm_wall);
        const double ratio = opt.wall_clock ? dw / rw : dc / rc;
        std::printf("%s: %zu rows, %d reps; cpu: raw median = %.2f ms, dorm median = %.2f ms; "
                    "wall: raw median = %.2f ms, dorm median = %.2f ms; ratio from %s time, "
                    "target <= %.2f%s\n",
                    t->name.c_str(), opt.rows, opt.reps, rc, dc, rw, dw,
                    opt.wall_clock ? "wall" : "cpu", t->target,
                    ratio <= t->target ? "" : " (MISSED)");
        std::printf("%s dorm/raw = %.2f\n", t->name.c_str(), ratio);
        if (t->memory) {
            const auto [raw_bytes, dorm_bytes] = t->memory();
            const double n = static_cast<double>(opt.rows);
            std::printf("%s memory: sizeof raw::Item = %zu B, sizeof Item = %zu B (dorm's "
                        "per-object state %zu B); heap held per object after loading %zu rows "
                        "(vector slack included): raw = %.1f B, dorm = %.1f B\n",
                        t->name.c_str(), sizeof(raw::Item), sizeof(Item),
                        sizeof(Item) - sizeof(raw::Item), opt.rows,
                        static_cast<double>(raw_bytes) / n, static_cast<double>(dorm_bytes) / n);
            std::printf("%s bytes/object dorm/raw = %.2f\n", t->name.c_str(),
                        static_cast<double>(dorm_bytes) / static_cast<double>(raw_bytes));
        }
        std::fflush(stdout);
        all_met = all_met && ratio <= t->target;
    }
    return opt.check && !all_met ? 1 : 0;
}

} // namespace
} // namespace bench

int main(int argc, char** argv) {
    try {
        return bench::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dorm_bench: %s\n", e.what());
        return 2;
    }
}
