/* highlight: syntax highlighting of code listings at build time.
 *
 * We run GNU source-highlight (Debian's `source-highlight`) rather than
 * write a lexer: it is maintained, packaged everywhere litbook runs, knows
 * C, Python and shell, and with `--out-format html-css` emits nothing but
 * <span class="keyword"> style markup that our stylesheet colours for both
 * themes, so no JavaScript highlighter ships with the pages (they work
 * offline and show colour without scripts). Pygments would need a Python
 * start-up per listing (~100 ms), and André Simon's `highlight` emits
 * inline styles or its own theme CSS.
 *
 * Every result is cached in DIR/hl/KEY, KEY the XXH3-128 hash of the
 * language, the code and source-highlight's identity (path and version),
 * so a rebuild where nothing changed spawns nothing. When source-highlight
 * is missing, or fails, or does not know the language (gnuplot), the code is
 * shown plain, HTML-escaped. */
#ifndef LB_HIGHLIGHT_H
#define LB_HIGHLIGHT_H

#include "buf.h"

typedef struct {
    char *dir;           /* the cache folder of highlighted listings (owned) */
    char *identity;      /* source-highlight's identity, NULL when not installed (owned) */
    _Atomic int spawned; /* times source-highlight ran (a no-op rebuild keeps 0); lb_hl_code may run
                            on several threads at once */
} lb_highlighter;

/* cache_dir is litbook's cache (out/.cache). Looks source-highlight up
 * (without spawning it when its identity is already cached). Free with
 * lb_hl_free. */
void lb_hl_init(lb_highlighter *h, const char *cache_dir);
void lb_hl_free(lb_highlighter *h);
/* source-highlight's name for our fence language, or NULL when it is not
 * highlighted. */
const char *lb_hl_language(const char *lang);
/* Every language lb_hl_language answers, once each, NULL-terminated. */
extern const char *const lb_hl_languages[];
/* Appends code as HTML: highlighted <span>s when it can, escaped text
 * otherwise. h may be NULL (plain). Never fails. */
void lb_hl_code(lb_highlighter *h, const char *lang, const char *code, lb_buf *out);
/* Fills the cache for the listings in codes (all in lang) that it lacks,
 * with one run of source-highlight for all of them: they are joined with a
 * marker line between them, and the output split there and checked piece
 * by piece against the listings (a marker caught in an unclosed comment or
 * string fails the check, and then each listing gets a run of its own).
 * Safe to call from several threads at once for different listings. */
void lb_hl_warm(lb_highlighter *h, const char *lang, const char *const *codes, size_t n);
/* Turns source-highlight's html-css output into the spans alone (drops its
 * comment header and <pre><tt> wrapper, and unwraps class="normal" spans).
 * Returns 0, or -1 when the text does not look like its output. */
int lb_hl_extract(const char *html, lb_buf *out);

#endif
