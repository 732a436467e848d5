#include "matchmemo.h"

#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "fsutil.h"
#include "match.h"
#include "version.h"

static void memo_path(const char *cache_dir, const char *e, size_t elen, const char *a, size_t alen,
                      lb_buf *out)
{
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "litbook " LITBOOK_VERSION " match");
    lb_hash_str(&h, gnu_get_libc_version());
    lb_hash_bytes(&h, &elen, sizeof elen);
    lb_hash_bytes(&h, e, elen);
    lb_hash_bytes(&h, &alen, sizeof alen);
    lb_hash_bytes(&h, a, alen);
    char key[33];
    lb_hash_hex(&h, key);
    lb_buf_printf(out, "%s/match/%s", cache_dir, key);
}

/* The file's existence is the record: an empty file cannot be half
 * written, so no temporary name is needed. */
static void remember(const char *cache_dir, const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {
        lb_buf dir = LB_BUF_INIT;
        lb_buf_printf(&dir, "%s/match", cache_dir);
        if (lb_mkdirs(dir.ptr) == 0)
            fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        lb_buf_free(&dir);
    }
    if (fd >= 0)
        close(fd);
}

bool lb_match_memo(const char *cache_dir, const char *expected, size_t elen, const char *actual,
                   size_t alen)
{
    if (!cache_dir)
        return lb_match(expected, elen, actual, alen);
    lb_buf path = LB_BUF_INIT;
    memo_path(cache_dir, expected, elen, actual, alen, &path);
    bool ok = access(path.ptr, F_OK) == 0;
    if (!ok && lb_match(expected, elen, actual, alen)) {
        ok = true;
        remember(cache_dir, path.ptr);
    }
    lb_buf_free(&path);
    return ok;
}
