/*
 * recout.c - printing and checking records for peek -t (recout.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hexdata.h"
#include "recout.h"

/* A line longer than this goes out in pieces: memory stays bounded even
 * for a bytes field of gigabytes. */
#define LINE_LIMIT (64u << 10)

/* ---- --expect VALUES ------------------------------------------------ */

static int expect_fail(struct expect_error *err, const char *why,
		       const char *text, size_t len, const struct field *f)
{
	err->why = why;
	err->text = text;
	err->len = len;
	err->field = f;
	errno = EINVAL;
	return -1;
}

/* The field named NAME (LEN bytes), or NULL. */
static const struct field *field_named(const struct record *rec,
				       const char *name, size_t len)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const struct field *f = &rec->fields[i];

		if (f->name != NULL && f->kind != FIELD_PAD &&
		    strlen(f->name) == len && memcmp(f->name, name, len) == 0)
			return f;
	}
	return NULL;
}

/*
 * Fill FE for field F from the item VALUE[0..LEN): "?", hex for bytes, or
 * COUNT blank-separated values.  0, or -1 after filling *err.
 */
static int expect_field(const struct field *f, const char *value, size_t len,
			struct field_expect *fe, struct expect_error *err)
{
	unsigned es = field_elem_size(f);
	const char *why = "";
	char *item, *word, *save = NULL;
	uint64_t i = 0;
	int rc = -1;

	if (len == 1 && value[0] == '?')
		return 0;
	item = malloc(len + 1);
	if (item == NULL)
		return expect_fail(err, "out of memory", value, len, f);
	memcpy(item, value, len);
	item[len] = '\0';
	if (f->kind == FIELD_BYTES) {
		struct hexbytes hb;
		struct hex_error e;
		char *ops[1];

		ops[0] = item;
		if (hex_parse(ops, 1, HEX_WILDCARD, &hb, &e) < 0) {
			expect_fail(err, e.why, value, len, f);
		} else if (hb.len != f->count) {
			expect_fail(err, "wrong number of bytes for the field",
				    value, len, f);
		} else {
			fe->want = hb.bytes;
			fe->mask = hb.mask;
			hb.bytes = hb.mask = NULL;
			if (fe->mask == NULL) {
				fe->mask = malloc(f->size);
				if (fe->mask != NULL)
					memset(fe->mask, 0xff, f->size);
			}
			rc = fe->mask ? 0 : expect_fail(err, "out of memory",
						       value, len, f);
		}
		hexbytes_free(&hb);
		free(item);
		return rc;
	}
	/* COUNT values need at least 2*COUNT-1 characters: the buffers
	 * below are bounded by the length of the argument. */
	if (f->count > len / 2 + 1) {
		free(item);
		return expect_fail(err, "too few values for the field", value,
				   len, f);
	}
	fe->want = calloc(1, f->size);
	fe->mask = calloc(1, f->size);
	if (fe->want == NULL || fe->mask == NULL) {
		free(item);
		return expect_fail(err, "out of memory", value, len, f);
	}
	for (word = strtok_r(item, " \t", &save); word != NULL;
	     word = strtok_r(NULL, " \t", &save), i++) {
		if (i == f->count) {
			why = "too many values for the field";
			goto bad;
		}
		if (strcmp(word, "?") == 0)
			continue;
		if (record_encode_value(f, word, fe->want + i * es, &why) < 0) {
			/* Name the value itself, within the item. */
			value += word - item;
			len = strlen(word);
			goto bad;
		}
		memset(fe->mask + i * es, 0xff, es);
	}
	if (i < f->count) {
		why = "too few values for the field";
		goto bad;
	}
	free(item);
	return 0;
bad:
	free(item);
	return expect_fail(err, why, value, len, f);
}

int expect_parse(const struct record *rec, const char *values,
		 struct field_expect **out, struct expect_error *err)
{
	struct field_expect *fe = calloc(rec->nfields ? rec->nfields : 1,
					 sizeof(*fe));
	char *given = calloc(rec->nfields ? rec->nfields : 1, 1);
	const char *item = values, *eq;
	size_t next = 0, len, nitems = 0, wanted = 0, i;
	int named = -1;

	*out = NULL;
	if (fe == NULL || given == NULL) {
		free(fe);
		free(given);
		return expect_fail(err, "out of memory", values, 0, NULL);
	}
	for (i = 0; i < rec->nfields; i++)
		wanted += rec->fields[i].kind != FIELD_PAD;
	for (;; item += len + 1) {
		const struct field *f;

		len = strcspn(item, ",");
		eq = memchr(item, '=', len);
		if (named < 0)
			named = eq != NULL;
		if (named != (eq != NULL)) {
			expect_fail(err, "give every item as NAME=VALUE or "
				    "none", item, len, NULL);
			goto fail;
		}
		nitems++;
		if (named) {
			if (!rec->named) {
				expect_fail(err, "NAME=VALUE needs named "
					    "fields", item, len, NULL);
				goto fail;
			}
			f = field_named(rec, item, (size_t)(eq - item));
			if (f == NULL) {
				expect_fail(err, "no field of that name", item,
					    (size_t)(eq - item), NULL);
				goto fail;
			}
			if (given[f - rec->fields]++) {
				expect_fail(err, "field given twice", item,
					    (size_t)(eq - item), NULL);
				goto fail;
			}
			if (expect_field(f, eq + 1, len - (size_t)(eq + 1 - item),
					 &fe[f - rec->fields], err) < 0)
				goto fail;
		} else {
			while (next < rec->nfields &&
			       rec->fields[next].kind == FIELD_PAD)
				next++;
			if (next < rec->nfields &&
			    expect_field(&rec->fields[next], item, len,
					 &fe[next], err) < 0)
				goto fail;
			next++;
		}
		if (item[len] == '\0')
			break;
	}
	if (!named && nitems != wanted) {
		expect_fail(err, nitems < wanted ? "fewer values than fields" :
			    "more values than fields", values, strlen(values),
			    NULL);
		goto fail;
	}
	free(given);
	*out = fe;
	return 0;
fail:
	free(given);
	expect_free(rec, fe);
	return -1;
}

void expect_free(const struct record *rec, struct field_expect *fe)
{
	if (fe == NULL)
		return;
	for (size_t i = 0; i < rec->nfields; i++) {
		free(fe[i].want);
		free(fe[i].mask);
	}
	free(fe);
}

/* ---- lines ---------------------------------------------------------- */

/* Write the pending part of the line to the output. */
static int line_flush(struct recout *ro)
{
	unsigned char *o;

	if (ro->len <= ro->out->cap) {
		o = outbuf_reserve(ro->out, ro->len);
		if (o == NULL)
			return -1;
		memcpy(o, ro->line, ro->len);
		outbuf_commit(ro->out, ro->len);
	} else if (outbuf_write(ro->out, ro->line, ro->len) < 0) {
		return -1;
	}
	ro->len = 0;
	return 0;
}

/* Append N (at most LINE_LIMIT) bytes of S to the line. */
static int line_add(struct recout *ro, const char *s, size_t n)
{
	if (n > ro->cap - ro->len && line_flush(ro) < 0)
		return -1;
	memcpy(ro->line + ro->len, s, n);
	ro->len += n;
	return 0;
}

#define line_str(ro, s) line_add((ro), (s), strlen(s))

/* Append the hex of P[0..N), in pieces the line can hold. */
static int line_hex(struct recout *ro, const unsigned char *p, size_t n)
{
	char hex[2 * 512 + 1];

	while (n > 0) {
		size_t k = n < 512 ? n : 512;

		hex_encode(p, k, hex);
		if (line_add(ro, hex, 2 * k) < 0)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

/* ---- printing ------------------------------------------------------- */

/* JSON: the record's bracket before its first item, a comma before the
 * others. */
static int json_item(struct recout *ro)
{
	if (!ro->opened) {
		ro->opened = 1;
		if (line_str(ro, ro->rec->named ? "{" : "[") < 0)
			return -1;
	}
	return ro->items++ > 0 ? line_str(ro, ",") : 0;
}

static int print_begin(void *ctx, const struct field *f, uint64_t off)
{
	struct recout *ro = ctx;

	(void)off;
	if (!ro->json) {
		/* Several values are quoted, so that eval takes one line as
		 * one assignment: no value holds a quote or a backslash. */
		if (ro->rec->named &&
		    (line_str(ro, f->name) < 0 || line_str(ro, "=") < 0 ||
		     (f->kind != FIELD_BYTES && f->count > 1 &&
		      line_str(ro, "'") < 0)))
			return -1;
		return 0;
	}
	if (ro->rec->named) {
		if (json_item(ro) < 0 || line_str(ro, "\"") < 0 ||
		    line_str(ro, f->name) < 0 || line_str(ro, "\":") < 0)
			return -1;
		if (f->kind != FIELD_BYTES && f->count > 1 &&
		    line_str(ro, "[") < 0)
			return -1;
	} else if (f->kind == FIELD_BYTES && json_item(ro) < 0) {
		return -1;
	}
	return f->kind == FIELD_BYTES ? line_str(ro, "\"") : 0;
}

static int print_value(void *ctx, const struct field *f, uint64_t i,
		       const unsigned char *in)
{
	struct recout *ro = ctx;
	char text[RECORD_VALUE_MAX];
	size_t n = record_format_value(f, in, ro->json, text);

	if (ro->json && !ro->rec->named) {
		if (json_item(ro) < 0)
			return -1;
	} else if (ro->rec->named && i > 0 &&
		   line_str(ro, ro->json ? "," : " ") < 0) {
		return -1;
	}
	if (line_add(ro, text, n) < 0)
		return -1;
	if (!ro->json && !ro->rec->named)	/* one value per line */
		return line_str(ro, "\n") < 0 || line_flush(ro) < 0 ? -1 : 0;
	return 0;
}

static int print_bytes(void *ctx, const struct field *f,
		       const unsigned char *p, size_t n)
{
	(void)f;
	return line_hex(ctx, p, n);
}

static int print_end(void *ctx, const struct field *f)
{
	struct recout *ro = ctx;

	if (ro->json) {
		if (f->kind == FIELD_BYTES)
			return line_str(ro, "\"");
		return ro->rec->named && f->count > 1 ? line_str(ro, "]") : 0;
	}
	if (ro->rec->named && f->kind != FIELD_BYTES && f->count > 1 &&
	    line_str(ro, "'") < 0)
		return -1;
	if (ro->rec->named || f->kind == FIELD_BYTES)
		return line_str(ro, "\n") < 0 || line_flush(ro) < 0 ? -1 : 0;
	return 0;
}

static int print_end_record(void *ctx)
{
	struct recout *ro = ctx;

	if (!ro->json)
		return 0;
	if (!ro->opened && line_str(ro, ro->rec->named ? "{" : "[") < 0)
		return -1;
	ro->opened = 0;
	ro->items = 0;
	if (line_str(ro, ro->rec->named ? "}\n" : "]\n") < 0)
		return -1;
	return line_flush(ro);
}

static const struct record_sink print_sink = {
	print_begin, print_value, print_bytes, print_end, print_end_record
};

/* ---- checking ------------------------------------------------------- */

/* Add S to the found text, which ends in "..." once it is full. */
static void found_add(struct recout *ro, const char *s, size_t n)
{
	if (ro->found_full)
		return;
	if (n > sizeof(ro->found) - 3 - ro->nfound) {
		memcpy(ro->found + ro->nfound, "...", 3);
		ro->nfound += 3;
		ro->found_full = 1;
		return;
	}
	memcpy(ro->found + ro->nfound, s, n);
	ro->nfound += n;
}

static int check_begin(void *ctx, const struct field *f, uint64_t off)
{
	struct recout *ro = ctx;

	(void)f;
	ro->bad = 0;
	ro->field_off = off;
	ro->nfound = 0;
	ro->found_full = 0;
	return 0;
}

static int check_value(void *ctx, const struct field *f, uint64_t i,
		       const unsigned char *in)
{
	struct recout *ro = ctx;
	const struct field_expect *fe = &ro->expect[f - ro->rec->fields];
	unsigned es = field_elem_size(f);
	char text[RECORD_VALUE_MAX];
	size_t n;

	if (fe->want == NULL)
		return 0;
	if (fe->mask[i * es] != 0 && !vtype_equal(&f->type, in,
						  fe->want + i * es))
		ro->bad = 1;
	if (i > 0)
		found_add(ro, " ", 1);
	n = record_format_value(f, in, 0, text);
	found_add(ro, text, n);
	return 0;
}

static int check_bytes(void *ctx, const struct field *f,
		       const unsigned char *p, size_t n)
{
	struct recout *ro = ctx;
	const struct field_expect *fe = &ro->expect[f - ro->rec->fields];
	uint64_t at = ro->rd.done;	/* bytes of the field before P */
	char hex[3];

	if (fe->want == NULL)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if ((p[i] & fe->mask[at + i]) != fe->want[at + i])
			ro->bad = 1;
		if (!ro->found_full) {
			hex_encode(p + i, 1, hex);
			found_add(ro, hex, 2);
		}
	}
	return 0;
}

/* The expected value of F as text, shortened as the found one is. */
static void format_expected(struct recout *ro, const struct field *f,
			    const struct field_expect *fe, char *buf,
			    size_t size)
{
	unsigned es = field_elem_size(f);
	size_t len = 0, n;
	char text[RECORD_VALUE_MAX];

	for (uint64_t i = 0; i < f->count && len + 4 < size; i++) {
		if (f->kind == FIELD_BYTES) {
			if (fe->mask[i])
				hex_encode(fe->want + i, 1, text);
			else
				strcpy(text, "??");
			n = 2;
		} else {
			if (i > 0)
				buf[len++] = ' ';
			if (fe->mask[i * es])
				n = record_format_value(f, fe->want + i * es, 0,
							text);
			else
				n = (size_t)snprintf(text, sizeof(text), "?");
		}
		if (len + n + 4 >= size) {
			memcpy(buf + len, "...", 3);
			len += 3;
			break;
		}
		memcpy(buf + len, text, n);
		len += n;
	}
	buf[len] = '\0';
	(void)ro;
}

static int check_end(void *ctx, const struct field *f)
{
	struct recout *ro = ctx;
	const struct field_expect *fe = &ro->expect[f - ro->rec->fields];
	char label[96], want[sizeof(ro->found)], line[512];
	size_t n;

	if (fe->want == NULL || !ro->bad)
		return 0;
	format_expected(ro, f, fe, want, sizeof(want));
	n = (size_t)snprintf(line, sizeof(line),
			     "%s at 0x%llx: found %.*s, expected %s",
			     field_label(ro->rec, f, label, sizeof(label)),
			     (unsigned long long)ro->field_off,
			     (int)ro->nfound, ro->found, want) + 1;
	if (n > sizeof(line))
		n = sizeof(line);
	if (n > ro->report_cap - ro->nreport) {
		size_t cap = ro->report_cap ? 2 * ro->report_cap : 4096;
		char *q = realloc(ro->report, cap);

		if (q == NULL)
			return -1;
		ro->report = q;
		ro->report_cap = cap;
	}
	memcpy(ro->report + ro->nreport, line, n - 1);
	ro->report[ro->nreport + n - 1] = '\0';
	ro->nreport += n;
	ro->mismatches++;
	return 0;
}

static int check_end_record(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct record_sink check_sink = {
	check_begin, check_value, check_bytes, check_end, check_end_record
};

int recout_init(struct recout *ro, const struct record *rec,
		struct outbuf *out, int json, struct field_expect *expect,
		uint64_t off)
{
	memset(ro, 0, sizeof(*ro));
	ro->rec = rec;
	ro->out = out;
	ro->json = json;
	ro->expect = expect;
	if (expect == NULL) {
		ro->cap = LINE_LIMIT;
		ro->line = malloc(ro->cap);
		if (ro->line == NULL)
			return -1;
	}
	record_reader_init(&ro->rd, rec, expect ? &check_sink : &print_sink,
			   ro, off);
	return 0;
}

int recout_feed(struct recout *ro, const unsigned char *p, size_t n)
{
	return record_feed(&ro->rd, p, n) != 0 ? -1 : 0;
}

const char *recout_mismatches(const struct recout *ro, uint64_t *n)
{
	*n = ro->mismatches;
	return ro->mismatches ? ro->report : NULL;
}

void recout_free(struct recout *ro)
{
	free(ro->line);
	free(ro->report);
	ro->line = ro->report = NULL;
}
