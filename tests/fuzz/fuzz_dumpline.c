/*
 * fuzz_dumpline.c - libFuzzer harness for the dump-line parser
 * (dumpline_parse), the reader under patch.
 *
 * 1. The whole input is one line.  OUT is exactly N/2 bytes, so ASan
 *    catches a parser that stores more than the contract allows; the
 *    result must be consistent, and appending blanks, a tab and a CR (what
 *    dumpline.h says is ignored) must not change it.
 *    A guarded line ('-', '+' or ' ' before a line) must parse as the
 *    line after its prefix does.
 * 2. Round trip: the input after a 3-byte header is dumped by dumpfmt (the
 *    formatter behind hexdump), canonical or xxd with any -c/-g layout, at
 *    a start offset the header picks; parsing those lines back and
 *    replaying them (a '*' repeats the line before it up to the next
 *    offset) must give exactly the input bytes, and every line must pass
 *    dumpseq_next (the order patch and hexdump -r check), but for the
 *    lone offset of a dump of no bytes, which dumpseq refuses on purpose.
 *    Each line with a guarded prefix must parse to the same bytes.
 *    The xxd dumps may be made with -e, -b, -d or -a (header bits 6-7 and
 *    2), and are then read back with the same flags.
 * 3. Every flag set of dumpline_parse_as, and dumpline_parse_hex (what
 *    hexdump -r -f plain reads), on the whole input as one line: results
 *    consistent, OUT within its bounds, trailing blanks ignored; and a
 *    plain dump (xxd -p layout) of the input reads back as the input.
 * 4. dumpline_xxd_run (the many-lines-at-once path of hexdump -r) on the
 *    input, from the offset its first line gives: every line it takes is
 *    a DATA line dumpline_parse reads with the same offset and bytes.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "dumpfmt.h"
#include "dumpline.h"
#include "outbuf.h"
#include "fuzzutil.h"

/* What dumpfmt writes is collected here through outbuf's write_fn. */
static unsigned char *dump_text;
static size_t dump_len, dump_cap;

static ssize_t collect(int fd, const void *p, size_t n)
{
	(void)fd;
	if (n > dump_cap - dump_len) {
		size_t cap = dump_cap ? dump_cap : 4096;

		while (cap - dump_len < n)
			cap *= 2;
		dump_text = realloc(dump_text, cap);
		if (dump_text == NULL)
			abort();
		dump_cap = cap;
	}
	memcpy(dump_text + dump_len, p, n);
	dump_len += n;
	return (ssize_t)n;
}

static void check_line(const uint8_t *data, size_t size)
{
	unsigned char *out = malloc(size / 2), *out2;
	char *padded = malloc(size + 3);
	struct dumpline dl, dl2;
	const char *why = NULL;
	int rc, rc2;

	if ((out == NULL && size / 2 > 0) || padded == NULL)
		abort();
	errno = 0;
	rc = dumpline_parse((const char *)data, size, out, &dl, &why);
	if (rc != 0) {
		CHECK(rc == -1 && errno == EINVAL, "rc %d errno %d", rc, errno);
		CHECK(why != NULL && *why != '\0', "no reason");
		CHECK(dl.column >= 1 && dl.column <= size + 1,
		      "column %zu of a %zu-byte line", dl.column, size);
	} else {
		switch (dl.kind) {
		case DUMPLINE_BLANK:
		case DUMPLINE_STAR:
			CHECK(dl.layout == DUMPLINE_NONE, "layout %d",
			      dl.layout);
			break;
		case DUMPLINE_END:
			CHECK(dl.offset <= INT64_MAX, "offset");
			break;
		case DUMPLINE_HEADER:
			CHECK(dl.side == DUMPLINE_OLD ||
			      dl.side == DUMPLINE_NEW, "header side %d",
			      dl.side);
			break;
		case DUMPLINE_HUNK:
			CHECK(dl.offset <= INT64_MAX && dl.offset2 <= INT64_MAX,
			      "hunk offsets");
			break;
		case DUMPLINE_DATA:
			CHECK(dl.layout == DUMPLINE_XXD ||
			      dl.layout == DUMPLINE_CANONICAL, "layout %d",
			      dl.layout);
			CHECK(dl.len >= 1 && dl.len <= size / 2, "len %zu",
			      dl.len);
			CHECK(dl.offset <= INT64_MAX &&
			      dl.len <= (uint64_t)INT64_MAX - dl.offset,
			      "bytes pass 2^63-1");
			break;
		default:
			CHECK(0, "kind %d", dl.kind);
		}
	}

	/* A guarded line is its prefix and a plain line. */
	if (rc == 0 && dl.side != DUMPLINE_PLAIN &&
	    (dl.kind == DUMPLINE_DATA || dl.kind == DUMPLINE_END)) {
		unsigned char *out3 = malloc(size / 2 + 1);
		struct dumpline dl3;

		if (out3 == NULL)
			abort();
		CHECK(dumpline_parse((const char *)data + 1, size - 1, out3,
				     &dl3, NULL) == 0, "prefixed line parses, "
		      "the line alone does not");
		CHECK(dl3.side == DUMPLINE_PLAIN && dl3.kind == dl.kind &&
		      dl3.offset == dl.offset && dl3.len == dl.len &&
		      (dl.kind != DUMPLINE_DATA ||
		       memcmp(out, out3, dl.len) == 0),
		      "the prefix changes the line");
		free(out3);
	}

	/* Trailing blanks, a tab and a CR are ignored. */
	memcpy(padded, data, size);
	memcpy(padded + size, " \t\r", 3);
	out2 = malloc((size + 3) / 2);
	if (out2 == NULL)
		abort();
	rc2 = dumpline_parse(padded, size + 3, out2, &dl2, NULL);
	CHECK(rc2 == rc, "trailing blanks change the result: %d, then %d",
	      rc, rc2);
	if (rc == 0) {
		CHECK(dl2.kind == dl.kind && dl2.layout == dl.layout &&
		      dl2.offset == dl.offset && dl2.len == dl.len,
		      "trailing blanks change the line");
		CHECK(dl.kind != DUMPLINE_DATA ||
		      memcmp(out, out2, dl.len) == 0,
		      "trailing blanks change the bytes");
	}
	free(out);
	free(out2);
	free(padded);
}

/*
 * The line LINE (N bytes, parsed as DL into BYTES) with each guarded
 * prefix, as diff prints it: the same bytes, the prefix in dl->side
 * (context only for data lines).
 */
static void check_prefixed(const unsigned char *line, size_t n,
			   const struct dumpline *dl, const unsigned char *bytes)
{
	static const char prefixes[] = "-+ ";
	char *g = malloc(n + 1);
	unsigned char *out = malloc(n / 2 + 1);

	if (g == NULL || out == NULL)
		abort();
	memcpy(g + 1, line, n);
	for (int k = 0; k < 3; k++) {
		struct dumpline gl;
		int rc;

		g[0] = prefixes[k];
		rc = dumpline_parse(g, n + 1, out, &gl, NULL);
		if (k == 2 && dl->kind != DUMPLINE_DATA) {
			CHECK(rc == -1, "context line without bytes taken");
			continue;
		}
		CHECK(rc == 0 && gl.kind == dl->kind &&
		      gl.side == (k == 0 ? DUMPLINE_OLD : k == 1 ?
				  DUMPLINE_NEW : DUMPLINE_CONTEXT) &&
		      gl.offset == dl->offset && gl.len == dl->len &&
		      (dl->kind != DUMPLINE_DATA ||
		       memcmp(out, bytes, dl->len) == 0),
		      "'%c' before a dump line changes it", prefixes[k]);
	}
	free(g);
	free(out);
}

static const uint64_t starts[] = {
	0, 5, 4093, 0xfffffff9ULL, 5ULL << 30, (1ULL << 40) + 1,
	0x7fffffffULL, 16
};

static void check_round_trip(const uint8_t *data, size_t size)
{
	struct dump_opts opts;
	struct outbuf ob;
	struct dumper d;
	unsigned char *got, *line_bytes, prev[256];
	uint64_t start, next, prev_off = 0;
	size_t prev_len = 0, pos, end;
	int starred = 0, lines = 0;
	struct dumpseq sq;
	char msg[160];
	unsigned flags;

	if (size < 3)
		return;
	memset(&opts, 0, sizeof(opts));
	opts.group = -1;
	flags = 0;
	switch (data[0] % 4) {
	case 0: opts.format = DUMP_CANONICAL; opts.squeeze = 1; break;
	case 1: opts.format = DUMP_CANONICAL; opts.squeeze = 0; break;
	default:
		opts.format = DUMP_XXD;
		opts.cols = data[1];	/* 0: the default, 16 */
		if (data[1] == 255)
			opts.cols = DUMP_XXD_COLS_MAX;
		opts.group = data[0] % 4 == 2 ? -1 : data[2] % 64;
		opts.squeeze = data[0] & 4 ? 1 : 0;
		opts.autoskip = opts.squeeze;
		switch (data[0] >> 6) {
		case 1: opts.little_endian = 1; flags = DUMPLINE_LITTLE_ENDIAN;
			break;
		case 2: opts.bits = 1; flags = DUMPLINE_BITS; break;
		case 3: opts.decimal = 1; flags = DUMPLINE_DECIMAL; break;
		}
		break;
	}
	start = starts[(data[0] >> 3) % (sizeof(starts) / sizeof(starts[0]))];
	data += 3;
	size -= 3;

	dump_len = 0;
	if (outbuf_init(&ob, 1, 0) != 0)
		abort();
	ob.write_fn = collect;
	CHECK(dumper_init(&d, &opts, start, &ob) == 0, "dumper_init");
	CHECK(dumper_feed(&d, data, size) == 0, "dumper_feed");
	CHECK(dumper_finish(&d) == 0, "dumper_finish");
	dumper_free(&d);
	outbuf_free(&ob);

	got = calloc(size + 1, 1);
	line_bytes = malloc(dump_len / 2 + 1);
	if (got == NULL || line_bytes == NULL)
		abort();
	dumpseq_init(&sq);
	next = start;	/* where the replayed bytes have got to */
	for (pos = 0; pos < dump_len; pos = end + 1) {
		struct dumpline dl;
		const char *why = "";

		for (end = pos; end < dump_len && dump_text[end] != '\n'; end++)
			;
		CHECK(end < dump_len, "dump does not end with a newline");
		lines++;
		CHECK(dumpline_parse_as((const char *)dump_text + pos,
					end - pos, flags, line_bytes, &dl,
					&why) == 0,
		      "line %d of the dump does not parse: %s: '%.*s'", lines,
		      why, (int)(end - pos), dump_text + pos);
		if (size == 0 && opts.format == DUMP_CANONICAL)
			CHECK(dl.kind == DUMPLINE_END && dumpseq_next(&sq, &dl,
			      msg, sizeof(msg)) == -1, "a dump of no bytes");
		else
			CHECK(dumpseq_next(&sq, &dl, msg, sizeof(msg)) == 0,
			      "line %d of the dump is out of order: %s", lines,
			      msg);
		if (dl.kind == DUMPLINE_STAR) {
			CHECK(opts.squeeze && prev_len > 0, "unexpected '*'");
			starred = 1;
			continue;
		}
		CHECK(dl.kind == DUMPLINE_DATA || dl.kind == DUMPLINE_END,
		      "line %d: kind %d", lines, dl.kind);
		if (flags == 0)
			check_prefixed(dump_text + pos, end - pos, &dl,
				       line_bytes);
		if (starred) {
			/* Replay the squeezed repeats of the line before. */
			CHECK(dl.offset >= next && (dl.offset - next) %
			      prev_len == 0, "'*' then offset %" PRIx64,
			      dl.offset);
			while (next < dl.offset) {
				CHECK(next - start + prev_len <= size,
				      "repeat past the data");
				memcpy(got + (next - start), prev, prev_len);
				next += prev_len;
			}
			starred = 0;
		}
		CHECK(dl.offset == next, "line %d at offset %" PRIx64
		      ", expected %" PRIx64, lines, dl.offset, next);
		if (dl.kind == DUMPLINE_END)
			break;
		CHECK(dl.len <= size - (next - start) && dl.len <= sizeof(prev),
		      "line %d: %zu bytes too many", lines, dl.len);
		memcpy(got + (next - start), line_bytes, dl.len);
		memcpy(prev, line_bytes, dl.len);
		prev_len = dl.len;
		prev_off = next;
		next += dl.len;
	}
	(void)prev_off;
	CHECK(!starred, "dump ends in '*'");
	CHECK(next - start == size, "dump replays %" PRIu64 " of %zu bytes",
	      next - start, size);
	CHECK(memcmp(got, data, size) == 0, "dump replays other bytes");
	free(got);
	free(line_bytes);
}

/* Part 3: the flagged readers and the plain one. */
static void check_other_readers(const uint8_t *data, size_t size)
{
	static const unsigned flagsets[] = {
		DUMPLINE_LITTLE_ENDIAN, DUMPLINE_BITS, DUMPLINE_DECIMAL,
		DUMPLINE_LITTLE_ENDIAN | DUMPLINE_DECIMAL,
		DUMPLINE_BITS | DUMPLINE_DECIMAL
	};
	unsigned char *out = malloc(size / 2 + 1), *out2 = malloc(size / 2 + 3);
	char *padded = malloc(size + 3);
	struct dumpline dl, dl2;
	const char *why = NULL;
	struct dumphex hx, hx2;
	size_t len = 0, len2 = 0, i;
	int rc, rc2;

	if (out == NULL || out2 == NULL || padded == NULL)
		abort();
	memcpy(padded, data, size);
	memcpy(padded + size, " \t\r", 3);
	for (i = 0; i < sizeof(flagsets) / sizeof(flagsets[0]); i++) {
		rc = dumpline_parse_as((const char *)data, size, flagsets[i],
				       out, &dl, &why);
		CHECK(rc == 0 || (rc == -1 && why != NULL &&
				  dl.column >= 1 && dl.column <= size + 1),
		      "flags %u: rc %d", flagsets[i], rc);
		CHECK(rc != 0 || dl.kind != DUMPLINE_DATA ||
		      (dl.len >= 1 && dl.len <= size / 2), "flags %u: len",
		      flagsets[i]);
		rc2 = dumpline_parse_as(padded, size + 3, flagsets[i], out2,
					&dl2, NULL);
		CHECK(rc2 == rc && (rc != 0 || (dl2.kind == dl.kind &&
		      dl2.len == dl.len && dl2.offset == dl.offset &&
		      (dl.kind != DUMPLINE_DATA ||
		       memcmp(out, out2, dl.len) == 0))),
		      "flags %u: trailing blanks change the line", flagsets[i]);
	}
	dumphex_init(&hx);
	rc = dumphex_read(&hx, (const char *)data, size, out, &len, &why);
	CHECK(rc == 0 || (rc == -1 && hx.column >= 1 && hx.column <= size &&
			  hx.line >= 1 && hx.line <= size + 1),
	      "plain: rc %d line %" PRIu64 " column %" PRIu64, rc, hx.line,
	      hx.column);
	CHECK(len <= size / 2 + 1, "plain: %zu bytes", len);
	dumphex_init(&hx2);
	rc2 = dumphex_read(&hx2, padded, size + 3, out2, &len2, NULL);
	CHECK(rc2 == rc && len2 == len && memcmp(out, out2, len) == 0 &&
	      (rc != 0 || (hx2.half == hx.half && hx2.line == hx.line)) &&
	      (rc == 0 || (hx2.line == hx.line && hx2.column == hx.column)),
	      "plain: blanks change it");
	/* Cut anywhere, the same: a piece at a time, as the walker hands
	 * a dump over. */
	if (size > 1) {
		size_t cut = data[0] % size, got = 0;

		dumphex_init(&hx2);
		rc2 = dumphex_read(&hx2, (const char *)data, cut, out2, &len2,
				   NULL);
		got = len2;
		if (rc2 == 0) {
			rc2 = dumphex_read(&hx2, (const char *)data + cut,
					   size - cut, out2 + got, &len2, NULL);
			got += len2;
		}
		CHECK(rc2 == rc && got == len && memcmp(out, out2, len) == 0 &&
		      hx2.half == hx.half && hx2.line == hx.line &&
		      hx2.column == hx.column &&
		      (hx.half < 0 || hx2.half_line == hx.half_line),
		      "plain: cut at %zu reads otherwise", cut);
	}

	/* xxd -p's layout of the input reads back as the input. */
	if (size > 0) {
		static const char digits[] = "0123456789abcdef";
		char *text = malloc(2 * size + size / 7 + 2), *t = text;

		if (text == NULL)
			abort();
		for (i = 0; i < size; i++) {
			*t++ = digits[data[i] >> 4];
			if (i % 7 == 3)
				*t++ = ' ';	/* a blank inside a pair */
			*t++ = digits[data[i] & 15];
		}
		dumphex_init(&hx);
		free(out);
		out = malloc(size + 1);
		if (out == NULL)
			abort();
		CHECK(dumphex_read(&hx, text, (size_t)(t - text), out, &len,
				   NULL) == 0 &&
		      hx.half == -1 && len == size &&
		      memcmp(out, data, size) == 0, "plain round trip");
		free(text);
	}
	free(out);
	free(out2);
	free(padded);
}

static void check_xxd_run(const uint8_t *data, size_t size)
{
	unsigned char out[16 * 32], one[40];
	struct dumpline dl;
	struct dumpseq sq;
	uint64_t off = 0;
	size_t k, max = sizeof(out) / 16;

	if (size >= 67 && dumpline_parse((const char *)data, 67, one, &dl,
					 NULL) == 0 &&
	    dl.kind == DUMPLINE_DATA)
		off = dl.offset;
	dumpseq_init(&sq);
	sq.end = off;
	k = dumpline_xxd_run(&sq, (const char *)data, size, max, out);
	CHECK(k <= max && 68 * k <= size && sq.end == off + 16 * k,
	      "run: %zu lines", k);
	for (size_t l = 0; l < k; l++) {
		const char *why = NULL;

		CHECK(dumpline_parse((const char *)data + 68 * l, 67, one,
				     &dl, &why) == 0 &&
		      dl.kind == DUMPLINE_DATA && dl.len == 16 &&
		      dl.offset == off + 16 * l &&
		      memcmp(one, out + 16 * l, 16) == 0,
		      "run: line %zu taken, the parser reads it otherwise "
		      "(%s)", l, why != NULL ? why : "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_line(data, size);
	check_round_trip(data, size);
	check_other_readers(data, size);
	check_xxd_run(data, size);
	return 0;
}
