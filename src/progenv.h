/* progenv: the environment variables that change what a chunk's program
 * does through litbook.h or litbook.py (LB_BENCH_SAMPLES ...), so they go
 * into the cache key of every C and python chunk: a build with one set
 * reruns, and a build without it does not reuse that result.
 * tests/unit/test_progenv.c checks that every variable the embedded
 * headers read is listed here. */
#ifndef LB_PROGENV_H
#define LB_PROGENV_H

#include "buf.h"

/* NULL-terminated. LITBOOK_RESULTS is litbook's own (set per run). */
extern const char *const lb_program_env[];

/* Appends "NAME=VALUE\n" for each listed variable that is set ("NAME\n"
 * when unset, which differs from set to ""): what keys hash. */
void lb_program_env_describe(lb_buf *out);

#endif
