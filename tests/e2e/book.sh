#!/usr/bin/env bash
# The real answer book, built from scratch into a scratch folder: every
# chunk must run as its chapter says, and every page must be written.
. "$(dirname "$0")/lib.sh"

BOOK=$ROOT
OUT=$(mktemp -d /tmp/litbook-book.XXXXXX)
TMPS+=("$OUT")
# The book exactly as `make` builds it: its claims judge its timings, so
# the microbenchmarks keep their full length (no LB_BENCH_* shortcuts).
unset LB_BENCH_MIN_MS LB_BENCH_SAMPLES
# The interpreter make uses (make check passes it; else the project's
# .venv), behind a wrapper that logs every start.
PY=${PYTHON:-$ROOT/.venv/bin/python}
unset PYTHONPATH
printf '#!/bin/sh\necho "$@" >>"%s/py.log"\nexec "%s" "$@"\n' "$OUT" "$PY" >"$OUT/py"
chmod +x "$OUT/py"
: >"$OUT/py.log"
export PYTHON=$OUT/py
# -k: a build stops at its first failed chunk, so a disturbed claim in one
# chapter would hide the chapters after it from the one second measurement
# below (one run failed so: chapter 8 measured again, then chapter 10's
# first measurement failed with none left). Every chapter is judged here.
(cd "$ROOT" && "$LITBOOK" build -k -o "$OUT" >"$OUT/out.log" 2>"$OUT/err.log")
RC=$?
BOOK=$OUT # for not_ok's log
# A claim judges a measurement, and a measurement on a shared machine can
# be disturbed: when the only errors are failed claims, the chapters that
# had them are measured once more (-B), and must then hold. Anything else
# that fails, fails at once; so does a claim that fails twice. The last
# build, without -k, is the one whose exit status counts.
only_claims() {
    grep -E ': error: ' "$OUT/err.log" | grep -qv ': error: claim failed: ' && return 1
    grep -q ': error: claim failed: ' "$OUT/err.log"
}
if [ "$RC" -eq 1 ] && only_claims; then
    mapfile -t again < <(sed -nE 's/^(chapters\/[^:]+\.md):[0-9]+:[0-9]+: error: claim failed: .*/\1/p' "$OUT/err.log" | sort -u)
    echo "# claims failed once, measured again: ${again[*]}"
    sed 's/^/#   first build: /' "$OUT/err.log" | grep 'claim failed'
    (cd "$ROOT" && "$LITBOOK" build -B -o "$OUT" "${again[@]}" >"$OUT/out.log" 2>"$OUT/err.log")
    sed 's/^/#   measured again: /' "$OUT/err.log" | grep -E 'error|chunks:'
    # then the whole book, the rest from the cache: its exit status counts
    (cd "$ROOT" && "$LITBOOK" build -o "$OUT" >"$OUT/out.log" 2>"$OUT/err.log")
    RC=$?
fi
check "the answer book builds with exit 0" rc_is 0
check "all ten chapters built" has_re "^10 chapters, [0-9]+ chunks: .* 0 failed" "$OUT/err.log"
n=$(ls "$OUT"/[0-9][0-9]-*.html 2>/dev/null | wc -l)
check "ten chapter pages written" test "$n" -eq 10
toc_entries() { sed -n '/<ol class="toc">/,/<\/ol>/p' "$OUT/index.html" | grep -c 'href="[0-9][0-9]-'; }
check "front page's contents list ten chapters" test "$(toc_entries)" -eq 10
check "chapter 3 prints the shared number" has "3.1415927" "$OUT/03-shared-memory.html"
check "chapter 3 prints the negated array" has "[0, -1, -2, -3, -4, -5, -6, -7, -8, -9]" "$OUT/03-shared-memory.html"
check "chapter 4 prints the squares" has "[1, 4, 9, 16, 25]" "$OUT/04-process-pool.html"
check "every chapter has a chart" test "$(grep -l '<svg' "$OUT"/[0-9][0-9]-*.html | wc -l)" -eq 10
check "no failed chunk on any page" test -z "$(grep -l 'class="error-box"' "$OUT"/*.html)"
# make deps installed JAX: nothing may be left "not run".
check "no chunk is not run (JAX and NumPy present)" lacks "not run" "$OUT/err.log"
check "no page shows a not-run chunk" test -z "$(grep -l 'not-run' "$OUT"/[0-9][0-9]-*.html)"
# The answers, in the verified output elements (not the expected blocks,
# which a verified chunk's page does not show).
verified() { # PAGE TEXT: TEXT within a verified output element of PAGE
    sed -n '/class="output stdout verified"/,/<\/pre>/p' "$OUT/$1" | grep -qF -- "$2"
}
check "ch7: JAX prints sin+cos as float32" verified 07-jax-custom-function.html "[ 1.          0.99999994 -1.0000001 ]"
check "ch8: jnp.where picks sin or cos per element" verified 08-jax-where.html "[0.84147096 0.5403023  1.         0.997495  ]"
check "ch6: NumPy and JAX agree" verified 06-numpy-vs-jax-speed.html "same results (float32, to 1e-5): yes"
check "ch6: the JAX sweep ran on the CPU" verified 06-numpy-vs-jax-speed.html " on cpu"
check "ch10: NumPy and JAX give the same float64 product" verified 10-dot-product-timing.html "float64: float64 in JAX too; same product to 1e-12: yes"
check "ch10: and the same float32 product" verified 10-dot-product-timing.html "float32: float32 in JAX too; same product to 0.0001: yes"
n=$(wc -l <"$OUT/py.log")
(cd "$ROOT" && "$LITBOOK" build -o "$OUT" >"$OUT/out.log" 2>"$OUT/err.log")
check "a second build is all cached" has_re ": ([0-9]+) cached, 0 ran, 0 failed" "$OUT/err.log"
check "a no-op rebuild starts no Python" test "$(wc -l <"$OUT/py.log")" -eq "$n"

done_testing
