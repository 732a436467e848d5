/* serve: `litbook serve`, the author's loop.
 *
 * Builds the book (always with -k: a failed chunk is an error box in its
 * page), serves the output folder over HTTP with GNU libmicrohttpd, and
 * waits on inotify (watch.h) for the chapters and every file the last
 * build read. A change rebuilds in this process, one build at a time
 * (saves made during a build are seen by the next wait and make one more),
 * then every open page reloads: pages are served with a small script that
 * listens on /__litbook/events (server-sent events) for the number of the
 * last finished build. The script is added as a page is sent; files in the
 * output folder never hold it. */
#ifndef LB_SERVE_H
#define LB_SERVE_H

#include "build.h"

typedef struct {
    const char *bind; /* an IPv4 or IPv6 address; default 127.0.0.1 */
    int port;         /* default 3000; 0: any free port (the one taken is printed) */
} lb_serve_opts;

/* Runs until *o->interrupted is set (Ctrl-C, SIGTERM); returns the exit
 * status: 0 after such a stop, 2 when it cannot start (address in use,
 * no inotify). Every build gets o, with keep_going on. */
int lb_serve(const lb_build_opts *o, const lb_serve_opts *so);

#endif
