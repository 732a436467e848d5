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

# The table's numbers: each run of repeat-varied.md knows which one it is
# (0 is the warm-up) and spins k * 40 ms of CPU, touching k * 8 MiB.
mkbook repeat-varied.md
lb build
R=$BOOK/out/repeat-varied.html
row() { # LABEL: its min, median and max from the repeat table, on one line
    grep -F "<tr><th>$1</th>" "$R" | grep -oE '[0-9]+\.[0-9]+' | tr '\n' ' '
}
within() { # VALUE LOW HIGH: LOW <= VALUE < HIGH
    [ -n "$1" ] && [ "$(echo "$2 <= $1 && $1 < $3" | bc)" -eq 1 ]
}
read -r c_min c_med c_max <<<"$(row "CPU time, user+sys (ms)")"
read -r w_min w_med w_max <<<"$(row "wall time (ms)")"
read -r r_min r_med r_max <<<"$(row "peak RSS (MiB)")"
check "varied repeat: warm-up output verified" in_output $'varied 1\n' "$R"
check "varied repeat: 3 timed runs" has "3 timed runs after one warm-up" "$R"
check "varied repeat: CPU min is run 1's 40 ms, not the warm-up's (${c_min:-})" within "${c_min:-}" 40 80
check "varied repeat: CPU median is run 2's 80 ms (${c_med:-})" within "${c_med:-}" 80 120
check "varied repeat: CPU max is run 3's 120 ms (${c_max:-})" within "${c_max:-}" 120 200
# (Wall time stretches on a busy machine: ordered, and no less than CPU.)
check "varied repeat: wall times ordered, median and max no less than CPU's (${w_min:-}, ${w_med:-}, ${w_max:-})" \
    test "$(echo "${w_min:-1} <= ${w_med:-0} && ${w_med:-0} <= ${w_max:-0} && ${w_med:-0} >= 80 && ${w_max:-0} >= 120" | bc)" -eq 1
check "varied repeat: peak RSS grows by about 8 MiB a run (${r_min:-}, ${r_med:-}, ${r_max:-})" \
    test "$(echo "${r_min:-0} + 6 < ${r_med:-0} && ${r_med:-0} + 6 < ${r_max:-0}" | bc)" -eq 1

mkbook gnuplot-error.md
lb build
check "gnuplot error exits 1" rc_is 1
check "gnuplot error reported at the chapter line" has "chapters/gnuplot-error.md:14: error: gnuplot:" "$BOOK/err.log"

mkbook missing-data.md
lb build
check "a data name no chunk makes is an input error" rc_is 2
check "... reported at the gnuplot chunk's line" has "chapters/missing-data.md:3:1: error: no chunk before this one produces data 'nothing-makes-this'" "$BOOK/err.log"

done_testing
