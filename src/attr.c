#include "attr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Columns are byte offsets + 1: the caller adds the info string's own byte
 * offset within the fence line, so both must count the same unit. */
typedef struct {
    const char *s;
    size_t i;
    lb_info *out;
    lb_attr_error *err;
} parser;

static int col_of(size_t off)
{
    return (int)off + 1;
}

static int fail(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(parser *p, size_t off, const char *fmt, ...)
{
    if (p->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
        p->err->col = col_of(off);
    }
    return -1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* Where an item of the group stops: whitespace, the closing brace, or the
 * end of the string (an unclosed group is reported by the caller). */
static int ends_item(char c)
{
    return c == '\0' || c == '}' || is_ws(c);
}

static void skip_ws(parser *p)
{
    while (is_ws(p->s[p->i]))
        p->i++;
}

/* Describes one character for a message; printable ASCII quoted as is. */
static const char *show_char(char c, char *tmp, size_t n)
{
    unsigned char u = (unsigned char)c;
    if (u >= 0x20 && u < 0x7f)
        snprintf(tmp, n, "'%c'", c);
    else
        snprintf(tmp, n, "byte 0x%02x", u);
    return tmp;
}

/* Reads [letters digits - _]+ for a #name or .class; `what` names it in
 * messages. On success, start and len delimit it within p->s. */
static int read_ident(parser *p, const char *what, char sigil, size_t *start, size_t *len)
{
    size_t sig = p->i++;
    *start = p->i;
    while (is_ident(p->s[p->i]))
        p->i++;
    *len = p->i - *start;
    char tmp[16];
    if (!ends_item(p->s[p->i]))
        return fail(p, p->i, "bad character %s in %s; allowed: letters, digits, '-' and '_'",
                    show_char(p->s[p->i], tmp, sizeof tmp), what);
    if (*len == 0)
        return fail(p, sig, "empty %s after '%c'", what, sigil);
    return 0;
}

static int parse_name(parser *p)
{
    size_t hash = p->i, start, len;
    if (p->out->name)
        return fail(p, hash, "a chunk has only one name, and it is already '%s' (column %d)",
                    p->out->name, p->out->name_col);
    if (read_ident(p, "chunk name", '#', &start, &len) < 0)
        return -1;
    p->out->name = lb_xstrndup(p->s + start, len);
    p->out->name_col = col_of(hash);
    return 0;
}

static int parse_class(parser *p)
{
    size_t start, len;
    if (read_ident(p, "class name", '.', &start, &len) < 0)
        return -1;
    lb_info *o = p->out;
    o->classes = lb_xrealloc(o->classes, (o->nclasses + 1) * sizeof *o->classes);
    o->classes[o->nclasses++] = lb_xstrndup(p->s + start, len);
    return 0;
}

/* Reads a "..." value: only \" and \\ are escapes here. Any other backslash
 * is kept, so stdin="a\nb" reaches opts.c (which knows \n) intact. */
static int read_double_quoted(parser *p, lb_buf *v)
{
    size_t open = p->i++;
    for (;;) {
        char c = p->s[p->i];
        if (c == '\0')
            return fail(p, open, "unterminated \" quote: no closing '\"' before the end");
        if (c == '"')
            break;
        if (c == '\\' && (p->s[p->i + 1] == '"' || p->s[p->i + 1] == '\\'))
            c = p->s[++p->i];
        lb_buf_putc(v, c);
        p->i++;
    }
    p->i++;
    return 0;
}

/* Reads a '...' value: everything up to the next ' is taken literally. */
static int read_single_quoted(parser *p, lb_buf *v)
{
    size_t open = p->i++;
    const char *end = strchr(p->s + p->i, '\'');
    if (!end)
        return fail(p, open, "unterminated ' quote: no closing \"'\" before the end");
    lb_buf_append(v, p->s + p->i, (size_t)(end - (p->s + p->i)));
    p->i = (size_t)(end - p->s) + 1;
    return 0;
}

static int read_value(parser *p, const char *key, lb_buf *v)
{
    char c = p->s[p->i];
    char tmp[16];
    if (c == '"' || c == '\'') {
        if ((c == '"' ? read_double_quoted(p, v) : read_single_quoted(p, v)) < 0)
            return -1;
        if (!ends_item(p->s[p->i]))
            return fail(p, p->i,
                        "unexpected %s right after the quoted value of '%s'; "
                        "separate items with a space",
                        show_char(p->s[p->i], tmp, sizeof tmp), key);
        return 0;
    }
    if (ends_item(c))
        return fail(p, p->i, "missing value after '%s='; write %s=\"\" for an empty value", key,
                    key);
    size_t start = p->i;
    for (; !ends_item(p->s[p->i]); p->i++) {
        /* A quote in the middle of a bare value is almost always a typo
         * (a="x"y, libs=pthread"), not something meant literally. */
        if (p->s[p->i] == '"' || p->s[p->i] == '\'')
            return fail(p, p->i,
                        "stray %s inside the unquoted value of '%s'; quote the whole value",
                        show_char(p->s[p->i], tmp, sizeof tmp), key);
    }
    lb_buf_append(v, p->s + start, p->i - start);
    return 0;
}

static int parse_kv(parser *p)
{
    size_t kstart = p->i;
    char tmp[16];
    while (is_ident(p->s[p->i]))
        p->i++;
    size_t klen = p->i - kstart;
    char c = p->s[p->i];
    if (klen == 0 && c == '=')
        return fail(p, p->i, "empty option name before '='");
    if (c != '=' && !ends_item(c))
        return fail(p, p->i,
                    "bad character %s in option name; allowed: letters, digits, '-' and '_'",
                    show_char(c, tmp, sizeof tmp));
    char *key = lb_xstrndup(p->s + kstart, klen);
    if (c != '=') {
        fail(p, kstart, "option '%s' has no value; write %s=VALUE", key, key);
        free(key);
        return -1;
    }
    const lb_attr_kv *dup = lb_info_find(p->out, key);
    if (dup) {
        fail(p, kstart, "duplicate option '%s' (first given at column %d)", key, dup->col);
        free(key);
        return -1;
    }
    p->i++;
    lb_buf v = LB_BUF_INIT;
    if (read_value(p, key, &v) < 0) {
        free(key);
        lb_buf_free(&v);
        return -1;
    }
    lb_info *o = p->out;
    o->kvs = lb_xrealloc(o->kvs, (o->nkvs + 1) * sizeof *o->kvs);
    o->kvs[o->nkvs++] = (lb_attr_kv){key, lb_buf_detach(&v), col_of(kstart)};
    return 0;
}

static int parse_group(parser *p)
{
    size_t open = p->i++;
    for (;;) {
        skip_ws(p);
        char c = p->s[p->i];
        int rc;
        if (c == '\0')
            return fail(p, open, "attribute group is not closed: missing '}'");
        if (c == '}') {
            p->i++;
            return 0;
        }
        if (c == '#')
            rc = parse_name(p);
        else if (c == '.')
            rc = parse_class(p);
        else
            rc = parse_kv(p);
        if (rc < 0)
            return -1;
    }
}

int lb_info_parse(const char *info, lb_info *out, lb_attr_error *err)
{
    memset(out, 0, sizeof *out);
    if (err) {
        err->col = 0;
        err->msg[0] = '\0';
    }
    parser p = {info ? info : "", 0, out, err};
    skip_ws(&p);
    size_t lstart = p.i;
    while (p.s[p.i] && !is_ws(p.s[p.i]) && p.s[p.i] != '{')
        p.i++;
    out->lang = lb_xstrndup(p.s + lstart, p.i - lstart);
    skip_ws(&p);
    int had_group = p.s[p.i] == '{';
    if (had_group && parse_group(&p) < 0)
        return -1;
    skip_ws(&p);
    if (p.s[p.i] == '\0')
        return 0;
    if (!had_group)
        return fail(&p, p.i,
                    "unexpected text after the language '%s'; attributes go in one {...} "
                    "group, e.g. %s {#name key=value}",
                    out->lang, out->lang);
    if (p.s[p.i] == '{')
        return fail(&p, p.i, "a second attribute group; put all attributes in one {...}");
    return fail(&p, p.i, "unexpected text after the attribute group");
}

void lb_info_free(lb_info *info)
{
    free(info->lang);
    free(info->name);
    for (size_t i = 0; i < info->nclasses; i++)
        free(info->classes[i]);
    free(info->classes);
    for (size_t i = 0; i < info->nkvs; i++) {
        free(info->kvs[i].key);
        free(info->kvs[i].value);
    }
    free(info->kvs);
    memset(info, 0, sizeof *info);
}

const lb_attr_kv *lb_info_find(const lb_info *info, const char *key)
{
    for (size_t i = 0; i < info->nkvs; i++)
        if (strcmp(info->kvs[i].key, key) == 0)
            return &info->kvs[i];
    return NULL;
}

const char *lb_info_get(const lb_info *info, const char *key)
{
    const lb_attr_kv *kv = lb_info_find(info, key);
    return kv ? kv->value : NULL;
}
