/*
 * fuzz_record.c - libFuzzer harness for the record parser and reader:
 * record_parse, record_feed, record_format_value, record_encode_value.
 *
 * Input: FIELDS NUL DATA.  A parse either fails with errno EINVAL, ERANGE
 * or ENOMEM and a reason that points inside FIELDS, or gives a record
 * whose fields lie end to end from offset 0, each COUNT >= 1, the size at
 * most 2^63-1, names C identifiers and distinct.  DATA is then fed to a
 * reader in two pieces split at its first byte's value, followed by a hole
 * (NULL) of the same length: the sink must see fields begin and end in
 * order, at the offsets the record says, with every element and byte of
 * the whole records fed, and each value must format and encode back to
 * its bytes (NaN aside).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "record.h"
#include "fuzzutil.h"

struct tally {
	const struct record *rec;
	uint64_t base, pos;	/* offset of the record being read, next byte */
	size_t field;		/* the field expected next */
	uint64_t elems, bytes;	/* of the current field */
	uint64_t records;
	int in_field;
};

/* The next field that is not pad, from T->field on (wrapping into the
 * next record's offset). */
static const struct field *expected_field(struct tally *t)
{
	const struct record *r = t->rec;

	while (r->fields[t->field].kind == FIELD_PAD) {
		if (++t->field == r->nfields) {
			t->field = 0;
			t->base += r->size;
		}
	}
	return &r->fields[t->field];
}

static int on_begin(void *ctx, const struct field *f, uint64_t off)
{
	struct tally *t = ctx;
	const struct field *want = expected_field(t);

	CHECK(!t->in_field && f == want, "begin out of order");
	CHECK(off == t->base + f->offset, "begin at %llu, not %llu",
	      (unsigned long long)off,
	      (unsigned long long)(t->base + f->offset));
	t->in_field = 1;
	t->elems = t->bytes = 0;
	return 0;
}

static int on_value(void *ctx, const struct field *f, uint64_t i,
		    const unsigned char *in)
{
	struct tally *t = ctx;
	char text[RECORD_VALUE_MAX + 8];
	unsigned char again[8];
	const char *why = NULL;
	size_t n;

	CHECK(t->in_field && (f->kind == FIELD_NUMBER || f->kind == FIELD_HEX),
	      "value outside a number field");
	CHECK(i == t->elems++, "element %llu out of order",
	      (unsigned long long)i);
	n = record_format_value(f, in, 0, text);
	CHECK(n > 0 && n < RECORD_VALUE_MAX && strlen(text) == n, "length");
	CHECK(record_encode_value(f, text, again, &why) == 0,
	      "'%s' does not encode: %s", text, why ? why : "?");
	if (!(f->type.kind == VT_FLOAT && strstr(text, "nan") != NULL))
		CHECK(memcmp(again, in, f->type.size) == 0,
		      "'%s' encodes to other bytes", text);
	n = record_format_value(f, in, 1, text);
	CHECK(n > 0 && n < RECORD_VALUE_MAX && strlen(text) == n, "json");
	return 0;
}

static int on_bytes(void *ctx, const struct field *f, const unsigned char *p,
		    size_t n)
{
	struct tally *t = ctx;

	CHECK(t->in_field && f->kind == FIELD_BYTES && p != NULL && n > 0,
	      "bytes outside a bytes field");
	t->bytes += n;
	CHECK(t->bytes <= f->count, "more bytes than COUNT");
	return 0;
}

static int on_end(void *ctx, const struct field *f)
{
	struct tally *t = ctx;

	CHECK(t->in_field, "end without begin");
	if (f->kind == FIELD_BYTES)
		CHECK(t->bytes == f->count, "bytes field short");
	else
		CHECK(t->elems == f->count, "number field short");
	t->in_field = 0;
	if (++t->field == t->rec->nfields) {
		t->field = 0;
		t->base += t->rec->size;
	}
	return 0;
}

static int on_end_record(void *ctx)
{
	struct tally *t = ctx;

	CHECK(!t->in_field, "record ended inside a field");
	t->records++;
	return 0;
}

static const struct record_sink sink = {
	on_begin, on_value, on_bytes, on_end, on_end_record
};

static int is_ident(const char *s)
{
	if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (s++; *s; s++)
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static void check_record(const struct record *r)
{
	uint64_t at = 0, values = 0;

	CHECK(r->nfields > 0 && r->size > 0 && r->size <= INT64_MAX, "size");
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];

		CHECK(f->count >= 1 && f->offset == at, "field %zu", i);
		CHECK(f->size == f->count * field_elem_size(f), "field size");
		at += f->size;
		values += f->kind == FIELD_PAD ? 0 :
			  f->kind == FIELD_BYTES ? 1 : f->count;
		if (f->name != NULL) {
			CHECK(is_ident(f->name), "name '%s'", f->name);
			for (size_t j = 0; j < i; j++)
				CHECK(r->fields[j].name == NULL ||
				      strcmp(r->fields[j].name, f->name) != 0,
				      "duplicate '%s'", f->name);
		}
		if (f->kind != FIELD_PAD)
			CHECK(r->named == (f->name != NULL), "named mixed");
	}
	CHECK(at == r->size && values == r->nvalues, "totals");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[3], *store;
	int n = fuzz_split(data, size, words, 2, &store);
	struct record r;
	struct record_error err;
	struct record_reader rd;
	struct tally t;
	const unsigned char *bytes;
	size_t nbytes, cut;

	memset(&err, 0, sizeof(err));
	if (record_parse(words[0], &r, &err) < 0) {
		CHECK(errno == EINVAL || errno == ERANGE || errno == ENOMEM,
		      "errno %d", errno);
		CHECK(err.why != NULL && err.at + err.len <= strlen(words[0]),
		      "reason outside FIELDS");
		CHECK(r.fields == NULL && r.text == NULL, "not zeroed");
		free(store);
		return 0;
	}
	check_record(&r);
	bytes = n >= 2 ? (const unsigned char *)words[1] : NULL;
	nbytes = bytes ? (size_t)(store + size - words[1]) : 0;
	memset(&t, 0, sizeof(t));
	t.rec = &r;
	record_reader_init(&rd, &r, &sink, &t, 0);
	if (nbytes > 0) {
		cut = bytes[0] % (nbytes + 1);
		CHECK(record_feed(&rd, bytes, cut) == 0, "feed");
		CHECK(record_feed(&rd, bytes + cut, nbytes - cut) == 0,
		      "feed");
		CHECK(record_feed(&rd, NULL, nbytes) == 0, "feed hole");
	}
	CHECK(t.records == 2 * nbytes / r.size, "%llu records, not %llu",
	      (unsigned long long)t.records,
	      (unsigned long long)(2 * nbytes / r.size));
	record_free(&r);
	free(store);
	return 0;
}
