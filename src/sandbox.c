#include "sandbox.h"

#include <signal.h>
#include <stdio.h>

void lb_sandbox_apply(const lb_opts *o, lb_spawn_req *req)
{
    req->timeout_s = o->timeout;
    req->rlimit_cpu_s = o->cpu;
    req->rlimit_as_bytes = (o->sanitize & LB_SAN_ADDRESS) ? 0 : (unsigned long)o->memory;
    req->rlimit_fsize_bytes = (unsigned long)o->filesize;
    req->max_procs = o->procs;
    req->max_output = (size_t)o->maxout;
    req->contain = 1;
}

void lb_sandbox_key(const lb_opts *o, char *buf, size_t n)
{
    snprintf(buf, n, "cpu=%lu memory=%llu filesize=%llu procs=%lu maxout=%llu", o->cpu, o->memory,
             o->filesize, o->procs, o->maxout);
}

static void human_size(unsigned long long v, lb_buf *out)
{
    static const char units[] = "KMGT";
    int u = -1;
    while (v >= 1024 && v % 1024 == 0 && u < 3) {
        v /= 1024;
        u++;
    }
    lb_buf_printf(out, "%llu%s", v, u >= 0 ? (char[]){units[u], 0} : " bytes");
}

void lb_sandbox_explain(const lb_opts *o, const lb_spawn_result *r, lb_buf *out)
{
    if (r->signaled && (r->signo == SIGXCPU || (r->signo == SIGKILL && o->cpu &&
                                                r->user_s + r->sys_s >= (double)o->cpu))) {
        lb_buf_printf(out, "it reached its CPU time limit of %lu s (raise it with cpu=)", o->cpu);
    } else if (r->signaled && r->signo == SIGXFSZ) {
        lb_buf_puts(out, "it wrote a file larger than its limit of ");
        human_size(o->filesize, out);
        lb_buf_puts(out, " (raise it with filesize=)");
    }
}
