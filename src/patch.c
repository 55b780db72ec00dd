/*
 * patch.c - mmtool patch: apply an edited dump.
 *
 * Order of work, so that a refusal leaves FILE exactly as it was:
 *
 *   1. open FILE for writing (a missing or unwritable FILE fails before
 *      any input is consumed);
 *   2. read the whole dump, a window or a read buffer at a time, and parse
 *      it line by line (dumpline.h) into byte runs: adjacent lines merge,
 *      so a run is a maximal stretch of contiguous bytes.  Any malformed
 *      line stops here with DUMP:LINE;
 *   3. check the runs against FILE's size (past the end needs --grow);
 *   4. compare the runs with FILE, one window at a time, read only.  This
 *      finds the changed runs (printed by --dry-run, counted by -v) and the
 *      pages that hold them;
 *   5. only if something differs: reserve blocks for those pages, grow,
 *      then map just those pages window by window and write the bytes that
 *      differ, msync each window.  An unedited dump never maps a page for
 *      writing, so FILE and its mtime stay untouched.
 *
 * Lines must not go back: each line's offset is at or past the end of the
 * previous line's bytes (every dump is written that way, and it keeps a
 * duplicated line from silently winning or losing).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdutil.h"
#include "diag.h"
#include "dumpline.h"
#include "hexdata.h"
#include "mapfile.h"
#include "mmtool.h"
#include "outbuf.h"

static const char usage[] =
	"usage: mmtool patch [--dry-run] [--grow] [--no-sync] [-v] FILE [DUMP | -]\n"
	"\n"
	"Write the bytes of an edited hex dump (xxd or hexdump -C layout, any\n"
	"xxd -c/-g) back into FILE at the offsets its lines carry.  DUMP is\n"
	"read from standard input when it is - or missing.  The ASCII column,\n"
	"'*' lines and the final offset line are ignored; only bytes that\n"
	"differ are written.\n"
	"\n"
	"      --dry-run      print each changed run (0xOFFSET: OLDHEX -> NEWHEX)\n"
	"                     and write nothing\n"
	"      --grow         extend FILE if the dump passes its end\n"
	"      --no-sync      do not wait for the data to reach storage\n"
	"  -v, --verbose      print how many bytes changed in how many runs\n"
	"  -h, --help         show this help\n";

/* A line longer than this is not a dump line (xxd -c 256 is ~1 KiB). */
#define LINE_MAX_BYTES (1u << 20)

struct patch_args {
	int dry_run, grow, no_sync, verbose;
	const char *path;
	const char *dump;	/* "-" for standard input */
};

/* Contiguous bytes of the dump: file offset OFF, LEN bytes at bytes+at. */
struct dump_run {
	uint64_t off;
	uint64_t len;
	size_t at;
	unsigned long line;	/* the dump line it starts on */
};

/* A stretch of whole pages (the last one clipped to the file) to write. */
struct span {
	uint64_t off, end;
};

struct patch {
	struct patch_args a;
	const char *dump_name;	/* DUMP, or "standard input" */
	struct mapfile mf;	/* FILE */
	struct outbuf out;

	/* The parsed dump. */
	unsigned char *bytes;
	size_t nbytes, bytes_cap;
	struct dump_run *runs;
	size_t nruns, runs_cap;
	unsigned long line;	/* lines read so far */
	char *carry;		/* a line cut by the end of a chunk */
	size_t ncarry, carry_cap;

	/* What differs (step 4). */
	uint64_t old_size, new_size;
	uint64_t changed_bytes, changed_runs;
	uint64_t diff_off, diff_len;	/* the changed run still growing */
	const unsigned char *diff_new;	/* its new bytes, in bytes[] */
	unsigned char *diff_old;	/* --dry-run: its old bytes */
	size_t diff_old_cap;
	struct span *spans;
	size_t nspans, spans_cap;
	uint64_t page;

	/* The walks' cursor into runs[], and a failure inside a walk. */
	size_t cur;
	int walk_errno;
	int out_failed;
};

static int parse_args(int argc, char **argv, struct patch_args *a)
{
	enum { OPT_DRY_RUN = 256, OPT_GROW, OPT_NO_SYNC };
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "grow", no_argument, NULL, OPT_GROW },
		{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DRY_RUN: a->dry_run = 1; break;
		case OPT_GROW: a->grow = 1; break;
		case OPT_NO_SYNC: a->no_sync = 1; break;
		case 'v': a->verbose = 1; break;
		case 'h': return -2;
		default: return option_error("patch", argv, c), -1;
		}
	}
	if (argc - optind < 1) {
		usage_error("patch", "missing operand: FILE [DUMP | -]");
		return -1;
	}
	if (argc - optind > 2) {
		usage_error("patch", "too many operands");
		return -1;
	}
	a->path = argv[optind];
	a->dump = argc - optind == 2 ? argv[optind + 1] : "-";
	return 0;
}

/*
 * Make room for NEED elements of SIZE bytes in the array P of *CAP
 * elements, doubling.  Returns the array (P itself or a new one, *cap
 * updated), or NULL with errno ENOMEM and P untouched.
 */
static void *grow_array(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size) {
			errno = ENOMEM;
			return NULL;
		}
		n *= 2;
	}
	q = realloc(p, n * size);
	if (q == NULL)
		return NULL;
	*cap = n;
	return q;
}

/* ---- Step 2: the dump into runs ---------------------------------------- */

/* Parse one line (without its newline).  0, or 1 after a message. */
static int take_line(struct patch *pt, const char *s, size_t n)
{
	struct dumpline dl;
	struct dump_run *last;
	const char *why = "";
	unsigned char *b;

	pt->line++;
	if (n > LINE_MAX_BYTES) {
		diag("patch", "%s:%lu: line longer than %u bytes",
		     pt->dump_name, pt->line, LINE_MAX_BYTES);
		return 1;
	}
	b = grow_array(pt->bytes, &pt->bytes_cap, pt->nbytes + n / 2 + 1, 1);
	if (b == NULL) {
		diag_errno("patch", "%s", pt->dump_name);
		return 1;
	}
	pt->bytes = b;
	if (dumpline_parse(s, n, pt->bytes + pt->nbytes, &dl, &why) < 0) {
		diag("patch", "%s:%lu: %s (column %zu)", pt->dump_name,
		     pt->line, why, dl.column);
		return 1;
	}
	if (dl.kind != DUMPLINE_DATA)
		return 0;
	last = pt->nruns ? &pt->runs[pt->nruns - 1] : NULL;
	if (last != NULL && dl.offset < last->off + last->len) {
		diag("patch", "%s:%lu: offset 0x%llx goes back before the end "
		     "of the bytes above (0x%llx)", pt->dump_name, pt->line,
		     (unsigned long long)dl.offset,
		     (unsigned long long)(last->off + last->len));
		return 1;
	}
	if (last != NULL && dl.offset == last->off + last->len) {
		last->len += dl.len;
	} else {
		struct dump_run *runs = grow_array(pt->runs, &pt->runs_cap,
						   pt->nruns + 1,
						   sizeof(*pt->runs));

		if (runs == NULL) {
			diag_errno("patch", "%s", pt->dump_name);
			return 1;
		}
		pt->runs = runs;
		last = &pt->runs[pt->nruns++];
		last->off = dl.offset;
		last->len = dl.len;
		last->at = pt->nbytes;
		last->line = pt->line;
	}
	pt->nbytes += dl.len;
	return 0;
}

/* Walk callback: split the dump text into lines, carrying a cut line. */
static int take_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct patch *pt = ctx;

	(void)off;
	while (n > 0) {
		const unsigned char *nl = memchr(p, '\n', n);
		size_t k = nl ? (size_t)(nl - p) : n;

		if (nl == NULL || pt->ncarry > 0) {
			char *c;

			if (pt->ncarry + k > LINE_MAX_BYTES) {
				diag("patch", "%s:%lu: line longer than %u "
				     "bytes", pt->dump_name, pt->line + 1,
				     LINE_MAX_BYTES);
				return 1;
			}
			c = grow_array(pt->carry, &pt->carry_cap,
				       pt->ncarry + k, 1);
			if (c == NULL) {
				diag_errno("patch", "%s", pt->dump_name);
				return 1;
			}
			pt->carry = c;
			memcpy(pt->carry + pt->ncarry, p, k);
			pt->ncarry += k;
			if (nl == NULL)
				return 0;
			if (take_line(pt, pt->carry, pt->ncarry) != 0)
				return 1;
			pt->ncarry = 0;
		} else if (take_line(pt, (const char *)p, k) != 0) {
			return 1;
		}
		p += k + 1;
		n -= k + 1;
	}
	return 0;
}

/* Read and parse the whole dump.  0, or -1 after a message. */
static int read_dump(struct patch *pt)
{
	struct mapfile dmf;
	int rc;

	if (open_input("patch", pt->a.dump, &dmf) < 0)
		return -1;
	apply_test_window(&dmf);
	rc = mapfile_walk(&dmf, 0, UINT64_MAX, take_chunk, pt);
	if (rc < 0)
		diag_errno("patch", "%s", pt->dump_name);
	if (rc == 0 && pt->ncarry > 0 &&
	    take_line(pt, pt->carry, pt->ncarry) != 0)
		rc = 1;
	if (close_file("patch", pt->dump_name, &dmf) < 0)
		rc = -1;
	return rc == 0 ? 0 : -1;
}

/* ---- Step 4: what differs ---------------------------------------------- */

/* Append the lowercase hex of P[0..N) to the output. */
static int emit_hex(struct outbuf *ob, const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t k = n < 4096 ? n : 4096;
		unsigned char *o = outbuf_reserve(ob, 2 * k + 1);

		if (o == NULL)
			return -1;
		hex_encode(p, k, (char *)o);
		outbuf_commit(ob, 2 * k);
		p += k;
		n -= k;
	}
	return 0;
}

/* --dry-run: print the changed run that just ended.  0, or -1 (output). */
static int emit_diff(struct patch *pt)
{
	char head[32];
	int k = snprintf(head, sizeof(head), "0x%llx: ",
			 (unsigned long long)pt->diff_off);

	if (outbuf_write(&pt->out, head, (size_t)k) < 0 ||
	    emit_hex(&pt->out, pt->diff_old, (size_t)pt->diff_len) < 0 ||
	    outbuf_write(&pt->out, " -> ", 4) < 0 ||
	    emit_hex(&pt->out, pt->diff_new, (size_t)pt->diff_len) < 0 ||
	    outbuf_write(&pt->out, "\n", 1) < 0)
		return -1;
	return 0;
}

/*
 * Close the changed run being built, if any.  A failed output only sets
 * out_failed: the walk then stops, and finish_output reports it.
 */
static void end_diff(struct patch *pt)
{
	if (pt->diff_len > 0 && pt->a.dry_run && !pt->out_failed &&
	    emit_diff(pt) < 0)
		pt->out_failed = 1;
	pt->diff_len = 0;
}

/* Add the pages of [OFF, OFF+LEN) to the spans to write. */
static int add_span(struct patch *pt, uint64_t off, uint64_t len)
{
	uint64_t lo = off - off % pt->page;
	uint64_t hi = off + len;
	struct span *last = pt->nspans ? &pt->spans[pt->nspans - 1] : NULL;

	if (hi % pt->page != 0)
		hi += pt->page - hi % pt->page;
	if (hi > pt->new_size)
		hi = pt->new_size;
	if (last != NULL && lo <= last->end) {
		if (hi > last->end)
			last->end = hi;
		return 0;
	}
	last = grow_array(pt->spans, &pt->spans_cap, pt->nspans + 1,
			  sizeof(*pt->spans));
	if (last == NULL)
		return -1;
	pt->spans = last;
	pt->spans[pt->nspans].off = lo;
	pt->spans[pt->nspans].end = hi;
	pt->nspans++;
	return 0;
}

/*
 * Bytes OFF..OFF+LEN differ: OLD is what FILE holds (NULL: past its end,
 * where it will read as zeros), NEW what the dump wants.  Extends the
 * changed run when it continues one.  0, or -1 with errno.
 */
static int note_diff(struct patch *pt, uint64_t off,
		     const unsigned char *old, const unsigned char *new,
		     size_t len)
{
	if (pt->diff_len == 0 || pt->diff_off + pt->diff_len != off) {
		end_diff(pt);
		pt->diff_off = off;
		pt->diff_new = new;
		pt->changed_runs++;
	}
	if (pt->a.dry_run) {
		unsigned char *o = grow_array(pt->diff_old, &pt->diff_old_cap,
					      (size_t)pt->diff_len + len, 1);

		if (o == NULL)
			return -1;
		pt->diff_old = o;
		if (old != NULL)
			memcpy(pt->diff_old + pt->diff_len, old, len);
		else
			memset(pt->diff_old + pt->diff_len, 0, len);
	}
	pt->diff_len += len;
	pt->changed_bytes += len;
	return add_span(pt, off, len);
}

/* Compare LEN bytes at file offset OFF: OLD (NULL: zeros) with NEW. */
static int compare_bytes(struct patch *pt, uint64_t off,
			 const unsigned char *old, const unsigned char *new,
			 size_t len)
{
	static const unsigned char zeros[4096];
	size_t i = 0, j;

	if (old == NULL) {
		/* Past the end: compare with zeros, a page at a time. */
		while (i < len) {
			size_t k = len - i < sizeof(zeros) ? len - i :
				   sizeof(zeros);

			if (compare_bytes(pt, off + i, zeros, new + i, k) < 0)
				return -1;
			i += k;
		}
		return 0;
	}
	if (memcmp(old, new, len) == 0)
		return 0;
	while (i < len) {
		while (i < len && old[i] == new[i])
			i++;
		if (i == len)
			break;
		j = i;
		while (j < len && old[j] != new[j])
			j++;
		if (note_diff(pt, off + i, old == zeros ? NULL : old + i,
			      new + i, j - i) < 0)
			return -1;
		i = j;
	}
	return 0;
}

/*
 * Walk callback of the comparison: the runs that meet this chunk, from
 * the cursor on.  A run that goes on past the chunk stays the cursor.
 */
static int compare_chunk(void *ctx, const unsigned char *p, size_t n,
			 uint64_t off)
{
	struct patch *pt = ctx;
	uint64_t end = off + n;

	while (pt->cur < pt->nruns) {
		const struct dump_run *r = &pt->runs[pt->cur];
		uint64_t lo = r->off > off ? r->off : off;
		uint64_t rend = r->off + r->len;
		uint64_t hi = rend < end ? rend : end;

		if (r->off >= end)
			break;
		if (lo < hi && compare_bytes(pt, lo, p + (lo - off),
					     pt->bytes + r->at + (lo - r->off),
					     (size_t)(hi - lo)) < 0) {
			pt->walk_errno = errno;
			return 1;
		}
		if (rend > end)
			break;
		pt->cur++;
	}
	return pt->out_failed;
}

/*
 * Step 4.  Runs closer together than a window share one walk, so that a
 * dump of many short runs (hexdump's '*' lines) does not map a window
 * per run, and a dump of two lines far apart does not map all between.
 * 0 when done or stopped by a failed output (out_failed: finish_output
 * reports it), -1 after a message.
 */
static int find_changes(struct patch *pt)
{
	size_t r = 0, window = pt->mf.window;
	int rc;

	while (r < pt->nruns && !pt->out_failed) {
		size_t last = r;
		uint64_t start = pt->runs[r].off;
		uint64_t end = start + pt->runs[r].len;

		while (last + 1 < pt->nruns &&
		       pt->runs[last + 1].off - end < window) {
			last++;
			end = pt->runs[last].off + pt->runs[last].len;
		}
		pt->cur = r;
		rc = mapfile_walk(&pt->mf, start, end - start, compare_chunk,
				  pt);
		if (rc != 0 && !pt->out_failed) {
			if (rc > 0)
				errno = pt->walk_errno;
			diag_errno("patch", "%s", pt->a.path);
			return -1;
		}
		r = last + 1;
	}
	/* What lies past the end compares with the zeros it will read as. */
	for (r = 0; r < pt->nruns && !pt->out_failed; r++) {
		const struct dump_run *run = &pt->runs[r];
		uint64_t end = run->off + run->len;
		uint64_t lo = run->off > pt->old_size ? run->off : pt->old_size;

		if (end <= pt->old_size)
			continue;
		if (compare_bytes(pt, lo, NULL, pt->bytes + run->at +
				  (lo - run->off), (size_t)(end - lo)) < 0) {
			diag_errno("patch", "%s", pt->a.path);
			return -1;
		}
	}
	end_diff(pt);
	return 0;
}

/* ---- Step 5: the write ------------------------------------------------- */

/*
 * Walk callback of the write.  FILE is open for writing, so the walk maps
 * each window writable and mf->data is P itself, without the const.
 */
static int write_chunk(void *ctx, const unsigned char *p, size_t n,
		       uint64_t off)
{
	struct patch *pt = ctx;
	unsigned char *dst = pt->mf.data;
	uint64_t end = off + n;

	(void)p;
	while (pt->cur < pt->nruns) {
		const struct dump_run *r = &pt->runs[pt->cur];
		uint64_t lo = r->off > off ? r->off : off;
		uint64_t rend = r->off + r->len;
		uint64_t hi = rend < end ? rend : end;

		if (r->off >= end)
			break;
		if (lo < hi) {
			unsigned char *d = dst + (lo - off);
			const unsigned char *s = pt->bytes + r->at +
						 (lo - r->off);

			/* Write only what differs: a byte stored again
			 * could undo a concurrent writer's change. */
			for (size_t i = 0; i < hi - lo; i++)
				if (d[i] != s[i])
					d[i] = s[i];
		}
		if (rend > end)
			break;
		pt->cur++;
	}
	if (!pt->a.no_sync && mapfile_sync(&pt->mf) < 0) {
		pt->walk_errno = errno;
		return 1;
	}
	return 0;
}

/*
 * Reserve blocks for the pages to write (a write into a hole of a full
 * filesystem through a mapping is a SIGBUS) and grow FILE to its new size.
 * On failure nothing was written and the old size is restored.
 *
 * The spans go last to first, so that those past the end, where EFBIG and
 * most ENOSPC arise, fail before any work inside the file.  (The bytes and
 * the size are restored; the mtime may not be: Linux stamps it on entry to
 * fallocate, before the call can fail.)
 */
static int reserve_and_grow(struct patch *pt)
{
	struct mapfile *mf = &pt->mf;

	for (size_t i = pt->nspans; i-- > 0 && mf->kind == MF_REGULAR;) {
		const struct span *s = &pt->spans[i];

		if (mapfile_allocate(mf, s->off, s->end - s->off) < 0 &&
		    errno != EOPNOTSUPP && errno != EINVAL && errno != ENODEV)
			goto undo;
	}
	if (pt->new_size > mf->size && mapfile_resize(mf, pt->new_size) < 0)
		goto undo;
	return 0;
undo:
	diag_errno("patch", "%s", pt->a.path);
	if (mf->size != pt->old_size)
		mapfile_resize(mf, pt->old_size);
	return -1;
}

static int apply_changes(struct patch *pt)
{
	size_t i;
	int rc;

	if (reserve_and_grow(pt) < 0)
		return -1;
	pt->cur = 0;
	for (i = 0; i < pt->nspans; i++) {
		const struct span *s = &pt->spans[i];

		/* Runs that end before this span were handled before it. */
		while (pt->cur < pt->nruns &&
		       pt->runs[pt->cur].off + pt->runs[pt->cur].len <= s->off)
			pt->cur++;
		rc = mapfile_walk(&pt->mf, s->off, s->end - s->off,
				  write_chunk, pt);
		if (rc != 0) {
			if (rc > 0)
				errno = pt->walk_errno;
			diag_errno("patch", "%s: data may not have reached "
				   "storage", pt->a.path);
			return -1;
		}
	}
	if (!pt->a.no_sync && pt->mf.size != pt->old_size &&
	    mapfile_fsync(&pt->mf) < 0) {
		diag_errno("patch", "%s: data may not have reached storage",
			   pt->a.path);
		return -1;
	}
	return 0;
}

/* ---- The command -------------------------------------------------------- */

/* Step 3: the end of the dump against FILE's size. */
static int check_size(struct patch *pt)
{
	const struct dump_run *last;
	uint64_t end;

	pt->old_size = pt->new_size = pt->mf.size;
	if (pt->nruns == 0)
		return 0;
	last = &pt->runs[pt->nruns - 1];
	end = last->off + last->len;
	if (end <= pt->mf.size)
		return 0;
	if (!pt->a.grow || pt->mf.kind != MF_REGULAR) {
		/* Name the first run that passes the end. */
		size_t r = 0;

		while (pt->runs[r].off + pt->runs[r].len <= pt->mf.size)
			r++;
		diag("patch", "%s:%lu: range [%llu, %llu) is outside %s "
		     "(%llu bytes)%s", pt->dump_name, pt->runs[r].line,
		     (unsigned long long)pt->runs[r].off,
		     (unsigned long long)(pt->runs[r].off + pt->runs[r].len),
		     pt->a.path, (unsigned long long)pt->mf.size,
		     pt->mf.kind == MF_REGULAR ?
		     "; --grow extends the file" : "");
		return -1;
	}
	pt->new_size = end;
	return 0;
}

/* -v: "FILE: N bytes changed in M runs[, size OLD -> NEW]". */
static int print_summary(struct patch *pt)
{
	char line[512], size[64] = "";
	int k;

	if (pt->new_size != pt->old_size)
		snprintf(size, sizeof(size), ", size %llu -> %llu",
			 (unsigned long long)pt->old_size,
			 (unsigned long long)pt->new_size);
	k = snprintf(line, sizeof(line), "%s: %llu byte%s %s in %llu run%s%s\n",
		     pt->a.path, (unsigned long long)pt->changed_bytes,
		     pt->changed_bytes == 1 ? "" : "s",
		     pt->a.dry_run ? "would change" : "changed",
		     (unsigned long long)pt->changed_runs,
		     pt->changed_runs == 1 ? "" : "s", size);
	if (k < 0)
		return 0;
	if ((size_t)k >= sizeof(line)) {
		/* A path too long for the line: cut it, keep the newline. */
		k = sizeof(line) - 1;
		line[k - 1] = '\n';
	}
	return outbuf_write(&pt->out, line, (size_t)k);
}

/* Flush what was printed.  0, or -1 after a message (EPIPE is quiet). */
static int finish_output(struct patch *pt)
{
	if (outbuf_flush(&pt->out) == 0 || pt->out.err == EPIPE)
		return 0;
	errno = pt->out.err;
	diag_errno("patch", "write error on standard output");
	return -1;
}

int cmd_patch(int argc, char **argv)
{
	struct patch pt;
	long ps = sysconf(_SC_PAGESIZE);
	int rc, status = EXIT_TROUBLE;

	memset(&pt, 0, sizeof(pt));
	pt.mf.fd = -1;
	rc = parse_args(argc, argv, &pt.a);
	if (rc == -2)
		return print_help("patch", usage);
	if (rc < 0)
		return EXIT_TROUBLE;
	pt.page = ps > 0 ? (uint64_t)ps : 4096;
	pt.dump_name = strcmp(pt.a.dump, "-") == 0 ? "standard input" :
		       pt.a.dump;
	if (outbuf_init(&pt.out, 1, 0) < 0) {
		diag_errno("patch", "output buffer");
		return EXIT_TROUBLE;
	}
	if (open_file("patch", pt.a.path, MF_WRITE, &pt.mf) < 0)
		goto out;
	apply_test_window(&pt.mf);
	if (read_dump(&pt) < 0 || check_size(&pt) < 0 ||
	    find_changes(&pt) < 0)
		goto close;
	if (!pt.a.dry_run && !pt.out_failed &&
	    (pt.nspans > 0 || pt.new_size != pt.old_size) &&
	    apply_changes(&pt) < 0)
		goto close;
	if (pt.a.verbose && !pt.out_failed && print_summary(&pt) < 0)
		pt.out_failed = 1;
	if (finish_output(&pt) < 0)
		goto close;
	status = EXIT_DONE;
close:
	if (close_file("patch", pt.a.path, &pt.mf) < 0)
		status = EXIT_TROUBLE;
out:
	outbuf_free(&pt.out);
	free(pt.bytes);
	free(pt.runs);
	free(pt.carry);
	free(pt.diff_old);
	free(pt.spans);
	return status;
}
