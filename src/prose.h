/* prose: the book's text checked and prepared before anything runs.
 *
 * Once every chapter is loaded, and before any chunk runs or anything is
 * written under out/ (the math cache aside), this reads the book's
 * configuration (front matter), numbers figures, listings and sections,
 * resolves @references and links between chapters, finds the images the
 * chapters use, and renders the math. Every problem is an input error at
 * its line. What it finds is kept here for the pages (render.h). */
#ifndef LB_PROSE_H
#define LB_PROSE_H

#include "chapter.h"
#include "config.h"
#include "diag.h"
#include "xref.h"

typedef struct {
    lb_config config;
    lb_xrefs xrefs; /* every figure, listing and section of the book */
    /* Images the chapters link to: their URL as rewritten in the pages
     * (under out/), and the file they come from. */
    lb_strv image_urls, image_files;
    int has_math; /* some chapter has a formula: KaTeX's CSS and fonts */
} lb_prose;

/* Prepares the book: chapters[0] is the front page when is_index. Fills
 * *p (free with lb_prose_free, whatever the result). Returns 0, or -1 with
 * *d filled. Warnings (unknown front matter keys) are printed on stderr
 * unless quiet. cache_dir may be NULL (no math cache). */
int lb_prose_prepare(lb_chapter *chapters, size_t n, const char *cache_dir, int quiet, lb_prose *p,
                     lb_diag *d);
void lb_prose_free(lb_prose *p);
/* Copies the images into out_dir/images/ (each only when it changed).
 * Returns 0, or -1 with *d filled. */
int lb_prose_copy_images(const lb_prose *p, const char *out_dir, lb_diag *d);

#endif
