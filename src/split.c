#include "split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Appends a copy of s. The array stays NULL-terminated after every push, so
 * sv->v can go straight to execv. The copies are owned by sv. */
void lb_strv_push(lb_strv *sv, const char *s)
{
    sv->v = lb_xrealloc(sv->v, (sv->n + 2) * sizeof *sv->v);
    sv->v[sv->n++] = lb_xstrdup(s);
    sv->v[sv->n] = NULL;
}

void lb_strv_free(lb_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void set_err(char *err, size_t errlen, size_t *err_off, size_t off, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    if (err_off)
        *err_off = off;
}

/* Reads one '...' section starting at s[*i] == '\''. Returns -1 when the
 * quote never closes. */
static int single_quoted(const char *s, size_t *i, lb_buf *w)
{
    size_t start = *i + 1;
    const char *end = strchr(s + start, '\'');
    if (!end)
        return -1;
    lb_buf_append(w, s + start, (size_t)(end - (s + start)));
    *i = (size_t)(end - s) + 1;
    return 0;
}

/* Reads one "..." section. Only \" \\ \$ \` are escapes, as in POSIX sh;
 * any other backslash stays, so "C:\path" means what it looks like. */
static int double_quoted(const char *s, size_t *i, lb_buf *w)
{
    size_t j = *i + 1;
    for (; s[j] && s[j] != '"'; j++) {
        if (s[j] == '\\' && s[j + 1] && strchr("\"\\$`", s[j + 1]))
            j++;
        lb_buf_putc(w, s[j]);
    }
    if (!s[j])
        return -1;
    *i = j + 1;
    return 0;
}

int lb_split_words(const char *s, lb_strv *out, char *err, size_t errlen, size_t *err_off)
{
    out->v = lb_xcalloc(1, sizeof *out->v);
    out->n = 0;
    lb_buf w = LB_BUF_INIT;
    size_t i = 0;
    for (;;) {
        while (is_space(s[i]))
            i++;
        if (!s[i])
            break;
        /* A word may be made of several adjacent parts: a"b c"'d' is one
         * word, and "" alone is an (empty) word. */
        lb_buf_reset(&w);
        while (s[i] && !is_space(s[i])) {
            size_t at = i;
            int rc = 0;
            if (s[i] == '\'') {
                rc = single_quoted(s, &i, &w);
            } else if (s[i] == '"') {
                rc = double_quoted(s, &i, &w);
            } else if (s[i] == '\\') {
                if (!s[i + 1]) {
                    set_err(err, errlen, err_off, at, "backslash at the end escapes nothing");
                    goto fail;
                }
                lb_buf_putc(&w, s[i + 1]);
                i += 2;
            } else {
                lb_buf_putc(&w, s[i++]);
            }
            if (rc < 0) {
                set_err(err, errlen, err_off, at,
                        s[at] == '"' ? "unterminated \" quote" : "unterminated ' quote");
                goto fail;
            }
        }
        lb_strv_push(out, lb_buf_str(&w));
    }
    lb_buf_free(&w);
    return 0;
fail:
    lb_buf_free(&w);
    lb_strv_free(out);
    return -1;
}
