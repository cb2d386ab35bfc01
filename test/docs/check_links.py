#!/usr/bin/env python3
"""Every relative link in the repository's Markdown files resolves: the file exists and, when the
link names an anchor (#section), the target file has a heading with that GitHub-style anchor.

    test/docs/check_links.py [FILE.md ...]    (default: every *.md that git tracks)

Prints one line per broken link and exits 1 if there is any. Standard library only."""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LINK = re.compile(r"(?<!\!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")


def anchors(path):
    """GitHub's anchors of a Markdown file: lower case, punctuation dropped, spaces to '-',
    repeats numbered -1, -2, ..."""
    seen = {}
    out = set()
    in_fence = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            m = None if in_fence else re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
            if not m:
                continue
            text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", m.group(2))  # links keep their text
            slug = re.sub(r"[^\w\- ]", "", text.lower().replace("`", "")).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            out.add(slug if n == 0 else "%s-%d" % (slug, n))
    return out


def links(path):
    in_fence = False
    with open(path, encoding="utf-8") as f:
        for no, line in enumerate(f, 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for m in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
                yield no, m.group(1)


def main(argv):
    files = argv[1:] or subprocess.run(
        ["git", "-C", ROOT, "ls-files", "*.md"], check=True, capture_output=True, text=True
    ).stdout.split()
    bad = 0
    cache = {}
    for rel in files:
        src = os.path.join(ROOT, rel) if not os.path.isabs(rel) else rel
        for no, target in links(src):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
                continue
            path, _, frag = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(src), path)) if path else src
            if not os.path.exists(dest):
                print("%s:%d: %s: no such file" % (rel, no, target))
                bad += 1
                continue
            if frag and dest.endswith(".md"):
                if dest not in cache:
                    cache[dest] = anchors(dest)
                if frag not in cache[dest]:
                    print("%s:%d: %s: no such heading" % (rel, no, target))
                    bad += 1
    print("check_links: %d file(s), %d broken link(s)" % (len(files), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
