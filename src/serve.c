#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "mhd.h"
#include "watch.h"

#define EVENTS_PATH "/__litbook/events"

typedef struct {
    const lb_build_opts *o; /* every build's options */
    char *root;  /* the output folder's real path (owned); NULL before the first build made it */
    lb_watch *w; /* owned */
    lb_mhd mhd;  /* the HTTP library's functions (mhd.h) */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* guarded by mu: read by the server's threads, written by the builder */
    unsigned long gen; /* builds finished */
    int last_rc;       /* the last build's exit status */
    int stopping;      /* the event streams end */
} server;

/* --- files ----------------------------------------------------------- */

static const char *content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".json", "application/json"},
        {".tsv", "text/tab-separated-values; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
        {".c", "text/plain; charset=utf-8"},
        {".h", "text/plain; charset=utf-8"},
        {".py", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* Maps a (decoded) URL path to a file under root; a new string in *out.
 * Returns 0, 403 for a path that tries to leave the folder (a ".." or "."
 * part, a backslash), or 404 (hidden names such as .cache are not served,
 * nor anything a symbolic link would take outside root). */
static int resolve(const server *s, const char *url, char **out)
{
    *out = NULL;
    if (!s->root || url[0] != '/')
        return 404;
    if (strchr(url, '\\'))
        return 403;
    lb_buf p = LB_BUF_INIT;
    lb_buf_puts(&p, s->root);
    const char *q = url;
    int parts = 0;
    while (*q) {
        while (*q == '/')
            q++;
        size_t n = strcspn(q, "/");
        if (!n)
            break;
        if ((n == 1 && q[0] == '.') || (n == 2 && q[0] == '.' && q[1] == '.')) {
            lb_buf_free(&p);
            return 403;
        }
        if (q[0] == '.') {
            lb_buf_free(&p);
            return 404;
        }
        lb_buf_putc(&p, '/');
        lb_buf_append(&p, q, n);
        parts++;
        q += n;
    }
    struct stat st;
    if (!parts || url[strlen(url) - 1] == '/' ||
        (stat(lb_buf_str(&p), &st) == 0 && S_ISDIR(st.st_mode)))
        lb_buf_puts(&p, "/index.html");
    char *real = realpath(lb_buf_str(&p), NULL);
    lb_buf_free(&p);
    size_t rn = strlen(s->root);
    if (!real || strncmp(real, s->root, rn) != 0 || real[rn] != '/') {
        free(real);
        return 404;
    }
    *out = real;
    return 0;
}

/* The live-reload script (and, after a build that stopped on an input
 * error, a note saying the page is older than the chapters), for a page
 * sent while gen builds had finished. Caller frees. */
static char *reload_snippet(unsigned long gen, int last_rc)
{
    lb_buf b = LB_BUF_INIT;
    if (last_rc == 2)
        lb_buf_puts(&b, "<div id=\"litbook-serve-error\" style=\"position:fixed;top:0;left:0;"
                        "right:0;padding:.5em 1em;background:#fdd;color:#600;"
                        "font:14px sans-serif;z-index:1000\">litbook: the last build stopped on "
                        "an input error (see the terminal); this page is from an earlier "
                        "build.</div>\n");
    /* Reload when a build other than the one this page came from has
     * finished; keep the reader's place across the reload. */
    lb_buf_printf(&b,
                  "<script id=\"litbook-live-reload\">(function(){var gen=%lu,k='litbook-y:'+"
                  "location.pathname;var y=sessionStorage.getItem(k);if(y!==null){"
                  "sessionStorage.removeItem(k);addEventListener('load',function(){"
                  "scrollTo(0,+y)})}var es=new EventSource('" EVENTS_PATH "');"
                  "es.onmessage=function(e){if(+e.data!==gen){sessionStorage.setItem(k,"
                  "String(scrollY));es.close();location.reload()}}})();</script>\n",
                  gen);
    return lb_buf_detach(&b);
}

/* The page with the snippet before its last </body> (at its end if none). */
static char *inject(const char *page, size_t len, const char *snippet, size_t *outlen)
{
    const char *at = NULL;
    for (const char *p = page; (p = memmem(p, len - (size_t)(p - page), "</body>", 7)); p++)
        at = p;
    size_t head = at ? (size_t)(at - page) : len, sn = strlen(snippet);
    char *out = lb_xmalloc(len + sn + 1);
    memcpy(out, page, head);
    memcpy(out + head, snippet, sn);
    memcpy(out + head + sn, page + head, len - head);
    out[len + sn] = '\0';
    *outlen = len + sn;
    return out;
}

static enum MHD_Result send_status(const server *s, struct MHD_Connection *conn, unsigned code,
                                   const char *text)
{
    const lb_mhd *h = &s->mhd;
    struct MHD_Response *r =
        h->response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    h->add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    enum MHD_Result ret = h->queue_response(conn, code, r);
    h->destroy_response(r);
    return ret;
}

static enum MHD_Result send_file(server *s, struct MHD_Connection *conn, const char *url)
{
    const lb_mhd *h = &s->mhd;
    char *path;
    int code = resolve(s, url, &path);
    if (code == 403)
        return send_status(s, conn, MHD_HTTP_FORBIDDEN, "403 forbidden\n");
    int fd = code ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        free(path);
        return send_status(s, conn, MHD_HTTP_NOT_FOUND, "404 not found\n");
    }
    const char *type = content_type(path);
    struct MHD_Response *r;
    if (strncmp(type, "text/html", 9) == 0) {
        lb_buf page = LB_BUF_INIT;
        close(fd);
        int got = lb_read_file(path, &page);
        if (got < 0) {
            lb_buf_free(&page);
            free(path);
            return send_status(s, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "500 cannot read\n");
        }
        pthread_mutex_lock(&s->mu);
        char *snippet = reload_snippet(s->gen, s->last_rc);
        pthread_mutex_unlock(&s->mu);
        size_t n;
        char *body = inject(page.ptr ? page.ptr : "", page.len, snippet, &n);
        free(snippet);
        lb_buf_free(&page);
        /* MHD frees body with free() once sent */
        r = h->response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
    } else {
        r = h->response_from_fd((uint64_t)st.st_size, fd); /* MHD closes fd */
    }
    free(path);
    if (!r)
        return MHD_NO;
    h->add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    /* a reload after a rebuild must not get the old page from a cache */
    h->add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = h->queue_response(conn, MHD_HTTP_OK, r);
    h->destroy_response(r);
    return ret;
}

/* --- events ------------------------------------------------------------ */

typedef struct {
    server *s;
    unsigned long sent; /* the build number last sent */
    int started;
} stream;

/* One read of an event stream: the current build number at once, then
 * each new one as its build finishes, and a comment every 15 s so that a
 * closed browser tab is noticed. Blocks: each connection has its thread. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream *e = cls;
    server *s = e->s;
    pthread_mutex_lock(&s->mu);
    if (e->started) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 15;
        while (!s->stopping && s->gen == e->sent)
            if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT)
                break;
    }
    int stopping = s->stopping;
    unsigned long gen = s->gen;
    pthread_mutex_unlock(&s->mu);
    if (stopping)
        return MHD_CONTENT_READER_END_OF_STREAM;
    int n;
    if (!e->started)
        n = snprintf(buf, max, "retry: 500\ndata: %lu\n\n", gen);
    else if (gen == e->sent)
        n = snprintf(buf, max, ": still here\n\n");
    else
        n = snprintf(buf, max, "data: %lu\n\n", gen);
    if (n < 0 || (size_t)n >= max)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    e->started = 1;
    e->sent = gen;
    return n;
}

static enum MHD_Result send_events(server *s, struct MHD_Connection *conn)
{
    const lb_mhd *h = &s->mhd;
    stream *e = lb_xcalloc(1, sizeof *e); /* freed by MHD through free() */
    e->s = s;
    struct MHD_Response *r = h->response_from_callback(MHD_SIZE_UNKNOWN, 256, stream_read, e, free);
    if (!r) {
        free(e);
        return MHD_NO;
    }
    h->add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
    h->add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = h->queue_response(conn, MHD_HTTP_OK, r);
    h->destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)req_cls;
    server *s = cls;
    /* -v logs each request: how an author (and tests/e2e/serve.sh) sees a
     * browser's reload */
    if (s->o->verbose)
        fprintf(stderr, "litbook: %s %s\n", method, url);
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return send_status(s, conn, MHD_HTTP_METHOD_NOT_ALLOWED, "405 method not allowed\n");
    if (strcmp(url, EVENTS_PATH) == 0)
        return send_events(s, conn);
    return send_file(s, conn, url);
}

/* --- the loop ---------------------------------------------------------- */

static void watch_read(void *ctx, const char *path)
{
    server *s = ctx;
    if (lb_watch_file(s->w, path) < 0 && s->o->verbose)
        fprintf(stderr, "litbook: warning: cannot watch %s: %s\n", path, strerror(errno));
}

/* One build, then the news for the open pages. */
static void rebuild(server *s)
{
    int rc = lb_build(s->o);
    if (!s->root)
        s->root = realpath(s->o->out_dir, NULL);
    pthread_mutex_lock(&s->mu);
    s->gen++;
    s->last_rc = rc;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* The listening socket for bind:port, or -1 after saying why. */
static int listen_on(const char *bind_addr, int port, int *ipv6, int *bound_port)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
    *ipv6 = 0;
    if (inet_pton(AF_INET, bind_addr, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        len = sizeof *a4;
    } else if (inet_pton(AF_INET6, bind_addr, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        len = sizeof *a6;
        *ipv6 = 1;
    } else {
        fprintf(stderr,
                "litbook: error: --bind wants an IP address such as 127.0.0.1 or ::1, "
                "not '%s'\n",
                bind_addr);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
        fprintf(stderr, "litbook: error: cannot listen on %s%s%s:%d: %s%s\n", *ipv6 ? "[" : "",
                bind_addr, *ipv6 ? "]" : "", port, strerror(errno),
                errno == EADDRINUSE ? " (choose another with -p PORT)" : "");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *bound_port = ntohs(*ipv6 ? a6->sin6_port : a4->sin_port);
    return fd;
}

int lb_serve(const lb_build_opts *opts, const lb_serve_opts *so)
{
    lb_build_opts bo = *opts;
    const lb_build_opts *o = &bo;
    bo.keep_going = 1;
    server s;
    memset(&s, 0, sizeof s);
    s.o = o;
    char why[512];
    if (lb_mhd_open(&s.mhd, why, sizeof why) < 0) {
        fprintf(stderr, "litbook: error: cannot serve: %s\n", why);
        return LB_EXIT_INPUT;
    }
    s.w = lb_watch_new();
    if (!s.w || lb_watch_chapters(s.w, o->book_dir) < 0) {
        fprintf(stderr, "litbook: error: cannot watch %s: %s\n", o->book_dir, strerror(errno));
        lb_watch_free(s.w);
        lb_mhd_close(&s.mhd);
        return LB_EXIT_INPUT;
    }
    bo.on_read = watch_read;
    bo.on_read_ctx = &s;
    int ipv6, port;
    int lfd = listen_on(so->bind, so->port, &ipv6, &port);
    if (lfd < 0) {
        lb_watch_free(s.w);
        lb_mhd_close(&s.mhd);
        return LB_EXIT_INPUT;
    }
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    s.root = realpath(o->out_dir, NULL);
    /* The server's threads inherit this mask: Ctrl-C is for this thread,
     * whose wait it interrupts. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    struct MHD_Daemon *d = s.mhd.start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
            (ipv6 ? MHD_USE_IPv6 : 0),
        0, NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, lfd, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!d) {
        fprintf(stderr, "litbook: error: cannot start the HTTP server on port %d\n", port);
        close(lfd);
        lb_watch_free(s.w);
        lb_mhd_close(&s.mhd);
        free(s.root);
        pthread_cond_destroy(&s.cv);
        pthread_mutex_destroy(&s.mu);
        return LB_EXIT_INPUT;
    }
    fprintf(stderr, "litbook: serving %s on http://%s%s%s:%d/ (Ctrl-C to stop)\n", o->out_dir,
            ipv6 ? "[" : "", so->bind, ipv6 ? "]" : "", port);
    rebuild(&s);
    int rc = LB_EXIT_OK;
    while (!*o->interrupted) {
        char what[512] = "";
        int r = lb_watch_wait(s.w, 30, o->interrupted, what, sizeof what);
        if (r < 0) {
            fprintf(stderr, "litbook: error: watching the book failed: %s\n", strerror(errno));
            rc = LB_EXIT_INPUT;
            break;
        }
        if (r == 0)
            break;
        if (!o->quiet)
            fprintf(stderr, "litbook: %s changed; rebuilding\n", what);
        rebuild(&s);
    }
    pthread_mutex_lock(&s.mu);
    s.stopping = 1;
    pthread_cond_broadcast(&s.cv);
    pthread_mutex_unlock(&s.mu);
    s.mhd.stop_daemon(d);
    lb_mhd_close(&s.mhd);
    fprintf(stderr, "litbook: stopped serving\n");
    lb_watch_free(s.w);
    free(s.root);
    pthread_cond_destroy(&s.cv);
    pthread_mutex_destroy(&s.mu);
    return rc; /* a stop by Ctrl-C is serve's normal end: 0 */
}
