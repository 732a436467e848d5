/* Fuzz target: the expected-output matcher. The input is "expected", a
 * NUL byte, then "actual" (no NUL: the first half against the second). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *nul = memchr(text, '\0', size);
    size_t elen = nul ? (size_t)(nul - text) : size / 2;
    const char *actual = nul ? nul + 1 : text + elen;
    size_t alen = size - (size_t)(actual - text);
    bool same = lb_match(text, elen, actual, alen);
    lb_buf diff = LB_BUF_INIT, upd = LB_BUF_INIT;
    lb_match_diff(text, elen, actual, alen, "expected", "actual", &diff);
    /* The diff is empty exactly when they match. */
    if (same != (diff.len == 0))
        abort();
    lb_match_update(text, elen, actual, alen, &upd);
    /* An update's text must then match what produced it. */
    if (!lb_match(upd.ptr ? upd.ptr : "", upd.len, actual, alen))
        abort();
    lb_buf_free(&diff);
    lb_buf_free(&upd);
    return 0;
}
