/*
 * fuzz_vtype.c - libFuzzer harness for the typed-value parser: vtype_parse,
 * vtype_encode and vtype_format.
 *
 * Input: TYPE NUL TEXT [NUL ...].  TYPE must parse exactly when it is one of
 * the 30 names.  When TEXT encodes, formatting the bytes and encoding that
 * text again must give the same bytes (for NaN: a NaN of the same sign;
 * its payload may change).  Independently the first bytes of the input,
 * taken as a stored value of every type and byte order, must format and
 * encode back to themselves the same way.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "vtype.h"
#include "fuzzutil.h"

static const char *const base_names[] = {
	"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64"
};
#define NBASE (sizeof(base_names) / sizeof(base_names[0]))

static int host_big(void)
{
	const uint16_t one = 1;
	unsigned char b;

	memcpy(&b, &one, 1);
	return b == 0;
}

/* The struct vtype NAME should give, or -1 when it is not a type name. */
static int expected_type(const char *name, struct vtype *t)
{
	for (size_t i = 0; i < NBASE; i++) {
		size_t n = strlen(base_names[i]);

		if (strncmp(name, base_names[i], n) != 0)
			continue;
		if (strcmp(name + n, "") == 0)
			t->big_endian = host_big();
		else if (strcmp(name + n, "le") == 0)
			t->big_endian = 0;
		else if (strcmp(name + n, "be") == 0)
			t->big_endian = 1;
		else
			continue;
		t->kind = i < 4 ? VT_UNSIGNED : i < 8 ? VT_SIGNED : VT_FLOAT;
		t->size = 1u << (i % 4);
		if (i == 8)
			t->size = 4;
		if (i == 9)
			t->size = 8;
		return 0;
	}
	return -1;
}

/* The value in IN as a double, for a float type; 0 otherwise. */
static double as_double(const struct vtype *t, const unsigned char *in)
{
	unsigned char le[8];
	uint64_t bits = 0;

	for (unsigned i = 0; i < t->size; i++)
		le[i] = in[t->big_endian ? t->size - 1 - i : i];
	for (unsigned i = 0; i < t->size; i++)
		bits |= (uint64_t)le[i] << (8 * i);
	if (t->kind != VT_FLOAT)
		return 0;
	if (t->size == 4) {
		uint32_t u = (uint32_t)bits;
		float f;

		memcpy(&f, &u, 4);
		return f;
	}
	{
		double d;

		memcpy(&d, &bits, 8);
		return d;
	}
}

/* Format the value in IN, encode the text, compare.  TEXT names the
 * origin for the message. */
static void check_round_trip(const struct vtype *t, const unsigned char *in,
			     const char *origin)
{
	char text[VTYPE_TEXT_MAX + 16];
	unsigned char again[8];
	const char *why = NULL;
	size_t n;
	double v, w;

	memset(text, 'Z', sizeof(text));
	n = vtype_format(t, in, text);
	CHECK(n > 0 && n < VTYPE_TEXT_MAX && strlen(text) == n,
	      "vtype_format length %zu (%s)", n, origin);
	memset(again, 0xa5, sizeof(again));
	CHECK(vtype_encode(t, text, again, &why) == 0,
	      "format gave '%s' which does not encode: %s (%s)", text,
	      why ? why : "?", origin);
	if (t->kind == VT_FLOAT && isnan(v = as_double(t, in))) {
		w = as_double(t, again);
		CHECK(isnan(w) && !signbit(v) == !signbit(w),
		      "NaN came back as '%s' (%s)", text, origin);
		return;
	}
	CHECK(memcmp(in, again, t->size) == 0,
	      "'%s' encodes to other bytes (%s, size %u, kind %d, be %d)",
	      text, origin, t->size, t->kind, t->big_endian);
	if (t->kind == VT_FLOAT) {
		/* The digits themselves must read back as the value. */
		v = as_double(t, in);
		if (t->size == 4)
			CHECK(strtof(text, NULL) == (float)v, "'%s'", text);
		else
			CHECK(strtod(text, NULL) == v, "'%s'", text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[4], *store;
	int n = fuzz_split(data, size, words, 3, &store);
	struct vtype t, want;
	unsigned char out[8], raw[8];
	const char *why;
	int rc, err;

	memset(&t, 0x5a, sizeof(t));
	rc = vtype_parse(words[0], &t);
	if (expected_type(words[0], &want) < 0) {
		CHECK(rc == -1 && errno == EINVAL, "vtype_parse took '%s'",
		      words[0]);
	} else {
		CHECK(rc == 0 && t.kind == want.kind && t.size == want.size &&
		      t.big_endian == want.big_endian,
		      "vtype_parse('%s') wrong", words[0]);
		if (n >= 2) {
			memset(out, 0xa5, sizeof(out));
			why = NULL;
			errno = 0;
			rc = vtype_encode(&t, words[1], out, &why);
			err = errno;
			if (rc == 0) {
				check_round_trip(&t, out, words[1]);
			} else {
				CHECK(rc == -1 && (err == EINVAL || err == ERANGE),
				      "encode('%s') rc %d errno %d", words[1],
				      rc, err);
				CHECK(why != NULL && *why != '\0', "no reason");
				for (size_t i = 0; i < sizeof(out); i++)
					CHECK(out[i] == 0xa5,
					      "encode wrote on failure");
			}
		}
	}

	/* The raw bytes as a stored value of every type. */
	memset(raw, 0, sizeof(raw));
	memcpy(raw, data, size < 8 ? size : 8);
	for (size_t i = 0; i < NBASE; i++) {
		for (int big = 0; big < 2; big++) {
			char name[8];

			snprintf(name, sizeof(name), "%s%s", base_names[i],
				 big ? "be" : "le");
			CHECK(vtype_parse(name, &t) == 0, "'%s'", name);
			check_round_trip(&t, raw, name);
		}
	}
	free(store);
	return 0;
}
