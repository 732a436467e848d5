#include "published.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

int lb_pub_name_ok(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i]))
            return 0;
    return 1;
}

void lb_pub_escape(const char *s, size_t n, int esc_space, lb_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            lb_buf_puts(out, "\\\\");
        else if (c == '\n')
            lb_buf_puts(out, "\\n");
        else if (c == '\r')
            lb_buf_puts(out, "\\r");
        else if (c == '\t')
            lb_buf_puts(out, "\\t");
        else if (c < 0x20 || c == 0x7f || (c == ' ' && esc_space))
            lb_buf_printf(out, "\\x%02x", c);
        else
            lb_buf_putc(out, (char)c);
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int lb_pub_unescape(const char *s, size_t n, lb_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\0')
            return -1;
        if (s[i] != '\\') {
            lb_buf_putc(out, s[i]);
            continue;
        }
        if (++i == n)
            return -1;
        switch (s[i]) {
        case '\\':
            lb_buf_putc(out, '\\');
            break;
        case 'n':
            lb_buf_putc(out, '\n');
            break;
        case 'r':
            lb_buf_putc(out, '\r');
            break;
        case 't':
            lb_buf_putc(out, '\t');
            break;
        case 'x': {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1, lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return -1;
            lb_buf_putc(out, (char)(hi * 16 + lo));
            i += 2;
            break;
        }
        default:
            return -1;
        }
    }
    return 0;
}

static int fail(char *err, size_t errn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errn, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errn, fmt, ap);
    va_end(ap);
    return -1;
}

/* Writes at most 40 bytes of s, escaped, into a message. */
static void quote(lb_buf *b, const char *s, size_t n)
{
    lb_pub_escape(s, n > 40 ? 40 : n, 0, b);
    if (n > 40)
        lb_buf_puts(b, "...");
}

static int add_value(lb_result *r, const char *rest, size_t len, char *err, size_t errn)
{
    const char *sp = memchr(rest, ' ', len);
    if (!sp)
        return fail(err, errn, "a value record without its text ('value KEY TEXT')");
    lb_buf key = LB_BUF_INIT, text = LB_BUF_INIT;
    int rc = 0;
    if (lb_pub_unescape(rest, (size_t)(sp - rest), &key) < 0 ||
        !lb_pub_name_ok(lb_buf_str(&key), key.len)) {
        lb_buf q = LB_BUF_INIT;
        quote(&q, lb_buf_str(&key), key.len);
        rc = fail(err, errn,
                  "'%s' is not a value name (a name is letters, digits, '-' and '_', as in "
                  "lb_value(\"naive_us\", ...))",
                  lb_buf_str(&q));
        lb_buf_free(&q);
    } else if (lb_pub_unescape(sp + 1, len - (size_t)(sp + 1 - rest), &text) < 0) {
        rc = fail(err, errn, "the text of value '%s' is not escaped properly", key.ptr);
    }
    if (rc == 0) {
        for (size_t i = 0; i < r->nvalues; i++) {
            if (strcmp(r->values[i].key, key.ptr) == 0) {
                free(r->values[i].text);
                r->values[i].text = lb_buf_detach(&text);
                lb_buf_free(&key);
                return 0;
            }
        }
        if (r->nvalues == LB_RESULTS_MAX_VALUES) {
            rc = fail(err, errn, "more than %d values", LB_RESULTS_MAX_VALUES);
        } else {
            r->values = lb_xrealloc(r->values, (r->nvalues + 1) * sizeof *r->values);
            r->values[r->nvalues].key = lb_buf_detach(&key);
            r->values[r->nvalues].text = lb_buf_detach(&text);
            if (!r->values[r->nvalues].text)
                r->values[r->nvalues].text = lb_xstrdup("");
            r->nvalues++;
        }
    }
    lb_buf_free(&key);
    lb_buf_free(&text);
    return rc;
}

static int add_claim(lb_result *r, const char *rest, size_t len, char *err, size_t errn)
{
    int held;
    size_t i;
    if (len >= 5 && memcmp(rest, "held ", 5) == 0) {
        held = 1;
        i = 5;
    } else if (len >= 7 && memcmp(rest, "failed ", 7) == 0) {
        held = 0;
        i = 7;
    } else {
        return fail(err, errn, "a claim record is 'claim held|failed LINE TEXT'");
    }
    long line = 0;
    size_t digits = 0;
    for (; i < len && rest[i] >= '0' && rest[i] <= '9' && digits < 9; i++, digits++)
        line = line * 10 + (rest[i] - '0');
    if (digits == 0 || i >= len || rest[i] != ' ')
        return fail(err, errn, "a claim record without its line number or text");
    lb_buf text = LB_BUF_INIT;
    if (lb_pub_unescape(rest + i + 1, len - i - 1, &text) < 0) {
        lb_buf_free(&text);
        return fail(err, errn, "the text of the claim at line %ld is not escaped properly", line);
    }
    r->claims = lb_xrealloc(r->claims, (r->nclaims + 1) * sizeof *r->claims);
    lb_pub_claim *c = &r->claims[r->nclaims++];
    c->held = held;
    c->line = (int)line;
    c->text = text.ptr ? lb_buf_detach(&text) : lb_xstrdup("");
    return 0;
}

int lb_pub_add(lb_result *r, const char *kind, const char *rest, size_t len, char *err, size_t errn)
{
    if (strcmp(kind, "value") == 0)
        return add_value(r, rest, len, err, errn);
    if (strcmp(kind, "claim") == 0)
        return add_claim(r, rest, len, err, errn);
    return fail(err, errn, "unknown record '%.20s'", kind);
}

int lb_pub_parse(const char *text, size_t len, lb_result *r, char *err, size_t errn)
{
    int lineno = 0;
    for (size_t pos = 0; pos < len;) {
        lineno++;
        const char *p = text + pos;
        const char *nl = memchr(p, '\n', len - pos);
        char why[512];
        if (!nl) {
            fail(why, sizeof why, "an incomplete record (no newline at its end)");
        } else {
            size_t n = (size_t)(nl - p);
            const char *sp = memchr(p, ' ', n);
            size_t kn = sp ? (size_t)(sp - p) : n;
            char kind[8] = "";
            if (kn < sizeof kind)
                memcpy(kind, p, kn), kind[kn] = '\0';
            if (!sp || lb_pub_add(r, kind, sp + 1, n - kn - 1, why, sizeof why) < 0) {
                if (!sp || !kind[0])
                    fail(why, sizeof why, "not a record ('value KEY TEXT' or 'claim ...')");
            } else {
                pos += n + 1;
                continue;
            }
        }
        return fail(err, errn, "line %d: %s", lineno, why);
    }
    return 0;
}

void lb_pub_format_value(const lb_pub_value *v, lb_buf *out)
{
    lb_pub_escape(v->key, strlen(v->key), 1, out);
    lb_buf_putc(out, ' ');
    lb_pub_escape(v->text, strlen(v->text), 0, out);
}

void lb_pub_format_claim(const lb_pub_claim *c, lb_buf *out)
{
    lb_buf_printf(out, "%s %d ", c->held ? "held" : "failed", c->line);
    lb_pub_escape(c->text, strlen(c->text), 0, out);
}

const lb_pub_value *lb_pub_find(const lb_result *r, const char *key)
{
    for (size_t i = 0; i < r->nvalues; i++)
        if (strcmp(r->values[i].key, key) == 0)
            return &r->values[i];
    return NULL;
}

int lb_pub_collect(const char *dir, lb_result *r, char *err, size_t errn)
{
    lb_buf path = LB_BUF_INIT, text = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/" LB_RESULTS_FILE, dir);
    int rc = 0;
    if (lb_read_file(path.ptr, &text) < 0) {
        if (errno != ENOENT)
            rc = fail(err, errn, "cannot read its published values: %s", strerror(errno));
    } else if (text.len > LB_RESULTS_MAX_BYTES) {
        rc = fail(err, errn, "it published more than %u bytes of values and claims",
                  LB_RESULTS_MAX_BYTES);
    } else {
        char why[600];
        if (lb_pub_parse(lb_buf_str(&text), text.len, r, why, sizeof why) < 0)
            rc = fail(err, errn, "what it published is malformed: %s", why);
    }
    unlink(path.ptr);
    lb_buf_free(&path);
    lb_buf_free(&text);
    return rc;
}

int lb_pub_claim_column(const char *line, size_t len)
{
    static const char *const calls[] = {"lb_claim", "litbook.claim", "claim("};
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        size_t m = strlen(calls[k]);
        for (size_t i = 0; i + m <= len; i++)
            if (memcmp(line + i, calls[k], m) == 0)
                return (int)i + 1;
    }
    return 1;
}
