#include "values.h"
#include "engines.h"

#include <stdlib.h>
#include <string.h>

#include "texmath.h"
#include "published.h"
#include "suggest.h"

int lb_value_ref_parse(const char *lit, char **chunk, char **key)
{
    *chunk = *key = NULL;
    size_t n = lit ? strlen(lit) : 0;
    if (n < 3 || strncmp(lit, "{=", 2) != 0 || lit[n - 1] != '}' || strpbrk(lit, " \t\r\n"))
        return 0;
    const char *name = lit + 2, *end = lit + n - 1;
    const char *dot = memchr(name, '.', (size_t)(end - name));
    if (!dot || !lb_pub_name_ok(name, (size_t)(dot - name)) ||
        !lb_pub_name_ok(dot + 1, (size_t)(end - dot - 1)))
        return -1;
    *chunk = lb_xstrndup(name, (size_t)(dot - name));
    *key = lb_xstrndup(dot + 1, (size_t)(end - dot - 1));
    return 1;
}

void lb_value_refs_free(lb_value_refs *refs)
{
    for (size_t i = 0; i < refs->n; i++) {
        free(refs->v[i].chunk);
        free(refs->v[i].key);
    }
    free(refs->v);
    refs->v = NULL;
    refs->n = 0;
}

/* Whether chunk c can never publish a value; if so, why (appended to
 * why when not NULL). */
static int never_runs(const lb_chunk *c, lb_buf *why)
{
    const char *r = NULL;
    if (!c->opts.engine)
        r = "it is only displayed, never run";
    else if (!c->opts.engine->value_call)
        r = "its engine publishes none";
    else if (c->opts.eval == LB_EVAL_NO)
        r = "it has eval=false";
    else if (c->opts.eval == LB_EVAL_COMPILE)
        r = "it has eval=compile: it is compiled, not run";
    if (r && why && c->opts.engine && !c->opts.engine->value_call)
        lb_buf_printf(why, "it is a %s chunk, which publishes none", c->opts.engine->name);
    else if (r && why)
        lb_buf_puts(why, r);
    return r != NULL;
}

static int check_ref(lb_chapter *ch, const lb_value_ref *r, lb_diag *d)
{
    const lb_chunk *c = lb_chapter_find(ch, r->chunk);
    if (!c) {
        const char **names = lb_xcalloc(ch->nchunks + 1, sizeof *names);
        size_t k = 0;
        for (size_t i = 0; i < ch->nchunks; i++)
            if (ch->chunks[i].info.name && !never_runs(&ch->chunks[i], NULL))
                names[k++] = ch->chunks[i].info.name;
        const char *near = lb_suggest(r->chunk, names);
        lb_buf hint = LB_BUF_INIT;
        if (near)
            lb_buf_printf(&hint, " (did you mean '%s'?)", near);
        lb_diag_set(d, LB_ERROR, ch->path, r->line, r->col,
                    "`{=%s.%s}` quotes a value of chunk '%s', but this chapter has no chunk of "
                    "that name%s",
                    r->chunk, r->key, r->chunk, lb_buf_str(&hint));
        lb_buf_free(&hint);
        free(names);
        return -1;
    }
    lb_buf why = LB_BUF_INIT;
    if (never_runs(c, &why)) {
        lb_diag_set(d, LB_ERROR, ch->path, r->line, r->col,
                    "`{=%s.%s}` quotes a value of chunk '%s' (line %d), which publishes none: %s",
                    r->chunk, r->key, r->chunk, c->line, why.ptr);
        lb_buf_free(&why);
        return -1;
    }
    lb_buf_free(&why);
    return 0;
}

/* The code spans under root that are references (or meant as ones), in
 * document order. Caller frees the array. */
static cmark_node **code_spans(cmark_node *root, size_t *n)
{
    size_t cap = 0;
    cmark_node **v = NULL;
    *n = 0;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_CODE ||
            lb_math_node(node, NULL, NULL, NULL))
            continue;
        char *chunk, *key;
        int kind = lb_value_ref_parse(cmark_node_get_literal(node), &chunk, &key);
        free(chunk);
        free(key);
        if (kind == 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            v = lb_xrealloc(v, cap * sizeof *v);
        }
        v[(*n)++] = node;
    }
    cmark_iter_free(it);
    return v;
}

int lb_values_scan(lb_chapter *ch, lb_value_refs *out, lb_diag *d)
{
    memset(out, 0, sizeof *out);
    size_t n;
    cmark_node **spans = code_spans(ch->doc, &n);
    int rc = 0;
    out->v = lb_xcalloc(n ? n : 1, sizeof *out->v);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *lit = cmark_node_get_literal(spans[i]);
        lb_value_ref *r = &out->v[out->n];
        r->line = cmark_node_get_start_line(spans[i]);
        r->col = cmark_node_get_start_column(spans[i]);
        if (lb_value_ref_parse(lit, &r->chunk, &r->key) < 0) {
            lb_diag_set(d, LB_ERROR, ch->path, r->line, r->col,
                        "`%.200s` is not a value reference: write `{=CHUNK.KEY}`, CHUNK a "
                        "chunk's name and KEY a value it publishes (letters, digits, '-' "
                        "and '_')",
                        lit);
            rc = -1;
            break;
        }
        out->n++;
        rc = check_ref(ch, r, d);
    }
    free(spans);
    return rc;
}

/* "a, b and c", or "nothing": what chunk c published. */
static void list_keys(const lb_result *res, lb_buf *out)
{
    if (res->nvalues == 0) {
        lb_buf_puts(out, "it published no values");
        return;
    }
    lb_buf_puts(out, "it published: ");
    for (size_t i = 0; i < res->nvalues; i++) {
        if (i)
            lb_buf_puts(out, ", ");
        lb_buf_puts(out, res->values[i].key);
    }
}

int lb_value_ref_missing(lb_chapter *ch, const lb_value_ref *r, lb_diag *d)
{
    const lb_chunk *c = lb_chapter_find(ch, r->chunk);
    if (!c || c->res.status != LB_RES_OK || !c->res.ran || lb_pub_find(&c->res, r->key))
        return 0;
    lb_buf have = LB_BUF_INIT;
    list_keys(&c->res, &have);
    const char *call = c->opts.engine->value_call;
    lb_buf fix = LB_BUF_INIT;
    lb_buf_printf(&fix, call, r->key);
    lb_diag_set(d, LB_ERROR, ch->path, r->line, r->col,
                "chunk '%s' published no value '%s' (%s); publish it with %s", r->chunk, r->key,
                have.ptr, fix.ptr);
    lb_buf_free(&have);
    lb_buf_free(&fix);
    return 1;
}

/* A value that cannot be shown: "n/a", visibly, and why in its title;
 * never a number that this build did not measure. */
static void not_available(lb_buf *out, const char *why)
{
    lb_buf_puts(out, "<span class=\"lb-value lb-na\" title=\"not available: ");
    lb_buf_put_html(out, why, strlen(why));
    lb_buf_puts(out, "\">n/a</span>");
}

void lb_value_html(lb_chapter *ch, const char *chunk, const char *key, lb_buf *out)
{
    const lb_chunk *c = lb_chapter_find(ch, chunk);
    const lb_result *r = c ? &c->res : NULL;
    const lb_pub_value *v = r && r->status == LB_RES_OK && r->ran ? lb_pub_find(r, key) : NULL;
    lb_buf t = LB_BUF_INIT;
    if (v) {
        lb_buf_printf(&t, "measured by chunk %s", chunk);
        if (r->recorded)
            lb_buf_printf(&t, ", %s", r->recorded);
        lb_buf_puts(out, "<span class=\"lb-value\" title=\"");
        lb_buf_put_html(out, t.ptr, t.len);
        lb_buf_puts(out, "\">");
        lb_buf_put_html(out, v->text, strlen(v->text));
        lb_buf_puts(out, "</span>");
    } else {
        if (!r)
            lb_buf_printf(&t, "there is no chunk %s", chunk);
        else if (r->status == LB_RES_NOT_RUN && r->not_run_reason)
            lb_buf_printf(&t, "chunk %s was not run here (%s)", chunk, r->not_run_reason);
        else if (r->status == LB_RES_NOT_RUN)
            lb_buf_printf(&t, "chunk %s was not run here", chunk);
        else if (r->status == LB_RES_FAILED)
            lb_buf_printf(&t, "chunk %s failed", chunk);
        else if (r->status == LB_RES_OK && r->ran)
            lb_buf_printf(&t, "chunk %s published no value '%s'", chunk, key);
        else
            lb_buf_printf(&t, "chunk %s did not run in this build", chunk);
        not_available(out, t.ptr);
    }
    lb_buf_free(&t);
}

void lb_values_splice(cmark_node *root, lb_chapter *ch)
{
    size_t n;
    cmark_node **spans = code_spans(root, &n);
    lb_buf html = LB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        char *chunk, *key;
        if (lb_value_ref_parse(cmark_node_get_literal(spans[i]), &chunk, &key) == 1) {
            lb_buf_reset(&html);
            lb_value_html(ch, chunk, key, &html);
            cmark_node *h = cmark_node_new(CMARK_NODE_HTML_INLINE);
            cmark_node_set_literal(h, lb_buf_str(&html));
            cmark_node_replace(spans[i], h);
            cmark_node_free(spans[i]);
        }
        free(chunk);
        free(key);
    }
    lb_buf_free(&html);
    free(spans);
}

/* Appends the plain text a value reference stands for (as lb_value_html
 * shows it, without the markup). */
static void value_text(lb_chapter *ch, const char *chunk, const char *key, lb_buf *out)
{
    const lb_chunk *c = lb_chapter_find(ch, chunk);
    const lb_result *r = c ? &c->res : NULL;
    const lb_pub_value *v = r && r->status == LB_RES_OK && r->ran ? lb_pub_find(r, key) : NULL;
    lb_buf_puts(out, v ? v->text : "n/a");
}

void lb_values_title(lb_chapter *ch)
{
    cmark_node *h = cmark_node_first_child(ch->doc);
    while (h &&
           !(cmark_node_get_type(h) == CMARK_NODE_HEADING && cmark_node_get_heading_level(h) == 1))
        h = cmark_node_next(h);
    if (!h)
        return;
    lb_buf t = LB_BUF_INIT;
    int refs = 0;
    cmark_iter *it = cmark_iter_new(h);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type type = cmark_node_get_type(n);
        char *chunk = NULL, *key = NULL;
        if (type == CMARK_NODE_CODE &&
            lb_value_ref_parse(cmark_node_get_literal(n), &chunk, &key) == 1) {
            value_text(ch, chunk, key, &t);
            refs++;
        } else if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) {
            lb_buf_puts(&t, cmark_node_get_literal(n));
        } else if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) {
            lb_buf_putc(&t, ' ');
        }
        free(chunk);
        free(key);
    }
    cmark_iter_free(it);
    if (refs) { /* else it stays as find_title made it, byte for byte */
        free(ch->title);
        ch->title = lb_buf_detach(&t);
    }
    lb_buf_free(&t);
}
