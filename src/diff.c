/* diff: Myers' O(ND) difference algorithm, linear-space variant.
 *
 * The edit graph of a (length N, x axis) and b (length M, y axis) has a
 * horizontal edge for deleting a[x], a vertical one for inserting b[y], and a
 * free diagonal edge where a[x] equals b[y]. A shortest edit script is a path
 * from (0,0) to (N,M) with the fewest non-diagonal edges. Diagonal k holds the
 * points with x - y == k.
 *
 * Rather than keeping every step's frontier (O(D^2) memory), we search from
 * both ends at once until the two frontiers meet, which yields a point on an
 * optimal path; then we recurse on the two halves. Time stays O((N+M)D) and
 * memory is O(N+M); EXACT_HALF_COST caps D's part in the time. The recursion
 * only records which lines are matched; the ops are produced afterwards,
 * which is also where deletions are put before additions. */
#include "diff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void lb_lines_split(const char *text, size_t len, lb_lines *out)
{
    size_t n = 0;
    for (const char *p = text, *end = text + len; p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    /* lb_xmalloc(0) still returns a pointer: keep v NULL for no lines so
     * an empty split owns nothing. */
    out->v = n ? lb_xmalloc(n * sizeof *out->v) : NULL;
    out->n = n;
    size_t i = 0;
    for (const char *p = text, *end = text + len; p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        out->v[i].s = p;
        out->v[i].len = (size_t)(stop - p);
        p = nl ? nl + 1 : end;
    }
}

void lb_lines_free(lb_lines *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

#define NO_MATCH SIZE_MAX
/* Frontier markers for diagonals that no path of the current cost reaches
 * inside the box; see step_forward. */
#define F_NONE ((ptrdiff_t)-1)
#define B_NONE PTRDIFF_MAX

typedef struct {
    const lb_line *a, *b;
    lb_line_eq eq;
    void *ctx;
    /* Furthest x reached on each diagonal, forward and backward; indexed by
     * diagonal k in [-M-1, N+1], hence the offset of M+1 baked into them. */
    ptrdiff_t *fwd, *bwd;
    size_t *match; /* match[x] = the y that a[x] is paired with, or NO_MATCH */
} diff_ctx;

static bool same(const diff_ctx *c, ptrdiff_t x, ptrdiff_t y)
{
    return c->eq(&c->a[x], &c->b[y], c->ctx);
}

/* One search's frontier: the diagonals [lo, hi] (same parity) it covers. */
typedef struct {
    ptrdiff_t lo, hi;
} range;

/* The diagonals a search covers after one more edit: one further out on each
 * side, unless that side already touches the box's corner diagonal, in which
 * case the parity forces it one step in. */
static range widen(range r, ptrdiff_t dmin, ptrdiff_t dmax)
{
    range n;
    n.lo = r.lo > dmin ? r.lo - 1 : r.lo + 1;
    n.hi = r.hi < dmax ? r.hi + 1 : r.hi - 1;
    return n;
}

typedef struct {
    ptrdiff_t xlo, xhi, ylo, yhi;
} box;

/* Forward step on diagonal k: extend the best of the neighbouring frontier
 * points by one edit that stays inside the box, then follow the diagonal.
 * Only moves that stay in the box are taken, so every recorded point is a
 * real one; a diagonal no such move reaches is marked F_NONE. */
static ptrdiff_t step_forward(const diff_ctx *c, const box *bx, range prev, ptrdiff_t k)
{
    const ptrdiff_t *F = c->fwd;
    ptrdiff_t x = F_NONE;
    if (k - 1 >= prev.lo && F[k - 1] != F_NONE && F[k - 1] < bx->xhi)
        x = F[k - 1] + 1; /* delete a[x] */
    if (k + 1 <= prev.hi && F[k + 1] != F_NONE && F[k + 1] - (k + 1) < bx->yhi && F[k + 1] > x)
        x = F[k + 1]; /* insert b[y] */
    if (x == F_NONE)
        return F_NONE;
    ptrdiff_t y = x - k;
    while (x < bx->xhi && y < bx->yhi && same(c, x, y)) {
        x++;
        y++;
    }
    return x;
}

/* The mirror image of step_forward, walking from (xhi, yhi) towards the
 * origin and keeping the smallest x on each diagonal. */
static ptrdiff_t step_backward(const diff_ctx *c, const box *bx, range prev, ptrdiff_t k)
{
    const ptrdiff_t *B = c->bwd;
    ptrdiff_t x = B_NONE;
    if (k + 1 <= prev.hi && B[k + 1] != B_NONE && B[k + 1] > bx->xlo)
        x = B[k + 1] - 1;
    if (k - 1 >= prev.lo && B[k - 1] != B_NONE && B[k - 1] - (k - 1) > bx->ylo && B[k - 1] < x)
        x = B[k - 1];
    if (x == B_NONE)
        return B_NONE;
    ptrdiff_t y = x - k;
    while (x > bx->xlo && y > bx->ylo && same(c, x - 1, y - 1)) {
        x--;
        y--;
    }
    return x;
}

/* Half the edit cost up to which the search is exact. Past it the cost of
 * finishing grows with the square of the difference, so we settle for the
 * frontier point that got furthest (as GNU diff does too) and still produce
 * a correct, if not shortest, script. */
#define EXACT_HALF_COST 1024

/* The frontier point, forward or backward, that has covered the most of the
 * box, other than the far corner, which would not split it. */
static bool settle(const diff_ctx *c, const box *bx, range fr, range br, ptrdiff_t *mx,
                   ptrdiff_t *my)
{
    ptrdiff_t best = 0;
    for (ptrdiff_t k = fr.lo; k <= fr.hi; k += 2) {
        ptrdiff_t x = c->fwd[k];
        if (x == F_NONE || (x == bx->xhi && x - k == bx->yhi))
            continue;
        ptrdiff_t gain = (x - bx->xlo) + (x - k - bx->ylo);
        if (gain > best) {
            best = gain;
            *mx = x;
            *my = x - k;
        }
    }
    for (ptrdiff_t k = br.lo; k <= br.hi; k += 2) {
        ptrdiff_t x = c->bwd[k];
        if (x == B_NONE || (x == bx->xlo && x - k == bx->ylo))
            continue;
        ptrdiff_t gain = (bx->xhi - x) + (bx->yhi - (x - k));
        if (gain > best) {
            best = gain;
            *mx = x;
            *my = x - k;
        }
    }
    return best > 0;
}

/* Finds a point (*mx, *my) on a shortest path through the box (or, past
 * EXACT_HALF_COST, a good one), strictly inside it in the sense that both
 * halves are smaller than the whole. The
 * caller has stripped equal lines off both ends, so the box is not empty in
 * either direction. Returns false if no meeting point was found, which a
 * correct search never does; the caller then gives up on matching inside
 * this box rather than loop. */
static bool middle(const diff_ctx *c, const box *bx, ptrdiff_t *mx, ptrdiff_t *my)
{
    ptrdiff_t *F = c->fwd, *B = c->bwd;
    const ptrdiff_t dmin = bx->xlo - bx->yhi, dmax = bx->xhi - bx->ylo;
    const ptrdiff_t fmid = bx->xlo - bx->ylo, bmid = bx->xhi - bx->yhi;
    /* With an odd difference of the two start diagonals, the searches can
     * only meet right after a forward step, else right after a backward
     * one. */
    const bool odd = ((fmid - bmid) & 1) != 0;
    range fr = {fmid, fmid}, br = {bmid, bmid};
    F[fmid] = bx->xlo;
    B[bmid] = bx->xhi;
    const ptrdiff_t limit = (bx->xhi - bx->xlo) + (bx->yhi - bx->ylo);
    for (ptrdiff_t d = 1; d <= limit; d++) {
        range nf = widen(fr, dmin, dmax);
        for (ptrdiff_t k = nf.lo; k <= nf.hi; k += 2) {
            ptrdiff_t x = step_forward(c, bx, fr, k);
            F[k] = x;
            if (odd && x != F_NONE && k >= br.lo && k <= br.hi && B[k] != B_NONE && B[k] <= x) {
                *mx = x;
                *my = x - k;
                return true;
            }
        }
        fr = nf;
        range nb = widen(br, dmin, dmax);
        for (ptrdiff_t k = nb.lo; k <= nb.hi; k += 2) {
            ptrdiff_t x = step_backward(c, bx, br, k);
            B[k] = x;
            if (!odd && x != B_NONE && k >= fr.lo && k <= fr.hi && F[k] != F_NONE && x <= F[k]) {
                *mx = x;
                *my = x - k;
                return true;
            }
        }
        br = nb;
        if (d >= EXACT_HALF_COST)
            return settle(c, bx, fr, br, mx, my);
    }
    return false;
}

static void compare(diff_ctx *c, box bx)
{
    /* The right half is handled by looping, not recursing: when the search
     * settles early it splits off only a small left part, many times over,
     * and recursion would then go as deep as the input is long. */
    for (;;) {
        while (bx.xlo < bx.xhi && bx.ylo < bx.yhi && same(c, bx.xlo, bx.ylo)) {
            c->match[bx.xlo] = (size_t)bx.ylo;
            bx.xlo++;
            bx.ylo++;
        }
        while (bx.xlo < bx.xhi && bx.ylo < bx.yhi && same(c, bx.xhi - 1, bx.yhi - 1)) {
            c->match[bx.xhi - 1] = (size_t)(bx.yhi - 1);
            bx.xhi--;
            bx.yhi--;
        }
        if (bx.xlo == bx.xhi || bx.ylo == bx.yhi)
            return; /* only deletions or only insertions: nothing to pair */
        ptrdiff_t mx, my;
        if (!middle(c, &bx, &mx, &my))
            return;
        compare(c, (box){bx.xlo, mx, bx.ylo, my});
        bx = (box){mx, bx.xhi, my, bx.yhi};
    }
}

/* Turns the pairing into ops. Between two paired lines, every unpaired line
 * of a is a deletion and every unpaired line of b an addition; emitting all
 * the deletions first gives the promised order. */
static size_t emit(const size_t *match, size_t n, size_t m, lb_diff_op *ops)
{
    size_t k = 0, x = 0, y = 0;
    while (x < n || y < m) {
        size_t xe = x;
        while (xe < n && match[xe] == NO_MATCH)
            xe++;
        size_t ye = xe < n ? match[xe] : m;
        for (; x < xe; x++)
            ops[k++] = (lb_diff_op){LB_DIFF_DEL, x, y};
        for (; y < ye; y++)
            ops[k++] = (lb_diff_op){LB_DIFF_ADD, x, y};
        if (x < n) {
            ops[k++] = (lb_diff_op){LB_DIFF_EQ, x, y};
            x++;
            y++;
        }
    }
    return k;
}

void lb_diff(const lb_lines *a, const lb_lines *b, lb_line_eq eq, void *ctx, lb_diff_op **ops,
             size_t *nops)
{
    size_t n = a->n, m = b->n;
    diff_ctx c = {a->v, b->v, eq, ctx, NULL, NULL, NULL};
    size_t diags = n + m + 3;
    ptrdiff_t *fwd = lb_xmalloc(diags * sizeof *fwd);
    ptrdiff_t *bwd = lb_xmalloc(diags * sizeof *bwd);
    c.fwd = fwd + m + 1;
    c.bwd = bwd + m + 1;
    c.match = lb_xmalloc((n ? n : 1) * sizeof *c.match);
    for (size_t i = 0; i < n; i++)
        c.match[i] = NO_MATCH;
    compare(&c, (box){0, (ptrdiff_t)n, 0, (ptrdiff_t)m});
    free(fwd);
    free(bwd);
    *ops = lb_xmalloc((n + m ? n + m : 1) * sizeof **ops);
    *nops = emit(c.match, n, m, *ops);
    free(c.match);
}
