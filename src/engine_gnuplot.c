/* The gnuplot engine: a script and its data files in, an SVG figure out. */
#include "engines.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"
#include "sandbox.h"
#include "spawn.h"

/* The house style, set before the author's script so it can override any
 * of it. Okabe and Ito's palette stays distinct under the common kinds of
 * colour blindness; the figure is drawn on white and the page frames it as
 * a light card in both themes, which keeps every colour legible in dark mode
 * without a second rendering. */
static const char house_style[] =
    "set encoding utf8\n"
    "set terminal svg size %d,%d enhanced font 'Helvetica,13' background rgb 'white'\n"
    "set output 'figure.svg'\n"
    "set border 3 lw 1 lc rgb '#555555'\n"
    "set tics nomirror textcolor rgb '#333333'\n"
    "set grid lw 1 lc rgb '#e3e3e3' dt 1\n"
    "set key top left opaque box lc rgb '#cccccc' samplen 2 spacing 1.2\n"
    "set linetype 1 lc rgb '#0072B2' lw 2.5 pt 7 ps 0.9\n"
    "set linetype 2 lc rgb '#D55E00' lw 2.5 pt 5 ps 0.9\n"
    "set linetype 3 lc rgb '#009E73' lw 2.5 pt 9 ps 1.0\n"
    "set linetype 4 lc rgb '#CC79A7' lw 2.5 pt 11 ps 1.0\n"
    "set linetype 5 lc rgb '#E69F00' lw 2.5 pt 13 ps 1.0\n"
    "set linetype 6 lc rgb '#56B4E9' lw 2.5 pt 15 ps 1.0\n"
    "set linetype 7 lc rgb '#000000' lw 2.5 pt 6 ps 0.9\n"
    "set linetype 8 lc rgb '#999999' lw 2 dt 2 pt 4 ps 0.9\n"
    "set linetype cycle 8\n"
    "set datafile separator tab\n"
    "set datafile commentschars '#'\n";

/* Logarithmic axes label 10^{n} rather than 1e+06: when the script asks
 * for a log scale and sets no format of its own for that axis, the format
 * is added on the same line, so gnuplot's line numbers stay the author's.
 * The label's base is the scale's ("set logscale x 2": 2^{n}); a base
 * that is not a whole number keeps gnuplot's own labels. */
static void add_log_formats(const char *script, lb_buf *out)
{
    regex_t re;
    regcomp(&re, "^[ \t]*set[ \t]+log(s|sc|sca|scal|scale)?[ \t]+([xy2]+)([ \t]+([0-9.]+))?[ \t]*$",
            REG_EXTENDED);
    const char *p = script;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = lb_xstrndup(p, len);
        regmatch_t m[5];
        lb_buf_puts(out, line);
        char base[16] = "10";
        int whole = 1;
        if (regexec(&re, line, 5, m, 0) == 0 && m[4].rm_so >= 0) {
            size_t n = (size_t)(m[4].rm_eo - m[4].rm_so);
            whole = n < sizeof base && strspn(line + m[4].rm_so, "0123456789") >= n;
            if (whole)
                snprintf(base, sizeof base, "%.*s", (int)n, line + m[4].rm_so);
        }
        if (regexec(&re, line, 5, m, 0) == 0 && !strchr(line, ';') && whole) {
            const char *ax = line + m[2].rm_so;
            size_t axlen = (size_t)(m[2].rm_eo - m[2].rm_so);
            static const char *const names[] = {"x", "y", "x2", "y2"};
            for (int i = 0; i < 4; i++) {
                char pat[32];
                snprintf(pat, sizeof pat, "set format %s", names[i]);
                int wanted = axlen == strlen(names[i])
                                 ? strncmp(ax, names[i], axlen) == 0
                                 : (i < 2 && memchr(ax, names[i][0], axlen) && !strchr(ax, '2'));
                if (wanted && !strstr(script, pat))
                    lb_buf_printf(out, "; set format %s '%s^{%%L}'", names[i], base);
            }
        }
        lb_buf_putc(out, '\n');
        free(line);
        p = nl ? nl + 1 : p + len;
    }
    regfree(&re);
}

/* gnuplot says '"plot.gp" line 7: undefined function: foo'; the author
 * wants chapter.md:LINE: error: ... at the line where they wrote it. */
static void map_errors(const lb_chapter *ch, const lb_chunk *c, const char *err, lb_buf *out)
{
    const char *p = err;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        int line;
        int used = 0;
        if (sscanf(p, "\"plot.gp\" line %d:%n", &line, &used) == 1 && used > 0 &&
            (size_t)used <= len) {
            const char *msg = p + used;
            while (*msg == ' ')
                msg++;
            lb_buf_printf(out, "%s:%d: error: gnuplot: ", ch->path, c->code_line + line - 1);
            lb_buf_append(out, msg, len - (size_t)(msg - p));
        } else {
            lb_buf_append(out, p, len);
        }
        lb_buf_putc(out, '\n');
        p = nl ? nl + 1 : p + len;
    }
}

/* Inline SVGs share one HTML document: prefix gnuplot's ids with the
 * chunk's anchor so two figures never define the same id. */
static char *prefix_ids(const char *svg, const char *anchor)
{
    lb_buf b = LB_BUF_INIT;
    const char *p = svg;
    /* Drop the XML prolog: it is not allowed inside HTML. */
    if (strncmp(p, "<?xml", 5) == 0) {
        const char *e = strstr(p, "?>");
        if (e)
            p = e + 2;
        while (*p == '\n' || *p == '\r')
            p++;
    }
    static const char *const pats[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#", NULL};
    while (*p) {
        int hit = 0;
        for (int i = 0; pats[i]; i++) {
            size_t n = strlen(pats[i]);
            if (strncmp(p, pats[i], n) == 0) {
                lb_buf_append(&b, p, n);
                lb_buf_printf(&b, "%s-", anchor);
                p += n;
                hit = 1;
                break;
            }
        }
        if (!hit)
            lb_buf_putc(&b, *p++);
    }
    return lb_buf_detach(&b);
}

static int link_data(const char *dir, const lb_strv *data, lb_buf *err)
{
    for (size_t i = 0; i < data->n; i++) {
        const char *base = strrchr(data->v[i], '/');
        base = base ? base + 1 : data->v[i];
        lb_buf dst = LB_BUF_INIT;
        lb_buf_printf(&dst, "%s/%s", dir, base);
        int rc = symlink(data->v[i], dst.ptr);
        lb_buf_free(&dst);
        if (rc < 0) {
            lb_buf_printf(err, "cannot link data file %s: %s", data->v[i], strerror(errno));
            return -1;
        }
    }
    return 0;
}

static void run_gnuplot(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const char *dir,
                        const lb_strv *data)
{
    char *argv[] = {"gnuplot", "style.gp", "plot.gp", NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.cwd = dir;
    req.timeout_s = c->opts.timeout;
    req.cancel = ctx->cancel;
    /* system() and !cmd run whatever a script says: contained and limited
     * like any chunk, reading only its data files. */
    lb_sandbox_apply(&c->opts, &req);
    lb_strv ro = {0};
    lb_chunk_ro(ctx, ch, &ro);
    for (size_t i = 0; i < data->n; i++)
        lb_strv_push(&ro, data->v[i]);
    lb_sandbox_place(ctx->sandbox, dir, &ro, c->opts.memory, &req);
    lb_spawn_result r = {0};
    lb_buf msg = LB_BUF_INIT;
    if (lb_spawn_run(&req, &r) != 0) {
        c->res.status = LB_RES_FAILED;
        c->res.failure = lb_xstrdup(r.exec_errno == ENOENT
                                        ? "gnuplot is not installed (apt-get install gnuplot-nox)"
                                        : "cannot run gnuplot");
    } else if (!r.exited || r.exit_code != 0) {
        lb_spawn_describe(&r, c->opts.timeout, &msg);
        c->res.status = LB_RES_FAILED;
        lb_buf f = LB_BUF_INIT;
        lb_buf_printf(&f, "gnuplot failed (%s)", msg.ptr);
        c->res.failure = lb_buf_detach(&f);
        lb_buf_reset(&msg);
        map_errors(ch, c, lb_buf_str(&r.err), &msg);
        c->res.detail = lb_buf_detach(&msg);
    } else {
        lb_buf path = LB_BUF_INIT, svg = LB_BUF_INIT;
        lb_buf_printf(&path, "%s/figure.svg", dir);
        if (lb_read_file(path.ptr, &svg) < 0 || svg.len == 0) {
            c->res.status = LB_RES_FAILED;
            c->res.failure = lb_xstrdup("gnuplot drew nothing (does the script plot?)");
        } else {
            c->res.status = LB_RES_OK;
            c->res.ran = 1;
            c->res.svg = prefix_ids(svg.ptr, c->anchor);
            if (r.err.len) {
                map_errors(ch, c, r.err.ptr, &msg);
                c->res.compile_log = lb_buf_detach(&msg);
            }
        }
        lb_buf_free(&path);
        lb_buf_free(&svg);
    }
    c->res.first.wall_s = r.wall_s;
    lb_buf_free(&msg);
    lb_spawn_result_free(&r);
    lb_strv_free(&ro);
}

/* The script, in a folder holding the data files it reads (full paths in
 * j->data_in), drawn into c->res.svg. */
static void gnuplot_run(const lb_engine_env *env, lb_engine_job *j, lb_strv *deps)
{
    const lb_ctx *ctx = env->ctx;
    lb_chapter *ch = j->ch;
    lb_chunk *c = j->c;
    const lb_strv *data = j->data_in;
    (void)deps;
    lb_result_free(&c->res);
    char *dir = lb_chunk_workdir(ctx, c);
    if (!dir)
        return;
    lb_buf err = LB_BUF_INIT;
    int w = c->opts.width ? atoi(c->opts.width) : 720;
    int h = c->opts.height ? atoi(c->opts.height) : 420;
    lb_buf style = LB_BUF_INIT, script = LB_BUF_INIT, path = LB_BUF_INIT;
    lb_buf_printf(&style, house_style, w, h);
    add_log_formats(c->code, &script);
    lb_buf_printf(&path, "%s/style.gp", dir);
    int ok = lb_write_file_atomic(path.ptr, style.ptr, style.len) == 0;
    lb_buf_reset(&path);
    lb_buf_printf(&path, "%s/plot.gp", dir);
    ok = ok && lb_write_file_atomic(path.ptr, lb_buf_str(&script), script.len) == 0;
    if (!ok) {
        c->res.status = LB_RES_FAILED;
        c->res.failure = lb_xstrdup("cannot write the gnuplot script");
    } else if (link_data(dir, data, &err) < 0) {
        c->res.status = LB_RES_FAILED;
        c->res.failure = lb_buf_detach(&err);
    } else {
        run_gnuplot(ctx, ch, c, dir, data);
    }
    c->res.command = lb_xstrdup("gnuplot");
    lb_buf_free(&style);
    lb_buf_free(&script);
    lb_buf_free(&path);
    lb_buf_free(&err);
    lb_remove_tree(dir);
    free(dir);
}

static void *gnuplot_setup(lb_ctx *ctx, lb_strv *tools)
{
    (void)ctx;
    return lb_tool_state_new("gnuplot", tools);
}

/* Keyed in its job, once the data it reads is made: the data's contents
 * are part of it. */
static void gnuplot_key(const lb_engine_env *env, lb_engine_job *j, lb_hash *h)
{
    const lb_tool_state *st = j->state;
    (void)env;
    lb_hash_str(h, st->id);
    lb_hash_str(h, j->c->code);
    lb_hash_str(h, j->c->anchor); /* ids inside the SVG carry it */
    lb_hash_str(h, j->c->opts.width);
    lb_hash_str(h, j->c->opts.height);
    for (size_t i = 0; i < j->data_in->n; i++) {
        char fh[33] = "missing";
        lb_file_hash(j->data_in->v[i], fh);
        lb_hash_str(h, j->data_in->v[i]);
        lb_hash_str(h, fh);
    }
}

static const char *const gnuplot_options[] = {"caption", "width", "height", NULL};

const lb_engine_def lb_engine_gnuplot_def = {
    .name = "gnuplot",
    .label = "gnuplot",
    .flags = LB_ENG_FIGURE | LB_ENG_ECHO_OFF,
    .options = gnuplot_options,
    .svg_title = "<title>Gnuplot</title>",
    .script_label = "gnuplot script",
    .setup = gnuplot_setup,
    .free_state = lb_tool_state_free,
    .prepare = lb_tool_state_prepare,
    .key = gnuplot_key,
    .run = gnuplot_run,
};
