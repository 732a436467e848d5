/* sandbox: a chunk's limit options turned into a spawn request.
 *
 * Shared by the engines that run an author's program (c, python), so that
 * every chunk is bounded the same way: wall time (timeout), CPU time,
 * address space, file size, number of tasks and output kept, and contained
 * (jail.h) so nothing it starts outlives it. */
#ifndef LB_SANDBOX_H
#define LB_SANDBOX_H

#include <stddef.h>

#include "opts.h"
#include "spawn.h"

/* Sets req's timeout, rlimits, max_procs, max_output and contain from o.
 * Leaves argv, envp, cwd and stdin alone. The address-space limit is left
 * out under sanitize=address: ASan reserves terabytes of shadow memory. */
void lb_sandbox_apply(const lb_opts *o, lb_spawn_req *req);

/* The limits as one short text for the cache key ("cpu=300 memory=..."):
 * a result obtained under other limits must not be reused. Writes at most
 * n bytes (NUL included) to buf. */
void lb_sandbox_key(const lb_opts *o, char *buf, size_t n);

/* Appends a sentence for the page/log when a run hit a limit ("it reached
 * its CPU time limit of 300 s (cpu=)"), judged from how it ended; appends
 * nothing when no limit explains the end. */
void lb_sandbox_explain(const lb_opts *o, const lb_spawn_result *r, lb_buf *out);

#endif
