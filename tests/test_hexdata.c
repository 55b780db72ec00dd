/*
 * test_hexdata.c - the hex byte-string grammar and hex_encode (hexdata.h).
 *
 * Beware trigraphs in string literals under -std=c99: "??" followed by
 * = ( / ) ' < ! > or - is rewritten by the compiler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hexdata.h"

#define NOPS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Parse OPS and expect exactly WANT[0..LEN); no mask. */
static void parse_ok(char *const *ops, int count, int flags,
		     const char *want, size_t len)
{
	struct hexbytes hb;
	struct hex_error e = { NULL, 0, 0, 0 };

	assert_int_equal(hex_parse(ops, count, flags, &hb, &e), 0);
	assert_null(e.why);
	assert_int_equal(hb.len, len);
	assert_non_null(hb.bytes);
	assert_memory_equal(hb.bytes, want, len);
	assert_null(hb.mask);
	hexbytes_free(&hb);
}

/* The same with a single operand. */
static void parse1_ok(const char *text, int flags, const char *want, size_t len)
{
	char *ops[1];

	ops[0] = (char *)text;
	parse_ok(ops, 1, flags, want, len);
}

/* Parse OPS and expect EINVAL with WANT_WHY and *out zeroed; return
 * where the error is. */
static struct hex_error parse_err(char *const *ops, int count, int flags,
				  const char *want_why)
{
	struct hexbytes hb;
	struct hex_error e = { NULL, -1, 0, 0 };

	memset(&hb, 0xa5, sizeof(hb));
	errno = 0;
	assert_int_equal(hex_parse(ops, count, flags, &hb, &e), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(hb.bytes);
	assert_null(hb.mask);
	assert_int_equal(hb.len, 0);
	assert_non_null(e.why);
	assert_string_equal(e.why, want_why);
	assert_true(e.operand >= 0 && e.operand < count);
	assert_true(e.column >= 1 && e.column <= strlen(ops[e.operand]));
	assert_int_equal((unsigned char)ops[e.operand][e.column - 1], e.ch);
	return e;
}

/* The operand, column and character an error is about (issue 13.4). */
static void check_where(const char *text, int flags, const char *want_why,
			size_t column)
{
	char *ops[1];
	struct hex_error e;

	ops[0] = (char *)text;
	e = parse_err(ops, 1, flags, want_why);
	assert_int_equal(e.column, column);
}

static void test_error_column(void **state)
{
	char *ops[] = { "de ad", "be,ef" };
	struct hex_error e;

	(void)state;
	check_where("7f,45", 0, "not a hex digit", 3);
	check_where("zz", 0, "not a hex digit", 1);
	check_where("az", 0, "not a hex digit", 2);
	check_where("de:ad 12g4", 0, "not a hex digit", 9);
	check_where("7f4", 0, "odd number of hex digits", 3);
	check_where("de a", 0, "odd number of hex digits", 4);
	check_where("de 0x", 0, "no digits after 0x", 4);
	check_where("ab?1", HEX_WILDCARD, "unpaired '?' wildcard", 3);
	check_where("ab1?", HEX_WILDCARD, "unpaired '?' wildcard", 4);
	check_where("?", HEX_WILDCARD, "unpaired '?' wildcard", 1);
	check_where("??", 0, "not a hex digit", 1);
	e = parse_err(ops, 2, 0, "not a hex digit");
	assert_int_equal(e.operand, 1);
	assert_int_equal(e.column, 3);
	assert_int_equal(e.ch, ',');
}

static void parse1_err(const char *text, int flags, const char *want_why)
{
	char *ops[1];

	ops[0] = (char *)text;
	(void)parse_err(ops, 1, flags, want_why);
}

static void test_single_operand(void **state)
{
	(void)state;
	parse1_ok("deadbeef", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("00", 0, "\x00", 1);
	parse1_ok("0123456789abcdef", 0,
		  "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
}

static void test_uppercase_and_mixed(void **state)
{
	(void)state;
	parse1_ok("DEADBEEF", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("DeAdBeEf", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("ABCDEF", 0, "\xab\xcd\xef", 3);
}

static void test_colon_separators(void **state)
{
	(void)state;
	parse1_ok("de:ad:be:ef", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("dead:beef", 0, "\xde\xad\xbe\xef", 4);
}

static void test_blank_separators(void **state)
{
	(void)state;
	parse1_ok("de ad be ef", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("de\tad\nbe ef", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("de: ad :be", 0, "\xde\xad\xbe", 3);
}

static void test_separator_runs_and_edges(void **state)
{
	(void)state;
	parse1_ok("de  ad", 0, "\xde\xad", 2);
	parse1_ok("de::ad", 0, "\xde\xad", 2);
	parse1_ok(" de ", 0, "\xde", 1);
	parse1_ok(":de:", 0, "\xde", 1);
	parse1_ok("\n\tde\n", 0, "\xde", 1);
}

static void test_operands_joined(void **state)
{
	char *ops[] = { "de", "ad", "beef" };
	char *ops2[] = { "de:ad", "0xbe", "EF" };

	(void)state;
	parse_ok(ops, NOPS(ops), 0, "\xde\xad\xbe\xef", 4);
	parse_ok(ops2, NOPS(ops2), 0, "\xde\xad\xbe\xef", 4);
}

static void test_0x_prefix(void **state)
{
	(void)state;
	parse1_ok("0xdeadbeef", 0, "\xde\xad\xbe\xef", 4);
	parse1_ok("0XDEAD", 0, "\xde\xad", 2);
	parse1_ok("0xde 0xad", 0, "\xde\xad", 2);
	parse1_ok("0xde:0Xad", 0, "\xde\xad", 2);
	parse1_ok("0x00", 0, "\x00", 1);
}

/* "00" is a byte pair, not the start of a 0x prefix. */
static void test_zero_pairs(void **state)
{
	(void)state;
	parse1_ok("0000", 0, "\x00\x00", 2);
	parse1_ok("0x0000", 0, "\x00\x00", 2);
	parse1_ok("0a0b", 0, "\x0a\x0b", 2);
}

static void test_0x_per_operand(void **state)
{
	char *ops[] = { "0xde", "0Xad", "0xbeef" };

	(void)state;
	parse_ok(ops, NOPS(ops), 0, "\xde\xad\xbe\xef", 4);
}

static void test_empty_input(void **state)
{
	char *none[1] = { NULL };
	char *blank[] = { "" };
	char *seps[] = { "  ", ":", "\t\n" };

	(void)state;
	parse_ok(none, 0, 0, "", 0);
	parse_ok(blank, NOPS(blank), 0, "", 0);
	parse_ok(seps, NOPS(seps), 0, "", 0);
	parse_ok(none, 0, HEX_WILDCARD, "", 0);
}

static void test_odd_digits(void **state)
{
	(void)state;
	parse1_err("a", 0, "odd number of hex digits");
	parse1_err("abc", 0, "odd number of hex digits");
	parse1_err("de a", 0, "odd number of hex digits");
	parse1_err("dea:d", 0, "odd number of hex digits");
	parse1_err("0xabc", 0, "odd number of hex digits");
	parse1_err("0", 0, "odd number of hex digits");
}

/* A separator may only fall between byte pairs. */
static void test_separator_inside_pair(void **state)
{
	(void)state;
	parse1_err("d e", 0, "odd number of hex digits");
	parse1_err("d:e", 0, "odd number of hex digits");
	parse1_err("d\te", 0, "odd number of hex digits");
}

/* Operands are joined by a blank, so a pair never spans two of them. */
static void test_pair_across_operands(void **state)
{
	char *split[] = { "de", "a", "d" };
	char *prefix[] = { "0", "x12" };

	(void)state;
	(void)parse_err(split, NOPS(split), 0, "odd number of hex digits");
	(void)parse_err(prefix, NOPS(prefix), 0, "odd number of hex digits");
}

static void test_stray_characters(void **state)
{
	(void)state;
	parse1_err("zz", 0, "not a hex digit");
	parse1_err("g0", 0, "not a hex digit");
	parse1_err("de-ad", 0, "not a hex digit");
	parse1_err("de,ad", 0, "not a hex digit");
	parse1_err("de;ad", 0, "not a hex digit");
	parse1_err("dex", 0, "not a hex digit");
	parse1_err("de\r", 0, "not a hex digit");
	parse1_err("de\xc3\xa9", 0, "not a hex digit");
	parse1_err("de\x01", 0, "not a hex digit");
}

static void test_0x_without_digits(void **state)
{
	(void)state;
	parse1_err("0x", 0, "no digits after 0x");
	parse1_err("0X", 0, "no digits after 0x");
	parse1_err("0x:de", 0, "no digits after 0x");
	parse1_err("de 0x", 0, "no digits after 0x");
	parse1_err("0x 0xde", 0, "no digits after 0x");
}

/* 0x only opens a group; anywhere else its x is a stray character. */
static void test_0x_inside_group(void **state)
{
	(void)state;
	parse1_err("de0xad", 0, "not a hex digit");
	parse1_err("0x0xde", 0, "not a hex digit");
	parse1_err("00x1", 0, "not a hex digit");
	parse1_err("0xx1", 0, "not a hex digit");
	parse1_err("x0de", 0, "not a hex digit");
}

static void test_wildcard(void **state)
{
	char *ops[] = { "de??ef" };
	struct hexbytes hb;

	(void)state;
	assert_int_equal(hex_parse(ops, 1, HEX_WILDCARD, &hb, NULL), 0);
	assert_int_equal(hb.len, 3);
	assert_memory_equal(hb.bytes, "\xde\x00\xef", 3);
	assert_non_null(hb.mask);
	assert_memory_equal(hb.mask, "\xff\x00\xff", 3);
	hexbytes_free(&hb);
}

static void test_wildcard_only(void **state)
{
	char *ops[] = { "?? ??" };
	struct hexbytes hb;

	(void)state;
	assert_int_equal(hex_parse(ops, 1, HEX_WILDCARD, &hb, NULL), 0);
	assert_int_equal(hb.len, 2);
	assert_memory_equal(hb.bytes, "\x00\x00", 2);
	assert_memory_equal(hb.mask, "\x00\x00", 2);
	hexbytes_free(&hb);
}

static void test_wildcard_with_prefix_and_operands(void **state)
{
	char *ops[] = { "0x??de", "??", "0X12" };
	struct hexbytes hb;

	(void)state;
	assert_int_equal(hex_parse(ops, NOPS(ops), HEX_WILDCARD, &hb, NULL), 0);
	assert_int_equal(hb.len, 4);
	assert_memory_equal(hb.bytes, "\x00\xde\x00\x12", 4);
	assert_memory_equal(hb.mask, "\x00\xff\x00\xff", 4);
	hexbytes_free(&hb);
}

/* The mask exists only when a "??" occurred. */
static void test_wildcard_flag_without_wildcards(void **state)
{
	(void)state;
	parse1_ok("dead", HEX_WILDCARD, "\xde\xad", 2);
	parse1_ok("", HEX_WILDCARD, "", 0);
}

static void test_wildcard_not_allowed(void **state)
{
	(void)state;
	parse1_err("de??ef", 0, "not a hex digit");
	parse1_err("??", 0, "not a hex digit");
	parse1_err("0x??", 0, "not a hex digit");
}

static void test_wildcard_half_byte(void **state)
{
	(void)state;
	parse1_err("?e", HEX_WILDCARD, "unpaired '?' wildcard");
	parse1_err("d?", HEX_WILDCARD, "unpaired '?' wildcard");
	parse1_err("0??0", HEX_WILDCARD, "unpaired '?' wildcard");
	parse1_err("?", HEX_WILDCARD, "unpaired '?' wildcard");
	parse1_err("???", HEX_WILDCARD, "unpaired '?' wildcard");
	parse1_err("? ?", HEX_WILDCARD, "unpaired '?' wildcard");
}

static void test_failure_frees_and_zeroes(void **state)
{
	char *ops[] = { "de??ad", "beef", "zz" };
	struct hexbytes hb;

	(void)state;
	memset(&hb, 0x5a, sizeof(hb));
	errno = 0;
	assert_int_equal(hex_parse(ops, NOPS(ops), HEX_WILDCARD, &hb, NULL), -1);
	assert_int_equal(errno, EINVAL);
	assert_null(hb.bytes);
	assert_null(hb.mask);
	assert_int_equal(hb.len, 0);
}

static void test_free_is_idempotent(void **state)
{
	struct hexbytes hb = { NULL, NULL, 0 };
	char *ops[] = { "0102" };

	(void)state;
	hexbytes_free(&hb);
	assert_int_equal(hex_parse(ops, 1, 0, &hb, NULL), 0);
	hexbytes_free(&hb);
	assert_null(hb.bytes);
	assert_null(hb.mask);
	assert_int_equal(hb.len, 0);
	hexbytes_free(&hb);
}

static void test_encode_every_byte(void **state)
{
	unsigned char all[256];
	char got[2 * 256 + 1], want[2 * 256 + 1];
	int i;

	(void)state;
	for (i = 0; i < 256; i++) {
		all[i] = (unsigned char)i;
		snprintf(want + 2 * i, 3, "%02x", i);
	}
	memset(got, 'X', sizeof(got));
	hex_encode(all, sizeof(all), got);
	assert_string_equal(got, want);
}

static void test_encode_empty(void **state)
{
	char out[1] = { 'X' };

	(void)state;
	hex_encode((const unsigned char *)"", 0, out);
	assert_int_equal(out[0], '\0');
}

static void test_encode_exact_size(void **state)
{
	char out[8];

	(void)state;
	memset(out, 'X', sizeof(out));
	hex_encode((const unsigned char *)"\xde\xad\xbe", 3, out);
	assert_string_equal(out, "deadbe");
	assert_int_equal(out[7], 'X');	/* 2*N+1 bytes written, no more */
}

/* encode then parse gives back every byte: peek's output is poke's input. */
static void test_encode_parse_round_trip(void **state)
{
	unsigned char data[4096];
	char text[2 * sizeof(data) + 1];
	char *ops[1];
	struct hexbytes hb;
	uint32_t x = 2463534242u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	hex_encode(data, sizeof(data), text);
	ops[0] = text;
	assert_int_equal(hex_parse(ops, 1, 0, &hb, NULL), 0);
	assert_int_equal(hb.len, sizeof(data));
	assert_memory_equal(hb.bytes, data, sizeof(data));
	hexbytes_free(&hb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_operand),
		cmocka_unit_test(test_error_column),
		cmocka_unit_test(test_uppercase_and_mixed),
		cmocka_unit_test(test_colon_separators),
		cmocka_unit_test(test_blank_separators),
		cmocka_unit_test(test_separator_runs_and_edges),
		cmocka_unit_test(test_operands_joined),
		cmocka_unit_test(test_0x_prefix),
		cmocka_unit_test(test_zero_pairs),
		cmocka_unit_test(test_0x_per_operand),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_odd_digits),
		cmocka_unit_test(test_separator_inside_pair),
		cmocka_unit_test(test_pair_across_operands),
		cmocka_unit_test(test_stray_characters),
		cmocka_unit_test(test_0x_without_digits),
		cmocka_unit_test(test_0x_inside_group),
		cmocka_unit_test(test_wildcard),
		cmocka_unit_test(test_wildcard_only),
		cmocka_unit_test(test_wildcard_with_prefix_and_operands),
		cmocka_unit_test(test_wildcard_flag_without_wildcards),
		cmocka_unit_test(test_wildcard_not_allowed),
		cmocka_unit_test(test_wildcard_half_byte),
		cmocka_unit_test(test_failure_frees_and_zeroes),
		cmocka_unit_test(test_free_is_idempotent),
		cmocka_unit_test(test_encode_every_byte),
		cmocka_unit_test(test_encode_empty),
		cmocka_unit_test(test_encode_exact_size),
		cmocka_unit_test(test_encode_parse_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
