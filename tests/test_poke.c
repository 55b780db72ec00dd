/*
 * test_poke.c - end-to-end tests of `mmtool poke` against SPEC.md: DATA in
 * hex, -s, -t, -i, --expect, --grow, -v, the kinds of file poke refuses,
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

/*
 * Run ARGV (stdin STDIN_DATA, LEN bytes, or /dev/null when NULL) and
 * assert a refusal with STATUS whose message contains MSG (unless NULL),
 * with PATH unchanged: bytes, size and mtime.
 */
static void assert_poke_refused_in(const char *path, int status,
				   const void *stdin_data, size_t len,
				   const char *const *argv, const char *msg)
{
	struct snapshot s;
	struct run r;

	snapshot_take(&s, path);
	run_mmtool(&r, stdin_data, len, argv);
	assert_refused(&r, status);
	if (msg != NULL)
		assert_err_contains(&r, msg);
	snapshot_assert_same(&s, path);
	snapshot_free(&s);
	run_free(&r);
}

static void assert_poke_refused(const char *path, int status,
				const char *const *argv, const char *msg)
{
	assert_poke_refused_in(path, status, NULL, 0, argv, msg);
}

/* ---- hexadecimal DATA ---------------------------------------------- */

static void test_hex_with_separators(void **state)
{
	const char *f = make_digits("sep");
	struct run r;

	(void)state;
	run_args(&r, "poke", f, "0", "de:ad be ef", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "\xde\xad\xbe\xef" "456789abcdef", 16);
	run_args(&r, "poke", f, "4", "01\t02\n03::04", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "\xde\xad\xbe\xef\x01\x02\x03\x04" "89abcdef", 16);
}

static void test_hex_0x_prefix_and_operands_joined(void **state)
{
	const char *f = make_digits("0x");
	struct run r;

	(void)state;
	run_args(&r, "poke", f, "0", "0xdeadbeef", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "\xde\xad\xbe\xef" "456789abcdef", 16);
	/* Operands are joined; each may carry 0x; digits in either case. */
	run_args(&r, "poke", f, "8", "0XAB", "cD", "0x01:0x02", "EF", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "\xde\xad\xbe\xef" "4567\xab\xcd\x01\x02\xef" "def",
		    16);
}

static void test_hex_odd_digits_refused(void **state)
{
	const char *f = make_digits("odd");
	const char *a1[] = { "poke", f, "0", "abc", NULL };
	const char *a2[] = { "poke", f, "0", "de", "a", NULL };
	const char *a3[] = { "poke", f, "0", "d e", NULL };
	const char *a4[] = { "poke", f, "0", "de:a:d0", NULL };

	(void)state;
	assert_poke_refused(f, 2, a1, NULL);
	/* A pair never spans two operands or a separator. */
	assert_poke_refused(f, 2, a2, NULL);
	assert_poke_refused(f, 2, a3, NULL);
	assert_poke_refused(f, 2, a4, NULL);
}

static void test_hex_other_characters_refused(void **state)
{
	const char *f = make_digits("badchar");
	const char *bad[] = { "zz", "de-ad", "de,ad", "0x", "0xde0xad", "g0",
			      "de ad!", "+1", "\xc3\xa9" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { "poke", f, "0", bad[i], NULL };

		assert_poke_refused(f, 2, argv, NULL);
	}
}

static void test_zero_bytes_refused(void **state)
{
	const char *f = make_digits("zero");
	const char *empty = write_file(tmp_path("zero-input"), "", 0);
	const char *a1[] = { "poke", f, "0", "", NULL };
	const char *a2[] = { "poke", f, "0", " : ", "", NULL };
	const char *a3[] = { "poke", "-s", f, "0", "", NULL };
	const char *a4[] = { "poke", "-i", empty, f, "0", NULL };
	const char *a5[] = { "poke", "-i", "-", f, "0", NULL };
	const char *a6[] = { "poke", f, "0", NULL };
	const char *a7[] = { "poke", "--grow", f, "16", "", NULL };

	(void)state;
	assert_poke_refused(f, 2, a1, NULL);
	assert_poke_refused(f, 2, a2, NULL);
	assert_poke_refused(f, 2, a3, NULL);
	assert_poke_refused(f, 2, a4, NULL);
	assert_poke_refused_in(f, 2, "", 0, a5, NULL);
	/* No DATA operand at all. */
	assert_poke_refused(f, 2, a6, NULL);
	assert_poke_refused(f, 2, a7, NULL);
}

/* ---- -s ------------------------------------------------------------ */

static void test_string_written_as_bytes(void **state)
{
	const char *f = make_digits("string");
	struct run r;

	(void)state;
	/* No escapes, no NUL added: exactly the operand's bytes. */
	run_args(&r, "poke", "-s", f, "2", "a\\nb c", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "01a\\nb c89abcdef", 16);
	run_args(&r, "poke", "--string", f, "-1", "Z", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "01a\\nb c89abcdeZ", 16);
	/* "de ad" as a string is five bytes, not hex. */
	run_args(&r, "poke", "-s", f, "0", "de ad", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "de adb c89abcdeZ", 16);
}

static void test_string_takes_one_operand(void **state)
{
	const char *f = make_digits("string2");
	const char *a1[] = { "poke", "-s", f, "0", "ab", "cd", NULL };
	const char *a2[] = { "poke", "-s", "-t", "u8", f, "0", "1", NULL };
	const char *a3[] = { "poke", "-s", "-i", "-", f, "0", "x", NULL };
	const char *a4[] = { "poke", "-t", "u8", "-i", "-", f, "0", NULL };

	(void)state;
	assert_poke_refused(f, 2, a1, NULL);
	/* -s, -t and -i exclude one another. */
	assert_poke_refused(f, 2, a2, NULL);
	assert_poke_refused(f, 2, a3, NULL);
	assert_poke_refused_in(f, 2, "xy", 2, a4, NULL);
}

/* ---- -t ------------------------------------------------------------ */

struct typed_case {
	const char *type;
	const char *value;
	const char *bytes;
	size_t len;
};

static const struct typed_case typed_cases[] = {
	{ "u8", "255", "\xff", 1 },
	{ "u8", "0x7f", "\x7f", 1 },
	{ "i8", "-1", "\xff", 1 },
	{ "i8", "-128", "\x80", 1 },
	{ "i8be", "127", "\x7f", 1 },
	{ "u16le", "65535", "\xff\xff", 2 },
	{ "u16le", "0x1234", "\x34\x12", 2 },
	{ "u16be", "0x1234", "\x12\x34", 2 },
	{ "i16le", "-2", "\xfe\xff", 2 },
	{ "i16be", "-32768", "\x80\x00", 2 },
	{ "u32le", "16909060", "\x04\x03\x02\x01", 4 },
	{ "u32be", "16909060", "\x01\x02\x03\x04", 4 },
	{ "i32le", "-2147483648", "\x00\x00\x00\x80", 4 },
	{ "i32be", "2147483647", "\x7f\xff\xff\xff", 4 },
	{ "u64le", "18446744073709551615", "\xff\xff\xff\xff\xff\xff\xff\xff",
	  8 },
	{ "u64be", "0x0102030405060708", "\x01\x02\x03\x04\x05\x06\x07\x08",
	  8 },
	{ "i64le", "-9223372036854775808", "\x00\x00\x00\x00\x00\x00\x00\x80",
	  8 },
	{ "i64be", "-2", "\xff\xff\xff\xff\xff\xff\xff\xfe", 8 },
	{ "f32le", "1.5", "\x00\x00\xc0\x3f", 4 },
	{ "f32be", "-2", "\xc0\x00\x00\x00", 4 },
	{ "f32le", "0.1", "\xcd\xcc\xcc\x3d", 4 },
	{ "f64le", "0.1", "\x9a\x99\x99\x99\x99\x99\xb9\x3f", 8 },
	{ "f64be", "0.1", "\x3f\xb9\x99\x99\x99\x99\x99\x9a", 8 },
	{ "f64be", "-2.5", "\xc0\x04\x00\x00\x00\x00\x00\x00", 8 },
};

static void test_type_every_type_le_be(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(typed_cases) / sizeof(typed_cases[0]);
	     i++) {
		const struct typed_case *c = &typed_cases[i];
		unsigned char want[16];
		const char *f = make_digits("typed");
		struct run r;

		run_args(&r, "poke", "-t", c->type, f, "4", c->value, NULL);
		if (r.status != 0)
			print_error("-t %s %s: %s", c->type, c->value, r.err);
		assert_output(&r, "");
		run_free(&r);
		memcpy(want, digits16, 16);
		memcpy(want + 4, c->bytes, c->len);
		assert_file(f, want, 16);
	}
}

/* The byte order of the host mmtool runs on (big under check-s390x). */
static int host_is_little_endian(void)
{
	return !mmtool_big_endian();
}

static void test_type_host_order_and_several_values(void **state)
{
	const char *f = make_digits("typed2");
	struct run r;

	(void)state;
	run_args(&r, "poke", "-t", "u16", f, "0", "0x0102", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, host_is_little_endian() ? "\x02\x01" "23456789abcdef" :
		    "\x01\x02" "23456789abcdef", 16);
	/* Several operands, each a value of TYPE, one after another. */
	run_args(&r, "poke", "--type", "u16le", f, "2", "1", "2", "0xffff",
		 NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, host_is_little_endian() ?
		    "\x02\x01\x01\x00\x02\x00\xff\xff" "89abcdef" :
		    "\x01\x02\x01\x00\x02\x00\xff\xff" "89abcdef", 16);
}

static void test_type_range_errors(void **state)
{
	static const char *const bad[][2] = {
		{ "u8", "256" }, { "i8", "-129" }, { "i8", "128" },
		{ "u8", "-1" }, { "u16", "65536" }, { "i16", "32768" },
		{ "i16be", "-32769" }, { "u32le", "4294967296" },
		{ "i32", "-2147483649" }, { "u64", "18446744073709551616" },
		{ "i64", "9223372036854775808" }, { "u8", "1x" },
		{ "u8", "" }, { "u8", " 1" }, { "u16", "1K" }, { "u8", "-" },
		{ "f32", "1e39" }, { "f64", "1e309" }, { "f64", "abc" },
		{ "f32", "1.5 " },
	};
	const char *f = make_digits("range");

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { "poke", "-t", bad[i][0], f, "0",
				       bad[i][1], NULL };

		assert_poke_refused(f, 2, argv, NULL);
	}
}

static void test_type_one_bad_value_writes_nothing(void **state)
{
	const char *f = make_digits("typebad");
	const char *a1[] = { "poke", "-t", "u8", f, "0", "1", "2", "300",
			     NULL };
	const char *a2[] = { "poke", "-t", "u128", f, "0", "1", NULL };
	const char *a3[] = { "poke", "-t", "u8", f, "0", NULL };

	(void)state;
	assert_poke_refused(f, 2, a1, "300");
	assert_poke_refused(f, 2, a2, "u128");
	/* No values: zero bytes. */
	assert_poke_refused(f, 2, a3, NULL);
}

/* ---- -i ------------------------------------------------------------ */

static void test_input_file(void **state)
{
	unsigned char target[20000], input[10000], want[20000];
	const char *f, *in;
	struct run r;

	(void)state;
	fill_random(target, sizeof(target), 1);
	fill_random(input, sizeof(input), 2);
	f = write_file(tmp_path("inputtarget"), target, sizeof(target));
	in = write_file(tmp_path("inputfile"), input, sizeof(input));
	run_args(&r, "poke", "-i", in, f, "4000", NULL);
	assert_output(&r, "");
	run_free(&r);
	memcpy(want, target, sizeof(want));
	memcpy(want + 4000, input, sizeof(input));
	assert_file(f, want, sizeof(want));
	/* The input file itself is only read. */
	assert_file(in, input, sizeof(input));
	run_args(&r, "poke", "--input", in, f, "-10000", NULL);
	assert_output(&r, "");
	run_free(&r);
	memcpy(want + 10000, input, sizeof(input));
	assert_file(f, want, sizeof(want));
}

static void test_input_stdin(void **state)
{
	const char *f = make_digits("stdin");
	const char *argv[] = { "poke", "-i", "-", f, "3", NULL };
	struct run r;

	(void)state;
	run_mmtool(&r, "\x00\xffXY", 4, argv);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "012\x00\xffXY789abcdef", 16);
}

/*
 * -i - with a regular file on standard input writes what remains from its
 * position, as `cat` would pass it on (issue 8, item 8: the whole file was
 * written).
 */
static void test_input_stdin_from_position(void **state)
{
	const char *f = make_digits("stdinpos");
	const char *in = write_file(tmp_path("stdinpos.in"), "ABCDEFGH", 8);
	const char *argv[] = { "poke", "-i", "-", f, "2", NULL };
	const char *past[] = { "poke", "-i", "-", f, "2", NULL };
	struct run r;

	(void)state;
	run_stdin_at(&r, in, 5, argv);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "01FGH56789abcdef", 16);
	/* At the end: nothing remains, which is zero bytes of data. */
	run_stdin_at(&r, in, 8, past);
	assert_refused(&r, 2);
	run_free(&r);
	assert_file(f, "01FGH56789abcdef", 16);
}

static void test_input_errors(void **state)
{
	const char *f = make_digits("inerr");
	const char *missing = tmp_path("no-such-input");
	const char *a1[] = { "poke", "-i", missing, f, "0", NULL };
	const char *a2[] = { "poke", "-i", test_tmpdir(), f, "0", NULL };
	const char *a3[] = { "poke", "-i", "-", f, "0", "41", NULL };
	const char *a4[] = { "poke", "-i", "-", f, "10", NULL };

	(void)state;
	assert_poke_refused(f, 2, a1, missing);
	assert_poke_refused(f, 2, a2, "Is a directory");
	/* -i takes no DATA operand. */
	assert_poke_refused_in(f, 2, "x", 1, a3, NULL);
	/* Input is read first; then the range: 10 + 7 > 16. */
	assert_poke_refused_in(f, 2, "1234567", 7, a4, "16");
}

/* ---- --expect ------------------------------------------------------ */

static void test_expect_match_writes(void **state)
{
	const char *f = make_digits("cas");
	struct run r;

	(void)state;
	run_args(&r, "poke", "--expect", "3031", f, "0", "4142", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "AB23456789abcdef", 16);
	/* The compared and the written lengths may differ. */
	run_args(&r, "poke", "--expect", "61 62 63", f, "10", "ff", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "AB23456789\xff" "bcdef", 16);
}

static void test_expect_mismatch_writes_nothing(void **state)
{
	const char *f = make_digits("casfail");
	const char *argv[] = { "poke", "--expect", "3030", f, "0", "4142",
			       NULL };
	const char *argv2[] = { "poke", "-v", "--expect", "65", f, "-3",
				"ff", NULL };
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_mmtool(&r, NULL, 0, argv);
	/* exit 1: a negative answer, with what was found and expected */
	assert_refused(&r, 1);
	assert_err_contains(&r, "31");
	assert_err_contains(&r, "30");
	assert_err_contains(&r, f);
	snapshot_assert_same(&s, f);
	run_free(&r);
	/* -v prints nothing when nothing was written. */
	run_mmtool(&r, NULL, 0, argv2);
	assert_refused(&r, 1);
	assert_err_contains(&r, "64");
	assert_err_contains(&r, "65");
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
	run_free(&r);
}

static void test_expect_errors(void **state)
{
	const char *f = make_digits("caserr");
	const char *a1[] = { "poke", "--expect", "6566ff", f, "14", "00",
			     NULL };
	const char *a2[] = { "poke", "--expect", "303", f, "0", "00", NULL };
	const char *a3[] = { "poke", "--expect", "", f, "0", "00", NULL };
	const char *a4[] = { "poke", "--expect", "30", f, "0", "0", NULL };

	(void)state;
	/* The expected bytes lie past the end: trouble, not "different". */
	assert_poke_refused(f, 2, a1, "16");
	assert_poke_refused(f, 2, a2, NULL);
	assert_poke_refused(f, 2, a3, NULL);
	/* Bad DATA is found even when --expect would match. */
	assert_poke_refused(f, 2, a4, NULL);
}

/* ---- ranges, --grow ------------------------------------------------ */

static void test_past_end_refused_without_grow(void **state)
{
	const char *f = make_digits("pastend");
	const char *a1[] = { "poke", f, "15", "0102", NULL };
	const char *a2[] = { "poke", f, "16", "01", NULL };
	const char *a3[] = { "poke", f, "-0", "01", NULL };
	const char *a4[] = { "poke", f, "1G", "01", NULL };
	const char *a5[] = { "poke", f, "9223372036854775807", "0102", NULL };
	struct snapshot s;
	struct run r;

	(void)state;
	snapshot_take(&s, f);
	run_mmtool(&r, NULL, 0, a1);
	assert_refused(&r, 2);
	/* names the range [15, 17) and the size */
	assert_err_contains(&r, "15");
	assert_err_contains(&r, "17");
	assert_err_contains(&r, "16");
	snapshot_assert_same(&s, f);
	snapshot_free(&s);
	run_free(&r);
	assert_poke_refused(f, 2, a2, NULL);
	assert_poke_refused(f, 2, a3, NULL);
	assert_poke_refused(f, 2, a4, NULL);
	assert_poke_refused(f, 2, a5, NULL);
}

static void test_negative_offsets(void **state)
{
	const char *f = make_digits("negoff");
	const char *a1[] = { "poke", f, "-17", "00", NULL };
	struct run r;

	(void)state;
	run_args(&r, "poke", f, "-2", "4142", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "0123456789abcdAB", 16);
	assert_poke_refused(f, 2, a1, NULL);
}

static void test_grow_fills_gap_with_zeros(void **state)
{
	const char *f = make_digits("grow");
	unsigned char want[101];
	struct stat st;
	struct run r;

	(void)state;
	run_args(&r, "poke", "--grow", f, "100", "ff", NULL);
	assert_output(&r, "");
	run_free(&r);
	memset(want, 0, sizeof(want));
	memcpy(want, digits16, 16);
	want[100] = 0xff;
	assert_file(f, want, sizeof(want));
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 101);
}

static void test_grow_partly_past_end_and_append(void **state)
{
	const char *f = make_digits("grow2");
	struct run r;

	(void)state;
	run_args(&r, "poke", "--grow", f, "14", "41424344", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "0123456789abcdABCD", 18);
	/* -0 is the end: --grow appends. */
	run_args(&r, "poke", "--grow", "-s", f, "-0", "xyz", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "0123456789abcdABCDxyz", 21);
	/* Inside the file --grow changes nothing about the size. */
	run_args(&r, "poke", "--grow", f, "0", "ff", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "\xff" "123456789abcdABCDxyz", 21);
}

static void test_grow_with_expect(void **state)
{
	const char *f = make_digits("growcas");
	const char *a1[] = { "poke", "--grow", "--expect", "00", f, "20",
			     "01", NULL };
	const char *a2[] = { "poke", "--grow", "--expect", "6600", f, "15",
			     "01", NULL };
	struct run r;

	(void)state;
	/* Compared bytes must exist: past the end is trouble even with
	 * --grow, and nothing grows. */
	assert_poke_refused(f, 2, a1, NULL);
	assert_poke_refused(f, 2, a2, NULL);
	run_args(&r, "poke", "--grow", "--expect", "66", f, "15", "0102",
		 NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "0123456789abcde\x01\x02", 17);
}

/* ---- -v, --no-sync ------------------------------------------------- */

static void test_verbose_format(void **state)
{
	const char *f = make_digits("verbose");
	const char *a1[] = { "poke", "-v", f, "16", "00", NULL };
	/* After FILE, "--" is DATA (and not hex). */
	const char *a2[] = { "poke", "-v", f, "0", "--", NULL };
	char want[512];
	struct run r;

	(void)state;
	/* Refused: nothing on stdout either. */
	assert_poke_refused(f, 2, a1, NULL);
	assert_poke_refused(f, 2, a2, NULL);
	run_args(&r, "poke", "-v", f, "10", "de:ad", NULL);
	snprintf(want, sizeof(want), "%s: 0xa: 6162 -> dead\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "poke", "--verbose", "--grow", f, "15", "ff01", NULL);
	snprintf(want, sizeof(want), "%s: 0xf: 6600 -> ff01\n", f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "poke", "-v", "-t", "u32be", f, "0", "1", NULL);
	snprintf(want, sizeof(want), "%s: 0x0: 30313233 -> 00000001\n", f);
	assert_output(&r, want);
	run_free(&r);
}

static void test_quiet_without_verbose(void **state)
{
	const char *f = make_digits("quiet");
	struct run r;

	(void)state;
	run_args(&r, "poke", f, "0", "00", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "poke", "--grow", f, "20", "00", NULL);
	assert_output(&r, "");
	run_free(&r);
}

static void test_no_sync_still_writes(void **state)
{
	const char *f = make_digits("nosync");
	struct run r;

	(void)state;
	run_args(&r, "poke", "--no-sync", f, "1", "ee", NULL);
	assert_output(&r, "");
	run_free(&r);
	run_args(&r, "poke", "--no-sync", "--grow", f, "16", "ff", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "0\xee" "23456789abcdef\xff", 17);
}

static void test_write_across_pages(void **state)
{
	size_t n = 3 * 65536 + 11;
	unsigned char *target = malloc(n), *input = malloc(n / 2), *want;
	const char *f, *in;
	struct run r;

	(void)state;
	assert_non_null(target);
	assert_non_null(input);
	fill_random(target, n, 5);
	fill_random(input, n / 2, 6);
	f = write_file(tmp_path("pages"), target, n);
	in = write_file(tmp_path("pagesin"), input, n / 2);
	run_args(&r, "poke", "-i", in, f, "4095", NULL);
	assert_output(&r, "");
	run_free(&r);
	want = target;
	memcpy(want + 4095, input, n / 2);
	assert_file(f, want, n);
	free(target);
	free(input);
}

/* ---- kinds of file ------------------------------------------------- */

static void test_directory_refused(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "poke", test_tmpdir(), "0", "00", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "Is a directory");
	run_free(&r);
}

static void test_missing_file_not_created(void **state)
{
	const char *f = tmp_path("poke-missing");
	const char *link = tmp_path("poke-dangling");
	const char *target = tmp_path("poke-dangling-target");
	struct run r;

	(void)state;
	run_args(&r, "poke", "--grow", f, "0", "00", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No such file or directory");
	assert_err_contains(&r, f);
	run_free(&r);
	assert_int_equal(access(f, F_OK), -1);
	/* Only resize -c creates files, even through a dangling link. */
	assert_int_equal(symlink(target, link), 0);
	run_args(&r, "poke", "--grow", link, "0", "00", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "No such file or directory");
	run_free(&r);
	assert_int_equal(access(target, F_OK), -1);
}

static void test_fifo_refused_without_hanging(void **state)
{
	const char *fifo = tmp_path("poke-fifo");
	struct stat st;
	struct run r;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	alarm(20);	/* a hang kills the test program: a failure */
	run_args(&r, "poke", fifo, "0", "00", NULL);
	alarm(0);
	assert_refused(&r, 2);
	assert_err_contains(&r, fifo);
	run_free(&r);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	unlink(fifo);
}

static void test_char_devices_refused(void **state)
{
	struct run r;

	(void)state;
	run_args(&r, "poke", "/dev/null", "0", "00", NULL);
	assert_refused(&r, 2);
	assert_err_contains(&r, "/dev/null");
	run_free(&r);
	run_args(&r, "poke", "--grow", "/dev/zero", "0", "00", NULL);
	assert_refused(&r, 2);
	run_free(&r);
}

static void test_sparse_64gib_end(void **state)
{
	const char *f = tmp_path("poke-sparse64");
	const off_t size = (off_t)64 << 30;
	int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
	unsigned char got[4];
	char want[256];
	struct stat st;
	struct run r;

	(void)state;
	assert_true(fd >= 0);
	if (ftruncate(fd, size) != 0) {
		close(fd);
		unlink(f);
		skip();
	}
	close(fd);
	run_args(&r, "poke", "-v", f, "-4", "deadbeef", NULL);
	snprintf(want, sizeof(want), "%s: 0xffffffffc: 00000000 -> deadbeef\n",
		 f);
	assert_output(&r, want);
	run_free(&r);
	run_args(&r, "poke", "--grow", f, "64G", "01", NULL);
	assert_output(&r, "");
	run_free(&r);
	fd = open(f, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, got, 4, size - 4), 4);
	assert_memory_equal(got, "\xde\xad\xbe\xef", 4);
	assert_int_equal(pread(fd, got, 2, size - 1), 2);
	assert_memory_equal(got, "\xef\x01", 2);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, size + 1);
	/* Still sparse: only the touched pages hold blocks. */
	assert_true(st.st_blocks * 512 < (1 << 20));
	close(fd);
	unlink(f);
}

static void test_dash_dash_ends_options(void **state)
{
	char cwd[4096], tool[8192];
	const char *f;
	struct run r;

	(void)state;
	/* A file whose name looks like an option, in the current directory
	 * (so the binary's path must not depend on it). */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	if (mmtool_path()[0] != '/') {
		snprintf(tool, sizeof(tool), "%s/%s", cwd, mmtool_path());
		assert_int_equal(setenv("MMTOOL", tool, 1), 0);
	}
	assert_int_equal(chdir(test_tmpdir()), 0);
	f = write_file("-v", digits16, 16);
	run_args(&r, "poke", "--", f, "0", "41", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "A123456789abcdef", 16);
	/* After FILE, "-1" is an operand, not an option. */
	run_args(&r, "poke", "-s", "--", "-v", "-1", "-", NULL);
	assert_output(&r, "");
	run_free(&r);
	assert_file(f, "A123456789abcde-", 16);
	unlink(f);
	assert_int_equal(chdir(cwd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_with_separators),
		cmocka_unit_test(test_hex_0x_prefix_and_operands_joined),
		cmocka_unit_test(test_hex_odd_digits_refused),
		cmocka_unit_test(test_hex_other_characters_refused),
		cmocka_unit_test(test_zero_bytes_refused),
		cmocka_unit_test(test_string_written_as_bytes),
		cmocka_unit_test(test_string_takes_one_operand),
		cmocka_unit_test(test_type_every_type_le_be),
		cmocka_unit_test(test_type_host_order_and_several_values),
		cmocka_unit_test(test_type_range_errors),
		cmocka_unit_test(test_type_one_bad_value_writes_nothing),
		cmocka_unit_test(test_input_file),
		cmocka_unit_test(test_input_stdin),
		cmocka_unit_test(test_input_stdin_from_position),
		cmocka_unit_test(test_input_errors),
		cmocka_unit_test(test_expect_match_writes),
		cmocka_unit_test(test_expect_mismatch_writes_nothing),
		cmocka_unit_test(test_expect_errors),
		cmocka_unit_test(test_past_end_refused_without_grow),
		cmocka_unit_test(test_negative_offsets),
		cmocka_unit_test(test_grow_fills_gap_with_zeros),
		cmocka_unit_test(test_grow_partly_past_end_and_append),
		cmocka_unit_test(test_grow_with_expect),
		cmocka_unit_test(test_verbose_format),
		cmocka_unit_test(test_quiet_without_verbose),
		cmocka_unit_test(test_no_sync_still_writes),
		cmocka_unit_test(test_write_across_pages),
		cmocka_unit_test(test_directory_refused),
		cmocka_unit_test(test_missing_file_not_created),
		cmocka_unit_test(test_fifo_refused_without_hanging),
		cmocka_unit_test(test_char_devices_refused),
		cmocka_unit_test(test_sparse_64gib_end),
		cmocka_unit_test(test_dash_dash_ends_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
