#!/usr/bin/env bash
# The differential test (issue 19): each Markdown file given is rendered
# by litbook (one chapter of one book per file) and by Debian's cmark-gfm
# with the extensions and options litbook uses; after normalize.py has
# removed litbook's documented decorations the two must be identical.
# Prints "ok - corpus FILE" or "not ok - corpus FILE" and the diff.
#
# usage: LITBOOK=build/litbook tests/markdown/diff.sh FILE.md...
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
LITBOOK=$(realpath "${LITBOOK:-$HERE/../../build/litbook}")
# The reference: libcmark-gfm driven as Debian's cmark-gfm command drives
# it, with the options of src/gfm.c (the four GFM extensions, raw HTML let
# through, table alignment as style attributes) and footnotes, which the
# command of cmark-gfm 0.29 cannot turn on (tests/markdown/cmark_ref.c,
# built by make as build/tools/cmark-ref).
CMARK_REF=${CMARK_REF:-$HERE/../../build/tools/cmark-ref}
if [ ! -x "$CMARK_REF" ]; then
    echo "not ok - corpus: the reference renderer $CMARK_REF is built (make build/tools/cmark-ref)"
    exit 1
fi
W=$(mktemp -d /tmp/litbook-mddiff.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir "$W/chapters"
i=0
for f in "$@"; do
    i=$((i + 1))
    cp "$f" "$W/chapters/$(printf %03d "$i")-$(basename "$f")"
done
if ! (cd "$W" && NO_COLOR=1 timeout 300 "$LITBOOK" build -q >"$W/build.log" 2>&1); then
    echo "not ok - corpus: litbook builds the corpus book"
    sed 's/^/# /' "$W/build.log" | head -20
    exit 1
fi
echo "ok - corpus: litbook builds the corpus book ($# files)"
i=0
for f in "$@"; do
    i=$((i + 1))
    page=$W/out/$(printf %03d "$i")-$(basename "$f" .md).html
    "$CMARK_REF" "$f" >"$W/want.html"
    python3 "$HERE/normalize.py" "$page" >"$W/got.html"
    if cmp -s "$W/want.html" "$W/got.html"; then
        echo "ok - corpus $(basename "$f"): litbook renders what cmark-gfm does"
    else
        echo "not ok - corpus $(basename "$f"): litbook renders what cmark-gfm does"
        diff -u --label libcmark-gfm --label litbook "$W/want.html" "$W/got.html" | head -60 | sed 's/^/# /'
    fi
done
