/* result: what running one chunk produced; what the cache stores and the
 * renderer shows. */
#ifndef LB_RESULT_H
#define LB_RESULT_H

#include <stddef.h>

typedef enum {
    LB_RES_NONE,    /* not an executable chunk, or eval=false: display only */
    LB_RES_OK,      /* ran as expected (and matched its output block, if any) */
    LB_RES_FAILED,  /* compile error, crash, timeout, wrong status, mismatch */
    LB_RES_NOT_RUN, /* could not run here (python module missing, ...) */
} lb_res_status;

/* How a program's run ended, beyond its exit status: what fails= judges,
 * kept in the cache so that a cached failure is judged again. */
typedef enum {
    LB_END_NONE,      /* exited (see exit_code), or never got that far */
    LB_END_COMPILE,   /* the compiler refused it */
    LB_END_SIGNAL,    /* killed by signal signo */
    LB_END_TIMEOUT,   /* still running at its timeout, and killed */
    LB_END_SANITIZER, /* a sanitizer report stopped it */
} lb_end;

typedef struct {
    double wall_s, cpu_s;
    long maxrss_kb;
} lb_run_stat;

/* A value the program published (lb_value, litbook.value), for the prose
 * to quote as `{=chunk.key}`. */
typedef struct {
    char *key;  /* letters, digits, '-' and '_' */
    char *text; /* as the program formatted it */
} lb_pub_value;

/* A claim the program checked (lb_claim, litbook.claim). */
typedef struct {
    int held;   /* its condition was true */
    int line;   /* the chapter line of the call */
    char *text; /* as the program formatted it */
} lb_pub_claim;

typedef struct {
    lb_res_status status;
    int cached;        /* came from the cache in this build */
    int ran;           /* 1: the program ran (not just compiled) */
    int verified;      /* an output block was compared and matched */
    int mismatch;      /* an output block was compared and differed */
    char *failure;     /* one line: "killed by signal 11 (Segmentation fault)" */
    char *detail;      /* compiler messages, or the diff, for the error box */
    char *compile_log; /* compiler output on success (warnings), may be NULL */
    char *out;         /* stdout (NUL-terminated; out_len excludes the NUL) */
    size_t out_len, out_dropped;
    char *err;
    size_t err_len, err_dropped;
    int exit_code; /* -1 when killed by a signal */
    lb_end end;    /* how it ended (fails.h) */
    int signo;     /* LB_END_SIGNAL: the signal */
    /* fails=: the failure it had to have, as it happened ("killed by
     * signal 11 (Segmentation fault)"), set by lb_fails_judge; owned. */
    char *expected_failure;
    lb_run_stat first; /* the run whose output is shown */
    lb_run_stat *runs; /* repeat: the timed runs after the warm-up one */
    int nruns;
    char *svg;            /* gnuplot: the figure */
    char *command;        /* what was run, for the caption ("cc -std=c11 -O2 ...") */
    char *not_run_reason; /* LB_RES_NOT_RUN: "jax is not installed here" */
    char *recorded;       /* label when rendered from a recording, else NULL */
    /* What the first run published, in order of first publication (a key
     * published twice keeps its last text); owned by the result. */
    lb_pub_value *values;
    size_t nvalues;
    lb_pub_claim *claims;
    size_t nclaims;
    int claim_failed; /* the failure is that claims did not hold */
    /* Where the chunks of the program sat when it ran (relocate.h), so a
     * cached result's line numbers can follow them; owned. */
    char *origins;
} lb_result;

void lb_result_free(lb_result *r);

#endif
