#include "cache.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "published.h"
#include "spawn.h"

/* 2: values and claims (published.h) joined the result. */
#define CACHE_MAGIC "litbook-cache 2\n"

void lb_hash_init(lb_hash *h)
{
    h->st = XXH3_createState();
    if (!h->st)
        abort();
    XXH3_128bits_reset(h->st);
}

void lb_hash_bytes(lb_hash *h, const void *p, size_t n)
{
    XXH3_128bits_update(h->st, p, n);
}

void lb_hash_str(lb_hash *h, const char *s)
{
    if (!s)
        s = "\x01(null)";
    size_t n = strlen(s);
    lb_hash_bytes(h, &n, sizeof n);
    lb_hash_bytes(h, s, n);
}

void lb_hash_hex(lb_hash *h, char out[33])
{
    XXH128_hash_t v = XXH3_128bits_digest(h->st);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)v.high64, (unsigned long long)v.low64);
    XXH3_freeState(h->st);
    h->st = NULL;
}

int lb_file_hash(const char *path, char out[33])
{
    lb_buf b = LB_BUF_INIT;
    if (lb_read_file(path, &b) < 0)
        return -1;
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_bytes(&h, b.ptr, b.len);
    lb_hash_hex(&h, out);
    lb_buf_free(&b);
    return 0;
}

/* The entry format: one record per line, "NAME LEN\n" then LEN raw bytes
 * and a newline, so any bytes (program output) survive. */
static void put_rec(lb_buf *b, const char *name, const char *data, size_t len)
{
    lb_buf_printf(b, "%s %zu\n", name, len);
    lb_buf_append(b, data ? data : "", data ? len : 0);
    lb_buf_putc(b, '\n');
}

static void put_str(lb_buf *b, const char *name, const char *s)
{
    if (s)
        put_rec(b, name, s, strlen(s));
}

static void put_num(lb_buf *b, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void put_num(lb_buf *b, const char *name, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    put_rec(b, name, tmp, strlen(tmp));
}

static void put_stat(lb_buf *b, const char *name, const lb_run_stat *s)
{
    put_num(b, name, "%a %a %ld", s->wall_s, s->cpu_s, s->maxrss_kb);
}

/* What one build learned about a dependency: chunks share headers
 * (stdio.h is read by all of them), so each is stat'ed, and hashed if need
 * be, once per build. */
typedef struct dep_seen {
    struct dep_seen *next;
    char *path;
    int exists;
    long long size, mtime;
    char hash[33]; /* "" until someone needed it */
} dep_seen;

#define MEMO_BUCKETS 1024

struct lb_dep_memo {
    pthread_mutex_t mu;
    dep_seen *bucket[MEMO_BUCKETS];
};

lb_dep_memo *lb_dep_memo_new(void)
{
    lb_dep_memo *m = lb_xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    return m;
}

void lb_dep_memo_free(lb_dep_memo *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < MEMO_BUCKETS; i++) {
        for (dep_seen *d = m->bucket[i], *next; d; d = next) {
            next = d->next;
            free(d->path);
            free(d);
        }
    }
    pthread_mutex_destroy(&m->mu);
    free(m);
}

/* The memo's entry for path, made (with one stat) on first sight. Call
 * with m->mu held. */
static dep_seen *seen(lb_dep_memo *m, const char *path)
{
    size_t h = (size_t)XXH3_64bits(path, strlen(path)) % MEMO_BUCKETS;
    for (dep_seen *d = m->bucket[h]; d; d = d->next)
        if (strcmp(d->path, path) == 0)
            return d;
    dep_seen *d = lb_xcalloc(1, sizeof *d);
    d->path = lb_xstrdup(path);
    struct stat st;
    d->exists = stat(path, &st) == 0;
    d->size = d->exists ? (long long)st.st_size : -1;
    d->mtime = d->exists ? lb_mtime_ns(&st) : -1;
    d->next = m->bucket[h];
    m->bucket[h] = d;
    return d;
}

/* A dependency's record line ("SIZE MTIME HASH PATH"): from the build's
 * memo when there is one, so that a header every chunk includes is read
 * and hashed once per build rather than once per chunk (stdio.h and its
 * 25 headers, 100 times in a cold build of 100 chunks). The memo's stat is
 * from the header's first sight in this build: were the file changed since,
 * the next build sees another mtime, hashes it, and reruns. Returns -1 for
 * a file that is not there. */
static int dep_line(lb_dep_memo *m, const char *path, lb_buf *line)
{
    long long size, mtime;
    char h[33];
    if (m) {
        pthread_mutex_lock(&m->mu);
        dep_seen *d = seen(m, path);
        if (d->exists && !d->hash[0] && lb_file_hash(path, d->hash) < 0)
            d->hash[0] = '\0';
        int ok = d->exists && d->hash[0];
        size = d->size;
        mtime = d->mtime;
        memcpy(h, d->hash, sizeof h);
        pthread_mutex_unlock(&m->mu);
        if (!ok)
            return -1;
    } else {
        struct stat st;
        if (stat(path, &st) < 0 || lb_file_hash(path, h) < 0)
            return -1;
        size = (long long)st.st_size;
        mtime = lb_mtime_ns(&st);
    }
    lb_buf_printf(line, "%lld %lld %s %s", size, mtime, h, path);
    return 0;
}

int lb_cache_store(const char *dir, const char *key, const lb_result *r, const lb_strv *deps)
{
    return lb_cache_store_memo(dir, key, r, deps, NULL);
}

int lb_cache_store_memo(const char *dir, const char *key, const lb_result *r, const lb_strv *deps,
                        lb_dep_memo *memo)
{
    lb_buf b = LB_BUF_INIT;
    lb_buf_puts(&b, CACHE_MAGIC);
    put_num(&b, "status", "%d %d %d %d %d", (int)r->status, r->ran, r->exit_code, (int)r->end,
            r->signo);
    put_str(&b, "failure", r->failure);
    put_str(&b, "detail", r->detail);
    put_str(&b, "compile_log", r->compile_log);
    if (r->out)
        put_rec(&b, "out", r->out, r->out_len);
    if (r->err)
        put_rec(&b, "err", r->err, r->err_len);
    put_num(&b, "dropped", "%zu %zu", r->out_dropped, r->err_dropped);
    put_stat(&b, "first", &r->first);
    for (int i = 0; i < r->nruns; i++)
        put_stat(&b, "run", &r->runs[i]);
    put_str(&b, "svg", r->svg);
    put_str(&b, "command", r->command);
    put_str(&b, "origins", r->origins);
    lb_buf rec = LB_BUF_INIT;
    for (size_t i = 0; i < r->nvalues; i++) {
        lb_buf_reset(&rec);
        lb_pub_format_value(&r->values[i], &rec);
        put_rec(&b, "value", rec.ptr, rec.len);
    }
    for (size_t i = 0; i < r->nclaims; i++) {
        lb_buf_reset(&rec);
        lb_pub_format_claim(&r->claims[i], &rec);
        put_rec(&b, "claim", rec.ptr, rec.len);
    }
    lb_buf_free(&rec);
    lb_buf line = LB_BUF_INIT;
    for (size_t i = 0; deps && i < deps->n; i++) {
        lb_buf_reset(&line);
        if (dep_line(memo, deps->v[i], &line) == 0) /* else vanished: nothing to check later */
            put_rec(&b, "dep", line.ptr, line.len);
    }
    lb_buf_free(&line);
    lb_buf_puts(&b, "end 0\n\n");
    lb_buf path = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/%s", dir, key);
    int rc = lb_mkdirs(dir) == 0 ? lb_write_file_atomic(path.ptr, b.ptr, b.len) : -1;
    lb_buf_free(&path);
    lb_buf_free(&b);
    return rc;
}

void lb_dep_memo_note(lb_dep_memo *m, const char *path)
{
    pthread_mutex_lock(&m->mu);
    (void)seen(m, path);
    pthread_mutex_unlock(&m->mu);
}

void lb_dep_memo_each(lb_dep_memo *m, void (*fn)(void *ctx, const char *path), void *ctx)
{
    pthread_mutex_lock(&m->mu);
    for (size_t i = 0; i < MEMO_BUCKETS; i++)
        for (dep_seen *d = m->bucket[i]; d; d = d->next)
            fn(ctx, d->path);
    pthread_mutex_unlock(&m->mu);
}

/* Whether a recorded dependency ("SIZE MTIME HASH PATH") still has the
 * content it had: same size and mtime, or else the same content hash. */
static int dep_unchanged(const char *rec, lb_dep_memo *m)
{
    char *end;
    long long size = strtoll(rec, &end, 10);
    long long mtime = strtoll(end, &end, 10);
    while (*end == ' ')
        end++;
    if (strlen(end) < 34 || end[32] != ' ')
        return 0;
    char hash[33];
    memcpy(hash, end, 32);
    hash[32] = '\0';
    const char *path = end + 33;
    lb_dep_memo local_memo; /* without a build-wide memo: one of our own */
    int own = m == NULL;
    if (own) {
        memset(&local_memo, 0, sizeof local_memo);
        pthread_mutex_init(&local_memo.mu, NULL);
        m = &local_memo;
    }
    pthread_mutex_lock(&m->mu);
    dep_seen *d = seen(m, path);
    int same = d->exists && d->size == size && d->mtime == mtime;
    if (d->exists && !same) {
        if (!d->hash[0] && lb_file_hash(path, d->hash) < 0)
            d->hash[0] = '\0';
        same = strcmp(d->hash, hash) == 0;
    }
    pthread_mutex_unlock(&m->mu);
    if (own) {
        for (size_t i = 0; i < MEMO_BUCKETS; i++)
            for (dep_seen *x = local_memo.bucket[i], *next; x; x = next) {
                next = x->next;
                free(x->path);
                free(x);
            }
        pthread_mutex_destroy(&local_memo.mu);
    }
    return same;
}

static void get_stat(const char *s, lb_run_stat *st)
{
    if (sscanf(s, "%la %la %ld", &st->wall_s, &st->cpu_s, &st->maxrss_kb) != 3)
        memset(st, 0, sizeof *st);
}

/* Applies one record to r; returns 0 to go on, 1 at the end, -1 when a
 * dependency changed or a value or claim record is damaged. */
static int apply(lb_result *r, const char *name, char *val, size_t len, int *runs_cap,
                 lb_dep_memo *memo)
{
    if (strcmp(name, "end") == 0)
        return 1;
    if (strcmp(name, "dep") == 0)
        return dep_unchanged(val, memo) ? 0 : -1;
    if (strcmp(name, "value") == 0 || strcmp(name, "claim") == 0) {
        char err[256];
        return lb_pub_add(r, name, val, len, err, sizeof err) == 0 ? 0 : -1; /* damaged */
    }
    if (strcmp(name, "status") == 0) {
        int st = 0, end = 0;
        sscanf(val, "%d %d %d %d %d", &st, &r->ran, &r->exit_code, &end, &r->signo);
        r->status = (lb_res_status)st;
        r->end = (lb_end)end;
    } else if (strcmp(name, "dropped") == 0) {
        sscanf(val, "%zu %zu", &r->out_dropped, &r->err_dropped);
    } else if (strcmp(name, "first") == 0) {
        get_stat(val, &r->first);
    } else if (strcmp(name, "run") == 0) {
        if (r->nruns == *runs_cap) {
            *runs_cap = *runs_cap ? *runs_cap * 2 : 16;
            r->runs = lb_xrealloc(r->runs, (size_t)*runs_cap * sizeof *r->runs);
        }
        get_stat(val, &r->runs[r->nruns++]);
    } else {
        char **slot = strcmp(name, "failure") == 0       ? &r->failure
                      : strcmp(name, "detail") == 0      ? &r->detail
                      : strcmp(name, "compile_log") == 0 ? &r->compile_log
                      : strcmp(name, "out") == 0         ? &r->out
                      : strcmp(name, "err") == 0         ? &r->err
                      : strcmp(name, "svg") == 0         ? &r->svg
                      : strcmp(name, "command") == 0     ? &r->command
                      : strcmp(name, "origins") == 0     ? &r->origins
                                                         : NULL;
        if (slot) {
            free(*slot);
            *slot = lb_xstrndup(val, len);
            if (slot == &r->out)
                r->out_len = len;
            if (slot == &r->err)
                r->err_len = len;
        }
    }
    return 0;
}

/* "NAME LEN" up to end (the newline). Not sscanf: glibc's measures the
 * whole rest of the entry first, which made loading quadratic. */
static int parse_header(const char *p, const char *end, char name[32], size_t *len)
{
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp || sp == p || sp - p > 31 || sp + 1 == end)
        return -1;
    memcpy(name, p, (size_t)(sp - p));
    name[sp - p] = '\0';
    size_t v = 0;
    for (const char *q = sp + 1; q < end; q++) {
        if (*q < '0' || *q > '9' || v > SIZE_MAX / 10 - 10)
            return -1;
        v = v * 10 + (size_t)(*q - '0');
    }
    *len = v;
    return 0;
}

int lb_cache_load(const char *dir, const char *key, lb_result *r)
{
    return lb_cache_load_memo(dir, key, r, NULL);
}

int lb_cache_load_memo(const char *dir, const char *key, lb_result *r, lb_dep_memo *memo)
{
    lb_buf path = LB_BUF_INIT, b = LB_BUF_INIT;
    lb_buf_printf(&path, "%s/%s", dir, key);
    int rc = lb_read_file(path.ptr, &b);
    lb_buf_free(&path);
    size_t magic = strlen(CACHE_MAGIC);
    if (rc < 0 || b.len < magic || strncmp(b.ptr, CACHE_MAGIC, magic) != 0) {
        lb_buf_free(&b);
        return 0;
    }
    memset(r, 0, sizeof *r);
    size_t pos = magic;
    int runs_cap = 0, state = 0;
    while (state == 0) {
        char name[32];
        size_t len;
        char *nl = pos < b.len ? memchr(b.ptr + pos, '\n', b.len - pos) : NULL;
        if (!nl || parse_header(b.ptr + pos, nl, name, &len) < 0 ||
            (size_t)(nl + 1 - b.ptr) + len + 1 > b.len) {
            state = -1; /* truncated or damaged: a miss */
            break;
        }
        char *val = nl + 1;
        val[len] = '\0'; /* the record's own newline: values become C strings */
        state = apply(r, name, val, len, &runs_cap, memo);
        pos = (size_t)(val - b.ptr) + len + 1;
    }
    lb_buf_free(&b);
    if (state != 1) {
        lb_result_free(r);
        return 0;
    }
    r->cached = 1;
    return 1;
}

/* Resolves prog through PATH like execvp would. Caller frees. */
static char *which(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? lb_xstrdup(prog) : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        lb_buf b = LB_BUF_INIT;
        lb_buf_append(&b, path, n);
        lb_buf_printf(&b, "/%s", prog);
        if (access(b.ptr, X_OK) == 0)
            return lb_buf_detach(&b);
        lb_buf_free(&b);
        path += n + (path[n] == ':');
    }
    return NULL;
}

char *lb_tool_identity(const char *dir, const char *prog)
{
    char *path = which(prog);
    struct stat st;
    if (!path || stat(path, &st) < 0) {
        free(path);
        return NULL;
    }
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, path);
    lb_buf meta = LB_BUF_INIT;
    lb_file_stamp(&st, &meta);
    lb_hash_str(&h, meta.ptr);
    lb_buf_free(&meta);
    char key[33];
    lb_hash_hex(&h, key);
    lb_buf file = LB_BUF_INIT, id = LB_BUF_INIT;
    lb_buf_printf(&file, "%s/tools-%s", dir, key);
    if (lb_read_file(file.ptr, &id) == 0 && id.len > 0) {
        lb_buf_free(&file);
        free(path);
        return lb_buf_detach(&id);
    }
    char *argv[] = {path, "--version", NULL};
    lb_spawn_req req = {0};
    req.argv = argv;
    req.timeout_s = 10;
    lb_spawn_result res = {0};
    lb_buf_printf(&id, "%s\n", path);
    if (lb_spawn_run(&req, &res) == 0)
        lb_buf_puts(&id, lb_buf_str(&res.out));
    lb_spawn_result_free(&res);
    if (lb_mkdirs(dir) == 0)
        lb_write_file_atomic(file.ptr, id.ptr, id.len);
    lb_buf_free(&file);
    free(path);
    return lb_buf_detach(&id);
}
