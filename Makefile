# mmtool - inspect and patch files in place through memory mappings.
# GNU make.  Override CC and CFLAGS freely; the flags the code needs live in
# MMTOOL_CPPFLAGS and MMTOOL_CFLAGS and are always added.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

CFLAGS ?= -O2 -g
LDFLAGS ?=
MMTOOL_CPPFLAGS = -Iinclude -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64
MMTOOL_CFLAGS = -std=c99 -Wall -Wextra -Wpedantic

# Tests link cmocka, so they may need another compiler than the program
# (make check CC="musl-gcc -static" TEST_CC=gcc).
TEST_CC ?= $(CC)
TEST_CFLAGS ?= $(CFLAGS)
TEST_LIBS = -lcmocka

# Where build products go; ./mmtool is the program.
B ?= build
BIN ?= mmtool

HDRS = $(wildcard include/*.h)
SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:src/%.c=$(B)/obj/%.o)
LIB_SRCS = $(filter-out src/main.c,$(SRCS))
TEST_LIB_OBJS = $(LIB_SRCS:src/%.c=$(B)/tobj/%.o)
TEST_SRCS = $(wildcard tests/test_*.c)
TESTS = $(TEST_SRCS:tests/%.c=$(B)/tests/%)
TEST_UTIL_OBJS = $(B)/tobj/testutil.o

all: $(BIN)

$(BIN): $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS)

$(B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tobj/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(B)/tobj/testutil.o: tests/testutil.c tests/testutil.h $(HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(MMTOOL_CPPFLAGS) -Itests $(MMTOOL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/%.c tests/testutil.h $(TEST_LIB_OBJS) $(TEST_UTIL_OBJS) $(HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(MMTOOL_CPPFLAGS) -Itests $(MMTOOL_CFLAGS) $(TEST_CFLAGS) \
		-o $@ $< $(TEST_LIB_OBJS) $(TEST_UTIL_OBJS) $(LDFLAGS) $(TEST_LIBS)

tests: $(TESTS)

# Every test binary runs even when an earlier one fails; the exit status
# says whether all passed.
check: $(BIN) $(TESTS)
	@MMTOOL=$(abspath $(BIN)) MMTOOL_TESTS=$(abspath tests) sh tests/run-tests.sh $(TESTS)

bench: $(BIN)
	sh tests/bench.sh $(abspath $(BIN))

install: $(BIN)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	cp -f $(BIN) $(DESTDIR)$(BINDIR)/mmtool
	chmod 755 $(DESTDIR)$(BINDIR)/mmtool
	cp -f man/mmtool.1 $(DESTDIR)$(MANDIR)/man1/mmtool.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/mmtool.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mmtool $(DESTDIR)$(MANDIR)/man1/mmtool.1

clean:
	rm -rf build build-* mmtool

.PHONY: all tests check bench install uninstall clean
