/*
 * testutil.h - helpers shared by the cmocka test programs: run the built
 * mmtool as a user would, make temporary files, read them back.
 *
 * Include after <stdarg.h>, <stddef.h>, <setjmp.h>, <cmocka.h>.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/stat.h>

struct run {
	int status;		/* exit status, or 128+signal if killed */
	int signaled;		/* 1 if killed by a signal */
	char *out;		/* stdout, NUL-terminated (may hold NULs) */
	size_t out_len;
	char *err;		/* stderr, NUL-terminated */
	size_t err_len;
};

/*
 * Run the mmtool under test (env MMTOOL, else ./mmtool) with the
 * NULL-terminated ARGV (argv[0] is not "mmtool": ARGV holds only the
 * arguments after it).  STDIN_DATA (LEN bytes) is fed on standard input;
 * NULL means standard input is /dev/null.  Asserts that the run happened.
 */
void run_mmtool(struct run *r, const void *stdin_data, size_t len,
		const char *const *argv);
/*
 * The same with standard input the regular file PATH, opened and left at
 * offset POS, as `{ dd bs=1 skip=POS count=0; mmtool ...; } < PATH` does.
 */
void run_stdin_at(struct run *r, const char *path, off_t pos,
		  const char *const *argv);
/* The same with the arguments listed: run_args(&r, "peek", f, "0", NULL). */
void run_args(struct run *r, ...);
void run_free(struct run *r);

/* The path of the mmtool under test. */
const char *mmtool_path(void);

/* A fresh temporary directory for this test program (removed at exit). */
const char *test_tmpdir(void);
/* A path NAME inside the temporary directory (static buffer rotation of 8). */
const char *tmp_path(const char *name);

/* Create PATH holding LEN bytes of DATA.  Returns PATH. */
const char *write_file(const char *path, const void *data, size_t len);
/* Read the whole file; *len set; a NUL follows the bytes (not counted);
 * caller frees.  Asserts on failure. */
unsigned char *read_file(const char *path, size_t *len);
/* Fill BUF with deterministic pseudo-random bytes from SEED. */
void fill_random(void *buf, size_t len, uint32_t seed);

/* A snapshot of a file: bytes, size and mtime, to prove it unchanged. */
struct snapshot {
	unsigned char *data;
	size_t len;
	struct stat st;
};
void snapshot_take(struct snapshot *s, const char *path);
/* Assert the file at PATH still matches the snapshot (bytes, size, mtime). */
void snapshot_assert_same(const struct snapshot *s, const char *path);
void snapshot_free(struct snapshot *s);

/*
 * Assert a run that refused: status EXPECT_STATUS, nothing on stdout,
 * exactly one stderr line starting "mmtool: ".
 */
void assert_refused(const struct run *r, int expect_status);

/* Assert that stderr of R contains TEXT (printing both when not). */
void assert_err_contains(const struct run *r, const char *text);
/* Assert exit 0, nothing on stderr, and stdout exactly WANT. */
void assert_output(const struct run *r, const char *want);
/* Assert the file at PATH holds exactly the LEN bytes WANT, naming the
 * first byte that differs. */
void assert_file(const char *path, const void *want, size_t len);

/* The directory holding the tests' sources and golden files. */
const char *tests_dir(void);

/* 1 if PROG is found in PATH. */
int have_program(const char *prog);

/* The standard output of the shell command CMD (with ERR_TOO, its
 * standard error too), malloc'd and NUL-terminated; *STATUS (if not NULL)
 * its exit status.  Asserts that it ran. */
char *shell_output(const char *cmd, int err_too, int *status);

/*
 * 1 when mmtool runs under a user-mode emulator (make check-s390x sets
 * MMTOOL_EMULATOR): qemu-user raises no SIGBUS for a page past the end of
 * a mapping, and strace would trace qemu's system calls, not mmtool's.
 */
int mmtool_emulated(void);

/* 1 if the mmtool under test runs on a big-endian host (MMTOOL_TARGET_ENDIAN
 * "big"; "little", or unset: the test's own byte order decides). */
int mmtool_big_endian(void);

/* Skip the calling test, with a line saying why, when mmtool is emulated. */
#define SKIP_IF_EMULATED(why)                                           \
	do {                                                            \
		if (mmtool_emulated()) {                                \
			print_message("skipped under %s: %s\n",        \
				      getenv("MMTOOL_EMULATOR"), why);  \
			skip();                                         \
		}                                                       \
	} while (0)

#endif
