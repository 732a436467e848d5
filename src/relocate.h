/* relocate: a cached result's line numbers moved to where its chunks sit
 * now.
 *
 * Cache keys do not hold chapter line numbers (the key hashes the program
 * assembled with lines counted from each chunk: lb_assemble_opts.relative),
 * so adding prose above a chunk reruns nothing. What the program printed
 * still names the lines of the build that ran it; the entry keeps, as its
 * "origins", where each chunk that went into the program sat then, and a
 * hit shifts every line number that falls in one of them by how far that
 * chunk has moved since:
 *
 *   PATH:LINE            compiler messages, sanitizer frames, assert()
 *   "PATH", line LINE    Python tracebacks
 *   line LINE: claim failed:   lb_claim / litbook.claim on stderr
 *   " LINE | "           the source excerpts of GCC's messages
 *
 * and the line of every claim. Origins are text, one chunk a line:
 * "CODE_LINE NLINES NAME", NAME empty for the chunk itself. */
#ifndef LB_RELOCATE_H
#define LB_RELOCATE_H

#include "buf.h"
#include "chapter.h"
#include "result.h"

/* Appends c's origins: c itself and every chunk flagged in used, or when
 * used is NULL, c alone spanning every line of program (a Python program,
 * whose references are inlined without line markers). */
void lb_origins_describe(const lb_chapter *ch, const lb_chunk *c, const char *used,
                         const char *program, lb_buf *out);

/* Shifts the line numbers of r (compile_log, detail, err, failure and its
 * claims) from the positions in origins to those the same chunks of ch
 * have now. Origins naming a chunk ch no longer has are left as they
 * were. Returns how many numbers changed. */
int lb_relocate_result(const lb_chapter *ch, const lb_chunk *c, const char *origins, lb_result *r);

/* The same for one text: a new string (caller frees) with the numbers
 * after "path:" and the other forms above moved by the map of origins. */
char *lb_relocate_text(const lb_chapter *ch, const lb_chunk *c, const char *origins,
                       const char *text, int *changed);

#endif
