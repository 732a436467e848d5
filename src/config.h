/* config: the book's configuration, from YAML front matter.
 *
 * chapters/index.md may open with a block between two `---` lines:
 *
 *     ---
 *     title: The answer book
 *     author: A. Writer
 *     lang: en
 *     ---
 *
 * Keys: title, author, description, lang (default "en"), repository (a
 * link in the sidebar), toc-title (the front page's heading over the
 * chapter list, default "Contents") and output-file (the single-file
 * book's name, default "answer-book.html", the contract's). A chapter's
 * own block may set title (over its first heading). Unknown keys are
 * warnings with a "did you mean"; a block that is not YAML, or a value
 * that is not text, is an input error at its line. Parsed with libyaml. */
#ifndef LB_CONFIG_H
#define LB_CONFIG_H

#include <stddef.h>

#include "diag.h"

typedef struct {
    char *title, *author, *description, *lang, *repository, *toc_title, *output_file;
} lb_config;

/* The number of lines of the front matter block at the top of text (its
 * two fence lines included), or 0 when it has none. A block must be
 * closed by `---` or `...`; otherwise the first line is Markdown. */
int lb_frontmatter_lines(const char *text, size_t len);
/* Parses the YAML of a front matter block of nlines lines at the top of
 * text into *c (fields already set are replaced; free with
 * lb_config_free). is_index: the book's front page, where every key is
 * known; elsewhere only title. Unknown keys are printed as warnings on
 * stderr (unless quiet). Returns 0, or -1 with *d filled. */
int lb_frontmatter_parse(const char *path, const char *text, int nlines, int is_index, int quiet,
                         lb_config *c, lb_diag *d);
/* Fills the defaults of the fields left unset. */
void lb_config_defaults(lb_config *c);
void lb_config_free(lb_config *c);

#endif
