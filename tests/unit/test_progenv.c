/* The environment that programs read through litbook.h and litbook.py is
 * in every key (issue 16): each variable the embedded helpers name is
 * listed, and setting one changes what keys hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "progenv.h"
#include "render.h"

static int listed(const char *name, size_t n)
{
    for (size_t i = 0; lb_program_env[i]; i++)
        if (strlen(lb_program_env[i]) == n && strncmp(lb_program_env[i], name, n) == 0)
            return 1;
    return n == strlen("LITBOOK_RESULTS") && strncmp(name, "LITBOOK_RESULTS", n) == 0;
}

/* Every quoted "LB_..." or "LITBOOK_..." name in text. */
static int unlisted_names(const char *text)
{
    int bad = 0;
    for (const char *p = text; (p = strchr(p, '"')) != NULL; p++) {
        const char *q = p + 1;
        if (strncmp(q, "LB_", 3) != 0 && strncmp(q, "LITBOOK_", 8) != 0)
            continue;
        size_t n = strspn(q, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (q[n] == '"' && !listed(q, n)) {
            print_error("%.*s is read by a helper but not in lb_program_env\n", (int)n, q);
            bad++;
        }
    }
    return bad;
}

static void every_variable_the_helpers_read_is_listed(void **state)
{
    (void)state;
    assert_int_equal(unlisted_names(lb_litbook_h), 0);
    assert_int_equal(unlisted_names(lb_litbook_py), 0);
    assert_int_equal(unlisted_names("x = getenv(\"LB_NEW\")"), 1); /* the check can fail */
}

static void setting_one_changes_the_description(void **state)
{
    (void)state;
    unsetenv("LB_BENCH_SAMPLES");
    lb_buf a = LB_BUF_INIT, b = LB_BUF_INIT, c = LB_BUF_INIT;
    lb_program_env_describe(&a);
    setenv("LB_BENCH_SAMPLES", "3", 1);
    lb_program_env_describe(&b);
    setenv("LB_BENCH_SAMPLES", "", 1);
    lb_program_env_describe(&c);
    unsetenv("LB_BENCH_SAMPLES");
    assert_string_not_equal(a.ptr, b.ptr);
    assert_string_not_equal(a.ptr, c.ptr);
    assert_non_null(strstr(b.ptr, "LB_BENCH_SAMPLES=3\n"));
    lb_buf_free(&a);
    lb_buf_free(&b);
    lb_buf_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_variable_the_helpers_read_is_listed),
        cmocka_unit_test(setting_one_changes_the_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
