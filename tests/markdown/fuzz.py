#!/usr/bin/env python3
"""The differential fuzzer of issue 19: random Markdown from gen.py,
rendered by litbook (one book of BATCH chapters at a time, by each binary
given: the normal build and the ASan+UBSan one) and by the reference
(build/tools/cmark-ref), compared exactly as diff.sh compares the corpus.

Document i of a run is gen.py's document BASE+i, so a run is reproduced by
its base seed (printed first) and one document by its own seed. A
difference, a build failure (valid CommonMark must build), a crash (exit
>= 128) or a sanitizer report is saved under --found as SEED-KIND.md, with
SEED-KIND.min.md beside it: the fewest lines (then characters) that still
fail the same way, found in at most --minimise seconds.

usage: fuzz.py [--seconds S] [--seed BASE] [--batch N] [--found DIR]
               [--minimise S] [--max-found N] LITBOOK...
Exit 0 when nothing was found, 1 when something was, 2 on a usage error."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402
from normalize import normalize  # noqa: E402

REF = os.environ.get("CMARK_REF", os.path.join(HERE, "..", "..", "build", "tools", "cmark-ref"))
START = time.time()
ARGS = None
SANITIZER_MARKS = (b"ERROR: AddressSanitizer", b"ERROR: LeakSanitizer", b"runtime error:")
ENV = dict(os.environ, NO_COLOR="1", ASAN_OPTIONS="detect_leaks=1:abort_on_error=0",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")


def reference(path):
    return subprocess.run([REF, path], capture_output=True, check=True, timeout=60).stdout


def build(litbook, docs):
    """Builds one book of docs (texts) with litbook. Returns (kind, detail,
    pages): kind None when it built; else 'crash', 'sanitizer' or 'fails'."""
    w = tempfile.mkdtemp(prefix="litbook-mdfuzz.")
    try:
        os.mkdir(os.path.join(w, "chapters"))
        names = []
        for i, text in enumerate(docs):
            names.append("%03d-fuzz" % (i + 1))
            with open(os.path.join(w, "chapters", names[-1] + ".md"), "w", encoding="utf-8",
                      newline="") as f:
                f.write(text)
        try:
            p = subprocess.run([litbook, "build", "-q"], cwd=w, env=ENV, capture_output=True,
                               timeout=120)
        except subprocess.TimeoutExpired:
            return "hang", b"litbook build ran past 120 s", None
        log = p.stdout + p.stderr
        if p.returncode >= 128 or p.returncode < 0:
            return "crash", log, None
        if any(m in log for m in SANITIZER_MARKS):
            return "sanitizer", log, None
        if p.returncode != 0:
            return "fails", log, None
        pages = []
        for i, n in enumerate(names):
            with open(os.path.join(w, "out", n + ".html"), encoding="utf-8",
                      errors="surrogateescape") as f:
                got = normalize(f.read()).encode("utf-8", "surrogateescape")
            pages.append(got)
        return None, b"", pages
    finally:
        shutil.rmtree(w, ignore_errors=True)


def ref_of(text):
    with tempfile.NamedTemporaryFile("w", suffix=".md", encoding="utf-8", newline="",
                                     delete=False) as f:
        f.write(text)
    try:
        return reference(f.name)
    finally:
        os.unlink(f.name)


# What litbook's own syntax changes in the rendered page, found in the
# reference's HTML (more surely than in the text): a local image, copied
# and its URL rewritten (or an error when missing), and a link to a .md
# chapter. A document holding one is not compared.
_LOCAL = rb'(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)'
_LITBOOK_HTML = re.compile(rb'<img src="' + _LOCAL + rb'|href="' + _LOCAL + rb'[^"]*\.md(?:#[^"]*)?"')


def comparable(text, want):
    """Whether text is compared: the grammar itself makes only such texts
    but for the few that CommonMark turns into litbook's syntax."""
    return gen.in_scope(text) and not _LITBOOK_HTML.search(want)


def verdict(litbook, text):
    """What is wrong with text under litbook: None, or (kind, what): for a
    failed build its first error message without the place."""
    kind, detail, pages = build(litbook, [text])
    if kind == "fails":
        m = re.search(rb"error: (.*)", detail)
        return kind, m.group(1) if m else b""
    if kind:
        return kind, b""
    return ("diff", b"") if pages[0] != ref_of(text) else None


def shrink(units, still_fails, deadline):
    """Removes runs of units (halving their length) while still_fails."""
    n = max(1, len(units) // 2)
    while n >= 1 and time.time() < deadline:
        i, changed = 0, False
        while i < len(units) and time.time() < deadline:
            trial = units[:i] + units[i + n:]
            if trial and still_fails(trial):
                units, changed = trial, True
            else:
                i += n
        if not changed:
            n //= 2
    return units


def minimise(litbook, text, seconds):
    """The smallest text found that fails as text does, staying within what
    the differential test compares (gen.in_scope)."""
    deadline = time.time() + seconds
    want = verdict(litbook, text)

    def same(units):
        t = "".join(units)
        return comparable(t, ref_of(t)) and verdict(litbook, t) == want

    lines = shrink(text.splitlines(keepends=True), same, deadline)
    return "".join(shrink(list("".join(lines)), same, deadline))


FINDS = [0]  # finds so far; past --max-found, no more minimising


def save(found, seed, kind, text, detail, litbook, min_seconds):
    FINDS[0] += 1
    if FINDS[0] > ARGS.max_found:
        min_seconds = 0
    os.makedirs(found, exist_ok=True)
    base = os.path.join(found, "%d-%s" % (seed, kind))
    if os.path.exists(base + ".min.md") and os.path.getmtime(base + ".md") >= START:
        min_seconds = 0  # found by the other build in this run: minimised once
    with open(base + ".md", "w", encoding="utf-8", newline="") as f:
        f.write(text)
    if min_seconds > 0 or not os.path.exists(base + ".min.md"):
        small = minimise(litbook, text, min_seconds) if min_seconds > 0 else text
        with open(base + ".min.md", "w", encoding="utf-8", newline="") as f:
            f.write(small)
    with open(base + ".min.md", encoding="utf-8", newline="") as f:
        small = f.read()
    print("not ok - seed %d: %s under %s, saved %s.md and %s.min.md (%d bytes)"
          % (seed, kind, litbook, base, base, len(small.encode())))
    print("# reproduce: tests/markdown/gen.py %d >doc.md; minimised: %r" % (seed, small[:300]))
    for line in detail.decode("utf-8", "replace").splitlines()[:30]:
        print("# " + line)
    sys.stdout.flush()


def diff_text(want, got):
    import difflib
    d = difflib.unified_diff(want.decode("utf-8", "replace").splitlines(),
                             got.decode("utf-8", "replace").splitlines(),
                             "libcmark-gfm", "litbook", lineterm="")
    return "\n".join(list(d)[:40]).encode()


def check_batch(litbook, seeds, docs, args):
    """Builds docs as one book; on a failed build, each alone. Returns the
    number of findings."""
    kind, detail, pages = build(litbook, docs)
    if kind:
        if len(docs) == 1:
            save(args.found, seeds[0], kind, docs[0], detail, litbook, args.minimise)
            return 1
        return sum(check_batch(litbook, [s], [d], args) for s, d in zip(seeds, docs))
    found = 0
    for s, d, got in zip(seeds, docs, pages):
        want = ref_of(d)
        if got != want:
            save(args.found, s, "diff", d, diff_text(want, got), litbook, args.minimise)
            found += 1
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("FUZZ_SECONDS", 20)))
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--batch", type=int, default=24)
    ap.add_argument("--found", default=os.path.join(HERE, "found"))
    ap.add_argument("--minimise", type=float, default=30)
    ap.add_argument("--max-found", type=int, default=20, help="stop after this many finds")
    ap.add_argument("litbook", nargs="+")
    args = ap.parse_args()
    global ARGS
    ARGS = args
    if not os.access(REF, os.X_OK):
        print("fuzz.py: the reference %s is not built (make build/tools/cmark-ref)" % REF,
              file=sys.stderr)
        return 2
    base = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    books = [os.path.abspath(b) for b in args.litbook]
    print("# markdown fuzz: seed %d, %g s, batches of %d, %s"
          % (base, args.seconds, args.batch, " ".join(books)))
    sys.stdout.flush()
    t0, n, found, skipped = time.time(), 0, 0, 0
    while time.time() - t0 < args.seconds and found < args.max_found:
        seeds = list(range(base + n, base + n + args.batch))
        docs = [gen.generate(s) for s in seeds]
        keep = [comparable(d, ref_of(d)) for d in docs]
        skipped += keep.count(False)
        seeds = [s for s, k in zip(seeds, keep) if k]
        docs = [d for d, k in zip(docs, keep) if k]
        for b in books:
            found += check_batch(b, seeds, docs, args)
        n += args.batch
    print("# %d documents (seeds %d..%d) in %.0f s, %d found, %d not compared (litbook's own"
          " syntax: a local image, a .md link, an @reference)"
          % (n, base, base + n - 1, time.time() - t0, found, skipped))
    print("%s - markdown fuzz: seed %d, litbook renders what libcmark-gfm does"
          % ("ok" if found == 0 else "not ok", base))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
