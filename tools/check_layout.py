#!/usr/bin/env python3
"""Checks the include rule of include/dorm (docs/architecture.md): a header includes only
headers of its own folder or of folders before it in LAYERS, and the third-party headers
named in OWNERS only from the folders that own them. Forwarding headers (old paths kept for
one release, marked DORM_FORWARDING_HEADER) and the umbrella headers at the top are exempt.
Exits 1 and lists every violation."""
import pathlib
import re
import sys

LAYERS = ["detail", "core", "tree", "sql", "odata", "sqlite", "orm", "remote", "sync"]
# Third-party headers and the folders that may include them (impl/<folder>/ counts as its
# folder).
OWNERS = {
    "sqlite3.h": {"sqlite"},
    "curl/curl.h": {"remote"},
    "nlohmann/json.hpp": {"remote", "sync"},
    "pcre2.h": {"detail"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def folder_of(rel: pathlib.PurePosixPath):
    parts = rel.parts  # ("dorm", "tree", "q.hpp") or ("dorm", "impl", "tree", "q.ipp")
    if len(parts) < 3:
        return None  # an umbrella header: dorm/dorm.hpp, dorm/remote.hpp ...
    if parts[1] == "impl":
        return parts[2]
    return parts[1]


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent / "include"
    problems = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".hpp", ".ipp", ".h") or not path.is_file():
            continue
        rel = pathlib.PurePosixPath(path.relative_to(root).as_posix())
        text = path.read_text(encoding="utf-8")
        if "DORM_FORWARDING_HEADER" in text:
            continue
        own = folder_of(rel)
        if own is not None and own not in LAYERS:
            problems.append(f"{rel}: folder '{own}' is not in the layer list {LAYERS}")
            continue
        for target in INCLUDE.findall(text):
            if target in OWNERS:
                if own not in OWNERS[target]:
                    problems.append(f"{rel}: includes <{target}>, which only "
                                    f"{sorted(OWNERS[target])}/ may include")
                continue
            if not target.startswith("dorm/"):
                # a relative include of a sibling, or a standard header
                continue
            other = folder_of(pathlib.PurePosixPath(target))
            if own is None:
                continue  # umbrella headers include anything
            if other is None:
                problems.append(f"{rel}: includes the umbrella header {target}")
                continue
            if other not in LAYERS:
                problems.append(f"{rel}: includes {target} from unknown folder '{other}'")
            elif LAYERS.index(other) > LAYERS.index(own):
                problems.append(f"{rel}: includes {target}, but {other}/ comes after "
                                f"{own}/ (order: {' -> '.join(LAYERS)})")
    for p in problems:
        print(p)
    if problems:
        print(f"check_layout: {len(problems)} include(s) break the layout rule", file=sys.stderr)
        return 1
    print("check_layout: every include follows the layout rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
