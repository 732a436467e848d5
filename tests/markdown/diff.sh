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
LITBOOK=${LITBOOK:-$HERE/../../build/litbook}
CMARK=${CMARK:-/usr/bin/cmark-gfm}
# src/gfm.c: these extensions, raw HTML let through, table alignment as
# style attributes. (Footnotes are on in litbook, but Debian's cmark-gfm
# 0.29 has no --footnotes: the corpus holds none.)
CMARK_ARGS=(--unsafe -e table -e strikethrough -e autolink -e tasklist
    --table-prefer-style-attributes)
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
    "$CMARK" "${CMARK_ARGS[@]}" "$f" >"$W/want.html"
    python3 "$HERE/normalize.py" "$page" >"$W/got.html"
    if cmp -s "$W/want.html" "$W/got.html"; then
        echo "ok - corpus $(basename "$f"): litbook renders what cmark-gfm does"
    else
        echo "not ok - corpus $(basename "$f"): litbook renders what cmark-gfm does"
        diff -u --label cmark-gfm --label litbook "$W/want.html" "$W/got.html" | head -60 | sed 's/^/# /'
    fi
done
