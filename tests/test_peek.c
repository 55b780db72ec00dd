/*
 * test_peek.c - end-to-end tests of `mmtool peek` against SPEC.md: the
 * sections Commands, Numbers, peek, Kinds of file and Errors, run through
 * the built binary as a user would.
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

extern char **environ;

static const char digits16[] = "0123456789abcdef";

/* PATH holding the sixteen bytes "0123456789abcdef". */
static const char *make_digits(const char *name)
{
	return write_file(tmp_path(name), digits16, 16);
}

static void hex_of(const unsigned char *p, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[p[i] >> 4];
		out[2 * i + 1] = x[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Run peek with ARGS on PATH and assert it refused with STATUS, leaving
 * the file as it was. */
static void assert_peek_refused(const char *path, int status,
				const char *const *argv, const char *msg)
{
	struct snapshot s;
	struct run r;

	snapshot_take(&s, path);
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, status);
	if (msg != NULL)
		assert_err_contains(&r, msg);
	snapshot_assert_same(&s, path);
	snapshot_free(&s);
	run_free(&r);
}

/* ---- hex output, offsets, lengths ---------------------------------- */

static void test_default_length_is_one_byte(void **state)
{
	const char *f = make_digits("d1");
	struct run r;

	(void)state;
	run_args(&r, "peek", f, "0", NULL);
	assert_output(&r, "30\n");
	run_free(&r);
	run_args(&r, "peek", f, "15", NULL);
	assert_output(&r, "66\n");
	run_free(&r);
}

static void test_hex_is_lowercase_one_line(void **state)
{
	unsigned char data[300];
	char want[2 * 300 + 2];
	const char *f;
	struct run r;

	(void)state;
	fill_random(data, sizeof(data), 1);
	data[0] = 0xab;
	data[1] = 0xcd;
	f = write_file(tmp_path("hex"), data, sizeof(data));
	hex_of(data, sizeof(data), want);
	strcat(want, "\n");
	run_args(&r, "peek", f, "0", "300", NULL);
	assert_output(&r, want);
	assert_non_null(strstr(r.out, "abcd"));
	run_free(&r);
}

static void test_length_zero(void **state)
{
	const char *f = make_digits("len0");
	struct run r;

	(void)state;
	/* Zero bytes in hex: an empty line (one line, newline-terminated). */
	run_args(&r, "peek", f, "3", "0", NULL);
	assert_output(&r, "\n");
	run_free(&r);
	/* Raw: nothing at all. */
	run_args(&r, "peek", "-f", "raw", f, "3", "0", NULL);
	assert_output(&r, "");
	run_free(&r);
	/* Length 0 at the very end of the file is inside it. */
	run_args(&r, "peek", f, "16", "0", NULL);
	assert_output(&r, "\n");
	run_free(&r);
}

static void test_negative_offset_reads_last_bytes(void **state)
{
	const char *f = make_digits("neg");
	struct run r;

	(void)state;
	run_args(&r, "peek", f, "-4", "4", NULL);
	assert_output(&r, "63646566\n");
	run_free(&r);
	run_args(&r, "peek", f, "-16", "16", NULL);
	assert_output(&r, "30313233343536373839616263646566\n");
	run_free(&r);
	run_args(&r, "peek", f, "-0x10", "2", NULL);
	assert_output(&r, "3031\n");
	run_free(&r);
}

static void test_minus_zero_is_end_of_file(void **state)
{
	const char *f = make_digits("minus0");
	const char *argv[] = { "peek", f, "-0", NULL };
	struct run r;

	(void)state;
	run_args(&r, "peek", f, "-0", "0", NULL);
	assert_output(&r, "\n");
	run_free(&r);
	/* One byte at the end of the file is outside it. */
	assert_peek_refused(f, 2, argv, "16");
}

static void test_negative_offset_before_start_refused(void **state)
{
	const char *f = make_digits("negbefore");
	const char *argv[] = { "peek", f, "-17", NULL };

	(void)state;
	assert_peek_refused(f, 2, argv, f);
}

static void test_range_outside_names_range_and_size(void **state)
{
	const char *f = make_digits("outside");
	const char *argv[] = { "peek", f, "14", "4", NULL };
	const char *argv2[] = { "peek", f, "100", NULL };
	const char *argv3[] = { "peek", f, "17", "0", NULL };
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	/* The range [14, 18) and the size 16. */
	assert_err_contains(&r, "14");
	assert_err_contains(&r, "18");
	assert_err_contains(&r, "16");
	assert_err_contains(&r, f);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
	run_free(&r);
	assert_peek_refused(f, 2, argv2, "100");
	assert_peek_refused(f, 2, argv3, "17");
}

static void test_range_check_does_not_wrap(void **state)
{
	const char *f = make_digits("wrap");
	const char *argv[] = { "peek", f, "8", "9223372036854775807", NULL };
	const char *argv2[] = { "peek", f, "9223372036854775807", "1", NULL };

	(void)state;
	assert_peek_refused(f, 2, argv, f);
	assert_peek_refused(f, 2, argv2, f);
}

static void test_empty_file(void **state)
{
	const char *f = write_file(tmp_path("empty"), "", 0);
	const char *argv[] = { "peek", f, "0", NULL };
	struct run r;

	(void)state;
	run_args(&r, "peek", f, "0", "0", NULL);
	assert_output(&r, "\n");
	run_free(&r);
	assert_peek_refused(f, 2, argv, "0");
}

static void test_range_across_windows(void **state)
{
	/* Larger than one 4 MiB mapping window, at an odd offset. */
	size_t n = (5u << 20) + 123, off = 4000, len = n - off - 7;
	unsigned char *data = malloc(n);
	char *want = malloc(2 * len + 2), off_s[32], len_s[32];
	const char *f;
	struct run r;

	(void)state;
	assert_non_null(data);
	assert_non_null(want);
	fill_random(data, n, 7);
	f = write_file(tmp_path("windows"), data, n);
	hex_of(data + off, len, want);
	strcat(want, "\n");
	snprintf(off_s, sizeof(off_s), "%zu", off);
	snprintf(len_s, sizeof(len_s), "%zu", len);
	run_args(&r, "peek", f, off_s, len_s, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len, 2 * len + 1);
	assert_memory_equal(r.out, want, 2 * len + 1);
	run_free(&r);
	run_args(&r, "peek", "-f", "raw", f, off_s, len_s, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.out_len, len);
	assert_memory_equal(r.out, data + off, len);
	run_free(&r);
	free(data);
	free(want);
}

/* ---- -f ------------------------------------------------------------ */

static void test_format_raw(void **state)
{
	unsigned char data[64];
	const char *f;
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37);	/* NULs and newlines too */
	data[5] = 0;
	data[6] = '\n';
	f = write_file(tmp_path("raw"), data, sizeof(data));
	run_args(&r, "peek", "-f", "raw", f, "3", "50", NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_len, 0);
	assert_int_equal(r.out_len, 50);
	assert_memory_equal(r.out, data + 3, 50);
	run_free(&r);
	run_args(&r, "peek", "--format", "raw", f, "-1", NULL);
	assert_int_equal(r.out_len, 1);
	assert_int_equal((unsigned char)r.out[0], data[63]);
	run_free(&r);
	run_args(&r, "peek", "--format=hex", f, "0", "2", NULL);
	assert_output(&r, "0025\n");
	run_free(&r);
}

static void test_unknown_format_refused(void **state)
{
	const char *f = make_digits("badfmt");
	const char *argv[] = { "peek", "-f", "octal", f, "0", NULL };

	(void)state;
	assert_peek_refused(f, 2, argv, "octal");
}

/* Output of the shell command CMD (asserts it ran). */
static char *command_output(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 4096, n = 0, k;
	char *buf = malloc(cap);

	assert_non_null(p);
	assert_non_null(buf);
	while ((k = fread(buf + n, 1, cap - n, p)) > 0) {
		n += k;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	assert_int_equal(pclose(p), 0);
	*len = n;
	return buf;
}

/* peek -f FMT FILE OFF LEN against the reference command REF. */
static void check_dump_format(const char *fmt, const char *ref_fmt,
			      const char *prog, const char *off,
			      const char *len)
{
	unsigned char data[1000];
	char cmd[1024];
	const char *f;
	char *want;
	size_t want_len;
	struct run r;

	if (!have_program(prog)) {
		print_message("%s not installed: -f %s not compared\n", prog,
			      fmt);
		skip();
	}
	memset(data, 'A', sizeof(data));	/* repeated lines: squeezed */
	fill_random(data + 600, 300, 3);
	f = write_file(tmp_path("dumped"), data, sizeof(data));
	snprintf(cmd, sizeof(cmd), ref_fmt, off, len, f);
	want = command_output(cmd, &want_len);
	run_args(&r, "peek", "-f", fmt, f, off, len, NULL);
	if (r.out_len != want_len || memcmp(r.out, want, want_len) != 0)
		print_error("peek -f %s:\n%s\nreference (%s):\n%.*s\n", fmt,
			    r.out, cmd, (int)want_len, want);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.err_len, 0);
	assert_int_equal(r.out_len, want_len);
	assert_memory_equal(r.out, want, want_len);
	run_free(&r);
	free(want);
}

static void test_format_canonical_matches_hexdump(void **state)
{
	(void)state;
	check_dump_format("canonical", "hexdump -C -s %s -n %s '%s'",
			  "hexdump", "100", "700");
	/* An empty range prints nothing, as hexdump -n 0 does. */
	check_dump_format("canonical", "hexdump -C -s %s -n %s '%s'",
			  "hexdump", "100", "0");
}

static void test_format_xxd_matches_xxd(void **state)
{
	(void)state;
	check_dump_format("xxd", "xxd -s %s -l %s '%s'", "xxd", "37", "900");
}

static void test_format_plain_matches_xxd_p(void **state)
{
	(void)state;
	check_dump_format("plain", "xxd -p -s %s -l %s '%s'", "xxd", "5",
			  "200");
}

static void test_format_c_matches_xxd_i(void **state)
{
	(void)state;
	check_dump_format("c", "xxd -i -s %s -l %s '%s'", "xxd", "590", "40");
}

static void test_format_dump_offsets_absolute(void **state)
{
	const char *f = make_digits("absolute");
	struct run r;

	(void)state;
	run_args(&r, "peek", "-f", "canonical", f, "-6", "2", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "0000000a  ", 10) == 0);
	run_free(&r);
	run_args(&r, "peek", "-f", "xxd", f, "10", "2", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "0000000a: ", 10) == 0);
	run_free(&r);
}

/* ---- -t ------------------------------------------------------------ */

struct typed_case {
	const char *type;
	const char *hex;	/* the bytes in the file */
	const char *want;	/* what peek -t prints */
};

static const struct typed_case typed_cases[] = {
	{ "u8", "ff", "255\n" },
	{ "i8", "ff", "-1\n" },
	{ "i8", "80", "-128\n" },
	{ "u8le", "7f", "127\n" },
	{ "i8be", "7f", "127\n" },
	{ "u16le", "0102", "513\n" },
	{ "u16be", "0102", "258\n" },
	{ "i16le", "feff", "-2\n" },
	{ "i16be", "fffe", "-2\n" },
	{ "i16be", "8000", "-32768\n" },
	{ "u32le", "01020304", "67305985\n" },
	{ "u32be", "01020304", "16909060\n" },
	{ "i32le", "ffffff7f", "2147483647\n" },
	{ "i32be", "80000000", "-2147483648\n" },
	{ "u64le", "ffffffffffffffff", "18446744073709551615\n" },
	{ "u64be", "0102030405060708", "72623859790382856\n" },
	{ "i64le", "0000000000000080", "-9223372036854775808\n" },
	{ "i64be", "fffffffffffffffe", "-2\n" },
	{ "f32le", "0000c03f", "1.5\n" },
	{ "f32be", "3fc00000", "1.5\n" },
	{ "f32le", "cdcccc3d", "0.1\n" },
	{ "f64le", "9a9999999999b93f", "0.1\n" },
	{ "f64be", "3fb999999999999a", "0.1\n" },
	{ "f64be", "c004000000000000", "-2.5\n" },
};

static int hexval(int c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static size_t unhex(const char *hex, unsigned char *out)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++)
		out[i] = (unsigned char)(hexval(hex[2 * i]) << 4 |
					 hexval(hex[2 * i + 1]));
	return n;
}

static void test_type_every_type_le_be(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(typed_cases) / sizeof(typed_cases[0]);
	     i++) {
		const struct typed_case *c = &typed_cases[i];
		unsigned char bytes[16];
		size_t n = unhex(c->hex, bytes);
		const char *f = write_file(tmp_path("typed"), bytes, n);
		struct run r;

		/* LENGTH defaults to one value of TYPE. */
		run_args(&r, "peek", "-t", c->type, f, "0", NULL);
		if (r.status != 0 || strcmp(r.out, c->want) != 0)
			print_error("-t %s on %s: [%s] want [%s] (%s)\n",
				    c->type, c->hex, r.out, c->want, r.err);
		assert_output(&r, c->want);
		run_free(&r);
	}
}

/* The byte order of the host mmtool runs on (big under check-s390x). */
static int host_is_little_endian(void)
{
	return !mmtool_big_endian();
}

static void test_type_without_suffix_is_host_order(void **state)
{
	const char *f = write_file(tmp_path("host"), "\x01\x02\x03\x04", 4);
	struct run r;

	(void)state;
	run_args(&r, "peek", "-t", "u16", f, "0", NULL);
	assert_output(&r, host_is_little_endian() ? "513\n" : "258\n");
	run_free(&r);
	run_args(&r, "peek", "--type", "u32", f, "0", NULL);
	assert_output(&r, host_is_little_endian() ? "67305985\n" :
		      "16909060\n");
	run_free(&r);
}

static void test_type_values_one_per_line(void **state)
{
	const unsigned char data[] = { 1, 0, 2, 0, 0xff, 0xff, 0x10, 0x27 };
	const char *f = write_file(tmp_path("perline"), data, sizeof(data));
	struct run r;

	(void)state;
	run_args(&r, "peek", "-t", "u16le", f, "0", "8", NULL);
	assert_output(&r, "1\n2\n65535\n10000\n");
	run_free(&r);
	run_args(&r, "peek", "-t", "i16le", f, "4", "4", NULL);
	assert_output(&r, "-1\n10000\n");
	run_free(&r);
	/* A typed read of zero values prints nothing. */
	run_args(&r, "peek", "-t", "u32", f, "0", "0", NULL);
	assert_output(&r, "");
	run_free(&r);
}

/* Put N values of SIZE bytes from SRC into DST in the byte order of the
 * host mmtool runs on, which under check-s390x is not the test's own. */
static void to_mmtool_order(unsigned char *dst, const void *src, size_t n,
			    size_t size)
{
	const uint16_t one = 1;
	int test_little = *(const unsigned char *)&one == 1;

	memcpy(dst, src, n * size);
	if (test_little == host_is_little_endian())
		return;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < size / 2; j++) {
			unsigned char t = dst[i * size + j];

			dst[i * size + j] = dst[i * size + size - 1 - j];
			dst[i * size + size - 1 - j] = t;
		}
}

static void test_type_floats_read_back_exactly(void **state)
{
	const double dv[] = { 0.1, 1.0 / 3, 1e300, 5e-324, -2.5, DBL_MAX,
			      DBL_MIN, 123456789.123456789, -0.0, 2.0 / 3 };
	const float fv[] = { 0.1f, 1.0f / 3, 3.4e38f, 1e-45f, -2.5f,
			     FLT_MIN, 16777217.0f, 0.3f };
	size_t nd = sizeof(dv) / sizeof(dv[0]), nf = sizeof(fv) / sizeof(fv[0]);
	unsigned char buf[sizeof(dv)];
	char len_s[16];
	const char *f;
	struct run r;
	char *line, *save = NULL;
	size_t i;

	(void)state;
	to_mmtool_order(buf, dv, nd, sizeof(dv[0]));
	f = write_file(tmp_path("f64"), buf, sizeof(dv));
	snprintf(len_s, sizeof(len_s), "%zu", sizeof(dv));
	run_args(&r, "peek", "-t", "f64", f, "0", len_s, NULL);
	assert_int_equal(r.status, 0);
	for (i = 0, line = strtok_r(r.out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), i++) {
		double d = strtod(line, NULL);

		assert_true(i < nd);
		if (memcmp(&d, &dv[i], sizeof(d)) != 0)
			print_error("f64 %.17g printed as %s\n", dv[i], line);
		assert_memory_equal(&d, &dv[i], sizeof(d));
	}
	assert_int_equal(i, nd);
	run_free(&r);

	to_mmtool_order(buf, fv, nf, sizeof(fv[0]));
	f = write_file(tmp_path("f32"), buf, sizeof(fv));
	snprintf(len_s, sizeof(len_s), "%zu", sizeof(fv));
	run_args(&r, "peek", "-t", "f32", f, "0", len_s, NULL);
	assert_int_equal(r.status, 0);
	for (i = 0, line = strtok_r(r.out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save), i++) {
		float v = strtof(line, NULL);

		assert_true(i < nf);
		if (memcmp(&v, &fv[i], sizeof(v)) != 0)
			print_error("f32 %.9g printed as %s\n", fv[i], line);
		assert_memory_equal(&v, &fv[i], sizeof(v));
	}
	assert_int_equal(i, nf);
	run_free(&r);
}

static void test_type_length_not_multiple_refused(void **state)
{
	const char *f = make_digits("notmult");
	const char *argv[] = { "peek", "-t", "u32", f, "0", "6", NULL };
	const char *argv2[] = { "peek", "-t", "f64be", f, "0", "4", NULL };

	(void)state;
	assert_peek_refused(f, 2, argv, "6");
	assert_peek_refused(f, 2, argv2, "4");
}

static void test_type_default_length_past_end_refused(void **state)
{
	const char *f = make_digits("typeend");
	const char *argv[] = { "peek", "-t", "u64", f, "-4", NULL };

	(void)state;
	/* One u64 is 8 bytes: 4 are left. */
	assert_peek_refused(f, 2, argv, "16");
}

static void test_type_unknown_refused(void **state)
{
	const char *f = make_digits("badtype");
	const char *argv[] = { "peek", "-t", "u24", f, "0", NULL };
	const char *argv2[] = { "peek", "-t", "u16xe", f, "0", NULL };
	const char *argv3[] = { "peek", "-t", "u8", "-f", "raw", f, "0", NULL };

	(void)state;
	assert_peek_refused(f, 2, argv, "u24");
	assert_peek_refused(f, 2, argv2, "u16xe");
	/* -t is not combined with -f. */
	assert_peek_refused(f, 2, argv3, NULL);
}

/* ---- --expect ------------------------------------------------------ */

static void test_expect_equal(void **state)
{
	const char *f = make_digits("expeq");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_args(&r, "peek", "--expect", "30313233", f, "0", NULL);
	assert_output(&r, "");
	run_free(&r);
	/* LENGTH defaults to the expected length: byte 4 is not compared. */
	run_args(&r, "peek", "--expect", "6364", f, "-4", NULL);
	assert_output(&r, "");
	run_free(&r);
	/* An explicit LENGTH equal to it is fine; hex grammar as poke's. */
	run_args(&r, "peek", "--expect", "0x38:39 61", f, "8", "3", NULL);
	assert_output(&r, "");
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

static void test_expect_different(void **state)
{
	const char *f = make_digits("expne");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_args(&r, "peek", "--expect", "ff", f, "0x0a", NULL);
	/* exit 1; stderr names the offset, found and expected bytes */
	assert_refused(&r, 1);
	assert_true(strstr(r.err, "0xa") != NULL ||
		    strstr(r.err, " 10") != NULL);
	assert_err_contains(&r, "61");
	assert_err_contains(&r, "ff");
	assert_err_contains(&r, f);
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

static void test_expect_on_file_too_short(void **state)
{
	const char *f = make_digits("expshort");
	const char *argv[] = { "peek", "--expect", "6566ffff", f, "14", NULL };

	(void)state;
	/* The range [14, 18) is outside the file: trouble, not "different". */
	assert_peek_refused(f, 2, argv, "16");
}

static void test_expect_bad_hex_or_length_refused(void **state)
{
	const char *f = make_digits("expbad");
	const char *odd[] = { "peek", "--expect", "303", f, "0", NULL };
	const char *empty[] = { "peek", "--expect", "", f, "0", NULL };
	const char *len[] = { "peek", "--expect", "30", f, "0", "2", NULL };
	const char *fmt[] = { "peek", "--expect", "30", "-f", "raw", f, "0",
			      NULL };

	(void)state;
	assert_peek_refused(f, 2, odd, "303");
	assert_peek_refused(f, 2, empty, NULL);
	assert_peek_refused(f, 2, len, NULL);
	assert_peek_refused(f, 2, fmt, NULL);
}

/* ---- poke g 0 "$(peek f 0 16)" ------------------------------------- */

static void test_copy_round_trip(void **state)
{
	unsigned char src[1000], dst[1000];
	const char *f, *g;
	unsigned char *back;
	size_t n;
	struct run r, w;

	(void)state;
	fill_random(src, sizeof(src), 11);
	memset(dst, 0, sizeof(dst));
	f = write_file(tmp_path("copysrc"), src, sizeof(src));
	g = write_file(tmp_path("copydst"), dst, sizeof(dst));
	run_args(&r, "peek", f, "0", "1000", NULL);
	assert_int_equal(r.status, 0);
	/* "$(...)" strips the newline. */
	assert_int_equal(r.out[r.out_len - 1], '\n');
	r.out[--r.out_len] = '\0';
	run_args(&w, "poke", g, "0", r.out, NULL);
	assert_output(&w, "");
	run_free(&w);
	back = read_file(g, &n);
	assert_int_equal(n, sizeof(src));
	assert_memory_equal(back, src, n);
	free(back);
	run_free(&r);

	/* The output with its newline is taken too (a blank separator). */
	g = write_file(tmp_path("copydst2"), dst, 16);
	run_args(&r, "peek", f, "-16", "16", NULL);
	run_args(&w, "poke", g, "0", r.out, NULL);
	assert_output(&w, "");
	back = read_file(g, &n);
	assert_int_equal(n, 16);
	assert_memory_equal(back, src + 1000 - 16, 16);
	free(back);
	run_free(&w);
	run_free(&r);
}

/* ---- kinds of file ------------------------------------------------- */

static void test_directory_refused(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "peek", test_tmpdir(), "0", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "Is a directory");
	assert_err_contains(&r, test_tmpdir());
	run_free(&r);
}

static void test_missing_file_refused(void **state)
{
	const char *f = tmp_path("no-such-file");
	struct run r;

	(void)state;
	run_args(&r, "peek", f, "0", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No such file or directory");
	assert_err_contains(&r, f);
	assert_int_equal(access(f, F_OK), -1);
	run_free(&r);
}

static void test_proc_file_read_as_stream(void **state)
{
	const char *argv[] = { "peek", "/proc/self/status", "-1", NULL };
	struct run r;

	(void)state;
	if (access("/proc/self/status", R_OK) != 0)
		skip();
	/* st_size is 0 there: only read(2) finds the bytes. */
	run_args(&r, "peek", "/proc/self/status", "0", "5", NULL);
	assert_output(&r, "4e616d653a\n");	/* "Name:" */
	run_free(&r);
	run_args(&r, "peek", "-f", "raw", "/proc/self/status", "1", "3",
		 NULL);
	assert_output(&r, "ame");
	run_free(&r);
	/* A negative offset needs the size, which a stream does not have. */
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	assert_err_contains(&r, "/proc/self/status");
	run_free(&r);
}

static void test_char_device_read_as_stream(void **state)
{
	const char *argv[] = { "peek", "/dev/null", "0", NULL };
	struct run r;

	(void)state;
	/* A positive offset skips by reading. */
	run_args(&r, "peek", "/dev/zero", "1M", "4", NULL);
	assert_output(&r, "00000000\n");
	run_free(&r);
	run_args(&r, "peek", "-t", "u32", "/dev/zero", "8", NULL);
	assert_output(&r, "0\n");
	run_free(&r);
	run_args(&r, "peek", "--expect", "00000000", "/dev/zero", "3", NULL);
	assert_output(&r, "");
	run_free(&r);
	/* A stream that ends before the range: exit 2. */
	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	assert_err_contains(&r, "/dev/null");
	run_free(&r);
}

static void test_sys_file_read_as_stream(void **state)
{
	static const char *const candidates[] = {
		"/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/kernel/kexec_loaded", "/sys/power/state",
		"/sys/devices/system/cpu/online",
	};
	const char *path = NULL;
	unsigned char *want;
	char *hex, len_s[32];
	size_t n;
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]);
	     i++) {
		int fd = open(candidates[i], O_RDONLY);
		char c;

		if (fd >= 0 && read(fd, &c, 1) == 1)
			path = candidates[i];
		if (fd >= 0)
			close(fd);
		if (path != NULL)
			break;
	}
	if (path == NULL)
		skip();
	/* st_size says 4096 there, whatever the file holds. */
	want = read_file(path, &n);
	assert_true(n > 0 && n < 4096);
	hex = malloc(2 * n + 2);
	assert_non_null(hex);
	hex_of(want, n, hex);
	strcat(hex, "\n");
	snprintf(len_s, sizeof(len_s), "%zu", n);
	run_args(&r, "peek", path, "0", len_s, NULL);
	assert_output(&r, hex);
	run_free(&r);
	free(hex);
	free(want);
}

/* A child that opens FIFO for writing, writes DATA, and exits. */
static pid_t fifo_writer(const char *fifo, const void *data, size_t len)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd;

		signal(SIGPIPE, SIG_IGN);
		alarm(20);	/* never outlive a test that failed early */
		fd = open(fifo, O_WRONLY);
		if (fd >= 0) {
			if (write(fd, data, len) < 0)
				_exit(1);
			close(fd);
		}
		_exit(0);
	}
	return pid;
}

static void wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
}

static void test_fifo_read_as_stream(void **state)
{
	const char *fifo = tmp_path("peekfifo");
	const char *neg[] = { "peek", fifo, "-4", NULL };
	const char *past[] = { "peek", fifo, "10", "10", NULL };
	struct run r;
	pid_t pid;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(30);
	pid = fifo_writer(fifo, digits16, 16);
	run_args(&r, "peek", fifo, "3", "4", NULL);
	assert_output(&r, "33343536\n");
	run_free(&r);
	wait_child(pid);

	pid = fifo_writer(fifo, digits16, 16);
	run_args(&r, "peek", "-t", "u8", fifo, "10", NULL);
	assert_output(&r, "97\n");
	run_free(&r);
	wait_child(pid);

	pid = fifo_writer(fifo, digits16, 16);
	run_mmtool(&r, NULL, 0, neg);
	assert_refused(&r, 2);
	run_free(&r);
	wait_child(pid);

	/* The stream ends after 16 bytes: [10, 20) is outside, exit 2 and
	 * nothing printed. */
	pid = fifo_writer(fifo, digits16, 16);
	run_mmtool(&r, NULL, 0, past);
	assert_refused(&r, 2);
	assert_err_contains(&r, "16");
	run_free(&r);
	wait_child(pid);
	alarm(0);
	unlink(fifo);
}

/*
 * FILE - is standard input, as for hexdump and find; a regular file there
 * is read from its position, and offsets count from there (issue 8, item
 * 8: peek had no -, and the mapping began at byte 0).
 */
static void test_stdin_dash_from_position(void **state)
{
	const char *f = tmp_path("pos.bin");
	const char *first[] = { "peek", "-", "0", "4", NULL };
	const char *last[] = { "peek", "-", "-4", "4", NULL };
	const char *canon[] = { "peek", "-f", "canonical", "-", "2", "3",
				NULL };
	const char *c[] = { "peek", "-f", "c", "-", "0", "2", NULL };
	const char *before[] = { "peek", "-", "-32", "1", NULL };
	struct run r;

	(void)state;
	write_file(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36);
	run_stdin_at(&r, f, 5, first);
	assert_output(&r, "46474849\n");
	run_free(&r);
	run_stdin_at(&r, f, 5, last);
	assert_output(&r, "36373839\n");
	run_free(&r);
	run_stdin_at(&r, f, 5, canon);
	assert_output(&r, "00000002  48 49 4a                              "
		      "            |HIJ|\n00000005\n");
	run_free(&r);
	/* No variable name for standard input, as xxd -i. */
	run_stdin_at(&r, f, 5, c);
	assert_output(&r, "  0x46, 0x47\n");
	run_free(&r);
	run_stdin_at(&r, f, 5, before);
	assert_refused(&r, 2);
	assert_err_contains(&r, "standard input (31 bytes)");
	run_free(&r);
	/* A pipe on standard input. */
	run_mmtool(&r, "0123456789", 10, first);
	assert_output(&r, "30313233\n");
	run_free(&r);
}

/*
 * A stream shorter than OFFSET: the message says how many bytes it had,
 * not OFFSET plus what was kept (issue 8, item 12: "it ended after 3000
 * bytes" for a 1397-byte /proc file, "100" for a 10-byte pipe).
 */
static void test_short_stream_length_reported(void **state)
{
	const char *dash[] = { "peek", "-", "100", "4", NULL };
	const char *dev[] = { "peek", "/dev/stdin", "100", "4", NULL };
	const char *mid[] = { "peek", "-", "5", "8", NULL };
	const char *one[] = { "peek", "-", "5", "8", NULL };
	const char *status[] = { "peek", "/proc/self/status", "30000", "4",
				 NULL };
	unsigned long n = 0;
	const char *at;
	struct run r;

	(void)state;
	run_mmtool(&r, "root:x:0:0", 10, dash);
	assert_refused(&r, 2);
	assert_err_contains(&r, "range [100, 104) is outside standard input "
			    "(it ended after 10 bytes)");
	run_free(&r);
	run_mmtool(&r, "root:x:0:0", 10, dev);
	assert_refused(&r, 2);
	assert_err_contains(&r, "(it ended after 10 bytes)");
	run_free(&r);
	run_mmtool(&r, "root:x:0:0", 10, mid);
	assert_refused(&r, 2);
	assert_err_contains(&r, "range [5, 13) is outside standard input (it "
			    "ended after 10 bytes)");
	run_free(&r);
	run_mmtool(&r, "r", 1, one);
	assert_refused(&r, 2);
	assert_err_contains(&r, "(it ended after 1 byte)");
	run_free(&r);
	if (access("/proc/self/status", R_OK) != 0) {
		print_message("skipped the /proc part: no /proc/self/status\n");
		return;
	}
	run_mmtool(&r, NULL, 0, status);
	assert_refused(&r, 2);
	at = strstr(r.err, "(it ended after ");
	assert_non_null(at);
	assert_int_equal(sscanf(at, "(it ended after %lu bytes)", &n), 1);
	/* mmtool's own status: some hundreds of bytes, never 30000. */
	assert_true(n > 100 && n < 30000);
	run_free(&r);
}

/* ---- big files, files that change ---------------------------------- */

static void test_sparse_64gib_end(void **state)
{
	const char *f = tmp_path("sparse64");
	const off_t size = (off_t)64 << 30;
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct run r;

	(void)state;
	assert_true(fd >= 0);
	if (ftruncate(fd, size) != 0) {
		close(fd);
		unlink(f);
		skip();
	}
	assert_int_equal(pwrite(fd, "\xde\xad\xbe\xef", 4, size - 4), 4);
	assert_int_equal(pwrite(fd, "\x11\x22", 2, (off_t)1 << 32), 2);
	close(fd);
	run_args(&r, "peek", f, "-4", "4", NULL);
	assert_output(&r, "deadbeef\n");
	run_free(&r);
	run_args(&r, "peek", f, "68719476732", NULL);	/* 64 GiB - 4 */
	assert_output(&r, "de\n");
	run_free(&r);
	/* Across the 4 GiB line, 64-bit offsets. */
	run_args(&r, "peek", f, "0xffffffff", "3", NULL);
	assert_output(&r, "001122\n");
	run_free(&r);
	run_args(&r, "peek", "-t", "u32be", f, "64G", NULL);
	assert_refused(&r, 2);
	run_free(&r);
	/* Offsets past 4 GiB print at full width. */
	run_args(&r, "peek", "-f", "canonical", f, "4G", "2", NULL);
	assert_int_equal(r.status, 0);
	assert_true(strncmp(r.out, "100000000  11 22", 16) == 0);
	run_free(&r);
	unlink(f);
}

static void test_file_shrinking_under_mapping(void **state)
{
	const char *f = tmp_path("shrinking");
	const char *argv[] = { mmtool_path(), "peek", f, "0", "64M", NULL };
	posix_spawn_file_actions_t fa;
	char buf[65536], err[4096];
	size_t nerr = 0;
	int out[2], errp[2], status;
	struct timespec pause = { 0, 100000000 };
	struct pollfd p;
	pid_t pid;
	ssize_t n;

	(void)state;
	write_file(f, "", 0);
	assert_int_equal(truncate(f, 64 << 20), 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(errp), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	posix_spawn_file_actions_addclose(&fa, errp[0]);
	posix_spawn_file_actions_addclose(&fa, out[1]);
	posix_spawn_file_actions_addclose(&fa, errp[1]);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL,
				     (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(errp[1]);
	/* Wait for output: peek is then inside the range and soon blocked
	 * on the full pipe, holding a mapping of the file. */
	p.fd = out[0];
	p.events = POLLIN;
	assert_int_equal(poll(&p, 1, 20000), 1);
	nanosleep(&pause, NULL);
	assert_int_equal(truncate(f, 0), 0);
	while ((n = read(out[0], buf, sizeof(buf))) > 0)
		;
	while ((n = read(errp[0], err + nerr, sizeof(err) - 1 - nerr)) > 0)
		nerr += (size_t)n;
	err[nerr] = '\0';
	close(out[0]);
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	if (!WIFEXITED(status))
		print_error("peek died of signal %d\n", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_non_null(strstr(err, "file changed size while being read"));
	assert_true(strncmp(err, "mmtool: peek: ", 14) == 0);
	unlink(f);
}

static void test_peek_leaves_file_alone(void **state)
{
	const char *f = make_digits("alone");
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_args(&r, "peek", f, "0", "16", NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	run_args(&r, "peek", "-t", "u64", f, "8", NULL);
	assert_int_equal(r.status, 0);
	run_free(&r);
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_length_is_one_byte),
		cmocka_unit_test(test_hex_is_lowercase_one_line),
		cmocka_unit_test(test_length_zero),
		cmocka_unit_test(test_negative_offset_reads_last_bytes),
		cmocka_unit_test(test_minus_zero_is_end_of_file),
		cmocka_unit_test(test_negative_offset_before_start_refused),
		cmocka_unit_test(test_range_outside_names_range_and_size),
		cmocka_unit_test(test_range_check_does_not_wrap),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_range_across_windows),
		cmocka_unit_test(test_format_raw),
		cmocka_unit_test(test_unknown_format_refused),
		cmocka_unit_test(test_format_canonical_matches_hexdump),
		cmocka_unit_test(test_format_xxd_matches_xxd),
		cmocka_unit_test(test_format_plain_matches_xxd_p),
		cmocka_unit_test(test_format_c_matches_xxd_i),
		cmocka_unit_test(test_format_dump_offsets_absolute),
		cmocka_unit_test(test_type_every_type_le_be),
		cmocka_unit_test(test_type_without_suffix_is_host_order),
		cmocka_unit_test(test_type_values_one_per_line),
		cmocka_unit_test(test_type_floats_read_back_exactly),
		cmocka_unit_test(test_type_length_not_multiple_refused),
		cmocka_unit_test(test_type_default_length_past_end_refused),
		cmocka_unit_test(test_type_unknown_refused),
		cmocka_unit_test(test_expect_equal),
		cmocka_unit_test(test_expect_different),
		cmocka_unit_test(test_expect_on_file_too_short),
		cmocka_unit_test(test_expect_bad_hex_or_length_refused),
		cmocka_unit_test(test_copy_round_trip),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_missing_file_refused),
		cmocka_unit_test(test_proc_file_read_as_stream),
		cmocka_unit_test(test_char_device_read_as_stream),
		cmocka_unit_test(test_sys_file_read_as_stream),
		cmocka_unit_test(test_fifo_read_as_stream),
		cmocka_unit_test(test_stdin_dash_from_position),
		cmocka_unit_test(test_short_stream_length_reported),
		cmocka_unit_test(test_sparse_64gib_end),
		cmocka_unit_test(test_file_shrinking_under_mapping),
		cmocka_unit_test(test_peek_leaves_file_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
