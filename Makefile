# mmtool - inspect and patch files in place through memory mappings.
# GNU make.  Override CC and CFLAGS freely; the flags the code needs live in
# MMTOOL_CPPFLAGS and MMTOOL_CFLAGS and are always added.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
# Where bash-completion, zsh and fish look for completion scripts.
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CFLAGS ?= -O2 -g
LDFLAGS ?=
MMTOOL_CPPFLAGS = -Iinclude -D_POSIX_C_SOURCE=200809L -D_FILE_OFFSET_BITS=64
MMTOOL_CFLAGS = -std=c99 -Wall -Wextra -Wpedantic

# Tests link cmocka, so they may need another compiler than the program
# (make check CC="musl-gcc -static" TEST_CC=gcc).
TEST_CC ?= $(CC)
TEST_CFLAGS ?= $(CFLAGS)
TEST_LIBS = -lcmocka

# Where build products go; ./mmtool is the program.  Another B keeps
# another build apart: make B=build-m32 BIN=build-m32/mmtool CC="gcc -m32".
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

# Each object directory records the compiler and flags that built it, so
# that `make CC="gcc -m32"` after `make` rebuilds instead of linking stale
# 64-bit objects.  The stamp is rewritten only when the text changes.
PROG_FLAGS = $(CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(CFLAGS) $(LDFLAGS)
TEST_FLAGS = $(TEST_CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(TEST_CFLAGS) $(LDFLAGS)
squote = '$(subst ','\'',$(1))'
write_stamp = @mkdir -p $(@D); printf '%s\n' $(call squote,$(1)) > $@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

all: $(BIN)

$(BIN): $(OBJS) $(B)/obj/flags
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS)

$(B)/obj/flags: FORCE
	$(call write_stamp,$(PROG_FLAGS))

$(B)/tobj/flags: FORCE
	$(call write_stamp,$(TEST_FLAGS))

$(B)/obj/%.o: src/%.c $(HDRS) $(B)/obj/flags
	@mkdir -p $(@D)
	$(CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tobj/%.o: src/%.c $(HDRS) $(B)/tobj/flags
	@mkdir -p $(@D)
	$(TEST_CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(B)/tobj/testutil.o: tests/testutil.c tests/testutil.h $(HDRS) $(B)/tobj/flags
	@mkdir -p $(@D)
	$(TEST_CC) $(MMTOOL_CPPFLAGS) -Itests $(MMTOOL_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/%.c tests/testutil.h $(TEST_LIB_OBJS) $(TEST_UTIL_OBJS) $(HDRS)
	@mkdir -p $(@D)
	$(TEST_CC) $(MMTOOL_CPPFLAGS) -Itests $(MMTOOL_CFLAGS) $(TEST_CFLAGS) \
		-o $@ $< $(TEST_LIB_OBJS) $(TEST_UTIL_OBJS) $(LDFLAGS) $(TEST_LIBS)

tests: $(TESTS)

# Every test binary runs even when an earlier one fails; the exit status
# says whether all passed.
check: $(BIN) $(TESTS) $(if $(MMTOOL_EMULATOR),$(B)/run)
	@MMTOOL=$(abspath $(if $(MMTOOL_EMULATOR),$(B)/run,$(BIN))) \
		MMTOOL_EMULATOR=$(MMTOOL_EMULATOR) \
		MMTOOL_TARGET_ENDIAN=$(MMTOOL_TARGET_ENDIAN) \
		MMTOOL_TESTS=$(abspath tests) sh tests/run-tests.sh $(TESTS)

# With MMTOOL_EMULATOR (a user-mode emulator such as qemu-s390x-static),
# the tests run the program through this wrapper.
$(B)/run: $(BIN)
	printf '#!/bin/sh\nexec %s %s "$$@"\n' '$(MMTOOL_EMULATOR)' \
		'$(abspath $(BIN))' > $@
	chmod +x $@

# --- Sanitizers -----------------------------------------------------------
# The program and every test built with ASan and UBSan in build-asan, then
# the whole suite.  Any report fails the run: -fno-sanitize-recover makes
# UBSan fatal, exitcode 86 keeps a report from passing for an exit status
# the tests expect (mmtool uses 0, 1 and 2), and each report is also written
# to $(ASAN_B)/reports/ so that check-asan fails even when a test only
# looked at the status.  ASan reserves terabytes of address space for its
# shadow, so a test that lowers RLIMIT_AS cannot run an ASan binary:
# MMTOOL_SANITIZED=1 in the environment lets such a test skip itself.
# handle_sigbus=0 leaves SIGBUS (a file shrinking under a mapping) to
# mmtool's own handler, as in the normal build.
SAN_CC ?= clang
SAN_CFLAGS ?= -O1 -g -fno-omit-frame-pointer
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_B = build-asan
SAN_ENV = MMTOOL_SANITIZED=1 \
	ASAN_OPTIONS=exitcode=86:handle_sigbus=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$(abspath $(ASAN_B))/reports/asan \
	UBSAN_OPTIONS=exitcode=86:halt_on_error=1:print_stacktrace=1:log_path=$(abspath $(ASAN_B))/reports/ubsan

check-asan:
	rm -rf $(ASAN_B)/reports
	mkdir -p $(ASAN_B)/reports
	$(SAN_ENV) $(MAKE) check B=$(ASAN_B) BIN=$(ASAN_B)/mmtool \
		CC='$(SAN_CC)' TEST_CC='$(SAN_CC)' \
		CFLAGS='$(SAN_CFLAGS) $(SAN_FLAGS)' \
		TEST_CFLAGS='$(SAN_CFLAGS) $(SAN_FLAGS)' LDFLAGS=
	@if [ -n "$$(ls -A $(ASAN_B)/reports)" ]; then \
		cat $(ASAN_B)/reports/*; \
		echo "check-asan: sanitizer reports above"; exit 1; \
	fi; echo "check-asan: no sanitizer reports"

# --- Fuzzing --------------------------------------------------------------
# libFuzzer harnesses in tests/fuzz, built in build-fuzz and each run for
# FUZZ_SECONDS by tests/fuzz/run.sh.  The code under test is compiled with
# coverage (fuzzer-no-link); each harness links it with libFuzzer's main.
FUZZ_CC ?= clang
FUZZ_CFLAGS ?= -O1 -g -fno-omit-frame-pointer
FUZZ_SAN = address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
FUZZ_B = build-fuzz
FUZZ_LIB_OBJS = $(LIB_SRCS:src/%.c=$(FUZZ_B)/obj/%.o)
FUZZ_ARGV = peek poke resize hexdump patch find diff
FUZZ_TARGETS = numparse hexdata vtype record \
	$(if $(wildcard include/dumpline.h),dumpline) \
	$(FUZZ_ARGV:%=argv_%)
FUZZ_BINS = $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
FUZZ_COMPILE = $(FUZZ_CC) $(MMTOOL_CPPFLAGS) $(MMTOOL_CFLAGS) $(FUZZ_CFLAGS)

$(FUZZ_B)/obj/flags: FORCE
	$(call write_stamp,$(FUZZ_COMPILE) $(FUZZ_SAN))

$(FUZZ_B)/obj/%.o: src/%.c $(HDRS) $(FUZZ_B)/obj/flags
	@mkdir -p $(@D)
	$(FUZZ_COMPILE) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c -o $@ $<

$(FUZZ_B)/fuzz_argv_%: tests/fuzz/fuzz_argv.c tests/fuzz/fuzzutil.h $(FUZZ_LIB_OBJS) $(HDRS)
	$(FUZZ_COMPILE) -fsanitize=fuzzer,$(FUZZ_SAN) \
		-DFUZZ_COMMAND=cmd_$* -DFUZZ_NAME='"$*"' -o $@ $< $(FUZZ_LIB_OBJS)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzzutil.h $(FUZZ_LIB_OBJS) $(HDRS)
	$(FUZZ_COMPILE) -fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_LIB_OBJS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# --- Portability ----------------------------------------------------------
# A 32-bit build (gcc-multilib), warnings as errors, checked at 5 GiB in a
# 6 GiB sparse file.  The tests themselves are 64-bit programs.
M32_B = build-m32
check-m32:
	$(MAKE) B=$(M32_B) BIN=$(M32_B)/mmtool CC='gcc -m32' \
		CFLAGS='-O2 -g -Werror'
	sh tests/portability.sh $(abspath $(M32_B)/mmtool)

# A static musl build (musl-tools) run through the whole suite; the tests
# link cmocka, so they are built with gcc against glibc.  Built without
# the SSE2 kernels of dumpline.c (MMTOOL_NO_SIMD), so that their word
# versions, which s390x and i386 use, run natively too.
MUSL_B = build-musl
check-musl:
	$(MAKE) check B=$(MUSL_B) BIN=$(MUSL_B)/mmtool CC='musl-gcc -static' \
		TEST_CC=gcc CFLAGS='-O2 -g -Werror -DMMTOOL_NO_SIMD' \
		TEST_CFLAGS='-O2 -g -DMMTOOL_NO_SIMD'

# --- Big-endian -----------------------------------------------------------
# A static s390x build (clang --target with Debian's libc6-dev-s390x-cross,
# libgcc-12-dev-s390x-cross and binutils-s390x-linux-gnu: gcc's s390x cross
# compiler conflicts with gcc-multilib) run through the whole suite under
# qemu-s390x-static (qemu-user-static).  The tests are host programs; the
# environment tells them that mmtool is emulated (qemu-user raises no
# SIGBUS past the end of a mapping and strace would see qemu's own system
# calls: such tests skip, saying so) and that its host order is big-endian.
S390X_B = build-s390x
S390X_CC = clang --target=s390x-linux-gnu -static
check-s390x:
	$(MAKE) check B=$(S390X_B) BIN=$(S390X_B)/mmtool CC='$(S390X_CC)' \
		TEST_CC=gcc CFLAGS='-O2 -g -Werror' TEST_CFLAGS='-O2 -g' \
		MMTOOL_EMULATOR=qemu-s390x-static MMTOOL_TARGET_ENDIAN=big

bench: $(BIN)
	sh tests/bench.sh $(abspath $(BIN))

# The completion scripts are written by the program itself, from its
# command and option tables (mmtool completion SHELL).
install: $(BIN)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(FISHCOMPDIR)
	cp -f $(BIN) $(DESTDIR)$(BINDIR)/mmtool
	chmod 755 $(DESTDIR)$(BINDIR)/mmtool
	cp -f man/mmtool.1 $(DESTDIR)$(MANDIR)/man1/mmtool.1
	chmod 644 $(DESTDIR)$(MANDIR)/man1/mmtool.1
	$(abspath $(BIN)) completion bash > $(DESTDIR)$(BASHCOMPDIR)/mmtool
	$(abspath $(BIN)) completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_mmtool
	$(abspath $(BIN)) completion fish > $(DESTDIR)$(FISHCOMPDIR)/mmtool.fish
	chmod 644 $(DESTDIR)$(BASHCOMPDIR)/mmtool \
		$(DESTDIR)$(ZSHCOMPDIR)/_mmtool \
		$(DESTDIR)$(FISHCOMPDIR)/mmtool.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mmtool $(DESTDIR)$(MANDIR)/man1/mmtool.1 \
		$(DESTDIR)$(BASHCOMPDIR)/mmtool $(DESTDIR)$(ZSHCOMPDIR)/_mmtool \
		$(DESTDIR)$(FISHCOMPDIR)/mmtool.fish

clean:
	rm -rf build build-* mmtool

FORCE:

# Objects reached only through pattern rules would otherwise be deleted as
# intermediates after every build.
.SECONDARY: $(TEST_LIB_OBJS) $(TEST_UTIL_OBJS) $(FUZZ_LIB_OBJS)

.PHONY: all tests check check-asan fuzz fuzz-build check-m32 check-musl check-s390x \
	bench install uninstall clean FORCE
