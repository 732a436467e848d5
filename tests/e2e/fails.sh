#!/usr/bin/env bash
# Chunks meant to fail (fails=), ThreadSanitizer, and fences that look
# meant to run (issue 15): through the real binary.
. "$(dirname "$0")/lib.sh"

export PYTHON=${PYTHON:-python3}

# Every kind, failing the way it says: the build passes.
mkbook fails/expected.md
lb build
check "every fails= kind failing that way: exit 0" rc_is 0
check "the summary counts them as passing" has "7 chunks: 0 cached, 7 ran, 0 failed" "$BOOK/err.log"
check "no chunk reported as an error" lacks ": error:" "$BOOK/err.log"
P=$BOOK/out/expected.html
check "seven expected-failure boxes on the page" test "$(count_of 'class="expected-failure"' "$P")" -eq 7
check "... each with its badge" test "$(count_of 'badge expected-fail' "$P")" -eq 7
check "... and none in the error box" lacks 'error-box' "$P"
check "fails=compile: the compiler's message, at the chapter's line" has_re "chapters/expected.md:8:12: error: .*undeclared_name.* undeclared" "$P"
check "fails=SIGSEGV: the signal named" has "(<code>fails=SIGSEGV</code>): killed by signal 11 (Segmentation fault)" "$P"
check "fails=SIGSEGV: the partial output compared and verified" in_output $'before the crash\n' "$P"
check "fails=crash: an abort" has "(<code>fails=crash</code>): killed by signal 6 (Aborted)" "$P"
check "fails=timeout: after its timeout" has "(<code>fails=timeout</code>): timed out after 0.5 s" "$P"
check "fails=sanitizer: ASan's report, at the chapter's line" has_re "heap-buffer-overflow.*chapters/expected.md:50" <(tr '\n' ' ' <"$P")
check "fails=any: a non-zero status" has "(<code>fails=any</code>): exited with status 3" "$P"
check "fails=any: a python exception" has "no such file" "$P"

# The cache keeps what happened, not the verdict: a second build reruns
# nothing and passes; a changed fails= is judged against the cached run.
lb build
check "second build: everything cached, still passing" has "7 chunks: 7 cached, 0 ran, 0 failed" "$BOOK/err.log"
check "... and exit 0" rc_is 0
sed -i 's/fails=SIGSEGV/fails=SIGABRT/' "$BOOK/chapters/expected.md"
lb build -k
check "fails= changed to another signal: exit 1" rc_is 1
check "... from the cache, not rerun" has "7 chunks: 6 cached, 0 ran, 1 failed" "$BOOK/err.log"
check "... with the signal it died of" has "chapters/expected.md:14:1: error: chunk 'segv' failed: expected to crash with SIGABRT, but it was killed by signal 11 (SIGSEGV, Segmentation fault)" "$BOOK/err.log"
sed -i 's/ fails=SIGABRT}/}/' "$BOOK/chapters/expected.md"
lb build
check "fails= removed: the cached crash fails the chunk" has "chunk 'segv' failed: killed by signal 11 (Segmentation fault)" "$BOOK/err.log"
sed -i 's/^before the crash$/something else/' "$BOOK/chapters/expected.md"
sed -i 's/{#segv}/{#segv fails=SIGSEGV}/' "$BOOK/chapters/expected.md"
lb build
check "a crash as expected with a wrong expected block: exit 1" rc_is 1
check "... the partial output is compared" has "chunk 'segv' failed: output differs from the expected block" "$BOOK/err.log"

# Every kind not failing the way it says: the build fails, each named.
mkbook fails/wrong.md
lb build -k
check "chunks that do not fail as declared: exit 1" rc_is 1
W=chapters/wrong.md
check "fails=compile that compiles" has "$W:3:1: error: chunk 'compiles' failed: expected to fail to compile, but it compiled" "$BOOK/err.log"
check "fails=SIGSEGV that aborts" has "$W:7:1: error: chunk 'aborts' failed: expected to crash with SIGSEGV, but it was killed by signal 6 (SIGABRT, Aborted)" "$BOOK/err.log"
check "fails=crash that exits 0" has "$W:12:1: error: chunk 'exits' failed: expected to crash (be killed by a signal), but it exited with status 0" "$BOOK/err.log"
check "fails=timeout that ends" has "$W:16:1: error: chunk 'ends' failed: expected to run past its timeout, but it exited with status 0" "$BOOK/err.log"
check "fails=sanitizer with no report" has "$W:20:1: error: chunk 'clean' failed: expected to end with a sanitizer report, but it exited with status 0 with no sanitizer report" "$BOOK/err.log"
check "fails=any that succeeds" has "$W:24:1: error: chunk 'succeeds' failed: expected to fail, but it exited with status 0" "$BOOK/err.log"
check "a python fails=crash that ends well" has "$W:28:1: error: chunk 'py-ends' failed: expected to crash (be killed by a signal), but it exited with status 0" "$BOOK/err.log"
check "the summary counts all seven failed" has "7 chunks: 0 cached, 0 ran, 7 failed" "$BOOK/err.log"
check "the page shows them as errors, not as expected" test "$(count_of 'class="error-box"' "$BOOK/out/wrong.html")" -eq 7
check "... and no expected-failure box" lacks 'class="expected-failure"' "$BOOK/out/wrong.html"
lb build -k
check "the same, from the cache" has "7 chunks: 0 cached, 0 ran, 7 failed" "$BOOK/err.log"

# Bad values and combinations are input errors, with "did you mean".
mkbook fails/bad-value.md
lb build
check "bad fails= values: exit 2" rc_is 2
B=chapters/bad-value.md
check "a misspelt signal, with did you mean" has "$B:3:23: error: bad value 'SIGSEV' for 'fails': expected compile, crash, a signal name such as SIGSEGV or SIGABRT, timeout, sanitizer or any; did you mean 'SIGSEGV'?" "$BOOK/err.log"
check "fails=compile on a python chunk" has "$B:7:24: error: fails=compile is for compiled chunks" "$BOOK/err.log"
check "sanitize=thread with address" has "$B:11:23: error: bad value 'thread address' for 'sanitize': thread and address cannot be combined" "$BOOK/err.log"
check "nothing ran" lacks "ran " "$BOOK/err.log"

# ThreadSanitizer, in the sandbox: a data race with fails=sanitizer
# passes, and its report points at the chapter's lines.
mkbook fails/race.md
lb build
check "a data race under sanitize=thread fails=sanitizer: exit 0" rc_is 0
R=$BOOK/out/race.html
check "TSan's report on the page" has "WARNING: ThreadSanitizer: data race" "$R"
check "... at the chapter's line of counter++" has_re "SUMMARY: ThreadSanitizer: data race chapters/race.md:1[45] in work" "$R"
check "... marked as expected" has 'class="expected-failure"' "$R"
check "the compiler got -fsanitize=thread" has "-fsanitize=thread" "$R"
sed -i 's/sanitize=thread/sanitize="undefined thread"/' "$BOOK/chapters/race.md"
lb build
check "thread with undefined: exit 0" rc_is 0
check "... compiled with both" has "-fsanitize=undefined,thread" "$BOOK/out/race.html"
sed -i 's/ fails=sanitizer//' "$BOOK/chapters/race.md"
lb build
check "the same race without fails=: exit 1" rc_is 1
check "... the sanitizer's report fails it" has "chapters/race.md:5:1: error: chunk 'race' failed: the sanitizer reported an error" "$BOOK/err.log"
check "... with the report on the terminal" has "WARNING: ThreadSanitizer: data race" "$BOOK/err.log"

# Fences that look meant to run: a warning where, and only where, one is
# due; the build still passes (a display fence is never an error).
mkbook fails/typos.md
lb build
check "fences that look like typos: still exit 0" rc_is 0
T=chapters/typos.md
check "\`\`\`C {#upper}: did you mean 'c'" has "$T:3:4: warning: no engine runs 'C' fences, so this chunk is only displayed; did you mean 'c'?" "$BOOK/err.log"
check "\`\`\`c++: did you mean 'cpp'" has "$T:7:4: warning: no engine runs 'c++' fences, so this chunk is only displayed; did you mean 'cpp'?" "$BOOK/err.log"
check "\`\`\`Python: did you mean 'python'" has "$T:11:4: warning: no engine runs 'Python' fences, so this chunk is only displayed; did you mean 'python'?" "$BOOK/err.log"
check "\`\`\`py {timeout=5}: did you mean 'python'" has "$T:15:4: warning: no engine runs 'py' fences, so this chunk is only displayed; did you mean 'python'?" "$BOOK/err.log"
check "attributes on a language with no engine" has "$T:19:4: warning: no engine runs 'rust' fences, so this chunk is only displayed and its {...} attributes are ignored" "$BOOK/err.log"
check "an output block after eval=false" has "$T:45:1: warning: this output block is never compared: chunk 'shown' does not run (it has eval=false)" "$BOOK/err.log"
check "a second output block" has "$T:58:1: warning: a second output block after chunk 'twice' is never compared: only the first (line 54) is; merge them into one" "$BOOK/err.log"
check "exactly those seven warnings: none for text, js title=, console, {r}" test "$(grep -c ': warning: ' "$BOOK/err.log")" -eq 7
check "the mistyped fences are displayed as ordinary code blocks" has '<section class="chunk chunk-C" id="upper">' "$BOOK/out/typos.html"
lb build -q
check "the warnings show under -q too" test "$(grep -c ': warning: ' "$BOOK/err.log")" -eq 7

echo "1..$TESTS_RUN"
