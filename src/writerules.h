/* writerules: where a chunk may write, said a second time, to the kernel's
 * Landlock (Linux 5.13 and later).
 *
 * The sandbox's mount table (bwrap.h) already shows the host read-only;
 * this layer holds even where that view has a hole (a folder shown
 * writable by mistake, a file system a chunk managed to mount): below the
 * given folders a chunk may create, write, rename and remove files; to
 * files elsewhere (/dev/null, a terminal) it may only write; it may make
 * nothing anywhere else. Reads and execution are the mount table's
 * business and are left alone. Where the kernel has Landlock ABI 6, the
 * chunk also cannot signal, or reach by an abstract unix socket, any
 * process outside its domain. */
#ifndef LB_WRITERULES_H
#define LB_WRITERULES_H

/* Restricts the calling process, and all it starts, to writing below the
 * folders in dirs (NULL-terminated; one that does not exist is left out).
 * Sets no_new_privs. Returns the Landlock ABI version enforced (>= 1), 0
 * when the kernel has no Landlock (nothing is restricted), or -1 with
 * errno when it has one and the rules could not be applied. */
int lb_writerules_apply(const char *const *dirs);

#endif
