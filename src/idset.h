/* idset: a set of strings (HTML ids), hashed, so that making n ids unique
 * costs time linear in n, however many of them are equal.
 *
 * Open addressing with linear probing, kept at most half full. Each id
 * also remembers the next "-N" suffix to try for slugs equal to it. */
#ifndef LB_IDSET_H
#define LB_IDSET_H

#include <stddef.h>

#include "buf.h"

typedef struct {
    char *id; /* owned by the set; NULL when the slot is empty */
    int next; /* the next "-N" suffix to try for the slug id */
} lb_idslot;

typedef struct {
    lb_idslot *slot;
    size_t cap, n; /* cap is 0 or a power of two */
} lb_idset;

#define LB_IDSET_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

int lb_idset_has(const lb_idset *s, const char *id);
/* Adds a copy of id (nothing when it is there already). */
void lb_idset_add(lb_idset *s, const char *id);
/* Makes the slug in *id unique in s (slug, slug-2, slug-3 ..., as GitHub
 * and mdBook do) and adds it. */
void lb_idset_unique(lb_idset *s, lb_buf *id);
void lb_idset_free(lb_idset *s);

#endif
