/*
 * poke.c - mmtool poke: write bytes in place.
 *
 * Order of work, so that a refusal leaves the file exactly as it was: read
 * and validate every input; open, lock and check the file; compare
 * --expect; only then reserve blocks, grow, map and copy.  The lock (held
 * until close) keeps another mmtool writer from resizing or writing the
 * file between our check and our write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmdutil.h"
#include "diag.h"
#include "hexdata.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"
#include "record.h"

enum { OPT_EXPECT = OPT_LONG, OPT_GROW, OPT_NO_SYNC };

static const struct opt poke_opts[] = {
	{ 's', "string", OPT_NOARG, NULL,
	  "DATA is one operand written as its bytes", NULL, 0 },
	{ 't', "type", OPT_ARG, "FIELDS",
	  "DATA are values written as FIELDS, one operand\n"
	  "per value, as peek -t takes and prints them\n"
	  "(u16le,x32be,bytes:4,pad:2...); pad bytes are\n"
	  "left as they are", record_words, 0 },
	{ 'i', "input", OPT_ARG, "INPUT",
	  "write the bytes of file INPUT (- for stdin)", NULL, 1 },
	{ OPT_EXPECT, "expect", OPT_ARG, "HEX",
	  "write only if the bytes at OFFSET equal HEX,\nelse exit 1",
	  NULL, 0 },
	{ OPT_GROW, "grow", OPT_NOARG, NULL,
	  "extend FILE if the range passes its end", NULL, 0 },
	{ OPT_NO_SYNC, "no-sync", OPT_NOARG, NULL,
	  "do not wait for the data to reach storage", NULL, 0 },
	{ 'v', "verbose", OPT_NOARG, NULL,
	  "print FILE: 0xOFFSET: OLDHEX -> NEWHEX", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts poke_options = {
	"poke",
	"usage: mmtool poke [-s | -t FIELDS | -i INPUT] [--expect HEX] [--grow] [--no-sync] [-v] FILE OFFSET [DATA...]\n"
	"\n"
	"Write DATA (hexadecimal: \"de:ad be ef\", 0xdeadbeef) into FILE at\n"
	"OFFSET (negative: from the end).\n"
	"\n",
	poke_opts, NULL
};

struct poke_args {
	int string, grow, no_sync, verbose;
	const char *type, *input, *expect;
	const char *path, *off_text;
	char **data;
	int ndata;
};

static int parse_args(int argc, char **argv, struct poke_args *a)
{
	struct optparse op;
	int c;

	memset(a, 0, sizeof(*a));
	opt_init(&op, &poke_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case 's': a->string = 1; break;
		case 't': a->type = op.arg; break;
		case 'i': a->input = op.arg; break;
		case OPT_EXPECT: a->expect = op.arg; break;
		case OPT_GROW: a->grow = 1; break;
		case OPT_NO_SYNC: a->no_sync = 1; break;
		case 'v': a->verbose = 1; break;
		case OPT_HELP: return -2;
		default: return -1;
		}
	}
	if (a->string + (a->type != NULL) + (a->input != NULL) > 1) {
		usage_error("poke", "-s, -t and -i cannot be combined");
		return -1;
	}
	if (opt_operands(&op, 2, -1, "FILE OFFSET [DATA...]") < 0)
		return -1;
	a->path = argv[optind];
	a->off_text = argv[optind + 1];
	a->data = argv + optind + 2;
	a->ndata = argc - optind - 2;
	if (a->input != NULL && a->ndata > 0) {
		usage_error("poke", "-i takes no DATA operand");
		return -1;
	}
	if (a->string && a->ndata != 1) {
		usage_error("poke", "-s takes exactly one DATA operand");
		return -1;
	}
	if (a->input == NULL && a->ndata == 0) {
		usage_error("poke", "no DATA to write");
		return -1;
	}
	return 0;
}

/*
 * Encode the operands of record R's fields, record after record, into
 * DATA (R->size bytes per record); KEEP marks which bytes are written.
 */
static int encode_records(const struct poke_args *a, const struct record *r,
			  unsigned char *data, unsigned char *keep)
{
	const char *why = "";
	char label[96];
	int k = 0;

	while (k < a->ndata) {
		for (size_t i = 0; i < r->nfields; i++) {
			const struct field *f = &r->fields[i];
			uint64_t n = f->kind == FIELD_BYTES ? 1 : f->count;
			unsigned es = field_elem_size(f);

			if (f->kind == FIELD_PAD) {
				memset(keep + f->offset, 0, f->size);
				continue;
			}
			for (uint64_t j = 0; j < n; j++, k++) {
				if (record_encode_value(f, a->data[k],
							data + f->offset + j * es,
							&why) == 0)
					continue;
				field_label(r, f, label, sizeof(label));
				return usage_error("poke", "invalid %s value "
						   "'%s'%s%s: %s", f->type_name,
						   a->data[k], r->nfields > 1 ?
						   " for " : "", r->nfields > 1 ?
						   label : "", why), -1;
			}
		}
		data += r->size;
		if (keep != NULL)
			keep += r->size;
	}
	return 0;
}

/*
 * -t FIELDS: the operands as values, one per value of the record, which
 * repeats while operands remain.  *keep is NULL when every byte is
 * written, else 1 for bytes to write and 0 for pad.
 */
static int gather_values(const struct poke_args *a, unsigned char **data,
			 unsigned char **keep, size_t *len)
{
	struct record r;
	uint64_t records;
	int has_pad = 0;

	if (arg_record("poke", a->type, &r) < 0)
		return -1;
	if (r.nvalues == 0 || a->ndata % r.nvalues != 0) {
		if (r.nvalues == 0)
			usage_error("poke", "FIELDS '%s' hold no value to "
				    "write", a->type);
		else
			usage_error("poke", "%d DATA operands do not fill "
				    "whole records of '%s' (%llu values each)",
				    a->ndata, a->type,
				    (unsigned long long)r.nvalues);
		record_free(&r);
		return -1;
	}
	records = (uint64_t)a->ndata / r.nvalues;
	if (r.size > SIZE_MAX / records) {
		errno = ENOMEM;
		diag_errno("poke", "data");
		record_free(&r);
		return -1;
	}
	*len = (size_t)(r.size * records);
	for (size_t i = 0; i < r.nfields; i++)
		has_pad |= r.fields[i].kind == FIELD_PAD;
	*data = calloc(*len, 1);
	*keep = has_pad ? malloc(*len) : NULL;
	if (*data == NULL || (has_pad && *keep == NULL)) {
		diag_errno("poke", "data");
		goto fail;
	}
	if (has_pad)
		memset(*keep, 1, *len);
	if (encode_records(a, &r, *data, *keep) < 0)
		goto fail;
	record_free(&r);
	return 0;
fail:
	free(*data);
	free(*keep);
	*data = *keep = NULL;
	record_free(&r);
	return -1;
}

/* Turn the operands (or -i INPUT) into the bytes to write. */
static int gather_data(const struct poke_args *a, unsigned char **data,
		       unsigned char **keep, size_t *len)
{
	*data = NULL;
	*keep = NULL;
	*len = 0;
	if (a->input != NULL) {
		if (read_input("poke", a->input, data, len) < 0)
			return -1;
	} else if (a->string) {
		*len = strlen(a->data[0]);
		*data = malloc(*len ? *len : 1);
		if (*data == NULL)
			return diag_errno("poke", "data"), -1;
		memcpy(*data, a->data[0], *len);
	} else if (a->type != NULL) {
		if (gather_values(a, data, keep, len) < 0)
			return -1;
	} else {
		struct hexbytes hb;

		if (arg_hex("poke", "DATA", a->data, a->ndata, 0, &hb) < 0)
			return -1;
		*data = hb.bytes;
		*len = hb.len;
	}
	if (*len == 0) {
		free(*data);
		*data = NULL;
		return usage_error("poke", "no data to write (zero bytes)"),
		       -1;
	}
	return 0;
}

/*
 * Copies and compares that touch the mapping run under mapfile_guard: the
 * file may shrink under it (another program truncates it), and on a full
 * filesystem even reading a hole can fault.  Nothing here calls stdio or
 * malloc.
 */
struct guarded_copy {
	unsigned char *dst;
	const unsigned char *src;
	const unsigned char *keep;	/* NULL, or 0 for bytes not copied */
	size_t len;
};

static int copy_guarded(void *ctx)
{
	struct guarded_copy *c = ctx;
	size_t i = 0, run;

	if (c->keep == NULL) {
		memcpy(c->dst, c->src, c->len);
		return 0;
	}
	while (i < c->len) {	/* the runs that are kept, pad left alone */
		for (run = 0; i + run < c->len && c->keep[i + run]; run++)
			;
		memcpy(c->dst + i, c->src + i, run);
		for (i += run; i < c->len && !c->keep[i]; i++)
			;
	}
	return 0;
}

/* --expect's comparison: where the bytes first differ, and what is there. */
struct expect_cmp {
	const unsigned char *found, *want;
	size_t len;
	size_t at;			/* first difference, or len */
	unsigned char shown[16];	/* found bytes from AT on */
	size_t nshown;
};

static int compare_guarded(void *ctx)
{
	struct expect_cmp *c = ctx;
	size_t i = 0;

	while (i < c->len && c->found[i] == c->want[i])
		i++;
	c->at = i;
	c->nshown = c->len - i < sizeof(c->shown) ? c->len - i :
		    sizeof(c->shown);
	memcpy(c->shown, c->found + i, c->nshown);
	return 0;
}

/* --expect: 0 when the bytes at OFF equal WANT, 1 after the message when
 * they differ, -1 on trouble. */
static int check_expect(struct mapfile *mf, const char *path, uint64_t off,
			const struct hexbytes *want)
{
	char fhex[2 * 16 + 1], whex[2 * 16 + 1];
	struct expect_cmp c;
	const char *more;

	if (check_range("poke", path, off, want->len, mf->size, NULL) < 0)
		return -1;
	if (mapfile_map(mf, off, want->len) < 0) {
		diag_errno("poke", "%s", path);
		return -1;
	}
	c.found = mf->data;
	c.want = want->bytes;
	c.len = want->len;
	if (mapfile_guard(mf, compare_guarded, &c) < 0) {
		mapfile_unmap(mf);
		report_fault("poke", path, mf, off + want->len, 0);
		return -1;
	}
	mapfile_unmap(mf);
	if (c.at == c.len)
		return 0;
	more = c.nshown < c.len - c.at ? "..." : "";
	hex_encode(c.shown, c.nshown, fhex);
	hex_encode(want->bytes + c.at, c.nshown, whex);
	diag("poke", "%s: at 0x%llx: found %s%s, expected %s%s; nothing "
	     "written", path, (unsigned long long)(off + c.at), fhex, more,
	     whex, more);
	return 1;
}

/*
 * Give back the size that a failed write added: the file had OLD_SIZE
 * bytes, and the lock kept other mmtool writers from changing that since.
 * A file whose size is already right is left alone (ftruncate would stamp
 * its mtime).
 */
static void give_back(struct mapfile *mf, uint64_t old_size)
{
	if (mapfile_refresh(mf) == 0 && mf->size != old_size)
		mapfile_resize(mf, old_size);
}

/* -v shows at most this many bytes of each side, then "... (N bytes)":
 * a line a terminal can show, not 2 MB of hex for a 1 MiB write. */
#define SHOWN_MAX 32

/*
 * Print the -v line for LEN bytes at OFF, of which OLD and NEW hold the
 * first min(LEN, SHOWN_MAX), and flush it.  0, or -1 after a message.
 */
static int print_change(const char *path, uint64_t off,
			const unsigned char *old, const unsigned char *new,
			size_t len)
{
	char oldhex[2 * SHOWN_MAX + 1], newhex[2 * SHOWN_MAX + 1];
	char more[64] = "";
	size_t shown = len < SHOWN_MAX ? len : SHOWN_MAX;

	hex_encode(old, shown, oldhex);
	hex_encode(new, shown, newhex);
	if (shown < len)
		snprintf(more, sizeof(more), "... (%zu byte%s)", len,
			 plural(len));
	printf("%s: 0x%llx: %s%s -> %s%s\n", path, (unsigned long long)off,
	       oldhex, more, newhex, more);
	return diag_close_stdout("poke");
}

/*
 * -v: the first min(LEN, SHOWN_MAX) bytes now at OFF, read before anything
 * changes (bytes past the end read as the zeros --grow will add), into
 * *OLD (malloc'd).  0, or -1 after a message.
 */
static int read_old(struct mapfile *mf, const char *path, uint64_t off,
		    size_t len, unsigned char **old)
{
	size_t shown = len < SHOWN_MAX ? len : SHOWN_MAX;
	struct guarded_copy c;
	int rc;

	*old = calloc(shown, 1);
	if (*old == NULL) {
		diag_errno("poke", "-v");
		return -1;
	}
	if (off >= mf->size)
		return 0;
	c.dst = *old;
	c.len = shown < mf->size - off ? shown : (size_t)(mf->size - off);
	if (mapfile_map(mf, off, c.len) < 0) {
		diag_errno("poke", "%s", path);
		return -1;
	}
	c.src = mf->data;
	c.keep = NULL;
	rc = mapfile_guard(mf, copy_guarded, &c);
	mapfile_unmap(mf);
	if (rc < 0) {
		report_fault("poke", path, mf, off + c.len, 0);
		return -1;
	}
	return 0;
}

/*
 * Store DATA at OFF through the mapping and sync it; the file is
 * prepared (blocks reserved, grown) and was OLD_SIZE bytes before.  The
 * mapping is dropped before returning, since a buffered one (the last
 * page below 2^63) reaches the file only then.  0, or -1 after a message.
 */
static int store(struct mapfile *mf, const struct poke_args *a, uint64_t off,
		 const unsigned char *data, const unsigned char *keep,
		 size_t len, uint64_t old_size)
{
	struct guarded_copy c;

	if (mapfile_map(mf, off, len) < 0) {
		diag_errno("poke", "%s", a->path);
		/* Nothing was written: give back the size we added. */
		give_back(mf, old_size);
		return -1;
	}
	c.dst = mf->data;
	c.src = data;
	c.keep = keep;
	c.len = len;
	if (mapfile_guard(mf, copy_guarded, &c) < 0) {
		/*
		 * The pages went away under the store: another program
		 * truncated the file (mmtool writers wait for our lock), so
		 * its size is that program's business now; or its storage
		 * failed.  Bytes stored before the faulting page may have
		 * landed.
		 */
		mapfile_unmap(mf);
		report_fault("poke", a->path, mf, off + len, 1);
		return -1;
	}
	if ((!a->no_sync && (mapfile_sync(mf) < 0 ||
			     (mf->size != old_size && mapfile_fsync(mf) < 0))) ||
	    mapfile_unmap(mf) < 0) {
		diag_errno("poke", "%s: data may not have reached storage",
			   a->path);
		return -1;
	}
	return 0;
}

/*
 * The write itself; the file is open, locked, checked and unchanged so
 * far.  Steps: read what -v shows; hold the ending signals; reserve
 * blocks for the whole pages the store will dirty (a store into a hole
 * that finds no space is a SIGBUS half way; a filesystem with blocks
 * smaller than a page allocates every block of a page) and grow; print
 * -v; store and sync; let the signals go.  Every failure before the
 * store leaves the file's bytes and size as they were.
 */
static int write_range(struct mapfile *mf, const struct poke_args *a,
		       uint64_t off, const unsigned char *data,
		       const unsigned char *keep, size_t len)
{
	uint64_t old_size = mf->size, end = off + len, page;
	long ps = sysconf(_SC_PAGESIZE);
	struct mapfile_span span;
	unsigned char *old = NULL, shown[SHOWN_MAX];
	sigset_t saved;
	int rc = -1;

	if (a->verbose && read_old(mf, a->path, off, len, &old) < 0) {
		free(old);
		return -1;
	}
	/* -v shows pad bytes (KEEP 0) as they stay: as they were. */
	for (size_t i = 0; a->verbose && i < len && i < SHOWN_MAX; i++)
		shown[i] = keep == NULL || keep[i] ? data[i] : old[i];
	page = ps > 0 ? (uint64_t)ps : 4096;
	span.off = off - off % page;
	/* Offsets end by 2^63-1: rounding up cannot wrap. */
	span.end = end % page == 0 ? end : end + (page - end % page);
	signals_hold(&saved);
	if (mapfile_prepare(mf, &span, 1, end > old_size ? end : old_size) < 0)
		report_prepare_failure("poke", a->path, mf, old_size);
	else if (a->verbose && print_change(a->path, off, old, shown, len) < 0)
		give_back(mf, old_size);
	else
		rc = store(mf, a, off, data, keep, len, old_size);
	signals_release(&saved);
	free(old);
	return rc;
}

int cmd_poke(int argc, char **argv)
{
	struct poke_args a;
	struct hexbytes want = { NULL, NULL, 0 };
	struct offset soff;
	struct mapfile mf;
	unsigned char *data = NULL, *keep = NULL;
	uint64_t off;
	size_t len;
	int rc, status = EXIT_TROUBLE;

	rc = parse_args(argc, argv, &a);
	if (rc == -2)
		return opt_help(&poke_options);
	if (rc < 0)
		return EXIT_TROUBLE;
	if (arg_offset("poke", "offset", a.off_text, &soff) < 0)
		return EXIT_TROUBLE;
	if (a.expect != NULL) {
		char *ops[1];

		ops[0] = (char *)a.expect;
		if (arg_hex("poke", "--expect", ops, 1, HEX_NONEMPTY,
			    &want) < 0)
			return EXIT_TROUBLE;
	}
	if (gather_data(&a, &data, &keep, &len) < 0)
		goto out;
	if (open_file("poke", a.path, MF_WRITE, &mf) < 0)
		goto out;
	apply_test_window(&mf);
	if (lock_file("poke", a.path, &mf) < 0)
		goto close;
	if (resolve_offset("poke", a.path, a.off_text, &soff, mf.size,
			   &off) < 0)
		goto close;
	if (off > mf.size || len > mf.size - off) {
		if (!a.grow || mf.kind != MF_REGULAR) {
			check_range("poke", a.path, off, len, mf.size,
				    mf.kind == MF_REGULAR && !a.grow ?
				    "--grow extends the file" : NULL);
			goto close;
		}
		if (len > (uint64_t)INT64_MAX - off) {
			errno = EFBIG;
			diag_errno("poke", "%s", a.path);
			goto close;
		}
		if (check_size_limit("poke", a.path, off + len) < 0)
			goto close;
	}
	if (a.expect != NULL) {
		rc = check_expect(&mf, a.path, off, &want);
		if (rc != 0) {
			status = rc > 0 ? EXIT_NEGATIVE : EXIT_TROUBLE;
			goto close;
		}
	}
	if (write_range(&mf, &a, off, data, keep, len) < 0)
		goto close;
	status = EXIT_DONE;
close:
	if (close_file("poke", a.path, &mf) < 0)
		status = EXIT_TROUBLE;
	if (status == EXIT_DONE && diag_close_stdout("poke") < 0)
		status = EXIT_TROUBLE;
out:
	free(data);
	free(keep);
	hexbytes_free(&want);
	return status;
}
