/*
 * resize.c - mmtool resize: set a file's size, as truncate -s does, but
 * never discarding data unless --shrink says so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmdutil.h"
#include "diag.h"
#include "mapfile.h"
#include "mmtool.h"
#include "opttab.h"

enum { OPT_SHRINK = OPT_LONG };

static const struct opt resize_opts[] = {
	{ 'c', "create", OPT_NOARG, NULL,
	  "create FILE if it does not exist", NULL, 0 },
	{ OPT_SHRINK, "shrink", OPT_NOARG, NULL,
	  "allow the size to go down (data past it is lost)", NULL, 0 },
	{ 'a', "allocate", OPT_NOARG, NULL,
	  "reserve blocks for the added bytes", NULL, 0 },
	{ 'v', "verbose", OPT_NOARG, NULL, "print FILE: OLD -> NEW", NULL, 0 },
	{ 0, NULL, 0, NULL, NULL, NULL, 0 }
};

const struct cmdopts resize_options = {
	"resize",
	"usage: mmtool resize [-c] [--shrink] [-a] [-v] FILE SIZE\n"
	"\n"
	"Set FILE's size.  SIZE is N, +N (grow by), -N (shrink by), <N (at\n"
	"most), >N (at least), /N (round down to a multiple of N) or %N\n"
	"(round up to a multiple of N).  Growing leaves a hole.\n"
	"\n",
	resize_opts, NULL
};

/* A SIZE operand: an operator and the number after it. */
struct size_op {
	char op;		/* '=', '+', '-', '<', '>', '/', '%' */
	uint64_t n;
};

static int parse_size(const char *text, struct size_op *s)
{
	const char *num = text, *why = "";

	s->op = '=';
	if (text[0] != '\0' && strchr("+-<>/%", text[0]) != NULL) {
		s->op = text[0];
		num = text + 1;
		/* "++5" or "+-5" is a typo, not a number. */
		if (num[0] == '+' || num[0] == '-') {
			diag("resize", "invalid size '%s': sign after the "
			     "operator", text);
			return -1;
		}
	}
	if (num != text && num[0] == '\0') {
		diag("resize", "invalid size '%s': no number after '%c'",
		     text, s->op);
		return -1;
	}
	/* The message names the whole operand ('> -1'), operator and all. */
	if (parse_count(num, &s->n, &why) < 0) {
		diag("resize", "invalid size '%s': %s", text, why);
		return -1;
	}
	if ((s->op == '/' || s->op == '%') && s->n == 0) {
		diag("resize", "invalid size '%s': division by zero", text);
		return -1;
	}
	return 0;
}

/* The new size for a file of OLD bytes; -1 with ERANGE when it would pass
 * 2^63-1. */
static int target_size(const struct size_op *s, uint64_t old, uint64_t *out)
{
	const uint64_t max = (uint64_t)INT64_MAX;
	uint64_t v = s->n;

	switch (s->op) {
	case '+':
		if (v > max - old)
			goto range;
		v = old + v;
		break;
	case '-':
		v = v >= old ? 0 : old - v;
		break;
	case '<':
		v = old < v ? old : v;
		break;
	case '>':
		v = old > v ? old : v;
		break;
	case '/':
		v = old - old % v;
		break;
	case '%':
		if (old % v != 0) {
			if (v - old % v > max - old)
				goto range;
			v = old + (v - old % v);
		} else {
			v = old;
		}
		break;
	default:
		break;
	}
	*out = v;
	return 0;
range:
	errno = EFBIG;
	return -1;
}

static int set_size(struct mapfile *mf, const char *path, uint64_t size,
		    int allocate)
{
	uint64_t old = mf->size;

	if (allocate && size > old) {
		if (mapfile_allocate(mf, old, size - old) < 0) {
			diag_errno("resize", "%s", path);
			/* A failed fallocate may have grown the file part of
			 * the way (some filesystems do): the added bytes held
			 * no data.  An ftruncate to the size the file already
			 * has would still stamp its mtime, so look first. */
			if (mapfile_refresh(mf) == 0 && mf->size != old)
				mapfile_resize(mf, old);
			return -1;
		}
	}
	if (size != mf->size && mapfile_resize(mf, size) < 0) {
		diag_errno("resize", "%s", path);
		if (mf->size != old)
			mapfile_resize(mf, old);
		return -1;
	}
	if (size != old && mapfile_fsync(mf) < 0) {
		diag_errno("resize", "%s: new size may not have reached "
			   "storage", path);
		return -1;
	}
	return 0;
}

/* Print the -v line and flush it.  0, or -1 after a message. */
static int report(const char *path, uint64_t old, uint64_t size)
{
	printf("%s: %llu -> %llu\n", path, (unsigned long long)old,
	       (unsigned long long)size);
	return diag_close_stdout("resize");
}

/*
 * Set the size from OLD to SIZE, printing -v's line.  A failed command
 * leaves the file as it was, and -v failing on standard output
 * (> /dev/full) is a failure.  Growth can be taken back, so it comes
 * first; a shrink cannot, so -v goes out before it.  0, or -1 after a
 * message.
 */
static int change_size(struct mapfile *mf, const char *path, uint64_t old,
		       uint64_t size, int allocate, int verbose)
{
	if (size < old) {
		if (verbose && report(path, old, size) < 0)
			return -1;
		return set_size(mf, path, size, allocate);
	}
	if (set_size(mf, path, size, allocate) < 0)
		return -1;
	if (verbose && report(path, old, size) < 0) {
		if (size != old)
			mapfile_resize(mf, old);
		return -1;
	}
	return 0;
}

int cmd_resize(int argc, char **argv)
{
	int create = 0, shrink = 0, allocate = 0, verbose = 0, c;
	int status = EXIT_TROUBLE, held = 0;
	sigset_t saved;
	struct optparse op;
	struct size_op sop;
	struct mapfile mf;
	const char *path;
	uint64_t old, size;

	opt_init(&op, &resize_options, argc, argv);
	while ((c = opt_next(&op)) != OPT_END) {
		switch (c) {
		case 'c': create = 1; break;
		case OPT_SHRINK: shrink = 1; break;
		case 'a': allocate = 1; break;
		case 'v': verbose = 1; break;
		case OPT_HELP: return opt_help(&resize_options);
		default: return EXIT_TROUBLE;
		}
	}
	if (opt_operands(&op, 2, 2, "FILE SIZE") < 0)
		return EXIT_TROUBLE;
	path = argv[optind];
	if (parse_size(argv[optind + 1], &sop) < 0)
		return EXIT_TROUBLE;
	if (open_file("resize", path, MF_WRITE | (create ? MF_CREATE : 0),
		      &mf) < 0)
		return EXIT_TROUBLE;
	if (mf.kind != MF_REGULAR) {
		diag("resize", "%s: not a regular file", path);
		goto close;
	}
	/* SIZE may be relative to the size, which must be the current one:
	 * lock_file takes it again once no other mmtool writer holds the
	 * file. */
	if (lock_file("resize", path, &mf) < 0)
		goto close;
	old = mf.size;
	if (target_size(&sop, old, &size) < 0) {
		diag_errno("resize", "%s: size %s", path, argv[optind + 1]);
		goto close;
	}
	if (size > old && check_size_limit("resize", path, size) < 0)
		goto close;
	if (size < old && !shrink) {
		diag("resize", "%s: would discard %llu byte%s (%llu -> %llu); "
		     "--shrink allows it", path,
		     (unsigned long long)(old - size), plural(old - size),
		     (unsigned long long)old,
		     (unsigned long long)size);
		goto close;
	}
	signals_hold(&saved);
	held = 1;
	if (change_size(&mf, path, old, size, allocate, verbose) < 0)
		goto close;
	status = EXIT_DONE;
close:
	if (status != EXIT_DONE && mf.created) {
		/* A refused -c leaves no file where there was none. */
		mapfile_close_discard(&mf);
	} else {
		if (close_file("resize", path, &mf) < 0)
			status = EXIT_TROUBLE;
		if (status == EXIT_DONE && diag_close_stdout("resize") < 0)
			status = EXIT_TROUBLE;
	}
	/* A signal held since the change ends the program only now. */
	if (held)
		signals_release(&saved);
	return status;
}
