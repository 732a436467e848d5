#include "texmath.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"
#include "node.h"
#include "spawn.h"

typedef struct {
    int display, line, col;
} math_pos;

static cmark_syntax_extension *ext;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void free_pos(cmark_mem *mem, void *p)
{
    (void)mem;
    free(p);
}

/* The character at pos of the inline parser's text, or -1 past its end
 * (the API's peek_at does not check bounds; set_offset + is_eof do). */
static int char_at(cmark_inline_parser *ip, int pos)
{
    int save = cmark_inline_parser_get_offset(ip);
    cmark_inline_parser_set_offset(ip, pos);
    int c = cmark_inline_parser_is_eof(ip) ? -1 : cmark_inline_parser_peek_char(ip);
    cmark_inline_parser_set_offset(ip, save);
    return c;
}

static int is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The position of the $ (or $$) closing a formula whose TeX starts at
 * from, or -1. A backslash escapes the next character (\$ is a dollar in
 * TeX too). */
static int find_close(cmark_inline_parser *ip, int from, int display)
{
    for (int i = from, c; (c = char_at(ip, i)) >= 0; i++) {
        if (c == '\\') {
            i++;
            continue;
        }
        if (c == '`')
            return -1; /* TeX has no backticks: a code span starts here */
        if (c != '$')
            continue;
        if (display) {
            if (char_at(ip, i + 1) == '$')
                return i > from ? i : -1;
            continue;
        }
        if (i > from && !is_space(char_at(ip, i - 1)) && !isdigit(char_at(ip, i + 1) & 0xff))
            return i;
    }
    return -1;
}

static cmark_node *match(cmark_syntax_extension *self, cmark_parser *parser, cmark_node *parent,
                         unsigned char c, cmark_inline_parser *ip)
{
    (void)parser;
    (void)parent;
    if (c != '$')
        return NULL;
    int at = cmark_inline_parser_get_offset(ip);
    int display = char_at(ip, at + 1) == '$';
    int from = at + 1 + display;
    if (!display && (char_at(ip, from) < 0 || is_space(char_at(ip, from))))
        return NULL;
    int end = find_close(ip, from, display);
    if (end < 0)
        return NULL;
    lb_buf tex = LB_BUF_INIT;
    for (int i = from; i < end; i++)
        lb_buf_putc(&tex, (char)char_at(ip, i));
    math_pos *pos = lb_xmalloc(sizeof *pos);
    pos->display = display;
    pos->line = cmark_inline_parser_get_line(ip);
    pos->col = cmark_inline_parser_get_column(ip);
    cmark_node *n = cmark_node_new(CMARK_NODE_CODE);
    cmark_node_set_literal(n, lb_buf_str(&tex));
    lb_buf_free(&tex);
    cmark_node_set_syntax_extension(n, self);
    cmark_node_set_user_data(n, pos);
    cmark_node_set_user_data_free_func(n, free_pos);
    cmark_inline_parser_set_offset(ip, end + 1 + display);
    return n;
}

static void setup(void)
{
    ext = cmark_syntax_extension_new("litbook-math");
    cmark_syntax_extension_set_match_inline_func(ext, match);
    cmark_llist *chars = cmark_llist_append(cmark_get_default_mem_allocator(), NULL, (void *)'$');
    cmark_syntax_extension_set_special_inline_chars(ext, chars);
}

cmark_syntax_extension *lb_math_extension(void)
{
    pthread_once(&once, setup);
    return ext;
}

int lb_math_node(cmark_node *node, int *display, int *line, int *col)
{
    if (cmark_node_get_type(node) != CMARK_NODE_CODE ||
        cmark_node_get_syntax_extension(node) != lb_math_extension())
        return 0;
    const math_pos *p = cmark_node_get_user_data(node);
    if (display)
        *display = p->display;
    if (line)
        *line = p->line;
    if (col)
        *col = p->col;
    return 1;
}

int lb_math_block(cmark_node *node)
{
    if (cmark_node_get_type(node) != CMARK_NODE_CODE_BLOCK)
        return 0;
    const char *info = cmark_node_get_fence_info(node);
    return info && strncmp(info, "math", 4) == 0 && (!info[4] || isspace((unsigned char)info[4]));
}

/* One formula of the chapter. */
typedef struct {
    cmark_node *node;
    int display, line, col;
    char key[33];
    char *html; /* KaTeX's output, owned; NULL until known */
} formula;

/* The node script: NUL-separated records ("D" or "I", then the TeX) on
 * stdin; for each, "OK <bytes>\n<html>" or "ERR <bytes>\n<message>" on
 * stdout, so that no JSON needs decoding here. */
static const char script[] =
    "const katex = require('katex');\n"
    "const chunks = [];\n"
    "process.stdin.on('data', d => chunks.push(d));\n"
    "process.stdin.on('end', () => {\n"
    "  const recs = Buffer.concat(chunks).toString('utf8').split('\\0');\n"
    "  const out = [];\n"
    "  for (const r of recs) {\n"
    "    if (!r) continue;\n"
    "    let s, tag = 'OK';\n"
    "    try { s = katex.renderToString(r.slice(1), {displayMode: r[0] === 'D',\n"
    "                                   throwOnError: true, strict: false}); }\n"
    "    catch (e) { tag = 'ERR'; s = String(e && e.message || e); }\n"
    "    out.push(Buffer.from(tag + ' ' + Buffer.byteLength(s) + '\\n' + s));\n"
    "  }\n"
    "  process.stdout.write(Buffer.concat(out));\n"
    "});\n";

static char version[64];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

/* The version is part of every cache key: a KaTeX upgrade renders every
 * formula again. "none" when KaTeX is not installed. */
static void read_version(void)
{
    lb_buf b = LB_BUF_INIT;
    const char *v = NULL;
    snprintf(version, sizeof version, "none");
    if (lb_read_file("/usr/share/nodejs/katex/package.json", &b) == 0)
        v = strstr(lb_buf_str(&b), "\"version\"");
    if (v && (v = strchr(v + 9, '"'))) {
        const char *e = strchr(v + 1, '"');
        if (e && e - v - 1 < (long)sizeof version - 1)
            snprintf(version, sizeof version, "%.*s", (int)(e - v - 1), v + 1);
    }
    lb_buf_free(&b);
}

static const char *katex_version(void)
{
    pthread_once(&version_once, read_version);
    return version;
}

/* Collects the chapter's formulas in document order. Caller frees. */
static formula *collect(cmark_node *root, size_t *n)
{
    size_t cap = 0;
    formula *v = NULL;
    *n = 0;
    cmark_iter *it = cmark_iter_new(root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        formula f = {.node = node};
        if (ev != CMARK_EVENT_ENTER)
            continue;
        if (lb_math_block(node)) {
            f.display = 1;
            f.line = cmark_node_get_start_line(node);
            f.col = cmark_node_get_start_column(node);
        } else if (!lb_math_node(node, &f.display, &f.line, &f.col)) {
            continue;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            v = lb_xrealloc(v, cap * sizeof *v);
        }
        v[(*n)++] = f;
    }
    cmark_iter_free(it);
    return v;
}

static const char *tex_of(const formula *f)
{
    const char *t = cmark_node_get_literal(f->node);
    return t ? t : "";
}

static void cache_path(const char *cache_dir, const char *key, lb_buf *out)
{
    lb_buf_printf(out, "%s/math/%s.html", cache_dir, key);
}

/* Reads "TAG BYTES\n" at *p of the reply; returns the tag's kind (1 OK,
 * 0 ERR, -1 malformed) and the payload in *s, *len. */
static int next_reply(const char **p, const char *end, const char **s, size_t *len)
{
    int ok = end - *p > 3 && memcmp(*p, "OK ", 3) == 0;
    int err = !ok && end - *p > 4 && memcmp(*p, "ERR ", 4) == 0;
    if (!ok && !err)
        return -1;
    char *q;
    unsigned long n = strtoul(*p + (ok ? 3 : 4), &q, 10);
    if (*q != '\n' || n > (size_t)(end - q - 1))
        return -1;
    *s = q + 1;
    *len = n;
    *p = q + 1 + n;
    return ok;
}

/* Runs KaTeX on the formulas of v without HTML yet. */
static int run_katex(lb_chapter *ch, formula *v, size_t n, lb_diag *d)
{
    lb_buf in = LB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (v[i].html)
            continue;
        lb_buf_putc(&in, v[i].display ? 'D' : 'I');
        lb_buf_puts(&in, tex_of(&v[i]));
        lb_buf_putc(&in, '\0');
    }
    lb_spawn_result r;
    int started = lb_node_run(script, in.ptr, in.len, &r) == 0;
    lb_buf_free(&in);
    int rc = 0;
    if (!started || !r.exited || r.exit_code != 0) {
        int missing = !started || strstr(lb_buf_str(&r.err), "Cannot find module");
        size_t i = 0;
        while (v[i].html)
            i++;
        lb_diag_set(d, LB_ERROR, ch->path, v[i].line, v[i].col,
                    "this chapter has math, and KaTeX could not render it: %s%s",
                    missing ? "Node.js or KaTeX is not installed" : "node failed",
                    missing ? " (apt-get install nodejs katex)" : "");
        lb_spawn_result_free(&r);
        return -1;
    }
    const char *p = lb_buf_str(&r.out), *end = p + r.out.len;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (v[i].html)
            continue;
        const char *s;
        size_t len;
        int kind = next_reply(&p, end, &s, &len);
        if (kind == 1) {
            v[i].html = lb_xstrndup(s, len);
        } else {
            lb_diag_set(d, LB_ERROR, ch->path, v[i].line, v[i].col, "%s: %.*s",
                        kind == 0 ? "KaTeX rejects this formula" : "KaTeX gave no answer",
                        kind == 0 ? (int)(len > 600 ? 600 : len) : 0, kind == 0 ? s : "");
            rc = -1;
        }
    }
    lb_spawn_result_free(&r);
    return rc;
}

static void replace(formula *f)
{
    int block = cmark_node_get_type(f->node) == CMARK_NODE_CODE_BLOCK;
    cmark_node *h = cmark_node_new(block ? CMARK_NODE_HTML_BLOCK : CMARK_NODE_HTML_INLINE);
    lb_buf b = LB_BUF_INIT;
    if (block)
        lb_buf_printf(&b, "<div class=\"math-display\">%s</div>\n", f->html);
    else
        lb_buf_puts(&b, f->html);
    cmark_node_set_literal(h, lb_buf_str(&b));
    lb_buf_free(&b);
    cmark_node_replace(f->node, h);
    cmark_node_free(f->node);
    f->node = NULL;
}

int lb_math_render(lb_chapter *ch, const char *cache_dir, lb_diag *d)
{
    size_t n;
    formula *v = collect(ch->doc, &n);
    if (n == 0) {
        free(v);
        return 0;
    }
    ch->has_math = 1;
    size_t missing = 0;
    lb_buf p = LB_BUF_INIT, html = LB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        lb_hash h;
        lb_hash_init(&h);
        lb_hash_str(&h, "katex");
        lb_hash_str(&h, katex_version());
        lb_hash_str(&h, v[i].display ? "display" : "inline");
        lb_hash_str(&h, tex_of(&v[i]));
        lb_hash_hex(&h, v[i].key);
        lb_buf_reset(&p);
        lb_buf_reset(&html);
        if (cache_dir) {
            cache_path(cache_dir, v[i].key, &p);
            if (lb_read_file(p.ptr, &html) == 0)
                v[i].html = lb_buf_detach(&html);
        }
        missing += !v[i].html;
    }
    int rc = missing ? run_katex(ch, v, n, d) : 0;
    if (rc == 0 && missing && cache_dir) {
        lb_buf_reset(&p);
        lb_buf_printf(&p, "%s/math", cache_dir);
        lb_mkdirs(p.ptr);
        /* Written from here on: a formula already cached is not rewritten. */
        for (size_t i = 0; i < n; i++) {
            lb_buf_reset(&p);
            cache_path(cache_dir, v[i].key, &p);
            if (access(p.ptr, F_OK) != 0)
                lb_write_file_atomic(p.ptr, v[i].html, strlen(v[i].html));
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            replace(&v[i]);
        free(v[i].html);
    }
    free(v);
    lb_buf_free(&p);
    lb_buf_free(&html);
    return rc;
}

/* Appends the base64 of file, or returns -1. */
static int put_base64_file(const char *file, lb_buf *out)
{
    lb_buf data = LB_BUF_INIT;
    if (lb_read_file(file, &data) < 0) {
        lb_buf_free(&data);
        return -1;
    }
    lb_buf_put_base64(out, lb_buf_str(&data), data.len);
    lb_buf_free(&data);
    return 0;
}

int lb_katex_css(int inline_fonts, lb_buf *out)
{
    lb_buf css = LB_BUF_INIT;
    if (lb_read_file(LB_KATEX_DIST "/katex.min.css", &css) < 0) {
        lb_buf_free(&css);
        return -1;
    }
    /* Every src: list of an @font-face is cut to its woff2 font, which
     * every browser that runs the pages reads: a third of the files. */
    const char *p = lb_buf_str(&css);
    int rc = 0;
    for (const char *s; (s = strstr(p, "src:url(fonts/")) && rc == 0;) {
        const char *name = s + strlen("src:url(fonts/");
        const char *close = strchr(name, ')');
        const char *end = strpbrk(name, ";}");
        if (!close || !end || close > end) {
            rc = -1;
            break;
        }
        lb_buf_append(out, p, (size_t)(s - p));
        lb_buf_puts(out, "src:url(");
        if (inline_fonts) {
            lb_buf f = LB_BUF_INIT;
            lb_buf_printf(&f, "%s/fonts/%.*s", LB_KATEX_DIST, (int)(close - name), name);
            lb_buf_puts(out, "data:font/woff2;base64,");
            rc = put_base64_file(f.ptr, out);
            lb_buf_free(&f);
        } else {
            lb_buf_printf(out, "fonts/%.*s", (int)(close - name), name);
        }
        lb_buf_puts(out, ") format('woff2')");
        p = end;
    }
    lb_buf_puts(out, p);
    lb_buf_free(&css);
    return rc;
}

int lb_katex_copy(const char *assets_dir)
{
    lb_buf css = LB_BUF_INIT, path = LB_BUF_INIT, data = LB_BUF_INIT;
    int rc = lb_katex_css(0, &css);
    lb_buf_printf(&path, "%s/katex/fonts", assets_dir);
    if (rc == 0)
        rc = lb_mkdirs(path.ptr);
    lb_buf_reset(&path);
    lb_buf_printf(&path, "%s/katex/katex.css", assets_dir);
    if (rc == 0)
        rc = lb_write_file_if_changed(path.ptr, lb_buf_str(&css), css.len) < 0 ? -1 : 0;
    /* The fonts the stylesheet names: every url(fonts/...) left in it. */
    for (const char *p = lb_buf_str(&css); rc == 0 && (p = strstr(p, "url(fonts/"));) {
        p += strlen("url(fonts/");
        size_t n = strcspn(p, ")");
        lb_buf_reset(&path);
        lb_buf_reset(&data);
        lb_buf_printf(&path, "%s/fonts/%.*s", LB_KATEX_DIST, (int)n, p);
        rc = lb_read_file(path.ptr, &data);
        lb_buf_reset(&path);
        lb_buf_printf(&path, "%s/katex/fonts/%.*s", assets_dir, (int)n, p);
        if (rc == 0)
            rc = lb_write_file_if_changed(path.ptr, lb_buf_str(&data), data.len) < 0 ? -1 : 0;
    }
    lb_buf_free(&css);
    lb_buf_free(&path);
    lb_buf_free(&data);
    return rc;
}
