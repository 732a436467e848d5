/* Fuzz target: the results file a chunk's program writes (published.h).
 * Whatever parses must format back to records that parse to the same
 * values and claims. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz.h"
#include "published.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lb_result r, again;
    memset(&r, 0, sizeof r);
    memset(&again, 0, sizeof again);
    char err[512];
    err[0] = '\0';
    int rc = lb_pub_parse((const char *)data, size, &r, err, sizeof err);
    if (rc < 0 && (strlen(err) >= sizeof err || strncmp(err, "line ", 5) != 0))
        abort();
    lb_buf text = LB_BUF_INIT;
    for (size_t i = 0; i < r.nvalues; i++) {
        lb_buf_puts(&text, "value ");
        lb_pub_format_value(&r.values[i], &text);
        lb_buf_putc(&text, '\n');
    }
    for (size_t i = 0; i < r.nclaims; i++) {
        lb_buf_puts(&text, "claim ");
        lb_pub_format_claim(&r.claims[i], &text);
        lb_buf_putc(&text, '\n');
    }
    if (lb_pub_parse(lb_buf_str(&text), text.len, &again, err, sizeof err) < 0 ||
        again.nvalues != r.nvalues || again.nclaims != r.nclaims)
        abort();
    for (size_t i = 0; i < r.nvalues; i++)
        if (strcmp(r.values[i].key, again.values[i].key) != 0 ||
            strcmp(r.values[i].text, again.values[i].text) != 0)
            abort();
    for (size_t i = 0; i < r.nclaims; i++)
        if (r.claims[i].held != again.claims[i].held || r.claims[i].line != again.claims[i].line ||
            strcmp(r.claims[i].text, again.claims[i].text) != 0)
            abort();
    lb_buf_free(&text);
    lb_result_free(&r);
    lb_result_free(&again);
    return 0;
}
