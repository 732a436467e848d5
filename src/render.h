/* render: chapters, with their chunks' results, into HTML pages. */
#ifndef LB_RENDER_H
#define LB_RENDER_H

#include "buf.h"
#include "chapter.h"

typedef struct {
    lb_chapter *chapters; /* in book order; the front page (index) excluded */
    size_t n;
    lb_chapter *front;    /* chapters/index.md, or NULL */
    const char *title;    /* the book's title */
} lb_book;

/* The HTML page of chapter i, a complete document. Splices the chunks'
 * results into the chapter's cmark tree (so call it once per build). */
void lb_render_chapter(const lb_book *book, size_t i, lb_buf *out);
/* The front page: the front matter (index.md) and the table of contents. */
void lb_render_index(const lb_book *book, lb_buf *out);
/* The HTML of one chunk with its results (used by the page renderer). */
void lb_render_chunk(const lb_chapter *ch, const lb_chunk *c, lb_buf *out);
/* Makes an HTML id from heading text ("Shared memory, in C" ->
 * "shared-memory-in-c"). Appends to out. */
void lb_slugify(const char *text, lb_buf *out);

/* Files under out/assets/, embedded in the binary. */
extern const char lb_asset_css[];
extern const char lb_asset_js[];
extern const char lb_litbook_h[];

#endif
