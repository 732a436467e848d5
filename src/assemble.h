/* assemble: a chunk's complete program, with <<name>> references expanded.
 *
 * A line holding only <<name>> (indentation kept) is replaced by the named
 * chunk's code, recursively, each line prefixed by the reference's
 * indentation. #line directives follow noweb's rule: one wherever the next
 * line of output does not come from the line after the previous one, so the
 * compiler reports every message at the chapter's own file and line. */
#ifndef LB_ASSEMBLE_H
#define LB_ASSEMBLE_H

#include "buf.h"
#include "chapter.h"
#include "diag.h"

typedef struct {
    int line_directives; /* 1: emit C #line directives */
    /* 1 (with line_directives): each directive names the chunk ("@name")
     * and counts from its first line of code, so the text does not depend
     * on where in the chapter the chunks sit: what cache keys hash. */
    int relative;
    /* When not NULL (ch->nchunks flags): set for every chunk expanded,
     * the chunk itself included. Owned by the caller. */
    char *used;
    /* When not NULL: gets the chapter line of each line written, in
     * order (0 for a #line directive), so that an interpreter's report
     * about a line of the program can name the chapter's. Owned by the
     * caller (free map->v). */
    struct lb_linemap *map;
} lb_assemble_opts;

typedef struct lb_linemap {
    int *v;
    size_t n, cap;
} lb_linemap;

/* Appends chunk c's program to out. Returns 0, or -1 with *d set for a
 * reference to a missing chunk or a cycle (at the reference's line). */
int lb_assemble(lb_chapter *ch, lb_chunk *c, const lb_assemble_opts *o, lb_buf *out, lb_diag *d);

/* When line (len bytes, no newline) is a reference, returns 1 and sets
 * *indent (its leading whitespace length) and *name / *name_len. */
int lb_parse_reference(const char *line, size_t len, size_t *indent, const char **name,
                       size_t *name_len);

#endif
