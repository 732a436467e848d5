/* sandbox: a chunk's limit options turned into a spawn request.
 *
 * Shared by the engines that run an author's program (c, python), so that
 * every chunk is bounded the same way: wall time (timeout), CPU time,
 * address space, file size, number of tasks and output kept, and contained
 * (jail.h) so nothing it starts outlives it. */
#ifndef LB_SANDBOX_H
#define LB_SANDBOX_H

#include <pthread.h>
#include <stddef.h>

#include "bwrap.h"
#include "opts.h"
#include "spawn.h"

/* --sandbox=MODE. */
typedef enum {
    LB_SANDBOX_AUTO,   /* bubblewrap when it works here, else a warning */
    LB_SANDBOX_STRICT, /* bubblewrap or an error (exit 2) */
    LB_SANDBOX_OFF,    /* none (for measuring what it costs) */
} lb_sandbox_mode;

/* One build's sandbox: configured before anything runs, tried on first
 * use (a run of /bin/true in it: bwrap can be installed and still fail,
 * without user namespaces say). Shared by the worker threads. */
typedef struct lb_sandbox_s {
    lb_sandbox_mode mode;
    int configured; /* cfg is valid */
    lb_bwrap_cfg cfg;
    pthread_mutex_t lock;
    int state;     /* 0: not tried; 1: works; -1: does not */
    int as_uid;    /* the uid a scratch folder must belong to (-1: ours) */
    char why[512]; /* why there is none */
    char *memo;    /* OUT/.cache/sandbox-trial (owned): see lb_sandbox_get */
} lb_sandbox;

/* Configures s for a build writing to out_dir (absolute), whose chunks
 * start the programs in tools (NULL-terminated: the compiler, python).
 * No process is started. Returns -1 only under LB_SANDBOX_STRICT when no
 * sandbox can be had (s->why says why); prints the warning that chunks
 * are not sandboxed under LB_SANDBOX_AUTO. Free with lb_sandbox_free. */
int lb_sandbox_init(lb_sandbox *s, lb_sandbox_mode mode, const char *out_dir, const char *book_dir,
                    const char *const *tools);
void lb_sandbox_free(lb_sandbox *s);

/* The sandbox to run in, NULL to run without one (mode off, or auto and
 * it does not work here: warned once), after a trial run on first use in
 * a folder made under tmp_root. A trial that worked is remembered in the
 * cache with what it depended on (bwrap's and the runner's files, the boot,
 * the uid, the kernel's user-namespace settings, the sandbox's command
 * line): while all of that is unchanged, later builds skip it (a whole
 * bubblewrap start, a third of what litbook adds to a one-chunk edit). A
 * sandbox that is lost before its runner reports forgets it. *fatal is set
 * (and NULL returned) under strict when it does not work. Thread-safe. */
const lb_bwrap_cfg *lb_sandbox_get(lb_sandbox *s, const char *tmp_root, int *fatal);

/* Makes dir (a fresh scratch folder) writable by the sandbox's uid.
 * Returns 0 or -1 with errno. */
int lb_sandbox_own(const lb_sandbox *s, const char *dir);

/* Sets req's sandbox fields for a run in scratch folder dir, also showing
 * ro (borrowed; may be NULL), with tmp_max bytes for /tmp and /dev/shm
 * (0: default). Leaves req alone when s is NULL or has no working sandbox
 * (call lb_sandbox_get first). */
void lb_sandbox_place(const lb_sandbox *s, const char *dir, const lb_strv *ro,
                      unsigned long long tmp_max, lb_spawn_req *req);

/* Sets req's timeout, rlimits, max_procs, max_output and contain from o.
 * Leaves argv, envp, cwd and stdin alone. The address-space limit is left
 * out under sanitize=address: ASan reserves terabytes of shadow memory. */
void lb_sandbox_apply(const lb_opts *o, lb_spawn_req *req);

/* The limits as one short text for the cache key ("cpu=300 memory=..."):
 * a result obtained under other limits must not be reused. Writes at most
 * n bytes (NUL included) to buf. */
void lb_sandbox_key(const lb_opts *o, char *buf, size_t n);

/* Appends a sentence for the page/log when a run hit a limit ("it reached
 * its CPU time limit of 300 s (cpu=)"), judged from how it ended; appends
 * nothing when no limit explains the end. */
void lb_sandbox_explain(const lb_opts *o, const lb_spawn_result *r, lb_buf *out);

#endif
