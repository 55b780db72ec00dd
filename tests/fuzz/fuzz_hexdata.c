/*
 * fuzz_hexdata.c - libFuzzer harness for the hex data parser (hex_parse,
 * with and without HEX_WILDCARD) and hex_encode.
 *
 * The input is split at NUL bytes into operands.  hex_parse is compared
 * with a reference that follows the grammar in hexdata.h literally; every
 * accepted byte string is encoded with hex_encode and must parse back to
 * itself, alone and split into single-byte operands with separators.
 */
#include <errno.h>
#include <string.h>

#include "hexdata.h"
#include "fuzzutil.h"

#define MAX_OPERANDS 16

static int hexval(int c)
{
	const char *digits = "0123456789abcdef0123456789ABCDEF";
	const char *p = c ? strchr(digits, c) : NULL;

	return p ? (int)((p - digits) % 16) : -1;
}

static int is_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ':';
}

/*
 * The reference: each operand is cut into groups at separators; a group is
 * an optional 0x/0X and then one or more pairs, each two hex digits or (with
 * wildcards) "??".  Returns 0 and fills BYTES, MASK, *LEN and *WILD, or -1.
 */
static int ref_parse(char **ops, int n, int wild_ok, unsigned char *bytes,
		     unsigned char *mask, size_t *len, int *wild)
{
	*len = 0;
	*wild = 0;
	for (int i = 0; i < n; i++) {
		const char *s = ops[i];

		while (*s) {
			const char *end;

			if (is_sep(*s)) {
				s++;
				continue;
			}
			for (end = s; *end && !is_sep(*end); end++)
				;
			if (end - s >= 2 && s[0] == '0' &&
			    (s[1] == 'x' || s[1] == 'X'))
				s += 2;
			if (s == end || (end - s) % 2 != 0)
				return -1;
			for (; s < end; s += 2) {
				if (wild_ok && s[0] == '?' && s[1] == '?') {
					bytes[*len] = 0;
					mask[*len] = 0;
					*wild = 1;
				} else if (hexval(s[0]) >= 0 &&
					   hexval(s[1]) >= 0) {
					bytes[*len] = (unsigned char)
						(hexval(s[0]) << 4 | hexval(s[1]));
					mask[*len] = 0xff;
				} else {
					return -1;
				}
				++*len;
			}
		}
	}
	return 0;
}

static void check_one(char **ops, int n, int flags, size_t room)
{
	struct hexbytes hb;
	unsigned char *bytes = malloc(room), *mask = malloc(room);
	struct hex_error e = { NULL, -1, 0, 0 };
	size_t len;
	int rc, ref, wild;

	if (bytes == NULL || mask == NULL)
		abort();
	ref = ref_parse(ops, n, flags & HEX_WILDCARD, bytes, mask, &len, &wild);
	memset(&hb, 0x5a, sizeof(hb));
	errno = 0;
	rc = hex_parse(ops, n, flags, &hb, &e);
	if (rc != 0) {
		CHECK(rc == -1 && ref != 0, "hex_parse refused what the "
		      "reference took (flags %d, first operand '%s')", flags,
		      n ? ops[0] : "");
		CHECK(errno == EINVAL, "errno %d", errno);
		CHECK(e.why != NULL && *e.why != '\0', "no reason given");
		CHECK(e.operand >= 0 && e.operand < n && e.column >= 1 &&
		      e.column <= strlen(ops[e.operand]) &&
		      (unsigned char)ops[e.operand][e.column - 1] == e.ch,
		      "error column %zu of operand %d is not its character",
		      e.column, e.operand);
		CHECK(hb.bytes == NULL && hb.mask == NULL && hb.len == 0,
		      "*out not zeroed on failure");
		hexbytes_free(&hb);	/* safe on a zeroed struct */
	} else {
		CHECK(ref == 0, "hex_parse took what the reference refused "
		      "(flags %d, first operand '%s')", flags, n ? ops[0] : "");
		CHECK(hb.bytes != NULL, "bytes NULL on success");
		CHECK(hb.len == len && memcmp(hb.bytes, bytes, len) == 0,
		      "bytes differ from the reference (len %zu vs %zu)",
		      hb.len, len);
		CHECK((hb.mask != NULL) == wild, "mask present %d, wildcards %d",
		      hb.mask != NULL, wild);
		CHECK(!wild || memcmp(hb.mask, mask, len) == 0, "mask differs");
		hexbytes_free(&hb);
		CHECK(hb.bytes == NULL && hb.mask == NULL && hb.len == 0,
		      "hexbytes_free did not zero");
	}
	free(bytes);
	free(mask);
}

/* hex_encode, then parse back: whole, and byte by byte with separators. */
static void check_round_trip(const unsigned char *p, size_t n)
{
	char *text = malloc(2 * n + 1), *pieces = malloc(5 * n + 1);
	char *one[1], **ops = malloc((n + 1) * sizeof(*ops));
	struct hexbytes hb;

	if (text == NULL || pieces == NULL || ops == NULL)
		abort();
	hex_encode(p, n, text);
	CHECK(strlen(text) == 2 * n, "hex_encode length");
	for (size_t i = 0; i < 2 * n; i++)
		CHECK(hexval(text[i]) >= 0 && !(text[i] >= 'A' && text[i] <= 'F'),
		      "hex_encode wrote '%c'", text[i]);
	one[0] = text;
	CHECK(hex_parse(one, 1, 0, &hb, NULL) == 0 && hb.len == n &&
	      memcmp(hb.bytes, p, n) == 0, "round trip of %zu bytes", n);
	hexbytes_free(&hb);
	/* "0xAB", ":", "cd\t" ... as separate operands. */
	for (size_t i = 0; i < n; i++) {
		char *w = pieces + 5 * i;

		w[0] = i % 3 == 0 ? '0' : ':';
		w[1] = i % 3 == 0 ? 'X' : '\t';
		w[2] = text[2 * i];
		w[3] = text[2 * i + 1];
		w[4] = '\0';
		ops[i] = w;
	}
	CHECK(hex_parse(ops, (int)n, HEX_WILDCARD, &hb, NULL) == 0 &&
	      hb.len == n && hb.mask == NULL && memcmp(hb.bytes, p, n) == 0,
	      "split round trip of %zu bytes", n);
	hexbytes_free(&hb);
	free(text);
	free(pieces);
	free(ops);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *ops[MAX_OPERANDS + 1], *store;
	int n = fuzz_split(data, size, ops, MAX_OPERANDS, &store);

	check_one(ops, n, 0, size + 1);
	check_one(ops, n, HEX_WILDCARD, size + 1);
	/* No operands at all: zero bytes, not an error. */
	check_one(ops, 0, 0, 1);
	check_round_trip(data, size < 512 ? size : 512);
	free(store);
	return 0;
}
