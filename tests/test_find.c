/*
 * test_find.c - mmtool find, end to end, against a naive scan computed
 * here: random data with planted matches, wildcards, overlapping matches,
 * -m, -o, -n, matches at both ends and straddling window boundaries
 * (MMTOOL_TEST_WINDOW), streams, dense data that defeats memchr, a sparse
 * file past 4 GiB, and the refusals.
 *
 * Beware trigraphs in string literals under -std=c99: "??" followed by
 * = ( / ) ' < ! > or - is rewritten by the compiler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* A pattern: LEN bytes, MASK 0 where "??" stands (NULL: none). */
struct pattern {
	unsigned char bytes[64];
	unsigned char mask[64];
	int wild;
	size_t len;
	char text[64 * 3 + 1];	/* as find takes it */
};

/* Build a pattern from hex text with '?' pairs; fills text as given. */
static void pattern_hex(struct pattern *p, const char *hex)
{
	size_t n = 0;

	memset(p, 0, sizeof(*p));
	snprintf(p->text, sizeof(p->text), "%s", hex);
	for (const char *s = hex; *s != '\0';) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (s[0] == '?') {
			p->bytes[n] = 0;
			p->mask[n] = 0;
			p->wild = 1;
		} else {
			unsigned v;

			sscanf(s, "%2x", &v);
			p->bytes[n] = (unsigned char)v;
			p->mask[n] = 0xff;
		}
		n++;
		s += 2;
	}
	p->len = n;
}

/* The offsets where P matches in D[FROM..TO), BASE added, at most MAX,
 * one per line, as find prints them.  *count gets how many. */
static char *naive(const unsigned char *d, size_t from, size_t to,
		   const struct pattern *p, uint64_t base, uint64_t max,
		   size_t *count)
{
	size_t cap = 4096, len = 0;
	char *out = malloc(cap);

	assert_non_null(out);
	out[0] = '\0';
	*count = 0;
	for (size_t i = from; i + p->len <= to && *count < max; i++) {
		size_t k = 0;

		while (k < p->len && (d[i + k] & p->mask[k]) == p->bytes[k])
			k++;
		if (k < p->len)
			continue;
		if (cap - len < 32) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		len += (size_t)sprintf(out + len, "%llu\n",
				       (unsigned long long)(base + i));
		(*count)++;
	}
	return out;
}

/* Copy P's bytes (wildcards as 0x5a) into D at AT. */
static void plant(unsigned char *d, size_t at, const struct pattern *p)
{
	for (size_t k = 0; k < p->len; k++)
		d[at + k] = p->mask[k] ? p->bytes[k] : 0x5a;
}

/* Run find with ARGS (NULL-terminated) and expect WANT (exit 0) or, when
 * WANT is empty, exit 1 with no output at all. */
static void expect_find(const char *want, const char *const *args)
{
	struct run r;

	run_mmtool(&r, NULL, 0, args);
	if (r.signaled || r.status != (*want ? 0 : 1) || r.err_len != 0)
		fail_msg("status %d, stderr [%s]", r.status, r.err);
	if (strcmp(r.out, want) != 0) {
		size_t i = 0;

		while (r.out[i] == want[i])
			i++;
		fail_msg("output differs at byte %zu: got [%.40s] want [%.40s]",
			 i, r.out + i, want + i);
	}
	run_free(&r);
}

/* find FILE P with an optional window; compare with the naive scan. */
static void check_file(const char *file, const unsigned char *d, size_t n,
		       const struct pattern *p, const char *window)
{
	const char *args[] = { "find", file, p->text, NULL };
	size_t count;
	char *want = naive(d, 0, n, p, 0, UINT64_MAX, &count);

	if (window)
		setenv("MMTOOL_TEST_WINDOW", window, 1);
	expect_find(want, args);
	unsetenv("MMTOOL_TEST_WINDOW");
	free(want);
}

/* ---- basics ------------------------------------------------------------- */

static void test_help(void **state)
{
	struct run r;
	static const char first[] = "usage: mmtool find [-s] [-x] [-m MAX] "
				    "[-o OFFSET] [-n LENGTH] FILE PATTERN\n";

	(void)state;
	run_args(&r, "find", "--help", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, first, strlen(first)) == 0);
	run_free(&r);
}

static void test_hex_pattern(void **state)
{
	const char *f = tmp_path("hex.bin");
	const char *a1[] = { "find", f, "dead", NULL };
	const char *a2[] = { "find", f, "0xDE:AD be", NULL };

	(void)state;
	write_file(f, "\x01\xde\xad\xbe\xef\xde\xad", 7);
	expect_find("1\n5\n", a1);
	expect_find("1\n", a2);
}

static void test_string_pattern(void **state)
{
	const char *f = tmp_path("str.bin");
	const char *a1[] = { "find", "-s", f, "needle", NULL };
	const char *a2[] = { "find", "--string", f, "de ad", NULL };

	(void)state;
	write_file(f, "hay needle hay de ad needles", 28);
	expect_find("4\n21\n", a1);
	expect_find("15\n", a2);
}

static void test_overlapping(void **state)
{
	const char *f = tmp_path("ov.bin");
	const char *a1[] = { "find", "-s", f, "aaaa", NULL };
	const char *a2[] = { "find", f, "6161", NULL };
	const char *a3[] = { "find", "-s", f, "aa", NULL };

	(void)state;
	write_file(f, "aaaaaa", 6);
	expect_find("0\n1\n2\n", a1);
	expect_find("0\n1\n2\n3\n4\n", a2);
	expect_find("0\n1\n2\n3\n4\n", a3);
}

static void test_wildcards(void **state)
{
	const char *f = tmp_path("wild.bin");
	const char *a1[] = { "find", f, "41 ?? 43", NULL };
	const char *a2[] = { "find", f, "?\?41", NULL };
	const char *a3[] = { "find", f, "41 ?? ?? 44", NULL };

	(void)state;
	write_file(f, "ABCAxCABAD", 10);
	expect_find("0\n3\n", a1);
	expect_find("2\n5\n7\n", a2);
	expect_find("6\n", a3);
}

static void test_all_wildcards(void **state)
{
	const char *f = tmp_path("allw.bin");
	const char *a1[] = { "find", f, "?\?:??", NULL };

	(void)state;
	write_file(f, "12345", 5);
	expect_find("0\n1\n2\n3\n", a1);
}

static void test_not_found_is_silent(void **state)
{
	const char *f = tmp_path("nf.bin");
	const char *a1[] = { "find", "-s", f, "zz", NULL };
	const char *a2[] = { "find", "-s", f, "abcdefg", NULL };
	const char *a3[] = { "find", f, "00", NULL };

	(void)state;
	write_file(f, "abcdef", 6);
	expect_find("", a1);
	expect_find("", a2);	/* longer than the file */
	write_file(f, "", 0);
	expect_find("", a3);	/* empty file */
}

static void test_ends(void **state)
{
	const char *f = tmp_path("ends.bin");
	const char *a1[] = { "find", "-s", f, "xyz", NULL };
	const char *a2[] = { "find", "-s", f, "xyzqqqqqqqxyz", NULL };

	(void)state;
	write_file(f, "xyzqqqqqqqxyz", 13);
	expect_find("0\n10\n", a1);
	expect_find("0\n", a2);	/* the whole file */
}

/* ---- options ------------------------------------------------------------ */

static void test_max_count(void **state)
{
	const char *f = tmp_path("max.bin");
	const char *a1[] = { "find", "-m", "2", "-s", f, "ab", NULL };
	const char *a2[] = { "find", "--max-count", "0x1", "-s", f, "ab", NULL };
	const char *a3[] = { "find", "-m", "10", "-s", f, "ab", NULL };

	(void)state;
	write_file(f, "ababababab", 10);
	expect_find("0\n2\n", a1);
	expect_find("0\n", a2);
	expect_find("0\n2\n4\n6\n8\n", a3);
}

/* -m 0 asks for nothing: exit 1 silently; the operands are still checked. */
static void test_max_count_zero(void **state)
{
	const char *f = tmp_path("max0.bin");
	const char *a1[] = { "find", "-m", "0", "-s", f, "ab", NULL };
	struct run r;

	(void)state;
	write_file(f, "abab", 4);
	expect_find("", a1);
	run_args(&r, "find", "-m", "0", tmp_path("nope"), "ab", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	run_args(&r, "find", "-m", "-1", f, "ab", NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

static void test_offset_and_length(void **state)
{
	const char *f = tmp_path("range.bin");
	/* Matches at 0, 5, 10, 15. */
	const char *a1[] = { "find", "-o", "5", "-s", f, "abc", NULL };
	const char *a2[] = { "find", "-o", "6", "-s", f, "abc", NULL };
	const char *a3[] = { "find", "-o", "5", "-n", "8", "-s", f, "abc",
			     NULL };
	const char *a4[] = { "find", "-o", "5", "-n", "7", "-s", f, "abc",
			     NULL };
	const char *a5[] = { "find", "-n", "100", "-s", f, "abc", NULL };
	const char *a6[] = { "find", "--offset", "0x5", "--length", "3", "-s",
			     f, "abc", NULL };

	(void)state;
	write_file(f, "abc..abc..abc..abc", 18);
	expect_find("5\n10\n15\n", a1);
	expect_find("10\n15\n", a2);
	expect_find("5\n10\n", a3);
	expect_find("5\n", a4);	/* 10..12 passes the end of [5, 12) */
	expect_find("0\n5\n10\n15\n", a5);	/* LENGTH past the end */
	expect_find("5\n", a6);
}

static void test_negative_offset(void **state)
{
	const char *f = tmp_path("neg.bin");
	const char *a1[] = { "find", "-o", "-8", "-s", f, "abc", NULL };
	const char *a2[] = { "find", "-o", "-0", "-s", f, "abc", NULL };
	const char *a3[] = { "find", "-o", "-3", "-s", f, "abc", NULL };
	struct run r;

	(void)state;
	write_file(f, "abc..abc..abc..abc", 18);
	expect_find("10\n15\n", a1);
	expect_find("", a2);
	expect_find("15\n", a3);
	run_args(&r, "find", "-o", "-19", "-s", f, "abc", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "before the start"));
	run_free(&r);
}

static void test_offset_past_end(void **state)
{
	const char *f = tmp_path("past.bin");
	const char *a1[] = { "find", "-o", "18", "-s", f, "c", NULL };
	const char *a2[] = { "find", "-o", "1M", "-s", f, "c", NULL };
	const char *a3[] = { "find", "-n", "0", "-s", f, "c", NULL };

	(void)state;
	write_file(f, "abc..abc..abc..abc", 18);
	expect_find("", a1);
	expect_find("", a2);
	expect_find("", a3);
}

static void test_bad_numbers(void **state)
{
	const char *f = tmp_path("badnum.bin");
	struct run r;

	(void)state;
	write_file(f, "abc", 3);
	run_args(&r, "find", "-o", "1k2", f, "61", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "invalid offset '1k2'"));
	run_free(&r);
	run_args(&r, "find", "-n", "-1", f, "61", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "invalid length"));
	run_free(&r);
	run_args(&r, "find", "-m", "x", f, "61", NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

/* ---- random data against the naive scan -------------------------------- */

static void test_random_literal(void **state)
{
	const char *f = tmp_path("rl.bin");
	size_t n = 1 << 20;
	unsigned char *d = malloc(n);
	struct pattern p;
	size_t at[] = { 0, 1, 4095, 4096, 100000, 100003, 500000, n - 6 };

	(void)state;
	assert_non_null(d);
	fill_random(d, n, 1);
	pattern_hex(&p, "8a 3f 00 ff 12 8a");
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		plant(d, at[i], &p);
	/* Overlapping copies: 8a3f00ff128a3f00ff128a */
	plant(d, 200000, &p);
	plant(d, 200005, &p);
	write_file(f, d, n);
	check_file(f, d, n, &p, NULL);
	check_file(f, d, n, &p, "4096");
	free(d);
}

static void test_random_wildcard(void **state)
{
	const char *f = tmp_path("rw.bin");
	size_t n = 1 << 20;
	unsigned char *d = malloc(n);
	struct pattern p;

	(void)state;
	assert_non_null(d);
	fill_random(d, n, 2);
	pattern_hex(&p, "?? 17 ?? ?? c3");
	for (size_t at = 0; at + p.len <= n; at += 9973)
		plant(d, at, &p);
	plant(d, n - p.len, &p);
	write_file(f, d, n);
	check_file(f, d, n, &p, NULL);
	check_file(f, d, n, &p, "4096");
	/* Short patterns find plenty in random data. */
	pattern_hex(&p, "17 ?? c3");
	check_file(f, d, n, &p, "4096");
	pattern_hex(&p, "c3");
	check_file(f, d, n, &p, "4096");
	pattern_hex(&p, "c3 17");
	check_file(f, d, n, &p, NULL);
	free(d);
}

/* A match that starts in one window and ends in the next, at every split. */
static void test_straddling_windows(void **state)
{
	const char *f = tmp_path("straddle.bin");
	size_t n = 64 * 1024;
	unsigned char *d = malloc(n);
	struct pattern p, w;

	(void)state;
	assert_non_null(d);
	fill_random(d, n, 3);
	pattern_hex(&p, "01 02 03 04 05 06 07 08 09 0a");
	pattern_hex(&w, "01 ?? 03 ?? ?? 06 07 08 09 ??");
	/* Window k ends at 4096*k; the match starts j bytes before it. */
	for (size_t j = 1; j < p.len; j++)
		plant(d, 4096 * (j + 1) - j, &p);
	plant(d, 4096 * 12, &p);	/* starts exactly on a boundary */
	plant(d, 4096 * 13 - p.len, &p);	/* ends exactly on one */
	write_file(f, d, n);
	check_file(f, d, n, &p, "4096");
	check_file(f, d, n, &w, "4096");
	check_file(f, d, n, &p, "8192");
	free(d);
}

/* The file full of the pattern's bytes: memchr hits everywhere. */
static void test_dense_data(void **state)
{
	const char *f = tmp_path("dense.bin");
	size_t n = 256 * 1024;
	unsigned char *d = malloc(n);
	struct pattern p;
	static const char *pats[] = {
		"41 41 41 41 41 41 41 42",	/* rare last byte */
		"42 41 41 41 41 41 41 41",
		"41 ?? 41 42",
		"41 42 41 42 41 42 41 41",	/* every byte value dense */
		"41 42 ?? 42 41 41",
		"41 41",			/* matches everywhere */
	};

	(void)state;
	assert_non_null(d);
	for (size_t i = 0; i < n; i++)
		d[i] = i < n / 2 ? 'A' : (i % 2 ? 'B' : 'A');
	memcpy(d + 1000, "AAAAAAAB", 8);
	memcpy(d + 70000, "BAAAAAAAB", 9);
	memcpy(d + n / 2 + 1000, "ABABABAAABAB", 12);
	memcpy(d + n - 8, "ABABABAA", 8);
	write_file(f, d, n);
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		pattern_hex(&p, pats[i]);
		check_file(f, d, n, &p, NULL);
		check_file(f, d, n, &p, "4096");
	}
	free(d);
}

/* ---- streams ------------------------------------------------------------ */

static void test_stdin(void **state)
{
	size_t n = 300 * 1000, count;
	unsigned char *d = malloc(n);
	struct pattern p;
	const char *a1[] = { "find", "-", NULL, NULL };
	const char *a2[] = { "find", "-o", "100000", "-n", "100000", "-",
			     NULL, NULL };
	char *want;
	struct run r;

	(void)state;
	assert_non_null(d);
	fill_random(d, n, 4);
	pattern_hex(&p, "aa ?? bb cc");
	for (size_t at = 0; at + p.len <= n; at += 65536 - 2)
		plant(d, at, &p);
	plant(d, n - p.len, &p);
	a1[2] = p.text;
	a2[6] = p.text;
	want = naive(d, 0, n, &p, 0, UINT64_MAX, &count);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	run_mmtool(&r, d, n, a1);
	unsetenv("MMTOOL_TEST_WINDOW");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, want);
	run_free(&r);
	free(want);
	want = naive(d, 100000, 200000, &p, 0, UINT64_MAX, &count);
	run_mmtool(&r, d, n, a2);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, want);
	run_free(&r);
	free(want);
	free(d);
}

static void test_stdin_negative_offset(void **state)
{
	const char *a1[] = { "find", "-o", "-2", "-", "61", NULL };
	const char *a2[] = { "find", "-m", "1", "-", "61", NULL };
	struct run r;

	(void)state;
	run_mmtool(&r, "aaaa", 4, a1);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "negative offset on a stream"));
	run_free(&r);
	run_mmtool(&r, "baaa", 4, a2);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "1\n");
	run_free(&r);
}

/*
 * A regular file on standard input is searched from its position, and
 * the offsets printed count from there (issue 8, item 8).
 */
static void test_stdin_from_position(void **state)
{
	const char *f = write_file(tmp_path("pos.bin"), "abcabcabc", 9);
	const char *all[] = { "find", "-s", "-", "abc", NULL };
	const char *tail[] = { "find", "-o", "-3", "-", "616263", NULL };
	struct run r;

	(void)state;
	run_stdin_at(&r, f, 1, all);
	assert_output(&r, "2\n5\n");
	run_free(&r);
	run_stdin_at(&r, f, 1, tail);
	assert_output(&r, "5\n");
	run_free(&r);
}

/* ---- big and sparse ----------------------------------------------------- */

static void test_past_4gib(void **state)
{
	const char *f = tmp_path("big.bin");
	uint64_t four = 4ull << 30;
	const char *a1[] = { "find", "-o", "0xffff0000", f, "c0ffee", NULL };
	const char *a2[] = { "find", "-o", "-64K", f, "c0 ?? ee", NULL };
	int fd;

	(void)state;
	fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (ftruncate(fd, (off_t)(four + 65536)) != 0) {
		close(fd);
		skip();
		return;
	}
	assert_int_equal(pwrite(fd, "\xc0\xff\xee", 3, (off_t)(four - 1)), 3);
	assert_int_equal(pwrite(fd, "\xc0\xff\xee", 3, (off_t)(four + 1000)),
			 3);
	assert_int_equal(pwrite(fd, "\xc0\xff\xee", 3,
				(off_t)(four + 65533)), 3);
	close(fd);
	expect_find("4294967295\n4294968296\n4295032829\n", a1);
	setenv("MMTOOL_TEST_WINDOW", "4096", 1);
	expect_find("4294967295\n4294968296\n4295032829\n", a1);
	unsetenv("MMTOOL_TEST_WINDOW");
	expect_find("4294968296\n4295032829\n", a2);
	unlink(f);
}

/* ---- refusals and output ------------------------------------------------ */

static void test_bad_patterns(void **state)
{
	const char *f = tmp_path("bp.bin");
	struct run r;
	static const char *bad[] = { "", "6", "6g", "?1", "0x", "61 ?", "  " };

	(void)state;
	write_file(f, "abc", 3);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run_args(&r, "find", f, bad[i], NULL);
		assert_refused(&r, 2);
		assert_non_null(strstr(r.err, "PATTERN"));
		run_free(&r);
	}
	run_args(&r, "find", "-s", f, "", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "empty PATTERN"));
	run_free(&r);
}

/* -x/--hex: the same offsets as 0x and lowercase hex, also past 4 GiB's
 * digits and on a stream. */
static void test_hex_offsets(void **state)
{
	unsigned char data[300];
	const char *f = tmp_path("hexoff.bin");
	struct run r;

	(void)state;
	memset(data, 0, sizeof(data));
	data[0] = data[0xab] = data[0x12c - 1] = 0x7f;
	write_file(f, data, sizeof(data));
	run_args(&r, "find", "-x", f, "7f", NULL);
	assert_output(&r, "0x0\n0xab\n0x12b\n");
	run_free(&r);
	run_args(&r, "find", "--hex", "-m", "2", f, "7f", NULL);
	assert_output(&r, "0x0\n0xab\n");
	run_free(&r);
	run_mmtool(&r, data, sizeof(data),
		   (const char *const[]){ "find", "-x", "-", "7f??", NULL });
	assert_output(&r, "0x0\n0xab\n");
	run_free(&r);
	/* Without -x: decimal, as before. */
	run_args(&r, "find", f, "7f", NULL);
	assert_output(&r, "0\n171\n299\n");
	run_free(&r);
}

static void test_usage_errors(void **state)
{
	const char *f = tmp_path("ue.bin");
	struct run r;

	(void)state;
	write_file(f, "abc", 3);
	run_args(&r, "find", f, NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "missing operand"));
	run_free(&r);
	run_args(&r, "find", f, "61", "62", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "too many operands"));
	run_free(&r);
	run_args(&r, "find", "-z", f, "61", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	run_args(&r, "find", "-m", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "needs an argument"));
	run_free(&r);
}

static void test_missing_and_directory(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "find", tmp_path("nope"), "61", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "nope: No such file or directory"));
	run_free(&r);
	run_args(&r, "find", test_tmpdir(), "61", NULL);
	assert_refused(&r, 2);
	assert_non_null(strstr(r.err, "Is a directory"));
	run_free(&r);
}

/* Run a shell line; return the exit status of the command it reports. */
static int shell_status(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_output_errors(void **state)
{
	const char *f = tmp_path("oe.bin"), *err = tmp_path("oe.err");
	const char *st = tmp_path("oe.st");
	unsigned char *d = calloc(1, 1 << 20);
	size_t len;
	unsigned char *text;

	(void)state;
	assert_non_null(d);
	write_file(f, d, 1 << 20);
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(shell_status("'%s' find '%s' 00 > /dev/full "
					      "2> '%s'", mmtool_path(), f,
					      err), 2);
		text = read_file(err, &len);
		text = realloc(text, len + 1);
		assert_non_null(text);
		text[len] = '\0';
		assert_non_null(strstr((char *)text, "write error on standard "
				       "output: No space left on device"));
		free(text);
	}
	/* A reader that goes away ends the search quietly. */
	assert_int_equal(shell_status("{ '%s' find '%s' 00 2> '%s'; echo $? "
				      "> '%s'; } | head -n 1 > /dev/null",
				      mmtool_path(), f, err, st), 0);
	text = read_file(err, &len);
	assert_int_equal(len, 0);
	free(text);
	text = read_file(st, &len);
	assert_true(len >= 2 && memcmp(text, "0\n", 2) == 0);
	free(text);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_hex_pattern),
		cmocka_unit_test(test_string_pattern),
		cmocka_unit_test(test_overlapping),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_all_wildcards),
		cmocka_unit_test(test_not_found_is_silent),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_max_count),
		cmocka_unit_test(test_max_count_zero),
		cmocka_unit_test(test_offset_and_length),
		cmocka_unit_test(test_negative_offset),
		cmocka_unit_test(test_offset_past_end),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_random_literal),
		cmocka_unit_test(test_random_wildcard),
		cmocka_unit_test(test_straddling_windows),
		cmocka_unit_test(test_dense_data),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_stdin_negative_offset),
		cmocka_unit_test(test_stdin_from_position),
		cmocka_unit_test(test_past_4gib),
		cmocka_unit_test(test_bad_patterns),
		cmocka_unit_test(test_hex_offsets),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_missing_and_directory),
		cmocka_unit_test(test_output_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
