#!/usr/bin/env bash
# Markdown fidelity (issue 19): what CommonMark and GFM render, litbook
# renders. Regressions for each item of the issue, then the differential
# test of tests/markdown/ (litbook against Debian's cmark-gfm).
. "$(dirname "$0")/lib.sh"

article() { sed -n '/<article/,/<\/article>/p' "$1"; }

# 1. Fences: no engine, no error; only fenced blocks are chunks; the info
# string decoded as CommonMark says; the language word escaped.
mkbook markdown/01-fences.md
lb build
check "fences: other tools' info strings build (exit 0)" rc_is 0
P=$BOOK/out/01-fences.html
check "fences: js title=... shown as a js listing" has '<section class="chunk chunk-js" id="chunk-1">' "$P"
check "fences: ruby startline=3 shown as a ruby listing" has '<code class="language-ruby">puts 1' "$P"
check "fences: knitr's {r} shown as cmark names it" has '<code class="language-{r}">1 + 1' "$P"
check "fences: indented code holding a fence is text" has '<pre><code>```c' "$P"
check "fences: ... and never compiled" lacks 'badge' "$P"
check "fences: no attribute injected by the language word" lacks 'onclick="' "$P"
check "fences: the quote escaped in class and label" has '<span class="lang">a&quot;onclick=&quot;alert(1)</span>' "$P"
check "fences: no markup from the language word" lacks '<b>x</b>' "$P"
check "fences: the markup escaped in the label" has '<span class="lang">&lt;b&gt;x&lt;/b&gt;</span>' "$P"
check "fences: backslash escape decoded (foo\\+bar is foo+bar)" has 'class="language-foo+bar"' "$P"
check "fences: entities decoded (&#99;&#x70;&#112; is cpp)" has 'class="language-cpp"' "$P"

mkbook markdown/03-badattr.md
lb build
check "fences: a bad attribute of a real chunk is still an error (exit 2)" rc_is 2
check "fences: its column is the file's, inside a quote" has 'chapters/03-badattr.md:3:12: error: bad value' "$BOOK/err.log"
check "fences: entities in the language choose the engine; column as written" \
    has "chapters/03-badattr.md:7:14: error: unknown option 'bogus' for a c chunk" "$BOOK/err.log"

# 2. Headings keep their raw HTML and links; the contents box goes under
# the title heading, not into the first </h1> of a list item or raw <div>.
mkbook markdown/02-headings.md
lb build
check "headings: the book builds" rc_is 0
P=$BOOK/out/02-headings.html
check "headings: raw HTML kept" has_re '<h2 id="version-2">.*Version <small>2</small></h2>' "$P"
check "headings: a link keeps its URL" has 'See <a href="https://spec.commonmark.org/0.30/">the spec</a></h2>' "$P"
check "headings: an inline value kept beside them" has_re '<h2 id="[^"]*">.*<span class="lb-value"[^>]*>4.2x</span> measured</h2>' "$P"
check "contents: right after the title heading" \
    has_re '<h1 id="the-title">.*The Title</h1>$' <(article "$P" | grep -B1 '<nav class="page-toc"')
check "contents: not inside the list item" \
    has_re '^</li>$' <(article "$P" | grep -A1 '<h1>Not the title</h1>')
check "contents: the raw <div> keeps its h1 and its end" \
    has_re '^<h1>Nor this one</h1>$' <(article "$P" | grep -A1 '<div class="note">')
check "contents: once" test "$(grep -c '<nav class="page-toc"' "$P")" -eq 1
lb publish
check "contents: in the single file too, under the title" \
    has_re 'The Title</h1>$' <(grep -B1 '<nav class="page-toc"' "$BOOK/out/answer-book.html")

# 3. Unique heading ids in linear time: 8,000 equal headings against 1,000,
# measured in the same run (quadratic would be 64 times, linear 8).
heading_book() {
    mkbook
    { echo "# Same"; for _ in $(seq "$1"); do printf '\n## Same\n'; done; } >"$BOOK/chapters/01-same.md"
    lb build -q
}
heading_book 1000
T1=$SECS
check "ids: 1,000 equal headings build" rc_is 0
heading_book 8000
T8=$SECS
check "ids: 8,000 equal headings build" rc_is 0
P=$BOOK/out/01-same.html
check "ids: all distinct" test -z "$(grep -o 'id="same[-0-9]*"' "$P" | sort | uniq -d)"
check "ids: numbered up to same-8001" has 'id="same-8001"' "$P"
echo "# 1,000 headings: $T1 s, 8,000: $T8 s"
check "ids: 8x the headings take under 16x the time" test "$(echo "$T8 < 16 * $T1" | bc)" -eq 1

# 4 and 5. The differential test: every corpus file rendered by litbook and
# by libcmark-gfm alone (build/tools/cmark-ref, footnotes on), identical
# once litbook's documented decorations are gone.
while IFS= read -r line; do
    case $line in
    "ok "* | "not ok "*) check "${line#* - }" test "${line%% *}" = ok ;;
    *) echo "# $line" ;;
    esac
done < <(LITBOOK=$LITBOOK "$ROOT/tests/markdown/diff.sh" "$ROOT"/tests/markdown/corpus/*.md 2>&1)

# 6. A short run of the differential fuzzer (make fuzz-markdown runs it
# longer): random documents of a fixed seed, each rendered by this litbook
# and by the reference. MD_FUZZ_SECONDS bounds it (20 s in make check).
FOUND=$(mktemp -d /tmp/litbook-mdfound.XXXXXX)
TMPS+=("$FOUND")
while IFS= read -r line; do
    case $line in
    "ok "* | "not ok "*) check "${line#* - }" test "${line%% *}" = ok ;;
    *) echo "$line" ;;
    esac
done < <(python3 "$ROOT/tests/markdown/fuzz.py" --seconds "${MD_FUZZ_SECONDS:-20}" --seed 19 \
    --minimise 20 --max-found 3 --found "$FOUND" "$LITBOOK" 2>&1)

echo "1..$TESTS_RUN"
