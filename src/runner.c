/* runner: start one program inside the sandbox, report how it ended. */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sysfilter.h"
#include "writerules.h"

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

static void write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        c += w;
        n -= (size_t)w;
    }
}

/* As root: what is left of bwrap's capabilities goes, bounding set and
 * ambient ones included, then the uid (setresuid to a nonzero uid clears
 * the permitted set; no_new_privs keeps exec from giving any back). */
static int become(long uid, long gid)
{
    for (int cap = 0; cap < 64; cap++)
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno == EINVAL)
            break; /* past the last capability this kernel knows */
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
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
        return -1;
    }
    return 0;
}

static _Noreturn void exec_child(const char *path, char **argv, int errfd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(path, argv);
    int e = errno;
    write_all(errfd, &e, sizeof e);
    _exit(127);
}

int lb_runner_main(int argc, char **argv)
{
    if (argc < 8 || strcmp(argv[6], "--") != 0) {
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
    int fd = atoi(argv[2]);
    long uid = atol(argv[3]), gid = atol(argv[4]);
    const char *path = argv[5];
    /* Same uid as the chunk: without this it could ptrace us, or open our
     * report fd through /proc, and forge the report. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        return die("report fd");
    if (uid >= 0 && become(uid, gid) < 0)
        return die("cannot drop privileges");
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* a uid change resets it */
    if (confine() < 0)
        return 125;

    int ep[2];
    if (pipe2(ep, O_CLOEXEC) < 0)
        return die("pipe");
    double t0 = now_s();
    pid_t pid = fork();
    if (pid < 0)
        return die("fork");
    if (pid == 0)
        exec_child(path, argv + 7, ep[1]);
    close(ep[1]);
    int e = 0;
    ssize_t got;
    do
        got = read(ep[0], &e, sizeof e);
    while (got < 0 && errno == EINTR);
    close(ep[0]);

    lb_runner_report r;
    memset(&r, 0, sizeof r);
    r.magic = LB_RUNNER_MAGIC;
    int status = 0;
    pid_t w;
    do
        w = wait4(pid, &status, 0, &r.ru);
    while (w < 0 && errno == EINTR);
    r.wall_s = now_s() - t0;
    if (got == (ssize_t)sizeof e) {
        r.kind = LB_RUNNER_EXEC_FAILED;
        r.value = e;
    } else {
        r.kind = LB_RUNNER_ENDED;
        r.value = status;
    }
    /* Nothing is killed here: when we exit, bwrap's init (PID 1 of the
     * sandbox's namespace) exits, and the kernel kills every process left
     * in the namespace; litbook also empties the run's cgroups. */
    write_all(fd, &r, sizeof r);
    return 0;
}

int lb_runner_read(int fd, lb_runner_report *r)
{
    size_t got = 0;
    char *p = (char *)r;
    while (got < sizeof *r) {
        ssize_t n = read(fd, p + got, sizeof *r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != sizeof *r || r->magic != LB_RUNNER_MAGIC ||
        (r->kind != LB_RUNNER_EXEC_FAILED && r->kind != LB_RUNNER_ENDED))
        return -1;
    return 0;
}
