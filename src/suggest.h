/* suggest: "did you mean" for near-miss words. */
#ifndef LB_SUGGEST_H
#define LB_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word by edit distance (Damerau-Levenshtein,
 * adjacent transpositions count 1), or NULL when none is close enough
 * (distance > max(1, strlen(word)/3)). candidates ends with NULL. */
const char *lb_suggest(const char *word, const char *const *candidates);
size_t lb_edit_distance(const char *a, const char *b);

#endif
