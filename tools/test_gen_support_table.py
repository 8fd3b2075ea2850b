#!/usr/bin/env python3
"""Self-test of tools/gen_support_table.py (run by CTest as support_table_selftest).

Each case runs the generator on a temporary copy of the tree (the script, the tests it reads
and docs/support.md) with one thing broken, and expects a hard error that names the row and
the reference, in both modes, with docs/support.md left as it was.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join("tools", "gen_support_table.py")


class Copy:
    """A temporary tree holding what the generator reads and writes."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        for d in ("tests/unit", "tests/conformance", "tests/remote", "tests/sync"):
            os.makedirs(os.path.join(self.root, d))
            for f in os.listdir(os.path.join(REPO, d)):
                if f.endswith(".cpp"):
                    shutil.copy(os.path.join(REPO, d, f), os.path.join(self.root, d, f))
        for f in (SCRIPT, "docs/support.md"):
            os.makedirs(os.path.dirname(os.path.join(self.root, f)), exist_ok=True)
            shutil.copy(os.path.join(REPO, f), os.path.join(self.root, f))

    def edit(self, rel, old, new):
        path = os.path.join(self.root, rel)
        text = open(path, encoding="utf-8").read()
        assert old in text, f"{old!r} is not in {rel}"
        open(path, "w", encoding="utf-8").write(text.replace(old, new, 1))

    def table(self):
        return open(os.path.join(self.root, "docs/support.md"), encoding="utf-8").read()

    def run(self, *args):
        return subprocess.run(
            [sys.executable, os.path.join(self.root, SCRIPT), "--root", self.root, *args],
            capture_output=True, text=True)


class GeneratorRefusesBadReferences(unittest.TestCase):
    def setUp(self):
        self.copy = Copy()

    def tearDown(self):
        self.copy.tmp.cleanup()

    def assert_refused(self, *mentions):
        before = self.copy.table()
        for mode in ([], ["--check"]):
            r = self.copy.run(*mode)
            with self.subTest(mode=mode or ["generate"]):
                self.assertNotEqual(r.returncode, 0, r.stdout + r.stderr)
                for m in mentions:
                    self.assertIn(m, r.stderr)
                self.assertEqual(self.copy.table(), before)  # nothing written

    def test_the_copy_as_it_is_passes(self):
        r = self.copy.run("--check")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_a_reference_that_matches_no_test(self):
        # The row keeps its other references: a dropped one would go unnoticed.
        self.copy.edit(SCRIPT, '("lookups", "star, question mark and bracket are literal")',
                       '("lookups", "no test is named this")')
        self.assert_refused("`wildcards and quotes in values are literal`",
                            '"no test is named this"', "matches no test case")

    def test_a_test_renamed_under_its_reference(self):
        self.copy.edit("tests/unit/test_lookups.cpp",
                       'TEST_CASE("star, question mark and bracket are literal',
                       'TEST_CASE("renamed: star, question mark and bracket are literal')
        self.assert_refused("`wildcards and quotes in values are literal`",
                            '"star, question mark and bracket are literal"',
                            "matches no test case in tests/unit/test_lookups.cpp")

    def test_a_reference_that_matches_several_tests(self):
        self.copy.edit(SCRIPT, '("lookups", "regex and iregex")', '("lookups", "regex")')
        self.assert_refused('`Klass.objects().filter("f__regex", v)`', """('lookups', "regex")""",
                            "matches 3 test cases in tests/unit/test_lookups.cpp")

    def test_a_reference_in_the_sync_table(self):
        # A new test whose name extends a referenced one: the reference is ambiguous now.
        self.copy.edit("tests/sync/test_sync_reads.cpp",
                       'TEST_CASE("a long read tells its progress page by page", "[sync]") {',
                       'TEST_CASE("a long read tells its progress page by page, twice", "[sync]") {}\n'
                       'TEST_CASE("a long read tells its progress page by page", "[sync]") {')
        self.assert_refused("qs.sync_stats(stats), Options::progress:",
                            '"a long read tells its progress page by page"',
                            "matches 2 test cases in tests/sync/test_sync_reads.cpp")

if __name__ == "__main__":
    unittest.main()
