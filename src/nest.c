/* nest: a chunk's own mounts inside its worker's sandbox (nest.h).
 *
 * Part of the static runner: no lb_buf, fixed buffers, nothing allocated
 * that outlives a call. */
#include "nest.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* From <linux/mount.h>, which clashes with glibc's <sys/mount.h> on some
 * versions: the values are the kernel's ABI. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

/* The most mounts below /tmp or /dev/shm a chunk gets again: the worker's
 * view has a handful (the book, out/ and what is shown in it). */
enum { MAX_KEPT = 64 };

static int failed(char *why, size_t n, const char *what, const char *path)
{
    snprintf(why, n, "%s %s: %s", what, path, strerror(errno));
    return -1;
}

/* Copies field (up to a space) of a mountinfo line, undoing the kernel's
 * octal escapes (\040 for a space...). Returns 0, -1 if it does not fit. */
static int unescape(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    while (*s && *s != ' ' && *s != '\n') {
        char c = *s++;
        if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
            s[2] <= '7') {
            c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
            s += 3;
        }
        if (n + 1 >= cap)
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

/* Whether p lies strictly below dir ("/tmp/a" is below "/tmp", "/tmpx" is not). */
static int below(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(p, dir, n) == 0 && p[n] == '/' && p[n + 1] != '\0';
}

/* One line of mountinfo: its mount id, its parent's, and its mount point
 * (unescaped into point). Moves *line to the next line (NULL after the
 * last). Returns 0, or -1 when the line is not one or does not fit. */
static int mount_line(const char **line, long *id, long *parent, char *point, size_t cap)
{
    const char *next = strchr(*line, '\n');
    const char *f = *line;
    char *end;
    *id = strtol(f, &end, 10);
    *parent = end != f ? strtol(end, &end, 10) : 0;
    for (int i = 0; i < 4 && f; i++) {
        f = strchr(f, ' ');
        f = f && (!next || f < next) ? f + 1 : NULL;
    }
    *line = next ? next + 1 : NULL;
    return f ? unescape(f, point, cap) : -1;
}

/* The id of the mount seen at dir: of those mounted there, the one no
 * other is stacked on (the text need not list them in mount order). -1
 * when dir is not a mount point. */
static long top_at(const char *mountinfo, const char *dir)
{
    char point[PATH_MAX];
    long id, parent, top = -1;
    for (int moved = 1; moved;) {
        moved = 0;
        for (const char *l = mountinfo; l && *l;)
            if (mount_line(&l, &id, &parent, point, sizeof point) == 0 && id != top &&
                strcmp(point, dir) == 0 && (top < 0 || parent == top)) {
                top = id;
                moved = 1;
            }
    }
    return top;
}

/* Whether another mount point below dir holds path (used when dir is not a
 * mount point, so ids cannot tell). */
static int held_below(const char *mountinfo, const char *dir, const char *path)
{
    char other[PATH_MAX];
    long id, parent;
    for (const char *l = mountinfo; l && *l;)
        if (mount_line(&l, &id, &parent, other, sizeof other) == 0 && below(other, dir) &&
            below(path, other))
            return 1;
    return 0;
}

int lb_nest_below(const char *mountinfo, const char *dir, char *out, size_t cap, size_t *n)
{
    /* Only mounts made on the one seen at dir: one below dir mounted on
     * another below it comes with that one, and one made on what dir's
     * mount covers (a host mount under the worker's /tmp) cannot be
     * reached, nor can a mount point that was removed. */
    long top = top_at(mountinfo, dir);
    char path[PATH_MAX];
    size_t used = 0, plen;
    long id, parent;
    *n = 0;
    for (const char *line = mountinfo; line && *line;) {
        if (mount_line(&line, &id, &parent, path, sizeof path) < 0 || !below(path, dir) ||
            (top >= 0 ? parent != top : held_below(mountinfo, dir, path)))
            continue;
        plen = strlen(path);
        if (plen > 9 && strcmp(path + plen - 9, "//deleted") == 0)
            continue;
        int seen = 0; /* stacked on one path: once (the top one is taken) */
        for (size_t i = 0, at = 0; i < *n && !seen; i++) {
            seen = strcmp(out + at, path) == 0;
            at += strlen(out + at) + 1;
        }
        if (seen)
            continue;
        if (used + plen + 1 > cap)
            return -1;
        memcpy(out + used, path, plen + 1);
        used += plen + 1;
        (*n)++;
    }
    return 0;
}

/* Makes every missing folder above path, 0755 (the chunk, nobody, must be
 * able to pass through them). path is writable scratch space. */
static int make_parents(char *path, char *why, size_t n)
{
    for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        int rc = mkdir(path, 0755);
        int e = errno;
        *s = '/';
        if (rc < 0 && e != EEXIST) {
            errno = e;
            return failed(why, n, "cannot make the folder above", path);
        }
    }
    return 0;
}

/* Attaches the detached mount fd at path, making the path (a folder or an
 * empty file, as the mount's root is) first. Closes fd. */
static int attach(int fd, char *path, char *why, size_t n)
{
    struct stat st;
    int rc = fstat(fd, &st) < 0 ? failed(why, n, "cannot stat the mount for", path)
                                : make_parents(path, why, n);
    if (rc == 0) {
        int made = S_ISDIR(st.st_mode) ? mkdir(path, 0755)
                                       : open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (made < 0 && errno != EEXIST)
            rc = failed(why, n, "cannot make the mount point", path);
        else if (!S_ISDIR(st.st_mode) && made >= 0)
            close(made);
    }
    if (rc == 0 && syscall(SYS_move_mount, fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        rc = failed(why, n, "cannot attach again", path);
    close(fd);
    return rc;
}

static int clone_tree(const char *path, int recursive)
{
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    return (int)syscall(SYS_open_tree, AT_FDCWD, path, flags);
}

/* A fresh tmpfs over dir, with the worker's mounts below it attached
 * again. */
static int fresh_tmpfs(const char *dir, const char *mountinfo, unsigned long long tmp_max,
                       char *why, size_t n)
{
    static char list[MAX_KEPT * 256];
    size_t count = 0;
    if (lb_nest_below(mountinfo, dir, list, sizeof list, &count) < 0 || count > MAX_KEPT) {
        snprintf(why, n, "too many mounts below %s", dir);
        return -1;
    }
    int fds[MAX_KEPT];
    const char *at = list;
    for (size_t i = 0; i < count; i++, at += strlen(at) + 1)
        if ((fds[i] = clone_tree(at, 1)) < 0) {
            int rc = failed(why, n, "cannot take the mount", at);
            while (i--)
                close(fds[i]);
            return rc;
        }
    /* The worker's mount goes, with all below it, rather than staying
     * covered: nothing of it is left for the chunk to reach. */
    if (umount2(dir, MNT_DETACH) < 0 && errno != EINVAL) {
        int rc = failed(why, n, "cannot unmount the worker's", dir);
        for (size_t i = 0; i < count; i++)
            close(fds[i]);
        return rc;
    }
    char opts[64];
    if (tmp_max)
        snprintf(opts, sizeof opts, "mode=1777,size=%llu", tmp_max);
    else
        snprintf(opts, sizeof opts, "mode=1777");
    int rc = mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0
                 ? failed(why, n, "cannot mount a tmpfs on", dir)
                 : 0;
    char *path = list; /* attach writes in it, and puts back what it wrote */
    for (size_t i = 0; i < count; i++, path += strlen(path) + 1) {
        if (rc == 0)
            rc = attach(fds[i], path, why, n);
        else
            close(fds[i]);
    }
    return rc;
}

/* What bwrap's --proc does: a proc of our PID namespace, with the parts
 * that act on the whole machine read-only. */
static int mount_proc(char *why, size_t n)
{
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return failed(why, n, "cannot mount", "/proc");
    static const char *const cover[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
                                        "/proc/bus", NULL};
    for (size_t i = 0; cover[i]; i++) {
        if (access(cover[i], F_OK) < 0)
            continue;
        if (mount(cover[i], cover[i], NULL, MS_BIND | MS_REC, NULL) < 0 ||
            mount(NULL, cover[i], NULL,
                  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            return failed(why, n, "cannot make read-only", cover[i]);
    }
    return 0;
}

/* Makes the mount at path (and, with AT_RECURSIVE, all below it)
 * read-only. Everything a chunk inherits from its worker is: as another
 * user than root, the worker's tmpfs mounts (its /dev, the hidden
 * folders) belong to the chunk's own uid, and chunks run one after
 * another would see what each changed there (a mode, an extended
 * attribute, a file in a hidden folder below /tmp). The kernel lets even
 * a locked mount be made read-only. Device nodes stay usable. */
static int read_only(int dfd, const char *path, unsigned flags, char *why, size_t n)
{
    struct mount_attr a;
    memset(&a, 0, sizeof a);
    a.attr_set = MOUNT_ATTR_RDONLY;
    if (syscall(SYS_mount_setattr, dfd, path, flags, &a, sizeof a) < 0)
        return failed(why, n, "cannot make read-only the mounts at", path);
    return 0;
}

static int read_mountinfo(char *buf, size_t cap, char *why, size_t n)
{
    int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return failed(why, n, "cannot read", "/proc/self/mountinfo");
    size_t len = 0;
    ssize_t r;
    while ((r = read(fd, buf + len, cap - 1 - len)) > 0)
        len += (size_t)r;
    close(fd);
    buf[len] = '\0';
    if (r < 0 || len + 1 >= cap) {
        snprintf(why, n, "cannot read /proc/self/mountinfo whole");
        return -1;
    }
    return 0;
}

int lb_nest_enter(const char *scratch, unsigned long long tmp_max, char *why, size_t n)
{
    static char info[1 << 18];
    char root[PATH_MAX], own[PATH_MAX];
    snprintf(root, sizeof root, "%s", scratch);
    char *slash = strrchr(root, '/');
    if (scratch[0] != '/' || !slash || slash == root || strlen(scratch) >= sizeof own) {
        snprintf(why, n, "bad scratch folder %s", scratch);
        return -1;
    }
    *slash = '\0';
    snprintf(own, sizeof own, "%s", scratch);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return failed(why, n, "cannot make private the mounts of", "/");
    /* Taken before anything covers it: the scratch root may lie in /tmp. */
    int mine = clone_tree(scratch, 0);
    if (mine < 0)
        return failed(why, n, "cannot take the scratch folder", scratch);
    int rc = read_only(AT_FDCWD, "/", AT_RECURSIVE, why, n);
    if (rc == 0)
        rc = read_mountinfo(info, sizeof info, why, n);
    if (rc == 0)
        rc = fresh_tmpfs("/tmp", info, tmp_max, why, n);
    if (rc == 0)
        rc = fresh_tmpfs("/dev/shm", info, tmp_max, why, n);
    /* The folder of all scratch folders, writable in the worker, is
     * unmounted here and replaced by an empty tmpfs that holds this
     * chunk's alone. */
    if (rc == 0 && umount2(root, MNT_DETACH) < 0 && errno != EINVAL)
        rc = failed(why, n, "cannot unmount", root);
    if (rc == 0 && mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        rc = failed(why, n, "cannot cover", root);
    if (rc == 0)
        rc = attach(mine, own, why, n);
    else
        close(mine);
    if (rc == 0) /* its own folder stays writable: a mount of its own */
        rc = read_only(AT_FDCWD, root, 0, why, n);
    if (rc == 0)
        rc = mount_proc(why, n);
    if (rc == 0 && chdir(scratch) < 0)
        rc = failed(why, n, "cannot enter", scratch);
    return rc;
}
