#include "pdf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "spawn.h"

int lb_pdf_write(const char *html_path, const char *pdf_path, lb_diag *d)
{
    char *abs = realpath(html_path, NULL);
    char profile[] = "/tmp/litbook-pdf.XXXXXX";
    if (!abs || !mkdtemp(profile)) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot print %s: %s", html_path, strerror(errno));
        free(abs);
        return -1;
    }
    lb_buf url = LB_BUF_INIT, tmp = LB_BUF_INIT, out = LB_BUF_INIT, dir = LB_BUF_INIT;
    lb_buf_printf(&url, "file://%s", abs);
    lb_buf_printf(&tmp, "%s.tmp", pdf_path);
    lb_buf_printf(&out, "--print-to-pdf=%s", tmp.ptr);
    lb_buf_printf(&dir, "--user-data-dir=%s", profile);
    /* --no-sandbox: Chromium's own sandbox refuses to start as root; the
     * page is the book we just wrote, with no script from elsewhere. */
    char *argv[] = {"chromium",       "--headless",
                    "--no-sandbox",   "--disable-gpu",
                    "--no-first-run", "--no-pdf-header-footer",
                    dir.ptr,          out.ptr,
                    url.ptr,          NULL};
    lb_spawn_req req = {.argv = argv, .timeout_s = 300};
    lb_spawn_result r;
    int started = lb_spawn_run(&req, &r) == 0;
    struct stat st;
    int rc = 0;
    if (!started || !r.exited || r.exit_code != 0 || stat(tmp.ptr, &st) < 0 || st.st_size == 0) {
        lb_buf why = LB_BUF_INIT;
        if (!started)
            lb_buf_puts(&why, "Chromium is not installed (apt-get install chromium)");
        else
            lb_spawn_describe(&r, req.timeout_s, &why);
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot print the book to %s: %s", pdf_path,
                    lb_buf_str(&why));
        lb_buf_free(&why);
        unlink(tmp.ptr);
        rc = -1;
    } else if (rename(tmp.ptr, pdf_path) < 0) {
        lb_diag_set(d, LB_ERROR, NULL, 0, 0, "cannot write %s: %s", pdf_path, strerror(errno));
        unlink(tmp.ptr);
        rc = -1;
    }
    lb_spawn_result_free(&r);
    lb_remove_tree(profile);
    free(abs);
    lb_buf_free(&url);
    lb_buf_free(&tmp);
    lb_buf_free(&out);
    lb_buf_free(&dir);
    return rc;
}
