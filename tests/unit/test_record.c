#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "record.h"

static void fill_meta(lb_record_meta *m)
{
    memset(m, 0, sizeof *m);
    m->chunk = strdup("chapters/06-x.md#jax-original");
    m->source_hash = strdup("0123456789abcdef0123456789abcdef");
    m->date = strdup("2025-06-01T14:03:22Z");
    m->machine = strdup("gpu-box");
    m->cpu = strdup("AMD EPYC 7763 64-Core Processor");
    m->python = strdup("3.11.2 (/usr/bin/python3)");
    lb_strv_push(&m->modules, "numpy 1.26.4");
    lb_strv_push(&m->modules, "jax 0.4.30");
}

/* Output that would confuse a naive format: blank lines, lines that look
 * like headers or stream markers, and no final newline. */
static const char OUT[] = "NumPy   : 1.234 ms\n\nstderr:\n| not a prefix\nend\nlast";
static const char ERR[] = "warning: something\n";

static void fill_result(lb_result *r)
{
    memset(r, 0, sizeof *r);
    r->out = strdup(OUT);
    r->out_len = strlen(OUT);
    r->err = strdup(ERR);
    r->err_len = strlen(ERR);
    r->exit_code = 3;
    r->first.wall_s = 1.5;
    r->first.cpu_s = 1.25;
    r->first.maxrss_kb = 12345;
    r->runs = calloc(2, sizeof *r->runs);
    r->nruns = 2;
    r->runs[1].wall_s = 0.5;
    r->runs[1].maxrss_kb = 7;
}

static void round_trip(void **state)
{
    (void)state;
    lb_record_meta m, m2;
    lb_result r, r2;
    fill_meta(&m);
    fill_result(&r);
    lb_buf text = LB_BUF_INIT;
    lb_record_format(&m, &r, &text);
    assert_non_null(strstr(text.ptr, "\n|\n")); /* blank line: no trailing space */
    assert_non_null(strstr(text.ptr, "\\ no newline at end\n"));
    assert_int_equal(lb_record_parse(text.ptr, &m2, &r2), 0);
    assert_string_equal(m2.chunk, m.chunk);
    assert_string_equal(m2.source_hash, m.source_hash);
    assert_string_equal(m2.date, m.date);
    assert_string_equal(m2.machine, m.machine);
    assert_string_equal(m2.cpu, m.cpu);
    assert_string_equal(m2.python, m.python);
    assert_int_equal(m2.modules.n, 2);
    assert_string_equal(m2.modules.v[1], "jax 0.4.30");
    assert_int_equal(r2.out_len, strlen(OUT));
    assert_string_equal(r2.out, OUT);
    assert_string_equal(r2.err, ERR);
    assert_int_equal(r2.exit_code, 3);
    assert_int_equal(r2.first.maxrss_kb, 12345);
    assert_true(r2.first.wall_s > 1.49 && r2.first.wall_s < 1.51);
    assert_int_equal(r2.nruns, 2);
    assert_int_equal(r2.runs[1].maxrss_kb, 7);
    assert_int_equal(r2.status, LB_RES_OK);
    assert_int_equal(r2.ran, 1);
    lb_buf again = LB_BUF_INIT;
    lb_record_format(&m2, &r2, &again);
    assert_string_equal(again.ptr, text.ptr);
    lb_buf_free(&again);
    lb_buf_free(&text);
    lb_record_meta_free(&m);
    lb_record_meta_free(&m2);
    lb_result_free(&r);
    lb_result_free(&r2);
}

static void refuses_damaged(void **state)
{
    (void)state;
    lb_record_meta m, m2;
    lb_result r, r2;
    fill_meta(&m);
    fill_result(&r);
    lb_buf text = LB_BUF_INIT;
    lb_record_format(&m, &r, &text);
    /* Cut before "end": a truncated recording is not one. */
    char *cut = strdup(text.ptr);
    cut[strlen(cut) - 4] = '\0';
    assert_int_equal(lb_record_parse(cut, &m2, &r2), -1);
    lb_record_meta_free(&m2);
    lb_result_free(&r2);
    assert_int_equal(lb_record_parse("something else\n", &m2, &r2), -1);
    lb_record_meta_free(&m2);
    lb_result_free(&r2);
    free(cut);
    lb_buf_free(&text);
    lb_record_meta_free(&m);
    lb_result_free(&r);
}

static void label(void **state)
{
    (void)state;
    lb_record_meta m;
    fill_meta(&m);
    lb_buf b = LB_BUF_INIT;
    lb_record_label(&m, &b);
    assert_string_equal(b.ptr, "recorded on gpu-box (AMD EPYC 7763 64-Core Processor), 2025-06-01, "
                               "numpy 1.26.4, jax 0.4.30");
    lb_buf_free(&b);
    lb_record_meta_free(&m);
}

/* apply: current recording used and labelled; stale or absent: not run. */
static void apply(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_record.XXXXXX";
    assert_non_null(mkdtemp(dir));
    lb_buf path = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/recorded/ch/fake.txt", dir);
    lb_record_meta m;
    lb_result r, got = {0};
    fill_meta(&m);
    fill_result(&r);
    lb_record_apply(path.ptr, m.source_hash, "jax is not installed here", &got);
    assert_int_equal(got.status, LB_RES_NOT_RUN);
    assert_string_equal(got.not_run_reason, "jax is not installed here");
    assert_int_equal(lb_record_save(path.ptr, &m, &r), 0);
    lb_record_apply(path.ptr, m.source_hash, "jax is not installed here", &got);
    assert_int_equal(got.status, LB_RES_OK);
    assert_string_equal(got.out, OUT);
    assert_non_null(strstr(got.recorded, "recorded on gpu-box"));
    lb_record_apply(path.ptr, "ffffffffffffffffffffffffffffffff", "jax is not installed here",
                    &got);
    assert_int_equal(got.status, LB_RES_NOT_RUN);
    assert_null(got.out);
    assert_non_null(strstr(got.not_run_reason, "jax is not installed here; the recording"));
    assert_non_null(strstr(got.not_run_reason, "is stale"));
    lb_result_free(&got);
    lb_record_meta_free(&m);
    lb_result_free(&r);
    lb_remove_tree(dir);
    lb_buf_free(&path);
}

/* Values and claims travel with the recorded result, any text intact. */
static void values_and_claims(void **state)
{
    (void)state;
    lb_record_meta m, m2;
    lb_result r, r2;
    fill_meta(&m);
    fill_result(&r);
    r.values = calloc(2, sizeof *r.values);
    r.nvalues = 2;
    r.values[0].key = strdup("jit_us");
    r.values[0].text = strdup("0.101");
    r.values[1].key = strdup("odd");
    r.values[1].text = strdup("two\nlines: | stdout:\\");
    r.claims = calloc(1, sizeof *r.claims);
    r.nclaims = 1;
    r.claims[0].held = 0;
    r.claims[0].line = 31;
    r.claims[0].text = strdup("jit beats numpy: 0.1 < 1.2");
    lb_buf text = LB_BUF_INIT;
    lb_record_format(&m, &r, &text);
    assert_non_null(strstr(text.ptr, "\nvalue: jit_us 0.101\n"));
    assert_non_null(strstr(text.ptr, "\nclaim: failed 31 jit beats numpy: 0.1 < 1.2\n"));
    assert_int_equal(lb_record_parse(text.ptr, &m2, &r2), 0);
    assert_int_equal(r2.nvalues, 2);
    assert_string_equal(r2.values[1].text, "two\nlines: | stdout:\\");
    assert_int_equal(r2.nclaims, 1);
    assert_false(r2.claims[0].held);
    assert_int_equal(r2.claims[0].line, 31);
    assert_string_equal(r2.claims[0].text, "jit beats numpy: 0.1 < 1.2");
    assert_int_equal(r2.out_len, strlen(OUT)); /* the streams are untouched */
    /* A damaged value line makes the recording unusable, not half-read. */
    char *bad = strstr(text.ptr, "value: jit_us");
    memcpy(bad, "value: j\\q_", 12);
    lb_record_meta m3;
    lb_result r3;
    assert_int_equal(lb_record_parse(text.ptr, &m3, &r3), -1);
    lb_record_meta_free(&m3);
    lb_result_free(&r3);
    lb_buf_free(&text);
    lb_record_meta_free(&m);
    lb_record_meta_free(&m2);
    lb_result_free(&r);
    lb_result_free(&r2);
}

static void here(void **state)
{
    (void)state;
    lb_record_meta m = {0};
    lb_record_here(&m);
    assert_true(m.machine && *m.machine);
    assert_true(m.cpu && *m.cpu);
    assert_int_equal(strlen(m.date), 20);
    assert_int_equal(m.date[10], 'T');
    lb_record_meta_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip), cmocka_unit_test(refuses_damaged),
        cmocka_unit_test(label),      cmocka_unit_test(apply),
        cmocka_unit_test(here),       cmocka_unit_test(values_and_claims),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
