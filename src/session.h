/* session: a chunk's sandbox, kept for all the programs of the chunk.
 *
 * Each worker thread keeps one worker sandbox (worker.h: one bwrap, made
 * for the build's views and the folder of the scratch folders) for as
 * long as the chunks it runs ask for the same views, and in it at most one
 * chunk's namespaces alive (nest.h), made for one scratch folder and one
 * set of limits; a request for another folder or other limits ends them
 * and makes new ones there, a request for other views makes a new worker.
 * A chunk runs two or three programs (its compiler, the program, the
 * program's repeats): between two, the runner has killed everything the
 * first one left, so they share only the scratch folder, /tmp and
 * /dev/shm, as the stages of one chunk always did through the folder. The
 * chunk's namespaces end when the thread's chunk is done
 * (lb_spawn_end_session, called by the job scheduler after every job) or
 * at a timeout, which kills the worker too. */
#ifndef LB_SESSION_H
#define LB_SESSION_H

#include <sys/types.h>

#include "buf.h"
#include "jail.h"
#include "spawn.h"

typedef struct {
    /* Its worker's bwrap, a child of the thread that made it: what spawn
     * kills at a timeout and watches for (the worker's own, copied). */
    pid_t pid;
    int ctl;      /* litbook's end of the chunk's runner's socket */
    int pidfd;    /* the chunk's first process, PID 1 of its namespaces; -1: none (lost) */
    void *worker; /* the thread's worker (borrowed): the views are its */
    lb_jail jail;
    int jailed; /* jail is open */
    /* What it was made for (owned copy). */
    char *scratch;
    unsigned long long tmp_max, max_memory;
    unsigned long max_procs;
    int contain;
} lb_session;

/* The calling thread's sandbox for req (req->box set): the live one when
 * it was made for the same folder, views and limits, else a new one (the
 * old one ended). NULL with errno when bwrap cannot be started. The
 * session stays the thread's: end it with lb_session_end. */
lb_session *lb_session_get(const lb_spawn_req *req);

/* Whether the memory cap made the kernel kill a process since the session
 * began or since the last call. */
int lb_session_oom(lb_session *s);

/* Ends the calling thread's session, if it has one: kills the chunk's
 * namespaces, empties its cgroups, and reaps the worker only if it is
 * gone (a timeout kills it with the chunk). *status (may be NULL) gets bwrap's
 * wait status, and err (may be NULL) what bwrap wrote on its stderr.
 * Returns 1 when its memory cap killed a process since the last
 * lb_session_oom, else 0. */
int lb_session_end(int *status, lb_buf *err);

/* Ends the calling thread's worker sandbox (and its session), if it has
 * one. Threads that end do it themselves. */
void lb_session_end_worker(void);

#endif
