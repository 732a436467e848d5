/* page: a chapter's cmark tree with chunks spliced in, inside the book's
 * page shell (sidebar, contents, previous/next). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gfm.h"
#include "idset.h"
#include "render.h"
#include "xref.h"
#include "split.h"
#include "values.h"

/* Returns the new node (owned by the tree, as node was). */
static cmark_node *replace_with_html(cmark_node *node, const char *html)
{
    cmark_node *h = cmark_node_new(CMARK_NODE_HTML_BLOCK);
    cmark_node_set_literal(h, html);
    cmark_node_replace(node, h);
    cmark_node_free(node);
    return h;
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
 * headings for the page's contents. Returns the node that now stands for
 * the chapter's title heading (its first level-1 heading at the top, as
 * chapter.h finds it), or NULL. */
static cmark_node *anchor_headings(lb_chapter *ch, lb_idset *ids, lb_buf *toc)
{
    cmark_node *title = NULL;
    cmark_node *n = cmark_node_first_child(ch->doc);
    lb_buf text = LB_BUF_INIT, id = LB_BUF_INIT, html = LB_BUF_INIT;
    while (n) {
        cmark_node *next = cmark_node_next(n);
        if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
            int level = cmark_node_get_heading_level(n);
            lb_buf_reset(&text);
            lb_buf_reset(&id);
            lb_node_text(n, &text);
            const char *number = NULL, *given = lb_heading_id(n, &number);
            if (given) {
                lb_buf_puts(&id, given); /* xref.h: unique already, and referred to */
            } else {
                lb_slugify(text.ptr ? text.ptr : "", &id);
                lb_idset_unique(ids, &id);
            }
            lb_idset_add(ids, id.ptr);
            /* UNSAFE as for the body: a quoted value (values.h) is our own
             * inline HTML, and would otherwise be dropped. */
            char *inner = lb_md_render(n);
            /* inner is "<hN>...</hN>\n": put the id in and a self link. */
            lb_buf_reset(&html);
            lb_buf_printf(
                &html, "<h%d id=\"%s\"><a class=\"anchor\" href=\"#%s\" aria-hidden=\"true\">#</a>",
                level, id.ptr, id.ptr);
            if (number)
                lb_buf_printf(&html, "<span class=\"secno\">%s</span> ", number);
            lb_buf_puts(&html, inner + 4);
            free(inner);
            if (level == 2) {
                lb_buf_printf(toc, "<li><a href=\"#%s\">", id.ptr);
                lb_buf_put_html(toc, text.ptr ? text.ptr : "", text.len);
                lb_buf_puts(toc, "</a></li>\n");
            }
            cmark_node *h = replace_with_html(n, html.ptr);
            if (level == 1 && !title)
                title = h;
        }
        n = next;
    }
    lb_buf_free(&text);
    lb_buf_free(&id);
    lb_buf_free(&html);
    return title;
}

size_t lb_book_title_end(lb_book *book, size_t i)
{
    lb_book_body(book, i, NULL);
    return book->title_ends[i];
}

const lb_config *lb_book_config(const lb_book *book)
{
    static const lb_config defaults = {
        .lang = "en", .toc_title = "Contents", .output_file = "answer-book.html"};
    return book->config ? book->config : &defaults;
}

static void put_text(lb_buf *b, const char *s)
{
    lb_buf_put_html(b, s, strlen(s));
}

void lb_page_meta(lb_buf *b, const lb_book *book)
{
    const lb_config *c = lb_book_config(book);
    lb_buf_puts(b, "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"generator\" content=\"litbook\">\n");
    if (c->author) {
        lb_buf_puts(b, "<meta name=\"author\" content=\"");
        put_text(b, c->author);
        lb_buf_puts(b, "\">\n");
    }
    if (c->description) {
        lb_buf_puts(b, "<meta name=\"description\" content=\"");
        put_text(b, c->description);
        lb_buf_puts(b, "\">\n");
    }
}

void lb_page_open(lb_buf *b, const lb_book *book)
{
    lb_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");
    put_text(b, lb_book_config(book)->lang);
    lb_buf_puts(b, "\">\n<head>\n");
    lb_page_meta(b, book);
}

static void page_head(lb_buf *b, const lb_book *book, const char *title, int math)
{
    lb_page_open(b, book);
    lb_buf_puts(b, "<title>");
    if (title) {
        lb_buf_put_html(b, title, strlen(title));
        lb_buf_puts(b, " · ");
    }
    lb_buf_put_html(b, book->title, strlen(book->title));
    lb_buf_puts(b, "</title>\n");
    if (math) /* KaTeX's HTML needs its stylesheet and fonts, no script */
        lb_buf_puts(b, "<link rel=\"stylesheet\" href=\"assets/katex/katex.css\">\n");
    lb_buf_puts(b, "<link rel=\"stylesheet\" href=\"assets/litbook.css\">\n"
                   "<script src=\"assets/lunr.js\" defer></script>\n"
                   "<script src=\"assets/search-index.js\" defer></script>\n"
                   "<script src=\"assets/litbook.js\" defer></script>\n</head>\n<body>\n");
}

void lb_sidebar_extra(lb_buf *b, const lb_book *book)
{
    const lb_config *c = lb_book_config(book);
    if (c->author) {
        lb_buf_puts(b, "<div class=\"book-author\">");
        put_text(b, c->author);
        lb_buf_puts(b, "</div>\n");
    }
    if (c->repository) {
        lb_buf_puts(b, "<a class=\"book-repo\" href=\"");
        put_text(b, c->repository);
        lb_buf_puts(b, "\">Source repository</a>\n");
    }
}

/* On narrow screens the sidebar is a top bar whose chapter list opens
 * with the "Chapters" label: a checkbox styled by the CSS, so it works
 * without JavaScript. */
static void sidebar(lb_buf *b, const lb_book *book, const lb_chapter *current)
{
    lb_buf_puts(b, "<nav class=\"sidebar\" aria-label=\"Chapters\">\n<a class=\"book-title\" "
                   "href=\"index.html\">");
    lb_buf_put_html(b, book->title, strlen(book->title));
    lb_buf_puts(b, "</a>\n");
    lb_sidebar_extra(b, book);
    /* The search box (search.h): a form that litbook.js drives; the
     * page's ?q= fills it, so a search is also a link. */
    lb_buf_puts(b, "<form class=\"search\" role=\"search\" action=\"index.html\" hidden>"
                   "<input type=\"search\" name=\"q\" placeholder=\"Search the book\" "
                   "aria-label=\"Search the book\" autocomplete=\"off\">"
                   "<ol class=\"search-results\" aria-live=\"polite\"></ol></form>\n");
    lb_buf_puts(b, "<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\">"
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

/* The length of the HTML of the top-level blocks of doc up to and
 * including last, when body starts with exactly that HTML (cmark renders
 * each block on its own as within the document; footnotes, the one thing
 * rendered from the whole tree, sit at its end); else 0. */
static size_t html_through(cmark_node *doc, cmark_node *last, const char *body)
{
    size_t len = 0;
    for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
        char *h = lb_md_render(n);
        size_t k = strlen(h);
        int same = strncmp(body + len, h, k) == 0;
        free(h);
        if (!same)
            return 0;
        len += k;
        if (n == last)
            return len;
    }
    return 0;
}

/* The chapter's body: chunks spliced, tables and headings rendered. In
 * *title_end, where the title heading's HTML ends in it (0: no title), for
 * the contents box to go right under the title and nowhere else. */
static char *chapter_body(lb_chapter *ch, lb_highlighter *hl, lb_buf *toc, size_t *title_end)
{
    lb_idset ids = LB_IDSET_INIT;
    for (size_t i = 0; i < ch->nchunks; i++)
        lb_idset_add(&ids, ch->chunks[i].anchor);
    lb_values_splice(ch->doc, ch);
    splice_chunks(ch, hl);
    lb_md_align_numbers(ch->doc);
    cmark_node *title = anchor_headings(ch, &ids, toc);
    lb_idset_free(&ids);
    /* UNSAFE lets our own HTML blocks through; the author's raw HTML passes
     * too, as in every Markdown book tool: chapters are trusted text.
     * Program output never takes this path: it is escaped above. */
    char *body = lb_md_render(ch->doc);
    *title_end = title ? html_through(ch->doc, title, body) : 0;
    return body;
}

const char *lb_book_body(lb_book *book, size_t i, const char **toc)
{
    if (!book->bodies) {
        book->bodies = lb_xcalloc(book->n + 1, sizeof *book->bodies);
        book->tocs = lb_xcalloc(book->n + 1, sizeof *book->tocs);
        book->title_ends = lb_xcalloc(book->n + 1, sizeof *book->title_ends);
    }
    if (!book->bodies[i]) {
        lb_buf t = LB_BUF_INIT;
        lb_chapter *ch = i < book->n ? &book->chapters[i] : book->front;
        if (ch) {
            book->bodies[i] = chapter_body(ch, book->hl, &t, &book->title_ends[i]);
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
    free(book->title_ends);
    book->bodies = book->tocs = NULL;
    book->title_ends = NULL;
}

void lb_render_chapter(lb_book *book, size_t i, lb_buf *out)
{
    lb_chapter *ch = &book->chapters[i];
    const char *toc;
    const char *body = lb_book_body(book, i, &toc);
    page_head(out, book, ch->title, ch->has_math);
    sidebar(out, book, ch);
    lb_buf_puts(out, "<main>\n<article class=\"chapter\">\n");
    /* The chapter's contents go right under its title. */
    size_t head = lb_book_title_end(book, i);
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
    page_head(out, book, NULL, book->front && book->front->has_math);
    sidebar(out, book, NULL);
    lb_buf_puts(out, "<main>\n<article class=\"front\">\n");
    lb_buf_puts(out, lb_book_body(book, book->n, NULL));
    lb_buf_puts(out, "<h2 id=\"toc\">");
    put_text(out, lb_book_config(book)->toc_title);
    lb_buf_puts(out, "</h2>\n<ol class=\"toc\">\n");
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
