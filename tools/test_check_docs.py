#!/usr/bin/env python3
"""Self-test of tools/check_docs.py (run by CTest as docs_honest_selftest).

Each case writes a small tree of fixture docs and runs the check on it (--root): the three
sentences that went stale in dorm's own docs must fail it, as must a snippet that is not in
its source, a broken link and a stale allow-list; the same sentences in a known-limitations
section, under a marker or in code must pass. The real tree must pass too.
"""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(REPO, "tools", "check_docs.py")

# The sections tools/check_docs.py allows missing features in; a fixture tree has them all.
BASE = {
    "README.md": "# fixture\n\nSee [sync](docs/sync.md#not-yet).\n",
    "docs/django-differences.md": "# Differences\n\n`distinct(\"f\")` is not supported.\n",
    "docs/support.md": "# Support table\n\n## Not supported yet\n\n| `bulk_update` | ✘ |\n",
    "docs/sync.md": "# Sync\n\n## Not yet\n\n- A changeset is not split yet.\n",
    "docs/remote.md": "# Remote\n\n## Known limits of the translation\n\n- no decimal yet.\n",
}


class Tree:
    def __init__(self, files):
        self.tmp = tempfile.TemporaryDirectory()
        for rel, text in {**BASE, **files}.items():
            path = os.path.join(self.tmp.name, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text))

    def run(self):
        return subprocess.run([sys.executable, SCRIPT, "--root", self.tmp.name],
                              capture_output=True, text=True)


class CheckDocs(unittest.TestCase):
    def check(self, files, *mentions):
        """Runs the check on BASE plus files: it must fail naming every mention, or pass
        when there are none."""
        tree = Tree(files)
        try:
            r = tree.run()
        finally:
            tree.tmp.cleanup()
        if mentions:
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            for m in mentions:
                self.assertIn(m, r.stderr)
        else:
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    # The three past cases, as they were written.
    def test_readme_parts_still_to_come(self):
        self.check({"README.md": """\
            # dorm

            Models can be mapped to a remote CRM, and a sync engine keeps them in step
            (`skip_cdms()` for the local store
            alone). The sync engine's bulk operations, fault matrix, demo and benchmark are the parts
            still to come.
            """}, 'README.md:3: says "still to come"')

    def test_remote_md_sync_engine_comes_next(self):
        self.check({"docs/remote.md": """\
            # The remote

            This page covers **mapping a model**, **compiling
            its queries to OData**, and the **client** that sends them. The sync engine that keeps the
            local store and the remote in step comes next.

            ## Known limits of the translation
            """}, 'docs/remote.md:3: says "comes next"')

    def test_models_md_relations_not_part_of_this_release(self):
        self.check({"docs/models.md": """\
            # Models

            ## Other instance methods

            Relations (ForeignKey, OneToOne, ManyToMany) are not part of this release.
            """}, 'docs/models.md:5: says "not part of this release"')

    def test_other_phrases(self):
        self.check({"docs/queries.md": """\
            # Queries

            - `bulk_update` is planned.
            - TODO: document `iterator()`.
            - Unions are not yet supported.
            - There is no DecimalField yet.
            | `explain()` | will be added in a future release |
            """}, "queries.md:3:", "queries.md:4:", "queries.md:5:", "queries.md:6:",
            "queries.md:7:")

    # What is allowed.
    def test_known_limitations_pass(self):
        self.check({
            "docs/sync.md": """\
                # Sync

                ## Not yet

                The sync engine's bulk operations are still to come.

                ### A subsection of it

                - planned: splitting a changeset.
                """,
            "docs/models.md": """\
                # Models

                There is no TimeField yet.
                <!-- known limitation: listed in support.md -->

                Relations are used as `select_related` (an error message in code:
                `NotSupported: prefetch is not supported`), then:

                ```cpp
                obj.save();  // not supported yet on a TODO list
                ```
                """,
        })

    def test_a_marker_allows_its_own_paragraph_only(self):
        self.check({"docs/models.md": """\
            # Models

            There is no TimeField yet. <!-- known limitation: listed in support.md -->

            Relations are not part of this release.
            """}, 'docs/models.md:5: says "not part of this release"')

    def test_the_section_ends_at_the_next_heading(self):
        self.check({"docs/sync.md": """\
            # Sync

            ## Not yet

            - A changeset is not split yet.

            ## Durability

            The journal is planned.
            """}, 'docs/sync.md:9: says "planned"')

    def test_a_stale_allow_list(self):
        self.check({"docs/sync.md": "# Sync\n\n## Limits\n"},
                   'docs/sync.md: ALLOWED names the section "Not yet", which is gone',
                   "README.md:3: link to docs/sync.md#not-yet: no such heading")

    # Snippets and links.
    def test_snippets(self):
        src = {"examples/demo.cpp": """\
            int main() {
                int a = 1;

                return a - 1;
            }
            """}
        self.check({**src, "docs/tutorial.md": """\
            # Tutorial

            <!-- snippet: ../examples/demo.cpp -->
            ```cpp
            int a = 1;

            return a - 1;
            ```
            """})
        self.check({**src, "docs/tutorial.md": """\
            # Tutorial

            <!-- snippet: ../examples/demo.cpp -->
            ```cpp
            int a = 2;
            return a - 1;
            ```

            <!-- snippet: ../examples/gone.cpp -->
            ```cpp
            int a = 1;
            ```
            """}, "docs/tutorial.md:5: this code block is not in ../examples/demo.cpp",
            "docs/tutorial.md:11: snippet source ../examples/gone.cpp does not exist")

    def test_links(self):
        self.check({"docs/tutorial.md": """\
            # Tutorial

            ## Relations: `ForeignKey`

            See [sync](sync.md#not-yet), [here](#relations-foreignkey),
            [the web](https://example.org/x), [a file](../README.md).
            [gone](missing.md), [no anchor](sync.md#durability).
            """}, "docs/tutorial.md:5: link to missing.md: no such file",
            "docs/tutorial.md:5: link to sync.md#durability: no such heading")

    def test_the_real_tree_passes(self):
        r = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
