#include "record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "fsutil.h"
#include "published.h"

#define MAGIC "litbook recording 1"

void lb_record_meta_free(lb_record_meta *m)
{
    free(m->chunk);
    free(m->source_hash);
    free(m->date);
    free(m->machine);
    free(m->device);
    free(m->cpu);
    free(m->python);
    lb_strv_free(&m->modules);
    memset(m, 0, sizeof *m);
}

void lb_record_path(const char *book_dir, const lb_chapter *ch, const lb_chunk *c, lb_buf *out)
{
    lb_buf_printf(out, "%s/recorded/%s/%s.txt", book_dir, ch->slug, c->anchor);
}

void lb_record_source_hash(const lb_chunk *c, const char *src, char out[33])
{
    lb_hash h;
    lb_hash_init(&h);
    lb_hash_str(&h, "litbook recording 1 python");
    lb_hash_str(&h, src);
    const lb_strv *lists[] = {&c->opts.args, &c->opts.requires};
    for (size_t k = 0; k < 2; k++) {
        lb_hash_bytes(&h, &lists[k]->n, sizeof lists[k]->n);
        for (size_t i = 0; i < lists[k]->n; i++)
            lb_hash_str(&h, lists[k]->v[i]);
    }
    lb_hash_str(&h, c->opts.stdin_text);
    lb_hash_hex(&h, out);
}

/* The value of the first line of /proc/cpuinfo that starts with key
 * ("model name\t: AMD EPYC"), or NULL. Caller frees. */
static char *cpuinfo_field(const char *info, const char *key)
{
    size_t n = strlen(key);
    for (const char *line = info; line && *line;) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        const char *colon = memchr(line, ':', len);
        if (colon && strncmp(line, key, n) == 0 &&
            strspn(line + n, " \t") == (size_t)(colon - line) - n) {
            const char *v = colon + 1 + strspn(colon + 1, " \t");
            if (v < line + len)
                return lb_xstrndup(v, (size_t)(line + len - v));
        }
        line = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* The CPU's model name: x86's "model name", else Arm's "Model". Caller
 * frees. */
static char *cpu_model(void)
{
    lb_buf b = LB_BUF_INIT;
    char *found = NULL;
    if (lb_read_file("/proc/cpuinfo", &b) == 0) {
        found = cpuinfo_field(b.ptr, "model name");
        if (!found)
            found = cpuinfo_field(b.ptr, "Model");
    }
    lb_buf_free(&b);
    return found ? found : lb_xstrdup("unknown CPU");
}

void lb_record_here(lb_record_meta *m)
{
    char host[256];
    if (gethostname(host, sizeof host) < 0)
        strcpy(host, "unknown host");
    host[sizeof host - 1] = '\0';
    free(m->machine);
    m->machine = lb_xstrdup(host);
    free(m->cpu);
    m->cpu = cpu_model();
    time_t t = time(NULL);
    struct tm tm;
    char date[32];
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    free(m->date);
    m->date = lb_xstrdup(date);
}

/* A header value on one line: newlines would break the format. */
static void put_field(lb_buf *out, const char *name, const char *value)
{
    lb_buf_printf(out, "%s: ", name);
    for (const char *p = value ? value : ""; *p; p++)
        lb_buf_putc(out, *p == '\n' || *p == '\r' ? ' ' : *p);
    lb_buf_putc(out, '\n');
}

static void put_stream(lb_buf *out, const char *name, const char *s, size_t len)
{
    lb_buf_printf(out, "%s:\n", name);
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
        /* No trailing blank after "|" on an empty line: clean diffs. */
        lb_buf_puts(out, n ? "| " : "|");
        lb_buf_append(out, s + i, n);
        lb_buf_putc(out, '\n');
        i += n + (nl != NULL);
        if (!nl)
            lb_buf_puts(out, "\\ no newline at end\n");
    }
}

void lb_record_format(const lb_record_meta *m, const lb_result *r, lb_buf *out)
{
    lb_buf_puts(out, MAGIC "\n");
    put_field(out, "chunk", m->chunk);
    put_field(out, "source-hash", m->source_hash);
    put_field(out, "recorded", m->date);
    put_field(out, "machine", m->machine);
    put_field(out, "cpu", m->cpu);
    put_field(out, "python", m->python);
    for (size_t i = 0; i < m->modules.n; i++)
        put_field(out, "module", m->modules.v[i]);
    if (m->device)
        put_field(out, "device", m->device);
    lb_buf_printf(out, "exit-status: %d\n", r->exit_code);
    /* A chunk that failed as its fails= said: how, so that the recording
     * is judged again against the fails= of the day (fails.h). */
    if (r->end != LB_END_NONE) {
        lb_buf_printf(out, "ending: %d %d\n", (int)r->end, r->signo);
        put_field(out, "failure", r->expected_failure ? r->expected_failure : r->failure);
    }
    lb_buf_printf(out, "wall-seconds: %.6f\n", r->first.wall_s);
    lb_buf_printf(out, "cpu-seconds: %.6f\n", r->first.cpu_s);
    lb_buf_printf(out, "max-rss-kb: %ld\n", r->first.maxrss_kb);
    for (int i = 0; i < r->nruns; i++)
        lb_buf_printf(out, "repeat-run: %.6f %.6f %ld\n", r->runs[i].wall_s, r->runs[i].cpu_s,
                      r->runs[i].maxrss_kb);
    for (size_t i = 0; i < r->nvalues; i++) {
        lb_buf_puts(out, "value: ");
        lb_pub_format_value(&r->values[i], out);
        lb_buf_putc(out, '\n');
    }
    for (size_t i = 0; i < r->nclaims; i++) {
        lb_buf_puts(out, "claim: ");
        lb_pub_format_claim(&r->claims[i], out);
        lb_buf_putc(out, '\n');
    }
    put_stream(out, "stdout", r->out ? r->out : "", r->out ? r->out_len : 0);
    put_stream(out, "stderr", r->err ? r->err : "", r->err ? r->err_len : 0);
    lb_buf_puts(out, "end\n");
}

typedef struct {
    lb_record_meta *m;
    lb_result *r;
    lb_buf *stream; /* the stream being read, or NULL in the header */
    lb_buf out, err;
    int have_out, have_err, ended, runs_cap;
} parser;

static int set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = lb_xstrdup(v);
    return 0;
}

static int header_line(parser *p, const char *name, const char *v)
{
    lb_record_meta *m = p->m;
    lb_result *r = p->r;
    if (strcmp(name, "chunk") == 0)
        return set_str(&m->chunk, v);
    if (strcmp(name, "source-hash") == 0)
        return set_str(&m->source_hash, v);
    if (strcmp(name, "recorded") == 0)
        return set_str(&m->date, v);
    if (strcmp(name, "machine") == 0)
        return set_str(&m->machine, v);
    if (strcmp(name, "cpu") == 0)
        return set_str(&m->cpu, v);
    if (strcmp(name, "python") == 0)
        return set_str(&m->python, v);
    if (strcmp(name, "device") == 0)
        return set_str(&m->device, v);
    if (strcmp(name, "module") == 0) {
        lb_strv_push(&m->modules, v);
        return 0;
    }
    if (strcmp(name, "value") == 0 || strcmp(name, "claim") == 0) {
        char err[256];
        return lb_pub_add(r, name, v, strlen(v), err, sizeof err);
    }
    if (strcmp(name, "exit-status") == 0)
        return sscanf(v, "%d", &r->exit_code) == 1 ? 0 : -1;
    if (strcmp(name, "ending") == 0) {
        int end = 0;
        if (sscanf(v, "%d %d", &end, &r->signo) != 2 || end <= LB_END_NONE ||
            end > LB_END_SANITIZER)
            return -1;
        r->end = (lb_end)end;
        return 0;
    }
    if (strcmp(name, "failure") == 0)
        return set_str(&r->failure, v);
    if (strcmp(name, "wall-seconds") == 0)
        return sscanf(v, "%lf", &r->first.wall_s) == 1 ? 0 : -1;
    if (strcmp(name, "cpu-seconds") == 0)
        return sscanf(v, "%lf", &r->first.cpu_s) == 1 ? 0 : -1;
    if (strcmp(name, "max-rss-kb") == 0)
        return sscanf(v, "%ld", &r->first.maxrss_kb) == 1 ? 0 : -1;
    if (strcmp(name, "repeat-run") == 0) {
        if (r->nruns == p->runs_cap) {
            p->runs_cap = p->runs_cap ? p->runs_cap * 2 : 16;
            r->runs = lb_xrealloc(r->runs, (size_t)p->runs_cap * sizeof *r->runs);
        }
        lb_run_stat *s = &r->runs[r->nruns++];
        return sscanf(v, "%lf %lf %ld", &s->wall_s, &s->cpu_s, &s->maxrss_kb) == 3 ? 0 : -1;
    }
    return 0; /* a field from a later litbook: ignored */
}

static int parse_line(parser *p, char *line)
{
    if (p->ended)
        return *line ? -1 : 0;
    if (line[0] == '|' && p->stream && (line[1] == '\0' || line[1] == ' ')) {
        lb_buf_puts(p->stream, line[1] ? line + 2 : "");
        lb_buf_putc(p->stream, '\n');
        return 0;
    }
    if (strcmp(line, "\\ no newline at end") == 0 && p->stream && p->stream->len) {
        p->stream->ptr[--p->stream->len] = '\0';
        return 0;
    }
    if (strcmp(line, "stdout:") == 0 && !p->have_out) {
        p->have_out = 1;
        p->stream = &p->out;
        return 0;
    }
    if (strcmp(line, "stderr:") == 0 && p->have_out && !p->have_err) {
        p->have_err = 1;
        p->stream = &p->err;
        return 0;
    }
    if (strcmp(line, "end") == 0 && p->have_err) {
        p->ended = 1;
        return 0;
    }
    char *colon = strstr(line, ": ");
    if (p->stream || !colon)
        return -1;
    *colon = '\0';
    return header_line(p, line, colon + 2);
}

int lb_record_parse(const char *text, lb_record_meta *m, lb_result *r)
{
    memset(m, 0, sizeof *m);
    memset(r, 0, sizeof *r);
    size_t n = strlen(MAGIC);
    if (strncmp(text, MAGIC, n) != 0 || text[n] != '\n')
        return -1;
    parser p = {m, r, NULL, LB_BUF_INIT, LB_BUF_INIT, 0, 0, 0, 0};
    char *copy = lb_xstrdup(text + n + 1);
    int rc = 0;
    for (char *line = copy; line && *line && rc == 0;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        rc = parse_line(&p, line);
        line = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (rc == 0 && (!p.ended || !m->source_hash))
        rc = -1;
    r->out_len = p.out.len;
    r->out = lb_buf_detach(&p.out);
    r->err_len = p.err.len;
    r->err = lb_buf_detach(&p.err);
    r->ran = r->end != LB_END_COMPILE;
    /* As the engine left it: a failure until fails= judges it. */
    r->status = r->end != LB_END_NONE ? LB_RES_FAILED : LB_RES_OK;
    return rc;
}

int lb_record_save(const char *path, const lb_record_meta *m, const lb_result *r)
{
    lb_buf dir = LB_BUF_INIT, text = LB_BUF_INIT;
    const char *slash = strrchr(path, '/');
    if (slash)
        lb_buf_append(&dir, path, (size_t)(slash - path));
    lb_record_format(m, r, &text);
    int rc =
        (slash && lb_mkdirs(dir.ptr) < 0) ? -1 : lb_write_file_durable(path, text.ptr, text.len);
    lb_buf_free(&dir);
    lb_buf_free(&text);
    return rc;
}

void lb_record_label(const lb_record_meta *m, lb_buf *out)
{
    lb_buf_printf(out, "recorded on %s", m->machine ? m->machine : "an unknown machine");
    if (m->cpu && *m->cpu)
        lb_buf_printf(out, " (%s)", m->cpu);
    if (m->date)
        lb_buf_printf(out, ", %.10s", m->date); /* the day is enough on a page */
    for (size_t i = 0; i < m->modules.n; i++)
        lb_buf_printf(out, ", %s", m->modules.v[i]);
    if (m->device)
        lb_buf_printf(out, ", on %s", m->device);
}

static void not_run(lb_result *res, const char *reason, const char *path, const char *why)
{
    res->status = LB_RES_NOT_RUN;
    lb_buf b = LB_BUF_INIT;
    lb_buf_puts(&b, reason);
    if (why)
        lb_buf_printf(&b, "; the recording %s %s", path, why);
    res->not_run_reason = lb_buf_detach(&b);
}

void lb_record_apply(const char *path, const char *source_hash, const char *reason, lb_result *res)
{
    lb_result_free(res);
    lb_buf text = LB_BUF_INIT;
    if (lb_read_file(path, &text) < 0) {
        not_run(res, reason, path, errno == ENOENT ? NULL : "cannot be read");
        lb_buf_free(&text);
        return;
    }
    lb_record_meta m;
    lb_result rec;
    if (lb_record_parse(lb_buf_str(&text), &m, &rec) < 0) {
        lb_result_free(&rec);
        not_run(res, reason, path, "is damaged (record it again)");
    } else if (strcmp(m.source_hash, source_hash) != 0) {
        lb_result_free(&rec);
        lb_buf why = LB_BUF_INIT;
        lb_buf_printf(&why, "is stale: the chunk changed since it was recorded on %s, %.10s",
                      m.machine ? m.machine : "?", m.date ? m.date : "?");
        not_run(res, reason, path, why.ptr);
        lb_buf_free(&why);
    } else {
        *res = rec;
        res->cached = 1; /* a stored result: the summary must not say it ran */
        lb_buf label = LB_BUF_INIT;
        lb_record_label(&m, &label);
        res->recorded = lb_buf_detach(&label);
    }
    lb_record_meta_free(&m);
    lb_buf_free(&text);
}
