#!/usr/bin/env bash
# Mutation testing of the core modules with universalmutator (make mutate;
# make mutate-deps installs it from tools/requirements-dev.txt).
#
# In a scratch copy of the tree (never src/ itself), for each module:
# `mutate` writes every mutant its C rules make; of a seeded random sample
# of them, `analyze_mutants` builds each (skipping those that do not build)
# and runs the module's suites against it: a mutant is killed when a check
# fails (or the suites run past their time limit). No mutant is started
# after MUTATE_SECONDS of a module. A survivor that tests/mutants/
# equivalent.txt lists (equivalent.sh judges) is an equivalent mutant, no
# test can kill it; every other one is a live survivor, to be killed by a
# new test or argued equivalent and added to that list. At the end, per
# module: killed / sampled, equivalent, live, the score over the mutants
# that are not equivalent, the raw score, and each survivor as a diff.
#
#   MUTANTS=N (per module, default 10)  SEED=N (default 20)
#   MUTATE_SECONDS=N (per module, default 300)  MODULES="match cache ..."
#   UM_BIN=DIR (where mutate and analyze_mutants are; default .venv/bin)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
UM_BIN=${UM_BIN:-$ROOT/.venv/bin}
MUTANTS=${MUTANTS:-10}
SEED=${SEED:-20}
MUTATE_SECONDS=${MUTATE_SECONDS:-300}
MODULES=${MODULES:-match cache spawn jail assemble render update}
JOBS=${JOBS:-2}
EQUIVALENT=${EQUIVALENT:-$ROOT/tests/mutants/equivalent.txt}
export SUITE_TIMEOUT=${SUITE_TIMEOUT:-60}
for t in mutate analyze_mutants; do
    if [ ! -x "$UM_BIN/$t" ]; then
        echo "mutate.sh: no $UM_BIN/$t: run make mutate-deps" >&2
        exit 2
    fi
done

# The suites that judge each module's mutants: its unit tests (unit/ the
# normal build, asan/ the sanitizer build's, which catch a read or write
# past an array that the normal build survives) and the end-to-end suites
# that exercise it: --update is core.sh's, the language labels and fences
# are markdown.sh's, the sandbox's limits hostile.sh's and sandbox.sh's
# (and spawn's boxed runs, run_boxed, sandbox.sh's), noweb tangle.sh's too.
suites_of() {
    case "$1" in
    match) echo unit/test_match unit/test_diff asan/test_match e2e/core e2e/python ;;
    cache) echo unit/test_cache asan/test_cache e2e/cache e2e/core ;;
    spawn) echo unit/test_spawn unit/test_sandbox e2e/core e2e/sandbox ;;
    jail) echo unit/test_sandbox unit/test_jail_discover asan/test_sandbox asan/test_jail_discover e2e/hostile e2e/sandbox ;;
    assemble) echo unit/test_assemble asan/test_assemble e2e/core e2e/python e2e/tangle ;;
    render) echo unit/test_render asan/test_render e2e/core e2e/charts e2e/python e2e/markdown ;;
    update) echo unit/test_update asan/test_update e2e/core ;;
    esac
}

SCRATCH=$(mktemp -d /tmp/litbook-mutate.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -) | tar -xf - -C "$SCRATCH"
for d in build build-asan; do [ -d "$ROOT/$d" ] && cp -a "$ROOT/$d" "$SCRATCH/"; done
FUZZ=$(cd "$SCRATCH" && ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/fuzz_\(.*\)\.c|build/fuzz/replay_\1|' | tr '\n' ' ')
# The sanitizer build's unit tests that some module's suites name.
ASAN=$(for m in $MODULES; do suites_of "$m"; done | tr ' ' '\n' | sed -n 's|^asan/|build-asan/tests/|p' | sort -u | tr '\n' ' ')

# The test command analyze_mutants runs in the scratch tree (after its
# compile command built the mutant): fails when any suite does.
cat >"$SCRATCH/run-suites" <<'EOF'
#!/usr/bin/env bash
# run-suites SUITE...: exit 1 when any check of these suites fails.
pass=0 fail=0 skip=0
failed_names=()
declare -A distinct=()
. tools/tap.sh
export CMOCKA_MESSAGE_OUTPUT=TAP
for s in "$@"; do
    case "$s" in
    unit/*) run_tap "$s" "build/tests/${s#unit/}" ;;
    asan/*) ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1 \
        run_tap "$s" "build-asan/tests/${s#asan/}" ;;
    e2e/*) LITBOOK=$PWD/build/litbook run_tap "$s" bash "tests/e2e/${s#e2e/}.sh" ;;
    esac
done
[ "$fail" -eq 0 ]
EOF
chmod +x "$SCRATCH/run-suites"

cd "$SCRATCH" || exit 1
echo "building the unmutated copy"
# build/tools/cmark-ref: markdown.sh's reference renderer.
if ! make -j"$JOBS" tool unit build/tools/cmark-ref $FUZZ $ASAN >build.log 2>&1; then
    tail -20 build.log
    exit 1
fi
summary=()
for m in $MODULES; do
    src=src/$m.c
    suites=$(suites_of "$m")
    echo "== $src: suites $suites"
    if ! ./run-suites $suites >baseline.log 2>&1; then
        grep 'not ok' baseline.log | head
        echo "   the unmutated tree fails these suites: module skipped"
        summary+=("$(printf '%-12s baseline fails' "$m")")
        continue
    fi
    mkdir -p "mutants/$m"
    "$UM_BIN/mutate" "$src" c --mutantDir "mutants/$m" --noCheck >"mutants/$m.gen.log" 2>&1
    total=$(ls "mutants/$m" | wc -l)
    # What the suites need built: the tool, their unit tests, the replays.
    built="make -j$JOBS build/litbook"
    for t in $suites; do
        case "$t" in
        unit/*) built+=" build/tests/${t#unit/}" ;;
        asan/*) built+=" build-asan/tests/${t#asan/}" ;;
        e2e/hostile) built+=" $FUZZ" ;;
        esac
    done
    # A seeded sample, one mutant per analyze_mutants call (it builds the
    # mutant with the compile command and skips it if that fails, else runs
    # the suites): the time limit is checked between mutants, never in one.
    : >"$m.killed.txt"
    : >"$m.notkilled.txt"
    : >"$m.invalid.txt"
    t0=$SECONDS
    for f in $(ls "mutants/$m" | shuf --random-source=<(yes "$SEED")); do
        n=$(($(grep -c . "$m.killed.txt") + $(grep -c . "$m.notkilled.txt")))
        [ "$n" -ge "$MUTANTS" ] && break
        if [ $((SECONDS - t0)) -ge "$MUTATE_SECONDS" ]; then
            echo "   stopped at the time limit of $MUTATE_SECONDS s"
            break
        fi
        echo "$f" >one.txt
        "$UM_BIN/analyze_mutants" "$src" "./run-suites $suites" --mutantDir "mutants/$m" \
            --fromFile one.txt --numMutants 2 --noShuffle --timeout $((SUITE_TIMEOUT * 3)) \
            --compileCommand "$built" --prefix one >"mutants/$m.$f.log" 2>&1
        if grep -q "NOT KILLED" "mutants/$m.$f.log"; then
            echo "$f" >>"$m.notkilled.txt"
        elif grep -q "KILLED IN" "mutants/$m.$f.log"; then
            echo "$f" >>"$m.killed.txt"
        else
            echo "$f" >>"$m.invalid.txt" # did not build (or -Werror refused it)
        fi
    done
    cp "$ROOT/$src" "$src" && touch "$src" # whatever analyze_mutants left
    make -j"$JOBS" tool unit $FUZZ $ASAN >build.log 2>&1 # the unmutated build again
    k=$(grep -c . "$m.killed.txt" 2>/dev/null)
    s=$(grep -c . "$m.notkilled.txt" 2>/dev/null)
    k=${k:-0} s=${s:-0}
    n=$((k + s))
    eq=0
    while read -r f; do
        [ -n "$f" ] || continue
        if why=$("$ROOT/tests/mutants/equivalent.sh" "$m" "$src" "mutants/$m/$f" "$EQUIVALENT"); then
            echo "   equivalent (documented): $f: $why"
            eq=$((eq + 1))
        else
            echo "   survived: $f"
        fi
        diff "$src" "mutants/$m/$f" | grep -E '^[<>]' | sed 's/^/      /'
    done <"$m.notkilled.txt"
    live=$((s - eq))
    pct() { [ "$2" -gt 0 ] && echo "$(echo "scale=1; 100 * $1 / $2" | bc)%" || echo "-"; }
    inv=$(grep -c . "$m.invalid.txt")
    summary+=("$(printf '%-9s %3d of %3d killed, %d equivalent, %d live: %s of the %d not equivalent (raw %s); %d did not build; %d generated' \
        "$m" "$k" "$n" "$eq" "$live" "$(pct "$k" $((n - eq)))" $((n - eq)) "$(pct "$k" "$n")" "$inv" "$total")")
done
echo
echo "mutation score per module (seed $SEED, $MUTANTS sampled per module; equivalent: $EQUIVALENT):"
printf '  %s\n' "${summary[@]}"
