/*
 * test_record.c - the record parser and reader (record.h) at their
 * limits: COUNT 0, 2^63-1 and 2^63, record sizes that overflow, names,
 * pad at the end, bytes:0, a record fed a byte at a time and as a hole.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "record.h"

/* Parse TEXT, which must fail with ERRNUM, a reason containing WHY, and
 * the reason's part of TEXT equal to PART. */
static void assert_refused(const char *text, int errnum, const char *why,
			   const char *part)
{
	struct record r;
	struct record_error e;

	memset(&r, 0x5a, sizeof(r));
	errno = 0;
	if (record_parse(text, &r, &e) == 0) {
		print_error("'%s' parsed\n", text);
		fail();
	}
	assert_int_equal(errno, errnum);
	if (strstr(e.why, why) == NULL) {
		print_error("'%s': reason '%s', want '%s'\n", text, e.why, why);
		fail();
	}
	assert_true(e.at + e.len <= strlen(text));
	assert_int_equal(e.len, strlen(part));
	assert_memory_equal(text + e.at, part, e.len);
	assert_null(r.fields);
	assert_null(r.text);
	assert_int_equal(r.size, 0);
}

static void test_single_types_as_vtype(void **state)
{
	struct record r;
	struct record_error e;

	(void)state;
	assert_int_equal(record_parse("u32le", &r, &e), 0);
	assert_int_equal(r.nfields, 1);
	assert_int_equal(r.size, 4);
	assert_int_equal(r.nvalues, 1);
	assert_int_equal(r.named, 0);
	assert_int_equal(r.fields[0].kind, FIELD_NUMBER);
	assert_int_equal(r.fields[0].type.big_endian, 0);
	assert_null(r.fields[0].name);
	record_free(&r);
	assert_int_equal(record_parse("x16be", &r, &e), 0);
	assert_int_equal(r.fields[0].kind, FIELD_HEX);
	assert_int_equal(r.fields[0].type.kind, VT_UNSIGNED);
	assert_int_equal(r.fields[0].type.size, 2);
	assert_int_equal(r.fields[0].type.big_endian, 1);
	record_free(&r);
}

static void test_layout_of_an_elf_header(void **state)
{
	struct record r;
	struct record_error e;

	(void)state;
	assert_int_equal(record_parse("e_ident=bytes:16,e_type=u16le,"
				      "e_machine=x16le,e_version=u32le,"
				      "e_entry=x64le,pad:8,e_shoff=u64le:1,"
				      "e_flags=x32le,e_sizes=u16le:6", &r, &e),
			 0);
	assert_int_equal(r.nfields, 9);
	assert_int_equal(r.size, 64);
	assert_int_equal(r.named, 1);
	/* bytes:16 is one value, pad none, u16le:6 six. */
	assert_int_equal(r.nvalues, 1 + 1 + 1 + 1 + 1 + 1 + 1 + 6);
	assert_string_equal(r.fields[1].name, "e_type");
	assert_int_equal(r.fields[1].offset, 16);
	assert_int_equal(r.fields[2].offset, 18);
	assert_int_equal(r.fields[4].offset, 24);
	assert_int_equal(r.fields[5].kind, FIELD_PAD);
	assert_null(r.fields[5].name);
	assert_int_equal(r.fields[6].offset, 40);
	assert_int_equal(r.fields[8].offset, 52);
	assert_int_equal(r.fields[8].count, 6);
	assert_int_equal(r.fields[8].size, 12);
	assert_string_equal(r.fields[8].type_name, "u16le");
	record_free(&r);
}

static void test_count_limits(void **state)
{
	struct record r;
	struct record_error e;

	(void)state;
	assert_refused("u8:0", EINVAL, "at least 1", "0");
	assert_refused("bytes:0", EINVAL, "at least 1", "0");
	assert_refused("pad:0", EINVAL, "at least 1", "0");
	assert_refused("u8:", EINVAL, "invalid COUNT", "");
	assert_refused("u8:-1", EINVAL, "invalid COUNT", "-1");
	assert_refused("u8:1x", EINVAL, "invalid COUNT", "1x");
	assert_refused("u8:9223372036854775808", ERANGE, "2^63-1",
		       "9223372036854775808");
	assert_refused("bytes:18446744073709551616", ERANGE, "2^63-1",
		       "18446744073709551616");
	/* 2^63-1 bytes is the largest record. */
	assert_int_equal(record_parse("pad:9223372036854775807", &r, &e), 0);
	assert_int_equal(r.size, INT64_MAX);
	record_free(&r);
	assert_int_equal(record_parse("u8:0x10,pad:1K", &r, &e), 0);
	assert_int_equal(r.size, 16 + 1024);
	record_free(&r);
	/* COUNT times the element size past 2^63-1. */
	assert_refused("u16:4611686018427387904", ERANGE, "larger than 2^63-1",
		       "u16:4611686018427387904");
	assert_refused("a=u8,b=u64:2E", ERANGE, "larger than 2^63-1",
		       "b=u64:2E");
	/* The sum of the fields past 2^63-1. */
	assert_refused("pad:9223372036854775807,u8", ERANGE, "2^63-1", "u8");
	assert_refused("pad:4E,pad:4E", ERANGE, "2^63-1", "pad:4E");
}

static void test_names(void **state)
{
	struct record r;
	struct record_error e;

	(void)state;
	assert_refused("a=u8,a=u16", EINVAL, "duplicate name", "a");
	assert_refused("a=u8,b=u8,pad:1,a=u8", EINVAL, "duplicate name", "a");
	assert_refused("1a=u8", EINVAL, "C identifier", "1a");
	assert_refused("a-b=u8", EINVAL, "C identifier", "a-b");
	assert_refused("=u8", EINVAL, "C identifier", "");
	assert_refused("a b=u8", EINVAL, "C identifier", "a b");
	assert_refused("a=u8,u16", EINVAL, "every field or none", "");
	assert_refused("u8,b=u16", EINVAL, "every field or none", "");
	/* Pad may go unnamed in a named record, or carry a name. */
	assert_int_equal(record_parse("_a1=u8,pad:3,B_=u8,gap=pad", &r, &e), 0);
	assert_int_equal(r.named, 1);
	assert_string_equal(r.fields[3].name, "gap");
	record_free(&r);
	/* A name that is also a type is just a name. */
	assert_int_equal(record_parse("u8=u16,pad=u8", &r, &e), 0);
	assert_string_equal(r.fields[0].name, "u8");
	assert_int_equal(r.fields[0].type.size, 2);
	record_free(&r);
}

static void test_types_and_fields(void **state)
{
	struct record r;
	struct record_error e;

	(void)state;
	assert_refused("u24", EINVAL, "unknown type", "u24");
	assert_refused("u8,x128", EINVAL, "unknown type", "x128");
	assert_refused("x", EINVAL, "unknown type", "x");
	assert_refused("xlongnamehere", EINVAL, "unknown type",
		       "xlongnamehere");
	assert_refused("bytesle", EINVAL, "unknown type", "bytesle");
	assert_refused("a=", EINVAL, "unknown type", "");
	assert_refused("", EINVAL, "empty field", "");
	assert_refused("u8,", EINVAL, "empty field", "");
	assert_refused("u8,,u8", EINVAL, "empty field", "");
	/* Pad at the end counts in the size, and holds no value. */
	assert_int_equal(record_parse("u16le,pad:6", &r, &e), 0);
	assert_int_equal(r.size, 8);
	assert_int_equal(r.nvalues, 1);
	record_free(&r);
	assert_int_equal(record_parse("pad:3", &r, &e), 0);
	assert_int_equal(r.nvalues, 0);
	record_free(&r);
}

/* ---- the reader ---------------------------------------------------- */

struct seen {
	char log[512];
	size_t len;
};

static void logf_(struct seen *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	s->len += (size_t)vsnprintf(s->log + s->len, sizeof(s->log) - s->len,
				    fmt, ap);
	va_end(ap);
}

static int on_begin(void *ctx, const struct field *f, uint64_t off)
{
	logf_(ctx, "<%s@%llu", f->type_name, (unsigned long long)off);
	return 0;
}

static int on_value(void *ctx, const struct field *f, uint64_t i,
		    const unsigned char *in)
{
	char text[RECORD_VALUE_MAX];

	record_format_value(f, in, 0, text);
	logf_(ctx, " %llu:%s", (unsigned long long)i, text);
	return 0;
}

static int on_bytes(void *ctx, const struct field *f, const unsigned char *p,
		    size_t n)
{
	(void)f;
	for (size_t i = 0; i < n; i++)
		logf_(ctx, " %02x", p[i]);
	return 0;
}

static int on_end(void *ctx, const struct field *f)
{
	(void)f;
	logf_(ctx, ">");
	return 0;
}

static int on_end_record(void *ctx)
{
	logf_(ctx, "|");
	return 0;
}

static const struct record_sink sink = {
	on_begin, on_value, on_bytes, on_end, on_end_record
};

static void read_log(const char *fields, const unsigned char *data,
		     size_t len, size_t piece, struct seen *s)
{
	struct record r;
	struct record_error e;
	struct record_reader rd;

	memset(s, 0, sizeof(*s));
	assert_int_equal(record_parse(fields, &r, &e), 0);
	record_reader_init(&rd, &r, &sink, s, 100);
	for (size_t i = 0; i < len; i += piece)
		assert_int_equal(record_feed(&rd, data ? data + i : NULL,
					     len - i < piece ? len - i : piece),
				 0);
	record_free(&r);
}

static void test_reader_any_pieces(void **state)
{
	static const unsigned char data[] = {
		0x01, 0x02, 0x03, 0xaa, 0xbb, 0xff, 0xfe, 0xee, 0xdd,
		0x11, 0x22, 0x33, 0xaa, 0xbb, 0x00, 0x80, 0xcc, 0xdd,
	};
	const char *want =
		"<u8@100 0:1><x16be@101 0:0x0203><bytes@103 aa bb>"
		"<i8@105 0:-1 1:-2>|"
		"<u8@109 0:17><x16be@110 0:0x2233><bytes@112 aa bb>"
		"<i8@114 0:0 1:-128>|";
	struct seen s, t;

	(void)state;
	for (size_t piece = 1; piece <= sizeof(data); piece++) {
		read_log("u8,x16be,bytes:2,i8:2,pad:2", data, sizeof(data),
			 piece, &s);
		if (strcmp(s.log, want) != 0)
			print_error("piece %zu: %s\n", piece, s.log);
		assert_string_equal(s.log, want);
	}
	/* A hole reads as zeros; a record cut short ends nothing. */
	read_log("x16le,bytes:3,pad:1", NULL, 8, 3, &t);
	assert_string_equal(t.log, "<x16le@100 0:0x0000><bytes@102 00 00 00>|"
			    "<x16le@106 0:0x0000>");
	read_log("u32le,u8", data, 4, 4, &t);
	assert_string_equal(t.log, "<u32le@100 0:2852323841>");
}

static void test_format_and_encode(void **state)
{
	struct record r;
	struct record_error e;
	unsigned char out[8], b[4];
	const char *why = NULL;
	char text[RECORD_VALUE_MAX];
	const unsigned char inf[4] = { 0, 0, 0x80, 0xff };	/* -inf le */
	const unsigned char nan[4] = { 0, 0, 0xc0, 0x7f };
	const unsigned char big[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff };

	(void)state;
	assert_int_equal(record_parse("x64le,f32le,u64le,bytes:3", &r, &e), 0);
	record_format_value(&r.fields[0], big, 0, text);
	assert_string_equal(text, "0xffffffffffffffff");
	/* JSON: 64-bit integers exactly, in decimal also for x types. */
	record_format_value(&r.fields[0], big, 1, text);
	assert_string_equal(text, "18446744073709551615");
	record_format_value(&r.fields[2], big, 1, text);
	assert_string_equal(text, "18446744073709551615");
	record_format_value(&r.fields[1], inf, 1, text);
	assert_string_equal(text, "\"-inf\"");
	record_format_value(&r.fields[1], nan, 1, text);
	assert_string_equal(text, "\"nan\"");
	record_format_value(&r.fields[1], nan, 0, text);
	assert_string_equal(text, "nan");
	assert_int_equal(record_encode_value(&r.fields[0], "0x003e", out, &why),
			 0);
	assert_memory_equal(out, "\x3e\0\0\0\0\0\0\0", 8);
	assert_int_equal(record_encode_value(&r.fields[3], "de:ad be", b,
					     &why), 0);
	assert_memory_equal(b, "\xde\xad\xbe", 3);
	memset(b, 0x5a, sizeof(b));
	assert_int_equal(record_encode_value(&r.fields[3], "dead", b, &why),
			 -1);
	assert_non_null(strstr(why, "number of bytes"));
	assert_int_equal(b[0], 0x5a);
	assert_int_equal(record_encode_value(&r.fields[3], "dead??", b, &why),
			 -1);
	record_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_types_as_vtype),
		cmocka_unit_test(test_layout_of_an_elf_header),
		cmocka_unit_test(test_count_limits),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_types_and_fields),
		cmocka_unit_test(test_reader_any_pieces),
		cmocka_unit_test(test_format_and_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
