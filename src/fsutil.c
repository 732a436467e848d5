#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdpass.h"

int lb_read_file(const char *path, lb_buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t start = b->len;
    char tmp[65536];
    for (;;) {
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            if (b->ptr) { /* no part of a file read only in part */
                b->len = start;
                b->ptr[start] = '\0';
            }
            errno = e;
            return -1;
        }
        if (n == 0)
            break;
        lb_buf_append(b, tmp, (size_t)n);
    }
    close(fd);
    if (!b->ptr)
        lb_buf_append(b, "", 0);
    return 0;
}

static int write_replace(const char *path, const char *data, size_t len, int sync)
{
    lb_buf tmp = LB_BUF_INIT;
    /* The pid and a counter make the name unique across processes and
     * threads; the ".tmp" suffix lets a later build sweep leftovers. */
    static _Atomic unsigned long counter;
    lb_buf_printf(&tmp, "%s.%ld.%lu.tmp", path, (long)getpid(), ++counter);
    int fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        lb_buf_free(&tmp);
        return -1;
    }
    if (lb_fd_write_all(fd, data, len) < 0 || (sync && fsync(fd) < 0)) {
        int e = errno;
        close(fd);
        unlink(tmp.ptr);
        lb_buf_free(&tmp);
        errno = e;
        return -1;
    }
    if (close(fd) < 0 || rename(tmp.ptr, path) < 0) {
        int e = errno;
        unlink(tmp.ptr);
        lb_buf_free(&tmp);
        errno = e;
        return -1;
    }
    lb_buf_free(&tmp);
    return 0;
}

int lb_write_file_atomic(const char *path, const char *data, size_t len)
{
    return write_replace(path, data, len, 0);
}

int lb_write_file_durable(const char *path, const char *data, size_t len)
{
    return write_replace(path, data, len, 1);
}

int lb_write_file_if_changed(const char *path, const char *data, size_t len)
{
    /* Only a file of data's size can hold it: one of another size (a page
     * or the search index an edit made longer) is not read first. */
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
        return lb_write_file_atomic(path, data, len) < 0 ? -1 : 1;
    lb_buf old = LB_BUF_INIT;
    if (lb_read_file(path, &old) == 0 && old.len == len && memcmp(old.ptr, data, len) == 0) {
        lb_buf_free(&old);
        return 0;
    }
    lb_buf_free(&old);
    return lb_write_file_atomic(path, data, len) < 0 ? -1 : 1;
}

long long lb_mtime_ns(const struct stat *st)
{
    return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

void lb_file_stamp(const struct stat *st, lb_buf *out)
{
    lb_buf_printf(out, "%lld %lld %lld", (long long)st->st_size, lb_mtime_ns(st),
                  (long long)st->st_ino);
}

int lb_mkdirs(const char *path)
{
    /* Mostly the folder is there already (a no-op rebuild asks for the
     * same ones again and again): one mkdir says so. Anything else takes
     * the walk from the root, which makes the missing parents or reports
     * what is in the way, exactly as without this shortcut. */
    if (mkdir(path, 0755) == 0 || errno == EEXIST)
        return 0;
    if (!*path) /* the walk below starts after the first byte */
        return -1;
    char *p = lb_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int lb_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads names only (readdir's d_type, no stat per file): the cache holds
 * thousands of entries, and this runs on every build. */
void lb_sweep_tmp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    lb_buf p = LB_BUF_INIT;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(e->d_name);
        lb_buf_reset(&p);
        lb_buf_printf(&p, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            lb_sweep_tmp_files(p.ptr);
        else if (n > 4 && strcmp(e->d_name + n - 4, ".tmp") == 0 &&
                 (e->d_type == DT_REG || e->d_type == DT_UNKNOWN))
            unlink(p.ptr);
    }
    lb_buf_free(&p);
    closedir(d);
}
