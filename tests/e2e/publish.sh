#!/usr/bin/env bash
# Publishing (issue 7): highlighting, tables, the single-file book, valid
# HTML5, links that resolve, and the pages as a real browser renders them.
. "$(dirname "$0")/lib.sh"

mkbook publish/index.md publish/01-first.md publish/02-second.md

# A source-highlight that logs each run, to count spawns.
mkdir "$BOOK/bin"
cat >"$BOOK/bin/source-highlight" <<EOS
#!/bin/sh
echo run >>"$BOOK/hl.log"
exec /usr/bin/source-highlight "\$@"
EOS
chmod +x "$BOOK/bin/source-highlight"
touch "$BOOK/hl.log"

OUT=$BOOK/out
PATH="$BOOK/bin:$PATH" lb publish
check "publish exits 0" rc_is 0
check "front page written" test -s "$OUT/index.html"
check "chapter pages written" test -s "$OUT/01-first.html" -a -s "$OUT/02-second.html"
check "single-file book written" test -s "$OUT/answer-book.html"
check "source-highlight ran on the first build" test -s "$BOOK/hl.log"
P1=$OUT/01-first.html
check "C is highlighted (keyword spans)" has '<span class="keyword">return</span>' "$P1"
check "C comment highlighted" has '<span class="comment">/* a comment, and a string with &lt;angle&gt; &amp; brackets */</span>' "$P1"
check "shell is highlighted" has '<code class="language-sh"><span class="comment">' "$OUT/02-second.html"
check "highlighted listings cached" test -n "$(ls "$OUT/.cache/hl")"
check "verified output shown, escaped" has 'hello, &lt;world&gt; &amp; 42' "$P1"
check "verified output marked" has 'class="output stdout verified"' "$P1"
check "caption line holds the compile command" has_re '<div class="chunk-meta"><code>[^<]*-o prog' "$P1"
check "caption line holds the run time" has_re 'ran in [0-9.]+ (µs|ms|s)</div>' "$P1"
check "pipe table rendered as a table (libcmark-gfm)" has '<th style="text-align: right">time</th>' "$P1"
check "escaped pipe kept inside a cell" has '<code>memcpy</code> | SIMD' "$P1"
# 0.75 ms has the widest fraction (".75 ms", 6): "12.5 ms" gets one figure
# space, "3 ms" three, so the decimal points line up.
FS=$(printf '\342\200\207') # U+2007 FIGURE SPACE
PS=$(printf '\342\200\210') # U+2008 PUNCTUATION SPACE
check "numbers padded to align on the point" has "<td style=\"text-align: right\"><span class=\"num\">12.5 ms$FS</span></td>" "$P1"
check "integers padded past the point" has "<td style=\"text-align: right\"><span class=\"num\">3 ms$PS$FS$FS</span></td>" "$P1"
check "chart inlined as SVG" has '<svg' "$P1"
check "chart named by its caption" has '<title>Squares of the first ten numbers</title>' "$P1"
check "heading anchors (a chunk's name keeps its id)" has '<h2 id="squares-2">' "$P1"
check "chunk anchors" has 'id="hello"' "$P1"
check "duplicate headings get distinct ids" has 'id="same-name-2"' "$OUT/02-second.html"
check "current chapter marked in the sidebar" has '<li class="current"><a href="01-first.html" aria-current="page">' "$P1"
check "previous/next links" has 'rel="next" href="02-second.html"' "$P1"
check "front page lists the chapters" has '<li><a href="02-second.html">The second chapter</a></li>' "$OUT/index.html"

# A rebuild where nothing changed runs no highlighter.
runs=$(wc -l <"$BOOK/hl.log")
PATH="$BOOK/bin:$PATH" lb publish
check "no-op rebuild exits 0" rc_is 0
check "no-op rebuild spawns no source-highlight" test "$(wc -l <"$BOOK/hl.log")" -eq "$runs"

# Without a working source-highlight, listings are plain and escaped.
mkdir "$BOOK/badbin"
printf '#!/bin/sh\nexit 3\n' >"$BOOK/badbin/source-highlight"
chmod +x "$BOOK/badbin/source-highlight"
PATH="$BOOK/badbin:$PATH" lb build -o plain
check "build without a highlighter exits 0" rc_is 0
check "plain listing escaped" has '/* a comment, and a string with &lt;angle&gt; &amp; brackets */' "$BOOK/plain/01-first.html"
check "plain listing has no spans" lacks '<span class="keyword">' "$BOOK/plain/01-first.html"

# The single file: inline assets, prefixed ids, links turned into anchors.
A=$OUT/answer-book.html
check "single file inlines the stylesheet" has '<style>' "$A"
check "single file inlines the script" has 'querySelectorAll("pre.code")' "$A"
check "single file links no stylesheet" lacks '<link' "$A"
check "single file loads no script file" lacks '<script src' "$A"
check "single file: chapter ids prefixed" has 'id="01-first--hello"' "$A"
check "single file: chapter sections" has '<article class="chapter" id="02-second">' "$A"
check "single file: cross-chapter link rewritten" has 'href="#01-first--timings"' "$A"
check "single file: in-chapter link rewritten" has 'href="#01-first--fig-squares"' "$A"
check "single file: front page link rewritten" has 'href="#index"' "$A"
check "single file: no link to a page of the site" lacks_re 'href="[^"#]*\.html' "$A"
check "single file: SVG inline" has '<svg' "$A"

# Valid HTML5: tidy 5.6 knows HTML5 and inline SVG. Its one complaint,
# kept out by name and nothing else, is that it predates ARIA 1.1's
# aria-current; every other warning or error fails the test.
tidy_clean() {
    local f=$1 msgs
    msgs=$(tidy -q -e --show-warnings yes "$f" 2>&1 | grep -v 'proprietary attribute "aria-current"')
    [ -z "$msgs" ] || { printf '%s\n' "$msgs" | sed "s|^|#   $(basename "$f"): |" | head -10; return 1; }
}
if command -v tidy >/dev/null; then
    for f in "$OUT"/*.html; do
        if tidy_clean "$f"; then ok "tidy: $(basename "$f") is valid HTML5"; else not_ok "tidy: $(basename "$f") is valid HTML5"; fi
    done
else
    not_ok "tidy is installed (make deps)"
fi

links_ok() {
    local msgs
    msgs=$(python3 "$ROOT/tools/check-links" "$@" 2>&1)
    [ -z "$msgs" ] || { printf '%s\n' "$msgs" | sed 's/^/#   /' | head -10; return 1; }
}
if links_ok "$OUT"/index.html "$OUT"/0*.html; then ok "site: every link and anchor resolves"; else not_ok "site: every link and anchor resolves"; fi
if links_ok "$A"; then ok "single file: every anchor resolves"; else not_ok "single file: every anchor resolves"; fi
# The checker itself must catch a broken anchor and an off-site asset.
printf '<!DOCTYPE html><title>x</title><a href="#nowhere">x</a><script src="https://cdn.example/x.js"></script>\n' >"$BOOK/bad.html"
check "link checker catches a missing anchor and a CDN" test "$(python3 "$ROOT/tools/check-links" "$BOOK/bad.html" | wc -l)" -eq 2
check "stylesheet fetches nothing" lacks_re '@import|url\((https?:)?//' "$OUT/assets/litbook.css"

# The browser: headless Chromium renders the pages, runs the script, and
# reports no console message; every host name fails to resolve, so a page
# that reached for the network would log an error.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
render() { # FILE: the DOM after scripts ran in dom.html, the log in chrome.log
    local profile
    profile=$(mktemp -d)
    TMPS+=("$profile")
    timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --host-resolver-rules="MAP * ~NOTFOUND" --user-data-dir="$profile" \
        --enable-logging=stderr --v=0 --virtual-time-budget=2000 \
        --dump-dom "file://$1" >"$BOOK/dom.html" 2>"$BOOK/chrome.log"
}
no_console() { ! grep -qE 'CONSOLE|Uncaught|ERR_NAME_NOT_RESOLVED' "$BOOK/chrome.log"; }
if [ -z "$CHROMIUM" ]; then
    not_ok "chromium is installed (make deps installs it)"
else
    render "$OUT/index.html"
    check "chromium renders the front page" test -s "$BOOK/dom.html"
    check "front page: chapter list in the DOM" has '<a href="02-second.html">The second chapter</a>' "$BOOK/dom.html"
    check "front page: no console errors" no_console
    render "$P1"
    check "chromium renders a chapter" test -s "$BOOK/dom.html"
    check "chapter: sidebar lists both chapters" test "$(grep -c '<li[^>]*><a href="0[12]-' "$BOOK/dom.html")" -ge 2
    check "chapter: SVG figure in the DOM" has_re '<figure class="chart"><svg' "$BOOK/dom.html"
    check "chapter: verified output block in the DOM" has 'class="output stdout verified"' "$BOOK/dom.html"
    check "chapter: the script added copy buttons" has '<button type="button" class="copy"' "$BOOK/dom.html"
    check "chapter: no console errors" no_console
    render "$A"
    check "single file: its SVG figure in the DOM" has_re '<figure class="chart"><svg' "$BOOK/dom.html"
    check "single file: copy buttons from the inline script" has 'class="copy"' "$BOOK/dom.html"
    check "single file: no console errors" no_console
fi

done_testing
