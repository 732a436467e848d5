/* What every engine shares: a chunk's scratch folder, what its sandbox
 * shows, how a result that ran is judged, and the state of an engine that
 * runs one tool. */
#include "engines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "fails.h"
#include "fsutil.h"
#include "match.h"
#include "matchmemo.h"
#include "published.h"
#include "run.h"
#include "sandbox.h"

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

int lb_program_line(const int *map, size_t n, int code_line, int line)
{
    long i = (long)line - code_line; /* index into the source's lines */
    return map && i >= 0 && (size_t)i < n && map[i] > 0 ? map[i] : line;
}

void lb_chunk_ro(const lb_ctx *ctx, const lb_chapter *ch, lb_strv *ro)
{
    lb_strv_push(ro, ctx->include_dir);
    if (ch->dir && ch->dir[0] == '/')
        lb_strv_push(ro, ch->dir);
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

void lb_check_result(lb_chunk *c, const char *cache_dir)
{
    lb_result *res = &c->res;
    int expected_failure = lb_fails_judge(c);
    if (expected_failure < 0 || res->status != LB_RES_OK || !res->ran)
        return;
    if (!expected_failure && !c->opts.exit_any && res->exit_code != c->opts.exit_code &&
        res->exit_code >= 0) {
        lb_buf m = LB_BUF_INIT;
        /* An uncaught exception is a crash, not a status the author
         * chose: exit=N would not help, the traceback does. */
        const char *uncaught = c->opts.engine ? c->opts.engine->uncaught : NULL;
        int raised = uncaught && res->exit_code == 1 && res->err && strstr(res->err, uncaught);
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
    if (c->expected && !lb_match_memo(cache_dir, c->expected, strlen(c->expected),
                                      res->out ? res->out : "", res->out_len)) {
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

void *lb_tool_state_new(const char *tool, lb_strv *tools)
{
    lb_strv_push(tools, tool);
    lb_tool_state *st = lb_xcalloc(1, sizeof *st);
    st->tool = tool;
    return st;
}

void lb_tool_state_free(void *state)
{
    lb_tool_state *st = state;
    if (st)
        free(st->id);
    free(st);
}

void lb_tool_state_prepare(void *state, const lb_engine_env *env, lb_engine_job *jobs, size_t n)
{
    lb_tool_state *st = state;
    (void)jobs;
    if (!n)
        return;
    st->id = lb_tool_identity(env->cache_dir, st->tool);
    if (!st->id) /* a missing tool shows when a chunk runs it */
        st->id = lb_xstrdup(st->tool);
}
