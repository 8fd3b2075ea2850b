#!/usr/bin/env python3
"""Which targets scripts/test must build for the tests its ctest arguments select.

Usage: test_targets.py BUILD_DIR [--target T]... [CTEST ARGUMENTS]...

Before a build, ctest knows no Catch test case names (catch_discover_tests lists them after
linking), so this reads the map the configure step writes (BUILD_DIR/dorm_test_targets.tsv:
target, label, test name or name prefix, source) and the TEST_CASE names in each source
(as tools/check_test_names.py does), and applies ctest's filters to the names each target
will have: -R/--tests-regex, -E/--exclude-regex, -L/--label-regex, -LE/--label-exclude.
Tests that are not in the map (consumer_*, include_layout, ...) need no target of their own.

Prints NUL-terminated records: "all" when everything must be built (no filter, or a
selection option this script does not model: -I, -U, --rerun-failed, fixtures, files),
otherwise one "target=<name>" per target to build, then one "arg=<argument>" per ctest
argument. When not everything is built, the ctest arguments also exclude the placeholder
tests ("<target>_NOT_BUILT-<hash>") that catch_discover_tests registers for targets that
were not built. --target T builds T as well; without any ctest filter, only T's tests run.
"""
import pathlib
import re
import sys

CASE = re.compile(r'TEST_CASE(?:_METHOD)?\(\s*(?:\w+\s*,\s*)?((?:"(?:[^"\\]|\\.)*"\s*)+)')
PART = re.compile(r'"((?:[^"\\]|\\.)*)"')
NOT_BUILT = r"_NOT_BUILT(-[0-9a-f]+)?$"
# ctest options that take a value and filter by name or label (modelled here).
FILTERS = {"-R": "R", "--tests-regex": "R", "-E": "E", "--exclude-regex": "E",
           "-L": "L", "--label-regex": "L", "-LE": "LE", "--label-exclude": "LE"}
# ctest options that select tests in ways not modelled: build everything.
UNMODELLED = ("-I", "--tests-information", "-U", "--union", "--rerun-failed",
              "--tests-from-file", "--exclude-from-file", "-FA", "--fixture-exclude-any",
              "-FS", "--fixture-exclude-setup", "-FC", "--fixture-exclude-cleanup")


def case_names(source):
    text = pathlib.Path(source).read_text(encoding="utf-8")
    names = []
    for m in CASE.finditer(text):
        name = "".join(PART.findall(m.group(1)))
        # The C++ escapes that test case names use; Catch prints the characters.
        names.append(name.replace('\\"', '"').replace("\\\\", "\\"))
    return names


def emit(records):
    sys.stdout.write("".join(r + "\0" for r in records))


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    build_dir, rest = pathlib.Path(argv[0]), argv[1:]
    targets, ctest_args, filters = [], [], {"R": None, "E": None, "L": [], "LE": []}
    unmodelled = False
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg == "--target" and i + 1 < len(rest):
            targets.append(rest[i + 1])
            i += 2
            continue
        ctest_args.append(arg)
        key = FILTERS.get(arg)
        if key and i + 1 < len(rest):
            value = rest[i + 1]
            ctest_args.append(value)
            if key in ("R", "E"):
                filters[key] = value  # ctest: the last one counts
            else:
                filters[key].append(value)  # ctest: each must match one of the labels
            i += 2
            continue
        if arg in UNMODELLED or any(arg.startswith(o + "=") for o in UNMODELLED if o[:2] == "--"):
            unmodelled = True
        i += 1

    filtered = filters["R"] is not None or filters["E"] is not None or filters["L"] or filters["LE"]
    if unmodelled or (not filtered and not targets):
        emit(["all"] + ["arg=" + a for a in ctest_args])
        return 0

    mapping = build_dir / "dorm_test_targets.tsv"
    rows = [line.split("\t") for line in mapping.read_text(encoding="utf-8").splitlines() if line]
    known = {row[0] for row in rows}
    for t in targets:
        if t not in known:
            print(f"test: --target {t}: no such test target (see {mapping})", file=sys.stderr)
            return 2

    selected = list(targets)
    if filtered:
        for target, label, kind, name, source in rows:
            if any(not re.search(rx, label) for rx in filters["L"]):
                continue
            if filters["LE"] and all(re.search(rx, label) for rx in filters["LE"]):
                continue
            names = [name + case for case in case_names(source)] if kind == "prefix" else [name]
            if not names:
                names = [name]  # no case found in the source: judge by the prefix alone
            if filters["R"] is not None:
                names = [n for n in names if re.search(filters["R"], n)]
            if filters["E"] is not None:
                names = [n for n in names if not re.search(filters["E"], n)]
            if names and target not in selected:
                selected.append(target)
    else:
        # Only --target: run the tests of those targets.
        names = []
        for target, _, kind, name, _ in rows:
            if target in targets:
                names.append("^" + re.escape(name) + ("" if kind == "prefix" else "$"))
        ctest_args += ["-R", "|".join(names)]

    # The placeholders of targets not built: add them to -E (ctest keeps only one -E).
    exclude = NOT_BUILT if filters["E"] is None else f"({filters['E']})|{NOT_BUILT}"
    out, i = [], 0
    while i < len(ctest_args):
        if FILTERS.get(ctest_args[i]) == "E":
            i += 2
            continue
        out.append(ctest_args[i])
        i += 1
    out += ["-E", exclude]
    emit(["target=" + t for t in selected] + ["arg=" + a for a in out])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
