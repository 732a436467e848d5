/* worker: a worker thread's sandbox, starting each chunk in namespaces of
 * its own (worker.h). Part of the static runner and of litbook. */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "nest.h"
#include "runner.h"

#define LB_WORKER_MAGIC 0x6c627732

/* A request: the head, then path_len bytes of the scratch folder's path
 * (NUL included); the fds come with the head: the chunk's socket, then
 * njoin cgroup files. */
typedef struct {
    int magic;
    int njoin;
    unsigned long long tmp_max;
    uint32_t path_len;
} chunk_head;

/* The answer: err 0 with the chunk's pidfd, or an errno and no fd. */
typedef struct {
    int magic;
    int err;
} chunk_reply;

enum { MAX_FDS = 1 + LB_WORKER_MAX_JOIN };
_Static_assert((int)MAX_FDS <= (int)LB_FDPASS_MAX, "a request's fds go in one message");

static void close_all(int *fds, int n)
{
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

/* --- litbook's side --------------------------------------------------- */

int lb_worker_send(int ctl, const char *scratch, unsigned long long tmp_max, int chunk_fd,
                   const int *join, int njoin)
{
    size_t len = strlen(scratch) + 1;
    if (njoin < 0 || njoin > LB_WORKER_MAX_JOIN || len > PATH_MAX) {
        errno = EINVAL;
        return -1;
    }
    chunk_head h;
    memset(&h, 0, sizeof h);
    h.magic = LB_WORKER_MAGIC;
    h.njoin = njoin;
    h.tmp_max = tmp_max;
    h.path_len = (uint32_t)len;
    int fds[MAX_FDS];
    fds[0] = chunk_fd;
    memcpy(fds + 1, join, (size_t)njoin * sizeof(int));
    if (lb_fdpass_send(ctl, &h, sizeof h, fds, 1 + njoin) < 0)
        return -1;
    return lb_fd_write_all(ctl, scratch, len);
}

int lb_worker_reply(int ctl, int *pidfd)
{
    chunk_reply r = {0, 0};
    int fds[1] = {-1}, nfds = 0;
    *pidfd = -1;
    int got = lb_fdpass_recv(ctl, &r, sizeof r, fds, 1, &nfds);
    if (got <= 0 || r.magic != LB_WORKER_MAGIC || (r.err == 0) != (nfds == 1)) {
        close_all(fds, nfds);
        errno = got < 0 && errno ? errno : EPIPE;
        return -1;
    }
    if (r.err) {
        errno = r.err;
        return -1;
    }
    *pidfd = fds[0];
    return 0;
}

/* --- the worker's side ------------------------------------------------ */

typedef struct {
    chunk_head h;
    int fds[MAX_FDS]; /* the chunk's socket, then the cgroup files */
    int nfds;
    char path[PATH_MAX];
} request;

/* Returns 1 with a request, 0 at end of file, -1 when what came is not one. */
static int read_request(int ctl, request *q)
{
    memset(q, 0, sizeof *q);
    int got = lb_fdpass_recv(ctl, &q->h, sizeof q->h, q->fds, MAX_FDS, &q->nfds);
    if (got <= 0)
        return got;
    if (q->h.magic != LB_WORKER_MAGIC || q->h.njoin < 0 || q->h.njoin > LB_WORKER_MAX_JOIN ||
        q->nfds != 1 + q->h.njoin || q->h.path_len < 2 || q->h.path_len > sizeof q->path ||
        lb_fd_read_all(ctl, q->path, q->h.path_len) < 0 || q->path[q->h.path_len - 1] != '\0')
        return -1;
    return 1;
}

/* In the chunk's first process, PID 1 of its namespaces. */
static int chunk_main(request *q, long uid, long gid)
{
    char why[PATH_MAX + 128];
    if (lb_nest_enter(q->path, q->h.tmp_max, why, sizeof why) < 0) {
        fprintf(stderr, "litbook sandbox: %s\n", why);
        return 125;
    }
    /* Before anything of the chunk runs: what it starts is born there. */
    for (int i = 1; i < q->nfds; i++) {
        if (write(q->fds[i], "0", 1) != 1) {
            fprintf(stderr, "litbook sandbox: cannot join the chunk's cgroup: %s\n",
                    strerror(errno));
            return 125;
        }
        close(q->fds[i]);
    }
    return lb_runner_serve(q->fds[0], uid, gid);
}

/* Starts the chunk; returns its pidfd, or -1 with errno. The raw clone
 * returns in the child like fork, as bubblewrap uses it: glibc's clone
 * wants a function and a stack of its own. */
static int start_chunk(request *q, int ctl, long uid, long gid)
{
    long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | SIGCHLD;
    pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
    if (pid == 0) {
        close(ctl);
        _exit(chunk_main(q, uid, gid));
    }
    if (pid < 0)
        return -1;
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0) {
        int e = errno;
        kill(pid, SIGKILL);
        errno = e;
    }
    return pidfd;
}

int lb_worker_main(int ctl, long uid, long gid)
{
    /* Root with CAP_SYS_ADMIN: nothing in a chunk may ptrace us, and
     * nothing of a chunk ever runs in this process. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (fcntl(ctl, F_SETFD, FD_CLOEXEC) < 0)
        return 125;
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        while (waitpid(-1, NULL, WNOHANG) > 0) /* chunks that ended */
            ;
        request q;
        int got = read_request(ctl, &q);
        if (got <= 0) {
            close_all(q.fds, q.nfds);
            return got == 0 ? 0 : 125;
        }
        int pidfd = start_chunk(&q, ctl, uid, gid);
        chunk_reply r = {LB_WORKER_MAGIC, pidfd < 0 ? errno : 0};
        if (pidfd < 0) /* litbook reads our stderr when it reports the sandbox lost */
            fprintf(stderr, "litbook sandbox: cannot start a chunk: %s\n", strerror(r.err));
        close_all(q.fds, q.nfds);
        int sent = lb_fdpass_send(ctl, &r, sizeof r, &pidfd, pidfd >= 0 ? 1 : 0);
        if (pidfd >= 0)
            close(pidfd);
        if (sent < 0)
            return 125;
    }
}
