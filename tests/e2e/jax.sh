#!/usr/bin/env bash
# JAX runs for real (issue 12): the project's Python (make deps' .venv,
# which make passes as $PYTHON) has JAX, its chunks run and are verified,
# nothing needs the network, a no-op rebuild starts no interpreter, and an
# interpreter without JAX still gets the "not run" path.
. "$(dirname "$0")/lib.sh"

PY=${PYTHON:-$ROOT/.venv/bin/python}
unset PYTHONPATH
if ! "$PY" -c 'import jax' 2>/dev/null; then
    not_ok "the project's Python ($PY) has JAX: run make deps"
    done_testing
    exit 0
fi
ok "the project's Python ($PY) has JAX"

# make's default interpreter is the project's environment when it exists.
check "make uses .venv/bin/python by default" \
    test "$(env -u PYTHON -u MAKEFLAGS -u MAKELEVEL make -s -C "$ROOT" print-python)" = "$ROOT/.venv/bin/python"
check "PYTHON= overrides it" test "$(env -u MAKEFLAGS -u MAKELEVEL make -s -C "$ROOT" print-python PYTHON=/x/py)" = /x/py

# Every start of the interpreter is logged, to count them.
mkbook jax/jax.md
cat >"$BOOK/py" <<WRAP
#!/bin/sh
echo "\$@" >>"$BOOK/py.log"
exec "$PY" "\$@"
WRAP
chmod +x "$BOOK/py"
: >"$BOOK/py.log"

# No network at all: JAX must not need to download anything.
(cd "$BOOK" && PYTHON=$BOOK/py timeout 120 unshare -n "$LITBOOK" build >out.log 2>err.log)
RC=$?
P=$BOOK/out/jax.html
check "JAX chapter builds with exit 0, without a network" rc_is 0
check "three JAX chunks ran, none failed or not run" has "3 chunks: 0 cached, 3 ran, 0 failed" "$BOOK/err.log"
check "no chunk reported as not run" lacks "not run" "$BOOK/err.log"
# The verified output element holds what JAX printed (the expected block
# is not on the page: a verified output is shown once, in this element).
verified() { grep -A1 'class="output stdout verified"' "$P" | grep -qF -- "$1"; }
check "float32 result verified as JAX prints it" verified "[ 1.          0.99999994 -1.0000001 ]"
check "vmap(grad(f)) verified: cos x - sin x" verified "[ 1.         -1.         -0.99999994]"
check "x64 result verified in float64" verified "float64 -0.9999999999999999"
check "three verified outputs" test "$(grep -c 'class="output stdout verified"' "$P")" -eq 3
check "caption names the jax version" has_re "# Python 3\.[0-9.]+, jax [0-9]+\.[0-9]+" "$P"
n=$(wc -l <"$BOOK/py.log")
PYTHON=$BOOK/py lb build
check "no-op rebuild: all cached" has "3 chunks: 3 cached, 0 ran, 0 failed" "$BOOK/err.log"
check "no-op rebuild starts no interpreter" test "$(wc -l <"$BOOK/py.log")" -eq "$n"

# The device JAX ran on is in the caption, and in a recording, whose label
# names it when the recording is shown on a machine without JAX.
check "caption names the device" has "; on cpu, jaxlib " "$P"
PYTHON=$BOOK/py lb build --record chapters/jax.md
R=$BOOK/chapters/recorded/jax/eager.txt
check "--record: exit 0" rc_is 0
check "recording names the device JAX ran on" has_re "^device: cpu, jaxlib [0-9.]+$" "$R"
check "recording names jax's version" has_re "^module: jax [0-9.]+$" "$R"

# A wrong expectation in a JAX chunk fails like any other chunk.
sed -i 's/^float32$/float64/' "$BOOK/chapters/jax.md"
PYTHON=$BOOK/py lb build
check "a JAX chunk whose output differs fails the build" rc_is 1
check "its diff is shown" has "+float32" "$BOOK/err.log"
sed -i 's/^float64$/float32/' "$BOOK/chapters/jax.md"

# An interpreter without JAX: every JAX chunk is "not run", exit 0.
NOJAX=
for p in /usr/bin/python3 "$(command -v python3)"; do
    if [ -x "$p" ] && ! "$p" -c 'import jax' 2>/dev/null; then
        NOJAX=$p
        break
    fi
done
if [ -z "$NOJAX" ]; then
    not_ok "an interpreter without JAX for the not-run path (/usr/bin/python3 has JAX here)"
else
    PYTHON=$NOJAX lb build -B
    check "without JAX, with recordings: exit 0" rc_is 0
    check "without JAX: recordings shown, labelled with the device" has_re "recorded on [^<]*, jax [0-9.]+, on cpu, jaxlib [0-9.]+" "$P"
    check "without JAX: the recorded outputs verified" test "$(grep -c 'class="output stdout verified"' "$P")" -eq 3
    rm -r "$BOOK/chapters/recorded"
    PYTHON=$NOJAX lb build -B
    check "without JAX or recordings: exit 0" rc_is 0
    check "without JAX or recordings: each chunk said not run" test "$(grep -c "not run: jax is not installed here" "$BOOK/err.log")" -eq 3
    check "without JAX: the page says not run" has "Not run: jax is not installed here" "$P"
    check "without JAX: no verified output" lacks 'class="output stdout verified"' "$P"
fi

done_testing
