/*
 * test_numparse.c - the number grammar at its limits (numparse.h).
 * Modelled on Redis's string2ll tests: every boundary on both sides.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "numparse.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

static void count_ok(const char *text, uint64_t want)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	assert_int_equal(parse_count(text, &v, &why), 0);
	assert_int_equal(v, want);
	assert_null(why);
}

/* Fails with ERR and, if WANT_WHY is not NULL, that phrase; *out intact. */
static void count_err(const char *text, int err, const char *want_why)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	errno = 0;
	assert_int_equal(parse_count(text, &v, &why), -1);
	assert_int_equal(errno, err);
	assert_int_equal(v, SENTINEL);
	assert_non_null(why);
	if (want_why != NULL)
		assert_string_equal(why, want_why);
}

static void offset_ok(const char *text, uint64_t want, int from_end)
{
	struct offset off = { SENTINEL, 7 };

	assert_int_equal(parse_offset(text, &off, NULL), 0);
	assert_int_equal(off.value, want);
	assert_int_equal(off.from_end, from_end);
}

static void offset_err(const char *text, int err, const char *want_why)
{
	struct offset off = { SENTINEL, 7 };
	const char *why = NULL;

	errno = 0;
	assert_int_equal(parse_offset(text, &off, &why), -1);
	assert_int_equal(errno, err);
	assert_int_equal(off.value, SENTINEL);
	assert_int_equal(off.from_end, 7);
	assert_non_null(why);
	if (want_why != NULL)
		assert_string_equal(why, want_why);
}

static void test_decimal(void **state)
{
	(void)state;
	count_ok("0", 0);
	count_ok("1", 1);
	count_ok("4096", 4096);
	count_ok("123456789", 123456789);
}

static void test_leading_zero_is_decimal(void **state)
{
	(void)state;
	count_ok("010", 10);
	count_ok("00", 0);
	count_ok("0009", 9);
	count_ok("08", 8);
	count_ok("0000000000000000000000000001", 1);
}

static void test_plus_sign(void **state)
{
	(void)state;
	count_ok("+1", 1);
	count_ok("+0", 0);
	count_ok("+0x10", 16);
	count_ok("+1K", 1024);
}

static void test_hex(void **state)
{
	(void)state;
	count_ok("0x1000", 4096);
	count_ok("0X1000", 4096);
	count_ok("0xff", 255);
	count_ok("0xFF", 255);
	count_ok("0xaBcD", 0xabcd);
	count_ok("0x0", 0);
	count_ok("0x00000000000000000000001", 1);
}

static void test_hex_digits_not_units(void **state)
{
	(void)state;
	count_ok("0x1B", 27);
	count_ok("0x1E", 30);
	count_ok("0x1EB", 0x1eb);
}

static void test_int64_max_decimal(void **state)
{
	(void)state;
	count_ok("9223372036854775807", INT64_MAX);
	count_ok("+9223372036854775807", INT64_MAX);
	count_ok("09223372036854775807", INT64_MAX);
	count_ok("9223372036854775806", INT64_MAX - 1);
}

static void test_past_int64_max_decimal(void **state)
{
	(void)state;
	count_err("9223372036854775808", ERANGE, "larger than 2^63-1");
	count_err("9223372036854775810", ERANGE, NULL);
	count_err("18446744073709551615", ERANGE, NULL);
	count_err("18446744073709551616", ERANGE, NULL);
	count_err("99999999999999999999999999", ERANGE, NULL);
}

static void test_int64_max_hex(void **state)
{
	(void)state;
	count_ok("0x7fffffffffffffff", INT64_MAX);
	count_ok("0x7FFFFFFFFFFFFFFF", INT64_MAX);
	count_ok("0x007fffffffffffffff", INT64_MAX);
	count_err("0x8000000000000000", ERANGE, "larger than 2^63-1");
	count_err("0xffffffffffffffff", ERANGE, NULL);
	count_err("0x10000000000000000", ERANGE, NULL);
}

static void test_binary_units(void **state)
{
	(void)state;
	count_ok("1K", 1024);
	count_ok("1M", 1048576);
	count_ok("1G", 1073741824);
	count_ok("1T", (uint64_t)1 << 40);
	count_ok("1P", (uint64_t)1 << 50);
	count_ok("1E", (uint64_t)1 << 60);
	count_ok("3K", 3072);
	count_ok("010K", 10240);
}

static void test_iec_units(void **state)
{
	(void)state;
	count_ok("1KiB", 1024);
	count_ok("1MiB", 1048576);
	count_ok("1GiB", 1073741824);
	count_ok("1TiB", (uint64_t)1 << 40);
	count_ok("1PiB", (uint64_t)1 << 50);
	count_ok("1EiB", (uint64_t)1 << 60);
}

static void test_si_units(void **state)
{
	(void)state;
	count_ok("1KB", 1000);
	count_ok("1MB", 1000000);
	count_ok("1GB", 1000000000);
	count_ok("1TB", 1000000000000ULL);
	count_ok("1PB", 1000000000000000ULL);
	count_ok("1EB", 1000000000000000000ULL);
}

static void test_unit_E_limits(void **state)
{
	(void)state;
	count_ok("7E", (uint64_t)7 << 60);
	count_ok("7EiB", (uint64_t)7 << 60);
	count_err("8E", ERANGE, "larger than 2^63-1");
	count_err("8EiB", ERANGE, NULL);
	count_err("9E", ERANGE, NULL);
	count_ok("8191P", (uint64_t)8191 << 50);
	count_err("8192P", ERANGE, NULL);
}

/* 9EB = 9e18 is still below 2^63-1 = 9.22e18; 10EB is not. */
static void test_unit_EB_limits(void **state)
{
	(void)state;
	count_ok("8EB", 8000000000000000000ULL);
	count_ok("9EB", 9000000000000000000ULL);
	count_err("10EB", ERANGE, "larger than 2^63-1");
	count_ok("9223372036854775KB", 9223372036854775000ULL);
	count_err("9223372036854776KB", ERANGE, NULL);
}

static void test_zero_with_unit(void **state)
{
	(void)state;
	count_ok("0K", 0);
	count_ok("0E", 0);
	count_ok("0EB", 0);
}

/* Issue 13.8: a lowercase k is K, as dd and truncate take it; every other
 * unit letter, and the B, keep their case. */
static void test_lowercase_k(void **state)
{
	struct offset off;

	(void)state;
	count_ok("1k", 1024);
	count_ok("1kiB", 1024);
	count_ok("1kB", 1000);
	count_ok("8191P", 8191ULL << 50);
	count_ok("9007199254740991k", 9007199254740991ULL << 10);
	count_err("9007199254740992k", ERANGE, "larger than 2^63-1");
	assert_int_equal(parse_offset("-4k", &off, NULL), 0);
	assert_true(off.from_end && off.value == 4096);
	count_err("0x1k", EINVAL, "unit on a hexadecimal number");
}

static void test_units_case_sensitive(void **state)
{
	(void)state;
	count_err("1kb", EINVAL, "unknown unit");
	count_err("1Kb", EINVAL, "unknown unit");
	count_err("1m", EINVAL, "unknown unit");
	count_err("1g", EINVAL, "unknown unit");
	count_err("1kIB", EINVAL, "unknown unit");
	count_err("1KIB", EINVAL, "unknown unit");
	count_err("1Kib", EINVAL, "unknown unit");
	count_err("1e", EINVAL, "unknown unit");
}

static void test_unit_misspelt(void **state)
{
	(void)state;
	count_err("1B", EINVAL, "unknown unit");
	count_err("1Ki", EINVAL, NULL);
	count_err("1KiBB", EINVAL, NULL);
	count_err("1KBB", EINVAL, NULL);
	count_err("1KK", EINVAL, NULL);
	count_err("1X", EINVAL, NULL);
}

static void test_trailing_garbage(void **state)
{
	(void)state;
	count_err("1k2", EINVAL, "trailing characters");
	count_err("1K2", EINVAL, "trailing characters");
	count_err("12x3", EINVAL, "trailing characters");
	count_err("1.5", EINVAL, "trailing characters");
	count_err("1_000", EINVAL, "trailing characters");
	count_err("1,000", EINVAL, "trailing characters");
	count_err("0x1g", EINVAL, "trailing characters");
}

static void test_blanks(void **state)
{
	(void)state;
	count_err(" 1", EINVAL, "contains a blank");
	count_err("1 ", EINVAL, "contains a blank");
	count_err("12 ", EINVAL, "contains a blank");
	count_err("1 K", EINVAL, "contains a blank");
	count_err("\t1", EINVAL, "contains a blank");
	count_err("1\n", EINVAL, "contains a blank");
	count_err(" ", EINVAL, "contains a blank");
	count_err("+ 1", EINVAL, "contains a blank");
	offset_err("- 1", EINVAL, "contains a blank");
	offset_err(" -1", EINVAL, "contains a blank");
}

static void test_empty(void **state)
{
	(void)state;
	count_err("", EINVAL, "empty");
	offset_err("", EINVAL, "empty");
}

static void test_bare_sign(void **state)
{
	(void)state;
	count_err("+", EINVAL, "no digits");
	count_err("-", EINVAL, "negative");
	offset_err("+", EINVAL, "no digits");
	offset_err("-", EINVAL, "no digits");
}

static void test_double_sign(void **state)
{
	(void)state;
	count_err("++1", EINVAL, "not a number");
	count_err("+-1", EINVAL, "not a number");
	offset_err("-+1", EINVAL, "not a number");
	offset_err("--1", EINVAL, "not a number");
	offset_err("+-1", EINVAL, "not a number");
}

static void test_hex_without_digits(void **state)
{
	(void)state;
	count_err("0x", EINVAL, "no digits after 0x");
	count_err("0X", EINVAL, "no digits after 0x");
	count_err("+0x", EINVAL, "no digits after 0x");
	count_err("0xg", EINVAL, "no digits after 0x");
	offset_err("-0x", EINVAL, "no digits after 0x");
}

/* strtoll would take these; the grammar does not. */
static void test_no_sign_after_0x(void **state)
{
	(void)state;
	count_err("0x-1", EINVAL, "no digits after 0x");
	count_err("0x+1", EINVAL, "no digits after 0x");
	count_err("0x 1", EINVAL, "contains a blank");
}

static void test_unit_on_hex(void **state)
{
	(void)state;
	count_err("0x1K", EINVAL, "unit on a hexadecimal number");
	count_err("0x1KiB", EINVAL, "unit on a hexadecimal number");
	count_err("0x10M", EINVAL, "unit on a hexadecimal number");
	count_err("0x1G", EINVAL, "unit on a hexadecimal number");
	count_err("0x1EiB", EINVAL, "unit on a hexadecimal number");
	offset_err("-0x1K", EINVAL, "unit on a hexadecimal number");
}

static void test_not_a_number(void **state)
{
	(void)state;
	count_err("abc", EINVAL, "not a number");
	count_err("K", EINVAL, "not a number");
	count_err("x10", EINVAL, "not a number");
	count_err(".5", EINVAL, "not a number");
	count_err("1e3", EINVAL, NULL);
	count_err("0b101", EINVAL, NULL);
	count_err("0o17", EINVAL, NULL);
	count_err("0x1p3", EINVAL, NULL);
}

static void test_count_negative(void **state)
{
	(void)state;
	count_err("-1", EINVAL, "negative");
	count_err("-0", EINVAL, "negative");
	count_err("-0x10", EINVAL, "negative");
	count_err("-1K", EINVAL, "negative");
	count_err("-9223372036854775808", EINVAL, "negative");
}

static void test_why_may_be_null(void **state)
{
	uint64_t v = SENTINEL;
	struct offset off = { SENTINEL, 0 };

	(void)state;
	errno = 0;
	assert_int_equal(parse_count("1k2", &v, NULL), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(parse_count("8E", &v, NULL), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(v, SENTINEL);
	assert_int_equal(parse_offset("-9E", &off, NULL), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(off.value, SENTINEL);
}

static void test_offset_from_start(void **state)
{
	(void)state;
	offset_ok("0", 0, 0);
	offset_ok("100", 100, 0);
	offset_ok("+100", 100, 0);
	offset_ok("0x100", 256, 0);
	offset_ok("4K", 4096, 0);
	offset_ok("010", 10, 0);
}

static void test_offset_from_end(void **state)
{
	(void)state;
	offset_ok("-4", 4, 1);
	offset_ok("-0", 0, 1);
	offset_ok("-0x10", 16, 1);
	offset_ok("-1KiB", 1024, 1);
	offset_ok("-1KB", 1000, 1);
	offset_ok("-010", 10, 1);
}

static void test_offset_limits(void **state)
{
	(void)state;
	offset_ok("9223372036854775807", INT64_MAX, 0);
	offset_ok("-9223372036854775807", INT64_MAX, 1);
	offset_ok("-0x7fffffffffffffff", INT64_MAX, 1);
	offset_ok("-7E", (uint64_t)7 << 60, 1);
	offset_err("9223372036854775808", ERANGE, "larger than 2^63-1");
	offset_err("-9223372036854775808", ERANGE, "larger than 2^63-1");
	offset_err("-0x8000000000000000", ERANGE, NULL);
	offset_err("-8E", ERANGE, NULL);
	offset_err("-10EB", ERANGE, NULL);
}

static void test_offset_garbage(void **state)
{
	(void)state;
	offset_err("-1k2", EINVAL, "trailing characters");
	offset_err("-1kb", EINVAL, "unknown unit");
	offset_err("-abc", EINVAL, "not a number");
	offset_err("1 ", EINVAL, "contains a blank");
}

static void resolve_ok(uint64_t value, int from_end, uint64_t size,
		       uint64_t want)
{
	struct offset off;
	uint64_t abs = SENTINEL;

	off.value = value;
	off.from_end = from_end;
	assert_int_equal(offset_resolve(&off, size, &abs), 0);
	assert_int_equal(abs, want);
}

static void resolve_err(uint64_t value, uint64_t size)
{
	struct offset off;
	uint64_t abs = SENTINEL;

	off.value = value;
	off.from_end = 1;
	errno = 0;
	assert_int_equal(offset_resolve(&off, size, &abs), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(abs, SENTINEL);
}

static void test_resolve_from_start(void **state)
{
	(void)state;
	resolve_ok(0, 0, 0, 0);
	resolve_ok(5, 0, 100, 5);
	resolve_ok(100, 0, 100, 100);
	resolve_ok(1000, 0, 100, 1000);	/* past the end: the caller checks */
	resolve_ok(INT64_MAX, 0, 0, INT64_MAX);
}

static void test_resolve_from_end_limits(void **state)
{
	(void)state;
	resolve_ok(0, 1, 100, 100);
	resolve_ok(1, 1, 100, 99);
	resolve_ok(100, 1, 100, 0);
	resolve_err(101, 100);
	resolve_ok(0, 1, 0, 0);
	resolve_err(1, 0);
	resolve_ok(INT64_MAX, 1, INT64_MAX, 0);
	resolve_err(INT64_MAX, INT64_MAX - 1);
	resolve_ok(INT64_MAX, 1, UINT64_MAX, (uint64_t)1 << 63);
}

static void test_resolve_parsed(void **state)
{
	struct offset off;
	uint64_t abs = 0;

	(void)state;
	assert_int_equal(parse_offset("-4", &off, NULL), 0);
	assert_int_equal(offset_resolve(&off, 16, &abs), 0);
	assert_int_equal(abs, 12);
	assert_int_equal(parse_offset("-0", &off, NULL), 0);
	assert_int_equal(offset_resolve(&off, 16, &abs), 0);
	assert_int_equal(abs, 16);
	assert_int_equal(parse_offset("-1K", &off, NULL), 0);
	assert_int_equal(offset_resolve(&off, 1024, &abs), 0);
	assert_int_equal(abs, 0);
	assert_int_equal(offset_resolve(&off, 1023, &abs), -1);
	assert_int_equal(errno, ERANGE);
}

static void test_parse_uint(void **state)
{
	uint64_t v = SENTINEL;
	const char *why = NULL;

	(void)state;
	assert_int_equal(parse_uint("18446744073709551615", &v, NULL), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_uint("0xffffffffffffffff", &v, NULL), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_uint("010", &v, NULL), 0);
	assert_int_equal(v, 10);
	v = SENTINEL;
	assert_int_equal(parse_uint("18446744073709551616", &v, &why), -1);
	assert_int_equal(errno, ERANGE);
	assert_string_equal(why, "larger than 2^64-1");
	assert_int_equal(parse_uint("0x10000000000000000", &v, NULL), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(v, SENTINEL);
}

static void test_parse_uint_rejects(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+1", "-1", "1K", "1KB", "0x", "0x1K", "1k2"
	};
	uint64_t v = SENTINEL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(parse_uint(bad[i], &v, NULL), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(v, SENTINEL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_leading_zero_is_decimal),
		cmocka_unit_test(test_plus_sign),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hex_digits_not_units),
		cmocka_unit_test(test_int64_max_decimal),
		cmocka_unit_test(test_past_int64_max_decimal),
		cmocka_unit_test(test_int64_max_hex),
		cmocka_unit_test(test_binary_units),
		cmocka_unit_test(test_iec_units),
		cmocka_unit_test(test_si_units),
		cmocka_unit_test(test_unit_E_limits),
		cmocka_unit_test(test_unit_EB_limits),
		cmocka_unit_test(test_zero_with_unit),
		cmocka_unit_test(test_lowercase_k),
		cmocka_unit_test(test_units_case_sensitive),
		cmocka_unit_test(test_unit_misspelt),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_blanks),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bare_sign),
		cmocka_unit_test(test_double_sign),
		cmocka_unit_test(test_hex_without_digits),
		cmocka_unit_test(test_no_sign_after_0x),
		cmocka_unit_test(test_unit_on_hex),
		cmocka_unit_test(test_not_a_number),
		cmocka_unit_test(test_count_negative),
		cmocka_unit_test(test_why_may_be_null),
		cmocka_unit_test(test_offset_from_start),
		cmocka_unit_test(test_offset_from_end),
		cmocka_unit_test(test_offset_limits),
		cmocka_unit_test(test_offset_garbage),
		cmocka_unit_test(test_resolve_from_start),
		cmocka_unit_test(test_resolve_from_end_limits),
		cmocka_unit_test(test_resolve_parsed),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_uint_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
