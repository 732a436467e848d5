#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "split.h"

/* One watched folder. */
typedef struct {
    int wd;
    char *dir;     /* as first given */
    int chapters;  /* every NAME.md counts */
    lb_strv names; /* and these */
} wdir;

struct lb_watch {
    int fd;
    wdir *dirs; /* owned, with everything in them */
    size_t n, cap;
};

/* What counts as a change: content written, a file renamed into place,
 * made or removed. IN_MODIFY is left out: a save is over at IN_CLOSE_WRITE. */
#define WATCH_MASK                                                                                 \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)

lb_watch *lb_watch_new(void)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return NULL;
    lb_watch *w = lb_xcalloc(1, sizeof *w);
    w->fd = fd;
    return w;
}

void lb_watch_free(lb_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        free(w->dirs[i].dir);
        lb_strv_free(&w->dirs[i].names);
    }
    free(w->dirs);
    close(w->fd);
    free(w);
}

/* The entry for dir, watched from now on. NULL with errno on failure. */
static wdir *dir_entry(lb_watch *w, const char *dir)
{
    int wd = inotify_add_watch(w->fd, dir, WATCH_MASK | IN_ONLYDIR);
    if (wd < 0)
        return NULL;
    /* The kernel gives the same wd for the same folder, however named. */
    for (size_t i = 0; i < w->n; i++)
        if (w->dirs[i].wd == wd)
            return &w->dirs[i];
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 8;
        w->dirs = lb_xrealloc(w->dirs, w->cap * sizeof *w->dirs);
    }
    wdir *d = &w->dirs[w->n++];
    memset(d, 0, sizeof *d);
    d->wd = wd;
    d->dir = lb_xstrdup(dir);
    return d;
}

int lb_watch_chapters(lb_watch *w, const char *dir)
{
    wdir *d = dir_entry(w, dir);
    if (!d)
        return -1;
    d->chapters = 1;
    return 0;
}

int lb_watch_file(lb_watch *w, const char *path)
{
    const char *slash = strrchr(path, '/');
    lb_buf dir = LB_BUF_INIT;
    if (!slash)
        lb_buf_puts(&dir, ".");
    else if (slash == path)
        lb_buf_puts(&dir, "/");
    else
        lb_buf_append(&dir, path, (size_t)(slash - path));
    const char *name = slash ? slash + 1 : path;
    wdir *d = dir_entry(w, lb_buf_str(&dir));
    lb_buf_free(&dir);
    if (!d)
        return -1;
    for (size_t i = 0; i < d->names.n; i++)
        if (strcmp(d->names.v[i], name) == 0)
            return 0;
    lb_strv_push(&d->names, name);
    return 0;
}

static int is_chapter_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' && n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Whether event e is about a watched file; its path into first if so. */
static int counts(const lb_watch *w, const struct inotify_event *e, char *first, size_t firstlen)
{
    if (!e->len)
        return 0;
    for (size_t i = 0; i < w->n; i++) {
        const wdir *d = &w->dirs[i];
        if (d->wd != e->wd)
            continue;
        int hit = d->chapters && is_chapter_name(e->name);
        for (size_t k = 0; !hit && k < d->names.n; k++)
            hit = strcmp(d->names.v[k], e->name) == 0;
        if (hit && first && firstlen)
            snprintf(first, firstlen, "%s/%s", d->dir, e->name);
        return hit;
    }
    return 0;
}

/* Events that end a save: the file is whole from then on. */
#define SAVED_MASK (IN_CLOSE_WRITE | IN_MOVED_TO)

/* Reads what is pending; returns how many events counted, -1 on error.
 * *saved becomes 1 when one of them ended a save. */
static int drain(lb_watch *w, char *first, size_t firstlen, int *saved)
{
    char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    int hits = 0;
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? hits : -1;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            if (counts(w, e, hits ? NULL : first, firstlen)) {
                hits++;
                *saved |= (e->mask & SAVED_MASK) != 0;
            }
            p += sizeof *e + e->len;
        }
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int lb_watch_wait(lb_watch *w, int quiet_ms, volatile int *stop, char *first, size_t firstlen)
{
    long long last = -1, began = -1; /* when the last and the first counted event came */
    int saved = 0;
    for (;;) {
        if (stop && *stop)
            return 0;
        int timeout = 100;
        if (last >= 0) {
            /* once a save has ended, only what the editor does right after
             * it (an attribute change, a backup removed) is waited for */
            int quiet = saved && quiet_ms > LB_WATCH_SETTLE_MS ? LB_WATCH_SETTLE_MS : quiet_ms;
            long long left = last + quiet - now_ms();
            /* a file rewritten without pause still gets its rebuild */
            if (left <= 0 || now_ms() - began > 1000)
                return 1;
            if (left < timeout)
                timeout = (int)left;
        }
        struct pollfd pfd = {w->fd, POLLIN, 0};
        int r = poll(&pfd, 1, timeout);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r > 0) {
            int hits = drain(w, last < 0 ? first : NULL, firstlen, &saved);
            if (hits < 0)
                return -1;
            if (hits)
                last = now_ms();
            if (hits && began < 0)
                began = last;
        }
    }
}
