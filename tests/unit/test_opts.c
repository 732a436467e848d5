#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "engines.h"
#include "opts.h"
#include "suggest.h"

/* Parses the info string and validates it for its language's engine. */
static int from(const char *s, lb_opts *o, lb_attr_error *err)
{
    lb_info info;
    if (lb_info_parse(s, &info, err) != 0) {
        lb_info_free(&info);
        fail_msg("syntax error in [%s]: %s", s, err->msg);
    }
    int rc = lb_opts_from_info(&info, lb_engine_for_lang(info.lang), o, err);
    lb_info_free(&info);
    return rc;
}

static void ok(const char *s, lb_opts *o)
{
    lb_attr_error err;
    if (from(s, o, &err) != 0)
        fail_msg("[%s] rejected at col %d: %s", s, err.col, err.msg);
}

/* Asserts [s] is rejected at col with a message containing want. */
static void bad(const char *s, int col, const char *want)
{
    lb_opts o;
    lb_attr_error err;
    int rc = from(s, &o, &err);
    lb_opts_free(&o);
    if (rc != -1)
        fail_msg("[%s] should be rejected", s);
    if (err.col != col || !strstr(err.msg, want))
        fail_msg("[%s]: got col %d \"%s\", want col %d containing \"%s\"", s, err.col, err.msg, col,
                 want);
}

static void test_engine_for_lang(void **state)
{
    (void)state;
    assert_ptr_equal(lb_engine_for_lang("c"), lb_engine_find("c"));
    assert_ptr_equal(lb_engine_for_lang("gnuplot"), lb_engine_find("gnuplot"));
    assert_ptr_equal(lb_engine_for_lang("python"), lb_engine_find("python"));
    assert_ptr_equal(lb_engine_for_lang("output"), NULL);
    assert_ptr_equal(lb_engine_for_lang("text"), NULL);
    assert_ptr_equal(lb_engine_for_lang("cpp"), lb_engine_find("cpp"));
    assert_ptr_equal(lb_engine_for_lang("c++"), NULL);
    assert_ptr_equal(lb_engine_for_lang(""), NULL);
    assert_ptr_equal(lb_engine_for_lang(NULL), NULL);
}

static void assert_empty(const lb_strv *sv)
{
    assert_int_equal(sv->n, 0);
    assert_non_null(sv->v);
    assert_null(sv->v[0]);
}

static void assert_common_defaults(const lb_opts *o)
{
    assert_int_equal(o->eval, LB_EVAL_RUN);
    assert_true(o->output);
    assert_empty(&o->args);
    assert_null(o->stdin_text);
    assert_empty(&o->cflags);
    assert_empty(&o->libs);
    assert_true(o->timeout == 10);
    assert_int_equal(o->exit_code, 0);
    assert_false(o->exit_any);
    assert_int_equal(o->repeat, 0);
    assert_empty(&o->data);
    assert_false(o->data_given);
    assert_int_equal(o->sanitize, 0);
    assert_null(o->caption);
    assert_null(o->width);
    assert_null(o->height);
    assert_empty(&o->requires);
}

static void test_defaults(void **state)
{
    (void)state;
    lb_opts o;
    ok("c", &o);
    assert_ptr_equal(o.engine, lb_engine_find("c"));
    assert_true(o.echo);
    assert_common_defaults(&o);
    lb_opts_free(&o);
    ok("python {#p}", &o);
    assert_ptr_equal(o.engine, lb_engine_find("python"));
    assert_true(o.echo);
    assert_common_defaults(&o);
    lb_opts_free(&o);
    ok("gnuplot", &o);
    assert_ptr_equal(o.engine, lb_engine_find("gnuplot"));
    assert_false(o.echo);
    assert_common_defaults(&o);
    lb_opts_free(&o);
    ok("", &o);
    assert_ptr_equal(o.engine, NULL);
    assert_common_defaults(&o);
    lb_opts_free(&o);
}

static void test_none_accepts_anything(void **state)
{
    (void)state;
    lb_opts o;
    ok("text {timout=x eval=maybe caption=1 anything=\"at all\"}", &o);
    assert_ptr_equal(o.engine, NULL);
    assert_common_defaults(&o);
    lb_opts_free(&o);
}

static void test_unknown_key(void **state)
{
    (void)state;
    bad("c {timout=5}", 4, "unknown option 'timout' for a c chunk; did you mean 'timeout'?");
    bad("c {#a tiemout=5}", 7, "did you mean 'timeout'?");
    bad("c {eval=true ehco=false}", 14, "did you mean 'echo'?");
    bad("python {require=numpy}", 9, "for a python chunk; did you mean 'requires'?");
    bad("gnuplot {captoin=x}", 10, "for a gnuplot chunk; did you mean 'caption'?");
    bad("c {zzz=1}", 4, "unknown option 'zzz' for a c chunk");
    /* A key that belongs to another engine says so. */
    bad("c {caption=x}", 4, "it is an option of gnuplot chunks");
    bad("gnuplot {timeout=1}", 10, "it is an option of c, cpp, python and sh chunks");
    bad("python {cflags=-O3}", 9, "it is an option of c and cpp chunks");
    bad("gnuplot {eval=false}", 10, "unknown option 'eval' for a gnuplot chunk");
    lb_opts o;
    lb_attr_error err;
    assert_int_equal(from("c {zzz=1}", &o, &err), -1);
    assert_null(strstr(err.msg, "did you mean"));
    lb_opts_free(&o);
}

static void test_keys_per_engine(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {eval=true echo=true output=true args=a stdin=x cflags=-O0 libs=m timeout=1 "
       "exit=0 repeat=1 data=d sanitize=address}",
       &o);
    lb_opts_free(&o);
    ok("gnuplot {data=d caption=c width=1 height=1 echo=true}", &o);
    lb_opts_free(&o);
    ok("python {eval=true echo=true output=true args=a stdin=x timeout=1 exit=0 repeat=1 "
       "data=d requires=numpy}",
       &o);
    lb_opts_free(&o);
    bad("python {libs=m}", 9, "unknown option 'libs'");
    bad("python {sanitize=address}", 9, "unknown option 'sanitize'");
    bad("c {requires=numpy}", 4, "unknown option 'requires'");
    bad("c {width=1}", 4, "unknown option 'width'");
    bad("gnuplot {output=false}", 10, "unknown option 'output'");
}

static void test_eval(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {eval=false}", &o);
    assert_int_equal(o.eval, LB_EVAL_NO);
    lb_opts_free(&o);
    ok("c {eval=compile}", &o);
    assert_int_equal(o.eval, LB_EVAL_COMPILE);
    lb_opts_free(&o);
    ok("c {eval=true}", &o);
    assert_int_equal(o.eval, LB_EVAL_RUN);
    lb_opts_free(&o);
    ok("python {eval=false}", &o);
    assert_int_equal(o.eval, LB_EVAL_NO);
    lb_opts_free(&o);
    bad("c {eval=maybe}", 4, "bad value 'maybe' for 'eval': expected true, false or compile");
    bad("c {eval=yes}", 4, "did you mean 'true'?");
    bad("c {eval=complie}", 4, "did you mean 'compile'?");
    bad("c {eval=\"\"}", 4, "bad value '' for 'eval'");
    bad("python {eval=compile}", 9, "compile is only for c chunks");
}

static void test_booleans(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {echo=false output=false}", &o);
    assert_false(o.echo);
    assert_false(o.output);
    lb_opts_free(&o);
    ok("gnuplot {echo=true}", &o);
    assert_true(o.echo);
    lb_opts_free(&o);
    bad("c {echo=yes}", 4,
        "bad value 'yes' for 'echo': expected true or false (only these two words); "
        "did you mean 'true'?");
    bad("c {output=no}", 4, "did you mean 'false'?");
    bad("c {output=0}", 4, "did you mean 'false'?");
    bad("c {echo=True}", 4, "did you mean 'true'?");
    bad("c {echo=ture}", 4, "did you mean 'true'?");
    bad("gnuplot {echo=off}", 10, "did you mean 'false'?");
    bad("python {output=maybe}", 9, "expected true or false (only these two words)");
}

static void test_args_and_cflags(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {args=\"one 'two three' \\\"4 5\\\"\" cflags=\"-O0 -DMSG='\\\"hi there\\\"'\"}", &o);
    assert_int_equal(o.args.n, 3);
    assert_string_equal(o.args.v[0], "one");
    assert_string_equal(o.args.v[1], "two three");
    assert_string_equal(o.args.v[2], "4 5");
    assert_null(o.args.v[3]);
    assert_int_equal(o.cflags.n, 2);
    assert_string_equal(o.cflags.v[1], "-DMSG=\"hi there\"");
    lb_opts_free(&o);
    ok("c {args=\"\"}", &o);
    assert_empty(&o.args);
    lb_opts_free(&o);
    bad("c {#x args=\"a 'b\"}", 7,
        "bad value 'a 'b' for 'args': unterminated ' quote at character 3");
    bad("c {cflags='-O2 \"'}", 4, "for 'cflags': unterminated \" quote");
}

static void test_stdin(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {stdin=\"3 4\\n5\\t6\\\\n\\x\"}", &o);
    /* attr resolved \\ to \, so the text seen here is 3 4\n5\t6\n\x */
    assert_string_equal(o.stdin_text, "3 4\n5\t6\n\\x");
    lb_opts_free(&o);
    ok("c {stdin='a\\\\nb\\'}", &o);
    assert_string_equal(o.stdin_text, "a\\nb\\");
    lb_opts_free(&o);
    ok("python {stdin=\"\"}", &o);
    assert_string_equal(o.stdin_text, "");
    lb_opts_free(&o);
}

static void test_libs(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {libs=\"openblas m  pthread libxxhash gtk+-3.0\"}", &o);
    assert_int_equal(o.libs.n, 5);
    assert_string_equal(o.libs.v[0], "openblas");
    assert_string_equal(o.libs.v[4], "gtk+-3.0");
    lb_opts_free(&o);
    bad("c {libs=-lm}", 4, "'-lm' is not a library name");
    bad("c {libs=\"m -pthread\"}", 4, "no -l; other flags go in cflags");
    bad("c {libs=\"m x/y\"}", 4, "'x/y' is not a library name");
    bad("c {libs=\"m 'x\"}", 4, "unterminated ' quote");
}

static void test_timeout(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {timeout=5}", &o);
    assert_true(o.timeout == 5);
    lb_opts_free(&o);
    ok("c {timeout=0.5}", &o);
    assert_true(o.timeout == 0.5);
    lb_opts_free(&o);
    ok("python {timeout=.25}", &o);
    assert_true(o.timeout == 0.25);
    lb_opts_free(&o);
    ok("c {timeout=86400}", &o);
    assert_true(o.timeout == 86400);
    lb_opts_free(&o);
    const char *msg = "expected a number of seconds greater than 0 and at most 86400";
    const char *bads[] = {"0",   "0.0",  "-1",    "86400.5", "1e3", "5s", "inf",
                          "nan", "0x10", "1.2.3", ".",       "+5",  " 5", ""};
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        char info[64];
        snprintf(info, sizeof info, "c {timeout=\"%s\"}", bads[i]);
        bad(info, 4, msg);
    }
    bad("c {timeout=abc}", 4, "bad value 'abc' for 'timeout'");
}

static void test_exit(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {exit=3}", &o);
    assert_int_equal(o.exit_code, 3);
    assert_false(o.exit_any);
    lb_opts_free(&o);
    ok("c {exit=255}", &o);
    assert_int_equal(o.exit_code, 255);
    lb_opts_free(&o);
    ok("python {exit=any}", &o);
    assert_true(o.exit_any);
    lb_opts_free(&o);
    const char *msg = "expected an exit status from 0 to 255, or any";
    bad("c {exit=256}", 4, msg);
    bad("c {exit=-1}", 4, msg);
    bad("c {exit=ANY}", 4, msg);
    bad("c {exit=1.0}", 4, msg);
    bad("c {exit=99999999999999999999}", 4, msg);
    bad("c {exit=\"\"}", 4, "bad value '' for 'exit'");
}

static void test_repeat(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {repeat=0}", &o);
    assert_int_equal(o.repeat, 0);
    lb_opts_free(&o);
    ok("c {repeat=1000}", &o);
    assert_int_equal(o.repeat, 1000);
    lb_opts_free(&o);
    const char *msg = "bad value '1001' for 'repeat': expected a whole number of extra runs";
    bad("c {repeat=1001}", 4, msg);
    bad("c {repeat=-1}", 4, "from 0 to 1000");
    bad("c {repeat=2.5}", 4, "from 0 to 1000");
    bad("python {repeat=many}", 9, "from 0 to 1000");
}

static void test_data(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {data=speed-v1_2.tsv}", &o);
    assert_true(o.data_given);
    assert_int_equal(o.data.n, 1);
    assert_string_equal(o.data.v[0], "speed-v1_2.tsv");
    lb_opts_free(&o);
    ok("python {data=\" speed \"}", &o);
    assert_string_equal(o.data.v[0], "speed");
    lb_opts_free(&o);
    ok("gnuplot {data=\"speed \tmem  x\"}", &o);
    assert_true(o.data_given);
    assert_int_equal(o.data.n, 3);
    assert_string_equal(o.data.v[1], "mem");
    assert_null(o.data.v[3]);
    lb_opts_free(&o);
    ok("gnuplot {data=\"\"}", &o); /* reads no data at all */
    assert_true(o.data_given);
    assert_empty(&o.data);
    lb_opts_free(&o);
    bad("c {data=\"a b\"}", 4, "a c chunk saves exactly one data file");
    bad("python {data=\"\"}", 9, "a python chunk saves exactly one data file");
    bad("c {data=a/b}", 4, "'a/b' is not a data name");
    bad("gnuplot {data=\"a b$\"}", 10, "'b$' is not a data name");
    bad("gnuplot {data=\"a b a\"}", 10, "'a' is listed twice");
}

static void test_sanitize(void **state)
{
    (void)state;
    lb_opts o;
    ok("c {sanitize=address}", &o);
    assert_int_equal(o.sanitize, LB_SAN_ADDRESS);
    lb_opts_free(&o);
    ok("c {sanitize=undefined}", &o);
    assert_int_equal(o.sanitize, LB_SAN_UNDEFINED);
    lb_opts_free(&o);
    ok("c {sanitize=\"address undefined\"}", &o);
    assert_int_equal(o.sanitize, LB_SAN_ADDRESS | LB_SAN_UNDEFINED);
    lb_opts_free(&o);
    ok("c {sanitize=undefined,address}", &o);
    assert_int_equal(o.sanitize, LB_SAN_ADDRESS | LB_SAN_UNDEFINED);
    lb_opts_free(&o);
    ok("c {sanitize=\" address , address \"}", &o);
    assert_int_equal(o.sanitize, LB_SAN_ADDRESS);
    lb_opts_free(&o);
    bad("c {sanitize=asan}", 4, "unknown sanitizer 'asan'");
    bad("c {sanitize=asan}", 4, "did you mean 'address'?");
    bad("c {sanitize=\"address ubsan\"}", 4, "did you mean 'undefined'?");
    bad("c {sanitize=adress}", 4, "did you mean 'address'?");
    ok("c {sanitize=thread}", &o);
    assert_int_equal(o.sanitize, LB_SAN_THREAD);
    lb_opts_free(&o);
    ok("c {sanitize=\"undefined thread\"}", &o);
    assert_int_equal(o.sanitize, LB_SAN_UNDEFINED | LB_SAN_THREAD);
    lb_opts_free(&o);
    bad("c {sanitize=\"thread,address\"}", 4, "thread and address cannot be combined");
    bad("c {sanitize=tsan}", 4, "did you mean 'thread'?");
    bad("c {sanitize=memory}", 4,
        "unknown sanitizer 'memory'; expected address, undefined or thread, or address and "
        "undefined together");
    bad("c {sanitize=\"\"}", 4, "bad value '' for 'sanitize'");
    bad("c {sanitize=\",\"}", 4, "expected address, undefined or thread");
}

static void test_gnuplot_fields(void **state)
{
    (void)state;
    lb_opts o;
    ok("gnuplot {caption=\"Speed, \\\"log\\\" scale\" width=0640 height=480}", &o);
    assert_string_equal(o.caption, "Speed, \"log\" scale");
    assert_string_equal(o.width, "640");
    assert_string_equal(o.height, "480");
    lb_opts_free(&o);
    const char *msg = "expected a positive whole number of pixels";
    bad("gnuplot {width=0}", 10, msg);
    bad("gnuplot {width=800px}", 10, "bad value '800px' for 'width'");
    bad("gnuplot {height=-5}", 10, "bad value '-5' for 'height'");
    bad("gnuplot {height=1.5}", 10, msg);
    bad("gnuplot {height=100001}", 10, msg);
}

static void test_requires(void **state)
{
    (void)state;
    lb_opts o;
    ok("python {requires=\"numpy jax  scipy.linalg _x\"}", &o);
    assert_int_equal(o.requires.n, 4);
    assert_string_equal(o.requires.v[0], "numpy");
    assert_string_equal(o.requires.v[2], "scipy.linalg");
    lb_opts_free(&o);
    bad("python {requires=\"numpy 2x\"}", 9, "'2x' is not a Python module name");
    bad("python {requires=numpy-x}", 9, "'numpy-x' is not a Python module name");
    bad("python {requires=.x}", 9, "is not a Python module name");
}

static void test_long_value_shortened(void **state)
{
    (void)state;
    lb_opts o;
    lb_attr_error err;
    char info[300];
    char val[201];
    memset(val, 'z', 200);
    val[200] = '\0';
    snprintf(info, sizeof info, "c {eval=%s}", val);
    assert_int_equal(from(info, &o, &err), -1);
    lb_opts_free(&o);
    assert_non_null(strstr(err.msg, "zzz...' for 'eval'"));
    assert_true(strlen(err.msg) < 160);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(lb_edit_distance("", ""), 0);
    assert_int_equal(lb_edit_distance("abc", ""), 3);
    assert_int_equal(lb_edit_distance("", "abc"), 3);
    assert_int_equal(lb_edit_distance("timeout", "timeout"), 0);
    assert_int_equal(lb_edit_distance("timout", "timeout"), 1);
    assert_int_equal(lb_edit_distance("tiemout", "timeout"), 1); /* transposition */
    assert_int_equal(lb_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(lb_edit_distance("ca", "abc"), 3); /* OSA, not full Damerau */
}

static void test_suggest(void **state)
{
    (void)state;
    const char *const keys[] = {"eval", "echo", "exit", "timeout", "repeat", NULL};
    assert_string_equal(lb_suggest("timout", keys), "timeout");
    assert_string_equal(lb_suggest("reapet", keys), "repeat");
    assert_string_equal(lb_suggest("ecoh", keys), "echo");
    /* Ties go to the earlier candidate. */
    assert_string_equal(lb_suggest("exal", keys), "eval");
    /* Short words allow a distance of one only. */
    assert_null(lb_suggest("xy", keys));
    assert_null(lb_suggest("zzzzzz", keys));
    assert_null(lb_suggest("tim", keys));
    const char *const none[] = {NULL};
    assert_null(lb_suggest("eval", none));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_for_lang),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_none_accepts_anything),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_keys_per_engine),
        cmocka_unit_test(test_eval),
        cmocka_unit_test(test_booleans),
        cmocka_unit_test(test_args_and_cflags),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_libs),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_exit),
        cmocka_unit_test(test_repeat),
        cmocka_unit_test(test_data),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_gnuplot_fields),
        cmocka_unit_test(test_requires),
        cmocka_unit_test(test_long_value_shortened),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
