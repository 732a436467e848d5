#include "opts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "suggest.h"

enum { E_C = 1, E_GP = 2, E_PY = 4 };

typedef int (*opt_fn)(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err);

typedef struct {
    const char *key;
    unsigned engines;
    opt_fn set;
} opt_def;

static int engine_bit(lb_engine e)
{
    switch (e) {
    case LB_ENGINE_C:
        return E_C;
    case LB_ENGINE_GNUPLOT:
        return E_GP;
    case LB_ENGINE_PYTHON:
        return E_PY;
    default:
        return 0;
    }
}

static const char *engine_name(lb_engine e)
{
    switch (e) {
    case LB_ENGINE_C:
        return "c";
    case LB_ENGINE_GNUPLOT:
        return "gnuplot";
    case LB_ENGINE_PYTHON:
        return "python";
    default:
        return "display-only";
    }
}

lb_engine lb_engine_for_lang(const char *lang)
{
    if (!lang)
        return LB_ENGINE_NONE;
    if (strcmp(lang, "c") == 0)
        return LB_ENGINE_C;
    if (strcmp(lang, "gnuplot") == 0)
        return LB_ENGINE_GNUPLOT;
    if (strcmp(lang, "python") == 0)
        return LB_ENGINE_PYTHON;
    return LB_ENGINE_NONE;
}

static int errorf(lb_attr_error *err, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int errorf(lb_attr_error *err, int col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->col = col;
    return -1;
}

/* "bad value 'V' for 'K': expected ...", with long values shortened so the
 * message stays one readable line. */
static int bad_value(const lb_attr_kv *kv, lb_attr_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad_value(const lb_attr_kv *kv, lb_attr_error *err, const char *fmt, ...)
{
    char expect[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(expect, sizeof expect, fmt, ap);
    va_end(ap);
    int vlen = (int)strlen(kv->value);
    int shown = vlen > 60 ? 57 : vlen;
    return errorf(err, kv->col, "bad value '%.*s%s' for '%s': %s", shown, kv->value,
                  shown < vlen ? "..." : "", kv->key, expect);
}

static int is_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* Parses a plain decimal integer in [lo, hi]; anything else (signs, spaces,
 * hex, overflow) is refused. */
static int parse_int(const char *s, long lo, long hi, long *out)
{
    if (!is_digits(s) || strlen(s) > 9)
        return -1;
    long v = strtol(s, NULL, 10);
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Words that people write for booleans elsewhere, mapped to the one we
 * accept, so the error can say exactly what to write instead. */
static const char *bool_hint(const char *v)
{
    static const char *const yes[] = {"yes", "on", "1", "y", "True", "TRUE", "t", NULL};
    static const char *const no[] = {"no", "off", "0", "n", "False", "FALSE", "f", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcmp(v, yes[i]) == 0)
            return "true";
    for (size_t i = 0; no[i]; i++)
        if (strcmp(v, no[i]) == 0)
            return "false";
    static const char *const words[] = {"true", "false", NULL};
    return lb_suggest(v, words);
}

static int parse_bool(const lb_attr_kv *kv, lb_attr_error *err, bool *out)
{
    if (strcmp(kv->value, "true") == 0 || strcmp(kv->value, "false") == 0) {
        *out = kv->value[0] == 't';
        return 0;
    }
    const char *hint = bool_hint(kv->value);
    if (hint)
        return bad_value(kv, err,
                         "expected true or false (only these two words); did you mean '%s'?", hint);
    return bad_value(kv, err, "expected true or false (only these two words)");
}

static int set_eval_c(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    if (strcmp(kv->value, "compile") == 0) {
        o->eval = LB_EVAL_COMPILE;
        return 0;
    }
    if (strcmp(kv->value, "true") == 0 || strcmp(kv->value, "false") == 0) {
        o->eval = kv->value[0] == 't' ? LB_EVAL_RUN : LB_EVAL_NO;
        return 0;
    }
    static const char *const words[] = {"true", "false", "compile", NULL};
    const char *hint = bool_hint(kv->value);
    if (!hint)
        hint = lb_suggest(kv->value, words);
    if (hint)
        return bad_value(kv, err, "expected true, false or compile; did you mean '%s'?", hint);
    return bad_value(kv, err, "expected true, false or compile");
}

static int set_eval_py(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    if (strcmp(kv->value, "compile") == 0)
        return bad_value(kv, err, "expected true or false (compile is only for c chunks)");
    bool b = false;
    if (parse_bool(kv, err, &b) < 0)
        return -1;
    o->eval = b ? LB_EVAL_RUN : LB_EVAL_NO;
    return 0;
}

static int set_eval(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return o->engine == LB_ENGINE_C ? set_eval_c(o, kv, err) : set_eval_py(o, kv, err);
}

static int set_echo(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return parse_bool(kv, err, &o->echo);
}

static int set_output(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return parse_bool(kv, err, &o->output);
}

static int set_exclusive(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return parse_bool(kv, err, &o->exclusive);
}

static int split_into(const lb_attr_kv *kv, lb_attr_error *err, lb_strv *dst)
{
    char msg[128];
    size_t off = 0;
    lb_strv tmp = {NULL, 0};
    if (lb_split_words(kv->value, &tmp, msg, sizeof msg, &off) < 0)
        return bad_value(kv, err, "%s at character %zu of the value", msg, off + 1);
    lb_strv_free(dst);
    *dst = tmp;
    return 0;
}

static int set_args(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return split_into(kv, err, &o->args);
}

static int set_cflags(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return split_into(kv, err, &o->cflags);
}

/* Unescapes \n, \t and \\ only; any other backslash pair stays as written,
 * so a program that reads "C:\dir" gets exactly that. Caller frees. */
static char *unescape_stdin(const char *s)
{
    lb_buf b = LB_BUF_INIT;
    for (; *s; s++) {
        if (s[0] == '\\' && (s[1] == 'n' || s[1] == 't' || s[1] == '\\')) {
            lb_buf_putc(&b, s[1] == 'n' ? '\n' : s[1] == 't' ? '\t' : '\\');
            s++;
        } else {
            lb_buf_putc(&b, *s);
        }
    }
    return lb_buf_detach(&b);
}

static int set_stdin(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    (void)err;
    free(o->stdin_text);
    o->stdin_text = unescape_stdin(kv->value);
    return 0;
}

static int lib_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           strchr("-_.+", c) != NULL;
}

static int set_libs(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    lb_strv libs = {NULL, 0};
    if (split_into(kv, err, &libs) < 0)
        return -1;
    for (size_t i = 0; i < libs.n; i++) {
        const char *l = libs.v[i];
        int ok = l[0] != '-' && l[0] != '\0';
        for (const char *c = l; ok && *c; c++)
            ok = lib_char(*c);
        if (!ok) {
            int rc = bad_value(kv, err,
                               "'%s' is not a library name; expected pkg-config packages or "
                               "library names such as m or pthread (no -l; other flags go in "
                               "cflags)",
                               l);
            lb_strv_free(&libs);
            return rc;
        }
    }
    lb_strv_free(&o->libs);
    o->libs = libs;
    return 0;
}

/* Seconds as digits with at most one '.', e.g. 5, 0.5, .25. No exponents,
 * signs, inf or hex: strtod would take those, authors do not mean them. */
static int set_timeout(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    const char *s = kv->value;
    int digits = 0, dots = 0, ok = 1;
    for (const char *c = s; *c && ok; c++) {
        if (*c >= '0' && *c <= '9')
            digits++;
        else if (*c == '.')
            dots++;
        else
            ok = 0;
    }
    double v = ok && digits && dots <= 1 ? strtod(s, NULL) : -1;
    if (!(v > 0 && v <= 86400))
        return bad_value(kv, err,
                         "expected a number of seconds greater than 0 and at most 86400 "
                         "(e.g. 5 or 0.5)");
    o->timeout = v;
    return 0;
}

/* A byte count: digits, then optionally K, M, G or T (powers of 1024,
 * either case, an optional trailing B or iB). 0 on anything else. */
static unsigned long long parse_size(const char *s)
{
    size_t digits = strspn(s, "0123456789");
    if (!digits || digits > 12)
        return 0;
    unsigned long long v = strtoull(s, NULL, 10);
    const char *u = s + digits;
    static const char units[] = "KMGT";
    const char *p = *u ? strchr(units, *u & ~0x20) : NULL;
    if (p) {
        v <<= 10 * (p - units + 1);
        u++;
        if (strcmp(u, "B") == 0 || strcmp(u, "iB") == 0)
            u += strlen(u);
    } else if (strcmp(u, "B") == 0) {
        u++;
    }
    return *u || v > (1ULL << 50) ? 0 : v;
}

static int set_size(const lb_attr_kv *kv, lb_attr_error *err, int allow_unlimited,
                    unsigned long long *dst)
{
    if (allow_unlimited && strcmp(kv->value, "unlimited") == 0) {
        *dst = 0;
        return 0;
    }
    unsigned long long v = parse_size(kv->value);
    if (!v)
        return bad_value(kv, err, "expected a size such as 64K, 512M or 4G (powers of 1024)%s",
                         allow_unlimited ? ", or unlimited" : "");
    *dst = v;
    return 0;
}

static int set_memory(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_size(kv, err, 1, &o->memory);
}

static int set_filesize(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_size(kv, err, 1, &o->filesize);
}

static int set_maxout(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_size(kv, err, 0, &o->maxout);
}

static int set_count(const lb_attr_kv *kv, lb_attr_error *err, long hi, const char *what,
                     unsigned long *dst)
{
    long v;
    if (strcmp(kv->value, "unlimited") == 0) {
        *dst = 0;
        return 0;
    }
    if (parse_int(kv->value, 1, hi, &v) < 0)
        return bad_value(kv, err, "expected %s from 1 to %ld, or unlimited", what, hi);
    *dst = (unsigned long)v;
    return 0;
}

static int set_cpu(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_count(kv, err, 86400, "whole seconds of CPU time", &o->cpu);
}

static int set_procs(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_count(kv, err, 100000, "a number of processes and threads", &o->procs);
}

static int set_exit(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    long v;
    if (strcmp(kv->value, "any") == 0) {
        o->exit_any = true;
        o->exit_code = 0;
        return 0;
    }
    if (parse_int(kv->value, 0, 255, &v) < 0)
        return bad_value(kv, err, "expected an exit status from 0 to 255, or any");
    o->exit_any = false;
    o->exit_code = (int)v;
    return 0;
}

static int set_repeat(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    long v;
    if (parse_int(kv->value, 0, 1000, &v) < 0)
        return bad_value(kv, err, "expected a whole number of extra runs from 0 to 1000");
    o->repeat = (int)v;
    return 0;
}

static int data_name_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/* Splits on spaces and tabs only: data names never need quoting. */
static void split_blanks(const char *s, lb_strv *out)
{
    lb_strv_free(out);
    out->v = lb_xcalloc(1, sizeof *out->v);
    while (*s) {
        size_t skip = strspn(s, " \t");
        s += skip;
        size_t len = strcspn(s, " \t");
        if (len) {
            char *w = lb_xstrndup(s, len);
            lb_strv_push(out, w);
            free(w);
        }
        s += len;
    }
}

static int set_data(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    const char *what = "letters, digits, '-', '_' and '.'";
    lb_strv names = {NULL, 0};
    split_blanks(kv->value, &names);
    int rc = 0;
    if (o->engine != LB_ENGINE_GNUPLOT && names.n != 1) {
        rc = bad_value(kv, err, "a %s chunk saves exactly one data file: expected one name (%s)",
                       engine_name(o->engine), what);
    }
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        if (!data_name_ok(names.v[i]))
            rc = bad_value(kv, err, "'%s' is not a data name; allowed: %s", names.v[i], what);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(names.v[i], names.v[j]) == 0)
                rc = bad_value(kv, err, "'%s' is listed twice", names.v[i]);
    }
    if (rc < 0) {
        lb_strv_free(&names);
        return rc;
    }
    lb_strv_free(&o->data);
    o->data = names;
    o->data_given = true;
    return 0;
}

/* One sanitize word to its LB_SAN_* bit, or 0 with *hint set for the
 * message. asan/ubsan are what people call them, but the contract names
 * the sanitizers as GCC's -fsanitize= does. */
static unsigned sanitizer_bit(const char *w, const char **hint)
{
    static const char *const words[] = {"address", "undefined", "thread", NULL};
    *hint = NULL;
    if (strcmp(w, "address") == 0)
        return LB_SAN_ADDRESS;
    if (strcmp(w, "undefined") == 0)
        return LB_SAN_UNDEFINED;
    if (strcmp(w, "thread") == 0)
        return LB_SAN_THREAD;
    if (strcmp(w, "asan") == 0 || strcmp(w, "ASan") == 0)
        *hint = "address";
    else if (strcmp(w, "ubsan") == 0 || strcmp(w, "UBSan") == 0)
        *hint = "undefined";
    else if (strcmp(w, "tsan") == 0 || strcmp(w, "TSan") == 0)
        *hint = "thread";
    else
        *hint = lb_suggest(w, words);
    return 0;
}

static int set_sanitize(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    const char *expect = "expected address, undefined or thread, or address and undefined "
                         "together, separated by a space or comma";
    unsigned bits = 0;
    const char *s = kv->value;
    while (*s) {
        s += strspn(s, " \t,");
        size_t len = strcspn(s, " \t,");
        if (!len)
            break;
        char *w = lb_xstrndup(s, len);
        const char *hint;
        unsigned bit = sanitizer_bit(w, &hint);
        int rc = 0;
        if (!bit && hint)
            rc = bad_value(kv, err, "unknown sanitizer '%s'; %s; did you mean '%s'?", w, expect,
                           hint);
        else if (!bit)
            rc = bad_value(kv, err, "unknown sanitizer '%s'; %s", w, expect);
        free(w);
        if (rc < 0)
            return rc;
        bits |= bit;
        s += len;
    }
    if (!bits)
        return bad_value(kv, err, "%s", expect);
    /* Both keep a shadow of the whole address space, at different places:
     * the compiler refuses the pair. */
    if ((bits & LB_SAN_THREAD) && (bits & LB_SAN_ADDRESS))
        return bad_value(kv, err,
                         "thread and address cannot be combined (each needs the address space "
                         "its own way); use one per chunk");
    o->sanitize = bits;
    return 0;
}

static int set_caption(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    (void)err;
    free(o->caption);
    o->caption = lb_xstrdup(kv->value);
    return 0;
}

static int set_pixels(const lb_attr_kv *kv, lb_attr_error *err, char **dst)
{
    long v;
    if (parse_int(kv->value, 1, 100000, &v) < 0)
        return bad_value(kv, err, "expected a positive whole number of pixels (e.g. 640)");
    free(*dst);
    /* Stored normalised, so "0640" and "640" render (and cache) alike. */
    char tmp[16];
    snprintf(tmp, sizeof tmp, "%ld", v);
    *dst = lb_xstrdup(tmp);
    return 0;
}

static int set_width(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_pixels(kv, err, &o->width);
}

static int set_height(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return set_pixels(kv, err, &o->height);
}

static int module_ok(const char *s)
{
    if (!*s || *s == '.' || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

static int set_requires(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    lb_strv mods = {NULL, 0};
    split_blanks(kv->value, &mods);
    for (size_t i = 0; i < mods.n; i++) {
        if (!module_ok(mods.v[i])) {
            int rc = bad_value(kv, err,
                               "'%s' is not a Python module name; expected space-separated "
                               "module names such as numpy or jax",
                               mods.v[i]);
            lb_strv_free(&mods);
            return rc;
        }
    }
    lb_strv_free(&o->requires);
    o->requires = mods;
    return 0;
}

/* Only the name's form is checked here; that it names a c chunk of the
 * same chapter is checked when the book is planned. */
static int set_twin(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    const char *s = kv->value;
    int ok = *s != '\0';
    for (; *s && ok; s++)
        ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
             *s == '-' || *s == '_';
    if (!ok)
        return bad_value(kv, err,
                         "expected the name of a c chunk of this chapter (letters, "
                         "digits, '-' and '_')");
    free(o->twin);
    o->twin = lb_xstrdup(kv->value);
    return 0;
}

static int set_fails(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    char msg[256];
    if (lb_fails_parse(kv->value, &o->fails, msg, sizeof msg) < 0)
        return bad_value(kv, err, "%s", msg);
    return 0;
}

static const opt_def OPTS[] = {
    {"eval", E_C | E_PY, set_eval},
    {"echo", E_C | E_GP | E_PY, set_echo},
    {"output", E_C | E_PY, set_output},
    {"args", E_C | E_PY, set_args},
    {"stdin", E_C | E_PY, set_stdin},
    {"cflags", E_C, set_cflags},
    {"libs", E_C, set_libs},
    {"timeout", E_C | E_PY, set_timeout},
    {"exit", E_C | E_PY, set_exit},
    {"cpu", E_C | E_PY, set_cpu},
    {"memory", E_C | E_PY, set_memory},
    {"filesize", E_C | E_PY, set_filesize},
    {"procs", E_C | E_PY, set_procs},
    {"maxout", E_C | E_PY, set_maxout},
    {"repeat", E_C | E_PY, set_repeat},
    {"exclusive", E_C | E_PY, set_exclusive},
    {"data", E_C | E_GP | E_PY, set_data},
    {"sanitize", E_C, set_sanitize},
    {"fails", E_C | E_PY, set_fails},
    {"caption", E_GP, set_caption},
    {"width", E_GP, set_width},
    {"height", E_GP, set_height},
    {"requires", E_PY, set_requires},
    {"twin", E_PY, set_twin},
};

enum { NOPTS = sizeof OPTS / sizeof OPTS[0] };

static const opt_def *find_opt(const char *key)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (strcmp(OPTS[i].key, key) == 0)
            return &OPTS[i];
    return NULL;
}

/* Builds the message for a key the engine does not know: a near miss among
 * its own keys first, else a note when the key belongs to another engine
 * (caption on a c chunk), which is the likelier confusion. */
static int unknown_key(const lb_attr_kv *kv, lb_engine engine, lb_attr_error *err)
{
    const char *mine[NOPTS + 1];
    size_t n = 0;
    for (size_t i = 0; i < NOPTS; i++)
        if (OPTS[i].engines & (unsigned)engine_bit(engine))
            mine[n++] = OPTS[i].key;
    mine[n] = NULL;
    const char *near = lb_suggest(kv->key, mine);
    if (near)
        return errorf(err, kv->col, "unknown option '%s' for a %s chunk; did you mean '%s'?",
                      kv->key, engine_name(engine), near);
    const opt_def *other = find_opt(kv->key);
    if (other) {
        const char *names[3];
        size_t k = 0;
        if (other->engines & E_C)
            names[k++] = "c";
        if (other->engines & E_GP)
            names[k++] = "gnuplot";
        if (other->engines & E_PY)
            names[k++] = "python";
        return errorf(
            err, kv->col, "unknown option '%s' for a %s chunk; it is an option of %s%s%s chunks",
            kv->key, engine_name(engine), names[0], k > 1 ? " and " : "", k > 1 ? names[1] : "");
    }
    return errorf(err, kv->col, "unknown option '%s' for a %s chunk", kv->key, engine_name(engine));
}

static void empty_strv(lb_strv *sv)
{
    sv->v = lb_xcalloc(1, sizeof *sv->v);
    sv->n = 0;
}

/* Defaults from BOOK-FORMAT.md. Every lb_strv starts as an allocated empty
 * array, so users may walk v to its NULL whatever was given. */
static void set_defaults(lb_opts *o, lb_engine engine)
{
    memset(o, 0, sizeof *o);
    o->engine = engine;
    o->eval = LB_EVAL_RUN;
    o->echo = engine != LB_ENGINE_GNUPLOT;
    o->output = true;
    o->timeout = 10;
    o->cpu = 300;
    o->memory = 4ULL << 30;
    o->filesize = 1ULL << 30;
    o->procs = 256;
    o->maxout = 1ULL << 20;
    o->exit_code = 0;
    o->repeat = 0;
    empty_strv(&o->args);
    empty_strv(&o->cflags);
    empty_strv(&o->libs);
    empty_strv(&o->data);
    empty_strv(&o->requires);
}

int lb_opts_from_info(const lb_info *info, lb_engine engine, lb_opts *out, lb_attr_error *err)
{
    set_defaults(out, engine);
    err->col = 0;
    err->msg[0] = '\0';
    /* A display-only fence never runs, so its options mean nothing to us;
     * they may be meant for another tool reading the same Markdown. */
    if (engine == LB_ENGINE_NONE)
        return 0;
    for (size_t i = 0; i < info->nkvs; i++) {
        const lb_attr_kv *kv = &info->kvs[i];
        const opt_def *d = find_opt(kv->key);
        if (!d || !(d->engines & (unsigned)engine_bit(engine)))
            return unknown_key(kv, engine, err);
        if (d->set(out, kv, err) < 0)
            return -1;
    }
    return 0;
}

void lb_opts_free(lb_opts *o)
{
    lb_strv_free(&o->args);
    lb_strv_free(&o->cflags);
    lb_strv_free(&o->libs);
    lb_strv_free(&o->data);
    lb_strv_free(&o->requires);
    free(o->stdin_text);
    free(o->caption);
    free(o->width);
    free(o->height);
    free(o->twin);
    memset(o, 0, sizeof *o);
}
