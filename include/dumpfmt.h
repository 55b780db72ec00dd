/*
 * dumpfmt.h - the dump formatters shared by hexdump and peek -f.
 *
 *   DUMP_CANONICAL  byte-for-byte `hexdump -C` (squeezes repeats to '*'
 *                   unless squeeze is 0; final offset line)
 *   DUMP_XXD        byte-for-byte `xxd` (-c cols, -g group)
 *   DUMP_PLAIN      byte-for-byte `xxd -p` (-c cols)
 *   DUMP_C          byte-for-byte `xxd -i` (-c cols; name from the file
 *                   name as xxd derives it, or bytes only when name is NULL)
 *
 * A dumper is fed the bytes of one range in chunks of any size and writes
 * into an outbuf; the output does not depend on how the input was chunked.
 *
 * What the references do at the edges, and what the dumper does:
 *   - no bytes fed: canonical prints nothing when START is 0 and the final
 *     offset line otherwise (`hexdump -C -s N` with N >= the file size
 *     prints the size: pass START = size).  `hexdump -n 0` prints nothing
 *     at all: a caller that mirrors it does not run a dumper.  xxd and
 *     plain print nothing; c prints its header and trailer (length 0);
 *     plain with DUMP_COLS_NONE prints one newline.
 *   - offsets are printed with at least 8 hex digits, more past 4 GiB.
 *   - the ASCII column shows 0x20..0x7e, '.' for anything else, whatever
 *     the locale (hexdump -C asks isprint(), so a Latin-1 locale shows
 *     0xa0..0xff there; xxd never does).
 *   - c: the length line holds the exact count, where xxd counts in an
 *     int (wrong past 2 GiB).
 *
 * Colour (not in any reference): hexyl's classes and colours; one SGR
 * escape where a run of bytes of one class starts, a reset where the hex
 * area and the ASCII column end.  Stripped of its escapes, the output is
 * the reference's.  DUMP_C is never coloured (it is source code).
 */
#ifndef DUMPFMT_H
#define DUMPFMT_H

#include <stddef.h>
#include <stdint.h>
#include "outbuf.h"

enum dump_format { DUMP_CANONICAL, DUMP_XXD, DUMP_PLAIN, DUMP_C };

/*
 * cols for DUMP_PLAIN meaning "no line breaks": `xxd -p -c 0`.  (For the
 * other xxd formats `-c 0` means the default, which is cols 0 here.)
 */
#define DUMP_COLS_NONE 0xffffffffu

/* Largest cols: xxd's COLS for its own layout, its int for -p and -i. */
#define DUMP_XXD_COLS_MAX 256u
#define DUMP_COLS_MAX 0x7fffffffu

/*
 * xxd's options.  Each is byte for byte what xxd 9.0 prints with it, where
 * xxd prints something sane; none applies to canonical.  Where xxd breaks,
 * the dumper does the sane thing instead (dumpfmt.c says what, case by
 * case, at dump_check_opts).
 */
struct dump_opts {
	enum dump_format format;
	unsigned cols;		/* 0: the format's default; DUMP_COLS_NONE */
	int group;		/* -1: the format's default; xxd only */
	int squeeze;		/* canonical: 1 to squeeze repeated lines */
	int color;		/* 1: colour bytes by class (not the reference) */
	const char *name;	/* DUMP_C: FILE as given (or --name); NULL:
				 * bytes only (stdin) */
	int upper;		/* -u: uppercase hex digits (xxd, plain, c) */
	int little_endian;	/* -e: xxd, each group's bytes last first
				 * (default group 4) */
	int bits;		/* -b: xxd, 8 binary digits a byte (default
				 * cols 6, group 1) */
	int decimal;		/* -d: xxd, offsets in decimal */
	uint64_t display_offset;	/* -o: xxd, added to each offset shown;
				 * at most DUMP_OFFSET_MAX */
	int autoskip;		/* -a: xxd, a run of zero lines becomes "*" */
	int capitalize;		/* -C: c, the names in uppercase */
};

/* Largest -o, and largest file offset: 2^63-1 each, so that their sum
 * fits in 64 bits (xxd's unsigned long wraps). */
#define DUMP_OFFSET_MAX 0x7fffffffffffffffull

/* State of one dump; the fields are the formatter's own. */
struct dumper {
	struct dump_opts opts;
	struct outbuf *out;
	uint64_t offset;	/* file offset of the next byte fed */
	uint64_t total;		/* bytes fed so far */

	/* Private to dumpfmt.c. */
	uint64_t start;		/* offset of the first byte */
	unsigned cols;		/* bytes per line, defaults resolved */
	unsigned group;		/* xxd: bytes per group, 1..cols */
	unsigned hex_width;	/* xxd: hex area plus gap, in columns */
	unsigned short *hex_col;	/* xxd: column of byte i in the hex area */
	const char *pairs;	/* xxd, plain, c: the digit pairs (-u) */
	char *bits_of;		/* xxd -b: 8 digits for each byte, else NULL */
	char c_sep[10];		/* c: ", 0x" then ",\n  0x" (-u: 0X) */
	unsigned zrun;		/* xxd -a: zero lines in a row (saturating) */
	uint64_t zrun_off;	/* xxd -a: offset of the run's first line */
	uint64_t dec_value;	/* xxd -d: the offset last shown, */
	unsigned char dec_digits[20];	/* its digits, */
	size_t dec_len;		/* how many (0: none yet) */
	unsigned char *carry;	/* canonical, xxd: bytes of a partial line */
	unsigned char *cls;	/* canonical, xxd: colour of each byte of a line */
	size_t carried;		/* how many bytes carry holds */
	uint64_t line_off;	/* offset of the line carry begins */
	uint64_t col;		/* plain, c: bytes on the current line */
	unsigned char prev[16];	/* canonical: the last full line */
	int have_prev;		/* prev holds a line */
	int starred;		/* canonical: "*" printed for the current run */
	int cur_class;		/* colour of the run being written, -1 none */
	int began;		/* c: the header has been written */
	size_t line_max;	/* longest line this dump can produce */
	unsigned char *spill;	/* a line, when out->cap < line_max */
	int failed;		/* the output failed; errno in out->err */
};

/*
 * Parse a format name: canonical, xxd, plain, c.  0 and *out set, or -1
 * with errno EINVAL.
 */
int dump_parse_format(const char *name, enum dump_format *out);

/*
 * Check OPTS for the chosen format (cols/group ranges as xxd enforces
 * them; cols or group given with canonical is an error).  0, or -1 with
 * *why a short static phrase for a usage message.
 *
 * As xxd: xxd cols 1..256; plain and c cols up to DUMP_COLS_MAX (plain
 * also DUMP_COLS_NONE); a group of 0 or one larger than cols means one
 * group per line; group and squeeze are ignored by plain and c.
 */
int dump_check_opts(const struct dump_opts *opts, const char **why);

/*
 * Start a dump whose first byte lies at file offset START, writing to OUT.
 * OPTS must have passed dump_check_opts; opts->name is used, not copied.
 * OUT is put in whole-line mode (outbuf.h): a dump cut short by a fault
 * has written whole lines, and outbuf_flush_lines ends it on one (only
 * plain -c 0, one line however long, can be cut).
 * Success: 0.  Failure: -1, errno ENOMEM (or EINVAL for bad OPTS).
 */
int dumper_init(struct dumper *d, const struct dump_opts *opts,
		uint64_t start, struct outbuf *out);

/*
 * Format N bytes.  0, or -1 with errno when the output failed; after a
 * failure every later call fails too and the dump is to be abandoned.
 */
int dumper_feed(struct dumper *d, const unsigned char *p, size_t n);

/*
 * Format N zero bytes (a hole) as dumper_feed would, without reading
 * anything: the output is the same byte for byte.  Where the output
 * squeezes (canonical with squeeze), the cost is a few lines whatever N
 * is; otherwise it follows the output.  0, or -1 with errno as
 * dumper_feed.
 */
int dumper_feed_zeros(struct dumper *d, uint64_t n);

/*
 * Finish: last partial line, final offset line, C trailer, and flush OUT.
 * 0, or -1 with errno when the output failed.
 */
int dumper_finish(struct dumper *d);

/*
 * Guarded dumps (mmtool diff).  Write PREFIX ('-', '+' or ' ') and then
 * one line of the K bytes at B (1..cols) at offset OFF in D's layout,
 * canonical or xxd, exactly as dumper_feed would lay that line out (never
 * squeezed; no final offset line).  D was started by dumper_init with
 * either format and is not fed otherwise.  With colour, a '-' line is
 * red and a '+' line green, and the bytes that differ from the other
 * side's line (OTHER_LEN bytes at OTHER, NULL when there is none; bytes
 * past OTHER_LEN differ) are bold and bright; ' ' lines stay plain.
 * 0, or -1 with errno when the output failed (as dumper_feed).
 */
int dumper_guard_line(struct dumper *d, char prefix, uint64_t off,
		      const unsigned char *b, size_t k,
		      const unsigned char *other, size_t other_len);

/*
 * Write PREFIX and OFF as the final offset line of hexdump -C prints it
 * (at least 8 hex digits, more past 4 GiB), then a newline: the sizes at
 * the end of a guarded dump.  Coloured as dumper_guard_line colours.
 * 0, or -1 with errno.
 */
int dumper_guard_offset(struct dumper *d, char prefix, uint64_t off);

/* When --color=WHEN asks for colour. */
enum dump_color { DUMP_COLOR_AUTO, DUMP_COLOR_ALWAYS, DUMP_COLOR_NEVER };

/*
 * Parse --color's argument: "auto", "always", "never", or NULL (a bare
 * --color) meaning always.  0 and *out set, or -1 with errno EINVAL.
 */
int dump_parse_color(const char *text, enum dump_color *out);

/*
 * Whether a dump to standard output is coloured: always, never, or for
 * auto only when standard output is a terminal, NO_COLOR is unset or
 * empty (no-color.org: "present and not an empty string" disables
 * colour), and TERM is set, not empty and not "dumb" (as xxd).
 */
int dump_want_color(enum dump_color when);

/* Release what dumper_init allocated (OUT is the caller's). */
void dumper_free(struct dumper *d);

#endif
