#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assemble.h"
#include "cache.h"
#include "engines.h"
#include "fails.h"
#include "fencecheck.h"
#include "fsutil.h"
#include "jail.h"
#include "jobs.h"
#include "progenv.h"
#include "progress.h"
#include "prose.h"
#include "prune.h"
#include "record.h"
#include "relocate.h"
#include "publish.h"
#include "render.h"
#include "pdf.h"
#include "sandbox.h"
#include "search.h"
#include "texmath.h"
#include "update.h"
#include "values.h"
#include "version.h"

typedef struct build build;

typedef struct {
    build *b;
    lb_chapter *ch;
    lb_chunk *c;
    const lb_engine_def *eng; /* c's engine */
    lb_engine_job e;          /* what its engine sees (src, key_src, data_in borrowed from here) */
    char *src;                /* the assembled program (LB_ENG_ASSEMBLE) */
    char *key_src;            /* the same with lines counted per chunk: what keys hash */
    lb_linemap src_lines;     /* where src's lines come from (engines without #line) */
    char *origins;            /* where its chunks sit (relocate.h) */
    char key[33];             /* computed in its job, just before the cache is asked */
    lb_strv data_in;          /* LB_ENG_FIGURE: paths of the data files it reads */
    int wanted;               /* its chapter was named (or the whole book is built) */
    int needed;               /* makes data that a chart of a named chapter reads */
    const lb_job *job;        /* its node in the job graph (for its dependencies) */
    int recorded;             /* --record saved its result (1) or could not (-1) */
} chunk_job;

struct build {
    const lb_build_opts *o;
    lb_ctx ctx;
    char *cache_dir;
    char *out_abs; /* the output folder, absolute */
    lb_strv files; /* the chapter files found; an error may name one */
    lb_sandbox sandbox;
    int sandbox_ready;    /* lb_sandbox_init was called */
    void **estate;        /* per engine of the registry: its setup's state */
    lb_engine_env env;    /* what the engines see of the build */
    lb_chapter *chapters; /* all, in book order, front page first if any */
    size_t n;
    char *named; /* per chapter: 1 when being (re)built */
    chunk_job *jobs;
    size_t njobs;
    lb_progress progress;
    lb_dep_memo *deps;   /* what this build learned of headers */
    lb_value_refs *refs; /* per chapter: its prose's value references */
    char *bad_refs;      /* per chapter: 1 when one quotes a value never published */
    lb_prose prose;      /* configuration, references, images, math (prose.h) */
    lb_highlighter hl;   /* valid once hl_ready */
    int hl_ready;
    volatile int stop;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The book's chapter files (the .md files of DIR), sorted by name. */
static int list_chapters(const char *dir, lb_strv *out, lb_diag *d)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot open the book's folder '%s': %s%s", dir,
                    strerror(errno),
                    errno == ENOENT ? " (run litbook in the folder that holds chapters/)" : "");
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n > 3 && strcmp(e->d_name + n - 3, ".md") == 0 && e->d_name[0] != '.') {
            lb_buf p = LB_BUF_INIT;
            lb_buf_printf(&p, "%s/%s", dir, e->d_name);
            lb_strv_push(out, p.ptr);
            lb_buf_free(&p);
        }
    }
    closedir(dp);
    qsort(out->v, out->n, sizeof *out->v, cmp_str);
    return 0;
}

/* Same file? Named chapters may be written as ./chapters/x.md. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static int mark_named(build *b, lb_diag *d)
{
    b->named = lb_xcalloc(b->n ? b->n : 1, 1);
    if (b->o->nchapters == 0) {
        memset(b->named, 1, b->n);
        return 0;
    }
    for (size_t k = 0; k < b->o->nchapters; k++) {
        const char *want = b->o->chapters[k];
        size_t i = 0;
        while (i < b->n && !same_file(want, b->chapters[i].path))
            i++;
        if (i == b->n) {
            struct stat st;
            lb_diag_set(d, LB_ERROR, want, 0, 0, "%s",
                        stat(want, &st) < 0 ? "no such chapter file"
                                            : "not a chapter of the book (chapters are the .md "
                                              "files in the book's folder)");
            return -1;
        }
        b->named[i] = 1;
    }
    return 0;
}

/* A chapter must be a regular file of the book: reading a FIFO or a
 * device would hang the build or never end, and a symlink to a file
 * elsewhere would publish it (~/.ssh/id_rsa.md). The name answer-book is
 * the single-file book's page. */
static int check_chapter_file(const char *path, const char *book_dir, lb_diag *d)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        lb_diag_set(d, LB_ERROR, path, 0, 0, "cannot read the chapter: %s", strerror(errno));
        return -1;
    }
    if (S_ISLNK(st.st_mode)) {
        char *target = realpath(path, NULL), *book = realpath(book_dir, NULL);
        size_t n = book ? strlen(book) : 0;
        int inside = target && book && strncmp(target, book, n) == 0 && target[n] == '/';
        free(target);
        free(book);
        if (!inside) {
            lb_diag_set(d, LB_ERROR, path, 0, 0,
                        "the chapter is a symbolic link to a file outside the book's folder; "
                        "refused");
            return -1;
        }
        if (stat(path, &st) < 0) {
            lb_diag_set(d, LB_ERROR, path, 0, 0, "cannot read the chapter: %s", strerror(errno));
            return -1;
        }
    }
    if (!S_ISREG(st.st_mode)) {
        lb_diag_set(d, LB_ERROR, path, 0, 0, "the chapter is not a regular file (%s)",
                    S_ISFIFO(st.st_mode)   ? "a FIFO"
                    : S_ISCHR(st.st_mode)  ? "a character device"
                    : S_ISBLK(st.st_mode)  ? "a block device"
                    : S_ISSOCK(st.st_mode) ? "a socket"
                    : S_ISDIR(st.st_mode)  ? "a folder"
                                           : "not a file");
        return -1;
    }
    const char *base = strrchr(path, '/');
    if (strcmp(base ? base + 1 : path, "answer-book.md") == 0) {
        lb_diag_set(d, LB_ERROR, path, 0, 0,
                    "a chapter cannot be named answer-book.md: answer-book.html is the "
                    "single-file book (rename the chapter)");
        return -1;
    }
    return 0;
}

/* Fences that look meant to run but never will (fencecheck.h). */
static void print_fence_warnings(const lb_chapter *ch)
{
    lb_diag warn[LB_MAX_INPUT_ERRORS];
    size_t n = lb_fencecheck(ch, warn, LB_MAX_INPUT_ERRORS);
    for (size_t i = 0; i < n && i < LB_MAX_INPUT_ERRORS; i++)
        lb_diag_print(stderr, &warn[i], lb_diag_stderr_color());
}

static int load_book(build *b, lb_diag *d)
{
    lb_strv files = {0};
    if (list_chapters(b->o->book_dir, &files, d) < 0)
        return -1;
    b->files = files; /* owned by b: a diagnostic may point into it */
    b->chapters = lb_xcalloc(files.n ? files.n : 1, sizeof *b->chapters);
    int rc = 0, failed = 0;
    /* The front page first, then the chapters in name order. Every
     * chapter is read, so the input errors of all of them show at once:
     * each failed chapter's last error is printed when the next one
     * fails, the last of all is left in *d. */
    for (int pass = 0; pass < 2 && failed < LB_MAX_INPUT_ERRORS; pass++) {
        for (size_t i = 0; i < files.n && failed < LB_MAX_INPUT_ERRORS; i++) {
            const char *base = strrchr(files.v[i], '/') + 1;
            if ((strcmp(base, "index.md") == 0) != (pass == 0))
                continue;
            lb_diag one = {LB_ERROR, NULL, 0, 0, ""};
            /* A FIFO, a device or a link out of the book is refused
             * before it is opened (reading a FIFO would block). */
            if (check_chapter_file(files.v[i], b->o->book_dir, &one) < 0) {
                if (failed++ > 0)
                    lb_diag_print(stderr, d, lb_diag_stderr_color());
                *d = one;
                rc = -1;
                continue;
            }
            if (lb_chapter_load(files.v[i], &b->chapters[b->n], &one) < 0) {
                if (failed++ > 0)
                    lb_diag_print(stderr, d, lb_diag_stderr_color());
                *d = one;
                rc = -1;
            } else {
                print_fence_warnings(&b->chapters[b->n]);
            }
            b->n++;
        }
    }
    return rc < 0 ? -1 : mark_named(b, d);
}

/* The chunk that produces data file `name`, searching chapters in book
 * order up to (not including) chunk `before`; NULL if none. */
static chunk_job *producer(build *b, const char *name, const chunk_job *before)
{
    chunk_job *found = NULL;
    for (size_t i = 0; i < b->njobs && &b->jobs[i] != before; i++) {
        lb_chunk *c = b->jobs[i].c;
        if (!(c->opts.engine->flags & LB_ENG_FIGURE) && c->opts.data.n == 1 &&
            strcmp(c->opts.data.v[0], name) == 0)
            found = &b->jobs[i];
    }
    return found;
}

static void data_path(const build *b, const char *name, lb_buf *out)
{
    lb_buf_printf(out, "%s/%s.tsv", b->ctx.data_dir, name);
}

/* Whether chunks run sandboxed is part of every key: a result a chunk
 * produced with the whole machine in reach is not reused as one made in
 * the sandbox. */
static void hash_sandbox(const build *b, lb_hash *h)
{
    lb_hash_str(h, b->sandbox.configured ? "sandbox=bwrap" : "sandbox=none");
}

/* The key: the engine's name and what its key hook adds, and the sandbox. */
static void key_chunk(build *b, chunk_job *j)
{
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "litbook " LITBOOK_VERSION);
    lb_hash_str(&h, j->eng->name);
    j->eng->key(&b->env, &j->e, &h);
    hash_sandbox(b, &h);
    lb_hash_hex(&h, j->key);
}

/* Once per build, each engine its jobs at once: probes, versions, and
 * whether they can run here. */
static void prepare_engines(build *b)
{
    size_t ne = lb_engine_count();
    lb_engine_job *mine = lb_xcalloc(b->njobs ? b->njobs : 1, sizeof *mine);
    for (size_t e = 0; e < ne; e++) {
        const lb_engine_def *eng = lb_engine_at(e);
        size_t n = 0;
        for (size_t i = 0; i < b->njobs; i++)
            if (b->jobs[i].eng == eng)
                mine[n++] = b->jobs[i].e;
        if (eng->prepare)
            eng->prepare(b->estate[e], &b->env, mine, n);
        n = 0;
        for (size_t i = 0; i < b->njobs; i++)
            if (b->jobs[i].eng == eng)
                b->jobs[i].e = mine[n++];
    }
    free(mine);
}

static size_t engine_index(const lb_engine_def *eng)
{
    size_t e = 0;
    while (lb_engine_at(e) != eng)
        e++;
    return e;
}

static int is_runnable(const lb_chunk *c)
{
    return c->opts.engine && c->opts.eval != LB_EVAL_NO;
}

/* Which data files a figure reads: its data="..." names (each must be
 * produced earlier in the book), or by default every one produced before
 * it. Adds the producers as dependencies. */
static int plan_figure(build *b, chunk_job *j, lb_job *job, lb_diag *d)
{
    const lb_opts *o = &j->c->opts;
    size_t cap = 8;
    job->deps = lb_xmalloc(cap * sizeof *job->deps);
    for (size_t i = 0; i < (size_t)(j - b->jobs); i++) {
        chunk_job *p = &b->jobs[i];
        if ((p->eng->flags & LB_ENG_FIGURE) || p->c->opts.data.n != 1)
            continue;
        const char *name = p->c->opts.data.v[0];
        int listed = !o->data_given;
        for (size_t k = 0; k < o->data.n && !listed; k++)
            listed = strcmp(o->data.v[k], name) == 0;
        if (!listed || producer(b, name, j) != p)
            continue; /* a later chunk producing the same name wins */
        if (job->ndeps == cap) {
            cap *= 2;
            job->deps = lb_xrealloc(job->deps, cap * sizeof *job->deps);
        }
        job->deps[job->ndeps++] = i;
        lb_buf path = LB_BUF_INIT;
        data_path(b, name, &path);
        lb_strv_push(&j->data_in, path.ptr);
        lb_buf_free(&path);
    }
    for (size_t k = 0; k < o->data.n; k++) {
        if (!producer(b, o->data.v[k], j)) {
            lb_diag_set(d, LB_ERROR, j->ch->path, j->c->line, 1,
                        "no chunk before this one produces data '%s' (add data=%s to the "
                        "chunk that prints it)",
                        o->data.v[k], o->data.v[k]);
            return -1;
        }
    }
    return 0;
}

static int plan(build *b, lb_job **jobs_out, lb_diag *d)
{
    size_t total = 0;
    for (size_t i = 0; i < b->n; i++)
        total += b->chapters[i].nchunks;
    b->jobs = lb_xcalloc(total ? total : 1, sizeof *b->jobs);
    for (size_t i = 0; i < b->n; i++) {
        lb_chapter *ch = &b->chapters[i];
        for (size_t k = 0; k < ch->nchunks; k++) {
            if (!is_runnable(&ch->chunks[k]))
                continue;
            chunk_job *j = &b->jobs[b->njobs++];
            j->b = b;
            j->ch = ch;
            j->c = &ch->chunks[k];
            j->eng = j->c->opts.engine;
            j->e.ch = ch;
            j->e.c = j->c;
            j->e.data_in = &j->data_in;
            j->e.state = b->estate[engine_index(j->eng)];
            j->wanted = b->named[i];
        }
    }
    lb_job *jobs = lb_xcalloc(b->njobs ? b->njobs : 1, sizeof *jobs);
    *jobs_out = jobs;
    lb_assemble_opts ao = {.line_directives = 1};
    for (size_t i = 0; i < b->njobs; i++) {
        chunk_job *j = &b->jobs[i];
        jobs[i].arg = j;
        j->job = &jobs[i];
        jobs[i].exclusive = j->c->opts.repeat > 0 || j->c->opts.exclusive;
        if (j->eng->flags & LB_ENG_FIGURE) {
            if (plan_figure(b, j, &jobs[i], d) < 0)
                return -1;
            for (size_t k = 0; j->wanted && k < jobs[i].ndeps; k++)
                b->jobs[jobs[i].deps[k]].needed = 1;
        }
        if (!(j->eng->flags & LB_ENG_ASSEMBLE)) {
            if (j->eng->plan && j->eng->plan(&j->e, d) < 0)
                return -1;
            continue;
        }
        lb_buf src = LB_BUF_INIT;
        int line_dirs = (j->eng->flags & LB_ENG_LINE_DIRECTIVES) != 0;
        ao.line_directives = line_dirs;
        ao.map = line_dirs ? NULL : &j->src_lines;
        if (lb_assemble(j->ch, j->c, &ao, &src, d) < 0) {
            lb_buf_free(&src);
            return -1;
        }
        j->src = lb_buf_detach(&src);
        /* The key's text marks where each chunk's lines start without
         * saying where the chunk sits: prose edits change no key. */
        lb_assemble_opts rel = {
            .line_directives = 1, .relative = 1, .used = lb_xcalloc(j->ch->nchunks, 1)};
        lb_assemble(j->ch, j->c, &rel, &src, d);
        j->key_src = lb_buf_detach(&src);
        lb_origins_describe(j->ch, j->c, line_dirs ? rel.used : NULL, j->src, &src);
        j->origins = lb_buf_detach(&src);
        free(rel.used);
        j->e.src = j->src;
        j->e.key_src = j->key_src;
        j->e.src_lines = j->src_lines.v;
        j->e.src_nlines = j->src_lines.n;
        if (j->eng->plan && j->eng->plan(&j->e, d) < 0)
            return -1;
    }
    return 0;
}

static void save_data(build *b, chunk_job *j)
{
    const lb_chunk *c = j->c;
    if (c->opts.data.n != 1 || c->res.status != LB_RES_OK || !c->res.out)
        return;
    lb_buf path = LB_BUF_INIT;
    data_path(b, c->opts.data.v[0], &path);
    lb_mkdirs(b->ctx.data_dir);
    lb_write_file_if_changed(path.ptr, c->res.out, c->res.out_len);
    lb_buf_free(&path);
}

/* A chart whose data could not be made is not drawn from stale data. */
static int data_failed(build *b, chunk_job *j)
{
    for (size_t k = 0; k < j->job->ndeps; k++) {
        const lb_chunk *p = b->jobs[j->job->deps[k]].c;
        if (p->res.status == LB_RES_OK)
            continue;
        lb_result_free(&j->c->res);
        lb_buf m = LB_BUF_INIT;
        /* Data that could not be made here (no NumPy, say) makes a chart
         * that is not drawn here either: shown as such, not a failure. */
        if (p->res.status == LB_RES_NOT_RUN) {
            j->c->res.status = LB_RES_NOT_RUN;
            lb_buf_printf(&m, "its data comes from %s, which was not run here", p->label);
            j->c->res.not_run_reason = lb_buf_detach(&m);
            return 1;
        }
        j->c->res.status = LB_RES_FAILED;
        lb_buf_printf(&m, "not drawn: %s, which makes its data, did not run successfully",
                      p->label);
        j->c->res.failure = lb_buf_detach(&m);
        if (j->wanted)
            lb_progress_failed(&b->progress, j->ch, j->c);
        return 1;
    }
    return 0;
}

/* A chunk that cannot run here: shown from its recording when one is
 * current, else "not run" with the reason. */
static void not_run(build *b, chunk_job *j)
{
    lb_buf path = LB_BUF_INIT;
    lb_record_path(b->o->book_dir, j->ch, j->c, &path);
    char hash[33];
    lb_record_source_hash(j->c, j->src, hash);
    lb_record_apply(path.ptr, hash, j->e.not_run, &j->c->res);
    lb_buf_free(&path);
    if (j->wanted || j->needed)
        lb_progress_done(&b->progress, j->c, 1);
}

/* --record: a chunk that ran here and did what its chapter says is saved
 * with its provenance (what its engine says ran it). */
static void record_result(build *b, chunk_job *j)
{
    const lb_result *r = &j->c->res;
    if (r->status != LB_RES_OK || !r->ran || r->recorded || r->cached)
        return;
    lb_record_meta m = {0};
    lb_buf s = LB_BUF_INIT;
    lb_buf_printf(&s, "%s#%s", j->ch->path, j->c->anchor);
    m.chunk = lb_buf_detach(&s);
    char hash[33];
    lb_record_source_hash(j->c, j->src, hash);
    m.source_hash = lb_xstrdup(hash);
    lb_record_here(&m);
    if (j->eng->record)
        j->eng->record(&j->e, &m);
    lb_buf path = LB_BUF_INIT;
    lb_record_path(b->o->book_dir, j->ch, j->c, &path);
    j->recorded = lb_record_save(path.ptr, &m, r) == 0 ? 1 : -1;
    lb_buf_free(&path);
    lb_record_meta_free(&m);
}

/* Every chapter's value references, checked before anything runs: each
 * must name a chunk of its chapter that runs. */
static int scan_values(build *b, lb_diag *d)
{
    b->refs = lb_xcalloc(b->n ? b->n : 1, sizeof *b->refs);
    b->bad_refs = lb_xcalloc(b->n ? b->n : 1, 1);
    for (size_t i = 0; i < b->n; i++)
        if (lb_values_scan(&b->chapters[i], &b->refs[i], d) < 0)
            return -1;
    return 0;
}

/* After the run: in the chapters being built, a reference to a key that
 * its chunk, which ran, did not publish is an error at the reference, and
 * its chapter fails. Returns how many there were. */
static int check_values(build *b)
{
    int bad = 0;
    for (size_t i = 0; i < b->n; i++) {
        for (size_t k = 0; b->named[i] && k < b->refs[i].n; k++) {
            lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
            if (!lb_value_ref_missing(&b->chapters[i], &b->refs[i].v[k], &d))
                continue;
            lb_diag_print(stderr, &d, lb_diag_stderr_color());
            b->bad_refs[i] = 1;
            bad++;
        }
    }
    return bad;
}

/* Only chunks of named chapters run; others take what the cache has, and
 * run only when they make data that a chart in a named chapter needs and
 * the cache does not hold it. */
static void run_chunk_job(void *arg)
{
    chunk_job *j = arg;
    build *b = j->b;
    lb_chunk *c = j->c;
    if (b->o->interrupted && *b->o->interrupted) {
        b->stop = 1;
        return;
    }
    unsigned fl = j->eng->flags;
    if ((fl & LB_ENG_FIGURE) && data_failed(b, j))
        return;
    key_chunk(b, j);
    int recordable = (fl & LB_ENG_RECORD) != 0;
    /* A recording says when and where it ran: never a cached result. */
    int force = (b->o->force || (b->o->record && recordable)) && j->wanted;
    if (j->e.not_run) {
        not_run(b, j);
    } else if (!force && lb_cache_load_memo(b->cache_dir, j->key, &c->res, b->deps)) {
        if (j->origins) {
            lb_relocate_result(j->ch, c, c->res.origins, &c->res);
            free(c->res.origins);
            c->res.origins = lb_xstrdup(j->origins);
        }
        if (j->wanted || j->needed)
            lb_progress_done(&b->progress, c, 1);
    } else if (j->wanted || j->needed) {
        lb_progress_start(&b->progress, c);
        lb_strv deps = {0};
        j->eng->run(&b->env, &j->e, &deps);
        int cut_short = b->o->interrupted && *b->o->interrupted;
        if (j->origins && !c->res.origins)
            c->res.origins = lb_xstrdup(j->origins);
        if ((c->res.status == LB_RES_OK || lb_fails_cacheable(c)) && !cut_short)
            lb_cache_store_memo(b->cache_dir, j->key, &c->res, &deps, b->deps);
        for (size_t k = 0; b->o->on_read && k < deps.n; k++)
            lb_dep_memo_note(b->deps, deps.v[k]);
        if (cut_short)
            b->stop = 1;
        lb_strv_free(&deps);
        lb_progress_done(&b->progress, c, 0);
        if (j->wanted)
            lb_progress_warnings(&b->progress, c);
    }
    if (!(fl & LB_ENG_FIGURE))
        lb_check_result(c, b->cache_dir);
    if (recordable && b->o->record && j->wanted)
        record_result(b, j);
    save_data(b, j);
    int interrupted = b->o->interrupted && *b->o->interrupted;
    if (c->res.status == LB_RES_FAILED && j->wanted && !interrupted &&
        !(b->o->update && c->res.mismatch)) {
        lb_progress_failed(&b->progress, j->ch, c);
        if (!b->o->keep_going && !b->o->update)
            b->stop = 1;
    }
}

/* After every chunk ran: each engine's checks across chunks (finish);
 * then, for engines that record, a note for each chunk not run, and each
 * recording. */
static void finish_engines(build *b)
{
    for (size_t i = 0; i < b->njobs; i++) {
        chunk_job *j = &b->jobs[i];
        if (!j->wanted)
            continue;
        if (j->eng->finish && j->eng->finish(&j->e, b->o->update))
            lb_progress_failed(&b->progress, j->ch, j->c);
        if (!(j->eng->flags & LB_ENG_RECORD))
            continue;
        lb_diag d = {LB_NOTE, NULL, 0, 0, ""};
        const lb_result *r = &j->c->res;
        lb_buf path = LB_BUF_INIT;
        lb_record_path(b->o->book_dir, j->ch, j->c, &path);
        if (r->status == LB_RES_NOT_RUN)
            lb_diag_set(&d, LB_NOTE, j->ch->path, j->c->line, 1, "chunk '%s' not run: %s",
                        j->c->anchor, r->not_run_reason);
        else if (r->recorded && b->o->verbose)
            lb_diag_set(&d, LB_NOTE, j->ch->path, j->c->line, 1, "chunk '%s' shown from %s (%s)",
                        j->c->anchor, path.ptr, r->recorded);
        else if (j->recorded)
            lb_diag_set(&d, j->recorded > 0 ? LB_NOTE : LB_WARNING, j->ch->path, j->c->line, 1,
                        "chunk '%s': %s %s", j->c->anchor,
                        j->recorded > 0 ? "recorded in" : "could not write", path.ptr);
        lb_buf_free(&path);
        if (d.msg[0] && (!b->o->quiet || d.severity != LB_NOTE))
            lb_diag_print(stderr, &d, lb_diag_stderr_color());
    }
}

static int chapter_failed(const build *b, const lb_chapter *ch)
{
    if (b->bad_refs && b->bad_refs[ch - b->chapters])
        return 1;
    for (size_t i = 0; i < ch->nchunks; i++)
        if (ch->chunks[i].res.status == LB_RES_FAILED)
            return 1;
    return 0;
}

static void write_asset(const build *b, const char *name, const char *text)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/assets/%s", b->o->out_dir, name);
    lb_write_file_if_changed(p.ptr, text, strlen(text));
    lb_buf_free(&p);
}

static int write_page(const build *b, const char *slug, const lb_buf *html, lb_diag *d)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/%s.html", b->o->out_dir, slug);
    int rc = lb_write_file_if_changed(p.ptr, lb_buf_str(html), html->len);
    if (rc < 0)
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot write %s: %s", p.ptr, strerror(errno));
    lb_buf_free(&p);
    return rc < 0 ? -1 : 0;
}

typedef struct {
    lb_highlighter *hl;
    const lb_chapter *ch;
    const char *sl; /* source-highlight's language */
} hl_job;

/* One chapter's listings in one language, highlighted in one run. */
static void run_hl_job(void *arg)
{
    hl_job *j = arg;
    const char **codes = lb_xcalloc(j->ch->nchunks ? j->ch->nchunks : 1, sizeof *codes);
    const char *lang = NULL;
    size_t n = 0;
    for (size_t i = 0; i < j->ch->nchunks; i++) {
        const lb_chunk *c = &j->ch->chunks[i];
        const char *sl = lb_hl_language(c->info.lang);
        if (sl && strcmp(sl, j->sl) == 0) {
            codes[n++] = c->code;
            lang = c->info.lang;
        }
    }
    if (n)
        lb_hl_warm(j->hl, lang, codes, n);
    free(codes);
}

/* Highlighting listings the cache does not hold costs a process start:
 * one job per chapter and language runs beside the compiles, and the
 * (serial) rendering then finds every listing in the cache. Appends the
 * jobs to *jobs (n of them already); returns the new count. *hj holds
 * their arguments. */
static size_t add_highlight_jobs(build *b, lb_job **jobs, size_t n, hl_job **hj)
{
    const char *const *langs = lb_hl_languages;
    size_t NLANGS = 0;
    while (langs[NLANGS])
        NLANGS++;
    *hj = lb_xcalloc(b->n * NLANGS + 1, sizeof **hj);
    *jobs = lb_xrealloc(*jobs, (n + b->n * NLANGS + 1) * sizeof **jobs);
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        for (size_t l = 0; b->named[i] && l < NLANGS; l++) {
            (*hj)[k] = (hl_job){&b->hl, &b->chapters[i], langs[l]};
            (*jobs)[n + k] = (lb_job){.run = run_hl_job, .arg = &(*hj)[k]};
            k++;
        }
    }
    return n + k;
}

/* Renders the pages of the named chapters (those that failed only with
 * -k: the last good page stays otherwise) and the front page. */
static void hash_stat(lb_hash *h, const lb_run_stat *st)
{
    char t[96];
    snprintf(t, sizeof t, "%a %a %ld", st->wall_s, st->cpu_s, st->maxrss_kb);
    lb_hash_str(h, t);
}

/* Everything of a result that a page shows. */
static void hash_result(lb_hash *h, const lb_result *r)
{
    char t[160];
    snprintf(t, sizeof t, "%d %d %d %d %d %zu %zu %d", (int)r->status, r->ran, r->verified,
             r->mismatch, r->exit_code, r->out_dropped, r->err_dropped, r->nruns);
    lb_hash_str(h, t);
    lb_hash_bytes(h, &r->out_len, sizeof r->out_len);
    if (r->out)
        lb_hash_bytes(h, r->out, r->out_len);
    lb_hash_bytes(h, &r->err_len, sizeof r->err_len);
    if (r->err)
        lb_hash_bytes(h, r->err, r->err_len);
    const char *const strs[] = {r->failure, r->detail,         r->compile_log, r->svg,
                                r->command, r->not_run_reason, r->recorded};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        lb_hash_str(h, strs[i]);
    hash_stat(h, &r->first);
    for (int i = 0; i < r->nruns; i++)
        hash_stat(h, &r->runs[i]);
    for (size_t i = 0; i < r->nvalues; i++) {
        lb_hash_str(h, r->values[i].key);
        lb_hash_str(h, r->values[i].text);
    }
    for (size_t i = 0; i < r->nclaims; i++) {
        char t2[32];
        snprintf(t2, sizeof t2, "%d %d", r->claims[i].held, r->claims[i].line);
        lb_hash_str(h, t2);
        lb_hash_str(h, r->claims[i].text);
    }
}

/* The inputs of one page: the chapter's text and results, and what every
 * page shows of the others (titles, order). A page whose inputs are those
 * that made the file on disk is left alone without being rendered. */
static void page_key(const build *b, const lb_book *book, const lb_chapter *ch, const char *what,
                     char out[33])
{
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "litbook " LITBOOK_VERSION " page");
    lb_hash_str(&h, what);
    lb_hash_str(&h, book->title);
    const lb_config *cf = book->config;
    const char *const conf[] = {cf->author,     cf->description, cf->lang,
                                cf->repository, cf->toc_title,   cf->output_file};
    for (size_t i = 0; i < sizeof conf / sizeof conf[0]; i++)
        lb_hash_str(&h, conf[i]);
    /* The single file holds the images themselves. */
    for (size_t i = 0; i < b->prose.image_files.n; i++) {
        struct stat st;
        if (stat(b->prose.image_files.v[i], &st) == 0) {
            lb_hash_bytes(&h, &st.st_size, sizeof st.st_size);
            lb_hash_bytes(&h, &st.st_mtim, sizeof st.st_mtim);
        }
    }
    /* A page shows the numbers and anchors of what it refers to, in
     * other chapters too. */
    for (size_t i = 0; i < b->prose.xrefs.n; i++) {
        const lb_xref_target *t = &b->prose.xrefs.v[i];
        lb_hash_str(&h, t->name);
        lb_hash_str(&h, t->label);
        lb_hash_str(&h, t->anchor);
        lb_hash_bytes(&h, &t->chapter, sizeof t->chapter);
    }
    lb_hash_str(&h, book->hl && book->hl->identity ? book->hl->identity : "plain");
    lb_hash_str(&h, b->o->keep_going ? "k" : "");
    for (size_t i = 0; i < book->n; i++) {
        lb_hash_str(&h, book->chapters[i].slug);
        lb_hash_str(&h, book->chapters[i].title);
    }
    if (ch) {
        lb_hash_bytes(&h, ch->src.ptr ? ch->src.ptr : "", ch->src.len);
        for (size_t i = 0; i < ch->nchunks; i++)
            hash_result(&h, &ch->chunks[i].res);
    }
    lb_hash_hex(&h, out);
}

static void page_key_path(const build *b, const char *name, lb_buf *p)
{
    lb_buf_printf(p, "%s/pages/%s", b->cache_dir, name);
}

/* A page's record: the key of the inputs that made out/FILE and the file
 * as it was then (size, mtime, inode), padded to a fixed size. It is
 * written in place, not through a temporary name: on ext4 a rename over an
 * existing file flushes the new file's data first (auto_da_alloc), about
 * 1 ms each here, two per page of an edited chapter. In place is safe
 * because the record names the very file it describes: a record torn by
 * a crash, or one on disk before its page's rename was, does not match
 * the page there, and the page is made again. */
enum { PAGE_RECORD = 128 };

static void page_record(const char *key, const struct stat *st, char rec[PAGE_RECORD])
{
    lb_buf b = LB_BUF_INIT;
    lb_buf_printf(&b, "%s ", key);
    lb_file_stamp(st, &b);
    /* It always fits, with a 32-digit key; an empty record never matches. */
    int n = b.len < PAGE_RECORD ? (int)b.len : 0;
    memcpy(rec, b.ptr, (size_t)n);
    lb_buf_free(&b);
    memset(rec + n, ' ', (size_t)(PAGE_RECORD - 1 - n));
    rec[PAGE_RECORD - 1] = '\n';
}

/* Whether out/FILE was made from inputs with this key, and is still what
 * was made then. */
static int page_current(const build *b, const char *name, const char *file, const char *key)
{
    lb_buf p = LB_BUF_INIT, k = LB_BUF_INIT;
    page_key_path(b, name, &p);
    int got = lb_read_file(p.ptr, &k) == 0 && k.len == PAGE_RECORD;
    lb_buf_reset(&p);
    lb_buf_printf(&p, "%s/%s", b->o->out_dir, file);
    struct stat st;
    char want[PAGE_RECORD];
    int same = got && stat(p.ptr, &st) == 0;
    if (same) {
        page_record(key, &st, want);
        same = memcmp(k.ptr, want, PAGE_RECORD) == 0;
    }
    lb_buf_free(&p);
    lb_buf_free(&k);
    return same;
}

static void page_remember(const build *b, const char *name, const char *file, const char *key)
{
    lb_buf p = LB_BUF_INIT, dir = LB_BUF_INIT, page = LB_BUF_INIT;
    lb_buf_printf(&page, "%s/%s", b->o->out_dir, file);
    lb_buf_printf(&dir, "%s/pages", b->cache_dir);
    page_key_path(b, name, &p);
    struct stat st;
    char rec[PAGE_RECORD];
    int fd = -1;
    if (stat(page.ptr, &st) == 0 && lb_mkdirs(dir.ptr) == 0 &&
        (fd = open(p.ptr, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0) {
        page_record(key, &st, rec);
        struct stat rs;
        /* No O_TRUNC: truncating to 0 flushes like a rename (auto_da_alloc).
         * A longer file than a record (none was ever) is cut to one. */
        if (pwrite(fd, rec, PAGE_RECORD, 0) != PAGE_RECORD ||
            (fstat(fd, &rs) == 0 && rs.st_size > PAGE_RECORD && ftruncate(fd, PAGE_RECORD) < 0))
            unlink(p.ptr); /* no record: the next build makes the page again */
    }
    if (fd >= 0)
        close(fd);
    lb_buf_free(&p);
    lb_buf_free(&dir);
    lb_buf_free(&page);
}

/* OUTPUT-FILE.pdf beside the single file, printed when it changed. */
static int print_pdf(build *b, const char *single, const char *key, lb_diag *d)
{
    lb_buf html = LB_BUF_INIT, pdf = LB_BUF_INIT, name = LB_BUF_INIT;
    lb_buf_printf(&html, "%s/%s", b->o->out_dir, single);
    lb_buf_printf(&pdf, "%.*s.pdf", (int)(html.len - 5), html.ptr);
    lb_buf_printf(&name, "%.*s.pdf", (int)(strlen(single) - 5), single);
    int rc = 0;
    if (!page_current(b, "pdf", name.ptr, key)) {
        rc = lb_pdf_write(html.ptr, pdf.ptr, d);
        if (rc == 0)
            page_remember(b, "pdf", name.ptr, key);
    }
    lb_buf_free(&html);
    lb_buf_free(&pdf);
    lb_buf_free(&name);
    return rc;
}

static int render_one(build *b, lb_book *book, size_t i, lb_buf *html, lb_diag *d)
{
    lb_buf_reset(html);
    if (i < book->n)
        lb_render_chapter(book, i, html);
    else
        lb_render_index(book, html);
    return write_page(b, i < book->n ? book->chapters[i].slug : "index", html, d);
}

/* Renders the pages of the named chapters whose inputs changed (a failed
 * one only with -k: the last good page stays otherwise), the front page,
 * and with publish the single-file book. */
/* Whether chapter i will have a page after this build: one is written now,
 * or one from an earlier build is there. A chapter that never built is
 * not linked from the others (a link to no page). */
static int has_page(const build *b, size_t i)
{
    const lb_chapter *ch = &b->chapters[i];
    if (b->named[i] && (b->o->keep_going || !chapter_failed(b, ch)))
        return 1;
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/%s.html", b->o->out_dir, ch->slug);
    int there = access(p.ptr, F_OK) == 0;
    lb_buf_free(&p);
    return there;
}

/* The pages of chapters no longer in the book are removed. */
static void prune_pages(const build *b)
{
    const char **keep = lb_xcalloc(b->n + 6, sizeof *keep);
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!b->chapters[i].is_index)
            keep[n++] = b->chapters[i].slug;
    keep[n++] = "index";
    /* The single file, by the name the configuration gives it. */
    const char *single =
        b->prose.config.output_file ? b->prose.config.output_file : "answer-book.html";
    char *stem = lb_xstrndup(single, strcspn(single, "."));
    keep[n++] = stem;
    /* Records of what is not a chapter's page (see page_remember). */
    keep[n++] = "single-file";
    keep[n++] = "search";
    keep[n++] = "pdf";
    lb_prune_pages(b->o->out_dir, b->cache_dir, keep, n, b->o->quiet);
    free(stem);
    free(keep);
}

static int render_pages(build *b, lb_diag *d)
{
    lb_book book = {0};
    size_t first = b->n > 0 && b->chapters[0].is_index ? 1 : 0;
    book.front = first ? &b->chapters[0] : NULL;
    /* The book the pages show: the chapters that have a page, as copies
     * (at[k]: where copy k came from), so that no page links to one that
     * is not there. */
    for (size_t i = 0; i < b->n; i++) /* before the page keys, which hold every title */
        lb_values_title(&b->chapters[i]);
    size_t *at = lb_xcalloc(b->n + 1, sizeof *at);
    book.chapters = lb_xcalloc(b->n + 1, sizeof *book.chapters);
    for (size_t i = first; i < b->n; i++)
        if (has_page(b, i)) {
            at[book.n] = i;
            book.chapters[book.n++] = b->chapters[i];
        }
    prune_pages(b);
    book.config = &b->prose.config;
    book.image_urls = &b->prose.image_urls;
    book.image_files = &b->prose.image_files;
    book.has_math = b->prose.has_math;
    book.title = book.config->title ? book.config->title : "litbook";
    book.hl = &b->hl;
    lb_buf a = LB_BUF_INIT;
    lb_buf_printf(&a, "%s/assets", b->o->out_dir);
    if (lb_mkdirs(a.ptr) < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot create %s: %s", a.ptr, strerror(errno));
        lb_buf_free(&a);
        return -1;
    }
    lb_buf_free(&a);
    if (lb_prose_copy_images(&b->prose, b->o->out_dir, d) < 0)
        return -1;
    lb_buf_printf(&a, "%s/assets", b->o->out_dir);
    if (b->prose.has_math && lb_katex_copy(a.ptr) < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0,
                    "cannot copy KaTeX's stylesheet and fonts from %s to %s: %s", LB_KATEX_DIST,
                    a.ptr, strerror(errno));
        lb_buf_free(&a);
        return -1;
    }
    lb_buf_free(&a);
    write_asset(b, "litbook.css", lb_asset_css);
    write_asset(b, "litbook.js", lb_asset_js);
    /* Which pages to make: keys[i] and stale[i] for chapter i of the book,
     * [book.n] for the front page; an empty key: not to be written. */
    char(*keys)[33] = lb_xcalloc(book.n + 1, sizeof *keys);
    char *stale = lb_xcalloc(book.n + 1, 1);
    lb_buf all = LB_BUF_INIT, file = LB_BUF_INIT;
    for (size_t i = 0; i <= book.n; i++) {
        lb_chapter *ch = i < book.n ? &book.chapters[i] : book.front;
        const lb_chapter *orig = i < book.n ? &b->chapters[at[i]] : book.front;
        const char *slug = i < book.n ? book.chapters[i].slug : "index";
        int wanted = i < book.n ? b->named[at[i]] : 1;
        if (!wanted || (orig && chapter_failed(b, orig) && !b->o->keep_going))
            continue;
        page_key(b, &book, ch, i < book.n ? "chapter" : "index", keys[i]);
        lb_buf_puts(&all, keys[i]);
        lb_buf_reset(&file);
        lb_buf_printf(&file, "%s.html", slug);
        stale[i] = b->o->force || !page_current(b, slug, file.ptr, keys[i]);
    }
    lb_buf html = LB_BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i <= book.n && rc == 0; i++) {
        if (!keys[i][0] || !stale[i])
            continue;
        rc = render_one(b, &book, i, &html, d);
        const char *slug = i < book.n ? book.chapters[i].slug : "index";
        lb_buf_reset(&file);
        lb_buf_printf(&file, "%s.html", slug);
        if (rc == 0)
            page_remember(b, slug, file.ptr, keys[i]);
    }
    /* The search index covers every page (search.h says when node runs). */
    if (rc == 0) {
        lb_search_req sq = {b->o->out_dir, b->cache_dir, (const char(*)[33])keys, b->o->publish};
        rc = lb_search_write(&book, &sq, d) < 0 ? -1 : 0;
    }
    /* The single file holds every chapter, so only a book with no failed
     * chapter is published (with -k, failures show as error boxes). */
    int failed = 0;
    for (size_t i = 0; i < b->n; i++)
        failed |= chapter_failed(b, &b->chapters[i]);
    if (rc == 0 && b->o->publish && (!failed || b->o->keep_going)) {
        lb_hash h;
        char key[33];
        lb_hash_init(&h);
        lb_hash_str(&h, all.ptr);
        lb_hash_hex(&h, key);
        if (!page_current(b, "single-file", book.config->output_file, key)) {
            rc = lb_publish(&book, b->o->out_dir, d);
            if (rc == 0)
                page_remember(b, "single-file", book.config->output_file, key);
        }
        if (rc == 0 && b->o->pdf)
            rc = print_pdf(b, book.config->output_file, key, d);
    }
    lb_buf_free(&html);
    lb_buf_free(&all);
    lb_buf_free(&file);
    free(keys);
    free(stale);
    lb_book_free(&book);
    /* rendering worked on the copies: they go back to the build */
    for (size_t k = 0; k < book.n; k++)
        b->chapters[at[k]] = book.chapters[k];
    free(book.chapters);
    free(at);
    return rc;
}

/* Absolute paths of everything under out/ (chunks run in folders of
 * their own, so every path handed to them must be absolute). No I/O but
 * getcwd: an input error found later must leave out/ untouched. */
static int set_paths(build *b, lb_diag *d)
{
    lb_buf p = LB_BUF_INIT;
    if (b->o->out_dir[0] != '/') {
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) {
            lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot read the current folder: %s",
                        strerror(errno));
            return -1;
        }
        lb_buf_printf(&p, "%s/", cwd);
    }
    lb_buf_puts(&p, b->o->out_dir);
    char *abs_out = lb_buf_detach(&p);
    lb_buf_printf(&p, "%s/.cache", abs_out);
    b->cache_dir = lb_buf_detach(&p);
    b->out_abs = abs_out;
    lb_buf_printf(&p, "%s/include", b->cache_dir);
    b->ctx.include_dir = lb_buf_detach(&p);
    lb_buf_printf(&p, "%s/tmp", b->cache_dir);
    b->ctx.tmp_root = lb_buf_detach(&p);
    lb_buf_printf(&p, "%s/data", b->cache_dir);
    b->ctx.data_dir = lb_buf_detach(&p);
    return 0;
}

static int prepare_out(build *b, lb_diag *d)
{
    if (lb_mkdirs(b->cache_dir) < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot create %s: %s", b->cache_dir, strerror(errno));
        return -1;
    }
    /* We hold the lock: whatever a killed build left is stale. */
    lb_remove_tree(b->ctx.tmp_root);
    lb_sweep_tmp_files(b->o->out_dir);
    lb_mkdirs(b->ctx.include_dir);
    lb_buf h = LB_BUF_INIT;
    lb_buf_printf(&h, "%s/litbook.h", b->ctx.include_dir);
    int rc = 0;
    if (lb_write_file_if_changed(h.ptr, lb_litbook_h, strlen(lb_litbook_h)) < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot write %s: %s", h.ptr, strerror(errno));
        rc = -1;
    }
    lb_buf_free(&h);
    return rc;
}

static int make_out_dir(const build *b, lb_diag *d)
{
    if (lb_mkdirs(b->cache_dir) == 0)
        return 0;
    lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot create the output folder %s: %s%s", b->cache_dir,
                strerror(errno),
                errno == ENOTDIR ? " (a file is in the way; choose another folder with -o)" : "");
    return -1;
}

/* One build at a time per output folder: the second waits, and says so. */
static int lock_out(const build *b, int *fd, lb_diag *d)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/.cache/lock", b->o->out_dir);
    *fd = open(p.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot open %s: %s", p.ptr, strerror(errno));
        lb_buf_free(&p);
        return -1;
    }
    lb_buf_free(&p);
    if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (!b->o->quiet)
        fprintf(stderr, "litbook: another build is using %s; waiting for it to finish\n",
                b->o->out_dir);
    while (flock(*fd, LOCK_EX) < 0) {
        if (errno != EINTR || (b->o->interrupted && *b->o->interrupted)) {
            lb_diag_set(d, LB_ERROR, NULL, 0, 0, "interrupted while waiting for the lock");
            return -1;
        }
    }
    return 0;
}

/* Each engine reads its environment ($CC); tools gets the commands their
 * chunks start, which the sandbox must show. */
static void setup_engines(build *b, lb_strv *tools)
{
    size_t ne = lb_engine_count();
    b->estate = lb_xcalloc(ne, sizeof *b->estate);
    for (size_t e = 0; e < ne; e++) {
        const lb_engine_def *eng = lb_engine_at(e);
        if (eng->setup)
            b->estate[e] = eng->setup(&b->ctx, tools);
    }
}

static void init_ctx(build *b)
{
    b->ctx.verbose = b->o->verbose;
    b->ctx.cancel = b->o->interrupted;
}

static void free_build(build *b)
{
    if (b->hl_ready)
        lb_hl_free(&b->hl);
    lb_dep_memo_free(b->deps);
    for (size_t i = 0; i < b->njobs; i++) {
        free(b->jobs[i].src);
        free(b->jobs[i].key_src);
        free(b->jobs[i].src_lines.v);
        free(b->jobs[i].origins);
        lb_strv_free(&b->jobs[i].data_in);
        free(b->jobs[i].e.not_run);
        free(b->jobs[i].e.about);
    }
    free(b->jobs);
    for (size_t i = 0; b->refs && i < b->n; i++)
        lb_value_refs_free(&b->refs[i]);
    free(b->refs);
    free(b->bad_refs);
    lb_prose_free(&b->prose);
    for (size_t i = 0; i < b->n; i++)
        lb_chapter_free(&b->chapters[i]);
    free(b->chapters);
    free(b->named);
    free(b->cache_dir);
    free(b->out_abs);
    lb_strv_free(&b->files);
    if (b->sandbox_ready)
        lb_sandbox_free(&b->sandbox);
    for (size_t e = 0; b->estate && e < lb_engine_count(); e++)
        if (lb_engine_at(e)->free_state)
            lb_engine_at(e)->free_state(b->estate[e]);
    free(b->estate);
    free(b->ctx.include_dir);
    free(b->ctx.tmp_root);
    free(b->ctx.data_dir);
}

static int count_jobs(const build *b, lb_progress_summary *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < b->n; i++)
        s->chapters += b->named[i] && !b->chapters[i].is_index;
    for (size_t i = 0; i < b->njobs; i++) {
        const chunk_job *j = &b->jobs[i];
        if (!j->wanted)
            continue;
        s->chunks++;
        if (j->c->res.status == LB_RES_FAILED)
            s->failed++;
        else if (j->c->res.cached)
            s->cached++;
        else if (j->c->res.status != LB_RES_NONE && j->c->res.status != LB_RES_NOT_RUN)
            s->ran++;
    }
    return s->failed;
}

typedef struct {
    const lb_build_opts *o;
    const char *out_abs; /* the output folder's real path, or NULL */
} read_report;

/* A header under out/ (litbook.h) is litbook's own copy: the build writes
 * it, so a watcher must not see it as an author's edit. */
static void report_one(void *ctx, const char *path)
{
    const read_report *r = ctx;
    char *abs = realpath(path, NULL);
    const char *p = abs ? abs : path;
    size_t n = r->out_abs ? strlen(r->out_abs) : 0;
    if (!(n && strncmp(p, r->out_abs, n) == 0 && (p[n] == '/' || !p[n])))
        r->o->on_read(r->o->on_read_ctx, path);
    free(abs);
}

/* Tells o->on_read what this build read: its chapters and headers. */
static void report_reads(build *b)
{
    if (!b->o->on_read)
        return;
    read_report r = {b->o, realpath(b->o->out_dir, NULL)};
    for (size_t i = 0; i < b->n; i++)
        report_one(&r, b->chapters[i].path);
    lb_dep_memo_each(b->deps, report_one, &r);
    free((char *)r.out_abs);
}

static int run_build(build *b, lb_diag *d, double t0)
{
    lb_job *jobs = NULL;
    lb_strv tools = {0};
    setup_engines(b, &tools);
    if (set_paths(b, d) < 0 || load_book(b, d) < 0 || plan(b, &jobs, d) < 0 ||
        scan_values(b, d) < 0 ||
        lb_prose_prepare(b->chapters, b->n, b->cache_dir, b->o->quiet, &b->prose, d) < 0) {
        for (size_t i = 0; jobs && i < b->njobs; i++)
            free(jobs[i].deps);
        free(jobs);
        lb_strv_free(&tools);
        return LB_EXIT_INPUT;
    }
    int lockfd = -1;
    if (make_out_dir(b, d) < 0 || lock_out(b, &lockfd, d) < 0 || prepare_out(b, d) < 0) {
        free(jobs);
        lb_strv_free(&tools);
        if (lockfd >= 0)
            close(lockfd);
        return LB_EXIT_INPUT;
    }
    init_ctx(b);
    b->sandbox_ready = 1;
    int sb = lb_sandbox_init(&b->sandbox, (lb_sandbox_mode)b->o->sandbox, b->out_abs,
                             b->o->book_dir, (const char *const *)tools.v);
    lb_strv_free(&tools);
    if (sb < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0,
                    "chunks cannot be sandboxed here: %s (and --sandbox=strict)", b->sandbox.why);
        free(jobs);
        close(lockfd);
        return LB_EXIT_INPUT;
    }
    b->ctx.sandbox = &b->sandbox;
    b->env = (lb_engine_env){&b->ctx, b->cache_dir, b->sandbox.configured ? &b->sandbox.cfg : NULL};
    prepare_engines(b);
    for (size_t i = 0; i < b->njobs; i++)
        jobs[i].run = run_chunk_job;
    int counted = 0; /* the steps this build reports: those it was asked for */
    for (size_t i = 0; i < b->njobs; i++)
        counted += b->jobs[i].wanted || b->jobs[i].needed;
    lb_progress_init(&b->progress, counted, b->o->quiet, b->o->verbose);
    b->deps = lb_dep_memo_new();
    lb_hl_init(&b->hl, b->cache_dir);
    b->hl_ready = 1;
    hl_job *hj = NULL;
    size_t njobs = add_highlight_jobs(b, &jobs, b->njobs, &hj);
    for (size_t i = 0; i < b->njobs; i++)
        b->jobs[i].job = &jobs[i]; /* the array may have moved */
    int jn = b->o->jobs > 0 ? b->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    lb_sched_run(jobs, njobs, jn, &b->stop);
    lb_spawn_end_worker();    /* this thread ran jobs too: its sandbox goes */
    lb_jail_thread_release(); /* and its cgroups */
    free(hj);
    lb_progress_finish_line(&b->progress);
    report_reads(b);
    for (size_t i = 0; i < b->njobs; i++)
        free(jobs[i].deps);
    free(jobs);
    int rc = LB_EXIT_OK, bad_refs = 0;
    if (b->o->interrupted && *b->o->interrupted) {
        fprintf(stderr, "litbook: interrupted; children stopped, pages left as they were\n");
        rc = LB_EXIT_INTERRUPTED;
    } else {
        finish_engines(b);
        bad_refs = check_values(b);
        if (b->o->update)
            lb_update_chapters(b->chapters, b->n, b->named, d);
        if (render_pages(b, d) < 0)
            rc = LB_EXIT_INPUT;
    }
    lb_remove_tree(b->ctx.tmp_root);
    lb_progress_summary s;
    if ((count_jobs(b, &s) || bad_refs) && rc == LB_EXIT_OK)
        rc = LB_EXIT_FAILED;
    if (b->sandbox.mode == LB_SANDBOX_STRICT && b->sandbox.state < 0 && rc != LB_EXIT_INTERRUPTED) {
        fprintf(stderr,
                "litbook: error: chunks cannot be sandboxed here: %s (and --sandbox=strict)\n",
                b->sandbox.why);
        rc = LB_EXIT_INPUT;
    }
    s.seconds = now_s() - t0;
    s.bad_refs = bad_refs;
    if (rc != LB_EXIT_INTERRUPTED)
        lb_progress_summarize(&b->progress, &s);
    close(lockfd);
    return rc;
}

int lb_build(const lb_build_opts *o)
{
    double t0 = now_s();
    build b;
    memset(&b, 0, sizeof b);
    b.o = o;
    lb_diag d = {LB_ERROR, NULL, 0, 0, ""};
    int rc = run_build(&b, &d, t0);
    if (d.msg[0])
        lb_diag_print(stderr, &d, lb_diag_stderr_color());
    free_build(&b);
    return rc;
}

int lb_clean(const char *out_dir)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/.cache", out_dir);
    struct stat st;
    int ours = stat(p.ptr, &st) == 0 && S_ISDIR(st.st_mode);
    lb_buf_free(&p);
    if (stat(out_dir, &st) < 0)
        return LB_EXIT_OK;
    if (!ours) {
        fprintf(stderr,
                "litbook: error: %s does not look like litbook's output (no .cache "
                "inside); not removing it\n",
                out_dir);
        return LB_EXIT_INPUT;
    }
    /* A build in progress holds the lock: clean waits for it, rather than
     * pull its folders (and the lock itself) from under it. */
    lb_buf lp = LB_BUF_INIT;
    lb_buf_printf(&lp, "%s/.cache/lock", out_dir);
    int fd = open(lp.ptr, O_RDWR | O_CLOEXEC);
    lb_buf_free(&lp);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
        fprintf(stderr, "litbook: a build is using %s; waiting for it to finish\n", out_dir);
        while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
            ;
    }
    int rc = LB_EXIT_OK;
    if (lb_remove_tree(out_dir) < 0) {
        fprintf(stderr, "litbook: error: cannot remove %s: %s\n", out_dir, strerror(errno));
        rc = LB_EXIT_INPUT;
    }
    if (fd >= 0)
        close(fd);
    return rc;
}
