#!/usr/bin/env bash
# litbook tangle CHAPTER.md#NAME: the assembled program, as compiled.
. "$(dirname "$0")/lib.sh"

mkbook good.md
T=chapters/good.md
lb tangle "$T#use-square"
check "tangle: exit 0" rc_is 0
check "the <<square>> reference is expanded" has "static int square(int x)" "$BOOK/out.log"
check "no reference line is left" lacks "<<square>>" "$BOOK/out.log"
check "#line directives point at the chapter" has_re "^#line [0-9]+ \"chapters/good.md\"$" "$BOOK/out.log"
check "the expanded piece's #line is its own line in the chapter" has "#line 42 \"chapters/good.md\"" "$BOOK/out.log"
lb tangle "$T#use-square" --no-line -o prog.c
check "-o FILE --no-line: exit 0" rc_is 0
check "nothing on stdout with -o" test ! -s "$BOOK/out.log"
check "--no-line: no #line directive" lacks "#line" "$BOOK/prog.c"
check "the program compiles" cc -std=c11 -Wall -Wextra -Werror -o "$BOOK/prog" "$BOOK/prog.c"
check "and prints what the chapter says it prints" test "$("$BOOK/prog")" = "1 4 9"
lb tangle "$T#use-squar"
check "a misspelt chunk: exit 2" rc_is 2
check "with a did-you-mean" has "has no chunk named 'use-squar'; did you mean 'use-square'?" "$BOOK/err.log"
lb tangle "$T"
check "no #NAME: exit 2" rc_is 2
check "says what it wants" has "tangle wants CHAPTER.md#NAME" "$BOOK/err.log"
lb tangle "chapters/none.md#x"
check "a missing chapter: exit 2" rc_is 2
done_testing
