/*
 * dumpline.h - read back one line of a hex dump (what patch applies).
 *
 * Two layouts, told apart line by line by what follows the offset:
 *
 *   xxd        "00000010: dead beef 0001  ......"
 *              OFFSET, ':', one blank, then groups of hex digits (an even
 *              number in each, any case) separated by single blanks: any
 *              xxd -c/-g layout, -g 0 being one group.  The hex area ends
 *              at two blanks in a row (the ASCII column follows, and may
 *              itself look like hex) or at the end of the line.
 *   canonical  "00000010  de ad be ef  00 01 ...  |......|"
 *              OFFSET, two blanks, then bytes of exactly two hex digits
 *              separated by blanks (any number), up to '|' (the ASCII
 *              column) or the end of the line.
 *
 * and the lines that carry no bytes:
 *
 *   "*"        repeated lines squeezed by hexdump (or xxd -a)
 *   OFFSET     alone: hexdump's final line, the size
 *   blank      empty, or nothing but blanks
 *
 * OFFSET is hexadecimal, one digit or more (dumps print at least eight and
 * more past 4 GiB), at most 2^63-1, and the line's bytes must end by 2^63-1
 * too.  Trailing blanks, tabs and a carriage return are ignored everywhere.
 * A line may not start with a blank unless it is blank.
 *
 * The parser is pure: no allocation, no I/O, no global state; any byte
 * string is safe input (it is a fuzzing target).
 */
#ifndef DUMPLINE_H
#define DUMPLINE_H

#include <stddef.h>
#include <stdint.h>

enum dumpline_kind {
	DUMPLINE_BLANK,		/* nothing on the line */
	DUMPLINE_STAR,		/* "*": squeezed repeats, writes nothing */
	DUMPLINE_END,		/* a lone offset, writes nothing */
	DUMPLINE_DATA		/* bytes at an offset */
};

enum dumpline_layout {
	DUMPLINE_NONE,		/* BLANK and STAR lines */
	DUMPLINE_XXD,		/* "OFFSET: ..." */
	DUMPLINE_CANONICAL	/* "OFFSET  ..." and the lone offset */
};

struct dumpline {
	enum dumpline_kind kind;
	enum dumpline_layout layout;
	uint64_t offset;	/* DATA and END: the line's offset */
	size_t len;		/* DATA: bytes stored in OUT, at least 1 */
	size_t column;		/* failure: 1-based column of the fault */
};

/*
 * Parse the N bytes of LINE (no newline; NUL bytes are just bad bytes).
 * OUT must have room for N / 2 bytes: no line holds more.
 * Success: 0, *dl filled, OUT[0..dl->len) holds a DATA line's bytes.
 * Failure: -1 with errno EINVAL, dl->column the column where the line went
 * wrong and *why (if WHY is not NULL) a short static phrase ("invalid hex
 * digit", "half a byte (odd number of hex digits)", ...); OUT may have been
 * written.
 */
int dumpline_parse(const char *line, size_t n, unsigned char *out,
		   struct dumpline *dl, const char **why);

#endif
