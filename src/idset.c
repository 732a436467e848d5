#include "idset.h"

#include <stdlib.h>
#include <string.h>

static size_t id_hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The slot holding id, or the empty slot where it would go (cap > 0). */
static size_t find(const lb_idset *s, const char *id)
{
    size_t k = id_hash(id) & (s->cap - 1);
    while (s->slot[k].id && strcmp(s->slot[k].id, id) != 0)
        k = (k + 1) & (s->cap - 1);
    return k;
}

int lb_idset_has(const lb_idset *s, const char *id)
{
    return s->cap && s->slot[find(s, id)].id != NULL;
}

/* The slot of id, added if new; valid until the next add. */
static lb_idslot *add(lb_idset *s, const char *id)
{
    if (2 * (s->n + 1) > s->cap) {
        lb_idslot *old = s->slot;
        size_t oldcap = s->cap;
        s->cap = oldcap ? oldcap * 2 : 64;
        s->slot = lb_xcalloc(s->cap, sizeof *s->slot);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].id)
                s->slot[find(s, old[i].id)] = old[i];
        free(old);
    }
    size_t k = find(s, id);
    if (!s->slot[k].id) {
        s->slot[k] = (lb_idslot){lb_xstrdup(id), 2};
        s->n++;
    }
    return &s->slot[k];
}

void lb_idset_add(lb_idset *s, const char *id)
{
    add(s, id);
}

void lb_idset_unique(lb_idset *s, lb_buf *id)
{
    const char *want = lb_buf_str(id);
    if (!lb_idset_has(s, want)) {
        add(s, want);
        return;
    }
    /* The slug remembers where its suffixes stopped: n equal headings
     * take n steps, not n^2/2. A suffix already taken by some other
     * heading ("same-3" written by hand) is skipped. */
    char *base = lb_xstrdup(want);
    int k = add(s, base)->next;
    for (;; k++) {
        lb_buf_reset(id);
        lb_buf_printf(id, "%s-%d", base, k);
        if (!lb_idset_has(s, lb_buf_str(id)))
            break;
    }
    add(s, base)->next = k + 1;
    add(s, lb_buf_str(id));
    free(base);
}

void lb_idset_free(lb_idset *s)
{
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i].id);
    free(s->slot);
    s->slot = NULL;
    s->cap = s->n = 0;
}
