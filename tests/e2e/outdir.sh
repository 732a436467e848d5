#!/usr/bin/env bash
# An output folder that cannot be written: a clear error, nothing lost.
. "$(dirname "$0")/lib.sh"

mkbook good.md
touch "$BOOK/blocker"
lb build -o blocker/out
check "a file in the way of the output folder: exit 2" rc_is 2
check "... said clearly" has "cannot create the output folder" "$BOOK/err.log"
check "... with the fix" has "choose another folder with -o" "$BOOK/err.log"

# A full disk: a small tmpfs holds a first build, then is filled up.
FS=$(mktemp -d /tmp/litbook-full.XXXXXX)
TMPS+=("$FS")
if ! mount -t tmpfs -o size=4m tmpfs "$FS"; then
    not_ok "mount a small tmpfs for the full-disk test (needs root, as make deps does)"
    done_testing
    exit 0
fi
trap 'umount "$FS" 2>/dev/null; rm -rf "${TMPS[@]}"' EXIT
lb build -o "$FS/out"
check "a first build on the small disk succeeds" rc_is 0
before=$(md5sum <"$FS/out/good.html")
dd if=/dev/zero of="$FS/filler" bs=64k 2>/dev/null
echo "An edit that needs a new page." >>"$BOOK/chapters/good.md"
lb build -o "$FS/out"
check "a full disk fails the build" test "$RC" -ne 0
check "... and says so" has "No space left on device" "$BOOK/err.log"
check "... the last good page is intact" test "$(md5sum <"$FS/out/good.html")" = "$before"
check "... no temporary file is left behind" test -z "$(find "$FS/out" -name '*.tmp')"
rm -f "$FS/filler"
lb build -o "$FS/out"
check "with room again the build succeeds" rc_is 0
check "... and the page has the edit" has "An edit that needs a new page." "$FS/out/good.html"

done_testing
