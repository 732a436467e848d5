/* watch: what `litbook serve` waits on, with Linux inotify.
 *
 * Folders are watched, never single files: an editor that saves by
 * writing a new file and renaming it over the old one (vim, Emacs) would
 * leave a watch on the old inode behind. Within a watched folder only the
 * names asked for count: every chapter (*.md, not hidden) of the book's
 * folder, and the files a build read. An editor's save is several events
 * (a temporary file, a rename, an attribute change); lb_watch_wait returns
 * once they stop coming. */
#ifndef LB_WATCH_H
#define LB_WATCH_H

#include <stddef.h>

typedef struct lb_watch lb_watch;

/* NULL with errno set when inotify is not available. Free with
 * lb_watch_free. */
lb_watch *lb_watch_new(void);
void lb_watch_free(lb_watch *w);
/* Watches every chapter of dir: any NAME.md, including new ones. */
int lb_watch_chapters(lb_watch *w, const char *dir);
/* Watches one file (through its folder). Adding a path twice is harmless.
 * Returns 0, or -1 with errno set (a folder that cannot be watched). */
int lb_watch_file(lb_watch *w, const char *path);
/* How long lb_watch_wait waits for more events once one ended a save. */
#define LB_WATCH_SETTLE_MS 5

/* Waits until a watched file changes, then until no event came for
 * quiet_ms, or for LB_WATCH_SETTLE_MS (when shorter) once an event ended a
 * save (a file closed after writing, or renamed into place): from a save to
 * its rebuild, no more wait than the editor's own events need. Returns 1 on a change (what changed
 * first is copied to first, of size firstlen, when not NULL), 0 when *stop became nonzero (looked
 * at every 100 ms and whenever a signal interrupts the wait), -1 on an error (errno). */
int lb_watch_wait(lb_watch *w, int quiet_ms, volatile int *stop, char *first, size_t firstlen);

#endif
