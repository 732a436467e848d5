#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

void lb_diag_set(lb_diag *d, lb_severity sev, const char *file, int line, int col, const char *fmt,
                 ...)
{
    d->severity = sev;
    d->file = file;
    d->line = line;
    d->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof d->msg, fmt, ap);
    va_end(ap);
}

void lb_fputs_visible(const char *s, FILE *f)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            fprintf(f, "\\u%04x", *++p);
        else
            fputc(*p, f);
    }
}

void lb_diag_print(FILE *f, const lb_diag *d, int use_color)
{
    static const char *const words[] = {"note", "warning", "error"};
    static const char *const colors[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
    const char *bold = use_color ? "\033[1m" : "";
    const char *reset = use_color ? "\033[0m" : "";
    if (d->file) {
        fputs(bold, f);
        lb_fputs_visible(d->file, f);
        if (d->line > 0)
            fprintf(f, ":%d", d->line);
        if (d->line > 0 && d->col > 0)
            fprintf(f, ":%d", d->col);
        fprintf(f, ":%s ", reset);
    } else {
        fprintf(f, "%slitbook:%s ", bold, reset);
    }
    fprintf(f, "%s%s:%s ", use_color ? colors[d->severity] : "", words[d->severity], reset);
    lb_fputs_visible(d->msg, f);
    fputc('\n', f);
}

int lb_diag_stderr_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(2) && !(nc && *nc);
}
