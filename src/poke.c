/*
 * poke.c - mmtool poke: write bytes in place.
 *
 * Order of work, so that a refusal leaves the file exactly as it was: read
 * and validate every input; open and check the file; compare --expect;
 * only then reserve blocks, grow, map and copy.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "hexdata.h"
#include "mapfile.h"
#include "mmtool.h"
#include "vtype.h"

static const char usage[] =
	"usage: mmtool poke [-s | -t TYPE | -i INPUT] [--expect HEX] [--grow] [--no-sync] [-v] FILE OFFSET [DATA...]\n"
	"\n"
	"Write DATA (hexadecimal: \"de:ad be ef\", 0xdeadbeef) into FILE at\n"
	"OFFSET (negative: from the end).\n"
	"\n"
	"  -s, --string       DATA is one operand written as its bytes\n"
	"  -t, --type TYPE    DATA are numbers written as TYPE (u8 ... f64,\n"
	"                     optionally le or be)\n"
	"  -i, --input INPUT  write the bytes of file INPUT (- for stdin)\n"
	"      --expect HEX   write only if the bytes at OFFSET equal HEX,\n"
	"                     else exit 1\n"
	"      --grow         extend FILE if the range passes its end\n"
	"      --no-sync      do not wait for the data to reach storage\n"
	"  -v, --verbose      print FILE: 0xOFFSET: OLDHEX -> NEWHEX\n"
	"  -h, --help         show this help\n";

struct poke_args {
	int string, grow, no_sync, verbose;
	const char *type, *input, *expect;
	const char *path, *off_text;
	char **data;
	int ndata;
};

static int parse_args(int argc, char **argv, struct poke_args *a)
{
	enum { OPT_EXPECT = 256, OPT_GROW, OPT_NO_SYNC };
	static const struct option longopts[] = {
		{ "string", no_argument, NULL, 's' },
		{ "type", required_argument, NULL, 't' },
		{ "input", required_argument, NULL, 'i' },
		{ "expect", required_argument, NULL, OPT_EXPECT },
		{ "grow", no_argument, NULL, OPT_GROW },
		{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:st:i:vh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 's': a->string = 1; break;
		case 't': a->type = optarg; break;
		case 'i': a->input = optarg; break;
		case OPT_EXPECT: a->expect = optarg; break;
		case OPT_GROW: a->grow = 1; break;
		case OPT_NO_SYNC: a->no_sync = 1; break;
		case 'v': a->verbose = 1; break;
		case 'h': return -2;
		default: return option_error("poke", argv, c), -1;
		}
	}
	if (a->string + (a->type != NULL) + (a->input != NULL) > 1) {
		usage_error("poke", "-s, -t and -i cannot be combined");
		return -1;
	}
	if (argc - optind < 2) {
		usage_error("poke", "missing operand: FILE OFFSET [DATA...]");
		return -1;
	}
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

/* Turn the operands (or -i INPUT) into the bytes to write. */
static int gather_data(const struct poke_args *a, unsigned char **data,
		       size_t *len)
{
	const char *why = "";

	*data = NULL;
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
		struct vtype t;

		if (vtype_parse(a->type, &t) < 0)
			return usage_error("poke", "unknown type '%s'",
					   a->type), -1;
		*data = malloc((size_t)a->ndata * t.size);
		if (*data == NULL)
			return diag_errno("poke", "data"), -1;
		for (int i = 0; i < a->ndata; i++) {
			if (vtype_encode(&t, a->data[i], *data + i * t.size,
					 &why) < 0) {
				usage_error("poke", "invalid %s value '%s': %s",
					    a->type, a->data[i], why);
				free(*data);
				*data = NULL;
				return -1;
			}
		}
		*len = (size_t)a->ndata * t.size;
	} else {
		struct hexbytes hb;

		if (hex_parse(a->data, a->ndata, 0, &hb, &why) < 0)
			return usage_error("poke", "invalid DATA: %s", why), -1;
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

/* --expect: 0 when the bytes at OFF equal WANT, 1 after the message when
 * they differ, -1 on trouble. */
static int check_expect(struct mapfile *mf, const char *path, uint64_t off,
			const struct hexbytes *want)
{
	char fhex[2 * 16 + 1], whex[2 * 16 + 1];
	size_t i = 0, k;

	if (check_range("poke", path, off, want->len, mf->size, NULL) < 0)
		return -1;
	if (mapfile_map(mf, off, want->len) < 0) {
		diag_errno("poke", "%s", path);
		return -1;
	}
	while (i < want->len && mf->data[i] == want->bytes[i])
		i++;
	if (i < want->len) {
		k = want->len - i < 16 ? want->len - i : 16;
		hex_encode(mf->data + i, k, fhex);
		hex_encode(want->bytes + i, k, whex);
		diag("poke", "%s: at 0x%llx: found %s%s, expected %s%s; "
		     "nothing written", path, (unsigned long long)(off + i),
		     fhex, k < want->len - i ? "..." : "", whex,
		     k < want->len - i ? "..." : "");
	}
	mapfile_unmap(mf);
	return i < want->len;
}

/*
 * Reserve blocks for the range (so a write into a hole cannot fail for
 * space half-way, which through a mapping is a SIGBUS), growing the file to
 * END if needed.  Filesystems without fallocate still get the growth.
 */
static int reserve(struct mapfile *mf, const char *path, uint64_t off,
		   uint64_t end)
{
	uint64_t old_size = mf->size;

	if (mf->kind == MF_REGULAR &&
	    mapfile_allocate(mf, off, end - off) < 0 &&
	    errno != EOPNOTSUPP && errno != EINVAL && errno != ENODEV) {
		diag_errno("poke", "%s", path);
		/* posix_fallocate may have grown the file part of the way
		 * before it ran out of space; the added bytes held no data. */
		if (end > old_size)
			mapfile_resize(mf, old_size);
		return -1;
	}
	if (end > mf->size && mapfile_resize(mf, end) < 0) {
		diag_errno("poke", "%s", path);
		return -1;
	}
	return 0;
}

/* Print the -v line and flush it.  0, or -1 after a message. */
static int print_change(const char *path, uint64_t off,
			const unsigned char *old, const unsigned char *new,
			size_t len)
{
	char *text = malloc(4 * len + 2);

	if (text == NULL) {
		diag_errno("poke", "-v");
		return -1;
	}
	hex_encode(old, len, text);
	hex_encode(new, len, text + 2 * len + 1);
	printf("%s: 0x%llx: %s -> %s\n", path, (unsigned long long)off, text,
	       text + 2 * len + 1);
	free(text);
	return diag_close_stdout("poke");
}

/* The write itself; the file is open, checked and unchanged so far. */
static int write_range(struct mapfile *mf, const struct poke_args *a,
		       uint64_t off, const unsigned char *data, size_t len)
{
	uint64_t old_size = mf->size;

	if (reserve(mf, a->path, off, off + len) < 0)
		goto undo;
	if (mapfile_map(mf, off, len) < 0) {
		diag_errno("poke", "%s", a->path);
		goto undo;
	}
	/*
	 * -v goes out before the bytes change: when standard output fails
	 * (> /dev/full) the command fails, and a failed command leaves the
	 * file as it was.  Past this point only msync can fail, and then the
	 * bytes have changed whatever we do.
	 */
	if (a->verbose &&
	    print_change(a->path, off, mf->data, data, len) < 0)
		goto undo;
	memcpy(mf->data, data, len);
	if (!a->no_sync && (mapfile_sync(mf) < 0 ||
			    (mf->size != old_size && mapfile_fsync(mf) < 0))) {
		diag_errno("poke", "%s: data may not have reached storage",
			   a->path);
		return -1;
	}
	return 0;
undo:
	/* Nothing was written: give back the size we added, if any. */
	mapfile_unmap(mf);
	if (mf->size != old_size)
		mapfile_resize(mf, old_size);
	return -1;
}

int cmd_poke(int argc, char **argv)
{
	struct poke_args a;
	struct hexbytes want = { NULL, NULL, 0 };
	struct offset soff;
	struct mapfile mf;
	unsigned char *data = NULL;
	const char *why = "";
	uint64_t off;
	size_t len;
	int rc, status = EXIT_TROUBLE;

	rc = parse_args(argc, argv, &a);
	if (rc == -2)
		return print_help("poke", usage);
	if (rc < 0)
		return EXIT_TROUBLE;
	if (arg_offset("poke", "offset", a.off_text, &soff) < 0)
		return EXIT_TROUBLE;
	if (a.expect != NULL) {
		char *ops[1];

		ops[0] = (char *)a.expect;
		if (hex_parse(ops, 1, 0, &want, &why) < 0 || want.len == 0) {
			usage_error("poke", "invalid --expect '%s': %s",
				    a.expect, want.len ? why : "no bytes");
			hexbytes_free(&want);
			return EXIT_TROUBLE;
		}
	}
	if (gather_data(&a, &data, &len) < 0)
		goto out;
	if (open_file("poke", a.path, MF_WRITE, &mf) < 0)
		goto out;
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
	}
	if (a.expect != NULL) {
		rc = check_expect(&mf, a.path, off, &want);
		if (rc != 0) {
			status = rc > 0 ? EXIT_NEGATIVE : EXIT_TROUBLE;
			goto close;
		}
	}
	if (write_range(&mf, &a, off, data, len) < 0)
		goto close;
	status = EXIT_DONE;
close:
	if (close_file("poke", a.path, &mf) < 0)
		status = EXIT_TROUBLE;
	if (status == EXIT_DONE && diag_close_stdout("poke") < 0)
		status = EXIT_TROUBLE;
out:
	free(data);
	hexbytes_free(&want);
	return status;
}
