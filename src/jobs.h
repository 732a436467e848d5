/* jobs: run a graph of jobs on N threads.
 *
 * A job starts once the jobs it depends on have finished. An exclusive job
 * runs alone: it starts only when nothing else runs, and nothing starts
 * while it runs, so the timings it takes are not disturbed by the build.
 * Ordinary jobs are preferred while any is ready, so exclusive ones are
 * batched at the points where the graph lets them run. */
#ifndef LB_JOBS_H
#define LB_JOBS_H

#include <stddef.h>

typedef struct {
    void (*run)(void *arg); /* called on a worker thread */
    void *arg;
    int exclusive;
    size_t *deps; /* indices of jobs that must finish first */
    size_t ndeps;
    /* Set by the scheduler. */
    int done;
    int skipped; /* not started because the build was stopped */
} lb_job;

typedef struct lb_sched lb_sched;

/* Runs all jobs with up to nthreads at once; returns when every job has
 * finished or been skipped. stop_flag, when it becomes nonzero (set it from
 * a job), keeps jobs not yet started from starting. */
void lb_sched_run(lb_job *jobs, size_t n, int nthreads, volatile int *stop_flag);

#endif
