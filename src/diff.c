/*
 * diff.c - mmtool diff: compare two files at the same offsets and print
 * what differs as a guarded dump, which patch applies (and -R undoes).
 *
 * Both files are walked together by mapfile_walk2, a window (or a stream
 * buffer) at a time, so memory stays flat whatever their sizes.  The walk
 * hands over chunks of both at the same offsets; they are cut into lines
 * of COLS bytes aligned from the start of the range (a line cut by the end
 * of a chunk waits in the carry).  Runs of equal lines are skipped with
 * memcmp; a line that differs opens a hunk, which is held (at most
 * HUNK_ROWS changed lines and its context) until more than 2 * context
 * equal lines follow, then printed through the dump formatters:
 *
 *   --- FILE1
 *   +++ FILE2
 *   @@ -0xOFF +0xOFF @@
 *    context line           (-U N of them around each hunk)
 *   -FILE1's line
 *   +FILE2's line
 *   -SIZE1                  (where the sizes differ: after the tail)
 *   +SIZE2
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "dumpfmt.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"
#include "outbuf.h"

static const char *const format_words[] = { "canonical", "xxd", NULL };

enum { OPT_COLOR = OPT_LONG };

static const struct opt diff_opts[] = {
	{ 'q', "quiet", OPT_NOARG, NULL,
	  "print nothing; the exit status says it", NULL, 0 },
	{ 'f', "format", OPT_ARG, "FMT",
	  "canonical (default; as hexdump -C) or xxd", format_words, 0 },
	{ 'c', "cols", OPT_ARG, "COLS", "bytes per line, as xxd -c (xxd only)",
	  NULL, 0 },
	{ 'U', "unified", OPT_ARG, "LINES",
	  "equal lines shown around each change\n"
	  "(default 0, at most 1024)", NULL, 0 },
	{ 's', "skip", OPT_ARG, "OFFSET",
	  "compare from OFFSET (negative: from the end\nof FILE1)", NULL, 0 },
	{ 'n', "length", OPT_ARG, "LENGTH", "compare at most LENGTH bytes",
	  NULL, 0 },
	OPT_COLOR_ROW(OPT_COLOR),
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts diff_options = {
	"diff",
	"usage: mmtool diff [-q] [-f FMT] [-c COLS] [-U LINES] [-s OFFSET] "
	"[-n LENGTH] [--color=WHEN] FILE1 FILE2\n"
	"\n"
	"Compare FILE1 and FILE2 byte by byte at the same offsets and print\n"
	"the lines that differ as a guarded dump, which 'mmtool patch' applies\n"
	"to a copy of FILE1 (and 'patch -R' takes back).  - is standard input.\n"
	"Exit status 0: the same, 1: different, 2: trouble.\n"
	"\n",
	diff_opts, NULL
};

/* Changed lines in one hunk before it is printed and another begins: the
 * bound on what a hunk holds (with cols 256 and -U 1024, 1.8 MiB a side). */
#define HUNK_ROWS 1024u
#define CONTEXT_MAX 1024u

/* Blocks compared at a time while looking for the first difference. */
#define SCAN_BLOCK 4096u

struct diff_args {
	int quiet;
	const char *format, *cols, *context, *skip, *length;
	enum dump_color color;
	const char *path1, *path2;
};

/* One line of a hunk: its bytes are at abuf/bbuf + index * cols. */
struct row {
	uint64_t off;
	size_t la, lb;		/* bytes of FILE1 and FILE2 on the line */
	int change;		/* 0: context (la == lb, same bytes) */
};

struct diff {
	struct diff_args a;
	unsigned cols, context;
	struct outbuf out;
	struct dumper dump;
	int started;		/* dump initialised */
	int printed;		/* the --- and +++ lines are out */
	int differ;		/* a difference was seen */
	int color;

	/* A line cut by the end of a chunk: carried bytes from offset
	 * carry_off, ca of FILE1's and cb of FILE2's. */
	unsigned char *carry_a, *carry_b;
	size_t carried, ca, cb;
	uint64_t carry_off;

	/* The open hunk. */
	struct row *rows;
	unsigned char *abuf, *bbuf;
	size_t nrows, rows_cap;
	size_t trailing;	/* equal rows since the last change */
	int open;

	/* The last `context` equal lines before a hunk opens. */
	unsigned char *ring;
	uint64_t *ring_off;
	size_t *ring_len;
	size_t ring_n, ring_head;
};

/* Zeros, for a hole (a NULL pointer with a count). */
static const unsigned char zeros[SCAN_BLOCK];

static int parse_args(int argc, char **argv, struct diff_args *a)
{
	struct optparse op;
	int c;

	memset(a, 0, sizeof(*a));
	a->color = DUMP_COLOR_AUTO;
	opt_init(&op, &diff_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case 'q': a->quiet = 1; break;
		case 'f': a->format = op.arg; break;
		case 'c': a->cols = op.arg; break;
		case 'U': a->context = op.arg; break;
		case 's': a->skip = op.arg; break;
		case 'n': a->length = op.arg; break;
		case OPT_COLOR:
			if (dump_parse_color(op.arg, &a->color) < 0)
				return usage_error("diff", "invalid --color "
						   "'%s' (auto, always, never)",
						   op.arg), -1;
			break;
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if (opt_operands(&op, 2, 2, "FILE1 FILE2") < 0)
		return -1;
	a->path1 = argv[optind];
	a->path2 = argv[optind + 1];
	if (strcmp(a->path1, "-") == 0 && strcmp(a->path2, "-") == 0)
		return usage_error("diff", "only one of FILE1 and FILE2 may be "
				   "- (standard input)"), -1;
	return 0;
}

/* The dump layout and the numbers from the command line. */
static int setup(struct diff *df, struct dump_opts *opts)
{
	const struct diff_args *a = &df->a;
	const char *why = "";
	uint64_t v;

	memset(opts, 0, sizeof(*opts));
	opts->format = DUMP_CANONICAL;
	opts->group = -1;
	if (a->format != NULL &&
	    (dump_parse_format(a->format, &opts->format) < 0 ||
	     (opts->format != DUMP_CANONICAL && opts->format != DUMP_XXD)))
		return usage_error("diff", "unknown format '%s' (canonical, "
				   "xxd)", a->format), -1;
	if (opts->format == DUMP_CANONICAL && a->cols != NULL)
		return usage_error("diff", "-c does not apply to the canonical "
				   "format"), -1;
	if (a->cols != NULL) {
		if (arg_count("diff", "number of columns", a->cols, &v) < 0)
			return -1;
		opts->cols = v > DUMP_XXD_COLS_MAX ? DUMP_XXD_COLS_MAX + 1u
						   : (unsigned)v;
		if (dump_check_opts(opts, &why) < 0)
			return usage_error("diff", "-c %s: %s", a->cols, why),
			       -1;
	}
	df->cols = opts->format == DUMP_CANONICAL ? 16 :
		   opts->cols != 0 ? opts->cols : 16;
	if (a->context != NULL) {
		if (arg_count("diff", "number of context lines", a->context,
			      &v) < 0)
			return -1;
		if (v > CONTEXT_MAX)
			return usage_error("diff", "invalid number of context "
					   "lines '%s': at most %u", a->context,
					   CONTEXT_MAX), -1;
		df->context = (unsigned)v;
	}
	opts->color = df->color = a->quiet ? 0 : dump_want_color(a->color);
	return 0;
}

/* The buffers of the walk, all taken before it (the walk's callback runs
 * under the SIGBUS guard and must not allocate). */
static int alloc_buffers(struct diff *df)
{
	size_t cols = df->cols, ctx = df->context;

	df->rows_cap = 3 * ctx + HUNK_ROWS + 1;
	df->carry_a = malloc(cols);
	df->carry_b = malloc(cols);
	df->rows = malloc(df->rows_cap * sizeof(*df->rows));
	df->abuf = malloc(df->rows_cap * cols);
	df->bbuf = malloc(df->rows_cap * cols);
	df->ring = malloc(ctx * cols + 1);
	df->ring_off = malloc((ctx + 1) * sizeof(*df->ring_off));
	df->ring_len = malloc((ctx + 1) * sizeof(*df->ring_len));
	if (df->carry_a == NULL || df->carry_b == NULL || df->rows == NULL ||
	    df->abuf == NULL || df->bbuf == NULL || df->ring == NULL ||
	    df->ring_off == NULL || df->ring_len == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static void free_buffers(struct diff *df)
{
	free(df->carry_a);
	free(df->carry_b);
	free(df->rows);
	free(df->abuf);
	free(df->bbuf);
	free(df->ring);
	free(df->ring_off);
	free(df->ring_len);
}

/* Copy N bytes at P (NULL: zeros of a hole) to DST. */
static void copy_bytes(unsigned char *dst, const unsigned char *p, size_t n)
{
	if (p != NULL)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

/* Do the N bytes at A and B differ (NULL: zeros)? */
static int bytes_differ(const unsigned char *a, const unsigned char *b,
			size_t n)
{
	if (a == NULL && b == NULL)
		return 0;
	while (n > 0) {
		size_t k = n < SCAN_BLOCK ? n : SCAN_BLOCK;

		if (memcmp(a ? a : zeros, b ? b : zeros, k) != 0)
			return 1;
		if (a != NULL)
			a += k;
		if (b != NULL)
			b += k;
		n -= k;
	}
	return 0;
}

/*
 * The index of the first byte that differs in A[0..N) and B[0..N)
 * (NULL: zeros), or N.  Big blocks while they are equal, then smaller
 * ones: memcmp says whether, not where.
 */
static size_t first_diff(const unsigned char *a, const unsigned char *b,
			 size_t n)
{
	size_t i = 0, k;

	if (a == NULL && b == NULL)
		return n;
	for (; i < n; i += k) {
		k = n - i < SCAN_BLOCK ? n - i : SCAN_BLOCK;
		if (bytes_differ(a ? a + i : NULL, b ? b + i : NULL, k))
			break;
	}
	for (; i < n; i += k) {
		k = n - i < 64 ? n - i : 64;
		if (bytes_differ(a ? a + i : NULL, b ? b + i : NULL, k))
			break;
	}
	for (; i < n; i++)
		if ((a ? a[i] : 0) != (b ? b[i] : 0))
			break;
	return i;
}

/* ---- printing a hunk ---------------------------------------------------- */

static int put_text(struct diff *df, const char *sgr, const char *text,
		    const char *name)
{
	const char *reset = sgr[0] != '\0' ? "\033[0m" : "";

	return outbuf_write(&df->out, sgr, strlen(sgr)) < 0 ||
	       outbuf_write(&df->out, text, strlen(text)) < 0 ||
	       outbuf_write(&df->out, name, strlen(name)) < 0 ||
	       outbuf_write(&df->out, reset, strlen(reset)) < 0 ||
	       outbuf_write(&df->out, "\n", 1) < 0 ? -1 : 0;
}

static const unsigned char *row_a(const struct diff *df, size_t i)
{
	return df->abuf + i * df->cols;
}

static const unsigned char *row_b(const struct diff *df, size_t i)
{
	return df->bbuf + i * df->cols;
}

/* Print rows [0, COUNT) of the hunk: headers first if none yet, then
 * context lines as they are, and each block of changed lines as all of
 * FILE1's lines, then all of FILE2's (as unified diffs group them). */
static int print_hunk(struct diff *df, size_t count)
{
	const char *bold = df->color ? "\033[1m" : "";
	char head[64];
	size_t i = 0;

	if (!df->printed) {
		if (put_text(df, bold, "--- ", df->a.path1) < 0 ||
		    put_text(df, bold, "+++ ", df->a.path2) < 0)
			return -1;
		df->printed = 1;
	}
	snprintf(head, sizeof(head), "@@ -0x%08llx +0x%08llx @@",
		 (unsigned long long)df->rows[0].off,
		 (unsigned long long)df->rows[0].off);
	if (put_text(df, df->color ? "\033[36m" : "", head, "") < 0)
		return -1;
	while (i < count) {
		const struct row *r = &df->rows[i];
		size_t j, k;

		if (!r->change) {
			if (dumper_guard_line(&df->dump, ' ', r->off,
					      row_a(df, i), r->la, NULL, 0) < 0)
				return -1;
			i++;
			continue;
		}
		for (j = i; j < count && df->rows[j].change; j++)
			;
		for (k = i; k < j; k++) {
			r = &df->rows[k];
			if (r->la > 0 &&
			    dumper_guard_line(&df->dump, '-', r->off,
					      row_a(df, k), r->la,
					      row_b(df, k), r->lb) < 0)
				return -1;
		}
		for (k = i; k < j; k++) {
			r = &df->rows[k];
			if (r->lb > 0 &&
			    dumper_guard_line(&df->dump, '+', r->off,
					      row_b(df, k), r->lb,
					      row_a(df, k), r->la) < 0)
				return -1;
		}
		i = j;
	}
	return 0;
}

/* ---- hunks and their context -------------------------------------------- */

static void ring_push(struct diff *df, uint64_t off, const unsigned char *p,
		      size_t len)
{
	size_t slot;

	if (df->context == 0)
		return;
	slot = (df->ring_head + df->ring_n) % df->context;
	if (df->ring_n == df->context)
		df->ring_head = (df->ring_head + 1) % df->context;
	else
		df->ring_n++;
	copy_bytes(df->ring + slot * df->cols, p, len);
	df->ring_off[slot] = off;
	df->ring_len[slot] = len;
}

static void add_row(struct diff *df, uint64_t off, const unsigned char *a,
		    size_t la, const unsigned char *b, size_t lb, int change)
{
	size_t i = df->nrows++;
	struct row *r = &df->rows[i];

	r->off = off;
	r->la = la;
	r->lb = lb;
	r->change = change;
	copy_bytes(df->abuf + i * df->cols, a, la);
	if (change)
		copy_bytes(df->bbuf + i * df->cols, b, lb);
}

/* Print the open hunk with at most `context` of its trailing equal rows;
 * the rest of those may lead the next hunk. */
static int close_hunk(struct diff *df)
{
	size_t keep = df->trailing < df->context ? df->trailing : df->context;
	size_t count = df->nrows - df->trailing + keep;

	if (print_hunk(df, count) < 0)
		return -1;
	for (size_t i = count; i < df->nrows; i++)
		ring_push(df, df->rows[i].off, row_a(df, i), df->rows[i].la);
	df->open = 0;
	df->nrows = 0;
	df->trailing = 0;
	return 0;
}

/* A line that differs.  0, 1 to stop the walk (-q: the answer is known),
 * or -1 when the output failed. */
static int change_row(struct diff *df, uint64_t off, const unsigned char *a,
		      size_t la, const unsigned char *b, size_t lb)
{
	df->differ = 1;
	if (df->a.quiet)
		return 1;
	if (!df->open) {
		df->open = 1;
		df->nrows = 0;
		for (; df->ring_n > 0; df->ring_n--) {
			size_t s = df->ring_head;

			add_row(df, df->ring_off[s], df->ring + s * df->cols,
				df->ring_len[s], NULL, 0, 0);
			df->ring_head = (s + 1) % df->context;
		}
		df->ring_head = 0;
	}
	add_row(df, off, a, la, b, lb, 1);
	df->trailing = 0;
	/* A long run of changes is printed as several hunks. */
	if (df->nrows >= df->context + HUNK_ROWS)
		return close_hunk(df);
	return 0;
}

/* A line that is the same in both files. */
static int equal_row(struct diff *df, uint64_t off, const unsigned char *p,
		     size_t len)
{
	if (!df->open) {
		ring_push(df, off, p, len);
		return 0;
	}
	if (df->trailing < 2 * (size_t)df->context) {
		add_row(df, off, p, len, NULL, 0, 0);
		df->trailing++;
		return 0;
	}
	/* More than 2 * context equal lines: the hunk ends here. */
	if (close_hunk(df) < 0)
		return -1;
	ring_push(df, off, p, len);
	return 0;
}

/* N whole equal lines from OFF; only the few that can be context are
 * looked at. */
static int equal_lines(struct diff *df, uint64_t off, const unsigned char *p,
		       size_t n)
{
	size_t i = 0, cols = df->cols;

	for (; i < n && df->open; i++)
		if (equal_row(df, off + i * cols, p ? p + i * cols : NULL,
			      cols) < 0)
			return -1;
	if (n - i > df->context)
		i = n - df->context;
	for (; i < n; i++)
		ring_push(df, off + i * cols, p ? p + i * cols : NULL, cols);
	return 0;
}

/* One line, from the carry or the end. */
static int take_row(struct diff *df, uint64_t off, const unsigned char *a,
		    size_t la, const unsigned char *b, size_t lb)
{
	if (la == lb && !bytes_differ(a, b, la))
		return equal_row(df, off, a, la);
	return change_row(df, off, a, la, b, lb);
}

/*
 * N whole lines from OFF.  A (NA 0: FILE1 has ended) and B likewise;
 * while both have bytes, runs of equal lines are skipped by memcmp.
 */
static int take_lines(struct diff *df, uint64_t off, const unsigned char *a,
		      size_t na, const unsigned char *b, size_t nb, size_t n)
{
	size_t cols = df->cols, i = 0;
	int rc;

	while (i < n) {
		const unsigned char *pa = a ? a + i * cols : NULL;
		const unsigned char *pb = b ? b + i * cols : NULL;
		size_t same = 0;

		if (na > 0 && nb > 0) {
			same = first_diff(pa, pb, (n - i) * cols) / cols;
			if (same > 0 && equal_lines(df, off + i * cols, pa,
						    same) < 0)
				return -1;
			i += same;
			if (i == n)
				break;
			pa = a ? a + i * cols : NULL;
			pb = b ? b + i * cols : NULL;
		}
		rc = change_row(df, off + i * cols, pa, na > 0 ? cols : 0, pb,
				nb > 0 ? cols : 0);
		if (rc != 0)
			return rc;
		i++;
	}
	return 0;
}

/* Add bytes at A and B (counts NA, NB; one may be 0) to the carry. */
static void carry_bytes(struct diff *df, const unsigned char *a, size_t na,
			const unsigned char *b, size_t nb, size_t k)
{
	if (na > 0) {
		copy_bytes(df->carry_a + df->ca, a, k);
		df->ca += k;
	}
	if (nb > 0) {
		copy_bytes(df->carry_b + df->cb, b, k);
		df->cb += k;
	}
	df->carried += k;
}

/* What diff_chunk returns to stop the walk: -q has its answer, or the
 * output failed (-1 from the walk is its own I/O error). */
#define WALK_ANSWERED 1
#define WALK_OUTPUT_FAILED 2

static int take_chunk(struct diff *df, const unsigned char *a, size_t na,
		      const unsigned char *b, size_t nb, uint64_t off);

/* mapfile_walk2's callback: one chunk of both files (or of the one that
 * has not ended), cut into lines. */
static int diff_chunk(void *ctx, const unsigned char *a, size_t na,
		      const unsigned char *b, size_t nb, uint64_t off)
{
	int rc = take_chunk(ctx, a, na, b, nb, off);

	return rc < 0 ? WALK_OUTPUT_FAILED : rc;
}

static int take_chunk(struct diff *df, const unsigned char *a, size_t na,
		      const unsigned char *b, size_t nb, uint64_t off)
{
	size_t n = na > nb ? na : nb, i = 0, full;
	int rc;

	if (df->carried > 0) {
		size_t k = df->cols - df->carried;

		if (k > n)
			k = n;
		carry_bytes(df, a, na, b, nb, k);
		i = k;
		if (df->carried < df->cols)
			return 0;
		rc = take_row(df, df->carry_off, df->carry_a, df->ca,
			      df->carry_b, df->cb);
		df->carried = df->ca = df->cb = 0;
		if (rc != 0)
			return rc;
	}
	full = (n - i) / df->cols;
	if (full > 0) {
		rc = take_lines(df, off + i, a ? a + i : NULL, na,
				b ? b + i : NULL, nb, full);
		if (rc != 0)
			return rc;
		i += full * df->cols;
	}
	if (i < n) {
		df->carry_off = off + i;
		carry_bytes(df, a ? a + i : NULL, na, b ? b + i : NULL, nb,
			    n - i);
	}
	return 0;
}

/* The last partial line and the open hunk.  0, or -1 (output failed). */
static int finish_lines(struct diff *df)
{
	if (df->carried > 0) {
		int rc = take_row(df, df->carry_off, df->carry_a, df->ca,
				  df->carry_b, df->cb);

		df->carried = 0;
		if (rc < 0)
			return -1;
	}
	if (df->open && close_hunk(df) < 0)
		return -1;
	return 0;
}

/* ---- the command -------------------------------------------------------- */

/*
 * Where the compared range of MF ends (OFF at the least), and whether that
 * is the end of the file (only then do the sizes end the dump).  A stream
 * has been read.
 */
static uint64_t range_end(const struct mapfile *mf, uint64_t off,
			  uint64_t len, int *at_eof)
{
	int unbounded = len > UINT64_MAX - off;
	uint64_t end = unbounded ? UINT64_MAX : off + len;

	uint64_t size = mf->kind == MF_STREAM ? mf->stream_pos : mf->size;

	/* The sizes end the dump only when the range holds both ends: a
	 * file that ends before -s has a size the dump knows nothing of. */
	if (mf->kind == MF_STREAM)
		*at_eof = (unbounded || size < end) && size >= off;
	else
		*at_eof = end >= size && size >= off;
	if (size < off)
		return off;
	return end < size ? end : size;
}

/* Open both files ("-": standard input) and resolve -s against FILE1. */
static int open_both(struct diff *df, struct mapfile *m1, struct mapfile *m2,
		     uint64_t *off)
{
	struct offset soff = { 0, 0 };

	if (df->a.skip != NULL &&
	    arg_offset("diff", "offset", df->a.skip, &soff) < 0)
		return -1;
	if (open_input("diff", df->a.path1, m1) < 0)
		return -1;
	if (open_input("diff", df->a.path2, m2) < 0) {
		mapfile_close(m1);
		return -1;
	}
	apply_test_window(m1);
	apply_test_window(m2);
	if (!soff.from_end) {
		*off = soff.value;
		return 0;
	}
	if (m1->kind == MF_STREAM || m2->kind == MF_STREAM)
		diag("diff", "negative offset with a stream (it can only be "
		     "skipped forward)");
	else if (resolve_offset("diff", df->a.path1, df->a.skip, &soff,
				m1->size, off) == 0)
		return 0;
	mapfile_close(m1);
	mapfile_close(m2);
	return -1;
}

/* Report a failed walk of [OFF, OFF+LEN): a fault in one file (as every
 * reading command reports it), or an I/O error. */
static void walk_failed(struct diff *df, struct mapfile *m1,
			struct mapfile *m2, uint64_t off, uint64_t len)
{
	if (m1->faulted)
		report_read_failure("diff", df->a.path1, m1, off, len,
				    &df->out);
	else if (m2->faulted)
		report_read_failure("diff", df->a.path2, m2, off, len,
				    &df->out);
	else
		diag_errno("diff", "%s and %s", df->a.path1, df->a.path2);
}

/* Compare and print; the exit status. */
static int compare(struct diff *df, struct mapfile *m1, struct mapfile *m2,
		   uint64_t off, uint64_t len)
{
	uint64_t e1, e2;
	int eof1, eof2, rc;

	/* Mapped files of different sizes in range: -q knows already. */
	if (df->a.quiet && m1->kind != MF_STREAM && m2->kind != MF_STREAM &&
	    range_end(m1, off, len, &eof1) != range_end(m2, off, len, &eof2))
		return EXIT_NEGATIVE;
	rc = mapfile_walk2(m1, m2, off, len, diff_chunk, df);
	if (rc < 0) {
		walk_failed(df, m1, m2, off, len);
		return EXIT_TROUBLE;
	}
	if (rc == 0 && finish_lines(df) < 0)
		rc = -1;
	e1 = range_end(m1, off, len, &eof1);
	e2 = range_end(m2, off, len, &eof2);
	if (rc == 0 && !df->a.quiet && e1 != e2 && eof1 && eof2 &&
	    (dumper_guard_offset(&df->dump, '-', e1) < 0 ||
	     dumper_guard_offset(&df->dump, '+', e2) < 0))
		rc = -1;
	if (e1 != e2)
		df->differ = 1;
	if ((rc != 0 && rc != WALK_ANSWERED) ||
	    outbuf_flush(&df->out) < 0) {
		/* A reader that went away (| head -1) is a quiet end. */
		if (df->out.err != EPIPE) {
			errno = df->out.err != 0 ? df->out.err : EIO;
			diag_errno("diff", "write error on standard output");
			return EXIT_TROUBLE;
		}
	}
	return df->differ ? EXIT_NEGATIVE : EXIT_DONE;
}

int cmd_diff(int argc, char **argv)
{
	struct diff df;
	struct dump_opts opts;
	struct mapfile m1, m2;
	uint64_t off = 0, len = UINT64_MAX;
	int rc, status = EXIT_TROUBLE;

	memset(&df, 0, sizeof(df));
	df.out.fd = -1;
	rc = parse_args(argc, argv, &df.a);
	if (rc == -2)
		return opt_help(&diff_options);
	if (rc < 0)
		return EXIT_TROUBLE;
	if (setup(&df, &opts) < 0 ||
	    (df.a.length != NULL &&
	     arg_count("diff", "length", df.a.length, &len) < 0))
		return EXIT_TROUBLE;
	if (outbuf_init(&df.out, 1, 0) < 0 || alloc_buffers(&df) < 0 ||
	    dumper_init(&df.dump, &opts, 0, &df.out) < 0) {
		diag_errno("diff", "output buffer");
		goto out;
	}
	df.started = 1;
	if (open_both(&df, &m1, &m2, &off) < 0)
		goto out;
	status = compare(&df, &m1, &m2, off, len);
	if (close_file("diff", df.a.path1, &m1) < 0)
		status = EXIT_TROUBLE;
	if (close_file("diff", df.a.path2, &m2) < 0)
		status = EXIT_TROUBLE;
out:
	if (df.started)
		dumper_free(&df.dump);
	free_buffers(&df);
	outbuf_free(&df.out);
	return status;
}
