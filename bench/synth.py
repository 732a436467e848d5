#!/usr/bin/python3
"""Synthetic books for bench/run.

A book is N chapters x M chunks of small but real C programs (a sieve, a
qsort, modular Fibonacci, word statistics, a linked list, and a hash mix
from a shared local header). Every chunk is followed by its expected output
block, computed here in Python, so litbook checks every program it runs.
The same programs are also written out as plain .c files with a job list,
for the raw floor (no document tool at all).

Every program prints a last line "K=<constant>"; bench/run edits one
chunk by changing that constant in the code and in the expected block.

    bench/synth.py DIR CHAPTERS CHUNKS    write DIR/chapters, DIR/include, DIR/floor
"""

import os
import sys

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

HEADER = """\
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H
#include <stdint.h>

/* A 32-bit integer finaliser: every output bit depends on every input bit. */
static inline uint32_t bu_mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}
#endif
"""

SENTENCES = [
    "the quick brown fox jumps over the lazy dog while seven eager geese wander",
    "shared memory lets several processes see the same pages without copying",
    "a pipe carries bytes in order between exactly two ends of one conversation",
    "threads share everything so every write needs a reason to be safe",
    "measure twice before believing any benchmark that reports a single number",
    "compilers remove work whose result nobody ever observes or needs",
]


def _sieve(n):
    comp = bytearray(n + 1)
    count = 0
    for i in range(2, n + 1):
        if comp[i]:
            continue
        count += 1
        for j in range(i * i, n + 1, i):
            comp[j] = 1
    return count


def t_sieve(seed, k):
    n = 2000 + (seed * 37) % 18000
    src = f"""\
#include <stdio.h>

int main(void)
{{
    enum {{ N = {n} }};
    static unsigned char composite[N + 1];
    int count = 0;
    for (int i = 2; i <= N; i++) {{
        if (composite[i])
            continue;
        count++;
        for (long j = (long)i * i; j <= N; j += i)
            composite[j] = 1;
    }}
    printf("primes up to %d: %d\\n", N, count);
    printf("K=%d\\n", {k});
    return 0;
}}
"""
    return src, f"primes up to {n}: {_sieve(n)}\n"


def t_qsort(seed, k):
    n = 500 + (seed * 53) % 4000
    s0 = (seed * 2654435761) & M32
    src = f"""\
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}}

int main(void)
{{
    enum {{ N = {n} }};
    static uint32_t v[N];
    uint32_t s = {s0}u;
    for (int i = 0; i < N; i++) {{
        s = s * 1664525u + 1013904223u;
        v[i] = s >> 8;
    }}
    qsort(v, N, sizeof v[0], cmp);
    uint64_t h = 0;
    for (int i = 0; i < N; i++)
        h = h * 31 + v[i];
    printf("sorted %d: min %u max %u hash %llu\\n", N, (unsigned)v[0], (unsigned)v[N - 1],
           (unsigned long long)h);
    printf("K=%d\\n", {k});
    return 0;
}}
"""
    s, v = s0, []
    for _ in range(n):
        s = (s * 1664525 + 1013904223) & M32
        v.append(s >> 8)
    v.sort()
    h = 0
    for x in v:
        h = (h * 31 + x) & M64
    return src, f"sorted {n}: min {v[0]} max {v[-1]} hash {h}\n"


def t_fib(seed, k):
    n = 1000 + (seed * 7919) % 200000
    src = f"""\
#include <stdint.h>
#include <stdio.h>

int main(void)
{{
    const uint64_t p = 1000000007u;
    uint64_t a = 0, b = 1;
    for (int i = 0; i < {n}; i++) {{
        uint64_t t = (a + b) % p;
        a = b;
        b = t;
    }}
    printf("fib({n}) mod p = %llu\\n", (unsigned long long)a);
    printf("K=%d\\n", {k});
    return 0;
}}
"""
    a, b, p = 0, 1, 1000000007
    for _ in range(n):
        a, b = b, (a + b) % p
    return src, f"fib({n}) mod p = {a}\n"


def t_words(seed, k):
    text = SENTENCES[seed % len(SENTENCES)]
    src = f"""\
#include <stdio.h>
#include <string.h>

int main(void)
{{
    const char *text = "{text}";
    size_t n = strlen(text), i = 0, best = 0, best_at = 0;
    int words = 0, es = 0;
    while (i < n) {{
        while (i < n && text[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t start = i;
        while (i < n && text[i] != ' ')
            i++;
        words++;
        if (i - start > best) {{
            best = i - start;
            best_at = start;
        }}
    }}
    for (i = 0; i < n; i++)
        es += text[i] == 'e';
    printf("%d words, %d e's, longest \\"%.*s\\"\\n", words, es, (int)best, text + best_at);
    printf("K=%d\\n", {k});
    return 0;
}}
"""
    words = text.split()
    longest = max(words, key=len)  # the first of the longest, as in C
    return src, f'{len(words)} words, {text.count("e")} e\'s, longest "{longest}"\n'


def t_list(seed, k):
    n = 1000 + (seed * 131) % 20000
    m = 97 + seed % 1000
    src = f"""\
#include <stdio.h>
#include <stdlib.h>

struct node {{
    long v;
    struct node *next;
}};

int main(void)
{{
    struct node *head = NULL;
    for (long i = 1; i <= {n}; i++) {{
        struct node *p = malloc(sizeof *p);
        if (!p)
            return 1;
        p->v = i * i % {m};
        p->next = head;
        head = p;
    }}
    struct node *prev = NULL;
    while (head) {{
        struct node *next = head->next;
        head->next = prev;
        prev = head;
        head = next;
    }}
    long first = 0, total = 0;
    int k = 0;
    while (prev) {{
        struct node *next = prev->next;
        if (k++ < 10)
            first += prev->v;
        total += prev->v;
        free(prev);
        prev = next;
    }}
    printf("list of {n}: first ten %ld, total %ld\\n", first, total);
    printf("K=%d\\n", {k});
    return 0;
}}
"""
    vals = [i * i % m for i in range(1, n + 1)]
    return src, f"list of {n}: first ten {sum(vals[:10])}, total {sum(vals)}\n"


def _mix(x):
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def t_header(seed, k):
    n = 1000 + (seed * 97) % 50000
    s0 = (seed * 40503) & M32
    src = f"""\
#include <stdint.h>
#include <stdio.h>

#include "bench_util.h"

int main(void)
{{
    uint32_t acc = {s0}u;
    for (uint32_t i = 0; i < {n}u; i++)
        acc = bu_mix(acc ^ i);
    printf("mix of {n} rounds: %08x\\n", (unsigned)acc);
    printf("K=%d\\n", {k});
    return 0;
}}
"""
    acc = s0
    for i in range(n):
        acc = _mix(acc ^ i)
    return src, f"mix of {n} rounds: {acc:08x}\n"


TEMPLATES = [t_sieve, t_qsort, t_fib, t_words, t_list, t_header]
HEADER_TEMPLATE = TEMPLATES.index(t_header)


def k_of(ch, i):
    """The printed constant of chunk i of chapter ch: unique in the book."""
    return 100000 + ch * 1000 + i


def chunk(ch, i):
    """(name, source, expected output, uses the header) of one chunk."""
    seed = ch * 1000 + i + 1
    t = (ch + i) % len(TEMPLATES)
    k = k_of(ch, i)
    src, out = TEMPLATES[t](seed, k)
    return f"c{ch:03d}-{i:03d}", src, out + f"K={k}\n", t == HEADER_TEMPLATE


def chapter_path(root, ch):
    return os.path.join(root, "chapters", f"{ch + 1:03d}-synthetic.md")


def write_book(root, nchapters, nchunks):
    """Writes the book and the floor's job list; returns the job list path.
    Each job line is: program-path-without-.c [extra cflags...]."""
    root = os.path.abspath(root)
    inc = os.path.join(root, "include")
    floor = os.path.join(root, "floor")
    for d in ("chapters", "include", "floor"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    with open(os.path.join(inc, "bench_util.h"), "w") as f:
        f.write(HEADER)
    with open(os.path.join(root, "chapters", "index.md"), "w") as f:
        f.write(f"# A synthetic book\n\n{nchapters} chapters of {nchunks} small C programs.\n")
    jobs = []
    for ch in range(nchapters):
        md = [f"# Synthetic chapter {ch + 1}\n\n",
              "Small programs, each checked against the output it must print.\n\n"]
        for i in range(nchunks):
            name, src, out, hdr = chunk(ch, i)
            attrs = f'#{name} cflags="-I{inc}"' if hdr else f"#{name}"
            md.append(f"## Program {i + 1}\n\nThis one prints a result and its constant.\n\n")
            md.append(f"```c {{{attrs}}}\n{src}```\n\n```output\n{out}```\n\n")
            prog = os.path.join(floor, name)
            with open(prog + ".c", "w") as f:
                f.write(src)
            jobs.append(prog + (f" -I{inc}" if hdr else ""))
        with open(chapter_path(root, ch), "w") as f:
            f.write("".join(md))
    jobs_path = os.path.join(root, "floor.jobs")
    with open(jobs_path, "w") as f:
        f.write("\n".join(jobs) + "\n")
    return jobs_path


def edit_chunk(root, ch, i, new_k):
    """Changes chunk i of chapter ch to print new_k (code and expected
    output); returns the chunk's new source. The chunk's current constant
    is whatever the file holds now."""
    path = chapter_path(root, ch)
    with open(path) as f:
        text = f.read()
    name = f"c{ch:03d}-{i:03d}"
    start = text.index(f"{{#{name}")
    end = text.index("```\n\n", text.index("```output\n", start)) + 5
    block = text[start:end]
    old = block[block.index('"K=%d\\n", ') + 10:]
    old_k = old[:old.index(")")]
    new = block.replace(f'"K=%d\\n", {old_k})', f'"K=%d\\n", {new_k})')
    new = new.replace(f"\nK={old_k}\n```", f"\nK={new_k}\n```")
    if new.count(str(new_k)) != 2:
        raise RuntimeError(f"edit of {name} did not change both the code and the output")
    with open(path + ".tmp", "w") as f:
        f.write(text[:start] + new + text[end:])
    os.replace(path + ".tmp", path)
    code = new[new.index("}\n") + 2:new.index("```\n\n```output")]
    return code


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    jobs = write_book(argv[1], int(argv[2]), int(argv[3]))
    print(jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
