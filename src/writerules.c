/* writerules: Landlock rules for a chunk (see writerules.h). The kernel's
 * interface is three system calls with no libc wrapper. */
#include "writerules.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's ABI is fixed; Debian 12's header predates ABI 3. */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

/* What makes or changes a file, by the ABI version that added it. */
static uint64_t write_rights(int abi)
{
    uint64_t r = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |
                 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
                 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO |
                 LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
    if (abi >= 2)
        r |= LANDLOCK_ACCESS_FS_REFER;
    if (abi >= 3)
        r |= LANDLOCK_ACCESS_FS_TRUNCATE;
    return r;
}

/* Writing to files that exist anywhere (/dev/null, /dev/tty, a pipe
 * reopened through /proc/self/fd): the mount table decides which. */
static uint64_t file_rights(int abi)
{
    return LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
}

static int allow(int ruleset, const char *path, uint64_t rights)
{
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT || errno == EACCES ? 0 : -1;
    struct landlock_path_beneath_attr pb = {.allowed_access = rights, .parent_fd = fd};
    long rc = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc < 0 ? -1 : 0;
}

int lb_writerules_apply(const char *const *dirs)
{
    long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (v < 0)
        return errno == ENOSYS || errno == EOPNOTSUPP ? 0 : -1;
    int abi = (int)v;
    struct landlock_ruleset_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.handled_access_fs = write_rights(abi);
#ifdef LANDLOCK_SCOPE_SIGNAL
    if (abi >= 6)
        attr.scoped = LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET;
#endif
    /* A newer header's larger struct is fine: the kernel accepts fields it
     * does not know when they are zero. */
    int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rs < 0)
        return -1;
    int rc = allow(rs, "/", file_rights(abi));
    for (size_t i = 0; dirs[i] && rc == 0; i++)
        rc = allow(rs, dirs[i], write_rights(abi));
    if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        rc = -1;
    if (rc == 0 && syscall(SYS_landlock_restrict_self, rs, 0) < 0)
        rc = -1;
    int saved = errno;
    close(rs);
    errno = saved;
    return rc < 0 ? -1 : abi;
}
