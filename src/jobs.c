#include "jobs.h"

#include <pthread.h>
#include <stdlib.h>

#include "buf.h"
#include "spawn.h"

struct lb_sched {
    lb_job *jobs;
    size_t n;
    char *started;
    size_t finished; /* done or skipped */
    int running;
    int exclusive_running;
    volatile int *stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static int ready(const lb_sched *s, size_t i)
{
    const lb_job *j = &s->jobs[i];
    if (s->started[i])
        return 0;
    for (size_t k = 0; k < j->ndeps; k++)
        if (!s->jobs[j->deps[k]].done && !s->jobs[j->deps[k]].skipped)
            return 0;
    return 1;
}

/* The next job this worker may start, or -1 to wait. Call with mu held. */
static long pick(lb_sched *s)
{
    if (s->exclusive_running)
        return -1;
    long exclusive = -1;
    for (size_t i = 0; i < s->n; i++) {
        if (!ready(s, i))
            continue;
        if (!s->jobs[i].exclusive)
            return (long)i;
        if (exclusive < 0)
            exclusive = (long)i;
    }
    return exclusive >= 0 && s->running == 0 ? exclusive : -1;
}

/* Marks every job not started as skipped. Call with mu held. */
static void skip_rest(lb_sched *s)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!s->started[i]) {
            s->started[i] = 1;
            s->jobs[i].skipped = 1;
            s->finished++;
        }
    }
}

static void *worker(void *arg)
{
    lb_sched *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        if (s->stop && *s->stop)
            skip_rest(s);
        if (s->finished == s->n)
            break;
        long i = pick(s);
        if (i < 0) {
            pthread_cond_wait(&s->cv, &s->mu);
            continue;
        }
        lb_job *j = &s->jobs[i];
        s->started[i] = 1;
        s->running++;
        s->exclusive_running = j->exclusive;
        pthread_mutex_unlock(&s->mu);
        j->run(j->arg);
        lb_spawn_end_session(); /* the job's chunk is done: so is its sandbox */
        pthread_mutex_lock(&s->mu);
        j->done = 1;
        s->running--;
        s->exclusive_running = 0;
        s->finished++;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

void lb_sched_run(lb_job *jobs, size_t n, int nthreads, volatile int *stop_flag)
{
    if (n == 0)
        return;
    lb_sched s = {jobs,
                  n,
                  lb_xcalloc(n, 1),
                  0,
                  0,
                  0,
                  stop_flag,
                  PTHREAD_MUTEX_INITIALIZER,
                  PTHREAD_COND_INITIALIZER};
    if (nthreads < 1)
        nthreads = 1;
    if ((size_t)nthreads > n)
        nthreads = (int)n;
    pthread_t *t = lb_xcalloc((size_t)nthreads, sizeof *t);
    int made = 0;
    for (int i = 1; i < nthreads; i++)
        if (pthread_create(&t[i], NULL, worker, &s) == 0)
            made = i;
        else
            break;
    worker(&s); /* the calling thread works too */
    for (int i = 1; i <= made; i++)
        pthread_join(t[i], NULL);
    free(t);
    free(s.started);
    pthread_mutex_destroy(&s.mu);
    pthread_cond_destroy(&s.cv);
}
