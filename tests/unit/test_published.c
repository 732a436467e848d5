/* The results file: escaping, records, malformed input, long text, and
 * what litbook.h writes into it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "litbook.h"
#include "published.h"

static int parse(const char *text, lb_result *r, char *err, size_t n)
{
    memset(r, 0, sizeof *r);
    err[0] = '\0';
    return lb_pub_parse(text, strlen(text), r, err, n);
}

static void escape_round_trip(void **state)
{
    (void)state;
    char all[256];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = '\0';
    for (int esc_space = 0; esc_space < 2; esc_space++) {
        lb_buf e = LB_BUF_INIT, u = LB_BUF_INIT;
        lb_pub_escape(all, 255, esc_space, &e);
        assert_null(strchr(e.ptr, '\n'));
        assert_null(strchr(e.ptr, '\r'));
        assert_null(strchr(e.ptr, '\t'));
        if (esc_space)
            assert_null(strchr(e.ptr, ' '));
        assert_int_equal(lb_pub_unescape(e.ptr, e.len, &u), 0);
        assert_int_equal(u.len, 255);
        assert_memory_equal(u.ptr, all, 255);
        lb_buf_free(&e);
        lb_buf_free(&u);
    }
    lb_buf e = LB_BUF_INIT;
    lb_pub_escape("a\\b\nc", 5, 0, &e);
    assert_string_equal(e.ptr, "a\\\\b\\nc");
    lb_buf_free(&e);
}

static void unescape_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"\\q", "end\\", "\\x4", "\\x00", "\\xzz", "\\x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lb_buf u = LB_BUF_INIT;
        assert_int_equal(lb_pub_unescape(bad[i], strlen(bad[i]), &u), -1);
        lb_buf_free(&u);
    }
    lb_buf u = LB_BUF_INIT;
    assert_int_equal(lb_pub_unescape("a\0b", 3, &u), -1); /* a raw NUL */
    lb_buf_free(&u);
}

static void records(void **state)
{
    (void)state;
    lb_result r;
    char err[256];
    assert_int_equal(parse("value naive_us 12.3\n"
                           "claim held 42 flat: max/min = 1.02 \\x3c 1.3\n"
                           "value empty \n"
                           "value naive_us 12.5\n"
                           "value jit-us 0.7 ms \\\\ \\t\n"
                           "claim failed 7 it did not\\nhold\n",
                           &r, err, sizeof err),
                     0);
    assert_int_equal(r.nvalues, 3); /* naive_us twice: one value, the last text */
    assert_string_equal(r.values[0].key, "naive_us");
    assert_string_equal(r.values[0].text, "12.5");
    assert_string_equal(r.values[1].key, "empty");
    assert_string_equal(r.values[1].text, "");
    assert_string_equal(r.values[2].text, "0.7 ms \\ \t");
    assert_non_null(lb_pub_find(&r, "jit-us"));
    assert_null(lb_pub_find(&r, "jit"));
    assert_int_equal(r.nclaims, 2);
    assert_true(r.claims[0].held);
    assert_int_equal(r.claims[0].line, 42);
    assert_string_equal(r.claims[0].text, "flat: max/min = 1.02 < 1.3");
    assert_false(r.claims[1].held);
    assert_int_equal(r.claims[1].line, 7);
    assert_string_equal(r.claims[1].text, "it did not\nhold");

    /* What the cache and the recording store reads back the same. */
    lb_buf f = LB_BUF_INIT;
    lb_pub_format_value(&r.values[2], &f);
    assert_string_equal(f.ptr, "jit-us 0.7 ms \\\\ \\t");
    lb_buf_reset(&f);
    lb_pub_format_claim(&r.claims[1], &f);
    assert_string_equal(f.ptr, "failed 7 it did not\\nhold");
    lb_result r2;
    memset(&r2, 0, sizeof r2);
    assert_int_equal(lb_pub_add(&r2, "claim", f.ptr, f.len, err, sizeof err), 0);
    assert_string_equal(r2.claims[0].text, "it did not\nhold");
    lb_buf_free(&f);
    lb_result_free(&r2);
    lb_result_free(&r);
}

static void malformed(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"value k\n", "line 1: a value record without its text"},
        {"value ok 1\nvalue two\\x20words 2\n", "line 2: 'two words' is not a value name"},
        {"value a.b 1\n", "line 1: 'a.b' is not a value name"},
        {"value \\q 1\n", "line 1: '' is not a value name"},
        {"value k bad\\escape\n", "line 1: the text of value 'k' is not escaped properly"},
        {"claim maybe 3 x\n", "line 1: a claim record is 'claim held|failed LINE TEXT'"},
        {"claim held x text\n", "line 1: a claim record without its line number or text"},
        {"claim held 3\n", "line 1: a claim record without its line number or text"},
        {"claim held 3 \\\n", "line 1: the text of the claim at line 3 is not escaped properly"},
        {"bogus 1 2\n", "line 1: unknown record 'bogus'"},
        {"valueless\n", "line 1: not a record"},
        {"\n", "line 1: not a record"},
        {"value k 1\nvalue j 2", "line 2: an incomplete record (no newline at its end)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lb_result r;
        char err[256];
        assert_int_equal(parse(cases[i].text, &r, err, sizeof err), -1);
        if (strncmp(err, cases[i].msg, strlen(cases[i].msg)) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, cases[i].msg);
        lb_result_free(&r);
    }
    /* A NUL byte inside a record: the text is a C string. */
    lb_result r;
    memset(&r, 0, sizeof r);
    char err[256];
    assert_int_equal(lb_pub_parse("value k a\0b\n", 12, &r, err, sizeof err), -1);
    lb_result_free(&r);
}

static void long_text(void **state)
{
    (void)state;
    size_t n = 300000;
    char *text = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)(i % 7 == 0 ? '\n' : 'a' + (char)(i % 26));
    text[n] = '\0';
    lb_pub_value v = {"big", text};
    lb_buf rec = LB_BUF_INIT;
    lb_buf_puts(&rec, "value ");
    lb_pub_format_value(&v, &rec);
    lb_buf_putc(&rec, '\n');
    lb_result r;
    memset(&r, 0, sizeof r);
    char err[256];
    assert_int_equal(lb_pub_parse(rec.ptr, rec.len, &r, err, sizeof err), 0);
    assert_int_equal(r.nvalues, 1);
    assert_string_equal(r.values[0].text, text);
    lb_result_free(&r);
    lb_buf_free(&rec);
    free(text);
}

static void too_many_values(void **state)
{
    (void)state;
    lb_buf t = LB_BUF_INIT;
    for (int i = 0; i <= LB_RESULTS_MAX_VALUES; i++)
        lb_buf_printf(&t, "value k%d %d\n", i, i);
    lb_result r;
    memset(&r, 0, sizeof r);
    char err[256];
    assert_int_equal(lb_pub_parse(t.ptr, t.len, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 10000 values"));
    assert_int_equal(r.nvalues, LB_RESULTS_MAX_VALUES);
    lb_result_free(&r);
    lb_buf_free(&t);
}

/* litbook.h writes what the parser reads, whatever the text holds. */
static void header_writes_records(void **state)
{
    (void)state;
    char dir[] = "/tmp/lb-published-XXXXXX";
    assert_non_null(mkdtemp(dir));
    lb_buf path = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/" LB_RESULTS_FILE, dir);
    setenv(LB_RESULTS_ENV, path.ptr, 1);
    lb_value("naive_us", "%.1f", 12.34);
    lb_value("odd", "%s", "a\nb\\c\td \x01 é <&>");
    int line = __LINE__ + 1;
    assert_int_equal(lb_claim(6 * 7 == 42, "the answer is %d", 6 * 7), 1);
    assert_int_equal(lb_claim(0, "%s", "false"), 0);
    lb_result r;
    memset(&r, 0, sizeof r);
    char err[256];
    assert_int_equal(lb_pub_collect(dir, &r, err, sizeof err), 0);
    assert_int_equal(access(path.ptr, F_OK), -1); /* read once, then gone */
    assert_int_equal(r.nvalues, 2);
    assert_string_equal(lb_pub_find(&r, "naive_us")->text, "12.3");
    assert_string_equal(lb_pub_find(&r, "odd")->text, "a\nb\\c\td \x01 é <&>");
    assert_int_equal(r.nclaims, 2);
    assert_int_equal(r.claims[0].line, line);
    assert_true(r.claims[0].held);
    assert_string_equal(r.claims[0].text, "the answer is 42");
    assert_false(r.claims[1].held);
    lb_result_free(&r);

    /* A key that is no name reaches the parser whole, and is refused. */
    lb_value("two words", "%d", 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(lb_pub_collect(dir, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "'two words' is not a value name"));
    lb_result_free(&r);

    /* No file: nothing published, no error. */
    memset(&r, 0, sizeof r);
    assert_int_equal(lb_pub_collect(dir, &r, err, sizeof err), 0);
    assert_int_equal(r.nvalues + r.nclaims, 0);
    unsetenv(LB_RESULTS_ENV);
    lb_value("nowhere", "%d", 1); /* outside litbook: no file appears */
    assert_int_equal(access(path.ptr, F_OK), -1);
    rmdir(dir);
    lb_buf_free(&path);
}

static void collect_refuses_huge(void **state)
{
    (void)state;
    char dir[] = "/tmp/lb-published-XXXXXX";
    assert_non_null(mkdtemp(dir));
    lb_buf path = LB_BUF_INIT, t = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/" LB_RESULTS_FILE, dir);
    while (t.len <= LB_RESULTS_MAX_BYTES)
        lb_buf_puts(&t, "value k 0123456789012345678901234567890123456789\n");
    assert_int_equal(lb_write_file_atomic(path.ptr, t.ptr, t.len), 0);
    lb_result r;
    memset(&r, 0, sizeof r);
    char err[256];
    assert_int_equal(lb_pub_collect(dir, &r, err, sizeof err), -1);
    assert_non_null(strstr(err, "more than 1048576 bytes"));
    lb_result_free(&r);
    rmdir(dir);
    lb_buf_free(&path);
    lb_buf_free(&t);
}

static void claim_column(void **state)
{
    (void)state;
    const char *c = "    lb_claim(x < 1.3, \"flat\");";
    assert_int_equal(lb_pub_claim_column(c, strlen(c)), 5);
    const char *py = "if ok: litbook.claim(ok, 'x')";
    assert_int_equal(lb_pub_claim_column(py, strlen(py)), 8);
    assert_int_equal(lb_pub_claim_column("nothing here", 12), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_round_trip),
        cmocka_unit_test(unescape_rejects),
        cmocka_unit_test(records),
        cmocka_unit_test(malformed),
        cmocka_unit_test(long_text),
        cmocka_unit_test(too_many_values),
        cmocka_unit_test(header_writes_records),
        cmocka_unit_test(collect_refuses_huge),
        cmocka_unit_test(claim_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
