/*
 * test_sparse.c - sparse files (SPEC.md "Sparse files"): the reading
 * commands never map or read a hole, and print exactly what reading every
 * byte prints.
 *
 * Each layout is made twice on a filesystem that reports holes (a tmpfs
 * the test mounts, else the temporary directory if it reports them, else
 * the tests skip, saying so): once sparse, with only its data runs
 * written, and once dense, every byte written (zeros too), which the walk
 * reads byte by byte.  Every command must print the same bytes, exit
 * status and messages for both, with the default window and with
 * MMTOOL_TEST_WINDOW=8192 (two pages: holes and data inside and across
 * windows).  The sparse files are also compared with hexdump -C and xxd
 * run live, and a 1 GiB sparse file on the mounted tmpfs must leave its
 * used blocks (statvfs) as they were after hexdump, find, peek, diff and
 * patch --dry-run.
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE in glibc */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define PS 4096u		/* the layouts are in 4 KiB blocks */

/* Where the files go, and why the tests cannot run (NULL: they can). */
static char dir[600];
static int mounted;
static const char *skip_why;

struct data_run {
	uint64_t off;
	size_t len;
};

struct layout {
	const char *name;
	uint64_t size;
	struct data_run runs[7];	/* in order; len 0 ends the list */
};

/*
 * Holes at the start, in the middle, at the end (the end not on a line),
 * a file that is all hole, data of one byte, and runs and holes that
 * alternate inside and across two-page windows.
 */
static const struct layout layouts[] = {
	{ "start", 5 * PS, { { 3 * PS + 5, PS + 95 } } },
	{ "middle", 8 * PS, { { 0, 100 }, { 5 * PS, 1 } } },
	{ "end", 6 * PS + 7, { { 0, PS + 3 } } },
	{ "allhole", 5 * PS + 3, { { 0, 0 } } },
	{ "onebyte", 3 * PS, { { PS + 4095, 1 }, { 2 * PS, 1 } } },
	{ "alternate", 24 * PS, { { PS, PS }, { 3 * PS, PS },
				  { 5 * PS + 2000, 10 }, { 7 * PS, 2 * PS },
				  { 12 * PS, PS }, { 23 * PS, PS } } },
};
#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

/* The bytes of layout L: random in its runs, zeros elsewhere; the last
 * 48 bytes of a run of two blocks are zeros written as data, so that a
 * squeezed run starts in data and goes on into a hole. */
static unsigned char *layout_bytes(const struct layout *l)
{
	unsigned char *b = calloc(1, l->size);

	assert_non_null(b);
	for (size_t i = 0; l->runs[i].len > 0; i++) {
		const struct data_run *r = &l->runs[i];

		fill_random(b + r->off, r->len, (uint32_t)(i + 7));
		for (size_t k = 0; k < r->len; k++)
			if (b[r->off + k] == 0)
				b[r->off + k] = 0x5a;
		if (r->len == 2 * PS)
			memset(b + r->off + r->len - 48, 0, 48);
	}
	return b;
}

/* PATH with L's bytes: only the runs written (SPARSE), or every byte. */
static void make_layout(const char *path, const struct layout *l,
			const unsigned char *b, int sparse)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	if (sparse) {
		assert_int_equal(ftruncate(fd, (off_t)l->size), 0);
		for (size_t i = 0; l->runs[i].len > 0; i++)
			assert_int_equal(pwrite(fd, b + l->runs[i].off,
						l->runs[i].len,
						(off_t)l->runs[i].off),
					 (ssize_t)l->runs[i].len);
	} else {
		assert_int_equal(write(fd, b, l->size), (ssize_t)l->size);
	}
	assert_int_equal(close(fd), 0);
}

/* 1 if the filesystem holding DIRPATH reports a hole in a file there. */
static int reports_holes(const char *dirpath)
{
	char path[700];
	off_t d = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/holeprobe", dirpath);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 0;
#ifdef SEEK_DATA
	if (ftruncate(fd, 4 * PS) == 0 && pwrite(fd, "x", 1, 2 * PS) == 1)
		d = lseek(fd, 0, SEEK_DATA);
#endif
	close(fd);
	unlink(path);
	return d > 0;
}

static int setup(void **state)
{
	char cmd[800];

	(void)state;
	snprintf(dir, sizeof(dir), "%s", tmp_path("sparsefs"));
	if (mkdir(dir, 0755) < 0)
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "mount -t tmpfs -o size=64m tmpfs '%s' 2>/dev/null", dir);
	if (geteuid() == 0 && system(cmd) == 0)
		mounted = 1;
	if (!reports_holes(dir))
		skip_why = "the filesystem of the temporary directory does not "
			   "report holes (and no tmpfs could be mounted)";
	return 0;
}

static int teardown(void **state)
{
	char cmd[800];

	(void)state;
	snprintf(cmd, sizeof(cmd), "umount '%s'", dir);
	if (mounted && system(cmd) != 0)
		fprintf(stderr, "could not unmount %s\n", dir);
	return 0;
}

static void need_holes(void)
{
	if (skip_why != NULL) {
		print_message("[  SKIP    ] %s\n", skip_why);
		skip();
	}
}

/* DIR/NAME in a static buffer (rotation of 4: copy what must last). */
static const char *in_dir(const char *name)
{
	static char bufs[4][700];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

/* Run mmtool with WORDS (blank-separated; "@" stands for FILE). */
static void run_words(struct run *r, const char *words, const char *file)
{
	char buf[16384], *save = NULL, *w;
	const char *argv[32];
	size_t n = 0;

	assert_true(strlen(words) < sizeof(buf));
	strcpy(buf, words);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save)) {
		assert_true(n < 31);
		argv[n++] = strcmp(w, "@") == 0 ? file : w;
	}
	argv[n] = NULL;
	run_mmtool(r, NULL, 0, argv);
}

/* Show where A and B first differ, and fail. */
static void differ(const char *what, const char *a, size_t alen,
		   const char *b, size_t blen)
{
	size_t i = 0, line = 0;

	while (i < alen && i < blen && a[i] == b[i])
		if (a[i++] == '\n')
			line = i;
	print_error("%s: differs at byte %zu\n  got:  [%.*s]\n  want: [%.*s]\n",
		    what, i, (int)(alen - line < 90 ? alen - line : 90),
		    a + line, (int)(blen - line < 90 ? blen - line : 90),
		    b + line);
	fail();
}

/* The same status, stdout and stderr (the file name aside). */
static void same_run(const char *what, const struct run *got,
		     const struct run *want)
{
	if (got->status != want->status || got->signaled)
		fail_msg("%s: status %d, want %d (stderr %s)", what,
			 got->status, want->status, got->err);
	if (got->out_len != want->out_len ||
	    memcmp(got->out, want->out, got->out_len) != 0)
		differ(what, got->out, got->out_len, want->out, want->out_len);
	if ((got->err_len == 0) != (want->err_len == 0))
		fail_msg("%s: stderr [%s], want [%s]", what, got->err,
			 want->err);
}

/*
 * Each of CMDS (with "@" for the file) on every layout: the sparse file,
 * with both windows, prints what the dense one printed.  Both are made at
 * the same path, so that what names the file (xxd -i) names it alike.
 */
static void sparse_as_dense(const char *const *cmds, size_t ncmds)
{
	const char *f = in_dir("layout");
	struct run *want = calloc(ncmds, sizeof(*want));

	assert_non_null(want);
	for (size_t li = 0; li < NLAYOUTS; li++) {
		const struct layout *l = &layouts[li];
		unsigned char *b = layout_bytes(l);

		make_layout(f, l, b, 0);
		for (size_t ci = 0; ci < ncmds; ci++)
			run_words(&want[ci], cmds[ci], f);
		make_layout(f, l, b, 1);
		for (size_t ci = 0; ci < ncmds; ci++) {
			char what[300];
			struct run got;

			snprintf(what, sizeof(what), "%s: mmtool %.200s",
				 l->name, cmds[ci]);
			run_words(&got, cmds[ci], f);
			same_run(what, &got, &want[ci]);
			run_free(&got);
			setenv("MMTOOL_TEST_WINDOW", "8192", 1);
			snprintf(what, sizeof(what), "%s, window 8192: mmtool "
				 "%.200s", l->name, cmds[ci]);
			run_words(&got, cmds[ci], f);
			unsetenv("MMTOOL_TEST_WINDOW");
			same_run(what, &got, &want[ci]);
			run_free(&got);
			run_free(&want[ci]);
		}
		free(b);
	}
	free(want);
}

static void test_hexdump_formats(void **state)
{
	static const char *const cmds[] = {
		"hexdump @", "hexdump -v @", "hexdump --color=always @",
		"hexdump -s 7 @", "hexdump -s 4093 -n 9000 @",
		"hexdump -s 7 --color=always @", "hexdump -s -5 @",
		"hexdump -f xxd @", "hexdump -f xxd -c 7 -g 3 @",
		"hexdump -f xxd --color=always @", "hexdump -f xxd -s 7 @",
		"hexdump -f xxd -c 256 -g 0 @", "hexdump -f plain @",
		"hexdump -f plain -c 0 @", "hexdump -f plain -c 7 --color=always @",
		"hexdump -f c @", "hexdump -f c -c 5 -s 4090 @",
		"hexdump -f xxd -a @", "hexdump -f xxd -a -s 7 -c 7 @",
		"hexdump -f xxd -a --color=always @", "hexdump -f xxd -b -a @",
		"hexdump -f xxd -u -e -g 4 @", "hexdump -f xxd -d -o 3 @",
	};

	(void)state;
	need_holes();
	sparse_as_dense(cmds, sizeof(cmds) / sizeof(cmds[0]));
}

static void test_peek_formats(void **state)
{
	static const char *const cmds[] = {
		"peek @ 0 12288", "peek @ 4090 9000", "peek -f raw @ 0 12288",
		"peek -f canonical @ 7 12281", "peek -f xxd @ 4093 8200",
		"peek -f plain @ 1 12287", "peek -f c @ 0 12288",
		"peek -t u32le @ 4092 8192", "peek -t u16be @ 1 8192",
		"peek -t u64 @ 0 12288", "peek -t f32be @ 4 4096",
		"peek --expect 0000 @ 8192", "peek --expect 00000000 @ 4094",
		"peek @ 12287", "peek @ -1",
	};

	(void)state;
	need_holes();
	sparse_as_dense(cmds, sizeof(cmds) / sizeof(cmds[0]));
}

/*
 * Patterns that match zeros (inside holes, overlapping), that cannot
 * (a hole is skipped), and matches that run from data into a hole and
 * from a hole into data; the longest spans a whole hole of "alternate",
 * from the last two bytes of its first run to the first two of its
 * second.
 */
static void test_find_patterns(void **state)
{
	static char span[2 * (PS + 4) + 8], into[16], outof[16];
	const char *cmds[] = {
		"find @ 00", "find @ 0000", "find -m 3 @ 000000",
		"find @ 00??00", "find -m 5000 @ ??", "find -m 9000 -x @ ????",
		"find -o 7 -n 10000 @ 0000", "find @ ff", "find -m 2 @ 00ff",
		into, outof, span,
	};
	const struct layout *alt = &layouts[NLAYOUTS - 1];
	unsigned char *b = layout_bytes(alt);
	size_t n;

	(void)state;
	need_holes();
	/* alternate: [PS, 2PS) data, [2PS, 3PS) hole, [3PS, 4PS) data */
	n = (size_t)snprintf(span, sizeof(span), "find @ %02x%02x",
			     b[2 * PS - 2], b[2 * PS - 1]);
	for (size_t i = 0; i < PS; i++)
		n += (size_t)snprintf(span + n, sizeof(span) - n, "00");
	snprintf(span + n, sizeof(span) - n, "%02x%02x", b[3 * PS],
		 b[3 * PS + 1]);
	snprintf(into, sizeof(into), "find @ %02x%02x0000", b[2 * PS - 2],
		 b[2 * PS - 1]);
	snprintf(outof, sizeof(outof), "find @ 0000%02x%02x", b[3 * PS],
		 b[3 * PS + 1]);
	free(b);
	sparse_as_dense(cmds, sizeof(cmds) / sizeof(cmds[0]));
}

/*
 * patch --dry-run: a dump with lines in holes, in data and across, some
 * bytes changed; FILE stays as it was.
 */
static void test_patch_dry_run(void **state)
{
	static char cmd[800];
	const char *cmds[] = { cmd };
	const char *dump = in_dir("edit.dump");
	static const char text[] =
		"00000ff0: 0000 0000 0000 0000 0000 0000 0000 0001  ................\n"
		"00001000: 0102 0304 0506 0708 090a 0b0c 0d0e 0f10  ................\n"
		"00002ff8: 0000 0000 0000 0000 4142 4344 4546 4748  ........ABCDEFGH\n"
		"00004000: 0000 0000 0000 0000 0000 0000 0000 0000  ................\n"
		"00005000: 41                                       A\n";

	(void)state;
	need_holes();
	write_file(dump, text, sizeof(text) - 1);
	snprintf(cmd, sizeof(cmd), "patch --dry-run -v @ %s", dump);
	sparse_as_dense(cmds, 1);
}

/* ---- Live: hexdump -C and xxd on the sparse files ----------------------- */

/* Standard output of `sh -c CMD` (exit 0), NUL-terminated; *len set. */
static char *sh_output(const char *cmd, size_t *len)
{
	const char *out = in_dir("ref.out");
	char full[1200];

	snprintf(full, sizeof(full), "%s > '%s'", cmd, out);
	if (system(full) != 0)
		fail_msg("'%s' failed", full);
	return (char *)read_file(out, len);
}

static void test_live_references(void **state)
{
	static const struct { const char *ref, *args; } pairs[] = {
		{ "hexdump -C", "hexdump" },
		{ "hexdump -C -s 7 -n 9000", "hexdump -s 7 -n 9000" },
		{ "hexdump -C -v", "hexdump -v" },
		{ "xxd", "hexdump -f xxd" },
		{ "xxd -c 7 -g 3", "hexdump -f xxd -c 7 -g 3" },
		{ "xxd -s 7 -l 9000", "hexdump -f xxd -s 7 -n 9000" },
		{ "xxd -p", "hexdump -f plain" },
		{ "xxd -a", "hexdump -f xxd -a" },
		{ "xxd -a -c 7 -s 7", "hexdump -f xxd -a -c 7 -s 7" },
		{ "xxd -a -b", "hexdump -f xxd -a -b" },
	};
	char sparse[700];
	int have_hexdump = have_program("hexdump"), have_xxd = have_program("xxd");

	(void)state;
	need_holes();
	snprintf(sparse, sizeof(sparse), "%s", in_dir("sparse"));
	if (!have_hexdump || !have_xxd)
		print_message("[  SKIP    ] %s not installed: no live "
			      "comparison with it\n", have_xxd ? "hexdump" :
			      "xxd");
	for (size_t li = 0; li < NLAYOUTS; li++) {
		unsigned char *b = layout_bytes(&layouts[li]);

		make_layout(sparse, &layouts[li], b, 1);
		free(b);
		for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
			char cmd[900], words[200], what[300];
			size_t wlen;
			char *want;
			struct run got;

			if (!(pairs[i].ref[0] == 'x' ? have_xxd : have_hexdump))
				continue;
			snprintf(cmd, sizeof(cmd), "%s '%s'", pairs[i].ref,
				 sparse);
			want = sh_output(cmd, &wlen);
			snprintf(words, sizeof(words), "%s @", pairs[i].args);
			run_words(&got, words, sparse);
			snprintf(what, sizeof(what), "%s: mmtool %s vs %s",
				 layouts[li].name, pairs[i].args, pairs[i].ref);
			if (got.status != 0)
				fail_msg("%s: status %d", what, got.status);
			if (got.out_len != wlen ||
			    memcmp(got.out, want, wlen) != 0)
				differ(what, got.out, got.out_len, want, wlen);
			run_free(&got);
			free(want);
		}
	}
}

/* ---- Reading a 1 GiB sparse file allocates nothing ----------------------- */

static unsigned long used_blocks(void)
{
	struct statvfs vfs;

	assert_int_equal(statvfs(dir, &vfs), 0);
	return (unsigned long)(vfs.f_blocks - vfs.f_bfree);
}

static void test_reading_allocates_nothing(void **state)
{
	static const char *const cmds[] = {
		"hexdump @", "hexdump -f xxd -n 65536 -s 536870000 @",
		"find @ 41", "find -m 3 @ 0000", "peek @ 536870911 2",
		"peek -f canonical @ 0 1G", "peek -t u64 @ 1073741800 24",
		"peek --expect 000000 @ 4096", "diff @ @", "diff -q @ @",
	};
	static const char dump[] =
		"00001000: 0000 0000 0000 0000 0000 0000 0000 4142  ..............AB\n"
		"*\n"
		"1ffffff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n";
	char f[700], d[700], patch[1600];
	unsigned long before;
	struct run r;
	int fd;

	(void)state;
	need_holes();
	snprintf(f, sizeof(f), "%s", in_dir("gig"));
	snprintf(d, sizeof(d), "%s", in_dir("gig.dump"));
	if (!mounted) {
		print_message("[  SKIP    ] no tmpfs mounted (not root?): its "
			      "used blocks cannot be watched\n");
		skip();
	}
	fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 30), 0);
	assert_int_equal(pwrite(fd, "AB", 2, 512 << 20), 2);
	assert_int_equal(close(fd), 0);
	write_file(d, dump, sizeof(dump) - 1);
	snprintf(patch, sizeof(patch), "patch --dry-run @ %s", d);
	before = used_blocks();
	for (size_t i = 0; i <= sizeof(cmds) / sizeof(cmds[0]); i++) {
		const char *words = i < sizeof(cmds) / sizeof(cmds[0]) ?
				    cmds[i] : patch;

		run_words(&r, words, f);
		if (r.status > 1 || r.err_len != 0)
			fail_msg("mmtool %s: status %d, stderr %s", words,
				 r.status, r.err);
		if (used_blocks() != before)
			fail_msg("mmtool %s: used blocks %lu -> %lu", words,
				 before, used_blocks());
		run_free(&r);
	}
	/* What they printed, in short. */
	run_words(&r, "find @ 4142", f);
	assert_output(&r, "536870912\n");
	run_free(&r);
	run_words(&r, patch, f);
	assert_output(&r, "0x100e: 0000 -> 4142\n");
	run_free(&r);
	unlink(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hexdump_formats),
		cmocka_unit_test(test_peek_formats),
		cmocka_unit_test(test_find_patterns),
		cmocka_unit_test(test_patch_dry_run),
		cmocka_unit_test(test_live_references),
		cmocka_unit_test(test_reading_allocates_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
