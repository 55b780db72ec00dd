/*
 * hexdata.h - hexadecimal byte strings: poke's DATA, --expect HEX, find's
 * PATTERN, and lowercase hex output.
 *
 * Grammar: the operands are taken in order as if joined by a blank.  Blanks
 * (space, tab, newline) and ':' separate groups; each group may start with
 * "0x" or "0X" and then holds an even, non-zero number of hex digits (either
 * case), so a separator can only fall between byte pairs: "de:ad be ef",
 * "0xdeadbeef", "DE AD" are all de ad (be ef).  With wildcards allowed, the
 * pair "??" stands for any byte.  Anything else is an error.
 */
#ifndef HEXDATA_H
#define HEXDATA_H

#include <stddef.h>

struct hexbytes {
	unsigned char *bytes;	/* len bytes (malloc'd); 0 where mask is 0 */
	unsigned char *mask;	/* NULL, or len bytes: 0xff = must match, 0 = any */
	size_t len;
};

#define HEX_WILDCARD 1	/* flag for hex_parse: accept "??" */

/*
 * Parse COUNT operands.  Zero bytes in all is not an error here (callers
 * decide).  Success: 0, *out owns fresh buffers (mask only if HEX_WILDCARD
 * was given and at least one "??" occurred).  Failure: -1, errno EINVAL (or
 * ENOMEM), *out zeroed, and if WHY is not NULL *why is a short static phrase
 * ("odd number of hex digits", "invalid character", ...).
 */
int hex_parse(char *const *operands, int count, int flags,
	      struct hexbytes *out, const char **why);

/* Free what hex_parse allocated and zero *hb.  Safe on a zeroed struct. */
void hexbytes_free(struct hexbytes *hb);

/*
 * Write the 2*N lowercase hex digits of P[0..N) to OUT and a NUL after
 * them; OUT must hold 2*N+1 bytes.
 */
void hex_encode(const unsigned char *p, size_t n, char *out);

#endif
