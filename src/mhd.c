#include "mhd.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* The Makefile passes the soname of the library it compiled against (its
 * ABI: a table built from these headers is only right for that one). */
#ifndef LB_MHD_SONAME
#define LB_MHD_SONAME "libmicrohttpd.so.12"
#endif

/* dlsym's void * to a function pointer: POSIX guarantees the conversion,
 * ISO C does not let a cast say it, so the bytes are copied. */
static int get(lb_mhd *m, const char *name, void *fnp, size_t size, char *why, size_t whylen)
{
    void *sym = dlsym(m->handle, name);
    if (!sym) {
        snprintf(why, whylen, "%s has no %s", LB_MHD_SONAME, name);
        return -1;
    }
    memcpy(fnp, &sym, size);
    return 0;
}

int lb_mhd_open(lb_mhd *m, char *why, size_t whylen)
{
    memset(m, 0, sizeof *m);
    m->handle = dlopen(LB_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!m->handle) {
        const char *e = dlerror();
        snprintf(why, whylen, "cannot load %s: %s", LB_MHD_SONAME, e ? e : "unknown error");
        return -1;
    }
#define GET(field, name) get(m, name, &m->field, sizeof m->field, why, whylen) < 0
    if (GET(start_daemon, "MHD_start_daemon") || GET(stop_daemon, "MHD_stop_daemon") ||
        GET(response_from_buffer, "MHD_create_response_from_buffer") ||
        GET(response_from_fd, "MHD_create_response_from_fd") ||
        GET(response_from_callback, "MHD_create_response_from_callback") ||
        GET(add_header, "MHD_add_response_header") || GET(queue_response, "MHD_queue_response") ||
        GET(destroy_response, "MHD_destroy_response")) {
        lb_mhd_close(m);
        return -1;
    }
#undef GET
    return 0;
}

void lb_mhd_close(lb_mhd *m)
{
    if (m->handle)
        dlclose(m->handle);
    memset(m, 0, sizeof *m);
}
