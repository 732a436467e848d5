/* spawn: run one child program carefully, and capture what it does.
 *
 * The child runs in its own process group, with stdout and stderr on pipes
 * read through poll() (a full pipe never deadlocks), stdin fed from memory,
 * and a wall-clock deadline after which the whole group gets SIGTERM and,
 * after a grace period, SIGKILL. When the call returns, the child has been
 * reaped and every process left in its group has been killed: no zombie, no
 * stray process. Safe to call from several threads at once (fork is followed
 * only by async-signal-safe calls before exec). */
#ifndef LB_SPAWN_H
#define LB_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "bwrap.h"

typedef struct {
    char *const *argv;      /* argv[0] is looked up in PATH when it has no '/' */
    char *const *envp;      /* NULL: inherit the environment */
    const char *cwd;        /* NULL: inherit */
    const char *stdin_data; /* NULL: stdin is /dev/null */
    size_t stdin_len;
    double timeout_s;  /* <= 0: no deadline */
    double grace_s;    /* SIGTERM -> SIGKILL delay; <= 0 means 0.5 s */
    size_t max_output; /* per stream; bytes beyond are counted, dropped; 0: 1 MiB */
    /* Resource limits applied in the child (0: leave as inherited). */
    unsigned long rlimit_cpu_s;
    unsigned long rlimit_as_bytes;
    unsigned long rlimit_fsize_bytes;
    /* Containment (jail.h): contain puts the child in fresh cgroups where
     * the machine allows, and at the end kills every process it started,
     * even those that left its process group. max_procs caps its tasks
     * (pids.max; RLIMIT_NPROC when not root); 0: no cap. */
    int contain;
    unsigned long max_procs;
    unsigned long long max_memory; /* all its processes together (jail.h); 0: none */
    /* When *cancel becomes nonzero (a signal handler sets it), the child's
     * group is stopped as at the deadline, within 100 ms. May be NULL. */
    const volatile int *cancel;
    /* The sandbox (bwrap.h, runner.h): when box is set, argv runs inside
     * one, whose only writable host folder is box_scratch (also its
     * working folder; cwd is then ignored) and which also shows box_ro
     * (may be NULL) read-only; /tmp and /dev/shm hold at most box_tmp_max
     * bytes each (0: tmpfs default). All borrowed for the call. Runs of
     * one thread with the same box fields and limits share one sandbox
     * (lb_spawn_end_session). */
    const lb_bwrap_cfg *box;
    const char *box_scratch;
    const lb_strv *box_ro;
    unsigned long long box_tmp_max;
} lb_spawn_req;

typedef struct {
    lb_buf out, err;
    size_t out_dropped, err_dropped; /* bytes beyond max_output */
    int exited;                      /* 1: exited normally, exit_code valid */
    int exit_code;
    int signaled; /* 1: killed by signal signo */
    int signo;
    int timed_out;        /* 1: the deadline passed and we killed it */
    double wall_s;        /* from fork to reap */
    double user_s, sys_s; /* the child's rusage (wait4) */
    /* Peak RSS. Linux folds the forked copy's RSS (that is, litbook's own
     * RSS at fork time) into it at exec, so it is an upper bound: trust it
     * only when the child is bigger than the parent. */
    long maxrss_kb;
    int procs_capped; /* max_procs was enforced (a pids cgroup or NPROC) */
    int mem_capped;   /* max_memory was enforced (a memory cgroup) */
    int oom_killed;   /* the kernel killed one of its processes for max_memory */
    int exec_errno;   /* nonzero: the program could not be started (ENOENT...) */
    /* Sandboxed runs: the figures above are the program's own, from the
     * runner (bubblewrap's setup excluded). sandbox_lost: no report came
     * (bwrap could not set up, or the chunk killed its runner); then
     * exited and signaled are 0 and the run never counts as a success. */
    int sandbox_lost;
    int box_exit_code; /* bwrap's own exit status, for the message */
} lb_spawn_result;

/* Runs req; fills *res (free with lb_spawn_result_free). Returns 0 when the
 * child was started (whatever its fate), -1 when it could not be (then
 * res->exec_errno says why; a failed exec in the child is reported this way
 * too, not as exit 127).
 *
 * *res need not be initialised; it is zeroed first, and must be freed
 * whatever the return value. After a 0 return res->out.ptr and res->err.ptr
 * are never NULL. argv[0] is looked up in the caller's PATH, not in envp's.
 *
 * Side effect: the first call ignores SIGPIPE process-wide (unless the
 * program already handles or ignores it), so that feeding stdin to a child
 * that stopped reading gives EPIPE instead of killing us. Children get every
 * signal back at its default disposition and an empty signal mask. */
int lb_spawn_run(const lb_spawn_req *req, lb_spawn_result *res);
void lb_spawn_result_free(lb_spawn_result *res);

/* Sandboxed runs of one thread share a sandbox while they are for the same
 * scratch folder and limits (session.h): the compiler, the program and its
 * repeats. This ends the calling thread's, if it has one; call it when a
 * chunk is done (the job scheduler does after every job). */
void lb_spawn_end_session(void);

/* As root, a thread's chunks run in one sandbox of the thread's (worker.h),
 * kept across chunks; this ends the calling thread's. Threads that end do
 * it themselves; a thread that outlives a build, the main one, calls it
 * when the build's jobs are done. */
void lb_spawn_end_worker(void);

/* For a child between fork and exec (async-signal-safe): every signal
 * back to its default disposition and none blocked, so a program runs the
 * same whatever litbook ignores or blocks. */
void lb_child_default_signals(void);

/* "exit status 3", "killed by signal 11 (Segmentation fault)", "timed out
 * after 1 s" (0.5 s, 2.5 s: no trailing zeros), "could not start: No such
 * file or directory": a human description of how the child ended, appended
 * to b. timeout_s is the request's timeout, used only in the timed-out
 * case. Thread-safe (no strsignal). */
void lb_spawn_describe(const lb_spawn_result *res, double timeout_s, lb_buf *b);

#endif
