#include "fencecheck.h"

#include <string.h>
#include <strings.h>

#include "engines.h"
#include "suggest.h"

/* What people write for an engine's language, mapped to the engine's
 * name. cpp is C++'s engine (the contract's version 2). Shell words (bash, sh, console) are left
 * out on purpose: they are the commonest display fences of all. */
static const char *const ALIASES[][2] = {
    {"c++", "cpp"}, {"cxx", "cpp"}, {"py", "python"}, {"py3", "python"}, {"python3", "python"},
};

const char *lb_fencecheck_meant(const char *lang, int with_attrs)
{
    if (!lang || !*lang || lb_engine_for_lang(lang) != NULL)
        return NULL;
    /* The registry's names, NULL-terminated, as lb_suggest wants them. */
    const char *engines[32];
    size_t n = 0;
    for (size_t i = 0; i < lb_engine_count() && n + 1 < sizeof engines / sizeof engines[0]; i++)
        engines[n++] = lb_engine_at(i)->name;
    engines[n] = NULL;
    for (size_t i = 0; engines[i]; i++)
        if (strcasecmp(lang, engines[i]) == 0)
            return engines[i];
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (strcasecmp(lang, ALIASES[i][0]) == 0)
            return ALIASES[i][1];
    /* A near miss by spelling alone ("pyhton") is named only when the
     * fence also carries litbook's attributes: ```cs or ```go, bare, are
     * display fences of other languages. */
    return with_attrs ? lb_suggest(lang, engines) : NULL;
}

typedef struct {
    lb_diag *warn;
    size_t max, n;
} sink;

static lb_diag *next(sink *s)
{
    lb_diag *d = s->n < s->max ? &s->warn[s->n] : NULL;
    s->n++;
    return d;
}

/* The 1-based column of the language word on the fence line of c. */
static int lang_col(const lb_chapter *ch, const lb_chunk *c)
{
    const char *s = lb_buf_str(&ch->src);
    const char *end = s + ch->src.len;
    for (int line = 1; line < c->line && s < end; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    size_t i = c->col > 0 ? (size_t)c->col - 1 : 0;
    size_t len = (size_t)(end - s);
    const char *nl = memchr(s, '\n', len);
    if (nl)
        len = (size_t)(nl - s);
    while (i < len && (s[i] == '`' || s[i] == '~'))
        i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return (int)i + 1;
}

static int has_group(const lb_chunk *c)
{
    const char *info = cmark_node_get_fence_info(c->node);
    return info && strchr(info, '{') != NULL;
}

static void check_lang(const lb_chapter *ch, const lb_chunk *c, sink *s)
{
    const char *lang = c->info.lang;
    if (c->opts.engine || !lang || !*lang || lang[0] == '{' || strcmp(lang, "output") == 0)
        return;
    int attrs = has_group(c);
    const char *meant = lb_fencecheck_meant(lang, attrs);
    if (!meant && !attrs)
        return;
    lb_diag *d = next(s);
    if (!d)
        return;
    if (meant)
        lb_diag_set(d, LB_WARNING, ch->path, c->line, lang_col(ch, c),
                    "no engine runs '%s' fences, so this chunk is only displayed; did you mean "
                    "'%s'?",
                    lang, meant);
    else {
        lb_buf names = LB_BUF_INIT;
        for (size_t i = 0; i < lb_engine_count(); i++)
            lb_buf_printf(&names, "%s%s", i ? ", " : "", lb_engine_at(i)->name);
        lb_diag_set(d, LB_WARNING, ch->path, c->line, lang_col(ch, c),
                    "no engine runs '%s' fences, so this chunk is only displayed and its {...} "
                    "attributes are ignored (engines: %s)",
                    lang, names.ptr);
        lb_buf_free(&names);
    }
}

/* Why chunk c never produces output to compare, or NULL when it does. */
static const char *not_run(const lb_chunk *c)
{
    if (!c->opts.engine)
        return "its language has no engine";
    if (c->opts.engine->flags & LB_ENG_FIGURE)
        return "it draws a figure";
    if (c->opts.eval == LB_EVAL_NO)
        return "it has eval=false";
    if (c->opts.eval == LB_EVAL_COMPILE)
        return "it has eval=compile";
    if (c->opts.fails.kind == LB_FAILS_COMPILE)
        return "it has fails=compile";
    return NULL;
}

static const char *name_of(const lb_chunk *c)
{
    return c->info.name ? c->info.name : c->anchor;
}

static void check_output(const lb_chapter *ch, const lb_chunk *c, const lb_chunk *prev, sink *s)
{
    const char *why = c->out_node ? not_run(c) : NULL;
    if (why) {
        lb_diag *d = next(s);
        if (d)
            lb_diag_set(d, LB_WARNING, ch->path, c->out_line,
                        cmark_node_get_start_column(c->out_node),
                        "this output block is never compared: chunk '%s' does not run (%s)",
                        name_of(c), why);
    }
    /* A second output block is read as a display fence of its own: the
     * chunk just before it is that block, sitting right after the first. */
    if (prev && prev->out_node && cmark_node_previous(c->node) == prev->out_node &&
        strcmp(c->info.lang, "output") == 0) {
        lb_diag *d = next(s);
        if (d)
            lb_diag_set(d, LB_WARNING, ch->path, c->line, c->col > 0 ? c->col : 1,
                        "a second output block after chunk '%s' is never compared: only the "
                        "first (line %d) is; merge them into one",
                        name_of(prev), prev->out_line);
    }
}

size_t lb_fencecheck(const lb_chapter *ch, lb_diag *warn, size_t max)
{
    sink s = {warn, max, 0};
    for (size_t i = 0; i < ch->nchunks; i++) {
        const lb_chunk *c = &ch->chunks[i];
        check_lang(ch, c, &s);
        check_output(ch, c, i > 0 ? &ch->chunks[i - 1] : NULL, &s);
    }
    return s.n;
}
