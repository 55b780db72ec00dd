/*
 * hexrev.c - mmtool hexdump -r: a dump back to its bytes, on standard
 * output, as xxd -r -p and xxd -r into a pipe write them.
 *
 * The dump is walked once by mapfile_walk and split into lines; each line
 * goes through the dump-line parser that patch reads with (dumpline.c),
 * and through dumpseq, the order every reader of dumps checks.  Bytes go
 * out through an outbuf as the lines come, so memory stays bounded: the
 * line being read, the last data line (what a '*' repeats) and the
 * outbuf.  A bad line stops the run with DUMP:LINE: and what is wrong;
 * what the outbuf has not yet written is dropped, but bytes of earlier
 * lines may have gone out already when the dump is larger than the
 * outbuf (the man page says so).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "dumpline.h"
#include "hexrev.h"
#include "mapfile.h"
#include "mmtool.h"
#include "outbuf.h"

/* Longest line taken: far more than any dump prints (xxd -c 256 -b is
 * about 2.3 KiB), small enough to hold. */
#define REV_LINE_MAX (1u << 20)

struct reverse {
	const struct reverse_opts *o;
	const char *name;	/* DUMP as messages name it */
	struct outbuf out;
	struct dumpseq seq;
	unsigned long line;	/* number of the line being taken */
	char *carry;		/* a line cut by the end of a chunk */
	size_t ncarry, carry_cap;
	unsigned char *bytes;	/* the bytes of the line being taken */
	size_t bytes_cap;
	unsigned char *prev;	/* the last data line, for '*' */
	size_t prev_len, prev_cap;
	uint64_t prev_off;
	int starred;		/* a '*' since the last data line */
	uint64_t pos;		/* bytes written (or buffered) so far */
	struct dumphex hex;	/* plain: where the reading stands */
	int failed;		/* a message was printed */
};

/* Room for N bytes in *P (capacity *CAP).  0, or -1 with errno ENOMEM. */
static int reserve(void *pp, size_t *cap, size_t n)
{
	unsigned char **p = pp;
	unsigned char *q;
	size_t c = *cap ? *cap : 256;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2;
	q = realloc(*p, c);
	if (q == NULL) {
		errno = ENOMEM;
		return -1;
	}
	*p = q;
	*cap = c;
	return 0;
}

static int rev_fail(struct reverse *rv, const char *phrase, size_t column)
{
	if (column != 0)
		diag("hexdump", "%s:%lu: %s (column %zu)", rv->name, rv->line,
		     phrase, column);
	else
		diag("hexdump", "%s:%lu: %s", rv->name, rv->line, phrase);
	rv->failed = 1;
	return -1;
}

static int out_failed(struct reverse *rv)
{
	rv->failed = 1;
	return -1;
}

/*
 * Write bytes up to offset TO: a '*' since the last data line repeats
 * that line (hexdump -C squeezes repeats so, xxd -a its zero lines), any
 * other gap is NULs (as xxd -r writes a gap into a pipe).
 */
static int fill_to(struct reverse *rv, uint64_t to)
{
	static const unsigned char zeros[64u << 10];

	while (rv->pos < to) {
		uint64_t left = to - rv->pos;
		const unsigned char *src = zeros;
		size_t k = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);

		if (rv->starred && rv->prev_len > 0) {
			size_t at = (size_t)((rv->pos - rv->prev_off) %
					     rv->prev_len);

			src = rv->prev + at;
			if (k > rv->prev_len - at)
				k = rv->prev_len - at;
		}
		if (outbuf_write(&rv->out, src, k) < 0)
			return out_failed(rv);
		rv->pos += k;
	}
	return 0;
}

/* One line of a dump with offsets (xxd or hexdump -C layout). */
static int take_dump_line(struct reverse *rv, const char *s, size_t n)
{
	struct dumpline dl;
	const char *why = "";
	char msg[160];

	if (reserve(&rv->bytes, &rv->bytes_cap, n / 2 + 1) < 0)
		return rev_fail(rv, "out of memory", 0);
	if (dumpline_parse_as(s, n, rv->o->flags, rv->bytes, &dl, &why) < 0)
		return rev_fail(rv, why, dl.column);
	if (dl.side != DUMPLINE_PLAIN && dl.kind != DUMPLINE_HEADER &&
	    dl.kind != DUMPLINE_HUNK)
		return rev_fail(rv, "a line of a guarded dump (mmtool diff's): "
				"patch applies those", 0);
	if (dumpseq_next(&rv->seq, &dl, msg, sizeof(msg)) < 0)
		return rev_fail(rv, msg, 0);
	switch (dl.kind) {
	case DUMPLINE_STAR:
		rv->starred = 1;
		return 0;
	case DUMPLINE_END:
		return fill_to(rv, dl.offset);
	case DUMPLINE_DATA:
		if (fill_to(rv, dl.offset) < 0)
			return -1;
		if (outbuf_write(&rv->out, rv->bytes, dl.len) < 0)
			return out_failed(rv);
		rv->pos = dl.offset + dl.len;
		/* The line a later '*' repeats: the buffers trade places,
		 * rather than a copy a line. */
		{
			unsigned char *t = rv->prev;
			size_t cap = rv->prev_cap;

			rv->prev = rv->bytes;
			rv->prev_cap = rv->bytes_cap;
			rv->bytes = t;
			rv->bytes_cap = cap;
		}
		rv->prev_len = dl.len;
		rv->prev_off = dl.offset;
		rv->starred = 0;
		return 0;
	default:
		return 0;
	}
}

/* Lines a run takes at most: 64 KiB of bytes into the outbuf at once. */
#define RUN_LINES 4096u

/*
 * The lines of xxd's default layout that go on from the bytes so far,
 * many at a time (dumpline_xxd_run: the same lines take_dump_line would
 * read, in the same order), decoded straight into the outbuf.  0 and in
 * *USED the bytes of P they span (0: the first line is not one), or -1
 * when the output failed (the message printed).
 */
static int take_xxd_run(struct reverse *rv, const unsigned char *p,
			size_t n, size_t *used)
{
	*used = 0;
	/* Bytes go out at rv->pos, and the run starts where the lines above
	 * end: the same place (a '*' gap is filled by the next data line). */
	if (rv->o->flags != 0 || rv->pos != rv->seq.end || n < 68 ||
	    p[67] != '\n' || p[8] != ':')
		return 0;
	for (;;) {
		size_t max = (n - *used) / 68, k;
		unsigned char *out;

		if (max > RUN_LINES)
			max = RUN_LINES;
		if (max == 0)
			break;
		out = outbuf_reserve(&rv->out, 16 * max);
		if (out == NULL)
			return out_failed(rv);
		k = dumpline_xxd_run(&rv->seq, (const char *)p + *used,
				     n - *used, max, out);
		if (k == 0)
			break;
		outbuf_commit(&rv->out, 16 * k);
		/* The last line is what a '*' after it repeats. */
		if (reserve(&rv->prev, &rv->prev_cap, 16) < 0) {
			rv->line++;
			return rev_fail(rv, "out of memory", 0);
		}
		memcpy(rv->prev, out + 16 * (k - 1), 16);
		rv->prev_len = 16;
		rv->prev_off = rv->pos + 16 * (k - 1);
		rv->starred = 0;
		rv->pos += 16 * k;
		rv->line += k;
		*used += 68 * k;
		if (k < max)
			break;
	}
	return 0;
}

/*
 * Walk callback for plain dumps: each piece as it comes, decoded a slice
 * at a time straight into the outbuf.  1 stops the walk.
 */
static int take_hex_chunk(struct reverse *rv, const unsigned char *p,
			  size_t n)
{
	/* Text a slice: its bytes fit the outbuf however it is filled. */
	const size_t slice = OUTBUF_SIZE / 2;

	while (n > 0) {
		size_t k = n < slice ? n : slice, len = 0;
		const char *why = "";
		unsigned char *out = outbuf_reserve(&rv->out, k / 2 + 1);
		int rc;

		if (out == NULL)
			return out_failed(rv), 1;
		rc = dumphex_read(&rv->hex, (const char *)p, k, out, &len,
				  &why);
		outbuf_commit(&rv->out, len);
		rv->pos += len;
		if (rc < 0) {
			rv->line = (unsigned long)rv->hex.line;
			return rev_fail(rv, why, (size_t)rv->hex.column), 1;
		}
		p += k;
		n -= k;
	}
	return 0;
}

static int take_line(struct reverse *rv, const char *s, size_t n)
{
	rv->line++;
	if (n > REV_LINE_MAX) {
		char msg[64];

		snprintf(msg, sizeof(msg), "line longer than %u bytes",
			 REV_LINE_MAX);
		return rev_fail(rv, msg, 0);
	}
	return take_dump_line(rv, s, n);
}

/* Walk callback: the dump's text, cut into lines; 1 stops the walk. */
static int take_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct reverse *rv = ctx;

	/* A hole in the dump: NUL bytes, which the parser refuses. */
	if (p == NULL)
		return mapfile_feed_zeros(take_chunk, ctx, n, off);
	if (rv->o->plain)
		return take_hex_chunk(rv, p, n);
	while (n > 0) {
		const unsigned char *nl;
		size_t k;
		int rc;

		if (rv->ncarry == 0) {
			size_t run;

			if (take_xxd_run(rv, p, n, &run) < 0)
				return 1;
			p += run;
			n -= run;
			if (n == 0)
				break;
		}
		nl = memchr(p, '\n', n);
		k = nl != NULL ? (size_t)(nl - p) : n;
		if (nl != NULL && rv->ncarry == 0) {
			rc = take_line(rv, (const char *)p, k);
		} else {
			if (rv->ncarry + k > REV_LINE_MAX + 1) {
				rv->line++;
				return rev_fail(rv, "line too long", 0), 1;
			}
			if (reserve(&rv->carry, &rv->carry_cap,
				    rv->ncarry + k) < 0) {
				rv->line++;
				return rev_fail(rv, "out of memory", 0), 1;
			}
			memcpy(rv->carry + rv->ncarry, p, k);
			rv->ncarry += k;
			if (nl == NULL)
				return 0;
			rc = take_line(rv, rv->carry, rv->ncarry);
			rv->ncarry = 0;
		}
		if (rc < 0)
			return 1;
		p += k + 1;
		n -= k + 1;
	}
	return 0;
}

/* The last line (without a newline), and what the dump's end leaves. */
static int finish(struct reverse *rv)
{
	if (!rv->o->plain && rv->ncarry > 0 &&
	    take_line(rv, rv->carry, rv->ncarry) < 0)
		return -1;
	if (rv->o->plain && rv->hex.half >= 0) {
		rv->line = (unsigned long)rv->hex.half_line;
		return rev_fail(rv, "half a byte at the end of the dump (odd "
				"number of hex digits)", 0);
	}
	if (outbuf_flush(&rv->out) < 0)
		return out_failed(rv);
	return 0;
}

int hexdump_reverse(const struct reverse_opts *o)
{
	struct reverse rv;
	struct mapfile mf;
	int rc, status = EXIT_TROUBLE;

	memset(&rv, 0, sizeof(rv));
	rv.o = o;
	rv.name = o->path != NULL ? o->path : "standard input";
	dumphex_init(&rv.hex);
	dumpseq_init(&rv.seq);
	if (outbuf_init(&rv.out, 1, 0) < 0) {
		diag_errno("hexdump", "output buffer");
		return EXIT_TROUBLE;
	}
	if (open_input("hexdump", o->path != NULL ? o->path : "-", &mf) < 0)
		goto out;
	apply_test_window(&mf);
	rc = mapfile_walk(&mf, 0, UINT64_MAX, take_chunk, &rv);
	if (rc < 0)
		report_read_failure("hexdump", rv.name, &mf, 0, UINT64_MAX,
				    NULL);
	else if (rc == 0 && finish(&rv) == 0)
		status = EXIT_DONE;
	if (rv.failed && rv.out.err != 0) {
		/* A reader that went away (| head -c 1) is a quiet end. */
		if (rv.out.err == EPIPE) {
			status = EXIT_DONE;
		} else {
			errno = rv.out.err;
			diag_errno("hexdump", "write error on standard output");
		}
	}
	if (close_file("hexdump", rv.name, &mf) < 0)
		status = EXIT_TROUBLE;
out:
	outbuf_free(&rv.out);
	free(rv.carry);
	free(rv.bytes);
	free(rv.prev);
	return status;
}
