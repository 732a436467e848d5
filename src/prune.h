/* prune: the pages of chapters that are gone.
 *
 * Every page a build writes is remembered in out/.cache/pages/NAME (the
 * key of its inputs). A remembered NAME that is no longer a chapter's slug
 * (the chapter was deleted or renamed) has its out/NAME.html removed, and
 * the record too, so out/ holds, and publishes, only the book as it is.
 * Files of out/ that litbook did not write are never touched. */
#ifndef LB_PRUNE_H
#define LB_PRUNE_H

#include <stddef.h>

/* keep: the names of the pages to keep (slugs, "index", the single file),
 * n of them. Prints one note per page removed unless quiet. Returns how
 * many were removed. */
int lb_prune_pages(const char *out_dir, const char *cache_dir, const char *const *keep, size_t n,
                   int quiet);

#endif
