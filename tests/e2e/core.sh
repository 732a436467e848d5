#!/usr/bin/env bash
# The core path (issue 2): fixture chapters through the real binary.
. "$(dirname "$0")/lib.sh"

# A good chapter: verified output, args, stdin, noweb, escaping.
mkbook good.md
lb build
check "good chapter builds with exit 0" rc_is 0
P=$BOOK/out/good.html
check "page written" test -f "$P"
# Output checks look inside the output's own element: the source listing
# holds "hello, world" and the escaped script text too.
check "verified output is on the page, in its verified element" in_output $'hello, world\npid 42\n' "$P"
check "two verified outputs on the page" test "$(outputs "$P" | grep -c '^--$')" -eq 2
check "verified badge shown" has "output verified" "$P"
check "arguments split like a shell" in_output $'arg 1: one\narg 2: two words\narg 3: three\n' "$P" "output stdout"
check "stdin fed with escapes" in_output $'read: alpha\nread: beta\n' "$P" "output stdout"
check "noweb reference expanded and run" in_output $'1 4 9\n' "$P"
check "program output is escaped, in the output element" in_output "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" "$P" "output stdout"
check "no raw script from output" lacks "<script>alert" "$P"
check "stderr shown apart, for the one chunk that wrote to it" test "$(count_of 'class="output stderr"' "$P")" -eq 1
check "headings get slug anchors" has '<h2 id="arguments-and-input">' "$P"
check "index page lists the chapter" has 'href="good.html"' "$BOOK/out/index.html"
check "stylesheet written" test -s "$BOOK/out/assets/litbook.css"
lb build
check "second build: everything cached" has_re "4 chunks: 4 cached, 0 ran, 0 failed" "$BOOK/err.log"
lb build -q
check "-q prints nothing on success" test ! -s "$BOOK/err.log"
lb build -o elsewhere
check "-o writes elsewhere" test -f "$BOOK/elsewhere/good.html"
lb clean -o elsewhere
check "clean removes the output" test ! -e "$BOOK/elsewhere"

# Noweb: the expansion carries #line directives, so __LINE__ after each
# expansion (and inside it) is the chapter's line.
mkbook noweb.md
lb build
check "noweb with #line: exit 0" rc_is 0
check "noweb: __LINE__ inside and after expansions are the chapter's lines" in_output $'body at line 11\nafter at chapters/noweb.md:23\n' "$BOOK/out/noweb.html"

# A compile error is reported by the compiler at the chapter's line.
mkbook compile-error.md
lb build
check "compile error exits 1" rc_is 1
check "compiler message points at the chapter line" has_re "chapters/compile-error.md:7:[0-9]+: (error|warning): implicit declaration" "$BOOK/err.log"
check "the missing semicolon is at line 8 or 9" has_re "chapters/compile-error.md:(8|9):[0-9]+: error" "$BOOK/err.log"
check "failure named in GCC form at the fence" has "chapters/compile-error.md:3:1: error: chunk 'broken' failed: compilation failed" "$BOOK/err.log"

# A crash is named by its signal.
mkbook segfault.md
lb build
check "segfault exits 1" rc_is 1
check "segfault named" has "killed by signal 11 (Segmentation fault)" "$BOOK/err.log"
check "failed chapter's page not written without -k" test ! -e "$BOOK/out/segfault.html"
lb build -k
check "-k still exits 1" rc_is 1
check "-k writes the page with an error box" has 'class="error-box"' "$BOOK/out/segfault.html"
check "error box names the signal" has "Segmentation fault" "$BOOK/out/segfault.html"

# -k goes on after each failure: three failing chunks, then a good one.
mkbook several-failures.md
lb build -k -j1
P=$BOOK/out/several-failures.html
check "-k, three failures: exit 1" rc_is 1
check "-k, three failures: all four chunks ran, three failed" has "1 chapter, 4 chunks: 0 cached, 1 ran, 3 failed" "$BOOK/err.log"
check "-k: the crash reported" has "chunk 'crash' failed: killed by signal 11" "$BOOK/err.log"
check "-k: the wrong exit status reported" has "chunk 'wrong-exit' failed" "$BOOK/err.log"
check "-k: the mismatch reported" has "chunk 'wrong-output' failed" "$BOOK/err.log"
check "-k: three error boxes on the page" test "$(count_of 'class="error-box"' "$P")" -eq 3
check "-k: the chunk after the failures ran and was verified" in_output $'the good one ran\n' "$P"

# An infinite loop (with a forked helper) is killed after its timeout.
mkbook timeout.md
lb build
check "timeout exits 1" rc_is 1
check "timeout reported" has "timed out after 1 s" "$BOOK/err.log"
check "killed in about a second" faster_than 4
check "no process left behind after a timeout" strays

# A program that ignores SIGTERM gets SIGKILL.
mkbook ignore-term.md
lb build
check "SIGTERM-ignoring child: exit 1" rc_is 1
check "SIGTERM-ignoring child: timed out" has "timed out after 1 s" "$BOOK/err.log"
check "SIGTERM-ignoring child killed promptly" faster_than 5
check "no process left behind after SIGKILL" strays

# Output mismatch: a diff, exit 1; --update accepts it.
mkbook mismatch.md
lb build
check "mismatch exits 1" rc_is 1
check "diff shows the expected line" has "-line three" "$BOOK/err.log"
check "diff shows the actual line" has "+line 3" "$BOOK/err.log"
check "diff has a hunk header" has "@@ -1,5 +1,5 @@" "$BOOK/err.log"
check "update hint given" has "litbook build --update chapters/mismatch.md" "$BOOK/err.log"
cp "$FIX/good.md" "$BOOK/chapters/"
touch -d '2001-01-01' "$BOOK/chapters/good.md"
lb build --update
check "--update exits 0" rc_is 0
check "--update says how many blocks it rewrote" has "chapters/mismatch.md: updated 1 expected output block" "$BOOK/err.log"
check "--update names no chapter it did not change" lacks "good.md: updated" "$BOOK/err.log"
check "--update leaves a chapter with nothing to update alone" test "$(stat -c %Y "$BOOK/chapters/good.md")" -lt 1000000000
check "--update rewrote the block" has "line 3" "$BOOK/chapters/mismatch.md"
check "--update removed the wrong line" lacks "line three" "$BOOK/chapters/mismatch.md"
lb build
check "after --update the build passes from the cache" has "5 cached, 0 ran, 0 failed" "$BOOK/err.log"

# --update inside block quotes: the new lines keep their "> " prefix.
mkbook quoted-mismatch.md
Q=$BOOK/chapters/quoted-mismatch.md
sed 's/^> old one$/> new one/; s/^> > deep old$/> > deep new/' "$Q" >"$BOOK/want.md"
lb build --update
check "--update in a block quote: exit 0" rc_is 0
check "--update in a block quote: two blocks rewritten" has "chapters/quoted-mismatch.md: updated 2 expected output blocks" "$BOOK/err.log"
check "--update in a block quote: the chapter is exactly the old one with the new lines" cmp -s "$Q" "$BOOK/want.md"
lb build
check "--update in a block quote: the next build passes from the cache" has "2 cached, 0 ran, 0 failed" "$BOOK/err.log"
check "--update in a block quote: the output shown as verified" in_output $'new one\ntwo\n' "$BOOK/out/quoted-mismatch.html"

# A bad attribute: exit 2, GCC-form message with a suggestion, nothing lost.
mkbook good.md
lb build
before=$(md5sum <"$BOOK/out/good.html")
cp "$FIX/bad-attr.md" "$BOOK/chapters/"
echo "Edited." >>"$BOOK/chapters/good.md"
lb build
check "bad attribute exits 2" rc_is 2
check "bad attribute reported at file:line:col" has "chapters/bad-attr.md:3:10: error: unknown option 'timout'" "$BOOK/err.log"
check "did you mean offered" has "did you mean 'timeout'?" "$BOOK/err.log"
check "last good page kept" test "$(md5sum <"$BOOK/out/good.html")" = "$before"

# Building one chapter reruns only it.
mkbook good.md mismatch.md
sed -i 's/line three/line 3/' "$BOOK/chapters/mismatch.md"
lb build
touch -d '2001-01-01' "$BOOK/out/good.html"
echo "More prose." >>"$BOOK/chapters/mismatch.md"
lb build chapters/mismatch.md
check "one chapter: exit 0" rc_is 0
check "one chapter: summary counts one chapter" has "1 chapter, 1 chunk" "$BOOK/err.log"
check "one chapter: the other page untouched" test "$(stat -c %Y "$BOOK/out/good.html")" -lt 1000000000
check "one chapter: its page updated" has "More prose." "$BOOK/out/mismatch.html"
lb build chapters/nope.md
check "unknown chapter is exit 2" rc_is 2

# Command line.
BOOK=$(mktemp -d); TMPS+=("$BOOK")
lb --help
check "--help exits 0" rc_is 0
check "--help shows usage" has "usage: litbook build" "$BOOK/out.log"
lb --version
check "--version" has_re "^litbook [0-9]+\.[0-9]+" "$BOOK/out.log"
lb build --bogus
check "unknown option exits 2" rc_is 2
lb frobnicate
check "unknown command exits 2" rc_is 2
lb build
check "no chapters folder is exit 2" rc_is 2
check "no chapters folder explained" has "cannot open the book's folder 'chapters'" "$BOOK/err.log"

done_testing
