/*
 * find.c - mmtool find: search for bytes.
 *
 * The range is walked a window at a time (mapfile_walk: mapped windows for
 * files, a read buffer for streams).  A match may straddle two chunks: the
 * last PATLEN-1 bytes seen are kept, and joined with the first PATLEN-1
 * bytes of the next chunk to find the matches that start in them.
 *
 * Inside a chunk, memchr looks for the pattern's rarest byte (by a rough
 * ranking of how common bytes are in files), and each hit is checked with
 * memcmp, or byte by byte under the mask when the pattern has "??".  When
 * hits come too densely for that to pay (the data is full of that byte),
 * the scan goes on with the next rarest byte value of the pattern, and when
 * every value is that common, with Horspool's algorithm, which needs no
 * rare byte.  Each chunk starts again from the rarest.
 *
 * A hole costs nothing unless the pattern matches zeros: then its matches
 * are counted out, not searched for (see scan_hole).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "hexdata.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"
#include "outbuf.h"

static const struct opt find_opts[] = {
	{ 's', "string", OPT_NOARG, NULL, "PATTERN is a literal string", NULL,
	  0 },
	{ 'x', "hex", OPT_NOARG, NULL, "print offsets as 0x and lowercase hex",
	  NULL, 0 },
	{ 'm', "max-count", OPT_ARG, "MAX",
	  "stop after MAX matches (0: search nothing)", NULL, 0 },
	{ 'o', "offset", OPT_ARG, "OFFSET",
	  "start at OFFSET (negative: from the end)", NULL, 0 },
	{ 'n', "length", OPT_ARG, "LENGTH",
	  "search only LENGTH bytes from there", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts find_options = {
	"find",
	"usage: mmtool find [-s] [-x] [-m MAX] [-o OFFSET] [-n LENGTH] FILE PATTERN\n"
	"\n"
	"Print the decimal offset of every match of PATTERN in FILE (- for\n"
	"standard input), overlapping matches included, one per line.\n"
	"PATTERN is hexadecimal (\"de ad\", 0xdead), where ?? matches any\n"
	"byte.  Exit 0 if something was found, 1 if nothing was.\n"
	"\n",
	find_opts, NULL
};

struct find_args {
	int string, hex;
	const char *max_text, *off_text, *len_text;
	const char *path, *pattern;
};

struct finder {
	/* The pattern: LEN bytes; MASK NULL, or 0x00 where "??" stood. */
	const unsigned char *pat, *mask;
	size_t len;
	/* Where memchr looks: indexes of the pattern's distinct byte values,
	 * rarest first; none when every byte is "??" (all match). */
	size_t anchor[256];
	size_t nanchors;
	size_t shift[256];	/* Horspool: skip when this byte ends a window */

	/* The last LEN-1 bytes seen (at TAIL_OFF), and room to join them
	 * with the next chunk's first LEN-1. */
	unsigned char *tail, *join;
	size_t ntail;
	uint64_t tail_off;

	/* LEN zero bytes, what a hole holds; and whether the pattern
	 * matches them (every byte 00 or "??"). */
	unsigned char *zeros;
	int zero_match;

	uint64_t max, found;
	int hex;			/* -x: offsets in hex */
	struct outbuf out;
	int out_failed;
};

static int parse_args(int argc, char **argv, struct find_args *a)
{
	struct optparse op;
	int c;

	memset(a, 0, sizeof(*a));
	opt_init(&op, &find_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case 's': a->string = 1; break;
		case 'x': a->hex = 1; break;
		case 'm': a->max_text = op.arg; break;
		case 'o': a->off_text = op.arg; break;
		case 'n': a->len_text = op.arg; break;
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if (opt_operands(&op, 2, 2, "FILE PATTERN") < 0)
		return -1;
	a->path = argv[optind];
	a->pattern = argv[optind + 1];
	return 0;
}

/*
 * How common byte B is in ordinary files, higher for more common: NUL and
 * 0xff (padding, small integers), ASCII text, then control bytes, then the
 * other high bytes.  Only the order matters; random data makes it moot.
 */
static int byte_rank(unsigned char b)
{
	static const char text_order[] = " etaoinsrhldcumfpgwybvkxjqz";
	const char *p;

	if (b == 0x00)
		return 300;
	if (b == 0xff)
		return 250;
	if (b >= 'a' && b <= 'z') {
		p = strchr(text_order, b);
		return 230 - (int)(p - text_order);
	}
	if (b == ' ')
		return 240;
	if (b == '\n' || b == '\t' || (b >= '0' && b <= '9'))
		return 180;
	if (b >= 'A' && b <= 'Z')
		return 160;
	if (b > ' ' && b < 0x7f)
		return 140;
	if (b < ' ')
		return 100 - b / 4;
	return 40;
}

/* Rank the anchors and fill the Horspool table. */
static void finder_prepare(struct finder *f)
{
	size_t m = f->len, last_wild = SIZE_MAX, where[256];
	int b;

	for (b = 0; b < 256; b++)
		where[b] = SIZE_MAX;
	for (size_t i = 0; i < m; i++) {
		if (f->mask != NULL && f->mask[i] == 0) {
			if (i < m - 1)
				last_wild = i;
			continue;
		}
		where[f->pat[i]] = i;
	}
	/* Insertion sort by rank: at most 256 values. */
	f->nanchors = 0;
	for (b = 0; b < 256; b++) {
		size_t k;

		if (where[b] == SIZE_MAX)
			continue;
		for (k = f->nanchors; k > 0 &&
		     byte_rank(f->pat[f->anchor[k - 1]]) >
		     byte_rank((unsigned char)b); k--)
			f->anchor[k] = f->anchor[k - 1];
		f->anchor[k] = where[b];
		f->nanchors++;
	}
	/*
	 * shift[b]: how far the window may move when its last byte is B, so
	 * that no match is skipped: to the last position j < m-1 where the
	 * pattern could hold B (a "??" holds anything), else a whole length.
	 */
	for (b = 0; b < 256; b++)
		f->shift[b] = last_wild == SIZE_MAX ? m : m - 1 - last_wild;
	for (size_t j = 0; j + 1 < m; j++)
		if (f->mask == NULL || f->mask[j] != 0)
			if (last_wild == SIZE_MAX || j > last_wild)
				f->shift[f->pat[j]] = m - 1 - j;
}

/* 1 if the pattern matches at S. */
static int matches_at(const struct finder *f, const unsigned char *s)
{
	if (f->mask == NULL)
		return memcmp(s, f->pat, f->len) == 0;
	for (size_t i = 0; i < f->len; i++)
		if ((s[i] & f->mask[i]) != f->pat[i])
			return 0;
	return 1;
}

/*
 * Print a match.  0 to go on, 1 to stop (MAX reached, output failed).
 * Each line goes into the buffer whole (outbuf_reserve flushes what is
 * there first when it lacks room), so that whatever has been written out
 * when the walk stops on a fault is whole lines.
 */
static int report(struct finder *f, uint64_t off)
{
	static const char digits[] = "0123456789abcdef";
	unsigned base = f->hex ? 16 : 10;
	char text[24];
	size_t i = sizeof(text);
	unsigned char *o;

	text[--i] = '\n';
	do {
		text[--i] = digits[off % base];
		off /= base;
	} while (off > 0);
	if (f->hex) {
		text[--i] = 'x';
		text[--i] = '0';
	}
	o = outbuf_reserve(&f->out, sizeof(text) - i);
	if (o == NULL) {
		f->out_failed = 1;
		return 1;
	}
	memcpy(o, text + i, sizeof(text) - i);
	outbuf_commit(&f->out, sizeof(text) - i);
	return ++f->found == f->max;
}

/* Horspool over the starting positions [FROM, NPOS) of T. */
static int scan_horspool(struct finder *f, const unsigned char *t,
			 size_t from, size_t npos, uint64_t base)
{
	size_t m = f->len;
	unsigned char lastpat = f->pat[m - 1];
	unsigned char lastmask = f->mask ? f->mask[m - 1] : 0xff;

	for (size_t s = from; s < npos; s += f->shift[t[s + m - 1]]) {
		if ((t[s + m - 1] & lastmask) == lastpat &&
		    matches_at(f, t + s) && report(f, base + s))
			return 1;
	}
	return 0;
}

/*
 * Report the matches in T[0..N) that start before LIMIT (T[0] is at file
 * offset BASE).  0 to go on, 1 to stop.
 */
static int scan(struct finder *f, const unsigned char *t, size_t n,
		size_t limit, uint64_t base)
{
	size_t m = f->len, npos, from = 0;

	if (n < m)
		return 0;
	npos = n - m + 1;
	if (npos > limit)
		npos = limit;
	if (f->nanchors == 0) {
		for (size_t s = 0; s < npos; s++)
			if (report(f, base + s))
				return 1;
		return 0;
	}
	/* Every start before FROM has been checked. */
	for (size_t ai = 0; ai < f->nanchors; ai++) {
		size_t a = f->anchor[ai], hits = 0;
		const unsigned char *p = t + from + a, *end = t + a + npos;
		const unsigned char *first = p, *q = NULL;

		while (p < end &&
		       (q = memchr(p, f->pat[a], (size_t)(end - p))) != NULL) {
			const unsigned char *s = q - a;

			if (matches_at(f, s) &&
			    report(f, base + (uint64_t)(s - t)))
				return 1;
			p = q + 1;
			/* More than one hit per 16 bytes: memchr is not
			 * skipping enough to pay for its calls. */
			if (++hits > 64 && m > 1 &&
			    hits > (size_t)(p - first) / 16)
				break;
		}
		if (p >= end || q == NULL)
			return 0;
		from = (size_t)(p - a - t);
	}
	return scan_horspool(f, t, from, npos, base);
}

/*
 * A hole of N zeros at OFF: a match lies wholly inside it only if the
 * pattern matches zeros, and then at every start that leaves room for it,
 * so those are counted out (report stops at MAX) instead of scanned.
 * Matches that start before the hole or run past its end are found by the
 * kept tail, as across windows.  0 to go on, 1 to stop.
 */
static int scan_hole(struct finder *f, uint64_t n, uint64_t off)
{
	if (!f->zero_match || n < f->len)
		return 0;
	for (uint64_t s = 0; s <= n - f->len; s++)
		if (report(f, off + s))
			return 1;
	return 0;
}

/*
 * Walk callback: the matches that start in the kept tail, then the rest.
 * A hole (P NULL) reads as zeros: f->zeros stands in for its first and
 * last LEN-1 bytes, which are all the tail and the join ever look at.
 */
static int find_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct finder *f = ctx;
	size_t keep = f->len - 1;
	const unsigned char *head = p != NULL ? p : f->zeros;

	if (f->ntail > 0) {
		size_t k = n < keep ? n : keep;

		memcpy(f->join, f->tail, f->ntail);
		memcpy(f->join + f->ntail, head, k);
		if (scan(f, f->join, f->ntail + k, f->ntail, f->tail_off))
			return 1;
	}
	if (p == NULL ? scan_hole(f, n, off) : scan(f, p, n, SIZE_MAX, off))
		return 1;
	if (keep == 0)
		return 0;
	/* Keep the last KEEP bytes of tail + chunk (chunks are contiguous). */
	if (n >= keep) {
		memcpy(f->tail, p != NULL ? p + n - keep : f->zeros, keep);
		f->ntail = keep;
		f->tail_off = off + n - keep;
	} else {
		size_t old = f->ntail < keep - n ? f->ntail : keep - n;

		memmove(f->tail, f->tail + f->ntail - old, old);
		memcpy(f->tail + old, head, n);
		f->ntail = old + n;
		f->tail_off = off - old;
	}
	return 0;
}

/* The pattern from the operand.  0, or -1 after a message. */
static int get_pattern(const struct find_args *a, struct hexbytes *hb)
{
	char *ops[1];

	memset(hb, 0, sizeof(*hb));
	if (a->string) {
		size_t n = strlen(a->pattern);

		if (n == 0)
			return usage_error("find", "empty PATTERN"), -1;
		hb->bytes = malloc(n);
		if (hb->bytes == NULL)
			return diag_errno("find", "PATTERN"), -1;
		memcpy(hb->bytes, a->pattern, n);
		hb->len = n;
		return 0;
	}
	ops[0] = (char *)a->pattern;
	if (arg_hex("find", "PATTERN", ops, 1, HEX_WILDCARD, hb) < 0)
		return -1;
	if (hb->len == 0) {
		hexbytes_free(hb);
		return usage_error("find", "empty PATTERN"), -1;
	}
	return 0;
}

int cmd_find(int argc, char **argv)
{
	struct find_args a;
	struct finder f;
	struct hexbytes hb = { NULL, NULL, 0 };
	struct offset soff = { 0, 0 };
	struct mapfile mf;
	const char *name;
	uint64_t off = 0, len = UINT64_MAX;
	int rc, status = EXIT_TROUBLE;

	memset(&f, 0, sizeof(f));
	f.out.fd = -1;
	rc = parse_args(argc, argv, &a);
	if (rc == -2)
		return opt_help(&find_options);
	if (rc < 0)
		return EXIT_TROUBLE;
	f.max = UINT64_MAX;
	f.hex = a.hex;
	if ((a.max_text && arg_count("find", "max count", a.max_text,
				     &f.max) < 0) ||
	    (a.off_text && arg_offset("find", "offset", a.off_text,
				      &soff) < 0) ||
	    (a.len_text && arg_count("find", "length", a.len_text, &len) < 0) ||
	    get_pattern(&a, &hb) < 0)
		goto out;
	f.pat = hb.bytes;
	f.mask = hb.mask;
	f.len = hb.len;
	finder_prepare(&f);
	/* tail holds up to LEN-1 bytes, join twice that, zeros LEN. */
	f.tail = calloc(4, f.len);
	f.join = f.tail ? f.tail + f.len : NULL;
	f.zeros = f.tail ? f.tail + 3 * f.len : NULL;
	if (f.zeros != NULL)
		f.zero_match = matches_at(&f, f.zeros);
	if (f.tail == NULL || outbuf_init(&f.out, 1, 0) < 0) {
		diag_errno("find", "PATTERN");
		goto out;
	}
	name = strcmp(a.path, "-") == 0 ? "standard input" : a.path;
	if (open_input("find", a.path, &mf) < 0)
		goto out;
	apply_test_window(&mf);
	if (mf.kind == MF_STREAM) {
		if (soff.from_end) {
			diag("find", "%s: negative offset on a stream", name);
			goto close;
		}
		off = soff.value;
	} else if (resolve_offset("find", name, a.off_text, &soff, mf.size,
				  &off) < 0) {
		goto close;
	}
	/* -m 0 asks for no match: the operands are checked, nothing read. */
	rc = f.max == 0 ? 0 : mapfile_walk(&mf, off, len, find_chunk, &f);
	if (rc < 0) {
		/* The matches found before the fault are true: they are
		 * printed, then why the search stopped. */
		report_read_failure("find", name, &mf, off, len, &f.out);
		goto close;
	}
	if (outbuf_flush(&f.out) < 0 && f.out.err != EPIPE) {
		errno = f.out.err;
		diag_errno("find", "write error on standard output");
		goto close;
	}
	status = f.found > 0 ? EXIT_DONE : EXIT_NEGATIVE;
close:
	if (close_file("find", name, &mf) < 0)
		status = EXIT_TROUBLE;
out:
	outbuf_free(&f.out);
	free(f.tail);
	hexbytes_free(&hb);
	return status;
}
