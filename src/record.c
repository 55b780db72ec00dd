/*
 * record.c - records of typed fields for peek -t and poke -t (record.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdata.h"
#include "numparse.h"
#include "record.h"

const char *const record_words[] = {
	"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f32", "f64",
	"u16le", "u32le", "u64le", "i16le", "i32le", "i64le", "f32le", "f64le",
	"u16be", "u32be", "u64be", "i16be", "i32be", "i64be", "f32be", "f64be",
	"x8", "x16", "x32", "x64", "x16le", "x32le", "x64le", "x16be", "x32be",
	"x64be", "bytes", "pad",
	NULL
};

static int is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(const char *s)
{
	if (!is_ident_start((unsigned char)*s))
		return 0;
	while (*++s != '\0')
		if (!is_ident_start((unsigned char)*s) &&
		    !(*s >= '0' && *s <= '9'))
			return 0;
	return 1;
}

/* Fill F's kind and type from the type name T.  0, or -1. */
static int parse_field_type(const char *t, struct field *f)
{
	char unsigned_name[8];

	if (strcmp(t, "bytes") == 0 || strcmp(t, "pad") == 0) {
		f->kind = t[0] == 'b' ? FIELD_BYTES : FIELD_PAD;
		return 0;
	}
	if (t[0] == 'x') {
		/* x16le is u16le shown in hex. */
		if (strlen(t) >= sizeof(unsigned_name))
			return -1;
		unsigned_name[0] = 'u';
		strcpy(unsigned_name + 1, t + 1);
		if (vtype_parse(unsigned_name, &f->type) < 0)
			return -1;
		f->kind = FIELD_HEX;
		return 0;
	}
	if (vtype_parse(t, &f->type) < 0)
		return -1;
	f->kind = FIELD_NUMBER;
	return 0;
}

char *field_label(const struct record *rec, const struct field *f,
		  char *buf, size_t size)
{
	if (f->name != NULL)
		snprintf(buf, size, "%s", f->name);
	else
		snprintf(buf, size, "field %zu (%s)",
			 (size_t)(f - rec->fields) + 1, f->type_name);
	return buf;
}

unsigned field_elem_size(const struct field *f)
{
	return f->kind == FIELD_NUMBER || f->kind == FIELD_HEX ?
	       f->type.size : 1;
}

static int fail(struct record_error *err, int errnum, const char *why,
		size_t at, size_t len)
{
	err->why = why;
	err->at = at;
	err->len = len;
	errno = errnum;
	return -1;
}

/*
 * Parse the field TEXT[START, END) (END is a ',' or the NUL, and becomes a
 * NUL) into F.  0, or -1 after filling *err.
 */
static int parse_field(char *text, size_t start, size_t end, struct field *f,
		       struct record_error *err)
{
	char *s = text + start, *eq, *colon;
	const char *why;
	size_t tstart = start;

	text[end] = '\0';
	if (end == start)
		return fail(err, EINVAL, "empty field", start, 0);
	eq = strchr(s, '=');
	if (eq != NULL) {
		*eq = '\0';
		if (!is_ident(s))
			return fail(err, EINVAL, "NAME is not a C identifier:",
				    start, (size_t)(eq - s));
		f->name = s;
		tstart = (size_t)(eq + 1 - text);
	}
	colon = strchr(text + tstart, ':');
	if (colon != NULL)
		*colon = '\0';
	f->type_name = text + tstart;
	if (parse_field_type(f->type_name, f) < 0)
		return fail(err, EINVAL, "unknown type", tstart,
			    strlen(f->type_name));
	f->count = 1;
	if (colon != NULL) {
		size_t cstart = (size_t)(colon + 1 - text);

		if (parse_count(colon + 1, &f->count, &why) < 0)
			return fail(err, errno, errno == ERANGE ?
				    "COUNT is larger than 2^63-1:" :
				    "invalid COUNT", cstart, end - cstart);
		if (f->count == 0)
			return fail(err, EINVAL, "COUNT must be at least 1, not",
				    cstart, end - cstart);
	}
	if (f->count > (uint64_t)INT64_MAX / field_elem_size(f))
		return fail(err, ERANGE, "field is larger than 2^63-1 bytes:",
			    start, end - start);
	f->size = f->count * field_elem_size(f);
	return 0;
}

/* Names: unique, and on every non-pad field or none.  0, or -1. */
static int check_names(const struct record *rec, const size_t *starts,
		       struct record_error *err)
{
	size_t i, j, named = 0, unnamed = 0;

	for (i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];

		if (f->name == NULL) {
			if (f->kind != FIELD_PAD)
				unnamed++;
			continue;
		}
		if (f->kind != FIELD_PAD)
			named++;
		for (j = 0; j < i; j++)
			if (rec->fields[j].name != NULL &&
			    strcmp(rec->fields[j].name, f->name) == 0)
				return fail(err, EINVAL, "duplicate name",
					    starts[i], strlen(f->name));
	}
	if (named > 0 && unnamed > 0) {
		for (i = 0; rec->fields[i].name != NULL ||
			    rec->fields[i].kind == FIELD_PAD; i++)
			;
		return fail(err, EINVAL, "name every field or none (pad may "
			    "go unnamed)", starts[i], 0);
	}
	return 0;
}

int record_parse(const char *fields, struct record *rec,
		 struct record_error *err)
{
	size_t n = strlen(fields), nf = 1, i, start, *starts = NULL;
	struct record r;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < n; i++)
		nf += fields[i] == ',';
	r.text = malloc(n + 1);
	r.fields = calloc(nf, sizeof(*r.fields));
	starts = calloc(nf, sizeof(*starts));
	if (r.text == NULL || r.fields == NULL || starts == NULL) {
		fail(err, ENOMEM, "out of memory", 0, 0);
		goto fail;
	}
	memcpy(r.text, fields, n + 1);
	r.nfields = nf;
	for (i = 0, start = 0; i < nf; i++) {
		struct field *f = &r.fields[i];
		size_t end = start + strcspn(r.text + start, ",");

		starts[i] = start;
		if (parse_field(r.text, start, end, f, err) < 0)
			goto fail;
		if (f->size > (uint64_t)INT64_MAX - r.size) {
			fail(err, ERANGE, "record passes 2^63-1 bytes with",
			     start, end - start);
			goto fail;
		}
		f->offset = r.size;
		r.size += f->size;
		if (f->kind == FIELD_BYTES)
			r.nvalues++;
		else if (f->kind != FIELD_PAD)
			r.nvalues += f->count;
		if (f->name != NULL && f->kind != FIELD_PAD)
			r.named = 1;
		start = end + 1;
	}
	if (check_names(&r, starts, err) < 0)
		goto fail;
	free(starts);
	*rec = r;
	return 0;

fail:
	free(starts);
	record_free(&r);
	*rec = r;
	return -1;
}

void record_free(struct record *rec)
{
	free(rec->fields);
	free(rec->text);
	memset(rec, 0, sizeof(*rec));
}

size_t record_format_value(const struct field *f, const unsigned char *in,
			   int json, char *buf)
{
	size_t n;

	if (f->kind == FIELD_HEX && !json) {
		unsigned size = f->type.size, i;

		buf[0] = '0';
		buf[1] = 'x';
		for (i = 0; i < size; i++)	/* most significant first */
			hex_encode(in + (f->type.big_endian ? i :
					 size - 1 - i), 1, buf + 2 + 2 * i);
		return 2 + 2 * (size_t)size;
	}
	n = vtype_format(&f->type, in, buf);
	if (json && f->type.kind == VT_FLOAT &&
	    (strstr(buf, "inf") != NULL || strstr(buf, "nan") != NULL)) {
		/* JSON has no infinities or NaN; the sign of a NaN goes. */
		const char *word = strstr(buf, "nan") ? "nan" :
				   buf[0] == '-' ? "-inf" : "inf";

		n = (size_t)snprintf(buf, RECORD_VALUE_MAX, "\"%s\"", word);
	} else if (json && f->type.kind == VT_FLOAT &&
		   strpbrk(buf, ".e") == NULL) {
		/* "-0" would read back as the integer 0, losing the sign,
		 * and "100" as an integer: "-0.0", "100.0" stay floats. */
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	return n;
}

int record_encode_value(const struct field *f, const char *text,
			unsigned char *out, const char **why)
{
	struct hexbytes hb;
	struct hex_error e;
	char *ops[1];

	if (f->kind == FIELD_NUMBER || f->kind == FIELD_HEX)
		return vtype_encode(&f->type, text, out, why);
	ops[0] = (char *)text;
	if (hex_parse(ops, 1, 0, &hb, &e) < 0) {
		*why = e.why;
		return -1;
	}
	if (hb.len != f->count) {
		hexbytes_free(&hb);
		*why = "wrong number of bytes for the field";
		errno = EINVAL;
		return -1;
	}
	memcpy(out, hb.bytes, hb.len);
	hexbytes_free(&hb);
	return 0;
}

void record_reader_init(struct record_reader *rd, const struct record *rec,
			const struct record_sink *sink, void *ctx,
			uint64_t off)
{
	memset(rd, 0, sizeof(*rd));
	rd->rec = rec;
	rd->sink = sink;
	rd->ctx = ctx;
	rd->off = off;
}

/* Zeros to stand for a hole's bytes. */
static const unsigned char zeros[4096];

/* Elements of a NUMBER or HEX field from K bytes at P (NULL: zeros). */
static int feed_values(struct record_reader *rd, const struct field *f,
		       const unsigned char *p, size_t k)
{
	unsigned es = f->type.size;
	int rc;

	while (k > 0) {
		size_t take = es - rd->ncarry;
		const unsigned char *elem;

		if (take > k)
			take = k;
		if (rd->ncarry == 0 && take == es) {
			elem = p ? p : zeros;
		} else {
			memcpy(rd->carry + rd->ncarry, p ? p : zeros, take);
			rd->ncarry += (unsigned)take;
			elem = rd->carry;
		}
		if (p != NULL)
			p += take;
		k -= take;
		rd->done += take;
		if (elem == rd->carry && rd->ncarry < es)
			break;
		rd->ncarry = 0;
		rc = rd->sink->value(rd->ctx, f, rd->done / es - 1, elem);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* K bytes of a BYTES field from P (NULL: zeros). */
static int feed_bytes(struct record_reader *rd, const struct field *f,
		      const unsigned char *p, size_t k)
{
	int rc;

	while (k > 0) {
		size_t m = p != NULL || k < sizeof(zeros) ? k : sizeof(zeros);

		rc = rd->sink->bytes(rd->ctx, f, p ? p : zeros, m);
		if (rc != 0)
			return rc;
		if (p != NULL)
			p += m;
		k -= m;
		rd->done += m;
	}
	return 0;
}

int record_feed(struct record_reader *rd, const unsigned char *p, size_t n)
{
	const struct record *rec = rd->rec;
	int rc = 0;

	while (n > 0) {
		const struct field *f = &rec->fields[rd->field];
		uint64_t left = f->size - rd->done;
		size_t k = left < n ? (size_t)left : n;

		if (rd->done == 0 && rd->ncarry == 0 && f->kind != FIELD_PAD &&
		    (rc = rd->sink->begin(rd->ctx, f, rd->off)) != 0)
			return rc;
		if (f->kind == FIELD_PAD)
			rd->done += k;
		else if (f->kind == FIELD_BYTES)
			rc = feed_bytes(rd, f, p, k);
		else
			rc = feed_values(rd, f, p, k);
		if (rc != 0)
			return rc;
		if (p != NULL)
			p += k;
		n -= k;
		rd->off += k;
		if (rd->done < f->size)
			continue;
		if (f->kind != FIELD_PAD &&
		    (rc = rd->sink->end(rd->ctx, f)) != 0)
			return rc;
		rd->done = 0;
		if (++rd->field == rec->nfields) {
			rd->field = 0;
			if ((rc = rd->sink->end_record(rd->ctx)) != 0)
				return rc;
		}
	}
	return 0;
}
