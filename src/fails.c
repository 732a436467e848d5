#include "fails.h"

#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chapter.h"
#include "engines.h"
#include "suggest.h"

static const char *const WORDS[] = {"compile", "crash", "timeout", "sanitizer", "any", NULL};

static const char EXPECT[] = "expected compile, crash, a signal name such as SIGSEGV or "
                             "SIGABRT, timeout, sanitizer or any";

int lb_fails_signal_name(int signo, char *buf, size_t n)
{
    /* sigabbrev_np, not a table of our own: the C library knows this
     * machine's signals (thread-safe; NULL for a real-time one). */
    const char *abbrev = signo > 0 && signo < NSIG ? sigabbrev_np(signo) : NULL;
    if (!abbrev)
        return -1;
    snprintf(buf, n, "SIG%s", abbrev);
    return 0;
}

static int signal_by_name(const char *s)
{
    if (strncmp(s, "SIG", 3) != 0)
        return 0;
    for (int i = 1; i < NSIG; i++) {
        const char *abbrev = sigabbrev_np(i);
        if (abbrev && strcmp(abbrev, s + 3) == 0)
            return i;
    }
    return 0;
}

/* The word or signal name that value was probably meant to be: the same
 * letters in another case ("Crash", "sigsegv"), a signal without its SIG
 * ("SEGV"), or a near miss ("timout", "SIGSEV"). Copies it into hint. */
static int near_value(const char *value, char *hint, size_t n)
{
    char names[NSIG][16];
    const char *cands[NSIG + 8];
    size_t k = 0;
    for (size_t i = 0; WORDS[i]; i++)
        cands[k++] = WORDS[i];
    for (int i = 1; i < NSIG; i++)
        if (lb_fails_signal_name(i, names[i], sizeof names[i]) == 0)
            cands[k++] = names[i];
    cands[k] = NULL;
    const char *found = NULL;
    for (size_t i = 0; i < k && !found; i++)
        if (strcasecmp(cands[i], value) == 0)
            found = cands[i];
    char up[40];
    if (!found && strlen(value) + 4 <= sizeof up) {
        snprintf(up, sizeof up, "SIG%s", value);
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        int signo = signal_by_name(up);
        if (signo)
            found = names[signo];
    }
    if (!found)
        found = lb_suggest(value, cands);
    if (found)
        snprintf(hint, n, "%s", found);
    return found ? 0 : -1;
}

int lb_fails_parse(const char *value, lb_fails *out, char *msg, size_t n)
{
    static const lb_fails_kind kinds[] = {LB_FAILS_COMPILE, LB_FAILS_CRASH, LB_FAILS_TIMEOUT,
                                          LB_FAILS_SANITIZER, LB_FAILS_ANY};
    out->kind = LB_FAILS_NONE;
    out->signo = 0;
    for (size_t i = 0; WORDS[i]; i++)
        if (strcmp(value, WORDS[i]) == 0) {
            out->kind = kinds[i];
            return 0;
        }
    int signo = signal_by_name(value);
    if (signo) {
        out->kind = LB_FAILS_CRASH;
        out->signo = signo;
        return 0;
    }
    char hint[40];
    if (near_value(value, hint, sizeof hint) == 0)
        snprintf(msg, n, "%s; did you mean '%s'?", EXPECT, hint);
    else
        snprintf(msg, n, "%s", EXPECT);
    return -1;
}

void lb_fails_describe(const lb_fails *f, lb_buf *out)
{
    switch (f->kind) {
    case LB_FAILS_COMPILE:
        lb_buf_puts(out, "to fail to compile");
        break;
    case LB_FAILS_CRASH:
        if (f->signo)
            lb_buf_printf(out, "to crash with SIG%s", sigabbrev_np(f->signo));
        else
            lb_buf_puts(out, "to crash (be killed by a signal)");
        break;
    case LB_FAILS_TIMEOUT:
        lb_buf_puts(out, "to run past its timeout");
        break;
    case LB_FAILS_SANITIZER:
        lb_buf_puts(out, "to end with a sanitizer report");
        break;
    case LB_FAILS_ANY:
        lb_buf_puts(out, "to fail");
        break;
    case LB_FAILS_NONE:
        lb_buf_puts(out, "to succeed");
        break;
    }
}

/* What the result says happened, to end "..., but it ...". */
static void describe_outcome(const lb_result *r, lb_buf *out)
{
    switch (r->end) {
    case LB_END_COMPILE:
        lb_buf_puts(out, "it failed to compile");
        return;
    case LB_END_SIGNAL: {
        char name[16];
        const char *descr = sigdescr_np(r->signo);
        lb_buf_printf(out, "it was killed by signal %d", r->signo);
        if (lb_fails_signal_name(r->signo, name, sizeof name) == 0)
            lb_buf_printf(out, " (%s%s%s)", name, descr ? ", " : "", descr ? descr : "");
        return;
    }
    case LB_END_TIMEOUT:
        lb_buf_puts(out, "it ran past its timeout");
        return;
    case LB_END_SANITIZER:
        lb_buf_puts(out, "a sanitizer reported an error");
        return;
    case LB_END_NONE:
        break;
    }
    if (r->ran)
        lb_buf_printf(out, "it exited with status %d", r->exit_code);
    else
        lb_buf_puts(out, "it compiled");
}

static int matches(const lb_fails *f, const lb_result *r)
{
    switch (f->kind) {
    case LB_FAILS_COMPILE:
        return r->end == LB_END_COMPILE;
    case LB_FAILS_CRASH:
        return r->end == LB_END_SIGNAL && (f->signo == 0 || f->signo == r->signo);
    case LB_FAILS_TIMEOUT:
        return r->end == LB_END_TIMEOUT;
    case LB_FAILS_SANITIZER:
        return r->end == LB_END_SANITIZER;
    case LB_FAILS_ANY:
        return r->end != LB_END_NONE || (r->status == LB_RES_OK && r->ran && r->exit_code > 0);
    case LB_FAILS_NONE:
        break;
    }
    return 0;
}

int lb_fails_judge(lb_chunk *c)
{
    const lb_fails *f = &c->opts.fails;
    lb_result *r = &c->res;
    if (f->kind == LB_FAILS_NONE || r->status == LB_RES_NONE || r->status == LB_RES_NOT_RUN)
        return 0;
    /* A failure of litbook's own (no sandbox, no compiler, a malformed
     * results file) is no failure of the program: it stays an error. */
    if (r->status == LB_RES_FAILED && r->end == LB_END_NONE)
        return -1;
    lb_buf m = LB_BUF_INIT;
    if (matches(f, r)) {
        if (r->failure) {
            free(r->expected_failure);
            r->expected_failure = r->failure;
            r->failure = NULL;
        } else if (!r->expected_failure) {
            describe_outcome(r, &m);
            /* "it exited with status 3" reads as "exited with status 3" */
            r->expected_failure = lb_xstrdup(m.ptr + 3);
        }
        r->status = LB_RES_OK;
        lb_buf_free(&m);
        return 1;
    }
    lb_buf_puts(&m, "expected ");
    lb_fails_describe(f, &m);
    lb_buf_puts(&m, ", but ");
    describe_outcome(r, &m);
    if (f->kind == LB_FAILS_SANITIZER && r->end == LB_END_NONE && r->ran && r->exit_code == 0)
        lb_buf_puts(&m, " with no sanitizer report");
    free(r->failure);
    r->failure = lb_buf_detach(&m);
    free(r->expected_failure);
    r->expected_failure = NULL;
    r->status = LB_RES_FAILED;
    return -1;
}

int lb_fails_cacheable(const lb_chunk *c)
{
    return c->opts.fails.kind != LB_FAILS_NONE && c->res.status == LB_RES_FAILED &&
           c->res.end != LB_END_NONE;
}

static int rule(lb_attr_error *err, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int rule(lb_attr_error *err, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->col = col;
    return -1;
}

int lb_fails_check_chunk(const lb_chunk *c, lb_attr_error *err)
{
    const lb_opts *o = &c->opts;
    const lb_attr_kv *kv = lb_info_find(&c->info, "fails");
    if (o->fails.kind == LB_FAILS_NONE || !kv)
        return 0;
    int col = kv->col;
    if (o->fails.kind == LB_FAILS_COMPILE && !(o->engine->flags & LB_ENG_COMPILE))
        return rule(err, col,
                    "fails=compile is for compiled chunks (c, cpp): a %s chunk is not compiled "
                    "(a syntax error ends its run; use fails=any)",
                    o->engine->name);
    if (o->fails.kind == LB_FAILS_SANITIZER && !o->sanitize)
        return rule(err, col,
                    "fails=sanitizer needs a sanitizer to report: add sanitize=address, "
                    "undefined or thread (compiled chunks: c, cpp)");
    if (o->eval == LB_EVAL_NO)
        return rule(err, col,
                    "a chunk with eval=false never runs, so it cannot fail: drop fails= or "
                    "eval=false");
    if (o->eval == LB_EVAL_COMPILE && o->fails.kind != LB_FAILS_COMPILE)
        return rule(err, col,
                    "eval=compile does not run the program: only fails=compile applies to it");
    const lb_attr_kv *other = lb_info_find(&c->info, "exit");
    if (other)
        return rule(err, other->col,
                    "exit= and fails= both say how the chunk ends: drop exit= (fails=any "
                    "accepts any non-zero exit status)");
    if (o->repeat > 0)
        return rule(err, lb_info_find(&c->info, "repeat")->col,
                    "repeat= times a program that works: a chunk meant to fail runs once");
    if (o->data_given)
        return rule(err, lb_info_find(&c->info, "data")->col,
                    "data= saves a working program's output for a chart: not with fails=");
    return 0;
}

void lb_fails_render(const lb_chunk *c, lb_buf *b)
{
    const lb_result *r = &c->res;
    if (r->status != LB_RES_OK || !r->expected_failure)
        return;
    const char *value = lb_info_get(&c->info, "fails");
    lb_buf_puts(b, "<div class=\"expected-failure\" role=\"note\"><p><strong>Failed as "
                   "expected</strong> (<code>fails=");
    lb_buf_put_html(b, value ? value : "", value ? strlen(value) : 0);
    lb_buf_puts(b, "</code>): ");
    lb_buf_put_html(b, r->expected_failure, strlen(r->expected_failure));
    lb_buf_puts(b, "</p>");
    /* A program that ran shows its stderr (the signal's last words, the
     * sanitizer's report) as its output already; one that did not compile
     * shows the compiler's messages here. */
    if (!r->ran && r->detail && *r->detail) {
        lb_buf_puts(b, "<pre>");
        lb_buf_put_html(b, r->detail, strlen(r->detail));
        lb_buf_puts(b, "</pre>");
    }
    lb_buf_puts(b, "</div>\n");
}
