#include "gfm.h"

#include <cmark-gfm-core-extensions.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "texmath.h"
#include "render.h"

static cmark_llist *extensions;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* The core extensions register themselves in a global table on first use;
 * the list is made once, whichever thread parses first. */
static void setup(void)
{
    cmark_gfm_core_extensions_ensure_registered();
    static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
    cmark_mem *mem = cmark_get_default_mem_allocator();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);
        if (!e) {
            /* The library is installed whole or not at all: a missing core
             * extension is a broken installation, not bad input. */
            fprintf(stderr, "litbook: libcmark-gfm lacks its '%s' extension\n", names[i]);
            abort();
        }
        extensions = cmark_llist_append(mem, extensions, e);
    }
    extensions = cmark_llist_append(mem, extensions, lb_math_extension());
}

cmark_llist *lb_md_extensions(void)
{
    pthread_once(&once, setup);
    return extensions;
}

cmark_node *lb_md_parse(const char *text, size_t len)
{
    cmark_llist *exts = lb_md_extensions();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_FOOTNOTES);
    for (cmark_llist *l = exts; l; l = l->next)
        cmark_parser_attach_syntax_extension(p, l->data);
    cmark_parser_feed(p, text, len);
    cmark_node *doc = cmark_parser_finish(p);
    cmark_parser_free(p);
    return doc;
}

char *lb_md_render(cmark_node *node)
{
    return cmark_render_html(
        node, CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES,
        lb_md_extensions());
}

static int type_is(cmark_node *node, const char *what)
{
    const char *t = cmark_node_get_type_string(node);
    return t && strcmp(t, what) == 0;
}

int lb_md_is_table(cmark_node *node)
{
    return type_is(node, "table");
}

int lb_md_is_table_cell(cmark_node *node)
{
    return type_is(node, "table_cell");
}

/* The text of a cell made of one text node (or nothing: ""), else NULL. */
static const char *plain_cell(cmark_node *cell)
{
    cmark_node *t = cmark_node_first_child(cell);
    if (!t)
        return "";
    if (cmark_node_next(t) || cmark_node_get_type(t) != CMARK_NODE_TEXT)
        return NULL;
    return cmark_node_get_literal(t);
}

/* cell k of row (0-based), or NULL. */
static cmark_node *cell_at(cmark_node *row, unsigned k)
{
    cmark_node *c = cmark_node_first_child(row);
    while (c && k--)
        c = cmark_node_next(c);
    return c;
}

/* Appends to cols the 1-based numbers of the columns it right-aligned
 * itself (space-separated), the ones the author left unaligned. */
static void align_table(cmark_node *table, lb_buf *cols)
{
    unsigned ncols = cmark_gfm_extensions_get_table_columns(table);
    uint8_t *align = cmark_gfm_extensions_get_table_alignments(table);
    cmark_node *head = cmark_node_first_child(table);
    if (!head || !align)
        return;
    lb_buf b = LB_BUF_INIT;
    for (unsigned j = 0; j < ncols; j++) {
        int frac = 0, any = 0;
        for (cmark_node *r = cmark_node_next(head); r && frac >= 0; r = cmark_node_next(r)) {
            cmark_node *c = cell_at(r, j);
            const char *t = c ? plain_cell(c) : "";
            int w = !t ? -1 : *t ? lb_num_frac_width(t) : 0;
            any |= t && *t;
            frac = w < 0 ? -1 : w > frac ? w : frac;
        }
        /* A column the author aligned left or centre stays so: the
         * padding lines numbers up only at their right edge. */
        if (!any || frac < 0 || align[j] == 'l' || align[j] == 'c')
            continue;
        if (align[j] != 'r')
            lb_buf_printf(cols, "%s%u", cols->len ? " " : "", j + 1);
        align[j] = 'r';
        for (cmark_node *r = cmark_node_next(head); r; r = cmark_node_next(r)) {
            cmark_node *c = cell_at(r, j), *t = c ? cmark_node_first_child(c) : NULL;
            if (!t)
                continue;
            lb_buf_reset(&b);
            lb_buf_puts(&b, "<span class=\"num\">");
            lb_put_num_aligned(cmark_node_get_literal(t), frac, &b);
            lb_buf_puts(&b, "</span>");
            cmark_node *h = cmark_node_new(CMARK_NODE_HTML_INLINE);
            cmark_node_set_literal(h, lb_buf_str(&b));
            cmark_node_replace(t, h);
            cmark_node_free(t);
        }
    }
    lb_buf_free(&b);
}

void lb_md_align_numbers(cmark_node *root)
{
    for (cmark_node *n = cmark_node_first_child(root), *next; n; n = next) {
        next = cmark_node_next(n);
        if (lb_md_is_table(n)) {
            /* The wrapper says which columns litbook aligned, so that what
             * the author wrote can be told from what litbook added (the
             * differential test of tests/markdown/ undoes exactly that). */
            lb_buf cols = LB_BUF_INIT, html = LB_BUF_INIT;
            align_table(n, &cols);
            lb_buf_puts(&html, "<div class=\"table-wrap\"");
            if (cols.len)
                lb_buf_printf(&html, " data-num-align=\"%s\"", lb_buf_str(&cols));
            lb_buf_puts(&html, ">\n");
            cmark_node *open = cmark_node_new(CMARK_NODE_HTML_BLOCK);
            cmark_node_set_literal(open, lb_buf_str(&html));
            lb_buf_free(&cols);
            lb_buf_free(&html);
            cmark_node *close = cmark_node_new(CMARK_NODE_HTML_BLOCK);
            cmark_node_set_literal(close, "</div>\n");
            cmark_node_insert_before(n, open);
            cmark_node_insert_after(n, close);
        } else if (cmark_node_first_child(n) && cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH &&
                   cmark_node_get_type(n) != CMARK_NODE_HEADING) {
            lb_md_align_numbers(n); /* tables in quotes and list items */
        }
    }
}
