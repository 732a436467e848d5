#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "split.h"

/* Splits s and asserts the words equal the NULL-terminated list want. */
static void split_is(const char *s, const char *const *want)
{
    lb_strv sv;
    char err[128];
    size_t off = 99;
    if (lb_split_words(s, &sv, err, sizeof err, &off) != 0)
        fail_msg("split of [%s] failed at %zu: %s", s, off, err);
    size_t n = 0;
    while (want[n])
        n++;
    if (sv.n != n)
        fail_msg("split of [%s]: %zu words, want %zu", s, sv.n, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(sv.v[i], want[i]);
    assert_null(sv.v[n]);
    lb_strv_free(&sv);
    assert_null(sv.v);
    assert_int_equal(sv.n, 0);
}

static void split_fails(const char *s, size_t want_off, const char *want_msg)
{
    lb_strv sv;
    char err[128] = "";
    size_t off = 99;
    assert_int_equal(lb_split_words(s, &sv, err, sizeof err, &off), -1);
    if (off != want_off || !strstr(err, want_msg))
        fail_msg("[%s]: got %zu \"%s\", want %zu \"%s\"", s, off, err, want_off, want_msg);
    lb_strv_free(&sv);
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_empty(void **state)
{
    (void)state;
    lb_strv sv;
    assert_int_equal(lb_split_words("", &sv, NULL, 0, NULL), 0);
    assert_int_equal(sv.n, 0);
    assert_non_null(sv.v);
    assert_null(sv.v[0]);
    lb_strv_free(&sv);
    assert_int_equal(lb_split_words(" \t\n ", &sv, NULL, 0, NULL), 0);
    assert_int_equal(sv.n, 0);
    lb_strv_free(&sv);
}

static void test_whitespace(void **state)
{
    (void)state;
    split_is("a", WORDS("a"));
    split_is("  a  b\tc\n d ", WORDS("a", "b", "c", "d"));
    split_is("-O2 -Wall -DX=1", WORDS("-O2", "-Wall", "-DX=1"));
}

static void test_single_quotes(void **state)
{
    (void)state;
    split_is("'a b' c", WORDS("a b", "c"));
    split_is("'\\n \\\\ \"$x\"'", WORDS("\\n \\\\ \"$x\""));
    split_is("''", WORDS(""));
}

static void test_double_quotes(void **state)
{
    (void)state;
    split_is("\"a b\" c", WORDS("a b", "c"));
    split_is("\"\\\" \\\\ \\$ \\`\"", WORDS("\" \\ $ `"));
    /* Other backslashes stay, as in sh. */
    split_is("\"\\n\\a\"", WORDS("\\n\\a"));
    split_is("\"it's\"", WORDS("it's"));
    split_is("\"\" \"\"", WORDS("", ""));
}

static void test_adjacent_parts(void **state)
{
    (void)state;
    split_is("a\"b c\"'d e'f", WORDS("ab cd ef"));
    split_is("--name=\"x y\"", WORDS("--name=x y"));
}

static void test_backslash_outside(void **state)
{
    (void)state;
    split_is("a\\ b c", WORDS("a b", "c"));
    split_is("\\'x\\\"", WORDS("'x\""));
    split_is("\\\\", WORDS("\\"));
}

static void test_no_expansion(void **state)
{
    (void)state;
    split_is("$HOME *.c ~ `id` $(id) ;|&", WORDS("$HOME", "*.c", "~", "`id`", "$(id)", ";|&"));
}

static void test_errors(void **state)
{
    (void)state;
    split_fails("a 'b", 2, "unterminated ' quote");
    split_fails("a \"b", 2, "unterminated \" quote");
    split_fails("x\"a\\\"", 1, "unterminated \" quote");
    split_fails("ab\\", 2, "backslash at the end");
    /* err and err_off are optional. */
    lb_strv sv;
    assert_int_equal(lb_split_words("'", &sv, NULL, 0, NULL), -1);
    assert_null(sv.v);
    lb_strv_free(&sv);
}

static void test_push(void **state)
{
    (void)state;
    lb_strv sv = {NULL, 0};
    char word[] = "one";
    lb_strv_push(&sv, word);
    word[0] = 'X'; /* push copies */
    lb_strv_push(&sv, "two");
    assert_int_equal(sv.n, 2);
    assert_string_equal(sv.v[0], "one");
    assert_string_equal(sv.v[1], "two");
    assert_null(sv.v[2]);
    lb_strv_free(&sv);
    lb_strv_free(&sv); /* freeing twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),          cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_single_quotes),  cmocka_unit_test(test_double_quotes),
        cmocka_unit_test(test_adjacent_parts), cmocka_unit_test(test_backslash_outside),
        cmocka_unit_test(test_no_expansion),   cmocka_unit_test(test_errors),
        cmocka_unit_test(test_push),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
