/* split: shell-like word splitting, with no shell involved.
 *
 * Used for args="...", cflags="..." and libs="...": whitespace separates
 * words; '...' quotes literally; "..." quotes with \" \\ \$ \` escapes;
 * a backslash outside quotes escapes the next character. No expansion of
 * any kind ($VAR, globs, ~) happens: what the author wrote is what the
 * program gets. */
#ifndef LB_SPLIT_H
#define LB_SPLIT_H

#include <stddef.h>

typedef struct {
    char **v; /* NULL-terminated */
    size_t n;
} lb_strv;

/* Returns 0 and fills *out (free with lb_strv_free), or -1 with a message in
 * err (e.g. "unterminated quote") and *err_off set to the byte offset where
 * the problem starts. */
int lb_split_words(const char *s, lb_strv *out, char *err, size_t errlen, size_t *err_off);
/* On success out->v is never NULL (an empty input gives {NULL}); on failure
 * *out is left empty. err and err_off may be NULL. A zeroed lb_strv is a
 * valid empty one for push and free. */
void lb_strv_push(lb_strv *sv, const char *s); /* copies s */
void lb_strv_free(lb_strv *sv);

#endif
