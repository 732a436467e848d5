/* The jail's discovery of the cgroups it may use (jail_discover.h), on
 * machines of the tests' own: a fake cgroup tree in a temporary folder,
 * and mountinfo and /proc/self/cgroup texts that name it. The machines
 * these tests run on need not have a writable cgroup v2 with controllers
 * (a hybrid one has only v1 pids and memory), so this is where the v2
 * branch is tested. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "jail_discover.h"

/* The uid and gid the unwritable-folder test drops to when run as root
 * (root may write anywhere, whatever the mode says). */
enum { NOBODY = 65534 };

static char root[] = "/tmp/lb-discover.XXXXXX";

static int make_root(void **state)
{
    (void)state;
    strcpy(root + strlen(root) - 6, "XXXXXX");
    if (!mkdtemp(root))
        return -1;
    return chmod(root, 0755); /* NOBODY must reach the folders in it */
}

static int remove_root(void **state)
{
    (void)state;
    chmod(root, 0755);
    return lb_remove_tree(root);
}

/* root/rel as a new string (caller frees). */
static char *at(const char *rel)
{
    lb_buf b = LB_BUF_INIT;
    lb_buf_printf(&b, "%s/%s", root, rel);
    return lb_buf_detach(&b);
}

static void put(const char *rel, const char *file, const char *text)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/%s/%s", root, rel, file);
    assert_int_equal(lb_write_file_atomic(p.ptr, text, strlen(text)), 0);
    lb_buf_free(&p);
}

/* A folder as the kernel shows a cgroup: it holds a cgroup.procs, and a
 * cgroup.subtree_control with the text given (NULL: none). */
static void cgroup_dir(const char *rel, const char *subtree_control)
{
    char *dir = at(rel);
    assert_int_equal(lb_mkdirs(dir), 0);
    free(dir);
    put(rel, "cgroup.procs", "");
    if (subtree_control)
        put(rel, "cgroup.subtree_control", subtree_control);
}

/* Appends one /proc/self/mountinfo line: a mount of fstype at root/rel
 * (rel NULL: mnt as it is), with those super options. */
static void mount_line(lb_buf *mi, const char *rel, const char *fstype, const char *super)
{
    int id = 31; /* the mount ids, as the kernel's: one a line */
    for (const char *p = lb_buf_str(mi); *p; p++)
        id += *p == '\n';
    lb_buf_printf(mi, "%d 23 0:%d / %s%s%s rw,nosuid,nodev,noexec,relatime shared:%d - %s %s %s\n",
                  id, id, rel ? root : "", rel ? "/" : "", rel ? rel : "/sys/fs/cgroup", id, fstype,
                  fstype, super);
}

static void discover(const lb_buf *mountinfo, const char *self_cgroup, lb_jail_machine *m)
{
    memset(m, 0x55, sizeof *m); /* every field must be set, whatever was there */
    lb_jail_discover_from(lb_buf_str(mountinfo), self_cgroup, m);
}

static void machine_free(lb_jail_machine *m)
{
    free(m->v2_base);
    free(m->v1_pids);
    free(m->v1_mem);
}

/* dir is NULL when want is, else root/want. */
static void assert_dir(const char *dir, const char *want, const char *what)
{
    if (!want) {
        if (dir)
            fail_msg("%s: %s, want none", what, dir);
        return;
    }
    char *path = at(want);
    if (!dir || strcmp(dir, path) != 0)
        fail_msg("%s: %s, want %s", what, dir ? dir : "none", path);
    free(path);
}

/* A machine with a delegated cgroup v2 tree: the base is found, and the
 * controllers its cgroup.subtree_control names are enabled, in whatever
 * order and wherever in the line they stand. */
static void test_v2_with_pids_and_memory(void **state)
{
    (void)state;
    const char *subtree[] = {"memory pids\n", "pids memory\n",
                             "cpuset cpu io memory hugetlb pids\n"};
    cgroup_dir("v2", NULL);
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, NULL, "tmpfs", "rw,mode=755");
    mount_line(&mi, "v2", "cgroup2", "rw,nsdelegate,memory_recursiveprot");
    for (size_t i = 0; i < sizeof subtree / sizeof *subtree; i++) {
        put("v2", "cgroup.subtree_control", subtree[i]);
        lb_jail_machine m;
        discover(&mi, "0::/\n", &m);
        assert_dir(m.v2_base, "v2", subtree[i]);
        if (m.v2_pids != 1 || m.v2_mem != 1)
            fail_msg("subtree_control %s: pids %d, memory %d, want 1 and 1", subtree[i], m.v2_pids,
                     m.v2_mem);
        assert_dir(m.v1_pids, NULL, "v1 pids");
        assert_dir(m.v1_mem, NULL, "v1 memory");
        machine_free(&m);
    }
    lb_buf_free(&mi);
}

/* A controller that cgroup.subtree_control does not name is not enabled,
 * nor one named only in the parent's (the mount's root, when our own
 * cgroup is below it). */
static void test_v2_without_them(void **state)
{
    (void)state;
    static const struct {
        const char *subtree;
        int pids, mem;
    } cases[] = {
        {"", 0, 0}, {"\n", 0, 0}, {"cpu io\n", 0, 0}, {"memory\n", 0, 1}, {"cpu pids\n", 1, 0},
    };
    cgroup_dir("v2", "memory pids\n");
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "v2", "cgroup2", "rw");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cgroup_dir("v2/user.slice/build", cases[i].subtree);
        lb_jail_machine m;
        discover(&mi, "0::/user.slice/build\n", &m);
        assert_dir(m.v2_base, "v2/user.slice/build", cases[i].subtree);
        if (m.v2_pids != cases[i].pids || m.v2_mem != cases[i].mem)
            fail_msg("subtree_control \"%s\": pids %d, memory %d, want %d and %d", cases[i].subtree,
                     m.v2_pids, m.v2_mem, cases[i].pids, cases[i].mem);
        machine_free(&m);
    }
    lb_buf_free(&mi);
}

/* A v2 cgroup without a readable cgroup.subtree_control enables nothing. */
static void test_v2_subtree_control_missing(void **state)
{
    (void)state;
    cgroup_dir("v2", NULL);
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "v2", "cgroup2", "rw");
    lb_jail_machine m;
    discover(&mi, "0::/\n", &m);
    assert_dir(m.v2_base, "v2", "v2 base");
    assert_int_equal(m.v2_pids, 0);
    assert_int_equal(m.v2_mem, 0);
    machine_free(&m);
    lb_buf_free(&mi);
}

/* The first cgroup2 mount is the one used, as the first v1 mount of each
 * controller is. */
static void test_first_mount_wins(void **state)
{
    (void)state;
    const char *dirs[] = {"v2", "v2again", "pids", "pids2", "memory", "memory2"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        cgroup_dir(dirs[i], "memory pids\n");
    put("v2", "cgroup.subtree_control", "memory\n");
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "v2", "cgroup2", "rw");
    mount_line(&mi, "pids", "cgroup", "rw,pids");
    mount_line(&mi, "memory", "cgroup", "rw,memory");
    mount_line(&mi, "v2again", "cgroup2", "rw");
    mount_line(&mi, "pids2", "cgroup", "rw,pids");
    mount_line(&mi, "memory2", "cgroup", "rw,memory");
    lb_jail_machine m;
    discover(&mi, "0::/\n7:pids:/\n5:memory:/\n", &m);
    assert_dir(m.v2_base, "v2", "v2 base");
    assert_int_equal(m.v2_pids, 0); /* v2's own subtree_control, not v2again's */
    assert_int_equal(m.v2_mem, 1);
    assert_dir(m.v1_pids, "pids", "v1 pids");
    assert_dir(m.v1_mem, "memory", "v1 memory");
    machine_free(&m);
    lb_buf_free(&mi);
}

/* A hybrid machine such as the one these tests were written on: v1 pids
 * and memory hierarchies beside others, a cgroup2 mount with no
 * controllers (systemd's "unified"), our own cgroups at various depths.
 * The unified tree is writable, but not used (see the next test). */
static void test_v1_pids_and_memory_of_a_hybrid(void **state)
{
    (void)state;
    cgroup_dir("unified", "");
    cgroup_dir("cpu", NULL);
    cgroup_dir("pids/build", NULL);
    cgroup_dir("memory/process_api/6b74", NULL);
    cgroup_dir("systemd", NULL);
    lb_buf mi = LB_BUF_INIT;
    lb_buf_puts(&mi, "not a mountinfo line\n");
    mount_line(&mi, NULL, "tmpfs", "rw,mode=755");
    mount_line(&mi, "cpu", "cgroup", "rw,cpu,cpuacct");
    mount_line(&mi, "memory", "cgroup", "rw,memory");
    mount_line(&mi, "systemd", "cgroup", "rw,xattr,name=systemd");
    mount_line(&mi, "pids", "cgroup", "rw,pids");
    mount_line(&mi, "unified", "cgroup2", "rw");
    const char *self = "9:name=systemd:/\n"
                       "8:pids:/build\n"
                       "not a cgroup line\n"
                       "4:memory:/process_api/6b74\n"
                       "2:cpu,cpuacct:/\n"
                       "0::/\n";
    lb_jail_machine m;
    discover(&mi, self, &m);
    assert_dir(m.v1_pids, "pids/build", "v1 pids");
    assert_dir(m.v1_mem, "memory/process_api/6b74", "v1 memory");
    assert_dir(m.v2_base, NULL, "v2 base");
    assert_int_equal(m.v2_pids, 0);
    assert_int_equal(m.v2_mem, 0);
    machine_free(&m);
    lb_buf_free(&mi);
}

/* A v1 hierarchy that holds memory with another controller ("cpu,memory"
 * in /proc/self/cgroup, "rw,cpu,memory" in its super options) is the
 * memory one. */
static void test_v1_memory_with_another_controller(void **state)
{
    (void)state;
    cgroup_dir("cpu,memory/build", NULL);
    cgroup_dir("pids", NULL);
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "cpu,memory", "cgroup", "rw,cpu,memory");
    mount_line(&mi, "pids", "cgroup", "rw,pids");
    lb_jail_machine m;
    discover(&mi, "5:cpu,memory:/build\n3:pids:/\n", &m);
    assert_dir(m.v1_mem, "cpu,memory/build", "v1 memory");
    assert_dir(m.v1_pids, "pids", "v1 pids");
    machine_free(&m);
    lb_buf_free(&mi);
}

/* Discovery sweeps each cgroup folder it found of the empty cgroups of
 * litbooks that are gone, and of none other: ours, a running process's,
 * a folder of another name, one that is not empty. */
static void test_stale_cgroups_swept(void **state)
{
    (void)state;
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    assert_true(dead > 0);
    assert_int_equal(waitpid(dead, NULL, 0), dead); /* its pid runs nothing now */
    cgroup_dir("pids", NULL);
    char name[4][64];
    snprintf(name[0], sizeof name[0], "pids/litbook-%ld-3", (long)dead);
    snprintf(name[1], sizeof name[1], "pids/litbook-%ld-1", (long)getpid());
    snprintf(name[2], sizeof name[2], "pids/litbook-1-7"); /* init runs */
    snprintf(name[3], sizeof name[3], "pids/other-%ld-1", (long)dead);
    for (int i = 0; i < 4; i++) {
        char *d = at(name[i]);
        assert_int_equal(mkdir(d, 0755), 0);
        free(d);
    }
    char full[64];
    snprintf(full, sizeof full, "pids/litbook-%ld-4", (long)dead);
    cgroup_dir(full, NULL); /* not empty: rmdir leaves it */
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "pids", "cgroup", "rw,pids");
    lb_jail_machine m;
    discover(&mi, "3:pids:/\n", &m);
    assert_dir(m.v1_pids, "pids", "v1 pids");
    const char *left[] = {name[1], name[2], name[3], full};
    for (int i = 0; i < 4; i++) {
        char *d = at(left[i]);
        if (access(d, F_OK) != 0)
            fail_msg("%s was removed", d);
        free(d);
    }
    char *gone = at(name[0]);
    if (access(gone, F_OK) == 0)
        fail_msg("%s, a gone litbook's, was kept", gone);
    free(gone);
    machine_free(&m);
    lb_buf_free(&mi);
}

/* A v2 tree that enables neither pids nor memory is not used beside a v1
 * pids hierarchy (it would cost each run a process move for nothing the
 * v1 cgroup does not do); one that enables either is, and so is one with
 * no v1 pids beside it (beside v1 memory only). */
static void test_v2_without_controllers_beside_v1_pids(void **state)
{
    (void)state;
    static const struct {
        const char *subtree, *v1;
        int used;
    } cases[] = {
        {"", "rw,pids", 0},       {"cpu io\n", "rw,pids", 0}, {"memory\n", "rw,pids", 1},
        {"pids\n", "rw,pids", 1}, {"", "rw,memory", 1},       {"cpu io\n", NULL, 1},
    };
    cgroup_dir("unified", NULL);
    cgroup_dir("v1", NULL);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        put("unified", "cgroup.subtree_control", cases[i].subtree);
        lb_buf mi = LB_BUF_INIT;
        mount_line(&mi, "unified", "cgroup2", "rw");
        if (cases[i].v1)
            mount_line(&mi, "v1", "cgroup", cases[i].v1);
        lb_jail_machine m;
        discover(&mi, "4:memory:/\n3:pids:/\n0::/\n", &m);
        if (!!m.v2_base != cases[i].used)
            fail_msg("subtree_control \"%s\" beside %s: v2 %s, want it %s", cases[i].subtree,
                     cases[i].v1 ? cases[i].v1 : "no v1", m.v2_base ? m.v2_base : "none",
                     cases[i].used ? "used" : "not used");
        if (cases[i].used)
            assert_dir(m.v2_base, "unified", "v2 base");
        else
            assert_int_equal(m.v2_pids + m.v2_mem, 0);
        machine_free(&m);
        lb_buf_free(&mi);
    }
}

/* A folder that is not a cgroup (no cgroup.procs), or not there at all,
 * is not used, whatever its subtree_control says. */
static void test_not_a_cgroup_not_used(void **state)
{
    (void)state;
    char *plain = at("plain");
    assert_int_equal(mkdir(plain, 0755), 0);
    free(plain);
    put("plain", "cgroup.subtree_control", "memory pids\n");
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "plain", "cgroup2", "rw");
    mount_line(&mi, "plain", "cgroup", "rw,pids");
    mount_line(&mi, "gone", "cgroup", "rw,memory");
    lb_jail_machine m;
    discover(&mi, "0::/\n8:pids:/\n4:memory:/\n", &m);
    assert_dir(m.v2_base, NULL, "v2 base");
    assert_int_equal(m.v2_pids, 0);
    assert_int_equal(m.v2_mem, 0);
    assert_dir(m.v1_pids, NULL, "v1 pids");
    assert_dir(m.v1_mem, NULL, "v1 memory");
    machine_free(&m);
    lb_buf_free(&mi);
}

/* Nothing found in empty texts, nor in our cgroups without their mounts
 * or mounts without our cgroups. */
static void test_nothing_without_both(void **state)
{
    (void)state;
    cgroup_dir("v2", "memory pids\n");
    cgroup_dir("pids", NULL);
    lb_buf mi = LB_BUF_INIT;
    lb_jail_machine m;
    discover(&mi, "0::/\n8:pids:/\n", &m);
    assert_null(m.v2_base);
    assert_null(m.v1_pids);
    assert_int_equal(m.v2_pids + m.v2_mem, 0);
    machine_free(&m);
    mount_line(&mi, "v2", "cgroup2", "rw");
    mount_line(&mi, "pids", "cgroup", "rw,pids");
    discover(&mi, "", &m);
    assert_null(m.v2_base);
    assert_null(m.v1_pids);
    assert_null(m.v1_mem);
    assert_int_equal(m.v2_pids + m.v2_mem, 0);
    machine_free(&m);
    lb_buf_free(&mi);
}

/* In a child (as NOBODY when root): 0 when a cgroup folder it cannot
 * write is not used and one it can is; else which check failed. */
static int child_unwritable(void)
{
    if (getuid() == 0 && (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
        return 10;
    lb_buf mi = LB_BUF_INIT;
    mount_line(&mi, "ro", "cgroup2", "rw");
    mount_line(&mi, "rw", "cgroup", "rw,pids");
    mount_line(&mi, "ro", "cgroup", "rw,memory");
    lb_jail_machine m;
    discover(&mi, "0::/\n8:pids:/\n4:memory:/\n", &m);
    lb_buf_free(&mi);
    char *rw = at("rw");
    int bad = m.v2_base ? 11 : m.v2_pids || m.v2_mem ? 12 : m.v1_mem ? 13 : 0;
    if (!bad && (!m.v1_pids || strcmp(m.v1_pids, rw) != 0))
        bad = 14;
    free(rw);
    machine_free(&m);
    return bad;
}

static void test_unwritable_not_used(void **state)
{
    (void)state;
    cgroup_dir("ro", "memory pids\n");
    cgroup_dir("rw", NULL);
    char *ro = at("ro"), *rw = at("rw");
    assert_int_equal(chmod(ro, 0555), 0);
    if (getuid() == 0)
        assert_int_equal(chown(rw, NOBODY, NOBODY), 0);
    free(ro);
    free(rw);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_unwritable());
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, make_root, remove_root)
    const struct CMUnitTest tests[] = {
        T(test_v2_with_pids_and_memory),
        T(test_v2_without_them),
        T(test_v2_subtree_control_missing),
        T(test_first_mount_wins),
        T(test_v1_pids_and_memory_of_a_hybrid),
        T(test_v1_memory_with_another_controller),
        T(test_stale_cgroups_swept),
        T(test_v2_without_controllers_beside_v1_pids),
        T(test_not_a_cgroup_not_used),
        T(test_nothing_without_both),
        T(test_unwritable_not_used),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
