/* The reference renderer of the differential test (issue 19): Debian's
 * cmark-gfm command, as litbook's src/gfm.c drives the same library, plus
 * footnotes. The command of cmark-gfm 0.29 has no --footnotes option, so
 * this renders one Markdown file with libcmark-gfm directly: the four GFM
 * extensions litbook enables, CMARK_OPT_FOOTNOTES, raw HTML let through and
 * table alignment as style attributes. Nothing of litbook is linked in.
 *
 * usage: cmark-ref FILE.md   (HTML on stdout; exit 2 on a read error) */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARSE_OPTS CMARK_OPT_FOOTNOTES
#define RENDER_OPTS                                                                                \
    (CMARK_OPT_UNSAFE | CMARK_OPT_FOOTNOTES | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES)

/* Attaches each extension to p; returns 0, or -1 naming the missing one. */
static int attach(cmark_parser *p)
{
    static const char *const names[] = {"table", "strikethrough", "autolink", "tasklist"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(names[i]);
        if (!e) {
            fprintf(stderr, "cmark-ref: libcmark-gfm lacks its '%s' extension\n", names[i]);
            return -1;
        }
        cmark_parser_attach_syntax_extension(p, e);
    }
    return 0;
}

/* Feeds the whole of f to p in pieces, as the cmark-gfm command does. */
static int feed(cmark_parser *p, FILE *f)
{
    char piece[4096];
    size_t n;
    while ((n = fread(piece, 1, sizeof piece, f)) > 0)
        cmark_parser_feed(p, piece, n);
    return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: cmark-ref FILE.md\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "cmark-ref: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(PARSE_OPTS);
    int rc = attach(p) == 0 && feed(p, f) == 0 ? 0 : 2;
    fclose(f);
    if (rc == 0) {
        cmark_node *doc = cmark_parser_finish(p);
        /* Owned by us, freed with the allocator cmark used. */
        char *html = cmark_render_html(doc, RENDER_OPTS, cmark_parser_get_syntax_extensions(p));
        fputs(html, stdout);
        cmark_get_default_mem_allocator()->free(html);
        cmark_node_free(doc);
    }
    cmark_parser_free(p);
    return rc;
}
