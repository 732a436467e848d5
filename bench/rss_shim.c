/* LD_PRELOAD shim for bench/run: records the peak resident set (and the CPU
 * time) of the one process it was preloaded into (litbook), and of nothing
 * it starts.
 *
 * Why a shim: wait4()'s rusage and /usr/bin/time report the largest RSS of
 * the process *or any waited-for descendant*, so a cold build would report
 * cc1's memory, not litbook's. Polling /proc/PID/status from outside misses
 * whatever happens after the last poll, and a zombie has no VmHWM left to
 * read. From inside, at exit, VmHWM in /proc/self/status is exact: it is the
 * high-water mark of this program's own address space. (getrusage's
 * ru_maxrss is not: Linux carries it across execve, so it reports the
 * RSS of the Python harness that forked litbook, if that was larger.) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static pid_t owner;
static char out_path[4096];

__attribute__((constructor)) static void shim_start(void)
{
    const char *p = getenv("LB_BENCH_RSS_OUT");
    owner = getpid();
    if (p && strlen(p) < sizeof out_path)
        strcpy(out_path, p);
    /* Compilers and programs litbook starts must not load the shim: their
     * exits would overwrite the figure, and it would not be theirs to give. */
    unsetenv("LD_PRELOAD");
    unsetenv("LB_BENCH_RSS_OUT");
}

__attribute__((destructor)) static void shim_end(void)
{
    if (!out_path[0] || getpid() != owner)
        return;
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return;
    long hwm = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "VmHWM:", 6) == 0)
                hwm = strtol(line + 6, NULL, 10);
        fclose(f);
    }
    FILE *o = fopen(out_path, "w");
    if (!o)
        return;
    /* Its own CPU time too: what litbook costs beyond the tools it runs. */
    fprintf(o, "%ld %ld %.6f\n", ru.ru_maxrss, hwm,
            (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
    fclose(o);
}
