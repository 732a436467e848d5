# tools/tap.sh: counting one suite's TAP, for tools/run-tests (sourced;
# tests/e2e/tap.sh tests it on made-up suites).
#
# The caller sets SUITE_TIMEOUT and the counters pass, fail, skip, the array
# failed_names and the associative array distinct before sourcing this.

# summarise LABEL OUTPUT RC: counts one suite's TAP and prints its line.
summarise() {
    local label=$1 out=$2 rc=$3
    local p f s planned reported extra=""
    s=$(grep -cE '^ok [0-9]+ .*# *(skip|SKIP)' <<<"$out")
    p=$(($(grep -cE '^ok ' <<<"$out") - s))
    f=$(grep -cE '^not ok ' <<<"$out")
    reported=$((p + f + s))
    planned=$(grep -oE '^1\.\.[0-9]+' <<<"$out" | tail -1 | cut -c4-)
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        extra+=$'\n'"not ok - $label ran past its time limit of ${SUITE_TIMEOUT} s"
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        extra+=$'\n'"not ok - $label exited with status $rc" # a crash outside any test
    fi
    if [ -z "$planned" ]; then
        extra+=$'\n'"not ok - $label printed no plan (1..N): it stopped early"
    elif [ "$planned" -ne "$reported" ]; then
        extra+=$'\n'"not ok - $label planned $planned checks but reported $reported"
    fi
    [ -n "$extra" ] && f=$((f + $(grep -c '^not ok' <<<"$extra")))
    pass=$((pass + p))
    fail=$((fail + f))
    skip=$((skip + s))
    local base=${label#*/} name
    while IFS= read -r name; do
        distinct["$base/$name"]=1
    done < <(sed -nE 's/^(not )?ok [0-9]+ (- )?//p' <<<"$out")
    if [ "$f" -ne 0 ]; then
        printf '%s\n' "$out$extra" | grep -vE '^ok ' | sed "s|^|[$label] |"
        failed_names+=("$label")
    fi
    if [ "$s" -ne 0 ]; then
        grep -E '^ok [0-9]+ .*# *(skip|SKIP)' <<<"$out" | sed "s|^|[$label] |"
    fi
    printf '%-40s %4d passed, %d failed, %d skipped\n' "$label" "$p" "$f" "$s"
}


# run_tap LABEL COMMAND...: runs one suite under the time limit and counts it.
run_tap() { # label command...
    local label=$1 out rc
    shift
    out=$(timeout -k 2 "$SUITE_TIMEOUT" "$@" 2>&1)
    rc=$?
    summarise "$label" "$out" "$rc"
}

