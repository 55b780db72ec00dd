/*
 * peek.c - mmtool peek: read bytes at an offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "dumpfmt.h"
#include "hexdata.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"
#include "outbuf.h"
#include "record.h"
#include "recout.h"

static const char *const format_words[] = {
	"hex", "raw", "canonical", "xxd", "plain", "c", NULL
};

enum { OPT_EXPECT = OPT_LONG, OPT_JSON };

static const struct opt peek_opts[] = {
	{ 'f', "format", OPT_ARG, "FMT",
	  "hex (default), raw, canonical, xxd, plain, c", format_words, 0 },
	{ 't', "type", OPT_ARG, "FIELDS",
	  "print typed values, one per line: a record of\n"
	  "fields [NAME=]TYPE[:COUNT] separated by commas;\n"
	  "TYPE is u8 u16 u32 u64 i8 i16 i32 i64 f32 f64\n"
	  "(decimal) or x8 x16 x32 x64 (hex), optionally\n"
	  "with le or be (default: host byte order), or\n"
	  "bytes (hex) or pad (skipped); named fields print\n"
	  "NAME=VALUE; LENGTH repeats the record", record_words, 0 },
	{ OPT_JSON, "json", OPT_NOARG, NULL,
	  "with -t: one JSON object (named fields) or\n"
	  "array per record", NULL, 0 },
	{ OPT_EXPECT, "expect", OPT_ARG, "HEX",
	  "print nothing; exit 0 if the bytes equal HEX\n"
	  "(?? matches any byte), 1 if not (LENGTH defaults\n"
	  "to HEX's length); with -t, VALUES: one per field\n"
	  "(3,62) or NAME=VALUE items, ? skips a field", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts peek_options = {
	"peek",
	"usage: mmtool peek [-f FMT | -t FIELDS [--json]] [--expect HEX | --expect VALUES] FILE OFFSET [LENGTH]\n"
	"\n"
	"Print LENGTH bytes of FILE (- for standard input) at OFFSET\n"
	"(negative: from the end).\n"
	"LENGTH defaults to one record of FIELDS (one byte).\n"
	"\n",
	peek_opts, NULL
};

enum peek_mode {
	SHOW_HEX, SHOW_RAW, SHOW_DUMP,
	SHOW_TYPED,	/* -t: records printed */
	SHOW_CHECK,	/* -t --expect VALUES: records checked */
	SHOW_EXPECT	/* --expect HEX */
};

struct peek {
	enum peek_mode mode;
	struct outbuf out;
	struct dumper dump;
	struct record rec;		/* -t */
	struct field_expect *values;	/* --expect VALUES */
	struct recout ro;		/* -t: printing or checking */
	int dumping;		/* dump was initialised */
	int recording;		/* ro was initialised */
	unsigned char *held;	/* --expect and streams: the bytes read */
	size_t nheld, held_cap;
};

/* Print one chunk of the range in the chosen form; 0, or -1 (output). */
static int show(struct peek *pk, const unsigned char *p, size_t n)
{
	switch (pk->mode) {
	case SHOW_HEX:
		while (n > 0) {
			size_t k = n < 4096 ? n : 4096;
			unsigned char *o = outbuf_reserve(&pk->out, 2 * k + 1);

			if (o == NULL)
				return -1;
			hex_encode(p, k, (char *)o);
			outbuf_commit(&pk->out, 2 * k);
			p += k;
			n -= k;
		}
		return 0;
	case SHOW_RAW:
		return outbuf_write(&pk->out, p, n);
	case SHOW_DUMP:
		return dumper_feed(&pk->dump, p, n);
	case SHOW_TYPED:
	case SHOW_CHECK:
		return recout_feed(&pk->ro, p, n);
	case SHOW_EXPECT:
		break;
	}
	return 0;
}

/*
 * Walk callback that keeps the bytes (for --expect and streams): a hole
 * (P NULL) is kept as zeros.  --expect's range is as long as its HEX.
 */
static int hold(void *ctx, const unsigned char *p, size_t n, uint64_t off)
{
	struct peek *pk = ctx;

	(void)off;
	if (n > pk->held_cap - pk->nheld) {
		size_t cap = pk->held_cap ? pk->held_cap : 4096;
		unsigned char *q;

		while (cap - pk->nheld < n)
			cap *= 2;
		q = realloc(pk->held, cap);
		if (q == NULL)
			return -1;
		pk->held = q;
		pk->held_cap = cap;
	}
	if (p != NULL)
		memcpy(pk->held + pk->nheld, p, n);
	else
		memset(pk->held + pk->nheld, 0, n);
	pk->nheld += n;
	return 0;
}

/*
 * Walk callback that prints as it goes (mapped files).  A hole (P NULL)
 * prints as zeros; a dump squeezes it without formatting each line, and
 * records read it as zeros themselves.
 */
static int show_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct peek *pk = ctx;

	if (p == NULL && pk->mode == SHOW_DUMP)
		return dumper_feed_zeros(&pk->dump, n) < 0 ? 1 : 0;
	if (p == NULL && pk->mode != SHOW_TYPED && pk->mode != SHOW_CHECK)
		return mapfile_feed_zeros(show_chunk, pk, n, off);
	return show(pk, p, n) < 0 ? 1 : 0;
}

/* Does FOUND[I] match byte I of WANT (where "??" matches anything)? */
static int byte_matches(const struct hexbytes *want,
			const unsigned char *found, size_t i)
{
	return want->mask != NULL && want->mask[i] == 0 ?
	       1 : found[i] == want->bytes[i];
}

/* --expect HEX: report the first difference between FOUND and WANT. */
static int compare(const char *path, uint64_t off, const unsigned char *found,
		   const struct hexbytes *want)
{
	char fhex[2 * 16 + 1], whex[2 * 16 + 1];
	size_t i = 0, k, len = want->len;

	while (i < len && byte_matches(want, found, i))
		i++;
	if (i == len)
		return EXIT_DONE;
	k = len - i < 16 ? len - i : 16;
	hex_encode(found + i, k, fhex);
	hex_encode(want->bytes + i, k, whex);
	for (size_t j = 0; want->mask != NULL && j < k; j++)
		if (want->mask[i + j] == 0)
			memcpy(whex + 2 * j, "??", 2);
	diag("peek", "%s: at 0x%llx: found %s%s, expected %s%s", path,
	     (unsigned long long)(off + i), fhex, k < len - i ? "..." : "",
	     whex, k < len - i ? "..." : "");
	return EXIT_NEGATIVE;
}

struct peek_args {
	const char *format, *type, *expect;
	int json;
	const char *path, *off_text, *len_text;
};

static int parse_args(int argc, char **argv, struct peek_args *a)
{
	struct optparse op;
	int c;

	memset(a, 0, sizeof(*a));
	opt_init(&op, &peek_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case 'f': a->format = op.arg; break;
		case 't': a->type = op.arg; break;
		case OPT_EXPECT: a->expect = op.arg; break;
		case OPT_JSON: a->json = 1; break;
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if (a->format && a->type) {
		usage_error("peek", "-f and -t cannot be combined");
		return -1;
	}
	if (a->expect && a->format) {
		usage_error("peek", "--expect cannot be combined with -f");
		return -1;
	}
	if (a->json && (a->type == NULL || a->expect)) {
		usage_error("peek", a->type ? "--json cannot be combined with "
			    "--expect" : "--json needs -t");
		return -1;
	}
	if (opt_operands(&op, 2, 3, "FILE OFFSET [LENGTH]") < 0)
		return -1;
	a->path = argv[optind];
	a->off_text = argv[optind + 1];
	a->len_text = argc - optind == 3 ? argv[optind + 2] : NULL;
	return 0;
}

/* -t FIELDS, and --expect VALUES with it.  0, or -1 after a message. */
static int setup_record(struct peek *pk, const struct peek_args *a)
{
	struct expect_error eerr;
	char label[96];

	if (arg_record("peek", a->type, &pk->rec) < 0)
		return -1;
	pk->mode = SHOW_TYPED;
	if (a->expect == NULL)
		return 0;
	if (expect_parse(&pk->rec, a->expect, &pk->values, &eerr) < 0) {
		if (errno == ENOMEM)
			return diag_errno("peek", "--expect"), -1;
		if (eerr.field != NULL)
			return usage_error("peek", "invalid --expect value "
					   "'%.*s' for %s: %s", (int)eerr.len,
					   eerr.text, field_label(&pk->rec,
					   eerr.field, label, sizeof(label)),
					   eerr.why), -1;
		return usage_error("peek", "invalid --expect '%s': %s ('%.*s')",
				   a->expect, eerr.why, (int)eerr.len,
				   eerr.text), -1;
	}
	pk->mode = SHOW_CHECK;
	return 0;
}

/* --expect HEX, "??" allowed as in find.  0, or -1 after a message. */
static int setup_expect_hex(struct peek *pk, const struct peek_args *a,
			    struct hexbytes *want)
{
	char *ops[1];

	ops[0] = (char *)a->expect;
	if (arg_hex("peek", "--expect", ops, 1, HEX_WILDCARD | HEX_NONEMPTY,
		    want) < 0)
		return -1;
	pk->mode = SHOW_EXPECT;
	return 0;
}

/* Everything the options decide, checked before the file is opened. */
static int setup(struct peek *pk, const struct peek_args *a,
		 struct hexbytes *want, uint64_t *len)
{
	struct dump_opts dopts;

	pk->mode = SHOW_HEX;
	if (a->format != NULL && strcmp(a->format, "hex") == 0) {
		pk->mode = SHOW_HEX;
	} else if (a->format != NULL && strcmp(a->format, "raw") == 0) {
		pk->mode = SHOW_RAW;
	} else if (a->format != NULL) {
		memset(&dopts, 0, sizeof(dopts));
		if (dump_parse_format(a->format, &dopts.format) < 0)
			return usage_error("peek", "unknown format '%s' (hex, "
					   "raw, canonical, xxd, plain, c)",
					   a->format), -1;
		pk->mode = SHOW_DUMP;
	}
	*len = 1;
	if (a->type != NULL) {
		if (setup_record(pk, a) < 0)
			return -1;
		*len = pk->rec.size;
	} else if (a->expect != NULL) {
		if (setup_expect_hex(pk, a, want) < 0)
			return -1;
		*len = want->len;
	}
	if (a->len_text != NULL) {
		if (arg_count("peek", "length", a->len_text, len) < 0)
			return -1;
		if (a->type != NULL && *len % pk->rec.size != 0)
			return usage_error("peek", "length %s is not a multiple "
					   "of the %llu bytes of '%s'",
					   a->len_text,
					   (unsigned long long)pk->rec.size,
					   a->type), -1;
		if (pk->mode == SHOW_EXPECT && *len != want->len)
			return usage_error("peek", "length %s differs from the "
					   "%zu byte%s of --expect",
					   a->len_text, want->len,
					   plural(want->len)), -1;
	}
	return 0;
}

static int start_dump(struct peek *pk, const struct peek_args *a,
		      uint64_t off)
{
	struct dump_opts dopts;

	memset(&dopts, 0, sizeof(dopts));
	dump_parse_format(a->format, &dopts.format);
	dopts.group = -1;
	dopts.squeeze = 1;
	/* xxd -i names the array after FILE; standard input: bytes only. */
	dopts.name = strcmp(a->path, "-") == 0 ? NULL : a->path;
	if (dumper_init(&pk->dump, &dopts, off, &pk->out) < 0) {
		diag_errno("peek", "%s", a->path);
		return -1;
	}
	pk->dumping = 1;
	return 0;
}

static int finish_output(struct peek *pk)
{
	int rc = 0;

	if (pk->mode == SHOW_HEX)
		rc = outbuf_write(&pk->out, "\n", 1);
	else if (pk->mode == SHOW_DUMP)
		rc = dumper_finish(&pk->dump);
	if (rc == 0)
		rc = outbuf_flush(&pk->out);
	return rc;
}

/*
 * The hex of a range is one line: held whole up to this many bytes, so
 * that a fault part-way prints none of it rather than part.  (A longer
 * line, of a range past 32 MiB, goes out as it is made.)
 */
#define HEX_LINE_HELD ((size_t)64 << 20)

/* The output buffer's size for LEN bytes: 0 is outbuf's default. */
static size_t output_room(const struct peek *pk, uint64_t len)
{
	if (pk->mode != SHOW_HEX || len < OUTBUF_SIZE / 2)
		return 0;
	return len < HEX_LINE_HELD / 2 ? (size_t)(2 * len + 1) : HEX_LINE_HELD;
}

/* --expect VALUES: one line per mismatching field.  Exit status. */
static int report_mismatches(const struct peek *pk, const char *name)
{
	uint64_t n;
	const char *line = recout_mismatches(&pk->ro, &n);

	for (uint64_t i = 0; i < n; i++, line += strlen(line) + 1)
		diag("peek", "%s: %s", name, line);
	return n > 0 ? EXIT_NEGATIVE : EXIT_DONE;
}

/*
 * Walk the range with the mode's callback and finish the output.  Returns
 * the exit status, after any message.
 */
static int read_range(struct peek *pk, struct mapfile *mf, const char *name,
		      uint64_t off, uint64_t len, const struct hexbytes *want)
{
	int rc;

	if (pk->mode == SHOW_EXPECT || mf->kind == MF_STREAM) {
		/* Hold the bytes: a stream's range is known to exist only
		 * once it has been read, and nothing may be printed before. */
		rc = mapfile_walk(mf, off, len, hold, pk);
		if (rc != 0) {
			report_read_failure("peek", name, mf, off, len, NULL);
			return EXIT_TROUBLE;
		}
		if (pk->nheld < len) {
			/* What was read, not OFF + what was kept: a stream
			 * may end before OFF, inside the bytes skipped. */
			diag("peek", "range [%llu, %llu) is outside %s (it "
			     "ended after %llu byte%s)", (unsigned long long)off,
			     (unsigned long long)(off + len), name,
			     (unsigned long long)mf->stream_pos,
			     plural(mf->stream_pos));
			return EXIT_TROUBLE;
		}
		if (pk->mode == SHOW_EXPECT)
			return compare(name, off, pk->held, want);
		rc = show(pk, pk->held, pk->nheld);
	} else {
		/* A fault, and a write(2) straight from the mapping (raw)
		 * that met EFAULT, end the walk with mf.faulted. */
		rc = mapfile_walk(mf, off, len, show_chunk, pk);
		if (rc < 0) {
			report_read_failure("peek", name, mf, off, len,
					    &pk->out);
			return EXIT_TROUBLE;
		}
	}
	if (pk->mode == SHOW_CHECK)
		return rc != 0 ? (diag_errno("peek", "--expect"), EXIT_TROUBLE) :
		       report_mismatches(pk, name);
	if (rc != 0 || finish_output(pk) < 0) {
		if (pk->out.err != EPIPE) {
			errno = pk->out.err ? pk->out.err : errno;
			diag_errno("peek", pk->out.err ? "write error on "
				   "standard output" : "-t");
			return EXIT_TROUBLE;
		}
	}
	return EXIT_DONE;
}

/* Where the range starts, once the file is open.  0, or -1 after a
 * message. */
static int start_offset(struct mapfile *mf, const struct peek_args *a,
			const char *name, const struct offset *soff,
			uint64_t len, uint64_t *off)
{
	if (mf->kind == MF_STREAM) {
		if (soff->from_end) {
			diag("peek", "%s: negative offset on a stream", name);
			return -1;
		}
		*off = soff->value;
		return 0;
	}
	if (resolve_offset("peek", name, a->off_text, soff, mf->size,
			   off) < 0 ||
	    check_range("peek", name, *off, len, mf->size, NULL) < 0)
		return -1;
	return 0;
}

int cmd_peek(int argc, char **argv)
{
	struct peek_args a;
	struct peek pk;
	struct hexbytes want = { NULL, NULL, 0 };
	struct offset soff;
	struct mapfile mf;
	const char *name;
	uint64_t off, len;
	int rc, status = EXIT_TROUBLE;

	rc = parse_args(argc, argv, &a);
	if (rc == -2)
		return opt_help(&peek_options);
	if (rc < 0)
		return EXIT_TROUBLE;
	memset(&pk, 0, sizeof(pk));
	pk.out.fd = -1;
	name = strcmp(a.path, "-") == 0 ? "standard input" : a.path;
	if (arg_offset("peek", "offset", a.off_text, &soff) < 0 ||
	    setup(&pk, &a, &want, &len) < 0)
		goto out;
	if (outbuf_init(&pk.out, 1, output_room(&pk, len)) < 0) {
		diag_errno("peek", "output buffer");
		goto out;
	}
	/* Text is lines: a fault leaves whole ones (raw has none). */
	pk.out.whole_lines = pk.mode != SHOW_RAW;
	name = strcmp(a.path, "-") == 0 ? "standard input" : a.path;
	if (open_input("peek", a.path, &mf) < 0)
		goto out;
	if (start_offset(&mf, &a, name, &soff, len, &off) < 0)
		goto close;
	/* `hexdump -C -s N -n 0` prints nothing, not even the final offset
	 * line that an empty canonical dump ends with: run no dumper. */
	if (pk.mode == SHOW_DUMP && len == 0 &&
	    strcmp(a.format, "canonical") == 0)
		pk.mode = SHOW_RAW;
	if (pk.mode == SHOW_DUMP && start_dump(&pk, &a, off) < 0)
		goto close;
	if (pk.mode == SHOW_TYPED || pk.mode == SHOW_CHECK) {
		if (recout_init(&pk.ro, &pk.rec, &pk.out, a.json, pk.values,
				off) < 0) {
			diag_errno("peek", "-t");
			goto close;
		}
		pk.recording = 1;
	}
	status = read_range(&pk, &mf, name, off, len, &want);
close:
	if (close_file("peek", name, &mf) < 0)
		status = EXIT_TROUBLE;
out:
	if (pk.dumping)
		dumper_free(&pk.dump);
	if (pk.recording)
		recout_free(&pk.ro);
	expect_free(&pk.rec, pk.values);
	record_free(&pk.rec);
	outbuf_free(&pk.out);
	hexbytes_free(&want);
	free(pk.held);
	return status;
}
