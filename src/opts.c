#include "opts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "engines.h"
#include "suggest.h"

typedef struct {
    const char *key;
    bool common; /* every engine takes it; else engines list it (engines.h) */
    lb_opt_fn set;
} opt_def;

lb_engine lb_engine_for_lang(const char *lang)
{
    return lang ? lb_engine_find(lang) : NULL;
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
int lb_opt_bad_value(const lb_attr_kv *kv, lb_attr_error *err, const char *fmt, ...)
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
        return lb_opt_bad_value(
            kv, err, "expected true or false (only these two words); did you mean '%s'?", hint);
    return lb_opt_bad_value(kv, err, "expected true or false (only these two words)");
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
        return lb_opt_bad_value(kv, err, "expected true, false or compile; did you mean '%s'?",
                                hint);
    return lb_opt_bad_value(kv, err, "expected true, false or compile");
}

/* "c chunks and cpp chunks": the engines that take eval=compile. */
static void compiled_engines(lb_buf *out)
{
    size_t k = 0, n = lb_engine_count();
    for (size_t i = 0; i < n; i++) {
        const lb_engine_def *e = lb_engine_at(i);
        if (!(e->flags & LB_ENG_COMPILE))
            continue;
        lb_buf_printf(out, "%s%s chunks", k++ ? " and " : "", e->name);
    }
}

static int set_eval_py(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    if (strcmp(kv->value, "compile") == 0) {
        lb_buf which = LB_BUF_INIT;
        compiled_engines(&which);
        int rc = lb_opt_bad_value(kv, err, "expected true or false (compile is only for %s)",
                                  lb_buf_str(&which));
        lb_buf_free(&which);
        return rc;
    }
    bool b = false;
    if (parse_bool(kv, err, &b) < 0)
        return -1;
    o->eval = b ? LB_EVAL_RUN : LB_EVAL_NO;
    return 0;
}

static int set_eval(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    return o->engine->flags & LB_ENG_COMPILE ? set_eval_c(o, kv, err) : set_eval_py(o, kv, err);
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
        return lb_opt_bad_value(kv, err, "%s at character %zu of the value", msg, off + 1);
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
            int rc =
                lb_opt_bad_value(kv, err,
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
        return lb_opt_bad_value(kv, err,
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
        return lb_opt_bad_value(kv, err,
                                "expected a size such as 64K, 512M or 4G (powers of 1024)%s",
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
        return lb_opt_bad_value(kv, err, "expected %s from 1 to %ld, or unlimited", what, hi);
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
        return lb_opt_bad_value(kv, err, "expected an exit status from 0 to 255, or any");
    o->exit_any = false;
    o->exit_code = (int)v;
    return 0;
}

static int set_repeat(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    long v;
    if (parse_int(kv->value, 0, 1000, &v) < 0)
        return lb_opt_bad_value(kv, err, "expected a whole number of extra runs from 0 to 1000");
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

/* Spaces and tabs only: data and module names never need quoting. */
void lb_opt_split_blanks(const char *s, lb_strv *out)
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
    lb_opt_split_blanks(kv->value, &names);
    int rc = 0;
    if (!(o->engine->flags & LB_ENG_FIGURE) && names.n != 1) {
        rc = lb_opt_bad_value(kv, err,
                              "a %s chunk saves exactly one data file: expected one name (%s)",
                              o->engine->name, what);
    }
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        if (!data_name_ok(names.v[i]))
            rc =
                lb_opt_bad_value(kv, err, "'%s' is not a data name; allowed: %s", names.v[i], what);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(names.v[i], names.v[j]) == 0)
                rc = lb_opt_bad_value(kv, err, "'%s' is listed twice", names.v[i]);
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
            rc = lb_opt_bad_value(kv, err, "unknown sanitizer '%s'; %s; did you mean '%s'?", w,
                                  expect, hint);
        else if (!bit)
            rc = lb_opt_bad_value(kv, err, "unknown sanitizer '%s'; %s", w, expect);
        free(w);
        if (rc < 0)
            return rc;
        bits |= bit;
        s += len;
    }
    if (!bits)
        return lb_opt_bad_value(kv, err, "%s", expect);
    /* Both keep a shadow of the whole address space, at different places:
     * the compiler refuses the pair. */
    if ((bits & LB_SAN_THREAD) && (bits & LB_SAN_ADDRESS))
        return lb_opt_bad_value(kv, err,
                                "thread and address cannot be combined (each needs the address "
                                "space its own way); use one per chunk");
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
        return lb_opt_bad_value(kv, err, "expected a positive whole number of pixels (e.g. 640)");
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

static int set_fails(lb_opts *o, const lb_attr_kv *kv, lb_attr_error *err)
{
    char msg[256];
    if (lb_fails_parse(kv->value, &o->fails, msg, sizeof msg) < 0)
        return lb_opt_bad_value(kv, err, "%s", msg);
    return 0;
}

static const opt_def OPTS[] = {
    {"eval", false, set_eval},     {"echo", true, set_echo},
    {"output", false, set_output}, {"args", false, set_args},
    {"stdin", false, set_stdin},   {"cflags", false, set_cflags},
    {"libs", false, set_libs},     {"timeout", false, set_timeout},
    {"exit", false, set_exit},     {"cpu", false, set_cpu},
    {"memory", false, set_memory}, {"filesize", false, set_filesize},
    {"procs", false, set_procs},   {"maxout", false, set_maxout},
    {"repeat", false, set_repeat}, {"exclusive", false, set_exclusive},
    {"data", true, set_data},      {"sanitize", false, set_sanitize},
    {"fails", false, set_fails},   {"caption", false, set_caption},
    {"width", false, set_width},   {"height", false, set_height},
};

enum { NOPTS = sizeof OPTS / sizeof OPTS[0] };

static const opt_def *find_opt(const char *key)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (strcmp(OPTS[i].key, key) == 0)
            return &OPTS[i];
    return NULL;
}

int lb_opt_is_common(const char *key)
{
    const opt_def *d = find_opt(key);
    return d && d->common;
}

/* The keys engine takes, NULL-terminated; caller frees the array. */
static const char **keys_of(lb_engine engine)
{
    size_t n = 0, cap = NOPTS + 1;
    for (size_t i = 0; engine->options && engine->options[i]; i++)
        cap++;
    for (size_t i = 0; engine->own_options && engine->own_options[i].key; i++)
        cap++;
    const char **mine = lb_xcalloc(cap, sizeof *mine);
    for (size_t i = 0; i < NOPTS; i++)
        if (lb_engine_takes(engine, OPTS[i].key))
            mine[n++] = OPTS[i].key;
    for (size_t i = 0; engine->own_options && engine->own_options[i].key; i++)
        mine[n++] = engine->own_options[i].key;
    return mine;
}

/* "c, cpp and python chunks": the engines that take key, in the
 * registry's order; empty when none does. */
static void takers(const char *key, lb_buf *out)
{
    size_t total = 0, k = 0, n = lb_engine_count();
    for (size_t i = 0; i < n; i++)
        total += lb_engine_takes(lb_engine_at(i), key) != 0;
    for (size_t i = 0; i < n; i++) {
        const lb_engine_def *e = lb_engine_at(i);
        if (!lb_engine_takes(e, key))
            continue;
        if (k)
            lb_buf_puts(out, k + 1 == total ? " and " : ", ");
        lb_buf_puts(out, e->name);
        k++;
    }
    if (k)
        lb_buf_puts(out, " chunks");
}

/* Builds the message for a key the engine does not know: a near miss among
 * its own keys first, else a note when the key belongs to another engine
 * (caption on a c chunk), which is the likelier confusion. */
static int unknown_key(const lb_attr_kv *kv, lb_engine engine, lb_attr_error *err)
{
    const char **mine = keys_of(engine);
    const char *near = lb_suggest(kv->key, mine);
    free(mine);
    if (near)
        return errorf(err, kv->col, "unknown option '%s' for a %s chunk; did you mean '%s'?",
                      kv->key, engine->name, near);
    lb_buf who = LB_BUF_INIT;
    takers(kv->key, &who);
    int rc =
        who.len ? errorf(err, kv->col, "unknown option '%s' for a %s chunk; it is an option of %s",
                         kv->key, engine->name, who.ptr)
                : errorf(err, kv->col, "unknown option '%s' for a %s chunk", kv->key, engine->name);
    lb_buf_free(&who);
    return rc;
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
    o->echo = !(engine && (engine->flags & LB_ENG_ECHO_OFF));
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
    if (!engine)
        return 0;
    for (size_t i = 0; i < info->nkvs; i++) {
        const lb_attr_kv *kv = &info->kvs[i];
        lb_opt_fn set = NULL;
        for (size_t k = 0; engine->own_options && engine->own_options[k].key && !set; k++)
            if (strcmp(engine->own_options[k].key, kv->key) == 0)
                set = engine->own_options[k].set;
        const opt_def *d = find_opt(kv->key);
        if (!set && d && lb_engine_takes(engine, kv->key))
            set = d->set;
        if (!set)
            return unknown_key(kv, engine, err);
        if (set(out, kv, err) < 0)
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
