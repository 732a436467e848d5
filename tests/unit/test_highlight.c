/* Highlighting several listings in one run of source-highlight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fsutil.h"
#include "highlight.h"

static char *cache_dir(void)
{
    char tmpl[] = "/tmp/lbhlXXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return strdup(tmpl);
}

/* What lb_hl_code gives for code in a fresh cache: one run for it alone. */
static char *alone(const char *lang, const char *code)
{
    char *dir = cache_dir();
    lb_highlighter h;
    lb_hl_init(&h, dir);
    lb_buf out = LB_BUF_INIT;
    lb_hl_code(&h, lang, code, &out);
    lb_hl_free(&h);
    lb_remove_tree(dir);
    free(dir);
    return lb_buf_detach(&out);
}

static void batch_is_one_run_and_matches_single_runs(void **state)
{
    (void)state;
    const char *codes[] = {"#include <stdio.h>\nint main(void) { return 0; }\n",
                           "static int x = 1 < 2; /* a comment */\n", "char *s = \"a & b\";\n"};
    char *dir = cache_dir();
    lb_highlighter h;
    lb_hl_init(&h, dir);
    assert_non_null(h.identity); /* make deps installs source-highlight */
    lb_hl_warm(&h, "c", codes, 3);
    assert_int_equal(h.spawned, 1);
    for (size_t i = 0; i < 3; i++) {
        lb_buf out = LB_BUF_INIT;
        lb_hl_code(&h, "c", codes[i], &out);
        char *expect = alone("c", codes[i]);
        assert_string_equal(lb_buf_str(&out), expect);
        free(expect);
        lb_buf_free(&out);
    }
    assert_int_equal(h.spawned, 1); /* all three came from the cache */
    lb_hl_free(&h);
    lb_remove_tree(dir);
    free(dir);
}

/* An unclosed comment would swallow the marker: the batch is not
 * trusted, and every listing is highlighted on its own. */
static void unclosed_comment_falls_back(void **state)
{
    (void)state;
    const char *codes[] = {"int a; /* never closed\n", "int b;\n"};
    char *dir = cache_dir();
    lb_highlighter h;
    lb_hl_init(&h, dir);
    lb_hl_warm(&h, "c", codes, 2);
    assert_int_equal(h.spawned, 3); /* the batch, then one run each */
    lb_buf out = LB_BUF_INIT;
    lb_hl_code(&h, "c", codes[1], &out);
    char *expect = alone("c", codes[1]);
    assert_string_equal(lb_buf_str(&out), expect);
    assert_null(strstr(lb_buf_str(&out), "comment"));
    free(expect);
    lb_buf_free(&out);
    lb_hl_free(&h);
    lb_remove_tree(dir);
    free(dir);
}

static void cached_listings_are_not_run_again(void **state)
{
    (void)state;
    const char *codes[] = {"x = 1\n", "y = 2\n"};
    char *dir = cache_dir();
    lb_highlighter h;
    lb_hl_init(&h, dir);
    lb_hl_warm(&h, "python", codes, 2);
    lb_hl_warm(&h, "python", codes, 2);
    assert_int_equal(h.spawned, 1);
    lb_hl_free(&h);
    lb_remove_tree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_is_one_run_and_matches_single_runs),
        cmocka_unit_test(unclosed_comment_falls_back),
        cmocka_unit_test(cached_listings_are_not_run_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
