#include "progenv.h"

#include <stdlib.h>

const char *const lb_program_env[] = {"LB_BENCH_MIN_MS", "LB_BENCH_SAMPLES", NULL};

void lb_program_env_describe(lb_buf *out)
{
    for (size_t i = 0; lb_program_env[i]; i++) {
        const char *v = getenv(lb_program_env[i]);
        if (v)
            lb_buf_printf(out, "%s=%s\n", lb_program_env[i], v);
        else
            lb_buf_printf(out, "%s\n", lb_program_env[i]);
    }
}
