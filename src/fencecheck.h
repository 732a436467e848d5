/* fencecheck: fences that look meant to run but never will.
 *
 * A fence whose language has no engine is only displayed (issue 19), so
 * ```C {#x}, ```c++ or ```py {timeout=5} silently never runs; and an
 * output block that nothing is compared with (a second one, or one after
 * a chunk that does not run) silently checks nothing. These are warnings,
 * not errors: a display fence may be meant for another tool. Plain display
 * fences (```text, ```js title="x") are left alone. */
#ifndef LB_FENCECHECK_H
#define LB_FENCECHECK_H

#include <stddef.h>

#include "chapter.h"
#include "diag.h"

/* The engine a fence language probably meant ("c" for "C", "cpp" for
 * "c++", "python" for "py"), or NULL when it looks like no engine's.
 * with_attrs: the fence has a {...} group, which makes a near miss by
 * spelling ("pyhton") worth naming too. */
const char *lb_fencecheck_meant(const char *lang, int with_attrs);

/* Fills up to max warnings about ch's fences into warn (severity
 * LB_WARNING, file borrowed from ch) in the order of the chapter; returns
 * how many it found, which may exceed max (the rest are dropped). */
size_t lb_fencecheck(const lb_chapter *ch, lb_diag *warn, size_t max);

#endif
