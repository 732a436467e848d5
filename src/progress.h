/* progress: what the build tells the user while it works.
 *
 * On a terminal, one status line rewritten in place, like ninja's
 * ("[12/38] run chapters/03-shared-memory.md#shm-demo"); in a pipe, one
 * line per finished step. Failures are reported once, in GCC's form, with
 * the compiler's messages or the diff under them, and the program's stderr
 * when it failed as it ran (a traceback). Thread-safe. */
#ifndef LB_PROGRESS_H
#define LB_PROGRESS_H

#include <pthread.h>

#include "chapter.h"

typedef struct {
    pthread_mutex_t mu;
    int total, finished;
    int tty, color, quiet, verbose;
    int line_open; /* a status line is on the terminal */
} lb_progress;

typedef struct {
    int chapters, chunks, cached, ran, failed;
    int bad_refs; /* value references to keys no chunk published: errors too */
    double seconds;
} lb_progress_summary;

void lb_progress_init(lb_progress *p, int total, int quiet, int verbose);
void lb_progress_start(lb_progress *p, const lb_chunk *c);
void lb_progress_done(lb_progress *p, const lb_chunk *c, int cached);
void lb_progress_failed(lb_progress *p, const lb_chapter *ch, const lb_chunk *c);
/* The compiler's warnings for a program that compiled (c->res.compile_log),
 * printed when it was compiled in this build; nothing when quiet. */
void lb_progress_warnings(lb_progress *p, const lb_chunk *c);
void lb_progress_finish_line(lb_progress *p);

/* A failure's details and stderr, or warnings, are cut after this many
 * lines on the terminal (the page shows them whole). */
#define LB_PROGRESS_MAX_LINES 60
/* "10 chapters, 38 chunks: 35 cached, 3 ran, 0 failed in 1.24 s" */
void lb_progress_summarize(lb_progress *p, const lb_progress_summary *s);

#endif
