#!/usr/bin/env python3
"""Removes litbook's documented decorations from a chapter page
(docs/book-format.md, "What litbook adds to the Markdown"), leaving what
cmark-gfm itself renders: the differential test compares the rest.

usage: normalize.py PAGE.html  (the normalized article on stdout), or
       normalize(PAGE_TEXT) from Python (tests/markdown/fuzz.py)

Only the decorations are removed, each by its exact form; anything else
litbook changed stays, and shows in the diff."""
import re
import sys


# Code-block cards: the head (language label, name), the highlighting.
def _card(m):
    code = re.sub(r"</?span[^>]*>", "", m.group(2))
    return "<pre>" + m.group(1) + code + "</code></pre>\n"


# Tables: the scrolling wrapper, and the padding of numbers on their point.
# data-num-align lists the columns litbook right-aligned itself.
def _table(m):
    cols = {int(c) for c in (m.group(1) or "").split()}
    out, col = [], 0
    for line in m.group(2).splitlines(keepends=True):
        if line.startswith("<tr>"):
            col = 0
        elif line.startswith(("<th", "<td")):
            col += 1
            if col in cols:
                line = line.replace(' style="text-align: right"', "", 1)
        out.append(line)
    return "".join(out)


def normalize(page):
    """The article of a chapter page, its decorations removed."""
    start = page.index('<article class="chapter">\n') + len('<article class="chapter">\n')
    body = page[start:page.index("</article>\n<nav class=\"pager\"")]
    # The page's contents box.
    body = re.sub(r'<nav class="page-toc" aria-label="On this page">.*?</ol></nav>\n', "", body,
                  count=1, flags=re.S)
    # Heading ids, self links and section numbers.
    body = re.sub(r'<h([1-6]) id="[^"]*"><a class="anchor" href="#[^"]*" aria-hidden="true">#</a>'
                  r'(?:<span class="secno">[^<]*</span> )?', r"<h\1>", body)
    body = re.sub(r'<section class="chunk [^"]*" id="[^"]*">\n<div class="chunk-head">.*?</div>\n'
                  r'<pre class="code">(<code[^>]*>)(.*?)</code></pre>\n</section>\n', _card, body,
                  flags=re.S)
    body = re.sub(r'<div class="table-wrap"(?: data-num-align="([0-9 ]*)")?>\n(<table>.*?</table>\n)'
                  r'</div>\n', _table, body, flags=re.S)
    return re.sub(r'<span class="num">([^<]*)</span>',
                  lambda m: m.group(1).replace("\u2007", "").replace("\u2008", ""), body)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
        sys.stdout.write(normalize(f.read()))
