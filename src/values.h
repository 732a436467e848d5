/* values: the prose quoting what a chunk published.
 *
 * A code span whose text is `{=NAME.KEY}` is a reference to the value KEY
 * that chunk NAME of the same chapter published when it ran (published.h).
 * Before anything runs, every reference must name a chunk of its chapter
 * that runs (an input error otherwise); after the run, a chunk that ran
 * well must have published the key (a build failure otherwise); on the
 * page, each reference becomes the value's text in a marker element that
 * names the chunk, or a visible "n/a" when the chunk did not run here or
 * failed. All of it works on the cmark tree, never on rendered HTML. */
#ifndef LB_VALUES_H
#define LB_VALUES_H

#include <cmark-gfm.h>

#include "buf.h"
#include "chapter.h"
#include "diag.h"

typedef struct {
    char *chunk; /* the chunk's name (owned) */
    char *key;   /* the value's name (owned) */
    int line;    /* where the code span's text starts in the chapter */
    int col;
} lb_value_ref;

typedef struct {
    lb_value_ref *v;
    size_t n;
} lb_value_refs;

/* What a code span's text lit is: 1, a reference, with *chunk and *key
 * (malloc'ed, caller frees) set; 0, not one (ordinary code); -1, meant as
 * one but malformed: text that starts with "{=", ends with "}" and holds
 * no white space, but is not {=NAME.KEY} with NAME and KEY made of
 * letters, digits, '-' and '_'. */
int lb_value_ref_parse(const char *lit, char **chunk, char **key);

/* Collects the references in ch's prose into *out (free with
 * lb_value_refs_free, also on failure). Returns 0, or -1 with *d set (an
 * input error at the reference: malformed, no such chunk in the chapter,
 * with a "did you mean", or a chunk that never runs). */
int lb_values_scan(lb_chapter *ch, lb_value_refs *out, lb_diag *d);
void lb_value_refs_free(lb_value_refs *refs);

/* After the run: whether r quotes a key that its chunk, which ran and
 * succeeded, did not publish. Returns 1 with *d set (an error at the
 * reference, listing what the chunk published), else 0. */
int lb_value_ref_missing(lb_chapter *ch, const lb_value_ref *r, lb_diag *d);

/* Appends the HTML that stands for {=chunk.key} on ch's page. */
void lb_value_html(lb_chapter *ch, const char *chunk, const char *key, lb_buf *out);

/* Replaces every reference code span under root (ch's document, or a tree
 * parsed from a piece of ch such as a table cell) by lb_value_html. */
void lb_values_splice(cmark_node *root, lb_chapter *ch);

/* Once the chunks have run: makes ch->title (the text of its first
 * level-1 heading, which the sidebar, the contents, the page's <title>,
 * the next and previous links and the search results show) say the
 * values its `{=chunk.key}` references stand for, as the heading itself
 * does on the page, where it held the references' source. "n/a" for one
 * that has none. */
void lb_values_title(lb_chapter *ch);

#endif
