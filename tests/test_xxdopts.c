/*
 * test_xxdopts.c - xxd's options (-u -e -b -d -o -a -n -C) in the dump
 * formatters, against the live xxd and against a slow model of xxd.c's
 * layout written here.
 *
 *   table     every option alone and in pairs, with -c in {1, 3, 6, 16,
 *             33, 256} and -g in {0, 1, 2, 3, 4, 8, 16}, on real binaries
 *             and random data: the dumper's bytes are xxd's.  xxd runs
 *             without a shell, a few thousand times in all.  Where xxd
 *             breaks (-e with a group that is not a power of 2 or does not
 *             divide -c) the dumper is held to the model's sane layout
 *             instead, and it is held to the model everywhere else too,
 *             so that the table still means something where xxd is missing
 *             (the golden cases of test_dumpfmt cover a subset then).
 *   corners   what xxd gets wrong: -c 256 -g 256 -b, -d with offsets past
 *             2^63 (rejected) and at 2^63-1, -a counting past 2^31 lines,
 *             -a on 100 NULs from a pipe.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dumpfmt.h"
#include "outbuf.h"
#include "testutil.h"

/* ---- a growable byte string ------------------------------------------ */

struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static void
bytes_add(struct bytes *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		assert_non_null(b->p);
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
bytes_free(struct bytes *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- the dumper into memory ------------------------------------------ */

static struct bytes sink;

static ssize_t
sink_write(int fd, const void *p, size_t n)
{
	(void)fd;
	bytes_add(&sink, p, n);
	return (ssize_t)n;
}

/* Dump N bytes at START in pieces of CHUNK (0: whole); the output. */
static void
dump_to(struct bytes *out, const struct dump_opts *o, uint64_t start,
	const unsigned char *p, size_t n, size_t chunk)
{
	struct outbuf ob;
	struct dumper d;
	size_t i = 0;

	bytes_free(&sink);
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, o, start, &ob), 0);
	while (i < n) {
		size_t k = chunk == 0 || n - i < chunk ? n - i : chunk;

		assert_int_equal(dumper_feed(&d, p + i, k), 0);
		i += k;
	}
	assert_int_equal(dumper_finish(&d), 0);
	dumper_free(&d);
	outbuf_free(&ob);
	*out = sink;
	memset(&sink, 0, sizeof(sink));
	if (out->p == NULL)
		bytes_add(out, "", 0);
}

/* ---- the model: xxd.c's line, with the sane -e layout ------------------ */

/*
 * xxd's xxdline(): with -a, the first zero line of a run is printed, the
 * second saved, the rest dropped; the line that ends the run first prints
 * the saved one (run of 2) or "*" (longer).  NZ < 0 at the end.
 */
struct skipper {
	char z[4096];
	int zero_seen;
};

static void
model_put(struct bytes *b, struct skipper *s, const char *l, int nz)
{
	if (!nz && s->zero_seen == 1)
		snprintf(s->z, sizeof(s->z), "%s", l);
	if (nz || !s->zero_seen++) {
		if (nz) {
			if (nz < 0)
				s->zero_seen--;
			if (s->zero_seen == 2)
				bytes_add(b, s->z, strlen(s->z));
			if (s->zero_seen > 2)
				bytes_add(b, "*\n", 2);
		}
		if (nz >= 0 || s->zero_seen > 0)
			bytes_add(b, l, strlen(l));
		if (nz)
			s->zero_seen = 0;
	}
}

static void
model_xxd(struct bytes *b, const unsigned char *p, size_t n, uint64_t start,
	  const struct dump_opts *o)
{
	size_t cols = o->cols ? o->cols : o->bits ? 6 : 16;
	size_t g = o->group >= 0 ? (size_t)o->group
		   : o->bits ? 1 : o->little_endian ? 4 : 2;
	size_t dw = o->bits ? 8 : 2, slots, width, i, j;
	const char *digits = o->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	struct skipper s;
	char l[4096];

	memset(&s, 0, sizeof(s));
	if (g == 0 || g > cols)
		g = cols;
	slots = o->little_endian ? (cols + g - 1) / g * g : cols;
	width = dw * slots + (slots - 1) / g;
	bytes_add(b, "", 0);
	for (i = 0; i < n; i += cols) {
		size_t k = n - i < cols ? n - i : cols, a;
		int nonzero = 0;

		a = (size_t)snprintf(l, sizeof(l), o->decimal ? "%08llu: "
				     : "%08llx: ", (unsigned long long)
				     (start + i + o->display_offset));
		memset(l + a, ' ', width + 2);
		for (j = 0; j < k; j++) {
			unsigned e = p[i + j];
			size_t x = o->little_endian ? j - j % g + g - 1 - j % g
				   : j, c = a + dw * x + x / g, bit;

			if (o->bits) {
				for (bit = 0; bit < 8; bit++)
					l[c + bit] = (char)('0' +
						(e >> (7 - bit) & 1));
			} else {
				l[c] = digits[e >> 4];
				l[c + 1] = digits[e & 15];
			}
			l[a + width + 2 + j] = (char)(e > 31 && e < 127 ? e
						      : '.');
			nonzero |= e != 0;
		}
		l[a + width + 2 + k] = '\n';
		l[a + width + 2 + k + 1] = '\0';
		model_put(b, &s, l, k < cols || !o->autoskip ? 1 : nonzero);
	}
	if (o->autoskip && n % cols == 0)
		model_put(b, &s, l, -1);
}

/* ---- running xxd without a shell --------------------------------------- */

/* Run ARGV (xxd ...); its standard output, and 1 if it exited 0. */
static int
run_xxd(char *const argv[], struct bytes *out)
{
	int fds[2], status;
	unsigned char buf[65536];
	ssize_t r;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		dup2(null, 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((r = read(fds[0], buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r > 0);
		bytes_add(out, buf, (size_t)r);
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	bytes_add(out, "", 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Where two outputs differ: the first differing line of each. */
static void
assert_same(const char *what, const struct bytes *got,
	    const struct bytes *want)
{
	size_t i = 0, line = 1, ls = 0;

	if (got->len == want->len && memcmp(got->p, want->p, got->len) == 0)
		return;
	while (i < got->len && i < want->len && got->p[i] == want->p[i]) {
		if (got->p[i] == '\n') {
			line++;
			ls = i + 1;
		}
		i++;
	}
	print_error("%s: output differs at line %zu\n  got:  %.200s\n"
		    "  want: %.200s\n", what, line,
		    (const char *)got->p + ls, (const char *)want->p + ls);
	fail();
}

/* ---- inputs ------------------------------------------------------------ */

struct input {
	const char *name;	/* for messages */
	unsigned char *p;
	size_t n;
	char path[512];		/* the file xxd reads */
};

#define NINPUTS 7
static struct input inputs[NINPUTS];
static int ninputs;

static void
add_input(const char *name, const unsigned char *p, size_t n)
{
	struct input *in = &inputs[ninputs++];

	in->name = name;
	in->p = malloc(n + 1);
	assert_non_null(in->p);
	memcpy(in->p, p, n);
	in->n = n;
	snprintf(in->path, sizeof(in->path), "%s", tmp_path(name));
	write_file(in->path, p, n);
}

/* Up to N bytes of a real binary from offset OFF, if it is there. */
static void
add_binary(const char *name, const char *path, off_t off, size_t n)
{
	unsigned char *buf = malloc(n);
	ssize_t r;
	int fd = open(path, O_RDONLY);

	assert_non_null(buf);
	if (fd >= 0) {
		r = pread(fd, buf, n, off);
		if (r > 0)
			add_input(name, buf, (size_t)r);
		close(fd);
	}
	free(buf);
}

static int
setup_inputs(void **state)
{
	unsigned char buf[4096];
	size_t i;

	(void)state;
	fill_random(buf, 1000, 7);
	add_input("random1000", buf, 1000);
	/* Runs of zeros of every length around -a's thresholds. */
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 2600; i += 1 + (i * 7919) % 600)
		buf[i] = (unsigned char)(i | 1);
	add_input("zeroruns", buf, 2600);
	add_input("text", (const unsigned char *)
		  "xxd: make a hexdump or do the reverse.\n\tTabs, \"quotes\""
		  " and \x7f\x80\xff high bytes.\r\n", 76);
	add_input("one", (const unsigned char *)"\0", 1);
	add_input("empty", (const unsigned char *)"", 0);
	add_binary("bin_xxd", "/usr/bin/xxd", 0, 1500);
	add_binary("bin_sh", "/bin/sh", 4096, 1500);
	return 0;
}

static int
teardown_inputs(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < ninputs; i++) {
		unlink(inputs[i].path);
		free(inputs[i].p);
	}
	return 0;
}

/* ---- the table ----------------------------------------------------------- */

/* xxd's options for the xxd layout, each with what it sets. */
enum { OPT_U, OPT_E, OPT_B, OPT_D, OPT_O, OPT_A, NOPTS };
static const char *const opt_names[NOPTS] = { "-u", "-e", "-b", "-d", "-o",
					      "-a" };

/* xxd prints the sane layout: not -e with a group (after xxd's own
 * clamping) that is not a power of 2 or does not divide the columns. */
static int
xxd_is_sane(const struct dump_opts *o)
{
	size_t cols = o->cols ? o->cols : o->bits ? 6 : 16;
	size_t g = o->group >= 0 ? (size_t)o->group
		   : o->little_endian ? 4 : 2;

	if (!o->little_endian)
		return 1;
	if (g == 0 || g > cols)
		g = cols;
	return (g & (g - 1)) == 0 && cols % g == 0;
}

static int have_xxd = -1;

/*
 * One case: the dumper against the model always, and against xxd where
 * xxd is installed and sane.  ARGS are xxd's options; FILE the input.
 */
static void
check_case(const struct dump_opts *o, char **args, int nargs,
	   const struct input *in, uint64_t skip, uint64_t len, int *ran)
{
	struct bytes got, model = { NULL, 0, 0 }, want;
	size_t off = skip > in->n ? in->n : (size_t)skip, n = in->n - off;
	char what[512], *argv[32], sbuf[32], lbuf[32];
	int i, k = 0;

	if (len < n)
		n = (size_t)len;
	dump_to(&got, o, off, in->p + off, n, 0);
	argv[k++] = "xxd";
	for (i = 0; i < nargs; i++)
		argv[k++] = args[i];
	if (skip != 0) {
		snprintf(sbuf, sizeof(sbuf), "%llu", (unsigned long long)skip);
		argv[k++] = "-s";
		argv[k++] = sbuf;
	}
	if (len != UINT64_MAX) {
		snprintf(lbuf, sizeof(lbuf), "%llu", (unsigned long long)len);
		argv[k++] = "-l";
		argv[k++] = lbuf;
	}
	argv[k++] = (char *)in->path;
	argv[k] = NULL;
	what[0] = '\0';
	for (i = 0; i < k; i++)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 "%s%s", i ? " " : "", i == k - 1 ? in->name : argv[i]);

	if (o->format == DUMP_XXD) {
		model_xxd(&model, in->p + off, n, off, o);
		assert_same(what, &got, &model);
	}
	if (have_xxd && (o->format != DUMP_XXD || xxd_is_sane(o))) {
		if (!run_xxd(argv, &want)) {
			print_error("%s: xxd failed\n", what);
			fail();
		}
		assert_same(what, &got, &want);
		bytes_free(&want);
		(*ran)++;
	}
	bytes_free(&model);
	bytes_free(&got);
}

static void
set_opt(struct dump_opts *o, int opt, char **args, int *nargs)
{
	args[(*nargs)++] = (char *)opt_names[opt];
	switch (opt) {
	case OPT_U: o->upper = 1; break;
	case OPT_E: o->little_endian = 1; break;
	case OPT_B: o->bits = 1; break;
	case OPT_D: o->decimal = 1; break;
	case OPT_O:
		o->display_offset = 0x12345;
		args[(*nargs)++] = "0x12345";
		break;
	default: o->autoskip = 1; break;
	}
}

/* Every option alone and in pairs, every -c with every -g. */
static void
test_table_xxd(void **state)
{
	static const unsigned colsv[] = { 1, 3, 6, 16, 33, 256 };
	static const int groupv[] = { 0, 1, 2, 3, 4, 8, 16 };
	int a, b, ci, gi, ran = 0, cases = 0;

	(void)state;
	if (have_xxd < 0)
		have_xxd = have_program("xxd");
	if (!have_xxd)
		print_message("xxd not installed: the model only\n");
	for (a = -1; a < NOPTS; a++) {
		for (b = a + 1; b < NOPTS; b++) {
			if (a == OPT_E && b == OPT_B)
				continue;	/* a usage error here */
			for (ci = 0; ci < 6; ci++) {
				for (gi = 0; gi < 7; gi++) {
					struct dump_opts o;
					char *args[16], cbuf[8], gbuf[8];
					int nargs = 0;
					const struct input *in =
						&inputs[cases % ninputs];
					uint64_t skip = 0, len = UINT64_MAX;

					memset(&o, 0, sizeof(o));
					o.format = DUMP_XXD;
					o.cols = colsv[ci];
					o.group = groupv[gi];
					if (a >= 0)
						set_opt(&o, a, args, &nargs);
					set_opt(&o, b, args, &nargs);
					snprintf(cbuf, sizeof(cbuf), "%u",
						 o.cols);
					snprintf(gbuf, sizeof(gbuf), "%d",
						 o.group);
					args[nargs++] = "-c";
					args[nargs++] = cbuf;
					args[nargs++] = "-g";
					args[nargs++] = gbuf;
					/* Now and then a range (-s, -l). */
					if (cases % 5 == 1)
						skip = 7 + (uint64_t)cases % 50;
					if (cases % 7 == 2)
						len = (uint64_t)cases % 300;
					check_case(&o, args, nargs, in, skip,
						   len, &ran);
					cases++;
				}
			}
		}
	}
	print_message("%d cases, %d against xxd\n", cases, ran);
}

/* plain and c: -u, -C, -n alone and in pairs, and what xxd ignores. */
static void
test_table_plain_c(void **state)
{
	static const unsigned colsv[] = { 1, 3, 6, 16, 33, 256 };
	static const char *const sets[][4] = {
		{ NULL }, { "-u" }, { "-C" }, { "-n", "my.var" }, { "-u", "-C" },
		{ "-u", "-n", "9lives" }, { "-C", "-n", "x-y" },
		{ "-d" }, { "-a" }, { "-o", "100" }, { "-g", "3" },
	};
	size_t si, ci;
	int f, ran = 0, cases = 0;

	(void)state;
	if (have_xxd < 0)
		have_xxd = have_program("xxd");
	for (f = 0; f < 2; f++) {
		for (si = 0; si < sizeof(sets) / sizeof(sets[0]); si++) {
			for (ci = 0; ci < 6; ci++) {
				struct dump_opts o;
				char *args[16], cbuf[8];
				int nargs = 0, i;
				const struct input *in =
					&inputs[cases % ninputs];

				memset(&o, 0, sizeof(o));
				o.format = f ? DUMP_C : DUMP_PLAIN;
				o.group = -1;
				o.cols = colsv[ci];
				o.name = f ? in->path : NULL;
				args[nargs++] = f ? "-i" : "-p";
				for (i = 0; i < 4 && sets[si][i]; i++) {
					const char *s = sets[si][i];

					args[nargs++] = (char *)s;
					if (strcmp(s, "-u") == 0)
						o.upper = 1;
					else if (strcmp(s, "-C") == 0)
						o.capitalize = 1;
					else if (strcmp(s, "-n") == 0)
						o.name = f ? sets[si][i + 1]
							   : NULL;
				}
				snprintf(cbuf, sizeof(cbuf), "%u", o.cols);
				args[nargs++] = "-c";
				args[nargs++] = cbuf;
				check_case(&o, args, nargs, in, 0, UINT64_MAX,
					   &ran);
				cases++;
			}
		}
	}
	print_message("%d cases, %d against xxd\n", cases, ran);
}

/* ---- corners xxd gets wrong -------------------------------------------- */

/* -b with the largest line: 256 columns in one group. */
static void
test_bits_256(void **state)
{
	struct dump_opts o;
	struct bytes got, model = { NULL, 0, 0 };
	unsigned char in[700];

	(void)state;
	fill_random(in, sizeof(in), 99);
	memset(&o, 0, sizeof(o));
	o.format = DUMP_XXD;
	o.bits = 1;
	o.cols = 256;
	o.group = 256;
	o.color = 0;
	dump_to(&got, &o, 0, in, sizeof(in), 13);
	model_xxd(&model, in, sizeof(in), 0, &o);
	assert_same("-c 256 -g 256 -b", &got, &model);
	/* 3 lines: offset, 2048 bits, two blanks, the ASCII column. */
	assert_int_equal(got.len, 3 * (10 + 2048 + 2 + 1) + 256 + 256 + 188);
	bytes_free(&got);
	bytes_free(&model);
	/* The same in colour: stripped of escapes, the same bytes. */
	o.color = 1;
	dump_to(&got, &o, 0, in, sizeof(in), 0);
	{
		size_t i, j = 0;

		for (i = 0; i < got.len; i++) {
			if (got.p[i] == '\033') {
				while (got.p[i] != 'm')
					i++;
				continue;
			}
			got.p[j++] = got.p[i];
		}
		got.len = j;
	}
	model_xxd(&model, in, sizeof(in), 0, &o);
	assert_same("-c 256 -g 256 -b, colour stripped", &got, &model);
	bytes_free(&got);
	bytes_free(&model);
}

/*
 * Colour in every layout: stripped of its escapes the output is the plain
 * one, and an escape only starts a run (never repeats the colour that is
 * on), in screen order also where -e shows a group's bytes last first.
 */
static void
test_color_layouts(void **state)
{
	static const struct {
		int le, bits, autoskip;
		unsigned cols;
		int group;
	} layouts[] = {
		{ 0, 0, 0, 16, -1 }, { 1, 0, 0, 16, -1 }, { 1, 0, 0, 6, -1 },
		{ 1, 0, 0, 5, 2 }, { 1, 0, 1, 7, 0 }, { 0, 1, 0, 0, -1 },
		{ 0, 1, 0, 256, 256 }, { 0, 0, 1, 33, 3 },
	};
	unsigned char in[1000];
	size_t l;

	(void)state;
	fill_random(in, sizeof(in), 5);
	memset(in + 200, 0, 300);
	memcpy(in + 600, "plain text, some of it  ", 24);
	for (l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++) {
		struct dump_opts o;
		struct bytes plain, color;
		size_t i, j = 0, cur_len = 0;
		const unsigned char *cur = NULL;

		memset(&o, 0, sizeof(o));
		o.format = DUMP_XXD;
		o.little_endian = layouts[l].le;
		o.bits = layouts[l].bits;
		o.autoskip = layouts[l].autoskip;
		o.cols = layouts[l].cols;
		o.group = layouts[l].group;
		dump_to(&plain, &o, 0, in, 997, 0);
		o.color = 1;
		dump_to(&color, &o, 0, in, 997, 7);
		for (i = 0; i < color.len; i++) {
			if (color.p[i] == '\033') {
				size_t k = i;

				while (color.p[k] != 'm')
					k++;
				if (k - i == 3 && color.p[i + 2] == '0') {
					cur = NULL;	/* the reset */
				} else {
					/* A colour while the same one is on. */
					assert_false(cur != NULL &&
						     cur_len == k + 1 - i &&
						     memcmp(cur, color.p + i,
							    cur_len) == 0);
					cur = color.p + i;
					cur_len = k + 1 - i;
				}
				i = k;
				continue;
			}
			if (color.p[i] == '\n')
				assert_null(cur);	/* runs end with lines */
			color.p[j++] = color.p[i];
		}
		color.len = j;
		assert_same("colour stripped", &color, &plain);
		bytes_free(&plain);
		bytes_free(&color);
	}
}

/* -d -o: offsets up to 2^64-2 in decimal, never negative (xxd prints a
 * signed long); past 2^63-1 the display offset is refused. */
static void
test_decimal_large(void **state)
{
	struct dump_opts o;
	struct bytes got;
	const char *why = NULL;
	unsigned char in[20] = { 'a' };

	(void)state;
	memset(&o, 0, sizeof(o));
	o.format = DUMP_XXD;
	o.group = -1;
	o.decimal = 1;
	o.display_offset = DUMP_OFFSET_MAX;
	/* The last byte at 2^63-2, the largest file offset. */
	dump_to(&got, &o, DUMP_OFFSET_MAX - sizeof(in), in, sizeof(in), 0);
	assert_string_equal((const char *)got.p,
		"18446744073709551594: 6100 0000 0000 0000 0000 0000 0000 0000"
		"  a...............\n"
		"18446744073709551610: 0000 0000                      "
		"          ....\n");
	bytes_free(&got);
	o.display_offset = DUMP_OFFSET_MAX + 1;
	assert_int_equal(dump_check_opts(&o, &why), -1);
	assert_non_null(why);
}

/* -a on 100 NULs from a pipe: xxd 9.0 prints the first line, a star and
 * the partial last line. */
static void
test_autoskip_pipe(void **state)
{
	static const char *const argv[] = { "hexdump", "-f", "xxd", "-a",
					     NULL };
	unsigned char zeros[100];
	struct run r;

	(void)state;
	memset(zeros, 0, sizeof(zeros));
	run_mmtool(&r, zeros, sizeof(zeros), argv);
	assert_output(&r,
		"00000000: 0000 0000 0000 0000 0000 0000 0000 0000  "
		"................\n"
		"*\n"
		"00000060: 0000 0000                                ....\n");
	run_free(&r);
}

/* Feed HEAD, then N zeros as a hole (dumper_feed_zeros) or as bytes,
 * then TAIL; the output. */
static void
dump_hole(struct bytes *out, const struct dump_opts *o, const char *head,
	  uint64_t n, const char *tail, int as_hole)
{
	static const unsigned char zeros[4096];
	struct outbuf ob;
	struct dumper d;

	bytes_free(&sink);
	assert_int_equal(outbuf_init(&ob, -1, 0), 0);
	ob.write_fn = sink_write;
	assert_int_equal(dumper_init(&d, o, 0, &ob), 0);
	assert_int_equal(dumper_feed(&d, (const unsigned char *)head,
				     strlen(head)), 0);
	if (as_hole) {
		assert_int_equal(dumper_feed_zeros(&d, n), 0);
	} else {
		while (n > 0) {
			size_t k = n < sizeof(zeros) ? (size_t)n
						     : sizeof(zeros);

			assert_int_equal(dumper_feed(&d, zeros, k), 0);
			n -= k;
		}
	}
	assert_int_equal(dumper_feed(&d, (const unsigned char *)tail,
				     strlen(tail)), 0);
	assert_int_equal(dumper_finish(&d), 0);
	dumper_free(&d);
	outbuf_free(&ob);
	*out = sink;
	memset(&sink, 0, sizeof(sink));
	if (out->p == NULL)
		bytes_add(out, "", 0);
}

/* -a over a hole: skipping the run's lines prints what formatting every
 * zero byte prints, around each of the run's thresholds. */
static void
test_autoskip_hole(void **state)
{
	static const uint64_t holes[] = { 0, 1, 15, 16, 17, 48, 63, 64, 65,
					  80, 81, 100, 1003, 1u << 20 };
	static const unsigned colsv[] = { 16, 7, 1, 256 };
	size_t h, c, t;

	(void)state;
	for (c = 0; c < 4; c++) {
		for (h = 0; h < sizeof(holes) / sizeof(holes[0]); h++) {
			for (t = 0; t < 3; t++) {
				static const char *const tails[] = { "", "x",
					"tail bytes, more than a line" };
				struct dump_opts o;
				struct bytes a, b;
				char what[64];

				memset(&o, 0, sizeof(o));
				o.format = DUMP_XXD;
				o.group = -1;
				o.cols = colsv[c];
				o.autoskip = 1;
				dump_hole(&a, &o, "ab", holes[h], tails[t], 1);
				dump_hole(&b, &o, "ab", holes[h], tails[t], 0);
				snprintf(what, sizeof(what),
					 "-a -c %u, hole %llu, tail %zu",
					 colsv[c],
					 (unsigned long long)holes[h], t);
				assert_same(what, &a, &b);
				bytes_free(&a);
				bytes_free(&b);
			}
		}
	}
}

/*
 * -a over more than 2^31 zero lines (a 32 GiB hole): xxd's int counter
 * wraps there and prints the run again; here one "*" and, at the end,
 * the last line, at once.
 */
static void
test_autoskip_past_2g_lines(void **state)
{
	const uint64_t lines = (1ull << 31) + 5;
	struct dump_opts o;
	struct bytes got;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.format = DUMP_XXD;
	o.group = -1;
	o.autoskip = 1;
	dump_hole(&got, &o, "", lines * 16, "", 1);
	assert_string_equal((const char *)got.p,
		"00000000: 0000 0000 0000 0000 0000 0000 0000 0000  "
		"................\n"
		"*\n"
		"800000040: 0000 0000 0000 0000 0000 0000 0000 0000  "
		"................\n");
	bytes_free(&got);
	dump_hole(&got, &o, "", lines * 16, "end", 1);
	assert_string_equal((const char *)got.p,
		"00000000: 0000 0000 0000 0000 0000 0000 0000 0000  "
		"................\n"
		"*\n"
		"800000050: 656e 64                                  end\n");
	bytes_free(&got);
}

/* The same through hexdump on a sparse file of 40 GiB, where the
 * filesystem has holes: fast, since the walker hands the hole over. */
static void
test_autoskip_sparse_file(void **state)
{
	static const char *argv[] = { "hexdump", "-f", "xxd", "-a", NULL,
				      NULL };
	const char *path = tmp_path("hole40g");
	struct run r;
	int fd;

	(void)state;
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	if (pwrite(fd, "abc", 3, 0) != 3 ||
	    pwrite(fd, "xyz", 3, 40ll << 30) != 3) {
		close(fd);
		unlink(path);
		print_message("SKIPPED: no sparse 40 GiB file here\n");
		skip();
	}
	close(fd);
	argv[4] = path;
	run_mmtool(&r, NULL, 0, argv);
	unlink(path);
	assert_output(&r,
		"00000000: 6162 6300 0000 0000 0000 0000 0000 0000  "
		"abc.............\n"
		"00000010: 0000 0000 0000 0000 0000 0000 0000 0000  "
		"................\n"
		"*\n"
		"a00000000: 7879 7a                                  xyz\n");
	run_free(&r);
}

/* ---- the command line ------------------------------------------------- */

static void
refused(const char *const *argv, const char *text)
{
	struct run r;

	run_mmtool(&r, NULL, 0, argv);
	assert_refused(&r, 2);
	assert_err_contains(&r, text);
	run_free(&r);
}

/* Options that do not fit the format are usage errors, before any file
 * is opened (the file here does not exist). */
static void
test_cli_refusals(void **state)
{
	static const char *const canon_u[] = { "hexdump", "-u", "nofile",
						NULL };
	static const char *const canon_o[] = { "hexdump", "-f", "canonical",
						"-o", "5", "nofile", NULL };
	static const char *const e_b[] = { "hexdump", "-f", "xxd", "-e",
					    "-b", "nofile", NULL };
	static const char *const plain_b[] = { "hexdump", "-f", "plain",
						"-b", "nofile", NULL };
	static const char *const c_e[] = { "hexdump", "-f", "c", "-e",
					    "nofile", NULL };
	static const char *const big_o[] = { "hexdump", "-f", "xxd", "-d",
					      "-o", "9223372036854775808",
					      "nofile", NULL };
	static const char *const neg_o[] = { "hexdump", "-f", "xxd", "-o",
					      "-1", "nofile", NULL };

	(void)state;
	refused(canon_u, "-u does not apply to the canonical format");
	refused(canon_o, "-o does not apply to the canonical format");
	refused(e_b, "-e and -b exclude each other");
	refused(plain_b, "-b applies to -f xxd only");
	refused(c_e, "-e applies to -f xxd only");
	refused(big_o, "invalid display offset '9223372036854775808'");
	refused(neg_o, "invalid display offset '-1'");
}

/* The long forms, --name for standard input, and -o at its limit. */
static void
test_cli_long_options(void **state)
{
	static const char *const c_name[] = { "hexdump", "-f", "c",
		"--name", "blob.bin", "--capitalize", "--upper", NULL };
	static const char *const xxd_long[] = { "hexdump", "-f", "xxd",
		"--little-endian", "--decimal", "--display-offset",
		"9223372036854775807", "--autoskip", NULL };
	static const char *const bits[] = { "hexdump", "-f", "xxd", "--bits",
		"-c", "2", NULL };
	struct run r;

	(void)state;
	run_mmtool(&r, "\x01\xab", 2, c_name);
	assert_output(&r, "unsigned char BLOB_BIN[] = {\n  0X01, 0XAB\n};\n"
		      "unsigned int BLOB_BIN_LEN = 2;\n");
	run_free(&r);
	run_mmtool(&r, "abcdefgh", 8, xxd_long);
	/* As xxd -e -d -o 9223372036854775807 prints it. */
	assert_output(&r, "9223372036854775807: 64636261 68676665"
		      "                    abcdefgh\n");
	run_free(&r);
	run_mmtool(&r, "A\n", 2, bits);
	assert_output(&r, "00000000: 01000001 00001010  A.\n");
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_xxd),
		cmocka_unit_test(test_table_plain_c),
		cmocka_unit_test(test_bits_256),
		cmocka_unit_test(test_color_layouts),
		cmocka_unit_test(test_decimal_large),
		cmocka_unit_test(test_autoskip_pipe),
		cmocka_unit_test(test_autoskip_hole),
		cmocka_unit_test(test_autoskip_past_2g_lines),
		cmocka_unit_test(test_autoskip_sparse_file),
		cmocka_unit_test(test_cli_refusals),
		cmocka_unit_test(test_cli_long_options),
	};

	return cmocka_run_group_tests(tests, setup_inputs, teardown_inputs);
}
