/* search: the book's search box, from lunr (Debian's libjs-lunr), offline.
 *
 * Each section of a chapter (the text before its first ## heading, and
 * each ## heading with what follows) is one document: its chapter, its
 * heading and its text (figures, formulas and markup left out). They are
 * made in C, per chapter, and cached by the chapter's page key, so a
 * prose edit extracts only the chapter it changed.
 *
 * out/assets/search-index.js, loaded by every page with <script src> (so
 * search works from file:// as well as from a server), holds one of two
 * forms of the same index, told apart by the page:
 *   - prebuilt: the lunr index as one node process built it (node-lunr,
 *     NODE_PATH=/usr/share/nodejs), with the documents' titles; made on
 *     the first build of an out/ folder and by litbook publish;
 *   - documents: the documents themselves and the function that indexes
 *     them, which the page runs when first searched. Every other build
 *     whose documents changed writes this form: no node between saving a
 *     prose edit and its page.
 * Both forms come from one definition of the index (BUILDER in search.c).
 * Debian's lunr.min.js is copied beside it as assets/lunr.js. */
#ifndef LB_SEARCH_H
#define LB_SEARCH_H

#include "diag.h"
#include "render.h"

typedef struct {
    const char *out_dir;
    const char *cache_dir; /* its search/ holds the documents and the state */
    /* keys[i]: chapter i's page key, "" when it has none (not cached). */
    const char (*keys)[33];
    int publish; /* the index must be prebuilt whatever was written before */
} lb_search_req;

/* Writes out_dir/assets/search-index.js (when its documents changed, or
 * publishing needs the prebuilt form) and assets/lunr.js. Returns 0, 1
 * when lunr is missing (the pages then hide their search box; a warning
 * says what to install), or -1 with *d filled. */
int lb_search_write(lb_book *book, const lb_search_req *rq, lb_diag *d);

#endif
