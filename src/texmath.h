/* math: $...$, $$...$$ and ```math blocks, rendered to HTML by KaTeX when
 * the book is built, so that reading a page needs no JavaScript.
 *
 * Parsing is a libcmark-gfm inline extension (lb_math_extension): it sees
 * the paragraph's raw text, so TeX keeps its backslashes, underscores and
 * asterisks, and a $ inside a code span or after a backslash is no math.
 * The rules are Pandoc's: an opening $ has a non-space right after it, a
 * closing $ a non-space right before it and no digit right after it
 * ("$5 and $10" is text). A formula is a code node marked by the
 * extension until lb_math_render replaces it with KaTeX's HTML.
 *
 * KaTeX runs once per chapter with cache misses: one `node` process that
 * requires Debian's katex (NODE_PATH=/usr/share/nodejs) renders all of the
 * chapter's new formulas; each result is cached under
 * CACHE/math/KEY.html, KEY hashing KaTeX's version, the mode and the TeX. */
#ifndef LB_TEXMATH_H
#define LB_TEXMATH_H

#include <cmark-gfm-extension_api.h>

#include "chapter.h"
#include "diag.h"

/* The extension (made once, owned by this module). */
cmark_syntax_extension *lb_math_extension(void);
/* Whether node is a formula made by the extension; then *display says
 * $$ (1) or $ (0), *line and *col where it starts. Pointers may be NULL. */
int lb_math_node(cmark_node *node, int *display, int *line, int *col);
/* Whether node is a ```math fenced block (a formula, not a chunk). */
int lb_math_block(cmark_node *node);
/* Replaces every formula of ch->doc with its HTML. Sets ch->has_math when
 * there is any. Returns 0, or -1 with *d filled: a formula KaTeX rejects
 * (at its line), or KaTeX missing (with how to install it). cache_dir may
 * be NULL (no cache). */
int lb_math_render(lb_chapter *ch, const char *cache_dir, lb_diag *d);
/* Debian's KaTeX stylesheet and fonts folder (the pages link them from
 * assets/katex/). */
#define LB_KATEX_DIST "/usr/share/javascript/katex"

/* KaTeX's stylesheet with each font reduced to its woff2 file: linked
 * as fonts/NAME, or inlined as data: URIs (the single file). Appends to
 * out; returns 0, or -1 when KaTeX's files cannot be read. */
int lb_katex_css(int inline_fonts, lb_buf *out);
/* Writes assets_dir/katex/katex.css and its fonts (each only when it
 * changed). Returns 0, or -1 with errno set. */
int lb_katex_copy(const char *assets_dir);

#endif
