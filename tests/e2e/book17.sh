#!/usr/bin/env bash
# The book (issue 17): GitHub Flavored Markdown through libcmark-gfm,
# configuration, cross-references, images, math, search and the PDF.
. "$(dirname "$0")/lib.sh"

# Valid HTML5 as tidy sees it (its one known false complaint dropped, as
# in publish.sh).
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

done_testing
