/* nest: the mount table of one chunk, made inside a worker's sandbox.
 *
 * As root, litbook keeps one bubblewrap sandbox per worker thread
 * (worker.h) instead of starting one per chunk: a bubblewrap start with
 * litbook's views costs about 5 ms, most of it its mounts and their
 * rereads of /proc/self/mountinfo, against about 0.4 ms for what is done
 * here. The worker's sandbox already has every view a chunk gets (the host
 * read-only, out/, the cache and $HOME hidden, PATH and the chapter's
 * folder shown again), except that the folder holding all the chunks'
 * scratch folders is writable in it, and its /tmp and /dev/shm are shared
 * by whatever runs in it. So each chunk is started in new mount, PID and
 * IPC namespaces (clone, by the worker), and there, before anything of the
 * chunk runs, lb_nest_enter:
 *
 *   - makes every mount private, so nothing made here reaches the worker,
 *     and read-only (mount_setattr, Linux 5.12), so that nothing a chunk
 *     changes in what it inherits reaches the next chunk of the worker;
 *   - unmounts the worker's /tmp and /dev/shm, mounts fresh tmpfs there
 *     (mode 1777, tmp_max bytes) and attaches again, at the same paths,
 *     copies of the mounts the worker had below them (a book under /tmp
 *     is shown again there);
 *   - unmounts the folder of scratch folders, mounts an empty tmpfs there,
 *     attaches the chunk's own scratch folder alone at its path (taken
 *     before the rest was made read-only) and makes that tmpfs read-only;
 *   - mounts a /proc of the new PID namespace, with /proc/sys,
 *     /proc/sysrq-trigger, /proc/irq and /proc/bus read-only as bwrap
 *     makes them;
 *   - enters the scratch folder.
 *
 * It needs CAP_SYS_ADMIN in the namespaces' owner: the caller drops every
 * capability right after it (runner.h). */
#ifndef LB_NEST_H
#define LB_NEST_H

#include <stddef.h>

/* In the chunk's first process (PID 1 of its new PID namespace, in its new
 * mount namespace). scratch: absolute, writable in the worker's view.
 * tmp_max: bytes for /tmp and /dev/shm, 0 for tmpfs's default. Returns 0,
 * or -1 with what failed in why. */
int lb_nest_enter(const char *scratch, unsigned long long tmp_max, char *why, size_t whylen);

/* The mount points strictly below dir in a mountinfo text (proc(5)) that
 * were mounted on the mount seen at dir (the top one stacked there): each
 * once, outermost only (a mount below another listed one comes with it),
 * none that the mount at dir covers or that was removed ("//deleted"),
 * unescaped, in the order the text gives them. When dir is not a mount
 * point, every outermost one below it. Appends to out, a
 * NUL-separated list with *n entries, of at most cap bytes; returns 0, or -1
 * when they do not fit. Pure: for the unit tests. */
int lb_nest_below(const char *mountinfo, const char *dir, char *out, size_t cap, size_t *n);

#endif
