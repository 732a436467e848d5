/* session: a chunk's sandbox kept across its programs (session.h). */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bwrap.h"

extern char **environ;

/* The fd the runner finds its socket on (bwrap passes it through). */
enum { CTL_FD = 3 };

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* No destructor: a thread ends its session itself (the job scheduler does
 * after every job), and were one left, bwrap dies with the thread that made
 * it (--die-with-parent), the thread's cgroups with the jail's own
 * destructor. */
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

static int fits(const lb_session *s, const lb_spawn_req *req)
{
    return s->cfg == req->box && strcmp(s->scratch, req->box_scratch) == 0 &&
           same_strv(&s->ro, req->box_ro) && s->tmp_max == req->box_tmp_max &&
           s->max_procs == req->max_procs && s->max_memory == req->max_memory &&
           s->contain == contained(req);
}

/* Whether bwrap is still there (not reaped: WNOWAIT). */
static int alive(const lb_session *s)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
        return 0;
    return si.si_pid == 0;
}

/* Between fork and exec: async-signal-safe calls only. */
static _Noreturn void exec_bwrap(const lb_session *s, char *const *argv, int ctl, int errw,
                                 int failw)
{
    lb_child_default_signals();
    int null = open("/dev/null", O_RDWR);
    if (setpgid(0, 0) == 0 && (!s->jailed || lb_jail_enter(&s->jail) == 0) && null >= 0 &&
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

static int start(lb_session *s, const lb_spawn_req *req)
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
    if (contained(req)) {
        lb_jail_open(&s->jail, req->max_procs, req->max_memory);
        s->jailed = 1;
    }
    lb_strv argv = {0};
    lb_bwrap_run br = {req->box_scratch, req->box_ro, req->box_tmp_max, CTL_FD};
    lb_bwrap_argv(req->box, &br, &argv);
    sigset_t all_sigs, old;
    sigfillset(&all_sigs);
    pthread_sigmask(SIG_SETMASK, &all_sigs, &old);
    lb_jail_fork_begin();
    pid_t pid = fork();
    if (pid == 0)
        exec_bwrap(s, argv.v, sv[1], ep[1], fp[1]);
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
    s->pid = pid;
    s->ctl = sv[0];
    s->err = ep[0];
    int e = 0;
    ssize_t got;
    do
        got = read(fp[0], &e, sizeof e);
    while (got < 0 && errno == EINTR);
    close(fp[0]);
    if (got == (ssize_t)sizeof e) {
        lb_session_end(NULL, NULL);
        errno = e ? e : EIO;
        return -1;
    }
    return 0;
fail:
    saved = errno;
    for (size_t i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (ep[i] >= 0)
            close(ep[i]);
        if (fp[i] >= 0)
            close(fp[i]);
    }
    errno = saved;
    return -1;
}

static void session_free(lb_session *s)
{
    free(s->scratch);
    lb_strv_free(&s->ro);
    free(s);
}

lb_session *lb_session_get(const lb_spawn_req *req)
{
    lb_session *s = current();
    if (s && fits(s, req) && alive(s))
        return s;
    if (s)
        lb_session_end(NULL, NULL);
    s = lb_xcalloc(1, sizeof *s);
    s->ctl = s->err = -1;
    s->cfg = req->box;
    s->scratch = lb_xstrdup(req->box_scratch);
    for (size_t i = 0; req->box_ro && i < req->box_ro->n; i++)
        lb_strv_push(&s->ro, req->box_ro->v[i]);
    s->tmp_max = req->box_tmp_max;
    s->max_procs = req->max_procs;
    s->max_memory = req->max_memory;
    s->contain = contained(req);
    pthread_setspecific(key, s);
    if (start(s, req) < 0) {
        int e = errno;
        if (current() == s) { /* start did not end it itself */
            if (s->jailed)
                lb_jail_close(&s->jail, 0);
            pthread_setspecific(key, NULL);
            session_free(s);
        }
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
    if (s->pid > 0) {
        kill(-s->pid, SIGKILL);
        siginfo_t si;
        memset(&si, 0, sizeof si);
        while (waitid(P_PID, (id_t)s->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
            ;
        if (s->jailed)
            oom = lb_jail_close(&s->jail, s->pid);
        int st = 0;
        while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
            ;
        lb_jail_forget(s->pid);
        if (status)
            *status = st;
    } else if (s->jailed) {
        lb_jail_close(&s->jail, 0);
    }
    if (s->err >= 0) {
        if (err)
            read_err(s->err, err);
        close(s->err);
    }
    session_free(s);
    return oom;
}

void lb_spawn_end_session(void)
{
    lb_session_end(NULL, NULL);
}
