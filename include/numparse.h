/*
 * numparse.h - the one number grammar for every OFFSET, LENGTH, SIZE, COLS,
 * MAX on the command line (see SPEC.md, "Numbers").
 *
 *   decimal   4096, 010 (ten: a leading zero is still decimal)
 *   hex       0x1000, 0X1000 (no unit allowed)
 *   units     on decimal only: K M G T P E and KiB MiB GiB TiB PiB EiB
 *             (powers of 1024), KB MB GB TB PB EB (powers of 1000);
 *             exactly these spellings, except that a lowercase k is K
 *             (1k, 1kiB, 1kB), as in dd and truncate.
 *   sign      '+' is allowed and ignored; '-' only where the caller allows.
 *
 * Rejected: empty text, any blank anywhere, a bare sign, trailing garbage
 * ("1k2", "12 "), a unit on hex, "0x" with no digits, a value or scaled
 * value above INT64_MAX (2^63-1).
 */
#ifndef NUMPARSE_H
#define NUMPARSE_H

#include <stdint.h>

/* An OFFSET operand: from the start, or (from_end) that many bytes before
 * the end of the file.  "-0" is the end of the file. value <= INT64_MAX. */
struct offset {
	uint64_t value;
	int from_end;
};

/*
 * Parse a non-negative number (LENGTH, SIZE, COLS, MAX).
 * Success: returns 0, *out holds the value (<= INT64_MAX).
 * Failure: returns -1, errno is EINVAL (malformed, or negative) or ERANGE
 * (too large); *out is untouched and, if WHY is not NULL, *why points to a
 * short static phrase for the message ("trailing characters", "unit on a
 * hexadecimal number", "larger than 2^63-1", "negative", ...), so that the
 * caller can print "mmtool: peek: invalid length '1k2': trailing characters".
 */
int parse_count(const char *text, uint64_t *out, const char **why);

/*
 * Parse an OFFSET: a number as above, or '-' followed by one (from the end).
 * Success: 0 and *out filled.  Failure: -1, errno EINVAL or ERANGE, *out
 * untouched.
 */
int parse_offset(const char *text, struct offset *out, const char **why);

/*
 * Turn an offset into an absolute position in a file of SIZE bytes.
 * Success: 0, *abs is the position (a from-start offset may lie past SIZE;
 * range checks are the caller's).  Failure: -1 with errno ERANGE when a
 * from-end offset reaches before byte 0.
 */
int offset_resolve(const struct offset *off, uint64_t size, uint64_t *abs);

/*
 * The same digits without sign or unit, up to UINT64_MAX: decimal or 0x
 * hexadecimal, for typed values (vtype.c), which add their own sign and
 * range.  Success: 0 and *out set.  Failure: -1, errno EINVAL or ERANGE,
 * *out untouched, *why (if WHY is not NULL) a short static phrase.
 */
int parse_uint(const char *text, uint64_t *out, const char **why);

#endif
