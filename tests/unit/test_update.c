/* --update over several chapters (issue 20): the chapters named are
 * rewritten, the others left alone, and nothing past the arrays is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"
#include "chapter.h"
#include "diag.h"
#include "fsutil.h"
#include "update.h"

static const char mismatch[] = "# M\n"
                               "\n"
                               "```c {#count}\n"
                               "int main(void) { return 0; }\n"
                               "```\n"
                               "\n"
                               "```output\n"
                               "line 1\n"
                               "line three\n"
                               "```\n";

/* Room for size bytes that ends where an inaccessible page begins, so
 * that reading one byte past it faults in the normal build too, not only
 * under the sanitizer. Free with guarded_free(p, size). */
static void *guarded(size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (size + page - 1) / page * page;
    char *m = mmap(NULL, span + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m + span, page, PROT_NONE), 0);
    return m + span - size;
}

static void guarded_free(void *p, size_t size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (size + page - 1) / page * page;
    munmap((char *)p + size - span, span + page);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Each test's own folder, removed with what is in it by the teardown,
 * whatever a failed check left there. */
static int make_dir(void **state)
{
    char *dir = strdup("/tmp/litbook-test-update.XXXXXX");
    if (!dir || !mkdtemp(dir))
        return -1;
    *state = dir;
    return 0;
}

static int remove_dir(void **state)
{
    char *dir = *state;
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
    return 0;
}

/* Two chapters with the same mismatch; only the first named. */
static void test_update_named_chapters_only(void **state)
{
    const char *dir = *state;
    char path[2][64];
    const size_t n = 2;
    lb_chapter *chapters = guarded(n * sizeof *chapters);
    char *named = guarded(n);
    for (size_t i = 0; i < n; i++) {
        snprintf(path[i], sizeof path[i], "%s/ch%zu.md", dir, i);
        write_text(path[i], mismatch);
        lb_diag d;
        assert_int_equal(lb_chapter_load(path[i], &chapters[i], &d), 0);
        assert_int_equal(chapters[i].nchunks, 1);
        lb_result *r = &chapters[i].chunks[0].res;
        r->out = strdup("line 1\nline 3\n");
        r->out_len = strlen(r->out);
        r->mismatch = 1;
        r->status = LB_RES_FAILED;
        named[i] = i == 0;
    }
    lb_diag d;
    assert_int_equal(lb_update_chapters(chapters, n, named, &d), 1);
    lb_buf got = LB_BUF_INIT;
    assert_int_equal(lb_read_file(path[0], &got), 0);
    assert_non_null(strstr(lb_buf_str(&got), "```output\nline 1\nline 3\n```\n"));
    assert_null(strstr(lb_buf_str(&got), "line three"));
    lb_buf_reset(&got);
    assert_int_equal(lb_read_file(path[1], &got), 0);
    assert_string_equal(lb_buf_str(&got), mismatch);
    lb_buf_free(&got);
    assert_int_equal(chapters[0].chunks[0].res.verified, 1);
    assert_int_equal(chapters[0].chunks[0].res.status, LB_RES_OK);
    assert_int_equal(chapters[1].chunks[0].res.verified, 0);
    for (size_t i = 0; i < n; i++)
        lb_chapter_free(&chapters[i]);
    guarded_free(chapters, n * sizeof *chapters);
    guarded_free(named, n);
}

/* No chapter at all: nothing read, not even the first of the arrays. */
static void test_update_no_chapters(void **state)
{
    (void)state;
    lb_chapter *chapters = guarded(0);
    char *named = guarded(0);
    lb_diag d;
    assert_int_equal(lb_update_chapters(chapters, 0, named, &d), 0);
    guarded_free(chapters, 0);
    guarded_free(named, 0);
}

/* Loads the chapter text (written to path) with its chunk's output made
 * out, a mismatch to update. */
static void load_text_mismatched(const char *path, const char *text, lb_chapter *ch,
                                 const char *out)
{
    write_text(path, text);
    lb_diag d;
    assert_int_equal(lb_chapter_load(path, ch, &d), 0);
    lb_result *r = &ch->chunks[0].res;
    r->out = strdup(out);
    r->out_len = strlen(out);
    r->mismatch = 1;
    r->status = LB_RES_FAILED;
}

static void load_mismatched(const char *path, lb_chapter *ch, const char *out)
{
    load_text_mismatched(path, mismatch, ch, out);
}

/* Output that prints a fence of its own: the new block's fences are longer
 * than the longest run of backticks in it, so that it stays one block. */
static void test_update_fence_outlasts_the_output(void **state)
{
    const char *dir = *state;
    char path[64];
    snprintf(path, sizeof path, "%s/ch.md", dir);
    lb_chapter ch;
    load_mismatched(path, &ch, "a ` b `` c\n````\nend\n");
    lb_buf text = LB_BUF_INIT;
    assert_int_equal(lb_update_text(&ch, &text), 1);
    assert_non_null(strstr(lb_buf_str(&text), "\n`````output\na ` b `` c\n````\nend\n`````\n"));
    lb_buf_free(&text);
    lb_chapter_free(&ch);
}

/* The chapter with each "\n" of mismatch[] made eol. Caller frees. */
static char *with_eol(const char *eol)
{
    lb_buf b = LB_BUF_INIT;
    for (const char *p = mismatch; *p; p++)
        if (*p == '\n')
            lb_buf_puts(&b, eol);
        else
            lb_buf_putc(&b, *p);
    return lb_buf_detach(&b);
}

/* A chapter saved with CRLF or old Mac (lone CR) line endings: the block
 * the parser found is the one replaced, nothing else changes, and the new
 * lines end as the chapter's do. (Counting lines by "\n" alone, a lone-CR
 * chapter is one line: the old block stayed and a new one was appended.) */
static void update_with_eol(const char *dir, const char *eol)
{
    char path[64];
    snprintf(path, sizeof path, "%s/ch.md", dir);
    char *src = with_eol(eol);
    lb_chapter ch;
    load_text_mismatched(path, src, &ch, "line 1\nline 2\n");
    lb_buf text = LB_BUF_INIT;
    assert_int_equal(lb_update_text(&ch, &text), 1);
    lb_buf want = LB_BUF_INIT;
    const char *cut = strstr(src, "```output");
    assert_non_null(cut);
    lb_buf_append(&want, src, (size_t)(cut - src));
    lb_buf_printf(&want, "```output%sline 1%sline 2%s```%s", eol, eol, eol, eol);
    assert_string_equal(lb_buf_str(&text), lb_buf_str(&want));
    lb_buf_free(&want);
    lb_buf_free(&text);
    lb_chapter_free(&ch);
    free(src);
}

static void test_update_crlf_chapter(void **state)
{
    update_with_eol(*state, "\r\n");
}

static void test_update_lone_cr_chapter(void **state)
{
    update_with_eol(*state, "\r");
}

/* A chapter that cannot be written: an error about the file (no line of
 * it is wrong), and the chunk stays failed. */
static void test_update_unwritable_chapter(void **state)
{
    const char *dir = *state;
    char path[64];
    snprintf(path, sizeof path, "%s/ch.md", dir);
    lb_chapter ch;
    load_mismatched(path, &ch, "line 1\nline 3\n");
    unlink(path);
    rmdir(dir); /* its folder gone: the write fails with ENOENT */
    char named[] = {1};
    lb_diag d;
    memset(&d, 0, sizeof d);
    assert_int_equal(lb_update_chapters(&ch, 1, named, &d), -1);
    assert_int_equal(d.severity, LB_ERROR);
    assert_string_equal(d.file, path);
    assert_int_equal(d.line, 0);
    assert_non_null(strstr(d.msg, "cannot update: "));
    assert_int_equal(ch.chunks[0].res.verified, 0);
    lb_chapter_free(&ch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_update_named_chapters_only, make_dir, remove_dir),
        cmocka_unit_test(test_update_no_chapters),
        cmocka_unit_test_setup_teardown(test_update_fence_outlasts_the_output, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(test_update_unwritable_chapter, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_update_crlf_chapter, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_update_lone_cr_chapter, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
