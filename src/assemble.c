#include "assemble.h"

#include <stdlib.h>
#include <string.h>

int lb_parse_reference(const char *line, size_t len, size_t *indent, const char **name,
                       size_t *name_len)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t e = len;
    while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    if (e - i < 5 || strncmp(line + i, "<<", 2) != 0 || strncmp(line + e - 2, ">>", 2) != 0)
        return 0;
    for (size_t k = i + 2; k < e - 2; k++) {
        char ch = line[k];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '-' || ch == '_';
        if (!ok)
            return 0;
    }
    *indent = i;
    *name = line + i + 2;
    *name_len = e - i - 4;
    return 1;
}

typedef struct {
    lb_chapter *ch;
    const lb_assemble_opts *o;
    lb_buf *out;
    lb_diag *d;
    char *active;  /* per chunk: 1 while being expanded (cycle check) */
    int next_line; /* the source line the output would continue with, or -1 */
} asm_state;

static void map_line(asm_state *st, int line)
{
    lb_linemap *m = st->o->map;
    if (!m)
        return;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = lb_xrealloc(m->v, m->cap * sizeof *m->v);
    }
    m->v[m->n++] = line;
}

static void emit_line_directive(asm_state *st, const lb_chunk *c, int line)
{
    if (!st->o->line_directives || st->next_line == line)
        return;
    map_line(st, 0);
    const char *file = st->ch->path;
    if (st->o->relative) {
        /* "@name" is not a path: nothing compiles this text. */
        lb_buf_printf(st->out, "#line %d \"@%s\"\n", line - c->code_line + 1, c->anchor);
        return;
    }
    /* The path goes in a C string literal: escape what C needs escaped. */
    lb_buf_printf(st->out, "#line %d \"", line);
    for (const char *p = file; *p; p++) {
        if (*p == '"' || *p == '\\')
            lb_buf_putc(st->out, '\\');
        lb_buf_putc(st->out, *p);
    }
    lb_buf_puts(st->out, "\"\n");
}

static int expand(asm_state *st, lb_chunk *c, const char *indent, size_t indent_len);

static int expand_reference(asm_state *st, lb_chunk *c, int line, const char *text, size_t indent,
                            const char *name, size_t name_len, const char *outer_indent,
                            size_t outer_len)
{
    char *nm = lb_xstrndup(name, name_len);
    lb_chunk *ref = lb_chapter_find(st->ch, nm);
    int rc = 0;
    if (!ref) {
        lb_diag_set(st->d, LB_ERROR, st->ch->path, line, (int)indent + 1,
                    "chunk '%s' refers to <<%s>>, which no chunk of this chapter defines",
                    c->info.name ? c->info.name : c->anchor, nm);
        rc = -1;
    } else if (st->active[ref->index]) {
        lb_diag_set(st->d, LB_ERROR, st->ch->path, line, (int)indent + 1,
                    "<<%s>> refers to itself through a cycle of references", nm);
        rc = -1;
    } else {
        /* The reference's own indentation, after the indentation we are
         * already inside, prefixes every line of the expansion. */
        size_t n = outer_len + indent;
        char *ind = lb_xmalloc(n + 1);
        memcpy(ind, outer_indent, outer_len);
        memcpy(ind + outer_len, text, indent);
        ind[n] = '\0';
        rc = expand(st, ref, ind, n);
        free(ind);
    }
    free(nm);
    return rc;
}

static int expand(asm_state *st, lb_chunk *c, const char *indent, size_t indent_len)
{
    st->active[c->index] = 1;
    if (st->o->used)
        st->o->used[c->index] = 1;
    const char *p = c->code;
    int line = c->code_line;
    int rc = 0;
    while (rc == 0 && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t ind, name_len;
        const char *name;
        if (lb_parse_reference(p, len, &ind, &name, &name_len)) {
            rc = expand_reference(st, c, line, p, ind, name, name_len, indent, indent_len);
        } else {
            emit_line_directive(st, c, line);
            if (len > 0)
                lb_buf_append(st->out, indent, indent_len);
            lb_buf_append(st->out, p, len);
            lb_buf_putc(st->out, '\n');
            map_line(st, line);
            st->next_line = line + 1;
        }
        line++;
        p = nl ? nl + 1 : p + len;
    }
    st->active[c->index] = 0;
    return rc;
}

int lb_assemble(lb_chapter *ch, lb_chunk *c, const lb_assemble_opts *o, lb_buf *out, lb_diag *d)
{
    asm_state st = {ch, o, out, d, lb_xcalloc(ch->nchunks, 1), -1};
    int rc = expand(&st, c, "", 0);
    free(st.active);
    return rc;
}
