#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static size_t min3(size_t a, size_t b, size_t c)
{
    size_t m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment distance: Levenshtein plus adjacent swaps, the
 * typo most often made in option names ("tiemout"). Three rolling rows keep
 * memory at O(len(b)) for the swap lookback. */
size_t lb_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *prev2 = lb_xcalloc(lb + 1, sizeof *prev2);
    size_t *prev = lb_xcalloc(lb + 1, sizeof *prev);
    size_t *cur = lb_xcalloc(lb + 1, sizeof *cur);
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < cur[j])
                cur[j] = prev2[j - 2] + 1;
        }
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    size_t d = prev[lb];
    free(prev2);
    free(prev);
    free(cur);
    return d;
}

const char *lb_suggest(const char *word, const char *const *candidates)
{
    size_t len = strlen(word);
    size_t limit = len / 3 > 1 ? len / 3 : 1;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (const char *const *c = candidates; *c; c++) {
        size_t d = lb_edit_distance(word, *c);
        if (d < best_d) { /* strict: on a tie the earlier candidate wins */
            best = *c;
            best_d = d;
        }
    }
    return best;
}
