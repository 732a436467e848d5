/* jail: keeping every process a chunk starts accounted for, and bounded.
 *
 * A process group is not enough: a chunk may call setsid() (or setpgid) and
 * leave it, and as root RLIMIT_NPROC does not apply, so a fork storm is only
 * stopped by a pids controller. So each contained run gets, where the
 * machine allows it:
 *
 *   - a fresh cgroup v2 directory: its cgroup.kill (Linux 5.14) kills every
 *     member at once, wherever it moved in the process tree; with the pids
 *     controller enabled there, pids.max caps the number of tasks;
 *   - in a cgroup v1 pids hierarchy (hybrid machines), a cgroup of the
 *     calling thread's own, entered once: v1 places single threads, and a
 *     process is born in the cgroup of the thread that forks it, so the
 *     child needs no migration (a move of a whole process waits for an
 *     RCU grace period, 7 to 20 ms here, which per run left a core idle;
 *     a child that must move, into a memory cgroup, moves its one thread
 *     instead, see lb_jail_enter). pids.max is set
 *     for each run, to the chunk's limit plus the thread itself, and back to
 *     "max" after it. Failing that, a fresh v1 pids directory per run;
 *   - failing both, RLIMIT_NPROC (useful only when not root) and a sweep of
 *     the process tree through /proc.
 *
 * litbook makes itself a child subreaper (PR_SET_CHILD_SUBREAPER), so that
 * a chunk's orphans are re-parented to it rather than to PID 1 (which, in
 * some containers, never reaps them): they are killed and reaped here. To
 * tell those orphans from the children other threads are running right now,
 * every fork goes through lb_jail_fork_begin/end, which record the children
 * in flight. */
#ifndef LB_JAIL_H
#define LB_JAIL_H

#include <sys/types.h>

#include "buf.h"

/* dirs[0]: cgroup v2; dirs[1]: v1 pids; procs_fd[2]: the thread's v1
 * memory cgroup (mem_dir; dirs[2] stays NULL). */
enum { LB_JAIL_NDIRS = 3 };

typedef struct {
    char *dirs[LB_JAIL_NDIRS];   /* cgroups made for this run (owned), or NULL */
    const char *thread_dir;      /* or the calling thread's own v1 pids cgroup (borrowed) */
    int procs_fd[LB_JAIL_NDIRS]; /* their cgroup.procs, for the child; -1 */
    int kill_fd;                 /* dirs[0]'s cgroup.kill, or -1 */
    int thread_fd;               /* thread_dir's tasks, opened by lb_jail_join_fds, or -1 */
    int pids_capped;             /* max_procs is enforced by a pids.max */
    int mem_capped;              /* max_memory holds for the run as a whole */
    const char *mem_dir;         /* the thread's own v1 memory cgroup (borrowed), or NULL */
    long oom_base;               /* its OOM kill count when the run began (or last asked) */
    int nproc_rlimit;            /* else: the RLIMIT_NPROC to set, 0 none */
} lb_jail;

/* Prepares containment for one child, in the parent, before fork. Never
 * fails: what the machine does not allow is left out (see
 * lb_jail_describe). max_procs 0: no cap. max_memory (bytes; 0: none)
 * caps the memory of all its processes together (and their tmpfs files),
 * by a memory cgroup: v2 memory.max with no swap, or the calling thread's v1
 * memory.limit_in_bytes and memsw. Free with lb_jail_close. */
void lb_jail_open(lb_jail *j, unsigned long max_procs, unsigned long long max_memory);

/* In the child between fork and exec (async-signal-safe): joins the
 * cgroups. Returns 0 or -1 with errno. */
int lb_jail_enter(const lb_jail *j);

/* In the parent once the direct child has exited (and before it is reaped,
 * so its pid and group id are not reused): kills every process the run
 * started, reaps the orphans that came back to us, removes the cgroups. */
/* For a process that is not the caller's child, started for the run by a
 * sandbox's worker (worker.h): the files it must write "0" to, itself, to
 * enter the run's cgroups (the ones a child of ours is born in included).
 * Fills up to max fds (owned by j: valid until lb_jail_close) and returns
 * how many. */
int lb_jail_join_fds(lb_jail *j, int *fds, int max);

/* For a child that must stay out of the calling thread's own cgroup (a
 * worker's sandbox, which lives across runs: a run's end kills every
 * member of that cgroup): an fd the child writes "0" to, between fork and
 * exec, to go back to litbook's own. -1 when the thread has no cgroup of
 * its own. The caller closes it. */
int lb_jail_thread_exit_fd(void);

/* Returns 1 when the memory cap made the kernel kill one of them (an OOM
 * kill in the run's memory cgroup), else 0. */
int lb_jail_close(lb_jail *j, pid_t child);

/* For a jail that serves several programs in turn (session.h): whether
 * the memory cap made the kernel kill a process since it was opened or
 * since the last call. */
int lb_jail_oom_since(lb_jail *j);

/* Fork bookkeeping: call begin before fork and end right after it in the
 * parent with the new pid (or -1 when fork failed); forget once the child
 * is reaped. begin..end holds a lock, so keep that span short. */
void lb_jail_fork_begin(void);
void lb_jail_fork_end(pid_t pid);
void lb_jail_forget(pid_t pid);

/* A thread that ran contained programs may hold a cgroup of its own (see
 * lb_jail_open); this gives it back. Worker threads do it as they end (a
 * thread-specific destructor); a thread that outlives the jobs, such as
 * the main one, calls it when they are done. */
void lb_jail_thread_release(void);

/* One process as the sweep sees it (without a cgroup, lb_jail_close kills
 * a run's processes by walking the process table in /proc). */
typedef struct {
    pid_t pid, ppid;
    char state;
} lb_proc_info;

/* The sweep's choice, apart from /proc so that a unit test can give it a
 * process table of its own: sets mark[i] (n bytes) to 1 for each process
 * of v[0..n) a pass kills, else 0: self's children but those in
 * spare[0..nspare) (the children that spawns are waiting for; the others
 * are orphans re-parented to self, the subreaper), and every descendant of
 * those and of root (a run's direct child, marked too but spared by the
 * pass: its caller reaps it) through parent links, at any depth and in any
 * order v lists them, so that one pass kills a whole tree: a pass that got
 * one level of it each time would need a nap and a scan of /proc per
 * level. */
void lb_jail_mark_tree(const lb_proc_info *v, size_t n, pid_t root, pid_t self, const pid_t *spare,
                       size_t nspare, char *mark);

/* Every process on the machine (pid, parent, state), read from /proc:
 * what the sweep marks from (lb_jail_mark_tree) when there is no cgroup,
 * and reaping falls back to where /proc/self/task/TID/children is
 * missing. *n of them; the caller frees the array. */
lb_proc_info *lb_jail_scan_procs(size_t *n);

/* One line on what this machine gives: "cgroup v2 (cgroup.kill) + cgroup
 * v1 pids.max", "no cgroup: process limit not enforced (root)". Appends. */
void lb_jail_describe(lb_buf *out);

#endif
