/* runner: serve a chunk's programs inside its sandbox (runner.h). */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdpass.h"
#include "sysfilter.h"
#include "worker.h"
#include "writerules.h"

/* What precedes a request's strings on the socket (the fds come with it). */
typedef struct {
    int magic;
    int nrlim;
    lb_rlim rlim[LB_RUNNER_MAX_RLIM];
    uint32_t argc, envc; /* the strings: path, argc of argv, envc of envp */
    uint32_t blob_len;
} wire_head;

/* A request's strings stay under this: argv and the environment of a
 * chunk, with room to spare. */
#define MAX_BLOB (64u << 20)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
    fprintf(stderr, "litbook sandbox: %s: %s\n", what, strerror(errno));
    return 125;
}

/* --- litbook's side --------------------------------------------------- */

static size_t count(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static void put_strings(char *blob, size_t *at, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]) + 1;
        memcpy(blob + *at, v[i], len);
        *at += len;
    }
}

int lb_runner_send(int ctl, const lb_runner_request *req)
{
    wire_head h;
    memset(&h, 0, sizeof h);
    h.magic = LB_RUNNER_MAGIC;
    h.nrlim = req->nrlim < LB_RUNNER_MAX_RLIM ? req->nrlim : LB_RUNNER_MAX_RLIM;
    memcpy(h.rlim, req->rlim, (size_t)h.nrlim * sizeof *h.rlim);
    size_t argc = count(req->argv), envc = count(req->envp);
    size_t len = strlen(req->path) + 1;
    for (size_t i = 0; i < argc; i++)
        len += strlen(req->argv[i]) + 1;
    for (size_t i = 0; i < envc; i++)
        len += strlen(req->envp[i]) + 1;
    if (len > MAX_BLOB) {
        errno = E2BIG;
        return -1;
    }
    h.argc = (uint32_t)argc;
    h.envc = (uint32_t)envc;
    h.blob_len = (uint32_t)len;
    char *blob = malloc(len);
    if (!blob)
        return -1;
    size_t at = 0;
    char *const path[] = {(char *)req->path, NULL};
    put_strings(blob, &at, path, 1);
    put_strings(blob, &at, req->argv, argc);
    put_strings(blob, &at, req->envp, envc);

    int rc = lb_fdpass_send(ctl, &h, sizeof h, req->fds, 3);
    if (rc == 0)
        rc = lb_fd_write_all(ctl, blob, len);
    free(blob);
    return rc;
}

int lb_runner_read(int fd, lb_runner_report *r)
{
    if (lb_fd_read_all(fd, r, sizeof *r) < 0 || r->magic != LB_RUNNER_MAGIC ||
        (r->kind != LB_RUNNER_EXEC_FAILED && r->kind != LB_RUNNER_ENDED))
        return -1;
    return 0;
}

/* --- the runner's side ------------------------------------------------ */

/* One request as received: fds owned, strings in blob. */
typedef struct {
    wire_head h;
    int fds[3];
    char *blob;
    char **argv, **envp; /* point into blob */
    const char *path;
} request;

static void request_free(request *q)
{
    for (int i = 0; i < 3; i++)
        if (q->fds[i] >= 0)
            close(q->fds[i]);
    free(q->blob);
    free(q->argv);
    free(q->envp);
    memset(q, 0, sizeof *q);
}

/* Splits the blob into n strings from *at; -1 if it holds fewer. */
static int take_strings(request *q, size_t *at, size_t n, char ***out)
{
    *out = calloc(n + 1, sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (*at >= q->h.blob_len)
            return -1;
        char *s = q->blob + *at;
        char *end = memchr(s, '\0', q->h.blob_len - *at);
        if (!end)
            return -1;
        (*out)[i] = s;
        *at += (size_t)(end - s) + 1;
    }
    return 0;
}

/* Reads the next request. Returns 1 with one, 0 at end of file (litbook is
 * done with the sandbox), -1 when what came is not a request. */
static int read_request(int ctl, request *q)
{
    memset(q, 0, sizeof *q);
    q->fds[0] = q->fds[1] = q->fds[2] = -1;
    int nfds;
    int got = lb_fdpass_recv(ctl, &q->h, sizeof q->h, q->fds, 3, &nfds);
    if (got <= 0)
        return got;
    if (nfds != 3)
        return -1;
    if (q->h.magic != LB_RUNNER_MAGIC || q->h.nrlim < 0 || q->h.nrlim > LB_RUNNER_MAX_RLIM ||
        q->h.blob_len == 0 || q->h.blob_len > MAX_BLOB || q->h.argc == 0)
        return -1;
    q->blob = malloc(q->h.blob_len);
    if (!q->blob || lb_fd_read_all(ctl, q->blob, q->h.blob_len) < 0)
        return -1;
    size_t at = 0;
    char **path = NULL;
    int ok = take_strings(q, &at, 1, &path) == 0;
    q->path = ok ? path[0] : NULL;
    free(path);
    if (!ok || take_strings(q, &at, q->h.argc, &q->argv) < 0 ||
        take_strings(q, &at, q->h.envc, &q->envp) < 0)
        return -1;
    return 1;
}

/* Every capability goes, in the order the kernel allows: the bounding set
 * first (dropping takes CAP_SETPCAP, which bwrap leaves a worker's chunk:
 * as root the host's, else its user namespace's), then, as root, the uid,
 * then the effective, permitted, inheritable and ambient sets (a uid
 * change empties the first two only); checked. no_new_privs keeps exec
 * from giving any back. */
static int drop_bounding_set(void)
{
    for (int cap = 0; cap < 64; cap++) {
        int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (in < 0)
            break; /* past the last capability this kernel knows */
        if (in == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return -1;
    }
    return 0;
}

static int become(long uid, long gid)
{
    if (setgroups(0, NULL) < 0 || setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0 ||
        setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)
        return -1;
    uid_t r, e, s;
    if (getresuid(&r, &e, &s) < 0 || r != (uid_t)uid || e != (uid_t)uid || s != (uid_t)uid) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

static int clear_capabilities(void)
{
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
    memset(d, 0, sizeof d);
    if (syscall(SYS_capset, &h, d) < 0 || syscall(SYS_capget, &h, d) < 0)
        return -1;
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
        if (d[i].effective || d[i].permitted || d[i].inheritable) {
            errno = EPERM;
            return -1;
        }
    return 0;
}

/* The layers under bwrap's namespaces, for us and all we start: writes
 * only below the working folder (the chunk's scratch folder), /tmp and
 * /dev/shm (writerules.h), and no system call a chunk never needs
 * (sysfilter.h). A layer the kernel has but that fails is fatal: the
 * program never runs with less than it was promised. */
static int confine(void)
{
    static const char *const writable[] = {".", "/tmp", "/dev/shm", NULL};
    if (lb_writerules_apply(writable) < 0)
        return die("cannot apply the Landlock rules");
    char why[256];
    if (lb_sysfilter_load(why, sizeof why) < 0) {
        fprintf(stderr, "litbook sandbox: cannot load the system call filter: %s\n", why);
        return 125;
    }
    return 0;
}

static _Noreturn void exec_child(const request *q, int errfd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int e = 0;
    if (setpgid(0, 0) < 0)
        e = errno;
    for (int i = 0; i < q->h.nrlim && !e; i++)
        if (setrlimit(q->h.rlim[i].resource, &q->h.rlim[i].lim) < 0)
            e = errno;
    if (!e && (dup2(q->fds[0], 0) < 0 || dup2(q->fds[1], 1) < 0 || dup2(q->fds[2], 2) < 0))
        e = errno;
    if (!e) {
        /* Nothing of ours but the three: the socket above all. */
        syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
        execve(q->path, q->argv, q->envp);
        e = errno;
    }
    lb_fd_write_all(errfd, &e, sizeof e);
    _exit(127);
}

/* Everything left in the sandbox but us (and bwrap's init, which kill(-1)
 * spares) is killed, and reaped as it comes back to us, the subreaper. */
static void end_leftovers(void)
{
    for (;;) {
        kill(-1, SIGKILL);
        pid_t w;
        do
            w = waitpid(-1, NULL, __WALL);
        while (w > 0 || (w < 0 && errno == EINTR));
        if (errno == ECHILD)
            return;
    }
}

/* Runs one request and fills r. */
static void serve_one(const request *q, lb_runner_report *r)
{
    memset(r, 0, sizeof *r);
    r->magic = LB_RUNNER_MAGIC;
    int ep[2];
    if (pipe2(ep, O_CLOEXEC) < 0) {
        r->kind = LB_RUNNER_EXEC_FAILED;
        r->value = errno;
        return;
    }
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0)
        exec_child(q, ep[1]);
    close(ep[1]);
    int e = 0;
    ssize_t got = -1;
    if (pid > 0)
        do
            got = read(ep[0], &e, sizeof e);
        while (got < 0 && errno == EINTR);
    close(ep[0]);
    int status = 0;
    pid_t w = pid;
    while (pid > 0 && (w = wait4(pid, &status, 0, &r->ru)) < 0 && errno == EINTR)
        ;
    r->wall_s = now_s() - t0;
    if (pid < 0 || w < 0 || got == (ssize_t)sizeof e) {
        r->kind = LB_RUNNER_EXEC_FAILED;
        r->value = pid < 0 || w < 0 ? errno : e;
    } else {
        r->kind = LB_RUNNER_ENDED;
        r->value = status;
    }
}

static int serve(int ctl)
{
    for (;;) {
        request q;
        int got = read_request(ctl, &q);
        if (got <= 0) {
            request_free(&q);
            return got == 0 ? 0 : 125;
        }
        lb_runner_report r;
        serve_one(&q, &r);
        request_free(&q); /* our copies of its pipes: EOF once it is gone */
        end_leftovers();
        if (lb_fd_write_all(ctl, &r, sizeof r) < 0)
            return 125;
    }
}

int lb_runner_serve(int ctl, long uid, long gid)
{
    /* Same uid as the chunk: without this it could ptrace us, or open our
     * socket through /proc, and forge a report. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (fcntl(ctl, F_SETFD, FD_CLOEXEC) < 0)
        return die("control socket");
    if (drop_bounding_set() < 0 || (uid >= 0 && become(uid, gid) < 0) || clear_capabilities() < 0)
        return die("cannot drop privileges");
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* a uid change resets it */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return die("subreaper");
    int rc = confine();
    if (rc)
        return rc;
    signal(SIGPIPE, SIG_IGN); /* a report to a litbook that is gone: EPIPE */
    return serve(ctl);
}

int lb_runner_main(int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[1], "__sandbox-worker") != 0) {
        fprintf(stderr, "litbook sandbox: bad runner arguments\n");
        return 125;
    }
    /* Only ever the first child of a fresh PID namespace's init: PID 2,
     * parent 1 (outside one, PID 2 is the kernel's kthreadd). Run by hand
     * anywhere else, it refuses. */
    if (getpid() != 2 || getppid() != 1) {
        fprintf(stderr, "litbook sandbox: the runner runs only inside litbook's sandbox\n");
        return 125;
    }
    return lb_worker_main(atoi(argv[2]), atol(argv[3]), atol(argv[4]));
}
