/* Position-independent programs and the relocation of cached messages
 * (issue 16): the key's text does not change when prose moves the chunks,
 * and a stored message follows the chunk it names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assemble.h"
#include "relocate.h"

static const char two[] = "# T\n"                     /* 1 */
                          "\n"                        /* 2 */
                          "```c {#main}\n"            /* 3 */
                          "int main(void)\n"          /* 4 */
                          "{\n"                       /* 5 */
                          "    <<body>>\n"            /* 6 */
                          "}\n"                       /* 7 */
                          "```\n"                     /* 8 */
                          "\n"                        /* 9 */
                          "```c {#body eval=false}\n" /* 10 */
                          "f();\n"                    /* 11 */
                          "```\n";

static void load(const char *prose, lb_chapter *ch)
{
    lb_buf text = LB_BUF_INIT;
    lb_buf_puts(&text, "# T\n");
    lb_buf_puts(&text, prose);
    lb_buf_puts(&text, two + 4);
    lb_diag d;
    assert_int_equal(lb_chapter_load_mem("ch.md", text.ptr, text.len, ch, &d), 0);
    lb_buf_free(&text);
}

static char *relative(lb_chapter *ch, char *used)
{
    lb_buf out = LB_BUF_INIT;
    lb_assemble_opts o = {.line_directives = 1, .relative = 1, .used = used};
    lb_diag d;
    assert_int_equal(lb_assemble(ch, lb_chapter_find(ch, "main"), &o, &out, &d), 0);
    return lb_buf_detach(&out);
}

static void relative_text_ignores_prose(void **state)
{
    (void)state;
    lb_chapter a, b;
    load("", &a);
    load("more\n\nprose\n\n", &b);
    char used[2] = {0, 0};
    char *sa = relative(&a, used), *sb = relative(&b, NULL);
    assert_string_equal(sa, sb);
    assert_string_equal(sa, "#line 1 \"@main\"\nint main(void)\n{\n#line 1 \"@body\"\n    f();\n"
                            "#line 4 \"@main\"\n}\n");
    assert_int_equal(used[0] && used[1], 1);
    free(sa);
    free(sb);
    lb_chapter_free(&a);
    lb_chapter_free(&b);
}

static void messages_follow_their_chunk(void **state)
{
    (void)state;
    lb_chapter old, now;
    load("", &old);
    load("1\n2\n3\n", &now); /* main moves by 3 lines */
    char used[2] = {1, 1};
    lb_buf origins = LB_BUF_INIT;
    lb_origins_describe(&old, lb_chapter_find(&old, "main"), used, NULL, &origins);
    assert_string_equal(origins.ptr, "4 4 \n11 1 body\n");
    int changed = 0;
    char *r = lb_relocate_text(&now, lb_chapter_find(&now, "main"), origins.ptr,
                               "ch.md:11:1: warning: unused\n   11 | f();\n"
                               "line 5: claim failed: x\n"
                               "  File \"ch.md\", line 4, in <module>\n"
                               "other.md:11:1 ch.md:99: outside every chunk\n",
                               &changed);
    assert_string_equal(r, "ch.md:14:1: warning: unused\n   14 | f();\n"
                           "line 8: claim failed: x\n"
                           "  File \"ch.md\", line 7, in <module>\n"
                           "other.md:11:1 ch.md:99: outside every chunk\n");
    assert_int_equal(changed, 4);
    free(r);
    /* a damaged origin is ignored, never a crash */
    r = lb_relocate_text(&now, lb_chapter_find(&now, "main"), "x\n-1 2 \n4 3 nosuch\n4",
                         "ch.md:5:\n", &changed);
    assert_string_equal(r, "ch.md:5:\n");
    assert_int_equal(changed, 0);
    free(r);
    lb_buf_free(&origins);
    lb_chapter_free(&old);
    lb_chapter_free(&now);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(relative_text_ignores_prose),
        cmocka_unit_test(messages_follow_their_chunk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
