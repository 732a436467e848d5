#include "sandbox.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

void lb_sandbox_apply(const lb_opts *o, lb_spawn_req *req)
{
    req->timeout_s = o->timeout;
    req->rlimit_cpu_s = o->cpu;
    /* ASan and TSan reserve terabytes of shadow they never touch: only
     * the cgroup's limit of what is used can hold them. */
    req->rlimit_as_bytes =
        (o->sanitize & (LB_SAN_ADDRESS | LB_SAN_THREAD)) ? 0 : (unsigned long)o->memory;
    req->rlimit_fsize_bytes = (unsigned long)o->filesize;
    req->max_procs = o->procs;
    req->max_memory = o->memory;
    req->max_output = (size_t)o->maxout;
    req->contain = 1;
}

void lb_sandbox_key(const lb_opts *o, char *buf, size_t n)
{
    snprintf(buf, n, "cpu=%lu memory=%llu filesize=%llu procs=%lu maxout=%llu", o->cpu, o->memory,
             o->filesize, o->procs, o->maxout);
}

static void human_size(unsigned long long v, lb_buf *out)
{
    static const char units[] = "KMGT";
    int u = -1;
    while (v >= 1024 && v % 1024 == 0 && u < 3) {
        v /= 1024;
        u++;
    }
    lb_buf_printf(out, "%llu%s", v, u >= 0 ? (char[]){units[u], 0} : " bytes");
}

void lb_sandbox_explain(const lb_opts *o, const lb_spawn_result *r, lb_buf *out)
{
    if (r->signaled && (r->signo == SIGXCPU || (r->signo == SIGKILL && o->cpu &&
                                                r->user_s + r->sys_s >= (double)o->cpu))) {
        lb_buf_printf(out, "it reached its CPU time limit of %lu s (raise it with cpu=)", o->cpu);
    } else if (r->oom_killed) {
        lb_buf_puts(out, "it reached its memory limit of ");
        human_size(o->memory, out);
        lb_buf_puts(out, ", which holds for all its processes together (raise it with memory=)");
    } else if (r->signaled && r->signo == SIGXFSZ) {
        lb_buf_puts(out, "it wrote a file larger than its limit of ");
        human_size(o->filesize, out);
        lb_buf_puts(out, " (raise it with filesize=)");
    }
}

/* --- the build's sandbox ----------------------------------------------- */

int lb_sandbox_init(lb_sandbox *s, lb_sandbox_mode mode, const char *out_dir, const char *book_dir,
                    const char *const *tools)
{
    memset(s, 0, sizeof *s);
    s->mode = mode;
    s->as_uid = -1;
    pthread_mutex_init(&s->lock, NULL);
    if (mode == LB_SANDBOX_OFF) {
        s->state = -1;
        snprintf(s->why, sizeof s->why, "--sandbox=off");
        return 0;
    }
    if (lb_bwrap_cfg_init(&s->cfg, out_dir, book_dir, tools, s->why, sizeof s->why) < 0) {
        s->state = -1;
        if (mode == LB_SANDBOX_STRICT)
            return -1;
        fprintf(stderr,
                "litbook: warning: chunks are not sandboxed: %s (--sandbox=strict makes this "
                "an error)\n",
                s->why);
        return 0;
    }
    s->configured = 1;
    lb_buf m = LB_BUF_INIT;
    lb_buf_printf(&m, "%s/.cache/sandbox-trial", out_dir);
    s->memo = lb_buf_detach(&m);
    s->cfg.trust_memo = s->memo;
    if (s->cfg.as_root)
        s->as_uid = LB_SANDBOX_UID;
    return 0;
}

void lb_sandbox_free(lb_sandbox *s)
{
    if (s->configured)
        lb_bwrap_cfg_free(&s->cfg);
    free(s->memo);
    pthread_mutex_destroy(&s->lock);
    memset(s, 0, sizeof *s);
}

void lb_sandbox_place(const lb_sandbox *s, const char *dir, const lb_strv *ro,
                      unsigned long long tmp_max, lb_spawn_req *req)
{
    if (!s || s->state <= 0)
        return;
    req->box = &s->cfg;
    req->box_scratch = dir;
    req->box_ro = ro;
    req->box_tmp_max = tmp_max;
}

int lb_sandbox_own(const lb_sandbox *s, const char *dir)
{
    if (s->as_uid < 0 || s->state < 0)
        return 0;
    /* 0755: litbook, as root without CAP_DAC_OVERRIDE inside bwrap, must
     * still enter it to start the runner there. */
    if (chown(dir, (uid_t)s->as_uid, (gid_t)LB_SANDBOX_GID) < 0 || chmod(dir, 0755) < 0)
        return -1;
    return 0;
}

/* One run of /bin/true in the sandbox: the whole path (bwrap's mounts and
 * namespaces, the runner's uid change, its report) either works or says
 * why not on stderr. */
static void try_sandbox(lb_sandbox *s, const char *tmp_root)
{
    lb_buf dir = LB_BUF_INIT;
    lb_buf_printf(&dir, "%s/trial-XXXXXX", tmp_root);
    if (lb_mkdirs(tmp_root) < 0 || !mkdtemp(dir.ptr)) {
        snprintf(s->why, sizeof s->why, "cannot make a folder under %s: %s", tmp_root,
                 strerror(errno));
        s->state = -1;
        lb_buf_free(&dir);
        return;
    }
    char *argv[] = {"/bin/true", NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.timeout_s = 30;
    req.box = &s->cfg;
    req.box_scratch = dir.ptr;
    lb_spawn_result r = {0};
    int rc = lb_sandbox_own(s, dir.ptr) < 0 ? -2 : lb_spawn_run(&req, &r);
    lb_spawn_end_session();
    if (rc == 0 && r.exited && r.exit_code == 0) {
        s->state = 1;
    } else {
        s->state = -1;
        lb_buf m = LB_BUF_INIT;
        if (rc == -2)
            lb_buf_printf(&m, "cannot hand %s to uid %d: %s", dir.ptr, s->as_uid, strerror(errno));
        else
            lb_spawn_describe(&r, req.timeout_s, &m);
        const char *err = lb_buf_str(&r.err);
        size_t n = strcspn(err, "\n");
        snprintf(s->why, sizeof s->why, "bubblewrap does not work here: %s%s%.*s", m.ptr,
                 n ? ": " : "", (int)(n > 300 ? 300 : n), err);
        lb_buf_free(&m);
    }
    lb_spawn_result_free(&r);
    lb_remove_tree(dir.ptr);
    lb_buf_free(&dir);
}

/* What a trial's verdict depends on, one line each (see lb_sandbox_get). */
static void trial_key(const lb_sandbox *s, lb_buf *k)
{
    const char *files[] = {s->cfg.bwrap, s->cfg.runner};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        struct stat st;
        lb_buf_printf(k, "%s ", files[i]);
        if (stat(files[i], &st) == 0)
            lb_file_stamp(&st, k);
        else
            lb_buf_puts(k, "missing");
        lb_buf_putc(k, '\n');
    }
    const char *settings[] = {"/proc/sys/kernel/random/boot_id",
                              "/proc/sys/user/max_user_namespaces",
                              "/proc/sys/kernel/unprivileged_userns_clone",
                              "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"};
    lb_buf v = LB_BUF_INIT;
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        lb_buf_reset(&v);
        int got = lb_read_file(settings[i], &v) == 0;
        lb_buf_printf(k, "%s %.*s\n", settings[i], got ? (int)strcspn(v.ptr, "\n") : 1,
                      got ? v.ptr : "-");
    }
    lb_buf_free(&v);
    lb_buf_printf(k, "uid %ld\n", (long)getuid());
    lb_strv argv = {0};
    lb_bwrap_run br = {"/scratch", NULL, 3};
    lb_bwrap_argv(&s->cfg, &br, &argv);
    for (size_t i = 0; i < argv.n; i++)
        lb_buf_printf(k, "%s%s", i ? " " : "argv ", argv.v[i]);
    lb_buf_puts(k, "\n");
    lb_strv_free(&argv);
}

/* Whether the memo says a trial with this key worked. */
static int trusted(const lb_sandbox *s, const lb_buf *key)
{
    lb_buf m = LB_BUF_INIT;
    int same = lb_read_file(s->memo, &m) == 0 && m.len == key->len &&
               memcmp(m.ptr, key->ptr, key->len) == 0;
    lb_buf_free(&m);
    return same;
}

const lb_bwrap_cfg *lb_sandbox_get(lb_sandbox *s, const char *tmp_root, int *fatal)
{
    *fatal = 0;
    pthread_mutex_lock(&s->lock);
    lb_buf key = LB_BUF_INIT;
    if (s->configured && s->state == 0)
        trial_key(s, &key);
    if (s->configured && s->state == 0 && trusted(s, &key))
        s->state = 1;
    if (s->configured && s->state == 0) {
        try_sandbox(s, tmp_root);
        if (s->state > 0)
            lb_write_file_atomic(s->memo, key.ptr, key.len); /* none: the next build tries */
        if (s->state < 0 && s->mode == LB_SANDBOX_AUTO)
            fprintf(stderr,
                    "litbook: warning: chunks are not sandboxed: %s (--sandbox=strict makes "
                    "this an error)\n",
                    s->why);
    }
    lb_buf_free(&key);
    int state = s->state;
    pthread_mutex_unlock(&s->lock);
    if (state > 0)
        return &s->cfg;
    *fatal = s->mode == LB_SANDBOX_STRICT;
    return NULL;
}
