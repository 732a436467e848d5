#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bwrap.h"

/* Index of the first word equal to w at or after from, or -1. */
static int find(const lb_strv *v, const char *w, size_t from)
{
    for (size_t i = from; i < v->n; i++)
        if (strcmp(v->v[i], w) == 0)
            return (int)i;
    return -1;
}

/* Index of "OPT PATH" (PATH as the next word), or -1. */
static int find_op(const lb_strv *v, const char *opt, const char *path)
{
    for (size_t i = 0; i + 1 < v->n; i++)
        if (strcmp(v->v[i], opt) == 0 && strcmp(v->v[i + 1], path) == 0)
            return (int)i;
    return -1;
}

static void make_cfg(lb_bwrap_cfg *cfg, int as_root)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->bwrap = "/usr/bin/bwrap";
    cfg->runner = "/opt/lb/litbook-runner";
    cfg->as_root = as_root;
    lb_strv_push(&cfg->hide, "/home/u/book/out");
    lb_strv_push(&cfg->hide, "/home/u");
    lb_strv_push(&cfg->show, "/home/u/.local/bin");
}

static void test_mount_order(void **state)
{
    (void)state;
    lb_bwrap_cfg cfg;
    make_cfg(&cfg, 1);
    lb_strv ro = {0};
    lb_strv_push(&ro, "/home/u/book/chapters");
    lb_strv_push(&ro, "/home/u/book/out/.cache/include");
    lb_bwrap_run run = {"/home/u/book/out/.cache/tmp", &ro, 3};
    lb_strv argv = {0};
    lb_bwrap_argv(&cfg, &run, &argv);

    assert_string_equal(argv.v[0], "/usr/bin/bwrap");
    int root = find_op(&argv, "--ro-bind", "/");
    int tmp = find_op(&argv, "--tmpfs", "/tmp");
    int home = find_op(&argv, "--tmpfs", "/home/u");
    int chapters = find_op(&argv, "--ro-bind-try", "/home/u/book/chapters");
    int out = find_op(&argv, "--tmpfs", "/home/u/book/out");
    int inc = find_op(&argv, "--ro-bind-try", "/home/u/book/out/.cache/include");
    int scratch = find_op(&argv, "--bind", "/home/u/book/out/.cache/tmp");
    /* Deeper mounts come later, so they win: home hidden, the chapters
     * shown in it, out/ hidden again, litbook.h and the scratch in it. */
    assert_true(root >= 0 && root < tmp && tmp < home);
    assert_true(home < chapters && home < out && out < inc && inc < scratch);
    assert_true(find_op(&argv, "--ro-bind-try", "/home/u/.local/bin") > home);
    /* The worker's own /tmp and /dev/shm, writable by all (each chunk
     * gets fresh ones, sized: nest.h). */
    assert_true(find_op(&argv, "--tmpfs", "/dev/shm") > 0);
    assert_int_equal(find(&argv, "--size", 0), -1);
    assert_true(find(&argv, "--unshare-net", 0) > 0 && find(&argv, "--unshare-pid", 0) > 0);
    assert_true(find(&argv, "--die-with-parent", 0) > 0 && find(&argv, "--new-session", 0) > 0);
    /* As root: no user namespace; the chunks become nobody, and the
     * worker keeps what making their namespaces takes. */
    assert_int_equal(find(&argv, "--unshare-user", 0), -1);
    assert_true(find_op(&argv, "--cap-add", "CAP_SETUID") > 0);
    assert_true(find_op(&argv, "--cap-add", "CAP_SYS_ADMIN") > 0);
    int dash = find(&argv, "--", 0);
    assert_true(dash > scratch);
    assert_string_equal(argv.v[dash + 1], "/opt/lb/litbook-runner");
    assert_string_equal(argv.v[dash + 2], "__sandbox-worker");
    assert_string_equal(argv.v[dash + 3], "3");
    assert_string_equal(argv.v[dash + 4], "65534");
    assert_string_equal(argv.v[dash + 5], "65534");
    assert_int_equal((int)argv.n, dash + 6); /* the programs come by request */
    lb_strv_free(&argv);
    lb_strv_free(&ro);
    lb_strv_free(&cfg.hide);
    lb_strv_free(&cfg.show);
}

static void test_not_root(void **state)
{
    (void)state;
    lb_bwrap_cfg cfg;
    make_cfg(&cfg, 0);
    lb_bwrap_run run = {"/tmp/b/out/.cache/tmp", NULL, 3};
    lb_strv argv = {0};
    lb_bwrap_argv(&cfg, &run, &argv);
    assert_true(find(&argv, "--unshare-user", 0) > 0);
    assert_true(find(&argv, "--disable-userns", 0) > 0);
    /* Capabilities of bwrap's user namespace only: to make each chunk's
     * namespaces, and to empty the bounding set. No uid change. */
    assert_int_equal(find_op(&argv, "--cap-add", "CAP_SETUID"), -1);
    assert_true(find_op(&argv, "--cap-add", "CAP_SETPCAP") > 0);
    assert_true(find_op(&argv, "--cap-add", "CAP_SYS_ADMIN") > 0);
    int dash = find(&argv, "--", 0);
    assert_string_equal(argv.v[dash + 4], "-1");
    /* /tmp/b is made 0755 in the sandbox's /tmp before the bind below it. */
    int dir = find_op(&argv, "--dir", "/tmp/b");
    assert_true(dir > find_op(&argv, "--tmpfs", "/tmp"));
    assert_true(dir < find_op(&argv, "--bind", "/tmp/b/out/.cache/tmp"));
    assert_string_equal(argv.v[dir - 1], "0755");
    lb_strv_free(&argv);
    lb_strv_free(&cfg.hide);
    lb_strv_free(&cfg.show);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mount_order),
        cmocka_unit_test(test_not_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
