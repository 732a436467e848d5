#include "result.h"

#include <stdlib.h>
#include <string.h>

void lb_result_free(lb_result *r)
{
    free(r->failure);
    free(r->expected_failure);
    free(r->detail);
    free(r->compile_log);
    free(r->out);
    free(r->err);
    free(r->runs);
    free(r->svg);
    free(r->command);
    free(r->not_run_reason);
    free(r->recorded);
    free(r->origins);
    for (size_t i = 0; i < r->nvalues; i++) {
        free(r->values[i].key);
        free(r->values[i].text);
    }
    free(r->values);
    for (size_t i = 0; i < r->nclaims; i++)
        free(r->claims[i].text);
    free(r->claims);
    memset(r, 0, sizeof *r);
}
