/* mhd: GNU libmicrohttpd, opened when `litbook serve` starts.
 *
 * Only serve speaks HTTP, but a library linked in is loaded by every run:
 * libmicrohttpd brings GnuTLS, p11-kit, nettle, GMP, libidn2 and more, whose
 * loading and constructors took 1.7 ms of each build's start (a no-op
 * rebuild has 20 ms in all, issue 17). So the library is opened by its
 * soname, the one the build compiled against, and its functions are called
 * through this table; their types come from <microhttpd.h>, so a call is
 * checked as if it were direct. */
#ifndef LB_MHD_H
#define LB_MHD_H

#include <microhttpd.h>
#include <stddef.h>

typedef struct {
    void *handle; /* dlopen's; NULL until loaded */
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_create_response_from_buffer) *response_from_buffer;
    __typeof__(MHD_create_response_from_fd) *response_from_fd;
    __typeof__(MHD_create_response_from_callback) *response_from_callback;
    __typeof__(MHD_add_response_header) *add_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
} lb_mhd;

/* Opens the library and fills *m: 0, or -1 with the reason in why (the
 * library or a function missing), *m then empty. */
int lb_mhd_open(lb_mhd *m, char *why, size_t whylen);
/* Closes what lb_mhd_open opened (an empty *m is fine). */
void lb_mhd_close(lb_mhd *m);

#endif
