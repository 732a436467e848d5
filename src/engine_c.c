/* The c engine: compile the assembled program, run it, check it. */
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fails.h"
#include "fsutil.h"
#include "match.h"
#include "published.h"
#include "run.h"
#include "sandbox.h"
#include "spawn.h"

extern char **environ;

char *lb_make_workdir(const lb_ctx *ctx)
{
    if (lb_mkdirs(ctx->tmp_root) < 0)
        return NULL;
    lb_buf b = LB_BUF_INIT;
    lb_buf_printf(&b, "%s/chunk-XXXXXX", ctx->tmp_root);
    if (!mkdtemp(b.ptr)) {
        int e = errno;
        lb_buf_free(&b);
        errno = e;
        return NULL;
    }
    return lb_buf_detach(&b);
}

char *lb_chunk_workdir(const lb_ctx *ctx, lb_chunk *c)
{
    int fatal = 0;
    if (ctx->sandbox && !lb_sandbox_get(ctx->sandbox, ctx->tmp_root, &fatal) && fatal) {
        lb_buf m = LB_BUF_INIT;
        lb_buf_printf(&m, "not run: chunks must be sandboxed (--sandbox=strict), and %s",
                      ctx->sandbox->why);
        lb_run_fail(c, m.ptr, NULL);
        lb_buf_free(&m);
        return NULL;
    }
    char *dir = lb_make_workdir(ctx);
    if (dir && ctx->sandbox && lb_sandbox_own(ctx->sandbox, dir) < 0) {
        lb_remove_tree(dir);
        free(dir);
        dir = NULL;
    }
    if (!dir) {
        lb_buf m = LB_BUF_INIT;
        lb_buf_printf(&m, "cannot make a working directory under %s: %s", ctx->tmp_root,
                      strerror(errno));
        lb_run_fail(c, m.ptr, NULL);
        lb_buf_free(&m);
    }
    return dir;
}

void lb_chunk_ro(const lb_ctx *ctx, const lb_chapter *ch, lb_strv *ro)
{
    lb_strv_push(ro, ctx->include_dir);
    if (ch->dir && ch->dir[0] == '/')
        lb_strv_push(ro, ch->dir);
}

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

void lb_c_compile_argv(const lb_ctx *ctx, const lb_chapter *ch, const lb_chunk *c, lb_strv *argv)
{
    for (size_t i = 0; i < ctx->cc.n; i++)
        lb_strv_push(argv, ctx->cc.v[i]);
    static const char *const defaults[] = {"-std=c11", "-O2", "-Wall", "-Wextra", NULL};
    for (size_t i = 0; defaults[i]; i++)
        lb_strv_push(argv, defaults[i]);
    for (size_t i = 0; i < ctx->env_cflags.n; i++)
        lb_strv_push(argv, ctx->env_cflags.v[i]);
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

static int compile(const lb_ctx *ctx, const lb_chapter *ch, lb_chunk *c, const char *dir,
                   const lb_strv *ro, lb_strv *deps)
{
    lb_strv argv = {0};
    lb_c_compile_argv(ctx, ch, c, &argv);
    static const char *const tail[] = {
        "-fdiagnostics-color=never", "-MD", "-MF", "prog.d", "-o", "prog", "prog.c", NULL};
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
        lb_buf_printf(&m, "cannot run the compiler '%s': %s (set CC to a C compiler)", argv.v[0],
                      strerror(r.exec_errno));
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
            read_deps(dpath.ptr, "prog.c", deps);
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

/* A claim that did not hold fails the chunk: one line for the summary,
 * and every failed claim with its chapter line in the details. Texts are
 * escaped: program output never reaches the terminal raw. */
static int check_claims(lb_chunk *c)
{
    lb_result *res = &c->res;
    size_t failed = 0;
    lb_buf m = LB_BUF_INIT, detail = LB_BUF_INIT;
    for (size_t i = 0; i < res->nclaims; i++) {
        const lb_pub_claim *cl = &res->claims[i];
        if (cl->held)
            continue;
        if (failed++ == 0) {
            lb_buf_puts(&m, "claim failed: ");
            lb_pub_escape(cl->text, strlen(cl->text), 0, &m);
        }
        lb_buf_printf(&detail, "line %d: claim failed: ", cl->line);
        lb_pub_escape(cl->text, strlen(cl->text), 0, &detail);
        lb_buf_putc(&detail, '\n');
    }
    if (failed > 1)
        lb_buf_printf(&m, " (and %zu more)", failed - 1);
    if (failed) {
        lb_run_fail(c, m.ptr, detail.ptr);
        res->claim_failed = 1;
    }
    lb_buf_free(&m);
    lb_buf_free(&detail);
    return failed ? -1 : 0;
}

void lb_check_result(lb_chunk *c)
{
    lb_result *res = &c->res;
    int expected_failure = lb_fails_judge(c);
    if (expected_failure < 0 || res->status != LB_RES_OK || !res->ran)
        return;
    if (!expected_failure && !c->opts.exit_any && res->exit_code != c->opts.exit_code &&
        res->exit_code >= 0) {
        lb_buf m = LB_BUF_INIT;
        /* An uncaught Python exception is a crash, not a status the
         * author chose: exit=N would not help, the traceback does. */
        int raised = c->opts.engine == LB_ENGINE_PYTHON && res->exit_code == 1 && res->err &&
                     strstr(res->err, "Traceback (most recent call last):");
        if (raised)
            lb_buf_puts(&m, "raised an uncaught exception (exit status 1)");
        else
            lb_buf_printf(&m, "exited with status %d, expected %d", res->exit_code,
                          c->opts.exit_code);
        if (c->opts.exit_code == 0 && !raised)
            lb_buf_puts(&m, " (add exit=N or exit=any to the chunk if that is intended)");
        free(res->failure);
        res->failure = lb_buf_detach(&m);
        res->status = LB_RES_FAILED;
        return;
    }
    if (c->expected &&
        !lb_match(c->expected, strlen(c->expected), res->out ? res->out : "", res->out_len)) {
        lb_buf diff = LB_BUF_INIT;
        lb_match_diff(c->expected, strlen(c->expected), res->out ? res->out : "", res->out_len,
                      "expected", "actual", &diff);
        /* An expected block of what went to stderr is a common slip: say
         * which stream is compared. */
        if (res->err_len && lb_match(c->expected, strlen(c->expected), res->err, res->err_len))
            lb_buf_puts(&diff, "note: the expected block is what the program wrote to stderr; "
                               "only stdout is compared (print to stdout, or drop the block)\n");
        else if (res->err_len && res->out_len == 0)
            lb_buf_puts(&diff, "note: the program wrote to stderr only; only stdout is compared "
                               "with the expected block\n");
        lb_run_fail(c, "output differs from the expected block", diff.ptr);
        res->mismatch = 1;
        lb_buf_free(&diff);
        return;
    }
    if (check_claims(c) < 0)
        return;
    res->verified = c->expected != NULL;
    res->status = LB_RES_OK;
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

void lb_engine_c(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const char *src, lb_strv *deps)
{
    lb_result_free(&c->res);
    char *dir = lb_chunk_workdir(ctx, c);
    if (!dir)
        return;
    lb_strv ro = {0};
    lb_chunk_ro(ctx, ch, &ro);
    lb_buf path = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/prog.c", dir);
    if (lb_write_file_atomic(path.ptr, src, strlen(src)) < 0) {
        lb_run_fail(c, "cannot write the program's source", strerror(errno));
    } else if (compile(ctx, ch, c, dir, &ro, deps) == 0) {
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
