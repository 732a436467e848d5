#include "render.h"
#include "engines.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fails.h"
#include "split.h"

void lb_slugify(const char *text, lb_buf *out)
{
    size_t start = out->len;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (isalnum(*p)) {
            if (dash && out->len > start)
                lb_buf_putc(out, '-');
            dash = 0;
            lb_buf_putc(out, (char)tolower(*p));
        } else if (*p == ' ' || *p == '-' || *p == '_' || *p == '/' || *p == '.') {
            dash = 1;
        }
    }
    if (out->len == start)
        lb_buf_puts(out, "section");
}

static void put_html(lb_buf *b, const char *s)
{
    lb_buf_put_html(b, s, strlen(s));
}

static const char *lang_label(const char *lang)
{
    const lb_engine_def *e = lb_engine_find(lang);
    return e ? e->label : lang;
}

static int is_figure(const lb_chunk *c)
{
    return c->opts.engine && (c->opts.engine->flags & LB_ENG_FIGURE);
}

static void put_duration(lb_buf *b, double s)
{
    if (s < 1e-3)
        lb_buf_printf(b, "%.0f µs", s * 1e6);
    else if (s < 1)
        lb_buf_printf(b, "%.1f ms", s * 1e3);
    else
        lb_buf_printf(b, "%.2f s", s);
}

static void render_stream(lb_buf *b, const char *cls, const char *title, const char *s, size_t n,
                          size_t dropped)
{
    lb_buf_printf(b, "<div class=\"%s\"><div class=\"stream-label\">%s</div>", cls, title);
    if (n) {
        lb_buf_puts(b, "<pre>");
        lb_buf_put_html(b, s, n);
        lb_buf_puts(b, "</pre>");
    } else {
        /* An empty <pre> is dropped by some parsers; say it instead. */
        lb_buf_puts(b, "<p class=\"no-output\">(no output)</p>");
    }
    if (dropped)
        lb_buf_printf(b, "<p class=\"cut\">%zu more bytes were cut from this stream.</p>", dropped);
    lb_buf_puts(b, "</div>\n");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* min, median, max of n values (sorted in place). */
static void three(double *v, int n, double out[3])
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    out[0] = v[0];
    out[1] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    out[2] = v[n - 1];
}

static void render_timing(lb_buf *b, const lb_result *r)
{
    int n = r->nruns;
    if (n <= 0)
        return;
    double *v = lb_xmalloc((size_t)n * sizeof *v);
    static const char *const rows[] = {"wall time (ms)", "CPU time, user+sys (ms)",
                                       "peak RSS (MiB)"};
    lb_buf_printf(b,
                  "<table class=\"timing\"><caption>%d timed runs after one warm-up</caption>"
                  "<thead><tr><th></th><th>min</th><th>median</th><th>max</th></tr></thead>"
                  "<tbody>\n",
                  n);
    for (int row = 0; row < 3; row++) {
        for (int i = 0; i < n; i++)
            v[i] = row == 0   ? r->runs[i].wall_s * 1e3
                   : row == 1 ? r->runs[i].cpu_s * 1e3
                              : r->runs[i].maxrss_kb / 1024.0;
        double t[3];
        three(v, n, t);
        lb_buf_printf(b,
                      "<tr><th>%s</th><td class=\"num\">%.2f</td><td class=\"num\">%.2f</td>"
                      "<td class=\"num\">%.2f</td></tr>\n",
                      rows[row], t[0], t[1], t[2]);
    }
    lb_buf_puts(b, "</tbody></table>\n");
    free(v);
}

/* The claims the program checked, under its output, each marked held or
 * failed; texts escaped like any program output. */
static void render_claims(lb_buf *b, const lb_result *r)
{
    if (r->nclaims == 0)
        return;
    lb_buf_puts(b, "<ul class=\"claims\" aria-label=\"Claims checked by this run\">\n");
    for (size_t i = 0; i < r->nclaims; i++) {
        const lb_pub_claim *c = &r->claims[i];
        lb_buf_printf(b,
                      "<li class=\"claim %s\"><span class=\"claim-mark\" title=\"%s\">%s</span> ",
                      c->held ? "held" : "failed",
                      c->held ? "this claim held on this run" : "this claim failed on this run",
                      c->held ? "✓" : "✗");
        put_html(b, c->text);
        lb_buf_puts(b, "</li>\n");
    }
    lb_buf_puts(b, "</ul>\n");
}

static void render_error(lb_buf *b, const lb_result *r)
{
    lb_buf_puts(b,
                "<div class=\"error-box\" role=\"alert\"><p><strong>This chunk failed:</strong> ");
    put_html(b, r->failure ? r->failure : "unknown failure");
    lb_buf_puts(b, "</p>");
    if (r->detail && *r->detail) {
        lb_buf_puts(b, "<pre>");
        put_html(b, r->detail);
        lb_buf_puts(b, "</pre>");
    }
    lb_buf_puts(b, "</div>\n");
}

/* The compiler's warnings for a program that compiled: collapsed under
 * the chunk, the count in the summary. */
static void render_warnings(lb_buf *b, const lb_result *r)
{
    const char *log = r->compile_log;
    if (!log || !*log)
        return;
    int n = 0;
    for (const char *p = log; (p = strstr(p, ": warning: ")) != NULL; p++)
        n++;
    lb_buf_puts(b, "<details class=\"warnings\"><summary>");
    if (n > 0)
        lb_buf_printf(b, "%d compiler warning%s", n, n == 1 ? "" : "s");
    else
        lb_buf_puts(b, "compiler messages");
    lb_buf_puts(b, "</summary><pre>");
    put_html(b, log);
    lb_buf_puts(b, "</pre></details>\n");
}

static void render_head(lb_buf *b, const lb_chunk *c)
{
    const lb_result *r = &c->res;
    /* The language word is the author's text, any bytes CommonMark allows
     * in an info string: escaped like text wherever it goes. */
    lb_buf_puts(b, "<div class=\"chunk-head\"><span class=\"lang\">");
    put_html(b, lang_label(c->info.lang));
    lb_buf_puts(b, "</span>");
    if (c->xref_label && strncmp(c->xref_label, "Listing", 7) == 0)
        lb_buf_printf(b, "<span class=\"listing-label\">%s</span>", c->xref_label);
    if (c->info.name)
        lb_buf_printf(b, "<a class=\"chunk-name\" href=\"#%s\">%s</a>", c->anchor, c->info.name);
    if (r->status == LB_RES_OK && r->expected_failure)
        lb_buf_puts(b, "<span class=\"badge expected-fail\" title=\"the chunk is meant to fail, "
                       "and failed that way on this build\">✓ failed as expected</span>");
    else if (r->status == LB_RES_OK && r->verified)
        lb_buf_puts(b, "<span class=\"badge ok\" title=\"the output below was checked against the "
                       "expected output on this build\">✓ output verified</span>");
    else if (r->status == LB_RES_OK && r->ran)
        lb_buf_puts(b, "<span class=\"badge ran\">ran</span>");
    else if (r->status == LB_RES_FAILED)
        lb_buf_puts(b, "<span class=\"badge fail\">✗ failed</span>");
    else if (r->status == LB_RES_NOT_RUN)
        lb_buf_puts(b, "<span class=\"badge skip\">not run</span>");
    lb_buf_puts(b, "</div>\n");
}

static void render_meta(lb_buf *b, const lb_chunk *c)
{
    const lb_result *r = &c->res;
    if (!r->command && !r->ran && !r->recorded)
        return;
    lb_buf_puts(b, "<div class=\"chunk-meta\">");
    if (r->recorded) {
        put_html(b, r->recorded);
        lb_buf_puts(b, " · ");
    }
    if (r->command) {
        lb_buf_puts(b, "<code>");
        put_html(b, r->command);
        lb_buf_puts(b, "</code>");
    }
    if (r->ran && !is_figure(c)) {
        lb_buf_puts(b, " · ran in ");
        put_duration(b, r->first.wall_s);
        if (r->exit_code > 0)
            lb_buf_printf(b, " · exit status %d", r->exit_code);
    }
    lb_buf_puts(b, "</div>\n");
}

static void render_code(lb_buf *b, const lb_chunk *c, lb_highlighter *hl)
{
    /* As cmark writes it: a fence without a language has no class. */
    lb_buf_puts(b, "<pre class=\"code\"><code");
    if (c->info.lang[0]) {
        lb_buf_puts(b, " class=\"language-");
        put_html(b, c->info.lang);
        lb_buf_putc(b, '"');
    }
    lb_buf_putc(b, '>');
    lb_hl_code(hl, c->info.lang, c->code, b);
    lb_buf_puts(b, "</code></pre>\n");
}

/* The end of an id="..." or id='...' attribute's value starting at p
 * (just after the quote), or NULL. */
static const char *svg_id_at(const char *s, const char *p)
{
    if (p - s < 4 || (p[-1] != '"' && p[-1] != '\'') || p[-2] != '=' || p[-3] != 'd' ||
        p[-4] != 'i' || (p - s > 4 && p[-5] != ' ' && p[-5] != '\t' && p[-5] != '\n'))
        return NULL;
    return strchr(p, p[-1]);
}

static int strv_has(const lb_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return 1;
    return 0;
}

void lb_put_svg(const char *svg, lb_buf *out)
{
    lb_strv seen = {0};
    const char *p = svg, *copied = svg;
    lb_buf id = LB_BUF_INIT;
    while ((p = strpbrk(p, "\"'"))) {
        p++;
        const char *end = svg_id_at(svg, p);
        if (!end)
            continue;
        lb_buf_reset(&id);
        lb_buf_append(&id, p, (size_t)(end - p));
        size_t base = id.len;
        for (int k = 2; strv_has(&seen, lb_buf_str(&id)); k++) {
            id.len = base;
            lb_buf_printf(&id, "-%d", k);
        }
        lb_strv_push(&seen, lb_buf_str(&id));
        lb_buf_append(out, copied, (size_t)(p - copied));
        lb_buf_append(out, lb_buf_str(&id), id.len);
        copied = p = end;
        p++;
    }
    lb_buf_puts(out, copied);
    lb_buf_free(&id);
    lb_strv_free(&seen);
}

static size_t utf8_len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

int lb_num_frac_width(const char *text)
{
    const char *p = text;
    if (*p == '~' || *p == '<' || *p == '>' || *p == '+' || *p == '-')
        p++;
    else if (strncmp(p, "≈", strlen("≈")) == 0 || strncmp(p, "−", strlen("−")) == 0)
        p += 3;
    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p) || (*p == ',' && isdigit((unsigned char)p[1])))
        p++;
    const char *frac = p;
    if (*p == '.' && isdigit((unsigned char)p[1]))
        for (p++; isdigit((unsigned char)*p);)
            p++;
    if ((*p == 'e' || *p == 'E') &&
        (isdigit((unsigned char)p[1]) ||
         ((p[1] == '-' || p[1] == '+') && isdigit((unsigned char)p[2]))))
        for (p += 2; isdigit((unsigned char)*p);)
            p++;
    /* An optional unit: one short word ("ms", "GB/s", "%", "×"). */
    const char *unit = *p == ' ' ? p + 1 : p;
    size_t ulen = strlen(unit);
    if (ulen > 12 || strpbrk(unit, " \t|"))
        return -1;
    return (int)utf8_len(frac, strlen(frac));
}

void lb_put_num_aligned(const char *text, int frac_width, lb_buf *out)
{
    put_html(out, text);
    int w = lb_num_frac_width(text);
    if (w < 0 || w >= frac_width)
        return;
    /* Where the text has no decimal point, the first pad stands for one:
     * U+2008 PUNCTUATION SPACE is as wide as a period. */
    int point = 0;
    for (const char *p = text; *p && !point; p++)
        point = *p == '.' && isdigit((unsigned char)p[1]);
    if (!point) {
        lb_buf_puts(out, "\xE2\x80\x88");
        w++;
    }
    for (; w < frac_width; w++)
        lb_buf_puts(out, "\xE2\x80\x87"); /* U+2007 FIGURE SPACE: a digit's width */
}

static void render_figure(lb_buf *b, const lb_chunk *c)
{
    lb_buf_puts(b, "<figure class=\"chart\">");
    const char *cap = c->opts.caption ? c->opts.caption : "";
    const char *svg = c->res.svg;
    /* Give the SVG an accessible name: the caption replaces the tool's
     * generic title (gnuplot's <title>Gnuplot</title>). */
    const char *generic = c->opts.engine->svg_title;
    const char *t = generic ? strstr(svg, generic) : NULL;
    lb_buf titled = LB_BUF_INIT;
    if (t && *cap) {
        lb_buf_append(&titled, svg, (size_t)(t - svg));
        lb_buf_puts(&titled, "<title>");
        put_html(&titled, cap);
        lb_buf_puts(&titled, "</title>");
        lb_buf_puts(&titled, t + strlen(generic));
        svg = lb_buf_str(&titled);
    }
    lb_put_svg(svg, b);
    lb_buf_free(&titled);
    const char *label =
        c->xref_label && strncmp(c->xref_label, "Figure", 6) == 0 ? c->xref_label : NULL;
    if (*cap || label) {
        lb_buf_puts(b, "<figcaption>");
        if (label)
            lb_buf_printf(b, "<span class=\"fig-label\">%s%s</span>%s", label, *cap ? ":" : "",
                          *cap ? " " : "");
        put_html(b, cap);
        lb_buf_puts(b, "</figcaption>");
    }
    lb_buf_puts(b, "</figure>\n");
}

/* A figure, then its script (collapsed unless echo=true). */
static void render_figure_chunk(lb_buf *b, const lb_chunk *c, lb_highlighter *hl)
{
    if (c->res.svg)
        render_figure(b, c);
    if (c->opts.echo) {
        render_code(b, c, hl);
    } else {
        const char *what = c->opts.engine->script_label;
        lb_buf_puts(b, "<details class=\"script\"><summary>");
        put_html(b, what ? what : "script");
        lb_buf_puts(b, "</summary>");
        render_code(b, c, hl);
        lb_buf_puts(b, "</details>\n");
    }
}

void lb_render_chunk(const lb_chapter *ch, const lb_chunk *c, lb_highlighter *hl, lb_buf *b)
{
    (void)ch;
    const lb_result *r = &c->res;
    const char *state = r->status == LB_RES_FAILED    ? " failed"
                        : r->status == LB_RES_NOT_RUN ? " not-run"
                        : r->expected_failure         ? " expected-fail"
                                                      : "";
    lb_buf_puts(b, "<section class=\"chunk chunk-");
    put_html(b, c->info.lang[0] ? c->info.lang : "text");
    lb_buf_puts(b, state);
    for (size_t i = 0; i < c->info.nclasses; i++) {
        lb_buf_putc(b, ' ');
        put_html(b, c->info.classes[i]);
    }
    lb_buf_printf(b, "\" id=\"%s\">\n", c->anchor);
    render_head(b, c);
    if (is_figure(c)) {
        render_figure_chunk(b, c, hl);
    } else if (c->opts.echo) {
        render_code(b, c, hl);
    }
    if (!is_figure(c))
        render_meta(b, c);
    render_warnings(b, r);
    if (r->status == LB_RES_NOT_RUN) {
        lb_buf_puts(b, "<p class=\"not-run\">Not run: ");
        put_html(b, r->not_run_reason ? r->not_run_reason : "this engine is not available here");
        lb_buf_puts(b, ". No output is shown rather than one that was not produced here.</p>\n");
    }
    if (r->ran && c->opts.output && !is_figure(c)) {
        if (r->out_len || !r->err_len)
            render_stream(b, r->verified ? "output stdout verified" : "output stdout", "output",
                          r->out ? r->out : "", r->out_len, r->out_dropped);
        if (r->err_len)
            render_stream(b, "output stderr", "stderr", r->err, r->err_len, r->err_dropped);
    } else if (!r->ran && c->expected && r->status != LB_RES_FAILED) {
        render_stream(b, "output expected", "expected output (not run here)", c->expected,
                      strlen(c->expected), 0);
    }
    render_claims(b, r);
    render_timing(b, r);
    lb_fails_render(c, b);
    if (r->status == LB_RES_FAILED)
        render_error(b, r);
    lb_buf_puts(b, "</section>\n");
}
