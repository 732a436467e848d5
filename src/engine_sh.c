/* The sh engine: a bash script run in the chunk's sandbox like any
 * program (strace -f, perf stat, time, /proc), with verified output. */
#include "engines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "run.h"

extern char **environ;

/* Sourced by the script's first line: lb_value and lb_claim write the
 * records of published.h to $LITBOOK_RESULTS, one printf (one write) a
 * record, as litbook.h's do. Escaped as published.h says: backslash,
 * newline, CR and tab; other control bytes are refused by the parser (the
 * chunk then fails with the reason). A claim holds when its command
 * succeeds. */
static const char PRELUDE[] =
    "# litbook's helpers for sh chunks\n"
    "lb__esc() { local s=$1; s=${s//\\\\/\\\\\\\\}; s=${s//$'\\n'/\\\\n}; "
    "s=${s//$'\\r'/\\\\r}; s=${s//$'\\t'/\\\\t}; printf '%s' \"$s\"; }\n"
    "lb_value() { printf 'value %s %s\\n' \"$(lb__esc \"$1\")\" \"$(lb__esc \"$2\")\" "
    ">>\"$LITBOOK_RESULTS\"; }\n"
    "lb_claim() { local t=$1 l=${BASH_LINENO[0]} r=failed; shift; if \"$@\"; then r=held; fi; "
    "printf 'claim %s %s %s\\n' $r \"$l\" \"$(lb__esc \"$t\")\" >>\"$LITBOOK_RESULTS\"; }\n";

static void *sh_setup(lb_ctx *ctx, lb_strv *tools)
{
    (void)ctx;
    return lb_tool_state_new("bash", tools);
}

static void sh_key(const lb_engine_env *env, lb_engine_job *j, lb_hash *h)
{
    const lb_tool_state *st = j->state;
    (void)env;
    lb_hash_str(h, st->id);
    lb_hash_str(h, PRELUDE);
    lb_engine_key_program(j, h);
}

/* The inherited environment less what would make bash read a file of the
 * user's before the script ($BASH_ENV, $ENV). */
static void sh_env(lb_strv *env)
{
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "BASH_ENV=", 9) != 0 && strncmp(*e, "ENV=", 4) != 0)
            lb_strv_push(env, *e);
}

/* bash names the script and its line ("prog.sh: line 7: x: command not
 * found"); the reader wants the chapter's "chapters/x.md:7: x: ...". The
 * script was padded so that its line numbers are the chapter's, but for
 * the lines a <<reference>> brought in, which go through the assembler's
 * map. */
static char *chapter_lines(const char *text, const lb_engine_job *j)
{
    const char *chapter = j->ch->path;
    static const char tag[] = "prog.sh: line ";
    lb_buf b = LB_BUF_INIT;
    const char *p = text, *q;
    while ((q = strstr(p, tag)) != NULL) {
        const char *num = q + strlen(tag);
        size_t digits = strspn(num, "0123456789");
        lb_buf_append(&b, p, (size_t)(q - p));
        if (digits && digits < 9 && num[digits] == ':') {
            lb_buf_printf(&b, "%s:%d", chapter,
                          lb_program_line(j->src_lines, j->src_nlines, j->c->code_line, atoi(num)));
            p = num + digits;
        } else {
            lb_buf_puts(&b, tag);
            p = num;
        }
    }
    lb_buf_puts(&b, p);
    return lb_buf_detach(&b);
}

static void run_script(const lb_ctx *ctx, const lb_engine_job *j, const char *dir)
{
    const lb_chapter *ch = j->ch;
    lb_chunk *c = j->c;
    lb_strv env = {0};
    sh_env(&env);
    lb_strv ro = {0};
    lb_chunk_ro(ctx, ch, &ro);
    static const char *const command[] = {"bash", "prog.sh", NULL};
    lb_run_spec spec = {command, env.v, dir, ctx->cancel, ctx->sandbox, &ro};
    lb_spawn_result r = {0};
    if (lb_run_once(&spec, c, &r) != 0) {
        lb_buf m = LB_BUF_INIT;
        lb_buf_printf(&m, "cannot run bash: %s (apt-get install bash)", strerror(r.exec_errno));
        lb_run_fail(c, m.ptr, NULL);
        lb_buf_free(&m);
    } else {
        lb_run_keep(&spec, c, &r);
        if (c->res.err) {
            char *err = chapter_lines(c->res.err, j);
            free(c->res.err);
            c->res.err = err;
            c->res.err_len = strlen(err);
        }
    }
    lb_spawn_result_free(&r);
    lb_run_repeats(&spec, c);
    lb_strv_free(&env);
    lb_strv_free(&ro);
}

/* One argument as a reader would type it to a shell: quoted when it
 * holds anything but letters, digits and -_./=:,+ (a quote as '\''). */
static void put_arg(lb_buf *b, const char *a)
{
    size_t plain =
        strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+");
    lb_buf_putc(b, ' ');
    if (*a && !a[plain]) {
        lb_buf_puts(b, a);
        return;
    }
    lb_buf_putc(b, '\'');
    for (; *a; a++) {
        if (*a == '\'')
            lb_buf_puts(b, "'\\'");
        lb_buf_putc(b, *a);
    }
    lb_buf_putc(b, '\'');
}

static void sh_run(const lb_engine_env *env, lb_engine_job *j, lb_strv *deps)
{
    const lb_ctx *ctx = env->ctx;
    lb_chunk *c = j->c;
    (void)deps;
    lb_result_free(&c->res);
    lb_buf cmd = LB_BUF_INIT;
    lb_buf_puts(&cmd, "bash prog.sh");
    for (size_t i = 0; i < c->opts.args.n; i++)
        put_arg(&cmd, c->opts.args.v[i]);
    c->res.command = lb_buf_detach(&cmd);
    char *dir = lb_chunk_workdir(ctx, c);
    if (!dir)
        return;
    /* The helpers on line 1, then blank lines: bash's line numbers are
     * the chapter's. */
    lb_buf prog = LB_BUF_INIT, path = LB_BUF_INIT, lib = LB_BUF_INIT;
    lb_buf_printf(&lib, "%s/litbook.sh", dir);
    lb_buf_puts(&prog, ". ./litbook.sh\n"); /* it starts in dir */
    for (int i = 2; i < c->code_line; i++)
        lb_buf_putc(&prog, '\n');
    lb_buf_puts(&prog, j->src);
    lb_buf_printf(&path, "%s/prog.sh", dir);
    if (lb_write_file_atomic(path.ptr, prog.ptr, prog.len) < 0 ||
        lb_write_file_atomic(lib.ptr, PRELUDE, strlen(PRELUDE)) < 0)
        lb_run_fail(c, "cannot write the script", strerror(errno));
    else
        run_script(ctx, j, dir);
    lb_buf_free(&prog);
    lb_buf_free(&path);
    lb_buf_free(&lib);
    lb_remove_tree(dir);
    free(dir);
}

static const char *const sh_options[] = {"eval",   "output", "args",      "stdin",    "timeout",
                                         "exit",   "cpu",    "memory",    "filesize", "procs",
                                         "maxout", "repeat", "exclusive", "fails",    NULL};

const lb_engine_def lb_engine_sh_def = {
    .name = "sh",
    .label = "sh",
    .flags = LB_ENG_ASSEMBLE,
    .options = sh_options,
    .value_call = "lb_value %s TEXT",
    .setup = sh_setup,
    .free_state = lb_tool_state_free,
    .prepare = lb_tool_state_prepare,
    .key = sh_key,
    .run = sh_run,
};
