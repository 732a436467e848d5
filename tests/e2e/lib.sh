# Helpers for the end-to-end tests: TAP output, throwaway books.
# Each test script sources this, runs the real litbook binary ($LITBOOK) on
# books made from tests/fixtures, and prints "ok N - ..." / "not ok N - ...".
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LITBOOK=${LITBOOK:-$ROOT/build/litbook}
FIX=$ROOT/tests/fixtures
export NO_COLOR=1
unset CFLAGS
TESTS_RUN=0
TMPS=()
trap 'rm -rf "${TMPS[@]}"' EXIT

ok() {
    TESTS_RUN=$((TESTS_RUN + 1))
    echo "ok $TESTS_RUN - $1"
}

not_ok() {
    TESTS_RUN=$((TESTS_RUN + 1))
    echo "not ok $TESTS_RUN - $1"
    if [ -n "${BOOK:-}" ] && [ -f "$BOOK/err.log" ]; then
        sed 's/^/#   stderr: /' "$BOOK/err.log" | head -30
    fi
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    local desc=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

# mkbook FIXTURE...: a fresh book holding those fixture chapters; sets BOOK.
mkbook() {
    BOOK=$(mktemp -d /tmp/litbook-e2e.XXXXXX)
    TMPS+=("$BOOK")
    # As root, chunks run as nobody (docs/hostile.md): tools the tests put
    # in the book's folder must be open to others, as a real book's are.
    chmod 755 "$BOOK"
    mkdir "$BOOK/chapters"
    local f
    for f in "$@"; do cp "$FIX/$f" "$BOOK/chapters/"; done
}

# lb ARGS...: runs litbook in $BOOK; stdout in out.log, stderr in err.log;
# sets RC and SECS (wall time).
lb() {
    local t0 t1
    t0=$(date +%s.%N)
    (cd "$BOOK" && timeout -k 5 120 "$LITBOOK" "$@" >out.log 2>err.log)
    RC=$?
    t1=$(date +%s.%N)
    SECS=$(echo "$t1 - $t0" | bc)
}

has() { grep -qF -- "$1" "$2"; }
has_re() { grep -qE -- "$1" "$2"; }
# lacks and lacks_re fail on a missing file: "the page has no X" must not
# pass because there is no page.
lacks() { [ -f "$2" ] && ! grep -qF -- "$1" "$2"; }
lacks_re() { [ -f "$2" ] && ! grep -qE -- "$1" "$2"; }

# outputs PAGE [CLASS]: the text of every output element of PAGE whose
# class is exactly CLASS (default: a verified stdout), as the HTML has it
# (escaped), each followed by a line "--". Only a run that produced the
# output puts text there: the source listing and the expected block are
# elsewhere (the expected block is not shown at all once verified).
outputs() {
    [ -f "$1" ] || return 1
    CLS=${2:-output stdout verified} perl -0777 -ne '
        print "$1--\n" while /<div class="\Q$ENV{CLS}\E"><div class="stream-label">[^<]*<\/div><pre>(.*?)<\/pre>/sg' "$1"
}
# in_output TEXT PAGE [CLASS]: TEXT (escaped as in HTML; it may span lines)
# inside one such element of PAGE.
in_output() {
    outputs "$2" "${3:-}" | TEXT=$1 perl -0777 -ne '
        for my $o (split /^--\n/m) { exit 0 if index($o, $ENV{TEXT}) >= 0 } exit 1'
}
# count_of TEXT FILE: how many times TEXT occurs in FILE.
count_of() { grep -oF -- "$1" "$2" | wc -l; }
rc_is() { [ "$RC" -eq "$1" ]; }
faster_than() { [ "$(echo "$SECS < $1" | bc)" -eq 1 ]; }

# Processes still running a program built under $BOOK (their executable
# lives in its scratch folders). Must be none after a build.
strays() {
    local p n=0
    for p in /proc/[0-9]*; do
        case "$(readlink "$p/exe" 2>/dev/null)" in
        "$BOOK"/*) [ "$(awk '/^State/{print $2}' "$p/status" 2>/dev/null)" != Z ] && n=$((n + 1)) ;;
        esac
    done
    [ "$n" -eq 0 ]
}

# No process whose command line holds $1, zombies included (they must
# have been reaped too).
none_running() {
    local p
    for p in /proc/[0-9]*; do
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$1" && return 1
    done
    return 0
}

done_testing() {
    echo "1..$TESTS_RUN"
}
