#include "result.h"

#include <stdlib.h>
#include <string.h>

void lb_result_free(lb_result *r)
{
    free(r->failure);
    free(r->detail);
    free(r->compile_log);
    free(r->out);
    free(r->err);
    free(r->runs);
    free(r->svg);
    free(r->command);
    free(r->not_run_reason);
    free(r->recorded);
    memset(r, 0, sizeof *r);
}
