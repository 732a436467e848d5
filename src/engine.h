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
    int verbose;
    volatile int *cancel; /* nonzero: stop children at once (SIGINT) */
} lb_ctx;

/* The compiler command line for c (everything but the -o, source and
 * library arguments), for the page's caption and the cache key. Appends
 * words to argv. The chapter's own folder is on the include path, so a
 * chapter can #include "a header beside it.h". */
void lb_c_compile_argv(const lb_ctx *ctx, const lb_chapter *ch, const lb_chunk *c,
                       lb_strv *argv);

/* Compiles and runs a C chunk whose assembled program is src, filling
 * c->res. Headers the compiler read are appended to deps (one path per
 * word) when deps is not NULL. */
void lb_engine_c(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const char *src, lb_strv *deps);

/* Runs a gnuplot chunk: script in a folder holding the data files named by
 * data (full paths), producing an SVG in c->res.svg. */
void lb_engine_gnuplot(const lb_ctx *ctx, lb_chapter *ch, lb_chunk *c, const lb_strv *data);

/* Makes a fresh private directory under ctx->tmp_root; returns its path
 * (caller frees) or NULL with errno set. */
char *lb_make_workdir(const lb_ctx *ctx);

/* Compares a chunk that ran with its expected block (if any) and its
 * expected exit status, and marks c->res failed or verified. Kept out of
 * the engines so a cached result is checked against the current block. */
void lb_check_result(lb_chunk *c);

#endif
