#!/usr/bin/env python3
"""Every Catch2 test case name in tests/ must survive CTest: catch_discover_tests passes the
names through CMake lists, so a ';' splits one test case into two CTest tests that match
nothing and pass without running it. Exit status 1 (and the names) when one has one."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CASE = re.compile(r'TEST_CASE(?:_METHOD)?\(\s*(?:\w+\s*,\s*)?((?:"(?:[^"\\]|\\.)*"\s*)+)')
PART = re.compile(r'"((?:[^"\\]|\\.)*)"')


def main() -> int:
    bad = []
    for path in sorted((ROOT / "tests").rglob("*.cpp")):
        for m in CASE.finditer(path.read_text(encoding="utf-8")):
            name = "".join(PART.findall(m.group(1)))
            if ";" in name:
                bad.append(f"{path.relative_to(ROOT)}: {name!r}")
    for b in bad:
        print(b, file=sys.stderr)
    if bad:
        print(f"check_test_names: {len(bad)} test case name(s) hold ';', which CTest splits "
              "(the test case would never run)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
