/* The cache's dependency records (issue 20): a damaged entry is a miss,
 * never a hit read past its record; a tool's identity holds its version. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "result.h"
#include "split.h"
#include "fsutil.h"

#define KEY "0123456789abcdef0123456789abcdef"

typedef struct {
    char dir[64];
    char entry[128];  /* dir/KEY */
    char header[128]; /* the dependency the entry records */
} fixture;

/* The result every entry of these tests holds (borrowed strings). */
static lb_result stored_result(void)
{
    lb_result r;
    memset(&r, 0, sizeof r);
    r.status = LB_RES_OK;
    r.ran = 1;
    r.out = "hello\n";
    r.out_len = 6;
    return r;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/litbook-test-cache.XXXXXX");
    if (!f || !mkdtemp(f->dir))
        return -1;
    snprintf(f->entry, sizeof f->entry, "%s/%s", f->dir, KEY);
    snprintf(f->header, sizeof f->header, "%s/dep.h", f->dir);
    FILE *h = fopen(f->header, "w");
    if (!h)
        return -1;
    fputs("#define DEP 1\n", h);
    fclose(h);
    lb_result r = stored_result();
    lb_strv deps = {0};
    lb_strv_push(&deps, f->header);
    int rc = lb_cache_store(f->dir, KEY, &r, &deps);
    lb_strv_free(&deps);
    *state = f;
    return rc;
}

/* Everything in the test's folder goes, whatever a failed check left. */
static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

static int loads(const fixture *f)
{
    lb_result r;
    int hit = lb_cache_load(f->dir, KEY, &r);
    if (hit)
        lb_result_free(&r);
    return hit;
}

/* The entry's bytes, to damage in place and write back. */
static void read_entry(const fixture *f, lb_buf *b)
{
    assert_int_equal(lb_read_file(f->entry, b), 0);
}

static void write_entry(const fixture *f, const lb_buf *b)
{
    FILE *o = fopen(f->entry, "w");
    assert_non_null(o);
    assert_int_equal(fwrite(b->ptr, 1, b->len, o), b->len);
    fclose(o);
}

/* Where the dependency's hash starts: after "dep LEN\nSIZE MTIME ". */
static char *dep_hash(lb_buf *b)
{
    char *rec = strstr(b->ptr, "\ndep ");
    assert_non_null(rec);
    char *val = strchr(rec + 1, '\n') + 1;
    char *sp = strchr(strchr(val, ' ') + 1, ' ');
    assert_non_null(sp);
    return sp + 1;
}

static void test_intact_entry_hits(void **state)
{
    fixture *f = *state;
    assert_int_equal(loads(f), 1);
}

/* A crash can leave a block of zeros inside a file. The record keeps its
 * length, so the entry still parses, but its hash is cut to 3 characters
 * and the separator before the path is where it was: a reader that checked
 * only that separator would take the bytes before the first zero for the
 * hash and, since the header's size and mtime still match, call it a hit. */
static void test_zeroed_hash_is_a_miss(void **state)
{
    fixture *f = *state;
    lb_buf b = LB_BUF_INIT;
    read_entry(f, &b);
    char *hash = dep_hash(&b);
    assert_int_equal(hash[32], ' ');
    memset(hash + 3, 0, 29);
    write_entry(f, &b);
    lb_buf_free(&b);
    assert_int_equal(loads(f), 0);
}

/* A dependency record cut short (no path, part of the hash), its length
 * header made to match: a miss. */
static void test_short_dep_record_is_a_miss(void **state)
{
    fixture *f = *state;
    lb_buf b = LB_BUF_INIT, out = LB_BUF_INIT;
    read_entry(f, &b);
    char *rec = strstr(b.ptr, "\ndep ") + 1;
    char *val = strchr(rec, '\n') + 1;
    size_t keep = (size_t)(dep_hash(&b) - val) + 10;
    char *rest = strstr(val, "\nend ") + 1;
    lb_buf_append(&out, b.ptr, (size_t)(rec - b.ptr));
    lb_buf_printf(&out, "dep %zu\n", keep);
    lb_buf_append(&out, val, keep);
    lb_buf_puts(&out, "\n");
    lb_buf_puts(&out, rest);
    write_entry(f, &out);
    lb_buf_free(&out);
    lb_buf_free(&b);
    assert_int_equal(loads(f), 0);
}

/* A record length past SIZE_MAX is damage, not a number to wrap: read
 * modulo 2^64, "18446744073709551622" is 6, the length of the record that
 * follows, and the damaged entry would load as a hit. */
static void test_record_length_past_size_max_is_a_miss(void **state)
{
    fixture *f = *state;
    lb_buf b = LB_BUF_INIT, out = LB_BUF_INIT;
    read_entry(f, &b);
    const char *rec = strstr(b.ptr, "\nout 6\n");
    assert_non_null(rec);
    lb_buf_append(&out, b.ptr, (size_t)(rec - b.ptr));
    lb_buf_puts(&out, "\nout 18446744073709551622\n");
    lb_buf_puts(&out, rec + strlen("\nout 6\n"));
    write_entry(f, &out);
    lb_buf_free(&out);
    lb_buf_free(&b);
    assert_int_equal(loads(f), 0);
}

static void test_changed_dep_is_a_miss(void **state)
{
    fixture *f = *state;
    FILE *h = fopen(f->header, "a");
    assert_non_null(h);
    fputs("#define MORE 2\n", h);
    fclose(h);
    assert_int_equal(loads(f), 0);
}

/* Stored through a build's memo, the entry records what storing without
 * one records (size, mtime, hash, path), for two chunks that share the
 * header, and a change to the header after the build is still a miss. */
static void test_store_through_memo_records_the_same(void **state)
{
    fixture *f = *state;
    lb_buf plain = LB_BUF_INIT, memo_rec = LB_BUF_INIT;
    read_entry(f, &plain);
    lb_result r = stored_result();
    lb_strv deps = {0};
    lb_strv_push(&deps, f->header);
    lb_dep_memo *m = lb_dep_memo_new();
    const char *other = "fedcba9876543210fedcba9876543210";
    assert_int_equal(lb_cache_store_memo(f->dir, other, &r, &deps, m), 0);
    assert_int_equal(lb_cache_store_memo(f->dir, KEY, &r, &deps, m), 0); /* from the memo */
    lb_dep_memo_free(m);
    lb_strv_free(&deps);
    read_entry(f, &memo_rec);
    assert_string_equal(memo_rec.ptr, plain.ptr);
    lb_buf_free(&plain);
    lb_buf_free(&memo_rec);
    lb_result got;
    assert_int_equal(lb_cache_load(f->dir, other, &got), 1);
    lb_result_free(&got);
    test_changed_dep_is_a_miss(state);
    assert_int_equal(lb_cache_load(f->dir, other, &got), 0);
}

/* A tool's identity for the cache keys: its path and what --version says,
 * remembered in dir/tools-*. */
static void make_tool(const fixture *f, char *tool, size_t size)
{
    snprintf(tool, size, "%s/tool", f->dir);
    FILE *t = fopen(tool, "w");
    assert_non_null(t);
    fputs("#!/bin/sh\necho \"tool 1.2.3 ($1)\"\n", t);
    fclose(t);
    assert_int_equal(chmod(tool, 0755), 0);
}

static void remove_memos(const fixture *f, int truncate_only)
{
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
        if (strncmp(e->d_name, "tools-", 6) == 0) {
            snprintf(p, sizeof p, "%s/%s", f->dir, e->d_name);
            if (truncate_only)
                assert_int_equal(truncate(p, 0), 0);
            else
                unlink(p);
        }
    closedir(d);
}

static int count_memos(const fixture *f)
{
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, "tools-", 6) == 0;
    closedir(d);
    return n;
}

static void test_tool_identity_says_the_version(void **state)
{
    fixture *f = *state;
    char tool[128], want[256];
    make_tool(f, tool, sizeof tool);
    snprintf(want, sizeof want, "%s\ntool 1.2.3 (--version)\n", tool);
    char *id = lb_tool_identity(f->dir, tool);
    assert_non_null(id);
    assert_string_equal(id, want);
    free(id);
    assert_int_equal(count_memos(f), 1); /* remembered */
    id = lb_tool_identity(f->dir, tool); /* from the memo this time */
    assert_string_equal(id, want);
    free(id);
    remove_memos(f, 0);
    unlink(tool);
}

/* An empty memo (a write cut short) is not an identity: asked again. */
static void test_tool_identity_empty_memo_ignored(void **state)
{
    fixture *f = *state;
    char tool[128], want[256];
    make_tool(f, tool, sizeof tool);
    snprintf(want, sizeof want, "%s\ntool 1.2.3 (--version)\n", tool);
    free(lb_tool_identity(f->dir, tool));
    remove_memos(f, 1);
    char *id = lb_tool_identity(f->dir, tool);
    assert_non_null(id);
    assert_string_equal(id, want);
    free(id);
    remove_memos(f, 0);
    unlink(tool);
}

/* The memo is per path, size, mtime and inode: a tool whose mtime moved
 * is asked again, under a new memo, even when the move is one second up
 * and one nanosecond down (the mtime counted whole, not its seconds and
 * nanoseconds added). */
static void test_tool_identity_new_mtime_asked_again(void **state)
{
    fixture *f = *state;
    char tool[128];
    make_tool(f, tool, sizeof tool);
    const struct timespec before[2] = {{1700000000, 1}, {1700000000, 1}};
    const struct timespec after[2] = {{1700000001, 0}, {1700000001, 0}};
    assert_int_equal(utimensat(AT_FDCWD, tool, before, 0), 0);
    free(lb_tool_identity(f->dir, tool));
    assert_int_equal(count_memos(f), 1);
    assert_int_equal(utimensat(AT_FDCWD, tool, after, 0), 0);
    free(lb_tool_identity(f->dir, tool));
    assert_int_equal(count_memos(f), 2);
    remove_memos(f, 0);
    unlink(tool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact_entry_hits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zeroed_hash_is_a_miss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_dep_record_is_a_miss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changed_dep_is_a_miss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_length_past_size_max_is_a_miss, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_store_through_memo_records_the_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tool_identity_says_the_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tool_identity_empty_memo_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tool_identity_new_mtime_asked_again, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
