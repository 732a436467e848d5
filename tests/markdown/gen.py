#!/usr/bin/env python3
"""A grammar of random Markdown for the differential fuzzer (issue 19).

Doc(seed) gives one document: every block and inline construct of
CommonMark and of the GFM extensions litbook enables (tables,
strikethrough, autolinks, task lists, footnotes), nested in every
container (list items, block quotes, raw HTML blocks), fences of every
length and kind, chunks with attribute groups, and CRLF and tab variants.
The same seed always gives the same document.

What is left out is litbook's own syntax, which the differential test
leaves out too (docs/book-format.md, "What litbook adds to the Markdown"):
`$` (math), `@name` references, `{=...}` values, a heading's `{#name}`,
links to .md files, local images, `output` and `math` fences, front
matter, chunks that would run (an engine's fence always has eval=false),
and the fence languages of engines that may come (cpp, sh).

usage: gen.py SEED  (the document on stdout)"""
import html
import random
import re
import sys

WORDS = ["alpha", "beta", "gamma", "delta", "foo", "bar", "baz", "qux", "x", "a1",
         "naïve", "straße", "日本語", "😀", "end.", "(paren)", "it's", "\"quoted\"",
         "snake_case_word", "a*b*c", "2*3", "x_y_z", "1.5", "10)", "--", "..."]
PUNCT = list("*_~[]()<>!&\\#`'\".,:;-+=|^/") + ["@ ", " @ ", "@1", "x@", "@@", "a@b", "**", "__", "~~", "\\*", "\\_", "\\\\",
                                                   "\\`", "\\[", "&amp;", "<", ">"]
URLS = ["https://example.org/", "https://example.org/a_b?c=d&e=f", "http://example.com/x.html",
        "https://example.org/&amp;?x=&quot;y", "https://example.org/readme.md", "notes.md#x",
        "data:text/plain,hi", "https://example.org/a\\b\\)", "https://例え.jp/ü",
        "/rel/path", "other.html#frag", "#local", "mailto:someone@example.org",
        "https://example.org/a(b)c", "<https://example.org/with space>", "", "javascript:alert(1)"]
TITLES = ['"a title"', "'single'", "(paren title)", '"with \\" quote"', '"&amp; entity"']
ENTITIES = ["&amp;", "&lt;", "&copy;", "&#35;", "&#x1F600;", "&#0;", "&bogus;", "&nbsp;",
            "&ouml;", "&#X22;", "&#12345678;", "&AMP"]
INLINE_HTML = ['<span title="t">', "</span>", "<b>", "</b>", "<br/>", "<!-- a comment -->",
               "<?pi x ?>", "<![CDATA[ x ]]>", "<!DECL x>", '<a href="https://example.org/">',
               "</a>", "<em class='c'>", "<kbd>", "</kbd>", "<x-custom attr>", "<not a tag"]
HTML_BLOCK_TAGS = ["div", "details", "table", "section", "p", "ul", "blockquote", "pre",
                   "script", "style", "textarea", "custom-el"]
# Fence languages with no engine (displayed only, whatever the info string).
PLAIN_LANGS = ["js", "ruby", "text", "console", "rust", "go", "haskell", "{r}", "foo\\+bar",
               "a&amp;b", "x-y", "py3", "c#", "<b>x</b>", 'a"q', "日本"]
# Engines: a chunk is always eval=false, so nothing runs.
ENGINE_LANGS = ["c", "python", "&#99;", "pyth&#111;n"]
ENGINE_ATTRS = ['timeout=5', 'args="a b"', 'stdin="x\\ny"', "echo=true", "exit=3",
                ".cls", ".other-class", 'cflags="-O0"']


class Doc:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.refs = []       # reference labels defined (or to be defined)
        self.notes = []      # footnote labels
        self.chunks = 0      # for unique chunk names

    # --- small pieces ---------------------------------------------------
    def pick(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    def label(self, kind):
        pool = self.refs if kind == "ref" else self.notes
        if pool and self.chance(0.7):
            return self.pick(pool)
        name = self.pick(["r", "Ref", "a b", "note", "1", "x*y", "ünï", "Foo Bar", "ẞ", "SS", "a\\]b",
                          "  spaced  "])
        name += str(self.r.randint(1, 4))
        pool.append(name)
        return name

    def words(self, n=None):
        n = n if n is not None else self.r.randint(1, 4)
        return " ".join(self.pick(WORDS) for _ in range(n))

    # --- inlines ----------------------------------------------------------
    def inline(self, depth=0, newlines=True):
        parts = []
        for _ in range(self.r.randint(1, 6)):
            parts.append(self.atom(depth, newlines))
            parts.append(self.pick([" ", " ", "", "  "]))
        return "".join(parts).strip(" ") or "text"

    def atom(self, depth, newlines):
        k = self.r.randint(0, 21 if depth < 2 else 5)
        r = self.r
        if k <= 2:
            return self.words()
        if k == 3:
            return self.pick(PUNCT) + (self.words(1) if self.chance(0.5) else "")
        if k == 4:
            return self.pick(ENTITIES)
        if k == 5:
            ticks = "`" * r.randint(1, 3)
            body = self.pick([self.words(), " " + self.words() + " ", "a ` b", "``x``", " ",
                              "*not em*", "<b>"])
            return ticks + body + (ticks if self.chance(0.9) else "")
        sub = lambda: self.inline(depth + 1, newlines)  # noqa: E731
        if k == 6:
            d = self.pick(["*", "_", "**", "__", "***", "~", "~~", "****", "___"])
            return d + sub() + (d if self.chance(0.85) else self.pick(["*", "_", "~"]))
        if k == 7:
            return "[" + sub() + "](" + self.pick(URLS) + (" " + self.pick(TITLES) if self.chance(0.3) else "") + ")"
        if k == 8:
            return self.pick(["[" + sub() + "][" + self.label("ref") + "]",
                              "[" + self.label("ref") + "][]", "[" + self.label("ref") + "]"])
        if k == 9:
            src = self.pick(["https://example.org/i.png", "//example.org/p.png", "data:image/gif;base64,R0lG",
                             "HTTPS://EXAMPLE.ORG/U.PNG", "https://example.org/i.png?x=1#y"])
            return "![" + sub() + "](" + src + (' "t")' if self.chance(0.5) else ")")
        if k == 10:
            return self.pick(["<https://example.org/a?b>", "<mailto:a@example.org>",
                              "<someone@example.org>", "<http://x.y/ z>", "<irc://host/chan>"])
        if k == 11:
            return self.pick(["www.example.com", "www.example.com/path_(x)", "a+b_c@example.org",
                              "https://example.org/~~x~~", "www.commonmark.org/a.b<c", "ftp://no.example", "https://example.org/a.",
                              "http://example.org/a_b_", "someone@example.net", "a.b-c_d@x.y.z.",
                              "(www.example.com)", "https://example.org/?q=a&amp;b", "www.x.y<b>"])
        if k == 12:
            return self.pick(INLINE_HTML)
        if k == 13:
            return "[^" + self.label("note") + "]"
        if k == 14 and newlines:
            return self.pick(["  \n", "\\\n", "\n", "\n", " \n"]) + self.words()
        if k == 15:
            return "~~" + sub() + "~~"
        if k == 16:
            return "<" + self.pick(["span", "b", "i"]) + ">" + sub() + "</" + self.pick(["span", "b", "i"]) + ">"
        if k == 17:
            return "[" + sub() + "](<" + self.pick(["a b", "x)y", "a<b"]) + ">)"
        if k == 18:
            return "\\" + self.pick(list("!\"#%&'()*+,-./:;<=>?[\\]^_`|~a"))
        if k == 19:
            return "[" + self.words() + "]" + self.pick(["", "(", "[]", ": x"])
        return self.words()

    # --- blocks -----------------------------------------------------------
    def blocks(self, depth, n=None):
        out = []
        for _ in range(n if n is not None else self.r.randint(1, 4)):
            if out:
                out += [""] * self.pick([0, 1, 1, 1, 2])
            out += self.block(depth)
        return out

    def block(self, depth):
        kinds = ["para", "para", "atx", "setext", "hr", "indented", "fence", "fence", "html",
                 "refdef", "table", "note"]
        if depth < 3:
            kinds += ["quote", "list", "list", "tasks", "htmlwrap"]
        return getattr(self, "b_" + self.pick(kinds))(depth)

    def b_para(self, depth):
        return (self.pick(["", " ", "  ", "   "]) + self.inline()).split("\n")

    def b_atx(self, depth):
        level = "#" * self.r.randint(1, 7 if self.chance(0.1) else 6)
        close = self.pick(["", "", " #", " ###", " #\\#", "#"])
        text = self.inline(newlines=False) if self.chance(0.7) else self.pick(
            ["", "Same", "Same", "Same 2", "same-2", "fn-1", "chunk-1", "<small>v2</small> Same",
             "[Same](https://example.org/)", "`code` Same", "Ünïcödé Same", "1. Same", "*"])
        return [self.pick(["", "", " ", "   "]) + level + self.pick([" ", " ", "\t", "  "]) + text + close]

    def b_setext(self, depth):
        return self.inline().split("\n") + [self.pick(["", " "]) + self.pick(["=", "-"]) * self.r.randint(1, 5)
                                            + self.pick(["", " ", " x"])]

    def b_hr(self, depth):
        c = self.pick(["*", "-", "_"])
        sep = self.pick(["", " ", "  "])
        return [self.pick(["", " ", "   "]) + sep.join(c * self.r.randint(3, 5))]

    def b_indented(self, depth):
        lines = [self.pick(["    ", "     ", "\t"]) + self.pick([self.words(), "```js", "~~~", "# not a heading", "<div>", "  x"])
                 for _ in range(self.r.randint(1, 3))]
        if self.chance(0.3):
            lines.insert(1, "")
        return lines

    def info(self):
        if self.chance(0.2):
            self.chunks += 1
            attrs = ["#ch" + str(self.chunks)] if self.chance(0.6) else []
            lang = self.pick(ENGINE_LANGS)
            pool = ENGINE_ATTRS if lang in ("c", "&#99;") else [a for a in ENGINE_ATTRS if "cflags" not in a]
            attrs += self.r.sample(pool, self.r.randint(0, 2)) + ["eval=false"]
            self.r.shuffle(attrs)
            return lang + self.pick([" ", "  "]) + "{" + " ".join(attrs) + "}"
        lang = self.pick(PLAIN_LANGS + [""])
        self.chunks += 1  # a name, even of a listing, is unique in its chapter
        rest = self.pick(["", "", ' title="app.js"', " startline=3", " {.x #y%d}" % self.chunks,
                          " extra words", "{a=b}"])
        return self.pick(["", " "]) + lang + rest

    def b_fence(self, depth):
        ch = self.pick(["`", "~"])
        n = self.r.randint(3, 6)
        indent = self.pick(["", "", " ", "  ", "   "])
        info = self.info()
        if ch == "`":
            info = info.replace("`", "")
        body = []
        for _ in range(self.r.randint(0, 4)):
            body.append(self.pick(["", "  " + self.words(), self.words(), ch * (n - 1), "\tint x;",
                                   "<div>", "*not em*", "&amp;", "```", "~~~", ch * n + " not a close"]))
        close = indent[: self.r.randint(0, len(indent))] + ch * (n + self.r.randint(0, 2)) + self.pick(["", " ", "  "])
        lines = [indent + ch * n + info] + [indent + b if b else b for b in body]
        if self.chance(0.9):
            lines.append(close)
        return lines

    def b_html(self, depth):
        k = self.r.randint(0, 6)
        if k == 0:
            t = self.pick(["script", "pre", "style", "textarea"])
            return ["<" + t + ">", self.words(), "", "*still raw*", "</" + t + ">" + self.pick(["", " after"])]
        if k == 1:
            return ["<!-- " + self.words(), "", self.words() + " -->"]
        if k == 2:
            return ["<?php echo 1; ?>"]
        if k == 3:
            return ["<!DOCTYPE html>"]
        if k == 4:
            return ["<![CDATA[", self.words(), "]]>"]
        if k == 5:
            t = self.pick(HTML_BLOCK_TAGS)
            return ["<" + t + self.pick(["", ' class="c"', " /"]) + ">", "*" + self.words() + "*", "</" + t + ">"]
        if self.chance(0.5):
            return ["<div>", "<h1>" + self.words() + "</h1>", "<h2 id=\"x\">" + self.words() + "</h2>",
                    "</div>"]
        return [self.pick(["<custom-el>", "<a href='x'>", "</span>", "<h1>", "<table><tr><td>"]),
                self.inline(newlines=False)]

    def b_refdef(self, depth):
        title = [" " + self.pick(TITLES), "\n" + self.pick(TITLES), ""][self.r.randint(0, 2)]
        url = self.pick(URLS) or "<>"
        return (self.pick(["", " ", "   "]) + "[" + self.label("ref") + "]:" + self.pick([" ", "\n", "  "]) + url + title).split("\n")

    def b_note(self, depth):
        lines = ["[^" + self.label("note") + "]: " + self.inline(newlines=False)]
        if self.chance(0.4):
            lines += ["", "    " + self.inline(newlines=False)]
        if self.chance(0.2):
            lines += ["", "    ```", "    " + self.words(), "    ```"]
        return lines

    def cell(self):
        if self.chance(0.35):  # numbers: litbook lines them up on their point
            return self.pick(["12.5", "3", "-1.25", "1e3", "1,000", "50%", "0x1F", " 7 ", "3.14159",
                              "-0", "+2.", ".5", "1 000", "12.5 s", "NaN", "**4.2**", "`1.0`"])
        c = self.inline(newlines=False) if self.chance(0.8) else ""
        return self.pick([c, c, c.replace("|", "\\|"), "`a|b`", "a \\| b", " "]).replace("\n", " ")

    def b_table(self, depth):
        ncol = self.r.randint(1, 4)
        lead = self.chance(0.7)
        trail = self.chance(0.7)

        def row(cells):
            s = " | ".join(cells)
            return ("| " if lead else "") + s + (" |" if trail else "")

        delim = [self.pick(["---", ":--", "--:", ":-:", "-", "--x", ":"]) for _ in range(ncol)]
        lines = [row([self.cell() for _ in range(ncol)]), row(delim)]
        for _ in range(self.r.randint(0, 3)):
            lines.append(row([self.cell() for _ in range(ncol + self.r.randint(-1, 1))]))
        if self.chance(0.3):
            lines.append(self.pick(["not a row", "> quote after", "- list after", "", "| x"]))
        return lines

    def b_quote(self, depth):
        inner = self.blocks(depth + 1)
        out = []
        for i, line in enumerate(inner):
            lazy = i > 0 and line and self.chance(0.1)
            out.append(line if lazy else self.pick([">", "> ", " > ", ">  "]) + line if line
                       else self.pick([">", "", "> "]) if i else ">")
        return out

    def item(self, marker, depth, task=False):
        k = self.r.randint(0, 9)
        if k == 0 and not task:
            return [marker]  # an empty item
        if k == 1 and not task:  # starts with a blank line
            return [marker, " " * (len(marker) + 1) + self.words()]
        if k == 2 and not task:  # indented code right after the marker
            return [marker + "     " + self.words(), " " * (len(marker) + 5) + self.words()]
        inner = self.blocks(depth + 1, self.r.randint(1, 3)) if k > 4 else self.inline().split("\n")
        if task:
            inner[0] = self.pick(["[ ] ", "[x] ", "[X] ", "[ ]", "[y] "]) + inner[0]
        pad = " " * self.r.randint(1, 4 if self.chance(0.2) else 1)
        width = len(marker) + len(pad)
        out = []
        for i, line in enumerate(inner):
            if i == 0:
                out.append(marker + pad + line if line else marker)
            elif not line:
                out.append("")
            else:
                under = self.chance(0.05)
                out.append((" " * (width - 1 if under else width)) + line)
        return out

    def marker(self, i, start):
        return self.pick([["-"], ["+"], ["*"], [str(start + i) + "."], [str(start + i) + ")"]])[0]

    def b_list(self, depth, task=False):
        kind = self.r.randint(0, 4)
        start = self.pick([1, 1, 0, 3, 9, 123456789])
        out = []
        for i in range(self.r.randint(1, 4)):
            m = ["-", "+", "*", str(start + i) + ".", str(start + i) + ")"][kind]
            if self.chance(0.05):
                m = self.marker(i, start)  # a marker change starts a new list
            if out and self.chance(0.3):
                out.append("")
            out += self.item(self.pick(["", "", " ", "  "]) + m if i == 0 else m, depth, task)
        return out

    def b_tasks(self, depth):
        return self.b_list(depth, task=True)

    def b_htmlwrap(self, depth):
        t = self.pick(["div", "details", "section", "blockquote", "aside"])
        gap = self.chance(0.85)
        return (["<" + t + self.pick(["", ' class="note"', "><summary>S</summary"]) + ">"] + ([""] if gap else [])
                + self.blocks(depth + 1) + ([""] if gap else []) + ["</" + t + ">"])

    # --- the document -------------------------------------------------------
    def text(self):
        lines = []
        if self.chance(0.6):
            lines += ["# " + self.words(), ""]
        lines += self.blocks(0, self.r.randint(2, 10))
        # Definitions for some of the labels used (the others stay text).
        for lab in self.refs:
            if self.chance(0.6):
                lines += ["", "[" + lab + "]: " + (self.pick(URLS) or "<>")]
        for lab in self.notes:
            if self.chance(0.7):
                lines += ["", "[^" + lab + "]: " + self.words()]
        # Front matter is litbook's: never a thematic break first.
        while lines and lines[0].strip(" ").startswith(("---", "...")):
            lines.pop(0)
        return self.variant(lines)

    def variant(self, lines):
        k = self.r.randint(0, 5)
        if k == 0:  # tabs for indentation
            lines = [l.replace("    ", "\t") if self.chance(0.7) else l.replace("  ", " \t", 1) for l in lines]
        ends = ["\n"] * len(lines)
        if k == 1:
            ends = ["\r\n"] * len(lines)
        elif k == 2:
            ends = [self.pick(["\n", "\r\n", "\r"]) for _ in lines]
        text = "".join(l + e for l, e in zip(lines, ends))
        if self.chance(0.1):
            text = text.rstrip("\r\n")  # no final newline
        if self.chance(0.05):
            text = "\ufeff" + text  # a byte order mark, which CommonMark ignores
        if self.chance(0.05):  # NUL, which CommonMark reads as U+FFFD
            at = self.r.randint(0, len(text))
            text = text[:at] + "\0" + text[at:]
        return text


# litbook's own syntax, which a minimised document must not gain by losing
# characters: a fence of an engine without eval=false or with its group
# glued to the word, an @reference (an @ and a letter, with no letter,
# digit, '.' or '@' before it: "`code`@name" is one), a value, a heading's {#name}, math, a
# thematic break first (front matter).
_ENGINE_FENCE = re.compile(r"(?:`{3,}|~{3,})[ \t]*(?:c|python|gnuplot)(?:[^\w+#-]|$)(.*)", re.M)
_OUT_OF_SCOPE = re.compile(r"(?<![A-Za-z0-9.@])@[A-Za-z]|\{=|^[ \t>]*#.*\{#|\$|(?:`{3,}|~{3,})[ \t]*(?:output|math)\b")


def in_scope(text):
    """Whether text holds only what the differential test compares."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _OUT_OF_SCOPE.search(text):
        return False
    for m in _ENGINE_FENCE.finditer(html.unescape(text)):
        if "\0" in m.group(0):  # a NUL in a chunk's group is an input error
            return False
        if not re.match(r"[ \t]*\{[^{}]*\beval=false\b[^{}]*\}[ \t]*$", m.group(1)) or \
                m.group(0).lstrip("`~ \t").startswith(("c{", "python{", "gnuplot{")):
            return False
    first = text.lstrip("\n").split("\n", 1)[0].strip(" ")
    return not first.startswith(("---", "..."))


def generate(seed):
    return Doc(seed).text()


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1])))
