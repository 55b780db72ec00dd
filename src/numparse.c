/*
 * numparse.c - the number grammar of numparse.h.
 *
 * Hand-written rather than built on strtoll/strtoull: those skip leading
 * blanks, take a sign before "0x", read "010" as octal (base 0), accept
 * "-1" as a huge unsigned value and saturate on overflow, all of which the
 * grammar forbids.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "numparse.h"

/* Set errno and *why (if wanted) and return -1, for every failure path. */
static int fail(int err, const char *phrase, const char **why)
{
	if (why)
		*why = phrase;
	errno = err;
	return -1;
}

/* Reject what no number may be: empty text, or a blank anywhere in it. */
static int check_text(const char *text, const char **why)
{
	const char *p;

	if (*text == '\0')
		return fail(EINVAL, "empty", why);
	for (p = text; *p; p++)
		if (isspace((unsigned char)*p))
			return fail(EINVAL, "contains a blank", why);
	return 0;
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The multiplier that S names if S is exactly a unit ("K", "KiB", "KB",
 * ... "E", "EiB", "EB"), else 0.  A lowercase 'k' is 'K' ("1k", "1kB",
 * "1kiB"), as dd and truncate take it; no other letter has a lowercase
 * form ('m' is not a unit), so "1kb" is still refused.  At most 1024^6 =
 * 2^60: no overflow.
 */
static uint64_t unit_scale(const char *s)
{
	static const char letters[] = "KMGTPE";
	const char *letter;
	uint64_t base, scale = 1;
	int power;

	if (*s == '\0')
		return 0;
	letter = strchr(letters, *s == 'k' ? 'K' : *s);
	if (letter == NULL)
		return 0;
	if (strcmp(s + 1, "") == 0 || strcmp(s + 1, "iB") == 0)
		base = 1024;
	else if (strcmp(s + 1, "B") == 0)
		base = 1000;
	else
		return 0;
	for (power = (int)(letter - letters) + 1; power > 0; power--)
		scale *= base;
	return scale;
}

static int all_letters(const char *s)
{
	for (; *s; s++)
		if (!isalpha((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * Digits of S (no sign; S already checked for blanks): decimal with a unit
 * if UNITS, or 0x hexadecimal, at most MAX (else ERANGE with TOO_LARGE).
 * Every step checks before it multiplies, so nothing ever wraps.
 */
static int parse_digits(const char *s, uint64_t max, int units,
			const char *too_large, uint64_t *out, const char **why)
{
	uint64_t v = 0, scale;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (hex_digit(*s) < 0)
			return fail(EINVAL, "no digits after 0x", why);
		for (; (d = hex_digit(*s)) >= 0; s++) {
			if (v > (max - (uint64_t)d) / 16)
				return fail(ERANGE, too_large, why);
			v = v * 16 + (uint64_t)d;
		}
		if (*s != '\0')
			return fail(EINVAL, unit_scale(s) || strcmp(s, "iB") == 0
				    ? "unit on a hexadecimal number"
				    : "trailing characters", why);
		*out = v;
		return 0;
	}

	if (*s == '\0')
		return fail(EINVAL, "no digits", why);
	if (!isdigit((unsigned char)*s))
		return fail(EINVAL, "not a number", why);
	for (; isdigit((unsigned char)*s); s++) {
		d = *s - '0';
		if (v > (max - (uint64_t)d) / 10)
			return fail(ERANGE, too_large, why);
		v = v * 10 + (uint64_t)d;
	}
	if (*s != '\0') {
		if (!units || (scale = unit_scale(s)) == 0)
			return fail(EINVAL, units && all_letters(s)
				    ? "unknown unit" : "trailing characters", why);
		if (v > max / scale)
			return fail(ERANGE, too_large, why);
		v *= scale;
	}
	*out = v;
	return 0;
}

int parse_count(const char *text, uint64_t *out, const char **why)
{
	if (check_text(text, why) != 0)
		return -1;
	if (*text == '-')
		return fail(EINVAL, "negative", why);
	if (*text == '+')
		text++;
	return parse_digits(text, INT64_MAX, 1, "larger than 2^63-1", out, why);
}

int parse_offset(const char *text, struct offset *out, const char **why)
{
	uint64_t v;
	int from_end = 0;

	if (check_text(text, why) != 0)
		return -1;
	if (*text == '-' || *text == '+')
		from_end = *text++ == '-';
	if (parse_digits(text, INT64_MAX, 1, "larger than 2^63-1", &v, why) != 0)
		return -1;
	out->value = v;
	out->from_end = from_end;
	return 0;
}

int offset_resolve(const struct offset *off, uint64_t size, uint64_t *abs)
{
	if (!off->from_end) {
		*abs = off->value;
		return 0;
	}
	if (off->value > size) {
		errno = ERANGE;
		return -1;
	}
	*abs = size - off->value;
	return 0;
}

int parse_uint(const char *text, uint64_t *out, const char **why)
{
	if (check_text(text, why) != 0)
		return -1;
	return parse_digits(text, UINT64_MAX, 0, "larger than 2^64-1", out, why);
}
