/* build: the whole pipeline, from chapters on disk to pages in out/.
 *
 *   load every chapter (input errors stop here: exit 2, nothing written)
 *   -> assemble programs and compute cache keys
 *   -> run what the cache does not hold, in parallel (jobs.h)
 *   -> check results against expected output (and --update them)
 *   -> render and write the pages that changed. */
#ifndef LB_BUILD_H
#define LB_BUILD_H

#include <stddef.h>

typedef struct {
    const char *out_dir;  /* default "out" */
    const char *book_dir; /* default "chapters" */
    int jobs;             /* <= 0: number of CPUs */
    int force;            /* -B: ignore the cache for what is built */
    int keep_going;       /* -k */
    int update;           /* --update */
    int record;           /* --record */
    int quiet, verbose;
    int publish;     /* also write the single-file book */
    int pdf;         /* publish --pdf: and print it to PDF (pdf.h) */
    char **chapters; /* named chapters, or NULL/0 for the whole book */
    size_t nchapters;
    volatile int *interrupted; /* set by a signal handler; may be NULL */
    /* When set, called once per file the build read (chapters, headers
     * the compilers reported, outside out_dir), after the programs ran,
     * from the calling thread: what `litbook serve` watches. The path is
     * only valid during the call. */
    void (*on_read)(void *ctx, const char *path);
    void *on_read_ctx;
    int sandbox; /* lb_sandbox_mode (sandbox.h): auto, strict, off */
} lb_build_opts;

enum { LB_EXIT_OK = 0, LB_EXIT_FAILED = 1, LB_EXIT_INPUT = 2, LB_EXIT_INTERRUPTED = 130 };

/* Runs a build; returns the process exit status. */
int lb_build(const lb_build_opts *o);
/* litbook clean: removes the output directory (only if it looks like one
 * of ours). Returns the exit status. */
int lb_clean(const char *out_dir);

#endif
