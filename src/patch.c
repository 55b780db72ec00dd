/*
 * patch.c - mmtool patch: apply an edited dump.
 *
 * One pass over the dump that holds only what changes, so that memory is
 * the changed bytes plus a bounded batch, whatever the size of FILE or of
 * the dump:
 *
 *   1. open FILE for writing and take its write lock (a missing or
 *      unwritable FILE fails before any input is consumed, and no other
 *      mmtool writer resizes or writes FILE until we are done);
 *   2. read the dump a chunk at a time and parse it line by line
 *      (dumpline.h), queueing each line's bytes as pending segments;
 *   3. whenever about PENDING_BYTES are queued, compare them with FILE:
 *      walk just the pages that hold them, a window at a time (lines only
 *      go forward, so windows do too; holes read as zeros and are never
 *      mapped), copy out under the SIGBUS guard what differs, then keep
 *      only the bytes that differ, merged into changed runs.  Bytes past
 *      FILE's end compare with the zeros they will read as, and need
 *      --grow;
 *   4. at the end of the dump, and only if every line was good: print the
 *      runs (--dry-run); or, with SIGINT and the like held, reserve blocks
 *      for their pages, grow, print -v's summary, and store them window
 *      by window, msync each window.  An unedited dump never stores into
 *      a page, so FILE and its mtime stay untouched.
 *
 * Nothing is stored before the whole dump has been read, so a bad line
 * anywhere (exit 2, DUMP:LINE) leaves FILE exactly as it was.
 *
 * Lines must not go back: each line's offset is at or past the end of the
 * previous line's bytes (every dump is written that way, and it keeps a
 * duplicated line from silently winning or losing).
 */
#include <errno.h>
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
#include "opttab.h"
#include "outbuf.h"

enum { OPT_DRY_RUN = OPT_LONG, OPT_GROW, OPT_SHRINK, OPT_NO_SYNC };

static const struct opt patch_opts[] = {
	{ OPT_DRY_RUN, "dry-run", OPT_NOARG, NULL,
	  "print each changed run (0xOFFSET: OLDHEX -> NEWHEX)\n"
	  "and write nothing", NULL, 0 },
	{ 'R', "reverse", OPT_NOARG, NULL,
	  "guarded dump: swap its sides (undo it)", NULL, 0 },
	{ OPT_GROW, "grow", OPT_NOARG, NULL,
	  "extend FILE if the dump passes its end", NULL, 0 },
	{ OPT_SHRINK, "shrink", OPT_NOARG, NULL,
	  "guarded dump: let its sizes shrink FILE", NULL, 0 },
	{ 'e', NULL, OPT_NOARG, NULL,
	  "the dump was made with xxd -e (little-endian groups)", NULL, 0 },
	{ 'b', NULL, OPT_NOARG, NULL,
	  "the dump was made with xxd -b (bits)", NULL, 0 },
	{ 'd', NULL, OPT_NOARG, NULL,
	  "the dump was made with xxd -d (decimal offsets)", NULL, 0 },
	{ OPT_NO_SYNC, "no-sync", OPT_NOARG, NULL,
	  "do not wait for the data to reach storage", NULL, 0 },
	{ 'v', "verbose", OPT_NOARG, NULL,
	  "print how many bytes changed in how many runs", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts patch_options = {
	"patch",
	"usage: mmtool patch [--dry-run] [-R] [--grow] [--shrink] [-e | -b] "
	"[-d] [--no-sync] [-v] FILE [DUMP | -]\n"
	"\n"
	"Write the bytes of an edited hex dump (xxd or hexdump -C layout, any\n"
	"xxd -c/-g) back into FILE at the offsets its lines carry.  DUMP is\n"
	"read from standard input when it is - or missing.  The ASCII column,\n"
	"'*' lines and the final offset line are ignored; only bytes that\n"
	"differ are written.  -e, -b and -d read a dump made with those xxd\n"
	"options.  A guarded dump (mmtool diff's) is applied only\n"
	"where FILE holds its '-' side; hunks already applied are skipped, and\n"
	"any other hunk is a conflict (exit 1, nothing written).\n"
	"\n",
	patch_opts, NULL
};

/* A line longer than this is not a dump line (xxd -c 256 is ~1 KiB). */
#define LINE_MAX_BYTES (1u << 20)

/*
 * Compare the queued bytes with FILE once this many are queued, or this
 * many segments.  Large enough that a compare (an mmap, two sigactions)
 * costs nothing next to parsing the text, small enough to keep memory
 * flat: the batch, its copy of FILE's bytes and the segments stay near
 * 2 MiB at most (a line adds up to LINE_MAX_BYTES / 2 past the limit).
 */
#define PENDING_BYTES (256u << 10)
#define PENDING_SEGS 4096u

/* What take_chunk returns to stop the dump's walk so that the queued
 * bytes can be compared outside it (see take_chunk). */
#define WALK_PAUSE 2

/* What the dump is, from its first line (see "guarded dumps" below). */
enum { MODE_NONE, MODE_PLAIN, MODE_GUARDED };

struct patch_args {
	int dry_run, grow, shrink, reverse, no_sync, verbose;
	unsigned layout;	/* DUMPLINE_LITTLE_ENDIAN, _BITS, _DECIMAL */
	const char *path;
	const char *dump;	/* "-" for standard input */
};

/*
 * Queued bytes of the dump not yet compared with FILE: LEN bytes at file
 * offset OFF, held at pend[at] (and, once copied, FILE's at pend_old[at]).
 * A segment lies wholly inside FILE and inside one window of it, or wholly
 * past FILE's end, so each window's segments are mapped together.
 */
struct segment {
	uint64_t off;
	size_t len;
	size_t at;
	int differs;		/* set by copy_piece */
};

/* A run of changed bytes: LEN new bytes at newb[at], and for --dry-run
 * the old ones at oldb[at]. */
struct change {
	uint64_t off;
	size_t len;
	size_t at;
};

struct patch {
	struct patch_args a;
	const char *dump_name;	/* DUMP, or "standard input" */
	struct mapfile mf;	/* FILE */
	struct mapfile dmf;	/* DUMP: open until the end (see read_dump) */
	struct outbuf out;
	uint64_t page;
	uint64_t window;	/* mf.window as the walk uses it: whole pages */

	/* Reading the dump. */
	int dump_mapped;	/* the dump is mapped, not read as a stream */
	uint64_t resume;	/* mapped dump: where to go on after a pause */
	unsigned long line;	/* lines read so far */
	char *carry;		/* a line cut by the end of a chunk */
	size_t ncarry, carry_cap;
	struct dumpseq seq;	/* the order of the lines read so far */

	/* The first line past the end without --grow (0: none yet).  The
	 * rest of the dump is still parsed, so that a malformed line later
	 * on is what gets reported, as when the dump was parsed first. */
	unsigned long outside_line;
	uint64_t outside_off, outside_end;

	/* The queue (step 2). */
	unsigned char *pend, *pend_old;
	size_t npend, pend_cap, pend_old_cap;
	struct segment *segs;
	size_t nsegs, segs_cap;
	size_t seg_lo, seg_hi;	/* the window copy_piece works on */

	/* What differs (step 3). */
	uint64_t old_size, new_size;
	struct change *changes;
	size_t nchanges, changes_cap;
	unsigned char *newb, *oldb;
	size_t nnew, newb_cap, oldb_cap;
	/* Stretches of whole pages to reserve and write (clipped to the
	 * file's new size when used). */
	struct mapfile_span *spans;
	size_t nspans, spans_cap;

	/* Guarded dumps (see "guarded dumps" below). */
	int mode;		/* MODE_*: what the first line said */
	struct gline *glines;	/* checked hunks' lines, then the open one's */
	size_t nglines, glines_cap;
	unsigned char *gbytes;	/* the lines' bytes */
	size_t ngbytes, gbytes_cap;
	struct ghunk *hunks;	/* complete hunks, not yet checked */
	size_t nhunks, hunks_cap;
	size_t open_first;	/* glines[open_first..] are the open hunk's */
	unsigned long open_line;	/* its "@@" line (0: none yet) */
	uint64_t old_end, new_end;	/* ends of each side's last line */
	int have_size[2];	/* a '-SIZE' / '+SIZE' line was read */
	uint64_t size[2];	/* [0] the '-' side's (after -R), [1] '+' */
	unsigned char *tbytes;	/* FILE's bytes under the hunks checked */
	size_t tbytes_cap;
	struct trun *truns;	/* where they come from */
	size_t ntruns, truns_cap;
	size_t run_lo, run_hi;	/* the runs copy_runs works on */
	unsigned long conflicts;	/* how many */
	struct conflict *conflict_list;	/* the first CONFLICTS_KEPT */
	size_t nconflicts, conflicts_cap;
	unsigned long hunks_line;	/* the hunk whose changes are noted */

	/* The write's cursor into changes[], and a failure inside a walk. */
	size_t cur;
	int walk_errno;
	int out_failed;
};

static int parse_args(int argc, char **argv, struct patch_args *a)
{
	struct optparse op;
	int c;

	memset(a, 0, sizeof(*a));
	opt_init(&op, &patch_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case OPT_DRY_RUN: a->dry_run = 1; break;
		case OPT_GROW: a->grow = 1; break;
		case OPT_SHRINK: a->shrink = 1; break;
		case 'R': a->reverse = 1; break;
		case 'e': a->layout |= DUMPLINE_LITTLE_ENDIAN; break;
		case 'b': a->layout |= DUMPLINE_BITS; break;
		case 'd': a->layout |= DUMPLINE_DECIMAL; break;
		case OPT_NO_SYNC: a->no_sync = 1; break;
		case 'v': a->verbose = 1; break;
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if ((a->layout & DUMPLINE_LITTLE_ENDIAN) &&
	    (a->layout & DUMPLINE_BITS)) {
		usage_error("patch", "-e and -b exclude each other");
		return -1;
	}
	if (opt_operands(&op, 1, 2, "FILE [DUMP | -]") < 0)
		return -1;
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

/* ---- Step 3: what differs ---------------------------------------------- */

/* Add the pages of [OFF, OFF+LEN) to the spans to reserve and write. */
static int add_span(struct patch *pt, uint64_t off, uint64_t len)
{
	uint64_t lo = off - off % pt->page;
	uint64_t hi = off + len;
	struct mapfile_span *last = pt->nspans ? &pt->spans[pt->nspans - 1] :
				    NULL;

	/* Offsets end by 2^63-1 (dumpline.h): rounding up cannot wrap. */
	if (hi % pt->page != 0)
		hi += pt->page - hi % pt->page;
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
 * where it will read as zeros), NEW what the dump wants.  Both are copied
 * (OLD only for --dry-run); a run that continues the last one extends it.
 * 0, or -1 with errno.
 */
static int note_diff(struct patch *pt, uint64_t off,
		     const unsigned char *old, const unsigned char *new,
		     size_t len)
{
	struct change *last = pt->nchanges ? &pt->changes[pt->nchanges - 1] :
			      NULL;
	unsigned char *b;

	b = grow_array(pt->newb, &pt->newb_cap, pt->nnew + len, 1);
	if (b == NULL)
		return -1;
	pt->newb = b;
	memcpy(pt->newb + pt->nnew, new, len);
	if (pt->a.dry_run) {
		b = grow_array(pt->oldb, &pt->oldb_cap, pt->nnew + len, 1);
		if (b == NULL)
			return -1;
		pt->oldb = b;
		if (old != NULL)
			memcpy(pt->oldb + pt->nnew, old, len);
		else
			memset(pt->oldb + pt->nnew, 0, len);
	}
	if (last != NULL && last->off + last->len == off) {
		last->len += len;
	} else {
		last = grow_array(pt->changes, &pt->changes_cap,
				  pt->nchanges + 1, sizeof(*pt->changes));
		if (last == NULL)
			return -1;
		pt->changes = last;
		last = &pt->changes[pt->nchanges++];
		last->off = off;
		last->len = len;
		last->at = pt->nnew;
	}
	pt->nnew += len;
	return add_span(pt, off, len);
}

/*
 * Compare LEN bytes at file offset OFF: OLD (NULL past the end: zeros)
 * with NEW, noting each run that differs.  0, or -1 with errno.
 */
static int find_diffs(struct patch *pt, uint64_t off,
		      const unsigned char *old, const unsigned char *new,
		      size_t len)
{
	static const unsigned char zeros[4096];
	size_t done = 0;

	while (done < len) {
		/* Past the end, compare with zeros a page at a time. */
		size_t n = old != NULL || len - done < sizeof(zeros) ?
			   len - done : sizeof(zeros);
		const unsigned char *o = old != NULL ? old + done : zeros;
		const unsigned char *w = new + done;
		size_t i = 0, j;

		while (i < n) {
			while (i < n && o[i] == w[i])
				i++;
			if (i == n)
				break;
			j = i;
			while (j < n && o[j] != w[j])
				j++;
			if (note_diff(pt, off + done + i,
				      old != NULL ? o + i : NULL, w + i,
				      j - i) < 0)
				return -1;
			i = j;
		}
		done += n;
	}
	return 0;
}

/*
 * Walk callback, guarded: FILE's bytes [OFF, OFF+N) (P NULL: a hole, read
 * as zeros without touching it) go to pend_old for the parts of the
 * segments segs[seg_lo..seg_hi) they hold, and each segment notes whether
 * they differ from the dump's.  No stdio or malloc here: a SIGBUS jumps
 * out.
 */
static int copy_piece(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct patch *pt = ctx;
	uint64_t end = off + n;

	for (size_t i = pt->seg_lo; i < pt->seg_hi; i++) {
		struct segment *s = &pt->segs[i];
		uint64_t lo = s->off > off ? s->off : off;
		uint64_t hi = s->off + s->len < end ? s->off + s->len : end;
		unsigned char *old;

		if (s->off >= end)
			break;
		if (lo >= hi) {
			/* Pieces go forward: this one is behind them all. */
			if (i == pt->seg_lo)
				pt->seg_lo++;
			continue;
		}
		old = pt->pend_old + s->at + (lo - s->off);
		if (p != NULL)
			memcpy(old, p + (lo - off), (size_t)(hi - lo));
		else
			memset(old, 0, (size_t)(hi - lo));
		if (memcmp(old, pt->pend + s->at + (lo - s->off),
			   (size_t)(hi - lo)) != 0)
			s->differs = 1;
	}
	return 0;
}

static int check_hunks(struct patch *pt);

/* Report a failure to read FILE (a fault: it shrank, or a page of it
 * could not be had). */
static void read_failed(struct patch *pt)
{
	if (pt->mf.faulted)
		report_fault("patch", pt->a.path, &pt->mf, pt->old_size, 0);
	else
		diag_errno("patch", "%s", pt->a.path);
}

/*
 * Compare the queued segments with FILE, one window's segments per
 * walk, and empty the queue.  The walk covers just the pages from the
 * window's first queued byte to its last, and maps none of its holes.
 * 0, or -1 after a message.
 */
static int compare_pending(struct patch *pt)
{
	size_t i = 0;
	unsigned char *b;

	if (pt->mode == MODE_GUARDED)
		return check_hunks(pt);
	if (pt->nsegs == 0)
		return 0;
	b = grow_array(pt->pend_old, &pt->pend_old_cap, pt->npend, 1);
	if (b == NULL) {
		diag_errno("patch", "%s", pt->a.path);
		return -1;
	}
	pt->pend_old = b;
	while (i < pt->nsegs) {
		const struct segment *s = &pt->segs[i], *last;
		size_t j = i + 1;

		if (s->off >= pt->old_size) {
			if (find_diffs(pt, s->off, NULL, pt->pend + s->at,
				       s->len) < 0)
				goto nomem;
			i++;
			continue;
		}
		while (j < pt->nsegs && pt->segs[j].off < pt->old_size &&
		       pt->segs[j].off / pt->window == s->off / pt->window)
			j++;
		last = &pt->segs[j - 1];
		pt->seg_lo = i;
		pt->seg_hi = j;
		for (size_t k = i; k < j; k++)
			pt->segs[k].differs = 0;
		/* One window at most; its holes are zeros, never mapped. */
		if (mapfile_walk(&pt->mf, s->off, last->off + last->len - s->off,
				 copy_piece, pt) != 0) {
			read_failed(pt);
			return -1;
		}
		for (; i < j; i++) {
			s = &pt->segs[i];
			if (s->differs &&
			    find_diffs(pt, s->off, pt->pend_old + s->at,
				       pt->pend + s->at, s->len) < 0)
				goto nomem;
		}
	}
	pt->nsegs = 0;
	pt->npend = 0;
	if (mapfile_unmap(&pt->mf) < 0) {
		diag_errno("patch", "%s", pt->a.path);
		return -1;
	}
	return 0;
nomem:
	diag_errno("patch", "%s", pt->a.path);
	return -1;
}

/* ---- Guarded dumps ------------------------------------------------------ */

/*
 * A guarded dump (what mmtool diff prints) is read hunk by hunk.  Each
 * line of a hunk is held (its bytes in gbytes) until the hunk ends, at the
 * next "@@", the sizes or the end of the dump; complete hunks are checked
 * against FILE in batches, where plain lines are compared, and only the
 * changes they call for are kept.  Each byte of a hunk has a '-' side (the
 * '-' and context lines: what FILE must hold) and a '+' side ('+' and
 * context lines: what to write), after -R has swapped them:
 *
 *   - a byte that FILE holds is "old" if it equals the '-' byte, and
 *     "new" if it equals the '+' byte; where a side has no byte (past its
 *     size), a zero counts for it: the file has grown there and the byte
 *     is not written yet;
 *   - a byte past FILE's end is "old" where the '-' side has none (the
 *     file has not grown yet) and "new" where the '+' side has none (the
 *     file has been shrunk already).
 *
 * A hunk whose bytes are all new is applied already and skipped; one with
 * a byte that is neither is a conflict; otherwise the '+' bytes that FILE
 * does not hold yet are noted as changes.  So a hunk half-written by an
 * interrupted patch (each byte old or new) is completed by running the
 * patch again, and -R takes back either.  The sizes are checked last:
 * FILE must have the '-' size or the '+' one (already applied).
 */

/* A line of a hunk: LEN bytes at file offset OFF, held at gbytes[at]. */
struct gline {
	uint64_t off;
	size_t len, at;
	int side;		/* DUMPLINE_OLD, _NEW or _CONTEXT, after -R */
};

/* A conflict found: at OFF, in the hunk of dump line LINE (0: sizes). */
struct conflict {
	uint64_t off;
	unsigned long line;
};

/* A complete hunk: COUNT lines from glines[first]; LINE is its "@@". */
struct ghunk {
	size_t first, count;
	unsigned long line;
	size_t tbase;		/* FILE's bytes under it from tbytes[tbase] */
};

/* Bytes of FILE to read for the hunks being checked: LEN at OFF, into
 * tbytes[at].  In order, and apart (touching ones are merged). */
struct trun {
	uint64_t off;
	size_t len, at;
};

/* The check of one hunk, piece by piece (see sweep_hunk). */
struct hunk_check {
	size_t tpos;		/* FILE's bytes of the piece at tbytes[tpos] */
	int all_new;
	int conflict;
	uint64_t conflict_off;
	int failed;		/* errno-style failure, message printed */
};

/* Close the open hunk: it joins those waiting for their check. */
static int end_hunk(struct patch *pt)
{
	struct ghunk *h;

	if (pt->nglines == pt->open_first)
		return 0;
	h = grow_array(pt->hunks, &pt->hunks_cap, pt->nhunks + 1, sizeof(*h));
	if (h == NULL)
		return -1;
	pt->hunks = h;
	h = &pt->hunks[pt->nhunks++];
	h->first = pt->open_first;
	h->count = pt->nglines - pt->open_first;
	h->line = pt->open_line;
	pt->open_first = pt->nglines;
	pt->open_line = 0;
	return 0;
}

/*
 * Walk callback, guarded: FILE's bytes [OFF, OFF+N) (P NULL: a hole, read
 * as zeros) go to tbytes for the parts of runs truns[run_lo..run_hi) they
 * hold.  No stdio or malloc here.
 */
static int copy_runs(void *ctx, const unsigned char *p, size_t n,
		     uint64_t off)
{
	struct patch *pt = ctx;
	uint64_t end = off + n;

	for (size_t i = pt->run_lo; i < pt->run_hi; i++) {
		const struct trun *r = &pt->truns[i];
		uint64_t lo = r->off > off ? r->off : off;
		uint64_t hi = r->off + r->len < end ? r->off + r->len : end;
		unsigned char *dst;

		if (r->off >= end)
			break;
		if (lo >= hi)
			continue;
		dst = pt->tbytes + r->at + (lo - r->off);
		if (p != NULL)
			memcpy(dst, p + (lo - off), (size_t)(hi - lo));
		else
			memset(dst, 0, (size_t)(hi - lo));
	}
	return 0;
}

/*
 * Read the runs: one walk for the runs that start in one window of FILE,
 * as compare_pending reads the plain queue, so that a batch of hunks
 * costs a few mappings, not one per line.  0, or -1 after a message.
 */
static int read_runs(struct patch *pt)
{
	size_t i = 0;

	while (i < pt->ntruns) {
		const struct trun *r = &pt->truns[i], *last;
		size_t j = i + 1;

		/* Runs are in order unless a hand-made hunk's sides cross
		 * (one side's lines behind the other's): a walk only goes
		 * forward. */
		while (j < pt->ntruns &&
		       pt->truns[j].off / pt->window == r->off / pt->window &&
		       pt->truns[j].off >= pt->truns[j - 1].off +
					   pt->truns[j - 1].len)
			j++;
		last = &pt->truns[j - 1];
		pt->run_lo = i;
		pt->run_hi = j;
		if (mapfile_walk(&pt->mf, r->off, last->off + last->len - r->off,
				 copy_runs, pt) != 0) {
			read_failed(pt);
			return -1;
		}
		i = j;
	}
	pt->ntruns = 0;
	return 0;
}

/* Pass 0 on a piece: room for FILE's bytes under it, and the run they are
 * read from (the part inside FILE). */
static int collect_piece(struct patch *pt, struct hunk_check *hc,
			 uint64_t off, size_t len, const unsigned char *ob,
			 const unsigned char *nb)
{
	uint64_t t_size = pt->old_size;
	size_t held = off >= t_size ? 0 : t_size - off < len ?
		      (size_t)(t_size - off) : len;
	struct trun *last = pt->ntruns ? &pt->truns[pt->ntruns - 1] : NULL;
	void *q;

	(void)ob;
	(void)nb;
	q = grow_array(pt->tbytes, &pt->tbytes_cap, hc->tpos + len, 1);
	if (q == NULL)
		goto nomem;
	pt->tbytes = q;
	if (held > 0 && last != NULL && last->off + last->len == off &&
	    last->at + last->len == hc->tpos) {
		last->len += held;
	} else if (held > 0) {
		q = grow_array(pt->truns, &pt->truns_cap, pt->ntruns + 1,
			       sizeof(*pt->truns));
		if (q == NULL)
			goto nomem;
		pt->truns = q;
		last = &pt->truns[pt->ntruns++];
		last->off = off;
		last->len = held;
		last->at = hc->tpos;
	}
	hc->tpos += len;
	return 0;
nomem:
	diag_errno("patch", "%s", pt->a.path);
	return -1;
}

/* Pass 1 on a piece: judge each byte against what FILE holds there. */
static int judge_piece(struct patch *pt, struct hunk_check *hc, uint64_t off,
		       size_t len, const unsigned char *ob,
		       const unsigned char *nb)
{
	uint64_t t_size = pt->old_size;
	size_t held = off >= t_size ? 0 : t_size - off < len ?
		      (size_t)(t_size - off) : len;

	for (size_t i = 0; i < len; i++) {
		int is_old, is_new;

		if (i < held) {
			unsigned char t = pt->tbytes[hc->tpos + i];

			/* Where a side has no byte, the file reads as zero
			 * once it has grown there. */
			is_old = ob != NULL ? t == ob[i] : t == 0;
			is_new = nb != NULL ? t == nb[i] : t == 0;
		} else {
			is_old = ob == NULL;
			is_new = nb == NULL;
		}
		if (!is_new)
			hc->all_new = 0;
		if (!is_old && !is_new && !hc->conflict) {
			hc->conflict = 1;
			hc->conflict_off = off + i;
		}
	}
	hc->tpos += len;
	return 0;
}

/* Pass 2 on a piece: note the '+' bytes that FILE does not hold yet. */
static int note_piece(struct patch *pt, struct hunk_check *hc, uint64_t off,
		      size_t len, const unsigned char *ob,
		      const unsigned char *nb)
{
	const unsigned char *t = pt->tbytes + hc->tpos;
	uint64_t t_size = pt->old_size;
	size_t i = 0;

	(void)ob;
	hc->tpos += len;
	if (nb == NULL)
		return 0;
	while (i < len) {
		int held = off + i < t_size;
		size_t j = i;

		if (held && t[i] == nb[i]) {
			i++;
			continue;
		}
		/* A run: bytes to store, all inside FILE or all past it. */
		while (j < len && (off + j < t_size) == held &&
		       (!held || t[j] != nb[j]))
			j++;
		if (!held) {
			if (!pt->a.grow || pt->mf.kind != MF_REGULAR) {
				if (pt->outside_line == 0) {
					pt->outside_line = pt->hunks_line;
					pt->outside_off = off + i;
					pt->outside_end = off + j;
				}
				return 0;
			}
			if (off + j > pt->new_size)
				pt->new_size = off + j;
		}
		if (note_diff(pt, off + i, held ? t + i : NULL, nb + i, j - i)
		    < 0) {
			diag_errno("patch", "%s", pt->a.path);
			return -1;
		}
		i = j;
	}
	return 0;
}

typedef int (*piece_fn)(struct patch *pt, struct hunk_check *hc,
			uint64_t off, size_t len, const unsigned char *ob,
			const unsigned char *nb);

/* The next line of hunk lines L[i..n) on the '-' side (OLD) or '+' side. */
static size_t next_of_side(const struct gline *l, size_t i, size_t n, int old)
{
	while (i < n && l[i].side == (old ? DUMPLINE_NEW : DUMPLINE_OLD))
		i++;
	return i;
}

/*
 * Cut hunk H into pieces where each side either has bytes all along or
 * none, in order of offset, and call FN on each with the '-' side's bytes
 * OB and the '+' side's NB (NULL where that side has none).  Each side's
 * lines are in order and do not overlap (take_guarded made sure).
 */
static int sweep_hunk(struct patch *pt, const struct ghunk *h, piece_fn fn,
		      struct hunk_check *hc)
{
	const struct gline *l = pt->glines + h->first;
	size_t n = h->count;
	size_t io = next_of_side(l, 0, n, 1), in = next_of_side(l, 0, n, 0);
	uint64_t pos = 0;

	if (io < n)
		pos = l[io].off;
	if (in < n && (io >= n || l[in].off < pos))
		pos = l[in].off;
	while (io < n || in < n) {
		const struct gline *o = io < n && l[io].off <= pos ? &l[io] : NULL;
		const struct gline *w = in < n && l[in].off <= pos ? &l[in] : NULL;
		uint64_t end = UINT64_MAX;

		if (o == NULL && w == NULL) {
			pos = io < n ? l[io].off : UINT64_MAX;
			if (in < n && l[in].off < pos)
				pos = l[in].off;
			continue;
		}
		end = o != NULL ? o->off + o->len : io < n ? l[io].off : end;
		if (w != NULL && w->off + w->len < end)
			end = w->off + w->len;
		else if (w == NULL && in < n && l[in].off < end)
			end = l[in].off;
		if (fn(pt, hc, pos, (size_t)(end - pos),
		       o ? pt->gbytes + o->at + (pos - o->off) : NULL,
		       w ? pt->gbytes + w->at + (pos - w->off) : NULL) < 0)
			return -1;
		pos = end;
		if (o != NULL && pos == o->off + o->len)
			io = next_of_side(l, io + 1, n, 1);
		if (w != NULL && pos == w->off + w->len)
			in = next_of_side(l, in + 1, n, 0);
	}
	return 0;
}

/*
 * A conflict at OFF, in the hunk whose header is dump line LINE (0: the
 * sizes).  Conflicts are printed once the whole dump has been read and
 * found good (a malformed line later is the one message then); the first
 * CONFLICTS_KEPT are kept, the rest counted.
 */
#define CONFLICTS_KEPT 4096u

static void note_conflict(struct patch *pt, uint64_t off, unsigned long line)
{
	struct conflict *c;

	pt->conflicts++;
	if (pt->nconflicts == CONFLICTS_KEPT)
		return;
	c = grow_array(pt->conflict_list, &pt->conflicts_cap,
		       pt->nconflicts + 1, sizeof(*c));
	if (c == NULL)
		return;		/* still counted: the status says it */
	pt->conflict_list = c;
	c[pt->nconflicts].off = off;
	c[pt->nconflicts].line = line;
	pt->nconflicts++;
}

/* One line per conflict kept, then how many more there were. */
static void print_conflicts(const struct patch *pt)
{
	for (size_t i = 0; i < pt->nconflicts; i++) {
		const struct conflict *c = &pt->conflict_list[i];

		if (c->line == 0)
			diag("patch", "%s: conflict at 0x%llx: the size is %llu, "
			     "the dump's is %llu (%llu once applied)",
			     pt->a.path, (unsigned long long)c->off,
			     (unsigned long long)c->off,
			     (unsigned long long)pt->size[0],
			     (unsigned long long)pt->size[1]);
		else
			diag("patch", "%s: conflict at 0x%llx (%s:%lu): the "
			     "bytes there are neither side of the hunk",
			     pt->a.path, (unsigned long long)c->off,
			     pt->dump_name, c->line);
	}
	if (pt->conflicts > pt->nconflicts)
		diag("patch", "%s: and %lu more conflicts", pt->a.path,
		     pt->conflicts - (unsigned long)pt->nconflicts);
}

/* Check one hunk against FILE, and note its changes if it applies. */
static int check_hunk(struct patch *pt, const struct ghunk *h)
{
	struct hunk_check hc;

	memset(&hc, 0, sizeof(hc));
	hc.all_new = 1;
	hc.tpos = h->tbase;
	if (sweep_hunk(pt, h, judge_piece, &hc) < 0)
		return -1;
	if (hc.conflict) {
		note_conflict(pt, hc.conflict_off, h->line);
		return 0;
	}
	if (hc.all_new || pt->conflicts > 0)
		return 0;
	hc.tpos = h->tbase;
	pt->hunks_line = h->line;
	return sweep_hunk(pt, h, note_piece, &hc);
}

/* Check the complete hunks, then keep only the open one's lines. */
static int check_hunks(struct patch *pt)
{
	struct hunk_check hc;
	size_t keep_at, i;

	/* Where FILE's bytes under every hunk go, then read them all. */
	memset(&hc, 0, sizeof(hc));
	for (i = 0; i < pt->nhunks; i++) {
		pt->hunks[i].tbase = hc.tpos;
		if (sweep_hunk(pt, &pt->hunks[i], collect_piece, &hc) < 0)
			return -1;
	}
	if (read_runs(pt) < 0)
		return -1;
	for (i = 0; i < pt->nhunks; i++)
		if (check_hunk(pt, &pt->hunks[i]) < 0)
			return -1;
	keep_at = pt->open_first < pt->nglines ?
		  pt->glines[pt->open_first].at : pt->ngbytes;
	for (i = pt->open_first; i < pt->nglines; i++) {
		pt->glines[i - pt->open_first] = pt->glines[i];
		pt->glines[i - pt->open_first].at -= keep_at;
	}
	memmove(pt->gbytes, pt->gbytes + keep_at, pt->ngbytes - keep_at);
	pt->ngbytes -= keep_at;
	pt->nglines -= pt->open_first;
	pt->open_first = 0;
	pt->nhunks = 0;
	return 0;
}

/* Bytes of the complete hunks waiting for their check. */
static size_t hunk_bytes_waiting(const struct patch *pt)
{
	return pt->open_first < pt->nglines ? pt->glines[pt->open_first].at :
	       pt->ngbytes;
}

/*
 * The sizes, once every hunk is checked: FILE has the '-' size (then it
 * takes the '+' size, growing with --grow, shrinking with --shrink), or
 * the '+' size already.  0, or -1 after a message (exit 2).
 */
static int check_sizes(struct patch *pt)
{
	uint64_t from = pt->size[0], to = pt->size[1], t = pt->old_size;

	if (!pt->have_size[0] && !pt->have_size[1])
		return 0;
	if (!pt->have_size[0] || !pt->have_size[1]) {
		diag("patch", "%s: a guarded dump has both sizes ('-SIZE' and "
		     "'+SIZE') or neither", pt->dump_name);
		return -1;
	}
	if (t == to || pt->conflicts > 0)
		return 0;
	if (t != from) {
		note_conflict(pt, t, 0);
		return 0;
	}
	if (to > t && (!pt->a.grow || pt->mf.kind != MF_REGULAR)) {
		diag("patch", "%s: would grow from %llu to %llu bytes%s",
		     pt->a.path, (unsigned long long)t, (unsigned long long)to,
		     pt->mf.kind == MF_REGULAR ? "; --grow allows it" : "");
		return -1;
	}
	if (to < t && (!pt->a.shrink || pt->mf.kind != MF_REGULAR)) {
		diag("patch", "%s: would discard %llu byte%s (%llu -> %llu)%s",
		     pt->a.path, (unsigned long long)(t - to),
		     t - to == 1 ? "" : "s", (unsigned long long)t,
		     (unsigned long long)to,
		     pt->mf.kind == MF_REGULAR ? "; --shrink allows it" : "");
		return -1;
	}
	pt->new_size = to;
	return 0;
}

/* The end of a guarded dump: its last hunk, then the sizes.  0, or -1
 * after a message. */
static int finish_guarded(struct patch *pt)
{
	if (end_hunk(pt) < 0) {
		diag_errno("patch", "%s", pt->dump_name);
		return -1;
	}
	if (check_hunks(pt) < 0)
		return -1;
	return check_sizes(pt);
}

/*
 * One line of a guarded dump: DL, its bytes at B.  Headers and blank
 * lines hold nothing; "@@" ends the open hunk; the sizes end the last.
 * 0, or 1 after a message.
 */
static int take_guarded(struct patch *pt, const struct dumpline *dl,
			const unsigned char *b)
{
	int side = dl->side;
	struct gline *g;
	unsigned char *bytes;

	if (pt->a.reverse && side != DUMPLINE_CONTEXT)
		side = side == DUMPLINE_OLD ? DUMPLINE_NEW : DUMPLINE_OLD;
	if (dl->kind == DUMPLINE_BLANK || dl->kind == DUMPLINE_HEADER)
		return 0;
	if (pt->have_size[0] || pt->have_size[1]) {
		if (dl->kind == DUMPLINE_END &&
		    !pt->have_size[side == DUMPLINE_NEW])
			goto size;
		diag("patch", "%s:%lu: a line after the sizes that end a "
		     "guarded dump", pt->dump_name, pt->line);
		return 1;
	}
	if (dl->kind == DUMPLINE_HUNK) {
		if (end_hunk(pt) < 0)
			goto nomem;
		pt->open_line = pt->line;
		return 0;
	}
	if (dl->kind == DUMPLINE_END) {
		if (end_hunk(pt) < 0)
			goto nomem;
		goto size;
	}
	if ((side != DUMPLINE_NEW && dl->offset < pt->old_end) ||
	    (side != DUMPLINE_OLD && dl->offset < pt->new_end)) {
		diag("patch", "%s:%lu: offset 0x%llx goes back before the end "
		     "of the bytes above on its side", pt->dump_name, pt->line,
		     (unsigned long long)dl->offset);
		return 1;
	}
	if (side != DUMPLINE_NEW)
		pt->old_end = dl->offset + dl->len;
	if (side != DUMPLINE_OLD)
		pt->new_end = dl->offset + dl->len;
	if (pt->open_line == 0 && pt->nglines == pt->open_first)
		pt->open_line = pt->line;
	g = grow_array(pt->glines, &pt->glines_cap, pt->nglines + 1,
		       sizeof(*g));
	if (g == NULL)
		goto nomem;
	pt->glines = g;
	bytes = grow_array(pt->gbytes, &pt->gbytes_cap, pt->ngbytes + dl->len,
			   1);
	if (bytes == NULL)
		goto nomem;
	pt->gbytes = bytes;
	memcpy(pt->gbytes + pt->ngbytes, b, dl->len);
	g = &pt->glines[pt->nglines++];
	g->off = dl->offset;
	g->len = dl->len;
	g->at = pt->ngbytes;
	g->side = side;
	pt->ngbytes += dl->len;
	return 0;
size:
	pt->have_size[side == DUMPLINE_NEW] = 1;
	pt->size[side == DUMPLINE_NEW] = dl->offset;
	return 0;
nomem:
	diag_errno("patch", "%s", pt->dump_name);
	return 1;
}

/*
 * Which kind of dump this is, from its first line that holds something;
 * a line of the other kind later is an error.  0, or 1 after a message.
 */
static int check_mode(struct patch *pt, const struct dumpline *dl)
{
	int guarded = dl->side != DUMPLINE_PLAIN ||
		      dl->kind == DUMPLINE_HEADER || dl->kind == DUMPLINE_HUNK;

	if (dl->kind == DUMPLINE_BLANK)
		return 0;
	if (pt->mode == MODE_NONE) {
		pt->mode = guarded ? MODE_GUARDED : MODE_PLAIN;
		if (!guarded && pt->a.reverse) {
			diag("patch", "%s:%lu: -R needs a guarded dump (as "
			     "mmtool diff prints), not a plain one",
			     pt->dump_name, pt->line);
			return 1;
		}
		return 0;
	}
	if (guarded == (pt->mode == MODE_GUARDED))
		return 0;
	diag("patch", "%s:%lu: %s", pt->dump_name, pt->line, guarded ?
	     "a guarded line ('-', '+', ' ', ---, +++ or @@) in a plain dump" :
	     "a plain dump line in a guarded dump (every line needs '-', '+' "
	     "or ' ')");
	return 1;
}

/* ---- Step 2: the dump into the queue ----------------------------------- */

/*
 * Queue the LEN bytes just parsed into pend[npend] for file offset OFF,
 * cut where a window of FILE or FILE itself ends, and merged with the last
 * segment where they continue it.  0, or -1 with errno.
 */
static int queue_bytes(struct patch *pt, uint64_t off, size_t len)
{
	while (len > 0) {
		struct segment *last = pt->nsegs ? &pt->segs[pt->nsegs - 1] :
				       NULL;
		uint64_t lim = UINT64_MAX;
		size_t k = len;

		if (off < pt->old_size) {
			lim = off - off % pt->window + pt->window;
			if (lim > pt->old_size)
				lim = pt->old_size;
			if (lim - off < k)
				k = (size_t)(lim - off);
		}
		/* Bytes are queued in order, so a segment ending at OFF
		 * ends where these bytes start in pend too. */
		if (last != NULL && last->off + last->len == off &&
		    (off < pt->old_size ? off % pt->window != 0 :
					  off != pt->old_size)) {
			last->len += k;
		} else {
			last = grow_array(pt->segs, &pt->segs_cap,
					  pt->nsegs + 1, sizeof(*pt->segs));
			if (last == NULL)
				return -1;
			pt->segs = last;
			last = &pt->segs[pt->nsegs++];
			last->off = off;
			last->len = k;
			last->at = pt->npend;
		}
		pt->npend += k;
		off += k;
		len -= k;
	}
	return 0;
}

/* Parse one line (without its newline) and queue its bytes.  0, or 1
 * after a message. */
static int take_line(struct patch *pt, const char *s, size_t n)
{
	struct dumpline dl;
	const char *why = "";
	char msg[160];
	unsigned char *b;
	uint64_t end;

	pt->line++;
	if (n > LINE_MAX_BYTES) {
		diag("patch", "%s:%lu: line longer than %u bytes",
		     pt->dump_name, pt->line, LINE_MAX_BYTES);
		return 1;
	}
	b = grow_array(pt->pend, &pt->pend_cap, pt->npend + n / 2 + 1, 1);
	if (b == NULL) {
		diag_errno("patch", "%s", pt->dump_name);
		return 1;
	}
	pt->pend = b;
	if (dumpline_parse_as(s, n, pt->a.layout, pt->pend + pt->npend, &dl,
			      &why) < 0) {
		diag("patch", "%s:%lu: %s (column %zu)", pt->dump_name,
		     pt->line, why, dl.column);
		return 1;
	}
	if (check_mode(pt, &dl) != 0)
		return 1;
	if (pt->mode == MODE_GUARDED)
		return take_guarded(pt, &dl, pt->pend + pt->npend);
	if (dumpseq_next(&pt->seq, &dl, msg, sizeof(msg)) < 0) {
		diag("patch", "%s:%lu: %s", pt->dump_name, pt->line, msg);
		return 1;
	}
	if (dl.kind != DUMPLINE_DATA)
		return 0;
	end = dl.offset + dl.len;
	if (end > pt->old_size) {
		if (!pt->a.grow || pt->mf.kind != MF_REGULAR) {
			if (pt->outside_line == 0) {
				pt->outside_line = pt->line;
				pt->outside_off = dl.offset;
				pt->outside_end = end;
			}
			return 0;
		}
		if (end > pt->new_size)
			pt->new_size = end;
	}
	/* Once the command is bound to fail, only parsing goes on. */
	if (pt->outside_line != 0)
		return 0;
	if (queue_bytes(pt, dl.offset, dl.len) < 0) {
		diag_errno("patch", "%s", pt->dump_name);
		return 1;
	}
	return 0;
}

/*
 * Lines of xxd's default layout that go on from the line before, many at
 * a time (dumpline_xxd_run: what take_line would read from each), queued
 * as one run of bytes.  Only where take_line would just queue them: a
 * plain dump without -e, -b or -d, inside FILE, nothing outside it yet,
 * no further than the queue holds.  0 and in *USED the bytes of P they
 * span (0: the first is not such a line), or 1 after a message.
 */
static int take_xxd_run(struct patch *pt, const unsigned char *p, size_t n,
			size_t *used)
{
	uint64_t off = pt->seq.end;
	size_t max = n / 68, k;
	unsigned char *b;

	*used = 0;
	if (pt->mode != MODE_PLAIN || pt->a.layout != 0 ||
	    pt->outside_line != 0 || off > pt->old_size ||
	    pt->npend >= PENDING_BYTES || n < 68 || p[67] != '\n' ||
	    p[8] != ':')
		return 0;
	if (max > (pt->old_size - off) / 16)
		max = (size_t)((pt->old_size - off) / 16);
	if (max > (PENDING_BYTES - pt->npend) / 16 + 1)
		max = (PENDING_BYTES - pt->npend) / 16 + 1;
	if (max == 0)
		return 0;
	b = grow_array(pt->pend, &pt->pend_cap, pt->npend + 16 * max, 1);
	if (b == NULL) {
		diag_errno("patch", "%s", pt->dump_name);
		return 1;
	}
	pt->pend = b;
	k = dumpline_xxd_run(&pt->seq, (const char *)p, n, max,
			     b + pt->npend);
	if (k == 0)
		return 0;
	pt->line += k;
	if (queue_bytes(pt, off, 16 * k) < 0) {
		diag_errno("patch", "%s", pt->dump_name);
		return 1;
	}
	*used = 68 * k;
	return 0;
}

static int queue_full(const struct patch *pt)
{
	return pt->npend >= PENDING_BYTES || pt->nsegs >= PENDING_SEGS ||
	       hunk_bytes_waiting(pt) >= PENDING_BYTES ||
	       pt->nhunks >= PENDING_SEGS;
}

/*
 * The line at P (N bytes to the chunk's end): taken, with *USED the bytes
 * it spans with its newline; or, cut by the chunk's end, kept in the carry
 * (*USED 0) until the rest comes.  0, or 1 after a message.
 */
static int take_cut_line(struct patch *pt, const unsigned char *p,
			 size_t n, size_t *used)
{
	const unsigned char *nl = memchr(p, '\n', n);
	size_t k = nl ? (size_t)(nl - p) : n;
	char *c;

	*used = 0;
	if (nl != NULL && pt->ncarry == 0) {
		if (take_line(pt, (const char *)p, k) != 0)
			return 1;
		*used = k + 1;
		return 0;
	}
	if (pt->ncarry + k > LINE_MAX_BYTES) {
		diag("patch", "%s:%lu: line longer than %u bytes",
		     pt->dump_name, pt->line + 1, LINE_MAX_BYTES);
		return 1;
	}
	c = grow_array(pt->carry, &pt->carry_cap, pt->ncarry + k, 1);
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
	*used = k + 1;
	return 0;
}

/*
 * Walk callback: split the dump text into lines, carrying a cut line.
 *
 * When the queue fills, its bytes are compared with FILE.  A mapped dump's
 * callback runs under the walk's SIGBUS guard, and the guard does not nest
 * (a second one, for FILE's mapping, would leave the dump's mapping
 * unguarded when it returned): so a mapped dump's walk is paused after the
 * line that filled the queue (WALK_PAUSE, pt->resume set), the caller
 * compares, and the walk goes on from there.  A stream's chunks are in a
 * plain buffer, unguarded, and a stream cannot go back: it compares here.
 */
static int take_chunk(void *ctx, const unsigned char *p, size_t n,
		      uint64_t off)
{
	struct patch *pt = ctx;
	const unsigned char *start = p;

	/* A hole in the dump: NUL bytes, which the parser refuses. */
	if (p == NULL)
		return mapfile_feed_zeros(take_chunk, ctx, n, off);

	while (n > 0) {
		size_t k = 0;

		if (pt->ncarry == 0 && take_xxd_run(pt, p, n, &k) != 0)
			return 1;
		if (k == 0) {
			/* One line, or the start of one cut by the chunk's
			 * end (then 0 and the walk goes on). */
			int rc = take_cut_line(pt, p, n, &k);

			if (rc != 0 || k == 0)
				return rc;
		}
		p += k;
		n -= k;
		if (!queue_full(pt))
			continue;
		if (pt->dump_mapped) {
			pt->resume = off + (uint64_t)(p - start);
			return WALK_PAUSE;
		}
		if (compare_pending(pt) < 0)
			return 1;
	}
	return 0;
}

/*
 * Read the whole dump, comparing as it goes.  0, or -1 after a message
 * (a malformed line, a line past the end without --grow, an I/O error).
 *
 * The dump stays open until cmd_patch is done with FILE: it may be FILE
 * itself (the same name, a link, standard input redirected from it), and
 * closing any descriptor of a file drops the POSIX record locks this
 * process holds on it, which would let another writer in before ours is
 * stored.
 */
static int read_dump(struct patch *pt)
{
	struct mapfile *dmf = &pt->dmf;
	int rc;

	if (open_input("patch", pt->a.dump, dmf) < 0)
		return -1;
	apply_test_window(dmf);
	pt->dump_mapped = dmf->kind != MF_STREAM;
	do {
		/* A stream goes on from where it is, whatever the offset. */
		rc = mapfile_walk(dmf, pt->dump_mapped ? pt->resume : 0,
				  UINT64_MAX, take_chunk, pt);
		if (rc == WALK_PAUSE && compare_pending(pt) < 0)
			rc = 1;
	} while (rc == WALK_PAUSE);
	if (rc < 0)
		report_read_failure("patch", pt->dump_name, dmf, 0,
				    UINT64_MAX, NULL);
	if (rc == 0 && pt->ncarry > 0 &&
	    take_line(pt, pt->carry, pt->ncarry) != 0)
		rc = 1;
	if (rc == 0 && pt->mode == MODE_GUARDED && finish_guarded(pt) < 0)
		rc = 1;
	if (rc == 0 && pt->outside_line != 0 && pt->conflicts == 0) {
		diag("patch", "%s:%lu: range [%llu, %llu) is outside %s "
		     "(%llu byte%s)%s", pt->dump_name, pt->outside_line,
		     (unsigned long long)pt->outside_off,
		     (unsigned long long)pt->outside_end, pt->a.path,
		     (unsigned long long)pt->old_size, plural(pt->old_size),
		     pt->mf.kind == MF_REGULAR ?
		     "; --grow extends the file" : "");
		rc = 1;
	}
	if (rc == 0 && compare_pending(pt) < 0)
		rc = 1;
	return rc == 0 ? 0 : -1;
}

/* ---- Step 4: the output and the write ---------------------------------- */

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

/* --dry-run: print each changed run.  0, or -1 (output failed). */
static int print_changes(struct patch *pt)
{
	for (size_t i = 0; i < pt->nchanges; i++) {
		const struct change *c = &pt->changes[i];
		char head[32];
		int k = snprintf(head, sizeof(head), "0x%llx: ",
				 (unsigned long long)c->off);

		if (outbuf_write(&pt->out, head, (size_t)k) < 0 ||
		    emit_hex(&pt->out, pt->oldb + c->at, c->len) < 0 ||
		    outbuf_write(&pt->out, " -> ", 4) < 0 ||
		    emit_hex(&pt->out, pt->newb + c->at, c->len) < 0 ||
		    outbuf_write(&pt->out, "\n", 1) < 0)
			return -1;
	}
	return 0;
}

/*
 * Walk callback of the write, run under the walk's SIGBUS guard: no stdio
 * or malloc.  FILE is open for writing, so the walk maps each window
 * writable and mf->data is P itself, without the const.
 */
static int write_chunk(void *ctx, const unsigned char *p, size_t n,
		       uint64_t off)
{
	struct patch *pt = ctx;
	unsigned char *dst = pt->mf.data;
	uint64_t end = off + n;

	(void)p;
	while (pt->cur < pt->nchanges) {
		const struct change *c = &pt->changes[pt->cur];
		uint64_t lo = c->off > off ? c->off : off;
		uint64_t cend = c->off + c->len;
		uint64_t hi = cend < end ? cend : end;

		if (c->off >= end)
			break;
		if (lo < hi) {
			unsigned char *d = dst + (lo - off);
			const unsigned char *s = pt->newb + c->at +
						 (lo - c->off);

			/* Store only what differs: a byte stored again
			 * could undo a concurrent writer's change. */
			for (size_t i = 0; i < hi - lo; i++)
				if (d[i] != s[i])
					d[i] = s[i];
		}
		if (cend > end)
			break;
		pt->cur++;
	}
	if (!pt->a.no_sync && mapfile_sync(&pt->mf) < 0) {
		pt->walk_errno = errno;
		return 1;
	}
	return 0;
}

/* The end of span S, clipped to the file's new size. */
static uint64_t span_end(const struct patch *pt, const struct mapfile_span *s)
{
	return s->end < pt->new_size ? s->end : pt->new_size;
}

/* Give FILE back its old size after a failure, if it grew. */
static void undo_growth(struct patch *pt)
{
	if (mapfile_refresh(&pt->mf) == 0 && pt->mf.size != pt->old_size)
		mapfile_resize(&pt->mf, pt->old_size);
}

/*
 * Store the changed runs window by window, msync each window.  FILE is
 * prepared (blocks reserved, grown).  0, or -1 after a message.
 */
static int store_changes(struct patch *pt)
{
	int rc;

	pt->cur = 0;
	for (size_t i = 0; i < pt->nspans; i++) {
		const struct mapfile_span *s = &pt->spans[i];

		/* Changes that end before this span were stored before it. */
		while (pt->cur < pt->nchanges &&
		       pt->changes[pt->cur].off + pt->changes[pt->cur].len <=
		       s->off)
			pt->cur++;
		rc = mapfile_walk_all(&pt->mf, s->off,
				      span_end(pt, s) - s->off, write_chunk, pt);
		if (rc == 0)
			continue;
		if (pt->mf.faulted) {
			/* The file shrank under us: its size is not ours
			 * to restore. */
			report_fault("patch", pt->a.path, &pt->mf,
				     pt->new_size, 1);
			return -1;
		}
		if (rc > 0)
			errno = pt->walk_errno;
		diag_errno("patch", "%s: data may not have reached storage",
			   pt->a.path);
		undo_growth(pt);
		return -1;
	}
	/* A guarded dump's sizes shrink FILE last, after every store, so
	 * that an interrupted run leaves the tail there to be checked. */
	if (pt->new_size < pt->mf.size &&
	    mapfile_resize(&pt->mf, pt->new_size) < 0) {
		diag_errno("patch", "%s", pt->a.path);
		return -1;
	}
	if (!pt->a.no_sync && pt->mf.size != pt->old_size &&
	    mapfile_fsync(&pt->mf) < 0) {
		diag_errno("patch", "%s: data may not have reached storage",
			   pt->a.path);
		return -1;
	}
	return 0;
}

static int print_summary(struct patch *pt);
static int finish_output(struct patch *pt);

/* -v before the store: the summary, flushed.  0, or -1 after a message. */
static int announce(struct patch *pt)
{
	if (print_summary(pt) < 0)
		pt->out_failed = 1;
	return finish_output(pt);
}

/*
 * The write: with the ending signals held, reserve blocks for the pages
 * to write (a store into a hole of a full filesystem is a SIGBUS half way)
 * and grow FILE to its new size, print what -v promises, then store and
 * sync.  Every failure before the first store leaves FILE's bytes and
 * size as they were.  0, or -1 after a message.
 */
static int apply_changes(struct patch *pt)
{
	sigset_t saved;
	int rc = -1;

	if (pt->new_size > pt->old_size &&
	    check_size_limit("patch", pt->a.path, pt->new_size) < 0)
		return -1;
	signals_hold(&saved);
	/* A shrink (guarded dumps) comes after the stores: not here. */
	if (mapfile_prepare(&pt->mf, pt->spans, pt->nspans,
			    pt->new_size > pt->old_size ? pt->new_size :
			    pt->old_size) < 0)
		report_prepare_failure("patch", pt->a.path, &pt->mf,
				       pt->old_size);
	else if (pt->a.verbose && announce(pt) < 0)
		undo_growth(pt);
	else
		rc = store_changes(pt);
	signals_release(&saved);
	return rc;
}

/* ---- The command -------------------------------------------------------- */

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
		     pt->a.path, (unsigned long long)pt->nnew,
		     plural(pt->nnew),
		     pt->a.dry_run ? "would change" : "changed",
		     (unsigned long long)pt->nchanges,
		     plural(pt->nchanges), size);
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

/*
 * Everything the dump asks, once it has been read and checked: print
 * (--dry-run, -v) or write.  The output goes out, flushed, before the
 * first byte is stored, so that a failing standard output (> /dev/full)
 * stores nothing.  0, or -1 after a message.
 */
static int carry_out(struct patch *pt)
{
	if (pt->a.dry_run) {
		if (print_changes(pt) < 0 ||
		    (pt->a.verbose && print_summary(pt) < 0))
			pt->out_failed = 1;
		return finish_output(pt);
	}
	if (pt->nspans > 0 || pt->new_size != pt->old_size)
		return apply_changes(pt);
	if (pt->a.verbose && print_summary(pt) < 0)
		pt->out_failed = 1;
	return finish_output(pt);
}

int cmd_patch(int argc, char **argv)
{
	struct patch pt;
	long ps = sysconf(_SC_PAGESIZE);
	int rc, status = EXIT_TROUBLE;

	memset(&pt, 0, sizeof(pt));
	pt.mf.fd = -1;
	dumpseq_init(&pt.seq);
	pt.dmf.fd = -1;
	rc = parse_args(argc, argv, &pt.a);
	if (rc == -2)
		return opt_help(&patch_options);
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
	if (lock_file("patch", pt.a.path, &pt.mf) < 0)
		goto close;
	apply_test_window(&pt.mf);
	/* Windows as mapfile_walk cuts them: whole pages, at least one. */
	pt.window = pt.mf.window < pt.page ? pt.page :
		    pt.mf.window - pt.mf.window % pt.page;
	pt.old_size = pt.new_size = pt.mf.size;
	if (read_dump(&pt) < 0)
		goto close;
	if (pt.conflicts > 0) {
		/* Nothing is written or printed but the conflicts. */
		print_conflicts(&pt);
		status = EXIT_NEGATIVE;
		goto close;
	}
	if (carry_out(&pt) == 0)
		status = EXIT_DONE;
close:
	/* Only now, after the last store and sync, the dump: when it is
	 * FILE, its close drops the lock. */
	if (pt.dmf.fd >= 0 && close_file("patch", pt.dump_name, &pt.dmf) < 0)
		status = EXIT_TROUBLE;
	if (close_file("patch", pt.a.path, &pt.mf) < 0)
		status = EXIT_TROUBLE;
out:
	outbuf_free(&pt.out);
	free(pt.carry);
	free(pt.pend);
	free(pt.pend_old);
	free(pt.segs);
	free(pt.changes);
	free(pt.newb);
	free(pt.oldb);
	free(pt.spans);
	free(pt.glines);
	free(pt.gbytes);
	free(pt.hunks);
	free(pt.tbytes);
	free(pt.truns);
	free(pt.conflict_list);
	return status;
}
