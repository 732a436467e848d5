/* search: the book's search index, made when the book is built, for the
 * search box of every page.
 *
 * Each section of a chapter (the text before its first ## heading, and
 * each ## heading with what follows) is one document: its chapter, its
 * heading and its text (figures, formulas and markup left out). One node
 * process with Debian's lunr (node-lunr, NODE_PATH=/usr/share/nodejs)
 * builds the index; it is written with the documents' titles as a script,
 * out/assets/search-index.js, which the pages load with <script src>, so
 * search works from file:// as well as from a server, offline. Debian's
 * lunr.min.js is copied beside it as assets/lunr.js. */
#ifndef LB_SEARCH_H
#define LB_SEARCH_H

#include "diag.h"
#include "render.h"

/* Writes out_dir/assets/search-index.js and assets/lunr.js. Returns 0,
 * 1 when lunr or node is missing (the pages then hide their search box;
 * a warning says what to install), or -1 with *d filled. */
int lb_search_write(lb_book *book, const char *out_dir, lb_diag *d);

#endif
