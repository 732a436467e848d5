/* page: a chapter's cmark tree with chunks spliced in, inside the book's
 * page shell (sidebar, contents, previous/next). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "split.h"

/* Ids already used on the page, so heading anchors never collide with
 * each other or with chunk names. */
typedef struct {
    char **v;
    size_t n, cap;
} idset;

static int idset_has(const idset *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], id) == 0)
            return 1;
    return 0;
}

static void idset_add(idset *s, const char *id)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = lb_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = lb_xstrdup(id);
}

static void idset_free(idset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static void replace_with_html(cmark_node *node, const char *html)
{
    cmark_node *h = cmark_node_new(CMARK_NODE_HTML_BLOCK);
    cmark_node_set_literal(h, html);
    cmark_node_replace(node, h);
    cmark_node_free(node);
}

static void splice_chunks(lb_chapter *ch, lb_highlighter *hl)
{
    lb_buf b = LB_BUF_INIT;
    for (size_t i = 0; i < ch->nchunks; i++) {
        lb_chunk *c = &ch->chunks[i];
        lb_buf_reset(&b);
        lb_render_chunk(ch, c, hl, &b);
        if (c->out_node) {
            cmark_node_unlink(c->out_node);
            cmark_node_free(c->out_node);
            c->out_node = NULL;
        }
        replace_with_html(c->node, lb_buf_str(&b));
        c->node = NULL;
    }
    lb_buf_free(&b);
}

/* Gives every heading an id and a link to itself; collects the level-2
 * headings for the page's contents. */
static void anchor_headings(lb_chapter *ch, idset *ids, lb_buf *toc)
{
    cmark_node *n = cmark_node_first_child(ch->doc);
    lb_buf text = LB_BUF_INIT, id = LB_BUF_INIT, html = LB_BUF_INIT;
    while (n) {
        cmark_node *next = cmark_node_next(n);
        if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
            int level = cmark_node_get_heading_level(n);
            lb_buf_reset(&text);
            lb_buf_reset(&id);
            lb_node_text(n, &text);
            lb_slugify(text.ptr ? text.ptr : "", &id);
            size_t base = id.len;
            for (int k = 2; idset_has(ids, id.ptr); k++) {
                id.len = base;
                lb_buf_printf(&id, "-%d", k);
            }
            idset_add(ids, id.ptr);
            char *inner = cmark_render_html(n, CMARK_OPT_DEFAULT);
            /* inner is "<hN>...</hN>\n": put the id in and a self link. */
            lb_buf_reset(&html);
            lb_buf_printf(
                &html, "<h%d id=\"%s\"><a class=\"anchor\" href=\"#%s\" aria-hidden=\"true\">#</a>",
                level, id.ptr, id.ptr);
            lb_buf_puts(&html, inner + 4);
            free(inner);
            if (level == 2) {
                lb_buf_printf(toc, "<li><a href=\"#%s\">", id.ptr);
                lb_buf_put_html(toc, text.ptr ? text.ptr : "", text.len);
                lb_buf_puts(toc, "</a></li>\n");
            }
            replace_with_html(n, html.ptr);
        }
        n = next;
    }
    lb_buf_free(&text);
    lb_buf_free(&id);
    lb_buf_free(&html);
}

/* GitHub-style pipe tables. libcmark is plain CommonMark, so a table
 * reaches us as a paragraph; we recognise one (a top-level paragraph whose
 * first line starts with '|' and whose second is a delimiter row such as
 * |---|:--:|) from the chapter's source lines and render it ourselves,
 * each cell's inline Markdown through cmark. Columns of numbers are
 * right-aligned on the decimal point. */
typedef struct {
    lb_strv cells;
} row;

static int delimiter_row(const char *s, size_t n)
{
    int dash = 0, bar = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = 1;
        else if (s[i] == '|')
            bar = 1;
        else if (s[i] != ':' && s[i] != ' ' && s[i] != '\t')
            return 0;
    }
    return dash && bar;
}

/* Splits a row on unescaped '|' (an escaped one, \|, becomes '|' even in
 * a code span, as GFM says); cells trimmed. */
static void split_row(const char *s, size_t n, lb_strv *out)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n && *s == '|')
        s++, n--;
    if (n && s[n - 1] == '|' && !(n >= 2 && s[n - 2] == '\\'))
        n--;
    lb_buf cell = LB_BUF_INIT;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '|') {
            size_t a = 0, z = cell.len;
            const char *c = lb_buf_str(&cell);
            while (a < z && isspace((unsigned char)c[a]))
                a++;
            while (z > a && isspace((unsigned char)c[z - 1]))
                z--;
            char *t = lb_xstrndup(c + a, z - a);
            lb_strv_push(out, t);
            free(t);
            lb_buf_reset(&cell);
        } else if (s[i] == '\\' && i + 1 < n && s[i + 1] == '|') {
            lb_buf_putc(&cell, '|');
            i++;
        } else {
            lb_buf_putc(&cell, s[i]);
        }
    }
    lb_buf_free(&cell);
}

static void put_inline(lb_buf *b, const char *md)
{
    char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_UNSAFE);
    size_t n = strlen(html);
    if (strncmp(html, "<p>", 3) == 0 && n >= 8 && strcmp(html + n - 5, "</p>\n") == 0)
        lb_buf_append(b, html + 3, n - 8);
    else
        lb_buf_put_html(b, md, strlen(md)); /* a cell that looked like a block */
    free(html);
}

static const char *align_class(const char *delim)
{
    size_t n = strlen(delim);
    int l = n && delim[0] == ':', r = n && delim[n - 1] == ':';
    return l && r ? "center" : r ? "right" : l ? "left" : NULL;
}

/* Renders rows (rows[1] is the delimiter row) as a table. */
static void render_table(lb_buf *b, row *rows, size_t nrows)
{
    size_t ncols = rows[0].cells.n;
    lb_buf_puts(b, "<div class=\"table-wrap\"><table class=\"md\">\n<thead><tr>");
    int *frac = lb_xcalloc(ncols, sizeof *frac);
    for (size_t j = 0; j < ncols; j++) {
        int any = 0;
        for (size_t i = 2; i < nrows && frac[j] >= 0; i++) {
            const char *t = j < rows[i].cells.n ? rows[i].cells.v[j] : "";
            int w = *t ? lb_num_frac_width(t) : 0;
            any |= *t != 0;
            frac[j] = w < 0 ? -1 : w > frac[j] ? w : frac[j];
        }
        if (!any)
            frac[j] = -1;
    }
    for (size_t j = 0; j < ncols; j++) {
        const char *al = j < rows[1].cells.n ? align_class(rows[1].cells.v[j]) : NULL;
        if (frac[j] >= 0)
            lb_buf_puts(b, "<th class=\"num\">");
        else if (al)
            lb_buf_printf(b, "<th class=\"%s\">", al);
        else
            lb_buf_puts(b, "<th>");
        put_inline(b, rows[0].cells.v[j]);
        lb_buf_puts(b, "</th>");
    }
    lb_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 2; i < nrows; i++) {
        lb_buf_puts(b, "<tr>");
        for (size_t j = 0; j < ncols; j++) {
            const char *t = j < rows[i].cells.n ? rows[i].cells.v[j] : "";
            const char *al = j < rows[1].cells.n ? align_class(rows[1].cells.v[j]) : NULL;
            if (frac[j] >= 0) {
                lb_buf_puts(b, "<td class=\"num\">");
                lb_put_num_aligned(t, frac[j], b);
            } else {
                if (al)
                    lb_buf_printf(b, "<td class=\"%s\">", al);
                else
                    lb_buf_puts(b, "<td>");
                put_inline(b, t);
            }
            lb_buf_puts(b, "</td>");
        }
        lb_buf_puts(b, "</tr>\n");
    }
    lb_buf_puts(b, "</tbody>\n</table></div>\n");
    free(frac);
}

/* Start offsets of the source's lines: line k (1-based) is at off[k - 1]. */
static size_t *line_offsets(const lb_buf *src, size_t *nlines)
{
    size_t n = 1;
    const char *s = lb_buf_str(src);
    for (size_t i = 0; i < src->len; i++)
        n += s[i] == '\n';
    size_t *off = lb_xmalloc((n + 1) * sizeof *off);
    off[0] = 0;
    size_t k = 1;
    for (size_t i = 0; i < src->len; i++)
        if (s[i] == '\n')
            off[k++] = i + 1;
    off[n] = src->len + 1;
    *nlines = n;
    return off;
}

static void pipe_tables(lb_chapter *ch)
{
    size_t nlines;
    size_t *off = line_offsets(&ch->src, &nlines);
    const char *s = lb_buf_str(&ch->src);
    lb_buf html = LB_BUF_INIT;
    for (cmark_node *n = cmark_node_first_child(ch->doc), *next; n; n = next) {
        next = cmark_node_next(n);
        if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
            continue;
        int a = cmark_node_get_start_line(n), z = cmark_node_get_end_line(n);
        if (a < 1 || z <= a || (size_t)z > nlines)
            continue;
        const char *l0 = s + off[a - 1], *l1 = s + off[a];
        while (*l0 == ' ')
            l0++;
        if (*l0 != '|' || !delimiter_row(l1, off[a + 1] - 1 - off[a]))
            continue;
        size_t nrows = (size_t)(z - a + 1);
        row *rows = lb_xcalloc(nrows, sizeof *rows);
        for (size_t i = 0; i < nrows; i++) {
            size_t k = (size_t)a - 1 + i;
            split_row(s + off[k], off[k + 1] - 1 - off[k], &rows[i].cells);
        }
        lb_buf_reset(&html);
        render_table(&html, rows, nrows);
        for (size_t i = 0; i < nrows; i++)
            lb_strv_free(&rows[i].cells);
        free(rows);
        replace_with_html(n, lb_buf_str(&html));
    }
    lb_buf_free(&html);
    free(off);
}

static void page_head(lb_buf *b, const lb_book *book, const char *title)
{
    lb_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"litbook\">\n<title>");
    if (title) {
        lb_buf_put_html(b, title, strlen(title));
        lb_buf_puts(b, " · ");
    }
    lb_buf_put_html(b, book->title, strlen(book->title));
    lb_buf_puts(b, "</title>\n<link rel=\"stylesheet\" href=\"assets/litbook.css\">\n"
                   "<script src=\"assets/litbook.js\" defer></script>\n</head>\n<body>\n");
}

/* On narrow screens the sidebar is a top bar whose chapter list opens
 * with the "Chapters" label: a checkbox styled by the CSS, so it works
 * without JavaScript. */
static void sidebar(lb_buf *b, const lb_book *book, const lb_chapter *current)
{
    lb_buf_puts(b, "<nav class=\"sidebar\" aria-label=\"Chapters\">\n<a class=\"book-title\" "
                   "href=\"index.html\">");
    lb_buf_put_html(b, book->title, strlen(book->title));
    lb_buf_puts(b, "</a>\n<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\">"
                   "<label for=\"nav-toggle\" class=\"nav-toggle-label\">Chapters</label>\n"
                   "<ol class=\"chapters\">\n");
    for (size_t i = 0; i < book->n; i++) {
        const lb_chapter *ch = &book->chapters[i];
        int here = current == &book->chapters[i];
        /* A chapter's file name may hold '"', '#' or '%': encoded, it can
         * neither become markup nor break the link. */
        lb_buf_printf(b, "<li%s><a href=\"", here ? " class=\"current\"" : "");
        lb_buf_put_url(b, ch->slug);
        lb_buf_printf(b, ".html\"%s>", here ? " aria-current=\"page\"" : "");
        lb_buf_put_html(b, ch->title, strlen(ch->title));
        lb_buf_puts(b, "</a></li>\n");
    }
    lb_buf_puts(b, "</ol>\n</nav>\n");
}

static void pager(lb_buf *b, const lb_book *book, size_t i)
{
    lb_buf_puts(b, "<nav class=\"pager\" aria-label=\"Previous and next chapters\">\n");
    if (i > 0) {
        const lb_chapter *p = &book->chapters[i - 1];
        lb_buf_puts(b, "<a class=\"prev\" rel=\"prev\" href=\"");
        lb_buf_put_url(b, p->slug);
        lb_buf_puts(b, ".html\"><span>Previous</span>");
        lb_buf_put_html(b, p->title, strlen(p->title));
        lb_buf_puts(b, "</a>\n");
    } else {
        lb_buf_puts(b, "<a class=\"prev\" rel=\"prev\" href=\"index.html\"><span>Previous</span>"
                       "Contents</a>\n");
    }
    if (i + 1 < book->n) {
        const lb_chapter *nx = &book->chapters[i + 1];
        lb_buf_puts(b, "<a class=\"next\" rel=\"next\" href=\"");
        lb_buf_put_url(b, nx->slug);
        lb_buf_puts(b, ".html\"><span>Next</span>");
        lb_buf_put_html(b, nx->title, strlen(nx->title));
        lb_buf_puts(b, "</a>\n");
    }
    lb_buf_puts(b, "</nav>\n");
}

/* The chapter's body: chunks spliced, tables and headings rendered. */
static char *chapter_body(lb_chapter *ch, lb_highlighter *hl, lb_buf *toc)
{
    idset ids = {0};
    for (size_t i = 0; i < ch->nchunks; i++)
        idset_add(&ids, ch->chunks[i].anchor);
    splice_chunks(ch, hl);
    pipe_tables(ch);
    anchor_headings(ch, &ids, toc);
    idset_free(&ids);
    /* UNSAFE lets our own HTML blocks through; the author's raw HTML passes
     * too, as in every Markdown book tool: chapters are trusted text.
     * Program output never takes this path: it is escaped above. */
    return cmark_render_html(ch->doc, CMARK_OPT_UNSAFE);
}

const char *lb_book_body(lb_book *book, size_t i, const char **toc)
{
    if (!book->bodies) {
        book->bodies = lb_xcalloc(book->n + 1, sizeof *book->bodies);
        book->tocs = lb_xcalloc(book->n + 1, sizeof *book->tocs);
    }
    if (!book->bodies[i]) {
        lb_buf t = LB_BUF_INIT;
        lb_chapter *ch = i < book->n ? &book->chapters[i] : book->front;
        if (ch) {
            book->bodies[i] = chapter_body(ch, book->hl, &t);
        } else {
            lb_buf h = LB_BUF_INIT;
            lb_buf_puts(&h, "<h1>");
            lb_buf_put_html(&h, book->title, strlen(book->title));
            lb_buf_puts(&h, "</h1>\n");
            book->bodies[i] = lb_buf_detach(&h);
        }
        book->tocs[i] = lb_buf_detach(&t);
    }
    if (toc)
        *toc = book->tocs[i];
    return book->bodies[i];
}

void lb_book_free(lb_book *book)
{
    for (size_t i = 0; book->bodies && i <= book->n; i++) {
        free(book->bodies[i]);
        free(book->tocs[i]);
    }
    free(book->bodies);
    free(book->tocs);
    book->bodies = book->tocs = NULL;
}

void lb_render_chapter(lb_book *book, size_t i, lb_buf *out)
{
    lb_chapter *ch = &book->chapters[i];
    const char *toc;
    const char *body = lb_book_body(book, i, &toc);
    page_head(out, book, ch->title);
    sidebar(out, book, ch);
    lb_buf_puts(out, "<main>\n<article class=\"chapter\">\n");
    /* The chapter's contents go right under its title. */
    const char *h1 = strstr(body, "</h1>\n");
    size_t head = h1 ? (size_t)(h1 - body) + 6 : 0;
    lb_buf_append(out, body, head);
    if (*toc) {
        lb_buf_puts(out, "<nav class=\"page-toc\" aria-label=\"On this page\">"
                         "<div class=\"page-toc-title\">On this page</div><ol>\n");
        lb_buf_puts(out, toc);
        lb_buf_puts(out, "</ol></nav>\n");
    }
    lb_buf_puts(out, body + head);
    lb_buf_puts(out, "</article>\n");
    pager(out, book, i);
    lb_buf_puts(out, "</main>\n</body>\n</html>\n");
}

void lb_render_index(lb_book *book, lb_buf *out)
{
    page_head(out, book, NULL);
    sidebar(out, book, NULL);
    lb_buf_puts(out, "<main>\n<article class=\"front\">\n");
    lb_buf_puts(out, lb_book_body(book, book->n, NULL));
    lb_buf_puts(out, "<h2 id=\"toc\">The questions</h2>\n<ol class=\"toc\">\n");
    for (size_t i = 0; i < book->n; i++) {
        const lb_chapter *ch = &book->chapters[i];
        lb_buf_puts(out, "<li><a href=\"");
        lb_buf_put_url(out, ch->slug);
        lb_buf_puts(out, ".html\">");
        lb_buf_put_html(out, ch->title, strlen(ch->title));
        lb_buf_puts(out, "</a></li>\n");
    }
    lb_buf_puts(out, "</ol>\n</article>\n</main>\n</body>\n</html>\n");
}
