/* spawn: fork + exec one child, feed and drain it through poll(), bound it in
 * time, reap it.
 *
 * Everything the child needs (resolved path, argv, envp, rlimits, fds) is
 * prepared before fork, so that between fork and execve the child makes only
 * async-signal-safe calls: in a multithreaded parent another thread may hold
 * the malloc lock at the moment of fork, and the child would deadlock on it. */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jail.h"
#include "runner.h"
#include "session.h"

#define DEFAULT_MAX_OUTPUT ((size_t)1 << 20)
#define DEFAULT_GRACE_S 0.5
/* Without a pidfd, how often we ask waitid whether the child is gone. */
#define FALLBACK_POLL_MS 10
#define CANCEL_POLL_MS 100
#define IO_CHUNK 65536

/* What the child does between fork and exec, all decided in the parent. */
typedef struct {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int in_fd, out_fd, err_fd; /* the child's ends; all >= 3 */
    int errpipe_w;             /* CLOEXEC: EOF in the parent means exec worked */
    const lb_jail *jail;       /* NULL: not contained */
    int nrlim;
    lb_rlim rlim[LB_RUNNER_MAX_RLIM]; /* also what a sandbox's runner sets */
} child_plan;

/* One output stream on the parent's side. */
typedef struct {
    int fd; /* -1 once closed */
    lb_buf *buf;
    size_t *dropped;
    size_t max;
} sink;

typedef struct {
    pid_t pid;
    int pidfd; /* -1: fall back to short poll timeouts + waitid */
    sink out, err;
    int in_fd; /* -1 once all was written, or the child stopped reading */
    const char *in_data;
    size_t in_left;
    double deadline;            /* CLOCK_MONOTONIC seconds; 0: none */
    const volatile int *cancel; /* from the request */
    double grace;
    double kill_at; /* set when SIGTERM is sent */
    int term_sent, kill_sent;
    int timed_out;
    /* Sandboxed: pid is the session's bwrap, and the program's end is the
     * runner's report on ctl (-1 once read or broken). */
    int boxed, ctl, reported;
    int lost; /* the runner's socket ended without a report */
    lb_runner_report rep;
} run_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Writing stdin to a child that has exited (or closed its stdin) must yield
 * EPIPE, not kill litbook. SIGPIPE is therefore ignored process-wide, once,
 * unless the program already installed its own handler or ignores it. This
 * is the one piece of global state this module touches; the child restores
 * the default disposition before exec. */
static pthread_once_t sigpipe_once = PTHREAD_ONCE_INIT;

static void ignore_sigpipe(void)
{
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
        !(old.sa_flags & SA_SIGINFO)) {
        struct sigaction ign;
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(SIGPIPE, &ign, NULL);
    }
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* Keeps our fds off 0, 1 and 2, so the child's dup2 onto them can neither be
 * a no-op (which would keep FD_CLOEXEC) nor clobber another of our fds.
 * Takes ownership of fd; returns the (possibly new) fd or -1 with errno. */
static int above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int saved = errno;
    close(fd);
    errno = saved;
    return nfd;
}

static int make_pipe(int p[2])
{
    p[0] = p[1] = -1;
    int raw[2];
    if (pipe2(raw, O_CLOEXEC) < 0)
        return -1;
    p[0] = above_stdio(raw[0]);
    p[1] = above_stdio(raw[1]);
    if (p[0] < 0 || p[1] < 0) {
        int saved = errno;
        close_fd(&p[0]);
        close_fd(&p[1]);
        errno = saved;
        return -1;
    }
    return 0;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int is_executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Looks name up in the parent's PATH (as execvp would, but before fork).
 * Returns 0 and sets *path to a malloc'd string the caller frees, or returns
 * an errno value (ENOENT, or EACCES when only non-executable matches exist). */
static int resolve_in_path(const char *name, char **path)
{
    *path = NULL;
    if (strchr(name, '/')) {
        *path = lb_xstrdup(name);
        return 0;
    }
    if (!*name)
        return ENOENT;
    const char *dirs = getenv("PATH");
    if (!dirs)
        dirs = "/usr/local/bin:/usr/bin:/bin";
    int err = ENOENT;
    lb_buf cand = LB_BUF_INIT;
    for (const char *p = dirs;; p++) {
        const char *end = strchrnul(p, ':');
        lb_buf_reset(&cand);
        if (end == p)
            lb_buf_putc(&cand, '.'); /* an empty entry means the current dir */
        else
            lb_buf_append(&cand, p, (size_t)(end - p));
        lb_buf_putc(&cand, '/');
        lb_buf_puts(&cand, name);
        if (is_executable_file(cand.ptr)) {
            *path = lb_buf_detach(&cand);
            return 0;
        }
        if (errno == EACCES || access(cand.ptr, F_OK) == 0)
            err = EACCES;
        if (!*end)
            break;
        p = end;
    }
    lb_buf_free(&cand);
    return err;
}

/* rlimits are computed here, in the parent, so the child only calls
 * setrlimit. We never ask for more than the inherited hard limit (that would
 * fail). CPU gets a hard limit one second above the soft one, so that the
 * child first sees SIGXCPU ("CPU time limit exceeded") rather than a bare
 * SIGKILL. */
static void add_rlimit(child_plan *plan, int resource, unsigned long want, int cpu)
{
    struct rlimit cur;
    if (!want || getrlimit(resource, &cur) != 0)
        return;
    rlim_t soft = (rlim_t)want;
    rlim_t hard = cpu ? soft + 1 : soft;
    if (cur.rlim_max != RLIM_INFINITY) {
        if (soft > cur.rlim_max)
            soft = cur.rlim_max;
        if (hard > cur.rlim_max)
            hard = cur.rlim_max;
    }
    plan->rlim[plan->nrlim].resource = resource;
    plan->rlim[plan->nrlim].lim.rlim_cur = soft;
    plan->rlim[plan->nrlim].lim.rlim_max = hard;
    plan->nrlim++;
}

static void plan_rlimits(const lb_spawn_req *req, const lb_jail *jail, child_plan *plan)
{
    plan->nrlim = 0;
    add_rlimit(plan, RLIMIT_CPU, req->rlimit_cpu_s, 1);
    add_rlimit(plan, RLIMIT_AS, req->rlimit_as_bytes, 0);
    add_rlimit(plan, RLIMIT_FSIZE, req->rlimit_fsize_bytes, 0);
    if (jail && jail->nproc_rlimit > 0)
        add_rlimit(plan, RLIMIT_NPROC, (unsigned long)jail->nproc_rlimit, 0);
}

/* Reports errno to the parent and exits. Async-signal-safe. */
static _Noreturn void child_fail(const child_plan *plan)
{
    int e = errno;
    ssize_t w;
    do
        w = write(plan->errpipe_w, &e, sizeof e);
    while (w < 0 && errno == EINTR);
    _exit(127);
}

void lb_child_default_signals(void)
{
    /* Dispositions the parent ignores (SIGPIPE, maybe SIGINT under nohup)
     * would survive exec; the chunk should run with defaults whatever way
     * litbook was started. Signals were blocked across fork, so no parent
     * handler can run here before this loop resets it. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL); /* fails harmlessly for libc-reserved ones */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static _Noreturn void child_exec(const child_plan *plan)
{
    lb_child_default_signals();

    if (setpgid(0, 0) < 0)
        child_fail(plan);
    /* Before anything else can fork: every descendant must be a member. */
    if (plan->jail && lb_jail_enter(plan->jail) < 0)
        child_fail(plan);
    if (plan->cwd && chdir(plan->cwd) < 0)
        child_fail(plan);
    for (int i = 0; i < plan->nrlim; i++)
        if (setrlimit(plan->rlim[i].resource, &plan->rlim[i].lim) < 0)
            child_fail(plan);
    if (dup2(plan->in_fd, 0) < 0 || dup2(plan->out_fd, 1) < 0 || dup2(plan->err_fd, 2) < 0)
        child_fail(plan);
    /* Other threads may have opened fds without O_CLOEXEC; a chunk must not
     * inherit them (a leaked pipe end would hold someone's EOF hostage).
     * Best effort: needs Linux 5.11. */
    syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
    execve(plan->path, plan->argv, plan->envp);
    child_fail(plan);
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

/* Appends what fits under the cap and counts the rest. Returns 0 at EOF or
 * on a read error (the fd is then closed), 1 otherwise. */
static int sink_read(sink *s)
{
    char chunk[IO_CHUNK];
    ssize_t n = read(s->fd, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    if (n <= 0) {
        close_fd(&s->fd);
        return 0;
    }
    size_t keep = 0;
    if (s->buf->len < s->max)
        keep = s->max - s->buf->len < (size_t)n ? s->max - s->buf->len : (size_t)n;
    lb_buf_append(s->buf, chunk, keep);
    *s->dropped += (size_t)n - keep;
    return 1;
}

/* After the child's exit: take what is already in the pipe, but do not wait
 * for an EOF that a grandchild could hold off. */
static void sink_drain(sink *s)
{
    while (s->fd >= 0) {
        size_t before = s->buf->len + *s->dropped;
        if (!sink_read(s) || s->buf->len + *s->dropped == before)
            break;
    }
    close_fd(&s->fd);
}

static void feed_stdin(run_state *st)
{
    size_t n = st->in_left < IO_CHUNK ? st->in_left : IO_CHUNK;
    ssize_t w = write(st->in_fd, st->in_data, n);
    if (w < 0) {
        if (errno != EINTR && errno != EAGAIN)
            close_fd(&st->in_fd); /* EPIPE: the child does not want the rest */
        return;
    }
    st->in_data += w;
    st->in_left -= (size_t)w;
    if (!st->in_left)
        close_fd(&st->in_fd); /* EOF for the child */
}

static int child_has_exited(pid_t pid)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    /* WNOWAIT leaves the zombie in place: its pid, hence its process group
     * id, cannot be reused until we reap, so killing the group is safe. */
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
        return errno != EINTR;
    return si.si_pid != 0;
}

static void enforce_deadline(run_state *st, double now)
{
    int cancelled = st->cancel && *st->cancel;
    if (!st->deadline && !cancelled)
        return;
    if (!st->term_sent && (cancelled || now >= st->deadline)) {
        st->timed_out = !cancelled;
        st->term_sent = 1;
        st->kill_at = now + st->grace;
        kill(-st->pid, SIGTERM);
        kill(-st->pid, SIGCONT); /* a stopped process cannot act on SIGTERM */
    }
    if (st->term_sent && !st->kill_sent && now >= st->kill_at) {
        st->kill_sent = 1;
        kill(-st->pid, SIGKILL);
    }
}

static int ms_until(double t, double now)
{
    double ms = (t - now) * 1000.0;
    if (ms <= 0)
        return 0;
    if (ms > INT_MAX - 1)
        return INT_MAX;
    return (int)ms + 1; /* round up so we do not wake just before t */
}

static int poll_timeout(const run_state *st, double now)
{
    int ms = st->pidfd >= 0 ? -1 : FALLBACK_POLL_MS;
    int until = -1;
    if (st->deadline && !st->term_sent)
        until = ms_until(st->deadline, now);
    else if (st->term_sent && !st->kill_sent)
        until = ms_until(st->kill_at, now);
    if (until >= 0 && (ms < 0 || until < ms))
        ms = until;
    /* A signal wakes only the thread it lands on: the others notice the
     * cancel flag within CANCEL_POLL_MS. */
    if (st->cancel && (ms < 0 || ms > CANCEL_POLL_MS))
        ms = CANCEL_POLL_MS;
    return ms;
}

/* Sandboxed: the runner's report, or its end of file (it is gone). */
static void take_report(run_state *st)
{
    if (lb_runner_read(st->ctl, &st->rep) == 0)
        st->reported = 1;
    else
        st->lost = 1; /* in a worker, bwrap outlives the chunk: this is the end */
    st->ctl = -1;     /* the session's: not ours to close */
}

static int finished(const run_state *st)
{
    return (st->boxed && (st->reported || st->lost)) || child_has_exited(st->pid);
}

/* Pumps stdin/stdout/stderr until the child exits (the child itself, not the
 * pipes' EOF: a grandchild may keep those open for ever), or sandboxed
 * until the runner reports the program's end. */
static void pump(run_state *st)
{
    while (!finished(st)) {
        double now = now_s();
        enforce_deadline(st, now);
        struct pollfd pfd[5];
        sink *which[5] = {NULL, NULL, NULL, NULL, NULL};
        nfds_t n = 0;
        int in_slot = -1;
        sink *sinks[2] = {&st->out, &st->err};
        for (int i = 0; i < 2; i++)
            if (sinks[i]->fd >= 0) {
                which[n] = sinks[i];
                pfd[n++] = (struct pollfd){.fd = sinks[i]->fd, .events = POLLIN};
            }
        if (st->in_fd >= 0) {
            in_slot = (int)n;
            pfd[n++] = (struct pollfd){.fd = st->in_fd, .events = POLLOUT};
        }
        int ctl_slot = -1;
        if (st->ctl >= 0) {
            ctl_slot = (int)n;
            pfd[n++] = (struct pollfd){.fd = st->ctl, .events = POLLIN};
        }
        if (st->pidfd >= 0)
            pfd[n++] = (struct pollfd){.fd = st->pidfd, .events = POLLIN};
        int r = poll(pfd, n, poll_timeout(st, now));
        if (r < 0) {
            if (errno != EINTR) {
                /* Should not happen (ENOMEM); avoid spinning. */
                struct timespec ts = {0, FALLBACK_POLL_MS * 1000000L};
                nanosleep(&ts, NULL);
            }
            continue;
        }
        for (nfds_t i = 0; i < n; i++) {
            if (!pfd[i].revents)
                continue;
            if (which[i])
                sink_read(which[i]);
            else if ((int)i == in_slot)
                feed_stdin(st);
            else if ((int)i == ctl_slot)
                take_report(st);
        }
    }
}

static void fill_status(lb_spawn_result *res, int status, const struct rusage *ru)
{
    if (WIFEXITED(status)) {
        res->exited = 1;
        res->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        res->signaled = 1;
        res->signo = WTERMSIG(status);
    }
    res->user_s = tv_s(ru->ru_utime);
    res->sys_s = tv_s(ru->ru_stime);
    res->maxrss_kb = ru->ru_maxrss;
}

/* Reads the child's exec verdict: 0 when exec succeeded (EOF), else the
 * errno it reported. */
static int read_exec_errno(int fd)
{
    int e = 0;
    size_t got = 0;
    while (got < sizeof e) {
        ssize_t n = read(fd, (char *)&e + got, sizeof e - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got == sizeof e ? (e ? e : EIO) : 0;
}

static pid_t fork_child(const child_plan *plan)
{
    /* Block every signal across fork so no handler of ours runs in the
     * child before child_exec has reset the dispositions. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    lb_jail_fork_begin();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(plan);
    int saved = errno;
    lb_jail_fork_end(pid);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return pid;
}

/* The fds of one run: index 0 is the parent's end, 1 the child's, except
 * for stdin where the child reads p[0]. */
typedef struct {
    int in[2], out[2], err[2], errpipe[2];
} run_fds;

static void close_all(run_fds *f)
{
    int *all[] = {&f->in[0],  &f->in[1],  &f->out[0],     &f->out[1],
                  &f->err[0], &f->err[1], &f->errpipe[0], &f->errpipe[1]};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        close_fd(all[i]);
}

static int open_fds(const lb_spawn_req *req, run_fds *f)
{
    if (make_pipe(f->out) < 0 || make_pipe(f->err) < 0 || (!req->box && make_pipe(f->errpipe) < 0))
        return -1;
    if (req->stdin_data) {
        if (make_pipe(f->in) < 0)
            return -1;
    } else {
        f->in[0] = above_stdio(open("/dev/null", O_RDONLY | O_CLOEXEC));
        if (f->in[0] < 0)
            return -1;
    }
    if (set_nonblock(f->out[0]) < 0 || set_nonblock(f->err[0]) < 0 ||
        (f->in[1] >= 0 && set_nonblock(f->in[1]) < 0))
        return -1;
    return 0;
}

static int fail(lb_spawn_result *res, run_fds *f, char *path, int err)
{
    close_all(f);
    free(path);
    res->exec_errno = err ? err : EIO;
    return -1;
}

/* Waits for (reaps) the direct child, then drops it from the jail's list of
 * children in flight. */
static void reap(pid_t pid, int *status, struct rusage *ru)
{
    memset(ru, 0, sizeof *ru);
    *status = 0;
    while (wait4(pid, status, 0, ru) < 0 && errno == EINTR)
        ;
    lb_jail_forget(pid);
}

static run_state watch(const lb_spawn_req *req, run_fds *f, pid_t pid, double t0,
                       lb_spawn_result *res)
{
    size_t max = req->max_output ? req->max_output : DEFAULT_MAX_OUTPUT;
    run_state st = {
        .pid = pid,
        .pidfd = open_pidfd(pid),
        .out = {f->out[0], &res->out, &res->out_dropped, max},
        .err = {f->err[0], &res->err, &res->err_dropped, max},
        .in_fd = f->in[1],
        .in_data = req->stdin_data,
        .in_left = req->stdin_len,
        .deadline = req->timeout_s > 0 ? t0 + req->timeout_s : 0,
        .cancel = req->cancel,
        .grace = req->grace_s > 0 ? req->grace_s : DEFAULT_GRACE_S,
        .ctl = -1,
    };
    f->out[0] = f->err[0] = f->in[1] = -1; /* now owned by st */
    if (st.in_fd >= 0 && !st.in_left)
        close_fd(&st.in_fd);
    return st;
}

static void unwatch(run_state *st)
{
    sink_drain(&st->out);
    sink_drain(&st->err);
    close_fd(&st->in_fd);
    close_fd(&st->pidfd);
}

/* The parent's side once the child runs: feed, drain, bound in time, then
 * make sure nothing it started survives, and reap it. */
static void supervise(const lb_spawn_req *req, run_fds *f, pid_t pid, lb_jail *jail, double t0,
                      lb_spawn_result *res)
{
    run_state st = watch(req, f, pid, t0, res);
    pump(&st);
    /* The child is a zombie now (not reaped), so its group id is still ours:
     * whatever it left behind goes, and with a jail also what left the
     * group. */
    kill(-pid, SIGKILL);
    if (jail)
        res->oom_killed = lb_jail_close(jail, pid);
    unwatch(&st);

    int status;
    struct rusage ru;
    reap(pid, &status, &ru);
    res->wall_s = now_s() - t0;
    res->timed_out = st.timed_out;
    fill_status(res, status, &ru);
}

/* In the chunk's sandbox (session.h): the runner starts the program and
 * reports its end; a timeout, a cancel or a runner that is gone ends the
 * whole sandbox. The figures are the program's own, from the runner. */
static int run_boxed(const lb_spawn_req *req, run_fds *f, char *path, lb_spawn_result *res)
{
    lb_session *s = lb_session_get(req);
    if (!s)
        return fail(res, f, path, errno);
    res->procs_capped =
        req->max_procs && s->jailed && (s->jail.pids_capped || s->jail.nproc_rlimit > 0);
    res->mem_capped = s->jailed && s->jail.mem_capped;
    child_plan plan = {.nrlim = 0};
    plan_rlimits(req, s->jailed ? &s->jail : NULL, &plan);
    lb_runner_request rq = {path,      req->argv,  req->envp ? req->envp : environ,
                            plan.rlim, plan.nrlim, {f->in[0], f->out[1], f->err[1]}};
    double t0 = now_s();
    int sent = lb_runner_send(s->ctl, &rq);
    free(path);
    close_fd(&f->in[0]);
    close_fd(&f->out[1]);
    close_fd(&f->err[1]);
    if (sent < 0)
        kill(-s->pid, SIGKILL); /* a sandbox that cannot take a request is lost */
    run_state st = watch(req, f, s->pid, t0, res);
    st.boxed = 1;
    st.ctl = sent == 0 ? s->ctl : -1;
    pump(&st);
    if (st.reported) {
        res->oom_killed = lb_session_oom(s);
        unwatch(&st);
        if (st.rep.kind == LB_RUNNER_EXEC_FAILED) {
            res->exec_errno = st.rep.value ? st.rep.value : EIO;
            return -1;
        }
        fill_status(res, st.rep.value, &st.rep.ru);
        res->wall_s = st.rep.wall_s;
        return 0;
    }
    /* Killed from outside (deadline, cancel), or lost: bwrap's own status
     * says nothing about the program. */
    int status = 0;
    res->oom_killed = lb_session_end(&status, &res->err);
    unwatch(&st);
    res->wall_s = now_s() - t0;
    res->timed_out = st.timed_out;
    if (!st.timed_out) {
        res->sandbox_lost = 1;
        if (req->box->trust_memo) /* bwrap may no longer work here: try it anew */
            unlink(req->box->trust_memo);
        res->box_exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return 0;
}

int lb_spawn_run(const lb_spawn_req *req, lb_spawn_result *res)
{
    memset(res, 0, sizeof *res);
    run_fds f = {{-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}};
    if (!req->argv || !req->argv[0])
        return fail(res, &f, NULL, EINVAL);
    pthread_once(&sigpipe_once, ignore_sigpipe);

    char *path;
    int err = resolve_in_path(req->argv[0], &path);
    if (err)
        return fail(res, &f, NULL, err);
    if (open_fds(req, &f) < 0)
        return fail(res, &f, path, errno);
    if (req->box) {
        int rc = run_boxed(req, &f, path, res);
        close_all(&f);
        lb_buf_append(&res->out, "", 0);
        lb_buf_append(&res->err, "", 0);
        return rc;
    }

    lb_jail jail_store, *jail = NULL;
    if (req->contain || req->max_procs || req->max_memory) {
        jail = &jail_store;
        lb_jail_open(jail, req->max_procs, req->max_memory);
        res->procs_capped = req->max_procs && (jail->pids_capped || jail->nproc_rlimit > 0);
        res->mem_capped = jail->mem_capped;
    }
    child_plan plan = {
        .path = path,
        .argv = req->argv,
        .envp = req->envp ? req->envp : environ,
        .cwd = req->cwd,
        .in_fd = f.in[0],
        .out_fd = f.out[1],
        .err_fd = f.err[1],
        .errpipe_w = f.errpipe[1],
        .jail = jail,
    };
    plan_rlimits(req, jail, &plan);

    double t0 = now_s();
    pid_t pid = fork_child(&plan);
    if (pid < 0) {
        int e = errno;
        if (jail)
            lb_jail_close(jail, 0);
        return fail(res, &f, path, e);
    }
    /* Also from the parent, so kill(-pid) works even if we get there before
     * the child's own setpgid; fails harmlessly once it has exec'd. */
    setpgid(pid, pid);
    free(path);
    close_fd(&f.in[0]);
    close_fd(&f.out[1]);
    close_fd(&f.err[1]);
    close_fd(&f.errpipe[1]);

    int exec_err = read_exec_errno(f.errpipe[0]);
    close_fd(&f.errpipe[0]);
    if (exec_err) {
        int status;
        struct rusage ru;
        if (jail)
            lb_jail_close(jail, pid);
        reap(pid, &status, &ru);
        close_all(&f);
        res->exec_errno = exec_err;
        res->wall_s = now_s() - t0;
        return -1;
    }
    supervise(req, &f, pid, jail, t0, res);
    close_all(&f);
    /* Never hand back a NULL ptr: callers print lb_buf_str or ptr alike. */
    lb_buf_append(&res->out, "", 0);
    lb_buf_append(&res->err, "", 0);
    return 0;
}

void lb_spawn_result_free(lb_spawn_result *res)
{
    lb_buf_free(&res->out);
    lb_buf_free(&res->err);
}

/* "1", "0.5", "2.25": at most millisecond precision, no trailing zeros. */
static void put_seconds(lb_buf *b, double s)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.3f", s);
    if (n <= 0 || (size_t)n >= sizeof tmp)
        return;
    while (n > 0 && tmp[n - 1] == '0')
        n--;
    if (n > 0 && tmp[n - 1] == '.')
        n--;
    lb_buf_append(b, tmp, (size_t)n);
}

void lb_spawn_describe(const lb_spawn_result *res, double timeout_s, lb_buf *b)
{
    if (res->exec_errno) {
        const char *d = strerrordesc_np(res->exec_errno);
        lb_buf_printf(b, "could not start: %s", d ? d : "unknown error");
    } else if (res->sandbox_lost) {
        /* bwrap says why on stderr when it could not set up. */
        lb_buf_puts(b, "its sandbox ended without reporting how the program did");
        if (res->box_exit_code >= 0)
            lb_buf_printf(b, " (bwrap exit status %d)", res->box_exit_code);
    } else if (res->timed_out) {
        lb_buf_puts(b, "timed out");
        if (timeout_s > 0) {
            lb_buf_puts(b, " after ");
            put_seconds(b, timeout_s);
            lb_buf_puts(b, " s");
        }
    } else if (res->signaled) {
        /* sigdescr_np, not strsignal: it is thread-safe. */
        const char *d = sigdescr_np(res->signo);
        lb_buf_printf(b, "killed by signal %d", res->signo);
        if (d)
            lb_buf_printf(b, " (%s)", d);
    } else if (res->exited) {
        lb_buf_printf(b, "exit status %d", res->exit_code);
    } else {
        lb_buf_puts(b, "ended in an unknown way");
    }
}
