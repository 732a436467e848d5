/* session: a chunk's namespaces in its worker's sandbox, kept across its
 * programs (session.h). */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bwrap.h"
#include "worker.h"

extern char **environ;

/* The fd the runner finds its socket on (bwrap passes it through). */
enum { CTL_FD = 3 };

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* No destructor: a thread ends its session itself (the job scheduler does
 * after every job), and were one left, the worker's destructor ends the
 * worker's sandbox, and with it the chunk's namespaces, and the jail's its
 * cgroups. */
static void make_key(void)
{
    pthread_key_create(&key, NULL);
}

static lb_session *current(void)
{
    pthread_once(&key_once, make_key);
    return pthread_getspecific(key);
}

static int same_strv(const lb_strv *a, const lb_strv *b)
{
    size_t na = a ? a->n : 0, nb = b ? b->n : 0;
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return 0;
    return 1;
}

static int contained(const lb_spawn_req *req)
{
    return req->contain || req->max_procs || req->max_memory;
}

/* Between fork and exec: async-signal-safe calls only. leave_fd: "0" is
 * written to it (lb_jail_thread_exit_fd), or -1. */
static _Noreturn void exec_bwrap(int leave_fd, char *const *argv, int ctl, int errw, int failw)
{
    lb_child_default_signals();
    int null = open("/dev/null", O_RDWR);
    if (setpgid(0, 0) == 0 && (leave_fd < 0 || write(leave_fd, "0", 1) == 1) && null >= 0 &&
        dup2(null, 0) == 0 && dup2(null, 1) == 1 && dup2(errw, 2) == 2 &&
        (ctl == CTL_FD ? fcntl(ctl, F_SETFD, 0) == 0 : dup2(ctl, CTL_FD) == CTL_FD)) {
        syscall(SYS_close_range, CTL_FD + 1, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
        execve(argv[0], argv, environ);
    }
    int e = errno;
    ssize_t w = write(failw, &e, sizeof e);
    (void)w;
    _exit(127);
}

static void close_pair(int *v)
{
    for (int i = 0; i < 2; i++)
        if (v[i] >= 0) {
            close(v[i]);
            v[i] = -1;
        }
}

/* Starts bwrap with br; *pid, *ctl (our end of the runner's socket) and
 * *err (its stderr, non-blocking) are the caller's on success. Returns 0,
 * or -1 with errno (bwrap not started, or not exec'd: reaped). */
static int launch(const lb_bwrap_cfg *cfg, const lb_bwrap_run *br, int leave_fd, pid_t *pid_out,
                  int *ctl, int *err)
{
    int sv[2] = {-1, -1}, ep[2] = {-1, -1}, fp[2] = {-1, -1};
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        pipe2(ep, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(fp, O_CLOEXEC) < 0)
        goto fail;
    /* None of ours may land on 0-3, where the child puts its own. */
    int *all[] = {&sv[0], &sv[1], &ep[0], &ep[1], &fp[0], &fp[1]};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (*all[i] <= CTL_FD) {
            int nfd = fcntl(*all[i], F_DUPFD_CLOEXEC, CTL_FD + 1);
            close(*all[i]);
            *all[i] = nfd;
            if (nfd < 0)
                goto fail;
        }
    lb_strv argv = {0};
    lb_bwrap_argv(cfg, br, &argv);
    sigset_t all_sigs, old;
    sigfillset(&all_sigs);
    pthread_sigmask(SIG_SETMASK, &all_sigs, &old);
    lb_jail_fork_begin();
    pid_t pid = fork();
    if (pid == 0)
        exec_bwrap(leave_fd, argv.v, sv[1], ep[1], fp[1]);
    int saved = errno;
    lb_jail_fork_end(pid);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    lb_strv_free(&argv);
    close(sv[1]);
    close(ep[1]);
    close(fp[1]);
    sv[1] = ep[1] = fp[1] = -1;
    if (pid < 0) {
        errno = saved;
        goto fail;
    }
    setpgid(pid, pid);
    int e = 0;
    ssize_t got;
    do
        got = read(fp[0], &e, sizeof e);
    while (got < 0 && errno == EINTR);
    close_pair(fp);
    if (got == (ssize_t)sizeof e) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        lb_jail_forget(pid);
        close_pair(sv);
        close_pair(ep);
        errno = e ? e : EIO;
        return -1;
    }
    *pid_out = pid;
    *ctl = sv[0];
    *err = ep[0];
    return 0;
fail:
    saved = errno;
    close_pair(sv);
    close_pair(ep);
    close_pair(fp);
    errno = saved;
    return -1;
}

/* --- a worker's sandbox (worker.h) ------------------------------------ */

typedef struct {
    pid_t pid; /* its bwrap */
    int ctl, err;
    /* What it was made for (owned copies; cfg borrowed from the build). */
    const lb_bwrap_cfg *cfg;
    char *root; /* the folder of the scratch folders */
    lb_strv ro;
} worker;

static pthread_key_t worker_key;
static pthread_once_t worker_once = PTHREAD_ONCE_INIT;

static void worker_free(worker *w)
{
    if (w->ctl >= 0)
        close(w->ctl); /* the worker's end of file: it exits, and the sandbox with it */
    if (w->pid > 0) {
        kill(-w->pid, SIGKILL);
        while (waitpid(w->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        lb_jail_forget(w->pid);
    }
    if (w->err >= 0)
        close(w->err);
    free(w->root);
    lb_strv_free(&w->ro);
    free(w);
}

/* A thread that ends takes its worker with it. */
static void worker_destructor(void *p)
{
    worker_free(p);
}

static void make_worker_key(void)
{
    pthread_key_create(&worker_key, worker_destructor);
}

static worker *current_worker(void)
{
    pthread_once(&worker_once, make_worker_key);
    return pthread_getspecific(worker_key);
}

static void drop_worker(void)
{
    worker *w = current_worker();
    if (!w)
        return;
    pthread_setspecific(worker_key, NULL);
    worker_free(w);
}

/* Whether its bwrap is still there (not reaped: WNOWAIT). */
static int worker_alive(const worker *w)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
        return 0;
    return si.si_pid == 0;
}

/* Kills the whole worker sandbox and waits until its bwrap has exited
 * (not reaping it: worker_alive then says no, and the next look at it
 * drops it). */
static void kill_worker(const worker *w)
{
    kill(-w->pid, SIGKILL);
    siginfo_t si;
    while (waitid(P_PID, (id_t)w->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
}

/* Whether w shows what req asks to see. */
static int shows(const worker *w, const lb_spawn_req *req)
{
    return w->cfg == req->box && same_strv(&w->ro, req->box_ro);
}

/* The folder holding scratch (owned), or NULL. */
static char *parent_of(const char *scratch)
{
    const char *slash = strrchr(scratch, '/');
    if (!slash || slash == scratch)
        return NULL;
    return strndup(scratch, (size_t)(slash - scratch));
}

/* The thread's worker for req: the live one when it shows the same
 * views, else a new one. NULL with errno. */
static worker *worker_for(const lb_spawn_req *req)
{
    char *root = parent_of(req->box_scratch);
    if (!root) {
        errno = EINVAL;
        return NULL;
    }
    worker *w = current_worker();
    if (w && shows(w, req) && strcmp(w->root, root) == 0 && worker_alive(w)) {
        free(root);
        return w;
    }
    drop_worker();
    w = lb_xcalloc(1, sizeof *w);
    w->ctl = w->err = -1;
    w->cfg = req->box;
    w->root = root;
    for (size_t i = 0; req->box_ro && i < req->box_ro->n; i++)
        lb_strv_push(&w->ro, req->box_ro->v[i]);
    lb_bwrap_run br = {w->root, req->box_ro, CTL_FD};
    int leave_fd = lb_jail_thread_exit_fd();
    int rc = launch(req->box, &br, leave_fd, &w->pid, &w->ctl, &w->err);
    int e = errno;
    if (leave_fd >= 0)
        close(leave_fd);
    if (rc < 0) {
        w->pid = 0;
        worker_free(w);
        errno = e;
        return NULL;
    }
    pthread_setspecific(worker_key, w);
    return w;
}

/* A chunk in namespaces of its own inside the thread's worker. */
static int start_in_worker(lb_session *s, const lb_spawn_req *req)
{
    worker *w = worker_for(req);
    if (!w)
        return -1;
    if (contained(req)) {
        lb_jail_open(&s->jail, req->max_procs, req->max_memory);
        s->jailed = 1;
    }
    int join[LB_WORKER_MAX_JOIN];
    int njoin = s->jailed ? lb_jail_join_fds(&s->jail, join, LB_WORKER_MAX_JOIN) : 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    int rc = lb_worker_send(w->ctl, req->box_scratch, req->box_tmp_max, sv[1], join, njoin);
    close(sv[1]);
    if (rc == 0)
        rc = lb_worker_reply(w->ctl, &s->pidfd);
    if (rc < 0) {
        /* A worker that does not answer is lost, as a chunk's own bwrap
         * that ends before its runner reports: the session stays, with a
         * socket nobody holds the other end of, so that the run reports
         * the sandbox lost, with what bwrap said, and the trial is
         * forgotten. */
        kill_worker(w);
    }
    s->pid = w->pid;
    s->ctl = sv[0];
    s->worker = w;
    return 0;
}

/* Whether the chunk's first process has ended (its pidfd is readable). */
static int chunk_gone(int pidfd, int wait_ms)
{
    struct pollfd p = {pidfd, POLLIN, 0};
    int r;
    do
        r = poll(&p, 1, wait_ms);
    while (r < 0 && errno == EINTR);
    return r != 0;
}

static void session_free(lb_session *s)
{
    free(s->scratch);
    free(s);
}

/* Whether s can serve req: its worker shows the same views (the folder of
 * scratch folders is the scratch folder's), and it was made for the same
 * folder and limits. */
static int fits(const lb_session *s, const lb_spawn_req *req)
{
    return shows(s->worker, req) && strcmp(s->scratch, req->box_scratch) == 0 &&
           s->tmp_max == req->box_tmp_max && s->max_procs == req->max_procs &&
           s->max_memory == req->max_memory && s->contain == contained(req);
}

/* Whether the sandbox is still there: the worker, and the chunk's
 * namespaces in it. */
static int alive(const lb_session *s)
{
    return worker_alive(s->worker) && (s->pidfd < 0 || !chunk_gone(s->pidfd, 0));
}

lb_session *lb_session_get(const lb_spawn_req *req)
{
    lb_session *s = current();
    if (s && fits(s, req) && alive(s))
        return s;
    if (s)
        lb_session_end(NULL, NULL);
    s = lb_xcalloc(1, sizeof *s);
    s->ctl = s->pidfd = -1;
    s->scratch = lb_xstrdup(req->box_scratch);
    s->tmp_max = req->box_tmp_max;
    s->max_procs = req->max_procs;
    s->max_memory = req->max_memory;
    s->contain = contained(req);
    pthread_setspecific(key, s);
    if (start_in_worker(s, req) < 0) {
        int e = errno;
        if (s->jailed)
            lb_jail_close(&s->jail, 0);
        pthread_setspecific(key, NULL);
        session_free(s);
        errno = e;
        return NULL;
    }
    return s;
}

int lb_session_oom(lb_session *s)
{
    return s->jailed ? lb_jail_oom_since(&s->jail) : 0;
}

static void read_err(int fd, lb_buf *err)
{
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || err->len > 65536)
            return;
        lb_buf_append(err, chunk, (size_t)n);
    }
}

/* How long the end of a chunk's namespaces may take: SIGKILL cannot be
 * refused, so only a kernel stuck on I/O reaches it. */
enum { CHUNK_END_MS = 2000 };

/* A chunk in a worker: its first process is killed (the kernel then
 * kills its whole PID namespace), its cgroups emptied; the worker stays
 * unless it is gone (a timeout or a cancel kills it, as it would a chunk's
 * own bwrap). */
static int end_in_worker(lb_session *s, int *status, lb_buf *err)
{
    worker *w = s->worker;
    int gone = 1;
    if (s->pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, s->pidfd, SIGKILL, NULL, 0);
        gone = chunk_gone(s->pidfd, CHUNK_END_MS);
        close(s->pidfd);
    }
    /* Still there (stuck in the kernel): what is left of it must not share
     * a network namespace with the next chunk; the worker goes. */
    if (!gone)
        kill_worker(w);
    int oom = s->jailed ? lb_jail_close(&s->jail, 0) : 0;
    if (err)
        read_err(w->err, err);
    if (status)
        *status = -1; /* nothing of bwrap's to tell about this chunk */
    if (!worker_alive(w)) {
        int st = 0;
        while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
            ;
        lb_jail_forget(w->pid);
        w->pid = 0;
        if (status)
            *status = st;
        drop_worker();
    }
    return oom;
}

int lb_session_end(int *status, lb_buf *err)
{
    lb_session *s = current();
    if (status)
        *status = 0;
    if (!s)
        return 0;
    pthread_setspecific(key, NULL);
    int oom = 0;
    if (s->ctl >= 0)
        close(s->ctl); /* the runner's end of file: it exits, and the sandbox with it */
    if (s->worker) {
        oom = end_in_worker(s, status, err);
    } else if (s->jailed) {
        lb_jail_close(&s->jail, 0);
    }
    session_free(s);
    return oom;
}

void lb_spawn_end_session(void)
{
    lb_session_end(NULL, NULL);
}

void lb_session_end_worker(void)
{
    lb_session_end(NULL, NULL);
    drop_worker();
}

void lb_spawn_end_worker(void)
{
    lb_session_end_worker();
}
