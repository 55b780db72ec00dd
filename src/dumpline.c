/*
 * dumpline.c - one line of an xxd or hexdump -C dump (see dumpline.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/*
 * The two loops that read big dumps (dumphex_read, dumpline_xxd_run) spend
 * their time in two kernels, hex_run16 and xxd_line16.  With SSE2 (every
 * x86-64) they test and decode sixteen characters in a few vector
 * instructions; elsewhere (s390x, i386), or built with -DMMTOOL_NO_SIMD,
 * the same contracts are met with 64-bit words (hex8p).  make check runs
 * the suite on both: natively, and in check-musl and check-s390x.
 */
#if defined(__SSE2__) && !defined(MMTOOL_NO_SIMD)
#define DUMPLINE_SSE2 1
#include <emmintrin.h>
#endif

#include "dumpline.h"

/* Largest offset, and end of a line's bytes: a file's size is an off_t. */
#define DUMPLINE_LIMIT ((uint64_t)INT64_MAX)

/* The value of each hex digit, -1 for any other byte: a table, since the
 * parser looks at every character of a dump that may be a gigabyte. */
#define HEX_ROW_NONE -1, -1, -1, -1, -1, -1, -1, -1, \
		     -1, -1, -1, -1, -1, -1, -1, -1
static const signed char hex_table[256] = {
	HEX_ROW_NONE, HEX_ROW_NONE, HEX_ROW_NONE,
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -1, -1, -1, -1, -1, -1,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	HEX_ROW_NONE,
	-1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	HEX_ROW_NONE,
	HEX_ROW_NONE, HEX_ROW_NONE, HEX_ROW_NONE, HEX_ROW_NONE,
	HEX_ROW_NONE, HEX_ROW_NONE, HEX_ROW_NONE, HEX_ROW_NONE
};

#define hex_value(c) hex_table[(unsigned char)(c)]

/* What may trail a line: blanks, tabs, and the CR of a CRLF file. */
static int is_trailing(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* 1 if S[I..N) holds nothing but trailing blanks. */
static int rest_is_blank(const unsigned char *s, size_t i, size_t n)
{
	while (i < n && is_trailing(s[i]))
		i++;
	return i == n;
}

static int fail(struct dumpline *dl, size_t col, const char *phrase,
		const char **why)
{
	dl->column = col + 1;
	if (why != NULL)
		*why = phrase;
	errno = EINVAL;
	return -1;
}

/* Store the K (even) digits at S as K/2 bytes at OUT. */
static void decode_pairs(const unsigned char *s, size_t k, unsigned char *out)
{
	for (size_t i = 0; i < k; i += 2)
		*out++ = (unsigned char)(hex_value(s[i]) << 4 |
					 hex_value(s[i + 1]));
}

/*
 * Eight characters at a time: X holds them, the first in the low byte (as
 * load8 and load4 put them, whatever the machine's byte order).  1 and
 * the four bytes they spell in *V (the first in the low byte, one byte
 * in two) when all eight are hex digits; 0 otherwise.  Plain arithmetic
 * on the 64-bit word: a byte with its high bit set fails its own test,
 * so carries it may cause do not matter.
 */
static inline int hex8v(uint64_t x, uint64_t *v)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x80 * ones;
	uint64_t l = x | 0x20 * ones;
	uint64_t dig = (x + (0x80 - '0') * ones) & ~(x + (0x7f - '9') * ones);
	uint64_t let = (l + (0x80 - 'a') * ones) & ~(l + (0x7f - 'f') * ones);
	uint64_t t;

	if (((dig | let) & ~x & high) != high)
		return 0;
	/* A digit's low four bits, plus 9 for a letter (bit 6 set). */
	t = (x & 0x0f * ones) + ((x >> 6) & ones) * 9;
	/* Pairs of nibbles into bytes 0, 2, 4 and 6 of *V (the others
	 * garbage), for hex8; hex8p puts them side by side. */
	*v = t << 4 | t >> 8;
	return 1;
}

/* As hex8v, the four bytes side by side in the low half of *V. */
static inline int hex8p(uint64_t x, uint64_t *v)
{
	uint64_t t;

	if (!hex8v(x, &t))
		return 0;
	t &= 0x00ff00ff00ff00ffu;
	t = (t | t >> 8) & 0x0000ffff0000ffffu;
	*v = (t | t >> 16) & 0xffffffffu;
	return 1;
}

/* The eight bytes of V at OUT, the lowest first (one store where the
 * machine is little-endian). */
static inline void store8(unsigned char *out, uint64_t v)
{
	out[0] = (unsigned char)v;
	out[1] = (unsigned char)(v >> 8);
	out[2] = (unsigned char)(v >> 16);
	out[3] = (unsigned char)(v >> 24);
	out[4] = (unsigned char)(v >> 32);
	out[5] = (unsigned char)(v >> 40);
	out[6] = (unsigned char)(v >> 48);
	out[7] = (unsigned char)(v >> 56);
}

/* As hex8v, the bytes stored at OUT[0..4). */
static inline int hex8(uint64_t x, unsigned char *out)
{
	uint64_t v;

	if (!hex8v(x, &v))
		return 0;
	out[0] = (unsigned char)v;
	out[1] = (unsigned char)(v >> 16);
	out[2] = (unsigned char)(v >> 32);
	out[3] = (unsigned char)(v >> 48);
	return 1;
}

static inline uint64_t load4(const unsigned char *s)
{
	return (uint64_t)s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16 |
	       (uint64_t)s[3] << 24;
}

static inline uint64_t load8(const unsigned char *s)
{
	return load4(s) | load4(s + 4) << 32;
}

/* The four characters at S, if all hex digits, as two bytes at OUT. */
static int hex4(const unsigned char *s, unsigned char *out)
{
	unsigned char b[4];

	/* Padded with "0000", which are digits. */
	if (!hex8(load4(s) | (uint64_t)0x30303030u << 32, b))
		return 0;
	out[0] = b[0];
	out[1] = b[1];
	return 1;
}

/* -b's digits: '0' and '1'. */
static int bit_value(unsigned char c)
{
	return c == '0' || c == '1' ? c - '0' : -1;
}

#define digit_value(bits, c) ((bits) ? bit_value(c) : hex_value(c))

/* Store the K digits at S (a multiple of 8) as K/8 bytes at OUT. */
static void decode_bits(const unsigned char *s, size_t k, unsigned char *out)
{
	for (size_t i = 0; i < k; i += 8) {
		unsigned v = 0;

		for (size_t b = 0; b < 8; b++)
			v = v << 1 | (unsigned)(s[i + b] - '0');
		*out++ = (unsigned char)v;
	}
}

/*
 * xxd's default layout, 16 bytes in groups of 2, "hhhh hhhh ... hhhh  "
 * from S[I], the first digit: decoded eight digits a word (hex8p).  1
 * and the bytes in OUT[0..16) when the line has that layout (then
 * parse_xxd would read exactly that); 0 otherwise, OUT scribbled on.
 */
static int xxd_default_line(const unsigned char *s, size_t i, size_t n,
			    unsigned char *out)
{
	const unsigned char *p = s + i;

	if (n < i + 41)
		return 0;
	/* Four groups a step, each "hhhh " (the eighth's blank is the
	 * first of the two before the ASCII column). */
	for (size_t j = 0; j < 2; j++, p += 20) {
		uint64_t a, b;

		if (p[4] != ' ' || p[9] != ' ' || p[14] != ' ' ||
		    p[19] != ' ' || !hex8p(load4(p) | load4(p + 5) << 32, &a) ||
		    !hex8p(load4(p + 10) | load4(p + 15) << 32, &b))
			return 0;
		/* Eight bytes a store: other_layout's check of the ASCII
		 * column (shown8_equal) loads them back as one word. */
		store8(out + 8 * j, a | b << 32);
	}
	return s[i + 40] == ' ';
}

/*
 * The hex area of an xxd line, from S[I] (just after "OFFSET:").  Groups
 * are separated by exactly one blank; two blanks start the ASCII column,
 * which is never read, since it may hold anything, hex-looking text and
 * runs of blanks included.  BITS: xxd -b's groups of binary digits, eight
 * a byte.  *END is where the hex area ends.
 */
static int parse_xxd(const unsigned char *s, size_t i, size_t n, int bits,
		     unsigned char *out, struct dumpline *dl, size_t *end,
		     const char **why)
{
	const char *bad = bits ? "invalid binary digit" : "invalid hex digit";
	size_t len = 0;

	if (i < n && s[i] == ' ')
		i++;
	if (!bits && xxd_default_line(s, i, n, out)) {
		*end = i + 39;
		dl->len = 16;
		return 0;
	}
	for (;;) {
		size_t g = i, j;

		if (bits) {
			while (i < n && bit_value(s[i]) >= 0)
				i++;
			j = i;
		} else {
			/* Decoded as they are read, four digits a step: the
			 * parser reads every character of big dumps. */
			while (i + 4 <= n) {
				int a = hex_value(s[i]), b = hex_value(s[i + 1]);
				int c = hex_value(s[i + 2]), d = hex_value(s[i + 3]);

				if ((a | b | c | d) < 0)
					break;
				out[len] = (unsigned char)(a << 4 | b);
				out[len + 1] = (unsigned char)(c << 4 | d);
				len += 2;
				i += 4;
			}
			while (i + 2 <= n && hex_value(s[i]) >= 0 &&
			       hex_value(s[i + 1]) >= 0) {
				out[len++] = (unsigned char)(hex_value(s[i]) << 4
							     | hex_value(s[i + 1]));
				i += 2;
			}
			/* An odd digit left, then what ends the group. */
			j = i < n && hex_value(s[i]) >= 0 ? i + 1 : i;
		}
		if (j == g) {
			/* Only the first group can be missing: later ones
			 * are entered only on a digit. */
			if (j == n || s[j] == ' ' || is_trailing(s[j]))
				return fail(dl, j, bits ? "no binary digits "
					    "after the offset" : "no hex bytes "
					    "after the offset", why);
			return fail(dl, j, bad, why);
		}
		if (j < n && !is_trailing(s[j]))
			return fail(dl, j, bad, why);
		if (bits && (i - g) % 8 != 0)
			return fail(dl, i - 1, "part of a byte (binary digits "
				    "not a multiple of 8)", why);
		if (j != i)
			return fail(dl, i, "half a byte (odd number of hex "
				    "digits)", why);
		if (bits) {
			decode_bits(s + g, i - g, out + len);
			len += (i - g) / 8;
		}
		*end = i;
		if (i == n)
			break;
		/* One blank and a digit: the next group.  Anything else
		 * ends the hex area: two blanks (the ASCII column) or the
		 * blanks that trail the line. */
		if (s[i] == ' ' && i + 1 < n &&
		    digit_value(bits, s[i + 1]) >= 0) {
			i++;
			continue;
		}
		if (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')
			break;
		if (rest_is_blank(s, i, n))
			break;
		return fail(dl, s[i] == ' ' ? i + 1 : i, bad, why);
	}
	dl->len = len;
	return 0;
}

/* What the ASCII column of xxd shows for byte B. */
static unsigned char shown(unsigned char b)
{
	return b >= 0x20 && b < 0x7f ? b : '.';
}

/*
 * 1 if the 8 characters at A are what the ASCII column shows for the 8
 * bytes at B: the arithmetic of dumpfmt's put_ascii8, per byte (no carry
 * crosses one), so a line is compared in two steps, not sixteen.
 */
static int shown8_equal(const unsigned char *a, const unsigned char *b)
{
	const uint64_t ones = 0x0101010101010101u;
	uint64_t v, w, low7, ok, mask;

	memcpy(&v, b, 8);
	memcpy(&w, a, 8);
	low7 = v & 0x7f * ones;
	ok = (low7 + 0x60 * ones) & ~(low7 + ones) & ~v & 0x80 * ones;
	mask = (ok >> 7) * 0xff;
	v = (v & mask) | ('.' * ones & ~mask);
	return v == w;
}

/* 1 if S[I..N) is (the start of) an ASCII column showing the K bytes at
 * OUT, as xxd prints it. */
static int ascii_from(const unsigned char *s, size_t i, size_t n,
		      const unsigned char *out, size_t k)
{
	size_t j;

	if (n - i > k)
		return 0;
	for (j = 0; i + j < n; j++)
		if (s[i + j] != shown(out[j]))
			return 0;
	return 1;
}

/* 1 if the K bytes at OUT are all 0x20, which xxd's column shows as
 * blanks. */
static int all_blanks(const unsigned char *out, size_t k)
{
	for (size_t i = 0; i < k; i++)
		if (out[i] != 0x20)
			return 0;
	return 1;
}

/* 1 if the digits S[T..E) spell nothing but bytes 0x20. */
static int hex_blanks(const unsigned char *s, size_t t, size_t e)
{
	for (; t + 1 < e; t += 2)
		if (s[t] != '2' || s[t + 1] != '0')
			return 0;
	return 1;
}

/*
 * The hex area of an xxd -e line, from S[I] (just after "OFFSET:"), N
 * being the line's length without its trailing blanks.  Groups sit in
 * slots of W digits (W set by the first group, which ends a slot) one
 * blank apart, each group's bytes last first; a partial group is
 * right-aligned in its slot and ends the hex area (xxd -e's last line, or
 * a line whose columns are not a multiple of the group).  Where a partial
 * group could also be the start of the ASCII column (a blank, then hex
 * letters, reaching a slot's end), the room left decides: the ASCII
 * column holds a character for every byte of the line, and after a whole
 * line's groups less than that is left, unless trailing blanks were
 * stripped; then the text from right after the groups so far is the
 * ASCII column if it shows those bytes.  A group that ends the line (its
 * ASCII column all blanks, stripped) is a group.
 */
static int parse_xxd_le(const unsigned char *s, size_t i, size_t n,
			unsigned char *out, struct dumpline *dl,
			const char **why)
{
	size_t h = i + 1, w = 0, len = 0, t, e = h, j;

	if (i >= n || s[i] != ' ')
		return fail(dl, i, "expected a blank after ':'", why);
	for (j = 0;; j++) {
		size_t slot = h + (w + 1) * j, m, q;

		for (t = e; t < n && s[t] == ' '; t++)
			;
		if (t == n)
			break;
		for (e = t; e < n && hex_value(s[e]) >= 0; e++)
			;
		if (j == 0) {
			if (e == t)
				return fail(dl, t, is_trailing(s[t]) ? "no hex "
					    "bytes after the offset" : "invalid "
					    "hex digit", why);
			if (e < n && !is_trailing(s[e]))
				return fail(dl, e, "invalid hex digit", why);
			if ((e - t) % 2 != 0)
				return fail(dl, e - 1, "half a byte (odd "
					    "number of hex digits)", why);
			w = e - h;
			if (w % 2 != 0)
				return fail(dl, t, "a little-endian group that "
					    "is not right-aligned in its slot",
					    why);
		} else {
			size_t room = n - e;

			/* Not a group in its slot: the ASCII column. */
			if (e == t || e != slot + w || (e - t) % 2 != 0 ||
			    (e < n && s[e] != ' ' && s[e] != '	'))
				break;
			if (t > slot && e < n && (e + 1 >= n ||
			    s[e + 1] != ' ' || (room + w < len + 2 &&
			    ascii_from(s, slot + 1, n, out, len))))
				break;
			/* One that ends the line leaves no ASCII column: every
			 * byte would show as a blank, its trailing blanks
			 * stripped.  Else it is the column ("   fff0"). */
			if (t > slot && e == n &&
			    !(all_blanks(out, len) && hex_blanks(s, t, e)))
				break;
		}
		/* The group's bytes, last first on the screen. */
		m = (e - t) / 2;
		for (q = 0; q < m; q++)
			decode_pairs(s + t + 2 * (m - 1 - q), 2, out + len + q);
		len += m;
		if (t > slot || e == n)
			break;
	}
	if (len == 0)
		return fail(dl, h, "no hex bytes after the offset", why);
	dl->len = len;
	return 0;
}

/*
 * The hex area of a hexdump -C line, from S[I] (after "OFFSET  "): bytes
 * of two digits apart, up to the '|' that opens the ASCII column.
 */
static int parse_canonical(const unsigned char *s, size_t i, size_t n,
			   unsigned char *out, struct dumpline *dl,
			   const char **why)
{
	size_t len = 0;

	for (;;) {
		size_t t;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n || s[i] == '|' || rest_is_blank(s, i, n))
			break;
		t = i;
		while (i < n && hex_value(s[i]) >= 0)
			i++;
		if (i == t || (i < n && !is_trailing(s[i]) && s[i] != '|'))
			return fail(dl, i, "invalid hex digit", why);
		if (i - t == 1)
			return fail(dl, t, "half a byte (one hex digit)",
				    why);
		if (i - t > 2)
			return fail(dl, t + 2, "more than two hex digits in "
				    "a byte", why);
		decode_pairs(s + t, 2, out + len);
		len++;
	}
	if (len == 0)
		return fail(dl, i, "no hex bytes after the offset", why);
	dl->len = len;
	return 0;
}

/*
 * Is S[0..N) a line of nothing but hex digits that no dump prints alone?
 * hexdump prints its final offset with "%08llx": eight digits, more only
 * from 2^32 on, so never a leading zero then; and at most 2^63-1.
 */
static int is_bare_hex(const unsigned char *s, size_t n)
{
	size_t k = 0;

	while (k < n && hex_value(s[k]) >= 0)
		k++;
	if (!rest_is_blank(s, k, n))
		return 0;
	if (k == 8)
		return 0;
	return k < 8 || k > 16 || s[0] == '0' ||
	       (k == 16 && hex_value(s[0]) > 7);
}

/*
 * "-0xOFF" or "+0xOFF" at S[*I] (SIGN the sign), for a hunk header; the
 * 0x is optional.  0 and *I past it, or -1.
 */
static int hunk_offset(const unsigned char *s, size_t n, size_t *i,
		       unsigned char sign, uint64_t *off, struct dumpline *dl,
		       const char **why)
{
	size_t j = *i, start;
	int d;

	if (j >= n || s[j] != sign)
		return fail(dl, j, sign == '-' ? "expected '-0xOFFSET' in the "
			    "hunk header" : "expected '+0xOFFSET' in the hunk "
			    "header", why);
	j++;
	if (j + 1 < n && s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X'))
		j += 2;
	*off = 0;
	for (start = j; j < n && (d = hex_value(s[j])) >= 0; j++) {
		if (*off > (DUMPLINE_LIMIT - (uint64_t)d) / 16)
			return fail(dl, j, "offset larger than 2^63-1", why);
		*off = *off * 16 + (uint64_t)d;
	}
	if (j == start)
		return fail(dl, j, "invalid hex digit", why);
	*i = j;
	return 0;
}

/* "@@ -0xOFF +0xOFF @@", then anything (diff -p puts text there). */
static int parse_hunk(const unsigned char *s, size_t n, struct dumpline *dl,
		      const char **why)
{
	size_t i = 2;

	if (i >= n || s[i] != ' ')
		return fail(dl, i, "expected a blank after '@@'", why);
	i++;
	if (hunk_offset(s, n, &i, '-', &dl->offset, dl, why) < 0)
		return -1;
	if (i >= n || s[i] != ' ')
		return fail(dl, i, "expected a blank in the hunk header", why);
	i++;
	if (hunk_offset(s, n, &i, '+', &dl->offset2, dl, why) < 0)
		return -1;
	if (i + 2 >= n || s[i] != ' ' || s[i + 1] != '@' || s[i + 2] != '@')
		return fail(dl, i, "expected ' @@' to end the hunk header",
			    why);
	dl->kind = DUMPLINE_HUNK;
	return 0;
}

static int parse_plain(const unsigned char *s, size_t n, unsigned flags,
		       unsigned char *out, struct dumpline *dl,
		       const char **why);

/*
 * A line just read as a plain xxd line (K bytes at OUT; the hex area from
 * HEX to END, N the line's length without trailing blanks) that can only
 * be another layout, by its ASCII column (two blanks after the hex area,
 * then exactly a character for each byte):
 *   -b   nothing but 0 and 1 in groups of 8k digits, and a column as long
 *        as the bits make bytes, not as the hex digits do;
 *   -e   a column that shows each group's bytes last first, and not in
 *        the order the hex gives them.
 * Returns the phrase of the refusal, or NULL.
 */
static const char *other_layout(const unsigned char *s, size_t hex,
				size_t end, size_t n, const unsigned char *out,
				size_t k)
{
	const unsigned char *ascii = s + end + 2;
	size_t i, t, b;
	int same = 1;

	if (end + 2 >= n || s[end] != ' ' || s[end + 1] != ' ')
		return NULL;
	/* 2K hex digits, or 8 bits a byte for K / 4 bytes. */
	if (k % 4 == 0 && n - end - 2 == k / 4) {
		for (i = hex; i < end; i++)
			if (s[i] != ' ' && s[i] != '0' && s[i] != '1')
				return NULL;
		/* Every group a multiple of 8 digits, as -b prints them. */
		for (t = hex; t < end; t = i + 1) {
			for (i = t; i < end && s[i] != ' '; i++)
				;
			if ((i - t) % 8 != 0)
				return NULL;
		}
		return "this looks like an xxd -b dump (bits): use -b";
	}
	/* A column that starts with a blank may be a partial line's wider
	 * gap, its own trailing blanks stripped: no evidence either way. */
	if (n - end - 2 != k || ascii[0] == ' ')
		return NULL;
	for (i = 0; i + 8 <= k && same; i += 8)
		same = shown8_equal(ascii + i, out + i);
	for (; i < k && same; i++)
		same = ascii[i] == shown(out[i]);
	if (same)
		return NULL;
	/* The groups again, each compared last byte first. */
	for (t = hex, b = 0; t < end; t = i + 1) {
		size_t m, q;

		for (i = t; i < end && s[i] != ' '; i++)
			;
		m = (i - t) / 2;
		for (q = 0; q < m; q++)
			if (ascii[b + q] != shown(out[b + m - 1 - q]))
				return NULL;
		b += m;
	}
	return "this looks like an xxd -e dump (little-endian groups): "
	       "use -e";
}

/*
 * hex_run16: the leading hex digits of the sixteen characters at S, an
 * even count C of them (not always all: the word version stops at 16, 8
 * or 4), decoded as C / 2 bytes at OUT; OUT[0..8) may be written.
 *
 * xxd_line16: 1 when the 68 characters at P are, after the offset and
 * ": ", xxd's default groups ("hhhh " eight times, at P[10..49)) and, at
 * P[51..67), the ASCII column xxd prints for their bytes; the 16 bytes
 * are then at OUT.  0 otherwise, OUT scribbled on.  The separators are
 * the caller's to check.
 */
#ifdef DUMPLINE_SSE2

/* The value of each of the 16 characters in V as a hex digit (garbage
 * where it is not one), and in *OK a bit for each that is one. */
static inline __m128i nibbles16(__m128i v, unsigned *ok)
{
	__m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
	/* Signed compares: a byte with its high bit set is below both. */
	__m128i dig = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
				    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i let = _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
				    _mm_cmplt_epi8(l, _mm_set1_epi8('f' + 1)));

	*ok = (unsigned)_mm_movemask_epi8(_mm_or_si128(dig, let));
	return _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
			    _mm_and_si128(let, _mm_set1_epi8(9)));
}

/* Pairs of nibbles (the first high) into the low byte of each 16-bit
 * lane, the high byte zero, ready for _mm_packus_epi16. */
static inline __m128i pairs16(__m128i n)
{
	return _mm_and_si128(_mm_or_si128(_mm_slli_epi16(n, 4),
					  _mm_srli_epi16(n, 8)),
			     _mm_set1_epi16(0xff));
}

static inline unsigned hex_run16(const unsigned char *s, unsigned char *out)
{
	unsigned ok, bad;
	__m128i n = nibbles16(_mm_loadu_si128((const __m128i *)(const void *)s),
			      &ok);
	__m128i b = pairs16(n);

	_mm_storel_epi64((__m128i *)(void *)out, _mm_packus_epi16(b, b));
	bad = ~ok & 0xffffu;
	if (bad == 0)
		return 16;
	/* The first character that is not a digit, rounded down to a
	 * whole pair. */
	return (unsigned)__builtin_ctz(bad) & ~1u;
}

static inline __m128i load4v(const unsigned char *p)
{
	int32_t x;

	memcpy(&x, p, 4);
	return _mm_cvtsi32_si128(x);
}

/* The four groups of four digits at P, P + 5, P + 10, P + 15 as one
 * vector of sixteen. */
static inline __m128i groups4(const unsigned char *p)
{
	return _mm_unpacklo_epi64(_mm_unpacklo_epi32(load4v(p), load4v(p + 5)),
				  _mm_unpacklo_epi32(load4v(p + 10),
						     load4v(p + 15)));
}

static inline int xxd_line16(const unsigned char *p, unsigned char *out)
{
	unsigned oka, okb;
	__m128i na = nibbles16(groups4(p + 10), &oka);
	__m128i nb = nibbles16(groups4(p + 30), &okb);
	__m128i bytes = _mm_packus_epi16(pairs16(na), pairs16(nb));
	/* What xxd's column shows: the byte from ' ' to '~', else '.'. */
	__m128i m = _mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8(0x1f)),
				  _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x7f)));
	__m128i shown = _mm_or_si128(_mm_and_si128(bytes, m),
				     _mm_andnot_si128(m, _mm_set1_epi8('.')));
	__m128i col = _mm_loadu_si128((const __m128i *)(const void *)(p + 51));

	if ((oka & okb) != 0xffffu ||
	    _mm_movemask_epi8(_mm_cmpeq_epi8(shown, col)) != 0xffff)
		return 0;
	_mm_storeu_si128((__m128i *)(void *)out, bytes);
	return 1;
}

#else

static inline unsigned hex_run16(const unsigned char *s, unsigned char *out)
{
	uint64_t a, b;

	if (hex8p(load8(s), &a)) {
		if (!hex8p(load8(s + 8), &b)) {
			store8(out, a);
			return hex4(s + 8, out + 4) ? 12 : 8;
		}
		store8(out, a | b << 32);
		return 16;
	}
	return hex4(s, out) ? 4 : 0;
}

static inline int xxd_line16(const unsigned char *p, unsigned char *out)
{
	uint64_t a, b, c, d;

	if (!hex8p(load4(p + 10) | load4(p + 15) << 32, &a) ||
	    !hex8p(load4(p + 20) | load4(p + 25) << 32, &b) ||
	    !hex8p(load4(p + 30) | load4(p + 35) << 32, &c) ||
	    !hex8p(load4(p + 40) | load4(p + 45) << 32, &d))
		return 0;
	store8(out, a | b << 32);
	store8(out + 8, c | d << 32);
	/* An ASCII column other than xxd's could be -e's: the line parser
	 * decides (other_layout). */
	return shown8_equal(p + 51, out) && shown8_equal(p + 59, out + 8);
}

#endif

size_t dumpline_xxd_run(struct dumpseq *sq, const char *text, size_t n,
			size_t max, unsigned char *out)
{
	const unsigned char *p = (const unsigned char *)text;
	uint64_t off = sq->end;
	size_t taken = 0;

	/* "OOOOOOOO: hhhh hhhh hhhh hhhh hhhh hhhh hhhh hhhh  " then 16
	 * characters of ASCII column and the newline: 68 bytes. */
	for (; taken < max && n >= 68 && off <= 0xffffffffu;
	     taken++, off += 16, p += 68, n -= 68, out += 16) {
		uint64_t at;
		/* The offset as hex8p packs it: its top byte first. */
		uint64_t want = (off >> 24 & 0xff) | (off >> 8 & 0xff00) |
				(off << 8 & 0xff0000) | (off << 24 & 0xff000000);

		if (p[67] != '\n' || p[8] != ':' || p[9] != ' ' ||
		    p[14] != ' ' || p[19] != ' ' || p[24] != ' ' ||
		    p[29] != ' ' || p[34] != ' ' || p[39] != ' ' ||
		    p[44] != ' ' || p[49] != ' ' || p[50] != ' ')
			break;
		if (!hex8p(load8(p), &at) || at != want || !xxd_line16(p, out))
			break;
	}
	/* Each line starts where the one above ends: the order holds. */
	if (taken > 0) {
		sq->end = off;
		sq->last = DUMPLINE_DATA;
	}
	return taken;
}

int dumpline_parse(const char *line, size_t n, unsigned char *out,
		   struct dumpline *dl, const char **why)
{
	return dumpline_parse_as(line, n, 0, out, dl, why);
}

int dumpline_parse_as(const char *line, size_t n, unsigned flags,
		      unsigned char *out, struct dumpline *dl,
		      const char **why)
{
	const unsigned char *s = (const unsigned char *)line;
	enum dumpline_side side = DUMPLINE_PLAIN;
	int rc;

	memset(dl, 0, sizeof(*dl));
	if (n >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "+++", 3) == 0) &&
	    (n == 3 || s[3] == ' ' || s[3] == '\t')) {
		dl->kind = DUMPLINE_HEADER;
		dl->side = s[0] == '-' ? DUMPLINE_OLD : DUMPLINE_NEW;
		return 0;
	}
	if (n >= 2 && s[0] == '@' && s[1] == '@')
		return parse_hunk(s, n, dl, why);
	/* A prefix: '-', '+' or one blank, then a line with its offset. */
	if (n >= 2 && hex_value(s[1]) >= 0) {
		if (s[0] == '-')
			side = DUMPLINE_OLD;
		else if (s[0] == '+')
			side = DUMPLINE_NEW;
		else if (s[0] == ' ')
			side = DUMPLINE_CONTEXT;
	}
	if (side == DUMPLINE_PLAIN)
		return parse_plain(s, n, flags, out, dl, why);
	rc = parse_plain(s + 1, n - 1, flags, out, dl, why);
	if (rc < 0) {
		dl->column++;
		return -1;
	}
	if (side == DUMPLINE_CONTEXT && dl->kind != DUMPLINE_DATA)
		return fail(dl, 0, "a context line holds no bytes", why);
	dl->side = side;
	return 0;
}

/* A line of a plain dump (or a guarded one's, past its prefix). */
static int parse_plain(const unsigned char *s, size_t n, unsigned flags,
		       unsigned char *out, struct dumpline *dl,
		       const char **why)
{
	int decimal = (flags & DUMPLINE_DECIMAL) != 0;
	uint64_t off = 0, base = decimal ? 10 : 16;
	size_t i = 0, end = 0, n_eff = n;
	int d, rc;

	if (rest_is_blank(s, 0, n)) {
		dl->kind = DUMPLINE_BLANK;
		return 0;
	}
	if (s[0] == '*') {
		if (!rest_is_blank(s, 1, n))
			return fail(dl, 1, "text after '*'", why);
		dl->kind = DUMPLINE_STAR;
		return 0;
	}
	if (is_trailing(s[0]))
		return fail(dl, 0, "line starts with a blank", why);
	if (hex_value(s[0]) < 0)
		return fail(dl, 0, "not a dump line (no hexadecimal offset)",
			    why);
	if (!decimal && n > 8 && s[8] == ':') {
		/* xxd's offset, eight digits: one word. */
		unsigned char b[4];

		if (hex8(load8(s), b)) {
			off = (uint64_t)b[0] << 24 | (uint64_t)b[1] << 16 |
			      (uint64_t)b[2] << 8 | b[3];
			i = 8;
		}
	} else if (is_bare_hex(s, n)) {
		return fail(dl, 0, "bare hex digits with no offset, as peek "
			    "and xxd -p print them: not a dump line", why);
	}
	for (; i < n && (d = hex_value(s[i])) >= 0; i++) {
		if (decimal && d > 9)
			return fail(dl, i, "invalid decimal digit in the offset "
				    "(-d)", why);
		/* 15 digits cannot pass 2^63-1; then constant divisors. */
		if (i >= 15 && (decimal ? off > (DUMPLINE_LIMIT - (uint64_t)d)
						/ 10
			    : off > (DUMPLINE_LIMIT - (uint64_t)d) / 16))
			return fail(dl, i, "offset larger than 2^63-1", why);
		off = off * base + (uint64_t)d;
	}
	dl->offset = off;
	while (n_eff > i && is_trailing(s[n_eff - 1]))
		n_eff--;
	/* -e, -b, -d: lines of xxd's layout, and '*' (xxd -a), only. */
	if (flags != 0 && (i == n_eff || s[i] != ':'))
		return fail(dl, i, "expected ':' after the offset (a dump "
			    "made with xxd's -e, -b or -d is in xxd's layout)",
			    why);
	if (rest_is_blank(s, i, n)) {
		dl->kind = DUMPLINE_END;
		dl->layout = DUMPLINE_CANONICAL;
		return 0;
	}
	if (s[i] == ':') {
		dl->layout = DUMPLINE_XXD;
		if (flags & DUMPLINE_LITTLE_ENDIAN)
			rc = parse_xxd_le(s, i + 1, n_eff, out, dl, why);
		else
			rc = parse_xxd(s, i + 1, n, flags & DUMPLINE_BITS,
				       out, dl, &end, why);
		if (rc == 0 && flags == 0) {
			const char *other = other_layout(s, i + 2, end, n_eff,
							 out, dl->len);

			if (other != NULL)
				return fail(dl, i + 2, other, why);
		}
	} else if (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ') {
		dl->layout = DUMPLINE_CANONICAL;
		rc = parse_canonical(s, i + 2, n, out, dl, why);
	} else if (s[i] == ' ') {
		return fail(dl, i, "expected ':' or two blanks after the "
			    "offset", why);
	} else {
		return fail(dl, i, "invalid character in the offset", why);
	}
	if (rc < 0)
		return -1;
	if (dl->len > DUMPLINE_LIMIT - off)
		return fail(dl, 0, "bytes pass offset 2^63-1", why);
	dl->kind = DUMPLINE_DATA;
	return 0;
}

void dumphex_init(struct dumphex *h)
{
	h->half = -1;
	h->half_line = 0;
	h->line = 1;
	h->column = 0;
}

int dumphex_read(struct dumphex *h, const char *text, size_t n,
		 unsigned char *out, size_t *len, const char **why)
{
	const unsigned char *s = (const unsigned char *)text;
	int half = h->half;
	size_t i = 0, k = 0, line_start = 0;
	uint64_t column = h->column;	/* of s[line_start] */

	while (i < n) {
		unsigned char c;
		int d;

		/* Sixteen digits a step while they are all digits and no
		 * digit waits for its pair; xxd -p's 60 a line end in eight
		 * and four. */
		if (half < 0) {
			unsigned got = 16;

			while (got == 16 && i + 16 <= n) {
				got = hex_run16(s + i, out + k);
				k += got / 2;
				i += got;
			}
			/* The piece's last few digits, fewer than sixteen
			 * (after a short step the next byte is no digit). */
			if (got == 16 && i + 8 <= n &&
			    hex8(load8(s + i), out + k)) {
				k += 4;
				i += 8;
			}
			if (got == 16 && i + 4 <= n && hex4(s + i, out + k)) {
				k += 2;
				i += 4;
			}
			if (i == n)
				break;
		}
		c = s[i];
		d = hex_value(c);
		if (d >= 0) {
			if (half < 0) {
				half = d;
				h->half_line = h->line;
			} else {
				out[k++] = (unsigned char)(half << 4 | d);
				half = -1;
			}
		} else if (c == '\n') {
			h->line++;
			line_start = i + 1;
			column = 0;
		} else if (!is_trailing(c)) {
			h->column = column + (i - line_start) + 1;
			h->half = half;
			*len = k;
			if (why != NULL)
				*why = c == 'x' || c == 'X' ? "'x' in a plain "
				       "dump (hex digits and blanks only, no "
				       "0x)" : "not a hex digit (a plain dump "
				       "holds hex digits and blanks only)";
			errno = EINVAL;
			return -1;
		}
		i++;
	}
	h->column = column + (n - line_start);
	h->half = half;
	*len = k;
	return 0;
}

void dumpseq_init(struct dumpseq *sq)
{
	sq->end = 0;
	sq->last = DUMPLINE_BLANK;
}

int dumpseq_next(struct dumpseq *sq, const struct dumpline *dl, char *msg,
		 size_t size)
{
	const char *what = NULL;

	switch (dl->kind) {
	case DUMPLINE_BLANK:
		return 0;
	case DUMPLINE_HEADER:
	case DUMPLINE_HUNK:
		/* Guarded dumps have their own order (patch checks it). */
		what = "a guarded dump's header (---, +++ or @@) in a plain "
		       "dump";
		break;
	case DUMPLINE_STAR:
		if (sq->last != DUMPLINE_DATA)
			what = "'*' with no dump line above it to repeat";
		break;
	case DUMPLINE_END:
		if (sq->last != DUMPLINE_DATA && sq->last != DUMPLINE_STAR)
			what = "an offset alone with no dump line above it: "
			       "bare hex (as peek prints), or a dump of no "
			       "bytes";
		/* FALLTHROUGH */
	case DUMPLINE_DATA:
		if (what == NULL && dl->offset < sq->end) {
			snprintf(msg, size, "%soffset 0x%llx goes back before "
				 "the end of the bytes above (0x%llx)",
				 dl->kind == DUMPLINE_END ? "final " : "",
				 (unsigned long long)dl->offset,
				 (unsigned long long)sq->end);
			errno = EINVAL;
			return -1;
		}
		break;
	}
	if (what != NULL) {
		snprintf(msg, size, "%s", what);
		errno = EINVAL;
		return -1;
	}
	if (dl->kind == DUMPLINE_DATA)
		sq->end = dl->offset + dl->len;
	else if (dl->kind == DUMPLINE_END)
		sq->end = dl->offset;
	sq->last = dl->kind;
	return 0;
}
