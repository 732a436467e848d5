/* Assembly of programs from chunks: #line placement, indentation of
 * expanded references, missing references and cycles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assemble.h"

/* Loads text as a chapter from a temporary file named "ch.md" in a fresh
 * folder (so #line directives name a predictable path). */
static int load(const char *text, lb_chapter *ch, lb_diag *d)
{
    char dir[] = "/tmp/lbasmXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/ch.md", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    int rc = lb_chapter_load("ch.md", ch, d);
    assert_int_equal(chdir(cwd), 0);
    unlink(path);
    rmdir(dir);
    return rc;
}

static char *assemble(lb_chapter *ch, const char *name, lb_diag *d, int *rc)
{
    lb_buf out = LB_BUF_INIT;
    lb_assemble_opts o = {.line_directives = 1};
    *rc = lb_assemble(ch, lb_chapter_find(ch, name), &o, &out, d);
    return lb_buf_detach(&out);
}

static void plain_chunk_gets_one_line_directive(void **state)
{
    (void)state;
    lb_chapter ch;
    lb_diag d;
    assert_int_equal(load("# T\n\n```c {#a}\nint x;\nint y;\n```\n", &ch, &d), 0);
    int rc;
    char *s = assemble(&ch, "a", &d, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(s, "#line 4 \"ch.md\"\nint x;\nint y;\n");
    free(s);
    lb_chapter_free(&ch);
}

static const char nested[] = "# T\n"                     /* 1 */
                             "\n"                        /* 2 */
                             "```c {#body eval=false}\n" /* 3 */
                             "a();\n"                    /* 4 */
                             "if (x)\n"                  /* 5 */
                             "    b();\n"                /* 6 */
                             "```\n"                     /* 7 */
                             "\n"                        /* 8 */
                             "```c {#main}\n"            /* 9 */
                             "int main(void)\n"          /* 10 */
                             "{\n"                       /* 11 */
                             "    <<body>>\n"            /* 12 */
                             "    return 0;\n"           /* 13 */
                             "}\n"                       /* 14 */
                             "```\n";

static void reference_expanded_with_indent_and_line_directives(void **state)
{
    (void)state;
    lb_chapter ch;
    lb_diag d;
    assert_int_equal(load(nested, &ch, &d), 0);
    int rc;
    char *s = assemble(&ch, "main", &d, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(s, "#line 10 \"ch.md\"\n"
                           "int main(void)\n"
                           "{\n"
                           "#line 4 \"ch.md\"\n"
                           "    a();\n"
                           "    if (x)\n"
                           "        b();\n"
                           "#line 13 \"ch.md\"\n"
                           "    return 0;\n"
                           "}\n");
    free(s);
    lb_chapter_free(&ch);
}

static void missing_reference_is_an_error_at_its_line(void **state)
{
    (void)state;
    lb_chapter ch;
    lb_diag d;
    assert_int_equal(load("# T\n\n```c {#m}\nint main(void) {\n  <<nope>>\n}\n```\n", &ch, &d), 0);
    int rc;
    free(assemble(&ch, "m", &d, &rc));
    assert_int_equal(rc, -1);
    assert_int_equal(d.line, 5);
    assert_int_equal(d.col, 3);
    assert_non_null(strstr(d.msg, "<<nope>>"));
    lb_chapter_free(&ch);
}

static void cycle_is_an_error(void **state)
{
    (void)state;
    lb_chapter ch;
    lb_diag d;
    assert_int_equal(load("# T\n\n```c {#a eval=false}\n<<b>>\n```\n\n"
                          "```c {#b eval=false}\n<<a>>\n```\n",
                          &ch, &d),
                     0);
    int rc;
    free(assemble(&ch, "a", &d, &rc));
    assert_int_equal(rc, -1);
    assert_non_null(strstr(d.msg, "cycle"));
    assert_int_equal(d.line, 8);
    lb_chapter_free(&ch);
}

static void reference_syntax(void **state)
{
    (void)state;
    size_t ind, n;
    const char *name;
    assert_int_equal(lb_parse_reference("  <<ab-c_1>>  ", 14, &ind, &name, &n), 1);
    assert_int_equal(ind, 2);
    assert_int_equal(n, 6);
    assert_memory_equal(name, "ab-c_1", 6);
    assert_int_equal(lb_parse_reference("x = <<a>>", 9, &ind, &name, &n), 0);
    assert_int_equal(lb_parse_reference("<<a b>>", 7, &ind, &name, &n), 0);
    assert_int_equal(lb_parse_reference("<<>>", 4, &ind, &name, &n), 0);
}

/* A name is letters (either case), digits, '-' and '_': each range holds
 * at both ends, and the characters just outside them make it text. */
static void reference_name_characters(void **state)
{
    (void)state;
    size_t ind, n;
    const char *name;
    const char *ok[] = {"<<azAZ09-_>>", "<<Mixed-Case_Name>>", "<<Z>>", "<<z>>", "<<9>>"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        assert_int_equal(lb_parse_reference(ok[i], strlen(ok[i]), &ind, &name, &n), 1);
        assert_int_equal(n, strlen(ok[i]) - 4);
    }
    const char *outside = "@[`{/:.";
    for (const char *c = outside; *c; c++) {
        char ref[] = "<<aXb>>";
        ref[3] = *c;
        if (lb_parse_reference(ref, strlen(ref), &ind, &name, &n) != 0)
            fail_msg("%s taken for a reference", ref);
    }
}

static void path_with_quote_is_escaped(void **state)
{
    (void)state;
    lb_chapter ch;
    lb_diag d;
    assert_int_equal(load("```c {#a}\nx;\n```\n", &ch, &d), 0);
    free(ch.path);
    ch.path = strdup("we\"ird\\.md");
    int rc;
    char *s = assemble(&ch, "a", &d, &rc);
    assert_string_equal(s, "#line 2 \"we\\\"ird\\\\.md\"\nx;\n");
    free(s);
    lb_chapter_free(&ch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_chunk_gets_one_line_directive),
        cmocka_unit_test(reference_expanded_with_indent_and_line_directives),
        cmocka_unit_test(missing_reference_is_an_error_at_its_line),
        cmocka_unit_test(cycle_is_an_error),
        cmocka_unit_test(reference_syntax),
        cmocka_unit_test(reference_name_characters),
        cmocka_unit_test(path_with_quote_is_escaped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
