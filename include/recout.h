/*
 * recout.h - what peek -t does with records: print them (text or JSON),
 * or check them against --expect VALUES.
 *
 * Text, unnamed fields: one value per line.  Text, named: "NAME=V" per
 * field, "NAME='V1 V2 ...'" for several values (quoted for eval).  JSON: one line per record, an object of the named fields
 * (a field of COUNT > 1 as an array) or a flat array of the unnamed
 * values.  Pad fields never show.  Nothing here writes to stderr: the
 * mismatches of --expect are collected for the command to report.
 */
#ifndef RECOUT_H
#define RECOUT_H

#include <stddef.h>
#include <stdint.h>

#include "outbuf.h"
#include "record.h"

/* What one field is expected to hold: WANT and MASK are field->size
 * bytes (MASK 0 where "?" stood), or NULL when the field is not checked. */
struct field_expect {
	unsigned char *want, *mask;
};

struct recout {
	const struct record *rec;
	struct record_reader rd;
	struct outbuf *out;		/* printing: where lines go */
	int json;
	struct field_expect *expect;	/* checking: one per field */

	char *line;			/* the line being built */
	size_t len, cap;
	size_t items;			/* JSON items so far in this record */
	int opened;			/* JSON record's bracket written */

	int bad;			/* checking: this field differs */
	uint64_t field_off;		/* checking: where it starts */
	char found[160];		/* checking: its values, shortened */
	size_t nfound;
	int found_full;			/* checking: FOUND ends in "..." */
	char *report;			/* checking: mismatch lines, each
					 * NUL-terminated, back to back */
	size_t nreport, report_cap;
	uint64_t mismatches;
};

/* Where parsing --expect VALUES went wrong: a phrase, the text it is
 * about (TEXT, LEN bytes), and the field it was for (or NULL). */
struct expect_error {
	const char *why;
	const char *text;
	size_t len;
	const struct field *field;
};

/*
 * Parse --expect VALUES for REC: a comma-separated list with one item per
 * non-pad field in order, or NAME=VALUE items (named records only) in any
 * order, checking only the fields named.  An item "?" skips its field; a
 * field of COUNT values takes them separated by blanks, each of which may
 * be "?"; a bytes field takes hex, where "??" matches any byte.  Values use
 * record_encode_value's grammar.  Success: 0, *out a fresh array of
 * rec->nfields (expect_free releases it).  Failure: -1, errno EINVAL (or
 * ENOMEM), *out NULL, *err filled.
 */
int expect_parse(const struct record *rec, const char *values,
		 struct field_expect **out, struct expect_error *err);

/* Free what expect_parse made.  Safe on NULL. */
void expect_free(const struct record *rec, struct field_expect *fe);

/*
 * Start printing records of REC read from file offset OFF to OUT, as JSON
 * if JSON is non-zero; or, with EXPECT not NULL, checking them instead.
 * 0, or -1 with errno ENOMEM (nothing to free then).
 */
int recout_init(struct recout *ro, const struct record *rec,
		struct outbuf *out, int json, struct field_expect *expect,
		uint64_t off);

/*
 * Feed the next N bytes of the range (P NULL: N zero bytes).  Lines go
 * into the output buffer whole (up to 64 KiB), so that what has been
 * written out when reading stops part-way is whole lines.  0, or -1 when
 * the output failed (out->err) or memory ran out (errno ENOMEM).
 */
int recout_feed(struct recout *ro, const unsigned char *p, size_t n);

/*
 * Checking: the mismatch lines collected so far, one after another, each
 * NUL-terminated ("e_machine at 0x12: found 3, expected 62"); *n is how
 * many.  NULL when there are none.
 */
const char *recout_mismatches(const struct recout *ro, uint64_t *n);

/* Free the line and report buffers (not EXPECT, not OUT). */
void recout_free(struct recout *ro);

#endif
