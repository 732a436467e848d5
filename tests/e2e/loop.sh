#!/usr/bin/env bash
# The author's loop (issue 16): what an edit reruns, and what the messages
# of a result kept from an earlier build point at.
. "$(dirname "$0")/lib.sh"

CH=chapters/01-moves.md
# programs that ran in the last build (the progress lines name each one)
reran() { grep -c "ran chapters/" "$BOOK/err.log"; }
reran_is() { [ "$(reran)" = "$1" ]; }
line_of() { grep -n -- "$1" "$BOOK/$CH" | head -1 | cut -d: -f1; }
page_has() { has "$1" "$BOOK/out/01-moves.html"; }

# Every message of the result names the chunks' current lines.
lines_current() {
    local says helper trace claim
    says=$(line_of SAYS) helper=$(line_of HELPER) trace=$(line_of TRACE) claim=$(line_of CLAIM)
    page_has "01-moves.md:$says: note: said here" &&
        page_has "01-moves.md:$helper: note: helper here" &&
        page_has "01-moves.md&quot;, line $trace" &&
        page_has "line $claim: claim failed" &&
        has "$CH:$claim:5: error: claim failed: arithmetic is broken" "$BOOK/err.log"
}

mkbook
cp "$FIX"/loop/01-moves.md "$BOOK/chapters/"
lb build -k
check "cold build runs both programs" reran_is 2
check "... and its messages name their lines" lines_current

sed -i '3i\
Three new lines of prose\
at the top of the chapter,\
before every chunk.' "$BOOK/$CH"
lb build -k
check "prose added above every chunk reruns no program" reran_is 0
check "... and every message names the chunks' new lines" lines_current

sed -i 's/^Prose between the chunk.*/&\nand one more line of it\n/' "$BOOK/$CH"
lb build -k
check "prose added between a chunk and the code it uses reruns nothing" reran_is 0
check "... and the used code's messages moved, the chunk's did not" lines_current

sed -i 's|^    fprintf(stderr, "%s:%d: note: said here|    puts("one more line of code");\n&|' "$BOOK/$CH"
lb build -k
check "code edited inside a chunk reruns that chunk alone" reran_is 1
check "... and its messages name its lines" lines_current

lb build -k
check "a build with nothing changed reruns nothing" reran_is 0

# The environment litbook.h reads is part of every key.
mkbook
cp "$FIX"/loop/02-bench.md "$BOOK/chapters/"
samples_shown() { has "samples=$1 min_ms=$2" "$BOOK/out/02-bench.html"; }
lb build
check "lb_bench's defaults" samples_shown 21 5
LB_BENCH_SAMPLES=3 lb build
check "LB_BENCH_SAMPLES reruns the program" samples_shown 3 5
LB_BENCH_MIN_MS=1 lb build
check "LB_BENCH_MIN_MS reruns the program" samples_shown 21 1
LB_BENCH_SAMPLES=3 lb build -B
lb build
check "a plain build after -B with one set does not keep that result" samples_shown 21 5

# --update does not accept a python output that its C twin does not print.
mkbook
cp "$FIX"/loop/03-twin.md "$BOOK/chapters/"
cp "$BOOK/chapters/03-twin.md" "$BOOK/before.md"
lb build --update
check "--update with a python chunk that left its twin fails" rc_is 1
check "... says why" has "its output is not what its C twin 'c-side' prints" "$BOOK/err.log"
check "... and leaves its expected block as it was" cmp -s "$BOOK/before.md" "$BOOK/chapters/03-twin.md"
check "... not reporting 0 failed" has ", 1 failed in" "$BOOK/err.log"
sed -i 's/x \* x + 1/x * x/; s/^\[1, 4, 9\]$/[old]/' "$BOOK/chapters/03-twin.md"
lb build --update
check "--update accepts a python output that agrees with its twin" rc_is 0
check "... and writes it" has_re '^\[1, 4, 9\]$' "$BOOK/chapters/03-twin.md"
lb build
check "... after which a build passes" rc_is 0

# A chapter is linked once its page exists; a deleted chapter's page goes.
mkbook good.md
lb build
cp "$FIX"/segfault.md "$BOOK/chapters/zz-new.md"
lb build
check "a new chapter that fails fails the build" rc_is 1
check "... and is not linked from the contents" lacks "zz-new.html" "$BOOK/out/index.html"
check "... nor from the previous chapter" lacks "zz-new.html" "$BOOK/out/good.html"
lb build -k
check "with -k its page is written" test -f "$BOOK/out/zz-new.html"
check "... and linked from the contents" has 'href="zz-new.html"' "$BOOK/out/index.html"
check "... and from the previous chapter" has 'href="zz-new.html"' "$BOOK/out/good.html"
rm "$BOOK/chapters/zz-new.md"
lb build
check "a deleted chapter's page is removed from out/" test ! -e "$BOOK/out/zz-new.html"
check "... and said so" has "removed out/zz-new.html" "$BOOK/err.log"
check "... and no page links to it" lacks "zz-new.html" "$BOOK/out/good.html"
echo '<p>mine</p>' >"$BOOK/out/notes.html"
lb publish
check "a file of out/ that litbook did not write stays" test -f "$BOOK/out/notes.html"
check "the single file does not hold the deleted chapter" lacks "zz-new" "$BOOK/out/answer-book.html"

# Warnings of a program that compiles; the stderr of one that fails.
mkbook
cp "$FIX"/loop/04-warns.md "$BOOK/chapters/"
CH=chapters/04-warns.md
lb build -k -j1
W="04-warns.md:$(line_of UNUSED):9: warning: unused variable"
check "a compiler warning is printed on the terminal" has "$W" "$BOOK/err.log"
check "... and shown on the page, collapsed" has '<details class="warnings"><summary>1 compiler warning</summary>' "$BOOK/out/04-warns.html"
check "... with the message" has "$W" "$BOOK/out/04-warns.html"
# under LINE: the line of err.log after the one holding PATTERN is LINE
under() { [ "$(grep -A1 -F -- "$1" "$BOOK/err.log" | sed -n 2p)" = "$2" ]; }
check "a traceback is printed under its error line" \
    under "error: chunk 'raises' failed: raised an uncaught exception" "Traceback (most recent call last):"
check "... down to the exception" has 'ValueError: the input was <bad>' "$BOOK/err.log"
check "... with no exit=N hint (it would not help)" sh -c "! grep 'raises.*exit=N' '$BOOK/err.log'"
check "a non-zero exit keeps the hint" has "chunk 'exits' failed: exited with status 3, expected 0 (add exit=N or exit=any" "$BOOK/err.log"
check "... and its stderr is printed under it" under "chunk 'exits' failed" "giving up: no input"
sed -i '1a\
\
More prose above.' "$BOOK/$CH"
lb build -k
check "a cached warning is on the page at its new line" has "04-warns.md:$(line_of UNUSED):9: warning" "$BOOK/out/04-warns.html"
check "a cached failure's stderr is printed on the terminal too" has 'ValueError: the input was <bad>' "$BOOK/err.log"
CH=chapters/01-moves.md

# A log scale's labels are in its own base.
mkbook
cp "$FIX"/loop/05-log2.md "$BOOK/chapters/"
lb build
P=$BOOK/out/05-log2.html
# the SVG of figure $1
svg_of() { sed -n "/id=\"$1\"/,/<\/svg>/p" "$P"; }
check "set logscale x 2 labels 2^{n}" sh -c "$(declare -f svg_of); P='$P'; svg_of fig-log2 | grep -q '>2</tspan><tspan[^>]*>16'"
check "... not 10^{n}" sh -c "$(declare -f svg_of); P='$P'; ! svg_of fig-log2 | grep -q '>10</tspan><tspan[^>]*>[0-9]'"
check "set logscale x still labels 10^{n}" sh -c "$(declare -f svg_of); P='$P'; svg_of fig-log10 | grep -q '>10</tspan><tspan[^>]*>4'"

# An expected block of stderr; the README's lb_bench header as printed.
mkbook
cp "$FIX"/loop/06-stderr.md "$BOOK/chapters/"
lb build -k
check "a stderr-only expected block fails" rc_is 1
check "... saying only stdout is compared" has "note: the expected block is what the program wrote to stderr; only stdout is compared" "$BOOK/err.log"
check "... on the page too" has "only stdout is compared" "$BOOK/out/06-stderr.html"
readme_header() { grep -P '^        # label\t' "$ROOT/README.md" | sed 's/^        //'; }
real_header() { sed -n '/id="header"/,/<\/section>/p' "$BOOK/out/06-stderr.html" | grep -o '# label[^<]*'; }
check "README shows lb_bench's header as it is printed (tabs, '# ')" \
    sh -c "[ -n \"\$1\" ] && [ \"\$1\" = \"\$2\" ]" _ "$(readme_header)" "$(real_header)"

# Every input error of a run at once.
mkbook
cp "$FIX"/loop/07-typos.md "$FIX"/loop/08-typo.md "$BOOK/chapters/"
lb build
check "input errors exit 2" rc_is 2
check "the first typo is reported" has_re "chapters/07-typos.md:3:[0-9]+: error: .*timeot" "$BOOK/err.log"
check "... and the second, of the same chapter" has_re "chapters/07-typos.md:7:[0-9]+: error: .*exti" "$BOOK/err.log"
check "... and the one of the next chapter" has_re "chapters/08-typo.md:3:[0-9]+: error: .*requries" "$BOOK/err.log"
check "... each once" sh -c "[ \$(grep -c ': error: ' '$BOOK/err.log') -eq 3 ]"
check "... and nothing ran" test ! -e "$BOOK/out/07-typos.html"
for i in $(seq 1 30); do printf '```c {#c%d bad%d=1}\nint main(void){return 0;}\n```\n\n' "$i" "$i"; done >"$BOOK/chapters/07-typos.md"
lb build
check "errors are capped at 20 per chapter" sh -c "[ \$(grep -c '07-typos.md.*: error: ' '$BOOK/err.log') -eq 20 ]"

done_testing
