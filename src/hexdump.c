/*
 * hexdump.c - mmtool hexdump: dump a file or a stream in the layout of
 * hexdump -C, xxd, xxd -p or xxd -i (the formatters live in dumpfmt.c).
 *
 * The file is walked once, in order, by mapfile_walk: mapped a window at a
 * time when it is a regular file or block device, read with read(2) when
 * it is a stream.  Each chunk goes straight to the dumper, which formats
 * into an outbuf on standard output; nothing is held, so memory stays
 * bounded whatever the size of the input.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdutil.h"
#include "diag.h"
#include "dumpfmt.h"
#include "dumpline.h"
#include "hexrev.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"
#include "outbuf.h"

static const char *const format_words[] = {
	"canonical", "xxd", "plain", "c", NULL
};


enum { OPT_COLOR = OPT_LONG, OPT_NAME };

static const struct opt hexdump_opts[] = {
	{ 'f', "format", OPT_ARG, "FMT",
	  "canonical (default; as hexdump -C), xxd (as xxd),\n"
	  "plain (as xxd -p), c (as xxd -i)", format_words, 0 },
	{ 's', "skip", OPT_ARG, "OFFSET",
	  "start at OFFSET (negative: from the end);\n"
	  "offsets shown are absolute", NULL, 0 },
	{ 'n', "length", OPT_ARG, "LENGTH", "dump at most LENGTH bytes", NULL,
	  0 },
	{ 'c', "cols", OPT_ARG, "COLS",
	  "bytes per line, as xxd -c (xxd, plain and c only;\n"
	  "plain -c 0: one unbroken line)", NULL, 0 },
	{ 'g', "group", OPT_ARG, "BYTES",
	  "bytes per group, as xxd -g (xxd only)", NULL, 0 },
	{ 'u', "upper", OPT_NOARG, NULL,
	  "uppercase hex digits, as xxd -u (xxd, plain, c)", NULL, 0 },
	{ 'e', "little-endian", OPT_NOARG, NULL,
	  "little-endian groups, as xxd -e (xxd only)", NULL, 0 },
	{ 'b', "bits", OPT_NOARG, NULL,
	  "bits instead of hex, as xxd -b (xxd only)", NULL, 0 },
	{ 'd', "decimal", OPT_NOARG, NULL,
	  "offsets in decimal, as xxd -d (xxd only)", NULL, 0 },
	{ 'o', "display-offset", OPT_ARG, "OFF",
	  "add OFF to the offsets shown, as xxd -o", NULL, 0 },
	{ 'a', "autoskip", OPT_NOARG, NULL,
	  "a run of zero lines becomes '*', as xxd -a", NULL, 0 },
	{ OPT_NAME, "name", OPT_ARG, "NAME",
	  "the variable name of -f c, as xxd -n", NULL, 0 },
	{ 'C', "capitalize", OPT_NOARG, NULL,
	  "uppercase variable names of -f c, as xxd -C", NULL, 0 },
	{ 'r', "reverse", OPT_NOARG, NULL,
	  "read a dump (plain: hex digits; xxd or canonical:\n"
	  "lines with offsets) and write its bytes, as\n"
	  "xxd -r -p and xxd -r (with -f, -e, -b, -d only)", NULL, 0 },
	{ 'v', "no-squeeze", OPT_NOARG, NULL,
	  "print repeated lines (canonical)", NULL, 0 },
	OPT_COLOR_ROW(OPT_COLOR),
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts hexdump_options = {
	"hexdump",
	"usage: mmtool hexdump [-f FMT] [-s OFFSET] [-n LENGTH] [-c COLS] "
	"[-g BYTES] [-u] [-e | -b] [-d] [-o OFF] [-a] [--name NAME] [-C] "
	"[-v] [--color=WHEN] [FILE | -]\n"
	"       mmtool hexdump -r [-f FMT] [-e | -b] [-d] [DUMP | -]\n"
	"\n"
	"Dump FILE, or standard input if FILE is - or absent; with -r, turn a\n"
	"dump back into its bytes on standard output.\n"
	"\n",
	hexdump_opts, NULL
};

struct hexdump_args {
	const char *format, *skip, *length, *cols, *group;
	const char *display;	/* -o */
	const char *name;	/* --name */
	enum dump_color color;
	int no_squeeze;
	int upper, little_endian, bits, decimal, autoskip, capitalize;
	int reverse;		/* -r */
	int color_given;	/* --color, which -r does not take */
	const char *path;	/* NULL: standard input */
};

/* One dump in progress: what the walk callback needs. */
struct hexdump {
	struct dump_opts opts;
	struct outbuf out;
	struct dumper dump;
	int started;		/* dump was initialised */
	int err;		/* errno when dumper_init failed in the walk */
};

static int parse_color(const char *text, enum dump_color *out)
{
	if (dump_parse_color(text, out) == 0)
		return 0;
	return usage_error("hexdump", "invalid --color '%s' (auto, always, "
			   "never)", text), -1;
}

static int parse_args(int argc, char **argv, struct hexdump_args *a)
{
	struct optparse op;
	int c;

	memset(a, 0, sizeof(*a));
	a->color = DUMP_COLOR_AUTO;
	opt_init(&op, &hexdump_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case 'f': a->format = op.arg; break;
		case 's': a->skip = op.arg; break;
		case 'n': a->length = op.arg; break;
		case 'c': a->cols = op.arg; break;
		case 'g': a->group = op.arg; break;
		case 'u': a->upper = 1; break;
		case 'e': a->little_endian = 1; break;
		case 'b': a->bits = 1; break;
		case 'd': a->decimal = 1; break;
		case 'o': a->display = op.arg; break;
		case 'a': a->autoskip = 1; break;
		case OPT_NAME: a->name = op.arg; break;
		case 'C': a->capitalize = 1; break;
		case 'r': a->reverse = 1; break;
		case 'v': a->no_squeeze = 1; break;
		case OPT_COLOR:
			a->color_given = 1;
			if (parse_color(op.arg, &a->color) < 0)
				return -1;
			break;
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if (opt_operands(&op, 0, 1, "[FILE | -]") < 0)
		return -1;
	if (argc - optind == 1 && strcmp(argv[optind], "-") != 0)
		a->path = argv[optind];
	return 0;
}

/* The first xxd option given, by name, for a message; NULL if none. */
static const char *xxd_option(const struct hexdump_args *a)
{
	const struct {
		int given;
		const char *name;
	} opts[] = {
		{ a->upper, "-u" }, { a->little_endian, "-e" },
		{ a->bits, "-b" }, { a->decimal, "-d" },
		{ a->display != NULL, "-o" }, { a->autoskip, "-a" },
		{ a->name != NULL, "--name" }, { a->capitalize, "-C" },
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].given)
			return opts[i].name;
	return NULL;
}

/*
 * The dump options from the command line, checked before any file is
 * opened.  -c 0 means "the default" to the dumper, so a -c or -g given
 * with canonical is caught here from the command line, not from the
 * values.
 */
static int setup(const struct hexdump_args *a, struct dump_opts *opts)
{
	const char *why = "";
	uint64_t v;

	memset(opts, 0, sizeof(*opts));
	opts->format = DUMP_CANONICAL;
	opts->group = -1;
	if (a->format != NULL &&
	    dump_parse_format(a->format, &opts->format) < 0)
		return usage_error("hexdump", "unknown format '%s' (canonical, "
				   "xxd, plain, c)", a->format), -1;
	if (opts->format == DUMP_CANONICAL && (a->cols || a->group))
		return usage_error("hexdump", "-c and -g do not apply to the "
				   "canonical format"), -1;
	if (opts->format == DUMP_CANONICAL && xxd_option(a) != NULL)
		return usage_error("hexdump", "%s does not apply to the "
				   "canonical format", xxd_option(a)), -1;
	if (a->little_endian && a->bits)
		return usage_error("hexdump", "-e and -b exclude each "
				   "other"), -1;
	if (opts->format != DUMP_XXD && (a->little_endian || a->bits))
		return usage_error("hexdump", "%s applies to -f xxd only",
				   a->bits ? "-b" : "-e"), -1;
	if (a->display != NULL &&
	    arg_count("hexdump", "display offset", a->display,
		      &opts->display_offset) < 0)
		return -1;
	opts->upper = a->upper;
	opts->little_endian = a->little_endian;
	opts->bits = a->bits;
	opts->decimal = a->decimal;
	opts->autoskip = a->autoskip;
	opts->capitalize = a->capitalize;
	if (a->cols != NULL) {
		if (arg_count("hexdump", "number of columns", a->cols, &v) < 0)
			return -1;
		/* Past the largest cols any format takes: let
		 * dump_check_opts say so (never DUMP_COLS_NONE by wrap). */
		opts->cols = v > DUMP_COLS_MAX ? DUMP_COLS_MAX + 1u
					       : (unsigned)v;
		if (v == 0 && opts->format == DUMP_PLAIN)
			opts->cols = DUMP_COLS_NONE;
	}
	if (a->group != NULL) {
		if (arg_count("hexdump", "group size", a->group, &v) < 0)
			return -1;
		/* Any group of cols or more is one group per line. */
		opts->group = v > INT_MAX ? INT_MAX : (int)v;
	}
	opts->squeeze = !a->no_squeeze;
	opts->color = dump_want_color(a->color);
	/* xxd -i names the array after FILE as typed, or -n NAME (also for
	 * stdin); stdin without a name: bytes only. */
	opts->name = a->name != NULL ? a->name : a->path;
	if (dump_check_opts(opts, &why) < 0) {
		if (a->cols != NULL)
			return usage_error("hexdump", "-c %s: %s", a->cols,
					   why), -1;
		return usage_error("hexdump", "%s", why), -1;
	}
	return 0;
}

static int start_dump(struct hexdump *hd, uint64_t start)
{
	if (dumper_init(&hd->dump, &hd->opts, start, &hd->out) < 0)
		return -1;
	hd->started = 1;
	return 0;
}

/*
 * Walk callback: the dump starts at the first byte the walk hands over
 * (its absolute offset), then every chunk is formatted as it comes; a
 * hole (P NULL) is formatted as zeros without being read.
 * Returns 1 to stop the walk when the output failed (hd->out.err) or the
 * dumper could not start (hd->err).
 */
static int dump_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct hexdump *hd = ctx;

	if (!hd->started && start_dump(hd, off) < 0) {
		hd->err = errno;
		return 1;
	}
	if (p == NULL)
		return dumper_feed_zeros(&hd->dump, n) < 0 ? 1 : 0;
	return dumper_feed(&hd->dump, p, n) < 0 ? 1 : 0;
}

/*
 * -r: only -f (plain, or lines with offsets: xxd or canonical, the
 * default), and -e, -b, -d for the layout the dump was made in.
 */
static int reverse(const struct hexdump_args *a)
{
	const struct {
		int given;
		const char *name;
	} other[] = {
		{ a->skip != NULL, "-s" }, { a->length != NULL, "-n" },
		{ a->cols != NULL, "-c" }, { a->group != NULL, "-g" },
		{ a->upper, "-u" }, { a->display != NULL, "-o" },
		{ a->autoskip, "-a" }, { a->name != NULL, "--name" },
		{ a->capitalize, "-C" }, { a->no_squeeze, "-v" },
		{ a->color_given, "--color" },
	};
	struct reverse_opts o;
	enum dump_format f = DUMP_CANONICAL;
	size_t i;

	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (other[i].given)
			return usage_error("hexdump", "%s does not apply to -r",
					   other[i].name);
	if (a->format != NULL && dump_parse_format(a->format, &f) < 0)
		return usage_error("hexdump", "unknown format '%s' (canonical, "
				   "xxd, plain, c)", a->format);
	if (f == DUMP_C)
		return usage_error("hexdump", "-r reads -f plain, xxd or "
				   "canonical dumps, not C source");
	if (a->little_endian && a->bits)
		return usage_error("hexdump", "-e and -b exclude each other");
	if (f == DUMP_PLAIN && (a->little_endian || a->bits || a->decimal))
		return usage_error("hexdump", "%s does not apply to -f plain",
				   a->little_endian ? "-e" : a->bits ? "-b"
				   : "-d");
	memset(&o, 0, sizeof(o));
	o.path = a->path;
	o.plain = f == DUMP_PLAIN;
	o.flags = (a->little_endian ? DUMPLINE_LITTLE_ENDIAN : 0) |
		  (a->bits ? DUMPLINE_BITS : 0) |
		  (a->decimal ? DUMPLINE_DECIMAL : 0);
	return hexdump_reverse(&o);
}

int cmd_hexdump(int argc, char **argv)
{
	struct hexdump_args a;
	struct hexdump hd;
	struct offset soff = { 0, 0 };
	struct mapfile mf;
	const char *name;
	uint64_t off, len = UINT64_MAX;
	int rc, status = EXIT_TROUBLE;

	rc = parse_args(argc, argv, &a);
	if (rc == -2)
		return opt_help(&hexdump_options);
	if (rc < 0)
		return EXIT_TROUBLE;
	if (a.reverse)
		return reverse(&a);
	memset(&hd, 0, sizeof(hd));
	hd.out.fd = -1;
	name = a.path != NULL ? a.path : "standard input";
	if (setup(&a, &hd.opts) < 0 ||
	    (a.skip != NULL &&
	     arg_offset("hexdump", "offset", a.skip, &soff) < 0) ||
	    (a.length != NULL &&
	     arg_count("hexdump", "length", a.length, &len) < 0))
		return EXIT_TROUBLE;
	if (outbuf_init(&hd.out, 1, 0) < 0) {
		diag_errno("hexdump", "output buffer");
		return EXIT_TROUBLE;
	}
	if (open_input("hexdump", a.path != NULL ? a.path : "-", &mf) < 0)
		goto out;
	apply_test_window(&mf);

	/* The range: offsets are absolute; past the end means the end, as
	 * both references take it (hexdump -C then prints the size). */
	if (mf.kind == MF_STREAM) {
		if (soff.from_end) {
			diag("hexdump", "%s: negative offset on a stream "
			     "(it can only be skipped forward)", name);
			goto close;
		}
		off = soff.value;
	} else {
		if (resolve_offset("hexdump", name, a.skip ? a.skip : "0",
				   &soff, mf.size, &off) < 0)
			goto close;
		if (off > mf.size)
			off = mf.size;
	}
	/* `hexdump -C -n 0` prints nothing, not even the final offset line
	 * that an empty canonical dump ends with: run no dumper. */
	if (len == 0 && hd.opts.format == DUMP_CANONICAL) {
		status = EXIT_DONE;
		goto close;
	}

	/* Every window is formatted under the mapping layer's SIGBUS guard:
	 * a file that shrinks under us ends the walk with mf.faulted. */
	rc = mapfile_walk(&mf, off, len, dump_chunk, &hd);
	if (rc < 0) {
		report_read_failure("hexdump", name, &mf, off, len, &hd.out);
		goto close;
	}
	if (rc == 0 && !hd.started) {
		/* Nothing in range: the dump is of nothing at OFF, or where a
		 * stream ended before it. */
		if (mf.kind == MF_STREAM && mf.stream_pos < off)
			off = mf.stream_pos;
		if (start_dump(&hd, off) < 0)
			hd.err = errno;
	}
	if (hd.err != 0) {
		errno = hd.err;
		diag_errno("hexdump", "%s", name);
		goto close;
	}
	if (rc != 0 || dumper_finish(&hd.dump) < 0) {
		/* A reader that went away (| head -1) is a quiet end. */
		if (hd.out.err != EPIPE) {
			errno = hd.out.err != 0 ? hd.out.err : EIO;
			diag_errno("hexdump", "write error on standard output");
			goto close;
		}
	}
	status = EXIT_DONE;
close:
	if (close_file("hexdump", name, &mf) < 0)
		status = EXIT_TROUBLE;
out:
	if (hd.started)
		dumper_free(&hd.dump);
	outbuf_free(&hd.out);
	return status;
}
