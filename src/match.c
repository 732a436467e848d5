/* match: cram-style expected output, built on the line diff.
 *
 * Expected and actual are aligned by a shortest edit script whose equality
 * lets an expected " (re)" line stand for any actual line its regex matches
 * in full. The diff and the --update text are both read off that script, so
 * they always agree with each other and with lb_match. */
#include "match.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define RE_SUFFIX " (re)"
#define RE_SUFFIX_LEN 5
#define CONTEXT 3

typedef enum { RE_UNTRIED, RE_READY, RE_INVALID } re_state;

typedef struct {
    re_state state;
    regex_t *re; /* owned; set when state is RE_READY */
} re_slot;

/* What the equality callback needs. The regexes are compiled on first use
 * and kept for the rest of the call, because the diff compares the same
 * expected line against many actual lines. */
typedef struct {
    const lb_lines *exp;
    re_slot *slots; /* one per expected line */
    lb_buf scratch; /* the actual line, NUL-terminated for regexec */
} match_ctx;

static void ctx_init(match_ctx *c, const lb_lines *exp)
{
    c->exp = exp;
    c->slots = lb_xcalloc(exp->n, sizeof *c->slots);
    c->scratch = (lb_buf)LB_BUF_INIT;
}

static void ctx_free(match_ctx *c)
{
    for (size_t i = 0; i < c->exp->n; i++) {
        if (c->slots[i].state == RE_READY) {
            regfree(c->slots[i].re);
            free(c->slots[i].re);
        }
    }
    free(c->slots);
    lb_buf_free(&c->scratch);
}

static bool is_re_line(const lb_line *l)
{
    return l->len >= RE_SUFFIX_LEN &&
           memcmp(l->s + l->len - RE_SUFFIX_LEN, RE_SUFFIX, RE_SUFFIX_LEN) == 0;
}

static void compile_slot(re_slot *slot, const lb_line *l)
{
    size_t plen = l->len - RE_SUFFIX_LEN;
    slot->state = RE_INVALID;
    /* regcomp would silently stop at a NUL and match a different regex. */
    if (memchr(l->s, '\0', plen))
        return;
    lb_buf pat = LB_BUF_INIT;
    lb_buf_puts(&pat, "^(");
    lb_buf_append(&pat, l->s, plen);
    lb_buf_puts(&pat, ")$");
    regex_t *re = lb_xmalloc(sizeof *re);
    /* Not REG_NOSUB: the match's extent is checked below, because a pattern
     * such as "a)|(b" escapes the anchoring group. */
    if (regcomp(re, lb_buf_str(&pat), REG_EXTENDED) == 0) {
        slot->re = re;
        slot->state = RE_READY;
    } else {
        free(re);
    }
    lb_buf_free(&pat);
}

static bool re_matches(match_ctx *c, const regex_t *re, const lb_line *act)
{
    lb_buf_reset(&c->scratch);
    lb_buf_append(&c->scratch, act->s, act->len);
    regmatch_t m[1];
    int flags = 0;
#ifdef REG_STARTEND
    /* Lets a line with a NUL in it be matched in full, not up to the NUL. */
    m[0].rm_so = 0;
    m[0].rm_eo = (regoff_t)act->len;
    flags = REG_STARTEND;
#else
    if (memchr(act->s, '\0', act->len))
        return false;
#endif
    if (regexec(re, lb_buf_str(&c->scratch), 1, m, flags) != 0)
        return false;
    /* POSIX matches leftmost-longest, so if any match spans the whole line,
     * the one reported does. */
    return m[0].rm_so == 0 && (size_t)m[0].rm_eo == act->len;
}

/* lb_line_eq for expected (a) against actual (b). The diff hands us
 * pointers into the arrays it was given, which is how the expected line's
 * cache slot is found. */
static bool line_eq(const lb_line *exp, const lb_line *act, void *ctxp)
{
    match_ctx *c = ctxp;
    if (exp->len == act->len && memcmp(exp->s, act->s, exp->len) == 0)
        return true;
    if (!is_re_line(exp))
        return false;
    re_slot *slot = &c->slots[exp - c->exp->v];
    if (slot->state == RE_UNTRIED)
        compile_slot(slot, exp);
    return slot->state == RE_READY && re_matches(c, slot->re, act);
}

bool lb_match(const char *expected, size_t elen, const char *actual, size_t alen)
{
    lb_lines e, a;
    lb_lines_split(expected, elen, &e);
    lb_lines_split(actual, alen, &a);
    bool ok = e.n == a.n;
    if (ok) {
        match_ctx c;
        ctx_init(&c, &e);
        for (size_t i = 0; ok && i < e.n; i++)
            ok = line_eq(&e.v[i], &a.v[i], &c);
        ctx_free(&c);
    }
    lb_lines_free(&e);
    lb_lines_free(&a);
    return ok;
}

/* The edit script from expected to actual; *ops is the caller's to free. */
static void match_ops(const lb_lines *e, const lb_lines *a, lb_diff_op **ops, size_t *nops)
{
    match_ctx c;
    ctx_init(&c, e);
    lb_diff(e, a, line_eq, &c, ops, nops);
    ctx_free(&c);
}

/* A hunk range as GNU diff -u writes it: an empty range is named by the
 * line before it, and a count of one is left out. */
static void put_range(lb_buf *out, size_t start, size_t count)
{
    if (count == 0)
        lb_buf_printf(out, "%zu,0", start);
    else if (count == 1)
        lb_buf_printf(out, "%zu", start + 1);
    else
        lb_buf_printf(out, "%zu,%zu", start + 1, count);
}

static void put_line(lb_buf *out, char mark, const lb_line *l)
{
    lb_buf_putc(out, mark);
    lb_buf_append(out, l->s, l->len);
    lb_buf_putc(out, '\n');
}

/* The end (exclusive) of the hunk whose first change is ops[i]: changes
 * separated by at most 2 * CONTEXT equal lines share a hunk, since their
 * contexts would touch or overlap. */
static size_t hunk_end(const lb_diff_op *ops, size_t nops, size_t i)
{
    for (;;) {
        while (i < nops && ops[i].kind != LB_DIFF_EQ)
            i++;
        size_t j = i;
        while (j < nops && ops[j].kind == LB_DIFF_EQ)
            j++;
        if (j == nops || j - i > 2 * CONTEXT)
            return i + CONTEXT < nops ? i + CONTEXT : nops;
        i = j;
    }
}

static void put_hunk(lb_buf *out, const lb_diff_op *ops, size_t lo, size_t hi, const lb_lines *e,
                     const lb_lines *a)
{
    size_t ecount = 0, acount = 0;
    for (size_t i = lo; i < hi; i++) {
        ecount += ops[i].kind != LB_DIFF_ADD;
        acount += ops[i].kind != LB_DIFF_DEL;
    }
    lb_buf_puts(out, "@@ -");
    put_range(out, ops[lo].a, ecount);
    lb_buf_puts(out, " +");
    put_range(out, ops[lo].b, acount);
    lb_buf_puts(out, " @@\n");
    for (size_t i = lo; i < hi; i++) {
        switch (ops[i].kind) {
        case LB_DIFF_EQ:
            /* Context comes from expected, as diff -u takes it from the
             * first file, so the diff applies to the expected block. */
            put_line(out, ' ', &e->v[ops[i].a]);
            break;
        case LB_DIFF_DEL:
            put_line(out, '-', &e->v[ops[i].a]);
            break;
        case LB_DIFF_ADD:
            put_line(out, '+', &a->v[ops[i].b]);
            break;
        }
    }
}

/* Expected and actual split into lines and aligned by the matcher's diff:
 * what the diff and the update both start from. */
typedef struct {
    lb_lines e, a;
    lb_diff_op *ops;
    size_t nops;
} alignment;

static void align(const char *expected, size_t elen, const char *actual, size_t alen, alignment *al)
{
    lb_lines_split(expected, elen, &al->e);
    lb_lines_split(actual, alen, &al->a);
    match_ops(&al->e, &al->a, &al->ops, &al->nops);
}

static void alignment_free(alignment *al)
{
    free(al->ops);
    lb_lines_free(&al->e);
    lb_lines_free(&al->a);
}

void lb_match_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                   const char *label_expected, const char *label_actual, lb_buf *out)
{
    alignment al;
    align(expected, elen, actual, alen, &al);
    const lb_diff_op *ops = al.ops;
    size_t nops = al.nops;
    bool headers = false;
    size_t i = 0;
    for (;;) {
        while (i < nops && ops[i].kind == LB_DIFF_EQ)
            i++;
        if (i == nops)
            break;
        if (!headers) {
            lb_buf_printf(out, "--- %s\n+++ %s\n", label_expected, label_actual);
            headers = true;
        }
        size_t lo = i > CONTEXT ? i - CONTEXT : 0;
        size_t hi = hunk_end(ops, nops, i);
        put_hunk(out, ops, lo, hi, &al.e, &al.a);
        i = hi;
    }
    alignment_free(&al);
}

void lb_match_update(const char *expected, size_t elen, const char *actual, size_t alen,
                     lb_buf *out)
{
    alignment al;
    align(expected, elen, actual, alen, &al);
    for (size_t i = 0; i < al.nops; i++) {
        const lb_diff_op *op = &al.ops[i];
        const lb_line *l = NULL;
        if (op->kind == LB_DIFF_ADD)
            l = &al.a.v[op->b];
        else if (op->kind == LB_DIFF_EQ)
            /* An EQ pair is byte-equal unless a (re) line matched it. */
            l = is_re_line(&al.e.v[op->a]) ? &al.e.v[op->a] : &al.a.v[op->b];
        if (l) {
            lb_buf_append(out, l->s, l->len);
            lb_buf_putc(out, '\n');
        }
    }
    alignment_free(&al);
}
