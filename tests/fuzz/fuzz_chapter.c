/* Fuzz target: a chapter from Markdown to its HTML page, nothing run.
 * Chunks that have an expected block get it as a made-up result (with
 * some output "cut"), so the output and error-box paths render too. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "chapter.h"
#include "diag.h"
#include "fuzz.h"
#include "published.h"
#include "render.h"
#include "values.h"

static void fake_results(lb_chapter *ch)
{
    for (size_t i = 0; i < ch->nchunks; i++) {
        lb_chunk *c = &ch->chunks[i];
        if (!c->expected || c->opts.engine == NULL)
            continue;
        lb_result *r = &c->res;
        r->ran = 1;
        r->status = i % 2 ? LB_RES_OK : LB_RES_FAILED;
        r->verified = r->status == LB_RES_OK;
        r->out = lb_xstrdup(c->expected);
        r->out_len = strlen(r->out);
        r->out_dropped = i * 1000;
        r->err = lb_xstrdup(c->code);
        r->err_len = strlen(r->err);
        /* The expected block read as a results file: values and claims
         * for the prose's references and the claims list. */
        char err[256];
        lb_pub_parse(c->expected, strlen(c->expected), r, err, sizeof err);
        if (r->status == LB_RES_FAILED) {
            r->failure = lb_xstrdup(c->code);
            r->detail = lb_xstrdup(c->expected);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lb_chapter ch;
    lb_diag d;
    memset(&d, 0, sizeof d);
    if (lb_chapter_load_mem("chapters/01-fuzz.md", (const char *)data, size, &ch, &d) == 0) {
        fake_results(&ch);
        lb_value_refs refs;
        lb_diag vd;
        lb_values_scan(&ch, &refs, &vd);
        for (size_t i = 0; i < refs.n; i++)
            lb_value_ref_missing(&ch, &refs.v[i], &vd);
        lb_value_refs_free(&refs);
        lb_book book;
        memset(&book, 0, sizeof book);
        book.chapters = &ch;
        book.n = 1;
        book.title = "Fuzz";
        lb_buf page = LB_BUF_INIT;
        lb_render_chapter(&book, 0, &page);
        lb_buf_free(&page);
        lb_book_free(&book);
    }
    lb_chapter_free(&ch);
    return 0;
}
