/* The cpp engine: a complete C++ program compiled with $CXX (engine_cc.h). */
#include "engine_cc.h"

static const char *const cpp_flags[] = {"-std=c++17", "-O2", "-Wall", "-Wextra", NULL};

static const lb_cc_lang cpp_lang = {"CXX",     "c++",      "CXXFLAGS",
                                    cpp_flags, "prog.cpp", "a C++ compiler"};

static void *cpp_setup(lb_ctx *ctx, lb_strv *tools)
{
    return lb_cc_setup(&cpp_lang, ctx, tools);
}

const lb_engine_def lb_engine_cpp_def = {
    .name = "cpp",
    .label = "C++",
    .flags = LB_ENG_ASSEMBLE | LB_ENG_LINE_DIRECTIVES | LB_ENG_COMPILE,
    .options = lb_cc_options,
    .value_call = "lb_value(\"%s\", ...)",
    .setup = cpp_setup,
    .free_state = lb_cc_free,
    .prepare = lb_cc_prepare,
    .key = lb_cc_key,
    .run = lb_cc_run,
};
