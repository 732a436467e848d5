/* litbook: the command line. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "runner.h"
#include "sandbox.h"
#include "version.h"

static const char usage[] =
    "usage: litbook build [options] [CHAPTER.md ...]   build the book, or only these chapters\n"
    "       litbook publish [options]                  build, then write the single-file book\n"
    "       litbook clean [-o DIR]                     remove the output and the cache\n"
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
    "      --sandbox=MODE auto: run every chunk process in a bubblewrap sandbox, or warn\n"
    "                     that it cannot; strict: an error (exit 2) where it cannot;\n"
    "                     off: no sandbox (to measure what it costs)\n"
    "\n"
    "environment: CC, CFLAGS, PYTHON, NO_COLOR\n"
    "exit status: 0 all chunks ran as expected, 1 some chunk failed, 2 usage or input error\n";

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

static int parse(int argc, char **argv, lb_build_opts *o, const char *cmd)
{
    static const struct option longs[] = {
        {"out", required_argument, 0, 'o'},     {"jobs", required_argument, 0, 'j'},
        {"force", no_argument, 0, 'B'},         {"keep-going", no_argument, 0, 'k'},
        {"update", no_argument, 0, 'U'},        {"record", no_argument, 0, 'R'},
        {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
        {"sandbox", required_argument, 0, 'S'}, {0, 0, 0, 0},
    };
    int ch;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "+o:j:Bkqv", longs, NULL)) != -1) {
        switch (ch) {
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

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("no command given");
    const char *cmd = argv[1];
    /* Inside a chunk's sandbox, litbook is only the runner (runner.h). */
    if (strcmp(cmd, "__sandbox-run") == 0)
        return lb_runner_main(argc, argv);
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("litbook " LITBOOK_VERSION);
        return 0;
    }
    if (strcmp(cmd, "build") != 0 && strcmp(cmd, "publish") != 0 && strcmp(cmd, "clean") != 0) {
        char m[256];
        snprintf(m, sizeof m, "unknown command '%s'", cmd);
        return usage_error(m);
    }
    lb_build_opts o = {0};
    o.out_dir = "out";
    o.book_dir = "chapters";
    if (parse(argc - 1, argv + 1, &o, cmd) != 0)
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
    return lb_build(&o);
}
