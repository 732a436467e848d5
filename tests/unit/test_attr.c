#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "attr.h"

static void parse_ok(const char *s, lb_info *info)
{
    lb_attr_error err;
    int rc = lb_info_parse(s, info, &err);
    if (rc != 0)
        fail_msg("parse of [%s] failed at col %d: %s", s ? s : "(null)", err.col, err.msg);
}

/* Asserts the parse fails at col with a message containing want. */
static void parse_err(const char *s, int col, const char *want)
{
    lb_info info;
    lb_attr_error err;
    int rc = lb_info_parse(s, &info, &err);
    lb_info_free(&info);
    if (rc != -1)
        fail_msg("parse of [%s] should have failed", s);
    if (err.col != col || !strstr(err.msg, want))
        fail_msg("[%s]: got col %d \"%s\", want col %d containing \"%s\"", s, err.col, err.msg, col,
                 want);
}

static void test_empty(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("", &info);
    assert_string_equal(info.lang, "");
    assert_null(info.name);
    assert_int_equal(info.nclasses, 0);
    assert_int_equal(info.nkvs, 0);
    lb_info_free(&info);
    parse_ok("   ", &info);
    assert_string_equal(info.lang, "");
    lb_info_free(&info);
    parse_ok(NULL, &info);
    assert_string_equal(info.lang, "");
    lb_info_free(&info);
}

static void test_lang_only(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c", &info);
    assert_string_equal(info.lang, "c");
    assert_null(info.name);
    lb_info_free(&info);
    parse_ok("gnuplot  ", &info);
    assert_string_equal(info.lang, "gnuplot");
    lb_info_free(&info);
}

static void test_full_example(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c {#shm-demo timeout=5 libs=\"pthread\" .wide}", &info);
    assert_string_equal(info.lang, "c");
    assert_string_equal(info.name, "shm-demo");
    assert_int_equal(info.name_col, 4);
    assert_int_equal(info.nclasses, 1);
    assert_string_equal(info.classes[0], "wide");
    assert_int_equal(info.nkvs, 2);
    assert_string_equal(info.kvs[0].key, "timeout");
    assert_string_equal(info.kvs[0].value, "5");
    assert_int_equal(info.kvs[0].col, 14);
    assert_string_equal(info.kvs[1].key, "libs");
    assert_string_equal(info.kvs[1].value, "pthread");
    assert_int_equal(info.kvs[1].col, 24);
    assert_string_equal(lb_info_get(&info, "libs"), "pthread");
    assert_null(lb_info_get(&info, "cflags"));
    assert_ptr_equal(lb_info_find(&info, "timeout"), &info.kvs[0]);
    assert_null(lb_info_find(&info, "time"));
    lb_info_free(&info);
    assert_null(info.lang);
    assert_null(info.kvs);
}

static void test_no_space_before_group(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c{#x}", &info);
    assert_string_equal(info.lang, "c");
    assert_string_equal(info.name, "x");
    assert_int_equal(info.name_col, 3);
    lb_info_free(&info);
}

static void test_group_without_lang(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("{#x .y}", &info);
    assert_string_equal(info.lang, "");
    assert_string_equal(info.name, "x");
    assert_string_equal(info.classes[0], "y");
    lb_info_free(&info);
}

static void test_whitespace_mix(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c \t{ \t#a_1\t\tk=v  .x }\t ", &info);
    assert_string_equal(info.name, "a_1");
    assert_int_equal(info.name_col, 7);
    assert_string_equal(lb_info_get(&info, "k"), "v");
    assert_int_equal(info.kvs[0].col, 13);
    assert_string_equal(info.classes[0], "x");
    lb_info_free(&info);
    parse_ok("c {}", &info);
    assert_null(info.name);
    assert_int_equal(info.nkvs, 0);
    lb_info_free(&info);
}

static void test_items_touching_brace(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c {#a}", &info);
    assert_string_equal(info.name, "a");
    lb_info_free(&info);
    parse_ok("c {.a}", &info);
    assert_string_equal(info.classes[0], "a");
    lb_info_free(&info);
    parse_ok("c {k=v}", &info);
    assert_string_equal(lb_info_get(&info, "k"), "v");
    lb_info_free(&info);
    parse_ok("c {k=\"v w\"}", &info);
    assert_string_equal(lb_info_get(&info, "k"), "v w");
    lb_info_free(&info);
}

static void test_classes(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c {.a .b-c .d_e}", &info);
    assert_int_equal(info.nclasses, 3);
    assert_string_equal(info.classes[0], "a");
    assert_string_equal(info.classes[1], "b-c");
    assert_string_equal(info.classes[2], "d_e");
    lb_info_free(&info);
}

static void test_double_quoted_escapes(void **state)
{
    (void)state;
    lb_info info;
    /* \" and \\ resolve; \n stays for opts.c to interpret. */
    parse_ok("c {k=\"a \\\"b\\\" \\\\ c\\n\" j=\"\"}", &info);
    assert_string_equal(lb_info_get(&info, "k"), "a \"b\" \\ c\\n");
    assert_string_equal(lb_info_get(&info, "j"), "");
    assert_int_equal(info.kvs[1].col, 23);
    lb_info_free(&info);
    parse_ok("c {k=\"}{#x='\"}", &info);
    assert_string_equal(lb_info_get(&info, "k"), "}{#x='");
    assert_null(info.name);
    lb_info_free(&info);
}

static void test_single_quoted(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c {k='a \"b\" \\n \\' j=''}", &info);
    assert_string_equal(lb_info_get(&info, "k"), "a \"b\" \\n \\");
    assert_string_equal(lb_info_get(&info, "j"), "");
    lb_info_free(&info);
}

static void test_bare_values(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("c {cflags=-DX=1 stdin=a\\nb x={y}", &info);
    assert_string_equal(lb_info_get(&info, "cflags"), "-DX=1");
    assert_string_equal(lb_info_get(&info, "stdin"), "a\\nb");
    assert_string_equal(lb_info_get(&info, "x"), "{y");
    lb_info_free(&info);
}

static void test_utf8_value(void **state)
{
    (void)state;
    lb_info info;
    parse_ok("gnuplot {caption=\"Débit\" width=640}", &info);
    assert_string_equal(lb_info_get(&info, "caption"), "Débit");
    assert_int_equal(info.kvs[1].col, 27); /* columns count bytes */
    lb_info_free(&info);
}

static void test_err_unclosed_group(void **state)
{
    (void)state;
    parse_err("c {#a", 3, "not closed");
    parse_err("c {", 3, "not closed");
    parse_err("c{k=v ", 2, "not closed");
}

static void test_err_text_after_group(void **state)
{
    (void)state;
    parse_err("c {#a} x", 8, "after the attribute group");
    parse_err("c {#a}x", 7, "after the attribute group");
    parse_err("c {#a} {#b}", 8, "second attribute group");
    parse_err("c {#a}}", 7, "after the attribute group");
}

static void test_err_text_after_lang(void **state)
{
    (void)state;
    parse_err("c x", 3, "after the language 'c'");
    parse_err("c #x", 3, "attributes go in one {...} group");
    parse_err("python  title=x {#a}", 9, "after the language 'python'");
}

static void test_err_bad_name(void **state)
{
    (void)state;
    parse_err("c {#a.b}", 6, "bad character '.' in chunk name");
    parse_err("c {#a/b}", 6, "allowed: letters, digits, '-' and '_'");
    parse_err("c {#a\"}", 6, "in chunk name");
    parse_err("c {#}", 4, "empty chunk name");
    parse_err("c {# a}", 4, "empty chunk name");
    parse_err("c {#\xc3\xa9}", 5, "byte 0xc3");
}

static void test_err_second_name(void **state)
{
    (void)state;
    parse_err("c {#a #b}", 7, "only one name, and it is already 'a' (column 4)");
    parse_err("c {#a #a}", 7, "only one name");
}

static void test_err_bad_class(void **state)
{
    (void)state;
    parse_err("c {.}", 4, "empty class name");
    parse_err("c {.a#b}", 6, "bad character '#' in class name");
}

static void test_err_unterminated_quote(void **state)
{
    (void)state;
    parse_err("c {k=\"abc}", 6, "unterminated \" quote");
    parse_err("c {k=\"abc\\\"}", 6, "unterminated \" quote");
    parse_err("c {a=1 k='abc}", 10, "unterminated ' quote");
    parse_err("c {k=\"", 6, "unterminated");
}

static void test_err_key_without_eq(void **state)
{
    (void)state;
    parse_err("c {flag}", 4, "option 'flag' has no value; write flag=VALUE");
    parse_err("c {#a  eval }", 8, "option 'eval' has no value");
    parse_err("c {k =v}", 4, "option 'k' has no value");
}

static void test_err_empty_key(void **state)
{
    (void)state;
    parse_err("c {=5}", 4, "empty option name");
    parse_err("c {a=1 =2}", 8, "empty option name");
}

static void test_err_duplicate_key(void **state)
{
    (void)state;
    parse_err("c {a=1 a=2}", 8, "duplicate option 'a' (first given at column 4)");
    parse_err("c {timeout=1 #x timeout=\"2\"}", 17, "duplicate option 'timeout'");
}

static void test_err_missing_value(void **state)
{
    (void)state;
    parse_err("c {a=}", 6, "missing value after 'a='");
    parse_err("c {a= b=1}", 6, "write a=\"\" for an empty value");
    parse_err("c {a=", 6, "missing value");
}

static void test_err_junk_after_quote(void **state)
{
    (void)state;
    parse_err("c {a=\"x\"y}", 9, "unexpected 'y' right after the quoted value of 'a'");
    parse_err("c {a='x'\"y\"}", 9, "right after the quoted value");
}

static void test_err_stray_quote(void **state)
{
    (void)state;
    parse_err("c {a=x\"y\"}", 7, "stray '\"' inside the unquoted value of 'a'");
    parse_err("c {libs=pthread'}", 16, "stray");
}

static void test_err_bad_key_char(void **state)
{
    (void)state;
    parse_err("c {a-b!=1}", 7, "bad character '!' in option name");
    parse_err("c {\"k\"=1}", 4, "bad character '\"' in option name");
    parse_err("c {{}", 4, "bad character '{'");
}

static void test_err_null_err_ok(void **state)
{
    (void)state;
    lb_info info;
    assert_int_equal(lb_info_parse("c {", &info, NULL), -1);
    lb_info_free(&info);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_lang_only),
        cmocka_unit_test(test_full_example),
        cmocka_unit_test(test_no_space_before_group),
        cmocka_unit_test(test_group_without_lang),
        cmocka_unit_test(test_whitespace_mix),
        cmocka_unit_test(test_items_touching_brace),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_double_quoted_escapes),
        cmocka_unit_test(test_single_quoted),
        cmocka_unit_test(test_bare_values),
        cmocka_unit_test(test_utf8_value),
        cmocka_unit_test(test_err_unclosed_group),
        cmocka_unit_test(test_err_text_after_group),
        cmocka_unit_test(test_err_text_after_lang),
        cmocka_unit_test(test_err_bad_name),
        cmocka_unit_test(test_err_second_name),
        cmocka_unit_test(test_err_bad_class),
        cmocka_unit_test(test_err_unterminated_quote),
        cmocka_unit_test(test_err_key_without_eq),
        cmocka_unit_test(test_err_empty_key),
        cmocka_unit_test(test_err_duplicate_key),
        cmocka_unit_test(test_err_missing_value),
        cmocka_unit_test(test_err_junk_after_quote),
        cmocka_unit_test(test_err_stray_quote),
        cmocka_unit_test(test_err_bad_key_char),
        cmocka_unit_test(test_err_null_err_ok),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
