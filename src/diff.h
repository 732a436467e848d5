/* diff: a line diff (Myers' O(ND) algorithm) with a caller's equality.
 *
 * Kept apart from match.h so the algorithm can be tested on its own. */
#ifndef LB_DIFF_H
#define LB_DIFF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *s;
    size_t len; /* without the newline */
} lb_line;

typedef struct {
    lb_line *v;
    size_t n;
} lb_lines;

/* Splits text into lines (pointing into text, which must outlive them). A
 * final newline does not make an empty last line. Free with lb_lines_free. */
void lb_lines_split(const char *text, size_t len, lb_lines *out);
void lb_lines_free(lb_lines *l);

typedef enum { LB_DIFF_EQ, LB_DIFF_DEL, LB_DIFF_ADD } lb_diff_kind;
typedef struct {
    lb_diff_kind kind;
    size_t a; /* index in a (EQ, DEL) */
    size_t b; /* index in b (EQ, ADD) */
} lb_diff_op;

typedef bool (*lb_line_eq)(const lb_line *a, const lb_line *b, void *ctx);

/* Computes a shortest edit script from a to b; *ops is malloc'ed (caller
 * frees), *nops its length. Ops are in order; deletions come before
 * additions within a change. eq is called with pointers into a->v and b->v
 * (in that order), so a caller may find a line's index from them.
 *
 * Time is O((N+M)D) for D edits. Past about 2000 edits the script is still
 * correct but may not be the shortest: as in GNU diff, the search settles
 * for a good split rather than take quadratic time on very different
 * inputs. */
void lb_diff(const lb_lines *a, const lb_lines *b, lb_line_eq eq, void *ctx, lb_diff_op **ops,
             size_t *nops);

#endif
