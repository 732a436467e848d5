/* nest: which of the worker's mounts a chunk gets again below its fresh
 * /tmp and /dev/shm (lb_nest_below). The mounts themselves are made for
 * real by every sandboxed chunk of the end-to-end suites. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "nest.h"

/* A worker's view of a book in /tmp/sx, as bwrap leaves it. */
static const char *const INFO =
    "22 1 254:0 / / ro,nosuid - ext4 /dev/vda rw\n"
    "30 22 0:40 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw\n"
    "31 30 0:41 / /tmp/sx/out rw,nosuid,nodev - tmpfs tmpfs rw\n"
    "32 31 254:0 /tmp/sx/out/.cache/include /tmp/sx/out/.cache/include ro - ext4 /dev/vda rw\n"
    "33 31 254:0 /tmp/sx/out/.cache/tmp /tmp/sx/out/.cache/tmp rw - ext4 /dev/vda rw\n"
    "34 30 254:0 /tmp/sx/chapters /tmp/sx/chapters ro - ext4 /dev/vda rw\n"
    "35 22 0:42 / /tmp2 rw - tmpfs tmpfs rw\n"
    "36 30 254:0 /tmp/a\\040b /tmp/a\\040b ro - ext4 /dev/vda rw\n"
    "37 30 254:0 /tmp/sx/chapters /tmp/sx/chapters ro - ext4 /dev/vda rw\n"
    "38 22 0:43 / /dev/shm rw - tmpfs tmpfs rw\n"
    "39 38 254:0 /x /dev/shm/x ro - ext4 /dev/vda rw\n"
    /* The host's own mount in its /tmp, covered by the worker's /tmp. */
    "40 22 0:44 / /tmp/litbook-full.x rw - tmpfs tmpfs rw\n"
    /* A shown file removed from the host since. */
    "41 30 254:0 /tmp/gone /tmp/gone//deleted ro - ext4 /dev/vda rw\n"
    /* Stacked on /dev/shm after its submount: the new top, listed last. */
    "42 38 0:45 / /dev/shm rw - tmpfs tmpfs rw\n"
    "43 42 254:0 /y /dev/shm/y ro - ext4 /dev/vda rw\n";

/* The i-th entry of a NUL-separated list. */
static const char *entry(const char *list, size_t i)
{
    while (i--)
        list += strlen(list) + 1;
    return list;
}

/* lb_nest_below(INFO, dir) succeeds with exactly the mount points want
 * (NULL-terminated), in that order. */
static void assert_below(const char *dir, const char *const *want)
{
    char out[1024];
    size_t n = 99, k = 0;
    assert_int_equal(lb_nest_below(INFO, dir, out, sizeof out, &n), 0);
    while (want[k])
        k++;
    assert_int_equal(n, k);
    for (size_t i = 0; i < k; i++)
        assert_string_equal(entry(out, i), want[i]);
}

static void test_outermost_below_tmp_in_order(void **state)
{
    (void)state;
    /* Not /tmp itself, nor /tmp2; what lies in /tmp/sx/out comes with it;
     * a mount stacked twice on one path is taken once; escapes undone;
     * not the host's mount that the worker's /tmp covers, nor a removed
     * one. */
    assert_below("/tmp",
                 (const char *const[]){"/tmp/sx/out", "/tmp/sx/chapters", "/tmp/a b", NULL});
}

static void test_other_folders(void **state)
{
    (void)state;
    /* The mount on top at /dev/shm decides: /dev/shm/x is under the one it
     * covers. */
    assert_below("/dev/shm", (const char *const[]){"/dev/shm/y", NULL});
    assert_below("/proc", (const char *const[]){NULL});
    /* A mount below a listed one of another folder is below it too. */
    assert_below("/tmp/sx/out", (const char *const[]){"/tmp/sx/out/.cache/include",
                                                      "/tmp/sx/out/.cache/tmp", NULL});
}

static void test_too_many_for_the_room(void **state)
{
    (void)state;
    char out[20]; /* "/tmp/sx/out" fits, "/tmp/sx/chapters" does not */
    size_t n = 0;
    assert_int_equal(lb_nest_below(INFO, "/tmp", out, sizeof out, &n), -1);
}

static void test_a_folder_that_is_no_mount_point(void **state)
{
    (void)state;
    /* /tmp/sx is a folder of /tmp's tmpfs: the outermost below it. */
    assert_below("/tmp/sx", (const char *const[]){"/tmp/sx/out", "/tmp/sx/chapters", NULL});
}

static void test_a_line_without_a_mount_point(void **state)
{
    (void)state;
    char out[64];
    size_t n = 99;
    assert_int_equal(lb_nest_below("1 2 3\n\n4 5 6:7 / /tmp/y rw\n", "/tmp", out, sizeof out, &n),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(entry(out, 0), "/tmp/y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outermost_below_tmp_in_order),
        cmocka_unit_test(test_other_folders),
        cmocka_unit_test(test_too_many_for_the_room),
        cmocka_unit_test(test_a_folder_that_is_no_mount_point),
        cmocka_unit_test(test_a_line_without_a_mount_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
