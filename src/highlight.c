#include "highlight.h"

#include <stdlib.h>
#include <string.h>

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

void lb_hl_code(lb_highlighter *h, const char *lang, const char *code, lb_buf *out)
{
    const char *sl = lb_hl_language(lang);
    if (!h || !h->identity || !sl || !*code) {
        lb_buf_put_html(out, code, strlen(code));
        return;
    }
    lb_hash hash;
    lb_hash_init(&hash);
    lb_hash_str(&hash, HL_FORMAT);
    lb_hash_str(&hash, sl);
    lb_hash_str(&hash, code);
    lb_hash_str(&hash, h->identity);
    char key[33];
    lb_hash_hex(&hash, key);
    lb_buf path = LB_BUF_INIT, html = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/%s", h->dir, key);
    if (lb_read_file(path.ptr, &html) == 0) {
        lb_buf_append(out, lb_buf_str(&html), html.len);
    } else if (lb_buf_reset(&html), run_highlighter(h, sl, code, &html) == 0) {
        /* A failed write only costs a spawn on the next build. */
        if (lb_mkdirs(h->dir) == 0)
            lb_write_file_atomic(path.ptr, lb_buf_str(&html), html.len);
        lb_buf_append(out, lb_buf_str(&html), html.len);
    } else {
        lb_buf_put_html(out, code, strlen(code));
    }
    lb_buf_free(&path);
    lb_buf_free(&html);
}
