/* tmpdir: a cmocka setup and teardown that give each test a fresh folder
 * of its own under /tmp, as *state (a char *), removed with all in it
 * afterwards. */
#ifndef LB_TEST_TMPDIR_H
#define LB_TEST_TMPDIR_H

#include <stdlib.h>
#include <string.h>

#include "fsutil.h"

static inline int tmpdir_setup(void **state)
{
    char *dir = strdup("/tmp/litbook-test.XXXXXX");
    if (!dir || !mkdtemp(dir)) {
        free(dir);
        return -1;
    }
    *state = dir;
    return 0;
}

static inline int tmpdir_teardown(void **state)
{
    lb_remove_tree(*state);
    free(*state);
    return 0;
}

#endif
