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
 * Guarded dumps (what mmtool diff prints) add a one-character prefix to
 * those lines, and headers:
 *
 *   "-" LINE   FILE1's bytes (a DATA line), or FILE1's size (an END line)
 *   "+" LINE   FILE2's bytes, or its size
 *   " " LINE   context: the same bytes in both (a DATA line)
 *   "--- ..."  "+++ ..."  the names of the two files (HEADER lines)
 *   "@@ -0xOFF +0xOFF @@ ..."  a hunk begins (HUNK; 0x is optional)
 *
 * where LINE is a line of either layout as above, starting with its
 * offset.  The prefix is in dl->side; plain lines have DUMPLINE_PLAIN.
 *
 * OFFSET is hexadecimal, one digit or more (dumps print at least eight and
 * more past 4 GiB), at most 2^63-1, and the line's bytes must end by 2^63-1
 * too.  Trailing blanks, tabs and a carriage return are ignored everywhere.
 * A line may not start with a blank unless it is blank or context.
 *
 * A lone OFFSET must look like the one hexdump prints: eight digits, or
 * nine to sixteen without a leading zero.  Any other line of nothing but
 * hex digits is bare hex, as peek -f hex and xxd -p print it (no offsets),
 * and refused as such: taken for a final offset line it would write
 * nothing and look like success.
 *
 * Dumps made with xxd's -e, -b, -d (hexdump's the same) are read with
 * dumpline_parse_as and the flags below.  They are xxd layout only (and
 * '*' for -a): -b groups of binary digits, eight a byte; -e each group's
 * bytes last first, a partial group right-aligned in its room; -d decimal
 * offsets.  Without the flags, a line that can only be one of the first
 * two, by its ASCII column, is refused with a hint to use the option.
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
	DUMPLINE_DATA,		/* bytes at an offset */
	DUMPLINE_HEADER,	/* "--- NAME" or "+++ NAME" of a guarded dump */
	DUMPLINE_HUNK		/* "@@ -0xOFF +0xOFF @@" of a guarded dump */
};

/* The prefix of a guarded dump's line. */
enum dumpline_side {
	DUMPLINE_PLAIN,		/* none: a line of a plain dump */
	DUMPLINE_OLD,		/* '-', or a "---" header */
	DUMPLINE_NEW,		/* '+', or a "+++" header */
	DUMPLINE_CONTEXT	/* ' ' */
};

enum dumpline_layout {
	DUMPLINE_NONE,		/* BLANK and STAR lines */
	DUMPLINE_XXD,		/* "OFFSET: ..." */
	DUMPLINE_CANONICAL	/* "OFFSET  ..." and the lone offset */
};

struct dumpline {
	enum dumpline_kind kind;
	enum dumpline_layout layout;
	enum dumpline_side side;
	uint64_t offset;	/* DATA and END: the line's offset; HUNK: the
				 * '-' side's */
	uint64_t offset2;	/* HUNK: the '+' side's offset */
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

/* The xxd options a dump was made with. */
#define DUMPLINE_LITTLE_ENDIAN 1u	/* -e */
#define DUMPLINE_BITS 2u		/* -b */
#define DUMPLINE_DECIMAL 4u		/* -d */

/*
 * As dumpline_parse, for a dump made with FLAGS (0: as dumpline_parse).
 * LITTLE_ENDIAN and BITS exclude each other (BITS is then ignored).
 */
int dumpline_parse_as(const char *line, size_t n, unsigned flags,
		      unsigned char *out, struct dumpline *dl,
		      const char **why);

/*
 * A plain dump (xxd -p; hexdump -r -f plain): hex digits, any case, with
 * blanks, tabs, CRs and newlines anywhere ignored; digits pair across
 * blanks and lines, as xxd -r -p pairs them.  The text is read in pieces
 * of any size, cut anywhere (as the window walker hands a file over; a
 * plain dump may be one line of any length, xxd -p -c 0), and struct
 * dumphex carries what stands between them.
 */
struct dumphex {
	int half;		/* a digit waiting for its pair, or -1 */
	uint64_t half_line;	/* the line that digit is on */
	uint64_t line;		/* 1-based line of the next byte */
	uint64_t column;	/* bytes of that line before it; on failure
				 * the 1-based column of the bad byte */
};

/* Start reading a plain dump: line 1, no digit waiting.  Cannot fail. */
void dumphex_init(struct dumphex *h);

/*
 * Read the N bytes of TEXT, the next piece of the dump.  OUT must have
 * room for N / 2 + 1 bytes.
 * Success: 0, *len bytes at OUT, *h advanced.  A digit left in h->half
 * when the dump ends is half a byte (the caller says so, at h->half_line).
 * Failure: -1 with errno EINVAL, h->line and h->column where the first
 * byte that is neither a digit nor a blank is, *why (if WHY is not NULL)
 * a phrase, and *len the bytes decoded at OUT before it.
 */
int dumphex_read(struct dumphex *h, const char *text, size_t n,
		 unsigned char *out, size_t *len, const char **why);

/*
 * The order of a dump's lines.  Every reader of dumps (patch, hexdump -r)
 * passes each parsed line through dumpseq_next, so that all refuse the
 * same input:
 *   - a data line or a lone offset that goes back before the end of the
 *     bytes above it (or before a lone offset above it);
 *   - a "*" with no data line above it to repeat;
 *   - a lone offset with no data or "*" line above it: what a dump ends
 *     with, never what it starts with, so a first line like "7f454c46"
 *     (peek's four bytes) is bare hex, not a dump of nothing.  (hexdump -C
 *     -s past the end prints just the size: that dump of no bytes is
 *     refused too.)
 * Blank lines are skipped over.
 */
struct dumpseq {
	uint64_t end;		/* where the lines above end */
	enum dumpline_kind last;	/* the last line not blank; BLANK
					 * before the first */
};

/* Start checking a dump.  Cannot fail. */
void dumpseq_init(struct dumpseq *sq);

/*
 * Take DL, just parsed by dumpline_parse, as the next line of the dump.
 * Success: 0, sq advanced.  Failure: -1 with errno EINVAL, MSG (SIZE
 * bytes, NUL-terminated; 120 is enough) saying what is wrong, without the
 * line's name and number, and sq unchanged.
 */
int dumpseq_next(struct dumpseq *sq, const struct dumpline *dl, char *msg,
		 size_t size);

/*
 * The lines readers of big dumps see most, many at a time: xxd's default
 * layout (16 bytes in groups of 2, an eight-digit offset, the ASCII column
 * showing the bytes, a newline and nothing else), the first at the offset
 * where the lines above end (sq->end) and each following on from the one
 * before, from TEXT[0..N), at most MAX lines.  OUT must have room for
 * 16 * MAX bytes.
 * Returns the number of lines taken, each 68 bytes of TEXT and 16 bytes
 * at OUT: lines that dumpline_parse reads as DATA lines of those bytes at
 * those offsets, and that dumpseq_next takes; *sq is advanced past them.
 * It stops before the first line that is not surely one (another layout,
 * a CR, a gap, an ASCII column other than xxd's, ...), which is then the
 * caller's to parse line by line; OUT past the lines taken may have been
 * written.  Cannot fail.
 */
size_t dumpline_xxd_run(struct dumpseq *sq, const char *text, size_t n,
			size_t max, unsigned char *out);

#endif
