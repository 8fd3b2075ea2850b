// Several processes writing one database file (docs/database.md, "Threads and processes"):
// four processes of two threads, each thread with its own Database, write blocks of rows in
// dorm::atomic and read them back, in WAL and in rollback-journal mode; one process is
// killed (SIGKILL) while it holds the write lock in the middle of a block.
//
// Afterwards: PRAGMA integrity_check is ok; every block has all its rows or none (the killed
// block none); the surviving workers finished every block; and no statement of any worker
// failed (any "database is locked" is a failure: each worker's error count is reported).
//
// Workers are forked from this test before it starts any thread; each reports what it did in
// a file, read once it has exited. Catch2 runs only in the parent.
#include <catch2/catch.hpp>

#include <dorm/dorm.hpp>

#include "temp_dir.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Slot : dorm::Model<Slot> {
    std::int64_t id = 0;
    std::int64_t block = 0;
    int worker = 0;
    int seq = 0;
    static void define(dorm::ModelDef<Slot>& m) {
        m.table("slot");
        m.field("id", &Slot::id, dorm::auto_pk);
        m.field("block", &Slot::block, dorm::db_index);
        m.field("worker", &Slot::worker);
        m.field("seq", &Slot::seq);
    }
};

using dorm_test::TempDir;

constexpr int kProcesses = 4;
constexpr int kThreads = 2;
constexpr int kBlocks = 25;  // blocks per worker (thread)
constexpr int kPerBlock = 5; // rows per block, all or none
constexpr int kVictim = 0;   // the process killed
constexpr int kKillAt = 3;   // its first thread's block in which it is killed

std::int64_t block_id(int worker, int block) {
    return static_cast<std::int64_t>(worker) * 1000 + block;
}

// What one worker (a thread of a process) did.
struct Report {
    int blocks = 0;          // blocks committed and read back whole
    int errors = 0;          // exceptions from any statement
    std::string first_error; // with how long its block had run
};

dorm::DatabaseOptions options(bool wal) {
    dorm::DatabaseOptions o;
    o.wal = wal;
    // Shorter than the default 5 s, so that a wait that loses its turns (SQLite's own busy
    // handler polls every 100 ms: in rollback-journal mode a waiter could lose every poll
    // to the other seven writers) shows within a few seconds; no wait here comes near it
    // when the waiters take turns.
    o.busy_timeout_ms = 2000;
    return o;
}

// One worker: kBlocks atomic blocks of kPerBlock rows, each read back after its commit. The
// victim's first thread tells the parent (a byte on `signal_fd`) once it is inside block
// kKillAt with rows written, then waits there to be killed.
Report work(const std::string& path, bool wal, int worker, int signal_fd) {
    Report r;
    dorm::Database db(path, options(wal));
    for (int b = 0; b < kBlocks; ++b) {
        const std::int64_t id = block_id(worker, b);
        const auto started = std::chrono::steady_clock::now();
        try {
            dorm::atomic(db, [&] {
                for (int i = 0; i < kPerBlock; ++i) {
                    Slot::objects().using_(db).create(
                        {{"block", id}, {"worker", worker}, {"seq", i}});
                    if (signal_fd >= 0 && b == kKillAt && i == kPerBlock / 2) {
                        const char byte = 'k';
                        if (::write(signal_fd, &byte, 1) != 1)
                            ::_exit(3);
                        ::pause(); // holds the write lock until SIGKILL
                    }
                }
            });
            const auto rows = Slot::objects().using_(db).filter("block", id).count();
            const auto seqs =
                Slot::objects().using_(db).filter("block", id).order_by("seq").values_list("seq");
            const auto total = Slot::objects().using_(db).count();
            if (rows == kPerBlock && seqs.size() == kPerBlock && total >= rows)
                ++r.blocks;
            else if (r.first_error.empty())
                r.first_error =
                    "block " + std::to_string(id) + " reads back " + std::to_string(rows) + " rows";
        } catch (const std::exception& e) {
            ++r.errors;
            const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count();
            if (r.first_error.empty())
                r.first_error = std::string(e.what()) + " (block " + std::to_string(b) +
                                ", after " + std::to_string(ms) + " ms)";
        }
    }
    return r;
}

// A forked process: kThreads workers; writes "<worker> <blocks> <errors> <first error>" lines
// to `out`, then exits without returning into Catch2.
[[noreturn]] void process_main(const std::string& path, bool wal, int process,
                               const std::string& out, int signal_fd) {
    int code = 0;
    try {
        std::vector<Report> reports(kThreads);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&, t] {
                try {
                    reports[static_cast<std::size_t>(t)] =
                        work(path, wal, process * kThreads + t, t == 0 ? signal_fd : -1);
                } catch (const std::exception& e) { // opening the Database failed
                    reports[static_cast<std::size_t>(t)].errors = 1;
                    reports[static_cast<std::size_t>(t)].first_error = e.what();
                }
            });
        for (auto& th : threads)
            th.join();
        std::ofstream f(out);
        for (int t = 0; t < kThreads; ++t) {
            const Report& r = reports[static_cast<std::size_t>(t)];
            f << process * kThreads + t << ' ' << r.blocks << ' ' << r.errors << ' '
              << r.first_error << '\n';
        }
        code = f ? 0 : 2;
    } catch (...) {
        code = 2;
    }
    ::_exit(code);
}

void run(bool wal) {
    TempDir dir;
    const std::string path = dir.file("shared.sqlite3");
    {
        dorm::Database setup(path, options(wal));
        dorm::create_tables<Slot>(setup);
    }
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::vector<pid_t> pids;
    for (int p = 0; p < kProcesses; ++p) {
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(fds[0]);
            if (p != kVictim)
                ::close(fds[1]);
            process_main(path, wal, p, dir.file("report_" + std::to_string(p)),
                         p == kVictim ? fds[1] : -1);
        }
        pids.push_back(pid);
    }
    ::close(fds[1]);
    // The victim says it is inside its block (or closes the pipe by dying first).
    char byte = 0;
    const auto got = ::read(fds[0], &byte, 1);
    ::close(fds[0]);
    ::kill(pids[kVictim], SIGKILL);
    std::map<int, int> status;
    for (int p = 0; p < kProcesses; ++p) {
        int st = 0;
        REQUIRE(::waitpid(pids[static_cast<std::size_t>(p)], &st, 0) ==
                pids[static_cast<std::size_t>(p)]);
        status[p] = st;
    }
    REQUIRE(got == 1); // the victim was killed inside its block
    CHECK(WIFSIGNALED(status[kVictim]));

    // Every survivor finished every block, with no error.
    for (int p = 0; p < kProcesses; ++p) {
        if (p == kVictim)
            continue;
        INFO("process " << p);
        REQUIRE(WIFEXITED(status[p]));
        CHECK(WEXITSTATUS(status[p]) == 0);
        std::ifstream f(dir.file("report_" + std::to_string(p)));
        std::string line;
        int lines = 0;
        while (std::getline(f, line)) {
            ++lines;
            std::istringstream in(line);
            int worker = 0, blocks = 0, errors = 0;
            in >> worker >> blocks >> errors;
            std::string first_error;
            std::getline(in, first_error);
            INFO("worker " << worker << ":" << first_error);
            CHECK(errors == 0);
            CHECK(blocks == kBlocks);
        }
        CHECK(lines == kThreads);
    }

    dorm::Database check(path, options(wal));
    const auto scalar = [&](const std::string& sql) {
        dorm::sql::Cursor c(check, sql, {});
        REQUIRE(c.next());
        return c.stmt().column(0);
    };
    CHECK(scalar("PRAGMA journal_mode") == dorm::Value(wal ? "wal" : "delete"));
    CHECK(scalar("PRAGMA integrity_check") == dorm::Value("ok"));
    // All or nothing: no block has some of its rows.
    CHECK(scalar("SELECT count(*) FROM (SELECT block FROM slot GROUP BY block HAVING count(*) "
                 "<> " +
                 std::to_string(kPerBlock) + ")") == dorm::Value(0));
    // The killed block left nothing; the victim's earlier blocks are whole.
    const int victim_worker = kVictim * kThreads;
    CHECK(Slot::objects().using_(check).filter("block", block_id(victim_worker, kKillAt)).count() ==
          0);
    for (int b = 0; b < kKillAt; ++b)
        CHECK(Slot::objects().using_(check).filter("block", block_id(victim_worker, b)).count() ==
              kPerBlock);
    // The survivors' rows are all there.
    for (int w = 0; w < kProcesses * kThreads; ++w) {
        if (w / kThreads == kVictim)
            continue;
        CHECK(Slot::objects().using_(check).filter("worker", w).count() == kBlocks * kPerBlock);
    }
}

} // namespace

TEST_CASE("processes: four processes of two threads write one file in rollback-journal mode, "
          "one killed") {
    run(false);
}

TEST_CASE("processes: four processes of two threads write one file in WAL mode, one killed") {
    run(true);
}
