/* buf: a growable byte buffer, always NUL-terminated.
 *
 * Allocation failure aborts the process (via lb_xmalloc): litbook cannot do
 * anything useful without memory, and checking every append would bury the
 * logic. */
#ifndef LB_BUF_H
#define LB_BUF_H

#include <stddef.h>

typedef struct {
    char *ptr; /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
} lb_buf;

#define LB_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void lb_buf_append(lb_buf *b, const char *s, size_t n);
void lb_buf_puts(lb_buf *b, const char *s);
void lb_buf_putc(lb_buf *b, char c);
void lb_buf_printf(lb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with &, <, >, " escaped for HTML text and attribute values. */
void lb_buf_put_html(lb_buf *b, const char *s, size_t n);
/* Appends s percent-encoded: every byte but A-Z a-z 0-9 - . _ ~ becomes
 * %XX. The result is safe in an href, and in an id, as it is. */
void lb_buf_put_url(lb_buf *b, const char *s);
/* Appends the n bytes at p in base64 (RFC 4648, with padding), for data:
 * URIs. */
void lb_buf_put_base64(lb_buf *b, const void *p, size_t n);
/* Whether url names a file of the site itself: no scheme, not absolute,
 * not a fragment alone. */
int lb_url_is_local(const char *url);
void lb_buf_reset(lb_buf *b);
/* Returns "" for an empty buffer, never NULL. Owned by b. */
const char *lb_buf_str(const lb_buf *b);
/* Hands the string to the caller (free() it); b is left empty. */
char *lb_buf_detach(lb_buf *b);
void lb_buf_free(lb_buf *b);

/* Allocation helpers that abort on failure. */
void *lb_xmalloc(size_t n);
void *lb_xcalloc(size_t n, size_t size);
void *lb_xrealloc(void *p, size_t n);
char *lb_xstrdup(const char *s);
char *lb_xstrndup(const char *s, size_t n);

#endif
