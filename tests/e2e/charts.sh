#!/usr/bin/env bash
# Timings and charts (issue 4): data files, gnuplot figures, repeat tables.
. "$(dirname "$0")/lib.sh"

mkbook chart.md repeat.md
lb build
check "chart chapter builds" rc_is 0
P=$BOOK/out/chart.html
check "page holds an inline svg" has "<svg" "$P"
check "svg carries the caption as its accessible title" has "<title>Squares of the first ten numbers</title>" "$P"
check "figure caption shown, numbered (xref.h)" has "<figcaption><span class=\"fig-label\">Figure 1.1:</span> Squares of the first ten numbers</figcaption>" "$P"
check "the plotted series is in the svg" has ">squares<" "$P"
check "the script is in a collapsed details" has '<details class="script">' "$P"
check "no XML prolog inside the page" lacks "<?xml" "$P"
check "data file saved" test -s "$BOOK/out/.cache/data/squares.tsv"
R=$BOOK/out/repeat.html
check "repeat table present" has '<table class="timing">' "$R"
check "repeat table counts the timed runs" has "3 timed runs after one warm-up" "$R"
check "repeat table has wall, CPU and RSS rows" has "peak RSS (MiB)" "$R"

mkbook gnuplot-error.md
lb build
check "gnuplot error exits 1" rc_is 1
check "gnuplot error reported at the chapter line" has "chapters/gnuplot-error.md:14: error: gnuplot:" "$BOOK/err.log"

mkbook missing-data.md
lb build
check "a data name no chunk makes is an input error" rc_is 2
check "... reported at the gnuplot chunk's line" has "chapters/missing-data.md:3:1: error: no chunk before this one produces data 'nothing-makes-this'" "$BOOK/err.log"

done_testing
