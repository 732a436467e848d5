#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdcount.h"
#include "spawn.h"

static char sh_path[] = "/bin/sh";
static char sh_c[] = "-c";

/* Runs a /bin/sh -c script with req's other fields; returns lb_spawn_run's. */
static int run_sh(const char *script, lb_spawn_req *req, lb_spawn_result *res)
{
    char *argv[] = {sh_path, sh_c, (char *)script, NULL};
    req->argv = argv;
    int rc = lb_spawn_run(req, res);
    req->argv = NULL;
    return rc;
}

/* A shell loop that spins for about 5 s and then exits 0 (date(1) is run
 * on each turn: bounded by the clock, not by the machine's speed). */
#define SPIN_5S "end=$(($(date +%s) + 5)); while [ \"$(date +%s)\" -lt $end ]; do :; done"

static void describe_is(const lb_spawn_result *res, double timeout_s, const char *want)
{
    lb_buf b = LB_BUF_INIT;
    lb_spawn_describe(res, timeout_s, &b);
    assert_string_equal(lb_buf_str(&b), want);
    lb_buf_free(&b);
}

static void assert_no_zombies(void)
{
    int status;
    pid_t r = waitpid(-1, &status, WNOHANG);
    assert_true(r == 0 || (r == -1 && errno == ECHILD));
}

static void test_stdout_stderr_separate(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("echo out; echo err >&2; echo out2", &req, &res), 0);
    assert_string_equal(res.out.ptr, "out\nout2\n");
    assert_string_equal(res.err.ptr, "err\n");
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 0);
    assert_false(res.signaled);
    assert_false(res.timed_out);
    assert_int_equal(res.exec_errno, 0);
    describe_is(&res, 5, "exit status 0");
    lb_spawn_result_free(&res);
    assert_no_zombies();
}

static void test_empty_output_not_null(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("true", &req, &res), 0);
    assert_non_null(res.out.ptr);
    assert_non_null(res.err.ptr);
    assert_int_equal(res.out.len, 0);
    lb_spawn_result_free(&res);
}

static char *pattern(size_t n)
{
    char *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('a' + (i * 7 + i / 613) % 26);
    return p;
}

/* 1 MiB in and out: far more than a pipe holds, so writing all of stdin
 * before reading stdout would deadlock. Also looks "cat" up in PATH. */
static void test_stdin_roundtrip_large(void **state)
{
    (void)state;
    size_t n = (size_t)1 << 20;
    char *data = pattern(n);
    char cat[] = "cat";
    char *argv[] = {cat, NULL};
    lb_spawn_req req = {.argv = argv, .stdin_data = data, .stdin_len = n, .timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(lb_spawn_run(&req, &res), 0);
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 0);
    assert_false(res.timed_out);
    assert_int_equal(res.out.len, n);
    assert_int_equal(res.out_dropped, 0);
    assert_memory_equal(res.out.ptr, data, n);
    lb_spawn_result_free(&res);
    free(data);
}

/* The child closes stdin at once: our writes get EPIPE, which must neither
 * kill us (SIGPIPE) nor fail the run. */
static void test_stdin_unread(void **state)
{
    (void)state;
    size_t n = (size_t)1 << 20;
    char *data = pattern(n);
    lb_spawn_req req = {.stdin_data = data, .stdin_len = n, .timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("exec 0<&-; sleep 0.05; echo done", &req, &res), 0);
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 0);
    assert_string_equal(res.out.ptr, "done\n");
    lb_spawn_result_free(&res);
    free(data);
}

/* The child closes stdin and lives on for a second: once a write got EPIPE
 * the pipe is given up, not retried in a busy loop for that second. */
static void test_stdin_epipe_not_retried(void **state)
{
    (void)state;
    size_t n = (size_t)1 << 20;
    char *data = pattern(n);
    lb_spawn_req req = {.stdin_data = data, .stdin_len = n, .timeout_s = 5};
    lb_spawn_result res;
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    assert_int_equal(run_sh("exec 0<&-; sleep 1; echo done", &req, &res), 0);
    getrusage(RUSAGE_SELF, &after);
    double cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
                 (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
                 (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
                 (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
    assert_true(res.exited);
    assert_string_equal(res.out.ptr, "done\n");
    assert_true(res.wall_s >= 1.0);
    assert_true(cpu < 0.3); /* a retry loop would burn about the whole second */
    lb_spawn_result_free(&res);
    free(data);
}

/* Signals that land while the output is pumped, from a handler installed
 * without SA_RESTART (so a blocking call they interrupt fails with EINTR):
 * the streams must come through whole. */
static volatile sig_atomic_t usr1_seen;
static volatile int storm_on;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_seen++;
}

static void *signal_storm(void *p)
{
    pthread_t target = *(pthread_t *)p;
    struct timespec gap = {0, 20000};
    while (__atomic_load_n(&storm_on, __ATOMIC_SEQ_CST)) {
        pthread_kill(target, SIGUSR1);
        nanosleep(&gap, NULL);
    }
    return NULL;
}

static void test_signals_without_restart(void **state)
{
    (void)state;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART */
    assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
    size_t n = (size_t)1 << 20;
    char *data = pattern(n);
    lb_spawn_req req = {.stdin_data = data, .stdin_len = n, .timeout_s = 20};
    lb_spawn_result res;
    pthread_t self = pthread_self(), storm;
    usr1_seen = 0;
    __atomic_store_n(&storm_on, 1, __ATOMIC_SEQ_CST);
    assert_int_equal(pthread_create(&storm, NULL, signal_storm, &self), 0);
    int rc =
        run_sh("cat; for i in 1 2 3 4 5 6 7 8 9 10; do echo $i >&2; sleep 0.02; done", &req, &res);
    __atomic_store_n(&storm_on, 0, __ATOMIC_SEQ_CST);
    pthread_join(storm, NULL);
    sigaction(SIGUSR1, &old, NULL);
    assert_int_equal(rc, 0);
    assert_true(usr1_seen > 10); /* the signals did land (thousands, unloaded) */
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 0);
    assert_int_equal(res.out.len, n);
    assert_memory_equal(res.out.ptr, data, n);
    assert_string_equal(res.err.ptr, "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
    lb_spawn_result_free(&res);
    free(data);
}

static void test_stdin_default_is_dev_null(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("wc -c", &req, &res), 0);
    assert_int_equal(atoi(res.out.ptr), 0);
    lb_spawn_result_free(&res);
}

static void test_exit_code(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("exit 3", &req, &res), 0);
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 3);
    describe_is(&res, 5, "exit status 3");
    lb_spawn_result_free(&res);
}

static void test_segv(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("kill -SEGV $$", &req, &res), 0);
    assert_false(res.exited);
    assert_true(res.signaled);
    assert_int_equal(res.signo, SIGSEGV);
    assert_false(res.timed_out);
    describe_is(&res, 5, "killed by signal 11 (Segmentation fault)");
    lb_spawn_result_free(&res);
}

static void test_timeout(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 0.3};
    lb_spawn_result res;
    /* Spins, but ends by itself after 5 s: a spawn that ignored its
     * deadline fails this test instead of hanging it. */
    assert_int_equal(run_sh(SPIN_5S, &req, &res), 0);
    assert_true(res.timed_out);
    assert_true(res.signaled);
    assert_int_equal(res.signo, SIGTERM);
    assert_true(res.wall_s >= 0.3);
    assert_true(res.wall_s < 1.5);
    describe_is(&res, 0.3, "timed out after 0.3 s");
    lb_spawn_result_free(&res);
    assert_no_zombies();
}

static void test_sigterm_ignored_gets_sigkill(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 0.2, .grace_s = 0.2};
    lb_spawn_result res;
    assert_int_equal(run_sh("trap '' TERM; " SPIN_5S, &req, &res), 0);
    assert_true(res.timed_out);
    assert_true(res.signaled);
    assert_int_equal(res.signo, SIGKILL);
    assert_true(res.wall_s >= 0.4);
    assert_true(res.wall_s < 1.5);
    lb_spawn_result_free(&res);
    assert_no_zombies();
}

/* Waits (bounded) for pid, one of our children, to end; returns its status
 * or -1 if it is still there after 2 s. */
static int reap_within_2s(pid_t pid)
{
    for (int i = 0; i < 200; i++) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return status;
        assert_int_equal(r, 0);
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return -1;
}

/* A background grandchild keeps stdout open for 30 s: the call must return
 * when the child exits, and the grandchild must be killed. */
static void test_grandchild_holding_stdout(void **state)
{
    (void)state;
    /* Become the grandchild's reaper once its parent exits: init in some
     * sandboxes never reaps orphans, and a zombie still answers kill(pid,0).
     * Reaping it ourselves also proves it died, and by SIGKILL. */
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    lb_spawn_req req = {.timeout_s = 10};
    lb_spawn_result res;
    assert_int_equal(run_sh("sleep 30 & echo $!", &req, &res), 0);
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 0);
    assert_false(res.timed_out);
    assert_true(res.wall_s < 1.5);
    pid_t gpid = (pid_t)atoi(res.out.ptr);
    assert_true(gpid > 1);
    int status = reap_within_2s(gpid);
    assert_int_not_equal(status, -1);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    assert_int_equal(kill(gpid, 0), -1);
    assert_int_equal(errno, ESRCH);
    lb_spawn_result_free(&res);
    assert_no_zombies();
}

static void test_output_truncated(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5, .max_output = 1000};
    lb_spawn_result res;
    assert_int_equal(
        run_sh("head -c 300000 /dev/zero; head -c 200500 /dev/zero >&2; echo ok >&2", &req, &res),
        0);
    assert_true(res.exited);
    assert_int_equal(res.exit_code, 0);
    assert_int_equal(res.out.len, 1000);
    assert_int_equal(res.out_dropped, 299000);
    assert_int_equal(res.err.len, 1000);
    assert_int_equal(res.err_dropped, 199503);
    lb_spawn_result_free(&res);
}

static void test_default_cap_is_1mib(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("head -c 1048586 /dev/zero", &req, &res), 0);
    assert_int_equal(res.out.len, (size_t)1 << 20);
    assert_int_equal(res.out_dropped, 10);
    lb_spawn_result_free(&res);
}

static void test_nonexistent_program(void **state)
{
    (void)state;
    char abs[] = "/nonexistent/dir/prog";
    char rel[] = "litbook-no-such-program";
    char *argv1[] = {abs, NULL};
    char *argv2[] = {rel, NULL};
    lb_spawn_req req = {.argv = argv1, .timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(lb_spawn_run(&req, &res), -1);
    assert_int_equal(res.exec_errno, ENOENT);
    describe_is(&res, 5, "could not start: No such file or directory");
    lb_spawn_result_free(&res);
    req.argv = argv2;
    assert_int_equal(lb_spawn_run(&req, &res), -1);
    assert_int_equal(res.exec_errno, ENOENT);
    lb_spawn_result_free(&res);
    assert_no_zombies();
}

/* A PATH entry that is a file, not a folder (ENOTDIR), says nothing about
 * the program: not found is ENOENT, as execvp says, not EACCES. */
static void test_path_entry_not_a_folder(void **state)
{
    (void)state;
    char file[] = "/tmp/test_spawn_path_XXXXXX";
    int fd = mkstemp(file);
    assert_true(fd >= 0);
    close(fd);
    char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    char path[128];
    snprintf(path, sizeof path, "%s:/nonexistent", file);
    setenv("PATH", path, 1);
    char rel[] = "litbook-no-such-program";
    char *argv[] = {rel, NULL};
    lb_spawn_req req = {.argv = argv, .timeout_s = 5};
    lb_spawn_result res;
    int rc = lb_spawn_run(&req, &res);
    if (old)
        setenv("PATH", old, 1);
    else
        unsetenv("PATH");
    free(old);
    unlink(file);
    assert_int_equal(rc, -1);
    assert_int_equal(res.exec_errno, ENOENT);
    lb_spawn_result_free(&res);
}

/* A failure in the child (after fork) comes back through the exec pipe. */
static void test_exec_failure_in_child(void **state)
{
    (void)state;
    char notexec[] = "/etc/passwd";
    char *argv[] = {notexec, NULL};
    lb_spawn_req req = {.argv = argv, .timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(lb_spawn_run(&req, &res), -1);
    assert_int_equal(res.exec_errno, EACCES);
    lb_spawn_result_free(&res);

    lb_spawn_req bad_cwd = {.cwd = "/nonexistent/dir", .timeout_s = 5};
    assert_int_equal(run_sh("echo hi", &bad_cwd, &res), -1);
    assert_int_equal(res.exec_errno, ENOENT);
    lb_spawn_result_free(&res);
    assert_no_zombies();
}

/* The n lowest free fds from `from` (n at most 8): the last of them is
 * returned, for a run's pipes to take them in order. */
static int nth_free_fd(int from, int n)
{
    int got[8];
    for (int i = 0; i < n; i++)
        assert_true((got[i] = fcntl(2, F_DUPFD_CLOEXEC, from)) >= 0);
    for (int i = 0; i < n; i++)
        close(got[i]);
    return got[n - 1];
}

/* Runs argv with one byte on stdin under an fd limit of max (the lowest
 * fd number it may not have). Returns whether it failed as out of fds. */
static int fails_out_of_fds(char *const *argv, int max)
{
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    lim = old;
    lim.rlim_cur = (rlim_t)max;
    lb_spawn_req req = {0};
    req.argv = (char **)argv;
    req.stdin_data = "x";
    req.stdin_len = 1;
    lb_spawn_result r;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
    int rc = lb_spawn_run(&req, &r);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    int out_of_fds = rc == -1 && r.exec_errno == EMFILE;
    lb_spawn_result_free(&r);
    return out_of_fds;
}

/* A run that cannot make its pipes fails, and gives back every fd it had
 * made: fds run out after stdout's, stderr's and the exec error's pipes,
 * at the one for stdin. */
static void test_no_fd_kept_when_a_pipe_fails(void **state)
{
    (void)state;
    /* The 6 below the 7th lowest free fd may be had, not the 7th. */
    int limit = nth_free_fd(0, 7);
    int before = open_fd_count();
    char *argv[] = {"/bin/true", NULL};
    assert_true(fails_out_of_fds(argv, limit));
    assert_int_equal(open_fd_count(), before);
}

/* With stdin closed, every pipe litbook makes first lands on fd 0 and is
 * moved above stdio (spawn.c's above_stdio). When the move of the last
 * one, stdin's, finds no fd free, the run fails as out of fds, and is not
 * started with a stdin of -1. */
static void test_stdin_pipe_kept_off_fd_0_or_failed(void **state)
{
    (void)state;
    int saved0 = fcntl(0, F_DUPFD_CLOEXEC, 200);
    assert_true(saved0 >= 0);
    close(0);
    /* The 7 lowest free fds from 3: the pipes' other ends and the moves
     * take them; an eighth, for the move of stdin's pipe, is not there. */
    int limit = nth_free_fd(3, 7) + 1;
    int before = open_fd_count();
    char *argv[] = {"/bin/cat", NULL};
    int out_of_fds = fails_out_of_fds(argv, limit);
    int after = open_fd_count();
    assert_int_equal(dup2(saved0, 0), 0);
    close(saved0);
    assert_true(out_of_fds);
    assert_int_equal(after, before);
}

static void test_cwd(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_spawn_XXXXXX";
    assert_non_null(mkdtemp(dir));
    lb_spawn_req req = {.cwd = dir, .timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("pwd -P", &req, &res), 0);
    char want[64];
    snprintf(want, sizeof want, "%s\n", dir);
    assert_string_equal(res.out.ptr, want);
    lb_spawn_result_free(&res);
    rmdir(dir);
}

static void test_envp(void **state)
{
    (void)state;
    char var[] = "LB_SPAWN_TEST=42";
    char *envp[] = {var, NULL};
    lb_spawn_req req = {.envp = envp, .timeout_s = 5};
    lb_spawn_result res;
    assert_int_equal(run_sh("echo \"$LB_SPAWN_TEST\"", &req, &res), 0);
    assert_string_equal(res.out.ptr, "42\n");
    lb_spawn_result_free(&res);
}

static void test_rusage(void **state)
{
    (void)state;
    lb_spawn_req req = {.timeout_s = 4};
    lb_spawn_result res;
    /* Fixed work (~0.25 s here), not a fixed time: CPU contention from a
     * busy machine stretches wall time, not user time. */
    assert_int_equal(run_sh("i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done", &req, &res), 0);
    assert_true(res.exited);
    assert_true(res.user_s > 0.1);
    assert_true(res.sys_s >= 0);
    assert_true(res.user_s + res.sys_s <= res.wall_s + 0.05);
    assert_true(res.maxrss_kb > 0);
    lb_spawn_result_free(&res);
}

static void test_rlimit_fsize(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_spawn_XXXXXX";
    assert_non_null(mkdtemp(dir));
    lb_spawn_req req = {.cwd = dir, .timeout_s = 5, .rlimit_fsize_bytes = 1000};
    lb_spawn_result res;
    assert_int_equal(run_sh("exec head -c 100000 /dev/zero > big", &req, &res), 0);
    assert_true(res.signaled);
    assert_int_equal(res.signo, SIGXFSZ);
    lb_spawn_result_free(&res);
    char big[64];
    snprintf(big, sizeof big, "%s/big", dir);
    unlink(big);
    rmdir(dir);
}

/* The limits asked for, under an inherited hard limit that is finite: what
 * is above it comes down to it (setrlimit would fail otherwise), what is
 * below it is kept as asked. Run in a forked copy of this test, since a
 * lowered hard limit cannot be raised again; it reports by exit status. */
static int limits_seen(const char *limits, const char *row, unsigned long long *soft,
                       unsigned long long *hard)
{
    const char *p = strstr(limits, row);
    return p && sscanf(p + strlen(row), " %llu %llu", soft, hard) == 2 ? 0 : -1;
}

static int child_rlimits_clamped(void)
{
    struct rlimit fs = {1 << 20, 8 << 20}, cpu = {30, 40};
    if (setrlimit(RLIMIT_FSIZE, &fs) < 0 || setrlimit(RLIMIT_CPU, &cpu) < 0)
        return 10;
    unsigned long long soft, hard;
    lb_spawn_req above = {.timeout_s = 5, .rlimit_fsize_bytes = 64 << 20, .rlimit_cpu_s = 100};
    lb_spawn_result res;
    if (run_sh("cat /proc/self/limits", &above, &res) != 0 || !res.exited || res.exit_code)
        return 11;
    if (limits_seen(res.out.ptr, "Max file size", &soft, &hard) < 0 || soft != 8 << 20 ||
        hard != 8 << 20)
        return 12;
    if (limits_seen(res.out.ptr, "Max cpu time", &soft, &hard) < 0 || soft != 40 || hard != 40)
        return 13;
    lb_spawn_result_free(&res);
    lb_spawn_req below = {.timeout_s = 5, .rlimit_fsize_bytes = 4096, .rlimit_cpu_s = 5};
    if (run_sh("cat /proc/self/limits", &below, &res) != 0 || !res.exited || res.exit_code)
        return 14;
    if (limits_seen(res.out.ptr, "Max file size", &soft, &hard) < 0 || soft != 4096 || hard != 4096)
        return 15;
    if (limits_seen(res.out.ptr, "Max cpu time", &soft, &hard) < 0 || soft != 5 || hard != 6)
        return 16;
    lb_spawn_result_free(&res);
    return 0;
}

static void test_rlimits_under_a_finite_hard_limit(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_rlimits_clamped());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_describe_formats(void **state)
{
    (void)state;
    lb_spawn_result res;
    memset(&res, 0, sizeof res);
    res.timed_out = 1;
    res.signaled = 1;
    res.signo = SIGKILL;
    describe_is(&res, 1, "timed out after 1 s");
    describe_is(&res, 0.5, "timed out after 0.5 s");
    describe_is(&res, 2.5, "timed out after 2.5 s");
    describe_is(&res, 10, "timed out after 10 s");
    res.timed_out = 0;
    describe_is(&res, 1, "killed by signal 9 (Killed)");
    lb_buf b = LB_BUF_INIT;
    lb_buf_puts(&b, "chunk: ");
    lb_spawn_describe(&res, 1, &b);
    assert_string_equal(lb_buf_str(&b), "chunk: killed by signal 9 (Killed)");
    lb_buf_free(&b);
}

typedef struct {
    int id;
    int failures;
} thread_arg;

static void *spawn_thread(void *p)
{
    thread_arg *a = p;
    for (int i = 0; i < 8; i++) {
        char script[128], want[64], input[32];
        snprintf(script, sizeof script, "cat; echo \" t%d-%d\"; exit %d", a->id, i, a->id + i);
        snprintf(input, sizeof input, "in%d", i);
        snprintf(want, sizeof want, "in%d t%d-%d\n", i, a->id, i);
        lb_spawn_req req = {.stdin_data = input, .stdin_len = strlen(input), .timeout_s = 5};
        lb_spawn_result res;
        if (run_sh(script, &req, &res) != 0 || strcmp(res.out.ptr, want) != 0 || !res.exited ||
            res.exit_code != a->id + i)
            a->failures++;
        lb_spawn_result_free(&res);
    }
    return NULL;
}

static void test_concurrent_threads(void **state)
{
    (void)state;
    pthread_t t[2];
    thread_arg args[2] = {{1, 0}, {2, 0}};
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, spawn_thread, &args[i]), 0);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(args[0].failures, 0);
    assert_int_equal(args[1].failures, 0);
    assert_no_zombies();
}

int main(void)
{
    alarm(120); /* whatever hangs, this program ends (SIGALRM) and fails */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stdout_stderr_separate),
        cmocka_unit_test(test_empty_output_not_null),
        cmocka_unit_test(test_stdin_roundtrip_large),
        cmocka_unit_test(test_stdin_unread),
        cmocka_unit_test(test_stdin_epipe_not_retried),
        cmocka_unit_test(test_signals_without_restart),
        cmocka_unit_test(test_stdin_default_is_dev_null),
        cmocka_unit_test(test_exit_code),
        cmocka_unit_test(test_segv),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_sigterm_ignored_gets_sigkill),
        cmocka_unit_test(test_grandchild_holding_stdout),
        cmocka_unit_test(test_output_truncated),
        cmocka_unit_test(test_default_cap_is_1mib),
        cmocka_unit_test(test_nonexistent_program),
        cmocka_unit_test(test_path_entry_not_a_folder),
        cmocka_unit_test(test_exec_failure_in_child),
        cmocka_unit_test(test_no_fd_kept_when_a_pipe_fails),
        cmocka_unit_test(test_stdin_pipe_kept_off_fd_0_or_failed),
        cmocka_unit_test(test_cwd),
        cmocka_unit_test(test_envp),
        cmocka_unit_test(test_rusage),
        cmocka_unit_test(test_rlimit_fsize),
        cmocka_unit_test(test_rlimits_under_a_finite_hard_limit),
        cmocka_unit_test(test_describe_formats),
        cmocka_unit_test(test_concurrent_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
