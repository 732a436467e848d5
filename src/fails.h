/* fails: chunks that are meant to fail (fails=compile|crash|SIGNAME|
 * timeout|sanitizer|any).
 *
 * A teacher shows a program that does not compile, crashes, hangs or
 * races, and the build proves it still does: the chunk passes only when
 * it fails that way. This module parses the value, checks it against the
 * chunk's other options, judges a finished result (fresh or cached: the
 * cache holds what happened, never the verdict) and says on the page what
 * was expected. The engines only record how a run ended (result.h's
 * lb_end). */
#ifndef LB_FAILS_H
#define LB_FAILS_H

#include <stddef.h>

#include "attr.h"
#include "buf.h"

typedef enum {
    LB_FAILS_NONE,      /* no fails=: the chunk must succeed */
    LB_FAILS_COMPILE,   /* must not compile */
    LB_FAILS_CRASH,     /* killed by a signal, any (signo 0) or signo */
    LB_FAILS_TIMEOUT,   /* still running at its timeout */
    LB_FAILS_SANITIZER, /* a sanitizer report ended it */
    LB_FAILS_ANY,       /* any of these, or a non-zero exit status */
} lb_fails_kind;

typedef struct {
    lb_fails_kind kind;
    int signo; /* LB_FAILS_CRASH: the signal it must die of; 0: any */
} lb_fails;

/* Parses a fails= value. Returns 0, or -1 with msg (n bytes) saying what
 * is accepted, with a "did you mean" when the value is close to a word or
 * a signal name ("sigsegv", "SEGV", "crashes"). */
int lb_fails_parse(const char *value, lb_fails *out, char *msg, size_t n);

/* Writes "SIGSEGV" for 11 into buf (n bytes; 16 is enough); -1 for a
 * number that names no signal here. */
int lb_fails_signal_name(int signo, char *buf, size_t n);

/* "to crash with SIGSEGV", "to fail to compile": what the chunk must do,
 * as the end of "expected ..." in messages and on the page. */
void lb_fails_describe(const lb_fails *f, lb_buf *out);

struct lb_chunk;

/* The rules between fails= and the chunk's other options, checked when
 * the chapter is read: compile only for compiled engines (LB_ENG_COMPILE), and not with
 * eval=compile; sanitizer needs sanitize=; nothing with eval=false, exit=
 * (fails= says how it ends), repeat= or data= (timing or charting a
 * failure). Returns 0, or -1 with err set (col: the fails= key). */
int lb_fails_check_chunk(const struct lb_chunk *c, lb_attr_error *err);

/* Judges c->res against c->opts.fails. Returns 0 when the chunk has no
 * fails= or has not run (nothing to judge); 1 when it failed the way it
 * had to: c->res becomes OK, its failure line moves to
 * res.expected_failure for the page, and the caller goes on to compare
 * partial output and claims; -1 when it did not fail that way: c->res is
 * FAILED with "expected to crash with SIGSEGV, but it exited with status
 * 0". Idempotent: a result judged twice gets the same verdict. */
int lb_fails_judge(struct lb_chunk *c);

/* Whether a result that failed is what a fails= chunk may keep in the
 * cache: the program's own ending (compile error, signal, timeout,
 * sanitizer), never a failure of litbook's machinery. */
int lb_fails_cacheable(const struct lb_chunk *c);

/* The page's box for a chunk that failed as expected (class
 * "expected-failure"); appends HTML to b. Nothing when it did not. */
void lb_fails_render(const struct lb_chunk *c, lb_buf *b);

#endif
