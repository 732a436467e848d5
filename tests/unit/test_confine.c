/* The runner's layers under the namespaces (sysfilter.h, writerules.h),
 * each tried in a child process of its own: a filter or a Landlock domain
 * is for good, and must not reach the test runner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sysfilter.h"
#include "writerules.h"

/* Runs fn in a child; its exit status (0: every step as expected, else
 * the number of the first step that was not). */
static int in_child(int (*fn)(void *), void *arg)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn(arg));
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int refused(long rc)
{
    return rc < 0 && errno == EPERM;
}

static void *nothing(void *arg)
{
    return arg;
}

static int filtered(void *arg)
{
    (void)arg;
    char why[256];
    if (lb_sysfilter_load(why, sizeof why) < 0)
        return 1;
    /* The keyrings are per uid, not per namespace: a key would outlive the
     * chunk and reach the next one. */
    if (!refused(syscall(SYS_add_key, "user", "lb-test", "x", (size_t)1, KEY_SPEC_PROCESS_KEYRING)))
        return 2;
    if (!refused(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)))
        return 3;
    if (!refused(unshare(CLONE_NEWUSER)))
        return 4;
    if (!refused(syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL, 0)))
        return 5;
    if (!refused(syscall(SYS_mount, "none", "/", "tmpfs", 0UL, NULL)))
        return 6;
    /* What programs do every day still works: fork, threads (glibc tries
     * clone3 first and falls back), exec-free waits. */
    pid_t p = fork();
    if (p == 0)
        _exit(7);
    int st = 0;
    if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
        return 8;
    pthread_t th;
    if (pthread_create(&th, NULL, nothing, NULL) != 0 || pthread_join(th, NULL) != 0)
        return 9;
    return 0;
}

static void test_sysfilter(void **state)
{
    (void)state;
    assert_int_equal(in_child(filtered, NULL), 0);
}

typedef struct {
    char allowed[64], other[64];
} two_dirs;

static int write_in(const char *dir, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int ruled(void *arg)
{
    const two_dirs *d = arg;
    const char *const dirs[] = {d->allowed, NULL};
    int abi = lb_writerules_apply(dirs);
    if (abi < 0)
        return 1;
    if (abi == 0)
        return 0; /* no Landlock in this kernel: nothing to check */
    if (write_in(d->allowed, "f") < 0)
        return 2;
    if (write_in(d->other, "f") == 0 || errno != EACCES)
        return 3;
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", d->other);
    if (mkdir(sub, 0755) == 0 || errno != EACCES)
        return 4;
    /* Existing files elsewhere stay writable (the mount table decides). */
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0)
        return 5;
    close(fd);
    return 0;
}

static void test_writerules(void **state)
{
    (void)state;
    two_dirs d;
    snprintf(d.allowed, sizeof d.allowed, "/tmp/lb-ll-a-XXXXXX");
    snprintf(d.other, sizeof d.other, "/tmp/lb-ll-b-XXXXXX");
    assert_non_null(mkdtemp(d.allowed));
    assert_non_null(mkdtemp(d.other));
    int rc = in_child(ruled, &d);
    char f[128];
    snprintf(f, sizeof f, "%s/f", d.allowed);
    unlink(f);
    snprintf(f, sizeof f, "%s/f", d.other);
    unlink(f);
    snprintf(f, sizeof f, "%s/sub", d.other);
    rmdir(f);
    rmdir(d.allowed);
    rmdir(d.other);
    assert_int_equal(rc, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sysfilter),
        cmocka_unit_test(test_writerules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
