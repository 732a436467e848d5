/* cache: results stored by the hash of everything they depend on.
 *
 * An entry lives at DIR/KEY (KEY: 32 hex digits of XXH3-128) and holds a
 * chunk's raw result (before the expected output is compared, so editing
 * an expected block never reruns a program) and the files the result also
 * depends on but that were only known after it ran: the headers the
 * compiler read. Each is recorded with its size, mtime and content hash; a
 * lookup is a hit only when every one is unchanged (stat first, contents
 * hashed only when the stat differs). Entries are written to a temporary
 * name and renamed: a crash leaves either the old entry or the new. */
#ifndef LB_CACHE_H
#define LB_CACHE_H

#include <xxhash.h>

#include "result.h"
#include "split.h"

typedef struct {
    XXH3_state_t *st;
} lb_hash;

void lb_hash_init(lb_hash *h);
void lb_hash_str(lb_hash *h, const char *s); /* hashes the length too: "ab","c" != "a","bc" */
void lb_hash_bytes(lb_hash *h, const void *p, size_t n);
/* Finishes: writes 32 hex digits and a NUL, frees the state. */
void lb_hash_hex(lb_hash *h, char out[33]);

/* Content hash of a file; -1 when unreadable. */
int lb_file_hash(const char *path, char out[33]);

/* 1 and *r filled on a hit; 0 on a miss (or a damaged entry, which is
 * treated as absent). */
int lb_cache_load(const char *dir, const char *key, lb_result *r);

/* What one build has learned about dependency files, shared by all its
 * lookups (thread-safe), so a header read by every chunk is looked at once.
 * Only valid while nothing writes those files: one per build. */
typedef struct lb_dep_memo lb_dep_memo;
lb_dep_memo *lb_dep_memo_new(void);
void lb_dep_memo_free(lb_dep_memo *m);
/* Adds path to the memo (as if a lookup had read it): the headers a fresh
 * compile reported, so that lb_dep_memo_each sees them too. */
void lb_dep_memo_note(lb_dep_memo *m, const char *path);
/* Calls fn for every path the memo holds, in no particular order. */
void lb_dep_memo_each(lb_dep_memo *m, void (*fn)(void *ctx, const char *path), void *ctx);
/* lb_cache_load with a build's memo (NULL: none). */
int lb_cache_load_memo(const char *dir, const char *key, lb_result *r, lb_dep_memo *memo);
/* Stores r under key with deps (paths). Returns 0 or -1 (not fatal: the
 * next build reruns). */
int lb_cache_store(const char *dir, const char *key, const lb_result *r, const lb_strv *deps);
/* lb_cache_store with a build's memo (NULL: none): each dependency is
 * hashed once per build, and is in the memo afterwards. */
int lb_cache_store_memo(const char *dir, const char *key, const lb_result *r, const lb_strv *deps,
                        lb_dep_memo *memo);

/* A tool's identity for cache keys: its resolved path and what
 * `prog --version` prints, remembered in DIR/tools keyed by the binary's
 * path, size, mtime and inode so that no process is spawned when nothing
 * changed. Caller frees. NULL when the tool cannot be found. */
char *lb_tool_identity(const char *dir, const char *prog);

#endif
