/* `litbook tangle`: the same assembly the build compiles, written out. */
#include "engines.h"
#include "tangle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble.h"
#include "buf.h"
#include "chapter.h"
#include "diag.h"
#include "fsutil.h"
#include "suggest.h"

/* The chunk names of ch, for the "did you mean" and the list of choices. */
static void chunk_names(const lb_chapter *ch, lb_strv *names)
{
    for (size_t i = 0; i < ch->nchunks; i++)
        if (ch->chunks[i].info.name)
            lb_strv_push(names, ch->chunks[i].info.name);
}

static int missing_chunk(const lb_chapter *ch, const char *name)
{
    lb_strv names = {0};
    chunk_names(ch, &names);
    const char *close = names.n ? lb_suggest(name, (const char *const *)names.v) : NULL;
    fprintf(stderr, "litbook: error: %s has no chunk named '%s'", ch->path, name);
    if (close)
        fprintf(stderr, "; did you mean '%s'?\n", close);
    else if (names.n) {
        fputs("; its named chunks:", stderr);
        for (size_t i = 0; i < names.n; i++)
            fprintf(stderr, " %s", names.v[i]);
        fputc('\n', stderr);
    } else
        fputs(" (it has no named chunk: give one a name with {#name})\n", stderr);
    lb_strv_free(&names);
    return 2;
}

static int write_out(const char *out_path, const lb_buf *prog)
{
    const char *text = prog->ptr ? prog->ptr : "";
    if (!out_path || strcmp(out_path, "-") == 0) {
        fwrite(text, 1, prog->len, stdout);
        return fflush(stdout) == 0 ? 0 : 2;
    }
    if (lb_write_file_atomic(out_path, text, prog->len) < 0) {
        fprintf(stderr, "litbook: error: cannot write %s: %s\n", out_path, strerror(errno));
        return 2;
    }
    return 0;
}

int lb_tangle(const char *target, const char *out_path, int line_directives)
{
    const char *hash = strrchr(target, '#');
    if (!hash || hash == target || !hash[1]) {
        fprintf(stderr, "litbook: error: tangle wants CHAPTER.md#NAME, got '%s'\n", target);
        return 2;
    }
    char *path = lb_xstrndup(target, (size_t)(hash - target));
    lb_chapter ch;
    lb_diag d = {0};
    int rc = 2;
    if (lb_chapter_load(path, &ch, &d) != 0) {
        /* ch is ours even when loading failed, and d names its path */
        lb_diag_print(stderr, &d, lb_diag_stderr_color());
        lb_chapter_free(&ch);
        free(path);
        return 2;
    }
    lb_chunk *c = lb_chapter_find(&ch, hash + 1);
    if (!c) {
        rc = missing_chunk(&ch, hash + 1);
    } else {
        /* #line is C's (and C++'s) syntax; other languages get none. */
        lb_assemble_opts o = {.line_directives = line_directives && c->opts.engine &&
                                                 (c->opts.engine->flags & LB_ENG_LINE_DIRECTIVES)};
        lb_buf prog = LB_BUF_INIT;
        if (lb_assemble(&ch, c, &o, &prog, &d) != 0) {
            lb_diag_print(stderr, &d, lb_diag_stderr_color());
        } else {
            rc = write_out(out_path, &prog);
        }
        lb_buf_free(&prog);
    }
    lb_chapter_free(&ch);
    free(path);
    return rc;
}
