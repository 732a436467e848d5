/* fdpass: file descriptors passed with a message head (fdpass.h). */
#include "fdpass.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int lb_fd_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int lb_fd_read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

typedef union {
    char buf[CMSG_SPACE(LB_FDPASS_MAX * sizeof(int))];
    struct cmsghdr align;
} fd_space;

int lb_fdpass_send(int sock, const void *head, size_t n, const int *fds, int nfds)
{
    if (nfds < 0 || nfds > LB_FDPASS_MAX) {
        errno = EINVAL;
        return -1;
    }
    fd_space u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {(void *)head, n};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (nfds > 0) {
        m.msg_control = u.buf;
        m.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
    }
    ssize_t w;
    do
        w = sendmsg(sock, &m, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w <= 0)
        return -1;
    return lb_fd_write_all(sock, (const char *)head + w, n - (size_t)w);
}

int lb_fdpass_recv(int sock, void *head, size_t n, int *fds, int max, int *nfds)
{
    fd_space u;
    struct iovec iov = {head, n};
    struct msghdr m = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t r;
    do
        r = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    *nfds = 0;
    if (r <= 0)
        return r == 0 ? 0 : -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
        int got[LB_FDPASS_MAX];
        int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(got, CMSG_DATA(c), (size_t)k * sizeof(int));
        for (int i = 0; i < k; i++)
            if (i < max)
                fds[(*nfds)++] = got[i];
            else
                close(got[i]);
    }
    if (lb_fd_read_all(sock, (char *)head + r, n - (size_t)r) < 0)
        return -1;
    return 1;
}
