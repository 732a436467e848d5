/* The python engine: run a chunk with $PYTHON, after asking the
 * interpreter which of the required modules it has. */
#include "engines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache.h"
#include "fsutil.h"
#include "match.h"
#include "render.h"
#include "sandbox.h"
#include "spawn.h"
#include "run.h"

extern char **environ;

/* What the Python interpreter ($PYTHON) offers, probed once per build for
 * every module the book's python chunks require. */
typedef struct {
    char *id;         /* lb_tool_identity of the interpreter; NULL: not installed */
    char *broken;     /* why an installed interpreter does not run, or NULL */
    char *version;    /* "3.11.2" */
    char *executable; /* sys.executable */
    char *device;     /* what JAX computes on, when a chunk requires jax:
                         "cpu, jaxlib 0.10.2", "gpu (NVIDIA H200, cuda 12080), jaxlib ..." */
    lb_strv names;    /* the probed modules */
    lb_strv versions; /* per name: its version, or "" when it does not import */
    lb_strv errors;   /* per name: "" or "ModuleNotFoundError: No module named 'jax'" */
} lb_python_info;

/* The engine's state for one build. */
typedef struct {
    char *python; /* $PYTHON or "python3" */
    /* Its sys.executable (borrowed from the probe), what a sandboxed
     * chunk runs: $PYTHON may be a wrapper or a pyenv shim that needs
     * files in $HOME, which the sandbox hides. NULL: run python. */
    const char *python_exe;
    lb_python_info pi; /* probed only when the book has python chunks */
} py_state;

/* Prints what the chunks depend on, one fact a line; modules come from
 * argv. Anything an imported module itself prints is ignored by the
 * parser, which reads only lines starting with its own words. */
static const char PROBE[] =
    "import sys, os, importlib\n"
    "w = sys.stdout.write\n"
    "dev = 0\n"
    "w('litbook-python %s\\n' % sys.version.split()[0])\n"
    "w('executable %s\\n' % sys.executable)\n"
    "for p in sys.path:\n"
    "    if os.path.isabs(p) and os.path.isdir(p):\n"
    "        w('path %s\\n' % p)\n"
    "for m in sys.argv[1:]:\n"
    "    try:\n"
    "        mod = importlib.import_module(m)\n"
    "    except BaseException as e:\n"
    "        msg = ('%s: %s' % (type(e).__name__, e)).replace('\\n', ' ')\n"
    "        w('missing %s %s\\n' % (m, msg))\n"
    "        continue\n"
    "    v = getattr(mod, '__version__', None)\n"
    "    if not isinstance(v, str):\n"
    "        try:\n"
    "            from importlib import metadata\n"
    "            v = metadata.version(m.split('.')[0])\n"
    "        except Exception:\n"
    "            v = 'unknown'\n"
    "    w('module %s %s\\n' % (m, v))\n"
    "    if m.split('.')[0] == 'jax' and not dev:\n"
    "        dev = 1\n"
    "        try:\n"
    "            import jax, jaxlib\n"
    "            d = jax.devices()[0]\n"
    "            pv = getattr(d.client, 'platform_version', '') or ''\n"
    "            kind = d.device_kind if d.device_kind != d.platform else ''\n"
    "            desc = ', '.join(x for x in (kind, pv if pv != d.platform else '') if x)\n"
    "            w('device %s%s, jaxlib %s\\n' % (d.platform, ' (%s)' % desc if desc else '', "
    "jaxlib.__version__))\n"
    "        except Exception as e:\n"
    "            w('device unknown (%s)\\n' % type(e).__name__)\n";

static void python_info_free(lb_python_info *pi)
{
    free(pi->id);
    free(pi->broken);
    free(pi->version);
    free(pi->executable);
    free(pi->device);
    lb_strv_free(&pi->names);
    lb_strv_free(&pi->versions);
    lb_strv_free(&pi->errors);
    memset(pi, 0, sizeof *pi);
}

/* "stamp SIZE MTIME PATH": what must not change for a remembered probe to
 * hold. A path that does not exist is stamped as "-1 -1". */
static void put_stamp(lb_buf *b, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        lb_buf_printf(b, "stamp %lld %lld %s\n", (long long)st.st_size, lb_mtime_ns(&st), path);
    else
        lb_buf_printf(b, "stamp -1 -1 %s\n", path);
}

static int stamp_holds(const char *rec)
{
    long long size, mtime;
    int used = 0;
    if (sscanf(rec, "%lld %lld %n", &size, &mtime, &used) != 2 || used == 0)
        return 0;
    struct stat st;
    if (stat(rec + used, &st) < 0)
        return size == -1;
    return st.st_size == size && lb_mtime_ns(&st) == mtime;
}

/* Applies one line of a probe's answer to pi. Returns 0, or -1 when a
 * stamp no longer holds. */
static int probe_line(lb_python_info *pi, char *line)
{
    char *sp = strchr(line, ' ');
    if (!sp)
        return 0;
    *sp = '\0';
    char *v = sp + 1;
    if (strcmp(line, "stamp") == 0)
        return stamp_holds(v) ? 0 : -1;
    if (strcmp(line, "litbook-python") == 0) {
        free(pi->version);
        pi->version = lb_xstrdup(v);
    } else if (strcmp(line, "executable") == 0) {
        free(pi->executable);
        pi->executable = lb_xstrdup(v);
    } else if (strcmp(line, "device") == 0) {
        free(pi->device);
        pi->device = lb_xstrdup(v);
    } else if (strcmp(line, "module") == 0 || strcmp(line, "missing") == 0) {
        char *sp2 = strchr(v, ' ');
        if (!sp2)
            return 0;
        *sp2 = '\0';
        int ok = line[1] == 'o';
        lb_strv_push(&pi->names, v);
        lb_strv_push(&pi->versions, ok ? sp2 + 1 : "");
        lb_strv_push(&pi->errors, ok ? "" : sp2 + 1);
    }
    return 0;
}

/* Fills pi from a probe's answer (with or without stamps). Returns 0, or
 * -1 when it is not a complete answer or a stamp changed. */
static int parse_probe(lb_python_info *pi, const char *text)
{
    char *copy = lb_xstrdup(text);
    int rc = 0;
    for (char *line = copy; line && *line && rc == 0;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        rc = probe_line(pi, line);
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    return rc == 0 && pi->version ? 0 : -1;
}

static void probe_key(const py_state *st, const char *id, const lb_strv *modules, char key[33])
{
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "litbook python probe 2"); /* 2: the JAX device */
    lb_hash_str(&h, st->python);
    lb_hash_str(&h, id);
    /* These change what imports without touching any file we stamp. */
    static const char *const env[] = {"PYTHONPATH",    "PYTHONHOME",  "PYTHONNOUSERSITE",
                                      "PYENV_VERSION", "VIRTUAL_ENV", NULL};
    for (size_t i = 0; env[i]; i++)
        lb_hash_str(&h, getenv(env[i]));
    for (size_t i = 0; i < modules->n; i++)
        lb_hash_str(&h, modules->v[i]);
    lb_hash_hex(&h, key);
}

/* "exit status 127: pyenv: python3: command not found": why the probe
 * failed, for the not-run reason. */
static void describe_probe_failure(const lb_spawn_result *r, lb_buf *out)
{
    lb_spawn_describe(r, 60, out);
    const char *err = lb_buf_str(&r->err);
    size_t n = strcspn(err, "\n");
    if (n)
        lb_buf_printf(out, ": %.*s", (int)(n > 200 ? 200 : n), err);
}

/* Runs the probe; on success appends its answer and the stamps to memo. */
static void run_probe(const py_state *st, const lb_ctx *ctx, const lb_strv *modules,
                      lb_python_info *pi, lb_buf *memo)
{
    lb_strv argv = {0};
    lb_strv_push(&argv, st->python);
    lb_strv_push(&argv, "-c");
    lb_strv_push(&argv, PROBE);
    for (size_t i = 0; i < modules->n; i++)
        lb_strv_push(&argv, modules->v[i]);
    char *dir = lb_make_workdir(ctx); /* sys.path[0] as a chunk's would be */
    lb_spawn_req req = {0};
    req.argv = argv.v;
    req.cwd = dir;
    req.timeout_s = 60; /* importing a large package cold takes seconds */
    req.cancel = ctx->cancel;
    lb_spawn_result r = {0};
    int rc = lb_spawn_run(&req, &r);
    if (rc == 0 && r.exited && r.exit_code == 0 && parse_probe(pi, lb_buf_str(&r.out)) == 0) {
        lb_buf_puts(memo, lb_buf_str(&r.out));
        put_stamp(memo, pi->executable ? pi->executable : st->python);
        const char *p = lb_buf_str(&r.out);
        while ((p = strstr(p, "\npath ")) != NULL) {
            p += 6;
            size_t n = strcspn(p, "\n");
            char *path = lb_xstrndup(p, n);
            put_stamp(memo, path);
            free(path);
        }
    } else {
        lb_buf why = LB_BUF_INIT;
        if (rc != 0)
            lb_buf_printf(&why, "cannot start: %s", strerror(r.exec_errno));
        else
            describe_probe_failure(&r, &why);
        free(pi->broken);
        pi->broken = lb_buf_detach(&why);
    }
    lb_spawn_result_free(&r);
    if (dir) {
        lb_remove_tree(dir);
        free(dir);
    }
    lb_strv_free(&argv);
}

/* Probes the interpreter for modules (names, duplicates allowed). The
 * answer is remembered in cache_dir (python-KEY) with the size and mtime
 * of the interpreter and of every folder on its sys.path (installing or
 * upgrading a package changes its folder), so a build where nothing
 * changed spawns no process. */
static void python_probe(const py_state *st, const lb_ctx *ctx, const char *cache_dir,
                         const lb_strv *modules, lb_python_info *pi)
{
    memset(pi, 0, sizeof *pi);
    pi->id = lb_tool_identity(cache_dir, st->python);
    if (!pi->id)
        return;
    char key[33];
    probe_key(st, pi->id, modules, key);
    lb_buf path = LB_BUF_INIT, memo = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/python-%s", cache_dir, key);
    if (lb_read_file(path.ptr, &memo) == 0 && parse_probe(pi, lb_buf_str(&memo)) == 0) {
        lb_buf_free(&memo);
        lb_buf_free(&path);
        return;
    }
    char *id = pi->id;
    pi->id = NULL;
    python_info_free(pi); /* a half-read or outdated memo */
    pi->id = id;
    lb_buf_reset(&memo);
    run_probe(st, ctx, modules, pi, &memo);
    if (memo.len && lb_mkdirs(cache_dir) == 0)
        lb_write_file_atomic(path.ptr, memo.ptr, memo.len);
    lb_buf_free(&memo);
    lb_buf_free(&path);
}

static int find_module(const lb_python_info *pi, const char *name)
{
    for (size_t i = 0; i < pi->names.n; i++)
        if (strcmp(pi->names.v[i], name) == 0)
            return (int)i;
    return -1;
}

/* Whether err says that the module itself (not one it imports) is absent. */
static int absent(const char *name, const char *err)
{
    const char *pre = "ModuleNotFoundError: No module named '";
    size_t n = strlen(pre);
    if (strncmp(err, pre, n) != 0)
        return 0;
    const char *missing = err + n;
    size_t len = strcspn(missing, "'");
    /* "jax.numpy" is absent when "jax" is */
    return strncmp(name, missing, len) == 0 && (name[len] == '\0' || name[len] == '.');
}

static void join_names(const lb_strv *names, lb_buf *out)
{
    for (size_t i = 0; i < names->n; i++) {
        if (i)
            lb_buf_puts(out, i + 1 == names->n ? " and " : ", ");
        lb_buf_puts(out, names->v[i]);
    }
}

/* Why python chunk c cannot run here ("jax is not installed here",
 * "python3 is not installed here"), or NULL when it can. Caller frees. */
static char *not_run_reason(const py_state *st, const lb_chunk *c)
{
    const lb_python_info *pi = &st->pi;
    lb_buf b = LB_BUF_INIT;
    int plain = strcmp(st->python, "python3") == 0;
    if (!pi->id) {
        if (plain)
            lb_buf_puts(&b, "python3 is not installed here");
        else
            lb_buf_printf(&b, "the Python interpreter %s (from $PYTHON) is not installed here",
                          st->python);
        return lb_buf_detach(&b);
    }
    if (pi->broken) {
        lb_buf_printf(&b, "%s does not run here (%s)", st->python, pi->broken);
        return lb_buf_detach(&b);
    }
    lb_strv gone = {0};
    const char *broken_name = NULL, *broken_err = NULL;
    for (size_t i = 0; i < c->opts.requires.n; i++) {
        const char *name = c->opts.requires.v[i];
        int k = find_module(pi, name);
        const char *err = k < 0 ? "not probed" : pi->errors.v[k];
        if (!*err)
            continue;
        if (absent(name, err) || k < 0)
            lb_strv_push(&gone, name);
        else if (!broken_name) {
            broken_name = name;
            broken_err = err;
        }
    }
    if (gone.n) {
        join_names(&gone, &b);
        lb_buf_puts(&b, gone.n == 1 ? " is not installed here" : " are not installed here");
    } else if (broken_name) {
        lb_buf_printf(&b, "%s does not import here (%s)", broken_name, broken_err);
    }
    lb_strv_free(&gone);
    if (b.len == 0) {
        lb_buf_free(&b);
        return NULL;
    }
    return lb_buf_detach(&b);
}

static int uses_jax(const lb_chunk *c);

/* "Python 3.11.2, numpy 1.24.2": the interpreter's version and those of
 * c's required modules, then "; on DEVICE" for a chunk that requires jax,
 * for cache keys and captions (a chunk reruns on another device). Appends
 * to out. */
static void python_versions(const lb_python_info *pi, const lb_chunk *c, lb_buf *out)
{
    lb_buf_printf(out, "Python %s", pi->version ? pi->version : "(unknown version)");
    for (size_t i = 0; i < c->opts.requires.n; i++) {
        int k = find_module(pi, c->opts.requires.v[i]);
        lb_buf_printf(out, ", %s %s", c->opts.requires.v[i],
                      k >= 0 && *pi->versions.v[k] ? pi->versions.v[k] : "(missing)");
    }
    if (pi->device && uses_jax(c))
        lb_buf_printf(out, "; on %s", pi->device);
}

static int uses_jax(const lb_chunk *c)
{
    for (size_t i = 0; i < c->opts.requires.n; i++) {
        const char *m = c->opts.requires.v[i];
        if (strncmp(m, "jax", 3) == 0 && (m[3] == '\0' || m[3] == '.'))
            return 1;
    }
    return 0;
}

/* The inherited environment, with Python told to behave as it does on a
 * terminal (unbuffered, so output printed before a fork is not written
 * twice and the order of lines is the order of prints), to write UTF-8
 * whatever the locale, and to leave no __pycache__ behind. */
static void python_env(lb_strv *env)
{
    static const char *const ours[] = {"PYTHONUNBUFFERED=1", "PYTHONIOENCODING=utf-8",
                                       "PYTHONDONTWRITEBYTECODE=1", NULL};
    for (char **e = environ; *e; e++) {
        int replaced = 0;
        for (size_t i = 0; ours[i] && !replaced; i++) {
            size_t n = strcspn(ours[i], "=") + 1;
            replaced = strncmp(*e, ours[i], n) == 0;
        }
        if (!replaced)
            lb_strv_push(env, *e);
    }
    for (size_t i = 0; ours[i]; i++)
        lb_strv_push(env, ours[i]);
}

/* Tracebacks name the scratch file; the reader wants the chapter. The
 * program was padded so that its line numbers are the chapter's, but for
 * the lines a <<reference>> brought in: `File "prog.py", line N` goes
 * through the assembler's map. */
static char *chapter_paths(const char *text, const char *scratch, const char *chapter,
                           const lb_engine_job *j)
{
    static const char line_tag[] = "\", line ";
    lb_buf b = LB_BUF_INIT;
    size_t n = strlen(scratch);
    const char *p = text, *q;
    while ((q = strstr(p, scratch)) != NULL) {
        lb_buf_append(&b, p, (size_t)(q - p));
        lb_buf_puts(&b, chapter);
        p = q + n;
        const char *num = p + strlen(line_tag);
        size_t digits = strncmp(p, line_tag, strlen(line_tag)) == 0 ? strspn(num, "0123456789") : 0;
        if (digits && digits < 9) {
            int line = lb_program_line(j->src_lines, j->src_nlines, j->c->code_line, atoi(num));
            lb_buf_printf(&b, "%s%d", line_tag, line);
            p = num + digits;
        }
    }
    lb_buf_puts(&b, p);
    return lb_buf_detach(&b);
}

static void run_program(const py_state *st, const lb_ctx *ctx, const lb_engine_job *j,
                        const char *dir)
{
    const lb_chapter *ch = j->ch;
    lb_chunk *c = j->c;
    lb_strv env = {0};
    python_env(&env);
    lb_strv ro = {0};
    lb_chunk_ro(ctx, ch, &ro);
    const char *exe = ctx->sandbox && st->python_exe ? st->python_exe : st->python;
    const char *const command[] = {exe, "prog.py", NULL};
    lb_run_spec spec = {command, env.v, dir, ctx->cancel, ctx->sandbox, &ro};
    lb_spawn_result r = {0};
    if (lb_run_once(&spec, c, &r) != 0) {
        lb_buf m = LB_BUF_INIT;
        lb_buf_printf(&m, "cannot run the Python interpreter '%s': %s (set PYTHON)", st->python,
                      strerror(r.exec_errno));
        lb_run_fail(c, m.ptr, NULL);
        lb_buf_free(&m);
    } else {
        lb_run_keep(&spec, c, &r);
        lb_buf scratch = LB_BUF_INIT;
        lb_buf_printf(&scratch, "%s/prog.py", dir);
        char *err = chapter_paths(c->res.err, scratch.ptr, ch->path, j);
        free(c->res.err);
        c->res.err = err;
        c->res.err_len = strlen(err);
        lb_buf_free(&scratch);
    }
    lb_spawn_result_free(&r);
    lb_run_repeats(&spec, c);
    lb_strv_free(&env);
    lb_strv_free(&ro);
}

/* Runs the chunk (its assembled code) with the interpreter in a fresh
 * folder; its versions (j->about) go into the caption. */
static void python_run(const lb_engine_env *env, lb_engine_job *j, lb_strv *deps)
{
    const lb_ctx *ctx = env->ctx;
    const py_state *st = j->state;
    lb_chunk *c = j->c;
    const char *src = j->src, *versions = j->about;
    (void)deps;
    lb_result_free(&c->res);
    lb_buf cmd = LB_BUF_INIT;
    lb_buf_printf(&cmd, "%s prog.py", st->python);
    for (size_t i = 0; i < c->opts.args.n; i++)
        lb_buf_printf(&cmd, " %s", c->opts.args.v[i]);
    if (versions && *versions)
        lb_buf_printf(&cmd, "  # %s", versions);
    c->res.command = lb_buf_detach(&cmd);
    char *dir = lb_chunk_workdir(ctx, c);
    if (!dir)
        return;
    /* Blank lines first, so a traceback's line numbers are the chapter's. */
    lb_buf prog = LB_BUF_INIT;
    for (int i = 1; i < c->code_line; i++)
        lb_buf_putc(&prog, '\n');
    lb_buf_puts(&prog, src);
    lb_buf path = LB_BUF_INIT, mod = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/prog.py", dir);
    /* The folder of prog.py is sys.path[0]: `import litbook` finds it. */
    lb_buf_printf(&mod, "%s/litbook.py", dir);
    if (lb_write_file_atomic(path.ptr, prog.ptr ? prog.ptr : "", prog.len) < 0 ||
        lb_write_file_atomic(mod.ptr, lb_litbook_py, strlen(lb_litbook_py)) < 0)
        lb_run_fail(c, "cannot write the program's source", strerror(errno));
    else
        run_program(st, ctx, j, dir);
    lb_buf_free(&mod);
    lb_buf_free(&path);
    lb_buf_free(&prog);
    lb_remove_tree(dir);
    free(dir);
}

/* twin=NAME: checks, before anything runs, that NAME is a c chunk of the
 * chapter that runs. Returns 0, or -1 with *d set (an input error). */
static int python_plan(lb_engine_job *j, lb_diag *d)
{
    lb_chapter *ch = j->ch;
    const lb_chunk *c = j->c;
    const char *name = c->opts.twin;
    if (!name)
        return 0;
    const lb_chunk *t = lb_chapter_find(ch, name);
    const char *why = !t                                      ? "there is no chunk of that name"
                      : t->opts.engine != lb_engine_find("c") ? "it is not a c chunk"
                      : t->opts.eval != LB_EVAL_RUN           ? "it does not run (eval is not true)"
                                                              : NULL;
    if (!why)
        return 0;
    lb_diag_set(d, LB_ERROR, ch->path, c->line, c->col > 0 ? c->col : 1,
                "twin=%s: %s in this chapter (twin names the c chunk whose output this "
                "python chunk must print too)",
                name, why);
    return -1;
}

/* Length of text without one final newline: "a\n" and "a" are the same
 * output for the comparison, as for lb_match. */
static size_t trimmed(const char *text, size_t len)
{
    return len && text[len - 1] == '\n' ? len - 1 : len;
}

/* Whether the lines of inner appear in outer as a contiguous run of whole
 * lines: the C twin may print lines of its own around the Python's (a
 * comment, a check), never different ones in their place. */
static int lines_within(const char *inner, size_t ilen, const char *outer, size_t olen)
{
    ilen = trimmed(inner, ilen);
    olen = trimmed(outer, olen);
    if (ilen == 0)
        return olen == 0;
    for (size_t start = 0; start + ilen <= olen;) {
        if (memcmp(outer + start, inner, ilen) == 0 &&
            (start + ilen == olen || outer[start + ilen] == '\n'))
            return 1;
        const char *nl = memchr(outer + start, '\n', olen - start);
        if (!nl)
            break;
        start = (size_t)(nl - outer) + 1;
    }
    return 0;
}

/* After py and its twin ran (or came from the cache or a recording):
 * when both succeeded and py's stdout is not, line for line, a contiguous
 * run of the twin's stdout (the C version may print lines of its own
 * around it), marks py failed with a diff and returns 1; else 0. */
static int twin_compare(lb_chapter *ch, lb_chunk *py)
{
    const lb_chunk *t = py->opts.twin ? lb_chapter_find(ch, py->opts.twin) : NULL;
    if (!t || py->res.status != LB_RES_OK || !py->res.ran || t->res.status != LB_RES_OK ||
        !t->res.ran)
        return 0;
    const char *a = t->res.out ? t->res.out : "", *b = py->res.out ? py->res.out : "";
    if (lines_within(b, py->res.out_len, a, t->res.out_len))
        return 0;
    lb_buf la = LB_BUF_INIT, lbl = LB_BUF_INIT, diff = LB_BUF_INIT;
    lb_buf_printf(&la, "c chunk '%s' (the twin)", t->info.name);
    lb_buf_printf(&lbl, "python chunk '%s'", py->info.name ? py->info.name : py->anchor);
    lb_match_diff(a, t->res.out_len, b, py->res.out_len, la.ptr, lbl.ptr, &diff);
    lb_buf m = LB_BUF_INIT;
    lb_buf_printf(&m, "its output is not what its C twin '%s' prints", t->info.name);
    lb_run_fail(py, m.ptr, diff.ptr);
    py->res.verified = 0;
    lb_buf_free(&m);
    lb_buf_free(&la);
    lb_buf_free(&lbl);
    lb_buf_free(&diff);
    return 1;
}

/* With --update, a chunk whose only fault is a mismatched expected block
 * is about to have its new output accepted: the twin check sees both as
 * they will be, and a python chunk that no longer agrees with its twin
 * fails (and is not updated), as the next build would fail it. Returns 1
 * when j failed the check. */
static int python_finish(lb_engine_job *j, int update)
{
    lb_chunk *t = j->c->opts.twin ? lb_chapter_find(j->ch, j->c->opts.twin) : NULL;
    lb_result *pr = &j->c->res, *tr = t ? &t->res : NULL;
    int p_pending = update && pr->mismatch && pr->status == LB_RES_FAILED;
    int t_pending = update && tr && tr->mismatch && tr->status == LB_RES_FAILED;
    if (p_pending)
        pr->status = LB_RES_OK;
    if (t_pending)
        tr->status = LB_RES_OK;
    int differs = twin_compare(j->ch, j->c);
    if (t_pending)
        tr->status = LB_RES_FAILED;
    if (differs)
        pr->mismatch = 0; /* its failure is the twin's now: nothing to accept */
    else if (p_pending)
        pr->status = LB_RES_FAILED;
    return differs;
}

static void *python_setup(lb_ctx *ctx, lb_strv *tools)
{
    (void)ctx;
    py_state *st = lb_xcalloc(1, sizeof *st);
    const char *py = getenv("PYTHON");
    st->python = lb_xstrdup(py && *py ? py : "python3");
    lb_strv_push(tools, st->python);
    return st;
}

static void python_free(void *state)
{
    py_state *st = state;
    if (!st)
        return;
    python_info_free(&st->pi);
    free(st->python);
    free(st);
}

/* Asks the interpreter once for every module any python chunk requires,
 * then says per chunk whether it can run and with which versions. No
 * python chunk: no interpreter needed. */
static void python_prepare(void *state, const lb_engine_env *env, lb_engine_job *jobs, size_t n)
{
    py_state *st = state;
    if (!n)
        return;
    lb_strv mods = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < jobs[i].c->opts.requires.n; k++)
            lb_strv_push(&mods, jobs[i].c->opts.requires.v[k]);
    python_probe(st, env->ctx, env->cache_dir, &mods, &st->pi);
    lb_strv_free(&mods);
    /* $PYTHON may be a wrapper: the sandbox must show the real one. */
    if (st->pi.executable && env->bwrap) {
        lb_bwrap_show_tool(env->bwrap, st->pi.executable);
        st->python_exe = st->pi.executable;
    }
    for (size_t i = 0; i < n; i++) {
        lb_buf v = LB_BUF_INIT;
        python_versions(&st->pi, jobs[i].c, &v);
        free(jobs[i].about);
        jobs[i].about = lb_buf_detach(&v);
        free(jobs[i].not_run);
        jobs[i].not_run = not_run_reason(st, jobs[i].c);
    }
}

/* Like a compiled chunk's key, with the interpreter's identity and
 * version and the versions of the modules it requires in place of the
 * compiler. */
static void python_key(const lb_engine_env *env, lb_engine_job *j, lb_hash *h)
{
    const py_state *st = j->state;
    (void)env;
    lb_hash_str(h, lb_litbook_py); /* what `import litbook` runs */
    lb_hash_str(h, st->pi.id);
    lb_hash_str(h, st->pi.executable);
    lb_hash_str(h, j->about);
    lb_engine_key_program(j, h);
}

/* --record: the interpreter, and the modules with their versions. */
static void python_record(const lb_engine_job *j, lb_record_meta *m)
{
    const py_state *st = j->state;
    lb_buf s = LB_BUF_INIT;
    lb_buf_printf(&s, "%s (%s)", st->pi.version ? st->pi.version : "unknown",
                  st->pi.executable ? st->pi.executable : st->python);
    m->python = lb_buf_detach(&s);
    if (st->pi.device && uses_jax(j->c))
        m->device = lb_xstrdup(st->pi.device);
    /* "Python 3.11.2, numpy 1.24.2; on cpu": the modules, one "name
     * version" each, up to the device */
    char *mods = lb_xstrndup(j->about, strcspn(j->about, ";"));
    const char *v = strchr(mods, ',');
    while (v) {
        v += 2;
        size_t n = strcspn(v, ",");
        char *one = lb_xstrndup(v, n);
        lb_strv_push(&m->modules, one);
        free(one);
        v = v[n] ? v + n : NULL;
    }
    free(mods);
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
    lb_opt_split_blanks(kv->value, &mods);
    for (size_t i = 0; i < mods.n; i++) {
        if (!module_ok(mods.v[i])) {
            int rc = lb_opt_bad_value(kv, err,
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
        return lb_opt_bad_value(kv, err,
                                "expected the name of a c chunk of this chapter (letters, "
                                "digits, '-' and '_')");
    free(o->twin);
    o->twin = lb_xstrdup(kv->value);
    return 0;
}

static const char *const python_options[] = {"eval",   "output", "args",      "stdin",    "timeout",
                                             "exit",   "cpu",    "memory",    "filesize", "procs",
                                             "maxout", "repeat", "exclusive", "fails",    NULL};

static const lb_engine_opt python_own[] = {
    {"requires", set_requires}, {"twin", set_twin}, {NULL, NULL}};

const lb_engine_def lb_engine_python_def = {
    .name = "python",
    .label = "Python",
    .flags = LB_ENG_ASSEMBLE | LB_ENG_RECORD,
    .options = python_options,
    .own_options = python_own,
    .value_call = "litbook.value(\"%s\", ...)",
    .uncaught = "Traceback (most recent call last):",
    .setup = python_setup,
    .free_state = python_free,
    .prepare = python_prepare,
    .plan = python_plan,
    .key = python_key,
    .run = python_run,
    .finish = python_finish,
    .record = python_record,
};
