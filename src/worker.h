/* worker: one sandbox per worker thread, in which each chunk gets
 * namespaces of its own.
 *
 * A bubblewrap start per chunk cost about 5 ms of a 40 ms chunk, and both
 * workers starting theirs at once serialise on the kernel's global mount
 * and network-namespace locks. So each worker thread of litbook starts
 * bwrap once with the views every chunk gets (bwrap.h), the runner keeping
 * CAP_SYS_ADMIN (as another user than root, of bwrap's user namespace
 * only) until a chunk's namespaces are made, and `litbook-runner
 * __sandbox-worker` inside. For
 * each chunk litbook sends the worker one request (the chunk's scratch
 * folder, the size of its /tmp, and as file descriptors: the chunk's own
 * control socket and the cgroup files it must join); the worker clones a
 * process in new mount, PID and IPC namespaces, which makes the chunk's
 * mounts (nest.h), joins the chunk's cgroups by writing "0" to each file
 * (the kernel checks the opener's rights: litbook's), drops to the
 * sandbox's uid (as root) and every capability, applies Landlock and
 * seccomp, and
 * serves the chunk's programs exactly as a runner does (runner.h), as
 * PID 1 of its namespace: when it ends, the kernel kills everything the
 * chunk left, and nothing in the chunk can signal it but SIGKILL and
 * SIGSTOP from outside. The worker answers each request with a pidfd of
 * that process, which litbook uses to kill it and to know it is gone.
 *
 * Shared between chunks of one worker, one after the other: the network
 * namespace (loopback only; nothing of a chunk survives it to listen on
 * it) and the UTS and cgroup namespaces (nothing a chunk can change).
 * Not shared: mounts, /tmp, /dev/shm, SysV IPC and POSIX message queues,
 * PIDs. */
#ifndef LB_WORKER_H
#define LB_WORKER_H

#include <sys/types.h>

/* The most cgroup files a chunk joins (jail.h: v2, v1 pids, v1 memory,
 * the thread's v1 pids). */
enum { LB_WORKER_MAX_JOIN = 4 };

/* litbook's side. Sends one chunk to the worker on ctl: its scratch
 * folder (absolute, below the folder the worker was started with),
 * tmp_max bytes for /tmp and /dev/shm (0: default), chunk_fd (the
 * chunk's end of its control socket) and njoin cgroup files. Blocking.
 * Returns 0, or -1 with errno. */
int lb_worker_send(int ctl, const char *scratch, unsigned long long tmp_max, int chunk_fd,
                   const int *join, int njoin);

/* Reads the worker's answer: *pidfd (owned by the caller) is the chunk's
 * first process. Returns 0, or -1 with errno (the worker's, or EPIPE
 * when it is gone). */
int lb_worker_reply(int ctl, int *pidfd);

/* The worker's main loop, inside the sandbox (runner.c dispatches here):
 * serves requests on ctl until it closes. uid/gid: what each chunk
 * becomes (-1: stays). Returns an exit status. */
int lb_worker_main(int ctl, long uid, long gid);

#endif
