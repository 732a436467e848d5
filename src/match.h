/* match: expected output against actual output, cram style.
 *
 * Comparison is line by line. A trailing newline at the very end is not
 * significant (both texts are split into lines and a final empty piece is
 * dropped). An expected line ending in " (re)" is a POSIX extended regular
 * expression that must match the whole actual line (anchored ^...$); any
 * other line must be equal byte for byte. */
#ifndef LB_MATCH_H
#define LB_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* True when actual satisfies expected. An invalid regex never matches. */
bool lb_match(const char *expected, size_t elen, const char *actual, size_t alen);

/* A unified diff (---/+++ headers with the two labels, @@ hunks, 3 lines
 * of context) from expected to actual, where an expected (re) line that
 * matches its actual line counts as equal. Appends to out; appends nothing
 * when they match. */
void lb_match_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                   const char *label_expected, const char *label_actual, lb_buf *out);

/* The new expected text for --update: actual, except that where an
 * expected (re) line matched the actual line aligned with it, the (re) line
 * is kept, so run-dependent lines survive an update. Appends to out, always
 * ending with a newline when non-empty. */
void lb_match_update(const char *expected, size_t elen, const char *actual, size_t alen,
                     lb_buf *out);

#endif
