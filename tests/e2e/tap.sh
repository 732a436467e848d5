#!/usr/bin/env bash
# tools/tap.sh, which tools/run-tests counts every suite with: a suite
# that stops early, runs too long, crashes or skips must show as such.
. "$(dirname "$0")/lib.sh"

# count OUT RC: runs summarise in a fresh shell; prints "pass fail skip".
count() {
    (
        cd "$ROOT" || exit 1
        SUITE_TIMEOUT=5 pass=0 fail=0 skip=0
        failed_names=()
        declare -A distinct=()
        . tools/tap.sh
        summarise "e2e-build/fake" "$1" "$2" >/dev/null
        echo "$pass $fail $skip ${#distinct[@]}"
    )
}
is() { [ "$(count "$1" "$2")" = "$3" ]; }

check "a complete suite: all passed" is $'1..2\nok 1 - a\nok 2 - b' 0 "2 0 0 2"
check "a failed check counts as failed" is $'1..2\nok 1 - a\nnot ok 2 - b' 1 "1 1 0 2"
check "a suite that stops early (plan larger) fails" is $'1..3\nok 1 - a\nok 2 - b' 0 "2 1 0 2"
check "a suite with no plan fails" is $'ok 1 - a' 0 "1 1 0 1"
check "a skip is a skip, not a pass" is $'1..2\nok 1 - a\nok 2 - b # skip no gnuplot' 0 "1 0 1 2"
check "a crash outside any check fails" is $'1..1\nok 1 - a' 139 "1 1 0 1"
check "running past the time limit fails" is $'1..1\nok 1 - a' 124 "1 1 0 1"
check "killed at the time limit fails too" is $'1..1\nok 1 - a' 137 "1 1 0 1"
# The time limit is applied: a suite that sleeps past it is stopped.
t0=$(date +%s)
out=$(cd "$ROOT" && SUITE_TIMEOUT=1 bash -c '
    pass=0 fail=0 skip=0; failed_names=(); declare -A distinct=()
    . tools/tap.sh
    run_tap slow bash -c "echo 1..1; sleep 30; echo ok 1 - late" >/dev/null; echo "fail=$fail"')
check "a sleeping suite is stopped at its limit" test $(($(date +%s) - t0)) -lt 10
check "and counted as failed" grep -q "fail=2" <<<"$out"
done_testing
