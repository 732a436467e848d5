/* node: one way to start Node.js for the math and the search index. */
#include "node.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

extern char **environ;

/* The environment with NODE_PATH extended; owned by the caller, freed with
 * free_env. The author's own NODE_PATH stays first. */
static char **node_env(void)
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = lb_xcalloc(n + 2, sizeof *env);
    const char *old = getenv("NODE_PATH");
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "NODE_PATH=", 10) != 0)
            env[k++] = lb_xstrdup(environ[i]);
    lb_buf b = LB_BUF_INIT;
    lb_buf_puts(&b, "NODE_PATH=");
    if (old && *old)
        lb_buf_printf(&b, "%s:", old);
    lb_buf_puts(&b, "/usr/share/nodejs");
    env[k] = lb_buf_detach(&b);
    return env;
}

static void free_env(char **env)
{
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
}

int lb_node_run(const char *script, const char *in, size_t len, lb_spawn_result *r)
{
    char **env = node_env();
    char *argv[] = {"node", "-e", (char *)script, NULL};
    lb_spawn_req req = {.argv = argv,
                        .envp = env,
                        .stdin_data = in,
                        .stdin_len = len,
                        .timeout_s = 120,
                        .max_output = (size_t)256 << 20};
    int rc = lb_spawn_run(&req, r);
    free_env(env);
    return rc;
}
