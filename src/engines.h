/* engines: the one interface every engine implements, and the registry.
 *
 * In the spirit of cmark-gfm's syntax extensions: each engine is one file
 * (engine_NAME.c) defining one lb_engine_def, listed once in the table of
 * engines.c; the pipeline (build.c, opts.c, render.c, ...) finds an engine
 * by its fence language and knows none of them. What an engine can leave
 * to the pipeline it says with flags; what it must do itself it does in
 * its hooks, each optional unless marked. */
#ifndef LB_ENGINES_H
#define LB_ENGINES_H

#include "bwrap.h"
#include "cache.h"
#include "chapter.h"
#include "engine.h"
#include "highlight.h"
#include "record.h"

/* What an engine leaves to the pipeline. */
enum {
    /* <<name>> lines are expanded: it runs a program made of chunks */
    LB_ENG_ASSEMBLE = 1u << 0,
    /* the assembled program carries #line directives (C's syntax) */
    LB_ENG_LINE_DIRECTIVES = 1u << 1,
    /* eval=compile is allowed: it builds a program before running it */
    LB_ENG_COMPILE = 1u << 2,
    /* it draws a figure (res.svg) from data files: no text output to check,
     * data="..." names what it reads, a chunk {#fig-...} is a Figure */
    LB_ENG_FIGURE = 1u << 3,
    /* echo=false by default (the figure matters, not its script) */
    LB_ENG_ECHO_OFF = 1u << 4,
    /* --record saves what it printed, and a chunk that cannot run here is
     * shown from its recording (freeze) */
    LB_ENG_RECORD = 1u << 5,
};

/* The build, as an engine sees it. */
typedef struct {
    lb_ctx *ctx;           /* shared by every engine; sandbox set */
    const char *cache_dir; /* where probes may remember what they learned */
    lb_bwrap_cfg *bwrap;   /* to show one more tool inside; NULL: no sandbox */
} lb_engine_env;

/* One chunk that runs, as the pipeline planned it. */
typedef struct {
    lb_chapter *ch;
    lb_chunk *c;
    const char *src;      /* the assembled program (LB_ENG_ASSEMBLE), else NULL */
    const char *key_src;  /* the same with lines counted per chunk: what keys hash */
    const int *src_lines; /* the chapter line of each line of src (LB_ENG_ASSEMBLE without
                             LINE_DIRECTIVES), src_nlines of them; else NULL */
    size_t src_nlines;
    const lb_strv *data_in; /* LB_ENG_FIGURE: paths of the data files it reads */
    char *about;            /* owned (free()d by the pipeline): versions for the caption
                               and the key, set by prepare ("Python 3.11.2, numpy 1.24.2") */
    char *not_run;          /* owned: why it cannot run here (prepare), or NULL */
    void *state;            /* its engine's, from setup (borrowed) */
} lb_engine_job;

/* A chunk option that only one engine has: its key and its parser, which
 * reports a bad value with lb_opt_bad_value (opts.h). */
typedef struct {
    const char *key;
    lb_opt_fn set;
} lb_engine_opt;

typedef struct lb_engine_def {
    const char *name;  /* the fence language */
    const char *label; /* how the page names the language ("C") */
    unsigned flags;    /* LB_ENG_* */
    /* The options of opts.c it takes besides the common ones (echo, eval,
     * data: every engine), NULL-terminated. */
    const char *const *options;
    const lb_engine_opt *own_options; /* {NULL, NULL}-terminated, or NULL */
    /* How its programs publish a value, as a printf format for the key
     * ("lb_value(\"%s\", ...)"); NULL: they publish none. */
    const char *value_call;
    /* What its runtime writes to stderr when the program dies of an
     * uncaught exception with status 1 (then not a status to expect). */
    const char *uncaught;
    /* LB_ENG_FIGURE: the generic <title> the tool gives its SVG (the
     * caption replaces it), and what a collapsed script is called. */
    const char *svg_title, *script_label;

    /* Once per build, before the sandbox exists: reads its environment
     * ($CC), appends the commands its chunks start to tools (the sandbox
     * must show them) and returns its state (owned; free_state). */
    void *(*setup)(lb_ctx *ctx, lb_strv *tools);
    void (*free_state)(void *state);
    /* Once per build, after the sandbox, before any key: probes the tools
     * its jobs (n of them, all of this engine) need and fills their about
     * and not_run. */
    void (*prepare)(void *state, const lb_engine_env *env, lb_engine_job *jobs, size_t n);
    /* Per chunk, after assembling: checks that need the whole chapter.
     * Returns 0, or -1 with *d set (an input error). */
    int (*plan)(lb_engine_job *j, lb_diag *d);
    /* Required. Adds to h all that the chunk's result depends on and that
     * is known before it runs (lb_engine_key_program: the common part). */
    void (*key)(const lb_engine_env *env, lb_engine_job *j, lb_hash *h);
    /* Required. Runs the chunk into j->c->res; files it turned out to
     * depend on (headers) are appended to deps. */
    void (*run)(const lb_engine_env *env, lb_engine_job *j, lb_strv *deps);
    /* After every chunk ran (or came from the cache): checks across
     * chunks; update is --update (a mismatch about to be accepted).
     * Returns 1 when it failed the chunk. */
    int (*finish)(lb_engine_job *j, int update);
    /* --record: what the recording says ran it (interpreter, modules). */
    void (*record)(const lb_engine_job *j, lb_record_meta *m);
} lb_engine_def;

/* The engine of a fence language, or NULL (the block is only shown). */
const lb_engine_def *lb_engine_find(const char *lang);
/* The registry, in its order: i < lb_engine_count(). */
size_t lb_engine_count(void);
const lb_engine_def *lb_engine_at(size_t i);
/* Whether e takes option key (a common one, a listed one or its own). */
int lb_engine_takes(const lb_engine_def *e, const char *key);

/* The part of a key every program engine shares: the chapter's path
 * (messages name it), the program, its args, stdin, eval, timeout, repeat,
 * limits and the environment litbook.h and litbook.py read. */
void lb_engine_key_program(const lb_engine_job *j, lb_hash *h);
/* Appends the words of v (and their count) to h. */
void lb_engine_hash_strv(lb_hash *h, const lb_strv *v);

/* The state of an engine that runs one tool (gnuplot, bash): the tool's
 * identity, for its keys. */
typedef struct {
    const char *tool; /* static */
    char *id;         /* lb_tool_identity, or the tool's name when it tells none */
} lb_tool_state;
/* For a setup hook: appends tool (a static string) to tools, which the
 * sandbox must show, and returns a new state (owned; lb_tool_state_free). */
void *lb_tool_state_new(const char *tool, lb_strv *tools);
void lb_tool_state_free(void *state);
/* A prepare hook: probes the tool once, when any chunk uses it. */
void lb_tool_state_prepare(void *state, const lb_engine_env *env, lb_engine_job *jobs, size_t n);

#endif
