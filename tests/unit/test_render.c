#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chapter.h"
#include "diag.h"
#include "highlight.h"
#include "publish.h"
#include "render.h"

static void test_num_frac_width(void **state)
{
    (void)state;
    assert_int_equal(lb_num_frac_width("7"), 0);
    assert_int_equal(lb_num_frac_width("12.5"), 2);
    assert_int_equal(lb_num_frac_width("12.5 ms"), 5);
    assert_int_equal(lb_num_frac_width("3 ms"), 3);
    assert_int_equal(lb_num_frac_width("1,024"), 0);
    assert_int_equal(lb_num_frac_width("5.3e-15"), 6);
    assert_int_equal(lb_num_frac_width("−2.5"), 2);
    assert_int_equal(lb_num_frac_width("16×"), 1); /* a unit counts by characters */
    assert_int_equal(lb_num_frac_width("fork"), -1);
    assert_int_equal(lb_num_frac_width("3 words of text"), -1);
    assert_int_equal(lb_num_frac_width(""), -1);
}

static void test_num_aligned(void **state)
{
    (void)state;
    lb_buf b = LB_BUF_INIT;
    lb_put_num_aligned("0.75", 3, &b);
    assert_string_equal(lb_buf_str(&b), "0.75");
    lb_buf_reset(&b);
    lb_put_num_aligned("1.5", 3, &b);
    assert_string_equal(lb_buf_str(&b), "1.5\u2007");
    lb_buf_reset(&b);
    lb_put_num_aligned("2", 3, &b);
    assert_string_equal(lb_buf_str(&b), "2\u2008\u2007\u2007");
    lb_buf_reset(&b);
    lb_put_num_aligned("<1", 0, &b);
    assert_string_equal(lb_buf_str(&b), "&lt;1");
    lb_buf_free(&b);
}

static void test_svg_ids_unique(void **state)
{
    (void)state;
    lb_buf b = LB_BUF_INIT;
    lb_put_svg("<svg><g id=\"p1\"></g><g id=\"p1\"></g><use xlink:href='#p1'/><path id='p1'/>"
               "<text>id=\"p1\"</text></svg>",
               &b);
    assert_string_equal(lb_buf_str(&b), "<svg><g id=\"p1\"></g><g id=\"p1-2\"></g><use "
                                        "xlink:href='#p1'/><path id='p1-3'/>"
                                        "<text>id=\"p1\"</text></svg>");
    /* Only an attribute named id: the same path data twice (d, a word
     * before it and whitespace, as an SVG laid out one attribute a line
     * has it) is drawing, not an id. */
    lb_buf_reset(&b);
    const char *paths = "<svg><path\n d='M0 0h1'/><path\n d='M0 0h1'/></svg>";
    lb_put_svg(paths, &b);
    assert_string_equal(lb_buf_str(&b), paths);
    lb_buf_free(&b);
}

/* A heading's id: lower-case letters and digits, one dash for each run of
 * spaces, dashes, underscores, slashes and dots between them. */
static void test_slugify(void **state)
{
    (void)state;
    lb_buf b = LB_BUF_INIT;
    lb_slugify("Files_and/Folders.Too -- 2", &b);
    assert_string_equal(lb_buf_str(&b), "files-and-folders-too-2");
    lb_buf_free(&b);
}

static void test_hl_extract(void **state)
{
    (void)state;
    const char *sh = "<!-- Generator: GNU source-highlight 3.1.9\nby Lorenzo Bettini -->\n"
                     "<pre><tt><span class=\"keyword\">int</span><span class=\"normal\"> x "
                     "</span><span class=\"symbol\">=</span><span class=\"normal\"> "
                     "a&lt;b</span>\n</tt></pre>\n";
    lb_buf b = LB_BUF_INIT;
    assert_int_equal(lb_hl_extract(sh, &b), 0);
    assert_string_equal(lb_buf_str(&b),
                        "<span class=\"keyword\">int</span> x <span class=\"symbol\">=</span> "
                        "a&lt;b\n");
    lb_buf_reset(&b);
    assert_int_equal(lb_hl_extract("no markup here", &b), -1);
    lb_buf_free(&b);
}

static void test_hl_plain_without_highlighter(void **state)
{
    (void)state;
    lb_buf b = LB_BUF_INIT;
    lb_hl_code(NULL, "c", "a < b && c", &b);
    assert_string_equal(lb_buf_str(&b), "a &lt; b &amp;&amp; c");
    assert_null(lb_hl_language("gnuplot"));
    assert_string_equal(lb_hl_language("bash"), "sh");
    lb_buf_free(&b);
}

static void test_rewrite_ids(void **state)
{
    (void)state;
    lb_chapter ch[2];
    memset(ch, 0, sizeof ch);
    ch[0].slug = "01-a";
    ch[1].slug = "02-b";
    lb_book book = {0};
    book.chapters = ch;
    book.n = 2;
    lb_buf b = LB_BUF_INIT;
    lb_rewrite_ids("<h2 id=\"x\"><a href=\"#x\">x</a></h2>"
                   "<a href=\"02-b.html\">b</a><a href='02-b.html#y'>y</a>"
                   "<a href=\"index.html\">i</a><a href=\"https://e.org/a.html#z\">e</a>"
                   "<a href=\"other.html#q\">o</a><!-- id=\"c\" --><rect clip-path=\"url(#k)\"/>"
                   "<p>text id=\"t\" href=\"#t\"</p><label for=\"f\">",
                   "01-a", &book, &b);
    assert_string_equal(lb_buf_str(&b),
                        "<h2 id=\"01-a--x\"><a href=\"#01-a--x\">x</a></h2>"
                        "<a href=\"#02-b\">b</a><a href='#02-b--y'>y</a>"
                        "<a href=\"#index\">i</a><a href=\"https://e.org/a.html#z\">e</a>"
                        "<a href=\"other.html#q\">o</a><!-- id=\"c\" --><rect "
                        "clip-path=\"url(#01-a--k)\"/>"
                        "<p>text id=\"t\" href=\"#t\"</p><label for=\"01-a--f\">");
    lb_buf_free(&b);
}

/* The label over each chunk: the engines' languages by their names, and a
 * fence that is only displayed (no engine) by its own language word. */
static void test_lang_labels(void **state)
{
    (void)state;
    static const char text[] = "# L\n\n"
                               "```c {eval=false}\nint x;\n```\n\n"
                               "```python {eval=false}\nx = 1\n```\n\n"
                               "```gnuplot\nplot x\n```\n\n"
                               "```ruby\nputs 1\n```\n\n"
                               "```text\nplain\n```\n";
    static const char *const want[] = {"C", "Python", "gnuplot", "ruby", "text"};
    lb_chapter ch;
    lb_diag d;
    if (lb_chapter_load_mem("chapters/l.md", text, sizeof text - 1, &ch, &d) < 0)
        fail_msg("%d:%d: %s", d.line, d.col, d.msg);
    assert_int_equal(ch.nchunks, 5);
    lb_buf b = LB_BUF_INIT, label = LB_BUF_INIT;
    for (size_t i = 0; i < ch.nchunks; i++) {
        lb_buf_reset(&b);
        lb_render_chunk(&ch, &ch.chunks[i], NULL, &b);
        lb_buf_reset(&label);
        lb_buf_printf(&label, "<span class=\"lang\">%s</span>", want[i]);
        if (!strstr(lb_buf_str(&b), lb_buf_str(&label)))
            fail_msg("chunk %zu: no %s in\n%s", i + 1, lb_buf_str(&label), lb_buf_str(&b));
    }
    lb_buf_free(&label);
    lb_buf_free(&b);
    lb_chapter_free(&ch);
}

/* The line under a chunk: "ran in" (and a non-zero exit status) for a C
 * or a Python chunk that ran, never for one only compiled. */
static void test_meta_ran_in(void **state)
{
    (void)state;
    static const char text[] = "# M\n\n"
                               "```c {exit=3}\nint main(void) { return 3; }\n```\n\n"
                               "```python\nprint(1)\n```\n\n"
                               "```c {eval=compile}\nint f(void) { return 0; }\n```\n";
    lb_chapter ch;
    lb_diag d;
    if (lb_chapter_load_mem("chapters/m.md", text, sizeof text - 1, &ch, &d) < 0)
        fail_msg("%d:%d: %s", d.line, d.col, d.msg);
    assert_int_equal(ch.nchunks, 3);
    static const char *const command[] = {"cc -O2 a.c", "python3 a.py", "cc -c a.c"};
    static const double wall[] = {0.0125, 0.0021, 0.5};
    for (size_t i = 0; i < 3; i++) {
        lb_result *r = &ch.chunks[i].res;
        r->status = LB_RES_OK;
        r->ran = i < 2;
        r->exit_code = i == 0 ? 3 : 0;
        r->command = strdup(command[i]);
        r->first.wall_s = wall[i];
    }
    static const char *const want[] = {
        "<div class=\"chunk-meta\"><code>cc -O2 a.c</code> · ran in 12.5 ms · exit status 3</div>",
        "<div class=\"chunk-meta\"><code>python3 a.py</code> · ran in 2.1 ms</div>",
        "<div class=\"chunk-meta\"><code>cc -c a.c</code></div>"};
    lb_buf b = LB_BUF_INIT;
    for (size_t i = 0; i < 3; i++) {
        lb_buf_reset(&b);
        lb_render_chunk(&ch, &ch.chunks[i], NULL, &b);
        if (!strstr(lb_buf_str(&b), want[i]))
            fail_msg("chunk %zu: no %s in\n%s", i + 1, want[i], lb_buf_str(&b));
    }
    lb_buf_free(&b);
    lb_chapter_free(&ch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_frac_width), cmocka_unit_test(test_num_aligned),
        cmocka_unit_test(test_svg_ids_unique), cmocka_unit_test(test_slugify),
        cmocka_unit_test(test_hl_extract),     cmocka_unit_test(test_hl_plain_without_highlighter),
        cmocka_unit_test(test_rewrite_ids),    cmocka_unit_test(test_lang_labels),
        cmocka_unit_test(test_meta_ran_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
