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

/* Where the line that starts at pos ends (before its line ending) and
 * where the next one starts: a line ends at "\n", "\r\n" or a lone "\r",
 * as in CommonMark, so a chapter saved with old Mac line endings has the
 * lines the parser numbered. */
static size_t line_end(const lb_buf *src, size_t pos, size_t *next)
{
    size_t e = pos;
    while (e < src->len && src->ptr[e] != '\n' && src->ptr[e] != '\r')
        e++;
    *next = e;
    if (*next < src->len)
        *next += src->ptr[e] == '\r' && e + 1 < src->len && src->ptr[e + 1] == '\n' ? 2 : 1;
    return e;
}

static size_t skip_lines(const lb_buf *src, size_t pos, int count)
{
    for (int i = 0; i < count && pos < src->len; i++)
        line_end(src, pos, &pos);
    return pos;
}

/* Appends lines [from, to) of src (1-based, to exclusive); returns the
 * offset after them. */
static size_t copy_lines(const lb_buf *src, size_t pos, int from, int to, lb_buf *out)
{
    size_t start = pos;
    pos = skip_lines(src, pos, to - from);
    lb_buf_append(out, src->ptr + start, pos - start);
    return pos;
}

/* The line ending the chapter uses (its first one), for the lines the
 * update writes: a CRLF chapter stays CRLF. */
static const char *eol_of(const lb_buf *src)
{
    size_t next, e = line_end(src, 0, &next);
    if (e < src->len && src->ptr[e] == '\r')
        return next == e + 2 ? "\r\n" : "\r";
    return "\n";
}

/* The body of the new block: each line behind the fence's own container
 * prefix ("> " inside a quote), so the block stays where it was. */
static void new_body(const lb_chunk *c, const char *eol, lb_buf *out)
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
        lb_buf_puts(out, eol);
        p = nl ? nl + 1 : p + len;
    }
    lb_buf_free(&text);
}

/* The longest run of ch anywhere in s. */
static size_t longest_run(const char *s, char ch)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == ch ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

static void put_fence(lb_buf *out, const char *prefix, char fc, size_t n, const char *rest,
                      size_t rest_len, const char *eol)
{
    lb_buf_puts(out, prefix);
    for (size_t i = 0; i < n; i++)
        lb_buf_putc(out, fc);
    lb_buf_append(out, rest, rest_len);
    lb_buf_puts(out, eol);
}

int lb_update_text(const lb_chapter *ch, lb_buf *out)
{
    size_t pos = 0;
    int line = 1, replaced = 0;
    const char *eol = eol_of(&ch->src);
    for (size_t i = 0; i < ch->nchunks; i++) {
        const lb_chunk *c = &ch->chunks[i];
        if (!wants_update(c))
            continue;
        /* Keep everything before the output block's opening fence. */
        pos = copy_lines(&ch->src, pos, line, c->out_line, out);
        const char *fl = ch->src.ptr + pos;
        size_t after;
        size_t fl_len = line_end(&ch->src, pos, &after) - pos;
        size_t plen = strlen(c->prefix) <= fl_len ? strlen(c->prefix) : 0;
        char fc = plen < fl_len && fl[plen] == '~' ? '~' : '`';
        size_t k = 0;
        while (plen + k < fl_len && fl[plen + k] == fc)
            k++;
        pos = skip_lines(&ch->src, pos, 1);
        line = c->out_line + 1;
        /* The program's output becomes the block's text: its fences must
         * be longer than any run of the fence character in it, or a line
         * of ``` it printed would close the block and turn the rest into
         * Markdown, new chunks included. */
        lb_buf body = LB_BUF_INIT;
        new_body(c, eol, &body);
        size_t need = longest_run(lb_buf_str(&body), fc) + 1;
        if (need < k)
            need = k;
        if (need < 3)
            need = 3;
        put_fence(out, c->prefix, fc, need, fl + plen + k, fl_len - plen - k, eol);
        lb_buf_append(out, lb_buf_str(&body), body.len);
        lb_buf_free(&body);
        if (c->out_end_line > 0) {
            /* The old closing fence goes: the new one matches the new opening. */
            pos = skip_lines(&ch->src, pos, c->out_end_line - line + 1);
            line = c->out_end_line + 1;
        } else {
            /* An unclosed block ran to the end of the file: close it. */
            pos = ch->src.len;
        }
        put_fence(out, c->prefix, fc, need, "", 0, eol);
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
