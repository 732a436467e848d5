/* matchmemo: the verdicts of lb_match, remembered across builds.
 *
 * Every build judges every chunk's output against its expected block
 * again, a cached result too: the block is not part of the chunk's key, so
 * that editing it reruns nothing. Most of that is glibc compiling the (re)
 * lines, 4 ms of the answer book's 20 ms no-op rebuild (issue 17). A
 * verdict depends on nothing but the two texts and the matcher, so a match
 * is remembered as an empty file DIR/match/KEY, KEY the XXH3-128 hash of
 * litbook's version, the C library's (its regex engine reads the (re)
 * lines), and both texts: another text has another key, and nothing can
 * go stale. A mismatch is not remembered: its diff is made then anyway. */
#ifndef LB_MATCHMEMO_H
#define LB_MATCHMEMO_H

#include <stdbool.h>
#include <stddef.h>

/* lb_match, answered from the memo under cache_dir (NULL: none) when it
 * holds the verdict; a match found is added to it (best effort: a memo
 * that cannot be written costs time, never a verdict). */
bool lb_match_memo(const char *cache_dir, const char *expected, size_t elen, const char *actual,
                   size_t alen);

#endif
