#include "prose.h"

#include <stdlib.h>
#include <string.h>

/* The book's configuration from the front page's front matter, and each
 * chapter's own title. */
static int read_config(lb_chapter *chapters, size_t n, int quiet, lb_config *c, lb_diag *d)
{
    for (size_t i = 0; i < n; i++) {
        lb_chapter *ch = &chapters[i];
        if (!ch->fm_lines)
            continue;
        if (ch->is_index) {
            if (lb_frontmatter_parse(ch->path, lb_buf_str(&ch->src), ch->fm_lines, 1, quiet, c, d) <
                0)
                return -1;
            continue;
        }
        lb_config own = {0};
        int rc =
            lb_frontmatter_parse(ch->path, lb_buf_str(&ch->src), ch->fm_lines, 0, quiet, &own, d);
        if (rc == 0 && own.title) {
            free(ch->title);
            ch->title = own.title;
            own.title = NULL;
        }
        lb_config_free(&own);
        if (rc < 0)
            return -1;
    }
    if (!c->title && n > 0 && chapters[0].is_index && chapters[0].title)
        c->title = lb_xstrdup(chapters[0].title);
    lb_config_defaults(c);
    return 0;
}

int lb_prose_prepare(lb_chapter *chapters, size_t n, const char *cache_dir, int quiet, lb_prose *p,
                     lb_diag *d)
{
    (void)cache_dir;
    memset(p, 0, sizeof *p);
    if (read_config(chapters, n, quiet, &p->config, d) < 0 ||
        lb_xref_resolve(chapters, n, &p->xrefs, d) < 0)
        return -1;
    return 0;
}

void lb_prose_free(lb_prose *p)
{
    lb_config_free(&p->config);
    lb_xrefs_free(&p->xrefs);
    lb_strv_free(&p->image_urls);
    lb_strv_free(&p->image_files);
}
