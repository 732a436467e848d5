#!/usr/bin/env bash
# Python chunks, requires=, recorded results and twin= (issue 8).
. "$(dirname "$0")/lib.sh"

# The real interpreter behind python3 (a pyenv shim would add a shell and
# a second or so to every run); its own modules only, no NumPy needed.
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
if [ -z "$PY" ]; then
    echo "ok 1 # skip no python3 on this machine"
    echo "1..1"
    exit 0
fi
unset PYTHONPATH

# A wrapper that logs every start of the interpreter, to count them.
pywrap() {
    cat >"$BOOK/py" <<EOF
#!/bin/sh
# Chunks run sandboxed, where the book is read-only: only the starts
# outside (the probe) can be logged, and those are what caching saves.
{ echo "\$@" >>"$BOOK/py.log"; } 2>/dev/null
exec "$PY" "\$@"
EOF
    chmod +x "$BOOK/py"
    : >"$BOOK/py.log"
}
starts() { wc -l <"$BOOK/py.log"; }

# A python chunk runs, with args and stdin, and is verified.
mkbook python/run.md
pywrap
PYTHON=$BOOK/py lb build
P=$BOOK/out/run.html
check "python chapter builds with exit 0" rc_is 0
check "python output verified" has "output verified" "$P"
check "python args split like a shell" has "args: ['one', 'two words']" "$P"
check "python stdin fed" has "stdin: ['alpha', 'beta']" "$P"
check "python output in its verified element" in_output $'hello from python 3\nargs: [\'one\', \'two words\']\n' "$P"
check "python output escaped, in its verified element" in_output $'&lt;script&gt;\n' "$P"
check "python caption names the interpreter and its version" has_re "py prog.py[^<]*# Python 3\.[0-9]+" "$P"
check "traceback points at the chapter's file and line" has 'File &quot;chapters/run.md&quot;, line 25' "$P"
n=$(starts)
PYTHON=$BOOK/py lb build
check "no-op rebuild: everything cached" has "2 chunks: 2 cached, 0 ran, 0 failed" "$BOOK/err.log"
check "no-op rebuild starts no interpreter" test "$(starts)" -eq "$n"
sed -i 's/^print("<script>")$/print("<script>!")/' "$BOOK/chapters/run.md"
PYTHON=$BOOK/py lb build
check "a changed python chunk reruns and is checked" rc_is 1
check "its mismatch is shown as a diff" has "+<script>!" "$BOOK/err.log"

# A module that does not import: "not run", exit 0, no made-up output.
mkbook python/missing.md
PYTHON=$PY lb build
P=$BOOK/out/missing.html
check "missing module: exit 0" rc_is 0
check "missing module: note names the module" has "chunk 'needs-it' not run: litbook_no_such_module is not installed here" "$BOOK/err.log"
check "missing module: page says not run" has "Not run: litbook_no_such_module is not installed here" "$P"
check "missing module: chunk styled as not run" has 'class="chunk chunk-python not-run"' "$P"
check "missing module: no verified badge for it" test "$(grep -c 'output verified' "$P")" -eq 1
check "missing module: the other chunk still runs" has "this one runs" "$P"

# The interpreter missing altogether: the same treatment, exit 0.
PYTHON=/nonexistent lb build -B
check "missing interpreter: exit 0" rc_is 0
check "missing interpreter: said clearly" has "the Python interpreter /nonexistent (from \$PYTHON) is not installed here" "$BOOK/err.log"
check "missing interpreter: page says not run" has "Not run: the Python interpreter /nonexistent" "$BOOK/out/missing.html"
mkdir "$BOOK/empty-path"
(export PATH=$BOOK/empty-path; unset PYTHON; cd "$BOOK" && "$LITBOOK" build -B >out.log 2>err.log)
RC=$?
check "no python3 on PATH: exit 0" rc_is 0
check "no python3 on PATH: said clearly" has "not run: python3 is not installed here" "$BOOK/err.log"

# Recorded results: --record stores the result with its provenance; a
# machine without the module shows it, labelled; a changed chunk's
# recording is stale and refused.
mkbook python/recorded.md
mkdir "$BOOK/pylib"
printf '__version__ = "1.2.3"\nVALUE = 7\n' >"$BOOK/pylib/lbfakemod.py"
PYTHONPATH=$BOOK/pylib PYTHON=$PY lb build --record chapters/recorded.md
R=$BOOK/chapters/recorded/recorded/fake.txt
check "--record: exit 0" rc_is 0
check "--record: recording written" test -f "$R"
check "--record: says where" has "recorded in chapters/recorded/recorded/fake.txt" "$BOOK/err.log"
check "recording: a format header" has "litbook recording 1" "$R"
check "recording: the source hash" has_re "^source-hash: [0-9a-f]{32}$" "$R"
check "recording: the machine" has "machine: $(hostname)" "$R"
check "recording: the CPU" has_re "^cpu: .+" "$R"
check "recording: the date" has_re "^recorded: [0-9]{4}-[0-9]{2}-[0-9]{2}T" "$R"
check "recording: the module's version" has "module: lbfakemod 1.2.3" "$R"
check "recording: the interpreter" has_re "^python: 3\.[0-9]+\.[0-9]+" "$R"
check "recording: the output, line by line" has "| value 7" "$R"
PYTHON=$PY lb build
P=$BOOK/out/recorded.html
check "recording used: exit 0" rc_is 0
check "recording used: labelled" has_re "recorded on $(hostname)[^,]*, [0-9]{4}-[0-9]{2}-[0-9]{2}, lbfakemod 1\.2\.3" "$P"
check "recording used: its output shown" has "value 7" "$P"
check "recording used: checked against the output block" has "output verified" "$P"
check "recording used: not marked not run" lacks "not-run" "$P"
sed -i 's/print("value", lbfakemod.VALUE)/print("value", lbfakemod.VALUE + 0)/' "$BOOK/chapters/recorded.md"
PYTHON=$PY lb build
check "stale recording: exit 0" rc_is 0
check "stale recording: not run" has 'class="chunk chunk-python not-run"' "$P"
check "stale recording: the reason names it" has "fake.txt is stale" "$P"
check "stale recording: no output shown as produced" lacks "output verified" "$P"
check "stale recording: only the expected block, labelled" has "expected output (not run here)" "$P"
check "stale recording: reported" has "is stale: the chunk changed since it was recorded on" "$BOOK/err.log"

# twin=: the Python's output must be what its C twin prints.
mkbook python/twin.md
PYTHON=$PY lb build
check "twin that agrees: exit 0" rc_is 0
sed -i 's/^print("done")$/print("done!")/; s/^done$/done!/' "$BOOK/chapters/twin.md"
PYTHON=$PY lb build
check "twin that differs: exit 1" rc_is 1
check "twin that differs: named" has "chunk 'py-side' failed: its output is not what its C twin 'c-side' prints" "$BOOK/err.log"
check "twin that differs: a diff" has "+done!" "$BOOK/err.log"
for side in prefix suffix; do
    mkbook python/twin-$side.md
    PYTHON=$PY lb build
    check "twin whose line is only the $side of a C line: exit 1" rc_is 1
    check "twin whose line is only the $side of a C line: named" has "chunk 'py-side' failed: its output is not what its C twin 'c-side' prints" "$BOOK/err.log"
done
mkbook python/twin-bad-name.md
PYTHON=$PY lb build
check "twin naming no chunk: exit 2" rc_is 2
check "twin naming no chunk: said where" has "chapters/twin-bad-name.md:3:1: error: twin=nowhere: there is no chunk of that name" "$BOOK/err.log"

# Noweb in Python: the expansion keeps the reference's indentation.
mkbook python/noweb.md
PYTHON=$PY lb build
check "python noweb inside a function: exit 0" rc_is 0
check "python noweb inside a function: its output verified" in_output $'6\n' "$BOOK/out/noweb.html"

done_testing
