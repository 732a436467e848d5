#include "run.h"

#include <stdlib.h>
#include <string.h>

#include "published.h"
#include "sandbox.h"

extern char **environ;

/* envp (NULL: ours) without a $LITBOOK_RESULTS inherited from a build
 * that runs this one, plus the chunk's own. */
static void results_env(const lb_run_spec *s, lb_strv *env)
{
    static const char var[] = LB_RESULTS_ENV "=";
    for (char *const *e = s->envp ? s->envp : environ; *e; e++)
        if (strncmp(*e, var, sizeof var - 1) != 0)
            lb_strv_push(env, *e);
    lb_buf b = LB_BUF_INIT;
    lb_buf_printf(&b, "%s%s/%s", var, s->dir, LB_RESULTS_FILE);
    lb_strv_push(env, b.ptr);
    lb_buf_free(&b);
}

int lb_run_once(const lb_run_spec *s, const lb_chunk *c, lb_spawn_result *r)
{
    lb_strv argv = {0};
    for (size_t i = 0; s->command[i]; i++)
        lb_strv_push(&argv, s->command[i]);
    for (size_t i = 0; i < c->opts.args.n; i++)
        lb_strv_push(&argv, c->opts.args.v[i]);
    lb_strv env = {0};
    results_env(s, &env);
    lb_spawn_req req = {0};
    req.argv = argv.v;
    req.envp = env.v;
    req.cwd = s->dir;
    lb_sandbox_apply(&c->opts, &req);
    lb_sandbox_place(s->sandbox, s->dir, s->ro, c->opts.memory, &req);
    req.cancel = s->cancel;
    if (c->opts.stdin_text) {
        req.stdin_data = c->opts.stdin_text;
        req.stdin_len = strlen(c->opts.stdin_text);
    }
    int rc = lb_spawn_run(&req, r);
    lb_strv_free(&argv);
    lb_strv_free(&env);
    return rc;
}

static lb_run_stat stat_of(const lb_spawn_result *r)
{
    lb_run_stat s = {r->wall_s, r->user_s + r->sys_s, r->maxrss_kb};
    return s;
}

/* "killed by signal 24 (CPU time limit exceeded): it reached its CPU time
 * limit of 1 s (raise it with cpu=)": the limit that explains an end, when
 * one does. */
static char *describe_end(const lb_chunk *c, const lb_spawn_result *r)
{
    lb_buf m = LB_BUF_INIT;
    lb_spawn_describe(r, c->opts.timeout, &m);
    size_t before = m.len;
    lb_buf_puts(&m, ": ");
    lb_sandbox_explain(&c->opts, r, &m);
    if (m.len == before + 2) {
        m.len = before;
        m.ptr[before] = '\0';
    }
    return lb_buf_detach(&m);
}

void lb_run_keep(const lb_run_spec *s, lb_chunk *c, lb_spawn_result *r)
{
    lb_result *res = &c->res;
    res->ran = 1;
    res->out_len = r->out.len;
    res->out = lb_buf_detach(&r->out);
    res->out_dropped = r->out_dropped;
    res->err_len = r->err.len;
    res->err = lb_buf_detach(&r->err);
    res->err_dropped = r->err_dropped;
    res->exit_code = r->exited ? r->exit_code : -1;
    res->end = r->timed_out ? LB_END_TIMEOUT : r->signaled ? LB_END_SIGNAL : LB_END_NONE;
    res->signo = r->signaled ? r->signo : 0;
    res->first = stat_of(r);
    char why[700];
    int published = lb_pub_collect(s->dir, res, why, sizeof why);
    if (r->exited && published < 0) {
        lb_run_fail(c, why, NULL);
    } else if (r->exited) {
        res->status = LB_RES_OK;
    } else {
        res->status = LB_RES_FAILED;
        free(res->failure);
        res->failure = describe_end(c, r);
    }
}

void lb_run_repeats(const lb_run_spec *s, lb_chunk *c)
{
    if (c->res.status != LB_RES_OK || c->opts.repeat <= 0)
        return;
    c->res.runs = lb_xcalloc((size_t)c->opts.repeat, sizeof *c->res.runs);
    for (int i = 0; i < c->opts.repeat && !(s->cancel && *s->cancel); i++) {
        lb_spawn_result rr = {0};
        if (lb_run_once(s, c, &rr) == 0 && rr.exited)
            c->res.runs[c->res.nruns++] = stat_of(&rr);
        lb_spawn_result_free(&rr);
    }
}

void lb_run_fail(lb_chunk *c, const char *failure, const char *detail)
{
    c->res.status = LB_RES_FAILED;
    free(c->res.failure);
    c->res.failure = lb_xstrdup(failure);
    if (detail) {
        free(c->res.detail);
        c->res.detail = lb_xstrdup(detail);
    }
}
