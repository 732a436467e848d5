/* `{=chunk.key}` in the prose: recognition, the checks before and after
 * the run, and the HTML that replaces it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "chapter.h"
#include "gfm.h"
#include "published.h"
#include "values.h"

static void recognition(void **state)
{
    (void)state;
    static const struct {
        const char *lit;
        int kind;
        const char *chunk, *key;
    } cases[] = {
        {"{=dot100.naive_us}", 1, "dot100", "naive_us"},
        {"{=a-b_C9.k-1}", 1, "a-b_C9", "k-1"},
        {"{=x.y}", 1, "x", "y"},
        {"printf(\"%d\")", 0, NULL, NULL},
        {"{=a.b} ", 0, NULL, NULL}, /* white space: ordinary code */
        {"{= a.b}", 0, NULL, NULL},
        {"{=a\n.b}", 0, NULL, NULL},
        {"{a.b}", 0, NULL, NULL},
        {"{=a.b", 0, NULL, NULL},
        {"", 0, NULL, NULL},
        {"{=}", -1, NULL, NULL},
        {"{=dot100}", -1, NULL, NULL},
        {"{=.key}", -1, NULL, NULL},
        {"{=chunk.}", -1, NULL, NULL},
        {"{=a.b.c}", -1, NULL, NULL},
        {"{=a/b.c}", -1, NULL, NULL},
        {"{=a.b=c}", -1, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *chunk, *key;
        int kind = lb_value_ref_parse(cases[i].lit, &chunk, &key);
        if (kind != cases[i].kind)
            fail_msg("'%s': %d, want %d", cases[i].lit, kind, cases[i].kind);
        if (cases[i].chunk) {
            assert_string_equal(chunk, cases[i].chunk);
            assert_string_equal(key, cases[i].key);
        } else {
            assert_null(chunk);
            assert_null(key);
        }
        free(chunk);
        free(key);
    }
    char *chunk, *key;
    assert_int_equal(lb_value_ref_parse(NULL, &chunk, &key), 0);
}

static const char CHAPTER[] = "# Values\n"
                              "\n"
                              "```c {#dot100}\n"
                              "int main(void) { return 0; }\n"
                              "```\n"
                              "\n"
                              "It took `{=dot100.naive_us}` us, and `code` is code;\n"
                              "> quoted: `{=jit.jit_us}`\n"
                              "\n"
                              "```python {#jit}\n"
                              "print(1)\n"
                              "```\n";

static void load(lb_chapter *ch, const char *text)
{
    lb_diag d;
    d.msg[0] = '\0';
    if (lb_chapter_load_mem("chapters/v.md", text, strlen(text), ch, &d) != 0)
        fail_msg("load: %s", d.msg);
}

static void scan_collects(void **state)
{
    (void)state;
    lb_chapter ch;
    load(&ch, CHAPTER);
    lb_value_refs refs;
    lb_diag d;
    d.msg[0] = '\0';
    assert_int_equal(lb_values_scan(&ch, &refs, &d), 0);
    assert_int_equal(refs.n, 2);
    assert_string_equal(refs.v[0].chunk, "dot100");
    assert_string_equal(refs.v[0].key, "naive_us");
    assert_int_equal(refs.v[0].line, 7);
    assert_int_equal(refs.v[0].col, 10);
    assert_string_equal(refs.v[1].chunk, "jit");
    assert_int_equal(refs.v[1].line, 8);
    lb_value_refs_free(&refs);
    lb_chapter_free(&ch);
}

static void scan_error(const char *text, int line, int col, const char *msg)
{
    lb_chapter ch;
    load(&ch, text);
    lb_value_refs refs;
    lb_diag d;
    d.msg[0] = '\0';
    assert_int_equal(lb_values_scan(&ch, &refs, &d), -1);
    assert_int_equal(d.line, line);
    assert_int_equal(d.col, col);
    if (!strstr(d.msg, msg))
        fail_msg("got \"%s\", want \"%s\" in it", d.msg, msg);
    lb_value_refs_free(&refs);
    lb_chapter_free(&ch);
}

static void scan_errors(void **state)
{
    (void)state;
    scan_error("```c {#dot100}\nint main(void) { return 0; }\n```\n\nA `{=dot10.x}`.\n", 5, 4,
               "has no chunk of that name (did you mean 'dot100'?)");
    scan_error("Far `{=zzzzzz.x}`.\n```c {#dot100}\nint main(void) { return 0; }\n```\n", 1, 6,
               "chunk 'zzzzzz', but this chapter has no chunk of that name");
    scan_error("```c {#shown eval=false}\nint x;\n```\n\n`{=shown.k}`\n", 5, 2,
               "which publishes none: it has eval=false");
    scan_error("```c {#comp eval=compile}\nint x;\n```\n\n`{=comp.k}`\n", 5, 2,
               "it has eval=compile");
    scan_error("```text {#plain}\nx\n```\n\n`{=plain.k}`\n", 5, 2, "it is only displayed");
    scan_error("```gnuplot {#fig}\nplot x\n```\n\n`{=fig.k}`\n", 5, 2, "it is a gnuplot chunk");
    scan_error("Bad: `{=nodot}`\n", 1, 7, "`{=nodot}` is not a value reference");
}

static void set_value(lb_chunk *c, const char *key, const char *text)
{
    c->res.status = LB_RES_OK;
    c->res.ran = 1;
    c->res.values = realloc(c->res.values, (c->res.nvalues + 1) * sizeof *c->res.values);
    c->res.values[c->res.nvalues].key = strdup(key);
    c->res.values[c->res.nvalues].text = strdup(text);
    c->res.nvalues++;
}

static void html_for_each_state(void **state)
{
    (void)state;
    lb_chapter ch;
    load(&ch, CHAPTER);
    lb_chunk *c = lb_chapter_find(&ch, "dot100"), *py = lb_chapter_find(&ch, "jit");
    lb_buf b = LB_BUF_INIT;
    set_value(c, "naive_us", "<12.3 & up>");
    lb_value_html(&ch, "dot100", "naive_us", &b);
    assert_string_equal(b.ptr, "<span class=\"lb-value\" title=\"measured by chunk dot100\">"
                               "&lt;12.3 &amp; up&gt;</span>");
    lb_buf_reset(&b);
    lb_value_html(&ch, "dot100", "other", &b);
    assert_string_equal(b.ptr, "<span class=\"lb-value lb-na\" title=\"not available: chunk "
                               "dot100 published no value 'other'\">n/a</span>");
    c->res.recorded = strdup("recorded on box \"b\", 2025-06-01");
    lb_buf_reset(&b);
    lb_value_html(&ch, "dot100", "naive_us", &b);
    assert_non_null(strstr(b.ptr, "title=\"measured by chunk dot100, recorded on box "
                                  "&quot;b&quot;, 2025-06-01\""));
    c->res.status = LB_RES_FAILED; /* a failed chunk's values are never shown */
    lb_buf_reset(&b);
    lb_value_html(&ch, "dot100", "naive_us", &b);
    assert_string_equal(b.ptr, "<span class=\"lb-value lb-na\" title=\"not available: chunk "
                               "dot100 failed\">n/a</span>");
    py->res.status = LB_RES_NOT_RUN;
    py->res.not_run_reason = strdup("jax is not installed here");
    lb_buf_reset(&b);
    lb_value_html(&ch, "jit", "jit_us", &b);
    assert_string_equal(b.ptr, "<span class=\"lb-value lb-na\" title=\"not available: chunk jit "
                               "was not run here (jax is not installed here)\">n/a</span>");
    py->res.status = LB_RES_NONE;
    lb_buf_reset(&b);
    lb_value_html(&ch, "jit", "jit_us", &b);
    assert_non_null(strstr(b.ptr, "did not run in this build\">n/a</span>"));
    lb_buf_free(&b);
    lb_chapter_free(&ch);
}

static void missing_after_run(void **state)
{
    (void)state;
    lb_chapter ch;
    load(&ch, CHAPTER);
    lb_value_refs refs;
    lb_diag d;
    d.msg[0] = '\0';
    assert_int_equal(lb_values_scan(&ch, &refs, &d), 0);
    lb_chunk *c = lb_chapter_find(&ch, "dot100");
    set_value(c, "a", "1");
    set_value(c, "b", "2");
    assert_int_equal(lb_value_ref_missing(&ch, &refs.v[0], &d), 1);
    assert_int_equal(d.line, 7);
    assert_int_equal(d.col, 10);
    assert_string_equal(d.msg, "chunk 'dot100' published no value 'naive_us' (it published: "
                               "a, b); publish it with lb_value(\"naive_us\", ...)");
    set_value(c, "naive_us", "3");
    assert_int_equal(lb_value_ref_missing(&ch, &refs.v[0], &d), 0);
    /* A chunk that did not run here is no missing key: it shows n/a. */
    assert_int_equal(lb_value_ref_missing(&ch, &refs.v[1], &d), 0);
    lb_chunk *py = lb_chapter_find(&ch, "jit");
    py->res.status = LB_RES_OK;
    py->res.ran = 1;
    assert_int_equal(lb_value_ref_missing(&ch, &refs.v[1], &d), 1);
    assert_non_null(strstr(d.msg, "(it published no values); publish it with litbook.value"));
    lb_value_refs_free(&refs);
    lb_chapter_free(&ch);
}

static void splice_replaces_spans(void **state)
{
    (void)state;
    lb_chapter ch;
    load(&ch, CHAPTER);
    set_value(lb_chapter_find(&ch, "dot100"), "naive_us", "12.3");
    lb_values_splice(ch.doc, &ch);
    char *html = lb_md_render(ch.doc);
    assert_non_null(strstr(html, "It took <span class=\"lb-value\" title=\"measured by chunk "
                                 "dot100\">12.3</span> us, and <code>code</code> is code;"));
    assert_non_null(strstr(html, "quoted: <span class=\"lb-value lb-na\""));
    assert_null(strstr(html, "{="));
    free(html);
    lb_chapter_free(&ch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recognition),       cmocka_unit_test(scan_collects),
        cmocka_unit_test(scan_errors),       cmocka_unit_test(html_for_each_state),
        cmocka_unit_test(missing_after_run), cmocka_unit_test(splice_replaces_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
