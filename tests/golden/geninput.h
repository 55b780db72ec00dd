/*
 * geninput.h - the inputs of the golden cases.  One generator, shared by
 * tests/golden/make-golden.sh (which feeds them to the reference tools)
 * and tests/test_dumpfmt.c (which feeds them to the dumper), so that no
 * input needs to be kept as a file.
 *
 *   empty       no bytes
 *   a1          "A"
 *   rand15 ... rand33, rand1m
 *               the first N bytes of one pseudo-random stream: the LCG
 *               x = x * 1664525 + 1013904223 (mod 2^32) from x = 1, each
 *               byte the top 8 bits of the next x
 *   ramp256     0x00, 0x01, ... 0xff
 *   zero4k      4096 zero bytes
 *   repmid      repeated 16-byte lines in the middle: ramp16, 5 lines of
 *               'A', ramp16, 3 lines of 'B', then "tail!\r\n"
 *   repend      repeated lines at the end: ramp16, then 4 lines of 'C'
 *   text        text with tab, CR, LF, and a few control and high bytes
 */
#ifndef GENINPUT_H
#define GENINPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
geninput_random(unsigned char *p, size_t n)
{
	uint32_t x = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		p[i] = (unsigned char)(x >> 24);
	}
}

static void
geninput_ramp(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)i;
}

/*
 * The bytes of input NAME in a fresh malloc'd buffer (never NULL for a
 * known name, even when empty), *len set.  NULL for an unknown name or
 * when memory runs out.
 */
static unsigned char *
geninput(const char *name, size_t *len)
{
	static const char text[] =
		"hello\tworld\r\nline two\n\ttabbed\r\n"
		"\x00\x01\x1b[0m\x7f\x80\xa0\xe9\xff end \x0b\x0c|*\n";
	static const struct {
		const char *name;
		size_t len;
	} randoms[] = {
		{ "rand15", 15 }, { "rand16", 16 }, { "rand17", 17 },
		{ "rand31", 31 }, { "rand32", 32 }, { "rand33", 33 },
		{ "rand1m", 1u << 20 },
	};
	unsigned char *p;
	size_t i, n;

	for (i = 0; i < sizeof(randoms) / sizeof(randoms[0]); i++) {
		if (strcmp(name, randoms[i].name) == 0) {
			n = randoms[i].len;
			if ((p = malloc(n)) != NULL)
				geninput_random(p, n);
			*len = n;
			return p;
		}
	}
	if (strcmp(name, "empty") == 0) {
		*len = 0;
		return malloc(1);
	}
	if (strcmp(name, "a1") == 0) {
		if ((p = malloc(1)) != NULL)
			p[0] = 'A';
		*len = 1;
		return p;
	}
	if (strcmp(name, "ramp256") == 0) {
		if ((p = malloc(256)) != NULL)
			geninput_ramp(p, 256);
		*len = 256;
		return p;
	}
	if (strcmp(name, "zero4k") == 0) {
		*len = 4096;
		return calloc(1, 4096);
	}
	if (strcmp(name, "repmid") == 0) {
		/* 16 + 80 + 16 + 48 + 7 */
		n = 167;
		if ((p = malloc(n)) == NULL)
			return NULL;
		geninput_ramp(p, 16);
		memset(p + 16, 'A', 80);
		geninput_ramp(p + 96, 16);
		memset(p + 112, 'B', 48);
		memcpy(p + 160, "tail!\r\n", 7);
		*len = n;
		return p;
	}
	if (strcmp(name, "repend") == 0) {
		n = 80;
		if ((p = malloc(n)) == NULL)
			return NULL;
		geninput_ramp(p, 16);
		memset(p + 16, 'C', 64);
		*len = n;
		return p;
	}
	if (strcmp(name, "text") == 0) {
		n = sizeof(text) - 1;
		if ((p = malloc(n)) != NULL)
			memcpy(p, text, n);
		*len = n;
		return p;
	}
	return NULL;
}

#endif
