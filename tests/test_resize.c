/*
 * test_resize.c - end-to-end tests of `mmtool resize` against SPEC.md:
 * every SIZE form, --shrink, -c, -a, -v, the kinds of file resize refuses,
 * and that every refusal leaves the file as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

static const char digits16[] = "0123456789abcdef";

static const char *make_digits(const char *name)
{
	return write_file(tmp_path(name), digits16, 16);
}

static off_t file_size(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* The file holds the sixteen digits followed by zeros up to SIZE, or
 * their first SIZE bytes. */
static void assert_digits_then_zeros(const char *path, size_t size)
{
	size_t n;
	unsigned char *got = read_file(path, &n);

	assert_int_equal(n, size);
	assert_memory_equal(got, digits16, size < 16 ? size : 16);
	for (size_t i = 16; i < size; i++)
		assert_int_equal(got[i], 0);
	free(got);
}

static void assert_resize_refused(const char *path, const char *const *argv,
				  const char *msg)
{
	struct snapshot s;
	struct run r;

	snapshot_take(&s, path);
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	if (msg != NULL)
		assert_err_contains(&r, msg);
	snapshot_assert_same(&s, path);
	snapshot_free(&s);
	run_free(&r);
}

/* resize FILE SIZE on a fresh 16-byte file; assert the new size. */
static void check_size(const char *opt, const char *size, size_t want)
{
	const char *f = make_digits("sizes");
	struct run r;

	if (opt != NULL)
		run_args(&r, "resize", opt, f, size, NULL);
	else
		run_args(&r, "resize", f, size, NULL);
	if (r.status != 0)
		print_error("resize %s %s: %s", opt ? opt : "", size, r.err);
	assert_output(&r, "");
	run_free(&r);
	assert_digits_then_zeros(f, want);
}

/* ---- SIZE forms ---------------------------------------------------- */

static void test_absolute_size(void **state)
{
	(void)state;
	check_size(NULL, "100", 100);
	check_size(NULL, "16", 16);
	check_size(NULL, "0x20", 32);
	check_size(NULL, "1K", 1024);
	check_size(NULL, "1KB", 1000);
	check_size(NULL, "2KiB", 2048);
	/* Issue 13.8: 'resize f 1k' as truncate -s 1k. */
	check_size(NULL, "1k", 1024);
	check_size(NULL, "+1k", 1040);
	check_size(NULL, "2kB", 2000);
	check_size("--shrink", "10", 10);
	check_size("--shrink", "0", 0);
}

static void test_grow_by(void **state)
{
	(void)state;
	check_size(NULL, "+10", 26);
	check_size(NULL, "+0", 16);
	check_size(NULL, "+1K", 1040);
}

static void test_shrink_by(void **state)
{
	(void)state;
	check_size("--shrink", "-6", 10);
	check_size("--shrink", "-0", 16);
	/* Past the start: the size stops at 0, as truncate's does. */
	check_size("--shrink", "-100", 0);
}

static void test_at_most(void **state)
{
	(void)state;
	check_size(NULL, "<100", 16);
	check_size(NULL, "<16", 16);
	check_size("--shrink", "<10", 10);
}

static void test_at_least(void **state)
{
	(void)state;
	check_size(NULL, ">100", 100);
	check_size(NULL, ">3", 16);
	check_size(NULL, ">0x10", 16);
}

static void test_round_down(void **state)
{
	(void)state;
	check_size(NULL, "/8", 16);
	check_size(NULL, "/16", 16);
	check_size("--shrink", "/5", 15);
	check_size("--shrink", "/100", 0);
}

static void test_round_up(void **state)
{
	(void)state;
	check_size(NULL, "%5", 20);
	check_size(NULL, "%16", 16);
	check_size(NULL, "%4K", 4096);
	check_size(NULL, "%1", 16);
}

static void test_same_size_touches_nothing(void **state)
{
	const char *f = make_digits("same");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_args(&r, "resize", f, "16", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "resize", f, ">8", NULL);
	assert_output(&r, "");
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

/* ---- --shrink ------------------------------------------------------ */

static void test_shrink_refused_without_flag(void **state)
{
	const char *f = make_digits("noshrink");
	const char *a1[] = { "resize", f, "10", NULL };
	const char *a2[] = { "resize", f, "-1", NULL };
	const char *a3[] = { "resize", f, "<4", NULL };
	const char *a4[] = { "resize", f, "/5", NULL };
	const char *a5[] = { "resize", "-v", f, "0", NULL };

	(void)state;
	/* The message names how many bytes would go. */
	assert_resize_refused(f, a1, "6");
	assert_resize_refused(f, a2, "1");
	assert_resize_refused(f, a3, "12");
	assert_resize_refused(f, a4, "1");
	assert_resize_refused(f, a5, "16");
}

static void test_shrink_message_names_byte_count(void **state)
{
	const char *f = make_digits("shrinkmsg");
	const char *argv[] = { "resize", f, "7", NULL };
	struct run r;

	(void)state;
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	assert_err_contains(&r, "9 bytes");
	assert_err_contains(&r, f);
	run_free(&r);
	assert_digits_then_zeros(f, 16);
}

static void test_shrink_keeps_the_rest(void **state)
{
	const char *f = make_digits("shrinkrest");
	struct run r;

	(void)state;
	run_args(&r, "resize", "--shrink", f, "5", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_digits_then_zeros(f, 5);
	/* Growing again brings zeros, not the old bytes. */
	run_args(&r, "resize", f, "16", NULL);
	assert_output(&r, "");
	run_free(&r);
	{
		size_t n;
		unsigned char *got = read_file(f, &n);

		assert_int_equal(n, 16);
		assert_memory_equal(got, "01234\0\0\0\0\0\0\0\0\0\0\0", 16);
		free(got);
	}
}

/* ---- bad SIZE ------------------------------------------------------ */

static void test_bad_sizes_refused(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+", "-", "<", "%", "/", "++5", "+-5", "--5",
		"1k2", "1kb", "0x1K", "0x", "=5", "5%", "/0", "%0", "8E",
		"9223372036854775808", "abc", "-0x", "1.5",
	};
	const char *f = make_digits("badsize");

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { "resize", "--shrink", f, bad[i], NULL };

		assert_resize_refused(f, argv, NULL);
	}
}

static void test_size_past_limit_refused(void **state)
{
	const char *f = make_digits("toobig");
	const char *a1[] = { "resize", f, "+9223372036854775807", NULL };
	const char *a2[] = { "resize", f, "%9223372036854775807", NULL };
	const char *a3[] = { "resize", f, "9223372036854775807", NULL };

	(void)state;
	/* 16 + (2^63-1) does not fit an off_t. */
	assert_resize_refused(f, a1, f);
	assert_resize_refused(f, a2, f);
	/* 2^63-1 fits the grammar; no filesystem takes it. */
	{
		struct run r;

		run_mmtool(&r, NULL, 0, a3);
		assert_refused(&r, 2);
		run_free(&r);
		assert_digits_then_zeros(f, 16);
	}
}

/* ---- holes, -a ----------------------------------------------------- */

static void test_grow_leaves_hole(void **state)
{
	const char *f = make_digits("hole");
	struct stat st;
	struct run r;

	(void)state;
	run_args(&r, "resize", f, "64M", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 64 << 20);
	/* The 64 MiB of zeros take (almost) no blocks. */
	assert_true(st.st_blocks * 512 < (1 << 20));
}

static void test_allocate_reserves_blocks(void **state)
{
	const char *f = make_digits("alloc");
	struct stat st;
	struct run r;

	(void)state;
	run_args(&r, "resize", "-a", f, "8M", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 8 << 20);
	assert_true((off_t)st.st_blocks * 512 >= (off_t)8 << 20);
	assert_digits_then_zeros(f, 8 << 20);
	run_args(&r, "resize", "--allocate", f, "+8M", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 16 << 20);
	assert_true((off_t)st.st_blocks * 512 >= (off_t)16 << 20);
}

static void test_allocate_shrink_still_refused(void **state)
{
	const char *f = make_digits("allocshrink");
	const char *argv[] = { "resize", "-a", f, "8", NULL };

	(void)state;
	assert_resize_refused(f, argv, "8");
}

/* ---- -v ------------------------------------------------------------ */

static void test_verbose_format(void **state)
{
	const char *f = make_digits("verbose");
	char want[512];
	struct run r;

	(void)state;
	run_args(&r, "resize", "-v", f, "+4", NULL);
	snprintf(want, sizeof(want), "%s: 16 -> 20\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "resize", "--verbose", "--shrink", f, "3", NULL);
	snprintf(want, sizeof(want), "%s: 20 -> 3\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "resize", "-v", f, "3", NULL);
	snprintf(want, sizeof(want), "%s: 3 -> 3\n", f);
	assert_output(&r, want);
	run_free(&r);
	/* Sizes past 4 GiB at full width. */
	run_args(&r, "resize", "-v", f, "5G", NULL);
	snprintf(want, sizeof(want), "%s: 3 -> 5368709120\n", f);
	assert_output(&r, want);
	run_free(&r);
	assert_int_equal(file_size(f), (off_t)5 << 30);
	unlink(f);
}

static void test_quiet_without_verbose(void **state)
{
	const char *f = make_digits("quiet");
	struct run r;

	(void)state;
	run_args(&r, "resize", f, "+4", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "resize", "-c", tmp_path("quiet-new"), "4", NULL);
	assert_output(&r, "");
	run_free(&r);
}

/* ---- -c, missing files, links -------------------------------------- */

static void test_missing_file_refused(void **state)
{
	const char *f = tmp_path("resize-missing");
	struct run r;

	(void)state;
	run_args(&r, "resize", f, "10", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No such file or directory");
	assert_err_contains(&r, f);
	run_free(&r);
	assert_int_equal(access(f, F_OK), -1);
}

static void test_create(void **state)
{
	const char *f = tmp_path("resize-created");
	char want[512];
	struct run r;

	(void)state;
	unlink(f);
	run_args(&r, "resize", "-c", f, "4K", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(file_size(f), 4096);
	/* -c on an existing file just resizes it. */
	run_args(&r, "resize", "--create", "-v", f, "+1", NULL);
	snprintf(want, sizeof(want), "%s: 4096 -> 4097\n", f);
	assert_output(&r, want);
	run_free(&r);
	unlink(f);
	/* An empty new file with SIZE 0. */
	run_args(&r, "resize", "-c", "-v", f, "0", NULL);
	snprintf(want, sizeof(want), "%s: 0 -> 0\n", f);
	assert_output(&r, want);
	run_free(&r);
	assert_int_equal(file_size(f), 0);
	unlink(f);
}

static void test_create_follows_dangling_symlink(void **state)
{
	char link[512], target[512];
	struct stat st;
	struct run r;

	(void)state;
	snprintf(link, sizeof(link), "%s", tmp_path("dangling"));
	snprintf(target, sizeof(target), "%s", tmp_path("dangling-target"));
	assert_int_equal(symlink(target, link), 0);
	/* Without -c: missing, and nothing is created. */
	run_args(&r, "resize", link, "10", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No such file or directory");
	run_free(&r);
	assert_int_equal(access(target, F_OK), -1);
	/* With -c: the target is created, as truncate -s does. */
	run_args(&r, "resize", "-c", link, "10", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 10);
}

static void test_create_in_missing_directory(void **state)
{
	const char *f = tmp_path("no-such-dir/new");
	struct run r;

	(void)state;
	run_args(&r, "resize", "-c", f, "10", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No such file or directory");
	assert_err_contains(&r, f);
	run_free(&r);
}

/* ---- kinds of file ------------------------------------------------- */

static void test_directory_refused(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "resize", test_tmpdir(), "10", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "Is a directory");
	run_free(&r);
	run_args(&r, "resize", "-c", test_tmpdir(), "10", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "Is a directory");
	run_free(&r);
}

static void test_fifo_refused_without_hanging(void **state)
{
	const char *fifo = tmp_path("resize-fifo");
	struct stat st;
	struct run r;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(20);	/* a hang kills the test program: a failure */
	run_args(&r, "resize", fifo, "10", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, fifo);
	run_free(&r);
	run_args(&r, "resize", "-c", fifo, "10", NULL);
	alarm(0);
	assert_refused(&r, 2);
	run_free(&r);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(fifo);
}

static void test_char_device_refused(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "resize", "/dev/null", "0", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "/dev/null");
	run_free(&r);
}

/* ---- big sizes ----------------------------------------------------- */

static void test_sparse_64gib(void **state)
{
	const char *f = make_digits("big64");
	char want[512];
	struct stat st;
	struct run r;

	(void)state;
	run_args(&r, "resize", f, "64G", NULL);
	if (r.status != 0 && strstr(r.err, "File too large") != NULL) {
		run_free(&r);
		skip();
	}
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, (off_t)64 << 30);
	run_args(&r, "resize", "-v", f, "%1T", NULL);
	if (r.status == 0) {
		snprintf(want, sizeof(want), "%s: 68719476736 -> "
			 "1099511627776\n", f);
		assert_output(&r, want);
	}
	run_free(&r);
	run_args(&r, "resize", "--shrink", f, "<64G", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(file_size(f), (off_t)64 << 30);
	run_args(&r, "resize", "--shrink", f, "-64G", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_int_equal(file_size(f), 0);
}

/* ---- operands, options --------------------------------------------- */

static void test_operands_and_options(void **state)
{
	const char *f = make_digits("operands");
	const char *a1[] = { "resize", f, NULL };
	const char *a2[] = { "resize", f, "10", "20", NULL };
	const char *a3[] = { "resize", "-x", f, "20", NULL };
	const char *a4[] = { "resize", "--grow", f, "20", NULL };
	const char *a5[] = { "resize", f, "20", "--shrink", NULL };
	struct run r;

	(void)state;
	assert_resize_refused(f, a1, NULL);
	assert_resize_refused(f, a2, NULL);
	assert_resize_refused(f, a3, "-x");
	assert_resize_refused(f, a4, "--grow");
	/* Options end at the first operand. */
	assert_resize_refused(f, a5, NULL);
	/* After FILE, "-4" is SIZE (shrink by four), not an option. */
	run_args(&r, "resize", "--shrink", "--", f, "-4", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_digits_then_zeros(f, 12);
}


/* A refused resize -c leaves no file where there was none: not the file,
 * and not the target of a dangling symbolic link. */
static void test_create_refused_leaves_nothing(void **state)
{
	const char *f = tmp_path("create-refused");
	const char *link = tmp_path("create-refused-link");
	const char *target = tmp_path("create-refused-target");
	char cmd[2048];
	struct stat st;

	(void)state;
	unlink(f);
	unlink(link);
	unlink(target);
	assert_int_equal(symlink(target, link), 0);
	/* The size is past ulimit -f: refused after the open created it. */
	snprintf(cmd, sizeof(cmd), "ulimit -f 8; '%s' resize -c '%s' 1M "
		 "2>/dev/null; test $? -eq 2", mmtool_path(), f);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(stat(f, &st), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(cmd, sizeof(cmd), "ulimit -f 8; '%s' resize -c '%s' 1M "
		 "2>/dev/null; test $? -eq 2", mmtool_path(), link);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(stat(target, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* Within the limit the same command creates the file. */
	snprintf(cmd, sizeof(cmd), "ulimit -f 8; '%s' resize -c '%s' 1K",
		 mmtool_path(), f);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 1024);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absolute_size),
		cmocka_unit_test(test_grow_by),
		cmocka_unit_test(test_shrink_by),
		cmocka_unit_test(test_at_most),
		cmocka_unit_test(test_at_least),
		cmocka_unit_test(test_round_down),
		cmocka_unit_test(test_round_up),
		cmocka_unit_test(test_same_size_touches_nothing),
		cmocka_unit_test(test_shrink_refused_without_flag),
		cmocka_unit_test(test_shrink_message_names_byte_count),
		cmocka_unit_test(test_shrink_keeps_the_rest),
		cmocka_unit_test(test_bad_sizes_refused),
		cmocka_unit_test(test_size_past_limit_refused),
		cmocka_unit_test(test_grow_leaves_hole),
		cmocka_unit_test(test_allocate_reserves_blocks),
		cmocka_unit_test(test_allocate_shrink_still_refused),
		cmocka_unit_test(test_verbose_format),
		cmocka_unit_test(test_quiet_without_verbose),
		cmocka_unit_test(test_missing_file_refused),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_follows_dangling_symlink),
		cmocka_unit_test(test_create_in_missing_directory),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_fifo_refused_without_hanging),
		cmocka_unit_test(test_char_device_refused),
		cmocka_unit_test(test_sparse_64gib),
		cmocka_unit_test(test_operands_and_options),
		cmocka_unit_test(test_create_refused_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
