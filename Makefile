# litbook: build the tool, the book, and the tests.
#
#   make deps    install the Debian packages everything needs (root, apt-get)
#   make         build litbook, then the answer book into out/
#   make check   unit tests, end-to-end tests, and both again under ASan+UBSan
#   make bench   speed and memory figures (see bench/)
#   make plant   plant the bugs of issue 20 one by one; each must be caught
#   make mutate  mutation testing of the core modules (make mutate-deps first)

CC ?= cc
PKGS := libcmark-gfm yaml-0.1 libxxhash libmicrohttpd libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libmicrohttpd is not linked: serve opens it (src/mhd.h), by the soname of
# the library these headers came with, so that a build does not load it
# and GnuTLS behind it. The others are linked statically (the -dev
# packages ship the archives): shared, each cost every run its loading and
# relocation, and every call into it went through the PLT (cmark's tree
# walks are hot), 1.2 ms of a 15 ms no-op rebuild (issue 17).
PKG_LIBS := -Wl,-Bstatic -Wl,--start-group \
	$(shell pkg-config --static --libs $(filter-out libmicrohttpd,$(PKGS)) 2>/dev/null) \
	-Wl,--end-group -Wl,-Bdynamic
MHD_SONAME := $(shell objdump -p $$(pkg-config --variable=libdir libmicrohttpd 2>/dev/null)/libmicrohttpd.so 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -g $(WARN) $(PKG_CFLAGS) $(if $(MHD_SONAME),-DLB_MHD_SONAME='"$(MHD_SONAME)"')
OPT ?= -O2
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

DEB_PACKAGES := build-essential pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev \
	cmark-gfm libyaml-dev libxxhash-dev libcmocka-dev \
	gnuplot-nox libopenblas-dev python3 python3-numpy tidy libxml2-utils \
	source-highlight chromium clang libclang-rt-dev valgrind clang-format cppcheck \
	python3-venv nodejs katex libjs-katex fonts-katex libjs-lunr node-lunr poppler-utils \
	libmicrohttpd-dev bubblewrap libseccomp-dev

LIB_SRC := $(filter-out src/main.c src/runner_main.c,$(wildcard src/*.c))
HDRS := $(wildcard src/*.h) include/litbook.h
UNIT_SRC := $(wildcard tests/unit/test_*.c)

# Assets, litbook.h and litbook.py are embedded in the binary (tools/embed).
EMBED := lb_asset_css:src/assets/litbook.css lb_asset_js:src/assets/litbook.js \
	lb_litbook_h:include/litbook.h lb_litbook_py:include/litbook.py
# The templates of `litbook init` (src/init.c).
EMBED += lb_init_index:src/init/index.md lb_init_chapter:src/init/first-chapter.md \
	lb_init_python:src/init/python-twin.md
GEN_SRC := $(foreach e,$(EMBED),build/gen/$(word 1,$(subst :, ,$(e))).c)

OBJ := $(LIB_SRC:src/%.c=build/obj/%.o) $(GEN_SRC:build/gen/%.c=build/obj/gen/%.o)
ASAN_OBJ := $(LIB_SRC:src/%.c=build-asan/obj/%.o) $(GEN_SRC:build/gen/%.c=build-asan/obj/gen/%.o)
UNITS := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
ASAN_UNITS := $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)

LITBOOK := build/litbook
CMARK_REF := build/tools/cmark-ref

.PHONY: all tool book deps check unit e2e clean bench format lint publish fuzz fuzz-replay fuzz-markdown \
	install uninstall plant mutate mutate-deps
.DELETE_ON_ERROR:

all: book

tool: $(LITBOOK) build/litbook-runner

# The book's python chunks run with the project's own environment, .venv/
# (make deps: Debian's python3 with JAX and NumPy pinned by hash from
# tools/requirements.txt), not whichever python3 comes first on PATH (a pyenv
# one lacks both). Without .venv, Debian's /usr/bin/python3 (NumPy, no JAX:
# the JAX chunks are then shown as not run). PYTHON=... overrides.
VENV := $(CURDIR)/.venv
PYTHON ?= $(firstword $(wildcard $(VENV)/bin/python) $(wildcard /usr/bin/python3) python3)
export PYTHON

book: $(LITBOOK)
	$(LITBOOK) build

publish: $(LITBOOK)
	$(LITBOOK) publish

# Installing, as the GNU conventions say: PREFIX, DESTDIR, BINDIR, MANDIR.
# The binary carries its header, assets and templates; the manual page is
# the only other file.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INSTALL ?= install

# litbook looks for its sandbox runner beside itself (src/bwrap.c).
RUNNER = $(dir $(LITBOOK))litbook-runner

install: $(LITBOOK) $(RUNNER)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	$(INSTALL) -m 755 $(LITBOOK) $(DESTDIR)$(BINDIR)/litbook
	$(INSTALL) -m 755 $(RUNNER) $(DESTDIR)$(BINDIR)/litbook-runner
	$(INSTALL) -m 644 docs/litbook.1 $(DESTDIR)$(MANDIR)/man1/litbook.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/litbook $(DESTDIR)$(BINDIR)/litbook-runner \
		$(DESTDIR)$(MANDIR)/man1/litbook.1

# The interpreter make gives the python chunks (tests/e2e/jax.sh checks it).
.PHONY: print-python
print-python:
	@echo '$(PYTHON)'

deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEB_PACKAGES)
	$(MAKE) venv

# JAX has no Debian package: a virtual environment of Debian's python3 gets
# exactly the pinned wheels (every file checked against its hash; no source
# builds). Remade only when the requirements change.
.PHONY: venv
venv: $(VENV)/.installed
$(VENV)/.installed: tools/requirements.txt
	rm -rf $(VENV)
	/usr/bin/python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-input --disable-pip-version-check \
		--require-hashes --only-binary=:all: -r tools/requirements.txt
	$(VENV)/bin/python -c 'import jax, jax.numpy as jnp; jnp.ones(2).block_until_ready()'
	touch $@

# One rule per embedded file: build/gen/NAME.c from FILE, for each NAME:FILE.
define embed_rule
build/gen/$(1).c: $(2) tools/embed
	@mkdir -p $$(@D)
	tools/embed $(1) $$< > $$@
endef
$(foreach e,$(EMBED),$(eval $(call embed_rule,$(word 1,$(subst :, ,$(e))),$(word 2,$(subst :, ,$(e))))))

build/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) -c $< -o $@
build-asan/obj/gen/%.o: build/gen/%.c
	@mkdir -p $(@D)
	$(CC) -c $< -o $@

build/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) -Isrc -c $< -o $@

build-asan/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O1 $(SAN_FLAGS) -Isrc -c $< -o $@

build/liblitbook.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

build-asan/liblitbook.a: $(ASAN_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# The first process in every chunk's sandbox (src/runner.h): static, so
# that it starts without loading shared libraries. litbook looks for it
# beside itself, and is its own runner (slower) where it is missing.
RUNNER_SRC := src/runner_main.c src/runner.c src/worker.c src/nest.c src/fdpass.c src/sysfilter.c src/writerules.c
build/litbook-runner build-asan/litbook-runner: $(RUNNER_SRC) src/runner.h src/worker.h src/nest.h src/fdpass.h src/sysfilter.h src/writerules.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) -static -Isrc $(RUNNER_SRC) -lseccomp -o $@

$(LITBOOK): src/main.c build/liblitbook.a
	$(CC) $(BASE_CFLAGS) $(OPT) -Isrc $< build/liblitbook.a $(PKG_LIBS) -lpthread -o $@

build-asan/litbook: src/main.c build-asan/liblitbook.a
	$(CC) $(BASE_CFLAGS) -O1 $(SAN_FLAGS) -Isrc $< build-asan/liblitbook.a $(PKG_LIBS) -lpthread -o $@

build/tests/%: tests/unit/%.c build/liblitbook.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) -Isrc -Iinclude $< build/liblitbook.a $(PKG_LIBS) -lcmocka -lpthread -lm -o $@

build-asan/tests/%: tests/unit/%.c build-asan/liblitbook.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O1 $(SAN_FLAGS) -Isrc -Iinclude $< build-asan/liblitbook.a $(PKG_LIBS) -lcmocka -lpthread -lm -o $@

unit: $(UNITS)
e2e: $(LITBOOK) build/litbook-runner $(CMARK_REF)

# The differential test's reference (tests/markdown/): libcmark-gfm alone,
# as Debian's cmark-gfm command drives it, with footnotes, which that
# command cannot turn on.
$(CMARK_REF): tests/markdown/cmark_ref.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) $< $(shell pkg-config --libs libcmark-gfm) -o $@

bench: $(LITBOOK) build/litbook-runner
	bench/run

# Fuzzing (tests/fuzz): libFuzzer targets built with clang, each run for
# FUZZ_SECONDS over a scratch corpus seeded from tests/fuzz/corpus/TARGET;
# crashers land in build-fuzz/ (copy them into the corpus once fixed). The
# replay builds (no libFuzzer) run the stored corpus in make check.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_REPLAYS := $(FUZZ_TARGETS:%=build/fuzz/replay_%) $(FUZZ_TARGETS:%=build-asan/fuzz/replay_%)

build/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h build/liblitbook.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(OPT) -Isrc -Itests/fuzz $< tests/fuzz/replay.c build/liblitbook.a $(PKG_LIBS) -lpthread -o $@

build-asan/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h build-asan/liblitbook.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) -O1 $(SAN_FLAGS) -Isrc -Itests/fuzz $< tests/fuzz/replay.c build-asan/liblitbook.a $(PKG_LIBS) -lpthread -o $@

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_SRC) $(HDRS) $(GEN_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE_CFLAGS) -Wno-error -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc -Itests/fuzz $< $(LIB_SRC) $(GEN_SRC) $(PKG_LIBS) -lpthread -o $@

fuzz-replay: $(FUZZ_REPLAYS)

# Everything ends in one summary line from tools/run-tests. (After the
# fuzz variables: make expands a rule's prerequisites where it reads it.)
check: $(LITBOOK) build/litbook-runner build-asan/litbook build-asan/litbook-runner $(CMARK_REF) $(UNITS) $(ASAN_UNITS) $(FUZZ_REPLAYS)
	tools/run-tests

fuzz: $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus/$$t; \
		echo "fuzz $$t for $(FUZZ_SECONDS) s"; \
		build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-max_len=65536 -print_final_stats=1 -artifact_prefix=build-fuzz/$$t- \
			build-fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done
	$(MAKE) --no-print-directory fuzz-markdown

# The differential Markdown fuzzer (tests/markdown/fuzz.py): random
# documents from a grammar (gen.py), litbook (both builds) against
# libcmark-gfm for FUZZ_SECONDS; FUZZ_SEED=N replays a run. Differences
# and crashes land in tests/markdown/found/, minimised.
fuzz-markdown: $(LITBOOK) build-asan/litbook $(CMARK_REF)
	$(PYTHON) tests/markdown/fuzz.py --seconds $(FUZZ_SECONDS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) \
		$(LITBOOK) build-asan/litbook

# Do the tests catch bugs? tests/mutants/plant.sh plants each bug of issue
# 20 in a scratch copy and fails unless every one is caught;
# tests/mutants/mutate.sh runs universalmutator on the core modules (a
# sampled, time-bounded run: MUTANTS, SEED, MUTATE_SECONDS) and prints the
# score per module and the survivors (docs/testing.md). Neither is part of
# make check: each takes many minutes. universalmutator comes pinned by
# hash from tools/requirements-dev.txt, into the project's .venv (or
# DEV_VENV=DIR).
DEV_VENV ?= $(VENV)
plant:
	tests/mutants/plant.sh

mutate-deps:
	test -x $(DEV_VENV)/bin/python || /usr/bin/python3 -m venv $(DEV_VENV)
	$(DEV_VENV)/bin/pip install --quiet --no-input --disable-pip-version-check \
		--require-hashes --only-binary=:all: --no-deps -r tools/requirements-dev.txt

mutate:
	UM_BIN=$(DEV_VENV)/bin tests/mutants/mutate.sh
	tests/mutants/plant.sh

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c include/litbook.h

lint:
	tools/lint

clean:
	rm -rf build build-asan build-fuzz out  # .venv stays: make deps made it
