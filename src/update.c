#include "update.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "match.h"

static int wants_update(const lb_chunk *c)
{
    return c->res.mismatch && c->out_node != NULL;
}

/* Appends lines [from, to) of src (1-based, to exclusive); returns the
 * offset after them. */
static size_t copy_lines(const lb_buf *src, size_t pos, int from, int to, lb_buf *out)
{
    (void)from;
    size_t start = pos;
    for (int line = from; line < to && pos < src->len; line++) {
        const char *nl = memchr(src->ptr + pos, '\n', src->len - pos);
        pos = nl ? (size_t)(nl - src->ptr) + 1 : src->len;
    }
    lb_buf_append(out, src->ptr + start, pos - start);
    return pos;
}

static size_t skip_lines(const lb_buf *src, size_t pos, int count)
{
    for (int i = 0; i < count && pos < src->len; i++) {
        const char *nl = memchr(src->ptr + pos, '\n', src->len - pos);
        pos = nl ? (size_t)(nl - src->ptr) + 1 : src->len;
    }
    return pos;
}

/* The body of the new block: each line behind the fence's own container
 * prefix ("> " inside a quote), so the block stays where it was. */
static void new_body(const lb_chunk *c, lb_buf *out)
{
    lb_buf text = LB_BUF_INIT;
    lb_match_update(c->expected, strlen(c->expected), c->res.out ? c->res.out : "", c->res.out_len,
                    &text);
    const char *p = lb_buf_str(&text);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lb_buf_puts(out, c->prefix);
        lb_buf_append(out, p, len);
        lb_buf_putc(out, '\n');
        p = nl ? nl + 1 : p + len;
    }
    lb_buf_free(&text);
}

int lb_update_text(const lb_chapter *ch, lb_buf *out)
{
    size_t pos = 0;
    int line = 1, replaced = 0;
    for (size_t i = 0; i < ch->nchunks; i++) {
        const lb_chunk *c = &ch->chunks[i];
        if (!wants_update(c))
            continue;
        /* Keep everything through the output block's opening fence. */
        pos = copy_lines(&ch->src, pos, line, c->out_line + 1, out);
        line = c->out_line + 1;
        new_body(c, out);
        if (c->out_end_line > 0) {
            pos = skip_lines(&ch->src, pos, c->out_end_line - line);
            line = c->out_end_line;
        } else {
            /* An unclosed block ran to the end of the file: close it. */
            pos = ch->src.len;
            lb_buf_printf(out, "%s```\n", c->prefix);
        }
        replaced++;
    }
    if (pos < ch->src.len)
        lb_buf_append(out, ch->src.ptr + pos, ch->src.len - pos);
    return replaced;
}

int lb_update_chapters(lb_chapter *chapters, size_t n, const char *named, lb_diag *d)
{
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        lb_chapter *ch = &chapters[i];
        if (!named[i])
            continue;
        lb_buf text = LB_BUF_INIT;
        int k = lb_update_text(ch, &text);
        if (k > 0 && lb_write_file_durable(ch->path, lb_buf_str(&text), text.len) < 0) {
            lb_diag_set(d, LB_ERROR, ch->path, 0, 0, "cannot update: %s", strerror(errno));
            lb_buf_free(&text);
            return -1;
        }
        lb_buf_free(&text);
        if (k > 0)
            fprintf(stderr, "%s: updated %d expected output block%s\n", ch->path, k,
                    k == 1 ? "" : "s");
        for (size_t c = 0; k > 0 && c < ch->nchunks; c++) {
            lb_result *r = &ch->chunks[c].res;
            if (!wants_update(&ch->chunks[c]))
                continue;
            r->mismatch = 0;
            r->status = LB_RES_OK;
            r->verified = 1;
            free(r->failure);
            free(r->detail);
            r->failure = r->detail = NULL;
        }
        total += k;
    }
    return total;
}
