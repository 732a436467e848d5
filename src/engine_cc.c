/* The compiled languages (engine_cc.h): compile the assembled program,
 * run it. */
#include "engine_cc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "fails.h"
#include "fsutil.h"
#include "match.h"
#include "published.h"
#include "run.h"
#include "sandbox.h"
#include "spawn.h"

extern char **environ;

/* Runs a short helper command (pkg-config) and returns its stdout, or NULL
 * when it failed. Caller frees. */
static char *capture(char *const argv[])
{
    lb_spawn_req req = {0};
    req.argv = argv;
    req.timeout_s = 10;
    lb_spawn_result res = {0};
    char *out = NULL;
    if (lb_spawn_run(&req, &res) == 0 && res.exited && res.exit_code == 0)
        out = lb_xstrdup(lb_buf_str(&res.out));
    lb_spawn_result_free(&res);
    return out;
}

static void add_words(lb_strv *argv, const char *text)
{
    lb_strv w = {0};
    char err[128];
    size_t off;
    if (lb_split_words(text, &w, err, sizeof err, &off) == 0)
        for (size_t i = 0; i < w.n; i++)
            lb_strv_push(argv, w.v[i]);
    lb_strv_free(&w);
}

static void add_lib(lb_strv *argv, const char *lib)
{
    char *pc[] = {"pkg-config", "--cflags", "--libs", (char *)lib, NULL};
    /* pkg-config runs outside the sandbox: give it only plain names, never
     * an option. */
    char *flags = strchr(lib, '/') || lib[0] == '-' ? NULL : capture(pc);
    if (flags) {
        add_words(argv, flags);
        free(flags);
        return;
    }
    lb_buf b = LB_BUF_INIT;
    lb_buf_printf(&b, "-l%s", lib);
    lb_strv_push(argv, b.ptr);
    lb_buf_free(&b);
}

typedef struct {
    const lb_cc_lang *lang;
    lb_strv cc;         /* $CC split into words ("cc" by default) */
    lb_strv env_cflags; /* $CFLAGS split */
    char *id;           /* lb_tool_identity of the compiler, for keys */
} cc_state;

const char *const lb_cc_options[] = {
    "eval",   "output",   "args",  "stdin",  "cflags", "libs",      "timeout",  "exit",  "cpu",
    "memory", "filesize", "procs", "maxout", "repeat", "exclusive", "sanitize", "fails", NULL};

static void split_env(const char *name, lb_strv *out)
{
    const char *v = getenv(name);
    char err[128];
    size_t off;
    if (!v || lb_split_words(v, out, err, sizeof err, &off) < 0)
        lb_strv_free(out);
}

void *lb_cc_setup(const lb_cc_lang *lang, lb_ctx *ctx, lb_strv *tools)
{
    (void)ctx;
    cc_state *st = lb_xcalloc(1, sizeof *st);
    st->lang = lang;
    split_env(lang->cc_env, &st->cc);
    if (st->cc.n == 0) {
        lb_strv_free(&st->cc);
        lb_strv_push(&st->cc, lang->cc_default);
    }
    split_env(lang->flags_env, &st->env_cflags);
    lb_strv_push(tools, st->cc.v[0]);
    return st;
}

void lb_cc_free(void *state)
{
    cc_state *st = state;
    if (!st)
        return;
    lb_strv_free(&st->cc);
    lb_strv_free(&st->env_cflags);
    free(st->id);
    free(st);
}

void lb_cc_prepare(void *state, const lb_engine_env *env, lb_engine_job *jobs, size_t n)
{
    cc_state *st = state;
    (void)jobs;
    if (!n)
        return;
    st->id = lb_tool_identity(env->cache_dir, st->cc.v[0]);
    if (!st->id)
        st->id = lb_xstrdup(st->cc.v[0]); /* the failure shows at compile time */
}

/* The compiler command line (everything but the -o, source and library
 * arguments), for the page's caption and the cache key. Appends words to
 * argv. The chapter's own folder is on the include path, so a chapter can
 * #include "a header beside it.h". */
static void compile_argv(const cc_state *st, const lb_ctx *ctx, const lb_chapter *ch,
                         const lb_chunk *c, lb_strv *argv)
{
    for (size_t i = 0; i < st->cc.n; i++)
        lb_strv_push(argv, st->cc.v[i]);
    for (size_t i = 0; st->lang->default_flags[i]; i++)
        lb_strv_push(argv, st->lang->default_flags[i]);
    for (size_t i = 0; i < st->env_cflags.n; i++)
        lb_strv_push(argv, st->env_cflags.v[i]);
    for (size_t i = 0; i < c->opts.cflags.n; i++)
        lb_strv_push(argv, c->opts.cflags.v[i]);
    if (c->opts.sanitize) {
        lb_buf s = LB_BUF_INIT;
        lb_buf_puts(&s, "-fsanitize=");
        if (c->opts.sanitize & LB_SAN_ADDRESS)
            lb_buf_puts(&s, "address");
        if (c->opts.sanitize & LB_SAN_UNDEFINED)
            lb_buf_puts(&s, c->opts.sanitize & LB_SAN_ADDRESS ? ",undefined" : "undefined");
        if (c->opts.sanitize & LB_SAN_THREAD)
            lb_buf_puts(&s, c->opts.sanitize & LB_SAN_UNDEFINED ? ",thread" : "thread");
        lb_strv_push(argv, s.ptr);
        lb_buf_free(&s);
        lb_strv_push(argv, "-fno-sanitize-recover=all");
        lb_strv_push(argv, "-fno-omit-frame-pointer");
        lb_strv_push(argv, "-g");
    }
    lb_buf inc = LB_BUF_INIT;
    lb_buf_printf(&inc, "-I%s", ctx->include_dir);
    lb_strv_push(argv, inc.ptr);
    lb_buf_reset(&inc);
    if (ch->dir) {
        lb_buf_printf(&inc, "-I%s", ch->dir);
        lb_strv_push(argv, inc.ptr);
    }
    lb_buf_free(&inc);
}

/* Words of a make-style dependency file ("prog: a.c b.h \\\n c.h") after
 * the target, the program source itself left out. */
static void read_deps(const char *path, const char *self, lb_strv *deps)
{
    lb_buf b = LB_BUF_INIT;
    if (lb_read_file(path, &b) < 0)
        return;
    char *p = strchr(b.ptr, ':');
    if (p) {
        for (char *q = p + 1; *q; q++)
            if (*q == '\\' && q[1] == '\n')
                q[0] = q[1] = ' ';
        lb_strv w = {0};
        char err[64];
        size_t off;
        if (lb_split_words(p + 1, &w, err, sizeof err, &off) == 0)
            for (size_t i = 0; i < w.n; i++)
                if (strcmp(w.v[i], self) != 0)
                    lb_strv_push(deps, w.v[i]);
        lb_strv_free(&w);
    }
    lb_buf_free(&b);
}

static void join_words(const lb_strv *w, lb_buf *out)
{
    for (size_t i = 0; i < w->n; i++) {
        if (i)
            lb_buf_putc(out, ' ');
        int quote = strpbrk(w->v[i], " \t\"'") != NULL;
        if (quote)
            lb_buf_putc(out, '\'');
        lb_buf_puts(out, w->v[i]);
        if (quote)
            lb_buf_putc(out, '\'');
    }
}

/* The command as a reader should see it: the same compiler and flags, less
 * litbook's own plumbing (include paths into out/, dependency output),
 * which would make the page depend on where the book was built. */
static char *display_command(const lb_strv *argv)
{
    lb_strv shown = {0};
    for (size_t i = 0; i < argv->n; i++) {
        const char *w = argv->v[i];
        if (strncmp(w, "-I/", 3) == 0 || strcmp(w, "-fdiagnostics-color=never") == 0 ||
            strcmp(w, "-MD") == 0)
            continue;
        if (strcmp(w, "-MF") == 0) {
            i++;
            continue;
        }
        lb_strv_push(&shown, w);
    }
    lb_buf cmd = LB_BUF_INIT;
    join_words(&shown, &cmd);
    lb_strv_free(&shown);
    return lb_buf_detach(&cmd);
}

static int compile(const cc_state *st, const lb_ctx *ctx, const lb_chapter *ch, lb_chunk *c,
                   const char *dir, const lb_strv *ro, lb_strv *deps)
{
    lb_strv argv = {0};
    compile_argv(st, ctx, ch, c, &argv);
    const char *const tail[] = {
        "-fdiagnostics-color=never", "-MD", "-MF", "prog.d", "-o", "prog", st->lang->source, NULL};
    for (size_t i = 0; tail[i]; i++)
        lb_strv_push(&argv, tail[i]);
    for (size_t i = 0; i < c->opts.libs.n; i++)
        add_lib(&argv, c->opts.libs.v[i]);

    c->res.command = display_command(&argv);

    lb_spawn_req req = {0};
    req.argv = argv.v;
    req.cwd = dir;
    req.timeout_s = 120;
    req.cancel = ctx->cancel;
    /* The compiler is the chunk's too: cflags= can run anything through
     * -wrapper, -fplugin= or -B. It gets the chunk's memory and process
     * limits (a #include "/dev/zero" must not eat the machine). */
    req.contain = 1;
    req.max_procs = c->opts.procs;
    req.max_memory = c->opts.memory;
    req.rlimit_as_bytes = (unsigned long)c->opts.memory;
    req.rlimit_fsize_bytes = (unsigned long)c->opts.filesize;
    lb_sandbox_place(ctx->sandbox, dir, ro, c->opts.memory, &req);
    lb_spawn_result r = {0};
    int rc = lb_spawn_run(&req, &r);
    int ok = rc == 0 && r.exited && r.exit_code == 0;
    if (rc != 0) {
        lb_buf m = LB_BUF_INIT;
        lb_buf_printf(&m, "cannot run the compiler '%s': %s (set %s to %s)", argv.v[0],
                      strerror(r.exec_errno), st->lang->cc_env, st->lang->what);
        lb_run_fail(c, m.ptr, NULL);
        lb_buf_free(&m);
    } else if (!ok) {
        lb_buf m = LB_BUF_INIT;
        lb_spawn_describe(&r, req.timeout_s, &m);
        lb_buf full = LB_BUF_INIT;
        lb_buf_printf(&full, "compilation failed (%s)", m.ptr);
        lb_run_fail(c, full.ptr, lb_buf_str(&r.err));
        if (r.exited)
            c->res.end = LB_END_COMPILE;
        lb_buf_free(&full);
        lb_buf_free(&m);
    } else {
        if (r.err.len)
            c->res.compile_log = lb_xstrdup(r.err.ptr);
        if (deps) {
            lb_buf dpath = LB_BUF_INIT;
            lb_buf_printf(&dpath, "%s/prog.d", dir);
            read_deps(dpath.ptr, st->lang->source, deps);
            lb_buf_free(&dpath);
        }
    }
    lb_spawn_result_free(&r);
    lb_strv_free(&argv);
    return ok ? 0 : -1;
}

/* The environment of a program under sanitizers: reports must fail the
 * chunk, so make both runtimes exit non-zero and print where. */
static void sanitizer_env(lb_strv *env)
{
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "ASAN_OPTIONS=", 13) != 0 && strncmp(*e, "UBSAN_OPTIONS=", 14) != 0 &&
            strncmp(*e, "TSAN_OPTIONS=", 13) != 0)
            lb_strv_push(env, *e);
    lb_strv_push(env, "ASAN_OPTIONS=exitcode=86:detect_leaks=1:abort_on_error=0");
    lb_strv_push(env, "UBSAN_OPTIONS=exitcode=86:halt_on_error=1:print_stacktrace=1");
    /* The first race ends the run, as a first ASan report does. */
    lb_strv_push(env, "TSAN_OPTIONS=exitcode=86:halt_on_error=1");
}

static void run_program(const lb_ctx *ctx, lb_chunk *c, const char *dir, const lb_strv *ro)
{
    lb_strv env = {0};
    char *const *envp = NULL;
    if (c->opts.sanitize) {
        sanitizer_env(&env);
        envp = env.v;
    }
    static const char *const command[] = {"./prog", NULL};
    lb_run_spec spec = {command, envp, dir, ctx->cancel, ctx->sandbox, ro};
    lb_spawn_result r = {0};
    if (lb_run_once(&spec, c, &r) != 0) {
        lb_buf m = LB_BUF_INIT;
        lb_buf_printf(&m, "cannot run the program: %s", strerror(r.exec_errno));
        lb_run_fail(c, m.ptr, NULL);
        lb_buf_free(&m);
    } else {
        lb_run_keep(&spec, c, &r);
        if (c->res.status == LB_RES_OK && c->opts.sanitize && r.exit_code == 86) {
            lb_run_fail(c, "the sanitizer reported an error", c->res.err);
            c->res.end = LB_END_SANITIZER;
        }
    }
    lb_spawn_result_free(&r);
    lb_run_repeats(&spec, c);
    lb_strv_free(&env);
}

/* Everything a compiled chunk's result depends on that is known before
 * it runs; the headers it includes are checked by the cache entry. */
void lb_cc_key(const lb_engine_env *env, lb_engine_job *j, lb_hash *h)
{
    const cc_state *st = j->state;
    lb_hash_str(h, st->id);
    lb_strv argv = {0};
    compile_argv(st, env->ctx, j->ch, j->c, &argv);
    lb_engine_hash_strv(h, &argv);
    lb_strv_free(&argv);
    lb_engine_hash_strv(h, &j->c->opts.libs);
    char san[16];
    snprintf(san, sizeof san, "%u", j->c->opts.sanitize);
    lb_hash_str(h, san);
    lb_engine_key_program(j, h);
}

void lb_cc_run(const lb_engine_env *env, lb_engine_job *j, lb_strv *deps)
{
    const lb_ctx *ctx = env->ctx;
    const cc_state *st = j->state;
    lb_chapter *ch = j->ch;
    lb_chunk *c = j->c;
    lb_result_free(&c->res);
    char *dir = lb_chunk_workdir(ctx, c);
    if (!dir)
        return;
    lb_strv ro = {0};
    lb_chunk_ro(ctx, ch, &ro);
    lb_buf path = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/%s", dir, st->lang->source);
    if (lb_write_file_atomic(path.ptr, j->src, strlen(j->src)) < 0) {
        lb_run_fail(c, "cannot write the program's source", strerror(errno));
    } else if (compile(st, ctx, ch, c, dir, &ro, deps) == 0) {
        if (c->opts.eval == LB_EVAL_COMPILE || c->opts.fails.kind == LB_FAILS_COMPILE)
            c->res.status = LB_RES_OK;
        else
            run_program(ctx, c, dir, &ro);
    }
    lb_strv_free(&ro);
    lb_buf_free(&path);
    lb_remove_tree(dir);
    free(dir);
}
