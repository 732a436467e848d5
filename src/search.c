#include "search.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsutil.h"
#include "node.h"
#include "spawn.h"

#define LUNR_JS "/usr/share/javascript/lunr/lunr.min.js"

static void put_json_str(lb_buf *b, const char *s, size_t n)
{
    lb_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            lb_buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            lb_buf_printf(b, "\\u%04x", c);
        else if (c == '<')
            lb_buf_puts(b, "\\u003c"); /* never "</script" in the output */
        else
            lb_buf_putc(b, (char)c);
    }
    lb_buf_putc(b, '"');
}

static int starts(const char *p, const char *s)
{
    return strncasecmp(p, s, strlen(s)) == 0;
}

/* The text of html[0, n): tags dropped, figures (svg), formulas (KaTeX's
 * spans), styles and scripts left out, a few entities decoded. */
static void html_text(const char *h, size_t n, lb_buf *out)
{
    static const char *const skip[][2] = {{"<a class=\"anchor\"", "</a>"},
                                          {"<svg", "</svg>"},
                                          {"<style", "</style>"},
                                          {"<script", "</script>"},
                                          {"<math", "</math>"}};
    int katex = 0; /* depth of <span> inside a KaTeX formula */
    for (size_t i = 0; i < n;) {
        const char *p = h + i;
        if (*p == '<') {
            size_t k = 0, nskip = sizeof skip / sizeof skip[0];
            while (k < nskip && !starts(p, skip[k][0]))
                k++;
            if (k < nskip) {
                const char *e = strstr(p, skip[k][1]);
                i = e ? (size_t)(e - h) + strlen(skip[k][1]) : n;
                continue;
            }
            if (starts(p, "<span class=\"katex"))
                katex++;
            else if (katex && starts(p, "<span"))
                katex++;
            else if (katex && starts(p, "</span"))
                katex--;
            const char *e = memchr(p, '>', n - i);
            i = e ? (size_t)(e - h) + 1 : n;
            lb_buf_putc(out, ' ');
            continue;
        }
        if (katex) {
            i++;
            continue;
        }
        static const char *const ent[][2] = {
            {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}};
        size_t k = 0;
        while (k < 5 && !starts(p, ent[k][0]))
            k++;
        if (k < 5) {
            lb_buf_puts(out, ent[k][1]);
            i += strlen(ent[k][0]);
        } else {
            lb_buf_putc(out, *p == '\n' || *p == '\t' ? ' ' : *p);
            i++;
        }
    }
}

/* Runs of blanks become one space; none at the ends. */
static void squash(lb_buf *b)
{
    size_t k = 0;
    char *p = b->ptr;
    for (size_t i = 0; i < b->len; i++) {
        if (p[i] == ' ' && (k == 0 || p[k - 1] == ' '))
            continue;
        p[k++] = p[i];
    }
    while (k && p[k - 1] == ' ')
        k--;
    b->len = k;
    if (p)
        p[k] = '\0';
}

static void add_doc(lb_buf *docs, const char *id, const char *chapter, const char *section,
                    size_t slen, const char *body, size_t blen)
{
    lb_buf t = LB_BUF_INIT, s = LB_BUF_INIT;
    html_text(body, blen, &t);
    html_text(section, slen, &s);
    if (docs->len > 1)
        lb_buf_putc(docs, ',');
    lb_buf_puts(docs, "{\"id\":");
    put_json_str(docs, id, strlen(id));
    lb_buf_puts(docs, ",\"c\":");
    put_json_str(docs, chapter, strlen(chapter));
    lb_buf_puts(docs, ",\"s\":");
    squash(&s);
    put_json_str(docs, lb_buf_str(&s), s.len);
    lb_buf_puts(docs, ",\"t\":");
    put_json_str(docs, lb_buf_str(&t), t.len);
    lb_buf_puts(docs, "}\n");
    lb_buf_free(&t);
    lb_buf_free(&s);
}

/* One chapter's sections as documents. */
static void chapter_docs(const lb_chapter *ch, const char *body, lb_buf *docs)
{
    lb_buf id = LB_BUF_INIT, anchor = LB_BUF_INIT;
    const char *text = body; /* where the current section's text starts */
    const char *title = "";  /* its heading's HTML ("" before the first) */
    size_t title_len = 0;
    for (;;) {
        const char *h = strstr(text, "<h2 id=\"");
        const char *end = h ? h : text + strlen(text);
        lb_buf_reset(&id);
        lb_buf_printf(&id, "%s.html%s", ch->slug, lb_buf_str(&anchor));
        add_doc(docs, id.ptr, ch->title, title, title_len, text, (size_t)(end - text));
        if (!h)
            break;
        const char *q = h + strlen("<h2 id=\"");
        lb_buf_reset(&anchor);
        lb_buf_printf(&anchor, "#%.*s", (int)strcspn(q, "\""), q);
        const char *close = strstr(h, "</h2>");
        title = h;
        text = close ? close + 5 : h + strlen(h);
        title_len = (size_t)(text - h);
    }
    lb_buf_free(&id);
    lb_buf_free(&anchor);
}

/* Builds the index from the documents (a JSON array on stdin) and prints
 * the script the pages load. */
static const char script[] =
    "const lunr = require('lunr');\n"
    "const chunks = [];\n"
    "process.stdin.on('data', d => chunks.push(d));\n"
    "process.stdin.on('end', () => {\n"
    "  const docs = JSON.parse(Buffer.concat(chunks).toString('utf8'));\n"
    "  const idx = lunr(function () {\n"
    "    this.ref('id'); this.field('s', {boost: 5}); this.field('c', {boost: 2});\n"
    "    this.field('t');\n"
    "    docs.forEach(d => this.add(d));\n"
    "  });\n"
    "  const meta = {};\n"
    "  docs.forEach(d => { meta[d.id] = {c: d.c, s: d.s, t: d.t.replace(/\\s+/g, ' ')\n"
    "                                                     .trim().slice(0, 160)}; });\n"
    "  const js = 'window.LB_SEARCH = ' + JSON.stringify({index: idx, docs: meta})\n"
    "             .replace(/</g, '\\\\u003c') + ';\\n';\n"
    "  process.stdout.write(js);\n"
    "});\n";

int lb_search_write(lb_book *book, const char *out_dir, lb_diag *d)
{
    lb_buf docs = LB_BUF_INIT, path = LB_BUF_INIT, lunr = LB_BUF_INIT;
    lb_buf_putc(&docs, '[');
    for (size_t i = 0; i < book->n; i++)
        chapter_docs(&book->chapters[i], lb_book_body(book, i, NULL), &docs);
    lb_buf_putc(&docs, ']');
    int rc = 0;
    if (lb_read_file(LUNR_JS, &lunr) < 0) {
        rc = 1;
    } else {
        lb_spawn_result r;
        int started = lb_node_run(script, docs.ptr, docs.len, &r) == 0;
        if (!started || !r.exited || r.exit_code != 0) {
            rc = 1;
        } else {
            lb_buf_printf(&path, "%s/assets/search-index.js", out_dir);
            int w1 = lb_write_file_if_changed(path.ptr, lb_buf_str(&r.out), r.out.len);
            lb_buf_reset(&path);
            lb_buf_printf(&path, "%s/assets/lunr.js", out_dir);
            int w2 = lb_write_file_if_changed(path.ptr, lb_buf_str(&lunr), lunr.len);
            if (w1 < 0 || w2 < 0) {
                lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot write %s: %s", path.ptr,
                            strerror(errno));
                rc = -1;
            }
        }
        lb_spawn_result_free(&r);
    }
    if (rc == 1) {
        lb_diag w;
        lb_diag_set(&w, LB_WARNING, NULL, 0, 0,
                    "no search index: it needs Node.js and lunr (apt-get install nodejs "
                    "node-lunr libjs-lunr); the pages hide their search box");
        lb_diag_print(stderr, &w, lb_diag_stderr_color());
    }
    lb_buf_free(&docs);
    lb_buf_free(&path);
    lb_buf_free(&lunr);
    return rc;
}
