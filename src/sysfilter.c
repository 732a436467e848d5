/* sysfilter: a chunk's seccomp filter (libseccomp). See sysfilter.h. */
#include "sysfilter.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

/* Refused outright, whatever the arguments. */
static const char *const denied[] = {"add_key",
                                     "keyctl",
                                     "request_key",
                                     "unshare",
                                     "setns",
                                     "mount",
                                     "umount2",
                                     "pivot_root",
                                     "chroot",
                                     "fsopen",
                                     "fsconfig",
                                     "fsmount",
                                     "fspick",
                                     "move_mount",
                                     "open_tree",
                                     "mount_setattr",
                                     "kexec_load",
                                     "kexec_file_load",
                                     "init_module",
                                     "finit_module",
                                     "delete_module",
                                     "reboot",
                                     "swapon",
                                     "swapoff",
                                     "acct",
                                     "bpf",
                                     "userfaultfd",
                                     "io_uring_setup",
                                     "io_uring_enter",
                                     "io_uring_register",
                                     NULL};

/* clone with any of these makes a namespace. */
static const unsigned long new_ns[] = {CLONE_NEWNS,   CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
                                       CLONE_NEWUSER, CLONE_NEWPID,    CLONE_NEWNET};

static int add_rules(scmp_filter_ctx ctx, char *why, unsigned long n)
{
    int rc = 0;
    const char *what = "";
    for (size_t i = 0; denied[i] && rc == 0; i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        what = denied[i];
        if (nr != __NR_SCMP_ERROR) /* else not a call of this architecture */
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    /* Its flags are the first argument (x86_64, aarch64); rules for one
     * call are alternatives, so one per flag means "any of them". */
    for (size_t i = 0; i < sizeof new_ns / sizeof *new_ns && rc == 0; i++) {
        what = "clone";
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, new_ns[i], new_ns[i]));
    }
    if (rc == 0) {
        what = "clone3";
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    }
    if (rc < 0)
        snprintf(why, n, "seccomp rule for %s: %s", what, strerror(-rc));
    return rc < 0 ? -1 : 0;
}

int lb_sysfilter_load(char *why, unsigned long n)
{
    /* Whatever else is left allowed; another architecture's calls kill. */
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        snprintf(why, n, "seccomp_init failed");
        errno = ENOMEM;
        return -1;
    }
    int rc = add_rules(ctx, why, n);
    if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        snprintf(why, n, "no_new_privs: %s", strerror(errno));
        rc = -1;
    }
    if (rc == 0) {
        int e = seccomp_load(ctx);
        if (e < 0) {
            snprintf(why, n, "seccomp_load: %s", strerror(-e));
            errno = -e;
            rc = -1;
        }
    }
    seccomp_release(ctx);
    return rc;
}
