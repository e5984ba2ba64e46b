# paramlab — one Makefile.
#   make run       install missing Debian packages, build, start the REPL
#   make test      install missing Debian packages, build, run every test
#   make asan      the same tests under -fsanitize=address,undefined
#   make install   copy the binary and lessons under $(DESTDIR)$(prefix)
# Set WERROR=1 to turn warnings into errors (CI does).

prefix   ?= /usr/local
bindir   ?= $(prefix)/bin
datadir  ?= $(prefix)/share/paramlab
DESTDIR  ?=
BUILD    ?= build
WERROR   ?= 0
VERSION  := 0.1.0

CC       ?= cc
PKGS     := openblas cmocka
PKG_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
WARN     := -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
            -Wundef -Wwrite-strings -Wvla -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN     += -Werror
endif
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
             $(PKG_CFLAGS) -DPARAMLAB_VERSION='"$(VERSION)"' \
             -DPARAMLAB_DATADIR='"$(datadir)"' $(SAN) $(CFLAGS) -MMD -MP
LIBS     = $(PKG_LIBS) -lreadline -lm $(SAN)

SRC      := $(wildcard src/*.c)
OBJ      := $(SRC:src/%.c=$(BUILD)/obj/%.o)
LIBOBJ   := $(filter-out $(BUILD)/obj/main.o,$(OBJ))
TESTSRC  := $(wildcard tests/test_*.c)
TESTBIN  := $(TESTSRC:tests/%.c=$(BUILD)/%)

.PHONY: all run test check unit e2e asan valgrind deps install uninstall clean

all: $(BUILD)/paramlab

$(BUILD)/paramlab: $(OBJ)
	$(CC) -o $@ $^ $(LIBS)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/test_%.o: tests/test_%.c | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/test_%: $(BUILD)/obj/test_%.o $(LIBOBJ)
	$(CC) -o $@ $^ $(LIBS) -lcmocka

$(BUILD)/obj:
	mkdir -p $@

# Installs what is missing (apt-get, through sudo when not root) and says so.
deps:
	@sh tests/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/paramlab

test: deps
	@$(MAKE) --no-print-directory check

# The tests without the package check: unit suites, then end-to-end scripts
# and lesson checks through the real binary.
check: all $(TESTBIN)
	@sh tests/run.sh $(BUILD)

asan: deps
	@$(MAKE) --no-print-directory check BUILD=build/asan \
	    SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
	    CFLAGS='-O1 -g'

valgrind: all
	@sh tests/valgrind.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(datadir)/lessons
	install -m 755 $(BUILD)/paramlab $(DESTDIR)$(bindir)/paramlab
	cp -R lessons/. $(DESTDIR)$(datadir)/lessons/

uninstall:
	rm -f $(DESTDIR)$(bindir)/paramlab
	rm -rf $(DESTDIR)$(datadir)

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(TESTBIN:$(BUILD)/%=$(BUILD)/obj/%.d)
