/* watch: how long lb_watch_wait waits after a save, in a folder of its own
 * under /tmp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "watch.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct {
    char dir[64];
    char file[96];
    lb_watch *w;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    strcpy(f->dir, "/tmp/litbook-test-watch.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->file, sizeof f->file, "%s/01-a.md", f->dir);
    FILE *fp = fopen(f->file, "w");
    if (!fp)
        return -1;
    fputs("# A\n", fp);
    fclose(fp);
    f->w = lb_watch_new();
    if (!f->w || lb_watch_chapters(f->w, f->dir) < 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    lb_watch_free(f->w);
    lb_remove_tree(f->dir);
    free(f);
    return 0;
}

/* A save (written and closed) is a rebuild after LB_WATCH_SETTLE_MS of
 * quiet, not after the whole quiet_ms (nor the 1 s cap). */
static void save_ends_the_wait_soon(void **state)
{
    fixture *f = *state;
    FILE *fp = fopen(f->file, "w");
    assert_non_null(fp);
    fputs("# A\n\nA prose line.\n", fp);
    fclose(fp);
    char what[256] = "";
    long long t0 = now_ms();
    assert_int_equal(lb_watch_wait(f->w, 2000, NULL, what, sizeof what), 1);
    long long took = now_ms() - t0;
    assert_string_equal(what, f->file);
    if (took > 500)
        fail_msg("a save waited %lld ms for more events (settle: %d ms)", took, LB_WATCH_SETTLE_MS);
}

/* An event that does not end a save (an attribute change) still waits
 * for quiet_ms of quiet: more may follow. */
static void other_events_wait_for_quiet(void **state)
{
    fixture *f = *state;
    assert_int_equal(chmod(f->file, 0600), 0);
    long long t0 = now_ms();
    assert_int_equal(lb_watch_wait(f->w, 300, NULL, NULL, 0), 1);
    long long took = now_ms() - t0;
    if (took < 280)
        fail_msg("an attribute change waited only %lld ms of the 300 ms quiet", took);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(save_ends_the_wait_soon, setup, teardown),
        cmocka_unit_test_setup_teardown(other_events_wait_for_quiet, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
