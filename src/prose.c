#include "prose.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsutil.h"
#include "texmath.h"

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

/* The page URL of an image at rel (relative to the chapters' folder): one
 * flat name under images/, so that nothing can land outside out/. */
static void image_url(const char *rel, lb_buf *out)
{
    lb_buf_puts(out, "images/");
    for (const char *p = rel; *p; p++) {
        if (p[0] == '.' && p[1] == '.' && (p == rel || p[-1] == '/')) {
            lb_buf_puts(out, "up");
            p++;
        } else if (*p == '.' && p[1] == '/' && (p == rel || p[-1] == '/')) {
            p++;
        } else {
            lb_buf_putc(out, *p == '/' ? '-' : *p);
        }
    }
}

/* An image inside another's description is shown as its alt text only
 * (cmark renders no <img> for it): its file is never needed. */
static int in_image_text(cmark_node *n)
{
    for (cmark_node *a = cmark_node_parent(n); a; a = cmark_node_parent(a))
        if (cmark_node_get_type(a) == CMARK_NODE_IMAGE)
            return 1;
    return 0;
}

static int find_images(lb_chapter *ch, lb_prose *p, lb_diag *d)
{
    int rc = 0;
    lb_buf file = LB_BUF_INIT, url = LB_BUF_INIT;
    cmark_iter *it = cmark_iter_new(ch->doc);
    cmark_event_type ev;
    while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_IMAGE)
            continue;
        const char *u = cmark_node_get_url(n);
        if (!lb_url_is_local(u) || in_image_text(n))
            continue;
        char *rel = lb_xstrndup(u, strcspn(u, "?#"));
        lb_buf_reset(&file);
        if (ch->dir) {
            lb_buf_printf(&file, "%s/%s", ch->dir, rel);
        } else {
            const char *slash = strrchr(ch->path, '/');
            lb_buf_printf(&file, "%.*s%s", slash ? (int)(slash - ch->path + 1) : 0, ch->path, rel);
        }
        struct stat st;
        if (stat(file.ptr, &st) < 0 || !S_ISREG(st.st_mode)) {
            lb_diag_set(d, LB_ERROR, ch->path, cmark_node_get_start_line(n),
                        cmark_node_get_start_column(n), "image '%s' not found (no file %s)%s", rel,
                        file.ptr, "; the path is relative to the chapter's folder");
            rc = -1;
        } else {
            lb_buf_reset(&url);
            image_url(rel, &url);
            size_t k = 0;
            while (k < p->image_urls.n && strcmp(p->image_urls.v[k], url.ptr) != 0)
                k++;
            if (k == p->image_urls.n) {
                lb_strv_push(&p->image_urls, url.ptr);
                lb_strv_push(&p->image_files, file.ptr);
            }
            cmark_node_set_url(n, url.ptr);
        }
        free(rel);
    }
    cmark_iter_free(it);
    lb_buf_free(&file);
    lb_buf_free(&url);
    return rc;
}

int lb_prose_copy_images(const lb_prose *p, const char *out_dir, lb_diag *d)
{
    lb_buf path = LB_BUF_INIT, data = LB_BUF_INIT;
    int rc = 0;
    if (p->image_urls.n) {
        lb_buf_printf(&path, "%s/images", out_dir);
        lb_mkdirs(path.ptr);
    }
    for (size_t i = 0; i < p->image_urls.n && rc == 0; i++) {
        lb_buf_reset(&path);
        lb_buf_reset(&data);
        lb_buf_printf(&path, "%s/%s", out_dir, p->image_urls.v[i]);
        if (lb_read_file(p->image_files.v[i], &data) < 0 ||
            lb_write_file_if_changed(path.ptr, data.ptr ? data.ptr : "", data.len) < 0) {
            lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot copy the image %s to %s: %s",
                        p->image_files.v[i], path.ptr, strerror(errno));
            rc = -1;
        }
    }
    lb_buf_free(&path);
    lb_buf_free(&data);
    return rc;
}

int lb_prose_prepare(lb_chapter *chapters, size_t n, const char *cache_dir, int quiet, lb_prose *p,
                     lb_diag *d)
{
    memset(p, 0, sizeof *p);
    if (read_config(chapters, n, quiet, &p->config, d) < 0 ||
        lb_xref_resolve(chapters, n, &p->xrefs, d) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (find_images(&chapters[i], p, d) < 0)
            return -1;
    for (size_t i = 0; i < n; i++) {
        if (lb_math_render(&chapters[i], cache_dir, d) < 0)
            return -1;
        p->has_math |= chapters[i].has_math;
    }
    return 0;
}

void lb_prose_free(lb_prose *p)
{
    lb_config_free(&p->config);
    lb_xrefs_free(&p->xrefs);
    lb_strv_free(&p->image_urls);
    lb_strv_free(&p->image_files);
}
