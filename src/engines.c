/* engines: the registry. Adding an engine is one file and one line here. */
#include "engines.h"

#include <stdio.h>
#include <string.h>

#include "progenv.h"
#include "sandbox.h"

/* In the order messages list them ("an option of c and cpp chunks"); one
 * line each. */
#define LB_ENGINES(X)                                                                              \
    X(c)                                                                                           \
    X(cpp)                                                                                         \
    X(gnuplot)                                                                                     \
    X(python)                                                                                      \
    X(sh)                                                                                          \
    /* the end */

#define LB_DECLARE(n) extern const lb_engine_def lb_engine_##n##_def;
LB_ENGINES(LB_DECLARE)
#define LB_ENTRY(n) &lb_engine_##n##_def,
static const lb_engine_def *const TABLE[] = {LB_ENGINES(LB_ENTRY)};

enum { NENGINES = sizeof TABLE / sizeof TABLE[0] };

const lb_engine_def *lb_engine_find(const char *lang)
{
    for (size_t i = 0; lang && i < NENGINES; i++)
        if (strcmp(TABLE[i]->name, lang) == 0)
            return TABLE[i];
    return NULL;
}

size_t lb_engine_count(void)
{
    return NENGINES;
}

const lb_engine_def *lb_engine_at(size_t i)
{
    return i < NENGINES ? TABLE[i] : NULL;
}

int lb_engine_takes(const lb_engine_def *e, const char *key)
{
    if (lb_opt_is_common(key))
        return 1;
    for (size_t i = 0; e->options && e->options[i]; i++)
        if (strcmp(e->options[i], key) == 0)
            return 1;
    for (size_t i = 0; e->own_options && e->own_options[i].key; i++)
        if (strcmp(e->own_options[i].key, key) == 0)
            return 1;
    return 0;
}

void lb_engine_hash_strv(lb_hash *h, const lb_strv *v)
{
    lb_hash_bytes(h, &v->n, sizeof v->n);
    for (size_t i = 0; i < v->n; i++)
        lb_hash_str(h, v->v[i]);
}

void lb_engine_key_program(const lb_engine_job *j, lb_hash *h)
{
    const lb_opts *o = &j->c->opts;
    lb_hash_str(h, j->ch->path); /* messages name it */
    lb_hash_str(h, j->key_src);
    lb_engine_hash_strv(h, &o->args);
    lb_hash_str(h, o->stdin_text);
    char nums[128];
    snprintf(nums, sizeof nums, "%d %a %d", (int)o->eval, o->timeout, o->repeat);
    lb_hash_str(h, nums);
    /* The resource limits change what a program can do (and whether it
     * fails); so does the environment the helpers of litbook.h and
     * litbook.py read (progenv.h). */
    char lims[160];
    lb_sandbox_key(o, lims, sizeof lims);
    lb_hash_str(h, lims);
    lb_buf env = LB_BUF_INIT;
    lb_program_env_describe(&env);
    lb_hash_str(h, lb_buf_str(&env));
    lb_buf_free(&env);
}
