# chainsim - plain Makefile.  Targets:
#   all       build build/chainsim (never installs packages: see deps)
#   check     unit tests (Check), the failing-allocator run, CLI, hardening
#             and golden-output tests, fuzz regressions; beside them, at
#             the lowest priority, sanitize, lint, includes, tsan, valgrind
#   unit cli  the tests alone (quick; unit runs two test binaries at a time)
#   validate  the engine against queueing theory and the intervals'
#             coverage on long horizons (unit runs them short)
#   schema    the JSON of every example against docs/schema (part of check)
#   browser   the HTML reports of the examples in headless Chromium;
#             report-shots: docs/img/ screenshots of the BI example's
#   golden    outputs of every example scenario, byte for byte (part of cli);
#             golden-update regenerates tests/golden/ (review the diff)
#   alloc     every allocation of load, build, run and report made to fail
#             in turn (part of unit)
#   lint      cppcheck over src/, shellcheck over the shell scripts
#   includes  the chainsim headers each file includes respect the layers
#             (tools/check-includes); function prefixes name their files
#             (tools/check-names)
#   demo      build and compare the variants of the BI example
#   sanitize  the unit tests and the CLI_SAN suites under ASan+UBSan (build-san/)
#   tsan      threaded replications under ThreadSanitizer (build-tsan/)
#   valgrind  memcheck on the demo, a trace, a sweep, a refused file and a
#             merge of shards
#   fuzz      libFuzzer targets, FUZZ_SECONDS each (build-fuzz/, clang);
#             fuzz-coverage: the sources' coverage by their corpora
#   bench     tools/bench on the reference tandem model
#   install   PREFIX=/usr/local DESTDIR=;  uninstall: the same, removed;
#             install-test: both into a temporary DESTDIR (part of check)
#   clean
#
# MPI=1 builds with mpicc into build-mpi/ (-DCS_MPI): mpirun -np N
# build-mpi/chainsim run|compare ... spreads the replications over the
# ranks (docs/scaling.md); mpi-check tests it (part of check when Open MPI
# is installed).

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MPI     ?=
ifeq ($(MPI),1)
BUILD   ?= build-mpi
CC      := mpicc
MPI_DEF := -DCS_MPI
endif
BUILD   ?= build
CC      ?= cc
PKGS    := gsl yaml-0.1 jansson
OPT     ?= -O2
SAN     ?=
VERSION := 1.0.0

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
        -Wmissing-prototypes -Wwrite-strings -Wcast-qual -Werror
# pkg-config is asked when a recipe runs, after tools/install-deps.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -DCS_VERSION='"$(VERSION)"' $(MPI_DEF)
CFLAGS   ?= $(OPT) -g
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN) -pthread -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -lcsv -lm -pthread

# Modules: src/X.c + include/chainsim/X.h + tests/test_X.c.  Every module
# but main goes into libchainsim.a, which every test binary links.
MODULES := $(sort $(filter-out main,$(patsubst src/%.c,%,$(wildcard src/*.c))))
LIBOBJ  := $(MODULES:%=$(BUILD)/%.o)
LIB     := $(BUILD)/libchainsim.a
.DEFAULT_GOAL := all
ifeq ($(MPI),1)
# Only main.c and mpi.c see CS_MPI: the MPI build takes the other modules'
# objects from the plain build (build/), compiled there with cc.
PLAINOBJ := $(filter-out build/mpi.o,$(MODULES:%=build/%.o))
LIBOBJ   := $(PLAINOBJ) $(BUILD)/mpi.o
$(PLAINOBJ): CC := cc
$(PLAINOBJ): MPI_DEF :=
build/%.o: src/%.c | build/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -c $< -o $@
build/tests/.dir:
	@mkdir -p build/tests && touch $@
endif
TESTS := $(sort $(patsubst tests/test_%.c,%,$(wildcard tests/test_*.c)))
TESTBINS := $(TESTS:%=$(BUILD)/tests/test_%)

# Fuzz targets tests/fuzz/fuzz_X.c: libFuzzer binaries (make fuzz) and
# replay drivers that run saved inputs through them (make check).
FUZZ_TARGETS := doc dist scenario engine tracker part
REPLAYBINS := $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)
FUZZ_SECONDS ?= 60

.PHONY: all deps build check check-build check-plain check-more unit cli demo sanitize tsan valgrind bench fuzz \
        fuzz-build fuzz-coverage replay install uninstall install-test clean validate \
        golden golden-update alloc lint includes browser report-shots schema \
        mpi-check

all: build

# Only demo and check install missing Debian packages (tools/install-deps).
deps:
	@sh tools/install-deps valgrind cppcheck shellcheck time chromium python3 python3-jsonschema man-db \
	    libopenmpi-dev openmpi-bin

build: $(BUILD)/chainsim

$(BUILD)/%.o: src/%.c | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/chainsim: $(BUILD)/main.o $(LIB)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/test_%.o: tests/test_%.c | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIB)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS_ALL)

$(BUILD)/tests/.dir:
	@mkdir -p $(BUILD)/tests && touch $@

# The whole suite (about five minutes on two cores): everything built
# first, two at a time; the tests (the validation at its quick size: unit
# runs test_engine and test_sequential on short horizons) and beside them
# the tests again under ASan+UBSan (short horizons, CLI_SAN); then lint,
# the include layers, the threaded runs under TSan, the demo under
# valgrind.
check: deps
	@$(MAKE) --no-print-directory -j2 check-build
	@$(MAKE) --no-print-directory -j2 check-plain check-more

# The plain tests in order (some measure time), and beside them at the
# lowest priority, taking the cores they leave, the sanitizer pass, lint,
# the include layers, TSan and valgrind.
check-plain:
	@$(MAKE) --no-print-directory unit cli schema browser install-test mpi-check
check-more:
	@nice -n 19 $(MAKE) --no-print-directory sanitize
	@nice -n 19 $(MAKE) --no-print-directory -j2 lint includes tsan valgrind

check-build: $(BUILD)/chainsim $(BUILD)/tests/jsonq $(TESTBINS) $(REPLAYBINS) \
             $(BUILD)/tests/alloc

unit: $(TESTBINS) replay alloc
	@sh tests/run-unit.sh $(BUILD)/tests $(TESTS)

# The MPI build under mpirun against one process (tests/cli/mpi.sh);
# skipped, saying so, without mpicc and mpirun.
mpi-check: $(BUILD)/chainsim
	@if command -v mpicc >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory MPI=1 BUILD=build-mpi -j2 build-mpi/chainsim && \
	    sh tests/cli/mpi.sh build-mpi/chainsim $(BUILD)/chainsim; \
	else \
	    echo "mpi-check: SKIPPED: no mpicc and mpirun (tools/install-deps libopenmpi-dev openmpi-bin)"; \
	fi

# The analytic cases of test_engine on horizons 20 times longer than unit's;
# the coverage, precision and selection cases of test_sequential, longer.
validate: $(BUILD)/tests/test_engine $(BUILD)/tests/test_sequential
	@CS_VALIDATE=1 $(BUILD)/tests/test_engine
	@CS_VALIDATE=1 $(BUILD)/tests/test_sequential

# Failing allocator: the library's objects and the harness call
# __wrap_malloc & co. (tests/alloc/alloc.c), which fail on demand.
ALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free,--wrap=strdup
alloc: $(BUILD)/tests/alloc
	@$(BUILD)/tests/alloc

$(BUILD)/tests/alloc: tests/alloc/alloc.c $(LIB) | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) \
	    $(ALLOC_WRAP) $(LDLIBS_ALL)

# The HTML reports of the examples in headless Chromium (skipped, and
# saying so, where it is not installed); report-shots: the screenshots of
# docs/report.md.
# The JSON output of every example against docs/schema (python3-jsonschema).
schema: $(BUILD)/chainsim
	@sh tests/cli/schema.sh $(BUILD)/chainsim

browser: $(BUILD)/chainsim
	@sh tests/browser/run.sh $(BUILD)/chainsim

report-shots: $(BUILD)/chainsim
	@sh tests/browser/run.sh $(BUILD)/chainsim docs/img

golden: $(BUILD)/chainsim
	@sh tests/golden/run.sh $(BUILD)/chainsim

golden-update: $(BUILD)/chainsim
	@sh tests/golden/run.sh --update $(BUILD)/chainsim

# Static analysis.  Never installs anything: check installs cppcheck and
# shellcheck first (deps).
SHELL_SCRIPTS = $(wildcard tests/*.sh tests/*/*.sh tools/*.sh) tools/bench \
                tools/install-deps tools/check-includes tools/check-names tools/output-diff
lint:
	@command -v cppcheck >/dev/null && command -v shellcheck >/dev/null || \
	    { echo "chainsim: make lint needs cppcheck and shellcheck" \
	           "(tools/install-deps cppcheck shellcheck)" >&2; exit 2; }
	cppcheck -q --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	    --inline-suppr -Iinclude -D_POSIX_C_SOURCE=200809L src
	shellcheck -s sh -x $(SHELL_SCRIPTS)
	shellcheck -s bash tools/chainsim.bash tests/completion.bash

includes:
	@sh tools/check-includes
	@sh tools/check-names

# Every input that once broke a fuzz target, and the seed corpus.
replay: $(REPLAYBINS)
	@sh tests/fuzz/replay.sh $(BUILD)/tests

# The command-line suites (tests/cli/NAME.sh); CLI_SAN those that run
# again under the sanitizers, with the golden outputs of the examples:
# input, output files, signals, tracker exports (the others' library
# paths are under the sanitizers in their unit tests).
CLI     := run hardening semantics memory sensitivity sequential calibration \
           scale org-design
CLI_SAN := run hardening calibration
CLI_RUN ?= $(CLI)
cli: $(BUILD)/chainsim $(BUILD)/tests/jsonq
	@sh tests/golden/run.sh $(BUILD)/chainsim
	@for s in $(CLI_RUN); do \
	    sh tests/cli/$$s.sh $(BUILD)/chainsim $(BUILD)/tests/jsonq || exit 1; \
	done

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIB) | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) $(LDLIBS_ALL)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -o $@ $(filter %.c %.a,$^) $(LDLIBS_ALL)

$(BUILD)/tests/jsonq: tests/cli/jsonq.c | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $< $(LDLIBS_ALL)

demo: deps
	@$(MAKE) --no-print-directory build
	$(BUILD)/chainsim compare scenarios/bi-chain.yaml

sanitize:
	@$(MAKE) --no-print-directory BUILD=build-san OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all -DCS_DEBUG" \
	    CS_QUICK=1 CLI_RUN="$(CLI_SAN)" -j2 unit cli

# libFuzzer needs clang; each target runs FUZZ_SECONDS on a corpus kept in
# build-fuzz/corpus/ (seeded from scenarios/ and tests/bad/).
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
fuzz-build:
	@command -v clang >/dev/null || { echo "chainsim: make fuzz needs clang (apt-get install clang)" >&2; exit 2; }
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
	    CFLAGS="-O1 -g" \
	    SAN="$(FUZZ_SAN)" $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Line and branch coverage of the sources reached by the fuzz corpora.
fuzz-coverage:
	@sh tests/fuzz/coverage.sh $(FUZZ_TARGETS)

# The runner's tests and threaded runs of the CLI (run, compare, an
# interrupted run) under ThreadSanitizer.
tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT=-O1 \
	    SAN="-fsanitize=thread" build-tsan/chainsim build-tsan/tests/test_runner build-tsan/tests/test_summary
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" CK_FORK=no \
	    sh tests/tsan.sh build-tsan

# memcheck: the demo (20 of its replications, two threads), a trace, a broken
# scenario, --vary, and two shards merged; any error or leak fails.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=all --errors-for-leak-kinds=all
valgrind:
	@$(MAKE) --no-print-directory build
	$(VALGRIND) $(BUILD)/chainsim compare scenarios/bi-chain.yaml -n 20 -j 2 >/dev/null
	$(VALGRIND) $(BUILD)/chainsim trace scenarios/kanban-wip.yaml --horizon 60d --warmup 0 >/dev/null
	$(VALGRIND) $(BUILD)/chainsim run scenarios/kanban-wip.yaml -n 2 -j 2 -q -f json \
	    --vary teams.development.capacity=1,2 >/dev/null
	$(VALGRIND) $(BUILD)/chainsim check tests/bad/yaml-billion-laughs.yaml \
	    >/dev/null 2>&1; test $$? -eq 2
	$(VALGRIND) $(BUILD)/chainsim compare scenarios/kanban-wip.yaml -n 3 -j 2 -q \
	    --shard 1/2 -o $(BUILD)/valgrind-1.part
	$(VALGRIND) $(BUILD)/chainsim compare scenarios/kanban-wip.yaml -n 3 -j 2 -q \
	    --shard 2/2 -o $(BUILD)/valgrind-2.part
	$(VALGRIND) $(BUILD)/chainsim merge $(BUILD)/valgrind-1.part $(BUILD)/valgrind-2.part \
	    -q -f json >/dev/null
	@echo "valgrind: no errors, no leaks"

bench:
	@sh tools/bench

$(BUILD)/bench: tools/bench.c $(LIB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/floor: tools/floor.c
	$(CC) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $< -lgsl -lgslcblas -lm
# A simulated chain's history as a tracker export (scenarios/data/).
$(BUILD)/tracker-export: tools/tracker_export.c $(LIB)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

# install: the binary, the man pages, the examples and the org-design
# recipes (scenarios/org-design/), the documentation and the bash
# completion; uninstall removes exactly those files, then the directories
# that only chainsim uses (share/chainsim, share/doc/chainsim) when they
# are empty.  Neither builds as root: install needs a build.
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/chainsim
DOCDIR  ?= $(PREFIX)/share/doc/chainsim
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
EXAMPLES := $(notdir $(wildcard scenarios/*.yaml))
RECIPES  := $(notdir $(wildcard scenarios/org-design/*.yaml))
SAMPLES  := $(notdir $(wildcard scenarios/data/*))
DOCS     := $(notdir $(wildcard docs/*.md))
DOCIMGS  := $(notdir $(wildcard docs/img/*.png))
install: build
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/scenarios $(DESTDIR)$(DATADIR)/scenarios/data \
	    $(DESTDIR)$(DATADIR)/scenarios/org-design \
	    $(DESTDIR)$(DOCDIR)/img $(DESTDIR)$(DOCDIR)/schema $(DESTDIR)$(COMPDIR)
	install -m 755 $(BUILD)/chainsim $(DESTDIR)$(BINDIR)/chainsim
	install -m 644 docs/man/chainsim.1 $(DESTDIR)$(MANDIR)/man1/chainsim.1
	install -m 644 docs/man/chainsim-scenario.5 $(DESTDIR)$(MANDIR)/man5/chainsim-scenario.5
	install -m 644 $(EXAMPLES:%=scenarios/%) $(DESTDIR)$(DATADIR)/scenarios/
	install -m 644 $(SAMPLES:%=scenarios/data/%) $(DESTDIR)$(DATADIR)/scenarios/data/
	install -m 644 $(RECIPES:%=scenarios/org-design/%) $(DESTDIR)$(DATADIR)/scenarios/org-design/
	install -m 644 README.md $(DOCS:%=docs/%) $(DESTDIR)$(DOCDIR)/
	install -m 644 $(DOCIMGS:%=docs/img/%) $(DESTDIR)$(DOCDIR)/img/
	install -m 644 docs/schema/results.schema.json $(DESTDIR)$(DOCDIR)/schema/
	install -m 644 tools/chainsim.bash $(DESTDIR)$(COMPDIR)/chainsim

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/chainsim $(DESTDIR)$(MANDIR)/man1/chainsim.1 \
	    $(DESTDIR)$(MANDIR)/man5/chainsim-scenario.5 $(DESTDIR)$(COMPDIR)/chainsim \
	    $(EXAMPLES:%=$(DESTDIR)$(DATADIR)/scenarios/%) \
	    $(SAMPLES:%=$(DESTDIR)$(DATADIR)/scenarios/data/%) \
	    $(RECIPES:%=$(DESTDIR)$(DATADIR)/scenarios/org-design/%) \
	    $(DESTDIR)$(DOCDIR)/README.md $(DOCS:%=$(DESTDIR)$(DOCDIR)/%) \
	    $(DOCIMGS:%=$(DESTDIR)$(DOCDIR)/img/%) \
	    $(DESTDIR)$(DOCDIR)/schema/results.schema.json
	-rmdir $(DESTDIR)$(DATADIR)/scenarios/data $(DESTDIR)$(DATADIR)/scenarios/org-design \
	    $(DESTDIR)$(DATADIR)/scenarios $(DESTDIR)$(DATADIR) \
	    $(DESTDIR)$(DOCDIR)/img $(DESTDIR)$(DOCDIR)/schema $(DESTDIR)$(DOCDIR) 2>/dev/null

install-test: $(BUILD)/chainsim
	@sh tests/install.sh
	@bash tests/completion.bash

clean:
	rm -rf build build-san build-tsan build-fuzz build-cov build-mpi

-include $(sort $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d $(if $(PLAINOBJ),build/*.d)))
.SECONDARY:
