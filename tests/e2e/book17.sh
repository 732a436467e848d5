#!/usr/bin/env bash
# The book (issue 17): GitHub Flavored Markdown through libcmark-gfm,
# configuration, cross-references, images, math, search and the PDF.
. "$(dirname "$0")/lib.sh"

# Valid HTML5 as tidy sees it (its one known false complaint dropped, as
# in publish.sh).
lacks_console() { ! grep -E 'CONSOLE|Uncaught' "$BOOK/console.log"; }
tidy_clean() {
    local msgs
    msgs=$(tidy -q -e --show-warnings yes "$1" 2>&1 | grep -v 'proprietary attribute "aria-current"')
    [ -z "$msgs" ]
}

mkbook book17/01-gfm.md
OUT=$BOOK/out
lb build
check "a GFM book builds" rc_is 0
P=$OUT/01-gfm.html
check "table: header cells" has '<th style="text-align: left">what</th>' "$P"
check "table: numeric column right-aligned" has '<th style="text-align: right">time</th>' "$P"
check "table: centred column" has '<td style="text-align: center"><del>slow</del></td>' "$P"
FS=$(printf '\342\200\207')
check "table: numbers padded on the decimal point" has "<span class=\"num\">12.5 ms$FS</span>" "$P"
check "table: escaped pipe stays in its cell" has '<td style="text-align: left">pipe | escaped</td>' "$P"
check "table: inline value inside a cell" has '<td style="text-align: center"><span class="lb-value" title="measured by chunk speed">4.2x</span></td>' "$P"
check "heading: inline value kept" has_re '<h2 id="[^"]*">.*<span class="lb-value"[^>]*>4.2x</span></h2>' "$P"
check "footnote reference" has '<sup class="footnote-ref"><a href="#fn-side" id="fnref-side" data-footnote-ref>1</a></sup>' "$P"
check "footnotes section" has '<section class="footnotes" data-footnotes>' "$P"
check "footnote text" has 'A side remark, at the foot of the page.' "$P"
check "strikethrough" has '<del>through</del>' "$P"
check "autolink (URL)" has '<a href="https://example.org/gfm">https://example.org/gfm</a>' "$P"
check "autolink (www)" has '<a href="http://www.example.com">www.example.com</a>' "$P"
check "autolink (mail)" has '<a href="mailto:someone@example.net">someone@example.net</a>' "$P"
check "task list: done item" has '<input type="checkbox" checked="" disabled="" /> a task that is done' "$P"
check "task list: open item" has '<input type="checkbox" disabled="" /> a task still open' "$P"
check "no hand-made table markup left" lacks '<table class="md">' "$P"
check "tidy: the GFM page is valid HTML5" tidy_clean "$P"

# Configuration: the front matter of index.md and of a chapter.
mkbook book17/index.md book17/01-gfm.md book17/02-config.md
OUT=$BOOK/out
lb publish
check "a configured book publishes" rc_is 0
check "no warning for known keys" lacks 'warning' "$BOOK/err.log"
I=$OUT/index.html
C=$OUT/02-config.html
check "title from the front matter in the sidebar" has '<a class="book-title" href="index.html">A book: configured</a>' "$I"
check "title in the page titles" has '<title>A title from the front matter · A book: configured</title>' "$C"
check "lang on every page" has '<html lang="fr">' "$C"
check "author in the sidebar" has '<div class="book-author">Ada Writer</div>' "$C"
check "author as a meta" has '<meta name="author" content="Ada Writer">' "$I"
check "description as a meta, escaped" has '<meta name="description" content="A fixture book for issue 17 &lt;with angle brackets&gt;.">' "$I"
check "repository link in the sidebar" has '<a class="book-repo" href="https://example.org/repo.git">' "$C"
check "toc-title heads the front page's list" has '<h2 id="toc">Les chapitres</h2>' "$I"
check "a chapter's front matter title in the sidebar" has '>A title from the front matter</a></li>' "$I"
check "front matter is not rendered as Markdown" lacks 'title: A title' "$C"
check "output-file names the single file" test -s "$OUT/configured.html"
check "no answer-book.html when output-file is set" test ! -e "$OUT/answer-book.html"
check "the single file has the title and lang" has '<html lang="fr">' "$OUT/configured.html"
check "the single file's toc-title" has '>Les chapitres</h2>' "$OUT/configured.html"

# An unknown key warns, with a suggestion; a book key in a chapter warns.
printf -- '---\nauthr: Someone\n---\n# Front\n' >"$BOOK/chapters/index.md"
printf -- '---\ntitle: Own\nlang: de\n---\n# Config\n' >"$BOOK/chapters/02-config.md"
lb build
check "unknown key: still builds" rc_is 0
check "unknown key: warning with did you mean" has "chapters/index.md:2:1: warning: unknown front matter key 'authr' (did you mean 'author'?); ignored" "$BOOK/err.log"
check "book key in a chapter: warning" has "chapters/02-config.md:3:1: warning: 'lang' is a setting of the whole book" "$BOOK/err.log"
check "default lang is en" has '<html lang="en">' "$OUT/index.html"
check "default toc-title" has '<h2 id="toc">Contents</h2>' "$OUT/index.html"
check "without a title key, the front page's heading is the title" has '<a class="book-title" href="index.html">Front</a>' "$OUT/index.html"

# Bad YAML and bad values are input errors at their line.
printf -- '---\ntitle: [unclosed\n---\n# Front\n' >"$BOOK/chapters/index.md"
lb build
check "bad YAML: exit 2" rc_is 2
check "bad YAML: error at its line" has_re '^chapters/index.md:[23]:[0-9]+: error: the front matter is not valid YAML' "$BOOK/err.log"
printf -- '---\ntitle:\n  - a\n  - b\n---\n# Front\n' >"$BOOK/chapters/index.md"
lb build
check "a list for title: exit 2" rc_is 2
check "a list for title: error at the value" has "chapters/index.md:3:3: error: 'title' takes one line of text" "$BOOK/err.log"
printf -- '---\noutput-file: ../escape.html\n---\n# Front\n' >"$BOOK/chapters/index.md"
lb build
check "output-file outside out/: exit 2" rc_is 2
check "output-file outside out/: says why" has "error: 'output-file: ../escape.html' is not usable" "$BOOK/err.log"
# A chapter's line numbers are the file's, front matter included.
printf -- '---\ntitle: T\n---\n# Front\n\nsee `{=nochunk.key}`\n' >"$BOOK/chapters/index.md"
lb build
check "line numbers count the front matter" has "chapters/index.md:6:6: error:" "$BOOK/err.log"

# Cross-references and links between chapters.
mkbook book17/01-gfm.md book17/02-config.md book17/03-xref.md
OUT=$BOOK/out
lb publish
check "a book with references publishes" rc_is 0
X=$OUT/03-xref.html
check "@fig- is a numbered figure link" has '<a class="xref" href="#fig-squares">Figure 3.1</a>' "$X"
check "@chunk is a numbered listing link" has '<a class="xref" href="#squares">Listing 3.1</a>' "$X"
check "@heading {#id} is a numbered section link" has '<a class="xref" href="#sec-method">Section 3.1</a>' "$X"
check "subsections numbered" has '<a class="xref" href="#a-subsection">Section 3.1.1</a>' "$X"
check "a listing in another chapter" has '<a class="xref" href="01-gfm.html#speed">Listing 1.1</a>' "$X"
check "the figure's caption carries its number" has '<figcaption><span class="fig-label">Figure 3.1:</span> Squares</figcaption>' "$X"
check "the listing's head carries its number" has '<span class="listing-label">Listing 3.1</span>' "$X"
check "the heading shows its number" has '<span class="secno">3.1</span> Method</h2>' "$X"
check "explicit heading id, braces gone" lacks '{#sec-method}' "$X"
check "link to a chapter's .md goes to its page" has '<a href="01-gfm.html">the GFM chapter</a>' "$X"
check "link to a chapter's .md#anchor goes to the anchor" has '<a href="01-gfm.html#a-heading-with-a-value-speed-ratio">its heading</a>' "$X"
check "@ in a code span left alone" has '<code>@fig-squares</code>' "$X"
check "@ in an e-mail address left alone" has '<a href="mailto:someone@example.net">someone@example.net</a>' "$X"
check "a lone @ left alone" has 'a @ b, and' "$X"
check "@ in a URL left alone" has '<a href="https://example.org/@fig-squares">https://example.org/@fig-squares</a>' "$X"
S=$OUT/answer-book.html
check "single file: references point inside it" has '<a class="xref" href="#01-gfm--speed">Listing 1.1</a>' "$S"
check "single file: chapter links become anchors" has '<a href="#01-gfm--a-heading-with-a-value-speed-ratio">its heading</a>' "$S"
check "single file: same-chapter references" has '<a class="xref" href="#03-xref--fig-squares">Figure 3.1</a>' "$S"
check "tidy: the references page is valid HTML5" tidy_clean "$X"

# Unresolved references and broken chapter links are input errors at their line.
cp "$BOOK/chapters/03-xref.md" "$BOOK/good.md"
printf '\nSee @fig-sqares here.\n' >>"$BOOK/chapters/03-xref.md"
lb build
check "unresolved reference: exit 2" rc_is 2
check "unresolved reference: error at its line and column, did you mean" has "chapters/03-xref.md:24:5: error: unresolved reference '@fig-sqares': no figure, listing or section of the book has that name (did you mean '@fig-squares'?)" "$BOOK/err.log"
check "unresolved reference: nothing ran" lacks 'ran chapters' "$BOOK/err.log"
cp "$BOOK/good.md" "$BOOK/chapters/03-xref.md"
printf '\nSee [there](01-gfn.md).\n' >>"$BOOK/chapters/03-xref.md"
lb build
check "link to a missing chapter: exit 2" rc_is 2
check "link to a missing chapter: error, did you mean" has "chapters/03-xref.md:24:5: error: link to '01-gfn.md', which is not a chapter of the book (did you mean '01-gfm.md'?)" "$BOOK/err.log"
cp "$BOOK/good.md" "$BOOK/chapters/03-xref.md"
printf '\nSee [there](01-gfm.md#nowhere).\n' >>"$BOOK/chapters/03-xref.md"
lb build
check "link to a missing anchor: exit 2" rc_is 2
check "link to a missing anchor: error" has "chapters/03-xref.md:24:5: error: link to '01-gfm.md#nowhere': chapters/01-gfm.md has no heading or chunk with the anchor 'nowhere'" "$BOOK/err.log"
cp "$BOOK/good.md" "$BOOK/chapters/03-xref.md"
# A heading renamed in chapter 1 renumbers nothing, but a listing added
# before speed renumbers the reference in chapter 3 (its page is rebuilt).
sed -i 's/^```c {#speed}/```c {#first eval=false}\nint x;\n```\n\n```c {#speed}/' "$BOOK/chapters/01-gfm.md"
lb build
check "renumbered: build ok" rc_is 0
check "renumbered: the other chapter's page follows" has '<a class="xref" href="01-gfm.html#speed">Listing 1.2</a>' "$X"

# Images: copied into out/images/, inlined in the single file; a missing
# one is an error at its line.
mkbook book17/04-images.md book17/red.png
mkdir "$BOOK/chapters/img" && cp "$FIX/book17/img/box.svg" "$BOOK/chapters/img/"
OUT=$BOOK/out
lb publish
check "a book with images publishes" rc_is 0
G=$OUT/04-images.html
check "image copied into out/images" cmp "$FIX/book17/red.png" "$OUT/images/red.png"
check "image from a folder copied, flat name" cmp "$FIX/book17/img/box.svg" "$OUT/images/img-box.svg"
check "page points at the copy" has '<img src="images/red.png" alt="a red square" title="Red" />' "$G"
check "page points at the folder's copy" has '<img src="images/img-box.svg" alt="a blue box" />' "$G"
check "a remote image is left alone" has '<img src="https://example.org/x.png" alt="remote" />' "$G"
S=$OUT/answer-book.html
check "single file: PNG inlined as a data URI" has "<img src=\"data:image/png;base64,$(base64 -w0 "$FIX/book17/red.png")\"" "$S"
check "single file: SVG inlined as a data URI" has 'src="data:image/svg+xml;base64,' "$S"
check "single file: no link to out/images left" lacks 'src="images/' "$S"
printf '\nAnd a missing one: ![gone](nothere.png)\n' >>"$BOOK/chapters/04-images.md"
lb build
check "missing image: exit 2" rc_is 2
check "missing image: error at its line" has_re "^chapters/04-images.md:9:20: error: image 'nothere.png' not found" "$BOOK/err.log"

# Math: rendered by KaTeX at build time, one node per chapter, cached.
mkbook book17/05-math.md
OUT=$BOOK/out
mkdir "$BOOK/bin"
cat >"$BOOK/bin/node" <<EOS
#!/bin/sh
printf '%s\n' "\$2" | head -1 | grep katex >>"$BOOK/node.log"
exec $(command -v node) "\$@"
EOS
chmod +x "$BOOK/bin/node"
PATH="$BOOK/bin:$PATH" lb publish
check "a book with math publishes" rc_is 0
M=$OUT/05-math.html
check "one node process for the chapter's formulas" test "$(wc -l <"$BOOK/node.log")" -eq 1
check "inline math rendered to KaTeX HTML" has_re 'costs <span class="katex"><span class="katex-mathml"><math' "$M"
check "TeX kept whole (backslashes, braces, stars)" has '<annotation encoding="application/x-tex">\{x\}</annotation>' "$M"
check "stars in math are no emphasis" has '<annotation encoding="application/x-tex">a*b*c</annotation>' "$M"
check "display math" has '<span class="katex-display">' "$M"
check "a math block is display math" has '<div class="math-display"><span class="katex-display">' "$M"
check "a math block is no chunk" lacks 'chunk-math' "$M"
check "dollar amounts stay text" has 'Prices stay text: $5 and $10, an escaped $x$, and <code>$code$</code> in code.' "$M"
check "KaTeX stylesheet linked" has '<link rel="stylesheet" href="assets/katex/katex.css">' "$M"
check "KaTeX stylesheet copied" test -s "$OUT/assets/katex/katex.css"
check "KaTeX fonts copied" test -s "$OUT/assets/katex/fonts/KaTeX_Main-Regular.woff2"
check "no script needed for math" lacks 'katex.min.js' "$M"
check "formulas cached, one file each" test "$(ls "$OUT/.cache/math" | wc -l)" -eq 6
check "single file: KaTeX CSS inlined with its fonts" has "src:url(data:font/woff2;base64," "$OUT/answer-book.html"
check "single file: no link to the KaTeX stylesheet" lacks 'assets/katex' "$OUT/answer-book.html"
# KaTeX draws struts with empty spans, which tidy would trim (a matter of
# taste, not of validity): that one message is allowed on this page.
tidy_math() {
    local msgs
    msgs=$(tidy -q -e --show-warnings yes "$1" 2>&1 | grep -v 'proprietary attribute "aria-current"' | grep -v 'trimming empty <span>')
    [ -z "$msgs" ]
}
check "tidy: the math page is valid HTML5" tidy_math "$M"
: >"$BOOK/node.log"
sed -i 's/^A product/Another line.\n\nA product/' "$BOOK/chapters/05-math.md"
PATH="$BOOK/bin:$PATH" lb build
check "cached formulas: node not run again" test ! -s "$BOOK/node.log"
printf '\nA bad one: $\\frac{1}{$ here.\n' >>"$BOOK/chapters/05-math.md"
lb build
check "a formula KaTeX rejects: exit 2" rc_is 2
check "a formula KaTeX rejects: error at its line" has_re "^chapters/05-math.md:16:12: error: KaTeX rejects this formula: KaTeX parse error" "$BOOK/err.log"

# Search: an index made at build time (lunr), a box on every page; checked
# in headless Chromium from file:// (the page's ?q= types the words).
mkbook book17/01-gfm.md book17/03-xref.md book17/05-math.md
OUT=$BOOK/out
lb build
check "a book with search builds" rc_is 0
check "search index written" has 'window.LB_SEARCH = {"index":{"version":"2.3.9"' "$OUT/assets/search-index.js"
check "Debian's lunr copied" cmp /usr/share/javascript/lunr/lunr.min.js "$OUT/assets/lunr.js"
check "a search box on every page" test "$(grep -l '<form class="search" role="search"' "$OUT"/*.html | wc -l)" -eq 4
check "formulas are not indexed as text" lacks 'katex-mathml' "$OUT/assets/search-index.js"
search_dom() { # QUERY: the DOM of the front page after searching QUERY
    timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$BOOK/profile" --enable-logging=stderr --v=0 \
        --virtual-time-budget=5000 --dump-dom "file://$OUT/index.html?q=$1" \
        >"$BOOK/dom.html" 2>"$BOOK/console.log"
}
if command -v chromium >/dev/null; then
    search_dom footnote
    check "search: a word finds its chapter" has_re '<li><a href="01-gfm.html[#"][^>]*><span class="search-chapter">Markdown, GitHub style</span>' "$BOOK/dom.html"
    search_dom method
    check "search: the matching section is named" has '<a href="03-xref.html#sec-method"><span class="search-chapter">Cross-references</span><span class="search-section">2.1 Method</span>' "$BOOK/dom.html"
    check "search: the box is shown" lacks '<form class="search" role="search" action="index.html" hidden>' "$BOOK/dom.html"
    search_dom zzzqqq
    check "search: no match says so" has 'class="search-none">No match for' "$BOOK/dom.html"
    check "search: no error in the page's console" lacks_console
    python3 -m http.server 0 --bind 127.0.0.1 --directory "$OUT" >"$BOOK/http.log" 2>&1 &
    HTTP=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        PORT=$(grep -o 'port [0-9]*' "$BOOK/http.log" | grep -o '[0-9]*$') && [ -n "$PORT" ] && break
        sleep 0.3
    done
    timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$BOOK/profile" --virtual-time-budget=5000 \
        --dump-dom "http://127.0.0.1:$PORT/03-xref.html?q=footnote" >"$BOOK/dom.html" 2>/dev/null
    kill "$HTTP" 2>/dev/null
    check "search: works from a static server too" has '<span class="search-chapter">Markdown, GitHub style</span>' "$BOOK/dom.html"
else
    for t in "search: a word finds its chapter" "search: the matching section is named" \
        "search: the box is shown" "search: no match says so" "search: no error in the page's console" \
        "search: works from a static server too"; do
        ok "$t # skip chromium is not installed"
    done
fi

# A prose edit reaches the search without node (src/search.h): the build
# writes the documents, the page indexes them when first searched, and
# publish prebuilds the index again.
mkdir -p "$BOOK/bin"
cat >"$BOOK/bin/node" <<EOS
#!/bin/sh
echo "node \$*" | head -c 60 >>"$BOOK/search-node.log"
exec $(command -v node) "\$@"
EOS
chmod +x "$BOOK/bin/node"
: >"$BOOK/search-node.log"
sed -i 's/^# Cross-references$/&\n\nA prose line about the quokkaword, added while writing./' "$BOOK/chapters/03-xref.md"
sed -i 's/^# Math$/&\n\nA prose line above the formulas, none of them new./' "$BOOK/chapters/05-math.md"
PATH="$BOOK/bin:$PATH" lb build
check "search after a prose edit: the build succeeds" rc_is 0
check "search after a prose edit: no node started (neither lunr nor KaTeX)" test ! -s "$BOOK/search-node.log"
check "search after a prose edit: the math page has the line" has 'A prose line above the formulas' "$OUT/05-math.html"
check "search after a prose edit: the documents are written" has '"build":[{"id":"01-gfm.html"' "$OUT/assets/search-index.js"
check "search after a prose edit: they hold the new line" has 'A prose line about the quokkaword' "$OUT/assets/search-index.js"
check "search after a prose edit: with the function that indexes them" has 'window.LB_SEARCH_BUILD = function (lunr, docs)' "$OUT/assets/search-index.js"
if command -v chromium >/dev/null; then
    search_dom quokkaword
    check "search after a prose edit: the page indexes the documents and finds the word" has '<a href="03-xref.html"><span class="search-chapter">Cross-references</span>' "$BOOK/dom.html"
    check "search after a prose edit: no error in the page's console" lacks_console
else
    for t in "search after a prose edit: the page indexes the documents and finds the word" \
        "search after a prose edit: no error in the page's console"; do
        ok "$t # skip chromium is not installed"
    done
fi
: >"$BOOK/search-node.log"
PATH="$BOOK/bin:$PATH" lb build
check "search, a second build: nothing to remake, no node" test ! -s "$BOOK/search-node.log"
PATH="$BOOK/bin:$PATH" lb publish
check "search: publish prebuilds the index with node" has 'lunr' "$BOOK/search-node.log"
check "search: publish writes the prebuilt index" has 'window.LB_SEARCH = {"index":{"version":"2.3.9"' "$OUT/assets/search-index.js"
check "search: the prebuilt index has the new line" has 'quokkaword' "$OUT/assets/search-index.js"
if command -v chromium >/dev/null; then
    search_dom quokkaword
    check "search: the prebuilt index finds the new word" has '<a href="03-xref.html"><span class="search-chapter">Cross-references</span>' "$BOOK/dom.html"
else
    ok "search: the prebuilt index finds the new word # skip chromium is not installed"
fi
: >"$BOOK/search-node.log"
PATH="$BOOK/bin:$PATH" lb publish
check "search: publishing again, unchanged: no node" test ! -s "$BOOK/search-node.log"
PATH="$BOOK/bin:$PATH" lb build -k
check "search: pages made again (-k), the same documents: no node" test ! -s "$BOOK/search-node.log"
check "search: ... and the prebuilt index stays" has 'window.LB_SEARCH = {"index":{"version":"2.3.9"' "$OUT/assets/search-index.js"

# PDF: publish --pdf prints the single file with headless Chromium.
if command -v chromium >/dev/null && command -v pdftotext >/dev/null; then
    lb publish --pdf
    check "publish --pdf exits 0" rc_is 0
    check "the PDF is written beside the single file" test -s "$OUT/answer-book.pdf"
    pdftotext "$OUT/answer-book.pdf" "$BOOK/pdf.txt"
    check "the PDF holds the chapters" has 'Cross-references' "$BOOK/pdf.txt"
    check "the PDF has page numbers" has_re '^1 ?/ ?[0-9]+$' "$BOOK/pdf.txt"
    check "print styles: no search box or sidebar in the PDF" lacks 'Search the book' "$BOOK/pdf.txt"
    check "the figure is a vector (no raster image in the PDF)" test "$(pdfimages -list "$OUT/answer-book.pdf" | tail -n +3 | wc -l)" -eq 0
    T0=$(stat -c %Y "$OUT/answer-book.pdf")
    lb publish --pdf
    check "an unchanged book is not printed again" test "$(stat -c %Y "$OUT/answer-book.pdf")" = "$T0"
else
    for t in "publish --pdf exits 0" "the PDF is written beside the single file" "the PDF holds the chapters" \
        "the PDF has page numbers" "print styles: no search box or sidebar in the PDF" \
        "the figure is a vector (no raster image in the PDF)" "an unchanged book is not printed again"; do
        ok "$t # skip chromium or poppler-utils is not installed"
    done
fi
lb build --pdf
check "--pdf is for publish only: exit 2" rc_is 2

done_testing
