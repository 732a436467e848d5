/* opts: the options of a chunk, typed and validated per engine.
 *
 * attr.h gives the raw key=value pairs; this module checks each key is one
 * the chunk's engine knows (with a "did you mean"), each value is valid, and
 * fills in defaults from BOOK-FORMAT.md. */
#ifndef LB_OPTS_H
#define LB_OPTS_H

#include <stdbool.h>

#include "attr.h"
#include "fails.h"
#include "split.h"

/* A chunk's engine (engines.h), or NULL: the block is only shown. */
typedef const struct lb_engine_def *lb_engine;
typedef enum { LB_EVAL_RUN, LB_EVAL_NO, LB_EVAL_COMPILE } lb_eval;

enum { LB_SAN_ADDRESS = 1, LB_SAN_UNDEFINED = 2, LB_SAN_THREAD = 4 };

typedef struct {
    lb_engine engine;
    lb_eval eval;     /* eval=true|false|compile; default true (run) */
    bool echo;        /* default true, false for engines with LB_ENG_ECHO_OFF */
    bool output;      /* default true */
    bool exclusive;   /* run with no other job of the build running (timings) */
    lb_strv args;     /* split like a shell */
    char *stdin_text; /* NULL when absent; "\n" and "\t" and "\\" unescaped */
    lb_strv cflags;   /* extra flags, split */
    lb_strv libs;     /* pkg-config names or plain library names */
    double timeout;   /* seconds, > 0; default 10 */
    /* Limits (sandbox.h); 0 means unlimited except for maxout. */
    unsigned long cpu;           /* seconds of CPU time; default 300 */
    unsigned long long memory;   /* bytes of address space per process; default 4 GiB */
    unsigned long long filesize; /* bytes, largest file it may write; default 1 GiB */
    unsigned long procs;         /* processes and threads at once; default 256 */
    unsigned long long maxout;   /* bytes kept per stream (stdout, stderr); default 1 MiB */
    int exit_code;               /* default 0 */
    bool exit_any;               /* exit=any */
    int repeat;   /* 0..1000 extra runs; default 0 (BOOK-FORMAT says 1: read as one run) */
    lb_strv data; /* the one name to save; LB_ENG_FIGURE: the names read */
    bool data_given;
    unsigned sanitize; /* LB_SAN_* bits */
    lb_fails fails;    /* fails=: how it must fail; kind LB_FAILS_NONE: succeed */
    char *caption;     /* a figure's */
    char *width;       /* a figure's: a number (pixels) */
    char *height;
    /* Options that one engine parses itself (engines.h, own_options): */
    lb_strv requires; /* modules that must import */
    char *twin;       /* the chunk of the chapter whose stdout it must equal */
} lb_opts;

/* The engine for a fence language (lb_engine_find), NULL for any other
 * (display only). */
lb_engine lb_engine_for_lang(const char *lang);

/* An option's parser: sets it in o from kv, or returns -1 with err set. */
typedef int (*lb_opt_fn)(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err);
/* For parsers: "bad value 'V' for 'K': " and the expectation, at kv's
 * column. Returns -1. */
int lb_opt_bad_value(const lb_attr_kv *kv, lb_attr_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether key is an option that every engine takes (echo, data). */
int lb_opt_is_common(const char *key);
/* Splits s on spaces and tabs into *out (replaced). */
void lb_opt_split_blanks(const char *s, lb_strv *out);

/* Validates info's key=value pairs for engine and fills *out (free with
 * lb_opts_free, on success and failure alike). Returns 0, or -1 with err
 * set: col points at the offending key, msg reads like
 * "unknown option 'timout' for a c chunk; did you mean 'timeout'?" or
 * "bad value 'maybe' for 'eval': expected true, false or compile". */
int lb_opts_from_info(const lb_info *info, lb_engine engine, lb_opts *out, lb_attr_error *err);
void lb_opts_free(lb_opts *o);

#endif
