/*
 * record.h - records for peek -t and poke -t: several typed fields read or
 * written one after another.
 *
 *   FIELDS = FIELD [ "," FIELD ]...
 *   FIELD  = [ NAME "=" ] TYPE [ ":" COUNT ]
 *
 * TYPE is a vtype name (u8 ... f64, optional le/be), x8 x16 x32 x64 (the
 * unsigned types, shown as 0x and lowercase hex, two digits per byte),
 * "bytes" (COUNT bytes shown as one hex string) or "pad" (COUNT bytes
 * skipped).  COUNT uses the number grammar (numparse.h), default 1, at
 * least 1.  NAME is a C identifier; names are unique, and either every
 * field that is not pad has one or none has (pad may go unnamed in a named
 * record; its name, if any, is never shown).  A record is 1 to 2^63-1
 * bytes.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "vtype.h"

enum field_kind {
	FIELD_NUMBER,	/* COUNT values of TYPE, shown in decimal */
	FIELD_HEX,	/* COUNT unsigned values, shown as 0x... */
	FIELD_BYTES,	/* one value of COUNT bytes, shown as hex */
	FIELD_PAD	/* COUNT bytes, neither shown nor written */
};

struct field {
	const char *name;	/* NUL-terminated, or NULL when unnamed */
	const char *type_name;	/* as written ("u16le", "bytes"), NUL-terminated */
	enum field_kind kind;
	struct vtype type;	/* NUMBER and HEX: one element */
	uint64_t count;		/* elements (bytes for BYTES and PAD), >= 1 */
	uint64_t offset;	/* of its first byte from the record's start */
	uint64_t size;		/* count times the element's size */
};

struct record {
	struct field *fields;
	size_t nfields;
	uint64_t size;		/* bytes in one record, 1 .. INT64_MAX */
	uint64_t nvalues;	/* values one record holds: COUNT per NUMBER
				 * or HEX field, one per BYTES field, none for
				 * pad; may be 0 (a record of pad alone) */
	int named;		/* the fields carry names */
	char *text;		/* the fields' names and types (malloc'd) */
};

/* The type names a field may start with, for completion (NULL-ended). */
extern const char *const record_words[];

/* What record_parse found wrong: a short phrase, and the part of FIELDS it
 * is about (AT bytes from the start, LEN bytes long, LEN may be 0). */
struct record_error {
	const char *why;
	size_t at, len;
};

/*
 * Parse FIELDS into *rec.  Success: 0, *rec filled (record_free releases
 * it).  Failure: -1, errno EINVAL (ERANGE for a COUNT or size past
 * 2^63-1, ENOMEM), *rec zeroed, *err says what and where: a phrase that
 * reads with the quoted part after it ("unknown type", "duplicate name",
 * "COUNT must be at least 1, not", ...), or "empty field" with LEN 0.
 */
int record_parse(const char *fields, struct record *rec,
		 struct record_error *err);

/* Free what record_parse allocated and zero *rec.  Safe on a zeroed one. */
void record_free(struct record *rec);

/*
 * "e_machine", or "field 2 (u16le)" for an unnamed field, into BUF (SIZE
 * bytes, truncated to fit).  Returns BUF.
 */
char *field_label(const struct record *rec, const struct field *f,
		  char *buf, size_t size);

/* The size of one element of F: the type's size, or 1 for BYTES and PAD. */
unsigned field_elem_size(const struct field *f);

/* Longest text record_format_value writes, NUL included. */
#define RECORD_VALUE_MAX VTYPE_TEXT_MAX

/*
 * Format the element stored at IN (field_elem_size(F) bytes) of a NUMBER
 * or HEX field into BUF (RECORD_VALUE_MAX bytes), NUL-terminated.  Text:
 * as vtype_format, HEX fields as "0x" and 2*size lowercase digits.  JSON
 * (JSON non-zero): integers (HEX too) in decimal, exactly; finite floats
 * as vtype_format, with ".0" after a whole number ("-0.0", "100.0") so
 * that a JSON reader keeps them floats (and the sign of -0); infinities
 * and NaN as the strings "inf", "-inf", "nan", quotes included.  Returns
 * the length.
 */
size_t record_format_value(const struct field *f, const unsigned char *in,
			   int json, char *buf);

/*
 * Encode the value TEXT for one element of a NUMBER or HEX field into OUT
 * (field_elem_size(F) bytes), with poke -t's grammar (vtype_encode; HEX
 * fields as the unsigned type).  For a BYTES field TEXT is hex (hexdata.h)
 * of exactly COUNT bytes, written to OUT[0..count).  Success: 0.  Failure:
 * -1, errno, OUT untouched, *why a short static phrase.
 */
int record_encode_value(const struct field *f, const char *text,
			unsigned char *out, const char **why);

/*
 * Decoding a stream of records: feed bytes in any pieces, and the sink's
 * callbacks see each field of each record in order.  Each callback returns
 * 0 to go on, or non-zero to stop record_feed, which returns that value.
 */
struct record_sink {
	/* A field starts at file offset OFF (never called for pad). */
	int (*begin)(void *ctx, const struct field *f, uint64_t off);
	/* Element I of a NUMBER or HEX field, whole, in IN. */
	int (*value)(void *ctx, const struct field *f, uint64_t i,
		     const unsigned char *in);
	/* The next N bytes of a BYTES field (P never NULL). */
	int (*bytes)(void *ctx, const struct field *f, const unsigned char *p,
		     size_t n);
	/* The field that began is complete. */
	int (*end)(void *ctx, const struct field *f);
	/* A whole record has been seen. */
	int (*end_record)(void *ctx);
};

struct record_reader {
	const struct record *rec;
	const struct record_sink *sink;
	void *ctx;
	uint64_t off;		/* file offset of the next byte fed */
	size_t field;		/* the field the next byte belongs to */
	uint64_t done;		/* bytes of that field already consumed */
	unsigned char carry[8];	/* an element split between pieces */
	unsigned ncarry;
};

/* Start reading records of REC at file offset OFF. */
void record_reader_init(struct record_reader *rd, const struct record *rec,
			const struct record_sink *sink, void *ctx,
			uint64_t off);

/*
 * Feed the next N bytes; P NULL stands for N zero bytes (a hole).
 * Returns 0, or the non-zero value of the callback that stopped it.
 * After a whole number of records the reader is at a record's start.
 */
int record_feed(struct record_reader *rd, const unsigned char *p, size_t n);

#endif
