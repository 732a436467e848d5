#!/usr/bin/env bash
# equivalent.sh MODULE SRC MUTANT [LIST]: whether the mutant MUTANT of
# SRC (one line changed, or one line inserted, as universalmutator makes
# them) is an equivalent mutant documented in LIST (default
# tests/mutants/equivalent.txt, the format is described there). Prints the
# entry's why and exits 0 if it is; exits 1 if not (a survivor to kill
# with a test, or to argue and add to the list); 2 on a bad call.
#
# An entry matches on the module, the function the line is in, the line
# (for a change; for an insertion, the line it follows) and the mutated
# line, each with the whitespace around it trimmed.
set -u
[ $# -ge 3 ] || { echo "usage: equivalent.sh MODULE SRC MUTANT [LIST]" >&2; exit 2; }
LIST=${4:-$(cd "$(dirname "$0")" && pwd)/equivalent.txt}
[ -r "$LIST" ] || { echo "equivalent.sh: cannot read $LIST" >&2; exit 2; }
d=$(diff "$2" "$3")
head=$(printf '%s\n' "$d" | head -1)
case "$head" in
*c*) kind=line n=${head%%c*} ;;
*a*) kind=after n=${head%%a*} ;;
*) exit 1 ;; # not one line changed or inserted: never documented
esac
case "$n" in *[!0-9]*) exit 1 ;; esac # more than one line
mutated=$(printf '%s\n' "$d" | sed -n 's/^> //p')
[ "$(printf '%s\n' "$mutated" | grep -c .)" -eq 1 ] || exit 1
awk -v module="$1" -v kind="$kind" -v n="$n" -v mutated="$mutated" -v src="$2" '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
# The function a line is in: the last definition above it that starts at
# column 0 (this tree is clang-formatted: a definition starts there, a
# declaration there ends with ";").
BEGIN {
    fn = ""
    for (i = 1; (getline l < src) > 0; i++) {
        if (i <= n && l ~ /^[A-Za-z_][^;]*\(/ && l !~ /;[ \t]*$/ && match(l, /[A-Za-z_][A-Za-z0-9_]*\(/))
            fn = substr(l, RSTART, RLENGTH - 1)
        if (i == n)
            orig = trim(l)
    }
    close(src)
    mutated = trim(mutated)
}
function judge() {
    if (e["module"] == module && e["in"] == fn && e[kind] == orig && e["mutant"] == mutated &&
        e["why"] != "") {
        print e["why"]
        found = 1
        exit
    }
    split("", e)
}
/^#/ { next }
/^[ \t]*$/ { judge(); next }
{
    k = $0; sub(/:.*/, "", k)
    v = $0; sub(/^[^:]*:/, "", v)
    e[k] = trim(v)
}
END { if (!found) judge(); exit found ? 0 : 1 }
' "$LIST"
