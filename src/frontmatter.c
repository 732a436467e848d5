#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "config.h"
#include "suggest.h"

/* Whether the line [s, s+n) is fence (trailing blanks and \r allowed). */
static int line_is(const char *s, size_t n, const char *fence)
{
    size_t f = strlen(fence);
    if (n < f || memcmp(s, fence, f) != 0)
        return 0;
    for (size_t i = f; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int lb_frontmatter_lines(const char *text, size_t len)
{
    size_t pos = 0;
    for (int line = 1; pos < len; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (line == 1 && !line_is(text, n, "---"))
            return 0;
        if (line > 1 && (line_is(text + pos, n, "---") || line_is(text + pos, n, "...")))
            return line;
        if (!nl)
            break;
        pos += n + 1;
    }
    return 0;
}

static const char *const book_keys[] = {"title",      "author",    "description", "lang",
                                        "repository", "toc-title", "output-file", NULL};

static char **field(lb_config *c, const char *key)
{
    char **f[] = {&c->title,      &c->author,    &c->description, &c->lang,
                  &c->repository, &c->toc_title, &c->output_file};
    for (size_t i = 0; book_keys[i]; i++)
        if (strcmp(book_keys[i], key) == 0)
            return f[i];
    return NULL;
}

/* A value's problems that make it unusable: output-file must stay a plain
 * file name inside out/. NULL when fine. */
static const char *bad_value(const char *key, const char *v)
{
    if (strcmp(key, "output-file") == 0 && (!*v || strchr(v, '/') || v[0] == '.' || strlen(v) < 6 ||
                                            strcmp(v + strlen(v) - 5, ".html") != 0))
        return "a file name ending in .html, with no folder (it is written in the output "
               "folder)";
    if (strcmp(key, "lang") == 0 && (!*v || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                                      "NOPQRSTUVWXYZ0123456789-") != strlen(v)))
        return "a language tag such as en, fr or pt-BR";
    return NULL;
}

static int check_pair(const char *path, int first_line, yaml_node_t *k, yaml_node_t *v,
                      int is_index, int quiet, lb_config *c, lb_diag *d)
{
    int line = first_line + (int)k->start_mark.line;
    int col = (int)k->start_mark.column + 1;
    if (k->type != YAML_SCALAR_NODE) {
        lb_diag_set(d, LB_ERROR, path, line, col,
                    "front matter keys are words (title, author, ...)");
        return -1;
    }
    const char *key = (const char *)k->data.scalar.value;
    char **f = field(c, key);
    if (!f || (!is_index && strcmp(key, "title") != 0)) {
        lb_diag w;
        const char *near =
            lb_suggest(key, is_index ? book_keys : (const char *const[]){"title", NULL});
        if (f)
            lb_diag_set(&w, LB_WARNING, path, line, col,
                        "'%s' is a setting of the whole book: it belongs in the front matter of "
                        "chapters/index.md (a chapter's own may set only title); ignored",
                        key);
        else if (near)
            lb_diag_set(&w, LB_WARNING, path, line, col,
                        "unknown front matter key '%s' (did you mean '%s'?); ignored", key, near);
        else
            lb_diag_set(&w, LB_WARNING, path, line, col,
                        "unknown front matter key '%s' (known: %s); ignored", key,
                        is_index ? "title, author, description, lang, repository, toc-title, "
                                   "output-file"
                                 : "title");
        if (!quiet)
            lb_diag_print(stderr, &w, lb_diag_stderr_color());
        return 0;
    }
    if (v->type != YAML_SCALAR_NODE) {
        lb_diag_set(d, LB_ERROR, path, first_line + (int)v->start_mark.line,
                    (int)v->start_mark.column + 1,
                    "'%s' takes one line of text, not a list or a mapping", key);
        return -1;
    }
    const char *val = (const char *)v->data.scalar.value;
    const char *why = bad_value(key, val);
    if (why) {
        lb_diag_set(d, LB_ERROR, path, first_line + (int)v->start_mark.line,
                    (int)v->start_mark.column + 1, "'%s: %s' is not usable: write %s", key, val,
                    why);
        return -1;
    }
    free(*f);
    *f = lb_xstrdup(val);
    return 0;
}

int lb_frontmatter_parse(const char *path, const char *text, int nlines, int is_index, int quiet,
                         lb_config *c, lb_diag *d)
{
    /* The YAML is the lines between the fences: from line 2 on. */
    const char *start = strchr(text, '\n');
    start = start ? start + 1 : text;
    const char *end = start;
    for (int i = 2; i < nlines; i++) {
        const char *nl = strchr(end, '\n');
        end = nl ? nl + 1 : end + strlen(end);
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)start, (size_t)(end - start));
    if (!yaml_parser_load(&parser, &doc)) {
        lb_diag_set(d, LB_ERROR, path, 2 + (int)parser.problem_mark.line,
                    (int)parser.problem_mark.column + 1, "the front matter is not valid YAML: %s",
                    parser.problem ? parser.problem : "parse error");
        yaml_parser_delete(&parser);
        return -1;
    }
    int rc = 0;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
             p < root->data.mapping.pairs.top && rc == 0; p++)
            rc = check_pair(path, 2, yaml_document_get_node(&doc, p->key),
                            yaml_document_get_node(&doc, p->value), is_index, quiet, c, d);
    } else if (root && !(root->type == YAML_SCALAR_NODE && !root->data.scalar.length)) {
        lb_diag_set(d, LB_ERROR, path, 2, 1,
                    "the front matter must be 'key: value' lines (title: ..., author: ...)");
        rc = -1;
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

void lb_config_defaults(lb_config *c)
{
    if (!c->lang)
        c->lang = lb_xstrdup("en");
    if (!c->toc_title)
        c->toc_title = lb_xstrdup("Contents");
    if (!c->output_file)
        c->output_file = lb_xstrdup("answer-book.html");
}

void lb_config_free(lb_config *c)
{
    free(c->title);
    free(c->author);
    free(c->description);
    free(c->lang);
    free(c->repository);
    free(c->toc_title);
    free(c->output_file);
    memset(c, 0, sizeof *c);
}
