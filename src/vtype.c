/*
 * vtype.c - typed values for peek -t and poke -t (see vtype.h).
 *
 * Values are assembled byte by byte with shifts, so the code is the same on
 * either host order; floats are assumed IEEE 754 with the integers' byte
 * order, as on every POSIX target.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "vtype.h"

static const struct type_name {
	const char *name;
	enum vtype_kind kind;
	unsigned size;
	const char *range;	/* *why when a value does not fit */
} type_names[] = {
	{ "u8", VT_UNSIGNED, 1, "out of range for u8" },
	{ "u16", VT_UNSIGNED, 2, "out of range for u16" },
	{ "u32", VT_UNSIGNED, 4, "out of range for u32" },
	{ "u64", VT_UNSIGNED, 8, "out of range for u64" },
	{ "i8", VT_SIGNED, 1, "out of range for i8" },
	{ "i16", VT_SIGNED, 2, "out of range for i16" },
	{ "i32", VT_SIGNED, 4, "out of range for i32" },
	{ "i64", VT_SIGNED, 8, "out of range for i64" },
	{ "f32", VT_FLOAT, 4, "out of range for f32" },
	{ "f64", VT_FLOAT, 8, "out of range for f64" },
};
#define NTYPES (sizeof(type_names) / sizeof(type_names[0]))

/* The names above, then with each suffix: what completion offers. */
const char *const vtype_words[] = {
	"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64",
	"u16le", "u32le", "u64le", "i16le", "i32le", "i64le", "f32le", "f64le",
	"u16be", "u32be", "u64be", "i16be", "i32be", "i64be", "f32be", "f64be",
	NULL
};

static int fail(int err, const char *phrase, const char **why)
{
	if (why)
		*why = phrase;
	errno = err;
	return -1;
}

static int host_big_endian(void)
{
	const uint16_t probe = 0x0102;
	unsigned char first;

	memcpy(&first, &probe, 1);
	return first == 0x01;
}

static const char *range_phrase(const struct vtype *t)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (type_names[i].kind == t->kind && type_names[i].size == t->size)
			return type_names[i].range;
	return "out of range";
}

int vtype_parse(const char *name, struct vtype *t)
{
	const char *suffix;
	size_t i, n;
	int big;

	for (i = 0; i < NTYPES; i++) {
		n = strlen(type_names[i].name);
		if (strncmp(name, type_names[i].name, n) != 0)
			continue;
		suffix = name + n;
		if (*suffix == '\0')
			big = host_big_endian();
		else if (strcmp(suffix, "le") == 0)
			big = 0;
		else if (strcmp(suffix, "be") == 0)
			big = 1;
		else
			continue;	/* "u8" must not claim "u80" */
		t->kind = type_names[i].kind;
		t->size = type_names[i].size;
		t->big_endian = big;
		return 0;
	}
	errno = EINVAL;
	return -1;
}

/* Write the low t->size bytes of BITS to OUT in t's byte order. */
static void store(const struct vtype *t, uint64_t bits, unsigned char *out)
{
	unsigned i, shift;

	for (i = 0; i < t->size; i++) {
		shift = 8 * (t->big_endian ? t->size - 1 - i : i);
		out[i] = (unsigned char)(bits >> shift);
	}
}

static uint64_t load(const struct vtype *t, const unsigned char *in)
{
	uint64_t bits = 0;
	unsigned i, shift;

	for (i = 0; i < t->size; i++) {
		shift = 8 * (t->big_endian ? t->size - 1 - i : i);
		bits |= (uint64_t)in[i] << shift;
	}
	return bits;
}

/* All ones in the low 8*SIZE bits; SIZE 8 must not shift by 64. */
static uint64_t low_mask(unsigned size)
{
	return size == 8 ? UINT64_MAX : ((uint64_t)1 << (8 * size)) - 1;
}

/* The two's complement bits of integer TEXT, range-checked for T. */
static int encode_int(const struct vtype *t, const char *text,
		      uint64_t *bits, const char **why)
{
	uint64_t mag, limit;
	int neg = 0;

	if (*text == '-' || *text == '+') {
		neg = *text++ == '-';
		if (*text == '\0')
			return fail(EINVAL, "no digits", why);
		if (neg && t->kind == VT_UNSIGNED)
			return fail(EINVAL, "negative value for an unsigned type",
				    why);
	}
	if (parse_uint(text, &mag, why) != 0) {
		if (errno == ERANGE && why)
			*why = range_phrase(t);
		return -1;
	}
	if (t->kind == VT_UNSIGNED)
		limit = low_mask(t->size);
	else	/* w bits: up to 2^(w-1)-1, down to -2^(w-1) */
		limit = (low_mask(t->size) >> 1) + (uint64_t)neg;
	if (mag > limit)
		return fail(ERANGE, range_phrase(t), why);
	*bits = neg ? (uint64_t)0 - mag : mag;
	return 0;
}

/* The IEEE bits of float TEXT: strtof for f32, so it rounds only once. */
static int encode_float(const struct vtype *t, const char *text,
			uint64_t *bits, const char **why)
{
	const char *p;
	char *end;
	int overflow;

	if (*text == '\0')
		return fail(EINVAL, "empty", why);
	for (p = text; *p; p++)	/* strtod would skip leading blanks */
		if (isspace((unsigned char)*p))
			return fail(EINVAL, "contains a blank", why);
	errno = 0;
	if (t->size == 4) {
		float f = strtof(text, &end);
		uint32_t u;

		overflow = errno == ERANGE && isinf(f);
		memcpy(&u, &f, sizeof(u));
		*bits = u;
	} else {
		double d = strtod(text, &end);

		overflow = errno == ERANGE && isinf(d);
		memcpy(bits, &d, sizeof(*bits));
	}
	if (end == text)
		return fail(EINVAL, "not a number", why);
	if (*end != '\0')
		return fail(EINVAL, "trailing characters", why);
	/* Underflow is rounding to a subnormal or zero, not an error. */
	if (overflow)
		return fail(ERANGE, range_phrase(t), why);
	return 0;
}

int vtype_encode(const struct vtype *t, const char *text, unsigned char *out,
		 const char **why)
{
	uint64_t bits;
	int rc;

	if (t->kind == VT_FLOAT)
		rc = encode_float(t, text, &bits, why);
	else
		rc = encode_int(t, text, &bits, why);
	if (rc != 0)
		return -1;
	store(t, bits, out);
	return 0;
}

/* Does TEXT read back as V, in a float if SIZE is 4, else in a double? */
static int reads_back(const char *text, unsigned size, double v)
{
	if (size == 4)
		return strtof(text, NULL) == (float)v;
	return strtod(text, NULL) == v;
}

/* The IEEE value of BITS (a float if SIZE is 4) as a double: exact, since
 * every float is a double. */
static double bits_to_double(unsigned size, uint64_t bits)
{
	double v;

	if (size == 4) {
		uint32_t u = (uint32_t)bits;
		float f;

		memcpy(&f, &u, sizeof(f));
		return f;
	}
	memcpy(&v, &bits, sizeof(v));
	return v;
}

/*
 * The fewest "%.Ng" digits that read back to the same value; 9 always do
 * for a float, 17 for a double.  Inf and NaN print as %g spells them.
 */
static int format_float(unsigned size, uint64_t bits, char *buf)
{
	int max_digits = size == 4 ? 9 : 17, prec, exponent;
	const char *e;
	double v = bits_to_double(size, bits);

	if (!isfinite(v))
		return snprintf(buf, VTYPE_TEXT_MAX, "%g", v);
	for (prec = 1; prec < max_digits; prec++) {
		/* 17 digits and an exponent always fit; checking the
		 * length tells gcc so (-Wformat-truncation). */
		if (snprintf(buf, VTYPE_TEXT_MAX, "%.*g", prec, v) < VTYPE_TEXT_MAX
		    && reads_back(buf, size, v))
			break;
	}
	/*
	 * %g turns to an exponent once it passes the precision: 100 would be
	 * "1e+02".  Print such numbers in full while the type has digits for
	 * them.  The extra digits still read back: the closest decimal of
	 * more digits is no farther from V than the shorter one was.
	 */
	e = strchr(buf, 'e');
	if (e != NULL && (exponent = atoi(e + 1)) >= prec &&
	    exponent < max_digits)
		prec = exponent + 1;
	return snprintf(buf, VTYPE_TEXT_MAX, "%.*g", prec, v);
}

size_t vtype_format(const struct vtype *t, const unsigned char *in, char *buf)
{
	uint64_t bits = load(t, in), mask = low_mask(t->size);
	int n;

	if (t->kind == VT_FLOAT)
		n = format_float(t->size, bits, buf);
	else if (t->kind == VT_SIGNED && bits >> (8 * t->size - 1))
		/* Negative: print the magnitude, 2^w - bits, with a '-'. */
		n = snprintf(buf, VTYPE_TEXT_MAX, "-%" PRIu64,
			     (~bits + 1) & mask);
	else
		n = snprintf(buf, VTYPE_TEXT_MAX, "%" PRIu64, bits);
	return (size_t)n;
}

int vtype_equal(const struct vtype *t, const unsigned char *a,
		const unsigned char *b)
{
	double x, y;

	if (t->kind != VT_FLOAT)
		return memcmp(a, b, t->size) == 0;
	x = bits_to_double(t->size, load(t, a));
	y = bits_to_double(t->size, load(t, b));
	if (isnan(x) || isnan(y))
		return isnan(x) && isnan(y);
	return x == y;
}
