/* jail_discover: which cgroups the jail (jail.h) may use, found from the
 * texts of /proc/self/mountinfo and /proc/self/cgroup and from the cgroup
 * files under the mount points they name.
 *
 * Why this is a function of its own, apart from jail.c's once-only
 * discovery: a unit test hands it a machine of its own (a fake cgroup tree
 * in a temporary folder, and mountinfo and cgroup texts that name it), so
 * that every kind of machine is tested on whichever one the tests run on
 * (a hybrid one has no writable cgroup v2 with controllers, and without
 * this the v2 branch would run on none of ours). jail.c calls it with the
 * real files' texts; nothing in it knows a test from a build. */
#ifndef LB_JAIL_DISCOVER_H
#define LB_JAIL_DISCOVER_H

/* What the machine offers the jail. */
typedef struct {
    char *v2_base; /* our cgroup v2 directory, when writable and a cgroup, else NULL */
    int v2_pids;   /* the pids controller is enabled for its children */
    int v2_mem;    /* the memory controller is enabled for its children */
    char *v1_pids; /* our cgroup v1 pids directory, when writable, else NULL */
    char *v1_mem;  /* our cgroup v1 memory directory, when writable, else NULL */
} lb_jail_machine;

/* Fills *m from mountinfo (the text of /proc/self/mountinfo: the first
 * cgroup2 mount, the first v1 mount with pids, the first with memory) and
 * self_cgroup (of /proc/self/cgroup: our path in each), each directory
 * checked to be writable and to hold a cgroup.procs, and v2_pids / v2_mem
 * read from v2_base's cgroup.subtree_control. Each directory found is
 * swept of the empty litbook-PID-N cgroups that a litbook killed with -9
 * left (PID no longer running; rmdir removes only empty ones, so a live
 * build's stay). Either text may be empty (nothing is found in it).
 * Every string in *m is the caller's to free (jail.c keeps its one for
 * the life of the process). */
void lb_jail_discover_from(const char *mountinfo, const char *self_cgroup, lb_jail_machine *m);

#endif
