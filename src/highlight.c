#include "highlight.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"
#include "spawn.h"

/* Bumped when the markup we keep changes, so old cache entries are unused. */
#define HL_FORMAT "hl-1"

void lb_hl_init(lb_highlighter *h, const char *cache_dir)
{
    lb_buf d = LB_BUF_INIT;
    lb_buf_printf(&d, "%s/hl", cache_dir);
    h->dir = lb_buf_detach(&d);
    h->identity = lb_tool_identity(cache_dir, "source-highlight");
    h->spawned = 0;
}

void lb_hl_free(lb_highlighter *h)
{
    free(h->dir);
    free(h->identity);
    h->dir = h->identity = NULL;
}

const char *const lb_hl_languages[] = {"c", "cpp", "python", "sh", NULL};

const char *lb_hl_language(const char *lang)
{
    static const char *const map[][2] = {
        {"c", "c"},       {"h", "c"},   {"cpp", "cpp"}, {"c++", "cpp"},  {"python", "python"},
        {"py", "python"}, {"sh", "sh"}, {"bash", "sh"}, {"shell", "sh"},
    };
    if (!lang)
        return NULL;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(lang, map[i][0]) == 0)
            return map[i][1];
    return NULL; /* gnuplot among them: source-highlight has no definition */
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int lb_hl_extract(const char *html, lb_buf *out)
{
    static const char open[] = "<pre><tt>", close[] = "</tt></pre>",
                      normal[] = "<span class=\"normal\">";
    const char *p = strstr(html, open);
    if (!p)
        return -1;
    p += strlen(open);
    const char *end = NULL;
    for (const char *q = strstr(p, close); q; q = strstr(q + 1, close))
        end = q;
    if (!end)
        return -1;
    while (p < end) {
        if (starts(p, normal)) {
            /* A "normal" span holds plain text only: keep the text. */
            const char *text = p + strlen(normal);
            const char *stop = strstr(text, "</span>");
            if (!stop || stop > end)
                return -1;
            lb_buf_append(out, text, (size_t)(stop - text));
            p = stop + strlen("</span>");
        } else {
            const char *next = strstr(p + 1, normal);
            size_t n = (size_t)((next && next < end ? next : end) - p);
            lb_buf_append(out, p, n);
            p += n;
        }
    }
    return 0;
}

/* Runs source-highlight on code; 0 and the spans appended to out, or -1. */
static int run_highlighter(lb_highlighter *h, const char *lang, const char *code, lb_buf *out)
{
    char *argv[] = {"source-highlight", "--src-lang", (char *)lang,
                    "--out-format",     "html-css",   NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.stdin_data = code;
    req.stdin_len = strlen(code);
    req.timeout_s = 20;
    req.max_output = 16u << 20;
    lb_spawn_result res;
    int rc = lb_spawn_run(&req, &res);
    h->spawned++;
    if (rc == 0 && res.exited && res.exit_code == 0 && !res.out_dropped)
        rc = lb_hl_extract(lb_buf_str(&res.out), out);
    else
        rc = -1;
    lb_spawn_result_free(&res);
    return rc;
}

/* The cache file of one listing. */
static void cache_path(const lb_highlighter *h, const char *sl, const char *code, lb_buf *path)
{
    lb_hash hash;
    lb_hash_init(&hash);
    lb_hash_str(&hash, HL_FORMAT);
    lb_hash_str(&hash, sl);
    lb_hash_str(&hash, code);
    lb_hash_str(&hash, h->identity);
    char key[33];
    lb_hash_hex(&hash, key);
    lb_buf_printf(path, "%s/%s", h->dir, key);
}

static void store(const lb_highlighter *h, const char *path, const lb_buf *html)
{
    /* A failed write only costs a spawn on the next build. */
    if (lb_mkdirs(h->dir) == 0)
        lb_write_file_atomic(path, lb_buf_str(html), html->len);
}

/* Appends highlighted html to out with every '"' outside a tag written
 * &quot;, as cmark writes a listing's quotes (source-highlight leaves them
 * bare): a page's code text is then cmark's, spans aside. */
static void put_highlighted(lb_buf *out, const lb_buf *html)
{
    if (!html->len)
        return;
    int in_tag = 0;
    size_t from = 0; /* the text up to a quote is copied at once */
    for (size_t i = 0; i < html->len; i++) {
        char c = html->ptr[i];
        in_tag = c == '<' ? 1 : c == '>' ? 0 : in_tag;
        if (c == '"' && !in_tag) {
            lb_buf_append(out, html->ptr + from, i - from);
            lb_buf_puts(out, "&quot;");
            from = i + 1;
        }
    }
    lb_buf_append(out, html->ptr + from, html->len - from);
}

void lb_hl_code(lb_highlighter *h, const char *lang, const char *code, lb_buf *out)
{
    const char *sl = lb_hl_language(lang);
    if (!h || !h->identity || !sl || !*code) {
        lb_buf_put_html(out, code, strlen(code));
        return;
    }
    lb_buf path = LB_BUF_INIT, html = LB_BUF_INIT;
    cache_path(h, sl, code, &path);
    if (lb_read_file(path.ptr, &html) == 0) {
        put_highlighted(out, &html);
    } else if (lb_buf_reset(&html), run_highlighter(h, sl, code, &html) == 0) {
        store(h, path.ptr, &html);
        put_highlighted(out, &html);
    } else {
        lb_buf_put_html(out, code, strlen(code));
    }
    lb_buf_free(&path);
    lb_buf_free(&html);
}

/* The text a piece of highlighted HTML shows: tags dropped, the entities
 * source-highlight writes decoded. */
static void shown_text(const char *html, size_t n, lb_buf *out)
{
    static const char *const ents[][2] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&quot;", "\""}};
    for (size_t i = 0; i < n;) {
        if (html[i] == '<') {
            const char *e = memchr(html + i, '>', n - i);
            i = e ? (size_t)(e - html) + 1 : n;
            continue;
        }
        size_t k = 0;
        while (html[i] == '&' && k < 4 && strncmp(html + i, ents[k][0], strlen(ents[k][0])) != 0)
            k++;
        if (html[i] == '&' && k < 4) {
            lb_buf_puts(out, ents[k][1]);
            i += strlen(ents[k][0]);
        } else {
            lb_buf_putc(out, html[i++]);
        }
    }
}

/* Splits the batch's output at the marker lines into pieces and checks
 * that each shows exactly its listing; a marker swallowed by an open
 * comment or string fails the check. Stores the pieces; returns 0, or -1
 * when the batch cannot be trusted. */
static int split_batch(const lb_highlighter *h, const char *sl, const char *const *codes, size_t n,
                       const char *html, const char *marker)
{
    lb_buf sep = LB_BUF_INIT, text = LB_BUF_INIT, piece = LB_BUF_INIT, path = LB_BUF_INIT;
    lb_buf_printf(&sep, "\n%s\n", marker);
    const char *p = html;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *q = i + 1 < n ? strstr(p, sep.ptr) : p + strlen(p);
        if (!q) {
            rc = -1;
            break;
        }
        lb_buf_reset(&piece);
        lb_buf_append(&piece, p, (size_t)(q - p));
        if (i + 1 < n)
            lb_buf_putc(&piece, '\n'); /* the listing's own last newline */
        lb_buf_reset(&text);
        shown_text(lb_buf_str(&piece), piece.len, &text);
        if (strcmp(lb_buf_str(&text), codes[i]) != 0) {
            rc = -1;
            break;
        }
        lb_buf_reset(&path);
        cache_path(h, sl, codes[i], &path);
        store(h, path.ptr, &piece);
        p = q + (i + 1 < n ? sep.len : 0);
    }
    lb_buf_free(&sep);
    lb_buf_free(&text);
    lb_buf_free(&piece);
    lb_buf_free(&path);
    return rc;
}

void lb_hl_warm(lb_highlighter *h, const char *lang, const char *const *codes, size_t n)
{
    const char *sl = lb_hl_language(lang);
    if (!h || !h->identity || !sl)
        return;
    /* Only the listings the cache lacks, each ending in a newline (the
     * marker must stand on a line of its own). */
    const char **todo = lb_xcalloc(n ? n : 1, sizeof *todo);
    size_t k = 0;
    lb_buf path = LB_BUF_INIT, all = LB_BUF_INIT, html = LB_BUF_INIT;
    static const char marker[] = "LITBOOK_LISTING_BOUNDARY_7f3a9c";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(codes[i]);
        if (!len || codes[i][len - 1] != '\n' || strstr(codes[i], marker))
            continue;
        lb_buf_reset(&path);
        cache_path(h, sl, codes[i], &path);
        if (access(path.ptr, F_OK) == 0)
            continue;
        if (k)
            lb_buf_printf(&all, "%s\n", marker);
        lb_buf_puts(&all, codes[i]);
        todo[k++] = codes[i];
    }
    if (k > 1 && (run_highlighter(h, sl, lb_buf_str(&all), &html) != 0 ||
                  split_batch(h, sl, todo, k, lb_buf_str(&html), marker) != 0)) {
        /* Not trusted as a batch: one run per listing, as lb_hl_code does. */
        for (size_t i = 0; i < k; i++) {
            lb_buf scratch = LB_BUF_INIT;
            lb_hl_code(h, lang, todo[i], &scratch);
            lb_buf_free(&scratch);
        }
    } else if (k == 1) {
        lb_buf scratch = LB_BUF_INIT;
        lb_hl_code(h, lang, todo[0], &scratch);
        lb_buf_free(&scratch);
    }
    free(todo);
    lb_buf_free(&path);
    lb_buf_free(&all);
    lb_buf_free(&html);
}
