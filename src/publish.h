/* publish: the whole book as one self-contained HTML file
 * (out/answer-book.html, or the front matter's output-file), for sending
 * or printing.
 *
 * The stylesheet and the script are inlined, figures are already inline
 * SVG, and nothing is fetched from anywhere. Each chapter becomes an
 * <article id="SLUG">; every id inside it becomes "SLUG--id" (the front
 * page's "index--id"), so ids stay unique in the one document, and links
 * are rewritten to match: "#x" inside a chapter, "other.html" and
 * "other.html#x" between pages all become in-page anchors. */
#ifndef LB_PUBLISH_H
#define LB_PUBLISH_H

#include "buf.h"
#include "diag.h"
#include "render.h"

/* Appends html with its ids prefixed by prefix ("SLUG" gives "SLUG--id")
 * and its links rewritten as above; book gives the page names that are
 * turned into anchors (book->chapters' slugs and "index"). */
void lb_rewrite_ids(const char *html, const char *prefix, const lb_book *book, lb_buf *out);
/* The single-file book, a complete document. */
void lb_render_single(lb_book *book, lb_buf *out);
/* Writes out_dir/OUTPUT-FILE (config.h; atomically, only when it changed).
 * Returns 0, or -1 with *d filled. */
int lb_publish(lb_book *book, const char *out_dir, lb_diag *d);

#endif
