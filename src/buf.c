#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs("litbook: fatal: out of memory\n", stderr);
    abort();
}

void *lb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *lb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *lb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *lb_xstrdup(const char *s)
{
    return lb_xstrndup(s, strlen(s));
}

char *lb_xstrndup(const char *s, size_t n)
{
    char *p = lb_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void reserve(lb_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->ptr = lb_xrealloc(b->ptr, cap);
    b->cap = cap;
}

void lb_buf_append(lb_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) /* the call only when it must grow */
        reserve(b, n);
    if (n)
        memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

void lb_buf_puts(lb_buf *b, const char *s)
{
    lb_buf_append(b, s, strlen(s));
}

/* Byte by byte is how the HTML and JSON writers copy text: no call
 * beyond this one unless the buffer must grow. */
void lb_buf_putc(lb_buf *b, char c)
{
    if (b->len + 2 > b->cap)
        reserve(b, 1);
    b->ptr[b->len++] = c;
    b->ptr[b->len] = '\0';
}

void lb_buf_printf(lb_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void lb_buf_put_url(lb_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            lb_buf_putc(b, (char)*p);
        } else {
            lb_buf_putc(b, '%');
            lb_buf_putc(b, hex[*p >> 4]);
            lb_buf_putc(b, hex[*p & 15]);
        }
    }
}

void lb_buf_put_base64(lb_buf *b, const void *data, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        lb_buf_putc(b, a[v >> 18 & 63]);
        lb_buf_putc(b, a[v >> 12 & 63]);
        lb_buf_putc(b, i + 1 < n ? a[v >> 6 & 63] : '=');
        lb_buf_putc(b, i + 2 < n ? a[v & 63] : '=');
    }
}

int lb_url_is_local(const char *url)
{
    if (!url || !*url || url[0] == '#' || url[0] == '/')
        return 0;
    size_t n = strcspn(url, ":/?#");
    return url[n] != ':';
}

void lb_buf_put_html(lb_buf *b, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\0':
            rep = "\xEF\xBF\xBD";
            break; /* NUL is not allowed in HTML text */
        default:
            continue;
        }
        lb_buf_append(b, s + start, i - start);
        lb_buf_puts(b, rep);
        start = i + 1;
    }
    lb_buf_append(b, s + start, n - start);
}

void lb_buf_reset(lb_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

const char *lb_buf_str(const lb_buf *b)
{
    return b->ptr ? b->ptr : "";
}

char *lb_buf_detach(lb_buf *b)
{
    char *p = b->ptr ? b->ptr : lb_xstrdup("");
    b->ptr = NULL;
    b->len = b->cap = 0;
    return p;
}

void lb_buf_free(lb_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}
