#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chapter.h"
#include "engine.h"
#include "fails.h"
#include "fencecheck.h"
#include "record.h"

/* fails= values ----------------------------------------------------- */

static void parses(const char *v, lb_fails_kind kind, int signo)
{
    lb_fails f = {LB_FAILS_NONE, -1};
    char msg[256] = "";
    if (lb_fails_parse(v, &f, msg, sizeof msg) != 0)
        fail_msg("fails=%s rejected: %s", v, msg);
    if (f.kind != kind || f.signo != signo)
        fail_msg("fails=%s: got kind %d signo %d, want %d %d", v, f.kind, f.signo, kind, signo);
}

/* Asserts v is refused, with hint as the "did you mean" (NULL: none). */
static void refused(const char *v, const char *hint)
{
    lb_fails f;
    char msg[256] = "";
    if (lb_fails_parse(v, &f, msg, sizeof msg) == 0)
        fail_msg("fails=%s should be refused", v);
    if (!strstr(msg, "expected compile, crash"))
        fail_msg("fails=%s: message does not say what is accepted: %s", v, msg);
    char want[64];
    snprintf(want, sizeof want, "did you mean '%s'?", hint ? hint : "");
    if (hint ? !strstr(msg, want) : strstr(msg, "did you mean") != NULL)
        fail_msg("fails=%s: got \"%s\", want hint %s", v, msg, hint ? hint : "(none)");
}

static void test_parse(void **state)
{
    (void)state;
    parses("compile", LB_FAILS_COMPILE, 0);
    parses("crash", LB_FAILS_CRASH, 0);
    parses("SIGSEGV", LB_FAILS_CRASH, SIGSEGV);
    parses("SIGABRT", LB_FAILS_CRASH, SIGABRT);
    parses("SIGKILL", LB_FAILS_CRASH, SIGKILL);
    parses("SIGFPE", LB_FAILS_CRASH, SIGFPE);
    parses("timeout", LB_FAILS_TIMEOUT, 0);
    parses("sanitizer", LB_FAILS_SANITIZER, 0);
    parses("any", LB_FAILS_ANY, 0);
    refused("crsh", "crash");
    refused("Crash", "crash");
    refused("timout", "timeout");
    refused("sigsegv", "SIGSEGV");
    refused("SEGV", "SIGSEGV");
    refused("segv", "SIGSEGV");
    refused("SIGSEV", "SIGSEGV");
    refused("sanitiser", "sanitizer");
    refused("11", NULL);
    refused("banana", NULL);
    refused("", NULL);
}

static void test_signal_name(void **state)
{
    (void)state;
    char buf[16];
    assert_int_equal(lb_fails_signal_name(SIGSEGV, buf, sizeof buf), 0);
    assert_string_equal(buf, "SIGSEGV");
    assert_int_equal(lb_fails_signal_name(0, buf, sizeof buf), -1);
    assert_int_equal(lb_fails_signal_name(NSIG, buf, sizeof buf), -1);
}

static void test_describe(void **state)
{
    (void)state;
    lb_buf b = LB_BUF_INIT;
    lb_fails f = {LB_FAILS_CRASH, SIGSEGV};
    lb_fails_describe(&f, &b);
    assert_string_equal(b.ptr, "to crash with SIGSEGV");
    lb_buf_reset(&b);
    f.kind = LB_FAILS_COMPILE;
    lb_fails_describe(&f, &b);
    assert_string_equal(b.ptr, "to fail to compile");
    lb_buf_free(&b);
}

/* Chapters: options checked together --------------------------------- */

static const char *load_error(const char *text, lb_diag *d)
{
    lb_chapter ch;
    int rc = lb_chapter_load_mem("t.md", text, strlen(text), &ch, d);
    lb_chapter_free(&ch);
    return rc == 0 ? NULL : d->msg;
}

/* Asserts that the one-chunk chapter "```INFO\n...\n```" is refused at
 * line 1, col, with a message containing want. */
static void chunk_refused(const char *info, int col, const char *want)
{
    char text[512];
    snprintf(text, sizeof text, "```%s\nint main(void) { return 0; }\n```\n", info);
    lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
    const char *msg = load_error(text, &d);
    if (!msg)
        fail_msg("[%s] should be refused", info);
    if (d.line != 1 || d.col != col || !strstr(msg, want))
        fail_msg("[%s]: got %d:%d \"%s\", want 1:%d containing \"%s\"", info, d.line, d.col, msg,
                 col, want);
}

static void chunk_accepted(const char *info)
{
    char text[512];
    snprintf(text, sizeof text, "```%s\nint main(void) { return 0; }\n```\n", info);
    lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
    const char *msg = load_error(text, &d);
    if (msg)
        fail_msg("[%s] refused: %s", info, msg);
}

static void test_chunk_rules(void **state)
{
    (void)state;
    chunk_accepted("c {fails=compile}");
    chunk_accepted("c {eval=compile fails=compile}");
    chunk_accepted("c {fails=SIGSEGV timeout=2}");
    chunk_accepted("c {sanitize=thread fails=sanitizer}");
    chunk_accepted("cpp {sanitize=address fails=sanitizer}");
    chunk_accepted("python {fails=any}");
    chunk_accepted("python {fails=timeout timeout=1}");
    /* col counts from the fence's first backtick */
    chunk_refused("c {fails=crsh}", 7, "did you mean 'crash'?");
    chunk_refused("python {fails=compile}", 12, "fails=compile is for compiled chunks");
    chunk_refused("c {fails=sanitizer}", 7, "needs a sanitizer");
    chunk_refused("cpp {fails=sanitizer}", 9, "(compiled chunks: c, cpp)");
    chunk_refused("c {eval=false fails=crash}", 18, "eval=false never runs");
    chunk_refused("c {eval=compile fails=crash}", 20, "only fails=compile");
    chunk_refused("c {fails=any exit=3}", 17, "exit= and fails=");
    chunk_refused("c {fails=crash repeat=3}", 19, "repeat=");
    chunk_refused("c {fails=crash data=x}", 19, "data=");
    chunk_refused("gnuplot {fails=any}", 13, "unknown option 'fails' for a gnuplot chunk");
    chunk_refused("c {sanitize=\"thread address\"}", 7, "cannot be combined");
    chunk_refused("c {sanitize=tsan}", 7, "did you mean 'thread'?");
}

/* Judging a result ---------------------------------------------------- */

typedef struct {
    lb_chapter ch;
} fixture;

/* A chapter of one c chunk with fails=VALUE (no value: none). */
static lb_chunk *chunk_with(fixture *fx, const char *value)
{
    char text[256];
    if (value)
        snprintf(text, sizeof text, "```c {#x fails=%s%s}\nint main(void){}\n```\n", value,
                 strcmp(value, "sanitizer") == 0 ? " sanitize=address" : "");
    else
        snprintf(text, sizeof text, "```c {#x}\nint main(void){}\n```\n");
    lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
    if (lb_chapter_load_mem("t.md", text, strlen(text), &fx->ch, &d) != 0)
        fail_msg("%s", d.msg);
    return &fx->ch.chunks[0];
}

/* The result as an engine leaves it. */
static void exited(lb_chunk *c, int status)
{
    c->res.status = LB_RES_OK;
    c->res.ran = 1;
    c->res.exit_code = status;
}

static void ended(lb_chunk *c, lb_end end, int signo, const char *failure)
{
    c->res.status = LB_RES_FAILED;
    c->res.ran = end != LB_END_COMPILE;
    c->res.exit_code = end == LB_END_SANITIZER ? 86 : -1;
    c->res.end = end;
    c->res.signo = signo;
    c->res.failure = strdup(failure);
}

static int judge(const char *value, void (*set)(lb_chunk *), char **failure)
{
    fixture fx;
    lb_chunk *c = chunk_with(&fx, value);
    set(c);
    int v = lb_fails_judge(c);
    /* Judged again (a cached result, a rebuild): the same verdict. */
    int again = lb_fails_judge(c);
    if (again != v)
        fail_msg("fails=%s: judged %d, then %d", value ? value : "(none)", v, again);
    if (v > 0 && (c->res.status != LB_RES_OK || !c->res.expected_failure || c->res.failure))
        fail_msg("fails=%s: passed, but status %d expected_failure %s failure %s", value,
                 c->res.status, c->res.expected_failure ? c->res.expected_failure : "NULL",
                 c->res.failure ? c->res.failure : "NULL");
    if (v < 0 && (c->res.status != LB_RES_FAILED || c->res.expected_failure))
        fail_msg("fails=%s: failed, but status %d", value, c->res.status);
    *failure = strdup(v > 0 ? c->res.expected_failure : v < 0 ? c->res.failure : "");
    lb_chapter_free(&fx.ch);
    return v;
}

static void exit0(lb_chunk *c)
{
    exited(c, 0);
}
static void exit3(lb_chunk *c)
{
    exited(c, 3);
}
static void segv(lb_chunk *c)
{
    ended(c, LB_END_SIGNAL, SIGSEGV, "killed by signal 11");
}
static void abrt(lb_chunk *c)
{
    ended(c, LB_END_SIGNAL, SIGABRT, "killed by signal 6");
}
static void hang(lb_chunk *c)
{
    ended(c, LB_END_TIMEOUT, SIGTERM, "timed out after 1 s");
}
static void nocc(lb_chunk *c)
{
    ended(c, LB_END_COMPILE, 0, "compilation failed");
}
static void asan(lb_chunk *c)
{
    ended(c, LB_END_SANITIZER, 0, "the sanitizer reported");
}
/* A failure of litbook's own: no sandbox, say. */
static void ours(lb_chunk *c)
{
    ended(c, LB_END_NONE, 0, "not run: chunks must be sandboxed");
}
static void compiled(lb_chunk *c)
{
    c->res.status = LB_RES_OK;
}
static void not_run(lb_chunk *c)
{
    c->res.status = LB_RES_NOT_RUN;
}

/* Asserts the verdict, and that the line says want. */
static void verdict(const char *value, void (*set)(lb_chunk *), int want_v, const char *want)
{
    char *line = NULL;
    int v = judge(value, set, &line);
    if (v != want_v || !strstr(line, want))
        fail_msg("fails=%s: got %d \"%s\", want %d containing \"%s\"", value ? value : "(none)", v,
                 line, want_v, want);
    free(line);
}

static void test_judge(void **state)
{
    (void)state;
    verdict(NULL, segv, 0, "");
    verdict("crash", not_run, 0, "");
    verdict("compile", nocc, 1, "compilation failed");
    verdict("compile", compiled, -1, "expected to fail to compile, but it compiled");
    verdict("crash", segv, 1, "killed by signal 11");
    verdict("crash", abrt, 1, "killed by signal 6");
    verdict("crash", exit0, -1,
            "expected to crash (be killed by a signal), but it exited with "
            "status 0");
    verdict("crash", hang, -1, "but it ran past its timeout");
    verdict("SIGSEGV", segv, 1, "killed by signal 11");
    verdict("SIGSEGV", exit0, -1, "expected to crash with SIGSEGV, but it exited with status 0");
    verdict("SIGSEGV", abrt, -1,
            "expected to crash with SIGSEGV, but it was killed by signal 6 (SIGABRT");
    verdict("timeout", hang, 1, "timed out");
    verdict("timeout", exit3, -1, "expected to run past its timeout, but it exited with status 3");
    verdict("timeout", segv, -1, "but it was killed by signal 11 (SIGSEGV");
    verdict("sanitizer", asan, 1, "the sanitizer reported");
    verdict("sanitizer", exit0, -1, "but it exited with status 0 with no sanitizer report");
    verdict("sanitizer", segv, -1, "killed by signal 11");
    verdict("any", exit3, 1, "exited with status 3");
    verdict("any", segv, 1, "killed by signal 11");
    verdict("any", hang, 1, "timed out");
    verdict("any", nocc, 1, "compilation failed");
    verdict("any", asan, 1, "the sanitizer reported");
    verdict("any", exit0, -1, "expected to fail, but it exited with status 0");
    verdict("any", ours, -1, "not run: chunks must be sandboxed");
    verdict("crash", ours, -1, "not run: chunks must be sandboxed");
}

static void test_cacheable(void **state)
{
    (void)state;
    fixture fx;
    lb_chunk *c = chunk_with(&fx, "crash");
    segv(c);
    assert_true(lb_fails_cacheable(c));
    free(c->res.failure);
    c->res.failure = NULL;
    ours(c);
    assert_false(lb_fails_cacheable(c));
    lb_chapter_free(&fx.ch);
    c = chunk_with(&fx, NULL);
    segv(c);
    assert_false(lb_fails_cacheable(c));
    lb_chapter_free(&fx.ch);
}

/* check_result: partial output compared, exit status not checked. */
static void test_check_result(void **state)
{
    (void)state;
    const char *text = "```c {#x fails=crash}\nint main(void){}\n```\n\n```output\nbefore\n```\n";
    lb_chapter ch;
    lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
    assert_int_equal(lb_chapter_load_mem("t.md", text, strlen(text), &ch, &d), 0);
    lb_chunk *c = &ch.chunks[0];
    segv(c);
    c->res.out = strdup("before\n");
    c->res.out_len = 7;
    lb_check_result(c, NULL);
    assert_int_equal(c->res.status, LB_RES_OK);
    assert_true(c->res.verified);
    free(c->res.out);
    c->res.out = strdup("other\n");
    c->res.out_len = 6;
    c->res.verified = 0;
    lb_check_result(c, NULL);
    assert_int_equal(c->res.status, LB_RES_FAILED);
    assert_true(c->res.mismatch);
    lb_chapter_free(&ch);
}

/* A python chunk recorded as it failed as expected keeps how it failed:
 * read back, it is a failure again, for fails= to judge. */
static void test_recorded(void **state)
{
    (void)state;
    fixture fx;
    lb_chunk *c = chunk_with(&fx, "crash");
    abrt(c);
    assert_int_equal(lb_fails_judge(c), 1);
    lb_record_meta m = {0};
    m.chunk = strdup("t.md#x");
    m.source_hash = strdup("0123456789abcdef0123456789abcdef");
    lb_buf text = LB_BUF_INIT;
    lb_record_format(&m, &c->res, &text);
    lb_record_meta_free(&m);
    lb_chapter_free(&fx.ch);

    c = chunk_with(&fx, "SIGABRT");
    assert_int_equal(lb_record_parse(text.ptr, &m, &c->res), 0);
    assert_int_equal(c->res.status, LB_RES_FAILED);
    assert_int_equal(c->res.end, LB_END_SIGNAL);
    assert_int_equal(c->res.signo, SIGABRT);
    assert_string_equal(c->res.failure, "killed by signal 6");
    assert_int_equal(lb_fails_judge(c), 1);
    lb_record_meta_free(&m);
    lb_chapter_free(&fx.ch);

    c = chunk_with(&fx, NULL);
    assert_int_equal(lb_record_parse(text.ptr, &m, &c->res), 0);
    lb_check_result(c, NULL); /* no fails= any more: the recorded abort fails */
    assert_int_equal(c->res.status, LB_RES_FAILED);
    lb_record_meta_free(&m);
    lb_chapter_free(&fx.ch);
    lb_buf_free(&text);
}

static void test_render(void **state)
{
    (void)state;
    fixture fx;
    lb_chunk *c = chunk_with(&fx, "SIGSEGV");
    ended(c, LB_END_SIGNAL, SIGSEGV, "killed by <signal> 11");
    lb_buf b = LB_BUF_INIT;
    lb_fails_render(c, &b);
    assert_int_equal(b.len, 0); /* not judged yet: nothing to show */
    assert_int_equal(lb_fails_judge(c), 1);
    lb_fails_render(c, &b);
    assert_non_null(strstr(b.ptr, "<div class=\"expected-failure\""));
    assert_non_null(strstr(b.ptr, "Failed as expected"));
    assert_non_null(strstr(b.ptr, "<code>fails=SIGSEGV</code>"));
    assert_non_null(strstr(b.ptr, "killed by &lt;signal&gt; 11"));
    lb_buf_free(&b);
    lb_chapter_free(&fx.ch);
}

/* Fence typos --------------------------------------------------------- */

static void test_meant(void **state)
{
    (void)state;
    assert_string_equal(lb_fencecheck_meant("C", 0), "c");
    assert_string_equal(lb_fencecheck_meant("Python", 0), "python");
    assert_string_equal(lb_fencecheck_meant("GNUPLOT", 0), "gnuplot");
    assert_string_equal(lb_fencecheck_meant("c++", 0), "cpp");
    assert_string_equal(lb_fencecheck_meant("C++", 0), "cpp");
    assert_string_equal(lb_fencecheck_meant("cxx", 0), "cpp");
    assert_string_equal(lb_fencecheck_meant("py", 0), "python");
    assert_string_equal(lb_fencecheck_meant("python3", 0), "python");
    assert_string_equal(lb_fencecheck_meant("pyhton", 1), "python");
    assert_null(lb_fencecheck_meant("pyhton", 0));
    assert_null(lb_fencecheck_meant("c", 1));
    assert_null(lb_fencecheck_meant("python", 1));
    assert_null(lb_fencecheck_meant("text", 0));
    assert_null(lb_fencecheck_meant("js", 1));
    assert_null(lb_fencecheck_meant("bash", 0));
    assert_null(lb_fencecheck_meant("console", 0));
    assert_null(lb_fencecheck_meant("", 0));
    assert_null(lb_fencecheck_meant(NULL, 1));
}

static size_t warnings_of(const char *text, lb_diag *w, size_t max)
{
    lb_chapter ch;
    lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
    if (lb_chapter_load_mem("t.md", text, strlen(text), &ch, &d) != 0)
        fail_msg("%s", d.msg);
    size_t n = lb_fencecheck(&ch, w, max);
    for (size_t i = 0; i < n && i < max; i++)
        w[i].file = NULL; /* borrowed from ch, freed below */
    lb_chapter_free(&ch);
    return n;
}

static void test_fencecheck(void **state)
{
    (void)state;
    static const char text[] = "```C {#x}\n"                              /* 1 */
                               "int main(void) { return 0; }\n"           /* 2 */
                               "```\n"                                    /* 3 */
                               "\n"                                       /* 4 */
                               "```text\nplain\n```\n\n"                  /* 5-8 */
                               "```js title=\"x\"\nlet a;\n```\n\n"       /* 9-12 */
                               "```{r}\n1\n```\n\n"                       /* 13-16 */
                               "> ```rust {#r}\n> fn main(){}\n> ```\n\n" /* 17-20 */
                               "```c {#y eval=false}\nint y;\n```\n\n"    /* 21-24 */
                               "```output\nnever\n```\n\n"                /* 25-28 */
                               "```c {#z}\nint main(void){}\n```\n\n"     /* 29-32 */
                               "```output\n```\n\n"                       /* 33-35 */
                               "```output\nagain\n```\n";                 /* 36-38 */
    lb_diag w[8];
    size_t n = warnings_of(text, w, 8);
    assert_int_equal(n, 4);
    assert_int_equal(w[0].severity, LB_WARNING);
    assert_int_equal(w[0].line, 1);
    assert_int_equal(w[0].col, 4);
    assert_non_null(strstr(w[0].msg, "no engine runs 'C' fences"));
    assert_non_null(strstr(w[0].msg, "did you mean 'c'?"));
    assert_int_equal(w[1].line, 17);
    assert_int_equal(w[1].col, 6);
    assert_non_null(strstr(w[1].msg, "'rust'"));
    assert_non_null(strstr(w[1].msg, "attributes are ignored"));
    assert_int_equal(w[2].line, 25);
    assert_non_null(strstr(w[2].msg, "chunk 'y' does not run (it has eval=false)"));
    assert_int_equal(w[3].line, 36);
    assert_non_null(strstr(w[3].msg, "a second output block after chunk 'z'"));
    assert_non_null(strstr(w[3].msg, "line 33"));
    /* More than fit: counted, not written. */
    assert_int_equal(warnings_of(text, w, 1), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),        cmocka_unit_test(test_signal_name),
        cmocka_unit_test(test_describe),     cmocka_unit_test(test_chunk_rules),
        cmocka_unit_test(test_judge),        cmocka_unit_test(test_cacheable),
        cmocka_unit_test(test_check_result), cmocka_unit_test(test_render),
        cmocka_unit_test(test_recorded),     cmocka_unit_test(test_meant),
        cmocka_unit_test(test_fencecheck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
