# paramlab — one Makefile.
#   make run       install missing Debian packages, build, start the REPL
#   make test      install missing Debian packages, build, run every test
#   make asan      the same tests under -fsanitize=address,undefined
#   make fuzz      build the libFuzzer harnesses (clang) and run each for
#                  FUZZ_SECONDS (default 60); any finding fails
#   make bench     paramlab against the dgemm bound, scikit-learn and PyTorch
#                  on this machine: one table of ms per step (not part of test)
#   make install   copy the binary, the man page and lessons under $(DESTDIR)$(prefix)
# Set WERROR=1 to turn warnings into errors (CI does). Builds run in
# parallel on every core.
#
# src/ is in layers, each a folder and an archive; a layer sees only the
# headers of the layers below it and its tests link only those archives,
# so a call upward fails to compile or to link:
#   base    util                          (knows nothing of models)
#   engine  matrices, layers, losses, optimizers, data, session
#   view    plot (gnuplot), lesson parsing and rendering
#   cmd     the command language and its handlers
#   front   the REPL and main
# Tests live in tests/LAYER/test_*.c and link their layer and those below.

prefix   ?= /usr/local
bindir   ?= $(prefix)/bin
datadir  ?= $(prefix)/share/paramlab
mandir   ?= $(prefix)/share/man
DESTDIR  ?=
BUILD    ?= build
WERROR   ?= 0
VERSION  := 0.1.0

ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

CC       ?= cc
AR       ?= ar
PKG_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
            -Wundef -Wwrite-strings -Wvla -Wno-unused-parameter \
            -Wno-psabi
ifeq ($(WERROR),1)
WARN     += -Werror
endif
CFLAGS   ?= -O2 -g
BASE_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
             $(PKG_CFLAGS) -DPARAMLAB_VERSION='"$(VERSION)"' \
             -DPARAMLAB_DATADIR='"$(datadir)"' $(SAN) $(CFLAGS) -MMD -MP
LIBS     = $(PKG_LIBS) -lreadline -lm $(SAN)

# Quiet build lines (the file being made); V=1 shows whole commands.
ifeq ($(V),1)
Q :=
else
Q = @echo "  $(if $(filter %.a,$@),AR,$(if $(filter %.o,$@),CC,LD))  $@";
endif

# Each layer's include path: itself and what lies below it.
INC_base   := -Isrc/base
INC_engine := $(INC_base) -Isrc/engine
INC_view   := $(INC_base) -Isrc/view
INC_cmd    := $(INC_engine) -Isrc/view -Isrc/cmd
INC_front  := $(INC_cmd) -Isrc/front
# Each layer's archives, highest first (the link order).
AR_base    := $(BUILD)/libbase.a
AR_engine  := $(BUILD)/libengine.a $(AR_base)
AR_view    := $(BUILD)/libview.a $(AR_base)
AR_cmd     := $(BUILD)/libcmd.a $(BUILD)/libview.a $(BUILD)/libengine.a $(AR_base)
LAYERS     := base engine view cmd

layer_obj = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(wildcard src/$(1)/*.c))
FRONT_OBJ := $(call layer_obj,front)
ALL_OBJ   := $(foreach l,$(LAYERS) front,$(call layer_obj,$(l)))
TESTSRC   := $(foreach l,$(LAYERS),$(wildcard tests/$(l)/test_*.c))
TESTBIN   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TESTSRC))
TESTOBJ   := $(patsubst tests/%.c,$(BUILD)/obj/tests/%.o,$(TESTSRC))
# The fuzz harnesses (tests/fuzz/fuzz_NAME.c): in `make test` each is
# linked with tests/fuzz/replay.c as build/tests/fuzz/test_fuzz_NAME, which
# replays every input committed under tests/fuzz/corpus/fuzz_NAME/.
FUZZSRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZNAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZSRC))
TESTBIN   += $(patsubst %,$(BUILD)/tests/fuzz/test_%,$(FUZZNAMES))

.PHONY: all run test check asan valgrind fuzz fuzz-build bench deps install uninstall clean
# test objects are kept, so a second `make test` recompiles nothing
.SECONDARY: $(TESTOBJ)

all: $(BUILD)/paramlab

$(BUILD)/paramlab: $(FRONT_OBJ) $(AR_cmd)
	$(Q)$(CC) -o $@ $(FRONT_OBJ) $(AR_cmd) $(LIBS)

define layer_rules
$(BUILD)/obj/$(1)/%.o: src/$(1)/%.c
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(BASE_CFLAGS) $$(INC_$(1)) -c -o $$@ $$<
$(BUILD)/obj/tests/$(1)/%.o: tests/$(1)/%.c
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(BASE_CFLAGS) $$(INC_$(1)) -Itests -Itests/$(1) -c -o $$@ $$<
$(BUILD)/tests/$(1)/test_%: $(BUILD)/obj/tests/$(1)/test_%.o $$(AR_$(1))
	@mkdir -p $$(@D)
	$$(Q)$$(CC) -o $$@ $$< $$(AR_$(1)) $$(LIBS) -lcmocka
$(BUILD)/lib$(1).a: $(call layer_obj,$(1))
	@rm -f $$@
	$$(Q)$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS) front,$(eval $(call layer_rules,$(l))))

# The 8x8 digits (`data digits`) are compiled into the engine: a C table
# made from lessons/data/digits.csv, remade whenever the CSV changes.
DIGITS_C   := $(BUILD)/gen/digits_table.c
DIGITS_OBJ := $(BUILD)/obj/engine/digits_table.o
ALL_OBJ    += $(DIGITS_OBJ)
$(DIGITS_C): lessons/data/digits.csv src/engine/digits_table.awk
	@mkdir -p $(@D)
	@echo "  GEN  $@"
	@awk -f src/engine/digits_table.awk lessons/data/digits.csv > $@.tmp && mv $@.tmp $@
$(DIGITS_OBJ): $(DIGITS_C)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_engine) -c -o $@ $<
$(BUILD)/libengine.a: $(DIGITS_OBJ)

$(BUILD)/tests/fuzz/test_%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz.h tests/fuzz/session_fx.h $(AR_cmd)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_cmd) -Itests/fuzz -DFUZZ_CORPUS='"tests/fuzz/corpus/$*"' \
	    -o $@ tests/fuzz/$*.c tests/fuzz/replay.c $(AR_cmd) $(LIBS) -pthread

# libFuzzer builds: everything compiled by clang with coverage and
# sanitizers under build/fuzz, each harness linked with libFuzzer's main.
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
fuzz: deps
	@sh tests/fuzz/deps.sh
	@$(MAKE) --no-print-directory fuzz-build BUILD=build/fuzz CC=clang SAN='$(FUZZ_SAN)' CFLAGS='-O1 -g'
	@sh tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) $(FUZZNAMES)

fuzz-build: $(patsubst %,$(BUILD)/fuzzers/%,$(FUZZNAMES))

$(BUILD)/fuzzers/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/fuzz/session_fx.h $(AR_cmd)
	@mkdir -p $(@D)
	$(Q)$(CC) $(BASE_CFLAGS) $(INC_cmd) -Itests/fuzz -fsanitize=fuzzer -o $@ tests/fuzz/$*.c $(AR_cmd) $(LIBS) -pthread

# The allocation test counts every allocator call the engine makes.
$(BUILD)/tests/engine/test_alloc: LIBS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=posix_memalign

# The allocation-failure test fails the Nth allocation of a session.
$(BUILD)/tests/cmd/test_allocfail: LIBS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc,--wrap=posix_memalign,--wrap=strdup,--wrap=strndup

# Installs what is missing (apt-get, through sudo when not root) and says so.
deps:
	@sh tests/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/paramlab

test: deps
	@$(MAKE) --no-print-directory check

# The tests without the package check: unit suites, then end-to-end scripts
# and lesson checks through the real binary; one line per suite, a failing
# suite's whole output.
check: all $(TESTBIN)
	@sh tests/run.sh $(BUILD)

asan: deps
	@$(MAKE) --no-print-directory check BUILD=build/asan \
	    SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    CFLAGS='-O1 -g'

valgrind: all
	@sh tests/valgrind.sh $(BUILD)

# Installs the comparators it needs (Debian python3-torch, python3-sklearn),
# then one run of tests/bench/run.sh; a missing comparator is skipped.
bench: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/dgemm_bound
	@sh tests/bench/run.sh $(BUILD)

$(BUILD)/bench/dgemm_bound: tests/bench/dgemm_bound.c $(BUILD)/libengine.a
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(INC_engine) -o $@ $< $(AR_engine) $(LIBS)

install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(datadir)/lessons $(DESTDIR)$(mandir)/man1
	install -m 755 $(BUILD)/paramlab $(DESTDIR)$(bindir)/paramlab
	install -m 644 src/front/paramlab.1 $(DESTDIR)$(mandir)/man1/paramlab.1
	cp -R lessons/. $(DESTDIR)$(datadir)/lessons/

uninstall:
	rm -f $(DESTDIR)$(bindir)/paramlab $(DESTDIR)$(mandir)/man1/paramlab.1
	rm -rf $(DESTDIR)$(datadir)

clean:
	rm -rf build

-include $(ALL_OBJ:.o=.d) $(TESTOBJ:.o=.d)
