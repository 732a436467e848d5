#!/usr/bin/env bash
# Inline values and claims (issue 13): lb_value / litbook.value quoted in
# the prose as `{=chunk.key}`, lb_claim / litbook.claim checked by the build.
. "$(dirname "$0")/lib.sh"

PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export PYTHON=${PY:-python3}
unset PYTHONPATH LITBOOK_RESULTS

# The element litbook renders for a value, with the text inside it.
value_el() { # TEXT CHUNK FILE
    grep -qF -- "<span class=\"lb-value\" title=\"measured by chunk $2\">$1</span>" "$3"
}
na_el() { # CHUNK FILE
    grep -qE -- "<span class=\"lb-value lb-na\" title=\"not available: [^\"]*chunk $1[^\"]*\">n/a</span>" "$2"
}
line_of() { # TEXT FILE: the line number of TEXT's first occurrence
    grep -nF -- "$1" "$2" | head -1 | cut -d: -f1
}

# A C chunk and a python chunk publish; the prose quotes them.
mkbook values/values.md
lb build
P=$BOOK/out/values.html
check "values: exit 0" rc_is 0
check "C value rendered inside its element" value_el 42 dot100 "$P"
check "a formatted C value" value_el 2.50 dot100 "$P"
check "python value rendered inside its element" value_el 1024 py "$P"
check "a value a forked python child published" value_el "from the child" py "$P"
check "a value's markup is escaped" value_el "&lt;b&gt;&amp;amp;" dot100 "$P"
check "a value in a table cell" has_re "<td>(<p>)?<span class=\"lb-value\" title=\"measured by chunk dot100\">42</span>" "$P"
check "a value in a heading" has_re "<h2 id=\"[^\"]*\"><a class=\"anchor\"[^>]*>#</a>(<span class=\"secno\">[0-9.]+</span> )?The product is <span class=\"lb-value\" title=\"measured by chunk dot100\">42</span></h2>" "$P"
check "a code span that is no reference stays code" has "<code>{= not.a.ref}</code>" "$P"
check "no reference left unreplaced" lacks "{=dot100." "$P"
check "stdout holds no value records (output verified)" test "$(grep -c 'output verified' "$P")" -eq 2
check "the page's output has no value record" lacks "value answer" "$P"
check "C claim listed as held" has '<li class="claim held"><span class="claim-mark" title="this claim held on this run">✓</span> the product 42 exceeds forty</li>' "$P"
check "python claim listed as held" has '✓</span> two to the tenth passes a thousand</li>' "$P"
check "the claim text is the formatted one" lacks "✓</span> the product %d" "$P"
rm "$P"
lb build
check "cached rebuild: nothing ran" has "2 chunks: 2 cached, 0 ran, 0 failed" "$BOOK/err.log"
check "cached rebuild: C value still rendered" value_el 42 dot100 "$P"
check "cached rebuild: python value still rendered" value_el 1024 py "$P"
check "cached rebuild: claims still listed" has '✓</span> the product 42 exceeds forty' "$P"

# A false claim fails the chunk, at the line of the call; from the cache too.
for lang in c py; do
    f=claim-false-$lang
    mkbook "values/$f.md"
    C=$BOOK/chapters/$f.md
    lb build
    if [ $lang = c ]; then
        line=$(line_of 'lb_claim(two == 3' "$C")
        msg="chapters/$f.md:$line:5: error: claim failed: one and one make three, not 2"
        held="one and one make 2"
    else
        line=$(line_of 'litbook.claim(seven > 8' "$C")
        msg="chapters/$f.md:$line:1: error: claim failed: three and four make more than eight: 7"
        held="three and four make 7"
    fi
    check "$lang false claim: exit 1" rc_is 1
    check "$lang false claim: FILE:LINE:COL of the call" has "$msg" "$BOOK/err.log"
    check "$lang false claim: the held one is no error" lacks "claim failed: $held" "$BOOK/err.log"
    lb build -k
    P=$BOOK/out/$f.html
    check "$lang false claim, cached: nothing ran" has "0 ran, 1 failed" "$BOOK/err.log"
    check "$lang false claim, cached: still exit 1" rc_is 1
    check "$lang false claim, cached: still reported" has "$msg" "$BOOK/err.log"
    check "$lang false claim: page marks it failed" has_re '<li class="claim failed"><span class="claim-mark" title="this claim failed on this run">✗</span> [^<]*(three, not 2|more than eight: 7)</li>' "$P"
    check "$lang false claim: page marks the other held" has "✓</span> $held</li>" "$P"
    check "$lang false claim: error box" has "This chunk failed:</strong> claim failed:" "$P"
done

# A reference to no chunk of the chapter: an input error before anything runs.
mkbook values/unknown-chunk.md
lb build
check "unknown chunk: exit 2" rc_is 2
check "unknown chunk: FILE:LINE:COL and a suggestion" has "chapters/unknown-chunk.md:8:16: error: \`{=dot10.answer}\` quotes a value of chunk 'dot10', but this chapter has no chunk of that name (did you mean 'dot100'?)" "$BOOK/err.log"
check "unknown chunk: nothing ran, no page" test ! -e "$BOOK/out/unknown-chunk.html"
mkbook values/malformed-ref.md
lb build
check "malformed reference: exit 2" rc_is 2
check "malformed reference: said where and how" has "chapters/malformed-ref.md:8:16: error: \`{=dot100}\` is not a value reference: write \`{=CHUNK.KEY}\`" "$BOOK/err.log"
mkbook values/not-running.md
lb build
check "reference to an eval=false chunk: exit 2" rc_is 2
check "reference to an eval=false chunk: why" has "chapters/not-running.md:7:13: error: \`{=shown.answer}\` quotes a value of chunk 'shown' (line 3), which publishes none: it has eval=false" "$BOOK/err.log"

# A key the chunk did not publish: the build fails at the reference.
mkbook values/missing-key.md
lb build
line=$(line_of '{=dot100.naive_us}' "$BOOK/chapters/missing-key.md")
check "missing key: exit 1" rc_is 1
check "missing key: at the reference, with what was published" has "chapters/missing-key.md:$line:7: error: chunk 'dot100' published no value 'naive_us' (it published: answer, other)" "$BOOK/err.log"
check "missing key: no page without -k" test ! -e "$BOOK/out/missing-key.html"
check "missing key: the summary counts it" has_re "0 failed, 1 bad value reference in [0-9.]+ s" "$BOOK/err.log"
lb build -k
P=$BOOK/out/missing-key.html
check "missing key, -k: exit 1" rc_is 1
check "missing key, -k: rendered as not available" na_el dot100 "$P"
check "missing key, -k: the published one shown" value_el 42 dot100 "$P"

# A bad value name is the chunk's error.
mkbook values/bad-key.md
lb build
check "bad value name: exit 1" rc_is 1
check "bad value name: said" has "'two words' is not a value name" "$BOOK/err.log"

# -k: a failed chunk's values are not shown, even what it published.
mkbook values/failing.md
lb build -k
P=$BOOK/out/failing.html
check "failed chunk, -k: exit 1" rc_is 1
check "failed chunk, -k: reference not available" na_el breaks "$P"
check "failed chunk, -k: says it failed" has 'title="not available: chunk breaks failed"' "$P"
check "failed chunk, -k: no invented number" lacks '>42</span>' "$P"

# A python chunk that cannot run here: n/a, and the build succeeds.
mkbook values/not-run.md
lb build
P=$BOOK/out/not-run.html
check "not run: exit 0" rc_is 0
check "not run: reference not available" na_el needs-it "$P"
check "not run: the reason in the title" has "chunk needs-it was not run here (litbook_no_such_module is not installed here)" "$P"

# repeat=: the values are those of the first run, whose output is shown.
mkbook values/repeat.md
lb build
check "repeat: exit 0" rc_is 0
check "repeat: the first run's value" value_el "run number 1" counted "$BOOK/out/repeat.html"

# --record keeps values and claims; a machine without the module shows them.
mkbook values/recorded.md
mkdir "$BOOK/pylib"
printf '__version__ = "1.2.3"\nVALUE = 7\n' >"$BOOK/pylib/lbfakemod.py"
PYTHONPATH=$BOOK/pylib lb build --record chapters/recorded.md
R=$BOOK/chapters/recorded/recorded/fake.txt
check "--record: exit 0" rc_is 0
check "--record: the value in the recording" has "value: seven_squared 49" "$R"
check "--record: the claim in the recording" has_re "^claim: held [0-9]+ the module's value 7 is above five$" "$R"
check "--record: the value on the page" value_el 49 fake "$BOOK/out/recorded.html"
rm -rf "$BOOK/out"
lb build
P=$BOOK/out/recorded.html
check "from the recording: exit 0" rc_is 0
check "from the recording: shown from it" has "recorded on $(hostname)" "$P"
check "from the recording: the value restored" has_re "<span class=\"lb-value\" title=\"measured by chunk fake, recorded on [^\"]*\">49</span>" "$P"
check "from the recording: the claim restored" has "✓</span> the module's value 7 is above five</li>" "$P"
sed -i 's/^claim: held /claim: failed /' "$R"
lb build
check "a recording's false claim fails too" rc_is 1
check "a recording's false claim: at its line" has "chapters/recorded.md:$(line_of 'litbook.claim(' "$BOOK/chapters/recorded.md"):1: error: claim failed: the module's value 7 is above five" "$BOOK/err.log"

# A value in the chapter's title: the page's <title>, the contents, the
# sidebar and the neighbours' links show the value, not the reference.
mkbook
cat >"$BOOK/chapters/01-pages.md" <<'EOF'
# Pages of `{=pg.pages}` bytes

```sh {#pg}
lb_value pages 8192
```
EOF
printf '# Next one\n\nText.\n' >"$BOOK/chapters/02-next.md"
lb build
check "value in a title: exit 0" rc_is 0
check "value in a title: the page's <title>" has "<title>Pages of 8192 bytes · " "$BOOK/out/01-pages.html"
check "value in a title: the contents" has '<a href="01-pages.html">Pages of 8192 bytes</a>' "$BOOK/out/index.html"
check "value in a title: the next page's sidebar and link" lacks "{=pg.pages}" "$BOOK/out/02-next.html"
check "value in a title: ... which show the value" has "Pages of 8192 bytes" "$BOOK/out/02-next.html"
sed -i 's/8192/4096/' "$BOOK/chapters/01-pages.md"
lb build
check "value in a title: a new value reaches the other pages" has "Pages of 4096 bytes" "$BOOK/out/02-next.html"

# litbook.h stays a C11 and C++17 header.
T=$(mktemp -d /tmp/litbook-e2e.XXXXXX)
TMPS+=("$T")
printf '#include <litbook.h>\nint main(void) { lb_value("k", "%%d", 1); return !lb_claim(1, "t %%s", "x"); }\n' >"$T/a.c"
check "litbook.h: -std=c11 -Wall -Wextra -Werror -pedantic" cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$ROOT/include" "$T/a.c" -o "$T/a"
if command -v c++ >/dev/null; then
    cp "$T/a.c" "$T/a.cpp"
    check "litbook.h: C++17" c++ -std=c++17 -Wall -Wextra -Werror -I"$ROOT/include" "$T/a.cpp" -o "$T/b"
fi
check "litbook.h outside litbook: a value goes nowhere" test -z "$("$T/a" 2>&1)"

done_testing
