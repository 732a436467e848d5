/* `litbook init`: a new book from the templates in src/init/ (embedded in
 * the binary by tools/embed), so a new author starts from a chapter that
 * shows the main features and builds green before they change a line. */
#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

extern const char lb_init_index[];
extern const char lb_init_chapter[];
extern const char lb_init_python[];

/* Whether name runs as a command here: a path that is executable, or a
 * word found executable in one of $PATH's folders. */
static int have_command(const char *name)
{
    if (strchr(name, '/'))
        return access(name, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    lb_buf b = LB_BUF_INIT;
    int found = 0;
    for (const char *p = path; !found;) {
        size_t n = strcspn(p, ":");
        lb_buf_reset(&b);
        lb_buf_printf(&b, "%.*s/%s", (int)n, n ? p : ".", name);
        found = access(b.ptr, X_OK) == 0;
        if (!p[n])
            break;
        p += n + 1;
    }
    lb_buf_free(&b);
    return found;
}

/* Creates path holding text; never replaces an existing file (O_EXCL).
 * Returns 0, or -1 with a message printed. */
static int create(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
        fprintf(stderr, "litbook: error: cannot write %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (close(fd) < 0) {
        fprintf(stderr, "litbook: error: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    printf("created %s\n", path);
    return 0;
}

int lb_init(const char *dir, const char *python)
{
    lb_buf chapters = LB_BUF_INIT, path = LB_BUF_INIT, chapter = LB_BUF_INIT;
    int rc = 2;
    lb_buf_printf(&chapters, "%s/chapters", dir);
    struct stat st;
    if (lstat(chapters.ptr, &st) == 0) {
        fprintf(stderr,
                "litbook: error: %s already exists: init starts a new book and never "
                "overwrites one (give it an empty or new folder: litbook init DIR)\n",
                chapters.ptr);
        goto done;
    }
    if (lb_mkdirs(chapters.ptr) < 0) {
        fprintf(stderr, "litbook: error: cannot create %s: %s\n", chapters.ptr, strerror(errno));
        goto done;
    }
    lb_buf_puts(&chapter, lb_init_chapter);
    int with_python = have_command(python);
    if (with_python)
        lb_buf_puts(&chapter, lb_init_python);
    lb_buf_printf(&path, "%s/index.md", chapters.ptr);
    if (create(path.ptr, lb_init_index) < 0)
        goto done;
    lb_buf_reset(&path);
    lb_buf_printf(&path, "%s/01-first-chapter.md", chapters.ptr);
    if (create(path.ptr, chapter.ptr) < 0)
        goto done;
    lb_buf_reset(&path);
    lb_buf_printf(&path, "%s/.gitignore", dir);
    if (access(path.ptr, F_OK) != 0 && create(path.ptr, "/out/\n") < 0)
        goto done;
    if (!with_python)
        printf("(no %s here: the chapter has no Python section)\n", python);
    printf("next: cd %s && litbook build, then open out/index.html\n", dir);
    rc = 0;
done:
    lb_buf_free(&chapters);
    lb_buf_free(&path);
    lb_buf_free(&chapter);
    return rc;
}
