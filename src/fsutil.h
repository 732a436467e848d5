/* fsutil: files read whole, written atomically, directories made. */
#ifndef LB_FSUTIL_H
#define LB_FSUTIL_H

#include <stddef.h>
#include <sys/stat.h>

#include "buf.h"

/* A file's mtime in nanoseconds. */
long long lb_mtime_ns(const struct stat *st);
/* Appends "SIZE MTIME_NS INODE": what tells one version of a file from
 * another without reading it (a rename or a rewrite changes it). */
void lb_file_stamp(const struct stat *st, lb_buf *out);

/* Reads path into b (appending). Returns 0, or -1 with errno set and b as
 * it was (nothing of a file that failed part way). */
int lb_read_file(const char *path, lb_buf *b);
/* Writes data to path through a temporary file in the same directory,
 * renamed over path, so a reader, or a build killed at any instant, sees
 * either the old file or the new one, never a mix. Returns 0, or -1 with
 * errno set (the temporary is removed). Not flushed to disk: after a power
 * cut a file may be empty, which is harmless for what litbook can rebuild
 * (cache entries are checked when read, pages have keys), and costs no
 * fsync per write (a few ms each, which an edit-and-rebuild would feel). */
int lb_write_file_atomic(const char *path, const char *data, size_t len);
/* The same, fsync'ed before the rename: for the author's own files
 * (chapters rewritten by --update, recordings), which nothing rebuilds. */
int lb_write_file_durable(const char *path, const char *data, size_t len);
/* As lb_write_file_atomic, but does nothing when path already holds
 * exactly data (so an unchanged page keeps its timestamp). Returns 1 when
 * it wrote, 0 when unchanged, -1 on error. */
int lb_write_file_if_changed(const char *path, const char *data, size_t len);
/* mkdir -p. Returns 0 or -1 with errno set. */
int lb_mkdirs(const char *path);
/* Removes the temporary files lb_write_file_atomic left under dir when a
 * process was killed between write and rename (names ending ".tmp").
 * Call only while no other writer can be running (under the build lock). */
void lb_sweep_tmp_files(const char *dir);
/* rm -rf of a directory tree we created. Returns 0 or -1. */
int lb_remove_tree(const char *path);

#endif
