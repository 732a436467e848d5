/* termtext: a program's or a compiler's text, printed on the terminal.
 *
 * Program output never reaches the terminal raw: control bytes other than
 * newline and tab are shown as \xHH (an escape sequence in a traceback
 * cannot move the cursor or retitle the window). Long texts are cut after
 * a number of lines, with a line saying how many were left out: the page
 * (with -k) holds all of it. */
#ifndef LB_TERMTEXT_H
#define LB_TERMTEXT_H

#include <stddef.h>
#include <stdio.h>

/* Prints s[0..len) to f as above, at most max_lines lines, ending with a
 * newline. Returns how many lines were left out. */
size_t lb_term_text(FILE *f, const char *s, size_t len, size_t max_lines);

#endif
