/* matchmemo: a remembered match answers only for the very same texts,
 * a mismatch is never remembered, and a memo that cannot be written
 * changes no verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "matchmemo.h"
#include "tmpdir.h"

/* How many verdicts the memo under dir holds. */
static int remembered(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/match", dir);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static bool mm(const char *dir, const char *e, const char *a)
{
    return lb_match_memo(dir, e, strlen(e), a, strlen(a));
}

static void test_match_remembered(void **state)
{
    const char *dir = *state;
    assert_true(mm(dir, "pid [0-9]+ (re)\n", "pid 42\n"));
    assert_int_equal(remembered(dir), 1);
    assert_true(mm(dir, "pid [0-9]+ (re)\n", "pid 42\n"));
    assert_int_equal(remembered(dir), 1); /* found, not written again */
    assert_true(mm(dir, "pid [0-9]+ (re)\n", "pid 43\n"));
    assert_int_equal(remembered(dir), 2);
}

static void test_mismatch_not_remembered(void **state)
{
    const char *dir = *state;
    assert_false(mm(dir, "pid [0-9]+ (re)\n", "pid abc\n"));
    assert_int_equal(remembered(dir), 0);
    assert_false(mm(dir, "a\n", "b\n"));
    assert_int_equal(remembered(dir), 0);
}

/* A remembered match says nothing of other texts: the same actual against
 * an edited block, another actual against the same block, or the same bytes
 * cut elsewhere between the two. */
static void test_other_texts_judged_anew(void **state)
{
    const char *dir = *state;
    assert_true(mm(dir, "pid [0-9]+ (re)\n", "pid 42\n"));
    assert_false(mm(dir, "pid [a-z]+ (re)\n", "pid 42\n"));
    assert_false(mm(dir, "pid [0-9]+ (re)\n", "pid x42\n"));
    assert_true(mm(dir, "ab\n", "ab\n"));
    assert_false(mm(dir, "ab\na", "b\n"));
    assert_false(mm(dir, "a", "b\nab\n"));
    assert_int_equal(remembered(dir), 2);
}

/* A cache folder that cannot hold the memo (a file is in the way): every
 * verdict is made, and right. */
static void test_unwritable(void **state)
{
    const char *dir = *state;
    char file[256];
    snprintf(file, sizeof file, "%s/file", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_true(mm(file, "x [0-9]+ (re)\n", "x 1\n"));
    assert_true(mm(file, "x [0-9]+ (re)\n", "x 1\n"));
    assert_false(mm(file, "x [0-9]+ (re)\n", "x y\n"));
    assert_true(mm(NULL, "x [0-9]+ (re)\n", "x 1\n"));
    assert_false(mm(NULL, "x [0-9]+ (re)\n", "x y\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_match_remembered, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_mismatch_not_remembered, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_other_texts_judged_anew, tmpdir_setup,
                                        tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_unwritable, tmpdir_setup, tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
