#include "prune.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

static int kept(const char *name, const char *const *keep, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(keep[i], name) == 0)
            return 1;
    return 0;
}

int lb_prune_pages(const char *out_dir, const char *cache_dir, const char *const *keep, size_t n,
                   int quiet)
{
    lb_buf dir = LB_BUF_INIT;
    lb_buf_printf(&dir, "%s/pages", cache_dir);
    DIR *dp = opendir(dir.ptr);
    int removed = 0;
    lb_buf p = LB_BUF_INIT;
    for (struct dirent *e; dp && (e = readdir(dp));) {
        /* records are slugs; anything else (a temporary file) is not ours */
        if (e->d_name[0] == '.' || strchr(e->d_name, '.') || kept(e->d_name, keep, n))
            continue;
        lb_buf_reset(&p);
        lb_buf_printf(&p, "%s/%s.html", out_dir, e->d_name);
        if (unlink(p.ptr) == 0) {
            removed++;
            if (!quiet)
                fprintf(stderr, "litbook: removed %s: its chapter is gone\n", p.ptr);
        } else if (errno != ENOENT) {
            fprintf(stderr, "litbook: warning: cannot remove %s: %s\n", p.ptr, strerror(errno));
            continue; /* keep the record: the next build tries again */
        }
        lb_buf_reset(&p);
        lb_buf_printf(&p, "%s/%s", dir.ptr, e->d_name);
        unlink(p.ptr);
    }
    if (dp)
        closedir(dp);
    lb_buf_free(&p);
    lb_buf_free(&dir);
    return removed;
}
