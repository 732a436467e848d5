/* diag: messages to the user in GCC's form, FILE:LINE:COL: error: ...
 *
 * An error is a value (lb_diag) until the one place that reports it: the
 * modules that find problems fill one in and return; the build prints it.
 * Colour follows GCC: only on a terminal, never with NO_COLOR set. */
#ifndef LB_DIAG_H
#define LB_DIAG_H

#include <stdio.h>

typedef enum { LB_NOTE, LB_WARNING, LB_ERROR } lb_severity;

typedef struct {
    lb_severity severity;
    const char *file; /* borrowed; NULL for messages about no file */
    int line;         /* 0: none */
    int col;          /* 0: none */
    char msg[1024];
} lb_diag;

void lb_diag_set(lb_diag *d, lb_severity sev, const char *file, int line, int col, const char *fmt,
                 ...) __attribute__((format(printf, 6, 7)));
/* Prints d on f, in colour when use_color. */
void lb_diag_print(FILE *f, const lb_diag *d, int use_color);
/* Whether stderr should get colour: a terminal and NO_COLOR unset. */
int lb_diag_stderr_color(void);

/* Writes s to f with every control character shown instead of obeyed:
 * C0 bytes but newline and tab, DEL, and the UTF-8 C1 controls
 * (U+0080..U+009F) become \xHH or \u00HH. Program output and file names
 * reach the terminal through this, so a chunk cannot set the window
 * title, move the cursor or forge a status line. */
void lb_fputs_visible(const char *s, FILE *f);

#endif
