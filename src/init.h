/* init: `litbook init [DIR]`, a new book that builds green at once. */
#ifndef LB_INIT_H
#define LB_INIT_H

/* Writes DIR/chapters/index.md and DIR/chapters/01-first-chapter.md (with
 * a Python twin section when python, a command name or path, can be
 * found), and DIR/.gitignore when there is none. Refuses (exit status 2,
 * a message on stderr) when DIR/chapters exists: it never overwrites a
 * book. Returns the exit status for main. */
int lb_init(const char *dir, const char *python);

#endif
