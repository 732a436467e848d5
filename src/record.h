/* record: recorded results ("freeze"), for chunks that cannot run on every
 * machine.
 *
 * `litbook build --record CHAPTER.md` saves each python chunk's result with
 * its provenance under BOOK/recorded/SLUG/NAME.txt, as plain text meant to
 * be read in a review and diffed by git:
 *
 *   litbook recording 1
 *   chunk: chapters/06-numpy-vs-jax-speed.md#jax-original
 *   source-hash: 3f0c...            (the chunk as run: code, args, stdin, requires)
 *   recorded: 2025-06-01T14:03:22Z
 *   machine: gpu-box
 *   cpu: AMD EPYC 7763 64-Core Processor
 *   python: 3.11.2 (/usr/bin/python3)
 *   module: jax 0.4.30
 *   device: gpu (NVIDIA H200, cuda 12080), jaxlib 0.4.30   (chunks that require jax)
 *   exit-status: 0
 *   wall-seconds: 1.234567
 *   cpu-seconds: 1.100000
 *   max-rss-kb: 123456
 *   repeat-run: 1.2 1.1 123456      (one per timed run after the first)
 *   value: jit_us 101.3             (one per published value, escaped)
 *   claim: held 42 jit is faster    (one per claim: held|failed, its line)
 *   stdout:
 *   | NumPy   : 1.234 ms
 *   stderr:
 *
 * Output lines carry a "| " prefix so that any text (blank lines, lines
 * that look like headers) survives; a stream that does not end in a
 * newline is followed by the line "\ no newline at end". A recording is
 * used only while its source-hash equals the chunk's current one. */
#ifndef LB_RECORD_H
#define LB_RECORD_H

#include "buf.h"
#include "chapter.h"
#include "result.h"
#include "split.h"

typedef struct {
    char *chunk;       /* "chapters/x.md#name" */
    char *source_hash; /* 32 hex digits */
    char *date;        /* ISO 8601, UTC */
    char *machine;     /* host name */
    char *cpu;         /* CPU model name */
    char *python;      /* "3.11.2 (/usr/bin/python3)" */
    lb_strv modules;   /* "name version", for the modules the chunk requires */
    char *device;      /* what JAX ran on ("cpu, jaxlib 0.10.2"), or NULL */
} lb_record_meta;

void lb_record_meta_free(lb_record_meta *m);

/* Where chunk c's recording lives: BOOK_DIR/recorded/SLUG/ANCHOR.txt.
 * Appends to out. */
void lb_record_path(const char *book_dir, const lb_chapter *ch, const lb_chunk *c, lb_buf *out);

/* The hash that decides whether a recording is current: what was run
 * (src, the assembled program), its arguments, stdin and required modules;
 * not the machine or the versions, which the recording documents. */
void lb_record_source_hash(const lb_chunk *c, const char *src, char out[33]);

/* Fills m->date, m->machine and m->cpu for this machine and now. */
void lb_record_here(lb_record_meta *m);

/* The text of a recording (format above). Appends to out. */
void lb_record_format(const lb_record_meta *m, const lb_result *r, lb_buf *out);
/* Parses text (NUL-terminated). Returns 0 with *m and *r filled (r->ran
 * set, r->status LB_RES_OK; free both, also on failure), or -1 when the
 * text is not a complete recording. */
int lb_record_parse(const char *text, lb_record_meta *m, lb_result *r);

/* Writes the recording atomically, creating its folders. 0 or -1 (errno). */
int lb_record_save(const char *path, const lb_record_meta *m, const lb_result *r);

/* "recorded on gpu-box (AMD EPYC 7763), 2025-06-01, jax 0.4.30, on gpu
 * (NVIDIA H200, cuda 12080), jaxlib 0.4.30". Appends. */
void lb_record_label(const lb_record_meta *m, lb_buf *out);

/* For a chunk that cannot run here (reason: "jax is not installed here"):
 * fills *res from the recording at path when it exists and its source hash
 * is source_hash (status OK, ran, cached: it did not run in this build,
 * res->recorded set to the label); else
 * res is LB_RES_NOT_RUN with not_run_reason saying why, and naming a stale
 * or unreadable recording. res is freed first. */
void lb_record_apply(const char *path, const char *source_hash, const char *reason, lb_result *res);

#endif
