/*
 * dumpfmt.c - hexdump -C, xxd, xxd -p and xxd -i, byte for byte, fast.
 *
 * Lines are formatted straight into the outbuf: a whole batch of lines is
 * reserved at once, each line is laid out from fixed positions (no stdio,
 * no per-byte format strings), and hex digits come from a table of digit
 * pairs copied two bytes at a time.  Bytes of a partial line wait in
 * d->carry until the next feed, so the output does not depend on how the
 * input was chunked.  Colour is a separate, slower path: the plain paths
 * carry no test for it per byte.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dumpfmt.h"

/* hex_pairs + 2 * b holds the two lowercase digits of byte b. */
static const char hex_pairs[2 * 256 + 1] =
	"000102030405060708090a0b0c0d0e0f"
	"101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f"
	"505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f"
	"707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f"
	"909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
	"b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	"d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* The same in uppercase, for -u (xxd, plain, c). */
static const char hex_pairs_upper[2 * 256 + 1] =
	"000102030405060708090A0B0C0D0E0F"
	"101112131415161718191A1B1C1D1E1F"
	"202122232425262728292A2B2C2D2E2F"
	"303132333435363738393A3B3C3D3E3F"
	"404142434445464748494A4B4C4D4E4F"
	"505152535455565758595A5B5C5D5E5F"
	"606162636465666768696A6B6C6D6E6F"
	"707172737475767778797A7B7C7D7E7F"
	"808182838485868788898A8B8C8D8E8F"
	"909192939495969798999A9B9C9D9E9F"
	"A0A1A2A3A4A5A6A7A8A9AAABACADAEAF"
	"B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
	"C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF"
	"D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
	"E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF"
	"F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";

/*
 * The ASCII column: 0x20..0x7e as themselves, '.' for the rest.  Both
 * references agree on this in the C and UTF-8 locales (hexdump asks
 * isprint(), which would differ in a Latin-1 locale; we do not follow).
 */
static const char ascii_of[256 + 1] =
	"................................"
	" !\"#$%&'()*+,-./0123456789:;<=>?"
	"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_"
	"`abcdefghijklmnopqrstuvwxyz{|}~."
	"................................"
	"................................"
	"................................"
	"................................";

#define PUT_PAIR(dst, b) memcpy((dst), hex_pairs + 2 * (unsigned)(b), 2)
/* The same from the dumper's digit table (lowercase or, for -u, upper). */
#define PUT_PAIR_T(pairs, dst, b) \
	memcpy((dst), (pairs) + 2 * (unsigned)(b), 2)

/* The longest offset: 16 hex digits; in decimal (xxd -d), 20. */
#define OFFSET_MAX 16
#define DEC_OFFSET_MAX 20

/* canonical: the line after the offset, "  hh hh ... |ascii|\n" */
#define CANON_COLS 16
#define CANON_BAR 52		/* the opening '|' */
#define CANON_TAIL 71		/* full line after the offset */

/*
 * Byte classes for --color, as hexyl draws them and with its colours:
 * NUL grey, printable (graphic) ASCII cyan, ASCII whitespace green (the
 * space is whitespace here, as in hexyl), other ASCII magenta, non-ASCII
 * yellow.  Whitespace is Rust's is_ascii_whitespace: no vertical tab.
 */
enum byte_class { CLASS_NUL, CLASS_PRINT, CLASS_SPACE, CLASS_OTHER,
	CLASS_HIGH, CLASS_NONE = -1 };

/* Padded to SGR_SLOT bytes so that each is copied with one fixed move. */
#define SGR_SLOT 12
static const char class_sgr[][SGR_SLOT] = {
	"\033[38;5;242m", "\033[36m", "\033[32m", "\033[35m", "\033[33m"
};
static const unsigned char class_sgr_len[] = { 11, 5, 5, 5, 5 };
#define SGR_MAX SGR_SLOT	/* room a colour change takes in a line */
#define SGR_RESET "\033[0m"
#define SGR_RESET_LEN 4

/* The class of each byte, as a digit: CLASS_NUL is '0'. */
static const char class_of[256 + 1] =
	"03333333322322333333333333333333"
	"21111111111111111111111111111111"
	"11111111111111111111111111111111"
	"11111111111111111111111111111113"
	"44444444444444444444444444444444"
	"44444444444444444444444444444444"
	"44444444444444444444444444444444"
	"44444444444444444444444444444444";

/*
 * The colours of a line's bytes: an escape per class, padded to SGR_SLOT.
 * hexdump colours by byte class; a guarded dump's '-' and '+' lines by
 * whether a byte differs from the other side's (bold and bright) or not.
 */
struct palette {
	const char (*sgr)[SGR_SLOT];
	const unsigned char *len;
};

static const struct palette class_palette = { class_sgr, class_sgr_len };

/* Guarded lines: '-' same, '-' differs, '+' same, '+' differs.  Only
 * the foreground changes, so the blanks between bytes look the same. */
static const char guard_sgr[][SGR_SLOT] = {
	"\033[22;31m", "\033[1;91m", "\033[22;32m", "\033[1;92m"
};
static const unsigned char guard_sgr_len[] = { 8, 7, 8, 7 };
static const struct palette guard_palette = { guard_sgr, guard_sgr_len };

/*
 * Switch the colour to class C unless the run already has it.  Without
 * a branch: on random bytes the class changes every other byte, and a
 * mispredicted branch per byte would cost more than the copy.
 */
static unsigned char *
put_sgr(unsigned char *o, int *cur, const struct palette *pal, int c)
{
	size_t changed = (size_t)(c != *cur);

	memcpy(o, pal->sgr[c], SGR_SLOT);
	*cur = c;
	return o + (pal->len[c] & (0 - changed));
}

/* hexdump's classes of the K bytes at B. */
static void
classes_of(unsigned char *cls, const unsigned char *b, size_t k)
{
	for (size_t i = 0; i < k; i++)
		cls[i] = (unsigned char)(class_of[b[i]] - '0');
}

/* End the run, if one is open. */
static unsigned char *
put_reset(unsigned char *o, int *cur)
{
	if (*cur != CLASS_NONE) {
		memcpy(o, SGR_RESET, SGR_RESET_LEN);
		o += SGR_RESET_LEN;
		*cur = CLASS_NONE;
	}
	return o;
}

/*
 * OFF as "%08" PRIx64 prints it: at least 8 digits, more past 4 GiB (both
 * references do this).  Returns the number of digits written.
 */
static size_t
put_long_offset(unsigned char *dst, uint64_t off)
{
	size_t n, i;

	for (n = 8; n < OFFSET_MAX && off >> (4 * n) != 0; n++)
		;
	for (i = n; i-- > 0; off >>= 4)
		dst[i] = (unsigned char)hex_pairs[2 * (off & 15) + 1];
	return n;
}

static inline size_t
put_offset(unsigned char *dst, uint64_t off)
{
	if (off > 0xffffffffu)
		return put_long_offset(dst, off);
	PUT_PAIR(dst, off >> 24 & 0xff);
	PUT_PAIR(dst + 2, off >> 16 & 0xff);
	PUT_PAIR(dst + 4, off >> 8 & 0xff);
	PUT_PAIR(dst + 6, off & 0xff);
	return 8;
}

/*
 * Eight characters of the ASCII column at once, as ascii_of would give
 * them.  The arithmetic stays inside each byte (no carry crosses a byte),
 * so the byte order of the machine does not matter.
 */
static inline void
put_ascii8(unsigned char *dst, const unsigned char *src)
{
	const uint64_t ones = 0x0101010101010101u;
	uint64_t v, low7, ok, mask;

	memcpy(&v, src, 8);
	low7 = v & 0x7f * ones;
	ok = (low7 + 0x60 * ones)	/* bit 7: low7 >= 0x20 */
	     & ~(low7 + ones)		/* bit 7: low7 != 0x7f */
	     & ~v & 0x80 * ones;	/* bit 7: v < 0x80 */
	mask = (ok >> 7) * 0xff;
	v = (v & mask) | ('.' * ones & ~mask);
	memcpy(dst, &v, 8);
}

/* Eight hex pairs at DST, DST + STEP, ... */
#define PUT_PAIRS8(dst, step, b) do { \
	PUT_PAIR((dst), (b)[0]); \
	PUT_PAIR((dst) + (step), (b)[1]); \
	PUT_PAIR((dst) + 2 * (step), (b)[2]); \
	PUT_PAIR((dst) + 3 * (step), (b)[3]); \
	PUT_PAIR((dst) + 4 * (step), (b)[4]); \
	PUT_PAIR((dst) + 5 * (step), (b)[5]); \
	PUT_PAIR((dst) + 6 * (step), (b)[6]); \
	PUT_PAIR((dst) + 7 * (step), (b)[7]); \
} while (0)

/* Decimal digits of V; returns how many. */
static size_t
put_decimal(unsigned char *dst, uint64_t v)
{
	unsigned char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (unsigned char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/* ---- output space ---------------------------------------------------- */

/*
 * Room for at least MIN bytes: a pointer into the outbuf with *end its end,
 * or into d->spill when the outbuf is smaller than a line.  NULL after a
 * write error (d->failed set).
 */
static unsigned char *
out_room(struct dumper *d, size_t min, unsigned char **end)
{
	struct outbuf *ob = d->out;
	unsigned char *o;

	if (d->spill != NULL) {
		*end = d->spill + d->line_max;
		return d->spill;
	}
	o = outbuf_reserve(ob, min);
	if (o == NULL) {
		d->failed = 1;
		return NULL;
	}
	*end = ob->buf + ob->cap;
	return o;
}

/* Count the bytes written since out_room returned START; O is the end. */
static int
out_done(struct dumper *d, unsigned char *start, unsigned char *o)
{
	if (start == d->spill) {
		if (outbuf_write(d->out, start, (size_t)(o - start)) < 0) {
			d->failed = 1;
			return -1;
		}
		return 0;
	}
	outbuf_commit(d->out, (size_t)(o - start));
	return 0;
}

/* Append a short string (colours, trailers) through the same path. */
static int
out_bytes(struct dumper *d, const void *s, size_t n)
{
	if (outbuf_write(d->out, s, n) < 0) {
		d->failed = 1;
		return -1;
	}
	return 0;
}

/* The errno of the failed output, for every call after it. */
static int
failed(const struct dumper *d)
{
	errno = d->out->err != 0 ? d->out->err : EIO;
	return -1;
}

/* ---- canonical: hexdump -C ------------------------------------------- */

/*
 * One line of K (1..16) bytes at OFF.  Missing bytes are blanks in the hex
 * area; the ASCII column is as long as the line.
 */
static unsigned char *
canon_line(unsigned char *o, uint64_t off, const unsigned char *b, size_t k)
{
	unsigned char *q = o + put_offset(o, off);
	unsigned char *hex = q + 2;
	size_t i;

	memset(q, ' ', CANON_BAR);
	for (i = 0; i < k && i < 8; i++)
		PUT_PAIR(hex + 3 * i, b[i]);
	for (; i < k; i++)
		PUT_PAIR(hex + 3 * i + 1, b[i]);
	q[CANON_BAR] = '|';
	q += CANON_BAR + 1;
	for (i = 0; i < k; i++)
		q[i] = (unsigned char)ascii_of[b[i]];
	q[k] = '|';
	q[k + 1] = '\n';
	return q + k + 2;
}

/* The same for a full line, unrolled: the hot path. */
static inline unsigned char *
canon_line16(unsigned char *o, uint64_t off, const unsigned char *b)
{
	unsigned char *q = o + put_offset(o, off);

	memset(q, ' ', CANON_BAR);
	PUT_PAIRS8(q + 2, 3, b);
	PUT_PAIRS8(q + 27, 3, b + 8);
	q[CANON_BAR] = '|';
	put_ascii8(q + CANON_BAR + 1, b);
	put_ascii8(q + CANON_BAR + 9, b + 8);
	q[CANON_TAIL - 2] = '|';
	q[CANON_TAIL - 1] = '\n';
	return q + CANON_TAIL;
}

/* The same line with colour runs in both areas: byte i in colour
 * cls[i] of PAL. */
static unsigned char *
canon_line_color(unsigned char *o, uint64_t off, const unsigned char *b,
		 size_t k, const unsigned char *cls, const struct palette *pal)
{
	int cur = CLASS_NONE;
	size_t i;

	o += put_offset(o, off);
	*o++ = ' ';
	*o++ = ' ';
	for (i = 0; i < CANON_COLS; i++) {
		if (i == 8)
			*o++ = ' ';
		if (i < k) {
			o = put_sgr(o, &cur, pal, cls[i]);
			PUT_PAIR(o, b[i]);
			o += 2;
			if (i + 1 == k)
				o = put_reset(o, &cur);
		} else {
			*o++ = ' ';
			*o++ = ' ';
		}
		*o++ = ' ';
	}
	*o++ = ' ';
	*o++ = '|';
	for (i = 0; i < k; i++) {
		o = put_sgr(o, &cur, pal, cls[i]);
		*o++ = (unsigned char)ascii_of[b[i]];
	}
	o = put_reset(o, &cur);
	*o++ = '|';
	*o++ = '\n';
	return o;
}

/*
 * NLINES full lines from P.  With squeeze, a line equal to the one before
 * it is not printed; the first of a run of such lines prints "*".
 */
static int
canon_lines(struct dumper *d, const unsigned char *p, size_t nlines)
{
	const unsigned char *prev = d->have_prev ? d->prev : NULL;
	int squeeze = d->opts.squeeze, color = d->opts.color;
	int starred = d->starred;
	size_t line_max = d->line_max;
	uint64_t off = d->line_off;

	while (nlines > 0) {
		unsigned char *end, *start, *o;

		start = o = out_room(d, line_max, &end);
		if (o == NULL)
			return -1;
		for (; nlines > 0 && (size_t)(end - o) >= line_max; nlines--) {
			if (squeeze && prev != NULL
			    && memcmp(p, prev, CANON_COLS) == 0) {
				if (!starred) {
					*o++ = '*';
					*o++ = '\n';
					starred = 1;
				}
			} else {
				if (color) {
					unsigned char cls[CANON_COLS];

					classes_of(cls, p, CANON_COLS);
					o = canon_line_color(o, off, p,
							     CANON_COLS, cls,
							     &class_palette);
				} else
					o = canon_line16(o, off, p);
				starred = 0;
			}
			prev = p;
			p += CANON_COLS;
			off += CANON_COLS;
		}
		if (out_done(d, start, o) < 0)
			return -1;
	}
	d->line_off = off;
	d->starred = starred;
	if (prev != NULL && prev != d->prev) {
		memcpy(d->prev, prev, CANON_COLS);
		d->have_prev = 1;
	}
	return 0;
}

/*
 * The partial last line (never squeezed), then the final offset line; each
 * in its own room, since together they may be longer than line_max.
 */
static int
canon_finish(struct dumper *d)
{
	unsigned char *end, *start, *o;

	if (d->carried > 0) {
		start = o = out_room(d, d->line_max, &end);
		if (o == NULL)
			return -1;
		if (d->opts.color) {
			unsigned char cls[CANON_COLS];

			classes_of(cls, d->carry, d->carried);
			o = canon_line_color(o, d->line_off, d->carry,
					     d->carried, cls, &class_palette);
		} else
			o = canon_line(o, d->line_off, d->carry, d->carried);
		if (out_done(d, start, o) < 0)
			return -1;
	}
	/* hexdump prints nothing for nothing read from offset 0. */
	if (d->total == 0 && d->start == 0)
		return 0;
	start = o = out_room(d, OFFSET_MAX + 1, &end);
	if (o == NULL)
		return -1;
	o += put_offset(o, d->start + d->total);
	*o++ = '\n';
	return out_done(d, start, o);
}

/* ---- xxd ------------------------------------------------------------- */

/*
 * What differs between the xxd layouts is held in the dumper as tables,
 * set up once by dumper_init, so that one line loop serves them all:
 *   d->pairs      the digit pairs, lowercase or uppercase (-u)
 *   d->bits_of    -b: the eight '0'/'1' characters of each byte, else NULL
 *   d->hex_col    the column of byte i in the hex area: digit_width * x +
 *                 x / group, where x is i, or for -e the mirror of i in
 *                 its group (a group's last byte first)
 *   d->hex_width  the hex area and the two blanks before the ASCII column
 * and the offset goes through put_xxd_offset (-d, -o).
 */

/* Zeros for the lines that -a prints from memory rather than from input. */
static const unsigned char zero_line[DUMP_XXD_COLS_MAX];

/* V in decimal with at least 8 digits, as "%08lu"; returns how many. */
static size_t
put_decimal8(unsigned char *dst, uint64_t v)
{
	unsigned char tmp[DEC_OFFSET_MAX];
	size_t n = 0, i;

	do {
		tmp[n++] = (unsigned char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n < 8)
		tmp[n++] = '0';
	for (i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/*
 * -d: V as put_decimal8 writes it, made from the last offset printed by
 * adding the difference when V is a little past it (the next line: a
 * carry through a digit or two instead of a division per digit).
 */
static size_t
put_decimal_line(struct dumper *d, unsigned char *dst, uint64_t v)
{
	unsigned char *digits = d->dec_digits;
	size_t n = d->dec_len, i = n;
	uint64_t carry = v - d->dec_value;

	if (n == 0 || v < d->dec_value || carry > 4096) {
		n = put_decimal8(digits, v);
	} else {
		while (carry != 0 && i > 0) {
			uint64_t sum = (uint64_t)(digits[--i] - '0') + carry;

			digits[i] = (unsigned char)('0' + sum % 10);
			carry = sum / 10;
		}
		/* Carried past the first digit: one digit more. */
		if (carry != 0)
			n = put_decimal8(digits, v);
	}
	d->dec_value = v;
	d->dec_len = n;
	memcpy(dst, digits, n);
	return n;
}

/*
 * The offset shown for file offset OFF: plus -o, in hex or (-d) decimal.
 * Both addends are at most 2^63-1 (dump_check_opts), so the sum does not
 * wrap, where xxd's unsigned long does.
 */
static inline size_t
put_xxd_offset(struct dumper *d, unsigned char *dst, uint64_t off)
{
	off += d->opts.display_offset;
	if (d->opts.decimal)
		return put_decimal_line(d, dst, off);
	return put_offset(dst, off);
}

/* The screen slot of byte I (and, being its own inverse, the byte of
 * slot I): I itself, or for -e its mirror within its group. */
static inline size_t
xxd_slot(const struct dumper *d, size_t i)
{
	size_t g = d->group;

	if (!d->opts.little_endian)
		return i;
	return i - i % g + (g - 1 - i % g);
}

/* "OFFSET: " and WIDTH blanks for the hex area; returns where it starts. */
static inline unsigned char *
xxd_head(struct dumper *d, unsigned char *o, uint64_t off, size_t width)
{
	o += put_xxd_offset(d, o, off);
	o[0] = ':';
	o[1] = ' ';
	memset(o + 2, ' ', width);
	return o + 2;
}

/*
 * One line of K (1..cols) bytes: "OFFSET: " then the hex area, where byte
 * i sits at column hex_col[i], padded to hex_width, then the ASCII column
 * of K characters.
 */
static inline unsigned char *
xxd_line(struct dumper *d, unsigned char *o, uint64_t off,
	 const unsigned char *b, size_t k)
{
	unsigned char *hex, *ascii;
	size_t i;

	hex = xxd_head(d, o, off, d->hex_width);
	if (d->bits_of != NULL) {
		for (i = 0; i < k; i++)
			memcpy(hex + d->hex_col[i], d->bits_of + 8 * b[i], 8);
	} else {
		for (i = 0; i < k; i++)
			PUT_PAIR_T(d->pairs, hex + d->hex_col[i], b[i]);
	}
	ascii = hex + d->hex_width;
	for (i = 0; i + 8 <= k; i += 8)
		put_ascii8(ascii + i, b + i);
	for (; i < k; i++)
		ascii[i] = (unsigned char)ascii_of[b[i]];
	ascii[k] = '\n';
	return ascii + k + 1;
}

/* Group J of two bytes: four digits at column 5J. */
#define XXD_GROUP2(pairs, hex, b, j) do { \
	PUT_PAIR_T(pairs, (hex) + 5 * (j), (b)[2 * (j)]); \
	PUT_PAIR_T(pairs, (hex) + 5 * (j) + 2, (b)[2 * (j) + 1]); \
} while (0)

/*
 * The default layout (16 columns in groups of 2: hex_width 41), spelled
 * out so that gcc unrolls it and the ASCII column goes 8 bytes at a time:
 * under half the time of the general loop.
 */
static inline unsigned char *
xxd_line16(struct dumper *d, unsigned char *o, uint64_t off,
	   const unsigned char *b)
{
	const char *pairs = d->pairs;
	unsigned char *hex;

	hex = xxd_head(d, o, off, 41);
	XXD_GROUP2(pairs, hex, b, 0);
	XXD_GROUP2(pairs, hex, b, 1);
	XXD_GROUP2(pairs, hex, b, 2);
	XXD_GROUP2(pairs, hex, b, 3);
	XXD_GROUP2(pairs, hex, b, 4);
	XXD_GROUP2(pairs, hex, b, 5);
	XXD_GROUP2(pairs, hex, b, 6);
	XXD_GROUP2(pairs, hex, b, 7);
	put_ascii8(hex + 41, b);
	put_ascii8(hex + 49, b + 8);
	hex[57] = '\n';
	return hex + 58;
}

/*
 * Any other hex layout of 16 columns (-e, -g 4, -u ...): xxd_line with a
 * trip count the compiler knows, so that it unrolls the placing of the
 * pairs; about a third faster than the general loop.
 */
static inline unsigned char *
xxd_line16_any(struct dumper *d, unsigned char *o, uint64_t off,
	       const unsigned char *b)
{
	const unsigned short *col = d->hex_col;
	const char *pairs = d->pairs;
	unsigned char *hex, *ascii;
	size_t i;

	hex = xxd_head(d, o, off, d->hex_width);
	for (i = 0; i < 16; i++)
		PUT_PAIR_T(pairs, hex + col[i], b[i]);
	ascii = hex + d->hex_width;
	put_ascii8(ascii, b);
	put_ascii8(ascii + 8, b + 8);
	ascii[16] = '\n';
	return ascii + 17;
}

/*
 * The same line with colour runs, byte i in colour cls[i] of PAL, walked
 * in screen order (for -e a group's bytes appear last first; the slots of
 * a partial group that hold no byte are blanks).
 */
static unsigned char *
xxd_line_color(struct dumper *d, unsigned char *o, uint64_t off,
	       const unsigned char *b, size_t k, const unsigned char *cls,
	       const struct palette *pal)
{
	size_t g = d->group, dw = d->bits_of != NULL ? 8 : 2;
	size_t x, slots = k, shown = 0;
	unsigned char *pad_end;
	int cur = CLASS_NONE;

	if (d->opts.little_endian)
		slots = (k + g - 1) / g * g;
	o += put_xxd_offset(d, o, off);
	*o++ = ':';
	*o++ = ' ';
	for (x = 0; x < slots; x++) {
		size_t i = xxd_slot(d, x);

		if (x > 0 && x % g == 0) {
			*o++ = ' ';
			shown++;
		}
		if (i >= k) {
			memset(o, ' ', dw);
		} else {
			o = put_sgr(o, &cur, pal, cls[i]);
			if (dw == 8)
				memcpy(o, d->bits_of + 8 * b[i], 8);
			else
				PUT_PAIR_T(d->pairs, o, b[i]);
		}
		o += dw;
		shown += dw;
	}
	o = put_reset(o, &cur);
	pad_end = o + (d->hex_width - shown);
	while (o < pad_end)
		*o++ = ' ';
	for (x = 0; x < k; x++) {
		o = put_sgr(o, &cur, pal, cls[x]);
		*o++ = (unsigned char)ascii_of[b[x]];
	}
	o = put_reset(o, &cur);
	*o++ = '\n';
	return o;
}

/* xxd_line_color in hexdump's classes; CLS has room for cols bytes. */
static unsigned char *
xxd_line_classes(struct dumper *d, unsigned char *o, uint64_t off,
		 const unsigned char *b, size_t k, unsigned char *cls)
{
	classes_of(cls, b, k);
	return xxd_line_color(d, o, off, b, k, cls, &class_palette);
}

/* One line in whichever form the dump takes (d->cls is scratch). */
static inline unsigned char *
xxd_any_line(struct dumper *d, unsigned char *o, uint64_t off,
	     const unsigned char *b, size_t k)
{
	if (d->opts.color)
		return xxd_line_classes(d, o, off, b, k, d->cls);
	return xxd_line(d, o, off, b, k);
}

/* 1 if the N bytes at P are all zero. */
static int
all_zero(const unsigned char *p, size_t n)
{
	uint64_t acc = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/*
 * -a, as xxd does it: the first line of a run of zero lines is printed
 * when it comes; the rest wait.  When a line with a non-zero byte (or the
 * partial last line, whatever it holds) ends the run, a run of 2 prints
 * its second line, a longer one a "*".  When the dump ends on the run
 * instead, its last line is printed too, so that the size shows: a run of
 * 3 prints all three, a longer one "*" and its last line.  d->zrun counts
 * the run, saturating at ZRUN_LONG (xxd's int wraps after 2^31 lines and
 * prints again); d->zrun_off is its first line's offset.
 */
#define ZRUN_LONG 4u

static unsigned char *
xxd_end_zero_run(struct dumper *d, unsigned char *o, uint64_t next_off,
		 int at_end)
{
	uint64_t second = d->zrun_off + d->cols;

	if (d->zrun == 2 || (at_end && d->zrun == 3))
		o = xxd_any_line(d, o, second, zero_line, d->cols);
	if (at_end && d->zrun == 3) {
		o = xxd_any_line(d, o, second + d->cols, zero_line, d->cols);
	} else if (d->zrun >= 3) {
		*o++ = '*';
		*o++ = '\n';
		if (at_end)
			o = xxd_any_line(d, o, next_off - d->cols, zero_line,
					 d->cols);
	}
	d->zrun = 0;
	return o;
}

static int
xxd_lines(struct dumper *d, const unsigned char *p, size_t nlines)
{
	size_t cols = d->cols, room = d->line_max;
	int plain16 = cols == 16 && !d->opts.color && d->bits_of == NULL;
	int fast16 = plain16 && d->group == 2 && !d->opts.little_endian;
	int autoskip = d->opts.autoskip;
	uint64_t off = d->line_off;

	while (nlines > 0) {
		unsigned char *end, *start, *o;

		start = o = out_room(d, room, &end);
		if (o == NULL)
			return -1;
		while (nlines > 0 && (size_t)(end - o) >= room) {
			if (autoskip && all_zero(p, cols)) {
				if (d->zrun == 0)
					d->zrun_off = off;
				if (d->zrun < ZRUN_LONG)
					d->zrun++;
				if (d->zrun > 1)
					goto next;
			} else if (d->zrun > 0) {
				o = xxd_end_zero_run(d, o, off, 0);
			}
			if (fast16)
				o = xxd_line16(d, o, off, p);
			else if (plain16)
				o = xxd_line16_any(d, o, off, p);
			else
				o = xxd_any_line(d, o, off, p, cols);
next:
			p += cols;
			off += cols;
			nlines--;
		}
		if (out_done(d, start, o) < 0)
			return -1;
	}
	d->line_off = off;
	return 0;
}

static int
xxd_finish(struct dumper *d)
{
	unsigned char *end, *start, *o;

	if (d->carried == 0 && d->zrun == 0)
		return 0;
	start = o = out_room(d, d->line_max, &end);
	if (o == NULL)
		return -1;
	if (d->zrun > 0)
		o = xxd_end_zero_run(d, o, d->line_off, d->carried == 0);
	if (d->carried > 0)
		o = xxd_any_line(d, o, d->line_off, d->carry, d->carried);
	return out_done(d, start, o);
}

/* ---- guarded dumps: mmtool diff ------------------------------------- */

/* A guarded line's prefix, and its colour before it. */
#define GUARD_EXTRA (1 + SGR_MAX)

/* The colour that starts a '-' or '+' line (prefix and offset). */
static const char *
guard_side_sgr(char prefix, size_t *len)
{
	*len = 5;
	return prefix == '-' ? "\033[31m" : "\033[32m";
}

int
dumper_guard_line(struct dumper *d, char prefix, uint64_t off,
		  const unsigned char *b, size_t k, const unsigned char *other,
		  size_t other_len)
{
	unsigned char *end, *start, *o;
	int color = d->opts.color && prefix != ' ';

	if (d->failed)
		return failed(d);
	start = o = out_room(d, d->line_max, &end);
	if (o == NULL)
		return failed(d);
	if (color) {
		size_t slen;
		const char *sgr = guard_side_sgr(prefix, &slen);
		unsigned char base = prefix == '-' ? 0 : 2;

		memcpy(o, sgr, slen);
		o += slen;
		for (size_t i = 0; i < k; i++)
			d->cls[i] = (unsigned char)(base + (other == NULL ||
				    i >= other_len || other[i] != b[i]));
	}
	*o++ = (unsigned char)prefix;
	if (d->opts.format == DUMP_CANONICAL) {
		if (color)
			o = canon_line_color(o, off, b, k, d->cls,
					     &guard_palette);
		else if (k == CANON_COLS)
			o = canon_line16(o, off, b);
		else
			o = canon_line(o, off, b, k);
	} else if (color) {
		o = xxd_line_color(d, o, off, b, k, d->cls, &guard_palette);
	} else {
		o = xxd_line(d, o, off, b, k);
	}
	if (out_done(d, start, o) < 0)
		return failed(d);
	return 0;
}

int
dumper_guard_offset(struct dumper *d, char prefix, uint64_t off)
{
	unsigned char line[SGR_MAX + 1 + OFFSET_MAX + SGR_RESET_LEN + 1];
	unsigned char *o = line;
	int cur = CLASS_NONE;

	if (d->failed)
		return failed(d);
	if (d->opts.color && prefix != ' ') {
		size_t slen;
		const char *sgr = guard_side_sgr(prefix, &slen);

		memcpy(o, sgr, slen);
		o += slen;
		cur = 0;
	}
	*o++ = (unsigned char)prefix;
	o += put_offset(o, off);
	o = put_reset(o, &cur);
	*o++ = '\n';
	if (out_bytes(d, line, (size_t)(o - line)) < 0)
		return failed(d);
	return 0;
}

/* ---- line formats: the carry ----------------------------------------- */

static int
emit_lines(struct dumper *d, const unsigned char *p, size_t nlines)
{
	if (d->opts.format == DUMP_CANONICAL)
		return canon_lines(d, p, nlines);
	return xxd_lines(d, p, nlines);
}

/*
 * Complete the carried line first, then format whole lines straight from
 * P, and keep what is left for the next call.
 */
static int
feed_lines(struct dumper *d, const unsigned char *p, size_t n)
{
	size_t cols = d->cols, full;

	if (d->carried > 0) {
		size_t k = cols - d->carried;

		if (k > n)
			k = n;
		memcpy(d->carry + d->carried, p, k);
		d->carried += k;
		p += k;
		n -= k;
		if (d->carried < cols)
			return 0;
		if (emit_lines(d, d->carry, 1) < 0)
			return -1;
		d->carried = 0;
	}
	full = n / cols;
	if (full > 0 && emit_lines(d, p, full) < 0)
		return -1;
	p += full * cols;
	n -= full * cols;
	memcpy(d->carry, p, n);
	d->carried = n;
	return 0;
}

/* ---- plain: xxd -p --------------------------------------------------- */

/*
 * A newline right after the cols-th byte of a line, as xxd writes it; with
 * DUMP_COLS_NONE (xxd -p -c 0) no newline until the end.
 */
static int
feed_plain(struct dumper *d, const unsigned char *p, size_t n)
{
	const char *pairs = d->pairs;
	uint64_t cols = d->cols, col = d->col;
	int unbroken = d->cols == DUMP_COLS_NONE;

	while (n > 0) {
		unsigned char *end, *start, *o;

		start = o = out_room(d, 3, &end);
		if (o == NULL)
			return -1;
		while (n > 0 && end - o >= 3) {
			size_t seg = n, fit = (size_t)(end - o - 1) / 2, i;

			if (!unbroken && seg > cols - col)
				seg = (size_t)(cols - col);
			if (seg > fit)
				seg = fit;
			/* Four at a time: gcc neither unrolls nor vectorises. */
			for (i = 0; i + 4 <= seg; i += 4) {
				PUT_PAIR_T(pairs, o + 2 * i, p[i]);
				PUT_PAIR_T(pairs, o + 2 * i + 2, p[i + 1]);
				PUT_PAIR_T(pairs, o + 2 * i + 4, p[i + 2]);
				PUT_PAIR_T(pairs, o + 2 * i + 6, p[i + 3]);
			}
			for (; i < seg; i++)
				PUT_PAIR_T(pairs, o + 2 * i, p[i]);
			o += 2 * seg;
			p += seg;
			n -= seg;
			col += seg;
			if (!unbroken && col == cols) {
				*o++ = '\n';
				col = 0;
			}
		}
		if (out_done(d, start, o) < 0)
			return -1;
	}
	d->col = col;
	return 0;
}

/* The same with colour runs; each line ends its run before the newline. */
#define PLAIN_COLOR_UNIT (SGR_MAX + 2 + SGR_RESET_LEN + 1)

static int
feed_plain_color(struct dumper *d, const unsigned char *p, size_t n)
{
	const char *pairs = d->pairs;
	int unbroken = d->cols == DUMP_COLS_NONE;

	while (n > 0) {
		unsigned char *end, *start, *o;

		start = o = out_room(d, PLAIN_COLOR_UNIT, &end);
		if (o == NULL)
			return -1;
		while (n > 0 && end - o >= PLAIN_COLOR_UNIT) {
			o = put_sgr(o, &d->cur_class, &class_palette,
				    class_of[*p] - '0');
			PUT_PAIR_T(pairs, o, *p);
			o += 2;
			p++;
			n--;
			if (!unbroken && ++d->col == d->cols) {
				o = put_reset(o, &d->cur_class);
				*o++ = '\n';
				d->col = 0;
			}
		}
		if (out_done(d, start, o) < 0)
			return -1;
	}
	return 0;
}

static int
plain_finish(struct dumper *d)
{
	unsigned char tail[SGR_RESET_LEN + 1], *o = tail;

	/* xxd -p ends a partial line; xxd -p -c 0 always ends its one line. */
	if (d->col == 0 && d->cols != DUMP_COLS_NONE)
		return 0;
	o = put_reset(o, &d->cur_class);
	*o++ = '\n';
	return out_bytes(d, tail, (size_t)(o - tail));
}

/* ---- c: xxd -i ------------------------------------------------------- */

/*
 * The variable name xxd derives from FILE as given (or from --name):
 * "__" before a leading digit, every byte but an ASCII letter or digit
 * turned into '_' (xxd runs in the C locale, so each byte of a UTF-8
 * character becomes one '_'), letters in uppercase with -C.  Written to
 * DST (room for strlen(name) + 2 bytes); returns the length.
 */
static size_t
put_c_name(unsigned char *dst, const char *name, int capitalize)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = 0;

	if (*s >= '0' && *s <= '9') {
		dst[n++] = '_';
		dst[n++] = '_';
	}
	for (; *s != '\0'; s++) {
		int lower = *s >= 'a' && *s <= 'z';
		int alnum = lower || (*s >= '0' && *s <= '9')
			    || (*s >= 'A' && *s <= 'Z');

		if (!alnum)
			dst[n++] = '_';
		else if (lower && capitalize)
			dst[n++] = (unsigned char)(*s - 'a' + 'A');
		else
			dst[n++] = *s;
	}
	return n;
}

/* "PREFIX NAME SUFFIX", NAME as xxd derives it; for header and trailer. */
static int
put_c_decl(struct dumper *d, const char *prefix, const char *suffix,
	   const unsigned char *tail, size_t tail_len)
{
	size_t plen = strlen(prefix), slen = strlen(suffix);
	size_t cap = plen + strlen(d->opts.name) + 2 + slen + tail_len;
	unsigned char *line = malloc(cap), *o;
	int rc;

	if (line == NULL) {
		d->failed = 1;
		if (d->out->err == 0)
			d->out->err = ENOMEM;
		errno = ENOMEM;
		return -1;
	}
	memcpy(line, prefix, plen);
	o = line + plen;
	o += put_c_name(o, d->opts.name, d->opts.capitalize);
	memcpy(o, suffix, slen);
	o += slen;
	if (tail_len > 0)
		memcpy(o, tail, tail_len);
	o += tail_len;
	rc = out_bytes(d, line, (size_t)(o - line));
	free(line);
	return rc;
}

static int
c_begin(struct dumper *d)
{
	d->began = 1;
	if (d->opts.name == NULL)
		return 0;
	return put_c_decl(d, "unsigned char ", "[] = {\n", NULL, 0);
}

/*
 * "  0xhh" for the first byte, ",\n  0xhh" for the first of a line,
 * ", 0xhh" for the others (-u: "0XHH").  d->col counts the bytes on the
 * current line; it is 0 only before the first byte.  The separators are
 * in d->c_sep: ", 0x" and then ",\n  0x" (from which "  0x" is the tail).
 */
#define C_UNIT 8

static int
feed_c(struct dumper *d, const unsigned char *p, size_t n)
{
	const char *pairs = d->pairs, *sep = d->c_sep, *first = d->c_sep + 4;
	uint64_t cols = d->cols, col = d->col;

	if (!d->began && c_begin(d) < 0)
		return -1;
	while (n > 0) {
		unsigned char *end, *start, *o;

		start = o = out_room(d, C_UNIT, &end);
		if (o == NULL)
			return -1;
		while (n > 0 && end - o >= C_UNIT) {
			size_t seg, fit, i;

			if (col == 0 || col == cols) {
				if (col == 0) {
					memcpy(o, first + 2, 4);
					o += 4;
				} else {
					memcpy(o, first, 6);
					o += 6;
				}
				PUT_PAIR_T(pairs, o, *p);
				o += 2;
				p++;
				n--;
				col = 1;
				continue;
			}
			seg = n;
			if (seg > cols - col)
				seg = (size_t)(cols - col);
			fit = (size_t)(end - o) / 6;
			if (seg > fit)
				seg = fit;
			/* Four at a time, as in feed_plain. */
			for (i = 0; i + 4 <= seg; i += 4) {
				memcpy(o, sep, 4);
				PUT_PAIR_T(pairs, o + 4, p[i]);
				memcpy(o + 6, sep, 4);
				PUT_PAIR_T(pairs, o + 10, p[i + 1]);
				memcpy(o + 12, sep, 4);
				PUT_PAIR_T(pairs, o + 16, p[i + 2]);
				memcpy(o + 18, sep, 4);
				PUT_PAIR_T(pairs, o + 22, p[i + 3]);
				o += 24;
			}
			for (; i < seg; i++) {
				memcpy(o, sep, 4);
				PUT_PAIR_T(pairs, o + 4, p[i]);
				o += 6;
			}
			p += seg;
			n -= seg;
			col += seg;
		}
		if (out_done(d, start, o) < 0)
			return -1;
	}
	d->col = col;
	return 0;
}

static int
c_finish(struct dumper *d)
{
	unsigned char tail[32], *o = tail;

	if (!d->began && c_begin(d) < 0)
		return -1;
	if (d->total > 0 && out_bytes(d, "\n", 1) < 0)
		return -1;
	if (d->opts.name == NULL)
		return 0;
	if (out_bytes(d, "};\n", 3) < 0)
		return -1;
	/* The exact count: xxd prints an int, wrong past 2 GiB. */
	o += put_decimal(o, d->total);
	*o++ = ';';
	*o++ = '\n';
	return put_c_decl(d, "unsigned int ",
			  d->opts.capitalize ? "_LEN = " : "_len = ", tail,
			  (size_t)(o - tail));
}

/* ---- the interface --------------------------------------------------- */

int
dump_parse_format(const char *name, enum dump_format *out)
{
	static const struct {
		const char *name;
		enum dump_format format;
	} names[] = {
		{ "canonical", DUMP_CANONICAL },
		{ "xxd", DUMP_XXD },
		{ "plain", DUMP_PLAIN },
		{ "c", DUMP_C },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].format;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

int
dump_parse_color(const char *text, enum dump_color *out)
{
	if (text == NULL || strcmp(text, "always") == 0)
		*out = DUMP_COLOR_ALWAYS;
	else if (strcmp(text, "auto") == 0)
		*out = DUMP_COLOR_AUTO;
	else if (strcmp(text, "never") == 0)
		*out = DUMP_COLOR_NEVER;
	else {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
dump_want_color(enum dump_color when)
{
	const char *no_color = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (when != DUMP_COLOR_AUTO)
		return when == DUMP_COLOR_ALWAYS;
	if (no_color != NULL && no_color[0] != '\0')
		return 0;
	if (term == NULL || term[0] == '\0' || strcmp(term, "dumb") == 0)
		return 0;
	return isatty(1);
}

/*
 * What xxd 2022-01-14 does, and what we do:
 *   -c 0           the default (16, -b 6, or 12 for -i); -p: one unbroken
 *                  line (DUMP_COLS_NONE here, since 0 means the default)
 *   -c 300         xxd: "invalid number of columns (max. 256)"; -p and -i
 *                  take any int, so plain and c take up to INT_MAX
 *   -g 0, -g > -c  one group per line
 *   -g 3, -c 7     any group size, not only powers of 2
 *   -g -1          xxd quietly takes the default; we reject a negative group
 *   -g with -p/-i  ignored by xxd, and here
 *   -e -g 3        xxd: "must be a power of 2"; here any group, its bytes
 *                  last first (for a power of 2 that is xxd's layout)
 *   -e, -c not a multiple of the group
 *                  xxd writes the last, partial group over the ASCII
 *                  column (and with a group of cols that is not a power
 *                  of 2, such as -e -c 3, scrambles the bytes); here the
 *                  partial group is right-aligned in a whole group's room
 *                  and the ASCII column moves right to make that room
 *   -e -b, -p -b   xxd takes the last of -e, -b, -p, -i; here -e and -b
 *                  apply to xxd only and exclude each other
 *   -d, -o, -a with -p/-i, -n and -C without -i
 *                  ignored by xxd, and here
 *   -d past 2^63   xxd prints a signed long (a minus sign); the offsets
 *                  shown here are file offset plus -o, both at most
 *                  2^63-1, so their sum never wraps, in hex or decimal
 *   -a             xxd counts the zero lines in an int, which wraps after
 *                  2^31 of them; here the count saturates
 */
int
dump_check_opts(const struct dump_opts *opts, const char **why)
{
	if (opts->group < -1) {
		*why = "the group size must not be negative";
		return -1;
	}
	if (opts->display_offset > DUMP_OFFSET_MAX) {
		*why = "the display offset is larger than 2^63-1";
		return -1;
	}
	if (opts->little_endian && opts->bits) {
		*why = "-e and -b exclude each other";
		return -1;
	}
	if (opts->format != DUMP_XXD && (opts->little_endian || opts->bits)) {
		*why = "-e and -b apply to the xxd format only";
		return -1;
	}
	switch (opts->format) {
	case DUMP_CANONICAL:
		if (opts->cols != 0 || opts->group != -1) {
			*why = "-c and -g do not apply to the canonical format";
			return -1;
		}
		if (opts->upper || opts->decimal || opts->display_offset ||
		    opts->autoskip || opts->capitalize) {
			*why = "xxd's options do not apply to the canonical "
			       "format";
			return -1;
		}
		return 0;
	case DUMP_XXD:
		if (opts->cols > DUMP_XXD_COLS_MAX) {
			*why = "invalid number of columns (max. 256)";
			return -1;
		}
		return 0;
	case DUMP_PLAIN:
		if (opts->cols == DUMP_COLS_NONE)
			return 0;
		/* FALLTHROUGH */
	case DUMP_C:
		if (opts->cols > DUMP_COLS_MAX) {
			*why = "invalid number of columns (max. 2147483647)";
			return -1;
		}
		return 0;
	}
	*why = "unknown dump format";
	return -1;
}

/*
 * The xxd layout's tables (see "xxd" above).  Each group takes
 * digit_width * group columns and a blank; -e right-aligns a partial
 * group in a whole group's room, so its hex area spans whole groups.
 */
static int
xxd_init(struct dumper *d)
{
	const struct dump_opts *o = &d->opts;
	size_t dw = o->bits ? 8 : 2, cols, g, i;

	d->cols = o->cols != 0 ? o->cols : o->bits ? 6 : 16;
	d->group = o->group >= 0 ? (unsigned)o->group
		   : o->bits ? 1 : o->little_endian ? 4 : 2;
	if (d->group == 0 || d->group > d->cols)
		d->group = d->cols;
	cols = d->cols;
	g = d->group;
	/* Digits, a blank between groups, and two before the ASCII. */
	if (o->little_endian)
		d->hex_width = (unsigned)((2 * g + 1) * ((cols + g - 1) / g)
					  + 1);
	else
		d->hex_width = (unsigned)(dw * cols + (cols - 1) / g + 2);
	d->hex_col = malloc(cols * sizeof(d->hex_col[0]));
	if (d->hex_col == NULL)
		return -1;
	for (i = 0; i < cols; i++) {
		size_t x = xxd_slot(d, i);

		d->hex_col[i] = (unsigned short)(dw * x + x / g);
	}
	if (o->bits) {
		d->bits_of = malloc(256 * 8);
		if (d->bits_of == NULL)
			return -1;
		for (i = 0; i < 256 * 8; i++)
			d->bits_of[i] = (char)('0' + (i / 8 >> (7 - i % 8) & 1));
	}
	d->line_max = DEC_OFFSET_MAX + 2 + d->hex_width + cols + 1;
	if (o->color)
		d->line_max += 2 * cols * SGR_MAX + 2 * SGR_RESET_LEN;
	/* -a: one step of the line loop may print a line held back by the
	 * run, a "*" and the line itself. */
	if (o->autoskip)
		d->line_max = 2 * d->line_max + 2;
	return 0;
}

int
dumper_init(struct dumper *d, const struct dump_opts *opts, uint64_t start,
	    struct outbuf *out)
{
	const char *why;

	memset(d, 0, sizeof(*d));
	if (dump_check_opts(opts, &why) < 0) {
		errno = EINVAL;
		return -1;
	}
	d->opts = *opts;
	d->out = out;
	out->whole_lines = 1;
	d->offset = start;
	d->start = start;
	d->line_off = start;
	d->cur_class = CLASS_NONE;
	d->pairs = opts->upper ? hex_pairs_upper : hex_pairs;
	memcpy(d->c_sep, opts->upper ? ", 0X,\n  0X" : ", 0x,\n  0x", 10);

	switch (opts->format) {
	case DUMP_CANONICAL:
		d->cols = CANON_COLS;
		d->line_max = OFFSET_MAX + CANON_TAIL;
		if (opts->color)
			d->line_max += 2 * CANON_COLS * SGR_MAX
				       + 2 * SGR_RESET_LEN;
		break;
	case DUMP_XXD:
		if (xxd_init(d) < 0)
			goto nomem;
		break;
	case DUMP_PLAIN:
		d->cols = opts->cols != 0 ? opts->cols : 30;
		d->line_max = PLAIN_COLOR_UNIT;
		break;
	case DUMP_C:
		d->cols = opts->cols != 0 ? opts->cols : 12;
		d->line_max = C_UNIT;
		/* Source code: never coloured. */
		d->opts.color = 0;
		break;
	}
	if (opts->format == DUMP_CANONICAL || opts->format == DUMP_XXD) {
		/* Room for a guarded line's colour and prefix too. */
		d->line_max += GUARD_EXTRA;
		d->carry = malloc(d->cols);
		d->cls = malloc(d->cols);
		if (d->carry == NULL || d->cls == NULL)
			goto nomem;
	}
	/* An outbuf smaller than one line: lines go through d->spill. */
	if (out->cap < d->line_max) {
		d->spill = malloc(d->line_max);
		if (d->spill == NULL)
			goto nomem;
	}
	return 0;
nomem:
	dumper_free(d);
	errno = ENOMEM;
	return -1;
}

int
dumper_feed(struct dumper *d, const unsigned char *p, size_t n)
{
	int rc;

	if (d->failed)
		return failed(d);
	if (n == 0)
		return 0;
	switch (d->opts.format) {
	case DUMP_PLAIN:
		rc = d->opts.color ? feed_plain_color(d, p, n)
				   : feed_plain(d, p, n);
		break;
	case DUMP_C:
		rc = feed_c(d, p, n);
		break;
	default:
		rc = feed_lines(d, p, n);
		break;
	}
	if (rc < 0)
		return failed(d);
	d->total += n;
	d->offset += n;
	return 0;
}

/* What a hole is fed from: zeros for many lines of any layout. */
static const unsigned char zero_block[64u << 10];

/* Feed N zeros from zero_block, as many calls as it takes. */
static int
feed_zero_block(struct dumper *d, uint64_t n)
{
	while (n > 0) {
		size_t k = n < sizeof(zero_block) ? (size_t)n :
			   sizeof(zero_block);

		if (dumper_feed(d, zero_block, k) < 0)
			return -1;
		n -= k;
	}
	return 0;
}

/*
 * Canonical with squeeze: once two whole lines of zeros have been
 * formatted, the dump is inside a squeezed run ("*" printed, the last line
 * zeros), where every further line of zeros prints nothing: those are
 * counted, not formatted.  The carried line is completed first, and the
 * zeros after the last whole line are carried as usual.
 */
static int
canon_feed_zeros(struct dumper *d, uint64_t n)
{
	uint64_t k = (CANON_COLS - d->carried) % CANON_COLS, skip;

	if (n < k + 3 * CANON_COLS)
		return feed_zero_block(d, n);
	if (feed_zero_block(d, k + 2 * CANON_COLS) < 0)
		return -1;
	n -= k + 2 * CANON_COLS;
	skip = n - n % CANON_COLS;
	d->line_off += skip;
	d->total += skip;
	d->offset += skip;
	return feed_zero_block(d, n - skip);
}

/*
 * xxd with -a: once ZRUN_LONG whole lines of zeros have been formatted,
 * the run is long ("*" is due), and every further line of zeros prints
 * nothing and changes nothing but the offset: those are counted, not
 * formatted.  So a hole of any size costs a few lines.
 */
static int
xxd_feed_zeros(struct dumper *d, uint64_t n)
{
	uint64_t cols = d->cols, k = (cols - d->carried) % cols, skip;

	if (n < k + (ZRUN_LONG + 1) * cols)
		return feed_zero_block(d, n);
	if (feed_zero_block(d, k + ZRUN_LONG * cols) < 0)
		return -1;
	n -= k + ZRUN_LONG * cols;
	skip = n - n % cols;
	d->line_off += skip;
	d->total += skip;
	d->offset += skip;
	return feed_zero_block(d, n - skip);
}

int
dumper_feed_zeros(struct dumper *d, uint64_t n)
{
	if (d->failed)
		return failed(d);
	if (d->opts.format == DUMP_CANONICAL && d->opts.squeeze)
		return canon_feed_zeros(d, n);
	if (d->opts.format == DUMP_XXD && d->opts.autoskip)
		return xxd_feed_zeros(d, n);
	return feed_zero_block(d, n);
}

int
dumper_finish(struct dumper *d)
{
	int rc;

	if (d->failed)
		return failed(d);
	switch (d->opts.format) {
	case DUMP_CANONICAL:
		rc = canon_finish(d);
		break;
	case DUMP_XXD:
		rc = xxd_finish(d);
		break;
	case DUMP_PLAIN:
		rc = plain_finish(d);
		break;
	default:
		rc = c_finish(d);
		break;
	}
	if (rc < 0 || outbuf_flush(d->out) < 0) {
		d->failed = 1;
		return failed(d);
	}
	d->carried = 0;
	return 0;
}

void
dumper_free(struct dumper *d)
{
	free(d->hex_col);
	free(d->bits_of);
	free(d->carry);
	free(d->cls);
	free(d->spill);
	d->hex_col = NULL;
	d->bits_of = NULL;
	d->carry = NULL;
	d->cls = NULL;
	d->spill = NULL;
}
