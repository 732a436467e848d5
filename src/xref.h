/* xref: numbered figures, listings and sections, @references to them, and
 * links between chapters.
 *
 * Per chapter (numbered in book order, the front page not counted), a
 * gnuplot chunk named fig-... is a figure ("Figure 3.2"), any other named
 * chunk a listing ("Listing 3.1"), a level-2 heading a section ("Section
 * 3.4", its level-3 headings 3.4.1 ...). A heading's name is its anchor:
 * the slug of its text, or an explicit {#name} at its end. In the prose,
 * @name refers to one of them: it becomes a link with the label. A name is
 * looked up in the chapter first, then in the whole book (where it must be
 * unique). An @ is a reference only where it starts a word (not in an
 * e-mail address), outside code, links and URLs, and is followed by a
 * letter; one that resolves to nothing is an input error at its line.
 *
 * A link to another chapter's Markdown file (03-shared-memory.md, with or
 * without #anchor) becomes a link to its page; a link to a .md file that
 * is no chapter, or to an anchor that the chapter lacks, is an error. */
#ifndef LB_XREF_H
#define LB_XREF_H

#include "chapter.h"
#include "diag.h"

typedef struct {
    char *name;   /* what @name says */
    char *label;  /* "Figure 3.2" */
    char *anchor; /* the HTML id in its page */
    size_t chapter;
} lb_xref_target;

typedef struct {
    lb_xref_target *v;
    size_t n, cap;
} lb_xrefs;

/* Numbers the book's targets (chunk labels in each chunk's xref_label,
 * heading ids and numbers on the heading nodes, see lb_heading_id), then
 * resolves every reference and chapter link, rewriting them in the trees.
 * chapters[0] may be the front page. Returns 0, or -1 with *d filled. */
int lb_xref_resolve(lb_chapter *chapters, size_t n, lb_xrefs *x, lb_diag *d);
void lb_xrefs_free(lb_xrefs *x);
/* The id and the number ("3.4", or NULL) that lb_xref_resolve gave a
 * heading node; NULL id when it gave none. */
const char *lb_heading_id(cmark_node *heading, const char **number);

#endif
