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

/* What was wrong, for a message that names the text and the column. */
struct hex_error {
	const char *why;	/* one of the phrases below, or "out of memory" */
	int operand;		/* index of the operand at fault */
	size_t column;		/* 1-based column of CH in it; 0 for ENOMEM */
	unsigned char ch;	/* the character the phrase is about */
};

/* The phrases of hex_error.why.  HEX_BAD_CHAR: CH is not a digit (nor,
 * with wildcards, '?'); HEX_ODD: CH starts a group's last, lone digit;
 * HEX_NO_DIGITS: CH is the '0' of a "0x" with nothing after it;
 * HEX_UNPAIRED_WILD: CH is a '?' paired with a digit. */
extern const char HEX_BAD_CHAR[], HEX_ODD[], HEX_NO_DIGITS[],
	HEX_UNPAIRED_WILD[];

/*
 * Parse COUNT operands.  Zero bytes in all is not an error here (callers
 * decide).  Success: 0, *out owns fresh buffers (mask only if HEX_WILDCARD
 * was given and at least one "??" occurred).  Failure: -1, errno EINVAL (or
 * ENOMEM), *out zeroed, and if E is not NULL *e says what and where.
 * (cmdutil's arg_hex turns that into the one message every command
 * prints.)
 */
int hex_parse(char *const *operands, int count, int flags,
	      struct hexbytes *out, struct hex_error *e);

/* Free what hex_parse allocated and zero *hb.  Safe on a zeroed struct. */
void hexbytes_free(struct hexbytes *hb);

/*
 * Write the 2*N lowercase hex digits of P[0..N) to OUT and a NUL after
 * them; OUT must hold 2*N+1 bytes.
 */
void hex_encode(const unsigned char *p, size_t n, char *out);

#endif
