/* The limit options, their translation into a spawn request, and the
 * containment of what a child starts (jail.c through spawn.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail.h"
#include "sandbox.h"
#include "fdcount.h"
#include "spawn.h"

static int parse(const char *s, lb_opts *o, lb_attr_error *err)
{
    lb_info info;
    if (lb_info_parse(s, &info, err) != 0) {
        lb_info_free(&info);
        return -2;
    }
    int rc = lb_opts_from_info(&info, lb_engine_for_lang(info.lang), o, err);
    lb_info_free(&info);
    return rc;
}

static void test_defaults(void **state)
{
    (void)state;
    lb_opts o;
    lb_attr_error err;
    assert_int_equal(parse("c", &o, &err), 0);
    assert_int_equal(o.cpu, 300);
    assert_true(o.memory == 4ULL << 30);
    assert_true(o.filesize == 1ULL << 30);
    assert_int_equal(o.procs, 256);
    assert_true(o.maxout == 1ULL << 20);
    lb_opts_free(&o);
}

static void test_values(void **state)
{
    (void)state;
    lb_opts o;
    lb_attr_error err;
    assert_int_equal(parse("c {cpu=5 memory=512M filesize=64KiB procs=8 maxout=1000}", &o, &err),
                     0);
    assert_int_equal(o.cpu, 5);
    assert_true(o.memory == 512ULL << 20);
    assert_true(o.filesize == 64ULL << 10);
    assert_int_equal(o.procs, 8);
    assert_true(o.maxout == 1000);
    lb_opts_free(&o);
    assert_int_equal(
        parse("python {cpu=unlimited memory=unlimited procs=unlimited maxout=2g}", &o, &err), 0);
    assert_int_equal(o.cpu, 0);
    assert_true(o.memory == 0);
    assert_int_equal(o.procs, 0);
    assert_true(o.maxout == 2ULL << 30);
    lb_opts_free(&o);
}

static void bad(const char *s, const char *want)
{
    lb_opts o;
    lb_attr_error err;
    int rc = parse(s, &o, &err);
    lb_opts_free(&o);
    if (rc != -1 || !strstr(err.msg, want))
        fail_msg("[%s]: rc %d \"%s\", want \"%s\"", s, rc, err.msg, want);
}

static void test_bad_values(void **state)
{
    (void)state;
    bad("c {memory=lots}", "expected a size such as 64K, 512M or 4G");
    bad("c {memory=4X}", "or unlimited");
    bad("c {memory=-1}", "bad value");
    bad("c {memory=0}", "bad value");
    bad("c {maxout=unlimited}", "(powers of 1024)");
    bad("c {filesize=99999999999999G}", "bad value");
    bad("c {cpu=0}", "from 1 to 86400");
    bad("c {cpu=1.5}", "whole seconds");
    bad("c {procs=many}", "number of processes");
    bad("gnuplot {procs=3}", "unknown option 'procs' for a gnuplot chunk");
}

static void test_apply(void **state)
{
    (void)state;
    lb_opts o;
    lb_attr_error err;
    assert_int_equal(parse("c {timeout=2 cpu=3 memory=1G filesize=1M procs=9 maxout=4K}", &o, &err),
                     0);
    lb_spawn_req req = {0};
    lb_sandbox_apply(&o, &req);
    assert_true(req.timeout_s == 2);
    assert_int_equal(req.rlimit_cpu_s, 3);
    assert_int_equal(req.rlimit_as_bytes, 1UL << 30);
    assert_int_equal(req.rlimit_fsize_bytes, 1UL << 20);
    assert_int_equal(req.max_procs, 9);
    assert_int_equal(req.max_output, 4096);
    assert_int_equal(req.contain, 1);
    char key[256];
    lb_sandbox_key(&o, key, sizeof key);
    assert_string_equal(key, "cpu=3 memory=1073741824 filesize=1048576 procs=9 maxout=4096");
    lb_opts_free(&o);
    /* ASan needs its terabytes of shadow: no address-space limit there. */
    assert_int_equal(parse("c {sanitize=address memory=1G}", &o, &err), 0);
    lb_sandbox_apply(&o, &req);
    assert_int_equal(req.rlimit_as_bytes, 0);
    lb_opts_free(&o);
}

static int pid_exists(long pid)
{
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* A grandchild in its own session, still sleeping when the child exits,
 * is gone (and reaped) when lb_spawn_run returns. */
static void test_setsid_grandchild_killed(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sh", "-c", "setsid sleep 30 & echo $!", NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.timeout_s = 10;
    req.contain = 1;
    lb_spawn_result r;
    assert_int_equal(lb_spawn_run(&req, &r), 0);
    assert_true(r.exited);
    long pid = atol(lb_buf_str(&r.out));
    assert_true(pid > 0);
    assert_false(pid_exists(pid));
    lb_spawn_result_free(&r);
}

/* Without containment the group kill still applies, but an escaped
 * grandchild survives: that is what contain is for. Cleaned up here. */
static void test_uncontained_escape_survives(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sh", "-c", "setsid sleep 30 & echo $!", NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.timeout_s = 10;
    lb_spawn_result r;
    assert_int_equal(lb_spawn_run(&req, &r), 0);
    long pid = atol(lb_buf_str(&r.out));
    int alive = pid > 0 && pid_exists(pid);
    if (pid > 0)
        kill((pid_t)pid, SIGKILL);
    lb_spawn_result_free(&r);
    assert_true(alive);
    /* The next contained run reaps it (it is our orphan now). */
    char *t[] = {"/bin/true", NULL};
    req.argv = t;
    req.contain = 1;
    assert_int_equal(lb_spawn_run(&req, &r), 0);
    lb_spawn_result_free(&r);
}

/* A small cap stops a loop of background children (skipped where the cap
 * cannot be enforced: root without a pids cgroup). */
static void test_procs_cap(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sh", "-c",
                    "n=0; while [ $n -lt 40 ]; do sleep 5 & n=$((n+1)); done 2>/dev/null; "
                    "echo started",
                    NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.timeout_s = 10;
    req.contain = 1;
    req.max_procs = 8;
    lb_spawn_result r;
    assert_int_equal(lb_spawn_run(&req, &r), 0);
    if (!r.procs_capped) {
        lb_spawn_result_free(&r);
        skip();
    }
    /* sh cannot fork 40 sleeps under a cap of 8: it fails or stops. */
    assert_true(r.wall_s < 5);
    assert_true(!r.exited || r.exit_code != 0 || strstr(lb_buf_str(&r.err), "fork") ||
                strstr(lb_buf_str(&r.err), "Resource"));
    lb_spawn_result_free(&r);
}

/* A jail keeps its cgroup files open from open to close, and close gives
 * every one back: a build opens one per chunk. With a memory cap and a
 * procs cap, as a chunk's (the thread's v1 memory and pids cgroups, and
 * the files a worker's chunk joins them by). */
static void test_jail_close_gives_its_fds_back(void **state)
{
    (void)state;
    lb_jail j;
    lb_jail_open(&j, 16, 64 << 20);
    int fds[8];
    int njoin = lb_jail_join_fds(&j, fds, 8);
    int capped = j.mem_capped || j.pids_capped;
    lb_jail_close(&j, 0);
    if (!capped || njoin == 0)
        skip(); /* no cgroup here: nothing is opened */
    int before = open_fd_count();
    for (int i = 0; i < 20; i++) {
        lb_jail_open(&j, 16, 64 << 20);
        assert_true(lb_jail_join_fds(&j, fds, 8) == njoin);
        lb_jail_close(&j, 0);
    }
    assert_int_equal(open_fd_count(), before);
}

/* The process table the sweep works from, where there is no cgroup (a
 * machine this one is not): it holds this process and its parent, and a
 * child of ours with us as its parent, asleep. */
static void test_scan_procs_sees_us_and_our_child(void **state)
{
    (void)state;
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    assert_true(child > 0);
    size_t n = 0;
    lb_proc_info *v = lb_jail_scan_procs(&n);
    int self = 0, kid = 0;
    for (size_t i = 0; i < n; i++) {
        self += v[i].pid == getpid() && v[i].ppid == getppid() && v[i].state == 'R';
        kid += v[i].pid == child && v[i].ppid == getpid();
    }
    free(v);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    assert_true(n > 2);
    assert_int_equal(self, 1);
    assert_int_equal(kid, 1);
}

/* A child that cannot join its cgroup must not run uncontained: the join
 * reports the failed write. */
static void test_jail_enter_reports_a_failed_join(void **state)
{
    (void)state;
    lb_jail j;
    memset(&j, 0, sizeof j);
    for (int i = 0; i < LB_JAIL_NDIRS; i++)
        j.procs_fd[i] = -1;
    assert_int_equal(lb_jail_enter(&j), 0);      /* nothing to join */
    j.procs_fd[1] = open("/dev/null", O_RDONLY); /* a write to it fails */
    assert_true(j.procs_fd[1] >= 0);
    errno = 0;
    assert_int_equal(lb_jail_enter(&j), -1);
    assert_int_equal(errno, EBADF);
    /* fd 0 is a cgroup.procs like any other: a litbook started with stdin
     * closed opens its first one there. */
    int saved_stdin = dup(0);
    assert_true(saved_stdin >= 0);
    assert_int_equal(dup2(j.procs_fd[1], 0), 0);
    close(j.procs_fd[1]);
    j.procs_fd[1] = 0;
    errno = 0;
    int rc = lb_jail_enter(&j);
    int e = errno;
    assert_int_equal(dup2(saved_stdin, 0), 0);
    close(saved_stdin);
    assert_int_equal(rc, -1);
    assert_int_equal(e, EBADF);
}

/* Without a pids cgroup it may use (not root), procs= is RLIMIT_NPROC,
 * which counts every task of the user: the cap must sit above those
 * already running, so that the chunk still gets its own procs, and no
 * more. Run as an unused uid in a forked copy of this test (a uid cannot
 * be taken back), before any contained run here, so that the jail finds
 * the machine as that user does; it reports by exit status. */
static int child_nproc_above_the_users_tasks(uid_t uid)
{
    if (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)
        return 10;
    /* As this user the machine offers no cgroup: said so, and nothing else. */
    lb_buf how = LB_BUF_INIT;
    lb_jail_describe(&how);
    int said = strncmp(lb_buf_str(&how),
                       "no usable cgroup: process tree sweep; procs limit by "
                       "RLIMIT_NPROC",
                       65) == 0;
    lb_buf_free(&how);
    if (!said)
        return 9;
    pid_t helper[6];
    for (int i = 0; i < 6; i++) /* the user's other tasks */
        if ((helper[i] = fork()) == 0) {
            pause();
            _exit(0);
        }
    char *two[] = {"/bin/sh", "-c", "sleep 0.2 & sleep 0.2 & wait; echo ok", NULL};
    char *many[] = {"/bin/sh", "-c",
                    "n=0; while [ $n -lt 40 ]; do sleep 5 & n=$((n+1)); done 2>/dev/null; "
                    "echo started",
                    NULL};
    lb_spawn_req req = {0};
    req.timeout_s = 10;
    req.contain = 1;
    req.max_procs = 4;
    lb_spawn_result r;
    req.argv = two;
    int rc = lb_spawn_run(&req, &r);
    int bad = rc != 0                                   ? 11
              : !r.procs_capped                         ? 12
              : !r.exited || r.exit_code                ? 13
              : strcmp(lb_buf_str(&r.out), "ok\n") != 0 ? 14
                                                        : 0;
    lb_spawn_result_free(&r);
    req.argv = many;
    if (!bad && lb_spawn_run(&req, &r) == 0) {
        if (r.wall_s >= 5 || (r.exited && r.exit_code == 0 && !strstr(lb_buf_str(&r.err), "fork") &&
                              !strstr(lb_buf_str(&r.err), "Resource")))
            bad = 15; /* the cap did not hold */
        lb_spawn_result_free(&r);
    } else if (!bad) {
        bad = 16;
    }
    for (int i = 0; i < 6; i++)
        if (helper[i] > 0) {
            kill(helper[i], SIGKILL);
            waitpid(helper[i], NULL, 0);
        }
    return bad;
}

static void test_nproc_above_the_users_tasks(void **state)
{
    (void)state;
    if (getuid() != 0)
        skip(); /* it needs to become a user with nothing else running */
    uid_t uid = (uid_t)(40000 + getpid() % 20000);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_nproc_above_the_users_tasks(uid));
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A second mount of the v1 pids hierarchy (a bind mount, as container
 * runtimes make) does not move the jail's cgroups there: the first one
 * found stays, and no copy of its path is lost. In a forked copy in a
 * mount namespace of its own, before any contained run here (the machine
 * is discovered once per process); it reports by exit status, 77 where
 * there is no v1 pids hierarchy at /sys/fs/cgroup/pids. */
static int child_second_pids_mount_ignored(void)
{
    if (access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) != 0)
        return 77;
    char dir[] = "/tmp/lb-pids-XXXXXX";
    if (!mkdtemp(dir))
        return 10;
    int bad = unshare(CLONE_NEWNS) < 0                                     ? 11
              : mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0      ? 12
              : mount("/sys/fs/cgroup/pids", dir, NULL, MS_BIND, NULL) < 0 ? 13
                                                                           : 0;
    if (!bad) {
        lb_buf how = LB_BUF_INIT;
        lb_jail_describe(&how);
        if (!strstr(lb_buf_str(&how), "cgroup v1 pids.max at /sys/fs/cgroup/pids"))
            bad = 14;
        if (strstr(lb_buf_str(&how), dir)) {
            fprintf(stderr, "# %s\n", lb_buf_str(&how));
            bad = 15;
        }
        lb_buf_free(&how);
        umount(dir);
    }
    rmdir(dir);
    return bad;
}

static void test_second_pids_mount_ignored(void **state)
{
    (void)state;
    if (getuid() != 0)
        skip(); /* a mount namespace needs root */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_second_pids_mount_ignored());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        skip();
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The sweep marks a whole tree in one pass: our orphans (our children no
 * spawn waits for) and the run's child, and everything below them through
 * parent links, however deep and even when a process is listed before its
 * parent (as /proc does once pids wrap); not the children spawns wait
 * for, nor what is below them, nor anyone else's. */
/* Whether pid (a child of ours) has exited and waits to be reaped. */
static int is_zombie(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' && rp[2] == 'Z';
}

/* A child that exits at once, recorded as in flight (a spawn waits for
 * it), as every fork of litbook's is. */
static pid_t fork_in_flight(void)
{
    lb_jail_fork_begin();
    pid_t kid = fork();
    if (kid == 0)
        _exit(0);
    lb_jail_fork_end(kid);
    assert_true(kid > 0);
    return kid;
}

/* Waits (up to a second) until pid is a zombie, and checks it is. */
static void await_zombie(pid_t pid)
{
    for (int tries = 0; !is_zombie(pid) && tries < 500; tries++)
        usleep(2000);
    assert_true(is_zombie(pid));
}

/* Forgetting one child keeps the record of the others: a child another
 * thread still waits for is not an orphan, and the sweep at a run's end
 * must leave it to that thread to reap. */
static void test_forget_keeps_the_others(void **state)
{
    (void)state;
    pid_t kid[2];
    for (int i = 0; i < 2; i++)
        kid[i] = fork_in_flight();
    int st;
    assert_int_equal(waitpid(kid[0], &st, 0), kid[0]);
    lb_jail_forget(kid[0]);
    await_zombie(kid[1]);
    lb_jail j;
    lb_jail_open(&j, 0, 0);
    lb_jail_close(&j, 0); /* reaps the orphans: kid[1] is none */
    assert_int_equal(waitpid(kid[1], &st, WNOHANG), kid[1]);
    lb_jail_forget(kid[1]);
}

/* More children in flight than the record of them first holds (16):
 * every one is kept as it grows, so a run's sweep takes none of them for
 * an orphan (the sanitizer build also sees each write stay inside it). */
static void test_many_in_flight_kept(void **state)
{
    (void)state;
    enum { N = 40 };
    pid_t kid[N];
    for (int i = 0; i < N; i++)
        kid[i] = fork_in_flight();
    for (int i = 0; i < N; i++)
        await_zombie(kid[i]);
    lb_jail j;
    lb_jail_open(&j, 0, 0);
    lb_jail_close(&j, 0); /* reaps the orphans: none of these */
    for (int i = 0; i < N; i++) {
        int st;
        assert_int_equal(waitpid(kid[i], &st, WNOHANG), kid[i]);
        lb_jail_forget(kid[i]);
    }
}

static void test_sweep_marks_a_whole_tree_at_once(void **state)
{
    (void)state;
    const pid_t self = 100, root = 50;
    const lb_proc_info v[] = {
        {500, 400, 'S'},                     /* an orphan's great-grandchild, listed first */
        {400, 300, 'S'},                     /* its grandchild */
        {300, self, 'S'},                    /* an orphan come back to us */
        {200, self, 'S'},                    /* a child a spawn is waiting for */
        {250, 200, 'S'},                     /* and its child: that spawn's to kill */
        {600, 1, 'S'},                       /* someone else's */
        {650, 600, 'S'},  {800, 700, 'S'},   /* the run's grandchild, before its parent */
        {700, root, 'S'}, {root, self, 'Z'}, /* the run's child, a spawn is waiting for it */
        {900, 800, 'Z'},                     /* a zombie below it: marked (the pass skips it) */
    };
    const char want[] = {1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1};
    enum { N = sizeof v / sizeof *v };
    const pid_t spare[] = {200, root};
    char mark[N];
    memset(mark, 7, sizeof mark);
    lb_jail_mark_tree(v, N, root, self, spare, 2, mark);
    for (size_t i = 0; i < N; i++)
        if (mark[i] != want[i])
            fail_msg("pid %d (parent %d): marked %d, want %d", (int)v[i].pid, (int)v[i].ppid,
                     mark[i], want[i]);
    /* With no spawn waiting, every child of ours is an orphan. */
    lb_jail_mark_tree(v, N, 0, self, NULL, 0, mark);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(mark[i], v[i].pid == 200 || v[i].pid == 250 ? 1 : want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nproc_above_the_users_tasks), /* first: see there */
        cmocka_unit_test(test_second_pids_mount_ignored),   /* before any run here too */
        cmocka_unit_test(test_jail_close_gives_its_fds_back),
        cmocka_unit_test(test_scan_procs_sees_us_and_our_child),
        cmocka_unit_test(test_jail_enter_reports_a_failed_join),
        cmocka_unit_test(test_sweep_marks_a_whole_tree_at_once),
        cmocka_unit_test(test_forget_keeps_the_others),
        cmocka_unit_test(test_many_in_flight_kept),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_apply),
        cmocka_unit_test(test_setsid_grandchild_killed),
        cmocka_unit_test(test_uncontained_escape_survives),
        cmocka_unit_test(test_procs_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
