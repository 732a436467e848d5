#include "publish.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsutil.h"
#include "texmath.h"

static int starts(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Whether name is a page of the book: a chapter's slug, or "index". */
static int is_page(const lb_book *book, const char *name, size_t n)
{
    if (n == 5 && strncmp(name, "index", 5) == 0)
        return 1;
    /* Pages link to each other by the encoded name (lb_buf_put_url). */
    lb_buf u = LB_BUF_INIT;
    int found = 0;
    for (size_t i = 0; i < book->n && !found; i++) {
        lb_buf_reset(&u);
        lb_buf_put_url(&u, book->chapters[i].slug);
        found = u.len == n && strncmp(u.ptr, name, n) == 0;
    }
    lb_buf_free(&u);
    return found;
}

static void put_anchor(lb_buf *out, const char *prefix, const char *id, size_t n)
{
    lb_buf_puts(out, prefix);
    lb_buf_puts(out, "--");
    lb_buf_append(out, id, n);
}

/* href="..." (or xlink:href): in-page fragments get the prefix, links to
 * pages of the book become anchors; anything else is kept. */
static void rewrite_link(const char *v, size_t n, const char *prefix, const lb_book *book,
                         lb_buf *out)
{
    if (n > 1 && v[0] == '#') {
        lb_buf_putc(out, '#');
        put_anchor(out, prefix, v + 1, n - 1);
        return;
    }
    const char *hash = memchr(v, '#', n);
    size_t path_len = hash ? (size_t)(hash - v) : n;
    if (path_len > 5 && memcmp(v + path_len - 5, ".html", 5) == 0 && !memchr(v, '/', path_len) &&
        !memchr(v, ':', path_len) && is_page(book, v, path_len - 5)) {
        lb_buf_putc(out, '#');
        lb_buf_append(out, v, path_len - 5);
        if (hash && hash + 1 < v + n) {
            lb_buf_puts(out, "--");
            lb_buf_append(out, hash + 1, (size_t)(v + n - hash - 1));
        }
        return;
    }
    lb_buf_append(out, v, n);
}

/* Space-separated id references (for, aria-labelledby, ...). */
static void rewrite_idrefs(const char *v, size_t n, const char *prefix, lb_buf *out)
{
    size_t i = 0;
    while (i < n) {
        if (isspace((unsigned char)v[i])) {
            lb_buf_putc(out, v[i++]);
            continue;
        }
        size_t j = i;
        while (j < n && !isspace((unsigned char)v[j]))
            j++;
        put_anchor(out, prefix, v + i, j - i);
        i = j;
    }
}

/* Any other value: url(#x) references (SVG clip paths, gradients). */
static void rewrite_urls(const char *v, size_t n, const char *prefix, lb_buf *out)
{
    size_t i = 0;
    while (i < n) {
        if (n - i > 5 && memcmp(v + i, "url(#", 5) == 0) {
            lb_buf_puts(out, "url(#");
            lb_buf_puts(out, prefix);
            lb_buf_puts(out, "--");
            i += 5;
        } else {
            lb_buf_putc(out, v[i++]);
        }
    }
}

static const char *mime_of(const char *file)
{
    static const char *const types[][2] = {{".png", "image/png"},     {".jpg", "image/jpeg"},
                                           {".jpeg", "image/jpeg"},   {".gif", "image/gif"},
                                           {".svg", "image/svg+xml"}, {".webp", "image/webp"},
                                           {".avif", "image/avif"},   {".ico", "image/x-icon"}};
    size_t n = strlen(file);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i][0]);
        if (n > e && strcasecmp(file + n - e, types[i][0]) == 0)
            return types[i][1];
    }
    return "application/octet-stream";
}

/* src="images/...": one of the book's images, inlined as a data: URI so
 * that the single file needs nothing beside it. Returns 0 when v is none
 * of them (or cannot be read: the link is then kept). */
static int inline_image(const char *v, size_t n, const lb_book *book, lb_buf *out)
{
    for (size_t i = 0; book->image_urls && i < book->image_urls->n; i++) {
        const char *u = book->image_urls->v[i];
        if (strlen(u) != n || memcmp(u, v, n) != 0)
            continue;
        lb_buf data = LB_BUF_INIT;
        int ok = lb_read_file(book->image_files->v[i], &data) == 0;
        if (ok) {
            lb_buf_printf(out, "data:%s;base64,", mime_of(book->image_files->v[i]));
            lb_buf_put_base64(out, lb_buf_str(&data), data.len);
        }
        lb_buf_free(&data);
        return ok;
    }
    return 0;
}

static void rewrite_value(const char *name, size_t name_len, const char *v, size_t n,
                          const char *prefix, const lb_book *book, lb_buf *out)
{
#define IS(s) (name_len == strlen(s) && strncasecmp(name, s, name_len) == 0)
    if (IS("id"))
        put_anchor(out, prefix, v, n);
    else if (IS("src") && inline_image(v, n, book, out))
        return;
    else if (IS("href") || IS("xlink:href"))
        rewrite_link(v, n, prefix, book, out);
    else if (IS("for") || IS("aria-labelledby") || IS("aria-describedby") || IS("aria-controls"))
        rewrite_idrefs(v, n, prefix, out);
    else
        rewrite_urls(v, n, prefix, out);
#undef IS
}

/* Copies one start tag at p (just after '<'), rewriting its attributes.
 * Returns the position after the tag. */
static const char *rewrite_tag(const char *p, const char *prefix, const lb_book *book, lb_buf *out)
{
    while (*p && !isspace((unsigned char)*p) && *p != '>' && *p != '/')
        lb_buf_putc(out, *p++);
    for (;;) {
        while (isspace((unsigned char)*p) || *p == '/')
            lb_buf_putc(out, *p++);
        if (!*p)
            return p;
        if (*p == '>') {
            lb_buf_putc(out, *p++);
            return p;
        }
        const char *name = p;
        while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>' && *p != '/')
            p++;
        size_t name_len = (size_t)(p - name);
        lb_buf_append(out, name, name_len);
        const char *q = p;
        while (isspace((unsigned char)*q))
            q++;
        if (*q != '=')
            continue;
        lb_buf_append(out, p, (size_t)(q - p) + 1);
        p = q + 1;
        while (isspace((unsigned char)*p))
            lb_buf_putc(out, *p++);
        const char *v, *end;
        if (*p == '"' || *p == '\'') {
            char quote = *p;
            lb_buf_putc(out, quote);
            v = p + 1;
            end = strchr(v, quote);
            if (!end)
                end = v + strlen(v);
            rewrite_value(name, name_len, v, (size_t)(end - v), prefix, book, out);
            if (*end)
                lb_buf_putc(out, *end++);
        } else {
            v = p;
            end = v;
            while (*end && !isspace((unsigned char)*end) && *end != '>')
                end++;
            rewrite_value(name, name_len, v, (size_t)(end - v), prefix, book, out);
        }
        p = end;
    }
}

/* Copies from p up to and including the end marker (or to the end). */
static const char *copy_through(const char *p, const char *marker, lb_buf *out)
{
    const char *e = strstr(p, marker);
    size_t n = e ? (size_t)(e - p) + strlen(marker) : strlen(p);
    lb_buf_append(out, p, n);
    return p + n;
}

void lb_rewrite_ids(const char *html, const char *prefix, const lb_book *book, lb_buf *out)
{
    const char *p = html;
    while (*p) {
        if (*p != '<') {
            const char *lt = strchr(p, '<');
            size_t n = lt ? (size_t)(lt - p) : strlen(p);
            lb_buf_append(out, p, n);
            p += n;
        } else if (starts(p, "<!--")) {
            p = copy_through(p, "-->", out);
        } else if (starts(p, "<![CDATA[")) {
            p = copy_through(p, "]]>", out);
        } else if (isalpha((unsigned char)p[1])) {
            const char *raw_end = starts(p, "<script")  ? "</script"
                                  : starts(p, "<style") ? "</style"
                                                        : NULL;
            lb_buf_putc(out, *p++);
            p = rewrite_tag(p, prefix, book, out);
            if (raw_end) /* their text is not markup */
                p = copy_through(p, raw_end, out);
        } else {
            lb_buf_putc(out, *p++);
        }
    }
}

static void put_text(lb_buf *b, const char *s)
{
    lb_buf_put_html(b, s, strlen(s));
}

static void single_nav(lb_buf *b, const lb_book *book)
{
    lb_buf_puts(b, "<nav class=\"sidebar\" aria-label=\"Chapters\">\n"
                   "<a class=\"book-title\" href=\"#index\">");
    put_text(b, book->title);
    lb_buf_puts(b, "</a>\n");
    lb_sidebar_extra(b, book);
    lb_buf_puts(b, "<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\">"
                   "<label for=\"nav-toggle\" class=\"nav-toggle-label\">Chapters</label>\n"
                   "<ol class=\"chapters\">\n");
    for (size_t i = 0; i < book->n; i++) {
        lb_buf_puts(b, "<li><a href=\"#");
        lb_buf_put_url(b, book->chapters[i].slug);
        lb_buf_puts(b, "\">");
        put_text(b, book->chapters[i].title);
        lb_buf_puts(b, "</a></li>\n");
    }
    lb_buf_puts(b, "</ol>\n</nav>\n");
}

void lb_render_single(lb_book *book, lb_buf *out)
{
    lb_page_open(out, book);
    lb_buf_puts(out, "<title>");
    put_text(out, book->title);
    /* Inline assets: neither contains "</style" or "</script". */
    lb_buf_puts(out, "</title>\n<style>\n");
    lb_buf_puts(out, lb_asset_css);
    lb_buf_puts(out, "</style>\n");
    if (book->has_math) {
        /* KaTeX's stylesheet, fonts inlined: the file reads offline. */
        lb_buf_puts(out, "<style>\n");
        lb_katex_css(1, out);
        lb_buf_puts(out, "\n</style>\n");
    }
    lb_buf_puts(out, "</head>\n<body class=\"single\">\n");
    single_nav(out, book);
    lb_buf_puts(out, "<main>\n<article class=\"front\" id=\"index\">\n");
    lb_rewrite_ids(lb_book_body(book, book->n, NULL), "index", book, out);
    lb_buf_puts(out, "<h2 id=\"index--toc\">");
    put_text(out, lb_book_config(book)->toc_title);
    lb_buf_puts(out, "</h2>\n<ol class=\"toc\">\n");
    for (size_t i = 0; i < book->n; i++) {
        lb_buf_puts(out, "<li><a href=\"#");
        lb_buf_put_url(out, book->chapters[i].slug);
        lb_buf_puts(out, "\">");
        put_text(out, book->chapters[i].title);
        lb_buf_puts(out, "</a></li>\n");
    }
    lb_buf_puts(out, "</ol>\n</article>\n");
    for (size_t i = 0; i < book->n; i++) {
        const lb_chapter *ch = &book->chapters[i];
        const char *toc;
        const char *body = lb_book_body(book, i, &toc);
        /* The chapter's anchor, and the prefix of every id in it: the
         * encoded name, which needs no escaping in an attribute. */
        lb_buf slug = LB_BUF_INIT;
        lb_buf_put_url(&slug, ch->slug);
        lb_buf_printf(out, "<article class=\"chapter\" id=\"%s\">\n", slug.ptr);
        lb_buf h = LB_BUF_INIT;
        lb_buf_append(&h, body, lb_book_title_end(book, i));
        lb_rewrite_ids(lb_buf_str(&h), slug.ptr, book, out);
        body += h.len;
        lb_buf_free(&h);
        if (*toc) {
            lb_buf_puts(out, "<nav class=\"page-toc\" aria-label=\"In this chapter\">"
                             "<div class=\"page-toc-title\">In this chapter</div><ol>\n");
            lb_rewrite_ids(toc, slug.ptr, book, out);
            lb_buf_puts(out, "</ol></nav>\n");
        }
        lb_rewrite_ids(body, slug.ptr, book, out);
        lb_buf_puts(out, "</article>\n");
        lb_buf_free(&slug);
    }
    lb_buf_puts(out, "</main>\n<script>\n");
    lb_buf_puts(out, lb_asset_js);
    lb_buf_puts(out, "</script>\n</body>\n</html>\n");
}

int lb_publish(lb_book *book, const char *out_dir, lb_diag *d)
{
    lb_buf html = LB_BUF_INIT, path = LB_BUF_INIT;
    lb_render_single(book, &html);
    lb_buf_printf(&path, "%s/%s", out_dir, lb_book_config(book)->output_file);
    int rc = lb_write_file_if_changed(path.ptr, lb_buf_str(&html), html.len) < 0 ? -1 : 0;
    if (rc < 0)
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot write %s: %s", path.ptr, strerror(errno));
    lb_buf_free(&html);
    lb_buf_free(&path);
    return rc;
}
