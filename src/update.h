/* update: litbook build --update, the expected blocks rewritten in place. */
#ifndef LB_UPDATE_H
#define LB_UPDATE_H

#include <stddef.h>

#include "chapter.h"
#include "diag.h"

/* For every chapter marked in named whose chunks' output differed from
 * their expected blocks, rewrites those blocks with the actual output
 * (keeping (re) lines that still match) and writes the file atomically.
 * The chunks are then marked verified. Returns the number of blocks
 * rewritten, or -1 with *d set when a file could not be written. */
int lb_update_chapters(lb_chapter *chapters, size_t n, const char *named, lb_diag *d);

/* The new text of one chapter (for tests): src with each mismatched block
 * of ch replaced. Appends to out; returns the number of blocks replaced. */
int lb_update_text(const lb_chapter *ch, lb_buf *out);

#endif
