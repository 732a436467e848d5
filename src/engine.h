/* engine: what the engines share to run one chunk into an lb_result
 * (engines.h is their interface).
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
    char *include_dir; /* holds litbook.h */
    char *tmp_root;    /* scratch space for chunk directories */
    char *data_dir;    /* NAME.tsv files saved by data= chunks */
    int verbose;
    volatile int *cancel;         /* nonzero: stop children at once (SIGINT) */
    struct lb_sandbox_s *sandbox; /* every chunk process runs in it; NULL: none */
} lb_ctx;

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

/* The chapter line of line `line` (1-based) of a program written as the
 * python and sh engines write theirs: code_line - 1 lines before the
 * assembled source, so that without <<references>> its line numbers are
 * the chapter's. map (n entries, the assembler's lb_linemap) says where
 * each line of the source came from; `line` itself where it says nothing
 * (the padding, no map). */
int lb_program_line(const int *map, size_t n, int code_line, int line);

/* Compares a chunk that ran with its expected block (if any) and its
 * expected exit status, checks its claims, and marks c->res failed or
 * verified. Kept out of the engines so a cached or recorded result is
 * judged against the current block, and its claims again. cache_dir:
 * where matches are remembered (matchmemo.h), or NULL. */
void lb_check_result(lb_chunk *c, const char *cache_dir);

#endif
