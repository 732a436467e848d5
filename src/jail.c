/* jail: cgroups, a subreaper and /proc sweeps, so that no process a chunk
 * starts outlives it. See jail.h for the model. */
#include "jail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "jail_discover.h"

/* How long close waits for killed processes to vanish before giving up:
 * SIGKILL cannot be refused, so this is only ever reached if the kernel is
 * stuck on I/O (state D). */
#define SETTLE_S 2.0

/* What the machine offers, found once (discover). Read-only after it. */
static lb_jail_machine M;
static int subreaper; /* PR_SET_CHILD_SUBREAPER took */
static pthread_once_t discover_once = PTHREAD_ONCE_INIT;

/* The children of this process that a spawn is waiting for. */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t *inflight;
static size_t ninflight, capinflight;

static unsigned long run_seq;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* A killed process leaves its cgroup a fraction of a millisecond later;
 * the first waits for it are that short, the later ones 2 ms (measured:
 * a fixed 2 ms nap made every chunk's end wait about 2.5 ms). */
static void nap_for(int tries)
{
    struct timespec ts = {0, tries < 8 ? 200000L : 2000000L};
    nanosleep(&ts, NULL);
}

static int has_word(const char *list, const char *word, const char *seps)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, seps);
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p += len;
        if (*p)
            p++;
    }
    return 0;
}

/* Mount points of the cgroup2 hierarchy and of the v1 hierarchies that
 * hold the pids and the memory controllers, from the text of
 * /proc/self/mountinfo (caller frees all three). */
static void find_mounts(const char *mountinfo, char **v2, char **v1pids, char **v1mem)
{
    *v2 = *v1pids = *v1mem = NULL;
    char *text = lb_xstrdup(mountinfo); /* strtok_r writes into it */
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *dash = strstr(line, " - ");
        if (!dash)
            continue;
        char mnt[512], fstype[64], super[512];
        if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
            sscanf(dash + 3, "%63s %*s %511s", fstype, super) != 2)
            continue;
        if (!*v2 && strcmp(fstype, "cgroup2") == 0)
            *v2 = lb_xstrdup(mnt);
        else if (!*v1pids && strcmp(fstype, "cgroup") == 0 && has_word(super, "pids", ","))
            *v1pids = lb_xstrdup(mnt);
        else if (!*v1mem && strcmp(fstype, "cgroup") == 0 && has_word(super, "memory", ","))
            *v1mem = lb_xstrdup(mnt);
    }
    free(text);
}

/* Our own cgroup paths, from the text of /proc/self/cgroup (caller frees
 * all three). */
static void find_own_paths(const char *self_cgroup, char **v2path, char **v1path, char **v1mem)
{
    *v2path = *v1path = *v1mem = NULL;
    char *text = lb_xstrdup(self_cgroup); /* strtok_r writes into it */
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = '\0'; /* line: the hierarchy's id, c1 + 1: its controllers */
        if (strcmp(line, "0") == 0 && c1[1] == '\0' && !*v2path)
            *v2path = lb_xstrdup(c2 + 1);
        else if (has_word(c1 + 1, "pids", ",") && !*v1path)
            *v1path = lb_xstrdup(c2 + 1);
        else if (has_word(c1 + 1, "memory", ",") && !*v1mem)
            *v1mem = lb_xstrdup(c2 + 1);
    }
    free(text);
}

static char *join_dir(const char *mnt, const char *path)
{
    if (!mnt || !path)
        return NULL;
    lb_buf b = LB_BUF_INIT;
    lb_buf_puts(&b, mnt);
    if (strcmp(path, "/") != 0)
        lb_buf_puts(&b, path);
    return lb_buf_detach(&b);
}

/* A directory we may create cgroups in: writable, and a real cgroup. */
static char *usable(char *dir)
{
    lb_buf probe = LB_BUF_INIT;
    lb_buf_printf(&probe, "%s/cgroup.procs", dir ? dir : "");
    int ok = dir && access(dir, W_OK) == 0 && access(probe.ptr, F_OK) == 0;
    lb_buf_free(&probe);
    if (ok)
        return dir;
    free(dir);
    return NULL;
}

/* Empty litbook-PID-N cgroups left by a litbook that was killed with -9:
 * rmdir only removes empty ones, so a live build's are safe. */
static void remove_stale(const char *base)
{
    DIR *d = base ? opendir(base) : NULL;
    if (!d)
        return;
    struct dirent *e;
    lb_buf p = LB_BUF_INIT;
    while ((e = readdir(d))) {
        long pid;
        if (sscanf(e->d_name, "litbook-%ld-", &pid) != 1 || pid == (long)getpid() ||
            kill((pid_t)pid, 0) == 0)
            continue;
        lb_buf_reset(&p);
        lb_buf_printf(&p, "%s/%s", base, e->d_name);
        rmdir(p.ptr);
    }
    lb_buf_free(&p);
    closedir(d);
}

void lb_jail_discover_from(const char *mountinfo, const char *self_cgroup, lb_jail_machine *m)
{
    char *v2mnt, *v1mnt, *v2path, *v1path, *memmnt, *mempath;
    find_mounts(mountinfo, &v2mnt, &v1mnt, &memmnt);
    find_own_paths(self_cgroup, &v2path, &v1path, &mempath);
    m->v2_base = usable(join_dir(v2mnt, v2path));
    m->v1_pids = usable(join_dir(v1mnt, v1path));
    m->v1_mem = usable(join_dir(memmnt, mempath));
    m->v2_pids = m->v2_mem = 0;
    if (m->v2_base) {
        lb_buf b = LB_BUF_INIT, path = LB_BUF_INIT;
        lb_buf_printf(&path, "%s/cgroup.subtree_control", m->v2_base);
        if (lb_read_file(path.ptr, &b) == 0) {
            m->v2_pids = has_word(b.ptr, "pids", " \n");
            m->v2_mem = has_word(b.ptr, "memory", " \n");
        }
        lb_buf_free(&b);
        lb_buf_free(&path);
    }
    /* A v2 tree that enables neither controller, beside a v1 pids one (a
     * hybrid machine's "unified"), would give a run only cgroup.kill, and
     * cost it a process move into a v2 cgroup: 7 to 20 ms, an RCU grace
     * period, measured here (v2 moves no single thread; see
     * lb_jail_enter). The v1 thread cgroup bounds and kills the run
     * without one, so such a tree is not used. */
    if (m->v2_base && !m->v2_pids && !m->v2_mem && m->v1_pids) {
        free(m->v2_base);
        m->v2_base = NULL;
    }
    free(v2mnt);
    free(v1mnt);
    free(memmnt);
    free(v2path);
    free(v1path);
    free(mempath);
    remove_stale(m->v2_base);
    remove_stale(m->v1_pids);
    remove_stale(m->v1_mem);
}

static void discover(void)
{
    /* A file that cannot be read (no /proc) stays empty: nothing found. */
    lb_buf mountinfo = LB_BUF_INIT, self_cgroup = LB_BUF_INIT;
    (void)lb_read_file("/proc/self/mountinfo", &mountinfo);
    (void)lb_read_file("/proc/self/cgroup", &self_cgroup);
    lb_jail_discover_from(lb_buf_str(&mountinfo), lb_buf_str(&self_cgroup), &M);
    lb_buf_free(&mountinfo);
    lb_buf_free(&self_cgroup);
    subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
}

static int write_str(const char *dir, const char *file, const char *s)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/%s", dir, file);
    int fd = open(p.ptr, O_WRONLY | O_CLOEXEC);
    lb_buf_free(&p);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, s, strlen(s));
    close(fd);
    return n == (ssize_t)strlen(s) ? 0 : -1;
}

static int open_in(const char *dir, const char *file)
{
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/%s", dir, file);
    int fd = open(p.ptr, O_WRONLY | O_CLOEXEC);
    lb_buf_free(&p);
    return fd;
}

/* What a child writes "0" to, to join a v1 cgroup: "tasks", else (not
 * ours to write, on a machine that delegated only cgroup.procs)
 * "cgroup.procs". See lb_jail_enter. */
static int open_join(const char *dir)
{
    int fd = open_in(dir, "tasks");
    return fd >= 0 ? fd : open_in(dir, "cgroup.procs");
}

/* Makes base/litbook-PID-N; returns it (caller frees) or NULL. */
static char *make_cgroup(const char *base)
{
    unsigned long seq = __atomic_add_fetch(&run_seq, 1, __ATOMIC_RELAXED);
    lb_buf p = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/litbook-%ld-%lu", base, (long)getpid(), seq);
    if (mkdir(p.ptr, 0755) < 0) {
        lb_buf_free(&p);
        return NULL;
    }
    return lb_buf_detach(&p);
}

/* Threads the real uid runs now: RLIMIT_NPROC counts them all, so a cap
 * for one chunk has to sit above them. */
static long uid_tasks(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    long n = 0;
    struct dirent *e;
    lb_buf p = LB_BUF_INIT, s = LB_BUF_INIT;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        struct stat st;
        lb_buf_reset(&p);
        lb_buf_printf(&p, "/proc/%s", e->d_name);
        if (stat(p.ptr, &st) < 0 || st.st_uid != uid)
            continue;
        lb_buf_puts(&p, "/stat");
        lb_buf_reset(&s);
        long threads = 1;
        const char *rp = lb_read_file(p.ptr, &s) == 0 ? strrchr(s.ptr, ')') : NULL;
        if (rp)
            sscanf(rp + 1,
                   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld",
                   &threads);
        n += threads;
    }
    lb_buf_free(&p);
    lb_buf_free(&s);
    closedir(d);
    return n;
}

static pthread_once_t warn_once = PTHREAD_ONCE_INIT;

static void warn_uncapped(void)
{
    fprintf(stderr, "litbook: warning: the procs limit of chunks is not enforced on this "
                    "machine: no writable cgroup with a pids controller, and RLIMIT_NPROC does "
                    "not apply to root\n");
}

/* The calling thread's own v1 pids cgroup (see jail.h), and its own v1
 * memory cgroup: one per worker thread, made on first use and reused by
 * every run the thread starts. A memory cgroup per run would be made and
 * removed thousands of times in a build, and a removed one lingers, dying,
 * while kernel objects charged to it live on (a 1000-chunk build spent
 * 43 s of CPU in litbook itself that way). The thread does not join the
 * memory cgroup: only its children do, so the OOM killer never picks
 * litbook. */
typedef struct {
    char *dir; /* NULL: could not be made; the thread uses per-run cgroups */
    int dir_tried;
    char *mem_dir; /* NULL: could not be made */
    int mem_tried;
} thread_cg;

static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

/* Moves the thread back to where litbook started and removes its cgroup. */
static void release_thread_cg(void *p)
{
    thread_cg *t = p;
    if (t && t->dir) {
        /* "0": the calling thread, moved without the global lock (see
         * lb_jail_enter); the destructor runs in the thread itself. */
        if (write_str(M.v1_pids, "tasks", "0") == 0)
            rmdir(t->dir);
        free(t->dir);
    }
    if (t && t->mem_dir) {
        rmdir(t->mem_dir); /* empty: every run emptied it */
        free(t->mem_dir);
    }
    free(t);
}

static void make_thread_key(void)
{
    pthread_key_create(&thread_key, release_thread_cg);
}

static thread_cg *thread_state(void)
{
    pthread_once(&thread_key_once, make_thread_key);
    thread_cg *t = pthread_getspecific(thread_key);
    if (!t) {
        t = lb_xcalloc(1, sizeof *t);
        pthread_setspecific(thread_key, t);
    }
    return t;
}

static const char *thread_mem_cgroup(void)
{
    thread_cg *t = thread_state();
    if (!t->mem_tried) {
        t->mem_tried = 1;
        t->mem_dir = make_cgroup(M.v1_mem);
    }
    return t->mem_dir;
}

static const char *thread_cgroup(void)
{
    thread_cg *t = thread_state();
    if (t->dir_tried)
        return t->dir;
    t->dir_tried = 1;
    t->dir = make_cgroup(M.v1_pids);
    if (t->dir && write_str(t->dir, "tasks", "0") < 0) { /* "0": this thread */
        rmdir(t->dir);
        free(t->dir);
        t->dir = NULL;
    }
    return t->dir;
}

void lb_jail_thread_release(void)
{
    if (pthread_once(&thread_key_once, make_thread_key) != 0)
        return;
    release_thread_cg(pthread_getspecific(thread_key));
    pthread_setspecific(thread_key, NULL);
}

static long oom_count(const char *dir, const char *file)
{
    lb_buf p = LB_BUF_INIT, b = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/%s", dir, file);
    long n = 0;
    if (lb_read_file(p.ptr, &b) == 0) {
        const char *k = strstr(b.ptr, "oom_kill ");
        if (k)
            n = atol(k + 9);
    }
    lb_buf_free(&p);
    lb_buf_free(&b);
    return n;
}

/* The memory cap, in the v2 cgroup when it has the controller, else in
 * the thread's own v1 memory cgroup, set for this run. Swap counts too: a cap that a chunk
 * could get round by swapping is no cap. */
static void cap_memory(lb_jail *j, unsigned long long max_memory)
{
    char cap[32];
    snprintf(cap, sizeof cap, "%llu", max_memory);
    if (j->dirs[0] && M.v2_mem && write_str(j->dirs[0], "memory.max", cap) == 0) {
        write_str(j->dirs[0], "memory.swap.max", "0");
        j->mem_capped = 1;
        return;
    }
    const char *dir = M.v1_mem ? thread_mem_cgroup() : NULL;
    if (!dir)
        return;
    /* memsw (absent without swap accounting) may never be below the
     * limit: raise it first, set the limit, then bring it down to it. */
    write_str(dir, "memory.memsw.limit_in_bytes", "-1");
    if (write_str(dir, "memory.limit_in_bytes", cap) == 0) {
        write_str(dir, "memory.memsw.limit_in_bytes", cap);
        j->mem_dir = dir;
        j->oom_base = oom_count(dir, "memory.oom_control");
        j->procs_fd[2] = open_join(dir);
        j->mem_capped = j->procs_fd[2] >= 0;
    }
}

void lb_jail_open(lb_jail *j, unsigned long max_procs, unsigned long long max_memory)
{
    pthread_once(&discover_once, discover);
    memset(j, 0, sizeof *j);
    for (int i = 0; i < LB_JAIL_NDIRS; i++)
        j->procs_fd[i] = -1;
    j->kill_fd = j->thread_fd = -1;
    char cap[32];
    snprintf(cap, sizeof cap, "%lu", max_procs);
    if (M.v2_base && (j->dirs[0] = make_cgroup(M.v2_base))) {
        j->procs_fd[0] = open_in(j->dirs[0], "cgroup.procs");
        j->kill_fd = open_in(j->dirs[0], "cgroup.kill");
        if (max_procs && M.v2_pids && write_str(j->dirs[0], "pids.max", cap) == 0)
            j->pids_capped = 1;
    }
    if (M.v1_pids && !j->pids_capped && max_procs && (j->thread_dir = thread_cgroup())) {
        char with_us[32]; /* the thread itself is one of the cgroup's tasks */
        snprintf(with_us, sizeof with_us, "%lu", max_procs + 1);
        if (write_str(j->thread_dir, "pids.max", with_us) == 0)
            j->pids_capped = 1;
        else
            j->thread_dir = NULL;
    }
    if (M.v1_pids && !j->pids_capped && max_procs && (j->dirs[1] = make_cgroup(M.v1_pids))) {
        j->procs_fd[1] = open_join(j->dirs[1]);
        if (write_str(j->dirs[1], "pids.max", cap) == 0)
            j->pids_capped = 1;
    }
    if (max_memory)
        cap_memory(j, max_memory);
    if (max_procs && !j->pids_capped) {
        if (getuid() != 0)
            j->nproc_rlimit = (int)(uid_tasks(getuid()) + (long)max_procs);
        else
            pthread_once(&warn_once, warn_uncapped);
    }
}

/* The v1 descriptors are "tasks", not "cgroup.procs": writing "0" there
 * moves the calling thread alone, which the kernel does without taking
 * the global threadgroup lock that a whole-process move needs, and that
 * lock waits for an RCU grace period whenever no move happened in the last
 * few milliseconds: 7 to 19 ms a move here, measured, once per chunk, with
 * a core idle meanwhile. Between fork and exec the child has one thread,
 * so moving it moves the process; its later threads and children are
 * born in the cgroup. v2 has no per-thread move for domain cgroups. */
int lb_jail_enter(const lb_jail *j)
{
    for (int i = 0; i < LB_JAIL_NDIRS; i++)
        if (j->procs_fd[i] >= 0 && write(j->procs_fd[i], "0", 1) != 1)
            return -1;
    return 0;
}

int lb_jail_join_fds(lb_jail *j, int *fds, int max)
{
    int n = 0;
    for (int i = 0; i < LB_JAIL_NDIRS && n < max; i++)
        if (j->procs_fd[i] >= 0)
            fds[n++] = j->procs_fd[i];
    if (j->thread_dir && j->thread_fd < 0)
        j->thread_fd = open_join(j->thread_dir);
    if (j->thread_fd >= 0 && n < max)
        fds[n++] = j->thread_fd;
    return n;
}

int lb_jail_thread_exit_fd(void)
{
    pthread_once(&discover_once, discover);
    pthread_once(&thread_key_once, make_thread_key);
    const thread_cg *t = pthread_getspecific(thread_key);
    return t && t->dir && M.v1_pids ? open_join(M.v1_pids) : -1;
}

lb_proc_info *lb_jail_scan_procs(size_t *n)
{
    *n = 0;
    size_t cap = 256;
    lb_proc_info *v = lb_xmalloc(cap * sizeof *v);
    DIR *d = opendir("/proc");
    if (!d)
        return v;
    struct dirent *e;
    lb_buf p = LB_BUF_INIT, s = LB_BUF_INIT;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        lb_buf_reset(&p);
        lb_buf_printf(&p, "/proc/%s/stat", e->d_name);
        lb_buf_reset(&s);
        if (lb_read_file(p.ptr, &s) < 0)
            continue;
        const char *rp = strrchr(s.ptr, ')');
        lb_proc_info pi = {(pid_t)atol(e->d_name), 0, '?'};
        int ppid;
        if (!rp || sscanf(rp + 1, " %c %d", &pi.state, &ppid) != 2)
            continue;
        pi.ppid = (pid_t)ppid;
        if (*n == cap) {
            cap *= 2;
            v = lb_xrealloc(v, cap * sizeof *v);
        }
        v[(*n)++] = pi;
    }
    lb_buf_free(&p);
    lb_buf_free(&s);
    closedir(d);
    return v;
}

static int holds(const pid_t *v, size_t n, pid_t pid)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == pid)
            return 1;
    return 0;
}

/* Caller holds fork_lock. */
static int is_inflight(pid_t pid)
{
    return holds(inflight, ninflight, pid);
}

typedef struct {
    pid_t *v;
    size_t n, cap;
} pid_set;

static void pid_add(pid_set *s, pid_t pid)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == pid)
            return;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->v = lb_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    s->v[s->n++] = pid;
}

void lb_jail_mark_tree(const lb_proc_info *v, size_t n, pid_t root, pid_t self, const pid_t *spare,
                       size_t nspare, char *mark)
{
    for (size_t i = 0; i < n; i++)
        mark[i] = v[i].pid == root || (v[i].ppid == self && !holds(spare, nspare, v[i].pid));
    /* Marks spread down parent links until nothing changes. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; !mark[i] && k < n; k++)
                if (mark[k] && v[k].pid == v[i].ppid)
                    mark[i] = changed = 1;
    }
}

/* One pass without cgroups: SIGKILL to the descendants of root (through
 * parent links, so setsid does not hide them) and to our own children that
 * no spawn is waiting for (orphans re-parented to us), each added to
 * victims. Returns how many live ones it found. Caller holds fork_lock. */
static int kill_tree_pass(pid_t root, pid_set *victims)
{
    size_t n;
    lb_proc_info *v = lb_jail_scan_procs(&n);
    char *mark = lb_xcalloc(n ? n : 1, 1);
    lb_jail_mark_tree(v, n, root, getpid(), inflight, ninflight, mark);
    int live = 0;
    for (size_t i = 0; i < n; i++) {
        if (!mark[i] || v[i].pid == root || v[i].state == 'Z')
            continue;
        kill(v[i].pid, SIGKILL);
        pid_add(victims, v[i].pid);
        live++;
    }
    free(mark);
    free(v);
    return live;
}

/* Our children, from each thread's /proc/self/task/TID/children (an
 * orphan comes back to one of our threads): a few reads, where a scan of
 * /proc reads every process on the machine, and was half of litbook's own
 * CPU time in a cold build. Returns -1 when the kernel lacks those files
 * (CONFIG_PROC_CHILDREN). */
static int own_children(pid_set *out)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    int ok = 1;
    struct dirent *e;
    lb_buf p = LB_BUF_INIT, b = LB_BUF_INIT;
    while (ok && (e = readdir(d))) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        lb_buf_reset(&p);
        lb_buf_printf(&p, "/proc/self/task/%s/children", e->d_name);
        lb_buf_reset(&b);
        if (lb_read_file(p.ptr, &b) < 0) {
            /* A thread that just ended has no folder any more; a kernel
             * without the files has the folder but not the file. */
            lb_buf_reset(&p);
            lb_buf_printf(&p, "/proc/self/task/%s", e->d_name);
            ok = access(p.ptr, F_OK) < 0;
            continue;
        }
        char *save = NULL;
        for (char *t = strtok_r(b.ptr, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
            pid_add(out, (pid_t)atol(t));
    }
    lb_buf_free(&p);
    lb_buf_free(&b);
    closedir(d);
    return ok ? 0 : -1;
}

/* Reaps our exited children that no spawn waits for (whoever's orphans
 * they were: all chunks' orphans come to us). Caller holds fork_lock. */
static void reap_orphans(void)
{
    int status;
    pid_set kids = {NULL, 0, 0};
    if (own_children(&kids) == 0) {
        for (size_t i = 0; i < kids.n; i++) /* a live one: WNOHANG returns 0 */
            if (!is_inflight(kids.v[i]))
                waitpid(kids.v[i], &status, WNOHANG);
        free(kids.v);
        return;
    }
    free(kids.v);
    size_t n;
    lb_proc_info *v = lb_jail_scan_procs(&n);
    pid_t self = getpid();
    for (size_t i = 0; i < n; i++) {
        if (v[i].ppid == self && v[i].state == 'Z' && !is_inflight(v[i].pid))
            waitpid(v[i].pid, &status, WNOHANG);
    }
    free(v);
}

/* Whether any victim still exists (alive, or a zombie nobody reaped). */
static int any_left(const pid_set *victims)
{
    for (size_t i = 0; i < victims->n; i++)
        if (kill(victims->v[i], 0) == 0 || errno != ESRCH)
            return 1;
    return 0;
}

/* Reads a cgroup's members into victims. Returns how many it listed. */
static size_t list_cgroup(const char *dir, pid_set *victims, pid_t skip)
{
    lb_buf p = LB_BUF_INIT, b = LB_BUF_INIT;
    lb_buf_printf(&p, "%s/cgroup.procs", dir);
    size_t n = 0;
    if (lb_read_file(p.ptr, &b) == 0) {
        char *save = NULL;
        pid_t self = getpid(); /* present when a thread of ours sits in dir */
        for (char *t = strtok_r(b.ptr, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
            pid_t pid = (pid_t)atol(t);
            if (pid == self)
                continue;
            if (pid > 0 && pid != skip)
                pid_add(victims, pid);
            n++;
        }
    }
    lb_buf_free(&p);
    lb_buf_free(&b);
    return n;
}

/* Kills the members of a cgroup until it is empty. Returns 0 once empty. */
static int empty_cgroup(const char *dir, pid_set *victims, pid_t skip, double until)
{
    for (int tries = 0; now_s() < until; tries++) {
        size_t before = victims->n;
        if (list_cgroup(dir, victims, skip) == 0)
            return 0;
        for (size_t i = before; i < victims->n; i++)
            kill(victims->v[i], SIGKILL);
        nap_for(tries);
    }
    return -1;
}

/* Whether the kernel killed a member for the memory cap during this run:
 * v1 counts OOM kills in memory.oom_control (the thread's cgroup: more
 * than when the run began), v2 in memory.events (the run's own cgroup). */
static int oom_killed(const lb_jail *j)
{
    if (!j->mem_capped)
        return 0;
    if (j->mem_dir)
        return oom_count(j->mem_dir, "memory.oom_control") > j->oom_base;
    return j->dirs[0] && oom_count(j->dirs[0], "memory.events") > j->oom_base;
}

int lb_jail_oom_since(lb_jail *j)
{
    if (!j->mem_capped)
        return 0;
    long n = j->mem_dir   ? oom_count(j->mem_dir, "memory.oom_control")
             : j->dirs[0] ? oom_count(j->dirs[0], "memory.events")
                          : 0;
    int oom = n > j->oom_base;
    j->oom_base = n;
    return oom;
}

int lb_jail_close(lb_jail *j, pid_t child)
{
    pid_set victims = {NULL, 0, 0};
    double until = now_s() + SETTLE_S;
    if (j->kill_fd >= 0) {
        /* Listed first so their zombies can be waited for below. */
        list_cgroup(j->dirs[0], &victims, child);
        ssize_t w = write(j->kill_fd, "1", 1);
        (void)w; /* without cgroup.kill, empty_cgroup kills one by one */
    }
    int contained = 0;
    for (int i = 0; i < LB_JAIL_NDIRS; i++)
        if (j->dirs[i] && empty_cgroup(j->dirs[i], &victims, child, until) == 0)
            contained = 1;
    if (j->thread_dir && empty_cgroup(j->thread_dir, &victims, child, until) == 0)
        contained = 1;
    if (j->mem_dir && empty_cgroup(j->mem_dir, &victims, child, until) == 0)
        contained = 1;
    if (j->thread_dir)
        write_str(j->thread_dir, "pids.max", "max"); /* the thread's compiles are not capped */
    pthread_mutex_lock(&fork_lock);
    if (!contained)
        while (child > 0 && kill_tree_pass(child, &victims) > 0 && now_s() < until) {
            pthread_mutex_unlock(&fork_lock);
            nap_ms(2);
            pthread_mutex_lock(&fork_lock);
        }
    /* A killed process becomes a zombie a moment after it leaves the
     * cgroup, and its orphans reach us once their parent is gone. */
    for (int tries = 0;; tries++) {
        if (subreaper)
            reap_orphans();
        if (!any_left(&victims) || now_s() >= until)
            break;
        pthread_mutex_unlock(&fork_lock);
        nap_for(tries);
        pthread_mutex_lock(&fork_lock);
    }
    pthread_mutex_unlock(&fork_lock);
    free(victims.v);
    int oom = oom_killed(j);
    for (int i = 0; i < LB_JAIL_NDIRS; i++) {
        if (j->procs_fd[i] >= 0)
            close(j->procs_fd[i]);
        if (j->dirs[i])
            for (int tries = 0; rmdir(j->dirs[i]) < 0 && errno == EBUSY && tries < 100; tries++)
                nap_ms(2);
        free(j->dirs[i]);
    }
    if (j->kill_fd >= 0)
        close(j->kill_fd);
    if (j->thread_fd >= 0)
        close(j->thread_fd);
    memset(j, 0, sizeof *j);
    for (int i = 0; i < LB_JAIL_NDIRS; i++)
        j->procs_fd[i] = -1;
    j->kill_fd = j->thread_fd = -1;
    return oom;
}

void lb_jail_fork_begin(void)
{
    pthread_mutex_lock(&fork_lock);
}

void lb_jail_fork_end(pid_t pid)
{
    if (pid > 0) {
        if (ninflight == capinflight) {
            capinflight = capinflight ? capinflight * 2 : 16;
            inflight = lb_xrealloc(inflight, capinflight * sizeof *inflight);
        }
        inflight[ninflight++] = pid;
    }
    pthread_mutex_unlock(&fork_lock);
}

void lb_jail_forget(pid_t pid)
{
    pthread_mutex_lock(&fork_lock);
    for (size_t i = 0; i < ninflight; i++) {
        if (inflight[i] == pid) {
            inflight[i] = inflight[--ninflight];
            break;
        }
    }
    if (!ninflight) {
        free(inflight); /* nothing kept between builds (and leak checkers agree) */
        inflight = NULL;
        capinflight = 0;
    }
    pthread_mutex_unlock(&fork_lock);
}

void lb_jail_describe(lb_buf *out)
{
    pthread_once(&discover_once, discover);
    if (M.v2_base)
        lb_buf_printf(&out[0], "cgroup v2 at %s%s", M.v2_base, M.v2_pids ? " with pids.max" : "");
    if (M.v1_pids)
        lb_buf_printf(out, "%scgroup v1 pids.max at %s", M.v2_base ? "; " : "", M.v1_pids);
    if (M.v2_mem || M.v1_mem)
        lb_buf_printf(out, "; memory cap by %s",
                      M.v2_mem ? "cgroup v2 memory.max" : "cgroup v1 memory.limit_in_bytes");
    if (!M.v2_base && !M.v1_pids)
        lb_buf_printf(out, "no usable cgroup: process tree sweep; procs limit %s",
                      getuid() ? "by RLIMIT_NPROC" : "not enforced (root)");
    if (subreaper)
        lb_buf_puts(out, "; litbook is the subreaper of its chunks' orphans");
}
