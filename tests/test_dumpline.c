/*
 * test_dumpline.c - the dump-line parser patch reads dumps with
 * (dumpline.h): every xxd layout, hexdump -C, the lines that carry no
 * bytes, offsets past 4 GiB and at 2^63-1, and malformed lines, which must
 * fail with the right phrase at the right column.
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
#include <stdlib.h>
#include <string.h>

#include "dumpline.h"

/* Parse LINE (a C string) and expect a DATA line of LAYOUT. */
static void data_ok(const char *line, enum dumpline_layout layout,
		    uint64_t off, const char *want, size_t len)
{
	unsigned char out[4096];
	struct dumpline dl;
	const char *why = NULL;

	if (dumpline_parse(line, strlen(line), out, &dl, &why) != 0)
		fail_msg("'%s': %s at column %zu", line, why, dl.column);
	assert_null(why);
	assert_int_equal(dl.kind, DUMPLINE_DATA);
	assert_int_equal(dl.layout, layout);
	assert_true(dl.offset == off);
	assert_int_equal(dl.len, len);
	assert_memory_equal(out, want, len);
}

/* Parse LINE and expect a line without bytes of KIND. */
static void nodata_ok(const char *line, enum dumpline_kind kind,
		      uint64_t off)
{
	unsigned char out[4096];
	struct dumpline dl;
	const char *why = NULL;

	if (dumpline_parse(line, strlen(line), out, &dl, &why) != 0)
		fail_msg("'%s': %s at column %zu", line, why, dl.column);
	assert_int_equal(dl.kind, kind);
	if (kind == DUMPLINE_END)
		assert_true(dl.offset == off);
}

/* Parse LINE and expect failure with WHY starting WANT at column COL. */
static void bad(const char *line, const char *want, size_t col)
{
	unsigned char out[4096];
	struct dumpline dl;
	const char *why = NULL;

	errno = 0;
	if (dumpline_parse(line, strlen(line), out, &dl, &why) == 0)
		fail_msg("'%s' parsed (kind %d, %zu bytes)", line,
			 (int)dl.kind, dl.len);
	assert_int_equal(errno, EINVAL);
	assert_non_null(why);
	if (strncmp(why, want, strlen(want)) != 0)
		fail_msg("'%s': got '%s', want '%s'", line, why, want);
	if (col != 0 && dl.column != col)
		fail_msg("'%s': column %zu, want %zu", line, dl.column, col);
}

static const char hello[] = "Hello, world 0123456789abcdef\x00\x01\xff"
			    " more text here";

static void test_xxd_default(void **state)
{
	(void)state;
	data_ok("00000000: 4865 6c6c 6f2c 2077 6f72 6c64 2030 3132  "
		"Hello, world 012", DUMPLINE_XXD, 0, hello, 16);
	data_ok("00000010: 3334 3536 3738 3961 6263 6465 6600 01ff  "
		"3456789abcdef...", DUMPLINE_XXD, 16, hello + 16, 16);
}

static void test_xxd_partial_last_line(void **state)
{
	(void)state;
	/* The padding and the ASCII column (which starts with a blank). */
	data_ok("00000020: 206d 6f72 6520 7465 7874 2068 6572 65     "
		"more text here", DUMPLINE_XXD, 32, hello + 32, 15);
	data_ok("00000020: 20", DUMPLINE_XXD, 32, " ", 1);
}

static void test_xxd_g0(void **state)
{
	(void)state;
	data_ok("00000000: 48656c6c6f2c20776f726c6420303132  "
		"Hello, world 012", DUMPLINE_XXD, 0, hello, 16);
	data_ok("00000020: 206d6f726520746578742068657265     "
		"more text here", DUMPLINE_XXD, 32, hello + 32, 15);
}

static void test_xxd_c7_g3(void **state)
{
	(void)state;
	data_ok("00000000: 48656c 6c6f2c 20  Hello, ", DUMPLINE_XXD, 0,
		hello, 7);
	data_ok("0000001c: 660001 ff206d 6f  f... mo", DUMPLINE_XXD, 0x1c,
		hello + 0x1c, 7);
	data_ok("0000002a: 206865 7265        here", DUMPLINE_XXD, 0x2a,
		hello + 0x2a, 5);
}

static void test_xxd_c32_g4(void **state)
{
	(void)state;
	data_ok("00000000: 48656c6c 6f2c2077 6f726c64 20303132 33343536 "
		"37383961 62636465 660001ff  Hello, world 0123456789abcdef...",
		DUMPLINE_XXD, 0, hello, 32);
	data_ok("00000020: 206d6f72 65207465 78742068 657265              "
		"                            more text here", DUMPLINE_XXD, 32,
		hello + 32, 15);
}

static void test_xxd_c5_g2_odd_cols(void **state)
{
	(void)state;
	data_ok("00000005: 2c20 776f 72  , wor", DUMPLINE_XXD, 5, hello + 5, 5);
}

/* The ASCII column may look like hex: only two blanks delimit it. */
static void test_xxd_hexlike_ascii(void **state)
{
	(void)state;
	data_ok("00000000: 6465 6164 2062 6565  dead bee", DUMPLINE_XXD, 0,
		"dead bee", 8);
	data_ok("00000000: 6465616420626565  dead bee", DUMPLINE_XXD, 0,
		"dead bee", 8);
	data_ok("00000000: 20 20 20  ab cd ef 01", DUMPLINE_XXD, 0, "   ", 3);
	/* A full line whose ASCII starts with blanks. */
	data_ok("00000000: 2020 6162  ab  ab", DUMPLINE_XXD, 0, "  ab", 4);
}

static void test_xxd_uppercase(void **state)
{
	(void)state;
	data_ok("0000000A: DEAD BEEF  ....", DUMPLINE_XXD, 10,
		"\xde\xad\xbe\xef", 4);
}

static void test_xxd_no_ascii_column(void **state)
{
	(void)state;
	data_ok("00000000: dead beef", DUMPLINE_XXD, 0, "\xde\xad\xbe\xef", 4);
	data_ok("00000000: dead beef ", DUMPLINE_XXD, 0, "\xde\xad\xbe\xef", 4);
	data_ok("00000000: dead beef\r", DUMPLINE_XXD, 0,
		"\xde\xad\xbe\xef", 4);
	data_ok("00000000:dead", DUMPLINE_XXD, 0, "\xde\xad", 2);
}

static void test_canonical_full(void **state)
{
	(void)state;
	data_ok("00000000  48 65 6c 6c 6f 2c 20 77  6f 72 6c 64 20 30 31 32  "
		"|Hello, world 012|", DUMPLINE_CANONICAL, 0, hello, 16);
	data_ok("00000010  33 34 35 36 37 38 39 61  62 63 64 65 66 00 01 ff  "
		"|3456789abcdef...|", DUMPLINE_CANONICAL, 16, hello + 16, 16);
}

static void test_canonical_partial(void **state)
{
	(void)state;
	data_ok("00000020  20 6d 6f 72 65 20 74 65  78 74 20 68 65 72 65     "
		"| more text here|", DUMPLINE_CANONICAL, 32, hello + 32, 15);
	data_ok("00000030  41                                                "
		"|A|", DUMPLINE_CANONICAL, 48, "A", 1);
}

/* '|' ends the hex area; what follows (even '|' and hex) is ignored. */
static void test_canonical_ascii_ignored(void **state)
{
	(void)state;
	data_ok("00000000  7c 61 62 7c  |ab|de ad|", DUMPLINE_CANONICAL, 0,
		"|ab|", 4);
	data_ok("00000000  de ad", DUMPLINE_CANONICAL, 0, "\xde\xad", 2);
	data_ok("00000000  de ad  \r", DUMPLINE_CANONICAL, 0, "\xde\xad", 2);
}

static void test_star_line(void **state)
{
	(void)state;
	nodata_ok("*", DUMPLINE_STAR, 0);
	nodata_ok("*  ", DUMPLINE_STAR, 0);
	nodata_ok("*\r", DUMPLINE_STAR, 0);
	bad("* 00000010", "text after '*'", 2);
}

static void test_final_offset_line(void **state)
{
	(void)state;
	nodata_ok("0000002f", DUMPLINE_END, 0x2f);
	nodata_ok("00000000", DUMPLINE_END, 0);
	nodata_ok("100000000 \r", DUMPLINE_END, 0x100000000ull);
}

static void test_blank_lines(void **state)
{
	(void)state;
	nodata_ok("", DUMPLINE_BLANK, 0);
	nodata_ok("   ", DUMPLINE_BLANK, 0);
	nodata_ok("\r", DUMPLINE_BLANK, 0);
	nodata_ok("\t \r", DUMPLINE_BLANK, 0);
}

static void test_offsets_past_4gib(void **state)
{
	(void)state;
	data_ok("100000000: 4865 6c6c  Hell", DUMPLINE_XXD, 0x100000000ull,
		hello, 4);
	data_ok("100000010  48 65  |He|", DUMPLINE_CANONICAL, 0x100000010ull,
		hello, 2);
	data_ok("ffffffffff0: 41", DUMPLINE_XXD, 0xffffffffff0ull, "A", 1);
	data_ok("0000000000000000000000010: 41", DUMPLINE_XXD, 16, "A", 1);
}

static void test_offset_limits(void **state)
{
	(void)state;
	/* The last byte a file can hold is at 2^63-2. */
	data_ok("7ffffffffffffffe: 41", DUMPLINE_XXD, 0x7ffffffffffffffeull,
		"A", 1);
	nodata_ok("7fffffffffffffff", DUMPLINE_END, 0x7fffffffffffffffull);
	bad("7fffffffffffffff: 41", "bytes pass offset 2^63-1", 1);
	bad("7ffffffffffffff0  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e "
	    "0f", "bytes pass offset 2^63-1", 1);
	bad("8000000000000000: 41", "offset larger than 2^63-1", 16);
	bad("10000000000000000: 41", "offset larger than 2^63-1", 17);
}

static void test_bad_hex_digit(void **state)
{
	(void)state;
	bad("00000000: 48g5 6c6c  H.ll", "invalid hex digit", 13);
	bad("00000000: 4865 xc6c  He.l", "invalid hex digit", 16);
	bad("00000000  48 6g 6c  |H.l|", "invalid hex digit", 15);
	bad("00000000  48 zz  |H.|", "invalid hex digit", 14);
	bad("00000000: 4865\t6c6c", "invalid hex digit", 15);
	/* One blank then text: not the ASCII column, not hex. */
	bad("00000000: 4865 Hello", "invalid hex digit", 16);
}

static void test_half_byte(void **state)
{
	(void)state;
	bad("00000000: 486 6c6c", "half a byte", 13);
	bad("00000000: 4865 6c6  He", "half a byte", 18);
	bad("00000000: 486", "half a byte", 13);
	bad("00000000  48 6 6c  |H.l|", "half a byte", 14);
	bad("00000000  48 6", "half a byte", 14);
}

static void test_too_many_digits_canonical(void **state)
{
	(void)state;
	bad("00000000  486 6c  |H.l|", "more than two hex digits", 13);
	bad("00000000  4865 6c6c  |Hell|", "more than two hex digits", 13);
}

static void test_bad_offset(void **state)
{
	(void)state;
	bad("0000g000: 4865", "invalid character in the offset", 5);
	bad("00000000 4865", "expected ':' or two blanks", 9);
	bad("00000000- 4865", "invalid character in the offset", 9);
	bad("x0000000: 4865", "not a dump line", 1);
	bad("-x000010: 4865", "not a dump line", 1);
	bad("  00000000: 4865", "line starts with a blank", 1);
}

/* Parse the guarded LINE; expect KIND and SIDE (and OFF). */
static void guarded_ok(const char *line, enum dumpline_kind kind,
		       enum dumpline_side side, uint64_t off, size_t len)
{
	unsigned char out[4096];
	struct dumpline dl;
	const char *why = NULL;

	if (dumpline_parse(line, strlen(line), out, &dl, &why) != 0)
		fail_msg("'%s': %s at column %zu", line, why, dl.column);
	assert_int_equal(dl.kind, kind);
	assert_int_equal(dl.side, side);
	if (kind != DUMPLINE_HEADER)
		assert_true(dl.offset == off);
	if (kind == DUMPLINE_DATA)
		assert_int_equal(dl.len, len);
}

/* What mmtool diff prints: prefixed lines, headers, the sizes. */
static void test_guarded_lines(void **state)
{
	unsigned char out[64];
	struct dumpline dl;

	(void)state;
	guarded_ok("--- a.bin", DUMPLINE_HEADER, DUMPLINE_OLD, 0, 0);
	guarded_ok("+++ b.bin\t2026-12-01", DUMPLINE_HEADER, DUMPLINE_NEW, 0,
		   0);
	guarded_ok("---", DUMPLINE_HEADER, DUMPLINE_OLD, 0, 0);
	guarded_ok("@@ -0x00000010 +0x00000010 @@", DUMPLINE_HUNK,
		   DUMPLINE_PLAIN, 16, 0);
	guarded_ok("@@ -10 +20 @@ text", DUMPLINE_HUNK, DUMPLINE_PLAIN, 16, 0);
	assert_int_equal(dumpline_parse("@@ -0x10 +0x2f @@", 17, out, &dl,
					NULL), 0);
	assert_true(dl.offset2 == 0x2f);
	guarded_ok("-00000010: 4865", DUMPLINE_DATA, DUMPLINE_OLD, 16, 2);
	guarded_ok("+00000010  48 65 6c  |Hel|", DUMPLINE_DATA, DUMPLINE_NEW,
		   16, 3);
	guarded_ok(" 00000010: 4865 6c  Hel", DUMPLINE_DATA, DUMPLINE_CONTEXT,
		   16, 3);
	guarded_ok("-00001388", DUMPLINE_END, DUMPLINE_OLD, 0x1388, 0);
	guarded_ok("+0000138a", DUMPLINE_END, DUMPLINE_NEW, 0x138a, 0);
	/* The column of a fault counts the prefix. */
	bad("-00000010: 48g5", "invalid hex digit", 14);
	bad(" 00001388", "a context line holds no bytes", 1);
	bad("@@ -0x10 @@", "expected '+0xOFFSET'", 10);
	bad("@@ -0x10 +0x10", "expected ' @@'", 15);
	bad("@@-0x10 +0x10 @@", "expected a blank after '@@'", 3);
	bad("@@ -0x +0x10 @@", "invalid hex digit", 7);
	bad("----- x", "not a dump line", 1);
}

static void test_no_bytes(void **state)
{
	(void)state;
	bad("00000000:", "no hex bytes", 10);
	bad("00000000: ", "no hex bytes", 11);
	bad("00000000:   Hello", "no hex bytes", 11);
	bad("00000000  |Hello|", "no hex bytes", 11);
	bad("00000000  \t|", "no hex bytes", 12);
}

static void test_garbage(void **state)
{
	(void)state;
	bad("hello world", "not a dump line", 1);
	bad("Hello", "not a dump line", 1);
	bad("# comment", "not a dump line", 1);
	bad("de ad be ef", "expected ':' or two blanks", 3);
	/* An xxd -p line: bare hex, not an offset too large (issue 8,
	 * item 13). */
	bad("48656c6c6f2c20776f726c64203031323334353637", "bare hex digits",
	    1);
}

/*
 * A line of nothing but hex digits is a final offset line only when it
 * looks like the one hexdump prints ("%08llx": eight digits, more only
 * without a leading zero).  Anything else is what peek -f hex or xxd -p
 * print (issue 8, item 13: "7f45" was taken for the offset 0x7f45 and
 * patch said "0 bytes changed").
 */
static void test_bare_hex_lines(void **state)
{
	(void)state;
	bad("7f45", "bare hex digits with no offset, as peek and xxd -p "
	    "print them", 1);
	bad("7f45 ", "bare hex digits", 1);
	bad("0", "bare hex digits", 1);
	bad("ab", "bare hex digits", 1);
	bad("0000002", "bare hex digits", 1);
	bad("000000024", "bare hex digits", 1);
	bad("0000000000000024", "bare hex digits", 1);
	bad("8000000000000000", "bare hex digits", 1);
	bad("7f454c460201010000000000000000000300", "bare hex digits", 1);
	/* What hexdump prints stays a final offset line. */
	nodata_ok("00000024", DUMPLINE_END, 0x24);
	nodata_ok("7f454c46\r", DUMPLINE_END, 0x7f454c46);
	nodata_ok("123456789", DUMPLINE_END, 0x123456789ull);
	nodata_ok("7fffffffffffffff", DUMPLINE_END, 0x7fffffffffffffffull);
	/* Hex digits with an offset separator are not bare. */
	data_ok("7f45: 4c46", DUMPLINE_XXD, 0x7f45, "\x4c\x46", 2);
}

/* Feed LINES (C strings, NULL-terminated) through parse and dumpseq; the
 * line numbered BAD (1-based; 0: none) must be refused with MSG. */
static void sequence(const char *const *lines, size_t bad_line,
		     const char *msg)
{
	unsigned char out[4096];
	struct dumpseq sq;
	size_t i;

	dumpseq_init(&sq);
	for (i = 0; lines[i] != NULL; i++) {
		struct dumpline dl;
		const char *why = NULL;
		char text[160];

		if (dumpline_parse(lines[i], strlen(lines[i]), out, &dl,
				   &why) != 0)
			fail_msg("line %zu '%s': %s", i + 1, lines[i], why);
		memset(text, 'x', sizeof(text));
		errno = 0;
		if (dumpseq_next(&sq, &dl, text, sizeof(text)) == 0) {
			if (i + 1 == bad_line)
				fail_msg("line %zu '%s' was taken", i + 1,
					 lines[i]);
			continue;
		}
		if (i + 1 != bad_line)
			fail_msg("line %zu '%s' refused: %s", i + 1, lines[i],
				 text);
		assert_int_equal(errno, EINVAL);
		if (strstr(text, msg) == NULL)
			fail_msg("line %zu: got '%s', want '%s'", i + 1, text,
				 msg);
		return;
	}
	if (bad_line != 0)
		fail_msg("line %zu never refused", bad_line);
}

/*
 * The order of the lines: forward only, a '*' repeats a line above, and
 * a lone offset ends bytes above it (issue 8, item 13: a lone offset in
 * the middle of a dump that went back was not checked, and one with
 * nothing above it, "7f454c46" from peek, made patch say "0 bytes
 * changed").
 */
static void test_line_order(void **state)
{
	static const char *const ok[] = {
		"00000000  41 42 43 44 45 46 47 48  41 42 43 44 45 46 47 48"
		"  |ABCDEFGHABCDEFGH|",
		"*", "", "00000040: 4142", "00000042", "",
		"00000100  41", "00000101", NULL
	};
	static const char *const star_first[] = { "*", "00000010", NULL };
	static const char *const end_first[] = { "7f454c46", NULL };
	static const char *const end_first16[] = { "7f454c4602010100", NULL };
	static const char *const end_after_blank[] = { "", "  ", "00000024",
						       NULL };
	static const char *const end_end[] = { "00000000: 41", "00000001",
					       "7f454c46", NULL };
	static const char *const end_back[] = { "00000010  41 42",
						"00000004", "00000020  43",
						NULL };
	static const char *const data_back[] = { "00000010  41 42",
						 "00000008: 43", NULL };
	static const char *const after_end[] = { "00000010  41 42",
						 "00000030", "00000020  43",
						 NULL };
	static const char *const same[] = { "00000010: 41", "00000011: 42",
					    "00000012", NULL };

	(void)state;
	sequence(ok, 0, NULL);
	sequence(same, 0, NULL);
	sequence(star_first, 1, "'*' with no dump line above it to repeat");
	sequence(end_first, 1, "an offset alone with no dump line above it: "
		 "bare hex (as peek prints), or a dump of no bytes");
	sequence(end_first16, 1, "an offset alone with no dump line");
	sequence(end_after_blank, 3, "an offset alone with no dump line");
	sequence(end_end, 3, "an offset alone with no dump line");
	sequence(end_back, 2, "final offset 0x4 goes back before the end of "
		 "the bytes above (0x12)");
	sequence(data_back, 2, "offset 0x8 goes back before the end of the "
		 "bytes above (0x12)");
	sequence(after_end, 3, "offset 0x20 goes back before the end of the "
		 "bytes above (0x30)");
}

/* A refused line leaves the state as it was, and the message fits. */
static void test_sequence_refusal_keeps_state(void **state)
{
	unsigned char out[64];
	struct dumpline dl;
	struct dumpseq sq;
	char small[16];

	(void)state;
	dumpseq_init(&sq);
	assert_int_equal(dumpline_parse("00000010: 4142", 14, out, &dl, NULL),
			 0);
	assert_int_equal(dumpseq_next(&sq, &dl, small, sizeof(small)), 0);
	assert_int_equal(dumpline_parse("00000000: 41", 12, out, &dl, NULL),
			 0);
	assert_int_equal(dumpseq_next(&sq, &dl, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_true(sq.end == 0x12);
	assert_int_equal(sq.last, DUMPLINE_DATA);
	assert_int_equal(dumpline_parse("00000012", 8, out, &dl, NULL), 0);
	assert_int_equal(dumpseq_next(&sq, &dl, small, sizeof(small)), 0);
}

static void test_nul_bytes(void **state)
{
	unsigned char out[64];
	struct dumpline dl;
	const char *why = NULL;
	static const char line[] = "00000000: 48\0" "65";

	(void)state;
	assert_int_equal(dumpline_parse(line, sizeof(line) - 1, out, &dl,
					&why), -1);
	assert_string_equal(why, "invalid hex digit");
	assert_int_equal(dl.column, 13);
	/* Not NUL-terminated: the parser stops at N. */
	assert_int_equal(dumpline_parse("00000000: 4865XX", 14, out, &dl,
					&why), 0);
	assert_int_equal(dl.len, 2);
}

/* Format DATA as xxd -c COLS -g GROUP would, at OFF; returns the length. */
static size_t format_xxd(char *line, uint64_t off, const unsigned char *data,
			 size_t n, size_t cols, size_t group)
{
	size_t len = (size_t)sprintf(line, "%08llx: ", (unsigned long long)off);
	size_t width = 2 * cols + (group ? (cols - 1) / group : 0);
	size_t start = len;

	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(line + len, "%02x", data[i]);
		if (group && (i + 1) % group == 0 && i + 1 < cols)
			line[len++] = ' ';
	}
	while (len - start < width)
		line[len++] = ' ';
	line[len++] = ' ';
	line[len++] = ' ';
	for (size_t i = 0; i < n; i++)
		line[len++] = data[i] >= 0x20 && data[i] < 0x7f ?
			      (char)data[i] : '.';
	line[len] = '\0';
	return len;
}

/* N random bytes from SEED, every third one of ASCII (in turn): plenty
 * of ASCII that looks like hex in the ASCII column. */
static void hexlike_bytes(unsigned char *data, size_t n, uint32_t seed,
			  const char *ascii)
{
	size_t k = strlen(ascii);

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		data[i] = (unsigned char)(seed >> 16);
		if (i % 3 == 0)
			data[i] = (unsigned char)ascii[i % k];
	}
}

/* Every xxd layout, on random bytes, reads back exactly. */
static void test_xxd_layouts_round_trip(void **state)
{
	unsigned char data[256], out[1024];
	char line[2048];

	(void)state;
	hexlike_bytes(data, sizeof(data), 12345, "0123456789abcdef ");
	for (size_t cols = 1; cols <= 64; cols++) {
		for (size_t group = 0; group <= cols + 1; group++) {
			for (size_t n = 1; n <= cols; n += (n < 3 ? 1 : 5)) {
				struct dumpline dl;
				const char *why = NULL;
				uint64_t off = cols * 0x10000001ull;
				size_t len = format_xxd(line, off, data + cols,
							n, cols, group);

				if (dumpline_parse(line, len, out, &dl, &why))
					fail_msg("-c %zu -g %zu: '%s': %s",
						 cols, group, line, why);
				assert_int_equal(dl.kind, DUMPLINE_DATA);
				assert_int_equal(dl.layout, DUMPLINE_XXD);
				assert_true(dl.offset == off);
				assert_int_equal(dl.len, n);
				assert_memory_equal(out, data + cols, n);
			}
		}
	}
}

/* Parse LINE as a line of xxd -e and expect LEN bytes, WANT. */
static void le_ok(const char *line, const char *want, size_t len)
{
	unsigned char out[256];
	struct dumpline dl;
	const char *why = NULL;

	if (dumpline_parse_as(line, strlen(line), DUMPLINE_LITTLE_ENDIAN, out,
			      &dl, &why) != 0)
		fail_msg("'%s': %s at column %zu", line, why, dl.column);
	assert_int_equal(dl.kind, DUMPLINE_DATA);
	assert_int_equal(dl.len, len);
	assert_memory_equal(out, want, len);
}

/*
 * xxd -e: an ASCII column that starts with blanks and holds hex letters
 * looks like a right-aligned last group when the line's trailing blanks
 * are stripped (found by fuzz_dumpline).  Only a line whose bytes are all
 * 0x20 can end with a group, its column all blanks.
 */
static void test_xxd_e_column_like_a_group(void **state)
{
	static const char bytes16[] = "   fff0         ";

	(void)state;
	le_ok("000000d5: 66202020 20306666 20202020 20202020     fff0",
	      bytes16, 16);
	le_ok("000000d5: 66202020 20306666 20202020 20202020     fff0"
	      "         ", bytes16, 16);
	/* xxd -e -c 18 on 18 blanks, its column stripped: 18 bytes. */
	le_ok("00000000: 20202020 20202020 20202020 20202020     2020",
	      "                  ", 18);
	le_ok("00000000: 20202020 20202020 20202020 20202020     6261  "
	      "                ab", "                ab", 18);
}

/* The next of a xorshift32 sequence: random enough, the same each run. */
static uint32_t xorshift(uint32_t x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* LINES lines of xxd's default layout from OFF at TEXT (68 bytes each). */
static size_t xxd_text(char *text, uint64_t off, const unsigned char *data,
		       size_t lines)
{
	size_t len = 0;

	for (size_t l = 0; l < lines; l++) {
		len += format_xxd(text + len, off + 16 * l, data + 16 * l, 16,
				  16, 2);
		text[len++] = '\n';
	}
	return len;
}

/*
 * Every line dumpline_xxd_run takes is a DATA line dumpline_parse reads
 * with the same offset and bytes; it stops at the first that is not.
 * Returns how many it took.
 */
static size_t run_checked(const char *text, size_t n, uint64_t off,
			  size_t max)
{
	unsigned char out[16 * 64], one[64];
	struct dumpseq sq;
	size_t k;

	dumpseq_init(&sq);
	sq.end = off;
	sq.last = DUMPLINE_DATA;
	k = dumpline_xxd_run(&sq, text, n, max, out);
	assert_true(k <= max && 68 * k <= n);
	assert_true(sq.end == off + 16 * k);
	for (size_t l = 0; l < k; l++) {
		struct dumpline dl;
		const char *why = NULL;

		assert_int_equal(text[68 * l + 67], '\n');
		if (dumpline_parse(text + 68 * l, 67, one, &dl, &why) != 0)
			fail_msg("line %zu taken, but the parser says %s", l,
				 why);
		assert_int_equal(dl.kind, DUMPLINE_DATA);
		assert_true(dl.offset == off + 16 * l);
		assert_int_equal(dl.len, 16);
		assert_memory_equal(one, out + 16 * l, 16);
	}
	return k;
}

/* The run over real xxd lines, and over each of them changed at each
 * column to each of a set of characters. */
static void test_xxd_run_agrees_with_parse(void **state)
{
	static const char subst[] = "0aAfFgG: \r\n\t.~x\x80\xff";
	unsigned char data[16 * 8];
	char text[68 * 8 + 1];
	size_t n;

	(void)state;
	hexlike_bytes(data, sizeof(data), 4242, "0123456789abcdef .~");
	n = xxd_text(text, 0x7ff0, data, 8);
	assert_int_equal(run_checked(text, n, 0x7ff0, 8), 8);
	/* MAX, and whole lines only. */
	assert_int_equal(run_checked(text, n, 0x7ff0, 3), 3);
	assert_int_equal(run_checked(text, n - 1, 0x7ff0, 8), 7);
	/* An offset other than the one that follows on. */
	assert_int_equal(run_checked(text, n, 0x7fe0, 8), 0);
	for (size_t line = 0; line < 8; line++) {
		for (size_t col = 0; col < 68; col++) {
			for (size_t c = 0; c < sizeof(subst) - 1; c++) {
				char *at = text + 68 * line + col, was = *at;
				size_t k;

				*at = subst[c];
				k = run_checked(text, n, 0x7ff0, 8);
				/* The lines above are taken whatever. */
				assert_true(k >= line);
				*at = was;
			}
		}
	}
	/* Uppercase (xxd -u) is read too; a change of case in the ASCII
	 * column is not what xxd shows. */
	for (size_t i = 0; i < n; i++)
		if (i % 68 < 49 && text[i] >= 'a' && text[i] <= 'f')
			text[i] = (char)(text[i] - 'a' + 'A');
	assert_int_equal(run_checked(text, n, 0x7ff0, 8), 8);
}

/* Offsets of eight digits only; the line past 4 GiB has nine. */
static void test_xxd_run_at_4gib(void **state)
{
	unsigned char data[48] = { 0 };
	char text[3 * 80];
	size_t n = 0;

	(void)state;
	for (size_t l = 0; l < 3; l++) {
		n += format_xxd(text + n, 0xffffffe0ull + 16 * l, data, 16, 16,
				2);
		text[n++] = '\n';
	}
	assert_int_equal(run_checked(text, n, 0xffffffe0ull, 3), 2);
	assert_int_equal(run_checked(text + 136, n - 136, 0x100000000ull, 1),
			 0);
	/* Past 4 GiB, a line of eight digits is never taken as one that
	 * follows on (its offset is below 4 GiB: it goes back). */
	n = format_xxd(text, 0x10, data, 16, 16, 2);
	text[n++] = '\n';
	assert_int_equal(run_checked(text, n, 0x100000010ull, 1), 0);
}

/* A line of xxd -e (each group's bytes last first in the column): not
 * taken, so the parser refuses it with its hint. */
static void test_xxd_run_leaves_e_lines(void **state)
{
	const char *line = "00000000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50"
			   "  BADCFEHGJILKNMPO\n";

	(void)state;
	assert_int_equal(strlen(line), 68);
	assert_int_equal(run_checked(line, 68, 0, 1), 0);
	bad("00000000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50"
	    "  BADCFEHGJILKNMPO", "this looks like an xxd -e dump", 11);
}

/* What dumphex_read must do, a character at a time. */
struct hexref {
	int rc, half;
	size_t len;
	uint64_t line, column, half_line;
};

static void hex_reference(const char *t, size_t n, unsigned char *out,
			  struct hexref *r)
{
	static const char digits[] = "0123456789abcdef";
	int h = -1;

	r->rc = 0;
	r->len = 0;
	r->line = 1;
	r->column = 0;
	r->half_line = 0;
	for (size_t i = 0; i < n; i++) {
		char c = t[i] >= 'A' && t[i] <= 'F' ? (char)(t[i] + 32) : t[i];
		const char *d = c != '\0' ? strchr(digits, c) : NULL;

		if (d != NULL) {
			if (h < 0) {
				h = (int)(d - digits);
				r->half_line = r->line;
			} else {
				out[r->len++] = (unsigned char)(h << 4 |
								(d - digits));
				h = -1;
			}
		} else if (c == '\n') {
			r->line++;
			r->column = 0;
			continue;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			r->rc = -1;
			r->column++;
			break;
		}
		r->column++;
	}
	r->half = h;
}

/* dumphex_read, on random text in random pieces, against the reference. */
static void test_dumphex_against_reference(void **state)
{
	static const char alphabet[] = "0123456789abcdefABCDEF0123456789"
				       "abcdef \t\r\n\n";
	char text[400];
	unsigned char want[256], got[256 + 16];
	uint32_t x = 7;

	(void)state;
	for (int iter = 0; iter < 40000; iter++) {
		struct hexref r;
		struct dumphex h;
		size_t n, at = 0, len = 0;
		int rc = 0;

		x = xorshift(x);
		n = x % sizeof(text);
		for (size_t i = 0; i < n; i++) {
			x = xorshift(x);
			/* Long runs of digits, the odd blank, rarely junk. */
			text[i] = x % 4096 == 0 ? 'g' :
				  x % 64 == 0 ? alphabet[(x >> 8) %
							 (sizeof(alphabet) - 1)]
					      : alphabet[(x >> 8) % 22];
		}
		hex_reference(text, n, want, &r);
		dumphex_init(&h);
		while (rc == 0 && at < n) {
			size_t piece, k = 0;

			x = xorshift(x);
			piece = iter % 2 ? n - at : 1 + x % (n - at);
			rc = dumphex_read(&h, text + at, piece, got + len, &k,
					  NULL);
			len += k;
			at += piece;
		}
		assert_int_equal(rc, r.rc);
		assert_int_equal(len, r.len);
		assert_memory_equal(got, want, len);
		assert_true(h.line == r.line);
		assert_true(h.column == r.column);
		if (rc == 0) {
			assert_int_equal(h.half, r.half);
			if (r.half >= 0)
				assert_true(h.half_line == r.half_line);
		}
	}
}

/* Random and mutated lines: never a crash, never more than N/2 bytes. */
static void test_random_lines_are_safe(void **state)
{
	static const char alphabet[] = "0123456789abcdefABCDEF: |*\r\t\n.xg";
	unsigned char out[64 + 8];
	char line[128];
	uint32_t x = 99;

	(void)state;
	for (int iter = 0; iter < 200000; iter++) {
		struct dumpline dl;
		const char *why = NULL;
		size_t n;

		x = xorshift(x);
		n = x % sizeof(line);
		for (size_t i = 0; i < n; i++) {
			x = xorshift(x);
			line[i] = (iter & 1) ? alphabet[x % (sizeof(alphabet) - 1)]
					     : (char)(x >> 24);
		}
		memset(out, 0xa5, sizeof(out));
		if (dumpline_parse(line, n, out, &dl, &why) == 0) {
			assert_true(dl.kind <= DUMPLINE_DATA);
			if (dl.kind == DUMPLINE_DATA) {
				assert_true(dl.len >= 1 && dl.len <= n / 2);
				assert_true(dl.offset <= INT64_MAX - dl.len);
			}
		} else {
			assert_non_null(why);
			assert_true(dl.column >= 1 && dl.column <= n + 1);
		}
		/* Nothing written past N/2 bytes. */
		for (size_t i = n / 2; i < sizeof(out); i++)
			assert_int_equal(out[i], 0xa5);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xxd_default),
		cmocka_unit_test(test_xxd_e_column_like_a_group),
		cmocka_unit_test(test_xxd_run_agrees_with_parse),
		cmocka_unit_test(test_xxd_run_at_4gib),
		cmocka_unit_test(test_xxd_run_leaves_e_lines),
		cmocka_unit_test(test_dumphex_against_reference),
		cmocka_unit_test(test_xxd_partial_last_line),
		cmocka_unit_test(test_xxd_g0),
		cmocka_unit_test(test_xxd_c7_g3),
		cmocka_unit_test(test_xxd_c32_g4),
		cmocka_unit_test(test_xxd_c5_g2_odd_cols),
		cmocka_unit_test(test_xxd_hexlike_ascii),
		cmocka_unit_test(test_xxd_uppercase),
		cmocka_unit_test(test_xxd_no_ascii_column),
		cmocka_unit_test(test_canonical_full),
		cmocka_unit_test(test_canonical_partial),
		cmocka_unit_test(test_canonical_ascii_ignored),
		cmocka_unit_test(test_star_line),
		cmocka_unit_test(test_final_offset_line),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_offsets_past_4gib),
		cmocka_unit_test(test_offset_limits),
		cmocka_unit_test(test_bad_hex_digit),
		cmocka_unit_test(test_half_byte),
		cmocka_unit_test(test_too_many_digits_canonical),
		cmocka_unit_test(test_bad_offset),
		cmocka_unit_test(test_guarded_lines),
		cmocka_unit_test(test_no_bytes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bare_hex_lines),
		cmocka_unit_test(test_line_order),
		cmocka_unit_test(test_sequence_refusal_keeps_state),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_xxd_layouts_round_trip),
		cmocka_unit_test(test_random_lines_are_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
