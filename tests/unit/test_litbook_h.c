/* The timing header chunks include: clock, calibration, TSV output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "litbook.h"

static void spin_ns(uint64_t ns)
{
    uint64_t t0 = lb_now_ns();
    while (lb_now_ns() - t0 < ns) {
    }
}

static void clock_advances(void **state)
{
    (void)state;
    uint64_t a = lb_now_ns();
    spin_ns(100000);
    uint64_t b = lb_now_ns();
    assert_true(b - a >= 100000);
    assert_true(b - a < 50000000); /* not absurdly more */
}

/* A body of known cost (about 2 us of spinning) must measure near it, and
 * the calibration must have made each sample at least as long as asked. */
static void calibration_measures_known_cost(void **state)
{
    (void)state;
    lb_bench b;
    lb_bench_start(&b, "spin");
    b.min_sample_ns = 1e6;
    b.samples = 7;
    int samples = 0;
    while (lb_bench_next(&b)) {
        for (uint64_t i = 0; i < b.iters; i++)
            spin_ns(2000);
        samples++;
    }
    /* Within a sane factor: a loaded machine preempts some samples, and the
     * median must shrug that off, but not by a factor of ten. */
    assert_true(b.median_ns >= 1900);
    assert_true(b.median_ns < 20000);
    assert_true(b.min_ns <= b.q1_ns && b.q1_ns <= b.median_ns);
    assert_true(b.median_ns <= b.q3_ns && b.q3_ns <= b.max_ns);
    assert_true((double)b.iters * b.median_ns >= 0.8 * b.min_sample_ns);
    assert_true(samples >= 7); /* calibration rounds come on top */
}

static void tiny_body_gets_many_iterations(void **state)
{
    (void)state;
    lb_bench b;
    lb_bench_start(&b, "add");
    b.min_sample_ns = 1e6;
    b.samples = 5;
    uint64_t x = 0;
    while (lb_bench_next(&b))
        for (uint64_t i = 0; i < b.iters; i++) {
            x += i;
            lb_keep(x);
        }
    assert_true(b.iters > 1000);
    assert_true(b.median_ns > 0 && b.median_ns < 1000);
}

static void tsv_format(void **state)
{
    (void)state;
    lb_bench b;
    lb_bench_start(&b, "a label");
    b.min_sample_ns = 1e5;
    b.samples = 3;
    while (lb_bench_next(&b))
        for (uint64_t i = 0; i < b.iters; i++)
            spin_ns(100);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    lb_bench_print_header(f);
    lb_bench_print(f, &b);
    fclose(f);
    assert_string_equal(strtok(text, "\n"),
                        "# label\tmedian_ns\tmin_ns\tq1_ns\tq3_ns\tmax_ns\titers\tsamples");
    char *line = strtok(NULL, "\n");
    assert_non_null(line);
    int fields = 1;
    for (char *p = line; *p; p++)
        fields += *p == '\t';
    assert_int_equal(fields, 8);
    assert_memory_equal(line, "a label\t", 8);
    assert_string_equal(strrchr(line, '\t'), "\t3"); /* the samples column */
    free(text);
}

static void environment_sets_samples(void **state)
{
    (void)state;
    setenv("LB_BENCH_SAMPLES", "4", 1);
    setenv("LB_BENCH_MIN_MS", "1", 1);
    lb_bench b;
    lb_bench_start(&b, "env");
    assert_int_equal(b.samples, 4);
    assert_true(b.min_sample_ns == 1e6);
    unsetenv("LB_BENCH_SAMPLES");
    unsetenv("LB_BENCH_MIN_MS");
    lb_bench_start(&b, "defaults");
    assert_int_equal(b.samples, 21);
    assert_true(b.min_sample_ns == 5e6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clock_advances),
        cmocka_unit_test(calibration_measures_known_cost),
        cmocka_unit_test(tiny_body_gets_many_iterations),
        cmocka_unit_test(tsv_format),
        cmocka_unit_test(environment_sets_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
