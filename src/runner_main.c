/* litbook-runner: the runner (runner.h) as a small static program of its
 * own. litbook's own binary can be the runner too, but it loads shared
 * libraries at every start; this one starts in a fraction of that, and a
 * chunk starts two or three sandboxed processes. */
#include "runner.h"

int main(int argc, char **argv)
{
    return lb_runner_main(argc, argv);
}
