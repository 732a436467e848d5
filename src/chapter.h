/* chapter: one Markdown file, parsed by cmark, and the chunks in it.
 *
 * Loading a chapter parses every chunk's info string and options; input
 * errors (a bad attribute, a duplicate name) are returned as diagnostics
 * pointing at the chapter's line and column. Nothing runs here. */
#ifndef LB_CHAPTER_H
#define LB_CHAPTER_H

#include <cmark-gfm.h>

#include "attr.h"
#include "buf.h"
#include "diag.h"
#include "opts.h"
#include "result.h"

typedef struct lb_chunk {
    size_t index;  /* position among the chapter's chunks */
    int line;      /* the opening fence's line (1-based) */
    int col;       /* the opening fence's column */
    int code_line; /* the first line of code: line + 1 */
    char *prefix;  /* container prefix of the fence line ("> " in a quote) */
    lb_info info;
    lb_opts opts;
    char *code;                 /* the literal code, as cmark gives it */
    cmark_node *node;           /* owned by the chapter's document */
    cmark_node *out_node;       /* the ```output block right after, or NULL */
    int out_line, out_end_line; /* its fences' lines; out_end_line 0 if unclosed */
    char *expected;             /* its text, or NULL */
    char *anchor;               /* the HTML id: the name, or "chunk-N" */
    char *label;                /* "FILE#name" or "FILE:LINE" for messages */
    char *xref_label;           /* "Figure 3.2", "Listing 3.1" (xref.h), or NULL */
    lb_result res;
} lb_chunk;

typedef struct {
    char *path;   /* as given: chapters/03-shared-memory.md */
    char *slug;   /* 03-shared-memory */
    char *dir;    /* the absolute folder holding the file (for -I), or NULL */
    char *title;  /* the first level-1 heading's text, or the slug */
    int is_index; /* chapters/index.md: the front page */
    int has_math; /* math.h rendered a formula in it (the page links KaTeX's CSS) */
    int fm_lines; /* lines of its YAML front matter block (config.h), 0: none */
    lb_buf src;   /* the file as written, front matter included */
    cmark_node *doc;
    lb_chunk *chunks;
    size_t nchunks;
} lb_chapter;

/* Reads and parses path. Returns 0, or -1 with *d filled (an unreadable
 * file, a bad info string, an unknown option, a duplicate name). On both
 * outcomes the caller frees ch with lb_chapter_free. */
int lb_chapter_load(const char *path, lb_chapter *ch, lb_diag *d);
/* Input errors of one chapter reported before its reading stops (all but
 * the last printed on stderr as they are found, the last left in *d). */
#define LB_MAX_INPUT_ERRORS 20
/* The same from text already in memory (len bytes, NULs allowed); path
 * only names it in messages and gives the slug. For tests and fuzzing. */
int lb_chapter_load_mem(const char *path, const char *text, size_t len, lb_chapter *ch, lb_diag *d);
void lb_chapter_free(lb_chapter *ch);
/* The chunk named name, or NULL. */
lb_chunk *lb_chapter_find(lb_chapter *ch, const char *name);
/* The text of a node's inline children, concatenated (for titles and
 * heading anchors). Appends to out. */
void lb_node_text(cmark_node *node, lb_buf *out);

#endif
