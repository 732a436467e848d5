/* runner: the first process of each chunk's namespaces inside a worker's
 * sandbox (worker.h), which starts every program of the chunk there.
 *
 * One such process serves a whole chunk (its compiler, its program, the
 * program's repeats). It becomes the sandbox's uid (as root) or keeps
 * litbook's, drops every capability, makes itself undumpable (the chunk,
 * same uid, cannot ptrace it or open its fds), applies the layers under
 * the namespaces (writerules.h, sysfilter.h), and then serves requests on
 * a socket the chunk never holds: each names a program, its arguments,
 * environment and limits, and brings its stdin, stdout and stderr. The
 * runner starts it in a process group of its own, waits for it, kills
 * whatever else is left in the namespace (it is PID 1 there, so every
 * orphan comes back to it) and answers with one lb_runner_report. When the
 * socket closes, it exits, and the kernel ends everything left in the
 * namespace with it. It cannot be signalled from inside (PID 1 takes only
 * the signals it handles, and it handles none); a chunk whose runner is
 * killed from outside (a timeout) or that ends it some other way gets no
 * report: litbook then says the sandbox was lost (or the chunk timed out),
 * and never reports success. */
#ifndef LB_RUNNER_H
#define LB_RUNNER_H

#include <sys/resource.h>

enum { LB_RUNNER_EXEC_FAILED = 1, LB_RUNNER_ENDED = 2 };

typedef struct {
    int magic; /* LB_RUNNER_MAGIC: a short or stray write is not a report */
    int kind;  /* LB_RUNNER_EXEC_FAILED (value: errno) or LB_RUNNER_ENDED (value: wait status) */
    int value;
    double wall_s; /* from the program's start to its end, sandbox setup excluded */
    struct rusage ru;
} lb_runner_report;

#define LB_RUNNER_MAGIC 0x6c627231

/* One resource limit to set in the program before exec. */
typedef struct {
    int resource;
    struct rlimit lim;
} lb_rlim;

enum { LB_RUNNER_MAX_RLIM = 4 };

/* A request, as litbook sends it (lb_runner_send). */
typedef struct {
    const char *path;    /* absolute */
    char *const *argv;   /* NULL-terminated */
    char *const *envp;   /* NULL-terminated */
    const lb_rlim *rlim; /* nrlim of them */
    int nrlim;
    int fds[3]; /* the program's stdin, stdout, stderr */
} lb_runner_request;

/* The worker's main (`litbook-runner __sandbox-worker FD UID GID`, as
 * bwrap starts it: worker.h). Never returns to a caller that would go on
 * as litbook. */
int lb_runner_main(int argc, char **argv);

/* Serves requests on ctl as the chunk's runner: becomes uid/gid (-1:
 * stays), drops every capability, applies Landlock and seccomp, then
 * runs each request until ctl closes. Returns an exit status. */
int lb_runner_serve(int ctl, long uid, long gid);

/* Sends one request on ctl (litbook's end of the socket). Blocking.
 * Returns 0, or -1 with errno (EPIPE: the runner is gone). */
int lb_runner_send(int ctl, const lb_runner_request *req);

/* Reads one report from fd (the parent's end). Returns 0 when a whole,
 * well-formed one came, -1 otherwise (end of file included). */
int lb_runner_read(int fd, lb_runner_report *r);

#endif
