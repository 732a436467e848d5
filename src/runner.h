/* runner: the first process inside a chunk's sandbox (bwrap.h), which
 * starts every program of the chunk there.
 *
 * One sandbox serves a whole chunk (its compiler, its program, the
 * program's repeats): a bubblewrap start costs several milliseconds, and
 * a chunk is two or three programs. litbook starts `litbook-runner
 * __sandbox-serve FD UID GID` inside; it becomes UID/GID (when not -1:
 * litbook runs as root), drops what capabilities are left, makes itself
 * undumpable (the chunk, same uid, cannot ptrace it or open its fds),
 * applies the layers under the namespaces (writerules.h, sysfilter.h),
 * and then serves requests on FD, a socket the chunk never holds: each
 * names a program, its arguments, environment and limits, and brings its
 * stdin, stdout and stderr. The runner starts it in a process group of its
 * own, waits for it, kills whatever else is left in the sandbox (it is the
 * sandbox's subreaper, so every orphan comes back to it) and answers with
 * one lb_runner_report. When FD closes, it exits, and with it the
 * sandbox. A chunk that kills or stops its runner gets no report: litbook
 * then says the sandbox was lost (or the chunk timed out), and never
 * reports success. */
#ifndef LB_RUNNER_H
#define LB_RUNNER_H

#include <stddef.h>
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

/* The runner's main: argv[1] is "__sandbox-serve" (a sandbox per chunk)
 * or "__sandbox-worker" (a sandbox per worker thread, worker.h). Never
 * returns to a caller that would go on as litbook. */
int lb_runner_main(int argc, char **argv);

/* Serves requests on ctl as the chunk's runner: becomes uid/gid (-1:
 * stays), drops every capability, applies Landlock and seccomp, then
 * runs each request until ctl closes. Returns an exit status. */
int lb_runner_serve(int ctl, long uid, long gid);

/* Whole writes and reads (EINTR retried). 0, or -1 at an error or end of
 * file. */
int lb_runner_write_all(int fd, const void *p, size_t n);
int lb_runner_read_all(int fd, void *p, size_t n);

/* Sends one request on ctl (litbook's end of the socket). Blocking.
 * Returns 0, or -1 with errno (EPIPE: the runner is gone). */
int lb_runner_send(int ctl, const lb_runner_request *req);

/* Reads one report from fd (the parent's end). Returns 0 when a whole,
 * well-formed one came, -1 otherwise (end of file included). */
int lb_runner_read(int fd, lb_runner_report *r);

#endif
