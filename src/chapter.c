#include "chapter.h"
#include "engines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fsutil.h"
#include "gfm.h"
#include "texmath.h"

/* Byte offsets of line starts, so a node's line number leads back to the
 * raw text (cmark unescapes info strings; we need them as written). */
typedef struct {
    size_t *start;
    size_t n;
} line_index;

static void index_lines(const lb_buf *src, line_index *li)
{
    size_t cap = 64;
    li->start = lb_xmalloc(cap * sizeof *li->start);
    li->n = 0;
    li->start[li->n++] = 0;
    /* CommonMark ends a line at "\n", "\r\n" or a lone "\r", and cmark
     * numbers lines so: count them the same way. */
    for (size_t i = 0; i < src->len; i++) {
        if (src->ptr[i] != '\n' && src->ptr[i] != '\r')
            continue;
        if (src->ptr[i] == '\r' && i + 1 < src->len && src->ptr[i + 1] == '\n')
            i++;
        if (li->n == cap) {
            cap *= 2;
            li->start = lb_xrealloc(li->start, cap * sizeof *li->start);
        }
        li->start[li->n++] = i + 1;
    }
}

/* Line `line` (1-based) without its line ending. */
static const char *get_line(const lb_buf *src, const line_index *li, int line, size_t *len)
{
    if (line < 1 || (size_t)line > li->n) {
        *len = 0;
        return "";
    }
    size_t b = li->start[line - 1];
    size_t e = (size_t)line < li->n ? li->start[line] - 1 : src->len;
    if (e > b && src->ptr[e - 1] == '\r')
        e--;
    *len = e - b;
    return src->ptr + b;
}

void lb_node_text(cmark_node *node, lb_buf *out)
{
    cmark_iter *it = cmark_iter_new(node);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        switch (cmark_node_get_type(n)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            lb_buf_puts(out, cmark_node_get_literal(n));
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            lb_buf_putc(out, ' ');
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
}

static char *make_slug(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".md") == 0)
        n -= 3;
    return lb_xstrndup(base, n);
}

/* Where the info string starts on the fence line, and the raw info text.
 * The fence begins at or after column col (1-based). */
typedef struct {
    char *info;   /* raw, trimmed; owned by the caller */
    int info_col; /* 1-based column of its first byte */
    char *prefix; /* text before the fence (container markers) */
} fence_info;

static void read_fence(const char *line, size_t len, int col, fence_info *fi)
{
    size_t i = col > 0 ? (size_t)col - 1 : 0;
    if (i > len)
        i = len;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    fi->prefix = lb_xstrndup(line, i);
    char fc = i < len ? line[i] : '`';
    while (i < len && line[i] == fc)
        i++;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t e = len;
    while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        e--;
    fi->info = lb_xstrndup(line + i, e - i);
    fi->info_col = (int)i + 1;
}

static int is_output_block(cmark_node *n)
{
    if (!n || cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK)
        return 0;
    const char *info = cmark_node_get_fence_info(n);
    if (!info)
        return 0;
    size_t k = strcspn(info, " \t{");
    return k == 6 && strncmp(info, "output", 6) == 0;
}

/* Whether line `line` of the source closes a fence: cmark reports the last
 * line of an unclosed block as its end, which --update must not eat. */
static int closes_fence(const lb_buf *src, const line_index *li, int line)
{
    size_t len;
    const char *s = get_line(src, li, line, &len);
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '>' || s[i] == '\t'))
        i++;
    size_t k = i;
    while (k < len && (s[k] == '`' || s[k] == '~'))
        k++;
    if (k - i < 3)
        return 0;
    while (k < len && (s[k] == ' ' || s[k] == '\t'))
        k++;
    return k == len;
}

/* The language word of a fence as CommonMark decodes it (backslash
 * escapes and entities resolved: `foo\+bar` is "foo+bar"), i.e. the first
 * word of the node's info string, up to a '{' as lb_info_parse reads it.
 * The caller frees the result. */
static char *decoded_lang(cmark_node *node)
{
    const char *info = cmark_node_get_fence_info(node);
    if (!info)
        return lb_xstrdup("");
    while (*info == ' ' || *info == '\t')
        info++;
    size_t word = strcspn(info, " \t");
    size_t n = strcspn(info, " \t{");
    /* ```c{#name} is an engine's word and its group; any other word keeps
     * its braces as cmark shows them (knitr's ```{r}, ```py3{a=b}). */
    char *lang = lb_xstrndup(info, n);
    if (n < word && !lb_engine_for_lang(lang)) {
        free(lang);
        lang = lb_xstrndup(info, word);
    }
    return lang;
}

/* cmark_node_get_fenced writes through every pointer it is given. */
static int is_fenced(cmark_node *n)
{
    int length = 0, offset = 0;
    char fc = 0;
    return cmark_node_get_fenced(n, &length, &offset, &fc) != 0;
}

static void add_output_block(lb_chunk *c, const lb_buf *src, const line_index *li)
{
    cmark_node *next = cmark_node_next(c->node);
    if (!is_output_block(next))
        return;
    c->out_node = next;
    c->out_line = cmark_node_get_start_line(next);
    int end = cmark_node_get_end_line(next);
    c->out_end_line = end > c->out_line && closes_fence(src, li, end) ? end : 0;
    c->expected = lb_xstrdup(cmark_node_get_literal(next) ? cmark_node_get_literal(next) : "");
}

/* Chunk names seen so far, hashed, so that checking for duplicates stays
 * linear in the number of chunks (a chapter may hold thousands). Open
 * addressing; slots hold chunk index + 1, 0 when empty. */
typedef struct {
    size_t *slot;
    size_t cap, n; /* cap is a power of two, kept at least twice n */
} name_table;

static size_t name_hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void name_grow(name_table *t, const lb_chapter *ch)
{
    size_t *old = t->slot, oldcap = t->cap;
    t->cap = oldcap ? oldcap * 2 : 64;
    t->slot = lb_xcalloc(t->cap, sizeof *t->slot);
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i])
            continue;
        size_t k = name_hash(ch->chunks[old[i] - 1].info.name) & (t->cap - 1);
        while (t->slot[k])
            k = (k + 1) & (t->cap - 1);
        t->slot[k] = old[i];
    }
    free(old);
}

/* Adds chunk idx's name; returns idx, or the index of the chunk that
 * already has that name. */
static size_t name_add(name_table *t, const lb_chapter *ch, size_t idx)
{
    if (2 * (t->n + 1) > t->cap)
        name_grow(t, ch);
    const char *name = ch->chunks[idx].info.name;
    size_t k = name_hash(name) & (t->cap - 1);
    for (; t->slot[k]; k = (k + 1) & (t->cap - 1))
        if (strcmp(ch->chunks[t->slot[k] - 1].info.name, name) == 0)
            return t->slot[k] - 1;
    t->slot[k] = idx + 1;
    t->n++;
    return idx;
}

static int load_chunk(lb_chapter *ch, cmark_node *n, const line_index *li, name_table *names,
                      lb_diag *d)
{
    lb_chunk *c = &ch->chunks[ch->nchunks];
    memset(c, 0, sizeof *c);
    c->index = ch->nchunks++;
    c->node = n;
    c->line = cmark_node_get_start_line(n);
    c->col = cmark_node_get_start_column(n);
    c->code_line = c->line + 1;
    const char *lit = cmark_node_get_literal(n);
    c->code = lb_xstrdup(lit ? lit : "");

    size_t len;
    const char *line = get_line(&ch->src, li, c->line, &len);
    fence_info fi;
    read_fence(line, len, c->col, &fi);
    c->prefix = fi.prefix;
    /* The engine is chosen by the language word as CommonMark decodes it;
     * the {...} group is litbook's own syntax with its own escapes (\" and
     * \\ inside quotes, BOOK-FORMAT.md), so it is read as written on the
     * fence line, which also makes every error column the file's. */
    char *lang = decoded_lang(n);
    lb_engine eng = lb_engine_for_lang(lang);
    lb_attr_error ae = {0, ""};
    int rc = lb_info_parse(fi.info, &c->info, &ae);
    free(fi.info);
    if (rc != 0 && !eng) {
        /* A fence with no engine is only displayed: its info string may be
         * meant for another tool (```js title="app.js", knitr's ```{r}),
         * and is never an error. It shows as a plain listing. */
        lb_info_free(&c->info);
        rc = 0;
    }
    free(c->info.lang);
    c->info.lang = lang;
    if (rc == 0)
        rc = lb_opts_from_info(&c->info, eng, &c->opts, &ae);
    if (rc == 0)
        rc = lb_fails_check_chunk(c, &ae);
    if (rc != 0) {
        lb_diag_set(d, LB_ERROR, ch->path, c->line, fi.info_col + (ae.col > 0 ? ae.col - 1 : 0),
                    "%s", ae.msg);
        return -1;
    }
    if (c->info.name) {
        size_t first = name_add(names, ch, c->index);
        if (first != c->index) {
            lb_diag_set(d, LB_ERROR, ch->path, c->line, fi.info_col + c->info.name_col - 1,
                        "duplicate chunk name '%s' (first used at line %d); names must be "
                        "unique within a chapter",
                        c->info.name, ch->chunks[first].line);
            return -1;
        }
    }
    lb_buf b = LB_BUF_INIT;
    if (c->info.name)
        lb_buf_puts(&b, c->info.name);
    else
        lb_buf_printf(&b, "chunk-%zu", c->index + 1);
    c->anchor = lb_buf_detach(&b);
    if (c->info.name)
        lb_buf_printf(&b, "%s#%s", ch->path, c->info.name);
    else
        lb_buf_printf(&b, "%s:%d", ch->path, c->line);
    c->label = lb_buf_detach(&b);
    add_output_block(c, &ch->src, li);
    return 0;
}

/* Collects chunks: every fenced code block that is not an output block
 * belonging to the chunk just before it. */
static int load_chunks(lb_chapter *ch, const line_index *li, lb_diag *d)
{
    size_t cap = 0;
    cmark_iter *it = cmark_iter_new(ch->doc);
    cmark_event_type ev;
    cmark_node *claimed = NULL; /* the output block of the previous chunk */
    int rc = 0, errors = 0;
    name_table names = {NULL, 0, 0};
    /* An input error does not stop the reading: every chunk's attributes
     * are checked, so three typos take one build, not three. All errors
     * but the last are printed here (up to LB_MAX_INPUT_ERRORS); the last
     * is left in *d for the caller, as when there is one. */
    while (errors < LB_MAX_INPUT_ERRORS && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK)
            continue;
        /* Only fenced blocks are chunks (cmark's own record of the fence,
         * not a guess from the line: indented text may hold ```c); an
         * indented code block is text, ```math a formula. */
        if (n == claimed || !is_fenced(n) || lb_math_block(n))
            continue;
        if (ch->nchunks == cap) {
            cap = cap ? cap * 2 : 16;
            ch->chunks = lb_xrealloc(ch->chunks, cap * sizeof *ch->chunks);
        }
        lb_diag one = {LB_ERROR, NULL, 0, 0, ""};
        if (load_chunk(ch, n, li, &names, &one) < 0) {
            if (errors++ > 0)
                lb_diag_print(stderr, d, lb_diag_stderr_color());
            *d = one;
            rc = -1;
        }
        if (ch->nchunks > 0)
            claimed = ch->chunks[ch->nchunks - 1].out_node;
    }
    cmark_iter_free(it);
    free(names.slot);
    return rc;
}

static void find_title(lb_chapter *ch)
{
    for (cmark_node *n = cmark_node_first_child(ch->doc); n; n = cmark_node_next(n)) {
        if (cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1) {
            lb_buf b = LB_BUF_INIT;
            lb_node_text(n, &b);
            ch->title = lb_buf_detach(&b);
            return;
        }
    }
    ch->title = lb_xstrdup(ch->slug);
}

static void start_chapter(const char *path, lb_chapter *ch)
{
    memset(ch, 0, sizeof *ch);
    ch->path = lb_xstrdup(path);
    ch->slug = make_slug(path);
    ch->dir = realpath(path, NULL);
    if (ch->dir && strrchr(ch->dir, '/'))
        *strrchr(ch->dir, '/') = '\0';
    ch->is_index = strcmp(ch->slug, "index") == 0;
}

static int parse_chapter(lb_chapter *ch, lb_diag *d)
{
    /* The front matter is YAML, not Markdown: cmark gets its lines blank,
     * so that every line number stays the file's. */
    ch->fm_lines = lb_frontmatter_lines(lb_buf_str(&ch->src), ch->src.len);
    if (ch->fm_lines) {
        lb_buf md = LB_BUF_INIT;
        const char *s = lb_buf_str(&ch->src);
        size_t i = 0;
        for (int k = 0; k < ch->fm_lines && i < ch->src.len; i++)
            if (s[i] == '\n') {
                lb_buf_putc(&md, '\n');
                k++;
            }
        lb_buf_append(&md, s + i, ch->src.len - i);
        ch->doc = lb_md_parse(lb_buf_str(&md), md.len);
        lb_buf_free(&md);
    } else {
        ch->doc = lb_md_parse(lb_buf_str(&ch->src), ch->src.len);
    }
    find_title(ch);
    line_index li;
    index_lines(&ch->src, &li);
    int rc = load_chunks(ch, &li, d);
    free(li.start);
    return rc;
}

int lb_chapter_load(const char *path, lb_chapter *ch, lb_diag *d)
{
    start_chapter(path, ch);
    if (lb_read_file(path, &ch->src) < 0) {
        lb_diag_set(d, LB_ERROR, ch->path, 0, 0, "cannot read: %s", strerror(errno));
        return -1;
    }
    return parse_chapter(ch, d);
}

int lb_chapter_load_mem(const char *path, const char *text, size_t len, lb_chapter *ch, lb_diag *d)
{
    start_chapter(path, ch);
    lb_buf_append(&ch->src, text, len);
    return parse_chapter(ch, d);
}

lb_chunk *lb_chapter_find(lb_chapter *ch, const char *name)
{
    for (size_t i = 0; i < ch->nchunks; i++)
        if (ch->chunks[i].info.name && strcmp(ch->chunks[i].info.name, name) == 0)
            return &ch->chunks[i];
    return NULL;
}

void lb_chapter_free(lb_chapter *ch)
{
    for (size_t i = 0; i < ch->nchunks; i++) {
        lb_chunk *c = &ch->chunks[i];
        free(c->prefix);
        lb_info_free(&c->info);
        lb_opts_free(&c->opts);
        free(c->code);
        free(c->expected);
        free(c->anchor);
        free(c->label);
        free(c->xref_label);
        lb_result_free(&c->res);
    }
    free(ch->chunks);
    if (ch->doc)
        cmark_node_free(ch->doc);
    lb_buf_free(&ch->src);
    free(ch->path);
    free(ch->slug);
    free(ch->dir);
    free(ch->title);
    memset(ch, 0, sizeof *ch);
}
