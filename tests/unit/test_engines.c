#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engines.h"

/* Every engine of the registry is found by its own name, and only by it. */
static void test_find_by_name(void **state)
{
    (void)state;
    static const char *const names[] = {"c", "cpp", "gnuplot", "python", "sh"};
    assert_int_equal(lb_engine_count(), sizeof names / sizeof names[0]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const lb_engine_def *e = lb_engine_find(names[i]);
        assert_non_null(e);
        assert_string_equal(e->name, names[i]);
        assert_ptr_equal(lb_engine_at(i), e); /* the table's order */
        assert_non_null(e->key);
        assert_non_null(e->run);
        assert_non_null(e->label);
    }
    assert_null(lb_engine_at(lb_engine_count()));
}

/* Names that are not an engine's: the block is only displayed. A typo
 * is not silently taken for another engine. */
static void test_unknown_name(void **state)
{
    (void)state;
    static const char *const others[] = {"C",    "c++",    "cc",     "Python", "py",
                                         "bash", "shell",  "text",   "output", "",
                                         "c ",   "gnuplo", "pythonx"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_null(lb_engine_find(others[i]));
    assert_null(lb_engine_find(NULL));
}

/* The flags and options that make each engine what the contract says. */
static void test_what_each_takes(void **state)
{
    (void)state;
    const lb_engine_def *c = lb_engine_find("c"), *cpp = lb_engine_find("cpp"),
                        *gp = lb_engine_find("gnuplot"), *py = lb_engine_find("python"),
                        *sh = lb_engine_find("sh");
    /* #line directives: C's syntax, C++'s too; not Python's or bash's. */
    assert_true(c->flags & LB_ENG_LINE_DIRECTIVES);
    assert_true(cpp->flags & LB_ENG_LINE_DIRECTIVES);
    assert_false(py->flags & LB_ENG_LINE_DIRECTIVES);
    assert_false(sh->flags & LB_ENG_LINE_DIRECTIVES);
    assert_true(cpp->flags & LB_ENG_COMPILE);
    assert_false(sh->flags & LB_ENG_COMPILE);
    assert_true(gp->flags & LB_ENG_FIGURE);
    assert_false(sh->flags & LB_ENG_FIGURE);
    /* cpp has c's options; sh those of c that apply to a script. */
    static const char *const all[] = {"eval",   "output", "args",   "stdin", "timeout",
                                      "exit",   "cpu",    "memory", "procs", "filesize",
                                      "maxout", "repeat", "data",   "echo",  NULL};
    for (size_t i = 0; all[i]; i++) {
        assert_true(lb_engine_takes(cpp, all[i]));
        assert_true(lb_engine_takes(sh, all[i]));
    }
    static const char *const compiled[] = {"cflags", "libs", "sanitize", NULL};
    for (size_t i = 0; compiled[i]; i++) {
        assert_true(lb_engine_takes(c, compiled[i]));
        assert_true(lb_engine_takes(cpp, compiled[i]));
        assert_false(lb_engine_takes(sh, compiled[i]));
        assert_false(lb_engine_takes(py, compiled[i]));
    }
    assert_true(lb_engine_takes(py, "requires"));
    assert_false(lb_engine_takes(sh, "requires"));
    assert_false(lb_engine_takes(sh, "caption"));
    assert_true(lb_engine_takes(gp, "caption"));
    assert_false(lb_engine_takes(gp, "timeout"));
    assert_false(lb_engine_takes(c, "no-such-option"));
    /* Values: the engines whose programs publish say how. */
    assert_non_null(sh->value_call);
    assert_non_null(cpp->value_call);
    assert_null(gp->value_call);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_by_name),
        cmocka_unit_test(test_unknown_name),
        cmocka_unit_test(test_what_each_takes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
