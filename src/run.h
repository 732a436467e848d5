/* run: a chunk's program started the way every engine starts it.
 *
 * The engines differ in how they build a program (compile it, write a
 * script) and in how they start it (./prog, python3 prog.py); they share
 * everything after that: the chunk's arguments, stdin, timeout and
 * resource limits, the repeat= runs, how the result is kept and how a
 * failure is described. */
#ifndef LB_RUN_H
#define LB_RUN_H

#include "chapter.h"
#include "spawn.h"

typedef struct {
    const char *const *command;         /* NULL-terminated; the chunk's args= follow */
    char *const *envp;                  /* NULL: inherit */
    const char *dir;                    /* the chunk's scratch folder */
    const volatile int *cancel;         /* stop at once when it becomes nonzero */
    const struct lb_sandbox_s *sandbox; /* NULL: unsandboxed */
    const lb_strv *ro;                  /* what else the sandbox shows (lb_chunk_ro) */
} lb_run_spec;

/* One run of the program with the chunk's options, its environment
 * (envp, or litbook's own) with $LITBOOK_RESULTS naming the results file
 * in s->dir (published.h). Returns lb_spawn_run's value; *r is filled
 * either way (free with lb_spawn_result_free). */
int lb_run_once(const lb_run_spec *s, const lb_chunk *c, lb_spawn_result *r);
/* Moves the first run's output and what it published (values, claims)
 * into c->res (r's buffers are taken) and sets its status: OK when it
 * exited (expectations and claims are checked later, by lb_check_result),
 * FAILED with the reason when it did not or published malformed records. */
void lb_run_keep(const lb_run_spec *s, lb_chunk *c, lb_spawn_result *r);
/* After a first run that went well, the repeat= timed runs. */
void lb_run_repeats(const lb_run_spec *s, lb_chunk *c);
/* Marks c->res failed with a one-line reason and, optionally, details. */
void lb_run_fail(lb_chunk *c, const char *failure, const char *detail);

#endif
