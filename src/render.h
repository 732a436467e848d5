/* render: chapters, with their chunks' results, into HTML pages. */
#ifndef LB_RENDER_H
#define LB_RENDER_H

#include "buf.h"
#include "chapter.h"
#include "config.h"
#include "highlight.h"

typedef struct {
    lb_chapter *chapters; /* in book order; the front page (index) excluded */
    size_t n;
    lb_chapter *front;       /* chapters/index.md, or NULL */
    const char *title;       /* the book's title */
    const lb_config *config; /* front matter of the front page, defaults filled */
    /* The images the pages show: their URL in the pages, their file (for
     * the single file, which inlines them). NULL: none. */
    const lb_strv *image_urls, *image_files;
    int has_math;       /* some page has a formula: KaTeX's stylesheet is needed */
    lb_highlighter *hl; /* NULL: listings are shown plain */
    /* Each chapter's rendered article and contents, made on first use
     * (rendering consumes the chapter's cmark tree): n + 1 entries, the
     * front page last. Owned by the book: free with lb_book_free. */
    char **bodies, **tocs;
    size_t *title_ends; /* see lb_book_title_end */
} lb_book;

/* The article HTML of chapter i (i == book->n: the front page), and in
 * *toc (may be NULL) the <li> items of its level-2 headings. Rendered once,
 * owned by the book. */
const char *lb_book_body(lb_book *book, size_t i, const char **toc);
/* Where the chapter's title heading ends in the body of chapter i (the
 * offset just past its HTML), 0 when it has none: the place for its
 * contents box. */
size_t lb_book_title_end(lb_book *book, size_t i);
/* The book's configuration (defaults when book->config is NULL). */
const lb_config *lb_book_config(const lb_book *book);
/* "<!DOCTYPE html><html lang=..><head>" and the <meta> lines (charset,
 * viewport, author, description): the start of every page. */
void lb_page_open(lb_buf *b, const lb_book *book);
void lb_page_meta(lb_buf *b, const lb_book *book);
/* The sidebar's lines under the book's title: author, repository link. */
void lb_sidebar_extra(lb_buf *b, const lb_book *book);
/* Frees what the book rendered (not the chapters). */
void lb_book_free(lb_book *book);
/* The HTML page of chapter i, a complete document. */
void lb_render_chapter(lb_book *book, size_t i, lb_buf *out);
/* The front page: the front matter (index.md) and the table of contents. */
void lb_render_index(lb_book *book, lb_buf *out);
/* The HTML of one chunk with its results (used by the page renderer);
 * hl may be NULL. */
void lb_render_chunk(const lb_chapter *ch, const lb_chunk *c, lb_highlighter *hl, lb_buf *out);
/* Appends svg with every id made unique within it (gnuplot repeats the
 * ids of plot groups it draws twice). */
void lb_put_svg(const char *svg, lb_buf *out);
/* The width in characters of the part of a number from its decimal point
 * on ("12.5 ms" -> 5, "3 ms" -> 3, "7" -> 0); -1 when text is not a
 * number, optionally followed by a short unit. */
int lb_num_frac_width(const char *text);
/* Appends the number text (plain, escaped here) padded on the right to
 * frac_width, the widest fraction of its column, with a punctuation space
 * (U+2008) for a missing decimal point and figure spaces (U+2007, as wide
 * as a digit in tabular figures) for digits, so numbers right-aligned in
 * one column line up on the decimal point. */
void lb_put_num_aligned(const char *text, int frac_width, lb_buf *out);
/* Makes an HTML id from heading text ("Shared memory, in C" ->
 * "shared-memory-in-c"). Appends to out. */
void lb_slugify(const char *text, lb_buf *out);

/* Files under out/assets/, embedded in the binary. */
extern const char lb_asset_css[];
extern const char lb_asset_js[];
extern const char lb_litbook_h[];
extern const char lb_litbook_py[]; /* written beside every python chunk */

#endif
