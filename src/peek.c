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
#include "vtype.h"

static const char *const format_words[] = {
	"hex", "raw", "canonical", "xxd", "plain", "c", NULL
};

enum { OPT_EXPECT = OPT_LONG };

static const struct opt peek_opts[] = {
	{ 'f', "format", OPT_ARG, "FMT",
	  "hex (default), raw, canonical, xxd, plain, c", format_words, 0 },
	{ 't', "type", OPT_ARG, "TYPE",
	  "print values of TYPE in decimal, one per line:\n"
	  "u8 u16 u32 u64 i8 i16 i32 i64 f32 f64, optionally\n"
	  "with le or be (default: host byte order)", vtype_words, 0 },
	{ OPT_EXPECT, "expect", OPT_ARG, "HEX",
	  "print nothing; exit 0 if the bytes equal HEX,\n"
	  "1 if not (LENGTH defaults to HEX's length)", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts peek_options = {
	"peek",
	"usage: mmtool peek [-f FMT] [-t TYPE] [--expect HEX] FILE OFFSET [LENGTH]\n"
	"\n"
	"Print LENGTH bytes of FILE (- for standard input) at OFFSET\n"
	"(negative: from the end).\n"
	"LENGTH defaults to one value of TYPE (one byte).\n"
	"\n",
	peek_opts, NULL
};

enum peek_mode { SHOW_HEX, SHOW_RAW, SHOW_DUMP, SHOW_TYPED, SHOW_EXPECT };

struct peek {
	enum peek_mode mode;
	struct outbuf out;
	struct dumper dump;
	struct vtype type;
	unsigned char carry[8];	/* a typed value split between chunks */
	size_t ncarry;
	int dumping;		/* dump was initialised */
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
		while (n > 0) {
			char text[VTYPE_TEXT_MAX];
			size_t k = pk->type.size - pk->ncarry, len;
			unsigned char *o;

			if (k > n)
				k = n;
			memcpy(pk->carry + pk->ncarry, p, k);
			pk->ncarry += k;
			p += k;
			n -= k;
			if (pk->ncarry < pk->type.size)
				break;
			len = vtype_format(&pk->type, pk->carry, text);
			text[len++] = '\n';
			/* Whole lines into the buffer, so that only whole
			 * lines have gone out if the file shrinks under us. */
			o = outbuf_reserve(&pk->out, len);
			if (o == NULL)
				return -1;
			memcpy(o, text, len);
			outbuf_commit(&pk->out, len);
			pk->ncarry = 0;
		}
		return 0;
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
 * prints as zeros; a dump squeezes it without formatting each line.
 */
static int show_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct peek *pk = ctx;

	if (p == NULL && pk->mode == SHOW_DUMP)
		return dumper_feed_zeros(&pk->dump, n) < 0 ? 1 : 0;
	if (p == NULL)
		return mapfile_feed_zeros(show_chunk, pk, n, off);
	return show(pk, p, n) < 0 ? 1 : 0;
}

/* --expect: report the first difference between FOUND and WANT. */
static int compare(const char *path, uint64_t off, const unsigned char *found,
		   const unsigned char *want, size_t len)
{
	char fhex[2 * 16 + 1], whex[2 * 16 + 1];
	size_t i = 0, k;

	while (i < len && found[i] == want[i])
		i++;
	if (i == len)
		return EXIT_DONE;
	k = len - i < 16 ? len - i : 16;
	hex_encode(found + i, k, fhex);
	hex_encode(want + i, k, whex);
	diag("peek", "%s: at 0x%llx: found %s%s, expected %s%s", path,
	     (unsigned long long)(off + i), fhex, k < len - i ? "..." : "",
	     whex, k < len - i ? "..." : "");
	return EXIT_NEGATIVE;
}

struct peek_args {
	const char *format, *type, *expect;
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
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if (a->format && a->type) {
		usage_error("peek", "-f and -t cannot be combined");
		return -1;
	}
	if (a->expect && (a->format || a->type)) {
		usage_error("peek", "--expect cannot be combined with -f or -t");
		return -1;
	}
	if (opt_operands(&op, 2, 3, "FILE OFFSET [LENGTH]") < 0)
		return -1;
	a->path = argv[optind];
	a->off_text = argv[optind + 1];
	a->len_text = argc - optind == 3 ? argv[optind + 2] : NULL;
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
		if (vtype_parse(a->type, &pk->type) < 0)
			return usage_error("peek", "unknown type '%s'",
					   a->type), -1;
		pk->mode = SHOW_TYPED;
		*len = pk->type.size;
	}
	if (a->expect != NULL) {
		char *ops[1];

		ops[0] = (char *)a->expect;
		if (arg_hex("peek", "--expect", ops, 1, HEX_NONEMPTY, want) < 0)
			return -1;
		pk->mode = SHOW_EXPECT;
		*len = want->len;
	}
	if (a->len_text != NULL) {
		if (arg_count("peek", "length", a->len_text, len) < 0)
			return -1;
		if (pk->mode == SHOW_TYPED && *len % pk->type.size != 0)
			return usage_error("peek", "length %s is not a multiple "
					   "of %s's %u bytes", a->len_text,
					   a->type, pk->type.size), -1;
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
	if (mf.kind == MF_STREAM) {
		if (soff.from_end) {
			diag("peek", "%s: negative offset on a stream",
			     name);
			goto close;
		}
		off = soff.value;
	} else if (resolve_offset("peek", name, a.off_text, &soff, mf.size,
				  &off) < 0 ||
		   check_range("peek", name, off, len, mf.size, NULL) < 0) {
		goto close;
	}
	/* `hexdump -C -s N -n 0` prints nothing, not even the final offset
	 * line that an empty canonical dump ends with: run no dumper. */
	if (pk.mode == SHOW_DUMP && len == 0 &&
	    strcmp(a.format, "canonical") == 0)
		pk.mode = SHOW_RAW;
	if (pk.mode == SHOW_DUMP && start_dump(&pk, &a, off) < 0)
		goto close;

	if (pk.mode == SHOW_EXPECT || mf.kind == MF_STREAM) {
		/* Hold the bytes: a stream's range is known to exist only
		 * once it has been read, and nothing may be printed before. */
		rc = mapfile_walk(&mf, off, len, hold, &pk);
		if (rc != 0) {
			report_read_failure("peek", name, &mf, off, len, NULL);
			goto close;
		}
		if (pk.nheld < len) {
			/* What was read, not OFF + what was kept: a stream
			 * may end before OFF, inside the bytes skipped. */
			diag("peek", "range [%llu, %llu) is outside %s (it "
			     "ended after %llu byte%s)", (unsigned long long)off,
			     (unsigned long long)(off + len), name,
			     (unsigned long long)mf.stream_pos,
			     plural(mf.stream_pos));
			goto close;
		}
		if (pk.mode == SHOW_EXPECT) {
			status = compare(name, off, pk.held, want.bytes, len);
			goto close;
		}
		rc = show(&pk, pk.held, pk.nheld);
	} else {
		/* A fault, and a write(2) straight from the mapping (raw)
		 * that met EFAULT, end the walk with mf.faulted. */
		rc = mapfile_walk(&mf, off, len, show_chunk, &pk);
		if (rc < 0) {
			report_read_failure("peek", name, &mf, off, len,
					    &pk.out);
			goto close;
		}
	}
	if (rc != 0 || finish_output(&pk) < 0) {
		if (pk.out.err != EPIPE) {
			errno = pk.out.err;
			diag_errno("peek", "write error on standard output");
			goto close;
		}
	}
	status = EXIT_DONE;
close:
	if (close_file("peek", name, &mf) < 0)
		status = EXIT_TROUBLE;
out:
	if (pk.dumping)
		dumper_free(&pk.dump);
	outbuf_free(&pk.out);
	hexbytes_free(&want);
	free(pk.held);
	return status;
}
