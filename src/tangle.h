/* tangle: `litbook tangle CHAPTER.md#NAME [-o FILE] [--no-line]`, the
 * assembled program of one chunk, as it is compiled, for a reader to take
 * away (knitr's purl, Org's tangle). */
#ifndef LB_TANGLE_H
#define LB_TANGLE_H

/* Writes the program of chunk NAME of the chapter in target
 * ("CHAPTER.md#NAME") to out_path, or to stdout when out_path is NULL or
 * "-"; with line_directives, C #line directives point at the chapter.
 * Returns the exit status: 0, or 2 with a message (a missing chapter or
 * chunk, a bad reference inside it). */
int lb_tangle(const char *target, const char *out_path, int line_directives);

#endif
