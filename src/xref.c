#include "xref.h"
#include "engines.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "idset.h"
#include "render.h"
#include "suggest.h"

/* What a heading node carries from here to the page (its user data). */
typedef struct {
    char *id, *number;
} heading_info;

static void free_heading(cmark_mem *mem, void *p)
{
    (void)mem;
    heading_info *h = p;
    free(h->id);
    free(h->number);
    free(h);
}

const char *lb_heading_id(cmark_node *heading, const char **number)
{
    const heading_info *h = cmark_node_get_type(heading) == CMARK_NODE_HEADING
                                ? cmark_node_get_user_data(heading)
                                : NULL;
    if (number)
        *number = h ? h->number : NULL;
    return h ? h->id : NULL;
}

static void add_target(lb_xrefs *x, const char *name, const char *label, const char *anchor,
                       size_t chapter)
{
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->v = lb_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] =
        (lb_xref_target){lb_xstrdup(name), lb_xstrdup(label), lb_xstrdup(anchor), chapter};
}

static int name_char(int c)
{
    return isalnum(c) || c == '-' || c == '_';
}

/* An explicit {#name} at the end of the heading's last text: removed from
 * the text, returned (caller frees), or NULL. */
static char *explicit_id(cmark_node *heading)
{
    cmark_node *t = cmark_node_last_child(heading);
    if (!t || cmark_node_get_type(t) != CMARK_NODE_TEXT)
        return NULL;
    const char *s = cmark_node_get_literal(t);
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n < 4 || s[n - 1] != '}')
        return NULL;
    size_t open = n - 1;
    while (open && s[open - 1] != '{')
        open--;
    if (!open || s[open] != '#' || open + 2 > n - 1)
        return NULL;
    for (size_t i = open + 1; i < n - 1; i++)
        if (!name_char((unsigned char)s[i]))
            return NULL;
    char *id = lb_xstrndup(s + open + 1, n - 1 - open - 1);
    size_t keep = open - 1;
    while (keep && s[keep - 1] == ' ')
        keep--;
    char *rest = lb_xstrndup(s, keep);
    cmark_node_set_literal(t, rest);
    free(rest);
    return id;
}

/* Headings: ids (unique in the page, chunk names kept) and numbers. */
static void number_headings(lb_chapter *ch, size_t chapno, size_t k, lb_xrefs *x)
{
    /* Chunk names first: a heading never takes a chunk's anchor. */
    lb_idset ids = LB_IDSET_INIT;
    for (size_t i = 0; i < ch->nchunks; i++)
        lb_idset_add(&ids, ch->chunks[i].anchor);
    lb_buf text = LB_BUF_INIT, id = LB_BUF_INIT, label = LB_BUF_INIT;
    int sec = 0, sub = 0;
    for (cmark_node *n = cmark_node_first_child(ch->doc); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) != CMARK_NODE_HEADING)
            continue;
        int level = cmark_node_get_heading_level(n);
        char *want = explicit_id(n);
        lb_buf_reset(&text);
        lb_buf_reset(&id);
        lb_node_text(n, &text);
        if (want)
            lb_buf_puts(&id, want);
        else
            lb_slugify(lb_buf_str(&text), &id);
        free(want);
        lb_idset_unique(&ids, &id);
        heading_info *h = lb_xcalloc(1, sizeof *h);
        h->id = lb_xstrdup(lb_buf_str(&id));
        lb_buf_reset(&label);
        if (chapno && level == 2) {
            sec++, sub = 0;
            lb_buf_printf(&label, "%zu.%d", chapno, sec);
        } else if (chapno && level == 3 && sec) {
            lb_buf_printf(&label, "%zu.%d.%d", chapno, sec, ++sub);
        }
        if (label.len)
            h->number = lb_xstrdup(lb_buf_str(&label));
        lb_buf_reset(&label);
        if (!chapno)
            lb_buf_puts(&label, lb_buf_str(&text));
        else if (level == 1)
            lb_buf_printf(&label, "Chapter %zu", chapno);
        else if (h->number)
            lb_buf_printf(&label, "Section %s", h->number);
        else
            lb_buf_puts(&label, lb_buf_str(&text));
        add_target(x, h->id, lb_buf_str(&label), h->id, k);
        cmark_node_set_user_data(n, h);
        cmark_node_set_user_data_free_func(n, free_heading);
    }
    lb_idset_free(&ids);
    lb_buf_free(&text);
    lb_buf_free(&id);
    lb_buf_free(&label);
}

static void number_chunks(lb_chapter *ch, size_t chapno, size_t k, lb_xrefs *x)
{
    int fig = 0, lst = 0;
    lb_buf label = LB_BUF_INIT;
    for (size_t i = 0; i < ch->nchunks; i++) {
        lb_chunk *c = &ch->chunks[i];
        if (!c->info.name)
            continue;
        lb_buf_reset(&label);
        int is_fig = c->opts.engine && (c->opts.engine->flags & LB_ENG_FIGURE) &&
                     strncmp(c->info.name, "fig-", 4) == 0;
        const char *kind = is_fig ? "Figure" : "Listing";
        int num = is_fig ? ++fig : ++lst;
        if (chapno)
            lb_buf_printf(&label, "%s %zu.%d", kind, chapno, num);
        else
            lb_buf_printf(&label, "%s %d", kind, num);
        c->xref_label = lb_xstrdup(lb_buf_str(&label));
        add_target(x, c->info.name, c->xref_label, c->anchor, k);
    }
    lb_buf_free(&label);
}

static const char *page_of(const lb_chapter *ch)
{
    return ch->slug;
}

/* The target for name seen from chapter k; NULL with *d filled. */
static const lb_xref_target *resolve(const lb_chapter *chapters, const lb_xrefs *x, size_t k,
                                     const char *name, int line, int col, lb_diag *d)
{
    const lb_xref_target *other = NULL;
    size_t nother = 0;
    for (size_t i = 0; i < x->n; i++) {
        if (strcmp(x->v[i].name, name) != 0)
            continue;
        if (x->v[i].chapter == k)
            return &x->v[i];
        other = &x->v[i];
        nother++;
    }
    if (nother == 1)
        return other;
    const lb_chapter *ch = &chapters[k];
    if (nother > 1) {
        lb_diag_set(d, LB_ERROR, ch->path, line, col,
                    "'@%s' is ambiguous: %zu chapters have a figure, listing or section of that "
                    "name, and this one has none; rename one of them",
                    name, nother);
        return NULL;
    }
    const char **cands = lb_xcalloc(x->n + 1, sizeof *cands);
    size_t nc = 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->v[i].chapter == k)
            cands[nc++] = x->v[i].name;
    for (size_t i = 0; i < x->n; i++)
        if (x->v[i].chapter != k)
            cands[nc++] = x->v[i].name;
    const char *near = lb_suggest(name, cands);
    lb_buf hint = LB_BUF_INIT;
    if (near)
        lb_buf_printf(&hint, " (did you mean '@%s'?)", near);
    const char *fig = "figure";
    for (size_t i = 0; i < lb_engine_count(); i++)
        if (lb_engine_at(i)->flags & LB_ENG_FIGURE)
            fig = lb_engine_at(i)->name;
    lb_diag_set(d, LB_ERROR, ch->path, line, col,
                "unresolved reference '@%s': no figure, listing or section of the book has that "
                "name%s; name a chunk {#%s} (a figure: a %s chunk {#fig-...}), or write a "
                "heading's anchor",
                name, lb_buf_str(&hint), name, fig);
    lb_buf_free(&hint);
    free(cands);
    return NULL;
}

static void put_link(lb_buf *b, const lb_chapter *chapters, size_t k, const lb_xref_target *t)
{
    lb_buf_puts(b, "<a class=\"xref\" href=\"");
    if (t->chapter != k)
        lb_buf_printf(b, "%s.html", page_of(&chapters[t->chapter]));
    lb_buf_printf(b, "#%s\">", t->anchor);
    lb_buf_put_html(b, t->label, strlen(t->label));
    lb_buf_puts(b, "</a>");
}

static void insert_text(cmark_node *before, const char *s, size_t n)
{
    if (!n)
        return;
    cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
    char *lit = lb_xstrndup(s, n);
    cmark_node_set_literal(t, lit);
    free(lit);
    cmark_node_insert_before(before, t);
}

/* Whether the text before offset i of node t ends a word (so that an @
 * there would be part of an e-mail address or a handle). */
static int glued(cmark_node *t, const char *s, size_t i)
{
    if (i > 0)
        return isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.' || s[i - 1] == '@';
    cmark_node *p = cmark_node_previous(t);
    if (!p || cmark_node_get_type(p) != CMARK_NODE_TEXT)
        return 0;
    const char *ps = cmark_node_get_literal(p);
    size_t n = strlen(ps);
    return n && (isalnum((unsigned char)ps[n - 1]) || ps[n - 1] == '.');
}

/* Rewrites the references in text node t of chapter k. */
static int refs_in_text(const lb_chapter *chapters, const lb_xrefs *x, size_t k, cmark_node *t,
                        lb_diag *d)
{
    const char *s = cmark_node_get_literal(t);
    if (!s || !strchr(s, '@'))
        return 0;
    lb_buf html = LB_BUF_INIT;
    size_t copied = 0;
    int changed = 0;
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != '@' || !isalpha((unsigned char)s[i + 1]) || glued(t, s, i))
            continue;
        size_t e = i + 1;
        while (name_char((unsigned char)s[e]))
            e++;
        while (e > i + 2 && (s[e - 1] == '-' || s[e - 1] == '_'))
            e--; /* "see @fig-a--" is a dash of prose */
        char *name = lb_xstrndup(s + i + 1, e - i - 1);
        const lb_xref_target *tg = resolve(chapters, x, k, name, cmark_node_get_start_line(t),
                                           cmark_node_get_start_column(t) + (int)i, d);
        free(name);
        if (!tg) {
            lb_buf_free(&html);
            return -1;
        }
        insert_text(t, s + copied, i - copied);
        lb_buf_reset(&html);
        put_link(&html, chapters, k, tg);
        cmark_node *h = cmark_node_new(CMARK_NODE_HTML_INLINE);
        cmark_node_set_literal(h, lb_buf_str(&html));
        cmark_node_insert_before(t, h);
        copied = e;
        i = e - 1;
        changed = 1;
    }
    if (changed) {
        insert_text(t, s + copied, strlen(s + copied));
        cmark_node_unlink(t);
        cmark_node_free(t);
    }
    lb_buf_free(&html);
    return 0;
}

static int has_anchor(const lb_chapter *ch, const lb_xrefs *x, size_t k, const char *a)
{
    for (size_t i = 0; i < x->n; i++)
        if (x->v[i].chapter == k && strcmp(x->v[i].anchor, a) == 0)
            return 1;
    for (size_t i = 0; i < ch->nchunks; i++)
        if (strcmp(ch->chunks[i].anchor, a) == 0)
            return 1;
    return 0;
}

/* A link to NAME.md: to the chapter's page, anchor checked. */
static int chapter_link(const lb_chapter *chapters, size_t n, const lb_xrefs *x, size_t k,
                        cmark_node *link, lb_diag *d)
{
    const char *url = cmark_node_get_url(link);
    if (!lb_url_is_local(url))
        return 0;
    const char *hash = strchr(url, '#');
    size_t plen = hash ? (size_t)(hash - url) : strlen(url);
    if (plen < 4 || memcmp(url + plen - 3, ".md", 3) != 0)
        return 0;
    const char *base = url;
    for (const char *p = url; p < url + plen; p++)
        if (*p == '/')
            base = p + 1;
    size_t blen = (size_t)(url + plen - base);
    const lb_chapter *from = &chapters[k];
    int line = cmark_node_get_start_line(link), col = cmark_node_get_start_column(link);
    for (size_t j = 0; j < n; j++) {
        const char *f = strrchr(chapters[j].path, '/');
        f = f ? f + 1 : chapters[j].path;
        if (strlen(f) != blen || memcmp(f, base, blen) != 0)
            continue;
        if (hash && hash[1] && !has_anchor(&chapters[j], x, j, hash + 1)) {
            lb_diag_set(d, LB_ERROR, from->path, line, col,
                        "link to '%s': %s has no heading or chunk with the anchor '%s'", url,
                        chapters[j].path, hash + 1);
            return -1;
        }
        lb_buf u = LB_BUF_INIT;
        lb_buf_printf(&u, "%s.html%s", chapters[j].slug, hash && hash[1] ? hash : "");
        cmark_node_set_url(link, lb_buf_str(&u));
        lb_buf_free(&u);
        return 0;
    }
    const char **names = lb_xcalloc(n + 1, sizeof *names);
    for (size_t j = 0; j < n; j++) {
        const char *f = strrchr(chapters[j].path, '/');
        names[j] = f ? f + 1 : chapters[j].path;
    }
    char *want = lb_xstrndup(base, blen);
    const char *near = lb_suggest(want, names);
    lb_diag_set(d, LB_ERROR, from->path, line, col,
                "link to '%s', which is not a chapter of the book%s%s%s", url,
                near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
    free(want);
    free(names);
    return -1;
}

/* The text nodes outside links and images, and the links, of the tree. */
static int walk(const lb_chapter *chapters, size_t n, const lb_xrefs *x, size_t k, lb_diag *d)
{
    size_t cap = 0, nt = 0;
    cmark_node **texts = NULL;
    int in_link = 0, in_image = 0, rc = 0;
    cmark_iter *it = cmark_iter_new(chapters[k].doc);
    cmark_event_type ev;
    while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type ty = cmark_node_get_type(node);
        if (ty == CMARK_NODE_LINK || ty == CMARK_NODE_IMAGE) {
            in_link += ev == CMARK_EVENT_ENTER ? 1 : -1;
            if (ty == CMARK_NODE_IMAGE)
                in_image += ev == CMARK_EVENT_ENTER ? 1 : -1;
            /* A link in an image's description shows as text only. */
            if (ty == CMARK_NODE_LINK && ev == CMARK_EVENT_ENTER && !in_image)
                rc = chapter_link(chapters, n, x, k, node, d);
        } else if (ty == CMARK_NODE_TEXT && !in_link) {
            if (nt == cap) {
                cap = cap ? cap * 2 : 64;
                texts = lb_xrealloc(texts, cap * sizeof *texts);
            }
            texts[nt++] = node;
        }
    }
    cmark_iter_free(it);
    for (size_t i = 0; i < nt && rc == 0; i++)
        rc = refs_in_text(chapters, x, k, texts[i], d);
    free(texts);
    return rc;
}

int lb_xref_resolve(lb_chapter *chapters, size_t n, lb_xrefs *x, lb_diag *d)
{
    memset(x, 0, sizeof *x);
    size_t chapno = 0;
    for (size_t k = 0; k < n; k++) {
        size_t num = chapters[k].is_index ? 0 : ++chapno;
        number_headings(&chapters[k], num, k, x);
        number_chunks(&chapters[k], num, k, x);
    }
    for (size_t k = 0; k < n; k++)
        if (walk(chapters, n, x, k, d) < 0)
            return -1;
    return 0;
}

void lb_xrefs_free(lb_xrefs *x)
{
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].name);
        free(x->v[i].label);
        free(x->v[i].anchor);
    }
    free(x->v);
    memset(x, 0, sizeof *x);
}
