/* runner: the first process inside a chunk's sandbox (bwrap.h).
 *
 * bubblewrap reports a child killed by signal N as exit status 128+N, and
 * its figures (CPU time, peak memory, wall time) would include its own
 * setup. So litbook starts itself inside as `litbook __sandbox-run FD UID
 * GID PATH -- ARGV...`: it becomes UID/GID (when not -1: litbook runs as
 * root), drops what capabilities are left, makes itself undumpable (the
 * chunk, same uid, cannot ptrace it or open its fds), starts PATH with
 * ARGV, waits for it, kills whatever else runs in the sandbox, and writes
 * one lb_runner_report on FD, which the chunk never holds. A chunk that
 * kills its runner gets no report: litbook then says the sandbox was lost,
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

/* The runner's main: argv[0] is litbook, argv[1] "__sandbox-run". Never
 * returns to a caller that would go on as litbook. */
int lb_runner_main(int argc, char **argv);

/* Reads one report from fd (the parent's end). Returns 0 when a whole,
 * well-formed one came, -1 otherwise. */
int lb_runner_read(int fd, lb_runner_report *r);

#endif
