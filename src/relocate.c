#include "relocate.h"

#include <stdlib.h>
#include <string.h>

static int count_lines(const char *s)
{
    int n = 0;
    for (const char *p = s; p && *p; p++)
        n += *p == '\n';
    if (s && *s && s[strlen(s) - 1] != '\n')
        n++;
    return n;
}

void lb_origins_describe(const lb_chapter *ch, const lb_chunk *c, const char *used,
                         const char *program, lb_buf *out)
{
    if (!used) {
        lb_buf_printf(out, "%d %d \n", c->code_line, count_lines(program));
        return;
    }
    lb_buf_printf(out, "%d %d \n", c->code_line, count_lines(c->code));
    for (size_t i = 0; i < ch->nchunks; i++) {
        const lb_chunk *u = &ch->chunks[i];
        if (used[i] && u != c && u->info.name)
            lb_buf_printf(out, "%d %d %s\n", u->code_line, count_lines(u->code), u->info.name);
    }
}

typedef struct {
    int start, end, delta; /* lines [start, end) of the old build move by delta */
} shift;

typedef struct {
    shift *v;
    size_t n;
} shift_map;

/* The map from origins; lines that do not parse are skipped (a damaged
 * entry then shows old numbers, never crashes). */
static void parse_origins(const lb_chapter *ch, const lb_chunk *c, const char *origins,
                          shift_map *m)
{
    m->v = NULL;
    m->n = 0;
    size_t cap = 0;
    for (const char *p = origins; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = lb_xstrndup(p, len);
        char *end;
        long start = strtol(line, &end, 10);
        long n = end != line ? strtol(end, &end, 10) : -1;
        const lb_chunk *now = NULL;
        if (n >= 0 && start > 0 && start < (1L << 30) && n < (1L << 30) && *end == ' ')
            now = end[1] ? lb_chapter_find((lb_chapter *)ch, end + 1) : c;
        if (now) {
            if (m->n == cap) {
                cap = cap ? 2 * cap : 4;
                m->v = lb_xrealloc(m->v, cap * sizeof *m->v);
            }
            m->v[m->n++] = (shift){(int)start, (int)(start + n), now->code_line - (int)start};
        }
        free(line);
        p = nl ? nl + 1 : p + len;
    }
}

static int map_line(const shift_map *m, long line)
{
    for (size_t i = 0; i < m->n; i++)
        if (line >= m->v[i].start && line < m->v[i].end)
            return (int)line + m->v[i].delta;
    return (int)line;
}

/* If p starts with digits, appends them mapped and returns how many bytes
 * they were; else 0. */
static size_t put_mapped(const shift_map *m, const char *p, lb_buf *out, int *changed)
{
    size_t k = 0;
    long v = 0;
    while (p[k] >= '0' && p[k] <= '9' && k < 9)
        v = v * 10 + (p[k++] - '0');
    if (k == 0 || (p[k] >= '0' && p[k] <= '9'))
        return 0;
    int to = map_line(m, v);
    *changed += to != v;
    lb_buf_printf(out, "%d", to);
    return k;
}

/* At the start of a line: "line N: claim failed" or a GCC excerpt
 * " N | ". Returns the bytes consumed (the prefix and the number). */
static size_t line_start_form(const shift_map *m, const char *p, lb_buf *out, int *changed)
{
    static const char claim[] = "line ";
    if (strncmp(p, claim, 5) == 0) {
        const char *q = p + 5;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q > p + 5 && strncmp(q, ": claim failed", 14) == 0) {
            lb_buf_puts(out, claim);
            return 5 + put_mapped(m, p + 5, out, changed);
        }
        return 0;
    }
    size_t sp = strspn(p, " ");
    const char *q = p + sp;
    while (*q >= '0' && *q <= '9')
        q++;
    if (sp == 0 || q == p + sp || strncmp(q, " |", 2) != 0)
        return 0;
    lb_buf_append(out, p, sp);
    return sp + put_mapped(m, p + sp, out, changed);
}

static char *relocate(const shift_map *m, const char *path, const char *text, int *changed)
{
    lb_buf out = LB_BUF_INIT;
    size_t plen = strlen(path);
    int at_line_start = 1;
    for (const char *p = text; *p;) {
        size_t used = 0;
        if (at_line_start)
            used = line_start_form(m, p, &out, changed);
        if (!used && plen && strncmp(p, path, plen) == 0) {
            const char *q = p + plen;
            size_t tail = q[0] == ':' ? 1 : strncmp(q, "\", line ", 8) == 0 ? 8 : 0;
            if (tail) {
                lb_buf_append(&out, p, plen + tail);
                used = plen + tail;
                used += put_mapped(m, p + used, &out, changed);
            }
        }
        if (!used) {
            lb_buf_putc(&out, *p);
            used = 1;
        }
        at_line_start = p[used - 1] == '\n';
        p += used;
    }
    if (!out.ptr)
        lb_buf_puts(&out, "");
    return lb_buf_detach(&out);
}

char *lb_relocate_text(const lb_chapter *ch, const lb_chunk *c, const char *origins,
                       const char *text, int *changed)
{
    shift_map m;
    parse_origins(ch, c, origins, &m);
    int n = 0;
    char *r = relocate(&m, ch->path, text, &n);
    free(m.v);
    if (changed)
        *changed = n;
    return r;
}

static void relocate_field(const shift_map *m, const char *path, char **field, size_t *len,
                           int *changed)
{
    if (!*field)
        return;
    char *r = relocate(m, path, *field, changed);
    free(*field);
    *field = r;
    if (len)
        *len = strlen(r);
}

int lb_relocate_result(const lb_chapter *ch, const lb_chunk *c, const char *origins, lb_result *r)
{
    shift_map m;
    parse_origins(ch, c, origins, &m);
    int changed = 0;
    int moved = 0;
    for (size_t i = 0; i < m.n; i++)
        moved |= m.v[i].delta != 0;
    if (moved) {
        relocate_field(&m, ch->path, &r->compile_log, NULL, &changed);
        relocate_field(&m, ch->path, &r->detail, NULL, &changed);
        relocate_field(&m, ch->path, &r->failure, NULL, &changed);
        /* stderr may hold NULs: only a text without them is rewritten */
        if (r->err && strlen(r->err) == r->err_len)
            relocate_field(&m, ch->path, &r->err, &r->err_len, &changed);
        for (size_t i = 0; i < r->nclaims; i++) {
            int to = map_line(&m, r->claims[i].line);
            changed += to != r->claims[i].line;
            r->claims[i].line = to;
        }
    }
    free(m.v);
    return changed;
}
