#!/usr/bin/env python3
"""Keeps README.md and docs/*.md honest (run by CTest as docs_honest; its self-test,
tools/test_check_docs.py, runs it on fixture text that must fail).

Exit status 1, each problem on stderr as FILE:LINE: ..., when:

1. A sentence says a feature is missing or still to come ("still to come", "comes next",
   "not part of this release", "not yet", "not supported", "planned", "TODO", ...) outside
   the places where dorm lists what it does not do: the sections in ALLOWED below, and any
   paragraph, list item or table row holding the comment <!-- known limitation: why -->.
   Such a sentence elsewhere is how the docs went stale before (README: bulk operations,
   fault matrix, demo and benchmark "are the parts still to come"; remote.md: the sync
   engine "comes next"; models.md: "Relations ... are not part of this release"), each
   while the support table (docs/support.md) marked the feature ✔. Code (fenced blocks and
   `inline code`) is not read: error messages and comments may say "not supported".
2. A code block preceded by <!-- snippet: PATH --> is not, line for line, in PATH (a file
   the build compiles), up to a common indentation.
3. A relative link names a file that does not exist, or a #anchor that is no heading of
   the page it points to.
4. A section named in ALLOWED no longer exists (the allow-list went stale).

The support table's own test references are checked by tools/gen_support_table.py --check
(CTest support_table_current): every ✔ names a Catch2 test case that exists.

`--root DIR` checks another tree (the self-test's fixtures).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if "--root" in sys.argv:
    ROOT = os.path.abspath(sys.argv[sys.argv.index("--root") + 1])

# Where the docs list what dorm does not do, on purpose: (file, heading), heading None for
# the whole file.
ALLOWED = [
    ("docs/django-differences.md", None),  # the documented departures from Django
    ("docs/support.md", "Not supported yet"),
    ("docs/sync.md", "Not yet"),
    ("docs/remote.md", "Known limits of the translation"),
]

# Phrases that describe a feature as missing or to come (matched case-insensitively on
# one paragraph, list item or table row with its lines joined).
PHRASES = [
    r"\bstill to come\b",
    r"\b(?:is|are) (?:yet )?to come\b",
    r"\bcomes? next\b",
    r"\bnot (?:a )?part of (?:this|the current|the first) (?:release|version)\b",
    # not yet, not done yet, not thrown yet (but not "an object that is not a restaurant yet")
    r"\bnot\s+(?:\w+(?:ed|en|wn)\s+|done\s+|made\s+|built\s+|available\s+|possible\s+)?yet\b",
    r"\b(?:there (?:is|are)|dorm has|dorm offers) no\b[^.;:]{0,80}?\byet\b",
    r"\bnot (?:yet )?(?:supported|implemented|available)\b",
    r"\bunsupported\b",
    r"\bplanned\b",
    r"\bTODO\b",
    r"\bFIXME\b",
    r"\bTBD\b",
    r"\b(?:a |the )?(?:future|later|next|coming|upcoming) (?:release|version)s?\b",
    r"\bcoming soon\b",
    r"\bwill (?:be )?(?:added|supported|implemented)\b",
    r"\bwork in progress\b",
]
PHRASE = re.compile("|".join(f"(?:{p})" for p in PHRASES), re.IGNORECASE)
MARKER = re.compile(r"<!--\s*known limitation\b.*?-->", re.IGNORECASE | re.DOTALL)
SNIPPET = re.compile(r"<!--\s*snippet:\s*(\S+)\s*-->")
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
NEW_UNIT = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|\||#)")
LINK = re.compile(r"\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")


def doc_files(root):
    out = []
    if os.path.exists(os.path.join(root, "README.md")):
        out.append("README.md")
    docs = os.path.join(root, "docs")
    if os.path.isdir(docs):
        out += sorted("docs/" + f for f in os.listdir(docs) if f.endswith(".md"))
    return out


def slug(heading):
    """GitHub's anchor for a heading."""
    text = re.sub(r"`([^`]*)`", r"\1", heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(lines):
    seen = {}
    out = set()
    in_code = False
    for line in lines:
        if FENCE.match(line):
            in_code = not in_code
            continue
        m = None if in_code else HEADING.match(line)
        if m:
            s = slug(m.group(2))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else f"{s}-{n}")
    return out


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read().split("\n")


def units(lines):
    """Yields (first line number, heading path, text) for each paragraph, list item, table
    row and heading outside code, and (line, None, (path, block)) for each snippet block."""
    headings = []  # [(level, title)]
    out = []
    unit, start = [], 0
    in_code, snippet, block, block_start = False, None, [], 0
    pending_snippet = None

    def flush():
        if unit:
            out.append((start, list(headings), " ".join(unit)))
            unit.clear()

    for i, line in enumerate(lines, 1):
        if FENCE.match(line):
            if not in_code:
                flush()
                in_code, snippet, block, block_start = True, pending_snippet, [], i + 1
                pending_snippet = None
            else:
                in_code = False
                if snippet:
                    out.append((block_start, None, (snippet, block)))
                snippet = None
            continue
        if in_code:
            block.append(line)
            continue
        m = SNIPPET.search(line)
        if m:
            pending_snippet = m.group(1)
        elif line.strip():
            pending_snippet = None
        if not line.strip():
            flush()
            continue
        h = HEADING.match(line)
        if h or NEW_UNIT.match(line):
            flush()
        if h:
            level = len(h.group(1))
            headings = [x for x in headings if x[0] < level] + [(level, h.group(2))]
        if not unit:
            start = i
        unit.append(line)
    flush()
    return out


def allowed(rel, headings):
    for f, title in ALLOWED:
        if f != rel:
            continue
        if title is None or any(t == title for _, t in headings):
            return True
    return False


def find_block(file_lines, block):
    """True when block (a list of lines) occurs in file_lines, up to a common indent."""
    while block and not block[-1].strip():
        block = block[:-1]
    if not block:
        return True
    first = block[0]
    for i, line in enumerate(file_lines):
        if not line.endswith(first) or line[: len(line) - len(first)].strip():
            continue
        indent = line[: len(line) - len(first)]
        if i + len(block) > len(file_lines):
            continue
        ok = True
        for k, b in enumerate(block):
            f = file_lines[i + k]
            if b.strip() == "" and f.strip() == "":
                continue
            if f != indent + b:
                ok = False
                break
        if ok:
            return True
    return False


def check(root):
    problems = []
    files = doc_files(root)
    for f, title in ALLOWED:
        path = os.path.join(root, f)
        if not os.path.exists(path):
            problems.append(f"{f}: named in ALLOWED (tools/check_docs.py) but missing")
        elif title is not None and not any(
                (m := HEADING.match(line)) and m.group(2) == title for line in read(root, f)):
            problems.append(f'{f}: ALLOWED names the section "{title}", which is gone')
    for rel in files:
        lines = read(root, rel)
        for line_no, heads, text in units(lines):
            if heads is None:  # a snippet block
                src, block = text
                target = os.path.normpath(os.path.join(root, os.path.dirname(rel), src))
                if not os.path.exists(target):
                    target = os.path.join(root, src)
                if not os.path.exists(target):
                    problems.append(f"{rel}:{line_no}: snippet source {src} does not exist")
                elif not find_block(read(root, os.path.relpath(target, root)), block):
                    problems.append(f"{rel}:{line_no}: this code block is not in {src} "
                                    "(the doc must quote the compiled code exactly)")
                continue
            for m in LINK.finditer(text):
                problems += link_problem(root, rel, line_no, m.group(1))
            if MARKER.search(text) or allowed(rel, heads):
                continue
            prose = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
            prose = re.sub(r"`[^`]*`", " ", prose)
            prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
            prose = re.sub(r"\s+", " ", prose)
            for m in PHRASE.finditer(prose):
                a, b = max(0, m.start() - 60), min(len(prose), m.end() + 60)
                problems.append(
                    f'{rel}:{line_no}: says "{m.group(0)}" (a missing or future feature) '
                    f'outside a known-limitations section: ...{prose[a:b].strip()}...')
    return problems


def link_problem(root, rel, line_no, target):
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http:, mailto:, ...
        return []
    path, _, anchor = target.partition("#")
    if path:
        full = os.path.normpath(os.path.join(root, os.path.dirname(rel), path))
        if not os.path.exists(full):
            return [f"{rel}:{line_no}: link to {target}: no such file"]
    else:
        full = os.path.join(root, rel)
    if anchor and full.endswith(".md"):
        if anchor not in anchors(read(root, os.path.relpath(full, root))):
            return [f"{rel}:{line_no}: link to {target}: no such heading"]
    return []


def main():
    problems = check(ROOT)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"check_docs: {len(problems)} problem(s); a known limitation belongs in a section "
              "listed in ALLOWED (tools/check_docs.py) or carries <!-- known limitation: why -->",
              file=sys.stderr)
        return 1
    print(f"check_docs: {len(doc_files(ROOT))} files, no missing-feature claims outside the "
          "known limitations, snippets and links in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
