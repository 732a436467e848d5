#!/usr/bin/env bash
# The real answer book, built from scratch into a scratch folder: every
# chunk must run as its chapter says, and every page must be written.
. "$(dirname "$0")/lib.sh"

BOOK=$ROOT
OUT=$(mktemp -d /tmp/litbook-book.XXXXXX)
TMPS+=("$OUT")
# Shorter microbenchmarks: the figures are not what this test checks.
export LB_BENCH_MIN_MS=1 LB_BENCH_SAMPLES=5
(cd "$ROOT" && "$LITBOOK" build -o "$OUT" >"$OUT/out.log" 2>"$OUT/err.log")
RC=$?
BOOK=$OUT # for not_ok's log
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
(cd "$ROOT" && "$LITBOOK" build -o "$OUT" >"$OUT/out.log" 2>"$OUT/err.log")
check "a second build is all cached" has_re ": ([0-9]+) cached, 0 ran, 0 failed" "$OUT/err.log"

done_testing
