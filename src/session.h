/* session: one sandbox (bwrap.h) with its runner (runner.h), kept for all
 * the programs of a chunk.
 *
 * A bubblewrap start costs several milliseconds (its mounts and
 * namespaces), and a chunk runs two or three programs: its compiler, the
 * program, the program's repeats. Each worker thread keeps at most one
 * sandbox alive, made for one scratch folder and one set of limits; a
 * request for another folder or other limits ends it and makes a new one.
 * As root a chunk's sandbox is not a bwrap of its own but namespaces made
 * inside the thread's worker sandbox (worker.h), kept for the whole build
 * while the chunks ask for the same views.
 * Between two programs the runner has killed everything the first one
 * left, so they share only the scratch folder, /tmp and /dev/shm, as the
 * stages of one chunk always did through the folder. The sandbox ends when
 * the thread's chunk is done (lb_spawn_end_session, called by the job
 * scheduler after every job) or at a timeout. */
#ifndef LB_SESSION_H
#define LB_SESSION_H

#include <sys/types.h>

#include "buf.h"
#include "jail.h"
#include "spawn.h"

typedef struct {
    pid_t pid; /* bwrap, a child of the thread that made it (a worker's: worker.h) */
    int ctl;   /* litbook's end of the runner's socket */
    int err;   /* bwrap's stderr (non-blocking): why it could not set up (a worker's: borrowed) */
    /* In a worker's sandbox: the chunk's first process, PID 1 of its own
     * namespaces (a pidfd), and the worker (borrowed). Else -1 and NULL. */
    int pidfd;
    void *worker;
    lb_jail jail;
    int jailed; /* jail is open */
    /* What it was made for (owned copies; cfg borrowed from the build). */
    const lb_bwrap_cfg *cfg;
    char *scratch;
    lb_strv ro;
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

/* Ends the calling thread's session, if it has one: kills all in it,
 * empties its cgroups, reaps bwrap (in a worker's sandbox: kills the
 * chunk's namespaces, and reaps the worker only if it is gone: a timeout
 * kills it with the chunk). *status (may be NULL) gets bwrap's
 * wait status, and err (may be NULL) what bwrap wrote on its stderr.
 * Returns 1 when its memory cap killed a process since the last
 * lb_session_oom, else 0. */
int lb_session_end(int *status, lb_buf *err);

/* Ends the calling thread's worker sandbox (and its session), if it has
 * one. Threads that end do it themselves. */
void lb_session_end_worker(void);

#endif
