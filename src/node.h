/* node: running a script with Debian's Node.js, which finds Debian's
 * modules (katex, lunr) only on NODE_PATH=/usr/share/nodejs (this
 * machine's node may not be Debian's). */
#ifndef LB_NODE_H
#define LB_NODE_H

#include <stddef.h>

#include "spawn.h"

/* Runs `node -e script` with in (len bytes) on its stdin and the inherited
 * environment, /usr/share/nodejs appended to NODE_PATH. Returns
 * lb_spawn_run's value; *r is filled either way (free it with
 * lb_spawn_result_free). */
int lb_node_run(const char *script, const char *in, size_t len, lb_spawn_result *r);

#endif
