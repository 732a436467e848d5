#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "match.h"

static bool m(const char *e, const char *a)
{
    return lb_match(e, strlen(e), a, strlen(a));
}

/* The diff from expected e to actual a, without its two header lines (which
 * are checked once, in test_diff_headers). Caller frees. */
static char *hunks(const char *e, const char *a)
{
    lb_buf out = LB_BUF_INIT;
    lb_match_diff(e, strlen(e), a, strlen(a), "E", "A", &out);
    const char *s = lb_buf_str(&out);
    if (out.len) {
        const char *p = strchr(s, '\n');
        assert_non_null(p);
        p = strchr(p + 1, '\n');
        assert_non_null(p);
        s = p + 1;
    }
    char *r = lb_xstrdup(s);
    lb_buf_free(&out);
    return r;
}

static void check_hunks(const char *e, const char *a, const char *want)
{
    char *got = hunks(e, a);
    assert_string_equal(got, want);
    free(got);
}

static char *update(const char *e, const char *a)
{
    lb_buf out = LB_BUF_INIT;
    lb_match_update(e, strlen(e), a, strlen(a), &out);
    return lb_buf_detach(&out);
}

static void check_update(const char *e, const char *a, const char *want)
{
    char *got = update(e, a);
    assert_string_equal(got, want);
    free(got);
}

/* "1\n2\n...n\n" with line k (1-based) replaced by rep when k == at. */
static char *numbers(int n, int at, const char *rep, int at2, const char *rep2)
{
    lb_buf b = LB_BUF_INIT;
    for (int k = 1; k <= n; k++) {
        if (k == at)
            lb_buf_printf(&b, "%s\n", rep);
        else if (k == at2)
            lb_buf_printf(&b, "%s\n", rep2);
        else
            lb_buf_printf(&b, "%d\n", k);
    }
    return lb_buf_detach(&b);
}

static void test_exact(void **state)
{
    (void)state;
    assert_true(m("", ""));
    assert_true(m("hello\nworld\n", "hello\nworld\n"));
    assert_false(m("hello\nworld\n", "hello\nWorld\n"));
    assert_false(m("hello\n", "hello\nworld\n"));
    assert_false(m("hello\nworld\n", "hello\n"));
    assert_false(m("", "x\n"));
    assert_false(m("hello \n", "hello\n"));
    static const char e[] = "a\0b\n", a1[] = "a\0b\n", a2[] = "a\0c\n";
    assert_true(lb_match(e, 4, a1, 4));
    assert_false(lb_match(e, 4, a2, 4));
}

static void test_trailing_newline(void **state)
{
    (void)state;
    assert_true(m("a\nb", "a\nb\n"));
    assert_true(m("a\nb\n", "a\nb"));
    /* Only one final newline is forgiven: a blank last line is a line. */
    assert_false(m("a\n\n", "a\n"));
    assert_false(m("a\n", "a\n\n"));
    assert_true(m("\n", "\n"));
    assert_false(m("\n", ""));
    char *d = hunks("a\nb", "a\nb\n");
    assert_string_equal(d, "");
    free(d);
}

static void test_re_lines(void **state)
{
    (void)state;
    assert_true(m("pid [0-9]+ (re)\n", "pid 4242\n"));
    assert_false(m("pid [0-9]+ (re)\n", "pid abc\n"));
    assert_true(m("took [0-9.]+ ms (re)\ndone\n", "took 12.5 ms\ndone\n"));
    assert_false(m("took [0-9.]+ ms (re)\ndone\n", "took 12.5 s\ndone\n"));
    assert_true(m("(a|b)c (re)\n", "bc\n"));
    assert_true(m(" (re)\n", "\n")); /* the empty regex matches the empty line */
    /* " (re)" must end the line, after a space. */
    assert_false(m("x+(re)\n", "xx\n"));
    assert_false(m("x+ (re) \n", "xx\n"));
    /* A (re) line still matches itself literally, as in cram. */
    assert_true(m("pid [0-9]+ (re)\n", "pid [0-9]+ (re)\n"));
}

static void test_re_whole_line(void **state)
{
    (void)state;
    assert_false(m("[0-9]+ (re)\n", "abc 123\n"));
    assert_false(m("[0-9]+ (re)\n", "123 abc\n"));
    assert_false(m("b (re)\n", "abc\n"));
    assert_true(m("a.c (re)\n", "abc\n"));
    /* Alternation binds looser than the anchors would without the group. */
    assert_false(m("x|y (re)\n", "xz\n"));
    assert_false(m("x|y (re)\n", "zy\n"));
    /* A pattern that closes the wrapping group early cannot escape it. */
    assert_false(m("a)|(b (re)\n", "ab\n"));
    assert_false(m("a)|(b (re)\n", "zb\n"));
    /* The whole line, even past a NUL. */
    static const char e[] = "abc (re)\n", a[] = "abc\0xyz\n";
    assert_false(lb_match(e, sizeof e - 1, a, sizeof a - 1));
    /* glibc's "." never matches a NUL, so this is a mismatch too. */
    static const char e2[] = "abc.* (re)\n";
    assert_false(lb_match(e2, sizeof e2 - 1, a, sizeof a - 1));
}

static void test_invalid_re(void **state)
{
    (void)state;
    assert_false(m("a[ (re)\n", "a[\n"));
    assert_false(m("a[ (re)\n", "a\n"));
    assert_false(m("(unclosed (re)\n", "(unclosed\n"));
    assert_false(m("x{2,1} (re)\n", "xx\n"));
    static const char e[] = "a\0b (re)\n";
    assert_false(lb_match(e, sizeof e - 1, "a\n", 2));
    /* The line shows in the diff as an ordinary mismatch. */
    check_hunks("a[ (re)\n", "a[\n", "@@ -1 +1 @@\n-a[ (re)\n+a[\n");
}

static void test_diff_headers(void **state)
{
    (void)state;
    lb_buf out = LB_BUF_INIT;
    lb_buf_puts(&out, "prefix\n");
    lb_match_diff("a\n", 2, "b\n", 2, "ch.md#x expected", "ch.md#x actual", &out);
    assert_string_equal(lb_buf_str(&out), "prefix\n"
                                          "--- ch.md#x expected\n"
                                          "+++ ch.md#x actual\n"
                                          "@@ -1 +1 @@\n"
                                          "-a\n"
                                          "+b\n");
    lb_buf_reset(&out);
    lb_match_diff("same\n", 5, "same", 4, "e", "a", &out);
    assert_int_equal(out.len, 0);
    lb_match_diff("t [0-9]+ (re)\n", 14, "t 7\n", 4, "e", "a", &out);
    assert_int_equal(out.len, 0);
    lb_buf_free(&out);
}

static void test_diff_middle_change(void **state)
{
    (void)state;
    char *e = numbers(20, 0, NULL, 0, NULL);
    char *a = numbers(20, 10, "ten", 0, NULL);
    check_hunks(e, a, "@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n");
    free(e);
    free(a);
}

static void test_diff_two_hunks(void **state)
{
    (void)state;
    char *e = numbers(30, 0, NULL, 0, NULL);
    char *a = numbers(30, 5, "five", 25, "twentyfive");
    check_hunks(e, a,
                "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
                "@@ -22,7 +22,7 @@\n 22\n 23\n 24\n-25\n+twentyfive\n 26\n 27\n 28\n");
    free(e);
    free(a);
}

static void test_diff_merge_threshold(void **state)
{
    (void)state;
    /* Six equal lines between changes: the contexts touch, one hunk. */
    char *e = numbers(20, 0, NULL, 0, NULL);
    char *a = numbers(20, 5, "X", 12, "Y");
    char *d = hunks(e, a);
    assert_int_equal(strncmp(d, "@@ -2,14 +2,14 @@\n", 18), 0);
    assert_null(strstr(d, "\n@@"));
    free(d);
    free(a);
    /* Seven: two hunks. */
    a = numbers(20, 5, "X", 13, "Y");
    d = hunks(e, a);
    assert_int_equal(strncmp(d, "@@ -2,7 +2,7 @@\n", 16), 0);
    assert_non_null(strstr(d, "\n@@ -10,7 +10,7 @@\n"));
    free(d);
    free(a);
    free(e);
}

static void test_diff_edges(void **state)
{
    (void)state;
    check_hunks("a\nb\nc\nd\ne\n", "new\na\nb\nc\nd\ne\n", "@@ -1,3 +1,4 @@\n+new\n a\n b\n c\n");
    check_hunks("a\nb\nc\nd\ne\n", "a\nb\nc\nd\n", "@@ -2,4 +2,3 @@\n b\n c\n d\n-e\n");
    check_hunks("", "x\ny\n", "@@ -0,0 +1,2 @@\n+x\n+y\n");
    check_hunks("x\ny\n", "", "@@ -1,2 +0,0 @@\n-x\n-y\n");
    check_hunks("x\n", "", "@@ -1 +0,0 @@\n-x\n");
    check_hunks("a\nb\n", "a\nX\nb\n", "@@ -1,2 +1,3 @@\n a\n+X\n b\n");
}

static void test_diff_re_context(void **state)
{
    (void)state;
    /* A matched (re) line is context, shown as written in expected. */
    check_hunks("pid [0-9]+ (re)\nok\n", "pid 31337\nfail\n",
                "@@ -1,2 +1,2 @@\n pid [0-9]+ (re)\n-ok\n+fail\n");
    check_hunks("pid [0-9]+ (re)\nok\n", "pid none\nok\n",
                "@@ -1,2 +1,2 @@\n-pid [0-9]+ (re)\n+pid none\n ok\n");
}

/* Runs GNU diff -u on the two texts and returns its hunks, or NULL when
 * diff cannot be run here. Caller frees. */
static char *gnu_hunks(const char *e, const char *a)
{
    char pe[] = "/tmp/lbtest-exp-XXXXXX", pa[] = "/tmp/lbtest-act-XXXXXX";
    int fe = mkstemp(pe), fa = mkstemp(pa);
    assert_true(fe >= 0 && fa >= 0);
    assert_int_equal(write(fe, e, strlen(e)), (ssize_t)strlen(e));
    assert_int_equal(write(fa, a, strlen(a)), (ssize_t)strlen(a));
    close(fe);
    close(fa);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "diff -u %s %s 2>/dev/null", pe, pa);
    FILE *p = popen(cmd, "r");
    lb_buf out = LB_BUF_INIT;
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
        lb_buf_append(&out, chunk, n);
    int rc = p ? pclose(p) : -1;
    unlink(pe);
    unlink(pa);
    /* diff exits 0 for same, 1 for different; anything else: no diff. */
    if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) > 1) {
        lb_buf_free(&out);
        return NULL;
    }
    const char *s = lb_buf_str(&out);
    for (int i = 0; i < 2 && *s; i++)
        s = strchr(s, '\n') + 1;
    char *r = lb_xstrdup(s);
    lb_buf_free(&out);
    return r;
}

static unsigned next_rand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

/* An edited copy of a numbered text. Every line is unique in each text, so
 * the shortest edit script is unique too and GNU diff must find the same. */
static void make_case(unsigned *seed, lb_buf *e, lb_buf *a)
{
    int n = (int)(next_rand(seed) % 80);
    int rate = 2 + (int)(next_rand(seed) % 15);
    for (int i = 0; i < n; i++) {
        lb_buf_printf(e, "line %d\n", i);
        unsigned r = next_rand(seed) % (unsigned)rate;
        if (r == 0)
            continue; /* deleted */
        if (r == 1)
            lb_buf_printf(a, "new before %d\n", i);
        if (r == 2)
            lb_buf_printf(a, "changed %d\n", i);
        else
            lb_buf_printf(a, "line %d\n", i);
    }
    if (next_rand(seed) % 4 == 0)
        lb_buf_puts(a, "appended\n");
}

static void test_agrees_with_gnu_diff(void **state)
{
    (void)state;
    char *probe = gnu_hunks("a\n", "a\n");
    if (!probe)
        skip();
    free(probe);
    unsigned seed = 2024;
    for (int round = 0; round < 60; round++) {
        lb_buf e = LB_BUF_INIT, a = LB_BUF_INIT;
        make_case(&seed, &e, &a);
        char *want = gnu_hunks(lb_buf_str(&e), lb_buf_str(&a));
        assert_non_null(want);
        char *got = hunks(lb_buf_str(&e), lb_buf_str(&a));
        if (strcmp(got, want) != 0)
            fail_msg("round %d differs from diff -u:\n--- expected\n%s\n--- actual\n%s\n--- "
                     "ours\n%s\n--- gnu\n%s",
                     round, lb_buf_str(&e), lb_buf_str(&a), got, want);
        free(want);
        free(got);
        lb_buf_free(&e);
        lb_buf_free(&a);
    }
}

static void test_update(void **state)
{
    (void)state;
    /* Matching (re) lines survive; mismatching ones give way to actual. */
    check_update("pid [0-9]+ (re)\nstatic\ntook [0-9]+ ms (re)\n", "pid 42\nstatic2\ntook 1.5 ms\n",
                 "pid [0-9]+ (re)\nstatic2\ntook 1.5 ms\n");
    check_update("start\nt=[0-9]+ (re)\nend\n", "start\nnew\nt=99\nend\nmore",
                 "start\nnew\nt=[0-9]+ (re)\nend\nmore\n");
    check_update("a\nb\n", "", "");
    check_update("", "x\ny", "x\ny\n");
    check_update("bad[ (re)\n", "bad[\n", "bad[\n");
    /* An update is a fixed point: it matches what it was made from. */
    const char *e = "id [a-f0-9]+ (re)\nsum 3\n";
    const char *a = "id beef\nsum 4\n";
    char *u = update(e, a);
    assert_true(m(u, a));
    free(u);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_large(void **state)
{
    (void)state;
    enum { N = 100000 };
    lb_buf e = LB_BUF_INIT, a = LB_BUF_INIT;
    for (int i = 0; i < N; i++) {
        if (i % 1000 == 0) {
            lb_buf_puts(&e, "tick [0-9]+ (re)\n");
            lb_buf_printf(&a, "tick %d\n", i);
            continue;
        }
        lb_buf_printf(&e, "row %d\n", i);
        if (i == 7 || i == 40001 || i == 99998)
            lb_buf_printf(&a, "ROW %d\n", i);
        else
            lb_buf_printf(&a, "row %d\n", i);
    }
    lb_buf out = LB_BUF_INIT;
    double t0 = now();
    lb_match_diff(e.ptr, e.len, a.ptr, a.len, "e", "a", &out);
    double dt = now() - t0;
    if (dt > 0.5)
        fail_msg("100k-line match diff took %.3f s", dt);
    int nh = 0;
    for (const char *p = strstr(out.ptr, "\n@@ "); p; p = strstr(p + 1, "\n@@ "))
        nh++;
    assert_int_equal(nh, 3);
    assert_non_null(strstr(out.ptr, "@@ -5,7 +5,7 @@\n"));
    assert_non_null(strstr(out.ptr, "-row 40001\n+ROW 40001\n"));
    assert_non_null(strstr(out.ptr, "@@ -99996,5 +99996,5 @@\n"));
    assert_false(lb_match(e.ptr, e.len, a.ptr, a.len));
    lb_buf_free(&out);
    lb_buf_free(&e);
    lb_buf_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_trailing_newline),
        cmocka_unit_test(test_re_lines),
        cmocka_unit_test(test_re_whole_line),
        cmocka_unit_test(test_invalid_re),
        cmocka_unit_test(test_diff_headers),
        cmocka_unit_test(test_diff_middle_change),
        cmocka_unit_test(test_diff_two_hunks),
        cmocka_unit_test(test_diff_merge_threshold),
        cmocka_unit_test(test_diff_edges),
        cmocka_unit_test(test_diff_re_context),
        cmocka_unit_test(test_agrees_with_gnu_diff),
        cmocka_unit_test(test_update),
        cmocka_unit_test(test_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
