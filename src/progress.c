#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "published.h"
#include "termtext.h"

void lb_progress_init(lb_progress *p, int total, int quiet, int verbose)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    p->total = total;
    p->quiet = quiet;
    p->verbose = verbose;
    p->tty = isatty(2);
    const char *nc = getenv("NO_COLOR");
    p->color = p->tty && !(nc && *nc);
}

static void clear_line(lb_progress *p)
{
    if (p->line_open) {
        fputs("\r\033[K", stderr);
        p->line_open = 0;
    }
}

void lb_progress_start(lb_progress *p, const lb_chunk *c)
{
    if (p->quiet || !p->tty)
        return;
    pthread_mutex_lock(&p->mu);
    clear_line(p);
    fprintf(stderr, "[%d/%d] run ", p->finished + 1, p->total);
    lb_fputs_visible(c->label, stderr);
    fflush(stderr);
    p->line_open = 1;
    pthread_mutex_unlock(&p->mu);
}

void lb_progress_done(lb_progress *p, const lb_chunk *c, int cached)
{
    pthread_mutex_lock(&p->mu);
    p->finished++;
    if (!p->quiet && (!cached || p->verbose)) {
        clear_line(p);
        const char *what = cached ? "cached" : "ran";
        if (p->tty) {
            fprintf(stderr, "[%d/%d] %s ", p->finished, p->total, what);
            lb_fputs_visible(c->label, stderr);
            p->line_open = 1;
        } else {
            fprintf(stderr, "[%d/%d] %s ", p->finished, p->total, what);
            lb_fputs_visible(c->label, stderr);
            fprintf(stderr, " (%.2f s)\n", c->res.first.wall_s);
        }
        fflush(stderr);
    }
    pthread_mutex_unlock(&p->mu);
}

/* Line `line` (1-based) of the chapter's text, for a column; "" when it
 * has no such line. */
static const char *chapter_line(const lb_chapter *ch, int line, size_t *len)
{
    const char *s = lb_buf_str(&ch->src), *end = s + ch->src.len;
    for (int k = 1; k < line && s < end; k++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    const char *nl = s < end ? memchr(s, '\n', (size_t)(end - s)) : NULL;
    *len = line >= 1 ? (size_t)((nl ? nl : end) - s) : 0;
    return s;
}

/* Each claim that did not hold, at the line of its call, then where the
 * chunk is. */
static void claims_failed(lb_progress *p, const lb_chapter *ch, const lb_chunk *c)
{
    lb_diag d;
    lb_buf text = LB_BUF_INIT;
    for (size_t i = 0; i < c->res.nclaims; i++) {
        const lb_pub_claim *cl = &c->res.claims[i];
        if (cl->held)
            continue;
        size_t len;
        const char *line = chapter_line(ch, cl->line, &len);
        lb_buf_reset(&text);
        lb_pub_escape(cl->text, strlen(cl->text), 0, &text);
        lb_diag_set(&d, LB_ERROR, ch->path, cl->line, lb_pub_claim_column(line, len),
                    "claim failed: %s", lb_buf_str(&text));
        lb_diag_print(stderr, &d, p->color);
    }
    lb_buf_free(&text);
    lb_diag_set(&d, LB_NOTE, ch->path, c->line, c->col > 0 ? c->col : 1,
                "in chunk '%s', which therefore failed", c->info.name ? c->info.name : c->anchor);
    lb_diag_print(stderr, &d, p->color);
}

void lb_progress_failed(lb_progress *p, const lb_chapter *ch, const lb_chunk *c)
{
    pthread_mutex_lock(&p->mu);
    clear_line(p);
    if (c->res.claim_failed) {
        claims_failed(p, ch, c);
        fflush(stderr);
        pthread_mutex_unlock(&p->mu);
        return;
    }
    lb_diag d;
    lb_diag_set(&d, LB_ERROR, ch->path, c->line, c->col > 0 ? c->col : 1, "chunk '%s' failed: %s",
                c->info.name ? c->info.name : c->anchor,
                c->res.failure ? c->res.failure : "unknown failure");
    lb_diag_print(stderr, &d, p->color);
    const lb_result *r = &c->res;
    if (r->detail && *r->detail)
        lb_term_text(stderr, r->detail, strlen(r->detail), LB_PROGRESS_MAX_LINES);
    /* What the program said as it failed (a traceback, an assert): under
     * the error, unless the detail above is that text already. */
    if (r->ran && !r->mismatch && r->err_len && !(r->detail && strcmp(r->detail, r->err) == 0))
        lb_term_text(stderr, r->err, r->err_len, LB_PROGRESS_MAX_LINES);
    if (c->res.mismatch) {
        fputs("note: if the new output is right, accept it with: litbook build --update ", stderr);
        lb_fputs_visible(ch->path, stderr);
        fputc('\n', stderr);
    }
    fflush(stderr);
    pthread_mutex_unlock(&p->mu);
}

void lb_progress_warnings(lb_progress *p, const lb_chunk *c)
{
    const char *log = c->res.compile_log;
    if (p->quiet || !log || !*log)
        return;
    pthread_mutex_lock(&p->mu);
    clear_line(p);
    lb_term_text(stderr, log, strlen(log), LB_PROGRESS_MAX_LINES);
    fflush(stderr);
    pthread_mutex_unlock(&p->mu);
}

void lb_progress_finish_line(lb_progress *p)
{
    pthread_mutex_lock(&p->mu);
    clear_line(p);
    pthread_mutex_unlock(&p->mu);
}

void lb_progress_summarize(lb_progress *p, const lb_progress_summary *s)
{
    if (p->quiet && s->failed == 0 && s->bad_refs == 0)
        return;
    /* The errors that are not a chunk's are counted too: a line saying
     * "0 failed" above a build that failed would be a lie. */
    char refs[64] = "";
    if (s->bad_refs)
        snprintf(refs, sizeof refs, ", %d bad value reference%s", s->bad_refs,
                 s->bad_refs == 1 ? "" : "s");
    fprintf(stderr, "%d chapter%s, %d chunk%s: %d cached, %d ran, %d failed%s in %.2f s\n",
            s->chapters, s->chapters == 1 ? "" : "s", s->chunks, s->chunks == 1 ? "" : "s",
            s->cached, s->ran, s->failed, refs, s->seconds);
}
