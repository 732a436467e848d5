/* published: the values and claims a chunk's program publishes.
 *
 * A program started by litbook finds in $LITBOOK_RESULTS the absolute path
 * of a file in its scratch folder; lb_value/lb_claim (litbook.h) and
 * litbook.value/litbook.claim (litbook.py) append one record a line to it,
 * each with a single write() on an O_APPEND descriptor, so a forked child
 * publishes too and records never interleave:
 *
 *   value KEY TEXT
 *   claim held|failed LINE TEXT
 *
 * KEY and TEXT are escaped (below), so one record is one line whatever the
 * text holds. The same "KEY TEXT" and "held LINE TEXT" forms are what the
 * cache entry and the recording store. The file is read once, after the
 * first run (the one whose output is shown). */
#ifndef LB_PUBLISHED_H
#define LB_PUBLISHED_H

#include <stddef.h>

#include "buf.h"
#include "result.h"

#define LB_RESULTS_ENV "LITBOOK_RESULTS"
#define LB_RESULTS_FILE "litbook-results"
/* More than this is not a few numbers for the prose: the chunk fails. */
#define LB_RESULTS_MAX_BYTES (1u << 20)
#define LB_RESULTS_MAX_VALUES 10000

/* Whether s[0..n) is a value name: letters, digits, '-' and '_', at least
 * one (chunk names are spelled the same way). */
int lb_pub_name_ok(const char *s, size_t n);

/* Appends s[0..n) escaped: backslash as \\, newline \n, CR \r, tab \t,
 * other control bytes as \xHH, and also space as \x20 when esc_space (a
 * KEY, which ends at the first space). */
void lb_pub_escape(const char *s, size_t n, int esc_space, lb_buf *out);
/* Appends the unescaped s[0..n). Returns 0, or -1 on an unknown escape, a
 * truncated one, or an escaped NUL (texts are C strings). */
int lb_pub_unescape(const char *s, size_t n, lb_buf *out);

/* Applies one record of kind "value" or "claim" whose rest (after the
 * kind and one space, no newline) is rest[0..len) to r: a value replaces
 * an earlier one of the same key in place. Returns 0, or -1 with a reason
 * in err (errn bytes, NUL-terminated). */
int lb_pub_add(lb_result *r, const char *kind, const char *rest, size_t len, char *err,
               size_t errn);
/* Parses a whole results file (len bytes, NULs allowed). Every line must
 * be a complete record ending in a newline. Returns 0, or -1 with
 * "line N: reason" in err; r keeps what came before the bad line. */
int lb_pub_parse(const char *text, size_t len, lb_result *r, char *err, size_t errn);

/* The rest of a record ("KEY TEXT", "held LINE TEXT"), escaped, without
 * its kind or newline. Appends to out. */
void lb_pub_format_value(const lb_pub_value *v, lb_buf *out);
void lb_pub_format_claim(const lb_pub_claim *c, lb_buf *out);

/* The value of r named key, or NULL. Borrowed from r. */
const lb_pub_value *lb_pub_find(const lb_result *r, const char *key);

/* After the first run in scratch folder dir: reads dir/LB_RESULTS_FILE
 * into r (none there: nothing published) and removes it, so that the
 * repeat= runs that follow publish into a file nobody reads. Returns 0, or
 * -1 with a reason in err when the file is malformed or too large. */
int lb_pub_collect(const char *dir, lb_result *r, char *err, size_t errn);

/* The 1-based column of the claim call on a chapter line (where "claim("
 * starts, lb_claim or litbook.claim), or 1 when it is not found there. */
int lb_pub_claim_column(const char *line, size_t len);

#endif
