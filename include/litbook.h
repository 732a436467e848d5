/* litbook.h: timing helpers for the programs in a litbook chapter.
 *
 * litbook puts this header on every C chunk's include path, so a chunk can
 * write #include <litbook.h>. It is header-only, C11 + POSIX, and needs
 * nothing else to link.
 *
 *   lb_now_ns()            monotonic clock, nanoseconds
 *   lb_keep(x)             make the compiler believe x is used; pass a result,
 *                          or the pointer to an array the work writes (the
 *                          array then counts as read, so the stores stay)
 *   lb_clobber()           make it believe memory changed: reloads values it
 *                          had kept in registers, but cannot save stores to
 *                          an array whose address never escaped (use lb_keep)
 *
 * Microbenchmark loop: calibrates how many iterations make one sample last
 * at least min_sample_ns (5 ms by default), throws away the calibration,
 * then takes `samples` samples (21 by default) and reports per-iteration
 * min, quartiles, median and max:
 *
 *   lb_bench b;
 *   for (lb_bench_start(&b, "dot 100"); lb_bench_next(&b);)
 *       for (uint64_t i = 0; i < b.iters; i++) {
 *           double r = work();
 *           lb_keep(r);
 *       }
 *   lb_bench_print(stdout, &b);   // "dot 100\t<median ns>\t...", see below
 *
 * TSV columns (lb_bench_print_header writes them as a '#' comment line):
 *   label  median_ns  min_ns  q1_ns  q3_ns  max_ns  iters  samples
 * Times are per iteration. Set LB_BENCH_MIN_MS / LB_BENCH_SAMPLES in the
 * environment to trade precision for speed without editing the chapter. */
#ifndef LITBOOK_H
#define LITBOOK_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LB_BENCH_MAX_SAMPLES 1001

/* Under -std=c11 without _POSIX_C_SOURCE, <time.h> hides clock_gettime.
 * Chunks should not have to define feature macros just to time something,
 * so declare it as Linux's C library defines it (clockid_t is int there and
 * CLOCK_MONOTONIC is 1); the declarations are compatible if <time.h> later
 * shows the real ones. */
#if !defined(CLOCK_MONOTONIC) && defined(__linux__)
extern int clock_gettime(int clock_id, struct timespec *tp);
#define LB__CLOCK_MONOTONIC 1
#else
#define LB__CLOCK_MONOTONIC CLOCK_MONOTONIC
#endif

static inline uint64_t lb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(LB__CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* An empty asm that takes x as input: the value must be computed. */
#define lb_keep(x) __asm__ __volatile__("" : : "g"(x) : "memory")

static inline void lb_clobber(void)
{
    __asm__ __volatile__("" : : : "memory");
}

typedef struct {
    const char *label;
    uint64_t iters; /* run the measured body this many times per sample */
    double min_sample_ns;
    int samples; /* how many samples to take */
    /* results, per iteration, valid once lb_bench_next returned 0 */
    double median_ns, min_ns, q1_ns, q3_ns, max_ns;
    /* private */
    int calibrating;
    int taken;
    uint64_t t0;
    double sample_ns[LB_BENCH_MAX_SAMPLES];
} lb_bench;

static inline int lb_bench__env_int(const char *name, int dflt)
{
    const char *s = getenv(name);
    int v = s ? atoi(s) : 0;
    return v > 0 ? v : dflt;
}

/* Starts a measurement. Fields min_sample_ns and samples may be changed
 * between lb_bench_start and the first lb_bench_next. */
static inline void lb_bench_start(lb_bench *b, const char *label)
{
    b->label = label;
    b->iters = 1;
    b->min_sample_ns = 1e6 * lb_bench__env_int("LB_BENCH_MIN_MS", 5);
    b->samples = lb_bench__env_int("LB_BENCH_SAMPLES", 21);
    b->median_ns = b->min_ns = b->q1_ns = b->q3_ns = b->max_ns = 0;
    b->calibrating = 1;
    b->taken = -1; /* the first call to next only starts the clock */
    b->t0 = 0;
}

static inline int lb_bench__cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double lb_bench__quantile(const double *sorted, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)pos;
    double frac = pos - i;
    return i + 1 < n ? sorted[i] * (1 - frac) + sorted[i + 1] * frac : sorted[i];
}

static inline void lb_bench__finish(lb_bench *b)
{
    int n = b->samples;
    qsort(b->sample_ns, (size_t)n, sizeof b->sample_ns[0], lb_bench__cmp);
    b->min_ns = b->sample_ns[0];
    b->max_ns = b->sample_ns[n - 1];
    b->median_ns = lb_bench__quantile(b->sample_ns, n, 0.5);
    b->q1_ns = lb_bench__quantile(b->sample_ns, n, 0.25);
    b->q3_ns = lb_bench__quantile(b->sample_ns, n, 0.75);
}

/* Call before each sample; returns 0 when the measurement is complete. */
static inline int lb_bench_next(lb_bench *b)
{
    uint64_t t1 = lb_now_ns();
    if (b->taken < 0) {
        if (b->samples > LB_BENCH_MAX_SAMPLES)
            b->samples = LB_BENCH_MAX_SAMPLES;
        if (b->samples < 1)
            b->samples = 1;
        b->taken = 0;
        b->t0 = lb_now_ns();
        return 1;
    }
    double elapsed = (double)(t1 - b->t0);
    if (b->calibrating) {
        if (elapsed < b->min_sample_ns) {
            /* Grow towards the target, at most 10x a step so one slow
             * outlier cannot make samples absurdly long. */
            double f = elapsed > 0 ? 1.2 * b->min_sample_ns / elapsed : 10;
            f = f < 2 ? 2 : f > 10 ? 10 : f;
            b->iters = (uint64_t)(b->iters * f);
        } else {
            b->calibrating = 0;
        }
    } else {
        b->sample_ns[b->taken++] = elapsed / (double)b->iters;
        if (b->taken == b->samples) {
            lb_bench__finish(b);
            return 0;
        }
    }
    b->t0 = lb_now_ns();
    return 1;
}

static inline void lb_bench_print_header(FILE *f)
{
    fputs("# label\tmedian_ns\tmin_ns\tq1_ns\tq3_ns\tmax_ns\titers\tsamples\n", f);
}

static inline void lb_bench_print(FILE *f, const lb_bench *b)
{
    fprintf(f, "%s\t%.6g\t%.6g\t%.6g\t%.6g\t%.6g\t%llu\t%d\n", b->label, b->median_ns, b->min_ns,
            b->q1_ns, b->q3_ns, b->max_ns, (unsigned long long)b->iters, b->samples);
}

/* Values and claims: one record a line, escaped as litbook reads them
 * (src/published.h), appended to $LITBOOK_RESULTS. */

/* Writes s escaped into dst (room for 4 * strlen(s) bytes); returns the
 * length written. A key escapes spaces too: it ends at the first one. */
static inline size_t lb__escape(char *dst, const char *s, int esc_space)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : 0;
        if (e) {
            dst[n++] = '\\';
            dst[n++] = e;
        } else if (c < 0x20 || c == 0x7f || (c == ' ' && esc_space)) {
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 15];
        } else {
            dst[n++] = (char)c;
        }
    }
    return n;
}

/* Appends "KIND HEAD TEXT\n" (head: already escaped) with one write() on
 * an O_APPEND descriptor, so the records of forked children never
 * interleave. */
static inline void lb__publish(const char *path, const char *head, const char *text)
{
    size_t hn = strlen(head);
    char *rec = (char *)malloc(hn + 4 * strlen(text) + 2);
    if (!rec)
        return;
    memcpy(rec, head, hn);
    size_t n = hn + lb__escape(rec + hn, text, 0);
    rec[n++] = '\n';
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd >= 0) {
        for (size_t done = 0; done < n;) {
            ssize_t w = write(fd, rec + done, n - done);
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        close(fd);
    }
    free(rec);
}

/* The text of a printf format and its arguments, malloc'ed (NULL when out
 * of memory). */
static inline char *lb__vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = n >= 0 ? (char *)malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

#if defined(__GNUC__)
#define LB__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LB__PRINTF(f, a)
#endif

static inline void lb_value(const char *key, const char *fmt, ...) LB__PRINTF(2, 3);
static inline void lb_value(const char *key, const char *fmt, ...)
{
    const char *path = getenv("LITBOOK_RESULTS");
    if (!path || !*path)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *text = lb__vformat(fmt, ap);
    va_end(ap);
    /* A bad key reaches litbook whole, escaped, and is reported there. */
    char *head = (char *)malloc(4 * strlen(key) + 8);
    if (text && head) {
        memcpy(head, "value ", 6);
        size_t n = 6 + lb__escape(head + 6, key, 1);
        head[n++] = ' ';
        head[n] = '\0';
        lb__publish(path, head, text);
    }
    free(head);
    free(text);
}

static inline int lb__claim(int line, int held, const char *fmt, ...) LB__PRINTF(3, 4);
static inline int lb__claim(int line, int held, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = lb__vformat(fmt, ap);
    va_end(ap);
    if (!text)
        return held;
    const char *path = getenv("LITBOOK_RESULTS");
    if (path && *path) {
        char head[48];
        snprintf(head, sizeof head, "claim %s %d ", held ? "held" : "failed", line);
        lb__publish(path, head, text);
    } else if (!held) {
        fprintf(stderr, "line %d: claim failed: %s\n", line, text);
    }
    free(text);
    return held;
}

/* __LINE__ is the chapter's line: the assembled program's #line
 * directives map it there. */
#define lb_claim(cond, ...) lb__claim(__LINE__, (cond) ? 1 : 0, __VA_ARGS__)

#endif
