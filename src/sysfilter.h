/* sysfilter: the system calls a chunk never needs, refused by seccomp.
 *
 * A layer under the namespaces (bwrap.h): it closes what they leave open
 * to an unprivileged user. The kernel's keyrings are per uid, not per
 * namespace, so without it a chunk (uid nobody) could leave a key that a
 * later chunk, of another book, reads; unshare(CLONE_NEWUSER) gives a
 * chunk a user namespace in which it may mount file systems over its view
 * of the host. Refused with EPERM, so a program sees an ordinary error:
 *
 *   keyrings      add_key, keyctl, request_key
 *   namespaces    unshare, setns, clone with any CLONE_NEW* flag, and
 *                 clone3 (its flags lie in memory seccomp cannot read: it
 *                 gets ENOSYS, and libc falls back to clone)
 *   mounts        mount, umount2, pivot_root, chroot, the new mount API
 *                 (fsopen, fsmount, move_mount, open_tree, mount_setattr)
 *   the kernel    kexec_*, init/finit/delete_module, reboot, swapon/off,
 *                 acct, bpf, userfaultfd, io_uring_*
 *
 * ptrace (strace -f), perf_event_open (perf stat) and everything else stay
 * allowed: the PID namespace already limits them to the chunk's own
 * processes. System calls of another architecture (i386's int 0x80) kill
 * the process: the filter could not judge them. */
#ifndef LB_SYSFILTER_H
#define LB_SYSFILTER_H

/* Loads the filter into the calling process (inherited by every process it
 * starts, for good: no_new_privs is set too). Returns 0, or -1 with errno
 * (and a reason in why, at most n bytes). */
int lb_sysfilter_load(char *why, unsigned long n);

#endif
