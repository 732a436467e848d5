/* Runs a fuzz target over files without libFuzzer: every file named on
 * the command line, and every file inside a directory named there. This is
 * how make check replays the corpus, crashers included. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "fuzz.h"

static int run_file(const char *path)
{
    lb_buf b = LB_BUF_INIT;
    if (lb_read_file(path, &b) < 0) {
        perror(path);
        return 1;
    }
    /* A copy of exactly len bytes, so ASan sees any read past the end. */
    unsigned char *copy = lb_xmalloc(b.len ? b.len : 1);
    if (b.len)
        memcpy(copy, b.ptr, b.len);
    LLVMFuzzerTestOneInput(copy, b.len);
    free(copy);
    lb_buf_free(&b);
    return 0;
}

int main(int argc, char **argv)
{
    int bad = 0, n = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) {
            bad |= run_file(argv[i]);
            n++;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            lb_buf p = LB_BUF_INIT;
            lb_buf_printf(&p, "%s/%s", argv[i], e->d_name);
            bad |= run_file(p.ptr);
            lb_buf_free(&p);
            n++;
        }
        closedir(d);
    }
    printf("%d inputs replayed\n", n);
    return bad;
}
