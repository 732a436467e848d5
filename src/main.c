/* litbook: the command line. */
#include <getopt.h>
#include <signal.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "init.h"
#include "runner.h"
#include "sandbox.h"
#include "serve.h"
#include "tangle.h"
#include "version.h"

static const char usage[] =
    "usage: litbook build [options] [CHAPTER.md ...]   build the book, or only these chapters\n"
    "       litbook publish [options]                  build, then write the single-file book\n"
    "       litbook serve [-p PORT] [--bind ADDR] [options]\n"
    "                                                  build, serve out/ on "
    "http://127.0.0.1:3000/,\n"
    "                                                  rebuild and reload the pages on every save\n"
    "       litbook clean [-o DIR]                     remove the output and the cache\n"
    "       litbook init [DIR]                         start a new book in DIR (default: .)\n"
    "       litbook tangle CHAPTER.md#NAME [-o FILE] [--no-line]\n"
    "                                                  write a chunk's assembled program\n"
    "       litbook --help | --version\n"
    "\n"
    "options:\n"
    "  -o, --out DIR      output folder (default: out)\n"
    "  -j, --jobs N       run N jobs at once (default: number of CPUs)\n"
    "  -B, --force        ignore the cache for what is being built\n"
    "  -k, --keep-going   show a failed chunk as an error box and go on (still exit 1)\n"
    "      --update       rewrite expected output blocks with the actual output\n"
    "      --record       store results with provenance under chapters/recorded/\n"
    "  -q, --quiet        print only errors\n"
    "  -v, --verbose      print every step, cached ones too\n"
    "      --pdf          publish: also print the single-file book to PDF\n"
    "  -p, --port PORT    serve: the port to listen on (default: 3000; 0: any free one)\n"
    "      --bind ADDR    serve: the address to listen on (default: 127.0.0.1)\n"
    "      --sandbox=MODE auto: run every chunk process in a bubblewrap sandbox, or warn\n"
    "                     that it cannot; strict: an error (exit 2) where it cannot;\n"
    "                     off: no sandbox (to measure what it costs)\n"
    "\n"
    "environment: CC, CFLAGS, PYTHON, NO_COLOR\n"
    "exit status: 0 all chunks ran as expected, 1 some chunk failed, 2 usage or input error;\n"
    "             serve: 0 when stopped by Ctrl-C, 2 when it cannot start\n";

static volatile int interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "litbook: error: %s\n(see litbook --help)\n", msg);
    return 2;
}

static int parse(int argc, char **argv, lb_build_opts *o, lb_serve_opts *so, const char *cmd)
{
    int serve = strcmp(cmd, "serve") == 0;
    static const struct option longs[] = {
        {"out", required_argument, 0, 'o'},
        {"jobs", required_argument, 0, 'j'},
        {"force", no_argument, 0, 'B'},
        {"keep-going", no_argument, 0, 'k'},
        {"update", no_argument, 0, 'U'},
        {"record", no_argument, 0, 'R'},
        {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},
        {"pdf", no_argument, 0, 'P'},
        {"port", required_argument, 0, 'p'},
        {"bind", required_argument, 0, 'A'},
        {"sandbox", required_argument, 0, 'S'},
        {0, 0, 0, 0},
    };
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+o:j:Bkqvp:", longs, NULL)) != -1) {
        if ((ch == 'p' || ch == 'A') && !serve)
            return usage_error("only 'serve' takes -p/--port and --bind");
        /* serve builds and watches the chapters: a build that rewrote
         * them would trigger itself */
        if ((ch == 'U' || ch == 'R') && serve)
            return usage_error("serve does not take --update or --record");
        switch (ch) {
        case 'p': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (!*optarg || *end || n < 0 || n > 65535)
                return usage_error("-p wants a port number from 0 to 65535");
            so->port = (int)n;
            break;
        }
        case 'A':
            so->bind = optarg;
            break;
        case 'o':
            o->out_dir = optarg;
            break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024)
                return usage_error("-j wants a number of jobs from 1 to 1024");
            o->jobs = (int)n;
            break;
        }
        case 'B':
            o->force = 1;
            break;
        case 'k':
            o->keep_going = 1;
            break;
        case 'U':
            o->update = 1;
            break;
        case 'R':
            o->record = 1;
            break;
        case 'q':
            o->quiet = 1;
            break;
        case 'v':
            o->verbose = 1;
            break;
        case 'P':
            if (strcmp(cmd, "publish") != 0)
                return usage_error("--pdf is an option of 'publish'");
            o->pdf = 1;
            break;
        case 'S':
            if (strcmp(optarg, "auto") == 0)
                o->sandbox = LB_SANDBOX_AUTO;
            else if (strcmp(optarg, "strict") == 0)
                o->sandbox = LB_SANDBOX_STRICT;
            else if (strcmp(optarg, "off") == 0)
                o->sandbox = LB_SANDBOX_OFF;
            else
                return usage_error("--sandbox wants auto, strict or off");
            break;
        default: {
            char m[128];
            snprintf(m, sizeof m, "unknown option '%s' for %s", argv[optind - 1], cmd);
            return usage_error(m);
        }
        }
    }
    o->chapters = argv + optind;
    o->nchapters = (size_t)(argc - optind);
    if (strcmp(cmd, "build") != 0 && o->nchapters)
        return usage_error("only 'build' takes chapter files");
    return 0;
}

/* litbook tangle CHAPTER.md#NAME [-o FILE] [--no-line] */
static int tangle_command(int argc, char **argv)
{
    static const struct option longs[] = {
        {"out", required_argument, 0, 'o'},
        {"no-line", no_argument, 0, 'L'},
        {0, 0, 0, 0},
    };
    const char *out = NULL;
    int lines = 1, ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "o:", longs, NULL)) != -1) {
        if (ch == 'o')
            out = optarg;
        else if (ch == 'L')
            lines = 0;
        else
            return usage_error("tangle takes CHAPTER.md#NAME, -o FILE and --no-line");
    }
    if (argc - optind != 1)
        return usage_error("tangle takes one CHAPTER.md#NAME");
    return lb_tangle(argv[optind], out, lines);
}

int main(int argc, char **argv)
{
    /* A build makes and drops buffers of hundreds of kilobytes (pages, the
     * search index, the single file): above glibc's default threshold each
     * is a fresh mmap, every one of its pages a fault and a zeroing, a
     * sixth of a prose edit's time (perf). Kept in the heap, freed memory
     * is reused. The peak is the same: what is live at once. */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    if (argc < 2)
        return usage_error("no command given");
    const char *cmd = argv[1];
    /* Inside a chunk's sandbox, litbook is only the runner (runner.h). */
    if (strcmp(cmd, "__sandbox-worker") == 0)
        return lb_runner_main(argc, argv);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("litbook " LITBOOK_VERSION);
        return 0;
    }
    if (strcmp(cmd, "tangle") == 0)
        return tangle_command(argc - 1, argv + 1);
    if (strcmp(cmd, "init") == 0) {
        if (argc > 3 || (argc == 3 && argv[2][0] == '-'))
            return usage_error("init takes one folder: litbook init [DIR]");
        const char *py = getenv("PYTHON");
        return lb_init(argc == 3 ? argv[2] : ".", py && *py ? py : "python3");
    }
    if (strcmp(cmd, "build") != 0 && strcmp(cmd, "publish") != 0 && strcmp(cmd, "clean") != 0 &&
        strcmp(cmd, "serve") != 0) {
        char m[256];
        snprintf(m, sizeof m, "unknown command '%s'", cmd);
        return usage_error(m);
    }
    lb_build_opts o = {0};
    o.out_dir = "out";
    o.book_dir = "chapters";
    lb_serve_opts so = {"127.0.0.1", 3000};
    if (parse(argc - 1, argv + 1, &o, &so, cmd) != 0)
        return 2;
    if (strcmp(cmd, "clean") == 0)
        return lb_clean(o.out_dir);
    o.publish = strcmp(cmd, "publish") == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    o.interrupted = &interrupted;
    if (strcmp(cmd, "serve") == 0)
        return lb_serve(&o, &so);
    return lb_build(&o);
}
