/*
 * hexdata.c - hexadecimal byte strings (grammar in hexdata.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hexdata.h"

/* What a character of a byte pair can be, besides a digit value 0..15. */
enum { CH_WILD = 16, CH_END, CH_BAD };

static int is_separator(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ':';
}

static int classify(int c, int flags)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c == '\0' || is_separator(c))
		return CH_END;
	if (c == '?' && (flags & HEX_WILDCARD))
		return CH_WILD;
	return CH_BAD;
}

/*
 * Append the bytes of operand S to HB (whose buffers hold enough room).
 * The end of S ends a group, as if the operands were joined by a blank, so
 * a byte pair never spans two operands.  Returns NULL, or what was wrong
 * with *AT the character it is about.
 */
static const char *parse_operand(const char *s, int flags,
				 struct hexbytes *hb, int *wild,
				 const char **at)
{
	int hi, lo;

	while (*s != '\0') {
		if (is_separator(*s)) {
			s++;
			continue;
		}
		/* A group: an optional 0x, then whole pairs up to a separator. */
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			*at = s;
			s += 2;
			if (classify(*s, flags) == CH_END)
				return HEX_NO_DIGITS;
		}
		/* s[0] is not NUL inside this loop, so s[1] is readable. */
		while (classify(*s, flags) != CH_END) {
			hi = classify(s[0], flags);
			lo = classify(s[1], flags);
			*at = hi == CH_BAD ? s : s + 1;
			if (hi == CH_BAD || lo == CH_BAD)
				return HEX_BAD_CHAR;
			*at = s;
			if (lo == CH_END)
				return hi == CH_WILD ? HEX_UNPAIRED_WILD : HEX_ODD;
			if ((hi == CH_WILD) != (lo == CH_WILD)) {
				*at = hi == CH_WILD ? s : s + 1;
				return HEX_UNPAIRED_WILD;
			}
			if (hi == CH_WILD) {
				hb->bytes[hb->len] = 0;
				hb->mask[hb->len] = 0;
				*wild = 1;
			} else {
				hb->bytes[hb->len] = (unsigned char)(hi << 4 | lo);
				if (hb->mask)
					hb->mask[hb->len] = 0xff;
			}
			hb->len++;
			s += 2;
		}
	}
	return NULL;
}

const char HEX_BAD_CHAR[] = "not a hex digit";
const char HEX_ODD[] = "odd number of hex digits";
const char HEX_NO_DIGITS[] = "no digits after 0x";
const char HEX_UNPAIRED_WILD[] = "unpaired '?' wildcard";

int hex_parse(char *const *operands, int count, int flags,
	      struct hexbytes *out, struct hex_error *e)
{
	struct hexbytes hb = { NULL, NULL, 0 };
	const char *phrase, *at = NULL;
	size_t room = 1;	/* never malloc(0): bytes is non-NULL on success */
	int i, err, wild = 0;

	/* An operand of N characters holds at most N/2 bytes. */
	for (i = 0; i < count; i++)
		room += strlen(operands[i]) / 2;
	hb.bytes = malloc(room);
	if (flags & HEX_WILDCARD)
		hb.mask = malloc(room);
	i = 0;
	if (hb.bytes == NULL || ((flags & HEX_WILDCARD) && hb.mask == NULL)) {
		phrase = "out of memory";
		err = ENOMEM;
		goto fail;
	}
	for (; i < count; i++) {
		phrase = parse_operand(operands[i], flags, &hb, &wild, &at);
		if (phrase != NULL) {
			err = EINVAL;
			goto fail;
		}
	}
	if (!wild) {
		free(hb.mask);
		hb.mask = NULL;
	}
	*out = hb;
	return 0;

fail:
	hexbytes_free(&hb);
	*out = hb;
	if (e) {
		e->why = phrase;
		e->operand = i;
		e->column = at != NULL && err == EINVAL ?
			    (size_t)(at - operands[i]) + 1 : 0;
		e->ch = at != NULL && err == EINVAL ? (unsigned char)*at : 0;
	}
	errno = err;
	return -1;
}

void hexbytes_free(struct hexbytes *hb)
{
	free(hb->bytes);
	free(hb->mask);
	hb->bytes = NULL;
	hb->mask = NULL;
	hb->len = 0;
}

#define HEX_ROW(h) h "0" h "1" h "2" h "3" h "4" h "5" h "6" h "7" \
	h "8" h "9" h "a" h "b" h "c" h "d" h "e" h "f"

/* The two digits of byte b are hex_pairs[2*b] and hex_pairs[2*b+1]. */
static const char hex_pairs[] =
	HEX_ROW("0") HEX_ROW("1") HEX_ROW("2") HEX_ROW("3")
	HEX_ROW("4") HEX_ROW("5") HEX_ROW("6") HEX_ROW("7")
	HEX_ROW("8") HEX_ROW("9") HEX_ROW("a") HEX_ROW("b")
	HEX_ROW("c") HEX_ROW("d") HEX_ROW("e") HEX_ROW("f");

void hex_encode(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(out + 2 * i, hex_pairs + 2 * p[i], 2);
	out[2 * n] = '\0';
}
