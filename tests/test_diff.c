/*
 * test_diff.c - mmtool diff, end to end, and the guarded dumps it prints
 * applied by mmtool patch.
 *
 * Every diff output is checked line by line against the two files: the
 * headers as unified diffs write them, each hunk line beginning with '-',
 * '+' or a blank and holding exactly the bytes of FILE1, FILE2 or both at
 * its offset, every line that differs shown, no line shown as a change
 * that does not differ, and the sizes last where they differ.  The lines
 * are read back with the library's own dump-line parser.
 *
 * Then the round trip the spec promises: diff a b > d; cp a c;
 * patch --grow --shrink c d gives b; patch -R gives a again; a second run
 * changes nothing, not even the mtime; a target edited elsewhere is a
 * conflict (exit 1, named, nothing written); and a patch killed between
 * two stores (strace injecting SIGKILL into its second msync) is
 * completed by running it again, or undone with -R.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dumpline.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

/* What one diff run compared, to check its output against. */
struct expect {
	const unsigned char *a, *b;	/* the files' bytes */
	size_t na, nb;
	uint64_t off;		/* the range compared: [off, end) */
	uint64_t end;		/* UINT64_MAX: to the ends */
	unsigned cols;
	const char *name1, *name2;
};

static uint64_t min_u64(uint64_t x, uint64_t y)
{
	return x < y ? x : y;
}

/* Does the line at OFF differ (bytes, or how many each file has)? */
static int line_differs(const struct expect *e, uint64_t off, size_t *la,
			size_t *lb)
{
	uint64_t ea = min_u64(e->na, e->end), eb = min_u64(e->nb, e->end);
	uint64_t lend = off + e->cols;

	*la = off < ea ? (size_t)(min_u64(lend, ea) - off) : 0;
	*lb = off < eb ? (size_t)(min_u64(lend, eb) - off) : 0;
	return *la != *lb || memcmp(e->a + off, e->b + off, *la) != 0;
}

/* Split TEXT into lines (the newlines become NULs); returns how many. */
static size_t split_lines(char *text, size_t len, char ***lines)
{
	size_t n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v));

	assert_non_null(v);
	for (size_t i = 0; i < len;) {
		char *nl = memchr(text + i, '\n', len - i);

		if (nl == NULL)
			fail_msg("output does not end with a newline");
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		*nl = '\0';
		v[n++] = text + i;
		i = (size_t)(nl - text) + 1;
	}
	*lines = v;
	return n;
}

/*
 * Check OUT (LEN bytes of a diff's stdout) against E, as the file
 * comment says.  Returns the number of changed lines it shows.
 */
static size_t check_output(const struct expect *e, char *out, size_t len)
{
	uint64_t ea = min_u64(e->na, e->end), eb = min_u64(e->nb, e->end);
	uint64_t top = ea > eb ? ea : eb;
	size_t nlines, nidx = top > e->off ? (size_t)((top - e->off +
				e->cols - 1) / e->cols) : 0;
	unsigned char *seen = calloc(nidx + 1, 2), *bytes = malloc(len + 1);
	char **lines, want[4096];
	size_t changed = 0, i, any = 0;
	int sizes_seen = 0;
	uint64_t next_hunk_off = UINT64_MAX;

	assert_non_null(seen);
	assert_non_null(bytes);
	for (uint64_t o = e->off; o < top; o += e->cols) {
		size_t la, lb;

		any |= (size_t)line_differs(e, o, &la, &lb);
	}
	if (!any) {
		assert_int_equal(len, 0);
		free(seen);
		free(bytes);
		return 0;
	}
	nlines = split_lines(out, len, &lines);
	assert_true(nlines >= 4);
	snprintf(want, sizeof(want), "--- %s", e->name1);
	assert_string_equal(lines[0], want);
	snprintf(want, sizeof(want), "+++ %s", e->name2);
	assert_string_equal(lines[1], want);
	assert_true(strncmp(lines[2], "@@ ", 3) == 0);
	for (i = 2; i < nlines; i++) {
		char *s = lines[i];
		struct dumpline dl;
		const char *why = "";
		size_t la, lb, idx;

		if (strncmp(s, "@@ -0x", 6) == 0) {
			unsigned long long o1, o2;
			char tail;

			assert_int_equal(sscanf(s, "@@ -0x%llx +0x%llx @@%c",
						&o1, &o2, &tail), 2);
			assert_int_equal(o1, o2);
			assert_true(strlen(s) >= strlen("@@ -0x00000000 "
							"+0x00000000 @@"));
			next_hunk_off = o1;
			continue;
		}
		assert_true(s[0] == '-' || s[0] == '+' || s[0] == ' ');
		if (dumpline_parse(s + 1, strlen(s + 1), bytes, &dl, &why) < 0)
			fail_msg("line %zu '%s': %s", i + 1, s, why);
		if (dl.kind == DUMPLINE_END) {
			/* The sizes: the last two lines, '-' then '+'. */
			assert_true(i + 2 == nlines || i + 1 == nlines);
			assert_int_equal(dl.offset, s[0] == '-' ? e->na : e->nb);
			assert_true(strlen(s + 1) >= 8);
			assert_int_equal(s[0], i + 2 == nlines ? '-' : '+');
			sizes_seen++;
			continue;
		}
		assert_int_equal(dl.kind, DUMPLINE_DATA);
		assert_false(sizes_seen);
		if (next_hunk_off != UINT64_MAX) {
			assert_int_equal(dl.offset, next_hunk_off);
			next_hunk_off = UINT64_MAX;
		}
		assert_true(dl.offset >= e->off && dl.offset < top);
		assert_int_equal((dl.offset - e->off) % e->cols, 0);
		idx = (size_t)((dl.offset - e->off) / e->cols);
		if (s[0] == ' ') {
			assert_false(line_differs(e, dl.offset, &la, &lb));
			assert_int_equal(dl.len, la);
			assert_memory_equal(bytes, e->a + dl.offset, la);
			continue;
		}
		if (!line_differs(e, dl.offset, &la, &lb))
			fail_msg("line %zu '%s' shows a change where the files "
				 "agree", i + 1, s);
		if (s[0] == '-') {
			assert_int_equal(dl.len, la);
			assert_memory_equal(bytes, e->a + dl.offset, la);
			seen[2 * idx] = 1;
		} else {
			assert_int_equal(dl.len, lb);
			assert_memory_equal(bytes, e->b + dl.offset, lb);
			seen[2 * idx + 1] = 1;
		}
		changed++;
	}
	/* Every line that differs is shown, on each side that has it. */
	for (uint64_t o = e->off; o < top; o += e->cols) {
		size_t la, lb, idx = (size_t)((o - e->off) / e->cols);

		if (!line_differs(e, o, &la, &lb))
			continue;
		if ((la > 0 && !seen[2 * idx]) || (lb > 0 && !seen[2 * idx + 1]))
			fail_msg("the line at 0x%llx differs but is not shown",
				 (unsigned long long)o);
	}
	assert_int_equal(sizes_seen,
			 e->end == UINT64_MAX && e->na != e->nb ? 2 : 0);
	free(lines);
	free(seen);
	free(bytes);
	return changed;
}

/* Run "diff ARGS... F1 F2" (ARGS NULL-terminated). */
static void run_diff(struct run *r, const char *const *args, const char *f1,
		     const char *f2)
{
	const char *argv[32];
	size_t n = 0;

	argv[n++] = "diff";
	for (; args != NULL && *args != NULL; args++)
		argv[n++] = *args;
	argv[n++] = f1;
	argv[n++] = f2;
	argv[n] = NULL;
	run_mmtool(r, NULL, 0, argv);
}

/* Diff the two byte strings (written to files) with ARGS and check the
 * output and the exit status.  COLS is what ARGS make the line. */
static void check_files(const char *f1, const unsigned char *a, size_t na,
			const char *f2, const unsigned char *b, size_t nb,
			const char *const *args, unsigned cols)
{
	struct expect e = { a, b, na, nb, 0, UINT64_MAX, cols, f1, f2 };
	struct run r;
	size_t changed;
	int differ = na != nb || memcmp(a, b, na) != 0;

	run_diff(&r, args, f1, f2);
	if (r.err_len != 0)
		fail_msg("stderr: %s", r.err);
	assert_int_equal(r.status, differ ? 1 : 0);
	changed = check_output(&e, r.out, r.out_len);
	assert_true(!differ || changed > 0);
	run_free(&r);
}

static void diff_and_check(const unsigned char *a, size_t na,
			   const unsigned char *b, size_t nb,
			   const char *const *args, unsigned cols)
{
	const char *f1 = tmp_path("d1"), *f2 = tmp_path("d2");

	write_file(f1, a, na);
	write_file(f2, b, nb);
	check_files(f1, a, na, f2, b, nb, args, cols);
}

/* A copy of A (NA bytes) made NB bytes long (new bytes random), with
 * NCHANGES bytes changed at random places. */
static unsigned char *variant(const unsigned char *a, size_t na, size_t nb,
			      size_t nchanges, uint32_t seed)
{
	unsigned char *b = malloc(nb + 1);
	uint32_t x = seed * 2654435761u + 1;

	assert_non_null(b);
	fill_random(b, nb, seed ^ 0x5a5a5a5au);
	memcpy(b, a, na < nb ? na : nb);
	for (size_t i = 0; i < nchanges && nb > 0; i++) {
		x = x * 1103515245u + 12345u;
		b[(x >> 4) % nb] ^= (unsigned char)(1 + (x >> 24) % 255);
	}
	return b;
}

static const char *const LAYOUTS[][8] = {
	{ NULL },
	{ "-U", "2", NULL },
	{ "-f", "xxd", NULL },
	{ "-f", "xxd", "-c", "7", "-U", "1", NULL },
	{ "-f", "xxd", "-c", "32", NULL },
	{ "-f", "xxd", "-c", "1", "-U", "3", NULL },
};
static const unsigned LAYOUT_COLS[] = { 16, 16, 16, 7, 32, 1 };
#define NLAYOUTS (sizeof(LAYOUT_COLS) / sizeof(LAYOUT_COLS[0]))

/* ---- diff --------------------------------------------------------------- */

static void test_identical_prints_nothing(void **state)
{
	unsigned char *a = malloc(70000);
	const char *f1 = tmp_path("same1"), *f2 = tmp_path("same2");
	static const char *const quiet[] = { "-q", NULL };
	struct run r;

	(void)state;
	assert_non_null(a);
	fill_random(a, 70000, 1);
	write_file(f1, a, 70000);
	write_file(f2, a, 70000);
	for (size_t l = 0; l < NLAYOUTS; l++) {
		run_diff(&r, LAYOUTS[l], f1, f2);
		assert_output(&r, "");
		run_free(&r);
	}
	run_diff(&r, quiet, f1, f2);
	assert_output(&r, "");
	run_free(&r);
	/* A file against itself, and two empty files. */
	run_diff(&r, NULL, f1, f1);
	assert_output(&r, "");
	run_free(&r);
	write_file(f1, "", 0);
	write_file(f2, "", 0);
	run_diff(&r, NULL, f1, f2);
	assert_output(&r, "");
	run_free(&r);
	free(a);
}

static void test_exact_output(void **state)
{
	const char *f1 = tmp_path("x1"), *f2 = tmp_path("x2");
	static const char *const xxd8[] = { "-f", "xxd", "-c", "8", "-U", "1",
					    NULL };
	struct run r;
	char want[2048];

	(void)state;
	write_file(f1, "hello, world, this is a test of diff\n", 37);
	write_file(f2, "hello, World, this is a test of diff!!\n", 39);
	run_diff(&r, NULL, f1, f2);
	snprintf(want, sizeof(want),
		 "--- %s\n+++ %s\n"
		 "@@ -0x00000000 +0x00000000 @@\n"
		 "-00000000  68 65 6c 6c 6f 2c 20 77  6f 72 6c 64 2c 20 74 68  |hello, world, th|\n"
		 "+00000000  68 65 6c 6c 6f 2c 20 57  6f 72 6c 64 2c 20 74 68  |hello, World, th|\n"
		 "@@ -0x00000020 +0x00000020 @@\n"
		 "-00000020  64 69 66 66 0a                                    |diff.|\n"
		 "+00000020  64 69 66 66 21 21 0a                              |diff!!.|\n"
		 "-00000025\n+00000027\n", f1, f2);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, want);
	run_free(&r);
	run_diff(&r, xxd8, f1, f2);
	snprintf(want, sizeof(want),
		 "--- %s\n+++ %s\n"
		 "@@ -0x00000000 +0x00000000 @@\n"
		 "-00000000: 6865 6c6c 6f2c 2077  hello, w\n"
		 "+00000000: 6865 6c6c 6f2c 2057  hello, W\n"
		 " 00000008: 6f72 6c64 2c20 7468  orld, th\n"
		 "@@ -0x00000018 +0x00000018 @@\n"
		 " 00000018: 7465 7374 206f 6620  test of \n"
		 "-00000020: 6469 6666 0a         diff.\n"
		 "+00000020: 6469 6666 2121 0a    diff!!.\n"
		 "-00000025\n+00000027\n", f1, f2);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, want);
	run_free(&r);
}

/* Random data and a real binary, every layout, same size, longer and
 * shorter second files, few and many changes. */
static void test_random_pairs(void **state)
{
	static const size_t sizes[][2] = {
		{ 5000, 5000 }, { 5000, 5003 }, { 5000, 4990 }, { 1, 0 },
		{ 0, 17 }, { 4096, 4096 }, { 33, 32 },
	};
	static const size_t nchanges[] = { 0, 1, 5, 300 };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t na = sizes[s][0], nb = sizes[s][1];
		unsigned char *a = malloc(na + 1);

		assert_non_null(a);
		fill_random(a, na, (uint32_t)s + 7);
		for (size_t c = 0; c < sizeof(nchanges) / sizeof(nchanges[0]);
		     c++) {
			unsigned char *b = variant(a, na, nb, nchanges[c],
						   (uint32_t)(s * 10 + c));

			for (size_t l = 0; l < NLAYOUTS; l++)
				diff_and_check(a, na, b, nb, LAYOUTS[l],
					       LAYOUT_COLS[l]);
			free(b);
		}
		free(a);
	}
}

static void test_real_binary(void **state)
{
	size_t na;
	/* This test program: MMTOOL may be a wrapper script (check-s390x). */
	unsigned char *a = read_file("/proc/self/exe", &na), *b;

	(void)state;
	/* A "rebuilt" binary: a few bytes changed, a bit appended. */
	b = variant(a, na, na + 100, 20, 99);
	for (size_t l = 0; l < NLAYOUTS; l++)
		diff_and_check(a, na, b, na + 100, LAYOUTS[l], LAYOUT_COLS[l]);
	free(b);
	b = variant(a, na, na - 4000, 3, 98);
	diff_and_check(a, na, b, na - 4000, LAYOUTS[0], 16);
	free(b);
	free(a);
}

static void test_only_last_byte(void **state)
{
	unsigned char a[1000], b[1000];
	const char *f1 = tmp_path("l1"), *f2 = tmp_path("l2");
	struct run r;
	char want[1024];

	(void)state;
	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[999] = 'y';
	diff_and_check(a, 1000, b, 1000, NULL, 16);
	write_file(f1, a, 1000);
	write_file(f2, b, 1000);
	run_diff(&r, NULL, f1, f2);
	snprintf(want, sizeof(want),
		 "--- %s\n+++ %s\n@@ -0x000003e0 +0x000003e0 @@\n"
		 "-000003e0  78 78 78 78 78 78 78 78"
		 "                           |xxxxxxxx|\n"
		 "+000003e0  78 78 78 78 78 78 78 79"
		 "                           |xxxxxxxy|\n", f1, f2);
	assert_int_equal(r.status, 1);
	assert_string_equal(r.out, want);
	run_free(&r);
}

/* The same output whatever the window, with a difference on each side of
 * a window boundary and lines that straddle it (-c 7). */
static void test_window_boundaries(void **state)
{
	size_t n = 3 * 4096 + 100;
	unsigned char *a = malloc(n), *b;
	const char *f1 = tmp_path("w1"), *f2 = tmp_path("w2");
	static const uint64_t spots[] = { 4095, 4096, 8191, 8192, 12287 };

	(void)state;
	assert_non_null(a);
	fill_random(a, n, 5);
	b = malloc(n + 50);
	assert_non_null(b);
	memcpy(b, a, n);
	fill_random(b + n, 50, 6);
	for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++)
		b[spots[i]] ^= 0xff;
	write_file(f1, a, n);
	write_file(f2, b, n + 50);
	for (size_t l = 0; l < NLAYOUTS; l++) {
		struct run whole, small;

		unsetenv("MMTOOL_TEST_WINDOW");
		run_diff(&whole, LAYOUTS[l], f1, f2);
		setenv("MMTOOL_TEST_WINDOW", "4096", 1);
		run_diff(&small, LAYOUTS[l], f1, f2);
		unsetenv("MMTOOL_TEST_WINDOW");
		assert_int_equal(whole.status, 1);
		assert_int_equal(small.status, 1);
		assert_int_equal(small.out_len, whole.out_len);
		assert_memory_equal(small.out, whole.out, whole.out_len);
		run_free(&whole);
		run_free(&small);
		setenv("MMTOOL_TEST_WINDOW", "4096", 1);
		diff_and_check(a, n, b, n + 50, LAYOUTS[l], LAYOUT_COLS[l]);
		diff_and_check(b, n + 50, a, n, LAYOUTS[l], LAYOUT_COLS[l]);
		unsetenv("MMTOOL_TEST_WINDOW");
	}
	free(a);
	free(b);
}

/* Standard input for either file: read(2), the same lines. */
static void test_stdin(void **state)
{
	unsigned char a[3000], *b;
	const char *f1 = tmp_path("s1"), *f2 = tmp_path("s2");
	const char *argv1[] = { "diff", "-", f2, NULL };
	const char *argv2[] = { "diff", "-f", "xxd", "-c", "7", f1, "-", NULL };
	struct expect e = { a, NULL, 3000, 2900, 0, UINT64_MAX, 16, "-", f2 };
	struct run r;

	(void)state;
	fill_random(a, sizeof(a), 11);
	b = variant(a, 3000, 2900, 9, 12);
	e.b = b;
	write_file(f1, a, 3000);
	write_file(f2, b, 2900);
	setenv("MMTOOL_TEST_WINDOW", "1000", 1);
	run_mmtool(&r, a, 3000, argv1);
	assert_int_equal(r.status, 1);
	check_output(&e, r.out, r.out_len);
	run_free(&r);
	run_mmtool(&r, b, 2900, argv2);
	unsetenv("MMTOOL_TEST_WINDOW");
	e.b = b;
	e.a = a;
	e.name1 = f1;
	e.name2 = "-";
	e.cols = 7;
	assert_int_equal(r.status, 1);
	check_output(&e, r.out, r.out_len);
	run_free(&r);
	free(b);
}

static void test_skip_and_length(void **state)
{
	unsigned char a[500], *b;
	const char *f1 = tmp_path("r1"), *f2 = tmp_path("r2");
	const char *argv[] = { "diff", "-s", "100", "-n", "200", f1, f2, NULL };
	const char *neg[] = { "diff", "-s", "-50", "-U", "1", f1, f2, NULL };
	struct expect e = { a, NULL, 500, 520, 100, 300, 16, f1, f2 };
	struct run r;

	(void)state;
	fill_random(a, sizeof(a), 21);
	b = variant(a, 500, 520, 40, 22);
	e.b = b;
	write_file(f1, a, 500);
	write_file(f2, b, 520);
	run_mmtool(&r, NULL, 0, argv);
	assert_int_equal(r.status, 1);
	check_output(&e, r.out, r.out_len);
	run_free(&r);
	/* -s past FILE1's end: FILE2's bytes from there, no sizes. */
	{
		const char *past[] = { "diff", "-s", "510", f1, f2, NULL };
		const char *both[] = { "diff", "-s", "600", f1, f2, NULL };
		struct expect p = { a, b, 500, 520, 510, UINT64_MAX - 1, 16,
				    f1, f2 };

		run_mmtool(&r, NULL, 0, past);
		assert_int_equal(r.status, 1);
		check_output(&p, r.out, r.out_len);
		assert_null(strstr(r.out, "\n-00000"));
		run_free(&r);
		run_mmtool(&r, NULL, 0, both);
		assert_output(&r, "");
		run_free(&r);
	}
	/* -s -50: from 50 bytes before FILE1's end, to both ends. */
	run_mmtool(&r, NULL, 0, neg);
	e.off = 450;
	e.end = UINT64_MAX;
	assert_int_equal(r.status, 1);
	check_output(&e, r.out, r.out_len);
	run_free(&r);
	free(b);
}

static void test_quiet_never_prints(void **state)
{
	const char *f1 = tmp_path("q1"), *f2 = tmp_path("q2");
	const char *argv[] = { "diff", "-q", f1, f2, NULL };
	const char *argv_in[] = { "diff", "--quiet", "-", f2, NULL };
	struct run r;

	(void)state;
	write_file(f1, "abcdef", 6);
	write_file(f2, "abcdeg", 6);
	run_mmtool(&r, NULL, 0, argv);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.out_len, 0);
	assert_int_equal(r.err_len, 0);
	run_free(&r);
	write_file(f2, "abcdefg", 7);
	run_mmtool(&r, NULL, 0, argv);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.out_len + r.err_len, 0);
	run_free(&r);
	run_mmtool(&r, "abcdef", 6, argv_in);
	assert_int_equal(r.status, 1);
	assert_int_equal(r.out_len + r.err_len, 0);
	run_free(&r);
	run_mmtool(&r, "abcdefg", 7, argv_in);
	assert_output(&r, "");
	run_free(&r);
}

static void test_trouble(void **state)
{
	const char *f1 = tmp_path("t1");
	const char *cases[][8] = {
		{ "diff", f1, "/nonexistent/x", NULL },
		{ "diff", "/nonexistent/x", f1, NULL },
		{ "diff", f1, "/", NULL },
		{ "diff", "-q", f1, "/nonexistent/x", NULL },
		{ "diff", f1, NULL },
		{ "diff", f1, f1, f1, NULL },
		{ "diff", "-", "-", NULL },
		{ "diff", "-c", "8", f1, f1, NULL },
		{ "diff", "-f", "plain", f1, f1, NULL },
		{ "diff", "-f", "xxd", "-c", "257", f1, f1, NULL },
		{ "diff", "-U", "x", f1, f1, NULL },
		{ "diff", "-s", "-10", f1, f1, NULL },
		{ "diff", "--color=sometimes", f1, f1, NULL },
		{ "diff", "--bogus", f1, f1, NULL },
	};
	struct run r;

	(void)state;
	write_file(f1, "abc", 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_mmtool(&r, NULL, 0, cases[i]);
		assert_refused(&r, 2);
		run_free(&r);
	}
	run_args(&r, "diff", f1, "/nonexistent/x", NULL);
	assert_err_contains(&r, "No such file or directory");
	run_free(&r);
	run_args(&r, "diff", f1, "/", NULL);
	assert_err_contains(&r, "Is a directory");
	run_free(&r);
}

/* Strip SGR escapes in place; returns the new length. */
static size_t strip_sgr(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		s[o++] = s[i];
	}
	return o;
}

static void test_color(void **state)
{
	unsigned char a[2000], *b;
	const char *f1 = tmp_path("c1"), *f2 = tmp_path("c2");
	const char *plain[] = { "diff", "-U", "1", f1, f2, NULL };
	const char *color[] = { "diff", "--color=always", "-U", "1", f1, f2,
				NULL };
	const char *xplain[] = { "diff", "-f", "xxd", "-c", "5", f1, f2, NULL };
	const char *xcolor[] = { "diff", "--color", "-f", "xxd", "-c", "5",
				 f1, f2, NULL };
	const char *autoc[] = { "diff", "--color=auto", f1, f2, NULL };
	struct run p, c;
	size_t n;

	(void)state;
	fill_random(a, sizeof(a), 31);
	b = variant(a, 2000, 2010, 12, 32);
	write_file(f1, a, 2000);
	write_file(f2, b, 2010);
	for (int k = 0; k < 2; k++) {
		run_mmtool(&p, NULL, 0, k ? xplain : plain);
		run_mmtool(&c, NULL, 0, k ? xcolor : color);
		assert_int_equal(c.status, 1);
		assert_non_null(strstr(c.out, "\033[31m-"));
		assert_non_null(strstr(c.out, "\033[32m+"));
		assert_non_null(strstr(c.out, "\033[1;91m"));
		assert_non_null(strstr(c.out, "\033[1;92m"));
		n = strip_sgr(c.out, c.out_len);
		assert_int_equal(n, p.out_len);
		assert_memory_equal(c.out, p.out, n);
		run_free(&p);
		run_free(&c);
	}
	/* auto, off a terminal: no colour. */
	run_mmtool(&c, NULL, 0, autoc);
	assert_null(strchr(c.out, '\033'));
	run_free(&c);
	free(b);
}

/* The output of mmtool diff is what diff-aware viewers take: after the
 * two header lines, only '@@', '-', '+' and ' ' lines. */
static void test_viewer_shape(void **state)
{
	unsigned char a[4000], *b;
	const char *f1 = tmp_path("v1"), *f2 = tmp_path("v2");
	const char *argv[] = { "diff", "-U", "3", f1, f2, NULL };
	struct run r;
	char **lines;
	size_t n;

	(void)state;
	fill_random(a, sizeof(a), 41);
	b = variant(a, 4000, 3000, 30, 42);
	write_file(f1, a, 4000);
	write_file(f2, b, 3000);
	run_mmtool(&r, NULL, 0, argv);
	assert_int_equal(r.status, 1);
	n = split_lines(r.out, r.out_len, &lines);
	assert_true(strncmp(lines[0], "--- ", 4) == 0);
	assert_true(strncmp(lines[1], "+++ ", 4) == 0);
	for (size_t i = 2; i < n; i++)
		assert_true(strncmp(lines[i], "@@ ", 3) == 0 ||
			    lines[i][0] == '-' || lines[i][0] == '+' ||
			    lines[i][0] == ' ');
	free(lines);
	run_free(&r);
	free(b);
}

/* Sparse files: holes against holes, holes against data; the output is
 * what reading every byte would give. */
static void test_sparse(void **state)
{
	size_t n = 8u << 20;
	unsigned char *a = calloc(n + 100, 1), *b = calloc(n + 100, 1);
	const char *f1 = tmp_path("sp1"), *f2 = tmp_path("sp2");
	static const char *const u2[] = { "-U", "2", NULL };
	int fd;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	memcpy(a + 4096, "data in a", 9);
	memcpy(b + 4096, "data in b", 9);
	memcpy(b + (3u << 20), "only b", 6);
	memcpy(a + (5u << 20) + 10, "only a", 6);
	memcpy(a + n - 3, "end", 3);
	memcpy(b + n - 3, "end", 3);
	memcpy(b + n, "tail", 4);
	for (int k = 0; k < 2; k++) {
		const char *f = k ? f2 : f1;
		const unsigned char *d = k ? b : a;
		static const size_t spots[] = { 4096, 3u << 20, (5u << 20) + 10 };

		fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, (off_t)(n + (k ? 4 : 0))), 0);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(pwrite(fd, d + spots[i], 16,
						(off_t)spots[i]), 16);
		assert_int_equal(pwrite(fd, d + n - 3, k ? 7 : 3,
					(off_t)(n - 3)), k ? 7 : 3);
		close(fd);
	}
	setenv("MMTOOL_TEST_WINDOW", "65536", 1);
	check_files(f1, a, n, f2, b, n + 4, NULL, 16);
	check_files(f1, a, n, f2, b, n + 4, u2, 16);
	unsetenv("MMTOOL_TEST_WINDOW");
	check_files(f2, b, n + 4, f1, a, n, NULL, 16);
	check_files(f1, a, n, f1, a, n, NULL, 16);
	free(a);
	free(b);
}

/* ---- patch with guarded dumps ----------------------------------------- */

/* Set PATH's times far in the past, so that any write would show. */
static void age_file(const char *path)
{
	struct timespec ts[2];

	ts[0].tv_sec = ts[1].tv_sec = 946684800;	/* 2000-01-01 */
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* Run "patch ARGS... FILE DUMP"; the run's status. */
static int run_patch(struct run *r, const char *opts, const char *file,
		     const char *dump)
{
	const char *argv[16];
	char buf[128], *save = NULL, *w;
	size_t n = 0;

	argv[n++] = "patch";
	snprintf(buf, sizeof(buf), "%s", opts);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n++] = file;
	argv[n++] = dump;
	argv[n] = NULL;
	run_mmtool(r, NULL, 0, argv);
	return r->status;
}

/* Save the output of diff ARGS A B as DUMP. */
static void make_dump(const char *const *args, const char *fa,
		      const char *fb, const char *dump, int want_status)
{
	struct run r;

	run_diff(&r, args, fa, fb);
	if (r.status != want_status)
		fail_msg("diff exit %d: %s", r.status, r.err);
	write_file(dump, r.out, r.out_len);
	run_free(&r);
}

/*
 * The round trip on A and B with diff ARGS: forward, again (nothing
 * changes, not even the mtime), back with -R, and -R again.
 */
static void round_trip(const unsigned char *a, size_t na,
		       const unsigned char *b, size_t nb,
		       const char *const *args)
{
	const char *fa = tmp_path("ra"), *fb = tmp_path("rb");
	const char *fc = tmp_path("rc"), *fd = tmp_path("rd");
	int differ = na != nb || memcmp(a, b, na) != 0;
	struct snapshot snap;
	struct run r;

	write_file(fa, a, na);
	write_file(fb, b, nb);
	make_dump(args, fa, fb, fd, differ);
	write_file(fc, a, na);
	if (run_patch(&r, "--grow --shrink", fc, fd) != 0)
		fail_msg("patch: %s", r.err);
	assert_int_equal(r.out_len + r.err_len, 0);
	run_free(&r);
	assert_file(fc, b, nb);
	age_file(fc);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "--grow --shrink -v", fc, fd), 0);
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
	if (run_patch(&r, "-R --grow --shrink", fc, fd) != 0)
		fail_msg("patch -R: %s", r.err);
	run_free(&r);
	assert_file(fc, a, na);
	age_file(fc);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "-R --grow --shrink", fc, fd), 0);
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
}

static void test_round_trips_random(void **state)
{
	static const size_t sizes[][2] = {
		{ 5000, 5000 }, { 5000, 5003 }, { 5000, 4990 }, { 1, 0 },
		{ 0, 17 }, { 0, 0 }, { 4096, 4096 }, { 33, 32 },
	};
	static const size_t nchanges[] = { 1, 7, 400 };

	(void)state;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t na = sizes[s][0], nb = sizes[s][1];
		unsigned char *a = malloc(na + 1);

		assert_non_null(a);
		fill_random(a, na, (uint32_t)s + 70);
		for (size_t c = 0; c < sizeof(nchanges) / sizeof(nchanges[0]);
		     c++) {
			unsigned char *b = variant(a, na, nb, nchanges[c],
						   (uint32_t)(s * 10 + c + 3));

			for (size_t l = 0; l < NLAYOUTS; l++)
				round_trip(a, na, b, nb, LAYOUTS[l]);
			free(b);
		}
		free(a);
	}
}

static void test_round_trips_binary(void **state)
{
	size_t na;
	/* This test program: MMTOOL may be a wrapper script (check-s390x). */
	unsigned char *a = read_file("/proc/self/exe", &na), *b;

	(void)state;
	b = variant(a, na, na + 3000, 50, 77);
	for (size_t l = 0; l < NLAYOUTS; l++)
		round_trip(a, na, b, na + 3000, LAYOUTS[l]);
	round_trip(b, na + 3000, a, na, LAYOUTS[0]);
	free(b);
	free(a);
}

static void test_round_trip_edges(void **state)
{
	unsigned char a[1000], b[1000];
	size_t n = 3 * 4096 + 100;
	unsigned char *wa = malloc(n), *wb = malloc(n);

	(void)state;
	/* Only the last byte differs. */
	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[999] = 'y';
	round_trip(a, 1000, b, 1000, LAYOUTS[0]);
	round_trip(a, 1000, b, 1000, LAYOUTS[3]);
	/* Empty against something, and back. */
	round_trip(a, 0, b, 1000, LAYOUTS[0]);
	round_trip(a, 1000, b, 0, LAYOUTS[2]);
	/* Differences on both sides of window boundaries. */
	assert_non_null(wa);
	assert_non_null(wb);
	fill_random(wa, n, 8);
	memcpy(wb, wa, n);
	wb[4095] ^= 1;
	wb[4096] ^= 2;
	wb[8191] ^= 3;
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	for (size_t l = 0; l < NLAYOUTS; l++)
		round_trip(wa, n, wb, n - 7, LAYOUTS[l]);
	unsetenv("MMTOOL_TEST_WINDOW");
	free(wa);
	free(wb);
}

/* A target edited where a hunk is: exit 1, the offset named, nothing
 * written.  Two such places: two lines. */
static void test_conflict(void **state)
{
	unsigned char a[3000], *b;
	const char *fa = tmp_path("ka"), *fb = tmp_path("kb");
	const char *fc = tmp_path("kc"), *fd = tmp_path("kd");
	struct snapshot snap;
	struct run r;

	(void)state;
	memset(a, 0x11, sizeof(a));
	b = malloc(3100);
	assert_non_null(b);
	memcpy(b, a, 3000);
	memset(b + 3000, 0x22, 100);
	b[100] = 0x33;
	b[2000] = 0x44;
	write_file(fa, a, 3000);
	write_file(fb, b, 3100);
	make_dump(NULL, fa, fb, fd, 1);
	/* Edited at 0x7d0 (2000), the second hunk. */
	a[2001] = 0x55;
	write_file(fc, a, 3000);
	age_file(fc);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "--grow --shrink", fc, fd), 1);
	assert_refused(&r, 1);
	assert_err_contains(&r, "conflict at 0x7d1");
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	/* -R on it: the same hunk conflicts the other way too. */
	assert_int_equal(run_patch(&r, "-R --grow --shrink", fc, fd), 1);
	assert_err_contains(&r, "conflict at 0x7d1");
	run_free(&r);
	/* Two edited places: two lines. */
	a[101] = 0x66;
	write_file(fc, a, 3000);
	assert_int_equal(run_patch(&r, "--grow --shrink --dry-run", fc, fd),
			 1);
	assert_err_contains(&r, "conflict at 0x65");
	assert_err_contains(&r, "conflict at 0x7d1");
	assert_int_equal(r.out_len, 0);
	run_free(&r);
	/* A conflict, then a malformed line: the malformed line is the one
	 * message, exit 2. */
	{
		size_t n;
		char *d = (char *)read_file(fd, &n);
		char *bad = malloc(n + 32);

		assert_non_null(bad);
		memcpy(bad, d, n);
		memcpy(bad + n, "-0000zz00  00\n", 14);
		write_file(fd, bad, n + 14);
		assert_int_equal(run_patch(&r, "--grow --shrink", fc, fd), 2);
		assert_refused(&r, 2);
		assert_null(strstr(r.err, "conflict"));
		run_free(&r);
		free(bad);
		free(d);
	}
	snapshot_free(&snap);
	free(b);
}

/* A conflict found early in a long dump (its hunks are checked in
 * batches as the dump is read), then a malformed line near the end: that
 * line is the one message, exit 2, as for any malformed dump. */
static void test_conflict_then_malformed(void **state)
{
	size_t n = 1u << 20, len;
	unsigned char *a = calloc(n, 1), *b = calloc(n, 1);
	const char *fa = tmp_path("ma"), *fb = tmp_path("mb");
	const char *fc = tmp_path("mc2"), *fd = tmp_path("md2");
	struct snapshot snap;
	struct run r;
	char *d;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < n; i += 64)
		b[i] = 1;
	write_file(fa, a, n);
	write_file(fb, b, n);
	make_dump(NULL, fa, fb, fd, 1);
	d = (char *)read_file(fd, &len);
	d = realloc(d, len + 16);
	assert_non_null(d);
	memcpy(d + len, "+000zz000  00\n", 14);
	write_file(fd, d, len + 14);
	a[5] = 9;
	write_file(fc, a, n);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "", fc, fd), 2);
	assert_refused(&r, 2);
	assert_null(strstr(r.err, "conflict"));
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
	free(d);
	free(a);
	free(b);
}

/* The '-' size is what FILE must have; growing needs --grow, shrinking
 * --shrink, as for resize. */
static void test_sizes(void **state)
{
	unsigned char a[500], b[600];
	const char *fa = tmp_path("za"), *fb = tmp_path("zb");
	const char *fc = tmp_path("zc"), *fd = tmp_path("zd");
	const char *fe = tmp_path("ze");
	struct snapshot snap;
	struct run r;

	(void)state;
	fill_random(a, sizeof(a), 51);
	memcpy(b, a, 500);
	fill_random(b + 500, 100, 52);
	write_file(fa, a, 500);
	write_file(fb, b, 600);
	make_dump(NULL, fa, fb, fd, 1);
	/* A target of another size: a conflict.  Cut short, the last
	 * hunk's bytes are missing; with zeros after, the hunks would
	 * apply and the size names itself. */
	write_file(fc, a, 499);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "--grow --shrink", fc, fd), 1);
	assert_refused(&r, 1);
	assert_err_contains(&r, "conflict at 0x1f3");
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
	{
		unsigned char longer[700];

		memset(longer, 0, sizeof(longer));
		memcpy(longer, a, 500);
		write_file(fc, longer, 700);
	}
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "--grow --shrink", fc, fd), 1);
	assert_refused(&r, 1);
	assert_err_contains(&r, "the size is 700");
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
	/* Without --grow: refused, as poke and patch refuse. */
	write_file(fc, a, 500);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "", fc, fd), 2);
	assert_refused(&r, 2);
	assert_err_contains(&r, "--grow");
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
	/* Shrinking without --shrink: refused. */
	make_dump(NULL, fb, fa, fe, 1);
	write_file(fc, b, 600);
	snapshot_take(&snap, fc);
	assert_int_equal(run_patch(&r, "--grow", fc, fe), 2);
	assert_err_contains(&r, "--shrink");
	run_free(&r);
	snapshot_assert_same(&snap, fc);
	snapshot_free(&snap);
	assert_int_equal(run_patch(&r, "--shrink", fc, fe), 0);
	run_free(&r);
	assert_file(fc, a, 500);
}

/* A dump that mixes plain and guarded lines, and -R on a plain dump. */
static void test_mixed_and_plain(void **state)
{
	const char *fc = tmp_path("mc"), *fd = tmp_path("md");
	static const char mixed[] =
		"@@ -0x00000000 +0x00000000 @@\n"
		"-00000000  61 62                                             |ab|\n"
		"00000000  63 64                                             |cd|\n";
	static const char plain[] =
		"00000000  63 64                                             |cd|\n";
	struct run r;

	(void)state;
	write_file(fc, "ab", 2);
	write_file(fd, mixed, sizeof(mixed) - 1);
	assert_int_equal(run_patch(&r, "", fc, fd), 2);
	assert_refused(&r, 2);
	assert_err_contains(&r, ":3:");
	run_free(&r);
	write_file(fd, plain, sizeof(plain) - 1);
	assert_int_equal(run_patch(&r, "-R", fc, fd), 2);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(fc, "ab", 2);
	/* The plain dump itself still works as before. */
	assert_int_equal(run_patch(&r, "", fc, fd), 0);
	run_free(&r);
	assert_file(fc, "cd", 2);
}

/*
 * Run "strace ... mmtool patch OPTS FILE DUMP" with SIGKILL injected into
 * the patch's second msync: the first window is stored and synced, the
 * rest not.  Returns the wait status.
 */
static int patch_killed(const char *opts, const char *file, const char *dump)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd),
		 "MMTOOL_TEST_WINDOW=4096 strace -f -o /dev/null "
		 "-e trace=msync -e inject=msync:signal=SIGKILL:when=2 "
		 "'%s' patch %s '%s' '%s' >/dev/null 2>&1",
		 mmtool_path(), opts, file, dump);
	return system(cmd);
}

static void test_interrupted(void **state)
{
	size_t n = 5 * 4096;
	unsigned char *a = malloc(n + 9000), *b = malloc(n + 9000), *c;
	const char *fa = tmp_path("ia"), *fb = tmp_path("ib");
	const char *fc = tmp_path("ic"), *fd = tmp_path("id");
	size_t nc;
	struct run r;

	(void)state;
	SKIP_IF_EMULATED("strace would trace the emulator");
	if (!have_program("strace") ||
	    system("strace -o /dev/null true >/dev/null 2>&1") != 0) {
		print_message("strace missing or not allowed here: "
			      "interrupted patch not tested\n");
		skip();
		return;
	}
	assert_non_null(a);
	assert_non_null(b);
	fill_random(a, n, 61);
	memcpy(b, a, n);
	for (size_t i = 0; i < n; i += 1500)
		b[i] ^= 0x5a;
	fill_random(b + n, 9000, 62);
	write_file(fa, a, n);
	write_file(fb, b, n + 9000);
	make_dump(NULL, fa, fb, fd, 1);
	for (int undo = 0; undo < 2; undo++) {
		write_file(fc, a, n);
		patch_killed("--grow --shrink", fc, fd);
		/* Half done: grown, the first window written, not the rest. */
		c = read_file(fc, &nc);
		assert_int_equal(nc, n + 9000);
		assert_memory_equal(c, b, 4096);
		assert_true(memcmp(c, b, nc) != 0);
		free(c);
		if (!undo) {
			assert_int_equal(run_patch(&r, "--grow --shrink", fc,
						   fd), 0);
			run_free(&r);
			assert_file(fc, b, n + 9000);
		} else {
			assert_int_equal(run_patch(&r, "-R --grow --shrink", fc,
						   fd), 0);
			run_free(&r);
			assert_file(fc, a, n);
		}
	}
	/* Killed while undoing: run -R again to finish, or forward. */
	write_file(fc, b, n + 9000);
	patch_killed("-R --grow --shrink", fc, fd);
	c = read_file(fc, &nc);
	assert_memory_equal(c, a, 4096);
	free(c);
	assert_int_equal(run_patch(&r, "-R --grow --shrink", fc, fd), 0);
	run_free(&r);
	assert_file(fc, a, n);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical_prints_nothing),
		cmocka_unit_test(test_exact_output),
		cmocka_unit_test(test_random_pairs),
		cmocka_unit_test(test_real_binary),
		cmocka_unit_test(test_only_last_byte),
		cmocka_unit_test(test_window_boundaries),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_skip_and_length),
		cmocka_unit_test(test_quiet_never_prints),
		cmocka_unit_test(test_trouble),
		cmocka_unit_test(test_color),
		cmocka_unit_test(test_viewer_shape),
		cmocka_unit_test(test_sparse),
		cmocka_unit_test(test_round_trips_random),
		cmocka_unit_test(test_round_trips_binary),
		cmocka_unit_test(test_round_trip_edges),
		cmocka_unit_test(test_conflict),
		cmocka_unit_test(test_conflict_then_malformed),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_mixed_and_plain),
		cmocka_unit_test(test_interrupted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
