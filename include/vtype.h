/*
 * vtype.h - typed values for peek -t and poke -t.
 *
 * TYPE is u8 u16 u32 u64 i8 i16 i32 i64 f32 f64, optionally followed by
 * "le" or "be"; without a suffix, the host's byte order.
 */
#ifndef VTYPE_H
#define VTYPE_H

#include <stddef.h>

enum vtype_kind { VT_UNSIGNED, VT_SIGNED, VT_FLOAT };

struct vtype {
	enum vtype_kind kind;
	unsigned size;		/* 1, 2, 4 or 8 bytes */
	int big_endian;		/* byte order of the encoding */
};

/* Every type name, for completion (NULL-terminated; u8le and i8le are
 * valid too but say nothing more than u8 and i8). */
extern const char *const vtype_words[];

/* Longest text vtype_format writes, NUL included. */
#define VTYPE_TEXT_MAX 64

/*
 * Parse a type name.  Success: 0 and *t filled.  Failure: -1, errno EINVAL,
 * *t untouched.
 */
int vtype_parse(const char *name, struct vtype *t);

/*
 * Encode the number TEXT as type T into OUT[0..t->size).
 * Integers: decimal or 0x hexadecimal, an optional '+', '-' only for signed
 * types ("-0" included; "-0x80" is -128), checked against the type's range
 * (u8 256 and i8 -129 are errors).  Floats: any strtod form with nothing
 * after it (inf and nan included), rounded once to the type (f32 through
 * strtof); a finite value that overflows the type is an error, one that
 * underflows becomes a subnormal or zero.  No blanks, no units.
 * Success: 0.  Failure: -1, errno EINVAL or ERANGE, OUT untouched, *why (if
 * WHY not NULL) a short static phrase ("out of range for u8", ...).
 */
int vtype_encode(const struct vtype *t, const char *text, unsigned char *out,
		 const char **why);

/*
 * Format the value stored at IN (t->size bytes, in t's byte order) as
 * decimal into BUF (at least VTYPE_TEXT_MAX bytes), NUL-terminated, no
 * newline.  Floats get the fewest %g digits that read back to the same
 * value ("0.1", "1e+100", "inf", "-nan" as printf spells them), except that
 * whole numbers within the type's precision print in full ("100", not
 * "1e+02").  Returns the length written.
 */
size_t vtype_format(const struct vtype *t, const unsigned char *in, char *buf);

/*
 * Do the values stored at A and B (t->size bytes each) compare equal?
 * Integers: the same bits.  Floats: as numbers (0 equals -0), except that
 * a NaN equals any NaN, so that an expected "nan" matches whatever payload
 * a file holds.  Returns 1 or 0.
 */
int vtype_equal(const struct vtype *t, const unsigned char *a,
		const unsigned char *b);

#endif
