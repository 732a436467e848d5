#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "diff.h"

static bool bytes_eq(const lb_line *a, const lb_line *b, void *ctx)
{
    size_t *calls = ctx;
    if (calls)
        (*calls)++;
    return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
}

/* One line per character of s: a compact way to write small sequences. */
static lb_lines chars(const char *s)
{
    lb_lines l;
    l.n = strlen(s);
    l.v = lb_xmalloc((l.n ? l.n : 1) * sizeof *l.v);
    for (size_t i = 0; i < l.n; i++)
        l.v[i] = (lb_line){s + i, 1};
    return l;
}

static size_t lcs_len(const lb_lines *a, const lb_lines *b)
{
    size_t w = b->n + 1;
    size_t *t = lb_xcalloc((a->n + 1) * w, sizeof *t);
    for (size_t i = a->n; i-- > 0;) {
        for (size_t j = b->n; j-- > 0;) {
            size_t best;
            if (bytes_eq(&a->v[i], &b->v[j], NULL))
                best = t[(i + 1) * w + j + 1] + 1;
            else if (t[(i + 1) * w + j] > t[i * w + j + 1])
                best = t[(i + 1) * w + j];
            else
                best = t[i * w + j + 1];
            t[i * w + j] = best;
        }
    }
    size_t r = t[0];
    free(t);
    return r;
}

/* Checks that ops turn a into b, deletions before additions inside each
 * change, and returns the number of edits. */
static size_t check_script(const lb_lines *a, const lb_lines *b, const lb_diff_op *ops, size_t nops)
{
    size_t x = 0, y = 0, edits = 0;
    for (size_t i = 0; i < nops; i++) {
        switch (ops[i].kind) {
        case LB_DIFF_EQ:
            assert_int_equal(ops[i].a, x);
            assert_int_equal(ops[i].b, y);
            assert_true(x < a->n && y < b->n);
            assert_true(bytes_eq(&a->v[x], &b->v[y], NULL));
            x++;
            y++;
            break;
        case LB_DIFF_DEL:
            assert_int_equal(ops[i].a, x);
            assert_true(x < a->n);
            if (i > 0)
                assert_int_not_equal(ops[i - 1].kind, LB_DIFF_ADD);
            x++;
            edits++;
            break;
        case LB_DIFF_ADD:
            assert_int_equal(ops[i].b, y);
            assert_true(y < b->n);
            y++;
            edits++;
            break;
        default:
            fail_msg("bad op kind %d", (int)ops[i].kind);
        }
    }
    assert_int_equal(x, a->n);
    assert_int_equal(y, b->n);
    return edits;
}

/* Diffs, validates, and checks the script is a shortest one. */
static void check_minimal(const lb_lines *a, const lb_lines *b)
{
    lb_diff_op *ops;
    size_t nops;
    lb_diff(a, b, bytes_eq, NULL, &ops, &nops);
    size_t edits = check_script(a, b, ops, nops);
    assert_int_equal(edits, a->n + b->n - 2 * lcs_len(a, b));
    free(ops);
}

static void check_chars(const char *sa, const char *sb)
{
    lb_lines a = chars(sa), b = chars(sb);
    check_minimal(&a, &b);
    lb_lines_free(&a);
    lb_lines_free(&b);
}

static void test_split(void **state)
{
    (void)state;
    lb_lines l;
    lb_lines_split("", 0, &l);
    assert_int_equal(l.n, 0);
    lb_lines_free(&l);

    lb_lines_split("a", 1, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].len, 1);
    lb_lines_free(&l);

    lb_lines_split("a\n", 2, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].len, 1);
    lb_lines_free(&l);

    lb_lines_split("\n", 1, &l);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.v[0].len, 0);
    lb_lines_free(&l);

    static const char text[] = "ab\n\nc\0d\nlast";
    lb_lines_split(text, sizeof text - 1, &l);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[0].len, 2);
    assert_int_equal(l.v[1].len, 0);
    assert_int_equal(l.v[2].len, 3); /* a NUL is an ordinary byte */
    assert_memory_equal(l.v[2].s, "c\0d", 3);
    assert_int_equal(l.v[3].len, 4);
    assert_ptr_equal(l.v[3].s, text + 8);
    lb_lines_free(&l);
    assert_null(l.v);
}

static void test_empty_inputs(void **state)
{
    (void)state;
    lb_lines a = chars(""), b = chars("xyz");
    lb_diff_op *ops;
    size_t nops;

    lb_diff(&a, &a, bytes_eq, NULL, &ops, &nops);
    assert_int_equal(nops, 0);
    free(ops);

    lb_diff(&a, &b, bytes_eq, NULL, &ops, &nops);
    assert_int_equal(nops, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ops[i].kind, LB_DIFF_ADD);
        assert_int_equal(ops[i].b, i);
    }
    free(ops);

    lb_diff(&b, &a, bytes_eq, NULL, &ops, &nops);
    assert_int_equal(nops, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(ops[i].kind, LB_DIFF_DEL);
        assert_int_equal(ops[i].a, i);
    }
    free(ops);
    lb_lines_free(&a);
    lb_lines_free(&b);
}

static void test_identical(void **state)
{
    (void)state;
    lb_lines a = chars("abcabc");
    lb_diff_op *ops;
    size_t nops;
    lb_diff(&a, &a, bytes_eq, NULL, &ops, &nops);
    assert_int_equal(nops, 6);
    for (size_t i = 0; i < nops; i++) {
        assert_int_equal(ops[i].kind, LB_DIFF_EQ);
        assert_int_equal(ops[i].a, i);
        assert_int_equal(ops[i].b, i);
    }
    free(ops);
    lb_lines_free(&a);
}

static void test_all_different(void **state)
{
    (void)state;
    lb_lines a = chars("abcd"), b = chars("wxyz");
    lb_diff_op *ops;
    size_t nops;
    lb_diff(&a, &b, bytes_eq, NULL, &ops, &nops);
    assert_int_equal(nops, 8);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(ops[i].kind, LB_DIFF_DEL);
        assert_int_equal(ops[i].a, i);
        assert_int_equal(ops[4 + i].kind, LB_DIFF_ADD);
        assert_int_equal(ops[4 + i].b, i);
    }
    free(ops);
    lb_lines_free(&a);
    lb_lines_free(&b);
}

static void test_change_order(void **state)
{
    (void)state;
    /* A replaced middle line: the deletion comes first. */
    lb_lines a = chars("abc"), b = chars("aXc");
    lb_diff_op *ops;
    size_t nops;
    lb_diff(&a, &b, bytes_eq, NULL, &ops, &nops);
    assert_int_equal(nops, 4);
    assert_int_equal(ops[0].kind, LB_DIFF_EQ);
    assert_int_equal(ops[1].kind, LB_DIFF_DEL);
    assert_int_equal(ops[1].a, 1);
    assert_int_equal(ops[2].kind, LB_DIFF_ADD);
    assert_int_equal(ops[2].b, 1);
    assert_int_equal(ops[3].kind, LB_DIFF_EQ);
    free(ops);
    lb_lines_free(&a);
    lb_lines_free(&b);
}

static void test_known_cases(void **state)
{
    (void)state;
    /* The example from Myers' paper: D = 5. */
    check_chars("abcabba", "cbabac");
    check_chars("a", "b");
    check_chars("ab", "ba");
    check_chars("xp", "qpqqq");
    check_chars("aaaa", "aa");
    check_chars("abababab", "babababa");
}

/* Every pair of sequences over a three-letter alphabet up to length 5: a
 * small space, but it holds every shape of boundary case the search has. */
static void test_exhaustive_small(void **state)
{
    (void)state;
    enum { MAXLEN = 5 };
    char sa[MAXLEN + 1], sb[MAXLEN + 1];
    for (int la = 0; la <= MAXLEN; la++) {
        int na = 1;
        for (int i = 0; i < la; i++)
            na *= 3;
        for (int ia = 0; ia < na; ia++) {
            for (int i = 0, v = ia; i < la; i++, v /= 3)
                sa[i] = (char)('a' + v % 3);
            sa[la] = '\0';
            for (int lb = 0; lb <= MAXLEN; lb++) {
                int nb = 1;
                for (int i = 0; i < lb; i++)
                    nb *= 3;
                for (int ib = 0; ib < nb; ib++) {
                    for (int i = 0, v = ib; i < lb; i++, v /= 3)
                        sb[i] = (char)('a' + v % 3);
                    sb[lb] = '\0';
                    check_chars(sa, sb);
                }
            }
        }
    }
}

static void test_random_medium(void **state)
{
    (void)state;
    srand(12345);
    char sa[201], sb[201];
    for (int round = 0; round < 400; round++) {
        int alpha = 2 + rand() % 6;
        int la = rand() % 200, lb = rand() % 200;
        if (round % 2) {
            /* b as an edited copy of a, the common case for real diffs. */
            lb = 0;
            for (int i = 0; i < la && lb < 200; i++) {
                int r = rand() % 10;
                sa[i] = (char)('a' + rand() % alpha);
                if (r == 0)
                    continue;
                if (r == 1 && lb < 199)
                    sb[lb++] = (char)('A' + rand() % alpha);
                sb[lb++] = sa[i];
            }
        } else {
            for (int i = 0; i < la; i++)
                sa[i] = (char)('a' + rand() % alpha);
            for (int i = 0; i < lb; i++)
                sb[i] = (char)('a' + rand() % alpha);
        }
        sa[la] = '\0';
        sb[lb] = '\0';
        check_chars(sa, sb);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_large_few_changes(void **state)
{
    (void)state;
    enum { N = 100000 };
    lb_buf ta = LB_BUF_INIT, tb = LB_BUF_INIT;
    for (int i = 0; i < N; i++) {
        lb_buf_printf(&ta, "line %d\n", i);
        if (i == 10 || i == 50000) /* two changed lines */
            lb_buf_printf(&tb, "changed %d\n", i);
        else if (i != 99990) /* one deleted line */
            lb_buf_printf(&tb, "line %d\n", i);
    }
    lb_lines a, b;
    lb_lines_split(ta.ptr, ta.len, &a);
    lb_lines_split(tb.ptr, tb.len, &b);
    size_t calls = 0;
    lb_diff_op *ops;
    size_t nops;
    double t0 = now();
    lb_diff(&a, &b, bytes_eq, &calls, &ops, &nops);
    double dt = now() - t0;
    assert_int_equal(check_script(&a, &b, ops, nops), 5);
    /* O((N+M)D) with a small D is a few comparisons per line. */
    assert_true(calls < 10 * (size_t)N);
    if (dt > 0.5)
        fail_msg("100k-line diff took %.3f s", dt);
    free(ops);
    lb_lines_free(&a);
    lb_lines_free(&b);
    lb_buf_free(&ta);
    lb_buf_free(&tb);
}

/* Past the exact search's cost bound: still a valid script, and quick. */
static void test_large_very_different(void **state)
{
    (void)state;
    enum { N = 100000 };
    lb_buf ta = LB_BUF_INIT, tb = LB_BUF_INIT;
    for (int i = 0; i < N; i++) {
        lb_buf_printf(&ta, "old %d\n", i);
        lb_buf_printf(&tb, "new %d\n", i);
    }
    lb_lines a, b;
    lb_lines_split(ta.ptr, ta.len, &a);
    lb_lines_split(tb.ptr, tb.len, &b);
    lb_diff_op *ops;
    size_t nops;
    double t0 = now();
    lb_diff(&a, &b, bytes_eq, NULL, &ops, &nops);
    double dt = now() - t0;
    assert_int_equal(check_script(&a, &b, ops, nops), 2 * N);
    if (dt > 10)
        fail_msg("100k-line diff of unrelated texts took %.3f s", dt);
    free(ops);
    lb_lines_free(&a);
    lb_lines_free(&b);
    lb_buf_free(&ta);
    lb_buf_free(&tb);
}

static void test_many_edits_valid(void **state)
{
    (void)state;
    enum { N = 6000 };
    static char sa[N + 1], sb[N + 1];
    srand(99);
    for (int i = 0; i < N; i++) {
        sa[i] = (char)('a' + rand() % 4);
        sb[i] = (char)('a' + rand() % 4);
    }
    lb_lines a = chars(sa), b = chars(sb);
    lb_diff_op *ops;
    size_t nops;
    lb_diff(&a, &b, bytes_eq, NULL, &ops, &nops);
    size_t edits = check_script(&a, &b, ops, nops);
    /* Random 4-letter texts share roughly 65% as a subsequence; settling
     * must not throw most of that away. */
    assert_true(edits < N);
    free(ops);
    lb_lines_free(&a);
    lb_lines_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_all_different),
        cmocka_unit_test(test_change_order),
        cmocka_unit_test(test_known_cases),
        cmocka_unit_test(test_exhaustive_small),
        cmocka_unit_test(test_random_medium),
        cmocka_unit_test(test_large_few_changes),
        cmocka_unit_test(test_large_very_different),
        cmocka_unit_test(test_many_edits_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
