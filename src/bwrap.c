/* bwrap: bubblewrap's command line for a worker's sandbox. See bwrap.h
 * for the sandbox it describes. */
#include "bwrap.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

/* One mount inside, in the order bwrap is told to make it. */
typedef enum { OP_TMPFS, OP_HIDE, OP_RO, OP_RW } op_kind;

typedef struct {
    op_kind kind;
    const char *path; /* borrowed from cfg/run */
    int depth;        /* components: a deeper mount is made later, so it wins */
    size_t seq;       /* order given, for ties (qsort is not stable) */
} mount_op;

static int depth_of(const char *p)
{
    int n = 0;
    for (; *p; p++)
        n += *p == '/' && p[1] && p[1] != '/';
    return n;
}

/* Whether p is dir itself or inside it ("/a/b" is inside "/a", not "/ab"). */
static int is_within(const char *p, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (strncmp(p, dir, n) != 0)
        return 0;
    return p[n] == '\0' || p[n] == '/' || (n == 1 && dir[0] == '/');
}

static int by_depth(const void *a, const void *b)
{
    const mount_op *x = a, *y = b;
    if (x->depth != y->depth)
        return x->depth < y->depth ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void push2(lb_strv *argv, const char *a, const char *b)
{
    lb_strv_push(argv, a);
    lb_strv_push(argv, b);
}

/* bwrap makes missing mount points itself, but inside a tmpfs it makes
 * their parents 0700 root: the chunk could not reach its own folder. So
 * every ancestor of a mount point that lies in a tmpfs mounted before it
 * is made first, 0755. */
static void make_parents(const mount_op *ops, size_t i, lb_strv *made, lb_strv *argv)
{
    lb_buf a = LB_BUF_INIT;
    const char *p = ops[i].path;
    for (const char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        lb_buf_reset(&a);
        lb_buf_append(&a, p, (size_t)(s - p));
        /* The deepest earlier mount holding this ancestor decides. */
        int in_tmpfs = 0, best = -1;
        for (size_t k = 0; k < i; k++)
            if (is_within(a.ptr, ops[k].path) && ops[k].depth > best) {
                best = ops[k].depth;
                in_tmpfs = ops[k].kind == OP_TMPFS || ops[k].kind == OP_HIDE;
            }
        int seen = 0;
        for (size_t k = 0; k < made->n && !seen; k++)
            seen = strcmp(made->v[k], a.ptr) == 0;
        if (!in_tmpfs || seen)
            continue;
        lb_strv_push(made, a.ptr);
        push2(argv, "--perms", "0755");
        push2(argv, "--dir", a.ptr);
    }
    lb_buf_free(&a);
}

static void add_op(mount_op **ops, size_t *n, size_t *cap, op_kind k, const char *path)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *ops = lb_xrealloc(*ops, *cap * sizeof **ops);
    }
    (*ops)[*n] = (mount_op){k, path, depth_of(path), *n};
    (*n)++;
}

static void mounts(const lb_bwrap_cfg *cfg, const lb_bwrap_run *run, lb_strv *argv)
{
    mount_op *ops = NULL;
    size_t n = 0, cap = 0;
    add_op(&ops, &n, &cap, OP_TMPFS, "/tmp");
    add_op(&ops, &n, &cap, OP_TMPFS, "/dev/shm");
    for (size_t i = 0; i < cfg->hide.n; i++)
        add_op(&ops, &n, &cap, OP_HIDE, cfg->hide.v[i]);
    for (size_t i = 0; i < cfg->show.n; i++)
        add_op(&ops, &n, &cap, OP_RO, cfg->show.v[i]);
    for (size_t i = 0; run->ro && i < run->ro->n; i++)
        add_op(&ops, &n, &cap, OP_RO, run->ro->v[i]);
    add_op(&ops, &n, &cap, OP_RW, run->scratch);
    qsort(ops, n, sizeof *ops, by_depth);

    lb_strv made = {0};
    for (size_t i = 0; i < n; i++) {
        make_parents(ops, i, &made, argv);
        switch (ops[i].kind) {
        case OP_TMPFS: /* the worker's own: each chunk gets fresh ones (nest.h) */
            push2(argv, "--perms", "1777");
            push2(argv, "--tmpfs", ops[i].path);
            break;
        case OP_HIDE:
            push2(argv, "--tmpfs", ops[i].path);
            break;
        case OP_RO:
            /* -try: a folder on PATH need not exist. */
            lb_strv_push(argv, "--ro-bind-try");
            push2(argv, ops[i].path, ops[i].path);
            break;
        case OP_RW:
            lb_strv_push(argv, "--bind");
            push2(argv, ops[i].path, ops[i].path);
            break;
        }
    }
    lb_strv_free(&made);
    free(ops);
}

void lb_bwrap_argv(const lb_bwrap_cfg *cfg, const lb_bwrap_run *run, lb_strv *argv)
{
    lb_strv_push(argv, cfg->bwrap);
    push2(argv, "--ro-bind", "/");
    lb_strv_push(argv, "/");
    push2(argv, "--dev", "/dev");
    push2(argv, "--proc", "/proc");
    mounts(cfg, run, argv);
    push2(argv, "--chdir", run->scratch);
    static const char *const ns[] = {
        "--unshare-ipc",        "--unshare-pid",     "--unshare-net", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent", "--new-session", NULL};
    for (size_t i = 0; ns[i]; i++)
        lb_strv_push(argv, ns[i]);
    push2(argv, "--cap-drop", "ALL");
    if (cfg->as_root) {
        /* Only what the runner needs to become LB_SANDBOX_UID: it drops
         * them, and the bounding set, before anything else runs. */
        static const char *const caps[] = {"CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", NULL};
        for (size_t i = 0; caps[i]; i++)
            push2(argv, "--cap-add", caps[i]);
    } else {
        lb_strv_push(argv, "--unshare-user");
        lb_strv_push(argv, "--disable-userns");  /* no nested namespace to gain capabilities in */
        push2(argv, "--cap-add", "CAP_SETPCAP"); /* to drop the bounding set in each chunk */
    }
    /* A worker makes each chunk's namespaces and mounts (worker.h); the
     * chunk's first process drops it with the rest before it serves. In
     * bwrap's user namespace, when not root, it is a capability there
     * only. */
    push2(argv, "--cap-add", "CAP_SYS_ADMIN");
    lb_strv_push(argv, "--");
    lb_strv_push(argv, cfg->runner);
    lb_strv_push(argv, "__sandbox-worker");
    char num[3][24];
    snprintf(num[0], sizeof num[0], "%d", run->report_fd);
    snprintf(num[1], sizeof num[1], "%d", cfg->as_root ? LB_SANDBOX_UID : -1);
    snprintf(num[2], sizeof num[2], "%d", cfg->as_root ? LB_SANDBOX_GID : -1);
    for (int i = 0; i < 3; i++)
        lb_strv_push(argv, num[i]);
}

/* --- per-build configuration ------------------------------------------ */

/* A path given with a slash keeps its last component unresolved: a
 * virtual environment's bin/python is a link to the system's python, and
 * it is the environment's folder (its site-packages) that must be shown. */
static char *absolute_unresolved(const char *name)
{
    if (access(name, X_OK) != 0)
        return NULL;
    char *dir = lb_xstrdup(name);
    char *slash = strrchr(dir, '/');
    *slash = '\0';
    char *real = realpath(*dir ? dir : "/", NULL);
    char *abs = NULL;
    if (real) {
        lb_buf b = LB_BUF_INIT;
        lb_buf_printf(&b, "%s/%s", strcmp(real, "/") == 0 ? "" : real, slash + 1);
        abs = lb_buf_detach(&b);
        free(real);
    }
    free(dir);
    return abs;
}

static char *find_in_path(const char *name)
{
    if (strchr(name, '/'))
        return absolute_unresolved(name);
    const char *dirs = getenv("PATH");
    if (!dirs)
        dirs = "/usr/local/bin:/usr/bin:/bin";
    lb_buf cand = LB_BUF_INIT;
    for (const char *p = dirs;; p++) {
        const char *end = strchrnul(p, ':');
        lb_buf_reset(&cand);
        if (end > p) {
            lb_buf_append(&cand, p, (size_t)(end - p));
            lb_buf_putc(&cand, '/');
            lb_buf_puts(&cand, name);
            struct stat st;
            if (stat(cand.ptr, &st) == 0 && S_ISREG(st.st_mode) && access(cand.ptr, X_OK) == 0) {
                char *abs = cand.ptr[0] == '/' ? lb_buf_detach(&cand) : realpath(cand.ptr, NULL);
                lb_buf_free(&cand);
                return abs;
            }
        }
        if (!*end)
            break;
        p = end;
    }
    lb_buf_free(&cand);
    return NULL;
}

/* Whether a process inside would not see path without a show: it lies in
 * /tmp or /dev/shm (private there) or in a hidden folder. */
static int is_covered(const lb_bwrap_cfg *cfg, const char *path)
{
    if (is_within(path, "/tmp") || is_within(path, "/dev/shm"))
        return 1;
    for (size_t i = 0; i < cfg->hide.n; i++)
        if (is_within(path, cfg->hide.v[i]))
            return 1;
    return 0;
}

/* Whether the sandbox's uid can use path (as root: nobody, so the bits
 * for others). A show it cannot enter would block every path through it. */
static int usable_inside(const lb_bwrap_cfg *cfg, const char *path)
{
    struct stat st;
    if (!cfg->as_root)
        return 1;
    if (stat(path, &st) < 0)
        return 1; /* --ro-bind-try skips it */
    return S_ISDIR(st.st_mode) ? (st.st_mode & S_IXOTH) != 0 : (st.st_mode & S_IROTH) != 0;
}

/* Shows path again, read-only, when something covers it, unless it lies in
 * the output folder: the cache is never shown, whatever PATH says. */
static void add_show(lb_bwrap_cfg *cfg, const char *path, const char *out_dir)
{
    if (path[0] != '/' || !is_covered(cfg, path) || is_within(path, out_dir) ||
        !usable_inside(cfg, path))
        return;
    for (size_t i = 0; i < cfg->hide.n; i++)
        if (strcmp(cfg->hide.v[i], path) == 0)
            return; /* showing a hidden folder itself would undo the hiding */
    for (size_t i = 0; i < cfg->show.n; i++)
        if (strcmp(cfg->show.v[i], path) == 0)
            return;
    lb_strv_push(&cfg->show, path);
}

/* Hidden even under /tmp (already private inside): a show of a folder
 * above it (a tool beside the book) must not show it again. */
static void add_hide(lb_bwrap_cfg *cfg, const char *path)
{
    struct stat st;
    char *real = path && path[0] == '/' ? realpath(path, NULL) : NULL;
    int dup = 0;
    for (size_t i = 0; real && i < cfg->hide.n && !dup; i++)
        dup = strcmp(cfg->hide.v[i], real) == 0;
    if (real && !dup && strcmp(real, "/") != 0 && stat(real, &st) == 0 && S_ISDIR(st.st_mode))
        lb_strv_push(&cfg->hide, real);
    free(real);
}

/* As root the chunk runs as nobody, which cannot pass through a folder
 * closed to others (a book in a 0700 folder): such a folder above the
 * output or the chapters is covered with an empty tmpfs (mode 0755), in
 * which bwrap makes the path down to what is shown. Nothing is lost:
 * nobody could not have looked inside anyway. Outside /tmp only: there
 * the sandbox's own tmpfs does the same. */
static void open_ancestors(lb_bwrap_cfg *cfg, const char *path)
{
    char *real = path ? realpath(path, NULL) : NULL;
    if (!real)
        return;
    for (char *s = strchr(real + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        struct stat st;
        if (!is_within(real, "/tmp") && !is_within(real, "/dev/shm") && stat(real, &st) == 0 &&
            S_ISDIR(st.st_mode) && !(st.st_mode & S_IXOTH))
            add_hide(cfg, real);
        *s = '/';
    }
    free(real);
}

/* A tool's folder, or for one in a bin/ folder (a virtual environment, a
 * prefix) the folder above it, whose lib/ it reads. */
static void show_tool_folder(lb_bwrap_cfg *cfg, char *path)
{
    char *slash = strrchr(path, '/');
    if (slash && slash > path) {
        *slash = '\0';
        slash = strrchr(path, '/');
        if (slash && strcmp(slash, "/bin") == 0 && slash > path)
            *slash = '\0';
        add_show(cfg, path, cfg->out_dir);
    }
}

/* Both the folder the tool was named in (a virtual environment) and the
 * one its links lead to (the interpreter it runs). */
void lb_bwrap_show_tool(lb_bwrap_cfg *cfg, const char *tool)
{
    char *path = find_in_path(tool);
    if (!path)
        return;
    char *real = realpath(path, NULL);
    show_tool_folder(cfg, path);
    if (real)
        show_tool_folder(cfg, real);
    free(real);
    free(path);
}

int lb_bwrap_cfg_init(lb_bwrap_cfg *cfg, const char *out_dir, const char *book_dir,
                      const char *const *tools, char *why, size_t whylen)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->bwrap = find_in_path("bwrap");
    if (!cfg->bwrap) {
        snprintf(why, whylen, "bwrap is not installed (apt-get install bubblewrap)");
        return -1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(why, whylen, "cannot find litbook's own executable: %s", strerror(errno));
        lb_bwrap_cfg_free(cfg);
        return -1;
    }
    exe[n] = '\0';
    /* The static runner beside litbook starts faster than litbook itself,
     * which can be the runner too. */
    lb_buf r = LB_BUF_INIT;
    const char *slash = strrchr(exe, '/');
    lb_buf_append(&r, exe, slash ? (size_t)(slash - exe) : 0);
    lb_buf_puts(&r, "/litbook-runner");
    cfg->runner = access(r.ptr, X_OK) == 0 ? lb_buf_detach(&r) : lb_xstrdup(exe);
    lb_buf_free(&r);
    cfg->as_root = geteuid() == 0;
    cfg->out_dir = lb_xstrdup(out_dir);
    add_hide(cfg, out_dir);
    add_hide(cfg, getenv("HOME"));
    if (cfg->as_root) {
        open_ancestors(cfg, out_dir);
        open_ancestors(cfg, book_dir);
    }
    /* The folders the user chose tools and modules from. */
    static const char *const lists[] = {"PATH", "PYTHONPATH", NULL};
    lb_buf d = LB_BUF_INIT;
    for (size_t i = 0; lists[i]; i++) {
        const char *path = getenv(lists[i]);
        for (const char *p = path ? path : ""; *p;) {
            const char *end = strchrnul(p, ':');
            lb_buf_reset(&d);
            lb_buf_append(&d, p, (size_t)(end - p));
            if (d.len)
                add_show(cfg, d.ptr, out_dir);
            p = *end ? end + 1 : end;
        }
    }
    lb_buf_free(&d);
    for (size_t i = 0; tools && tools[i]; i++)
        lb_bwrap_show_tool(cfg, tools[i]);
    add_show(cfg, cfg->runner, out_dir);
    return 0;
}

void lb_bwrap_cfg_free(lb_bwrap_cfg *cfg)
{
    free(cfg->bwrap);
    free(cfg->runner);
    free(cfg->out_dir);
    lb_strv_free(&cfg->hide);
    lb_strv_free(&cfg->show);
    memset(cfg, 0, sizeof *cfg);
}
