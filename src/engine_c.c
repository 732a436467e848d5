/* The c engine: a complete C program compiled with $CC (engine_cc.h). */
#include "engine_cc.h"

static const char *const c_flags[] = {"-std=c11", "-O2", "-Wall", "-Wextra", NULL};

static const lb_cc_lang c_lang = {"CC", "cc", "CFLAGS", c_flags, "prog.c", "a C compiler"};

static void *c_setup(lb_ctx *ctx, lb_strv *tools)
{
    return lb_cc_setup(&c_lang, ctx, tools);
}

const lb_engine_def lb_engine_c_def = {
    .name = "c",
    .label = "C",
    .flags = LB_ENG_ASSEMBLE | LB_ENG_LINE_DIRECTIVES | LB_ENG_COMPILE,
    .options = lb_cc_options,
    .value_call = "lb_value(\"%s\", ...)",
    .setup = c_setup,
    .free_state = lb_cc_free,
    .prepare = lb_cc_prepare,
    .key = lb_cc_key,
    .run = lb_cc_run,
};
