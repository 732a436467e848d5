#!/usr/bin/env bash
# The build engine (issues 3 and 4): what reruns when, kill -9, two builds.
. "$(dirname "$0")/lib.sh"

ran() { grep -oE "[0-9]+ ran" "$BOOK/err.log" | head -1 | cut -d' ' -f1; }
ran_is() { [ "$(ran)" = "$1" ]; }
ran_label() { grep -qF "ran chapters/01-deps.md#$1 " "$BOOK/err.log"; }
only_ran() { # NAME: exactly one chunk ran, and it was NAME
    ran_is 1 && ran_label "$1"
}

mkbook
cp "$FIX"/cache/01-deps.md "$FIX"/cache/shared.h "$BOOK/chapters/"
lb build -j2
check "cold build runs all four chunks" ran_is 4
lb build
check "a cache hit reruns nothing" ran_is 0
check "summary line" has_re "1 chapter, 4 chunks: 4 cached, 0 ran, 0 failed in [0-9.]+ s" "$BOOK/err.log"

printf '#define SHARED_VALUE 8\n' >"$BOOK/chapters/shared.h"
lb build
check "an edited header reruns its user, and only it" only_ran uses-header
check "the new header value is on the page" has '>8' "$BOOK/out/01-deps.html"

sed -i 's/stdin="in\\n"/stdin="other\\n"/' "$BOOK/chapters/01-deps.md"
lb build
check "changed stdin reruns exactly its chunk" only_ran plain

sed -i 's/args="x"/args="y"/' "$BOOK/chapters/01-deps.md"
lb build
check "changed args rerun exactly their chunk" only_ran plain

sed -i 's/{#plain /{#plain timeout=9 /' "$BOOK/chapters/01-deps.md"
lb build
check "changed options rerun exactly their chunk" only_ran plain

# The limits are part of the key: changing any one reruns its chunk.
for lim in cpu=299 memory=3G filesize=512M procs=255 maxout=512K; do
    sed -i "s/{#plain /{#plain $lim /" "$BOOK/chapters/01-deps.md"
    lb build
    check "a changed limit ($lim) reruns exactly its chunk" only_ran plain
done

sed -i 's/i \* 3/i * 4/' "$BOOK/chapters/01-deps.md"
lb build
check "changed source reruns the program and the chart that reads its data" ran_is 2
check "... the program" ran_label table
check "... the chart" ran_label fig

sed -i 's/with lines title/with linespoints title/' "$BOOK/chapters/01-deps.md"
lb build
check "a restyled chart reruns gnuplot and not the program" only_ran fig

echo "Prose edited." >>"$BOOK/chapters/01-deps.md"
lb build
check "a prose edit reruns nothing" ran_is 0
check "... and the page shows it" has "Prose edited." "$BOOK/out/01-deps.html"
check "... with the chart drawn from the cache" has_re '<figure class="chart"><svg' "$BOOK/out/01-deps.html"
check "... and its series in it" has ">3n<" "$BOOK/out/01-deps.html"

CFLAGS=-O1 lb build
check "CFLAGS change reruns every C chunk, not the chart" ran_is 3
CC=gcc lb build
check "another compiler (CC=gcc) reruns every C chunk" ran_is 3
lb build -B
check "-B forces a rerun of everything named" ran_is 4

# Pages: left alone when nothing they show changed, rewritten when it did.
mkbook good.md mismatch.md
sed -i 's/line three/line 3/' "$BOOK/chapters/mismatch.md"
lb build
touch -d '2001-01-01' "$BOOK/out/good.html" "$BOOK/out/mismatch.html"
lb build
check "a no-op rebuild rewrites no page" test "$(stat -c %Y "$BOOK/out/good.html")" -lt 1000000000
sed -i 's/^# Mismatch/# Mismatch, renamed/' "$BOOK/chapters/mismatch.md"
lb build
check "another chapter's new title reaches this page's sidebar" has "Mismatch, renamed" "$BOOK/out/good.html"
rm "$BOOK/out/good.html"
lb build
check "a deleted page is made again" test -f "$BOOK/out/good.html"
# A page's record names the file it describes (size, mtime, inode), and is
# written in place: a page changed since, or a record torn by a crash,
# means the page is made again.
echo "edited by hand" >"$BOOK/out/good.html"
lb build
check "a page changed since it was made is made again" has "<title>" "$BOOK/out/good.html"
R=$BOOK/out/.cache/pages/good
head -c 40 "$R" >"$R.torn" && mv "$R.torn" "$R"
echo "edited again" >"$BOOK/out/good.html"
lb build
check "a torn page record: the page is made again" has "<title>" "$BOOK/out/good.html"
check "a torn page record: written whole again" test "$(stat -c %s "$R")" -eq 128
ino=$(stat -c %i "$R")
sed -i 's/^# Mismatch, renamed/# Mismatch, renamed again/' "$BOOK/chapters/mismatch.md"
lb build
check "a page record is rewritten in place (no rename over it)" test "$(stat -c %i "$R")" -eq "$ino"
check "... and the page has the new title" has "Mismatch, renamed again" "$BOOK/out/good.html"

# kill -9 at random instants, then a rebuild gives the clean build's pages.
mkbook
cp "$FIX"/cache/01-deps.md "$FIX"/cache/shared.h "$FIX"/good.md "$BOOK/chapters/"
lb build -o clean
strip_times() { sed -E 's/ran in [0-9.]+ (µs|ms|s)//g' "$1"; }
same_pages() {
    local f
    for f in "$BOOK"/clean/*.html; do
        cmp -s <(strip_times "$f") <(strip_times "$BOOK/out/$(basename "$f")") || return 1
    done
}
for delay in 0.02 0.05 0.1 0.15 0.2 0.3; do
    (cd "$BOOK" && exec "$LITBOOK" build -B >/dev/null 2>&1) &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
lb build
check "after kill -9 at random points a rebuild succeeds" rc_is 0
check "... with the same pages as a clean build (times aside)" same_pages
check "... and no temporary files left in out/" test -z "$(find "$BOOK/out" -name '*.tmp' -not -path '*/.cache/tmp/*')"

# SIGINT stops the children, exits 130, keeps the pages. The signal is
# sent once the slow chunk is seen running (it names itself lbslow).
cat >"$BOOK/chapters/zz-slow.md" <<'EOS'
# Slow

```c {#slow timeout=30}
#include <sys/prctl.h>
#include <unistd.h>
int main(void) { prctl(PR_SET_NAME, "lbslow"); sleep(20); return 0; }
```
EOS
slow_running() { # a process of this book named lbslow
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = lbslow ] &&
            case "$(readlink "$p/exe" 2>/dev/null)" in "$BOOK"/*) return 0 ;; esac
    done
    return 1
}
before=$(md5sum <"$BOOK/out/good.html")
(cd "$BOOK" && exec "$LITBOOK" build -B >/dev/null 2>"$BOOK/int.log") &
pid=$!
started=no
for _ in $(seq 150); do # up to 15 s
    slow_running && { started=yes; break; }
    sleep 0.1
done
check "the slow chunk was running before SIGINT" test "$started" = yes
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT exits 130" test "$rc" -eq 130
check "SIGINT leaves no child running" strays
check "SIGINT leaves the pages as they were" test "$(md5sum <"$BOOK/out/good.html")" = "$before"
check "SIGINT removes the scratch folder" test ! -e "$BOOK/out/.cache/tmp"
rm "$BOOK/chapters/zz-slow.md"

# Two builds at once on the same out/: both end, pages correct.
(cd "$BOOK" && "$LITBOOK" build -B >/dev/null 2>"$BOOK/a.log") &
a=$!
(cd "$BOOK" && "$LITBOOK" build -B >/dev/null 2>"$BOOK/b.log") &
b=$!
wait $a
ra=$?
wait $b
rb=$?
check "two concurrent builds both succeed" test "$ra" -eq 0 -a "$rb" -eq 0
check "the second one said it waited" grep -q "another build is using" "$BOOK/a.log" "$BOOK/b.log"
check "pages after concurrent builds match a clean build" same_pages

# Matches are remembered (src/matchmemo.h), each under the hash of both
# texts: a rebuild judges an edited expected block anew, from the cache.
mkbook
cat >"$BOOK/chapters/re.md" <<'EOF'
# Remembered verdicts

```c {#pid}
#include <stdio.h>
int main(void) { printf("pid 4242\n"); return 0; }
```

```output
pid [0-9]+ (re)
```
EOF
lb build
check "a (re) block that matches passes" rc_is 0
check "... and its match is remembered" test -n "$(ls "$BOOK/out/.cache/match")"
sed -i 's/^pid \[0-9\]+ (re)$/pid [a-z]+ (re)/' "$BOOK/chapters/re.md"
lb build
check "a remembered match does not pass the block edited to mismatch" rc_is 1
check "... which is judged from the cache, not rerun" has "1 chunk: 0 cached, 0 ran, 1 failed" "$BOOK/err.log"
sed -i 's/^pid \[a-z\]+ (re)$/pid [0-9]+ (re)/' "$BOOK/chapters/re.md"
lb build
check "the block edited back passes again, from the cache" has "1 cached, 0 ran, 0 failed" "$BOOK/err.log"
rm -r "$BOOK/out/.cache/match"
lb build
check "without the memo, the same verdict and no rerun" has "1 cached, 0 ran, 0 failed" "$BOOK/err.log"

done_testing
