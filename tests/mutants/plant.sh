#!/usr/bin/env bash
# Plants each bug of issue 20 that no test caught, one at a time, in a
# scratch copy of the tree (never in src/ itself), builds it, runs the
# suites that should notice, and says for each whether a check failed.
# Every plant must be caught; the script exits 1 if one is not.
#
#   tests/mutants/plant.sh [NAME...]    (make plant; make mutate runs it too)
#
# First the unplanted copy must pass those suites, so that a failure below
# is the plant's doing. A plant whose text is no longer in the source (the
# code moved on) is an error, not a pass: update its pattern here.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SCRATCH=$(mktemp -d /tmp/litbook-plant.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
export SUITE_TIMEOUT=${SUITE_TIMEOUT:-180}
JOBS=${JOBS:-2}

# plant NAME FILE SUITES WHAT SUBSTITUTION: one bug, a perl -0777
# substitution on FILE; SUITES (unit/NAME, e2e/NAME) must notice it.
NAMES=() FILES=() SUITES=() WHATS=() SUBSTS=()
plant() {
    NAMES+=("$1") FILES+=("$2") SUITES+=("$3") WHATS+=("$4") SUBSTS+=("$5")
}
plant repeat-copied src/run.c 'e2e/charts' "repeat: the later timed runs copied from the first" \
    's/c->res\.runs\[c->res\.nruns\+\+\] = stat_of\(&rr\);/{ lb_run_stat st = stat_of(&rr); if (c->res.nruns) st = c->res.runs[0]; c->res.runs[c->res.nruns++] = st; }/'
plant repeat-median0 src/render.c 'e2e/charts' "repeat: the median forced to 0" \
    's/out\[1\] = n % 2 \? v\[n \/ 2\] : \(v\[n \/ 2 - 1\] \+ v\[n \/ 2\]\) \/ 2;/out[1] = 0;/'
plant keep-going src/build.c 'e2e/core' "-k stops after the first failure" \
    's/if \(!b->o->keep_going && !b->o->update\)/if (!b->o->update)/'
plant update-prefix src/update.c 'e2e/core' '--update drops the "> " prefix inside a block quote' \
    's/^        lb_buf_puts\(out, c->prefix\);\n//m'
plant limits-key src/engines.c 'e2e/cache' "the limits left out of the cache key" \
    's/lb_sandbox_key\(o, lims, sizeof lims\);\n    lb_hash_str\(h, lims\);/lb_sandbox_key(o, lims, sizeof lims);\n    (void)h;/'
plant twin-prefix src/engine_python.c 'e2e/python' "twin= accepts a line that is only the start of a C line" \
    's/\(start \+ ilen == olen \|\| outer\[start \+ ilen\] == .\\n.\)/1/'
plant twin-suffix src/engine_python.c 'e2e/python' "twin= accepts a line that is only the end of a C line" \
    's/start = \(size_t\)\(nl - outer\) \+ 1;/start++;/'
plant procs-unenforced src/jail.c 'e2e/hostile' "procs= claimed but not enforced (pids.max left at max)" \
    's/snprintf\(cap, sizeof cap, "%lu", max_procs\);/snprintf(cap, sizeof cap, "max");/; s/snprintf\(with_us, sizeof with_us, "%lu", max_procs \+ 1\);/snprintf(with_us, sizeof with_us, "max");/'
plant noweb-indent src/assemble.c 'e2e/core e2e/python' "noweb expansion loses the reference's indentation (end to end only)" \
    's/            if \(len > 0\)\n                lb_buf_append\(st->out, indent, indent_len\);\n//'
plant noweb-line src/assemble.c 'e2e/core e2e/python' "no #line after a noweb expansion (end to end only)" \
    's/(rc = expand_reference\(st, c, line, p, ind, name, name_len, indent, indent_len\);)/$1\n            st->next_line = line + 1;/'
plant deadline src/spawn.c 'unit/test_spawn' "the deadline ignored (the test must end, and fail)" \
    's/if \(!st->term_sent && \(cancelled \|\| now >= st->deadline\)\)/if (!st->term_sent \&\& cancelled)/'

# The tree as it is now (tracked and new files, edits included), and the
# build outputs, so that each plant rebuilds only what it touched.
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar -cf - --null -T -) | tar -xf - -C "$SCRATCH"
for d in build; do
    [ -d "$ROOT/$d" ] && cp -a "$ROOT/$d" "$SCRATCH/"
done
[ -e "$ROOT/.venv" ] && ln -s "$(readlink -f "$ROOT/.venv")" "$SCRATCH/.venv"
FUZZ=$(cd "$SCRATCH" && ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/fuzz_\(.*\)\.c|build/fuzz/replay_\1|')

build() { # quietly; the log in $SCRATCH/build.log
    make -C "$SCRATCH" -j"$JOBS" tool unit $FUZZ >"$SCRATCH/build.log" 2>&1
}

pass=0 fail=0 skip=0
failed_names=()
declare -A distinct=()
. "$ROOT/tools/tap.sh"

run_suites() { # SUITE...: runs them in the scratch tree; sets fail
    pass=0 fail=0 skip=0
    failed_names=()
    local s
    for s in "$@"; do
        case "$s" in
        unit/*) (cd "$SCRATCH" && CMOCKA_MESSAGE_OUTPUT=TAP run_tap "$s" "build/tests/${s#unit/}") ;;
        e2e/*) (cd "$SCRATCH" && LITBOOK=$SCRATCH/build/litbook run_tap "$s" bash "tests/e2e/${s#e2e/}.sh") ;;
        esac
    done
}

all_suites=$(printf '%s\n' "${SUITES[@]}" | tr ' ' '\n' | sort -u | tr '\n' ' ')
echo "baseline: the unplanted copy, suites $all_suites"
if ! build; then
    tail -20 "$SCRATCH/build.log"
    echo "baseline: the unplanted tree does not build"
    exit 1
fi
out=$(run_suites $all_suites)
echo "$out" | sed 's/^/  /'
if echo "$out" | grep -qE '[1-9][0-9]* failed'; then
    echo "baseline fails: fix that first (a plant's failure would mean nothing)"
    exit 1
fi

caught=0 missed=0 broken=0
results=()
for i in "${!NAMES[@]}"; do
    name=${NAMES[$i]} file=${FILES[$i]} suites=${SUITES[$i]} what=${WHATS[$i]} subst=${SUBSTS[$i]}
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qxF "$name"; then
        continue
    fi
    cp "$SCRATCH/$file" "$SCRATCH/$file.orig"
    perl -0777 -pi -e "$subst" "$SCRATCH/$file"
    if cmp -s "$SCRATCH/$file" "$SCRATCH/$file.orig"; then
        results+=("BROKEN  $name: the pattern is not in $file any more")
        broken=$((broken + 1))
    elif ! build; then
        results+=("BROKEN  $name: the planted tree does not build (see below)")
        sed 's/^/    /' "$SCRATCH/build.log" | grep -E 'error' | head -5
        broken=$((broken + 1))
    else
        echo "== $name ($what): $file, suites $suites"
        diff -u "$SCRATCH/$file.orig" "$SCRATCH/$file" | sed -n '3,$p' | grep -E '^[-+]' | sed 's/^/   /'
        out=$(run_suites $suites)
        echo "$out" | grep -E '^\[.*not ok' | head -8 | sed 's/^/   /'
        if echo "$out" | grep -qE '[1-9][0-9]* failed'; then
            results+=("caught  $name: $what")
            caught=$((caught + 1))
        else
            results+=("MISSED  $name: $what")
            missed=$((missed + 1))
        fi
    fi
    mv "$SCRATCH/$file.orig" "$SCRATCH/$file"
    touch "$SCRATCH/$file" # newer than the planted build: make rebuilds it
done
build # leave the copy as it was (it is removed anyway)
echo
printf '%s\n' "${results[@]}"
echo "$caught of $((caught + missed + broken)) plants caught, $missed missed, $broken could not be planted"
[ "$missed" -eq 0 ] && [ "$broken" -eq 0 ]
