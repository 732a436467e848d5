/* engine: running one chunk of each language into an lb_result.
 *
 * The engines know how to compile and run; they know nothing of pages,
 * caches or scheduling. Each call works in a fresh directory of its own
 * under ctx->tmp_root and removes it afterwards, so engines may run in
 * parallel threads. */
#ifndef LB_ENGINE_H
#define LB_ENGINE_H

#include "buf.h"
#include "chapter.h"
#include "split.h"

typedef struct {
    lb_strv cc;         /* $CC split into words ("cc" by default) */
    lb_strv env_cflags; /* $CFLAGS split */
    char *include_dir;  /* holds litbook.h */
    char *tmp_root;     /* scratch space for chunk directories */
    char *data_dir;     /* NAME.tsv files saved by data= chunks */
    char *python;       /* $PYTHON or "python3" */
    /* Its sys.executable (borrowed from the probe), what a sandboxed
     * chunk runs: $PYTHON may be a wrapper or a pyenv shim that needs
     * files in $HOME, which the sandbox hides. NULL: run python. */
    const char *python_exe;
    int verbose;
    volatile int *cancel;         /* nonzero: stop children at once (SIGINT) */
    struct lb_sandbox_s *sandbox; /* every chunk process runs in it; NULL: none */
} lb_ctx;

/* The compiler command line for c (everything but the -o, source and
 * library arguments), for the page's caption and the cache key. Appends
 * words to argv. The chapter's own folder is on the include path, so a
 * chapter can #include "a header beside it.h". */
void lb_c_compile_argv(const lb_ctx *ctx, const lb_chapter *ch, const lb_chunk *c, lb_strv *argv);

/* Compiles and runs a C chunk whose assembled program is src, filling
 * c->res. Headers the compiler read are appended to deps (one path per
 * word) when deps is not NULL. */
void lb_engine_c(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const char *src, lb_strv *deps);

/* Runs a gnuplot chunk: script in a folder holding the data files named by
 * data (full paths), producing an SVG in c->res.svg. */
void lb_engine_gnuplot(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const lb_strv *data);

/* What the Python interpreter ($PYTHON) offers, probed once per build for
 * every module the book's python chunks require. */
typedef struct {
    char *id;         /* lb_tool_identity of ctx->python; NULL: not installed */
    char *broken;     /* why an installed interpreter does not run, or NULL */
    char *version;    /* "3.11.2" */
    char *executable; /* sys.executable */
    char *device;     /* what JAX computes on, when a chunk requires jax:
                         "cpu, jaxlib 0.10.2", "gpu (NVIDIA H200, cuda 12080), jaxlib ..." */
    lb_strv names;    /* the probed modules */
    lb_strv versions; /* per name: its version, or "" when it does not import */
    lb_strv errors;   /* per name: "" or "ModuleNotFoundError: No module named 'jax'" */
} lb_python_info;

/* Probes ctx->python for modules (names, duplicates allowed). The answer
 * is remembered in cache_dir (python-KEY) with the size and mtime of the
 * interpreter and of every folder on its sys.path (installing or upgrading
 * a package changes its folder), so a build where nothing changed spawns
 * no process. Free *pi with lb_python_info_free. */
void lb_python_probe(const lb_ctx *ctx, const char *cache_dir, const lb_strv *modules,
                     lb_python_info *pi);
void lb_python_info_free(lb_python_info *pi);

/* Why python chunk c cannot run here ("jax is not installed here",
 * "python3 is not installed here"), or NULL when it can. Caller frees. */
char *lb_python_not_run_reason(const lb_ctx *ctx, const lb_python_info *pi, const lb_chunk *c);

/* "Python 3.11.2, numpy 1.24.2": the interpreter's version and those of
 * c's required modules, then "; on DEVICE" for a chunk that requires jax,
 * for cache keys and captions (a chunk reruns on another device). Appends
 * to out. */
void lb_python_versions(const lb_python_info *pi, const lb_chunk *c, lb_buf *out);
/* Whether c requires jax (or one of its modules). */
int lb_python_uses_jax(const lb_chunk *c);

/* Runs python chunk c (src: its assembled code) with ctx->python in a
 * fresh folder, filling c->res like lb_engine_c. versions (from
 * lb_python_versions) goes into the caption. */
void lb_engine_python(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const char *src,
                      const char *versions);

/* twin=NAME: checks, before anything runs, that NAME is a c chunk of ch
 * that runs. Returns 0, or -1 with *d set (an input error). */
int lb_python_twin_plan(lb_chapter *ch, const lb_chunk *c, lb_diag *d);

/* After python chunk py and its twin ran (or came from the cache or a
 * recording): when both succeeded and py's stdout is not, line for line,
 * a contiguous run of the twin's stdout (the C version may print lines
 * of its own around it), marks py failed with a diff and returns 1;
 * else 0. */
int lb_python_twin_compare(lb_chapter *ch, lb_chunk *py);

/* Makes a fresh private directory under ctx->tmp_root; returns its path
 * (caller frees) or NULL with errno set. */
char *lb_make_workdir(const lb_ctx *ctx);
/* The same for chunk c's run, made the sandbox's (which is tried first,
 * see lb_sandbox_get): on failure c->res is marked failed with the
 * reason, and NULL returned. */
char *lb_chunk_workdir(const lb_ctx *ctx, lb_chunk *c);

/* What a chunk of ch may read besides the host's system folders: its
 * chapter's folder and litbook.h's. Appends to ro. */
void lb_chunk_ro(const lb_ctx *ctx, const lb_chapter *ch, lb_strv *ro);

/* Compares a chunk that ran with its expected block (if any) and its
 * expected exit status, checks its claims, and marks c->res failed or
 * verified. Kept out of the engines so a cached or recorded result is
 * judged against the current block, and its claims again. */
void lb_check_result(lb_chunk *c);

#endif
