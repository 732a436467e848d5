/* bwrap: the bubblewrap command line that puts one process of a chunk in
 * its sandbox.
 *
 * The sandbox is bubblewrap's (Debian's `bubblewrap`, the one Flatpak
 * uses): litbook writes no namespace code of its own, it only decides what
 * the mount table inside looks like and which namespaces are new:
 *
 *   /                 the host, read-only (recursively: every submount)
 *   /dev              a minimal one (null, zero, random, tty, pts...)
 *   /proc             fresh, of the sandbox's own PID namespace
 *   /tmp, /dev/shm    private tmpfs, mode 1777, gone with the sandbox
 *   hide[]            empty tmpfs over each (out/, the cache, $HOME)
 *   show[], ro[]      shown again read-only (PATH folders, the chapter's
 *                     folder, litbook.h, the data files a plot reads)
 *   scratch           the chunk's own folder, the only writable host path
 *
 * and new IPC, PID, network (loopback only), UTS and cgroup namespaces,
 * --die-with-parent, --new-session (no TIOCSTI into our terminal), every
 * capability dropped and no_new_privs (bwrap always sets it).
 *
 * The first process inside is litbook's runner (runner.h), which starts
 * each program of the chunk and reports how it ended. As root, bwrap runs
 * privileged (it needs no user namespace to mount) and keeps exactly the
 * capabilities the runner needs to become LB_SANDBOX_UID, which it does
 * before it starts anything: in a user namespace made by root the chunk
 * would still be uid 0 to the kernel's permission checks, and could read
 * every file root owns (/etc/shadow). As another user, bwrap makes a user
 * namespace; the chunk keeps that user's uid and no capability. */
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

/* One process: its folder and what else it may read. */
typedef struct {
    const char *scratch;        /* writable; the working folder */
    const lb_strv *ro;          /* more paths shown read-only (may be NULL) */
    unsigned long long tmp_max; /* size of /tmp and of /dev/shm; 0: tmpfs default */
    int report_fd;              /* the fd number of the runner's control socket */
    /* A worker's sandbox (worker.h; as root only): scratch is the folder
     * of all the chunks' scratch folders, the runner keeps CAP_SYS_ADMIN
     * to make each chunk's namespaces, and serves as a worker. */
    int worker;
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
 * runner serving requests on run->report_fd (runner.h). No I/O: a pure
 * function of its arguments. */
void lb_bwrap_argv(const lb_bwrap_cfg *cfg, const lb_bwrap_run *run, lb_strv *argv);

#endif
