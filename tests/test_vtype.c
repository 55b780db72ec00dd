/*
 * test_vtype.c - typed values: names, encoding at the range limits in both
 * byte orders, and shortest round-trip formatting (vtype.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "vtype.h"

static struct vtype type_of(const char *name)
{
	struct vtype t;

	assert_int_equal(vtype_parse(name, &t), 0);
	return t;
}

/* Encode TEXT as NAME: exactly WANT[0..size), and nothing past it. */
static void enc_ok(const char *name, const char *text, const char *want)
{
	struct vtype t = type_of(name);
	unsigned char out[9];
	const char *why = NULL;

	memset(out, 0xa5, sizeof(out));
	assert_int_equal(vtype_encode(&t, text, out, &why), 0);
	assert_null(why);
	assert_memory_equal(out, want, t.size);
	assert_int_equal(out[t.size], 0xa5);
}

/* Fail with ERR (and WANT_WHY if not NULL), leaving OUT untouched. */
static void enc_err(const char *name, const char *text, int err,
		    const char *want_why)
{
	struct vtype t = type_of(name);
	unsigned char out[8];
	static const unsigned char untouched[8] = {
		0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5
	};
	const char *why = NULL;

	memset(out, 0xa5, sizeof(out));
	errno = 0;
	assert_int_equal(vtype_encode(&t, text, out, &why), -1);
	assert_int_equal(errno, err);
	assert_memory_equal(out, untouched, sizeof(out));
	assert_non_null(why);
	if (want_why != NULL)
		assert_string_equal(why, want_why);
}

/* Format the bytes IN as NAME: exactly WANT, and the length returned. */
static void fmt_is(const char *name, const char *in, const char *want)
{
	struct vtype t = type_of(name);
	char buf[VTYPE_TEXT_MAX];
	size_t n;

	n = vtype_format(&t, (const unsigned char *)in, buf);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static int host_is_big_endian(void)
{
	uint32_t probe = 0x01020304;
	unsigned char first;

	memcpy(&first, &probe, 1);
	return first == 0x01;
}

static void test_parse_every_name(void **state)
{
	static const struct {
		const char *name;
		enum vtype_kind kind;
		unsigned size;
	} all[] = {
		{ "u8", VT_UNSIGNED, 1 }, { "u16", VT_UNSIGNED, 2 },
		{ "u32", VT_UNSIGNED, 4 }, { "u64", VT_UNSIGNED, 8 },
		{ "i8", VT_SIGNED, 1 }, { "i16", VT_SIGNED, 2 },
		{ "i32", VT_SIGNED, 4 }, { "i64", VT_SIGNED, 8 },
		{ "f32", VT_FLOAT, 4 }, { "f64", VT_FLOAT, 8 },
	};
	char name[16];
	struct vtype t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		t = type_of(all[i].name);
		assert_int_equal(t.kind, all[i].kind);
		assert_int_equal(t.size, all[i].size);
		assert_int_equal(t.big_endian, host_is_big_endian());

		strcpy(name, all[i].name);
		strcat(name, "le");
		t = type_of(name);
		assert_int_equal(t.kind, all[i].kind);
		assert_int_equal(t.size, all[i].size);
		assert_int_equal(t.big_endian, 0);

		strcpy(name, all[i].name);
		strcat(name, "be");
		t = type_of(name);
		assert_int_equal(t.kind, all[i].kind);
		assert_int_equal(t.size, all[i].size);
		assert_int_equal(t.big_endian, 1);
	}
}

static void test_parse_bad_names(void **state)
{
	static const char *const bad[] = {
		"", "u24", "u32xe", "u32l", "u32lebe", "u32lele", "U32",
		"u32LE", "u32BE", "u", "i", "f", "f16", "i128", "u80", "u08",
		"s32", " u32", "u32 ", "uint32", "float", "u8-le",
	};
	struct vtype t = { VT_FLOAT, 3, 7 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(vtype_parse(bad[i], &t), -1);
		assert_int_equal(errno, EINVAL);
		assert_int_equal(t.kind, VT_FLOAT);
		assert_int_equal(t.size, 3);
		assert_int_equal(t.big_endian, 7);
	}
}

static void test_u8(void **state)
{
	(void)state;
	enc_ok("u8", "0", "\x00");
	enc_ok("u8", "255", "\xff");
	enc_ok("u8", "0xff", "\xff");
	enc_ok("u8", "0XFF", "\xff");
	enc_ok("u8", "010", "\x0a");
	enc_ok("u8", "+7", "\x07");
	enc_err("u8", "256", ERANGE, "out of range for u8");
	enc_err("u8", "0x100", ERANGE, "out of range for u8");
	enc_err("u8", "18446744073709551616", ERANGE, "out of range for u8");
}

static void test_u16_both_orders(void **state)
{
	(void)state;
	enc_ok("u16le", "0x1234", "\x34\x12");
	enc_ok("u16be", "0x1234", "\x12\x34");
	enc_ok("u16le", "65535", "\xff\xff");
	enc_ok("u16be", "256", "\x01\x00");
	enc_err("u16le", "65536", ERANGE, "out of range for u16");
	enc_err("u16be", "0x10000", ERANGE, NULL);
}

static void test_u32_both_orders(void **state)
{
	(void)state;
	enc_ok("u32le", "0x12345678", "\x78\x56\x34\x12");
	enc_ok("u32be", "0x12345678", "\x12\x34\x56\x78");
	enc_ok("u32le", "4294967295", "\xff\xff\xff\xff");
	enc_ok("u32be", "1", "\x00\x00\x00\x01");
	enc_err("u32le", "4294967296", ERANGE, "out of range for u32");
}

static void test_u64_both_orders(void **state)
{
	(void)state;
	enc_ok("u64le", "0x0102030405060708",
	       "\x08\x07\x06\x05\x04\x03\x02\x01");
	enc_ok("u64be", "0x0102030405060708",
	       "\x01\x02\x03\x04\x05\x06\x07\x08");
	enc_ok("u64le", "18446744073709551615",
	       "\xff\xff\xff\xff\xff\xff\xff\xff");
	enc_ok("u64be", "0xffffffffffffffff",
	       "\xff\xff\xff\xff\xff\xff\xff\xff");
	enc_err("u64le", "18446744073709551616", ERANGE, "out of range for u64");
	enc_err("u64be", "0x10000000000000000", ERANGE, "out of range for u64");
}

static void test_i8(void **state)
{
	(void)state;
	enc_ok("i8", "-1", "\xff");
	enc_ok("i8", "-128", "\x80");
	enc_ok("i8", "127", "\x7f");
	enc_ok("i8", "-0", "\x00");
	enc_ok("i8", "+0", "\x00");
	enc_ok("i8", "-0x80", "\x80");
	enc_err("i8", "128", ERANGE, "out of range for i8");
	enc_err("i8", "-129", ERANGE, "out of range for i8");
	enc_err("i8", "0xff", ERANGE, "out of range for i8");
}

static void test_i16_both_orders(void **state)
{
	(void)state;
	enc_ok("i16le", "-2", "\xfe\xff");
	enc_ok("i16be", "-2", "\xff\xfe");
	enc_ok("i16le", "-32768", "\x00\x80");
	enc_ok("i16be", "32767", "\x7f\xff");
	enc_err("i16le", "32768", ERANGE, "out of range for i16");
	enc_err("i16be", "-32769", ERANGE, "out of range for i16");
}

static void test_i32_both_orders(void **state)
{
	(void)state;
	enc_ok("i32le", "-2147483648", "\x00\x00\x00\x80");
	enc_ok("i32be", "-2147483648", "\x80\x00\x00\x00");
	enc_ok("i32le", "2147483647", "\xff\xff\xff\x7f");
	enc_ok("i32be", "-1", "\xff\xff\xff\xff");
	enc_err("i32le", "2147483648", ERANGE, "out of range for i32");
	enc_err("i32be", "-2147483649", ERANGE, NULL);
}

static void test_i64_limits(void **state)
{
	(void)state;
	enc_ok("i64le", "-9223372036854775808",
	       "\x00\x00\x00\x00\x00\x00\x00\x80");
	enc_ok("i64be", "-9223372036854775808",
	       "\x80\x00\x00\x00\x00\x00\x00\x00");
	enc_ok("i64le", "9223372036854775807",
	       "\xff\xff\xff\xff\xff\xff\xff\x7f");
	enc_ok("i64be", "0x7fffffffffffffff",
	       "\x7f\xff\xff\xff\xff\xff\xff\xff");
	enc_ok("i64be", "-1", "\xff\xff\xff\xff\xff\xff\xff\xff");
	enc_err("i64le", "9223372036854775808", ERANGE, "out of range for i64");
	enc_err("i64le", "-9223372036854775809", ERANGE, "out of range for i64");
	enc_err("i64be", "-18446744073709551616", ERANGE, NULL);
}

static void test_unsigned_takes_no_minus(void **state)
{
	(void)state;
	enc_err("u8", "-1", EINVAL, "negative value for an unsigned type");
	enc_err("u8", "-0", EINVAL, "negative value for an unsigned type");
	enc_err("u64", "-0x1", EINVAL, "negative value for an unsigned type");
}

static void test_int_bad_text(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "1K", "1KB", "1.0", "1e3", "abc", "-", "+",
		"0x", "--1", "+-1", "-+1", "0x-1", "- 1", "1k2", "0b1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enc_err("i32", bad[i], EINVAL, NULL);
		enc_err("u16be", bad[i], EINVAL, NULL);
	}
}

/* Without a suffix: the host's order, as memcpy of a native integer. */
static void test_host_order(void **state)
{
	struct vtype t = type_of("u32");
	uint32_t native = 0x01020304;
	int16_t minus_two = -2;
	unsigned char out[4];

	(void)state;
	assert_int_equal(vtype_encode(&t, "0x01020304", out, NULL), 0);
	assert_memory_equal(out, &native, 4);
	fmt_is("u32", (const char *)&native, "16909060");
	t = type_of("i16");
	assert_int_equal(vtype_encode(&t, "-2", out, NULL), 0);
	assert_memory_equal(out, &minus_two, 2);
	fmt_is("i16", (const char *)&minus_two, "-2");
}

static void test_f64_encode(void **state)
{
	(void)state;
	enc_ok("f64be", "0.1", "\x3f\xb9\x99\x99\x99\x99\x99\x9a");
	enc_ok("f64le", "0.1", "\x9a\x99\x99\x99\x99\x99\xb9\x3f");
	enc_ok("f64be", "1", "\x3f\xf0\x00\x00\x00\x00\x00\x00");
	enc_ok("f64be", "-2.5", "\xc0\x04\x00\x00\x00\x00\x00\x00");
	enc_ok("f64be", "0x1p-2", "\x3f\xd0\x00\x00\x00\x00\x00\x00");
}

static void test_f32_encode(void **state)
{
	(void)state;
	enc_ok("f32be", "0.1", "\x3d\xcc\xcc\xcd");
	enc_ok("f32le", "0.1", "\xcd\xcc\xcc\x3d");
	enc_ok("f32be", "1", "\x3f\x80\x00\x00");
	enc_ok("f32be", "16777217", "\x4b\x80\x00\x00");	/* rounds */
}

/* Text to float directly: through a double this would round twice (to
 * exactly 1 + 2^-24, then to even: 1.0). */
static void test_f32_rounds_once(void **state)
{
	(void)state;
	enc_ok("f32be", "1.0000000596046448", "\x3f\x80\x00\x01");
	enc_ok("f32be", "1.000000059604644775390625", "\x3f\x80\x00\x00");
}

static void test_f32_limits(void **state)
{
	(void)state;
	enc_ok("f32be", "3.4028234663852886e38", "\x7f\x7f\xff\xff");
	enc_ok("f32be", "3.4028235e38", "\x7f\x7f\xff\xff");
	enc_ok("f32be", "-3.4028234663852886e38", "\xff\x7f\xff\xff");
	enc_err("f32be", "1e39", ERANGE, "out of range for f32");
	enc_err("f32be", "-1e39", ERANGE, "out of range for f32");
	enc_err("f32be", "3.4028236e38", ERANGE, NULL);
	enc_err("f32le", "1e308", ERANGE, NULL);
}

static void test_f64_limits(void **state)
{
	(void)state;
	enc_ok("f64be", "1.7976931348623157e308",
	       "\x7f\xef\xff\xff\xff\xff\xff\xff");
	enc_ok("f64be", "1e308", "\x7f\xe1\xcc\xf3\x85\xeb\xc8\xa0");
	enc_err("f64be", "1e309", ERANGE, "out of range for f64");
	enc_err("f64le", "-1e309", ERANGE, "out of range for f64");
	enc_err("f64le", "1.8e308", ERANGE, NULL);
}

/* Underflow rounds to a subnormal or zero; it is not an error. */
static void test_float_underflow(void **state)
{
	(void)state;
	enc_ok("f64be", "4.9e-324", "\x00\x00\x00\x00\x00\x00\x00\x01");
	enc_ok("f64be", "1e-400", "\x00\x00\x00\x00\x00\x00\x00\x00");
	enc_ok("f32be", "1.4e-45", "\x00\x00\x00\x01");
	enc_ok("f32be", "1e-50", "\x00\x00\x00\x00");
}

static void test_float_specials(void **state)
{
	(void)state;
	enc_ok("f64be", "inf", "\x7f\xf0\x00\x00\x00\x00\x00\x00");
	enc_ok("f64be", "-inf", "\xff\xf0\x00\x00\x00\x00\x00\x00");
	enc_ok("f64be", "infinity", "\x7f\xf0\x00\x00\x00\x00\x00\x00");
	enc_ok("f32be", "inf", "\x7f\x80\x00\x00");
	enc_ok("f32le", "-INF", "\x00\x00\x80\xff");
	enc_ok("f64be", "-0", "\x80\x00\x00\x00\x00\x00\x00\x00");
	enc_ok("f32be", "-0", "\x80\x00\x00\x00");
	enc_ok("f32be", "0", "\x00\x00\x00\x00");
}

static void test_float_nan(void **state)
{
	struct vtype t = type_of("f64be");
	unsigned char out[8];
	char buf[VTYPE_TEXT_MAX];

	(void)state;
	assert_int_equal(vtype_encode(&t, "nan", out, NULL), 0);
	assert_int_equal(out[0] & 0x7f, 0x7f);	/* exponent all ones */
	assert_int_equal(out[1] & 0xf0, 0xf0);
	assert_true((out[1] & 0x0f) | out[2] | out[3] | out[4] | out[5] |
		    out[6] | out[7]);		/* mantissa non-zero */
	vtype_format(&t, out, buf);
	assert_non_null(strstr(buf, "nan"));

	t = type_of("f32le");
	assert_int_equal(vtype_encode(&t, "nan", out, NULL), 0);
	assert_int_equal(out[3] & 0x7f, 0x7f);
	assert_int_equal(out[2] & 0x80, 0x80);
	vtype_format(&t, out, buf);
	assert_non_null(strstr(buf, "nan"));
}

static void test_float_bad_text(void **state)
{
	static const char *const bad[] = {
		"", " 1", "1 ", " 1.5", "1.0x", "1K", "abc", "0x", "1e", "--1",
		"1,5", "nan ", "in", ".",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enc_err("f64", bad[i], EINVAL, NULL);
		enc_err("f32", bad[i], EINVAL, NULL);
	}
	enc_err("f64", " 1", EINVAL, "contains a blank");
	enc_err("f64", "1.5x", EINVAL, "trailing characters");
	enc_err("f64", "x", EINVAL, "not a number");
}

static void test_format_unsigned(void **state)
{
	(void)state;
	fmt_is("u8", "\x00", "0");
	fmt_is("u8", "\xff", "255");
	fmt_is("u16le", "\xfe\xff", "65534");
	fmt_is("u16be", "\xfe\xff", "65279");
	fmt_is("u32le", "\x78\x56\x34\x12", "305419896");
	fmt_is("u32be", "\xff\xff\xff\xff", "4294967295");
	fmt_is("u64le", "\xff\xff\xff\xff\xff\xff\xff\xff",
	       "18446744073709551615");
	fmt_is("u64be", "\x80\x00\x00\x00\x00\x00\x00\x00",
	       "9223372036854775808");
}

static void test_format_signed(void **state)
{
	(void)state;
	fmt_is("i8", "\x80", "-128");
	fmt_is("i8", "\xff", "-1");
	fmt_is("i8", "\x7f", "127");
	fmt_is("i16be", "\x80\x00", "-32768");
	fmt_is("i16le", "\x80\x00", "128");
	fmt_is("i32le", "\x00\x00\x00\x80", "-2147483648");
	fmt_is("i32be", "\x7f\xff\xff\xff", "2147483647");
	fmt_is("i64be", "\x80\x00\x00\x00\x00\x00\x00\x00",
	       "-9223372036854775808");
	fmt_is("i64le", "\xff\xff\xff\xff\xff\xff\xff\x7f",
	       "9223372036854775807");
	fmt_is("i64le", "\xff\xff\xff\xff\xff\xff\xff\xff", "-1");
}

static void test_format_f64_shortest(void **state)
{
	(void)state;
	fmt_is("f64be", "\x3f\xb9\x99\x99\x99\x99\x99\x9a", "0.1");
	fmt_is("f64be", "\x7f\xe1\xcc\xf3\x85\xeb\xc8\xa0", "1e+308");
	fmt_is("f64be", "\x7f\xef\xff\xff\xff\xff\xff\xff",
	       "1.7976931348623157e+308");
	fmt_is("f64be", "\x3f\xd5\x55\x55\x55\x55\x55\x55",
	       "0.3333333333333333");
	fmt_is("f64be", "\x3f\xd3\x33\x33\x33\x33\x33\x34",
	       "0.30000000000000004");
	fmt_is("f64be", "\x00\x00\x00\x00\x00\x00\x00\x01", "5e-324");
	fmt_is("f64be", "\x40\x59\x00\x00\x00\x00\x00\x00", "100");
	fmt_is("f64le", "\x00\x00\x00\x00\x00\x00\xf0\x3f", "1");
}

/* Whole numbers print in full while the type has the digits: %.1g would
 * write 100 as "1e+02". */
static void test_format_whole_numbers(void **state)
{
	(void)state;
	fmt_is("f64be", "\x40\x59\x00\x00\x00\x00\x00\x00", "100");
	fmt_is("f64be", "\x40\x8f\x40\x00\x00\x00\x00\x00", "1000");
	fmt_is("f64be", "\xc0\xc3\x88\x00\x00\x00\x00\x00", "-10000");
	fmt_is("f64be", "\x43\x40\x00\x00\x00\x00\x00\x00",
	       "9007199254740992");
	fmt_is("f64be", "\x43\x41\xc3\x79\x37\xe0\x80\x00",
	       "10000000000000000");
	fmt_is("f64be", "\x43\x76\x34\x57\x85\xd8\xa0\x00", "1e+17");
	fmt_is("f64be", "\x44\x15\xaf\x1d\x78\xb5\x8c\x40", "1e+20");
	fmt_is("f32be", "\x42\xc8\x00\x00", "100");
	fmt_is("f32be", "\x4c\xbe\xbc\x20", "100000000");
	fmt_is("f32be", "\x4e\x6e\x6b\x28", "1e+09");
	fmt_is("f32be", "\x47\xc3\x50\x00", "100000");
}

static void test_format_f32_shortest(void **state)
{
	(void)state;
	fmt_is("f32be", "\x3d\xcc\xcc\xcd", "0.1");
	fmt_is("f32le", "\xcd\xcc\xcc\x3d", "0.1");
	fmt_is("f32be", "\x7f\x7f\xff\xff", "3.4028235e+38");
	fmt_is("f32be", "\x4b\x80\x00\x00", "16777216");
	fmt_is("f32be", "\x3e\xaa\xaa\xab", "0.33333334");
	fmt_is("f32be", "\x00\x00\x00\x01", "1e-45");
	fmt_is("f32be", "\x3f\x80\x00\x01", "1.0000001");
}

static void test_format_specials(void **state)
{
	(void)state;
	fmt_is("f64be", "\x7f\xf0\x00\x00\x00\x00\x00\x00", "inf");
	fmt_is("f64be", "\xff\xf0\x00\x00\x00\x00\x00\x00", "-inf");
	fmt_is("f64be", "\x80\x00\x00\x00\x00\x00\x00\x00", "-0");
	fmt_is("f64be", "\x00\x00\x00\x00\x00\x00\x00\x00", "0");
	fmt_is("f32be", "\x7f\x80\x00\x00", "inf");
	fmt_is("f32be", "\xff\x80\x00\x00", "-inf");
	fmt_is("f32be", "\x80\x00\x00\x00", "-0");
	fmt_is("f32be", "\x00\x00\x00\x00", "0");
}

static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* format then encode gives back the same bits, for every non-NaN value. */
static void round_trip_floats(const char *name, int rounds)
{
	struct vtype t = type_of(name);
	unsigned char in[8], out[8];
	char buf[VTYPE_TEXT_MAX];
	uint64_t x = 88172645463325252ULL, r;
	unsigned exp_hi, i;
	int k;

	for (k = 0; k < rounds; k++) {
		r = next_random(&x);
		for (i = 0; i < 8; i++)
			in[i] = (unsigned char)(r >> (8 * i));
		/* Big-endian: the exponent starts in in[0]; skip NaNs. */
		exp_hi = t.size == 8 ? ((in[0] & 0x7fu) << 4 | in[1] >> 4)
				     : ((in[0] & 0x7fu) << 1 | in[1] >> 7);
		if (exp_hi == (t.size == 8 ? 0x7ffu : 0xffu))
			continue;
		assert_true(vtype_format(&t, in, buf) < VTYPE_TEXT_MAX);
		assert_int_equal(vtype_encode(&t, buf, out, NULL), 0);
		assert_memory_equal(out, in, t.size);
	}
}

static void test_round_trip_f64(void **state)
{
	(void)state;
	round_trip_floats("f64be", 20000);
}

static void test_round_trip_f32(void **state)
{
	(void)state;
	round_trip_floats("f32be", 20000);
}

/* The same for every integer type, in both orders. */
static void test_round_trip_integers(void **state)
{
	static const char *const names[] = {
		"u8", "u16le", "u16be", "u32le", "u32be", "u64le", "u64be",
		"i8", "i16le", "i16be", "i32le", "i32be", "i64le", "i64be",
	};
	unsigned char in[8], out[8];
	char buf[VTYPE_TEXT_MAX];
	uint64_t x = 0x9e3779b97f4a7c15ULL, r;
	struct vtype t;
	size_t i, j;
	int k;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		t = type_of(names[i]);
		for (k = 0; k < 2000; k++) {
			r = next_random(&x);
			for (j = 0; j < 8; j++)
				in[j] = (unsigned char)(r >> (8 * j));
			vtype_format(&t, in, buf);
			assert_int_equal(vtype_encode(&t, buf, out, NULL), 0);
			assert_memory_equal(out, in, t.size);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_every_name),
		cmocka_unit_test(test_parse_bad_names),
		cmocka_unit_test(test_u8),
		cmocka_unit_test(test_u16_both_orders),
		cmocka_unit_test(test_u32_both_orders),
		cmocka_unit_test(test_u64_both_orders),
		cmocka_unit_test(test_i8),
		cmocka_unit_test(test_i16_both_orders),
		cmocka_unit_test(test_i32_both_orders),
		cmocka_unit_test(test_i64_limits),
		cmocka_unit_test(test_unsigned_takes_no_minus),
		cmocka_unit_test(test_int_bad_text),
		cmocka_unit_test(test_host_order),
		cmocka_unit_test(test_f64_encode),
		cmocka_unit_test(test_f32_encode),
		cmocka_unit_test(test_f32_rounds_once),
		cmocka_unit_test(test_f32_limits),
		cmocka_unit_test(test_f64_limits),
		cmocka_unit_test(test_float_underflow),
		cmocka_unit_test(test_float_specials),
		cmocka_unit_test(test_float_nan),
		cmocka_unit_test(test_float_bad_text),
		cmocka_unit_test(test_format_unsigned),
		cmocka_unit_test(test_format_signed),
		cmocka_unit_test(test_format_f64_shortest),
		cmocka_unit_test(test_format_whole_numbers),
		cmocka_unit_test(test_format_f32_shortest),
		cmocka_unit_test(test_format_specials),
		cmocka_unit_test(test_round_trip_f64),
		cmocka_unit_test(test_round_trip_f32),
		cmocka_unit_test(test_round_trip_integers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
