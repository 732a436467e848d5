/* gfm: GitHub Flavored Markdown through libcmark-gfm.
 *
 * Every chapter (and every fragment the pages render) is parsed and
 * rendered here, with the library's core extensions attached: tables,
 * footnotes, strikethrough, autolinks and task lists, plus litbook's own
 * inline math syntax (math.h). What the library does not do, lining up
 * the numbers of a table column on their decimal point, is a pass over the
 * parsed table (lb_md_align_numbers). */
#ifndef LB_GFM_H
#define LB_GFM_H

#include <cmark-gfm.h>
#include <stddef.h>

/* Parses len bytes of Markdown. The caller owns the document and frees it
 * with cmark_node_free. Never NULL. */
cmark_node *lb_md_parse(const char *text, size_t len);
/* Renders node (a document or any block) as HTML, raw HTML let through
 * (chapters are trusted text; program output is escaped before it gets
 * into the tree). The caller frees the string with free(). */
char *lb_md_render(cmark_node *node);
/* The list of syntax extensions the parser attaches (for renderers).
 * Owned by this module, valid for the life of the process. */
cmark_llist *lb_md_extensions(void);
/* Whether node is a table, a table row or a table cell of the table
 * extension. */
int lb_md_is_table(cmark_node *node);
int lb_md_is_table_cell(cmark_node *node);
/* Every table under root: a column whose body cells are all numbers
 * (render.h's lb_num_frac_width), each a plain text cell, is right-aligned
 * (unless the author aligned it left or centre) and its numbers padded to
 * line up on the decimal point; every table is wrapped in
 * <div class="table-wrap"> (a wide one scrolls on a phone), which lists in
 * data-num-align="2 3" the columns litbook right-aligned itself. */
void lb_md_align_numbers(cmark_node *root);

#endif
