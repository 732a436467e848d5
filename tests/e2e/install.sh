#!/usr/bin/env bash
# make install / uninstall into a DESTDIR, the installed binary on a fresh
# `litbook init` book from another folder, and the manual page (issue 18).
. "$(dirname "$0")/lib.sh"

D=$(mktemp -d /tmp/litbook-install.XXXXXX)
TMPS+=("$D")
export -n MAKEFLAGS MAKELEVEL
M="make -s -C $ROOT LITBOOK=$LITBOOK DESTDIR=$D/root PREFIX=/opt/lb"
$M install >"$D/install.log" 2>&1
check "make install: exit 0" test $? -eq 0
BIN=$D/root/opt/lb/bin/litbook
check "the binary is in BINDIR" test -x "$BIN"
check "its sandbox runner beside it" test -x "$D/root/opt/lb/bin/litbook-runner"
check "the manual page is in MANDIR/man1" test -f "$D/root/opt/lb/share/man/man1/litbook.1"
check "the manual page passes man --warnings" test -z "$(man --warnings -l "$ROOT/docs/litbook.1" 2>&1 >/dev/null)"

# --help and the manual page list the same options.
help_opts() { "$BIN" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u; }
man_opts() { MANWIDTH=200 man -l "$ROOT/docs/litbook.1" 2>/dev/null | grep -oE -- '--[a-z][a-z-]+' | sort -u; }
check "--help and the manual page list the same long options" test "$(help_opts)" = "$(man_opts)"
help_cmds() { "$BIN" --help | sed -nE 's/^( +|usage: )litbook ([a-z]+).*/\2/p' | sort -u; }
check "every command of --help is in the manual" \
    test -z "$(for c in $(help_cmds); do grep -q "^\.B litbook $c" "$ROOT/docs/litbook.1" || echo "$c"; done)"

# A new book, built by the installed binary from another folder.
mkdir "$D/elsewhere"
(cd "$D/elsewhere" && "$BIN" init mybook >"$D/init.log" 2>&1)
check "litbook init: exit 0" test $? -eq 0
check "init wrote a front page" test -f "$D/elsewhere/mybook/chapters/index.md"
check "init wrote a first chapter" test -f "$D/elsewhere/mybook/chapters/01-first-chapter.md"
BOOK=$D/elsewhere/mybook
PY=${PYTHON:-python3}
(cd "$BOOK" && PYTHON=$PY timeout -k 5 120 "$BIN" build >out.log 2>err.log)
RC=$?
check "the new book builds green with the installed binary" rc_is 0
check "every chunk of the example ran" has "6 chunks: 0 cached, 6 ran, 0 failed" "$BOOK/err.log"
check "its page has a verified output, a chart and a timing table" \
    bash -c "grep -q 'class=\"output stdout verified\"' '$BOOK/out/01-first-chapter.html' &&
             grep -q '<svg' '$BOOK/out/01-first-chapter.html' &&
             grep -q '<table class=\"timing\"' '$BOOK/out/01-first-chapter.html'"
(cd "$D/elsewhere" && "$BIN" init mybook >"$D/again.log" 2>&1)
check "init refuses an existing book: exit 2" test $? -eq 2
check "and says why" grep -q "already exists: init starts a new book and never overwrites one" "$D/again.log"
check "and changed nothing" cmp -s "$BOOK/chapters/index.md" "$ROOT/src/init/index.md"

$M uninstall >"$D/uninstall.log" 2>&1
check "make uninstall: exit 0" test $? -eq 0
check "uninstall leaves no file behind" test -z "$(find "$D/root" -type f)"
done_testing
