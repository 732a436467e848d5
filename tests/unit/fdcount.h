/* fdcount: how many file descriptors the calling process has open, for
 * the unit tests that check a run or a jail gives back every one it
 * opened. */
#ifndef LB_TEST_FDCOUNT_H
#define LB_TEST_FDCOUNT_H

#include <dirent.h>

static inline int open_fd_count(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n - 1; /* the directory's own */
}

#endif
