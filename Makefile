# chainsim - plain Makefile.  Targets:
#   all       build build/chainsim (installs missing Debian packages first)
#   check     unit tests (Check), validation against queueing theory, CLI tests
#   demo      build and compare the variants of the BI example
#   sanitize  the test suite under ASan+UBSan (build-san/)
#   tsan      threaded replications under ThreadSanitizer (build-tsan/)
#   bench     tools/bench on the reference tandem model
#   install   PREFIX=/usr/local DESTDIR=
#   clean

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
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

CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -DCS_VERSION='"$(VERSION)"'
CFLAGS   ?= $(OPT) -g
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SAN) -pthread -MMD -MP
LDLIBS_ALL = $(PKG_LIBS) -lm -pthread

# Modules: src/X.c + include/chainsim/X.h + tests/test_X.c.
MODULES := error kernel dist stats doc model scenario engine runner report
LIBOBJ  := $(MODULES:%=$(BUILD)/%.o)

# What each test binary links (so a module is testable on its own).
DEPS_kernel     := kernel
DEPS_dist       := dist error
DEPS_stats      := stats
DEPS_error      := error
DEPS_doc        := doc error
DEPS_model      := model dist error
DEPS_scenario   := scenario doc model dist error
DEPS_engine     := engine kernel dist stats model error
DEPS_runner     := runner engine kernel dist stats model error scenario doc
DEPS_report     := report stats model dist error
DEPS_validation := runner engine kernel dist stats model error scenario doc
TESTS := $(sort $(patsubst tests/test_%.c,%,$(wildcard tests/test_*.c)))
TESTBINS := $(TESTS:%=$(BUILD)/tests/test_%)

.PHONY: all deps build check unit cli demo sanitize tsan bench fuzz install clean

all: deps
	@$(MAKE) --no-print-directory build

deps:
	@sh tools/install-deps

build: $(BUILD)/chainsim

$(BUILD)/%.o: src/%.c | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/chainsim: $(BUILD)/main.o $(LIBOBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/test_%.o: tests/test_%.c | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(DEPS_$$*)))
	$(CC) $(ALLCFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS_ALL)

$(BUILD)/tests/.dir:
	@mkdir -p $(BUILD)/tests && touch $@

check: deps
	@$(MAKE) --no-print-directory unit cli

unit: $(TESTBINS)
	@sh tests/run-unit.sh $(BUILD)/tests $(TESTS)

cli: $(BUILD)/chainsim $(BUILD)/tests/jsonq
	@sh tests/cli/run.sh $(BUILD)/chainsim $(BUILD)/tests/jsonq

$(BUILD)/tests/jsonq: tests/cli/jsonq.c | $(BUILD)/tests/.dir
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $< $(LDLIBS_ALL)

demo: deps
	@$(MAKE) --no-print-directory build
	$(BUILD)/chainsim compare scenarios/bi-chain.yaml

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build-san OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    unit cli

tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan OPT=-O1 \
	    SAN="-fsanitize=thread" build-tsan/chainsim build-tsan/tests/test_runner
	TSAN_OPTIONS=halt_on_error=1 build-tsan/tests/test_runner

bench: deps
	@sh tools/bench

$(BUILD)/bench: tools/bench.c $(LIBOBJ)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) $(PKG_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/chainsim $(DESTDIR)$(BINDIR)/chainsim

clean:
	rm -rf build build-san build-tsan build-fuzz

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
.SECONDARY:
