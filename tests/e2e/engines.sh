#!/usr/bin/env bash
# The cpp and sh engines (issue 15): verified output, errors at the
# chapter's lines, timeouts, limits, repeat tables, data into a chart.
. "$(dirname "$0")/lib.sh"
E=engines
# killed_within SECONDS: the build said the chunk timed out, and it took
# less than SECONDS (the chunk's own sleep is longer).
killed_within() { has "timed out after 1 s" "$BOOK/err.log" && faster_than "$1"; }
# ran_with_status N PAGE: the page says the program ran and exited N.
ran_with_status() { has "exit status $1</div>" "$2"; }

mkbook $E/sh.md
lb build
P=$BOOK/out/sh.html
check "sh: the chapter builds" rc_is 0
check "sh: args and stdin reach the script, output verified" in_output $'hello brave, new world (2 arguments)\n3' "$P"
check "sh: lb_value's text is quoted in the prose" has_re '<span class="lb-value"[^>]*>3</span>' "$P"
check "sh: lb_claim is listed as held" has 'claim held' "$P"
check "sh: bash's message names the chapter's line" in_output "chapters/sh.md:23: no-such-command-here: command not found" "$P" "output stderr"
check "sh: the caption shows how it ran" has "<code>bash prog.sh brave 'new world'</code>" "$P"
n=$(outputs "$P" "output stdout" | grep -E '^[0-9]+$' | tail -n 1)
check "sh: the script sees only its own processes in the sandbox (${n:-none})" test "${n:-99}" -le 8
lb build
check "sh: a second build takes every chunk from the cache" has "3 cached, 0 ran" "$BOOK/err.log"

mkbook $E/sh-claim.md
lb build
check "sh: a failed claim fails the build" rc_is 1
check "sh: ... at the line of the lb_claim call" has "chapters/sh-claim.md:5:1: error: claim failed: two is more than three" "$BOOK/err.log"

mkbook $E/sh-timeout.md
lb build
check "sh: timeout= fails the build" rc_is 1
check "sh: ... says it timed out" has "chapters/sh-timeout.md:3:1: error: chunk 'slow' failed: timed out after 1 s" "$BOOK/err.log"
check "sh: ... and kills the script long before its sleep ends (${SECS}s)" killed_within 15

mkbook $E/sh-memory.md
lb build
built_with_status() { rc_is 0 && ran_with_status "$@"; }
check "sh: memory= holds: bash cannot allocate, exits 2 as expected" built_with_status 2 "$BOOK/out/sh-memory.html"
check "sh: ... and says why on stderr" has_re "cannot allocate [0-9]+ bytes" "$BOOK/out/sh-memory.html"

mkbook $E/sh-repeat.md
lb build
R=$BOOK/out/sh-repeat.html
check "sh: repeat= output verified" in_output $'counted to 2000\n' "$R"
check "sh: repeat= table counts the timed runs" has "3 timed runs after one warm-up" "$R"
check "sh: repeat= table has wall, CPU and RSS rows" has "peak RSS (MiB)" "$R"

mkbook $E/cpp.md
lb build
P=$BOOK/out/cpp.html
check "cpp: the chapter builds" rc_is 0
check "cpp: compiled as C++17 with \$CXX's default" has "<code>c++ -std=c++17 -O2 -Wall -Wextra -o prog prog.cpp</code>" "$P"
check "cpp: args reach the program, output verified" in_output $'sum of 1..4 = 10\n' "$P"
check "cpp: lb_value (litbook.h) is quoted in the prose" has_re '<span class="lb-value"[^>]*>4</span>' "$P"
check "cpp: lb_claim is listed as held" has 'claim held' "$P"
check "cpp: memory=512M holds: a 1 GiB vector throws bad_alloc" in_output $'bad_alloc\n' "$P"
check "cpp: repeat= table counts the timed runs" has "2 timed runs after one warm-up" "$P"
check "cpp: repeat= output verified" in_output $'499999500000\n' "$P"
CXXFLAGS=-DNDEBUG lb build
check "cpp: \$CXXFLAGS follows the defaults (and changes the key)" has "<code>c++ -std=c++17 -O2 -Wall -Wextra -DNDEBUG -o prog prog.cpp</code>" "$P"
CXX=/nonexistent/c++ lb build --force
check "cpp: a missing \$CXX is a chunk failure that names it" has "cannot run the compiler '/nonexistent/c++'" "$BOOK/err.log"
check "cpp: ... and says to set CXX" has "set CXX to a C++ compiler" "$BOOK/err.log"

mkbook $E/cpp-error.md
lb build
check "cpp: a compile error fails the build" rc_is 1
check "cpp: the compiler's message points at the chapter's line" has_re "chapters/cpp-error.md:9:[0-9]+: error: (no matching|invalid conversion)" "$BOOK/err.log"
check "cpp: ... named at the fence in GCC's form" has "chapters/cpp-error.md:3:1: error: chunk 'broken' failed: compilation failed" "$BOOK/err.log"

mkbook $E/cpp-timeout.md
lb build
check "cpp: timeout= fails the build" rc_is 1
check "cpp: ... says it timed out" has "chapters/cpp-timeout.md:3:1: error: chunk 'forever' failed: timed out after 1 s" "$BOOK/err.log"
check "cpp: ... well before its sleep ends (${SECS}s)" killed_within 20

mkbook $E/data.md
lb build
P=$BOOK/out/data.html
check "data: sh and cpp data into one chart builds" rc_is 0
check "data: the sh chunk saved its table" cmp "$BOOK/out/.cache/data/from-sh.tsv" <(printf '1 1\n2 4\n3 9\n4 16\n')
check "data: the cpp chunk saved its table" cmp "$BOOK/out/.cache/data/from-cpp.tsv" <(printf '1 1\n2 8\n3 27\n4 64\n')
check "data: the chart is drawn, with both series" has ">sh squares<" "$P"
check "data: ... the C++ one too" has ">cpp cubes<" "$P"
check "data: the chart is a numbered figure" has "Figure 1.1:</span> Squares from sh, cubes from C++" "$P"

# An interpreter's report about a line that a <<reference>> brought in
# names that line of the chapter (python's traceback, bash's message),
# as the compiler's does for C through #line.
mkbook
cat >"$BOOK/chapters/nw.md" <<'EOF'
# Noweb in interpreted chunks

```python {#helper}
def half(x):
    return 1 / x
```

Prose between.

```python {#main}
<<helper>>
print(half(2))
print(half(0))
```

```sh {#shh}
say() {
    echo "hi"
}
```

```sh {#shmain}
<<shh>>
say
nosuchcommand
```
EOF
lb build -k
N=$BOOK/chapters/nw.md
at() { grep -nF -- "$1" "$N" | head -1 | cut -d: -f1; }
check "noweb, python: the traceback's own line" has "File \"chapters/nw.md\", line $(at 'print(half(0))'), in <module>" "$BOOK/err.log"
check "noweb, python: the referenced chunk's line" has "File \"chapters/nw.md\", line $(at 'return 1 / x'), in half" "$BOOK/err.log"
check "noweb, sh: bash's message at the chapter's line" has "chapters/nw.md:$(at 'nosuchcommand'): nosuchcommand: command not found" "$BOOK/err.log"

done_testing
