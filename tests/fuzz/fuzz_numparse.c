/*
 * fuzz_numparse.c - libFuzzer harness for the number grammar: parse_count,
 * parse_offset, parse_uint and offset_resolve.
 *
 * The input is the text (up to its first NUL).  Each parser is compared
 * with a reference written another way (overflow-checking builtins, a unit
 * table looked up by string), then every accepted value is printed back in
 * other spellings and must parse to the same value, and offset_resolve is
 * checked at the sizes around the value.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "numparse.h"
#include "fuzzutil.h"

enum { REF_OK = 0, REF_MALFORMED = EINVAL, REF_TOO_LARGE = ERANGE };

static const struct unit {
	const char *name;
	uint64_t scale;
} units[] = {
	{ "", 1 },
	{ "K", 1ULL << 10 }, { "KiB", 1ULL << 10 }, { "KB", 1000ULL },
	{ "k", 1ULL << 10 }, { "kiB", 1ULL << 10 }, { "kB", 1000ULL },
	{ "M", 1ULL << 20 }, { "MiB", 1ULL << 20 }, { "MB", 1000000ULL },
	{ "G", 1ULL << 30 }, { "GiB", 1ULL << 30 }, { "GB", 1000000000ULL },
	{ "T", 1ULL << 40 }, { "TiB", 1ULL << 40 }, { "TB", 1000000000000ULL },
	{ "P", 1ULL << 50 }, { "PiB", 1ULL << 50 },
	{ "PB", 1000000000000000ULL },
	{ "E", 1ULL << 60 }, { "EiB", 1ULL << 60 },
	{ "EB", 1000000000000000000ULL },
};

/*
 * The grammar as SPEC.md words it.  SIGNS: 0 none allowed, 1 '+' only,
 * 2 '+' or '-' (*neg set).  UNITS: decimal may carry a unit.
 */
static int ref_parse(const char *s, int signs, int with_units, uint64_t max,
		     uint64_t *value, int *neg)
{
	uint64_t v = 0, scale = 0;
	const char *p;
	size_t i;

	*neg = 0;
	if (*s == '\0')
		return REF_MALFORMED;
	for (p = s; *p; p++)
		if (isspace((unsigned char)*p))
			return REF_MALFORMED;
	if (signs >= 1 && *s == '+')
		s++;
	else if (signs == 2 && *s == '-')
		*neg = 1, s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (*s == '\0')
			return REF_MALFORMED;
		for (p = s; *p; p++)
			if (!isxdigit((unsigned char)*p))
				return REF_MALFORMED;
		for (p = s; *p; p++) {
			unsigned d = isdigit((unsigned char)*p) ? *p - '0' :
				(unsigned)(tolower((unsigned char)*p) - 'a' + 10);

			if (__builtin_mul_overflow(v, 16, &v) ||
			    __builtin_add_overflow(v, d, &v))
				return REF_TOO_LARGE;
		}
		*value = v;
		return v > max ? REF_TOO_LARGE : REF_OK;
	}
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (p == s)
		return REF_MALFORMED;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if ((with_units || i == 0) && strcmp(p, units[i].name) == 0)
			scale = units[i].scale;
	if (scale == 0)
		return REF_MALFORMED;
	for (; s < p; s++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return REF_TOO_LARGE;
	if (__builtin_mul_overflow(v, scale, &v) || v > max)
		return REF_TOO_LARGE;
	*value = v;
	return REF_OK;
}

/* A failure must say why, with errno EINVAL or ERANGE (ERANGE when the
 * text was well formed and only too large). */
static void check_failure(const char *what, const char *text, int ref,
			  int err, const char *why)
{
	CHECK(ref != REF_OK, "%s('%s') failed but should give a value", what,
	      text);
	CHECK(err == EINVAL || err == ERANGE, "%s('%s'): errno %d", what,
	      text, err);
	CHECK(ref != REF_TOO_LARGE || err == ERANGE,
	      "%s('%s'): too large but errno %d", what, text, err);
	CHECK(why != NULL && *why != '\0', "%s('%s'): no reason", what, text);
}

/* Every accepted count must read back the same from other spellings. */
static void check_spellings(uint64_t v)
{
	char buf[64];
	uint64_t got;
	size_t i;

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	CHECK(parse_count(buf, &got, NULL) == 0 && got == v, "'%s'", buf);
	snprintf(buf, sizeof(buf), "+%" PRIu64, v);
	CHECK(parse_count(buf, &got, NULL) == 0 && got == v, "'%s'", buf);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
	CHECK(parse_count(buf, &got, NULL) == 0 && got == v, "'%s'", buf);
	snprintf(buf, sizeof(buf), "0X%" PRIX64, v);
	CHECK(parse_count(buf, &got, NULL) == 0 && got == v, "'%s'", buf);
	snprintf(buf, sizeof(buf), "0x%" PRIx64 "K", v);
	CHECK(parse_count(buf, &got, NULL) != 0 && errno == EINVAL, "'%s'",
	      buf);
	for (i = 1; i < sizeof(units) / sizeof(units[0]); i++) {
		if (v % units[i].scale != 0)
			continue;
		snprintf(buf, sizeof(buf), "%" PRIu64 "%s", v / units[i].scale,
			 units[i].name);
		CHECK(parse_count(buf, &got, NULL) == 0 && got == v, "'%s'",
		      buf);
	}
	/* One more than the value, when that passes 2^63-1, is too large. */
	if (v == INT64_MAX) {
		snprintf(buf, sizeof(buf), "%" PRIu64, v + 1);
		CHECK(parse_count(buf, &got, NULL) != 0 && errno == ERANGE,
		      "'%s'", buf);
	}
}

static void check_resolve(const struct offset *off)
{
	const uint64_t v = off->value;
	const uint64_t sizes[] = { 0, 1, v - 1, v, v + 1, INT64_MAX,
				   (uint64_t)INT64_MAX + 1, UINT64_MAX };
	uint64_t abs;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i];
		int rc;

		abs = 12345;
		errno = 0;
		rc = offset_resolve(off, size, &abs);
		if (!off->from_end) {
			CHECK(rc == 0 && abs == v, "from start %" PRIu64, v);
		} else if (v > size) {
			CHECK(rc == -1 && errno == ERANGE && abs == 12345,
			      "-%" PRIu64 " in %" PRIu64 " bytes", v, size);
		} else {
			CHECK(rc == 0 && abs == size - v && abs <= size,
			      "-%" PRIu64 " in %" PRIu64 " bytes", v, size);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	const char *why;
	struct offset off;
	uint64_t v, want;
	int ref, neg, rc, err;

	/* parse_count: '+' allowed, '-' is "negative", units, <= 2^63-1. */
	ref = ref_parse(text, 1, 1, INT64_MAX, &want, &neg);
	v = 7;
	why = NULL;
	errno = 0;
	rc = parse_count(text, &v, &why);
	err = errno;
	if (rc == 0) {
		CHECK(ref == REF_OK && v == want, "parse_count('%s') gave %"
		      PRIu64 ", reference %d/%" PRIu64, text, v, ref, want);
		check_spellings(v);
	} else {
		CHECK(rc == -1 && v == 7, "parse_count('%s') rc %d", text, rc);
		check_failure("parse_count", text, ref, err, why);
	}

	/* parse_offset: '-' means from the end. */
	ref = ref_parse(text, 2, 1, INT64_MAX, &want, &neg);
	memset(&off, 0x5a, sizeof(off));
	why = NULL;
	errno = 0;
	rc = parse_offset(text, &off, &why);
	err = errno;
	if (rc == 0) {
		CHECK(ref == REF_OK && off.value == want &&
		      off.from_end == neg, "parse_offset('%s') gave %s%" PRIu64,
		      text, off.from_end ? "-" : "", off.value);
		check_resolve(&off);
	} else {
		CHECK(rc == -1 && off.value == 0x5a5a5a5a5a5a5a5aULL,
		      "parse_offset('%s') rc %d or wrote on failure", text, rc);
		check_failure("parse_offset", text, ref, err, why);
	}

	/* parse_uint: no sign, no unit, up to 2^64-1. */
	ref = ref_parse(text, 0, 0, UINT64_MAX, &want, &neg);
	v = 7;
	why = NULL;
	errno = 0;
	rc = parse_uint(text, &v, &why);
	err = errno;
	if (rc == 0)
		CHECK(ref == REF_OK && v == want, "parse_uint('%s') gave %"
		      PRIu64, text, v);
	else {
		CHECK(rc == -1 && v == 7, "parse_uint('%s') rc %d", text, rc);
		check_failure("parse_uint", text, ref, err, why);
	}

	free(text);
	return 0;
}
