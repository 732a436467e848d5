/* engine_cc: what the compiled languages share (c, cpp): a compiler
 * chosen by an environment variable, default flags plus the variable's
 * flags plus the chunk's, cflags/libs/sanitize, a program compiled then
 * run. Each language is a small engine file configuring it. */
#ifndef LB_ENGINE_CC_H
#define LB_ENGINE_CC_H

#include "engines.h"

typedef struct {
    const char *cc_env;               /* "CC": the compiler command, split into words */
    const char *cc_default;           /* "cc" */
    const char *flags_env;            /* "CFLAGS": added after the defaults */
    const char *const *default_flags; /* NULL-terminated */
    const char *source;               /* "prog.c": the suffix tells the compiler the language */
    const char *what;                 /* "a C compiler", for the message when it cannot start */
} lb_cc_lang;

/* The options a compiled chunk takes besides the common ones. */
extern const char *const lb_cc_options[];

/* The hooks of engines.h for a compiled language. setup's state keeps
 * lang (borrowed: a static). */
void *lb_cc_setup(const lb_cc_lang *lang, lb_ctx *ctx, lb_strv *tools);
void lb_cc_free(void *state);
void lb_cc_prepare(void *state, const lb_engine_env *env, lb_engine_job *jobs, size_t n);
void lb_cc_key(const lb_engine_env *env, lb_engine_job *j, lb_hash *h);
void lb_cc_run(const lb_engine_env *env, lb_engine_job *j, lb_strv *deps);

#endif
