/* fdpass: whole reads and writes, and a message head sent with file
 * descriptors (SCM_RIGHTS), on the sockets between litbook, a worker
 * (worker.h) and a chunk's runner (runner.h). Part of the static runner
 * and of litbook. */
#ifndef LB_FDPASS_H
#define LB_FDPASS_H

#include <stddef.h>

/* The most fds one message carries. */
enum { LB_FDPASS_MAX = 8 };

/* Whole writes and reads (EINTR retried). 0, or -1 at an error or end of
 * file. */
int lb_fd_write_all(int fd, const void *p, size_t n);
int lb_fd_read_all(int fd, void *p, size_t n);

/* Sends head (n bytes) with fds[0..nfds) (nfds at most LB_FDPASS_MAX; 0:
 * none); the fds go with its first byte, the rest of head, if the socket
 * took only part of it, as plain bytes. Blocking. 0, or -1 with errno. */
int lb_fdpass_send(int sock, const void *head, size_t n, const int *fds, int nfds);

/* Reads head (n bytes) and the fds that came with it: the first max into
 * fds (each close-on-exec, owned by the caller), *nfds of them; any more
 * are closed. Returns 1, 0 at end of file before any byte, -1 otherwise. */
int lb_fdpass_recv(int sock, void *head, size_t n, int *fds, int max, int *nfds);

#endif
