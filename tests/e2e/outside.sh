#!/usr/bin/env bash
# What no sandbox fixes (issue 14): --update fences, clean and the build
# lock, chapters that are FIFOs or symlinks out of the book, odd chapter
# names in links and on the terminal, answer-book.md. Each build bounded
# by lb's timeout, everything under the test's own mktemp folders.
. "$(dirname "$0")/lib.sh"

# --update: a program printing ``` lines cannot close the block early and
# turn the rest of its output into Markdown and a new chunk.
mkbook
cat >"$BOOK/chapters/fence.md" <<'EOF'
# Fence

```c {#fence}
#include <stdio.h>
int main(void)
{
    puts("```");
    puts("````c {#injected}");
    puts("int main(void) { return 1; }");
    puts("````");
    return 0;
}
```

```output
old
```
EOF
lb build --update
check "--update with backtick runs in the output: exit 0" rc_is 0
check "--update: the new fence is longer than any run in the output" \
    has_re '^`{5}output$' "$BOOK/chapters/fence.md"
lb build
check "--update: the chapter still has one chunk, now verified" has_re "1 chunk: .* 0 failed" "$BOOK/err.log"
check "--update: no chunk 'injected'" lacks "injected" "$BOOK/err.log"
lb build -B
check "--update: the rewritten block verifies" has "1 ran, 0 failed" "$BOOK/err.log"

# clean takes the build lock: run while a build is under way, it waits.
mkbook
printf '# Slow\n\n```c {#slow}\n#include <unistd.h>\nint main(void) { sleep(2); return 0; }\n```\n' \
    >"$BOOK/chapters/slow.md"
(cd "$BOOK" && timeout -k 5 60 "$LITBOOK" build >build.log 2>&1; echo $? >build.rc) &
BUILD=$!
for _ in $(seq 100); do [ -e "$BOOK/out/.cache/lock" ] && break; sleep 0.05; done
sleep 0.5
lb clean
wait "$BUILD"
check "clean during a build: the build still succeeds" test "$(cat "$BOOK/build.rc")" -eq 0
check "clean during a build: clean waited for it" has "waiting for it to finish" "$BOOK/err.log"
check "clean during a build: then removed the output" test ! -e "$BOOK/out"

# A FIFO as a chapter: an input error at once, not a hang.
mkbook
mkfifo "$BOOK/chapters/pipe.md"
lb build
check "FIFO chapter: exit 2" rc_is 2
check "FIFO chapter: said so" has "not a regular file (a FIFO)" "$BOOK/err.log"
check "FIFO chapter: at once" faster_than 10
rm "$BOOK/chapters/pipe.md"

# A symlink to a file outside the book: refused; inside it: fine.
echo "# Secret" >"$BOOK/outside.txt"
ln -s "$BOOK/outside.txt" "$BOOK/chapters/leak.md"
lb build
check "symlink out of the book: exit 2" rc_is 2
check "symlink out of the book: refused" has "symbolic link to a file outside the book" "$BOOK/err.log"
rm "$BOOK/chapters/leak.md"
printf '# Real\n' >"$BOOK/chapters/real.txt"
ln -s real.txt "$BOOK/chapters/alias.md"
lb build
check "symlink inside the book: built" rc_is 0

# answer-book.md would be the single-file book's page.
mkbook
printf '# Clash\n' >"$BOOK/chapters/answer-book.md"
lb build
check "answer-book.md: exit 2" rc_is 2
check "answer-book.md: explained" has "cannot be named answer-book.md" "$BOOK/err.log"

# Names with '"', '#', '%' and markup: encoded in every href, never markup.
mkbook
printf '# Quote\n' >"$BOOK/chapters/a\" onmouseover=\"alert(1).md"
printf '# Hash\n' >"$BOOK/chapters/b#1 100%.md"
lb build
check "odd names: exit 0" rc_is 0
check "odd names: no attribute injected" lacks 'onmouseover="alert' "$BOOK/out/index.html"
check "odd names: quote encoded in the href" has 'href="a%22%20onmouseover%3D%22alert%281%29.html"' \
    "$BOOK/out/index.html"
check "odd names: # and % encoded" has 'href="b%231%20100%25.html"' "$BOOK/out/index.html"
check "odd names: the page the link names exists" test -f "$BOOK/out/b#1 100%.html"

# Control characters in output and names reach the terminal made visible.
mkbook
printf '# Esc\n\n```c {#esc}\n#include <stdio.h>\nint main(void) { printf("\\033]0;owned\\007\\033[2Kok\\n"); return 0; }\n```\n\n```output\nnot this\n```\n' \
    >"$BOOK/chapters/esc.md"
lb build
check "escape sequences in output: the chunk fails (its block differs)" rc_is 1
check "escape sequences in output: no raw ESC reaches the terminal" \
    test "$(tr -cd '\033\007' <"$BOOK/err.log" | wc -c)" -eq 0
check "escape sequences in output: shown as \\x1b" has '\x1b]0;owned\x07' "$BOOK/err.log"

done_testing
