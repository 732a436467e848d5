/* bwrap: the bubblewrap command line of a worker thread's sandbox, in
 * which each chunk then gets namespaces of its own (worker.h, nest.h).
 *
 * The sandbox is bubblewrap's (Debian's `bubblewrap`, the one Flatpak
 * uses): litbook decides what the mount table inside looks like and which
 * namespaces are new; the per-chunk part inside it is the worker's:
 *
 *   /                 the host, read-only (recursively: every submount)
 *   /dev              a minimal one (null, zero, random, tty, pts...)
 *   /proc             fresh, of the sandbox's own PID namespace
 *   /tmp, /dev/shm    tmpfs, mode 1777 (each chunk gets fresh ones)
 *   hide[]            empty tmpfs over each (out/, the cache, $HOME)
 *   show[], ro[]      shown again read-only (PATH folders, the chapter's
 *                     folder, litbook.h, the data files a plot reads)
 *   scratch           the folder of the chunks' scratch folders, the only
 *                     writable host path (each chunk sees its own alone)
 *
 * and new IPC, PID, network (loopback only), UTS and cgroup namespaces,
 * --die-with-parent, --new-session (no TIOCSTI into our terminal), and
 * no_new_privs (bwrap always sets it).
 *
 * The first process inside is litbook's runner as a worker. It keeps
 * CAP_SYS_ADMIN to make each chunk's namespaces and mounts; the chunk's
 * first process drops it and every other capability before anything of
 * the chunk runs. As root, bwrap runs privileged (it needs no user
 * namespace to mount) and also keeps CAP_SETUID, CAP_SETGID and
 * CAP_SETPCAP, for the chunk to become LB_SANDBOX_UID: in a user
 * namespace made by root the chunk would still be uid 0 to the kernel's
 * permission checks, and could read every file root owns (/etc/shadow).
 * As another user, bwrap makes a user namespace, where those capabilities
 * are the namespace's only (and CAP_SETPCAP, to empty the bounding set);
 * the chunk keeps that user's uid and no capability. */
#ifndef LB_BWRAP_H
#define LB_BWRAP_H

#include "split.h"

/* The host uid and gid a chunk runs as when litbook runs as root: nobody,
 * which owns no file that matters. */
enum { LB_SANDBOX_UID = 65534, LB_SANDBOX_GID = 65534 };

/* Per build: where the tools are, and what to hide. Owned by whoever
 * fills it (lb_bwrap_cfg_free frees what lb_bwrap_cfg_init filled). */
typedef struct {
    char *bwrap;   /* absolute path of bwrap */
    char *runner;  /* litbook's own executable (started inside as the runner) */
    int as_root;   /* litbook runs as root: bwrap privileged, runner drops to LB_SANDBOX_UID */
    lb_strv hide;  /* existing host folders covered with an empty tmpfs */
    lb_strv show;  /* host paths shown read-only again, even inside a hidden one */
    char *out_dir; /* never shown, whatever a show says */
    /* Where the build remembers that this sandbox worked (sandbox.h), or
     * NULL (borrowed): a sandbox lost before its runner reported removes
     * it, so the next build tries bwrap again before trusting it. */
    const char *trust_memo;
} lb_bwrap_cfg;

/* One worker's sandbox: the folder of the chunks' scratch folders and
 * what else it shows. */
typedef struct {
    const char *scratch; /* writable: the folder of all the chunks' scratch folders */
    const lb_strv *ro;   /* more paths shown read-only (may be NULL) */
    int report_fd;       /* the fd number of the worker's control socket */
} lb_bwrap_run;

/* Fills cfg for a build writing to out_dir (absolute) from chapters in
 * book_dir: bwrap from PATH, litbook from /proc/self/exe, out_dir and
 * $HOME hidden, the folders on PATH and PYTHONPATH and the folder of each
 * tool in tools (NULL-terminated, names or paths) shown. Reads the file
 * system (stat, realpath). Returns 0, or -1 with a reason in why (bwrap
 * not installed...). */
int lb_bwrap_cfg_init(lb_bwrap_cfg *cfg, const char *out_dir, const char *book_dir,
                      const char *const *tools, char *why, size_t whylen);
void lb_bwrap_cfg_free(lb_bwrap_cfg *cfg);

/* Shows the folder of tool (a name looked up in PATH, or a path), or the
 * one above it when it sits in a bin/ folder (a prefix, a virtual
 * environment), when something hides it. Before the first run only. */
void lb_bwrap_show_tool(lb_bwrap_cfg *cfg, const char *tool);

/* Appends to argv the whole command line: bwrap, its options, and the
 * runner serving as a worker on run->report_fd (worker.h). No I/O: a pure
 * function of its arguments. */
void lb_bwrap_argv(const lb_bwrap_cfg *cfg, const lb_bwrap_run *run, lb_strv *argv);

#endif
