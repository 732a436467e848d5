#!/usr/bin/env bash
# The sandbox (issue 14): each attack a chapter could make, tried for real.
# A chunk prints what its attempt did, checked by its expected block, and
# the host is then checked from outside. Every build is bounded by lb's
# timeout; everything is written under the test's own mktemp folders; the
# one helper process (a server on the host's loopback) is killed by its pid.
. "$(dirname "$0")/lib.sh"

if ! command -v bwrap >/dev/null; then
    # No sandbox here: what must hold is the warning, and strict's refusal.
    mkbook
    printf '# A\n\n```c {#a}\nint main(void) { return 0; }\n```\n' >"$BOOK/chapters/a.md"
    lb build
    check "no bwrap: the build warns that chunks are not sandboxed" \
        has "warning: chunks are not sandboxed" "$BOOK/err.log"
    lb build -B --sandbox=strict
    check "no bwrap: --sandbox=strict is an error (exit 2)" rc_is 2
    done_testing
    exit 0
fi

ID=$$-$RANDOM # names the markers a chunk tries to leave on the host
SERVER_PID=
HOSTMNT=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    [ -n "$HOSTMNT" ] && umount "$HOSTMNT" 2>/dev/null && rmdir "$HOSTMNT"
    rm -f "/tmp/lb-escape-$ID" "/tmp/lb-wrap-$ID" "/tmp/lb-gp-$ID" "/dev/shm/lb-shm-$ID"
    rm -rf "${TMPS[@]}"
}
trap cleanup EXIT

# chunk NAME OPTS EXPECTED: appends a C chunk (its code on stdin) and its
# expected output to chapters/sandbox.md.
chunk() {
    {
        printf '```c {#%s %s}\n' "$1" "$2"
        cat
        printf '```\n\n```output\n%s\n```\n\n' "$3"
    } >>"$BOOK/chapters/sandbox.md"
}

mkbook
HOME_DIR=$BOOK/home
mkdir -p "$HOME_DIR" && echo "top secret $ID" >"$HOME_DIR/secret.txt"
printf '# Sandbox\n\n' >"$BOOK/chapters/sandbox.md"

# Writes outside the scratch folder: the book's chapters (by a relative
# path up from the scratch folder, out/.cache/tmp/chunk-*) and /tmp.
chunk write '' $'chapters: refused\n/tmp: private' <<EOF
#include <stdio.h>
int main(void)
{
    FILE *f = fopen("../../../../chapters/evil.md", "w");
    printf("chapters: %s\n", f ? "WRITTEN" : "refused");
    FILE *t = fopen("/tmp/lb-escape-$ID", "w");
    printf("/tmp: %s\n", t ? "private" : "refused");
    return 0;
}
EOF

# The cache is not there to rewrite: out/ is an empty tmpfs around the
# chunk's own folder (and litbook.h's), owned by root.
chunk cache '' $'cache: not visible\ncache write: refused' <<'EOF'
#include <dirent.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    int seen = 0;
    DIR *d = opendir("../..");
    for (struct dirent *e; d && (e = readdir(d));)
        seen += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "tmp") &&
                strcmp(e->d_name, "include"); /* litbook.h, shown read-only */
    printf("cache: %s\n", seen ? "VISIBLE" : "not visible");
    FILE *f = fopen("../../forged", "w");
    printf("cache write: %s\n", f ? "WRITTEN" : "refused");
    return 0;
}
EOF

# $HOME and, as root, /etc/shadow.
chunk secrets '' $'home: hidden\nshadow: refused' <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/secret.txt", getenv("HOME"));
    printf("home: %s\n", fopen(p, "r") ? "READ" : "hidden");
    /* Not root's own file to nobody; not readable by others anyway. */
    printf("shadow: %s\n", fopen("/etc/shadow", "r") ? "READ" : "refused");
    return 0;
}
EOF

# The host's loopback is not the sandbox's; its own loopback works.
PORT=$((20000 + RANDOM % 20000))
chunk network '' $'host server: unreachable\nown loopback: works' <<EOF
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
static struct sockaddr_in at(int port)
{
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}
int main(void)
{
    struct sockaddr_in host = at($PORT);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    int up = connect(c, (struct sockaddr *)&host, sizeof host) == 0;
    printf("host server: %s\n", up ? "REACHED" : "unreachable");
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in own = at($PORT + 1);
    int ok = bind(s, (struct sockaddr *)&own, sizeof own) == 0 && listen(s, 1) == 0;
    int c2 = socket(AF_INET, SOCK_STREAM, 0);
    ok = ok && connect(c2, (struct sockaddr *)&own, sizeof own) == 0;
    printf("own loopback: %s\n", ok ? "works" : "BROKEN");
    return 0;
}
EOF

# cgroups, limits and other processes: out of reach.
chunk cgroup '' $'cgroup: refused\nprocesses seen: only its own\nptrace runner: refused\nenviron of pid 1: refused' <<'EOF'
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>
int main(void)
{
    const char *files[] = {"/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/cgroup.procs",
                           "/sys/fs/cgroup/unified/cgroup.procs",
                           "/sys/fs/cgroup/memory/cgroup.procs", NULL};
    int moved = 0;
    for (int i = 0; files[i]; i++) {
        FILE *f = fopen(files[i], "w");
        moved += f && fputs("0", f) >= 0 && fclose(f) == 0;
    }
    printf("cgroup: %s\n", moved ? "MOVED" : "refused");
    int seen = 0; /* every pid it may signal, litbook's among them if it could */
    for (pid_t p = 1; p < 70000; p++)
        seen += p != getpid() && kill(p, 0) == 0;
    printf("processes seen: %s\n", seen <= 2 ? "only its own" : "OTHERS");
    printf("ptrace runner: %s\n", ptrace(PTRACE_ATTACH, getppid(), 0, 0) == 0 ? "ATTACHED" : "refused");
    printf("environ of pid 1: %s\n", open("/proc/1/environ", O_RDONLY) >= 0 ? "READ" : "refused");
    return 0;
}
EOF

# /dev/shm is private; shared memory and POSIX semaphores work in it.
chunk shm '' $'semaphore: works\nshm file: private' <<EOF
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
int main(void)
{
    sem_t *s = sem_open("/lb-sem", O_CREAT, 0600, 1);
    printf("semaphore: %s\n", s != SEM_FAILED && sem_wait(s) == 0 && sem_post(s) == 0 ? "works" : "BROKEN");
    FILE *f = fopen("/dev/shm/lb-shm-$ID", "w");
    printf("shm file: %s\n", f ? "private" : "refused");
    return 0;
}
EOF

# A compiler wrapper from cflags= runs in the sandbox like the program
# (gcc runs "sh -c CMD cc1 ARGS..."; CMD then goes on with cc1).
chunk wrapper "cflags=\"-wrapper '/bin/sh,-c,touch /tmp/lb-wrap-$ID ../../../../chapters/wrapped.md; exec \$0 \$@'\"" \
    'compiled' <<'EOF'
#include <stdio.h>
int main(void) { puts("compiled"); return 0; }
EOF

# The compiler and the program share the chunk's sandbox (one bubblewrap
# start per chunk), but nothing the compiler leaves running reaches the
# program: the runner kills it before it reports the compiler's end.
chunk stages "cflags=\"-wrapper '/bin/sh,-c,(setsid sleep 271.7 >/dev/null 2>&1 &); exec \$0 \$@'\"" \
    'left by the compiler: nothing' <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
int main(void)
{
    int seen = 0; /* pid 1 (bwrap's init) and 2 (the runner) are always there */
    for (pid_t p = 3; p < 70000; p++)
        seen += p != getpid() && kill(p, 0) == 0;
    printf("left by the compiler: %s\n", seen ? "PROCESSES" : "nothing");
    return 0;
}
EOF

# Four children of 200 MiB under memory=256M: the cap holds for the chunk
# as a whole (one per process would let all four through).
chunk memory 'memory=256M timeout=30' 'capped: yes' <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void)
{
    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            size_t n = (size_t)200 << 20;
            volatile char *p = malloc(n);
            for (size_t k = 0; p && k < n; k += 4096)
                p[k] = 1;
            sleep(1);
            _exit(p ? 0 : 3);
        }
    int failed = 0, st;
    while (wait(&st) > 0)
        failed += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    printf("capped: %s\n", failed ? "yes" : "NO");
    return 0;
}
EOF

# gnuplot's system() runs in the sandbox too, and its daemon goes with it.
cat >>"$BOOK/chapters/sandbox.md" <<EOF
\`\`\`gnuplot {#fig-system}
system("touch /tmp/lb-gp-$ID ../../../../chapters/gp.md; (setsid sleep 271.5 &)")
plot x
\`\`\`
EOF

python3 -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done
check "the host's test server is up (or the network check means nothing)" \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"

(cd "$BOOK" && HOME=$HOME_DIR timeout -k 5 120 "$LITBOOK" build >out.log 2>err.log)
RC=$?
P=$BOOK/out/sandbox.html
check "sandbox chapter: exit 0, every attempt contained as its expected block says" rc_is 0
check "sandbox chapter: no warning that chunks are unsandboxed" lacks "not sandboxed" "$BOOK/err.log"
check "write outside scratch: nothing new in chapters/" \
    test -z "$(ls "$BOOK/chapters" | grep -vx sandbox.md)"
check "write to /tmp: not on the host" test ! -e "/tmp/lb-escape-$ID"
check "cache: nothing written in out/.cache" test ! -e "$BOOK/out/.cache/forged"
check "home: the secret is not on the page" lacks "top secret" "$P"
check "/dev/shm: the chunk's file is not on the host" test ! -e "/dev/shm/lb-shm-$ID"
check "cflags=-wrapper: its command did not reach the host's /tmp" test ! -e "/tmp/lb-wrap-$ID"
check "cflags=-wrapper: nor the chapters" test ! -e "$BOOK/chapters/wrapped.md"
check "gnuplot system(): not on the host" test ! -e "/tmp/lb-gp-$ID"
check "gnuplot system(): nor in the chapters" test ! -e "$BOOK/chapters/gp.md"
check "gnuplot system(): the plot is still drawn" has "<svg" "$P"
check "gnuplot system(): its daemon is gone" none_running "sleep 271.5"
check "compiler's daemon: gone after the build" none_running "sleep 271.7"
kill "$SERVER_PID" 2>/dev/null
SERVER_PID=

# A chunk whose processes together pass memory= is OOM-killed by the
# kernel, in the sandbox too, and the failure says which limit it reached
# (the sandbox's session asks its jail, lb_jail_oom_since): the chunk
# touches 48 MiB, then its child 32 MiB, each under the per-process
# address-space limit, 80 MiB together under memory=64M; the kernel kills
# the larger, the chunk itself.
mkbook
cat >"$BOOK/chapters/oom.md" <<'EOF'
# OOM

```c {#oom memory=64M timeout=30}
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
static void touch(size_t mib)
{
    volatile char *p = malloc(mib << 20);
    for (size_t k = 0; p && k < mib << 20; k += 4096)
        p[k] = 1;
}
int main(void)
{
    if (fork() == 0) {
        sleep(1);
        touch(32);
        sleep(2);
        _exit(0);
    }
    touch(48);
    wait(NULL);
    return 0;
}
```
EOF
lb build
check "memory= passed by the processes together: the chunk is killed" rc_is 1
check "memory= passed: the failure names the limit it reached" \
    has "it reached its memory limit of 64M," "$BOOK/err.log"

# SIGSTOP and SIGKILL to the runner (its parent). As root the runner is
# PID 1 of the chunk's own namespaces (src/worker.h), which the kernel does
# not let them reach: the program goes on and its real end is reported.
# Otherwise the program's end is never reported, so the chunk fails at its
# timeout instead of passing. Either way litbook itself is untouched.
mkbook
printf '# Stop\n\n```c {#stop timeout=2}\n#define _POSIX_C_SOURCE 200809L\n#include <signal.h>\n#include <stdio.h>\n#include <unistd.h>\nint main(void) { kill(getppid(), SIGSTOP); kill(getppid(), SIGKILL); printf("parent %%d after the signals\\n", (int)getppid()); return 0; }\n```\n' \
    >"$BOOK/chapters/stop.md"
lb build
if [ "$(id -u)" -eq 0 ]; then
    check "signals to its parent (PID 1): the chunk goes on, and passes" rc_is 0
    check "signals to its parent (PID 1): its output is the program's own" \
        in_output "parent 1 after the signals" "$BOOK/out/stop.html" "output stdout"
else
    check "signals to its parent: the chunk fails, never passes" rc_is 1
    check "signals to its parent: the page shows no output of it" \
        lacks "after the signals" "$BOOK/out/stop.html"
fi
check "signals to its parent: the build is over in seconds" faster_than 20

# Chunks that follow one another in one worker's sandbox (src/worker.h, as
# root; a bwrap each otherwise) share nothing: each looks for what the other
# leaves in /tmp, /dev/shm, SysV shared memory and POSIX message queues, and
# counts the scratch folders it can see. -j 1: one worker runs both, in
# either order, so the second finds the first's leftovers if they leak.
mkbook
cat >"$BOOK/chapters/leak.md" <<EOF
# Leak

\`\`\`c {#leak-one}
/* one (the two programs differ: a build runs a program once) */
<<probe>>
\`\`\`

\`\`\`output
found: none; scratch folders seen: 1
\`\`\`

\`\`\`c {#leak-two}
/* two */
<<probe>>
\`\`\`

\`\`\`output
found: none; scratch folders seen: 1
\`\`\`

\`\`\`c {#probe .noweb}
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>
int main(void)
{
    int found = 0;
    found += access("/tmp/lb-leak", F_OK) == 0;
    found += access("/dev/shm/lb-leak", F_OK) == 0;
    found += shmget(0x4c424b31, 4096, 0) >= 0;
    mqd_t q = mq_open("/lb-leak", O_RDONLY);
    found += q != (mqd_t)-1;
    /* what this one leaves for the next */
    fclose(fopen("/tmp/lb-leak", "w"));
    fclose(fopen("/dev/shm/lb-leak", "w"));
    shmget(0x4c424b31, 4096, IPC_CREAT | 0666);
    mq_open("/lb-leak", O_CREAT | O_RDONLY, 0600, NULL);
    int seen = 0;
    DIR *d = opendir("..");
    for (struct dirent *e; d && (e = readdir(d));)
        seen += e->d_name[0] != '.';
    if (found)
        printf("found: %d left by another chunk; ", found);
    else
        printf("found: none; ");
    printf("scratch folders seen: %d\n", seen);
    return 0;
}
\`\`\`
EOF
lb build -j 1
check "one worker, two chunks: both pass (nothing of one reaches the other)" rc_is 0
check "one worker, two chunks: the second saw nothing the first left" \
    test "$(outputs "$BOOK/out/leak.html" | grep -c 'found: none; scratch folders seen: 1')" -eq 2

# What a chunk holds: no capability at all (the worker keeps CAP_SYS_ADMIN
# to make the chunk's namespaces; the chunk's first process drops it, the
# bounding set included, before anything runs) and no_new_privs; as root
# it is nobody. The same book built by another user (nobody, with setpriv):
# the worker then lives in bwrap's user namespace, and the chunk keeps the
# user's uid and nothing else.
caps_book() {
    mkbook
    cat >"$BOOK/chapters/caps.md" <<'EOF'
# Caps

```sh {#caps}
grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status | tr -s '\t ' ' '
echo "uid $(id -u)"
```

```output
CapInh: 0000000000000000
CapPrm: 0000000000000000
CapEff: 0000000000000000
CapBnd: 0000000000000000
CapAmb: 0000000000000000
NoNewPrivs: 1
uid 65534
```
EOF
}
caps_book
lb build
check "capabilities: a chunk has none, and no_new_privs" rc_is 0
check "capabilities: ... checked by its expected block" \
    in_output "CapBnd: 0000000000000000" "$BOOK/out/caps.html"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    caps_book
    cp "$BOOK/chapters/caps.md" "$BOOK/chapters/caps2.md"
    sed -i 's/{#caps}/{#caps2}/; s/^grep/: second; grep/' "$BOOK/chapters/caps2.md"
    # As another user the worker's /dev is a tmpfs of that user's: a chunk
    # that could change it would change it for the chunks after it.
    cat >"$BOOK/chapters/dev.md" <<'EOF'
# Dev

```sh {#dev-a}
chmod 0700 /dev 2>/dev/null && echo "chmod worked" || echo "chmod refused"
stat -c %a /dev
echo x >/dev/null && echo "/dev/null takes writes"
```

```output
chmod refused
755
/dev/null takes writes
```

```sh {#dev-b}
stat -c %a /dev # the second
```

```output
755
```
EOF
    # A copy of litbook and its runner that nobody can run, wherever the
    # checkout is (a folder closed to others, such as /root, or the
    # mutation runs' 0700 scratch copy).
    mkdir "$BOOK/bin"
    cp "$LITBOOK" "$BOOK/bin/litbook"
    cp "$(dirname "$LITBOOK")/litbook-runner" "$BOOK/bin/" 2>/dev/null
    chown -R nobody "$BOOK"
    t0=$(date +%s.%N)
    (cd "$BOOK" && timeout -k 5 120 setpriv --reuid=65534 --regid=65534 --clear-groups \
        env HOME="$BOOK" "$BOOK/bin/litbook" build -j 1 >out.log 2>err.log)
    RC=$?
    SECS=$(echo "$(date +%s.%N) - $t0" | bc)
    check "as another user: the sandbox is set up (no warning)" \
        lacks "not sandboxed" "$BOOK/err.log"
    check "as another user: chunks in one worker, no capability, that user's uid, /dev theirs to read only" rc_is 0
    check "as another user: ... checked by their expected blocks" \
        test "$(outputs "$BOOK/out/caps.html"; outputs "$BOOK/out/caps2.html")" != ""
else
    ok "as another user: the sandbox is set up # skip not root, or no setpriv"
    ok "as another user: two chunks in one worker # skip not root, or no setpriv"
    ok "as another user: ... checked by their expected blocks # skip not root, or no setpriv"
fi

# A mount of the host's own in its /tmp (another test's small tmpfs, say)
# lies under the worker's /tmp, covered: the chunk's fresh /tmp must not
# try to carry it over (it did: "cannot take the mount"), and must not show
# it either.
if [ "$(id -u)" -eq 0 ] && HOSTMNT=$(mktemp -d /tmp/lb-hostmnt.XXXXXX) &&
    mount -t tmpfs -o size=1m tmpfs "$HOSTMNT"; then
    echo secret >"$HOSTMNT/host-only"
    mkbook
    printf '# Hostmnt\n\n```sh {#hostmnt}\nls %s 2>&1 | sed "s|%s|DIR|"; echo done\n```\n\n```output\nls: cannot access '"'"'DIR'"'"': No such file or directory\ndone\n```\n' \
        "$HOSTMNT" "$HOSTMNT" >"$BOOK/chapters/hostmnt.md"
    lb build
    check "a host mount in /tmp: the chunk runs, without it" rc_is 0
    umount "$HOSTMNT" && rmdir "$HOSTMNT" && HOSTMNT=
else
    HOSTMNT=
    ok "a host mount in /tmp: the chunk runs, without it # skip not root"
fi

# The times on a page are the program's own, from the runner in the
# chunk's namespaces: a chunk that sleeps 0.3 s shows at least that, and
# not the whole round trip of a build.
mkbook
printf '# Slept\n\n```sh {#slept}\nsleep 0.3; echo slept\n```\n\n```output\nslept\n```\n' \
    >"$BOOK/chapters/slept.md"
lb build
ran_ms() { perl -ne 'if (/ran in ([0-9.]+) (ms|s)</) { print $2 eq "s" ? $1 * 1000 : $1; exit }' "$1"; }
MS=$(ran_ms "$BOOK/out/slept.html")
check "a sandboxed program's time is its own: 0.3 s of sleep shows 300 to 3000 ms (${MS:-none})" \
    test -n "$MS" -a "$(echo "${MS:-0} >= 300 && ${MS:-0} < 3000" | bc)" -eq 1

# A tool litbook finds on the host but that the sandbox hides (it lies in
# the output folder, which is never shown): the runner cannot start it,
# and says so; the chunk is not reported as having run.
mkbook
mkdir -p "$BOOK/out"
printf '#!/bin/sh\nexec cc "$@"\n' >"$BOOK/out/cc-in-out"
chmod 755 "$BOOK/out/cc-in-out"
printf '# Hidden\n\n```c {#hidden}\nint main(void) { return 0; }\n```\n' >"$BOOK/chapters/hidden.md"
(cd "$BOOK" && timeout -k 5 120 env CC="$BOOK/out/cc-in-out" "$LITBOOK" build >out.log 2>err.log)
RC=$?
check "a compiler hidden by the sandbox: the chunk fails" rc_is 1
check "a compiler hidden by the sandbox: ... as one that cannot be run" \
    has "cannot run the compiler '$BOOK/out/cc-in-out': No such file or directory" "$BOOK/err.log"

# A chunk that times out takes its worker's sandbox with it (litbook kills
# it); the next chunk of that worker gets a new one and runs.
mkbook
printf '# Slow\n\n```c {#slow timeout=1}\n#include <unistd.h>\nint main(void) { sleep(30); return 0; }\n```\n\n```c {#after}\n#include <stdio.h>\nint main(void) { puts("after the timeout"); return 0; }\n```\n\n```output\nafter the timeout\n```\n' \
    >"$BOOK/chapters/slow.md"
lb build -j 1 -k
check "a timeout: that chunk fails" has "timed out after 1 s" "$BOOK/err.log"
check "a timeout: the next chunk of the same worker runs and passes" \
    in_output "after the timeout" "$BOOK/out/slow.html"
check "a timeout: the build is over in seconds" faster_than 15

# The system call filter (src/sysfilter.h). Keyrings belong to a uid, not
# to a namespace: a key a chunk adds (as nobody) outlives its sandbox, and a
# chunk of another book, built later, reads it. And a user namespace of its
# own would let a chunk mount over its view of the host. The first book
# leaves a key; the second looks for it and, should it be there (no
# filter), takes it away again.
mkbook
cat >"$BOOK/chapters/keys.md" <<EOF
# Keys

\`\`\`c {#leave}
#define _GNU_SOURCE
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    long k = syscall(SYS_add_key, "user", "lb-key-$ID", "forged", 6, KEY_SPEC_USER_KEYRING);
    printf("add a key: %s\\n", k < 0 ? "refused" : "ADDED");
    int ns = unshare(CLONE_NEWUSER | CLONE_NEWNS);
    printf("user namespace: %s\\n", ns < 0 ? "refused" : "MADE");
    int m = mount("none", "/tmp", "tmpfs", 0, NULL);
    printf("mount: %s\\n", m < 0 ? "refused" : "MOUNTED");
    return 0;
}
\`\`\`

\`\`\`output
add a key: refused
user namespace: refused
mount: refused
\`\`\`
EOF
lb build
check "seccomp: keyring, user namespace and mount all refused inside" rc_is 0
mkbook
cat >"$BOOK/chapters/find.md" <<EOF
# Find

\`\`\`c {#find}
#include <linux/keyctl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    long k = syscall(SYS_request_key, "user", "lb-key-$ID", NULL, 0);
    if (k >= 0)
        syscall(SYS_keyctl, KEYCTL_INVALIDATE, k);
    printf("key of the last build: %s\\n", k < 0 ? "none" : "FOUND");
    return 0;
}
\`\`\`

\`\`\`output
key of the last build: none
\`\`\`
EOF
lb build
check "seccomp: no key from one build reaches a chunk of another" rc_is 0

# A tree a thousand folders deep in the scratch folder is removed.
mkbook
printf '# Deep\n\n```c {#deep}\n#include <sys/stat.h>\n#include <unistd.h>\nint main(void) { for (int i = 0; i < 1000; i++) { if (mkdir("d", 0755) || chdir("d")) return 1; } return 0; }\n```\n' \
    >"$BOOK/chapters/deep.md"
lb build
check "1000-deep scratch tree: chunk passes" rc_is 0
check "1000-deep scratch tree: removed" test -z "$(ls -A "$BOOK/out/.cache/tmp" 2>/dev/null)"
lb clean
check "1000-deep scratch tree: clean works after it" test ! -e "$BOOK/out"

# --sandbox=off and strict; and no bwrap on PATH: a warning, strict an error.
mkbook
printf '# A\n\n```c {#a}\nint main(void) { return 0; }\n```\n' >"$BOOK/chapters/a.md"
lb build --sandbox=strict
check "--sandbox=strict where bwrap works: exit 0" rc_is 0
mkdir "$BOOK/bin"
for t in cc gcc as ld; do
    command -v "$t" >/dev/null && ln -s "$(command -v "$t")" "$BOOK/bin/$t"
done
(cd "$BOOK" && timeout 60 env PATH="$BOOK/bin" "$LITBOOK" build -B >out.log 2>err.log)
RC=$?
check "no bwrap on PATH: the build still runs" rc_is 0
check "no bwrap on PATH: warns that chunks are not sandboxed" \
    has "warning: chunks are not sandboxed: bwrap is not installed" "$BOOK/err.log"
(cd "$BOOK" && timeout 60 env PATH="$BOOK/bin" "$LITBOOK" build -B --sandbox=strict >out.log 2>err.log)
RC=$?
check "no bwrap on PATH, --sandbox=strict: exit 2" rc_is 2
check "no bwrap on PATH, --sandbox=strict: says why" \
    has "chunks cannot be sandboxed here: bwrap is not installed" "$BOOK/err.log"
lb build --sandbox=bogus
check "--sandbox=bogus: usage error" rc_is 2

# A trial that worked is remembered, and the next build starts no trial
# sandbox; a sandbox lost before its runner reported forgets it, and the
# build after tries bwrap again, so a bwrap that stopped working is found.
mkbook
printf '# A\n\n```c {#a}\n#include <stdio.h>\nint main(void) { puts("one"); return 0; }\n```\n\n```output\none\n```\n' \
    >"$BOOK/chapters/a.md"
mkdir "$BOOK/fake"
cat >"$BOOK/fake/bwrap" <<EOF
#!/bin/sh
echo call >>"$BOOK/calls"
[ -e "$BOOK/broken" ] && { echo "bwrap: fake: cannot set up" >&2; exit 1; }
exec $(command -v bwrap) "\$@"
EOF
chmod 755 "$BOOK/fake" "$BOOK/fake/bwrap"
fake_build() {
    (cd "$BOOK" && timeout -k 5 120 env PATH="$BOOK/fake:$PATH" "$LITBOOK" build "$@" >out.log 2>err.log)
    RC=$?
}
calls() { if [ -e "$BOOK/calls" ]; then wc -l <"$BOOK/calls"; else echo 0; fi; }
fake_build
check "trial memo: the first build passes" rc_is 0
check "trial memo: the first build tried bwrap, then ran the chunk (2 starts)" test "$(calls)" -eq 2
check "trial memo: written after a trial that worked" test -s "$BOOK/out/.cache/sandbox-trial"
fake_build -B
check "trial memo: a rebuild passes" rc_is 0
check "trial memo: a rebuild trusts it (1 start more, the chunk's)" test "$(calls)" -eq 3
echo "changed" >>"$BOOK/out/.cache/sandbox-trial"
fake_build -B
check "trial memo: one for another setup is not trusted (2 starts more)" test "$(calls)" -eq 5
touch "$BOOK/broken"
fake_build -B
check "trial memo: trusted, a bwrap that broke fails the chunk" rc_is 1
check "trial memo: ... saying its sandbox ended" has "sandbox ended without reporting" "$BOOK/err.log"
check "trial memo: forgotten after a lost sandbox" test ! -e "$BOOK/out/.cache/sandbox-trial"
fake_build -B
check "trial memo: the next build tries bwrap again, and warns" \
    has "warning: chunks are not sandboxed: bubblewrap does not work here" "$BOOK/err.log"
check "trial memo: ... and runs the chunk without it" rc_is 0

done_testing
