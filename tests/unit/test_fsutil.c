/* lb_mkdirs: makes the missing parents, says yes at once to a folder that
 * is there, and fails (ENOTDIR) where a file is in the way of a parent.
 * lb_write_file_if_changed: writes unless the file holds exactly the data,
 * whatever size the old file has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "tmpdir.h"

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_mkdirs(void **state)
{
    char deep[256], file[256], under[300];
    snprintf(deep, sizeof deep, "%s/a/b/c", (const char *)*state);
    assert_int_equal(lb_mkdirs(deep), 0);
    assert_true(is_dir(deep));
    assert_int_equal(lb_mkdirs(deep), 0); /* there already */
    snprintf(file, sizeof file, "%s/a/file", (const char *)*state);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(under, sizeof under, "%s/x/y", file);
    errno = 0;
    assert_int_equal(lb_mkdirs(under), -1);
    assert_int_equal(errno, ENOTDIR);
    /* A file at the path itself is not reported, as mkdir -p would: the
     * caller's next step finds it (make_out_dir names it). */
    assert_int_equal(lb_mkdirs(file), 0);
}

static int holds(const char *path, const char *want)
{
    lb_buf b = LB_BUF_INIT;
    int same =
        lb_read_file(path, &b) == 0 && b.len == strlen(want) && memcmp(b.ptr, want, b.len) == 0;
    lb_buf_free(&b);
    return same;
}

static void test_write_if_changed(void **state)
{
    char path[256];
    snprintf(path, sizeof path, "%s/page.html", (const char *)*state);
    assert_int_equal(lb_write_file_if_changed(path, "abc", 3), 1); /* no file yet */
    assert_true(holds(path, "abc"));
    assert_int_equal(lb_write_file_if_changed(path, "abc", 3), 0); /* the same */
    assert_int_equal(lb_write_file_if_changed(path, "abd", 3), 1); /* same size, other bytes */
    assert_true(holds(path, "abd"));
    assert_int_equal(lb_write_file_if_changed(path, "abdefg", 6), 1); /* longer */
    assert_true(holds(path, "abdefg"));
    assert_int_equal(lb_write_file_if_changed(path, "ab", 2), 1); /* shorter */
    assert_true(holds(path, "ab"));
    assert_int_equal(lb_write_file_if_changed(path, "", 0), 1);
    assert_true(holds(path, ""));
    assert_int_equal(lb_write_file_if_changed(path, "", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mkdirs, tmpdir_setup, tmpdir_teardown),
        cmocka_unit_test_setup_teardown(test_write_if_changed, tmpdir_setup, tmpdir_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
