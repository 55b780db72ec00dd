/*
 * dumpline.c - one line of an xxd or hexdump -C dump (see dumpline.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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
 * The hex area of an xxd line, from S[I] (just after "OFFSET:").  Groups
 * are separated by exactly one blank; two blanks start the ASCII column,
 * which is never read, since it may hold anything, hex-looking text and
 * runs of blanks included.
 */
static int parse_xxd(const unsigned char *s, size_t i, size_t n,
		     unsigned char *out, struct dumpline *dl,
		     const char **why)
{
	size_t len = 0;

	if (i < n && s[i] == ' ')
		i++;
	for (;;) {
		size_t g = i;

		while (i < n && hex_value(s[i]) >= 0)
			i++;
		if (i == g) {
			/* Only the first group can be missing: later ones
			 * are entered only on a hex digit. */
			if (i == n || s[i] == ' ' || is_trailing(s[i]))
				return fail(dl, i, "no hex bytes after the "
					    "offset", why);
			return fail(dl, i, "invalid hex digit", why);
		}
		if (i < n && !is_trailing(s[i]))
			return fail(dl, i, "invalid hex digit", why);
		if ((i - g) % 2 != 0)
			return fail(dl, i - 1, "half a byte (odd number of "
				    "hex digits)", why);
		decode_pairs(s + g, i - g, out + len);
		len += (i - g) / 2;
		if (i == n)
			break;
		/* One blank and a digit: the next group.  Anything else
		 * ends the hex area: two blanks (the ASCII column) or the
		 * blanks that trail the line. */
		if (s[i] == ' ' && i + 1 < n && hex_value(s[i + 1]) >= 0) {
			i++;
			continue;
		}
		if (s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')
			break;
		if (rest_is_blank(s, i, n))
			break;
		return fail(dl, s[i] == ' ' ? i + 1 : i, "invalid hex digit",
			    why);
	}
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

static int parse_plain(const unsigned char *s, size_t n, unsigned char *out,
		       struct dumpline *dl, const char **why);

int dumpline_parse(const char *line, size_t n, unsigned char *out,
		   struct dumpline *dl, const char **why)
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
		return parse_plain(s, n, out, dl, why);
	rc = parse_plain(s + 1, n - 1, out, dl, why);
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
static int parse_plain(const unsigned char *s, size_t n, unsigned char *out,
		       struct dumpline *dl, const char **why)
{
	uint64_t off = 0;
	size_t i = 0;
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
	if (is_bare_hex(s, n))
		return fail(dl, 0, "bare hex digits with no offset, as peek "
			    "and xxd -p print them: not a dump line", why);
	for (; i < n && (d = hex_value(s[i])) >= 0; i++) {
		if (off > (DUMPLINE_LIMIT - (uint64_t)d) / 16)
			return fail(dl, i, "offset larger than 2^63-1", why);
		off = off * 16 + (uint64_t)d;
	}
	dl->offset = off;
	if (rest_is_blank(s, i, n)) {
		dl->kind = DUMPLINE_END;
		dl->layout = DUMPLINE_CANONICAL;
		return 0;
	}
	if (s[i] == ':') {
		dl->layout = DUMPLINE_XXD;
		rc = parse_xxd(s, i + 1, n, out, dl, why);
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
