#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

void lb_progress_failed(lb_progress *p, const lb_chapter *ch, const lb_chunk *c)
{
    pthread_mutex_lock(&p->mu);
    clear_line(p);
    lb_diag d;
    lb_diag_set(&d, LB_ERROR, ch->path, c->line, c->col > 0 ? c->col : 1, "chunk '%s' failed: %s",
                c->info.name ? c->info.name : c->anchor,
                c->res.failure ? c->res.failure : "unknown failure");
    lb_diag_print(stderr, &d, p->color);
    if (c->res.detail && *c->res.detail) {
        lb_fputs_visible(c->res.detail, stderr);
        if (c->res.detail[strlen(c->res.detail) - 1] != '\n')
            fputc('\n', stderr);
    }
    if (c->res.mismatch) {
        fputs("note: if the new output is right, accept it with: litbook build --update ", stderr);
        lb_fputs_visible(ch->path, stderr);
        fputc('\n', stderr);
    }
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
    if (p->quiet && s->failed == 0)
        return;
    fprintf(stderr, "%d chapter%s, %d chunk%s: %d cached, %d ran, %d failed in %.2f s\n",
            s->chapters, s->chapters == 1 ? "" : "s", s->chunks, s->chunks == 1 ? "" : "s",
            s->cached, s->ran, s->failed, s->seconds);
}
